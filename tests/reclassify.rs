//! `psp-status reclassify` and `generate`, end to end through the binary, on small fixtures.

use psp_status::{alma, classify, resolve, Provider};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

mod support;
use support::{ok, read_csv, run, s, write, BIN};

fn expected(provider: &str, surface: &str, raw: &str) -> [String; 4] {
    let p: Provider = provider.parse().unwrap();
    let c = classify(p.field(surface).unwrap(), raw);
    [
        c.state.to_string(),
        c.code.to_string(),
        c.operation.map(|o| o.to_string()).unwrap_or_default(),
        c.matched.to_string(),
    ]
}

const FIXTURE: &str = "id,provider,surface,raw,amount\n\
    1,alma,payment.state,paid,-12.50\n\
    2,alma,payment.state,brand_new_state,3\n\
    3,purse,code,\"REJECTED_BANK\",4\n\
    4,alma,\"payment.state\",\"scored, \"\"maybe\"\"\",5\r\n\
    5,purse,state,ERROR,6\n";

#[test]
fn csv_round_trip_keeps_input_bytes_and_appends_the_classification() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "in.csv", FIXTURE);
    let output = dir.path().join("out.csv");
    ok(&["reclassify", s(&input), "-o", s(&output), "-q"]);
    let text = std::fs::read(&output).unwrap();
    let lines: Vec<&[u8]> = text.split_inclusive(|b| *b == b'\n').collect();
    let input_lines: Vec<&str> = FIXTURE.split_inclusive('\n').collect();
    assert_eq!(lines.len(), input_lines.len());
    for (out, inp) in lines.iter().zip(&input_lines) {
        let body = inp.trim_end_matches('\n').trim_end_matches('\r');
        assert!(out.starts_with(body.as_bytes()), "{out:?} vs {inp:?}");
        // The line terminator is kept as it was.
        assert_eq!(inp.ends_with("\r\n"), out.ends_with(b"\r\n"));
    }
    let (header, rows) = read_csv(&output);
    assert_eq!(
        header,
        [
            "id",
            "provider",
            "surface",
            "raw",
            "amount",
            "state",
            "code",
            "operation",
            "matched",
            "table_version"
        ]
    );
    assert_eq!(rows.len(), 5);
    for row in &rows {
        assert_eq!(row[5..9], expected(&row[1], &row[2], &row[3]), "{row:?}");
        assert_eq!(row[9], psp_status::TABLE_VERSION);
    }
    assert_eq!(rows[1][8], "unmapped");
    assert_eq!(rows[3][3], "scored, \"maybe\"");
}

#[test]
fn jsonl_round_trip_keeps_the_object_and_appends_members() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "in.jsonl",
        "{\"provider\":\"alma\",\"surface\":\"payment.state\",\"raw\":\"paid\",\"n\":1}\n\
         \n\
         {\"provider\": \"purse\", \"surface\": \"http_status\", \"raw\": 503, \"x\": {\"a\": [1]}}\n\
         {\"provider\":\"alma\",\"surface\":\"payment.state\",\"raw\":\"\\u0070aid\"}\n",
    );
    let output = dir.path().join("out.jsonl");
    ok(&["reclassify", s(&input), "-o", s(&output), "-q"]);
    let text = std::fs::read_to_string(&output).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].starts_with(
        "{\"provider\":\"alma\",\"surface\":\"payment.state\",\"raw\":\"paid\",\"n\":1,"
    ));
    assert!(lines[1].starts_with(
        "{\"provider\": \"purse\", \"surface\": \"http_status\", \"raw\": 503, \"x\": {\"a\": [1]},"
    ));
    for (line, (p, su, raw)) in lines.iter().zip([
        ("alma", "payment.state", "paid"),
        ("purse", "http_status", "503"),
        ("alma", "payment.state", "paid"),
    ]) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let e = expected(p, su, raw);
        assert_eq!(v["state"], e[0].as_str(), "{line}");
        assert_eq!(v["code"], e[1].as_str());
        assert_eq!(v["matched"], e[3].as_str());
        assert_eq!(v["table_version"], psp_status::TABLE_VERSION);
    }
}

