//! The encodings file: what an agency sends to the linkage unit.
//!
//! Layout (all integers little-endian; `docs/encodings.md` is the
//! language-neutral description):
//!
//! ```text
//! magic        8 bytes   "PADRONEN"
//! version      u16       1
//! reserved     u16       0
//! header_len   u32       byte length of the JSON header (≤ 16 MiB)
//! header       JSON      format, version, tool, algorithm, key fingerprint,
//!                        token rule signatures, Bloom schema, filter layout,
//!                        record count (or null); never plaintext
//! records      repeated:
//!   tag        u8        0x52 'R'
//!   id_len     u16       byte length of record_id (1..=65535)
//!   record_id  UTF-8
//!   presence   ceil(R/8) bytes, bit r (LSB first) = token r present
//!   tokens     R × 16 bytes (zeros when absent)
//!   filters    W × u64   the record's filter words (layout in the header)
//! trailer:
//!   tag        u8        0x45 'E'
//!   count      u64       number of records
//!   checksum   32 bytes  BLAKE3 of every byte before it
//! ```
//!
//! `R` (token rules) and `W` (words per record) come from the header, so
//! the part of a record after its id has a fixed size. The checksum is
//! unkeyed: it detects truncation and corruption, not deliberate tampering
//! (the linkage unit has no key to verify a MAC with).
//!
//! [`Writer`] and [`Reader`] stream; [`EncodedPadron`] is the columnar
//! in-memory form a linker uses; [`export_csv`] writes hex tokens and
//! base64 filters for systems in other languages.

pub mod base64;
mod csv_export;
mod padron;
mod stats;

use serde::{Deserialize, Serialize};
use std::fmt;
use std::io::{self, Read, Write};

use crate::bloom::{Encoder, FieldSlot, FilterLayout, Schema, Slot};
use crate::pseudo::{Algorithm, Fingerprint, Key, Token, TokenRule, Tokenizer};

pub use csv_export::export_csv;
pub use padron::EncodedPadron;
pub use stats::{file_stats, FileStats, FilterStats};

/// The file's magic bytes.
pub const MAGIC: &[u8; 8] = b"PADRONEN";
/// The binary layout version this code writes and reads.
pub const VERSION: u16 = 1;
/// Format name in the JSON header.
pub const FORMAT: &str = "padron-encodings";
/// Largest JSON header accepted.
pub const MAX_HEADER: u32 = 16 << 20;
/// Most token rules a header may list.
pub const MAX_RULES: usize = 1024;
/// Most filter words per record a header may describe (1 MiB of filters).
pub const MAX_WORDS: usize = 1 << 17;

const TAG_RECORD: u8 = b'R';
const TAG_END: u8 = b'E';

