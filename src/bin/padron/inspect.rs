//! `padron inspect FILE`: what an encodings file holds, without its contents.

use crate::common::open_input;
use anyhow::{Context, Result};
use padron::encodings::{file_stats, FORMAT, VERSION};
use serde_json::json;
use std::path::PathBuf;
use std::process::ExitCode;

/// Show an encodings file's header, record count and fill rates. Prints no
/// token or filter contents (and the file holds no secret: only the key's
/// public fingerprint). The whole file is verified first.
#[derive(clap::Args, Debug)]
pub struct InspectArgs {
    /// The encodings file (`padron encode -o`), or `-` for standard input.
    pub file: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "-".into(), |x| format!("{:.1} %", 100.0 * x))
}

pub fn run(args: InspectArgs) -> Result<ExitCode> {
    let input = open_input(&args.file)?;
    let (header, stats) =
        file_stats(input).with_context(|| format!("reading {}", args.file.display()))?;
    let n = stats.records;
    let layout = header.layout();
    if args.json {
        let v = json!({
            "format": FORMAT,
            "version": VERSION,
            "tool": header.tool(),
            "algorithm": header.algorithm().name(),
            "key_fingerprint": header.fingerprint().to_string(),
            "token_rules": header.rules().iter().map(|r| r.signature()).collect::<Vec<_>>(),
            "schema": header.schema().name,
            "layout": {
                "words_per_record": layout.words_per_record,
                "record": {"offset": layout.record.offset, "words": layout.record.words},
                "fields": layout.fields.iter().map(|f| json!({
                    "column": f.column, "group": f.group,
                    "offset": f.slot.offset, "words": f.slot.words,
                })).collect::<Vec<_>>(),
            },
            "records": n,
            "tokens": header.rules().iter().zip(&stats.tokens).map(|(r, &c)| json!({
                "rule": r.name(), "records": c,
                "fill_rate": (n > 0).then(|| c as f64 / n as f64),
            })).collect::<Vec<_>>(),
            "filters": stats.filters.iter().map(|f| json!({
                "filter": f.column.as_deref().unwrap_or("record"),
                "bits": f.bits,
                "non_empty": f.non_empty,
                "fill_rate": f.fill_rate(n),
                "mean_bit_density": f.mean_density(n),
            })).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("format:      {FORMAT} v{VERSION} (checksum verified)");
    println!("tool:        {}", header.tool());
    println!("algorithm:   {}", header.algorithm());
    println!("key:         fingerprint {}", header.fingerprint());
    println!("schema:      {}", header.schema().name);
    println!(
        "layout:      {} words per record; record filter {} bits at word {}",
        layout.words_per_record,
        64 * layout.record.words,
        layout.record.offset
    );
    for f in layout.fields.iter().filter(|f| f.slot.words > 0) {
        println!(
            "             {} ({} group): {} bits at word {}",
            f.column,
            f.group,
            64 * f.slot.words,
            f.slot.offset
        );
    }
    println!("records:     {n}");
    println!("tokens (records with a token):");
    let width = header
        .rules()
        .iter()
        .map(|r| r.name().len())
        .max()
        .unwrap_or(0);
    for (r, &c) in header.rules().iter().zip(&stats.tokens) {
        let rate = (n > 0).then(|| c as f64 / n as f64);
        println!("  {:width$}  {c:>10}  {:>7}", r.name(), pct(rate));
        println!("  {:width$}  {}", "", r.signature());
    }
    println!("filters (non-empty, mean bit density):");
    for f in &stats.filters {
        let density = f
            .mean_density(n)
            .map_or_else(|| "-".into(), |d| format!("{d:.3}"));
        println!(
            "  {:24} {:>5} bits  {:>10}  {:>7}  {density}",
            f.column.as_deref().unwrap_or("(record)"),
            f.bits,
            f.non_empty,
            pct(f.fill_rate(n))
        );
    }
    Ok(ExitCode::SUCCESS)
}