#[test]
fn column_options_and_fixed_provider_or_surface() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "in.csv",
        "psp,field,value\nalma,payment.state,paid\nALMA,payment.state,scored_no\n",
    );
    let output = dir.path().join("out.csv");
    ok(&[
        "reclassify",
        s(&input),
        "-o",
        s(&output),
        "-q",
        "--provider-column",
        "psp",
        "--surface-column",
        "field",
        "--raw-column",
        "value",
    ]);
    let (_, rows) = read_csv(&output);
    assert_eq!(rows[0][3..7], expected("alma", "payment.state", "paid"));
    assert_eq!(
        rows[1][3..7],
        expected("alma", "payment.state", "scored_no")
    );

    let input = write(dir.path(), "one.csv", "status\npaid\nscored_no\n");
    let output = dir.path().join("one-out.csv");
    ok(&[
        "reclassify",
        s(&input),
        "-o",
        s(&output),
        "-q",
        "--provider",
        "alma",
        "--surface",
        "payment.state",
        "--raw-column",
        "status",
    ]);
    let (_, rows) = read_csv(&output);
    assert_eq!(
        rows[1][1..5],
        expected("alma", "payment.state", "scored_no")
    );

    // A missing column or an unknown fixed surface is a usage error naming it.
    let bad = run(&[
        "reclassify",
        s(&input),
        "-o",
        s(&output),
        "--provider",
        "alma",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no column `surface`"));
    let bad = run(&[
        "reclassify",
        s(&input),
        "-o",
        s(&output),
        "--provider",
        "alma",
        "--surface",
        "payment_intent.nope",
    ]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn signal_columns_follow_the_providers_precedence() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "in.csv",
        "provider,st,err\nalma,paid,\nalma,,invalid_amount\nalma,scored_no,invalid_amount\nalma,,\n",
    );
    let output = dir.path().join("out.csv");
    ok(&[
        "reclassify",
        s(&input),
        "-o",
        s(&output),
        "-q",
        "--signal",
        "payment.state=st",
        "--signal",
        "error_code=err",
    ]);
    let (_, rows) = read_csv(&output);
    // The last row has no signal at all (every signal cell empty): it is rejected as such.
    assert_eq!(rows.len(), 3);
    let (_, rejects) = read_csv(&PathBuf::from(format!("{}.rejects.csv", s(&output))));
    assert_eq!(rejects.len(), 1);
    assert_eq!(rejects[0][0], "4");
    assert!(rejects[0][2].starts_with("no signal"), "{:?}", rejects[0]);
    for row in &rows {
        let mut signals = vec![];
        if !row[1].is_empty() {
            signals.push((alma::PAYMENT_STATE, row[1].as_str()));
        }
        if !row[2].is_empty() {
            signals.push((alma::ERROR_CODE, row[2].as_str()));
        }
        let c = resolve(&signals);
        assert_eq!(row[3], c.state.to_string(), "{row:?}");
        assert_eq!(row[4], c.code.to_string(), "{row:?}");
        assert_eq!(row[6], c.matched.to_string(), "{row:?}");
    }
}

#[test]
fn rejects_carry_row_numbers_and_every_row_is_accounted_for() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "in.csv",
        "provider,surface,raw\n\
         alma,payment.state,paid\n\
         -12.50\n\
         acme,payment.state,paid\n\
         =HYPERLINK(\"http://x\"),payment.state,paid\n\
         alma,not.a.surface,paid\n\
         alma,alma.psp_status,paid\n\
         alma,payment.state,zzz\n\
         +33,payment.state,paid\n\
         @SUM(A1),payment.state,paid,extra\n",
    );
    let output = dir.path().join("out.csv");
    let report = dir.path().join("report.json");
    let out = ok(&[
        "reclassify",
        s(&input),
        "-o",
        s(&output),
        "--report",
        s(&report),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("9 in = 2 out + 7 rejected"), "{stderr}");
    let rejects = dir.path().join("out.csv.rejects.csv");
    let (header, rows) = read_csv(&rejects);
    assert_eq!(header, ["row", "line", "reason", "record"]);
    let numbers: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str()))
        .collect();
    assert_eq!(
        numbers,
        [
            ("2", "3"),
            ("3", "4"),
            ("4", "5"),
            ("5", "6"),
            ("6", "7"),
            ("8", "9"),
            ("9", "10")
        ]
    );
    assert!(rows[0][2].starts_with("wrong number of fields: 1"));
    assert_eq!(rows[1][2], "unknown provider `acme`");
    assert_eq!(
        rows[4][2],
        "unknown surface `alma.psp_status` for provider alma"
    );
    // Numbers stay as they are; formulas get a leading quote.
    assert_eq!(rows[0][3], "-12.50");
    assert_eq!(rows[2][3], "'=HYPERLINK(\"http://x\"),payment.state,paid");
    assert_eq!(rows[5][3], "'+33,payment.state,paid");
    assert_eq!(rows[6][3], "'@SUM(A1),payment.state,paid,extra");
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(r["rows_in"], 9);
    assert_eq!(r["rows_out"], 2);
    assert_eq!(r["rows_rejected"], 7);
}

