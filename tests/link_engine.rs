//! `padron::link` against the naive all-pairs oracle, across thread counts,
//! and on synthetic encoded padrones with known truth.

#[path = "support/encoded.rs"]
mod encoded;
#[path = "reference/link.rs"]
mod reference;

use encoded::{dedupe_data, pair_data, prf, Corruption};
use padron::link::{
    BlockingConfig, ComparisonDef, FieldSpec, InputSchema, LinkConfig, LinkError, LinkInput,
    Linker, LshConfig, MemInput, NoProgress, RecordRef, Threshold,
};

fn pairs_of(l: &padron::link::Linkage) -> Vec<(u32, u32)> {
    l.matches.iter().map(|m| (m.a.index, m.b.index)).collect()
}

/// Defaults, with fewer random pairs (debug builds are slow).
fn cfg() -> LinkConfig {
    LinkConfig {
        em: padron::link::EmConfig {
            random_pairs: 100_000,
            ..Default::default()
        },
        ..LinkConfig::default()
    }
}

fn exhaustive() -> LinkConfig {
    LinkConfig {
        blocking: BlockingConfig {
            exhaustive: true,
            ..BlockingConfig::default()
        },
        ..cfg()
    }
}

#[test]
fn exhaustive_linkage_equals_oracle() {
    let d = pair_data(150, 0.5, 0.1, &Corruption::default(), 1);
    let linker = Linker::new(exhaustive()).unwrap();
    let out = linker.link(&d.a, &d.b, &NoProgress).unwrap();
    assert_eq!(
        out.stats.blocking.candidates,
        (d.a.len() * d.b.len()) as u64
    );
    let oracle = reference::naive_link(&out.model, &d.a, &d.b);
    let fast: Vec<(u32, u32, f64)> = out
        .matches
        .iter()
        .map(|m| (m.a.index, m.b.index, m.weight))
        .collect();
    assert!(!fast.is_empty());
    assert_eq!(fast, oracle);
}

#[test]
fn blocked_linkage_scores_like_oracle_and_finds_its_matches() {
    // Light corruption: every true pair shares a token or is found by LSH;
    // the oracle's matches must all be found and scored identically.
    let c = Corruption {
        drop_curp: 0.0,
        curp_differs: 0.0,
        ..Corruption::default()
    };
    let d = pair_data(300, 0.5, 0.1, &c, 2);
    let linker = Linker::new(cfg()).unwrap();
    let out = linker.link(&d.a, &d.b, &NoProgress).unwrap();
    let oracle = reference::naive_link(&out.model, &d.a, &d.b);
    let fast: Vec<(u32, u32, f64)> = out
        .matches
        .iter()
        .map(|m| (m.a.index, m.b.index, m.weight))
        .collect();
    // Every pair the engine outputs is scored as the oracle scores it.
    for &(i, j, w) in &fast {
        let l = reference::naive_levels(
            &encoded::schema(),
            &out.model.definitions,
            &d.a,
            i as usize,
            &d.b,
            j as usize,
        );
        assert_eq!(w, reference::naive_weight(&out.model, &l), "pair {i},{j}");
    }
    assert_eq!(fast, oracle);
    assert!(out.stats.blocking.reduction_ratio > 0.9);
}

#[test]
fn exhaustive_dedupe_matches_equal_oracle() {
    let (input, _) = dedupe_data(200, 0.15, &Corruption::default(), 3);
    let linker = Linker::new(exhaustive()).unwrap();
    let out = linker.dedupe(&input, &NoProgress).unwrap();
    let oracle = reference::naive_dedupe(&out.model, &input);
    let fast: Vec<(u32, u32, f64)> = out
        .matches
        .iter()
        .map(|m| (m.a.index, m.b.index, m.weight))
        .collect();
    assert!(!fast.is_empty());
    assert_eq!(fast, oracle);
}

fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(f)
}

