//! Encodings file: round trips, corruption, compatibility, CSV export and
//! the "nothing personal or secret in the output" promise.

use padron::bloom::{Encoder, Schema};
use padron::encodings::{base64, export_csv, EncodedPadron, Error, Header, Reader, Record, Writer};
use padron::pseudo::{default_rules, Algorithm, Key, TokenField, TokenInput, Tokenizer};

/// (id, curp, given, paternal, maternal, date, sex, state)
const PEOPLE: &[[&str; 8]] = &[
    [
        "A-001",
        "HEGM850312MDFRRR09",
        "MARIA GUADALUPE",
        "HERNANDEZ",
        "GARCIA",
        "1985-03-12",
        "M",
        "DF",
    ],
    [
        "A-002",
        "",
        "JOSE LUIS",
        "MARTINEZ",
        "LOPEZ",
        "1972-11-02",
        "H",
        "JC",
    ],
    [
        "A-003",
        "PESA010730MNLRNNA1",
        "ANA",
        "PEREZ",
        "",
        "2001-07-30",
        "M",
        "NL",
    ],
    [
        "A-004",
        "",
        "JUAN CARLOS",
        "NUNEZ",
        "CRUZ",
        "1990-01-15",
        "H",
        "PL",
    ],
];

const KEY_BYTES: [u8; 32] = [
    0x3c, 0x91, 0x5e, 0x07, 0xa2, 0x44, 0xd8, 0x1b, 0x6f, 0xc0, 0x29, 0x83, 0x5a, 0xee, 0x12, 0x77,
    0x98, 0x0d, 0xb5, 0x4a, 0x31, 0xf6, 0x6c, 0x2e, 0x85, 0xda, 0x19, 0x40, 0xbb, 0x63, 0x0f, 0xc8,
];

fn key() -> Key {
    Key::from_bytes(KEY_BYTES)
}

fn encode_all(key: &Key, record_count: Option<u64>) -> (EncodedPadron, Vec<u8>) {
    let tok = Tokenizer::new(key, Algorithm::HmacSha256, default_rules()).unwrap();
    let enc = Encoder::new(key, Schema::padron()).unwrap();
    let header = Header::new(key, &tok, &enc, record_count);
    let mut mem = EncodedPadron::new(header.clone());
    let mut w = Writer::new(Vec::new(), header).unwrap();
    for p in PEOPLE {
        let mut t = TokenInput::new();
        if !p[1].is_empty() {
            t.set_curp(p[1]).unwrap();
        }
        t.set(TokenField::GivenMatch, p[2]).unwrap();
        t.set(TokenField::PaternalMatch, p[3]).unwrap();
        t.set(TokenField::MaternalMatch, p[4]).unwrap();
        t.set(TokenField::BirthDate, p[5]).unwrap();
        t.set(TokenField::Sex, p[6]).unwrap();
        let tokens = tok.tokens(&t);
        let row: Vec<Option<&str>> = p[2..].iter().map(|v| Some(*v)).collect();
        let (filters, _) = enc.encode(&row).unwrap();
        w.write_record(p[0], &tokens, &filters).unwrap();
        mem.push(p[0], &tokens, &filters).unwrap();
    }
    (mem, w.finish().unwrap())
}

#[test]
fn round_trip_streamed_and_columnar() {
    let (mem, bytes) = encode_all(&key(), Some(PEOPLE.len() as u64));
    let back = EncodedPadron::read(&bytes[..]).unwrap();
    assert_eq!(back.len(), PEOPLE.len());
    assert_eq!(back.ids(), mem.ids());
    for i in 0..back.len() {
        for r in 0..back.rules() {
            assert_eq!(back.token(i, r), mem.token(i, r));
        }
        assert_eq!(back.record_words(i), mem.record_words(i));
    }
    // Writing the columnar form gives the same bytes.
    assert_eq!(back.write(Vec::new()).unwrap(), bytes);
    // The streaming iterator sees the same records.
    let recs: Vec<Record> = Reader::new(&bytes[..])
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(recs.len(), PEOPLE.len());
    assert_eq!(recs[2].id, "A-003");
    // No CURP for: no CURP tokens.
    let curp = back.header().rule_index("curp").unwrap();
    assert!(back.token(1, curp).is_none() && back.token(0, curp).is_some());
    // Accessors: slices at the layout's offsets, empty when out of range.
    let layout = back.header().layout().clone();
    assert_eq!(back.record_filter(0).len(), layout.record.words);
    assert_eq!(back.field_filter(0, 1).len(), 4);
    assert_eq!(back.field_filter(0, 4), &[] as &[u64]);
    assert_eq!(back.field_filter(99, 0), &[] as &[u64]);
    assert_eq!(back.token(99, 0), None);
    assert_eq!(back.token(0, 99), None);
    // A-003 has no maternal surname: its maternal filter is empty.
    assert!(back.field_filter(2, 2).iter().all(|w| *w == 0));
}

