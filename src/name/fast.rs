//! Fast path of [`super::Normalizer::normalize`] for fields that are
//! already in the `match` alphabet: uppercase `A`–`Z` words separated by
//! single spaces, with no leading or trailing space. Most registry rows
//! look like that.
//!
//! For such fields N2–N5 change nothing and the tokens are the words
//! themselves, so this path borrows them from the input (no scratch text,
//! no folding) and writes the [`ParsedName`] buffer directly. It covers the
//! common case only: any field with a title, suffix, `VDA`, placeholder
//! candidate, abbreviation, or a split surname to repair makes it return
//! `None`, and the caller runs the general pipeline. Where it answers, the
//! result is identical (same buffer, same spans) to the general path's; a
//! property test in this module checks that.
//!
//! Fields in any case, with the Spanish accented letters (Á É Í Ó Ú Ü Ñ in
//! both cases, precomposed), are first folded on the stack
//! ([`fields_folded`]): their match text (uppercase ASCII) goes through the
//! same scan, and their ortho text (uppercase, accents kept) is written
//! where the general path writes it. For those letters N2 repairs nothing
//! (no `Ã`, `Â`, `¥`, `¤`, `Ð`) and no flag is set, so the name is again
//! identical; any other byte (other accents, combining marks, punctuation,
//! digits, mojibake) falls back.

use super::tables::{self, class};
use super::{
    settle_significant, Flags, GivenSpan, ParseOrder, ParsedName, Span, SurnameSpan, TokenSpan,
    TokenStore, INITIAL, PARTICLE, PREFIX, SIGNIFICANT,
};

/// Most tokens a field may have on the fast path.
const MAX_TOKENS: usize = 8;

/// Classes that need the general path's field-level steps (N6–N8).
const SLOW: u16 = class::TITLE
    | class::TRAILING
    | class::WIDOW
    | class::NULL_START
    | class::ABBR_GIVEN
    | class::ABBR_SURNAME;

/// The words of one field: byte ranges into the field and their classes.
#[derive(Clone, Copy, Default)]
struct Words {
    n: usize,
    spans: [(u8, u8); MAX_TOKENS],
    classes: [u16; MAX_TOKENS],
}

