//! Real exports (issue 11): provider names as people write them, mixed providers in one run,
//! nested JSON keys, the empty-cell rule, near misses, reject limits, file placement.

use psp_status::{Field, Provider};
use std::path::{Path, PathBuf};
use std::process::Command;

mod support;
use support::{ok, read_csv, run, s, write, BIN};

fn col(header: &[String], name: &str) -> usize {
    header.iter().position(|h| h == name).unwrap()
}

#[test]
fn provider_names_as_people_write_them_parse_in_the_library() {
    for name in [
        "checkout",
        "Checkout",
        "CHECKOUT",
        "Checkout.com",
        "checkout.com",
        "CHECKOUT.COM",
    ] {
        assert_eq!(name.parse::<Provider>(), Ok(Provider::Checkout), "{name}");
    }
    for p in <Provider as strum::IntoEnumIterator>::iter() {
        for n in p.spellings() {
            assert_eq!(n.parse::<Provider>(), Ok(p));
            assert_eq!(n.to_ascii_uppercase().parse::<Provider>(), Ok(p));
        }
        assert_eq!(
            p.name().parse::<Provider>(),
            Ok(p),
            "the displayed name is read back"
        );
    }
    assert!("checkout.co".parse::<Provider>().is_err());
    assert!("checkout com".parse::<Provider>().is_err());
    let f: Field = "Checkout.com/Response_Code".parse().unwrap();
    assert_eq!(f, psp_status::checkout::RESPONSE_CODE);
    assert_eq!(
        Provider::Stripe.field("PAYMENT_INTENT.STATUS"),
        Ok(psp_status::stripe::PAYMENT_INTENT_STATUS.into())
    );
}

#[test]
fn checkout_com_as_an_argument() {
    let out = ok(&[
        "classify",
        "Checkout.com",
        "Response_Code",
        "20051",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["provider"], "checkout");
    assert_eq!(v["code"], "INSUFFICIENT_FUNDS");
    let out = ok(&["explain", "checkout.com", "response_code", "20051"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("Checkout.com"));
    let out = run(&["classify", "checkout.co", "response_code", "20051"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn checkout_com_in_a_cell_and_as_the_provider_option() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "in.csv",
        "id,provider,surface,raw\n1,Checkout.com,response_code,20051\n2,CHECKOUT.COM,Payment.Status,Declined\n3,checkout,response_code,10000\n",
    );
    let out = dir.path().join("out.csv");
    ok(&["reclassify", s(&input), "-o", s(&out), "-q"]);
    let (h, rows) = read_csv(&out);
    let code = col(&h, "code");
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0][code], "INSUFFICIENT_FUNDS");
    let c = psp_status::classify(psp_status::checkout::PAYMENT_STATUS, "Declined");
    assert_eq!(rows[1][code], c.code.to_string());
    assert_eq!(rows[2][col(&h, "matched")], "exact");

    let input = write(dir.path(), "one.csv", "id,rc\n1,20051\n");
    let out = dir.path().join("one.out.csv");
    ok(&[
        "reclassify",
        s(&input),
        "-o",
        s(&out),
        "-q",
        "--provider",
        "Checkout.com",
        "--surface",
        "RESPONSE_CODE",
        "--raw-column",
        "rc",
    ]);
    let (h, rows) = read_csv(&out);
    assert_eq!(rows[0][col(&h, "code")], "INSUFFICIENT_FUNDS");
}

#[test]
fn the_reference_lists_the_accepted_spellings() {
    let md =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/reference.md")).unwrap();
    assert!(md.contains("Named `checkout` or `Checkout.com` (any case)"));
    assert!(md.contains("Named `stripe` (any case)"));
}

/// A finance team's export (examples/mixed-export.csv, the worked example of
/// docs/reclassify.md): four providers under the names the export uses, one `status` column
/// meaning a different surface per provider, blank cells, garbage rows, a BOM, CRLF.
fn mixed() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/mixed-export.csv"
    ))
    .unwrap()
}

/// [provider, status surface, failure surface] as the export means them.
const MEANING: [(&str, &str, &str); 4] = [
    ("stripe", "payment_intent.status", "error.code"),
    ("checkout", "payment.status", "response_code"),
    ("alma", "payment.state", "error_code"),
    ("purse", "state", "code"),
];

