//! Runs the built `padron` binary on the small padrones of `testdata/padron/`.

use std::path::PathBuf;
use std::process::{Command, Output};

fn padron(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_padron"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the padron binary runs")
}

fn data(name: &str) -> String {
    let p: PathBuf = [env!("CARGO_MANIFEST_DIR"), "testdata", "padron", name]
        .iter()
        .collect();
    p.to_string_lossy().into_owned()
}

/// Parses CSV output into rows of fields (header included).
fn csv_rows(out: &[u8]) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(out);
    r.records()
        .map(|rec| {
            rec.expect("valid CSV output")
                .iter()
                .map(str::to_string)
                .collect()
        })
        .collect()
}

fn by_id(rows: &[Vec<String>], id: &str) -> Vec<String> {
    rows.iter()
        .find(|r| r[0] == id)
        .unwrap_or_else(|| panic!("no row {id}"))
        .clone()
}

const TODAY: &str = "--today=2026-12-01";

#[test]
fn validate_reports_every_outcome() {
    let out = padron(&["curp", "validate", &data("basic.csv"), TODAY]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = csv_rows(&out.stdout);
    assert_eq!(
        rows[0],
        ["record_id", "curp", "status", "errors", "consistency"]
    );
    assert_eq!(rows.len(), 11, "one output row per input row");
    assert_eq!(by_id(&rows, "1")[2..], ["valid", "", "ok"]);
    // Lower case, hyphens and blanks are tolerated; the output shows the CURP as read.
    assert_eq!(
        by_id(&rows, "2")[1..],
        ["MOTR750314MPLRRS04", "valid", "", "ok"]
    );
    assert_eq!(by_id(&rows, "3")[2..], ["invalid", "check_digit", ""]);
    assert_eq!(by_id(&rows, "4")[2], "missing");
    assert_eq!(by_id(&rows, "5")[2], "placeholder");
    assert_eq!(by_id(&rows, "6")[2..], ["valid", "", "mismatch:5-10"]);
    assert_eq!(by_id(&rows, "7")[2], "missing");
    // Sex X is accepted by default; without names only date, sex and state are compared.
    assert_eq!(by_id(&rows, "8")[2..], ["valid", "", "ok"]);
    assert_eq!(by_id(&rows, "9")[2..], ["valid", "", "ok"]);
    let ten = by_id(&rows, "10");
    assert_eq!(ten[2], "invalid");
    assert!(ten[3].split(';').any(|r| r == "date"), "{ten:?}");

    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("10 rows read, 0 rejected"), "{err}");
    assert!(
        err.lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["valid", "5"]),
        "{err}"
    );
    assert!(
        err.lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["missing", "2"]),
        "{err}"
    );
}

#[test]
fn validate_strict_sex_rejects_x() {
    let out = padron(&["curp", "validate", &data("basic.csv"), TODAY, "--no-sex-x"]);
    assert!(out.status.success());
    let rows = csv_rows(&out.stdout);
    assert_eq!(by_id(&rows, "8")[2..4], ["invalid", "sex"]);
}

