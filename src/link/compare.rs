//! Comparison levels: how a record pair becomes a [`Pattern`] of per-field
//! levels (token equal, Dice bands of per-field Bloom filters, missing).

use std::fmt;

use super::corpus::Corpus;
use super::input::{InputSchema, LinkInput};
use super::LinkError;

/// Most comparisons a configuration may hold (4 bits each in a [`Pattern`]).
pub const MAX_COMPARISONS: usize = 16;
/// Most levels one comparison may have (not counting "missing").
pub const MAX_LEVELS: usize = 15;
const MISSING: u8 = 0xF;
/// Largest crosswise group solved exactly (by trying every assignment);
/// larger groups are assigned greedily.
const EXACT_GROUP: usize = 4;

/// Default Dice bands below "exact" for Bloom comparisons.
pub const DEFAULT_BANDS: [f64; 3] = [0.9, 0.75, 0.6];

/// One comparison of the Fellegi–Sunter model.
///
/// Levels, best first: `token` (when `token` is set and both records carry
/// equal tokens of that rule), then `token:<rule>` for each rule of
/// `weaker_tokens` in order (equal tokens of a weaker rule, e.g. the CURP
/// root when full CURPs differ), then `exact` (identical filters), one
/// level per Dice band (`dice >= bands[k]`), then `else`. A Bloom field
/// missing on either side gives the neutral level "missing" (weight 0). A
/// comparison with tokens and no field has its token levels and `else`
/// (missing when no rule has a token on both sides).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ComparisonDef {
    /// Name used in reports and evidence strings.
    pub name: String,
    /// Bloom field compared (by Dice of the per-field filters). Fields of a
    /// crosswise group are compared by the best assignment within the group.
    pub field: Option<String>,
    /// Token rule whose equality is this comparison's top level.
    pub token: Option<String>,
    /// Weaker token rules, each a level below `token` (checked in order
    /// when the stronger tokens differ or are missing).
    #[serde(default)]
    pub weaker_tokens: Vec<String>,
    /// Dice band thresholds, strictly decreasing, each in (0, 1).
    pub bands: Vec<f64>,
    /// Label of a level that is a veto: its weight is fixed at
    /// [`VETO_WEIGHT`] instead of fitted. For evidence that two records are
    /// two persons however well the rest agrees: two *valid* CURPs with the
    /// same root and different differentiators are RENAPO homonyms (same
    /// names, birth date, sex and state), so `token:curp_root` of the
    /// `curp` comparison is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub veto: Option<String>,
    /// Instead of a field or token: the *order* of the crosswise group that
    /// holds this Bloom field, with levels `straight` (the best assignment
    /// of the two records' fields of the group is the identity, ties
    /// included) and `crossed` (another assignment is better), missing when
    /// no field of the group is present on both sides. The field
    /// comparisons of a group take each field's best partner, so a crossed
    /// agreement scores as a straight one; this comparison gives the model
    /// the order itself. Swapped surnames are rare among true matches
    /// (about 2 %) but common among pairs of strangers with two frequent
    /// surnames (HERNANDEZ MARTINEZ / MARTINEZ HERNANDEZ), and the fitted
    /// weight of `crossed` says how rare.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_of: Option<String>,
}

/// Weight of a veto level, in bits: below any sum of agreement weights a
/// model of at most 16 comparisons gives, so a vetoed pair never matches
/// and drags down the average linkage of clusters it would join.
pub const VETO_WEIGHT: f64 = -200.0;

impl ComparisonDef {
    /// A Bloom comparison of `field` with the default bands.
    pub fn field(name: impl Into<String>) -> ComparisonDef {
        let name = name.into();
        ComparisonDef {
            field: Some(name.clone()),
            name,
            token: None,
            weaker_tokens: Vec::new(),
            bands: DEFAULT_BANDS.to_vec(),
            veto: None,
            order_of: None,
        }
    }

    /// A comparison on equality of the tokens of `rule` alone.
    pub fn token(rule: impl Into<String>) -> ComparisonDef {
        let rule = rule.into();
        ComparisonDef {
            name: rule.clone(),
            field: None,
            token: Some(rule),
            weaker_tokens: Vec::new(),
            bands: Vec::new(),
            veto: None,
            order_of: None,
        }
    }

