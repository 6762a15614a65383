//! The corruption model: what happens to a person's data between the
//! birth certificate and an agency's CSV export.
//!
//! Each corruption has a rate in [`CorruptionRates`] and a stable [`Tag`]
//! name that the corruptions file lists per record. A rate is the
//! probability that the corruption is applied to an *eligible* record (one to
//! which it can apply: Ñ→N needs an Ñ, day/month swap needs a day ≤ 12 …);
//! [`CorruptionStats`] counts eligible and applied records per tag so that
//! realised rates can be checked. A tag is recorded only when the value
//! actually changed.

use serde::{Deserialize, Serialize};

use super::population::{Geography, Person};
use super::tables::Tables;
use super::text::{
    acute, base_letter, has_accent, is_front_vowel, is_vowel, strip_accents, title_case,
};
use super::SynthError;
use crate::curp::Sex;
use crate::date::Date;
use crate::rng::Rng;

macro_rules! tags {
    ($($variant:ident $name:literal $doc:literal,)*) => {
        /// One kind of corruption, as listed in the corruptions file.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Tag {
            $(
                #[doc = $doc]
                $variant,
            )*
        }

        impl Tag {
            /// Every tag, in the (stable) order used in the corruptions file.
            pub const ALL: &'static [Tag] = &[$(Tag::$variant,)*];

            /// The stable name written in the corruptions file.
            pub fn name(self) -> &'static str {
                match self { $(Tag::$variant => $name,)* }
            }

            /// From its stable name.
            pub fn from_name(name: &str) -> Option<Tag> {
                match name { $($name => Some(Tag::$variant),)* _ => None }
            }
        }
    };
}

tags! {
    CurpMissing "curp_missing" "CURP cell left empty.",
    CurpPlaceholder "curp_placeholder" "A generic CURP (XEXX010101HNEXXXA4 …) instead of the person's.",
    CurpTypoSubstitution "curp_typo_substitution" "One CURP character replaced (often an O/0, I/1, S/5 confusion).",
    CurpTypoTransposition "curp_typo_transposition" "Two adjacent CURP characters swapped.",
    CurpFormat "curp_format" "CURP in lower case, with an inner space or hyphen, or padded with blanks.",
    Nickname "nickname" "Given name replaced by a nickname (PEPE for JOSÉ).",
    GivenPrefixDropped "given_prefix_dropped" "Leading MARÍA/JOSÉ of a compound given name dropped.",
    GivenAbbreviated "given_abbreviated" "Leading MARÍA/JOSÉ abbreviated (MA., MA, M., J., J).",
    GivenTruncated "given_truncated" "Given-name field cut by a field-length limit.",
    SurnameAbbreviated "surname_abbreviated" "Surname abbreviated (HDEZ, GLEZ, MTZ …).",
    CompoundSurnameSplit "compound_surname_split" "Last word of a compound surname moved into the next surname field.",
    CompoundSurnameJoined "compound_surname_joined" "Compound surname written without spaces (DELACRUZ).",
    SecondSurnameMissing "second_surname_missing" "Second surname empty or a placeholder (X, NA, XX).",
    SurnamesSwapped "surnames_swapped" "First and second surnames exchanged.",
    SpellingByEar "spelling_by_ear" "One spelling-by-ear change: B/V, S/Z/C, LL/Y, silent H, I/Y, G/J, X/J.",
    KeyboardTypo "keyboard_typo" "One keyboard slip: neighbouring key, dropped, doubled or swapped letter.",
    OcrConfusion "ocr_confusion" "One OCR-like confusion: M/RN, D/O, CL/D, I/L, O/0, S/5, B/8 …",
    AccentDropped "accent_dropped" "Accents removed from one field of an accent-keeping padrón.",
    AccentAdded "accent_added" "A spurious accent on one vowel.",
    EnyeAsN "enye_as_n" "Ñ written N in one field.",
    Mojibake "mojibake" "One field's UTF-8 read as Windows-1252 (MUÃ‘OZ), as CP850 (MU¥OZ) or with ?.",
    CaseNoise "case_noise" "One name field in lower or title case.",
    WhitespaceNoise "whitespace_noise" "Doubled inner space or leading/trailing blanks in one name field.",
    DayMonthSwapped "day_month_swapped" "Birth day and month exchanged.",
    RegistrationState "registration_state" "State of birth replaced by the state of registration/residence.",
}

/// Number of tags.
pub const TAG_COUNT: usize = Tag::ALL.len();

// TagSet is a u32 bit set.
const _: () = assert!(TAG_COUNT <= 32);

/// A set of tags (a bit set in `Tag::ALL` order).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct TagSet(u32);

impl TagSet {
    /// The empty set.
    pub fn new() -> TagSet {
        TagSet(0)
    }

    /// Adds a tag.
    pub fn insert(&mut self, tag: Tag) {
        self.0 |= 1 << tag as u32;
    }

    /// Whether the tag is in the set.
    pub fn contains(self, tag: Tag) -> bool {
        self.0 & (1 << tag as u32) != 0
    }

    /// True for no tags.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The tags, in `Tag::ALL` order.
    pub fn iter(self) -> impl Iterator<Item = Tag> {
        Tag::ALL.iter().copied().filter(move |&t| self.contains(t))
    }

    /// `;`-joined names, as in the corruptions file (empty for no tags).
    pub fn to_names(self) -> String {
        let mut out = String::new();
        for t in self.iter() {
            if !out.is_empty() {
                out.push(';');
            }
            out.push_str(t.name());
        }
        out
    }
}

