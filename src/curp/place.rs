//! Sex (position 11) and state of birth (positions 12–13).

use std::fmt;

/// Sex as RENAPO codes it in position 11.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Sex {
    /// `H`, hombre.
    Hombre,
    /// `M`, mujer.
    Mujer,
    /// `X`, non-binary (issued by RENAPO since July 2022, §3.3).
    NoBinario,
}

impl Sex {
    /// The CURP letter: `H`, `M` or `X`.
    pub fn code(self) -> char {
        match self {
            Sex::Hombre => 'H',
            Sex::Mujer => 'M',
            Sex::NoBinario => 'X',
        }
    }

    /// From the CURP letter (upper case only).
    pub fn from_code(c: char) -> Option<Sex> {
        match c {
            'H' => Some(Sex::Hombre),
            'M' => Some(Sex::Mujer),
            'X' => Some(Sex::NoBinario),
            _ => None,
        }
    }

    /// From a padrón's `sexo` cell: `H`/`M`/`X` or `HOMBRE`/`MUJER`, any case,
    /// surrounding blanks ignored. Other encodings (`1`/`2`, `F`, `MASCULINO`)
    /// are ambiguous across agencies and need an explicit mapping by the
    /// caller: this never guesses (padron-schema.md).
    pub fn from_field(text: &str) -> Option<Sex> {
        let t = text.trim();
        if t.eq_ignore_ascii_case("H") || t.eq_ignore_ascii_case("HOMBRE") {
            Some(Sex::Hombre)
        } else if t.eq_ignore_ascii_case("M") || t.eq_ignore_ascii_case("MUJER") {
            Some(Sex::Mujer)
        } else if t.eq_ignore_ascii_case("X") {
            Some(Sex::NoBinario)
        } else {
            None
        }
    }
}

impl fmt::Display for Sex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code())
    }
}

macro_rules! states {
    ($($variant:ident $code:literal $inegi:literal $name:literal,)*) => {
        /// State of birth, as the RENAPO two-letter code of positions 12–13
        /// (§3.4). Not the INEGI numeric code, not ISO 3166-2.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum State {
            $(
                #[doc = $name]
                $variant,
            )*
        }

        impl State {
            /// All 33 codes, in the order of the INEGI numbering with `NE` last.
            pub const ALL: [State; 33] = [$(State::$variant,)*];

            /// The RENAPO code (`AS`, `BC`, … `NE`).
            pub fn code(self) -> &'static str {
                match self { $(State::$variant => $code,)* }
            }

            /// The INEGI numeric key (`1`–`32`); `None` for `NE` (born abroad).
            pub fn inegi(self) -> Option<u8> {
                let n: u8 = match self { $(State::$variant => $inegi,)* };
                (n != 0).then_some(n)
            }

            /// The entity's name.
            pub fn name(self) -> &'static str {
                match self { $(State::$variant => $name,)* }
            }

            /// From a RENAPO code, upper case (`"DF"`, `"NE"`).
            pub fn from_code(code: &str) -> Option<State> {
                match code { $($code => Some(State::$variant),)* _ => None }
            }
        }
    };
}

states! {
    As "AS" 1 "Aguascalientes",
    Bc "BC" 2 "Baja California",
    Bs "BS" 3 "Baja California Sur",
    Cc "CC" 4 "Campeche",
    Cl "CL" 5 "Coahuila",
    Cm "CM" 6 "Colima",
    Cs "CS" 7 "Chiapas",
    Ch "CH" 8 "Chihuahua",
    Df "DF" 9 "Ciudad de México (Distrito Federal)",
    Dg "DG" 10 "Durango",
    Gt "GT" 11 "Guanajuato",
    Gr "GR" 12 "Guerrero",
    Hg "HG" 13 "Hidalgo",
    Jc "JC" 14 "Jalisco",
    Mc "MC" 15 "Estado de México",
    Mn "MN" 16 "Michoacán",
    Ms "MS" 17 "Morelos",
    Nt "NT" 18 "Nayarit",
    Nl "NL" 19 "Nuevo León",
    Oc "OC" 20 "Oaxaca",
    Pl "PL" 21 "Puebla",
    Qt "QT" 22 "Querétaro",
    Qr "QR" 23 "Quintana Roo",
    Sp "SP" 24 "San Luis Potosí",
    Sl "SL" 25 "Sinaloa",
    Sr "SR" 26 "Sonora",
    Tc "TC" 27 "Tabasco",
    Ts "TS" 28 "Tamaulipas",
    Tl "TL" 29 "Tlaxcala",
    Vz "VZ" 30 "Veracruz",
    Yn "YN" 31 "Yucatán",
    Zs "ZS" 32 "Zacatecas",
    Ne "NE" 0 "Nacido en el extranjero",
}

