//! Invariants of the compiled tables, checked on every entry and on random input (proptest).

use proptest::prelude::*;
use psp_status::{
    classify_bytes, entries, Code, Entry, Field, Matched, Matcher, Provider, State, Surface,
};
use strum::IntoEnumIterator;

fn exact_entries() -> Vec<&'static Entry> {
    entries()
        .filter(|e| matches!(e.matcher, Matcher::Exact(_)))
        .collect()
}

/// Every field of every provider.
fn all_fields() -> Vec<Field> {
    Provider::iter()
        .flat_map(|p| p.fields().iter().copied())
        .collect()
}

/// Swaps the case of the ASCII letters chosen by `mask`.
fn flip_case(raw: &str, mask: &[bool]) -> String {
    raw.chars()
        .enumerate()
        .map(|(i, c)| {
            if mask.get(i % mask.len().max(1)).copied().unwrap_or(false) {
                if c.is_ascii_lowercase() {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            } else {
                c
            }
        })
        .collect()
}

#[test]
fn every_exact_entry_classifies_to_itself() {
    let all = exact_entries();
    assert!(
        all.len() > 1000,
        "the tables hold {} exact entries",
        all.len()
    );
    for e in all {
        let Matcher::Exact(raw) = e.matcher else {
            unreachable!()
        };
        let c = classify_bytes(e.field(), raw.as_bytes());
        assert_eq!(c.matched, Matched::Exact, "{}", e.anchor());
        assert_eq!(c.entry(), Some(e), "{}", e.anchor());
        assert_eq!(
            (c.state, c.code, c.operation),
            (e.state, e.code, Some(e.operation))
        );
        assert_eq!(c.raw, raw.as_bytes());
    }
}

#[test]
fn every_entry_is_allowed_by_the_taxonomy_and_sourced() {
    for e in entries() {
        assert!(
            e.code.allows(e.state),
            "{}: {} with {}",
            e.anchor(),
            e.code,
            e.state
        );
        assert!(
            e.source.starts_with("https://") || e.source.starts_with("http://"),
            "{}",
            e.anchor()
        );
        assert!(!e.description.trim().is_empty(), "{}", e.anchor());
        assert_eq!(
            Entry::by_anchor(e.anchor()),
            Some(e),
            "anchor {} finds its entry",
            e.anchor()
        );
    }
}

#[test]
fn every_rule_matches_what_it_declares() {
    for e in entries() {
        let probe = match e.matcher {
            Matcher::Prefix(p) => format!("{p}zz_never_listed_value"),
            Matcher::Range(from, to) => {
                // A number of the range with no exact entry of its own.
                match (from..=to)
                    .map(|n| n.to_string())
                    .find(|n| classify_bytes(e.field(), n.as_bytes()).matched != Matched::Exact)
                {
                    Some(n) => n,
                    None => continue,
                }
            }
            _ => continue,
        };
        let c = classify_bytes(e.field(), probe.as_bytes());
        // An earlier rule may claim it only if the validator let both through (it rejects
        // shadowing), so the first matching rule must be this one.
        assert_eq!(c.matched, Matched::Rule, "{} on {probe}", e.anchor());
        assert_eq!(c.entry(), Some(e), "{} on {probe}", e.anchor());
    }
}

#[test]
fn a_surface_that_is_not_the_providers_is_no_field() {
    let mut absent = 0;
    for p in Provider::iter() {
        for s in Surface::iter() {
            let own = p.fields().iter().any(|f| f.surface() == s);
            match Field::new(p, s) {
                Ok(f) => assert!(own && f.provider() == p && f.surface() == s),
                Err(e) => {
                    absent += 1;
                    assert!(!own, "{p} {s}");
                    assert!(e.to_string().contains(&s.to_string()), "{e}");
                    assert!(format!("{p}/{s}").parse::<Field>().is_err());
                }
            }
        }
    }
    assert!(absent > 0, "some provider lacks some surface");
}

#[test]
fn an_empty_value_is_unmapped_even_where_the_surface_has_a_default() {
    let mut with_default = 0;
    for f in all_fields() {
        if f.entries().any(|e| e.matcher == Matcher::Default) {
            with_default += 1;
        }
        let c = classify_bytes(f, b"");
        assert_eq!(
            (c.state, c.code, c.matched),
            (State::Uncertain, Code::Unmapped, Matched::Unmapped),
            "{f}"
        );
    }
    assert!(
        with_default > 0,
        "some surface declares a default (Stripe decline_code)"
    );
}

#[test]
fn resolve_with_no_signal_is_unmapped() {
    for p in Provider::iter() {
        let c = p.resolve_bytes(&[]).unwrap();
        assert_eq!(c.field(), p.precedence()[0]);
        assert_eq!((c.state, c.matched), (State::Uncertain, Matched::Unmapped));
        assert!(c.raw.is_empty());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Any bytes, any provider and surface: an answer, never a panic, raw kept.
    #[test]
    fn classify_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64), pair in 0usize..10_000) {
        let fields = all_fields();
        let c = classify_bytes(fields[pair % fields.len()], &bytes);
        prop_assert_eq!(c.raw, bytes.as_slice());
        prop_assert!(c.code.allows(c.state));
        let _ = c.description();
        let _ = c.retry();
    }

    /// Case policy: an insensitive surface finds the entry whatever the ASCII case; an exact
    /// surface finds it only when the bytes are equal.
    #[test]
    fn case_policy_holds(index in 0usize..100_000, mask in proptest::collection::vec(any::<bool>(), 1..8)) {
        let all = exact_entries();
        let e = all[index % all.len()];
        let Matcher::Exact(raw) = e.matcher else { unreachable!() };
        let flipped = flip_case(raw, &mask);
        let c = classify_bytes(e.field(), flipped.as_bytes());
        if e.field().is_case_insensitive() {
            prop_assert_eq!(c.entry(), Some(e));
        } else if flipped != raw {
            prop_assert_ne!(c.entry(), Some(e));
        }
    }

    /// A value no table lists falls to the rules, then the surface default, then the explicit
    /// unmapped result, which keeps the raw value.
    #[test]
    fn unknown_values_get_the_explicit_fallback(tail in "[a-z0-9_]{0,24}", pair in 0usize..10_000) {
        let fields = all_fields();
        let f = fields[pair % fields.len()];
        let raw = format!("\u{1}psp-status-unknown-{tail}");
        let c = classify_bytes(f, raw.as_bytes());
        prop_assert_eq!(c.raw, raw.as_bytes());
        prop_assert_ne!(c.matched, Matched::Exact);
        match f.entries().find(|e| e.matcher == Matcher::Default) {
            Some(d) => prop_assert_eq!(c.entry(), Some(d)),
            None => {
                prop_assert_eq!((c.state, c.code, c.matched), (State::Uncertain, Code::Unmapped, Matched::Unmapped));
                prop_assert!(c.entry().is_none());
            }
        }
    }

    /// resolve picks one of its signals, and never a less specific match over a more specific one.
    #[test]
    fn resolve_picks_the_best_signal(a in 0usize..100_000, b in 0usize..100_000, junk in "[a-z]{1,8}") {
        let all = exact_entries();
        let p = all[a % all.len()].provider;
        let same: Vec<_> = all.iter().filter(|e| e.provider == p).collect();
        let e1 = same[a % same.len()];
        let e2 = same[b % same.len()];
        let Matcher::Exact(r1) = e1.matcher else { unreachable!() };
        let Matcher::Exact(r2) = e2.matcher else { unreachable!() };
        let unknown = format!("\u{1}{junk}");
        let signals = [(e1.field(), r1.as_bytes()), (e2.field(), r2.as_bytes()), (e1.field(), unknown.as_bytes())];
        let c = p.resolve_bytes(&signals).unwrap();
        prop_assert_eq!(c.matched, Matched::Exact);
        let winner = if e2.field().rank() < e1.field().rank() { e2 } else { e1 };
        prop_assert_eq!(c.entry(), Some(*winner));
    }
}

