//! Bit positions from a keyed PRF, reduced without bias.
//!
//! The positions of a q-gram `g` (salt `s`, filter length `l`, `k`
//! positions) are read from the keyed-BLAKE3 XOF of
//! `enc(s) ‖ enc(g)` under the group's position subkey, where
//! `enc(x) = u32_be(len(x)) ‖ x`. The XOF output is cut into 16-bit
//! little-endian words `x`; a word is accepted when
//! `x < 2^16 − (2^16 mod l)` and gives position `x mod l`, so every
//! position is exactly equally likely (rejection sampling). For `l` a power
//! of two nothing is ever rejected. No double hashing: positions are
//! independent PRF outputs, with no lattice `h1 + i·h2` to exploit.

/// Accepts `x` (a `width`-bit word) and reduces it to `[0, l)`, or rejects
/// it. Exposed with a width parameter so tests can check exact uniformity
/// exhaustively on small words; the encoder uses `width = 32`.
#[inline]
pub(crate) fn reduce(x: u64, width: u32, l: u64) -> Option<u64> {
    let span = 1u64 << width;
    let zone = span - span % l;
    (x < zone).then_some(x % l)
}

/// Calls `set(p)` for each of the `k` positions in `[0, l)` of `gram`.
/// `l` must be in `1..=2^16` (schemas allow at most 2^16).
pub(crate) fn positions(
    key: &[u8; 32],
    salt: &[u8],
    gram: &[u8],
    k: usize,
    l: u32,
    mut set: impl FnMut(usize),
) {
    let mut h = blake3::Hasher::new_keyed(key);
    h.update(&len32(salt));
    h.update(salt);
    h.update(&len32(gram));
    h.update(gram);
    let mut xof = h.finalize_xof();
    let mut block = [0u8; 64];
    let mut got = 0;
    while got < k {
        xof.fill(&mut block);
        for w in block.chunks_exact(2) {
            let x = u16::from_le_bytes([w[0], w[1]]);
            if let Some(p) = reduce(u64::from(x), 16, u64::from(l)) {
                // p < l <= 2^16 fits in usize.
                set(p as usize);
                got += 1;
                if got == k {
                    break;
                }
            }
        }
    }
}

fn len32(x: &[u8]) -> [u8; 4] {
    u32::try_from(x.len()).unwrap_or(u32::MAX).to_be_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reduce_is_exactly_uniform_on_small_words() {
        // Every residue class gets the same number of accepted words.
        for l in [1u64, 3, 7, 100, 129, 200, 255, 256] {
            let mut count = vec![0u32; l as usize];
            for x in 0..256u64 {
                if let Some(p) = reduce(x, 8, l) {
                    count[p as usize] += 1;
                }
            }
            let first = count[0];
            assert!(count.iter().all(|&c| c == first), "l={l}: {count:?}");
            assert_eq!(u64::from(first), 256 / l);
        }
        // Powers of two never reject.
        assert!((0..256).all(|x| reduce(x, 8, 64).is_some()));
        assert_eq!(reduce(u64::from(u16::MAX), 16, 1024), Some(1023));
        assert_eq!(reduce(65535, 16, 1000), None);
    }

    /// Chi-square statistic of `n` positions over `l` bins from many q-grams.
    fn chi_square(l: u32, grams: usize, k: usize) -> (f64, f64) {
        let key = [42u8; 32];
        let mut count = vec![0u64; l as usize];
        for i in 0..grams {
            let g = format!("g{i}");
            positions(&key, b"", g.as_bytes(), k, l, |p| count[p] += 1);
        }
        let n = (grams * k) as f64;
        let e = n / f64::from(l);
        let chi: f64 = count.iter().map(|&c| (c as f64 - e).powi(2) / e).sum();
        (chi, f64::from(l - 1))
    }

    #[test]
    fn positions_are_uniform_chi_square() {
        // df = l - 1; mean df, sd sqrt(2 df). Bound at mean + 6 sd: a fixed
        // key makes the test deterministic, and a reduction that drops or
        // favours a range of positions (e.g. masking 10 bits for l = 1000,
        // or using only one byte) exceeds it by orders of magnitude.
        for l in [1000u32, 1024, 96] {
            let (chi, df) = chi_square(l, 20_000, 10);
            let bound = df + 6.0 * (2.0 * df).sqrt();
            assert!(chi < bound, "l={l}: chi2={chi:.0} bound={bound:.0}");
        }
    }

    #[test]
    fn chi_square_detects_a_broken_reduction() {
        // The same statistic on a deliberately biased reduction (x mod l of
        // a 10-bit word, l = 1000: positions < 24 twice as likely).
        // The encoder's own reduction is tested above on the same statistic.
        let key = [42u8; 32];
        let l = 1000usize;
        let mut count = vec![0u64; l];
        let mut n = 0u64;
        for i in 0..20_000 {
            let mut h = blake3::Hasher::new_keyed(&key);
            h.update(format!("g{i}").as_bytes());
            let mut xof = h.finalize_xof();
            let mut b = [0u8; 40];
            xof.fill(&mut b);
            for w in b.chunks_exact(4) {
                let x = u32::from_le_bytes([w[0], w[1], w[2], w[3]]) & 1023;
                count[x as usize % l] += 1;
                n += 1;
            }
        }
        let e = n as f64 / l as f64;
        let chi: f64 = count.iter().map(|&c| (c as f64 - e).powi(2) / e).sum();
        let df = (l - 1) as f64;
        assert!(chi > df + 6.0 * (2.0 * df).sqrt(), "chi2={chi:.0}");
    }

    #[test]
    fn positions_depend_on_key_salt_and_gram() {
        let collect = |key: [u8; 32], salt: &[u8], g: &[u8]| {
            let mut v = Vec::new();
            positions(&key, salt, g, 20, 1024, |p| v.push(p));
            v
        };
        let a = collect([1; 32], b"", b"AN");
        assert_eq!(a.len(), 20);
        assert_eq!(a, collect([1; 32], b"", b"AN"));
        assert_ne!(a, collect([2; 32], b"", b"AN"));
        assert_ne!(a, collect([1; 32], b"1985", b"AN"));
        assert_ne!(a, collect([1; 32], b"", b"NA"));
        // Salt and gram boundaries are length-prefixed.
        assert_ne!(collect([1; 32], b"A", b"N"), collect([1; 32], b"", b"AN"));
    }
}