/// What went wrong reading or writing an encodings file. Messages name
/// record numbers (0-based, in file order), never ids or contents.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The underlying reader or writer failed.
    Io(io::Error),
    /// Not an encodings file (wrong magic bytes).
    BadMagic,
    /// A layout version this build cannot read.
    UnsupportedVersion(u16),
    /// The header is malformed or inconsistent.
    Header(String),
    /// The file ends early: truncated.
    Truncated {
        /// Complete records read before the end.
        records: u64,
    },
    /// A record is malformed.
    Corrupt {
        /// Record number.
        record: u64,
        /// What is wrong.
        reason: &'static str,
    },
    /// The checksum does not match: the file was altered or damaged.
    Checksum,
    /// Header and trailer disagree on the record count, or the trailer
    /// count is not the number of records read.
    CountMismatch {
        /// Count expected.
        expected: u64,
        /// Count found.
        found: u64,
    },
    /// Bytes follow the trailer.
    TrailingData,
    /// A record given to the writer does not fit the header.
    Shape {
        /// Record number.
        record: u64,
        /// What is wrong.
        reason: &'static str,
    },
    /// Two files (or a file and a key) were made under different keys.
    FingerprintMismatch,
    /// Two files use different algorithms, rules or schemas.
    Incompatible(&'static str),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io(e) => write!(f, "encodings file I/O: {e}"),
            Error::BadMagic => write!(f, "not a padron encodings file (bad magic bytes)"),
            Error::UnsupportedVersion(v) => {
                write!(f, "encodings file layout version {v} is not supported (this build reads {VERSION})")
            }
            Error::Header(why) => write!(f, "encodings file header: {why}"),
            Error::Truncated { records } => write!(
                f,
                "encodings file is truncated: it ends after {records} complete records, before its checksum"
            ),
            Error::Corrupt { record, reason } => {
                write!(f, "encodings file is corrupt at record {record}: {reason}")
            }
            Error::Checksum => write!(
                f,
                "encodings file checksum mismatch: the file was altered or damaged"
            ),
            Error::CountMismatch { expected, found } => write!(
                f,
                "encodings file record count mismatch: expected {expected}, found {found}"
            ),
            Error::TrailingData => write!(f, "encodings file has data after its checksum"),
            Error::Shape { record, reason } => write!(f, "record {record}: {reason}"),
            Error::FingerprintMismatch => write!(
                f,
                "key fingerprints differ: these encodings were made with different keys and cannot be compared"
            ),
            Error::Incompatible(what) => write!(f, "encodings are not comparable: different {what}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error::Io(e)
    }
}

/// The self-describing header of an encodings file.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    tool: String,
    algorithm: Algorithm,
    fingerprint: Fingerprint,
    rules: Vec<TokenRule>,
    schema: Schema,
    layout: FilterLayout,
    record_count: Option<u64>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    format: String,
    version: u16,
    tool: String,
    algorithm: String,
    key_fingerprint: String,
    token_rules: Vec<String>,
    bloom_schema: Schema,
    layout: RawLayout,
    record_count: Option<u64>,
}

#[derive(Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct RawLayout {
    words_per_record: usize,
    record: RawSlot,
    fields: Vec<RawField>,
}

#[derive(Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct RawSlot {
    offset: usize,
    words: usize,
}

#[derive(Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct RawField {
    column: String,
    group: String,
    offset: usize,
    words: usize,
}

impl RawLayout {
    fn of(l: &FilterLayout) -> RawLayout {
        let slot = |s: Slot| RawSlot {
            offset: s.offset,
            words: s.words,
        };
        RawLayout {
            words_per_record: l.words_per_record,
            record: slot(l.record),
            fields: l
                .fields
                .iter()
                .map(|f: &FieldSlot| RawField {
                    column: f.column.clone(),
                    group: f.group.clone(),
                    offset: f.slot.offset,
                    words: f.slot.words,
                })
                .collect(),
        }
    }
}

impl Header {
    /// The header for records made by `tokenizer` and `encoder` under
    /// `key` (only its public fingerprint is kept). `record_count` may be
    /// unknown when streaming; the trailer always has the true count.
    pub fn new(
        key: &Key,
        tokenizer: &Tokenizer,
        encoder: &Encoder,
        record_count: Option<u64>,
    ) -> Header {
        Header {
            tool: format!("padron {}", env!("CARGO_PKG_VERSION")),
            algorithm: tokenizer.algorithm(),
            fingerprint: key.fingerprint(),
            rules: tokenizer.rules().to_vec(),
            schema: encoder.schema().clone(),
            layout: encoder.layout().clone(),
            record_count,
        }
    }

    /// Token algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }
    /// Fingerprint of the key the file was made with.
    pub fn fingerprint(&self) -> Fingerprint {
        self.fingerprint
    }
    /// Token rules, in token order.
    pub fn rules(&self) -> &[TokenRule] {
        &self.rules
    }
    /// Bloom schema.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }
    /// Where each filter sits in a record's words.
    pub fn layout(&self) -> &FilterLayout {
        &self.layout
    }
    /// Record count announced in the header, if known when writing.
    pub fn record_count(&self) -> Option<u64> {
        self.record_count
    }
    /// Tool that wrote the file (`padron x.y.z`).
    pub fn tool(&self) -> &str {
        &self.tool
    }
    /// Index of the token rule named `name`.
    pub fn rule_index(&self, name: &str) -> Option<usize> {
        self.rules.iter().position(|r| r.name() == name)
    }
    /// Index of the schema field for `column`.
    pub fn field_index(&self, column: &str) -> Option<usize> {
        self.schema.field_index(column)
    }

