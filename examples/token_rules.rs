//! Measures token rules as exact joins on synthetic padrones.
//!
//! cargo run --release --example token_rules -- [PERSONS] [SEED...]
//!
//! (defaults: 20000 persons, seeds 1 and 2). For each seed: two synthetic
//! padrones with the default corruption model (`synth`), each written as CSV
//! and read back through `io::PadronReader` exactly as `padron encode` reads
//! it, encoded by `encode::AgencyEncoder` under one key with every candidate
//! rule. A rule "declares" every cross-padrón pair of records sharing its
//! token; `eval::Evaluator` in linkage mode scores those pairs (and unions
//! of rules) against the truth. Within-padrón duplicates are in the truth
//! but out of scope for linkage. Counts are summed over the seeds.

use padron::bloom::Schema;
use padron::curp::ParseOptions;
use padron::encode::{AgencyEncoder, Person};
use padron::eval::{Evaluator, Mode, Truth};
use padron::io::{Item, PadronReader, ReadOptions};
use padron::pseudo::{predefined_rules, Algorithm, Key, Token, TokenRule};
use padron::synth::{generate_parallel, SynthConfig};
use std::collections::{BTreeMap, BTreeSet};

/// A pair of record indices, smaller first.
type Pair = (u32, u32);

struct Run {
    ids: Vec<String>,
    truth: Truth,
    /// Per rule: the cross-padrón pairs its token joins.
    pairs: Vec<BTreeSet<Pair>>,
}

fn run(persons: u32, seed: u64, rules: &[TokenRule]) -> Run {
    let cfg = SynthConfig {
        persons,
        seed,
        padrones: 2,
        ..SynthConfig::default()
    };
    let synth = generate_parallel(&cfg).expect("synthetic config");
    let key = Key::from_bytes([0x5a; 32]);
    let enc = AgencyEncoder::new(
        &key,
        Algorithm::HmacSha256,
        rules.to_vec(),
        Schema::padron(),
        ParseOptions::default(),
    )
    .expect("encoder");
    let mut truth = Truth::new();
    for r in synth.records() {
        truth
            .push(
                &r.record_id,
                &r.padron.to_string(),
                &r.person_id.to_string(),
            )
            .expect("unique ids");
    }
    let mut ids = Vec::new();
    // Per rule, per token: the records of each padrón that carry it.
    let mut index: Vec<BTreeMap<Token, [Vec<u32>; 2]>> = vec![BTreeMap::new(); rules.len()];
    let mut scratch = enc.scratch();
    for k in 0..2 {
        let mut csv = Vec::new();
        synth.write_padron(k, &mut csv).expect("write");
        let reader = PadronReader::new(&csv[..], ReadOptions::default()).expect("header");
        for item in reader {
            let Item::Row(row) = item.expect("read") else {
                continue;
            };
            let person = Person::from_row(&row);
            enc.encode(&person, &mut scratch).expect("encode");
            let n = ids.len() as u32;
            ids.push(row.record_id.clone());
            for (i, t) in scratch.tokens().iter().enumerate() {
                if let Some(t) = t {
                    index[i].entry(*t).or_default()[k].push(n);
                }
            }
        }
    }
    let pairs = index
        .iter()
        .map(|m| {
            let mut set = BTreeSet::new();
            for [a, b] in m.values() {
                for &x in a {
                    for &y in b {
                        set.insert((x.min(y), x.max(y)));
                    }
                }
            }
            set
        })
        .collect();
    Run { ids, truth, pairs }
}

#[derive(Default, Clone, Copy)]
struct Counts {
    tp: u64,
    fp: u64,
    true_pairs: u64,
}

impl Counts {
    fn add(&mut self, run: &Run, pairs: &BTreeSet<Pair>) {
        let named = pairs
            .iter()
            .map(|&(a, b)| (&run.ids[a as usize], &run.ids[b as usize]));
        let r = Evaluator::new(&run.truth, Mode::Linkage)
            .matches(named)
            .report();
        self.tp += r.pairs.true_positives;
        self.fp += r.pairs.false_positives;
        self.true_pairs += r.true_pairs;
    }

    fn pr(&self) -> (f64, f64) {
        let p = self.tp as f64 / (self.tp + self.fp).max(1) as f64;
        let r = self.tp as f64 / self.true_pairs.max(1) as f64;
        (p, r)
    }

    fn f1(&self) -> f64 {
        let (p, r) = self.pr();
        if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        }
    }

    fn row(&self, label: &str) -> String {
        let (p, r) = self.pr();
        let f = self.f1();
        format!(
            "| {label} | {} | {} | {} | {p:.4} | {r:.4} | {f:.4} |",
            self.tp,
            self.fp,
            self.true_pairs - self.tp
        )
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let persons: u32 = args.next().map_or(20_000, |a| a.parse().expect("PERSONS"));
    let mut seeds: Vec<u64> = args.map(|a| a.parse().expect("SEED")).collect();
    if seeds.is_empty() {
        seeds = vec![1, 2];
    }
    let rules = predefined_rules();
    let names: Vec<&str> = rules.iter().map(TokenRule::name).collect();
    let runs: Vec<Run> = seeds.iter().map(|&s| run(persons, s, &rules)).collect();
    println!(
        "{persons} persons, 2 padrones, default corruption, seeds {seeds:?}; cross-padrón pairs only\n"
    );
    println!("| rule(s) | TP | FP | FN | precision | recall | F1 |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (i, name) in names.iter().enumerate() {
        let mut c = Counts::default();
        for run in &runs {
            c.add(run, &run.pairs[i]);
        }
        println!("{}", c.row(&format!("`{name}`")));
    }
    // Greedy forward selection: start from the empty set and add, at each
    // step, the rule whose union gains the most F1 (ties: fewer FP).
    println!("\nGreedy union (each row adds one rule to the rows above):\n");
    println!("| + rule | TP | FP | FN | precision | recall | F1 | ΔTP | ΔFP |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut chosen: Vec<usize> = Vec::new();
    let mut unions: Vec<BTreeSet<Pair>> = vec![BTreeSet::new(); runs.len()];
    let mut last = Counts::default();
    while chosen.len() < names.len() {
        let mut best: Option<(usize, Counts, f64)> = None;
        for i in (0..names.len()).filter(|i| !chosen.contains(i)) {
            let mut c = Counts::default();
            for (run, u) in runs.iter().zip(&unions) {
                let mut all = u.clone();
                all.extend(run.pairs[i].iter().copied());
                c.add(run, &all);
            }
            let f = c.f1();
            if best
                .as_ref()
                .is_none_or(|b| f > b.2 || (f == b.2 && c.fp < b.1.fp))
            {
                best = Some((i, c, f));
            }
        }
        let Some((i, c, _)) = best else { break };
        chosen.push(i);
        for (run, u) in runs.iter().zip(unions.iter_mut()) {
            u.extend(run.pairs[i].iter().copied());
        }
        println!(
            "{} {} | {} |",
            c.row(&format!("`{}`", names[i])),
            c.tp as i64 - last.tp as i64,
            c.fp as i64 - last.fp as i64
        );
        last = c;
    }
}