/// The rates of the corruption model (each in [0, 1]). Defaults are orders
/// of magnitude reported by audits of federal registries and observed in the
/// SEP 2012 register (data/names_freq_mx.md, "Capture variants"); override
/// any of them in a TOML/JSON config (`[corruption]` table) or with CLI flags.
///
/// "Of records" means every record is eligible; otherwise the rate is
/// conditional on the record being eligible, as stated.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CorruptionRates {
    /// CURP missing, of records (audits of federal registries: 7–10 %).
    pub curp_missing: f64,
    /// Generic placeholder CURP, of records (~1 %).
    pub curp_placeholder: f64,
    /// One substituted CURP character, of records that carry the person's CURP.
    pub curp_typo_substitution: f64,
    /// Two adjacent CURP characters swapped, of records carrying the CURP.
    pub curp_typo_transposition: f64,
    /// CURP formatting noise (case, inner separators, blanks), of records carrying the CURP.
    pub curp_format: f64,
    /// Nickname for the given name, of records whose significant given name has one.
    pub nickname: f64,
    /// MARÍA/JOSÉ dropped, of records whose given names start with it and have two or more words.
    pub given_prefix_dropped: f64,
    /// MARÍA abbreviated (MA., MA, M.), of records with a compound given name
    /// starting with MARÍA (22 % in the SEP 2012 register).
    pub maria_abbreviated: f64,
    /// JOSÉ abbreviated (J., J), of compound given names starting with JOSÉ
    /// (7.3 % in the SEP 2012 register).
    pub jose_abbreviated: f64,
    /// Given-name field truncated, of records whose given names have 12 or more
    /// characters (0.8 % of all names in the SEP register).
    pub given_truncated: f64,
    /// Surname abbreviated (HDEZ, GLEZ, MTZ…), of records with an abbreviable
    /// surname (~0.3 % of the full form in the SEP register).
    pub surname_abbreviated: f64,
    /// Compound surname split across fields, of records with a multi-word surname.
    pub compound_surname_split: f64,
    /// Compound surname joined without spaces, of records with a multi-word surname.
    pub compound_surname_joined: f64,
    /// Second surname missing, of records with a second surname.
    pub second_surname_missing: f64,
    /// Surnames swapped, of records with a second surname.
    pub surnames_swapped: f64,
    /// One spelling-by-ear change, of records (a name without any applicable
    /// letter stays unchanged).
    pub spelling_by_ear: f64,
    /// One keyboard typo, of records.
    pub keyboard_typo: f64,
    /// One OCR-like confusion, of records (a name without any applicable
    /// letter stays unchanged).
    pub ocr_confusion: f64,
    /// Accents dropped in one field, of records of accent-keeping padrones
    /// with an accented name.
    pub accent_dropped: f64,
    /// One spurious accent, of records.
    pub accent_added: f64,
    /// Ñ written N, of records with an Ñ (about one in five in the SEP register).
    pub enye_as_n: f64,
    /// Mojibake in one field, of records with a non-ASCII name character.
    pub mojibake: f64,
    /// Lower/title case in one name field, of records.
    pub case_noise: f64,
    /// Extra blanks in one name field, of records.
    pub whitespace_noise: f64,
    /// Day and month of birth swapped, of records whose birth day is 1–12
    /// and differs from the month.
    pub day_month_swapped: f64,
    /// Registration/residence state instead of the birth state, of records.
    pub registration_state: f64,
}

impl Default for CorruptionRates {
    fn default() -> Self {
        CorruptionRates {
            curp_missing: 0.10,
            curp_placeholder: 0.01,
            curp_typo_substitution: 0.02,
            curp_typo_transposition: 0.01,
            curp_format: 0.02,
            nickname: 0.01,
            given_prefix_dropped: 0.05,
            maria_abbreviated: 0.20,
            jose_abbreviated: 0.07,
            given_truncated: 0.008,
            surname_abbreviated: 0.003,
            compound_surname_split: 0.05,
            compound_surname_joined: 0.05,
            second_surname_missing: 0.02,
            surnames_swapped: 0.01,
            spelling_by_ear: 0.03,
            keyboard_typo: 0.02,
            ocr_confusion: 0.005,
            accent_dropped: 0.05,
            accent_added: 0.01,
            enye_as_n: 0.20,
            mojibake: 0.01,
            case_noise: 0.03,
            whitespace_noise: 0.03,
            day_month_swapped: 0.01,
            registration_state: 0.02,
        }
    }
}

impl CorruptionRates {
    /// No corruption at all (clean copies of the persons' data).
    pub fn none() -> CorruptionRates {
        CorruptionRates {
            curp_missing: 0.0,
            curp_placeholder: 0.0,
            curp_typo_substitution: 0.0,
            curp_typo_transposition: 0.0,
            curp_format: 0.0,
            nickname: 0.0,
            given_prefix_dropped: 0.0,
            maria_abbreviated: 0.0,
            jose_abbreviated: 0.0,
            given_truncated: 0.0,
            surname_abbreviated: 0.0,
            compound_surname_split: 0.0,
            compound_surname_joined: 0.0,
            second_surname_missing: 0.0,
            surnames_swapped: 0.0,
            spelling_by_ear: 0.0,
            keyboard_typo: 0.0,
            ocr_confusion: 0.0,
            accent_dropped: 0.0,
            accent_added: 0.0,
            enye_as_n: 0.0,
            mojibake: 0.0,
            case_noise: 0.0,
            whitespace_noise: 0.0,
            day_month_swapped: 0.0,
            registration_state: 0.0,
        }
    }

