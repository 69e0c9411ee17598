//! Spot checks, one test per surface of every provider: a few values whose meaning the
//! provider documents (Stripe's decline-code and error-code pages, Checkout.com's response
//! codes, Alma's API reference, Purse's Alma table), with the state and code a payment service
//! must get for them. The expectations come from those pages, not from our YAML: a test fails
//! when a mapping regresses.
//!
//! Surfaces are named by their wire names (`Provider::Stripe.field("decline_code")`), as
//! callers and exports name them; `resolve` checks use the typed constants (`stripe::…`).

use psp_status::{
    checkout, classify, resolve, stripe, Code, Field, Matched, Operation, Provider, Retry, State,
};

use Code::*;
use State::*;

/// A provider's field by its wire name; panics with the name when the provider lacks it.
fn field(provider: Provider, name: &str) -> Field {
    provider.field(name).unwrap_or_else(|e| panic!("{e}"))
}

/// Asserts that `raw` on `provider`/`surface` is an exact entry classified as `state`/`code`.
fn exact(provider: Provider, surface_name: &str, raw: &str, state: State, code: Code) {
    let c = classify(field(provider, surface_name), raw);
    assert_eq!(
        c.matched,
        Matched::Exact,
        "{provider}/{surface_name}/{raw}: expected an exact entry"
    );
    assert_eq!(
        (c.state, c.code),
        (state, code),
        "{provider}/{surface_name}/{raw}"
    );
}

/// Like [`exact`], and checks the operation too.
fn exact_op(
    provider: Provider,
    surface_name: &str,
    raw: &str,
    state: State,
    code: Code,
    op: Operation,
) {
    exact(provider, surface_name, raw, state, code);
    let c = classify(field(provider, surface_name), raw);
    assert_eq!(c.operation, Some(op), "{provider}/{surface_name}/{raw}: op");
}

/// Asserts that `raw` matches a rule (prefix or range) of the surface, with `state`/`code`.
fn by_rule(provider: Provider, surface_name: &str, raw: &str, state: State, code: Code) {
    let c = classify(field(provider, surface_name), raw);
    assert_eq!(
        c.matched,
        Matched::Rule,
        "{provider}/{surface_name}/{raw}: expected a rule"
    );
    assert_eq!(
        (c.state, c.code),
        (state, code),
        "{provider}/{surface_name}/{raw}"
    );
}

// ------------------------------------------------------------------------------------------
// Stripe: https://docs.stripe.com/declines/codes, /error-codes, /api/*, /api/events/types
// ------------------------------------------------------------------------------------------
const S: Provider = Provider::Stripe;

#[test]
fn stripe_decline_code() {
    exact(S, "decline_code", "do_not_honor", Error, RejectedBank);
    exact(
        S,
        "decline_code",
        "insufficient_funds",
        Error,
        InsufficientFunds,
    );
    exact(S, "decline_code", "expired_card", Error, CardExpired);
    exact(
        S,
        "decline_code",
        "revocation_of_authorization",
        Error,
        AuthorizationRevoked,
    );
    // The field is only set on declines: an unknown code is still a decline.
    let c = classify(field(S, "decline_code"), "a_code_stripe_adds_later");
    assert_eq!((c.matched, c.state), (Matched::Default, Error));
}

#[test]
fn stripe_advice_code() {
    exact(S, "advice_code", "try_again_later", Error, TemporaryDecline);
    exact(S, "advice_code", "confirm_card_data", Error, WrongCardData);
    exact(S, "advice_code", "do_not_try_again", Error, RejectedBank);
    let later = classify(field(S, "advice_code"), "try_again_later");
    assert_eq!(later.retry(), Retry::Later);
    let never = classify(field(S, "advice_code"), "do_not_try_again");
    assert_ne!(never.retry(), Retry::Later);
}

#[test]
fn stripe_error_code() {
    exact(S, "error.code", "card_declined", Error, RejectedBank);
    exact(S, "error.code", "rate_limit", Pending, RateLimited);
    exact(
        S,
        "error.code",
        "account_number_invalid",
        Error,
        WrongAccountData,
    );
}

#[test]
fn stripe_refund_failure_reason() {
    exact_op(
        S,
        "refund.failure_reason",
        "lost_or_stolen_card",
        Error,
        BlockedCard,
        Operation::Refund,
    );
    exact(
        S,
        "refund.failure_reason",
        "expired_or_canceled_card",
        Error,
        CardExpired,
    );
}

