//! Linkage and deduplication of encoded padrones: blocking, Fellegi–Sunter
//! scoring with EM, thresholds for a target precision, one-to-one
//! assignment and clustering.
//!
//! The engine reads any [`LinkInput`] (tokens, per-field Bloom filters and a
//! record filter per record) and never sees plaintext.
//!
//! # Pipeline
//!
//! 1. **Candidates** ([`BlockingConfig`]): a sort-based join on every token
//!    rule (two-sided across inputs for linkage, one-sided for dedupe). A
//!    block above [`BlockingConfig::max_block_pairs`] is sub-blocked by the
//!    following rules; what remains too large is counted and listed in
//!    [`BlockingStats`], never dropped silently. Then Hamming-LSH bit
//!    sampling over record filters ([`LshConfig`]) for records no token
//!    caught, with the popcount-length filter and a minimum record Dice.
//! 2. **Comparison** ([`ComparisonDef`]): per field, the level of the pair:
//!    equal token, identical filters, a Dice band, else, or missing
//!    (neutral). Fields of a crosswise group (e.g. the two surnames) are
//!    compared under the assignment that maximises their total Dice, so a
//!    surname swap still agrees.
//! 3. **Model** ([`EmConfig`], [`FittedModel`]): u from seeded random pairs,
//!    then EM on the candidates' distinct patterns for m, u and the prior
//!    λ. Weight = Σ log2(m/u); probability from λ.
//! 4. **Threshold** ([`Threshold`]): by default the lowest weight whose
//!    model-estimated precision over the candidates is ≥ 0.995.
//! 5. **Resolution**: linkage returns every cross pair at or above the
//!    threshold (padrones have their own duplicates, so 1:1 would cap
//!    recall), or a greedy one-to-one subset ([`LinkConfig::one_to_one`]).
//!    Dedupe and many-input runs cluster (see [`ClusterConfig`]: greedy
//!    average linkage over matched edges, so one weak link does not chain
//!    two people).
//!
//! Work runs on the current rayon pool; outputs are sorted and reductions
//! are deterministic, so results do not depend on the number of threads.
//!
//! # Example
//!
//! ```
//! use padron::link::{FieldSpec, InputSchema, LinkConfig, Linker, MemInput, NoProgress};
//!
//! let schema = InputSchema {
//!     token_rules: vec!["curp".into()],
//!     fields: vec![FieldSpec::new("name")],
//!     key_fingerprint: Vec::new(),
//! };
//! let mut a = MemInput::new(schema.clone(), 1, 1);
//! let mut b = MemInput::new(schema, 1, 1);
//! a.push("a1", &[Some([1; 16])], &[Some(&[0b1111])], &[0b1111]).unwrap();
//! b.push("b1", &[Some([1; 16])], &[Some(&[0b1111])], &[0b1111]).unwrap();
//! let linker = Linker::new(LinkConfig::default()).unwrap();
//! let out = linker.link(&a, &b, &NoProgress).unwrap();
//! assert_eq!(out.stats.blocking.candidates, 1);
//! ```

mod blocking;
mod compare;
mod corpus;
mod encoded;
mod error;
mod input;
mod model;
mod progress;
mod resolve;
mod rng;

use rayon::prelude::*;
use subtle::ConstantTimeEq;

pub use blocking::{
    BlockingConfig, BlockingStats, FilterJoins, LshConfig, LshStats, OversizedBlock, RuleStats,
    MAX_EXHAUSTIVE_PAIRS,
};
pub use compare::{
    ComparisonDef, Pattern, DEFAULT_BANDS, MAX_COMPARISONS, MAX_LEVELS, VETO_WEIGHT,
};
pub use encoded::{input_schema, recommended_comparisons, EncodedInput};
pub use error::LinkError;
pub use input::{FieldSpec, InputSchema, LinkInput, MemInput, TokenBytes};
pub use model::{EmConfig, FittedComparison, FittedLevel, FittedModel, Threshold, ThresholdReport};
pub use progress::{NoProgress, Progress, Stage};
pub use resolve::{ClusterConfig, ClusterStats};

