//! Encoding records into per-field filters and a record filter (CLK).

use std::fmt;

use super::harden::{apply_permutation, blip, blip_threshold, keyed_permutation, xor_fold_words};
use super::prf::{positions, table_index, EntryBatch, GramTable, LongEntries, Reducer, TABLE_K};
use super::qgram::for_each_qgram;
use super::schema::{output_bits, FieldKind, Hardening, SaltPart, Schema};
use super::BloomError;
use crate::curp::{Sex, State};
use crate::date::Date;
use crate::pseudo::{FilterId, Key, Purpose, Subkey};

/// Where each filter of a record sits in its block of `u64` words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterLayout {
    /// The record filter: first in the block.
    pub record: Slot,
    /// One entry per schema field, in schema order; fields without a
    /// per-field filter have `words == 0`.
    pub fields: Vec<FieldSlot>,
    /// Words per record (sum of all filter lengths).
    pub words_per_record: usize,
}

/// A filter's place in a record's block of words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    /// Offset in words from the start of the record's block.
    pub offset: usize,
    /// Length in words (bits / 64).
    pub words: usize,
}

/// A field's per-field filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldSlot {
    /// The schema column.
    pub column: String,
    /// Its key group (filters of one group are comparable crosswise).
    pub group: String,
    /// Where its filter sits (`words == 0`: no per-field filter).
    pub slot: Slot,
}

impl FilterLayout {
    /// Computes the layout of a (checked) schema: record filter first, then
    /// the per-field filters in schema order.
    pub fn of(schema: &Schema) -> FilterLayout {
        let rw = output_bits(schema.record.bits, &schema.record.hardening) as usize / 64;
        let mut offset = rw;
        let fields = schema
            .fields
            .iter()
            .map(|f| {
                let words = f
                    .filter
                    .as_ref()
                    .map_or(0, |ff| output_bits(ff.bits, &ff.hardening) as usize / 64);
                let slot = Slot { offset, words };
                offset += words;
                FieldSlot {
                    column: f.column.clone(),
                    group: f.group().to_string(),
                    slot,
                }
            })
            .collect();
        FilterLayout {
            record: Slot {
                offset: 0,
                words: rw,
            },
            fields,
            words_per_record: offset,
        }
    }
}

/// What happened to each field of one record (indices into the schema's
/// fields). Values are never included.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct EncodeReport {
    /// Fields that were empty.
    pub missing: Vec<usize>,
    /// Fields whose value could not be read as their kind (a bad date,
    /// an unknown sex or state code); encoded as missing.
    pub invalid: Vec<usize>,
    /// Filters left empty because their salt field was missing or invalid:
    /// field indices, or `None` for the record filter.
    pub salt_missing: Vec<Option<usize>>,
}

impl EncodeReport {
    /// True when every field was present and valid.
    pub fn is_clean(&self) -> bool {
        self.missing.is_empty() && self.invalid.is_empty() && self.salt_missing.is_empty()
    }
}

/// The trivial normalization `bloom` does itself (see [`FieldKind`]).
/// `Ok(None)`: empty; `Err(())`: not a value of this kind.
#[allow(clippy::result_unit_err)]
pub fn normalize_value(kind: FieldKind, raw: &str) -> Result<Option<String>, ()> {
    let mut s = String::new();
    Ok(normalize_into(kind, raw, &mut s)?.then_some(s))
}

/// [`normalize_value`] into `out` (cleared first): `Ok(false)` when empty.
fn normalize_into(kind: FieldKind, raw: &str, out: &mut String) -> Result<bool, ()> {
    out.clear();
    let t = raw.trim();
    if t.is_empty() {
        return Ok(false);
    }
    // ASCII upper-casing is char::to_uppercase on ASCII, without the
    // per-char iterator.
    let upper = |w: &str, out: &mut String| {
        if w.is_ascii() {
            out.extend(w.bytes().map(|b| char::from(b.to_ascii_uppercase())));
        } else {
            out.extend(w.chars().flat_map(char::to_uppercase));
        }
    };
    match kind {
        FieldKind::GivenName | FieldKind::Surname | FieldKind::FullName | FieldKind::String => {
            for w in t.split_whitespace() {
                if !out.is_empty() {
                    out.push(' ');
                }
                upper(w, out);
            }
        }
        FieldKind::Curp => upper(t, out),
        FieldKind::Postcode | FieldKind::Number => out.extend(t.split_whitespace()),
        FieldKind::Date => {
            use std::fmt::Write;
            let d = parse_date(t).ok_or(())?;
            // Writing to a String cannot fail.
            let _ = write!(out, "{d}");
        }
        FieldKind::Sex => out.push(Sex::from_field(t).ok_or(())?.code()),
        FieldKind::State => out.push_str(State::from_field(t).ok_or(())?.code()),
    }
    Ok(true)
}

fn parse_date(t: &str) -> Option<Date> {
    if let Ok(d) = Date::parse(t) {
        return Some(d);
    }
    // FEBRL writes YYYYMMDD.
    let b = t.as_bytes();
    if b.len() == 8 && b.iter().all(u8::is_ascii_digit) {
        let n = |r: std::ops::Range<usize>| t.get(r).and_then(|s| s.parse::<u16>().ok());
        let (y, m, d) = (n(0..4)?, n(4..6)?, n(6..8)?);
        return Date::new(y, u8::try_from(m).ok()?, u8::try_from(d).ok()?);
    }
    None
}

