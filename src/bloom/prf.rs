//! Bit positions from a keyed PRF, reduced without bias.
//!
//! The positions of a q-gram `g` (salt `s`, filter length `l`, `k`
//! positions) are read from the keyed-BLAKE3 XOF of
//! `enc(s) ‖ enc(g)` under the group's position subkey, where
//! `enc(x) = u32_be(len(x)) ‖ x`. The XOF output is cut into 16-bit
//! little-endian words `x`; a word is accepted when
//! `x < 2^16 − (2^16 mod l)` and gives position `x mod l`, so every
//! position is exactly equally likely (rejection sampling). For `l` a power
//! of two nothing is ever rejected. No double hashing: positions are
//! independent PRF outputs, with no lattice `h1 + i·h2` to exploit.

use super::b3::{Batch, BLOCK, LANES};
use zeroize::Zeroize;

/// Accepts `x` (a `width`-bit word) and reduces it to `[0, l)`, or rejects
/// it. Exposed with a width parameter so tests can check exact uniformity
/// exhaustively on small words; the encoder uses `width = 32`.
#[inline]
pub(crate) fn reduce(x: u64, width: u32, l: u64) -> Option<u64> {
    let span = 1u64 << width;
    let zone = span - span % l;
    (x < zone).then_some(x % l)
}

/// Reduction of 16-bit words to `[0, l)` with the zone precomputed
/// (the hot path does no 64-bit division; a power-of-two `l` is a mask).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reducer {
    l: u32,
    zone: u32,
    mask: Option<u32>,
}

impl Reducer {
    /// For `l` in `1..=2^16`.
    pub(crate) fn new(l: u32) -> Reducer {
        let l = l.clamp(1, 1 << 16);
        Reducer {
            l,
            zone: (1 << 16) - (1 << 16) % l,
            mask: l.is_power_of_two().then(|| l - 1),
        }
    }

    /// Same result as `reduce(x, 16, l)`.
    #[inline]
    fn apply(self, x: u16) -> Option<usize> {
        let x = u32::from(x);
        match self.mask {
            Some(m) => Some((x & m) as usize),
            None => (x < self.zone).then_some((x % self.l) as usize),
        }
    }
}

/// Calls `set(p)` for each of the `k` positions of `gram` (salt `salt`)
/// in `[0, l)`. `input` is scratch space.
///
/// The stream is the keyed-BLAKE3 XOF of `enc(salt) ‖ enc(gram)`. Its
/// first 32 bytes equal the keyed hash, so when 16 words suffice the
/// cheaper `keyed_hash` call gives exactly the same positions.
pub(crate) fn positions(
    key: &[u8; 32],
    salt: &[u8],
    gram: &[u8],
    k: usize,
    r: Reducer,
    input: &mut Vec<u8>,
    mut set: impl FnMut(usize),
) {
    if k == 0 {
        return;
    }
    input.clear();
    input.extend_from_slice(&len32(salt));
    input.extend_from_slice(salt);
    input.extend_from_slice(&len32(gram));
    input.extend_from_slice(gram);
    let mut got = 0;
    let mut take = |bytes: &[u8], got: &mut usize| {
        for w in bytes.chunks_exact(2) {
            if let Some(p) = r.apply(u16::from_le_bytes([w[0], w[1]])) {
                set(p);
                *got += 1;
                if *got == k {
                    return;
                }
            }
        }
    };
    if k <= 16 {
        let h = blake3::keyed_hash(key, input);
        take(h.as_bytes(), &mut got);
        if got == k {
            return;
        }
    }
    // The XOF state (which holds the keyed chaining value) is wiped
    // afterwards (blake3's `zeroize` feature). The 1.9 KB `Hasher`
    // temporary is not: wiping it cost 5 % of `padron encode` time on this
    // per-q-gram path, and like the one-shot `keyed_hash` above it only
    // holds the position subkey (never the master key) on the stack.
    let mut xof = blake3::Hasher::new_keyed(key).update(input).finalize_xof();
    if got > 0 {
        // The first 32 bytes were consumed above.
        xof.set_position(32);
        let mut half = [0u8; 32];
        xof.fill(&mut half);
        take(&half, &mut got);
    }
    let mut block = [0u8; 64];
    while got < k {
        xof.fill(&mut block);
        take(&block, &mut got);
    }
    xof.zeroize();
}

