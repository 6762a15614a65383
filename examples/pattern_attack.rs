//! A bit-pattern-mining attack on our Bloom-filter encodings (after
//! Christen, Vidanage, Ranbaduge, Schnell et al., PAKDD 2018, and Vidanage
//! et al., CIKM 2019): how many names does a linkage unit re-identify from
//! the filters alone, if it knows the q-gram statistics of a similar
//! population?
//!
//! cargo run --release --example pattern_attack -- [PERSONS] [SEED]
//!
//! Data: a synthetic padrón (`synth`), read and encoded exactly as
//! `padron encode` does, under the hardenings of `frequency_attack`
//! (none, XOR-fold, salt with the birth year, both: the default), plus the
//! record filter (CLK) unfolded and folded. The attacker's plaintext is an
//! independent synthetic population (another seed): its values, and for the
//! record filter its whole records (every field's q-grams).
//!
//! Attack (no key; the encoding scheme is public):
//!
//! 1. **Mining.** Every record whose value holds q-gram `g` sets the same
//!    bit positions of `g`, so `g` shows as a *biclique*: a set of records
//!    and a set of positions all set in those records. Per bit position the
//!    attacker keeps a support vector (a bitset over records). Greedily,
//!    starting from all records, it adds the position set in most of the
//!    current records and intersects, until several positions in a row keep
//!    (nearly) all of them. The positions set in ≥ 95 % of the converged
//!    records are candidates; the q-gram's records are re-grown from all
//!    records by intersecting six of them, most unexplained first (so a
//!    converged subset, e.g. only the short values, whose q-grams set more
//!    positions, grows back to the whole q-gram). Positions set in most of
//!    these records are then removed from them in a residual copy (what is
//!    explained is gone), and the next search, seeded at the position with
//!    most unexplained records, finds the next most frequent q-gram.
//! 2. **Labelling.** The mined record sets are matched to plaintext
//!    q-grams by support and co-occurrence: mined set `i` gets q-gram `a`
//!    when its size matches `a`'s frequency and its overlaps with the sets
//!    already labelled match `a`'s conditional co-occurrence with their
//!    q-grams (greedy, most frequent first, then a few sweeps of local
//!    improvement with swaps). Sets that match nothing stay unlabelled.
//! 3. **Re-identification.** A filter's signature is the labelled q-grams
//!    whose positions it contains ("must contain"); a plaintext value is
//!    consistent when its labelled q-grams are exactly those ("must not
//!    contain" the others). The guess is the most frequent consistent
//!    value (the nearest one by Hamming distance when none is). A record is
//!    re-identified when the guess is its true value.
//!
//! Salted filters have other positions per birth year, so the q-grams of
//! the whole file no longer line up. The attacker here is given each
//! record's birth year (the strongest case: it could come from the date
//! filter or outside knowledge) and attacks each year apart with that
//! year's plaintext statistics; salting then leaves it ~1/70 of the data
//! per attack. XOR-folding breaks the bicliques themselves: a position is
//! set where an odd number of the two folded halves is, so a q-gram's bits
//! are set in only ~70 % of its records. The attacker knows the fold and
//! mines with a tolerant threshold there.

use padron::bloom::{Schema, Slot};
use padron::curp::ParseOptions;
use padron::encode::{AgencyEncoder, Person};
use padron::io::{Item, PadronReader, ReadOptions};
use padron::pseudo::{default_rules, Algorithm, Key};
use padron::synth::{generate, SynthConfig};
use std::collections::HashMap;
use std::time::Instant;

/// Field groups of the plaintext items (a q-gram of one group is keyed
/// apart from the same q-gram of another).
const GIVEN: u8 = 0;
const SURNAME: u8 = 1;
const DATE: u8 = 2;
const SEX: u8 = 3;
const STATE: u8 = 4;

struct Rec {
    row: padron::io::Row,
    given: Option<String>,
    surnames: [Option<String>; 2],
    date: Option<String>,
    year: Option<u16>,
    sex: Option<&'static str>,
    state: Option<&'static str>,
}