/// Keyed hardening of one filter, ready to apply.
struct Plan {
    base_bits: u32,
    fold: u8,
    balance: bool,
    perm: Option<Vec<u32>>,
    blip: Option<(Subkey, u32)>,
    out_words: usize,
    salt: Option<(usize, SaltPart)>,
}

impl Plan {
    fn new(
        key: &Key,
        filter: FilterId<'_>,
        bits: u32,
        h: &Hardening,
        schema: &Schema,
    ) -> Result<Plan, BloomError> {
        let out_bits = output_bits(bits, h);
        let perm = if h.balance || h.permute {
            let k = key.derive(&Purpose::BloomPermutation { filter })?;
            Some(keyed_permutation(&k, out_bits as usize))
        } else {
            None
        };
        let blip = match h.blip_epsilon {
            Some(e) => Some((
                key.derive(&Purpose::BloomBlip { filter })?,
                blip_threshold(e),
            )),
            None => None,
        };
        let salt = match &h.salt {
            Some(s) => Some((
                schema
                    .field_index(&s.column)
                    .ok_or(BloomError::InvalidSchema {
                        field: None,
                        reason: "salt column is not a field of the schema".into(),
                    })?,
                s.part,
            )),
            None => None,
        };
        Ok(Plan {
            base_bits: bits,
            fold: h.fold,
            balance: h.balance,
            perm,
            blip,
            out_words: out_bits as usize / 64,
            salt,
        })
    }

    /// Hardens `base` (base_bits long) into `out` (out_words long).
    fn finish(&self, base: &mut Vec<u64>, tmp: &mut Vec<u64>, out: &mut [u64]) {
        for _ in 0..self.fold {
            xor_fold_words(base);
        }
        if self.balance {
            let n = base.len();
            for i in 0..n {
                let w = base[i];
                base.push(!w);
            }
        }
        if let Some(perm) = &self.perm {
            tmp.clear();
            tmp.resize(base.len(), 0);
            apply_permutation(perm, base, tmp);
            std::mem::swap(base, tmp);
        }
        if let Some((k, t)) = &self.blip {
            blip(k, *t, base, self.out_words * 64);
        }
        out.copy_from_slice(&base[..self.out_words]);
    }
}

/// How one field's q-grams become positions in one filter.
struct Positions {
    key: Subkey,
    reducer: Reducer,
    q: usize,
    /// Precomputed positions for unsalted filters (the common q-grams).
    table: Option<GramTable>,
    /// For salted per-field filters: the [`EncodeCache`] slot (shared by
    /// the fields of one group, which have the same key and settings).
    cache_slot: Option<usize>,
    /// Index of this filter's [`LongEntries`] in an [`EncodeCache`]
    /// (unsalted tables; salted tables hold their own).
    id: usize,
}

/// `BIT[i] = 1 << i`: a load is cheaper than a variable shift (`shl cl`,
/// several micro-ops without BMI2) on the hottest loop of encoding.
static BIT: [u64; 64] = {
    let mut t = [0u64; 64];
    let mut i = 0;
    while i < 64 {
        t[i] = 1 << i;
        i += 1;
    }
    t
};

/// Sets bit `p` of `base` for each position `p` (out of range: ignored).
#[inline]
fn set_bits(base: &mut [u64], ps: &[u16]) {
    match base.len() {
        16 => {
            if let Ok(b) = <&mut [u64; 16]>::try_from(&mut *base) {
                set_bits_fixed(b, ps);
            }
        }
        8 => {
            if let Ok(b) = <&mut [u64; 8]>::try_from(&mut *base) {
                set_bits_fixed(b, ps);
            }
        }
        _ => {
            for &p in ps {
                let p = usize::from(p);
                if let Some(w) = base.get_mut(p >> 6) {
                    *w |= BIT[p & 63];
                }
            }
        }
    }
}

/// [`set_bits`] for the usual lengths (1024 and 512 bits), without bounds
/// checks: positions come from a [`Reducer`] for this length, so
/// `p < 64·N` and the `% N` never changes the word.
#[inline(always)]
fn set_bits_fixed<const N: usize>(base: &mut [u64; N], ps: &[u16]) {
    for &p in ps {
        let p = usize::from(p);
        base[(p >> 6) % N] |= BIT[p & 63];
    }
}

impl Positions {
    fn new(key: Subkey, bits: u32, q: usize, no_table: bool, id: usize) -> Positions {
        let reducer = Reducer::new(bits);
        let table = if no_table {
            None
        } else {
            GramTable::build(key.bytes(), q, reducer)
        };
        Positions {
            key,
            reducer,
            q,
            table,
            cache_slot: None,
            id,
        }
    }

