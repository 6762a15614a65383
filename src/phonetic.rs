//! MXF-1: a phonetic key for Mexican Spanish names (spec `names.md` §4).
//!
//! Input is one `match` token (uppercase `A`–`Z`; the placeholder `*` and
//! anything else is skipped, lowercase ASCII is uppercased). Each token has
//! a `primary` key, an `alternate` key (X→S everywhere, W→B) and a `coarse`
//! blocking key of each (first symbol plus consonant symbols, at most 4).
//!
//! ```
//! use padron::phonetic;
//!
//! let k = phonetic::token_keys("XIMENA");
//! assert_eq!(k.primary.as_str(), "JIMENA");
//! assert_eq!(k.alternate.as_str(), "SIMENA");
//! assert_eq!(k.coarse.as_str(), "JMN");
//! assert!(phonetic::agree("XIMENA", "JIMENA"));
//! assert!(phonetic::agree("VELAZQUEZ", "BELASQUES"));
//!
//! let f = phonetic::field_keys("DE LA CRUZ");
//! assert_eq!(f.primary, "DE LA KRUS");
//! ```
//!
//! Token keys are [`Key`] values held inline (no allocation); a key longer
//! than [`Key::CAPACITY`] symbols is truncated (no real name token comes
//! close). [`write_key`] writes an untruncated key into a `String`.
//!
//! Privacy: keys are personal data with low entropy; never export them in
//! clear (turn them into keyed tokens first).

use std::borrow::Cow;
use std::fmt;

use crate::name::Surname;

/// One phonetic key (symbols from `A E I O U B C D F G J K L M N P R S T Y`),
/// stored inline.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    len: u8,
    bytes: [u8; Key::CAPACITY],
}

impl Key {
    /// Maximum number of symbols kept.
    pub const CAPACITY: usize = 32;

    const EMPTY: Key = Key {
        len: 0,
        bytes: [0; Key::CAPACITY],
    };

    /// The key as text (ASCII).
    pub fn as_str(&self) -> &str {
        let b = self.bytes.get(..usize::from(self.len)).unwrap_or_default();
        std::str::from_utf8(b).unwrap_or_default()
    }

    /// Number of symbols.
    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    /// True for the key of a token with no sounding letter (`H`, `*`).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn push(&mut self, b: u8) {
        if let Some(slot) = self.bytes.get_mut(usize::from(self.len)) {
            *slot = b;
            self.len += 1;
        }
    }
}

impl Default for Key {
    /// The empty key.
    fn default() -> Key {
        Key::EMPTY
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Key({:?})", self.as_str())
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The four MXF-1 keys of one token (all empty by default).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct TokenKeys {
    /// The table of §4 as written.
    pub primary: Key,
    /// X→S in every position and W→B; equal to `primary` without X or W.
    pub alternate: Key,
    /// Blocking key from `primary`.
    pub coarse: Key,
    /// Blocking key from `alternate`.
    pub coarse_alt: Key,
}

impl TokenKeys {
    /// Phonetic agreement (§4): any of {primary, alternate} of one equals
    /// any of the other. Keys of tokens with no sounding letter never agree.
    pub fn agrees_with(&self, other: &TokenKeys) -> bool {
        if self.primary.is_empty() || other.primary.is_empty() {
            return false;
        }
        self.primary == other.primary
            || self.primary == other.alternate
            || self.alternate == other.primary
            || self.alternate == other.alternate
    }
}

/// The two keys that decide phonetic agreement (no coarse keys): cheaper
/// to compute and copy than [`TokenKeys`] when only agreement is needed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct AgreementKeys {
    /// See [`TokenKeys::primary`].
    pub primary: Key,
    /// See [`TokenKeys::alternate`].
    pub alternate: Key,
}

impl AgreementKeys {
    /// Same rule as [`TokenKeys::agrees_with`].
    pub fn agrees_with(&self, other: &AgreementKeys) -> bool {
        if self.primary.is_empty() || other.primary.is_empty() {
            return false;
        }
        self.primary == other.primary
            || self.primary == other.alternate
            || self.alternate == other.primary
            || self.alternate == other.alternate
    }
}

/// Primary and alternate keys of one token.
pub fn agreement_keys(token: &str) -> AgreementKeys {
    let (s, xw) = letters(token);
    let primary = key_of::<false>(&s, false).0;
    let alternate = if xw {
        key_of::<false>(&s, true).0
    } else {
        primary
    };
    AgreementKeys { primary, alternate }
}

/// A cheap necessary condition for [`agree`]: the first symbols of the
/// two tokens' primary or alternate keys meet (agreement needs equal,
/// non-empty keys, so equal first symbols). Only the first symbol of each
/// key is computed.
pub fn may_agree(a: &str, b: &str) -> bool {
    let first = |t: &str| {
        let (s, xw) = letters(t);
        let p = first_symbol(&s, false);
        (p, if xw { first_symbol(&s, true) } else { p })
    };
    let ((pa, aa), (pb, ab)) = (first(a), first(b));
    // 0 is the empty key, which agrees with nothing.
    pa != 0 && pb != 0 && (pa == pb || pa == ab || aa == pb || aa == ab)
}

/// Which scan of §4 to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Variant {
    /// The table as written.
    Primary,
    /// X→S in every position, W→B.
    Alternate,
}

