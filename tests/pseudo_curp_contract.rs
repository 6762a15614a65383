//! The CURP-token contract: placeholder or invalid CURPs never produce a
//! CURP token (issue 5: a naive CURP join had precision 0.63 because
//! placeholders matched each other).
//!
//! `pseudo` cannot tell a valid CURP from a placeholder of the right shape;
//! the gate is `curp::classify`, applied by `encode::AgencyEncoder`. Both
//! levels are tested: `TokenInput::set_curp` refuses what is not
//! CURP-shaped, and the encoder gives no `curp`/`curp_root` token for any
//! placeholder or invalid CURP (with every other field present, so only the
//! gate can be what withholds the token).

use padron::bloom::Schema;
use padron::curp::{self, ParseOptions, Sex, State, Status};
use padron::date::Date;
use padron::encode::{AgencyEncoder, Person};
use padron::pseudo::{predefined_rule, Algorithm, Key, TokenInput};

/// Placeholders seen in padrones. The first group is not even CURP-shaped.
const NOT_CURP_SHAPED: &[&str] = &[
    "SIN CURP",
    "EN TRAMITE",
    "NO TIENE",
    "0",
    "N/A",
    "XEXX010101HNEXXXA",
];
/// Placeholders that have the 18-character shape: only `curp` can refuse them.
const CURP_SHAPED_PLACEHOLDERS: &[&str] = &[
    "XEXX010101HNEXXXA4",
    "XEXX010101MNEXXXA8",
    "000000000000000000",
    "AAAA000000HAAAAA00",
    "XXXX000000XXXXXX00",
    "AAAA000101HDFCCC09",
];
/// Well-formed CURPs with a wrong check digit (the valid one ends in 4).
const BAD_CHECK_DIGIT: &[&str] = &["MOTR750314MPLRRS00", "MOTR750314MPLRRS09"];
const VALID: &str = "MOTR750314MPLRRS04";

fn encoder() -> AgencyEncoder {
    let rules = vec![
        predefined_rule("curp").unwrap(),
        predefined_rule("curp_root").unwrap(),
    ];
    AgencyEncoder::new(
        &Key::from_bytes([1; 32]),
        Algorithm::HmacSha256,
        rules,
        Schema::padron(),
        ParseOptions::default(),
    )
    .unwrap()
}

/// The `curp` and `curp_root` tokens the encoder gives a full record with
/// this CURP cell.
fn curp_tokens(enc: &AgencyEncoder, cell: &str) -> Vec<Option<padron::pseudo::Token>> {
    let p = Person {
        curp: Some(cell),
        given_names: Some("ROSA ELENA"),
        first_surname: Some("MORALES"),
        second_surname: Some("TREJO"),
        birth_date: Date::new(1975, 3, 14),
        sex: Some(Sex::Mujer),
        state: Some(State::Pl),
    };
    let mut s = enc.scratch();
    let report = enc.encode(&p, &mut s).unwrap();
    assert_eq!(report.curp_token, s.tokens()[0].is_some());
    s.tokens().to_vec()
}

#[test]
fn non_curp_shaped_placeholders_are_refused_by_set_curp() {
    for p in NOT_CURP_SHAPED {
        let mut t = TokenInput::new();
        assert!(t.set_curp(p).is_err(), "{p} accepted");
    }
}

#[test]
fn the_valid_curp_gives_both_tokens() {
    let enc = encoder();
    assert!(matches!(
        curp::classify(VALID, &ParseOptions::default()),
        Status::Valid(_)
    ));
    let t = curp_tokens(&enc, VALID);
    assert!(t[0].is_some() && t[1].is_some());
}

#[test]
fn placeholders_and_invalid_curps_never_give_curp_tokens() {
    let enc = encoder();
    let all = NOT_CURP_SHAPED
        .iter()
        .chain(CURP_SHAPED_PLACEHOLDERS)
        .chain(BAD_CHECK_DIGIT);
    for p in all {
        assert!(
            !matches!(
                curp::classify(p, &ParseOptions::default()),
                Status::Valid(_)
            ),
            "curp::classify calls {p} valid"
        );
        assert_eq!(
            curp_tokens(&enc, p),
            [None, None],
            "{p} produced a CURP token"
        );
    }
}
