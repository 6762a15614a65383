//! Keyed q-gram Bloom-filter encodings and Dice similarity.
//!
//! Schnell-style encodings (spec `pseudonymization.md` §3): each field's
//! normalized value is split into q-grams, each q-gram sets bits at
//! positions given by a keyed PRF (never double hashing), per-field filters
//! and a record-level filter (CLK) are built, then hardened.

mod bits;

pub use bits::{and_count, dice, dice_with_counts, popcount, BitVector};
