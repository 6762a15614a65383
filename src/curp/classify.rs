//! Triage of a registry's CURP cell: valid, known placeholder, invalid or
//! missing (§7.1, §7.11, §8.4).

use std::fmt;

use super::normalize::normalize_input;
use super::parse::{Curp, ParseError, ParseOptions};

/// A known generic value (§8.4), reported instead of a person's CURP even
/// when it passes every rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Placeholder {
    /// `XEXX010101HNEXXXA4`: generic CURP for a foreign man (payroll / CFDI
    /// practice); also its check-digit mix-up `…A8`.
    ForeignMan,
    /// `XEXX010101MNEXXXA8` (fails the check digit): generic CURP for a
    /// foreign woman; also its mix-up `…A4`.
    ForeignWoman,
    /// "Unknown" fillers: `XXXX000000XXXXXX00`, `XXXX991301XXXXXX00`,
    /// `XXXX000000XNEXXX??` (what some generators emit for empty input).
    UnknownFiller,
    /// `AAAA000101HDFCCC09`, listed by python-stdnum among values "found
    /// online".
    FoundOnline,
    /// SDK / test fixtures: `AAAA000000HDFBBB00`, `TEST900101HDFRRN09`.
    TestFixture,
    /// The official illustrative example `SABC560626MDFLRN01` and its
    /// misprint `…09` (§3.7, §8.3), and the circulating example
    /// `HEGG560427MVZRRL0?` (§8.3).
    DocumentationExample,
    /// An entry added by the caller to a [`DenyList`]; the number is the
    /// caller's tag.
    Custom(u32),
}

impl Placeholder {
    /// Stable snake_case name (`foreign_man`, …, `custom`).
    pub fn name(self) -> &'static str {
        match self {
            Placeholder::ForeignMan => "foreign_man",
            Placeholder::ForeignWoman => "foreign_woman",
            Placeholder::UnknownFiller => "unknown_filler",
            Placeholder::FoundOnline => "found_online",
            Placeholder::TestFixture => "test_fixture",
            Placeholder::DocumentationExample => "documentation_example",
            Placeholder::Custom(_) => "custom",
        }
    }
}

impl fmt::Display for Placeholder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a CURP cell holds.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Status {
    /// A CURP that passes every rule and is not a known placeholder.
    Valid(Curp),
    /// A known generic value (§8.4), whether or not it parses.
    Placeholder(Placeholder),
    /// Something that should be a CURP but breaks rules.
    Invalid(ParseError),
    /// Nothing there: empty after normalisation, or a textual "no value"
    /// marker (`SIN CURP`, `EN TRAMITE`, `NA`, `N/A`, `NULL`, `0`, all
    /// zeros, all `X`, …, see [`is_missing_marker`]).
    Missing,
}

/// Deny-list entry: an 18-byte pattern where `?` matches any character.
#[derive(Clone, PartialEq, Eq)]
struct Entry {
    pattern: [u8; 18],
    kind: Placeholder,
}

/// Known generic values reported as [`Status::Placeholder`] (§8.4).
///
/// [`DenyList::default`] holds the built-in list (see the [`Placeholder`]
/// variants). Patterns are 18 characters, upper case, `?` matching any one
/// character.
#[derive(Clone, PartialEq, Eq)]
pub struct DenyList {
    entries: Vec<Entry>,
}

impl fmt::Debug for DenyList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Custom entries could be real CURPs: show only the count.
        f.debug_struct("DenyList")
            .field("entries", &self.entries.len())
            .finish()
    }
}

const BUILTIN: [(&[u8; 18], Placeholder); 13] = [
    (b"XEXX010101HNEXXXA4", Placeholder::ForeignMan),
    (b"XEXX010101HNEXXXA8", Placeholder::ForeignMan),
    (b"XEXX010101MNEXXXA8", Placeholder::ForeignWoman),
    (b"XEXX010101MNEXXXA4", Placeholder::ForeignWoman),
    (b"XXXX000000XXXXXX00", Placeholder::UnknownFiller),
    (b"XXXX991301XXXXXX00", Placeholder::UnknownFiller),
    (b"XXXX000000XNEXXX??", Placeholder::UnknownFiller),
    (b"AAAA000101HDFCCC09", Placeholder::FoundOnline),
    (b"AAAA000000HDFBBB00", Placeholder::TestFixture),
    (b"TEST900101HDFRRN09", Placeholder::TestFixture),
    (b"SABC560626MDFLRN01", Placeholder::DocumentationExample),
    (b"SABC560626MDFLRN09", Placeholder::DocumentationExample),
    (b"HEGG560427MVZRRL0?", Placeholder::DocumentationExample),
];

/// The distinct first four characters of [`BUILTIN`] (no `?` there).
const BUILTIN_PREFIXES: [[u8; 4]; 6] = [*b"XEXX", *b"XXXX", *b"AAAA", *b"TEST", *b"SABC", *b"HEGG"];

impl Default for DenyList {
    fn default() -> Self {
        DenyList {
            entries: BUILTIN
                .iter()
                .map(|&(p, kind)| Entry { pattern: *p, kind })
                .collect(),
        }
    }
}

/// Why a deny-list pattern was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PatternError {
    /// Not 18 characters of `A`–`Z`, `0`–`9` or `?`.
    Shape,
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("deny-list pattern must be 18 characters of A-Z, 0-9 or ?")
    }
}

impl std::error::Error for PatternError {}

impl DenyList {
    /// An empty list (nothing is a placeholder).
    pub fn empty() -> DenyList {
        DenyList {
            entries: Vec::new(),
        }
    }

