//! The Arrow kernel's cost per row against a same-run baseline: a hash join of the same
//! columns with a mapping table of every exact entry (what a data team would write), with
//! std's `HashMap` (SipHash) and with foldhash.
//!
//! `cargo bench -p psp-status-arrow --bench kernel`. Inputs: 1M rows drawn (seeded, shuffled)
//! from every exact entry of the tables plus 2% unknown values; "mixed" has provider and
//! surface columns (four providers, all surfaces), "fixed" one provider and surface
//! (Stripe `decline_code`). "mixed_dictionary" is "mixed" with the three columns
//! dictionary-encoded (`Dictionary(Int32, Utf8)`, as Parquet readers and Spark hand name
//! columns over); its joins read each row's strings through the dictionary. Time per row =
//! median / 1M, as BENCHMARKS.md reports it. The join baseline only knows exact entries (no
//! prefix/range rules, defaults or case folding), so it does less work than the kernel.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use arrow_array::types::Int32Type;
use arrow_array::{Array, ArrayRef, DictionaryArray, StringArray};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use psp_status::{Matcher, Provider, Surface};
use psp_status_arrow::{classify, Encoding, Given, Input, Signal};

const ROWS: usize = 1_000_000;

/// xorshift64*: a seeded generator, no dependency.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n
    }
}

/// Every exact entry as (provider, surface, raw) text.
fn exact() -> Vec<(String, String, String)> {
    psp_status::entries()
        .filter_map(|e| match e.matcher {
            Matcher::Exact(v) => {
                Some((e.provider.to_string(), e.surface.to_string(), v.to_string()))
            }
            _ => None,
        })
        .collect()
}

fn rows(filter: impl Fn(&(String, String, String)) -> bool) -> Vec<(String, String, String)> {
    let pool: Vec<_> = exact().into_iter().filter(filter).collect();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    (0..ROWS)
        .map(|i| {
            let mut r = pool[rng.below(pool.len())].clone();
            if i % 50 == 0 {
                r.2 = format!("unknown_{}", rng.below(1000));
            }
            r
        })
        .collect()
}

/// The join: (provider, surface, raw) -> four small codes, keyed by the concatenated bytes.
struct Join<S> {
    map: HashMap<Vec<u8>, [u8; 4], S>,
}

impl<S: BuildHasher + Default> Join<S> {
    fn build() -> Self {
        let mut map = HashMap::default();
        for e in psp_status::entries() {
            if let Matcher::Exact(v) = e.matcher {
                let key = [
                    e.provider.to_string().as_bytes(),
                    b"\0",
                    e.surface.to_string().as_bytes(),
                    b"\0",
                    v.as_bytes(),
                ]
                .concat();
                map.insert(key, [e.state as u8, e.code as u8, e.operation as u8, 0]);
            }
        }
        Join { map }
    }

    /// One output code column per result, as the kernel fills them.
    fn run<C: Col>(&self, p: &C, s: &C, r: &C, out: &mut [Vec<u8>; 4]) {
        for o in out.iter_mut() {
            o.clear();
        }
        let mut key = Vec::with_capacity(64);
        for i in 0..r.rows() {
            key.clear();
            key.extend_from_slice(p.at(i));
            key.push(0);
            key.extend_from_slice(s.at(i));
            key.push(0);
            key.extend_from_slice(r.at(i));
            let v = self.map.get(&key).copied().unwrap_or([4, 255, 255, 3]);
            for (o, x) in out.iter_mut().zip(v) {
                o.push(x);
            }
        }
    }
}

/// A column the join reads row by row: plain strings, or a dictionary's value for the row.
trait Col {
    fn rows(&self) -> usize;
    fn at(&self, i: usize) -> &[u8];
}

impl Col for StringArray {
    fn rows(&self) -> usize {
        self.len()
    }
    #[inline]
    fn at(&self, i: usize) -> &[u8] {
        self.value(i).as_bytes()
    }
}

/// A `Dictionary(Int32, Utf8)` column: its keys and its values.
struct DictCol<'a>(&'a [i32], &'a StringArray);

impl Col for DictCol<'_> {
    fn rows(&self) -> usize {
        self.0.len()
    }
    #[inline]
    fn at(&self, i: usize) -> &[u8] {
        self.1.value(self.0[i] as usize).as_bytes()
    }
}

