//! `padron encode`: what an agency runs before anything leaves its hands.

use crate::common::{open_output, Progress, ReadArgs, Rejects};
use anyhow::{Context, Result};
use padron::bloom::Schema;
use padron::curp::ParseOptions;
use padron::encode::{AgencyEncoder, ColumnEncoder, EncodeReport, Person, Scratch};
use padron::encodings::Writer;
use padron::io::{Column, Item, PadronReader, Row};
use padron::pseudo::keyfile::read_key;
use padron::pseudo::{default_rules, Algorithm, Key, Token};
use rayon::prelude::*;
use std::io::Read;
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
    /// Worker threads for encoding (default: one per core). The output is
    /// the same for any number.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
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

/// Longest record_id the encodings format holds (a u16 length).
const MAX_RECORD_ID: usize = u16::MAX as usize;

/// Rows read, then encoded in parallel, per step.
const CHUNK: usize = 4096;

pub struct Encoded {
    pub tokens: Vec<Option<Token>>,
    pub filters: Vec<u64>,
    pub report: EncodeReport,
}

pub enum Outcome {
    Encoded(Encoded),
    /// Reasons name columns and fields, never values.
    Rejected {
        column: &'static str,
        reason: String,
    },
}

#[derive(Default)]
struct Totals {
    with_curp: u64,
    tokens: u64,
    missing: u64,
    written: u64,
}

impl Totals {
    fn add(&mut self, r: &EncodeReport) {
        self.with_curp += u64::from(r.curp_token);
        self.tokens += r.tokens as u64;
        self.missing += u64::from(r.missing_fields > 0);
        self.written += 1;
    }
}

/// How rows become encodings: the padrón pipeline (tokens and filters from
/// the canonical columns) or, for a schema over other columns, filters of
/// the columns it names.
pub enum RowEncoder {
    Padron(AgencyEncoder),
    Columns(ColumnEncoder, Vec<Cell>),
}

/// Where a [`ColumnEncoder`] column is in a row.
#[derive(Clone, Copy)]
pub enum Cell {
    Canonical(Column),
    Extra(usize),
}

/// A Bloom schema file, or the built-in padrón schema.
pub fn read_schema(path: Option<&Path>) -> Result<Schema> {
    match path {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("cannot read {}", p.display()))?;
            Ok(Schema::from_toml(&text).with_context(|| format!("schema {}", p.display()))?)
        }
        None => Ok(Schema::padron()),
    }
}

impl RowEncoder {
    /// The padrón pipeline when the schema reads padrón columns only,
    /// otherwise a [`ColumnEncoder`] over the file's columns (said on
    /// stderr under `command`).
    pub fn new<R: Read>(
        key: &Key,
        algorithm: Algorithm,
        schema: Schema,
        reader: &PadronReader<R>,
        command: &str,
    ) -> Result<RowEncoder> {
        let mut parse = ParseOptions::default();
        parse.today = Some(crate::curp::today_utc());
        if AgencyEncoder::fills(&schema) {
            return Ok(RowEncoder::Padron(AgencyEncoder::new(
                key,
                algorithm,
                default_rules(),
                schema,
                parse,
            )?));
        }
        let e = ColumnEncoder::new(key, algorithm, schema)?;
        let cells = locate_columns(&e, reader)?;
        eprintln!(
            "{command}: the schema reads columns other than the padrón's: Bloom filters only, no keyed tokens"
        );
        Ok(RowEncoder::Columns(e, cells))
    }

    pub fn header(&self, key: &Key) -> padron::encodings::Header {
        match self {
            RowEncoder::Padron(e) => e.header(key, None),
            RowEncoder::Columns(e, _) => e.header(key, None),
        }
    }

    pub fn scratch(&self) -> Scratch {
        match self {
            RowEncoder::Padron(e) => e.scratch(),
            RowEncoder::Columns(e, _) => e.scratch(),
        }
    }
}

/// Finds each schema column among the file's headers (canonical columns by
/// name, others compared without case or surrounding blanks).
fn locate_columns<R: Read>(encoder: &ColumnEncoder, reader: &PadronReader<R>) -> Result<Vec<Cell>> {
    let extras = reader.extra_headers();
    encoder
        .columns()
        .into_iter()
        .map(|col| {
            if let Some(c) = Column::from_name(col).filter(|&c| reader.has(c)) {
                return Ok(Cell::Canonical(c));
            }
            if let Some((c, _)) = reader
                .columns()
                .into_iter()
                .find(|(_, h)| h.trim().eq_ignore_ascii_case(col))
            {
                return Ok(Cell::Canonical(c));
            }
            extras
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(col))
                .map(Cell::Extra)
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "the schema reads column `{col}`, which the file does not have \
                         (its columns: {})",
                        reader
                            .columns()
                            .into_iter()
                            .map(|(_, h)| h.trim())
                            .chain(extras.iter().map(|h| h.trim()))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                })
        })
        .collect()
}