    /// Add a pattern (18 characters `A`–`Z`, `0`–`9`, `?` = any one).
    pub fn add(&mut self, pattern: &str, kind: Placeholder) -> Result<(), PatternError> {
        let b = pattern.as_bytes();
        let pattern: [u8; 18] = b.try_into().map_err(|_| PatternError::Shape)?;
        if !pattern
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'?')
        {
            return Err(PatternError::Shape);
        }
        self.entries.push(Entry { pattern, kind });
        Ok(())
    }

    /// Number of patterns.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the list has no pattern.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The first matching entry for an already normalised value.
    pub fn lookup(&self, value: &str) -> Option<Placeholder> {
        lookup(
            self.entries.iter().map(|e| (&e.pattern, e.kind)),
            value.as_bytes(),
        )
    }
}

fn lookup<'a>(
    entries: impl Iterator<Item = (&'a [u8; 18], Placeholder)>,
    value: &[u8],
) -> Option<Placeholder> {
    let v: &[u8; 18] = value.try_into().ok()?;
    for (pattern, kind) in entries {
        if pattern
            .iter()
            .zip(v.iter())
            .all(|(p, c)| *p == b'?' || p == c)
        {
            return Some(kind);
        }
    }
    None
}

/// Where [`decide`] looks up placeholders.
#[derive(Clone, Copy)]
enum Deny<'a> {
    Builtin,
    List(&'a DenyList),
}

impl Deny<'_> {
    fn lookup(self, value: &str) -> Option<Placeholder> {
        self.lookup_bytes(value.as_bytes())
    }

    fn lookup_bytes(self, value: &[u8]) -> Option<Placeholder> {
        match self {
            Deny::Builtin => {
                // Every built-in pattern starts with one of these four
                // letters: reject everything else without scanning.
                let first4 = value.first_chunk::<4>()?;
                if !BUILTIN_PREFIXES.contains(first4) {
                    return None;
                }
                lookup(BUILTIN.iter().copied(), value)
            }
            Deny::List(d) => lookup(d.entries.iter().map(|e| (&e.pattern, e.kind)), value),
        }
    }
}

/// Textual "no value" markers, compared after [`normalize_input`] (so
/// `"sin curp"`, `"S/CURP"`, `"n/a"` all match).
const MISSING_MARKERS: [&str; 24] = [
    "SINCURP",
    "SCURP",
    "NOCURP",
    "ENTRAMITE",
    "TRAMITE",
    "PENDIENTE",
    "NA",
    "NOAPLICA",
    "ND",
    "NODISPONIBLE",
    "SD",
    "SINDATO",
    "SINDATOS",
    "NULL",
    "NULO",
    "NONE",
    "NAN",
    "NINGUNO",
    "NOTIENE",
    "DESCONOCIDO",
    "SEIGNORA",
    "SININFORMACION",
    "NOSABE",
    "SN",
];

/// True when an already normalised value means "no CURP": empty, a textual
/// marker (`SINCURP`, `ENTRAMITE`, `NA`, `NULL`, …, compared with accents
/// removed so `ENTRÁMITE` matches), all `0` or all `X` (any length).
pub fn is_missing_marker(value: &str) -> bool {
    if value.is_empty()
        || value.bytes().all(|b| b == b'0')
        || value.bytes().all(|b| b == b'X')
        || MISSING_MARKERS.contains(&value)
    {
        return true;
    }
    if value.is_ascii() || value.len() > 40 {
        return false;
    }
    let folded: String = value
        .chars()
        .map(|c| match c {
            'Á' => 'A',
            'É' => 'E',
            'Í' => 'I',
            'Ó' => 'O',
            'Ú' | 'Ü' => 'U',
            other => other,
        })
        .collect();
    MISSING_MARKERS.contains(&folded.as_str())
}

/// Triage a registry cell with the built-in deny-list: [`normalize_input`],
/// then missing markers, then the deny-list (§8.4, regardless of whether
/// the value parses), then [`Curp::parse`].
pub fn classify(text: &str, opts: &ParseOptions) -> Status {
    classify_impl(text, opts, Deny::Builtin)
}

/// [`classify`] with a caller's deny-list.
pub fn classify_with(text: &str, opts: &ParseOptions, deny: &DenyList) -> Status {
    classify_impl(text, opts, Deny::List(deny))
}

fn classify_impl(text: &str, opts: &ParseOptions, deny: Deny<'_>) -> Status {
    // Fast path: text that parses as given is already normalised (18
    // upper-case letters and digits) and is never a missing marker (those
    // all fail parsing), so only the deny-list remains to be consulted.
    if let Some(curp) = Curp::parse_valid(text, opts) {
        return match deny.lookup_bytes(curp.as_bytes()) {
            Some(p) => Status::Placeholder(p),
            None => Status::Valid(curp),
        };
    }
    let n = normalize_input(text);
    decide(&n.value, opts, deny)
}

fn decide(value: &str, opts: &ParseOptions, deny: Deny<'_>) -> Status {
    if is_missing_marker(value) {
        return Status::Missing;
    }
    if let Some(p) = deny.lookup(value) {
        return Status::Placeholder(p);
    }
    match Curp::parse(value, opts) {
        Ok(c) => Status::Valid(c),
        Err(e) => Status::Invalid(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_patterns_are_well_formed() {
        let mut d = DenyList::empty();
        for (p, k) in BUILTIN {
            d.add(std::str::from_utf8(p).unwrap(), k).unwrap();
        }
        assert_eq!(d, DenyList::default());
        for (p, _) in BUILTIN {
            assert!(BUILTIN_PREFIXES.iter().any(|x| x[..] == p[..4]));
        }
        assert_eq!(
            d.add("XEXX", Placeholder::Custom(1)),
            Err(PatternError::Shape)
        );
        assert_eq!(
            d.add("xexx010101HNEXXXA4", Placeholder::Custom(1)),
            Err(PatternError::Shape)
        );
    }
}
