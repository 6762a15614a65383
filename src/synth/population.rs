//! The synthetic population: persons with their true data.

use std::fmt;

use super::tables::Tables;
use super::PopulationConfig;
use crate::curp::{Curp, Sex, State};
use crate::date::Date;
use crate::rng::{Rng, WeightedIndex};

/// Population of each state, INEGI Censo de Población y Vivienda 2020
/// (persons; in `State::ALL` order without `NE`; they add up to the
/// census total of 126,014,024). Used as the share of births and of
/// residence by state.
pub(crate) const STATE_POPULATION_2020: [u64; 32] = [
    1_425_607, 3_769_020, 798_447, 928_363, 3_146_771, 731_391, 5_543_828, 3_741_869, 9_209_944,
    1_832_650, 6_166_934, 3_540_685, 3_082_841, 8_348_151, 16_992_418, 4_748_846, 1_971_520,
    1_235_456, 5_784_442, 4_132_148, 6_583_278, 2_368_467, 1_857_985, 2_822_255, 3_026_943,
    2_944_840, 2_402_598, 3_527_735, 1_342_977, 8_062_579, 2_320_898, 1_622_138,
];

/// Number of municipalities (alcaldías for DF) per state in INEGI's 2020
/// geostatistical framework, `State::ALL` order without `NE`. INEGI numbers
/// them 001…n within each state, so every code drawn from 1..=n exists.
pub(crate) const MUNICIPALITIES: [u16; 32] = [
    11, 5, 5, 11, 38, 10, 124, 67, 16, 39, 46, 81, 84, 125, 125, 113, 36, 20, 51, 570, 217, 18, 11,
    58, 18, 72, 17, 43, 60, 212, 106, 58,
];

/// Approximate share (basis points) of each five-year age group, shaped
/// after the 2020 census age pyramid (INEGI) and rounded; the last three rows
/// split the census's 85+ group. Group `(lo, hi, bp)` covers ages lo..=hi.
const AGE_GROUPS_BP: [(u8, u8, u64); 20] = [
    (0, 4, 790),
    (5, 9, 860),
    (10, 14, 870),
    (15, 19, 870),
    (20, 24, 830),
    (25, 29, 790),
    (30, 34, 740),
    (35, 39, 710),
    (40, 44, 680),
    (45, 49, 640),
    (50, 54, 560),
    (55, 59, 470),
    (60, 64, 380),
    (65, 69, 290),
    (70, 74, 210),
    (75, 79, 140),
    (80, 84, 90),
    (85, 89, 50),
    (90, 94, 22),
    (95, 100, 8),
];

/// Where a person lives: INEGI keys of state, municipality and locality.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Residence {
    /// State of residence (never `NE`).
    pub state: State,
    /// Municipality key within the state, 1–570.
    pub municipio: u16,
    /// Locality key within the municipality; 1 is the municipal seat
    /// (*cabecera*, which always exists), other values are plausible keys that
    /// may not exist in INEGI's catalogue.
    pub localidad: u16,
}

/// A synthetic person: the true data that every record of the person is a
/// (possibly corrupted) copy of.
#[derive(Clone, PartialEq, Eq)]
pub struct Person {
    /// 1-based person id, the `person_id` of the truth file.
    pub id: u32,
    /// Given names as one field (`MARÍA GUADALUPE`), upper case with accents.
    pub given_names: String,
    /// First (paternal) surname (`DE LA CRUZ` is one surname).
    pub first_surname: String,
    /// Second (maternal) surname; empty for persons with one surname.
    pub second_surname: String,
    /// Sex (H/M).
    pub sex: Sex,
    /// Birth date.
    pub birth_date: Date,
    /// State of birth (`NE` for born abroad).
    pub birth_state: State,
    /// Residence keys.
    pub residence: Residence,
    /// When this person was generated as a homonym of an earlier person
    /// (same surnames, birth date, sex and state, and the same given names or
    /// others that give the same CURP root, such as JUAN CARLOS and JUAN
    /// MANUEL), the id of that person.
    pub homonym_of: Option<u32>,
    /// The person's CURP: the root derived by the `curp` module and the
    /// differentiator RENAPO would give (`0`/`A` for the first person with
    /// that root, then `1`, `2`… or `B`, `C`…), with its check digit.
    pub curp: Curp,
}