    /// Sets the `k` positions of every q-gram in `s` (with `salt`) in
    /// `base`: from the encoder's table (unsalted filters), the cache's
    /// salt table `lazy`, the long entries `long` (k > 32), or hashed.
    fn set_all(
        &self,
        s: &mut Scratch,
        salt: &str,
        k: usize,
        base: &mut [u64],
        mut lazy: Option<&mut GramTable>,
        mut long: Option<&mut LongEntries>,
    ) {
        let key = self.key.bytes();
        let salt = salt.as_bytes();
        let r = self.reducer;
        let mut input = std::mem::take(&mut s.input);
        if k <= TABLE_K {
            if let (None, Some(t)) = (&self.table, lazy.as_deref_mut()) {
                // New (salt, q-gram) pairs: computed together, many
                // compressions per vector instruction.
                let q = self.q;
                let grams = s.grams().filter_map(|g| table_index(q, g).map(|i| (i, g)));
                t.fill_missing(key, salt, grams, r, &mut input);
            }
            if let Some(t) = self.table.as_ref().or(lazy.as_deref()) {
                // Load every entry's line first, all at once: they are
                // scattered over the table (and the table over memory,
                // often out of L2), and overlapping misses cost one wait.
                let mut touch = 0u16;
                for g in s.grams() {
                    if let Some(i) = table_index(self.q, g) {
                        touch ^= t.touch(i);
                    }
                }
                std::hint::black_box(touch);
            }
        }
        // Made on the first q-gram no table holds.
        let mut direct: Option<EntryBatch> = None;
        for g in s.grams() {
            let done = match table_index(self.q, g) {
                None => false,
                Some(i) if k <= TABLE_K => {
                    let e = match (&self.table, lazy.as_deref_mut()) {
                        (Some(t), _) => t.entry(i),
                        (None, Some(t)) => t.entry_or_fill(i, key, salt, g, r, &mut input),
                        (None, None) => None,
                    };
                    match e {
                        Some(e) => {
                            set_bits(base, e.get(..k).unwrap_or(e));
                            true
                        }
                        None => false,
                    }
                }
                Some(i) => {
                    let l = match (&self.table, lazy.as_deref_mut()) {
                        (Some(_), _) => long.as_deref_mut(),
                        (None, Some(t)) => Some(&mut t.long),
                        (None, None) => None,
                    };
                    match l {
                        Some(l) => {
                            set_bits(base, l.get_or_fill(i, key, salt, g, k, r, &mut input));
                            true
                        }
                        None => false,
                    }
                }
            };
            if !done {
                if k <= TABLE_K {
                    // Hashed now, a batch at a time; only the first k of
                    // the entry's positions are this q-gram's.
                    direct
                        .get_or_insert_with(|| EntryBatch::new(key, salt, r))
                        .push(0, g, &mut input, &mut |_, e| set_bits(base, &e[..k]));
                } else {
                    positions(key, salt, g, k, r, &mut input, |p| {
                        if let Some(w) = base.get_mut(p / 64) {
                            *w |= 1u64 << (p % 64);
                        }
                    });
                }
            }
        }
        if let Some(d) = direct.as_mut() {
            d.flush(&mut input, &mut |_, e| set_bits(base, &e[..k]));
        }
        s.input = input;
    }
}

struct FieldPlan {
    kind: FieldKind,
    q: usize,
    pad: bool,
    record_bits: u32,
    record: Positions,
    filter: Option<(Plan, Positions, u32)>,
}

impl FieldPlan {
    /// Sets the bits of value `v` (salt `salt`, bit budget `budget`) for
    /// filter `pos` in `base` (all zero on entry): remembered in `memo`
    /// when given, else computed (`n` caches the value's q-gram count; the
    /// q-grams are loaded into the scratch on first need).
    #[allow(clippy::too_many_arguments)]
    fn memoized(
        &self,
        pos: &Positions,
        s: &mut Scratch,
        memo: Option<&mut ValueMemo>,
        v: &str,
        salt: &str,
        n: &mut Option<usize>,
        budget: u32,
        base: &mut [u64],
        lazy: Option<&mut GramTable>,
        long: Option<&mut LongEntries>,
    ) {
        let mut key = [0u8; MEMO_KEY];
        let memo = memo.filter(|_| {
            let (sl, vl) = (salt.len(), v.len());
            if sl + vl + 2 > MEMO_KEY || base.len() > MEMO_WORDS {
                return false;
            }
            // Both lengths are below MEMO_KEY.
            key[0] = sl as u8;
            key[1] = vl as u8;
            key[2..2 + sl].copy_from_slice(salt.as_bytes());
            key[2 + sl..2 + sl + vl].copy_from_slice(v.as_bytes());
            true
        });
        if let Some(bits) = memo.as_ref().and_then(|m| m.get(&key)) {
            base.copy_from_slice(&bits[..base.len()]);
            return;
        }
        let n = match *n {
            Some(n) => n,
            None => {
                s.grams.clear();
                s.ends.clear();
                let (grams, ends) = (&mut s.grams, &mut s.ends);
                let c = for_each_qgram(v, self.q, self.pad, &mut s.chars, &mut s.bytes, |g| {
                    grams.extend_from_slice(g);
                    ends.push(grams.len());
                });
                *n = Some(c);
                c
            }
        };
        let k = ((budget as usize + n / 2) / n.max(1)).max(1);
        pos.set_all(s, salt, k, base, lazy, long);
        if let Some(m) = memo {
            if m.len() < MAX_MEMO {
                if m.capacity() == 0 {
                    // Its final size at once: growing by doubling rehashed
                    // and copied the 160-byte entries at every step (about
                    // 1.3 MB per map, 10 MB per padrón cache).
                    m.reserve(MAX_MEMO);
                }
                let mut bits = [0u64; MEMO_WORDS];
                bits[..base.len()].copy_from_slice(base);
                m.insert(key, bits);
            }
        }
    }
}

/// Encodes records of one schema under one key.
///
/// Holds subkeys (zeroized on drop) and keyed permutations; `Debug` shows
/// the schema name and layout only.
pub struct Encoder {
    id: u64,
    cache_slots: usize,
    schema: Schema,
    layout: FilterLayout,
    fields: Vec<FieldPlan>,
    record: Plan,
}

