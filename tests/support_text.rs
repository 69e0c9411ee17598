//! Support text that agrees with itself, over every entry of every table: the shopper message
//! never invites a retry the retry advice forbids, the agent action is not the generic one
//! where the entry's description already says what to do, and `classify`, `explain`, the
//! reference and `--json` all show the same text.

use psp_status::reference::{Explanation, Reference};
use psp_status::{alma, classify, entries, Code, Entry, Lang, Matcher, Retry, State};

/// Words that ask the shopper to try the same payment again.
const RETRY_INVITES: [&str; 6] = [
    "try again",
    "trying again",
    "retry",
    "réessayer",
    "start it again",
    "recommencer",
];

/// Words by which a description tells what to do next (so the reason is known).
const INSTRUCTIONS: [&str; 7] = [
    "should ",
    "must ",
    "another way",
    "another payment method",
    "needs another",
    "try again",
    "before retrying",
];

/// A raw value that gives `e`.
fn raw_of(e: &Entry) -> String {
    match e.matcher {
        Matcher::Exact(r) => r.to_string(),
        Matcher::Prefix(p) => format!("{p}psp_status_test"),
        Matcher::Range(a, _) => a.to_string(),
        Matcher::Default => "psp_status_a_value_not_listed".to_string(),
    }
}

#[test]
fn no_shopper_message_invites_a_retry_the_advice_forbids() {
    let mut checked = 0;
    for e in entries() {
        if e.retry() != Retry::Never {
            continue;
        }
        for lang in [Lang::En, Lang::Fr] {
            let m = e.shopper_message(lang).to_lowercase();
            for w in RETRY_INVITES {
                assert!(
                    !m.contains(w),
                    "{}: retry advice is never, but the {lang} shopper message says {w:?}: {m}",
                    e.anchor()
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked}");
    // The unmapped answer too (UNCERTAIN, verify first: it must not invite a retry either).
    for lang in [Lang::En, Lang::Fr] {
        let m = Code::Unmapped.shopper_message(lang).to_lowercase();
        assert!(RETRY_INVITES.iter().all(|w| !m.contains(w)), "{m}");
    }
}

#[test]
fn no_generic_agent_action_where_the_description_says_what_to_do() {
    let generic = Code::Failed.agent_action();
    let mut knowing = 0;
    for e in entries() {
        let d = e.description.to_lowercase();
        if !INSTRUCTIONS.iter().any(|w| d.contains(w)) {
            continue;
        }
        knowing += 1;
        assert_ne!(
            e.agent_action(),
            generic,
            "{}: the description says what to do ({}), the agent action must too",
            e.anchor(),
            e.description
        );
        assert_ne!(
            e.agent_action(),
            Code::Unmapped.agent_action(),
            "{}",
            e.anchor()
        );
    }
    assert!(knowing > 5, "{knowing}");
}

#[test]
fn alma_scored_no_answers_agree() {
    let c = classify(alma::PAYMENT_STATE, "scored_no");
    assert_eq!((c.state, c.retry()), (State::Error, Retry::Never));
    let en = c.shopper_message(Lang::En);
    assert!(en.contains("another payment method"), "{en}");
    assert!(!en.to_lowercase().contains("try again"), "{en}");
    assert_ne!(c.agent_action(), Code::Failed.agent_action());
    assert!(
        !c.agent_action().contains("dashboard"),
        "{}",
        c.agent_action()
    );
    // explain shows the same text.
    let x = Explanation::new(c, Lang::Fr);
    assert_eq!(x.shopper_message(), c.shopper_message(Lang::Fr));
    assert_eq!(x.agent_action(), c.agent_action());
}

#[test]
fn every_surface_shows_the_entry_text() {
    let r = Reference::current();
    let mut n = 0;
    for view in r.entries() {
        let e = Entry::by_anchor(&view.anchor).unwrap();
        assert_eq!(
            view.shopper.en,
            e.shopper_message(Lang::En),
            "{}",
            view.anchor
        );
        assert_eq!(
            view.shopper.fr,
            e.shopper_message(Lang::Fr),
            "{}",
            view.anchor
        );
        assert_eq!(view.agent_action, e.agent_action(), "{}", view.anchor);
        let raw = raw_of(e);
        let c = classify(e.field(), &raw);
        if c.entry() == Some(e) {
            assert_eq!(c.shopper_message(Lang::Fr), e.shopper_message(Lang::Fr));
            assert_eq!(c.agent_action(), e.agent_action());
            let json = serde_json::to_value(c).unwrap();
            assert_eq!(json["agent_action"], e.agent_action());
            assert_eq!(json["shopper_messages"]["en"], e.shopper_message(Lang::En));
            assert_eq!(json["retry"], e.retry().to_string());
            n += 1;
        }
    }
    assert!(n > 900, "{n}");
}

#[test]
fn a_code_state_text_replaces_the_codes() {
    // TECHNICAL_ISSUE_TO_CONTACT_PARTNER: "retry later" under PENDING, "do not pay again" under
    // UNCERTAIN; the messages follow.
    let pending = entries()
        .find(|e| e.code == Code::TechnicalIssueToContactPartner && e.state == State::Pending);
    let uncertain = entries()
        .find(|e| e.code == Code::TechnicalIssueToContactPartner && e.state == State::Uncertain);
    let (Some(p), Some(u)) = (pending, uncertain) else {
        panic!("the tables use TECHNICAL_ISSUE_TO_CONTACT_PARTNER under PENDING and UNCERTAIN")
    };
    assert!(p.shopper_message(Lang::En).contains("try again"));
    assert!(u.shopper_message(Lang::En).contains("do not pay again"));
}
