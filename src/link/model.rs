//! The Fellegi–Sunter model: m and u per comparison level fitted by EM
//! without labels (u initialised, or fixed, from random pairs), match
//! weights, posterior probabilities and the threshold for a target
//! precision.

use super::compare::{ComparisonDef, Pattern, VETO_WEIGHT};
use super::progress::{Progress, Stage};
use super::LinkError;

/// How the model is fitted.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct EmConfig {
    /// Maximum EM iterations.
    pub max_iterations: u32,
    /// Stop when no parameter moves by more than this.
    pub tolerance: f64,
    /// Random pairs drawn (seeded) to estimate u.
    pub random_pairs: u64,
    /// Seed of the random pairs.
    pub seed: u64,
    /// `true`: EM re-estimates u (over the whole comparison space, see
    /// [`FittedModel`]), starting from the random-pair estimate; `false`: u
    /// stays the random-pair estimate and EM fits only m and the prior.
    pub estimate_u: bool,
    /// Initial guess of the share of candidate pairs that match.
    pub initial_lambda: f64,
    /// How many non-candidate pairs the random pairs stand for in the EM
    /// sample, as a multiple of the number of candidates; `None` = every
    /// non-candidate pair of the comparison space.
    ///
    /// Fitting over the whole space lets the non-matches' own structure
    /// outweigh the match class at national scale: given names cluster by
    /// birth cohort, so "similar birth date" pairs agree on names more
    /// often than chance, and with 10¹¹ pairs that correlation, not the
    /// 10⁴ duplicates, became EM's second class (a 670 k-record dedupe fit
    /// λ = 0.005 and m(CURP equal) = 0, and did not converge). Candidates
    /// plus ten times as many random non-candidates keep the non-match
    /// class anchored to the population while matches stay a large share
    /// of the sample; the fit then converges in a few iterations.
    pub non_candidate_ratio: Option<f64>,
    /// Pseudo-count added to every level in the M step.
    pub pseudo_count: f64,
}

impl Default for EmConfig {
    fn default() -> EmConfig {
        EmConfig {
            max_iterations: 500,
            tolerance: 1e-7,
            random_pairs: 1_000_000,
            seed: 0x7061_6472_6f6e_454d, // "padronEM"
            estimate_u: true,
            initial_lambda: 0.1,
            non_candidate_ratio: Some(10.0),
            pseudo_count: 0.01,
        }
    }
}

/// How the match threshold is chosen.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub enum Threshold {
    /// The lowest weight threshold whose model-estimated precision over the
    /// candidate pairs at or above it is at least this (in (0, 1)), and at
    /// which a pair is still more likely a match than not (posterior >=
    /// 0.5: a very pure head must not carry a tail of likely non-matches).
    TargetPrecision(f64),
    /// A match weight set by hand.
    Weight(f64),
    /// A posterior probability set by hand (in (0, 1)).
    Probability(f64),
}

impl Default for Threshold {
    fn default() -> Threshold {
        Threshold::TargetPrecision(0.995)
    }
}

/// The threshold in force and what the model expects of it.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ThresholdReport {
    /// How it was chosen.
    pub rule: Threshold,
    /// Pairs with match weight >= this are matches.
    pub weight: f64,
    /// The posterior probability at that weight.
    pub probability: f64,
    /// Mean posterior of the candidate pairs at or above the threshold.
    pub estimated_precision: f64,
    /// Their expected matches over the candidates' expected matches.
    pub estimated_recall: f64,
    /// Expected number of matches among all candidate pairs.
    pub expected_matches: f64,
    /// Candidate pairs at or above the threshold.
    pub pairs_above: u64,
}

/// One fitted comparison level.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FittedLevel {
    /// Level label (`token`, `exact`, `dice>=0.90`, ..., `else`).
    pub label: String,
    /// P(level | match).
    pub m: f64,
    /// P(level | non-match) used for scoring.
    pub u: f64,
    /// P(level) among the random pairs.
    pub u_random: f64,
    /// log2(m / u).
    pub weight: f64,
}

/// One fitted comparison.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FittedComparison {
    /// Comparison name.
    pub name: String,
    /// Levels, best first ("missing" has weight 0 and is not listed).
    pub levels: Vec<FittedLevel>,
}

