//! Run-time tables on the command line: `--mappings DIR` on classify, resolve, explain and
//! reclassify; `diff` between the compiled tables and an edited copy (entries, and transitions
//! on a generated history checked against two reclassify runs compared row by row); an invalid
//! DIR (every error, exit 1) and a DIR that adds a surface, a code or a provider (refused, with
//! the reason).

mod support;

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use support::{ok, run, s};

/// A copy of mappings/ in a temporary directory.
fn copy_mappings() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("mappings");
    for e in std::fs::read_dir(&src).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.path().join(e.file_name())).unwrap();
    }
    dir
}

/// Replaces the one occurrence of `from` in `dir/file`.
fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let p = dir.join(file);
    let text = std::fs::read_to_string(&p).unwrap();
    assert_eq!(text.matches(from).count(), 1, "{from:?} in {file}");
    std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
}

/// The edited copy: one value remapped (Checkout.com 20051), one added (Stripe's legacy
/// `requires_source`), one rule changed (Alma's `validation_error_` prefix), version bumped.
fn edited() -> tempfile::TempDir {
    let d = copy_mappings();
    let p = d.path();
    edit(
        p,
        "taxonomy.yaml",
        "version: \"2026.12.01.4\"",
        "version: \"2099.01.01\"",
    );
    edit(
        p,
        "checkout.yaml",
        "      - raw: \"20051\"\n        state: ERROR\n        code: INSUFFICIENT_FUNDS\n",
        "      - raw: \"20051\"\n        state: ERROR\n        code: REJECTED_BANK\n",
    );
    edit(
        p,
        "stripe.yaml",
        "      - raw: requires_payment_method\n        state: WAITING\n        code: WAITING_CUSTOMER_ACTION\n        description: \"No usable",
        "      - raw: requires_source\n        state: WAITING\n        code: WAITING_CUSTOMER_ACTION\n        \
         description: The pre-2019 name of requires_payment_method.\n        source: https://docs.stripe.com/upgrades\n      \
         - raw: requires_payment_method\n        state: WAITING\n        code: WAITING_CUSTOMER_ACTION\n        description: \"No usable",
    );
    edit(
        p,
        "alma.yaml",
        "      - prefix: validation_error_\n        state: ERROR\n        code: BAD_REQUEST\n",
        "      - prefix: validation_error_\n        state: ERROR\n        code: TECHNICAL_ISSUE_TO_CONTACT_PARTNER\n",
    );
    d
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap()
}

