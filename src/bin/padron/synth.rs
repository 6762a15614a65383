//! `padron synth`: write synthetic padrones, truth and corruptions files.

use anyhow::{bail, Context, Result};
use padron::date::Date;
use padron::synth::{generate_parallel, CorruptionRates, SynthConfig};
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Generate synthetic padrones with ground truth.
///
/// Writes padron_1.csv … padron_K.csv (canonical columns), truth.csv
/// (record_id,padron,person_id), corruptions.csv (record_id,tags) and
/// config.toml (the effective configuration) into --out. Same seed and
/// configuration → byte-identical files on any platform.
#[derive(clap::Args, Debug)]
pub struct SynthArgs {
    /// Output directory (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Number of distinct persons [default: 10000].
    #[arg(long, value_name = "N")]
    pub persons: Option<u32>,
    /// Seed of every random choice [default: 1].
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Number of padrones K [default: 2].
    #[arg(long, value_name = "K")]
    pub padrones: Option<u16>,
    /// Share of persons in more than one padrón [default: 0.3].
    #[arg(long, value_name = "F")]
    pub overlap: Option<f64>,
    /// Probability that a person's entry in a padrón is duplicated [default: 0.03].
    #[arg(long = "dup-rate", value_name = "F")]
    pub dup_rate: Option<f64>,
    /// "Today" for ages and start dates, YYYY-MM-DD [default: 2025-01-01].
    #[arg(long = "as-of", value_name = "DATE")]
    pub as_of: Option<String>,
    /// TOML or JSON file with any SynthConfig fields ([population],
    /// [corruption], [[styles]]); flags override it.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Share of records without CURP [default: 0.10].
    #[arg(long = "curp-missing", value_name = "F")]
    pub curp_missing: Option<f64>,
    /// Share of records whose CURP has a typo, split 2:1 between
    /// substitution and transposition [default: 0.03].
    #[arg(long = "curp-typo", value_name = "F")]
    pub curp_typo: Option<f64>,
    /// Share of records with a placeholder CURP [default: 0.01].
    #[arg(long = "curp-placeholder", value_name = "F")]
    pub curp_placeholder: Option<f64>,
    /// Share of persons that are homonyms of an earlier person [default: 0.002].
    #[arg(long, value_name = "F")]
    pub homonyms: Option<f64>,
    /// Set any corruption rate by its name, e.g. `--rate keyboard_typo=0.05` (repeatable).
    #[arg(long = "rate", value_name = "NAME=F")]
    pub rates: Vec<String>,
    /// No corruption at all (applied before --rate and the other rate flags).
    #[arg(long)]
    pub clean: bool,
}

fn load_config(path: &Path) -> Result<SynthConfig> {
    let text =
        fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let cfg = if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        serde_json::from_str(&text)
            .with_context(|| format!("invalid JSON in {}", path.display()))?
    } else {
        toml::from_str(&text).with_context(|| format!("invalid TOML in {}", path.display()))?
    };
    Ok(cfg)
}

/// Applies `NAME=F` to the rate of that name.
fn set_rate(rates: &mut CorruptionRates, spec: &str) -> Result<()> {
    let Some((name, value)) = spec.split_once('=') else {
        bail!("--rate expects NAME=F, e.g. keyboard_typo=0.05");
    };
    let value: f64 = value
        .trim()
        .parse()
        .with_context(|| format!("--rate {name}: not a number"))?;
    // Round-trip through JSON so every field of CorruptionRates is settable
    // by its serde name without a second list of names here.
    let mut json = serde_json::to_value(&*rates)?;
    let Some(slot) = json.get_mut(name.trim()) else {
        let known: Vec<&str> = rates.entries().iter().map(|e| e.0).collect();
        bail!("--rate: unknown rate {name}; known: {}", known.join(", "));
    };
    *slot = serde_json::Value::from(value);
    *rates = serde_json::from_value(json)?;
    Ok(())
}

fn effective_config(args: &SynthArgs) -> Result<SynthConfig> {
    let mut cfg = match &args.config {
        Some(p) => load_config(p)?,
        None => SynthConfig::default(),
    };
    if let Some(v) = args.persons {
        cfg.persons = v;
    }
    if let Some(v) = args.seed {
        cfg.seed = v;
    }
    if let Some(v) = args.padrones {
        cfg.padrones = v;
    }
    if let Some(v) = args.overlap {
        cfg.overlap = v;
    }
    if let Some(v) = args.dup_rate {
        cfg.dup_rate = v;
    }
    if let Some(v) = &args.as_of {
        cfg.as_of = Date::parse(v).map_err(|e| anyhow::anyhow!("--as-of: {e}"))?;
    }
    if args.clean {
        cfg.corruption = CorruptionRates::none();
    }
    if let Some(v) = args.curp_missing {
        cfg.corruption.curp_missing = v;
    }
    if let Some(v) = args.curp_typo {
        cfg.corruption.curp_typo_substitution = v * 2.0 / 3.0;
        cfg.corruption.curp_typo_transposition = v / 3.0;
    }
    if let Some(v) = args.curp_placeholder {
        cfg.corruption.curp_placeholder = v;
    }
    if let Some(v) = args.homonyms {
        cfg.population.homonyms = v;
    }
    for r in &args.rates {
        set_rate(&mut cfg.corruption, r)?;
    }
    cfg.validate()?;
    Ok(cfg)
}