/// The fitted Fellegi–Sunter model, as reported.
///
/// EM runs over the whole comparison space, estimated by a stratified
/// sample: every candidate pair (weight 1) plus the seeded random pairs
/// that are not candidates, each standing in for
/// `(comparison_space - candidates) / their number` pairs. So u describes
/// non-matches at large (not the look-alikes blocking selects, whose
/// agreements are correlated by construction) and lambda is the prior of a
/// match among all pairs; the posterior of a pair is then
/// λ·m(γ) / (λ·m(γ) + (1-λ)·u(γ)).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FittedModel {
    /// The comparisons, in pattern order.
    pub definitions: Vec<ComparisonDef>,
    /// Fitted parameters per comparison.
    pub comparisons: Vec<FittedComparison>,
    /// Prior: share of matches among the pairs of the EM sample (the
    /// candidates and the non-candidates the random pairs stand for:
    /// `em_sample_pairs`); posterior probabilities are relative to it.
    pub lambda: f64,
    /// Pairs in the comparison space.
    pub comparison_space: u64,
    /// Pairs the EM sample represents (see [`EmConfig::non_candidate_ratio`]).
    #[serde(default)]
    pub em_sample_pairs: u64,
    /// EM iterations run.
    pub iterations: u32,
    /// Whether EM met its tolerance.
    pub converged: bool,
    /// Log-likelihood of the candidate patterns at the fit.
    pub log_likelihood: f64,
    /// Candidate pairs the model was fitted on.
    pub candidate_pairs: u64,
    /// Distinct comparison patterns among them.
    pub distinct_patterns: u64,
    /// Random pairs used for u.
    pub random_pairs: u64,
    /// The threshold.
    pub threshold: ThresholdReport,
}

impl FittedModel {
    /// Match weight of a pattern: sum over comparisons of log2(m/u) of its
    /// level (missing levels add 0).
    pub fn weight(&self, p: Pattern) -> f64 {
        let mut w = 0.0;
        for (c, comp) in self.comparisons.iter().enumerate() {
            if let Some(l) = p.level(c) {
                w += comp.levels.get(l as usize).map_or(0.0, |x| x.weight);
            }
        }
        w
    }

    /// Posterior match probability at match weight `w`, with prior lambda.
    pub fn probability(&self, w: f64) -> f64 {
        posterior(self.lambda, w)
    }

    /// Is a pair of weight `w` a match under the threshold?
    pub fn is_match(&self, w: f64) -> bool {
        w >= self.threshold.weight
    }

    /// A compact, data-free description of a pattern:
    /// `name=label;name=label;...` (`missing` for missing levels).
    pub fn evidence(&self, p: Pattern) -> String {
        let mut s = String::new();
        for (c, comp) in self.comparisons.iter().enumerate() {
            if c > 0 {
                s.push(';');
            }
            s.push_str(&comp.name);
            s.push('=');
            match p.level(c).and_then(|l| comp.levels.get(l as usize)) {
                Some(level) => s.push_str(&level.label),
                None => s.push_str("missing"),
            }
        }
        s
    }
}

/// P(match | weight w) = 1 / (1 + (1 - lambda) / lambda * 2^-w).
pub(crate) fn posterior(lambda: f64, w: f64) -> f64 {
    let lambda = lambda.clamp(1e-300, 1.0 - 1e-16);
    let log_odds = w + (lambda / (1.0 - lambda)).log2();
    1.0 / (1.0 + (-log_odds).exp2())
}

/// Raw EM output.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct EmFit {
    pub(crate) lambda: f64,
    pub(crate) m: Vec<Vec<f64>>,
    pub(crate) u: Vec<Vec<f64>>,
    pub(crate) iterations: u32,
    pub(crate) converged: bool,
    pub(crate) log_likelihood: f64,
}

const LAMBDA_MIN: f64 = 1e-300;
const LAMBDA_MAX: f64 = 1.0 - 1e-12;

/// Initial m: level l of L gets weight 4^-l, normalised (agreement likely
/// for matches).
fn initial_m(levels: usize) -> Vec<f64> {
    let raw: Vec<f64> = (0..levels).map(|l| 0.25f64.powi(l as i32)).collect();
    let s: f64 = raw.iter().sum();
    raw.iter().map(|x| x / s).collect()
}

