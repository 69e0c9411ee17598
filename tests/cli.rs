//! The command line as a user runs it: classify/resolve output, JSON keys, usage errors.

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_psp-status"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn json(args: &[&str]) -> serde_json::Value {
    let out = run(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

#[test]
fn classify_alma_scored_maybe_json() {
    let v = json(&[
        "classify",
        "alma",
        "payment.state",
        "scored_maybe",
        "--json",
    ]);
    assert_eq!(v["state"], "WAITING");
    assert_eq!(v["code"], "WAITING_PARTNER_RESPONSE");
    for key in [
        "provider",
        "surface",
        "raw",
        "state",
        "code",
        "operation",
        "matched",
        "retry",
        "description",
        "source",
        "table_version",
    ] {
        assert!(v.get(key).is_some(), "missing key {key} in {v}");
    }
    assert_eq!(v["provider"], "alma");
    assert_eq!(v["raw"], "scored_maybe");
    assert_eq!(v["matched"], "exact");
    assert_eq!(v["table_version"], psp_status::TABLE_VERSION);
}

#[test]
fn classify_checkout_pending_is_waiting() {
    let v = json(&[
        "classify",
        "checkout",
        "payment.status",
        "Pending",
        "--json",
    ]);
    assert_eq!(v["state"], "WAITING");
    // The surface is ASCII case-insensitive: exports that write `pending` agree.
    let lower = json(&[
        "classify",
        "checkout",
        "payment.status",
        "pending",
        "--json",
    ]);
    assert_eq!(lower["state"], "WAITING");
    assert_eq!(lower["raw"], "pending", "the raw value is kept as received");
}

#[test]
fn classify_text_names_state_code_and_source() {
    let out = run(&["classify", "stripe", "decline_code", "do_not_honor"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("state       ERROR"), "{text}");
    assert!(text.contains("code        REJECTED_BANK"), "{text}");
    assert!(text.contains("source      https://"), "{text}");
}

#[test]
fn unknown_value_is_uncertain_not_an_error() {
    let v = json(&[
        "classify",
        "stripe",
        "payment_intent.status",
        "brand_new_status",
        "--json",
    ]);
    assert_eq!(v["state"], "UNCERTAIN");
    assert_eq!(v["code"], "UNMAPPED");
    assert_eq!(v["matched"], "unmapped");
    assert_eq!(v["retry"], "after_verifying");
    assert_eq!(v["raw"], "brand_new_status");
    assert!(v["source"].is_null());
}

#[test]
fn resolve_requires_payment_method_both_ways() {
    let with_decline = json(&[
        "resolve",
        "stripe",
        "payment_intent.status=requires_payment_method",
        "decline_code=insufficient_funds",
        "--json",
    ]);
    assert_eq!(with_decline["state"], "ERROR");
    assert_eq!(with_decline["code"], "INSUFFICIENT_FUNDS");
    assert_eq!(with_decline["surface"], "decline_code");
    assert_eq!(with_decline["signals"].as_array().unwrap().len(), 2);

    let alone = json(&[
        "resolve",
        "stripe",
        "payment_intent.status=requires_payment_method",
        "--json",
    ]);
    assert_eq!(alone["state"], "WAITING");
    assert_eq!(alone["surface"], "payment_intent.status");
}

#[test]
fn unknown_provider_is_a_usage_error_listing_providers() {
    let out = run(&["classify", "paypal", "status", "x"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("unknown provider `paypal`"), "{err}");
    for p in ["alma", "checkout", "purse", "stripe"] {
        assert!(err.contains(p), "{err}");
    }
}

#[test]
fn unknown_surface_is_a_usage_error_listing_surfaces() {
    let out = run(&["classify", "alma", "payment.status", "paid"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("unknown surface `payment.status` for provider alma"),
        "{err}"
    );
    assert!(err.contains("payment.state"), "{err}");
}

#[test]
fn malformed_signal_is_a_usage_error() {
    let out = run(&["resolve", "stripe", "decline_code"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not SURFACE=RAW"));
}

#[test]
fn provider_names_are_case_insensitive() {
    let v = json(&[
        "classify",
        "Stripe",
        "decline_code",
        "expired_card",
        "--json",
    ]);
    assert_eq!(v["provider"], "stripe");
    assert_eq!(v["code"], "CARD_EXPIRED");
}

#[test]
fn version_prints_the_table_version_and_digest() {
    for flag in ["--version", "-V"] {
        let out = run(&[flag]);
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.starts_with("psp-status "), "{text}");
        assert!(text.contains(env!("CARGO_PKG_VERSION")), "{text}");
        assert!(text.contains(psp_status::TABLE_VERSION), "{text}");
        assert!(text.contains(psp_status::TABLE_DIGEST), "{text}");
    }
}
