//! Properties of the Stripe and Checkout.com tables on random input (issue 14): fields that carry
//! no outcome never claim one, whatever value arrives; the fields that carry it win in `resolve`;
//! the response-code families answer only where a source describes them.

use proptest::prelude::*;
use psp_status::{checkout, classify, resolve, stripe, Code, Matched, State};

const RADAR_REASONS: [&str; 4] = [
    "highest_risk_level",
    "elevated_risk_level",
    "low_probability_of_authorization",
    "rule",
];

proptest! {
    /// Whatever an action's type says (known, unknown, any case), it claims no outcome.
    #[test]
    fn checkout_action_type_never_claims_an_outcome(raw in "\\PC{0,24}|Authorization|Capture|Refund|Void|Payout|Return|Card Verification") {
        let c = classify(checkout::ACTION_TYPE, &raw);
        prop_assert_eq!(c.state, State::Uncertain);
    }

    /// With the approved flag beside it, the flag answers, whatever the type.
    #[test]
    fn checkout_action_outcome_is_the_approved_flag(raw in "\\PC{0,24}|Authorization|Capture|Refund|Void|Payout|Return", approved in any::<bool>()) {
        let flag = if approved { "true" } else { "false" };
        let c = resolve(&[(checkout::ACTION_TYPE, raw.as_str()), (checkout::ACTION_APPROVED, flag)]);
        prop_assert_eq!(c.field(), checkout::ACTION_APPROVED);
        prop_assert_eq!(c.state, if approved { State::Success } else { State::Error });
    }

    /// A rating or a refund's reason is never an outcome.
    #[test]
    fn stripe_risk_level_and_refund_reason_never_claim_an_outcome(raw in "\\PC{0,24}|normal|elevated|highest|duplicate|fraudulent") {
        for s in [stripe::OUTCOME_RISK_LEVEL, stripe::REFUND_REASON] {
            let c = classify(s, &raw);
            prop_assert_eq!(c.state, State::Uncertain, "{}", psp_status::Field::from(s));
        }
    }

    /// decline_code answers a decline for every value but Radar's outcome reasons.
    #[test]
    fn stripe_decline_code_is_a_decline_except_for_radar_reasons(raw in "[a-z_]{1,32}") {
        let c = classify(stripe::DECLINE_CODE, &raw);
        if RADAR_REASONS.contains(&raw.as_str()) {
            prop_assert_eq!((c.state, c.code), (State::Uncertain, Code::OutcomeInObject));
        } else {
            prop_assert_eq!(c.state, State::Error);
        }
    }

    /// Any alphanumeric soft decline (20 followed by three characters, not all digits) is a
    /// decline, listed or not.
    #[test]
    fn checkout_alphanumeric_soft_declines_are_declines(tail in "[0-9A-Z]{3}") {
        prop_assume!(!tail.bytes().all(|b| b.is_ascii_digit()));
        let raw = format!("20{tail}");
        let c = classify(checkout::RESPONSE_CODE, &raw);
        prop_assert_ne!(c.matched, Matched::Unmapped);
        prop_assert_eq!(c.state, State::Error);
    }

    /// Codes in no published range stay unmapped: no guessed approval or risk block.
    #[test]
    fn checkout_unpublished_ranges_stay_unmapped(n in prop_oneof![11000u32..=19999, 21000u32..=29999, 31000u32..=39999, 45000u32..=49999, 51000u32..=59999]) {
        let raw = n.to_string();
        let c = classify(checkout::RESPONSE_CODE, &raw);
        prop_assert_eq!(c.matched, Matched::Unmapped);
    }
}