/// Holds level `l` of one comparison's m at `u[l] · 2^VETO_WEIGHT` and
/// rescales the other levels so m still sums to 1.
fn pin_veto(m: &mut [f64], u: &[f64], l: usize) {
    let (Some(&ul), true) = (u.get(l), l < m.len()) else {
        return;
    };
    let target = ul * VETO_WEIGHT.exp2();
    let rest: f64 = m
        .iter()
        .enumerate()
        .filter(|&(k, _)| k != l)
        .map(|(_, x)| x)
        .sum();
    if rest > 0.0 {
        let scale = (1.0 - target) / rest;
        for (k, x) in m.iter_mut().enumerate() {
            if k != l {
                *x *= scale;
            }
        }
    }
    m[l] = target;
}

/// Level frequencies (Laplace-smoothed) of the random pairs' patterns;
/// uniform for a comparison never observed.
pub(crate) fn u_from_random(patterns: &[(Pattern, u64)], levels: &[usize]) -> Vec<Vec<f64>> {
    levels
        .iter()
        .enumerate()
        .map(|(c, &l)| {
            let mut counts = vec![0u64; l];
            for &(p, n) in patterns {
                if let Some(x) = p.level(c).and_then(|x| counts.get_mut(x as usize)) {
                    *x += n;
                }
            }
            let total: u64 = counts.iter().sum();
            counts
                .iter()
                .map(|&k| (k as f64 + 1.0) / (total as f64 + l as f64))
                .collect()
        })
        .collect()
}

