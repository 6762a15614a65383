//! The set of `record_id`s seen so far, 8 bytes per id.
//!
//! Each id is reduced to a 64-bit key. Most agency ids are reduced
//! *exactly* (two different ids never share a key), so a repeat reported
//! for them is certain:
//!
//! - ids of 1–10 characters from `0-9 A-Z a-z - _ . /` (folios such as
//!   `P1-0000001`, `A123/2024`, plain numbers up to 10 digits) are read as a
//!   base-67 numeral (digits 1–66, so different lengths never meet), which
//!   stays below 2⁶²;
//! - other decimal numbers of 11–18 digits without a leading zero are kept
//!   as their value, tagged with bit 62;
//! - anything else (longer ids, CURPs used as ids, other characters) is
//!   hashed to 63 bits, tagged with bit 63.
//!
//! Only hashed ids can collide. With a 63-bit hash that behaves like a
//! random function, the chance that some pair among `n` hashed ids shares a
//! key is about `n² / 2⁶⁴`: 5 × 10⁻⁸ for a 1 M-row file, 5 × 10⁻⁶ for 10 M
//! rows. Confirming a hit would need the earlier id's text, which the
//! streaming memory bound rules out; a collision is nevertheless never
//! silent: the later row is yielded as a `DuplicateRecordId` reject naming
//! the earlier row, so it is in the reject list for review.
//!
//! The hash is fixed (no per-process seed) so that a run can be repeated
//! exactly; ids come from the agency's own file, not from an adversary who
//! could gain from forcing collisions.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hasher};

/// Rows whose first occurrence is remembered (16 bytes each) so that a
/// repeat can name it; beyond, ids cost 8 bytes and a repeat names row 0.
const FIRST_ROWS_CAP: usize = 1_000_000;

/// Tag of keys that are decimal values (bit 62).
const NUMERIC_TAG: u64 = 1 << 62;
/// Tag of hashed keys (bit 63).
const HASH_TAG: u64 = 1 << 63;

/// Longest id read exactly as a base-67 numeral: 67¹⁰ < 2⁶² ≤ 67¹¹.
const SHORT_MAX: usize = 10;

/// Odd multipliers (64-bit fractional parts of √2 and √3, made odd).
const K0: u64 = 0x6a09_e667_f3bc_c909;
const K1: u64 = 0xbb67_ae85_84ca_a73b;

/// Record ids seen so far.
#[derive(Default)]
pub(crate) struct IdSet {
    /// Key → first row, for the first [`FIRST_ROWS_CAP`] ids.
    first: HashMap<u64, u64, MixState>,
    /// Keys of the ids after those.
    rest: HashSet<u64, MixState>,
}

impl IdSet {
    /// Records `id` as seen in `row`; `Err(first_row)` if it was seen
    /// before (`first_row` is 0 when that row is no longer remembered).
    pub(crate) fn insert(&mut self, id: &str, row: u64) -> Result<(), u64> {
        let key = id_key(id);
        if self.first.len() < FIRST_ROWS_CAP {
            return match self.first.entry(key) {
                Entry::Occupied(o) => Err(*o.get()),
                Entry::Vacant(v) => {
                    v.insert(row);
                    Ok(())
                }
            };
        }
        if let Some(&first) = self.first.get(&key) {
            return Err(first);
        }
        if self.rest.insert(key) {
            Ok(())
        } else {
            Err(0)
        }
    }
}

/// The 64-bit key of an id (see the module docs).
pub(crate) fn id_key(id: &str) -> u64 {
    let b = id.as_bytes();
    if !b.is_empty() && b.len() <= SHORT_MAX {
        let mut v = 0u64;
        let mut short = true;
        for &c in b {
            let d = DIGIT[usize::from(c)];
            if d == 0 {
                short = false;
                break;
            }
            // At most 10 digits below 67: v < 67¹⁰ < 2⁶², no overflow.
            v = v * 67 + u64::from(d);
        }
        if short {
            return v;
        }
    }
    if b.len() <= 18 && b.first().is_some_and(|&c| c != b'0') && b.iter().all(u8::is_ascii_digit) {
        // At most 18 digits: below 10¹⁸ < 2⁶², so the tag bit is free.
        let v = b.iter().fold(0u64, |v, &c| v * 10 + u64::from(c - b'0'));
        return NUMERIC_TAG | v;
    }
    HASH_TAG | (hash_bytes(b) >> 1)
}

