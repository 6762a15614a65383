//! Strict parsing of an 18-character CURP (§1–§3, validation layers §7.2–§7.9).

use std::fmt;
use std::ops::RangeInclusive;

use super::place::{Sex, State};
use super::words::is_inconvenient;
use crate::date::Date;

/// A validated CURP: 18 upper-case ASCII letters and digits that passed every
/// rule of §7.2–§7.9 under some [`ParseOptions`].
///
/// The only ways to obtain one are [`Curp::parse`] (and the functions built
/// on it, such as [`classify`](super::classify)) and the derivation functions
/// ([`derive_probable`](super::derive_probable),
/// [`with_differentiator`](super::with_differentiator)).
///
/// `Debug` is redacted (`Curp(..)`): a CURP identifies a person. `Display`
/// prints the value, for deliberate output only.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Curp {
    bytes: Key,
    // Derived from `bytes` (positions 5–10 and 17), kept so the accessor
    // needs no fallible re-parse.
    birth: Date,
}

/// The 18 bytes, 8-aligned so `str::from_utf8` in [`Curp::as_str`] takes
/// its word-at-a-time path.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(align(8))]
struct Key([u8; 18]);

/// Options for [`Curp::parse`] and [`classify`](super::classify).
///
/// The default accepts sex `X`, any letter in position 17 and performs no
/// future-date check (the library never reads the clock: pass `today`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParseOptions {
    /// Reject birth dates after this day (§7.4). `None`: no future check.
    pub today: Option<Date>,
    /// Accept `X` (non-binary) in position 11 (§3.3). Default `true`.
    pub allow_nonbinary: bool,
    /// Position 17: `false` (default) accepts any letter for births from
    /// 2000; `true` accepts only `A`–`J` (2018/2021 Instructivo, §3.6).
    pub strict_differentiator: bool,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions::new()
    }
}

impl ParseOptions {
    /// The defaults: no future check, `X` accepted, lenient position 17.
    pub const fn new() -> ParseOptions {
        ParseOptions {
            today: None,
            allow_nonbinary: true,
            strict_differentiator: false,
        }
    }

    /// Reject birth dates after `today`.
    pub fn today(mut self, today: Date) -> ParseOptions {
        self.today = Some(today);
        self
    }

    /// Set or clear the reference day for the future-date check.
    pub fn with_today(mut self, today: Option<Date>) -> ParseOptions {
        self.today = today;
        self
    }

    /// Accept (`true`) or reject (`false`) sex `X` in position 11.
    pub fn allow_nonbinary(mut self, yes: bool) -> ParseOptions {
        self.allow_nonbinary = yes;
        self
    }

    /// Only `A`–`J` (`true`) or any letter (`false`) in position 17.
    pub fn strict_differentiator(mut self, yes: bool) -> ParseOptions {
        self.strict_differentiator = yes;
        self
    }
}

/// A rule of §7 that a CURP string can break.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Rule {
    /// Not exactly 18 characters (§7.2).
    Length,
    /// Wrong character class at a position: letter, digit, vowel-or-X,
    /// consonant (§1, §7.3).
    Charset,
    /// Positions 5–10 are not a real date in the century given by position
    /// 17 (§3.1, §7.4).
    Date,
    /// The birth date is after [`ParseOptions::today`] (§7.4).
    FutureDate,
    /// Position 11 is not `H`, `M` (or `X` when allowed) (§7.5).
    Sex,
    /// Positions 12–13 are not one of the 33 codes (§3.4, §7.6).
    State,
    /// Positions 1–4 spell an uncensored word of the §6 catalogue (§7.7).
    InconvenientWord,
    /// Position 17 is a letter outside `A`–`J` in strict mode (§3.6, §7.8).
    Differentiator,
    /// Position 18 does not match the check digit of positions 1–17 (§3.7).
    CheckDigit,
}