#[test]
fn output_identical_across_thread_counts() {
    let d = pair_data(600, 0.6, 0.08, &Corruption::default(), 4);
    let config = LinkConfig {
        em: padron::link::EmConfig {
            random_pairs: 20_000,
            ..Default::default()
        },
        blocking: BlockingConfig {
            lsh: Some(LshConfig {
                bits_per_band: 12,
                ..LshConfig::default()
            }),
            ..BlockingConfig::default()
        },
        ..cfg()
    };
    let linker = Linker::new(config).unwrap();
    let run = |t| {
        in_pool(t, || {
            let l = linker.link(&d.a, &d.b, &NoProgress).unwrap();
            let c = linker.dedupe(&d.a, &NoProgress).unwrap();
            let m = linker.cluster(&[&d.a, &d.b], &NoProgress).unwrap();
            (
                l.matches,
                l.model,
                l.stats,
                c.cluster_ids(0).to_vec(),
                c.model,
                m.cluster_ids(0).to_vec(),
                m.cluster_ids(1).to_vec(),
                m.stats,
            )
        })
    };
    let one = run(1);
    let two = run(2);
    assert!(!one.0.is_empty());
    assert_eq!(one.0, two.0);
    assert_eq!(one.1, two.1);
    assert_eq!(one.2, two.2);
    assert_eq!(one.3, two.3);
    assert_eq!(one.4, two.4);
    assert_eq!(one.5, two.5);
    assert_eq!(one.6, two.6);
    assert_eq!(one.7, two.7);
}

#[test]
fn synthetic_linkage_is_accurate_without_a_hand_threshold() {
    let d = pair_data(2_500, 0.5, 0.05, &Corruption::default(), 5);
    let linker = Linker::new(cfg()).unwrap();
    let out = linker.link(&d.a, &d.b, &NoProgress).unwrap();
    let (p, r, f) = prf(&pairs_of(&out), &d.truth());
    assert!(p > 0.98 && r > 0.95 && f > 0.97, "p {p} r {r} f {f}");
    assert!(out.model.converged);
    // The model's own precision estimate is met (the threshold targets it).
    assert!(out.model.threshold.estimated_precision >= 0.995);
}

#[test]
fn one_to_one_uses_each_record_once() {
    let d = pair_data(1_000, 0.5, 0.2, &Corruption::default(), 6);
    let config = LinkConfig {
        one_to_one: true,
        ..cfg()
    };
    let out = Linker::new(config)
        .unwrap()
        .link(&d.a, &d.b, &NoProgress)
        .unwrap();
    let all = Linker::new(cfg())
        .unwrap()
        .link(&d.a, &d.b, &NoProgress)
        .unwrap();
    let mut a: Vec<u32> = out.matches.iter().map(|m| m.a.index).collect();
    let mut b: Vec<u32> = out.matches.iter().map(|m| m.b.index).collect();
    let n = a.len();
    a.sort_unstable();
    a.dedup();
    b.sort_unstable();
    b.dedup();
    assert_eq!(a.len(), n);
    assert_eq!(b.len(), n);
    // With 20 % duplicates, 1:1 must drop some of the true many-to-one pairs.
    assert!(n < all.matches.len());
    // Sorted output.
    assert!(out
        .matches
        .windows(2)
        .all(|w| (w[0].a, w[0].b) < (w[1].a, w[1].b)));
}

#[test]
fn dedupe_clusters_recover_persons() {
    let (input, person) = dedupe_data(3_000, 0.15, &Corruption::default(), 7);
    let out = Linker::new(cfg())
        .unwrap()
        .dedupe(&input, &NoProgress)
        .unwrap();
    let ids = out.cluster_ids(0);
    assert_eq!(ids.len(), person.len());
    // Pairwise precision/recall of "same cluster" vs "same person".
    let mut found = Vec::new();
    let mut truth = Vec::new();
    let n = person.len();
    let mut by_cluster: std::collections::BTreeMap<u32, Vec<u32>> = Default::default();
    let mut by_person: std::collections::BTreeMap<u32, Vec<u32>> = Default::default();
    for i in 0..n {
        by_cluster.entry(ids[i]).or_default().push(i as u32);
        by_person.entry(person[i]).or_default().push(i as u32);
    }
    for (groups, out) in [(&by_cluster, &mut found), (&by_person, &mut truth)] {
        for v in groups.values() {
            for x in 0..v.len() {
                for y in x + 1..v.len() {
                    out.push((v[x], v[y]));
                }
            }
        }
        out.sort_unstable();
    }
    let (p, r, f) = prf(&found, &truth);
    assert!(f > 0.95, "p {p} r {r} f {f}");
    // Ids are dense and numbered in order of first record.
    assert_eq!(ids[0], 0);
    let mut next = 0;
    for &c in ids {
        assert!(c <= next);
        if c == next {
            next += 1;
        }
    }
    assert_eq!(next as usize, out.len());
    assert_eq!(out.cluster_of(RecordRef { input: 0, index: 0 }), Some(0));
    assert_eq!(out.cluster_of(RecordRef { input: 1, index: 0 }), None);
}

