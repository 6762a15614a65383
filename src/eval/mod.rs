//! Accuracy of linkage and deduplication against ground truth.
//!
//! The truth says which person each record belongs to ([`Truth`]: record id,
//! padrón, person id). An [`Evaluator`] takes the pairs a matcher declared
//! (`record_id_a,record_id_b`), optionally the candidate pairs a blocking step
//! produced and the corruption tags of each record, and computes a
//! [`Report`]:
//!
//! - **pairs**: true positives, false positives, false negatives, precision,
//!   recall, F1. In [`Mode::Linkage`] only pairs of records from *different*
//!   padrones are in scope (a declared pair inside one padrón is counted as
//!   out of scope and ignored); in [`Mode::Dedupe`] every pair is.
//! - **clusters** (dedupe): the declared pairs are closed transitively into
//!   clusters (connected components; unmatched records are singletons) and
//!   compared with the true clusters, pairwise (every pair inside a cluster)
//!   and by B-cubed (per-record precision and recall, averaged over records).
//! - **blocking**: pair completeness (true pairs among the candidates / all
//!   true pairs), reduction ratio (1 − candidates / all pairs in scope) and
//!   pair quality (true pairs among candidates / candidates).
//! - **recall per corruption tag**: a true pair counts for a tag when either
//!   record carries the tag; the row `(none)` holds true pairs whose records
//!   carry no tag at all.
//!
//! A ratio whose denominator is zero is `None` (JSON `null`), never a guess.
//! Ids are opaque strings; pairs are unordered; repeated pairs and self
//! pairs are counted and ignored; ids missing from the truth are counted
//! and their pairs ignored. Output order never depends on hash-map order.
//!
//! ```
//! use padron::eval::{Evaluator, Mode, Truth};
//! let mut t = Truth::new();
//! for (r, p, person) in [("a1", "1", "x"), ("b1", "2", "x"), ("b2", "2", "y")] {
//!     t.push(r, p, person).unwrap();
//! }
//! let report = Evaluator::new(&t, Mode::Linkage)
//!     .matches([("a1", "b1"), ("a1", "b2")])
//!     .report();
//! assert_eq!(report.pairs.true_positives, 1);
//! assert_eq!(report.pairs.false_positives, 1);
//! assert_eq!(report.pairs.precision, Some(0.5));
//! ```

mod read;

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::Serialize;

pub use read::{read_clusters, read_corruptions, read_pairs, read_truth, read_truth_of};

/// Why evaluation input could not be read. Names the file kind, the row and
/// the column, never a cell's value.
#[derive(Debug)]
#[non_exhaustive]
pub enum EvalError {
    /// A required column is missing from the header.
    MissingColumn {
        /// Which input (`truth`, `matches`, `candidates`, `corruptions`).
        input: &'static str,
        /// The column name.
        column: &'static str,
    },
    /// A required cell is empty.
    EmptyField {
        /// Which input.
        input: &'static str,
        /// 1-based data row.
        row: u64,
        /// The column name.
        column: &'static str,
    },
    /// A record id appears twice in the truth.
    DuplicateRecord {
        /// 1-based data row of the second occurrence.
        row: u64,
    },
    /// A cluster of a clusters file has more records than allowed.
    ClusterTooLarge {
        /// 1-based data row where the limit was passed.
        row: u64,
        /// The limit.
        max_cluster: usize,
    },
    /// The CSV could not be read.
    Csv {
        /// Which input.
        input: &'static str,
        /// The reader's error.
        source: csv::Error,
    },
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalError::MissingColumn { input, column } => {
                write!(f, "{input} file has no column {column}")
            }
            EvalError::EmptyField { input, row, column } => {
                write!(f, "{input} file, row {row}: column {column} is empty")
            }
            EvalError::DuplicateRecord { row } => {
                write!(f, "truth file, row {row}: record id already seen")
            }
            EvalError::ClusterTooLarge { row, max_cluster } => write!(
                f,
                "clusters file, row {row}: a cluster has more than {max_cluster} records"
            ),
            EvalError::Csv { input, source } => match source.position() {
                Some(p) => write!(f, "{input} file, line {}: unreadable CSV", p.line()),
                None => write!(f, "{input} file: unreadable CSV ({})", csv_kind(source)),
            },
        }
    }
}

