//! `padron curp check|validate|derive`.

use crate::common::{open_output, Progress, ReadArgs, Rejects};
use anyhow::Result;
use padron::curp::{self, Consistency, Curp, ParseOptions, PersonData, RecordFields, Status};
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

#[derive(Default)]
struct Summary {
    status: BTreeMap<&'static str, u64>,
    rules: BTreeMap<&'static str, u64>,
    consistency: BTreeMap<String, u64>,
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
        let raw = row.get(Column::Curp).unwrap_or("");
        let shown = curp::normalize_input(raw).value;
        let (status, errors, consistency) = match curp::classify(raw, opts) {
            Status::Valid(c) => {
                let cons = if has_names
                    || row.birth_date.is_some()
                    || row.sex.is_some()
                    || row.birth_state.is_some()
                {
                    match curp::consistency(&c, &fields(&row)) {
                        Consistency::Ok => "ok".to_string(),
                        Consistency::Mismatch(segs) => {
                            let labels: Vec<_> = segs.iter().map(|s| s.label()).collect();
                            format!("mismatch:{}", labels.join(";"))
                        }
                        _ => String::new(),
                    }
                } else {
                    String::new()
                };
                ("valid", String::new(), cons)
            }
            Status::Placeholder(_) => ("placeholder", String::new(), String::new()),
            Status::Invalid(e) => {
                let names: Vec<&'static str> =
                    e.violations().iter().map(|v| v.rule.name()).collect();
                let mut unique = names.clone();
                unique.dedup();
                for n in &unique {
                    *summary.rules.entry(n).or_default() += 1;
                }
                ("invalid", unique.join(";"), String::new())
            }
            _ => ("missing", String::new(), String::new()),
        };
        *summary.status.entry(status).or_default() += 1;
        if !consistency.is_empty() {
            let key = consistency.split(':').next().unwrap_or("").to_string();
            *summary.consistency.entry(key).or_default() += 1;
            if let Some(segs) = consistency.strip_prefix("mismatch:") {
                for s in segs.split(';') {
                    *summary
                        .consistency
                        .entry(format!("mismatch {s}"))
                        .or_default() += 1;
                }
            }
        }
        out.write_record([
            row.record_id.as_str(),
            shown.as_str(),
            status,
            errors.as_str(),
            consistency.as_str(),
        ])?;
    }
    out.flush()?;
    progress.finish();
    let stats = reader.stats();
    let rejected = rejects.finish()?;
    eprintln!(
        "curp validate: {} rows read, {} rejected, {} blank lines skipped, {} with cells decoded as Windows-1252",
        stats.rows, rejected, stats.blank, stats.reencoded
    );
    for s in ["valid", "invalid", "placeholder", "missing"] {
        eprintln!("  {s:12} {}", summary.status.get(s).copied().unwrap_or(0));
    }
    for (rule, n) in &summary.rules {
        eprintln!("  rule {rule:20} {n}");
    }
    for (k, n) in &summary.consistency {
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
        let (root, probable) = match (
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
                (
                    curp::derive_root(&p).as_str().to_string(),
                    curp::derive_probable(&p).as_str().to_string(),
                )
            }
            _ => {
                for m in missing {
                    *lacking.entry(m).or_default() += 1;
                }
                (String::new(), String::new())
            }
        };
        out.write_record([row.record_id.as_str(), root.as_str(), probable.as_str()])?;
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