fn mixed_signals() -> Vec<String> {
    let mut v = Vec::new();
    for (p, status, failure) in MEANING {
        v.push(format!("{p}:{status}=status"));
        v.push(format!("{p}:{failure}=failure_code"));
    }
    // Only Stripe has a decline_code surface: unqualified, it applies to Stripe rows.
    v.push("decline_code=decline_code".to_string());
    v
}

/// The scalar answer for one row of the export: `resolve` over its non-empty signals.
fn scalar(psp: &str, status: &str, failure: &str, decline: &str) -> Option<(String, String)> {
    let p: Provider = psp.parse().ok()?;
    let (_, s, f) = MEANING.iter().find(|m| m.0 == <&str>::from(p))?;
    let mut signals = vec![];
    for (surface, raw) in [(*s, status), (*f, failure), ("decline_code", decline)] {
        if let (Ok(field), false) = (p.field(surface), raw.is_empty()) {
            signals.push((field, raw));
        }
    }
    if signals.is_empty() {
        return None;
    }
    let c = p.resolve(&signals).unwrap();
    Some((c.state.to_string(), c.code.to_string()))
}

#[test]
fn a_mixed_provider_export_is_classified_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let text = mixed();
    assert!(text.starts_with('\u{feff}') && text.contains("\r\n"));
    let input = write(dir.path(), "export.csv", &text);
    let out = dir.path().join("out.csv");
    let report = dir.path().join("report.json");
    let mut args = vec![
        "reclassify".to_string(),
        s(&input).to_string(),
        "-o".into(),
        s(&out).to_string(),
        "--report".into(),
        s(&report).to_string(),
        "--provider-column".into(),
        "psp".into(),
    ];
    for sig in mixed_signals() {
        args.push("--signal".into());
        args.push(sig);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let res = ok(&args);
    let summary = String::from_utf8_lossy(&res.stderr);
    assert!(summary.contains("15 in = 12 out + 3 rejected"), "{summary}");

    // Every readable row with a signal comes out, in input order, each with the answer of
    // the scalar `resolve` over that row's signals.
    let mut expected_ids = vec![];
    let mut expected_rows = vec![];
    let mut expected_rejects = vec![];
    for line in text.trim_start_matches('\u{feff}').lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        if cells.len() != 8 {
            expected_rejects.push(cells[0].to_string());
            continue;
        }
        match scalar(cells[4], cells[5], cells[6], cells[7]) {
            Some(sc) => {
                expected_ids.push(cells[0].to_string());
                expected_rows.push(sc);
            }
            None => expected_rejects.push(cells[0].to_string()),
        }
    }
    let (h, rows) = read_csv(&out);
    let (id, state, code) = (col(&h, "id"), col(&h, "state"), col(&h, "code"));
    let got_ids: Vec<String> = rows.iter().map(|r| r[id].clone()).collect();
    assert_eq!(got_ids, expected_ids);
    let got: Vec<(String, String)> = rows
        .iter()
        .map(|r| (r[state].clone(), r[code].clone()))
        .collect();
    assert_eq!(got, expected_rows);
    // Spot checks that the scalar path agrees with the tables' meaning.
    assert_eq!(got[1], ("ERROR".into(), "INSUFFICIENT_FUNDS".into()));
    assert_eq!(
        got[4].1, "INSUFFICIENT_FUNDS",
        "decline code beats the status"
    );

    let (_, rejects) = read_csv(&PathBuf::from(format!("{}.rejects.csv", s(&out))));
    let reject_rows: Vec<String> = rejects.iter().map(|r| r[0].clone()).collect();
    assert_eq!(reject_rows, ["10", "11", "12"].map(String::from));
    // Row numbers count data rows from 1: here they equal the ids.
    assert_eq!(reject_rows, expected_rejects);
    let reasons: Vec<&str> = rejects.iter().map(|r| r[2].as_str()).collect();
    assert!(reasons[0].starts_with("no signal"), "{reasons:?}");
    assert!(
        reasons[1].contains("unknown provider `Adyen`"),
        "{reasons:?}"
    );
    assert!(reasons[2].contains("wrong number of fields"), "{reasons:?}");

    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(r["rows_in"], 15);
    assert_eq!(
        r["rows_out"].as_u64().unwrap() + r["rows_rejected"].as_u64().unwrap(),
        15
    );
}

