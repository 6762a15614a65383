//! Published test vectors: `testdata/vectors/tokens.json` must equal what
//! this build computes (regenerate with `PADRON_BLESS=1 cargo test --test
//! vectors`, then review the diff), RFC 4231 checks our use of the `hmac`
//! crate, and `scripts/verify_tokens.py` recomputes the HMAC vectors with
//! Python's standard library when `python3` is installed.

use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use std::path::PathBuf;
use std::process::Command;

use padron::bloom::{Encoder, Schema};
use padron::encodings::base64;
use padron::pseudo::{
    default_rules, Algorithm, Key, TokenField, TokenInput, Tokenizer, CONTEXT_PREFIX,
};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn hmac(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap();
    for p in parts {
        m.update(p);
    }
    m.finalize().into_bytes().to_vec()
}

const KEYS: [&str; 2] = [
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
    "c6a1f0e2d3b4958677685a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f",
];

/// Inputs as (field, canonical value) pairs; fields not listed are missing.
fn inputs() -> Vec<(&'static str, Vec<(TokenField, &'static str)>)> {
    use TokenField as F;
    let full = vec![
        (F::Curp, "HEGM850312MDFRRR09"),
        (F::CurpRoot, "HEGM850312MDFRRR"),
        (F::GivenMatch, "MARIA GUADALUPE"),
        (F::PaternalMatch, "HERNANDEZ"),
        (F::MaternalMatch, "GARCIA"),
        (F::GivenMxf1, "MARIA GUADALUPE"),
        (F::PaternalMxf1, "ERNANDES"),
        (F::MaternalMxf1, "GARSIA"),
        (F::BirthDate, "1985-03-12"),
        (F::Sex, "M"),
        (F::State, "DF"),
    ];
    let swapped: Vec<_> = full
        .iter()
        .map(|&(f, v)| match f {
            F::PaternalMatch => (f, "GARCIA"),
            F::MaternalMatch => (f, "HERNANDEZ"),
            F::PaternalMxf1 => (f, "GARSIA"),
            F::MaternalMxf1 => (f, "ERNANDES"),
            _ => (f, v),
        })
        .collect();
    vec![
        ("all fields", full),
        (
            "surnames swapped: surnames_unordered_dob equals the first case",
            swapped,
        ),
        (
            "no CURP (invalid or placeholder CURPs are passed as missing), no maternal surname",
            vec![
                (F::GivenMatch, "JOSE LUIS"),
                (F::PaternalMatch, "NUNEZ"),
                (F::GivenMxf1, "JOSE LUIS"),
                (F::PaternalMxf1, "NUNES"),
                (F::BirthDate, "1972-11-02"),
                (F::Sex, "H"),
            ],
        ),
        (
            "compound surname and an unknown-letter placeholder",
            vec![
                (F::GivenMatch, "MA*IA DEL CARMEN"),
                (F::PaternalMatch, "DE LA CRUZ"),
                (F::MaternalMatch, "MONTES DE OCA"),
                (F::BirthDate, "2000-02-29"),
                (F::Sex, "M"),
            ],
        ),
        (
            "CURP only",
            vec![
                (F::Curp, "PESA010730MNLRNNA1"),
                (F::CurpRoot, "PESA010730MNLRNN"),
            ],
        ),
        ("nothing", vec![]),
    ]
}