/// Fit lambda, m and u by EM on distinct patterns with (possibly
/// fractional) weights, starting from `lambda0`.
///
/// The sums run over `patterns` in the order given, so the result is a
/// deterministic function of its input.
///
/// `vetoes[c]`, when set, is a level of comparison `c` whose m is held at
/// `u · 2^VETO_WEIGHT` (its weight is fixed, not fitted), so that pairs at
/// that level count as non-matches while the other parameters are fitted.
pub(crate) fn fit_em(
    patterns: &[(Pattern, f64)],
    levels: &[usize],
    u_init: &[Vec<f64>],
    lambda0: f64,
    vetoes: &[Option<usize>],
    config: &EmConfig,
    progress: &dyn Progress,
) -> EmFit {
    let nc = levels.len();
    let mut m: Vec<Vec<f64>> = levels.iter().map(|&l| initial_m(l)).collect();
    let mut u: Vec<Vec<f64>> = u_init.to_vec();
    let pin = |m: &mut Vec<Vec<f64>>, u: &[Vec<f64>]| {
        for (c, v) in vetoes.iter().enumerate() {
            if let (Some(l), Some(mc), Some(uc)) = (*v, m.get_mut(c), u.get(c)) {
                pin_veto(mc, uc, l);
            }
        }
    };
    pin(&mut m, &u);
    let mut lambda = lambda0.clamp(LAMBDA_MIN, LAMBDA_MAX);
    let total: f64 = patterns.iter().map(|&(_, n)| n).sum();
    let alpha = config.pseudo_count.max(0.0);
    let mut iterations = 0;
    let mut converged = false;
    let mut ll = 0.0;
    if total == 0.0 {
        return EmFit {
            lambda,
            m,
            u,
            iterations,
            converged: true,
            log_likelihood: 0.0,
        };
    }
    let mut g = vec![0.0f64; patterns.len()];
    while iterations < config.max_iterations {
        iterations += 1;
        progress.report(
            Stage::Fitting,
            u64::from(iterations),
            u64::from(config.max_iterations),
        );
        // E step.
        let lm: Vec<Vec<f64>> = m
            .iter()
            .map(|v| v.iter().map(|x| x.ln()).collect())
            .collect();
        let lu: Vec<Vec<f64>> = u
            .iter()
            .map(|v| v.iter().map(|x| x.ln()).collect())
            .collect();
        let (ll1, ll0) = (lambda.ln(), (1.0 - lambda).ln());
        ll = 0.0;
        for (k, &(p, n)) in patterns.iter().enumerate() {
            let (mut a, mut b) = (ll1, ll0);
            for c in 0..nc {
                if let Some(l) = p.level(c) {
                    a += lm[c].get(l as usize).copied().unwrap_or(0.0);
                    b += lu[c].get(l as usize).copied().unwrap_or(0.0);
                }
            }
            let hi = a.max(b);
            let lse = hi + ((a - hi).exp() + (b - hi).exp()).ln();
            ll += n * lse;
            g[k] = (a - lse).exp();
        }
        // M step.
        let mut sm: Vec<Vec<f64>> = levels.iter().map(|&l| vec![0.0; l]).collect();
        let mut su: Vec<Vec<f64>> = levels.iter().map(|&l| vec![0.0; l]).collect();
        let mut matches = 0.0;
        for (k, &(p, n)) in patterns.iter().enumerate() {
            let gm = g[k] * n;
            let gu = (1.0 - g[k]) * n;
            matches += gm;
            for c in 0..nc {
                if let Some(l) = p.level(c) {
                    if let Some(x) = sm[c].get_mut(l as usize) {
                        *x += gm;
                    }
                    if let Some(x) = su[c].get_mut(l as usize) {
                        *x += gu;
                    }
                }
            }
        }
        let new_lambda = (matches / total).clamp(LAMBDA_MIN, LAMBDA_MAX);
        // lambda may be tiny (a prior over all pairs): relative change.
        let mut delta = (new_lambda - lambda).abs() / lambda;
        lambda = new_lambda;
        for c in 0..nc {
            let norm = |v: &[f64]| -> Vec<f64> {
                let s: f64 = v.iter().sum::<f64>() + alpha * v.len() as f64;
                if s <= 0.0 {
                    return vec![1.0 / v.len() as f64; v.len()];
                }
                v.iter().map(|x| ((x + alpha) / s).max(1e-12)).collect()
            };
            let mut nm = norm(&sm[c]);
            if let (Some(Some(l)), Some(uc)) = (vetoes.get(c), u.get(c)) {
                pin_veto(&mut nm, uc, *l);
            }
            for (o, n) in m[c].iter_mut().zip(&nm) {
                delta = delta.max((*o - n).abs());
                *o = *n;
            }
            if config.estimate_u {
                let nu = norm(&su[c]);
                for (o, n) in u[c].iter_mut().zip(&nu) {
                    delta = delta.max((*o - n).abs());
                    *o = *n;
                }
            }
        }
        if config.estimate_u {
            // u moved: hold the vetoed m at its new value.
            pin(&mut m, &u);
        }
        if delta < config.tolerance {
            converged = true;
            break;
        }
    }
    // The "match" class is the one agreeing at the top levels; EM may
    // converge with the classes swapped.
    let top: f64 = (0..nc)
        .map(|c| {
            m[c].first().copied().unwrap_or(1.0).ln() - u[c].first().copied().unwrap_or(1.0).ln()
        })
        .sum();
    if top < 0.0 && config.estimate_u {
        std::mem::swap(&mut m, &mut u);
        lambda = 1.0 - lambda;
        pin(&mut m, &u);
    }
    EmFit {
        lambda,
        m,
        u,
        iterations,
        converged,
        log_likelihood: ll,
    }
}

/// Build the reported model from an EM fit and pick the threshold over the
/// candidate patterns.
#[allow(clippy::too_many_arguments)]
pub(crate) fn build_model(
    defs: &[ComparisonDef],
    fit: &EmFit,
    comparison_space: u64,
    u_random: &[Vec<f64>],
    candidates: &[(Pattern, u64)],
    random_pairs: u64,
    rule: Threshold,
) -> Result<FittedModel, LinkError> {
    let comparisons = defs
        .iter()
        .enumerate()
        .map(|(c, d)| FittedComparison {
            name: d.name.clone(),
            levels: d
                .level_labels()
                .into_iter()
                .enumerate()
                .map(|(l, label)| {
                    let m = fit.m.get(c).and_then(|v| v.get(l)).copied().unwrap_or(1.0);
                    let u = fit.u.get(c).and_then(|v| v.get(l)).copied().unwrap_or(1.0);
                    let ur = u_random
                        .get(c)
                        .and_then(|v| v.get(l))
                        .copied()
                        .unwrap_or(0.0);
                    FittedLevel {
                        label,
                        m,
                        u,
                        u_random: ur,
                        weight: (m / u).log2(),
                    }
                })
                .collect(),
        })
        .collect();
    let mut model = FittedModel {
        definitions: defs.to_vec(),
        comparisons,
        lambda: fit.lambda,
        comparison_space,
        em_sample_pairs: comparison_space,
        iterations: fit.iterations,
        converged: fit.converged,
        log_likelihood: fit.log_likelihood,
        candidate_pairs: candidates.iter().map(|&(_, n)| n).sum(),
        distinct_patterns: candidates.len() as u64,
        random_pairs,
        threshold: ThresholdReport {
            rule,
            weight: 0.0,
            probability: 0.0,
            estimated_precision: 0.0,
            estimated_recall: 0.0,
            expected_matches: 0.0,
            pairs_above: 0,
        },
    };
    model.threshold = choose_threshold(&model, candidates, rule)?;
    Ok(model)
}

