//! Synthetic padrones with ground truth, for benchmarking linkage and for the
//! built-in demo.
//!
//! [`generate`] draws a population of Mexican persons (names from real
//! frequency tables, see [`NAMES_FREQ_NOTE`]; sex; birth dates for ages
//! 0–100; states of birth by population share, a few `NE`; INEGI residence
//! keys), spreads them over K padrones with configurable overlap and
//! within-padrón duplicates, and writes every record through the
//! [corruption model](CorruptionRates), recording the corruptions applied.
//! Everything is in memory ([`Synth`]); [`Synth::write_padron`],
//! [`Synth::write_truth`] and [`Synth::write_corruptions`] write CSV to any
//! [`std::io::Write`].
//!
//! Reproducibility: the output is a function of the configuration only. The
//! generator is [`crate::rng::Rng`] (xoshiro256\*\* seeded by SplitMix64), with
//! one stream per person, per record and per padrón shuffle, so the same seed
//! gives byte-identical files on every platform, and changing a corruption
//! rate does not change the population. No hash-map order reaches the output.
//!
//! ```
//! use padron::synth::{generate, SynthConfig};
//! let cfg = SynthConfig { persons: 200, seed: 7, ..SynthConfig::default() };
//! let synth = generate(&cfg).unwrap();
//! assert_eq!(synth.persons().len(), 200);
//! let mut csv = Vec::new();
//! synth.write_padron(0, &mut csv).unwrap();
//! assert!(csv.starts_with(b"record_id,curp,nombre,primer_apellido"));
//! ```

mod corrupt;
mod population;
mod tables;
mod text;

use std::fmt;
use std::io::Write;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub use corrupt::{CorruptionRates, CorruptionStats, DateFormat, Fields, Tag, TagSet, TAG_COUNT};
pub use population::{Person, Residence};
pub use tables::{NAMES_FREQ_NOTE, TAIL_NOTE};

use crate::curp;
use crate::date::Date;
use crate::rng::Rng;
use corrupt::push_digits;
use population::{draw_person, start_date, Geography};
use tables::Tables;

/// Stream domains (see [`Rng::stream`]).
const DOMAIN_PERSON: u64 = 1;
const DOMAIN_MEMBERSHIP: u64 = 2;
const DOMAIN_RECORD: u64 = 3;
const DOMAIN_SHUFFLE: u64 = 4;
const DOMAIN_HOMONYM: u64 = 5;

/// Largest population accepted (memory, and ids that fit the columns).
pub const MAX_PERSONS: u32 = 50_000_000;
/// Largest number of padrones.
pub const MAX_PADRONES: u16 = 64;

/// Why generation or writing failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum SynthError {
    /// A configuration value is out of range; the message names the field.
    Config(String),
    /// A shipped data table is malformed (names the file).
    Data(&'static str),
    /// The padrón index passed to a writer does not exist.
    NoSuchPadron(usize),
    /// Writing CSV failed.
    Write(csv::Error),
}

impl fmt::Display for SynthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SynthError::Config(m) => write!(f, "invalid synth configuration: {m}"),
            SynthError::Data(file) => write!(f, "shipped data table {file} is malformed"),
            SynthError::NoSuchPadron(i) => write!(f, "no padrón with index {i}"),
            SynthError::Write(e) => write!(f, "writing CSV failed: {e}"),
        }
    }
}

impl std::error::Error for SynthError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SynthError::Write(e) => Some(e),
            _ => None,
        }
    }
}

impl From<csv::Error> for SynthError {
    fn from(e: csv::Error) -> Self {
        SynthError::Write(e)
    }
}

impl From<std::io::Error> for SynthError {
    fn from(e: std::io::Error) -> Self {
        SynthError::Write(csv::Error::from(e))
    }
}

