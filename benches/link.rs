//! Criterion benches of the `link` engine on synthetic encoded padrones
//! (tests/support/encoded.rs: Zipf names, corrupted copies, 256-bit field
//! filters, 1024-bit record filters, 5 token rules).
//!
//!     cargo bench --bench link -- --warm-up-time 1 --measurement-time 3

#[path = "../tests/support/encoded.rs"]
mod encoded;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use encoded::{dedupe_data, pair_data, Corruption};
use padron::link::{LinkConfig, LinkInput, Linker, NoProgress};

fn bench_link(c: &mut Criterion) {
    let linker = Linker::new(LinkConfig::default()).unwrap();
    let mut g = c.benchmark_group("link");
    g.sample_size(10);
    for &n in &[20_000usize, 100_000] {
        let d = pair_data(n, 0.5, 0.05, &Corruption::default(), 11);
        let records = (d.a.len() + d.b.len()) as u64;
        g.throughput(Throughput::Elements(records));
        g.bench_with_input(BenchmarkId::new("candidates", n), &d, |b, d| {
            b.iter(|| {
                linker
                    .link_candidates(&d.a, &d.b, &NoProgress)
                    .unwrap()
                    .0
                    .len()
            })
        });
        g.bench_with_input(BenchmarkId::new("link", n), &d, |b, d| {
            b.iter(|| linker.link(&d.a, &d.b, &NoProgress).unwrap().matches.len())
        });
    }
    g.finish();
}

fn bench_dedupe(c: &mut Criterion) {
    let linker = Linker::new(LinkConfig::default()).unwrap();
    let mut g = c.benchmark_group("dedupe");
    g.sample_size(10);
    let (input, _) = dedupe_data(50_000, 0.1, &Corruption::default(), 12);
    g.throughput(Throughput::Elements(input.len() as u64));
    g.bench_function("dedupe/50000", |b| {
        b.iter(|| linker.dedupe(&input, &NoProgress).unwrap().len())
    });
    g.finish();
}

criterion_group!(benches, bench_link, bench_dedupe);
criterion_main!(benches);