impl Words {
    fn word<'t>(&self, text: &'t str, i: usize) -> &'t str {
        let (s, e) = self.spans.get(i).copied().unwrap_or_default();
        text.get(usize::from(s)..usize::from(e)).unwrap_or_default()
    }

    fn class(&self, i: usize) -> u16 {
        self.classes.get(i).copied().unwrap_or(0)
    }

    fn len(&self) -> usize {
        self.n
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// For 8 bytes: a bit per byte (bit `i` for byte `i`) set where the byte
/// is a space, and whether every byte is `A`–`Z` or a space.
fn chunk_scan(x: u64) -> (u64, bool) {
    // Spaces: lanes of `x ^ 0x20…` that are zero (exact for every lane).
    let t = x ^ (0x20 * ONES);
    let nonzero = ((t & !HIGH).wrapping_add(!HIGH) | t) & HIGH;
    let space = !nonzero & HIGH;
    // With every lane below 0x80 the additions carry within lanes only:
    // lane + 0x3F has its high bit iff lane ≥ 'A', lane + 0x25 iff
    // lane > 'Z'.
    let ascii = x & HIGH == 0;
    let ge_a = x.wrapping_add(0x3F * ONES);
    let gt_z = x.wrapping_add(0x25 * ONES);
    let upper = ge_a & !gt_z & HIGH;
    let ok = ascii && (upper | space) == HIGH;
    // Gather the high bits of the lanes into the low byte.
    let bits = ((space >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56;
    (bits, ok)
}

/// A bit per byte of `bytes` (at most 64) set where the byte is a space;
/// `None` if some byte is neither `A`–`Z` nor a space.
fn space_mask(bytes: &[u8]) -> Option<u64> {
    let mut mask = 0u64;
    let mut chunks = bytes.chunks_exact(8);
    let mut shift = 0;
    for c in chunks.by_ref() {
        let mut b = [0u8; 8];
        b.copy_from_slice(c);
        let (bits, ok) = chunk_scan(u64::from_le_bytes(b));
        if !ok {
            return None;
        }
        mask |= bits << shift;
        shift += 8;
    }
    let rest = chunks.remainder();
    if !rest.is_empty() && bytes.len() >= 8 {
        // The last 8 bytes, overlapping bytes already scanned (which give
        // the same bits again).
        let start = bytes.len() - 8;
        let mut b = [0u8; 8];
        if let Some(last) = bytes.get(start..) {
            b.copy_from_slice(last);
        }
        let (bits, ok) = chunk_scan(u64::from_le_bytes(b));
        if !ok {
            return None;
        }
        mask |= bits << start;
    } else if !rest.is_empty() {
        // The last bytes, padded with letters (no memcpy call).
        let x = rest
            .iter()
            .rev()
            .fold(0u64, |acc, &b| acc << 8 | u64::from(b));
        let pad = (b'A' as u64 * ONES) << (8 * rest.len());
        let (bits, ok) = chunk_scan(x | pad);
        if !ok {
            return None;
        }
        mask |= bits << shift;
    }
    Some(mask)
}

/// What [`scan`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// The fields are in the `match` alphabet: [`build`] them.
    Fast,
    /// Some field is not (lower case, accents…): [`fold_fields`] may
    /// still take them.
    Fold,
    /// The general path must run.
    General,
}

/// Splits a field in the `match` alphabet into words and classifies them
/// into `w`: [`Verdict::Fold`] if the field is not in that alphabet,
/// [`Verdict::General`] if it is longer than 64 bytes, of more than
/// [`MAX_TOKENS`] words, or needs the general path.
fn words(text: &str, w: &mut Words) -> Verdict {
    let bytes = text.as_bytes();
    let len = bytes.len();
    if len == 0 {
        return Verdict::Fast;
    }
    if len > 64 {
        return Verdict::General;
    }
    let Some(spaces) = space_mask(bytes) else {
        return Verdict::Fold;
    };
    // No leading, trailing or doubled space.
    if spaces & 1 != 0 || spaces >> (len - 1) & 1 != 0 || spaces & (spaces >> 1) != 0 {
        return Verdict::General;
    }
    let mut all = 0u16;
    let mut start = 0usize;
    let mut rest = spaces;
    loop {
        let end = if rest == 0 {
            len
        } else {
            rest.trailing_zeros() as usize
        };
        let c = tables::classify_bytes(bytes.get(start..end).unwrap_or_default());
        let (Some(span), Some(class)) = (w.spans.get_mut(w.n), w.classes.get_mut(w.n)) else {
            return Verdict::General;
        };
        // At most 64 bytes.
        *span = (start as u8, end as u8);
        *class = c;
        w.n += 1;
        all |= c;
        if rest == 0 {
            break;
        }
        rest &= rest - 1;
        start = end + 1;
    }
    if all & SLOW != 0 {
        return Verdict::General;
    }
    // N6's one-repeated-letter placeholder (`AAA`, `A A`): only possible
    // when the first word has fewer than two letters or starts with a
    // doubled letter. Leave those fields to the general path when they
    // really are made of one letter.
    let first = bytes.first().copied().unwrap_or(0);
    let second = bytes.get(1).copied().unwrap_or(b' ');
    if (second == b' ' || second == first)
        && bytes.iter().filter(|&&b| b != b' ').all(|&b| b == first)
        && bytes.iter().filter(|&&b| b != b' ').count() >= 2
    {
        return Verdict::General;
    }
    Verdict::Fast
}

/// The words of the three fields, as found by [`scan`].
#[derive(Clone, Copy, Default)]
pub(crate) struct Scan([Words; 3]);

/// The first half of the fast path of `Scratch::fields` (for callers with
/// no frequency table and no unknown marker that is a space): splits and
/// classifies the fields into `out` (which must be fresh). On
/// [`Verdict::Fast`] the caller then calls [`build`] (split so that the name
/// is built in the caller's return slot, not moved out of an `Option`).
pub(crate) fn scan(raw: [&str; 3], out: &mut Scan) -> Verdict {
    let [g, p, m] = raw;
    let [gw, pw, mw] = &mut out.0;
    let v = words(g, gw);
    if v != Verdict::Fast {
        return v;
    }
    let v = words(p, pw);
    if v != Verdict::Fast {
        return v;
    }
    let v = words(m, mw);
    if v != Verdict::Fast {
        return v;
    }
    // §3 split-field repair would apply.
    if pw.len() > 0 && mw.len() > 0 {
        let last = pw.class(pw.len() - 1);
        if last & class::SURNAME_PARTICLE != 0 || (pw.len() == 1 && last & class::JOINER != 0) {
            return Verdict::General;
        }
    }
    Verdict::Fast
}

/// Fields folded to the `match` alphabet by [`fold_fields`]: their match
/// and ortho texts back to back (ortho is uppercase with the accents kept,
/// each field as long as the raw one), and where each field ends.
struct Folded {
    matchf: [u8; 192],
    ortho: [u8; 192],
    m_end: [u8; 3],
    o_end: [u8; 3],
}

impl Default for Folded {
    fn default() -> Folded {
        Folded {
            matchf: [0; 192],
            ortho: [0; 192],
            m_end: [0; 3],
            o_end: [0; 3],
        }
    }
}

impl Folded {
    /// The three texts of `buf`, which end at `ends` (one UTF-8
    /// validation for the three).
    fn texts<'f>(buf: &'f [u8; 192], ends: &[u8; 3]) -> [&'f str; 3] {
        let [a, b, c] = ends.map(usize::from);
        let all = buf
            .get(..c)
            .and_then(|t| std::str::from_utf8(t).ok())
            .unwrap_or_default();
        [
            all.get(..a).unwrap_or_default(),
            all.get(a..b).unwrap_or_default(),
            all.get(b..c).unwrap_or_default(),
        ]
    }
}

/// The match letter of an ASCII byte (letters uppercased), a space for a
/// space, 0 for every other byte.
static ASCII_FOLD: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphabetic() {
            c.to_ascii_uppercase()
        } else if c == b' ' {
            b' '
        } else {
            0
        };
        b += 1;
    }
    t
};

