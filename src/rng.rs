//! A small, portable, seeded pseudo-random number generator.
//!
//! Synthetic data must be reproducible: the same seed gives the same bytes on
//! every platform and every Rust version. This module therefore implements
//! its generator itself instead of relying on a crate whose streams may change
//! between releases:
//!
//! - **xoshiro256\*\*** (Blackman and Vigna, 2018) produces the numbers: 256
//!   bits of state, period 2^256 − 1, passes BigCrush; the output of each step
//!   is `rotl(s1 * 5, 7) * 9`.
//! - **SplitMix64** (Steele, Lea and Flood, 2014) expands a 64-bit seed into
//!   the 256-bit state (so similar seeds give unrelated streams and the state
//!   is never all zero), and derives independent *streams* from a seed and a
//!   pair of labels ([`Rng::stream`]), so that, for example, the corruption of
//!   record *i* does not depend on how many numbers the population used.
//!
//! All arithmetic is on integers, except [`Rng::chance`] and
//! [`Rng::next_f64`], which use one exactly rounded IEEE-754 operation each and
//! are therefore the same everywhere. This is **not** a cryptographic
//! generator: never use it for keys or tokens (the `pseudo` module takes keys
//! from the operating system).
//!
//! ```
//! use padron::rng::Rng;
//! let mut a = Rng::seed_from_u64(42);
//! let mut b = Rng::seed_from_u64(42);
//! assert_eq!(a.next_u64(), b.next_u64());
//! let die = a.below(6); // 0..6, unbiased
//! assert!(die < 6);
//! ```

/// SplitMix64: a 64-bit state advanced by a Weyl sequence and finalised by a
/// variant of MurmurHash3's mixer. Used to seed [`Rng`]; public because it is
/// handy for hashing small integers deterministically.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator whose state is `seed`.
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }

    /// The next 64-bit output.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// The seeded generator (xoshiro256\*\*). Cheap to create (four SplitMix64
/// steps) and to clone; 32 bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// A generator whose state is four consecutive SplitMix64 outputs from
    /// `seed`, the seeding its authors recommend.
    pub fn seed_from_u64(seed: u64) -> Rng {
        let mut sm = SplitMix64::new(seed);
        let s = [sm.next_u64(), sm.next_u64(), sm.next_u64(), sm.next_u64()];
        // SplitMix64 is a bijection of its state, so four consecutive outputs
        // are never all zero (at most one of them can be zero).
        Rng { s }
    }

    /// An independent stream for `(seed, domain, index)`: e.g. domain
    /// "person" and index *i* for the *i*-th synthetic person. Changing one
    /// part of a computation therefore does not shift the numbers another part
    /// sees. The three values are chained through SplitMix64 so that nearby
    /// labels give unrelated streams.
    pub fn stream(seed: u64, domain: u64, index: u64) -> Rng {
        let a = SplitMix64::new(seed).next_u64() ^ domain;
        let b = SplitMix64::new(a).next_u64() ^ index;
        Rng::seed_from_u64(SplitMix64::new(b).next_u64())
    }

    /// A new generator seeded from this one's next output (advances `self`).
    pub fn fork(&mut self) -> Rng {
        Rng::seed_from_u64(self.next_u64())
    }

    /// The next 64 uniformly distributed bits.
    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// The next 32 bits (the high half of [`Rng::next_u64`], the better half
    /// for this family of generators).
    pub fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }

    /// A uniform integer in `0..n`, without modulo bias (Lemire's
    /// multiply-and-reject method). Returns 0 when `n` is 0.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        let mut m = u128::from(self.next_u64()) * u128::from(n);
        let mut low = m as u64;
        if low < n {
            // 2^64 mod n: the number of low values that would bias the result.
            let threshold = n.wrapping_neg() % n;
            while low < threshold {
                m = u128::from(self.next_u64()) * u128::from(n);
                low = m as u64;
            }
        }
        (m >> 64) as u64
    }

    /// A uniform index into a slice of length `len` (`len` > 0 expected;
    /// returns 0 for 0).
    pub fn index(&mut self, len: usize) -> usize {
        // usize fits in u64 on every supported platform, and the result is
        // below `len`, so both conversions are lossless.
        self.below(len as u64) as usize
    }

    /// A uniform integer in `lo..=hi` (`lo` when `hi < lo`).
    pub fn range_inclusive(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        let span = hi.wrapping_sub(lo) as u64;
        if span == u64::MAX {
            return self.next_u64() as i64;
        }
        lo.wrapping_add(self.below(span + 1) as i64)
    }

    /// A uniform float in `[0, 1)` with 53 random bits.
    pub fn next_f64(&mut self) -> f64 {
        // (x >> 11) < 2^53 is exactly representable; the product by a power of
        // two is exact.
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// True with probability `p` (`p` <= 0 never, `p` >= 1 always; NaN never).
    pub fn chance(&mut self, p: f64) -> bool {
        if p >= 1.0 {
            // Still consume a number so that streams do not shift with p.
            self.next_u64();
            return true;
        }
        self.next_f64() < p
    }

    /// A uniformly chosen element, `None` for an empty slice.
    pub fn choose<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() {
            return None;
        }
        items.get(self.index(items.len()))
    }

    /// Shuffles `items` in place (Fisher–Yates, from the end).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.index(i + 1);
            items.swap(i, j);
        }
    }
}

