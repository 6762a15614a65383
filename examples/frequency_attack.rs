//! A frequency-alignment attack on per-field Bloom filters, run against our
//! own encodings: how many records would a linkage unit re-identify from a
//! name filter if it knew the national name frequencies?
//!
//! cargo run --release --example frequency_attack -- [PERSONS] [SEED]
//!
//! Data: a synthetic padrón (`synth`, names drawn from the national
//! frequency tables), read and encoded exactly as `padron encode` does,
//! under four hardenings of the per-field name filters (none, XOR-fold,
//! salt with the birth year, both: the default).
//!
//! Attack: equal filters are equal values, so the filters of one field
//! fall into classes; the attacker ranks the classes by size and gives the
//! k-th largest the k-th most frequent name of the national distribution
//! (see [`ranking`]). A record is re-identified when its class got its own
//! name. This is the weakest of the known attacks (no bit-pattern mining,
//! no per-year tables), so its numbers are a floor on what leaks, not a
//! ceiling: they show what frequencies alone give away, which is why a
//! filter of one low-entropy value never leaves unsalted.

use padron::bloom::Schema;
use padron::curp::ParseOptions;
use padron::encode::{AgencyEncoder, Person};
use padron::io::{Item, PadronReader, ReadOptions};
use padron::pseudo::{default_rules, Algorithm, Key};
use padron::synth::{generate, SynthConfig};
use std::collections::HashMap;

/// The attacker's knowledge: the national distribution of names, here the
/// empirical one of an independent synthetic population drawn from the same
/// tables (another seed), most frequent first. That is a strong attacker:
/// the shipped tables alone mix adult and 2020-birth frequencies that no
/// padrón's age structure matches.
fn ranking<'a>(values: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut counts: HashMap<&str, u64> = HashMap::new();
    for v in values {
        *counts.entry(v).or_default() += 1;
    }
    let mut v: Vec<(&str, u64)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    v.into_iter().map(|(n, _)| n.to_string()).collect()
}

struct Rec {
    row: padron::io::Row,
    given: Option<String>,
    surnames: [Option<String>; 2],
}

fn rows(persons: u32, seed: u64) -> Vec<Rec> {
    let synth = generate(&SynthConfig {
        persons,
        seed,
        padrones: 1,
        ..SynthConfig::default()
    })
    .expect("synth");
    let mut csv = Vec::new();
    synth.write_padron(0, &mut csv).expect("csv");
    let mut out = Vec::new();
    for item in PadronReader::new(&csv[..], ReadOptions::default()).expect("reader") {
        let Item::Row(row) = item.expect("read") else {
            continue;
        };
        let p = Person::from_row(&row);
        let parsed = padron::name::normalize(
            p.given_names.unwrap_or(""),
            p.first_surname.unwrap_or(""),
            p.second_surname.unwrap_or(""),
        );
        let given = parsed.given().map(|g| g.as_match().to_string());
        let surnames = [
            parsed.paternal().map(|s| s.full().to_string()),
            parsed.maternal().map(|s| s.full().to_string()),
        ];
        out.push(Rec {
            row,
            given,
            surnames,
        });
    }
    out
}

/// Share of values re-identified by aligning class sizes with the ranking.
/// `values[i]` is (filter words, true value) of one filled field.
fn align(values: &[(Vec<u64>, String)], ranking: &[String]) -> (f64, usize) {
    let mut classes: HashMap<&[u64], Vec<&str>> = HashMap::new();
    for (f, v) in values {
        classes.entry(f.as_slice()).or_default().push(v);
    }
    let mut by_size: Vec<(&[u64], Vec<&str>)> = classes.into_iter().collect();
    by_size.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(b.0)));
    let mut hit = 0usize;
    for ((_, members), guess) in by_size.iter().zip(ranking) {
        hit += members.iter().filter(|m| **m == guess.as_str()).count();
    }
    (hit as f64 / values.len().max(1) as f64, by_size.len())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let persons: u32 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(50_000);
    let seed: u64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(1);
    let data = rows(persons, seed);
    let public = rows(persons, seed.wrapping_add(1000));
    let given_rank = ranking(public.iter().filter_map(|r| r.given.as_deref()));
    let surname_rank = ranking(
        public
            .iter()
            .flat_map(|r| r.surnames.iter().filter_map(|s| s.as_deref())),
    );
    let key = Key::from_bytes([0x5e; 32]);
    type Variant = (&'static str, fn(&mut Schema));
    let variants: [Variant; 4] = [
        ("no hardening", |s| {
            for f in &mut s.fields {
                if let Some(filter) = &mut f.filter {
                    filter.hardening.salt = None;
                    filter.hardening.fold = 0;
                }
            }
        }),
        ("XOR-fold only", |s| {
            for f in &mut s.fields {
                if let Some(filter) = &mut f.filter {
                    filter.hardening.salt = None;
                }
            }
        }),
        ("salt (birth year) only", |s| {
            for f in &mut s.fields {
                if let Some(filter) = &mut f.filter {
                    if filter.hardening.salt.is_some() {
                        filter.hardening.fold = 0;
                    }
                }
            }
        }),
        ("salt + fold (default)", |_| {}),
    ];
    println!(
        "frequency alignment on {} records ({persons} persons, seed {seed})",
        data.len()
    );
    println!(
        "{:<24} {:>22} {:>22}",
        "name filters", "given names re-id", "surnames re-id"
    );
    for (label, edit) in variants {
        let mut schema = Schema::padron();
        edit(&mut schema);
        let layout = padron::bloom::FilterLayout::of(&schema);
        let slot = |col: &str| {
            layout
                .fields
                .iter()
                .find(|f| f.column == col)
                .map(|f| f.slot)
                .expect("column in schema")
        };
        let (sg, s1, s2) = (
            slot("nombre"),
            slot("primer_apellido"),
            slot("segundo_apellido"),
        );
        let enc = AgencyEncoder::new(
            &key,
            Algorithm::HmacSha256,
            default_rules(),
            schema,
            ParseOptions::default(),
        )
        .expect("encoder");
        let mut scratch = enc.scratch();
        let (mut given, mut surnames) = (Vec::new(), Vec::new());
        for r in &data {
            enc.encode(&Person::from_row(&r.row), &mut scratch)
                .expect("encode");
            let w = scratch.filters();
            let cut = |s: padron::bloom::Slot| w[s.offset..s.offset + s.words].to_vec();
            if let Some(g) = &r.given {
                given.push((cut(sg), g.clone()));
            }
            // The two surname filters share one key group: pooled.
            for (s, v) in [s1, s2].into_iter().zip(&r.surnames) {
                if let Some(v) = v {
                    surnames.push((cut(s), v.clone()));
                }
            }
        }
        let (g, gc) = align(&given, &given_rank);
        let (s, sc) = align(&surnames, &surname_rank);
        println!(
            "{label:<24} {:>9.1} % ({gc:>6} cl.) {:>9.1} % ({sc:>6} cl.)",
            100.0 * g,
            100.0 * s
        );
    }
}
