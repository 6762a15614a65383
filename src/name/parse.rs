//! The pipeline driver: token-level steps N6–N10 and field parsing (§3),
//! over reusable scratch buffers, then assembly into one [`ParsedName`].

use std::mem::take;
use std::ops::Range;

use super::decode;
use super::fast;
use super::fold::{self, RawToken};
use super::freq::{self, FrequencyTable};
use super::tables::{self, class, Expansion};
use super::{
    settle_significant, FieldKind, Flags, GivenSpan, NormalizedField, Options, ParseOrder,
    ParsedName, Span, SurnameSpan, TokenSpan, TokenStore, INITIAL, PARTICLE, PREFIX, SIGNIFICANT,
};

const GIVEN: usize = 0;
const PATERNAL: usize = 1;
const MATERNAL: usize = 2;

/// Reusable buffers: ortho/match text of all tokens seen for the current
/// name (tokens are ranges into them), and the token lists per part.
#[derive(Default)]
pub(crate) struct Scratch {
    ortho: String,
    matchf: String,
    parts: [Vec<RawToken>; 3],
    married: Vec<RawToken>,
    all: Vec<RawToken>,
}

/// One way of assigning a full-name string's tokens to parts.
#[derive(Clone, PartialEq, Eq)]
struct Split {
    given: Range<usize>,
    paternal: Range<usize>,
    maternal: Range<usize>,
}

impl Scratch {
    fn clear(&mut self) {
        self.ortho.clear();
        self.matchf.clear();
        for p in &mut self.parts {
            p.clear();
        }
        self.married.clear();
        self.all.clear();
    }

    fn m(&self, t: RawToken) -> &str {
        self.matchf
            .get(t.matchf.0 as usize..t.matchf.1 as usize)
            .unwrap_or_default()
    }

    fn o(&self, t: RawToken) -> &str {
        let src = if t.class & class::ORTHO_IN_MATCH != 0 {
            &self.matchf
        } else {
            &self.ortho
        };
        src.get(t.ortho.0 as usize..t.ortho.1 as usize)
            .unwrap_or_default()
    }

    /// True if the token's ortho form equals its match form.
    fn plain(&self, t: RawToken) -> bool {
        t.class & class::ORTHO_IN_MATCH != 0 || self.o(t) == self.m(t)
    }

    fn mi(&self, toks: &[RawToken], i: usize) -> &str {
        toks.get(i).map_or("", |t| self.m(*t))
    }

    /// N1 is done by the caller; this runs N2–N5 on one field's text into
    /// `out`, then the field-level N6–N7.
    fn read_field(
        &mut self,
        text: &str,
        opts: &Options,
        flags: &mut Flags,
        out: &mut Vec<RawToken>,
    ) {
        // ASCII text needs no repair (N2), so the fast path goes first.
        if !fold::tokenize_ascii(text, &opts.unknown_markers, &mut self.matchf, out) {
            let (text, repairs) = decode::repair(text);
            if repairs.mojibake || repairs.dos {
                flags.insert(Flags::MOJIBAKE_REPAIRED);
            }
            fold::tokenize_general(
                &text,
                &opts.unknown_markers,
                &mut self.ortho,
                &mut self.matchf,
                out,
                flags,
            );
        }
        self.clean_field(out, flags);
    }