/// A synthetic padrón, with the values `padron encode` feeds the filters.
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
        let date = p.birth_date.map(|d| d.to_string());
        let year = p.birth_date.map(|d| d.year());
        let sex = p.sex.map(|x| match x.code() {
            'H' => "H",
            'M' => "M",
            _ => "X",
        });
        let state = p.state.map(|s| s.code());
        out.push(Rec {
            row,
            given,
            surnames,
            date,
            year,
            sex,
            state,
        });
    }
    out
}

/// Distinct q-grams of a value as `bloom` cuts them (padded with `q − 1`
/// blanks; a value shorter than `q` is one q-gram).
fn qgrams(v: &str, q: usize) -> Vec<String> {
    let mut c: Vec<char> = vec![' '; q - 1];
    c.extend(v.chars());
    c.extend(std::iter::repeat_n(' ', q - 1));
    let mut out: Vec<String> = if c.len() < q {
        vec![c.iter().collect()]
    } else {
        c.windows(q).map(|w| w.iter().collect()).collect()
    };
    out.sort();
    out.dedup();
    out
}

/// The attacker's dictionary of (group, q-gram) items.
#[derive(Default)]
struct Items {
    ids: HashMap<(u8, String), u32>,
    group: Vec<u8>,
}

impl Items {
    fn of(&mut self, group: u8, value: &str, q: usize, out: &mut Vec<u32>) {
        for g in qgrams(value, q) {
            let n = self.ids.len() as u32;
            let id = *self.ids.entry((group, g)).or_insert_with(|| {
                self.group.push(group);
                n
            });
            out.push(id);
        }
    }
}

/// What the attacker knows: per plaintext record its item set, and the
/// target values (with their items) it re-identifies.
struct Plain {
    items: Items,
    records: Vec<Vec<u32>>,
    /// (value, its items in the target group, count)
    values: Vec<(String, Vec<u32>, u32)>,
    target: u8,
}

/// Plaintext model from the attacker's population. `fields` picks which
/// groups the filter holds (one field for a per-field filter, all for the
/// record filter); `target` is the group to re-identify.
fn plain<'a>(
    recs: impl Iterator<Item = &'a Rec>,
    fields: &[u8],
    target: u8,
    surname_slot: Option<usize>,
) -> Plain {
    let mut items = Items::default();
    let mut records = Vec::new();
    let mut counts: HashMap<String, (Vec<u32>, u32)> = HashMap::new();
    for r in recs {
        // A per-field surname filter holds one surname: each is a record.
        let surnames: Vec<Option<&String>> = match surname_slot {
            Some(_) => r.surnames.iter().map(Option::as_ref).collect(),
            None => vec![None],
        };
        for s in surnames {
            if surname_slot.is_some() && s.is_none() {
                continue;
            }
            let mut it = Vec::new();
            for &f in fields {
                match f {
                    GIVEN => {
                        if let Some(v) = &r.given {
                            items.of(GIVEN, v, 2, &mut it)
                        }
                    }
                    SURNAME => match s {
                        Some(v) => items.of(SURNAME, v, 2, &mut it),
                        None => {
                            for v in r.surnames.iter().flatten() {
                                items.of(SURNAME, v, 2, &mut it)
                            }
                        }
                    },
                    DATE => {
                        if let Some(v) = &r.date {
                            items.of(DATE, v, 2, &mut it)
                        }
                    }
                    SEX => {
                        if let Some(v) = r.sex {
                            items.of(SEX, v, 1, &mut it)
                        }
                    }
                    _ => {
                        if let Some(v) = r.state {
                            items.of(STATE, v, 2, &mut it)
                        }
                    }
                }
            }
            it.sort_unstable();
            it.dedup();
            if it.is_empty() {
                continue;
            }
            records.push(it);
            let value = match target {
                GIVEN => r.given.as_ref(),
                _ => s,
            };
            if let Some(v) = value {
                let e = counts.entry(v.clone()).or_insert_with(|| {
                    let mut own = Vec::new();
                    items.of(target, v, 2, &mut own);
                    (own, 0)
                });
                e.1 += 1;
            }
        }
    }
    let mut values: Vec<(String, Vec<u32>, u32)> =
        counts.into_iter().map(|(v, (i, c))| (v, i, c)).collect();
    values.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
    Plain {
        items,
        records,
        values,
        target,
    }
}

// ---------------------------------------------------------------- bitsets

