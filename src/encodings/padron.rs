//! The columnar in-memory form of an encodings file.

use std::io::{Read, Write};

use super::{Error, Header, Reader, Writer};
use crate::pseudo::Token;

/// A whole encodings file in memory, laid out for a linker: ids, tokens
/// (`n × rules`, row-major, with a presence flag each) and filters
/// (`n × words_per_record`, row-major; a record's filters are one
/// contiguous slice, split by the header's layout).
///
/// Accessors never panic: out-of-range indices give `None` or an empty slice.
#[derive(Debug, Clone, PartialEq)]
pub struct EncodedPadron {
    header: Header,
    ids: Vec<String>,
    tokens: Vec<Token>,
    present: Vec<bool>,
    filters: Vec<u64>,
}

impl EncodedPadron {
    /// An empty set of records with this header.
    pub fn new(header: Header) -> EncodedPadron {
        EncodedPadron {
            header,
            ids: Vec::new(),
            tokens: Vec::new(),
            present: Vec::new(),
            filters: Vec::new(),
        }
    }

    /// Reads a whole file, verifying its checksum; nothing is returned
    /// unless the file is intact.
    pub fn read<R: Read>(r: R) -> Result<EncodedPadron, Error> {
        let mut reader = Reader::new(r)?;
        let mut p = EncodedPadron::new(reader.header().clone());
        if let Some(n) = p.header.record_count() {
            // Reserve from the announced count, capped so a corrupt header
            // cannot make us allocate absurd amounts up front.
            let n = usize::try_from(n.min(1 << 24)).unwrap_or(0);
            p.reserve(n);
        }
        loop {
            let more = reader.next_with(|id, tokens, words| p.push_unchecked(id, tokens, words))?;
            if !more {
                break;
            }
        }
        Ok(p)
    }

    /// Writes all records as an encodings file.
    pub fn write<W: Write>(&self, w: W) -> Result<W, Error> {
        let mut header = self.header.clone();
        header.record_count = Some(self.len() as u64);
        let mut writer = Writer::new(w, header)?;
        let mut toks = Vec::with_capacity(self.rules());
        for i in 0..self.len() {
            toks.clear();
            toks.extend((0..self.rules()).map(|r| self.token(i, r)));
            writer.write_record(self.id(i).unwrap_or(""), &toks, self.record_words(i))?;
        }
        writer.finish()
    }

    fn reserve(&mut self, n: usize) {
        self.ids.reserve(n);
        self.tokens.reserve(n * self.rules());
        self.present.reserve(n * self.rules());
        self.filters.reserve(n * self.words_per_record());
    }

    /// Appends a record (same checks as the file writer).
    pub fn push(
        &mut self,
        id: &str,
        tokens: &[Option<Token>],
        filters: &[u64],
    ) -> Result<(), Error> {
        let record = self.len() as u64;
        if id.is_empty() || id.len() > usize::from(u16::MAX) {
            return Err(Error::Shape {
                record,
                reason: "record_id must be 1 to 65535 bytes",
            });
        }
        if tokens.len() != self.rules() {
            return Err(Error::Shape {
                record,
                reason: "token count differs from the header's rules",
            });
        }
        if filters.len() != self.words_per_record() {
            return Err(Error::Shape {
                record,
                reason: "filter word count differs from the header's layout",
            });
        }
        self.push_unchecked(id, tokens, filters);
        Ok(())
    }

    fn push_unchecked(&mut self, id: &str, tokens: &[Option<Token>], filters: &[u64]) {
        self.ids.push(id.to_string());
        for t in tokens {
            self.tokens.push(t.unwrap_or_default());
            self.present.push(t.is_some());
        }
        self.filters.extend_from_slice(filters);
    }

    /// The header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when there are no records.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Number of token rules (tokens per record).
    pub fn rules(&self) -> usize {
        self.header.rules().len()
    }

    /// Filter words per record.
    pub fn words_per_record(&self) -> usize {
        self.header.layout().words_per_record
    }

    /// All record ids.
    pub fn ids(&self) -> &[String] {
        &self.ids
    }

    /// Record `i`'s id.
    pub fn id(&self, i: usize) -> Option<&str> {
        self.ids.get(i).map(String::as_str)
    }

    /// Token of rule `rule` for record `i`, by reference (`None` when
    /// absent or out of range): what a linker's inner loop wants.
    pub fn token_ref(&self, i: usize, rule: usize) -> Option<&Token> {
        let k = i.checked_mul(self.rules())?.checked_add(rule)?;
        if rule >= self.rules() || !*self.present.get(k)? {
            return None;
        }
        self.tokens.get(k)
    }

    /// Record `i`'s token for rule `rule` (`None`: absent or out of range).
    pub fn token(&self, i: usize, rule: usize) -> Option<Token> {
        if rule >= self.rules() {
            return None;
        }
        let k = i.checked_mul(self.rules())?.checked_add(rule)?;
        match self.present.get(k) {
            Some(true) => self.tokens.get(k).copied(),
            _ => None,
        }
    }

    /// All filter words of record `i` (empty if out of range).
    pub fn record_words(&self, i: usize) -> &[u64] {
        let w = self.words_per_record();
        i.checked_mul(w)
            .and_then(|s| self.filters.get(s..s.checked_add(w)?))
            .unwrap_or(&[])
    }

    /// Record `i`'s per-field filter of schema field `field` (empty if the
    /// field has none, or out of range).
    pub fn field_filter(&self, i: usize, field: usize) -> &[u64] {
        match self.header.layout().fields.get(field) {
            Some(f) => self
                .record_words(i)
                .get(f.slot.offset..f.slot.offset + f.slot.words)
                .unwrap_or(&[]),
            None => &[],
        }
    }

    /// Record `i`'s record-level filter (CLK).
    pub fn record_filter(&self, i: usize) -> &[u64] {
        let s = self.header.layout().record;
        self.record_words(i)
            .get(s.offset..s.offset + s.words)
            .unwrap_or(&[])
    }

    /// All filter words, `n × words_per_record`, row-major.
    pub fn filters(&self) -> &[u64] {
        &self.filters
    }
}