impl Rule {
    /// All rules, in the order they are checked and reported.
    pub const ALL: [Rule; 9] = [
        Rule::Length,
        Rule::Charset,
        Rule::Date,
        Rule::FutureDate,
        Rule::Sex,
        Rule::State,
        Rule::InconvenientWord,
        Rule::Differentiator,
        Rule::CheckDigit,
    ];

    /// Stable snake_case name (a CLI/report contract): `length`, `charset`,
    /// `date`, `future_date`, `sex`, `state`, `inconvenient_word`,
    /// `differentiator`, `check_digit`.
    pub fn name(self) -> &'static str {
        match self {
            Rule::Length => "length",
            Rule::Charset => "charset",
            Rule::Date => "date",
            Rule::FutureDate => "future_date",
            Rule::Sex => "sex",
            Rule::State => "state",
            Rule::InconvenientWord => "inconvenient_word",
            Rule::Differentiator => "differentiator",
            Rule::CheckDigit => "check_digit",
        }
    }

    /// The rule with this [`name`](Rule::name).
    pub fn from_name(name: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.name() == name)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One broken rule and the 1-based positions it concerns.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Violation {
    /// The rule.
    pub rule: Rule,
    /// 1-based positions, e.g. `5..=10` for the date. For [`Rule::Length`]:
    /// the missing positions (`len+1..=18`) when too short, the extra ones
    /// (`19..=len`, capped at 255) when too long.
    pub positions: RangeInclusive<u8>,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (a, b) = (*self.positions.start(), *self.positions.end());
        if a == b {
            write!(f, "{} at {}", self.rule, a)
        } else {
            write!(f, "{} at {}-{}", self.rule, a, b)
        }
    }
}

/// Why a string is not a valid CURP: every failing rule with its positions.
///
/// Never contains nor displays the input (personal data).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    violations: Vec<Violation>,
}

impl ParseError {
    /// Every violation, in the order of [`Rule::ALL`], positions ascending
    /// within a rule. Never empty.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// The distinct rules broken, in the order of [`Rule::ALL`].
    pub fn rules(&self) -> Vec<Rule> {
        let mut out: Vec<Rule> = Vec::new();
        for v in &self.violations {
            if !out.contains(&v.rule) {
                out.push(v.rule);
            }
        }
        out
    }

    /// True when `rule` is among the violations.
    pub fn has(&self, rule: Rule) -> bool {
        self.violations.iter().any(|v| v.rule == rule)
    }