/// How the population is drawn.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PopulationConfig {
    /// Share of women (Mexico 2020: 51.2 %).
    pub female_share: f64,
    /// Youngest age (years on `as_of`).
    pub min_age: u8,
    /// Oldest age, at most 100.
    pub max_age: u8,
    /// Share born abroad, state `NE` (2020 census: about 1 %).
    pub born_abroad: f64,
    /// Share of persons with a single surname.
    pub single_surname: f64,
    /// Share of persons generated as homonyms of an earlier person: same
    /// surnames, birth date, sex and state, and (half of them) the same given
    /// names or (the other half, when the tables offer one) other given names
    /// with the same CURP root; RENAPO separates them by the differentiator
    /// (position 17: 1, 2… or B, C…).
    pub homonyms: f64,
    /// Share living in their state of birth (the rest: any state by
    /// population).
    pub lives_in_birth_state: f64,
    /// Share of surname draws spent on names absent from the table
    /// (names_freq_mx.md recommends about 3 %).
    pub surname_tail: f64,
    /// Share of given-name draws spent on names absent from the tables (about 10 %).
    pub given_name_tail: f64,
}

impl Default for PopulationConfig {
    fn default() -> Self {
        PopulationConfig {
            female_share: 0.512,
            min_age: 0,
            max_age: 100,
            born_abroad: 0.01,
            single_surname: 0.02,
            homonyms: 0.002,
            lives_in_birth_state: 0.80,
            surname_tail: 0.03,
            given_name_tail: 0.10,
        }
    }
}

/// How one padrón writes its records (agencies differ).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PadronStyle {
    /// `cve_programa` of every record.
    pub program: String,
    /// Usual benefit amount in centavos (`monto`; a tenth of records get half
    /// or double).
    pub amount_cents: u64,
    /// Whether names keep their accents (most registries strip them; Ñ is
    /// always kept unless corrupted).
    pub keep_accents: bool,
    /// How dates are written.
    pub date_format: DateFormat,
}

impl Default for PadronStyle {
    fn default() -> Self {
        PadronStyle::for_index(0)
    }
}

impl PadronStyle {
    /// The default style of padrón `k` (0-based): even indices strip accents
    /// and write ISO dates, odd ones keep accents and write DD/MM/YYYY.
    pub fn for_index(k: usize) -> PadronStyle {
        const AMOUNTS: [u64; 4] = [310_000, 150_000, 480_000, 90_000];
        PadronStyle {
            program: format!("P{:02}", k + 1),
            amount_cents: AMOUNTS.get(k % AMOUNTS.len()).copied().unwrap_or(100_000),
            keep_accents: k % 2 == 1,
            date_format: if k % 2 == 1 {
                DateFormat::Dmy
            } else {
                DateFormat::Iso
            },
        }
    }
}

/// Everything [`generate`] needs. Serde (TOML/JSON) with defaults for every
/// field; unknown fields are rejected.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SynthConfig {
    /// Number of distinct persons.
    pub persons: u32,
    /// Seed of every random choice.
    pub seed: u64,
    /// Number of padrones (K).
    pub padrones: u16,
    /// Share of persons that appear in more than one padrón. Such a person
    /// is in a home padrón and in each other padrón with probability 1/2
    /// (at least one), so with K = 2 exactly in both.
    pub overlap: f64,
    /// Probability that a person's entry in a padrón has a duplicate record
    /// (and, again, that the duplicate has another).
    pub dup_rate: f64,
    /// "Today", `YYYY-MM-DD`: ages and start dates are relative to it.
    #[serde(with = "date_text")]
    pub as_of: Date,
    /// Population parameters.
    pub population: PopulationConfig,
    /// Corruption rates.
    pub corruption: CorruptionRates,
    /// Per-padrón styles; missing entries take [`PadronStyle::for_index`].
    pub styles: Vec<PadronStyle>,
}

impl Default for SynthConfig {
    fn default() -> Self {
        SynthConfig {
            persons: 10_000,
            seed: 1,
            padrones: 2,
            overlap: 0.3,
            dup_rate: 0.03,
            as_of: default_as_of(),
            population: PopulationConfig::default(),
            corruption: CorruptionRates::default(),
            styles: Vec::new(),
        }
    }
}

