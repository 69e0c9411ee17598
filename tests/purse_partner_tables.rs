//! Purse's published partner tables against transcriptions of their sources, both ways.
//!
//! `tests/fixtures/purse-card.tsv` is Purse's card response-code table (UpStreamPay's
//! status-plugin-convertor, `output/status.json` at e53c3c7) and `purse-ingenico.tsv` the
//! Ingenico/Worldline table of Purse's Ingenico method pages, each as (raw, Purse's state,
//! Purse's code). Every row must be an exact entry of its surface with Purse's pair, except the
//! few rows where psp-status deliberately answers differently (listed below, with the reason in
//! the entry's description); every entry of the surface must come from a row, so nothing is
//! invented beyond the source.

use psp_status::{classify, purse, Field, Matched, Matcher, Provider, State};
use std::collections::BTreeMap;

const CARD: &str = include_str!("fixtures/purse-card.tsv");
const INGENICO: &str = include_str!("fixtures/purse-ingenico.tsv");

/// Rows whose psp-status answer differs from Purse's pair on purpose: (raw, state, code).
const INGENICO_DEVIATIONS: &[(&str, State, psp_status::Code)] = &[
    // Purse's label reads "Successful" but the row says ERROR / BAD_REQUEST: asserts neither.
    (
        "1010",
        State::Uncertain,
        psp_status::Code::TechnicalIssueToContactPartner,
    ),
    // Purse's CARD_IS_NOT_ACTIVE is not in the taxonomy.
    ("1025", State::Error, psp_status::Code::RejectedBank),
];

/// (raw -> (state, code)) of a fixture, rejecting malformed or repeated rows.
fn rows(tsv: &'static str) -> BTreeMap<&'static str, (&'static str, &'static str)> {
    let mut out = BTreeMap::new();
    for (n, line) in tsv.lines().enumerate().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 3, "line {}: malformed {line:?}", n + 1);
        assert!(
            out.insert(f[0], (f[1], f[2])).is_none(),
            "line {}: {} twice",
            n + 1,
            f[0]
        );
    }
    out
}

fn check_table(
    tsv: &'static str,
    surface_name: &str,
    deviations: &[(&str, State, psp_status::Code)],
    expected_rows: usize,
) {
    let field: Field = Provider::Purse.field(surface_name).unwrap();
    let table = rows(tsv);
    assert_eq!(table.len(), expected_rows, "{surface_name}: fixture rows");

    for (raw, (state, code)) in &table {
        let c = classify(field, raw);
        assert_eq!(
            c.matched,
            Matched::Exact,
            "{surface_name}/{raw}: not an entry"
        );
        let got = (c.state.to_string(), c.code.to_string());
        match deviations.iter().find(|(r, _, _)| r == raw) {
            Some((_, s, k)) => {
                assert_eq!((c.state, c.code), (*s, *k), "{surface_name}/{raw}");
                assert_ne!(
                    (got.0.as_str(), got.1.as_str()),
                    (*state, *code),
                    "{surface_name}/{raw} is listed as a deviation but agrees with Purse"
                );
            }
            None => assert_eq!(
                (got.0.as_str(), got.1.as_str()),
                (*state, *code),
                "{surface_name}/{raw}: Purse's pair"
            ),
        }
        let src = c.source().unwrap_or_default();
        assert!(src.starts_with("https://"), "{surface_name}/{raw}: {src}");
    }

    // Nothing beyond the source: every entry of the surface is a row of the fixture.
    let mut n = 0;
    for e in field.entries() {
        match e.matcher {
            Matcher::Exact(raw) => assert!(
                table.contains_key(raw),
                "{}: not in the source table",
                e.anchor()
            ),
            other => panic!(
                "{}: partner tables hold exact rows only, not {other:?}",
                e.anchor()
            ),
        }
        n += 1;
    }
    assert_eq!(n, table.len(), "{surface_name}: entries vs rows");
}

#[test]
fn card_table_matches_purses_published_rows() {
    check_table(CARD, "card.psp_status", &[], 109);
}

#[test]
fn card_table_keeps_two_and_three_digit_codes_apart() {
    let s = purse::CARD_PSP_STATUS;
    // "00" and "000" are both approvals, "05" a refusal; "5" (no leading zero) is not a row.
    assert_eq!(classify(s, "00").state, State::Success);
    assert_eq!(classify(s, "000").state, State::Success);
    assert_eq!(classify(s, "05").state, State::Error);
    assert_eq!(classify(s, "5").matched, Matched::Unmapped);
    assert_eq!(classify(s, "100").state, State::Error);
}

#[test]
fn ingenico_table_matches_purses_published_rows() {
    check_table(INGENICO, "ingenico.psp_status", INGENICO_DEVIATIONS, 36);
}

#[test]
fn ingenico_deviations_say_why_in_their_description() {
    let s = purse::INGENICO_PSP_STATUS;
    for (raw, _, _) in INGENICO_DEVIATIONS {
        let c = classify(s, raw);
        let d = c.entry().unwrap().description;
        assert!(d.contains("Purse"), "{raw}: {d}");
    }
    let d = classify(s, "1025").entry().unwrap().description;
    assert!(d.contains("CARD_IS_NOT_ACTIVE"), "{d}");
}

/// The same raw value means different things in different Purse tables: the surfaces keep them
/// apart (the reason for one surface per table, mappings/README.md).
#[test]
fn partner_tables_do_not_share_meanings() {
    // 41: a lost card in the card table, "resource not found" in Satispay's.
    let card = classify(purse::CARD_PSP_STATUS, "41");
    let satispay = classify(purse::SATISPAY_PSP_STATUS, "41");
    assert_eq!(card.code, psp_status::Code::BlockedCard);
    assert_eq!(satispay.code, psp_status::Code::BadRequest);
}
