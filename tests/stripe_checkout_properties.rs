//! Properties of the Stripe and Checkout.com tables on random input (issue 14): fields that carry
//! no outcome never claim one, whatever value arrives; the fields that carry it win in `resolve`;
//! the response-code families answer only where a source describes them.

use proptest::prelude::*;
use psp_status::{classify, resolve, Code, Matched, Provider, State, Surface};

fn surface(name: &str) -> Surface {
    name.parse().unwrap()
}

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
        let c = classify(Provider::Checkout, surface("action.type"), &raw);
        prop_assert_eq!(c.state, State::Uncertain);
    }

    /// With the approved flag beside it, the flag answers, whatever the type.
    #[test]
    fn checkout_action_outcome_is_the_approved_flag(raw in "\\PC{0,24}|Authorization|Capture|Refund|Void|Payout|Return", approved in any::<bool>()) {
        let flag = if approved { "true" } else { "false" };
        let c = resolve(
            Provider::Checkout,
            &[(surface("action.type"), raw.as_str()), (surface("action.approved"), flag)],
        );
        prop_assert_eq!(c.surface, surface("action.approved"));
        prop_assert_eq!(c.state, if approved { State::Success } else { State::Error });
    }

    /// A rating or a refund's reason is never an outcome.
    #[test]
    fn stripe_risk_level_and_refund_reason_never_claim_an_outcome(raw in "\\PC{0,24}|normal|elevated|highest|duplicate|fraudulent") {
        for s in ["outcome.risk_level", "refund.reason"] {
            let c = classify(Provider::Stripe, surface(s), &raw);
            prop_assert_eq!(c.state, State::Uncertain, "{}", s);
        }
    }

    /// decline_code answers a decline for every value but Radar's outcome reasons.
    #[test]
    fn stripe_decline_code_is_a_decline_except_for_radar_reasons(raw in "[a-z_]{1,32}") {
        let c = classify(Provider::Stripe, surface("decline_code"), &raw);
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
        let c = classify(Provider::Checkout, surface("response_code"), &raw);
        prop_assert_ne!(c.matched, Matched::Unmapped);
        prop_assert_eq!(c.state, State::Error);
    }

    /// Codes in no published range stay unmapped: no guessed approval or risk block.
    #[test]
    fn checkout_unpublished_ranges_stay_unmapped(n in prop_oneof![11000u32..=19999, 45000u32..=49999]) {
        let raw = n.to_string();
        let c = classify(Provider::Checkout, surface("response_code"), &raw);
        prop_assert_eq!(c.matched, Matched::Unmapped);
    }
}