#[test]
fn stripe_payment_intent_cancellation_reason() {
    exact(
        S,
        "payment_intent.cancellation_reason",
        "duplicate",
        Error,
        DuplicatedTransaction,
    );
    exact(
        S,
        "payment_intent.cancellation_reason",
        "abandoned",
        Error,
        AbortedByCustomer,
    );
    exact(
        S,
        "payment_intent.cancellation_reason",
        "fraudulent",
        Error,
        RejectedByRiskChecks,
    );
}

#[test]
fn stripe_setup_intent_cancellation_reason() {
    exact(
        S,
        "setup_intent.cancellation_reason",
        "abandoned",
        Error,
        AbortedByCustomer,
    );
    exact(
        S,
        "setup_intent.cancellation_reason",
        "duplicate",
        Error,
        DuplicatedTransaction,
    );
}

#[test]
fn stripe_error_type() {
    exact(S, "error.type", "invalid_request_error", Error, BadRequest);
    // Stripe's own server error: whether the charge went through is unknown.
    let c = classify(field(S, "error.type"), "api_error");
    assert_eq!(c.state, Uncertain);
    assert_eq!(c.retry(), Retry::AfterVerifying);
}

#[test]
fn stripe_next_action_type() {
    exact(
        S,
        "next_action.type",
        "redirect_to_url",
        Waiting,
        WaitingCustomerAction,
    );
    exact(
        S,
        "next_action.type",
        "verify_with_microdeposits",
        Waiting,
        WaitingCustomerAction,
    );
}

#[test]
fn stripe_payment_intent_status() {
    exact(S, "payment_intent.status", "succeeded", Success, Succeeded);
    exact(
        S,
        "payment_intent.status",
        "requires_capture",
        Success,
        Authorized,
    );
    exact(
        S,
        "payment_intent.status",
        "processing",
        Waiting,
        WaitingPartnerResponse,
    );
}

#[test]
fn stripe_setup_intent_status() {
    exact(S, "setup_intent.status", "succeeded", Success, Succeeded);
    exact(
        S,
        "setup_intent.status",
        "requires_action",
        Waiting,
        WaitingCustomerAction,
    );
    exact(S, "setup_intent.status", "canceled", Error, Canceled);
}

#[test]
fn stripe_redirect_status() {
    exact(S, "redirect_status", "succeeded", Success, Succeeded);
    let c = classify(field(S, "redirect_status"), "failed");
    assert_eq!((c.matched, c.state), (Matched::Exact, Error));
}

#[test]
fn stripe_outcome_type() {
    exact(S, "outcome.type", "authorized", Success, Authorized);
    exact(S, "outcome.type", "issuer_declined", Error, RejectedBank);
    exact(S, "outcome.type", "blocked", Error, RejectedByRiskChecks);
}

#[test]
fn stripe_outcome_network_status() {
    exact(
        S,
        "outcome.network_status",
        "declined_by_network",
        Error,
        RejectedBank,
    );
    let c = classify(field(S, "outcome.network_status"), "approved_by_network");
    assert_eq!((c.matched, c.state), (Matched::Exact, Success));
}

#[test]
fn stripe_charge_status() {
    exact(S, "charge.status", "succeeded", Success, Succeeded);
    exact(
        S,
        "charge.status",
        "pending",
        Waiting,
        WaitingPartnerResponse,
    );
    let c = classify(field(S, "charge.status"), "failed");
    assert_eq!((c.matched, c.state), (Matched::Exact, Error));
}

#[test]
fn stripe_refund_status() {
    exact_op(
        S,
        "refund.status",
        "succeeded",
        Success,
        Succeeded,
        Operation::Refund,
    );
    let c = classify(field(S, "refund.status"), "failed");
    assert_eq!((c.state, c.operation), (Error, Some(Operation::Refund)));
    let p = classify(field(S, "refund.status"), "pending");
    assert_eq!(p.state, Waiting);
}

#[test]
fn stripe_dispute_status() {
    exact_op(
        S,
        "dispute.status",
        "won",
        Success,
        DisputeWon,
        Operation::Dispute,
    );
    exact(S, "dispute.status", "lost", Error, DisputeLost);
    exact(
        S,
        "dispute.status",
        "needs_response",
        Waiting,
        WaitingMerchantAction,
    );
}

