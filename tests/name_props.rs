//! Properties of normalization, MXF-1 and the comparators (proptest).

use padron::date::Date;
use padron::name::{self, ParsedName};
use padron::phonetic;
use padron::similarity::{self, metrics, DateComparator, PreparedGiven};
use proptest::prelude::*;

/// Name-like tokens: real names, particles, titles, abbreviations,
/// placeholders, nicknames, and random uppercase strings.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "MARIA",
            "JOSE",
            "JUAN",
            "CARLOS",
            "GUADALUPE",
            "XIMENA",
            "JIMENA",
            "OSWALDO",
            "DE",
            "LA",
            "LOS",
            "DEL",
            "Y",
            "SAN",
            "MC",
            "CRUZ",
            "LOPEZ",
            "GARCIA",
            "HERNANDEZ",
            "FERNANDEZ",
            "MONTES",
            "OCA",
            "MA",
            "HDZ",
            "GPE",
            "J",
            "X",
            "XX",
            "NA",
            "SR",
            "LIC",
            "JR",
            "II",
            "VDA",
            "PEPE",
            "CHEMA",
            "LUPITA",
            "PACO",
            "MUNOZ",
            "PENA",
            "GONZALEZ",
            "GONSALEZ",
            "ANGELES",
            "C",
            "ESTEBAN",
            "STEBAN",
            "SIN",
            "NOMBRE",
        ])
        .prop_map(str::to_owned),
        "[A-Z]{1,9}",
    ]
}

fn field() -> impl Strategy<Value = String> {
    prop::collection::vec(token(), 0..4).prop_map(|v| v.join(" "))
}

/// Case, accent and whitespace changes that must not change `match`.
fn disguise(s: &str, seed: u64) -> String {
    let mut out = String::from(" ");
    let mut x = seed | 1;
    for c in s.chars() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let r = x % 6;
        let accented = match (c, r) {
            ('A', 0) => 'Á',
            ('E', 0) => 'É',
            ('I', 0) => 'Í',
            ('O', 0) => 'Ó',
            ('U', 0) => 'Ü',
            ('N', 0) => 'Ñ',
            (' ', 1) => {
                out.push_str("  ");
                continue;
            }
            (c, 2) => c.to_ascii_lowercase(),
            (c, _) => c,
        };
        out.push(accented);
    }
    out.push('\t');
    out
}

