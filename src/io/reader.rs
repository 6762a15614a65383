//! Streaming reader of padrón CSV files.

use super::columns::{Column, COLUMN_COUNT};
use super::dates::DateFormat;
use super::ids::IdSet;
use crate::curp::{Sex, State};
use crate::date::{Date, DateError};
use std::fmt;
use std::io::{self, Read};

/// How a padrón file is read.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct ReadOptions {
    /// Field separator; `None` sniffs `,`, `;` or tab from the header line.
    pub delimiter: Option<u8>,
    /// Explicit mappings `canonical column ← the file's header`; they win
    /// over automatic recognition ([`Column::recognize`]).
    pub columns: Vec<(Column, String)>,
    /// Layout of `fecha_nacimiento` and `fecha_alta`.
    pub date_format: DateFormat,
    /// Extra `sexo` codes (e.g. `1`→H, `2`→M), compared case-insensitively.
    /// Without them only `H`/`M`/`X`/`HOMBRE`/`MUJER` are read.
    pub sex_codes: Vec<(String, Sex)>,
}

impl ReadOptions {
    /// Parses a `canonical=TheirHeader` mapping as the CLI's `--col` gives it.
    pub fn parse_mapping(text: &str) -> Result<(Column, String), Error> {
        let (canon, theirs) = text.split_once('=').ok_or_else(|| {
            Error::Usage(format!("column mapping `{text}` is not canonical=Header"))
        })?;
        let column = Column::from_name(canon.trim())
            .ok_or_else(|| Error::Usage(format!("`{}` is not a canonical column", canon.trim())))?;
        Ok((column, theirs.trim().to_string()))
    }

    /// Parses a `CODE=H|M|X` sex mapping such as `1=H`.
    pub fn parse_sex_code(text: &str) -> Result<(String, Sex), Error> {
        let bad = || {
            Error::Usage(format!(
                "sex mapping `{text}` is not CODE=H, CODE=M or CODE=X"
            ))
        };
        let (code, sex) = text.split_once('=').ok_or_else(bad)?;
        let mut chars = sex.trim().chars();
        let sex = match (chars.next(), chars.next()) {
            (Some(c), None) => Sex::from_code(c.to_ascii_uppercase()).ok_or_else(bad)?,
            _ => return Err(bad()),
        };
        Ok((code.trim().to_string(), sex))
    }
}

/// A reader error that stops the whole file (I/O, unusable header, usage).
/// Problems confined to one row never surface here: they become a
/// [`Reject`] or a [`FieldIssue`].
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Reading the input failed.
    Io(io::Error),
    /// The header is unusable (no header line, a mapping names a missing
    /// column, a column mapped twice).
    Header(String),
    /// An option was malformed.
    Usage(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io(e) => write!(f, "reading the padrón failed: {e}"),
            Error::Header(m) => write!(f, "padrón header: {m}"),
            Error::Usage(m) => f.write_str(m),
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

impl From<csv::Error> for Error {
    fn from(e: csv::Error) -> Self {
        // Byte records never fail on UTF-8 and the reader is flexible, so
        // what remains is I/O. The csv error text carries no cell values.
        match e.into_kind() {
            csv::ErrorKind::Io(io) => Error::Io(io),
            _ => Error::Io(io::Error::other("malformed CSV")),
        }
    }
}

/// Why a row could not be read. Never carries a cell's value.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RejectReason {
    /// The row has a different number of fields than the header.
    FieldCount {
        /// Fields in the header.
        expected: usize,
        /// Fields in this row.
        found: usize,
    },
    /// `record_id` is present in the header but empty in this row.
    EmptyRecordId,
    /// `record_id` repeats that of an earlier row.
    DuplicateRecordId {
        /// Data row number of the first row with this id.
        first_row: u64,
    },
}

impl fmt::Display for RejectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RejectReason::FieldCount { expected, found } => {
                write!(f, "has {found} fields, the header has {expected}")
            }
            RejectReason::EmptyRecordId => f.write_str("record_id is empty"),
            RejectReason::DuplicateRecordId { first_row } => {
                write!(f, "record_id repeats that of row {first_row}")
            }
        }
    }
}

impl RejectReason {
    /// The column the reason is about, if any.
    pub fn column(&self) -> Option<Column> {
        match self {
            RejectReason::FieldCount { .. } => None,
            _ => Some(Column::RecordId),
        }
    }
}

/// A row that could not be read, with where it was.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reject {
    /// 1-based data row number (the header is row 0).
    pub row: u64,
    /// 1-based line of the file where the row starts.
    pub line: u64,
    /// Why.
    pub reason: RejectReason,
}

impl fmt::Display for Reject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "row {} (line {}): ", self.row, self.line)?;
        if let Some(c) = self.reason.column() {
            write!(f, "{c}: ")?;
        }
        write!(f, "{}", self.reason)
    }
}

/// A problem confined to one field of a row that is kept.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FieldIssueKind {
    /// A date cell that is not a date (or not in the configured layout).
    Date(DateError),
    /// A `sexo` code that is not H/M/X/HOMBRE/MUJER nor mapped explicitly.
    Sex,
    /// A state that is neither a RENAPO code nor an INEGI number.
    State,
    /// A geostatistical key that is not 1–N digits.
    GeoKey,
    /// An amount that is not a decimal number.
    Amount,
}

