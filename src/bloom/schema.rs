//! Bloom schemas: which columns are encoded, how, and with which hardening.
//!
//! A schema is TOML (see `schemas/padron.toml`, the default, and
//! `schemas/febrl.toml`). Field names below are the TOML keys.

use serde::{Deserialize, Serialize};

use super::BloomError;
use crate::pseudo::valid_name;

/// The padrón schema (`schemas/padron.toml`), the default.
pub const PADRON_SCHEMA_TOML: &str = include_str!("../../schemas/padron.toml");
/// A schema for FEBRL-style files (`schemas/febrl.toml`).
pub const FEBRL_SCHEMA_TOML: &str = include_str!("../../schemas/febrl.toml");

/// Largest filter length accepted before folding and balancing, in bits.
pub const MAX_BITS: u32 = 1 << 16;

/// What kind of value a column holds; decides the normalization done
/// inside `bloom` (deliberately trivial: callers pass the `name` module's
/// `match` forms for names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FieldKind {
    /// Given name(s): trimmed, upper-cased, blanks collapsed.
    GivenName,
    /// A surname: as given names.
    Surname,
    /// A whole name in one string: as given names.
    FullName,
    /// A date: `YYYY-MM-DD`, `DD/MM/YYYY` or `YYYYMMDD`, written `YYYY-MM-DD`.
    Date,
    /// Sex: anything `curp::Sex::from_field` reads, written as its code.
    Sex,
    /// Mexican state: anything `curp::State::from_field` reads, written as
    /// its RENAPO code.
    State,
    /// A CURP: trimmed and upper-cased.
    Curp,
    /// A postcode: trimmed, inner blanks removed.
    Postcode,
    /// Any text: as given names.
    String,
    /// A number: trimmed, inner blanks removed.
    Number,
}

impl FieldKind {
    /// The default q for this kind: 2 (bigrams) for all kinds, 1 for sex.
    pub fn default_q(self) -> u8 {
        match self {
            FieldKind::Sex => 1,
            _ => 2,
        }
    }
}

/// Which part of another field salts this one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SaltPart {
    /// The whole normalized value.
    #[default]
    Whole,
    /// The year of a `date` field (its first four characters).
    Year,
}

/// Attribute salting: q-grams are hashed together with another field's
/// value, so equal names of people with different salts share no bits.
/// Cost: a pair whose salt field disagrees (a typo in the birth year) no
/// longer agrees on this field either.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Salt {
    /// Column of the salting field (must be a field of the schema).
    pub column: String,
    /// Which part of it.
    #[serde(default)]
    pub part: SaltPart,
}

/// Hardening of one filter, applied in this order: XOR-fold, balance,
/// keyed permutation, BLIP. Salting acts earlier, on q-gram hashing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Hardening {
    /// Salt every q-gram hashed into this filter with another field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salt: Option<Salt>,
    /// Number of XOR-folds (each halves the length: `b[i] ^ b[i + l/2]`).
    #[serde(default)]
    pub fold: u8,
    /// Balance: append the complement (doubles the length, constant weight)
    /// and then apply a keyed permutation (implied).
    #[serde(default)]
    pub balance: bool,
    /// Keyed permutation of the bit positions. With keyed positions it adds
    /// little on its own; it is implied by `balance`.
    #[serde(default)]
    pub permute: bool,
    /// BLIP randomized response: flip each bit with probability
    /// `1 / (1 + e^ε)`. Absent = off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blip_epsilon: Option<f64>,
}

/// The record-level filter (CLK).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordSpec {
    /// Length before folding/balancing (default 1024).
    #[serde(default = "default_record_bits")]
    pub bits: u32,
    /// Hardening of the record filter.
    #[serde(flatten)]
    pub hardening: Hardening,
}

fn default_record_bits() -> u32 {
    1024
}

/// A per-field filter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldFilterSpec {
    /// Length before folding/balancing.
    pub bits: u32,
    /// Bit positions the value sets, spread evenly over its distinct
    /// q-grams (`k = max(1, round(budget / n))` per q-gram).
    pub budget: u32,
    /// Hardening of this filter.
    #[serde(flatten)]
    pub hardening: Hardening,
}