// --- range rules read any all-digit value ---------------------------------------------------------

/// Every range rule with its provider and surface.
fn range_rules() -> Vec<(&'static Entry, u64, u64)> {
    entries()
        .filter_map(|e| match e.matcher {
            Matcher::Range(a, b) => Some((e, a, b)),
            _ => None,
        })
        .collect()
}

/// Whether `raw` is an exact value of the entry's surface (those win before any rule).
fn is_exact(e: &Entry, raw: &[u8]) -> bool {
    classify_bytes(e.field(), raw).matched == Matched::Exact
}

#[test]
fn leading_zeros_of_any_count_keep_the_range_match() {
    use psp_status::{checkout::RESPONSE_CODE, classify};
    // A number of Checkout's 20xxx soft-decline range that is no exact value of its own.
    let (n, range) = (20000..=29999u32)
        .find_map(|n| {
            let raw = n.to_string();
            let c = classify(RESPONSE_CODE, &raw);
            let entry: Option<&'static Entry> = c.entry();
            (c.matched == Matched::Rule).then_some((n, entry?))
        })
        .expect("the range covers values with no exact entry");
    assert!(
        matches!(range.matcher, Matcher::Range(a, b) if a <= u64::from(n) && u64::from(n) <= b),
        "{:?}",
        range.matcher
    );
    for zeros in [1, 14, 15, 16, 40, 1000] {
        // 14 zeros: 19 characters, the longest value read before; 15: 20 characters.
        let raw = format!("{}{n}", "0".repeat(zeros));
        let c = classify(RESPONSE_CODE, &raw);
        assert_eq!(c.entry(), Some(range), "{raw}");
        assert_eq!(c.matched, Matched::Rule, "{raw}");
    }
    // The example: 20051 itself is an exact entry, its padded form falls to the range.
    let c = classify(RESPONSE_CODE, "00000000000000020051");
    assert_eq!(c.entry(), Some(range));
}

