//! The name frequency tables shipped in `data/` and the samplers built on
//! them (provenance: `data/names_freq_mx.md`, `data/tail_names_mx.md`,
//! `data/nicknames_mx.md`).
//!
//! Shares, never raw counts, are mixed across tables (names_freq_mx.md,
//! "Known limits"): each sampler gives the table's entries integer weights
//! proportional to count / table total and the tail entries weights
//! proportional to the Zipf-like 20 · N / r, scaled so that the tail gets
//! exactly its reserved share. All weights are integers, so sampling is the
//! same on every platform.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::SynthError;
use crate::curp::Sex;
use crate::rng::{Rng, WeightedIndex};

/// `SURNAME<TAB>count`, SEP 2012 (Block A).
pub(crate) const SURNAMES_TSV: &str = include_str!("../../data/surnames_mx.tsv");
/// `NAME<TAB>sex<TAB>count`, SEP 2012 (Block A).
pub(crate) const GIVEN_TSV: &str = include_str!("../../data/given_names_mx.tsv");
/// `NAME<TAB>sex<TAB>count`, INEGI births 2020 (Block B), top 501 per sex.
pub(crate) const GIVEN_2020_TSV: &str = include_str!("../../data/given_names_mx_births2020.tsv");
/// `KIND<TAB>NAME`, long-tail filler (Faker, MIT).
pub(crate) const TAIL_TSV: &str = include_str!("../../data/tail_names_mx.tsv");
/// `NICKNAME<TAB>CANONICAL[,CANONICAL…]` in the match alphabet.
pub(crate) const NICKNAMES_TSV: &str = include_str!("../../data/nicknames_mx.tsv");
/// Provenance and licence note of the three frequency tables.
pub const NAMES_FREQ_NOTE: &str = include_str!("../../data/names_freq_mx.md");
/// Provenance and licence note of the tail list.
pub const TAIL_NOTE: &str = include_str!("../../data/tail_names_mx.md");

/// Share of boys' names (permille) covered by the top 501 of Block B
/// (322,060 of ~826 k boys registered in 2020, names_freq_mx.md Block B).
const BIRTHS_2020_COVERAGE_H: u64 = 390;
/// Same for girls (242,420, ~30 %).
const BIRTHS_2020_COVERAGE_M: u64 = 300;
/// Born up to this year: Block A names only.
const COHORT_A_LAST_YEAR: u16 = 1999;
/// Born from this year on: Block B regime only; in between the Block B
/// regime's probability grows linearly (1/16 in 2000 … 15/16 in 2014).
const COHORT_B_FIRST_YEAR: u16 = 2015;

/// One weighted list of names.
#[derive(Clone, Debug)]
pub(crate) struct Sampler {
    names: Vec<&'static str>,
    index: WeightedIndex,
}

