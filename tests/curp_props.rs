//! Property tests for the curp module (invariants of spec/curp.md).

use padron::curp::{
    check_digit, classify, consistency, derive_probable, derive_root, normalize_input,
    with_differentiator, Consistency, Curp, ParseOptions, PersonData, RecordFields, Sex, State,
    Status, INCONVENIENT_WORDS,
};
use padron::date::Date;
use proptest::prelude::*;

fn any_date(from: (u16, u8, u8), to: (u16, u8, u8)) -> impl Strategy<Value = Date> {
    let a = Date::new(from.0, from.1, from.2).unwrap().ordinal();
    let b = Date::new(to.0, to.1, to.2).unwrap().ordinal();
    (a..=b).prop_map(|n| Date::from_ordinal(n).unwrap())
}

fn any_sex() -> impl Strategy<Value = Sex> {
    prop_oneof![Just(Sex::Hombre), Just(Sex::Mujer), Just(Sex::NoBinario)]
}

fn any_state() -> impl Strategy<Value = State> {
    (0..State::ALL.len()).prop_map(|i| State::ALL[i])
}

/// Name-like text: letters with accents, Ñ, particles, skip words,
/// special characters, odd spacing; or any Unicode at all.
fn any_name() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        "[A-Za-zÑñÁÉÍÓÚÜáéíóúüÄËÏÖ]{1,10}",
        "[A-ZÑ'’´./-]{1,6}",
        Just("DE".to_owned()),
        Just("LA".to_owned()),
        Just("Y".to_owned()),
        Just("MC".to_owned()),
        Just("MA.".to_owned()),
        Just("MARIA".to_owned()),
        Just("JOSE".to_owned()),
        Just("J".to_owned()),
        Just("DESCONOCIDO".to_owned()),
        Just("N\u{303}".to_owned()),
    ];
    prop_oneof![
        3 => prop::collection::vec(word, 0..5).prop_map(|w| w.join(" ")),
        1 => any::<String>(),
        1 => "\\PC{0,20}",
    ]
}

fn person<'a>(g: &'a str, f: &'a str, s: &'a str, d: Date, x: Sex, st: State) -> PersonData<'a> {
    PersonData {
        given_names: g,
        first_surname: f,
        second_surname: s,
        birth_date: d,
        sex: x,
        state: st,
    }
}

fn well_shaped_root(r: &str) -> bool {
    let b = r.as_bytes();
    let letter = |c: u8| c.is_ascii_uppercase();
    let consonant = |c: u8| letter(c) && !b"AEIOU".contains(&c);
    b.len() == 16
        && letter(b[0])
        && b"AEIOUX".contains(&b[1])
        && letter(b[2])
        && letter(b[3])
        && b[4..10].iter().all(u8::is_ascii_digit)
        && b"HMX".contains(&b[10])
        && State::from_code(&r[11..13]).is_some()
        && b[13..16].iter().all(|&c| consonant(c))
        && !INCONVENIENT_WORDS.contains(&&r[..4])
}

