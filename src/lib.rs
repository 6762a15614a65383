//! # padron
//!
//! Privacy-preserving record linkage of Mexican social-program beneficiary
//! registries (*padrones*).
//!
//! Module map (dependencies point one way, from top to bottom of this list
//! only towards modules listed above them):
//!
//! - [`curp`]: parse, validate and derive CURPs (RENAPO rules).
//! - [`date`]: calendar dates (birth dates) without a clock.
//! - [`link`]: blocking, Fellegi–Sunter scoring fitted by EM, thresholds,
//!   one-to-one assignment and clustering over encoded records.
//! - [`io`]: reading padrón CSV files (encodings, separators, column mapping,
//!   reject lists). The only module that knows about bytes on the wire.
//!
//! Library modules never print, exit, read the environment or the clock:
//! callers pass readers, dates and seeded RNGs, and receive values.
#![forbid(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations)]
#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used))]

pub mod curp;
pub mod date;
pub mod io;
pub mod link;