#[test]
fn stripe_dispute_reason() {
    // A reason says why the cardholder disputes, not how it ends: the merchant must answer.
    exact_op(
        S,
        "dispute.reason",
        "fraudulent",
        Waiting,
        WaitingMerchantAction,
        Operation::Dispute,
    );
    exact(
        S,
        "dispute.reason",
        "product_not_received",
        Waiting,
        WaitingMerchantAction,
    );
}

#[test]
fn stripe_event_type() {
    exact(
        S,
        "event.type",
        "payment_intent.succeeded",
        Success,
        Succeeded,
    );
    let failed = classify(field(S, "event.type"), "payment_intent.payment_failed");
    assert_eq!((failed.matched, failed.state), (Matched::Exact, Error));
    // Closed says only that it ended; won or lost is in dispute.status.
    exact_op(
        S,
        "event.type",
        "charge.dispute.closed",
        Uncertain,
        OutcomeInObject,
        Operation::Dispute,
    );
    exact(
        S,
        "event.type",
        "refund.updated",
        Uncertain,
        OutcomeInObject,
    );
}

#[test]
fn stripe_http_status() {
    exact(S, "http_status", "429", Pending, RateLimited);
    exact(
        S,
        "http_status",
        "500",
        Uncertain,
        TechnicalIssueToContactPartner,
    );
    exact(S, "http_status", "200", Uncertain, OutcomeInObject);
    let c = classify(field(S, "http_status"), "418");
    assert_eq!((c.matched, c.state), (Matched::Rule, Error));
}

#[test]
fn stripe_transport() {
    exact(
        S,
        "transport",
        "timeout",
        Uncertain,
        TechnicalIssueToContactPartner,
    );
    assert_eq!(
        classify(field(S, "transport"), "timeout").retry(),
        Retry::AfterVerifying
    );
}

#[test]
fn stripe_requires_payment_method_resolves_both_ways() {
    let status = stripe::PAYMENT_INTENT_STATUS;
    let alone = resolve(&[(status, "requires_payment_method")]);
    assert_eq!(
        (alone.state, alone.code),
        (Waiting, WaitingCustomerAction),
        "no error: the customer has to give a payment method"
    );
    let declined = resolve(&[
        (status, "requires_payment_method"),
        (stripe::DECLINE_CODE, "insufficient_funds"),
    ]);
    assert_eq!((declined.state, declined.code), (Error, InsufficientFunds));
    assert_eq!(declined.field(), stripe::DECLINE_CODE);
    // The order the caller passes the signals in does not matter.
    let swapped = resolve(&[
        (stripe::DECLINE_CODE, "insufficient_funds"),
        (status, "requires_payment_method"),
    ]);
    assert_eq!((swapped.state, swapped.code), (Error, InsufficientFunds));
}

#[test]
fn stripe_dispute_closed_resolves_with_the_dispute_status() {
    let event = stripe::EVENT_TYPE;
    let status = stripe::DISPUTE_STATUS;
    let won = resolve(&[(event, "charge.dispute.closed"), (status, "won")]);
    assert_eq!((won.state, won.code), (Success, DisputeWon));
    let lost = resolve(&[(event, "charge.dispute.closed"), (status, "lost")]);
    assert_eq!((lost.state, lost.code), (Error, DisputeLost));
}

// ------------------------------------------------------------------------------------------
// Checkout.com: https://www.checkout.com/docs/resources/codes/*, API reference, webhooks
// ------------------------------------------------------------------------------------------
const C: Provider = Provider::Checkout;

#[test]
fn checkout_response_code() {
    exact(C, "response_code", "10000", Success, Succeeded);
    exact(C, "response_code", "20051", Error, InsufficientFunds);
    exact(C, "response_code", "20054", Error, CardExpired);
    exact(C, "response_code", "200R1", Error, AuthorizationRevoked);
    // 20999 is not in the published list: the soft-decline family rule answers.
    by_rule(C, "response_code", "20999", Error, RejectedBank);
}

#[test]
fn checkout_error_codes() {
    exact(C, "error_codes", "card_expired", Error, CardExpired);
    exact(C, "error_codes", "cvv_invalid", Error, WrongCardData);
    exact(
        C,
        "error_codes",
        "api_calls_quota_exceeded",
        Pending,
        RateLimited,
    );
}

