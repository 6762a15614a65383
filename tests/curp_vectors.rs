//! Data-driven suite over `testdata/curp/` (spec/curp.md). Every file is
//! run completely and all failures are reported at once. Set
//! `PADRON_TEST_FILTER=substring` to run only cases whose name or input
//! contains it.

use std::path::PathBuf;

use padron::curp::{
    check_digit, classify, consistency, derive_probable, derive_root, normalize_input, Consistency,
    Curp, ParseOptions, PersonData, RecordFields, Sex, State, Status, INCONVENIENT_WORDS,
};
use padron::date::Date;
use serde::Deserialize;

fn data(name: &str) -> String {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "testdata", "curp", name]
        .iter()
        .collect();
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn selected(name: &str, input: &str) -> bool {
    match std::env::var("PADRON_TEST_FILTER") {
        Ok(f) => name.contains(&f) || input.contains(&f),
        Err(_) => true,
    }
}

fn report(file: &str, total: usize, failures: Vec<String>) {
    assert!(
        total > 0 || std::env::var("PADRON_TEST_FILTER").is_ok(),
        "{file}: no cases"
    );
    if !failures.is_empty() {
        panic!(
            "{file}: {} of {total} cases failed:\n  {}",
            failures.len(),
            failures.join("\n  ")
        );
    }
}

fn date(s: &str) -> Date {
    Date::parse(s).unwrap_or_else(|e| panic!("bad date {s} in test data: {e}"))
}

fn sex(s: &str) -> Sex {
    Sex::from_code(s.chars().next().unwrap_or('?')).expect("sex in test data")
}

fn state(s: &str) -> State {
    State::from_code(s).expect("state in test data")
}

// ---------------------------------------------------------------------------

#[derive(Deserialize)]
struct ParseFile {
    case: Vec<ParseCase>,
}

#[derive(Deserialize)]
struct ParseCase {
    name: String,
    input: String,
    today: Option<String>,
    allow_nonbinary: Option<bool>,
    strict_differentiator: Option<bool>,
    #[serde(default)]
    valid: bool,
    errors: Option<Vec<String>>,
    birth_date: Option<String>,
    sex: Option<String>,
    state: Option<String>,
    differentiator: Option<String>,
    check_digit: Option<u8>,
}

fn options(today: &Option<String>, nonbinary: Option<bool>, strict: Option<bool>) -> ParseOptions {
    let mut o = ParseOptions::default().with_today(today.as_deref().map(date));
    if let Some(b) = nonbinary {
        o = o.allow_nonbinary(b);
    }
    if let Some(b) = strict {
        o = o.strict_differentiator(b);
    }
    o
}

fn describe(e: &padron::curp::ParseError) -> Vec<String> {
    e.violations()
        .iter()
        .map(|v| {
            let (a, b) = (*v.positions.start(), *v.positions.end());
            if a == b {
                format!("{}@{a}", v.rule.name())
            } else {
                format!("{}@{a}-{b}", v.rule.name())
            }
        })
        .collect()
}

#[test]
fn parse_vectors() {
    let file: ParseFile = toml::from_str(&data("parse.toml")).expect("parse.toml");
    let mut failures = Vec::new();
    let mut total = 0;
    for c in &file.case {
        if !selected(&c.name, &c.input) {
            continue;
        }
        total += 1;
        assert!(
            c.valid != c.errors.is_some(),
            "{}: exactly one of valid/errors",
            c.name
        );
        let opts = options(&c.today, c.allow_nonbinary, c.strict_differentiator);
        let mut fail = |msg: String| failures.push(format!("{}: {msg}", c.name));
        match (Curp::parse(&c.input, &opts), &c.errors) {
            (Ok(curp), None) => {
                if curp.as_str() != c.input {
                    fail("as_str differs from input".into());
                }
                if curp.root() != &c.input[..16] {
                    fail("root is not positions 1-16".into());
                }
                if let Some(d) = &c.birth_date {
                    if curp.birth_date() != date(d) {
                        fail(format!("birth date {} != {d}", curp.birth_date()));
                    }
                }
                if let Some(s) = &c.sex {
                    if curp.sex() != sex(s) {
                        fail(format!("sex {} != {s}", curp.sex()));
                    }
                }
                if let Some(s) = &c.state {
                    if curp.state() != state(s) {
                        fail(format!("state {} != {s}", curp.state()));
                    }
                }
                if let Some(d) = &c.differentiator {
                    if curp.differentiator().to_string() != *d {
                        fail(format!("differentiator {} != {d}", curp.differentiator()));
                    }
                }
                if let Some(d) = c.check_digit {
                    if curp.check_digit() != d {
                        fail(format!("check digit {} != {d}", curp.check_digit()));
                    }
                }
            }
            (Ok(_), Some(errors)) => fail(format!("parsed, expected {errors:?}")),
            (Err(e), None) => fail(format!("rejected: {:?}", describe(&e))),
            (Err(e), Some(errors)) => {
                let got = describe(&e);
                if &got != errors {
                    fail(format!("violations {got:?} != {errors:?}"));
                }
                let shown = e.to_string();
                if c.input.len() >= 4 && shown.contains(&c.input) {
                    fail("error message contains the input".into());
                }
            }
        }
    }
    report("parse.toml", total, failures);
}