/// The match letter of `U+00C0 + i` (UTF-8 `C3 80+i`) for the Spanish
/// letters Á É Í Ó Ú Ü Ñ in both cases, 0 for the others.
static C3_FOLD: [u8; 64] = {
    let mut t = [0u8; 64];
    let pairs: [(usize, u8); 7] = [
        (0x01, b'A'),
        (0x09, b'E'),
        (0x0D, b'I'),
        (0x11, b'N'),
        (0x13, b'O'),
        (0x1A, b'U'),
        (0x1C, b'U'),
    ];
    let mut k = 0;
    while k < pairs.len() {
        let (i, m) = pairs[k];
        t[i] = m;
        t[i + 0x20] = m;
        k += 1;
    }
    t
};

/// N3–N4 for a field of ASCII letters, spaces and the letters of
/// [`C3_FOLD`]: its match text into `m` and its ortho text (uppercase,
/// accents kept; as long as `raw`) into `o`, returning the match length.
/// `None` for any other byte, or a field longer than 64 bytes. For such a
/// field the general path's N2 repairs nothing (no `Ã`, `Â`, `¥`, `¤` or
/// `Ð`) and its flags stay unset.
fn fold(raw: &str, m: &mut [u8], o: &mut [u8]) -> Option<usize> {
    let bytes = raw.as_bytes();
    if bytes.len() > 64 {
        return None;
    }
    let mut j = 0;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let (letter, width) = if b < 0x80 {
            let f = ASCII_FOLD.get(usize::from(b)).copied().unwrap_or(0);
            *o.get_mut(i)? = f;
            (f, 1)
        } else if b == 0xC3 {
            let n = *bytes.get(i + 1)?;
            let f = C3_FOLD
                .get(usize::from(n.wrapping_sub(0x80)))
                .copied()
                .unwrap_or(0);
            *o.get_mut(i)? = 0xC3;
            // Lower case `C3 A0`–`C3 BF` to upper case `C3 80`–`C3 9F`.
            *o.get_mut(i + 1)? = n & !0x20;
            (f, 2)
        } else {
            (0, 1)
        };
        if letter == 0 {
            return None;
        }
        *m.get_mut(j)? = letter;
        j += 1;
        i += width;
    }
    Some(j)
}

