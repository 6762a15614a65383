//! Fill-rate statistics of an encodings file (`padron inspect`): counts
//! only, never a token or a filter's contents.

use std::io::Read;

use super::{Error, Header, Reader};

/// Statistics of one filter (the record filter or a per-field filter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterStats {
    /// The schema column, or `None` for the record filter.
    pub column: Option<String>,
    /// Length in bits.
    pub bits: u64,
    /// Records whose filter has at least one bit set. Hardening that adds
    /// bits to empty input (balancing, BLIP noise) makes this 100 %.
    pub non_empty: u64,
    /// Set bits summed over all records (mean density = `ones / (bits ·
    /// records)`).
    pub ones: u64,
}

impl FilterStats {
    /// Share of records with a non-empty filter (`None` for no records).
    pub fn fill_rate(&self, records: u64) -> Option<f64> {
        (records > 0).then(|| self.non_empty as f64 / records as f64)
    }

    /// Mean share of set bits over all records (`None` for no records or a
    /// zero-length filter).
    pub fn mean_density(&self, records: u64) -> Option<f64> {
        let den = self.bits.saturating_mul(records);
        (den > 0).then(|| self.ones as f64 / den as f64)
    }
}

/// Statistics of a whole, verified encodings file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileStats {
    /// Records in the file.
    pub records: u64,
    /// Per token rule (header order): records that have that token.
    pub tokens: Vec<u64>,
    /// The record filter first, then each schema field that has a
    /// per-field filter, in schema order.
    pub filters: Vec<FilterStats>,
}

/// Reads a whole encodings file and counts, per rule, the records with a
/// token and, per filter, the non-empty filters and set bits. The
/// statistics are returned only if the file verified to its end (checksum,
/// counts), so a truncated or altered file is an error, never partial
/// numbers.
pub fn file_stats<R: Read>(input: R) -> Result<(Header, FileStats), Error> {
    let mut reader = Reader::new(input)?;
    let header = reader.header().clone();
    let layout = header.layout.clone();
    let mut slots = vec![(None, layout.record)];
    slots.extend(
        layout
            .fields
            .iter()
            .filter(|f| f.slot.words > 0)
            .map(|f| (Some(f.column.clone()), f.slot)),
    );
    let mut stats = FileStats {
        records: 0,
        tokens: vec![0; header.rules.len()],
        filters: slots
            .iter()
            .map(|(c, s)| FilterStats {
                column: c.clone(),
                bits: 64 * s.words as u64,
                non_empty: 0,
                ones: 0,
            })
            .collect(),
    };
    while reader.next_with(|_, tokens, words| {
        stats.records += 1;
        for (n, t) in stats.tokens.iter_mut().zip(tokens) {
            *n += u64::from(t.is_some());
        }
        for (f, (_, s)) in stats.filters.iter_mut().zip(&slots) {
            let w = words.get(s.offset..s.offset + s.words).unwrap_or(&[]);
            let ones: u64 = w.iter().map(|x| u64::from(x.count_ones())).sum();
            f.ones += ones;
            f.non_empty += u64::from(ones > 0);
        }
    })? {}
    Ok((header, stats))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bloom::{Encoder, Schema};
    use crate::encodings::Writer;
    use crate::pseudo::{default_rules, Algorithm, Key, Token, Tokenizer};

    #[test]
    fn counts_tokens_and_bits_and_refuses_a_truncated_file() {
        let k = Key::from_bytes([3; 32]);
        let tok = Tokenizer::new(&k, Algorithm::HmacSha256, default_rules()).unwrap();
        let enc = Encoder::new(&k, Schema::padron()).unwrap();
        let header = Header::new(&k, &tok, &enc, None);
        let layout = header.layout.clone();
        let rules = header.rules.len();
        let mut w = Writer::new(Vec::new(), header).unwrap();
        let mut tokens = vec![None; rules];
        tokens[0] = Some(Token::from_bytes([1; 16]));
        let mut words = vec![0u64; layout.words_per_record];
        words[layout.record.offset] = 0b111; // 3 bits in the record filter
        w.write_record("a", &tokens, &words).unwrap();
        tokens[1] = Some(Token::from_bytes([2; 16]));
        let f0 = layout.fields.iter().find(|f| f.slot.words > 0).unwrap();
        words[f0.slot.offset] = 1;
        w.write_record("b", &tokens, &words).unwrap();
        let bytes = w.finish().unwrap();

        let (_, s) = file_stats(&bytes[..]).unwrap();
        assert_eq!(s.records, 2);
        assert_eq!(s.tokens[0], 2);
        assert_eq!(s.tokens[1], 1);
        assert!(s.tokens[2..].iter().all(|&n| n == 0));
        let rec = &s.filters[0];
        assert_eq!(rec.column, None);
        assert_eq!((rec.non_empty, rec.ones), (2, 6));
        assert_eq!(rec.bits, 64 * layout.record.words as u64);
        assert_eq!(rec.mean_density(2), Some(6.0 / (2.0 * rec.bits as f64)));
        let f = &s.filters[1];
        assert_eq!(f.column.as_deref(), Some(f0.column.as_str()));
        assert_eq!((f.non_empty, f.ones), (1, 1));
        assert_eq!(f.fill_rate(2), Some(0.5));
        assert_eq!(f.fill_rate(0), None);

        assert!(file_stats(&bytes[..bytes.len() - 1]).is_err());
        let mut altered = bytes.clone();
        let mid = altered.len() / 2;
        altered[mid] ^= 1;
        assert!(file_stats(&altered[..]).is_err());
    }
}