/// A table of integer weights sampled by cumulative sum and binary search.
///
/// Weights are integers so that building and sampling never depend on
/// floating-point rounding; zero weights are allowed (never drawn).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WeightedIndex {
    /// `cumulative[i]` = sum of weights `0..=i`.
    cumulative: Vec<u64>,
}

impl WeightedIndex {
    /// From weights; `None` if they are all zero, the slice is empty, or the
    /// sum overflows `u64`.
    pub fn new(weights: &[u64]) -> Option<WeightedIndex> {
        let mut cumulative = Vec::with_capacity(weights.len());
        let mut total: u64 = 0;
        for &w in weights {
            total = total.checked_add(w)?;
            cumulative.push(total);
        }
        (total > 0).then_some(WeightedIndex { cumulative })
    }

    /// Number of entries (including zero-weight ones).
    pub fn len(&self) -> usize {
        self.cumulative.len()
    }

    /// True when there are no entries (never for a constructed table).
    pub fn is_empty(&self) -> bool {
        self.cumulative.is_empty()
    }

    /// Sum of all weights.
    pub fn total(&self) -> u64 {
        self.cumulative.last().copied().unwrap_or(0)
    }

    /// Weight of entry `i` (0 out of range).
    pub fn weight(&self, i: usize) -> u64 {
        let Some(&c) = self.cumulative.get(i) else {
            return 0;
        };
        let prev = if i == 0 {
            0
        } else {
            self.cumulative.get(i - 1).copied().unwrap_or(0)
        };
        c - prev
    }

