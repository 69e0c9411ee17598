//! Tables loaded at run time from mappings/ answer exactly as the compiled tables: every
//! entry, rule and default, and a large random input (classify and resolve).

use proptest::prelude::*;
use psp_status::{Field, MatcherOf, Provider, Tables};
use std::sync::OnceLock;
use strum::IntoEnumIterator;

fn loaded() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/mappings");
        Tables::load(dir.as_ref()).unwrap_or_else(|d| panic!("{d:?}"))
    })
}

fn fields() -> Vec<Field> {
    Provider::iter()
        .flat_map(|p| p.fields().iter().copied())
        .collect()
}

/// Values worth probing on a field: every exact value (and its case variants), each rule's
/// edges, and a few that match nothing.
fn probes(field: Field) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = vec![b"".to_vec(), b"zz_unknown".to_vec(), b"\xff".to_vec()];
    for e in field.entries() {
        match e.matcher {
            MatcherOf::Exact(r) => {
                out.push(r.as_bytes().to_vec());
                out.push(r.to_ascii_uppercase().into_bytes());
                out.push(format!("{r} ").into_bytes());
            }
            MatcherOf::Prefix(p) => {
                out.push(format!("{p}x").into_bytes());
                out.push(p.to_ascii_uppercase().into_bytes());
            }
            MatcherOf::Range(a, b) => {
                for n in [a, b, a.saturating_sub(1), b.saturating_add(1)] {
                    out.push(n.to_string().into_bytes());
                    out.push(format!("000{n}").into_bytes());
                }
            }
            MatcherOf::Default => {}
        }
    }
    out
}

#[test]
fn loaded_entries_are_the_compiled_entries() {
    let t = loaded();
    assert!(!t.is_compiled());
    assert_eq!(t.version(), psp_status::TABLE_VERSION);
    assert_eq!(t.digest(), psp_status::TABLE_DIGEST);
    let a: Vec<_> = t.entries().collect();
    let b: Vec<_> = psp_status::entries().collect();
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(*x, *y);
    }
    for p in Provider::iter() {
        assert_eq!(t.precedence(p), p.precedence());
    }
}

#[test]
fn every_entry_classifies_as_compiled() {
    let t = loaded();
    let mut n = 0;
    for f in fields() {
        for raw in probes(f) {
            let c = psp_status::classify_bytes(f, &raw);
            let l = t.classify_bytes(f, &raw);
            assert_eq!(l, c, "{f:?} {:?}", String::from_utf8_lossy(&raw));
            assert_eq!(l.entry().map(|e| e.anchor()), c.entry().map(|e| e.anchor()));
            assert_eq!(t.lookup(f, &raw).with_raw(&raw), l);
            n += 1;
        }
    }
    assert!(n > 3000, "{n}");
}

fn raw_strategy() -> impl Strategy<Value = Vec<u8>> {
    let known: Vec<Vec<u8>> = fields().into_iter().flat_map(probes).collect();
    prop_oneof![
        prop::sample::select(known.clone()),
        (
            prop::sample::select(known),
            any::<u8>(),
            any::<prop::sample::Index>()
        )
            .prop_map(|(mut v, b, i)| {
                if v.is_empty() {
                    v.push(b);
                } else {
                    let k = i.index(v.len());
                    v[k] = b;
                }
                v
            }),
        prop::collection::vec(any::<u8>(), 0..40),
        "[0-9]{1,22}".prop_map(String::into_bytes),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    #[test]
    fn random_values_classify_as_compiled(f in prop::sample::select(fields()), raw in raw_strategy()) {
        prop_assert_eq!(loaded().classify_bytes(f, &raw), psp_status::classify_bytes(f, &raw));
        let (l, c) = (loaded().lookup(f, &raw), psp_status::lookup(f, &raw));
        prop_assert_eq!(l.with_raw(&raw), c.with_raw(&raw));
        prop_assert!(l.entry().map(|e| e.anchor()) == c.entry().map(|e| e.anchor()));
    }

    #[test]
    fn random_signals_resolve_as_compiled(
        p in prop::sample::select(Provider::iter().collect::<Vec<_>>()),
        picks in prop::collection::vec((any::<prop::sample::Index>(), raw_strategy()), 0..5),
    ) {
        let signals: Vec<(Field, &[u8])> = picks
            .iter()
            .map(|(i, raw)| (p.fields()[i.index(p.fields().len())], raw.as_slice()))
            .collect();
        let l = loaded().resolve_fields(p, &signals).unwrap();
        let c = p.resolve_bytes(&signals).unwrap();
        prop_assert_eq!(l, c);
    }
}

/// Reloading frees the previous set: load and drop many times, lookups stay right.
#[test]
fn reloads_do_not_accumulate() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/mappings");
    for _ in 0..3 {
        let t = Tables::load(dir.as_ref()).unwrap();
        let f = Provider::Alma.field("payment.state").unwrap();
        assert_eq!(t.classify(f, "paid"), psp_status::classify(f, "paid"));
    }
}