fn anchors(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|e| e["anchor"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn mappings_flag_changes_every_lookup_command() {
    let d = edited();
    let dir = s(d.path());
    let c = json(&ok(&[
        "classify",
        "checkout",
        "response_code",
        "20051",
        "--json",
        "--mappings",
        dir,
    ]));
    assert_eq!(
        (c["code"].as_str(), c["table_version"].as_str()),
        (Some("REJECTED_BANK"), Some("2099.01.01"))
    );
    let c = json(&ok(&[
        "classify",
        "checkout",
        "response_code",
        "20051",
        "--json",
    ]));
    assert_eq!(c["code"], "INSUFFICIENT_FUNDS");

    let r = json(&ok(&[
        "resolve",
        "stripe",
        "payment_intent.status=requires_source",
        "--json",
        "--mappings",
        dir,
    ]));
    assert_eq!(
        (r["state"].as_str(), r["matched"].as_str()),
        (Some("WAITING"), Some("exact"))
    );
    assert_eq!(r["signals"][0]["table_version"], "2099.01.01");

    let x = stdout(&ok(&[
        "explain",
        "alma",
        "error_code",
        "validation_error_x",
        "--mappings",
        dir,
    ]));
    assert!(
        x.contains("TECHNICAL_ISSUE_TO_CONTACT_PARTNER") && x.contains("2099.01.01"),
        "{x}"
    );
    let x = json(&ok(&[
        "explain",
        "stripe",
        "requires_source",
        "--json",
        "--mappings",
        dir,
    ]));
    assert_eq!(
        x["explanations"][0]["anchor"],
        "stripe/payment_intent.status/requires_source"
    );

    let t = tempfile::tempdir().unwrap();
    let input = support::write(
        t.path(),
        "in.csv",
        "provider,surface,raw\ncheckout,response_code,20051\n",
    );
    let out = t.path().join("out.csv");
    let report = t.path().join("report.json");
    ok(&[
        "reclassify",
        s(&input),
        "-o",
        s(&out),
        "--report",
        s(&report),
        "-q",
        "--mappings",
        dir,
    ]);
    let (header, rows) = support::read_csv(&out);
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    assert_eq!(rows[0][col("code")], "REJECTED_BANK");
    assert_eq!(rows[0][col("table_version")], "2099.01.01");
    let report: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(report["table_version"], "2099.01.01");
}

/// One reclassify run: (row number, state, code) of every classified row, the row numbers of
/// the rejects accounted for.
fn reclassified(
    history: &Path,
    mappings: Option<&Path>,
    dir: &Path,
    name: &str,
) -> Vec<(u64, String, String)> {
    let out = dir.join(format!("{name}.csv"));
    let rejects = dir.join(format!("{name}.rejects.csv"));
    let mut args = vec![
        "reclassify",
        s(history),
        "-o",
        s(&out),
        "--rejects",
        s(&rejects),
        "-q",
    ];
    if let Some(m) = mappings {
        args.extend(["--mappings", s(m)]);
    }
    ok(&args);
    let rejected: BTreeSet<u64> = if rejects.exists() {
        support::read_csv(&rejects)
            .1
            .iter()
            .map(|r| r[0].parse().unwrap())
            .collect()
    } else {
        BTreeSet::new()
    };
    let (header, rows) = support::read_csv(&out);
    let (st, co) = (
        header.iter().position(|h| h == "state").unwrap(),
        header.iter().position(|h| h == "code").unwrap(),
    );
    let mut row = 0;
    rows.iter()
        .map(|r| {
            row += 1;
            while rejected.contains(&row) {
                row += 1;
            }
            (row, r[st].clone(), r[co].clone())
        })
        .collect()
}

/// (old state, old code, new state, new code) → (rows, first example rows).
type Transitions = BTreeMap<(String, String, String, String), (u64, Vec<u64>)>;

#[test]
fn diff_reports_the_edits_and_the_transitions_of_two_reclassify_runs() {
    let d = edited();
    let t = tempfile::tempdir().unwrap();
    let history = t.path().join("history.csv");
    ok(&[
        "generate",
        "--rows",
        "60000",
        "--seed",
        "16",
        "-o",
        s(&history),
    ]);

    let out = ok(&["diff", "--to", s(d.path()), s(&history), "--json"]);
    let v = json(&out);
    assert_eq!(
        v.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["entries", "transitions"]
    );
    assert_eq!(
        anchors(&v["entries"]["added"]),
        ["stripe/payment_intent.status/requires_source"]
    );
    assert!(anchors(&v["entries"]["removed"]).is_empty());
    let changed = anchors(&v["entries"]["changed"]);
    assert_eq!(changed.len(), 2, "{changed:?}");
    assert!(
        changed.contains(&"checkout/response_code/20051".to_string()),
        "{changed:?}"
    );
    assert!(
        changed
            .iter()
            .any(|a| a.starts_with("alma/") && a.ends_with("/prefix:validation_error_")),
        "{changed:?}"
    );
    for c in v["entries"]["changed"].as_array().unwrap() {
        // The code changed, and with it the support text the entry shows; nothing else.
        let fields: Vec<&str> = c["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap())
            .collect();
        assert!(fields.contains(&"code"), "{c}");
        for same in ["state", "operation", "description", "source"] {
            assert!(!fields.contains(&same), "{c}");
        }
    }

    // The same counts from two reclassify runs compared row by row.
    let old = reclassified(&history, None, t.path(), "old");
    let new = reclassified(&history, Some(d.path()), t.path(), "new");
    assert_eq!(old.len(), new.len());
    let mut expect: Transitions = BTreeMap::new();
    for (o, n) in old.iter().zip(&new) {
        assert_eq!(o.0, n.0);
        if (&o.1, &o.2) != (&n.1, &n.2) {
            let e = expect
                .entry((o.1.clone(), o.2.clone(), n.1.clone(), n.2.clone()))
                .or_default();
            e.0 += 1;
            if e.1.len() < 5 {
                e.1.push(o.0);
            }
        }
    }
    assert!(
        expect.len() >= 2,
        "the history exercises the edits: {expect:?}"
    );
    let got: Transitions = v["transitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let f = |a: &str, b: &str| t[a][b].as_str().unwrap().to_string();
            let ex = t["examples"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_u64().unwrap())
                .collect();
            (
                (
                    f("from", "state"),
                    f("from", "code"),
                    f("to", "state"),
                    f("to", "code"),
                ),
                (t["rows"].as_u64().unwrap(), ex),
            )
        })
        .collect();
    assert_eq!(got, expect);

    // The text form says the same.
    let text = stdout(&ok(&["diff", "--to", s(d.path()), s(&history)]));
    assert!(
        text.contains("entries: 1 added, 0 removed, 2 changed"),
        "{text}"
    );
    let total: u64 = expect.values().map(|e| e.0).sum();
    assert!(text.contains(&format!("{total} change answer")), "{text}");
}

#[test]
fn diff_without_history_and_between_two_dirs() {
    let d = edited();
    let v = json(&ok(&[
        "diff",
        "--from",
        s(d.path()),
        "--to",
        "mappings",
        "--json",
    ]));
    assert_eq!(
        anchors(&v["entries"]["removed"]),
        ["stripe/payment_intent.status/requires_source"]
    );
    assert!(v["transitions"].as_array().unwrap().is_empty());
    let same = json(&ok(&["diff", "--to", "mappings", "--json"]));
    for k in ["added", "removed", "changed"] {
        assert!(same["entries"][k].as_array().unwrap().is_empty(), "{k}");
    }
    let out = run(&[
        "diff",
        "--to",
        s(d.path()),
        "-o",
        "/tmp/x.csv",
        "examples/transactions.csv",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

/// The lines of stderr that are diagnostics (`path:line:column: message`).
fn diagnostics(out: &std::process::Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| !l.starts_with("psp-status:"))
        .map(String::from)
        .collect()
}

#[test]
fn an_invalid_dir_gives_every_error_and_exit_1() {
    let d = copy_mappings();
    let p = d.path();
    edit(
        p,
        "checkout.yaml",
        "      - raw: \"20051\"\n        state: ERROR\n",
        "      - raw: \"20051\"\n        state: EROR\n",
    );
    edit(
        p,
        "alma.yaml",
        "      - prefix: validation_error_\n",
        "      - prefix: validation_error_\n        colour: blue\n",
    );
    edit(
        p,
        "taxonomy.yaml",
        "version: \"2026.12.01.4\"",
        "version: \"\"",
    );
    let validate = run(&["validate", s(p)]);
    assert_eq!(validate.status.code(), Some(1));
    let expected: Vec<String> = String::from_utf8_lossy(&validate.stdout)
        .lines()
        .chain(String::from_utf8_lossy(&validate.stderr).lines())
        .filter(|l| l.contains(".yaml:"))
        .map(String::from)
        .collect();
    assert!(expected.len() >= 3, "{expected:?}");
    for args in [
        vec![
            "classify",
            "alma",
            "payment.state",
            "paid",
            "--mappings",
            s(p),
        ],
        vec!["resolve", "alma", "payment.state=paid", "--mappings", s(p)],
        vec!["explain", "paid", "--mappings", s(p)],
        vec![
            "reclassify",
            "examples/transactions.csv",
            "-o",
            "/dev/null",
            "--mappings",
            s(p),
        ],
        vec!["diff", "--to", s(p)],
    ] {
        let out = run(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(diagnostics(&out), expected, "{args:?}");
        for (file, what) in [
            ("checkout.yaml", "EROR"),
            ("alma.yaml", "colour"),
            ("taxonomy.yaml", "version"),
        ] {
            assert!(
                expected
                    .iter()
                    .any(|l| l.contains(file) && l.contains(what)),
                "{file} {what}: {expected:?}"
            );
        }
    }
}

fn refused(dir: &Path) -> Vec<String> {
    let out = run(&[
        "classify",
        "alma",
        "payment.state",
        "paid",
        "--mappings",
        s(dir),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    diagnostics(&out)
}

#[test]
fn a_new_surface_code_or_provider_is_refused_with_the_reason() {
    let d = copy_mappings();
    let p = d.path();
    edit(
        p,
        "alma.yaml",
        "  - name: payment.state\n",
        "  - name: payment.mood\n    description: Made up.\n    operation: PAYMENT\n    entries:\n      - raw: happy\n        state: SUCCESS\n        code: SUCCEEDED\n        description: Made up.\n        source: https://example.com/\n\n  - name: payment.state\n",
    );
    edit(
        p,
        "alma.yaml",
        "precedence:\n",
        "precedence:\n  - payment.mood\n",
    );
    let text = std::fs::read_to_string(p.join("alma.yaml")).unwrap();
    let line = text
        .lines()
        .position(|l| l == "  - name: payment.mood")
        .unwrap()
        + 1;
    let diags = refused(p);
    assert_eq!(diags.len(), 1, "{diags:?}");
    let want = format!(
        "{}:{line}:11: new surface `payment.mood` of provider `alma`: ",
        p.join("alma.yaml").display()
    );
    assert!(diags[0].starts_with(&want), "{diags:?} (want {want})");
    assert!(diags[0].contains("needs a build"), "{diags:?}");
    // docs/tables.md shows this very refusal, for a copy named mappings-next.
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/tables.md"))
        .unwrap();
    let shown = diags[0].replace(&p.display().to_string(), "mappings-next");
    assert!(doc.contains(&shown), "docs/tables.md should show:\n{shown}");

    // A new code in the taxonomy, and a provider file of a provider not compiled in.
    let d = copy_mappings();
    let p = d.path();
    edit(
        p,
        "taxonomy.yaml",
        "  - name: REJECTED_BANK\n",
        "  - name: BRAND_NEW_CODE\n    description: Made up.\n    states: { ERROR: never }\n    shopper: { en: No., fr: Non. }\n    agent: Nothing.\n  - name: REJECTED_BANK\n",
    );
    let alma = std::fs::read_to_string(p.join("alma.yaml")).unwrap();
    std::fs::write(
        p.join("acme.yaml"),
        alma.replacen("provider: alma", "provider: acme", 1)
            .replacen("name: Alma", "name: Acme", 1),
    )
    .unwrap();
    let acme_line = std::fs::read_to_string(p.join("acme.yaml"))
        .unwrap()
        .lines()
        .position(|l| l.starts_with("provider: acme"))
        .unwrap()
        + 1;
    let diags = refused(p);
    assert!(
        diags.iter().any(|l| l.contains("taxonomy.yaml:")
            && l.contains("new code `BRAND_NEW_CODE`")
            && l.contains("needs a build")),
        "{diags:?}"
    );
    assert!(
        diags
            .iter()
            .any(|l| l.contains(&format!("acme.yaml:{acme_line}:11:"))
                && l.contains("new provider `acme`")
                && l.contains("needs a build")),
        "{diags:?}"
    );

    // Library: the same refusal, as values.
    let err = psp_status::Tables::load(p).unwrap_err();
    assert_eq!(err.iter().map(|d| d.to_string()).collect::<Vec<_>>(), diags);
}

/// A Parquet history (written by reclassify) gives the same transition counts as the CSV it
/// came from: diff reads it with reclassify's Parquet reader.
#[test]
fn diff_reads_a_parquet_history() {
    let d = edited();
    let t = tempfile::tempdir().unwrap();
    let csv = t.path().join("history.csv");
    ok(&["generate", "--rows", "3000", "--seed", "5", "-o", s(&csv)]);
    let parquet = t.path().join("history.parquet");
    ok(&["reclassify", s(&csv), "-o", s(&parquet), "-q"]);
    let counts = |h: &Path| -> BTreeMap<String, u64> {
        let v = json(&ok(&["diff", "--to", s(d.path()), s(h), "--json"]));
        v["transitions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    format!("{}>{}", t["from"], t["to"]),
                    t["rows"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let from_csv = counts(&csv);
    assert!(!from_csv.is_empty());
    assert_eq!(counts(&parquet), from_csv);
}