    /// Every rate with its field name, for validation and reports.
    pub fn entries(&self) -> [(&'static str, f64); 26] {
        [
            ("curp_missing", self.curp_missing),
            ("curp_placeholder", self.curp_placeholder),
            ("curp_typo_substitution", self.curp_typo_substitution),
            ("curp_typo_transposition", self.curp_typo_transposition),
            ("curp_format", self.curp_format),
            ("nickname", self.nickname),
            ("given_prefix_dropped", self.given_prefix_dropped),
            ("maria_abbreviated", self.maria_abbreviated),
            ("jose_abbreviated", self.jose_abbreviated),
            ("given_truncated", self.given_truncated),
            ("surname_abbreviated", self.surname_abbreviated),
            ("compound_surname_split", self.compound_surname_split),
            ("compound_surname_joined", self.compound_surname_joined),
            ("second_surname_missing", self.second_surname_missing),
            ("surnames_swapped", self.surnames_swapped),
            ("spelling_by_ear", self.spelling_by_ear),
            ("keyboard_typo", self.keyboard_typo),
            ("ocr_confusion", self.ocr_confusion),
            ("accent_dropped", self.accent_dropped),
            ("accent_added", self.accent_added),
            ("enye_as_n", self.enye_as_n),
            ("mojibake", self.mojibake),
            ("case_noise", self.case_noise),
            ("whitespace_noise", self.whitespace_noise),
            ("day_month_swapped", self.day_month_swapped),
            ("registration_state", self.registration_state),
        ]
    }

    /// Checks every rate is in [0, 1] and CURP missing + placeholder ≤ 1.
    pub fn validate(&self) -> Result<(), SynthError> {
        for (name, r) in self.entries() {
            if !(0.0..=1.0).contains(&r) {
                return Err(SynthError::Config(format!(
                    "corruption.{name} must be between 0 and 1"
                )));
            }
        }
        if self.curp_missing + self.curp_placeholder > 1.0 {
            return Err(SynthError::Config(
                "corruption.curp_missing + corruption.curp_placeholder must not exceed 1".into(),
            ));
        }
        Ok(())
    }
}

/// Per tag: how many records were eligible and how many got the corruption.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CorruptionStats {
    eligible: [u64; TAG_COUNT],
    applied: [u64; TAG_COUNT],
}

impl CorruptionStats {
    /// Records to which the tag's corruption could apply.
    pub fn eligible(&self, tag: Tag) -> u64 {
        self.eligible.get(tag as usize).copied().unwrap_or(0)
    }

    /// Records that received it.
    pub fn applied(&self, tag: Tag) -> u64 {
        self.applied.get(tag as usize).copied().unwrap_or(0)
    }

    /// Adds another set of counts.
    pub(crate) fn add(&mut self, other: &CorruptionStats) {
        for (a, b) in self.eligible.iter_mut().zip(&other.eligible) {
            *a += b;
        }
        for (a, b) in self.applied.iter_mut().zip(&other.applied) {
            *a += b;
        }
    }
}

/// How a padrón writes dates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum DateFormat {
    /// `YYYY-MM-DD`.
    #[default]
    #[serde(rename = "iso")]
    Iso,
    /// `DD/MM/YYYY`, the usual Mexican form.
    #[serde(rename = "dmy")]
    Dmy,
}

impl DateFormat {
    /// Writes a date in this format.
    pub fn format(self, d: Date) -> String {
        let mut s = String::with_capacity(10);
        match self {
            DateFormat::Iso => {
                push_digits(&mut s, u64::from(d.year()), 4);
                s.push('-');
                push_digits(&mut s, u64::from(d.month()), 2);
                s.push('-');
                push_digits(&mut s, u64::from(d.day()), 2);
            }
            DateFormat::Dmy => {
                push_digits(&mut s, u64::from(d.day()), 2);
                s.push('/');
                push_digits(&mut s, u64::from(d.month()), 2);
                s.push('/');
                push_digits(&mut s, u64::from(d.year()), 4);
            }
        }
        s
    }
}

/// Appends `n` in decimal, zero-padded to at least `width` digits (faster
/// than `format!` on the generation hot path).
pub(crate) fn push_digits(s: &mut String, n: u64, width: usize) {
    let mut buf = [b'0'; 20];
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let start = i.min(buf.len() - width.min(buf.len()));
    for &b in &buf[start..] {
        s.push(char::from(b));
    }
}

/// The fields of one record as written, before CSV quoting.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Fields {
    /// `curp`.
    pub curp: String,
    /// `nombre`.
    pub nombre: String,
    /// `primer_apellido`.
    pub primer_apellido: String,
    /// `segundo_apellido`.
    pub segundo_apellido: String,
    /// `sexo` (`H`/`M`).
    pub sexo: &'static str,
    /// `fecha_nacimiento`.
    pub fecha_nacimiento: String,
    /// `entidad_nacimiento` (RENAPO code).
    pub entidad_nacimiento: &'static str,
}

impl std::fmt::Debug for Fields {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Fields(<redacted>)")
    }
}

