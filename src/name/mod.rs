//! Mexican person names: normalization and field parsing (spec `names.md`
//! §1–§3).
//!
//! A name is held in three layers ([`ParsedName`]):
//!
//! - **raw**: the fields as received (after decoding bytes, N1);
//! - **ortho**: repaired Unicode, uppercase, accents and Ñ kept (display, CURP
//!   letter derivation);
//! - **match**: uppercase ASCII `A`–`Z`, the unknown-letter placeholder `*`
//!   and single spaces (all comparisons, phonetic keys, Bloom encodings).
//!
//! ```
//! use padron::name;
//!
//! let n = name::normalize("Ma. de los Ángeles", "de la Cruz", "MuÃ±oz");
//! let given = n.given().unwrap();
//! assert_eq!(given.as_match(), "MARIA DE LOS ANGELES");
//! assert_eq!(given.significant(), "ANGELES");
//! let pat = n.paternal().unwrap();
//! assert_eq!((pat.full(), pat.core(), pat.joined()), ("DE LA CRUZ", "CRUZ", "DELACRUZ"));
//! let mat = n.maternal().unwrap();
//! assert_eq!((mat.ortho(), mat.full()), ("MUÑOZ", "MUNOZ"));
//! assert!(n.flags().contains(name::Flags::MOJIBAKE_REPAIRED));
//! ```
//!
//! For many rows reuse one [`Normalizer`]: it keeps its scratch buffers, so
//! each name costs one allocation (its text buffer; more than four given
//! names add a token list). Fields already in the `match` alphabet
//! (uppercase words, single spaces) take a fast path that reads them in
//! place, and fields of ASCII letters in any case and the Spanish accented
//! letters (Á É Í Ó Ú Ü Ñ) take it after a fold on the stack; [`normalize`]
//! then needs no normalizer either.
//!
//! Entry points: [`normalize`] / [`Normalizer::normalize`] (three `&str`
//! fields), [`normalize_bytes`] / [`Normalizer::normalize_bytes`] (three
//! byte fields: UTF-8, else Windows-1252 with [`Flags::REENCODED`]),
//! [`parse_full_name`] (one full-name string, up to three parses) and
//! [`normalize_field`] (one field of a known kind).
//!
//! Normalization never fails and never panics: every input, including
//! arbitrary bytes, gives a (possibly empty) name.
//!
//! Privacy: all three layers are personal data. These value types have a
//! readable `Debug` for tests; do not log them.

mod decode;
mod fast;
mod fold;
mod freq;
mod parse;
mod tables;

use std::fmt;

pub use freq::{FrequencyError, FrequencyTable};

/// Conditions met while normalizing one name (a small bit set).
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Flags(u16);

impl Flags {
    /// A byte field was not valid UTF-8 and was read as Windows-1252 (N1).
    pub const REENCODED: Flags = Flags(1);
    /// UTF-8 mojibake (`MuÃ±oz`) or a DOS code page letter (`MU¥OZ`) was
    /// repaired (N2).
    pub const MOJIBAKE_REPAIRED: Flags = Flags(1 << 1);
    /// An unknown-letter marker became the placeholder `*` (N2).
    pub const UNKNOWN_LETTER: Flags = Flags(1 << 2);
    /// Digits were removed (N5).
    pub const HAD_DIGITS: Flags = Flags(1 << 3);
    /// A field held a null placeholder (`NA`, `XXX`, `SIN NOMBRE`…) and is
    /// treated as missing (N6).
    pub const PLACEHOLDER: Flags = Flags(1 << 4);
    /// A title, `JR` or roman numeral was dropped (N7).
    pub const TITLE_DROPPED: Flags = Flags(1 << 5);
    /// `VDA DE …` / `VIUDA DE …` was moved to the married surname (N7).
    pub const MARRIED_SURNAME: Flags = Flags(1 << 6);
    /// An abbreviation (`MA`, `HDZ`…) was expanded (N8).
    pub const ABBREVIATION_EXPANDED: Flags = Flags(1 << 7);
    /// An Ñ was recovered with the frequency table (N9).
    pub const N_TILDE_RECOVERED: Flags = Flags(1 << 8);
    /// Surname fields were concatenated and re-parsed (§3 split-field
    /// repair).
    pub const SURNAMES_REPARSED: Flags = Flags(1 << 9);
    /// A token of letters with no `match` form (e.g. Cyrillic) was dropped.
    pub const NON_LATIN_DROPPED: Flags = Flags(1 << 10);