#[test]
fn an_empty_cell_is_an_absent_signal_and_a_row_without_any_is_rejected_as_such() {
    let dir = tempfile::tempdir().unwrap();
    // One signal column (the default provider/surface/raw layout): an empty raw is no signal.
    let input = write(
        dir.path(),
        "one.csv",
        "provider,surface,raw\nalma,payment.state,paid\nalma,payment.state,\n",
    );
    let out = dir.path().join("one.out.csv");
    ok(&["reclassify", s(&input), "-o", s(&out), "-q"]);
    let (_, rows) = read_csv(&out);
    assert_eq!(rows.len(), 1);
    let (_, rej) = read_csv(&PathBuf::from(format!("{}.rejects.csv", s(&out))));
    assert_eq!((rej.len(), rej[0][0].as_str()), (1, "2"));
    assert_eq!(
        rej[0][2],
        "no signal: every signal cell of the row is empty"
    );

    // JSON Lines: an empty string, a null and a missing key are the same absent signal.
    let input = write(
        dir.path(),
        "in.jsonl",
        "{\"provider\":\"alma\",\"st\":\"paid\"}\n{\"provider\":\"alma\",\"st\":\"\"}\n{\"provider\":\"alma\",\"st\":null}\n{\"provider\":\"alma\",\"st\":\"paid\",\"err\":\"\"}\n{\"provider\":\"alma\"}\n",
    );
    let out = dir.path().join("out.jsonl");
    ok(&[
        "reclassify",
        s(&input),
        "-o",
        s(&out),
        "-q",
        "--signal",
        "payment.state=st",
        "--signal",
        "error_code=err",
    ]);
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text.lines().count(), 2);
    let (_, rej) = read_csv(&PathBuf::from(format!("{}.rejects.csv", s(&out))));
    let rows: Vec<&str> = rej.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(rows, ["2", "3", "5"]);
    assert!(rej.iter().all(|r| r[2].starts_with("no signal")));
}

#[test]
fn conflicting_flags_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "in.csv", "psp,status\nstripe,succeeded\n");
    let out = dir.path().join("out.csv");
    let cases: [&[&str]; 6] = [
        &[
            "--provider",
            "stripe",
            "--provider-column",
            "psp",
            "--signal",
            "payment_intent.status=status",
        ],
        &[
            "--provider-column",
            "psp",
            "--signal",
            "payment_intent.status=status",
            "--surface-column",
            "x",
        ],
        &[
            "--provider-column",
            "psp",
            "--surface",
            "payment_intent.status",
            "--surface-column",
            "x",
        ],
        &[
            "--provider-column",
            "psp",
            "--signal",
            "payment.status=status",
            "--signal",
            "checkout:payment.status=status",
        ],
        &[
            "--provider",
            "stripe",
            "--signal",
            "alma:payment.state=status",
        ],
        &[
            "--provider-column",
            "psp",
            "--signal",
            "stripe:payment.state=status",
        ],
    ];
    for extra in cases {
        let mut args = vec!["reclassify", s(&input), "-o", s(&out)];
        args.extend_from_slice(extra);
        let r = run(&args);
        assert_eq!(
            r.status.code(),
            Some(2),
            "{extra:?}: {}",
            String::from_utf8_lossy(&r.stderr)
        );
        assert!(!out.exists(), "{extra:?}");
    }
    // Unqualified and qualified for different providers is fine.
    ok(&[
        "reclassify",
        s(&input),
        "-o",
        s(&out),
        "-q",
        "--provider-column",
        "psp",
        "--signal",
        "checkout:payment.status=status",
        "--signal",
        "purse:payment.status=status",
        "--signal",
        "payment_intent.status=status",
    ]);
}

