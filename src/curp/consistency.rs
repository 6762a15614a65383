//! Consistency of a CURP with the rest of a registry row (§7.10).

use std::fmt;

use super::derive::{detail, DeriveOptions, Detail};
use super::parse::Curp;
use super::place::{Sex, State};
use super::words::is_inconvenient;
use crate::date::Date;

/// The registry row's person fields; `None` = not in the file / unknown.
///
/// `Some("")` for a surname means "the person has none" (legitimate for the
/// second surname, §4.7; for the first surname it means no surnames at all
/// unless the second is given, §5.4.1). An empty or placeholder given name
/// (`""`, `NA`, `SIN NOMBRE`, …) counts as unknown: everybody has one.
///
/// `Debug` is redacted.
#[derive(Clone, Copy, Default)]
pub struct RecordFields<'a> {
    /// Given name(s).
    pub given_names: Option<&'a str>,
    /// First surname.
    pub first_surname: Option<&'a str>,
    /// Second surname.
    pub second_surname: Option<&'a str>,
    /// Birth date.
    pub birth_date: Option<Date>,
    /// Sex.
    pub sex: Option<Sex>,
    /// State of birth.
    pub state: Option<State>,
}

impl fmt::Debug for RecordFields<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecordFields(..)")
    }
}

/// A segment of the CURP compared with the row (§7.10).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Segment {
    /// Positions 1–4 (surname and given-name letters).
    Letters,
    /// Positions 5–10 (birth date; century from 17).
    BirthDate,
    /// Position 11.
    Sex,
    /// Positions 12–13.
    State,
    /// Positions 14–16 (interior consonants).
    Consonants,
}

impl Segment {
    /// All segments, in report order.
    pub const ALL: [Segment; 5] = [
        Segment::Letters,
        Segment::BirthDate,
        Segment::Sex,
        Segment::State,
        Segment::Consonants,
    ];

    /// The positions as text: `"1-4"`, `"5-10"`, `"11"`, `"12-13"`,
    /// `"14-16"` (a report contract).
    pub fn label(self) -> &'static str {
        match self {
            Segment::Letters => "1-4",
            Segment::BirthDate => "5-10",
            Segment::Sex => "11",
            Segment::State => "12-13",
            Segment::Consonants => "14-16",
        }
    }
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Outcome of [`consistency`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Consistency {
    /// The row has none of the data needed for any segment.
    NotChecked,
    /// Every segment that could be checked agrees.
    Ok,
    /// These segments disagree (in [`Segment::ALL`] order); the others
    /// agreed or could not be checked.
    Mismatch(Vec<Segment>),
}

/// The null markers of names.md N6 (compared after folding to upper-case
/// ASCII letters and single spaces). The one copy of the list: the `name`
/// module's N6 step reads it from here (`curp` sits below `name`).
pub(crate) const NULL_NAMES: [&str; 15] = [
    "X",
    "XX",
    "XXX",
    "NA",
    "N A",
    "NULL",
    "NINGUNO",
    "NO TIENE",
    "SIN NOMBRE",
    "SIN APELLIDO",
    "S N",
    "SN",
    "NO APLICA",
    "SE IGNORA",
    "DESCONOCIDO",
];

/// A name cell that means "no value" (names.md N6): the markers above or a
/// single letter repeated (`XXXX`, `A A`).
fn is_null_name(text: &str) -> bool {
    // Fast path: every marker starts with X, N, S or D, so a name whose
    // first character is another ASCII one can only be a repeated letter
    // (property-checked against the full fold below).
    if let Some(first) = text.chars().find(|&c| !is_name_separator(c)) {
        if first.is_ascii() && !matches!(first.to_ascii_uppercase(), 'X' | 'N' | 'S' | 'D') {
            return is_repeated_letter(text);
        }
    }
    is_null_name_folded(text)
}

/// Separators skipped when folding a name for the null markers.
fn is_name_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '.' | '/' | '-')
}

/// [`is_null_name`] by folding the whole name and comparing with the list.
fn is_null_name_folded(text: &str) -> bool {
    // Fold into a small buffer: upper-case ASCII, separators as one space.
    let mut buf = [0u8; 16];
    let mut len = 0usize;
    let mut pending_space = false;
    for c in text.chars() {
        if is_name_separator(c) {
            pending_space = len > 0;
            continue;
        }
        if !c.is_ascii() {
            return false; // no marker has non-ASCII characters
        }
        for b in [
            pending_space.then_some(b' '),
            Some(c.to_ascii_uppercase() as u8),
        ]
        .into_iter()
        .flatten()
        {
            match buf.get_mut(len) {
                Some(slot) => *slot = b,
                None => return is_repeated_letter(text), // longer than any marker
            }
            len += 1;
        }
        pending_space = false;
    }
    let folded = buf.get(..len).unwrap_or_default();
    NULL_NAMES.iter().any(|m| m.as_bytes() == folded) || is_repeated_letter(text)
}

