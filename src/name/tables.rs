//! Word lists of the normalization pipeline (spec `names.md` §2–§3).
//!
//! Every list is in the `match` alphabet (uppercase A–Z, single spaces) and
//! compared on whole tokens only, never on substrings.

/// N6: whole-field values that mean "no value". Compared on the field's
/// `match` form (tokens joined by single spaces). The CURP consistency
/// check reads the same markers, so the list lives in `curp`.
pub(crate) const NULL_PLACEHOLDERS: &[&str] = &crate::curp::NULL_NAMES;

/// N7: titles dropped when they are the first token of a field.
// The spec's list; `classify` is the fast copy, tested against it.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) const LEADING_TITLES: &[&str] = &[
    "SR", "SRA", "SRITA", "SRTA", "LIC", "ING", "DR", "DRA", "PROF", "PROFR", "PROFRA", "MTRO",
    "MTRA", "ARQ", "C",
];

/// N7: markers dropped when they are the last token of a field.
// The spec's list; `classify` is the fast copy, tested against it.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) const TRAILING_MARKERS: &[&str] = &["JR", "II", "III"];

/// N7: `VDA`/`VIUDA` followed by `DE` introduces a married surname.
// The spec's list; `classify` is the fast copy, tested against it.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) const WIDOW_MARKERS: &[&str] = &["VDA", "VIUDA"];

/// An abbreviation and its expansion: `(token, match form, ortho form)`.
pub(crate) type Expansion = (&'static str, &'static str, &'static str);

/// N8: given-name field abbreviations. `MA.` and `Mª` reach this table as
/// `MA` (N4 folds `ª` to `A`, N5 turns the period into a space).
pub(crate) const GIVEN_ABBREVIATIONS: &[Expansion] = &[
    ("FCA", "FRANCISCA", "FRANCISCA"),
    ("FCO", "FRANCISCO", "FRANCISCO"),
    ("GMO", "GUILLERMO", "GUILLERMO"),
    ("GPE", "GUADALUPE", "GUADALUPE"),
    ("MA", "MARIA", "MARÍA"),
    ("STGO", "SANTIAGO", "SANTIAGO"),
];

/// N8: surname field abbreviations.
pub(crate) const SURNAME_ABBREVIATIONS: &[Expansion] = &[
    ("FDZ", "FERNANDEZ", "FERNÁNDEZ"),
    ("GLZ", "GONZALEZ", "GONZÁLEZ"),
    ("GTZ", "GUTIERREZ", "GUTIÉRREZ"),
    ("GZZ", "GONZALEZ", "GONZÁLEZ"),
    ("HDZ", "HERNANDEZ", "HERNÁNDEZ"),
    ("MTZ", "MARTINEZ", "MARTÍNEZ"),
    ("RDZ", "RODRIGUEZ", "RODRÍGUEZ"),
    ("SNCHZ", "SANCHEZ", "SÁNCHEZ"),
];

/// N10: surname particles (the CURP list). Sorted for binary search.
// The spec's list; `classify` is the fast copy, tested against it.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) const SURNAME_PARTICLES: &[&str] = &[
    "DA", "DAS", "DD", "DE", "DEL", "DER", "DI", "DIE", "EL", "LA", "LAS", "LE", "LES", "LOS",
    "MAC", "MC", "VAN", "VON", "Y",
];

/// §1: particles inside given names (`MARIA DE LOS ANGELES`). Sorted.
// The spec's list; `classify` is the fast copy, tested against it.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) const GIVEN_PARTICLES: &[&str] = &["DE", "DEL", "LA", "LAS", "LOS", "Y"];

/// §3: given-name prefixes skipped when looking for the significant name.
// The spec's list; `classify` is the fast copy, tested against it.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) const GIVEN_PREFIXES: &[&str] = &["JOSE", "MARIA"];

/// §2 N10 / §3: words that start a two-word surname but are not particles
/// (`SAN JUAN`, `SANTA ANA`): grouped with the next token when surnames are
/// re-parsed from one string.
// The spec's list; `classify` is the fast copy, tested against it.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) const SURNAME_JOINERS: &[&str] = &["SAN", "SANTA", "SANTO"];