impl fmt::Debug for Person {
    /// Names and dates are redacted: synthetic, but the type is shaped like
    /// personal data and must not teach leaking it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Person")
            .field("id", &self.id)
            .field("data", &"<redacted>")
            .finish()
    }
}

/// Samplers that do not depend on names.
#[derive(Debug)]
pub(crate) struct Geography {
    states: WeightedIndex,
    ages: WeightedIndex,
    min_age: u8,
}

impl Geography {
    pub(crate) fn new(cfg: &PopulationConfig) -> Option<Geography> {
        let states = WeightedIndex::new(&STATE_POPULATION_2020)?;
        let min_age = cfg.min_age;
        let mut weights = Vec::new();
        for age in cfg.min_age..=cfg.max_age {
            let w = AGE_GROUPS_BP
                .iter()
                .find(|g| g.0 <= age && age <= g.1)
                .map(|g| g.2 * 60 / u64::from(g.1 - g.0 + 1))
                .unwrap_or(0);
            weights.push(w);
        }
        let ages = WeightedIndex::new(&weights)?;
        Some(Geography {
            states,
            ages,
            min_age,
        })
    }

    pub(crate) fn state(&self, rng: &mut Rng) -> State {
        // The index is below 32, and ALL has 33 entries.
        State::ALL
            .get(self.states.sample(rng))
            .copied()
            .unwrap_or(State::Df)
    }

    fn residence(&self, state: State, rng: &mut Rng) -> Residence {
        let n = state
            .inegi()
            .and_then(|i| MUNICIPALITIES.get(usize::from(i) - 1))
            .copied()
            .unwrap_or(1);
        let municipio = 1 + rng.below(u64::from(n)) as u16;
        // Seven in ten at the municipal seat; the rest spread over 2–400.
        let localidad = if rng.below(10) < 7 {
            1
        } else {
            2 + rng.below(399) as u16
        };
        Residence {
            state,
            municipio,
            localidad,
        }
    }
}

/// Draws one person from its own stream. `as_of` is "today".
pub(crate) fn draw_person(
    id: u32,
    rng: &mut Rng,
    tables: &Tables,
    geo: &Geography,
    cfg: &PopulationConfig,
    as_of: Date,
) -> Person {
    let sex = if rng.chance(cfg.female_share) {
        Sex::Mujer
    } else {
        Sex::Hombre
    };
    let age = geo.min_age + geo.ages.sample(rng) as u8;
    let birth_date = birth_date(age, as_of, rng);
    let birth_state = if rng.chance(cfg.born_abroad) {
        State::Ne
    } else {
        geo.state(rng)
    };
    let residence_state = if birth_state != State::Ne && rng.chance(cfg.lives_in_birth_state) {
        birth_state
    } else {
        geo.state(rng)
    };
    let residence = geo.residence(residence_state, rng);
    let given_names = tables.given(sex, birth_date.year(), rng).to_owned();
    let first_surname = tables.surname(rng).to_owned();
    let second_surname = if rng.chance(cfg.single_surname) {
        String::new()
    } else {
        tables.surname(rng).to_owned()
    };
    let curp = crate::curp::derive_probable(&crate::curp::PersonData {
        given_names: &given_names,
        first_surname: &first_surname,
        second_surname: &second_surname,
        birth_date,
        sex,
        state: birth_state,
    });
    Person {
        id,
        given_names,
        first_surname,
        second_surname,
        sex,
        birth_date,
        birth_state,
        residence,
        homonym_of: None,
        curp,
    }
}

impl Person {
    /// The data the CURP is built from, for the `curp` module.
    pub fn person_data(&self) -> crate::curp::PersonData<'_> {
        crate::curp::PersonData {
            given_names: &self.given_names,
            first_surname: &self.first_surname,
            second_surname: &self.second_surname,
            birth_date: self.birth_date,
            sex: self.sex,
            state: self.birth_state,
        }
    }
}

