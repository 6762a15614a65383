//! `padron demo`: the whole protocol on synthetic padrones, scored against
//! the truth. Runs on built-in defaults with no data of the user's.

use crate::common::ReadArgs;
use crate::link::{config, EngineArgs, StderrProgress};
use anyhow::{Context, Result};
use padron::curp::ParseOptions;
use padron::encode::{AgencyEncoder, Person};
use padron::encodings::EncodedPadron;
use padron::eval::{Corruptions, Evaluator, Mode, Report, Truth};
use padron::io::{Item, PadronReader, ReadOptions};
use padron::link::{EncodedInput, Linker};
use padron::pseudo::Key;
use padron::synth::{generate_parallel, SynthConfig};
use std::process::ExitCode;
use std::time::Instant;

/// Generate two synthetic padrones, encode each as its agency would under a
/// fresh key, link them as the linkage unit would, deduplicate each, and
/// score everything against the known truth.
#[derive(clap::Args, Debug)]
pub struct DemoArgs {
    /// Distinct persons in the synthetic population.
    #[arg(long, default_value_t = 20_000)]
    pub persons: u32,
    /// Seed of the synthetic data (the key is always fresh).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Print the full evaluation reports as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

fn fmt(x: Option<f64>) -> String {
    x.map_or("n/a".to_string(), |v| format!("{v:.4}"))
}

/// What agency `k` does: its export goes through the same reader and the
/// same encoder as `padron encode`; only the encodings file's bytes leave.
fn agency(synth: &padron::synth::Synth, k: usize, key: &Key) -> Result<Vec<u8>> {
    let mut csv = Vec::new();
    synth.write_padron(k, &mut csv)?;
    let mut parse = ParseOptions::default();
    parse.today = Some(crate::curp::today_utc());
    let encoder = AgencyEncoder::padron(key, parse)?;
    let mut out = EncodedPadron::new(encoder.header(key, None));
    let mut scratch = encoder.scratch();
    for item in PadronReader::new(&csv[..], ReadOptions::default())? {
        if let Item::Row(row) = item? {
            let person = Person::from_row(&row);
            encoder.encode(&person, &mut scratch)?;
            out.push(&row.record_id, scratch.tokens(), scratch.filters())?;
        }
    }
    Ok(out.write(Vec::new())?)
}

pub fn run(args: DemoArgs) -> Result<ExitCode> {
    let total = Instant::now();
    let cfg = SynthConfig {
        persons: args.persons,
        seed: args.seed,
        padrones: 2,
        ..SynthConfig::default()
    };
    let t = Instant::now();
    let synth = generate_parallel(&cfg).context("generating synthetic padrones")?;
    let t_synth = t.elapsed();
    let sizes: Vec<usize> = (0..2)
        .map(|k| synth.padron(k).map_or(0, <[_]>::len))
        .collect();

    // The agencies share a fresh key; the linkage unit only ever sees bytes.
    let key = Key::generate().context("generating a key")?;
    let t = Instant::now();
    let files = [agency(&synth, 0, &key)?, agency(&synth, 1, &key)?];
    let t_encode = t.elapsed();
    drop(key);

    let t = Instant::now();
    let a = EncodedPadron::read(&files[0][..])?;
    let b = EncodedPadron::read(&files[1][..])?;
    a.header().check_comparable(b.header())?;
    let engine = EngineArgs {
        key: None,
        threshold: None,
        target_precision: 0.995,
        model: None,
        schema: None,
        read: ReadArgs::default(),
    };
    let linker = Linker::new(config(&engine, a.header()))?;
    let (ia, ib) = (EncodedInput::new(&a), EncodedInput::new(&b));
    let linkage = linker.link(&ia, &ib, &StderrProgress::new())?;
    let t_link = t.elapsed();
    let (candidates, _) = linker.link_candidates(&ia, &ib, &padron::link::NoProgress)?;

    let t = Instant::now();
    let dedupes = [
        linker.dedupe(&ia, &StderrProgress::new())?,
        linker.dedupe(&ib, &StderrProgress::new())?,
    ];
    let t_dedupe = t.elapsed();

    // Scoring against the truth (the analyst's side; never part of the protocol).
    let mut truth = Truth::new();
    let mut per_padron = [Truth::new(), Truth::new()];
    let mut tags = Corruptions::new();
    for r in synth.records() {
        let p = r.padron.to_string();
        let person = r.person_id.to_string();
        truth.push(&r.record_id, &p, &person)?;
        if let Some(t) = per_padron.get_mut(usize::from(r.padron)) {
            t.push(&r.record_id, &p, &person)?;
        }
        tags.push(&r.record_id, &r.tags.to_names());
    }
    let ids = |p: &EncodedPadron, i: u32| p.id(i as usize).unwrap_or("").to_string();
    let link_report = Evaluator::new(&truth, Mode::Linkage)
        .matches(
            linkage
                .matches
                .iter()
                .map(|m| (ids(&a, m.a.index), ids(&b, m.b.index))),
        )
        .candidates(candidates.iter().map(|&(x, y)| (ids(&a, x), ids(&b, y))))
        .corruptions(&tags)
        .report();
    let dedupe_reports: Vec<Report> = dedupes
        .iter()
        .zip([&a, &b])
        .zip(&per_padron)
        .map(|((d, p), t)| {
            let cl = d.cluster_ids(0);
            let mut members: Vec<(u32, u32)> =
                cl.iter().enumerate().map(|(i, &c)| (c, i as u32)).collect();
            members.sort_unstable();
            let mut pairs = Vec::new();
            for group in members.chunk_by(|x, y| x.0 == y.0) {
                for (i, x) in group.iter().enumerate() {
                    for y in &group[i + 1..] {
                        pairs.push((ids(p, x.1), ids(p, y.1)));
                    }
                }
            }
            Evaluator::new(t, Mode::Dedupe).matches(pairs).report()
        })
        .collect();

    if args.json {
        let out = serde_json::json!({
            "linkage": link_report,
            "dedupe": dedupe_reports,
            "model": linkage.model,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
    }
    let m = &link_report.pairs;
    let bl = link_report.blocking.as_ref();
    eprintln!(
        "padron demo: {} persons, padrones of {} and {} records (seed {})",
        args.persons, sizes[0], sizes[1], args.seed
    );
    eprintln!("  each agency encoded its padrón under a fresh shared key: {} + {} bytes left the agencies", files[0].len(), files[1].len());
    eprintln!();
    eprintln!(
        "  cross-padrón linkage on pseudonyms (threshold from the fitted model, none set by hand)"
    );
    eprintln!(
        "    precision {}  recall {}  F1 {}",
        fmt(m.precision),
        fmt(m.recall),
        fmt(m.f1)
    );
    eprintln!(
        "    true pairs {}  found {}  false matches {}  missed {}",
        link_report.true_pairs, m.true_positives, m.false_positives, m.false_negatives
    );
    if let Some(bl) = bl {
        eprintln!(
            "    blocking: {} candidate pairs, pair completeness {}, reduction ratio {}",
            bl.candidate_pairs,
            fmt(bl.pair_completeness),
            bl.reduction_ratio
                .map_or("n/a".into(), |r| format!("{r:.6}"))
        );
    }
    eprintln!(
        "    model: threshold weight {:.2} (estimated precision {:.4}), EM {} iterations{}",
        linkage.model.threshold.weight,
        linkage.model.threshold.estimated_precision,
        linkage.model.iterations,
        if linkage.model.converged {
            ""
        } else {
            " (not converged)"
        }
    );
    for (k, r) in dedupe_reports.iter().enumerate() {
        let c = r.clusters.as_ref();
        eprintln!(
            "  dedupe padrón {}: pairwise precision {}  recall {}  F1 {}; B-cubed F1 {}",
            k + 1,
            fmt(r.pairs.precision),
            fmt(r.pairs.recall),
            fmt(r.pairs.f1),
            fmt(c.and_then(|c| c.bcubed_f1))
        );
    }
    let mut weakest: Vec<_> = link_report
        .recall_by_tag
        .iter()
        .filter(|t| t.true_pairs >= 20)
        .collect();
    weakest.sort_by(|x, y| {
        x.recall
            .partial_cmp(&y.recall)
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    eprintln!("  what still breaks (linkage recall by corruption, weakest first):");
    for t in weakest.iter().take(6) {
        eprintln!(
            "    {:28} {} of {} pairs ({})",
            t.tag,
            t.found,
            t.true_pairs,
            fmt(t.recall)
        );
    }
    eprintln!(
        "  time: synth {:.2} s, encode {:.2} s, link {:.2} s, dedupe {:.2} s, total {:.2} s",
        t_synth.as_secs_f64(),
        t_encode.as_secs_f64(),
        t_link.as_secs_f64(),
        t_dedupe.as_secs_f64(),
        total.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
