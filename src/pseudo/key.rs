//! The master key, its public fingerprint and the key schedule.
//!
//! # Key schedule
//!
//! The master key `K` (32 bytes) is used as the key of exactly one function:
//! HKDF-SHA256-Expand (RFC 5869 §2.3, `PRK = K`; the Extract step is skipped
//! because `K` is already 32 uniformly random bytes, which RFC 5869 §3.3
//! allows). Every output is `T(1) = HMAC-SHA256(K, info ‖ 0x01)`, truncated
//! where noted, with `info` the context string of one [`Purpose`]:
//!
//! | purpose | context (`info`) | output |
//! |---|---|---|
//! | key fingerprint | `padron 2026-12 key fingerprint v1` | first 8 bytes, public |
//! | HMAC-SHA256 token key of rule `r` | `padron 2026-12 token hmac-sha256 v1 rule=r` | 32 bytes |
//! | root of the BLAKE3 family | `padron 2026-12 blake3 root v1` | 32 bytes, used only as BLAKE3 `derive_key` material |
//!
//! The BLAKE3 family derives its keys with BLAKE3 `derive_key(context, R)`
//! where `R` is the BLAKE3 root above:
//!
//! | purpose | context |
//! |---|---|
//! | keyed-BLAKE3 token key of rule `r` | `padron 2026-12 token blake3 v1 rule=r` |
//! | Bloom bit positions, record filter, field group `g` | `padron 2026-12 bloom positions v1 filter=record group=g` |
//! | Bloom bit positions, per-field filter, field group `g` | `padron 2026-12 bloom positions v1 filter=field group=g` |
//! | Bloom keyed permutation (record filter) | `padron 2026-12 bloom permutation v1 filter=record` |
//! | Bloom keyed permutation (per-field filter of group `g`) | `padron 2026-12 bloom permutation v1 filter=field group=g` |
//! | Bloom BLIP noise (record filter) | `padron 2026-12 bloom blip v1 filter=record` |
//! | Bloom BLIP noise (per-field filter of group `g`) | `padron 2026-12 bloom blip v1 filter=field group=g` |
//!
//! Why two families: the default token algorithm (HMAC-SHA256) must be
//! reproducible by any agency with only a standard library (Python's `hmac`
//! and `hashlib` have no BLAKE3), so its subkeys come from HKDF-SHA256. The
//! BLAKE3 uses (keyed-BLAKE3 tokens, Bloom encodings) use BLAKE3 `derive_key`
//! as the spec asks, from their own root, so the master key still feeds only
//! one KDF, and no derived key serves two purposes.
//!
//! Names `r` and `g` are 1–64 characters of `a-z0-9_` (checked), fixed by the
//! rule set or schema, never per-record data; so each context string is a
//! constant of the deployment and distinct purposes never share a context.

use hmac::{
    digest::{generic_array::GenericArray, KeyInit},
    Hmac, Mac,
};
use sha2::Sha256;
use std::fmt;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, Zeroizing};

use super::{hex_lower, parse_hex_into, valid_name, Error};

/// Start of every context string: the application and the date the key
/// schedule was fixed. A new schedule changes this (and every output).
pub const CONTEXT_PREFIX: &str = "padron 2026-12";

pub(crate) type HmacSha256 = Hmac<Sha256>;

/// A 256-bit secret master key shared by the data holders.
///
/// Zeroized on drop, redacted in `Debug`, not `Clone`, not serializable.
/// Get one from [`Key::generate`] (OS CSPRNG) or load one with
/// [`Key::from_hex`] / [`super::keyfile::read_key`].
pub struct Key([u8; 32]);

impl Key {
    /// A fresh key from the operating system's CSPRNG.
    pub fn generate() -> Result<Key, Error> {
        let mut key = Key([0u8; 32]);
        getrandom::getrandom(&mut key.0).map_err(|_| Error::Rng)?;
        Ok(key)
    }

    /// A key from raw bytes (tests, test vectors, or a key held elsewhere).
    pub fn from_bytes(bytes: [u8; 32]) -> Key {
        Key(bytes)
    }

