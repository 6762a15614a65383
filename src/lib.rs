//! # padron
//!
//! Privacy-preserving record linkage of Mexican social-program beneficiary
//! registries (*padrones*).
//!
//! Module map (dependencies point one way, from top to bottom of this list
//! only towards modules listed above them):
//!
//! - [`curp`]: parse and validate CURPs reporting every broken rule
//!   ([`curp::Curp::parse`]), triage registry cells ([`curp::classify`]:
//!   valid / placeholder / invalid / missing), derive the root and probable
//!   CURP from a person's data ([`curp::derive_root`]) and compare a CURP
//!   with a registry row segment by segment ([`curp::consistency`]).
//! - [`date`]: calendar dates (birth dates) without a clock.
//! - [`name`]: Mexican name normalization (raw / ortho / match layers,
//!   mojibake repair, particles, abbreviations) and field parsing.
//! - [`phonetic`]: the MXF-1 Spanish phonetic key and its coarse blocking
//!   key, on `match` tokens.
//! - [`similarity`]: string metrics (rapidfuzz) and the categorical
//!   comparison levels for given names, surnames and birth dates, with the
//!   shipped nickname table; depends on `name`, `phonetic` and `date`.
//! - [`pseudo`]: secret keys, per-purpose subkeys, keyed tokens
//!   (HMAC-SHA256, keyed BLAKE3) and the token-rule engine.
//! - [`bloom`]: keyed q-gram Bloom-filter encodings, hardening, Dice.
//! - [`encodings`]: the encodings file (header, records, checksum), its
//!   streaming reader/writer, the columnar in-memory form, CSV export.
//! - [`encode`]: the agency side: a padrón record becomes keyed tokens and
//!   Bloom filters, with every holder normalizing alike.
//! - [`link`]: blocking, Fellegi–Sunter scoring fitted by EM, thresholds,
//!   one-to-one assignment and clustering over encoded records.
//! - [`io`]: reading padrón CSV files (encodings, separators, column mapping,
//!   reject lists). The only module that knows about bytes on the wire.
//! - [`rng`]: a portable seeded generator (xoshiro256\*\* seeded by
//!   SplitMix64) for reproducible synthetic data and sampling.
//! - [`synth`]: synthetic padrones with ground truth and recorded corruptions;
//!   -> curp, name, rng.
//! - [`eval`]: accuracy of linkage and deduplication against ground truth
//!   (pairs, clusters, blocking, recall per corruption).
//!
//! Library modules never print, exit, read the environment or the clock:
//! callers pass readers, dates and seeded RNGs, and receive values.
// `deny`, not `forbid`: `bloom::simd` alone allows `unsafe` (runtime-detected
// AVX-512 popcount kernels; see that module).
#![deny(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations)]
#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used))]

pub mod bloom;
pub mod curp;
pub mod date;
pub mod encode;
pub mod encodings;
pub mod eval;
pub mod io;
pub mod link;
pub mod name;
pub mod phonetic;
pub mod pseudo;
pub mod rng;
pub mod similarity;
pub mod synth;

/// The README's examples run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