    /// Draws an index with probability weight / total.
    pub fn sample(&self, rng: &mut Rng) -> usize {
        let x = rng.below(self.total());
        // First i with cumulative[i] > x; x < total so i < len.
        self.cumulative.partition_point(|&c| c <= x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_reference_values() {
        // Outputs of the reference splitmix64.c (Vigna) for state 0, the
        // values quoted by many ports' test suites.
        let mut sm = SplitMix64::new(0);
        assert_eq!(sm.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(sm.next_u64(), 0x6E78_9E6A_A1B9_65F4);
        assert_eq!(sm.next_u64(), 0x06C4_5D18_8009_454F);
    }

    #[test]
    fn xoshiro_state_one_two_three_four() {
        // xoshiro256** from state [1, 2, 3, 4]: first output is
        // rotl(2 * 5, 7) * 9 = (10 << 7) * 9 = 11520. The second uses the
        // updated s1 = 2 ^ (3 ^ 1) = 0 ... computed by hand:
        // t = 2 << 17 = 262144; s2 = 3 ^ 1 = 2; s3 = 4 ^ 2 = 6; s1 = 2 ^ 2 = 0;
        // s0 = 1 ^ 6 = 7; s2 = 2 ^ 262144 = 262146; s3 = rotl(6, 45).
        // Second output = rotl(0 * 5, 7) * 9 = 0.
        let mut r = Rng { s: [1, 2, 3, 4] };
        assert_eq!(r.next_u64(), 11520);
        assert_eq!(r.s, [7, 0, 262_146, 6u64.rotate_left(45)]);
        assert_eq!(r.next_u64(), 0);
        // The second step sets s2 = 262146 ^ 7 = 262149 and s1 = 0 ^ s2, so
        // the third output is rotl(262149 * 5, 7) * 9.
        let third = 262_149u64.wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        assert_eq!(r.next_u64(), third);
    }

    #[test]
    fn seeded_outputs_match_a_c_transcription() {
        // Values printed by a C transcription of the two reference algorithms
        // (splitmix64.c and xoshiro256starstar.c, compiled with cc -O2),
        // seeding the four state words with SplitMix64 outputs.
        let mut r = Rng::seed_from_u64(0);
        let got: Vec<u64> = (0..4).map(|_| r.next_u64()).collect();
        assert_eq!(
            got,
            [
                0x99EC_5F36_CB75_F2B4,
                0xBF6E_1F78_4956_452A,
                0x1A5F_849D_4933_E6E0,
                0x6AA5_94F1_262D_2D2C
            ]
        );
        let mut r = Rng::seed_from_u64(42);
        assert_eq!(r.next_u64(), 0x1578_0B2E_0C2E_C716);
        assert_eq!(r.next_u64(), 0x6104_D986_6D11_3A7E);
    }

    #[test]
    fn streams_differ_and_repeat() {
        let a: Vec<u64> = {
            let mut r = Rng::stream(7, 1, 0);
            (0..4).map(|_| r.next_u64()).collect()
        };
        let b: Vec<u64> = {
            let mut r = Rng::stream(7, 1, 0);
            (0..4).map(|_| r.next_u64()).collect()
        };
        let c: Vec<u64> = {
            let mut r = Rng::stream(7, 1, 1);
            (0..4).map(|_| r.next_u64()).collect()
        };
        let d: Vec<u64> = {
            let mut r = Rng::stream(7, 2, 0);
            (0..4).map(|_| r.next_u64()).collect()
        };
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, d);
        assert_ne!(c, d);
    }

    #[test]
    fn below_is_in_range_and_roughly_uniform() {
        let mut r = Rng::seed_from_u64(1);
        let mut counts = [0u32; 6];
        for _ in 0..60_000 {
            let x = r.below(6);
            counts[x as usize] += 1;
        }
        // Expected 10,000 each; sd = sqrt(60000 * 1/6 * 5/6) ~ 91; allow 5 sd.
        for c in counts {
            assert!((9_545..=10_455).contains(&c), "{counts:?}");
        }
        assert_eq!(r.below(0), 0);
        assert_eq!(r.below(1), 0);
        for _ in 0..1000 {
            assert!(r.below(u64::MAX) < u64::MAX);
        }
    }

    #[test]
    fn range_inclusive_bounds() {
        let mut r = Rng::seed_from_u64(3);
        let mut seen = [false; 5];
        for _ in 0..1000 {
            let x = r.range_inclusive(-2, 2);
            assert!((-2..=2).contains(&x));
            seen[(x + 2) as usize] = true;
        }
        assert!(seen.iter().all(|&s| s));
        assert_eq!(r.range_inclusive(5, 5), 5);
        assert_eq!(r.range_inclusive(5, 1), 5);
        let _ = r.range_inclusive(i64::MIN, i64::MAX);
    }

    #[test]
    fn chance_extremes_and_rate() {
        let mut r = Rng::seed_from_u64(9);
        assert!(!(0..1000).any(|_| r.chance(0.0)));
        assert!((0..1000).all(|_| r.chance(1.0)));
        assert!(!(0..1000).any(|_| r.chance(f64::NAN)));
        let hits = (0..100_000).filter(|_| r.chance(0.1)).count();
        // sd = sqrt(100000 * 0.09) ~ 95; allow 5 sd.
        assert!((9_525..=10_475).contains(&hits), "{hits}");
    }

    #[test]
    fn shuffle_is_a_permutation() {
        let mut r = Rng::seed_from_u64(5);
        let mut v: Vec<u32> = (0..100).collect();
        r.shuffle(&mut v);
        assert_ne!(v, (0..100).collect::<Vec<_>>());
        v.sort_unstable();
        assert_eq!(v, (0..100).collect::<Vec<_>>());
    }

    #[test]
    fn weighted_index() {
        assert!(WeightedIndex::new(&[]).is_none());
        assert!(WeightedIndex::new(&[0, 0]).is_none());
        assert!(WeightedIndex::new(&[u64::MAX, 1]).is_none());
        let w = WeightedIndex::new(&[1, 0, 3]).unwrap();
        assert_eq!(w.total(), 4);
        assert_eq!(w.len(), 3);
        assert_eq!(
            (w.weight(0), w.weight(1), w.weight(2), w.weight(3)),
            (1, 0, 3, 0)
        );
        let mut r = Rng::seed_from_u64(11);
        let mut counts = [0u32; 3];
        for _ in 0..40_000 {
            counts[w.sample(&mut r)] += 1;
        }
        assert_eq!(counts[1], 0);
        // Expected 10,000 / 30,000; sd ~ 87.
        assert!((9_565..=10_435).contains(&counts[0]), "{counts:?}");
    }
}
