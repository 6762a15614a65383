//! Deriving the root (positions 1–16) and a probable CURP from a person's
//! data (§4–§6).

use std::fmt;

use super::parse::{check_digit_bytes, date_of, Curp};
use super::place::{Sex, State};
use super::words::{is_inconvenient, PARTICLES, SKIPPED_GIVEN_NAMES};
use crate::date::Date;

/// A person's data as captured from the *documento probatorio* (§3.2, §4).
///
/// Text may be in any case, with accents, `Ñ`, `Ü`, special characters and
/// repeated spaces: [`derive_root`] normalises it itself. Give names **as
/// captured** (`MA. GUADALUPE`, not an expanded `MARIA GUADALUPE`; §4.9).
/// Titles (`LIC.`, `DR.`) are not removed here (a capture-stage rule, §4.1).
///
/// `Debug` is redacted.
#[derive(Clone, Copy)]
pub struct PersonData<'a> {
    /// Given name(s), e.g. `MARIA DEL CARMEN`.
    pub given_names: &'a str,
    /// First (paternal) surname; a single surname goes here (§4.7).
    pub first_surname: &'a str,
    /// Second surname; `""` when the person has none.
    pub second_surname: &'a str,
    /// Birth date.
    pub birth_date: Date,
    /// Sex.
    pub sex: Sex,
    /// State of birth (`NE` if born abroad).
    pub state: State,
}

impl fmt::Debug for PersonData<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PersonData(..)")
    }
}

/// Options for [`derive_root_with`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeriveOptions {
    /// `Ä Ë Ï Ö` give `X` (one reading of 2021 rule 1.4) instead of the base
    /// vowel (default, 2006 text; §4.2, §9). `Ü` always gives `U`.
    pub diaeresis_as_x: bool,
}

impl DeriveOptions {
    /// The defaults (diaeresis stripped).
    pub fn new() -> DeriveOptions {
        DeriveOptions::default()
    }

    /// Set [`DeriveOptions::diaeresis_as_x`].
    pub fn diaeresis_as_x(mut self, yes: bool) -> DeriveOptions {
        self.diaeresis_as_x = yes;
        self
    }
}

/// Positions 1–16 of a CURP (*segmento raíz*): well-shaped upper-case ASCII.
///
/// `Debug` is redacted; `Display` prints the value.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Root([u8; 16]);

impl Root {
    pub(crate) fn from_bytes(bytes: [u8; 16]) -> Root {
        Root(bytes)
    }

    /// The 16 characters.
    pub fn as_str(&self) -> &str {
        // Invariant: only ASCII is ever stored.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The 16 bytes.
    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }
}

impl fmt::Debug for Root {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Root(..)")
    }
}

impl fmt::Display for Root {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

// ---------------------------------------------------------------------------
// Symbols of a normalised name (§4.1, §4.2, §5.2).

/// One character of a name after upper-casing and accent removal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sym {
    /// `A`–`Z` (accents removed, `Ü` → `U`).
    Letter(u8),
    /// `Ñ` (also `N` + combining tilde).
    Enye,
    /// `Ä Ë Ï Ö` as their base vowel (a letter unless
    /// [`DeriveOptions::diaeresis_as_x`]).
    Diaeresis(u8),
    /// Anything else: digits, `/ - . ' ’ ´`, other scripts. Upper-cased
    /// where that is one character, so `.` in `MA.` stays comparable.
    Other(char),
}

fn is_combining(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}')
}

fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}'
    )
}

fn sym_of(c: char) -> Sym {
    match c {
        'A'..='Z' => Sym::Letter(c as u8),
        'a'..='z' => Sym::Letter(c.to_ascii_uppercase() as u8),
        'Ñ' | 'ñ' => Sym::Enye,
        'Ä' | 'ä' => Sym::Diaeresis(b'A'),
        'Ë' | 'ë' => Sym::Diaeresis(b'E'),
        'Ï' | 'ï' => Sym::Diaeresis(b'I'),
        'Ö' | 'ö' => Sym::Diaeresis(b'O'),
        'À'..='Å' | 'à'..='å' | 'Ā'..='ą' => Sym::Letter(b'A'),
        'Ç' | 'ç' | 'Ć'..='č' => Sym::Letter(b'C'),
        'È'..='Ê' | 'è'..='ê' | 'Ē'..='ě' => Sym::Letter(b'E'),
        'Ì'..='Î' | 'ì'..='î' | 'Ĩ'..='ı' => Sym::Letter(b'I'),
        'Ò'..='Õ' | 'ò'..='õ' | 'Ō'..='ő' => Sym::Letter(b'O'),
        'Ù'..='Ü' | 'ù'..='ü' | 'Ũ'..='ų' => Sym::Letter(b'U'),
        'Ý' | 'ý' | 'ÿ' | 'Ÿ' => Sym::Letter(b'Y'),
        _ => {
            let mut up = c.to_uppercase();
            match (up.next(), up.next()) {
                (Some(u), None) => Sym::Other(u),
                _ => Sym::Other(c),
            }
        }
    }
}