/// One encoded column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// CSV column name.
    pub column: String,
    /// Value kind.
    pub kind: FieldKind,
    /// Key group: fields with the same group share bit-position keys, so
    /// their filters can be compared crosswise (both surnames; given names).
    /// Defaults to the column name, which must then be a valid name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// q-gram length (default by kind, see [`FieldKind::default_q`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<u8>,
    /// Pad with q−1 blanks on each side (default true).
    #[serde(default = "yes")]
    pub pad: bool,
    /// Bit positions this field sets in the record filter, spread over its
    /// q-grams as in [`FieldFilterSpec::budget`]; 0 = not in the record filter.
    #[serde(default)]
    pub record_bits: u32,
    /// A per-field filter, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<FieldFilterSpec>,
}

fn yes() -> bool {
    true
}

impl FieldSpec {
    /// The key group (explicit or the column name).
    pub fn group(&self) -> &str {
        self.group.as_deref().unwrap_or(&self.column)
    }

    /// The q-gram length.
    pub fn q(&self) -> u8 {
        self.q.unwrap_or(self.kind.default_q())
    }
}

/// A Bloom schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schema {
    /// The schema's name (written to encodings headers).
    pub name: String,
    /// The record filter.
    pub record: RecordSpec,
    /// Encoded columns, in order.
    #[serde(rename = "field")]
    pub fields: Vec<FieldSpec>,
}

/// Length of a filter after its hardening (folds, then balancing).
pub(crate) fn output_bits(bits: u32, h: &Hardening) -> u32 {
    let folded = bits >> h.fold;
    if h.balance {
        folded * 2
    } else {
        folded
    }
}

impl Schema {
    /// The built-in padrón schema.
    pub fn padron() -> Schema {
        match Schema::from_toml(PADRON_SCHEMA_TOML) {
            Ok(s) => s,
            // A compile-time constant, checked by a test.
            Err(_) => unreachable!("built-in padron schema is invalid"),
        }
    }

    /// The built-in FEBRL schema.
    pub fn febrl() -> Schema {
        match Schema::from_toml(FEBRL_SCHEMA_TOML) {
            Ok(s) => s,
            Err(_) => unreachable!("built-in FEBRL schema is invalid"),
        }
    }

    /// Parses and checks a TOML schema.
    pub fn from_toml(text: &str) -> Result<Schema, BloomError> {
        let s: Schema = toml::from_str(text).map_err(|e| BloomError::SchemaSyntax {
            message: e.message().to_string(),
        })?;
        s.check()?;
        Ok(s)
    }

    /// The schema as TOML.
    pub fn to_toml(&self) -> String {
        // Serializing plain structs of strings, numbers and bools cannot fail.
        toml::to_string(self).unwrap_or_default()
    }