#[test]
fn same_key_same_bytes_other_key_no_shared_token() {
    let (a, bytes_a) = encode_all(&key(), None);
    let (_, bytes_a2) = encode_all(&key(), None);
    assert_eq!(bytes_a, bytes_a2);
    let (b, _) = encode_all(&Key::from_bytes([0x55; 32]), None);
    for i in 0..a.len() {
        for j in 0..b.len() {
            for r in 0..a.rules() {
                if let (Some(x), Some(y)) = (a.token(i, r), b.token(j, r)) {
                    assert_ne!(x, y);
                }
            }
        }
    }
    assert!(matches!(
        a.header().check_comparable(b.header()),
        Err(Error::FingerprintMismatch)
    ));
    assert!(a.header().check_comparable(a.header()).is_ok());
    assert!(a.header().check_key(&key()).is_ok());
    assert!(a.header().check_key(&Key::from_bytes([0x55; 32])).is_err());
}

#[test]
fn every_truncation_is_refused() {
    let (_, bytes) = encode_all(&key(), None);
    for cut in 0..bytes.len() {
        let r = EncodedPadron::read(&bytes[..cut]);
        assert!(r.is_err(), "truncation at {cut} accepted");
    }
    let e = EncodedPadron::read(&bytes[..bytes.len() - 1]).unwrap_err();
    assert!(matches!(e, Error::Truncated { records: 4 }), "{e}");
    assert!(e.to_string().contains("truncated"));
    let mut extra = bytes.clone();
    extra.push(0);
    assert!(matches!(
        EncodedPadron::read(&extra[..]),
        Err(Error::TrailingData)
    ));
}

#[test]
fn every_flipped_byte_is_refused() {
    let (_, bytes) = encode_all(&key(), Some(PEOPLE.len() as u64));
    for i in 0..bytes.len() {
        for bit in [0x01u8, 0x80] {
            let mut b = bytes.clone();
            b[i] ^= bit;
            assert!(
                EncodedPadron::read(&b[..]).is_err(),
                "flip at byte {i} accepted"
            );
        }
    }
    // A flip in a filter word is caught by the checksum.
    let mut b = bytes.clone();
    let last_record_word = bytes.len() - 41 - 3;
    b[last_record_word] ^= 0x10;
    assert!(matches!(EncodedPadron::read(&b[..]), Err(Error::Checksum)));
    assert!(matches!(
        EncodedPadron::read(&b"not a file"[..]),
        Err(Error::Truncated { .. })
    ));
    assert!(matches!(
        EncodedPadron::read(&[0u8; 64][..]),
        Err(Error::BadMagic)
    ));
}

#[test]
fn count_mismatch_and_shape_errors() {
    let k = key();
    let tok = Tokenizer::new(&k, Algorithm::Blake3, default_rules()).unwrap();
    let enc = Encoder::new(&k, Schema::padron()).unwrap();
    let w = Writer::new(Vec::new(), Header::new(&k, &tok, &enc, Some(2))).unwrap();
    assert!(matches!(
        w.finish(),
        Err(Error::CountMismatch {
            expected: 2,
            found: 0
        })
    ));
    let mut w = Writer::new(Vec::new(), Header::new(&k, &tok, &enc, None)).unwrap();
    assert!(matches!(
        w.write_record("", &[None; 6], &[0; 24]),
        Err(Error::Shape { .. })
    ));
    assert!(matches!(
        w.write_record("x", &[None; 5], &[0; 24]),
        Err(Error::Shape { .. })
    ));
    assert!(matches!(
        w.write_record("x", &[None; 6], &[0; 23]),
        Err(Error::Shape { .. })
    ));
    w.write_record("x", &[None; 6], &[0; 24]).unwrap();
    let bytes = w.finish().unwrap();
    let p = EncodedPadron::read(&bytes[..]).unwrap();
    assert_eq!(p.header().algorithm(), Algorithm::Blake3);
    assert_eq!(p.len(), 1);
}