/// Select (or evaluate) the threshold over the candidate patterns.
pub(crate) fn choose_threshold(
    model: &FittedModel,
    candidates: &[(Pattern, u64)],
    rule: Threshold,
) -> Result<ThresholdReport, LinkError> {
    // (weight, count, expected matches) sorted by weight, highest first.
    let mut rows: Vec<(f64, u64, f64)> = candidates
        .iter()
        .map(|&(p, n)| {
            let w = model.weight(p);
            (w, n, n as f64 * model.probability(w))
        })
        .collect();
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    let expected: f64 = rows.iter().map(|r| r.2).sum();
    let weight = match rule {
        Threshold::Weight(w) if w.is_finite() => w,
        Threshold::Probability(p) if p > 0.0 && p < 1.0 => {
            let lambda = model.lambda.clamp(1e-300, 1.0 - 1e-16);
            (p / (1.0 - p)).log2() - (lambda / (1.0 - lambda)).log2()
        }
        Threshold::TargetPrecision(t) if t > 0.0 && t < 1.0 => {
            // Posterior is increasing in weight, so the running mean from
            // the top is non-increasing: take the last weight group that
            // keeps it >= t.
            let top = rows.first().map_or(0.0, |r| r.0);
            let mut chosen = top + 1.0;
            let (mut n, mut e) = (0u64, 0.0f64);
            let mut x = 0;
            while x < rows.len() {
                let w = rows[x].0;
                while x < rows.len() && rows[x].0 == w {
                    n += rows[x].1;
                    e += rows[x].2;
                    x += 1;
                }
                // Never accept pairs the model thinks more likely
                // non-matches, even if the head keeps the mean up.
                if n > 0 && e / n as f64 >= t && model.probability(w) >= 0.5 {
                    chosen = w;
                } else {
                    break;
                }
            }
            chosen
        }
        _ => return Err(LinkError::Config("threshold out of range")),
    };
    let (mut n, mut e) = (0u64, 0.0f64);
    for r in rows.iter().take_while(|r| r.0 >= weight) {
        n += r.1;
        e += r.2;
    }
    Ok(ThresholdReport {
        rule,
        weight,
        probability: model.probability(weight),
        estimated_precision: if n > 0 { e / n as f64 } else { 1.0 },
        estimated_recall: if expected > 0.0 { e / expected } else { 0.0 },
        expected_matches: expected,
        pairs_above: n,
    })
}

#[cfg(test)]
mod tests {
    use super::super::progress::NoProgress;
    use super::super::rng::SplitMix64;
    use super::*;

    fn draw(rng: &mut SplitMix64, probs: &[f64]) -> u8 {
        let x = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        let mut acc = 0.0;
        for (l, p) in probs.iter().enumerate() {
            acc += p;
            if x < acc {
                return l as u8;
            }
        }
        (probs.len() - 1) as u8
    }

    /// Simulate `n` patterns from a known model; missing with prob `miss`.
    fn simulate(
        n: usize,
        lambda: f64,
        m: &[Vec<f64>],
        u: &[Vec<f64>],
        miss: f64,
        seed: u64,
    ) -> Vec<(Pattern, f64)> {
        let mut rng = SplitMix64::new(seed);
        let mut pats: Vec<Pattern> = Vec::with_capacity(n);
        for _ in 0..n {
            let is_match = draw(&mut rng, &[lambda, 1.0 - lambda]) == 0;
            let mut p = Pattern(0);
            for c in 0..m.len() {
                let probs = if is_match { &m[c] } else { &u[c] };
                let l = draw(&mut rng, probs);
                let missing = draw(&mut rng, &[miss, 1.0 - miss]) == 0;
                p.set(c, if missing { None } else { Some(l) });
            }
            pats.push(p);
        }
        pats.sort();
        let mut out: Vec<(Pattern, f64)> = Vec::new();
        for p in pats {
            match out.last_mut() {
                Some((q, k)) if *q == p => *k += 1.0,
                _ => out.push((p, 1.0)),
            }
        }
        out
    }