/// A single letter repeated at least twice, any length (`XXXX`, `a a`).
fn is_repeated_letter(text: &str) -> bool {
    let mut first = None;
    let mut count = 0usize;
    for c in text.chars() {
        if is_name_separator(c) {
            continue;
        }
        let u = c.to_ascii_uppercase();
        if !u.is_ascii_uppercase() || first.is_some_and(|f| f != u) {
            return false;
        }
        first = Some(u);
        count += 1;
    }
    count >= 2
}

fn has_text(s: &str) -> bool {
    s.chars().any(|c| !c.is_whitespace())
}

/// Compare a CURP with a registry row, segment by segment (§7.10).
///
/// A segment is compared only when the row has the fields it needs:
/// letters (1–4) and consonants (14–16) need the given names and the first
/// surname (position 3 and 15 are compared only when `second_surname` is
/// `Some`); the date, sex and state segments need their field. The result
/// is [`Consistency::NotChecked`] only when no segment could be compared.
///
/// Tolerances (each one an accepted alternative, never a silent fix):
///
/// * **Inconvenient words** (§6): position 2 is compared with the row's
///   interior vowel *censored against the CURP's own letters 1, 3, 4*, so a
///   censored `X` is accepted even when the row lacks the second surname
///   or differs elsewhere (the other positions are judged on their own).
/// * **`Ñ` / `N`**: where the row's character is `N`, the CURP may hold `X`
///   (the registry lost the tilde of an `Ñ`); where it is `Ñ`, the CURP may
///   hold `N`. Accents and `Ü` are removed before comparing (§4.1, §4.2).
/// * **Diaeresis** `Ä Ë Ï Ö`: either the base vowel or `X` (§9).
/// * **Skip list** (§5.1): positions 4 and 16 are accepted from the chosen
///   given name with or without the skip-list rule (older CURPs predate the
///   2021 additions `M.`/`M`, and captures vary).
/// * **Placeholder surnames** (`X`, `NA`, `DESCONOCIDO`, … of names.md N6):
///   read both as written and as "no surname".
/// * **Century**: the birth-date segment compares `YYMMDD` and that
///   position 17 is a letter exactly when the row's year is 2000 or later.
///
/// Not tolerated (reported as mismatches, because they are real capture
/// errors or spelling variants worth a look): state of registration for
/// state of birth, swapped day/month, special characters dropped by the
/// registry (`OHARA` for `O'HARA`), reordered or split compound surnames.
pub fn consistency(curp: &Curp, rec: &RecordFields) -> Consistency {
    let b = curp.as_bytes();
    let mut checked = false;
    let mut bad: Vec<Segment> = Vec::new();
    let mut names_ok: Option<(bool, bool)> = None;

    let given = rec.given_names.filter(|g| has_text(g) && !is_null_name(g));
    if let (Some(given), Some(first)) = (given, rec.first_surname) {
        names_ok = Some(compare_names(b, given, first, rec.second_surname));
    }
    if let Some((letters, _)) = names_ok {
        checked = true;
        if !letters {
            bad.push(Segment::Letters);
        }
    }
    if let Some(d) = rec.birth_date {
        checked = true;
        let yy = d.year() % 100;
        let want = [
            b'0' + (yy / 10) as u8,
            b'0' + (yy % 10) as u8,
            b'0' + d.month() / 10,
            b'0' + d.month() % 10,
            b'0' + d.day() / 10,
            b'0' + d.day() % 10,
        ];
        let century_ok = (d.year() >= 2000) == b[16].is_ascii_uppercase();
        if b[4..10] != want || !century_ok {
            bad.push(Segment::BirthDate);
        }
    }
    if let Some(s) = rec.sex {
        checked = true;
        if s != curp.sex() {
            bad.push(Segment::Sex);
        }
    }
    if let Some(s) = rec.state {
        checked = true;
        if s != curp.state() {
            bad.push(Segment::State);
        }
    }
    if let Some((_, consonants)) = names_ok {
        if !consonants {
            bad.push(Segment::Consonants);
        }
    }
    if !checked {
        Consistency::NotChecked
    } else if bad.is_empty() {
        Consistency::Ok
    } else {
        Consistency::Mismatch(bad)
    }
}