#[test]
fn check_digit_vectors() {
    let mut failures = Vec::new();
    let mut total = 0;
    for line in data("check_digit.tsv").lines() {
        if line.starts_with('#') {
            continue;
        }
        let (input, want) = line.split_once('\t').expect("two columns");
        total += 1;
        let want = match want {
            "-" => None,
            d => Some(d.parse::<u8>().expect("digit")),
        };
        let got = check_digit(input);
        if got != want {
            failures.push(format!("{input:?}: {got:?} != {want:?}"));
        }
        if let (Some(d), true) = (want, input.is_ascii()) {
            // The full key with that digit parses or fails only for other
            // reasons than the check digit.
            let full = format!("{input}{d}");
            if let Err(e) = Curp::parse(&full, &ParseOptions::default()) {
                if e.has(padron::curp::Rule::CheckDigit) {
                    failures.push(format!("{full}: parse disagrees on the check digit"));
                }
            }
        }
    }
    report("check_digit.tsv", total, failures);
}

#[test]
fn inconvenient_catalogue_matches_spec_table() {
    let mut failures = Vec::new();
    let mut from_file = Vec::new();
    for line in data("inconvenient.tsv").lines() {
        if line.starts_with('#') {
            continue;
        }
        let (word, censored) = line.split_once('\t').expect("two columns");
        from_file.push(word.to_owned());
        let mut expect = word.as_bytes().to_vec();
        expect[1] = b'X';
        if censored.as_bytes() != expect.as_slice() {
            failures.push(format!(
                "{word}: censored form {censored} is not position 2 -> X"
            ));
        }
        // An uncensored word is rejected by parse, its censored form is not.
        let opts = ParseOptions::default();
        for (letters, bad) in [(word, true), (censored, false)] {
            let first17 = format!("{letters}800101HDFBRM0");
            let d = check_digit(&first17).expect("dictionary");
            let full = format!("{first17}{d}");
            let has = Curp::parse(&full, &opts)
                .err()
                .is_some_and(|e| e.has(padron::curp::Rule::InconvenientWord));
            if has != bad {
                failures.push(format!("{letters}: inconvenient_word reported = {has}"));
            }
        }
    }
    let mut distinct = from_file.clone();
    distinct.sort();
    distinct.dedup();
    if from_file.len() != 81 || distinct.len() != 81 {
        failures.push(format!(
            "{} words, {} distinct (want 81)",
            from_file.len(),
            distinct.len()
        ));
    }
    let mut lib: Vec<String> = INCONVENIENT_WORDS.iter().map(|w| w.to_string()).collect();
    lib.sort();
    if lib != distinct {
        failures.push("library catalogue differs from testdata".into());
    }
    report("inconvenient.tsv", from_file.len(), failures);
}

// ---------------------------------------------------------------------------

#[derive(Deserialize)]
struct DeriveFile {
    case: Vec<DeriveCase>,
}

#[derive(Deserialize)]
struct DeriveCase {
    name: String,
    given: String,
    first: String,
    second: String,
    date: Option<String>,
    sex: Option<String>,
    state: Option<String>,
    letters: Option<String>,
    consonants: Option<String>,
    full: Option<String>,
    printed: Option<String>,
}

#[test]
fn derive_vectors() {
    let file: DeriveFile = toml::from_str(&data("derive.toml")).expect("derive.toml");
    let mut failures = Vec::new();
    let mut total = 0;
    for c in &file.case {
        if !selected(&c.name, &c.given) {
            continue;
        }
        total += 1;
        let p = PersonData {
            given_names: &c.given,
            first_surname: &c.first,
            second_surname: &c.second,
            birth_date: date(c.date.as_deref().unwrap_or("1990-01-01")),
            sex: sex(c.sex.as_deref().unwrap_or("H")),
            state: state(c.state.as_deref().unwrap_or("DF")),
        };
        let root = derive_root(&p);
        let r = root.as_str();
        let letters = &r[..4];
        let consonants = &r[13..16];
        let mut asserted = false;
        if let Some(want) = &c.letters {
            asserted = true;
            if letters != want {
                failures.push(format!("{}: letters {letters} != {want}", c.name));
            }
        }
        if let Some(want) = &c.consonants {
            asserted = true;
            if consonants != want {
                failures.push(format!("{}: consonants {consonants} != {want}", c.name));
            }
        }
        let probable = derive_probable(&p);
        if let Some(want) = &c.full {
            asserted = true;
            if probable.as_str() != want {
                failures.push(format!("{}: full {} != {want}", c.name, probable));
            }
        }
        if let Some(printed) = &c.printed {
            let ours = match printed.len() {
                4 => letters,
                3 => consonants,
                _ => probable.as_str(),
            };
            if ours == printed {
                failures.push(format!("{}: matches the disputed print {printed}", c.name));
            }
        }
        if !asserted {
            failures.push(format!("{}: asserts nothing", c.name));
        }
        // Every derived probable CURP parses with the default options.
        if let Err(e) = Curp::parse(probable.as_str(), &ParseOptions::default()) {
            failures.push(format!("{}: probable CURP rejected: {e}", c.name));
        }
    }
    report("derive.toml", total, failures);
}

