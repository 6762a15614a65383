//! Timed run of the `link` engine on synthetic encoded padrones.
//!
//!     cargo run --release --example link_scale -- [N] [link|dedupe|both]
//!
//! Generates two padrones of about N persons each (half shared, 5 %
//! duplicates, default corruption), links them, deduplicates A, and prints
//! pair completeness, reduction ratio, precision/recall/F1 and time per
//! stage. Run under `/usr/bin/time -v` for peak memory.

#[path = "../tests/support/encoded.rs"]
mod encoded;

use std::sync::Mutex;
use std::time::Instant;

use encoded::{dedupe_data, pair_data, prf, Corruption};
use padron::link::{LinkConfig, LinkInput, Linker, Progress, Stage};

/// Records when each stage was first and last reported.
struct Timer {
    start: Instant,
    stages: Mutex<Vec<(Stage, f64, f64)>>,
}

impl Timer {
    fn new() -> Timer {
        Timer {
            start: Instant::now(),
            stages: Mutex::new(Vec::new()),
        }
    }
    fn print(&self) {
        let v = self.stages.lock().unwrap();
        for (s, a, b) in v.iter() {
            println!("    {:<13} {:>8.2} s", s.name(), b - a);
        }
    }
}

impl Progress for Timer {
    fn report(&self, stage: Stage, _done: u64, _total: u64) {
        let t = self.start.elapsed().as_secs_f64();
        let mut v = self.stages.lock().unwrap();
        match v.iter_mut().find(|(s, _, _)| *s == stage) {
            Some(e) => e.2 = t,
            None => v.push((stage, t, t)),
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let what = args.next().unwrap_or_else(|| "both".into());
    let mut config = LinkConfig::default();
    // Experiment knobs (not part of the library): LINK_LSH=off|K,BANDS,CPR,MIN_DICE
    if let Ok(v) = std::env::var("LINK_LSH") {
        if v == "off" {
            config.blocking.lsh = None;
        } else if let Some(lsh) = config.blocking.lsh.as_mut() {
            let parts: Vec<&str> = v.split(',').collect();
            lsh.bits_per_band = parts[0].parse().unwrap();
            lsh.bands = parts[1].parse().unwrap();
            lsh.collisions_per_record = parts[2].parse().unwrap();
            lsh.min_dice = parts[3].parse().unwrap();
        }
    }
    let linker = Linker::new(config).unwrap();
    println!("threads: {}", rayon::current_num_threads());
    if what == "blocking" {
        let d = pair_data(n, 0.5, 0.05, &Corruption::default(), 2024);
        let truth = d.truth();
        let t = Instant::now();
        let (cands, stats) = linker
            .link_candidates(&d.a, &d.b, &padron::link::NoProgress)
            .unwrap();
        let (_, pc, _) = prf(&cands, &truth);
        println!(
            "blocking {:.2} s: candidates {} PC {pc:.5} lsh {:?}",
            t.elapsed().as_secs_f64(),
            cands.len(),
            stats.lsh
        );
        if std::env::var_os("LINK_DIAG").is_some() {
            // Record-filter Dice of true pairs the tokens miss.
            let mut c = LinkConfig::default();
            c.blocking.lsh = None;
            let (tok, _) = Linker::new(c)
                .unwrap()
                .link_candidates(&d.a, &d.b, &padron::link::NoProgress)
                .unwrap();
            let mut hist = [0usize; 11];
            let mut found = [0usize; 11];
            for &(i, j) in &truth {
                if tok.binary_search(&(i, j)).is_ok() {
                    continue;
                }
                let (x, y) = (d.a.record_filter(i as usize), d.b.record_filter(j as usize));
                let c: u32 = x.iter().zip(y).map(|(a, b)| (a & b).count_ones()).sum();
                let s: u32 = x.iter().chain(y).map(|a| a.count_ones()).sum();
                let dice = 2.0 * f64::from(c) / f64::from(s);
                let bin = (dice * 10.0) as usize;
                hist[bin.min(10)] += 1;
                if cands.binary_search(&(i, j)).is_ok() {
                    found[bin.min(10)] += 1;
                }
            }
            for b in 0..11 {
                println!(
                    "  record dice {:.1}: {} missed by tokens, {} found by LSH",
                    b as f64 / 10.0,
                    hist[b],
                    found[b]
                );
            }
        }
        return;
    }

    if what == "link" || what == "both" {
        let t = Instant::now();
        let d = pair_data(n, 0.5, 0.05, &Corruption::default(), 2024);
        let truth = d.truth();
        println!(
            "generated A {} x B {} records ({} true pairs) in {:.1} s",
            d.a.len(),
            d.b.len(),
            truth.len(),
            t.elapsed().as_secs_f64()
        );
        let timer = Timer::new();
        let t = Instant::now();
        let out = linker.link(&d.a, &d.b, &timer).unwrap();
        let secs = t.elapsed().as_secs_f64();
        let found: Vec<(u32, u32)> = out.matches.iter().map(|m| (m.a.index, m.b.index)).collect();
        let (p, r, f) = prf(&found, &truth);
        println!("link: {secs:.2} s total");
        timer.print();
        let b = &out.stats.blocking;
        println!(
            "  candidates {} (RR {:.6}), oversized blocks {} ({} pairs), lsh {:?}",
            b.candidates, b.reduction_ratio, b.oversized_blocks, b.oversized_pairs, b.lsh
        );
        println!(
            "  model: lambda {:.4}, {} iterations, converged {}, threshold weight {:.2} (p {:.4}), est. precision {:.4}",
            out.model.lambda,
            out.model.iterations,
            out.model.converged,
            out.model.threshold.weight,
            out.model.threshold.probability,
            out.model.threshold.estimated_precision
        );
        println!(
            "  matches {}: precision {p:.4} recall {r:.4} F1 {f:.4}",
            found.len()
        );
        if std::env::var_os("LINK_DIAG").is_some() {
            for c in &out.model.comparisons {
                let lv: Vec<String> = c
                    .levels
                    .iter()
                    .map(|l| {
                        format!(
                            "{}: m {:.4} u {:.5} ur {:.5} w {:.2}",
                            l.label, l.m, l.u, l.u_random, l.weight
                        )
                    })
                    .collect();
                println!("  {}: {}", c.name, lv.join(" | "));
            }
            // Evidence of missed true pairs that were candidates.
            let (cands, _) = linker
                .link_candidates(&d.a, &d.b, &padron::link::NoProgress)
                .unwrap();
            let _ = cands;
            let cfg = LinkConfig {
                threshold: padron::link::Threshold::Weight(-1e9),
                ..LinkConfig::default()
            };
            let all = Linker::new(cfg)
                .unwrap()
                .link(&d.a, &d.b, &padron::link::NoProgress)
                .unwrap();
            let mut hist: std::collections::BTreeMap<String, (usize, f64)> = Default::default();
            let mut fp: std::collections::BTreeMap<String, (usize, f64)> = Default::default();
            for m in &all.matches {
                let key = (m.a.index, m.b.index);
                let w = out.model.weight(m.pattern);
                let is_true = truth.binary_search(&key).is_ok();
                if is_true && w < out.model.threshold.weight {
                    let e = hist.entry(out.model.evidence(m.pattern)).or_default();
                    e.0 += 1;
                    e.1 = w;
                }
                if !is_true && w >= out.model.threshold.weight - 3.0 {
                    let e = fp.entry(out.model.evidence(m.pattern)).or_default();
                    e.0 += 1;
                    e.1 = w;
                }
            }
            let mut v: Vec<_> = hist.into_iter().collect();
            v.sort_by_key(|e| std::cmp::Reverse(e.1 .0));
            println!("  missed true pairs by evidence:");
            for (e, (k, w)) in v.iter().take(25) {
                println!("    {k:6} w {w:7.2} {e}");
            }
            let mut v: Vec<_> = fp.into_iter().collect();
            v.sort_by_key(|e| std::cmp::Reverse(e.1 .0));
            println!("  non-matches near/above threshold:");
            for (e, (k, w)) in v.iter().take(15) {
                println!("    {k:6} w {w:7.2} {e}");
            }
        }
        if n <= 200_000 {
            let (cands, _) = linker
                .link_candidates(&d.a, &d.b, &padron::link::NoProgress)
                .unwrap();
            let (_, pc, _) = prf(&cands, &truth);
            println!("  pair completeness {pc:.4}");
        }
    }

    if what == "dedupe" || what == "both" {
        let t = Instant::now();
        let (input, person) = dedupe_data(n, 0.1, &Corruption::default(), 77);
        println!(
            "generated {} records in {:.1} s",
            input.len(),
            t.elapsed().as_secs_f64()
        );
        let timer = Timer::new();
        let t = Instant::now();
        let out = linker.dedupe(&input, &timer).unwrap();
        let secs = t.elapsed().as_secs_f64();
        println!("dedupe: {secs:.2} s total");
        timer.print();
        // Pairwise scores of "same cluster" against "same person".
        let ids = out.cluster_ids(0);
        let pairs_of = |label: &dyn Fn(usize) -> u32| {
            let mut v: Vec<(u32, u32)> = (0..ids.len()).map(|i| (label(i), i as u32)).collect();
            v.sort_unstable();
            let mut out = Vec::new();
            let mut s = 0;
            while s < v.len() {
                let mut e = s + 1;
                while e < v.len() && v[e].0 == v[s].0 {
                    e += 1;
                }
                for x in s..e {
                    for y in x + 1..e {
                        let (a, b) = (v[x].1, v[y].1);
                        out.push((a.min(b), a.max(b)));
                    }
                }
                s = e;
            }
            out.sort_unstable();
            out
        };
        let found = pairs_of(&|i| ids[i]);
        let truth = pairs_of(&|i| person[i]);
        let (p, r, f) = prf(&found, &truth);
        let b = &out.stats.blocking;
        println!(
            "  candidates {}, clusters {}, {:?}",
            b.candidates,
            out.len(),
            out.stats.clustering
        );
        println!(
            "  model: lambda {:.4}, threshold weight {:.2}",
            out.model.lambda, out.model.threshold.weight
        );
        println!("  cluster pairs: precision {p:.4} recall {r:.4} F1 {f:.4}");
    }
}