fn popcount_and(a: &[u64], b: &[u64], idx: &[usize]) -> usize {
    idx.iter()
        .map(|&i| (a[i] & b[i]).count_ones() as usize)
        .sum()
}

fn nonzero(a: &[u64]) -> Vec<usize> {
    (0..a.len()).filter(|&i| a[i] != 0).collect()
}

fn bit(a: &[u64], i: usize) -> bool {
    a[i / 64] >> (i % 64) & 1 == 1
}

fn set(a: &mut [u64], i: usize) {
    a[i / 64] |= 1 << (i % 64);
}

// ---------------------------------------------------------------- mining

#[derive(Clone, Copy)]
struct Params {
    /// A position "keeps" the current records when it is set in this share.
    keep: f64,
    /// Positions set in this share of a mined record set are its q-gram's.
    core: f64,
    /// Positions set in this share of a mined set are explained there.
    explained: f64,
    /// Consecutive keeping positions that mark a converged search.
    stable: usize,
    /// Smallest record set searched for.
    min_support: usize,
    /// Positions a q-gram's records must all have.
    anchor: usize,
    max_sets: usize,
}

impl Params {
    fn plain(n: usize) -> Params {
        Params {
            keep: 0.9,
            core: 0.95,
            explained: 0.5,
            stable: 4,
            min_support: (n / 2000).max(4),
            anchor: 6,
            max_sets: 1200,
        }
    }
    /// Against XOR-folded filters: a q-gram's bit survives in ~70 % of its
    /// records, so the thresholds drop below that.
    fn folded(n: usize) -> Params {
        Params {
            keep: 0.62,
            core: 0.62,
            explained: 0.5,
            stable: 4,
            min_support: (n / 1000).max(6),
            anchor: 6,
            max_sets: 1200,
        }
    }
}

struct Mined {
    /// Bitset over records.
    records: Vec<u64>,
    size: usize,
}