/// A birth date at which the person is exactly `age` on `as_of`.
fn birth_date(age: u8, as_of: Date, rng: &mut Rng) -> Date {
    let anniversary = |years_back: u16| {
        let y = as_of.year().saturating_sub(years_back).max(1);
        Date::new(y, as_of.month(), as_of.day())
            .or_else(|| Date::new(y, as_of.month(), as_of.day() - 1))
            .unwrap_or(as_of)
    };
    // Born in (as_of - (age + 1) years, as_of - age years].
    let hi = anniversary(u16::from(age)).ordinal();
    let lo = anniversary(u16::from(age) + 1).ordinal() + 1;
    date_from_ordinal(rng.range_inclusive(lo, hi)).unwrap_or(as_of)
}

/// [`Date::from_ordinal`] for the years synth uses, without its year-by-year
/// walk (the hot path of generation): estimate the year, correct it, then
/// walk the months.
fn date_from_ordinal(n: i64) -> Option<Date> {
    // 146,097 days per 400 years; the estimate is off by at most one year.
    let mut year = u16::try_from(n * 400 / 146_097 + 1).ok()?;
    let jan1 = |y: u16| Date::new(y, 1, 1).map(Date::ordinal);
    while jan1(year)? > n {
        year -= 1;
    }
    while jan1(year.checked_add(1)?)? <= n {
        year += 1;
    }
    let mut rest = n - jan1(year)?;
    let mut month = 1u8;
    while month < 12 && rest >= i64::from(crate::date::days_in_month(year, month)) {
        rest -= i64::from(crate::date::days_in_month(year, month));
        month += 1;
    }
    Date::new(year, month, u8::try_from(rest + 1).ok()?)
}

/// The program's start date for a record: between the later of the birth
/// date and six years before `as_of`, and `as_of`.
pub(crate) fn start_date(birth: Date, as_of: Date, rng: &mut Rng) -> Date {
    let lo = (as_of.ordinal() - 6 * 365).max(birth.ordinal());
    date_from_ordinal(rng.range_inclusive(lo, as_of.ordinal())).unwrap_or(as_of)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn census_constants_add_up() {
        assert_eq!(STATE_POPULATION_2020.iter().sum::<u64>(), 126_014_024);
        let bp: u64 = AGE_GROUPS_BP.iter().map(|g| g.2).sum();
        assert_eq!(bp, 10_000);
        // Groups are contiguous from 0 to 100.
        for w in AGE_GROUPS_BP.windows(2) {
            assert_eq!(w[0].1 + 1, w[1].0);
        }
        assert_eq!(AGE_GROUPS_BP[19].1, 100);
        // INEGI 2020 has 2,469 municipalities incl. the 16 alcaldías; the
        // table is conservative (a few created in 2020–21 are left out).
        let total: u32 = MUNICIPALITIES.iter().map(|&m| u32::from(m)).sum();
        assert!((2_440..=2_475).contains(&total), "{total}");
    }

    #[test]
    fn fast_ordinal_conversion_agrees_with_date() {
        let lo = Date::new(1890, 1, 1).unwrap().ordinal();
        let hi = Date::new(2110, 12, 31).unwrap().ordinal();
        for n in lo..=hi {
            assert_eq!(date_from_ordinal(n), Date::from_ordinal(n), "{n}");
        }
        assert_eq!(date_from_ordinal(0), Date::new(1, 1, 1));
    }

    #[test]
    fn birth_dates_give_the_drawn_age() {
        let as_of = Date::new(2024, 2, 29).unwrap();
        let mut rng = Rng::seed_from_u64(4);
        for age in [0u8, 1, 17, 65, 100] {
            for _ in 0..200 {
                let b = birth_date(age, as_of, &mut rng);
                let mut a = as_of.year() - b.year();
                if (as_of.month(), as_of.day()) < (b.month(), b.day()) {
                    a -= 1;
                }
                // Born on 29 Feb: the anniversary falls back to 28 Feb.
                assert!(
                    u16::from(age) == a || (b.month() == 2 && b.day() == 29),
                    "{age} {b}"
                );
            }
        }
    }
}
