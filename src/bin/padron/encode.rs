//! `padron encode`: what an agency runs before anything leaves its hands.

use crate::common::{open_output, Progress, ReadArgs, Rejects};
use anyhow::{Context, Result};
use padron::bloom::Schema;
use padron::curp::ParseOptions;
use padron::encode::{AgencyEncoder, Person};
use padron::encodings::Writer;
use padron::io::{Column, Item};
use padron::pseudo::keyfile::read_key;
use padron::pseudo::{default_rules, Algorithm, Key};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Pseudonymize a padrón under a secret key: keyed tokens and Bloom filters,
/// nothing in plaintext. The output goes to the linkage unit.
#[derive(clap::Args, Debug)]
pub struct EncodeArgs {
    /// The padrón CSV file, or `-` for standard input.
    pub file: PathBuf,
    /// The secret key file (`padron key new`), shared by the agencies only.
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    /// The encodings file to write.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Token algorithm: `hmac-sha256` (default; reproducible anywhere) or `blake3`.
    #[arg(long, default_value = "hmac-sha256")]
    pub algorithm: String,
    /// A Bloom schema (TOML) instead of the built-in padrón schema.
    #[arg(long, value_name = "FILE")]
    pub schema: Option<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
}

/// Loads a key file, printing its permission warnings.
pub fn load_key(path: &Path) -> Result<Key> {
    let (key, warnings) =
        read_key(path).with_context(|| format!("could not read key file {}", path.display()))?;
    for w in warnings {
        eprintln!("padron: warning: {}: {w}", path.display());
    }
    Ok(key)
}

pub fn run(args: EncodeArgs) -> Result<ExitCode> {
    let key = load_key(&args.key)?;
    let algorithm = Algorithm::from_name(&args.algorithm)
        .ok_or_else(|| anyhow::anyhow!("--algorithm: expected hmac-sha256 or blake3"))?;
    let schema = match &args.schema {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("cannot read {}", p.display()))?;
            Schema::from_toml(&text).with_context(|| format!("schema {}", p.display()))?
        }
        None => Schema::padron(),
    };
    let mut parse = ParseOptions::default();
    parse.today = Some(crate::curp::today_utc());
    let encoder = AgencyEncoder::new(&key, algorithm, default_rules(), schema, parse)?;
    let mut reader = args.read.open(&args.file)?;
    let out = open_output(Some(&args.output))?;
    let mut writer = Writer::new(out, encoder.header(&key, None))?;
    let mut scratch = encoder.scratch();
    let mut rejects = Rejects::new(args.read.rejects.as_deref(), "encode")?;
    let mut progress = Progress::new("encode");
    let (mut with_curp, mut tokens, mut missing) = (0u64, 0u64, 0u64);
    for item in &mut reader {
        progress.tick();
        let row = match item? {
            Item::Row(row) => row,
            Item::Rejected(r) => {
                rejects.push(&r)?;
                continue;
            }
            _ => continue,
        };
        let person = Person {
            curp: row.get(Column::Curp),
            given_names: row.get(Column::Nombre),
            first_surname: row.get(Column::PrimerApellido),
            second_surname: row.get(Column::SegundoApellido),
            birth_date: row.birth_date,
            sex: row.sex,
            state: row.birth_state,
        };
        let report = encoder
            .encode(&person, &mut scratch)
            .with_context(|| format!("row {} (line {})", row.row, row.line))?;
        with_curp += u64::from(report.curp_token);
        tokens += report.tokens as u64;
        missing += u64::from(report.missing_fields > 0);
        writer
            .write_record(&row.record_id, scratch.tokens(), scratch.filters())
            .with_context(|| format!("row {} (line {})", row.row, row.line))?;
    }
    writer.finish().context("finishing the encodings file")?;
    progress.finish();
    let stats = reader.stats();
    let rejected = rejects.finish()?;
    eprintln!(
        "encode: {} records written to {} (key fingerprint {}), {} rows rejected",
        stats.rows,
        args.output.display(),
        key.fingerprint(),
        rejected
    );
    eprintln!(
        "  {with_curp} with a valid CURP token, {:.2} tokens per record, {missing} with some Bloom field missing",
        tokens as f64 / stats.rows.max(1) as f64
    );
    Ok(ExitCode::SUCCESS)
}