    /// The distinct rule names joined by `;` (`"charset;check_digit"`): the
    /// `errors` column of the CLI.
    pub fn rule_names(&self) -> String {
        let names: Vec<&str> = self.rules().into_iter().map(Rule::name).collect();
        names.join(";")
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid CURP: ")?;
        for (i, v) in self.violations.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{v}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseError {}

// ---------------------------------------------------------------------------
// Character classes.

// Each position requires exactly one of these bits (see POSITION_CLASS).
const DIGIT: u8 = 1;
const LETTER: u8 = 2;
const VOWEL_OR_X: u8 = 4;
const CONSONANT: u8 = 8; // includes X and Y
const ALNUM: u8 = 16;

/// Class bits of every byte; non-ASCII bytes have none.
const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = b'0';
    while b <= b'9' {
        t[b as usize] = DIGIT | ALNUM;
        b += 1;
    }
    let mut b = b'A';
    while b <= b'Z' {
        t[b as usize] = match b {
            b'A' | b'E' | b'I' | b'O' | b'U' => LETTER | ALNUM | VOWEL_OR_X,
            b'X' => LETTER | ALNUM | CONSONANT | VOWEL_OR_X,
            _ => LETTER | ALNUM | CONSONANT,
        };
        b += 1;
    }
    t
};

/// The class bit each position requires (§1).
const POSITION_CLASS: [u8; 18] = [
    LETTER,     // 1 initial of first surname
    VOWEL_OR_X, // 2 interior vowel or X
    LETTER,     // 3
    LETTER,     // 4
    DIGIT,      // 5 year
    DIGIT,      // 6
    DIGIT,      // 7 month
    DIGIT,      // 8
    DIGIT,      // 9 day
    DIGIT,      // 10
    LETTER,     // 11 sex (value checked by Rule::Sex)
    LETTER,     // 12 state (value checked by Rule::State)
    LETTER,     // 13
    CONSONANT,  // 14 interior consonants (X is a consonant)
    CONSONANT,  // 15
    CONSONANT,  // 16
    ALNUM,      // 17 differentiator
    DIGIT,      // 18 check digit
];

/// Value of an upper-case ASCII alphanumeric in the check-digit dictionary
/// (§3.7; `Ñ`, index 24, never reaches this table), or 0xFF.
const VALUE: [u8; 256] = {
    let mut t = [0xFFu8; 256];
    let mut b = b'0';
    while b <= b'9' {
        t[b as usize] = b - b'0';
        b += 1;
    }
    let mut b = b'A';
    while b <= b'Z' {
        // A–N are 10–23; Ñ takes 24, so O–Z are 25–36.
        t[b as usize] = if b <= b'N' {
            b - b'A' + 10
        } else {
            b - b'A' + 11
        };
        b += 1;
    }
    t
};

// SWAR layout of positions 1–8 (`lo`) and 9–16 (`hi`), little-endian: the
// byte of position p is lane p−1 (lo) or p−9 (hi); a mask has 0x80 in the
// lanes it selects.
const HIGH: u64 = 0x8080_8080_8080_8080;
/// Positions 1, 3, 4 (letters; 2 is checked by table).
const LETTERS_LO: u64 = 0x0000_0000_8080_0080;
/// Positions 5–8 (digits).
const DIGITS_LO: u64 = 0x8080_8080_0000_0000;
/// Positions 9–10 (digits).
const DIGITS_HI: u64 = 0x0000_0000_0000_8080;
/// Positions 11–16 (letters; 14–16 also checked as consonants by table).
const LETTERS_HI: u64 = 0x8080_8080_8080_0000;
/// Subtrahend per lane: `'0'` for digit lanes, `'A' - 10` for letter lanes.
const SUB_LO: u64 = 0x3030_3030_3737_3737;
const SUB_HI: u64 = 0x3737_3737_3737_3030;
// Weights (19 − position) as four u16 lanes in reverse order, for
// `swar::dot`: even lanes of lo are positions 1, 3, 5, 7 (18, 16, 14, 12).
const WEIGHTS_LO_EVEN: u64 = swar::pack4(18, 16, 14, 12);
const WEIGHTS_LO_ODD: u64 = swar::pack4(17, 15, 13, 11);
const WEIGHTS_HI_EVEN: u64 = swar::pack4(10, 8, 6, 4);
const WEIGHTS_HI_ODD: u64 = swar::pack4(9, 7, 5, 3);

/// Eight-bytes-at-a-time helpers; every lane is assumed below 0x80.
mod swar {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const LOW16: u64 = 0x00FF_00FF_00FF_00FF;

    /// 0x80 in each lane with `lo <= byte <= hi` (`1 <= lo <= hi < 0x80`):
    /// no lane sum exceeds 0xFF, so lanes never carry into each other.
    pub(super) fn in_range(x: u64, lo: u8, hi: u8) -> u64 {
        let ge = x.wrapping_add(ONES * u64::from(0x80 - lo));
        let gt = x.wrapping_add(ONES * u64::from(0x7F - hi));
        ge & !gt & HIGH
    }

    /// 1 in each lane with `byte > n`.
    pub(super) fn above(x: u64, n: u8) -> u64 {
        (x.wrapping_add(ONES * u64::from(0x7F - n)) & HIGH) >> 7
    }

