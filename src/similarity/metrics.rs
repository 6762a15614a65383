//! String metrics on `match` forms, computed by the `rapidfuzz` crate on
//! bytes (valid because the `match` alphabet is ASCII).

use rapidfuzz::distance::{jaro_winkler, levenshtein, osa};

/// A similarity in \[0, 1\] (1 = identical).
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct Score(f64);

impl Score {
    /// The value, in \[0, 1\].
    pub fn value(self) -> f64 {
        self.0
    }

    /// A score from a value, clamped to \[0, 1\] (NaN becomes 0).
    pub fn new(v: f64) -> Score {
        Score::clamped(v)
    }

    fn clamped(v: f64) -> Score {
        Score(if v.is_nan() { 0.0 } else { v.clamp(0.0, 1.0) })
    }
}

/// Jaro-Winkler similarity (prefix weight 0.1, prefix ≤ 4, boost above
/// 0.7).
pub fn jaro_winkler(a: &str, b: &str) -> Score {
    jaro_winkler_bytes(a.as_bytes(), b.as_bytes())
}

/// [`jaro_winkler()`] on bytes: the bit-parallel [`short_jaro_winkler`]
/// for short `match`-like strings, else `rapidfuzz`.
pub(crate) fn jaro_winkler_bytes(a: &[u8], b: &[u8]) -> Score {
    Score::clamped(
        short_jaro_winkler(a, b)
            .unwrap_or_else(|| jaro_winkler::similarity(a.iter().copied(), b.iter().copied())),
    )
}

/// Most bytes a side may have for [`short_jaro_winkler`].
const SHORT: usize = 64;

/// Jaro-Winkler of two strings of at most 64 bytes, each byte in
/// `0x20..=0x5F` (space, digits, punctuation, `A`–`Z`: the `match`
/// alphabet and more), with one 64-bit mask per byte value (bit-parallel
/// matching within the window); `None` otherwise. It is `rapidfuzz`'s algorithm step by step (same window,
/// same greedy matching, same transposition count, same floating-point
/// expression), so the value is bit-identical, not just close (a property
/// test checks it against `rapidfuzz`, and against `strsim`).
pub(crate) fn short_jaro_winkler(s1: &[u8], s2: &[u8]) -> Option<f64> {
    if s1.len() > SHORT || s2.len() > SHORT {
        return None;
    }
    // Lowest and highest byte of both sides.
    let (mut lo, mut hi) = (u8::MAX, 0u8);
    for &c in s1 {
        lo = lo.min(c);
        hi = hi.max(c);
    }
    for &c in s2 {
        lo = lo.min(c);
        hi = hi.max(c);
    }
    if hi > 0x5F || lo < 0x20 {
        // (Two empty strings give lo = 0xFF, hi = 0: they pass.)
        return None;
    }
    let prefix = s1
        .iter()
        .zip(s2)
        .take(4)
        .take_while(|(x, y)| x == y)
        .count();
    // Letters only (the common case): a 32-entry mask table is enough.
    let mut sim = if lo >= 0x40 {
        short_jaro::<32>(s1, s2)
    } else {
        short_jaro::<64>(s1, s2)
    };
    if sim > 0.7 {
        sim += prefix as f64 * 0.1 * (1.0 - sim);
    }
    Some(sim)
}