    /// Parses the hex form (64 hex digits, either case; surrounding blanks
    /// and a trailing newline are ignored). Errors give a length or an
    /// offset, never the text.
    pub fn from_hex(text: &str) -> Result<Key, Error> {
        let t = text.trim();
        // Parse straight into the key so no unzeroized copy stays behind.
        let mut key = Key([0u8; 32]);
        match parse_hex_into(t, &mut key.0) {
            Ok(()) => Ok(key),
            Err(pos) => Err(match pos {
                Some(position) => Error::KeyHex { position },
                None => Error::KeyLength {
                    found: t.chars().count(),
                },
            }),
        }
    }

    /// The lower-case hex form, in a buffer that is zeroized when dropped.
    pub fn to_hex_zeroizing(&self) -> Zeroizing<String> {
        Zeroizing::new(hex_lower(&self.0))
    }

    /// The public fingerprint: first 8 bytes of
    /// HKDF-SHA256-Expand(K, `padron 2026-12 key fingerprint v1`). Safe to
    /// publish; two files can be compared only if their fingerprints agree.
    pub fn fingerprint(&self) -> Fingerprint {
        let okm = hkdf_expand32(&self.0, Purpose::Fingerprint.context().as_bytes());
        let mut fp = [0u8; 8];
        fp.copy_from_slice(&okm[..8]);
        Fingerprint(fp)
    }

    /// The subkey for one purpose (see the module docs for the table).
    /// Fails only if a rule or group name is not a valid name.
    pub fn derive(&self, purpose: &Purpose<'_>) -> Result<Subkey, Error> {
        let context = purpose.checked_context()?;
        match purpose.family() {
            Family::Hkdf => Ok(Subkey(*hkdf_expand32(&self.0, context.as_bytes()))),
            Family::Blake3 => {
                let root = hkdf_expand32(&self.0, Purpose::Blake3Root.context().as_bytes());
                Ok(Subkey(blake3::derive_key(&context, &root[..])))
            }
        }
    }
}

impl Drop for Key {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Key(<redacted>)")
    }
}

/// HKDF-SHA256-Expand with L = 32: `HMAC-SHA256(prk, info ‖ 0x01)`.
fn hkdf_expand32(prk: &[u8; 32], info: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut mac = hmac_from_key(prk);
    mac.update(info);
    mac.update(&[1u8]);
    let mut out = Zeroizing::new([0u8; 32]);
    out.copy_from_slice(&mac.finalize().into_bytes());
    out
}

/// HMAC-SHA256 keyed with a 32-byte key. An HMAC key shorter than the
/// 64-byte SHA-256 block is zero-padded to the block (RFC 2104 §2), so
/// padding it here ourselves is the same function and cannot fail.
pub(crate) fn hmac_from_key(key: &[u8; 32]) -> HmacSha256 {
    let mut block = Zeroizing::new([0u8; 64]);
    block[..32].copy_from_slice(key);
    let arr: &GenericArray<u8, _> = GenericArray::from_slice(&block[..]);
    <HmacSha256 as KeyInit>::new(arr)
}

/// A 32-byte key derived for one purpose. Zeroized on drop, redacted.
pub struct Subkey([u8; 32]);

impl Subkey {
    /// The key bytes, for the keyed functions inside this crate.
    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl Drop for Subkey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for Subkey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Subkey(<redacted>)")
    }
}

/// Which filter a Bloom subkey is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FilterId<'a> {
    /// The record-level filter (CLK).
    Record,
    /// The per-field filters of one field group (fields in one group, e.g.
    /// both surnames, share keys so they can be compared crosswise).
    Field {
        /// The group name.
        group: &'a str,
    },
}

/// One use of a key. Each variant has its own context string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Purpose<'a> {
    /// The public key fingerprint.
    Fingerprint,
    /// Root of the BLAKE3 family (only ever BLAKE3 `derive_key` material).
    Blake3Root,
    /// HMAC-SHA256 key of one token rule.
    TokenHmacSha256 {
        /// The rule's name.
        rule: &'a str,
    },
    /// Keyed-BLAKE3 key of one token rule.
    TokenBlake3 {
        /// The rule's name.
        rule: &'a str,
    },
    /// Keyed-BLAKE3 XOF key giving the bit positions of one field group's
    /// q-grams in the record filter.
    BloomRecordPositions {
        /// The field group.
        group: &'a str,
    },
    /// Keyed-BLAKE3 XOF key giving the bit positions of one field group's
    /// q-grams in its per-field filters.
    BloomFieldPositions {
        /// The field group.
        group: &'a str,
    },
    /// Key of the keyed permutation of a Bloom filter's bits.
    BloomPermutation {
        /// Which filter.
        filter: FilterId<'a>,
    },
    /// Key of the BLIP randomized-response noise of a Bloom filter.
    BloomBlip {
        /// Which filter.
        filter: FilterId<'a>,
    },
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Family {
    Hkdf,
    Blake3,
}

