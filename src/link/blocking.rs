//! Candidate pairs: sort-based hash joins on every token rule (oversized
//! blocks sub-blocked by the next rules, or reported), plus Hamming-LSH bit
//! sampling over record filters with the popcount-length filter for records
//! the tokens do not catch.

use rayon::prelude::*;

use super::compare::{and_count, Popcounts};
use super::corpus::{pack, Corpus, PairMode};
use super::input::{LinkInput, TokenBytes};
use super::progress::{Progress, Stage};
use super::rng::{mix64, SplitMix64};

/// How candidate pairs are found.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct BlockingConfig {
    /// Token rules to join on, by name; `None` = every rule of the schema.
    pub rules: Option<Vec<String>>,
    /// A block (records sharing a token) producing more pairs than this is
    /// sub-blocked by the following rules; what remains oversized is
    /// reported in [`BlockingStats::oversized`], not compared.
    pub max_block_pairs: u64,
    /// Bloom-filter blocking; `None` = tokens only.
    pub lsh: Option<LshConfig>,
    /// Compare every allowed pair instead (small inputs, reference runs);
    /// refused above [`MAX_EXHAUSTIVE_PAIRS`].
    pub exhaustive: bool,
}

/// Largest comparison space [`BlockingConfig::exhaustive`] accepts.
pub const MAX_EXHAUSTIVE_PAIRS: u128 = 100_000_000;

impl Default for BlockingConfig {
    fn default() -> BlockingConfig {
        BlockingConfig {
            rules: None,
            max_block_pairs: 10_000,
            lsh: Some(LshConfig::default()),
            exhaustive: false,
        }
    }
}

/// Which records take part in LSH blocking.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub enum LshScope {
    /// Every record (the default: a record paired by a token may still
    /// have a second, corrupted partner the tokens miss).
    #[default]
    All,
    /// Only pairs with at least one record that no token join caught
    /// (fewer candidates when most records have a token partner).
    Uncaught,
}

/// Hamming-LSH by bit sampling over record filters.
///
/// Each band samples bit positions (seeded); two records whose filters
/// agree on all of them fall in the same bucket. A pair from a bucket is
/// kept when its record-filter Dice is at least `min_dice` (checked first
/// by the popcount-length bound: Dice >= t implies
/// min(|a|,|b|) / max(|a|,|b|) >= t / (2 - t)).
///
/// With `bits_per_band = 0` (the default) the number of bits adapts to the
/// data: per-bit densities ρ are estimated on a deterministic sample of
/// records, only informative bits (0.02 < ρ < 0.98) are sampled, and a band
/// takes bits until the chance that two random records agree on all of
/// them, Π (ρ² + (1-ρ)²), falls below `collisions_per_record · n / space`
/// (about `collisions_per_record` random bucket pairs per record and band).
/// A true pair with Hamming distance h over l bits agrees on a sampled bit
/// with probability about 1 - h/l, so pairs of high record Dice collide in
/// at least one band with high probability.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct LshConfig {
    /// Number of bands.
    pub bands: u32,
    /// Sampled bits per band (1..=64), or 0 to choose per band from the
    /// data (see above).
    pub bits_per_band: u32,
    /// Target random bucket pairs per record and band when
    /// `bits_per_band` is 0.
    pub collisions_per_record: f64,
    /// Seed of the sampled positions (not secret: positions in a keyed
    /// filter reveal nothing).
    pub seed: u64,
    /// Minimum record-filter Dice for an LSH pair to become a candidate.
    pub min_dice: f64,
    /// A bucket with more records than this is skipped and reported.
    pub max_bucket: u32,
    /// Which records take part.
    pub scope: LshScope,
}

impl Default for LshConfig {
    fn default() -> LshConfig {
        LshConfig {
            bands: 48,
            bits_per_band: 0,
            collisions_per_record: 0.1,
            seed: 0x7061_6472_6f6e_4c53, // "padronLS"
            min_dice: 0.7,
            max_bucket: 1_000,
            scope: LshScope::All,
        }
    }
}

/// Per-rule join statistics.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RuleStats {
    /// Rule name.
    pub rule: String,
    /// Records carrying a token of this rule.
    pub records_with_token: u64,
    /// Blocks (distinct tokens shared by >= 2 records that may pair).
    pub blocks: u64,
    /// Pairs produced (before removing pairs other rules also produced).
    pub pairs: u64,
    /// Pairs of the largest block compared.
    pub largest_block_pairs: u64,
    /// Blocks over the cap that were sub-blocked by later rules.
    pub sub_blocked: u64,
}

