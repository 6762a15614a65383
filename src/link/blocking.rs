//! Candidate pairs: sort-based hash joins on every token rule (oversized
//! blocks sub-blocked by the next rules, or reported), plus Hamming-LSH bit
//! sampling over record filters with the popcount-length filter, for pairs
//! the tokens do not catch.

use rayon::prelude::*;

use super::compare::{and_count, Popcounts};
use super::corpus::{pack, Corpus, PairMode};
use super::input::{LinkInput, TokenBytes};
use super::progress::{Progress, Stage};
use super::rng::{mix64, SplitMix64};
use crate::bloom::{dice_at_least, DiceThreshold};

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
    /// Joins on equal per-field filters (see [`FilterJoins`]).
    pub filter_joins: FilterJoins,
}

/// Hash joins on per-field Bloom filters: two records whose filters of a
/// field are bit-for-bit equal (the same normalized value, and the same
/// salt) share a block, as if the field were a token rule named
/// `filter:<field>`. Blocks over the cap are sub-blocked by the fields that
/// follow, so a common surname is split by given name, birth date…
///
/// Inputs without token rules (registries encoded by a schema alone) have
/// no other exact keys: there these joins find the pairs whose record
/// filters differ too much for LSH (several fields edited) as long as one
/// field survived intact.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FilterJoins {
    /// Only when the input has no token rules (the default).
    #[default]
    Auto,
    /// Always, after the token rules.
    Always,
    /// Never.
    Never,
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
            filter_joins: FilterJoins::Auto,
        }
    }
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
/// takes bits until the chance that two records of a calibration sample
/// (50 000 evenly spaced records) share its bucket *and fail the Dice
/// check* falls below `collisions_per_record · n / space`: about
/// `collisions_per_record` wasted bucket pairs per record and band. (The
/// first bits are drawn from the independence estimate Π (ρ² + (1-ρ)²);
/// measured waste then adds bits, since the k bits of one q-gram agree
/// together.)
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
    /// Target wasted bucket pairs (failing the Dice check) per record and
    /// band when `bits_per_band` is 0.
    pub collisions_per_record: f64,
    /// Seed of the sampled positions (not secret: positions in a keyed
    /// filter reveal nothing).
    pub seed: u64,
    /// Minimum record-filter Dice for an LSH pair to become a candidate.
    pub min_dice: f64,
    /// A bucket with more records than this is split by further sampled
    /// bits (each level aiming at 16 sub-buckets, at most 4 levels); one
    /// still larger is skipped and counted in
    /// [`LshStats::skipped_buckets`].
    pub max_bucket: u32,
}