    const NAMES: [(Flags, &'static str); 11] = [
        (Flags::REENCODED, "reencoded"),
        (Flags::MOJIBAKE_REPAIRED, "mojibake_repaired"),
        (Flags::UNKNOWN_LETTER, "unknown_letter"),
        (Flags::HAD_DIGITS, "had_digits"),
        (Flags::PLACEHOLDER, "placeholder"),
        (Flags::TITLE_DROPPED, "title_dropped"),
        (Flags::MARRIED_SURNAME, "married_surname"),
        (Flags::ABBREVIATION_EXPANDED, "abbreviation_expanded"),
        (Flags::N_TILDE_RECOVERED, "n_tilde_recovered"),
        (Flags::SURNAMES_REPARSED, "surnames_reparsed"),
        (Flags::NON_LATIN_DROPPED, "non_latin_dropped"),
    ];

    /// True if every flag of `other` is set.
    pub fn contains(self, other: Flags) -> bool {
        self.0 & other.0 == other.0
    }

    /// Sets the flags of `other`.
    pub fn insert(&mut self, other: Flags) {
        self.0 |= other.0;
    }

    /// True if no flag is set.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The snake-case names of the set flags, in a fixed order.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        Flags::NAMES
            .into_iter()
            .filter(move |(f, _)| self.contains(*f))
            .map(|(_, n)| n)
    }
}

impl std::ops::BitOr for Flags {
    type Output = Flags;
    fn bitor(self, rhs: Flags) -> Flags {
        Flags(self.0 | rhs.0)
    }
}

impl fmt::Debug for Flags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.names()).finish()
    }
}

/// Which field a text belongs to; decides the abbreviation table (N8).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FieldKind {
    /// Given names (`nombre`): `MA`→`MARIA`, `GPE`→`GUADALUPE`…
    Given,
    /// A surname (`primer_apellido`, `segundo_apellido`): `HDZ`→`HERNANDEZ`…
    Surname,
    /// Anything else: no abbreviation is expanded.
    Other,
}

/// How a [`ParsedName`]'s parts were assigned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParseOrder {
    /// From separate given / paternal / maternal fields.
    Fields,
    /// From one string, given names first (`JOSE LUIS HERNANDEZ GARCIA`).
    GivenFirst,
    /// From one string, surnames first (`HERNANDEZ GARCIA JOSE LUIS`).
    SurnamesFirst,
    /// Given names first, with a known compound surname grouped.
    CompoundGivenFirst,
    /// Surnames first, with a known compound surname grouped.
    CompoundSurnamesFirst,
}

/// Options of a [`Normalizer`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Characters that, inside a word, stand for an unknown letter, besides
    /// the always-recognised `?`, U+FFFD and `*` (N2). Default: `#`. Must
    /// not be letters or digits (those are never markers).
    pub unknown_markers: Vec<char>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            unknown_markers: vec!['#'],
        }
    }
}

/// Reusable normalizer: options, an optional frequency table for Ñ recovery
/// (N9) and scratch buffers.
pub struct Normalizer<'f> {
    options: Options,
    frequencies: Option<&'f FrequencyTable>,
    scratch: parse::Scratch,
}

impl fmt::Debug for Normalizer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Normalizer")
            .field("options", &self.options)
            .field("frequencies", &self.frequencies.map(FrequencyTable::len))
            .finish_non_exhaustive()
    }
}

impl Default for Normalizer<'_> {
    fn default() -> Self {
        Normalizer::new(Options::default())
    }
}