impl State {
    /// From the INEGI numeric key, 1–32.
    pub fn from_inegi(n: u8) -> Option<State> {
        match n {
            1..=32 => Some(State::ALL[usize::from(n) - 1]),
            _ => None,
        }
    }

    /// From a padrón's `entidad_nacimiento` cell: a RENAPO code in any case,
    /// or an INEGI numeric key (`9`, `09`, `9.0` as Excel writes it).
    pub fn from_field(text: &str) -> Option<State> {
        let t = text.trim();
        if t.len() == 2 && t.bytes().all(|b| b.is_ascii_alphabetic()) {
            return State::from_code(&t.to_ascii_uppercase());
        }
        let digits = t.strip_suffix(".0").unwrap_or(t);
        if !digits.is_empty() && digits.len() <= 2 && digits.bytes().all(|b| b.is_ascii_digit()) {
            return digits.parse().ok().and_then(State::from_inegi);
        }
        None
    }
}

/// RENAPO codes in the order of [`State::ALL`], two bytes each.
const CODES: &[u8; 66] = b"ASBCBSCCCLCMCSCHDFDGGTGRHGJCMCMNMSNTNLOCPLQTQRSPSLSRTCTSTLVZYNZSNE";

/// `LOOKUP[(a - b'A') * 26 + (b - b'A')]` = 1 + index in [`State::ALL`], or 0.
const LOOKUP: [u8; 676] = {
    let mut t = [0u8; 676];
    let mut i = 0;
    while i < 33 {
        let a = (CODES[2 * i] - b'A') as usize;
        let b = (CODES[2 * i + 1] - b'A') as usize;
        t[a * 26 + b] = i as u8 + 1;
        i += 1;
    }
    t
};

impl State {
    /// From the two bytes of positions 12–13 (upper-case ASCII), by table
    /// lookup: the hot path of CURP validation.
    pub fn from_code_bytes(a: u8, b: u8) -> Option<State> {
        if !a.is_ascii_uppercase() || !b.is_ascii_uppercase() {
            return None;
        }
        let slot = LOOKUP[usize::from(a - b'A') * 26 + usize::from(b - b'A')];
        State::ALL.get(usize::from(slot).checked_sub(1)?).copied()
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirty_three_distinct_codes() {
        let mut codes: Vec<_> = State::ALL.iter().map(|s| s.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 33);
        for s in State::ALL {
            assert_eq!(State::from_code(s.code()), Some(s));
        }
    }

    #[test]
    fn byte_lookup_agrees_with_codes() {
        for a in 0..=255u8 {
            for b in 0..=255u8 {
                let text = [a, b];
                let expected = std::str::from_utf8(&text).ok().and_then(State::from_code);
                assert_eq!(State::from_code_bytes(a, b), expected);
            }
        }
        for s in State::ALL {
            let c = s.code().as_bytes();
            assert_eq!(State::from_code_bytes(c[0], c[1]), Some(s));
        }
    }

    #[test]
    fn inegi_order_has_chiapas_before_chihuahua() {
        assert_eq!(State::from_inegi(7), Some(State::Cs));
        assert_eq!(State::from_inegi(8), Some(State::Ch));
        assert_eq!(State::from_inegi(9), Some(State::Df));
        assert_eq!(State::from_inegi(15), Some(State::Mc));
        assert_eq!(State::from_inegi(32), Some(State::Zs));
        assert_eq!(State::from_inegi(0), None);
        assert_eq!(State::from_inegi(33), None);
        for s in State::ALL {
            assert_eq!(
                s.inegi().and_then(State::from_inegi).unwrap_or(State::Ne),
                s
            );
        }
    }

    #[test]
    fn fields() {
        assert_eq!(State::from_field(" df "), Some(State::Df));
        assert_eq!(State::from_field("09"), Some(State::Df));
        assert_eq!(State::from_field("9.0"), Some(State::Df));
        assert_eq!(State::from_field("NE"), Some(State::Ne));
        assert_eq!(State::from_field("XX"), None);
        assert_eq!(State::from_field("100"), None);
        assert_eq!(Sex::from_field("mujer"), Some(Sex::Mujer));
        assert_eq!(Sex::from_field("h"), Some(Sex::Hombre));
        assert_eq!(Sex::from_field("1"), None);
        assert_eq!(Sex::from_field("F"), None);
    }
}