    /// N6 (placeholders), N7 (titles, suffixes, `VDA DE`), N6 again so the
    /// result is stable under re-normalization.
    fn clean_field(&mut self, toks: &mut Vec<RawToken>, flags: &mut Flags) {
        let Some(&first) = toks.first() else {
            return;
        };
        let classes = toks.iter().fold(0, |acc, t| acc | t.class);
        // Quick exit for the common field: no title, suffix or `VDA`, and
        // not a placeholder (which needs a listed first word or a first
        // token that starts with one letter repeated).
        if classes & (class::TITLE | class::TRAILING | class::WIDOW | class::NULL_START) == 0 {
            let m = self.m(first).as_bytes();
            if m.len() >= 2 && m.first() != m.get(1) {
                return;
            }
        }
        if self.is_placeholder(toks) {
            toks.clear();
            flags.insert(Flags::PLACEHOLDER);
            return;
        }
        if classes & (class::TITLE | class::TRAILING | class::WIDOW) == 0 {
            return;
        }
        let before = toks.len();
        while toks.len() >= 2 && cls(toks, 0) & class::TITLE != 0 {
            toks.remove(0);
            flags.insert(Flags::TITLE_DROPPED);
        }
        while toks.len() >= 2 && cls(toks, toks.len() - 1) & class::TRAILING != 0 {
            toks.pop();
            flags.insert(Flags::TITLE_DROPPED);
        }
        let widow = (0..toks.len()).find(|&i| {
            cls(toks, i) & class::WIDOW != 0
                && cls(toks, i + 1) & class::DE != 0
                && i + 2 < toks.len()
        });
        if let Some(i) = widow {
            if self.married.is_empty() {
                self.married.extend(toks.iter().skip(i + 2).copied());
            }
            toks.truncate(i);
            flags.insert(Flags::MARRIED_SURNAME);
        }
        if toks.len() != before && self.is_placeholder(toks) {
            toks.clear();
            flags.insert(Flags::PLACEHOLDER);
        }
    }

    /// N6: the whole field is a null placeholder or one repeated letter.
    fn is_placeholder(&self, toks: &[RawToken]) -> bool {
        let Some(first) = toks.first() else {
            return false;
        };
        let head = self.m(*first).as_bytes();
        let lead = head.first().copied().unwrap_or(0);
        // Quick reject: not a phrase start, and not one repeated letter.
        if first.class & class::NULL_START == 0 {
            let repeated_so_far = head.iter().all(|&b| b == lead);
            if !repeated_so_far {
                return false;
            }
        }
        let listed = first.class & class::NULL_START != 0
            && toks.len() <= 2
            && tables::NULL_PLACEHOLDERS.iter().any(|p| {
                let mut words = p.split(' ');
                toks.iter().all(|t| words.next() == Some(self.m(*t))) && words.next().is_none()
            });
        if listed {
            return true;
        }
        let n: usize = toks
            .iter()
            .map(|t| t.matchf.1 as usize - t.matchf.0 as usize)
            .sum();
        n >= 2 && toks.iter().all(|t| self.m(*t).bytes().all(|b| b == lead))
    }

    /// N8 on the tokens of one part.
    fn expand(&mut self, toks: &mut [RawToken], table: &[Expansion], flags: &mut Flags) {
        let bit = if std::ptr::eq(table, tables::GIVEN_ABBREVIATIONS) {
            class::ABBR_GIVEN
        } else {
            class::ABBR_SURNAME
        };
        if toks.iter().all(|t| t.class & bit == 0) {
            return;
        }
        for t in toks.iter_mut() {
            if t.class & bit == 0 {
                continue;
            }
            if let Some((_, m, o)) = tables::expansion(table, self.m(*t)) {
                *t = self.push_token(m, o);
                flags.insert(Flags::ABBREVIATION_EXPANDED);
            }
        }
    }

    /// N9 on the tokens of one surname part.
    fn recover(&mut self, toks: &mut [RawToken], table: &FrequencyTable, flags: &mut Flags) {
        for t in toks.iter_mut() {
            let m = self.m(*t);
            if !(m.contains('*') || m.contains("NI")) {
                continue;
            }
            if let Some((nm, no)) = freq::recover_n_tilde(table, m, self.o(*t)) {
                *t = self.push_token(&nm, &no);
                flags.insert(Flags::N_TILDE_RECOVERED);
            }
        }
    }

    fn push_token(&mut self, m: &str, o: &str) -> RawToken {
        let (os, ms) = (self.ortho.len(), self.matchf.len());
        self.ortho.push_str(o);
        self.matchf.push_str(m);
        RawToken {
            ortho: (os as u32, self.ortho.len() as u32),
            matchf: (ms as u32, self.matchf.len() as u32),
            class: tables::classify(m),
        }
    }

