//! Naive all-pairs reference linker: the oracle for `padron::link`.
//!
//! It scores every pair with its own Dice (bits counted one by one), its own crosswise
//! assignment (groups of at most two fields: straight or swapped) and its
//! own level rules read from the `ComparisonDef`s, then applies a fitted
//! model's per-level weights and threshold. Nothing here calls the engine's
//! comparison code.
#![allow(dead_code)]

use padron::link::{ComparisonDef, FittedModel, InputSchema, LinkInput};

/// Set bits of a word, by clearing the lowest one until none is left
/// (deliberately not `count_ones`).
fn bits_set(mut x: u64) -> u32 {
    let mut n = 0;
    while x != 0 {
        x &= x - 1;
        n += 1;
    }
    n
}

/// (common bits, total bits) of two filters, or None if either is missing.
fn naive_sim(a: Option<&[u64]>, b: Option<&[u64]>) -> Option<(u32, u32)> {
    let (a, b) = (a?, b?);
    let ca: u32 = a.iter().map(|&w| bits_set(w)).sum();
    let cb: u32 = b.iter().map(|&w| bits_set(w)).sum();
    let both: u32 = (0..a.len().min(b.len()))
        .map(|k| bits_set(a[k] & b[k]))
        .sum();
    if ca == 0 || cb == 0 {
        None
    } else {
        Some((both, ca + cb))
    }
}

fn dice(s: Option<(u32, u32)>) -> f64 {
    s.map_or(0.0, |(c, t)| 2.0 * f64::from(c) / f64::from(t))
}

/// Levels of every comparison for records `i` of `x` and `j` of `y`.
pub fn naive_levels<I: LinkInput>(
    schema: &InputSchema,
    defs: &[ComparisonDef],
    x: &I,
    i: usize,
    y: &I,
    j: usize,
) -> Vec<Option<u8>> {
    // Field similarity after crosswise assignment, per schema field.
    let nf = schema.fields.len();
    let mut sim: Vec<Option<(u32, u32)>> = (0..nf)
        .map(|f| naive_sim(x.field_filter(i, f), y.field_filter(j, f)))
        .collect();
    let used: Vec<usize> = defs
        .iter()
        .filter_map(|d| d.field.as_ref().and_then(|n| schema.field_index(n)))
        .collect();
    let mut groups: std::collections::BTreeMap<u32, Vec<usize>> = Default::default();
    for &f in &used {
        if let Some(g) = schema.fields[f].group {
            groups.entry(g).or_default().push(f);
        }
    }
    // Per schema field of a group: whether its group was crossed (None:
    // no pair of the group's fields present on both sides).
    let mut order: Vec<Option<bool>> = vec![None; nf];
    for members in groups.values_mut() {
        members.sort();
        members.dedup();
        assert!(members.len() <= 2, "oracle handles groups of two");
        if let [f, g] = members[..] {
            let straight = [sim[f], sim[g]];
            let crossed = [
                naive_sim(x.field_filter(i, f), y.field_filter(j, g)),
                naive_sim(x.field_filter(i, g), y.field_filter(j, f)),
            ];
            let swap = dice(crossed[0]) + dice(crossed[1]) > dice(straight[0]) + dice(straight[1]);
            if swap {
                sim[f] = crossed[0];
                sim[g] = crossed[1];
            }
            let any = straight.iter().chain(&crossed).any(|s| s.is_some());
            let o = any.then_some(swap);
            order[f] = o;
            order[g] = o;
        }
    }
    defs.iter()
        .map(|d| {
            if let Some(field) = &d.order_of {
                let f = schema.field_index(field).unwrap();
                return order[f].map(u8::from);
            }
            // Token levels: the first rule (strongest first) whose tokens
            // are equal on both sides.
            let rules: Vec<usize> = d
                .token
                .iter()
                .chain(&d.weaker_tokens)
                .map(|r| schema.rule_index(r).unwrap())
                .collect();
            let mut any_pair = false;
            for (k, &r) in rules.iter().enumerate() {
                let (ta, tb) = (x.token(i, r), y.token(j, r));
                if ta.is_some() && tb.is_some() {
                    any_pair = true;
                    if ta == tb {
                        return Some(k as u8);
                    }
                }
            }
            let base = rules.len() as u8;
            if d.field.is_none() {
                return if any_pair { Some(base) } else { None };
            }
            let f = schema.field_index(d.field.as_ref().unwrap()).unwrap();
            let (c, t) = sim[f]?;
            if 2 * c == t {
                return Some(base);
            }
            let dv = 2.0 * f64::from(c);
            for (k, b) in d.bands.iter().enumerate() {
                if dv >= b * f64::from(t) {
                    return Some(base + 1 + k as u8);
                }
            }
            Some(base + 1 + d.bands.len() as u8)
        })
        .collect()
}

/// Weight of a level vector under `model` (sum in comparison order).
pub fn naive_weight(model: &FittedModel, levels: &[Option<u8>]) -> f64 {
    let mut w = 0.0;
    for (c, l) in levels.iter().enumerate() {
        if let Some(l) = l {
            w += model.comparisons[c].levels[*l as usize].weight;
        }
    }
    w
}

/// Every cross pair (i of a, j of b) with weight >= the model threshold.
pub fn naive_link<I: LinkInput>(model: &FittedModel, a: &I, b: &I) -> Vec<(u32, u32, f64)> {
    let schema = a.schema();
    let mut out = Vec::new();
    for i in 0..a.len() {
        for j in 0..b.len() {
            let l = naive_levels(&schema, &model.definitions, a, i, b, j);
            let w = naive_weight(model, &l);
            if w >= model.threshold.weight {
                out.push((i as u32, j as u32, w));
            }
        }
    }
    out
}

/// Every pair i < j of one input with weight >= the model threshold.
pub fn naive_dedupe<I: LinkInput>(model: &FittedModel, a: &I) -> Vec<(u32, u32, f64)> {
    let schema = a.schema();
    let mut out = Vec::new();
    for i in 0..a.len() {
        for j in i + 1..a.len() {
            let l = naive_levels(&schema, &model.definitions, a, i, a, j);
            let w = naive_weight(model, &l);
            if w >= model.threshold.weight {
                out.push((i as u32, j as u32, w));
            }
        }
    }
    out
}