/// Symbols of the precomputed tables: what normalized names, dates,
/// CURPs, codes and postcodes are made of. Other q-grams are hashed on
/// the fly.
const TABLE_ALPHABET: &[u8; 39] = b" ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789*-";
/// Index of each byte in [`TABLE_ALPHABET`] (255 = absent).
const SYMBOL: [u8; 256] = {
    let mut t = [255u8; 256];
    let mut i = 0;
    while i < TABLE_ALPHABET.len() {
        t[TABLE_ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    t
};
/// Positions kept per table entry (one 64-byte XOF block's worth).
pub(crate) const TABLE_K: usize = 32;

/// Position lists longer than [`TABLE_K`] (short values spread their
/// budget over few q-grams: `ANA` sets 40–45 bits per bigram), computed on
/// first use and kept, keyed by table index. One per filter and salt.
#[derive(Default)]
pub(crate) struct LongEntries {
    map: std::collections::HashMap<usize, Vec<u16>>,
}

impl LongEntries {
    /// The first `k` positions of `gram` (table index `i`), from the same
    /// stream as [`positions`].
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn get_or_fill(
        &mut self,
        i: usize,
        key: &[u8; 32],
        salt: &[u8],
        gram: &[u8],
        k: usize,
        r: Reducer,
        input: &mut Vec<u8>,
    ) -> &[u16] {
        let e = self.map.entry(i).or_default();
        if e.len() < k {
            // Whole 64-byte blocks' worth, so nearby k reuse the entry.
            let want = k.next_multiple_of(TABLE_K);
            e.clear();
            positions(key, salt, gram, want, r, input, |p| e.push(p as u16));
        }
        e.get(..k).unwrap_or(e)
    }
}

/// Positions of q-grams (q ≤ 2) over [`TABLE_ALPHABET`] for one filter
/// and one salt: the same values [`positions`] gives, looked up instead of
/// hashed. Built whole for unsalted filters ([`GramTable::build`]) or filled
/// on demand for one salt value ([`GramTable::lazy`]). Holds key-derived data.
pub(crate) struct GramTable {
    /// Read by the lookups by gram, which only tests use.
    #[cfg_attr(not(test), allow(dead_code))]
    q: usize,
    /// By [`table_index`]: 0 if the entry is not computed, else its place
    /// in `entries` plus one. Lazy tables append entries as they are
    /// computed, so a salt's table holds only the q-grams seen with it
    /// (a few hundred of 1 521), the frequent ones first: about 25 KB
    /// instead of 97 KB, and the lines a lookup loads are mostly shared.
    slot: Vec<u16>,
    entries: Vec<[u16; TABLE_K]>,
    /// Entries longer than [`TABLE_K`] for lazy (salted) tables.
    pub(crate) long: LongEntries,
}

pub(crate) fn table_index(q: usize, gram: &[u8]) -> Option<usize> {
    if gram.len() != q {
        return None;
    }
    let sym = |b: u8| match SYMBOL[usize::from(b)] {
        255 => None,
        i => Some(usize::from(i)),
    };
    match *gram {
        [a] => sym(a),
        [a, b] => Some(sym(a)? * TABLE_ALPHABET.len() + sym(b)?),
        _ => None,
    }
}

fn table_entry(
    key: &[u8; 32],
    salt: &[u8],
    gram: &[u8],
    r: Reducer,
    input: &mut Vec<u8>,
) -> [u16; TABLE_K] {
    let mut e = [0u16; TABLE_K];
    let mut j = 0;
    positions(key, salt, gram, TABLE_K, r, input, |p| {
        if let Some(slot) = e.get_mut(j) {
            // p < l <= 2^16, so p fits in u16.
            *slot = p as u16;
        }
        j += 1;
    });
    e
}

/// Table entries of many q-grams under one key and salt, [`LANES`] BLAKE3
/// compressions at a time ([`super::b3`]): `put(id, entry)` for each
/// `(id, gram)` pushed, with exactly the positions [`table_entry`] gives.
/// An input longer than one block, or a lane whose first 64 output bytes
/// hold fewer than [`TABLE_K`] accepted words (only for `l` not a power
/// of two), goes through [`table_entry`] instead.
///
/// Nothing here is wiped: the buffers hold q-grams, salts and PRF outputs
/// (positions, as the tables keep them), never the key; `b3` wipes the
/// copy of the subkey it makes.
pub(crate) struct EntryBatch<'a> {
    key: &'a [u8; 32],
    salt: &'a [u8],
    r: Reducer,
    /// `enc(salt)` followed by zeros, and where `enc(gram)` goes.
    template: [u8; BLOCK],
    at: usize,
    batch: Batch,
    ids: [usize; LANES],
    grams: [[u8; MAX_GRAM]; LANES],
    gram_lens: [usize; LANES],
    out: [[u32; LANES]; 16],
}

/// Longest q-gram an [`EntryBatch`] queues (longer ones are computed at once).
const MAX_GRAM: usize = 8;

impl<'a> EntryBatch<'a> {
    pub(crate) fn new(key: &'a [u8; 32], salt: &'a [u8], r: Reducer) -> EntryBatch<'a> {
        // enc(salt), shared by every message of the batch.
        let mut template = [0u8; BLOCK];
        let at = 4 + salt.len();
        if at + 4 + MAX_GRAM <= BLOCK {
            template[..4].copy_from_slice(&len32(salt));
            template[4..at].copy_from_slice(salt);
        }
        EntryBatch {
            key,
            salt,
            r,
            template,
            at,
            batch: Batch::default(),
            ids: [0; LANES],
            grams: [[0; MAX_GRAM]; LANES],
            gram_lens: [0; LANES],
            out: [[0; LANES]; 16],
        }
    }

    /// Queues `gram` (computing the batch when it is full).
    pub(crate) fn push(
        &mut self,
        id: usize,
        gram: &[u8],
        input: &mut Vec<u8>,
        put: &mut impl FnMut(usize, &[u16; TABLE_K]),
    ) {
        let lane = self.batch.len();
        let queued = gram.len() <= MAX_GRAM && self.at + 4 + MAX_GRAM <= BLOCK && {
            let mut block = self.template;
            let at = self.at;
            block[at..at + 4].copy_from_slice(&len32(gram));
            for (d, &b) in block[at + 4..].iter_mut().zip(gram) {
                *d = b;
            }
            self.batch.push_block(&block, at + 4 + gram.len())
        };
        if !queued {
            put(id, &table_entry(self.key, self.salt, gram, self.r, input));
            return;
        }
        self.ids[lane] = id;
        // A loop, not `copy_from_slice`: that is a `memcpy` call for a
        // length unknown at compile time, dearer than the 1–2 bytes.
        for (d, &b) in self.grams[lane].iter_mut().zip(gram) {
            *d = b;
        }
        self.gram_lens[lane] = gram.len();
        if self.batch.is_full() {
            self.flush(input, put);
        }
    }

    /// Computes whatever is queued.
    pub(crate) fn flush(
        &mut self,
        input: &mut Vec<u8>,
        put: &mut impl FnMut(usize, &[u16; TABLE_K]),
    ) {
        let n = self.batch.len();
        if n == 0 {
            return;
        }
        self.batch.xof_block(self.key, &mut self.out);
        for lane in 0..n {
            let mut e = [0u16; TABLE_K];
            let mut got = 0;
            for row in &self.out {
                let w = row[lane];
                for half in [w as u16, (w >> 16) as u16] {
                    if let Some(p) = self.r.apply(half) {
                        // got < TABLE_K: 32 halves at most; p < l <= 2^16.
                        e[got] = p as u16;
                        got += 1;
                    }
                }
            }
            if got < TABLE_K {
                let g = &self.grams[lane][..self.gram_lens[lane]];
                e = table_entry(self.key, self.salt, g, self.r, input);
            }
            put(self.ids[lane], &e);
        }
        self.batch.clear();
    }
}

