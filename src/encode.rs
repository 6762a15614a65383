//! What an agency runs on its own machine: a padrón record becomes the
//! pseudonyms that may leave — keyed tokens and Bloom filters — and nothing
//! else.
//!
//! This module is the one place where the plaintext modules (`curp`,
//! `name`, `phonetic`) meet the keyed ones (`pseudo`, `bloom`), so that
//! every holder normalizes exactly alike (a difference in normalization
//! would silently stop tokens from matching):
//!
//! - the CURP cell goes through [`curp::classify`]; only a CURP that is
//!   valid and not a placeholder yields the `curp` and `curp_root` token
//!   fields (on real padrones placeholders joined with each other);
//! - the three name fields go through [`name::Normalizer::normalize`]; tokens
//!   and Bloom filters get their `match` forms, MXF-1 rules the primary keys
//!   of the `core` forms;
//! - birth date, sex and state are written in their canonical forms (ISO
//!   date, CURP sex code, RENAPO state code).
//!
//! ```
//! use padron::curp::{ParseOptions, Sex, State};
//! use padron::date::Date;
//! use padron::encode::{AgencyEncoder, Person};
//! use padron::pseudo::Key;
//!
//! let key = Key::from_hex(&"42".repeat(32)).unwrap();
//! let enc = AgencyEncoder::padron(&key, ParseOptions::default()).unwrap();
//! let mut scratch = enc.scratch();
//! let person = Person {
//!     curp: Some("MOTR750314MPLRRS04"),
//!     given_names: Some("Rosa Elena"),
//!     first_surname: Some("Morales"),
//!     second_surname: Some("Trejo"),
//!     birth_date: Date::new(1975, 3, 14),
//!     sex: Some(Sex::Mujer),
//!     state: Some(State::Pl),
//! };
//! let report = enc.encode(&person, &mut scratch).unwrap();
//! assert!(report.curp_token);
//! assert_eq!(scratch.tokens().len(), enc.header(&key, None).rules().len());
//! ```

use crate::bloom::{self, EncodeCache, Encoder, Schema};
use crate::curp::{self, ParseOptions, Sex, State, Status};
use crate::date::Date;
use crate::encodings::Header;
use crate::name::Normalizer;
use crate::phonetic;
use crate::pseudo::{
    self, default_rules, Algorithm, Key, Token, TokenField, TokenInput, TokenRule, Tokenizer,
};
use std::fmt;

/// One padrón record in canonical fields, as read (not yet normalized).
///
/// Holds personal data: `Debug` shows which fields are present only.
#[derive(Clone, Copy, Default)]
pub struct Person<'a> {
    /// The CURP cell as typed (lenient: case, blanks and hyphens are fine).
    pub curp: Option<&'a str>,
    /// Given name(s), raw.
    pub given_names: Option<&'a str>,
    /// First (paternal) surname, raw.
    pub first_surname: Option<&'a str>,
    /// Second (maternal) surname, raw.
    pub second_surname: Option<&'a str>,
    /// Birth date.
    pub birth_date: Option<Date>,
    /// Sex.
    pub sex: Option<Sex>,
    /// State of birth.
    pub state: Option<State>,
}

impl<'a> Person<'a> {
    /// The canonical fields of a padrón row ([`crate::io::PadronReader`]).
    pub fn from_row(row: &'a crate::io::Row) -> Person<'a> {
        use crate::io::Column;
        Person {
            curp: row.get(Column::Curp),
            given_names: row.get(Column::Nombre),
            first_surname: row.get(Column::PrimerApellido),
            second_surname: row.get(Column::SegundoApellido),
            birth_date: row.birth_date,
            sex: row.sex,
            state: row.birth_state,
        }
    }
}

impl fmt::Debug for Person<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Person")
            .field("curp", &self.curp.is_some())
            .field("given_names", &self.given_names.is_some())
            .field("first_surname", &self.first_surname.is_some())
            .field("second_surname", &self.second_surname.is_some())
            .field("birth_date", &self.birth_date.is_some())
            .field("sex", &self.sex.is_some())
            .field("state", &self.state.is_some())
            .finish()
    }
}