pub fn encode_row(encoder: &RowEncoder, row: &Row, scratch: &mut Scratch) -> Outcome {
    // The file format bounds a record_id to 65535 bytes; such a row is
    // rejected, not fatal (the writer would refuse it).
    if row.record_id.len() > MAX_RECORD_ID {
        return Outcome::Rejected {
            column: "record_id",
            reason: "record_id is longer than 65535 bytes".into(),
        };
    }
    let result = match encoder {
        RowEncoder::Padron(e) => {
            let person = Person::from_row(row);
            e.encode(&person, scratch)
        }
        RowEncoder::Columns(e, cells) => {
            let values: Vec<Option<&str>> = cells
                .iter()
                .map(|c| match *c {
                    Cell::Canonical(c) => row.get(c),
                    Cell::Extra(i) => row.extra.get(i).map(|v| v.trim()).filter(|v| !v.is_empty()),
                })
                .collect();
            e.encode(&values, scratch)
        }
    };
    match result {
        Ok(report) => Outcome::Encoded(Encoded {
            tokens: scratch.tokens().to_vec(),
            filters: scratch.filters().to_vec(),
            report,
        }),
        Err(e) => Outcome::Rejected {
            column: "",
            reason: format!("cannot be encoded: {e}"),
        },
    }
}

pub fn run(args: EncodeArgs) -> Result<ExitCode> {
    let key = load_key(&args.key)?;
    let algorithm = Algorithm::from_name(&args.algorithm)
        .ok_or_else(|| anyhow::anyhow!("--algorithm: expected hmac-sha256 or blake3"))?;
    let schema = read_schema(args.schema.as_deref())?;
    let mut reader = args.read.open(&args.file)?;
    let encoder = RowEncoder::new(&key, algorithm, schema, &reader, "encode")?;
    let out = open_output(Some(&args.output))?;
    let mut writer = Writer::new(out, encoder.header(&key))?;
    let mut rejects = Rejects::new(args.read.rejects.as_deref(), "encode")?;
    let mut progress = Progress::new("encode");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
        .context("starting the worker threads")?;
    let mut totals = Totals::default();
    // Rows are read in order into chunks; each chunk is cut into one
    // contiguous part per worker, each worker encodes its part with its own
    // Scratch, and the results are written in the rows' order: the output
    // is byte-identical for any --threads. The scratches live for the whole
    // run (not one per rayon job, as `map_init` would make them), so their
    // caches of q-gram positions and repeated values warm up once: fresh
    // caches per job made encoding 2-3x slower.
    let workers = pool.current_num_threads().max(1);
    let mut scratches: Vec<Scratch> = (0..workers).map(|_| encoder.scratch()).collect();
    let mut chunk: Vec<Item> = Vec::with_capacity(CHUNK);
    let mut done = false;
    while !done {
        chunk.clear();
        while chunk.len() < CHUNK {
            match reader.next() {
                Some(item) => {
                    progress.tick();
                    chunk.push(item?);
                }
                None => {
                    done = true;
                    break;
                }
            }
        }
        let part = chunk.len().div_ceil(workers).max(1);
        let encoded: Vec<Option<Outcome>> = pool.install(|| {
            scratches
                .par_iter_mut()
                .zip(chunk.par_chunks(part))
                .map(|(scratch, items)| {
                    items
                        .iter()
                        .map(|item| match item {
                            Item::Row(row) => Some(encode_row(&encoder, row, scratch)),
                            _ => None,
                        })
                        .collect::<Vec<_>>()
                })
                .collect::<Vec<_>>()
                .into_iter()
                .flatten()
                .collect()
        });
        for (item, outcome) in chunk.iter().zip(encoded) {
            match (item, outcome) {
                (Item::Rejected(r), _) => rejects.push(r)?,
                (Item::Row(row), Some(Outcome::Encoded(e))) => {
                    totals.add(&e.report);
                    writer
                        .write_record(&row.record_id, &e.tokens, &e.filters)
                        .with_context(|| format!("row {} (line {})", row.row, row.line))?;
                }
                (Item::Row(row), Some(Outcome::Rejected { column, reason })) => {
                    rejects.push_row(row.row, row.line, column, &reason)?;
                }
                _ => {}
            }
        }
    }
    let Totals {
        with_curp,
        tokens,
        missing,
        written,
    } = totals;
    writer.finish().context("finishing the encodings file")?;
    progress.finish();
    let rejected = rejects.finish()?;
    eprintln!(
        "encode: {} records written to {} (key fingerprint {}), {} rows rejected",
        written,
        args.output.display(),
        key.fingerprint(),
        rejected
    );
    eprintln!(
        "  {with_curp} with a valid CURP token, {:.2} tokens per record, {missing} with some Bloom field missing",
        tokens as f64 / written.max(1) as f64
    );
    Ok(ExitCode::SUCCESS)
}