    /// The order comparison of the crosswise group holding `field` (see
    /// [`ComparisonDef::order_of`]).
    pub fn order(name: impl Into<String>, field: impl Into<String>) -> ComparisonDef {
        ComparisonDef {
            name: name.into(),
            field: None,
            token: None,
            weaker_tokens: Vec::new(),
            bands: Vec::new(),
            veto: None,
            order_of: Some(field.into()),
        }
    }

    /// This comparison with a weaker token rule as the next level (e.g.
    /// `ComparisonDef::token("curp").with_weaker_token("curp_root")`).
    pub fn with_weaker_token(mut self, rule: impl Into<String>) -> ComparisonDef {
        self.weaker_tokens.push(rule.into());
        self
    }

    /// The default comparisons for a schema: one Bloom comparison per
    /// field, and the order of each crosswise group of two or more fields
    /// (named `order(<field>,<field>…)`).
    pub fn defaults_for(schema: &InputSchema) -> Vec<ComparisonDef> {
        let mut out: Vec<ComparisonDef> = schema
            .fields
            .iter()
            .map(|f| ComparisonDef::field(f.name.clone()))
            .collect();
        let mut seen: Vec<u32> = Vec::new();
        for f in &schema.fields {
            let Some(g) = f.group else { continue };
            if seen.contains(&g) {
                continue;
            }
            seen.push(g);
            let members: Vec<&str> = schema
                .fields
                .iter()
                .filter(|x| x.group == Some(g))
                .map(|x| x.name.as_str())
                .collect();
            if members.len() >= 2 {
                out.push(ComparisonDef::order(
                    format!("order({})", members.join(",")),
                    f.name.clone(),
                ));
            }
        }
        out
    }

    /// This comparison with level `label` (one of
    /// [`ComparisonDef::level_labels`]) as a veto (see [`ComparisonDef::veto`]).
    pub fn with_veto(mut self, label: impl Into<String>) -> ComparisonDef {
        self.veto = Some(label.into());
        self
    }

    /// Index of the vetoed level, if any.
    pub fn veto_level(&self) -> Option<usize> {
        let v = self.veto.as_ref()?;
        self.level_labels().iter().position(|l| l == v)
    }

    /// Labels of this comparison's levels, best first (without "missing").
    pub fn level_labels(&self) -> Vec<String> {
        if self.order_of.is_some() {
            return vec!["straight".to_string(), "crossed".to_string()];
        }
        let mut labels = Vec::new();
        if self.token.is_some() {
            labels.push("token".to_string());
            for r in &self.weaker_tokens {
                labels.push(format!("token:{r}"));
            }
        }
        if self.field.is_some() {
            labels.push("exact".to_string());
            for b in &self.bands {
                labels.push(format!("dice>={b:.2}"));
            }
        }
        labels.push("else".to_string());
        labels
    }
}

/// The levels of all comparisons for one record pair, 4 bits each
/// (comparison `c` in bits `4c..4c+4`; `0xF` = missing).
#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub struct Pattern(pub u64);

impl Pattern {
    /// Level of comparison `c` (0 = best), `None` when missing or `c` out
    /// of range.
    #[inline]
    pub fn level(self, c: usize) -> Option<u8> {
        if c >= MAX_COMPARISONS {
            return None;
        }
        let l = ((self.0 >> (4 * c)) & 0xF) as u8;
        (l != MISSING).then_some(l)
    }

    #[inline]
    pub(crate) fn set(&mut self, c: usize, level: Option<u8>) {
        let v = u64::from(level.unwrap_or(MISSING) & 0xF);
        let shift = 4 * c;
        self.0 = (self.0 & !(0xF << shift)) | (v << shift);
    }
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pattern({:#x})", self.0)
    }
}

/// A Dice similarity as the integers it is made of.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Sim {
    /// popcount(a & b)
    pub(crate) common: u32,
    /// popcount(a) + popcount(b); 0 means "missing".
    pub(crate) sum: u32,
}