/// Largest number of salt values an [`EncodeCache`] keeps tables for, per
/// field group (a table is about 100 KB; birth years need about 120).
const MAX_SALTS: usize = 256;

/// Largest number of values an [`EncodeCache`] remembers the bits of, per
/// filter and field: 7/8 of 8192 buckets, so a full map is 8192 entries of
/// 160 bytes (1.3 MB; at most 10 maps for the padrón schema). Names, dates
/// and codes repeat heavily in a padrón (Zipf-like), so the first values
/// seen cover most records; later new values are encoded without being
/// remembered.
const MAX_MEMO: usize = 7 << 10;

/// Reusable state for [`Encoder::encode_with`]: scratch buffers and, for
/// salted per-field filters, the positions of the q-grams already seen for
/// each salt value (e.g. birth year), and the bits of the values already
/// encoded (per filter, up to 7168 values: repeated names and dates cost a
/// lookup). One per thread; it holds key-derived data, so its `Debug`
/// shows sizes only. Memory is bounded: about 100 KB per salt value and
/// group (at most 256 values per group) and 1.3 MB per filter and field.
#[derive(Default)]
pub struct EncodeCache {
    /// The encoder whose positions the tables hold (`None`: no tables).
    owner: Option<u64>,
    scratch: Scratch,
    salted: Vec<SaltTables>,
    /// Long entries of the encoder's unsalted tables, by `Positions::id`.
    long: Vec<LongEntries>,
    /// The bits each (salt, value) sets in a filter before hardening, by
    /// `Positions::id`: a field's bits depend on nothing else, so a
    /// repeated value costs a lookup instead of one per q-gram position.
    memo: Vec<ValueMemo>,
}

/// Key: `len(salt)`, `len(value)`, the salt, the value, zero-padded
/// (unambiguous); values and masks are stored inline in the table, so a
/// hit reads one entry instead of chasing a key and a mask on the heap.
/// Longer salt-and-value pairs and filters over [`MEMO_WORDS`] words are
/// not remembered.
type ValueMemo = std::collections::HashMap<[u8; MEMO_KEY], [u64; MEMO_WORDS], BuildSaltHasher>;

const MEMO_KEY: usize = 32;
const MEMO_WORDS: usize = 16;

/// Salt tables of one group, by salt value.
type SaltTables = std::collections::HashMap<String, GramTable, BuildSaltHasher>;

/// An FNV-style hash for the cache's maps: keys are short (a birth year, a name),
/// looked up once per field and record, and the maps are capped
/// ([`MAX_SALTS`], [`MAX_MEMO`]), so SipHash's flooding resistance buys
/// little and costs a large share of a lookup.
#[derive(Clone, Copy)]
struct SaltHasher(u64);