#[test]
fn checkout_webhook_event() {
    exact_op(
        C,
        "webhook_event",
        "payment_captured",
        Success,
        Succeeded,
        Operation::Capture,
    );
    exact_op(
        C,
        "webhook_event",
        "dispute_won",
        Success,
        DisputeWon,
        Operation::Dispute,
    );
    let c = classify(field(C, "webhook_event"), "payment_declined");
    assert_eq!((c.matched, c.state), (Matched::Exact, Error));
}

#[test]
fn checkout_payment_status_authorized_and_captured_differ_by_operation() {
    exact_op(
        C,
        "payment.status",
        "Authorized",
        Success,
        Authorized,
        Operation::Payment,
    );
    exact_op(
        C,
        "payment.status",
        "Captured",
        Success,
        Succeeded,
        Operation::Capture,
    );
    // Exports write lower case; the surface is case-insensitive.
    exact_op(
        C,
        "payment.status",
        "captured",
        Success,
        Succeeded,
        Operation::Capture,
    );
    let d = classify(field(C, "payment.status"), "Declined");
    assert_eq!((d.matched, d.state), (Matched::Exact, Error));
}

#[test]
fn checkout_dispute_status() {
    exact(C, "dispute.status", "won", Success, DisputeWon);
    exact(C, "dispute.status", "lost", Error, DisputeLost);
    exact(
        C,
        "dispute.status",
        "evidence_required",
        Waiting,
        WaitingMerchantAction,
    );
}

#[test]
fn checkout_payment_setup_payment_methods_status() {
    exact(
        C,
        "payment_setup.payment_methods.status",
        "unavailable",
        Error,
        UnsupportedPaymentMethod,
    );
    let c = classify(field(C, "payment_setup.payment_methods.status"), "ready");
    assert_eq!((c.matched, c.state), (Matched::Exact, Waiting));
}

#[test]
fn checkout_hosted_payment_status() {
    exact(
        C,
        "hosted_payment.status",
        "Payment Received",
        Success,
        Succeeded,
    );
    exact(C, "hosted_payment.status", "Expired", Error, Expired);
}

#[test]
fn checkout_payment_link_status() {
    exact(
        C,
        "payment_link.status",
        "Active",
        Waiting,
        WaitingCustomerAction,
    );
    exact(
        C,
        "payment_link.status",
        "Payment Received",
        Success,
        Succeeded,
    );
    exact(C, "payment_link.status", "Expired", Error, Expired);
}

#[test]
fn checkout_payment_context_status() {
    let created = classify(field(C, "payment_context.status"), "Created");
    assert_eq!((created.matched, created.state), (Matched::Exact, Waiting));
    let approved = classify(field(C, "payment_context.status"), "Approved");
    assert_eq!(
        (approved.matched, approved.state),
        (Matched::Exact, Waiting),
        "an approved context still has to be turned into a payment"
    );
}

#[test]
fn checkout_action_type() {
    exact(C, "action.type", "Authorization", Success, Authorized);
    exact(C, "action.type", "Capture", Success, Succeeded);
    let c = classify(field(C, "action.type"), "Return");
    assert_eq!((c.matched, c.state), (Matched::Exact, Error));
}

#[test]
fn checkout_http_status() {
    exact(C, "http_status", "201", Uncertain, OutcomeInObject);
    exact(C, "http_status", "202", Waiting, WaitingPartnerResponse);
    exact(C, "http_status", "429", Pending, RateLimited);
    exact(
        C,
        "http_status",
        "502",
        Uncertain,
        TechnicalIssueToContactPartner,
    );
}

#[test]
fn checkout_transport() {
    exact(
        C,
        "transport",
        "timeout",
        Uncertain,
        TechnicalIssueToContactPartner,
    );
    exact(
        C,
        "transport",
        "connection_error",
        Uncertain,
        TechnicalIssueToContactPartner,
    );
}

#[test]
fn checkout_declined_payment_resolves_to_its_response_code() {
    let c = resolve(&[
        (checkout::PAYMENT_STATUS, "Declined"),
        (checkout::RESPONSE_CODE, "20051"),
        (checkout::HTTP_STATUS, "201"),
    ]);
    assert_eq!((c.state, c.code), (Error, InsufficientFunds));
    let only_http = resolve(&[(checkout::HTTP_STATUS, "201")]);
    assert_eq!(only_http.state, Uncertain);
}

