//! The rates realised on 10,000 persons are within tolerance of the
//! configuration (binomial: 5 standard deviations plus one record).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use padron::curp::{Sex, State};
use padron::synth::{generate, Synth, SynthConfig, Tag};

fn synth() -> &'static (SynthConfig, Synth) {
    static S: OnceLock<(SynthConfig, Synth)> = OnceLock::new();
    S.get_or_init(|| {
        let cfg = SynthConfig {
            persons: 10_000,
            seed: 2024,
            ..SynthConfig::default()
        };
        let s = generate(&cfg).unwrap();
        (cfg, s)
    })
}

/// |hits − n·p| ≤ 5·sd + 1.
fn within(hits: u64, n: u64, p: f64) -> bool {
    let mean = n as f64 * p;
    let sd = (n as f64 * p * (1.0 - p)).sqrt();
    (hits as f64 - mean).abs() <= 5.0 * sd + 1.0
}

fn rate_of(cfg: &SynthConfig, tag: Tag) -> Option<f64> {
    let c = &cfg.corruption;
    let name = tag.name();
    c.entries().iter().find(|e| e.0 == name).map(|e| e.1)
}

#[test]
fn corruption_rates_match_configuration() {
    let (cfg, s) = synth();
    let stats = s.stats();
    for &tag in Tag::ALL {
        let n = stats.eligible(tag);
        let a = stats.applied(tag);
        assert!(n > 0, "{}: no eligible record", tag.name());
        match tag {
            Tag::GivenAbbreviated => {
                // MARÍA at 0.20 and JOSÉ at 0.07, mixed.
                let lo = cfg.corruption.jose_abbreviated;
                let hi = cfg.corruption.maria_abbreviated;
                let r = a as f64 / n as f64;
                assert!(lo < r && r < hi, "given_abbreviated {r}");
            }
            Tag::KeyboardTypo => {
                // A swap of two equal letters or at the end changes nothing
                // and is not recorded: allow up to 20 % fewer.
                let p = rate_of(cfg, tag).unwrap();
                assert!(
                    within(a, n, p) || (a as f64) > 0.8 * n as f64 * p && (a as f64) < n as f64 * p,
                    "keyboard_typo {a} of {n}"
                );
            }
            _ => {
                let p = rate_of(cfg, tag).unwrap();
                assert!(within(a, n, p), "{}: {a} of {n} for rate {p}", tag.name());
            }
        }
    }
    // The CURP columns: missing is a share of all records.
    let records = s.records().count() as u64;
    assert_eq!(stats.eligible(Tag::CurpMissing), records);
}

#[test]
fn tags_on_records_agree_with_stats() {
    let (_, s) = synth();
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    for r in s.records() {
        for t in r.tags.iter() {
            *counts.entry(t.name()).or_insert(0) += 1;
        }
    }
    for &tag in Tag::ALL {
        assert_eq!(
            counts.get(tag.name()).copied().unwrap_or(0),
            s.stats().applied(tag),
            "{}",
            tag.name()
        );
    }
}

#[test]
fn overlap_and_duplicates_match_configuration() {
    let (cfg, s) = synth();
    let n = cfg.persons as usize;
    // entries[person][padrón] = number of records.
    let mut entries = vec![[0u64; 2]; n + 1];
    for r in s.records() {
        entries[r.person_id as usize][usize::from(r.padron)] += 1;
    }
    let persons = &entries[1..];
    assert!(
        persons.iter().all(|e| e[0] + e[1] > 0),
        "every person appears"
    );
    let both = persons.iter().filter(|e| e[0] > 0 && e[1] > 0).count() as u64;
    assert!(within(both, n as u64, cfg.overlap), "overlap {both}");
    let present: Vec<u64> = persons
        .iter()
        .flatten()
        .copied()
        .filter(|&c| c > 0)
        .collect();
    let duplicated = present.iter().filter(|&&c| c > 1).count() as u64;
    assert!(
        within(duplicated, present.len() as u64, cfg.dup_rate),
        "dups {duplicated}"
    );
}

#[test]
fn population_shares_match_configuration() {
    let (cfg, s) = synth();
    let p = s.persons();
    let n = p.len() as u64;
    let women = p.iter().filter(|x| x.sex == Sex::Mujer).count() as u64;
    assert!(within(women, n, cfg.population.female_share));
    let abroad = p.iter().filter(|x| x.birth_state == State::Ne).count() as u64;
    assert!(within(abroad, n, cfg.population.born_abroad));
    let single = p
        .iter()
        .filter(|x| x.second_surname.is_empty() && x.homonym_of.is_none())
        .count() as u64;
    let not_homonym = p.iter().filter(|x| x.homonym_of.is_none()).count() as u64;
    assert!(within(single, not_homonym, cfg.population.single_surname));
    let homonyms = p.iter().filter(|x| x.homonym_of.is_some()).count() as u64;
    assert!(
        within(homonyms, n - 1, cfg.population.homonyms),
        "{homonyms}"
    );
    // Ages 0–100 on as_of.
    for x in p {
        let age = cfg.as_of.year() - x.birth_date.year();
        assert!(age <= 101 && x.birth_date <= cfg.as_of);
    }
    // Surname tail: 3 % of draws go to names absent from surnames_mx.tsv.
    let table: std::collections::HashSet<&str> = include_str!("../data/surnames_mx.tsv")
        .lines()
        .filter_map(|l| l.split('\t').next())
        .collect();
    let originals: Vec<_> = p.iter().filter(|x| x.homonym_of.is_none()).collect();
    let tail = originals
        .iter()
        .filter(|x| !table.contains(x.first_surname.as_str()))
        .count() as u64;
    assert!(
        within(tail, originals.len() as u64, cfg.population.surname_tail),
        "{tail}"
    );
    // Compound given names and surnames occur, and so do accents.
    assert!(p.iter().any(|x| x.given_names.starts_with("MARÍA ")));
    assert!(p.iter().any(|x| x.first_surname.starts_with("DE LA ")));
    assert!(p.iter().any(|x| x.first_surname.contains('Ñ')));
}