/// Match and ortho texts of three fields (ortho only where it differs).
type Texts<'f> = ([&'f str; 3], [Option<&'f str>; 3]);

/// The first step for fields [`scan`] sent to [`Verdict::Fold`]: folds them
/// (see [`fold`]) into `f`; `None` if some field has a byte [`fold`]
/// refuses. The caller then runs [`scan`] on the match texts (into a fresh
/// [`Scan`]) and [`build_texts`]. The caller must not have a letter of
/// [`C3_FOLD`] as an unknown marker.
fn fold_fields<'f>(raw: [&str; 3], f: &'f mut Folded) -> Option<Texts<'f>> {
    let (mut m_pos, mut o_pos) = (0, 0);
    for (i, r) in raw.iter().enumerate() {
        let m = f.matchf.get_mut(m_pos..)?;
        let o = f.ortho.get_mut(o_pos..)?;
        m_pos += fold(r, m, o)?;
        o_pos += r.len();
        // At most 3 × 64.
        *f.m_end.get_mut(i)? = m_pos as u8;
        *f.o_end.get_mut(i)? = o_pos as u8;
    }
    let f: &'f Folded = f;
    let texts = Folded::texts(&f.matchf, &f.m_end);
    let mut orthos = [None; 3];
    if f.m_end != f.o_end {
        let o = Folded::texts(&f.ortho, &f.o_end);
        for ((slot, o), m) in orthos.iter_mut().zip(o).zip(texts) {
            // Ortho differs from match where the field has accents.
            if o.len() != m.len() {
                *slot = Some(o);
            }
        }
    }
    Some((texts, orthos))
}

/// The second half of the fast path: the name of fields that [`scan`]
/// accepted into `words`.
pub(crate) fn build(raw: [&str; 3], words: &Scan, flags: Flags) -> ParsedName {
    build_texts(raw, raw, [None; 3], words, flags)
}

/// The name of fields whose match texts are `texts` (split into `words`)
/// and whose ortho texts, where they differ, are `orthos`.
#[inline(always)]
fn build_texts(
    raw: [&str; 3],
    texts: [&str; 3],
    orthos: [Option<&str>; 3],
    words: &Scan,
    flags: Flags,
) -> ParsedName {
    let [g, p, m] = texts;
    let [go, po, mo] = orthos;
    let [gw, pw, mw] = &words.0;
    let raw_len = raw[0].len() + raw[1].len() + raw[2].len();
    let mut buf = String::with_capacity(3 * raw_len + 32);
    let mut raw_spans = [Span::default(); 3];
    for (span, r) in raw_spans.iter_mut().zip(raw) {
        let start = buf.len();
        buf.push_str(r);
        *span = Span::of(&buf)(start);
    }
    let mut tokens = TokenStore::default();
    let given = (gw.len() > 0).then(|| write_given(&mut buf, g, go, gw, &mut tokens));
    let paternal = write_surname(&mut buf, p, po, pw);
    let maternal = write_surname(&mut buf, m, mo, mw);
    ParsedName {
        buf,
        raw: raw_spans,
        raw_is_full_name: false,
        given,
        tokens,
        paternal,
        maternal,
        married: None,
        flags,
        order: ParseOrder::Fields,
    }
}

/// Writes the ortho text `o` of a field; returns its span and the span of
/// each word (at most [`MAX_TOKENS`]).
fn write_ortho(buf: &mut String, o: &str) -> (Span, [Span; MAX_TOKENS]) {
    let start = buf.len() as u32;
    buf.push_str(o);
    let mut words = [Span::default(); MAX_TOKENS];
    let mut k = 0;
    let mut s = start;
    for (i, b) in o.bytes().enumerate() {
        if b == b' ' {
            if let Some(w) = words.get_mut(k) {
                *w = Span {
                    start: s,
                    end: start + i as u32,
                };
            }
            k += 1;
            s = start + i as u32 + 1;
        }
    }
    if let Some(w) = words.get_mut(k) {
        *w = Span {
            start: s,
            end: buf.len() as u32,
        };
    }
    (Span::of(buf)(start as usize), words)
}

/// [`scan`] then [`build`], or the folded path.
#[cfg(test)]
fn fields(raw: [&str; 3], flags: Flags) -> Option<ParsedName> {
    let mut w = Scan::default();
    match scan(raw, &mut w) {
        Verdict::Fast => Some(build(raw, &w, flags)),
        Verdict::Fold => fields_folded(raw, flags),
        Verdict::General => None,
    }
}