/// Placeholder CURPs seen in registries (spec/curp.md §8.4).
const PLACEHOLDERS_H: [&str; 2] = ["XEXX010101HNEXXXA4", "XEXX010101HNEXXXA8"];
const PLACEHOLDERS_M: [&str; 2] = ["XEXX010101MNEXXXA8", "XEXX010101MNEXXXA4"];
const PLACEHOLDERS_ANY: [&str; 4] = [
    "XXXX000000XXXXXX00",
    "AAAA000101HDFCCC09",
    "XXXX991301XXXXXX00",
    "AAAA000000HDFBBB00",
];

/// Surname abbreviations (data/names_freq_mx.md derivation step 2; spec/names.md N8).
const SURNAME_ABBREVIATIONS: [(&str, &[&str]); 10] = [
    ("HERNANDEZ", &["HDEZ", "HDZ", "HERNDZ"]),
    ("GONZALEZ", &["GLEZ", "GZZ", "GLZ"]),
    ("RODRIGUEZ", &["RGUEZ", "RDZ"]),
    ("MARTINEZ", &["MTZ", "MTNEZ"]),
    ("FERNANDEZ", &["FDEZ", "FDZ"]),
    ("GUTIERREZ", &["GTZ", "GTRZ"]),
    ("SANCHEZ", &["SNCHZ", "SCHZ"]),
    ("DOMINGUEZ", &["DGUEZ", "DMGZ"]),
    ("JIMENEZ", &["JMNEZ", "JMZ"]),
    ("RAMIREZ", &["RMEZ", "RMZ"]),
];

/// A padrón's writing conventions that the corruption model needs.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Style {
    pub keep_accents: bool,
    pub date_format: DateFormat,
}

/// What the model reads besides the person.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Env<'a> {
    pub rates: &'a CorruptionRates,
    pub style: Style,
    pub tables: &'a Tables,
    pub geo: &'a Geography,
}

/// Applies the model to one record of `person` and returns the written
/// fields, the tags and the per-tag counts (added into `stats`).
pub(crate) fn corrupt(
    person: &Person,
    curp: Option<&str>,
    env: &Env<'_>,
    rng: &mut Rng,
    stats: &mut CorruptionStats,
) -> (Fields, TagSet) {
    let Env {
        rates,
        style,
        tables,
        geo,
    } = *env;
    let mut c = Ctx {
        rng,
        stats,
        tags: TagSet::new(),
    };
    let mut names = [
        person.given_names.clone(),
        person.first_surname.clone(),
        person.second_surname.clone(),
    ];
    given_name_changes(&mut c, &mut names[0], rates, tables);
    surname_changes(&mut c, &mut names, rates);
    letter_changes(&mut c, &mut names, rates);
    if !style.keep_accents {
        for n in names.iter_mut().filter(|n| has_accent(n)) {
            *n = strip_accents(n);
        }
    }
    encoding_changes(&mut c, &mut names, rates, style);
    layout_changes(&mut c, &mut names, rates);

    // Birth date.
    let mut date = person.birth_date;
    let (d, m) = (date.day(), date.month());
    if c.eligible(
        Tag::DayMonthSwapped,
        d <= 12 && d != m,
        rates.day_month_swapped,
    ) {
        if let Some(swapped) = Date::new(date.year(), d, m) {
            date = swapped;
            c.applied(Tag::DayMonthSwapped);
        }
    }
    // Birth state.
    let mut state = person.birth_state;
    if c.eligible(Tag::RegistrationState, true, rates.registration_state) {
        let mut other = person.residence.state;
        let mut tries = 0;
        while other == person.birth_state && tries < 16 {
            other = geo.state(c.rng);
            tries += 1;
        }
        if other != state {
            state = other;
            c.applied(Tag::RegistrationState);
        }
    }
    let curp = curp_changes(&mut c, curp, person.sex, rates);
    let [nombre, primer_apellido, segundo_apellido] = names;
    let fields = Fields {
        curp,
        nombre,
        primer_apellido,
        segundo_apellido,
        sexo: if person.sex == Sex::Mujer { "M" } else { "H" },
        fecha_nacimiento: style.date_format.format(date),
        entidad_nacimiento: state.code(),
    };
    (fields, c.tags)
}

struct Ctx<'a> {
    rng: &'a mut Rng,
    stats: &'a mut CorruptionStats,
    tags: TagSet,
}

impl Ctx<'_> {
    /// Counts eligibility and draws whether to apply; no draw when not eligible.
    fn eligible(&mut self, tag: Tag, eligible: bool, rate: f64) -> bool {
        if !eligible {
            return false;
        }
        if let Some(e) = self.stats.eligible.get_mut(tag as usize) {
            *e += 1;
        }
        rate > 0.0 && self.rng.chance(rate)
    }

    fn applied(&mut self, tag: Tag) {
        if let Some(a) = self.stats.applied.get_mut(tag as usize) {
            *a += 1;
        }
        self.tags.insert(tag);
    }

    /// Applies `f` to one of the eligible fields (chosen uniformly) and tags
    /// the record if the text changed.
    fn on_one_field(
        &mut self,
        tag: Tag,
        rate: f64,
        names: &mut [String; 3],
        ok: impl Fn(usize, &str) -> bool,
        f: impl Fn(&str, &mut Rng) -> String,
    ) {
        let mut candidates = [0usize; 3];
        let mut n = 0;
        for (i, name) in names.iter().enumerate() {
            if ok(i, name) {
                candidates[n] = i;
                n += 1;
            }
        }
        if !self.eligible(tag, n > 0, rate) {
            return;
        }
        let Some(&i) = self.rng.choose(&candidates[..n]) else {
            return;
        };
        let new = f(&names[i], self.rng);
        if new != names[i] {
            names[i] = new;
            self.applied(tag);
        }
    }
}

