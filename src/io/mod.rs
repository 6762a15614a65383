//! Reading padrón CSV files: encodings, separators, column mapping and
//! reject lists (padron-schema.md).
//!
//! The reader streams: it holds one row at a time (plus 8 bytes per
//! `record_id` to catch repeats), so a 10 M-row file is never loaded whole.
//! No row is lost: each one is yielded as an [`Item::Row`] or as an
//! [`Item::Rejected`] with its row number, line and reason. Errors and
//! rejects name rows and columns, never a cell's value (personal data).

mod columns;
mod dates;
mod reader;

pub use columns::{Column, COLUMN_COUNT};
pub use dates::{DateFormat, DatePattern, PatternError};
pub use reader::{
    Error, FieldIssue, FieldIssueKind, Item, PadronReader, ReadOptions, Reject, RejectReason, Row,
    Stats,
};
