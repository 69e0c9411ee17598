//! Lookups through tables loaded at run time allocate nothing: a counting allocator (this
//! test binary's global allocator) sees no allocation on the looking-up thread between the
//! end of `Tables::load` and the last `classify` / `resolve`.

use psp_status::{Field, MatcherOf, Provider, Tables};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use strum::IntoEnumIterator;

struct Counting;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // `try_with`: the thread-local may already be gone while a thread shuts down.
        let _ = COUNTING.try_with(|c| {
            if c.get() {
                let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
            }
        });
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[test]
fn loaded_lookups_allocate_nothing() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/mappings");
    let t = Tables::load(dir.as_ref()).unwrap();
    // Every exact value, a value per rule, and misses, prepared before counting.
    let mut queries: Vec<(Field, Vec<u8>)> = Vec::new();
    for f in Provider::iter().flat_map(|p| p.fields().iter().copied()) {
        for e in f.entries() {
            match e.matcher {
                MatcherOf::Exact(r) => queries.push((f, r.as_bytes().to_vec())),
                MatcherOf::Prefix(p) => queries.push((f, format!("{p}x").into_bytes())),
                MatcherOf::Range(a, _) => queries.push((f, format!("000{a}").into_bytes())),
                MatcherOf::Default => queries.push((f, b"zz_unknown".to_vec())),
            }
        }
        queries.push((f, Vec::new()));
    }
    let pairs: Vec<[(Field, &[u8]); 2]> = queries
        .windows(2)
        .filter(|w| w[0].0.provider() == w[1].0.provider())
        .map(|w| [(w[0].0, w[0].1.as_slice()), (w[1].0, w[1].1.as_slice())])
        .collect();
    let mut matched = 0u64;
    COUNTING.with(|c| c.set(true));
    for (f, raw) in &queries {
        let c = t.classify_bytes(*f, raw);
        matched += u64::from(c.entry().is_some());
        std::hint::black_box(c.shopper_message(psp_status::Lang::Fr));
    }
    for s in &pairs {
        let c = t.resolve_fields(s[0].0.provider(), s).unwrap();
        std::hint::black_box(c);
    }
    COUNTING.with(|c| c.set(false));
    assert_eq!(ALLOCATIONS.with(Cell::get), 0);
    // The counter does count: one deliberate allocation under the same switch.
    COUNTING.with(|c| c.set(true));
    std::hint::black_box(vec![0u8; 16]);
    COUNTING.with(|c| c.set(false));
    assert_eq!(ALLOCATIONS.with(Cell::get), 1);
    assert!(matched > 1000, "{matched}");
    assert!(pairs.len() > 1000);
}