    /// N8 and N9 on the three parts and the married surname.
    fn expand_parts(&mut self, flags: &mut Flags, frequencies: Option<&FrequencyTable>) {
        let classes = self
            .parts
            .iter()
            .chain([&self.married])
            .flatten()
            .fold(0, |acc, t| acc | t.class);
        if frequencies.is_none() && classes & (class::ABBR_GIVEN | class::ABBR_SURNAME) == 0 {
            return;
        }
        let mut given = take(&mut self.parts[GIVEN]);
        self.expand(&mut given, tables::GIVEN_ABBREVIATIONS, flags);
        self.parts[GIVEN] = given;
        for i in [PATERNAL, MATERNAL] {
            let mut s = take(&mut self.parts[i]);
            self.expand(&mut s, tables::SURNAME_ABBREVIATIONS, flags);
            if let Some(f) = frequencies {
                self.recover(&mut s, f, flags);
            }
            self.parts[i] = s;
        }
        let mut married = take(&mut self.married);
        self.expand(&mut married, tables::SURNAME_ABBREVIATIONS, flags);
        if let Some(f) = frequencies {
            self.recover(&mut married, f, flags);
        }
        self.married = married;
    }

    fn is_particle(&self, toks: &[RawToken], i: usize) -> bool {
        cls(toks, i) & class::SURNAME_PARTICLE != 0
    }

    fn is_joiner(&self, toks: &[RawToken], i: usize) -> bool {
        cls(toks, i) & class::JOINER != 0
    }

    fn compound_at(&self, toks: &[RawToken], i: usize) -> Option<usize> {
        tables::COMPOUND_SURNAMES
            .iter()
            .find(|c| {
                c.iter()
                    .enumerate()
                    .all(|(k, w)| self.mi(toks, i + k) == *w)
            })
            .map(|c| c.len())
    }

    /// §3: end of the surname starting at `i`: a particle run plus the next
    /// token, `SAN`/`SANTA`/`SANTO` plus the next token, or a listed compound
    /// surname. Particles left dangling at the end join the group.
    fn group_end(&self, toks: &[RawToken], i: usize, compounds: bool) -> usize {
        let n = toks.len();
        if i >= n {
            return n;
        }
        let mut end = match compounds.then(|| self.compound_at(toks, i)).flatten() {
            Some(len) => i + len,
            None => {
                let mut j = i;
                while j < n && self.is_particle(toks, j) {
                    j += 1;
                }
                if j >= n {
                    n
                } else if self.is_joiner(toks, j) && j + 1 < n {
                    j + 2
                } else {
                    j + 1
                }
            }
        };
        end = end.min(n);
        if (end..n).all(|k| self.is_particle(toks, k)) {
            end = n;
        }
        end
    }

    /// §3: start of the surname that ends just before `end`, not before
    /// `lo` (mirror of [`Scratch::group_end`]).
    fn group_start(&self, toks: &[RawToken], lo: usize, end: usize, compounds: bool) -> usize {
        if end <= lo {
            return end;
        }
        let mut last = end - 1;
        while last > lo && self.is_particle(toks, last) {
            last -= 1;
        }
        if compounds {
            for c in tables::COMPOUND_SURNAMES {
                if last + 1 >= lo + c.len() {
                    let s = last + 1 - c.len();
                    if self.compound_at(toks, s) == Some(c.len()) {
                        return s;
                    }
                }
            }
        }
        let mut s = last;
        while s > lo && self.is_particle(toks, s - 1) {
            s -= 1;
        }
        if s == last && s > lo && self.is_joiner(toks, s - 1) {
            s -= 1;
        }
        s
    }

    /// §3 split-field repair: a paternal field that ends in a particle (or
    /// is only `SAN`/`SANTA`/`SANTO`) is joined with the maternal field and
    /// the two are re-parsed.
    fn repair_split(&mut self, flags: &mut Flags) -> bool {
        let pat = &self.parts[PATERNAL];
        let mat = &self.parts[MATERNAL];
        if pat.is_empty() || mat.is_empty() {
            return false;
        }
        let last = pat.len() - 1;
        let trigger = self.is_particle(pat, last) || (pat.len() == 1 && self.is_joiner(pat, 0));
        if !trigger {
            return false;
        }
        let mut all = take(&mut self.all);
        all.clear();
        all.extend_from_slice(pat);
        all.extend_from_slice(mat);
        let end = self.group_end(&all, 0, true);
        self.parts[PATERNAL].clear();
        self.parts[PATERNAL].extend_from_slice(all.get(..end).unwrap_or_default());
        self.parts[MATERNAL].clear();
        self.parts[MATERNAL].extend_from_slice(all.get(end..).unwrap_or_default());
        self.all = all;
        flags.insert(Flags::SURNAMES_REPARSED);
        // The new fields get the field-level steps again (a `JR` that was
        // alone in the maternal field may now end the paternal one), so
        // that normalizing the result again changes nothing.
        for i in [PATERNAL, MATERNAL] {
            let mut toks = take(&mut self.parts[i]);
            self.clean_field(&mut toks, flags);
            self.parts[i] = toks;
        }
        true
    }

