//! RENAPO homonyms through the real pipeline (synth → reader → encoder →
//! linker): two persons with the same names, birth date, sex and state,
//! told apart only by the CURP differentiator, must not be merged; the
//! `token:curp_root` veto is what keeps them apart.

use padron::curp::ParseOptions;
use padron::encode::{AgencyEncoder, Person};
use padron::encodings::EncodedPadron;
use padron::io::{Column, Item, PadronReader, ReadOptions};
use padron::link::{
    recommended_comparisons, EmConfig, EncodedInput, LinkConfig, Linker, NoProgress,
};
use padron::pseudo::Key;
use padron::synth::{generate, SynthConfig};
use std::collections::HashMap;

/// Padrón 1 of a synthetic population, encoded, with each row's CURP.
fn encoded_padron(persons: u32, seed: u64) -> (EncodedPadron, Vec<Option<String>>) {
    let synth = generate(&SynthConfig {
        persons,
        seed,
        padrones: 1,
        ..SynthConfig::default()
    })
    .unwrap();
    let mut csv = Vec::new();
    synth.write_padron(0, &mut csv).unwrap();
    let key = Key::from_bytes([0x42; 32]);
    let enc = AgencyEncoder::padron(&key, ParseOptions::default()).unwrap();
    let mut out = EncodedPadron::new(enc.header(&key, None));
    let mut scratch = enc.scratch();
    let mut curps = Vec::new();
    for item in PadronReader::new(&csv[..], ReadOptions::default()).unwrap() {
        if let Item::Row(row) = item.unwrap() {
            enc.encode(&Person::from_row(&row), &mut scratch).unwrap();
            out.push(&row.record_id, scratch.tokens(), scratch.filters())
                .unwrap();
            curps.push(row.get(Column::Curp).map(str::to_string));
        }
    }
    (out, curps)
}

/// Pairs of records in one cluster whose CURPs are both well formed and
/// share the root but not the differentiator, and pairs with equal CURPs.
fn clustered(cluster_ids: &[u32], curps: &[Option<String>]) -> (usize, usize) {
    let mut by_cluster: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, &c) in cluster_ids.iter().enumerate() {
        by_cluster.entry(c).or_default().push(i);
    }
    let (mut homonyms, mut same) = (0, 0);
    for members in by_cluster.values() {
        for (x, &i) in members.iter().enumerate() {
            for &j in &members[x + 1..] {
                let (Some(a), Some(b)) = (&curps[i], &curps[j]) else {
                    continue;
                };
                let valid =
                    |c: &str| padron::curp::Curp::parse(c, &ParseOptions::default()).is_ok();
                if a == b {
                    same += 1;
                } else if valid(a) && valid(b) && a[..16] == b[..16] {
                    homonyms += 1;
                }
            }
        }
    }
    (homonyms, same)
}

#[test]
fn homonyms_are_kept_apart_by_the_curp_root_veto() {
    let (padron, curps) = encoded_padron(12_000, 5);
    let input = EncodedInput::new(&padron);
    let config = |veto: bool| {
        let mut comparisons = recommended_comparisons(padron.header());
        let curp = &mut comparisons[0];
        assert_eq!(curp.veto.as_deref(), Some("token:curp_root"));
        if !veto {
            curp.veto = None;
        }
        LinkConfig {
            comparisons: Some(comparisons),
            em: EmConfig {
                random_pairs: 200_000,
                ..EmConfig::default()
            },
            ..LinkConfig::default()
        }
    };
    let run = |veto| {
        let out = Linker::new(config(veto))
            .unwrap()
            .dedupe(&input, &NoProgress)
            .unwrap();
        (
            clustered(out.cluster_ids(0), &curps),
            out.stats.vetoed_pairs,
        )
    };
    let ((homonyms_without, same_without), vetoed_without) = run(false);
    let ((homonyms_with, same_with), vetoed_with) = run(true);
    // The run reports the pairs it kept apart.
    assert_eq!(vetoed_without, 0);
    assert!(vetoed_with >= homonyms_without as u64 / 2, "{vetoed_with}");
    // The data has homonyms, and a fitted model merges them…
    assert!(
        homonyms_without > 0,
        "no homonym was merged without the veto"
    );
    // … the veto keeps every one apart, and duplicates with one CURP still merge.
    assert_eq!(homonyms_with, 0);
    assert!(same_with > 0 && same_with + 2 >= same_without);
}