    /// Four u16 weights for the lanes in order 0..3, stored reversed so
    /// that a multiplication accumulates the dot product in the top lane.
    pub(super) const fn pack4(w0: u64, w1: u64, w2: u64, w3: u64) -> u64 {
        w3 | (w2 << 16) | (w1 << 32) | (w0 << 48)
    }

    /// Σ value(lane) × weight(lane) over the eight byte lanes of `v`
    /// (values ≤ 36, weights ≤ 18: partial sums stay below 2^16, so the
    /// top u16 lane of each product is exact).
    pub(super) fn dot(v: u64, even: u64, odd: u64) -> u32 {
        let e = (v & LOW16).wrapping_mul(even) >> 48;
        let o = ((v >> 8) & LOW16).wrapping_mul(odd) >> 48;
        (e + o) as u32
    }
}

const NOT_ASCII: u8 = 0x80; // placeholder for a non-ASCII char: no class, no value

/// Check digit of 17 dictionary values (weights 18 down to 2, §3.7).
fn check_digit_of(values: impl Iterator<Item = u8>) -> u8 {
    let mut sum: u32 = 0;
    let mut weight: u32 = 18;
    for v in values {
        sum += u32::from(v) * weight;
        weight -= 1;
    }
    ((10 - sum % 10) % 10) as u8
}

/// The check digit (§3.7) of the first 17 characters of a CURP.
///
/// `None` unless `first17` is exactly 17 characters of the dictionary
/// `0`–`9`, `A`–`Z`, `Ñ` (upper case).
pub fn check_digit(first17: &str) -> Option<u8> {
    let mut values = [0u8; 17];
    let mut n = 0usize;
    for c in first17.chars() {
        let v = if c == 'Ñ' {
            24
        } else {
            let v = u8::try_from(c).map_or(0xFF, |b| VALUE[usize::from(b)]);
            if v == 0xFF {
                return None;
            }
            v
        };
        *values.get_mut(n)? = v;
        n += 1;
    }
    (n == 17).then(|| check_digit_of(values.into_iter()))
}

/// Check digit of a root (16 upper-case ASCII alphanumerics) plus position 17.
/// `None` if a byte is not in the dictionary.
pub(crate) fn check_digit_bytes(first17: &[u8; 17]) -> Option<u8> {
    if first17.iter().any(|&b| VALUE[usize::from(b)] == 0xFF) {
        return None;
    }
    Some(check_digit_of(
        first17.iter().map(|&b| VALUE[usize::from(b)]),
    ))
}

/// Collects violations; allocates only when the first one is pushed.
struct Sink(Vec<Violation>);

impl Sink {
    fn push(&mut self, rule: Rule, positions: RangeInclusive<u8>) {
        self.0.push(Violation { rule, positions });
    }
}

/// Century implied by position 17: digit → 1900, letter → 2000 (§3.1).
fn century(b17: u8) -> Option<u16> {
    let c = CLASS[usize::from(b17)];
    if c & DIGIT != 0 {
        Some(1900)
    } else if c & LETTER != 0 {
        Some(2000)
    } else {
        None
    }
}

/// Two ASCII digits as a number. Total: callers pass digits, and any other
/// byte gives a meaningless value instead of an overflow.
fn two_digits(a: u8, b: u8) -> u8 {
    a.wrapping_sub(b'0')
        .wrapping_mul(10)
        .wrapping_add(b.wrapping_sub(b'0'))
}

/// Birth date from positions 5–10 and 17 (bytes already known to be digits
/// at 5–10). `None` if that day does not exist.
pub(crate) fn date_of(b: &[u8; 18]) -> Option<Date> {
    let yy = u16::from(two_digits(b[4], b[5]));
    let month = two_digits(b[6], b[7]);
    let day = two_digits(b[8], b[9]);
    Date::new(century(b[16])? + yy, month, day)
}

/// Year, month, day packed so integer order is date order.
fn date_key(d: Date) -> u32 {
    (u32::from(d.year()) << 9) | (u32::from(d.month()) << 5) | u32::from(d.day())
}

/// Every violation of 18 bytes, in report order (see [`Curp::parse`]).
fn violations(b: &[u8; 18], opts: &ParseOptions) -> Vec<Violation> {
    let mut bad_class: u32 = 0; // bit i: position i+1 has the wrong class
    for (i, (&byte, &want)) in b.iter().zip(POSITION_CLASS.iter()).enumerate() {
        bad_class |= u32::from(CLASS[usize::from(byte)] & want == 0) << i;
    }
    let date_digits_ok = bad_class & 0b11_1111_0000 == 0;
    let date = if date_digits_ok {
        match century(b[16]) {
            Some(_) => date_of(b),
            None => {
                // Unknown century: accept if the day exists in either.
                let yy = u16::from(two_digits(b[4], b[5]));
                let (m, d) = (two_digits(b[6], b[7]), two_digits(b[8], b[9]));
                Date::new(1900 + yy, m, d).or_else(|| Date::new(2000 + yy, m, d))
            }
        }
    } else {
        None
    };
    let date_ok = !date_digits_ok || date.is_some();
    let future = match (date, opts.today) {
        (Some(d), Some(today)) if century(b[16]).is_some() => date_key(d) > date_key(today),
        _ => false,
    };
    let sex_ok = bad_class & (1 << 10) != 0
        || matches!(b[10], b'H' | b'M')
        || (b[10] == b'X' && opts.allow_nonbinary);
    let state_ok = bad_class & (0b11 << 11) != 0 || State::from_code_bytes(b[11], b[12]).is_some();
    let word_bad = bad_class & 0b1111 == 0 && is_inconvenient([b[0], b[1], b[2], b[3]]);
    let diff_ok = !opts.strict_differentiator
        || CLASS[usize::from(b[16])] & LETTER == 0
        || (b'A'..=b'J').contains(&b[16]);
    // Evaluated when positions 1–17 are all in the dictionary and 18 is a
    // digit; otherwise the charset violation covers it.
    let mut first17 = [0u8; 17];
    first17.copy_from_slice(&b[..17]);
    let check_ok = bad_class & (1 << 17) != 0
        || match check_digit_bytes(&first17) {
            Some(d) => d == b[17].wrapping_sub(b'0'),
            None => true,
        };

    let mut sink = Sink(Vec::new());
    // Charset: merge runs of adjacent bad positions.
    let mut i = 0u8;
    while i < 18 {
        if bad_class & (1 << i) != 0 {
            let start = i;
            while i + 1 < 18 && bad_class & (1 << (i + 1)) != 0 {
                i += 1;
            }
            sink.push(Rule::Charset, (start + 1)..=(i + 1));
        }
        i += 1;
    }
    if !date_ok {
        sink.push(Rule::Date, 5..=10);
    }
    if future {
        sink.push(Rule::FutureDate, 5..=10);
    }
    if !sex_ok {
        sink.push(Rule::Sex, 11..=11);
    }
    if !state_ok {
        sink.push(Rule::State, 12..=13);
    }
    if word_bad {
        sink.push(Rule::InconvenientWord, 1..=4);
    }
    if !diff_ok {
        sink.push(Rule::Differentiator, 17..=17);
    }
    if !check_ok {
        sink.push(Rule::CheckDigit, 18..=18);
    }
    sink.0
}

impl Curp {
    /// Parse exactly the characters given (no trimming, no case folding; use
    /// [`normalize_input`](super::normalize_input) or
    /// [`classify`](super::classify) for user text).
    ///
    /// On failure the error lists **every** failing rule:
    ///
    /// * Wrong length: only [`Rule::Length`] is reported. Once a character is
    ///   missing or extra, positions no longer line up and further rules
    ///   would report noise.
    /// * A character of the wrong class is reported as [`Rule::Charset`]
    ///   (adjacent positions merged into one range). The semantic rule of
    ///   those positions (date, sex, state) is then not evaluated, so one
    ///   defect is reported once; a non-ASCII character counts as a
    ///   wrong-class character at its (character) position.
    /// * The date is read in 19YY for a digit in 17, 20YY for a letter; if
    ///   17 is neither, the date passes if it exists in either century.
    /// * The check digit is evaluated whenever positions 1–17 are ASCII
    ///   letters/digits and 18 is a digit, independently of other rules.
    ///
    /// Allocation-free on success.
    pub fn parse(text: &str, opts: &ParseOptions) -> Result<Curp, ParseError> {
        let mut bytes = [0u8; 18];
        let raw = text.as_bytes();
        if raw.len() == 18 && raw.is_ascii() {
            bytes.copy_from_slice(raw);
        } else {
            // Count characters; map non-ASCII ones to a classless byte so the
            // positions reported are character positions.
            let mut n = 0usize;
            for c in text.chars() {
                if let Some(slot) = bytes.get_mut(n) {
                    *slot = u8::try_from(c)
                        .ok()
                        .filter(u8::is_ascii)
                        .unwrap_or(NOT_ASCII);
                }
                n += 1;
            }
            if n != 18 {
                let positions = if n < 18 {
                    (n as u8 + 1)..=18
                } else {
                    19..=u8::try_from(n).unwrap_or(u8::MAX)
                };
                return Err(ParseError {
                    violations: vec![Violation {
                        rule: Rule::Length,
                        positions,
                    }],
                });
            }
        }
        Curp::parse_bytes(&bytes, opts)
    }