// ------------------------------------------------------------------------------------------
// Alma: https://docs.almapay.com/reference
// ------------------------------------------------------------------------------------------
const A: Provider = Provider::Alma;

#[test]
fn alma_error_code() {
    exact(
        A,
        "error_code",
        "validation_error_missing_field",
        Error,
        BadRequest,
    );
    exact(
        A,
        "error_code",
        "insufficient_funds",
        Error,
        InsufficientFunds,
    );
    // Alma adds validation_error_* values: the prefix rule keeps them BAD_REQUEST.
    by_rule(
        A,
        "error_code",
        "validation_error_brand_new",
        Error,
        BadRequest,
    );
}

#[test]
fn alma_eligibility_reasons() {
    exact(
        A,
        "eligibility.reasons",
        "invalid_value",
        Error,
        NotEligible,
    );
}

#[test]
fn alma_potential_fraud_reason() {
    exact(
        A,
        "potential_fraud.reason",
        "amount_mismatch",
        Error,
        RejectedByRiskChecks,
    );
}

#[test]
fn alma_payment_state() {
    let no = classify(field(A, "payment.state"), "scored_no");
    assert_eq!((no.matched, no.state), (Matched::Exact, Error));
    exact(A, "payment.state", "paid", Success, Succeeded);
    exact(
        A,
        "payment.state",
        "scored_maybe",
        Waiting,
        WaitingPartnerResponse,
    );
}

#[test]
fn alma_payment_plan_state() {
    exact(A, "payment_plan.state", "paid", Success, Succeeded);
    let p = classify(field(A, "payment_plan.state"), "pending");
    assert_eq!((p.matched, p.state), (Matched::Exact, Waiting));
}

#[test]
fn alma_eligibility_eligible() {
    exact(A, "eligibility.eligible", "false", Error, NotEligible);
    let t = classify(field(A, "eligibility.eligible"), "true");
    assert_eq!((t.matched, t.state), (Matched::Exact, Success));
}

#[test]
fn alma_http_status() {
    exact(A, "http_status", "429", Pending, RateLimited);
    exact(
        A,
        "http_status",
        "503",
        Uncertain,
        TechnicalIssueToContactPartner,
    );
    by_rule(
        A,
        "http_status",
        "599",
        Uncertain,
        TechnicalIssueToContactPartner,
    );
}

#[test]
fn alma_transport() {
    exact(
        A,
        "transport",
        "timeout",
        Uncertain,
        TechnicalIssueToContactPartner,
    );
}

// ------------------------------------------------------------------------------------------
// Purse: its published Alma and Satispay tables and its API V2 statuses
// ------------------------------------------------------------------------------------------
const P: Provider = Provider::Purse;

#[test]
fn purse_alma_psp_status() {
    exact(P, "alma.psp_status", "scored_no", Error, Failed);
    exact(P, "alma.psp_status", "paid", Success, Succeeded);
    exact(P, "alma.psp_status", "ABORTED", Error, AbortedByCustomer);
}

#[test]
fn purse_satispay_psp_status() {
    exact(
        P,
        "satispay.psp_status",
        "PENDING",
        Waiting,
        WaitingPartnerResponse,
    );
    exact(P, "satispay.psp_status", "ERROR", Error, Failed);
}

#[test]
fn purse_code() {
    exact(P, "code", "INSUFFICIENT_FUNDS", Error, InsufficientFunds);
    exact(P, "code", "SUCCEEDED", Success, Succeeded);
    exact(P, "code", "REJECTED_BANK", Error, RejectedBank);
}

#[test]
fn purse_authorization_status() {
    exact(P, "authorization.status", "AUTHORIZED", Success, Authorized);
    exact(P, "authorization.status", "REFUSED", Error, RejectedBank);
}

#[test]
fn purse_operation_status() {
    exact(P, "operation.status", "SUCCESS", Success, Succeeded);
    let f = classify(field(P, "operation.status"), "FAILURE");
    assert_eq!((f.matched, f.state), (Matched::Exact, Error));
    let u = classify(field(P, "operation.status"), "UNCERTAIN");
    assert_eq!((u.matched, u.state), (Matched::Exact, Uncertain));
}

