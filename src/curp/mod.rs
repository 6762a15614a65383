//! CURP (Clave Única de Registro de Población): parse, validate, derive.
//!
//! Rules follow RENAPO's instructivos as summarised in the project's
//! `spec/curp.md`; section numbers (§) in comments refer to that document.
//!
//! * [`Curp::parse`]: strict validation of exactly 18 characters, reporting
//!   **every** failing [`Rule`] with its positions (§7.2–§7.9).
//! * [`normalize_input`] and [`classify`]: lenient triage of a registry
//!   cell into [`Status::Valid`], [`Status::Placeholder`] (§8.4),
//!   [`Status::Invalid`] or [`Status::Missing`].
//! * [`derive_root`], [`derive_probable`] (or [`probable_from_root`]),
//!   [`with_differentiator`]: the root (positions 1–16) and probable CURP
//!   from a person's data (§4–§6).
//! * [`consistency`]: per-segment comparison with a registry row (§7.10).
//!
//! ```
//! use padron::curp::{classify, Curp, ParseOptions, Rule, Status};
//! use padron::date::Date;
//!
//! let opts = ParseOptions::default().today(Date::new(2025, 1, 1).unwrap());
//! let c = Curp::parse("SABC560626MDFLRN01", &opts).unwrap();
//! assert_eq!(c.birth_date(), Date::new(1956, 6, 26).unwrap());
//!
//! let err = Curp::parse("SABC560626MDFLRN09", &opts).unwrap_err();
//! assert_eq!(err.rules(), vec![Rule::CheckDigit]);
//! assert_eq!(err.to_string(), "invalid CURP: check_digit at 18");
//!
//! assert!(matches!(classify(" sin curp ", &opts), Status::Missing));
//! ```
//!
//! # Untrusted input
//!
//! Every function here is total on arbitrary text: no panics, work linear
//! in the input (property-tested). Registry cells are personal data and
//! untrusted.
//!
//! # Performance
//!
//! Validating a valid CURP is allocation-free: positions 1–16 are checked
//! and weighted eight bytes at a time, the rest by small tables; errors are
//! only built on failure. See `benches/curp.rs`.
//!
//! Values that identify people ([`Curp`], [`Root`], [`PersonData`],
//! [`RecordFields`], [`NormalizedInput`]) have redacted `Debug`; errors name
//! rules and positions, never the input.

mod classify;
mod consistency;
mod derive;
mod normalize;
mod parse;
mod place;
mod words;

pub use classify::{
    classify, classify_with, is_missing_marker, DenyList, PatternError, Placeholder, Status,
};
pub(crate) use consistency::NULL_NAMES;
pub use consistency::{consistency, Consistency, RecordFields, Segment};
pub use derive::{
    derive_probable, derive_root, derive_root_with, probable_from_root, with_differentiator,
    DeriveOptions, PersonData, Root,
};
pub use normalize::{normalize_input, InputChange, NormalizedInput};
pub use parse::{check_digit, Curp, ParseError, ParseOptions, Rule, Violation};
pub use place::{Sex, State};
pub use words::{INCONVENIENT_WORDS, PARTICLES, SKIPPED_GIVEN_NAMES};