impl<'f> Normalizer<'f> {
    /// A normalizer without a frequency table (N9 is then never applied).
    pub fn new(options: Options) -> Normalizer<'f> {
        Normalizer {
            options,
            frequencies: None,
            scratch: parse::Scratch::default(),
        }
    }

    /// Enables Ñ recovery (N9) with surname frequencies built from the
    /// registries (§7).
    pub fn with_frequencies(mut self, table: &'f FrequencyTable) -> Normalizer<'f> {
        self.frequencies = Some(table);
        self
    }

    /// Normalizes a (given names, paternal surname, maternal surname) triple.
    /// An empty field is missing.
    pub fn normalize(&mut self, given: &str, paternal: &str, maternal: &str) -> ParsedName {
        self.scratch.fields(
            [given, paternal, maternal],
            Flags::default(),
            &self.options,
            self.frequencies,
        )
    }

    /// Like [`Normalizer::normalize`] for byte fields: UTF-8, or else
    /// Windows-1252 (sets [`Flags::REENCODED`]).
    pub fn normalize_bytes(
        &mut self,
        given: &[u8],
        paternal: &[u8],
        maternal: &[u8],
    ) -> ParsedName {
        let (g, rg) = decode::decode(given);
        let (p, rp) = decode::decode(paternal);
        let (m, rm) = decode::decode(maternal);
        let mut flags = Flags::default();
        if rg || rp || rm {
            flags.insert(Flags::REENCODED);
        }
        self.scratch
            .fields([&g, &p, &m], flags, &self.options, self.frequencies)
    }

    /// Like [`Normalizer::normalize`] for fields a reader has already
    /// decoded (e.g. `padron::io::PadronReader` rows): `reencoded` says the
    /// reader fell back to Windows-1252, and sets [`Flags::REENCODED`].
    pub fn normalize_decoded(
        &mut self,
        given: &str,
        paternal: &str,
        maternal: &str,
        reencoded: bool,
    ) -> ParsedName {
        let mut flags = Flags::default();
        if reencoded {
            flags.insert(Flags::REENCODED);
        }
        self.scratch.fields(
            [given, paternal, maternal],
            flags,
            &self.options,
            self.frequencies,
        )
    }

    /// Parses one full-name string into up to three candidate parses
    /// (§3): given-first, surnames-first and, when a known compound surname
    /// changes the grouping, that grouping. Empty when the text has no
    /// letters.
    pub fn parse_full_name(&mut self, text: &str) -> Vec<ParsedName> {
        self.scratch
            .full_name(text, &self.options, self.frequencies)
    }

    /// Normalizes one field of the given kind (no field parsing).
    pub fn normalize_field(&mut self, text: &str, kind: FieldKind) -> NormalizedField {
        self.scratch.single(text, kind, &self.options)
    }
}

/// [`Normalizer::normalize`] with default options and fresh buffers.
pub fn normalize(given: &str, paternal: &str, maternal: &str) -> ParsedName {
    // Default options have no space marker: the fast path applies, and
    // needs no normalizer (whose construction allocates).
    let raw = [given, paternal, maternal];
    let mut words = fast::Scan::default();
    match fast::scan(raw, &mut words) {
        fast::Verdict::Fast => return fast::build(raw, &words, Flags::default()),
        fast::Verdict::Fold => {
            if let Some(n) = fast::fields_folded(raw, Flags::default()) {
                return n;
            }
        }
        fast::Verdict::General => {}
    }
    Normalizer::default().normalize(given, paternal, maternal)
}

/// [`Normalizer::normalize_bytes`] with default options and fresh buffers.
pub fn normalize_bytes(given: &[u8], paternal: &[u8], maternal: &[u8]) -> ParsedName {
    Normalizer::default().normalize_bytes(given, paternal, maternal)
}

/// [`Normalizer::parse_full_name`] with default options.
pub fn parse_full_name(text: &str) -> Vec<ParsedName> {
    Normalizer::default().parse_full_name(text)
}

/// [`Normalizer::normalize_field`] with default options.
pub fn normalize_field(text: &str, kind: FieldKind) -> NormalizedField {
    Normalizer::default().normalize_field(text, kind)
}

/// A byte range in a name's text buffer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Span {
    start: u32,
    end: u32,
}