impl Purpose<'_> {
    /// The context string (see the module docs). Names are not checked
    /// here; [`Key::derive`] checks them.
    pub fn context(&self) -> String {
        let p = CONTEXT_PREFIX;
        let filter = |f: &FilterId<'_>| match f {
            FilterId::Record => "filter=record".to_string(),
            FilterId::Field { group } => format!("filter=field group={group}"),
        };
        match self {
            Purpose::Fingerprint => format!("{p} key fingerprint v1"),
            Purpose::Blake3Root => format!("{p} blake3 root v1"),
            Purpose::TokenHmacSha256 { rule } => format!("{p} token hmac-sha256 v1 rule={rule}"),
            Purpose::TokenBlake3 { rule } => format!("{p} token blake3 v1 rule={rule}"),
            Purpose::BloomRecordPositions { group } => {
                format!("{p} bloom positions v1 filter=record group={group}")
            }
            Purpose::BloomFieldPositions { group } => {
                format!("{p} bloom positions v1 filter=field group={group}")
            }
            Purpose::BloomPermutation { filter: f } => {
                format!("{p} bloom permutation v1 {}", filter(f))
            }
            Purpose::BloomBlip { filter: f } => format!("{p} bloom blip v1 {}", filter(f)),
        }
    }

    fn family(&self) -> Family {
        match self {
            Purpose::Fingerprint | Purpose::Blake3Root | Purpose::TokenHmacSha256 { .. } => {
                Family::Hkdf
            }
            _ => Family::Blake3,
        }
    }

    fn checked_context(&self) -> Result<String, Error> {
        let check = |name: &str, what: &'static str| {
            if valid_name(name) {
                Ok(())
            } else {
                Err(Error::BadName { what })
            }
        };
        match self {
            Purpose::TokenHmacSha256 { rule } | Purpose::TokenBlake3 { rule } => {
                check(rule, "rule")?
            }
            Purpose::BloomRecordPositions { group } | Purpose::BloomFieldPositions { group } => {
                check(group, "group")?
            }
            Purpose::BloomPermutation { filter } | Purpose::BloomBlip { filter } => {
                if let FilterId::Field { group } = filter {
                    check(group, "group")?
                }
            }
            Purpose::Fingerprint | Purpose::Blake3Root => {}
        }
        Ok(self.context())
    }
}

/// The public fingerprint of a [`Key`]: 8 bytes, shown as 16 hex digits.
/// Compared in constant time.
#[derive(Clone, Copy)]
pub struct Fingerprint([u8; 8]);

impl Fingerprint {
    /// Parses 16 hex digits.
    pub fn from_hex(text: &str) -> Result<Fingerprint, Error> {
        let mut b = [0u8; 8];
        parse_hex_into(text.trim(), &mut b).map_err(|_| Error::BadHex {
            what: "fingerprint",
        })?;
        Ok(Fingerprint(b))
    }

    /// The 8 bytes.
    pub fn as_bytes(&self) -> &[u8; 8] {
        &self.0
    }
}

impl ConstantTimeEq for Fingerprint {
    fn ct_eq(&self, other: &Self) -> subtle::Choice {
        self.0.ct_eq(&other.0)
    }
}

impl PartialEq for Fingerprint {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other).into()
    }
}

