//! The lookup on any bytes, for every provider and surface: no panic; the raw value is kept;
//! an exact match is the entry's own value; resolve picks one of its signals.
#![no_main]

use libfuzzer_sys::fuzz_target;
use psp_status::{classify_bytes, resolve_bytes, Matched, Matcher, Provider};
use strum::IntoEnumIterator;

fuzz_target!(|data: &[u8]| {
    for p in Provider::iter() {
        let surfaces = p.surfaces();
        for &s in &surfaces {
            let c = classify_bytes(p, s, data);
            assert_eq!(c.raw, data);
            assert_eq!((c.provider, c.surface), (p, s));
            if c.matched == Matched::Exact {
                let e = c.entry().expect("an exact match has its entry");
                match e.matcher {
                    Matcher::Exact(raw) => assert!(raw.as_bytes().eq_ignore_ascii_case(data)),
                    other => panic!("exact match from {other:?}"),
                }
            }
        }
        let signals: Vec<_> = surfaces.iter().map(|s| (*s, data)).collect();
        if !signals.is_empty() {
            let r = resolve_bytes(p, &signals);
            assert!(surfaces.contains(&r.surface));
        }
    }
});