/// §3: multi-word surnames without a leading particle, recognised as one
/// surname when a string of surnames is re-parsed. Token sequences.
pub(crate) const COMPOUND_SURNAMES: &[&[&str]] = &[
    &["DIAZ", "DE", "LEON"],
    &["ESPINOSA", "DE", "LOS", "MONTEROS"],
    &["FERNANDEZ", "DE", "CORDOBA"],
    &["FERNANDEZ", "DE", "LARA"],
    &["GARCIA", "DE", "ALBA"],
    &["GARCIA", "DE", "LEON"],
    &["GONZALEZ", "DE", "COSSIO"],
    &["LOPEZ", "DE", "NAVA"],
    &["MARTINEZ", "DE", "ESCOBAR"],
    &["MONTES", "DE", "OCA"],
    &["PEREZ", "DE", "LEON"],
    &["PEREZ", "DE", "TEJADA"],
    &["PONCE", "DE", "LEON"],
    &["RUIZ", "DE", "CHAVEZ"],
    &["RUIZ", "DE", "VELASCO"],
    &["VAZQUEZ", "DE", "MERCADO"],
];

/// Token classes: which lists a token is on, computed once per token.
pub(crate) mod class {
    pub(crate) const TITLE: u16 = 1;
    pub(crate) const TRAILING: u16 = 1 << 1;
    pub(crate) const WIDOW: u16 = 1 << 2;
    pub(crate) const DE: u16 = 1 << 3;
    pub(crate) const SURNAME_PARTICLE: u16 = 1 << 4;
    pub(crate) const GIVEN_PARTICLE: u16 = 1 << 5;
    pub(crate) const PREFIX: u16 = 1 << 6;
    pub(crate) const JOINER: u16 = 1 << 7;
    /// Starts a null placeholder phrase.
    pub(crate) const NULL_START: u16 = 1 << 8;
    pub(crate) const ABBR_GIVEN: u16 = 1 << 9;
    pub(crate) const ABBR_SURNAME: u16 = 1 << 10;
    /// Not a list: the token's ortho form is its match range (ASCII fast
    /// path), not a range of the ortho scratch string.
    pub(crate) const ORTHO_IN_MATCH: u16 = 1 << 15;
}

/// The classes of one `match` token (0 for most tokens). Must agree with
/// the lists above (unit-tested).
pub(crate) fn classify(token: &str) -> u16 {
    classify_bytes(token.as_bytes())
}

/// [`classify`] on the token's bytes.
pub(crate) fn classify_bytes(token: &[u8]) -> u16 {
    use class::*;
    const P: u16 = SURNAME_PARTICLE | GIVEN_PARTICLE;
    match token {
        b"SR" | b"SRA" | b"SRITA" | b"SRTA" | b"LIC" | b"ING" | b"DR" | b"DRA" | b"PROF"
        | b"PROFR" | b"PROFRA" | b"MTRO" | b"MTRA" | b"ARQ" => TITLE,
        b"C" => TITLE,
        b"JR" | b"II" | b"III" => TRAILING,
        b"VDA" | b"VIUDA" => WIDOW,
        b"DE" => DE | P,
        b"DEL" | b"LA" | b"LAS" | b"LOS" | b"Y" => P,
        b"DA" | b"DAS" | b"DD" | b"DER" | b"DI" | b"DIE" | b"EL" | b"LE" | b"LES" | b"MAC"
        | b"MC" | b"VAN" | b"VON" => SURNAME_PARTICLE,
        b"JOSE" | b"MARIA" => PREFIX,
        b"SAN" | b"SANTA" | b"SANTO" => JOINER,
        b"X" | b"XX" | b"XXX" | b"NA" | b"N" | b"NULL" | b"NINGUNO" | b"NO" | b"SIN" | b"S"
        | b"SN" | b"SE" | b"DESCONOCIDO" => NULL_START,
        b"MA" | b"GPE" | b"FCO" | b"FCA" | b"GMO" | b"STGO" => ABBR_GIVEN,
        b"HDZ" | b"GLZ" | b"GZZ" | b"MTZ" | b"RDZ" | b"FDZ" | b"GTZ" | b"SNCHZ" => ABBR_SURNAME,
        _ => 0,
    }
}

