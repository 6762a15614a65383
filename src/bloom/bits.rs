//! Packed bit vectors and Dice similarity on `u64` words.
//!
//! Bit `i` of a filter is bit `i % 64` (least significant first) of word
//! `i / 64`; the file format stores words little-endian, so bit `i` is bit
//! `i % 8` of byte `i / 8` as well.

use std::fmt;

/// A fixed-length bit vector packed into `u64` words. Bits past the length
/// in the last word are always zero.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct BitVector {
    words: Vec<u64>,
    bits: usize,
}

impl BitVector {
    /// All-zero vector of `bits` bits.
    pub fn new(bits: usize) -> BitVector {
        BitVector {
            words: vec![0; bits.div_ceil(64)],
            bits,
        }
    }

    /// A vector from words; `None` if the word count does not fit `bits`
    /// or a bit past `bits` is set.
    pub fn from_words(words: Vec<u64>, bits: usize) -> Option<BitVector> {
        if words.len() != bits.div_ceil(64) {
            return None;
        }
        let v = BitVector { words, bits };
        (v.tail_mask_ok()).then_some(v)
    }

    fn tail_mask_ok(&self) -> bool {
        let r = self.bits % 64;
        match (r, self.words.last()) {
            (0, _) | (_, None) => true,
            (r, Some(w)) => w >> r == 0,
        }
    }

    /// Length in bits.
    pub fn len(&self) -> usize {
        self.bits
    }

    /// True for a zero-length vector.
    pub fn is_empty(&self) -> bool {
        self.bits == 0
    }

    /// The packed words.
    pub fn words(&self) -> &[u64] {
        &self.words
    }

    /// The words, consuming the vector.
    pub fn into_words(self) -> Vec<u64> {
        self.words
    }

    /// Sets bit `i`; returns false (and changes nothing) if `i >= len`.
    pub fn set(&mut self, i: usize) -> bool {
        if i >= self.bits {
            return false;
        }
        if let Some(w) = self.words.get_mut(i / 64) {
            *w |= 1u64 << (i % 64);
        }
        true
    }

    /// Bit `i` (false past the end).
    pub fn get(&self, i: usize) -> bool {
        i < self.bits
            && self
                .words
                .get(i / 64)
                .is_some_and(|w| w >> (i % 64) & 1 == 1)
    }

    /// Flips bit `i` if in range.
    pub fn flip(&mut self, i: usize) {
        if i < self.bits {
            if let Some(w) = self.words.get_mut(i / 64) {
                *w ^= 1u64 << (i % 64);
            }
        }
    }

    /// Number of set bits.
    pub fn count_ones(&self) -> u32 {
        popcount(&self.words)
    }

    /// Dice coefficient `2|a∧b| / (|a|+|b|)`, in [0, 1]; 0 when both are
    /// all-zero (no evidence of similarity).
    pub fn dice(&self, other: &BitVector) -> f64 {
        dice(&self.words, &other.words)
    }

    /// Bitwise AND; the result has the longer length, missing words count as 0.
    pub fn and(&self, other: &BitVector) -> BitVector {
        self.zip(other, |a, b| a & b)
    }

    /// Bitwise OR (lengths as in [`BitVector::and`]).
    pub fn or(&self, other: &BitVector) -> BitVector {
        self.zip(other, |a, b| a | b)
    }

    /// Bitwise XOR (lengths as in [`BitVector::and`]).
    pub fn xor(&self, other: &BitVector) -> BitVector {
        self.zip(other, |a, b| a ^ b)
    }

    /// In-place OR with `other`'s words (extra words of `other` are ignored).
    pub fn or_assign(&mut self, other: &BitVector) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
        self.clear_tail();
    }

    fn zip(&self, other: &BitVector, f: impl Fn(u64, u64) -> u64) -> BitVector {
        let bits = self.bits.max(other.bits);
        let n = bits.div_ceil(64);
        let words = (0..n)
            .map(|i| {
                f(
                    self.words.get(i).copied().unwrap_or(0),
                    other.words.get(i).copied().unwrap_or(0),
                )
            })
            .collect();
        let mut v = BitVector { words, bits };
        v.clear_tail();
        v
    }

    pub(crate) fn clear_tail(&mut self) {
        let r = self.bits % 64;
        if r != 0 {
            if let Some(w) = self.words.last_mut() {
                *w &= (1u64 << r) - 1;
            }
        }
    }
}

impl fmt::Debug for BitVector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BitVector")
            .field("bits", &self.bits)
            .field("ones", &self.count_ones())
            .finish()
    }
}

