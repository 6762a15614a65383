//! `padron curp check|validate|derive`.

use crate::common::{open_output, Progress, ReadArgs, Rejects};
use anyhow::Result;
use padron::curp::{
    self, Consistency, Curp, ParseOptions, PersonData, RecordFields, Segment, Status,
};
use padron::date::Date;
use padron::io::{Column, Item, Row};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

/// Validate, decode and derive CURPs.
#[derive(clap::Subcommand, Debug)]
pub enum CurpCommand {
    /// Check CURPs given on the command line: `valid` or the failing rules, and the decoded fields.
    Check {
        /// CURPs to check (lower case, spaces and hyphens are tolerated and reported).
        #[arg(required = true)]
        curps: Vec<String>,
        /// Exit with status 1 if any CURP is not valid (for scripts).
        #[arg(long)]
        fail_on_invalid: bool,
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// Validate the `curp` column of a padrón and check it against the row's
    /// name, birth date, sex and state. CSV on stdout:
    /// `record_id,curp,status,errors,consistency`; a summary on stderr.
    Validate {
        /// The padrón CSV file, or `-` for standard input.
        file: PathBuf,
        /// Write the CSV here instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(flatten)]
        read: ReadArgs,
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// Derive the CURP root (positions 1–16) and the probable full CURP from
    /// the name, birth date, sex and state columns. CSV on stdout:
    /// `record_id,curp_root,curp_probable`.
    Derive {
        /// The padrón CSV file, or `-` for standard input.
        file: PathBuf,
        /// Write the CSV here instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(flatten)]
        read: ReadArgs,
    },
}

/// Validation rules that vary between registries.
#[derive(clap::Args, Debug, Clone)]
pub struct RuleArgs {
    /// Reject sex `X` (non-binary, issued by RENAPO since 2022).
    #[arg(long)]
    pub no_sex_x: bool,
    /// Accept only `A`–`J` as the differentiator of births from 2000 on (current RENAPO rule).
    #[arg(long)]
    pub strict_differentiator: bool,
    /// The date after which birth dates count as in the future (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
}

impl RuleArgs {
    fn options(&self) -> Result<ParseOptions> {
        let today = match &self.today {
            Some(t) => Date::parse(t).map_err(|e| anyhow::anyhow!("--today: {e}"))?,
            None => today_utc(),
        };
        let mut o = ParseOptions::default();
        o.today = Some(today);
        o.allow_nonbinary = !self.no_sex_x;
        o.strict_differentiator = self.strict_differentiator;
        Ok(o)
    }
}

/// Today's date in UTC, from the system clock.
pub fn today_utc() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let epoch = Date::new(1970, 1, 1).map_or(0, Date::ordinal);
    Date::from_ordinal(epoch + (secs / 86_400) as i64)
        .unwrap_or_else(|| Date::new(1970, 1, 1).expect("valid date"))
}

pub fn run(cmd: CurpCommand) -> Result<ExitCode> {
    match cmd {
        CurpCommand::Check {
            curps,
            rules,
            fail_on_invalid,
        } => check(&curps, &rules.options()?, fail_on_invalid),
        CurpCommand::Validate {
            file,
            output,
            read,
            rules,
        } => validate(&file, output, &read, &rules.options()?),
        CurpCommand::Derive { file, output, read } => derive(&file, output, &read),
    }
}

fn sex_name(c: &Curp) -> &'static str {
    match c.sex().code() {
        'H' => "hombre",
        'M' => "mujer",
        _ => "no binario",
    }
}

