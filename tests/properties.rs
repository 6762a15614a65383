//! Property tests: q-grams, Dice, base64, hex forms, token invariances,
//! and no panics on arbitrary input to the encoder and the file reader.

use proptest::prelude::*;

use padron::bloom::{dice, qgrams, BitVector, Encoder, Schema};
use padron::encodings::{base64, EncodedPadron};
use padron::pseudo::{
    Algorithm, FieldRef, Key, Token, TokenField, TokenInput, TokenRule, Tokenizer,
};

/// Encoders are costly to build in debug builds (precomputed tables): share one.
fn encoder() -> &'static Encoder {
    static E: std::sync::OnceLock<Encoder> = std::sync::OnceLock::new();
    E.get_or_init(|| Encoder::new(&Key::from_bytes([2; 32]), Schema::padron()).unwrap())
}

fn bitvec(words: Vec<u64>) -> BitVector {
    let n = words.len() * 64;
    BitVector::from_words(words, n).unwrap()
}

fn word() -> impl Strategy<Value = String> {
    "[A-Z]{1,12}"
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn qgrams_are_distinct_sorted_and_q_long(s in "\\PC{0,20}", q in 1usize..5, pad: bool) {
        let g = qgrams(&s, q, pad);
        let mut sorted = g.clone();
        sorted.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
        sorted.dedup();
        prop_assert_eq!(&sorted, &g);
        let n = s.chars().count();
        if n == 0 {
            prop_assert!(g.is_empty());
        } else {
            let padded = if pad { n + 2 * (q - 1) } else { n };
            prop_assert!(g.len() <= padded.saturating_sub(q) + 1);
            prop_assert!(!g.is_empty());
            for x in &g {
                prop_assert_eq!(x.chars().count(), q.min(padded));
            }
        }
    }

    #[test]
    fn dice_symmetric_bounded_reflexive(a in prop::collection::vec(any::<u64>(), 1..20),
                                        b in prop::collection::vec(any::<u64>(), 1..20)) {
        let n = a.len().min(b.len());
        let (a, b) = (&a[..n], &b[..n]);
        let d = dice(a, b);
        prop_assert!((0.0..=1.0).contains(&d));
        prop_assert_eq!(d, dice(b, a));
        if a.iter().any(|w| *w != 0) {
            prop_assert_eq!(dice(a, a), 1.0);
        }
        let va = bitvec(a.to_vec());
        let vb = bitvec(b.to_vec());
        prop_assert_eq!(va.dice(&vb), d);
        // |a ∧ b| + |a ∨ b| = |a| + |b|.
        prop_assert_eq!(va.and(&vb).count_ones() + va.or(&vb).count_ones(), va.count_ones() + vb.count_ones());
        prop_assert_eq!(va.xor(&vb).count_ones(), va.or(&vb).count_ones() - va.and(&vb).count_ones());
    }

    #[test]
    fn base64_round_trips(bytes in prop::collection::vec(any::<u8>(), 0..100)) {
        let e = base64::encode(&bytes);
        prop_assert_eq!(e.len(), bytes.len().div_ceil(3) * 4);
        prop_assert_eq!(base64::decode(&e), Some(bytes));
    }

    #[test]
    fn hex_forms_round_trip(k in any::<[u8; 32]>(), t in any::<[u8; 16]>()) {
        let key = Key::from_bytes(k);
        let hex = key.to_hex_zeroizing();
        prop_assert_eq!(Key::from_hex(&hex).unwrap().fingerprint(), key.fingerprint());
        let tok = Token::from_bytes(t);
        prop_assert_eq!(Token::from_hex(&tok.to_hex()).unwrap(), tok);
        // Debug never shows the key.
        let debug = format!("{:?}", key);
        prop_assert!(!debug.contains(&hex[..8]));
    }

    #[test]
    fn sorted_group_is_order_insensitive(a in word(), b in word(), g in word(), alg in prop::bool::ANY) {
        let rule = TokenRule::new("r", vec![
            FieldRef::One(TokenField::GivenMatch),
            FieldRef::Sorted(vec![TokenField::PaternalMatch, TokenField::MaternalMatch]),
        ]).unwrap();
        let alg = if alg { Algorithm::Blake3 } else { Algorithm::HmacSha256 };
        let tok = Tokenizer::new(&Key::from_bytes([1; 32]), alg, vec![rule]).unwrap();
        let mut x = TokenInput::new();
        x.set(TokenField::GivenMatch, &g).unwrap();
        x.set(TokenField::PaternalMatch, &a).unwrap();
        x.set(TokenField::MaternalMatch, &b).unwrap();
        let mut y = x.clone();
        y.set(TokenField::PaternalMatch, &b).unwrap();
        y.set(TokenField::MaternalMatch, &a).unwrap();
        prop_assert_eq!(tok.token(0, &x), tok.token(0, &y));
        prop_assert!(tok.token(0, &x).is_some());
    }

    #[test]
    fn identical_values_encode_identically(given in "[A-Z ]{0,20}", sur in word(), year in 1900u16..2030) {
        let e = encoder();
        let date = format!("{year}-06-15");
        let row = [Some(given.as_str()), Some(sur.as_str()), Some("LOPEZ"), Some(date.as_str()), Some("H"), Some("DF")];
        let (a, _) = e.encode(&row).unwrap();
        let (b, _) = e.encode(&row).unwrap();
        prop_assert_eq!(&a, &b);
        let r = e.layout().record;
        prop_assert_eq!(dice(&a[r.offset..r.offset + r.words], &b[r.offset..r.offset + r.words]), 1.0);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn encoder_never_panics(cells in prop::collection::vec(prop::option::of("\\PC{0,30}"), 6)) {
        let e = encoder();
        let row: Vec<Option<&str>> = cells.iter().map(|c| c.as_deref()).collect();
        let (words, report) = e.encode(&row).unwrap();
        prop_assert_eq!(words.len(), e.layout().words_per_record);
        prop_assert!(report.missing.len() + report.invalid.len() <= 6);
    }

    #[test]
    fn reader_never_panics_on_garbage(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        prop_assert!(EncodedPadron::read(&bytes[..]).is_err());
        let mut b = b"PADRONEN\x01\x00\x00\x00".to_vec();
        b.extend_from_slice(&bytes);
        prop_assert!(EncodedPadron::read(&b[..]).is_err());
    }
}
