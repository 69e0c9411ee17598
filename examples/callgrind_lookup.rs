//! Runs N lookups over a key mix, for counting instructions under callgrind:
//!
//! ```text
//! cargo build --release --features bench-baselines --example callgrind_lookup
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/examples/callgrind_lookup psp_status hit 100000
//! ```
//!
//! Instructions per lookup = (Ir with N lookups − Ir with 0) / N: the key mixes and the
//! baselines are built the same way whatever N, so the difference is the lookups and the loop
//! around them (engine `none` measures the loop alone). N is rounded up to whole passes over
//! the mix: pick a multiple of its length, or a large N.
//! Arguments: an engine, `hit|miss|prefix|range|ci|resolve3`, N. Engines: `psp_status`
//! (`classify_bytes`), `psp_status_lookup` (`lookup`, the 16-byte answer), `foldhash` (a foldhash `HashMap`), `std_hashmap` (std's SipHash) and `match`, inlined into
//! the loop; the same with `_outline` (not for `resolve3`), called through an
//! `#[inline(never)]` function as a service with several call sites calls them; `none`, the
//! loop alone.

use psp_status::{classify_bytes, lookup, Classification, Field, Provider, Surface};

#[path = "../benches/support/baselines.rs"]
mod baselines;
use baselines::{Answer, FoldBaseline, HashBaseline, Key, MatchBaseline, Ranks};

// The `_outline` functions are `#[no_mangle]`: exported, so the optimizer keeps their whole
// result (it could otherwise drop the parts the loop does not read, which a service's call
// sites would read).

/// `classify_bytes` behind a call.
#[inline(never)]
#[no_mangle]
fn psp_status_outline(f: Field, raw: &[u8]) -> Classification<'_> {
    classify_bytes(f, raw)
}

/// `lookup` behind a call: the answer comes back in two registers.
#[inline(never)]
#[no_mangle]
fn psp_status_lookup_outline(f: Field, raw: &[u8]) -> psp_status::Answer {
    lookup(f, raw)
}

/// The std `HashMap` baseline behind a call.
#[inline(never)]
#[no_mangle]
fn std_hashmap_outline(h: &HashBaseline, p: Provider, s: Surface, raw: &[u8]) -> Answer {
    h.classify(p, s, raw)
}

/// The foldhash `HashMap` baseline behind a call.
#[inline(never)]
#[no_mangle]
fn foldhash_outline(h: &FoldBaseline, p: Provider, s: Surface, raw: &[u8]) -> Answer {
    h.classify(p, s, raw)
}

