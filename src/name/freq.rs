//! Value frequencies built from the registries themselves (spec §7), used
//! for Ñ recovery (N9) and term-frequency adjustment.

use std::collections::HashMap;
use std::fmt;

/// Counts of `match` forms (`value<TAB>count`). Lookups only: nothing
/// iterates the map, so output never depends on its order.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct FrequencyTable {
    counts: HashMap<Box<str>, u64>,
}

/// Why a frequency file could not be read. Names the line, never the value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FrequencyError {
    /// Line (1-based) is not `value<TAB>count`.
    Format {
        /// 1-based line number.
        line: usize,
    },
    /// Line (1-based) has a count that is not a non-negative integer.
    Count {
        /// 1-based line number.
        line: usize,
    },
}

impl fmt::Display for FrequencyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrequencyError::Format { line } => {
                write!(f, "frequency table line {line}: expected value<TAB>count")
            }
            FrequencyError::Count { line } => {
                write!(f, "frequency table line {line}: count is not an integer")
            }
        }
    }
}

impl std::error::Error for FrequencyError {}

impl FrequencyTable {
    /// An empty table.
    pub fn new() -> FrequencyTable {
        FrequencyTable::default()
    }

    /// Adds `count` to `value` (a `match` form).
    pub fn add(&mut self, value: &str, count: u64) {
        match self.counts.get_mut(value) {
            Some(c) => *c = c.saturating_add(count),
            None => {
                self.counts.insert(value.into(), count);
            }
        }
    }

    /// Reads `value<TAB>count` lines (LF or CRLF; blank lines skipped).
    pub fn parse_tsv(text: &str) -> Result<FrequencyTable, FrequencyError> {
        let mut table = FrequencyTable::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.is_empty() {
                continue;
            }
            let (value, count) = line
                .split_once('\t')
                .ok_or(FrequencyError::Format { line: i + 1 })?;
            let count: u64 = count
                .trim()
                .parse()
                .map_err(|_| FrequencyError::Count { line: i + 1 })?;
            table.add(value, count);
        }
        Ok(table)
    }

    /// The count of `value` (0 if absent).
    pub fn count(&self, value: &str) -> u64 {
        self.counts.get(value).copied().unwrap_or(0)
    }

    /// Number of distinct values.
    pub fn len(&self) -> usize {
        self.counts.len()
    }

    /// True if the table has no values.
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }
}

impl fmt::Debug for FrequencyTable {
    /// Shows only the size: the values are names.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FrequencyTable")
            .field("values", &self.counts.len())
            .finish()
    }
}

/// N9 for one surname token: the rewritten (match, ortho) pair, if the
/// table supports one.
pub(crate) fn recover_n_tilde(
    table: &FrequencyTable,
    matchf: &str,
    ortho: &str,
) -> Option<(String, String)> {
    let bytes = matchf.as_bytes();
    if bytes.iter().filter(|&&b| b == b'*').count() == 1 {
        let cand = matchf.replacen('*', "N", 1);
        if table.count(&cand) > 0 {
            return Some((cand, ortho.replacen('*', "Ñ", 1)));
        }
        return None;
    }
    let original = table.count(matchf);
    let mut best: Option<(u64, usize)> = None;
    for p in 0..bytes.len().saturating_sub(2) {
        let is_ni = bytes.get(p..p + 2) == Some(b"NI".as_slice());
        let vowel = bytes
            .get(p + 2)
            .is_some_and(|b| matches!(b, b'A' | b'E' | b'I' | b'O' | b'U'));
        if !(is_ni && vowel) {
            continue;
        }
        let cand = format!("{}N{}", matchf.get(..p)?, matchf.get(p + 2..)?);
        let c = table.count(&cand);
        let rare = original == 0 || original.saturating_mul(100) <= c;
        let better = match best {
            Some((bc, _)) => c > bc,
            None => true,
        };
        if c > 0 && rare && better {
            best = Some((c, p));
        }
    }
    let (_, p) = best?;
    let new_match = format!("{}N{}", matchf.get(..p)?, matchf.get(p + 2..)?);
    // The ortho form is rebuilt from the match form: other accents of the
    // token are lost (a token spelt with NI is rarely accented).
    let new_ortho = format!("{}Ñ{}", matchf.get(..p)?, matchf.get(p + 2..)?);
    Some((new_match, new_ortho))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> FrequencyTable {
        FrequencyTable::parse_tsv("MUNOZ\t5000\nPENA\t3000\nPENIA\t2\nDANIEL\t10\nANTONIO\t40\r\n")
            .unwrap()
    }

    #[test]
    fn parses_and_counts() {
        let t = table();
        assert_eq!(t.count("MUNOZ"), 5000);
        assert_eq!(t.count("ANTONIO"), 40);
        assert_eq!(t.count("LOPEZ"), 0);
        assert_eq!(t.len(), 5);
        assert_eq!(
            FrequencyTable::parse_tsv("A\t1\nB 2\n"),
            Err(FrequencyError::Format { line: 2 })
        );
        assert_eq!(
            FrequencyTable::parse_tsv("A\tx\n"),
            Err(FrequencyError::Count { line: 1 })
        );
        let shown = format!("{:?}", t);
        assert!(!shown.contains("MUNOZ"));
    }

    #[test]
    fn n9_rules() {
        let t = table();
        let r = |m: &str| recover_n_tilde(&t, m, m);
        assert_eq!(r("MUNIOZ"), Some(("MUNOZ".into(), "MUÑOZ".into())));
        assert_eq!(r("PENIA"), Some(("PENA".into(), "PEÑA".into())));
        assert_eq!(r("MU*OZ"), Some(("MUNOZ".into(), "MUÑOZ".into())));
        // The original is common: no rewrite.
        assert_eq!(r("ANTONIO"), None);
        // The candidate is unknown.
        assert_eq!(r("DANIEL"), None);
        assert_eq!(r("LO*EZ"), None);
        assert_eq!(r("LOPEZ"), None);
    }
}