#[test]
fn csv_export_matches_the_file() {
    let (mem, bytes) = encode_all(&key(), None);
    let mut out = Vec::new();
    let n = export_csv(Reader::new(&bytes[..]).unwrap(), &mut out).unwrap();
    assert_eq!(n, 4);
    let mut rd = csv::Reader::from_reader(&out[..]);
    let head: Vec<String> = rd.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(head[0], "record_id");
    assert_eq!(head[1], "token_curp");
    assert_eq!(head[2], "token_curp_root");
    // The six default rules, then the filters.
    assert_eq!(head[6], "token_name_sex_state");
    assert_eq!(head[7], "filter_record");
    assert_eq!(
        &head[8..],
        [
            "filter_nombre",
            "filter_primer_apellido",
            "filter_segundo_apellido",
            "filter_fecha_nacimiento"
        ]
    );
    for (i, row) in rd.records().enumerate() {
        let row = row.unwrap();
        assert_eq!(&row[0], mem.id(i).unwrap());
        for r in 0..mem.rules() {
            assert_eq!(
                row[1 + r].to_string(),
                mem.token(i, r).map(|t| t.to_hex()).unwrap_or_default()
            );
        }
        let words = |s: &str| -> Vec<u64> {
            base64::decode(s)
                .unwrap()
                .chunks_exact(8)
                .map(|c| u64::from_le_bytes(c.try_into().unwrap()))
                .collect()
        };
        let first_filter = 1 + mem.rules();
        assert_eq!(words(&row[first_filter]), mem.record_filter(i));
        assert_eq!(words(&row[first_filter + 2]), mem.field_filter(i, 1));
    }
}

/// Every input value, every 4-character substring of the names, the key
/// and its hex must be absent from the file, the CSV export and Debug output.
#[test]
fn no_personal_data_or_key_in_any_output() {
    let k = key();
    let (mem, bytes) = encode_all(&k, None);
    let mut csv_out = Vec::new();
    export_csv(Reader::new(&bytes[..]).unwrap(), &mut csv_out).unwrap();
    let debug = format!("{:?} {:?}", mem.header(), Reader::new(&bytes[..]).unwrap());
    let hex = k.to_hex_zeroizing().to_string();
    let mut needles: Vec<Vec<u8>> = vec![
        KEY_BYTES.to_vec(),
        KEY_BYTES[..8].to_vec(),
        hex.as_bytes().to_vec(),
        hex.to_uppercase().into_bytes(),
        hex.as_bytes()[..16].to_vec(),
        base64::encode(&KEY_BYTES).into_bytes(),
    ];
    for p in PEOPLE {
        for v in &p[1..6] {
            if v.is_empty() {
                continue;
            }
            needles.push(v.as_bytes().to_vec());
            needles.push(v.to_lowercase().into_bytes());
        }
        let (y, m, d) = (&p[5][0..4], &p[5][5..7], &p[5][8..10]);
        needles.push(format!("{d}/{m}/{y}").into_bytes());
        needles.push(format!("{y}{m}{d}").into_bytes());
        for name in &p[2..5] {
            let c: Vec<char> = name.chars().collect();
            for w in c.windows(4) {
                let s: String = w.iter().collect();
                if !s.contains(' ') {
                    needles.push(s.into_bytes());
                }
            }
        }
    }
    let outputs: [(&str, &[u8]); 3] = [
        ("file", &bytes),
        ("csv", &csv_out),
        ("debug", debug.as_bytes()),
    ];
    for (what, out) in outputs {
        for n in &needles {
            assert!(
                !out.windows(n.len()).any(|w| w == &n[..]),
                "{what} contains {:?}",
                String::from_utf8_lossy(n)
            );
        }
    }
}