// ---------------------------------------------------------------------------

#[derive(Deserialize)]
struct ClassifyFile {
    normalize: Vec<NormalizeCase>,
    classify: Vec<ClassifyCase>,
}

#[derive(Deserialize)]
struct NormalizeCase {
    input: String,
    value: String,
    changes: Vec<String>,
}

#[derive(Deserialize)]
struct ClassifyCase {
    input: String,
    status: String,
    today: Option<String>,
}

#[test]
fn normalize_and_classify_vectors() {
    let file: ClassifyFile = toml::from_str(&data("classify.toml")).expect("classify.toml");
    let mut failures = Vec::new();
    let mut total = 0;
    for c in &file.normalize {
        if !selected("", &c.input) {
            continue;
        }
        total += 1;
        let n = normalize_input(&c.input);
        let changes: Vec<&str> = n.changes.iter().map(|c| c.name()).collect();
        if n.value != c.value || changes != c.changes {
            failures.push(format!(
                "normalize {:?}: got {:?} {changes:?}, want {:?} {:?}",
                c.input, n.value, c.value, c.changes
            ));
        }
        let again = normalize_input(&n.value);
        if again.value != n.value || !again.changes.is_empty() {
            failures.push(format!("normalize {:?}: not idempotent", c.input));
        }
    }
    for c in &file.classify {
        if !selected("", &c.input) {
            continue;
        }
        total += 1;
        let opts = options(&c.today, None, None);
        let got = match classify(&c.input, &opts) {
            Status::Valid(_) => "valid".to_owned(),
            Status::Missing => "missing".to_owned(),
            Status::Placeholder(p) => format!("placeholder:{}", p.name()),
            Status::Invalid(e) => format!("invalid:{}", e.rule_names()),
            other => format!("unexpected {other:?}"),
        };
        if got != c.status {
            failures.push(format!("classify {:?}: {got} != {}", c.input, c.status));
        }
    }
    report("classify.toml", total, failures);
}

// ---------------------------------------------------------------------------

#[derive(Deserialize)]
struct ConsistencyFile {
    case: Vec<ConsistencyCase>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Expect {
    Word(String),
    Segments(Vec<String>),
}

#[derive(Deserialize)]
struct ConsistencyCase {
    name: String,
    curp: String,
    given: Option<String>,
    first: Option<String>,
    second: Option<String>,
    date: Option<String>,
    sex: Option<String>,
    state: Option<String>,
    expect: Expect,
}

#[test]
fn consistency_vectors() {
    let file: ConsistencyFile =
        toml::from_str(&data("consistency.toml")).expect("consistency.toml");
    let mut failures = Vec::new();
    let mut total = 0;
    for c in &file.case {
        if !selected(&c.name, &c.curp) {
            continue;
        }
        total += 1;
        let curp = match Curp::parse(&c.curp, &ParseOptions::default()) {
            Ok(curp) => curp,
            Err(e) => {
                failures.push(format!("{}: test CURP invalid: {e}", c.name));
                continue;
            }
        };
        let rec = RecordFields {
            given_names: c.given.as_deref(),
            first_surname: c.first.as_deref(),
            second_surname: c.second.as_deref(),
            birth_date: c.date.as_deref().map(date),
            sex: c.sex.as_deref().map(sex),
            state: c.state.as_deref().map(state),
        };
        let got = match consistency(&curp, &rec) {
            Consistency::NotChecked => "not_checked".to_owned(),
            Consistency::Ok => "ok".to_owned(),
            Consistency::Mismatch(segs) => {
                let labels: Vec<&str> = segs.iter().map(|s| s.label()).collect();
                labels.join(",")
            }
        };
        let want = match &c.expect {
            Expect::Word(w) => w.clone(),
            Expect::Segments(s) => s.join(","),
        };
        if got != want {
            failures.push(format!("{}: {got} != {want}", c.name));
        }
    }
    report("consistency.toml", total, failures);
}