impl Sim {
    const MISSING: Sim = Sim { common: 0, sum: 0 };

    #[inline]
    pub(crate) fn is_missing(self) -> bool {
        self.sum == 0
    }

    #[inline]
    pub(crate) fn dice(self) -> f64 {
        if self.sum == 0 {
            0.0
        } else {
            2.0 * f64::from(self.common) / f64::from(self.sum)
        }
    }

    #[inline]
    fn exact(self) -> bool {
        self.sum != 0 && 2 * u64::from(self.common) == u64::from(self.sum)
    }

    #[inline]
    fn at_least(self, t: f64) -> bool {
        2.0 * f64::from(self.common) >= t * f64::from(self.sum)
    }
}

/// popcount(a & b) over packed words (pairs beyond the shorter are 0).
#[inline]
pub(crate) fn and_count(a: &[u64], b: &[u64]) -> u32 {
    // The bloom kernel: AVX-512 popcounts where the CPU has them.
    crate::bloom::and_count(a, b)
}

/// popcount of packed words.
#[inline]
pub(crate) fn popcount(a: &[u64]) -> u32 {
    crate::bloom::popcount(a)
}

#[derive(Clone, Debug)]
struct Compiled {
    /// Slot in the per-pair similarity array, if a Bloom field is compared.
    slot: Option<usize>,
    /// Token rules, strongest first (empty: no token levels).
    tokens: Vec<usize>,
    bands: Vec<f64>,
    /// For an order comparison: the index in `Comparator::groups` of the
    /// group compared.
    order: Option<usize>,
}

/// Comparisons resolved against a schema: which fields to compare, their
/// crosswise groups, token rules.
#[derive(Clone, Debug)]
pub(crate) struct Comparator {
    defs: Vec<ComparisonDef>,
    comps: Vec<Compiled>,
    /// Schema field index of each slot.
    slot_field: Vec<usize>,
    /// Groups of slots compared crosswise (each of >= 2 slots, ascending).
    groups: Vec<Vec<usize>>,
    /// Slots compared straight (not in any group).
    singles: Vec<usize>,
    /// All permutations of 0..k for k = 2..=EXACT_GROUP (identity first).
    perms: Vec<Vec<Vec<u8>>>,
}