    fn truth() -> (f64, Vec<Vec<f64>>, Vec<Vec<f64>>) {
        let m = vec![
            vec![0.85, 0.10, 0.05],
            vec![0.70, 0.20, 0.06, 0.04],
            vec![0.95, 0.05],
            vec![0.80, 0.15, 0.05],
            vec![0.90, 0.07, 0.03],
        ];
        let u = vec![
            vec![0.02, 0.08, 0.90],
            vec![0.01, 0.04, 0.15, 0.80],
            vec![0.10, 0.90],
            vec![0.05, 0.15, 0.80],
            vec![0.03, 0.12, 0.85],
        ];
        (0.3, m, u)
    }

    #[test]
    fn vetoed_level_keeps_its_fixed_weight_and_the_rest_is_fitted() {
        let (lambda, m, u) = truth();
        let pats = simulate(200_000, lambda, &m, &u, 0.1, 42);
        let levels: Vec<usize> = m.iter().map(Vec::len).collect();
        // Veto level 1 of comparison 0 (m 0.10, u 0.08 in the truth).
        let vetoes = [Some(1), None, None, None, None];
        let fit = fit_em(
            &pats,
            &levels,
            &u,
            0.1,
            &vetoes,
            &EmConfig::default(),
            &NoProgress,
        );
        assert!(fit.converged);
        let w = (fit.m[0][1] / fit.u[0][1]).log2();
        assert!((w - VETO_WEIGHT).abs() < 1e-6, "vetoed weight {w}");
        for c in 0..m.len() {
            let sum: f64 = fit.m[c].iter().sum();
            assert!((sum - 1.0).abs() < 1e-9, "m[{c}] sums to {sum}");
        }
        // Pairs at the vetoed level are non-matches now: the matches lose
        // their share at that level, so lambda falls by about
        // lambda * m[0][1].
        let want = lambda * (1.0 - m[0][1]);
        assert!(
            (fit.lambda - want).abs() < 0.015,
            "lambda {} vs {want}",
            fit.lambda
        );
        // Other comparisons keep their m.
        assert!((fit.m[2][0] - m[2][0]).abs() < 0.02, "{}", fit.m[2][0]);
    }

    #[test]
    fn em_recovers_known_m_and_u() {
        let (lambda, m, u) = truth();
        let pats = simulate(200_000, lambda, &m, &u, 0.1, 42);
        let levels: Vec<usize> = m.iter().map(Vec::len).collect();
        // Start u from a uniform guess: EM must find it alone.
        let u0: Vec<Vec<f64>> = levels.iter().map(|&l| vec![1.0 / l as f64; l]).collect();
        let fit = fit_em(
            &pats,
            &levels,
            &u0,
            0.1,
            &[],
            &EmConfig::default(),
            &NoProgress,
        );
        assert!(fit.converged);
        assert!((fit.lambda - lambda).abs() < 0.01, "lambda {}", fit.lambda);
        for c in 0..m.len() {
            for l in 0..m[c].len() {
                assert!(
                    (fit.m[c][l] - m[c][l]).abs() < 0.015,
                    "m[{c}][{l}] = {} vs {}",
                    fit.m[c][l],
                    m[c][l]
                );
                assert!(
                    (fit.u[c][l] - u[c][l]).abs() < 0.015,
                    "u[{c}][{l}] = {} vs {}",
                    fit.u[c][l],
                    u[c][l]
                );
            }
        }
    }

    #[test]
    fn em_with_fixed_u_recovers_m_and_lambda() {
        let (lambda, m, u) = truth();
        let pats = simulate(100_000, lambda, &m, &u, 0.0, 7);
        let levels: Vec<usize> = m.iter().map(Vec::len).collect();
        let cfg = EmConfig {
            estimate_u: false,
            ..EmConfig::default()
        };
        let fit = fit_em(&pats, &levels, &u, 0.1, &[], &cfg, &NoProgress);
        assert!((fit.lambda - lambda).abs() < 0.01, "lambda {}", fit.lambda);
        for c in 0..m.len() {
            for (fm, tm) in fit.m[c].iter().zip(&m[c]) {
                assert!((fm - tm).abs() < 0.015);
            }
            assert_eq!(fit.u[c], u[c]);
        }
    }