/// (letters 1–4 agree, consonants 14–16 agree) under the tolerances.
fn compare_names(b: &[u8; 18], given: &str, first: &str, second: Option<&str>) -> (bool, bool) {
    let opts = DeriveOptions::default();
    let second_known = second.is_some();
    let second = second.unwrap_or("");
    let firsts: &[&str] = if is_null_name(first) {
        &[first, ""]
    } else {
        &[first]
    };
    let seconds: &[&str] = if is_null_name(second) {
        &[second, ""]
    } else {
        &[second]
    };
    let mut letters_ok = false;
    let mut consonants_ok = false;
    for &f in firsts {
        for &s in seconds {
            for skip in [true, false] {
                let d = detail(given, f, s, skip, &opts);
                // With an unknown second surname and no first surname the
                // capture rule may have moved the unknown one forward:
                // only the given-name positions are comparable.
                let surnames_known = second_known || choose_some(f);
                letters_ok |= letters_agree(b, &d, second_known, surnames_known);
                consonants_ok |= consonants_agree(b, &d, second_known, surnames_known);
                if letters_ok && consonants_ok {
                    return (true, true);
                }
            }
        }
    }
    (letters_ok, consonants_ok)
}

fn choose_some(first: &str) -> bool {
    // Mirrors derive's "field has a usable word": any non-blank text that is
    // not DESCONOCIDO alone.
    has_text(first) && !first.trim().eq_ignore_ascii_case("DESCONOCIDO")
}

fn letters_agree(b: &[u8; 18], d: &Detail, second_known: bool, surnames_known: bool) -> bool {
    let [p1, p2, p3, p4] = d.letters;
    if !p4.accepts(b[3]) {
        return false;
    }
    if !surnames_known {
        return true;
    }
    if !p1.accepts(b[0]) || (second_known && !p3.accepts(b[2])) {
        return false;
    }
    // Position 2: the row's vowel, censored against the CURP's own letters.
    let vowel_ok = |v: u8| {
        let expected = if is_inconvenient([b[0], v, b[2], b[3]]) {
            b'X'
        } else {
            v
        };
        expected == b[1]
    };
    vowel_ok(p2.ch) || p2.alt.is_some_and(vowel_ok)
}

fn consonants_agree(b: &[u8; 18], d: &Detail, second_known: bool, surnames_known: bool) -> bool {
    let [c14, c15, c16] = d.consonants;
    if !c16.accepts(b[15]) {
        return false;
    }
    if !surnames_known {
        return true;
    }
    c14.accepts(b[13]) && (!second_known || c15.accepts(b[14]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::curp::ParseOptions;

    #[test]
    fn null_names() {
        for t in [
            "X",
            "xx",
            "N/A",
            "n.a.",
            "Sin Apellido",
            "XXXX",
            "A A",
            "desconocido",
        ] {
            assert!(is_null_name(t), "{t}");
        }
        for t in [
            "O",
            "LOPEZ",
            "",
            "DE LA O",
            "MA",
            "NIÑO",
            "XXXXXXXXXXXXXXXXXXY",
        ] {
            assert!(!is_null_name(t), "{t}");
        }
    }

    proptest::proptest! {
        /// The first-letter fast path agrees with the full fold.
        #[test]
        fn null_name_fast_path_matches_the_fold(t in "[XNSDAILOTEMPCUnxsa .\\-/\u{A0}\u{B}ÑñÁ]{0,20}") {
            proptest::prop_assert_eq!(is_null_name(&t), is_null_name_folded(&t));
        }
    }

    #[test]
    fn worked_example_consistent() {
        let c = Curp::parse("SABC560626MDFLRN01", &ParseOptions::default()).unwrap();
        let rec = RecordFields {
            given_names: Some("Concepción"),
            first_surname: Some("Salgado"),
            second_surname: Some("Briseño"),
            birth_date: Date::new(1956, 6, 26),
            sex: Some(Sex::Mujer),
            state: Some(State::Df),
        };
        assert_eq!(consistency(&c, &rec), Consistency::Ok);
        assert_eq!(
            consistency(&c, &RecordFields::default()),
            Consistency::NotChecked
        );
        let wrong = RecordFields {
            state: Some(State::Mc),
            birth_date: Date::new(1956, 6, 27),
            ..rec
        };
        assert_eq!(
            consistency(&c, &wrong),
            Consistency::Mismatch(vec![Segment::BirthDate, Segment::State])
        );
    }
}
