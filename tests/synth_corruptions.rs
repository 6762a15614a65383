//! Each corruption, switched on alone at rate 1, does what its tag says, and
//! a record carries the tag exactly when the corruption changed it.

use padron::synth::{generate, CorruptionRates, Person, Record, Synth, SynthConfig, Tag};

/// 1,500 persons with only `rate` switched on (at 1.0).
fn only(rate: &str) -> Synth {
    let mut json = serde_json::to_value(CorruptionRates::none()).unwrap();
    json[rate] = serde_json::Value::from(1.0);
    let corruption: CorruptionRates = serde_json::from_value(json).unwrap();
    generate(&SynthConfig {
        persons: 1_500,
        seed: 77,
        corruption,
        ..SynthConfig::default()
    })
    .unwrap()
}

fn person<'a>(s: &'a Synth, r: &Record) -> &'a Person {
    &s.persons()[r.person_id as usize - 1]
}

/// Name as the padrón writes it when clean (padrón 1 strips accents).
fn clean(r: &Record, text: &str) -> String {
    if r.padron.is_multiple_of(2) {
        text.chars()
            .map(|c| match c {
                'Á' => 'A',
                'É' => 'E',
                'Í' => 'I',
                'Ó' => 'O',
                'Ú' | 'Ü' => 'U',
                c => c,
            })
            .collect()
    } else {
        text.to_owned()
    }
}

/// Only `tag` may appear, and on at least `min` records.
fn tagged(s: &Synth, tag: Tag, min: usize) -> Vec<&Record> {
    let mut out = Vec::new();
    for r in s.records() {
        for t in r.tags.iter() {
            assert_eq!(t, tag, "unexpected tag {}", t.name());
        }
        if r.tags.contains(tag) {
            out.push(r);
        }
    }
    assert!(out.len() >= min, "{}: {} records", tag.name(), out.len());
    out
}

#[test]
fn curp_missing_and_placeholder() {
    let s = only("curp_missing");
    assert!(s.records().all(|r| r.fields.curp.is_empty()));
    assert_eq!(tagged(&s, Tag::CurpMissing, 1).len(), s.records().count());
    let s = only("curp_placeholder");
    for r in tagged(&s, Tag::CurpPlaceholder, 1_500) {
        assert!(
            r.fields.curp.starts_with("XEXX0101")
                || r.fields.curp.starts_with("XXXX")
                || r.fields.curp.starts_with("AAAA")
        );
    }
}

#[test]
fn curp_format_noise_keeps_the_characters() {
    let s = only("curp_format");
    for r in tagged(&s, Tag::CurpFormat, 1_500) {
        let bare: String = r
            .fields
            .curp
            .chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .collect::<String>()
            .to_uppercase();
        assert_eq!(bare, person(&s, r).curp.as_str());
        assert_ne!(r.fields.curp, bare);
    }
}

#[test]
fn curp_typos_change_one_or_two_positions() {
    let s = only("curp_typo_substitution");
    for r in tagged(&s, Tag::CurpTypoSubstitution, 1_500) {
        let want = person(&s, r).curp;
        let diff = r
            .fields
            .curp
            .bytes()
            .zip(want.as_str().bytes())
            .filter(|(a, b)| a != b)
            .count();
        assert_eq!((r.fields.curp.len(), diff), (18, 1));
    }
    let s = only("curp_typo_transposition");
    for r in tagged(&s, Tag::CurpTypoTransposition, 1_500) {
        let want = person(&s, r).curp.as_str().as_bytes().to_vec();
        let got = r.fields.curp.as_bytes();
        let at: Vec<usize> = (0..18).filter(|&i| got[i] != want[i]).collect();
        assert_eq!(at.len(), 2);
        assert_eq!(at[0] + 1, at[1]);
        assert_eq!((got[at[0]], got[at[1]]), (want[at[1]], want[at[0]]));
    }
}

#[test]
fn surnames_swapped_and_second_missing() {
    let s = only("surnames_swapped");
    for r in tagged(&s, Tag::SurnamesSwapped, 1_000) {
        let p = person(&s, r);
        assert_eq!(r.fields.primer_apellido, clean(r, &p.second_surname));
        assert_eq!(r.fields.segundo_apellido, clean(r, &p.first_surname));
    }
    // Untagged records have no second surname (or two equal ones).
    for r in s.records().filter(|r| r.tags.is_empty()) {
        let p = person(&s, r);
        assert!(p.second_surname.is_empty() || p.second_surname == p.first_surname);
    }
    let s = only("second_surname_missing");
    for r in tagged(&s, Tag::SecondSurnameMissing, 1_000) {
        assert!(["", "X", "NA", "XX"].contains(&r.fields.segundo_apellido.as_str()));
    }
}

#[test]
fn enye_mojibake_and_accents() {
    let s = only("enye_as_n");
    for r in tagged(&s, Tag::EnyeAsN, 10) {
        let p = person(&s, r);
        let had = [&p.given_names, &p.first_surname, &p.second_surname]
            .iter()
            .filter(|x| x.contains('Ñ'))
            .count();
        let has = [
            &r.fields.nombre,
            &r.fields.primer_apellido,
            &r.fields.segundo_apellido,
        ]
        .iter()
        .filter(|x| x.contains('Ñ'))
        .count();
        assert_eq!(has + 1, had, "one field loses its Ñ");
    }
    let s = only("mojibake");
    for r in tagged(&s, Tag::Mojibake, 10) {
        let all = format!(
            "{} {} {}",
            r.fields.nombre, r.fields.primer_apellido, r.fields.segundo_apellido
        );
        assert!(
            all.contains('Ã')
                || all.contains('¥')
                || all.contains('¤')
                || all.contains('?')
                || all.contains('\u{FFFD}'),
            "no mojibake mark"
        );
    }
    let s = only("accent_dropped");
    for r in tagged(&s, Tag::AccentDropped, 10) {
        assert_eq!(r.padron % 2, 1, "only accent-keeping padrones");
    }
    let s = only("accent_added");
    for r in tagged(&s, Tag::AccentAdded, 1_500) {
        let p = person(&s, r);
        let count = |t: &str| t.chars().filter(|c| "ÁÉÍÓÚ".contains(*c)).count();
        let before = count(&clean(r, &p.given_names))
            + count(&clean(r, &p.first_surname))
            + count(&clean(r, &p.second_surname));
        let after = count(&r.fields.nombre)
            + count(&r.fields.primer_apellido)
            + count(&r.fields.segundo_apellido);
        assert_eq!(after, before + 1);
    }
}