/// A block too large to compare even after sub-blocking.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OversizedBlock {
    /// The rule chain (`rule` or `rule>subrule>...`).
    pub rules: String,
    /// Records in the block.
    pub records: u64,
    /// Pairs the block would have produced.
    pub pairs: u64,
}

/// LSH statistics.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LshStats {
    /// Records the tokens did not pair (the LSH probes under
    /// [`LshScope::Uncaught`]).
    pub uncaught_records: u64,
    /// Bucket pairs examined (under [`LshScope::Uncaught`] a pair of two
    /// uncaught records is examined from both sides and counted twice).
    pub pairs_examined: u64,
    /// Pairs passing the popcount-length filter and `min_dice`.
    pub pairs_kept: u64,
    /// Buckets skipped for exceeding `max_bucket`.
    pub skipped_buckets: u64,
    /// Mean sampled bits per band.
    pub mean_bits_per_band: f64,
}

/// What blocking did; pair completeness and reduction ratio follow from
/// `candidates` and `comparison_space` (with the truth, from `eval`).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BlockingStats {
    /// Records per input.
    pub records: Vec<u64>,
    /// Pairs a full comparison would examine.
    pub comparison_space: u64,
    /// Distinct candidate pairs.
    pub candidates: u64,
    /// 1 - candidates / comparison_space.
    pub reduction_ratio: f64,
    /// Per-rule join statistics, in rule order.
    pub rules: Vec<RuleStats>,
    /// Number of blocks left oversized after sub-blocking.
    pub oversized_blocks: u64,
    /// Pairs those blocks (and sub-block records missing a sub-rule token)
    /// would have produced.
    pub oversized_pairs: u64,
    /// The largest oversized blocks (at most 32), largest first.
    pub oversized: Vec<OversizedBlock>,
    /// LSH statistics, when LSH ran.
    pub lsh: Option<LshStats>,
}

const MAX_REPORTED_OVERSIZED: usize = 32;

/// 64-bit join key of a token (tokens are uniform keyed-hash output; a
/// 64-bit collision only adds a candidate, never loses one).
#[inline]
fn token_key(t: &TokenBytes) -> u64 {
    let mut lo = [0u8; 8];
    let mut hi = [0u8; 8];
    lo.copy_from_slice(&t[..8]);
    hi.copy_from_slice(&t[8..]);
    u64::from_le_bytes(lo) ^ mix64(u64::from_le_bytes(hi))
}

/// Number of allowed pairs among `members` (sorted global indices).
fn block_pairs<I: LinkInput>(corpus: &Corpus<'_, I>, members: &[(u64, u32)]) -> u64 {
    let n = members.len() as u64;
    let all = n * n.saturating_sub(1) / 2;
    match corpus.mode {
        PairMode::All => all,
        PairMode::Cross => {
            // members are sorted by index, so runs of one source are
            // contiguous.
            let mut within = 0u64;
            let mut start = 0;
            while start < members.len() {
                let s = corpus.source_of(members[start].1);
                let mut end = start + 1;
                while end < members.len() && corpus.source_of(members[end].1) == s {
                    end += 1;
                }
                let k = (end - start) as u64;
                within += k * (k - 1) / 2;
                start = end;
            }
            all - within
        }
    }
}

fn emit_block<I: LinkInput>(corpus: &Corpus<'_, I>, members: &[(u64, u32)], out: &mut Vec<u64>) {
    for (x, &(_, i)) in members.iter().enumerate() {
        for &(_, j) in &members[x + 1..] {
            if corpus.pair_allowed(i, j) {
                out.push(pack(i, j));
            }
        }
    }
}

struct RuleOutput {
    pairs: Vec<u64>,
    stats: RuleStats,
    oversized: Vec<OversizedBlock>,
    oversized_blocks: u64,
    oversized_pairs: u64,
}

