//! Hardening transformations of a filter.
//!
//! Order (fixed): XOR-fold → balance → keyed permutation → BLIP.
//! Folding comes first because folding a balanced filter `b ‖ ¬b` in half
//! would give all ones.
//!
//! | step | what | cost in accuracy |
//! |---|---|---|
//! | XOR-fold | `b'[i] = b[i] ⊕ b[i + l/2]`, length halves | Dice becomes noisier: bits that collide in both halves cancel |
//! | balance | `b ‖ ¬b`, then keyed permutation: every filter has weight l | Dice of unrelated filters rises towards 0.5, so thresholds must rise |
//! | permutation | bits moved by a keyed Fisher–Yates permutation | none |
//! | BLIP | each bit flipped with probability `p = 1/(1+e^ε)` (ε-DP per bit) | Dice of true pairs falls by about `2p(1-p)` |
//!
//! Measured costs on synthetic padrones belong to `eval`; the table above is
//! the mechanism.

use super::bits::BitVector;
use super::prf::reduce;
use crate::pseudo::Subkey;

/// XOR-folds once: the result has half the length (`len` must be even;
/// an odd last bit is dropped).
pub fn xor_fold(v: &BitVector) -> BitVector {
    let half = v.len() / 2;
    let mut out = BitVector::new(half);
    for i in 0..half {
        if v.get(i) != v.get(i + half) {
            out.set(i);
        }
    }
    out
}

/// Word-level fold for lengths that are multiples of 128 (the encoder's case).
pub(crate) fn xor_fold_words(words: &mut Vec<u64>) {
    let half = words.len() / 2;
    for i in 0..half {
        words[i] ^= words[i + half];
    }
    words.truncate(half);
}

/// Balances: `v ‖ ¬v` (constant weight `len`). The encoder then applies a
/// keyed permutation so the complement half cannot be recognised.
pub fn balance(v: &BitVector) -> BitVector {
    let n = v.len();
    let mut out = BitVector::new(2 * n);
    for i in 0..n {
        if v.get(i) {
            out.set(i);
        } else {
            out.set(n + i);
        }
    }
    out
}

/// A keyed permutation of `n` bit positions: Fisher–Yates driven by the
/// keyed-BLAKE3 XOF of the subkey (empty input), indices drawn with the
/// same rejection sampling as bit positions.
pub(crate) fn keyed_permutation(key: &Subkey, n: usize) -> Vec<u32> {
    let mut perm: Vec<u32> = (0..n as u32).collect();
    let mut xof = blake3::Hasher::new_keyed(key.bytes()).finalize_xof();
    let mut w = [0u8; 4];
    for i in (1..n).rev() {
        let j = loop {
            xof.fill(&mut w);
            if let Some(j) = reduce(u64::from(u32::from_le_bytes(w)), 32, i as u64 + 1) {
                break j as usize;
            }
        };
        perm.swap(i, j);
    }
    perm
}

/// Moves bit `i` of `src` to bit `perm[i]` of `dst` (same word count,
/// `dst` zeroed by the caller).
pub(crate) fn apply_permutation(perm: &[u32], src: &[u64], dst: &mut [u64]) {
    for (wi, &w) in src.iter().enumerate() {
        let mut w = w;
        while w != 0 {
            let b = w.trailing_zeros() as usize;
            w &= w - 1;
            if let Some(&p) = perm.get(wi * 64 + b) {
                let p = p as usize;
                if let Some(d) = dst.get_mut(p / 64) {
                    *d |= 1u64 << (p % 64);
                }
            }
        }
    }
}

/// BLIP flip threshold on a 16-bit uniform word: flip when `u < t`,
/// `t = round(65536 / (1 + e^ε))`.
pub(crate) fn blip_threshold(epsilon: f64) -> u32 {
    let p = 1.0 / (1.0 + epsilon.exp());
    // p is in (0, 0.5]; t is in [0, 32768].
    (p * 65536.0).round() as u32
}