#[test]
fn trim_and_near_misses() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "in.csv",
        "provider,surface,raw\nstripe,payment_intent.status,succeeded \nstripe,payment_intent.status,SUCCEEDED\nstripe,payment_intent.status,succeeded \nstripe,payment_intent.status,made_up\n",
    );
    let out = dir.path().join("out.csv");
    let report = dir.path().join("r.json");
    let r = ok(&[
        "reclassify",
        s(&input),
        "-o",
        s(&out),
        "--report",
        s(&report),
    ]);
    let summary = String::from_utf8_lossy(&r.stderr);
    assert!(
        summary.contains(
            "near miss \"succeeded \" ×2 → stripe/payment_intent.status/succeeded (--trim)  \"SUCCEEDED\" ×1 → stripe/payment_intent.status/succeeded (case)"
        ),
        "{summary}"
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let near = v["near_misses"].as_array().unwrap();
    assert_eq!(near.len(), 2);
    assert_eq!(near[0]["raw"], "succeeded ");
    assert_eq!(near[0]["rows"], 2);
    assert_eq!(near[0]["after"], "trim");
    assert_eq!(
        near[0]["would_match"],
        "stripe/payment_intent.status/succeeded"
    );
    assert_eq!(near[1]["after"], "case");

    // --trim: the trailing space no longer hides the value; the output keeps the input bytes.
    let out2 = dir.path().join("trimmed.csv");
    let r = ok(&["reclassify", s(&input), "-o", s(&out2), "--trim"]);
    let summary = String::from_utf8_lossy(&r.stderr);
    let (h, rows) = read_csv(&out2);
    let (raw, state) = (col(&h, "raw"), col(&h, "state"));
    assert_eq!(rows[0][raw], "succeeded ");
    assert_eq!(rows[0][state], "SUCCESS");
    assert_eq!(rows[1][state], "UNCERTAIN", "--trim does not fold case");
    assert!(
        summary.contains("(case)") && !summary.contains("(--trim)"),
        "{summary}"
    );
}

#[test]
fn max_rejects_fails_the_run_and_commits_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "in.csv",
        "provider,surface,raw\nalma,payment.state,paid\nacme,x,y\nalma,payment.state,paid\nalma,payment.state,paid\n",
    );
    let out = dir.path().join("out.csv");
    for limit in ["0", "20%"] {
        let r = run(&[
            "reclassify",
            s(&input),
            "-o",
            s(&out),
            "--max-rejects",
            limit,
        ]);
        assert_eq!(r.status.code(), Some(1), "{limit}");
        assert!(String::from_utf8_lossy(&r.stderr).contains("1 of 4 rows rejected"));
        assert!(!out.exists());
        assert!(!dir.path().join("out.csv.rejects.csv").exists());
    }
    for limit in ["1", "25%"] {
        ok(&[
            "reclassify",
            s(&input),
            "-o",
            s(&out),
            "-q",
            "--max-rejects",
            limit,
        ]);
        assert!(out.exists());
    }
    let r = run(&[
        "reclassify",
        s(&input),
        "-o",
        s(&out),
        "--max-rejects",
        "lots",
    ]);
    assert_eq!(r.status.code(), Some(2));
}

#[test]
fn from_stdin_the_rejects_go_next_to_the_output_and_the_summary_names_them() {
    use std::io::Write;
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.csv");
    let feed = |args: &[&str]| {
        let mut child = Command::new(BIN)
            .args(args)
            .current_dir(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // A usage error ends the run before it reads stdin: the write may then fail.
        let _ = child
            .stdin
            .take()
            .unwrap()
            .write_all(b"provider,surface,raw\nalma,payment.state,paid\nacme,x,y\n");
        child.wait_with_output().unwrap()
    };
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    let out_in_sub = sub.join("out.csv");
    let r = feed(&["reclassify", "--format", "csv", "-o", s(&out_in_sub)]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let summary = String::from_utf8_lossy(&r.stderr);
    let rejects = format!("{}.rejects.csv", s(&out_in_sub));
    assert!(std::path::Path::new(&rejects).exists());
    assert!(summary.contains("reclassified <stdin>"), "{summary}");
    assert!(
        summary.contains(&format!("rejects   {rejects}")),
        "{summary}"
    );
    // Nothing lands in the working directory unasked.
    let cwd: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(cwd.len(), 1, "only sub/ in the working directory");

    // stdin to stdout: the rejects file needs a place; without --rejects it is a usage error.
    let r = feed(&["reclassify", "--format", "csv"]);
    assert_eq!(r.status.code(), Some(2));
    assert!(r.stdout.is_empty());
    let rej = dir.path().join("rej.csv");
    let r = feed(&["reclassify", "--format", "csv", "--rejects", s(&rej)]);
    assert!(r.status.success());
    assert!(String::from_utf8_lossy(&r.stderr).contains("output    <stdout>"));
    assert!(rej.exists());
    let _ = out;
}

#[test]
fn a_closed_pipe_ends_every_command_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.csv");
    ok(&["generate", "--rows", "200000", "-o", s(&big)]);
    let cmds = [
        format!("{BIN} generate --rows 500000 | head -1"),
        format!("{BIN} reclassify {} | head -1", s(&big)),
        format!("{BIN} reference --format markdown | head -1"),
    ];
    for c in cmds {
        let out = Command::new("bash")
            .args(["-c", &format!("{c}; echo \"rc=${{PIPESTATUS[0]}}\" >&2")])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim(), "rc=0", "{c}: {err}");
        assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);
    }
    // The interrupted reclassify committed nothing.
    assert!(!dir.path().join("big.csv.rejects.csv").exists());
}

