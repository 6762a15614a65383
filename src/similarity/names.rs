//! Given-name and surname comparators and the whole-name fallback (§5).

use crate::name::{GivenName, ParsedName, Surname};
use crate::phonetic;

use super::level::{GivenLevel, Level, SurnameLevel};
use super::metrics::{jaro_winkler, jaro_winkler_bytes, jaro_winkler_iter, osa_within, Score};
use super::nickname::{nickname_match, nicknames, Side};

/// Jaro-Winkler threshold of `G_CLOSE`.
pub const GIVEN_CLOSE_JW: f64 = 0.92;
/// Jaro-Winkler threshold of `G_FAR`.
pub const GIVEN_FAR_JW: f64 = 0.80;
/// Jaro-Winkler threshold for two surnames to "agree".
pub const SURNAME_AGREE_JW: f64 = 0.94;
/// Jaro-Winkler threshold of `S_JOINED`.
pub const SURNAME_JOINED_JW: f64 = 0.90;

/// Compares the given names of two records (§5 "Given names").
///
/// ```
/// use padron::{name, similarity::{compare_given, GivenLevel}};
///
/// let a = name::normalize("Pepe", "Pérez", "");
/// let b = name::normalize("José", "Pérez", "");
/// assert_eq!(compare_given(a.given(), b.given()), GivenLevel::Nickname);
/// ```
pub fn compare_given(a: Option<GivenName<'_>>, b: Option<GivenName<'_>>) -> GivenLevel {
    let (Some(a), Some(b)) = (a, b) else {
        return GivenLevel::Null;
    };
    given_level(&a, &b, None, None)
}

/// Given names with the MXF-1 keys of their significant tokens computed
/// once, for comparing one record against many
/// ([`compare_prepared_given`]).
pub struct PreparedGiven<'a> {
    given: GivenName<'a>,
    keys: SigKeys<'a>,
}

impl<'a> PreparedGiven<'a> {
    /// Computes the keys of `given`'s significant tokens.
    pub fn new(given: GivenName<'a>) -> PreparedGiven<'a> {
        PreparedGiven {
            keys: SigKeys::new(&given),
            given,
        }
    }
}

impl std::fmt::Debug for PreparedGiven<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedGiven")
            .field("given", &self.given)
            .finish_non_exhaustive()
    }
}

/// [`compare_given`] on prepared sides: same levels, without recomputing
/// phonetic keys.
pub fn compare_prepared_given(
    a: Option<&PreparedGiven<'_>>,
    b: Option<&PreparedGiven<'_>>,
) -> GivenLevel {
    let (Some(a), Some(b)) = (a, b) else {
        return GivenLevel::Null;
    };
    given_level(
        &a.given,
        &b.given,
        Some(a.keys.as_slice()),
        Some(b.keys.as_slice()),
    )
}

type TokKeys<'a> = (&'a str, phonetic::AgreementKeys);

fn given_level(
    a: &GivenName<'_>,
    b: &GivenName<'_>,
    keys_a: Option<&[TokKeys<'_>]>,
    keys_b: Option<&[TokKeys<'_>]>,
) -> GivenLevel {
    let (fa, fb) = (a.as_match(), b.as_match());
    if fa == fb {
        return GivenLevel::Exact;
    }
    let (sa, sb) = (a.significant(), b.significant());
    if sa == sb {
        return GivenLevel::ExactSignificant;
    }
    let (one_a, one_b) = match (keys_a, keys_b) {
        (Some(x), Some(y)) => (x.len() == 1, y.len() == 1),
        _ => (one_token(sa), one_token(sb)),
    };
    if nickname_match(nicknames(), side(a, fa, sa, one_a), side(b, fb, sb, one_b)) {
        return GivenLevel::Nickname;
    }
    // One significant token a side: G_PHON and G_SUBSET both mean that
    // the two tokens agree (they differ: `sa != sb`). A cheap first-symbol
    // test rules most pairs out before any key is computed.
    let single = one_a && one_b;
    if single && keys_a.is_none() && keys_b.is_none() && !phonetic::may_agree(sa, sb) {
        return jw_levels(a, b, sa, sb, || false);
    }
    let (own_a, own_b);
    let ka = match keys_a {
        Some(k) => k,
        None => {
            own_a = SigKeys::of(a, sa, one_a);
            own_a.as_slice()
        }
    };
    let kb = match keys_b {
        Some(k) => k,
        None => {
            own_b = SigKeys::of(b, sb, one_b);
            own_b.as_slice()
        }
    };
    if phonetic_prefix(ka, kb) {
        return GivenLevel::Phonetic;
    }
    // With one token a side, G_SUBSET is the G_PHON test just failed.
    jw_levels(a, b, sa, sb, || !single && subset(ka, kb))
}

/// The levels after `G_PHON`: `G_CLOSE`, then `G_SUBSET` (`subset` runs
/// its test), `G_INITIAL`, `G_FAR`, `G_ELSE`.
fn jw_levels(
    a: &GivenName<'_>,
    b: &GivenName<'_>,
    sa: &str,
    sb: &str,
    subset: impl FnOnce() -> bool,
) -> GivenLevel {
    let jw = jaro_winkler(sa, sb).value();
    if jw >= GIVEN_CLOSE_JW || (letters(sa) >= 5 && letters(sb) >= 5 && osa_within(sa, sb, 1)) {
        return GivenLevel::Close;
    }
    if subset() {
        return GivenLevel::Subset;
    }
    if initials_match(a, b) || initials_match(b, a) {
        return GivenLevel::Initial;
    }
    if jw >= GIVEN_FAR_JW {
        return GivenLevel::Far;
    }
    GivenLevel::Else
}

/// `g`'s nickname side; `full`, `significant` are its `as_match` and
/// `significant`, `one` says `significant` is one token (then it is the
/// first significant token too).
fn side<'a>(g: &GivenName<'a>, full: &'a str, significant: &'a str, one: bool) -> Side<'a> {
    let first = if one {
        significant
    } else {
        g.first_significant().map_or(significant, |t| t.as_match())
    };
    Side {
        first,
        significant,
        full,
    }
}

