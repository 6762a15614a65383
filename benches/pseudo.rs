//! Benchmarks for keyed tokens, Bloom encoding and Dice (one core).
//!
//! cargo bench --bench pseudo -- --warm-up-time 1 --measurement-time 3

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};

use padron::bloom::{
    dice, dice_at_least, dice_with_counts, popcount, DiceThreshold, Encoder, Schema,
};
use padron::pseudo::{default_rules, Algorithm, Key, TokenField, TokenInput, Tokenizer};
use padron::synth::{generate, SynthConfig};

fn input() -> TokenInput<'static> {
    let mut t = TokenInput::new();
    t.set_curp("HEGM850312MDFRRR09").unwrap();
    t.set(TokenField::GivenMatch, "MARIA GUADALUPE").unwrap();
    t.set(TokenField::PaternalMatch, "HERNANDEZ").unwrap();
    t.set(TokenField::MaternalMatch, "GARCIA").unwrap();
    t.set(TokenField::GivenMxf1, "MARIA GUADALUPE").unwrap();
    t.set(TokenField::PaternalMxf1, "ERNANDES").unwrap();
    t.set(TokenField::MaternalMxf1, "GARSIA").unwrap();
    t.set(TokenField::BirthDate, "1985-03-12").unwrap();
    t.set(TokenField::Sex, "M").unwrap();
    t
}

fn tokens(c: &mut Criterion) {
    let key = Key::from_bytes([7; 32]);
    let t = input();
    let mut g = c.benchmark_group("token");
    g.throughput(Throughput::Elements(1));
    for alg in [Algorithm::HmacSha256, Algorithm::Blake3] {
        let tok = Tokenizer::new(&key, alg, default_rules()).unwrap();
        let rule = tok.rule_index("given_paternal_dob").unwrap();
        g.bench_function(format!("{alg}/one_rule_given_paternal_dob"), |b| {
            b.iter(|| tok.token(black_box(rule), black_box(&t)))
        });
        let mut out = Vec::new();
        g.bench_function(format!("{alg}/default_rules"), |b| {
            b.iter(|| tok.tokens_into(black_box(&t), &mut out))
        });
    }
    g.finish();
}

const ROWS: [[&str; 6]; 4] = [
    [
        "MARIA GUADALUPE",
        "HERNANDEZ",
        "GARCIA",
        "1985-03-12",
        "M",
        "DF",
    ],
    ["JOSE LUIS", "MARTINEZ", "LOPEZ", "1972-11-02", "H", "JC"],
    ["ANA", "PEREZ", "SANCHEZ", "2001-07-30", "M", "NL"],
    [
        "JUAN CARLOS",
        "RAMIREZ",
        "DE LA CRUZ",
        "1990-01-15",
        "H",
        "PL",
    ],
];