/// Normalised symbols of one word; combining marks fold into the letter
/// before them (`N` + U+0303 → `Ñ`, `O` + U+0308 → diaeresis, others
/// dropped), invisible characters are skipped.
struct Syms<'a> {
    text: &'a str,
    at: usize, // byte offset, always on a char boundary
}

fn syms(word: &str) -> Syms<'_> {
    Syms { text: word, at: 0 }
}

impl Syms<'_> {
    fn next_char(&mut self) -> Option<char> {
        let b = *self.text.as_bytes().get(self.at)?;
        if b < 0x80 {
            self.at += 1;
            return Some(char::from(b));
        }
        let c = self.text.get(self.at..)?.chars().next()?;
        self.at += c.len_utf8();
        Some(c)
    }

    /// The combining mark (U+0300–U+036F) at the cursor, if any, read from
    /// its UTF-8 bytes (`CC 80`–`CD AF`) without decoding.
    fn combining_here(&self) -> Option<char> {
        let bytes = self.text.as_bytes();
        let lead = *bytes.get(self.at)?;
        let next = *bytes.get(self.at + 1)?;
        let offset = match (lead, next) {
            (0xCC, 0x80..=0xBF) => u32::from(next - 0x80),
            (0xCD, 0x80..=0xAF) => 0x40 + u32::from(next - 0x80),
            _ => return None,
        };
        char::from_u32(0x300 + offset)
    }
}

impl Iterator for Syms<'_> {
    type Item = Sym;

    fn next(&mut self) -> Option<Sym> {
        // Fast path: an ASCII byte not followed by a combining mark.
        let bytes = self.text.as_bytes();
        if let Some(&b) = bytes.get(self.at) {
            if b < 0x80 && !matches!(bytes.get(self.at + 1), Some(0xCC | 0xCD)) {
                self.at += 1;
                return Some(match b {
                    b'A'..=b'Z' => Sym::Letter(b),
                    b'a'..=b'z' => Sym::Letter(b - 32),
                    _ => Sym::Other(char::from(b)),
                });
            }
        }
        loop {
            let c = self.next_char()?;
            if is_combining(c) || is_invisible(c) {
                continue; // stray mark with nothing to attach to
            }
            let mut s = sym_of(c);
            while let Some(m) = self.combining_here() {
                self.at += 2;
                s = match (s, m) {
                    (Sym::Letter(b'N'), '\u{0303}') => Sym::Enye,
                    (Sym::Letter(v @ (b'A' | b'E' | b'I' | b'O')), '\u{0308}') => Sym::Diaeresis(v),
                    (other, _) => other,
                };
            }
            return Some(s);
        }
    }
}

/// Longest word of the lists compared against (`DESCONOCIDO`, 11).
const FOLD_MAX: usize = 12;

/// A word folded for comparison with the word lists: letters as `A`–`Z`,
/// diaeresis vowels as their base, other ASCII as itself, `Ñ` and other
/// characters as bytes no list contains. `len == FOLD_MAX` means "longer
/// than any list word".
struct Folded {
    buf: [u8; FOLD_MAX],
    len: usize,
}

impl Folded {
    /// Fold at most `max` (≤ [`FOLD_MAX`]) symbols; a longer word gets
    /// `len == FOLD_MAX` and equals no list word.
    fn new(word: &str, max: usize) -> Folded {
        let mut f = Folded {
            buf: [0; FOLD_MAX],
            len: 0,
        };
        let max = max.min(FOLD_MAX - 1);
        for s in syms(word) {
            if f.len == max {
                f.len = FOLD_MAX;
                break;
            }
            let Some(slot) = f.buf.get_mut(f.len) else {
                break;
            };
            *slot = match s {
                Sym::Letter(b) | Sym::Diaeresis(b) => b,
                Sym::Other(c) if c.is_ascii() => c as u8,
                Sym::Enye | Sym::Other(_) => 0xFF,
            };
            f.len += 1;
        }
        f
    }