/// No space: one token (short strings: a plain loop beats `memchr`).
fn one_token(s: &str) -> bool {
    s.bytes().all(|b| b != b' ')
}

fn letters(s: &str) -> usize {
    s.bytes().filter(|&b| b != b' ').count()
}

/// Up to this many significant tokens per side keep their MXF-1 keys
/// inline; more spill to the heap.
const INLINE_TOKENS: usize = 2;

/// The significant tokens of one side with their MXF-1 keys, computed once
/// per comparison. Lives on the stack for one call: the size difference
/// between variants is the point (no allocation in the common case).
#[allow(clippy::large_enum_variant)]
enum SigKeys<'a> {
    Inline([(&'a str, phonetic::AgreementKeys); INLINE_TOKENS], usize),
    Heap(Vec<(&'a str, phonetic::AgreementKeys)>),
}

impl<'a> SigKeys<'a> {
    fn new(g: &GivenName<'a>) -> SigKeys<'a> {
        let significant = g.significant();
        SigKeys::of(g, significant, one_token(significant))
    }

    /// [`SigKeys::new`] given `g`'s significant form and whether it is one
    /// token (then that token is the form itself).
    fn of(g: &GivenName<'a>, significant: &'a str, one: bool) -> SigKeys<'a> {
        let mut arr = [("", phonetic::AgreementKeys::default()); INLINE_TOKENS];
        if one {
            arr[0] = (significant, phonetic::agreement_keys(significant));
            return SigKeys::Inline(arr, 1);
        }
        let mut n = 0;
        for t in g.significant_tokens() {
            let m = t.as_match();
            match arr.get_mut(n) {
                Some(slot) => *slot = (m, phonetic::agreement_keys(m)),
                None => {
                    return SigKeys::Heap(
                        g.significant_tokens()
                            .map(|t| (t.as_match(), phonetic::agreement_keys(t.as_match())))
                            .collect(),
                    )
                }
            }
            n += 1;
        }
        SigKeys::Inline(arr, n)
    }

    fn as_slice(&self) -> &[(&'a str, phonetic::AgreementKeys)] {
        match self {
            SigKeys::Inline(arr, n) => arr.get(..*n).unwrap_or_default(),
            SigKeys::Heap(v) => v,
        }
    }
}

fn tokens_agree(x: &TokKeys<'_>, y: &TokKeys<'_>) -> bool {
    x.0 == y.0 || x.1.agrees_with(&y.1)
}

/// `G_PHON`: the shorter side's significant tokens agree, in order, with
/// the other side's first tokens.
fn phonetic_prefix(
    a: &[(&str, phonetic::AgreementKeys)],
    b: &[(&str, phonetic::AgreementKeys)],
) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    !short.is_empty() && short.iter().zip(long).all(|(x, y)| tokens_agree(x, y))
}

/// `G_SUBSET`: one side's significant tokens are all found (exactly or by
/// MXF-1) among the other's. Both directions are tried whatever the token
/// counts: repeated tokens make a longer side able to sit inside a shorter
/// one (`ESTEBAN ESTEBAN` inside `ESTEBAN MC`), and testing only one
/// direction would make the level depend on argument order.
fn subset(a: &[TokKeys<'_>], b: &[TokKeys<'_>]) -> bool {
    let within = |inner: &[TokKeys<'_>], outer: &[TokKeys<'_>]| {
        !inner.is_empty()
            && inner
                .iter()
                .all(|x| outer.iter().any(|y| tokens_agree(x, y)))
    };
    within(a, b) || within(b, a)
}

/// `G_INITIAL`: `init` has only initials, `other` does not, and the
/// initials are, in order, first letters of `other`'s tokens.
fn initials_match(init: &GivenName<'_>, other: &GivenName<'_>) -> bool {
    if !init.only_initials() || other.only_initials() {
        return false;
    }
    let mut firsts = other
        .tokens()
        .filter(|t| !t.is_particle())
        .filter_map(|t| t.as_match().bytes().next());
    init.tokens()
        .filter(|t| !t.is_particle())
        .filter_map(|t| t.as_match().bytes().next())
        .all(|c| firsts.any(|f| f == c))
}

/// Two surnames "agree" (§5): `core` forms equal, MXF-1 agreement on every
/// core token, or Jaro-Winkler ≥ 0.94 on the cores.
pub fn surnames_agree(x: Surname<'_>, y: Surname<'_>) -> bool {
    let (cx, cy) = (x.core(), y.core());
    cx == cy || phonetic::agree_tokens(cx, cy) || jaro_winkler(cx, cy).value() >= SURNAME_AGREE_JW
}

/// Compares the surnames of two records jointly (§5 "Surnames").
///
/// ```
/// use padron::{name, similarity::{compare_surnames, SurnameLevel}};
///
/// let a = name::normalize("Ana", "López", "García");
/// let b = name::normalize("Ana", "García", "López");
/// assert_eq!(compare_surnames(&a, &b), SurnameLevel::Swapped);
/// ```
pub fn compare_surnames(a: &ParsedName, b: &ParsedName) -> SurnameLevel {
    compare_surname_parts(a.paternal(), a.maternal(), b.paternal(), b.maternal())
}

/// [`compare_surnames`] on explicit parts.
pub fn compare_surname_parts(
    p1: Option<Surname<'_>>,
    m1: Option<Surname<'_>>,
    p2: Option<Surname<'_>>,
    m2: Option<Surname<'_>>,
) -> SurnameLevel {
    if (p1.is_none() && m1.is_none()) || (p2.is_none() && m2.is_none()) {
        return SurnameLevel::Null;
    }
    let exact = |x: Option<Surname<'_>>, y: Option<Surname<'_>>| match (x, y) {
        (Some(x), Some(y)) => x.core() == y.core(),
        _ => false,
    };
    if exact(p1, p2) && exact(m1, m2) {
        return SurnameLevel::BothExact;
    }
    // Keys of one-token cores are computed once, not once per pairing.
    let (k1, k2, k3, k4) = (prepare(p1), prepare(m1), prepare(p2), prepare(m2));
    let agree = |x: &Option<Prepared<'_>>, y: &Option<Prepared<'_>>| match (x, y) {
        (Some(x), Some(y)) => prepared_agree(x, y),
        _ => false,
    };
    let (p1, m1, p2, m2) = (&k1, &k2, &k3, &k4);
    let pp = agree(p1, p2);
    let mm = agree(m1, m2);
    if pp && mm {
        return SurnameLevel::BothAgree;
    }
    let pm = agree(p1, m2);
    let mp = agree(m1, p2);
    if pm && mp {
        return SurnameLevel::Swapped;
    }
    if pp && (m1.is_none() || m2.is_none()) {
        return SurnameLevel::PaternalMaternalMissing;
    }
    if pp {
        return SurnameLevel::PaternalOnly;
    }
    if pm != mp {
        return SurnameLevel::CrossOne;
    }
    let (a1, a2) = (joined(p1), joined(m1));
    let (b1, b2) = (joined(p2), joined(m2));
    let jw = joined_jaro_winkler([a1, a2], [b1, b2]);
    if jw.value() >= SURNAME_JOINED_JW {
        return SurnameLevel::Joined;
    }
    SurnameLevel::Else
}

/// Jaro-Winkler of the concatenations `a[0] a[1]` and `b[0] b[1]`: copied
/// into stack buffers when short (the bit-parallel path), else chained.
fn joined_jaro_winkler(a: [&str; 2], b: [&str; 2]) -> Score {
    fn concat<'b>(parts: [&str; 2], buf: &'b mut [u8; 64]) -> Option<&'b [u8]> {
        let n = parts[0].len() + parts[1].len();
        let out = buf.get_mut(..n)?;
        let (x, y) = out.split_at_mut(parts[0].len());
        x.copy_from_slice(parts[0].as_bytes());
        y.copy_from_slice(parts[1].as_bytes());
        Some(out)
    }
    let (mut ba, mut bb) = ([0u8; 64], [0u8; 64]);
    match (concat(a, &mut ba), concat(b, &mut bb)) {
        (Some(x), Some(y)) => jaro_winkler_bytes(x, y),
        _ => jaro_winkler_iter(
            a[0].bytes().chain(a[1].bytes()),
            b[0].bytes().chain(b[1].bytes()),
        ),
    }
}

fn joined<'a>(s: &Option<Prepared<'a>>) -> &'a str {
    s.as_ref().map_or("", |s| s.surname.joined())
}

