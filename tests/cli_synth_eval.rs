//! Runs the built binary: `padron synth` then `padron eval` on its output.

use std::path::PathBuf;
use std::process::Command;

fn padron(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_padron"))
        .args(args)
        .output()
        .expect("the padron binary runs")
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("padron-cli-synth-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

#[test]
fn synth_writes_reproducible_files_and_eval_scores_them() {
    let a = tmp("a");
    let b = tmp("b");
    for dir in [&a, &b] {
        let out = padron(&[
            "synth",
            "--persons",
            "400",
            "--seed",
            "9",
            "--overlap",
            "0.5",
            "--dup-rate",
            "0.1",
            "--rate",
            "keyboard_typo=0.2",
            "--out",
            dir.to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for f in [
        "padron_1.csv",
        "padron_2.csv",
        "truth.csv",
        "corruptions.csv",
        "config.toml",
    ] {
        let x = std::fs::read(a.join(f)).unwrap();
        assert_eq!(
            x,
            std::fs::read(b.join(f)).unwrap(),
            "{f} differs between runs"
        );
    }
    let config = std::fs::read_to_string(a.join("config.toml")).unwrap();
    assert!(config.contains("keyboard_typo = 0.2"));
    assert!(config.contains("persons = 400"));

    // Matches = every true cross-padrón pair from the truth file: perfect.
    let truth = std::fs::read_to_string(a.join("truth.csv")).unwrap();
    let rows: Vec<Vec<&str>> = truth
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let mut matches = String::from("record_id_a,record_id_b\n");
    let mut n = 0;
    for (i, x) in rows.iter().enumerate() {
        for y in &rows[i + 1..] {
            if x[2] == y[2] && x[1] != y[1] {
                matches.push_str(&format!("{},{}\n", x[0], y[0]));
                n += 1;
            }
        }
    }
    assert!(n > 100, "{n} cross pairs");
    let m = a.join("matches.csv");
    std::fs::write(&m, matches).unwrap();
    let out = padron(&[
        "eval",
        "--truth",
        a.join("truth.csv").to_str().unwrap(),
        "--matches",
        m.to_str().unwrap(),
        "--corruptions",
        a.join("corruptions.csv").to_str().unwrap(),
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["pairs"]["true_positives"], n);
    assert_eq!(v["pairs"]["false_negatives"], 0);
    assert_eq!(v["pairs"]["precision"], 1.0);
    assert_eq!(v["true_pairs"], n);
    let tags = v["recall_by_tag"].as_array().unwrap();
    assert!(tags
        .iter()
        .any(|t| t["tag"] == "keyboard_typo" && t["recall"] == 1.0));

    // The table form, with --dedupe: same records, more pairs in scope.
    let out = padron(&[
        "eval",
        "--truth",
        a.join("truth.csv").to_str().unwrap(),
        "--matches",
        m.to_str().unwrap(),
        "--dedupe",
        "--candidates",
        m.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("dedupe (all pairs)"));
    assert!(text.contains("B-cubed"));
    assert!(text.contains("pair completeness"));
    let _ = std::fs::remove_dir_all(&a);
    let _ = std::fs::remove_dir_all(&b);
}

#[test]
fn synth_rejects_bad_flags_without_writing() {
    let d = tmp("bad");
    let out = padron(&[
        "synth",
        "--persons",
        "10",
        "--overlap",
        "1.5",
        "--out",
        d.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("overlap must be between 0 and 1"));
    assert!(!d.exists());
    let out = padron(&["synth", "--rate", "nope=0.1", "--out", d.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown rate nope"));
}

#[test]
fn synth_reads_a_toml_config() {
    let d = tmp("cfg");
    std::fs::create_dir_all(&d).unwrap();
    let cfg = d.join("c.toml");
    std::fs::write(
        &cfg,
        "persons = 50\npadrones = 3\n[corruption]\ncurp_missing = 1.0\ncurp_placeholder = 0.0\n[[styles]]\nprogram = \"S176\"\n",
    )
    .unwrap();
    let out_dir = d.join("out");
    let out = padron(&[
        "synth",
        "--config",
        cfg.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let p1 = std::fs::read_to_string(out_dir.join("padron_1.csv")).unwrap();
    assert!(out_dir.join("padron_3.csv").exists());
    let mut r = csv::Reader::from_reader(p1.as_bytes());
    for rec in r.records() {
        let rec = rec.unwrap();
        assert_eq!(&rec[1], "", "curp_missing = 1 empties every CURP");
        assert_eq!(&rec[11], "S176");
    }
    let _ = std::fs::remove_dir_all(&d);
}

/// `eval --clusters` scores what `padron dedupe` writes, and `--padron`
/// narrows a several-padrón truth to the one deduplicated. Worked by hand:
/// padrón 1 holds persons p (3 records) and q (2); the clusters join the
/// three p records and wrongly put one q with them, leaving the other q
/// alone. Declared pairs: C(4,2) = 6, of which 3 are p-p (true), 3 p-q
/// (false); true pairs: 3 (p) + 1 (q) = 4.
#[test]
fn eval_scores_a_clusters_file_of_one_padron() {
    let d = tmp("clusters");
    std::fs::create_dir_all(&d).unwrap();
    let truth = d.join("truth.csv");
    std::fs::write(
        &truth,
        "record_id,padron,person_id\n\
         a1,1,p\na2,1,p\na3,1,p\na4,1,q\na5,1,q\nb1,2,p\nb2,2,q\n",
    )
    .unwrap();
    let clusters = d.join("clusters.csv");
    std::fs::write(
        &clusters,
        "record_id,cluster_id\na1,0\na2,0\na3,0\na4,0\na5,1\n",
    )
    .unwrap();
    let out = padron(&[
        "eval",
        "--truth",
        truth.to_str().unwrap(),
        "--clusters",
        clusters.to_str().unwrap(),
        "--padron",
        "1",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["records"], 5);
    assert_eq!(v["true_pairs"], 4);
    assert_eq!(v["pairs"]["true_positives"], 3);
    assert_eq!(v["pairs"]["false_positives"], 3);
    assert_eq!(v["pairs"]["false_negatives"], 1);
    assert!(v["clusters"].is_object(), "--clusters implies --dedupe");
    // Without --padron, padrón 2's records count as missed pairs too: p has
    // 4 records (6 pairs), q 3 (3 pairs).
    let all = padron(&[
        "eval",
        "--truth",
        truth.to_str().unwrap(),
        "--clusters",
        clusters.to_str().unwrap(),
        "--json",
    ]);
    let w: serde_json::Value = serde_json::from_slice(&all.stdout).unwrap();
    assert_eq!(w["true_pairs"], 9);
    // --matches and --clusters exclude each other.
    let both = padron(&[
        "eval",
        "--truth",
        truth.to_str().unwrap(),
        "--clusters",
        clusters.to_str().unwrap(),
        "--matches",
        clusters.to_str().unwrap(),
    ]);
    assert!(!both.status.success());
}