use compare::{Comparator, Popcounts};
use corpus::{pack, unpack, Corpus, PairMode};
use rng::SplitMix64;

/// Everything that configures a run. `Default` is the recommended setting.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct LinkConfig {
    /// Candidate generation.
    pub blocking: BlockingConfig,
    /// Comparisons; `None` = one Bloom comparison per schema field
    /// ([`ComparisonDef::defaults_for`]).
    pub comparisons: Option<Vec<ComparisonDef>>,
    /// Model fitting.
    pub em: EmConfig,
    /// Threshold rule.
    pub threshold: Threshold,
    /// Linkage only: keep a greedy one-to-one subset of the matches (for
    /// padrones known to be free of duplicates).
    pub one_to_one: bool,
    /// Dedupe and many-input clustering.
    pub clustering: ClusterConfig,
}

/// A record of one input: `input` is its position in the inputs given to
/// the run (0 = A, 1 = B for linkage), `index` its row in that input.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct RecordRef {
    /// Input position.
    pub input: u32,
    /// Row within the input.
    pub index: u32,
}

/// A pair judged to be the same person.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MatchPair {
    /// First record (for linkage: from input A; else the lower one).
    pub a: RecordRef,
    /// Second record.
    pub b: RecordRef,
    /// Match weight (sum of log2 m/u).
    pub weight: f64,
    /// Posterior probability.
    pub probability: f64,
    /// Comparison levels (render with [`FittedModel::evidence`]).
    pub pattern: Pattern,
}

/// Statistics of a run.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LinkStats {
    /// Candidate generation.
    pub blocking: BlockingStats,
    /// Candidate pairs at or above the threshold.
    pub pairs_above_threshold: u64,
    /// Pairs output (after one-to-one, when asked).
    pub matches: u64,
    /// Clustering, for dedupe and many-input runs.
    pub clustering: Option<ClusterStats>,
    /// Candidate pairs at a veto level (see [`ComparisonDef::veto`]) that
    /// the other comparisons alone would have matched: with the default
    /// comparisons, RENAPO homonyms — or one person RENAPO gave two CURPs,
    /// a case for review by hand.
    #[serde(default)]
    pub vetoed_pairs: u64,
}

/// Receives matched pairs in output order (push model). Return `Ok(false)`
/// to stop early.
pub trait MatchSink {
    /// The sink's error.
    type Error;
    /// One matched pair.
    fn matched(&mut self, pair: &MatchPair) -> Result<bool, Self::Error>;
}

impl MatchSink for Vec<MatchPair> {
    type Error = std::convert::Infallible;
    fn matched(&mut self, pair: &MatchPair) -> Result<bool, Self::Error> {
        self.push(*pair);
        Ok(true)
    }
}

/// Result of [`Linker::link`].
#[derive(Clone, Debug)]
pub struct Linkage {
    /// The fitted model and threshold.
    pub model: FittedModel,
    /// Statistics.
    pub stats: LinkStats,
    /// Matched pairs sorted by (A index, B index).
    pub matches: Vec<MatchPair>,
}

impl Linkage {
    /// Push every match into `sink`, in order.
    pub fn emit<S: MatchSink>(&self, sink: &mut S) -> Result<(), S::Error> {
        for m in &self.matches {
            if !sink.matched(m)? {
                break;
            }
        }
        Ok(())
    }
}

/// Result of [`Linker::dedupe`] and [`Linker::cluster`].
#[derive(Clone, Debug)]
pub struct Clustering {
    /// The fitted model and threshold.
    pub model: FittedModel,
    /// Statistics.
    pub stats: LinkStats,
    /// Matched pairs (before clustering) sorted by record.
    pub matches: Vec<MatchPair>,
    /// Input sizes, to address `cluster_ids`.
    offsets: Vec<u32>,
    /// Cluster id of every record, inputs concatenated in order.
    cluster_ids: Vec<u32>,
}