impl fmt::Display for FieldIssueKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldIssueKind::Date(e) => write!(f, "{e}"),
            FieldIssueKind::Sex => f.write_str("unknown sex code (map it with --sex CODE=H|M|X)"),
            FieldIssueKind::State => f.write_str("not a RENAPO state code nor an INEGI number"),
            FieldIssueKind::GeoKey => f.write_str("not an INEGI numeric key"),
            FieldIssueKind::Amount => f.write_str("not a decimal amount"),
        }
    }
}

/// A field problem with its column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldIssue {
    /// The column.
    pub column: Column,
    /// What is wrong with it.
    pub kind: FieldIssueKind,
}

impl fmt::Display for FieldIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.column, self.kind)
    }
}

/// One padrón row read into canonical columns.
///
/// Text fields are decoded, trimmed and `None` when empty; typed fields are
/// `None` when the cell is empty *or* unreadable (then `issues` says why).
/// Holds personal data, so `Debug` shows only the row number.
///
/// The text of all canonical cells lives in one buffer owned by the row;
/// hand a row back with [`PadronReader::recycle`] to let the next one reuse
/// its buffers.
#[derive(Clone)]
pub struct Row {
    /// 1-based data row number.
    pub row: u64,
    /// 1-based line of the file where the row starts.
    pub line: u64,
    /// The agency's id, or the row number when the file has no `record_id`.
    pub record_id: String,
    /// The decoded cells, back to back (untrimmed, plus padded geo keys).
    buf: String,
    /// For each canonical column, the byte range of its trimmed text in
    /// `buf`; an empty range is an empty or absent cell.
    spans: [(usize, usize); COLUMN_COUNT],
    /// Parsed `sexo`.
    pub sex: Option<Sex>,
    /// Parsed `fecha_nacimiento`.
    pub birth_date: Option<Date>,
    /// Parsed `entidad_nacimiento`.
    pub birth_state: Option<State>,
    /// Parsed `fecha_alta`.
    pub start_date: Option<Date>,
    /// Columns that are not canonical, in file order, as read.
    pub extra: Vec<String>,
    /// Some cell was not UTF-8 and was decoded as Windows-1252.
    pub reencoded: bool,
    /// Field-level problems (the row is kept).
    pub issues: Vec<FieldIssue>,
}

impl fmt::Debug for Row {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Row")
            .field("row", &self.row)
            .field("issues", &self.issues)
            .finish_non_exhaustive()
    }
}

impl Row {
    /// The text of a canonical column (decoded, trimmed, `None` if empty or
    /// absent from the file). Geostatistical keys come back zero-padded.
    pub fn get(&self, column: Column) -> Option<&str> {
        cell(&self.buf, &self.spans, column)
    }

    fn empty() -> Row {
        Row {
            row: 0,
            line: 0,
            record_id: String::new(),
            buf: String::new(),
            spans: [(0, 0); COLUMN_COUNT],
            sex: None,
            birth_date: None,
            birth_state: None,
            start_date: None,
            extra: Vec::new(),
            reencoded: false,
            issues: Vec::new(),
        }
    }
}

/// The text of `column` given a row's buffer and spans.
fn cell<'a>(
    buf: &'a str,
    spans: &[(usize, usize); COLUMN_COUNT],
    column: Column,
) -> Option<&'a str> {
    let (start, end) = spans[column.index()];
    if start == end {
        return None;
    }
    buf.get(start..end)
}

/// What a field of the file is read into.
#[derive(Clone, Copy, Debug)]
enum Slot {
    /// A canonical column.
    Canonical(Column),
    /// The k-th extra column.
    Extra(usize),
}

/// What one step of the reader yields.
// Rows are the common case and are moved once; boxing them would cost an
// allocation per row for nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
#[non_exhaustive]
pub enum Item {
    /// A row read into canonical columns.
    Row(Row),
    /// A row that could not be read.
    Rejected(Reject),
}

/// Counts kept while reading.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Rows yielded as [`Item::Row`].
    pub rows: u64,
    /// Rows yielded as [`Item::Rejected`].
    pub rejected: u64,
    /// All-blank lines skipped.
    pub blank: u64,
    /// Rows with a cell decoded as Windows-1252.
    pub reencoded: u64,
    /// Rows with at least one field issue.
    pub with_issues: u64,
}

/// Streams a padrón: one row in memory at a time, plus 8 bytes per
/// `record_id` to detect repeats (16 for the first million, which also
/// remember their row).
pub struct PadronReader<R: Read> {
    csv: csv::Reader<Lines<io::Chain<io::Cursor<Vec<u8>>, R>>>,
    delimiter: u8,
    header: Vec<String>,
    /// For each canonical column, its index in the file.
    map: [Option<usize>; COLUMN_COUNT],
    extra_cols: Vec<usize>,
    options: ReadOptions,
    record: csv::ByteRecord,
    /// What each field of the file is: a canonical column or the k-th
    /// extra column.
    slots: Vec<Slot>,
    /// A row handed back by the caller, whose buffers the next row reuses.
    spare: Option<Row>,
    next_row: u64,
    ids: IdSet,
    /// The line where the next record starts if no empty line intervenes.
    next_line: u64,
    stats: Stats,
}