/// Mines q-gram bicliques from `filters` (`bits` positions each).
fn mine(filters: &[&[u64]], bits: usize, p: &Params) -> Vec<Mined> {
    let n = filters.len();
    let w = n.div_ceil(64);
    // Support vector of every position (column-major copy of the filters).
    let mut cols = vec![vec![0u64; w]; bits];
    for (r, f) in filters.iter().enumerate() {
        for (pos, col) in cols.iter_mut().enumerate() {
            if bit(f, pos) {
                set(col, r);
            }
        }
    }
    let mut resid = cols.clone();
    let mut full = vec![u64::MAX; w];
    if !n.is_multiple_of(64) {
        full[w - 1] = (1u64 << (n % 64)) - 1;
    }
    let mut out = Vec::new();
    let mut used = vec![false; bits];
    let mut failures = 0;
    let all: Vec<usize> = (0..w).collect();
    while out.len() < p.max_sets && failures < 4 * bits {
        // Seed: the position with most unexplained records.
        let (seed, c) = resid
            .iter()
            .enumerate()
            .map(|(pos, col)| (pos, col.iter().map(|x| x.count_ones() as usize).sum()))
            .max_by_key(|&(pos, c): &(usize, usize)| (c, std::cmp::Reverse(pos)))
            .expect("positions");
        if c < p.min_support {
            break;
        }
        let mut s = resid[seed].clone();
        let mut size = c;
        used.iter_mut().for_each(|u| *u = false);
        used[seed] = true;
        let mut stable: Vec<usize> = Vec::new();
        let mut steps = 0;
        loop {
            steps += 1;
            let idx = nonzero(&s);
            // The next position: set, unexplained, in most current records;
            // intersect with where it is set at all (explained or not).
            let mut best = (usize::MAX, 0usize);
            for (pos, col) in resid.iter().enumerate() {
                if used[pos] {
                    continue;
                }
                let c = popcount_and(&s, col, &idx);
                if c > best.1 {
                    best = (pos, c);
                }
            }
            let pos = best.0;
            if pos == usize::MAX {
                break;
            }
            let c = popcount_and(&s, &cols[pos], &idx);
            if c as f64 >= p.keep * size as f64 {
                stable.push(pos);
            } else if stable.len() >= p.stable {
                break;
            } else {
                stable.clear();
            }
            if c < p.min_support {
                break;
            }
            for i in idx {
                s[i] &= cols[pos][i];
            }
            size = c;
            used[pos] = true;
            if stable.len() >= 2 * p.stable || steps >= 64 {
                break;
            }
        }
        if stable.len() < p.stable || size < p.min_support {
            // No converged structure from this seed: drop it from the
            // residual so the next search starts elsewhere.
            failures += 1;
            resid[seed].iter_mut().for_each(|x| *x = 0);
            continue;
        }
        // The converged positions, over all records (the seed's records
        // were only the unexplained ones).
        let mut full = vec![u64::MAX; w];
        for &pos in &stable {
            for (x, c) in full.iter_mut().zip(&cols[pos]) {
                *x &= c;
            }
        }
        let fsize: usize = full.iter().map(|x| x.count_ones() as usize).sum();
        let core: Vec<usize> = (0..bits)
            .filter(|&pos| popcount_and(&full, &cols[pos], &all) as f64 >= p.core * fsize as f64)
            .collect();
        // The converged set may be a subset (the seed's records, or only
        // the short values: a value of n q-grams sets the first
        // round(budget / n) positions of each). Re-grow from all records
        // over these positions, most unexplained first: positions every
        // record of the q-gram has win, whatever its length.
        let mut members = vec![u64::MAX; w];
        if !n.is_multiple_of(64) {
            members[w - 1] = (1u64 << (n % 64)) - 1;
        }
        let mut count = n;
        let mut taken = vec![false; bits];
        for _ in 0..p.anchor.min(core.len()) {
            let idx = nonzero(&members);
            let Some((pos, _)) = core
                .iter()
                .filter(|&&q| !taken[q])
                .map(|&q| (q, popcount_and(&members, &resid[q], &idx)))
                .max_by_key(|&(q, c)| (c, std::cmp::Reverse(q)))
            else {
                break;
            };
            taken[pos] = true;
            for i in idx {
                members[i] &= cols[pos][i];
            }
        }
        if taken.iter().filter(|&&t| t).count() < p.anchor {
            count = 0;
        } else {
            count = count.min(members.iter().map(|x| x.count_ones() as usize).sum());
        }
        let idx = nonzero(&members);
        // Explained: every position set in most of the q-gram's records
        // (the later positions of its short values too).
        let core: Vec<usize> = (0..bits)
            .filter(|&pos| {
                popcount_and(&members, &cols[pos], &idx) as f64 >= p.explained * count as f64
            })
            .collect();
        // Explained: the q-gram's positions in its records, and the seed's
        // records at the positions the search used.
        for &pos in &core {
            for (x, m) in resid[pos].iter_mut().zip(&members) {
                *x &= !m;
            }
        }
        for pos in (0..bits).filter(|&q| used[q]) {
            for (x, m) in resid[pos].iter_mut().zip(&s) {
                *x &= !m;
            }
        }
        for (x, m) in resid[seed].iter_mut().zip(&s) {
            *x &= !m;
        }
        if count >= p.min_support {
            out.push(Mined {
                records: members,
                size: count,
            });
        } else {
            failures += 1;
        }
    }
    out
}

// ---------------------------------------------------------------- labels

/// Plaintext support and co-occurrence of the items, as shares of records.
struct Stats {
    f: Vec<f64>,
    co: Vec<f32>,
    m: usize,
}

fn stats(pl: &Plain) -> Stats {
    let m = pl.items.group.len();
    let mut f = vec![0f64; m];
    let mut co = vec![0f32; m * m];
    for r in &pl.records {
        for &a in r {
            f[a as usize] += 1.0;
            for &b in r {
                co[a as usize * m + b as usize] += 1.0;
            }
        }
    }
    let n = pl.records.len().max(1) as f64;
    f.iter_mut().for_each(|x| *x /= n);
    co.iter_mut().for_each(|x| *x /= n as f32);
    Stats { f, co, m }
}

