//! Normalization vectors (spec/names.md §2–§3) from `testdata/names/`.

mod name_support;

use padron::name::{self, Flags, ParseOrder};

use name_support::{load, Failures};

fn flag_list(flags: Flags) -> String {
    let v: Vec<&str> = flags.names().collect();
    if v.is_empty() {
        "-".to_owned()
    } else {
        v.join(",")
    }
}

fn sorted_flags(s: &str) -> Vec<String> {
    let mut v: Vec<String> = s.split(',').map(str::to_owned).collect();
    v.sort();
    v
}

#[test]
fn normalize_vectors() {
    let rows = load("normalize.tsv");
    let mut f = Failures::default();
    let mut normalizer = name::Normalizer::default();
    for r in &rows {
        // The reusable normalizer and the one-shot function agree.
        let n = normalizer.normalize(r.col(0), r.col(1), r.col(2));
        assert_eq!(n, name::normalize(r.col(0), r.col(1), r.col(2)));
        let l = r.line;
        f.check("given", l, n.given().map(|g| g.as_match()), r.opt(3));
        f.check(
            "significant",
            l,
            n.given().map(|g| g.significant()),
            r.opt(4),
        );
        let p = n.paternal();
        f.check("pat full", l, p.map(|s| s.full()), r.opt(5));
        f.check("pat core", l, p.map(|s| s.core()), r.opt(6));
        f.check("pat joined", l, p.map(|s| s.joined()), r.opt(7));
        let m = n.maternal();
        f.check("mat full", l, m.map(|s| s.full()), r.opt(8));
        f.check("mat core", l, m.map(|s| s.core()), r.opt(9));
        f.check(
            "married",
            l,
            n.married_surname().map(|s| s.full()),
            r.opt(10),
        );
        f.check(
            "flags",
            l,
            sorted_flags(&flag_list(n.flags())),
            sorted_flags(r.col(11)),
        );
        f.check("order", l, n.order(), ParseOrder::Fields);
        f.check("raw given", l, n.raw_given(), Some(r.col(0)));
        f.check("raw maternal", l, n.raw_maternal(), Some(r.col(2)));
    }
    f.finish("normalize.tsv");
}

#[test]
fn ortho_vectors() {
    let rows = load("ortho.tsv");
    let mut f = Failures::default();
    for r in &rows {
        let n = name::normalize(r.col(0), r.col(1), r.col(2));
        f.check("given", r.line, n.given().map(|g| g.ortho()), r.opt(3));
        f.check(
            "paternal",
            r.line,
            n.paternal().map(|s| s.ortho()),
            r.opt(4),
        );
        f.check(
            "maternal",
            r.line,
            n.maternal().map(|s| s.ortho()),
            r.opt(5),
        );
    }
    f.finish("ortho.tsv");
}

#[test]
fn byte_entry_point_decodes_1252() {
    // "MUÑOZ" and "PÉREZ" in Windows-1252.
    let n = name::normalize_bytes(b"JOS\xC9", b"MU\xD1OZ", b"P\xC9REZ");
    assert!(n.flags().contains(Flags::REENCODED));
    assert_eq!(n.given().unwrap().ortho(), "JOSÉ");
    assert_eq!(n.paternal().unwrap().ortho(), "MUÑOZ");
    assert_eq!(n.paternal().unwrap().full(), "MUNOZ");
    assert_eq!(n.maternal().unwrap().full(), "PEREZ");
    let u = name::normalize_bytes("JOSÉ".as_bytes(), b"LOPEZ", b"");
    assert!(!u.flags().contains(Flags::REENCODED));
    assert_eq!(u.given().unwrap().ortho(), "JOSÉ");
    assert!(u.maternal().is_none());
}

#[test]
fn given_token_flags() {
    let n = name::normalize("Ma. de los Ángeles J.", "Pérez", "");
    let g = n.given().unwrap();
    let toks: Vec<(&str, bool, bool, bool, bool)> = g
        .tokens()
        .map(|t| {
            (
                t.as_match(),
                t.is_prefix(),
                t.is_particle(),
                t.is_initial(),
                t.is_significant(),
            )
        })
        .collect();
    assert_eq!(
        toks,
        [
            ("MARIA", true, false, false, false),
            ("DE", false, true, false, false),
            ("LOS", false, true, false, false),
            ("ANGELES", false, false, false, true),
            ("J", false, false, true, false),
        ]
    );
    assert_eq!(g.first_significant().unwrap().as_match(), "ANGELES");
    assert_eq!(g.tokens().next().unwrap().ortho(), "MARÍA");
    assert!(!g.only_initials());
    let i = name::normalize("J. L.", "Pérez", "");
    assert!(i.given().unwrap().only_initials());
}

