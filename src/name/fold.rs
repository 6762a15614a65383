//! N2 (unknown-letter markers), N3 (composition, uppercase), N4 (folding to
//! the `match` alphabet) and N5 (punctuation) of spec `names.md` §2, done in
//! one pass over the characters of a field.

use super::tables;
use super::Flags;

/// A token found by [`tokenize`]: byte ranges into the ortho and match
/// scratch strings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct RawToken {
    pub(crate) ortho: (u32, u32),
    pub(crate) matchf: (u32, u32),
    /// [`tables::classify`] of the match form.
    pub(crate) class: u16,
}

/// The placeholder for an unknown letter in `ortho` and `match`.
pub(crate) const UNKNOWN: char = '*';

/// What one input character does.
enum Class {
    /// A letter: its ortho (uppercase) form is pushed, its match form too.
    Letter,
    /// Deleted without splitting the token (apostrophes, digits).
    Delete,
    /// Unknown-letter marker.
    Marker,
    /// Combining mark: composes with the previous letter in ortho.
    Combining,
    /// Ends the current token.
    Separator,
}

fn classify(c: char, extra_markers: &[char]) -> Class {
    match c {
        'A'..='Z' | 'a'..='z' => Class::Letter,
        '0'..='9' => Class::Delete,
        '\'' | '`' | '´' | '‘' | '’' | 'ʼ' => Class::Delete,
        '?' | '\u{FFFD}' | UNKNOWN => Class::Marker,
        '\u{300}'..='\u{36F}' => Class::Combining,
        'ª' | 'º' => Class::Letter,
        _ if c.is_ascii() => {
            if extra_markers.contains(&c) {
                Class::Marker
            } else {
                Class::Separator
            }
        }
        _ if extra_markers.contains(&c) => Class::Marker,
        _ if c.is_alphabetic() => Class::Letter,
        _ => Class::Separator,
    }
}

/// N4: the match form of one uppercase character: `""` if it has none.
pub(crate) fn fold_upper(c: char) -> &'static str {
    match c {
        'A' => "A",
        'B' => "B",
        'C' => "C",
        'D' => "D",
        'E' => "E",
        'F' => "F",
        'G' => "G",
        'H' => "H",
        'I' => "I",
        'J' => "J",
        'K' => "K",
        'L' => "L",
        'M' => "M",
        'N' => "N",
        'O' => "O",
        'P' => "P",
        'Q' => "Q",
        'R' => "R",
        'S' => "S",
        'T' => "T",
        'U' => "U",
        'V' => "V",
        'W' => "W",
        'X' => "X",
        'Y' => "Y",
        'Z' => "Z",
        // The spec's table (N4).
        'Á' | 'À' | 'Â' | 'Ä' | 'Ã' | 'ª' => "A",
        'É' | 'È' | 'Ê' | 'Ë' => "E",
        'Í' | 'Ì' | 'Î' | 'Ï' => "I",
        'Ó' | 'Ò' | 'Ô' | 'Ö' | 'Õ' | 'º' => "O",
        'Ú' | 'Ù' | 'Û' | 'Ü' => "U",
        'Ñ' => "N",
        'Ç' => "C",
        // Fallback for other Latin letters (instead of a transliteration
        // crate): Latin-1 Supplement and Latin Extended-A.
        'Å' | 'Ā' | 'Ă' | 'Ą' => "A",
        'Æ' => "AE",
        'Ć' | 'Ĉ' | 'Ċ' | 'Č' => "C",
        'Ð' | 'Ď' | 'Đ' => "D",
        'Ē' | 'Ĕ' | 'Ė' | 'Ę' | 'Ě' => "E",
        'Ĝ' | 'Ğ' | 'Ġ' | 'Ģ' => "G",
        'Ĥ' | 'Ħ' => "H",
        'Ĩ' | 'Ī' | 'Ĭ' | 'Į' | 'İ' => "I",
        'Ĳ' => "IJ",
        'Ĵ' => "J",
        'Ķ' => "K",
        'Ĺ' | 'Ļ' | 'Ľ' | 'Ŀ' | 'Ł' => "L",
        'Ń' | 'Ņ' | 'Ň' | 'Ŋ' => "N",
        'Ø' | 'Ō' | 'Ŏ' | 'Ő' => "O",
        'Œ' => "OE",
        'Ŕ' | 'Ŗ' | 'Ř' => "R",
        'Ś' | 'Ŝ' | 'Ş' | 'Š' => "S",
        'ẞ' => "SS",
        'Ţ' | 'Ť' | 'Ŧ' => "T",
        'Þ' => "TH",
        'Ũ' | 'Ū' | 'Ŭ' | 'Ů' | 'Ű' | 'Ų' => "U",
        'Ŵ' => "W",
        'Ý' | 'Ŷ' | 'Ÿ' => "Y",
        'Ź' | 'Ż' | 'Ž' => "Z",
        _ => "",
    }
}

