//! Lookups through tables loaded at run time (`Tables::load("mappings")`) against the compiled
//! tables, in the same run, on the same shuffled queries: 64Ki hits (every exact value, rule
//! edge and default of every field, in proportion), 64Ki misses (values no entry, rule or
//! default matches, on fields with and without rules), and `resolve` over two signals.
//!
//! `cargo bench --bench runtime_tables`. Time per lookup = median / queries (throughput in
//! elements), as BENCHMARKS.md reports it. After criterion, the same hit and miss mixes are
//! timed in alternation (see `interleaved`), which a busy machine disturbs far less.

use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
use psp_status::{Field, Matched, MatcherOf, Provider, Tables};
use std::hint::black_box;
use strum::IntoEnumIterator;

const QUERIES: usize = 1 << 16;

/// One query: a field and a value.
type Query = (Field, Vec<u8>);

/// A small deterministic generator (xorshift), so both runs see the same queries.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn fields() -> Vec<Field> {
    Provider::iter()
        .flat_map(|p| p.fields().iter().copied())
        .collect()
}

/// Every value that matches something (exact values, a value per rule), and values that
/// match nothing, each as (field, raw).
fn candidates() -> (Vec<Query>, Vec<Query>) {
    let mut hits = Vec::new();
    let mut misses = Vec::new();
    for f in fields() {
        for e in f.entries() {
            match e.matcher {
                MatcherOf::Exact(r) => hits.push((f, r.as_bytes().to_vec())),
                MatcherOf::Prefix(p) => hits.push((f, format!("{p}zz").into_bytes())),
                MatcherOf::Range(a, b) => {
                    hits.push((f, (a + (b - a) / 2).to_string().into_bytes()))
                }
                MatcherOf::Default => {}
            }
        }
        for raw in [
            "zz_not_a_value",
            "Declined_Unknown_9",
            "x",
            "payment_pending_review_2",
        ] {
            if psp_status::classify(f, raw).matched == Matched::Unmapped {
                misses.push((f, raw.as_bytes().to_vec()));
            }
        }
    }
    (hits, misses)
}

/// `QUERIES` picks from `pool`, shuffled.
fn sample(pool: &[(Field, Vec<u8>)], seed: u64) -> Vec<(Field, Vec<u8>)> {
    let mut rng = Rng(seed);
    (0..QUERIES)
        .map(|_| pool[(rng.next() % pool.len() as u64) as usize].clone())
        .collect()
}

fn bench_classify(c: &mut Criterion, group: &str, queries: &[(Field, Vec<u8>)], loaded: &Tables) {
    let q: Vec<(Field, &[u8])> = queries.iter().map(|(f, r)| (*f, r.as_slice())).collect();
    let mut g = c.benchmark_group(group);
    g.throughput(Throughput::Elements(q.len() as u64));
    g.bench_function(BenchmarkId::new("compiled", q.len()), |b| {
        b.iter(|| {
            for &(f, raw) in black_box(&q) {
                black_box(psp_status::classify_bytes(f, raw));
            }
        })
    });
    g.bench_function(BenchmarkId::new("loaded", q.len()), |b| {
        b.iter(|| {
            for &(f, raw) in black_box(&q) {
                black_box(loaded.classify_bytes(f, raw));
            }
        })
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/mappings");
    let loaded = Tables::load(dir.as_ref()).expect("mappings/ loads");
    let (hits, misses) = candidates();
    bench_classify(
        c,
        "runtime_classify_hit",
        &sample(&hits, 0x9e37_79b9),
        &loaded,
    );
    bench_classify(
        c,
        "runtime_classify_miss",
        &sample(&misses, 0x1234_5678),
        &loaded,
    );

    // resolve: two signals of one provider per query.
    let mut rng = Rng(0xabcd_ef01);
    let pool: Vec<(Field, Vec<u8>)> = hits.iter().chain(&misses).cloned().collect();
    let pairs: Vec<(Provider, [Query; 2])> = (0..QUERIES)
        .map(|_| {
            let a = pool[(rng.next() % pool.len() as u64) as usize].clone();
            let p = a.0.provider();
            let same: Vec<&(Field, Vec<u8>)> =
                pool.iter().filter(|x| x.0.provider() == p).collect();
            let b = same[(rng.next() % same.len() as u64) as usize].clone();
            (p, [a, b])
        })
        .collect();
    type Signals<'a> = [(Field, &'a [u8]); 2];
    let q: Vec<(Provider, Signals<'_>)> = pairs
        .iter()
        .map(|(p, [a, b])| (*p, [(a.0, a.1.as_slice()), (b.0, b.1.as_slice())]))
        .collect();
    let mut g = c.benchmark_group("runtime_resolve_two");
    g.throughput(Throughput::Elements(q.len() as u64));
    g.bench_function(BenchmarkId::new("compiled", q.len()), |b| {
        b.iter(|| {
            for (p, s) in black_box(&q) {
                black_box(p.resolve_bytes(s).ok());
            }
        })
    });
    g.bench_function(BenchmarkId::new("loaded", q.len()), |b| {
        b.iter(|| {
            for (p, s) in black_box(&q) {
                black_box(loaded.resolve_fields(*p, s).ok());
            }
        })
    });
    g.finish();
}

/// The ratio loaded / compiled measured in alternation: `ROUNDS` rounds, each timing one pass
/// over the same 4Ki-query slice of the shuffled 64Ki queries with each set (the order flipped
/// every round; a pass is short, so a neighbour's time slice rarely falls into one pass and not
/// the other). Prints the median ratio and its quartiles per mix.
fn interleaved() {
    const ROUNDS: usize = 4001;
    const SLICE: usize = 4096;
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/mappings");
    let loaded = Tables::load(dir.as_ref()).expect("mappings/ loads");
    let (hits, misses) = candidates();
    for (name, pool, seed) in [("hit", &hits, 0x9e37_79b9), ("miss", &misses, 0x1234_5678)] {
        let queries = sample(pool, seed);
        let q: Vec<(Field, &[u8])> = queries.iter().map(|(f, r)| (*f, r.as_slice())).collect();
        let pass = |t: Option<&Tables>, i: usize| {
            let from = (i * SLICE) % q.len();
            let slice = &q[from..from + SLICE];
            let start = std::time::Instant::now();
            for &(f, raw) in black_box(slice) {
                match t {
                    None => black_box(psp_status::classify_bytes(f, raw)),
                    Some(t) => black_box(t.classify_bytes(f, raw)),
                };
            }
            start.elapsed().as_secs_f64()
        };
        let mut ratios: Vec<f64> = (0..ROUNDS)
            .map(|i| {
                let (c, l) = if i % 2 == 0 {
                    let c = pass(None, i);
                    (c, pass(Some(&loaded), i))
                } else {
                    let l = pass(Some(&loaded), i);
                    (pass(None, i), l)
                };
                l / c
            })
            .collect();
        ratios.sort_by(f64::total_cmp);
        println!(
            "interleaved classify_{name}: loaded/compiled median {:.3} (quartiles {:.3}..{:.3}, {ROUNDS} rounds of {SLICE} queries)",
            ratios[ROUNDS / 2],
            ratios[ROUNDS / 4],
            ratios[3 * ROUNDS / 4],
        );
    }
}

criterion_group!(runtime, benches);

fn main() {
    runtime();
    interleaved();
    Criterion::default().configure_from_args().final_summary();
}
