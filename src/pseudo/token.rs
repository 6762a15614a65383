//! Keyed tokens and the token-rule engine.
//!
//! A token rule lists normalized fields; its token is
//! `trunc128(H(subkey(rule), enc(signature) ‖ enc(v1) ‖ … ‖ enc(vn)))` where
//! `enc(x) = u32_be(byte_len(x)) ‖ x` and `signature` is the rule's text form
//! ([`TokenRule::signature`]), e.g.
//! `surnames_unordered_dob(given_match,sorted(paternal_match,maternal_match),birth_date)`.
//! A `sorted(...)` group contributes its values in increasing byte order,
//! which makes the rule insensitive to the order of those fields. If any
//! field of the rule is missing, the rule yields no token. `docs/tokens.md`
//! is the language-neutral description with test vectors.

use hmac::Mac;
use std::fmt;
use zeroize::Zeroizing;

use super::key::{hmac_from_key, HmacSha256, Key, Purpose, Subkey};
use super::{hex_lower, parse_hex_into, valid_name, Error};
use crate::curp::State;
use crate::date::Date;

/// Keyed hash used for tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Algorithm {
    /// HMAC-SHA256 (RFC 2104 / FIPS 180-4): reproducible with any standard
    /// library. The default.
    #[default]
    HmacSha256,
    /// Keyed BLAKE3 (32-byte key mode): faster.
    Blake3,
}

