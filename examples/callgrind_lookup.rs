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
//! Arguments: `psp_status|std_hashmap|match|none` (`none`: the loop alone), `hit|miss|prefix|range|ci|resolve3`, N.

use psp_status::classify_bytes;

#[path = "../benches/support/baselines.rs"]
mod baselines;
use baselines::{HashBaseline, Key, MatchBaseline, Ranks};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage =
        "usage: callgrind_lookup psp_status|std_hashmap|match hit|miss|prefix|range|ci|resolve3 N";
    let (Some(engine), Some(mix), Some(n)) = (args.get(1), args.get(2), args.get(3)) else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    let n: usize = n.parse().unwrap_or_else(|_| fail(usage));
    let hash = HashBaseline::build();
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
            "std_hashmap" => run(n, &keys, |&(p, s, raw)| hash.classify(p, s, raw).is_some()),
            "match" => run(n, &keys, |&(p, s, raw)| {
                matcher.classify(p, s, raw).is_some()
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
#[inline(never)]
fn run<T>(n: usize, items: &[T], lookup: impl Fn(&T) -> bool) -> (usize, usize) {
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