#[test]
fn purse_payment_status() {
    exact(P, "payment.status", "CAPTURED", Success, Succeeded);
    exact(P, "payment.status", "REFUNDED", Success, Succeeded);
    let c = classify(field(P, "payment.status"), "CAPTURED");
    let r = classify(field(P, "payment.status"), "REFUNDED");
    assert_ne!(
        c.operation, r.operation,
        "capture and refund are different operations"
    );
}

#[test]
fn purse_state() {
    exact(P, "state", "SUCCESS", Success, Succeeded);
    let w = classify(field(P, "state"), "WAITING");
    assert_eq!((w.matched, w.state), (Matched::Exact, Waiting));
    let u = classify(field(P, "state"), "UNCERTAIN");
    assert_eq!((u.matched, u.state), (Matched::Exact, Uncertain));
}

#[test]
fn purse_http_status() {
    exact(P, "http_status", "404", Error, ResourceNotFound);
    exact(
        P,
        "http_status",
        "500",
        Uncertain,
        TechnicalIssueToContactPartner,
    );
}

#[test]
fn purse_transport() {
    exact(
        P,
        "transport",
        "timeout",
        Uncertain,
        TechnicalIssueToContactPartner,
    );
}

// ------------------------------------------------------------------------------------------
// The codes added in 2026.11.21.1
// ------------------------------------------------------------------------------------------

#[test]
fn new_codes_carry_their_retry_advice() {
    assert_eq!(TemporaryDecline.retry(Error), Retry::Later);
    assert_eq!(WrongAccountData.retry(Error), Retry::AfterCustomerAction);
    assert_eq!(AuthorizationRevoked.retry(Error), Retry::Never);
    assert_eq!(OutcomeInObject.retry(Uncertain), Retry::AfterVerifying);
    assert!(!OutcomeInObject.allows(Success));
    assert!(!TemporaryDecline.allows(Pending));
}

#[test]
fn new_codes_have_shopper_safe_messages_and_an_agent_action() {
    use psp_status::Lang;
    for code in [
        WrongAccountData,
        TemporaryDecline,
        AuthorizationRevoked,
        OutcomeInObject,
    ] {
        assert!(!code.description().is_empty(), "{code}");
        assert!(!code.agent_action().is_empty(), "{code}");
        for lang in [Lang::En, Lang::Fr] {
            let m = code.shopper_message(lang).to_lowercase();
            assert!(!m.is_empty(), "{code} {lang}");
            for word in [
                "fraud", "risk", "stolen", "vol", "revok", "révoq", "blocked",
            ] {
                assert!(
                    !m.contains(word),
                    "{code} {lang}: shopper message says {word:?}"
                );
            }
        }
    }
}

/// Every surface of every provider has its spot-check test above; a new surface must get one.
#[test]
fn every_surface_is_spot_checked() {
    const COVERED: &[(Provider, &[&str])] = &[
        (
            S,
            &[
                "decline_code",
                "advice_code",
                "error.code",
                "refund.failure_reason",
                "payment_intent.cancellation_reason",
                "setup_intent.cancellation_reason",
                "error.type",
                "next_action.type",
                "payment_intent.status",
                "setup_intent.status",
                "redirect_status",
                "outcome.type",
                "outcome.network_status",
                "charge.status",
                "refund.status",
                "dispute.status",
                "dispute.reason",
                "event.type",
                "http_status",
                "transport",
            ],
        ),
        (
            C,
            &[
                "response_code",
                "error_codes",
                "webhook_event",
                "payment.status",
                "dispute.status",
                "payment_setup.payment_methods.status",
                "hosted_payment.status",
                "payment_link.status",
                "payment_context.status",
                "action.type",
                "http_status",
                "transport",
            ],
        ),
        (
            A,
            &[
                "error_code",
                "eligibility.reasons",
                "potential_fraud.reason",
                "payment.state",
                "payment_plan.state",
                "eligibility.eligible",
                "http_status",
                "transport",
            ],
        ),
        (
            P,
            &[
                "alma.psp_status",
                "satispay.psp_status",
                "code",
                "authorization.status",
                "operation.status",
                "payment.status",
                "state",
                "http_status",
                "transport",
            ],
        ),
    ];
    for (provider, names) in COVERED {
        let mut covered: Vec<Field> = names.iter().map(|n| field(*provider, n)).collect();
        let mut actual = provider.fields().to_vec();
        covered.sort();
        actual.sort();
        assert_eq!(covered, actual, "{provider}: surfaces without a spot check");
    }
}
