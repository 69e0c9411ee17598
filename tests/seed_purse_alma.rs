//! Purse's Alma mapping table (seed 003, tests/fixtures/purse-alma.tsv): one test per row.
//!
//! Each row (PSP status → State → Code) must classify exactly as Purse publishes it, on the
//! `purse` provider's `alma.psp_status` surface. Alma's own `payment.state` values that appear
//! in the table must agree with it too.

use psp_status::{alma, classify, purse, Matched, State};

const TSV: &str = include_str!("fixtures/purse-alma.tsv");

/// The fixture's data rows: (raw, state, code).
fn rows() -> Vec<(&'static str, &'static str, &'static str)> {
    TSV.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 3, "malformed fixture line: {l:?}");
            (f[0], f[1], f[2])
        })
        .collect()
}

fn check_row(n: usize) {
    let (raw, state, code) = rows()[n - 1];
    let c = classify(purse::ALMA_PSP_STATUS, raw);
    assert_eq!(
        c.matched,
        Matched::Exact,
        "row {n} `{raw}` must be an exact entry"
    );
    assert_eq!(c.state.to_string(), state, "row {n} `{raw}`: state");
    assert_eq!(c.code.to_string(), code, "row {n} `{raw}`: code");
    assert_eq!(c.raw, raw.as_bytes());
    assert!(c.source().is_some_and(|s| s.starts_with("https://")));
}

macro_rules! seed_row {
    ($name:ident, $n:expr) => {
        #[test]
        fn $name() {
            check_row($n);
        }
    };
}

#[test]
fn fixture_has_the_41_published_rows() {
    assert_eq!(
        rows().len(),
        41,
        "every row of the table needs its own test below"
    );
}

#[test]
fn alma_payment_states_agree_with_purse() {
    let mut compared = 0;
    for (raw, state, code) in rows() {
        let c = classify(alma::PAYMENT_STATE, raw);
        if c.matched == Matched::Exact {
            assert_eq!(
                (c.state.to_string().as_str(), c.code.to_string().as_str()),
                (state, code),
                "{raw}"
            );
            compared += 1;
        }
    }
    assert_eq!(
        compared, 6,
        "not_started, scored_no, scored_yes, scored_maybe, in_progress, paid"
    );
}

#[test]
fn scored_maybe_is_waiting_for_the_partner() {
    let c = classify(alma::PAYMENT_STATE, "scored_maybe");
    assert_eq!(c.state, State::Waiting);
    assert_eq!(c.code, psp_status::Code::WaitingPartnerResponse);
}

seed_row!(row_01_not_started, 1);
seed_row!(row_02_scored_no, 2);
seed_row!(row_03_scored_yes, 3);
seed_row!(row_04_scored_maybe, 4);
seed_row!(row_05_in_progress, 5);
seed_row!(row_06_paid, 6);
seed_row!(row_07_aborted, 7);
seed_row!(row_08_validation_error_missing_field, 8);
seed_row!(row_09_validation_error_invalid_type, 9);
seed_row!(row_10_validation_error_invalid_value, 10);
seed_row!(row_11_validation_error_too_short, 11);
seed_row!(row_12_validation_error_too_long, 12);
seed_row!(row_13_validation_error_too_many_request, 13);
seed_row!(row_14_validation_error_unique_violated, 14);
seed_row!(row_15_validation_error_merchant_cant_create_payments, 15);
seed_row!(row_16_validation_error_incompatible_parameters, 16);
seed_row!(row_17_validation_error_unauthorized, 17);
seed_row!(row_18_validation_error_generic_error, 18);
seed_row!(row_19_validation_error_payment_already_captured, 19);
seed_row!(row_20_validation_error, 20);
seed_row!(row_21_card_declined, 21);
seed_row!(row_22_invalid_amount, 22);
seed_row!(row_23_three_d_s_impossible, 23);
seed_row!(row_24_incorrect_cvc, 24);
seed_row!(row_25_incorrect_expiration_date, 25);
seed_row!(row_26_incorrect_number, 26);
seed_row!(row_27_insufficient_funds, 27);
seed_row!(row_28_expired_card, 28);
seed_row!(row_29_missing_field, 29);
seed_row!(row_30_invalid_value, 30);
seed_row!(row_31_session_data_not_ok, 31);
seed_row!(row_32_success, 32);
seed_row!(row_33_error, 33);
seed_row!(row_34_unknown_partner_error, 34);
seed_row!(row_35_partner_response_validation_failed, 35);
seed_row!(row_36_timeout, 36);
seed_row!(row_37_partner_server_error, 37);
seed_row!(row_38_partner_bad_gateway, 38);
seed_row!(row_39_partner_unavailable, 39);
seed_row!(row_40_verify_partner_error, 40);
seed_row!(row_41_verify_timeout, 41);
