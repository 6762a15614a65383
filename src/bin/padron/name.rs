//! `padron name key|normalize|compare`: thin glue over `padron::name`,
//! `padron::phonetic` and `padron::similarity`.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::process::ExitCode;

use anyhow::{bail, Context};
use padron::date::Date;
use padron::name::{self, FieldKind, Normalizer, ParsedName, Surname};
use padron::phonetic;
use padron::similarity::{self, DateComparator};

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
    /// Normalize a padrón CSV (headers `nombre`, `primer_apellido`,
    /// `segundo_apellido`, `record_id`; UTF-8, or Windows-1252 per field)
    /// and write, per row, the ortho and match forms, the parsed given names
    /// and surnames and the flags, as CSV on standard output.
    Normalize {
        /// CSV file, or `-` for standard input.
        input: String,
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
    /// CSV file (or `-`) with exactly two data rows; headers `nombre`,
    /// `primer_apellido`, `segundo_apellido`, optional `fecha_nacimiento`.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["a", "b"], required_unless_present = "a")]
    csv: Option<String>,
    /// The registry's load date (a birth date equal to it is a
    /// placeholder), YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    load_date: Option<String>,
}

/// Runs one `padron name` subcommand.
pub fn run(cmd: NameCommand) -> anyhow::Result<ExitCode> {
    let out = io::stdout().lock();
    let result = match cmd {
        NameCommand::Key { names } => key(&names, out),
        NameCommand::Normalize { input } => normalize(&input, out),
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

fn normalize(input: &str, out: impl Write) -> anyhow::Result<ExitCode> {
    let reader = open(input)?;
    let mut w = csv::Writer::from_writer(out);
    let mut header = false;
    let mut normalizer = Normalizer::default();
    let columns = [
        ("nombre", true),
        ("primer_apellido", true),
        ("segundo_apellido", true),
        ("record_id", true),
    ];
    for_each_row(reader, &columns, |_, f| {
        if !header {
            w.write_record(NORMALIZE_COLUMNS)?;
            header = true;
        }
        let n = normalizer.normalize_bytes(f[0], f[1], f[2]);
        let id = text(f[3]);
        let g = n.given();
        let tokens: Vec<String> = g
            .map(|g| {
                g.tokens()
                    .map(|t| {
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
                        format!("{}:{kind}{sig}", t.as_match())
                    })
                    .collect()
            })
            .unwrap_or_default();
        let flags: Vec<&str> = n.flags().names().collect();
        let s = |s: Option<Surname<'_>>| -> [String; 4] {
            match s {
                Some(s) => [s.ortho(), s.full(), s.core(), s.joined()].map(str::to_owned),
                None => Default::default(),
            }
        };
        let [po, pf, pc, pj] = s(n.paternal());
        let [mo, mf, mc, mj] = s(n.maternal());
        w.write_record([
            id.as_str(),
            g.map_or("", |g| g.ortho()),
            g.map_or("", |g| g.as_match()),
            &tokens.join(" "),
            g.map_or("", |g| g.significant()),
            &po,
            &pf,
            &pc,
            &pj,
            &mo,
            &mf,
            &mc,
            &mj,
            n.married_surname().map_or("", |s| s.full()),
            &flags.join(";"),
        ])?;
        Ok(())
    })?;
    if !header {
        w.write_record(NORMALIZE_COLUMNS)?;
    }
    w.flush()?;
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
        (_, _, Some(path)) => two_rows(path)?,
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

fn two_rows(path: &str) -> anyhow::Result<(Record, Record)> {
    let columns = [
        ("nombre", true),
        ("primer_apellido", true),
        ("segundo_apellido", true),
        ("fecha_nacimiento", false),
    ];
    let mut normalizer = Normalizer::default();
    let mut records = Vec::new();
    for_each_row(open(path)?, &columns, |row, f| {
        if records.len() == 2 {
            bail!("row {row}: --csv must have exactly two data rows");
        }
        let date = text(f[3]);
        let birth = match date.trim() {
            "" => None,
            s => Some(
                Date::parse(s)
                    .with_context(|| format!("row {row}: fecha_nacimiento is not a valid date"))?,
            ),
        };
        records.push(Record {
            name: normalizer.normalize_bytes(f[0], f[1], f[2]),
            birth,
        });
        Ok(())
    })?;
    let mut it = records.into_iter();
    match (it.next(), it.next()) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => bail!("--csv must have exactly two data rows"),
    }
}

fn open(input: &str) -> anyhow::Result<Box<dyn Read>> {
    if input == "-" {
        Ok(Box::new(io::stdin().lock()))
    } else {
        let f = File::open(input).with_context(|| format!("cannot open {input}"))?;
        Ok(Box::new(io::BufReader::new(f)))
    }
}

/// UTF-8, else Windows-1252 (for ids and dates).
fn text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// Reads a comma-separated padrón with a header row and calls `f` with the
/// 1-based data row number and the raw bytes of the wanted columns, in the
/// order asked (an absent optional column gives empty bytes). Header names
/// match case-insensitively, ignoring blanks and a UTF-8 BOM.
///
/// Temporary: to be replaced by the shared reader in `padron::io`.
fn for_each_row(
    reader: impl Read,
    columns: &[(&str, bool)],
    mut f: impl FnMut(u64, &[&[u8]]) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
    let headers = rdr
        .byte_headers()
        .context("cannot read the CSV header")?
        .clone();
    let norm = |h: &[u8]| {
        let h = h.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(h);
        String::from_utf8_lossy(h).trim().to_ascii_lowercase()
    };
    let mut index = Vec::with_capacity(columns.len());
    for (name, required) in columns {
        let i = headers.iter().position(|h| norm(h) == *name);
        if i.is_none() && *required {
            bail!("the CSV header has no column `{name}`");
        }
        index.push(i);
    }
    let mut record = csv::ByteRecord::new();
    let mut row = 0u64;
    loop {
        match rdr.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                // Never echo the cell: say where, not what.
                let line = e.position().map_or(0, csv::Position::line);
                bail!("CSV error at line {line}: malformed record");
            }
        }
        row += 1;
        let fields: Vec<&[u8]> = index
            .iter()
            .map(|i| i.and_then(|i| record.get(i)).unwrap_or_default())
            .collect();
        f(row, &fields)?;
    }
    Ok(())
}
