//! Shared loader for the `testdata/names/*.tsv` vector files.
#![allow(dead_code)]

use std::path::PathBuf;

/// One data row: its 1-based line number and its columns.
pub struct Row {
    pub line: usize,
    pub cols: Vec<String>,
}

impl Row {
    pub fn col(&self, i: usize) -> &str {
        self.cols.get(i).map_or("", String::as_str)
    }

    /// `-` means "missing".
    pub fn opt(&self, i: usize) -> Option<&str> {
        let c = self.col(i);
        (c != "-").then_some(c)
    }
}

/// Reads a vector file: `#` comments, a header line, then tab-separated
/// rows with `\u{XXXX}` escapes. Every row must have the header's width.
pub fn load(name: &str) -> Vec<Row> {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "testdata", "names", name]
        .iter()
        .collect();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut rows = Vec::new();
    let mut width = None;
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let cols: Vec<String> = line.split('\t').map(unescape).collect();
        match width {
            None => width = Some(cols.len()),
            Some(w) => {
                assert_eq!(cols.len(), w, "{name}:{}: wrong number of columns", i + 1);
                rows.push(Row { line: i + 1, cols });
            }
        }
    }
    assert!(!rows.is_empty(), "{name}: no rows");
    rows
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(p) = rest.find("\\u{") {
        out.push_str(&rest[..p]);
        let after = &rest[p + 3..];
        let end = after.find('}').expect("unterminated \\u{ escape");
        let code = u32::from_str_radix(&after[..end], 16).expect("bad hex in \\u{}");
        out.push(char::from_u32(code).expect("not a char"));
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Collects failures and reports them all at once.
#[derive(Default)]
pub struct Failures(Vec<String>);

impl Failures {
    pub fn check<T: PartialEq + std::fmt::Debug>(
        &mut self,
        what: &str,
        line: usize,
        got: T,
        want: T,
    ) {
        if got != want {
            self.0
                .push(format!("line {line}: {what}: got {got:?}, want {want:?}"));
        }
    }

    pub fn finish(self, file: &str) {
        assert!(
            self.0.is_empty(),
            "{file}: {} failures:\n{}",
            self.0.len(),
            self.0.join("\n")
        );
    }
}