impl GramTable {
    fn size(q: usize) -> Option<usize> {
        let n = TABLE_ALPHABET.len();
        match q {
            1 => Some(n),
            2 => Some(n * n),
            _ => None,
        }
    }

    /// The whole table for an unsalted filter (q must be 1 or 2).
    pub(crate) fn build(key: &[u8; 32], q: usize, r: Reducer) -> Option<GramTable> {
        let count = GramTable::size(q)?;
        let n = TABLE_ALPHABET.len();
        let mut input = Vec::new();
        let mut entries = vec![[0u16; TABLE_K]; count];
        let mut batch = EntryBatch::new(key, b"", r);
        let mut put = |i: usize, e: &[u16; TABLE_K]| entries[i] = *e;
        for i in 0..count {
            let gram = if q == 1 {
                [TABLE_ALPHABET[i], 0]
            } else {
                [TABLE_ALPHABET[i / n], TABLE_ALPHABET[i % n]]
            };
            batch.push(i, &gram[..q], &mut input, &mut put);
        }
        batch.flush(&mut input, &mut put);
        Some(GramTable {
            q,
            // count <= 39^2 < 2^16.
            slot: (1..=count as u16).collect(),
            entries,
            long: LongEntries::default(),
        })
    }

    #[inline]
    fn is_filled(&self, i: usize) -> bool {
        self.slot.get(i).is_some_and(|&s| s != 0)
    }

