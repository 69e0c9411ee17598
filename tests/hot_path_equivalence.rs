//! The perfect-hash hot path against a plain reference: a `HashMap` built from the same
//! entries (`psp_status::entries()`) and a straightforward implementation of the rules.
//! `classify_bytes`, `lookup` and `resolve_bytes` must give the same answer for every key, every
//! case variant, and random byte strings (misses, near misses, rule families, numbers, junk).

use proptest::prelude::*;
use psp_status::{
    classify_bytes, lookup, Classification, Entry, Field, Matched, Matcher, Provider, Surface,
};
use std::collections::HashMap;
use std::sync::LazyLock;
use strum::IntoEnumIterator;

/// Exact entries by (provider, surface, raw), raw folded to lowercase on insensitive surfaces.
type ExactMap = HashMap<(Provider, Surface, Vec<u8>), &'static Entry>;

static EXACT: LazyLock<ExactMap> = LazyLock::new(|| {
    let mut m = HashMap::new();
    for e in psp_status::entries() {
        if let Matcher::Exact(k) = e.matcher {
            let key = fold(e.provider, e.surface, k.as_bytes());
            assert!(m.insert((e.provider, e.surface, key), e).is_none());
        }
    }
    m
});

/// Every exact key as (provider, surface, raw as written).
static KEYS: LazyLock<Vec<(Provider, Surface, &'static [u8])>> = LazyLock::new(|| {
    psp_status::entries()
        .filter_map(|e| match e.matcher {
            Matcher::Exact(k) => Some((e.provider, e.surface, k.as_bytes())),
            _ => None,
        })
        .collect()
});

/// Every prefix of a rule, by provider and surface.
static PREFIXES: LazyLock<Vec<(Provider, Surface, &'static str)>> = LazyLock::new(|| {
    psp_status::entries()
        .filter_map(|e| match e.matcher {
            Matcher::Prefix(p) => Some((e.provider, e.surface, p)),
            _ => None,
        })
        .collect()
});

/// The field of a pair the tables have.
fn field(p: Provider, s: Surface) -> Field {
    Field::new(p, s).unwrap()
}

fn fold(p: Provider, s: Surface, raw: &[u8]) -> Vec<u8> {
    if Field::new(p, s).is_ok_and(|f| f.is_case_insensitive()) {
        raw.to_ascii_lowercase()
    } else {
        raw.to_vec()
    }
}

/// The reference: exact map, then rules in file order, then the default (never for an empty
/// value); `None` = unmapped.
fn reference(p: Provider, s: Surface, raw: &[u8]) -> Option<(&'static Entry, Matched)> {
    if let Some(&e) = EXACT.get(&(p, s, fold(p, s, raw))) {
        return Some((e, Matched::Exact));
    }
    let number = std::str::from_utf8(raw)
        .ok()
        .filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|t| t.parse::<u64>().ok());
    let folded = fold(p, s, raw);
    for e in Field::new(p, s).into_iter().flat_map(|f| f.entries()) {
        let hit = match e.matcher {
            Matcher::Prefix(pre) => folded.starts_with(&fold(p, s, pre.as_bytes())),
            Matcher::Range(a, b) => number.is_some_and(|n| a <= n && n <= b),
            Matcher::Exact(_) | Matcher::Default => false,
        };
        if hit {
            return Some((e, Matched::Rule));
        }
    }
    if raw.is_empty() {
        return None;
    }
    Field::new(p, s)
        .into_iter()
        .flat_map(|f| f.entries())
        .find(|e| e.matcher == Matcher::Default)
        .map(|e| (e, Matched::Default))
}