    /// Refuses to compare with another file unless both were made with the
    /// same key (fingerprints compared in constant time), algorithm, rules
    /// and schema.
    pub fn check_comparable(&self, other: &Header) -> Result<(), Error> {
        if self.fingerprint != other.fingerprint {
            return Err(Error::FingerprintMismatch);
        }
        if self.algorithm != other.algorithm {
            return Err(Error::Incompatible("token algorithms"));
        }
        if self.rules != other.rules {
            return Err(Error::Incompatible("token rules"));
        }
        if self.schema != other.schema {
            return Err(Error::Incompatible("Bloom schemas"));
        }
        Ok(())
    }

    /// Checks that the file was made with `key`.
    pub fn check_key(&self, key: &Key) -> Result<(), Error> {
        if self.fingerprint == key.fingerprint() {
            Ok(())
        } else {
            Err(Error::FingerprintMismatch)
        }
    }

    fn to_json(&self) -> Vec<u8> {
        let raw = RawHeader {
            format: FORMAT.to_string(),
            version: VERSION,
            tool: self.tool.clone(),
            algorithm: self.algorithm.name().to_string(),
            key_fingerprint: self.fingerprint.to_string(),
            token_rules: self
                .rules
                .iter()
                .map(|r| r.signature().to_string())
                .collect(),
            bloom_schema: self.schema.clone(),
            layout: RawLayout::of(&self.layout),
            record_count: self.record_count,
        };
        // Plain data (strings, numbers, finite floats checked by the schema).
        serde_json::to_vec_pretty(&raw).unwrap_or_default()
    }

    fn from_json(bytes: &[u8]) -> Result<Header, Error> {
        let bad = |s: String| Error::Header(s);
        let raw: RawHeader =
            serde_json::from_slice(bytes).map_err(|e| bad(format!("not valid JSON ({e})")))?;
        if raw.format != FORMAT {
            return Err(bad(format!("format is not {FORMAT:?}")));
        }
        if raw.version != VERSION {
            return Err(Error::UnsupportedVersion(raw.version));
        }
        let algorithm = Algorithm::from_name(&raw.algorithm)
            .ok_or_else(|| bad("unknown token algorithm".into()))?;
        let fingerprint = Fingerprint::from_hex(&raw.key_fingerprint)
            .map_err(|_| bad("malformed key fingerprint".into()))?;
        let rules = raw
            .token_rules
            .iter()
            .map(|s| TokenRule::parse(s))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| bad(format!("{e}")))?;
        raw.bloom_schema.check().map_err(|e| bad(format!("{e}")))?;
        let layout = FilterLayout::of(&raw.bloom_schema);
        // Bounds so a hostile header cannot make a reader allocate absurdly.
        if rules.len() > MAX_RULES || layout.words_per_record > MAX_WORDS {
            return Err(bad(
                "more token rules or filter words than any padron file has".into(),
            ));
        }
        if RawLayout::of(&layout) != raw.layout {
            return Err(bad("filter layout does not match the Bloom schema".into()));
        }
        Ok(Header {
            tool: raw.tool,
            algorithm,
            fingerprint,
            rules,
            schema: raw.bloom_schema,
            layout,
            record_count: raw.record_count,
        })
    }

    fn presence_len(&self) -> usize {
        self.rules.len().div_ceil(8)
    }

    /// Bytes of a record after its id.
    fn fixed_len(&self) -> usize {
        self.presence_len() + Token::LEN * self.rules.len() + 8 * self.layout.words_per_record
    }
}

