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
    check_provider(Provider::Alma, 70);
}

#[test]
fn purse_entries_hold_the_invariants() {
    check_provider(Provider::Purse, 250);
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

// ------------------------------------------------------------------------------------------
// Stripe and Checkout.com (issue 14): sources pinned, outcome-free fields ranked after the
// fields that carry the outcome.
// ------------------------------------------------------------------------------------------

/// An SDK file is a source only at a commit: a `blob/master` link changes under the entry.
#[test]
fn stripe_and_checkout_sdk_sources_are_pinned_to_a_commit() {
    for p in [Provider::Stripe, Provider::Checkout] {
        for &f in p.fields() {
            for e in f.entries() {
                let Some(rest) = e.source.strip_prefix("https://github.com/") else {
                    continue;
                };
                let rev = rest.split('/').nth(3).unwrap_or("");
                assert!(
                    rev.len() == 40 && rev.bytes().all(|b| b.is_ascii_hexdigit()),
                    "{} ({}:{}): {} is not pinned to a commit",
                    e.anchor(),
                    p.file(),
                    e.line,
                    e.source
                );
            }
        }
    }
}

/// Every response-code entry and rule cites the page that lists the response codes.
#[test]
fn checkout_response_codes_cite_the_response_code_page() {
    let mut n = 0;
    for e in psp_status::Field::from(psp_status::checkout::RESPONSE_CODE).entries() {
        n += 1;
        assert!(
            e.source.ends_with("/codes/api-response-codes"),
            "{}: cites {}",
            e.anchor(),
            e.source
        );
    }
    assert!(n > 250, "only {n} response-code entries");
}

/// Where a field never carries an outcome (every entry UNCERTAIN), the field that does carry it
/// must come first in the provider's precedence, so that `resolve` takes the outcome from there.
#[test]
fn outcome_free_fields_rank_after_the_fields_carrying_their_outcome() {
    use psp_status::State;
    let rank = |p: Provider, name: &str| {
        let s = p.field(name).unwrap();
        p.precedence()
            .iter()
            .position(|x| *x == s)
            .unwrap_or_else(|| panic!("{p}: {name} not in precedence"))
    };
    let pairs: &[(Provider, &str, &[&str])] = &[
        (
            Provider::Checkout,
            "action.type",
            &["action.approved", "response_code"],
        ),
        (
            Provider::Stripe,
            "outcome.risk_level",
            &[
                "outcome.type",
                "outcome.reason",
                "charge.status",
                "event.type",
            ],
        ),
        (
            Provider::Stripe,
            "outcome.reason",
            &["outcome.type", "charge.status"],
        ),
        (
            Provider::Stripe,
            "refund.reason",
            &["refund.status", "refund.failure_reason"],
        ),
    ];
    for (p, free, carriers) in pairs {
        let s = p.field(free).unwrap();
        if *free != "outcome.reason" {
            for e in s.entries() {
                assert_eq!(
                    e.state,
                    State::Uncertain,
                    "{}: claims an outcome",
                    e.anchor()
                );
            }
        }
        for c in *carriers {
            assert!(
                rank(*p, c) < rank(*p, free),
                "{p}: {c} must rank before {free}"
            );
        }
    }
}

/// For every action type, approved flag and response code Checkout.com publishes, `resolve`
/// answers with the response code when there is one, else with the flag: never with the type.
#[test]
fn checkout_action_resolves_from_approved_and_response_code_for_every_value() {
    use psp_status::{checkout, classify, resolve, Matcher};
    let ty = checkout::ACTION_TYPE;
    let ap = checkout::ACTION_APPROVED;
    let rc = checkout::RESPONSE_CODE;
    let exact = |f: Field| {
        f.entries()
            .filter_map(|e| match e.matcher {
                Matcher::Exact(r) => Some(r),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    let (types, flags, codes) = (exact(ty.into()), exact(ap.into()), exact(rc.into()));
    assert!(types.len() >= 7 && flags.len() == 2 && codes.len() > 250);
    for t in &types {
        for f in &flags {
            let want = classify(ap, f);
            let got = resolve(&[(ty, t), (ap, f)]);
            assert_eq!(
                (got.state, got.code, got.field()),
                (want.state, want.code, Field::from(ap)),
                "{t} {f}"
            );
            for code in &codes {
                let want = classify(rc, code);
                let got = resolve(&[(ty, t), (ap, f), (rc, code)]);
                assert_eq!(
                    (got.state, got.code),
                    (want.state, want.code),
                    "{t} {f} {code}"
                );
            }
        }
    }
}

/// Every Stripe and Checkout.com surface says what its completeness was checked against, and an
/// SDK file named there is pinned to a commit; `transport` holds psp-status's own names, with no
/// outside list to check them against, so it records none.
#[test]
fn stripe_and_checkout_surfaces_say_what_they_were_checked_against() {
    for p in [Provider::Stripe, Provider::Checkout] {
        for &s in p.fields() {
            let list = s.checked_against();
            if s.name() == "transport" {
                assert!(
                    list.is_empty(),
                    "{s}: our own names, nothing to check against"
                );
                continue;
            }
            assert!(!list.is_empty(), "{p}/{s}: no checked_against");
            for url in list {
                if let Some(rest) = url.strip_prefix("https://github.com/") {
                    let rev = rest.split('/').nth(3).unwrap_or("");
                    assert!(
                        rev.len() == 40 && rev.bytes().all(|b| b.is_ascii_hexdigit()),
                        "{p}/{s}: {url} is not pinned to a commit"
                    );
                }
            }
        }
    }
}

/// Issue 14: every Alma and Purse surface records what its completeness was checked against
/// (SDK files at a commit or pages), except `transport`, whose values are psp-status's own names
/// and have no outside list to be checked against.
#[test]
fn alma_and_purse_surfaces_record_what_completeness_was_checked_against() {
    for p in [Provider::Alma, Provider::Purse] {
        for &f in p.fields() {
            let list = f.checked_against();
            if f.name() == "transport" {
                assert!(
                    list.is_empty(),
                    "{f}: our own names, nothing to check against"
                );
                continue;
            }
            assert!(!list.is_empty(), "{f}: no checked_against");
            for url in list {
                assert!(url.starts_with("https://"), "{f}: {url}");
            }
        }
    }
}

/// The README's table of entry counts is what the tables hold.
#[test]
fn readme_entry_counts_match_the_tables() {
    use strum::IntoEnumIterator;
    let readme = include_str!("../README.md");
    for p in Provider::iter() {
        let total: usize = p.fields().iter().map(|f| f.entries().count()).sum();
        let prefix = format!("| {} | ", p.name());
        let row = readme
            .lines()
            .find(|l| l.starts_with(&prefix))
            .unwrap_or_else(|| panic!("README.md has no row for {}", p.name()));
        let n: usize = row[prefix.len()..]
            .split('|')
            .next()
            .unwrap()
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("README.md row {row:?}: count"));
        assert_eq!(n, total, "README.md says {n} entries for {}", p.name());
    }
}