/// Labels mined sets with plaintext items (`None`: nothing fits).
fn label(mined: &[Mined], n: usize, st: &Stats) -> Vec<Option<u32>> {
    let k = mined.len();
    let w = n.div_ceil(64);
    let all: Vec<usize> = (0..w).collect();
    // Observed co-occurrence of mined sets.
    let mut c = vec![0f64; k * k];
    for i in 0..k {
        for j in i..k {
            let x = popcount_and(&mined[i].records, &mined[j].records, &all) as f64;
            c[i * k + j] = x;
            c[j * k + i] = x;
        }
    }
    let size: Vec<f64> = mined.iter().map(|m| m.size as f64).collect();
    let nf = n as f64;
    // Candidates per mined set: items of about its support.
    let cand: Vec<Vec<u32>> = (0..k)
        .map(|i| {
            let s = size[i] / nf;
            (0..st.m as u32)
                .filter(|&a| {
                    let f = st.f[a as usize];
                    f > 0.0 && f < 2.5 * s && f > s / 2.5
                })
                .collect()
        })
        .collect();
    let cost = |i: usize, a: u32, lab: &[Option<u32>], skip: usize| -> f64 {
        let fa = st.f[a as usize];
        let mut e = 0.3 * ((size[i] / nf).ln() - fa.ln()).powi(2);
        for (j, l) in lab.iter().enumerate() {
            let Some(b) = *l else { continue };
            if j == i || j == skip {
                continue;
            }
            let q = st.co[a as usize * st.m + b as usize] as f64;
            let fb = st.f[b as usize];
            let o = c[i * k + j];
            // Truncated: a junk set must not outweigh the others.
            e += ((o / size[i] - q / fa).powi(2) + (o / size[j] - q / fb).powi(2)).min(0.05);
        }
        e
    };
    let mut lab: Vec<Option<u32>> = vec![None; k];
    let mut owner: HashMap<u32, usize> = HashMap::new();
    // Greedy, in mining order (most frequent first).
    for i in 0..k {
        let best = cand[i]
            .iter()
            .filter(|a| !owner.contains_key(a))
            .map(|&a| (a, cost(i, a, &lab, usize::MAX)))
            .min_by(|x, y| x.1.total_cmp(&y.1));
        if let Some((a, _)) = best {
            lab[i] = Some(a);
            owner.insert(a, i);
        }
    }
    // Local improvement: move a set to a better item, swapping with its owner.
    for _sweep in 0..12 {
        let mut changed = 0;
        for i in 0..k {
            let cur = lab[i];
            let base = cur.map_or(f64::INFINITY, |a| cost(i, a, &lab, usize::MAX));
            let mut best: Option<(u32, f64)> = None;
            for &a in &cand[i] {
                if Some(a) == cur {
                    continue;
                }
                let mut delta = cost(i, a, &lab, usize::MAX) - base;
                if let Some(&j) = owner.get(&a) {
                    // j would take i's item (or none).
                    let old_j = cost(j, a, &lab, i);
                    let new_j = match cur {
                        Some(b) => cost(j, b, &lab, i),
                        None => 10.0,
                    };
                    delta += new_j - old_j;
                }
                if delta < -1e-9 && best.is_none_or(|b| delta < b.1) {
                    best = Some((a, delta));
                }
            }
            if let Some((a, _)) = best {
                let j = owner.get(&a).copied();
                lab[i] = Some(a);
                owner.insert(a, i);
                if let Some(j) = j {
                    lab[j] = cur;
                    if let Some(b) = cur {
                        owner.insert(b, j);
                    }
                } else if let Some(b) = cur {
                    owner.remove(&b);
                }
                changed += 1;
            }
        }
        if changed == 0 {
            break;
        }
    }
    // Reject sets whose co-occurrence fits their label badly.
    for i in 0..k {
        if let Some(a) = lab[i] {
            let others = lab.iter().filter(|l| l.is_some()).count().max(2) - 1;
            let e = cost(i, a, &lab, usize::MAX) / others as f64;
            if e > 0.1 {
                lab[i] = None;
            }
        }
    }
    lab
}

// ---------------------------------------------------------------- re-id