/// N3: canonical composition of an uppercase base letter and a combining
/// mark, for the letters Spanish and its neighbours use.
fn compose(base: char, mark: char) -> Option<char> {
    let c = match (mark, base) {
        ('\u{301}', 'A') => 'Á',
        ('\u{301}', 'E') => 'É',
        ('\u{301}', 'I') => 'Í',
        ('\u{301}', 'O') => 'Ó',
        ('\u{301}', 'U') => 'Ú',
        ('\u{301}', 'Y') => 'Ý',
        ('\u{300}', 'A') => 'À',
        ('\u{300}', 'E') => 'È',
        ('\u{300}', 'I') => 'Ì',
        ('\u{300}', 'O') => 'Ò',
        ('\u{300}', 'U') => 'Ù',
        ('\u{302}', 'A') => 'Â',
        ('\u{302}', 'E') => 'Ê',
        ('\u{302}', 'I') => 'Î',
        ('\u{302}', 'O') => 'Ô',
        ('\u{302}', 'U') => 'Û',
        ('\u{303}', 'A') => 'Ã',
        ('\u{303}', 'O') => 'Õ',
        ('\u{303}', 'N') => 'Ñ',
        ('\u{308}', 'A') => 'Ä',
        ('\u{308}', 'E') => 'Ë',
        ('\u{308}', 'I') => 'Ï',
        ('\u{308}', 'O') => 'Ö',
        ('\u{308}', 'U') => 'Ü',
        ('\u{308}', 'Y') => 'Ÿ',
        ('\u{327}', 'C') => 'Ç',
        _ => return None,
    };
    Some(c)
}

/// Splits `text` into tokens, appending their ortho and match forms to the
/// two scratch strings (tokens are not separated there) and their ranges to
/// `tokens`. Sets `UNKNOWN_LETTER`, `HAD_DIGITS` and `NON_LATIN_DROPPED`.
pub(crate) fn tokenize(
    text: &str,
    extra_markers: &[char],
    ortho: &mut String,
    matchf: &mut String,
    tokens: &mut Vec<RawToken>,
    flags: &mut Flags,
) {
    if tokenize_ascii(text, extra_markers, matchf, tokens) {
        return;
    }
    let mut st = TokenState::new(ortho, matchf);
    for c in text.chars() {
        match classify(c, extra_markers) {
            Class::Letter => {
                let before = matchf.len();
                if c.is_ascii() {
                    let u = c.to_ascii_uppercase();
                    ortho.push(u);
                    matchf.push(u);
                } else if c == 'ª' || c == 'º' {
                    let f = fold_upper(c);
                    ortho.push_str(f);
                    matchf.push_str(f);
                } else {
                    for u in c.to_uppercase() {
                        ortho.push(u);
                        matchf.push_str(fold_upper(u));
                    }
                }
                if matchf.len() > before {
                    st.o_keep = ortho.len();
                    st.m_keep = matchf.len();
                    st.pending = false;
                }
            }
            Class::Delete => {
                if c.is_ascii_digit() {
                    flags.insert(Flags::HAD_DIGITS);
                }
            }
            Class::Marker => {
                // Only inside a word: after at least one match letter.
                if matchf.len() > st.m_start {
                    ortho.push(UNKNOWN);
                    matchf.push(UNKNOWN);
                    st.pending = true;
                }
            }
            Class::Combining => {
                if ortho.len() > st.o_start {
                    if let Some(last) = ortho.pop() {
                        match compose(last, c) {
                            Some(composed) => ortho.push(composed),
                            None => {
                                ortho.push(last);
                                ortho.push(c);
                            }
                        }
                    }
                }
            }
            Class::Separator => st.finish(ortho, matchf, tokens, flags),
        }
    }
    st.finish(ortho, matchf, tokens, flags);
}

