//! `resolve`'s rule, both orders, for every provider: a signal on a more specific surface that
//! matched anything (exact entry, rule or the surface's default) outranks every signal on a
//! less specific surface; unmapped signals rank last. The batch kernel must agree.

use psp_status::batch::{classify_columns, Batch, Given, Names, Outcome, Signal};
use psp_status::{
    alma, checkout, purse, resolve, stripe, Code, Entry, Field, Matched, Matcher, Provider, State,
};
use strum::IntoEnumIterator;

/// A value that no table lists on any surface.
const UNKNOWN: &str = "\u{1}psp-status-never-listed";

/// A raw value that gives `e` (an exact value, a value inside a rule, any value for a default).
fn raw_of(e: &Entry) -> String {
    match e.matcher {
        Matcher::Exact(r) => r.to_string(),
        Matcher::Prefix(p) => format!("{p}psp_status_test"),
        Matcher::Range(a, _) => a.to_string(),
        Matcher::Default => "psp_status_a_value_not_listed".to_string(),
    }
}

/// Resolves `signals` in the given order and in reverse; both must give the same answer.
fn both_orders(provider: Provider, signals: &[(Field, &str)]) -> (Field, State, Code, Matched) {
    let forward = provider.resolve(signals).unwrap();
    let mut reversed = signals.to_vec();
    reversed.reverse();
    let backward = provider.resolve(&reversed).unwrap();
    assert_eq!(
        (forward.field(), forward.raw, forward.state, forward.code),
        (
            backward.field(),
            backward.raw,
            backward.state,
            backward.code
        ),
        "{signals:?}: the order of the signals changed the answer"
    );
    (
        forward.field(),
        forward.state,
        forward.code,
        forward.matched,
    )
}

#[test]
fn stripe_unknown_decline_code_outranks_requires_payment_method() {
    let status = (stripe::PAYMENT_INTENT_STATUS, "requires_payment_method");
    let decline = (stripe::DECLINE_CODE, "brand_new_code");
    for signals in [[status, decline], [decline, status]] {
        let c = resolve(&signals);
        assert_eq!((c.state, c.code), (State::Error, Code::RejectedBank));
        assert_eq!(
            (c.field(), c.matched),
            (stripe::DECLINE_CODE.into(), Matched::Default)
        );
        assert_ne!(
            c.retry(),
            psp_status::Retry::Wait,
            "a declined payment is not told to wait"
        );
    }
    // Alone, the status says the customer has to act.
    let alone = resolve(&[status]);
    assert_eq!(
        (alone.state, alone.code),
        (State::Waiting, Code::WaitingCustomerAction)
    );
}

#[test]
fn stripe_unmapped_signal_ranks_after_a_less_specific_match() {
    // error.code is more specific than payment_intent.status, but an unknown value there is
    // unmapped (no default): the status decides.
    let signals = [
        (stripe::ERROR_CODE, UNKNOWN),
        (stripe::PAYMENT_INTENT_STATUS, "succeeded"),
    ];
    for s in [signals, [signals[1], signals[0]]] {
        let c = resolve(&s);
        assert_eq!((c.state, c.code), (State::Success, Code::Succeeded));
    }
}

#[test]
fn alma_error_code_outranks_the_payment_state() {
    let signals = [
        (alma::PAYMENT_STATE, "scored_maybe"),
        (alma::ERROR_CODE, "validation_error"),
    ];
    for s in [signals, [signals[1], signals[0]]] {
        let c = resolve(&s);
        assert_eq!(c.field(), alma::ERROR_CODE, "{s:?}");
        assert_eq!(c.state, State::Error);
    }
    let unknown = [(alma::ERROR_CODE, UNKNOWN), (alma::PAYMENT_STATE, "paid")];
    for s in [unknown, [unknown[1], unknown[0]]] {
        assert_eq!(resolve(&s).field(), alma::PAYMENT_STATE, "{s:?}");
    }
}

#[test]
fn checkout_response_code_outranks_the_payment_status() {
    let signals = [
        (checkout::PAYMENT_STATUS, "Declined"),
        (checkout::RESPONSE_CODE, "20051"),
    ];
    for s in [signals, [signals[1], signals[0]]] {
        let c = resolve(&s);
        assert_eq!(
            (c.state, c.code),
            (State::Error, Code::InsufficientFunds),
            "{s:?}"
        );
    }
    let unknown = [
        (checkout::RESPONSE_CODE, UNKNOWN),
        (checkout::PAYMENT_STATUS, "Declined"),
    ];
    for s in [unknown, [unknown[1], unknown[0]]] {
        assert_eq!(resolve(&s).field(), checkout::PAYMENT_STATUS, "{s:?}");
    }
}