    /// The first word of entry `i` (0 if not computed), so a caller can
    /// load the lines of many entries at once before it needs them: the
    /// loads then overlap instead of missing one after another.
    #[inline]
    pub(crate) fn touch(&self, i: usize) -> u16 {
        self.entry(i).map_or(0, |e| e[0])
    }

    /// An empty table for one salt value, filled by [`GramTable::fill_missing`]
    /// and [`GramTable::entry_or_fill`].
    pub(crate) fn lazy(q: usize) -> Option<GramTable> {
        let count = GramTable::size(q)?;
        Some(GramTable {
            q,
            slot: vec![0; count],
            entries: Vec::new(),
            long: LongEntries::default(),
        })
    }

    /// Stores entry `i` (if not stored yet).
    fn store(&mut self, i: usize, e: &[u16; TABLE_K]) {
        if let Some(s) = self.slot.get_mut(i) {
            if *s == 0 {
                self.entries.push(*e);
                // At most one entry per index: fewer than 2^16.
                *s = self.entries.len() as u16;
            }
        }
    }

    /// The first `k` positions of `gram`, if it is in the (filled) table
    /// and `k <= 32`.
    #[cfg(test)]
    pub(crate) fn get(&self, gram: &[u8], k: usize) -> Option<&[u16]> {
        let i = table_index(self.q, gram)?;
        if k > TABLE_K {
            return None;
        }
        self.entry(i).and_then(|e| e.get(..k))
    }

    /// Entry `i` (a [`table_index`]) if filled: its first [`TABLE_K`]
    /// positions.
    #[inline]
    pub(crate) fn entry(&self, i: usize) -> Option<&[u16; TABLE_K]> {
        let s = usize::from(*self.slot.get(i)?);
        self.entries.get(s.checked_sub(1)?)
    }