#[test]
fn numbers_beyond_u64_match_no_range() {
    for (e, _, _) in range_rules() {
        for raw in [
            "18446744073709551616", // u64::MAX + 1
            "99999999999999999999",
            "100000000000000000000000000000000020051", // 20051 under a non-zero high digit
            "000000000000000000000018446744073709551616",
        ] {
            let c = classify_bytes(e.field(), raw.as_bytes());
            assert!(
                !c.entry()
                    .is_some_and(|m| matches!(m.matcher, Matcher::Range(..))),
                "{} took {raw}",
                e.anchor()
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// A number of a range, written with any count of leading zeros, matches that range (unless
    /// the padded text is an exact value of its own).
    #[test]
    fn any_count_of_leading_zeros_keeps_the_match(pick in any::<prop::sample::Index>(), offset in any::<u64>(), zeros in 0usize..200) {
        let rules = range_rules();
        let (e, a, b) = rules[pick.index(rules.len())];
        let n = a + offset % (b - a + 1);
        let plain = n.to_string();
        let padded = format!("{}{plain}", "0".repeat(zeros));
        prop_assume!(!is_exact(e, plain.as_bytes()) && !is_exact(e, padded.as_bytes()));
        let want = classify_bytes(e.field(), plain.as_bytes());
        let got = classify_bytes(e.field(), padded.as_bytes());
        prop_assert_eq!(got.matched, Matched::Rule);
        prop_assert_eq!(got.entry(), want.entry(), "{} vs {}", padded, plain);
        prop_assert!(got.entry().is_some_and(|m| matches!(m.matcher, Matcher::Range(x, y) if x <= n && n <= y)));
    }

    /// An all-digit value above u64::MAX (a non-zero digit followed by 20 or more digits, after
    /// any leading zeros) matches no range rule, and nothing panics.
    #[test]
    fn values_above_u64_match_no_range(
        pick in any::<prop::sample::Index>(), zeros in 0usize..30,
        high in 1u8..=9, tail in "[0-9]{20,60}",
    ) {
        let rules = range_rules();
        let (e, _, _) = rules[pick.index(rules.len())];
        let raw = format!("{}{}{tail}", "0".repeat(zeros), high);
        let c = classify_bytes(e.field(), raw.as_bytes());
        prop_assert!(!c.entry().is_some_and(|m| matches!(m.matcher, Matcher::Range(..))), "{}", raw);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    /// The range rules' reading of a number agrees with std's `u64` parser on every all-digit
    /// value (any count of leading zeros, up to well past 20 digits), and refuses everything
    /// else, signs included (which std accepts).
    #[test]
    fn numbers_are_read_as_std_reads_them(zeros in 0usize..40, digits in "[0-9]{0,45}", junk in "[+\\- a-z0-9]{0,3}", at in any::<prop::sample::Index>()) {
        use psp_status_build::digits::parse_digits;
        let value = format!("{}{digits}", "0".repeat(zeros));
        prop_assert_eq!(parse_digits(value.as_bytes()), value.parse::<u64>().ok(), "{}", value);
        let mut other = value.clone();
        other.insert_str(at.index(other.len() + 1), &junk);
        if !other.bytes().all(|b| b.is_ascii_digit()) {
            prop_assert_eq!(parse_digits(other.as_bytes()), None, "{}", other);
        }
    }
}