fn tiny_schema(fp: &[u8]) -> InputSchema {
    InputSchema {
        token_rules: vec!["t".into()],
        fields: vec![FieldSpec::new("f")],
        key_fingerprint: fp.to_vec(),
    }
}

#[test]
fn mismatched_inputs_are_refused() {
    let a = MemInput::new(tiny_schema(b"k1"), 1, 1);
    let b = MemInput::new(tiny_schema(b"k2"), 1, 1);
    let linker = Linker::new(cfg()).unwrap();
    assert_eq!(
        linker.link(&a, &b, &NoProgress).unwrap_err(),
        LinkError::KeyMismatch { input: 1 }
    );
    let mut s = tiny_schema(b"k1");
    s.fields.push(FieldSpec::new("g"));
    let c = MemInput::new(s, 1, 1);
    assert_eq!(
        linker.link(&a, &c, &NoProgress).unwrap_err(),
        LinkError::SchemaMismatch { input: 1 }
    );
    let config = LinkConfig {
        comparisons: Some(vec![ComparisonDef::field("nope")]),
        ..cfg()
    };
    assert!(matches!(
        Linker::new(config).unwrap().link(&a, &a, &NoProgress),
        Err(LinkError::UnknownName { .. })
    ));
    let bad = LinkConfig {
        threshold: Threshold::TargetPrecision(1.0),
        ..cfg()
    };
    assert!(Linker::new(bad).is_err());
}

#[test]
fn empty_inputs_give_empty_output() {
    let a = MemInput::new(tiny_schema(b""), 1, 1);
    let linker = Linker::new(cfg()).unwrap();
    let out = linker.link(&a, &a, &NoProgress).unwrap();
    assert!(out.matches.is_empty());
    assert_eq!(out.stats.blocking.candidates, 0);
    let d = linker.dedupe(&a, &NoProgress).unwrap();
    assert!(d.is_empty());
}

/// Records that all share one token: a block far over the cap.
fn one_big_block(n: usize, sub: bool) -> MemInput {
    let schema = InputSchema {
        token_rules: vec!["all".into(), "sub".into()],
        fields: vec![FieldSpec::new("f")],
        key_fingerprint: Vec::new(),
    };
    let mut m = MemInput::new(schema, 1, 1);
    for i in 0..n {
        // Records 0..90 in 5 sub-blocks of 18; 90..100 without.
        let sub_tok = if sub && i < 90 {
            Some([(i / 18) as u8 + 1; 16])
        } else {
            None
        };
        let w = [1u64 << (i % 64) | 1 << 63];
        m.push(format!("r{i}"), &[Some([9; 16]), sub_tok], &[Some(&w)], &w)
            .unwrap();
    }
    m
}

#[test]
fn oversized_block_is_sub_blocked_or_reported() {
    let config = LinkConfig {
        blocking: BlockingConfig {
            max_block_pairs: 100,
            lsh: None,
            ..BlockingConfig::default()
        },
        ..cfg()
    };
    let linker = Linker::new(config).unwrap();
    // 100 records, one token: 4950 pairs > 100, no usable sub-rule.
    let a = one_big_block(100, false);
    let out = linker.dedupe(&a, &NoProgress).unwrap();
    let b = &out.stats.blocking;
    assert_eq!(b.candidates, 0);
    assert_eq!(b.oversized_blocks, 1);
    assert_eq!(b.oversized_pairs, 4950);
    assert_eq!(b.oversized[0].records, 100);
    // With a sub-rule: 90 records carry one of 5 sub-tokens (18 each:
    // 153 pairs), 10 carry none. Rule "all" sub-blocks by "sub": the 10
    // records without it lose 4950 - C(90,2) = 945 pairs (reported); the 5
    // sub-blocks (153 > 100) stay oversized (reported). Rule "sub" alone
    // finds the same 5 blocks, also oversized ("sub>all").
    let a = one_big_block(100, true);
    let out = linker.dedupe(&a, &NoProgress).unwrap();
    let b = &out.stats.blocking;
    assert_eq!(b.rules[0].sub_blocked, 1);
    assert_eq!(b.candidates, 0);
    assert_eq!(b.oversized_blocks, 11);
    assert_eq!(b.oversized_pairs, 945 + 765 + 765);
    assert_eq!(b.oversized[0].pairs, 945);
    // A cap of 200 lets the sub-blocks through.
    let cap200 = LinkConfig {
        blocking: BlockingConfig {
            max_block_pairs: 200,
            lsh: None,
            ..BlockingConfig::default()
        },
        ..cfg()
    };
    let out2 = Linker::new(cap200)
        .unwrap()
        .dedupe(&a, &NoProgress)
        .unwrap();
    let b2 = &out2.stats.blocking;
    assert_eq!(b2.oversized_pairs, 945);
    assert_eq!(b2.candidates, 765);
    assert_eq!(b2.rules[1].pairs, 765);
}

