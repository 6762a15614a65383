//! q-gram extraction.

/// The distinct q-grams of `value`, sorted by their bytes.
///
/// q-grams are runs of `q` characters (Unicode scalar values, so an `Ñ` is
/// never split). With `pad`, the value is first padded with `q − 1` blanks
/// on each side (`JUAN`, q = 2 → ` J`, `JU`, `UA`, `AN`, `N `). Without
/// `pad`, a non-empty value shorter than `q` is one q-gram by itself. An
/// empty value or `q = 0` gives none.
pub fn qgrams(value: &str, q: usize, pad: bool) -> Vec<String> {
    let mut chars = Vec::new();
    let mut out = Vec::new();
    for_each_qgram(value, q, pad, &mut chars, &mut Vec::new(), |g| {
        out.push(String::from_utf8_lossy(g).into_owned())
    });
    out
}

/// Calls `f` once per distinct q-gram (UTF-8 bytes), in byte order.
/// `chars` and `bytes` are scratch buffers (reused across calls).
/// Returns the number of distinct q-grams.
pub(crate) fn for_each_qgram(
    value: &str,
    q: usize,
    pad: bool,
    chars: &mut Vec<char>,
    bytes: &mut Vec<u8>,
    mut f: impl FnMut(&[u8]),
) -> usize {
    chars.clear();
    if q == 0 || value.is_empty() {
        return 0;
    }
    let padding = if pad { q - 1 } else { 0 };
    chars.extend(std::iter::repeat(' ').take(padding));
    chars.extend(value.chars());
    chars.extend(std::iter::repeat(' ').take(padding));
    let width = q.min(chars.len());
    let mut grams: Vec<&[char]> = chars.windows(width).collect();
    // Sort by UTF-8 byte order (same as char order) and deduplicate.
    grams.sort_unstable();
    grams.dedup();
    for g in &grams {
        bytes.clear();
        for c in g.iter() {
            let mut b = [0u8; 4];
            bytes.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
        }
        f(bytes);
    }
    grams.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bigrams_padded() {
        assert_eq!(qgrams("JUAN", 2, true), [" J", "AN", "JU", "N ", "UA"]);
        assert_eq!(qgrams("ANA", 2, true), [" A", "A ", "AN", "NA"]);
        // Repeated bigram counted once.
        assert_eq!(qgrams("AAA", 2, true), [" A", "A ", "AA"]);
    }

    #[test]
    fn other_q_and_edges() {
        assert_eq!(qgrams("ABC", 3, true), ["  A", " AB", "ABC", "BC ", "C  "]);
        assert_eq!(qgrams("ABC", 2, false), ["AB", "BC"]);
        assert_eq!(qgrams("A", 2, false), ["A"]);
        assert_eq!(qgrams("H", 1, true), ["H"]);
        assert!(qgrams("", 2, true).is_empty());
        assert!(qgrams("ABC", 0, true).is_empty());
    }

    #[test]
    fn multibyte_is_not_split() {
        assert_eq!(qgrams("NÑ", 2, true), [" N", "NÑ", "Ñ "]);
    }
}