fn csv_kind(e: &csv::Error) -> &'static str {
    match e.kind() {
        csv::ErrorKind::Io(_) => "I/O error",
        csv::ErrorKind::Utf8 { .. } => "not UTF-8",
        csv::ErrorKind::UnequalLengths { .. } => "rows of unequal length",
        _ => "malformed",
    }
}

impl std::error::Error for EvalError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            EvalError::Csv { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Which pairs are in scope.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum Mode {
    /// Linkage across padrones: only pairs of records of different padrones.
    #[default]
    #[serde(rename = "linkage")]
    Linkage,
    /// Deduplication: every pair of records, in any padrón.
    #[serde(rename = "dedupe")]
    Dedupe,
}

/// Ground truth: for each record, its padrón and its person.
#[derive(Clone, Default)]
pub struct Truth {
    index: HashMap<String, u32>,
    /// Per record (in insertion order): entity and padrón numbers.
    entity: Vec<u32>,
    padron: Vec<u32>,
    entities: HashMap<String, u32>,
    padrones: HashMap<String, u32>,
}

impl fmt::Debug for Truth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Truth")
            .field("records", &self.entity.len())
            .field("persons", &self.entities.len())
            .field("padrones", &self.padrones.len())
            .finish()
    }
}

impl Truth {
    /// An empty truth.
    pub fn new() -> Truth {
        Truth::default()
    }

    /// Adds a record. Fails on a repeated record id (`row` in the error is
    /// the record's 1-based position).
    pub fn push(
        &mut self,
        record_id: &str,
        padron: &str,
        person_id: &str,
    ) -> Result<(), EvalError> {
        let n = self.entity.len() as u32;
        if self.index.contains_key(record_id) {
            return Err(EvalError::DuplicateRecord {
                row: u64::from(n) + 1,
            });
        }
        let next_e = self.entities.len() as u32;
        let e = *self.entities.entry(person_id.to_owned()).or_insert(next_e);
        let next_p = self.padrones.len() as u32;
        let p = *self.padrones.entry(padron.to_owned()).or_insert(next_p);
        self.index.insert(record_id.to_owned(), n);
        self.entity.push(e);
        self.padron.push(p);
        Ok(())
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.entity.len()
    }

    /// True when there are no records.
    pub fn is_empty(&self) -> bool {
        self.entity.is_empty()
    }

    /// Number of distinct persons.
    pub fn persons(&self) -> usize {
        self.entities.len()
    }

    fn id(&self, record_id: &str) -> Option<u32> {
        self.index.get(record_id).copied()
    }

    fn in_scope(&self, mode: Mode, a: u32, b: u32) -> bool {
        match mode {
            Mode::Dedupe => true,
            Mode::Linkage => self.padron.get(a as usize) != self.padron.get(b as usize),
        }
    }

    fn same_entity(&self, a: u32, b: u32) -> bool {
        self.entity.get(a as usize) == self.entity.get(b as usize)
    }

    /// Record indices grouped by entity (groups in order of first record).
    fn groups(&self) -> Vec<Vec<u32>> {
        let mut order: Vec<(u32, u32)> = self
            .entity
            .iter()
            .enumerate()
            .map(|(i, &e)| (e, i as u32))
            .collect();
        order.sort_unstable();
        let mut out: Vec<Vec<u32>> = Vec::new();
        let mut last = None;
        for (e, i) in order {
            if last != Some(e) {
                out.push(Vec::new());
                last = Some(e);
            }
            if let Some(g) = out.last_mut() {
                g.push(i);
            }
        }
        out
    }

    /// Number of true pairs in scope: per person, all pairs of its records
    /// (dedupe) or those across padrones (linkage).
    fn true_pair_count(&self, mode: Mode) -> u64 {
        self.groups()
            .iter()
            .map(|g| self.pairs_in_scope(g, mode))
            .sum()
    }

