//! CSV export: hex tokens, base64 filters.

use std::io::{Read, Write};

use super::{base64, Error, Reader, Record};

/// Streams an encodings file to CSV with columns `record_id`, one
/// `token_<rule>` per token rule (32 lower-case hex digits, empty when
/// absent), `filter_record` and one `filter_<column>` per field with a
/// per-field filter (standard base64 of the filter's words as
/// little-endian bytes). Returns the number of records.
///
/// The checksum is verified at the end: on error, discard what was written.
pub fn export_csv<R: Read, W: Write>(mut reader: Reader<R>, out: W) -> Result<u64, Error> {
    let header = reader.header().clone();
    let layout = header.layout().clone();
    let mut w = csv::Writer::from_writer(out);
    let csv_err = |e: csv::Error| match e.into_kind() {
        csv::ErrorKind::Io(e) => Error::Io(e),
        _ => Error::Io(std::io::Error::other("CSV writer failed")),
    };
    let mut cols = vec!["record_id".to_string()];
    cols.extend(header.rules().iter().map(|r| format!("token_{}", r.name())));
    cols.push("filter_record".to_string());
    let with_filter: Vec<_> = layout.fields.iter().filter(|f| f.slot.words > 0).collect();
    cols.extend(with_filter.iter().map(|f| format!("filter_{}", f.column)));
    w.write_record(&cols).map_err(csv_err)?;
    let mut rec = Record::default();
    let mut row: Vec<String> = Vec::with_capacity(cols.len());
    let mut bytes = Vec::new();
    let mut b64 = |words: &[u64]| {
        bytes.clear();
        for x in words {
            bytes.extend_from_slice(&x.to_le_bytes());
        }
        base64::encode(&bytes)
    };
    while reader.next_record(&mut rec)? {
        row.clear();
        row.push(rec.id.clone());
        row.extend(
            rec.tokens
                .iter()
                .map(|t| t.map(|t| t.to_hex()).unwrap_or_default()),
        );
        let slice = |o: usize, n: usize| rec.filters.get(o..o + n).unwrap_or(&[]);
        row.push(b64(slice(layout.record.offset, layout.record.words)));
        for f in &with_filter {
            row.push(b64(slice(f.slot.offset, f.slot.words)));
        }
        w.write_record(&row).map_err(csv_err)?;
    }
    w.flush()?;
    Ok(reader.records_read())
}