    fn is(&self, target: &str) -> bool {
        self.len < FOLD_MAX && self.buf.get(..self.len) == Some(target.as_bytes())
    }

    fn in_list(&self, list: &[&str]) -> bool {
        list.iter().any(|t| self.is(t))
    }
}

/// Longest particle (3) and skip-list word (5), in symbols.
const PARTICLE_MAX: usize = 3;
const SKIP_MAX: usize = 5;

fn is_particle(word: &str) -> bool {
    Folded::new(word, PARTICLE_MAX).in_list(&PARTICLES)
}

/// The words of a field, as [`str::split_whitespace`] splits them; ASCII
/// text is split byte by byte (its white space is TAB, LF, VT, FF, CR and
/// space).
fn words(field: &str) -> Words<'_> {
    if field.is_ascii() {
        Words::Ascii { text: field, at: 0 }
    } else {
        Words::Unicode(field.split_whitespace())
    }
}

enum Words<'a> {
    Ascii { text: &'a str, at: usize },
    Unicode(std::str::SplitWhitespace<'a>),
}

impl<'a> Iterator for Words<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        match self {
            Words::Ascii { text, at } => {
                let blank = |b: &u8| matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ');
                let bytes = text.as_bytes();
                while bytes.get(*at).is_some_and(blank) {
                    *at += 1;
                }
                let start = *at;
                while bytes.get(*at).is_some_and(|b| !blank(b)) {
                    *at += 1;
                }
                // ASCII text: every offset is a character boundary.
                (start < *at).then(|| text.get(start..*at)).flatten()
            }
            Words::Unicode(w) => w.next(),
        }
    }
}

/// The word of a surname field used for the key (§5.3): leading particles
/// dropped while more words follow. `None` for an empty field or
/// `DESCONOCIDO` (§4.8).
fn choose_surname(field: &str) -> Option<&str> {
    let mut words = words(field).peekable();
    while let Some(w) = words.next() {
        let last = words.peek().is_none();
        if !last && is_particle(w) {
            continue;
        }
        if last && w.len() >= 11 && Folded::new(w, FOLD_MAX).is("DESCONOCIDO") {
            return None;
        }
        return Some(w);
    }
    None
}

/// The given name used for the key (§5.3). With `skip`, a first word of the
/// skip list is dropped when another word follows.
fn choose_given(field: &str, skip: bool) -> Option<&str> {
    let mut words = words(field).peekable();
    let mut w = words.next()?;
    while words.peek().is_some() && is_particle(w) {
        w = words.next()?;
    }
    if skip && words.peek().is_some() && Folded::new(w, SKIP_MAX).in_list(&SKIPPED_GIVEN_NAMES) {
        w = words.next()?;
        while words.peek().is_some() && is_particle(w) {
            w = words.next()?;
        }
    }
    Some(w)
}

/// A key character and an alternative RENAPO may have used for the same
/// source character (for [`consistency`](super::consistency)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Pick {
    pub(crate) ch: u8,
    /// `X` for a source `N` (an `Ñ` may have lost its tilde in the
    /// registry) or `Ä Ë Ï Ö`; `N` for a source `Ñ`.
    pub(crate) alt: Option<u8>,
}

impl Pick {
    const X: Pick = Pick {
        ch: b'X',
        alt: None,
    };

    pub(crate) fn accepts(self, c: u8) -> bool {
        self.ch == c || self.alt == Some(c)
    }
}

fn classify_letter(s: Sym, opts: &DeriveOptions) -> Sym {
    match s {
        Sym::Diaeresis(_) if opts.diaeresis_as_x => Sym::Other('X'),
        other => other,
    }
}

fn letter_pick(s: Sym) -> Pick {
    match s {
        Sym::Letter(b'N') => Pick {
            ch: b'N',
            alt: Some(b'X'),
        },
        Sym::Letter(b) => Pick { ch: b, alt: None },
        Sym::Diaeresis(b) => Pick {
            ch: b,
            alt: Some(b'X'),
        },
        Sym::Enye => Pick {
            ch: b'X',
            alt: Some(b'N'),
        },
        Sym::Other(_) => Pick::X,
    }
}

fn is_vowel(b: u8) -> bool {
    matches!(b, b'A' | b'E' | b'I' | b'O' | b'U')
}