fn is_vowel(b: u8) -> bool {
    matches!(b, b'A' | b'E' | b'I' | b'O' | b'U')
}
/// The token's letters `A`–`Z`, borrowed when it has nothing else, and
/// whether it has an `X` or a `W` (the letters whose alternate differs).
fn letters(token: &str) -> (Cow<'_, [u8]>, bool) {
    let b = token.as_bytes();
    // One scalar pass (tokens are short: a vectorized loop would spend
    // its time in set-up and tail).
    let mut xw = false;
    for &c in b {
        if !c.is_ascii_uppercase() {
            let owned: Vec<u8> = b
                .iter()
                .filter(|c| c.is_ascii_alphabetic())
                .map(u8::to_ascii_uppercase)
                .collect();
            let xw = owned.iter().any(|&c| c == b'X' || c == b'W');
            return (Cow::Owned(owned), xw);
        }
        xw |= c == b'X' || c == b'W';
    }
    (Cow::Borrowed(b), xw)
}

/// Runs the scan of §4, calling `emit` for each symbol before collapsing.
fn scan(s: &[u8], alt: bool, mut emit: impl FnMut(u8)) {
    let mut i = 0;
    while let Some(&c) = s.get(i) {
        let next = s.get(i + 1).copied().unwrap_or(0);
        let at = |k: usize| s.get(k).copied().unwrap_or(0);
        let mut used = 1;
        match c {
            b'A' | b'E' | b'I' | b'O' | b'U' => emit(c),
            b'H' => {}
            b'C' => match next {
                b'H' => {
                    emit(b'C');
                    used = 2;
                }
                b'K' | b'Q' => {}
                b'E' | b'I' => emit(b'S'),
                _ => emit(b'K'),
            },
            b'Q' => {
                emit(b'K');
                if next == b'U' {
                    used = 2;
                }
            }
            b'K' => emit(b'K'),
            b'G' => {
                if next == b'E' || next == b'I' {
                    emit(b'J');
                } else if next == b'U' && matches!(at(i + 2), b'E' | b'I') {
                    emit(b'G');
                    used = 2;
                } else {
                    emit(b'G');
                }
            }
            b'J' => emit(b'J'),
            b'X' => emit(if !alt && is_vowel(next) { b'J' } else { b'S' }),
            b'Z' => emit(b'S'),
            b'S' => {
                if i == 0 && next != 0 && !is_vowel(next) && next != b'H' && next != b'Y' {
                    emit(b'E');
                }
                emit(b'S');
            }
            b'L' => {
                if next == b'L' {
                    emit(b'Y');
                    used = 2;
                } else {
                    emit(b'L');
                }
            }
            b'Y' => emit(if is_vowel(next) { b'Y' } else { b'I' }),
            b'B' | b'V' => emit(b'B'),
            b'W' => emit(if alt { b'B' } else { b'U' }),
            b'N' => emit(if matches!(next, b'B' | b'V' | b'P') {
                b'M'
            } else {
                b'N'
            }),
            b'P' => {
                if next == b'H' {
                    emit(b'F');
                    used = 2;
                } else {
                    emit(b'P');
                }
            }
            b'D' | b'F' | b'M' | b'R' | b'T' => emit(c),
            _ => {}
        }
        i += used;
    }
}