pub(crate) fn expansion(table: &[Expansion], token: &str) -> Option<Expansion> {
    table.iter().copied().find(|(abbr, _, _)| *abbr == token)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(list: &[&str]) -> bool {
        list.windows(2).all(|w| w[0] < w[1])
    }

    #[test]
    fn placeholders_have_at_most_two_words() {
        // `Scratch::is_placeholder` relies on this.
        assert!(NULL_PLACEHOLDERS.iter().all(|p| p.split(' ').count() <= 2));
    }

    #[test]
    fn binary_searched_lists_are_sorted() {
        assert!(sorted(SURNAME_PARTICLES));
        assert!(sorted(GIVEN_PARTICLES));
    }

    #[test]
    fn lists_are_in_the_match_alphabet() {
        let all = NULL_PLACEHOLDERS
            .iter()
            .chain(LEADING_TITLES)
            .chain(TRAILING_MARKERS)
            .chain(SURNAME_PARTICLES)
            .chain(GIVEN_PARTICLES)
            .chain(GIVEN_PREFIXES)
            .chain(SURNAME_JOINERS);
        for w in all {
            assert!(
                w.bytes().all(|b| b.is_ascii_uppercase() || b == b' '),
                "{w}"
            );
        }
        for (a, m, _) in GIVEN_ABBREVIATIONS.iter().chain(SURNAME_ABBREVIATIONS) {
            assert!(a.bytes().all(|b| b.is_ascii_uppercase()));
            assert!(m.bytes().all(|b| b.is_ascii_uppercase()));
        }
    }

    #[test]
    fn abbreviation_table_n8() {
        // Spec N8, row by row.
        let g = |t| expansion(GIVEN_ABBREVIATIONS, t).map(|e| e.1);
        let s = |t| expansion(SURNAME_ABBREVIATIONS, t).map(|e| e.1);
        assert_eq!(g("MA"), Some("MARIA"));
        assert_eq!(g("GPE"), Some("GUADALUPE"));
        assert_eq!(g("FCO"), Some("FRANCISCO"));
        assert_eq!(g("FCA"), Some("FRANCISCA"));
        assert_eq!(g("GMO"), Some("GUILLERMO"));
        assert_eq!(g("STGO"), Some("SANTIAGO"));
        assert_eq!(g("J"), None);
        assert_eq!(g("HDZ"), None);
        assert_eq!(s("HDZ"), Some("HERNANDEZ"));
        assert_eq!(s("GLZ"), Some("GONZALEZ"));
        assert_eq!(s("GZZ"), Some("GONZALEZ"));
        assert_eq!(s("MTZ"), Some("MARTINEZ"));
        assert_eq!(s("RDZ"), Some("RODRIGUEZ"));
        assert_eq!(s("FDZ"), Some("FERNANDEZ"));
        assert_eq!(s("GTZ"), Some("GUTIERREZ"));
        assert_eq!(s("SNCHZ"), Some("SANCHEZ"));
        assert_eq!(s("MA"), None);
    }

    #[test]
    fn san_is_not_a_particle() {
        let particle = |t| classify(t) & class::SURNAME_PARTICLE != 0;
        assert!(!particle("SAN"));
        assert!(!particle("SANTA"));
        assert!(particle("DE"));
        assert!(particle("MC"));
        assert_eq!(classify("EL") & class::GIVEN_PARTICLE, 0);
    }

    /// `classify` is a fast copy of the lists: check it both ways.
    #[test]
    fn classes_agree_with_lists() {
        use class::*;
        let lists: [(&[&str], u16); 7] = [
            (LEADING_TITLES, TITLE),
            (TRAILING_MARKERS, TRAILING),
            (WIDOW_MARKERS, WIDOW),
            (SURNAME_PARTICLES, SURNAME_PARTICLE),
            (GIVEN_PARTICLES, GIVEN_PARTICLE),
            (GIVEN_PREFIXES, PREFIX),
            (SURNAME_JOINERS, JOINER),
        ];
        let starts: Vec<&str> = NULL_PLACEHOLDERS
            .iter()
            .map(|p| p.split(' ').next().unwrap())
            .collect();
        let given: Vec<&str> = GIVEN_ABBREVIATIONS.iter().map(|e| e.0).collect();
        let surname: Vec<&str> = SURNAME_ABBREVIATIONS.iter().map(|e| e.0).collect();
        let mut all: Vec<(&[&str], u16)> = lists.to_vec();
        all.push((&starts, NULL_START));
        all.push((&given, ABBR_GIVEN));
        all.push((&surname, ABBR_SURNAME));
        let mut words: Vec<&str> = all.iter().flat_map(|(l, _)| l.iter().copied()).collect();
        words.push("DE");
        words.push("LOPEZ");
        for w in words {
            for (list, bit) in &all {
                assert_eq!(classify(w) & bit != 0, list.contains(&w), "{w} bit {bit}");
            }
            assert_eq!(classify(w) & DE != 0, w == "DE");
        }
    }
}
