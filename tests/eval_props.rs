//! Properties of `eval` on random truths and matchers.

use padron::eval::{Evaluator, Mode, Truth};
use proptest::prelude::*;

/// A truth of `n` records: record i in padrón `padron[i]`, person `person[i]`.
fn truth(assign: &[(u8, u8)]) -> Truth {
    let mut t = Truth::new();
    for (i, (p, e)) in assign.iter().enumerate() {
        t.push(&format!("r{i}"), &p.to_string(), &e.to_string())
            .unwrap();
    }
    t
}

/// (padrón, person) per record, and pairs of record indices.
type Case = (Vec<(u8, u8)>, Vec<(usize, usize)>);

fn arb_case() -> impl Strategy<Value = Case> {
    prop::collection::vec((0u8..3, 0u8..6), 1..25).prop_flat_map(|assign| {
        let n = assign.len();
        let pairs = prop::collection::vec((0..n, 0..n), 0..40);
        (Just(assign), pairs)
    })
}

fn ids(pairs: &[(usize, usize)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|&(a, b)| (format!("r{a}"), format!("r{b}")))
        .collect()
}

fn unit(x: Option<f64>) -> bool {
    x.is_none_or(|v| (0.0..=1.0).contains(&v))
}

proptest! {
    #[test]
    fn counts_add_up((assign, pairs) in arb_case(), dedupe in any::<bool>()) {
        let mode = if dedupe { Mode::Dedupe } else { Mode::Linkage };
        let t = truth(&assign);
        let r = Evaluator::new(&t, mode).matches(ids(&pairs)).report();
        prop_assert_eq!(r.pairs.true_positives + r.pairs.false_negatives, r.true_pairs);
        prop_assert_eq!(r.pairs.true_positives + r.pairs.false_positives, r.input.evaluated);
        let i = &r.input;
        prop_assert_eq!(
            i.pairs_read,
            i.evaluated + i.repeated + i.self_pairs + i.unknown_ids + i.out_of_scope
        );
        prop_assert!(unit(r.pairs.precision) && unit(r.pairs.recall) && unit(r.pairs.f1));
        if let Some(c) = &r.clusters {
            prop_assert!(unit(c.bcubed_precision) && unit(c.bcubed_recall));
            prop_assert!(unit(c.pairwise.precision) && unit(c.pairwise.recall));
            // Closing the declared pairs transitively can only add pairs.
            prop_assert!(c.pairwise.true_positives >= r.pairs.true_positives);
        }
    }

    #[test]
    fn order_and_orientation_do_not_matter((assign, pairs) in arb_case()) {
        let t = truth(&assign);
        let a = Evaluator::new(&t, Mode::Dedupe).matches(ids(&pairs)).report();
        let mut flipped: Vec<(usize, usize)> = pairs.iter().map(|&(x, y)| (y, x)).collect();
        flipped.reverse();
        let b = Evaluator::new(&t, Mode::Dedupe).matches(ids(&flipped)).report();
        prop_assert_eq!(a, b);
    }

    #[test]
    fn declaring_the_truth_is_perfect(assign in prop::collection::vec((0u8..3, 0u8..6), 1..25)) {
        let t = truth(&assign);
        let mut pairs = Vec::new();
        for i in 0..assign.len() {
            for j in i + 1..assign.len() {
                if assign[i].1 == assign[j].1 {
                    pairs.push((i, j));
                }
            }
        }
        let r = Evaluator::new(&t, Mode::Dedupe).matches(ids(&pairs)).report();
        prop_assert_eq!(r.pairs.false_positives + r.pairs.false_negatives, 0);
        let c = r.clusters.unwrap();
        prop_assert_eq!(c.predicted_clusters, c.true_clusters);
        prop_assert_eq!(c.bcubed_precision, Some(1.0));
        prop_assert_eq!(c.bcubed_recall, Some(1.0));
    }
}