    #[test]
    fn em_is_deterministic_and_handles_no_data() {
        let (lambda, m, u) = truth();
        let pats = simulate(5_000, lambda, &m, &u, 0.2, 9);
        let levels: Vec<usize> = m.iter().map(Vec::len).collect();
        let a = fit_em(
            &pats,
            &levels,
            &u,
            0.1,
            &[],
            &EmConfig::default(),
            &NoProgress,
        );
        let b = fit_em(
            &pats,
            &levels,
            &u,
            0.1,
            &[],
            &EmConfig::default(),
            &NoProgress,
        );
        assert_eq!(a, b);
        let empty = fit_em(
            &[],
            &levels,
            &u,
            0.1,
            &[],
            &EmConfig::default(),
            &NoProgress,
        );
        assert!(empty.converged);
        assert_eq!(empty.iterations, 0);
    }

    #[test]
    fn posterior_is_monotone_and_calibrated() {
        assert!((posterior(0.5, 0.0) - 0.5).abs() < 1e-12);
        // prior odds 1:3, weight 2 (likelihood ratio 4) => odds 4:3.
        assert!((posterior(0.25, 2.0) - 4.0 / 7.0).abs() < 1e-12);
        let mut last = 0.0;
        for w in -40..40 {
            let p = posterior(0.01, f64::from(w));
            assert!(p >= last);
            last = p;
        }
    }

    #[test]
    fn target_precision_picks_lowest_qualifying_weight() {
        // One comparison, levels with weights 3, 1, -2 (m/u chosen so).
        let defs = vec![ComparisonDef {
            name: "x".into(),
            field: Some("x".into()),
            token: None,
            weaker_tokens: Vec::new(),
            bands: vec![0.8],
            veto: None,
            order_of: None,
        }];
        let fit = EmFit {
            lambda: 0.5,
            m: vec![vec![0.8, 0.1, 0.1]],
            u: vec![vec![0.1, 0.05, 0.4]],
            iterations: 1,
            converged: true,
            log_likelihood: 0.0,
        };
        let cands = vec![(Pattern(0), 10), (Pattern(1), 10), (Pattern(2), 10)];
        // Weights: log2(8) = 3, log2(2) = 1, log2(0.25) = -2.
        // Posteriors at lambda 0.5: 8/9, 2/3, 1/5.
        let model = build_model(
            &defs,
            &fit,
            30,
            &fit.u,
            &cands,
            0,
            Threshold::TargetPrecision(0.85),
        )
        .unwrap();
        assert_eq!(model.threshold.weight, 3.0);
        assert_eq!(model.threshold.pairs_above, 10);
        // Mean of 8/9 and 2/3 is 7/9 = 0.777...
        let r = choose_threshold(&model, &cands, Threshold::TargetPrecision(0.77)).unwrap();
        assert_eq!(r.weight, 1.0);
        assert!((r.estimated_precision - 7.0 / 9.0).abs() < 1e-12);
        let r = choose_threshold(&model, &cands, Threshold::TargetPrecision(0.95)).unwrap();
        assert_eq!(r.pairs_above, 0);
        // All three together have mean posterior (8/9 + 2/3 + 1/5) / 3 =
        // 0.585 >= 0.5, but the last group is more likely non-match.
        let r = choose_threshold(&model, &cands, Threshold::TargetPrecision(0.5)).unwrap();
        assert_eq!(r.weight, 1.0);
        let r = choose_threshold(&model, &cands, Threshold::Probability(0.5)).unwrap();
        assert!(r.weight.abs() < 1e-12);
        assert_eq!(r.pairs_above, 20);
        assert!(choose_threshold(&model, &cands, Threshold::TargetPrecision(1.5)).is_err());
        assert_eq!(model.evidence(Pattern(1)), "x=dice>=0.80");
        assert_eq!(model.evidence(Pattern(0xF)), "x=missing");
    }
}
