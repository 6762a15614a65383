//! Synthetic padrón generation throughput (persons/s), in memory and with
//! CSV writing to a sink.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use padron::synth::{generate, generate_parallel, SynthConfig};

fn cfg(persons: u32) -> SynthConfig {
    SynthConfig {
        persons,
        seed: 1,
        ..SynthConfig::default()
    }
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("synth");
    g.sample_size(10);
    for &n in &[10_000u32, 100_000] {
        g.throughput(Throughput::Elements(u64::from(n)));
        g.bench_with_input(BenchmarkId::new("generate", n), &n, |b, &n| {
            b.iter(|| generate(&cfg(n)).unwrap());
        });
        g.bench_with_input(BenchmarkId::new("generate_parallel", n), &n, |b, &n| {
            b.iter(|| generate_parallel(&cfg(n)).unwrap());
        });
        g.bench_with_input(BenchmarkId::new("generate_and_write", n), &n, |b, &n| {
            b.iter(|| {
                let s = generate(&cfg(n)).unwrap();
                let mut sink = std::io::sink();
                for k in 0..s.padron_count() {
                    s.write_padron(k, &mut sink).unwrap();
                }
                s.write_truth(&mut sink).unwrap();
                s.write_corruptions(&mut sink).unwrap();
            });
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
