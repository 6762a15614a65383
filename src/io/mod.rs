//! Reading padrón CSV files: encodings, separators, column mapping and
//! reject lists (padron-schema.md).
//!
//! The reader streams: it holds one row at a time (plus 8 bytes per
//! `record_id` to catch repeats, 16 for the first million ids, which also
//! keep their row number), so a 10 M-row file is never loaded whole. Ids of
//! up to 10 characters from `0-9 A-Z a-z - _ . /` and plain numbers of up to
//! 18 digits are compared exactly; longer ids by a 63-bit hash, where a
//! false repeat has odds of about n²/2⁶⁴ per file (5 × 10⁻⁶ at 10 M rows)
//! and still shows up as a reject naming the earlier row, never as a lost
//! row.
//!
//! Cost: all text of a row lives in one buffer; [`PadronReader::recycle`]
//! lets the next row reuse it, so a read loop that hands rows back
//! allocates nothing per row in the steady state.
//! No row is lost: each one is yielded as an [`Item::Row`] or as an
//! [`Item::Rejected`] with its row number, line and reason. Errors and
//! rejects name rows and columns, never a cell's value (personal data).

mod columns;
mod dates;
mod ids;
mod reader;

pub use columns::{Column, COLUMN_COUNT};
pub use dates::{DateFormat, DatePattern, PatternError};
pub use reader::{
    Error, FieldIssue, FieldIssueKind, Item, PadronReader, ReadOptions, Reject, RejectReason, Row,
    Stats,
};
