//! `padron name key|normalize|compare`: thin glue over `padron::name`,
//! `padron::phonetic` and `padron::similarity`.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use padron::date::Date;
use padron::io::{Column, FieldIssueKind, Item, Row};
use padron::name::{self, FieldKind, Normalizer, ParsedName, Surname};
use padron::phonetic;
use padron::similarity::{self, DateComparator};

use crate::common::{Progress, ReadArgs, Rejects};

/// Mexican names: MXF-1 keys, normalization, field comparison.
#[derive(Debug, clap::Subcommand)]
pub enum NameCommand {
    /// Print the MXF-1 keys of each NAME: one line per input, tab-separated
    /// `input, primary, alternate, coarse` (multi-token names: space-joined
    /// per-token keys of the name without leading particles).
    Key {
        /// Names or name tokens (any case, accents allowed).
        #[arg(required = true)]
        names: Vec<String>,
    },
    /// Normalize a padrón (columns `nombre`, `primer_apellido`, optional
    /// `segundo_apellido` and `record_id`; UTF-8, or Windows-1252 per cell)
    /// and write, per row, the ortho and match forms, the parsed given names
    /// and surnames and the flags, as CSV on standard output. Rejected rows
    /// (wrong field count, empty or repeated `record_id`) are reported on
    /// standard error or with `--rejects`.
    Normalize {
        /// The padrón CSV file, or `-` for standard input.
        input: PathBuf,
        #[command(flatten)]
        read: ReadArgs,
    },
    /// Compare two records and print the level of each field comparator
    /// (tab-separated `field, level`).
    Compare(CompareArgs),
}

/// Two records, on the command line or as the two data rows of a CSV.
#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// First record: GIVEN PATERNAL MATERNAL [BIRTH_DATE] (use "" for a
    /// missing field; dates YYYY-MM-DD or DD/MM/YYYY).
    #[arg(long = "a", num_args = 3..=4, value_name = "FIELD", requires = "b")]
    a: Option<Vec<String>>,
    /// Second record, like `--a`.
    #[arg(long = "b", num_args = 3..=4, value_name = "FIELD", requires = "a")]
    b: Option<Vec<String>>,
    /// A padrón (or `-`) with exactly two data rows; columns `nombre`,
    /// `primer_apellido`, optional `segundo_apellido` and
    /// `fecha_nacimiento`.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["a", "b"], required_unless_present = "a")]
    csv: Option<PathBuf>,
    /// The registry's load date (a birth date equal to it is a
    /// placeholder), YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    load_date: Option<String>,
    /// How to read `--csv`.
    #[command(flatten)]
    read: ReadArgs,
}

/// Runs one `padron name` subcommand.
pub fn run(cmd: NameCommand) -> anyhow::Result<ExitCode> {
    let out = io::stdout().lock();
    let result = match cmd {
        NameCommand::Key { names } => key(&names, out),
        NameCommand::Normalize { input, read } => normalize(&input, &read, out),
        NameCommand::Compare(args) => compare(&args, out),
    };
    match result {
        Err(e) if is_broken_pipe(&e) => Ok(ExitCode::SUCCESS),
        other => other,
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<csv::Error>().is_some_and(|c| {
                matches!(c.kind(), csv::ErrorKind::Io(io) if io.kind() == io::ErrorKind::BrokenPipe)
            })
    })
}