fn generate() -> Value {
    let rules = default_rules();
    let mut keys = Vec::new();
    for kh in KEYS {
        let kb = unhex(kh);
        let key = Key::from_hex(kh).unwrap();
        let b3root = hmac(
            &kb,
            &[format!("{CONTEXT_PREFIX} blake3 root v1").as_bytes(), &[1]],
        );
        let hmac_sub: Vec<Value> = rules
            .iter()
            .map(|r| {
                let info = format!("{CONTEXT_PREFIX} token hmac-sha256 v1 rule={}", r.name());
                json!(hex(&hmac(&kb, &[info.as_bytes(), &[1]])))
            })
            .collect();
        let b3_sub: Vec<Value> = rules
            .iter()
            .map(|r| {
                let ctx = format!("{CONTEXT_PREFIX} token blake3 v1 rule={}", r.name());
                json!(hex(&blake3::derive_key(&ctx, &b3root)))
            })
            .collect();
        let th = Tokenizer::new(&key, Algorithm::HmacSha256, rules.clone()).unwrap();
        let tb = Tokenizer::new(&key, Algorithm::Blake3, rules.clone()).unwrap();
        let cases: Vec<Value> = inputs()
            .iter()
            .map(|(_, fields)| {
                let mut t = TokenInput::new();
                for (f, v) in fields {
                    t.set(*f, v).unwrap();
                }
                let tok = |x: &Tokenizer| -> Vec<Value> {
                    x.tokens(&t)
                        .iter()
                        .map(|o| o.map_or(Value::Null, |t| json!(t.to_hex())))
                        .collect()
                };
                json!({ "hmac-sha256": tok(&th), "blake3": tok(&tb) })
            })
            .collect();
        keys.push(json!({
            "key": kh,
            "fingerprint": key.fingerprint().to_string(),
            "blake3_root": hex(&b3root),
            "hmac_sha256_subkeys": hmac_sub,
            "blake3_subkeys": b3_sub,
            "tokens": cases,
        }));
    }
    let inputs: Vec<Value> = inputs()
        .iter()
        .map(|(what, fields)| {
            let mut t = TokenInput::new();
            let mut obj = serde_json::Map::new();
            for (f, v) in fields {
                t.set(*f, v).unwrap();
                obj.insert(f.name().to_string(), json!(v));
            }
            let messages: Vec<Value> = rules
                .iter()
                .map(|r| r.message(&t).map_or(Value::Null, |m| json!(hex(&m))))
                .collect();
            json!({ "description": what, "fields": obj, "messages": messages })
        })
        .collect();
    json!({
        "_comment": "padron token test vectors (docs/tokens.md). Generated by tests/vectors.rs (PADRON_BLESS=1 cargo test --test vectors); the test fails when this file is stale. Arrays under messages, *_subkeys and tokens follow the order of `rules`. null = no token (a field of the rule is missing). Test keys only: never use them for data.",
        "context_prefix": CONTEXT_PREFIX,
        "rules": rules.iter().map(|r| r.signature()).collect::<Vec<_>>(),
        "inputs": inputs,
        "keys": keys,
    })
}

#[test]
fn token_vectors_are_current() {
    let path = root().join("testdata/vectors/tokens.json");
    let want = serde_json::to_string_pretty(&generate()).unwrap() + "\n";
    if std::env::var_os("PADRON_BLESS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "{} is stale: regenerate with PADRON_BLESS=1 cargo test --test vectors and review the diff",
        path.display()
    );
}

