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
    if q <= 2 && value.len() <= ASCII_FAST_MAX && value.is_ascii() {
        return ascii_short_grams(value.as_bytes(), q, pad, f);
    }
    let padding = if pad { q - 1 } else { 0 };
    chars.extend(std::iter::repeat_n(' ', padding));
    chars.extend(value.chars());
    chars.extend(std::iter::repeat_n(' ', padding));
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

/// Longest value taken by [`ascii_short_grams`].
const ASCII_FAST_MAX: usize = 62;

/// [`for_each_qgram`] for ASCII values and `q <= 2` (names, dates, codes):
/// q-grams as 16-bit codes on the stack, sorted as integers. For equal
/// widths, code order is byte order, so the grams and their order are
/// exactly those of the general path.
fn ascii_short_grams(value: &[u8], q: usize, pad: bool, mut f: impl FnMut(&[u8])) -> usize {
    let mut padded = [b' '; ASCII_FAST_MAX + 2];
    let padding = usize::from(pad && q == 2);
    let len = value.len() + 2 * padding;
    padded[padding..padding + value.len()].copy_from_slice(value);
    let padded = &padded[..len];
    let width = q.min(len);
    let mut codes = [0u16; ASCII_FAST_MAX + 2];
    let mut n = 0;
    for w in padded.windows(width) {
        codes[n] = match *w {
            [a, b] => u16::from(a) << 8 | u16::from(b),
            [a] => u16::from(a),
            _ => 0,
        };
        n += 1;
    }
    let codes = &mut codes[..n];
    codes.sort_unstable();
    let mut distinct = 0;
    let mut last = None;
    for &c in codes.iter() {
        if last == Some(c) {
            continue;
        }
        last = Some(c);
        distinct += 1;
        let [hi, lo] = c.to_be_bytes();
        if width == 2 {
            f(&[hi, lo]);
        } else {
            f(&[lo]);
        }
    }
    distinct
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
    fn ascii_fast_path_equals_general_path() {
        // Against the definition (docs/encodings.md §1.3), on values the
        // fast path takes and on ones it leaves to the general path.
        fn reference(v: &str, q: usize, pad: bool) -> Vec<String> {
            let p = if pad { q - 1 } else { 0 };
            let chars: Vec<char> = std::iter::repeat_n(' ', p)
                .chain(v.chars())
                .chain(std::iter::repeat_n(' ', p))
                .collect();
            let w = q.min(chars.len());
            let mut g: Vec<String> = chars.windows(w).map(|c| c.iter().collect()).collect();
            g.sort();
            g.dedup();
            g
        }
        let long = "AB".repeat(40);
        for v in [
            "A",
            "AB",
            "AAA",
            "JUAN",
            "MARIA GUADALUPE",
            "1985-03-12",
            "Z9 *-",
            &long,
        ] {
            for q in [1, 2, 3] {
                for pad in [true, false] {
                    assert_eq!(
                        qgrams(v, q, pad),
                        reference(v, q, pad),
                        "{v:?} q={q} pad={pad}"
                    );
                }
            }
        }
    }

    #[test]
    fn multibyte_is_not_split() {
        assert_eq!(qgrams("NÑ", 2, true), [" N", "NÑ", "Ñ "]);
    }
}