/// The default "today", 2025-01-01 (fixed, so that default output does not
/// depend on the clock).
#[allow(clippy::expect_used)]
fn default_as_of() -> Date {
    // 2025-01-01 exists in the calendar, so `Date::new` returns `Some`.
    Date::new(2025, 1, 1).expect("2025-01-01 is a valid date")
}

mod date_text {
    use crate::date::Date;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(d)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let text = String::deserialize(d)?;
        Date::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl SynthConfig {
    /// Checks ranges; errors name the field.
    pub fn validate(&self) -> Result<(), SynthError> {
        let unit = |name: &str, v: f64| {
            if (0.0..=1.0).contains(&v) {
                Ok(())
            } else {
                Err(SynthError::Config(format!(
                    "{name} must be between 0 and 1"
                )))
            }
        };
        if self.persons == 0 || self.persons > MAX_PERSONS {
            return Err(SynthError::Config(format!(
                "persons must be between 1 and {MAX_PERSONS}"
            )));
        }
        if self.padrones == 0 || self.padrones > MAX_PADRONES {
            return Err(SynthError::Config(format!(
                "padrones must be between 1 and {MAX_PADRONES}"
            )));
        }
        unit("overlap", self.overlap)?;
        if !(0.0..=0.9).contains(&self.dup_rate) {
            return Err(SynthError::Config(
                "dup_rate must be between 0 and 0.9".into(),
            ));
        }
        let p = &self.population;
        unit("population.female_share", p.female_share)?;
        unit("population.born_abroad", p.born_abroad)?;
        unit("population.single_surname", p.single_surname)?;
        unit("population.homonyms", p.homonyms)?;
        unit("population.lives_in_birth_state", p.lives_in_birth_state)?;
        unit("population.surname_tail", p.surname_tail)?;
        unit("population.given_name_tail", p.given_name_tail)?;
        if p.max_age > 100 || p.min_age > p.max_age {
            return Err(SynthError::Config(
                "population ages must satisfy min_age <= max_age <= 100".into(),
            ));
        }
        if self.as_of.year() < 1900 + u16::from(p.max_age) {
            return Err(SynthError::Config(
                "as_of minus max_age must not be before 1900".into(),
            ));
        }
        self.corruption.validate()
    }

    /// The style of padrón `k` (0-based).
    pub fn style(&self, k: usize) -> PadronStyle {
        self.styles
            .get(k)
            .cloned()
            .unwrap_or_else(|| PadronStyle::for_index(k))
    }
}

/// One row of a synthetic padrón, as written.
#[derive(Clone, PartialEq, Eq)]
pub struct Record {
    /// `record_id`, unique across all padrones (`P1-0000001`).
    pub record_id: String,
    /// 0-based padrón index.
    pub padron: u16,
    /// The person this record is a copy of.
    pub person_id: u32,
    /// Name, CURP, birth fields as written (possibly corrupted).
    pub fields: Fields,
    /// Residence keys.
    pub residence: Residence,
    /// `monto` in centavos.
    pub amount_cents: u64,
    /// `fecha_alta`.
    pub start_date: Date,
    /// Corruptions applied to this record.
    pub tags: TagSet,
}

impl fmt::Debug for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Record")
            .field("record_id", &self.record_id)
            .field("padron", &self.padron)
            .field("person_id", &self.person_id)
            .field("fields", &self.fields)
            .field("tags", &self.tags.to_names())
            .finish()
    }
}

/// The canonical header of a synthetic padrón (spec/padron-schema.md).
pub const PADRON_HEADER: [&str; 14] = [
    "record_id",
    "curp",
    "nombre",
    "primer_apellido",
    "segundo_apellido",
    "sexo",
    "fecha_nacimiento",
    "entidad_nacimiento",
    "cve_entidad",
    "cve_municipio",
    "cve_localidad",
    "cve_programa",
    "monto",
    "fecha_alta",
];

/// A generated population and its padrones.
#[derive(Debug)]
pub struct Synth {
    persons: Vec<Person>,
    padrones: Vec<Vec<Record>>,
    styles: Vec<PadronStyle>,
    stats: CorruptionStats,
}