/// Why encoding failed. Never carries a value.
#[derive(Debug)]
#[non_exhaustive]
pub enum EncodeError {
    /// Key derivation or token construction failed.
    Pseudo(pseudo::Error),
    /// The Bloom schema or encoder refused.
    Bloom(bloom::BloomError),
    /// The schema has a column this pipeline cannot fill from a [`Person`].
    UnknownColumn {
        /// The schema column.
        column: String,
    },
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::Pseudo(e) => write!(f, "tokens: {e}"),
            EncodeError::Bloom(e) => write!(f, "Bloom filters: {e}"),
            EncodeError::UnknownColumn { column } => write!(
                f,
                "the Bloom schema's column `{column}` is not a padrón column this encoder fills \
                 (nombre, primer_apellido, segundo_apellido, fecha_nacimiento, sexo, \
                 entidad_nacimiento, curp)"
            ),
        }
    }
}

impl std::error::Error for EncodeError {}

impl From<pseudo::Error> for EncodeError {
    fn from(e: pseudo::Error) -> Self {
        EncodeError::Pseudo(e)
    }
}

impl From<bloom::BloomError> for EncodeError {
    fn from(e: bloom::BloomError) -> Self {
        EncodeError::Bloom(e)
    }
}

fn nonempty(t: &str) -> Option<&str> {
    (!t.is_empty()).then_some(t)
}

/// The padrón column a schema field reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    Given,
    Paternal,
    Maternal,
    BirthDate,
    Sex,
    State,
    Curp,
}

impl Source {
    fn of(column: &str) -> Option<Source> {
        Some(match column {
            "nombre" => Source::Given,
            "primer_apellido" => Source::Paternal,
            "segundo_apellido" => Source::Maternal,
            "fecha_nacimiento" => Source::BirthDate,
            "sexo" => Source::Sex,
            "entidad_nacimiento" => Source::State,
            "curp" => Source::Curp,
            _ => return None,
        })
    }
}

/// Encodes padrón records under one key: tokens by the rules, Bloom filters
/// by the schema. Holds subkeys; `Debug` is redacted by its parts.
#[derive(Debug)]
pub struct AgencyEncoder {
    tokenizer: Tokenizer,
    bloom: Encoder,
    sources: Vec<Source>,
    parse: ParseOptions,
}

/// Reusable per-thread buffers for [`AgencyEncoder::encode`]; after a call
/// they hold the record's tokens and filter words.
pub struct Scratch {
    cache: EncodeCache,
    normalizer: Normalizer<'static>,
    tokens: Vec<Option<Token>>,
    filters: Vec<u64>,
    text: [String; 5],
}

impl fmt::Debug for Scratch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scratch").finish_non_exhaustive()
    }
}

impl Scratch {
    /// The last record's tokens, one per rule (`None`: the rule's fields
    /// were missing).
    pub fn tokens(&self) -> &[Option<Token>] {
        &self.tokens
    }

    /// The last record's filter words (layout in the header).
    pub fn filters(&self) -> &[u64] {
        &self.filters
    }
}

/// What one record gave, without values.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct EncodeReport {
    /// The CURP was valid and not a placeholder, so CURP rules got tokens.
    pub curp_token: bool,
    /// Rules that produced a token.
    pub tokens: usize,
    /// Bloom fields that were empty or unreadable.
    pub missing_fields: usize,
}