/// The symbol of an ASCII byte: what [`Syms`] yields for it (an ASCII
/// word has no combining marks nor invisible characters).
fn ascii_sym(b: u8) -> Sym {
    match b {
        b'A'..=b'Z' => Sym::Letter(b),
        b'a'..=b'z' => Sym::Letter(b - 32),
        _ => Sym::Other(char::from(b)),
    }
}

/// §5.2 initial: first character; `Ñ` and non-letters give `X`.
fn initial(word: &str, opts: &DeriveOptions) -> Pick {
    if word.is_ascii() {
        return word
            .bytes()
            .next()
            .map_or(Pick::X, |b| letter_pick(ascii_sym(b)));
    }
    syms(word)
        .next()
        .map_or(Pick::X, |s| letter_pick(classify_letter(s, opts)))
}

/// §5.2 interior vowel: from the 2nd character, first vowel; a special
/// character or digit, or the end, gives `X`; consonants (incl. `Ñ`) skipped.
fn interior_vowel(word: &str, opts: &DeriveOptions) -> Pick {
    if word.is_ascii() {
        return ascii_interior(word, true);
    }
    for s in syms(word).skip(1) {
        match classify_letter(s, opts) {
            Sym::Letter(b) | Sym::Diaeresis(b) if is_vowel(b) => return letter_pick(s),
            Sym::Letter(_) | Sym::Enye => continue,
            // With diaeresis_as_x the vowel became a special character;
            // RENAPO may also have stripped it: accept the base vowel.
            Sym::Other(_) => {
                return match s {
                    Sym::Diaeresis(b) => Pick {
                        ch: b'X',
                        alt: Some(b),
                    },
                    _ => Pick::X,
                };
            }
            Sym::Diaeresis(_) => continue,
        }
    }
    Pick::X
}

/// §5.2 interior consonant: from the 2nd character, first consonant; `Ñ`,
/// a special character or digit, or the end, gives `X`; vowels skipped.
fn interior_consonant(word: &str, opts: &DeriveOptions) -> Pick {
    if word.is_ascii() {
        return ascii_interior(word, false);
    }
    for s in syms(word).skip(1) {
        match classify_letter(s, opts) {
            Sym::Letter(b) | Sym::Diaeresis(b) if is_vowel(b) => continue,
            Sym::Letter(_) | Sym::Enye => return letter_pick(s),
            Sym::Diaeresis(_) => continue,
            Sym::Other(_) => return Pick::X,
        }
    }
    Pick::X
}

/// [`interior_vowel`] (`vowel`) or [`interior_consonant`] of an ASCII word,
/// byte by byte: from the 2nd character, the first letter of the wanted
/// kind, letters of the other kind skipped, anything else or the end `X`.
/// Options only concern the diaeresis, which ASCII lacks.
fn ascii_interior(word: &str, vowel: bool) -> Pick {
    for &b in word.as_bytes().iter().skip(1) {
        match ascii_sym(b) {
            Sym::Letter(u) if is_vowel(u) == vowel => return letter_pick(Sym::Letter(u)),
            Sym::Letter(_) => continue,
            _ => return Pick::X,
        }
    }
    Pick::X
}

/// Everything derivation decides, for the root and for consistency checks.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Detail {
    /// Positions 1–4 before censoring (§5.4.3).
    pub(crate) letters: [Pick; 4],
    /// Positions 14–16.
    pub(crate) consonants: [Pick; 3],
}

/// Derive positions 1–4 and 14–16 from the name fields (§5.3, §5.4).
pub(crate) fn detail(
    given: &str,
    first: &str,
    second: &str,
    skip_given: bool,
    opts: &DeriveOptions,
) -> Detail {
    let mut a = choose_surname(first);
    let mut b = choose_surname(second);
    if a.is_none() {
        a = b.take(); // §5.4.1: a lone second surname acts as the first
    }
    let n = choose_given(given, skip_given);
    let init_n = n.map_or(Pick::X, |w| initial(w, opts));
    let cons_n = n.map_or(Pick::X, |w| interior_consonant(w, opts));
    let (letters, consonants) = match a {
        None => (
            [Pick::X, Pick::X, Pick::X, init_n],
            [Pick::X, Pick::X, cons_n],
        ),
        Some(a) => {
            let (init_b, cons_b) = match b {
                Some(b) => (initial(b, opts), interior_consonant(b, opts)),
                None => (Pick::X, Pick::X),
            };
            (
                [initial(a, opts), interior_vowel(a, opts), init_b, init_n],
                [interior_consonant(a, opts), cons_b, cons_n],
            )
        }
    };
    Detail {
        letters,
        consonants,
    }
}