#[test]
fn the_report_counts_equal_a_recount_of_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    ok(&["generate", "--rows", "4000", "--seed", "3", "-o", s(&input)]);
    let output = dir.path().join("out.csv");
    let report = dir.path().join("r.json");
    ok(&[
        "reclassify",
        s(&input),
        "-o",
        s(&output),
        "--report",
        s(&report),
        "-q",
        "--chunk-bytes",
        "4096",
    ]);
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let (header, rows) = read_csv(&output);
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let mut by: BTreeMap<(&str, String), u64> = BTreeMap::new();
    let mut unmapped: BTreeMap<(String, String, String), u64> = BTreeMap::new();
    for row in &rows {
        for (k, c) in [
            ("by_provider", "provider"),
            ("by_state", "state"),
            ("by_code", "code"),
            ("by_matched", "matched"),
        ] {
            *by.entry((k, row[col(c)].clone())).or_default() += 1;
        }
        if row[col("matched")] == "unmapped" {
            *unmapped
                .entry((
                    row[col("provider")].clone(),
                    row[col("surface")].clone(),
                    row[col("raw")].clone(),
                ))
                .or_default() += 1;
        }
    }
    let mut reported: BTreeMap<(&str, String), u64> = BTreeMap::new();
    for k in ["by_provider", "by_state", "by_code", "by_matched"] {
        for (name, n) in r[k].as_object().unwrap() {
            reported.insert((k, name.clone()), n.as_u64().unwrap());
        }
    }
    assert_eq!(by, reported);
    assert_eq!(r["rows_out"], rows.len() as u64);
    let rejected = read_csv(&dir.path().join("out.csv.rejects.csv")).1.len() as u64;
    assert_eq!(r["rows_rejected"], rejected);
    assert_eq!(r["rows_in"], 4000);
    assert_eq!(4000, rows.len() as u64 + rejected);
    for u in r["unmapped"]["top"].as_array().unwrap() {
        let key = (
            u["provider"].as_str().unwrap().to_string(),
            u["surface"].as_str().unwrap().to_string(),
            u["raw"].as_str().unwrap().to_string(),
        );
        assert_eq!(unmapped.get(&key).copied(), u["rows"].as_u64(), "{key:?}");
    }
    assert_eq!(r["unmapped"]["distinct"], unmapped.len());
    assert_eq!(r["table_digest"], psp_status::TABLE_DIGEST);
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn a_failed_run_leaves_no_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "in.csv", FIXTURE);
    // Unwritable output: its folder does not exist.
    let out = run(&[
        "reclassify",
        s(&input),
        "-o",
        s(&dir.path().join("missing/out.csv")),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!dir.path().join("missing").exists());
    // The input is a directory: a read error.
    let out = run(&[
        "reclassify",
        s(dir.path()),
        "--format",
        "csv",
        "-o",
        s(&dir.path().join("o.csv")),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(files_in(dir.path()), ["in.csv"]);
}

#[cfg(unix)]
#[test]
fn a_killed_run_leaves_no_output_under_the_final_name() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("out.csv");
    let mut child = Command::new(BIN)
        .args(["reclassify", "-", "--format", "csv", "-o", s(&output), "-q"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"provider,surface,raw\n").unwrap();
    for _ in 0..1000 {
        stdin.write_all(b"alma,payment.state,paid\n").unwrap();
    }
    stdin.flush().unwrap();
    // Wait until the run is writing its temporary file, then kill it (SIGKILL).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !files_in(dir.path()).iter().any(|f| f.ends_with(".partial")) {
        assert!(std::time::Instant::now() < deadline, "no temporary file");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    drop(stdin);
    assert!(!output.exists());
    let left = files_in(dir.path());
    assert!(!left.is_empty() && left.iter().all(|f| f.starts_with('.')));
    // docs/reclassify.md's cleaning command removes a killed run's leftovers.
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/reclassify.md"))
        .unwrap();
    let clean = doc
        .lines()
        .find(|l| l.starts_with("find . -name"))
        .expect("the docs say how to clean");
    let status = Command::new("sh")
        .arg("-c")
        .arg(clean)
        .current_dir(dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(files_in(dir.path()), Vec::<String>::new());
}

#[test]
fn stdin_to_stdout() {
    let mut child = Command::new(BIN)
        .args([
            "reclassify",
            "--format",
            "csv",
            "-q",
            "--rejects",
            s(&std::env::temp_dir().join(format!("psp-status-test-{}.csv", std::process::id()))),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(FIXTURE.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with(
        "id,provider,surface,raw,amount,state,code,operation,matched,table_version\n1,alma,payment.state,paid,-12.50,SUCCESS,"
    ));
    assert_eq!(text.lines().count(), 6);
    let _ = std::fs::remove_file(
        std::env::temp_dir().join(format!("psp-status-test-{}.csv", std::process::id())),
    );
}

#[test]
fn output_is_byte_identical_across_thread_counts() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    ok(&["generate", "--rows", "5000", "--seed", "9", "-o", s(&input)]);
    let mut outputs = vec![];
    for threads in ["1", "2"] {
        for format in ["csv", "jsonl"] {
            let output = dir.path().join(format!("out-{threads}.{format}"));
            ok(&[
                "reclassify",
                s(&input),
                "-o",
                s(&output),
                "-q",
                "--threads",
                threads,
                "--chunk-bytes",
                "2000",
                "--output-format",
                format,
            ]);
            outputs.push((
                format,
                std::fs::read(&output).unwrap(),
                std::fs::read(
                    dir.path()
                        .join(format!("out-{threads}.{format}.rejects.csv")),
                )
                .unwrap(),
            ));
        }
    }
    assert_eq!(outputs[0], outputs[2]);
    assert_eq!(outputs[1], outputs[3]);
    assert!(outputs[0].1.len() > 5000 * 50);
}

#[test]
fn the_bundled_sample_is_what_the_generator_prints() {
    let out = ok(&["generate", "--rows", "3000", "--seed", "42"]);
    let committed = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/transactions.csv"
    ))
    .unwrap();
    assert!(
        out.stdout == committed,
        "examples/transactions.csv is stale: run `cargo run -- generate --rows 3000 --seed 42 -o examples/transactions.csv`"
    );
}

/// docs/reclassify.md opens with a command and the summary it prints: run it and compare every
/// line but the first (its timing varies), with the doc's /tmp paths in a folder of our own.
#[test]
fn the_docs_sample_command_prints_the_docs_summary() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/reclassify.md"))
        .unwrap();
    let block = |tag: &str| {
        let start = doc.find(&format!("```{tag}\n")).unwrap() + tag.len() + 4;
        let len = doc[start..].find("```").unwrap();
        doc[start..start + len].to_string()
    };
    let command = block("sh");
    let command = command.lines().next().unwrap();
    let args = command
        .strip_prefix("cargo run --release -- ")
        .expect("the doc's command runs the binary");
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path().to_str().unwrap();
    let args: Vec<String> = args
        .split_whitespace()
        .map(|a| a.replace("/tmp", tmp))
        .collect();
    let out = Command::new(BIN)
        .args(&args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let printed = String::from_utf8(out.stderr).unwrap();
    let documented = block("text").replace("/tmp", tmp);
    let tail = |t: &str| t.lines().skip(1).map(String::from).collect::<Vec<_>>();
    assert_eq!(
        tail(&printed),
        tail(&documented),
        "docs/reclassify.md's sample summary is stale: paste what the command prints"
    );
    assert!(printed.starts_with("reclassified examples/transactions.csv in "));
}

/// A messy history from `generate`: its unknown surfaces are rejected with their reason, in
/// row order, at one thread and at three, and every row is accounted for.
#[test]
fn a_messy_history_rejects_its_unknown_surfaces_and_accounts_for_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("messy.csv");
    let rows = 20_000u64;
    ok(&[
        "generate",
        "--rows",
        &rows.to_string(),
        "--seed",
        "4",
        "--unknown-surface-rate",
        "0.17",
        "--unknown-value-rate",
        "0.02",
        "-o",
        s(&input),
    ]);
    let mut rejects_by_threads = Vec::new();
    for threads in ["1", "3"] {
        let output = dir.path().join(format!("out-{threads}.csv"));
        let report = dir.path().join(format!("r-{threads}.json"));
        ok(&[
            "reclassify",
            s(&input),
            "-o",
            s(&output),
            "--report",
            s(&report),
            "--threads",
            threads,
            "--chunk-bytes",
            "65536",
            "-q",
        ]);
        let r: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
        let (_, out) = read_csv(&output);
        let (header, rejected) = read_csv(&PathBuf::from(format!("{}.rejects.csv", s(&output))));
        assert_eq!(header, ["row", "line", "reason", "record"]);
        assert_eq!(r["rows_in"], rows);
        assert_eq!(rows, out.len() as u64 + rejected.len() as u64);
        assert_eq!(r["rows_rejected"], rejected.len() as u64);
        // 17% unknown surfaces and 0.5% malformed rows, with a standard deviation of 0.3%.
        let share = rejected.len() as f64 / rows as f64;
        assert!((0.16..0.19).contains(&share), "{share}");
        let numbers: Vec<u64> = rejected.iter().map(|r| r[0].parse().unwrap()).collect();
        assert!(
            numbers.windows(2).all(|w| w[0] < w[1]),
            "rejects in row order"
        );
        let unknown_surface = rejected
            .iter()
            .filter(|r| r[2].starts_with("unknown surface `") && r[2].contains("` for provider "))
            .count() as f64;
        assert!(unknown_surface / rows as f64 > 0.16, "{unknown_surface}");
        for r in &rejected {
            // The row number names the row: line = row + 1 (the header), no quoted newlines.
            assert_eq!(
                r[1].parse::<u64>().unwrap(),
                r[0].parse::<u64>().unwrap() + 1
            );
        }
        rejects_by_threads.push(rejected);
    }
    assert_eq!(rejects_by_threads[0], rejects_by_threads[1]);
    let bad = run(&["generate", "--rows", "1", "--unknown-surface-rate", "1.5"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not a rate from 0 to 1"));
}

/// A cell of the rejects file as its documentation says: quoted, quotes doubled, when it holds
/// a `,`, a `"` or a line break. (No cell of a generated history starts like a formula: checked.)
fn rejects_cell(v: &[u8]) -> Vec<u8> {
    assert!(!matches!(
        v.first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    ));
    if !v.iter().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        return v.to_vec();
    }
    let mut c = vec![b'"'];
    for &b in v {
        c.push(b);
        if b == b'"' {
            c.push(b'"');
        }
    }
    c.push(b'"');
    c
}

/// The rejects file of a messy history, byte for byte, against one written the long way, row
/// by row: the reason from `Batch::explain` on the row alone (or the field count), the record
/// the input line, quoted by the documented rule. The workers cache reason cells and skip the
/// quoting tests whose answer they know; they must still write exactly this.
#[test]
fn a_messy_historys_rejects_file_is_the_one_written_the_long_way() {
    use psp_status::batch::{classify_columns, Batch, Given, Names, Outcome, Signal};
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("messy.csv");
    ok(&[
        "generate",
        "--rows",
        "30000",
        "--seed",
        "6",
        "--unknown-surface-rate",
        "0.17",
        "--unknown-value-rate",
        "0.02",
        "-o",
        s(&input),
    ]);
    let text = std::fs::read(&input).unwrap();
    let lines: Vec<&[u8]> = text
        .strip_suffix(b"\n")
        .unwrap()
        .split(|&b| b == b'\n')
        .collect();
    let fields = |line: &[u8]| -> Vec<Vec<u8>> {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(line);
        let rec = r.byte_records().next().unwrap().unwrap();
        rec.iter().map(<[u8]>::to_vec).collect()
    };
    let header = fields(lines[0]);
    let col = |n: &str| header.iter().position(|h| h == n.as_bytes()).unwrap();
    let (p, sf, raw) = (col("provider"), col("surface"), col("raw"));
    let mut want = b"row,line,reason,record\n".to_vec();
    let (mut by_kernel, mut quoted) = (0, 0);
    for (k, line) in lines.iter().enumerate().skip(1) {
        let f = fields(line);
        let reason = if f.len() != header.len() {
            format!(
                "wrong number of fields: {}, the header has {}",
                f.len(),
                header.len()
            )
        } else {
            let pv: Vec<&[u8]> = vec![&f[p]];
            let sv: Vec<&[u8]> = vec![&f[sf]];
            let rv: Vec<&[u8]> = vec![&f[raw]];
            let b = Batch {
                provider: Given::Column(&pv[..]),
                signals: vec![Signal {
                    surface: Given::Column(&sv[..]),
                    raw: &rv[..],
                    only: None,
                }],
                empty_is_absent: true,
            };
            let mut out = Vec::new();
            classify_columns(&b, &mut Names::default(), &mut out);
            match out[0] {
                Outcome::Classified(_) => continue,
                Outcome::Rejected(r) => {
                    by_kernel += 1;
                    b.explain(0, r)
                }
            }
        };
        quoted += usize::from(line.contains(&b'"'));
        want.extend_from_slice(format!("{k},{},", k + 1).as_bytes());
        want.extend_from_slice(&rejects_cell(reason.as_bytes()));
        want.push(b',');
        want.extend_from_slice(&rejects_cell(line));
        want.push(b'\n');
    }
    // The file exercises both record paths: with quotes and without, by the kernel and not.
    assert!(by_kernel > 4000 && quoted > 5, "{by_kernel} {quoted}");
    for threads in ["1", "2"] {
        let output = dir.path().join(format!("out-{threads}.csv"));
        ok(&[
            "reclassify",
            s(&input),
            "-o",
            s(&output),
            "--threads",
            threads,
            "--chunk-bytes",
            "65536",
            "-q",
        ]);
        let got = std::fs::read(format!("{}.rejects.csv", s(&output))).unwrap();
        if got != want {
            let at = got.iter().zip(&want).position(|(a, b)| a != b);
            let at = at.unwrap_or(got.len().min(want.len()));
            let around = |t: &[u8]| {
                String::from_utf8_lossy(&t[at.saturating_sub(80)..(at + 80).min(t.len())])
                    .into_owned()
            };
            panic!(
                "--threads {threads}: the rejects file differs at byte {at}:\n{}\nwanted:\n{}",
                around(&got),
                around(&want)
            );
        }
    }
}