/// Guesses each filter's target value (index into `pl.values`).
fn reidentify(mined: &[Mined], lab: &[Option<u32>], n: usize, pl: &Plain) -> Vec<Option<usize>> {
    // Labelled sets of the target group, numbered 0..t.
    let mut slot_of: HashMap<u32, usize> = HashMap::new();
    let mut sets: Vec<&Mined> = Vec::new();
    for (m, l) in mined.iter().zip(lab) {
        if let Some(a) = *l {
            if pl.items.group[a as usize] == pl.target {
                slot_of.insert(a, sets.len());
                sets.push(m);
            }
        }
    }
    let t = sets.len().div_ceil(64).max(1);
    let mut sig = vec![vec![0u64; t]; n];
    for (s, m) in sets.iter().enumerate() {
        for (r, sg) in sig.iter_mut().enumerate() {
            if bit(&m.records, r) {
                set(sg, s);
            }
        }
    }
    let vsig: Vec<Vec<u64>> = pl
        .values
        .iter()
        .map(|(_, items, _)| {
            let mut s = vec![0u64; t];
            for a in items {
                if let Some(&x) = slot_of.get(a) {
                    set(&mut s, x);
                }
            }
            s
        })
        .collect();
    // Most frequent value per signature (values are sorted by count).
    let mut exact: HashMap<&[u64], usize> = HashMap::new();
    for (v, s) in vsig.iter().enumerate() {
        exact.entry(s.as_slice()).or_insert(v);
    }
    let mut near: HashMap<Vec<u64>, usize> = HashMap::new();
    sig.iter()
        .map(|s| {
            if sets.is_empty() {
                return None;
            }
            if let Some(&v) = exact.get(s.as_slice()) {
                return Some(v);
            }
            if let Some(&v) = near.get(s) {
                return Some(v);
            }
            let v = (0..vsig.len()).min_by_key(|&v| {
                let d: u32 = vsig[v]
                    .iter()
                    .zip(s)
                    .map(|(a, b)| (a ^ b).count_ones())
                    .sum();
                (d, v)
            })?;
            near.insert(s.clone(), v);
            Some(v)
        })
        .collect()
}

/// The whole attack on one set of filters; returns the guessed values.
fn attack(
    filters: &[&[u64]],
    bits: usize,
    pl: &Plain,
    p: &Params,
    truth: &[&str],
) -> (Vec<Option<String>>, usize) {
    let mined = mine(filters, bits, p);
    let st = stats(pl);
    let lab = label(&mined, filters.len(), &st);
    if std::env::var_os("PATTERN_DEBUG").is_some() {
        debug(&mined, &lab, pl, truth);
    }
    let labelled = lab
        .iter()
        .filter(|l| l.is_some_and(|a| pl.items.group[a as usize] == pl.target))
        .count();
    let guesses = reidentify(&mined, &lab, filters.len(), pl);
    (
        guesses
            .into_iter()
            .map(|g| g.map(|v| pl.values[v].0.clone()))
            .collect(),
        labelled,
    )
}

/// Diagnostics (PATTERN_DEBUG=1): which true q-gram each mined set is.
fn debug(mined: &[Mined], lab: &[Option<u32>], pl: &Plain, truth: &[&str]) {
    let mut name: HashMap<u32, String> = HashMap::new();
    for ((g, q), id) in &pl.items.ids {
        name.insert(*id, format!("{g}:{q:?}"));
    }
    let n = truth.len();
    let mut true_items: HashMap<String, Vec<u64>> = HashMap::new();
    for (r, v) in truth.iter().enumerate() {
        for q in qgrams(v, 2) {
            let e = true_items
                .entry(format!("{}:{q:?}", pl.target))
                .or_insert_with(|| vec![0u64; n.div_ceil(64)]);
            set(e, r);
        }
    }
    let all: Vec<usize> = (0..n.div_ceil(64)).collect();
    let (mut ok, mut lab_ok) = (0, 0);
    for (i, (m, l)) in mined.iter().zip(lab).enumerate() {
        let best = true_items
            .iter()
            .map(|(k, b)| {
                let inter = popcount_and(b, &m.records, &all);
                let uni = b.iter().map(|x| x.count_ones() as usize).sum::<usize>() + m.size - inter;
                (inter as f64 / uni as f64, (k, inter, uni + inter - m.size))
            })
            .max_by(|a, b| a.0.total_cmp(&b.0));
        let l = l.and_then(|a| name.get(&a).cloned()).unwrap_or_default();
        if let Some((j, (k, inter, tsize))) = best {
            if j > 0.9 {
                ok += 1;
            }
            if *k == l {
                lab_ok += 1;
            }
            if i < 60 || std::env::var_os("PATTERN_DEBUG_ALL").is_some() {
                eprintln!(
                    "set {i:>4} size {:>6} true {k:<12} ({tsize:>6}, both {inter:>6}) J {j:.3} label {l}",
                    m.size
                );
            }
        }
    }
    eprintln!(
        "{} sets, {ok} pure (J > 0.9), {lab_ok} labelled right",
        mined.len()
    );
}