fn bloom(c: &mut Criterion) {
    let key = Key::from_bytes([7; 32]);
    let enc = Encoder::new(&key, Schema::padron()).unwrap();
    let rows: Vec<Vec<Option<&str>>> = ROWS
        .iter()
        .map(|r| r.iter().map(|v| Some(*v)).collect())
        .collect();
    let mut out = vec![0u64; enc.layout().words_per_record];
    let mut g = c.benchmark_group("bloom");
    g.throughput(Throughput::Elements(rows.len() as u64));
    g.bench_function("encode_padron_record_default_schema_x4", |b| {
        b.iter(|| {
            for r in &rows {
                enc.encode_into(black_box(r), &mut out).unwrap();
            }
        })
    });
    let mut cache = enc.new_cache();
    g.bench_function("encode_padron_record_default_schema_cached_x4", |b| {
        b.iter(|| {
            for r in &rows {
                enc.encode_with(&mut cache, black_box(r), &mut out).unwrap();
            }
        })
    });
    g.finish();

    // Realistic variety: a synthetic padrón (names, years, dates as a
    // registry has them), each pass with a fresh cache, so the salt tables
    // and remembered values are filled within the pass as a thread
    // encoding a 20 000-record chunk would.
    let synth = generate(&SynthConfig {
        persons: 20_000,
        seed: 1,
        ..SynthConfig::default()
    })
    .unwrap();
    let records: Vec<[String; 6]> = synth
        .padron(0)
        .unwrap()
        .iter()
        .map(|r| {
            let f = &r.fields;
            [
                f.nombre.clone(),
                f.primer_apellido.clone(),
                f.segundo_apellido.clone(),
                f.fecha_nacimiento.clone(),
                f.sexo.to_string(),
                f.entidad_nacimiento.to_string(),
            ]
        })
        .collect();
    let rows: Vec<Vec<Option<&str>>> = records
        .iter()
        .map(|r| r.iter().map(|v| Some(v.as_str())).collect())
        .collect();
    let mut g = c.benchmark_group("bloom");
    g.sample_size(10);
    g.throughput(Throughput::Elements(rows.len() as u64));
    g.bench_function(
        format!(
            "encode_padron_record_default_schema_synth_fresh_cache_x{}",
            rows.len()
        ),
        |b| {
            b.iter(|| {
                let mut cache = enc.new_cache();
                for r in &rows {
                    enc.encode_with(&mut cache, black_box(r), &mut out).unwrap();
                }
            })
        },
    );
    // The same rows with the cache kept across passes: the steady state of
    // a thread deep into a large padrón (salt tables full, the first 7 168
    // values of each field remembered, later new values encoded afresh).
    let mut cache = enc.new_cache();
    g.bench_function(
        format!(
            "encode_padron_record_default_schema_synth_warm_cache_x{}",
            rows.len()
        ),
        |b| {
            b.iter(|| {
                for r in &rows {
                    enc.encode_with(&mut cache, black_box(r), &mut out).unwrap();
                }
            })
        },
    );
    g.finish();

    // Dice on 1024-bit (16-word) and 512-bit filters; a batch of 1024
    // comparisons against one probe so the loop resembles a linker's.
    let filters: Vec<[u64; 16]> = (0..1024u64)
        .map(|i| {
            std::array::from_fn(|j| {
                (i + 1)
                    .wrapping_mul(0x9e37_79b9_7f4a_7c15)
                    .rotate_left(j as u32 * 7)
            })
        })
        .collect();
    let counts: Vec<u32> = filters.iter().map(|f| popcount(f)).collect();
    let probe = filters[17];
    let pc = popcount(&probe);
    eprintln!("dice kernel: {}", padron::bloom::dice_kernel());
    let mut g = c.benchmark_group("dice");
    g.throughput(Throughput::Elements(filters.len() as u64));
    g.bench_function("1024bit_with_counts", |b| {
        b.iter(|| {
            let mut s = 0.0;
            for (f, &c) in filters.iter().zip(&counts) {
                s += dice_with_counts(black_box(&probe), f, pc, c);
            }
            s
        })
    });
    g.bench_function("1024bit_popcount_both", |b| {
        b.iter(|| {
            let mut s = 0.0;
            for f in &filters {
                s += dice(black_box(&probe), f);
            }
            s
        })
    });
    // The batch kernel: integer threshold test, no division; every pair
    // is compared (the probe's count does not let the count bound skip).
    let flat16: Vec<u64> = filters.iter().flatten().copied().collect();
    let flat8: Vec<u64> = filters.iter().flat_map(|f| f[..8].to_vec()).collect();
    let counts8: Vec<u32> = filters.iter().map(|f| popcount(&f[..8])).collect();
    let t = DiceThreshold::from_f64(0.5).unwrap();
    let mut out = Vec::with_capacity(1024);
    g.bench_function("1024bit_batch_at_least", |b| {
        b.iter(|| {
            out.clear();
            dice_at_least(black_box(&probe), pc, &flat16, &counts, t, &mut out);
            out.len()
        })
    });
    let pc8 = popcount(&probe[..8]);
    g.bench_function("512bit_batch_at_least", |b| {
        b.iter(|| {
            out.clear();
            dice_at_least(black_box(&probe[..8]), pc8, &flat8, &counts8, t, &mut out);
            out.len()
        })
    });
    g.bench_function("512bit_with_counts", |b| {
        b.iter(|| {
            let mut s = 0.0;
            for (f, &c) in filters.iter().zip(&counts) {
                s += dice_with_counts(black_box(&probe[..8]), &f[..8], pc, c);
            }
            s
        })
    });
    g.finish();
}

criterion_group!(benches, tokens, bloom);
criterion_main!(benches);