/// The fast path for fields [`scan`] sent to [`Verdict::Fold`]:
/// [`fold_fields`], [`scan`] on the match texts, [`build_texts`]; `None`
/// when the general path must run. Kept out of line so that the callers'
/// path for fields already in the `match` alphabet stays as small as it
/// was. The caller must not have a letter of [`C3_FOLD`] as an unknown
/// marker.
#[inline(never)]
pub(crate) fn fields_folded(raw: [&str; 3], flags: Flags) -> Option<ParsedName> {
    let mut f = Folded::default();
    let (texts, orthos) = fold_fields(raw, &mut f)?;
    let mut w = Scan::default();
    (scan(texts, &mut w) == Verdict::Fast).then(|| build_texts(raw, texts, orthos, &w, flags))
}

/// Same layout as `Scratch::assemble` for the given names.
#[inline(always)]
fn write_given(
    buf: &mut String,
    text: &str,
    ortho: Option<&str>,
    w: &Words,
    tokens: &mut TokenStore,
) -> GivenSpan {
    let m_start = buf.len();
    buf.push_str(text);
    let mut any_sig = false;
    let mut spans = [TokenSpan::default(); MAX_TOKENS];
    for (i, slot) in spans.iter_mut().enumerate().take(w.len()) {
        let (s, e) = w.spans.get(i).copied().unwrap_or_default();
        let (s, e) = (u32::from(s), u32::from(e));
        let c = w.class(i);
        let mut kind = 0;
        if c & class::PREFIX != 0 {
            kind |= PREFIX;
        }
        if c & class::GIVEN_PARTICLE != 0 {
            kind |= PARTICLE;
        }
        if e - s == 1 {
            kind |= INITIAL;
        }
        if kind == 0 {
            kind = SIGNIFICANT;
            any_sig = true;
        }
        let span = Span {
            start: m_start as u32 + s,
            end: m_start as u32 + e,
        };
        *slot = TokenSpan {
            ortho: span,
            matchf: span,
            kind,
        };
    }
    // What pushing them one by one gives (unused inline slots default).
    let used = spans.get(..w.len()).unwrap_or_default();
    *tokens = match spans.first_chunk::<4>() {
        Some(head) if used.len() <= 4 => TokenStore::Inline(*head, used.len() as u8),
        _ => TokenStore::Heap(used.to_vec()),
    };
    let matchf = Span::of(buf)(m_start);
    let ortho = match ortho {
        None => matchf,
        Some(o) => {
            let (span, words) = write_ortho(buf, o);
            for (t, s) in tokens.as_mut_slice().iter_mut().zip(words) {
                t.ortho = s;
            }
            span
        }
    };
    if !any_sig {
        settle_significant(tokens.as_mut_slice());
    }
    let significant = if tokens.as_slice().iter().all(|t| t.kind & SIGNIFICANT != 0) {
        matchf
    } else {
        let s = buf.len();
        let mut first = true;
        for (i, t) in tokens.as_slice().iter().enumerate() {
            if t.kind & SIGNIFICANT != 0 {
                if !first {
                    buf.push(' ');
                }
                first = false;
                buf.push_str(w.word(text, i));
            }
        }
        Span::of(buf)(s)
    };
    GivenSpan {
        ortho,
        matchf,
        significant,
    }
}

/// Same layout as `Scratch::write_surname`.
#[inline(always)]
fn write_surname(
    buf: &mut String,
    text: &str,
    ortho: Option<&str>,
    w: &Words,
) -> Option<SurnameSpan> {
    if w.len() == 0 {
        return None;
    }
    let start = buf.len();
    buf.push_str(text);
    let full = Span::of(buf)(start);
    if w.len() == 1 {
        let ortho = match ortho {
            None => full,
            Some(o) => {
                let o_start = buf.len();
                buf.push_str(o);
                Span::of(buf)(o_start)
            }
        };
        return Some(SurnameSpan {
            ortho,
            ortho_core: ortho.start,
            full,
            core: full.start,
            joined: full,
        });
    }
    let lead = (0..w.len())
        .take_while(|&i| w.class(i) & class::SURNAME_PARTICLE != 0)
        .count();
    let lead = if lead == w.len() { 0 } else { lead };
    let core = start as u32 + w.spans.get(lead).map_or(0, |s| u32::from(s.0));
    let j_start = buf.len();
    for i in 0..w.len() {
        buf.push_str(w.word(text, i));
    }
    let joined = Span::of(buf)(j_start);
    let (ortho, ortho_core) = match ortho {
        None => (full, core),
        Some(o) => {
            let (span, words) = write_ortho(buf, o);
            (span, words.get(lead).map_or(span.start, |s| s.start))
        }
    };
    Some(SurnameSpan {
        ortho,
        ortho_core,
        full,
        core,
        joined,
    })
}