/// True when `s` without accents (and Ñ as N) is exactly the ASCII `folded`;
/// no allocation.
fn folds_to(s: &str, folded: &str) -> bool {
    let mut a = s.chars().map(|c| match base_letter(c) {
        'Ñ' => 'N',
        b => b,
    });
    let mut b = folded.chars();
    loop {
        match (a.next(), b.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) if x == y => {}
            _ => return false,
        }
    }
}

fn first_word(s: &str) -> &str {
    s.split(' ').next().unwrap_or("")
}

fn given_name_changes(c: &mut Ctx<'_>, given: &mut String, rates: &CorruptionRates, t: &Tables) {
    // Nickname: for the significant given name or the whole field (CHEMA).
    // The given name is still the person's clean one here.
    let nicks = t.nicknames_for_given(given);
    if c.eligible(Tag::Nickname, !nicks.is_empty(), rates.nickname) {
        if let Some(n) = c.rng.choose(nicks) {
            *given = (*n).to_owned();
            c.applied(Tag::Nickname);
        }
    }
    let words = given.split(' ').count();
    let first = match first_word(given) {
        "MARÍA" | "MARIA" => "MARIA",
        "JOSÉ" | "JOSE" => "JOSE",
        _ => "",
    };
    let prefix = words >= 2 && !first.is_empty();
    if c.eligible(Tag::GivenPrefixDropped, prefix, rates.given_prefix_dropped) {
        if let Some((_, rest)) = given.split_once(' ') {
            *given = rest.to_owned();
            c.applied(Tag::GivenPrefixDropped);
        }
    } else if prefix {
        let (rate, forms): (f64, &[(&str, u64)]) = if first == "MARIA" {
            (rates.maria_abbreviated, &[("MA.", 5), ("MA", 3), ("M.", 2)])
        } else {
            (rates.jose_abbreviated, &[("J.", 7), ("J", 3)])
        };
        if c.eligible(Tag::GivenAbbreviated, true, rate) {
            let total: u64 = forms.iter().map(|f| f.1).sum();
            let mut x = c.rng.below(total);
            let mut form = forms.first().map(|f| f.0).unwrap_or("MA.");
            for &(f, w) in forms {
                if x < w {
                    form = f;
                    break;
                }
                x -= w;
            }
            if let Some((_, rest)) = given.split_once(' ') {
                *given = format!("{form} {rest}");
                c.applied(Tag::GivenAbbreviated);
            }
        }
    }
    let len = given.chars().count();
    if c.eligible(Tag::GivenTruncated, len >= 12, rates.given_truncated) {
        let keep = c.rng.range_inclusive(9, len as i64 - 2) as usize;
        let cut: String = given.chars().take(keep).collect();
        let cut = cut.trim_end().to_owned();
        if cut != *given && !cut.is_empty() {
            *given = cut;
            c.applied(Tag::GivenTruncated);
        }
    }
}

fn surname_changes(c: &mut Ctx<'_>, names: &mut [String; 3], rates: &CorruptionRates) {
    let abbrev = |s: &str| {
        SURNAME_ABBREVIATIONS
            .iter()
            .find(|(full, _)| folds_to(s, full))
            .map(|(_, forms)| *forms)
    };
    c.on_one_field(
        Tag::SurnameAbbreviated,
        rates.surname_abbreviated,
        names,
        |i, s| i > 0 && abbrev(s).is_some(),
        |s, rng| {
            let forms = abbrev(s).unwrap_or(&[]);
            rng.choose(forms)
                .map_or_else(|| s.to_owned(), |f| (*f).to_owned())
        },
    );
    let multi = |s: &str| s.contains(' ');
    let eligible = multi(&names[1]) || multi(&names[2]);
    if c.eligible(
        Tag::CompoundSurnameSplit,
        eligible,
        rates.compound_surname_split,
    ) {
        let use_first = multi(&names[1]) && (!multi(&names[2]) || c.rng.below(2) == 0);
        if use_first {
            if let Some((head, last)) = names[1].rsplit_once(' ') {
                let second = format!("{last} {}", names[2]);
                names[1] = head.to_owned();
                names[2] = second.trim_end().to_owned();
            }
        } else if let Some((head, last)) = names[2].rsplit_once(' ') {
            let (head, last) = (head.to_owned(), last.to_owned());
            names[1] = format!("{} {head}", names[1]).trim_start().to_owned();
            names[2] = last;
        }
        c.applied(Tag::CompoundSurnameSplit);
    }
    c.on_one_field(
        Tag::CompoundSurnameJoined,
        rates.compound_surname_joined,
        names,
        |i, s| i > 0 && s.contains(' '),
        |s, _| s.replace(' ', ""),
    );
    let has_second = !names[2].is_empty();
    if c.eligible(
        Tag::SecondSurnameMissing,
        has_second,
        rates.second_surname_missing,
    ) {
        names[2] = match c.rng.below(20) {
            0 | 1 => "X".to_owned(),
            2 => "NA".to_owned(),
            3 => "XX".to_owned(),
            _ => String::new(),
        };
        c.applied(Tag::SecondSurnameMissing);
    }
    let has_second = !names[2].is_empty() && names[1] != names[2];
    if c.eligible(Tag::SurnamesSwapped, has_second, rates.surnames_swapped) {
        names.swap(1, 2);
        c.applied(Tag::SurnamesSwapped);
    }
}