/// Positions 1–4 after the §6 censoring (position 2 → `X`).
pub(crate) fn censored(letters: [u8; 4]) -> [u8; 4] {
    let mut l = letters;
    if is_inconvenient(l) {
        l[1] = b'X';
    }
    l
}

fn two(n: u16) -> [u8; 2] {
    // n < 100 by construction at every call site.
    [b'0' + (n / 10 % 10) as u8, b'0' + (n % 10) as u8]
}

/// Derive the root (positions 1–16) per §4–§6 with default options.
///
/// Total: never panics; any input gives 16 well-shaped characters (letters
/// in 1, 3, 4; vowel or `X` in 2; the date digits; `H`/`M`/`X`; a state
/// code; consonants or `X` in 14–16). Rules applied: upper-casing, accent
/// removal (`Ü` → `U`), `Ñ` → `X` only where it lands in the key, special
/// characters and digits → `X` where they land, the 19 particles, the 2021
/// given-name skip list, the single/no-surname rules, `DESCONOCIDO` as no
/// surname, and the 81-word catalogue of §6. Words are separated by any run
/// of white space.
///
/// Years outside 1900–2099 keep only their last two digits (the CURP cannot
/// store the century, §3.1).
pub fn derive_root(p: &PersonData) -> Root {
    derive_root_with(p, &DeriveOptions::default())
}

/// [`derive_root`] with options.
pub fn derive_root_with(p: &PersonData, opts: &DeriveOptions) -> Root {
    let d = detail(p.given_names, p.first_surname, p.second_surname, true, opts);
    let letters = censored(d.letters.map(|x| x.ch));
    let mut r = [0u8; 16];
    r[..4].copy_from_slice(&letters);
    let date = p.birth_date;
    r[4..6].copy_from_slice(&two(date.year() % 100));
    r[6..8].copy_from_slice(&two(u16::from(date.month())));
    r[8..10].copy_from_slice(&two(u16::from(date.day())));
    r[10] = p.sex.code() as u8;
    let code = p.state.code().as_bytes();
    r[11] = code.first().copied().unwrap_or(b'N');
    r[12] = code.get(1).copied().unwrap_or(b'E');
    for (slot, c) in r[13..].iter_mut().zip(d.consonants) {
        *slot = c.ch;
    }
    Root(r)
}

/// The probable CURP (§3.6): the derived root, differentiator `0` (born
/// before 2000) or `A` (2000 on), and the computed check digit.
///
/// Only *probable*: RENAPO assigns position 17 and gives homonyms other
/// values (≈96 % of real CURPs carry the first value, §10).
///
/// For birth years outside 1900–2099 position 17 still follows the rule
/// above, so the key reads as another century; [`Curp::birth_date`] then
/// returns the date as the key reads it, except for a 29 February that
/// does not exist in that century, where it returns `p.birth_date`.
pub fn derive_probable(p: &PersonData) -> Curp {
    probable_from_root(&derive_root(p), p.birth_date)
}

/// [`derive_probable`] from a root already derived for the same person
/// (`birth_date` is theirs), for callers that want both without deriving
/// twice.
pub fn probable_from_root(root: &Root, birth_date: Date) -> Curp {
    let diff = if birth_date.year() < 2000 { '0' } else { 'A' };
    match with_differentiator(root, diff) {
        Some(c) => c,
        None => {
            let mut b = [0u8; 18];
            b[..16].copy_from_slice(&root.0);
            b[16] = diff as u8;
            let mut first17 = [0u8; 17];
            first17.copy_from_slice(&b[..17]);
            b[17] = b'0' + check_digit_bytes(&first17).unwrap_or(0);
            Curp::from_parts(b, birth_date)
        }
    }
}