fn generate_bloom() -> Value {
    let kh = KEYS[0];
    let key = Key::from_hex(kh).unwrap();
    let rows: [[&str; 6]; 3] = [
        [
            "MARIA GUADALUPE",
            "HERNANDEZ",
            "GARCIA",
            "1985-03-12",
            "M",
            "DF",
        ],
        [
            "MARIA GUADALUPE",
            "GARCIA",
            "HERNANDEZ",
            "1985-03-12",
            "M",
            "DF",
        ],
        ["JOSE LUIS", "NUNEZ", "", "1972-11-02", "H", "JC"],
    ];
    let mut out = Vec::new();
    {
        let schema = Schema::padron();
        let e = Encoder::new(&key, schema.clone()).unwrap();
        let l = e.layout();
        let cases: Vec<Value> = rows
            .iter()
            .map(|r| {
                let row: Vec<Option<&str>> = r.iter().map(|v| Some(*v)).collect();
                let (w, _) = e.encode(&row).unwrap();
                let b64 = |o: usize, n: usize| {
                    let bytes: Vec<u8> = w[o..o + n].iter().flat_map(|x| x.to_le_bytes()).collect();
                    base64::encode(&bytes)
                };
                let mut filters = serde_json::Map::new();
                filters.insert("record".into(), json!(b64(l.record.offset, l.record.words)));
                for f in &l.fields {
                    if f.slot.words > 0 {
                        filters.insert(f.column.clone(), json!(b64(f.slot.offset, f.slot.words)));
                    }
                }
                let cols: serde_json::Map<String, Value> = schema
                    .fields
                    .iter()
                    .zip(r)
                    .map(|(f, v)| (f.column.clone(), json!(v)))
                    .collect();
                json!({ "row": cols, "filters": filters })
            })
            .collect();
        out.push(json!({ "schema": schema.name, "cases": cases }));
    }
    json!({
        "_comment": "padron Bloom-filter test vectors (docs/encodings.md section 1): filters as standard base64 of little-endian u64 words, after hardening. Generated by tests/vectors.rs (PADRON_BLESS=1 cargo test --test vectors); the test fails when stale. The second row swaps the surnames of the first: its record filter is identical and its surname filters are exchanged. Test key only.",
        "key": kh,
        "schemas": out,
    })
}

#[test]
fn bloom_vectors_are_current() {
    let path = root().join("testdata/vectors/bloom.json");
    let want = serde_json::to_string_pretty(&generate_bloom()).unwrap() + "\n";
    if std::env::var_os("PADRON_BLESS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "{} is stale: regenerate with PADRON_BLESS=1",
        path.display()
    );
    let v = generate_bloom();
    let c = &v["schemas"][0]["cases"];
    assert_eq!(c[0]["filters"]["record"], c[1]["filters"]["record"]);
    assert_eq!(
        c[0]["filters"]["primer_apellido"],
        c[1]["filters"]["segundo_apellido"]
    );
    assert_eq!(
        c[2]["filters"]["segundo_apellido"],
        json!(base64::encode(&[0u8; 32]))
    );
}

#[test]
fn vectors_show_the_documented_properties() {
    let v = generate();
    for k in v["keys"].as_array().unwrap() {
        let t = k["tokens"].as_array().unwrap();
        let rules: Vec<&str> = v["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        let i = rules
            .iter()
            .position(|r| r.starts_with("surnames_unordered_dob("))
            .unwrap();
        let j = rules
            .iter()
            .position(|r| r.starts_with("name_dob("))
            .unwrap();
        for alg in ["hmac-sha256", "blake3"] {
            assert_eq!(t[0][alg][i], t[1][alg][i]);
            assert_ne!(t[0][alg][j], t[1][alg][j]);
            assert!(t[5][alg].as_array().unwrap().iter().all(Value::is_null));
            assert!(t[2][alg][0].is_null(), "no CURP token without a CURP");
        }
    }
}

#[test]
fn rfc4231_hmac_sha256() {
    let text = std::fs::read_to_string(root().join("testdata/vectors/rfc4231.json")).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let cases = v["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 7);
    for c in cases {
        let key = unhex(c["key"].as_str().unwrap());
        let data = unhex(c["data"].as_str().unwrap());
        let mac = hex(&hmac(&key, &[&data]));
        let (want, got) = match c.get("hmac_sha256") {
            Some(w) => (w.as_str().unwrap(), &mac[..]),
            None => (c["hmac_sha256_128"].as_str().unwrap(), &mac[..32]),
        };
        assert_eq!(got, want, "RFC 4231 case {}", c["case"]);
    }
}

#[test]
fn python_standard_library_reproduces_hmac_vectors() {
    let python = ["python3", "python"].into_iter().find(|p| {
        Command::new(p)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    let Some(python) = python else {
        eprintln!("python3 not found: skipping scripts/verify_tokens.py (CI runs it)");
        return;
    };
    let out = Command::new(python)
        .arg(root().join("scripts/verify_tokens.py"))
        .arg(root().join("testdata/vectors"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "verify_tokens.py failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