    /// Computes, [`LANES`] at a time, the entries of `grams` (each with
    /// its [`table_index`]) that are not filled yet, for `salt`.
    pub(crate) fn fill_missing<'g>(
        &mut self,
        key: &[u8; 32],
        salt: &[u8],
        grams: impl Iterator<Item = (usize, &'g [u8])>,
        r: Reducer,
        input: &mut Vec<u8>,
    ) {
        // Made on the first miss: a warm table costs no batch set-up.
        let mut batch: Option<EntryBatch> = None;
        let mut grams = grams.peekable();
        while grams.peek().is_some() {
            // Up to one batch of missing entries, then compute them.
            let mut todo: [(usize, &[u8]); LANES] = [(0, &[]); LANES];
            let mut n = 0;
            for (i, g) in grams.by_ref() {
                if !self.is_filled(i) && i < self.slot.len() {
                    todo[n] = (i, g);
                    n += 1;
                    if n == LANES {
                        break;
                    }
                }
            }
            if n == 0 {
                break;
            }
            let batch = batch.get_or_insert_with(|| EntryBatch::new(key, salt, r));
            let mut put = |i: usize, e: &[u16; TABLE_K]| self.store(i, e);
            for &(i, g) in &todo[..n] {
                batch.push(i, g, input, &mut put);
            }
            batch.flush(input, &mut put);
        }
    }

    /// Entry `i`, computed for `salt` if missing.
    #[inline]
    pub(crate) fn entry_or_fill(
        &mut self,
        i: usize,
        key: &[u8; 32],
        salt: &[u8],
        gram: &[u8],
        r: Reducer,
        input: &mut Vec<u8>,
    ) -> Option<&[u16; TABLE_K]> {
        if !self.is_filled(i) {
            self.slot.get(i)?;
            let e = table_entry(key, salt, gram, r, input);
            self.store(i, &e);
        }
        self.entry(i)
    }

    /// Like [`GramTable::get`], computing a missing entry for `salt`.
    #[cfg(test)]
    pub(crate) fn get_or_fill(
        &mut self,
        key: &[u8; 32],
        salt: &[u8],
        gram: &[u8],
        k: usize,
        r: Reducer,
        input: &mut Vec<u8>,
    ) -> Option<&[u16]> {
        let i = table_index(self.q, gram)?;
        if k > TABLE_K {
            return None;
        }
        self.entry_or_fill(i, key, salt, gram, r, input)
            .and_then(|e| e.get(..k))
    }
}