    fn pairs_in_scope(&self, records: &[u32], mode: Mode) -> u64 {
        let n = records.len() as u64;
        let all = n * n.saturating_sub(1) / 2;
        match mode {
            Mode::Dedupe => all,
            Mode::Linkage => {
                let mut per: Vec<u32> = records
                    .iter()
                    .filter_map(|&r| self.padron.get(r as usize).copied())
                    .collect();
                per.sort_unstable();
                let mut same = 0u64;
                let mut run = 0u64;
                let mut prev = None;
                for p in per {
                    if Some(p) == prev {
                        run += 1;
                    } else {
                        same += run * run.saturating_sub(1) / 2;
                        run = 1;
                        prev = Some(p);
                    }
                }
                same += run * run.saturating_sub(1) / 2;
                all - same
            }
        }
    }
}

/// Per-record corruption tags (any tag names).
#[derive(Clone, Debug, Default)]
pub struct Corruptions {
    names: Vec<String>,
    by_name: HashMap<String, u16>,
    tags: HashMap<String, Vec<u16>>,
}

impl Corruptions {
    /// No tags.
    pub fn new() -> Corruptions {
        Corruptions::default()
    }

    /// Adds the tags of a record (`;`-separated, blanks ignored); repeated
    /// calls for one record add up.
    pub fn push(&mut self, record_id: &str, tags: &str) {
        let list = self.tags.entry(record_id.to_owned()).or_default();
        for t in tags.split(';').map(str::trim).filter(|t| !t.is_empty()) {
            let next = self.names.len() as u16;
            let id = *self.by_name.entry(t.to_owned()).or_insert_with(|| next);
            if id == next {
                self.names.push(t.to_owned());
            }
            if !list.contains(&id) {
                list.push(id);
            }
        }
    }

    fn of(&self, record_id: &str) -> &[u16] {
        self.tags.get(record_id).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// Counts of the declared input.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct InputCounts {
    /// Pairs read.
    pub pairs_read: u64,
    /// Pairs that repeat an earlier one (in either order).
    pub repeated: u64,
    /// Pairs of a record with itself.
    pub self_pairs: u64,
    /// Pairs with an id that is not in the truth.
    pub unknown_ids: u64,
    /// Linkage only: pairs of two records of the same padrón.
    pub out_of_scope: u64,
    /// Distinct pairs evaluated.
    pub evaluated: u64,
}

/// Confusion counts and ratios for pairs.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PairMetrics {
    /// Declared pairs that are true.
    pub true_positives: u64,
    /// Declared pairs that are not.
    pub false_positives: u64,
    /// True pairs not declared.
    pub false_negatives: u64,
    /// TP / (TP + FP).
    pub precision: Option<f64>,
    /// TP / (TP + FN).
    pub recall: Option<f64>,
    /// Harmonic mean of precision and recall.
    pub f1: Option<f64>,
}

impl PairMetrics {
    fn from_counts(tp: u64, fp: u64, fun: u64) -> PairMetrics {
        let precision = ratio(tp, tp + fp);
        let recall = ratio(tp, tp + fun);
        PairMetrics {
            true_positives: tp,
            false_positives: fp,
            false_negatives: fun,
            precision,
            recall,
            f1: f1(precision, recall),
        }
    }
}

fn ratio(num: u64, den: u64) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

fn f1(p: Option<f64>, r: Option<f64>) -> Option<f64> {
    match (p, r) {
        (Some(p), Some(r)) if p + r > 0.0 => Some(2.0 * p * r / (p + r)),
        (Some(_), Some(_)) => Some(0.0),
        _ => None,
    }
}

/// Cluster metrics (dedupe).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ClusterMetrics {
    /// Clusters formed by the declared pairs (singletons included).
    pub predicted_clusters: u64,
    /// True clusters (persons).
    pub true_clusters: u64,
    /// Pairwise over clusters: every pair inside a predicted cluster is a
    /// declared pair, every pair inside a true cluster a true pair.
    pub pairwise: PairMetrics,
    /// B-cubed precision: mean over records of |P(r) ∩ T(r)| / |P(r)|.
    pub bcubed_precision: Option<f64>,
    /// B-cubed recall: mean over records of |P(r) ∩ T(r)| / |T(r)|.
    pub bcubed_recall: Option<f64>,
    /// Harmonic mean of the two.
    pub bcubed_f1: Option<f64>,
}