/// Flips bits of `words` (length `bits`) with BLIP noise. The noise is a
/// keyed function of the filter's content (keyed-BLAKE3 XOF of its
/// little-endian bytes), so the same record always gets the same noise and
/// encodings stay reproducible; two uniform 16-bit words per bit.
pub(crate) fn blip(key: &Subkey, threshold: u32, words: &mut [u64], bits: usize) {
    let mut h = blake3::Hasher::new_keyed(key.bytes());
    for w in words.iter() {
        h.update(&w.to_le_bytes());
    }
    let mut xof = h.finalize_xof();
    let mut buf = [0u8; 128];
    let mut i = 0;
    while i < bits {
        xof.fill(&mut buf);
        for pair in buf.chunks_exact(2) {
            if i >= bits {
                break;
            }
            let u = u32::from(u16::from_le_bytes([pair[0], pair[1]]));
            if u < threshold {
                if let Some(w) = words.get_mut(i / 64) {
                    *w ^= 1u64 << (i % 64);
                }
            }
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pseudo::{FilterId, Key, Purpose};

    fn sub() -> Subkey {
        Key::from_bytes([3; 32])
            .derive(&Purpose::BloomPermutation {
                filter: FilterId::Record,
            })
            .unwrap()
    }

    #[test]
    fn fold_by_hand() {
        let v = BitVector::from_words(vec![0b1011, 0b0110], 128).unwrap();
        let f = xor_fold(&v);
        assert_eq!(f.len(), 64);
        assert_eq!(f.words(), &[0b1101]);
        let mut w = v.words().to_vec();
        xor_fold_words(&mut w);
        assert_eq!(w, f.words());
    }

    #[test]
    fn balance_has_constant_weight() {
        let mut v = BitVector::new(64);
        v.set(3);
        v.set(60);
        let b = balance(&v);
        assert_eq!(b.len(), 128);
        assert_eq!(b.count_ones(), 64);
        assert!(b.get(3) && !b.get(64 + 3) && b.get(64 + 4));
    }

    #[test]
    fn permutation_is_a_bijection_and_keyed() {
        let p = keyed_permutation(&sub(), 1024);
        let mut s = p.clone();
        s.sort_unstable();
        assert_eq!(s, (0..1024).collect::<Vec<u32>>());
        assert_ne!(p, s, "identity permutation");
        let other = Key::from_bytes([4; 32])
            .derive(&Purpose::BloomPermutation {
                filter: FilterId::Record,
            })
            .unwrap();
        assert_ne!(p, keyed_permutation(&other, 1024));
        let src = [0b101u64, 1 << 63];
        let mut dst = [0u64; 2];
        let p128 = keyed_permutation(&sub(), 128);
        apply_permutation(&p128, &src, &mut dst);
        let set: Vec<usize> = (0..128)
            .filter(|&i| dst[i / 64] >> (i % 64) & 1 == 1)
            .collect();
        let mut want = vec![p128[0] as usize, p128[2] as usize, p128[127] as usize];
        want.sort_unstable();
        assert_eq!(set, want);
    }

    #[test]
    fn blip_flip_rate_matches_epsilon() {
        let eps: f64 = 2.0;
        let t = blip_threshold(eps);
        let p = 1.0 / (1.0 + eps.exp());
        let mut flipped = 0u32;
        let trials = 200;
        for r in 0..trials {
            let mut w = vec![r as u64; 16];
            let before = w.clone();
            blip(&sub(), t, &mut w, 1024);
            flipped += w
                .iter()
                .zip(&before)
                .map(|(a, b)| (a ^ b).count_ones())
                .sum::<u32>();
            // Deterministic for the same content.
            let mut again = before.clone();
            blip(&sub(), t, &mut again, 1024);
            assert_eq!(again, w);
        }
        let n = f64::from(trials * 1024);
        let rate = f64::from(flipped) / n;
        let sd = (p * (1.0 - p) / n).sqrt();
        assert!((rate - p).abs() < 6.0 * sd, "rate {rate} vs {p}");
        assert_eq!(blip_threshold(1e9), 0);
        assert_eq!(blip_threshold(1e-12), 32768);
    }
}