/// Symbols of the letters that need no context (0: context or skipped).
static PLAIN: [u8; 256] = {
    let mut t = [0u8; 256];
    let pairs: [(u8, u8); 15] = [
        (b'A', b'A'),
        (b'E', b'E'),
        (b'I', b'I'),
        (b'O', b'O'),
        (b'U', b'U'),
        (b'B', b'B'),
        (b'V', b'B'),
        (b'D', b'D'),
        (b'F', b'F'),
        (b'M', b'M'),
        (b'R', b'R'),
        (b'T', b'T'),
        (b'K', b'K'),
        (b'J', b'J'),
        (b'Z', b'S'),
    ];
    let mut i = 0;
    while i < pairs.len() {
        t[pairs[i].0 as usize] = pairs[i].1;
        i += 1;
    }
    t
};

/// The §4 rule for the letter at `s[i]`: whether an `E` goes before its
/// symbol (`S` + consonant at the start), its symbol (0: silent), and how
/// many letters it uses.
#[inline(always)]
fn symbol(s: &[u8], i: usize, alt: bool) -> (bool, u8, usize) {
    let c = s.get(i).copied().unwrap_or(0);
    let plain = PLAIN[usize::from(c)];
    if plain != 0 {
        return (false, plain, 1);
    }
    let next = s.get(i + 1).copied().unwrap_or(0);
    let (sym, used) = match c {
        b'C' => match next {
            b'H' => (b'C', 2),
            b'K' | b'Q' => (0, 1),
            b'E' | b'I' => (b'S', 1),
            _ => (b'K', 1),
        },
        b'Q' => (b'K', if next == b'U' { 2 } else { 1 }),
        b'G' => {
            if next == b'E' || next == b'I' {
                (b'J', 1)
            } else if next == b'U' && matches!(s.get(i + 2), Some(b'E' | b'I')) {
                (b'G', 2)
            } else {
                (b'G', 1)
            }
        }
        b'X' => (if !alt && is_vowel(next) { b'J' } else { b'S' }, 1),
        b'S' => {
            let e = i == 0 && next != 0 && !is_vowel(next) && next != b'H' && next != b'Y';
            return (e, b'S', 1);
        }
        b'L' => {
            if next == b'L' {
                (b'Y', 2)
            } else {
                (b'L', 1)
            }
        }
        b'Y' => (if is_vowel(next) { b'Y' } else { b'I' }, 1),
        b'W' => (if alt { b'B' } else { b'U' }, 1),
        b'N' => (
            if matches!(next, b'B' | b'V' | b'P') {
                b'M'
            } else {
                b'N'
            },
            1,
        ),
        b'P' => {
            if next == b'H' {
                (b'F', 2)
            } else {
                (b'P', 1)
            }
        }
        // H, and anything else, is silent.
        _ => (0, 1),
    };
    (false, sym, used)
}

/// The first symbol of the key of letters `s` (0 for an empty key).
fn first_symbol(s: &[u8], alt: bool) -> u8 {
    let mut i = 0;
    while i < s.len() {
        let (e, sym, used) = symbol(s, i, alt);
        if e {
            return b'E';
        }
        if sym != 0 {
            return sym;
        }
        i += used;
    }
    0
}

