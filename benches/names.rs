//! Benchmarks for name normalization, MXF-1 keys and the comparators.
//!
//! Targets (one core): ≤ 200 ns to normalize a typical three-field name,
//! ≤ 100 ns per MXF-1 token key, ≤ 150 ns per given-name comparison.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use padron::date::Date;
use padron::name::{self, Normalizer};
use padron::phonetic;
use padron::similarity::{self, DateComparator, PreparedGiven};

fn normalize(c: &mut Criterion) {
    let mut g = c.benchmark_group("normalize");
    let mut n = Normalizer::default();
    g.bench_function("ascii MARIA GUADALUPE|HERNANDEZ|LOPEZ", |b| {
        b.iter(|| {
            n.normalize(
                black_box("MARIA GUADALUPE"),
                black_box("HERNANDEZ"),
                black_box("LOPEZ"),
            )
        })
    });
    g.bench_function("ascii MARIA GUADALUPE|HERNANDEZ|DE LA CRUZ", |b| {
        b.iter(|| {
            n.normalize(
                black_box("MARIA GUADALUPE"),
                black_box("HERNANDEZ"),
                black_box("DE LA CRUZ"),
            )
        })
    });
    g.bench_function("accents José Luis|Hernández|García", |b| {
        b.iter(|| {
            n.normalize(
                black_box("José Luis"),
                black_box("Hernández"),
                black_box("García"),
            )
        })
    });
    g.bench_function("mixed María Guadalupe|Hernández|de la Cruz", |b| {
        b.iter(|| {
            n.normalize(
                black_box("María Guadalupe"),
                black_box("Hernández"),
                black_box("de la Cruz"),
            )
        })
    });
    g.bench_function("lowercase maria guadalupe|hernandez|lopez", |b| {
        b.iter(|| {
            n.normalize(
                black_box("maria guadalupe"),
                black_box("hernandez"),
                black_box("lopez"),
            )
        })
    });
    g.bench_function("particles Ma. de los Ángeles|de la Cruz|Muñoz", |b| {
        b.iter(|| {
            n.normalize(
                black_box("Ma. de los Ángeles"),
                black_box("de la Cruz"),
                black_box("Muñoz"),
            )
        })
    });
    g.bench_function("mojibake JosÃ©|MuÃ±oz|PÃ©rez", |b| {
        b.iter(|| n.normalize(black_box("JosÃ©"), black_box("MuÃ±oz"), black_box("PÃ©rez")))
    });
    g.bench_function("bytes 1252 JOS\\xC9|MU\\xD1OZ|LOPEZ", |b| {
        b.iter(|| {
            n.normalize_bytes(
                black_box(b"JOS\xC9"),
                black_box(b"MU\xD1OZ"),
                black_box(b"LOPEZ"),
            )
        })
    });
    g.bench_function("one-shot normalize() ascii", |b| {
        b.iter(|| {
            name::normalize(
                black_box("MARIA GUADALUPE"),
                black_box("HERNANDEZ"),
                black_box("LOPEZ"),
            )
        })
    });
    g.bench_function("parse_full_name 4 tokens", |b| {
        b.iter(|| n.parse_full_name(black_box("JOSE LUIS HERNANDEZ GARCIA")))
    });
    g.finish();
}

fn mxf1(c: &mut Criterion) {
    let mut g = c.benchmark_group("mxf1");
    for tok in ["HERNANDEZ", "XIMENA", "GUADALUPE", "JUAN"] {
        g.bench_function(format!("token_keys {tok}"), |b| {
            b.iter(|| phonetic::token_keys(black_box(tok)))
        });
    }
    g.bench_function("primary VELAZQUEZ", |b| {
        b.iter(|| phonetic::primary(black_box("VELAZQUEZ")))
    });
    g.bench_function("field_keys DE LA CRUZ", |b| {
        b.iter(|| phonetic::field_keys(black_box("DE LA CRUZ")))
    });
    g.finish();
}

fn comparators(c: &mut Criterion) {
    let pairs = [
        (
            ("JUAN CARLOS", "LOPEZ", "RUIZ"),
            ("JUAN CARLOS", "LOPEZ", "RUIZ"),
        ),
        (
            ("MARIA GUADALUPE", "HERNANDEZ", "GARCIA"),
            ("GUADALUPE", "HERNANDES", ""),
        ),
        (("PEPE", "LOPEZ", "GARCIA"), ("JOSE", "GARCIA", "LOPEZ")),
        (
            ("GUILLERMO", "DE LA CRUZ", "GOMEZ"),
            ("GILLERMO", "DELACRUZ", "GOMEZ"),
        ),
        (("PEDRO", "RUIZ", "SOTO"), ("MARTA", "PEREZ", "LUNA")),
        (("XIMENA", "VELAZQUEZ", ""), ("JIMENA", "VELASQUEZ", "")),
    ];
    let names: Vec<_> = pairs
        .iter()
        .map(|(a, b)| {
            (
                name::normalize(a.0, a.1, a.2),
                name::normalize(b.0, b.1, b.2),
            )
        })
        .collect();
    let mut g = c.benchmark_group("compare");
    for ((a, b), (x, y)) in pairs.iter().zip(&names) {
        let level = similarity::compare_given(x.given(), y.given());
        g.bench_function(format!("given {} / {} ({level})", a.0, b.0), |bch| {
            bch.iter(|| similarity::compare_given(black_box(x.given()), black_box(y.given())))
        });
    }
    g.bench_function("given mix of 6 pairs (per pair = /6)", |bch| {
        bch.iter(|| {
            for (x, y) in &names {
                black_box(similarity::compare_given(x.given(), y.given()));
            }
        })
    });
    let prepared: Vec<_> = names
        .iter()
        .map(|(x, y)| {
            (
                x.given().map(PreparedGiven::new),
                y.given().map(PreparedGiven::new),
            )
        })
        .collect();
    g.bench_function("given prepared, mix of 6 pairs (per pair = /6)", |bch| {
        bch.iter(|| {
            for (x, y) in &prepared {
                black_box(similarity::compare_prepared_given(x.as_ref(), y.as_ref()));
            }
        })
    });
    for ((a, b), (x, y)) in pairs.iter().zip(&names) {
        let level = similarity::compare_surnames(x, y);
        g.bench_function(
            format!("surnames {} {} / {} {} ({level})", a.1, a.2, b.1, b.2),
            |bch| bch.iter(|| similarity::compare_surnames(black_box(x), black_box(y))),
        );
    }
    let cmp = DateComparator::new(Date::new(2023, 6, 30));
    let d1 = Date::new(1980, 5, 7);
    let d2 = Date::new(1980, 7, 5);
    g.bench_function("date 1980-05-07 / 1980-07-05", |bch| {
        bch.iter(|| cmp.compare(black_box(d1), black_box(d2)))
    });
    let (x, y) = &names[0];
    g.bench_function("whole name Monge-Elkan (3 tokens each)", |bch| {
        bch.iter(|| similarity::compare_whole_names(black_box(x), black_box(y)))
    });
    g.bench_function(
        "monge_elkan JOSE LUIS HERNANDEZ / HERNANDEZ JOSE LUIS",
        |bch| {
            bch.iter(|| {
                similarity::monge_elkan(
                    black_box("JOSE LUIS HERNANDEZ"),
                    black_box("HERNANDEZ JOSE LUIS"),
                )
            })
        },
    );
    g.finish();
}

criterion_group!(benches, normalize, mxf1, comparators);
criterion_main!(benches);
