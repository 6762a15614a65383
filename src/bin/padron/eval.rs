//! `padron eval`: accuracy of matches against a truth file.

use anyhow::{Context, Result};
use padron::eval::{
    read_clusters, read_corruptions, read_pairs, read_truth_of, Evaluator, Mode, PairMetrics,
    Report,
};
use std::fs::File;
use std::io::{self, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Precision, recall and F1 of declared matches against ground truth.
///
/// Pair files have a header with at least record_id_a,record_id_b (other
/// columns are ignored). Without --dedupe only pairs across padrones count.
#[derive(clap::Args, Debug)]
pub struct EvalArgs {
    /// Truth file: record_id,padron,person_id.
    #[arg(long, value_name = "FILE")]
    pub truth: PathBuf,
    /// Declared matches: record_id_a,record_id_b.
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present = "clusters",
        conflicts_with = "clusters"
    )]
    pub matches: Option<PathBuf>,
    /// Declared clusters instead (what `padron dedupe` writes):
    /// record_id,cluster_id. Implies --dedupe.
    #[arg(long, value_name = "FILE")]
    pub clusters: Option<PathBuf>,
    /// Deduplication: every pair is in scope, and cluster metrics are added.
    #[arg(long)]
    pub dedupe: bool,
    /// Keep only this padrón's rows of the truth file (the truth of one
    /// padrón's deduplication when the file covers several).
    #[arg(long, value_name = "PADRON")]
    pub padron: Option<String>,
    /// Candidate pairs from blocking (pair completeness, reduction ratio).
    #[arg(long, value_name = "FILE")]
    pub candidates: Option<PathBuf>,
    /// Corruptions file record_id,tags (recall per tag).
    #[arg(long, value_name = "FILE")]
    pub corruptions: Option<PathBuf>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Largest cluster `--clusters` expands into pairs (50 million pairs).
const MAX_CLUSTER: usize = 10_000;

fn open(path: &Path) -> Result<BufReader<File>> {
    let f = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    Ok(BufReader::with_capacity(1 << 20, f))
}

pub fn run(args: EvalArgs) -> Result<ExitCode> {
    let truth = read_truth_of(open(&args.truth)?, args.padron.as_deref())
        .with_context(|| format!("reading {}", args.truth.display()))?;
    let matches = match (&args.matches, &args.clusters) {
        (Some(p), _) => {
            read_pairs(open(p)?, "matches").with_context(|| format!("reading {}", p.display()))?
        }
        (None, Some(p)) => read_clusters(open(p)?, MAX_CLUSTER)
            .with_context(|| format!("reading {}", p.display()))?,
        (None, None) => anyhow::bail!("--matches or --clusters is required"),
    };
    let candidates = match &args.candidates {
        Some(p) => Some(
            read_pairs(open(p)?, "candidates")
                .with_context(|| format!("reading {}", p.display()))?,
        ),
        None => None,
    };
    let corruptions = match &args.corruptions {
        Some(p) => {
            Some(read_corruptions(open(p)?).with_context(|| format!("reading {}", p.display()))?)
        }
        None => None,
    };
    let mode = if args.dedupe || args.clusters.is_some() {
        Mode::Dedupe
    } else {
        Mode::Linkage
    };
    let mut ev = Evaluator::new(&truth, mode).matches(matches);
    if let Some(c) = candidates {
        ev = ev.candidates(c);
    }
    if let Some(c) = &corruptions {
        ev = ev.corruptions(c);
    }
    let report = ev.report();
    if report.input.unknown_ids > 0 {
        eprintln!(
            "padron eval: {} matched pairs name a record id that is not in the truth (ignored)",
            report.input.unknown_ids
        );
    }
    let mut out = io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        out.write_all(table(&report).as_bytes())?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn num(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.4}"))
}

fn pair_lines(s: &mut String, title: &str, m: &PairMetrics) {
    s.push_str(&format!(
        "{title:<22} TP {}  FP {}  FN {}\n",
        m.true_positives, m.false_positives, m.false_negatives
    ));
    s.push_str(&format!("  {:<20} {}\n", "precision", num(m.precision)));
    s.push_str(&format!("  {:<20} {}\n", "recall", num(m.recall)));
    s.push_str(&format!("  {:<20} {}\n", "F1", num(m.f1)));
}

/// The human-readable report.
pub fn table(r: &Report) -> String {
    let mut s = String::new();
    let mode = match r.mode {
        Mode::Dedupe => "dedupe (all pairs)",
        _ => "linkage (pairs across padrones)",
    };
    s.push_str(&format!("{:<22} {mode}\n", "mode"));
    s.push_str(&format!("{:<22} {}\n", "records", r.records));
    s.push_str(&format!("{:<22} {}\n", "persons", r.persons));
    s.push_str(&format!("{:<22} {}\n", "true pairs", r.true_pairs));
    let i = &r.input;
    s.push_str(&format!(
        "{:<22} {} read, {} evaluated ({} repeated, {} self, {} unknown id, {} same padrón)\n\n",
        "matches",
        i.pairs_read,
        i.evaluated,
        i.repeated,
        i.self_pairs,
        i.unknown_ids,
        i.out_of_scope
    ));
    pair_lines(&mut s, "pairs", &r.pairs);
    if let Some(c) = &r.clusters {
        s.push('\n');
        s.push_str(&format!(
            "{:<22} {} predicted, {} true\n",
            "clusters", c.predicted_clusters, c.true_clusters
        ));
        pair_lines(&mut s, "pairwise over clusters", &c.pairwise);
        s.push_str("B-cubed\n");
        s.push_str(&format!(
            "  {:<20} {}\n",
            "precision",
            num(c.bcubed_precision)
        ));
        s.push_str(&format!("  {:<20} {}\n", "recall", num(c.bcubed_recall)));
        s.push_str(&format!("  {:<20} {}\n", "F1", num(c.bcubed_f1)));
    }
    if let Some(b) = &r.blocking {
        s.push('\n');
        s.push_str(&format!(
            "{:<22} {} candidate pairs of {} possible, {} of {} true pairs\n",
            "blocking", b.candidate_pairs, b.possible_pairs, b.true_pairs_found, b.true_pairs
        ));
        s.push_str(&format!(
            "  {:<20} {}\n",
            "pair completeness",
            num(b.pair_completeness)
        ));
        s.push_str(&format!(
            "  {:<20} {}\n",
            "reduction ratio",
            b.reduction_ratio
                .map_or_else(|| "n/a".to_owned(), |v| format!("{v:.6}"))
        ));
        s.push_str(&format!(
            "  {:<20} {}\n",
            "pair quality",
            num(b.pair_quality)
        ));
    }
    if !r.recall_by_tag.is_empty() {
        s.push('\n');
        s.push_str(&format!(
            "{:<26} {:>10} {:>10} {:>8}\n",
            "recall by tag", "true pairs", "found", "recall"
        ));
        for t in &r.recall_by_tag {
            s.push_str(&format!(
                "  {:<24} {:>10} {:>10} {:>8}\n",
                t.tag,
                t.true_pairs,
                t.found,
                num(t.recall)
            ));
        }
    }
    s
}
