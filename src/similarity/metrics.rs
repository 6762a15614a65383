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
    Score::clamped(jaro_winkler::similarity(a.bytes(), b.bytes()))
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
