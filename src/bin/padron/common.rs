//! Pieces every subcommand shares: opening inputs and outputs, the reader
//! options, reject lists and progress.

use anyhow::{Context, Result};
use padron::io::{Column, DateFormat, PadronReader, ReadOptions, Reject};
use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How to read a padrón file.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ReadArgs {
    /// Field separator: `,`, `;`, `tab` (default: sniffed from the header).
    #[arg(long, value_name = "SEP", value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,
    /// Map a canonical column to the file's header, e.g. `--col nombre=NOMBRE_BENEF` (repeatable).
    #[arg(long = "col", value_name = "CANONICAL=HEADER")]
    pub columns: Vec<String>,
    /// Layout of date cells: `auto` (YYYY-MM-DD or DD/MM/YYYY) or a pattern like `MM/DD/YYYY`.
    #[arg(long, value_name = "FORMAT", default_value = "auto")]
    pub date_format: String,
    /// Extra `sexo` code, e.g. `--sex 1=H --sex 2=M` (repeatable). Never guessed.
    #[arg(long = "sex", value_name = "CODE=H|M|X")]
    pub sex_codes: Vec<String>,
    /// Write rejected rows (row, line, column, reason) to this CSV file.
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,
}

fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "," => Ok(b','),
        ";" => Ok(b';'),
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        "|" => Ok(b'|'),
        _ => Err("expected `,`, `;`, `tab` or `|`".into()),
    }
}

impl ReadArgs {
    pub fn options(&self) -> Result<ReadOptions> {
        let mut o = ReadOptions::default();
        o.delimiter = self.delimiter;
        for c in &self.columns {
            o.columns.push(ReadOptions::parse_mapping(c)?);
        }
        o.date_format = self
            .date_format
            .parse::<DateFormat>()
            .map_err(|e| anyhow::anyhow!("--date-format: {e}"))?;
        for s in &self.sex_codes {
            o.sex_codes.push(ReadOptions::parse_sex_code(s)?);
        }
        Ok(o)
    }

    /// Opens `path` (`-` for standard input) as a padrón.
    pub fn open(&self, path: &Path) -> Result<PadronReader<Box<dyn Read>>> {
        let input = open_input(path)?;
        PadronReader::new(input, self.options()?)
            .with_context(|| format!("reading {}", path.display()))
    }
}

/// `-` is standard input.
pub fn open_input(path: &Path) -> Result<Box<dyn Read>> {
    if path.as_os_str() == "-" {
        Ok(Box::new(io::stdin().lock()))
    } else {
        let f = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        Ok(Box::new(io::BufReader::with_capacity(256 * 1024, f)))
    }
}

/// `None` or `-` is standard output.
pub fn open_output(path: Option<&Path>) -> Result<Box<dyn Write>> {
    match path {
        None => Ok(Box::new(BufWriter::with_capacity(
            256 * 1024,
            io::stdout().lock(),
        ))),
        Some(p) if p.as_os_str() == "-" => Ok(Box::new(BufWriter::new(io::stdout().lock()))),
        Some(p) => {
            let f = File::create(p).with_context(|| format!("cannot create {}", p.display()))?;
            Ok(Box::new(BufWriter::with_capacity(256 * 1024, f)))
        }
    }
}

/// Collects rejected rows: into a CSV file when asked, and always the first
/// few on standard error, so no row disappears without a trace.
pub struct Rejects {
    file: Option<csv::Writer<Box<dyn Write>>>,
    shown: usize,
    total: u64,
    label: String,
}

const SHOWN_REJECTS: usize = 10;

impl Rejects {
    pub fn new(path: Option<&Path>, label: &str) -> Result<Self> {
        let file = match path {
            Some(p) => {
                let mut w = csv::Writer::from_writer(open_output(Some(p))?);
                w.write_record(["row", "line", "column", "reason"])?;
                Some(w)
            }
            None => None,
        };
        Ok(Rejects {
            file,
            shown: 0,
            total: 0,
            label: label.to_string(),
        })
    }

    pub fn push(&mut self, r: &Reject) -> Result<()> {
        let col = r.reason.column().map(Column::name).unwrap_or("");
        self.push_row(r.row, r.line, col, &r.reason.to_string())
    }

    /// A row rejected after reading (e.g. it could not be encoded). The
    /// reason must name no value.
    pub fn push_row(&mut self, row: u64, line: u64, column: &str, reason: &str) -> Result<()> {
        self.total += 1;
        if let Some(w) = &mut self.file {
            w.write_record([
                row.to_string(),
                line.to_string(),
                column.to_string(),
                reason.to_string(),
            ])?;
        } else if self.shown < SHOWN_REJECTS {
            self.shown += 1;
            let col = if column.is_empty() {
                String::new()
            } else {
                format!("{column}: ")
            };
            eprintln!(
                "{}: rejected row {row} (line {line}): {col}{reason}",
                self.label
            );
        }
        Ok(())
    }

    pub fn finish(mut self) -> Result<u64> {
        if let Some(w) = &mut self.file {
            w.flush()?;
        } else if self.total > self.shown as u64 {
            eprintln!(
                "{}: … and {} more rejected rows (write them all with --rejects FILE)",
                self.label,
                self.total - self.shown as u64
            );
        }
        Ok(self.total)
    }
}

/// A row counter on standard error, drawn only when it is a terminal.
pub struct Progress {
    enabled: bool,
    label: &'static str,
    start: Instant,
    last: Instant,
    count: u64,
}

impl Progress {
    pub fn new(label: &'static str) -> Self {
        let now = Instant::now();
        Progress {
            enabled: io::stderr().is_terminal(),
            label,
            start: now,
            last: now,
            count: 0,
        }
    }

    pub fn tick(&mut self) {
        self.count += 1;
        if self.enabled
            && self.count.is_multiple_of(4096)
            && self.last.elapsed() > Duration::from_millis(500)
        {
            self.last = Instant::now();
            let rate = self.count as f64 / self.start.elapsed().as_secs_f64().max(1e-9);
            eprint!(
                "\r{}: {} rows ({:.0} rows/s)   ",
                self.label, self.count, rate
            );
        }
    }

    pub fn finish(&self) {
        if self.enabled && self.start.elapsed() > Duration::from_millis(500) {
            eprint!("\r{:60}\r", "");
        }
    }
}