/// The collapsed key of letters `s` and, if `COARSE` (else empty), its
/// coarse key ([`coarse`]), built in one pass. Same symbols as [`scan`]
/// (a unit test checks it).
fn key_of<const COARSE: bool>(s: &[u8], alt: bool) -> (Key, Key) {
    let mut bytes = [0u8; Key::CAPACITY];
    let mut len = 0usize;
    let mut last = 0u8;
    let mut cbytes = [0u8; Key::CAPACITY];
    let mut clen = 0usize;
    let mut i = 0;
    while i < s.len() {
        let (e, sym, used) = symbol(s, i, alt);
        if e {
            // Only at the start: nothing to collapse with.
            bytes[0] = b'E';
            len = 1;
            last = b'E';
            if COARSE {
                cbytes[0] = b'E';
                clen = 1;
            }
        }
        i += used;
        if sym != 0 && sym != last {
            last = sym;
            if let Some(slot) = bytes.get_mut(len) {
                *slot = sym;
                if COARSE && clen < 4 && (len == 0 || !is_vowel(sym)) {
                    if let Some(c) = cbytes.get_mut(clen) {
                        *c = sym;
                    }
                    clen += 1;
                }
                len += 1;
            }
        }
    }
    // At most CAPACITY (32) and 4 symbols were stored.
    (
        Key {
            len: len as u8,
            bytes,
        },
        Key {
            len: clen as u8,
            bytes: cbytes,
        },
    )
}

/// The coarse blocking key of a primary or alternate key: its first symbol,
/// then its consonant symbols in order, at most 4 symbols, no padding.
pub fn coarse(key: &Key) -> Key {
    let mut out = Key::EMPTY;
    let symbols = key.bytes.get(..key.len()).unwrap_or_default();
    for (i, &b) in symbols.iter().enumerate() {
        if out.len() == 4 {
            break;
        }
        if i == 0 || !is_vowel(b) {
            out.push(b);
        }
    }
    out
}

/// The primary key of one token.
pub fn primary(token: &str) -> Key {
    key_of::<false>(&letters(token).0, false).0
}

/// The alternate key of one token.
pub fn alternate(token: &str) -> Key {
    key_of::<false>(&letters(token).0, true).0
}

/// All four keys of one token.
pub fn token_keys(token: &str) -> TokenKeys {
    let (s, xw) = letters(token);
    let (primary, coarse_p) = key_of::<true>(&s, false);
    let (alternate, coarse_alt) = if xw {
        key_of::<true>(&s, true)
    } else {
        (primary, coarse_p)
    };
    TokenKeys {
        primary,
        alternate,
        coarse: coarse_p,
        coarse_alt,
    }
}

/// Phonetic agreement of two tokens (§4).
pub fn agree(a: &str, b: &str) -> bool {
    agreement_keys(a).agrees_with(&agreement_keys(b))
}

/// Writes the untruncated key of `token` to `out` (appending).
pub fn write_key(token: &str, variant: Variant, out: &mut String) {
    let alt = variant == Variant::Alternate;
    let mut last = None;
    scan(&letters(token).0, alt, |b| {
        if last != Some(b) {
            out.push(char::from(b));
            last = Some(b);
        }
    });
}

/// Keys of a multi-token `match` string: per-token keys joined by single
/// spaces (tokens whose key is empty are skipped).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct FieldKeys {
    /// Per-token primary keys.
    pub primary: String,
    /// Per-token alternate keys.
    pub alternate: String,
    /// Per-token coarse keys from `primary`.
    pub coarse: String,
    /// Per-token coarse keys from `alternate`.
    pub coarse_alt: String,
}

