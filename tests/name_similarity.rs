//! Comparator vectors (spec/names.md §5) from `testdata/names/`.

mod name_support;

use padron::date::Date;
use padron::name;
use padron::similarity::{self, DateComparator, DateLevel, GivenLevel, Level, SurnameLevel};

use name_support::{load, Failures};

#[test]
fn given_levels() {
    let rows = load("given_levels.tsv");
    let mut f = Failures::default();
    let mut seen = Vec::new();
    for r in &rows {
        let a = name::normalize(r.col(0), "", "");
        let b = name::normalize(r.col(1), "", "");
        let want = GivenLevel::from_code(r.col(2)).expect("known level code");
        seen.push(want);
        f.check(
            "a,b",
            r.line,
            similarity::compare_given(a.given(), b.given()),
            want,
        );
        f.check(
            "b,a",
            r.line,
            similarity::compare_given(b.given(), a.given()),
            want,
        );
    }
    f.finish("given_levels.tsv");
    for l in GivenLevel::ALL {
        assert!(seen.contains(l), "no vector for {l}");
    }
}

#[test]
fn surname_levels() {
    let rows = load("surname_levels.tsv");
    let mut f = Failures::default();
    let mut seen = Vec::new();
    for r in &rows {
        let a = name::normalize("", r.col(0), r.col(1));
        let b = name::normalize("", r.col(2), r.col(3));
        let want = SurnameLevel::from_code(r.col(4)).expect("known level code");
        seen.push(want);
        f.check("a,b", r.line, similarity::compare_surnames(&a, &b), want);
        f.check("b,a", r.line, similarity::compare_surnames(&b, &a), want);
    }
    f.finish("surname_levels.tsv");
    for l in SurnameLevel::ALL {
        assert!(seen.contains(l), "no vector for {l}");
    }
}

#[test]
fn date_levels() {
    let rows = load("date_levels.tsv");
    let mut f = Failures::default();
    let mut seen = Vec::new();
    let date = |s: &str| (!s.is_empty()).then(|| Date::parse(s).expect("valid test date"));
    for r in &rows {
        let cmp = DateComparator::new(r.opt(2).map(|s| Date::parse(s).unwrap()));
        let (a, b) = (date(r.col(0)), date(r.col(1)));
        let want = DateLevel::from_code(r.col(3)).expect("known level code");
        seen.push(want);
        f.check("a,b", r.line, cmp.compare(a, b), want);
        f.check("b,a", r.line, cmp.compare(b, a), want);
    }
    f.finish("date_levels.tsv");
    for l in DateLevel::ALL {
        assert!(seen.contains(l), "no vector for {l}");
    }
}

#[test]
fn monge_elkan_vectors() {
    let rows = load("monge_elkan.tsv");
    for r in &rows {
        let want: f64 = r.col(2).parse().unwrap();
        for (a, b) in [(r.col(0), r.col(1)), (r.col(1), r.col(0))] {
            let got = similarity::monge_elkan(a, b).value();
            assert!(
                (got - want).abs() < 1e-9,
                "line {}: {got} vs {want}",
                r.line
            );
        }
    }
    // Plain Jaro-Winkler is order-sensitive (spec §5: 0.56).
    let jw = similarity::metrics::jaro_winkler("JOSE LUIS", "LUIS JOSE").value();
    assert!((jw - 0.5556).abs() < 1e-4);
}

#[test]
fn whole_name_and_levels_together() {
    let a = name::normalize("José Luis", "Hernández", "García");
    let b = name::normalize("Luis José", "Hernandez", "Garcia");
    assert_eq!(similarity::compare_whole_names(&a, &b).value(), 1.0);
    let l = similarity::compare_names(&a, &b);
    assert_eq!(l.surnames, SurnameLevel::BothExact);
}

#[test]
fn best_parse_pair_prefers_the_consistent_parses() {
    let a = name::parse_full_name("HERNANDEZ GARCIA JOSE LUIS");
    let b = name::parse_full_name("JOSE LUIS HERNANDEZ GARCIA");
    let (i, j, l) = similarity::best_parse_pair(&a, &b).unwrap();
    assert_eq!(l.given, GivenLevel::Exact);
    assert_eq!(l.surnames, SurnameLevel::BothExact);
    // Two pairs assign the tokens identically (both right, or both wrong
    // in the same way); either is a consistent reading.
    assert_eq!(a[i].full_match(), b[j].full_match());
    assert_ne!(a[i].order(), b[j].order());
    assert!(similarity::best_parse_pair(&a, &[]).is_none());
}