fn len32(x: &[u8]) -> [u8; 4] {
    u32::try_from(x.len()).unwrap_or(u32::MAX).to_be_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reduce_is_exactly_uniform_on_small_words() {
        // Every residue class gets the same number of accepted words.
        for l in [1u64, 3, 7, 100, 129, 200, 255, 256] {
            let mut count = vec![0u32; l as usize];
            for x in 0..256u64 {
                if let Some(p) = reduce(x, 8, l) {
                    count[p as usize] += 1;
                }
            }
            let first = count[0];
            assert!(count.iter().all(|&c| c == first), "l={l}: {count:?}");
            assert_eq!(u64::from(first), 256 / l);
        }
        // Powers of two never reject.
        assert!((0..256).all(|x| reduce(x, 8, 64).is_some()));
        assert_eq!(reduce(u64::from(u16::MAX), 16, 1024), Some(1023));
        assert_eq!(reduce(65535, 16, 1000), None);
    }

    /// Chi-square statistic of `n` positions over `l` bins from many q-grams.
    fn chi_square(l: u32, grams: usize, k: usize) -> (f64, f64) {
        let key = [42u8; 32];
        let mut count = vec![0u64; l as usize];
        for i in 0..grams {
            let g = format!("g{i}");
            positions(
                &key,
                b"",
                g.as_bytes(),
                k,
                Reducer::new(l),
                &mut Vec::new(),
                |p| count[p] += 1,
            );
        }
        let n = (grams * k) as f64;
        let e = n / f64::from(l);
        let chi: f64 = count.iter().map(|&c| (c as f64 - e).powi(2) / e).sum();
        (chi, f64::from(l - 1))
    }

    #[test]
    fn positions_are_uniform_chi_square() {
        // df = l - 1; mean df, sd sqrt(2 df). Bound at mean + 6 sd: a fixed
        // key makes the test deterministic, and a reduction that drops or
        // favours a range of positions (e.g. masking 10 bits for l = 1000,
        // or using only one byte) exceeds it by orders of magnitude.
        for l in [1000u32, 1024, 96] {
            let (chi, df) = chi_square(l, 20_000, 10);
            let bound = df + 6.0 * (2.0 * df).sqrt();
            assert!(chi < bound, "l={l}: chi2={chi:.0} bound={bound:.0}");
        }
    }

    #[test]
    fn chi_square_detects_a_broken_reduction() {
        // The same statistic on a deliberately biased reduction (x mod l of
        // a 10-bit word, l = 1000: positions < 24 twice as likely).
        // The encoder's own reduction is tested above on the same statistic.
        let key = [42u8; 32];
        let l = 1000usize;
        let mut count = vec![0u64; l];
        let mut n = 0u64;
        for i in 0..20_000 {
            let mut h = blake3::Hasher::new_keyed(&key);
            h.update(format!("g{i}").as_bytes());
            let mut xof = h.finalize_xof();
            let mut b = [0u8; 40];
            xof.fill(&mut b);
            for w in b.chunks_exact(4) {
                let x = u32::from_le_bytes([w[0], w[1], w[2], w[3]]) & 1023;
                count[x as usize % l] += 1;
                n += 1;
            }
        }
        let e = n as f64 / l as f64;
        let chi: f64 = count.iter().map(|&c| (c as f64 - e).powi(2) / e).sum();
        let df = (l - 1) as f64;
        assert!(chi > df + 6.0 * (2.0 * df).sqrt(), "chi2={chi:.0}");
    }

    #[test]
    fn reducer_matches_reduce() {
        for l in [1u32, 3, 96, 1000, 1024, 65535, 65536] {
            let r = Reducer::new(l);
            for x in (0..=u16::MAX).step_by(7).chain([u16::MAX]) {
                assert_eq!(
                    r.apply(x).map(|p| p as u64),
                    reduce(u64::from(x), 16, u64::from(l)),
                    "l={l} x={x}"
                );
            }
        }
    }

    #[test]
    fn fast_path_equals_the_xof_stream() {
        // Positions for any k are a prefix of the same XOF stream.
        let key = [9u8; 32];
        for l in [1000u32, 1024] {
            let all: Vec<usize> = {
                let mut v = Vec::new();
                positions(
                    &key,
                    b"1985",
                    b"AN",
                    100,
                    Reducer::new(l),
                    &mut Vec::new(),
                    |p| v.push(p),
                );
                v
            };
            for k in [1, 15, 16, 17, 31, 32, 33, 64] {
                let mut v = Vec::new();
                positions(
                    &key,
                    b"1985",
                    b"AN",
                    k,
                    Reducer::new(l),
                    &mut Vec::new(),
                    |p| v.push(p),
                );
                assert_eq!(v, all[..k], "l={l} k={k}");
            }
            // And the stream is the documented XOF.
            let mut input = Vec::new();
            input.extend_from_slice(&4u32.to_be_bytes());
            input.extend_from_slice(b"1985");
            input.extend_from_slice(&2u32.to_be_bytes());
            input.extend_from_slice(b"AN");
            let mut xof = blake3::Hasher::new_keyed(&key)
                .update(&input)
                .finalize_xof();
            let mut bytes = vec![0u8; 512];
            xof.fill(&mut bytes);
            let want: Vec<usize> = bytes
                .chunks_exact(2)
                .filter_map(|w| {
                    reduce(
                        u64::from(u16::from_le_bytes([w[0], w[1]])),
                        16,
                        u64::from(l),
                    )
                })
                .map(|p| p as usize)
                .take(100)
                .collect();
            assert_eq!(all, want);
        }
    }

    #[test]
    fn table_equals_direct_positions() {
        let key = [5u8; 32];
        for (q, l) in [(2usize, 1024u32), (2, 1000), (1, 512)] {
            let t = GramTable::build(&key, q, Reducer::new(l)).unwrap();
            let grams: &[&[u8]] = if q == 2 {
                &[b" A", b"ZZ", b"9-", b"* ", b"AN"]
            } else {
                &[b"H", b"M", b" "]
            };
            for g in grams {
                for k in [1usize, 16, 32] {
                    let mut want = Vec::new();
                    positions(&key, b"", g, k, Reducer::new(l), &mut Vec::new(), |p| {
                        want.push(p as u16)
                    });
                    assert_eq!(t.get(g, k).unwrap(), &want[..], "q={q} l={l} k={k}");
                }
            }
            assert!(t.get(b"a", 1).is_none() && t.get(b"AN", 33).is_none());
        }
        assert!(GramTable::build(&key, 3, Reducer::new(64)).is_none());
        // A lazy table for a salt gives the salted positions.
        let mut lazy = GramTable::lazy(2).unwrap();
        assert!(lazy.get(b"AN", 5).is_none());
        let mut want = Vec::new();
        positions(
            &key,
            b"1985",
            b"AN",
            20,
            Reducer::new(512),
            &mut Vec::new(),
            |p| want.push(p as u16),
        );
        let got = lazy
            .get_or_fill(&key, b"1985", b"AN", 20, Reducer::new(512), &mut Vec::new())
            .unwrap();
        assert_eq!(got, &want[..]);
        assert_eq!(lazy.get(b"AN", 20).unwrap(), &want[..]);
    }

    #[test]
    fn positions_depend_on_key_salt_and_gram() {
        let collect = |key: [u8; 32], salt: &[u8], g: &[u8]| {
            let mut v = Vec::new();
            positions(
                &key,
                salt,
                g,
                20,
                Reducer::new(1024),
                &mut Vec::new(),
                |p| v.push(p),
            );
            v
        };
        let a = collect([1; 32], b"", b"AN");
        assert_eq!(a.len(), 20);
        assert_eq!(a, collect([1; 32], b"", b"AN"));
        assert_ne!(a, collect([2; 32], b"", b"AN"));
        assert_ne!(a, collect([1; 32], b"1985", b"AN"));
        assert_ne!(a, collect([1; 32], b"", b"NA"));
        // Salt and gram boundaries are length-prefixed.
        assert_ne!(collect([1; 32], b"A", b"N"), collect([1; 32], b"", b"AN"));
    }

    proptest::proptest! {
        /// The batched entries equal the crate's, one q-gram at a time, for
        /// any salt and gram length (long ones take the fallback), and for
        /// filter lengths whose rejection sampling needs a second block
        /// (40 000 rejects 39 % of words).
        #[test]
        fn entry_batch_equals_table_entry(
            key in proptest::prelude::any::<[u8; 32]>(),
            salt in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..70),
            grams in proptest::collection::vec(
                proptest::collection::vec(proptest::prelude::any::<u8>(), 1..12), 1..40),
            l in proptest::sample::select(vec![3u32, 512, 1000, 1024, 40_000]),
        ) {
            let r = Reducer::new(l);
            let mut input = Vec::new();
            let mut got = vec![None; grams.len()];
            let mut batch = EntryBatch::new(&key, &salt, r);
            let mut put = |i: usize, e: &[u16; TABLE_K]| got[i] = Some(*e);
            for (i, g) in grams.iter().enumerate() {
                batch.push(i, g, &mut input, &mut put);
            }
            batch.flush(&mut input, &mut put);
            for (g, e) in grams.iter().zip(&got) {
                let want = table_entry(&key, &salt, g, r, &mut input);
                proptest::prop_assert_eq!(e.as_ref(), Some(&want));
            }
        }
    }
}