const SEP: u8 = 0;
const LETTER: u8 = 1;
const SPECIAL: u8 = 2;

/// ASCII bytes for the fast path: letters, separators, and bytes that need
/// the general path (digits, apostrophes, markers).
static ASCII_CLASS: [u8; 128] = {
    let mut t = [SEP; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_alphabetic() {
            t[b] = LETTER;
        } else if c.is_ascii_digit() || matches!(c, b'\'' | b'`' | b'?' | b'*') {
            t[b] = SPECIAL;
        }
        b += 1;
    }
    t
};

/// Fast path for ASCII text made only of letters and separators (no
/// digits, apostrophes or markers): the uppercased text is appended to the
/// match scratch once and tokens are its letter runs, with their ortho form
/// in the same range. Returns false (having done nothing) otherwise.
fn tokenize_ascii(
    text: &str,
    extra_markers: &[char],
    matchf: &mut String,
    tokens: &mut Vec<RawToken>,
) -> bool {
    // One pass: reject what needs the general path (digits, apostrophes,
    // markers), find the letter runs.
    let first = tokens.len();
    let start = matchf.len();
    let mut run: Option<usize> = None;
    for (i, &b) in text.as_bytes().iter().enumerate() {
        let class = ASCII_CLASS.get(usize::from(b)).copied().unwrap_or(SPECIAL);
        if class == SPECIAL || (class == SEP && extra_markers.contains(&char::from(b))) {
            tokens.truncate(first);
            return false;
        }
        match (class == LETTER, run) {
            (true, None) => run = Some(i),
            (false, Some(s)) => {
                tokens.push(ascii_token(start, s, i));
                run = None;
            }
            _ => {}
        }
    }
    if let Some(s) = run {
        tokens.push(ascii_token(start, s, text.len()));
    }
    matchf.push_str(text);
    if let Some(region) = matchf.get_mut(start..) {
        region.make_ascii_uppercase();
    }
    for t in tokens.iter_mut().skip(first) {
        let word = matchf
            .get(t.matchf.0 as usize..t.matchf.1 as usize)
            .unwrap_or_default();
        t.class = tables::classify(word) | tables::class::ORTHO_IN_MATCH;
    }
    true
}

fn ascii_token(start: usize, s: usize, e: usize) -> RawToken {
    let range = ((start + s) as u32, (start + e) as u32);
    RawToken {
        ortho: range,
        matchf: range,
        class: 0,
    }
}

/// Where the current token started and where its last match letter ended.
struct TokenState {
    o_start: usize,
    m_start: usize,
    o_keep: usize,
    m_keep: usize,
    /// Markers were pushed after the last match letter.
    pending: bool,
}

impl TokenState {
    fn new(ortho: &str, matchf: &str) -> TokenState {
        TokenState {
            o_start: ortho.len(),
            m_start: matchf.len(),
            o_keep: ortho.len(),
            m_keep: matchf.len(),
            pending: false,
        }
    }

