//! The support reference: `psp-status explain`, the Markdown, HTML and JSON renderings, the
//! committed docs/reference.{md,html}, and the shopper messages' discretion.

use psp_status::reference::{html, json, markdown, Reference, HTML_COMMAND, MARKDOWN_COMMAND};
use psp_status::{alma, classify, entries, Code, Entry, Lang, Provider, TABLE_VERSION};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::{Command, Output};
use strum::IntoEnumIterator;

fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_psp-status"))
        .args(args)
        .output()
        .expect("psp-status runs")
}

fn stdout(o: &Output) -> String {
    assert!(
        o.status.success(),
        "psp-status failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).expect("UTF-8 output")
}

/// How many times `needle` occurs in `hay`.
fn count(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

/// How many times each value of an `id="..."` attribute occurs in `page`.
fn ids(page: &str) -> HashMap<&str, usize> {
    let mut seen = HashMap::new();
    for (i, _) in page.match_indices(" id=\"") {
        let rest = &page[i + 5..];
        let end = rest.find('"').expect("a closed attribute");
        *seen.entry(&rest[..end]).or_default() += 1;
    }
    seen
}

// --- explain ------------------------------------------------------------------------------------

#[test]
fn explain_known_value_gives_meaning_state_retry_messages_action_and_source() {
    let c = classify(alma::PAYMENT_STATE, "scored_maybe");
    let e = c.entry().expect("scored_maybe is in the tables");
    let out = stdout(&cli(&["explain", "alma", "payment.state", "scored_maybe"]));
    for part in [
        e.description,
        "WAITING / WAITING_PARTNER_RESPONSE",
        c.retry().explain(),
        Code::WaitingPartnerResponse.shopper_message(Lang::En),
        Code::WaitingPartnerResponse.agent_action(),
        e.source,
        "docs/reference.html#alma/payment.state/scored_maybe",
        TABLE_VERSION,
    ] {
        assert!(out.contains(part), "missing {part:?} in:\n{out}");
    }
    assert!(!out.contains("not in the tables"), "{out}");
}

#[test]
fn explain_names_the_rule_that_matched() {
    let out = stdout(&cli(&[
        "explain",
        "alma",
        "error_code",
        "validation_error_brand_new",
        "--json",
    ]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["in_tables"], true);
    assert_eq!(v["matched"], "rule");
    assert_eq!(v["rule"], "validation_error_*");
    assert_eq!(v["anchor"], "alma/error_code/prefix:validation_error_");
    assert_eq!(v["code"], "BAD_REQUEST");
}

#[test]
fn explain_unknown_value_says_it_is_not_in_the_tables() {
    let out = stdout(&cli(&[
        "explain",
        "alma",
        "payment.state",
        "brand_new_state",
    ]));
    for part in [
        "not in the tables",
        "UNCERTAIN / UNMAPPED",
        psp_status::Retry::AfterVerifying.explain(),
        TABLE_VERSION,
        Code::Unmapped.shopper_message(Lang::En),
        Code::Unmapped.agent_action(),
    ] {
        assert!(out.contains(part), "missing {part:?} in:\n{out}");
    }
    assert!(
        !out.contains("Source\n"),
        "an unknown value has no source:\n{out}"
    );
    assert!(
        !out.to_lowercase().contains("before retrying. verify"),
        "no repeated advice:\n{out}"
    );

    let v: serde_json::Value = serde_json::from_str(&stdout(&cli(&[
        "explain",
        "alma",
        "payment.state",
        "brand_new_state",
        "--json",
    ])))
    .unwrap();
    assert_eq!(v["in_tables"], false);
    assert_eq!(v["state"], "UNCERTAIN");
    assert_eq!(v["code"], "UNMAPPED");
    assert_eq!(v["retry"], "after_verifying");
    assert_eq!(v["raw"], "brand_new_state");
    assert!(v["source"].is_null() && v["anchor"].is_null());
    assert_eq!(v["table_version"], TABLE_VERSION);
}

#[test]
fn explain_in_french_gives_the_french_shopper_message() {
    let out = stdout(&cli(&[
        "explain",
        "alma",
        "payment.state",
        "scored_no",
        "--lang",
        "fr",
    ]));
    let code = classify(alma::PAYMENT_STATE, "scored_no");
    assert!(out.contains("Tell the customer (fr)"), "{out}");
    assert!(out.contains(code.shopper_message(Lang::Fr)), "{out}");
    assert!(!out.contains(code.shopper_message(Lang::En)), "{out}");

    let v: serde_json::Value = serde_json::from_str(&stdout(&cli(&[
        "explain",
        "alma",
        "payment.state",
        "scored_no",
        "--lang",
        "fr",
        "--json",
    ])))
    .unwrap();
    assert_eq!(v["lang"], "fr");
    assert_eq!(v["shopper_message"], code.shopper_message(Lang::Fr));
}

#[test]
fn explain_without_surface_explains_every_surface_of_the_provider_that_knows_the_value() {
    let out = stdout(&cli(&["explain", "alma", "scored_no"]));
    let knowing: Vec<_> = Provider::Alma
        .fields()
        .iter()
        .map(|&f| classify(f, "scored_no"))
        .filter(|c| c.matched == psp_status::Matched::Exact)
        .collect();
    assert!(!knowing.is_empty());
    for c in &knowing {
        let anchor = c.entry().unwrap().anchor();
        assert!(out.contains(anchor), "missing {anchor} in:\n{out}");
        assert!(out.contains(c.agent_action()), "{out}");
    }
    assert_eq!(out.matches("What it means").count(), knowing.len(), "{out}");
    let v: serde_json::Value =
        serde_json::from_str(&stdout(&cli(&["explain", "alma", "scored_no", "--json"]))).unwrap();
    assert_eq!(v["explanations"].as_array().unwrap().len(), knowing.len());
    assert_eq!(v["explanations"][0]["provider"], "alma");
}

#[test]
fn explain_without_provider_looks_across_providers() {
    // Alma's scored_no is known to Alma and to Purse (which relays Alma's states).
    let v: serde_json::Value =
        serde_json::from_str(&stdout(&cli(&["explain", "scored_no", "--json"]))).unwrap();
    let providers: HashSet<String> = v["explanations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["provider"].as_str().unwrap().to_string())
        .collect();
    let expected: HashSet<String> = entries()
        .filter(|e| e.matcher == psp_status::Matcher::Exact("scored_no"))
        .map(|e| e.provider.to_string())
        .collect();
    assert!(expected.len() >= 2, "{expected:?}");
    assert_eq!(providers, expected);
    let out = stdout(&cli(&["explain", "20051"]));
    assert!(out.contains("Checkout.com response_code"), "{out}");
}

#[test]
fn explain_names_the_entry_meant_by_a_near_miss() {
    for (args, anchor) in [
        (
            vec!["explain", "do_not_honor "],
            "stripe/decline_code/do_not_honor",
        ),
        (
            vec!["explain", "stripe", "DO_NOT_HONOR"],
            "stripe/decline_code/do_not_honor",
        ),
        (
            vec!["explain", "stripe", "decline_code", "do_not_honor "],
            "stripe/decline_code/do_not_honor",
        ),
        (
            vec!["explain", "alma", "Scored_No"],
            "alma/payment.state/scored_no",
        ),
    ] {
        let out = stdout(&cli(&args));
        assert!(out.contains("Did you mean"), "{args:?}:\n{out}");
        assert!(out.contains(anchor), "{args:?}: missing {anchor}:\n{out}");
        let mut json_args = args.clone();
        json_args.push("--json");
        let v: serde_json::Value = serde_json::from_str(&stdout(&cli(&json_args))).unwrap();
        assert!(
            v["did_you_mean"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a == anchor),
            "{args:?}: {v}"
        );
    }
    // An exact value has no "did you mean".
    let out = stdout(&cli(&["explain", "stripe", "decline_code", "do_not_honor"]));
    assert!(!out.contains("Did you mean"), "{out}");
    // Nothing near: says so, no suggestion.
    let out = stdout(&cli(&["explain", "zz_nothing_like_it"]));
    assert!(
        out.contains("is not a value any surface of any provider lists"),
        "{out}"
    );
    assert!(!out.contains("Did you mean"), "{out}");
}

#[test]
fn explain_rejects_unknown_names_with_a_usage_error() {
    let o = cli(&["explain", "nopay", "payment.state", "paid"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown provider `nopay`"));
    let o = cli(&["explain", "alma", "nope", "paid"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("valid surfaces: "));
    let o = cli(&["explain", "alma", "payment.state", "paid", "--lang", "de"]);
    assert_eq!(o.status.code(), Some(2));
}

// --- anchors ------------------------------------------------------------------------------------

#[test]
fn every_entry_has_a_unique_anchor_that_finds_it() {
    let mut seen = HashMap::new();
    for e in entries() {
        let a = e.anchor();
        if let Some(first) = seen.insert(a, e.line) {
            panic!(
                "anchor {a} is used twice ({} lines {first} and {}): deep links would be ambiguous",
                e.provider.file(),
                e.line
            );
        }
        assert_eq!(Entry::by_anchor(a), Some(e), "by_anchor({a})");
    }
}

// --- Markdown -----------------------------------------------------------------------------------

#[test]
fn markdown_has_one_anchored_row_per_entry_and_the_whole_taxonomy() {
    let r = Reference::current();
    let md = markdown::render(&r, Lang::En);
    let rows = md
        .lines()
        .filter(|l| l.starts_with("| <a id=\"") && l.contains("](#code/"))
        .count();
    assert_eq!(rows, entries().count());
    let ids = ids(&md);
    for e in entries() {
        assert_eq!(ids.get(e.anchor()), Some(&1), "{}", e.anchor());
    }
    for p in Provider::iter() {
        for f in p.fields() {
            let a = f.to_string();
            assert_eq!(ids.get(a.as_str()), Some(&1), "{a}");
        }
    }
    for c in Code::iter() {
        assert_eq!(ids.get(format!("code/{c}").as_str()), Some(&1), "{c}");
        assert!(md.contains(c.shopper_message(Lang::En)), "{c}");
        assert!(md.contains(c.agent_action()), "{c}");
    }
    for s in psp_status::State::iter() {
        assert_eq!(ids.get(format!("state/{s}").as_str()), Some(&1), "{s}");
    }
    let fr = markdown::render(&r, Lang::Fr);
    assert!(fr.contains(Code::CardExpired.shopper_message(Lang::Fr)));
    assert!(!fr.contains(Code::CardExpired.shopper_message(Lang::En)));
}

/// Fails when a committed generated file differs from what the tables give now.
fn assert_fresh(path: &str, fresh: &str, command: &str) {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let committed = std::fs::read_to_string(&file).unwrap_or_default();
    if committed != fresh {
        let line = committed
            .lines()
            .zip(fresh.lines())
            .position(|(a, b)| a != b)
            .map_or_else(
                || committed.lines().count().min(fresh.lines().count()) + 1,
                |i| i + 1,
            );
        panic!(
            "{path} is stale (first difference at line {line}): the tables changed since it was \
             generated. Refresh it with:\n\n    {command}\n"
        );
    }
}

#[test]
fn committed_markdown_reference_is_fresh() {
    let fresh = markdown::render(&Reference::current(), Lang::En);
    assert_fresh("docs/reference.md", &fresh, MARKDOWN_COMMAND);
}

#[test]
fn committed_html_reference_is_fresh() {
    let fresh = html::render(&Reference::current(), Lang::En);
    assert_fresh("docs/reference.html", &fresh, HTML_COMMAND);
}

// --- JSON ---------------------------------------------------------------------------------------

#[test]
fn json_holds_every_entry_with_its_anchor_and_the_taxonomy() {
    let v: serde_json::Value = serde_json::from_str(&json::render(&Reference::current())).unwrap();
    assert_eq!(v["table_version"], TABLE_VERSION);
    let mut anchors = HashSet::new();
    let mut n = 0;
    for p in v["providers"].as_array().unwrap() {
        for s in p["surfaces"].as_array().unwrap() {
            for e in s["entries"].as_array().unwrap() {
                n += 1;
                let a = e["anchor"].as_str().unwrap();
                let entry = Entry::by_anchor(a).unwrap_or_else(|| panic!("{a} finds no entry"));
                assert_eq!(e["state"], entry.state.to_string(), "{a}");
                assert_eq!(e["code"], entry.code.to_string(), "{a}");
                assert_eq!(e["source"], entry.source, "{a}");
                assert_eq!(e["shopper"]["fr"], entry.shopper_message(Lang::Fr));
                assert_eq!(e["agent_action"], entry.agent_action());
                assert_eq!(e["retry"], entry.code.retry(entry.state).to_string());
                anchors.insert(a.to_string());
            }
        }
    }
    assert_eq!(n, entries().count());
    let expected: HashSet<String> = entries().map(|e| e.anchor().to_string()).collect();
    assert_eq!(anchors, expected);
    let codes = v["taxonomy"]["codes"].as_array().unwrap();
    assert_eq!(codes.len(), Code::iter().count());
    assert!(codes
        .iter()
        .all(|c| c["shopper"]["en"].is_string() && c["agent_action"].is_string()));
    assert_eq!(
        v["taxonomy"]["states"].as_array().unwrap().len(),
        psp_status::State::iter().count()
    );
}

// --- HTML ---------------------------------------------------------------------------------------

#[test]
fn html_has_one_article_per_entry_each_with_its_anchor_id_and_link() {
    let page = html::render(&Reference::current(), Lang::En);
    assert_eq!(count(&page, "<article class=\"entry\""), entries().count());
    let ids = ids(&page);
    let hrefs: HashSet<&str> = page
        .match_indices("href=\"#")
        .map(|(i, _)| {
            let rest = &page[i + 6..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect();
    for e in entries() {
        let a = e.anchor();
        assert_eq!(ids.get(html_escape(a).as_str()), Some(&1), "{a}");
        assert!(hrefs.contains(html::fragment(a).as_str()), "{a}");
    }
    for c in Code::iter() {
        assert_eq!(ids.get(format!("code/{c}").as_str()), Some(&1), "{c}");
    }
    // Both languages are in the page; the radio button chosen by --lang is checked.
    assert!(page.contains(Code::CardExpired.shopper_message(Lang::Fr)));
    assert!(page.contains(r#"id="lang-en" class="lang-radio" value="en" checked>"#));
    let fr = html::render(&Reference::current(), Lang::Fr);
    assert!(fr.contains(r#"id="lang-fr" class="lang-radio" value="fr" checked>"#));
    // The footer carries the table version.
    let footer = &page[page.find("<footer>").unwrap()..];
    assert!(footer.contains(TABLE_VERSION));
}

#[test]
fn html_fetches_nothing_and_links_only_to_sources_and_checked_against() {
    let page = html::render(&Reference::current(), Lang::En);
    assert!(page.contains("content=\"default-src 'none'; "), "no CSP");
    for bad in [
        "<link",
        " src=",
        "url(",
        "@import",
        "@font-face",
        "<iframe",
        "<img",
    ] {
        assert!(!page.contains(bad), "the page contains {bad:?}");
    }
    let mut sources: HashSet<&str> = entries().map(|e| e.source).collect();
    for p in Provider::iter() {
        for f in p.fields() {
            sources.extend(f.checked_against());
        }
    }
    let mut rest = page.as_str();
    let mut seen = 0;
    while let Some(i) = rest.find("://") {
        let start = rest[..i]
            .rfind(|c: char| c == '"' || c == '>' || c.is_whitespace())
            .map_or(0, |s| s + 1);
        let end = i + rest[i..]
            .find(|c: char| c == '"' || c == '<' || c.is_whitespace())
            .unwrap_or(rest.len() - i);
        let url = &rest[start..end];
        assert!(
            sources.contains(url.replace("&amp;", "&").as_str()),
            "the page refers to {url:?}, which is no entry's source nor a checked_against URL"
        );
        seen += 1;
        rest = &rest[end..];
    }
    assert!(seen >= entries().count(), "every entry links its source");
}

/// The anchors as they are written in an attribute.
fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

// --- the CLI writes what the library renders ----------------------------------------------------

#[test]
fn reference_command_writes_each_format_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let r = Reference::current();
    for (format, expected) in [
        ("markdown", markdown::render(&r, Lang::Fr)),
        ("html", html::render(&r, Lang::Fr)),
        ("json", json::render(&r)),
    ] {
        let path = dir.path().join(format!("ref.{format}"));
        let o = cli(&[
            "reference",
            "--format",
            format,
            "--lang",
            "fr",
            "-o",
            path.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            expected,
            "{format}"
        );
    }
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        3,
        "no temporary file left"
    );
    let o = cli(&["reference", "--format", "json"]);
    assert_eq!(stdout(&o), json::render(&r));
}

// --- shopper messages never say why -------------------------------------------------------------

/// Words that would tell a shopper why a bank or a risk engine refused them.
fn revealing_words(message: &str) -> Vec<String> {
    const PREFIXES: &[&str] = &[
        "fraud",
        "risk",
        "risqu",
        "suspec",
        "suspic",
        "blacklist",
        "blocklist",
        "stolen",
        "bloqu",
        "blocked",
        "opposition",
    ];
    const WORDS: &[&str] = &[
        "lost", "vol", "volé", "volée", "volés", "volées", "perdu", "perdue", "perdus", "perdues",
        "theft",
    ];
    message
        .split(|c: char| !c.is_alphabetic())
        .map(str::to_lowercase)
        .filter(|w| PREFIXES.iter().any(|p| w.starts_with(p)) || WORDS.contains(&w.as_str()))
        .collect()
}

#[test]
fn the_revealing_word_check_catches_leaks() {
    assert_eq!(
        revealing_words("We suspect fraud: your card was reported Lost."),
        ["suspect", "fraud", "lost"]
    );
    assert_eq!(
        revealing_words("Carte volée ou perdue, risque de fraude, carte bloquée"),
        ["volée", "perdue", "risque", "fraude", "bloquée"]
    );
    assert!(revealing_words("Your bank declined the payment.").is_empty());
    assert!(revealing_words("Veuillez réessayer dans quelques minutes.").is_empty());
}

#[test]
fn no_shopper_message_reveals_a_refusal_reason() {
    for code in Code::iter() {
        for lang in Lang::iter() {
            let m = code.shopper_message(lang);
            assert!(!m.trim().is_empty(), "{code} has no {lang} shopper message");
            let leaks = revealing_words(m);
            assert!(
                leaks.is_empty(),
                "the {lang} shopper message of {code} reveals {leaks:?}: {m:?}"
            );
        }
    }
}

// --- checked_against ----------------------------------------------------------------------------

/// The current reference with `checked_against` set on its first surface, as a table with the
/// key compiles to.
fn reference_with_checked_against() -> Reference {
    let mut r = Reference::current();
    r.providers[0].surfaces[0].checked_against = &[
        "https://github.com/acme/sdk/blob/0123abc/src/status_(v2).rs",
        "https://docs.example.com/status?a=1&b=2",
    ];
    r
}

#[test]
fn every_format_shows_what_a_surface_was_checked_against() {
    let r = reference_with_checked_against();
    let s = &r.providers[0].surfaces[0];
    let md = markdown::render(&r, Lang::En);
    let heading = md.find(&format!("<a id=\"{}\"></a>", s.anchor)).unwrap();
    let section = &md[heading..];
    let table = section.find("| Value |").unwrap();
    assert_eq!(
        section[..table]
            .matches("Completeness checked against: ")
            .count(),
        1,
        "the line sits between the surface heading and its table"
    );
    assert!(md.contains(
        "[https://github.com/acme/sdk/blob/0123abc/src/status_(v2).rs](https://github.com/acme/sdk/blob/0123abc/src/status_%28v2%29.rs), \
         [https://docs.example.com/status?a=1&amp;b=2](https://docs.example.com/status?a=1&b=2)."
    ), "{}", &section[..table]);
    // Only the surfaces that say so: the one set here and those whose tables record it.
    let with_list = r
        .providers
        .iter()
        .flat_map(|p| &p.surfaces)
        .filter(|s| !s.checked_against.is_empty())
        .count();
    assert_eq!(
        count(&md, "Completeness checked against: "),
        with_list,
        "only the surfaces that say so"
    );

    let page = html::render(&r, Lang::En);
    assert!(page.contains(
        "<p class=\"checked\">Completeness checked against: <a class=\"checked\" \
         href=\"https://github.com/acme/sdk/blob/0123abc/src/status_(v2).rs\""
    ));
    assert!(page.contains("href=\"https://docs.example.com/status?a=1&amp;b=2\""));
    assert_eq!(count(&page, "<p class=\"checked\">"), with_list);

    let v: serde_json::Value = serde_json::from_str(&json::render(&r)).unwrap();
    assert_eq!(
        v["providers"][0]["surfaces"][0]["checked_against"],
        serde_json::json!(s.checked_against)
    );
    assert_eq!(
        v["providers"][0]["surfaces"][1]["checked_against"],
        serde_json::json!(r.providers[0].surfaces[1].checked_against)
    );
}

#[test]
fn reference_carries_the_compiled_checked_against() {
    let r = Reference::current();
    for p in &r.providers {
        for s in &p.surfaces {
            let f = psp_status::Field::new(p.provider, s.surface).unwrap();
            assert_eq!(s.checked_against, f.checked_against());
        }
    }
}