    pub(crate) fn fields(
        &mut self,
        raw: [&str; 3],
        flags: Flags,
        opts: &Options,
        frequencies: Option<&FrequencyTable>,
    ) -> ParsedName {
        // The fast path handles fields already in the match alphabet; a
        // space that is an unknown-letter marker, or Ñ recovery, needs the
        // general one.
        if frequencies.is_none() && !opts.unknown_markers.contains(&' ') {
            let mut words = fast::Scan::default();
            match fast::scan(raw, &mut words) {
                fast::Verdict::Fast => return fast::build(raw, &words, flags),
                // Folding reads accented letters as letters, which a
                // non-ASCII unknown marker would not be.
                fast::Verdict::Fold if opts.unknown_markers.iter().all(char::is_ascii) => {
                    if let Some(n) = fast::fields_folded(raw, flags) {
                        return n;
                    }
                }
                _ => {}
            }
        }
        self.fields_general(raw, flags, opts, frequencies)
    }

    /// [`Scratch::fields`] without the fast path.
    pub(crate) fn fields_general(
        &mut self,
        raw: [&str; 3],
        mut flags: Flags,
        opts: &Options,
        frequencies: Option<&FrequencyTable>,
    ) -> ParsedName {
        self.clear();
        for (i, text) in raw.iter().enumerate() {
            let mut toks = take(&mut self.parts[i]);
            self.read_field(text, opts, &mut flags, &mut toks);
            self.parts[i] = toks;
        }
        // Repeat while the repair applies (cleaning the re-parsed fields can
        // expose a new trailing particle); each round merges or shortens.
        for _ in 0..4 {
            if !self.repair_split(&mut flags) {
                break;
            }
        }
        self.expand_parts(&mut flags, frequencies);
        self.assemble(raw, false, flags, ParseOrder::Fields)
    }

    pub(crate) fn full_name(
        &mut self,
        text: &str,
        opts: &Options,
        frequencies: Option<&FrequencyTable>,
    ) -> Vec<ParsedName> {
        self.clear();
        let mut flags = Flags::default();
        let mut all = take(&mut self.all);
        self.read_field(text, opts, &mut flags, &mut all);
        let mut splits: Vec<(Split, ParseOrder)> = Vec::with_capacity(3);
        if !all.is_empty() {
            let gf = self.split_given_first(&all, false);
            let sf = self.split_surnames_first(&all, false);
            let cgf = self.split_given_first(&all, true);
            let csf = self.split_surnames_first(&all, true);
            splits.push((gf.clone(), ParseOrder::GivenFirst));
            if sf != gf {
                splits.push((sf.clone(), ParseOrder::SurnamesFirst));
            }
            if cgf != gf && cgf != sf {
                splits.push((cgf, ParseOrder::CompoundGivenFirst));
            } else if csf != sf && csf != gf {
                splits.push((csf, ParseOrder::CompoundSurnamesFirst));
            }
        }
        let mut out = Vec::with_capacity(splits.len());
        let married = take(&mut self.married);
        for (split, order) in splits {
            let mut f = flags;
            for (i, r) in [split.given, split.paternal, split.maternal]
                .into_iter()
                .enumerate()
            {
                self.parts[i].clear();
                self.parts[i].extend_from_slice(all.get(r).unwrap_or_default());
            }
            self.married.clear();
            self.married.extend_from_slice(&married);
            self.expand_parts(&mut f, frequencies);
            out.push(self.assemble([text, "", ""], true, f, order));
        }
        self.all = all;
        self.married = married;
        out
    }