impl Synth {
    /// The persons (truth), in id order (`persons()[i].id == i + 1`).
    pub fn persons(&self) -> &[Person] {
        &self.persons
    }

    /// The records of padrón `k` (0-based), in file order.
    pub fn padron(&self, k: usize) -> Option<&[Record]> {
        self.padrones.get(k).map(Vec::as_slice)
    }

    /// Number of padrones.
    pub fn padron_count(&self) -> usize {
        self.padrones.len()
    }

    /// Every record, padrón by padrón.
    pub fn records(&self) -> impl Iterator<Item = &Record> {
        self.padrones.iter().flatten()
    }

    /// Per-tag eligible/applied counts over all records.
    pub fn stats(&self) -> &CorruptionStats {
        &self.stats
    }

    /// Writes padrón `k` as CSV with the canonical header.
    pub fn write_padron<W: Write>(&self, k: usize, out: W) -> Result<(), SynthError> {
        let records = self.padron(k).ok_or(SynthError::NoSuchPadron(k))?;
        let style = self.styles.get(k).cloned().unwrap_or_default();
        let mut w = csv::WriterBuilder::new().from_writer(out);
        w.write_record(PADRON_HEADER)?;
        for r in records {
            let f = &r.fields;
            let (ent, mun, loc) = residence_keys(&r.residence);
            let mut monto = String::with_capacity(12);
            push_digits(&mut monto, r.amount_cents / 100, 1);
            monto.push('.');
            push_digits(&mut monto, r.amount_cents % 100, 2);
            let alta = style.date_format.format(r.start_date);
            w.write_record([
                r.record_id.as_str(),
                f.curp.as_str(),
                f.nombre.as_str(),
                f.primer_apellido.as_str(),
                f.segundo_apellido.as_str(),
                f.sexo,
                f.fecha_nacimiento.as_str(),
                f.entidad_nacimiento,
                ent.as_str(),
                mun.as_str(),
                loc.as_str(),
                style.program.as_str(),
                monto.as_str(),
                alta.as_str(),
            ])?;
        }
        w.flush()?;
        Ok(())
    }

    /// Writes the truth file: `record_id,padron,person_id`, padrón numbered
    /// from 1, all padrones in order.
    pub fn write_truth<W: Write>(&self, out: W) -> Result<(), SynthError> {
        let mut w = csv::WriterBuilder::new().from_writer(out);
        w.write_record(["record_id", "padron", "person_id"])?;
        for r in self.records() {
            let mut k = String::with_capacity(2);
            push_digits(&mut k, u64::from(r.padron) + 1, 1);
            let mut p = String::with_capacity(8);
            push_digits(&mut p, u64::from(r.person_id), 1);
            w.write_record([r.record_id.as_str(), k.as_str(), p.as_str()])?;
        }
        w.flush()?;
        Ok(())
    }

    /// Writes the corruptions file: `record_id,tags`, tags `;`-joined in
    /// [`Tag::ALL`] order, one row per record (empty tags for clean records).
    pub fn write_corruptions<W: Write>(&self, out: W) -> Result<(), SynthError> {
        let mut w = csv::WriterBuilder::new().from_writer(out);
        w.write_record(["record_id", "tags"])?;
        for r in self.records() {
            w.write_record([r.record_id.as_str(), r.tags.to_names().as_str()])?;
        }
        w.flush()?;
        Ok(())
    }
}

fn residence_keys(r: &Residence) -> (String, String, String) {
    let key = |n: u64, w: usize| {
        let mut s = String::with_capacity(w);
        push_digits(&mut s, n, w);
        s
    };
    (
        key(u64::from(r.state.inegi().unwrap_or(0)), 2),
        key(u64::from(r.municipio), 3),
        key(u64::from(r.localidad), 4),
    )
}