#[cfg(test)]
mod tests {
    use super::super::{Normalizer, Options};
    use super::*;
    use proptest::prelude::*;

    /// The general pipeline, bypassing the fast path.
    fn general(raw: [&str; 3]) -> ParsedName {
        let mut n = Normalizer::new(Options::default());
        n.scratch
            .fields_general(raw, Flags::default(), &n.options, None)
    }

    fn check(raw: [&str; 3]) {
        let slow = general(raw);
        if let Some(fast) = fields(raw, Flags::default()) {
            assert_eq!(fast, slow, "{raw:?}");
            assert_eq!(fast.buf, slow.buf, "{raw:?}");
        }
        assert_eq!(super::super::normalize(raw[0], raw[1], raw[2]), slow);
    }

    #[test]
    fn fast_path_taken_for_plain_names() {
        for raw in [
            ["MARIA GUADALUPE", "HERNANDEZ", "DE LA CRUZ"],
            ["JUAN", "LOPEZ", ""],
            ["MARIA DE LOS ANGELES", "DEL RIO", "SAN JUAN"],
            ["JOSE MARIA", "", "GARCIA"],
            ["J L", "PEREZ", "Y LOPEZ"],
            ["DE LA", "LA", ""],
            ["Y", "DE LA", ""],
            ["A B D E F G H I", "MC DONALD", "VAN DER BERG"],
            // Folded first.
            ["Juan", "LOPEZ", ""],
            ["María Guadalupe", "Hernández", "de la Cruz"],
            ["maria guadalupe", "hernandez", "lopez"],
            ["JOSÉ LUIS", "Muñoz", "De Los Ríos"],
            ["ÁÉÍÓÚÜÑ", "áéíóúüñ", "Ñoño"],
            ["Ana Sofía Iñaki", "Del Río Ortíz", "güemes"],
        ] {
            assert!(fields(raw, Flags::default()).is_some(), "{raw:?}");
            check(raw);
        }
        for raw in [
            ["MARIA", "HERNANDEZ DE", "LA CRUZ"],
            ["MA GPE", "HDZ", ""],
            ["SR JUAN", "LOPEZ", ""],
            ["JUAN", "LOPEZ JR", ""],
            ["XXX", "LOPEZ", ""],
            ["AA", "LOPEZ", ""],
            ["A A", "LOPEZ", ""],
            ["JUAN", "SAN", "JUAN"],
            ["JUAN ", "LOPEZ", ""],
            ["JUAN  CARLOS", "LOPEZ", ""],
            ["A B D E F G H I J", "PEREZ", ""],
            // Not folded: other accents, decomposed, mojibake, titles…
            ["José", "MUÃ±OZ", ""],
            ["Jose\u{301}", "LOPEZ", ""],
            ["JOSÈ", "LOPEZ", ""],
            ["Sr. Juan", "López", ""],
            ["Ma", "López", ""],
            ["ña ña", "López", ""],
            ["Ñ", "Hernández De", "La Cruz"],
            ["José", "López", "Ñ"],
            ["Juan  Carlos", "López", ""],
        ] {
            assert!(fields(raw, Flags::default()).is_none(), "{raw:?}");
            check(raw);
        }
    }

    #[test]
    fn non_ascii_unknown_marker_keeps_the_general_path() {
        let options = Options {
            unknown_markers: vec!['ñ', '#'],
        };
        for raw in [["Juan", "Muñoz", ""], ["maria", "lopez", "Núñez"]] {
            let mut n = Normalizer::new(options.clone());
            let fast = n.normalize(raw[0], raw[1], raw[2]);
            let slow = n
                .scratch
                .fields_general(raw, Flags::default(), &options, None);
            assert_eq!(fast, slow, "{raw:?}");
            assert_eq!(fast.buf, slow.buf, "{raw:?}");
        }
    }