/// Blocking quality from the candidate pairs.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct BlockingMetrics {
    /// Distinct candidate pairs in scope.
    pub candidate_pairs: u64,
    /// All pairs in scope (the comparison space without blocking).
    pub possible_pairs: u64,
    /// True pairs among the candidates.
    pub true_pairs_found: u64,
    /// True pairs in scope.
    pub true_pairs: u64,
    /// true_pairs_found / true_pairs.
    pub pair_completeness: Option<f64>,
    /// 1 − candidate_pairs / possible_pairs.
    pub reduction_ratio: Option<f64>,
    /// true_pairs_found / candidate_pairs.
    pub pair_quality: Option<f64>,
    /// Counts of the candidate input.
    pub input: InputCounts,
}

/// Recall restricted to true pairs touched by one corruption tag.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TagRecall {
    /// Tag name, or `(none)` for pairs whose records carry no tag.
    pub tag: String,
    /// True pairs in scope where either record carries the tag.
    pub true_pairs: u64,
    /// Of those, pairs declared by the matcher.
    pub found: u64,
    /// found / true_pairs.
    pub recall: Option<f64>,
}

/// Everything [`Evaluator::report`] computes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// Scope of the evaluation.
    pub mode: Mode,
    /// Records in the truth.
    pub records: u64,
    /// Persons in the truth.
    pub persons: u64,
    /// True pairs in scope.
    pub true_pairs: u64,
    /// Counts of the declared matches.
    pub input: InputCounts,
    /// Pair metrics.
    pub pairs: PairMetrics,
    /// Cluster metrics (dedupe only).
    pub clusters: Option<ClusterMetrics>,
    /// Blocking metrics (when candidates were given).
    pub blocking: Option<BlockingMetrics>,
    /// Recall per tag (when corruptions were given), tags sorted by name,
    /// `(none)` last.
    pub recall_by_tag: Vec<TagRecall>,
}

/// Collects the inputs of one evaluation.
#[derive(Debug)]
pub struct Evaluator<'a> {
    truth: &'a Truth,
    mode: Mode,
    matches: Vec<(u32, u32)>,
    match_input: InputCounts,
    candidates: Option<(Vec<(u32, u32)>, InputCounts)>,
    corruptions: Option<&'a Corruptions>,
}