fn key(names: &[String], out: impl Write) -> anyhow::Result<ExitCode> {
    let mut out = BufWriter::new(out);
    let mut normalizer = Normalizer::default();
    for input in names {
        let field = normalizer.normalize_field(input, FieldKind::Other);
        let keys = field.core().map(phonetic::field_keys).unwrap_or_default();
        let shown: String = input
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        writeln!(
            out,
            "{shown}\t{}\t{}\t{}",
            keys.primary, keys.alternate, keys.coarse
        )?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

const NORMALIZE_COLUMNS: [&str; 15] = [
    "record_id",
    "given_ortho",
    "given_match",
    "given_tokens",
    "given_significant",
    "paternal_ortho",
    "paternal_match",
    "paternal_core",
    "paternal_joined",
    "maternal_ortho",
    "maternal_match",
    "maternal_core",
    "maternal_joined",
    "married_surname",
    "flags",
];

/// The name columns a subcommand cannot do without.
const NAME_COLUMNS: [Column; 2] = [Column::Nombre, Column::PrimerApellido];

/// Normalizes a row's three name fields. The reader has already decoded
/// them; a Windows-1252 fallback anywhere in the row sets `reencoded`.
fn normalize_row(normalizer: &mut Normalizer<'_>, row: &Row) -> ParsedName {
    let get = |c| row.get(c).unwrap_or("");
    normalizer.normalize_decoded(
        get(Column::Nombre),
        get(Column::PrimerApellido),
        get(Column::SegundoApellido),
        row.reencoded,
    )
}

fn surname_forms(s: Option<Surname<'_>>) -> [&str; 4] {
    match s {
        Some(s) => [s.ortho(), s.full(), s.core(), s.joined()],
        None => [""; 4],
    }
}

fn normalize(
    input: &std::path::Path,
    read: &ReadArgs,
    out: impl Write,
) -> anyhow::Result<ExitCode> {
    let mut reader = read.open(input)?;
    for c in NAME_COLUMNS {
        if !reader.has(c) {
            bail!("the padrón has no column `{c}` (map one with --col {c}=HEADER)");
        }
    }
    let mut w = csv::Writer::from_writer(out);
    w.write_record(NORMALIZE_COLUMNS)?;
    let mut rejects = Rejects::new(read.rejects.as_deref(), "name normalize")?;
    let mut progress = Progress::new("name normalize");
    let mut normalizer = Normalizer::default();
    let mut tokens = String::new();
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
        let n = normalize_row(&mut normalizer, &row);
        let g = n.given();
        tokens.clear();
        for t in g.iter().flat_map(|g| g.tokens()) {
            let kind = if t.is_prefix() {
                "prefix"
            } else if t.is_particle() {
                "particle"
            } else if t.is_initial() {
                "initial"
            } else {
                "name"
            };
            let sig = if t.is_significant() { "*" } else { "" };
            if !tokens.is_empty() {
                tokens.push(' ');
            }
            tokens.push_str(t.as_match());
            tokens.push(':');
            tokens.push_str(kind);
            tokens.push_str(sig);
        }
        let flags: Vec<&str> = n.flags().names().collect();
        let [po, pf, pc, pj] = surname_forms(n.paternal());
        let [mo, mf, mc, mj] = surname_forms(n.maternal());
        w.write_record([
            row.record_id.as_str(),
            g.map_or("", |g| g.ortho()),
            g.map_or("", |g| g.as_match()),
            &tokens,
            g.map_or("", |g| g.significant()),
            po,
            pf,
            pc,
            pj,
            mo,
            mf,
            mc,
            mj,
            n.married_surname().map_or("", |s| s.full()),
            &flags.join(";"),
        ])?;
    }
    w.flush()?;
    progress.finish();
    let stats = reader.stats();
    let rejected = rejects.finish()?;
    eprintln!(
        "name normalize: {} rows read, {} rejected, {} blank lines skipped, {} with cells decoded as Windows-1252",
        stats.rows, rejected, stats.blank, stats.reencoded
    );
    Ok(ExitCode::SUCCESS)
}

/// One side of `compare`.
struct Record {
    name: ParsedName,
    birth: Option<Date>,
}

fn compare(args: &CompareArgs, out: impl Write) -> anyhow::Result<ExitCode> {
    let load_date = match &args.load_date {
        Some(s) => Some(Date::parse(s).context("--load-date is not a valid date")?),
        None => None,
    };
    let (a, b) = match (&args.a, &args.b, &args.csv) {
        (Some(a), Some(b), _) => (record_from_args(a, "--a")?, record_from_args(b, "--b")?),
        (_, _, Some(path)) => two_rows(path, &args.read)?,
        _ => bail!("give --a and --b, or --csv"),
    };
    let mut out = BufWriter::new(out);
    let levels = similarity::compare_names(&a.name, &b.name);
    let date = DateComparator::new(load_date).compare(a.birth, b.birth);
    writeln!(out, "given\t{}", levels.given)?;
    writeln!(out, "surnames\t{}", levels.surnames)?;
    writeln!(out, "birth_date\t{date}")?;
    writeln!(
        out,
        "whole_name\t{:.4}",
        similarity::compare_whole_names(&a.name, &b.name).value()
    )?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn record_from_args(fields: &[String], flag: &str) -> anyhow::Result<Record> {
    let get = |i: usize| fields.get(i).map_or("", String::as_str);
    let birth = match get(3).trim() {
        "" => None,
        s => Some(
            Date::parse(s).with_context(|| format!("{flag}: birth date is not a valid date"))?,
        ),
    };
    Ok(Record {
        name: name::normalize(get(0), get(1), get(2)),
        birth,
    })
}

/// The two data rows of `--csv`. A rejected row or an unreadable birth date
/// is an error here (the comparison would be meaningless); it names the row
/// and the column, never the value.
fn two_rows(path: &std::path::Path, read: &ReadArgs) -> anyhow::Result<(Record, Record)> {
    let mut reader = read.open(path)?;
    for c in NAME_COLUMNS {
        if !reader.has(c) {
            bail!("the padrón has no column `{c}` (map one with --col {c}=HEADER)");
        }
    }
    let mut normalizer = Normalizer::default();
    let mut records = Vec::with_capacity(2);
    for item in &mut reader {
        let row = match item? {
            Item::Row(row) => row,
            Item::Rejected(r) => bail!("--csv: rejected {r}"),
            _ => bail!("--csv: a row could not be read"),
        };
        if records.len() == 2 {
            bail!("row {}: --csv must have exactly two data rows", row.row);
        }
        let bad_date = row.issues.iter().find(|i| {
            i.column == Column::FechaNacimiento && matches!(i.kind, FieldIssueKind::Date(_))
        });
        if let Some(issue) = bad_date {
            bail!(
                "row {} (line {}): fecha_nacimiento: {}",
                row.row,
                row.line,
                issue.kind
            );
        }
        records.push(Record {
            name: normalize_row(&mut normalizer, &row),
            birth: row.birth_date,
        });
    }
    let mut it = records.into_iter();
    match (it.next(), it.next()) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => bail!("--csv must have exactly two data rows"),
    }
}