    /// `Some` when `text` is exactly a valid CURP; like [`Curp::parse`] but
    /// never builds the error, for callers with a fallback.
    pub(crate) fn parse_valid(text: &str, opts: &ParseOptions) -> Option<Curp> {
        let b: &[u8; 18] = text.as_bytes().try_into().ok()?;
        Curp::fast_path(b, opts)
    }

    /// Strict checks on exactly 18 bytes (see [`Curp::parse`]).
    pub(crate) fn parse_bytes(b: &[u8; 18], opts: &ParseOptions) -> Result<Curp, ParseError> {
        match Curp::fast_path(b, opts) {
            Some(c) => Ok(c),
            None => Err(ParseError {
                violations: violations(b, opts),
            }),
        }
    }

    /// The success path: `Some` exactly when [`violations`] finds none
    /// (a unit property test holds the two together). Positions 1–16 are
    /// checked and summed eight bytes at a time (SWAR), the rest by table;
    /// no allocation.
    #[inline]
    fn fast_path(b: &[u8; 18], opts: &ParseOptions) -> Option<Curp> {
        let (first8, rest) = b.split_first_chunk::<8>()?;
        let (second8, _) = rest.split_first_chunk::<8>()?;
        let lo = u64::from_le_bytes(*first8);
        let hi = u64::from_le_bytes(*second8);
        let (b1, b13, b14, b15, b16, b17) = (b[1], b[13], b[14], b[15], b[16], b[17]);
        let class = |x: u8| CLASS[usize::from(x)];
        let shape_ok = (lo | hi) & HIGH == 0
            && swar::in_range(lo, b'A', b'Z') & LETTERS_LO == LETTERS_LO
            && swar::in_range(lo, b'0', b'9') & DIGITS_LO == DIGITS_LO
            && swar::in_range(hi, b'A', b'Z') & LETTERS_HI == LETTERS_HI
            && swar::in_range(hi, b'0', b'9') & DIGITS_HI == DIGITS_HI
            && class(b1) & VOWEL_OR_X != 0
            && class(b13) & class(b14) & class(b15) & CONSONANT != 0
            && class(b16) & ALNUM != 0
            && b17.is_ascii_digit();
        if !shape_ok {
            return None;
        }
        // Dictionary values (§3.7): digit − '0'; letter − 'A' + 10, plus one
        // after N (Ñ takes 24). Lanes are known digits or letters here.
        let v_lo = lo.wrapping_sub(SUB_LO).wrapping_add(swar::above(lo, b'N'));
        let v_hi = hi.wrapping_sub(SUB_HI).wrapping_add(swar::above(hi, b'N'));
        let sum = swar::dot(v_lo, WEIGHTS_LO_EVEN, WEIGHTS_LO_ODD)
            + swar::dot(v_hi, WEIGHTS_HI_EVEN, WEIGHTS_HI_ODD)
            + u32::from(VALUE[usize::from(b16)]) * 2;
        if u32::from(b17.wrapping_sub(b'0')) != (10 - sum % 10) % 10 {
            return None;
        }
        let birth = date_of(b)?;
        if let Some(today) = opts.today {
            if date_key(birth) > date_key(today) {
                return None;
            }
        }
        let sex_ok = matches!(b[10], b'H' | b'M') || (b[10] == b'X' && opts.allow_nonbinary);
        let diff_ok = !opts.strict_differentiator || b[16] <= b'J';
        if !sex_ok
            || !diff_ok
            || State::from_code_bytes(b[11], b[12]).is_none()
            || is_inconvenient([b[0], b[1], b[2], b[3]])
        {
            return None;
        }
        Some(Curp {
            bytes: Key(*b),
            birth,
        })
    }