/// An edit of a word: replace `len` characters at `at` by `with`.
struct Edit {
    at: usize,
    len: usize,
    with: &'static str,
}

fn apply_edit(s: &str, e: &Edit) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 2);
    out.extend(chars.iter().take(e.at));
    out.push_str(e.with);
    out.extend(chars.iter().skip(e.at + e.len));
    out
}

fn by_ear_edits(s: &str) -> Vec<Edit> {
    let w: Vec<char> = s.chars().collect();
    let mut edits = Vec::new();
    let get = |i: usize| w.get(i).copied().unwrap_or(' ');
    for i in 0..w.len() {
        let c = base_letter(get(i));
        let next = get(i + 1);
        let prev = if i == 0 { ' ' } else { get(i - 1) };
        let mut push = |len: usize, with: &'static str| edits.push(Edit { at: i, len, with });
        match c {
            'B' => push(1, "V"),
            'V' => push(1, "B"),
            'Z' if is_front_vowel(next) => push(1, "C"),
            'Z' => push(1, "S"),
            'S' if is_front_vowel(next) => push(1, "C"),
            'S' => push(1, "Z"),
            'C' if is_front_vowel(next) => push(1, "S"),
            'L' if next == 'L' => push(2, "Y"),
            'Y' if is_vowel(next) => push(1, "LL"),
            'Y' => push(1, "I"),
            'H' if prev != 'C' && prev != 'S' => push(1, ""),
            'I' if prev == ' ' && !is_vowel(next) && next != ' ' => push(1, "Y"),
            'G' if is_front_vowel(next) => push(1, "J"),
            'J' if is_front_vowel(next) => push(1, "G"),
            'X' if is_vowel(next) && prev == ' ' => push(1, "J"),
            _ => {}
        }
        if prev == ' ' && is_vowel(get(i)) && c != 'H' {
            // Silent H added before an initial vowel (ELENA → HELENA).
            edits.push(Edit {
                at: i,
                len: 0,
                with: "H",
            });
        }
    }
    edits
}

fn ocr_edits(s: &str) -> Vec<Edit> {
    let w: Vec<char> = s.chars().collect();
    let mut edits = Vec::new();
    for i in 0..w.len() {
        let c = base_letter(w.get(i).copied().unwrap_or(' '));
        let next = w.get(i + 1).copied().unwrap_or(' ');
        let mut push = |len: usize, with: &'static str| edits.push(Edit { at: i, len, with });
        match c {
            'M' => push(1, "RN"),
            'R' if next == 'N' => push(2, "M"),
            'C' if next == 'L' => push(2, "D"),
            'D' => push(1, "O"),
            'O' => push(1, "0"),
            'I' => push(1, "L"),
            'L' => push(1, "I"),
            'S' => push(1, "5"),
            'B' => push(1, "8"),
            'E' => push(1, "F"),
            'U' => push(1, "V"),
            'G' => push(1, "6"),
            'Z' => push(1, "2"),
            _ => {}
        }
    }
    edits
}

/// Spanish QWERTY letter rows (the layout of Mexican keyboards).
const KEY_ROWS: [&[char]; 3] = [
    &['Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P'],
    &['A', 'S', 'D', 'F', 'G', 'H', 'J', 'K', 'L', 'Ñ'],
    &['Z', 'X', 'C', 'V', 'B', 'N', 'M'],
];

fn key_neighbours(c: char) -> Vec<char> {
    let mut out = Vec::new();
    for (r, row) in KEY_ROWS.iter().enumerate() {
        if let Some(i) = row.iter().position(|&k| k == c) {
            let i = i as isize;
            let r = r as isize;
            // Staggered rows: the row above is shifted left, the row below right.
            for (dr, di) in [(0, -1), (0, 1), (-1, 0), (-1, 1), (1, -1), (1, 0)] {
                let (rr, ii) = (r + dr, i + di);
                if rr < 0 || ii < 0 {
                    continue;
                }
                if let Some(k) = KEY_ROWS
                    .get(rr as usize)
                    .and_then(|row| row.get(ii as usize))
                {
                    out.push(*k);
                }
            }
        }
    }
    out
}

fn keyboard_typo(s: &str, rng: &mut Rng) -> String {
    let w: Vec<char> = s.chars().collect();
    let letters: Vec<usize> = (0..w.len())
        .filter(|&i| w.get(i).is_some_and(|c| c.is_alphabetic()))
        .collect();
    let Some(&i) = rng.choose(&letters) else {
        return s.to_owned();
    };
    let c = w.get(i).copied().unwrap_or(' ');
    let mut out: Vec<char> = w.clone();
    match rng.below(5) {
        0 | 1 => {
            // Neighbouring key (twice as likely as the other slips).
            let n = key_neighbours(base_letter(c));
            if let Some(&k) = rng.choose(&n) {
                out[i] = k;
            }
        }
        2 => {
            if letters.len() > 2 {
                out.remove(i);
            }
        }
        3 => out.insert(i, c),
        _ => {
            if let Some(&nxt) = w.get(i + 1) {
                if nxt.is_alphabetic() {
                    out.swap(i, i + 1);
                }
            }
        }
    }
    out.into_iter().collect()
}

