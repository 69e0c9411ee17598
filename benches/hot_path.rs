//! The hot path against two baselines built from the same tables in the same run: std
//! `HashMap<(Provider, Surface, &[u8]), &Entry>` and a rustc `match` generated from the same
//! YAML (see `support/baselines.rs`).
//!
//! `cargo bench --features bench-baselines --bench hot_path`. Each benchmark looks up a whole
//! key mix per iteration (throughput in elements): time per lookup = median / mix length, as
//! BENCHMARKS.md reports it.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use psp_status::classify_bytes;
use std::hint::black_box;
use std::time::Duration;

#[path = "support/baselines.rs"]
mod baselines;
use baselines::{HashBaseline, Key, MatchBaseline, Ranks, Triple};

/// Benchmarks psp-status and both baselines on one key mix.
fn compare(c: &mut Criterion, group: &str, keys: &[Key]) {
    if keys.is_empty() {
        eprintln!("{group}: no such values in the tables, skipped");
        return;
    }
    let hash = HashBaseline::build();
    let matcher = MatchBaseline::build();
    let fields = baselines::as_fields(keys);
    let mut g = c.benchmark_group(group);
    g.throughput(Throughput::Elements(keys.len() as u64));
    g.bench_function(BenchmarkId::new("psp_status", keys.len()), |b| {
        b.iter(|| {
            for &(f, raw) in black_box(&fields) {
                black_box(classify_bytes(f, raw));
            }
        })
    });
    g.bench_function(BenchmarkId::new("std_hashmap", keys.len()), |b| {
        b.iter(|| {
            for &(p, s, raw) in black_box(keys) {
                black_box(hash.classify(p, s, raw));
            }
        })
    });
    g.bench_function(BenchmarkId::new("match", keys.len()), |b| {
        b.iter(|| {
            for &(p, s, raw) in black_box(keys) {
                black_box(matcher.classify(p, s, raw));
            }
        })
    });
    g.finish();
}

fn classify_hit(c: &mut Criterion) {
    compare(c, "classify_hit", &baselines::hits());
}

fn classify_miss(c: &mut Criterion) {
    compare(c, "classify_miss", &baselines::misses());
}

fn rule_prefix(c: &mut Criterion) {
    compare(c, "rule_prefix", &baselines::rule_hits(true));
}

fn rule_range(c: &mut Criterion) {
    compare(c, "rule_range", &baselines::rule_hits(false));
}

fn case_insensitive_hit(c: &mut Criterion) {
    compare(c, "case_insensitive_hit", &baselines::case_variants());
}

fn resolve_three(c: &mut Criterion) {
    let triples: Vec<Triple> = baselines::triples(1000);
    let hash = HashBaseline::build();
    let matcher = MatchBaseline::build();
    let ranks = Ranks::build();
    let fields = baselines::triples_as_fields(&triples);
    let mut g = c.benchmark_group("resolve_3_signals");
    g.throughput(Throughput::Elements(triples.len() as u64));
    g.bench_function(BenchmarkId::new("psp_status", triples.len()), |b| {
        b.iter(|| {
            for (p, signals) in black_box(&fields) {
                let _ = black_box(p.resolve_bytes(signals));
            }
        })
    });
    g.bench_function(BenchmarkId::new("std_hashmap", triples.len()), |b| {
        b.iter(|| {
            for (p, signals) in black_box(&triples) {
                black_box(ranks.resolve(*p, signals, |p, s, r| hash.classify(p, s, r)));
            }
        })
    });
    g.bench_function(BenchmarkId::new("match", triples.len()), |b| {
        b.iter(|| {
            for (p, signals) in black_box(&triples) {
                black_box(ranks.resolve(*p, signals, |p, s, r| matcher.classify(p, s, r)));
            }
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = classify_hit, classify_miss, rule_prefix, rule_range, case_insensitive_hit,
        resolve_three
}
criterion_main!(benches);