impl Clustering {
    /// Cluster id of a record (dense, numbered in order of each cluster's
    /// first record, inputs taken in order); `None` if out of range.
    pub fn cluster_of(&self, r: RecordRef) -> Option<u32> {
        let start = *self.offsets.get(r.input as usize)?;
        let end = *self.offsets.get(r.input as usize + 1)?;
        let g = start.checked_add(r.index).filter(|&g| g < end)?;
        self.cluster_ids.get(g as usize).copied()
    }

    /// Cluster ids of input `input`'s records, in row order.
    pub fn cluster_ids(&self, input: usize) -> &[u32] {
        match (self.offsets.get(input), self.offsets.get(input + 1)) {
            (Some(&s), Some(&e)) => self.cluster_ids.get(s as usize..e as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// Number of clusters (singletons included).
    pub fn len(&self) -> usize {
        self.stats
            .clustering
            .as_ref()
            .map_or(0, |c| c.clusters as usize)
    }

    /// `true` when there are no records.
    pub fn is_empty(&self) -> bool {
        self.cluster_ids.is_empty()
    }
}

/// The linkage engine.
#[derive(Clone, Debug)]
pub struct Linker {
    config: LinkConfig,
}

/// Candidate pairs scored.
struct Scored {
    cmp: Comparator,
    pc: Popcounts,
    model: FittedModel,
    stats: LinkStats,
    /// Matched (pair, weight, pattern), sorted by pair.
    matched: Vec<(u64, f64, Pattern)>,
}

impl Linker {
    /// A linker with `config`, checked.
    pub fn new(config: LinkConfig) -> Result<Linker, LinkError> {
        if let Some(lsh) = &config.blocking.lsh {
            if lsh.bits_per_band > 64 {
                return Err(LinkError::Config("LSH bits_per_band must be in 0..=64"));
            }
            if lsh.collisions_per_record.is_nan() || lsh.collisions_per_record <= 0.0 {
                return Err(LinkError::Config("LSH collisions_per_record must be > 0"));
            }
            if !(lsh.min_dice >= 0.0 && lsh.min_dice <= 1.0) {
                return Err(LinkError::Config("LSH min_dice must be in [0, 1]"));
            }
        }
        let t_ok = match config.threshold {
            Threshold::TargetPrecision(t) | Threshold::Probability(t) => t > 0.0 && t < 1.0,
            Threshold::Weight(w) => w.is_finite(),
        };
        if !t_ok {
            return Err(LinkError::Config(
                "threshold: precision or probability must be in (0, 1), a weight finite",
            ));
        }
        let em = &config.em;
        let em_ok = em.initial_lambda > 0.0
            && em.initial_lambda < 1.0
            && em.tolerance >= 0.0
            && em.pseudo_count >= 0.0;
        if !em_ok {
            return Err(LinkError::Config("EM parameters out of range"));
        }
        if let Some(w) = config.clustering.min_average_weight {
            if !w.is_finite() {
                return Err(LinkError::Config("clustering gate must be finite"));
            }
        }
        Ok(Linker { config })
    }

    /// The configuration.
    pub fn config(&self) -> &LinkConfig {
        &self.config
    }

    /// Link two inputs: every cross pair judged a match (or a one-to-one
    /// subset), sorted by (A index, B index).
    pub fn link<I: LinkInput>(
        &self,
        a: &I,
        b: &I,
        progress: &dyn Progress,
    ) -> Result<Linkage, LinkError> {
        let inputs = [a, b];
        let corpus = Corpus::new(&inputs[..], PairMode::Cross)?;
        let s = self.score(&corpus, progress)?;
        let mut matched = s.matched;
        let mut stats = s.stats;
        if self.config.one_to_one {
            progress.report(Stage::Resolving, 0, 1);
            let edges: Vec<(u64, f64)> = matched.iter().map(|&(p, w, _)| (p, w)).collect();
            let kept = resolve::one_to_one(corpus.len(), &edges);
            matched = kept
                .into_iter()
                .filter_map(|k| matched.get(k).copied())
                .collect();
            progress.report(Stage::Resolving, 1, 1);
        }
        let matches = to_pairs(&corpus, &s.model, &matched);
        stats.matches = matches.len() as u64;
        Ok(Linkage {
            model: s.model,
            stats,
            matches,
        })
    }

    /// Deduplicate one input: one cluster id per person.
    pub fn dedupe<I: LinkInput>(
        &self,
        input: &I,
        progress: &dyn Progress,
    ) -> Result<Clustering, LinkError> {
        self.cluster(&[input], progress)
    }

    /// Link and deduplicate any number of inputs at once (three or more
    /// holders into one cluster id per person): candidates within and
    /// across inputs, one model, clustering.
    pub fn cluster<I: LinkInput>(
        &self,
        inputs: &[I],
        progress: &dyn Progress,
    ) -> Result<Clustering, LinkError> {
        let corpus = Corpus::new(inputs, PairMode::All)?;
        let s = self.score(&corpus, progress)?;
        let (cmp, pc) = (&s.cmp, &s.pc);
        let gate = self
            .config
            .clustering
            .min_average_weight
            .unwrap_or(s.model.threshold.weight);
        let edges: Vec<(u64, f64)> = s.matched.iter().map(|&(p, w, _)| (p, w)).collect();
        let model = &s.model;
        let (ids, cstats) = resolve::cluster(
            corpus.len(),
            &edges,
            gate,
            &self.config.clustering,
            |x, y| model.weight(cmp.pattern(&corpus, pc, x, y)),
            progress,
        );
        let mut stats = s.stats;
        let matches = to_pairs(&corpus, &s.model, &s.matched);
        stats.matches = matches.len() as u64;
        stats.clustering = Some(cstats);
        let offsets = (0..=corpus.sources())
            .map(|k| {
                if k == corpus.sources() {
                    corpus.len()
                } else {
                    corpus.source_offset(k)
                }
            })
            .collect();
        Ok(Clustering {
            model: s.model,
            stats,
            matches,
            offsets,
            cluster_ids: ids,
        })
    }

    /// Only the candidate pairs of a linkage run (A index, B index), sorted,
    /// with blocking statistics: for measuring pair completeness.
    pub fn link_candidates<I: LinkInput>(
        &self,
        a: &I,
        b: &I,
        progress: &dyn Progress,
    ) -> Result<(Vec<(u32, u32)>, BlockingStats), LinkError> {
        let inputs = [a, b];
        let corpus = Corpus::new(&inputs[..], PairMode::Cross)?;
        let (pairs, stats) = self.block(&corpus, progress)?;
        let off = corpus.source_offset(1);
        Ok((
            pairs
                .iter()
                .map(|&p| {
                    let (i, j) = unpack(p);
                    (i, j - off)
                })
                .collect(),
            stats,
        ))
    }

    /// Only the candidate pairs of a dedupe run (i < j), sorted, with
    /// blocking statistics.
    pub fn dedupe_candidates<I: LinkInput>(
        &self,
        input: &I,
        progress: &dyn Progress,
    ) -> Result<(Vec<(u32, u32)>, BlockingStats), LinkError> {
        let inputs = [input];
        let corpus = Corpus::new(&inputs[..], PairMode::All)?;
        let (pairs, stats) = self.block(&corpus, progress)?;
        Ok((pairs.iter().map(|&p| unpack(p)).collect(), stats))
    }

    fn block<I: LinkInput>(
        &self,
        corpus: &Corpus<'_, I>,
        progress: &dyn Progress,
    ) -> Result<(Vec<u64>, BlockingStats), LinkError> {
        let inputs = corpus.inputs();
        let cmp = self.comparator(inputs)?;
        let schema = inputs.first().ok_or(LinkError::NoInput)?.schema();
        let pc = Popcounts::new(corpus, &cmp);
        let rules = self.rules(&schema)?;
        self.check_exhaustive(corpus)?;
        Ok(blocking::candidates(
            corpus,
            &schema.token_rules,
            &schema.field_names(),
            &rules,
            &self.config.blocking,
            &pc,
            progress,
        ))
    }

    fn check_exhaustive<I: LinkInput>(&self, corpus: &Corpus<'_, I>) -> Result<(), LinkError> {
        if self.config.blocking.exhaustive
            && corpus.comparison_space() > blocking::MAX_EXHAUSTIVE_PAIRS
        {
            return Err(LinkError::Config(
                "exhaustive blocking refused: more than 100 million pairs",
            ));
        }
        Ok(())
    }

    fn rules(&self, schema: &InputSchema) -> Result<Vec<usize>, LinkError> {
        match &self.config.blocking.rules {
            None => Ok((0..schema.token_rules.len()).collect()),
            Some(names) => names
                .iter()
                .map(|n| {
                    schema.rule_index(n).ok_or_else(|| LinkError::UnknownName {
                        comparison: "blocking".into(),
                        name: n.clone(),
                    })
                })
                .collect(),
        }
    }

    fn comparator<I: LinkInput>(&self, inputs: &[I]) -> Result<Comparator, LinkError> {
        let first = inputs.first().ok_or(LinkError::NoInput)?;
        let schema = first.schema();
        for (k, other) in inputs.iter().enumerate().skip(1) {
            let s = other.schema();
            if s.token_rules != schema.token_rules || s.fields != schema.fields {
                return Err(LinkError::SchemaMismatch { input: k });
            }
            let same_key = s.key_fingerprint.len() == schema.key_fingerprint.len()
                && bool::from(s.key_fingerprint.ct_eq(&schema.key_fingerprint));
            if !same_key {
                return Err(LinkError::KeyMismatch { input: k });
            }
        }
        let defs = match &self.config.comparisons {
            Some(d) => d.clone(),
            None => ComparisonDef::defaults_for(&schema),
        };
        Comparator::new(&schema, &defs)
    }

    /// Candidates, comparison, model, threshold.
    fn score<I: LinkInput>(
        &self,
        corpus: &Corpus<'_, I>,
        progress: &dyn Progress,
    ) -> Result<Scored, LinkError> {
        let inputs = corpus.inputs();
        let cmp = self.comparator(inputs)?;
        let schema = inputs.first().ok_or(LinkError::NoInput)?.schema();
        self.check_exhaustive(corpus)?;
        let pc = Popcounts::new(corpus, &cmp);
        let rules = self.rules(&schema)?;
        let (pairs, bstats) = blocking::candidates(
            corpus,
            &schema.token_rules,
            &schema.field_names(),
            &rules,
            &self.config.blocking,
            &pc,
            progress,
        );
        let patterns = compare_all(corpus, &cmp, &pc, &pairs, Stage::Comparing, progress);
        let counts = count_patterns(&patterns);

        let random = random_pairs(corpus, self.config.em.random_pairs, self.config.em.seed);
        let random_patterns = compare_all(corpus, &cmp, &pc, &random, Stage::RandomPairs, progress);
        let random_counts = count_patterns(&random_patterns);
        let levels = cmp.level_counts();
        let u_random = model::u_from_random(&random_counts, &levels);
        // The EM sample: every candidate, plus the random pairs that are not
        // candidates standing in for all non-candidate pairs.
        let space = corpus.comparison_space();
        let rest: Vec<Pattern> = random
            .iter()
            .zip(&random_patterns)
            .filter(|(p, _)| pairs.binary_search(p).is_err())
            .map(|(_, &pat)| pat)
            .collect();
        // The non-candidates the random pairs stand for: all of them, or
        // `non_candidate_ratio` times as many as there are candidates.
        let non_candidates = space.saturating_sub(pairs.len() as u128) as f64;
        let rest_total = match self.config.em.non_candidate_ratio {
            Some(k) if k.is_finite() && k > 0.0 => {
                (k * pairs.len().max(1) as f64).min(non_candidates)
            }
            _ => non_candidates,
        };
        let rest_weight = if rest.is_empty() {
            0.0
        } else {
            rest_total / rest.len() as f64
        };
        let sample = merge_weighted(&counts, &count_patterns(&rest), rest_weight);
        let sample_pairs = pairs.len() as f64 + if rest.is_empty() { 0.0 } else { rest_total };
        let lambda0 = if sample_pairs <= 0.0 {
            0.5
        } else {
            self.config.em.initial_lambda * pairs.len().max(1) as f64 / sample_pairs
        };
        let vetoes: Vec<Option<usize>> = cmp.defs().iter().map(|d| d.veto_level()).collect();
        let fit = model::fit_em(
            &sample,
            &levels,
            &u_random,
            lambda0,
            &vetoes,
            &self.config.em,
            progress,
        );
        let mut model = model::build_model(
            cmp.defs(),
            &fit,
            u64::try_from(space).unwrap_or(u64::MAX),
            &u_random,
            &counts,
            random.len() as u64,
            self.config.threshold,
        )?;
        model.em_sample_pairs = sample_pairs.round() as u64;
        progress.report(Stage::Resolving, 0, 1);
        let thr = model.threshold.weight;
        let matched: Vec<(u64, f64, Pattern)> = pairs
            .par_iter()
            .zip(patterns.par_iter())
            .filter_map(|(&p, &pat)| {
                let w = model.weight(pat);
                (w >= thr).then_some((p, w, pat))
            })
            .collect();
        let vetoes: Vec<(usize, u8, f64)> = cmp
            .defs()
            .iter()
            .enumerate()
            .filter_map(|(c, d)| {
                let l = d.veto_level()?;
                let w = model.comparisons.get(c)?.levels.get(l)?.weight;
                Some((c, l as u8, w))
            })
            .collect();
        let vetoed_pairs = if vetoes.is_empty() {
            0
        } else {
            counts
                .iter()
                .filter(|&&(pat, _)| {
                    let vetoed: f64 = vetoes
                        .iter()
                        .filter(|&&(c, l, _)| pat.level(c) == Some(l))
                        .map(|&(_, _, w)| w)
                        .sum();
                    vetoed != 0.0 && model.weight(pat) - vetoed >= thr
                })
                .map(|&(_, n)| n)
                .sum()
        };
        progress.report(Stage::Resolving, 1, 1);
        let stats = LinkStats {
            blocking: bstats,
            pairs_above_threshold: matched.len() as u64,
            matches: 0,
            clustering: None,
            vetoed_pairs,
        };
        Ok(Scored {
            cmp,
            pc,
            model,
            stats,
            matched,
        })
    }
}

fn to_pairs<I: LinkInput>(
    corpus: &Corpus<'_, I>,
    model: &FittedModel,
    matched: &[(u64, f64, Pattern)],
) -> Vec<MatchPair> {
    let rref = |g: u32| {
        let s = corpus.source_of(g);
        RecordRef {
            input: s as u32,
            index: g - corpus.source_offset(s),
        }
    };
    matched
        .iter()
        .map(|&(p, w, pattern)| {
            let (i, j) = unpack(p);
            MatchPair {
                a: rref(i),
                b: rref(j),
                weight: w,
                probability: model.probability(w),
                pattern,
            }
        })
        .collect()
}

/// Patterns of `pairs`, in order.
fn compare_all<I: LinkInput>(
    corpus: &Corpus<'_, I>,
    cmp: &Comparator,
    pc: &Popcounts,
    pairs: &[u64],
    stage: Stage,
    progress: &dyn Progress,
) -> Vec<Pattern> {
    use std::sync::atomic::{AtomicU64, Ordering};
    const CHUNK: usize = 1 << 16;
    let total = pairs.len() as u64;
    let done = AtomicU64::new(0);
    progress.report(stage, 0, total);
    let mut out = vec![Pattern(0); pairs.len()];
    out.par_chunks_mut(CHUNK)
        .zip(pairs.par_chunks(CHUNK))
        .for_each(|(o, p)| {
            for (slot, &pair) in o.iter_mut().zip(p) {
                let (i, j) = unpack(pair);
                *slot = cmp.pattern(corpus, pc, i, j);
            }
            let d = done.fetch_add(p.len() as u64, Ordering::Relaxed) + p.len() as u64;
            progress.report(stage, d, total);
        });
    out
}

/// Distinct patterns with counts, sorted by pattern.
fn count_patterns(patterns: &[Pattern]) -> Vec<(Pattern, u64)> {
    let mut sorted = patterns.to_vec();
    sorted.par_sort_unstable();
    let mut out: Vec<(Pattern, u64)> = Vec::new();
    for p in sorted {
        match out.last_mut() {
            Some((q, n)) if *q == p => *n += 1,
            _ => out.push((p, 1)),
        }
    }
    out
}

/// Candidate counts (weight 1) and `rest` counts times `rest_weight`,
/// merged by pattern (both inputs sorted by pattern).
fn merge_weighted(
    candidates: &[(Pattern, u64)],
    rest: &[(Pattern, u64)],
    rest_weight: f64,
) -> Vec<(Pattern, f64)> {
    let mut out: Vec<(Pattern, f64)> = Vec::with_capacity(candidates.len() + rest.len());
    let (mut x, mut y) = (0, 0);
    while x < candidates.len() || y < rest.len() {
        let take_c = match (candidates.get(x), rest.get(y)) {
            (Some(c), Some(r)) => c.0 <= r.0,
            (Some(_), None) => true,
            _ => false,
        };
        let (p, w) = if take_c {
            let (p, n) = candidates[x];
            x += 1;
            (p, n as f64)
        } else {
            let (p, n) = rest[y];
            y += 1;
            (p, n as f64 * rest_weight)
        };
        match out.last_mut() {
            Some((q, v)) if *q == p => *v += w,
            _ => out.push((p, w)),
        }
    }
    out
}

/// `want` seeded random allowed pairs (with replacement), packed.
fn random_pairs<I: LinkInput>(corpus: &Corpus<'_, I>, want: u64, seed: u64) -> Vec<u64> {
    let n = corpus.len();
    let space = corpus.comparison_space();
    if n < 2 || space == 0 {
        return Vec::new();
    }
    let want = u128::from(want).min(space) as usize;
    let mut rng = SplitMix64::new(seed);
    let mut out = Vec::with_capacity(want);
    while out.len() < want {
        let i = rng.below(u64::from(n)) as u32;
        let j = match corpus.mode {
            PairMode::All => {
                // Uniform over the other n - 1 records.
                let j = rng.below(u64::from(n) - 1) as u32;
                if j >= i {
                    j + 1
                } else {
                    j
                }
            }
            PairMode::Cross => {
                // Uniform over the records of the other inputs.
                let s = corpus.source_of(i);
                let (off, len) = (corpus.source_offset(s), corpus.source_len(s));
                let others = n - len;
                if others == 0 {
                    return Vec::new();
                }
                let j = rng.below(u64::from(others)) as u32;
                if j >= off {
                    j + len
                } else {
                    j
                }
            }
        };
        out.push(pack(i, j));
    }
    out
}