impl Default for LshConfig {
    fn default() -> LshConfig {
        LshConfig {
            bands: 48,
            bits_per_band: 0,
            collisions_per_record: 0.3,
            seed: 0x7061_6472_6f6e_4c53, // "padronLS"
            min_dice: 0.8,
            max_bucket: 64,
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
    /// Bucket pairs examined (Dice computed).
    pub pairs_examined: u64,
    /// Pairs passing the popcount-length filter and `min_dice`.
    pub pairs_kept: u64,
    /// Buckets skipped for exceeding `max_bucket` after refinement.
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

/// What a join keys on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeySource {
    /// A token rule, by index.
    Token(usize),
    /// A per-field filter, by field index.
    Filter(usize),
}

/// 64-bit join key of a per-field filter (its words are keyed Bloom
/// output; as for tokens, a collision only adds a candidate).
#[inline]
fn filter_key(words: &[u64]) -> u64 {
    words.iter().fold(0x9e37_79b9_7f4a_7c15u64, |h, &w| {
        mix64(h ^ w).rotate_left(17)
    })
}

#[inline]
fn source_key<I: LinkInput>(corpus: &Corpus<'_, I>, src: KeySource, g: u32) -> Option<u64> {
    match src {
        KeySource::Token(r) => corpus.token(g, r).map(token_key),
        KeySource::Filter(f) => corpus.field_filter(g, f).map(filter_key),
    }
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
    order: &[KeySource],
    first: usize,
    cap: u64,
) -> RuleOutput {
    let rule = order[first];
    let n = corpus.len();
    let mut keys: Vec<(u64, u32)> = (0..n)
        .into_par_iter()
        .filter_map(|g| source_key(corpus, rule, g).map(|k| (k, g)))
        .collect();
    keys.par_sort_unstable();
    let mut out = RuleOutput {
        pairs: Vec::new(),
        stats: RuleStats {
            rule: names.get(first).cloned().unwrap_or_default(),
            records_with_token: keys.len() as u64,
            ..RuleStats::default()
        },
        oversized: Vec::new(),
        oversized_blocks: 0,
        oversized_pairs: 0,
    };
    let chain = vec![first];
    let rest: Vec<usize> = (0..order.len()).filter(|&r| r != first).collect();
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
                order,
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
    order: &[KeySource],
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
        match source_key(corpus, order[sub], g) {
            Some(k) => sub_keys.push((k, g)),
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
                order,
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
    field_names: &[String],
    rules: &[usize],
    config: &BlockingConfig,
    pc: &Popcounts,
    progress: &dyn Progress,
) -> (Vec<u64>, BlockingStats) {
    if config.exhaustive {
        return exhaustive(corpus);
    }
    let mut order: Vec<KeySource> = rules.iter().map(|&r| KeySource::Token(r)).collect();
    let mut names: Vec<String> = rules
        .iter()
        .map(|&r| rule_names.get(r).cloned().unwrap_or_default())
        .collect();
    let joins = match config.filter_joins {
        FilterJoins::Auto => rule_names.is_empty(),
        FilterJoins::Always => true,
        FilterJoins::Never => false,
    };
    if joins {
        for (f, name) in field_names.iter().enumerate() {
            order.push(KeySource::Filter(f));
            names.push(format!("filter:{name}"));
        }
    }
    let total_rules = order.len() as u64;
    progress.report(Stage::Blocking, 0, total_rules);
    let outputs: Vec<RuleOutput> = (0..order.len())
        .into_par_iter()
        .map(|x| join_rule(corpus, &names, &order, x, config.max_block_pairs))
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
        let (lsh_pairs, lsh_stats) = lsh_candidates(corpus, lsh, pc, progress);
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

/// Bit positions as (word, mask) pairs, words ascending.
#[derive(Clone, Debug, Default)]
struct Mask(Vec<(usize, u64)>);

impl Mask {
    fn from_positions(pos: &[u32]) -> Mask {
        let mut m: Vec<(usize, u64)> = Vec::new();
        let mut sorted = pos.to_vec();
        sorted.sort_unstable();
        for p in sorted {
            let (w, bit) = ((p / 64) as usize, 1u64 << (p % 64));
            match m.last_mut() {
                Some((lw, mask)) if *lw == w => *mask |= bit,
                _ => m.push((w, bit)),
            }
        }
        Mask(m)
    }

    fn bits(&self) -> u32 {
        self.0.iter().map(|(_, m)| m.count_ones()).sum()
    }

    /// 32-bit hash of the filter's bits under the mask (equal bits, equal
    /// hash; a collision of different bits only adds a bucket pair that
    /// the Dice check then examines).
    #[inline]
    fn hash(&self, filter: &[u64]) -> u64 {
        let mut h = 0x243F_6A88_85A3_08D3u64;
        for &(w, m) in &self.0 {
            h = (h ^ (filter.get(w).copied().unwrap_or(0) & m))
                .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                .rotate_left(29);
        }
        mix64(h) >> 32
    }
}

/// A band: its mask and the masks that refine its oversized buckets.
#[derive(Debug)]
struct Band {
    mask: Mask,
    refine: Vec<Mask>,
}

/// How many refinement masks an oversized bucket may use.
const REFINE_LEVELS: usize = 4;

/// ln P(two random records agree on bit b) for the informative bits
/// (0.02 < ρ < 0.98), from an evenly spaced sample of records.
fn informative_bits<I: LinkInput>(corpus: &Corpus<'_, I>, bits: u32) -> Vec<(u32, f64)> {
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
    ones.iter()
        .enumerate()
        .filter_map(|(b, &c)| {
            let rho = f64::from(c) / f64::from(counted);
            (rho > 0.02 && rho < 0.98)
                .then(|| (b as u32, (rho * rho + (1.0 - rho) * (1.0 - rho)).ln()))
        })
        .collect()
}

/// Draws distinct informative bits at random (a partial Fisher–Yates
/// shuffle of the pool, continued on each call).
struct BitDrawer {
    pool: Vec<(u32, f64)>,
    next: usize,
}

impl BitDrawer {
    fn new(pool: &[(u32, f64)]) -> BitDrawer {
        BitDrawer {
            pool: pool.to_vec(),
            next: 0,
        }
    }

    fn draw(&mut self, rng: &mut SplitMix64) -> Option<(u32, f64)> {
        let x = self.next;
        if x >= self.pool.len() {
            return None;
        }
        let y = x + rng.below((self.pool.len() - x) as u64) as usize;
        self.pool.swap(x, y);
        self.next += 1;
        self.pool.get(x).copied()
    }

    /// Bits until the random-agreement log-probability (under
    /// independence) falls to `ln_target`, or `max` bits.
    fn draw_until(&mut self, rng: &mut SplitMix64, ln_target: f64, max: usize) -> Vec<u32> {
        let mut pos = Vec::new();
        let mut ln_p = 0.0;
        while pos.len() < max && ln_p > ln_target {
            match self.draw(rng) {
                Some((b, l)) => {
                    pos.push(b);
                    ln_p += l;
                }
                None => break,
            }
        }
        pos
    }
}

/// Allowed pairs among `members` (sorted) of a bucket.
fn allowed_pairs<I: LinkInput>(corpus: &Corpus<'_, I>, members: &[u64]) -> u64 {
    allowed_among(corpus, members.iter().map(|&m| m as u32))
}

/// Number of allowed pairs among the records `members`.
fn allowed_among<I: LinkInput>(
    corpus: &Corpus<'_, I>,
    members: impl ExactSizeIterator<Item = u32>,
) -> u64 {
    let n = members.len() as u64;
    let all = n * n.saturating_sub(1) / 2;
    match corpus.mode {
        PairMode::All => all,
        PairMode::Cross => {
            let mut per: Vec<u64> = vec![0; corpus.sources()];
            for m in members {
                if let Some(c) = per.get_mut(corpus.source_of(m)) {
                    *c += 1;
                }
            }
            all - per
                .iter()
                .map(|&k| k * k.saturating_sub(1) / 2)
                .sum::<u64>()
        }
    }
}

/// Wasted bucket pairs a mask produces among the `sample` records: allowed
/// pairs that the Dice check would then reject (pairs it keeps are wanted
/// candidates, whatever their number).
fn sample_waste<I: LinkInput>(
    corpus: &Corpus<'_, I>,
    pc: &Popcounts,
    min_dice: f64,
    sample: &[u32],
    mask: &Mask,
) -> u64 {
    let mut index: Vec<u64> = sample
        .iter()
        .map(|&g| (mask.hash(corpus.record_filter(g)) << 32) | u64::from(g))
        .collect();
    index.sort_unstable();
    let mut waste = 0u64;
    for (s, e) in runs(&index) {
        let bucket = &index[s..e];
        if bucket.len() > 256 {
            // Far too coarse: count it all without checking.
            waste += allowed_pairs(corpus, bucket);
            continue;
        }
        for (x, &a) in bucket.iter().enumerate() {
            for &b in &bucket[x + 1..] {
                let (i, j) = (a as u32, b as u32);
                if corpus.pair_allowed(i, j) && !lsh_verify(corpus, pc, min_dice, i, j) {
                    waste += 1;
                }
            }
        }
    }
    waste
}

/// The bands (see [`LshConfig`]).
fn plan_bands<I: LinkInput>(
    corpus: &Corpus<'_, I>,
    cfg: &LshConfig,
    pc: &Popcounts,
    bits: u32,
) -> Vec<Band> {
    let pool = informative_bits(corpus, bits);
    let space = corpus.comparison_space().max(1) as f64;
    let n = corpus.len();
    let target = (cfg.collisions_per_record.max(1e-12) * f64::from(n) / space).min(1.0);
    // Calibration sample: evenly spaced records with a record filter.
    let s = n.min(CALIBRATION_SAMPLE);
    let mut sample: Vec<u32> = (0..s)
        .map(|k| (u64::from(k) * u64::from(n) / u64::from(s.max(1))) as u32)
        .filter(|&g| pc.record(g) > 0)
        .collect();
    sample.dedup();
    let sample_index: Vec<u64> = sample.iter().map(|&g| u64::from(g)).collect();
    let sample_pairs = allowed_pairs(corpus, &sample_index) as f64;
    (0..cfg.bands)
        .into_par_iter()
        .map(|b| {
            let mut rng = SplitMix64::new(cfg.seed ^ mix64(u64::from(b) + 1));
            let mut drawer = BitDrawer::new(&pool);
            let pos: Vec<u32> = if cfg.bits_per_band != 0 {
                let k = cfg.bits_per_band.clamp(1, 64).min(bits.max(1));
                let mut pos: Vec<u32> = Vec::with_capacity(k as usize);
                while pos.len() < k as usize {
                    let p = rng.below(u64::from(bits)) as u32;
                    if !pos.contains(&p) {
                        pos.push(p);
                    }
                }
                pos
            } else {
                // Start from the independence estimate, then add bits while
                // the sample shows more collisions than the target (bits
                // of one q-gram are correlated, so independence is
                // optimistic).
                let mut pos = drawer.draw_until(&mut rng, target.ln(), 64);
                while pos.len() < 64 {
                    let mask = Mask::from_positions(&pos);
                    let waste = sample_waste(corpus, pc, cfg.min_dice, &sample, &mask);
                    if waste as f64 <= target * sample_pairs {
                        break;
                    }
                    let before = pos.len();
                    for _ in 0..CALIBRATION_STEP {
                        if pos.len() < 64 {
                            if let Some((p, _)) = drawer.draw(&mut rng) {
                                pos.push(p);
                            }
                        }
                    }
                    if pos.len() == before {
                        break;
                    }
                }
                pos
            };
            // Each refinement level aims to split a bucket 16 ways.
            let refine = (0..REFINE_LEVELS)
                .map(|_| {
                    let bits = drawer.draw_until(&mut rng, (1.0f64 / 16.0).ln(), 64);
                    Mask::from_positions(&bits)
                })
                .filter(|m| m.bits() > 0)
                .collect();
            Band {
                mask: Mask::from_positions(&pos),
                refine,
            }
        })
        .filter(|b| b.mask.bits() > 0)
        .collect()
}

/// Records sampled to calibrate the bits per band.
const CALIBRATION_SAMPLE: u32 = 50_000;
/// Bits added per calibration step.
const CALIBRATION_STEP: usize = 2;

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

/// Runs of equal hash (high 32 bits) in a sorted index, as (start, end).
fn runs(index: &[u64]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < index.len() {
        let h = index[start] >> 32;
        let mut end = start + 1;
        while end < index.len() && index[end] >> 32 == h {
            end += 1;
        }
        if end - start >= 2 {
            out.push((start, end));
        }
        start = end;
    }
    out
}

struct BucketOut {
    pairs: Vec<u64>,
    examined: u64,
    skipped: u64,
    /// Scratch space for bucket members.
    members: Vec<u32>,
    /// Scratch for [`batch_bucket`]: the members' filters back to back,
    /// their popcounts, and the kernel's hits.
    flat: Vec<u64>,
    counts: Vec<u32>,
    hits: Vec<u32>,
}

/// Pairs of one bucket (`members`, sorted record indices), refining it by
/// the band's further masks while it exceeds `max_bucket`.
fn bucket_pairs<I: LinkInput>(
    corpus: &Corpus<'_, I>,
    cfg: &LshConfig,
    pc: &Popcounts,
    refine: &[Mask],
    members: &[u32],
    out: &mut BucketOut,
) {
    if members.len() > cfg.max_bucket as usize {
        let Some((mask, rest)) = refine.split_first() else {
            out.skipped += 1;
            return;
        };
        let mut sub: Vec<u64> = members
            .iter()
            .map(|&g| (mask.hash(corpus.record_filter(g)) << 32) | u64::from(g))
            .collect();
        sub.sort_unstable();
        for (s, e) in runs(&sub) {
            let m: Vec<u32> = sub[s..e].iter().map(|&x| x as u32).collect();
            bucket_pairs(corpus, cfg, pc, rest, &m, out);
        }
        return;
    }
    if members.len() >= BATCH_BUCKET {
        if let Some(t) = DiceThreshold::from_f64(cfg.min_dice) {
            if batch_bucket(corpus, pc, t, members, out) {
                return;
            }
        }
    }
    for (x, &i) in members.iter().enumerate() {
        for &j in &members[x + 1..] {
            if corpus.pair_allowed(i, j) {
                out.examined += 1;
                if lsh_verify(corpus, pc, cfg.min_dice, i, j) {
                    out.pairs.push(pack(i, j));
                }
            }
        }
    }
}

/// From this many members a bucket is compared with the batch Dice kernel
/// (each member against the block of those after it, copied together
/// first); smaller buckets cost less pair by pair than the copy.
const BATCH_BUCKET: usize = 16;

/// The pairs of a bucket whose record filters all have one length, by
/// [`dice_at_least`]: the same pairs as [`lsh_verify`] pair by pair (the
/// threshold read as the exact decimal fraction the user wrote, where the
/// pairwise test multiplies by its binary approximation). False (nothing
/// done) when the lengths differ.
fn batch_bucket<I: LinkInput>(
    corpus: &Corpus<'_, I>,
    pc: &Popcounts,
    t: DiceThreshold,
    members: &[u32],
    out: &mut BucketOut,
) -> bool {
    let Some(&first) = members.first() else {
        return true;
    };
    let words = corpus.record_filter(first).len();
    if words == 0
        || members
            .iter()
            .any(|&g| corpus.record_filter(g).len() != words)
    {
        return false;
    }
    out.flat.clear();
    out.counts.clear();
    for &g in members {
        out.flat.extend_from_slice(corpus.record_filter(g));
        out.counts.push(pc.record(g));
    }
    for (x, &i) in members.iter().enumerate() {
        out.hits.clear();
        let (q, rest) = out.flat[x * words..].split_at(words);
        dice_at_least(
            q,
            out.counts[x],
            rest,
            &out.counts[x + 1..],
            t,
            &mut out.hits,
        );
        for &h in &out.hits {
            let j = members[x + 1 + h as usize];
            if corpus.pair_allowed(i, j) {
                out.pairs.push(pack(i, j));
            }
        }
    }
    out.examined += allowed_among(corpus, members.iter().copied());
    true
}

fn lsh_candidates<I: LinkInput>(
    corpus: &Corpus<'_, I>,
    cfg: &LshConfig,
    pc: &Popcounts,
    progress: &dyn Progress,
) -> (Vec<u64>, LshStats) {
    let n = corpus.len();
    let mut stats = LshStats::default();
    let present: Vec<u32> = (0..n).filter(|&g| pc.record(g) > 0).collect();
    let bits = (0..n)
        .map(|g| corpus.record_filter(g).len())
        .max()
        .unwrap_or(0)
        .saturating_mul(64);
    let bits = u32::try_from(bits).unwrap_or(u32::MAX);
    if bits == 0 || cfg.bands == 0 || present.len() < 2 {
        return (Vec::new(), stats);
    }
    let bands = plan_bands(corpus, cfg, pc, bits);
    if !bands.is_empty() {
        stats.mean_bits_per_band =
            bands.iter().map(|b| f64::from(b.mask.bits())).sum::<f64>() / bands.len() as f64;
    }
    let total = bands.len() as u64;
    progress.report(Stage::Lsh, 0, total);
    // Kept pairs of all bands so far; sorted and deduplicated whenever it
    // doubles, so memory stays near the number of distinct pairs.
    let mut all: Vec<u64> = Vec::new();
    let mut clean = 0usize;
    for (b, band) in bands.iter().enumerate() {
        // Index entries: bucket hash above the record index, sorted.
        let mut index: Vec<u64> = present
            .par_iter()
            .map(|&g| (band.mask.hash(corpus.record_filter(g)) << 32) | u64::from(g))
            .collect();
        index.par_sort_unstable();
        let outs: Vec<BucketOut> = runs(&index)
            .par_iter()
            .fold(
                || BucketOut {
                    pairs: Vec::new(),
                    examined: 0,
                    skipped: 0,
                    members: Vec::new(),
                    flat: Vec::new(),
                    counts: Vec::new(),
                    hits: Vec::new(),
                },
                |mut acc, &(s, e)| {
                    let mut members = std::mem::take(&mut acc.members);
                    members.clear();
                    members.extend(index[s..e].iter().map(|&x| x as u32));
                    bucket_pairs(corpus, cfg, pc, &band.refine, &members, &mut acc);
                    acc.members = members;
                    acc
                },
            )
            .collect();
        drop(index);
        for mut o in outs {
            stats.pairs_examined += o.examined;
            stats.skipped_buckets += o.skipped;
            all.append(&mut o.pairs);
        }
        if all.len() > 2 * clean.max(1 << 16) {
            all.par_sort_unstable();
            all.dedup();
            clean = all.len();
        }
        progress.report(Stage::Lsh, b as u64 + 1, total);
    }
    all.par_sort_unstable();
    all.dedup();
    stats.pairs_kept = all.len() as u64;
    (all, stats)
}