/// Asserts that `c` is the reference's answer for (p, s, raw).
fn check(c: &Classification<'_>, p: Provider, s: Surface, raw: &[u8]) {
    let what = format!("{p} {s} {:?}", String::from_utf8_lossy(raw));
    assert_eq!((c.provider, c.surface), (p, s), "{what}");
    assert!(std::ptr::eq(c.raw, raw), "{what}: raw not kept");
    match reference(p, s, raw) {
        Some((e, m)) => {
            assert_eq!(c.matched, m, "{what}");
            assert!(
                c.entry().is_some_and(|got| std::ptr::eq(got, e)),
                "{what}: got {:?}, want {:?}",
                c.entry().map(Entry::anchor),
                e.anchor()
            );
            assert_eq!(
                (c.state, c.code, c.operation),
                (e.state, e.code, Some(e.operation)),
                "{what}"
            );
        }
        None => {
            assert_eq!(c.matched, Matched::Unmapped, "{what}");
            assert!(c.entry().is_none(), "{what}");
            assert_eq!(*c, Classification::unmapped(field(p, s), raw), "{what}");
        }
    }
}

/// Checks `classify_bytes` against the reference, and `lookup` against `classify_bytes`: the
/// same answer, less the raw value.
fn check_all(p: Provider, s: Surface, raw: &[u8]) {
    let c = classify_bytes(field(p, s), raw);
    check(&c, p, s, raw);
    let a = lookup(field(p, s), raw);
    assert_eq!(
        (a.state(), a.code(), a.matched()),
        (c.state, c.code, c.matched)
    );
    assert_eq!(a.with_raw(raw), c, "{p} {s} {raw:?}");
}

/// Case variants of a key: as written, lower, UPPER, Title, and every other letter flipped.
fn variants(raw: &[u8]) -> Vec<Vec<u8>> {
    let mut title = raw.to_ascii_lowercase();
    if let Some(b) = title.first_mut() {
        b.make_ascii_uppercase();
    }
    let flipped = raw
        .iter()
        .enumerate()
        .map(|(i, b)| match i % 2 {
            0 if b.is_ascii_lowercase() => b.to_ascii_uppercase(),
            0 => b.to_ascii_lowercase(),
            _ => *b,
        })
        .collect();
    vec![
        raw.to_vec(),
        raw.to_ascii_lowercase(),
        raw.to_ascii_uppercase(),
        title,
        flipped,
    ]
}

#[test]
fn every_key_and_its_case_variants() {
    assert!(!KEYS.is_empty());
    for &(p, s, raw) in KEYS.iter() {
        let c = classify_bytes(field(p, s), raw);
        assert_eq!(c.matched, Matched::Exact, "{p} {s} {raw:?}");
        check_all(p, s, raw);
        for v in variants(raw) {
            check_all(p, s, &v);
        }
        // Every strict prefix and one-byte extension: the near misses a probe must reject.
        for cut in 0..raw.len() {
            check_all(p, s, &raw[..cut]);
        }
        let longer = [raw, b"_"].concat();
        check_all(p, s, &longer);
    }
}

#[test]
fn a_pair_without_the_surface_is_no_field() {
    for p in Provider::iter() {
        for s in Surface::iter() {
            let own = p.fields().iter().any(|f| f.surface() == s);
            assert_eq!(Field::new(p, s).is_ok(), own, "{p} {s}");
            assert_eq!(p.field(s.into()).is_ok(), own, "{p} {s}");
        }
    }
}

/// A provider and one of its surfaces.
fn pair() -> impl Strategy<Value = (Provider, Surface)> {
    let providers: Vec<Provider> = Provider::iter().collect();
    (
        prop::sample::select(providers),
        any::<prop::sample::Index>(),
    )
        .prop_map(move |(p, i)| (p, i.get(p.fields()).surface()))
}

