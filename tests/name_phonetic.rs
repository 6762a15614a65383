//! MXF-1 vectors (spec/names.md §4) from `testdata/names/`.

mod name_support;

use padron::phonetic;

use name_support::{load, Failures};

#[test]
fn spec_vectors() {
    let rows = load("mxf1_spec.tsv");
    assert_eq!(rows.len(), 26, "the spec's table has 26 rows");
    let mut f = Failures::default();
    for r in &rows {
        let k = phonetic::token_keys(r.col(0));
        f.check("primary", r.line, k.primary.as_str(), r.col(1));
        f.check("alternate", r.line, k.alternate.as_str(), r.col(2));
        f.check("coarse", r.line, k.coarse.as_str(), r.col(3));
        f.check(
            "primary()",
            r.line,
            phonetic::primary(r.col(0)).as_str(),
            r.col(1),
        );
        f.check(
            "alternate()",
            r.line,
            phonetic::alternate(r.col(0)).as_str(),
            r.col(2),
        );
    }
    f.finish("mxf1_spec.tsv");
}

#[test]
fn rule_vectors() {
    let rows = load("mxf1_rules.tsv");
    let mut f = Failures::default();
    for r in &rows {
        let k = phonetic::token_keys(r.col(0));
        f.check("primary", r.line, k.primary.as_str(), r.col(1));
        f.check("alternate", r.line, k.alternate.as_str(), r.col(2));
        f.check("coarse", r.line, k.coarse.as_str(), r.col(3));
        f.check("coarse_alt", r.line, k.coarse_alt.as_str(), r.col(4));
        let mut s = String::new();
        phonetic::write_key(r.col(0), phonetic::Variant::Primary, &mut s);
        f.check("write_key", r.line, s.as_str(), r.col(1));
    }
    f.finish("mxf1_rules.tsv");
}

#[test]
fn accepted_and_rejected_merges() {
    // Spec §4 "known, accepted merges" and "not merged by design".
    assert!(phonetic::agree("ALEXANDRA", "ALEJANDRA"));
    assert!(phonetic::agree("CORRAL", "CORAL"));
    assert!(phonetic::agree("OSWALDO", "OSVALDO"));
    assert!(phonetic::agree("XIMENA", "SIMENA"));
    for (a, b) in [
        ("HERNANDEZ", "FERNANDEZ"),
        ("YAZMIN", "JAZMIN"),
        ("BRAYAN", "BRIAN"),
        ("GUILLERMO", "GILLERMO"),
        ("MARIA", "MARIO"),
    ] {
        assert!(!phonetic::agree(a, b), "{a} {b}");
    }
    let c = |t| phonetic::token_keys(t).coarse;
    assert_eq!(c("MARIA"), c("MARIO"));
}
