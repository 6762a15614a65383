//! Keyed q-gram Bloom-filter encodings and Dice similarity.
//!
//! Schnell-style encodings (spec `pseudonymization.md` §3):
//!
//! 1. each field's value is normalized (trivially: trim, upper-case; names
//!    arrive in the `name` module's `match` form) and split into distinct
//!    q-grams ([`qgrams`]; bigrams padded with one blank by default);
//! 2. each q-gram sets `k` bit positions, read from the keyed-BLAKE3 XOF of
//!    `(salt, q-gram)` under the field *group*'s subkey and reduced to the
//!    filter length by rejection sampling (never double hashing); `k` is
//!    the field's bit budget spread over its q-grams, so long and short
//!    values weigh the same;
//! 3. the record filter (CLK) collects every field with a budget; fields
//!    may also get a per-field filter;
//! 4. each filter is hardened ([`Hardening`]: XOR-fold, balance, keyed
//!    permutation, BLIP; salting acts in step 2).
//!
//! Fields of one group (the two surnames; given names) share their keys so
//! a linker can compare a paternal surname with a maternal one.
//! The [`Schema`] (TOML) says all of this per column; [`Schema::padron`] is
//! the default and [`Schema::febrl`] serves FEBRL-style files.
//!
//! ```
//! use padron::bloom::{dice, Encoder, Schema};
//! use padron::pseudo::Key;
//!
//! let key = Key::from_hex(&"0f".repeat(32))?;
//! let enc = Encoder::new(&key, Schema::padron())?;
//! let a = ["MARIA", "HERNANDEZ", "GARCIA", "1985-03-12", "M", "DF"].map(Some);
//! let b = ["MARIA", "HERNANDES", "GARCIA", "12/03/1985", "M", "DF"].map(Some);
//! let (fa, _) = enc.encode(&a)?;
//! let (fb, _) = enc.encode(&b)?;
//! let r = enc.layout().record;
//! let record = |f: &[u64]| f[r.offset..r.offset + r.words].to_vec();
//! assert!(dice(&record(&fa), &record(&fb)) > 0.8);
//! # Ok::<(), padron::bloom::BloomError>(())
//! ```

mod b3;
mod bits;
mod encoder;
mod harden;
mod prf;
mod qgram;
mod schema;
mod simd;

use std::fmt;

pub use bits::{
    and_count, dice, dice_at_least, dice_kernel, dice_with_counts, popcount, BitVector,
    DiceThreshold,
};
pub use encoder::{
    normalize_value, EncodeCache, EncodeReport, Encoder, FieldSlot, FilterLayout, Slot,
};
pub use harden::{balance, xor_fold};
pub use qgram::qgrams;
pub use schema::{
    FieldFilterSpec, FieldKind, FieldSpec, Hardening, RecordSpec, Salt, SaltPart, Schema,
    FEBRL_SCHEMA_TOML, MAX_BITS, PADRON_SCHEMA_TOML,
};

/// What went wrong in `bloom`. Never contains a field value.
#[derive(Debug)]
#[non_exhaustive]
pub enum BloomError {
    /// The schema is not valid TOML for a schema.
    SchemaSyntax {
        /// The TOML parser's message.
        message: String,
    },
    /// The schema breaks a rule.
    InvalidSchema {
        /// The column concerned, if one.
        field: Option<String>,
        /// Which rule.
        reason: String,
    },
    /// Deriving a subkey failed.
    Key(crate::pseudo::Error),
    /// A row had the wrong number of values for the schema.
    RowLength {
        /// Fields in the schema.
        expected: usize,
        /// Values given.
        found: usize,
    },
    /// The output buffer had the wrong number of words.
    OutLength {
        /// Words per record in the layout.
        expected: usize,
        /// Words given.
        found: usize,
    },
}

impl fmt::Display for BloomError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BloomError::SchemaSyntax { message } => write!(f, "bloom schema: {message}"),
            BloomError::InvalidSchema {
                field: Some(c),
                reason,
            } => write!(f, "bloom schema, column {c:?}: {reason}"),
            BloomError::InvalidSchema {
                field: None,
                reason,
            } => write!(f, "bloom schema: {reason}"),
            BloomError::Key(e) => write!(f, "bloom keys: {e}"),
            BloomError::RowLength { expected, found } => {
                write!(
                    f,
                    "row has {found} values; the schema has {expected} fields"
                )
            }
            BloomError::OutLength { expected, found } => {
                write!(f, "output has {found} words; a record needs {expected}")
            }
        }
    }
}

impl std::error::Error for BloomError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BloomError::Key(e) => Some(e),
            _ => None,
        }
    }
}

impl From<crate::pseudo::Error> for BloomError {
    fn from(e: crate::pseudo::Error) -> Self {
        BloomError::Key(e)
    }
}