/// Join on rule `chain[0]`, sub-blocking oversized blocks by the rules that
/// follow in `order`.
fn join_rule<I: LinkInput>(
    corpus: &Corpus<'_, I>,
    names: &[String],
    order: &[usize],
    first: usize,
    cap: u64,
) -> RuleOutput {
    let rule = order[first];
    let n = corpus.len();
    let mut keys: Vec<(u64, u32)> = (0..n)
        .into_par_iter()
        .filter_map(|g| corpus.token(g, rule).map(|t| (token_key(t), g)))
        .collect();
    keys.par_sort_unstable();
    let mut out = RuleOutput {
        pairs: Vec::new(),
        stats: RuleStats {
            rule: names.get(rule).cloned().unwrap_or_default(),
            records_with_token: keys.len() as u64,
            ..RuleStats::default()
        },
        oversized: Vec::new(),
        oversized_blocks: 0,
        oversized_pairs: 0,
    };
    let chain = vec![rule];
    let rest: Vec<usize> = order.iter().copied().filter(|&r| r != rule).collect();
    let mut start = 0;
    while start < keys.len() {
        let k = keys[start].0;
        let mut end = start + 1;
        while end < keys.len() && keys[end].0 == k {
            end += 1;
        }
        if end - start >= 2 {
            process_block(
                corpus,
                names,
                &keys[start..end],
                &chain,
                &rest,
                cap,
                &mut out,
                true,
            );
        }
        start = end;
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn process_block<I: LinkInput>(
    corpus: &Corpus<'_, I>,
    names: &[String],
    members: &[(u64, u32)],
    chain: &[usize],
    rest: &[usize],
    cap: u64,
    out: &mut RuleOutput,
    top: bool,
) {
    let pairs = block_pairs(corpus, members);
    if pairs == 0 {
        return;
    }
    if top {
        out.stats.blocks += 1;
    }
    if pairs <= cap {
        out.stats.pairs += pairs;
        out.stats.largest_block_pairs = out.stats.largest_block_pairs.max(pairs);
        emit_block(corpus, members, &mut out.pairs);
        return;
    }
    let Some((&sub, rest2)) = rest.split_first() else {
        out.oversized_blocks += 1;
        out.oversized_pairs += pairs;
        out.oversized.push(OversizedBlock {
            rules: chain
                .iter()
                .map(|&r| names.get(r).map_or("?", String::as_str))
                .collect::<Vec<_>>()
                .join(">"),
            records: members.len() as u64,
            pairs,
        });
        return;
    };
    if top {
        out.stats.sub_blocked += 1;
    }
    let mut sub_keys: Vec<(u64, u32)> = Vec::with_capacity(members.len());
    let mut lacking: Vec<(u64, u32)> = Vec::new();
    for &(_, g) in members {
        match corpus.token(g, sub) {
            Some(t) => sub_keys.push((token_key(t), g)),
            None => lacking.push((0, g)),
        }
    }
    if !lacking.is_empty() {
        // Pairs involving records without the sub-rule's token cannot be
        // sub-blocked by it: count them as not generated.
        let in_sub = block_pairs(corpus, &sub_keys);
        let dropped = pairs.saturating_sub(in_sub);
        out.oversized_blocks += 1;
        out.oversized_pairs += dropped;
        let mut chain2 = chain.to_vec();
        chain2.push(sub);
        out.oversized.push(OversizedBlock {
            rules: format!(
                "{} (records without the last rule's token)",
                chain2
                    .iter()
                    .map(|&r| names.get(r).map_or("?", String::as_str))
                    .collect::<Vec<_>>()
                    .join(">")
            ),
            records: lacking.len() as u64,
            pairs: dropped,
        });
    }
    sub_keys.sort_unstable();
    let mut chain2 = chain.to_vec();
    chain2.push(sub);
    let mut start = 0;
    while start < sub_keys.len() {
        let k = sub_keys[start].0;
        let mut end = start + 1;
        while end < sub_keys.len() && sub_keys[end].0 == k {
            end += 1;
        }
        if end - start >= 2 {
            // Sub-block members must stay sorted by index for
            // `block_pairs`; they are, as (key, g) sorts g within a key.
            process_block(
                corpus,
                names,
                &sub_keys[start..end],
                &chain2,
                rest2,
                cap,
                out,
                false,
            );
        }
        start = end;
    }
}

/// Candidate pairs (sorted, distinct, packed with [`pack`]) and statistics.
pub(crate) fn candidates<I: LinkInput>(
    corpus: &Corpus<'_, I>,
    rule_names: &[String],
    rules: &[usize],
    config: &BlockingConfig,
    pc: &Popcounts,
    progress: &dyn Progress,
) -> (Vec<u64>, BlockingStats) {
    if config.exhaustive {
        return exhaustive(corpus);
    }
    let total_rules = rules.len() as u64;
    progress.report(Stage::Blocking, 0, total_rules);
    let outputs: Vec<RuleOutput> = (0..rules.len())
        .into_par_iter()
        .map(|x| join_rule(corpus, rule_names, rules, x, config.max_block_pairs))
        .collect();
    progress.report(Stage::Blocking, total_rules, total_rules);

    let mut stats = BlockingStats {
        records: (0..corpus.sources())
            .map(|s| u64::from(corpus.source_len(s)))
            .collect(),
        comparison_space: u64::try_from(corpus.comparison_space()).unwrap_or(u64::MAX),
        ..BlockingStats::default()
    };
    let total: usize = outputs.iter().map(|o| o.pairs.len()).sum();
    let mut pairs: Vec<u64> = Vec::with_capacity(total);
    for o in outputs {
        pairs.extend_from_slice(&o.pairs);
        stats.rules.push(o.stats);
        stats.oversized_blocks += o.oversized_blocks;
        stats.oversized_pairs += o.oversized_pairs;
        stats.oversized.extend(o.oversized);
    }
    stats
        .oversized
        .sort_by(|a, b| b.pairs.cmp(&a.pairs).then_with(|| a.rules.cmp(&b.rules)));
    stats.oversized.truncate(MAX_REPORTED_OVERSIZED);
    pairs.par_sort_unstable();
    pairs.dedup();

    if let Some(lsh) = &config.lsh {
        let (lsh_pairs, lsh_stats) = lsh_candidates(corpus, lsh, &pairs, pc, progress);
        if !lsh_pairs.is_empty() {
            pairs.extend_from_slice(&lsh_pairs);
            pairs.par_sort_unstable();
            pairs.dedup();
        }
        stats.lsh = Some(lsh_stats);
    }
    stats.candidates = pairs.len() as u64;
    stats.reduction_ratio = if stats.comparison_space == 0 {
        0.0
    } else {
        1.0 - stats.candidates as f64 / stats.comparison_space as f64
    };
    (pairs, stats)
}

/// Every allowed pair (the caller checked the space is small enough).
fn exhaustive<I: LinkInput>(corpus: &Corpus<'_, I>) -> (Vec<u64>, BlockingStats) {
    let n = corpus.len();
    let pairs: Vec<u64> = (0..n)
        .into_par_iter()
        .flat_map_iter(|i| {
            (i + 1..n)
                .filter(move |&j| corpus.pair_allowed(i, j))
                .map(move |j| pack(i, j))
        })
        .collect();
    let stats = BlockingStats {
        records: (0..corpus.sources())
            .map(|s| u64::from(corpus.source_len(s)))
            .collect(),
        comparison_space: pairs.len() as u64,
        candidates: pairs.len() as u64,
        reduction_ratio: 0.0,
        ..BlockingStats::default()
    };
    (pairs, stats)
}

/// The sampled bit positions of each band (see [`LshConfig`]).
fn band_positions<I: LinkInput>(
    corpus: &Corpus<'_, I>,
    cfg: &LshConfig,
    bits: u32,
) -> Vec<Vec<u32>> {
    if cfg.bits_per_band != 0 {
        let k = cfg.bits_per_band.clamp(1, 64).min(bits.max(1));
        return (0..cfg.bands)
            .map(|b| {
                let mut rng = SplitMix64::new(cfg.seed ^ mix64(u64::from(b) + 1));
                let mut pos: Vec<u32> = Vec::with_capacity(k as usize);
                while pos.len() < k as usize {
                    let p = rng.below(u64::from(bits)) as u32;
                    if !pos.contains(&p) {
                        pos.push(p);
                    }
                }
                pos.sort_unstable();
                pos
            })
            .collect();
    }
    // Per-bit densities on an evenly spaced sample of records.
    let n = corpus.len();
    let sample = n.min(20_000);
    let mut ones = vec![0u32; bits as usize];
    let mut counted = 0u32;
    for s in 0..sample {
        let g = (u64::from(s) * u64::from(n) / u64::from(sample)) as u32;
        let f = corpus.record_filter(g);
        if f.iter().all(|&w| w == 0) {
            continue;
        }
        counted += 1;
        for (w, &word) in f.iter().enumerate() {
            let mut x = word;
            while x != 0 {
                let b = w * 64 + x.trailing_zeros() as usize;
                if let Some(c) = ones.get_mut(b) {
                    *c += 1;
                }
                x &= x - 1;
            }
        }
    }
    if counted == 0 {
        return Vec::new();
    }
    // ln P(two random records agree on bit b), for informative bits.
    let informative: Vec<(u32, f64)> = ones
        .iter()
        .enumerate()
        .filter_map(|(b, &c)| {
            let rho = f64::from(c) / f64::from(counted);
            (rho > 0.02 && rho < 0.98)
                .then(|| (b as u32, (rho * rho + (1.0 - rho) * (1.0 - rho)).ln()))
        })
        .collect();
    if informative.is_empty() {
        return Vec::new();
    }
    let space = corpus.comparison_space().max(1) as f64;
    let target = (cfg.collisions_per_record.max(1e-9) * f64::from(n) / space).min(1.0);
    let ln_target = target.ln();
    (0..cfg.bands)
        .map(|b| {
            let mut rng = SplitMix64::new(cfg.seed ^ mix64(u64::from(b) + 1));
            // Partial Fisher–Yates over the informative bits.
            let mut pool: Vec<(u32, f64)> = informative.clone();
            let mut pos: Vec<u32> = Vec::new();
            let mut ln_p = 0.0;
            let mut x = 0;
            while x < pool.len() && pos.len() < 64 && ln_p > ln_target {
                let y = x + rng.below((pool.len() - x) as u64) as usize;
                pool.swap(x, y);
                pos.push(pool[x].0);
                ln_p += pool[x].1;
                x += 1;
            }
            pos.sort_unstable();
            pos
        })
        .collect()
}

/// 32-bit hash of a band key.
#[inline]
fn bucket_hash(key: u64) -> u64 {
    mix64(key) >> 32
}

#[inline]
fn band_key(filter: &[u64], positions: &[u32]) -> u64 {
    let mut key = 0u64;
    for (n, &p) in positions.iter().enumerate() {
        let bit = filter
            .get((p / 64) as usize)
            .map_or(0, |w| (w >> (p % 64)) & 1);
        key |= bit << n;
    }
    key
}

/// Whether records `i`, `j` pass the popcount-length bound and `min_dice`.
#[inline]
fn lsh_verify<I: LinkInput>(
    corpus: &Corpus<'_, I>,
    pc: &Popcounts,
    min_dice: f64,
    i: u32,
    j: u32,
) -> bool {
    let (pa, pb) = (pc.record(i), pc.record(j));
    let (lo, hi) = if pa <= pb { (pa, pb) } else { (pb, pa) };
    // Dice >= t  =>  lo / hi >= t / (2 - t)  <=>  lo * (2 - t) >= t * hi.
    if f64::from(lo) * (2.0 - min_dice) < min_dice * f64::from(hi) {
        return false;
    }
    let c = and_count(corpus.record_filter(i), corpus.record_filter(j));
    2.0 * f64::from(c) >= min_dice * f64::from(pa + pb)
}

fn lsh_candidates<I: LinkInput>(
    corpus: &Corpus<'_, I>,
    cfg: &LshConfig,
    token_pairs: &[u64],
    pc: &Popcounts,
    progress: &dyn Progress,
) -> (Vec<u64>, LshStats) {
    use std::sync::atomic::{AtomicU64, Ordering};
    let n = corpus.len();
    let mut stats = LshStats::default();
    // Records caught by a token pair.
    let mut caught = vec![false; n as usize];
    for &p in token_pairs {
        let (i, j) = super::corpus::unpack(p);
        if let Some(c) = caught.get_mut(i as usize) {
            *c = true;
        }
        if let Some(c) = caught.get_mut(j as usize) {
            *c = true;
        }
    }
    let present = |g: u32| pc.record(g) > 0;
    let probes: Vec<u32> = (0..n)
        .filter(|&g| present(g) && !caught.get(g as usize).copied().unwrap_or(true))
        .collect();
    stats.uncaught_records = probes.len() as u64;
    let bits = (0..n)
        .map(|g| corpus.record_filter(g).len())
        .max()
        .unwrap_or(0)
        .saturating_mul(64);
    let bits = u32::try_from(bits).unwrap_or(u32::MAX);
    if bits == 0 || cfg.bands == 0 {
        return (Vec::new(), stats);
    }
    let (indexed, all_probe): (Vec<u32>, bool) = match cfg.scope {
        LshScope::Uncaught => (probes, false),
        LshScope::All => ((0..n).filter(|&g| present(g)).collect(), true),
    };
    if indexed.is_empty() {
        return (Vec::new(), stats);
    }
    let positions = band_positions(corpus, cfg, bits);
    if !positions.is_empty() {
        stats.mean_bits_per_band =
            positions.iter().map(Vec::len).sum::<usize>() as f64 / positions.len() as f64;
    }
    let examined = AtomicU64::new(0);
    let skipped = AtomicU64::new(0);
    let bands = positions.len() as u64;
    progress.report(Stage::Lsh, 0, bands);
    // Kept pairs of all bands so far; sorted and deduplicated whenever it
    // doubles, so memory stays near the number of distinct pairs.
    let mut all: Vec<u64> = Vec::new();
    let mut clean = 0usize;
    for (b, pos) in positions.iter().enumerate() {
        // Index entries: 32-bit hash of the band key above the record
        // index, sorted. A hash collision only adds a bucket pair that the
        // Dice check then examines.
        let mut index: Vec<u64> = indexed
            .par_iter()
            .map(|&g| (bucket_hash(band_key(corpus.record_filter(g), pos)) << 32) | u64::from(g))
            .collect();
        index.par_sort_unstable();
        let mut out: Vec<u64> = if all_probe {
            // Every record is indexed: pairs within each bucket.
            let mut runs: Vec<(usize, usize)> = Vec::new();
            let mut start = 0;
            while start < index.len() {
                let h = index[start] >> 32;
                let mut end = start + 1;
                while end < index.len() && index[end] >> 32 == h {
                    end += 1;
                }
                if end - start >= 2 {
                    if end - start > cfg.max_bucket as usize {
                        skipped.fetch_add(1, Ordering::Relaxed);
                    } else {
                        runs.push((start, end));
                    }
                }
                start = end;
            }
            runs.par_iter()
                .flat_map_iter(|&(s, e)| {
                    let bucket = &index[s..e];
                    let mut v = Vec::new();
                    let mut ex = 0u64;
                    for (x, &ei) in bucket.iter().enumerate() {
                        let i = ei as u32;
                        for &ej in &bucket[x + 1..] {
                            let j = ej as u32;
                            if corpus.pair_allowed(i, j) {
                                ex += 1;
                                if lsh_verify(corpus, pc, cfg.min_dice, i, j) {
                                    v.push(pack(i, j));
                                }
                            }
                        }
                    }
                    examined.fetch_add(ex, Ordering::Relaxed);
                    v
                })
                .collect()
        } else {
            // Probe every record against the uncaught records' buckets.
            (0..n)
                .into_par_iter()
                .with_min_len(4096)
                .flat_map_iter(|h| {
                    let mut v = Vec::new();
                    if !present(h) {
                        return v;
                    }
                    let key = bucket_hash(band_key(corpus.record_filter(h), pos));
                    let lo = index.partition_point(|&e| e >> 32 < key);
                    let hi = index.partition_point(|&e| e >> 32 <= key);
                    if hi - lo > cfg.max_bucket as usize {
                        // Count the bucket once: when its first indexed
                        // record probes (every record probes, and it has
                        // this key).
                        if index.get(lo).map(|&e| e as u32) == Some(h) {
                            skipped.fetch_add(1, Ordering::Relaxed);
                        }
                        return v;
                    }
                    let mut ex = 0u64;
                    for &e in &index[lo..hi] {
                        let r = e as u32;
                        if corpus.pair_allowed(h, r) {
                            ex += 1;
                            if lsh_verify(corpus, pc, cfg.min_dice, h, r) {
                                v.push(pack(h, r));
                            }
                        }
                    }
                    examined.fetch_add(ex, Ordering::Relaxed);
                    v
                })
                .collect()
        };
        drop(index);
        all.append(&mut out);
        if all.len() > 2 * clean.max(1 << 16) {
            all.par_sort_unstable();
            all.dedup();
            clean = all.len();
        }
        progress.report(Stage::Lsh, b as u64 + 1, bands);
    }
    all.par_sort_unstable();
    all.dedup();
    stats.pairs_examined = examined.load(Ordering::Relaxed);
    stats.pairs_kept = all.len() as u64;
    stats.skipped_buckets = skipped.load(Ordering::Relaxed);
    (all, stats)
}