/// Writes an encodings file record by record.
pub struct Writer<W: Write> {
    inner: W,
    hasher: blake3::Hasher,
    header: Header,
    count: u64,
    buf: Vec<u8>,
    /// Records not yet hashed and written: given to the hasher in large
    /// slices, BLAKE3 hashes 16 chunks per vector instruction, where a
    /// record at a time (about 230 bytes) it compressed one block per call
    /// (5 % of `padron encode` time).
    pending: Vec<u8>,
}

/// Bytes a [`Writer`] gathers before hashing and writing them.
const PENDING: usize = 1 << 16;

impl<W: Write> Writer<W> {
    /// Writes the magic, version and header.
    pub fn new(mut inner: W, header: Header) -> Result<Writer<W>, Error> {
        if header.rules.len() > MAX_RULES || header.layout.words_per_record > MAX_WORDS {
            return Err(Error::Header(
                "more token rules or filter words than the format allows".into(),
            ));
        }
        let json = header.to_json();
        let len = u32::try_from(json.len())
            .ok()
            .filter(|&n| n <= MAX_HEADER)
            .ok_or_else(|| Error::Header("header too large".into()))?;
        let mut hasher = blake3::Hasher::new();
        let mut head = Vec::with_capacity(16 + json.len());
        head.extend_from_slice(MAGIC);
        head.extend_from_slice(&VERSION.to_le_bytes());
        head.extend_from_slice(&0u16.to_le_bytes());
        head.extend_from_slice(&len.to_le_bytes());
        head.extend_from_slice(&json);
        hasher.update(&head);
        inner.write_all(&head)?;
        Ok(Writer {
            inner,
            hasher,
            header,
            count: 0,
            buf: Vec::new(),
            pending: Vec::with_capacity(PENDING),
        })
    }

    /// The header being written.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// Appends one record: its id (1..=65535 bytes), one optional token
    /// per rule, and `layout.words_per_record` filter words.
    pub fn write_record(
        &mut self,
        id: &str,
        tokens: &[Option<Token>],
        filters: &[u64],
    ) -> Result<(), Error> {
        let shape = |reason| Error::Shape {
            record: self.count,
            reason,
        };
        let id_len = u16::try_from(id.len())
            .ok()
            .filter(|&n| n > 0)
            .ok_or(shape("record_id must be 1 to 65535 bytes"))?;
        if tokens.len() != self.header.rules.len() {
            return Err(shape("token count differs from the header's rules"));
        }
        if filters.len() != self.header.layout.words_per_record {
            return Err(shape("filter word count differs from the header's layout"));
        }
        let b = &mut self.buf;
        b.clear();
        b.push(TAG_RECORD);
        b.extend_from_slice(&id_len.to_le_bytes());
        b.extend_from_slice(id.as_bytes());
        let mut presence = vec![0u8; self.header.presence_len()];
        for (r, t) in tokens.iter().enumerate() {
            if t.is_some() {
                presence[r / 8] |= 1 << (r % 8);
            }
        }
        b.extend_from_slice(&presence);
        for t in tokens {
            b.extend_from_slice(t.as_ref().map_or(&[0u8; 16], |t| t.as_bytes()));
        }
        for w in filters {
            b.extend_from_slice(&w.to_le_bytes());
        }
        self.pending.extend_from_slice(b);
        if self.pending.len() >= PENDING {
            self.drain()?;
        }
        self.count += 1;
        Ok(())
    }

    /// Hashes and writes the pending bytes.
    fn drain(&mut self) -> Result<(), Error> {
        self.hasher.update(&self.pending);
        self.inner.write_all(&self.pending)?;
        self.pending.clear();
        Ok(())
    }