    fn split_given_first(&self, toks: &[RawToken], compounds: bool) -> Split {
        let n = toks.len();
        if n <= 2 {
            return Split {
                given: 0..1,
                paternal: 1..n,
                maternal: n..n,
            };
        }
        let mat_start = self.group_start(toks, 1, n, compounds);
        if mat_start <= 1 {
            return Split {
                given: 0..1,
                paternal: 1..n,
                maternal: n..n,
            };
        }
        let pat_start = self.group_start(toks, 1, mat_start, compounds);
        Split {
            given: 0..pat_start,
            paternal: pat_start..mat_start,
            maternal: mat_start..n,
        }
    }

    fn split_surnames_first(&self, toks: &[RawToken], compounds: bool) -> Split {
        let n = toks.len();
        if n <= 1 {
            return Split {
                given: 0..n,
                paternal: n..n,
                maternal: n..n,
            };
        }
        // Keep at least one token for the given names.
        let head = toks.get(..n - 1).unwrap_or_default();
        let pat_end = self.group_end(head, 0, compounds);
        let mat_end = self.group_end(head, pat_end, compounds);
        Split {
            given: mat_end..n,
            paternal: 0..pat_end,
            maternal: pat_end..mat_end,
        }
    }

    pub(crate) fn single(
        &mut self,
        text: &str,
        kind: FieldKind,
        opts: &Options,
    ) -> NormalizedField {
        self.clear();
        let mut flags = Flags::default();
        let mut toks = take(&mut self.all);
        self.read_field(text, opts, &mut flags, &mut toks);
        match kind {
            FieldKind::Given => self.expand(&mut toks, tables::GIVEN_ABBREVIATIONS, &mut flags),
            FieldKind::Surname => self.expand(&mut toks, tables::SURNAME_ABBREVIATIONS, &mut flags),
            FieldKind::Other => {}
        }
        let mut buf = String::with_capacity(self.ortho.len() + 2 * self.matchf.len() + 8);
        let ortho = self.write_joined(&mut buf, &toks, false);
        let m_start = buf.len();
        let lead = (0..toks.len())
            .take_while(|&i| self.is_particle(&toks, i))
            .count();
        let lead = if lead == toks.len() { 0 } else { lead };
        let mut core = m_start;
        for (i, t) in toks.iter().enumerate() {
            if i > 0 {
                buf.push(' ');
            }
            if i == lead {
                core = buf.len();
            }
            buf.push_str(self.m(*t));
        }
        let matchf = Span::of(&buf)(m_start);
        self.all = toks;
        NormalizedField {
            buf,
            ortho,
            matchf,
            core: core as u32,
            flags,
        }
    }

    /// Writes the tokens' ortho (or match) forms joined by spaces.
    fn write_joined(&self, buf: &mut String, toks: &[RawToken], matchf: bool) -> Span {
        let start = buf.len();
        for (i, t) in toks.iter().enumerate() {
            if i > 0 {
                buf.push(' ');
            }
            buf.push_str(if matchf { self.m(*t) } else { self.o(*t) });
        }
        Span::of(buf)(start)
    }

    fn write_surname(&self, buf: &mut String, toks: &[RawToken]) -> Option<SurnameSpan> {
        if toks.is_empty() {
            return None;
        }
        if let [t] = toks {
            // The common case: one token is its own core and joined form.
            let start = buf.len();
            buf.push_str(self.m(*t));
            let full = Span::of(buf)(start);
            let ortho = if self.plain(*t) {
                full
            } else {
                let o_start = buf.len();
                buf.push_str(self.o(*t));
                Span::of(buf)(o_start)
            };
            return Some(SurnameSpan {
                ortho,
                ortho_core: ortho.start,
                full,
                core: full.start,
                joined: full,
            });
        }
        let lead = toks
            .iter()
            .take_while(|t| t.class & class::SURNAME_PARTICLE != 0)
            .count();
        let lead = if lead == toks.len() { 0 } else { lead };
        let (full, core) = self.write_with_core(buf, toks, lead, false);
        let joined = if toks.len() == 1 {
            full
        } else {
            let j_start = buf.len();
            for t in toks {
                buf.push_str(self.m(*t));
            }
            Span::of(buf)(j_start)
        };
        let (ortho, ortho_core) = if toks.iter().all(|t| self.plain(*t)) {
            (full, core)
        } else {
            self.write_with_core(buf, toks, lead, true)
        };
        Some(SurnameSpan {
            ortho,
            ortho_core,
            full,
            core,
            joined,
        })
    }