// ---------------------------------------------------------------- driver

/// One target's filters: (filter words, true value, birth year).
#[derive(Default)]
struct Target<'a> {
    filters: Vec<&'a [u64]>,
    truth: Vec<&'a str>,
    years: Vec<Option<u16>>,
    /// Only the first `measured` entries count (pooled surname filters:
    /// the paternal ones).
    measured: usize,
}

/// Runs the attack, per birth year when `by_year`; share re-identified.
fn run(
    t: &Target<'_>,
    bits: usize,
    public: &[Rec],
    plain_of: &dyn Fn(&mut dyn Iterator<Item = &Rec>) -> Plain,
    p_of: fn(usize) -> Params,
    by_year: bool,
) -> (f64, usize) {
    let mut hit = 0usize;
    let mut labelled = 0usize;
    let groups: Vec<(Option<u16>, Vec<usize>)> = if by_year {
        let mut g: HashMap<u16, Vec<usize>> = HashMap::new();
        for (i, y) in t.years.iter().enumerate() {
            if let Some(y) = y {
                g.entry(*y).or_default().push(i);
            }
        }
        let mut v: Vec<(Option<u16>, Vec<usize>)> =
            g.into_iter().map(|(y, i)| (Some(y), i)).collect();
        v.sort();
        v
    } else {
        vec![(None, (0..t.filters.len()).collect())]
    };
    for (year, idx) in &groups {
        let pl = plain_of(&mut public.iter().filter(|r| year.is_none() || r.year == *year));
        if pl.values.is_empty() {
            continue;
        }
        let f: Vec<&[u64]> = idx.iter().map(|&i| t.filters[i]).collect();
        let truth: Vec<&str> = idx.iter().map(|&i| t.truth[i]).collect();
        let (guess, l) = attack(&f, bits, &pl, &p_of(f.len()), &truth);
        labelled = labelled.max(l);
        for (&i, g) in idx.iter().zip(&guess) {
            if i < t.measured && g.as_deref() == Some(t.truth[i]) {
                hit += 1;
            }
        }
    }
    (hit as f64 / t.measured.max(1) as f64, labelled)
}

fn encode_all(data: &[Rec], edit: fn(&mut Schema)) -> (Vec<Vec<u64>>, Schema) {
    let mut schema = Schema::padron();
    edit(&mut schema);
    let enc = AgencyEncoder::new(
        &Key::from_bytes([0x5e; 32]),
        Algorithm::HmacSha256,
        default_rules(),
        schema.clone(),
        ParseOptions::default(),
    )
    .expect("encoder");
    let mut scratch = enc.scratch();
    let out = data
        .iter()
        .map(|r| {
            enc.encode(&Person::from_row(&r.row), &mut scratch)
                .expect("encode");
            scratch.filters().to_vec()
        })
        .collect();
    (out, schema)
}