    /// Writes the trailer (count and checksum) and returns the inner
    /// writer, flushed. Refuses if the header announced another count.
    pub fn finish(mut self) -> Result<W, Error> {
        if let Some(n) = self.header.record_count {
            if n != self.count {
                return Err(Error::CountMismatch {
                    expected: n,
                    found: self.count,
                });
            }
        }
        self.drain()?;
        let mut t = Vec::with_capacity(41);
        t.push(TAG_END);
        t.extend_from_slice(&self.count.to_le_bytes());
        self.hasher.update(&t);
        t.extend_from_slice(self.hasher.finalize().as_bytes());
        self.inner.write_all(&t)?;
        self.inner.flush()?;
        Ok(self.inner)
    }
}

impl<W: Write> fmt::Debug for Writer<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Writer")
            .field("header", &self.header)
            .field("records", &self.count)
            .finish_non_exhaustive()
    }
}

/// One record as read back.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Record {
    /// The holder's record id.
    pub id: String,
    /// One entry per token rule.
    pub tokens: Vec<Option<Token>>,
    /// The filter words (layout in the header).
    pub filters: Vec<u64>,
}

/// Reads an encodings file record by record.
///
/// The checksum covers the whole file, so it is only known to match when
/// [`Reader::next_record`] has returned `Ok(false)` (or the iterator has
/// ended without an error). Records seen before that are unverified:
/// consumers must read to the end and discard everything on error, as
/// [`EncodedPadron::read`] does.
pub struct Reader<R: Read> {
    inner: R,
    hasher: blake3::Hasher,
    header: Header,
    count: u64,
    done: bool,
    buf: Vec<u8>,
    tokens: Vec<Option<Token>>,
    words: Vec<u64>,
}

impl<R: Read> Reader<R> {
    /// Reads and checks the magic, version and header.
    pub fn new(mut inner: R) -> Result<Reader<R>, Error> {
        let mut hasher = blake3::Hasher::new();
        let mut head = [0u8; 16];
        read_exact_or(&mut inner, &mut head, 0)?;
        if &head[..8] != MAGIC {
            return Err(Error::BadMagic);
        }
        let version = u16::from_le_bytes([head[8], head[9]]);
        if version != VERSION {
            return Err(Error::UnsupportedVersion(version));
        }
        let len = u32::from_le_bytes([head[12], head[13], head[14], head[15]]);
        if len > MAX_HEADER {
            return Err(Error::Header("header length is implausibly large".into()));
        }
        hasher.update(&head);
        let mut json = vec![0u8; len as usize];
        read_exact_or(&mut inner, &mut json, 0)?;
        hasher.update(&json);
        let header = Header::from_json(&json)?;
        Ok(Reader {
            inner,
            hasher,
            header,
            count: 0,
            done: false,
            buf: Vec::new(),
            tokens: Vec::new(),
            words: Vec::new(),
        })
    }

    /// The header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// Records read so far.
    pub fn records_read(&self) -> u64 {
        self.count
    }

    /// Reads the next record into `rec`; `Ok(false)` at the verified end.
    pub fn next_record(&mut self, rec: &mut Record) -> Result<bool, Error> {
        self.next_with(|id, tokens, words| {
            rec.id.clear();
            rec.id.push_str(id);
            rec.tokens.clear();
            rec.tokens.extend_from_slice(tokens);
            rec.filters.clear();
            rec.filters.extend_from_slice(words);
        })
    }