fn match_forms(n: &ParsedName) -> (Option<String>, Option<String>, Option<String>) {
    (
        n.given().map(|g| g.as_match().to_owned()),
        n.paternal().map(|s| s.full().to_owned()),
        n.maternal().map(|s| s.full().to_owned()),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(if cfg!(debug_assertions) { 256 } else { 2048 }))]

    #[test]
    fn idempotent_on_match_layer(g in field(), p in field(), m in field()) {
        let n1 = name::normalize(&g, &p, &m);
        let (g1, p1, m1) = match_forms(&n1);
        let n2 = name::normalize(
            g1.as_deref().unwrap_or(""),
            p1.as_deref().unwrap_or(""),
            m1.as_deref().unwrap_or(""),
        );
        prop_assert_eq!(match_forms(&n2), (g1, p1, m1));
    }

    #[test]
    fn idempotent_on_arbitrary_text(g in "\\PC{0,20}", p in "\\PC{0,20}") {
        let n1 = name::normalize(&g, &p, "");
        let (g1, p1, m1) = match_forms(&n1);
        let n2 = name::normalize(
            g1.as_deref().unwrap_or(""),
            p1.as_deref().unwrap_or(""),
            m1.as_deref().unwrap_or(""),
        );
        prop_assert_eq!(match_forms(&n2), (g1, p1, m1));
    }

    #[test]
    fn match_alphabet(g in "\\PC{0,30}", p in any::<String>(), m in "\\PC{0,30}") {
        let n = name::normalize(&g, &p, &m);
        let (g1, p1, m1) = match_forms(&n);
        for s in [g1, p1, m1].into_iter().flatten() {
            prop_assert!(!s.is_empty());
            prop_assert!(s.bytes().all(|b| b.is_ascii_uppercase() || b == b'*' || b == b' '));
            prop_assert!(!s.starts_with(' ') && !s.ends_with(' ') && !s.contains("  "));
        }
    }

    #[test]
    fn no_panic_on_arbitrary_bytes(g in any::<Vec<u8>>(), p in any::<Vec<u8>>(), m in any::<Vec<u8>>()) {
        let n = name::normalize_bytes(&g, &p, &m);
        let _ = similarity::compare_names(&n, &n);
        let _ = similarity::compare_whole_names(&n, &n);
        if let Some(s) = n.paternal() {
            let _ = phonetic::surname_keys(&s);
        }
    }

    #[test]
    fn no_panic_on_arbitrary_unicode(s in any::<String>(), t in "\\PC{0,40}") {
        let parses = name::parse_full_name(&s);
        prop_assert!(parses.len() <= 3);
        let _ = name::parse_full_name(&t);
        let _ = name::normalize_field(&s, name::FieldKind::Given);
        let _ = phonetic::token_keys(&s);
        let _ = phonetic::field_keys(&s);
        let _ = similarity::monge_elkan(&s, &t);
        let other = name::parse_full_name(&t);
        let _ = similarity::best_parse_pair(&parses, &other);
    }

    #[test]
    fn comparators_symmetric(
        ga in field(), pa in field(), ma in field(),
        gb in field(), pb in field(), mb in field(),
    ) {
        let a = name::normalize(&ga, &pa, &ma);
        let b = name::normalize(&gb, &pb, &mb);
        prop_assert_eq!(
            similarity::compare_given(a.given(), b.given()),
            similarity::compare_given(b.given(), a.given())
        );
        prop_assert_eq!(similarity::compare_surnames(&a, &b), similarity::compare_surnames(&b, &a));
        let (pa, pb) = (a.given().map(PreparedGiven::new), b.given().map(PreparedGiven::new));
        prop_assert_eq!(
            similarity::compare_prepared_given(pa.as_ref(), pb.as_ref()),
            similarity::compare_given(a.given(), b.given())
        );
        prop_assert_eq!(
            similarity::compare_whole_names(&a, &b),
            similarity::compare_whole_names(&b, &a)
        );
    }

    #[test]
    fn date_comparator_symmetric(a in 0i64..3_000_000, b in 0i64..3_000_000, swap in any::<bool>()) {
        let da = Date::from_ordinal(700_000 + a % 40_000);
        let db = if swap {
            da.and_then(|d| Date::new(d.year(), d.day().min(12), d.month()))
        } else {
            Date::from_ordinal(700_000 + b % 40_000)
        };
        let cmp = DateComparator::new(Date::new(2023, 6, 30));
        prop_assert_eq!(cmp.compare(da, db), cmp.compare(db, da));
    }

    #[test]
    fn levels_ignore_case_accents_whitespace(
        ga in field(), pa in field(), ma in field(),
        gb in field(), pb in field(), mb in field(),
        seed in any::<u64>(),
    ) {
        let a = name::normalize(&ga, &pa, &ma);
        let b = name::normalize(&gb, &pb, &mb);
        let a2 = name::normalize(&disguise(&ga, seed), &disguise(&pa, seed ^ 1), &disguise(&ma, seed ^ 2));
        let b2 = name::normalize(&disguise(&gb, seed ^ 3), &disguise(&pb, seed ^ 4), &disguise(&mb, seed ^ 5));
        prop_assert_eq!(match_forms(&a), match_forms(&a2));
        prop_assert_eq!(similarity::compare_names(&a, &b), similarity::compare_names(&a2, &b2));
        prop_assert_eq!(
            similarity::compare_whole_names(&a, &b),
            similarity::compare_whole_names(&a2, &b2)
        );
    }

    #[test]
    fn scores_in_unit_interval(a in "[A-Z ]{0,20}", b in "[A-Z ]{0,20}") {
        for s in [
            metrics::jaro_winkler(&a, &b),
            metrics::normalized_levenshtein(&a, &b),
            similarity::monge_elkan(&a, &b),
        ] {
            prop_assert!((0.0..=1.0).contains(&s.value()));
        }
    }

    /// rapidfuzz (used) and strsim (oracle) agree on match-alphabet strings.
    #[test]
    fn rapidfuzz_equals_strsim(a in "[A-Z ]{0,24}", b in "[A-Z ]{0,24}") {
        let jw = metrics::jaro_winkler(&a, &b).value();
        prop_assert!((jw - strsim::jaro_winkler(&a, &b)).abs() < 1e-12, "jw {} {}", a, b);
        prop_assert_eq!(metrics::levenshtein(&a, &b), strsim::levenshtein(&a, &b));
        prop_assert_eq!(metrics::osa(&a, &b), strsim::osa_distance(&a, &b));
        let nl = metrics::normalized_levenshtein(&a, &b).value();
        prop_assert!((nl - strsim::normalized_levenshtein(&a, &b)).abs() < 1e-12);
    }

    /// The bit-parallel Jaro-Winkler used for short strings gives exactly
    /// (bit for bit) rapidfuzz's value: match-alphabet strings up to and
    /// past its 64-byte limit, a three-letter alphabet (many matches and
    /// transpositions), and any text (where it may fall back).
    #[test]
    fn short_jaro_winkler_is_rapidfuzz(
        a in "[A-Z *]{0,70}", b in "[A-Z *]{0,70}",
        c in "[ABC ]{0,24}", d in "[ABC ]{0,24}",
        e in "\\PC{0,12}", f in any::<String>(),
        g in "[ABC]{0,12}", h in "[ABC]{0,12}", i in "[A-Z]{0,20}",
    ) {
        let rf = |x: &str, y: &str| rapidfuzz::distance::jaro_winkler::similarity(x.bytes(), y.bytes());
        for (x, y) in [(&a, &b), (&c, &d), (&e, &f), (&c, &a), (&e, &c), (&a, &a), (&g, &h), (&g, &i), (&i, &a)] {
            let ours = metrics::jaro_winkler(x, y).value();
            prop_assert_eq!(ours.to_bits(), rf(x, y).to_bits(), "{:?} {:?}", x, y);
            prop_assert!((ours - strsim::jaro_winkler(x, y)).abs() < 1e-12 || !x.is_ascii() || !y.is_ascii());
        }
    }

    /// The OSA ≤ 1 shortcut (a pre-filter before rapidfuzz) never changes
    /// the answer; a three-letter alphabet makes near pairs common.
    #[test]
    fn osa_within_one_matches_the_oracle(a in "[ABC]{0,8}", b in "[ABC]{0,8}") {
        prop_assert_eq!(metrics::osa_within(&a, &b, 1), strsim::osa_distance(&a, &b) <= 1);
        prop_assert_eq!(metrics::osa_within(&a, &b, 2), strsim::osa_distance(&a, &b) <= 2);
    }

    /// `may_agree` (the first-symbol filter of `compare_given`) never
    /// rules out an agreeing pair: tokens from the letters with rules, so
    /// that agreeing pairs are common.
    #[test]
    fn may_agree_is_necessary(a in "[BVSZCKQXJGHYLWNP]{0,2}[AEIOU]{0,2}[SZCXLN]{0,2}", b in "[BVSZCKQXJGHYLWNP]{0,2}[AEIOU]{0,2}[SZCXLN]{0,2}") {
        if phonetic::agree(&a, &b) {
            prop_assert!(phonetic::may_agree(&a, &b), "{} {}", a, b);
        }
        prop_assert_eq!(phonetic::may_agree(&a, &b), phonetic::may_agree(&b, &a));
    }

    /// Agreement is symmetric and every token agrees with itself.
    #[test]
    fn phonetic_agreement(a in "[A-Z]{1,12}", b in "[A-Z]{1,12}") {
        prop_assert_eq!(phonetic::agree(&a, &b), phonetic::agree(&b, &a));
        let k = phonetic::token_keys(&a);
        prop_assert!(k.primary.is_empty() || phonetic::agree(&a, &a));
        prop_assert!(k.coarse.len() <= 4);
        prop_assert!(k.coarse_alt.len() <= 4);
        prop_assert!(k.primary.as_str().bytes().all(|c| b"AEIOUBCDFGJKLMNPRSTY".contains(&c)));
    }
}