    fn finish(
        &mut self,
        ortho: &mut String,
        matchf: &mut String,
        tokens: &mut Vec<RawToken>,
        flags: &mut Flags,
    ) {
        if self.pending {
            // Trailing markers are not inside a word: drop them (ortho may
            // have non-Latin letters after them, which stay).
            matchf.truncate(self.m_keep);
            let tail: String = ortho
                .get(self.o_keep..)
                .unwrap_or_default()
                .chars()
                .filter(|&c| c != UNKNOWN)
                .collect();
            ortho.truncate(self.o_keep);
            ortho.push_str(&tail);
        }
        let m = matchf.get(self.m_start..).unwrap_or_default();
        if m.bytes().any(|b| b.is_ascii_uppercase()) {
            if m.contains(UNKNOWN) {
                flags.insert(Flags::UNKNOWN_LETTER);
            }
            tokens.push(RawToken {
                ortho: (self.o_start as u32, ortho.len() as u32),
                matchf: (self.m_start as u32, matchf.len() as u32),
                class: tables::classify(m),
            });
        } else {
            if ortho.len() > self.o_start {
                // Letters with no match form (e.g. Cyrillic): drop the token.
                flags.insert(Flags::NON_LATIN_DROPPED);
            }
            ortho.truncate(self.o_start);
            matchf.truncate(self.m_start);
        }
        *self = TokenState::new(ortho, matchf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> (Vec<String>, Vec<String>, Flags) {
        let (mut o, mut m, mut t, mut f) =
            (String::new(), String::new(), Vec::new(), Flags::default());
        tokenize(text, &['#'], &mut o, &mut m, &mut t, &mut f);
        let os = t
            .iter()
            .map(|r| {
                let src = if r.class & tables::class::ORTHO_IN_MATCH != 0 {
                    &m
                } else {
                    &o
                };
                src[r.ortho.0 as usize..r.ortho.1 as usize].to_owned()
            })
            .collect();
        let ms = t
            .iter()
            .map(|r| m[r.matchf.0 as usize..r.matchf.1 as usize].to_owned())
            .collect();
        (os, ms, f)
    }

    #[test]
    fn folds_by_the_table() {
        let (o, m, _) = run("José Ñúñez Argüelles");
        assert_eq!(o, ["JOSÉ", "ÑÚÑEZ", "ARGÜELLES"]);
        assert_eq!(m, ["JOSE", "NUNEZ", "ARGUELLES"]);
        let (_, m, _) = run("Çàâäãèêëìîïòôöõùû");
        assert_eq!(m, ["CAAAAEEEIIIOOOOUU"]);
        let (o, m, _) = run("Mª");
        assert_eq!((o, m), (vec!["MA".to_owned()], vec!["MA".to_owned()]));
    }

    #[test]
    fn composes_decomposed_accents() {
        let (o, m, _) = run("Jose\u{301} Mun\u{303}oz");
        assert_eq!(o, ["JOSÉ", "MUÑOZ"]);
        assert_eq!(m, ["JOSE", "MUNOZ"]);
    }

    #[test]
    fn punctuation_n5() {
        let (_, m, _) = run("D'AMICO O´HIGGINS");
        assert_eq!(m, ["DAMICO", "OHIGGINS"]);
        let (_, m, _) = run("  PEREZ-LOPEZ/GARCIA.RUIZ,DIAZ_(SOTO)  ");
        assert_eq!(m, ["PEREZ", "LOPEZ", "GARCIA", "RUIZ", "DIAZ", "SOTO"]);
        let (_, m, f) = run("JUAN2 3");
        assert_eq!(m, ["JUAN"]);
        assert!(f.contains(Flags::HAD_DIGITS));
    }

    #[test]
    fn markers_inside_words_only() {
        let (o, m, f) = run("MU?OZ PE#A ?LOPEZ DIAZ? RU\u{FFFD}Z");
        assert_eq!(m, ["MU*OZ", "PE*A", "LOPEZ", "DIAZ", "RU*Z"]);
        assert_eq!(o, m);
        assert!(f.contains(Flags::UNKNOWN_LETTER));
        let (_, _, f) = run("LOPEZ?");
        assert!(!f.contains(Flags::UNKNOWN_LETTER));
    }

    #[test]
    fn full_case_mapping_and_fallback() {
        let (o, m, _) = run("straße Øre");
        assert_eq!(o, ["STRASSE", "ØRE"]);
        assert_eq!(m, ["STRASSE", "ORE"]);
        let (o, m, f) = run("Иван LOPEZ");
        assert_eq!((o, m), (vec!["LOPEZ".to_owned()], vec!["LOPEZ".to_owned()]));
        assert!(f.contains(Flags::NON_LATIN_DROPPED));
    }
}
