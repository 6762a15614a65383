//! `padron link` and `padron dedupe`: the linkage unit's side.

use crate::common::{open_output, ReadArgs, Rejects};
use crate::encode::{encode_row, load_key, read_schema, Outcome, RowEncoder};
use anyhow::{bail, Context, Result};
use padron::encodings::EncodedPadron;
use padron::io::Item;
use padron::link::{
    recommended_comparisons, EncodedInput, LinkConfig, Linker, Progress as LinkProgress, Stage,
    Threshold,
};
use padron::pseudo::{Algorithm, Key};
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Options shared by `link` and `dedupe`.
#[derive(clap::Args, Debug, Clone)]
pub struct EngineArgs {
    /// Plaintext padrones (CSV) instead of encodings files: encode them in memory under this key
    /// first (inside one agency only; the linkage unit never holds a key).
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// Fixed match-weight threshold instead of the one derived from the fitted model.
    #[arg(long, value_name = "WEIGHT")]
    pub threshold: Option<f64>,
    /// Target precision for the model-derived threshold.
    #[arg(long, value_name = "P", default_value_t = 0.995)]
    pub target_precision: f64,
    /// Write the fitted model (m, u, λ, threshold) as JSON here.
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// With --key: a Bloom schema (TOML) to encode the CSV files by, as
    /// `padron encode --schema` would (default: the padrón schema).
    #[arg(long, value_name = "FILE", requires = "key")]
    pub schema: Option<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
}

/// Link two padrones: every cross pair judged to be the same person.
#[derive(clap::Args, Debug)]
pub struct LinkArgs {
    /// Holder A: an encodings file (or a CSV padrón with --key).
    pub a: PathBuf,
    /// Holder B: an encodings file (or a CSV padrón with --key).
    pub b: PathBuf,
    /// Matches CSV: record_id_a,record_id_b,weight,probability,evidence.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Keep a one-to-one subset (only for padrones known to be free of duplicates).
    #[arg(long)]
    pub one_to_one: bool,
    #[command(flatten)]
    pub engine: EngineArgs,
}

/// Deduplicate one padrón: a cluster id per record.
#[derive(clap::Args, Debug)]
pub struct DedupeArgs {
    /// An encodings file (or a CSV padrón with --key). Several files are
    /// deduplicated together, across and within holders (a PUB: one cluster
    /// id per person), and the output gains a first column `input` (the
    /// file as given).
    #[arg(required = true, num_args = 1..)]
    pub input: Vec<PathBuf>,
    /// Clusters CSV: record_id,cluster_id (input,record_id,cluster_id for
    /// several inputs).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub engine: EngineArgs,
}

/// Progress of the engine on stderr, when it is a terminal.
pub struct StderrProgress {
    enabled: bool,
    start: Instant,
}

impl StderrProgress {
    pub fn new() -> Self {
        StderrProgress {
            enabled: std::io::stderr().is_terminal(),
            start: Instant::now(),
        }
    }
}

impl LinkProgress for StderrProgress {
    fn report(&self, stage: Stage, done: u64, total: u64) {
        if self.enabled {
            eprint!(
                "\r{stage:?}: {done}/{total} ({:.1} s)        ",
                self.start.elapsed().as_secs_f64()
            );
            if done >= total {
                eprintln!();
            }
        }
    }
}

fn is_encodings(path: &Path) -> Result<bool> {
    let mut f =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut magic = [0u8; 8];
    let n = f.read(&mut magic)?;
    Ok(n == 8 && &magic == b"PADRONEN")
}

/// Encodes a plaintext padrón in memory, as `padron encode` would (rows
/// that cannot be encoded go to the reject list).
pub fn encode_csv(
    path: &Path,
    key: &Key,
    schema: Option<&Path>,
    read: &ReadArgs,
) -> Result<EncodedPadron> {
    let mut reader = read.open(path)?;
    let encoder = RowEncoder::new(
        key,
        Algorithm::HmacSha256,
        read_schema(schema)?,
        &reader,
        "link",
    )?;
    let mut out = EncodedPadron::new(encoder.header(key));
    let mut scratch = encoder.scratch();
    let mut rejects = Rejects::new(read.rejects.as_deref(), &path.display().to_string())?;
    for item in &mut reader {
        let row = match item? {
            Item::Row(row) => row,
            Item::Rejected(r) => {
                rejects.push(&r)?;
                continue;
            }
            _ => continue,
        };
        match encode_row(&encoder, &row, &mut scratch) {
            Outcome::Encoded(e) => out
                .push(&row.record_id, &e.tokens, &e.filters)
                .with_context(|| format!("row {}", row.row))?,
            Outcome::Rejected { column, reason } => {
                rejects.push_row(row.row, row.line, column, &reason)?
            }
        }
    }
    rejects.finish()?;
    Ok(out)
}

/// Loads an input: an encodings file as it is, a CSV padrón only with a key.
pub fn load(
    path: &Path,
    key: Option<&Key>,
    schema: Option<&Path>,
    read: &ReadArgs,
) -> Result<EncodedPadron> {
    if is_encodings(path)? {
        let f = std::fs::File::open(path)?;
        return EncodedPadron::read(std::io::BufReader::with_capacity(1 << 20, f))
            .with_context(|| format!("reading encodings file {}", path.display()));
    }
    match key {
        Some(k) => encode_csv(path, k, schema, read),
        None => bail!(
            "{} is not an encodings file; to link plaintext padrones inside one agency, give --key",
            path.display()
        ),
    }
}