/// A CURP from a root and a position-17 value (`0`–`9`, `A`–`Z`), with the
/// computed check digit. `None` for another character, or when positions
/// 5–10 are not a real date in the century that value implies (a
/// 29 February of a year `00` read as 1900).
///
/// The result passes [`Curp::parse`] with default options (the root is
/// well-shaped by construction); the future-date check is the caller's.
pub fn with_differentiator(root: &Root, differentiator: char) -> Option<Curp> {
    if !(differentiator.is_ascii_digit() || differentiator.is_ascii_uppercase()) {
        return None;
    }
    let mut b = [0u8; 18];
    b[..16].copy_from_slice(&root.0);
    b[16] = differentiator as u8;
    let mut first17 = [0u8; 17];
    first17.copy_from_slice(&b[..17]);
    b[17] = b'0' + check_digit_bytes(&first17)?;
    let birth = date_of(&b)?;
    Some(Curp::from_parts(b, birth))
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The ASCII splitter agrees with `split_whitespace`.
        #[test]
        fn words_match_split_whitespace(t in "[A-Za-z .\t\n\u{B}\u{C}\r\u{1C}\u{85}\u{A0}Ñ]{0,24}") {
            let ours: Vec<&str> = words(&t).collect();
            let std: Vec<&str> = t.split_whitespace().collect();
            proptest::prop_assert_eq!(ours, std);
        }

        /// Deriving the probable CURP from a root gives what deriving it
        /// from scratch gives.
        #[test]
        fn probable_from_root_matches(
            g in "[A-ZÑa-z .]{0,14}", f in "[A-ZÑÄa-z ]{0,14}", s in "[A-Z ]{0,8}",
            days in 0i64..73_000,
        ) {
            let birth_date = Date::from_ordinal(Date::new(1900, 1, 1).unwrap().ordinal() + days).unwrap();
            let p = PersonData {
                given_names: &g,
                first_surname: &f,
                second_surname: &s,
                birth_date,
                sex: Sex::Hombre,
                state: State::Jc,
            };
            proptest::prop_assert_eq!(probable_from_root(&derive_root(&p), birth_date), derive_probable(&p));
        }

        /// The ASCII fast paths agree with the symbol iterator: a trailing
        /// zero-width space (skipped by `Syms`) forces the general path
        /// without changing the word.
        #[test]
        fn ascii_letter_picks_match_the_general_path(w in "[A-Za-z0-9 .'/-]{0,12}") {
            let general = format!("{w}\u{200B}");
            let opts = DeriveOptions::default();
            proptest::prop_assert_eq!(initial(&w, &opts), initial(&general, &opts));
            proptest::prop_assert_eq!(interior_vowel(&w, &opts), interior_vowel(&general, &opts));
            proptest::prop_assert_eq!(
                interior_consonant(&w, &opts),
                interior_consonant(&general, &opts)
            );
        }
    }

    fn root(given: &str, first: &str, second: &str) -> String {
        let p = PersonData {
            given_names: given,
            first_surname: first,
            second_surname: second,
            birth_date: Date::new(1956, 6, 26).unwrap(),
            sex: Sex::Mujer,
            state: State::Df,
        };
        derive_root(&p).to_string()
    }

    #[test]
    fn worked_example() {
        assert_eq!(root("CONCEPCION", "SALGADO", "BRISEÑO"), "SABC560626MDFLRN");
        let p = PersonData {
            given_names: "Concepción",
            first_surname: "Salgado",
            second_surname: "Briseño",
            birth_date: Date::new(1956, 6, 26).unwrap(),
            sex: Sex::Mujer,
            state: State::Df,
        };
        assert_eq!(derive_probable(&p).as_str(), "SABC560626MDFLRN01");
        assert_eq!(
            probable_from_root(&derive_root(&p), p.birth_date),
            derive_probable(&p)
        );
        assert_eq!(format!("{p:?}"), "PersonData(..)");
        assert_eq!(format!("{:?}", derive_root(&p)), "Root(..)");
    }

    #[test]
    fn combining_marks() {
        // NFD: N + combining tilde is Ñ; combining acute is dropped.
        assert_eq!(
            root("ALBERTO", "N\u{303}ANDO", "RODRI\u{301}GUEZ"),
            "XARA560626MDFNDL"
        );
        assert_eq!(
            &root("MARI\u{301}A LUISA", "PEREZ", "HERNANDEZ")[..4],
            "PEHL"
        );
    }

    #[test]
    fn diaeresis_option() {
        let p = PersonData {
            given_names: "ANA",
            first_surname: "BÖRGER",
            second_surname: "",
            birth_date: Date::new(1956, 6, 26).unwrap(),
            sex: Sex::Mujer,
            state: State::Df,
        };
        assert_eq!(&derive_root(&p).as_str()[..4], "BOXA");
        let x = derive_root_with(&p, &DeriveOptions::new().diaeresis_as_x(true));
        assert_eq!(&x.as_str()[..4], "BXXA");
    }
}