    /// Index of the field for `column`.
    pub fn field_index(&self, column: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.column == column)
    }

    /// Checks every rule documented on the schema types.
    pub fn check(&self) -> Result<(), BloomError> {
        let err = |field: Option<&str>, reason: String| BloomError::InvalidSchema {
            field: field.map(str::to_string),
            reason,
        };
        if self.fields.is_empty() {
            return Err(err(None, "a schema needs at least one field".into()));
        }
        check_filter(self.record.bits, &self.record.hardening)
            .map_err(|r| err(None, format!("record filter: {r}")))?;
        self.check_salt(None, &self.record.hardening)?;
        if self.fields.iter().all(|f| f.record_bits == 0) {
            return Err(err(None, "no field sets bits in the record filter".into()));
        }
        for (i, f) in self.fields.iter().enumerate() {
            let col = Some(f.column.as_str());
            if self.fields[..i].iter().any(|o| o.column == f.column) {
                return Err(err(col, "column appears twice".into()));
            }
            if !valid_name(f.group()) {
                return Err(err(
                    col,
                    "group must be 1-64 characters of a-z 0-9 _ (set `group` when the column name is not)".into(),
                ));
            }
            if !(1..=5).contains(&f.q()) {
                return Err(err(col, "q must be 1 to 5".into()));
            }
            if f.record_bits > 4 * self.record.bits {
                return Err(err(
                    col,
                    "record_bits is more than 4 x the record filter length".into(),
                ));
            }
            if let Some(ff) = &f.filter {
                check_filter(ff.bits, &ff.hardening).map_err(|r| err(col, r))?;
                if ff.budget == 0 || ff.budget > 4 * ff.bits {
                    return Err(err(col, "filter budget must be 1 to 4 x its bits".into()));
                }
                self.check_salt(col, &ff.hardening)?;
            }
            // Fields of one group are compared crosswise: same encoding.
            if let Some(o) = self.fields[..i].iter().find(|o| o.group() == f.group()) {
                if o.q() != f.q() || o.pad != f.pad || o.filter != f.filter {
                    return Err(err(
                        col,
                        format!(
                            "fields of group {} must share q, pad and filter settings",
                            f.group()
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    fn check_salt(&self, field: Option<&str>, h: &Hardening) -> Result<(), BloomError> {
        let Some(salt) = &h.salt else { return Ok(()) };
        let err = |reason: &str| BloomError::InvalidSchema {
            field: field.map(str::to_string),
            reason: reason.to_string(),
        };
        let Some(i) = self.field_index(&salt.column) else {
            return Err(err("salt column is not a field of the schema"));
        };
        if Some(salt.column.as_str()) == field {
            return Err(err("a field cannot salt itself"));
        }
        if salt.part == SaltPart::Year && self.fields[i].kind != FieldKind::Date {
            return Err(err("salt part `year` needs a date field"));
        }
        Ok(())
    }
}

fn check_filter(bits: u32, h: &Hardening) -> Result<(), String> {
    if !(64..=MAX_BITS).contains(&bits) || !bits.is_multiple_of(64) {
        return Err(format!(
            "bits must be a multiple of 64 from 64 to {MAX_BITS}"
        ));
    }
    if h.fold > 4 || !(bits >> h.fold).is_multiple_of(64) || (bits >> h.fold) << h.fold != bits {
        return Err("fold leaves a length that is not a multiple of 64".into());
    }
    if let Some(e) = h.blip_epsilon {
        if !(e.is_finite() && e > 0.0) {
            return Err("blip_epsilon must be a positive number".into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_schemas_parse_and_check() {
        let p = Schema::padron();
        assert_eq!(p.name, "padron");
        let f = Schema::febrl();
        let cols: Vec<&str> = f.fields.iter().map(|x| x.column.as_str()).collect();
        assert_eq!(
            cols,
            [
                "given_name",
                "surname",
                "street_number",
                "address_1",
                "address_2",
                "suburb",
                "postcode",
                "state",
                "date_of_birth",
                "soc_sec_id"
            ]
        );
        // Round trip through TOML.
        assert_eq!(Schema::from_toml(&p.to_toml()).unwrap(), p);
        assert_eq!(Schema::from_toml(&f.to_toml()).unwrap(), f);
    }

    #[test]
    fn padron_defaults_harden_every_field_filter() {
        // The rule: a per-field filter never leaves unhardened.
        for s in [Schema::padron(), Schema::febrl()] {
            assert!(s.record.hardening.fold >= 1, "record filter must be folded");
            for f in &s.fields {
                if let Some(ff) = &f.filter {
                    let h = &ff.hardening;
                    assert!(
                        h.fold >= 1 || h.salt.is_some() || h.balance || h.blip_epsilon.is_some(),
                        "{} leaves unhardened",
                        f.column
                    );
                }
                // Low-entropy attributes get no per-field filter at all.
                if matches!(f.kind, FieldKind::Sex | FieldKind::State) {
                    assert!(f.filter.is_none(), "{}", f.column);
                }
            }
        }
        let p = Schema::padron();
        let g = |c: &str| p.fields[p.field_index(c).unwrap()].group().to_string();
        assert_eq!(g("primer_apellido"), g("segundo_apellido"));
    }

    #[test]
    fn bad_schemas_are_refused() {
        let base = PADRON_SCHEMA_TOML;
        let cases = [
            base.replacen("bits = 1024", "bits = 1000", 1),
            base.replacen("group = \"surname\"", "group = \"Sur Name\"", 1),
            base.replacen("kind = \"surname\"", "kind = \"surnam\"", 1),
            base.replace(
                "column = \"fecha_nacimiento\", part = \"year\"",
                "column = \"nope\"",
            ),
            base.replacen("[record]", "[record]\nbogus = 1", 1),
            "name = \"x\"\nfield = []\n[record]\nbits = 1024\n".to_string(),
        ];
        for c in cases {
            assert!(Schema::from_toml(&c).is_err(), "accepted:\n{c}");
        }
    }

    #[test]
    fn group_members_must_match() {
        let mut s = Schema::padron();
        let i = s.field_index("segundo_apellido").unwrap();
        s.fields[i].q = Some(3);
        assert!(s.check().is_err());
    }

    #[test]
    fn output_lengths() {
        let h = Hardening {
            fold: 1,
            balance: true,
            ..Hardening::default()
        };
        assert_eq!(output_bits(1024, &h), 1024);
        assert_eq!(output_bits(1024, &Hardening::default()), 1024);
        assert!(check_filter(
            128,
            &Hardening {
                fold: 2,
                ..Hardening::default()
            }
        )
        .is_err());
    }
}