pub fn config(engine: &EngineArgs, header: &padron::encodings::Header) -> LinkConfig {
    LinkConfig {
        comparisons: Some(recommended_comparisons(header)),
        threshold: match engine.threshold {
            Some(w) => Threshold::Weight(w),
            None => Threshold::TargetPrecision(engine.target_precision),
        },
        ..LinkConfig::default()
    }
}

fn write_model(path: Option<&Path>, model: &padron::link::FittedModel) -> Result<()> {
    if let Some(p) = path {
        let json = serde_json::to_string_pretty(model)?;
        std::fs::write(p, json).with_context(|| format!("cannot write {}", p.display()))?;
    }
    Ok(())
}

fn keys(engine: &EngineArgs) -> Result<Option<Key>> {
    engine.key.as_deref().map(load_key).transpose()
}

/// Says how many pairs the homonym veto kept apart (worth a look by hand).
fn report_vetoed(n: u64) {
    if n > 0 {
        eprintln!(
            "  {n} candidate pairs would match but are kept apart by the CURP veto (same root, \
             other differentiator: RENAPO homonyms, or one person with two CURPs)"
        );
    }
}

pub fn run_link(args: LinkArgs) -> Result<ExitCode> {
    let key = keys(&args.engine)?;
    let schema = args.engine.schema.as_deref();
    let a = load(&args.a, key.as_ref(), schema, &args.engine.read)?;
    let b = load(&args.b, key.as_ref(), schema, &args.engine.read)?;
    a.header()
        .check_comparable(b.header())
        .context("the two inputs cannot be linked")?;
    let mut cfg = config(&args.engine, a.header());
    cfg.one_to_one = args.one_to_one;
    let linker = Linker::new(cfg)?;
    let (ia, ib) = (EncodedInput::new(&a), EncodedInput::new(&b));
    let start = Instant::now();
    let out = linker.link(&ia, &ib, &StderrProgress::new())?;
    let mut w = csv::Writer::from_writer(open_output(args.output.as_deref())?);
    w.write_record([
        "record_id_a",
        "record_id_b",
        "weight",
        "probability",
        "evidence",
    ])?;
    for m in &out.matches {
        w.write_record([
            a.id(m.a.index as usize).unwrap_or(""),
            b.id(m.b.index as usize).unwrap_or(""),
            &format!("{:.3}", m.weight),
            &format!("{:.6}", m.probability),
            &out.model.evidence(m.pattern),
        ])?;
    }
    w.flush()?;
    write_model(args.engine.model.as_deref(), &out.model)?;
    eprintln!(
        "link: {} × {} records, {} candidate pairs, {} matches (threshold {:.2}) in {:.2} s",
        a.len(),
        b.len(),
        out.stats.blocking.candidates,
        out.matches.len(),
        out.model.threshold.weight,
        start.elapsed().as_secs_f64()
    );
    report_vetoed(out.stats.vetoed_pairs);
    Ok(ExitCode::SUCCESS)
}

pub fn run_dedupe(args: DedupeArgs) -> Result<ExitCode> {
    let key = keys(&args.engine)?;
    let files = args
        .input
        .iter()
        .map(|p| {
            load(
                p,
                key.as_ref(),
                args.engine.schema.as_deref(),
                &args.engine.read,
            )
        })
        .collect::<Result<Vec<_>>>()?;
    let first = files.first().context("no input")?;
    for (k, f) in files.iter().enumerate().skip(1) {
        first
            .header()
            .check_comparable(f.header())
            .with_context(|| {
                format!(
                    "{} cannot be clustered with {}",
                    args.input[k].display(),
                    args.input[0].display()
                )
            })?;
    }
    let linker = Linker::new(config(&args.engine, first.header()))?;
    let inputs: Vec<EncodedInput<'_>> = files.iter().map(EncodedInput::new).collect();
    let start = Instant::now();
    let out = linker.cluster(&inputs, &StderrProgress::new())?;
    let mut w = csv::Writer::from_writer(open_output(args.output.as_deref())?);
    let several = files.len() > 1;
    if several {
        w.write_record(["input", "record_id", "cluster_id"])?;
    } else {
        w.write_record(["record_id", "cluster_id"])?;
    }
    let mut clusters = 0u32;
    for (k, f) in files.iter().enumerate() {
        let name = args.input[k].to_string_lossy();
        for (i, c) in out.cluster_ids(k).iter().enumerate() {
            clusters = clusters.max(c + 1);
            let (id, c) = (f.id(i).unwrap_or(""), c.to_string());
            if several {
                w.write_record([name.as_ref(), id, &c])?;
            } else {
                w.write_record([id, &c])?;
            }
        }
    }
    w.flush()?;
    write_model(args.engine.model.as_deref(), &out.model)?;
    let records: usize = files.iter().map(|f| f.len()).sum();
    eprintln!(
        "dedupe: {} records in {} input(s), {} candidate pairs, {} matched pairs, {} clusters in {:.2} s",
        records,
        files.len(),
        out.stats.blocking.candidates,
        out.matches.len(),
        clusters,
        start.elapsed().as_secs_f64()
    );
    report_vetoed(out.stats.vetoed_pairs);
    Ok(ExitCode::SUCCESS)
}