impl Algorithm {
    /// Name used in headers and docs: `hmac-sha256` or `blake3`.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::HmacSha256 => "hmac-sha256",
            Algorithm::Blake3 => "blake3",
        }
    }

    /// Inverse of [`Algorithm::name`].
    pub fn from_name(name: &str) -> Option<Algorithm> {
        match name {
            "hmac-sha256" => Some(Algorithm::HmacSha256),
            "blake3" => Some(Algorithm::Blake3),
            _ => None,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A 128-bit keyed pseudonym. Public by design: linkage units join on it,
/// so it has ordinary (not constant-time) equality and a plain `Debug`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Token([u8; 16]);

impl Token {
    /// Byte length of a token.
    pub const LEN: usize = 16;

    /// A token from its 16 bytes (e.g. read back from a file).
    pub fn from_bytes(bytes: [u8; 16]) -> Token {
        Token(bytes)
    }

    /// The 16 bytes.
    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// Parses 32 hex digits (either case).
    pub fn from_hex(text: &str) -> Result<Token, Error> {
        let mut b = [0u8; 16];
        parse_hex_into(text, &mut b).map_err(|_| Error::BadHex { what: "token" })?;
        Ok(Token(b))
    }

    /// Lower-case hex (32 digits).
    pub fn to_hex(&self) -> String {
        hex_lower(&self.0)
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Token({self})")
    }
}

macro_rules! token_fields {
    ($($(#[$doc:meta])* $var:ident = $name:literal, $class:ident;)*) => {
        /// A normalized field a token rule can use. Each has one canonical
        /// text form (see [`TokenField::canonical_form`]); values are
        /// checked against it by [`TokenInput::set`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum TokenField {
            $($(#[$doc])* $var,)*
        }

        impl TokenField {
            /// Every field, in index order.
            pub const ALL: &'static [TokenField] = &[$(TokenField::$var,)*];
            /// Number of fields.
            pub const COUNT: usize = [$($name,)*].len();

            /// The field's name in rule signatures, docs and headers.
            pub fn name(self) -> &'static str {
                match self { $(TokenField::$var => $name,)* }
            }

            /// Inverse of [`TokenField::name`].
            pub fn from_name(name: &str) -> Option<TokenField> {
                match name { $($name => Some(TokenField::$var),)* _ => None }
            }

            fn class(self) -> Entropy {
                match self { $(TokenField::$var => Entropy::$class,)* }
            }
        }
    };
}

token_fields! {
    /// Full CURP, 18 characters `A-Z0-9`. **Only from a CURP that parsed
    /// as valid and is not a placeholder** (the caller's duty: pass
    /// nothing otherwise, see [`TokenInput::set_curp`]).
    Curp = "curp", High;
    /// First 16 characters of a valid CURP (drops the differentiator and
    /// the check digit). Same validity duty as `curp`.
    CurpRoot = "curp_root", High;
    /// Given name(s), `match` form of spec `names.md` (`A-Z`, `*`, single spaces).
    GivenMatch = "given_match", Medium;
    /// Paternal (first) surname, `match` form.
    PaternalMatch = "paternal_match", Medium;
    /// Maternal (second) surname, `match` form.
    MaternalMatch = "maternal_match", Medium;
    /// MXF-1 primary keys of the given names (space-joined per token).
    GivenMxf1 = "given_mxf1", Medium;
    /// MXF-1 primary key(s) of the paternal surname.
    PaternalMxf1 = "paternal_mxf1", Medium;
    /// MXF-1 primary key(s) of the maternal surname.
    MaternalMxf1 = "maternal_mxf1", Medium;
    /// Birth date, ISO `YYYY-MM-DD`, a real calendar date.
    BirthDate = "birth_date", Medium;
    /// Sex as in the CURP: `H`, `M` or `X`.
    Sex = "sex", Low;
    /// State of birth, RENAPO two-letter code (incl. `NE`).
    State = "state", Low;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entropy {
    Low,
    Medium,
    High,
}

impl TokenField {
    /// Index of this field in [`TokenField::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// A short description of the canonical form.
    pub fn canonical_form(self) -> &'static str {
        match self {
            TokenField::Curp => "18 characters A-Z 0-9",
            TokenField::CurpRoot => "16 characters A-Z 0-9",
            TokenField::GivenMatch | TokenField::PaternalMatch | TokenField::MaternalMatch => {
                "words of A-Z or * separated by single spaces"
            }
            TokenField::GivenMxf1 | TokenField::PaternalMxf1 | TokenField::MaternalMxf1 => {
                "words of A-Z separated by single spaces"
            }
            TokenField::BirthDate => "a real date as YYYY-MM-DD",
            TokenField::Sex => "H, M or X",
            TokenField::State => "a RENAPO state code such as DF or NE",
        }
    }

    fn is_canonical(self, v: &str) -> bool {
        let b = v.as_bytes();
        let alnum = |n: usize| {
            b.len() == n
                && b.iter()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        };
        let words = |star: bool| {
            !b.is_empty()
                && b.split(|&c| c == b' ').all(|w| {
                    !w.is_empty()
                        && w.iter()
                            .all(|&c| c.is_ascii_uppercase() || (star && c == b'*'))
                })
        };
        match self {
            TokenField::Curp => alnum(18),
            TokenField::CurpRoot => alnum(16),
            TokenField::GivenMatch | TokenField::PaternalMatch | TokenField::MaternalMatch => {
                words(true)
            }
            TokenField::GivenMxf1 | TokenField::PaternalMxf1 | TokenField::MaternalMxf1 => {
                words(false)
            }
            TokenField::BirthDate => b.len() == 10 && b[4] == b'-' && Date::parse(v).is_ok(),
            TokenField::Sex => matches!(v, "H" | "M" | "X"),
            TokenField::State => State::from_code(v).is_some_and(|s| s.code() == v),
        }
    }
}

/// One element of a token rule.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FieldRef {
    /// One field, in its place.
    One(TokenField),
    /// Several fields whose values enter in increasing byte order, so
    /// that swapping them between columns gives the same token.
    Sorted(Vec<TokenField>),
}

/// A named token rule: which normalized fields one token is made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRule {
    name: String,
    fields: Vec<FieldRef>,
    signature: String,
}

impl TokenRule {
    /// Checks and builds a rule. Refused: a bad name (1–64 of `a-z0-9_`),
    /// no fields, a field used twice, an empty `Sorted` group, and rules too
    /// weak to publish: a rule needs a CURP field, or at least two fields
    /// among names, phonetic keys and birth date (sex and state only add to
    /// those). A token over one low-entropy attribute would be re-identified
    /// from its frequencies alone.
    pub fn new(name: &str, fields: Vec<FieldRef>) -> Result<TokenRule, Error> {
        if !valid_name(name) {
            return Err(Error::BadName { what: "rule" });
        }
        let bad = |reason| Error::BadRule {
            rule: name.to_string(),
            reason,
        };
        let mut all: Vec<TokenField> = Vec::new();
        for f in &fields {
            match f {
                FieldRef::One(x) => all.push(*x),
                FieldRef::Sorted(xs) if xs.len() < 2 => {
                    return Err(bad("a sorted group needs at least two fields"))
                }
                FieldRef::Sorted(xs) => all.extend(xs.iter().copied()),
            }
        }
        if all.is_empty() {
            return Err(bad("a rule needs at least one field"));
        }
        let mut sorted = all.clone();
        sorted.sort();
        sorted.dedup();
        if sorted.len() != all.len() {
            return Err(bad("a field is used twice"));
        }
        let high = all.iter().any(|f| f.class() == Entropy::High);
        let medium = all.iter().filter(|f| f.class() == Entropy::Medium).count();
        if !high && medium < 2 {
            return Err(bad(
                "too little entropy: needs a CURP field or two of names, phonetic keys, birth date",
            ));
        }
        let parts: Vec<String> = fields
            .iter()
            .map(|f| match f {
                FieldRef::One(x) => x.name().to_string(),
                FieldRef::Sorted(xs) => format!(
                    "sorted({})",
                    xs.iter().map(|x| x.name()).collect::<Vec<_>>().join(",")
                ),
            })
            .collect();
        let signature = format!("{name}({})", parts.join(","));
        Ok(TokenRule {
            name: name.to_string(),
            fields,
            signature,
        })
    }

    /// Parses a signature such as `name_dob(given_match,sorted(paternal_match,maternal_match),birth_date)`.
    pub fn parse(signature: &str) -> Result<TokenRule, Error> {
        let bad = |reason| Error::BadRule {
            rule: signature.chars().take(64).collect(),
            reason,
        };
        let (name, rest) = signature
            .split_once('(')
            .ok_or(bad("expected name(fields)"))?;
        let body = rest.strip_suffix(')').ok_or(bad("expected a closing )"))?;
        let field = |s: &str| TokenField::from_name(s).ok_or(bad("unknown field"));
        // Split the body at top-level commas; only sorted(...) nests.
        let mut items = Vec::new();
        let (mut depth, mut start) = (0i32, 0usize);
        for (i, c) in body.char_indices() {
            match c {
                '(' => depth += 1,
                ')' if depth == 0 => return Err(bad("unbalanced )")),
                ')' => depth -= 1,
                ',' if depth == 0 => {
                    items.push(&body[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        items.push(&body[start..]);
        let mut fields = Vec::new();
        for item in items {
            if let Some(inner) = item.strip_prefix("sorted(") {
                let inner = inner.strip_suffix(')').ok_or(bad("unclosed sorted("))?;
                let group = inner.split(',').map(field).collect::<Result<Vec<_>, _>>()?;
                fields.push(FieldRef::Sorted(group));
            } else {
                fields.push(FieldRef::One(field(item)?));
            }
        }
        let rule = TokenRule::new(name, fields)?;
        if rule.signature != signature {
            return Err(bad("not in canonical signature form"));
        }
        Ok(rule)
    }

    /// The rule's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The rule's fields.
    pub fn fields(&self) -> &[FieldRef] {
        &self.fields
    }

    /// The canonical text form, hashed as the rule tag.
    pub fn signature(&self) -> &str {
        &self.signature
    }

    /// Appends `enc(v1) ‖ … ‖ enc(vn)` to `buf` (without the tag); returns
    /// false, leaving `buf` in an unspecified state, if a field is missing.
    fn fields_into(&self, input: &TokenInput<'_>, buf: &mut Vec<u8>) -> bool {
        for f in &self.fields {
            match f {
                FieldRef::One(x) => match input.get(*x) {
                    Some(v) => enc(buf, v.as_bytes()),
                    None => return false,
                },
                FieldRef::Sorted(xs) => {
                    let mut vals: Vec<&str> = Vec::with_capacity(xs.len());
                    for x in xs {
                        match input.get(*x) {
                            Some(v) => vals.push(v),
                            None => return false,
                        }
                    }
                    vals.sort_unstable_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
                    for v in vals {
                        enc(buf, v.as_bytes());
                    }
                }
            }
        }
        true
    }

    /// The exact bytes hashed for this rule and input (tag and fields), or
    /// `None` if a field is missing. For docs and test vectors; it holds
    /// personal data, so it is returned zeroizing.
    pub fn message(&self, input: &TokenInput<'_>) -> Option<Zeroizing<Vec<u8>>> {
        let mut buf = Zeroizing::new(Vec::new());
        enc(&mut buf, self.signature.as_bytes());
        self.fields_into(input, &mut buf).then_some(buf)
    }
}

fn enc(buf: &mut Vec<u8>, x: &[u8]) {
    // Values are short; a value over 4 GiB cannot come from a CSV cell
    // that fits in memory alongside it, but saturate rather than wrap.
    let len = u32::try_from(x.len()).unwrap_or(u32::MAX);
    buf.extend_from_slice(&len.to_be_bytes());
    buf.extend_from_slice(x);
}

fn one(name: &str, fields: Vec<FieldRef>) -> TokenRule {
    match TokenRule::new(name, fields) {
        Ok(r) => r,
        // The predefined rules below are constants checked by tests.
        Err(_) => unreachable!("predefined token rule {name} is invalid"),
    }
}

/// Every predefined rule, in this order (the catalogue that
/// `examples/token_rules.rs` measures; [`default_rules`] is a subset):
///
/// | name | fields | survives |
/// |---|---|---|
/// | `curp` | curp | name and date typos |
/// | `curp_root` | curp_root | wrong differentiator or check digit |
/// | `name_dob` | given, paternal, maternal (`match`), birth_date | — (strictest name rule) |
/// | `given_paternal_dob` | given, paternal, birth_date | missing or wrong maternal surname |
/// | `surnames_unordered_dob` | given, sorted(paternal, maternal), birth_date | swapped surnames |
/// | `mxf1_dob_sex` | MXF-1 keys of the three names, birth_date, sex | spelling variants (Z/S, V/B, H, LL/Y…) |
/// | `mxf1_unordered_dob_sex` | given MXF-1, sorted(paternal, maternal MXF-1), birth_date, sex | spelling variants and swapped surnames |
/// | `name_sex_state` | given, paternal, maternal (`match`), sex, state | a wrong birth date |
/// | `surnames_dob_sex_state` | paternal, maternal (`match`), birth_date, sex, state | a changed given name |
pub fn predefined_rules() -> Vec<TokenRule> {
    use FieldRef::{One, Sorted};
    use TokenField as F;
    vec![
        one("curp", vec![One(F::Curp)]),
        one("curp_root", vec![One(F::CurpRoot)]),
        one(
            "name_dob",
            vec![
                One(F::GivenMatch),
                One(F::PaternalMatch),
                One(F::MaternalMatch),
                One(F::BirthDate),
            ],
        ),
        one(
            "given_paternal_dob",
            vec![One(F::GivenMatch), One(F::PaternalMatch), One(F::BirthDate)],
        ),
        one(
            "surnames_unordered_dob",
            vec![
                One(F::GivenMatch),
                Sorted(vec![F::PaternalMatch, F::MaternalMatch]),
                One(F::BirthDate),
            ],
        ),
        one(
            "mxf1_dob_sex",
            vec![
                One(F::GivenMxf1),
                One(F::PaternalMxf1),
                One(F::MaternalMxf1),
                One(F::BirthDate),
                One(F::Sex),
            ],
        ),
        one(
            "mxf1_unordered_dob_sex",
            vec![
                One(F::GivenMxf1),
                Sorted(vec![F::PaternalMxf1, F::MaternalMxf1]),
                One(F::BirthDate),
                One(F::Sex),
            ],
        ),
        one(
            "name_sex_state",
            vec![
                One(F::GivenMatch),
                One(F::PaternalMatch),
                One(F::MaternalMatch),
                One(F::Sex),
                One(F::State),
            ],
        ),
        one(
            "surnames_dob_sex_state",
            vec![
                One(F::PaternalMatch),
                One(F::MaternalMatch),
                One(F::BirthDate),
                One(F::Sex),
                One(F::State),
            ],
        ),
    ]
}

/// The predefined rule with this name.
pub fn predefined_rule(name: &str) -> Option<TokenRule> {
    predefined_rules().into_iter().find(|r| r.name == name)
}

/// Names of the default rules, in token order. Chosen by measurement
/// (`examples/token_rules.rs`, table in `docs/tokens.md` §3): on synthetic
/// padrones with the default corruption model, this union of exact joins
/// found 99.2–99.3 % of the cross-padrón true pairs at precision 0.995–0.996
/// (the false positives are homonyms: same names, date, sex and state). The
/// other predefined rules added no true pair once these were in
/// (`name_dob`, `surnames_unordered_dob`, `mxf1_dob_sex`) or only false
/// positives (`curp_root`, which joins homonyms by design; keep it as a
/// blocking key for a linker that separates them on other fields).
pub const DEFAULT_RULE_NAMES: &[&str] = &[
    "curp",
    "curp_root",
    "given_paternal_dob",
    "mxf1_unordered_dob_sex",
    "surnames_dob_sex_state",
    "name_sex_state",
];

/// The default rule set: [`DEFAULT_RULE_NAMES`] from [`predefined_rules`].
pub fn default_rules() -> Vec<TokenRule> {
    let all = predefined_rules();
    DEFAULT_RULE_NAMES
        .iter()
        .filter_map(|n| all.iter().find(|r| r.name == *n).cloned())
        .collect()
}

/// One record's normalized field values, by [`TokenField`].
///
/// Holds personal data: its `Debug` shows which fields are set, not values.
#[derive(Clone, Default)]
pub struct TokenInput<'a> {
    values: [Option<&'a str>; TokenField::COUNT],
}

impl<'a> TokenInput<'a> {
    /// No fields set.
    pub fn new() -> TokenInput<'a> {
        TokenInput::default()
    }

    /// Sets a field. An empty value means missing. A value not in the
    /// field's canonical form is refused (the error names the field, not
    /// the value): tokens of differently written values never match, so
    /// silent acceptance would lose matches without a trace.
    pub fn set(&mut self, field: TokenField, value: &'a str) -> Result<(), Error> {
        if value.is_empty() {
            self.values[field.index()] = None;
            return Ok(());
        }
        if !field.is_canonical(value) {
            return Err(Error::NonCanonical {
                field: field.name(),
                expected: field.canonical_form(),
            });
        }
        self.values[field.index()] = Some(value);
        Ok(())
    }

    /// Sets `curp` and `curp_root` from an 18-character CURP.
    ///
    /// **Contract:** call this only with a CURP that `curp::Curp::parse`
    /// accepted as valid (check digit included) and that is not a
    /// placeholder (`XEXX…`, all zeros, `SIN CURP`…). For anything else
    /// leave both fields unset: placeholder CURPs matching each other is
    /// what made a naive CURP join reach only 0.63 precision.
    pub fn set_curp(&mut self, curp: &'a str) -> Result<(), Error> {
        self.set(TokenField::Curp, curp)?;
        // Canonical means 18 ASCII characters, so 16 is a char boundary.
        let root = curp.get(..16).unwrap_or("");
        self.set(TokenField::CurpRoot, root)
    }

    /// Unsets a field.
    pub fn clear(&mut self, field: TokenField) {
        self.values[field.index()] = None;
    }

    /// A field's value, if set.
    pub fn get(&self, field: TokenField) -> Option<&'a str> {
        self.values[field.index()]
    }
}

impl fmt::Debug for TokenInput<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set: Vec<&str> = TokenField::ALL
            .iter()
            .filter(|x| self.get(**x).is_some())
            .map(|x| x.name())
            .collect();
        f.debug_struct("TokenInput").field("set", &set).finish()
    }
}

/// Prepared keyed state of one rule. HMAC: keyed with the rule's subkey,
/// the rule's tag already absorbed (saves two compressions per token).
/// BLAKE3: the subkey and the encoded tag (a keyed BLAKE3 hasher is 1.9 KB,
/// too big to clone per token; hashing `tag ‖ fields` in one call is as fast).
enum Prepared {
    Hmac(HmacSha256),
    Blake3 { key: Subkey, tag: Vec<u8> },
}

/// Computes the tokens of a rule set under one key and algorithm.
///
/// It holds keyed hash states derived from the subkeys (not the master
/// key). The `hmac`/`sha2`/`blake3` crates as configured here do not
/// zeroize those states on drop; the subkeys themselves are zeroized.
pub struct Tokenizer {
    algorithm: Algorithm,
    rules: Vec<TokenRule>,
    prepared: Vec<Prepared>,
}

impl Tokenizer {
    /// Derives one subkey per rule. Refuses two rules with the same name.
    pub fn new(key: &Key, algorithm: Algorithm, rules: Vec<TokenRule>) -> Result<Tokenizer, Error> {
        let mut prepared = Vec::with_capacity(rules.len());
        for (i, r) in rules.iter().enumerate() {
            if rules[..i].iter().any(|o| o.name == r.name) {
                return Err(Error::DuplicateRule {
                    rule: r.name.clone(),
                });
            }
            let mut tag = Vec::new();
            enc(&mut tag, r.signature.as_bytes());
            let p = match algorithm {
                Algorithm::HmacSha256 => {
                    let sub = key.derive(&Purpose::TokenHmacSha256 { rule: &r.name })?;
                    let mut m = hmac_from_key(sub.bytes());
                    m.update(&tag);
                    Prepared::Hmac(m)
                }
                Algorithm::Blake3 => {
                    let sub = key.derive(&Purpose::TokenBlake3 { rule: &r.name })?;
                    Prepared::Blake3 { key: sub, tag }
                }
            };
            prepared.push(p);
        }
        Ok(Tokenizer {
            algorithm,
            rules,
            prepared,
        })
    }

    /// The algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The rules, in token order.
    pub fn rules(&self) -> &[TokenRule] {
        &self.rules
    }

    /// Index of the rule with this name.
    pub fn rule_index(&self, name: &str) -> Option<usize> {
        self.rules.iter().position(|r| r.name == name)
    }

    /// The token of rule `rule` (an index into [`Tokenizer::rules`]), or
    /// `None` if the index is out of range or a field of the rule is missing.
    pub fn token(&self, rule: usize, input: &TokenInput<'_>) -> Option<Token> {
        let mut buf = Zeroizing::new(Vec::with_capacity(128));
        self.token_with(rule, input, &mut buf)
    }

    fn token_with(&self, rule: usize, input: &TokenInput<'_>, buf: &mut Vec<u8>) -> Option<Token> {
        let (r, p) = (self.rules.get(rule)?, self.prepared.get(rule)?);
        buf.clear();
        if let Prepared::Blake3 { tag, .. } = p {
            buf.extend_from_slice(tag);
        }
        if !r.fields_into(input, buf) {
            return None;
        }
        let mut out = [0u8; 16];
        match p {
            Prepared::Hmac(m) => {
                let mut m = m.clone();
                m.update(buf);
                out.copy_from_slice(&m.finalize().into_bytes()[..16]);
            }
            Prepared::Blake3 { key, .. } => {
                out.copy_from_slice(&blake3::keyed_hash(key.bytes(), buf).as_bytes()[..16]);
            }
        }
        Some(Token(out))
    }

    /// All tokens of one record, one per rule in order (`None` = missing field).
    pub fn tokens(&self, input: &TokenInput<'_>) -> Vec<Option<Token>> {
        let mut out = Vec::with_capacity(self.rules.len());
        self.tokens_into(input, &mut out);
        out
    }

    /// Like [`Tokenizer::tokens`] but reuses `out` (cleared first).
    pub fn tokens_into(&self, input: &TokenInput<'_>, out: &mut Vec<Option<Token>>) {
        out.clear();
        let mut buf = Zeroizing::new(Vec::with_capacity(128));
        for i in 0..self.rules.len() {
            out.push(self.token_with(i, input, &mut buf));
        }
    }
}

impl fmt::Debug for Tokenizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tokenizer")
            .field("algorithm", &self.algorithm)
            .field(
                "rules",
                &self.rules.iter().map(|r| r.name()).collect::<Vec<_>>(),
            )
            .field("keys", &"<redacted>")
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::digest::KeyInit;

    fn key() -> Key {
        Key::from_bytes([7; 32])
    }

    fn person() -> TokenInput<'static> {
        let mut t = TokenInput::new();
        t.set_curp("HEGM850312MDFRRR09").unwrap();
        t.set(TokenField::GivenMatch, "MARIA GUADALUPE").unwrap();
        t.set(TokenField::PaternalMatch, "HERNANDEZ").unwrap();
        t.set(TokenField::MaternalMatch, "GARCIA").unwrap();
        t.set(TokenField::GivenMxf1, "MARIA GUADALUPE").unwrap();
        t.set(TokenField::PaternalMxf1, "ERNANDES").unwrap();
        t.set(TokenField::MaternalMxf1, "GARSIA").unwrap();
        t.set(TokenField::BirthDate, "1985-03-12").unwrap();
        t.set(TokenField::Sex, "M").unwrap();
        t.set(TokenField::State, "DF").unwrap();
        t
    }

    #[test]
    fn canonical_forms() {
        let mut t = TokenInput::new();
        let ok = [
            (TokenField::Curp, "HEGM850312MDFRRR09"),
            (TokenField::CurpRoot, "HEGM850312MDFRRR"),
            (TokenField::GivenMatch, "JOSE MA*IA"),
            (TokenField::PaternalMxf1, "ERNANDES"),
            (TokenField::BirthDate, "2000-02-29"),
            (TokenField::Sex, "X"),
            (TokenField::State, "NE"),
        ];
        for (f, v) in ok {
            assert!(t.set(f, v).is_ok(), "{f:?}");
            assert_eq!(t.get(f), Some(v));
        }
        let bad = [
            (TokenField::Curp, "hegm850312mdfrrr09"),
            (TokenField::Curp, "HEGM850312MDFRRR0"),
            (TokenField::GivenMatch, "JOSE  MARIA"),
            (TokenField::GivenMatch, " JOSE"),
            (TokenField::GivenMatch, "JOSÉ"),
            (TokenField::PaternalMxf1, "ERN*NDES"),
            (TokenField::BirthDate, "2001-02-29"),
            (TokenField::BirthDate, "12/03/1985"),
            (TokenField::Sex, "F"),
            (TokenField::State, "df"),
            (TokenField::State, "ZZ"),
        ];
        for (f, v) in bad {
            let e = t.set(f, v).unwrap_err();
            assert!(matches!(e, Error::NonCanonical { field, .. } if field == f.name()));
            assert!(!e.to_string().contains(v), "error shows the value: {e}");
        }
        t.set(TokenField::Sex, "").unwrap();
        assert_eq!(t.get(TokenField::Sex), None);
    }

    #[test]
    fn weak_and_malformed_rules_are_refused() {
        use FieldRef::{One, Sorted};
        use TokenField as F;
        let weak = [
            vec![One(F::GivenMatch)],
            vec![One(F::PaternalMxf1)],
            vec![One(F::BirthDate), One(F::Sex), One(F::State)],
            vec![One(F::Sex)],
        ];
        for w in weak {
            assert!(matches!(
                TokenRule::new("weak", w),
                Err(Error::BadRule { .. })
            ));
        }
        assert!(TokenRule::new("dup", vec![One(F::Curp), One(F::Curp)]).is_err());
        assert!(TokenRule::new("s", vec![Sorted(vec![F::Curp])]).is_err());
        assert!(TokenRule::new("Bad Name", vec![One(F::Curp)]).is_err());
        assert!(TokenRule::new("empty", vec![]).is_err());
        assert!(TokenRule::new("ok", vec![One(F::GivenMatch), One(F::BirthDate)]).is_ok());
    }

    #[test]
    fn signatures_round_trip() {
        for r in predefined_rules() {
            assert_eq!(TokenRule::parse(r.signature()).unwrap(), r);
        }
        assert_eq!(
            predefined_rules()[4].signature(),
            "surnames_unordered_dob(given_match,sorted(paternal_match,maternal_match),birth_date)"
        );
        for bad in [
            "x",
            "x()",
            "x(curp",
            "x(curp,)",
            "x(nope)",
            "x(sorted(curp,curp_root)",
            "x(curp))",
            "x( curp)",
        ] {
            assert!(TokenRule::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn missing_field_gives_no_token() {
        let tok = Tokenizer::new(&key(), Algorithm::HmacSha256, predefined_rules()).unwrap();
        let mut p = person();
        assert!(tok.tokens(&p).iter().all(Option::is_some));
        p.clear(TokenField::MaternalMatch);
        let t = tok.tokens(&p);
        let names: Vec<&str> = tok
            .rules()
            .iter()
            .zip(&t)
            .filter(|(_, t)| t.is_none())
            .map(|(r, _)| r.name())
            .collect();
        assert_eq!(
            names,
            [
                "name_dob",
                "surnames_unordered_dob",
                "name_sex_state",
                "surnames_dob_sex_state"
            ]
        );
        assert_eq!(tok.token(99, &p), None);
    }

    #[test]
    fn default_rules_are_the_named_predefined_ones() {
        let d = default_rules();
        let names: Vec<&str> = d.iter().map(TokenRule::name).collect();
        assert_eq!(names, DEFAULT_RULE_NAMES);
        for r in &d {
            assert_eq!(predefined_rule(r.name()).as_ref(), Some(r));
        }
        assert_eq!(predefined_rule("nope"), None);
    }

    #[test]
    fn sorted_group_ignores_order_and_others_do_not() {
        let tok = Tokenizer::new(&key(), Algorithm::Blake3, predefined_rules()).unwrap();
        let p = person();
        let mut swapped = person();
        swapped.set(TokenField::PaternalMatch, "GARCIA").unwrap();
        swapped.set(TokenField::MaternalMatch, "HERNANDEZ").unwrap();
        let a = tok.tokens(&p);
        let b = tok.tokens(&swapped);
        let i = tok.rule_index("surnames_unordered_dob").unwrap();
        let j = tok.rule_index("name_dob").unwrap();
        assert_eq!(a[i], b[i]);
        assert_ne!(a[j], b[j]);
    }

    #[test]
    fn field_boundaries_are_unambiguous() {
        // "AB"+"C" and "A"+"BC" must differ (length prefixes).
        let rule = TokenRule::new(
            "r",
            vec![
                FieldRef::One(TokenField::GivenMatch),
                FieldRef::One(TokenField::PaternalMatch),
            ],
        )
        .unwrap();
        let tok = Tokenizer::new(&key(), Algorithm::HmacSha256, vec![rule]).unwrap();
        let mut a = TokenInput::new();
        a.set(TokenField::GivenMatch, "AB").unwrap();
        a.set(TokenField::PaternalMatch, "C").unwrap();
        let mut b = TokenInput::new();
        b.set(TokenField::GivenMatch, "A").unwrap();
        b.set(TokenField::PaternalMatch, "BC").unwrap();
        assert_ne!(tok.token(0, &a), tok.token(0, &b));
    }

    #[test]
    fn hmac_token_is_the_documented_construction() {
        // Recompute independently: subkey = HKDF-Expand(K, info, 32), then
        // HMAC-SHA256(subkey, enc(signature) || enc(fields)) truncated.
        let k = key();
        let rules = predefined_rules();
        let tok = Tokenizer::new(&k, Algorithm::HmacSha256, rules.clone()).unwrap();
        let p = person();
        for (i, r) in rules.iter().enumerate() {
            let info = format!("padron 2026-12 token hmac-sha256 v1 rule={}", r.name());
            let mut m = <HmacSha256 as KeyInit>::new_from_slice(&[7; 32]).unwrap();
            m.update(info.as_bytes());
            m.update(&[1]);
            let sub = m.finalize().into_bytes();
            let mut m = <HmacSha256 as KeyInit>::new_from_slice(&sub).unwrap();
            m.update(&r.message(&p).unwrap());
            let want = &m.finalize().into_bytes()[..16];
            assert_eq!(tok.token(i, &p).unwrap().as_bytes(), want, "{}", r.name());
        }
    }

    #[test]
    fn blake3_token_is_the_documented_construction() {
        let k = key();
        let rules = predefined_rules();
        let tok = Tokenizer::new(&k, Algorithm::Blake3, rules.clone()).unwrap();
        let p = person();
        let mut m = <HmacSha256 as KeyInit>::new_from_slice(&[7; 32]).unwrap();
        m.update(b"padron 2026-12 blake3 root v1\x01");
        let root = m.finalize().into_bytes();
        for (i, r) in rules.iter().enumerate() {
            let ctx = format!("padron 2026-12 token blake3 v1 rule={}", r.name());
            let sub = blake3::derive_key(&ctx, &root);
            let want = blake3::keyed_hash(&sub, &r.message(&p).unwrap());
            assert_eq!(tok.token(i, &p).unwrap().as_bytes(), &want.as_bytes()[..16]);
        }
    }

    #[test]
    fn message_layout() {
        let r = TokenRule::parse("t(given_match,birth_date)").unwrap();
        let mut p = TokenInput::new();
        p.set(TokenField::GivenMatch, "ANA").unwrap();
        p.set(TokenField::BirthDate, "1990-01-31").unwrap();
        let m = r.message(&p).unwrap();
        let mut want = Vec::new();
        want.extend_from_slice(&[0, 0, 0, 25]);
        want.extend_from_slice(b"t(given_match,birth_date)");
        want.extend_from_slice(&[0, 0, 0, 3]);
        want.extend_from_slice(b"ANA");
        want.extend_from_slice(&[0, 0, 0, 10]);
        want.extend_from_slice(b"1990-01-31");
        assert_eq!(&m[..], &want[..]);
    }

    #[test]
    fn algorithms_and_keys_separate() {
        let p = person();
        let a = Tokenizer::new(&key(), Algorithm::HmacSha256, predefined_rules()).unwrap();
        let b = Tokenizer::new(&key(), Algorithm::Blake3, predefined_rules()).unwrap();
        let c = Tokenizer::new(
            &Key::from_bytes([8; 32]),
            Algorithm::HmacSha256,
            predefined_rules(),
        )
        .unwrap();
        let (ta, tb, tc) = (a.tokens(&p), b.tokens(&p), c.tokens(&p));
        for x in &ta {
            assert!(!tb.contains(x) && !tc.contains(x));
        }
        let mut uniq = ta.clone();
        uniq.sort();
        uniq.dedup();
        assert_eq!(uniq.len(), ta.len(), "rules must not share tokens");
    }

    #[test]
    fn duplicate_rules_refused_and_debug_redacted() {
        let mut rules = predefined_rules();
        rules.push(rules[0].clone());
        assert!(matches!(
            Tokenizer::new(&key(), Algorithm::HmacSha256, rules),
            Err(Error::DuplicateRule { .. })
        ));
        let t = Tokenizer::new(&key(), Algorithm::HmacSha256, predefined_rules()).unwrap();
        let d = format!("{t:?} {:?}", person());
        assert!(!d.contains("HERNANDEZ") && !d.contains("0707"), "{d}");
    }

    #[test]
    fn token_hex() {
        let t = Token::from_bytes([0xab; 16]);
        assert_eq!(t.to_hex(), "ab".repeat(16));
        assert_eq!(Token::from_hex(&"AB".repeat(16)).unwrap(), t);
        assert!(Token::from_hex("ab").is_err());
    }
}
