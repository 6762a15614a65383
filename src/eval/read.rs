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
    read_truth_of(r, None)
}

/// [`read_truth`] keeping only the rows of padrón `only` (when set): the
/// truth of one padrón's deduplication, from a truth file that covers
/// several.
pub fn read_truth_of<R: Read>(r: R, only: Option<&str>) -> Result<Truth, EvalError> {
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
        if only.is_some_and(|p| p != padron) {
            continue;
        }
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

/// Reads a clusters file `record_id,cluster_id` (what `padron dedupe`
/// writes) as the pairs it declares: every two records of one cluster, in
/// order of first appearance. A cluster of more than `max_cluster` records
/// is an error (its pairs would not fit in memory).
pub fn read_clusters<R: Read>(
    r: R,
    max_cluster: usize,
) -> Result<Vec<(String, String)>, EvalError> {
    const INPUT: &str = "clusters";
    let mut rd = reader(r);
    let csv_err = |source| EvalError::Csv {
        input: INPUT,
        source,
    };
    let headers = rd.headers().map_err(csv_err)?.clone();
    let ci = column(&headers, INPUT, "record_id")?;
    let cc = column(&headers, INPUT, "cluster_id")?;
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut clusters: Vec<Vec<String>> = Vec::new();
    for (n, rec) in rd.records().enumerate() {
        let rec = rec.map_err(csv_err)?;
        let row = n as u64 + 1;
        let id = cell(&rec, ci, INPUT, row, "record_id")?;
        let c = cell(&rec, cc, INPUT, row, "cluster_id")?;
        let k = *index.entry(c.to_owned()).or_insert_with(|| {
            clusters.push(Vec::new());
            clusters.len() - 1
        });
        let members = &mut clusters[k];
        if members.len() >= max_cluster {
            return Err(EvalError::ClusterTooLarge { row, max_cluster });
        }
        members.push(id.to_owned());
    }
    let mut out = Vec::new();
    for members in &clusters {
        for (x, a) in members.iter().enumerate() {
            for b in &members[x + 1..] {
                out.push((a.clone(), b.clone()));
            }
        }
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
