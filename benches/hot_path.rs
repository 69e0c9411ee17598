//! The hot path against baselines built from the same tables in the same run: a
//! `HashMap<(Provider, Surface, &[u8]), &Entry>` with foldhash and with std's SipHash, and a
//! rustc `match` generated from the same YAML (see `support/baselines.rs`).
//!
//! `cargo bench --features bench-baselines --bench hot_path`. Each benchmark runs a shuffled
//! stream of 64 Ki queries drawn from one key mix per iteration (throughput in elements): time
//! per lookup = median / stream length, as BENCHMARKS.md reports it.
//!
//! psp-status is measured through `classify_bytes` (the 32-byte `Classification`) and
//! `lookup` (the 16-byte `Answer`). Every engine is measured twice: `…_inline`, where the
//! lookup is inlined into the loop (one call site), and `…_outline`, where the loop calls it
//! through an `#[inline(never)]` function, as a service with several call sites gets it (the
//! result is then returned from a call).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use psp_status::{
    classify_bytes, lookup, Answer as PspAnswer, Classification, Field, Provider, Surface,
};
use std::hint::black_box;
use std::time::Duration;

#[path = "support/baselines.rs"]
mod baselines;
use baselines::{
    Answer, FoldBaseline, HashBaseline, Key, MatchBaseline, Ranks, Triple, STREAM_LEN,
};

/// `classify_bytes` behind a call.
#[inline(never)]
fn psp_status_outline(f: Field, raw: &[u8]) -> Classification<'_> {
    classify_bytes(f, raw)
}

/// `lookup` (the two-register answer) behind a call.
#[inline(never)]
fn psp_status_lookup_outline(f: Field, raw: &[u8]) -> PspAnswer {
    lookup(f, raw)
}

/// The foldhash baseline behind a call.
#[inline(never)]
fn foldhash_outline(h: &FoldBaseline, p: Provider, s: Surface, raw: &[u8]) -> Answer {
    h.classify(p, s, raw)
}

/// The std baseline behind a call.
#[inline(never)]
fn std_outline(h: &HashBaseline, p: Provider, s: Surface, raw: &[u8]) -> Answer {
    h.classify(p, s, raw)
}

/// The `match` baseline behind a call.
#[inline(never)]
fn match_outline(m: &MatchBaseline, p: Provider, s: Surface, raw: &[u8]) -> Answer {
    m.classify(p, s, raw)
}

/// Benchmarks psp-status and the baselines on a stream drawn from one key mix.
fn compare(c: &mut Criterion, group: &str, mix: &[Key], seed: u64) {
    if mix.is_empty() {
        eprintln!("{group}: no such values in the tables, skipped");
        return;
    }
    let keys = baselines::stream(mix, STREAM_LEN, seed);
    let fold = FoldBaseline::build();
    let std = HashBaseline::build();
    let matcher = MatchBaseline::build();
    let fields = baselines::as_fields(&keys);
    let n = keys.len();
    let mut g = c.benchmark_group(group);
    g.throughput(Throughput::Elements(n as u64));
    macro_rules! run {
        ($name:literal, $items:expr, |$item:pat_param| $lookup:expr) => {
            g.bench_function(BenchmarkId::new($name, n), |b| {
                b.iter(|| {
                    for $item in black_box($items) {
                        black_box($lookup);
                    }
                })
            });
        };
    }
    run!("psp_status_outline", &fields, |&(f, raw)| {
        psp_status_outline(f, raw)
    });
    run!("psp_status_lookup_outline", &fields, |&(f, raw)| {
        psp_status_lookup_outline(f, raw)
    });
    run!("foldhash_outline", &keys, |&(p, s, raw)| foldhash_outline(
        &fold, p, s, raw
    ));
    run!("std_hashmap_outline", &keys, |&(p, s, raw)| std_outline(
        &std, p, s, raw
    ));
    run!("match_outline", &keys, |&(p, s, raw)| match_outline(
        &matcher, p, s, raw
    ));
    run!("psp_status_inline", &fields, |&(f, raw)| classify_bytes(
        f, raw
    ));
    run!("psp_status_lookup_inline", &fields, |&(f, raw)| lookup(
        f, raw
    ));
    run!("foldhash_inline", &keys, |&(p, s, raw)| fold
        .classify(p, s, raw));
    run!("std_hashmap_inline", &keys, |&(p, s, raw)| std
        .classify(p, s, raw));
    run!("match_inline", &keys, |&(p, s, raw)| matcher
        .classify(p, s, raw));
    g.finish();
}

fn classify_hit(c: &mut Criterion) {
    compare(c, "classify_hit", &baselines::hits(), 11);
}

fn classify_miss(c: &mut Criterion) {
    compare(c, "classify_miss", &baselines::misses(), 12);
}

fn rule_prefix(c: &mut Criterion) {
    compare(c, "rule_prefix", &baselines::rule_hits(true), 13);
}

fn rule_range(c: &mut Criterion) {
    compare(c, "rule_range", &baselines::rule_hits(false), 14);
}

fn case_insensitive_hit(c: &mut Criterion) {
    compare(c, "case_insensitive_hit", &baselines::case_variants(), 15);
}

fn resolve_three(c: &mut Criterion) {
    let triples: Vec<Triple> = baselines::stream(&baselines::triples(1000), STREAM_LEN, 16);
    let fold = FoldBaseline::build();
    let std = HashBaseline::build();
    let matcher = MatchBaseline::build();
    let ranks = Ranks::build();
    let fields = baselines::triples_as_fields(&triples);
    let n = triples.len();
    let mut g = c.benchmark_group("resolve_3_signals");
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function(BenchmarkId::new("psp_status_inline", n), |b| {
        b.iter(|| {
            for (p, signals) in black_box(&fields) {
                let _ = black_box(p.resolve_bytes(signals));
            }
        })
    });
    g.bench_function(BenchmarkId::new("foldhash_inline", n), |b| {
        b.iter(|| {
            for (p, signals) in black_box(&triples) {
                black_box(ranks.resolve(*p, signals, |p, s, r| fold.classify(p, s, r)));
            }
        })
    });
    g.bench_function(BenchmarkId::new("std_hashmap_inline", n), |b| {
        b.iter(|| {
            for (p, signals) in black_box(&triples) {
                black_box(ranks.resolve(*p, signals, |p, s, r| std.classify(p, s, r)));
            }
        })
    });
    g.bench_function(BenchmarkId::new("match_inline", n), |b| {
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