    /// Build from bytes already known to be well-shaped (derivation). The
    /// caller guarantees 18 upper-case ASCII alphanumerics.
    pub(crate) fn from_parts(bytes: [u8; 18], birth: Date) -> Curp {
        Curp {
            bytes: Key(bytes),
            birth,
        }
    }

    /// The 18 characters.
    pub fn as_str(&self) -> &str {
        // Invariant: `bytes` holds only ASCII (checked on construction), so
        // this never falls back.
        std::str::from_utf8(&self.bytes.0).unwrap_or_default()
    }

    /// The 18 bytes.
    pub fn as_bytes(&self) -> &[u8; 18] {
        &self.bytes.0
    }

    /// Positions 1–16, the root (*segmento raíz*): derivable from the
    /// person's data. Homonyms share it; never match people on it alone.
    pub fn root(&self) -> &str {
        self.as_str().get(..16).unwrap_or_default()
    }

    /// The root as a [`Root`](super::Root) value.
    pub fn to_root(&self) -> super::Root {
        let mut r = [0u8; 16];
        r.copy_from_slice(&self.bytes.0[..16]);
        super::Root::from_bytes(r)
    }

    /// Birth date, century from position 17 (digit → 19YY, letter → 20YY;
    /// persons born before 1900 also read as 19YY, §3.1).
    pub fn birth_date(&self) -> Date {
        self.birth
    }