impl Default for SaltHasher {
    fn default() -> Self {
        SaltHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for SaltHasher {
    fn write(&mut self, bytes: &[u8]) {
        // Eight bytes per multiply (the memo keys are 32 bytes).
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.0 = (self.0 ^ u64::from_le_bytes(w))
                .wrapping_mul(0x0100_0000_01b3)
                .rotate_left(23);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        // FNV's low bits are weak and hashbrown picks buckets with them:
        // finish with the MurmurHash3 64-bit mixer.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

type BuildSaltHasher = std::hash::BuildHasherDefault<SaltHasher>;

/// Distinguishes encoders so a cache filled by one is never read by another.
static NEXT_ENCODER_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl fmt::Debug for EncodeCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EncodeCache")
            .field(
                "salt_tables",
                &self.salted.iter().map(|m| m.len()).sum::<usize>(),
            )
            .field("values", &self.memo.iter().map(|m| m.len()).sum::<usize>())
            .finish()
    }
}

/// Per-call scratch buffers.
#[derive(Default)]
struct Scratch {
    /// Normalized values, one buffer per field (reused), and whether each
    /// field had one.
    values: Vec<String>,
    present: Vec<bool>,
    chars: Vec<char>,
    bytes: Vec<u8>,
    /// The current value's distinct q-grams, concatenated; `ends` splits them.
    grams: Vec<u8>,
    ends: Vec<usize>,
    input: Vec<u8>,
    /// One field's bits before they are ORed into the record filter.
    contrib: Vec<u64>,
    record_base: Vec<u64>,
    base: Vec<u64>,
    tmp: Vec<u64>,
}

impl Scratch {
    fn grams(&self) -> impl Iterator<Item = &[u8]> {
        let mut start = 0;
        self.ends.iter().map(move |&e| {
            let g = self.grams.get(start..e).unwrap_or(&[]);
            start = e;
            g
        })
    }
}

impl Encoder {
    /// Checks the schema and derives every subkey it needs.
    pub fn new(key: &Key, schema: Schema) -> Result<Encoder, BloomError> {
        schema.check()?;
        let record = Plan::new(
            key,
            FilterId::Record,
            schema.record.bits,
            &schema.record.hardening,
            &schema,
        )?;
        let mut fields = Vec::with_capacity(schema.fields.len());
        for f in &schema.fields {
            let group = f.group();
            let q = usize::from(f.q());
            // Tables only for unsalted filters the field contributes to.
            let id = 2 * fields.len();
            let record_pos = Positions::new(
                key.derive(&Purpose::BloomRecordPositions { group })?,
                schema.record.bits,
                q,
                schema.record.hardening.salt.is_some() || f.record_bits == 0,
                id,
            );
            let filter = match &f.filter {
                Some(ff) => Some((
                    Plan::new(
                        key,
                        FilterId::Field { group },
                        ff.bits,
                        &ff.hardening,
                        &schema,
                    )?,
                    Positions::new(
                        key.derive(&Purpose::BloomFieldPositions { group })?,
                        ff.bits,
                        q,
                        ff.hardening.salt.is_some(),
                        id + 1,
                    ),
                    ff.budget,
                )),
                None => None,
            };
            fields.push(FieldPlan {
                kind: f.kind,
                q,
                pad: f.pad,
                record_bits: f.record_bits,
                record: record_pos,
                filter,
            });
        }
        // Cache slots: one per group whose per-field filters are salted.
        let mut slot_groups: Vec<&str> = Vec::new();
        for (plan, spec) in fields.iter_mut().zip(&schema.fields) {
            if let (Some((_, pos, _)), Some(ff)) = (&mut plan.filter, &spec.filter) {
                if ff.hardening.salt.is_some() && pos.table.is_none() {
                    let g = spec.group();
                    let slot = match slot_groups.iter().position(|x| *x == g) {
                        Some(i) => i,
                        None => {
                            slot_groups.push(g);
                            slot_groups.len() - 1
                        }
                    };
                    pos.cache_slot = Some(slot);
                }
            }
        }
        let cache_slots = slot_groups.len();
        let layout = FilterLayout::of(&schema);
        Ok(Encoder {
            id: NEXT_ENCODER_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            cache_slots,
            schema,
            layout,
            fields,
            record,
        })
    }

    /// The schema.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// Where each filter sits in a record's words.
    pub fn layout(&self) -> &FilterLayout {
        &self.layout
    }

    /// A fresh cache for [`Encoder::encode_with`].
    pub fn new_cache(&self) -> EncodeCache {
        EncodeCache {
            owner: Some(self.id),
            scratch: Scratch::default(),
            salted: (0..self.cache_slots).map(|_| Default::default()).collect(),
            long: (0..2 * self.fields.len())
                .map(|_| Default::default())
                .collect(),
            memo: (0..2 * self.fields.len())
                .map(|_| Default::default())
                .collect(),
        }
    }

    /// Encodes one record. `row[i]` is the value of schema field `i`
    /// (`None` or blank = missing); `out` receives
    /// `layout().words_per_record` words. For many records prefer
    /// [`Encoder::encode_with`], which is several times faster.
    pub fn encode_into(
        &self,
        row: &[Option<&str>],
        out: &mut [u64],
    ) -> Result<EncodeReport, BloomError> {
        // No salt tables: filling them for one record costs more than it saves.
        self.encode_with(&mut EncodeCache::default(), row, out)
    }

    /// [`Encoder::encode_into`] reusing `cache` (from
    /// [`Encoder::new_cache`]). The output does not depend on the cache: a
    /// cache made by another encoder is emptied and re-targeted first.
    pub fn encode_with(
        &self,
        cache: &mut EncodeCache,
        row: &[Option<&str>],
        out: &mut [u64],
    ) -> Result<EncodeReport, BloomError> {
        if row.len() != self.fields.len() {
            return Err(BloomError::RowLength {
                expected: self.fields.len(),
                found: row.len(),
            });
        }
        if out.len() != self.layout.words_per_record {
            return Err(BloomError::OutLength {
                expected: self.layout.words_per_record,
                found: out.len(),
            });
        }
        let mut report = EncodeReport::default();
        if cache.owner.is_some_and(|o| o != self.id) {
            *cache = self.new_cache();
        }
        let s = &mut cache.scratch;
        let salted = &mut cache.salted;
        let long = &mut cache.long;
        let memo = &mut cache.memo;
        // Normalized values in reused buffers (taken out of the scratch
        // while the scratch is lent to `set_all`).
        let mut values = std::mem::take(&mut s.values);
        let mut present = std::mem::take(&mut s.present);
        values.resize_with(row.len(), String::new);
        present.clear();
        for (i, ((cell, f), buf)) in row.iter().zip(&self.fields).zip(&mut values).enumerate() {
            let ok = match cell.map(|c| normalize_into(f.kind, c, buf)) {
                None | Some(Ok(false)) => {
                    report.missing.push(i);
                    false
                }
                Some(Ok(true)) => true,
                Some(Err(())) => {
                    report.invalid.push(i);
                    false
                }
            };
            present.push(ok);
        }
        let value = |j: usize| -> Option<&str> {
            present
                .get(j)
                .copied()
                .unwrap_or(false)
                .then(|| values.get(j).map(String::as_str))
                .flatten()
        };
        let salt_of = |plan: &Plan| -> Result<Option<&str>, ()> {
            match plan.salt {
                None => Ok(Some("")),
                Some((j, part)) => match (value(j), part) {
                    (None, _) => Err(()),
                    (Some(v), SaltPart::Whole) => Ok(Some(v)),
                    (Some(v), SaltPart::Year) => Ok(v.get(..4)),
                },
            }
        };
        let record_salt = match salt_of(&self.record) {
            Ok(s) => s,
            Err(()) => {
                report.salt_missing.push(None);
                None
            }
        };
        let mut record_base = std::mem::take(&mut s.record_base);
        record_base.clear();
        record_base.resize(self.record.base_bits as usize / 64, 0);
        for (i, f) in self.fields.iter().enumerate() {
            let Some(v) = value(i) else {
                if let Some((plan, _, _)) = &f.filter {
                    let slot = self.layout.fields[i].slot;
                    out[slot.offset..slot.offset + plan.out_words].fill(0);
                }
                continue;
            };
            let mut n = None;
            // Record filter.
            if let (Some(salt), true) = (record_salt, f.record_bits > 0) {
                let mut contrib = std::mem::take(&mut s.contrib);
                contrib.clear();
                contrib.resize(record_base.len(), 0);
                f.memoized(
                    &f.record,
                    s,
                    memo.get_mut(f.record.id),
                    v,
                    salt,
                    &mut n,
                    f.record_bits,
                    &mut contrib,
                    None,
                    long.get_mut(f.record.id),
                );
                for (w, c) in record_base.iter_mut().zip(&contrib) {
                    *w |= c;
                }
                s.contrib = contrib;
            }
            // Per-field filter.
            if let Some((plan, pos, budget)) = &f.filter {
                let slot = self.layout.fields[i].slot;
                let mut base = std::mem::take(&mut s.base);
                base.clear();
                base.resize(plan.base_bits as usize / 64, 0);
                match salt_of(plan) {
                    Ok(Some(salt)) => {
                        let lazy = pos
                            .cache_slot
                            .and_then(|c| salted.get_mut(c))
                            .and_then(|m| {
                                if !m.contains_key(salt) && m.len() < MAX_SALTS {
                                    if let Some(t) = GramTable::lazy(f.q) {
                                        m.insert(salt.to_string(), t);
                                    }
                                }
                                m.get_mut(salt)
                            });
                        f.memoized(
                            pos,
                            s,
                            memo.get_mut(pos.id),
                            v,
                            salt,
                            &mut n,
                            *budget,
                            &mut base,
                            lazy,
                            long.get_mut(pos.id),
                        );
                        plan.finish(
                            &mut base,
                            &mut s.tmp,
                            &mut out[slot.offset..slot.offset + slot.words],
                        );
                    }
                    _ => {
                        report.salt_missing.push(Some(i));
                        out[slot.offset..slot.offset + slot.words].fill(0);
                    }
                }
                s.base = base;
            }
        }
        let r = self.layout.record;
        if record_salt.is_some() {
            self.record.finish(
                &mut record_base,
                &mut s.tmp,
                &mut out[r.offset..r.offset + r.words],
            );
        } else {
            out[r.offset..r.offset + r.words].fill(0);
        }
        s.record_base = record_base;
        s.values = values;
        s.present = present;
        Ok(report)
    }

    /// [`Encoder::encode_into`] into a new vector.
    pub fn encode(&self, row: &[Option<&str>]) -> Result<(Vec<u64>, EncodeReport), BloomError> {
        let mut out = vec![0u64; self.layout.words_per_record];
        let report = self.encode_into(row, &mut out)?;
        Ok((out, report))
    }
}

impl fmt::Debug for Encoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Encoder")
            .field("schema", &self.schema.name)
            .field("layout", &self.layout)
            .field("keys", &"<redacted>")
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bloom::{dice, popcount, Schema};

    fn key(b: u8) -> Key {
        Key::from_bytes([b; 32])
    }

    const PEOPLE: &[[&str; 6]] = &[
        [
            "MARIA GUADALUPE",
            "HERNANDEZ",
            "GARCIA",
            "1985-03-12",
            "M",
            "DF",
        ],
        ["JOSE LUIS", "MARTINEZ", "LOPEZ", "1972-11-02", "H", "JC"],
        ["ANA", "PEREZ", "SANCHEZ", "2001-07-30", "M", "NL"],
        ["JUAN CARLOS", "RAMIREZ", "CRUZ", "1990-01-15", "H", "PL"],
        ["LETICIA", "GONZALEZ", "FLORES", "1968-05-21", "M", "VZ"],
        ["FRANCISCO", "TORRES", "RIVERA", "1955-12-01", "H", "GT"],
        ["PATRICIA", "MORALES", "JIMENEZ", "1979-09-09", "M", "OC"],
        ["MIGUEL ANGEL", "REYES", "DIAZ", "1983-04-18", "H", "CH"],
    ];

    fn row(p: &[&'static str; 6]) -> Vec<Option<&'static str>> {
        p.iter().map(|v| Some(*v)).collect()
    }

    fn slice(words: &[u64], s: Slot) -> &[u64] {
        &words[s.offset..s.offset + s.words]
    }

    #[test]
    fn padron_layout() {
        let l = FilterLayout::of(&Schema::padron());
        assert_eq!(
            l.record,
            Slot {
                offset: 0,
                words: 8
            }
        );
        let f: Vec<(usize, usize)> = l
            .fields
            .iter()
            .map(|f| (f.slot.offset, f.slot.words))
            .collect();
        assert_eq!(f, [(8, 4), (12, 4), (16, 4), (20, 4), (24, 0), (24, 0)]);
        assert_eq!(l.words_per_record, 24);
        assert_eq!(l.fields[1].group, l.fields[2].group);
    }

    #[test]
    fn normalization_by_kind() {
        use FieldKind as K;
        assert_eq!(
            normalize_value(K::GivenName, "  maría   josé "),
            Ok(Some("MARÍA JOSÉ".into()))
        );
        assert_eq!(
            normalize_value(K::Date, "12/03/1985"),
            Ok(Some("1985-03-12".into()))
        );
        assert_eq!(
            normalize_value(K::Date, "19850312"),
            Ok(Some("1985-03-12".into()))
        );
        assert_eq!(normalize_value(K::Date, "19850230"), Err(()));
        assert_eq!(normalize_value(K::Sex, "mujer"), Ok(Some("M".into())));
        assert_eq!(normalize_value(K::Sex, "F"), Err(()));
        assert_eq!(normalize_value(K::State, "09"), Ok(Some("DF".into())));
        assert_eq!(
            normalize_value(K::Postcode, " 2 615 "),
            Ok(Some("2615".into()))
        );
        assert_eq!(normalize_value(K::Surname, "   "), Ok(None));
    }

    #[test]
    fn deterministic_and_key_dependent() {
        let a = Encoder::new(&key(1), Schema::padron()).unwrap();
        let b = Encoder::new(&key(1), Schema::padron()).unwrap();
        let c = Encoder::new(&key(2), Schema::padron()).unwrap();
        for p in PEOPLE {
            let (x, rep) = a.encode(&row(p)).unwrap();
            assert!(rep.is_clean(), "{rep:?}");
            assert_eq!(x, b.encode(&row(p)).unwrap().0);
            assert_ne!(x, c.encode(&row(p)).unwrap().0);
        }
    }

    #[test]
    fn similar_values_score_high_unrelated_low() {
        let e = Encoder::new(&key(1), Schema::padron()).unwrap();
        let r = e.layout().record;
        let (a, _) = e.encode(&row(&PEOPLE[0])).unwrap();
        let typo = [
            "MARIA GUADALUPE",
            "HERNANDES",
            "GARCIA",
            "1985-03-12",
            "M",
            "DF",
        ];
        let (b, _) = e.encode(&row(&typo)).unwrap();
        let same = dice(slice(&a, r), slice(&b, r));
        assert!(same > 0.85, "{same}");
        for p in &PEOPLE[1..] {
            let (c, _) = e.encode(&row(p)).unwrap();
            let d = dice(slice(&a, r), slice(&c, r));
            assert!(d < same - 0.2, "{d} vs {same}");
        }
    }

    #[test]
    fn record_filter_density_is_near_half() {
        let e = Encoder::new(&key(5), Schema::padron()).unwrap();
        let r = e.layout().record;
        let mut total = 0.0;
        for p in PEOPLE {
            let (a, _) = e.encode(&row(p)).unwrap();
            let d = f64::from(popcount(slice(&a, r))) / (r.words * 64) as f64;
            assert!((0.3..0.7).contains(&d), "density {d}");
            total += d;
        }
        let mean = total / PEOPLE.len() as f64;
        assert!((0.4..0.6).contains(&mean), "mean density {mean}");
    }

    #[test]
    fn swapped_surnames_compare_crosswise() {
        let e = Encoder::new(&key(1), Schema::padron()).unwrap();
        let l = e.layout();
        let p = PEOPLE[0];
        let swapped = [p[0], p[2], p[1], p[3], p[4], p[5]];
        let (a, _) = e.encode(&row(&p)).unwrap();
        let (b, _) = e.encode(&row(&swapped)).unwrap();
        let (pat, mat) = (l.fields[1].slot, l.fields[2].slot);
        assert_eq!(slice(&a, pat), slice(&b, mat));
        assert_eq!(slice(&a, mat), slice(&b, pat));
        // The record filter does not see the swap at all.
        assert_eq!(slice(&a, l.record), slice(&b, l.record));
    }

    #[test]
    fn salt_separates_namesakes_and_missing_salt_is_reported() {
        let e = Encoder::new(&key(1), Schema::padron()).unwrap();
        let given = e.layout().fields[0].slot;
        let mut p = PEOPLE[0];
        let (a, _) = e.encode(&row(&p)).unwrap();
        p[3] = "1986-03-12";
        let (b, _) = e.encode(&row(&p)).unwrap();
        let d = dice(slice(&a, given), slice(&b, given));
        assert!(
            d < 0.7,
            "namesakes born in other years share given-name bits: {d}"
        );
        let mut r = row(&PEOPLE[0]);
        r[3] = Some("1985-02-30");
        let (c, rep) = e.encode(&r).unwrap();
        assert_eq!(rep.invalid, [3]);
        assert_eq!(rep.salt_missing, [Some(0), Some(1), Some(2)]);
        assert!(slice(&c, given).iter().all(|w| *w == 0));
        assert!(popcount(slice(&c, e.layout().record)) > 0);
    }

    #[test]
    fn other_key_gives_chance_level_dice() {
        // The same records under two keys should look like unrelated records.
        let a = Encoder::new(&key(1), Schema::padron()).unwrap();
        let b = Encoder::new(&key(2), Schema::padron()).unwrap();
        let r = a.layout().record;
        let (mut cross, mut unrelated, mut n, mut m) = (0.0, 0.0, 0.0, 0.0);
        for (i, p) in PEOPLE.iter().enumerate() {
            let (x, _) = a.encode(&row(p)).unwrap();
            let (y, _) = b.encode(&row(p)).unwrap();
            cross += dice(slice(&x, r), slice(&y, r));
            n += 1.0;
            for q in &PEOPLE[i + 1..] {
                let (z, _) = a.encode(&row(q)).unwrap();
                unrelated += dice(slice(&x, r), slice(&z, r));
                m += 1.0;
            }
        }
        let (cross, unrelated) = (cross / n, unrelated / m);
        // Independent filters of density ~0.5 have Dice ~0.5.
        assert!((cross - 0.5).abs() < 0.08, "cross-key dice {cross}");
        assert!(
            cross < unrelated + 0.08,
            "cross {cross} vs unrelated {unrelated}"
        );
    }

    #[test]
    fn balanced_and_blip_schemas() {
        let mut s = Schema::padron();
        s.record.hardening.balance = true;
        s.record.hardening.blip_epsilon = Some(3.0);
        let e = Encoder::new(&key(1), s.clone()).unwrap();
        let r = e.layout().record;
        assert_eq!(r.words, 16);
        let (a, _) = e.encode(&row(&PEOPLE[0])).unwrap();
        assert_eq!(a, e.encode(&row(&PEOPLE[0])).unwrap().0);
        // Balanced weight is exactly half before noise; BLIP moves it a little.
        let w = popcount(slice(&a, r));
        assert!((400..624).contains(&w), "{w}");
        s.record.hardening.blip_epsilon = None;
        let e = Encoder::new(&key(1), s).unwrap();
        let (b, _) = e.encode(&row(&PEOPLE[0])).unwrap();
        assert_eq!(popcount(slice(&b, r)), 512);
    }

    #[test]
    fn shape_errors() {
        let e = Encoder::new(&key(1), Schema::padron()).unwrap();
        assert!(matches!(
            e.encode(&[Some("A")]),
            Err(BloomError::RowLength {
                expected: 6,
                found: 1
            })
        ));
        let mut out = [0u64; 3];
        assert!(matches!(
            e.encode_into(&row(&PEOPLE[0]), &mut out),
            Err(BloomError::OutLength { .. })
        ));
        let (all_missing, rep) = e.encode(&[None; 6]).unwrap();
        assert!(all_missing.iter().all(|w| *w == 0));
        assert_eq!(rep.missing.len(), 6);
        assert!(!format!("{e:?}").contains("0101"));
    }

    #[test]
    fn cache_gives_the_same_output() {
        let e = Encoder::new(&key(4), Schema::padron()).unwrap();
        let mut cache = e.new_cache();
        // Twice over, so the second pass hits filled tables.
        for _ in 0..2 {
            for p in PEOPLE {
                let mut out = vec![0u64; e.layout().words_per_record];
                e.encode_with(&mut cache, &row(p), &mut out).unwrap();
                assert_eq!(out, e.encode(&row(p)).unwrap().0);
            }
        }
        let d = format!("{cache:?}");
        assert!(d.contains("salt_tables"), "{d}");
        // Only salted groups get slots: given and surname (shared).
        assert_eq!(cache.salted.len(), 2);
        // A cache filled under another key is not reused as is.
        let other = Encoder::new(&key(5), Schema::padron()).unwrap();
        let mut out = vec![0u64; other.layout().words_per_record];
        other
            .encode_with(&mut cache, &row(&PEOPLE[0]), &mut out)
            .unwrap();
        assert_eq!(out, other.encode(&row(&PEOPLE[0])).unwrap().0);
    }

    #[test]
    fn remembered_values_give_the_same_output() {
        // Values a cache takes different paths for: short (k > 32), long
        // (not remembered), non-ASCII (hashed q-grams), missing, invalid,
        // the same name under other salts; three passes so the second and
        // third hit what the first remembered.
        let e = Encoder::new(&key(6), Schema::padron()).unwrap();
        let rows: Vec<[Option<&str>; 6]> = vec![
            [
                Some("ANA"),
                Some("DIAZ"),
                Some("A"),
                Some("2001-07-30"),
                Some("M"),
                Some("NL"),
            ],
            [
                Some("ANA"),
                Some("DIAZ"),
                Some("A"),
                Some("1999-07-30"),
                Some("M"),
                Some("NL"),
            ],
            [
                Some("MARIA DE LOS ANGELES GUADALUPE DEL CARMEN"),
                Some("NÚÑEZ"),
                None,
                Some("1985-02-30"),
                Some("X"),
                Some("NE"),
            ],
            [
                Some("maría"),
                Some("  Diaz "),
                Some("LUZ"),
                Some("12/03/1985"),
                None,
                Some("09"),
            ],
            [
                Some("Z"),
                Some("ÑU"),
                Some("O'HARA-7"),
                Some("19850312"),
                Some("H"),
                Some("DF"),
            ],
        ];
        let mut cache = e.new_cache();
        for _ in 0..3 {
            for r in &rows {
                let mut out = vec![0u64; e.layout().words_per_record];
                let rep = e.encode_with(&mut cache, r, &mut out).unwrap();
                let (want, want_rep) = e.encode(r).unwrap();
                assert_eq!(out, want, "{r:?}");
                assert_eq!(rep, want_rep);
            }
        }
        assert!(format!("{cache:?}").contains("values"));
    }

    #[test]
    fn febrl_schema_encodes() {
        let e = Encoder::new(&key(1), Schema::febrl()).unwrap();
        let r = [
            "james",
            "smith",
            "12",
            "main street",
            "unit 4",
            "springfield",
            "2615",
            "nsw",
            "19560412",
            "1234567",
        ]
        .map(Some);
        let (a, rep) = e.encode(&r).unwrap();
        assert!(rep.is_clean(), "{rep:?}");
        let rec = e.layout().record;
        let d = f64::from(popcount(slice(&a, rec))) / (rec.words * 64) as f64;
        assert!((0.3..0.7).contains(&d), "{d}");
    }
}