#[test]
fn purse_partner_status_outranks_the_purse_state() {
    let most = Provider::Purse.precedence()[0];
    assert_eq!(most, purse::ALMA_PSP_STATUS);
    let e = most.entries().next().unwrap();
    let raw = raw_of(e);
    let signals = [
        (purse::STATE, "WAITING"),
        (purse::ALMA_PSP_STATUS, raw.as_str()),
    ];
    for s in [signals, [signals[1], signals[0]]] {
        let c = resolve(&s);
        assert_eq!(c.field(), purse::ALMA_PSP_STATUS, "{s:?}");
        assert_eq!((c.state, c.code), (e.state, e.code));
    }
    let unknown = [(purse::ALMA_PSP_STATUS, UNKNOWN), (purse::STATE, "WAITING")];
    for s in [unknown, [unknown[1], unknown[0]]] {
        assert_eq!(resolve(&s).field(), purse::STATE, "{s:?}");
    }
}

/// Every provider, every pair of its surfaces (more specific, less specific), with every kind
/// of match the more specific surface has: the more specific one wins in both orders; when it
/// is unmapped, the less specific one wins in both orders.
#[test]
fn every_provider_more_specific_match_wins_both_orders() {
    let mut defaults_checked = 0;
    for p in Provider::iter() {
        let order = p.precedence();
        for (i, &more) in order.iter().enumerate() {
            for &less in &order[i + 1..] {
                let Some(plain) = less
                    .entries()
                    .find(|e| matches!(e.matcher, Matcher::Exact(_)))
                else {
                    continue;
                };
                let plain_raw = raw_of(plain);
                // One entry of each kind the more specific surface has.
                let mut kinds: Vec<&Entry> = Vec::new();
                for e in more.entries() {
                    let kind = std::mem::discriminant(&e.matcher);
                    if !kinds
                        .iter()
                        .any(|k| std::mem::discriminant(&k.matcher) == kind)
                    {
                        kinds.push(e);
                    }
                }
                for e in kinds {
                    let raw = raw_of(e);
                    let got = both_orders(p, &[(more, raw.as_str()), (less, plain_raw.as_str())]);
                    assert_eq!(
                        got.0, more,
                        "{p}: {more}={raw} ({:?}) must outrank {less}={plain_raw}",
                        e.matcher
                    );
                    if e.matcher == Matcher::Default {
                        assert_eq!(got.3, Matched::Default);
                        defaults_checked += 1;
                    }
                }
                let got = both_orders(p, &[(more, UNKNOWN), (less, plain_raw.as_str())]);
                if more.entries().any(|e| e.matcher == Matcher::Default) {
                    assert_eq!(got.0, more, "{p}: {more}'s default still matches");
                } else {
                    assert_eq!(got.0, less, "{p}: unmapped {more} ranks after {less}");
                }
            }
        }
    }
    assert!(
        defaults_checked > 0,
        "some surface has a default (Stripe decline_code)"
    );
}

#[test]
fn the_batch_kernel_resolves_as_resolve_does() {
    let status: Vec<&[u8]> = vec![
        b"requires_payment_method",
        b"requires_payment_method",
        b"succeeded",
    ];
    let decline: Vec<&[u8]> = vec![b"brand_new_code", b"", b""];
    let batch = Batch {
        provider: Given::Fixed(Provider::Stripe),
        signals: vec![
            Signal {
                surface: Given::Fixed(Field::from(stripe::PAYMENT_INTENT_STATUS).surface()),
                raw: &status[..],
            },
            Signal {
                surface: Given::Fixed(Field::from(stripe::DECLINE_CODE).surface()),
                raw: &decline[..],
            },
        ],
        empty_is_absent: true,
    };
    let mut out = Vec::new();
    classify_columns(&batch, &mut Names::default(), &mut out);
    for (row, o) in out.iter().enumerate() {
        let Outcome::Classified(v) = o else {
            panic!("row {row}: {o:?}")
        };
        let s = std::str::from_utf8(status[row]).unwrap();
        let d = std::str::from_utf8(decline[row]).unwrap();
        let mut signals = vec![(stripe::PAYMENT_INTENT_STATUS, s)];
        if !d.is_empty() {
            signals.push((stripe::DECLINE_CODE, d));
        }
        let c = resolve(&signals);
        assert_eq!(
            (v.surface, v.state, v.code, v.matched),
            (c.surface, c.state, c.code, c.matched),
            "row {row}"
        );
    }
    let Outcome::Classified(first) = out[0] else {
        unreachable!()
    };
    assert_eq!(
        (first.state, first.code),
        (State::Error, Code::RejectedBank)
    );
}