    /// Core of the reader: calls `f(id, tokens, filters)` for the next
    /// record, or verifies the trailer.
    pub(crate) fn next_with(
        &mut self,
        f: impl FnOnce(&str, &[Option<Token>], &[u64]),
    ) -> Result<bool, Error> {
        if self.done {
            return Ok(false);
        }
        let n = self.count;
        let mut tag = [0u8; 1];
        read_exact_or(&mut self.inner, &mut tag, n)?;
        self.hasher.update(&tag);
        match tag[0] {
            TAG_RECORD => {}
            TAG_END => {
                self.finish_trailer()?;
                return Ok(false);
            }
            _ => {
                return Err(Error::Corrupt {
                    record: n,
                    reason: "unknown record tag",
                })
            }
        }
        let mut len = [0u8; 2];
        read_exact_or(&mut self.inner, &mut len, n)?;
        self.hasher.update(&len);
        let id_len = usize::from(u16::from_le_bytes(len));
        if id_len == 0 {
            return Err(Error::Corrupt {
                record: n,
                reason: "empty record_id",
            });
        }
        let fixed = self.header.fixed_len();
        self.buf.resize(id_len + fixed, 0);
        read_exact_or(&mut self.inner, &mut self.buf, n)?;
        self.hasher.update(&self.buf);
        let (id, rest) = self.buf.split_at(id_len);
        let id = std::str::from_utf8(id).map_err(|_| Error::Corrupt {
            record: n,
            reason: "record_id is not UTF-8",
        })?;
        let (presence, rest) = rest.split_at(self.header.presence_len());
        let r = self.header.rules.len();
        let (tok_bytes, word_bytes) = rest.split_at(Token::LEN * r);
        let tokens = &mut self.tokens;
        tokens.clear();
        for (i, t) in tok_bytes.chunks_exact(Token::LEN).enumerate() {
            let present = presence.get(i / 8).is_some_and(|p| p >> (i % 8) & 1 == 1);
            let mut b = [0u8; 16];
            b.copy_from_slice(t);
            if present {
                tokens.push(Some(Token::from_bytes(b)));
            } else if b != [0u8; 16] {
                return Err(Error::Corrupt {
                    record: n,
                    reason: "absent token is not zero",
                });
            } else {
                tokens.push(None);
            }
        }
        let unused = r % 8;
        if unused != 0 && presence.last().is_some_and(|p| p >> unused != 0) {
            return Err(Error::Corrupt {
                record: n,
                reason: "presence bits set past the last rule",
            });
        }
        self.words.clear();
        self.words.extend(
            word_bytes
                .chunks_exact(8)
                .map(|c| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]])),
        );
        f(id, tokens, &self.words);
        self.count += 1;
        Ok(true)
    }

    fn finish_trailer(&mut self) -> Result<(), Error> {
        let n = self.count;
        let mut count = [0u8; 8];
        read_exact_or(&mut self.inner, &mut count, n)?;
        self.hasher.update(&count);
        let mut sum = [0u8; 32];
        read_exact_or(&mut self.inner, &mut sum, n)?;
        // Compare as BLAKE3 hashes (constant time).
        if self.hasher.finalize() != blake3::Hash::from_bytes(sum) {
            return Err(Error::Checksum);
        }
        let trailer_count = u64::from_le_bytes(count);
        if trailer_count != n {
            return Err(Error::CountMismatch {
                expected: trailer_count,
                found: n,
            });
        }
        if let Some(h) = self.header.record_count {
            if h != n {
                return Err(Error::CountMismatch {
                    expected: h,
                    found: n,
                });
            }
        }
        let mut extra = [0u8; 1];
        loop {
            match self.inner.read(&mut extra) {
                Ok(0) => break,
                Ok(_) => return Err(Error::TrailingData),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Error::Io(e)),
            }
        }
        self.done = true;
        Ok(())
    }
}

impl<R: Read> Iterator for Reader<R> {
    type Item = Result<Record, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut rec = Record::default();
        match self.next_record(&mut rec) {
            Ok(true) => Some(Ok(rec)),
            Ok(false) => None,
            Err(e) => {
                // Stop after the first error.
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

impl<R: Read> fmt::Debug for Reader<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reader")
            .field("header", &self.header)
            .field("records", &self.count)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

/// `read_exact`, mapping an early end of input to [`Error::Truncated`].
fn read_exact_or(r: &mut impl Read, buf: &mut [u8], records: u64) -> Result<(), Error> {
    r.read_exact(buf).map_err(|e| {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            Error::Truncated { records }
        } else {
            Error::Io(e)
        }
    })
}