fn create(dir: &Path, name: &str) -> Result<BufWriter<File>> {
    let path = dir.join(name);
    let f = File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
    Ok(BufWriter::with_capacity(1 << 20, f))
}

pub fn run(args: SynthArgs) -> Result<ExitCode> {
    let cfg = effective_config(&args)?;
    let start = Instant::now();
    let synth = generate_parallel(&cfg)?;
    let generated = start.elapsed();
    let dir = &args.out;
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    // One thread per output file; each file's bytes do not depend on the others.
    let counts: Vec<usize> = (0..synth.padron_count())
        .map(|k| synth.padron(k).map_or(0, <[_]>::len))
        .collect();
    let synth_ref = &synth;
    std::thread::scope(|scope| -> Result<()> {
        let mut jobs = Vec::new();
        for k in 0..synth_ref.padron_count() {
            jobs.push(scope.spawn(move || -> Result<()> {
                let name = format!("padron_{}.csv", k + 1);
                let mut w = create(dir, &name)?;
                synth_ref
                    .write_padron(k, &mut w)
                    .with_context(|| format!("writing {name}"))?;
                w.flush().with_context(|| format!("writing {name}"))?;
                Ok(())
            }));
        }
        jobs.push(scope.spawn(move || -> Result<()> {
            let mut w = create(dir, "truth.csv")?;
            synth_ref.write_truth(&mut w).context("writing truth.csv")?;
            w.flush().context("writing truth.csv")?;
            Ok(())
        }));
        jobs.push(scope.spawn(move || -> Result<()> {
            let mut w = create(dir, "corruptions.csv")?;
            synth_ref
                .write_corruptions(&mut w)
                .context("writing corruptions.csv")?;
            w.flush().context("writing corruptions.csv")?;
            Ok(())
        }));
        for j in jobs {
            j.join()
                .map_err(|_| anyhow::anyhow!("a writer thread panicked"))??;
        }
        Ok(())
    })?;
    let mut w = create(dir, "config.toml")?;
    w.write_all(toml::to_string(&cfg)?.as_bytes())
        .context("writing config.toml")?;
    w.flush().context("writing config.toml")?;
    let total = start.elapsed();
    let records: usize = counts.iter().sum();
    let list: Vec<String> = counts.iter().map(usize::to_string).collect();
    eprintln!(
        "padron synth: {} persons, {} records ({}) in {:.2} s ({:.2} s generating, {:.0} persons/s) -> {}",
        cfg.persons,
        records,
        list.join(" + "),
        total.as_secs_f64(),
        generated.as_secs_f64(),
        f64::from(cfg.persons) / total.as_secs_f64().max(1e-9),
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(clap::Parser, Debug)]
    struct Wrap {
        #[command(flatten)]
        args: SynthArgs,
    }

    fn config(flags: &[&str]) -> Result<SynthConfig> {
        use clap::Parser;
        let mut argv = vec!["synth", "--out", "x"];
        argv.extend_from_slice(flags);
        effective_config(&Wrap::try_parse_from(argv)?.args)
    }

    #[test]
    fn each_flag_sets_its_field() {
        let d = SynthConfig::default();
        assert_eq!(config(&[]).unwrap(), d);
        assert_eq!(config(&["--persons", "7"]).unwrap().persons, 7);
        assert_eq!(config(&["--seed", "8"]).unwrap().seed, 8);
        assert_eq!(config(&["--padrones", "3"]).unwrap().padrones, 3);
        assert_eq!(config(&["--overlap", "0.5"]).unwrap().overlap, 0.5);
        assert_eq!(config(&["--dup-rate", "0.2"]).unwrap().dup_rate, 0.2);
        assert_eq!(
            config(&["--as-of", "31/12/2020"]).unwrap().as_of,
            Date::new(2020, 12, 31).unwrap()
        );
        assert!(config(&["--as-of", "2020-02-30"]).is_err());
        let c = config(&["--curp-missing", "0.2"]).unwrap().corruption;
        assert_eq!(c.curp_missing, 0.2);
        let c = config(&["--curp-typo", "0.03"]).unwrap().corruption;
        assert!((c.curp_typo_substitution - 0.02).abs() < 1e-12);
        assert!((c.curp_typo_transposition - 0.01).abs() < 1e-12);
        let c = config(&["--curp-placeholder", "0"]).unwrap().corruption;
        assert_eq!(c.curp_placeholder, 0.0);
        assert_eq!(
            config(&["--homonyms", "0.1"]).unwrap().population.homonyms,
            0.1
        );
        let c = config(&["--clean", "--rate", "nickname=0.4"])
            .unwrap()
            .corruption;
        assert_eq!(
            c,
            CorruptionRates {
                nickname: 0.4,
                ..CorruptionRates::none()
            }
        );
        assert!(config(&["--overlap", "2"]).is_err());
    }

    #[test]
    fn rate_by_name() {
        let mut r = CorruptionRates::default();
        set_rate(&mut r, "keyboard_typo=0.25").unwrap();
        assert_eq!(r.keyboard_typo, 0.25);
        assert!(set_rate(&mut r, "no_such_rate=0.1").is_err());
        assert!(set_rate(&mut r, "keyboard_typo").is_err());
        assert!(set_rate(&mut r, "keyboard_typo=x").is_err());
    }
}