impl Span {
    fn of(buf: &str) -> impl Fn(usize) -> Span + '_ {
        move |start| Span {
            start: start as u32,
            end: buf.len() as u32,
        }
    }

    fn get(self, buf: &str) -> &str {
        buf.get(self.start as usize..self.end as usize)
            .unwrap_or_default()
    }
}

const PREFIX: u8 = 1;
const PARTICLE: u8 = 2;
const INITIAL: u8 = 4;
const SIGNIFICANT: u8 = 8;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct TokenSpan {
    ortho: Span,
    matchf: Span,
    kind: u8,
}

/// Names.md §3, when no given-name token is significant by itself: the
/// field without particles is, or the whole field if it is only particles.
/// Shared by the general and the fast parse so the rule has one copy.
fn settle_significant(tokens: &mut [TokenSpan]) {
    let all_particles = tokens.iter().all(|t| t.kind & PARTICLE != 0);
    for t in tokens {
        if all_particles || t.kind & PARTICLE == 0 {
            t.kind |= SIGNIFICANT;
        }
    }
}

/// Given-name token spans: inline up to four, then on the heap.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum TokenStore {
    Inline([TokenSpan; 4], u8),
    Heap(Vec<TokenSpan>),
}

impl Default for TokenStore {
    fn default() -> TokenStore {
        TokenStore::Inline([TokenSpan::default(); 4], 0)
    }
}

impl TokenStore {
    fn push(&mut self, t: TokenSpan) {
        match self {
            TokenStore::Inline(arr, n) => match arr.get_mut(usize::from(*n)) {
                Some(slot) => {
                    *slot = t;
                    *n += 1;
                }
                None => {
                    let mut v = arr.to_vec();
                    v.push(t);
                    *self = TokenStore::Heap(v);
                }
            },
            TokenStore::Heap(v) => v.push(t),
        }
    }

    fn as_slice(&self) -> &[TokenSpan] {
        match self {
            TokenStore::Inline(arr, n) => arr.get(..usize::from(*n)).unwrap_or_default(),
            TokenStore::Heap(v) => v,
        }
    }

    fn as_mut_slice(&mut self) -> &mut [TokenSpan] {
        match self {
            TokenStore::Inline(arr, n) => arr.get_mut(..usize::from(*n)).unwrap_or_default(),
            TokenStore::Heap(v) => v,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct SurnameSpan {
    ortho: Span,
    ortho_core: u32,
    full: Span,
    core: u32,
    joined: Span,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct GivenSpan {
    ortho: Span,
    matchf: Span,
    significant: Span,
}

/// A normalized and parsed person name (spec §1): given-name tokens,
/// paternal and maternal [`Surname`]s, an optional married surname (from
/// `VDA DE …`), flags, and the raw fields.
///
/// All text lives in one buffer; accessors return borrowed views.
#[derive(Clone, PartialEq, Eq)]
pub struct ParsedName {
    buf: String,
    raw: [Span; 3],
    raw_is_full_name: bool,
    given: Option<GivenSpan>,
    tokens: TokenStore,
    paternal: Option<SurnameSpan>,
    maternal: Option<SurnameSpan>,
    married: Option<SurnameSpan>,
    flags: Flags,
    order: ParseOrder,
}

impl ParsedName {
    /// The given names, if any remain after normalization.
    pub fn given(&self) -> Option<GivenName<'_>> {
        self.given.map(|g| GivenName {
            buf: &self.buf,
            span: g,
            tokens: self.tokens.as_slice(),
        })
    }

    /// The paternal (first) surname.
    pub fn paternal(&self) -> Option<Surname<'_>> {
        self.paternal.map(|s| Surname {
            buf: &self.buf,
            span: s,
        })
    }

    /// The maternal (second) surname.
    pub fn maternal(&self) -> Option<Surname<'_>> {
        self.maternal.map(|s| Surname {
            buf: &self.buf,
            span: s,
        })
    }

    /// The married surname moved out of a `VDA DE …` / `VIUDA DE …` (N7).
    pub fn married_surname(&self) -> Option<Surname<'_>> {
        self.married.map(|s| Surname {
            buf: &self.buf,
            span: s,
        })
    }

    /// What happened during normalization.
    pub fn flags(&self) -> Flags {
        self.flags
    }