impl<'a> Evaluator<'a> {
    /// An evaluation against `truth` in `mode`, with no matches yet.
    pub fn new(truth: &'a Truth, mode: Mode) -> Evaluator<'a> {
        Evaluator {
            truth,
            mode,
            matches: Vec::new(),
            match_input: InputCounts::default(),
            candidates: None,
            corruptions: None,
        }
    }

    /// Adds declared matches.
    pub fn matches<I, A, B>(mut self, pairs: I) -> Evaluator<'a>
    where
        I: IntoIterator<Item = (A, B)>,
        A: AsRef<str>,
        B: AsRef<str>,
    {
        collect_pairs(
            self.truth,
            self.mode,
            pairs,
            &mut self.matches,
            &mut self.match_input,
        );
        self
    }

    /// Adds candidate pairs (the output of blocking).
    pub fn candidates<I, A, B>(mut self, pairs: I) -> Evaluator<'a>
    where
        I: IntoIterator<Item = (A, B)>,
        A: AsRef<str>,
        B: AsRef<str>,
    {
        let (mut list, mut input) = self.candidates.take().unwrap_or_default();
        collect_pairs(self.truth, self.mode, pairs, &mut list, &mut input);
        self.candidates = Some((list, input));
        self
    }

    /// Uses these per-record corruption tags for recall per tag.
    pub fn corruptions(mut self, c: &'a Corruptions) -> Evaluator<'a> {
        self.corruptions = Some(c);
        self
    }

    /// Computes the report.
    pub fn report(mut self) -> Report {
        let t = self.truth;
        dedup_pairs(&mut self.matches, &mut self.match_input);
        let tp = self
            .matches
            .iter()
            .filter(|&&(a, b)| t.same_entity(a, b))
            .count() as u64;
        let true_pairs = t.true_pair_count(self.mode);
        let pairs = PairMetrics::from_counts(
            tp,
            self.matches.len() as u64 - tp,
            true_pairs.saturating_sub(tp),
        );
        let clusters = (self.mode == Mode::Dedupe).then(|| cluster_metrics(t, &self.matches));
        let blocking = self.candidates.take().map(|(mut list, mut input)| {
            dedup_pairs(&mut list, &mut input);
            let found = list.iter().filter(|&&(a, b)| t.same_entity(a, b)).count() as u64;
            let possible = possible_pairs(t, self.mode);
            BlockingMetrics {
                candidate_pairs: list.len() as u64,
                possible_pairs: possible,
                true_pairs_found: found,
                true_pairs,
                pair_completeness: ratio(found, true_pairs),
                reduction_ratio: ratio(list.len() as u64, possible).map(|x| 1.0 - x),
                pair_quality: ratio(found, list.len() as u64),
                input,
            }
        });
        let recall_by_tag = match self.corruptions {
            Some(c) => recall_by_tag(t, self.mode, &self.matches, c),
            None => Vec::new(),
        };
        Report {
            mode: self.mode,
            records: t.len() as u64,
            persons: t.persons() as u64,
            true_pairs,
            input: self.match_input,
            pairs,
            clusters,
            blocking,
            recall_by_tag,
        }
    }
}

fn collect_pairs<I, A, B>(
    truth: &Truth,
    mode: Mode,
    pairs: I,
    out: &mut Vec<(u32, u32)>,
    counts: &mut InputCounts,
) where
    I: IntoIterator<Item = (A, B)>,
    A: AsRef<str>,
    B: AsRef<str>,
{
    for (a, b) in pairs {
        counts.pairs_read += 1;
        let (Some(x), Some(y)) = (truth.id(a.as_ref()), truth.id(b.as_ref())) else {
            counts.unknown_ids += 1;
            continue;
        };
        if x == y {
            counts.self_pairs += 1;
            continue;
        }
        if !truth.in_scope(mode, x, y) {
            counts.out_of_scope += 1;
            continue;
        }
        out.push((x.min(y), x.max(y)));
    }
}

fn dedup_pairs(list: &mut Vec<(u32, u32)>, counts: &mut InputCounts) {
    let before = list.len();
    list.sort_unstable();
    list.dedup();
    counts.repeated += (before - list.len()) as u64;
    counts.evaluated = list.len() as u64;
}

fn possible_pairs(t: &Truth, mode: Mode) -> u64 {
    let n = t.len() as u64;
    let all = n * n.saturating_sub(1) / 2;
    match mode {
        Mode::Dedupe => all,
        Mode::Linkage => {
            let mut per: Vec<u64> = vec![0; t.padrones.len()];
            for &p in &t.padron {
                if let Some(c) = per.get_mut(p as usize) {
                    *c += 1;
                }
            }
            all - per.iter().map(|c| c * c.saturating_sub(1) / 2).sum::<u64>()
        }
    }
}

/// Union-find with path halving and union by size.
struct Components {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl Components {
    fn new(n: usize) -> Components {
        Components {
            parent: (0..n as u32).collect(),
            size: vec![1; n],
        }
    }

    fn find(&mut self, mut x: u32) -> u32 {
        loop {
            let p = self.parent.get(x as usize).copied().unwrap_or(x);
            if p == x {
                return x;
            }
            let gp = self.parent.get(p as usize).copied().unwrap_or(p);
            if let Some(slot) = self.parent.get_mut(x as usize) {
                *slot = gp;
            }
            x = gp;
        }
    }

    fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return;
        }
        let sa = self.size.get(ra as usize).copied().unwrap_or(1);
        let sb = self.size.get(rb as usize).copied().unwrap_or(1);
        let (big, small) = if sa >= sb { (ra, rb) } else { (rb, ra) };
        if let Some(slot) = self.parent.get_mut(small as usize) {
            *slot = big;
        }
        if let Some(slot) = self.size.get_mut(big as usize) {
            *slot = sa + sb;
        }
    }
}

fn pairs_of(n: u64) -> u64 {
    n * n.saturating_sub(1) / 2
}

fn cluster_metrics(t: &Truth, matches: &[(u32, u32)]) -> ClusterMetrics {
    let n = t.len();
    let mut uf = Components::new(n);
    for &(a, b) in matches {
        uf.union(a, b);
    }
    // (predicted root, entity) per record, sorted: runs give n_ij.
    let mut cells: Vec<(u32, u32)> = (0..n as u32)
        .map(|r| (uf.find(r), t.entity.get(r as usize).copied().unwrap_or(0)))
        .collect();
    cells.sort_unstable();
    let mut pred_size: HashMap<u32, u64> = HashMap::new();
    let mut true_size: HashMap<u32, u64> = HashMap::new();
    for &(p, e) in &cells {
        *pred_size.entry(p).or_insert(0) += 1;
        *true_size.entry(e).or_insert(0) += 1;
    }
    let mut tp_pairs = 0u64;
    let mut b3p = 0.0f64;
    let mut b3r = 0.0f64;
    let mut i = 0;
    // Sums run in sorted-cell order, so the float results are reproducible.
    while i < cells.len() {
        let mut j = i;
        while j < cells.len() && cells.get(j) == cells.get(i) {
            j += 1;
        }
        let (p, e) = cells.get(i).copied().unwrap_or((0, 0));
        let nij = (j - i) as u64;
        tp_pairs += pairs_of(nij);
        let sq = (nij * nij) as f64;
        b3p += sq / pred_size.get(&p).copied().unwrap_or(1) as f64;
        b3r += sq / true_size.get(&e).copied().unwrap_or(1) as f64;
        i = j;
    }
    let mut pred_sizes: Vec<u64> = pred_size.values().copied().collect();
    pred_sizes.sort_unstable();
    let mut true_sizes: Vec<u64> = true_size.values().copied().collect();
    true_sizes.sort_unstable();
    let pred_pairs: u64 = pred_sizes.iter().map(|&s| pairs_of(s)).sum();
    let true_pairs: u64 = true_sizes.iter().map(|&s| pairs_of(s)).sum();
    let bp = (n > 0).then(|| b3p / n as f64);
    let br = (n > 0).then(|| b3r / n as f64);
    ClusterMetrics {
        predicted_clusters: pred_sizes.len() as u64,
        true_clusters: true_sizes.len() as u64,
        pairwise: PairMetrics::from_counts(tp_pairs, pred_pairs - tp_pairs, true_pairs - tp_pairs),
        bcubed_precision: bp,
        bcubed_recall: br,
        bcubed_f1: f1(bp, br),
    }
}

fn recall_by_tag(t: &Truth, mode: Mode, matches: &[(u32, u32)], c: &Corruptions) -> Vec<TagRecall> {
    // Record index -> tags, via the record ids.
    let mut rec_tags: Vec<&[u16]> = vec![&[]; t.len()];
    for (id, &i) in &t.index {
        if let Some(slot) = rec_tags.get_mut(i as usize) {
            *slot = c.of(id);
        }
    }
    let found: HashSet<(u32, u32)> = matches.iter().copied().collect();
    let k = c.names.len();
    let mut total = vec![0u64; k + 1];
    let mut hit = vec![0u64; k + 1];
    let mut union: Vec<u16> = Vec::new();
    for g in t.groups() {
        for (x, &a) in g.iter().enumerate() {
            for &b in g.iter().skip(x + 1) {
                if !t.in_scope(mode, a, b) {
                    continue;
                }
                let is_found = found.contains(&(a.min(b), a.max(b)));
                union.clear();
                for r in [a, b] {
                    for &tag in rec_tags.get(r as usize).copied().unwrap_or(&[]) {
                        if !union.contains(&tag) {
                            union.push(tag);
                        }
                    }
                }
                if union.is_empty() {
                    union.push(k as u16);
                }
                for &tag in &union {
                    if let Some(x) = total.get_mut(usize::from(tag)) {
                        *x += 1;
                    }
                    if is_found {
                        if let Some(x) = hit.get_mut(usize::from(tag)) {
                            *x += 1;
                        }
                    }
                }
            }
        }
    }
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&a, &b| c.names.get(a).cmp(&c.names.get(b)));
    order.push(k);
    order
        .into_iter()
        .map(|i| {
            let n = total.get(i).copied().unwrap_or(0);
            let f = hit.get(i).copied().unwrap_or(0);
            TagRecall {
                tag: c
                    .names
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| "(none)".to_owned()),
                true_pairs: n,
                found: f,
                recall: ratio(f, n),
            }
        })
        .collect()
}