impl AgencyEncoder {
    /// An encoder with explicit rules, schema and algorithm.
    pub fn new(
        key: &Key,
        algorithm: Algorithm,
        rules: Vec<TokenRule>,
        schema: Schema,
        parse: ParseOptions,
    ) -> Result<AgencyEncoder, EncodeError> {
        let sources = schema
            .fields
            .iter()
            .map(|f| {
                Source::of(&f.column).ok_or_else(|| EncodeError::UnknownColumn {
                    column: f.column.clone(),
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(AgencyEncoder {
            tokenizer: Tokenizer::new(key, algorithm, rules)?,
            bloom: Encoder::new(key, schema)?,
            sources,
            parse,
        })
    }

    /// True when every field of `schema` reads a padrón column this encoder
    /// fills; otherwise encode with a [`ColumnEncoder`].
    pub fn fills(schema: &Schema) -> bool {
        schema
            .fields
            .iter()
            .all(|f| Source::of(&f.column).is_some())
    }

    /// The defaults: HMAC-SHA256, [`default_rules`], [`Schema::padron`].
    pub fn padron(key: &Key, parse: ParseOptions) -> Result<AgencyEncoder, EncodeError> {
        AgencyEncoder::new(
            key,
            Algorithm::HmacSha256,
            default_rules(),
            Schema::padron(),
            parse,
        )
    }

    /// The encodings-file header for records of this encoder.
    pub fn header(&self, key: &Key, record_count: Option<u64>) -> Header {
        Header::new(key, &self.tokenizer, &self.bloom, record_count)
    }

    /// Fresh buffers for one thread.
    pub fn scratch(&self) -> Scratch {
        Scratch {
            cache: self.bloom.new_cache(),
            normalizer: Normalizer::default(),
            tokens: Vec::with_capacity(self.tokenizer.rules().len()),
            filters: vec![0; self.bloom.layout().words_per_record],
            text: Default::default(),
        }
    }

    /// Encodes one record into `s` (see [`Scratch::tokens`] and
    /// [`Scratch::filters`]).
    pub fn encode(&self, p: &Person<'_>, s: &mut Scratch) -> Result<EncodeReport, EncodeError> {
        let mut report = EncodeReport::default();
        let valid_curp = p.curp.and_then(|c| match curp::classify(c, &self.parse) {
            Status::Valid(c) => Some(c),
            _ => None,
        });
        let parsed = s.normalizer.normalize(
            p.given_names.unwrap_or(""),
            p.first_surname.unwrap_or(""),
            p.second_surname.unwrap_or(""),
        );
        let given = parsed.given();
        let paternal = parsed.paternal();
        let maternal = parsed.maternal();

        // Canonical text forms, kept in the scratch buffers.
        let [curp_text, date_text, mxf_given, mxf_paternal, mxf_maternal] = &mut s.text;
        curp_text.clear();
        if let Some(c) = &valid_curp {
            curp_text.push_str(c.as_str());
        }
        date_text.clear();
        if let Some(d) = p.birth_date {
            use std::fmt::Write;
            let _ = write!(date_text, "{d}");
        }
        let keys_of = |text: Option<&str>, out: &mut String| {
            out.clear();
            if let Some(t) = text {
                out.push_str(&phonetic::field_keys(t).primary);
            }
        };
        keys_of(
            given
                .as_ref()
                .map(|g| g.significant())
                .filter(|t| !t.is_empty()),
            mxf_given,
        );
        keys_of(paternal.as_ref().map(|n| n.core()), mxf_paternal);
        keys_of(maternal.as_ref().map(|n| n.core()), mxf_maternal);

        let sex_code = p.sex.map(|x| match x.code() {
            'H' => "H",
            'M' => "M",
            _ => "X",
        });
        let state_code = p.state.map(State::code);

        let mut input = TokenInput::new();
        if let Some(c) = &valid_curp {
            input.set_curp(c.as_str())?;
            report.curp_token = true;
        }
        let fields = [
            (TokenField::GivenMatch, given.as_ref().map(|g| g.as_match())),
            (
                TokenField::PaternalMatch,
                paternal.as_ref().map(|n| n.full()),
            ),
            (
                TokenField::MaternalMatch,
                maternal.as_ref().map(|n| n.full()),
            ),
            (TokenField::GivenMxf1, nonempty(mxf_given)),
            (TokenField::PaternalMxf1, nonempty(mxf_paternal)),
            (TokenField::MaternalMxf1, nonempty(mxf_maternal)),
            (TokenField::BirthDate, nonempty(date_text)),
            (TokenField::Sex, sex_code),
            (TokenField::State, state_code),
        ];
        for (field, value) in fields {
            if let Some(v) = value {
                input.set(field, v)?;
            }
        }
        self.tokenizer.tokens_into(&input, &mut s.tokens);
        report.tokens = s.tokens.iter().filter(|t| t.is_some()).count();

        let row: Vec<Option<&str>> = self
            .sources
            .iter()
            .map(|src| match src {
                Source::Given => given.as_ref().map(|g| g.as_match()),
                Source::Paternal => paternal.as_ref().map(|n| n.full()),
                Source::Maternal => maternal.as_ref().map(|n| n.full()),
                Source::BirthDate => nonempty(date_text),
                Source::Sex => sex_code,
                Source::State => state_code,
                Source::Curp => nonempty(curp_text),
            })
            .collect();
        let bloom_report = self.bloom.encode_with(&mut s.cache, &row, &mut s.filters)?;
        report.missing_fields = bloom_report.missing.len() + bloom_report.invalid.len();
        Ok(report)
    }
}

/// Encodes records of any registry by a Bloom schema alone: for files that
/// are not padrones (a FEBRL-style file with `given_name`, `surname`,
/// `address_1`…, a state registry with columns of its own).
///
/// Every schema field reads the column it names. Text kinds (given name,
/// surname, full name, string) go through the `name` module's
/// language-neutral normalization ([`name::FieldKind::Other`]: encoding
/// repair, accents, punctuation, blanks; no Mexican abbreviations), so two
/// holders who spell `Peña` and `PENA` agree; the other kinds are
/// normalized by [`bloom`]. There are no token rules: keyed tokens are
/// defined over padrón fields, so such files are linked on their Bloom
/// filters (the linker blocks them with LSH on the record filter).
///
/// [`name::FieldKind::Other`]: crate::name::FieldKind::Other
#[derive(Debug)]
pub struct ColumnEncoder {
    tokenizer: Tokenizer,
    bloom: Encoder,
    text: Vec<bool>,
}

impl ColumnEncoder {
    /// An encoder for `schema` under `key`. `algorithm` is recorded in the
    /// header (no tokens are made).
    pub fn new(
        key: &Key,
        algorithm: Algorithm,
        schema: Schema,
    ) -> Result<ColumnEncoder, EncodeError> {
        let text = schema
            .fields
            .iter()
            .map(|f| {
                matches!(
                    f.kind,
                    bloom::FieldKind::GivenName
                        | bloom::FieldKind::Surname
                        | bloom::FieldKind::FullName
                        | bloom::FieldKind::String
                )
            })
            .collect();
        Ok(ColumnEncoder {
            tokenizer: Tokenizer::new(key, algorithm, Vec::new())?,
            bloom: Encoder::new(key, schema)?,
            text,
        })
    }

    /// The columns read, in schema order: `encode`'s `values[i]` is the
    /// cell of `columns()[i]`.
    pub fn columns(&self) -> Vec<&str> {
        self.bloom
            .schema()
            .fields
            .iter()
            .map(|f| f.column.as_str())
            .collect()
    }

    /// The encodings-file header for records of this encoder.
    pub fn header(&self, key: &Key, record_count: Option<u64>) -> Header {
        Header::new(key, &self.tokenizer, &self.bloom, record_count)
    }

    /// Fresh buffers for one thread.
    pub fn scratch(&self) -> Scratch {
        Scratch {
            cache: self.bloom.new_cache(),
            normalizer: Normalizer::default(),
            tokens: Vec::new(),
            filters: vec![0; self.bloom.layout().words_per_record],
            text: Default::default(),
        }
    }

    /// Encodes one record: `values[i]` is the raw cell of column `i` of
    /// [`ColumnEncoder::columns`] (`None` or blank = missing).
    pub fn encode(
        &self,
        values: &[Option<&str>],
        s: &mut Scratch,
    ) -> Result<EncodeReport, EncodeError> {
        if values.len() != self.text.len() {
            return Err(EncodeError::Bloom(bloom::BloomError::RowLength {
                expected: self.text.len(),
                found: values.len(),
            }));
        }
        let normalized: Vec<Option<crate::name::NormalizedField>> = values
            .iter()
            .zip(&self.text)
            .map(|(v, &text)| match v {
                Some(v) if text => Some(
                    s.normalizer
                        .normalize_field(v, crate::name::FieldKind::Other),
                ),
                _ => None,
            })
            .collect();
        let row: Vec<Option<&str>> = values
            .iter()
            .zip(&normalized)
            .zip(&self.text)
            .map(|((v, n), &text)| {
                if text {
                    n.as_ref().and_then(|n| n.as_match())
                } else {
                    *v
                }
            })
            .collect();
        s.tokens.clear();
        let bloom_report = self.bloom.encode_with(&mut s.cache, &row, &mut s.filters)?;
        Ok(EncodeReport {
            curp_token: false,
            tokens: 0,
            missing_fields: bloom_report.missing.len() + bloom_report.invalid.len(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bloom::dice;

    fn key(b: u8) -> Key {
        Key::from_bytes([b; 32])
    }

    fn rosa<'a>() -> Person<'a> {
        Person {
            curp: Some("MOTR750314MPLRRS04"),
            given_names: Some("ROSA ELENA"),
            first_surname: Some("MORALES"),
            second_surname: Some("TREJO"),
            birth_date: Date::new(1975, 3, 14),
            sex: Some(Sex::Mujer),
            state: Some(State::Pl),
        }
    }

    fn encode(enc: &AgencyEncoder, p: &Person<'_>) -> (Vec<Option<Token>>, Vec<u64>, EncodeReport) {
        let mut s = enc.scratch();
        let r = enc.encode(p, &mut s).unwrap();
        (s.tokens().to_vec(), s.filters().to_vec(), r)
    }

    #[test]
    fn spelling_noise_keeps_tokens_and_filters_close() {
        let k = key(7);
        let enc = AgencyEncoder::padron(&k, ParseOptions::default()).unwrap();
        let (ta, fa, ra) = encode(&enc, &rosa());
        let noisy = Person {
            curp: Some(" motr-750314-mplrrs04 "),
            given_names: Some("Rosa  Eléna"),
            first_surname: Some("morales"),
            ..rosa()
        };
        let (tb, fb, _) = encode(&enc, &noisy);
        assert!(ra.curp_token);
        assert_eq!(ta, tb, "case, accents and blanks do not change a token");
        assert_eq!(fa, fb);
        let typo = Person {
            first_surname: Some("MORALEZ"),
            curp: None,
            ..rosa()
        };
        let (tc, fc, rc) = encode(&enc, &typo);
        assert!(!rc.curp_token);
        let curp = enc.tokenizer.rule_index("curp").unwrap();
        assert_eq!(tc[curp], None);
        let mxf = enc.tokenizer.rule_index("mxf1_unordered_dob_sex").unwrap();
        assert_eq!(tc[mxf], ta[mxf], "MXF-1 reads Z and S alike");
        let r = enc.bloom.layout().record;
        let d = dice(
            &fa[r.offset..r.offset + r.words],
            &fc[r.offset..r.offset + r.words],
        );
        assert!(d > 0.8 && d < 1.0, "{d}");
    }

    #[test]
    fn placeholders_and_invalid_curps_give_no_curp_token() {
        let k = key(9);
        let enc = AgencyEncoder::padron(&k, ParseOptions::default()).unwrap();
        let curp = enc.tokenizer.rule_index("curp").unwrap();
        let root = enc.tokenizer.rule_index("curp_root").unwrap();
        for bad in [
            "XEXX010101HNEXXXA4",
            "SIN CURP",
            "MOTR750314MPLRRS09",
            "000000000000000000",
            "",
        ] {
            let p = Person {
                curp: Some(bad),
                ..rosa()
            };
            let (t, _, r) = encode(&enc, &p);
            assert!(!r.curp_token, "{bad}");
            assert_eq!(t[curp], None, "{bad}");
            assert_eq!(t[root], None, "{bad}");
        }
        let (t, _, r) = encode(&enc, &rosa());
        assert!(r.curp_token && t[curp].is_some() && t[root].is_some());
    }

    #[test]
    fn another_key_shares_nothing() {
        let a = AgencyEncoder::padron(&key(1), ParseOptions::default()).unwrap();
        let b = AgencyEncoder::padron(&key(2), ParseOptions::default()).unwrap();
        let (ta, fa, _) = encode(&a, &rosa());
        let (tb, fb, _) = encode(&b, &rosa());
        for (x, y) in ta.iter().zip(&tb) {
            assert!(x.is_some() && x != y);
        }
        let r = a.bloom.layout().record;
        let d = dice(
            &fa[r.offset..r.offset + r.words],
            &fb[r.offset..r.offset + r.words],
        );
        assert!(d < 0.7, "{d}");
    }

    #[test]
    fn column_encoder_reads_any_schema_alike_for_every_spelling() {
        let k = key(3);
        let schema = Schema::febrl();
        assert!(!AgencyEncoder::fills(&schema));
        assert!(AgencyEncoder::fills(&Schema::padron()));
        let enc = ColumnEncoder::new(&k, Algorithm::HmacSha256, schema).unwrap();
        let cols = enc.columns();
        assert_eq!(cols.first(), Some(&"given_name"));
        let row = |given: &'static str, dob: &'static str| -> Vec<Option<&'static str>> {
            cols.iter()
                .map(|c| match *c {
                    "given_name" => Some(given),
                    "surname" => Some("Peña"),
                    "date_of_birth" => Some(dob),
                    "suburb" => Some("kingston"),
                    _ => None,
                })
                .collect()
        };
        let mut s = enc.scratch();
        let r1 = enc.encode(&row("José  Luis", "19800102"), &mut s).unwrap();
        let f1 = s.filters().to_vec();
        assert!(s.tokens().is_empty() && r1.tokens == 0);
        enc.encode(&row("JOSE LUIS", "1980-01-02"), &mut s).unwrap();
        assert_eq!(f1, s.filters(), "case, accents, blanks and date layout");
        enc.encode(&row("JOSE LUIZ", "1980-01-02"), &mut s).unwrap();
        assert_ne!(f1, s.filters());
        assert!(enc.encode(&row("X", "1")[..2], &mut s).is_err());
        assert_eq!(enc.header(&k, None).rules().len(), 0);
    }

    #[test]
    fn debug_shows_no_personal_data() {
        let text = format!("{:?}", rosa());
        assert!(!text.contains("ROSA") && !text.contains("MOTR"), "{text}");
    }
}