impl Comparator {
    pub(crate) fn new(
        schema: &InputSchema,
        defs: &[ComparisonDef],
    ) -> Result<Comparator, LinkError> {
        if defs.is_empty() {
            return Err(LinkError::Config("no comparisons"));
        }
        if defs.len() > MAX_COMPARISONS {
            return Err(LinkError::Config("more than 16 comparisons"));
        }
        let mut slot_field: Vec<usize> = Vec::new();
        let mut comps = Vec::with_capacity(defs.len());
        for d in defs {
            if d.order_of.is_some() {
                if d.field.is_some() || d.token.is_some() || d.veto.is_some() {
                    return Err(LinkError::Config(
                        "an order comparison has no field, token rule or veto of its own",
                    ));
                }
            } else if d.field.is_none() && d.token.is_none() {
                return Err(LinkError::Config(
                    "a comparison needs a field, a token rule or both",
                ));
            }
            if d.bands
                .iter()
                .any(|b| !(b.is_finite() && *b > 0.0 && *b < 1.0))
                || d.bands.windows(2).any(|w| w[0] <= w[1])
            {
                return Err(LinkError::Config(
                    "Dice bands must be strictly decreasing values in (0, 1)",
                ));
            }
            if d.level_labels().len() > MAX_LEVELS {
                return Err(LinkError::Config("a comparison has more than 15 levels"));
            }
            if d.veto.is_some() && d.veto_level().is_none() {
                return Err(LinkError::UnknownName {
                    comparison: d.name.clone(),
                    name: d.veto.clone().unwrap_or_default(),
                });
            }
            if d.token.is_none() && !d.weaker_tokens.is_empty() {
                return Err(LinkError::Config(
                    "weaker tokens need a comparison token rule",
                ));
            }
            let mut tokens = Vec::new();
            for rule in d.token.iter().chain(&d.weaker_tokens) {
                tokens.push(
                    schema
                        .rule_index(rule)
                        .ok_or_else(|| LinkError::UnknownName {
                            comparison: d.name.clone(),
                            name: rule.clone(),
                        })?,
                );
            }
            let slot = match &d.field {
                None => None,
                Some(field) => {
                    let f = schema
                        .field_index(field)
                        .ok_or_else(|| LinkError::UnknownName {
                            comparison: d.name.clone(),
                            name: field.clone(),
                        })?;
                    Some(match slot_field.iter().position(|&x| x == f) {
                        Some(s) => s,
                        None => {
                            slot_field.push(f);
                            slot_field.len() - 1
                        }
                    })
                }
            };
            comps.push(Compiled {
                slot,
                tokens,
                bands: if d.field.is_some() {
                    d.bands.clone()
                } else {
                    Vec::new()
                },
                order: None,
            });
        }
        // Crosswise groups among the compared fields.
        let mut groups: Vec<(u32, Vec<usize>)> = Vec::new();
        let mut singles = Vec::new();
        for (slot, &f) in slot_field.iter().enumerate() {
            match schema.fields.get(f).and_then(|fs| fs.group) {
                Some(gid) => match groups.iter_mut().find(|(g, _)| *g == gid) {
                    Some((_, v)) => v.push(slot),
                    None => groups.push((gid, vec![slot])),
                },
                None => singles.push(slot),
            }
        }
        let mut group_slots = Vec::new();
        for (_, v) in groups {
            if v.len() == 1 {
                singles.extend(v);
            } else {
                group_slots.push(v);
            }
        }
        singles.sort_unstable();
        // Order comparisons: the group of their field's slot.
        for (d, c) in defs.iter().zip(&mut comps) {
            let Some(field) = &d.order_of else { continue };
            let group = schema
                .field_index(field)
                .and_then(|f| slot_field.iter().position(|&x| x == f))
                .and_then(|slot| group_slots.iter().position(|g| g.contains(&slot)));
            match group {
                Some(g) => c.order = Some(g),
                None => {
                    return Err(LinkError::UnknownName {
                        comparison: d.name.clone(),
                        name: format!("{field} (not a compared field of a crosswise group)"),
                    })
                }
            }
        }
        let perms = (0..=EXACT_GROUP).map(permutations).collect();
        Ok(Comparator {
            defs: defs.to_vec(),
            comps,
            slot_field,
            groups: group_slots,
            singles,
            perms,
        })
    }

    pub(crate) fn defs(&self) -> &[ComparisonDef] {
        &self.defs
    }

    /// Number of non-missing levels of each comparison.
    pub(crate) fn level_counts(&self) -> Vec<usize> {
        self.defs.iter().map(|d| d.level_labels().len()).collect()
    }

    /// Number of per-record popcounts cached by [`Popcounts`]: one per slot
    /// plus the record filter.
    pub(crate) fn slots(&self) -> usize {
        self.slot_field.len()
    }

    pub(crate) fn slot_field(&self, slot: usize) -> usize {
        self.slot_field.get(slot).copied().unwrap_or(0)
    }