/// Jaro similarity for [`short_jaro_winkler`]'s inputs (`s1` is the
/// pattern, `s2` the text, as in `rapidfuzz`), with a mask table of `N`
/// entries indexed by `byte % N`: 64 for bytes in `0x20..=0x5F`, 32 for
/// bytes in `0x40..=0x5F` (no two bytes share an entry).
fn short_jaro<const N: usize>(s1: &[u8], s2: &[u8]) -> f64 {
    let (len1_orig, len2_orig) = (s1.len(), s2.len());
    if len1_orig == 0 && len2_orig == 0 {
        return 1.0;
    }
    if len1_orig == 0 || len2_orig == 0 {
        return 0.0;
    }
    if len1_orig == 1 && len2_orig == 1 {
        return f64::from(u8::from(s1 == s2));
    }
    // Characters past the window of every character of the other side can
    // never match: trim them.
    let (mut len1, mut len2) = (len1_orig, len2_orig);
    let bound = if len2 > len1 {
        let bound = len2 / 2 - 1;
        len2 = len2.min(len1 + bound);
        bound
    } else {
        let bound = len1 / 2 - 1;
        len1 = len1.min(len2 + bound);
        bound
    };
    let (w1, w2) = (
        s1.get(..len1).unwrap_or_default(),
        s2.get(..len2).unwrap_or_default(),
    );
    // A common prefix is matched with no transposition.
    let common_prefix = w1.iter().zip(w2).take_while(|(x, y)| x == y).count();
    let p = w1.get(common_prefix..).unwrap_or_default();
    let t = w2.get(common_prefix..).unwrap_or_default();
    let mut common = common_prefix;
    let mut transpositions = 0usize;
    if !p.is_empty() && !t.is_empty() {
        // Bit i of pm[c % N] is set where p[i] == c.
        let mut pm = [0u64; N];
        for (i, &c) in p.iter().enumerate() {
            if let Some(m) = pm.get_mut(usize::from(c) % N) {
                *m |= 1 << i;
            }
        }
        let get = |c: u8| pm.get(usize::from(c) % N).copied().unwrap_or(0);
        // Each text character takes the first free pattern character equal
        // to it within the window.
        let mut p_flag = 0u64;
        let mut t_flag = 0u64;
        let mut window = low_bits(bound + 1);
        for (j, &c) in t.iter().enumerate() {
            let m = get(c) & window & !p_flag;
            p_flag |= m & m.wrapping_neg();
            t_flag |= u64::from(m != 0) << j;
            window = if j < bound {
                window << 1 | 1
            } else {
                window << 1
            };
        }
        common += p_flag.count_ones() as usize;
        if common == 0 {
            return 0.0;
        }
        // Matched characters in order on both sides: count the pairs that
        // differ.
        while t_flag != 0 {
            let lowest_p = p_flag & p_flag.wrapping_neg();
            let j = t_flag.trailing_zeros() as usize;
            let c = t.get(j).copied().unwrap_or(0);
            transpositions += usize::from(get(c) & lowest_p == 0);
            t_flag &= t_flag - 1;
            p_flag ^= lowest_p;
        }
    }
    if common == 0 {
        return 0.0;
    }
    let transpositions = transpositions / 2;
    let mut sim = 0.0;
    sim += common as f64 / len1_orig as f64;
    sim += common as f64 / len2_orig as f64;
    sim += (common as f64 - transpositions as f64) / common as f64;
    sim / 3.0
}

/// The `n` lowest bits set (all 64 for `n` ≥ 64).
fn low_bits(n: usize) -> u64 {
    if n >= 64 {
        !0
    } else {
        (1u64 << n) - 1
    }
}

/// [`jaro_winkler()`] on byte iterators (e.g. two strings chained without
/// allocating).
pub fn jaro_winkler_iter<A, B>(a: A, b: B) -> Score
where
    A: IntoIterator<Item = u8>,
    A::IntoIter: DoubleEndedIterator + Clone,
    B: IntoIterator<Item = u8>,
    B::IntoIter: DoubleEndedIterator + Clone,
{
    Score::clamped(jaro_winkler::similarity(a, b))
}

/// Levenshtein distance (insertions, deletions, substitutions).
pub fn levenshtein(a: &str, b: &str) -> usize {
    levenshtein::distance(a.bytes(), b.bytes())
}

/// Levenshtein similarity normalized by the longer length.
pub fn normalized_levenshtein(a: &str, b: &str) -> Score {
    Score::clamped(levenshtein::normalized_similarity(a.bytes(), b.bytes()))
}

/// True if the OSA distance is at most `max` (faster than [`osa()`] for a
/// small `max`: the computation stops early).
pub fn osa_within(a: &str, b: &str, max: usize) -> bool {
    if max <= 1 && !within_one_window(a.as_bytes(), b.as_bytes()) {
        return false;
    }
    let args = osa::Args::default().score_cutoff(max);
    osa::distance_with_args(a.bytes(), b.bytes(), &args).is_some()
}

/// A necessary condition for OSA distance ≤ 1, cheap to test: after
/// removing the longest common prefix and then the longest common suffix,
/// at most two bytes remain on each side (one edit touches a window of at
/// most two positions). Only ever rejects pairs whose distance is ≥ 2.
fn within_one_window(a: &[u8], b: &[u8]) -> bool {
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let p = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (
        a.get(p..).unwrap_or_default(),
        b.get(p..).unwrap_or_default(),
    );
    let s = ra
        .iter()
        .rev()
        .zip(rb.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    ra.len() - s <= 2 && rb.len() - s <= 2
}

/// Optimal string alignment distance (Levenshtein plus adjacent
/// transpositions, each substring edited once).
pub fn osa(a: &str, b: &str) -> usize {
    osa::distance(a.bytes(), b.bytes())
}