/// A surname with the MXF-1 keys of its core when that is one token.
struct Prepared<'a> {
    surname: Surname<'a>,
    keys: Option<phonetic::AgreementKeys>,
}

fn prepare(s: Option<Surname<'_>>) -> Option<Prepared<'_>> {
    s.map(|surname| {
        let core = surname.core();
        Prepared {
            surname,
            keys: (!core.contains(' ')).then(|| phonetic::agreement_keys(core)),
        }
    })
}

fn prepared_agree(x: &Prepared<'_>, y: &Prepared<'_>) -> bool {
    let (cx, cy) = (x.surname.core(), y.surname.core());
    let phon = match (&x.keys, &y.keys) {
        (Some(a), Some(b)) => a.agrees_with(b),
        _ => phonetic::agree_tokens(cx, cy),
    };
    cx == cy || phon || jaro_winkler(cx, cy).value() >= SURNAME_AGREE_JW
}

/// The levels of the two name comparators for one pair of parses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NameLevels {
    /// Given names.
    pub given: GivenLevel,
    /// Surnames.
    pub surnames: SurnameLevel,
}

/// Compares given names and surnames of two parsed names.
pub fn compare_names(a: &ParsedName, b: &ParsedName) -> NameLevels {
    NameLevels {
        given: compare_given(a.given(), b.given()),
        surnames: compare_surnames(a, b),
    }
}