    /// The comparison pattern of records `i` and `j`.
    pub(crate) fn pattern<I: LinkInput>(
        &self,
        corpus: &Corpus<'_, I>,
        pc: &Popcounts,
        i: u32,
        j: u32,
    ) -> Pattern {
        let (ia, li) = corpus.locate(i);
        let (ib, lj) = corpus.locate(j);
        let a = Side {
            input: ia,
            local: li,
            g: i,
        };
        let b = Side {
            input: ib,
            local: lj,
            g: j,
        };
        let mut sims = [Sim::MISSING; MAX_COMPARISONS];
        for &s in &self.singles {
            sims[s] = self.sim(pc, &a, s, &b, s);
        }
        let mut crossed = [None; MAX_COMPARISONS];
        for (gi, g) in self.groups.iter().enumerate() {
            let o = self.assign_group(pc, &a, &b, g, &mut sims);
            if let Some(slot) = crossed.get_mut(gi) {
                *slot = o;
            }
        }
        let mut p = Pattern(0);
        for (c, comp) in self.comps.iter().enumerate() {
            if let Some(gi) = comp.order {
                let o: Option<bool> = crossed.get(gi).copied().flatten();
                p.set(c, o.map(u8::from));
                continue;
            }
            // Token levels first: the strongest rule with equal tokens.
            let mut out = None;
            let mut compared = false;
            for (k, &rule) in comp.tokens.iter().enumerate() {
                if let (Some(x), Some(y)) = (ia.token(li, rule), ib.token(lj, rule)) {
                    compared = true;
                    if x == y {
                        out = Some(Some(k as u8));
                        break;
                    }
                }
            }
            let level = comp.tokens.len() as u8;
            if out.is_none() && comp.slot.is_none() && !comp.tokens.is_empty() {
                out = Some(compared.then_some(level));
            }
            let lvl = match (out, comp.slot) {
                (Some(l), _) => l,
                (None, None) => None,
                (None, Some(slot)) => {
                    let sim = sims[slot];
                    if sim.is_missing() {
                        None
                    } else if sim.exact() {
                        Some(level)
                    } else {
                        let mut l = level + 1;
                        let mut found = None;
                        for &t in &comp.bands {
                            if sim.at_least(t) {
                                found = Some(l);
                                break;
                            }
                            l += 1;
                        }
                        Some(found.unwrap_or(l))
                    }
                }
            };
            p.set(c, lvl);
        }
        p
    }

    /// Similarity of field slot `sa` of record `a` with slot `sb` of `b`.
    #[inline]
    fn sim<I: LinkInput>(
        &self,
        pc: &Popcounts,
        a: &Side<'_, I>,
        sa: usize,
        b: &Side<'_, I>,
        sb: usize,
    ) -> Sim {
        let pa = pc.field(a.g, sa);
        let pb = pc.field(b.g, sb);
        if pa == 0 || pb == 0 {
            return Sim::MISSING;
        }
        match (
            a.input.field_filter(a.local, self.slot_field(sa)),
            b.input.field_filter(b.local, self.slot_field(sb)),
        ) {
            (Some(x), Some(y)) => Sim {
                common: and_count(x, y),
                sum: pa + pb,
            },
            _ => Sim::MISSING,
        }
    }

    /// Best assignment of `a`'s fields of a crosswise group to `b`'s
    /// (maximum total Dice over present pairs; identity wins ties). Returns
    /// whether it is not the identity (`None`: no pair of the group's
    /// fields is present on both sides).
    fn assign_group<I: LinkInput>(
        &self,
        pc: &Popcounts,
        a: &Side<'_, I>,
        b: &Side<'_, I>,
        group: &[usize],
        sims: &mut [Sim; MAX_COMPARISONS],
    ) -> Option<bool> {
        let k = group.len();
        let mut m = [[Sim::MISSING; MAX_COMPARISONS]; MAX_COMPARISONS];
        for (p, &sp) in group.iter().enumerate() {
            for (q, &sq) in group.iter().enumerate() {
                m[p][q] = self.sim(pc, a, sp, b, sq);
            }
        }
        if let Some(perms) = self.perms.get(k).filter(|_| k <= EXACT_GROUP) {
            let mut best = 0;
            let mut best_score = f64::NEG_INFINITY;
            for (n, perm) in perms.iter().enumerate() {
                let score: f64 = perm
                    .iter()
                    .enumerate()
                    .map(|(p, &q)| m[p][q as usize].dice())
                    .sum();
                if score > best_score {
                    best_score = score;
                    best = n;
                }
            }
            if let Some(perm) = perms.get(best) {
                for (p, &q) in perm.iter().enumerate() {
                    sims[group[p]] = m[p][q as usize];
                }
            }
            let any = (0..k).any(|p| (0..k).any(|q| !m[p][q].is_missing()));
            // Permutations are listed identity first.
            any.then_some(best != 0)
        } else {
            // Greedy: repeatedly take the most similar unassigned pair
            // (lowest (p, q) among equals), missing pairs last.
            let mut used_p = [false; MAX_COMPARISONS];
            let mut used_q = [false; MAX_COMPARISONS];
            let mut crossed = false;
            for _ in 0..k {
                let mut best: Option<(f64, usize, usize)> = None;
                for p in (0..k).filter(|&p| !used_p[p]) {
                    for q in (0..k).filter(|&q| !used_q[q]) {
                        let d = if m[p][q].is_missing() {
                            -1.0
                        } else {
                            m[p][q].dice()
                        };
                        if best.is_none_or(|(bd, _, _)| d > bd) {
                            best = Some((d, p, q));
                        }
                    }
                }
                if let Some((_, p, q)) = best {
                    used_p[p] = true;
                    used_q[q] = true;
                    sims[group[p]] = m[p][q];
                    crossed |= p != q;
                }
            }
            let any = (0..k).any(|p| (0..k).any(|q| !m[p][q].is_missing()));
            any.then_some(crossed)
        }
    }
}