/// Stripe PaymentIntent objects as the API returns them (trimmed), one per line.
const INTENTS: &str = r#"{"id":"pi_1","object":"payment_intent","amount":1000,"status":"succeeded","last_payment_error":null}
{"id":"pi_2","object":"payment_intent","amount":2000,"status":"requires_payment_method","last_payment_error":{"type":"card_error","code":"card_declined","decline_code":"insufficient_funds","message":"Your card has insufficient funds."}}
{"id":"pi_3","object":"payment_intent","amount":3000,"status":"requires_payment_method","last_payment_error":{"type":"card_error","code":"expired_card"}}
{"id":"pi_4","object":"payment_intent","amount":4000,"status":"processing"}
{"id":"pi_5","object":"payment_intent","amount":5000,"status":"requires_payment_method","last_payment_error":{"code":"card_declined","decline_code":"do_not_honor"},"metadata":{"order.id":"A-5"}}
"#;

#[test]
fn jsonl_dotted_paths_reach_nested_keys_of_stripe_payment_intents() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "intents.jsonl", INTENTS);
    let out = dir.path().join("out.jsonl");
    let report = dir.path().join("r.json");
    let r = ok(&[
        "reclassify",
        s(&input),
        "-o",
        s(&out),
        "--report",
        s(&report),
        "--provider",
        "Stripe",
        "--signal",
        "payment_intent.status=status",
        "--signal",
        "decline_code=last_payment_error.decline_code",
        "--signal",
        "error.code=last_payment_error.code",
    ]);
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5);
    for (line, v) in INTENTS.lines().zip(&lines) {
        let o: serde_json::Value = serde_json::from_str(line).unwrap();
        let e = &o["last_payment_error"];
        let mut signals = vec![(
            psp_status::stripe::PAYMENT_INTENT_STATUS,
            o["status"].as_str().unwrap(),
        )];
        if let Some(d) = e["decline_code"].as_str() {
            signals.push((psp_status::stripe::DECLINE_CODE, d));
        }
        if let Some(c) = e["code"].as_str() {
            signals.push((psp_status::stripe::ERROR_CODE, c));
        }
        let c = psp_status::resolve(&signals);
        assert_eq!(v["state"], c.state.to_string(), "{line}");
        assert_eq!(v["code"], c.code.to_string(), "{line}");
    }
    assert_eq!(lines[1]["code"], "INSUFFICIENT_FUNDS");
    assert_eq!(lines[1]["state"], "ERROR");
    // Keys missing from some rows are counted (a path through a null reaches nothing).
    let summary = String::from_utf8_lossy(&r.stderr);
    assert!(
        summary.contains("missing   key `last_payment_error.decline_code` in 3 rows"),
        "{summary}"
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(v["missing_keys"]["last_payment_error.decline_code"], 3);
    assert_eq!(v["missing_keys"]["last_payment_error.code"], 2);
    assert!(v["missing_keys"].get("status").is_none());

    // A key with a dot in its name: `\.` inside a path, or the whole name at the top level.
    let out2 = dir.path().join("out2.jsonl");
    let r = run(&[
        "reclassify",
        s(&input),
        "-o",
        s(&out2),
        "-q",
        "--provider",
        "stripe",
        "--signal",
        "payment_intent.status=metadata.order\\.id",
    ]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let flat = write(
        dir.path(),
        "flat.jsonl",
        "{\"payment_intent.status\":\"succeeded\"}\n",
    );
    let out3 = dir.path().join("out3.jsonl");
    ok(&[
        "reclassify",
        s(&flat),
        "-o",
        s(&out3),
        "-q",
        "--provider",
        "stripe",
        "--signal",
        "payment_intent.status=payment_intent.status",
    ]);
    assert!(std::fs::read_to_string(&out3)
        .unwrap()
        .contains("\"state\":\"SUCCESS\""));
}

#[test]
fn a_misspelt_json_key_is_a_usage_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "intents.jsonl", INTENTS);
    let out = dir.path().join("out.jsonl");
    let report = dir.path().join("r.json");
    let r = run(&[
        "reclassify",
        s(&input),
        "-o",
        s(&out),
        "--report",
        s(&report),
        "--provider",
        "stripe",
        "--signal",
        "payment_intent.status=status",
        "--signal",
        "decline_code=declinecode",
    ]);
    assert_eq!(
        r.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    assert!(String::from_utf8_lossy(&r.stderr).contains("no row has the key `declinecode`"));
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["intents.jsonl"], "nothing written: {left:?}");
}

