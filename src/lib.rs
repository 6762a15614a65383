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