/// Values near the tables: a key with one byte changed, inserted or removed, a rule prefix
/// with a suffix, a number, or plain random bytes.
fn value() -> impl Strategy<Value = (Option<(Provider, Surface)>, Vec<u8>)> {
    let near_key = (
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
        any::<u8>(),
        0..3u8,
    )
        .prop_map(|(k, at, b, edit)| {
            let &(p, s, raw) = k.get(&KEYS);
            let mut v = raw.to_vec();
            let i = if v.is_empty() { 0 } else { at.index(v.len()) };
            match edit {
                0 if !v.is_empty() => v[i] = b,
                1 => v.insert(i, b),
                _ if !v.is_empty() => {
                    v.remove(i);
                }
                _ => v.push(b),
            }
            (Some((p, s)), v)
        });
    let prefixed = (
        any::<prop::sample::Index>(),
        prop::collection::vec(any::<u8>(), 0..6),
    )
        .prop_map(|(k, tail)| {
            if PREFIXES.is_empty() {
                return (None, tail);
            }
            let &(p, s, pre) = k.get(&PREFIXES);
            let mut v = pre.as_bytes().to_vec();
            v.extend(tail);
            (Some((p, s)), v)
        });
    // Numbers as PSPs and exports write them: plain, zero-padded to any width (past the 19
    // digits of a u64 too), and beyond u64::MAX.
    let number = (
        prop_oneof![0u64..1000, 0u64..100_000, any::<u64>()],
        prop_oneof![Just(0usize), 0usize..40],
        prop_oneof![Just(String::new()), "[0-9]{1,25}"],
    )
        .prop_map(|(n, zeros, more)| {
            (None, format!("{}{n}{more}", "0".repeat(zeros)).into_bytes())
        });
    let junk = prop::collection::vec(any::<u8>(), 0..40).prop_map(|v| (None, v));
    prop_oneof![near_key, prefixed, number, junk]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_values_agree_with_the_reference((p, s) in pair(), (at, raw) in value()) {
        let (p, s) = at.unwrap_or((p, s));
        check_all(p, s, &raw);
        for v in variants(&raw) {
            check_all(p, s, &v);
        }
    }

    #[test]
    fn resolve_picks_what_the_reference_picks(
        p in prop::sample::select(Provider::iter().collect::<Vec<_>>()),
        picks in prop::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>(), any::<bool>()), 0..4),
    ) {
        let own: Vec<Surface> = p.fields().iter().map(|f| f.surface()).collect();
        let keys: Vec<&(Provider, Surface, &[u8])> = KEYS.iter().filter(|k| k.0 == p).collect();
        let signals: Vec<(Surface, Vec<u8>)> = picks
            .iter()
            .map(|(si, ki, known)| {
                if *known && !keys.is_empty() {
                    let k = ki.get(&keys);
                    (k.1, k.2.to_vec())
                } else {
                    (*si.get(&own), b"zz_unknown".to_vec())
                }
            })
            .collect();
        let borrowed: Vec<(Surface, &[u8])> =
            signals.iter().map(|(s, v)| (*s, v.as_slice())).collect();
        let fields: Vec<(Field, &[u8])> = borrowed.iter().map(|&(s, v)| (field(p, s), v)).collect();
        let got = p.resolve_bytes(&fields).unwrap();
        // The reference: matched before unmapped, then precedence rank, then the earlier
        // signal.
        let rank = |s: Surface| field(p, s).rank();
        let class = |m: Option<Matched>| m.is_none();
        let want = borrowed
            .iter()
            .enumerate()
            .min_by_key(|(i, (s, raw))| (class(reference(p, *s, raw).map(|a| a.1)), rank(*s), *i));
        match want {
            Some((_, &(s, raw))) => check(&got, p, s, raw),
            None => {
                prop_assert_eq!(got.matched, Matched::Unmapped);
                prop_assert_eq!(got.field(), p.precedence()[0]);
                prop_assert!(got.raw.is_empty());
            }
        }
    }
}

/// Up to 32 bytes, the length and the four words the probe compares (`hash::words32`; below 8
/// bytes only the first, `hash::short_word`, is not zero, and the probe compares it alone)
/// stand for every byte, which is what lets a hit skip comparing the key: changing any one
/// byte of a value of any length up to 32 changes them.
#[test]
fn words32_cover_every_byte() {
    use psp_status_build::hash::words32;
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for len in 0..=32usize {
        for _ in 0..8 {
            let value: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            let words = words32::<false>(&value);
            for at in 0..len {
                for flip in [1u8, 0x20, 0x80, 0xff] {
                    let mut other = value.clone();
                    other[at] ^= flip;
                    assert_ne!(
                        words32::<false>(&other),
                        words,
                        "{len} bytes, byte {at} changed by {flip:#x}"
                    );
                }
            }
        }
    }
}