fn letter_changes(c: &mut Ctx<'_>, names: &mut [String; 3], rates: &CorruptionRates) {
    c.on_one_field(
        Tag::SpellingByEar,
        rates.spelling_by_ear,
        names,
        // Nearly every name has a candidate letter; the few that have none
        // count as eligible and stay unchanged (and untagged).
        |_, s| !s.is_empty(),
        |s, rng| {
            // A leading blank marks the start of the first word.
            let padded = format!(" {s}");
            let edits = by_ear_edits(&padded);
            match rng.choose(&edits) {
                Some(e) => apply_edit(&padded, e).trim_start().to_owned(),
                None => s.to_owned(),
            }
        },
    );
    c.on_one_field(
        Tag::KeyboardTypo,
        rates.keyboard_typo,
        names,
        |_, s| !s.is_empty(),
        keyboard_typo,
    );
    c.on_one_field(
        Tag::OcrConfusion,
        rates.ocr_confusion,
        names,
        |_, s| !s.is_empty(),
        |s, rng| {
            let edits = ocr_edits(s);
            match rng.choose(&edits) {
                Some(e) => apply_edit(s, e),
                None => s.to_owned(),
            }
        },
    );
}

fn encoding_changes(
    c: &mut Ctx<'_>,
    names: &mut [String; 3],
    rates: &CorruptionRates,
    style: Style,
) {
    let keep = style.keep_accents;
    c.on_one_field(
        Tag::AccentDropped,
        rates.accent_dropped,
        names,
        |_, s| keep && has_accent(s),
        |s, _| strip_accents(s),
    );
    c.on_one_field(
        Tag::AccentAdded,
        rates.accent_added,
        names,
        |_, s| s.chars().any(|ch| acute(ch).is_some()),
        |s, rng| {
            let w: Vec<char> = s.chars().collect();
            let vowels: Vec<usize> = (0..w.len())
                .filter(|&i| w.get(i).and_then(|&ch| acute(ch)).is_some())
                .collect();
            let Some(&i) = rng.choose(&vowels) else {
                return s.to_owned();
            };
            w.iter()
                .enumerate()
                .map(|(j, &ch)| if j == i { acute(ch).unwrap_or(ch) } else { ch })
                .collect()
        },
    );
    c.on_one_field(
        Tag::EnyeAsN,
        rates.enye_as_n,
        names,
        |_, s| s.contains('Ñ'),
        |s, _| s.replace('Ñ', "N"),
    );
    c.on_one_field(
        Tag::Mojibake,
        rates.mojibake,
        names,
        |_, s| !s.is_ascii(),
        |s, rng| match rng.below(5) {
            0..=2 => {
                // UTF-8 bytes read as Windows-1252: Ñ (C3 91) → "Ã‘".
                let (text, _, _) = encoding_rs::WINDOWS_1252.decode(s.as_bytes());
                text.into_owned()
            }
            3 => s
                .chars()
                .map(|ch| match ch {
                    // CP850's Ñ/ñ read as Windows-1252.
                    'Ñ' => '¥',
                    'ñ' => '¤',
                    ch if !ch.is_ascii() => '?',
                    ch => ch,
                })
                .collect(),
            _ => s
                .chars()
                .map(|ch| if ch.is_ascii() { ch } else { '\u{FFFD}' })
                .collect(),
        },
    );
}

fn layout_changes(c: &mut Ctx<'_>, names: &mut [String; 3], rates: &CorruptionRates) {
    c.on_one_field(
        Tag::CaseNoise,
        rates.case_noise,
        names,
        |_, s| s.chars().any(char::is_alphabetic),
        |s, rng| {
            if rng.below(10) < 3 {
                s.to_lowercase()
            } else {
                title_case(s)
            }
        },
    );
    c.on_one_field(
        Tag::WhitespaceNoise,
        rates.whitespace_noise,
        names,
        |_, s| !s.is_empty(),
        |s, rng| {
            if s.contains(' ') && rng.below(2) == 0 {
                s.replacen(' ', "  ", 1)
            } else if rng.below(2) == 0 {
                format!("{s} ")
            } else {
                format!(" {s}")
            }
        },
    );
}