/// The block opened by `tag` in `from`, and what follows it.
fn block<'a>(from: &'a str, tag: &str) -> (String, &'a str) {
    let start = from.find(tag).expect("a block") + tag.len();
    let end = from[start..].find("\n```").unwrap() + start;
    (from[start..end].to_string(), &from[end + 4..])
}

/// The first ```sh block of `section` in `doc` and the ```text block after it.
fn doc_blocks(doc: &str, section: &str) -> (String, String) {
    let at = doc.find(section).expect("the section exists");
    let rest = &doc[at..];
    let (sh, rest) = block(rest, "```sh\n");
    let (text, _) = block(rest, "```text\n");
    (sh, text)
}

#[test]
fn the_docs_worked_mixed_export_example_is_what_the_commands_print() {
    let root = env!("CARGO_MANIFEST_DIR");
    let doc = std::fs::read_to_string(format!("{root}/docs/reclassify.md")).unwrap();
    let (sh, text) = doc_blocks(&doc, "## Worked example: a mixed-provider export");
    let dir = tempfile::tempdir().unwrap();
    let tmp = format!("{}/", s(dir.path()));
    let bin_dir = Path::new(BIN).parent().unwrap();
    let out = Command::new("bash")
        .args([
            "-euo",
            "pipefail",
            "-c",
            &format!("exec 2>&1\n{}", sh.replace("/tmp/", &tmp)),
        ])
        .current_dir(root)
        .env(
            "PATH",
            format!("{}:{}", s(bin_dir), std::env::var("PATH").unwrap()),
        )
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let got = String::from_utf8(out.stdout).unwrap();
    let want = text.replace("/tmp/", &tmp);
    let (got, want): (Vec<&str>, Vec<&str>) = (got.lines().collect(), want.lines().collect());
    assert!(got[0].starts_with("reclassified examples/mixed-export.csv in "));
    assert_eq!(
        got[1..],
        want[1..],
        "docs/reclassify.md's worked example is stale"
    );

    // The same mapping as a --columns file gives the same output (the section's second
    // block, run after the first: it compares with the first's output).
    let at = doc
        .find("## Worked example: a mixed-provider export")
        .unwrap();
    let rest = &doc[at..];
    let (_, rest) = block(rest, "```sh\n");
    let (_, rest) = block(rest, "```text\n");
    let (sh2, rest) = block(rest, "```sh\n");
    let (text2, _) = block(rest, "```text\n");
    assert!(sh2.contains("--columns examples/mixed-export.columns"));
    let out = Command::new("bash")
        .args(["-euo", "pipefail", "-c", &sh2.replace("/tmp/", &tmp)])
        .current_dir(root)
        .env(
            "PATH",
            format!("{}:{}", s(bin_dir), std::env::var("PATH").unwrap()),
        )
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap().trim(), text2.trim());

    // What the text says of row 5 is what `resolve` answers.
    let r = ok(&[
        "resolve",
        "stripe",
        "payment_intent.status=requires_payment_method",
        "error.code=card_declined",
        "decline_code=insufficient_funds",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(
        (v["state"].as_str(), v["code"].as_str()),
        (Some("ERROR"), Some("INSUFFICIENT_FUNDS"))
    );
}

mod kernel_vs_scalar {
    use proptest::prelude::*;
    use psp_status::batch::{classify_columns, Batch, Given, Names, Outcome, Reason, Signal};
    use psp_status::{Field, Provider, Surface};
    use strum::IntoEnumIterator;

    /// Provider names as cells may spell them, and values: real entries, near misses, junk.
    fn names() -> Vec<&'static str> {
        vec!["stripe", "Checkout.com", "ALMA", "purse", "acme", ""]
    }

    fn values(field: Field) -> Vec<String> {
        let mut v: Vec<String> = field.entries().take(6).map(|e| e.pattern()).collect();
        v.extend(["".to_string(), "zz_unknown".to_string()]);
        v
    }

    proptest! {
        /// Whatever the signals (qualified or not) and the rows, each row is either classified
        /// as the scalar `resolve` of the signals that apply to its provider and are not
        /// empty, or rejected for the reason that says why none does.
        #[test]
        fn qualified_signals_agree_with_scalar_resolve(
            spec in proptest::collection::vec((0usize..4, 0usize..64, any::<bool>()), 1..5),
            rows in proptest::collection::vec((0usize..6, proptest::collection::vec(0usize..8, 5)), 1..40),
        ) {
            let providers: Vec<Provider> = Provider::iter().collect();
            // Each signal: a surface of some provider, qualified (only that provider) or not.
            let signals: Vec<(Surface, Option<Provider>, Field)> = spec
                .iter()
                .map(|&(p, s, qualified)| {
                    let fields = providers[p].fields();
                    let f = fields[s % fields.len()];
                    (f.surface(), qualified.then_some(f.provider()), f)
                })
                .collect();
            let names = names();
            let prov: Vec<&[u8]> = rows.iter().map(|(p, _)| names[*p].as_bytes()).collect();
            let cols: Vec<Vec<String>> = signals
                .iter()
                .enumerate()
                .map(|(i, (_, _, f))| {
                    let vals = values(*f);
                    rows.iter().map(|(_, v)| vals[v[i] % vals.len()].clone()).collect()
                })
                .collect();
            let cols_b: Vec<Vec<&[u8]>> =
                cols.iter().map(|c| c.iter().map(|s| s.as_bytes()).collect()).collect();
            let batch = Batch {
                provider: Given::Column(&prov[..]),
                signals: signals
                    .iter()
                    .zip(&cols_b)
                    .map(|((s, only, _), c)| Signal { surface: Given::Fixed(*s), raw: &c[..], only: *only })
                    .collect(),
                empty_is_absent: true,
            };
            let mut out = Vec::new();
            classify_columns(&batch, &mut Names::default(), &mut out);
            prop_assert_eq!(out.len(), rows.len());
            for (r, o) in out.iter().enumerate() {
                let Ok(p) = names[rows[r].0].parse::<Provider>() else {
                    prop_assert!(matches!(o, Outcome::Rejected(Reason::MissingProvider | Reason::UnknownProvider)));
                    continue;
                };
                let applicable: Vec<(Field, &str)> = signals
                    .iter()
                    .enumerate()
                    .filter(|(_, (s, only, _))| only.is_none_or(|q| q == p) && Field::new(p, *s).is_ok())
                    .map(|(i, (s, _, _))| (Field::new(p, *s).unwrap(), cols[i][r].as_str()))
                    .collect();
                let given: Vec<(Field, &str)> =
                    applicable.iter().copied().filter(|(_, v)| !v.is_empty()).collect();
                match o {
                    Outcome::Classified(v) => {
                        let c = p.resolve(&given).unwrap();
                        prop_assert_eq!((v.state, v.code, v.matched), (c.state, c.code, c.matched));
                    }
                    Outcome::Rejected(Reason::NoSignalFor(q)) => {
                        prop_assert!(applicable.is_empty());
                        prop_assert_eq!(*q, p);
                    }
                    Outcome::Rejected(Reason::NoSignal) => {
                        prop_assert!(!applicable.is_empty() && given.is_empty());
                    }
                    other => prop_assert!(false, "unexpected {:?}", other),
                }
            }
        }
    }
}

#[test]
fn a_columns_file_that_cannot_be_used_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "in.csv", "psp,status\nstripe,succeeded\n");
    let out = dir.path().join("out.csv");
    let empty = write(dir.path(), "empty.columns", "# nothing\n\n");
    let bad = write(
        dir.path(),
        "bad.columns",
        "stripe:no.such.surface = status\n",
    );
    let missing = dir.path().join("missing.columns");
    for f in [&empty, &bad, &missing] {
        let r = run(&[
            "reclassify",
            s(&input),
            "-o",
            s(&out),
            "--provider-column",
            "psp",
            "--columns",
            s(f),
        ]);
        assert_eq!(r.status.code(), Some(2), "{f:?}");
        assert!(!out.exists());
    }
}
