//! The `link` module's error type.

use std::fmt;

/// Why linkage could not run. Messages name rows, rules and fields, never
/// token or filter contents.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum LinkError {
    /// Inputs to be linked together have different schemas (token rules or
    /// Bloom fields).
    SchemaMismatch {
        /// Index of the input that differs from the first one.
        input: usize,
    },
    /// Inputs were encoded under different keys (fingerprints differ).
    KeyMismatch {
        /// Index of the input whose fingerprint differs from the first.
        input: usize,
    },
    /// More records in total than the engine's `u32` indices can address.
    TooManyRecords {
        /// Total number of records across inputs.
        records: usize,
    },
    /// A record pushed into a [`super::MemInput`] has the wrong shape.
    InputShape {
        /// 0-based row of the offending record.
        row: usize,
        /// What was wrong.
        what: &'static str,
    },
    /// A comparison names a token rule or field the schema does not have.
    UnknownName {
        /// Comparison name.
        comparison: String,
        /// The unknown rule or field name.
        name: String,
    },
    /// The configuration is invalid.
    Config(&'static str),
    /// No input was given.
    NoInput,
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::SchemaMismatch { input } => write!(
                f,
                "input {input} has different token rules or Bloom fields than input 0"
            ),
            LinkError::KeyMismatch { input } => write!(
                f,
                "input {input} was encoded under a different key than input 0 (key fingerprints differ)"
            ),
            LinkError::TooManyRecords { records } => write!(
                f,
                "{records} records in total exceed the engine's limit of {}",
                u32::MAX
            ),
            LinkError::InputShape { row, what } => {
                write!(f, "record {row}: wrong {what}")
            }
            LinkError::UnknownName { comparison, name } => write!(
                f,
                "comparison {comparison:?} refers to unknown rule or field {name:?}"
            ),
            LinkError::Config(msg) => write!(f, "invalid link configuration: {msg}"),
            LinkError::NoInput => write!(f, "no input to link"),
        }
    }
}

impl std::error::Error for LinkError {}