proptest! {
    #[test]
    fn derived_root_with_any_differentiator_parses(
        g in any_name(), f in any_name(), s in any_name(),
        d in any_date((1900, 1, 1), (2099, 12, 31)),
        x in any_sex(), st in any_state(),
        digit in 0u8..10, letter in 0u8..26,
    ) {
        let p = person(&g, &f, &s, d, x, st);
        let root = derive_root(&p);
        prop_assert!(well_shaped_root(root.as_str()));
        let diff = if d.year() < 2000 { char::from(b'0' + digit) } else { char::from(b'A' + letter) };
        let curp = with_differentiator(&root, diff);
        prop_assert!(curp.is_some());
        let curp = curp.unwrap();
        let today = Date::new(2099, 12, 31).unwrap();
        let parsed = Curp::parse(curp.as_str(), &ParseOptions::default().today(today));
        prop_assert_eq!(parsed.as_ref().ok(), Some(&curp));
        prop_assert_eq!(curp.root(), root.as_str());
        prop_assert_eq!(curp.birth_date(), d);
        prop_assert_eq!(curp.sex(), x);
        prop_assert_eq!(curp.state(), st);
        prop_assert_eq!(curp.differentiator(), diff);
    }

    #[test]
    fn probable_curp_is_consistent_with_its_own_data(
        g in any_name(), f in any_name(), s in any_name(),
        d in any_date((1900, 1, 1), (2099, 12, 31)),
        x in any_sex(), st in any_state(),
    ) {
        let p = person(&g, &f, &s, d, x, st);
        let curp = derive_probable(&p);
        prop_assert!(Curp::parse(curp.as_str(), &ParseOptions::default()).is_ok());
        let rec = RecordFields {
            given_names: Some(&g),
            first_surname: Some(&f),
            second_surname: Some(&s),
            birth_date: Some(d),
            sex: Some(x),
            state: Some(st),
        };
        prop_assert_eq!(consistency(&curp, &rec), Consistency::Ok);
    }

    #[test]
    fn derive_root_is_total(
        g in any::<String>(), f in any::<String>(), s in any::<String>(),
        d in any_date((1, 1, 1), (9999, 12, 31)),
        x in any_sex(), st in any_state(),
    ) {
        let root = derive_root(&person(&g, &f, &s, d, x, st));
        prop_assert!(well_shaped_root(root.as_str()));
        let _ = derive_probable(&person(&g, &f, &s, d, x, st));
    }

    #[test]
    fn parse_and_classify_never_panic(text in any::<String>()) {
        let opts = ParseOptions::default().today(Date::new(2025, 1, 1).unwrap());
        let _ = Curp::parse(&text, &opts);
        let _ = classify(&text, &opts);
    }

    #[test]
    fn parse_near_shape_reports_without_the_value(
        text in "[A-Z0-9ÑñX* -]{16,20}",
        strict in any::<bool>(), nonbinary in any::<bool>(),
    ) {
        let opts = ParseOptions::default()
            .strict_differentiator(strict)
            .allow_nonbinary(nonbinary)
            .today(Date::new(2025, 1, 1).unwrap());
        match Curp::parse(&text, &opts) {
            Ok(c) => prop_assert_eq!(c.as_str(), text.as_str()),
            Err(e) => {
                prop_assert!(!e.violations().is_empty());
                let shown = e.to_string();
                prop_assert!(!shown.contains(text.trim()));
                for v in e.violations() {
                    prop_assert!(*v.positions.start() >= 1);
                    prop_assert!(v.positions.start() <= v.positions.end());
                }
            }
        }
        let _ = classify(&text, &opts);
    }

    #[test]
    fn normalize_input_is_idempotent(text in any::<String>()) {
        let once = normalize_input(&text);
        let twice = normalize_input(&once.value);
        prop_assert_eq!(&twice.value, &once.value);
        prop_assert!(twice.changes.is_empty());
    }

    #[test]
    fn normalize_keeps_letters_and_digits(text in "[a-zA-Z0-9Ññ -]{0,30}") {
        let n = normalize_input(&text);
        let expect: String = text
            .chars()
            .filter(|c| c.is_alphanumeric())
            .map(|c| c.to_uppercase().next().unwrap())
            .collect();
        prop_assert_eq!(n.value, expect);
    }

    #[test]
    fn valid_text_classifies_as_given(
        g in "[A-Z]{2,8}", f in "[A-Z]{2,8}", s in "[A-Z]{0,8}",
        d in any_date((1930, 1, 1), (2020, 12, 31)), x in any_sex(), st in any_state(),
    ) {
        let curp = derive_probable(&person(&g, &f, &s, d, x, st));
        let opts = ParseOptions::default();
        let lower = format!("  {}  ", curp.as_str().to_lowercase());
        match classify(&lower, &opts) {
            Status::Valid(c) => prop_assert_eq!(c, curp),
            Status::Placeholder(_) => {}
            other => prop_assert!(false, "unexpected {:?}", other),
        }
    }

    /// §3.7: position 9 has weight 10, so the first day digit never changes
    /// the check digit; any other single substitution of a digit by a
    /// different digit at positions 5–10 with odd weight is detected.
    #[test]
    fn check_digit_weaknesses(
        first17 in "[A-Z]{4}[0-9]{6}[A-Z]{6}[0-9A-Z]",
        pos in 4usize..10, digit in 0u8..10,
    ) {
        let d = check_digit(&first17).unwrap();
        let mut b = first17.clone().into_bytes();
        let old = b[pos];
        b[pos] = b'0' + digit;
        let changed = String::from_utf8(b).unwrap();
        let d2 = check_digit(&changed).unwrap();
        let weight = 18 - pos as u32;
        let delta = u32::from(digit).abs_diff(u32::from(old - b'0'));
        prop_assert_eq!(d == d2, (weight * delta).is_multiple_of(10));
    }
}
