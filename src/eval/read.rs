//! CSV readers for the evaluation inputs. Columns are found by header name
//! (case-insensitive, blanks trimmed); other columns are ignored.

use std::io::Read;

use super::{Corruptions, EvalError, Truth};

fn reader<R: Read>(r: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(r)
}

fn column(
    headers: &csv::StringRecord,
    input: &'static str,
    name: &'static str,
) -> Result<usize, EvalError> {
    headers
        .iter()
        .position(|h| h.trim_start_matches('\u{feff}').eq_ignore_ascii_case(name))
        .ok_or(EvalError::MissingColumn {
            input,
            column: name,
        })
}

fn cell<'r>(
    rec: &'r csv::StringRecord,
    i: usize,
    input: &'static str,
    row: u64,
    column: &'static str,
) -> Result<&'r str, EvalError> {
    match rec.get(i) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(EvalError::EmptyField { input, row, column }),
    }
}

/// Reads a truth file with columns `record_id,padron,person_id`.
pub fn read_truth<R: Read>(r: R) -> Result<Truth, EvalError> {
    const INPUT: &str = "truth";
    let mut rd = reader(r);
    let csv_err = |source| EvalError::Csv {
        input: INPUT,
        source,
    };
    let headers = rd.headers().map_err(csv_err)?.clone();
    let ci = column(&headers, INPUT, "record_id")?;
    let cp = column(&headers, INPUT, "padron")?;
    let ce = column(&headers, INPUT, "person_id")?;
    let mut truth = Truth::new();
    for (n, rec) in rd.records().enumerate() {
        let rec = rec.map_err(csv_err)?;
        let row = n as u64 + 1;
        let id = cell(&rec, ci, INPUT, row, "record_id")?;
        let padron = cell(&rec, cp, INPUT, row, "padron")?;
        let person = cell(&rec, ce, INPUT, row, "person_id")?;
        truth
            .push(id, padron, person)
            .map_err(|_| EvalError::DuplicateRecord { row })?;
    }
    Ok(truth)
}

/// Reads a pairs file (matches or candidates) with at least the columns
/// `record_id_a,record_id_b`. `input` names the file kind in errors.
pub fn read_pairs<R: Read>(r: R, input: &'static str) -> Result<Vec<(String, String)>, EvalError> {
    let mut rd = reader(r);
    let csv_err = |source| EvalError::Csv { input, source };
    let headers = rd.headers().map_err(csv_err)?.clone();
    let ca = column(&headers, input, "record_id_a")?;
    let cb = column(&headers, input, "record_id_b")?;
    let mut out = Vec::new();
    for (n, rec) in rd.records().enumerate() {
        let rec = rec.map_err(csv_err)?;
        let row = n as u64 + 1;
        let a = cell(&rec, ca, input, row, "record_id_a")?;
        let b = cell(&rec, cb, input, row, "record_id_b")?;
        out.push((a.to_owned(), b.to_owned()));
    }
    Ok(out)
}

/// Reads a corruptions file `record_id,tags` (tags `;`-joined, may be empty).
pub fn read_corruptions<R: Read>(r: R) -> Result<Corruptions, EvalError> {
    const INPUT: &str = "corruptions";
    let mut rd = reader(r);
    let csv_err = |source| EvalError::Csv {
        input: INPUT,
        source,
    };
    let headers = rd.headers().map_err(csv_err)?.clone();
    let ci = column(&headers, INPUT, "record_id")?;
    let ct = column(&headers, INPUT, "tags")?;
    let mut c = Corruptions::new();
    for (n, rec) in rd.records().enumerate() {
        let rec = rec.map_err(csv_err)?;
        let row = n as u64 + 1;
        let id = cell(&rec, ci, INPUT, row, "record_id")?;
        c.push(id, rec.get(ct).unwrap_or(""));
    }
    Ok(c)
}