fn columns(rows: &[(String, String, String)], dictionary: bool) -> [ArrayRef; 3] {
    let col = |f: fn(&(String, String, String)) -> &str| -> ArrayRef {
        if dictionary {
            Arc::new(rows.iter().map(f).collect::<DictionaryArray<Int32Type>>())
        } else {
            Arc::new(StringArray::from_iter_values(rows.iter().map(f)))
        }
    };
    [col(|r| &r.0), col(|r| &r.1), col(|r| &r.2)]
}

fn bench_case(
    c: &mut Criterion,
    group: &str,
    data: &[(String, String, String)],
    fixed: Option<(Provider, Surface)>,
    dictionary: bool,
) {
    let [p, s, r] = columns(data, dictionary);
    let std_join: Join<std::collections::hash_map::RandomState> = Join::build();
    let fold_join: Join<foldhash::fast::RandomState> = Join::build();
    let mut g = c.benchmark_group(group);
    g.throughput(Throughput::Elements(data.len() as u64));
    g.sample_size(20);
    g.measurement_time(Duration::from_secs(8));
    let input = match fixed {
        Some((fp, fs)) => Input {
            provider: Given::Fixed(fp),
            signals: vec![Signal {
                surface: Given::Fixed(fs),
                raw: r.as_ref(),
            }],
        },
        None => Input {
            provider: Given::Column(p.as_ref()),
            signals: vec![Signal {
                surface: Given::Column(s.as_ref()),
                raw: r.as_ref(),
            }],
        },
    };
    for enc in [Encoding::Dictionary, Encoding::Plain] {
        g.bench_function(
            BenchmarkId::new(
                format!("psp_status_arrow_{enc:?}").to_lowercase(),
                data.len(),
            ),
            |b| b.iter(|| black_box(classify(black_box(&input), enc).unwrap())),
        );
    }
    let mut out: [Vec<u8>; 4] = Default::default();
    if dictionary {
        let d = |a: &ArrayRef| {
            let d = a
                .as_any()
                .downcast_ref::<DictionaryArray<Int32Type>>()
                .unwrap();
            let v = d.values().as_any().downcast_ref::<StringArray>().unwrap();
            (d.keys().values().to_vec(), v.clone())
        };
        let (pd, sd, rd) = (d(&p), d(&s), d(&r));
        let (pc, sc, rc) = (
            DictCol(&pd.0, &pd.1),
            DictCol(&sd.0, &sd.1),
            DictCol(&rd.0, &rd.1),
        );
        joins_of(
            &mut g,
            data.len(),
            (&pc, &sc, &rc),
            &std_join,
            &fold_join,
            &mut out,
        );
    } else {
        let st = |a: &ArrayRef| a.as_any().downcast_ref::<StringArray>().unwrap().clone();
        let (ps, ss, rs) = (st(&p), st(&s), st(&r));
        joins_of(
            &mut g,
            data.len(),
            (&ps, &ss, &rs),
            &std_join,
            &fold_join,
            &mut out,
        );
    }
    g.finish();
}

/// The two joins (std's `HashMap`, foldhash) on the same columns, in the same group.
fn joins_of<C: Col>(
    g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    rows: usize,
    (p, s, r): (&C, &C, &C),
    std_join: &Join<std::collections::hash_map::RandomState>,
    fold_join: &Join<foldhash::fast::RandomState>,
    out: &mut [Vec<u8>; 4],
) {
    g.bench_function(BenchmarkId::new("join_std_hashmap", rows), |b| {
        b.iter(|| std_join.run(black_box(p), black_box(s), black_box(r), out))
    });
    g.bench_function(BenchmarkId::new("join_foldhash", rows), |b| {
        b.iter(|| fold_join.run(black_box(p), black_box(s), black_box(r), out))
    });
}

fn mixed(c: &mut Criterion) {
    bench_case(c, "kernel_mixed", &rows(|_| true), None, false);
}

fn mixed_dictionary(c: &mut Criterion) {
    bench_case(c, "kernel_mixed_dictionary", &rows(|_| true), None, true);
}

fn fixed(c: &mut Criterion) {
    let data = rows(|r| r.0 == "stripe" && r.1 == "decline_code");
    bench_case(
        c,
        "kernel_fixed",
        &data,
        Some((Provider::Stripe, "decline_code".parse().unwrap())),
        false,
    );
}

criterion_group!(benches, mixed, mixed_dictionary, fixed);
criterion_main!(benches);
