//! `padron key new` + `padron encode` on a small padrón: what leaves an agency.

use padron::encodings::EncodedPadron;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn padron(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_padron"))
        .args(args)
        .output()
        .expect("the padron binary runs")
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("padron-cli-encode-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn data(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/padron")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

#[test]
fn encodes_every_row_and_leaks_no_plaintext() {
    let dir = tmp("leak");
    let key = dir.join("k.key");
    let out = dir.join("a.penc");
    let made = padron(&["key", "new", "-o", key.to_str().unwrap()]);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let fingerprint = String::from_utf8_lossy(&made.stdout).trim().to_string();
    let run = padron(&[
        "encode",
        &data("basic.csv"),
        "--key",
        key.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{err}");
    assert!(err.contains("10 records written"), "{err}");
    assert!(
        err.contains(&fingerprint),
        "the summary names the key by its public fingerprint: {err}"
    );

    let bytes = std::fs::read(&out).unwrap();
    let enc = EncodedPadron::read(&bytes[..]).unwrap();
    assert_eq!(enc.len(), 10);
    assert_eq!(enc.ids()[0], "1");
    assert_eq!(enc.header().fingerprint().to_string(), fingerprint);
    // No CURP, name, date or 4-letter piece of a name appears in the file.
    let key_hex = std::fs::read_to_string(&key).unwrap();
    let text = String::from_utf8_lossy(&bytes).to_uppercase();
    for needle in [
        "MOTR750314",
        "MORALES",
        "TREJO",
        "ROSA",
        "ELENA",
        "PEREZ",
        "1975-03-14",
        "14/03/1975",
        "MORA",
        "LUIS",
    ] {
        assert!(
            !text.contains(needle),
            "{needle} leaked into the encodings file"
        );
    }
    assert!(
        !text.contains(&key_hex.trim().to_uppercase()),
        "the key leaked"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn missing_key_is_a_usage_error() {
    let dir = tmp("nokey");
    let out = dir.join("a.penc");
    let run = padron(&[
        "encode",
        &data("basic.csv"),
        "--key",
        "no/such.key",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).ok();
}
