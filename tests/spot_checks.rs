//! Spot checks, one test per surface of every provider: a few values whose meaning the
//! provider documents (Stripe's decline-code and error-code pages, Checkout.com's response
//! codes, Alma's API reference, Purse's Alma table), with the state and code a payment service
//! must get for them. The expectations come from those pages, not from our YAML: a test fails
//! when a mapping regresses.
//!
//! Surfaces are named by their wire names (`Provider::Stripe.field("decline_code")`), as
//! callers and exports name them; `resolve` checks use the typed constants (`stripe::…`).

use psp_status::{
    alma, checkout, classify, purse, resolve, stripe, Code, Field, Matched, Operation, Provider,
    Retry, State,
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

/// Radar's outcome reasons are not decline codes: mapped onto decline_code by mistake, they must
/// not read as a bank decline (a payment in review may well be authorized).
#[test]
fn stripe_decline_code_does_not_turn_radar_reasons_into_bank_declines() {
    for reason in [
        "highest_risk_level",
        "elevated_risk_level",
        "low_probability_of_authorization",
        "rule",
    ] {
        let c = classify(field(S, "decline_code"), reason);
        assert_eq!(
            c.matched,
            Matched::Exact,
            "{reason}: must not fall to the default"
        );
        assert_ne!(c.state, Error, "{reason}");
        assert_ne!(c.code, RejectedBank, "{reason}");
        assert_eq!((c.state, c.code), (Uncertain, OutcomeInObject), "{reason}");
        // On its own field the reason says what it means.
        let own = classify(field(S, "outcome.reason"), reason);
        assert_eq!(own.matched, Matched::Exact, "outcome.reason/{reason}");
    }
}

#[test]
fn stripe_outcome_reason() {
    exact(
        S,
        "outcome.reason",
        "highest_risk_level",
        Error,
        RejectedByRiskChecks,
    );
    exact(
        S,
        "outcome.reason",
        "elevated_risk_level",
        Waiting,
        WaitingMerchantAction,
    );
    exact(
        S,
        "outcome.reason",
        "low_probability_of_authorization",
        Error,
        RejectedByRiskChecks,
    );
    // A custom rule may allow, review or block: the reason alone is no outcome.
    exact(S, "outcome.reason", "rule", Uncertain, OutcomeInObject);
    // outcome.type carries the outcome and ranks before the reason.
    let c = resolve(&[
        (stripe::OUTCOME_REASON, "rule"),
        (stripe::OUTCOME_TYPE, "authorized"),
    ]);
    assert_eq!((c.state, c.code), (Success, Authorized));
}

#[test]
fn stripe_outcome_risk_level() {
    for level in ["normal", "elevated", "highest", "not_assessed", "unknown"] {
        exact(S, "outcome.risk_level", level, Uncertain, OutcomeInObject);
    }
    // A rating never outranks an outcome.
    let c = resolve(&[
        (stripe::OUTCOME_RISK_LEVEL, "highest"),
        (stripe::OUTCOME_TYPE, "blocked"),
    ]);
    assert_eq!((c.state, c.code), (Error, RejectedByRiskChecks));
    let c = resolve(&[
        (stripe::OUTCOME_RISK_LEVEL, "normal"),
        (stripe::CHARGE_STATUS, "succeeded"),
    ]);
    assert_eq!((c.state, c.code), (Success, Succeeded));
}

#[test]
fn stripe_refund_reason() {
    for reason in [
        "duplicate",
        "fraudulent",
        "requested_by_customer",
        "expired_uncaptured_charge",
    ] {
        exact_op(
            S,
            "refund.reason",
            reason,
            Uncertain,
            OutcomeInObject,
            Operation::Refund,
        );
    }
    // The refund's status decides.
    let c = resolve(&[
        (stripe::REFUND_REASON, "requested_by_customer"),
        (stripe::REFUND_STATUS, "succeeded"),
    ]);
    assert_eq!((c.state, c.code), (Success, Succeeded));
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
    // From stripe-go's generated ErrorCode enum.
    exact(
        S,
        "error.code",
        "financial_account_capability_restricted",
        Error,
        MerchantAccountIssue,
    );
    // A reader hardware fault stops the action before any charge: an error, not an unknown.
    exact(
        S,
        "error.code",
        "terminal_reader_hardware_fault",
        Error,
        TechnicalIssueToContactPartner,
    );
    // A reader timeout, on the contrary, may have charged.
    let t = classify(field(S, "error.code"), "terminal_reader_timeout");
    assert_eq!(t.state, Uncertain);
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
    // API v2 error types.
    exact(S, "error.type", "rate_limit", Pending, RateLimited);
    exact(S, "error.type", "temporary_session_expired", Error, Expired);
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
    for t in [
        "blik_authorize",
        "klarna_display_qr_code",
        "upi_handle_redirect_or_display_qr_code",
    ] {
        exact(S, "next_action.type", t, Waiting, WaitingCustomerAction);
    }
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
    // Prevented: blocked or resolved by a refund, the case type says which.
    exact(S, "dispute.status", "prevented", Uncertain, OutcomeInObject);
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
    // An alphanumeric soft decline not in the list: the 20 prefix rule answers.
    by_rule(C, "response_code", "2000A", Error, RejectedBank);
    by_rule(C, "response_code", "44999", Error, RejectedByRiskChecks);
    // No source describes 11000-19999, 21000-29999, 31000-39999, 45000-49999 or 51000-59999:
    // unmapped, never a guessed approval or decline.
    for raw in [
        "11000", "19999", "21000", "31000", "39999", "45000", "49999", "51000",
    ] {
        let c = classify(field(C, "response_code"), raw);
        assert_eq!((c.matched, c.code), (Matched::Unmapped, Unmapped), "{raw}");
    }
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
    // From the official SDKs' sandbox tests (alternative payment methods).
    exact(
        C,
        "error_codes",
        "payment_method_not_supported",
        Error,
        UnsupportedPaymentMethod,
    );
    exact(
        C,
        "error_codes",
        "currency_not_supported",
        Error,
        UnsupportedCurrency,
    );
    exact(
        C,
        "error_codes",
        "payee_not_onboarded",
        Error,
        MerchantAccountIssue,
    );
    exact(
        C,
        "error_codes",
        "apm_service_unavailable",
        Uncertain,
        TechnicalIssueToContactPartner,
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
    // The .NET SDK spells the statuses available / requires_action; both spellings answer alike.
    for (dotnet, other) in [
        ("requires_action", "action_required"),
        ("available", "ready"),
    ] {
        let a = classify(field(C, "payment_setup.payment_methods.status"), dotnet);
        let b = classify(field(C, "payment_setup.payment_methods.status"), other);
        assert_eq!(a.matched, Matched::Exact, "{dotnet}");
        assert_eq!((a.state, a.code), (b.state, b.code), "{dotnet} vs {other}");
    }
}

#[test]
fn checkout_payout_status() {
    exact_op(
        C,
        "payout.status",
        "Accepted",
        Waiting,
        WaitingPartnerResponse,
        Operation::Payout,
    );
    exact(
        C,
        "payout.status",
        "Pending",
        Waiting,
        WaitingPartnerResponse,
    );
    exact(C, "payout.status", "Rejected", Error, Failed);
}

#[test]
fn checkout_error_type() {
    exact(C, "error_type", "request_invalid", Error, BadRequest);
    // The error codes are more specific than their type.
    let c = resolve(&[
        (checkout::ERROR_TYPE, "request_invalid"),
        (checkout::ERROR_CODES, "card_expired"),
    ]);
    assert_eq!((c.state, c.code), (Error, CardExpired));
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

/// An action's type names the operation only; its `approved` flag and response code carry the
/// outcome (a declined Void must not read as a success).
#[test]
fn checkout_action_type() {
    for (raw, op) in [
        ("Authorization", Operation::Payment),
        ("Card Verification", Operation::Payment),
        ("Capture", Operation::Capture),
        ("Refund", Operation::Refund),
        ("Void", Operation::Void),
        ("Payout", Operation::Payout),
        ("Return", Operation::Payment),
    ] {
        exact_op(C, "action.type", raw, Uncertain, OutcomeInObject, op);
    }
    for e in field(C, "action.type").entries() {
        assert!(
            !matches!(e.state, Success | Error),
            "{}: action.type claims an outcome",
            e.anchor()
        );
    }
}

#[test]
fn checkout_action_approved() {
    exact(C, "action.approved", "true", Success, Succeeded);
    exact(C, "action.approved", "false", Error, Failed);
    // Exports write booleans in any case.
    exact(C, "action.approved", "True", Success, Succeeded);
}

#[test]
fn checkout_action_outcome_comes_from_approved_and_response_code() {
    let ty = checkout::ACTION_TYPE;
    let approved = checkout::ACTION_APPROVED;
    let code = checkout::RESPONSE_CODE;
    let alone = resolve(&[(ty, "Void")]);
    assert_eq!((alone.state, alone.code), (Uncertain, OutcomeInObject));
    let declined = resolve(&[(ty, "Void"), (approved, "false")]);
    assert_eq!(declined.state, Error, "a declined void is not a success");
    let ok = resolve(&[(approved, "true"), (ty, "Capture")]);
    assert_eq!((ok.state, ok.code), (Success, Succeeded));
    // The response code is more specific than the flag.
    let why = resolve(&[(ty, "Authorization"), (approved, "false"), (code, "20051")]);
    assert_eq!((why.state, why.code), (Error, InsufficientFunds));
    assert_eq!(why.field(), code);
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

// Alma, issue 14: the acquirer return codes and insurance subscription states.

#[test]
fn alma_acquirer_return_code() {
    exact(A, "acquirer_return_code", "00", Success, Succeeded);
    exact(
        A,
        "acquirer_return_code",
        "02",
        Waiting,
        WaitingPartnerResponse,
    );
    exact(A, "acquirer_return_code", "03", Error, Failed);
    // "Unknown error": the payment may exist, verify first.
    let c = classify(field(A, "acquirer_return_code"), "99");
    assert_eq!((c.matched, c.state), (Matched::Exact, Uncertain));
    assert_eq!(c.retry(), Retry::AfterVerifying);
}

#[test]
fn alma_insurance_subscription_state() {
    exact(
        A,
        "insurance_subscription.state",
        "started",
        Success,
        Succeeded,
    );
    exact(
        A,
        "insurance_subscription.state",
        "canceled",
        Error,
        Canceled,
    );
    exact_op(
        A,
        "insurance_subscription.state",
        "pending_cancellation",
        Waiting,
        WaitingPartnerResponse,
        Operation::Void,
    );
}

/// Installment states Alma's clients list without a meaning are not presented as facts: they
/// assert no outcome, and the payment's state decides.
#[test]
fn alma_undocumented_installment_states_assert_no_outcome() {
    for raw in ["incident", "claimed", "covered"] {
        exact(A, "payment_plan.state", raw, Uncertain, OutcomeInObject);
        let d = classify(field(A, "payment_plan.state"), raw)
            .entry()
            .unwrap()
            .description;
        assert!(d.contains("not documented"), "{raw}: {d}");
        let c = resolve(&[
            (alma::PAYMENT_PLAN_STATE, raw),
            (alma::PAYMENT_STATE, "in_progress"),
        ]);
        assert_eq!((c.state, c.code), (Success, Succeeded), "{raw}");
    }
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

// Purse, issue 14: its per-partner tables and transaction status actions.

#[test]
fn purse_ingenico_psp_status() {
    exact(P, "ingenico.psp_status", "1016", Error, InsufficientFunds);
    exact(P, "ingenico.psp_status", "1001", Error, CardExpired);
    exact(P, "ingenico.psp_status", "1032", Error, BlockedCard);
}

#[test]
fn purse_card_psp_status() {
    exact(P, "card.psp_status", "00", Success, Succeeded);
    exact(P, "card.psp_status", "05", Error, RejectedBank);
    exact(P, "card.psp_status", "51", Error, InsufficientFunds);
    exact(P, "card.psp_status", "N7", Error, WrongCardData);
    exact(P, "card.psp_status", "101", Error, CardExpired);
}

/// A transaction's action names its operation, not its outcome: alone it is UNCERTAIN /
/// OUTCOME_IN_OBJECT, and next to the transaction's state the state decides.
#[test]
fn purse_status_action() {
    exact_op(
        P,
        "status.action",
        "CAPTURE",
        Uncertain,
        OutcomeInObject,
        Operation::Capture,
    );
    exact_op(
        P,
        "status.action",
        "REFUND",
        Uncertain,
        OutcomeInObject,
        Operation::Refund,
    );
    exact_op(
        P,
        "status.action",
        "AUTHORIZE",
        Uncertain,
        OutcomeInObject,
        Operation::Payment,
    );
    let c = resolve(&[(purse::STATUS_ACTION, "CAPTURE"), (purse::STATE, "ERROR")]);
    assert_eq!((c.state, c.field()), (Error, field(P, "state")));
    let c = resolve(&[(purse::STATUS_ACTION, "REFUND"), (purse::CODE, "SUCCEEDED")]);
    assert_eq!((c.state, c.code), (Success, Succeeded));
    assert_eq!(c.field(), field(P, "code"));
    let c = resolve(&[(purse::STATUS_ACTION, "VOID")]);
    assert_eq!((c.state, c.code), (Uncertain, OutcomeInObject));
    assert_ne!(c.retry(), Retry::Never);
}

#[test]
fn purse_code_card_is_not_active() {
    exact(P, "code", "CARD_IS_NOT_ACTIVE", Error, RejectedBank);
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
                "outcome.reason",
                "refund.reason",
                "outcome.risk_level",
                "http_status",
                "transport",
            ],
        ),
        (
            C,
            &[
                "response_code",
                "error_codes",
                "error_type",
                "webhook_event",
                "payment.status",
                "payout.status",
                "dispute.status",
                "payment_setup.payment_methods.status",
                "hosted_payment.status",
                "payment_link.status",
                "payment_context.status",
                "action.approved",
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
                "acquirer_return_code",
                "insurance_subscription.state",
                "http_status",
                "transport",
            ],
        ),
        (
            P,
            &[
                "alma.psp_status",
                "satispay.psp_status",
                "ingenico.psp_status",
                "card.psp_status",
                "status.action",
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