/// Gives each person the position-17 value RENAPO would: the first person
/// with a root gets `0` (born before 2000) or `A`, later ones `1`, `2`… or
/// `B`, `C`… (in person-id order; at most 10 per root, then the last value
/// repeats).
fn assign_differentiators(persons: &mut [Person]) {
    // Lookups only; nothing is iterated, so the map's order never matters.
    let mut seen: std::collections::HashMap<[u8; 16], u8> = std::collections::HashMap::new();
    for p in persons.iter_mut() {
        // The probable CURP was derived from the person's data: its root
        // is derive_root(person_data) (checked in tests/synth_curp.rs).
        let root = p.curp.to_root();
        let n = seen.entry(*root.as_bytes()).or_insert(0);
        let rank = (*n).min(9);
        *n = n.saturating_add(1);
        if rank == 0 {
            continue;
        }
        let base = if p.birth_date.year() < 2000 {
            b'0'
        } else {
            b'A'
        };
        if let Some(c) = curp::with_differentiator(&root, char::from(base + rank)) {
            p.curp = c;
        }
    }
}

/// `P{padrón}-{position:07}`, 1-based.
fn record_id(padron: usize, pos: usize) -> String {
    let mut s = String::with_capacity(12);
    s.push('P');
    push_digits(&mut s, padron as u64 + 1, 1);
    s.push('-');
    push_digits(&mut s, pos as u64 + 1, 7);
    s
}

/// Records per unit of work.
const CHUNK: usize = 4096;

/// Generates the population and the padrones, on the calling thread.
pub fn generate(cfg: &SynthConfig) -> Result<Synth, SynthError> {
    generate_impl(cfg, false)
}

/// [`generate`] on rayon's thread pool: the same output, byte for byte
/// (every person and record draws from its own stream, and results are
/// collected in order).
pub fn generate_parallel(cfg: &SynthConfig) -> Result<Synth, SynthError> {
    generate_impl(cfg, true)
}

