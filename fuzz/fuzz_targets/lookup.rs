//! The lookup on any bytes, for every field of every provider: no panic; the raw value is
//! kept; an exact match is the entry's own value; resolve picks one of its signals.
#![no_main]

use libfuzzer_sys::fuzz_target;
use psp_status::{classify_bytes, Matched, Matcher, Provider};
use strum::IntoEnumIterator;

fuzz_target!(|data: &[u8]| {
    for p in Provider::iter() {
        let fields = p.fields();
        for &f in fields {
            let c = classify_bytes(f, data);
            assert_eq!(c.raw, data);
            assert_eq!((c.provider, c.surface), (f.provider(), f.surface()));
            if c.matched == Matched::Exact {
                let e = c.entry().expect("an exact match has its entry");
                match e.matcher {
                    Matcher::Exact(raw) => assert!(raw.as_bytes().eq_ignore_ascii_case(data)),
                    other => panic!("exact match from {other:?}"),
                }
            }
        }
        let signals: Vec<_> = fields.iter().map(|f| (*f, data)).collect();
        if !signals.is_empty() {
            let r = p
                .resolve_bytes(&signals)
                .expect("the provider's own fields");
            assert!(fields.iter().any(|f| f.surface() == r.surface));
        }
    }
});