/// Base-67 digit (1–66) of each byte allowed in a short id, 0 for others.
const DIGIT: [u8; 256] = {
    let mut t = [0u8; 256];
    let alphabet = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_./";
    let mut i = 0;
    while i < alphabet.len() {
        t[alphabet[i] as usize] = i as u8 + 1;
        i += 1;
    }
    t
};

/// The high and low halves of a 128-bit product, folded together.
fn fold_mul(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    (p as u64) ^ ((p >> 64) as u64)
}

/// A fast fixed hash of a byte string: each 8-byte little-endian word is
/// mixed into the state by a folded multiply, the length seeds the state
/// (so zero padding of the last word is unambiguous), and a final round
/// spreads the last word's bits.
fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h = K0 ^ (bytes.len() as u64);
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let mut a = [0u8; 8];
        // chunks_exact yields exactly 8 bytes.
        a.copy_from_slice(w);
        h = fold_mul(h ^ u64::from_le_bytes(a), K1);
    }
    let tail = words.remainder();
    if !tail.is_empty() {
        let mut a = [0u8; 8];
        // The remainder of chunks_exact(8) is shorter than 8.
        a[..tail.len()].copy_from_slice(tail);
        h = fold_mul(h ^ u64::from_le_bytes(a), K1);
    }
    fold_mul(h ^ K1, K0)
}

/// Hash-table hasher for keys that are already `u64`: one folded multiply,
/// so that sequential keys (numeric ids) spread over both the bucket bits
/// and the tag bits the table uses.
#[derive(Clone, Copy, Default)]
pub(crate) struct MixState;

impl BuildHasher for MixState {
    type Hasher = MixHasher;
    fn build_hasher(&self) -> MixHasher {
        MixHasher(0)
    }
}

pub(crate) struct MixHasher(u64);

impl Hasher for MixHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0 = fold_mul(self.0 ^ hash_bytes(bytes), K0);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = fold_mul(self.0 ^ n, K0);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_ids_are_exact_and_below_the_tags() {
        // The largest short key: ten times the last digit.
        let max = id_key("//////////");
        assert_eq!(max, 67u64.pow(10) - 1);
        assert!(max < NUMERIC_TAG);
        let ids = [
            "0",
            "00",
            "000",
            "1",
            "10",
            "P1-0000001",
            "p1-0000001",
            "a.b/c_d",
        ];
        let keys: Vec<u64> = ids.iter().map(|i| id_key(i)).collect();
        for (i, a) in keys.iter().enumerate() {
            assert!(*a < NUMERIC_TAG, "{}", ids[i]);
            for b in &keys[i + 1..] {
                assert_ne!(a, b);
            }
        }
        // Short keys are base-67 numerals: 2 digits "10" = 2·67 + 1.
        assert_eq!(id_key("10"), 2 * 67 + 1);
    }

    #[test]
    fn long_numbers_are_exact_and_tagged() {
        assert_eq!(id_key("12345678901"), NUMERIC_TAG | 12_345_678_901);
        assert_eq!(
            id_key("999999999999999999"),
            NUMERIC_TAG | 999_999_999_999_999_999
        );
        // A leading zero or a 19th digit makes the id hashed, not numeric.
        assert!(id_key("01234567890") >= HASH_TAG);
        assert!(id_key("1234567890123456789") >= HASH_TAG);
        assert!(id_key("PACB090315MCSLSLA2") >= HASH_TAG);
        assert!(id_key("ñ") >= HASH_TAG);
    }

    #[test]
    fn hashed_ids_differ_by_length_and_content() {
        let a = id_key("ABCDEFGHIJKLMNOP");
        assert_ne!(a, id_key("ABCDEFGHIJKLMNOQ"));
        assert_ne!(id_key("ABCDEFGHIJK\0"), id_key("ABCDEFGHIJK"));
        assert_eq!(a, id_key("ABCDEFGHIJKLMNOP"));
        // 200 000 structured long ids: no two share a key.
        let mut seen = HashSet::new();
        for i in 0..200_000u32 {
            assert!(seen.insert(id_key(&format!("EXP-{i:012}"))));
        }
    }

    #[test]
    fn repeats_name_the_first_row() {
        let mut s = IdSet::default();
        assert_eq!(s.insert("7", 1), Ok(()));
        assert_eq!(s.insert("8", 2), Ok(()));
        assert_eq!(s.insert("7", 3), Err(1));
        assert_eq!(s.insert("07", 4), Ok(()));
        assert_eq!(s.insert("07", 5), Err(4));
    }
}
