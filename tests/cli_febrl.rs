//! Registries that are not padrones: FEBRL-style files encoded by a schema
//! alone (Bloom filters, no keyed tokens) and linked on those filters.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn padron(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_padron"))
        .args(args)
        .output()
        .expect("the padron binary runs")
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("padron-cli-febrl-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn data(f: &str) -> String {
    format!("{}/testdata/febrl/{f}", env!("CARGO_MANIFEST_DIR"))
}

fn schema() -> String {
    format!("{}/schemas/febrl.toml", env!("CARGO_MANIFEST_DIR"))
}

fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn cells(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .unwrap();
    r.records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// The true pairs: `rec-N-org` in A with `rec-N-dup-0` in B.
fn truth() -> BTreeSet<(String, String)> {
    let b: BTreeSet<String> = cells(Path::new(&data("b.csv")))
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    cells(Path::new(&data("a.csv")))
        .into_iter()
        .filter_map(|r| {
            let dup = r[0].replace("-org", "-dup-0");
            b.contains(&dup).then(|| (r[0].clone(), dup))
        })
        .collect()
}

/// A fixed key, so that every run writes the same bytes (a fresh key would
/// make the scan below depend on chance).
fn write_fixed_key(path: &Path) {
    std::fs::write(path, format!("{}\n", "5a".repeat(32))).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
}

fn encode_both(dir: &Path) {
    let d = |f: &str| dir.join(f).to_string_lossy().into_owned();
    write_fixed_key(&dir.join("k.key"));
    for (csv, enc) in [("a.csv", "a.penc"), ("b.csv", "b.penc")] {
        let out = padron(&[
            "encode",
            &data(csv),
            "--key",
            &d("k.key"),
            "--schema",
            &schema(),
            "-o",
            &d(enc),
        ]);
        ok(&out);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("Bloom filters only"), "{err}");
    }
}

#[test]
fn febrl_files_link_on_filters_without_a_hand_set_threshold() {
    let dir = tmp("link");
    let d = |f: &str| dir.join(f).to_string_lossy().into_owned();
    encode_both(&dir);
    ok(&padron(&[
        "link",
        &d("a.penc"),
        &d("b.penc"),
        "-o",
        &d("m.csv"),
    ]));
    let found: BTreeSet<(String, String)> = cells(&dir.join("m.csv"))
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    let want = truth();
    assert_eq!(want.len(), 20);
    let tp = found.intersection(&want).count();
    // Every duplicate carries one to three edits; B's four extra people
    // match nobody.
    assert_eq!(
        found.len(),
        tp,
        "false matches: {:?}",
        found.difference(&want)
    );
    assert!(
        tp >= 19,
        "found {tp} of 20: missed {:?}",
        want.difference(&found)
    );
}

#[test]
fn febrl_encodings_hold_no_value_of_the_input() {
    let dir = tmp("leak");
    encode_both(&dir);
    let bytes = std::fs::read(dir.join("a.penc")).unwrap();
    // The header names the schema's columns and the key's public
    // fingerprint (random hex, which may hold any run of digits): blank
    // the fingerprint, and test values only.
    let enc = padron::encodings::EncodedPadron::read(&bytes[..]).unwrap();
    let fingerprint = enc.header().fingerprint().to_string().into_bytes();
    let mut text = bytes.to_ascii_lowercase();
    let at = text
        .windows(fingerprint.len())
        .position(|w| w == fingerprint.as_slice())
        .expect("the header holds the fingerprint");
    text[at..at + fingerprint.len()].fill(b'-');
    for row in cells(Path::new(&data("a.csv"))) {
        // Skip the id (it is the holder's own, written on purpose).
        for v in row.iter().skip(1).filter(|v| v.len() >= 4) {
            let needle = v.to_ascii_lowercase().into_bytes();
            assert!(
                !text.windows(needle.len()).any(|w| w == needle.as_slice()),
                "a cell value appears in the encodings"
            );
        }
    }
}

#[test]
fn a_schema_column_missing_from_the_file_is_named() {
    let dir = tmp("missing");
    let d = |f: &str| dir.join(f).to_string_lossy().into_owned();
    ok(&padron(&["key", "new", "-o", &d("k.key")]));
    std::fs::write(
        dir.join("short.csv"),
        "rec_id, given_name, surname\nr1, ana, smith\n",
    )
    .unwrap();
    let out = padron(&[
        "encode",
        &d("short.csv"),
        "--key",
        &d("k.key"),
        "--schema",
        &schema(),
        "-o",
        &d("x.penc"),
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("`street_number`"), "{err}");
}

/// Inside one agency, plaintext FEBRL-style files link with --key and
/// --schema, exactly as their encodings would.
#[test]
fn plaintext_febrl_files_link_with_key_and_schema() {
    let dir = tmp("plain");
    let d = |f: &str| dir.join(f).to_string_lossy().into_owned();
    write_fixed_key(&dir.join("k.key"));
    encode_both(&dir);
    ok(&padron(&[
        "link",
        &d("a.penc"),
        &d("b.penc"),
        "-o",
        &d("enc.csv"),
    ]));
    let out = padron(&[
        "link",
        &data("a.csv"),
        &data("b.csv"),
        "--key",
        &d("k.key"),
        "--schema",
        &schema(),
        "-o",
        &d("plain.csv"),
    ]);
    ok(&out);
    assert_eq!(
        std::fs::read(dir.join("plain.csv")).unwrap(),
        std::fs::read(dir.join("enc.csv")).unwrap(),
        "same key, same schema: same matches"
    );
    // --schema without --key is refused.
    let out = padron(&["link", &d("a.penc"), &d("b.penc"), "--schema", &schema()]);
    assert!(!out.status.success());
}
