//! Properties of the padrón reader on arbitrary input.

use padron::io::{Item, PadronReader, ReadOptions};
use proptest::prelude::*;
use std::io::Read;

/// Hands out its bytes a few at a time, to exercise buffer boundaries.
struct Trickle {
    data: Vec<u8>,
    pos: usize,
    step: usize,
}

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.data.len() - self.pos);
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// A row as (number, record id, canonical cells).
type Seen = (u64, String, Vec<Option<String>>);

/// Rows, rejected row numbers and blank lines; `None` if the file is unusable.
fn collect<R: Read>(input: R) -> Option<(Vec<Seen>, Vec<u64>, u64)> {
    let mut r = PadronReader::new(input, ReadOptions::default()).ok()?;
    let (mut rows, mut rejects) = (Vec::new(), Vec::new());
    for item in &mut r {
        match item.ok()? {
            Item::Row(row) => {
                let cols = padron::io::Column::ALL
                    .iter()
                    .map(|&c| row.get(c).map(str::to_string))
                    .collect();
                rows.push((row.row, row.record_id.clone(), cols));
            }
            Item::Rejected(rej) => rejects.push(rej.row),
            _ => {}
        }
    }
    Some((rows, rejects, r.stats().blank))
}

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-zÑñÁé ]{0,6}",
        Just(String::new()),
        Just("\"q,\"\"x\"\"\"".to_string()),
        Just("1".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Any bytes at all: no panic, and every data row is yielded or rejected
    /// exactly once, numbered 1, 2, 3… in order.
    #[test]
    fn arbitrary_bytes_never_panic_and_rows_are_numbered(data in proptest::collection::vec(any::<u8>(), 0..400)) {
        if let Some((rows, rejects, _)) = collect(&data[..]) {
            let mut numbers: Vec<u64> = rows.iter().map(|r| r.0).chain(rejects.iter().copied()).collect();
            numbers.sort_unstable();
            let expected: Vec<u64> = (1..=numbers.len() as u64).collect();
            prop_assert_eq!(numbers, expected);
        }
    }

    /// Line endings and read boundaries do not change what is read.
    #[test]
    fn line_endings_and_chunking_do_not_matter(
        rows in proptest::collection::vec(proptest::collection::vec(cell(), 3), 1..8),
        blank_after in proptest::collection::vec(any::<bool>(), 8),
        step in 1usize..9,
    ) {
        let mut lf = String::from("record_id,nombre,primer_apellido\n");
        for (i, r) in rows.iter().enumerate() {
            lf.push_str(&r.join(","));
            lf.push('\n');
            if blank_after[i] {
                lf.push('\n');
            }
        }
        let crlf = lf.replace('\n', "\r\n");
        let base = collect(lf.as_bytes());
        prop_assert!(base.is_some());
        let trickled = collect(Trickle { data: crlf.clone().into_bytes(), pos: 0, step });
        prop_assert_eq!(&base, &trickled);
        let no_final_newline = collect(Trickle { data: crlf.trim_end_matches(['\r', '\n']).as_bytes().to_vec(), pos: 0, step });
        let (b_rows, b_rej, b_blank) = base.unwrap();
        let (n_rows, n_rej, n_blank) = no_final_newline.unwrap();
        prop_assert_eq!(b_rows, n_rows);
        prop_assert_eq!(b_rej, n_rej);
        // A blank line at the very end is not between rows, so it is not counted.
        prop_assert!(n_blank <= b_blank);
    }
}
