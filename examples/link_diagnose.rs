//! Diagnostics of the `link` engine on two encodings files with a truth
//! file (as written by `padron synth` + `padron encode`): blocking (pair
//! completeness with and without LSH, record Dice of the true pairs the
//! tokens miss), the fitted model, and the true pairs missed or false
//! pairs kept, by evidence pattern.
//!
//!     cargo run --release --example link_diagnose -- A.enc B.enc truth.csv

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{BufRead, BufReader};

use padron::encodings::EncodedPadron;
use padron::link::{
    recommended_comparisons, EncodedInput, LinkConfig, LinkInput, Linker, NoProgress, Threshold,
};

fn read(path: &str) -> EncodedPadron {
    EncodedPadron::read(BufReader::new(File::open(path).unwrap())).unwrap()
}

fn dice(a: &[u64], b: &[u64]) -> f64 {
    let c: u32 = a.iter().zip(b).map(|(x, y)| (x & y).count_ones()).sum();
    let s: u32 = a.iter().chain(b).map(|x| x.count_ones()).sum();
    if s == 0 {
        0.0
    } else {
        2.0 * f64::from(c) / f64::from(s)
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (pa, pb) = (read(&args[0]), read(&args[1]));
    let (a, b) = (EncodedInput::new(&pa), EncodedInput::new(&pb));
    let mut person: HashMap<String, u64> = HashMap::new();
    for line in BufReader::new(File::open(&args[2]).unwrap())
        .lines()
        .skip(1)
    {
        let line = line.unwrap();
        let f: Vec<&str> = line.split(',').collect();
        person.insert(f[0].to_string(), f[2].parse().unwrap());
    }
    let mut by_person: HashMap<u64, Vec<u32>> = HashMap::new();
    for i in 0..a.len() {
        by_person
            .entry(person[a.record_id(i)])
            .or_default()
            .push(i as u32);
    }
    let mut truth: Vec<(u32, u32)> = Vec::new();
    for j in 0..b.len() {
        if let Some(v) = by_person.get(&person[b.record_id(j)]) {
            truth.extend(v.iter().map(|&i| (i, j as u32)));
        }
    }
    truth.sort_unstable();
    let mut comparisons = recommended_comparisons(pa.header());
    if std::env::var_os("CURP_ROOT").is_some() {
        comparisons[0] = padron::link::ComparisonDef::token("curp").with_weaker_token("curp_root");
    }
    let base = LinkConfig {
        comparisons: Some(comparisons),
        ..LinkConfig::default()
    };
    let bits: usize = a.record_filter(0).len() * 64;
    let density: f64 = (0..a.len().min(5000))
        .map(|i| {
            a.record_filter(i)
                .iter()
                .map(|w| w.count_ones())
                .sum::<u32>() as f64
        })
        .sum::<f64>()
        / (a.len().min(5000) as f64 * bits as f64);
    println!(
        "records {} x {}, true pairs {}, record filter {bits} bits, density {density:.3}",
        a.len(),
        b.len(),
        truth.len()
    );

    let mut tok_cfg = base.clone();
    tok_cfg.blocking.lsh = None;
    let (tok, tstats) = Linker::new(tok_cfg)
        .unwrap()
        .link_candidates(&a, &b, &NoProgress)
        .unwrap();
    let (all, stats) = Linker::new(base.clone())
        .unwrap()
        .link_candidates(&a, &b, &NoProgress)
        .unwrap();
    let pc = |c: &[(u32, u32)]| {
        truth.iter().filter(|p| c.binary_search(p).is_ok()).count() as f64 / truth.len() as f64
    };
    println!("tokens only: {} candidates, PC {:.4}", tok.len(), pc(&tok));
    for r in &tstats.rules {
        println!(
            "  rule {:<28} records {:>7} pairs {:>8} largest block {}",
            r.rule, r.records_with_token, r.pairs, r.largest_block_pairs
        );
    }
    println!(
        "with LSH:    {} candidates, PC {:.4}, {:?}",
        all.len(),
        pc(&all),
        stats.lsh
    );
    let mut hist = [0usize; 11];
    let mut found = [0usize; 11];
    for &(i, j) in &truth {
        if tok.binary_search(&(i, j)).is_ok() {
            continue;
        }
        let d = dice(a.record_filter(i as usize), b.record_filter(j as usize));
        let k = ((d * 10.0) as usize).min(10);
        hist[k] += 1;
        if all.binary_search(&(i, j)).is_ok() {
            found[k] += 1;
        }
    }
    println!("record Dice of true pairs the tokens miss (found by LSH):");
    for k in 0..11 {
        if hist[k] > 0 {
            println!("  {:.1}: {} ({})", k as f64 / 10.0, hist[k], found[k]);
        }
    }
    // Random-pair record Dice, for scale.
    let mut rd = [0usize; 11];
    for k in 0..20_000usize {
        let i = (k * 7919) % a.len();
        let j = (k * 104_729) % b.len();
        rd[((dice(a.record_filter(i), b.record_filter(j)) * 10.0) as usize).min(10)] += 1;
    }
    println!("record Dice of 20000 arbitrary pairs: {rd:?}");

    let linker = Linker::new(base.clone()).unwrap();
    let out = linker.link(&a, &b, &NoProgress).unwrap();
    let m = &out.model;
    println!(
        "model: lambda {:.3e}, {} iterations, threshold {:.2} (p {:.4}), est. precision {:.4} recall {:.4}",
        m.lambda, m.iterations, m.threshold.weight, m.threshold.probability, m.threshold.estimated_precision, m.threshold.estimated_recall
    );
    for c in &m.comparisons {
        let lv: Vec<String> = c
            .levels
            .iter()
            .map(|l| format!("{} m {:.4} u {:.2e} w {:.1}", l.label, l.m, l.u, l.weight))
            .collect();
        println!("  {:<18} {}", c.name, lv.join(" | "));
    }
    let found: Vec<(u32, u32)> = out.matches.iter().map(|x| (x.a.index, x.b.index)).collect();
    let tp = found
        .iter()
        .filter(|p| truth.binary_search(p).is_ok())
        .count();
    let (p, r) = (
        tp as f64 / found.len().max(1) as f64,
        tp as f64 / truth.len() as f64,
    );
    println!(
        "matches {}: precision {p:.4} recall {r:.4} F1 {:.4}",
        found.len(),
        2.0 * p * r / (p + r)
    );
    let mut everything = base;
    everything.threshold = Threshold::Weight(-1e9);
    let every = Linker::new(everything)
        .unwrap()
        .link(&a, &b, &NoProgress)
        .unwrap();
    let mut missed: BTreeMap<String, (usize, f64)> = BTreeMap::new();
    let mut false_kept: BTreeMap<String, (usize, f64)> = BTreeMap::new();
    for x in &every.matches {
        let w = m.weight(x.pattern);
        let t = truth.binary_search(&(x.a.index, x.b.index)).is_ok();
        let slot = if t && w < m.threshold.weight {
            &mut missed
        } else if !t && w >= m.threshold.weight - 5.0 {
            &mut false_kept
        } else {
            continue;
        };
        let e = slot.entry(m.evidence(x.pattern)).or_default();
        e.0 += 1;
        e.1 = w;
    }
    for (name, map) in [
        ("true pairs below threshold", missed),
        ("non-matches above threshold - 5", false_kept),
    ] {
        let mut v: Vec<_> = map.into_iter().collect();
        v.sort_by_key(|e| std::cmp::Reverse(e.1 .0));
        println!("{name}:");
        for (e, (k, w)) in v.iter().take(15) {
            println!("  {k:6} w {w:7.2} {e}");
        }
    }
}
