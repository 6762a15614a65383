//! Lenient normalisation of user-typed CURP text (§7.1, §8.5).

use std::fmt;

/// What [`normalize_input`] changed. Reported so a registry audit can count
/// formatting noise; the value itself is never altered beyond this.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum InputChange {
    /// Leading or trailing blanks (any Unicode white space, BOM, control
    /// characters) were removed.
    Trimmed,
    /// Lower-case letters were upper-cased.
    Uppercased,
    /// Separators inside the value (space, `-`, `_`, `.`, `/`, `*`, other
    /// ASCII punctuation, Unicode dashes, quotes, invisible characters) were
    /// removed.
    SeparatorsRemoved,
}

impl InputChange {
    /// Stable snake_case name: `trimmed`, `uppercased`, `separators_removed`.
    pub fn name(self) -> &'static str {
        match self {
            InputChange::Trimmed => "trimmed",
            InputChange::Uppercased => "uppercased",
            InputChange::SeparatorsRemoved => "separators_removed",
        }
    }
}

/// Result of [`normalize_input`]. `Debug` redacts the value.
#[derive(Clone, PartialEq, Eq)]
pub struct NormalizedInput {
    /// The normalised text (not necessarily a valid CURP).
    pub value: String,
    /// What was changed, each kind at most once, in the order of
    /// [`InputChange`]'s variants.
    pub changes: Vec<InputChange>,
}

impl fmt::Debug for NormalizedInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NormalizedInput")
            .field("value", &format_args!(".."))
            .field("changes", &self.changes)
            .finish()
    }
}

/// Blank for trimming: white space, control and invisible format characters.
fn is_blank(c: char) -> bool {
    c.is_whitespace() || c.is_control() || is_invisible(c)
}

fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}'
    )
}

/// Separator inside the value.
fn is_separator(c: char) -> bool {
    is_blank(c)
        || c.is_ascii_punctuation()
        || matches!(
            c,
            '\u{2010}'..='\u{2015}' // hyphens and dashes
                | '\u{2212}' // minus sign
                | '\u{2018}'..='\u{201F}' // typographic quotes
                | '\u{00B4}' // acute accent used as apostrophe
                | '\u{00B7}' // middle dot
                | '\u{2022}' // bullet
                | '\u{2026}' // ellipsis
                | '\u{00A8}' // diaeresis
        )
}

/// Normalise user text before strict parsing (§7.1): trim; upper-case;
/// remove separators inside the value. Reports what it changed.
///
/// Never maps `Ñ` → `X`, `O` → `0` or `I` → `1` (§7.1, §8.5): such values
/// stay invalid and are reported, not silently fixed. Idempotent:
/// `normalize_input(&n.value).value == n.value` and reports no changes.
///
/// Upper-casing is applied only to characters whose upper-case form is a
/// single character (so `ñ` → `Ñ`, `é` → `É`; `ß` is kept as is).
pub fn normalize_input(text: &str) -> NormalizedInput {
    if text.is_ascii() {
        normalize_ascii(text)
    } else {
        normalize_general(text)
    }
}

fn normalize_general(text: &str) -> NormalizedInput {
    let trimmed = text.trim_matches(is_blank);
    let mut trimmed_flag = trimmed.len() != text.len();
    let mut upper = false;
    let mut separators = false;
    let mut value = String::with_capacity(trimmed.len().min(64));
    for c in trimmed.chars() {
        if is_separator(c) {
            separators = true;
            continue;
        }
        let u = upper_single(c);
        if u != c {
            upper = true;
        }
        value.push(u);
    }
    // A value made only of separators and blanks ends empty; count that as
    // trimming, not separators, when nothing was inside.
    if trimmed.is_empty() && !text.is_empty() {
        trimmed_flag = true;
    }
    let mut changes = Vec::new();
    if trimmed_flag {
        changes.push(InputChange::Trimmed);
    }
    if upper {
        changes.push(InputChange::Uppercased);
    }
    if separators {
        changes.push(InputChange::SeparatorsRemoved);
    }
    NormalizedInput { value, changes }
}

/// [`normalize_input`] for ASCII text, byte by byte (same rules: blanks
/// are 0x00–0x20 and 0x7F, separators are blanks and ASCII punctuation).
fn normalize_ascii(text: &str) -> NormalizedInput {
    let blank = |b: &u8| *b <= b' ' || *b == 0x7F;
    let bytes = text.as_bytes();
    let start = bytes.iter().position(|b| !blank(b)).unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !blank(b))
        .map_or(start, |i| i + 1);
    let inner = bytes.get(start..end).unwrap_or_default();
    let mut value = String::with_capacity(inner.len());
    let (mut upper, mut separators) = (false, false);
    for &b in inner {
        if blank(&b) || b.is_ascii_punctuation() {
            separators = true;
        } else {
            upper |= b.is_ascii_lowercase();
            value.push(char::from(b.to_ascii_uppercase()));
        }
    }
    let mut changes = Vec::new();
    if inner.len() != bytes.len() {
        changes.push(InputChange::Trimmed);
    }
    if upper {
        changes.push(InputChange::Uppercased);
    }
    if separators {
        changes.push(InputChange::SeparatorsRemoved);
    }
    NormalizedInput { value, changes }
}

/// Upper-case of `c` when it is one character (and itself stable under
/// upper-casing, which keeps the normaliser idempotent); else `c`.
fn upper_single(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_uppercase();
    }
    let mut it = c.to_uppercase();
    match (it.next(), it.next()) {
        (Some(u), None) if !is_separator(u) && single_upper_is(u, u) => u,
        _ => c,
    }
}

fn single_upper_is(c: char, expected: char) -> bool {
    let mut it = c.to_uppercase();
    matches!((it.next(), it.next()), (Some(u), None) if u == expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validate_curp_example() {
        let n = normalize_input("  motr-930411/HjCR*mn03  ");
        assert_eq!(n.value, "MOTR930411HJCRMN03");
        assert_eq!(
            n.changes,
            vec![
                InputChange::Trimmed,
                InputChange::Uppercased,
                InputChange::SeparatorsRemoved
            ]
        );
        let again = normalize_input(&n.value);
        assert_eq!(again.value, n.value);
        assert!(again.changes.is_empty());
    }

    #[test]
    fn keeps_enye_and_letter_o() {
        let n = normalize_input("peña");
        assert_eq!(n.value, "PEÑA");
        let n = normalize_input("TOMA880125HMNRRNO2");
        assert_eq!(n.value, "TOMA880125HMNRRNO2");
        assert!(n.changes.is_empty());
    }

    proptest::proptest! {
        #[test]
        fn ascii_path_agrees_with_general_path(t in "[\\x00-\\x7F]{0,24}") {
            proptest::prop_assert_eq!(normalize_ascii(&t), normalize_general(&t));
        }
    }

    #[test]
    fn ascii_path_agrees_on_every_byte() {
        for b in 0u8..0x80 {
            let c = char::from(b);
            for t in [
                format!("{c}"),
                format!("a{c}b"),
                format!("{c}ab{c}"),
                format!(" {c} "),
            ] {
                assert_eq!(normalize_ascii(&t), normalize_general(&t), "{b:#x}");
            }
        }
    }

    #[test]
    fn debug_is_redacted() {
        let n = normalize_input("SABC560626MDFLRN01");
        assert!(!format!("{n:?}").contains("SABC"));
    }
}
