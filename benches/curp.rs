//! Benchmarks of the curp module: strict parse of valid CURPs, classify of
//! registry-like cells, root derivation. Inputs are synthetic and
//! deterministic (invented names, dates spread over 1930–2019).

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use padron::curp::{
    classify, consistency, derive_probable, derive_root, Curp, ParseOptions, PersonData,
    RecordFields, Sex, State,
};
use padron::date::Date;

const GIVEN: [&str; 8] = [
    "MARIA LUISA",
    "JOSE ANTONIO",
    "GUADALUPE",
    "JUAN CARLOS",
    "MA. DE LOS ÁNGELES",
    "ÑACURUTÚ",
    "ROSA ISELA",
    "FRANCISCO JAVIER",
];
const FIRST: [&str; 8] = [
    "HERNÁNDEZ",
    "GARCÍA",
    "MARTÍNEZ",
    "LÓPEZ",
    "DE LA CRUZ",
    "PEÑA",
    "O’HARA",
    "RAMÍREZ",
];
const SECOND: [&str; 8] = [
    "",
    "SÁNCHEZ",
    "PÉREZ",
    "GÓMEZ",
    "DEL RÍO",
    "ARGÜELLO",
    "NIETO",
    "TORRES",
];

fn people() -> Vec<(usize, usize, usize, Date, Sex, State)> {
    let start = Date::new(1930, 1, 1).unwrap().ordinal();
    (0..1024usize)
        .map(|i| {
            let d = Date::from_ordinal(start + (i as i64 * 7919) % 32_000).unwrap();
            let sex = [Sex::Hombre, Sex::Mujer][i % 2];
            (i % 8, (i / 8) % 8, (i / 64) % 8, d, sex, State::ALL[i % 33])
        })
        .collect()
}

fn person(p: &(usize, usize, usize, Date, Sex, State)) -> PersonData<'static> {
    PersonData {
        given_names: GIVEN[p.0],
        first_surname: FIRST[p.1],
        second_surname: SECOND[p.2],
        birth_date: p.3,
        sex: p.4,
        state: p.5,
    }
}

fn bench(c: &mut Criterion) {
    let people = people();
    let curps: Vec<String> = people
        .iter()
        .map(|p| derive_probable(&person(p)).to_string())
        .collect();
    let opts = ParseOptions::default().today(Date::new(2025, 1, 1).unwrap());
    assert!(curps.iter().all(|c| Curp::parse(c, &opts).is_ok()));

    let mut g = c.benchmark_group("curp");
    g.throughput(Throughput::Elements(curps.len() as u64));
    g.bench_function("parse_valid", |b| {
        b.iter(|| {
            for s in &curps {
                let _ = black_box(Curp::parse(black_box(s), &opts));
            }
        })
    });

    // Registry-like cells: clean, lower case with blanks, hyphenated,
    // wrong check digit, missing marker.
    let cells: Vec<String> = curps
        .iter()
        .enumerate()
        .map(|(i, s)| match i % 5 {
            0 | 1 => s.clone(),
            2 => format!(" {} ", s.to_lowercase()),
            3 => format!("{}-{}", &s[..10], &s[10..]),
            _ => format!("{}{}", &s[..17], (s.as_bytes()[17] - b'0' + 1) % 10),
        })
        .collect();
    g.bench_function("classify_mixed", |b| {
        b.iter(|| {
            for s in &cells {
                let _ = black_box(classify(black_box(s), &opts));
            }
        })
    });
    g.bench_function("classify_clean", |b| {
        b.iter(|| {
            for s in &curps {
                let _ = black_box(classify(black_box(s), &opts));
            }
        })
    });

    let persons: Vec<PersonData<'static>> = people.iter().map(person).collect();
    g.bench_function("derive_root", |b| {
        b.iter(|| {
            for p in &persons {
                black_box(derive_root(black_box(p)));
            }
        })
    });

    let parsed: Vec<Curp> = curps
        .iter()
        .map(|s| Curp::parse(s, &opts).unwrap())
        .collect();
    g.bench_function("consistency", |b| {
        b.iter(|| {
            for (c, p) in parsed.iter().zip(&persons) {
                let rec = RecordFields {
                    given_names: Some(p.given_names),
                    first_surname: Some(p.first_surname),
                    second_surname: Some(p.second_surname),
                    birth_date: Some(p.birth_date),
                    sex: Some(p.sex),
                    state: Some(p.state),
                };
                black_box(consistency(black_box(c), &rec));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