/// Number of set bits in `words`.
#[inline]
pub fn popcount(words: &[u64]) -> u32 {
    super::simd::popcount(words)
}

/// Number of bits set in both `a` and `b` (over the shorter length).
#[inline]
pub fn and_count(a: &[u64], b: &[u64]) -> u32 {
    super::simd::and_count(a, b)
}

/// Which popcount kernel [`and_count`], [`popcount`], [`dice`] and
/// [`dice_at_least`] use on this CPU: `"avx512-vpopcntdq"` (selected at run
/// time) or `"scalar"`. The results are the same either way.
pub fn dice_kernel() -> &'static str {
    super::simd::kernel_name()
}

/// Dice coefficient of two packed filters, in [0, 1]; 0 when both are
/// all-zero. Words past the shorter slice count as zero in the
/// intersection but still count in the weights.
#[inline]
pub fn dice(a: &[u64], b: &[u64]) -> f64 {
    // One kernel call for the three counts.
    let (and, ca, cb) = super::simd::counts3(a, b);
    let total = ca + cb;
    if total == 0 {
        return 0.0;
    }
    2.0 * f64::from(and) / f64::from(total)
}

/// [`dice`] with the popcounts of `a` and `b` already known (a linker
/// computes them once per filter).
#[inline]
pub fn dice_with_counts(a: &[u64], b: &[u64], count_a: u32, count_b: u32) -> f64 {
    let total = count_a + count_b;
    if total == 0 {
        return 0.0;
    }
    2.0 * f64::from(and_count(a, b)) / f64::from(total)
}

/// A Dice threshold as an exact fraction `num / den` (0 ≤ num ≤ den), so
/// that [`dice_at_least`] can decide `dice ≥ t` with integer
/// cross-multiplication instead of a division per pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiceThreshold {
    num: u64,
    den: u64,
}

impl DiceThreshold {
    /// `num / den`; `None` unless `0 < den` and `num <= den`.
    pub fn new(num: u32, den: u32) -> Option<DiceThreshold> {
        (den > 0 && num <= den).then_some(DiceThreshold {
            num: u64::from(num),
            den: u64::from(den),
        })
    }

    /// `t` rounded to 6 decimals and read as that exact decimal fraction
    /// (`0.8` is exactly 4/5, as a user means it); `None` outside [0, 1]
    /// or NaN.
    pub fn from_f64(t: f64) -> Option<DiceThreshold> {
        if !(0.0..=1.0).contains(&t) {
            return None;
        }
        // In [0, 1_000_000] after the range check.
        let num = (t * 1e6).round() as u32;
        DiceThreshold::new(num, 1_000_000)
    }

    /// Whether a pair with `and` common bits and weights `total = |a| + |b|`
    /// has Dice ≥ the threshold. Dice of two empty filters is 0.
    #[inline]
    pub fn passes(self, and: u32, total: u32) -> bool {
        if total == 0 {
            return self.num == 0;
        }
        // and ≤ 2^32 and den ≤ 2^32: 2·and·den < 2^65 does not fit u64 in
        // theory; filters have at most 2^23 bits (MAX_WORDS · 64), so
        // 2·and·den ≤ 2^56.
        self.passes_nonempty(and, total)
    }

    /// [`DiceThreshold::passes`] for `total > 0`, without a branch.
    #[inline]
    fn passes_nonempty(self, and: u32, total: u32) -> bool {
        2 * u64::from(and) * self.den >= self.num * u64::from(total)
    }
}