/// The `match` baseline behind a call.
#[inline(never)]
#[no_mangle]
fn match_outline(m: &MatchBaseline, p: Provider, s: Surface, raw: &[u8]) -> Answer {
    m.classify(p, s, raw)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: callgrind_lookup \
        psp_status|psp_status_lookup|foldhash|std_hashmap|match[_outline]|none \
        hit|miss|prefix|range|ci|resolve3 N";
    let (Some(engine), Some(mix), Some(n)) = (args.get(1), args.get(2), args.get(3)) else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    let n: usize = n.parse().unwrap_or_else(|_| fail(usage));
    let hash = HashBaseline::build();
    let fold = FoldBaseline::build();
    let matcher = MatchBaseline::build();
    let ranks = Ranks::build();
    let found = if mix == "resolve3" {
        let triples = baselines::triples(1000);
        match engine.as_str() {
            "none" => run(n, &triples, |(_, s)| s[0].1.len() & 1 == 0),
            "psp_status" => {
                let fields = baselines::triples_as_fields(&triples);
                run(n, &fields, |(p, s)| {
                    p.resolve_bytes(s).is_ok_and(|c| c.entry().is_some())
                })
            }
            "std_hashmap" => run(n, &triples, |(p, s)| {
                ranks
                    .resolve(*p, s, |p, s, r| hash.classify(p, s, r))
                    .is_some()
            }),
            "foldhash" => run(n, &triples, |(p, s)| {
                ranks
                    .resolve(*p, s, |p, s, r| fold.classify(p, s, r))
                    .is_some()
            }),
            "match" => run(n, &triples, |(p, s)| {
                ranks
                    .resolve(*p, s, |p, s, r| matcher.classify(p, s, r))
                    .is_some()
            }),
            _ => fail(usage),
        }
    } else {
        let keys: Vec<Key> = match mix.as_str() {
            "hit" => baselines::hits(),
            "miss" => baselines::misses(),
            "prefix" => baselines::rule_hits(true),
            "range" => baselines::rule_hits(false),
            "ci" => baselines::case_variants(),
            _ => fail(usage),
        };
        if keys.is_empty() {
            eprintln!("no {mix} values in the tables");
            std::process::exit(1);
        }
        match engine.as_str() {
            // The loop alone, to tell the harness from the lookups.
            "none" => run(n, &keys, |&(_, _, raw)| raw.len() & 1 == 0),
            "psp_status" => {
                let fields = baselines::as_fields(&keys);
                run(n, &fields, |&(f, raw)| {
                    classify_bytes(f, raw).entry().is_some()
                })
            }
            "psp_status_outline" => {
                let fields = baselines::as_fields(&keys);
                run(n, &fields, |&(f, raw)| {
                    psp_status_outline(f, raw).entry().is_some()
                })
            }
            "psp_status_lookup" => {
                let fields = baselines::as_fields(&keys);
                run(n, &fields, |&(f, raw)| lookup(f, raw).entry().is_some())
            }
            "psp_status_lookup_outline" => {
                let fields = baselines::as_fields(&keys);
                run(n, &fields, |&(f, raw)| {
                    psp_status_lookup_outline(f, raw).entry().is_some()
                })
            }
            "std_hashmap" => run(n, &keys, |&(p, s, raw)| hash.classify(p, s, raw).is_some()),
            "std_hashmap_outline" => run(n, &keys, |&(p, s, raw)| {
                std_hashmap_outline(&hash, p, s, raw).is_some()
            }),
            "foldhash" => run(n, &keys, |&(p, s, raw)| fold.classify(p, s, raw).is_some()),
            "foldhash_outline" => run(n, &keys, |&(p, s, raw)| {
                foldhash_outline(&fold, p, s, raw).is_some()
            }),
            "match" => run(n, &keys, |&(p, s, raw)| {
                matcher.classify(p, s, raw).is_some()
            }),
            "match_outline" => run(n, &keys, |&(p, s, raw)| {
                match_outline(&matcher, p, s, raw).is_some()
            }),
            _ => fail(usage),
        }
    };
    println!(
        "{engine} {mix}: {} lookups, {} matched an entry",
        found.1, found.0
    );
}

/// `n` lookups (rounded up to whole passes) over `items`: how many matched an entry, and how
/// many lookups ran. The items live on the heap, so nothing is known about them at compile
/// time.
///
/// With `PSP_TIME_PASSES=P` in the environment it times instead: P passes over a shuffled
/// stream of 64 Ki queries drawn from `items`, and prints the fastest and the median pass in
/// ns per lookup (the fastest pass is the figure least disturbed by other work on a shared
/// machine).
#[inline(never)]
fn run<T: Clone>(n: usize, items: &[T], lookup: impl Fn(&T) -> bool) -> (usize, usize) {
    if let Some(passes) = std::env::var("PSP_TIME_PASSES")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&p| p > 0)
    {
        let stream = baselines::stream(items, baselines::STREAM_LEN, 99);
        let mut found = 0;
        let mut times = Vec::with_capacity(passes);
        for _ in 0..passes {
            let t = std::time::Instant::now();
            for item in &stream {
                found += usize::from(lookup(item));
            }
            times.push(t.elapsed().as_nanos() as f64 / stream.len() as f64);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "ns per lookup: fastest pass {:.2}, median pass {:.2}",
            times[0],
            times[passes / 2]
        );
        return (found / passes, stream.len());
    }
    let mut found = 0;
    let passes = n.div_ceil(items.len());
    for _ in 0..passes {
        for item in items {
            found += usize::from(lookup(item));
        }
    }
    (found, passes * items.len())
}

fn fail(usage: &str) -> ! {
    eprintln!("{usage}");
    std::process::exit(2)
}