fn curp_changes(c: &mut Ctx<'_>, curp: Option<&str>, sex: Sex, rates: &CorruptionRates) -> String {
    let Some(curp) = curp else {
        return String::new();
    };
    // Missing and placeholder are one categorical draw, so each is a share of
    // all records.
    if let Some(e) = c.stats.eligible.get_mut(Tag::CurpMissing as usize) {
        *e += 1;
    }
    if let Some(e) = c.stats.eligible.get_mut(Tag::CurpPlaceholder as usize) {
        *e += 1;
    }
    let u = c.rng.next_f64();
    if u < rates.curp_missing {
        c.applied(Tag::CurpMissing);
        return String::new();
    }
    if u < rates.curp_missing + rates.curp_placeholder {
        c.applied(Tag::CurpPlaceholder);
        let list: &[&str] = match (c.rng.below(10), sex) {
            (0..=5, Sex::Mujer) => &PLACEHOLDERS_M,
            (0..=5, _) => &PLACEHOLDERS_H,
            _ => &PLACEHOLDERS_ANY,
        };
        return c.rng.choose(list).copied().unwrap_or("").to_owned();
    }
    let sub = c.eligible(
        Tag::CurpTypoSubstitution,
        true,
        rates.curp_typo_substitution,
    );
    let swap = c.eligible(
        Tag::CurpTypoTransposition,
        true,
        rates.curp_typo_transposition,
    );
    let format = c.eligible(Tag::CurpFormat, true, rates.curp_format);
    if !(sub || swap || format) {
        return curp.to_owned();
    }
    let mut chars: Vec<char> = curp.chars().collect();
    if sub {
        let i = c.rng.index(chars.len());
        if let Some(old) = chars.get(i).copied() {
            let ocr = match old {
                '0' => Some('O'),
                'O' => Some('0'),
                '1' => Some('I'),
                'I' => Some('1'),
                '5' => Some('S'),
                'S' => Some('5'),
                '8' => Some('B'),
                'B' => Some('8'),
                '2' => Some('Z'),
                'Z' => Some('2'),
                _ => None,
            };
            let new = match ocr {
                Some(o) if c.rng.below(2) == 0 => o,
                _ => {
                    let pool: &[u8] = if old.is_ascii_digit() {
                        b"0123456789"
                    } else {
                        b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                    };
                    // Skip `old` by drawing among the others.
                    let others: Vec<char> = pool
                        .iter()
                        .map(|&b| char::from(b))
                        .filter(|&ch| ch != old)
                        .collect();
                    c.rng.choose(&others).copied().unwrap_or(old)
                }
            };
            if new != old {
                chars[i] = new;
                c.applied(Tag::CurpTypoSubstitution);
            }
        }
    }
    if swap {
        let pairs: Vec<usize> = (0..chars.len().saturating_sub(1))
            .filter(|&i| chars.get(i) != chars.get(i + 1))
            .collect();
        if let Some(&i) = c.rng.choose(&pairs) {
            chars.swap(i, i + 1);
            c.applied(Tag::CurpTypoTransposition);
        }
    }
    let mut out: String = chars.into_iter().collect();
    if format {
        out = match c.rng.below(10) {
            0..=3 => out.to_lowercase(),
            4..=6 => {
                let sep = if c.rng.below(2) == 0 { " " } else { "-" };
                let at = if c.rng.below(2) == 0 { 4 } else { 10 };
                let (a, b) = out.split_at(at.min(out.len()));
                format!("{a}{sep}{b}")
            }
            _ => format!(" {out} "),
        };
        c.applied(Tag::CurpFormat);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_names_round_trip_and_are_unique() {
        let mut names: Vec<&str> = Tag::ALL.iter().map(|t| t.name()).collect();
        for t in Tag::ALL {
            assert_eq!(Tag::from_name(t.name()), Some(*t));
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), TAG_COUNT);
        let mut s = TagSet::new();
        s.insert(Tag::RegistrationState);
        s.insert(Tag::CurpMissing);
        assert_eq!(s.to_names(), "curp_missing;registration_state");
    }

    #[test]
    fn edits() {
        // B/V, silent H and LL/Y each appear among the candidates.
        let e: Vec<String> = by_ear_edits(" HERNÁNDEZ BALLESTEROS")
            .iter()
            .map(|e| apply_edit(" HERNÁNDEZ BALLESTEROS", e))
            .collect();
        assert!(e.contains(&" ERNÁNDEZ BALLESTEROS".to_owned()));
        assert!(e.contains(&" HERNÁNDEZ VALLESTEROS".to_owned()));
        assert!(e.contains(&" HERNÁNDEZ BAYESTEROS".to_owned()));
        assert!(e.contains(&" HERNÁNDES BALLESTEROS".to_owned()));
        let o: Vec<String> = ocr_edits("MUÑOZ")
            .iter()
            .map(|e| apply_edit("MUÑOZ", e))
            .collect();
        assert!(o.contains(&"RNUÑOZ".to_owned()));
        assert!(o.contains(&"MUÑ0Z".to_owned()));
        assert_eq!(key_neighbours('S').len(), 6);
        assert!(key_neighbours('Ñ').contains(&'L'));
        assert!(key_neighbours('A').contains(&'Q'));
        assert!(super::super::text::is_accented('Ü'));
    }

    #[test]
    fn digits() {
        let mut s = String::new();
        push_digits(&mut s, 7, 3);
        push_digits(&mut s, 0, 1);
        push_digits(&mut s, 12345, 2);
        push_digits(&mut s, u64::MAX, 1);
        assert_eq!(s, format!("007012345{}", u64::MAX));
    }

    #[test]
    fn folding() {
        assert!(folds_to("HERNÁNDEZ", "HERNANDEZ"));
        assert!(folds_to("MUÑOZ", "MUNOZ"));
        assert!(!folds_to("HERNÁNDEZ", "HERNANDE"));
        assert!(!folds_to("HERNANDE", "HERNANDEZ"));
    }

    #[test]
    fn date_formats() {
        let d = Date::new(1956, 6, 26).unwrap();
        assert_eq!(DateFormat::Iso.format(d), "1956-06-26");
        assert_eq!(DateFormat::Dmy.format(d), "26/06/1956");
    }

    #[test]
    fn rates_validate() {
        assert!(CorruptionRates::default().validate().is_ok());
        let r = CorruptionRates {
            keyboard_typo: 1.5,
            ..CorruptionRates::default()
        };
        assert!(r.validate().is_err());
        let r = CorruptionRates {
            curp_missing: 0.7,
            curp_placeholder: 0.4,
            ..CorruptionRates::none()
        };
        assert!(r.validate().is_err());
    }
}