    /// How the parts were assigned.
    pub fn order(&self) -> ParseOrder {
        self.order
    }

    /// The raw given-name field (`None` when parsed from a full-name string).
    pub fn raw_given(&self) -> Option<&str> {
        (!self.raw_is_full_name).then(|| self.raw[0].get(&self.buf))
    }

    /// The raw paternal-surname field.
    pub fn raw_paternal(&self) -> Option<&str> {
        (!self.raw_is_full_name).then(|| self.raw[1].get(&self.buf))
    }

    /// The raw maternal-surname field.
    pub fn raw_maternal(&self) -> Option<&str> {
        (!self.raw_is_full_name).then(|| self.raw[2].get(&self.buf))
    }

    /// The raw full-name string, when the name came from one.
    pub fn raw_full_name(&self) -> Option<&str> {
        self.raw_is_full_name.then(|| self.raw[0].get(&self.buf))
    }

    /// The whole name's `match` form, given names first, single spaces
    /// (`JOSE LUIS HERNANDEZ GARCIA`), for whole-name comparators and
    /// Bloom encodings.
    pub fn full_match(&self) -> String {
        let parts = [
            self.given().map(|g| g.as_match()),
            self.paternal().map(|s| s.full()),
            self.maternal().map(|s| s.full()),
        ];
        let mut out = String::new();
        for p in parts.into_iter().flatten() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(p);
        }
        out
    }
}

impl fmt::Debug for ParsedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParsedName")
            .field("given", &self.given().map(|g| g.as_match()))
            .field("paternal", &self.paternal().map(|s| s.full()))
            .field("maternal", &self.maternal().map(|s| s.full()))
            .field("married", &self.married_surname().map(|s| s.full()))
            .field("flags", &self.flags)
            .field("order", &self.order)
            .finish()
    }
}

/// The given names of a [`ParsedName`].
#[derive(Clone, Copy)]
pub struct GivenName<'a> {
    buf: &'a str,
    span: GivenSpan,
    tokens: &'a [TokenSpan],
}

impl<'a> GivenName<'a> {
    /// The `match` form of the whole field (`MARIA DE LOS ANGELES`).
    pub fn as_match(&self) -> &'a str {
        self.span.matchf.get(self.buf)
    }

    /// The `ortho` form of the whole field (`MARÍA DE LOS ÁNGELES`).
    pub fn ortho(&self) -> &'a str {
        self.span.ortho.get(self.buf)
    }

    /// The significant given names (§3): tokens that are not prefixes
    /// (MARIA, JOSE), particles or initials, joined by spaces; if none,
    /// the field without particles (`JOSE MARIA`).
    pub fn significant(&self) -> &'a str {
        self.span.significant.get(self.buf)
    }

    /// All tokens, in order.
    pub fn tokens(&self) -> impl ExactSizeIterator<Item = Token<'a>> + Clone + 'a {
        let buf = self.buf;
        self.tokens.iter().map(move |t| Token { buf, span: *t })
    }

    /// The tokens that make up [`GivenName::significant`].
    pub fn significant_tokens(&self) -> impl Iterator<Item = Token<'a>> + Clone + 'a {
        self.tokens().filter(|t| t.span.kind & SIGNIFICANT != 0)
    }

    /// The first significant token (used for nicknames and blocking).
    pub fn first_significant(&self) -> Option<Token<'a>> {
        let buf = self.buf;
        self.tokens
            .iter()
            .find(|t| t.kind & SIGNIFICANT != 0)
            .map(|t| Token { buf, span: *t })
    }

    /// True if every token that is not a particle is an initial (`J`,
    /// `J L`).
    pub fn only_initials(&self) -> bool {
        self.tokens()
            .filter(|t| !t.is_particle())
            .all(|t| t.is_initial())
    }
}

impl fmt::Debug for GivenName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GivenName")
            .field("match", &self.as_match())
            .field("significant", &self.significant())
            .finish()
    }
}

/// One given-name token with its flags (§1).
#[derive(Clone, Copy)]
pub struct Token<'a> {
    buf: &'a str,
    span: TokenSpan,
}