#[test]
fn given_name_corruptions() {
    let s = only("given_prefix_dropped");
    for r in tagged(&s, Tag::GivenPrefixDropped, 50) {
        let p = person(&s, r);
        let (first, rest) = p.given_names.split_once(' ').unwrap();
        assert!(["MARÍA", "JOSÉ"].contains(&first));
        assert_eq!(r.fields.nombre, clean(r, rest));
    }
    let s = only("maria_abbreviated");
    for r in tagged(&s, Tag::GivenAbbreviated, 50) {
        let first = r.fields.nombre.split(' ').next().unwrap();
        assert!(["MA.", "MA", "M."].contains(&first), "{first}");
    }
    let s = only("nickname");
    let nicknames = include_str!("../data/nicknames_mx.tsv");
    for r in tagged(&s, Tag::Nickname, 50) {
        let line = format!("{}\t", r.fields.nombre);
        assert!(
            nicknames.lines().any(|l| l.starts_with(&line)),
            "not a nickname"
        );
    }
    let s = only("given_truncated");
    for r in tagged(&s, Tag::GivenTruncated, 50) {
        let full = clean(r, &person(&s, r).given_names);
        assert!(full.starts_with(&r.fields.nombre) && r.fields.nombre.len() < full.len());
    }
}

#[test]
fn compound_surnames_and_abbreviations() {
    let s = only("compound_surname_joined");
    for r in tagged(&s, Tag::CompoundSurnameJoined, 20) {
        let p = person(&s, r);
        let joined = |t: &str| clean(r, t).replace(' ', "");
        assert!(
            r.fields.primer_apellido == joined(&p.first_surname)
                || r.fields.segundo_apellido == joined(&p.second_surname)
        );
    }
    let s = only("compound_surname_split");
    for r in tagged(&s, Tag::CompoundSurnameSplit, 20) {
        let p = person(&s, r);
        // The words of both surnames, in order, are unchanged.
        let before = clean(r, &format!("{} {}", p.first_surname, p.second_surname));
        let after = format!("{} {}", r.fields.primer_apellido, r.fields.segundo_apellido);
        assert_eq!(
            after.split_whitespace().collect::<Vec<_>>(),
            before.split_whitespace().collect::<Vec<_>>()
        );
        assert_ne!(r.fields.primer_apellido, clean(r, &p.first_surname));
    }
    let s = only("surname_abbreviated");
    for r in tagged(&s, Tag::SurnameAbbreviated, 20) {
        let short = [
            "HDEZ", "HDZ", "HERNDZ", "GLEZ", "GZZ", "GLZ", "RGUEZ", "RDZ", "MTZ", "MTNEZ", "FDEZ",
            "FDZ", "GTZ", "GTRZ", "SNCHZ", "SCHZ", "DGUEZ", "DMGZ", "JMNEZ", "JMZ", "RMEZ", "RMZ",
        ];
        assert!(
            short.contains(&r.fields.primer_apellido.as_str())
                || short.contains(&r.fields.segundo_apellido.as_str())
        );
    }
}

#[test]
fn dates_and_states() {
    let s = only("day_month_swapped");
    for r in tagged(&s, Tag::DayMonthSwapped, 200) {
        let b = person(&s, r).birth_date;
        let want = if r.padron % 2 == 0 {
            format!("{:04}-{:02}-{:02}", b.year(), b.day(), b.month())
        } else {
            format!("{:02}/{:02}/{:04}", b.month(), b.day(), b.year())
        };
        assert_eq!(r.fields.fecha_nacimiento, want);
    }
    let s = only("registration_state");
    for r in tagged(&s, Tag::RegistrationState, 1_500) {
        assert_ne!(
            r.fields.entidad_nacimiento,
            person(&s, r).birth_state.code()
        );
    }
}

#[test]
fn letter_level_changes_touch_one_field() {
    for (rate, tag) in [
        ("spelling_by_ear", Tag::SpellingByEar),
        ("keyboard_typo", Tag::KeyboardTypo),
        ("ocr_confusion", Tag::OcrConfusion),
        ("case_noise", Tag::CaseNoise),
        ("whitespace_noise", Tag::WhitespaceNoise),
    ] {
        let s = only(rate);
        for r in tagged(&s, tag, 1_000) {
            let p = person(&s, r);
            let changed = [
                r.fields.nombre != clean(r, &p.given_names),
                r.fields.primer_apellido != clean(r, &p.first_surname),
                r.fields.segundo_apellido != clean(r, &p.second_surname),
            ];
            assert_eq!(changed.iter().filter(|&&c| c).count(), 1, "{rate}");
        }
        for r in s.records().filter(|r| r.tags.is_empty()) {
            let p = person(&s, r);
            assert_eq!(
                r.fields.nombre,
                clean(r, &p.given_names),
                "{rate}: untagged but changed"
            );
        }
    }
}