#[test]
fn n9_recovers_n_tilde_only_with_a_table() {
    let table = name::FrequencyTable::parse_tsv("MUNOZ\t900\nPENA\t700\nPENIA\t1\n").unwrap();
    let mut with = name::Normalizer::default().with_frequencies(&table);
    let n = with.normalize("JUAN", "MUNIOZ", "PENIA");
    assert_eq!(n.paternal().unwrap().full(), "MUNOZ");
    assert_eq!(n.paternal().unwrap().ortho(), "MUÑOZ");
    assert_eq!(n.maternal().unwrap().ortho(), "PEÑA");
    assert!(n.flags().contains(Flags::N_TILDE_RECOVERED));
    let n = with.normalize("JUAN", "MU?OZ", "");
    assert_eq!(n.paternal().unwrap().ortho(), "MUÑOZ");
    // Never without the table; never on given names.
    let n = name::normalize("JUAN", "MUNIOZ", "");
    assert_eq!(n.paternal().unwrap().full(), "MUNIOZ");
    let n = with.normalize("PENIA", "LOPEZ", "");
    assert_eq!(n.given().unwrap().as_match(), "PENIA");
}

#[test]
fn single_field() {
    let f = name::normalize_field("de la Cruz", name::FieldKind::Surname);
    assert_eq!(f.as_match(), Some("DE LA CRUZ"));
    assert_eq!(f.core(), Some("CRUZ"));
    assert_eq!(f.ortho(), Some("DE LA CRUZ"));
    let f = name::normalize_field("Hdz", name::FieldKind::Surname);
    assert_eq!(f.as_match(), Some("HERNANDEZ"));
    let f = name::normalize_field("Hdz", name::FieldKind::Other);
    assert_eq!(f.as_match(), Some("HDZ"));
    let f = name::normalize_field("N/A", name::FieldKind::Given);
    assert_eq!(f.as_match(), None);
    assert!(f.flags().contains(Flags::PLACEHOLDER));
}

#[test]
fn full_match_joins_parts() {
    let n = name::normalize("José Luis", "Hernández", "García");
    assert_eq!(n.full_match(), "JOSE LUIS HERNANDEZ GARCIA");
    let n = name::normalize("", "Hernández", "");
    assert_eq!(n.full_match(), "HERNANDEZ");
}

#[test]
fn full_name_parses() {
    let rows = load("full_names.tsv");
    let mut f = Failures::default();
    let mut by_text: Vec<(&str, usize)> = Vec::new();
    for r in &rows {
        match by_text.iter_mut().find(|(t, _)| *t == r.col(0)) {
            Some((_, n)) => *n += 1,
            None => by_text.push((r.col(0), 1)),
        }
        let parses = name::parse_full_name(r.col(0));
        let i: usize = r.col(1).parse().unwrap();
        let Some(p) = parses.get(i) else {
            f.check("parse exists", r.line, false, true);
            continue;
        };
        f.check(
            "order",
            r.line,
            format!("{:?}", p.order()),
            r.col(2).to_owned(),
        );
        f.check("given", r.line, p.given().map(|g| g.as_match()), r.opt(3));
        f.check("paternal", r.line, p.paternal().map(|s| s.full()), r.opt(4));
        f.check("maternal", r.line, p.maternal().map(|s| s.full()), r.opt(5));
        f.check("raw", r.line, p.raw_full_name(), Some(r.col(0)));
        f.check("raw given", r.line, p.raw_given(), None);
    }
    for (text, n) in by_text {
        f.check(text, 0, name::parse_full_name(text).len(), n);
    }
    assert!(name::parse_full_name(" ... ").is_empty());
    f.finish("full_names.tsv");
}

/// Found by `idempotent_on_arbitrary_text`: a marker after letters with no
/// match form must not become a token of its own.
#[test]
fn regression_marker_after_non_latin_letters() {
    let n = name::normalize("", "𓑠?ﯓ꒐", "");
    assert!(n.paternal().is_none());
    assert!(n.flags().contains(Flags::NON_LATIN_DROPPED));
    let n = name::normalize("", "A?Ж", "");
    assert_eq!(n.paternal().unwrap().full(), "A");
    assert_eq!(n.paternal().unwrap().ortho(), "AЖ");
}

/// Found by `idempotent_on_match_layer`: after the split-field repair the
/// joined surname fields get the field-level steps again.
#[test]
fn regression_split_repair_then_trailing_marker() {
    let n = name::normalize("", "DE", "JR");
    assert_eq!(n.paternal().unwrap().full(), "DE");
    assert!(n.maternal().is_none());
}

/// Found by `idempotent_on_match_layer` (long run): the repair repeats
/// until it no longer applies.
#[test]
fn regression_split_repair_repeats() {
    let n = name::normalize("", "DE", "JR SAN");
    assert_eq!(n.paternal().unwrap().full(), "DE SAN");
    assert!(n.maternal().is_none());
    let again = name::normalize("", "DE SAN", "");
    assert_eq!(again.paternal().unwrap().full(), "DE SAN");
}