impl<'a> Token<'a> {
    /// The `match` form (`ANGELES`).
    pub fn as_match(&self) -> &'a str {
        self.span.matchf.get(self.buf)
    }

    /// The `ortho` form (`ÁNGELES`).
    pub fn ortho(&self) -> &'a str {
        self.span.ortho.get(self.buf)
    }

    /// `MARIA` or `JOSE` (after abbreviation expansion).
    pub fn is_prefix(&self) -> bool {
        self.span.kind & PREFIX != 0
    }

    /// `DE`, `DEL`, `LA`, `LOS`, `LAS` or `Y`.
    pub fn is_particle(&self) -> bool {
        self.span.kind & PARTICLE != 0
    }

    /// One letter (`J`).
    pub fn is_initial(&self) -> bool {
        self.span.kind & INITIAL != 0
    }

    /// Part of the significant given names.
    pub fn is_significant(&self) -> bool {
        self.span.kind & SIGNIFICANT != 0
    }
}

impl fmt::Debug for Token<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("match", &self.as_match())
            .field("prefix", &self.is_prefix())
            .field("particle", &self.is_particle())
            .field("initial", &self.is_initial())
            .finish()
    }
}

/// A surname in its three `match` forms (§1) plus its `ortho` form.
#[derive(Clone, Copy)]
pub struct Surname<'a> {
    buf: &'a str,
    span: SurnameSpan,
}

impl<'a> Surname<'a> {
    /// With particles, single spaces: `DE LA CRUZ`.
    pub fn full(&self) -> &'a str {
        self.span.full.get(self.buf)
    }

    /// Leading particles removed: `CRUZ` (`SAN JUAN` stays `SAN JUAN`).
    /// Equal to [`Surname::full`] when the surname is only particles.
    pub fn core(&self) -> &'a str {
        Span {
            start: self.span.core,
            end: self.span.full.end,
        }
        .get(self.buf)
    }

    /// Without spaces: `DELACRUZ`.
    pub fn joined(&self) -> &'a str {
        self.span.joined.get(self.buf)
    }

    /// The `ortho` form with particles: `DE LA CRUZ`, `MUÑOZ`.
    pub fn ortho(&self) -> &'a str {
        self.span.ortho.get(self.buf)
    }

    /// The `ortho` form without leading particles.
    pub fn ortho_core(&self) -> &'a str {
        Span {
            start: self.span.ortho_core,
            end: self.span.ortho.end,
        }
        .get(self.buf)
    }

    /// The `match` tokens of [`Surname::core`].
    pub fn core_tokens(&self) -> std::str::Split<'a, char> {
        self.core().split(' ')
    }
}

impl fmt::Debug for Surname<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Surname")
            .field("full", &self.full())
            .field("core", &self.core())
            .finish()
    }
}

/// One normalized field ([`normalize_field`]): its `ortho` and `match`
/// forms and its core (leading particles removed).
#[derive(Clone, PartialEq, Eq)]
pub struct NormalizedField {
    buf: String,
    ortho: Span,
    matchf: Span,
    core: u32,
    flags: Flags,
}

impl NormalizedField {
    /// `None` when the field is empty or a null placeholder.
    pub fn as_match(&self) -> Option<&str> {
        let m = self.matchf.get(&self.buf);
        (!m.is_empty()).then_some(m)
    }

    /// The `ortho` form (`None` like [`NormalizedField::as_match`]).
    pub fn ortho(&self) -> Option<&str> {
        let o = self.ortho.get(&self.buf);
        (!o.is_empty()).then_some(o)
    }

    /// The `match` form without leading particles (whole form if only
    /// particles).
    pub fn core(&self) -> Option<&str> {
        let c = Span {
            start: self.core,
            end: self.matchf.end,
        }
        .get(&self.buf);
        (!c.is_empty()).then_some(c)
    }

    /// What happened during normalization.
    pub fn flags(&self) -> Flags {
        self.flags
    }
}

impl fmt::Debug for NormalizedField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NormalizedField")
            .field("match", &self.as_match())
            .field("flags", &self.flags)
            .finish()
    }
}