#[test]
fn validate_reads_windows_1252_with_semicolons_and_agency_headers() {
    let out = padron(&["curp", "validate", &data("cp1252_semicolon.csv"), TODAY]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = csv_rows(&out.stdout);
    assert_eq!(rows.len(), 4);
    assert_eq!(by_id(&rows, "A-1")[2..], ["valid", "", "ok"]);
    // INEGI numeric state 19 is Nuevo León (NL).
    assert_eq!(by_id(&rows, "A-2")[2..], ["valid", "", "ok"]);
    // MUÑOZ is not TREJO: position 3 and position 15 (Ñ gives X) disagree.
    assert_eq!(
        by_id(&rows, "A-3")[2..],
        ["valid", "", "mismatch:1-4;14-16"]
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("3 with cells decoded as Windows-1252"),
        "{err}"
    );
}

#[test]
fn validate_lists_broken_rows_and_keeps_the_rest() {
    let rejects = std::env::temp_dir().join(format!("padron-rejects-{}.csv", std::process::id()));
    let out = padron(&[
        "curp",
        "validate",
        &data("broken.csv"),
        TODAY,
        "--rejects",
        rejects.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = csv_rows(&out.stdout);
    let ids: Vec<_> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids, ["1", "3"]);
    let listed = csv_rows(&std::fs::read(&rejects).unwrap());
    std::fs::remove_file(&rejects).ok();
    assert_eq!(listed[0], ["row", "line", "column", "reason"]);
    let rows_reasons: Vec<_> = listed[1..]
        .iter()
        .map(|r| (r[0].as_str(), r[2].as_str()))
        .collect();
    assert_eq!(
        rows_reasons,
        [("2", ""), ("3", "record_id"), ("4", "record_id"), ("6", "")]
    );
    // Reasons never repeat a cell's value.
    for r in &listed[1..] {
        assert!(
            !r[3].contains("MOTR") && !r[3].contains("DUPLICADA"),
            "{r:?}"
        );
    }
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("2 rows read, 4 rejected, 1 blank"), "{err}");
}

#[test]
fn validate_without_rejects_file_names_them_on_stderr() {
    let out = padron(&["curp", "validate", &data("broken.csv"), TODAY]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("rejected row 2 (line 3)"), "{err}");
    assert!(err.contains("record_id repeats that of row 1"), "{err}");
}

#[test]
fn derive_builds_root_and_probable_curp() {
    let out = padron(&["curp", "derive", &data("basic.csv")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = csv_rows(&out.stdout);
    assert_eq!(rows[0], ["record_id", "curp_root", "curp_probable"]);
    assert_eq!(
        by_id(&rows, "1")[1..],
        ["MOTR750314MPLRRS", "MOTR750314MPLRRS04"]
    );
    assert_eq!(
        by_id(&rows, "2")[1..],
        ["MOTR750314MPLRRS", "MOTR750314MPLRRS04"]
    );
    assert_eq!(
        by_id(&rows, "9")[1..],
        ["GAXJ900215HNLRXL", "GAXJ900215HNLRXL08"]
    );
    // Row 8 has no name: nothing derived, the row is still there.
    assert_eq!(by_id(&rows, "8")[1..], ["", ""]);
}

#[test]
fn check_decodes_and_names_failing_rules() {
    let args = [
        "curp",
        "check",
        "MOTR750314MPLRRS04",
        "MOTR750314MPLRRS09",
        "SABC560626MDFLRN01",
        TODAY,
    ];
    let out = padron(&args);
    assert!(out.status.success(), "check reports; it does not fail");
    let strict = padron(&[&args[..], &["--fail-on-invalid"]].concat());
    assert_eq!(strict.status.code(), Some(1), "unless asked to");
    let one_valid = padron(&["curp", "check", "MOTR750314MPLRRS04", "--fail-on-invalid"]);
    assert_eq!(one_valid.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("MOTR750314MPLRRS04\tvalid"));
    let decoded = lines.next().unwrap();
    assert!(
        decoded.contains("born 1975-03-14") && decoded.contains("state PL"),
        "{decoded}"
    );
    let bad = lines.next().unwrap();
    assert!(
        bad.starts_with("MOTR750314MPLRRS09\tinvalid") && bad.contains("check_digit"),
        "{bad}"
    );
    // The official illustrative example is a filler when it turns up in a padrón.
    assert!(lines
        .next()
        .unwrap()
        .starts_with("SABC560626MDFLRN01\tplaceholder"));
}

#[test]
fn usage_and_io_errors_exit_2() {
    assert_eq!(
        padron(&["curp", "validate", "no/such/file.csv"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(padron(&["curp", "frobnicate"]).status.code(), Some(2));
    let out = padron(&["curp", "validate", &data("basic.csv"), "--col", "nombres=X"]);
    assert_eq!(out.status.code(), Some(2));
}