    /// Sex, position 11.
    pub fn sex(&self) -> Sex {
        match self.bytes.0[10] {
            b'H' => Sex::Hombre,
            b'M' => Sex::Mujer,
            _ => Sex::NoBinario,
        }
    }

    /// State of birth, positions 12–13 (`NE`: born abroad).
    pub fn state(&self) -> State {
        // Invariant: validated on construction; `Ne` is never reached.
        State::from_code_bytes(self.bytes.0[11], self.bytes.0[12]).unwrap_or(State::Ne)
    }

    /// Position 17, the homonym/century differentiator.
    pub fn differentiator(&self) -> char {
        char::from(self.bytes.0[16])
    }

    /// Position 18 as a number 0–9.
    pub fn check_digit(&self) -> u8 {
        self.bytes.0[17].wrapping_sub(b'0')
    }
}

impl fmt::Debug for Curp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Curp(..)")
    }
}

impl fmt::Display for Curp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn worked_example_check_digit() {
        assert_eq!(check_digit("SABC560626MDFLRN0"), Some(1));
        assert_eq!(check_digit("SABC560626MDFLRN"), None);
        assert_eq!(check_digit("sABC560626MDFLRN0"), None);
        assert_eq!(check_digit("SABC560626MDFLRN0X"), None);
    }

    #[test]
    fn dictionary_skips_enye() {
        assert_eq!(VALUE[usize::from(b'N')], 23);
        assert_eq!(VALUE[usize::from(b'O')], 25);
        assert_eq!(VALUE[usize::from(b'Z')], 36);
    }

    #[test]
    fn parses_worked_example() {
        let c = Curp::parse("SABC560626MDFLRN01", &ParseOptions::default()).unwrap();
        assert_eq!(c.as_str(), "SABC560626MDFLRN01");
        assert_eq!(c.root(), "SABC560626MDFLRN");
        assert_eq!(c.birth_date(), Date::new(1956, 6, 26).unwrap());
        assert_eq!(c.sex(), Sex::Mujer);
        assert_eq!(c.state(), State::Df);
        assert_eq!(c.differentiator(), '0');
        assert_eq!(c.check_digit(), 1);
        assert_eq!(format!("{c:?}"), "Curp(..)");
        assert_eq!(c.to_string(), "SABC560626MDFLRN01");
    }

    /// Near-valid 18-byte values: a class-appropriate character per
    /// position (occasionally anything), usually the right check digit.
    fn near_valid() -> impl Strategy<Value = [u8; 18]> {
        let pos = |set: &'static [u8]| {
            prop_oneof![
                40 => prop::sample::select(set),
                1 => any::<u8>(),
                1 => prop::sample::select(&b"0AEIOUXHMNZ*"[..]),
            ]
        };
        const L: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        const V: &[u8] = b"AEIOUX";
        const D: &[u8] = b"0123456789";
        const DATE_Y: &[u8] = b"0019";
        const C: &[u8] = b"BCDFGHJKLMNPQRSTVWXYZ";
        let parts = (
            (pos(L), pos(V), pos(L), pos(L)),
            (
                pos(DATE_Y),
                pos(D),
                pos(b"01"),
                pos(D),
                pos(b"0123"),
                pos(D),
            ),
            (pos(b"HMX"), pos(b"DFNEMCJS"), pos(b"FCEST")),
            (pos(C), pos(C), pos(C), pos(b"0AJKZ")),
            (pos(D), 0u8..4, 0..State::ALL.len()),
        );
        parts.prop_map(|(a, b, c, d, (last, fix, state))| {
            let mut x = [
                a.0, a.1, a.2, a.3, b.0, b.1, b.2, b.3, b.4, b.5, c.0, c.1, c.2, d.0, d.1, d.2,
                d.3, last,
            ];
            if fix >= 1 {
                // Usually a real state code, so most values get far.
                let code = State::ALL[state].code().as_bytes();
                x[11] = code[0];
                x[12] = code[1];
            }
            if fix >= 2 {
                let mut f = [0u8; 17];
                f.copy_from_slice(&x[..17]);
                if let Some(cd) = check_digit_bytes(&f) {
                    x[17] = b'0' + cd;
                }
            }
            x
        })
    }

    proptest::proptest! {
        #[test]
        fn fast_path_agrees_with_full_evaluation(
            b in near_valid(),
            today in proptest::option::of(0i64..800_000),
            nonbinary in any::<bool>(),
            strict in any::<bool>(),
        ) {
            let opts = ParseOptions {
                today: today.and_then(Date::from_ordinal),
                allow_nonbinary: nonbinary,
                strict_differentiator: strict,
            };
            let fast = Curp::fast_path(&b, &opts);
            let all = violations(&b, &opts);
            proptest::prop_assert_eq!(fast.is_some(), all.is_empty(), "{:?}", all);
        }
    }

    #[test]
    fn error_display_has_no_value() {
        let e = Curp::parse("SABC560626MDFLRN09", &ParseOptions::default()).unwrap_err();
        let shown = e.to_string();
        assert_eq!(shown, "invalid CURP: check_digit at 18");
        assert!(!format!("{e:?}").contains("SABC"));
    }
}
