//! Invariants of each provider's table, walked entry by entry through the public API
//! (`Provider::fields`, `Field::entries`): every entry is sourced by a web page, its
//! (state, code) pair is allowed by the taxonomy, its description is its own, and the provider
//! still holds at least the vocabulary it was published with.

use psp_status::{Field, Matcher, Provider};
use std::collections::HashMap;

/// What a surface's entries were checked against, for the count assertion.
fn check_provider(provider: Provider, minimum: usize) {
    let fields = provider.fields();
    assert!(!fields.is_empty(), "{provider}: no surfaces");
    let mut total = 0;
    for &field in fields {
        total += check_surface(provider, field);
    }
    assert!(
        total >= minimum,
        "{provider} holds {total} entries, fewer than the {minimum} it must keep"
    );
}

/// Checks every entry of one surface and returns how many there are.
fn check_surface(provider: Provider, field: Field) -> usize {
    // description (whitespace-normalised) -> raw values (lower-cased) that use it
    let mut seen: HashMap<String, (String, String)> = HashMap::new();
    let mut n = 0;
    for e in field.entries() {
        n += 1;
        let at = format!("{} ({}:{})", e.anchor(), provider.file(), e.line);
        assert_eq!(
            e.provider, provider,
            "{at}: entry filed under another provider"
        );
        assert_eq!(e.field(), field, "{at}: entry filed under another surface");

        let url = e.source;
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"));
        assert!(
            rest.is_some_and(|r| r.contains('.') && !r.starts_with('/') && !r.contains(' ')),
            "{at}: source {url:?} is not an http(s) URL"
        );

        assert!(
            e.code.allows(e.state),
            "{at}: the taxonomy does not allow {} with {}",
            e.code,
            e.state
        );

        let desc = e
            .description
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(!desc.is_empty(), "{at}: empty description");

        // Two entries of a surface may share a description only when they are the same value
        // written in another case (`Pending` / `pending`).
        let key = match e.matcher {
            Matcher::Exact(r) => r.to_ascii_lowercase(),
            _ => e.pattern(),
        };
        if let Some((other_key, other_anchor)) = seen.get(&desc) {
            assert_eq!(
                other_key, &key,
                "{at}: same description as {other_anchor}, for a different value"
            );
        } else {
            seen.insert(desc, (key, e.anchor().to_string()));
        }
    }
    assert!(n > 0, "{field}: surface without entries");
    n
}

#[test]
fn stripe_entries_hold_the_invariants() {
    check_provider(Provider::Stripe, 390);
}

#[test]
fn checkout_entries_hold_the_invariants() {
    check_provider(Provider::Checkout, 480);
}

#[test]
fn alma_entries_hold_the_invariants() {
    check_provider(Provider::Alma, 45);
}

#[test]
fn purse_entries_hold_the_invariants() {
    check_provider(Provider::Purse, 40);
}

/// Issue 3's transport list, for every provider: each status is an exact entry, a rate limit
/// is PENDING (nothing processed), and a timeout or a 5xx after a charge is UNCERTAIN, never
/// ERROR (a blind retry could charge twice).
#[test]
fn transport_failures_are_classified_on_purpose_for_every_provider() {
    use psp_status::{classify, Code, Matched, State};
    use strum::IntoEnumIterator;
    for p in Provider::iter() {
        let http = p.field("http_status").unwrap();
        let transport = p.field("transport").unwrap();
        for status in [
            "400", "401", "402", "403", "404", "409", "422", "429", "500", "502", "503", "504",
        ] {
            let c = classify(http, status);
            assert_eq!(c.matched, Matched::Exact, "{p} http_status {status}");
        }
        let c = classify(http, "429");
        assert_eq!(
            (c.state, c.code),
            (State::Pending, Code::RateLimited),
            "{p} 429"
        );
        for status in ["500", "502", "503", "504", "599"] {
            assert_eq!(
                classify(http, status).state,
                State::Uncertain,
                "{p} {status}"
            );
        }
        let c = classify(transport, "timeout");
        assert_eq!(
            (c.state, c.matched),
            (State::Uncertain, Matched::Exact),
            "{p} timeout"
        );
    }
}