/// Batch Dice filter: the indices `i` of the filters in `filters` (flat,
/// `query.len()` words each; a short tail is ignored) whose Dice with
/// `query` is at least `t`, appended to `out` in increasing order.
/// `counts[i]` is the popcount of filter `i` and `query_count` that of the
/// query (a linker computes them once). Pairs whose counts alone rule them
/// out (Dice ≤ 2·min / total) are skipped without touching their words.
pub fn dice_at_least(
    query: &[u64],
    query_count: u32,
    filters: &[u64],
    counts: &[u32],
    t: DiceThreshold,
    out: &mut Vec<u32>,
) {
    let words = query.len();
    if words == 0 {
        return;
    }
    if query_count == 0 {
        // Every intersection is empty: Dice is 0 for every filter, so all
        // pass a zero threshold and none pass any other.
        if t.num == 0 {
            let n = counts.len().min(filters.len() / words);
            out.extend((0..n).map(|i| i as u32));
        }
        return;
    }
    // Totals are now positive, and `passes` is monotone in the common
    // count, as the kernel requires. Counts are below 2^17 (filters of at
    // most 2^16 bits), so the sum cannot overflow.
    super::simd::batch_and_count(
        query,
        filters,
        counts,
        super::simd::Cut {
            query_count,
            num: t.num as u32,
            den: t.den as u32,
        },
        out,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_get_len_tail() {
        let mut v = BitVector::new(70);
        assert_eq!(v.words().len(), 2);
        assert!(v.set(0) && v.set(63) && v.set(64) && v.set(69));
        assert!(!v.set(70));
        assert!(v.get(69) && !v.get(68) && !v.get(70));
        assert_eq!(v.count_ones(), 4);
        assert_eq!(v.words()[1], 0b10_0001);
        v.flip(0);
        assert!(!v.get(0));
        assert!(BitVector::from_words(vec![0, 1 << 6], 70).is_none());
        assert!(BitVector::from_words(vec![0, 1 << 5], 70).is_some());
        assert!(BitVector::from_words(vec![0], 70).is_none());
    }

    #[test]
    fn dice_by_hand() {
        // a = {0,1,2,3}, b = {2,3,4}: |a∧b| = 2, dice = 4/7.
        let a = BitVector::from_words(vec![0b1111], 64).unwrap();
        let b = BitVector::from_words(vec![0b11100], 64).unwrap();
        assert!((a.dice(&b) - 4.0 / 7.0).abs() < 1e-12);
        assert_eq!(a.dice(&a), 1.0);
        let z = BitVector::new(64);
        assert_eq!(z.dice(&z), 0.0);
        assert_eq!(a.dice(&z), 0.0);
    }

    #[test]
    fn threshold_is_exact_and_batch_matches_scalar() {
        let t = DiceThreshold::from_f64(0.8).unwrap();
        // Dice exactly 4/5 passes; just below does not.
        assert!(t.passes(4, 10) && !t.passes(39, 98));
        assert!(!t.passes(0, 0) && DiceThreshold::new(0, 1).unwrap().passes(0, 0));
        assert!(
            DiceThreshold::from_f64(1.5).is_none() && DiceThreshold::from_f64(f64::NAN).is_none()
        );
        assert!(DiceThreshold::new(2, 1).is_none() && DiceThreshold::new(0, 0).is_none());
        // A small deterministic set of 2-word filters.
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let query = [next() & next(), next() & next()];
        let mut flat = Vec::new();
        for i in 0..200u64 {
            // Some near copies of the query, some random, some empty.
            let (a, b) = match i % 4 {
                0 => (query[0] ^ (1 << (i % 64)), query[1]),
                1 => (next() & next(), next()),
                2 => (0, 0),
                _ => (query[0] & next() | next() & next() & next(), query[1]),
            };
            flat.extend([a, b]);
        }
        let counts: Vec<u32> = flat.chunks_exact(2).map(popcount).collect();
        for th in [0.0, 0.3, 0.5, 0.8, 0.9, 1.0] {
            let t = DiceThreshold::from_f64(th).unwrap();
            let mut got = Vec::new();
            dice_at_least(&query, popcount(&query), &flat, &counts, t, &mut got);
            let want: Vec<u32> = flat
                .chunks_exact(2)
                .enumerate()
                .filter(|(_, f)| {
                    let total = popcount(&query) + popcount(f);
                    // Exact rational comparison, and empty pairs are 0.
                    total > 0
                        && 2 * and_count(&query, f) as u64 * 1_000_000
                            >= (th * 1e6).round() as u64 * total as u64
                        || total == 0 && th == 0.0
                })
                .map(|(i, _)| i as u32)
                .collect();
            assert_eq!(got, want, "threshold {th}");
            // And it agrees with the f64 Dice for these decimal thresholds.
            let by_float: Vec<u32> = flat
                .chunks_exact(2)
                .enumerate()
                .filter(|(_, f)| dice(&query, f) >= th)
                .map(|(i, _)| i as u32)
                .collect();
            assert_eq!(got, by_float, "threshold {th} vs f64");
            assert!(th < 0.9 || got.len() < 200);
        }
    }

    #[test]
    fn logic_ops() {
        let a = BitVector::from_words(vec![0b1100, 1], 128).unwrap();
        let b = BitVector::from_words(vec![0b1010], 64).unwrap();
        assert_eq!(a.and(&b).words(), &[0b1000, 0]);
        assert_eq!(a.or(&b).words(), &[0b1110, 1]);
        assert_eq!(a.xor(&b).words(), &[0b0110, 1]);
        assert_eq!(a.xor(&b).len(), 128);
    }
}