#[test]
fn swapped_surnames_compare_as_exact() {
    use encoded::{encode, schema, Person, FIELD_WORDS, RECORD_WORDS};
    let p = Person {
        given: "ANA".into(),
        surname1: "LOPEZ".into(),
        surname2: Some("GARCIA".into()),
        birth: "19800101".into(),
        sex: 1,
        state: 9,
        curp: None,
    };
    let mut q = p.clone();
    q.surname1 = "GARCIA".into();
    q.surname2 = Some("LOPEZ".into());
    let mut a = MemInput::new(schema(), FIELD_WORDS, RECORD_WORDS);
    let mut b = MemInput::new(schema(), FIELD_WORDS, RECORD_WORDS);
    encode(&mut a, "a".into(), &p);
    encode(&mut b, "b".into(), &q);
    let config = LinkConfig {
        threshold: Threshold::Weight(-1e6),
        ..exhaustive()
    };
    let out = Linker::new(config)
        .unwrap()
        .link(&a, &b, &NoProgress)
        .unwrap();
    assert_eq!(out.matches.len(), 1);
    let ev = out.model.evidence(
        out.matches
            .first()
            .map(|m| m.pattern)
            .unwrap_or(padron::link::Pattern(0)),
    );
    assert!(ev.contains("surname1=exact"), "{ev}");
    assert!(ev.contains("surname2=exact"), "{ev}");
}

/// Without token rules, pairs that share one field exactly but whose record
/// filters are far apart (LSH cannot see them) are found by joins on the
/// per-field filters; `FilterJoins::Never` shows they come from there.
#[test]
fn filter_joins_find_pairs_lsh_cannot() {
    use encoded::Rng;
    use padron::link::FilterJoins;
    let schema = InputSchema {
        token_rules: Vec::new(),
        fields: vec![FieldSpec::new("x"), FieldSpec::new("y")],
        key_fingerprint: Vec::new(),
    };
    let mut rng = Rng::new(11);
    let mut words = |n: usize| -> Vec<u64> { (0..n).map(|_| rng.next_u64()).collect() };
    let (mut a, mut b) = (
        MemInput::new(schema.clone(), 4, 16),
        MemInput::new(schema, 4, 16),
    );
    let n = 200;
    for i in 0..n {
        let (x, ya, yb) = (words(4), words(4), words(4));
        let (ra, rb) = (words(16), words(16));
        a.push(format!("a{i}"), &[], &[Some(&x), Some(&ya)], &ra)
            .unwrap();
        // Alternate which field survives intact.
        let fields: [Option<&[u64]>; 2] = if i % 2 == 0 {
            [Some(&x), Some(&yb)]
        } else {
            [Some(&yb), Some(&ya)]
        };
        b.push(format!("b{i}"), &[], &fields, &rb).unwrap();
    }
    let with = |joins| {
        let linker = Linker::new(LinkConfig {
            blocking: BlockingConfig {
                filter_joins: joins,
                ..BlockingConfig::default()
            },
            ..cfg()
        })
        .unwrap();
        let (pairs, stats) = linker.link_candidates(&a, &b, &NoProgress).unwrap();
        (pairs, stats)
    };
    let (pairs, stats) = with(FilterJoins::Auto);
    for i in 0..n as u32 {
        assert!(pairs.contains(&(i, i)), "pair {i} missed");
    }
    assert_eq!(pairs.len(), n, "random filters share no other block");
    let names: Vec<&str> = stats.rules.iter().map(|r| r.rule.as_str()).collect();
    assert_eq!(names, ["filter:x", "filter:y"]);
    let (none, _) = with(FilterJoins::Never);
    assert!(
        none.is_empty(),
        "LSH alone pairs random record filters: {}",
        none.len()
    );
}
