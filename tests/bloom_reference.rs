//! A naive reference encoder written from docs/encodings.md §1 (no tables,
//! no scratch buffers, bit by bit), checked against `bloom::Encoder` on the
//! built-in schemas. Supports what the built-in schemas use: salts, folds.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use padron::bloom::{normalize_value, Encoder, SaltPart, Schema};
use padron::pseudo::Key;

fn root(key: &[u8; 32]) -> [u8; 32] {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap();
    m.update(b"padron 2026-12 blake3 root v1\x01");
    m.finalize().into_bytes().into()
}

fn enc(y: &[u8]) -> Vec<u8> {
    let mut v = (y.len() as u32).to_be_bytes().to_vec();
    v.extend_from_slice(y);
    v
}

fn grams(v: &str, q: usize, pad: bool) -> Vec<String> {
    let mut c: Vec<char> = Vec::new();
    let p = if pad { q - 1 } else { 0 };
    c.extend(std::iter::repeat_n(' ', p));
    c.extend(v.chars());
    c.extend(std::iter::repeat_n(' ', p));
    let mut g: Vec<String> = if c.len() < q {
        vec![c.iter().collect()]
    } else {
        (0..=c.len() - q)
            .map(|i| c[i..i + q].iter().collect())
            .collect()
    };
    g.sort();
    g.dedup();
    g
}

fn set_positions(key: &[u8; 32], salt: &str, gram: &str, k: usize, bits: &mut [bool]) {
    let l = bits.len() as u32;
    let mut input = enc(salt.as_bytes());
    input.extend(enc(gram.as_bytes()));
    let mut xof = blake3::Hasher::new_keyed(key).update(&input).finalize_xof();
    let mut got = 0;
    while got < k {
        let mut w = [0u8; 2];
        xof.fill(&mut w);
        let w = u32::from(u16::from_le_bytes(w));
        if w < 65536 - 65536 % l {
            bits[(w % l) as usize] = true;
            got += 1;
        }
    }
}

fn fold(bits: Vec<bool>) -> Vec<bool> {
    let h = bits.len() / 2;
    (0..h).map(|i| bits[i] ^ bits[i + h]).collect()
}

fn words(bits: &[bool]) -> Vec<u64> {
    bits.chunks(64)
        .map(|c| {
            c.iter()
                .enumerate()
                .fold(0u64, |w, (i, &b)| w | (u64::from(b) << i))
        })
        .collect()
}

fn reference(key: &[u8; 32], schema: &Schema, row: &[Option<&str>]) -> Vec<u64> {
    let r = root(key);
    let vals: Vec<Option<String>> = schema
        .fields
        .iter()
        .zip(row)
        .map(|(f, c)| c.and_then(|c| normalize_value(f.kind, c).ok().flatten()))
        .collect();
    let salt_of = |s: &Option<padron::bloom::Salt>| -> Option<String> {
        match s {
            None => Some(String::new()),
            Some(s) => {
                let v = vals[schema.field_index(&s.column).unwrap()].clone()?;
                Some(match s.part {
                    SaltPart::Year => v[..4].to_string(),
                    _ => v,
                })
            }
        }
    };
    assert!(schema.record.hardening.salt.is_none());
    let mut record = vec![false; schema.record.bits as usize];
    let mut field_words = Vec::new();
    for (f, v) in schema.fields.iter().zip(&vals) {
        let q = usize::from(f.q());
        let g = v.as_deref().map(|v| grams(v, q, f.pad)).unwrap_or_default();
        let k = |budget: u32| ((budget as f64 / g.len() as f64) + 0.5).floor().max(1.0) as usize;
        if f.record_bits > 0 && v.is_some() {
            let key = blake3::derive_key(
                &format!(
                    "padron 2026-12 bloom positions v1 filter=record group={}",
                    f.group()
                ),
                &r,
            );
            for x in &g {
                set_positions(&key, "", x, k(f.record_bits), &mut record);
            }
        }
        if let Some(ff) = &f.filter {
            let key = blake3::derive_key(
                &format!(
                    "padron 2026-12 bloom positions v1 filter=field group={}",
                    f.group()
                ),
                &r,
            );
            let mut bits = vec![false; ff.bits as usize];
            if let (Some(_), Some(salt)) = (v, salt_of(&ff.hardening.salt)) {
                for x in &g {
                    set_positions(&key, &salt, x, k(ff.budget), &mut bits);
                }
            }
            for _ in 0..ff.hardening.fold {
                bits = fold(bits);
            }
            field_words.extend(words(&bits));
        }
    }
    for _ in 0..schema.record.hardening.fold {
        record = fold(record);
    }
    let mut out = words(&record);
    out.extend(field_words);
    out
}

#[test]
fn encoder_matches_reference_on_padron_schema() {
    let key = [0x21u8; 32];
    let e = Encoder::new(&Key::from_bytes(key), Schema::padron()).unwrap();
    let rows: &[[Option<&str>; 6]] = &[
        [
            Some("MARIA GUADALUPE"),
            Some("HERNANDEZ"),
            Some("GARCIA"),
            Some("1985-03-12"),
            Some("M"),
            Some("DF"),
        ],
        [
            Some("ANA"),
            Some("DE LA CRUZ"),
            None,
            Some("12/03/1985"),
            Some("mujer"),
            Some("09"),
        ],
        [
            Some("JOSÉ"),
            Some("NUÑEZ"),
            Some("O'BRIEN"),
            None,
            Some("H"),
            None,
        ],
        [
            Some("X"),
            Some("Y"),
            Some("Z"),
            Some("2000-02-29"),
            Some("X"),
            Some("NE"),
        ],
    ];
    let mut cache = e.new_cache();
    for row in rows.iter().chain(rows) {
        let want = reference(&key, e.schema(), row);
        let (got, _) = e.encode(row).unwrap();
        assert_eq!(got, want, "{row:?}");
        let mut cached = vec![0u64; want.len()];
        e.encode_with(&mut cache, row, &mut cached).unwrap();
        assert_eq!(cached, want, "cached {row:?}");
    }
}

#[test]
fn encoder_matches_reference_on_febrl_schema() {
    let key = [0x42u8; 32];
    let e = Encoder::new(&Key::from_bytes(key), Schema::febrl()).unwrap();
    let row = [
        "james",
        "smith",
        "12",
        "main street",
        "unit 4",
        "springfield",
        "2615",
        "nsw",
        "19560412",
        "1234567",
    ]
    .map(Some);
    let (got, _) = e.encode(&row).unwrap();
    assert_eq!(got, reference(&key, e.schema(), &row));
}