fn generate_impl(cfg: &SynthConfig, parallel: bool) -> Result<Synth, SynthError> {
    cfg.validate()?;
    let bp = |x: f64| (x * 10_000.0).round() as u64;
    let tables = Tables::load(
        bp(cfg.population.surname_tail),
        bp(cfg.population.given_name_tail),
    )?;
    let geo = Geography::new(&cfg.population)
        .ok_or_else(|| SynthError::Config("population age range has no weight".into()))?;
    let k = usize::from(cfg.padrones);
    let styles: Vec<PadronStyle> = (0..k).map(|i| cfg.style(i)).collect();

    // 1. Persons, each from its own stream; then, in id order, homonyms
    //    copy an earlier person (which may itself be a homonym).
    let n = cfg.persons;
    let draw = |id: u32| {
        let mut rng = Rng::stream(cfg.seed, DOMAIN_PERSON, u64::from(id));
        draw_person(id, &mut rng, &tables, &geo, &cfg.population, cfg.as_of)
    };
    let mut persons: Vec<Person> = if parallel {
        (1..=n).into_par_iter().map(draw).collect()
    } else {
        (1..=n).map(draw).collect()
    };
    for i in 1..persons.len() {
        let mut hrng = Rng::stream(cfg.seed, DOMAIN_HOMONYM, i as u64 + 1);
        if !hrng.chance(cfg.population.homonyms) {
            continue;
        }
        let model_index = hrng.index(i);
        let (before, rest) = persons.split_at_mut(i);
        let (Some(model), Some(p)) = (before.get(model_index), rest.first_mut()) else {
            continue;
        };
        // Half the homonyms have other given names that give the same root
        // (JUAN CARLOS / JUAN MANUEL: the key uses one given name only).
        p.given_names.clone_from(&model.given_names);
        if hrng.below(2) == 0 {
            let root = model.curp.to_root();
            for _ in 0..64 {
                let g = tables.given(model.sex, model.birth_date.year(), &mut hrng);
                if g == model.given_names {
                    continue;
                }
                let data = curp::PersonData {
                    given_names: g,
                    ..model.person_data()
                };
                if curp::derive_root(&data) == root {
                    p.given_names = g.to_owned();
                    break;
                }
            }
        }
        p.first_surname.clone_from(&model.first_surname);
        p.second_surname.clone_from(&model.second_surname);
        p.sex = model.sex;
        p.birth_date = model.birth_date;
        p.birth_state = model.birth_state;
        p.curp = model.curp;
        p.homonym_of = Some(model.homonym_of.unwrap_or(model.id));
    }
    assign_differentiators(&mut persons);

    // 2. Entries per padrón: (person index, serial) in person order.
    let mut entries: Vec<Vec<u32>> = vec![Vec::new(); k];
    for (i, _) in persons.iter().enumerate() {
        let mut rng = Rng::stream(cfg.seed, DOMAIN_MEMBERSHIP, i as u64);
        let home = rng.index(k);
        let mut member = vec![false; k];
        if let Some(m) = member.get_mut(home) {
            *m = true;
        }
        if k > 1 && rng.chance(cfg.overlap) {
            let mut any = false;
            for (j, m) in member.iter_mut().enumerate() {
                if j != home && (k == 2 || rng.below(2) == 0) {
                    *m = true;
                    any = true;
                }
            }
            if !any {
                let mut other = rng.index(k - 1);
                if other >= home {
                    other += 1;
                }
                if let Some(m) = member.get_mut(other) {
                    *m = true;
                }
            }
        }
        for (j, &m) in member.iter().enumerate() {
            if !m {
                continue;
            }
            let mut copies = 1;
            while copies < 8 && rng.chance(cfg.dup_rate) {
                copies += 1;
            }
            if let Some(list) = entries.get_mut(j) {
                for _ in 0..copies {
                    list.push(i as u32);
                }
            }
        }
    }

    // 3. Shuffle each padrón, then write and corrupt each record from its
    //    own stream (keyed by padrón and position).
    let mut stats = CorruptionStats::default();
    let mut padrones = Vec::with_capacity(k);
    for (j, mut list) in entries.into_iter().enumerate() {
        Rng::stream(cfg.seed, DOMAIN_SHUFFLE, j as u64).shuffle(&mut list);
        let style = styles.get(j).cloned().unwrap_or_default();
        let env = corrupt::Env {
            rates: &cfg.corruption,
            style: corrupt::Style {
                keep_accents: style.keep_accents,
                date_format: style.date_format,
            },
            tables: &tables,
            geo: &geo,
        };
        // Records in chunks (for rayon); each record has its own stream, so
        // the chunking never changes the output.
        let work = |(ci, chunk): (usize, &[u32])| {
            let mut stats = CorruptionStats::default();
            let mut records = Vec::with_capacity(chunk.len());
            for (off, &pi) in chunk.iter().enumerate() {
                let pos = ci * CHUNK + off;
                let Some(person) = persons.get(pi as usize) else {
                    continue;
                };
                let mut rng = Rng::stream(cfg.seed, DOMAIN_RECORD, ((j as u64) << 40) | pos as u64);
                let (fields, tags) = corrupt::corrupt(
                    person,
                    Some(person.curp.as_str()),
                    &env,
                    &mut rng,
                    &mut stats,
                );
                let amount_cents = match rng.below(20) {
                    0 => style.amount_cents / 2,
                    1 => style.amount_cents * 2,
                    _ => style.amount_cents,
                };
                records.push(Record {
                    record_id: record_id(j, pos),
                    padron: j as u16,
                    person_id: person.id,
                    fields,
                    residence: person.residence,
                    amount_cents,
                    start_date: start_date(person.birth_date, cfg.as_of, &mut rng),
                    tags,
                });
            }
            (records, stats)
        };
        let parts: Vec<(Vec<Record>, CorruptionStats)> = if parallel {
            list.par_chunks(CHUNK).enumerate().map(work).collect()
        } else {
            list.chunks(CHUNK).enumerate().map(work).collect()
        };
        let mut records = Vec::with_capacity(list.len());
        for (part, part_stats) in parts {
            records.extend(part);
            stats.add(&part_stats);
        }
        padrones.push(records);
    }
    Ok(Synth {
        persons,
        padrones,
        styles,
        stats,
    })
}
