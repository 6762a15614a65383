//! Padrón reading throughput (rows/s) on an in-memory synthetic padrón of
//! about 100 000 rows: reading alone (with and without handing rows back
//! for reuse), and reading plus the per-row work of `padron curp validate`
//! (`classify`, then `consistency` for valid CURPs) and of `padron curp
//! derive` (`derive_root` and `derive_probable`).

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use padron::curp::{self, ParseOptions, PersonData, RecordFields, Status};
use padron::date::Date;
use padron::io::{Column, Item, PadronReader, ReadOptions, Row};
use padron::synth::{generate, SynthConfig};

/// One padrón of ~100 k rows (97 000 persons plus duplicates), as CSV.
fn padron_csv() -> Vec<u8> {
    let cfg = SynthConfig {
        persons: 97_000,
        padrones: 1,
        seed: 7,
        ..SynthConfig::default()
    };
    let synth = generate(&cfg).expect("valid synth config");
    let mut csv = Vec::new();
    synth.write_padron(0, &mut csv).expect("write to memory");
    csv
}

/// Reads every row, calling `f` on each; returns the number of rows.
fn read_all(data: &[u8], recycle: bool, mut f: impl FnMut(&Row)) -> u64 {
    let mut reader = PadronReader::new(data, ReadOptions::default()).expect("header");
    let mut n = 0;
    while let Some(item) = reader.read().expect("in-memory read") {
        if let Item::Row(row) = item {
            n += 1;
            f(&row);
            if recycle {
                reader.recycle(row);
            }
        }
    }
    n
}

fn fields(row: &Row) -> RecordFields<'_> {
    RecordFields {
        given_names: row.get(Column::Nombre),
        first_surname: row.get(Column::PrimerApellido),
        second_surname: Some(row.get(Column::SegundoApellido).unwrap_or("")),
        birth_date: row.birth_date,
        sex: row.sex,
        state: row.birth_state,
    }
}

fn bench(c: &mut Criterion) {
    let data = padron_csv();
    let rows = read_all(&data, true, |_| {});
    let opts = ParseOptions::default().today(Date::new(2025, 1, 1).expect("valid date"));
    let mut g = c.benchmark_group(format!("io_{rows}_rows"));
    g.sample_size(10);
    g.throughput(Throughput::Elements(rows));
    g.bench_function("read", |b| {
        b.iter(|| {
            read_all(&data, true, |r| {
                black_box(r.get(Column::Curp));
            })
        })
    });
    g.bench_function("read_no_recycle", |b| {
        b.iter(|| {
            read_all(&data, false, |r| {
                black_box(r.get(Column::Curp));
            })
        })
    });
    g.bench_function("read_validate", |b| {
        b.iter(|| {
            read_all(&data, true, |r| {
                let status = curp::classify(r.get(Column::Curp).unwrap_or(""), &opts);
                if let Status::Valid(c) = &status {
                    black_box(curp::consistency(c, &fields(r)));
                }
                black_box(status);
            })
        })
    });
    g.bench_function("read_derive", |b| {
        b.iter(|| {
            read_all(&data, true, |r| {
                if let (Some(given), Some(birth_date), Some(sex), Some(state)) =
                    (r.get(Column::Nombre), r.birth_date, r.sex, r.birth_state)
                {
                    let p = PersonData {
                        given_names: given,
                        first_surname: r.get(Column::PrimerApellido).unwrap_or(""),
                        second_surname: r.get(Column::SegundoApellido).unwrap_or(""),
                        birth_date,
                        sex,
                        state,
                    };
                    black_box((curp::derive_root(&p), curp::derive_probable(&p)));
                }
            })
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