impl<R: Read> fmt::Debug for PadronReader<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PadronReader")
            .field("delimiter", &char::from(self.delimiter))
            .field("columns", &self.columns())
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

const SNIFF_LIMIT: usize = 64 * 1024;

/// Turns CRLF and lone CR line ends into LF and makes sure the input ends
/// with one, so that the csv parser's line counter gives physical lines.
struct Lines<R> {
    inner: R,
    /// The last byte passed on was a CR turned into LF: drop a following LF.
    after_cr: bool,
    /// The last byte passed on, to add a final LF at the end if needed.
    last: Option<u8>,
    done: bool,
}

impl<R: Read> Read for Lines<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() || self.done {
            return Ok(0);
        }
        loop {
            let n = self.inner.read(buf)?;
            if n == 0 {
                self.done = true;
                if self.last.is_some_and(|b| b != b'\n') {
                    buf[0] = b'\n';
                    return Ok(1);
                }
                return Ok(0);
            }
            let w = crlf_to_lf(&mut buf[..n], &mut self.after_cr);
            if w > 0 {
                self.last = Some(buf[w - 1]);
                return Ok(w);
            }
        }
    }
}

/// Rewrites `buf` in place with CRLF and lone CR turned into LF; returns
/// the new length. `after_cr` carries a CR that ended the previous chunk
/// (an LF starting this one then belongs to it and is dropped).
fn crlf_to_lf(buf: &mut [u8], after_cr: &mut bool) -> usize {
    let n = buf.len();
    if n == 0 {
        return 0; // nothing read: a pending CR stays pending
    }
    let mut r = 0;
    if *after_cr && buf.first() == Some(&b'\n') {
        r = 1;
    }
    *after_cr = false;
    let mut w = 0;
    if r == 0 {
        // Nothing moved yet: skip to the first CR without copying.
        match find_byte(buf, b'\r') {
            None => return n,
            Some(k) => {
                r = k;
                w = k;
            }
        }
    }
    while r < n {
        let k = find_byte(&buf[r..], b'\r').unwrap_or(n - r);
        if w != r {
            buf.copy_within(r..r + k, w);
        }
        w += k;
        r += k;
        if r < n {
            // buf[r] is a CR.
            buf[w] = b'\n';
            w += 1;
            r += 1;
            if r == n {
                *after_cr = true;
            } else if buf[r] == b'\n' {
                r += 1;
            }
        }
    }
    w
}

/// Position of the first `needle` in `hay`, eight bytes at a time.
fn find_byte(hay: &[u8], needle: u8) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let pattern = LO * u64::from(needle);
    let mut words = hay.chunks_exact(8);
    let mut base = 0;
    for w in &mut words {
        let mut a = [0u8; 8];
        // chunks_exact yields exactly 8 bytes.
        a.copy_from_slice(w);
        let x = u64::from_le_bytes(a) ^ pattern;
        // Sets the high bit of each zero byte; bytes above the first zero
        // may be flagged falsely, never bytes below it.
        let found = x.wrapping_sub(LO) & !x & HI;
        if found != 0 {
            return Some(base + (found.trailing_zeros() / 8) as usize);
        }
        base += 8;
    }
    words
        .remainder()
        .iter()
        .position(|&b| b == needle)
        .map(|i| base + i)
}

fn decode(bytes: &[u8], reencoded: &mut bool) -> String {
    let mut out = String::new();
    decode_into(bytes, &mut out, reencoded);
    out.trim().to_string()
}