    /// Writes the tokens joined by spaces; returns the span and where token
    /// `lead` starts.
    fn write_with_core(
        &self,
        buf: &mut String,
        toks: &[RawToken],
        lead: usize,
        ortho: bool,
    ) -> (Span, u32) {
        let start = buf.len();
        let mut core = start;
        for (i, t) in toks.iter().enumerate() {
            if i > 0 {
                buf.push(' ');
            }
            if i == lead {
                core = buf.len();
            }
            buf.push_str(if ortho { self.o(*t) } else { self.m(*t) });
        }
        (Span::of(buf)(start), core as u32)
    }

    fn assemble(
        &self,
        raw: [&str; 3],
        raw_is_full_name: bool,
        flags: Flags,
        order: ParseOrder,
    ) -> ParsedName {
        let raw_len: usize = raw.iter().map(|r| r.len()).sum();
        // Enough for ASCII names (match forms, significant string, joined
        // surnames); expansions and accents may grow it once.
        let mut buf = String::with_capacity(3 * raw_len + 32);
        let mut raw_spans = [Span::default(); 3];
        for (span, r) in raw_spans.iter_mut().zip(raw) {
            let start = buf.len();
            buf.push_str(r);
            *span = Span::of(&buf)(start);
        }
        let g = &self.parts[GIVEN];
        let mut tokens = TokenStore::default();
        let given = if g.is_empty() {
            None
        } else {
            let m_start = buf.len();
            let mut any_sig = false;
            for (i, t) in g.iter().enumerate() {
                if i > 0 {
                    buf.push(' ');
                }
                let s = buf.len();
                let m = self.m(*t);
                buf.push_str(m);
                let mut kind = 0;
                if t.class & class::PREFIX != 0 {
                    kind |= PREFIX;
                }
                if t.class & class::GIVEN_PARTICLE != 0 {
                    kind |= PARTICLE;
                }
                if m.len() == 1 {
                    kind |= INITIAL;
                }
                if kind == 0 {
                    kind = SIGNIFICANT;
                    any_sig = true;
                }
                let span = Span::of(&buf)(s);
                tokens.push(TokenSpan {
                    ortho: span,
                    matchf: span,
                    kind,
                });
            }
            let matchf = Span::of(&buf)(m_start);
            let ortho = if g.iter().all(|t| self.plain(*t)) {
                matchf
            } else {
                let o_start = buf.len();
                for (i, (t, ts)) in g.iter().zip(tokens.as_mut_slice()).enumerate() {
                    if i > 0 {
                        buf.push(' ');
                    }
                    let s = buf.len();
                    buf.push_str(self.o(*t));
                    ts.ortho = Span::of(&buf)(s);
                }
                Span::of(&buf)(o_start)
            };
            if !any_sig {
                settle_significant(tokens.as_mut_slice());
            }
            let significant = if tokens.as_slice().iter().all(|t| t.kind & SIGNIFICANT != 0) {
                matchf
            } else {
                let s = buf.len();
                let mut first = true;
                for (raw, t) in g.iter().zip(tokens.as_slice()) {
                    if t.kind & SIGNIFICANT != 0 {
                        if !first {
                            buf.push(' ');
                        }
                        first = false;
                        buf.push_str(self.m(*raw));
                    }
                }
                Span::of(&buf)(s)
            };
            Some(GivenSpan {
                ortho,
                matchf,
                significant,
            })
        };
        let paternal = self.write_surname(&mut buf, &self.parts[PATERNAL]);
        let maternal = self.write_surname(&mut buf, &self.parts[MATERNAL]);
        let married = self.write_surname(&mut buf, &self.married);
        ParsedName {
            buf,
            raw: raw_spans,
            raw_is_full_name,
            given,
            tokens,
            paternal,
            maternal,
            married,
            flags,
            order,
        }
    }
}

/// The class bits of token `i` (0 past the end).
fn cls(toks: &[RawToken], i: usize) -> u16 {
    toks.get(i).map_or(0, |t| t.class)
}