/// Keys of every token of `text` (split on spaces), joined by spaces.
pub fn field_keys(text: &str) -> FieldKeys {
    let mut out = FieldKeys::default();
    for tok in text.split(' ').filter(|t| !t.is_empty()) {
        let k = token_keys(tok);
        if k.primary.is_empty() {
            continue;
        }
        for (s, key) in [
            (&mut out.primary, &k.primary),
            (&mut out.alternate, &k.alternate),
            (&mut out.coarse, &k.coarse),
            (&mut out.coarse_alt, &k.coarse_alt),
        ] {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(key.as_str());
        }
    }
    out
}

/// Keys of a surname's `core` form (§4: "a multi-token field's key is the
/// space-joined per-token keys of its core form").
pub fn surname_keys(surname: &Surname<'_>) -> FieldKeys {
    field_keys(surname.core())
}

/// Phonetic agreement of two multi-token strings: same number of tokens
/// and every pair, in order, agrees.
pub fn agree_tokens(a: &str, b: &str) -> bool {
    let mut ta = a.split(' ').filter(|t| !t.is_empty());
    let mut tb = b.split(' ').filter(|t| !t.is_empty());
    let mut any = false;
    loop {
        match (ta.next(), tb.next()) {
            (Some(x), Some(y)) => {
                if !agree(x, y) {
                    return false;
                }
                any = true;
            }
            (None, None) => return any,
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `key_of` (fast, used for keys) against `scan` (used by
    /// `write_key`) and `coarse`, on random tokens (some past the 32-symbol
    /// capacity).
    #[test]
    fn key_of_equals_scan() {
        // Letters with context rules twice as likely.
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZCEGHILNPQSUWXY";
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        for n in 0..20_000 {
            let len = 1 + n % 40;
            let tok: Vec<u8> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    alphabet[(x % alphabet.len() as u64) as usize]
                })
                .collect();
            for alt in [false, true] {
                let mut slow = Vec::new();
                scan(&tok, alt, |b| {
                    if slow.last() != Some(&b) {
                        slow.push(b);
                    }
                });
                slow.truncate(Key::CAPACITY);
                let (k, c) = key_of::<true>(&tok, alt);
                assert_eq!(key_of::<false>(&tok, alt).0, k);
                assert_eq!(first_symbol(&tok, alt), k.bytes[0]);
                assert_eq!(k.as_str().as_bytes(), &slow[..], "{tok:?}");
                assert_eq!(c, coarse(&k), "{tok:?}");
            }
        }
    }

    #[test]
    fn collapses_runs() {
        assert_eq!(primary("CORRAL").as_str(), "KORAL");
        assert_eq!(primary("CORAL").as_str(), "KORAL");
        assert_eq!(primary("ANNA").as_str(), "ANA");
    }

    #[test]
    fn skips_placeholder_and_lowercase() {
        assert_eq!(primary("MU*OZ").as_str(), "MUOS");
        assert_eq!(primary("jimena").as_str(), "JIMENA");
        assert_eq!(primary("").as_str(), "");
        assert_eq!(primary("H").as_str(), "");
        assert!(!agree("H", "HH"));
    }

    #[test]
    fn long_tokens_truncate_without_panic() {
        let t = "BA".repeat(100);
        let k = primary(&t);
        assert_eq!(k.len(), Key::CAPACITY);
        let mut s = String::new();
        write_key(&t, Variant::Primary, &mut s);
        assert_eq!(s.len(), 200);
    }

    #[test]
    fn multi_token() {
        assert!(agree_tokens("JUAN CARLOS", "JUAN KARLOS"));
        assert!(!agree_tokens("JUAN CARLOS", "JUAN"));
        assert!(!agree_tokens("", ""));
        let f = field_keys("XIMENA  WENDY");
        assert_eq!(f.primary, "JIMENA UENDI");
        assert_eq!(f.alternate, "SIMENA BENDI");
        assert_eq!(f.coarse, "JMN UND");
        assert_eq!(f.coarse_alt, "SMN BND");
    }
}