/// Appends a cell's text to `out`: UTF-8 as is, anything else decoded as
/// Windows-1252 (and flagged).
fn decode_into(bytes: &[u8], out: &mut String, reencoded: &mut bool) {
    match std::str::from_utf8(bytes) {
        Ok(s) => out.push_str(s),
        Err(_) => {
            *reencoded = true;
            let (s, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            out.push_str(&s);
        }
    }
}

/// The range of `text[start..end]` without leading and trailing white space
/// (empty if the range is not inside `text` on character boundaries).
#[inline]
fn trim_span(text: &str, start: usize, end: usize) -> (usize, usize) {
    let plain = |c: Option<&u8>| c.is_some_and(|c| c.is_ascii() && !c.is_ascii_whitespace());
    if let Some(b) = text.as_bytes().get(start..end) {
        if b.is_empty() {
            return (start, start);
        }
        // ASCII non-blank at both ends: trimming (even Unicode) is a
        // no-op, and ASCII bytes are character boundaries.
        if plain(b.first()) && plain(b.last()) {
            return (start, end);
        }
    }
    let Some(cell) = text.get(start..end) else {
        return (start, start);
    };
    let t = cell.trim_start();
    let s = start + (cell.len() - t.len());
    (s, s + t.trim_end().len())
}

/// Picks the separator that occurs most often outside quotes in the header.
fn sniff_delimiter(line: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in line {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3)
        .max_by_key(|&i| (counts[i], usize::from(i == 0)))
        .unwrap_or(0);
    [b',', b';', b'\t'][best]
}

/// Line breaks inside a record's quoted fields.
fn newlines(record: &csv::ByteRecord) -> u64 {
    let bytes = record.as_slice();
    match find_byte(bytes, b'\n') {
        None => 0,
        Some(first) => bytes[first..].iter().filter(|&&b| b == b'\n').count() as u64,
    }
}

/// What an INEGI key cell needs.
enum GeoKey {
    /// Already `width` digits.
    AsIs,
    /// Leading zeros Excel dropped (`9` → `09`) or a `.0` it added: the
    /// first `.1` bytes are the key.
    Padded([u8; 4], usize),
    /// Not a key of at most `width` digits.
    Bad,
}

/// Checks an INEGI key of `width` (at most 4) digits, restoring the leading
/// zeros Excel dropped (`9` → `09`, `9.0` → `09`).
fn geo_key(text: &str, width: usize) -> GeoKey {
    let digits = text.strip_suffix(".0").unwrap_or(text).as_bytes();
    if digits.is_empty() || digits.len() > width || !digits.iter().all(u8::is_ascii_digit) {
        return GeoKey::Bad;
    }
    if digits.len() == text.len() && digits.len() == width {
        return GeoKey::AsIs;
    }
    let mut key = [b'0'; 4];
    let Some(pad) = width
        .checked_sub(digits.len())
        .filter(|_| width <= key.len())
    else {
        return GeoKey::Bad;
    };
    key[pad..width].copy_from_slice(digits);
    GeoKey::Padded(key, width)
}

/// Writes `n` in decimal into `out`.
fn push_decimal(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // u64::MAX has 20 digits, so `i` never underflows; the bytes are ASCII.
    for &d in &digits[i..] {
        out.push(char::from(d));
    }
}

/// A decimal amount as agencies write it: digits with `.` or `,` as decimal
/// or thousands separators (`1500`, `1,500.50`, `1.500,50`), optional `$`.
fn is_amount(text: &str) -> bool {
    let t = text.strip_prefix('$').unwrap_or(text).trim();
    let b = t.as_bytes();
    // One pass: only digits and separators, no two separators in a row,
    // a digit first and last.
    let mut prev_sep = true;
    for &c in b {
        let sep = c == b'.' || c == b',';
        if !(sep || c.is_ascii_digit()) || (sep && prev_sep) {
            return false;
        }
        prev_sep = sep;
    }
    !prev_sep
}

impl<R: Read> PadronReader<R> {
    /// Opens a padrón: reads and maps the header. Fails only on I/O errors
    /// or an unusable header.
    pub fn new(mut input: R, options: ReadOptions) -> Result<Self, Error> {
        // Peek at the first line to sniff the separator, without losing it.
        let mut prefix = Vec::with_capacity(8 * 1024);
        let mut chunk = [0u8; 8 * 1024];
        while prefix.len() < SNIFF_LIMIT && !prefix.contains(&b'\n') {
            let n = input.read(&mut chunk).map_err(Error::Io)?;
            if n == 0 {
                break;
            }
            prefix.extend_from_slice(&chunk[..n]);
        }
        if prefix.starts_with(b"\xEF\xBB\xBF") {
            prefix.drain(..3);
        }
        let first_line_end = prefix
            .iter()
            .position(|&b| b == b'\n')
            .unwrap_or(prefix.len());
        let delimiter = options
            .delimiter
            .unwrap_or_else(|| sniff_delimiter(&prefix[..first_line_end]));
        let mut csv = csv::ReaderBuilder::new()
            .buffer_capacity(64 * 1024)
            .delimiter(delimiter)
            .has_headers(true)
            .flexible(true)
            .from_reader(Lines {
                inner: io::Cursor::new(prefix).chain(input),
                after_cr: false,
                last: None,
                done: false,
            });
        let raw_header = csv.byte_headers()?.clone();
        let next_line = csv.position().line();
        if raw_header.is_empty()
            || raw_header
                .iter()
                .all(|f| f.iter().all(u8::is_ascii_whitespace))
        {
            return Err(Error::Header("the file has no header line".into()));
        }
        let mut unused = false;
        let header: Vec<String> = raw_header.iter().map(|f| decode(f, &mut unused)).collect();

        let mut map = [None; COLUMN_COUNT];
        for (column, theirs) in &options.columns {
            let idx = header
                .iter()
                .position(|h| h == theirs)
                .or_else(|| header.iter().position(|h| h.eq_ignore_ascii_case(theirs)))
                .ok_or_else(|| {
                    Error::Header(format!(
                        "--col {column}={theirs}: the file has no column `{theirs}`"
                    ))
                })?;
            if map[column.index()].is_some() {
                return Err(Error::Header(format!("column {column} is mapped twice")));
            }
            map[column.index()] = Some(idx);
        }
        for (idx, h) in header.iter().enumerate() {
            if map.contains(&Some(idx)) {
                continue;
            }
            if let Some(c) = Column::recognize(h) {
                if map[c.index()].is_none() {
                    map[c.index()] = Some(idx);
                }
            }
        }
        let extra_cols: Vec<usize> = (0..header.len())
            .filter(|i| !map.contains(&Some(*i)))
            .collect();
        let slots = (0..header.len())
            .map(
                |i| match Column::ALL.iter().find(|c| map[c.index()] == Some(i)) {
                    Some(&c) => Slot::Canonical(c),
                    None => Slot::Extra(extra_cols.iter().position(|&e| e == i).unwrap_or(0)),
                },
            )
            .collect();
        Ok(PadronReader {
            csv,
            delimiter,
            header,
            map,
            extra_cols,
            options,
            record: csv::ByteRecord::new(),
            slots,
            spare: None,
            next_row: 1,
            ids: IdSet::default(),
            next_line,
            stats: Stats::default(),
        })
    }

    /// The separator in use.
    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// Which canonical columns the file has, with the header each came from.
    pub fn columns(&self) -> Vec<(Column, &str)> {
        Column::ALL
            .iter()
            .filter_map(|&c| self.map[c.index()].map(|i| (c, self.header[i].as_str())))
            .collect()
    }

    /// True if the file has this canonical column.
    pub fn has(&self, column: Column) -> bool {
        self.map[column.index()].is_some()
    }

    /// Headers of the columns that are not canonical, in file order.
    pub fn extra_headers(&self) -> Vec<&str> {
        self.extra_cols
            .iter()
            .map(|&i| self.header[i].as_str())
            .collect()
    }

    /// Counts so far.
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// Reads the next row; `Ok(None)` at the end of the file.
    pub fn read(&mut self) -> Result<Option<Item>, Error> {
        loop {
            if !self.csv.read_byte_record(&mut self.record)? {
                return Ok(None);
            }
            // The csv parser skips empty lines by itself (and counts them
            // into the record that follows): every record ends with an LF
            // here, so its first physical line is its end minus its own
            // lines, and what lies between it and the previous record is
            // blank.
            let end = self.csv.position().line();
            let start = end.saturating_sub(1 + self.newlines());
            self.stats.blank += start.saturating_sub(self.next_line);
            self.next_line = end;
            if self.record.as_slice().iter().all(u8::is_ascii_whitespace) {
                self.stats.blank += 1;
                continue;
            }
            let row = self.next_row;
            self.next_row += 1;
            let item = self.convert(row, start);
            match &item {
                Item::Row(r) => {
                    self.stats.rows += 1;
                    self.stats.reencoded += u64::from(r.reencoded);
                    self.stats.with_issues += u64::from(!r.issues.is_empty());
                }
                Item::Rejected(_) => self.stats.rejected += 1,
            }
            return Ok(Some(item));
        }
    }

    /// Line breaks inside the current record's quoted fields. A record
    /// that took exactly its fields, separators and one LF from the input
    /// had no quotes (nor blank lines before it), hence none, since a bare
    /// LF ends a record; others are counted.
    fn newlines(&self) -> u64 {
        let fields = &self.record;
        let start = fields.position().map_or(0, csv::Position::byte);
        let taken = self.csv.position().byte().saturating_sub(start);
        let plain = fields.as_slice().len() as u64 + fields.len() as u64;
        if taken == plain {
            0
        } else {
            newlines(fields)
        }
    }

    /// Hands a row back once the caller is done with it, so that the next
    /// row reuses its buffers instead of allocating new ones. Optional.
    pub fn recycle(&mut self, row: Row) {
        self.spare = Some(row);
    }

    fn convert(&mut self, row: u64, line: u64) -> Item {
        if self.record.len() != self.header.len() {
            return Item::Rejected(Reject {
                row,
                line,
                reason: RejectReason::FieldCount {
                    expected: self.header.len(),
                    found: self.record.len(),
                },
            });
        }
        let mut out = self.spare.take().unwrap_or_else(Row::empty);
        match self.fill(&mut out, row, line) {
            Ok(()) => Item::Row(out),
            Err(reason) => {
                self.spare = Some(out);
                Item::Rejected(Reject { row, line, reason })
            }
        }
    }

    /// Reads the current record into `out` (whose old contents are
    /// dropped), or says why the row is rejected.
    fn fill(&mut self, out: &mut Row, row: u64, line: u64) -> Result<(), RejectReason> {
        out.row = row;
        out.line = line;
        out.buf.clear();
        out.spans = [(0, 0); COLUMN_COUNT];
        out.issues.clear();
        let mut reencoded = false;

        // The fields lie back to back in the record's buffer; if it is all
        // UTF-8 with every field boundary on a character boundary, `buf`
        // takes it whole and a cell's range in `buf` is its range there.
        let all = self.record.as_slice();
        let whole = std::str::from_utf8(all).ok().filter(|s| {
            s.is_ascii() || {
                let mut end = 0;
                self.record.iter().all(|f| {
                    end += f.len();
                    s.is_char_boundary(end)
                })
            }
        });
        if let Some(s) = whole {
            out.buf.push_str(s);
        }
        out.extra.resize_with(self.extra_cols.len(), String::new);
        let mut end = 0;
        for (f, slot) in self.record.iter().zip(&self.slots) {
            let (a, b) = match whole {
                Some(_) => {
                    end += f.len();
                    trim_span(&out.buf, end - f.len(), end)
                }
                None => {
                    let start = out.buf.len();
                    decode_into(f, &mut out.buf, &mut reencoded);
                    trim_span(&out.buf, start, out.buf.len())
                }
            };
            match *slot {
                Slot::Canonical(c) => out.spans[c.index()] = (a, b),
                Slot::Extra(k) => {
                    if let Some(e) = out.extra.get_mut(k) {
                        e.clear();
                        e.push_str(out.buf.get(a..b).unwrap_or_default());
                    }
                }
            }
        }

        out.record_id.clear();
        if self.has(Column::RecordId) {
            let id =
                cell(&out.buf, &out.spans, Column::RecordId).ok_or(RejectReason::EmptyRecordId)?;
            self.ids
                .insert(id, row)
                .map_err(|first_row| RejectReason::DuplicateRecordId { first_row })?;
            out.record_id.push_str(id);
        } else {
            push_decimal(&mut out.record_id, row);
        }

        let Row {
            buf, spans, issues, ..
        } = out;
        let get = |c: Column| cell(buf, spans, c);
        let mut issue = |column, kind| issues.push(FieldIssue { column, kind });

        let sex = get(Column::Sexo).and_then(|s| {
            let found = Sex::from_field(s).or_else(|| {
                self.options
                    .sex_codes
                    .iter()
                    .find(|(code, _)| code.eq_ignore_ascii_case(s))
                    .map(|&(_, sex)| sex)
            });
            if found.is_none() {
                issue(Column::Sexo, FieldIssueKind::Sex);
            }
            found
        });
        let mut date = |c: Column| {
            get(c).and_then(|s| match self.options.date_format.parse(s) {
                Ok(d) => Some(d),
                Err(e) => {
                    issue(c, FieldIssueKind::Date(e));
                    None
                }
            })
        };
        let birth_date = date(Column::FechaNacimiento);
        let start_date = date(Column::FechaAlta);
        let birth_state = get(Column::EntidadNacimiento).and_then(|s| {
            let st = State::from_field(s);
            if st.is_none() {
                issue(Column::EntidadNacimiento, FieldIssueKind::State);
            }
            st
        });
        if let Some(m) = get(Column::Monto) {
            if !is_amount(m) {
                issue(Column::Monto, FieldIssueKind::Amount);
            }
        }
        for (c, width) in [
            (Column::CveEntidad, 2),
            (Column::CveMunicipio, 3),
            (Column::CveLocalidad, 4),
        ] {
            let Some(v) = cell(buf, spans, c) else {
                continue;
            };
            match geo_key(v, width) {
                GeoKey::AsIs => {}
                GeoKey::Padded(key, len) => {
                    // The padded key goes after the cells.
                    let start = buf.len();
                    for &d in key.get(..len).unwrap_or_default() {
                        buf.push(char::from(d));
                    }
                    spans[c.index()] = (start, buf.len());
                }
                GeoKey::Bad => issues.push(FieldIssue {
                    column: c,
                    kind: FieldIssueKind::GeoKey,
                }),
            }
        }
        out.sex = sex;
        out.birth_date = birth_date;
        out.start_date = start_date;
        out.birth_state = birth_state;
        out.reencoded = reencoded;
        Ok(())
    }
}

impl<R: Read> Iterator for PadronReader<R> {
    type Item = Result<Item, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        self.read().transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(input: &[u8], options: ReadOptions) -> (Vec<Row>, Vec<Reject>, Stats) {
        let mut r = PadronReader::new(input, options).unwrap();
        let (mut rows, mut rejects) = (Vec::new(), Vec::new());
        for item in &mut r {
            match item.unwrap() {
                Item::Row(row) => rows.push(row),
                Item::Rejected(rej) => rejects.push(rej),
            }
        }
        (rows, rejects, r.stats())
    }

    #[test]
    fn sniffs_separators_and_maps_headers() {
        for sep in [",", ";", "\t"] {
            let text = format!("RECORD_ID{sep}CURP{sep}Nombre{sep}Apellido Paterno{sep}otro\n1{sep}x{sep}Ana{sep}Pérez{sep}z\n");
            let (rows, rejects, _) = read_all(text.as_bytes(), ReadOptions::default());
            assert!(rejects.is_empty());
            assert_eq!(rows.len(), 1);
            assert_eq!(rows[0].record_id, "1");
            assert_eq!(rows[0].get(Column::Nombre), Some("Ana"));
            assert_eq!(rows[0].get(Column::PrimerApellido), Some("Pérez"));
            assert_eq!(rows[0].extra, vec!["z".to_string()]);
        }
    }

    #[test]
    fn quoted_separators_do_not_fool_the_sniffer() {
        let text = "\"a;b\",c,d\n1,2,3\n";
        let r = PadronReader::new(text.as_bytes(), ReadOptions::default()).unwrap();
        assert_eq!(r.delimiter(), b',');
    }

    #[test]
    fn windows_1252_cells_are_decoded_and_flagged() {
        let mut text = b"nombre;primer_apellido\nJos\xe9;Mu\xf1oz\nAna;L\xc3\xb3pez\n".to_vec();
        text.extend_from_slice(b"");
        let (rows, _, stats) = read_all(&text, ReadOptions::default());
        assert_eq!(rows[0].get(Column::Nombre), Some("José"));
        assert_eq!(rows[0].get(Column::PrimerApellido), Some("Muñoz"));
        assert!(rows[0].reencoded);
        assert_eq!(rows[1].get(Column::PrimerApellido), Some("López"));
        assert!(!rows[1].reencoded);
        assert_eq!(stats.reencoded, 1);
        // Row numbers default to the record id when the file has none.
        assert_eq!(rows[1].record_id, "2");
    }

    #[test]
    fn broken_rows_are_rejected_never_lost() {
        let text = "record_id,nombre\n1,A\n2\n,C\n1,D\n\n , \n\"5\",\"E\nF\"\n\n6,G\n";
        let (rows, rejects, stats) = read_all(text.as_bytes(), ReadOptions::default());
        assert_eq!(
            rows.iter()
                .map(|r| r.record_id.as_str())
                .collect::<Vec<_>>(),
            ["1", "5", "6"]
        );
        let lines: Vec<_> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 8, 11]);
        let reasons: Vec<_> = rejects.iter().map(|r| (r.row, r.reason.clone())).collect();
        assert_eq!(
            reasons,
            vec![
                (
                    2,
                    RejectReason::FieldCount {
                        expected: 2,
                        found: 1
                    }
                ),
                (3, RejectReason::EmptyRecordId),
                (4, RejectReason::DuplicateRecordId { first_row: 1 }),
            ]
        );
        assert_eq!(stats.blank, 3);
        assert_eq!(stats.rows + stats.rejected, 6);
        // Messages name the row and the column, never the value.
        let msg = rejects[2].to_string();
        assert!(msg.contains("row 4") && msg.contains("record_id"), "{msg}");
    }

    #[test]
    fn typed_fields_and_issues() {
        let text = "sexo,fecha_nacimiento,entidad_nacimiento,cve_municipio,monto\n\
                    M,26/06/1956,09,7,\"1,500.50\"\n\
                    1,1956-02-30,ZZ,12345,abc\n";
        let (rows, _, stats) = read_all(text.as_bytes(), ReadOptions::default());
        assert_eq!(rows[0].sex, Some(Sex::Mujer));
        assert_eq!(rows[0].birth_date, Date::new(1956, 6, 26));
        assert_eq!(rows[0].birth_state, Some(State::Df));
        assert_eq!(rows[0].get(Column::CveMunicipio), Some("007"));
        assert!(rows[0].issues.is_empty(), "{:?}", rows[0].issues);
        let kinds: Vec<_> = rows[1].issues.iter().map(|i| i.column).collect();
        assert_eq!(
            kinds,
            [
                Column::Sexo,
                Column::FechaNacimiento,
                Column::EntidadNacimiento,
                Column::Monto,
                Column::CveMunicipio
            ]
        );
        assert_eq!(stats.with_issues, 1);
        let mapped = ReadOptions {
            sex_codes: vec![("1".into(), Sex::Hombre)],
            ..ReadOptions::default()
        };
        let (rows, _, _) = read_all(text.as_bytes(), mapped);
        assert_eq!(rows[1].sex, Some(Sex::Hombre));
    }

    #[test]
    fn explicit_column_mapping() {
        let text = "NOMBRE_BENEF,ID\nAna,7\n";
        let opts = ReadOptions {
            columns: vec![ReadOptions::parse_mapping("nombre=NOMBRE_BENEF").unwrap()],
            ..ReadOptions::default()
        };
        let (rows, _, _) = read_all(text.as_bytes(), opts);
        assert_eq!(rows[0].get(Column::Nombre), Some("Ana"));
        assert_eq!(rows[0].record_id, "7");
        let missing = ReadOptions {
            columns: vec![(Column::Curp, "CURP_X".into())],
            ..ReadOptions::default()
        };
        assert!(matches!(
            PadronReader::new(text.as_bytes(), missing),
            Err(Error::Header(_))
        ));
        assert!(ReadOptions::parse_mapping("nombres=X").is_err());
        assert!(ReadOptions::parse_sex_code("2=M").is_ok());
        assert!(ReadOptions::parse_sex_code("2=F").is_err());
    }

    #[test]
    fn bom_and_crlf() {
        let text = b"\xEF\xBB\xBFrecord_id,nombre\r\n1,Ana\r\n\r\n2,\"B\r\nC\"\r3,D";
        let (rows, _, stats) = read_all(text, ReadOptions::default());
        assert_eq!(rows[0].record_id, "1");
        assert_eq!(rows[0].get(Column::Nombre), Some("Ana"));
        assert_eq!(rows[1].get(Column::Nombre), Some("B\nC"));
        let lines: Vec<_> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 4, 6]);
        assert_eq!(stats.blank, 1);
    }

    #[test]
    fn empty_input_is_a_header_error() {
        assert!(matches!(
            PadronReader::new(&b""[..], ReadOptions::default()),
            Err(Error::Header(_))
        ));
    }

    #[test]
    fn utf8_split_across_cells_is_read_cell_by_cell() {
        // The record's bytes are valid UTF-8 as a whole ("ó" = C3 B3), but
        // each cell alone is not: both are read as Windows-1252.
        let text = b"nombre,primer_apellido\nAn\xc3,\xb3z\n";
        let (rows, _, stats) = read_all(text, ReadOptions::default());
        assert_eq!(rows[0].get(Column::Nombre), Some("AnÃ"));
        assert_eq!(rows[0].get(Column::PrimerApellido), Some("³z"));
        assert!(rows[0].reencoded);
        assert_eq!(stats.reencoded, 1);
    }

    #[test]
    fn cells_are_trimmed_including_unicode_blanks() {
        let text =
            "nombre,primer_apellido,segundo_apellido,otro\n  Ana ,\u{a0}Pérez\u{2003},\t ,  z \n";
        let (rows, _, _) = read_all(text.as_bytes(), ReadOptions::default());
        assert_eq!(rows[0].get(Column::Nombre), Some("Ana"));
        assert_eq!(rows[0].get(Column::PrimerApellido), Some("Pérez"));
        assert_eq!(rows[0].get(Column::SegundoApellido), None);
        assert_eq!(rows[0].extra, ["z"]);
    }

    #[test]
    fn geo_keys_are_padded_or_flagged() {
        let text = "cve_entidad,cve_municipio,cve_localidad\n9.0,7,0001\n09,007.0,12345\n1a,,1\n";
        let (rows, _, _) = read_all(text.as_bytes(), ReadOptions::default());
        fn keys(r: &Row) -> [Option<&str>; 3] {
            [
                Column::CveEntidad,
                Column::CveMunicipio,
                Column::CveLocalidad,
            ]
            .map(|c| r.get(c))
        }
        assert_eq!(keys(&rows[0]), [Some("09"), Some("007"), Some("0001")]);
        assert_eq!(keys(&rows[1]), [Some("09"), Some("007"), Some("12345")]);
        assert_eq!(rows[1].issues.len(), 1);
        assert_eq!(rows[1].issues[0].column, Column::CveLocalidad);
        assert_eq!(keys(&rows[2]), [Some("1a"), None, Some("0001")]);
        assert_eq!(rows[2].issues[0].column, Column::CveEntidad);
    }

    /// What a row held: number, id, canonical cells, extra cells, issues.
    type Held = (u64, String, Vec<Option<String>>, Vec<String>, usize);

    /// Reads with rows handed back for reuse; returns what each row held.
    fn read_recycling(input: &[u8]) -> Vec<Held> {
        let mut r = PadronReader::new(input, ReadOptions::default()).unwrap();
        let mut out = Vec::new();
        while let Some(item) = r.read().unwrap() {
            if let Item::Row(row) = item {
                let cells = Column::ALL
                    .iter()
                    .map(|&c| row.get(c).map(str::to_string))
                    .collect();
                out.push((
                    row.row,
                    row.record_id.clone(),
                    cells,
                    row.extra.clone(),
                    row.issues.len(),
                ));
                r.recycle(row);
            }
        }
        out
    }

    #[test]
    fn recycled_rows_hold_nothing_of_the_previous_row() {
        let bytes: &[u8] = b"record_id,nombre,sexo,cve_municipio,x,y\n\
                    1,Ana Mar\xc3\xada,Q,7,a,b\n\
                    1,dup,M,7,c,d\n\
                    2,,H,,,\n\
                    3,Jos\xe9,M,12,e,\n";
        let recycled = read_recycling(bytes);
        let (rows, rejects, _) = read_all(bytes, ReadOptions::default());
        assert_eq!(rejects.len(), 1);
        let fresh: Vec<_> = rows
            .iter()
            .map(|row| {
                let cells = Column::ALL
                    .iter()
                    .map(|&c| row.get(c).map(str::to_string))
                    .collect();
                (
                    row.row,
                    row.record_id.clone(),
                    cells,
                    row.extra.clone(),
                    row.issues.len(),
                )
            })
            .collect();
        assert_eq!(recycled, fresh);
        assert_eq!(fresh[1].2[Column::Nombre.index()], None);
        assert_eq!(fresh[1].3, ["", ""]);
        assert_eq!(fresh[2].2[Column::Nombre.index()].as_deref(), Some("José"));
        assert_eq!(
            fresh[2].2[Column::CveMunicipio.index()].as_deref(),
            Some("012")
        );
    }

    /// CRLF and lone CR to LF, one byte at a time (the reference).
    fn naive_crlf(chunks: &[Vec<u8>]) -> Vec<u8> {
        let all: Vec<u8> = chunks.concat();
        let mut out = Vec::new();
        let mut i = 0;
        while i < all.len() {
            if all[i] == b'\r' {
                out.push(b'\n');
                if all.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
            } else {
                out.push(all[i]);
            }
            i += 1;
        }
        out
    }

    #[test]
    fn a_cr_stays_pending_across_an_empty_chunk() {
        // Found by the property below: CR | (nothing) | LF is one line end.
        let mut after_cr = false;
        let mut cr = *b"\r";
        assert_eq!(crlf_to_lf(&mut cr, &mut after_cr), 1);
        assert_eq!(crlf_to_lf(&mut [], &mut after_cr), 0);
        let mut lf = *b"\n";
        assert_eq!(crlf_to_lf(&mut lf, &mut after_cr), 0);
    }

    proptest::proptest! {
        /// The chunked rewrite equals the byte-by-byte one, wherever the
        /// chunks split a CRLF.
        #[test]
        fn crlf_rewrite_matches_the_naive_one(
            chunks in proptest::collection::vec(
                proptest::collection::vec(proptest::sample::select(vec![b'a', b'\r', b'\n', b',']), 0..40),
                0..6,
            )
        ) {
            let mut after_cr = false;
            let mut out = Vec::new();
            for c in &chunks {
                let mut buf = c.clone();
                let n = crlf_to_lf(&mut buf, &mut after_cr);
                out.extend_from_slice(&buf[..n]);
            }
            proptest::prop_assert_eq!(out, naive_crlf(&chunks));
        }

        /// The word-at-a-time search finds the first occurrence.
        #[test]
        fn find_byte_finds_the_first(hay in proptest::collection::vec(0u8..4, 0..70), needle in 0u8..4) {
            proptest::prop_assert_eq!(find_byte(&hay, needle), hay.iter().position(|&b| b == needle));
        }
    }
}