impl Sampler {
    /// Table entries with their counts plus a tail list. `tail_bp` is the
    /// tail's share in basis points (0–10,000); `table_rank_base` is N, the
    /// size of the full frequency table the tail extends (tail rank r = N+1,
    /// N+2, …).
    fn new(
        what: &'static str,
        table: &[(&'static str, u64)],
        tail: &[&'static str],
        table_rank_base: usize,
        tail_bp: u64,
    ) -> Result<Sampler, SynthError> {
        let bad = || SynthError::Data(what);
        let table_total: u128 = table.iter().map(|&(_, c)| u128::from(c)).sum();
        // Zipf-like tail weight 20 * N / r in units of 1/1000 count.
        let n = table_rank_base as u128;
        let tail_w: Vec<u128> = (0..tail.len())
            .map(|i| 20_000 * n / (n + 1 + i as u128))
            .collect();
        let tail_total: u128 = tail_w.iter().sum();
        let (table_bp, tail_bp) = if tail_total == 0 {
            (10_000u128, 0u128)
        } else if table_total == 0 {
            (0, 10_000)
        } else {
            (
                u128::from(10_000 - tail_bp.min(10_000)),
                u128::from(tail_bp.min(10_000)),
            )
        };
        // table weight: c * table_bp * tail_total; tail: w * tail_bp * table_total.
        // The ratio of the two sums is table_bp : tail_bp. When one side is
        // empty its factor is replaced by 1.
        let tt = tail_total.max(1);
        let tb = table_total.max(1);
        let mut names = Vec::with_capacity(table.len() + tail.len());
        let mut weights = Vec::with_capacity(table.len() + tail.len());
        for &(name, c) in table {
            names.push(name);
            weights.push(u64::try_from(u128::from(c) * table_bp * tt).map_err(|_| bad())?);
        }
        for (&name, &w) in tail.iter().zip(&tail_w) {
            names.push(name);
            weights.push(u64::try_from(w * tail_bp * tb).map_err(|_| bad())?);
        }
        let index = WeightedIndex::new(&weights).ok_or_else(bad)?;
        Ok(Sampler { names, index })
    }

    /// Draws a name.
    pub(crate) fn sample(&self, rng: &mut Rng) -> &'static str {
        let i = self.index.sample(rng);
        // `sample` returns an index below `len`, which equals names.len().
        self.names.get(i).copied().unwrap_or("")
    }

    /// Number of distinct names.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.names.len()
    }

    /// Probability of `name` in parts of the total weight.
    #[cfg(test)]
    pub(crate) fn share(&self, name: &str) -> f64 {
        let w: u64 = self
            .names
            .iter()
            .enumerate()
            .filter(|(_, n)| **n == name)
            .map(|(i, _)| self.index.weight(i))
            .sum();
        w as f64 / self.index.total() as f64
    }
}

/// Given-name samplers for one sex.
#[derive(Clone, Debug)]
struct GivenSamplers {
    /// Block A + tail: people born up to 1999.
    adults: Sampler,
    /// Block B head (top 501 of 2020).
    births_head: Sampler,
    /// Block A without the names of the Block B head, + tail: the rest of
    /// the 2020 births.
    births_rest: Sampler,
    /// Permille of 2020 births covered by the head.
    coverage: u64,
}

/// Everything the population generator draws names from.
#[derive(Clone, Debug)]
pub(crate) struct Tables {
    surnames: Sampler,
    men: GivenSamplers,
    women: GivenSamplers,
    /// Given-name field of the tables → nicknames that can replace it (for
    /// its significant name or the whole field). Lookups only.
    given_nicknames: HashMap<&'static str, Vec<&'static str>>,
}

fn parse_count(s: &str, what: &'static str) -> Result<u64, SynthError> {
    s.trim().parse().map_err(|_| SynthError::Data(what))
}

fn given_rows(
    tsv: &'static str,
    what: &'static str,
) -> Result<Vec<(&'static str, Sex, u64)>, SynthError> {
    let mut rows = Vec::new();
    for line in tsv.lines().filter(|l| !l.is_empty()) {
        let mut f = line.split('\t');
        let (Some(name), Some(sex), Some(count), None) = (f.next(), f.next(), f.next(), f.next())
        else {
            return Err(SynthError::Data(what));
        };
        let sex = match sex {
            "H" => Sex::Hombre,
            "M" => Sex::Mujer,
            _ => return Err(SynthError::Data(what)),
        };
        rows.push((name, sex, parse_count(count, what)?));
    }
    Ok(rows)
}

impl Tables {
    /// Builds the samplers with the given tail shares (basis points).
    pub(crate) fn load(surname_tail_bp: u64, given_tail_bp: u64) -> Result<Tables, SynthError> {
        let mut surnames = Vec::new();
        for line in SURNAMES_TSV.lines().filter(|l| !l.is_empty()) {
            let (name, count) = line
                .split_once('\t')
                .ok_or(SynthError::Data("surnames_mx.tsv"))?;
            surnames.push((name, parse_count(count, "surnames_mx.tsv")?));
        }
        let mut tail_s = Vec::new();
        let mut tail_h = Vec::new();
        let mut tail_m = Vec::new();
        for line in TAIL_TSV.lines().filter(|l| !l.is_empty()) {
            match line.split_once('\t') {
                Some(("S", n)) => tail_s.push(n),
                Some(("H", n)) => tail_h.push(n),
                Some(("M", n)) => tail_m.push(n),
                _ => return Err(SynthError::Data("tail_names_mx.tsv")),
            }
        }
        let adults = given_rows(GIVEN_TSV, "given_names_mx.tsv")?;
        let births = given_rows(GIVEN_2020_TSV, "given_names_mx_births2020.tsv")?;
        let surname_sampler = Sampler::new(
            "surnames_mx.tsv",
            &surnames,
            &tail_s,
            surnames.len(),
            surname_tail_bp,
        )?;
        let given = |sex: Sex, tail: &[&'static str], coverage: u64| {
            let a: Vec<(&'static str, u64)> = adults
                .iter()
                .filter(|r| r.1 == sex)
                .map(|r| (r.0, r.2))
                .collect();
            let b: Vec<(&'static str, u64)> = births
                .iter()
                .filter(|r| r.1 == sex)
                .map(|r| (r.0, r.2))
                .collect();
            let head: BTreeSet<&str> = b.iter().map(|r| r.0).collect();
            let rest: Vec<(&'static str, u64)> =
                a.iter().copied().filter(|r| !head.contains(r.0)).collect();
            Ok::<_, SynthError>(GivenSamplers {
                adults: Sampler::new("given_names_mx.tsv", &a, tail, a.len(), given_tail_bp)?,
                births_head: Sampler::new("given_names_mx_births2020.tsv", &b, &[], b.len(), 0)?,
                births_rest: Sampler::new(
                    "given_names_mx.tsv",
                    &rest,
                    tail,
                    a.len(),
                    given_tail_bp,
                )?,
                coverage,
            })
        };
        let men = given(Sex::Hombre, &tail_h, BIRTHS_2020_COVERAGE_H)?;
        let women = given(Sex::Mujer, &tail_m, BIRTHS_2020_COVERAGE_M)?;
        let mut nicknames: BTreeMap<&'static str, Vec<&'static str>> = BTreeMap::new();
        for line in NICKNAMES_TSV.lines().filter(|l| !l.is_empty()) {
            let (nick, canon) = line
                .split_once('\t')
                .ok_or(SynthError::Data("nicknames_mx.tsv"))?;
            for c in canon.split(',') {
                nicknames.entry(c).or_default().push(nick);
            }
        }
        let mut given_nicknames: HashMap<&'static str, Vec<&'static str>> = HashMap::new();
        let all_given = adults
            .iter()
            .chain(&births)
            .map(|r| r.0)
            .chain(tail_h.iter().copied())
            .chain(tail_m.iter().copied());
        for name in all_given {
            // Keys as the `name` module computes them for the G_NICK level
            // (names.md §5, §6): the first significant token, the whole
            // significant string and the whole field, in the match alphabet.
            let parsed = crate::name::normalize(name, "", "");
            let Some(g) = parsed.given() else {
                continue;
            };
            let first = g.first_significant().map(|t| t.as_match()).unwrap_or("");
            let mut list: Vec<&'static str> = Vec::new();
            for key in [first, g.significant(), g.as_match()] {
                for &n in nicknames.get(key).map(Vec::as_slice).unwrap_or(&[]) {
                    if !list.contains(&n) && n != name {
                        list.push(n);
                    }
                }
            }
            if !list.is_empty() {
                given_nicknames.insert(name, list);
            }
        }
        Ok(Tables {
            surnames: surname_sampler,
            men,
            women,
            given_nicknames,
        })
    }

    /// Nicknames for a whole given-name field as the tables spell it
    /// (significant name or whole field, `JOSÉ LUIS` → WICHO, LUCHO …).
    pub(crate) fn nicknames_for_given(&self, given: &str) -> &[&'static str] {
        self.given_nicknames
            .get(given)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// A surname (either slot: names_freq_mx.md, one distribution serves both).
    pub(crate) fn surname(&self, rng: &mut Rng) -> &'static str {
        self.surnames.sample(rng)
    }

    /// A whole given-name field for a person of this sex born in this year,
    /// mixing Block A and Block B by birth year.
    pub(crate) fn given(&self, sex: Sex, birth_year: u16, rng: &mut Rng) -> &'static str {
        let g = match sex {
            Sex::Mujer => &self.women,
            _ => &self.men,
        };
        let births_weight = u64::from(
            birth_year
                .saturating_sub(COHORT_A_LAST_YEAR)
                .min(COHORT_B_FIRST_YEAR - COHORT_A_LAST_YEAR),
        );
        // 16 steps between 1999 (0/16) and 2015 (16/16).
        if rng.below(u64::from(COHORT_B_FIRST_YEAR - COHORT_A_LAST_YEAR)) < births_weight {
            if rng.below(1000) < g.coverage {
                g.births_head.sample(rng)
            } else {
                g.births_rest.sample(rng)
            }
        } else {
            g.adults.sample(rng)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_load_with_documented_sizes() {
        let t = Tables::load(300, 1000).unwrap();
        // names_freq_mx.md: 4,165 surnames; tail_names_mx.md: 554 surnames.
        assert_eq!(t.surnames.len(), 4165 + 554);
        // 1,570 men's and 2,517 women's names; 276 and 246 tail names.
        assert_eq!(t.men.adults.len(), 1570 + 276);
        assert_eq!(t.women.adults.len(), 2517 + 246);
        assert_eq!(t.men.births_head.len(), 501);
        assert_eq!(t.women.births_head.len(), 501);
        // Precomputed per given-name field: significant name and whole field.
        assert!(t.nicknames_for_given("JOSÉ MARÍA").contains(&"CHEMA"));
        assert!(t.nicknames_for_given("JOSÉ ANTONIO").contains(&"TONO"));
        assert!(t
            .nicknames_for_given("MARÍA DEL ROSARIO")
            .contains(&"CHARO"));
        assert!(t.nicknames_for_given("XOLOTL").is_empty());
    }

    #[test]
    fn shares_follow_counts_and_reserved_tail() {
        let t = Tables::load(300, 1000).unwrap();
        // HERNÁNDEZ: 88,750 of 2,331,769, scaled to the 97 % table share:
        // 88750 / 2331769 * 0.97 = 0.036919…
        let s = t.surnames.share("HERNÁNDEZ");
        assert!((s - 0.036_919).abs() < 1e-5, "{s}");
        // The 554 tail surnames together hold 3 %.
        let tail: f64 = TAIL_TSV
            .lines()
            .filter_map(|l| l.strip_prefix("S\t"))
            .map(|n| t.surnames.share(n))
            .sum();
        assert!((tail - 0.03).abs() < 1e-9, "{tail}");
        // First tail name weight 20 * N / (N + 1) vs last 20 * N / (N + 554):
        // ratio (N + 554) / (N + 1) = 4719 / 4166 = 1.1327…
        let first = t.surnames.share("ARCHULETA");
        let last_name = TAIL_TSV
            .lines()
            .rev()
            .find_map(|l| l.strip_prefix("S\t"))
            .unwrap();
        let last = t.surnames.share(last_name);
        assert!((first / last - 4719.0 / 4166.0).abs() < 1e-3);
    }

    #[test]
    fn cohorts_pick_the_right_table() {
        let t = Tables::load(300, 1000).unwrap();
        let mut rng = Rng::seed_from_u64(1);
        // SANTIAGO is rank 1 in 2020 (8,794 of 322,060 head) but rare among
        // the SEP adults; JOSÉ LUIS is rank 1 of the adults and absent from the
        // births head rest… count draws for each cohort.
        let count = |year: u16, name: &str, rng: &mut Rng| {
            (0..20_000)
                .filter(|_| t.given(Sex::Hombre, year, rng) == name)
                .count()
        };
        let santiago_old = count(1970, "SANTIAGO", &mut rng);
        let santiago_new = count(2020, "SANTIAGO", &mut rng);
        let jl_old = count(1970, "JOSÉ LUIS", &mut rng);
        // Expected for 2020: 0.39 * 8794 / 322060 = 1.065 % -> ~213 of 20,000.
        assert!((150..=280).contains(&santiago_new), "{santiago_new}");
        assert!(santiago_old < santiago_new / 3, "{santiago_old}");
        // JOSÉ LUIS among adults: 7,084 / 353,879 * 0.9 = 1.80 % -> ~360.
        assert!((290..=430).contains(&jl_old), "{jl_old}");
    }
}