fn check(curps: &[String], opts: &ParseOptions, fail_on_invalid: bool) -> Result<ExitCode> {
    let mut all_valid = true;
    for text in curps {
        let normalized = curp::normalize_input(text);
        let shown = &normalized.value;
        match curp::classify(text, opts) {
            Status::Valid(c) => {
                println!("{shown}\tvalid");
                println!(
                    "  root {}  born {}  sex {}  state {} ({})  differentiator {}  check digit {}",
                    c.root(),
                    c.birth_date(),
                    sex_name(&c),
                    c.state().code(),
                    c.state().name(),
                    c.differentiator(),
                    c.check_digit()
                );
            }
            Status::Placeholder(p) => {
                all_valid = false;
                println!("{shown}\tplaceholder\t{p}");
            }
            Status::Invalid(e) => {
                all_valid = false;
                println!("{shown}\tinvalid\t{e}");
            }
            Status::Missing => {
                all_valid = false;
                println!("{shown}\tmissing");
            }
            _ => {
                all_valid = false;
                println!("{shown}\tunknown");
            }
        }
        if !normalized.changes.is_empty() {
            let changes: Vec<&str> = normalized.changes.iter().map(|c| c.name()).collect();
            println!("  input normalised: {}", changes.join(", "));
        }
    }
    Ok(if all_valid || !fail_on_invalid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn fields(row: &Row) -> RecordFields<'_> {
    RecordFields {
        given_names: row.get(Column::Nombre),
        first_surname: row.get(Column::PrimerApellido),
        second_surname: Some(row.get(Column::SegundoApellido).unwrap_or("")),
        birth_date: row.birth_date,
        sex: row.sex,
        state: row.birth_state,
    }
}

/// Status names, in summary order.
const STATUSES: [&str; 4] = ["valid", "invalid", "placeholder", "missing"];

#[derive(Default)]
struct Summary {
    /// Rows by status, in [`STATUSES`] order.
    status: [u64; 4],
    rules: BTreeMap<&'static str, u64>,
    consistent: u64,
    mismatched: u64,
    /// Mismatches by segment, in [`Segment::ALL`] order.
    segments: [u64; Segment::ALL.len()],
}

impl Summary {
    /// The consistency counts by their report key (`ok`, `mismatch`,
    /// `mismatch 1-4`…), those that occurred, in key order.
    fn consistency(&self) -> BTreeMap<String, u64> {
        let mut m = BTreeMap::new();
        let labelled = Segment::ALL
            .iter()
            .zip(self.segments)
            .map(|(s, n)| (format!("mismatch {}", s.label()), n));
        for (k, n) in [
            ("ok".to_string(), self.consistent),
            ("mismatch".to_string(), self.mismatched),
        ]
        .into_iter()
        .chain(labelled)
        {
            if n > 0 {
                m.insert(k, n);
            }
        }
        m
    }
}

fn validate(
    file: &std::path::Path,
    output: Option<PathBuf>,
    read: &ReadArgs,
    opts: &ParseOptions,
) -> Result<ExitCode> {
    let mut reader = read.open(file)?;
    let has_names = reader.has(Column::Nombre) && reader.has(Column::PrimerApellido);
    let mut out = csv::Writer::from_writer(open_output(output.as_deref())?);
    out.write_record(["record_id", "curp", "status", "errors", "consistency"])?;
    let mut rejects = Rejects::new(read.rejects.as_deref(), "curp validate")?;
    let mut summary = Summary::default();
    let mut progress = Progress::new("curp validate");
    // Reused across rows: the consistency column.
    let mut consistency = String::new();
    while let Some(item) = reader.read()? {
        progress.tick();
        let row = match item {
            Item::Row(row) => row,
            Item::Rejected(r) => {
                rejects.push(&r)?;
                continue;
            }
            _ => continue,
        };
        let raw = row.get(Column::Curp).unwrap_or("");
        let status = curp::classify(raw, opts);
        // The output shows the CURP as normalised; a valid one already is
        // (classify parsed exactly that text), so only others pay for it.
        let normalized;
        let shown = match &status {
            Status::Valid(c) => c.as_str(),
            _ => {
                normalized = curp::normalize_input(raw).value;
                normalized.as_str()
            }
        };
        consistency.clear();
        let mut errors = String::new();
        let status_index = match &status {
            Status::Valid(c) => {
                if has_names
                    || row.birth_date.is_some()
                    || row.sex.is_some()
                    || row.birth_state.is_some()
                {
                    match curp::consistency(c, &fields(&row)) {
                        Consistency::Ok => {
                            summary.consistent += 1;
                            consistency.push_str("ok");
                        }
                        Consistency::Mismatch(segs) => {
                            summary.mismatched += 1;
                            consistency.push_str("mismatch:");
                            for (i, s) in segs.iter().enumerate() {
                                if i > 0 {
                                    consistency.push(';');
                                }
                                consistency.push_str(s.label());
                                if let Some(k) = Segment::ALL.iter().position(|x| x == s) {
                                    summary.segments[k] += 1;
                                }
                            }
                        }
                        _ => {}
                    }
                }
                0
            }
            Status::Placeholder(_) => 2,
            Status::Invalid(e) => {
                let mut unique: Vec<&'static str> =
                    e.violations().iter().map(|v| v.rule.name()).collect();
                unique.dedup();
                for n in &unique {
                    *summary.rules.entry(n).or_default() += 1;
                }
                errors = unique.join(";");
                1
            }
            _ => 3,
        };
        summary.status[status_index] += 1;
        out.write_record([
            row.record_id.as_str(),
            shown,
            STATUSES[status_index],
            errors.as_str(),
            consistency.as_str(),
        ])?;
        reader.recycle(row);
    }
    out.flush()?;
    progress.finish();
    let stats = reader.stats();
    let rejected = rejects.finish()?;
    eprintln!(
        "curp validate: {} rows read, {} rejected, {} blank lines skipped, {} with cells decoded as Windows-1252",
        stats.rows, rejected, stats.blank, stats.reencoded
    );
    for (s, n) in STATUSES.iter().zip(summary.status) {
        eprintln!("  {s:12} {n}");
    }
    for (rule, n) in &summary.rules {
        eprintln!("  rule {rule:20} {n}");
    }
    for (k, n) in &summary.consistency() {
        eprintln!("  consistency {k:13} {n}");
    }
    Ok(ExitCode::SUCCESS)
}

fn derive(file: &std::path::Path, output: Option<PathBuf>, read: &ReadArgs) -> Result<ExitCode> {
    let mut reader = read.open(file)?;
    let mut out = csv::Writer::from_writer(open_output(output.as_deref())?);
    out.write_record(["record_id", "curp_root", "curp_probable"])?;
    let mut rejects = Rejects::new(read.rejects.as_deref(), "curp derive")?;
    let mut progress = Progress::new("curp derive");
    let (mut derived, mut lacking) = (0u64, BTreeMap::<&'static str, u64>::new());
    while let Some(item) = reader.read()? {
        progress.tick();
        let row = match item {
            Item::Row(row) => row,
            Item::Rejected(r) => {
                rejects.push(&r)?;
                continue;
            }
            _ => continue,
        };
        let need = [
            (Column::Nombre, row.get(Column::Nombre).is_some()),
            (Column::FechaNacimiento, row.birth_date.is_some()),
            (Column::Sexo, row.sex.is_some()),
            (Column::EntidadNacimiento, row.birth_state.is_some()),
        ];
        let missing: Vec<_> = need
            .iter()
            .filter(|(_, ok)| !ok)
            .map(|(c, _)| c.name())
            .collect();
        let derived_pair = match (
            row.get(Column::Nombre),
            row.birth_date,
            row.sex,
            row.birth_state,
        ) {
            (Some(given), Some(birth_date), Some(sex), Some(state)) => {
                let p = PersonData {
                    given_names: given,
                    first_surname: row.get(Column::PrimerApellido).unwrap_or(""),
                    second_surname: row.get(Column::SegundoApellido).unwrap_or(""),
                    birth_date,
                    sex,
                    state,
                };
                derived += 1;
                let root = curp::derive_root(&p);
                let probable = curp::probable_from_root(&root, birth_date);
                Some((root, probable))
            }
            _ => {
                for m in missing {
                    *lacking.entry(m).or_default() += 1;
                }
                None
            }
        };
        let (root, probable) = derived_pair
            .as_ref()
            .map_or(("", ""), |(r, p)| (r.as_str(), p.as_str()));
        out.write_record([row.record_id.as_str(), root, probable])?;
        reader.recycle(row);
    }
    out.flush()?;
    progress.finish();
    let stats = reader.stats();
    let rejected = rejects.finish()?;
    eprintln!(
        "curp derive: {} rows read, {} rejected, {} derived, {} lacking data",
        stats.rows,
        rejected,
        derived,
        stats.rows - derived
    );
    for (col, n) in &lacking {
        eprintln!("  missing or unreadable {col:20} {n}");
    }
    Ok(ExitCode::SUCCESS)
}
