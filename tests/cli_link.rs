//! The linkage unit's commands and the demo, on the built binary.

use std::path::PathBuf;
use std::process::{Command, Output};

fn padron(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_padron"))
        .args(args)
        .output()
        .expect("the padron binary runs")
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("padron-cli-link-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn rows(path: &std::path::Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap();
    r.records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// synth → key → encode (each agency) → link and dedupe (linkage unit) → eval.
#[test]
fn protocol_end_to_end_on_synthetic_padrones() {
    let dir = tmp("protocol");
    let d = |f: &str| dir.join(f).to_string_lossy().into_owned();
    assert!(padron(&[
        "synth",
        "--out",
        &d("syn"),
        "--persons",
        "1500",
        "--seed",
        "7"
    ])
    .status
    .success());
    assert!(padron(&["key", "new", "-o", &d("k.key")]).status.success());
    for (csv, enc) in [
        ("syn/padron_1.csv", "a.penc"),
        ("syn/padron_2.csv", "b.penc"),
    ] {
        let out = padron(&["encode", &d(csv), "--key", &d("k.key"), "-o", &d(enc)]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // The linkage unit has no key: encodings files only.
    let out = padron(&[
        "link",
        &d("a.penc"),
        &d("b.penc"),
        "-o",
        &d("m.csv"),
        "--model",
        &d("model.json"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let m = rows(&dir.join("m.csv"));
    assert_eq!(
        m[0],
        [
            "record_id_a",
            "record_id_b",
            "weight",
            "probability",
            "evidence"
        ]
    );
    assert!(m.len() > 100, "overlapping padrones give matches");
    assert!(m[1..]
        .iter()
        .all(|r| r[0].starts_with("P1-") && r[1].starts_with("P2-")));
    assert!(std::fs::read_to_string(dir.join("model.json"))
        .unwrap()
        .contains("lambda"));

    let out = padron(&[
        "eval",
        "--truth",
        &d("syn/truth.csv"),
        "--matches",
        &d("m.csv"),
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f1 = report["pairs"]["f1"].as_f64().unwrap();
    assert!(f1 > 0.95, "linkage F1 {f1}");

    let out = padron(&["dedupe", &d("a.penc"), "-o", &d("c.csv")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let c = rows(&dir.join("c.csv"));
    assert_eq!(c[0], ["record_id", "cluster_id"]);
    let padron_rows = rows(&dir.join("syn/padron_1.csv")).len();
    assert_eq!(c.len(), padron_rows, "every record gets a cluster id");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn plaintext_needs_a_key_and_keys_must_agree() {
    let dir = tmp("refuse");
    let d = |f: &str| dir.join(f).to_string_lossy().into_owned();
    assert!(padron(&["synth", "--out", &d("syn"), "--persons", "200"])
        .status
        .success());
    let no_key = padron(&["link", &d("syn/padron_1.csv"), &d("syn/padron_2.csv")]);
    assert_eq!(no_key.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_key.stderr).contains("--key"));
    for k in ["k1.key", "k2.key"] {
        assert!(padron(&["key", "new", "-o", &d(k)]).status.success());
    }
    assert!(padron(&[
        "encode",
        &d("syn/padron_1.csv"),
        "--key",
        &d("k1.key"),
        "-o",
        &d("a.penc")
    ])
    .status
    .success());
    assert!(padron(&[
        "encode",
        &d("syn/padron_2.csv"),
        "--key",
        &d("k2.key"),
        "-o",
        &d("b.penc")
    ])
    .status
    .success());
    let mixed = padron(&["link", &d("a.penc"), &d("b.penc")]);
    assert_eq!(
        mixed.status.code(),
        Some(2),
        "files made under different keys are refused"
    );
    // Inside one agency, plaintext with a key links directly.
    let plain = padron(&[
        "link",
        &d("syn/padron_1.csv"),
        &d("syn/padron_2.csv"),
        "--key",
        &d("k1.key"),
        "-o",
        &d("m.csv"),
    ]);
    assert!(
        plain.status.success(),
        "{}",
        String::from_utf8_lossy(&plain.stderr)
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn demo_runs_on_built_in_defaults() {
    let out = padron(&["demo", "--persons", "1000", "--json"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("precision") && err.contains("pair completeness"),
        "{err}"
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["linkage"]["pairs"]["f1"].as_f64().unwrap() > 0.9);
    assert_eq!(report["dedupe"].as_array().unwrap().len(), 2);
}

/// Three holders into one cluster id per person (a PUB): `padron dedupe`
/// with several encodings files clusters across and within them.
#[test]
fn dedupe_of_three_holders_gives_one_cluster_id_per_person() {
    let dir = tmp("pub");
    let d = |f: &str| dir.join(f).to_string_lossy().into_owned();
    let out = padron(&[
        "synth",
        "--out",
        &d("syn"),
        "--persons",
        "1200",
        "--padrones",
        "3",
        "--seed",
        "4",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(padron(&["key", "new", "-o", &d("k.key")]).status.success());
    for k in 1..=3 {
        let out = padron(&[
            "encode",
            &d(&format!("syn/padron_{k}.csv")),
            "--key",
            &d("k.key"),
            "-o",
            &d(&format!("{k}.penc")),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = padron(&[
        "dedupe",
        &d("1.penc"),
        &d("2.penc"),
        &d("3.penc"),
        "-o",
        &d("pub.csv"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let c = rows(&dir.join("pub.csv"));
    assert_eq!(c[0], ["input", "record_id", "cluster_id"]);
    let records: usize = (1..=3)
        .map(|k| rows(&dir.join(format!("syn/padron_{k}.csv"))).len() - 1)
        .sum();
    assert_eq!(c.len() - 1, records, "every record of every input once");
    let inputs: std::collections::BTreeSet<&str> = c[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(inputs.len(), 3);
    let out = padron(&[
        "eval",
        "--truth",
        &d("syn/truth.csv"),
        "--clusters",
        &d("pub.csv"),
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f1 = report["clusters"]["pairwise"]["f1"].as_f64().unwrap();
    assert!(f1 > 0.95, "pairwise F1 over three holders {f1}");
}