/// §3: with several parses per side (full-name strings), the best-scoring
/// pair: smallest sum of level indices (surnames first on ties), first
/// pair on full ties. Returns the two indices and the levels; `None` if a
/// side has no parse. A placeholder ranking until calibrated weights exist.
pub fn best_parse_pair(a: &[ParsedName], b: &[ParsedName]) -> Option<(usize, usize, NameLevels)> {
    type Ranked = ((usize, usize), (usize, usize, NameLevels));
    let mut best: Option<Ranked> = None;
    for (i, x) in a.iter().enumerate() {
        for (j, y) in b.iter().enumerate() {
            let l = compare_names(x, y);
            let rank = (l.given.index() + l.surnames.index(), l.surnames.index());
            let better = match &best {
                Some((r, _)) => rank < *r,
                None => true,
            };
            if better {
                best = Some((rank, (i, j, l)));
            }
        }
    }
    best.map(|(_, r)| r)
}

/// Symmetric Monge–Elkan over space-separated `match` tokens with
/// Jaro-Winkler inside: the mean over one side's tokens of its best match
/// in the other, averaged both ways. Insensitive to token order. 0 if a
/// side has no token.
///
/// ```
/// use padron::similarity::monge_elkan;
/// assert_eq!(monge_elkan("JOSE LUIS", "LUIS JOSE").value(), 1.0);
/// ```
pub fn monge_elkan(a: &str, b: &str) -> Score {
    match (monge_elkan_one_way(a, b), monge_elkan_one_way(b, a)) {
        (Some(x), Some(y)) => Score::new((x + y) / 2.0),
        _ => Score::new(0.0),
    }
}

fn monge_elkan_one_way(a: &str, b: &str) -> Option<f64> {
    let tokens = |s| str::split(s, ' ').filter(|t: &&str| !t.is_empty());
    let mut n = 0usize;
    let mut sum = 0.0;
    for x in tokens(a) {
        sum += tokens(b)
            .map(|y| jaro_winkler(x, y).value())
            .fold(0.0, f64::max);
        n += 1;
    }
    (n > 0).then(|| sum / n as f64)
}

/// [`monge_elkan`] on two whole names (given names and surnames).
pub fn compare_whole_names(a: &ParsedName, b: &ParsedName) -> Score {
    monge_elkan(&a.full_match(), &b.full_match())
}