    /// Words that hit every class and fallback, plus random ones.
    fn word() -> impl Strategy<Value = String> {
        prop_oneof![
            prop::sample::select(vec![
                "MARIA",
                "JOSE",
                "JUAN",
                "DE",
                "LA",
                "LOS",
                "DEL",
                "Y",
                "SAN",
                "SANTA",
                "MC",
                "VAN",
                "CRUZ",
                "LOPEZ",
                "MA",
                "HDZ",
                "GPE",
                "J",
                "X",
                "XX",
                "A",
                "AA",
                "NA",
                "SR",
                "C",
                "JR",
                "II",
                "VDA",
                "VIUDA",
                "SIN",
                "NOMBRE",
                "N",
                "S",
                "NO",
                "TIENE",
                "DIAZ",
                "LEON",
                "MONTES",
                "OCA",
                "ÁNGELES",
                "Muñoz",
                "MUÃ±OZ",
                "O'HIGGINS",
                "PE?A",
                "PE#A",
                "LOPEZ2",
                "ß",
                "Ж",
                "\u{301}",
            ])
            .prop_map(str::to_owned),
            "[A-Z]{1,6}",
            "[A-Za-z]{1,4}",
            "[A]{1,3}",
        ]
    }

    /// Fields with single spaces mostly, sometimes odd spacing.
    fn field() -> impl Strategy<Value = String> {
        (
            prop::collection::vec(word(), 0..10),
            prop::sample::select(vec![" ", " ", " ", "  ", "\t", "-", "."]),
            prop::sample::select(vec!["", "", "", " ", "  "]),
        )
            .prop_map(|(w, sep, pad)| format!("{pad}{}{}", w.join(sep), pad))
    }

    /// Fields in the match alphabet only (the fast path's domain, where
    /// it answers unless a word needs the general path).
    fn clean_field() -> impl Strategy<Value = String> {
        let w = prop_oneof![
            prop::sample::select(vec![
                "MARIA", "JOSE", "JUAN", "DE", "LA", "LOS", "DEL", "Y", "SAN", "SANTA", "MC",
                "VAN", "CRUZ", "LOPEZ", "J", "A", "AA", "MA", "SR", "JR", "DIAZ", "LEON",
            ])
            .prop_map(str::to_owned),
            "[A-Z]{1,6}",
        ];
        prop::collection::vec(w, 0..10).prop_map(|v| v.join(" "))
    }

    /// Fields the fold accepts (ASCII letters in any case, the Spanish
    /// accented letters, single spaces) plus a few it must refuse.
    fn mixed_field() -> impl Strategy<Value = String> {
        let w = prop_oneof![
            4 => prop::sample::select(vec![
                "María", "José", "Juan", "de", "De", "DE", "la", "La", "los", "Los", "las",
                "del", "Del", "y", "Y", "san", "San", "mc", "Hernández", "Muñoz", "Núñez",
                "Güemes", "Ríos", "ÑÑ", "á", "Á", "Ángeles", "ÁNGELES", "MARÍA", "López",
            ])
            .prop_map(str::to_owned),
            1 => prop::sample::select(vec![
                "Ñ", "ñ", "Ma", "ma", "Gpe", "hdz", "Sr", "Jr", "Vda", "sin", "nombre", "na",
                "xxx", "aa", "è", "ç", "ß", "Ã", "\u{301}", "Ж", "Ï",
            ])
            .prop_map(str::to_owned),
            2 => "[A-Za-z]{1,6}",
            3 => "[a-zA-ZáéíóúüñÁÉÍÓÚÜÑ]{1,6}",
            1 => "[aAáÁ]{1,3}",
        ];
        (
            prop::collection::vec(w, 0..5),
            prop::sample::select(vec![" ", " ", " ", " ", " ", " ", " ", "  ", "-"]),
        )
            .prop_map(|(v, sep)| v.join(sep))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(if cfg!(debug_assertions) { 512 } else { 4096 }))]

        #[test]
        fn fast_path_equals_general_path(g in field(), p in field(), m in field()) {
            check([&g, &p, &m]);
        }

        #[test]
        fn fast_path_equals_general_path_on_clean_fields(
            g in clean_field(), p in clean_field(), m in clean_field(),
        ) {
            check([&g, &p, &m]);
        }

        #[test]
        fn fast_path_equals_general_path_on_mixed_case_and_accents(
            g in mixed_field(), p in mixed_field(), m in mixed_field(),
        ) {
            check([&g, &p, &m]);
        }

        #[test]
        fn fast_path_equals_general_path_on_any_text(
            g in "\\PC{0,16}", p in "[A-Z ]{0,16}", m in any::<String>(),
        ) {
            check([&g, &p, &m]);
            check([&p, &m, &g]);
            check([&m, &g, &p]);
        }
    }
}