impl Eq for Fingerprint {}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex_lower(&self.0))
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> Key {
        let mut b = [0u8; 32];
        for (i, x) in b.iter_mut().enumerate() {
            *x = i as u8;
        }
        Key::from_bytes(b)
    }

    #[test]
    fn hex_round_trip_and_errors() {
        let k = key();
        let hex = k.to_hex_zeroizing();
        assert_eq!(
            hex.as_str(),
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
        );
        let back = Key::from_hex(&format!("  {}\n", hex.to_uppercase())).unwrap();
        assert_eq!(back.0, k.0);
        assert!(matches!(
            Key::from_hex(&hex[..62]),
            Err(Error::KeyLength { found: 62 })
        ));
        let mut bad = hex.to_string();
        bad.replace_range(10..11, "g");
        assert!(matches!(
            Key::from_hex(&bad),
            Err(Error::KeyHex { position: 10 })
        ));
    }

    #[test]
    fn debug_is_redacted() {
        let k = key();
        let d = format!("{k:?} {:?}", k.derive(&Purpose::Blake3Root).unwrap());
        assert!(!d.contains("0001020304"), "{d}");
        assert_eq!(d, "Key(<redacted>) Subkey(<redacted>)");
    }

    #[test]
    fn generate_gives_distinct_keys() {
        let a = Key::generate().unwrap();
        let b = Key::generate().unwrap();
        assert_ne!(a.0, b.0);
        assert_ne!(a.0, [0u8; 32]);
    }

    #[test]
    fn hkdf_matches_rfc5869_style_computation() {
        // T(1) = HMAC(PRK, info || 0x01), checked against an independent
        // HMAC computation with new_from_slice.
        let k = key();
        let ctx = Purpose::Fingerprint.context();
        let mut m = <HmacSha256 as KeyInit>::new_from_slice(&k.0).unwrap();
        m.update(ctx.as_bytes());
        m.update(&[1]);
        let full = m.finalize().into_bytes();
        assert_eq!(k.fingerprint().as_bytes(), &full[..8]);
    }

    #[test]
    fn rfc5869_test_case_1_expand() {
        // RFC 5869 A.1: PRK and info given, OKM's first 32 bytes.
        let prk = parse32("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
        let info: Vec<u8> = (0xf0..=0xf9).collect();
        let okm = hkdf_expand32(&prk, &info);
        assert_eq!(
            hex_lower(&okm[..]),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
        );
    }

    fn parse32(h: &str) -> [u8; 32] {
        let mut b = [0u8; 32];
        parse_hex_into(h, &mut b).unwrap();
        b
    }

    #[test]
    fn contexts_are_distinct_and_subkeys_differ() {
        let k = key();
        let purposes = [
            Purpose::Blake3Root,
            Purpose::TokenHmacSha256 { rule: "curp" },
            Purpose::TokenHmacSha256 { rule: "curp_root" },
            Purpose::TokenBlake3 { rule: "curp" },
            Purpose::BloomRecordPositions { group: "surname" },
            Purpose::BloomFieldPositions { group: "surname" },
            Purpose::BloomRecordPositions { group: "given" },
            Purpose::BloomPermutation {
                filter: FilterId::Record,
            },
            Purpose::BloomPermutation {
                filter: FilterId::Field { group: "surname" },
            },
            Purpose::BloomBlip {
                filter: FilterId::Record,
            },
            Purpose::BloomBlip {
                filter: FilterId::Field { group: "surname" },
            },
        ];
        let mut contexts: Vec<String> = purposes.iter().map(|p| p.context()).collect();
        contexts.push(Purpose::Fingerprint.context());
        let mut sorted = contexts.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), contexts.len());
        let mut keys: Vec<[u8; 32]> = purposes.iter().map(|p| k.derive(p).unwrap().0).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), purposes.len());
    }

    #[test]
    fn bad_names_are_refused() {
        let k = key();
        for bad in ["", "Curp", "a b", "x=y", &"a".repeat(65)] {
            assert!(matches!(
                k.derive(&Purpose::TokenHmacSha256 { rule: bad }),
                Err(Error::BadName { what: "rule" })
            ));
        }
        assert!(k
            .derive(&Purpose::BloomFieldPositions { group: "g h" })
            .is_err());
    }

    #[test]
    fn fingerprint_hex_and_ct_eq() {
        let fp = key().fingerprint();
        let s = fp.to_string();
        assert_eq!(s.len(), 16);
        assert_eq!(Fingerprint::from_hex(&s).unwrap(), fp);
        let other = Key::from_bytes([9; 32]).fingerprint();
        assert!(fp != other);
        assert!(Fingerprint::from_hex("zz").is_err());
    }
}