/// One record of a pair, resolved once.
struct Side<'a, I> {
    input: &'a I,
    local: usize,
    g: u32,
}

/// All permutations of `0..k` in lexicographic order (identity first).
fn permutations(k: usize) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut cur: Vec<u8> = Vec::with_capacity(k);
    fn rec(k: usize, cur: &mut Vec<u8>, out: &mut Vec<Vec<u8>>) {
        if cur.len() == k {
            out.push(cur.clone());
            return;
        }
        for x in 0..k as u8 {
            if !cur.contains(&x) {
                cur.push(x);
                rec(k, cur, out);
                cur.pop();
            }
        }
    }
    rec(k, &mut cur, &mut out);
    out
}

/// Per-record popcounts of the compared field filters and of the record
/// filter, computed once (`stride` = slots + 1; the record filter last).
#[derive(Debug)]
pub(crate) struct Popcounts {
    stride: usize,
    counts: Vec<u32>,
}

impl Popcounts {
    pub(crate) fn new<I: LinkInput>(corpus: &Corpus<'_, I>, cmp: &Comparator) -> Popcounts {
        use rayon::prelude::*;
        let stride = cmp.slots() + 1;
        let n = corpus.len() as usize;
        let mut counts = vec![0u32; n * stride];
        counts
            .par_chunks_mut(stride)
            .enumerate()
            .for_each(|(g, row)| {
                let g = g as u32;
                for (s, c) in row.iter_mut().enumerate().take(stride - 1) {
                    *c = corpus
                        .field_filter(g, cmp.slot_field(s))
                        .map_or(0, popcount);
                }
                if let Some(last) = row.last_mut() {
                    *last = popcount(corpus.record_filter(g));
                }
            });
        Popcounts { stride, counts }
    }

    #[inline]
    pub(crate) fn field(&self, g: u32, slot: usize) -> u32 {
        self.counts
            .get(g as usize * self.stride + slot)
            .copied()
            .unwrap_or(0)
    }

    #[inline]
    pub(crate) fn record(&self, g: u32) -> u32 {
        self.counts
            .get(g as usize * self.stride + self.stride - 1)
            .copied()
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permutations_are_complete_and_identity_first() {
        let p = permutations(3);
        assert_eq!(p.len(), 6);
        assert_eq!(p[0], vec![0, 1, 2]);
        let mut sorted = p.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 6);
        assert_eq!(permutations(0), vec![Vec::<u8>::new()]);
    }

    #[test]
    fn pattern_set_and_get() {
        let mut p = Pattern(u64::MAX);
        assert_eq!(p.level(0), None);
        p.set(1, Some(4));
        assert_eq!(p.level(1), Some(4));
        assert_eq!(p.level(0), None);
        assert_eq!(p.level(2), None);
        p.set(1, None);
        assert_eq!(p.level(1), None);
        assert_eq!(p.level(99), None);
    }

    #[test]
    fn sim_levels_use_exact_integers() {
        let s = Sim { common: 9, sum: 20 }; // Dice 0.9
        assert!(s.at_least(0.9));
        assert!(!s.exact());
        assert!(Sim {
            common: 10,
            sum: 20
        }
        .exact());
        assert!(Sim::MISSING.is_missing());
    }
}