fn slot(schema: &Schema, col: &str) -> Slot {
    let layout = padron::bloom::FilterLayout::of(schema);
    if col == "record" {
        return layout.record;
    }
    layout
        .fields
        .iter()
        .find(|f| f.column == col)
        .map(|f| f.slot)
        .expect("column in schema")
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let persons: u32 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(30_000);
    let seed: u64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(1);
    let data = rows(persons, seed);
    let public = rows(persons, seed.wrapping_add(1000));
    type Variant = (&'static str, fn(&mut Schema), bool, bool);
    let variants: [Variant; 4] = [
        (
            "no hardening",
            |s| {
                for f in &mut s.fields {
                    if let Some(filter) = &mut f.filter {
                        filter.hardening.salt = None;
                        filter.hardening.fold = 0;
                    }
                }
            },
            false,
            false,
        ),
        (
            "XOR-fold only",
            |s| {
                for f in &mut s.fields {
                    if let Some(filter) = &mut f.filter {
                        filter.hardening.salt = None;
                    }
                }
            },
            false,
            true,
        ),
        (
            "salt (birth year) only",
            |s| {
                for f in &mut s.fields {
                    if let Some(filter) = &mut f.filter {
                        if filter.hardening.salt.is_some() {
                            filter.hardening.fold = 0;
                        }
                    }
                }
            },
            true,
            false,
        ),
        ("salt + fold (default)", |_| {}, true, true),
    ];
    println!(
        "pattern-mining attack on {} records ({persons} persons, seed {seed}); attacker's plaintext: seed {}",
        data.len(),
        seed.wrapping_add(1000)
    );
    println!(
        "{:<30} {:>26} {:>26}",
        "filters", "given names re-id", "first surnames re-id"
    );
    let given_plain = |it: &mut dyn Iterator<Item = &Rec>| plain(it, &[GIVEN], GIVEN, None);
    let surname_plain =
        |it: &mut dyn Iterator<Item = &Rec>| plain(it, &[SURNAME], SURNAME, Some(0));
    let only = std::env::var("PATTERN_ONLY").unwrap_or_default();
    for (label, edit, by_year, folded) in variants {
        if !label.starts_with(&only) {
            continue;
        }
        let start = Instant::now();
        let (enc, schema) = encode_all(&data, edit);
        let p_of: fn(usize) -> Params = if folded {
            Params::folded
        } else {
            Params::plain
        };
        let (sg, s1, s2) = (
            slot(&schema, "nombre"),
            slot(&schema, "primer_apellido"),
            slot(&schema, "segundo_apellido"),
        );
        let mut given = Target::default();
        let mut sur = Target::default();
        for (r, w) in data.iter().zip(&enc) {
            if let Some(g) = &r.given {
                given.filters.push(&w[sg.offset..sg.offset + sg.words]);
                given.truth.push(g);
                given.years.push(r.year);
            }
        }
        given.measured = given.filters.len();
        // Both surname filters share one key group: the attacker pools them
        // and is scored on the paternal ones.
        for (k, s) in [s1, s2].into_iter().enumerate() {
            for (r, w) in data.iter().zip(&enc) {
                if let Some(v) = &r.surnames[k] {
                    sur.filters.push(&w[s.offset..s.offset + s.words]);
                    sur.truth.push(v);
                    sur.years.push(r.year);
                }
            }
            if k == 0 {
                sur.measured = sur.filters.len();
            }
        }
        let (g, gl) = run(&given, sg.words * 64, &public, &given_plain, p_of, by_year);
        let (s, sl) = run(&sur, s1.words * 64, &public, &surname_plain, p_of, by_year);
        println!(
            "{label:<30} {:>9.1} % ({gl:>4} q-grams) {:>9.1} % ({sl:>4} q-grams)  [{:.1} s]",
            100.0 * g,
            100.0 * s,
            start.elapsed().as_secs_f64()
        );
    }
    // The record filter (CLK): all fields in one filter; the attacker's
    // plaintext is whole records, the target the given name.
    type Clk = (&'static str, fn(&mut Schema), bool);
    let clks: [Clk; 2] = [
        (
            "record filter, unfolded",
            |s| s.record.hardening.fold = 0,
            false,
        ),
        ("record filter, folded (default)", |_| {}, true),
    ];
    let all_plain = |it: &mut dyn Iterator<Item = &Rec>| {
        plain(it, &[GIVEN, SURNAME, DATE, SEX, STATE], GIVEN, None)
    };
    for (label, edit, folded) in clks {
        if !label.starts_with(&only) {
            continue;
        }
        let start = Instant::now();
        let (enc, schema) = encode_all(&data, edit);
        let rs = slot(&schema, "record");
        let mut given = Target::default();
        for (r, w) in data.iter().zip(&enc) {
            if let Some(g) = &r.given {
                given.filters.push(&w[rs.offset..rs.offset + rs.words]);
                given.truth.push(g);
                given.years.push(r.year);
            }
        }
        given.measured = given.filters.len();
        let p_of: fn(usize) -> Params = if folded {
            Params::folded
        } else {
            Params::plain
        };
        let (g, gl) = run(&given, rs.words * 64, &public, &all_plain, p_of, false);
        println!(
            "{label:<30} {:>9.1} % ({gl:>4} q-grams) {:>26}  [{:.1} s]",
            100.0 * g,
            "",
            start.elapsed().as_secs_f64()
        );
    }
}
