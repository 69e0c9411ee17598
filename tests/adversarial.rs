//! The adversarial corpus of issue 9: inputs and faults a messy export or a failing disk brings,
//! each with its expected exit code and its rows in / out / rejected. The data-loss cases check
//! that the input and the previous run's outputs are byte-identical afterwards.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_psp-status");

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .output()
        .expect("the binary runs")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Every file of `dir` (hidden ones too) with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_file() || e.file_type().unwrap().is_symlink())
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let bytes = std::fs::read(e.path()).unwrap_or_default();
            (name, bytes)
        })
        .collect()
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// (rows in, out, rejected) from a run's report.
fn counts(report: &Path) -> (u64, u64, u64) {
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(report).unwrap()).unwrap();
    (
        r["rows_in"].as_u64().unwrap(),
        r["rows_out"].as_u64().unwrap(),
        r["rows_rejected"].as_u64().unwrap(),
    )
}

/// The rejects file's (row, line, reason) triples.
fn rejects(path: &Path) -> Vec<(u64, u64, String)> {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            (
                rec[0].parse().unwrap(),
                rec[1].parse().unwrap(),
                rec[2].to_string(),
            )
        })
        .collect()
}

const HEADER: &str = "provider,surface,raw\n";
const GOOD: &str = "alma,payment.state,paid\n";

/// A folder with an input and the outputs of a previous good run.
struct Scene {
    dir: tempfile::TempDir,
}

impl Scene {
    fn new(input: &[u8]) -> Scene {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("in.csv"), input).unwrap();
        let scene = Scene { dir };
        let out = run(&[
            "reclassify",
            s(&scene.p("in.csv")),
            "-o",
            s(&scene.p("out.csv")),
            "--report",
            s(&scene.p("r.json")),
            "-q",
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        scene
    }
    fn p(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

fn input_rows(n: usize) -> String {
    let mut t = String::from(HEADER);
    for _ in 0..n {
        t.push_str(GOOD);
    }
    t
}

#[test]
fn output_paths_that_clash_are_usage_errors_and_touch_nothing() {
    let scene = Scene::new(input_rows(50).as_bytes());
    let p = |n: &str| scene.p(n).to_str().unwrap().to_string();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(scene.p("in.csv"), scene.p("link-to-in.csv")).unwrap();
        std::os::unix::fs::symlink(scene.p("new.csv"), scene.p("dangling.csv")).unwrap();
    }
    std::fs::hard_link(scene.p("in.csv"), scene.p("hard.csv")).unwrap();
    std::fs::create_dir(scene.p("sub")).unwrap();
    let respelt = format!("{}/sub/../in.csv", scene.dir.path().display());
    let before = snapshot(scene.dir.path());
    let cases: Vec<(&str, Vec<String>)> = vec![
        (
            "--rejects is the input",
            vec![
                p("in.csv"),
                "-o".into(),
                p("o.csv"),
                "--rejects".into(),
                p("in.csv"),
            ],
        ),
        (
            "--report is the input",
            vec![
                p("in.csv"),
                "-o".into(),
                p("o.csv"),
                "--report".into(),
                p("in.csv"),
            ],
        ),
        (
            "--rejects is -o",
            vec![
                p("in.csv"),
                "-o".into(),
                p("out.csv"),
                "--rejects".into(),
                p("out.csv"),
            ],
        ),
        (
            "--report is -o",
            vec![
                p("in.csv"),
                "-o".into(),
                p("out.csv"),
                "--report".into(),
                p("out.csv"),
            ],
        ),
        (
            "--report is --rejects",
            vec![
                p("in.csv"),
                "-o".into(),
                p("o.csv"),
                "--rejects".into(),
                p("r.json"),
                "--report".into(),
                p("r.json"),
            ],
        ),
        (
            "-o is a hard link to the input",
            vec![p("in.csv"), "-o".into(), p("hard.csv")],
        ),
        (
            "-o is the input spelt another way",
            vec![p("in.csv"), "-o".into(), respelt.clone()],
        ),
        (
            "-o is a directory",
            vec![p("in.csv"), "-o".into(), p("sub")],
        ),
        (
            "-o is a device",
            vec![p("in.csv"), "-o".into(), "/dev/null".into()],
        ),
        (
            "two new paths spelt differently",
            vec![
                p("in.csv"),
                "-o".into(),
                p("n.csv"),
                "--report".into(),
                format!("{}/sub/../n.csv", scene.dir.path().display()),
            ],
        ),
        (
            "--rejects is stdin's default beside the input, given as -o",
            vec![p("in.csv"), "-o".into(), p("in.csv.rejects.csv")],
        ),
        #[cfg(unix)]
        (
            "-o is a symlink to the input",
            vec![p("in.csv"), "-o".into(), p("link-to-in.csv")],
        ),
        #[cfg(unix)]
        (
            "--report is a dangling symlink to -o",
            vec![
                p("in.csv"),
                "-o".into(),
                p("new.csv"),
                "--report".into(),
                p("dangling.csv"),
            ],
        ),
    ];
    for (what, args) in cases {
        let mut full = vec!["reclassify".to_string()];
        full.extend(args);
        let refs: Vec<&str> = full.iter().map(String::as_str).collect();
        let out = run(&refs);
        // The default rejects name of this case is the -o's: a clash with nothing, so it runs.
        if what.starts_with("--rejects is stdin") {
            assert_eq!(out.status.code(), Some(0), "{what}");
            std::fs::remove_file(scene.p("in.csv.rejects.csv")).unwrap();
            std::fs::remove_file(scene.p("in.csv.rejects.csv.rejects.csv")).unwrap();
            continue;
        }
        assert_eq!(
            out.status.code(),
            Some(2),
            "{what}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(snapshot(scene.dir.path()), before, "{what}: files changed");
    }
}

#[test]
fn an_unterminated_quote_hides_no_row() {
    // Row 2 opens a quote that never closes.
    let mut text = String::from(HEADER);
    text.push_str(GOOD);
    text.push_str("alma,payment.state,\"paid\n");
    for _ in 0..5 {
        text.push_str(GOOD);
    }
    let scene = Scene::new(text.as_bytes());
    assert_eq!(counts(&scene.p("r.json")), (7, 6, 1));
    let r = rejects(&scene.p("out.csv.rejects.csv"));
    assert_eq!((r[0].0, r[0].1), (2, 3));
    assert!(r[0].2.contains("never closes"), "{}", r[0].2);

    // At row 50,000 of 100,000, with chunks far smaller than the rest of the file.
    let mut text = String::from(HEADER);
    for i in 1..=100_000 {
        if i == 50_000 {
            text.push_str("alma,payment.state,\"oops\n");
        } else {
            text.push_str(GOOD);
        }
    }
    for threads in ["1", "2"] {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.csv");
        std::fs::write(&input, &text).unwrap();
        let report = dir.path().join("r.json");
        let out = run(&[
            "reclassify",
            s(&input),
            "-o",
            s(&dir.path().join("o.csv")),
            "--report",
            s(&report),
            "-q",
            "--threads",
            threads,
            "--chunk-bytes",
            "65536",
        ]);
        assert_eq!(out.status.code(), Some(0));
        assert_eq!(counts(&report), (100_000, 99_999, 1));
        let r = rejects(&dir.path().join("o.csv.rejects.csv"));
        assert_eq!((r[0].0, r[0].1), (50_000, 50_001));
    }
}

/// A run's (exit code, counts, rejects, output bytes).
type Run = (i32, (u64, u64, u64), Vec<(u64, u64, String)>, Vec<u8>);

/// Runs `input` (named `name`).
fn reclassify(name: &str, input: &[u8], extra: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, input).unwrap();
    let output = dir.path().join(format!("out-{name}"));
    let report = dir.path().join("r.json");
    let mut args = vec![
        "reclassify",
        s(&path),
        "-o",
        s(&output),
        "--report",
        s(&report),
        "-q",
    ];
    args.extend_from_slice(extra);
    let out = run(&args);
    let code = out.status.code().unwrap();
    assert_eq!(code, 0, "{name}: {}", String::from_utf8_lossy(&out.stderr));
    let rejects_path = dir.path().join(format!("out-{name}.rejects.csv"));
    (
        code,
        counts(&report),
        rejects(&rejects_path),
        std::fs::read(&output).unwrap(),
    )
}

#[test]
fn line_endings_lf_crlf_and_cr_only_give_the_same_rows_and_right_line_numbers() {
    let body = [
        "provider,surface,raw",
        "alma,payment.state,paid",
        "bad row",
        "alma,payment.state,\"scored_no\"",
        "",
        "acme,payment.state,paid",
        "alma,payment.state,\"two",
        "lines\"",
        "alma,payment.state,paid",
        "x",
    ];
    let mut results = Vec::new();
    for eol in ["\n", "\r\n", "\r"] {
        for threads in ["1", "2"] {
            let text = body.join(eol);
            let (code, c, r, out) = reclassify(
                "in.csv",
                text.as_bytes(),
                &["--threads", threads, "--chunk-bytes", "16"],
            );
            assert_eq!((code, c), (0, (7, 4, 3)), "{eol:?}");
            let lines: Vec<(u64, u64)> = r.iter().map(|x| (x.0, x.1)).collect();
            // Row 2 on line 3, row 4 on line 6 (after a blank line), row 7 on line 10 (after a
            // record of two lines).
            assert_eq!(lines, [(2, 3), (4, 6), (7, 10)], "{eol:?}");
            let rows = out
                .split(|b| *b == b'\n' || *b == b'\r')
                .filter(|l| !l.is_empty())
                .count();
            assert!(rows >= 5, "{eol:?}");
            results.push(r);
        }
    }
    assert!(results.windows(2).all(|w| w[0] == w[1]));
}

#[test]
fn a_record_over_the_size_limit_is_rejected_and_the_run_goes_on() {
    let mut text = String::from(HEADER);
    text.push_str(GOOD);
    // A quoted field of 300 KB over several lines, then one single line of 300 KB.
    text.push_str("alma,payment.state,\"");
    for _ in 0..3000 {
        text.push_str(&"x".repeat(99));
        text.push('\n');
    }
    text.push_str("\"\n");
    text.push_str(GOOD);
    text.push_str(&format!("alma,payment.state,{}\n", "y".repeat(300_000)));
    text.push_str(GOOD);
    for threads in ["1", "2"] {
        let (code, c, r, _) = reclassify(
            "in.csv",
            text.as_bytes(),
            &[
                "--threads",
                threads,
                "--chunk-bytes",
                "4096",
                "--max-record-bytes",
                "65536",
            ],
        );
        assert_eq!(code, 0);
        // The big quoted record is cut after its first line: its other 3,000 lines are read as
        // records of their own (rejected: one field), so no row is lost or invented silently.
        let (rows_in, out, rejected) = c;
        assert_eq!(rows_in, out + rejected);
        assert_eq!(out, 3);
        assert_eq!(r[0].0, 2);
        assert_eq!(r[0].1, 3);
        assert!(
            r[0].2.starts_with("record longer than the limit"),
            "{}",
            r[0].2
        );
        let long = r
            .iter()
            .find(|x| x.1 == 3 + 3000 + 2)
            .expect("the long line is rejected");
        assert!(
            long.2.starts_with("record longer than the limit"),
            "{long:?}"
        );
    }
}

#[test]
fn json_lines_with_a_bom_and_cr_only_lines() {
    let text = "\u{feff}{\"provider\":\"alma\",\"surface\":\"payment.state\",\"raw\":\"paid\"}\r\
                {\"provider\":\"alma\",\"surface\":\"payment.state\",\"raw\":\"scored_no\"}\r\
                not json\r\
                {\"provider\":\"alma\",\"surface\":\"payment.state\",\"raw\":\"paid\"}";
    let (_, c, r, out) = reclassify("in.jsonl", text.as_bytes(), &[]);
    assert_eq!(c, (4, 3, 1));
    assert_eq!((r[0].0, r[0].1), (3, 3));
    let text = String::from_utf8(out).unwrap();
    assert_eq!(text.lines().count(), 3);
    for l in text.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert_eq!(v["provider"], "alma");
    }
    // A CSV header with a BOM finds its first column.
    let (_, c, _, _) = reclassify("in.csv", format!("\u{feff}{HEADER}{GOOD}").as_bytes(), &[]);
    assert_eq!(c, (1, 1, 0));
}

#[test]
fn formula_policy_for_every_csv_written() {
    let jsonl = "{\"provider\":\"alma\",\"surface\":\"payment.state\",\"raw\":\"=HYPERLINK(1)\",\"note\":\"+33 6\"}\n\
                 {\"provider\":\"alma\",\"surface\":\"payment.state\",\"raw\":\"paid\",\"note\":\"-12.50\"}\n\
                 {\"provider\":\"=cmd\",\"surface\":\"payment.state\",\"raw\":\"paid\",\"note\":\"x\"}\n";
    let csv_in = "provider,surface,raw,note\nalma,payment.state,=HYPERLINK(1),+33 6\nalma,payment.state,paid,-12.50\n=cmd,payment.state,paid,x\n";
    for (name, input) in [("in.jsonl", jsonl), ("in.csv", csv_in)] {
        // Default: the output keeps the values as they are.
        let (_, c, r, out) = reclassify(name, input.as_bytes(), &["--output-format", "csv"]);
        assert_eq!(c, (3, 2, 1), "{name}");
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("\nalma,payment.state,=HYPERLINK(1),+33 6,"),
            "{name}: {text}"
        );
        // The rejects file is always neutralised.
        assert!(r[0].2.contains("unknown provider"));
        // Opt-in: every formula cell gets a leading quote, numbers stay.
        let (_, _, _, out) = reclassify(
            name,
            input.as_bytes(),
            &["--output-format", "csv", "--neutralize-formulas"],
        );
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("\nalma,payment.state,'=HYPERLINK(1),'+33 6,"),
            "{name}: {text}"
        );
        assert!(
            text.contains("\nalma,payment.state,paid,-12.50,"),
            "{name}: {text}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::write(&input, csv_in).unwrap();
    let out = run(&[
        "reclassify",
        s(&input),
        "-o",
        s(&dir.path().join("o.csv")),
        "-q",
    ]);
    assert!(out.status.success());
    let rejected = std::fs::read_to_string(dir.path().join("o.csv.rejects.csv")).unwrap();
    assert!(
        rejected.contains(",\"'=cmd,payment.state,paid,x\""),
        "{rejected}"
    );
}

#[test]
fn usage_errors_duplicate_headers_absurd_threads() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::write(
        &input,
        "provider,surface,raw,surface\nalma,payment.state,paid,x\n",
    )
    .unwrap();
    let out = run(&["reclassify", s(&input), "-o", s(&dir.path().join("o.csv"))]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("`surface` twice (columns 2 and 4)"), "{err}");
    std::fs::write(&input, input_rows(3)).unwrap();
    for threads in ["100000", "0"] {
        let out = run(&[
            "reclassify",
            s(&input),
            "-o",
            s(&dir.path().join("o.csv")),
            "--threads",
            threads,
        ]);
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("--threads"));
    }
    assert_eq!(names(dir.path()), ["in.csv"]);
}

#[cfg(unix)]
#[test]
fn closed_or_full_stdout_is_a_failure_and_commits_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::write(&input, input_rows(10)).unwrap();
    // `>&-`: the shell closes stdout.
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("exec {BIN} reclassify '{}' -q >&-", s(&input)))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("stdout is closed"));
    // A full device: the last flush fails.
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = Command::new(BIN)
        .args(["reclassify", s(&input), "-q"])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(names(dir.path()), ["in.csv"], "no rejects file committed");
}

#[test]
fn control_characters_are_escaped_in_text_output() {
    let evil = "x\u{1b}]0;owned\u{7}\u{1b}[2J\u{9b}31m";
    let checks: Vec<Vec<String>> = vec![
        vec![
            "classify".into(),
            "alma".into(),
            "payment.state".into(),
            evil.into(),
        ],
        vec![
            "resolve".into(),
            "alma".into(),
            format!("payment.state={evil}"),
        ],
        vec![
            "classify".into(),
            evil.into(),
            "payment.state".into(),
            "x".into(),
        ],
        vec!["classify".into(), "alma".into(), evil.into(), "x".into()],
        vec![
            "explain".into(),
            "alma".into(),
            "payment.state".into(),
            evil.into(),
        ],
        vec!["validate".into(), format!("/nonexistent/{evil}")],
        vec!["reclassify".into(), "--format".into(), evil.into()],
        vec!["generate".into(), "--rows".into(), evil.into()],
    ];
    for args in checks {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run(&refs);
        let all = [out.stdout.as_slice(), out.stderr.as_slice()].concat();
        let text = String::from_utf8_lossy(&all);
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{args:?}: {text:?}"
        );
        // Escaped (clap strips escape sequences from its own messages first).
        assert!(text.contains("\\u{"), "{args:?}: {text:?}");
    }
    // A header listing (no such column) echoes the input's header names.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::write(
        &input,
        format!("provider,surface,{evil}\nalma,payment.state,x\n"),
    )
    .unwrap();
    let out = run(&["reclassify", s(&input), "-o", s(&dir.path().join("o.csv"))]);
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "{text:?}"
    );
}

#[cfg(unix)]
#[test]
fn final_files_get_the_umask_mode_and_temporaries_never_follow_a_symlink() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::write(&input, input_rows(3)).unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "keep me").unwrap();
    // The old fixed temporary name of `reference -o`, planted as a symlink.
    std::os::unix::fs::symlink(&victim, dir.path().join(".ref.md.tmp")).unwrap();
    for umask in ["022", "027", "077"] {
        let script = format!(
            "umask {umask}; {BIN} reclassify '{i}' -o '{d}/o{umask}.csv' --report '{d}/r{umask}.json' -q && {BIN} reference -o '{d}/ref.md'",
            i = s(&input),
            d = s(dir.path())
        );
        let out = Command::new("sh").arg("-c").arg(script).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let want = 0o666 & !u32::from_str_radix(umask, 8).unwrap();
        for f in [
            format!("o{umask}.csv"),
            format!("o{umask}.csv.rejects.csv"),
            format!("r{umask}.json"),
            "ref.md".to_string(),
        ] {
            let mode = std::fs::metadata(dir.path().join(&f))
                .unwrap()
                .permissions()
                .mode()
                & 0o777;
            assert_eq!(mode, want, "{f} under umask {umask}");
        }
    }
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    assert!(names(dir.path()).iter().all(|n| !n.contains("psp-status-")));
}

/// Starts `reclassify` reading a large generated input from stdin, writes most of it, and
/// waits until the run's temporaries exist; stdin stays open so the run cannot finish.
#[cfg(unix)]
fn started_run(dir: &Path, extra: &[&str]) -> (std::process::Child, std::process::ChildStdin) {
    let generated = run(&["generate", "--rows", "200000", "--seed", "5"]);
    assert!(generated.status.success());
    let mut args = vec![
        "reclassify",
        "-",
        "--format",
        "csv",
        "-q",
        "--threads",
        "2",
        "--chunk-bytes",
        "65536",
    ];
    args.extend_from_slice(extra);
    let mut child = Command::new(BIN)
        .args(&args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let data = &generated.stdout;
    stdin.write_all(&data[..data.len() - 1000]).unwrap();
    stdin.flush().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while names(dir)
        .iter()
        .filter(|n| n.ends_with(".partial"))
        .count()
        < 2
    {
        assert!(std::time::Instant::now() < deadline, "no temporaries");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    (child, stdin)
}

#[cfg(unix)]
#[test]
fn sigint_and_sigterm_remove_every_temporary() {
    use std::os::unix::process::ExitStatusExt;
    for sig in [libc::SIGINT, libc::SIGTERM] {
        let dir = tempfile::tempdir().unwrap();
        let (mut child, stdin) = started_run(dir.path(), &["-o", "out.csv", "--report", "r.json"]);
        // SAFETY: kill(2) on our own child's pid.
        assert_eq!(unsafe { libc::kill(child.id() as i32, sig) }, 0);
        let status = child.wait().unwrap();
        drop(stdin);
        assert_eq!(
            status.signal(),
            Some(sig),
            "ended by the signal ({status:?})"
        );
        assert_eq!(names(dir.path()), Vec::<String>::new(), "signal {sig}");
    }
}

#[cfg(unix)]
#[test]
fn when_the_last_step_fails_the_previous_outputs_stay_untouched() {
    let dir = tempfile::tempdir().unwrap();
    // A previous good run.
    let input = dir.path().join("in.csv");
    std::fs::write(&input, input_rows(20) + "bad\n").unwrap();
    std::fs::create_dir(dir.path().join("reports")).unwrap();
    let out = run(&[
        "reclassify",
        s(&input),
        "-o",
        s(&dir.path().join("out.csv")),
        "--report",
        s(&dir.path().join("reports/r.json")),
        "-q",
    ]);
    assert!(out.status.success());
    let before = snapshot(dir.path());
    // The new run: its report folder vanishes while it runs, so writing the report, the last
    // step, fails.
    let (child, stdin) = started_run(dir.path(), &["-o", "out.csv", "--report", "reports/r.json"]);
    std::fs::remove_dir_all(dir.path().join("reports")).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("r.json"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(snapshot(dir.path()), before);
    assert_eq!(
        names(dir.path()),
        ["in.csv", "out.csv", "out.csv.rejects.csv"]
    );
}

#[test]
fn the_smallest_memory_limit_with_records_near_its_record_limit_finishes() {
    // --memory-limit 64: records up to 16 MiB. Records of 12 MB in CSV and in JSON Lines read
    // into CSV (the costliest path) must not wait forever for memory.
    let big = "z".repeat(12_000_000);
    let csv_in =
        format!("{HEADER}alma,payment.state,\"{big}\"\n{GOOD}alma,payment.state,{big}\n{GOOD}");
    let line = |raw: &str| {
        format!("{{\"provider\":\"alma\",\"surface\":\"payment.state\",\"raw\":\"{raw}\"}}\n")
    };
    let jsonl_in = [line(&big), line("paid"), line(&big), line("paid")].concat();
    for (name, input, format) in [("in.csv", csv_in, "csv"), ("in.jsonl", jsonl_in, "csv")] {
        for threads in ["1", "4"] {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join(name);
            std::fs::write(&path, &input).unwrap();
            let report = dir.path().join("r.json");
            let mut child = Command::new(BIN)
                .args([
                    "reclassify",
                    s(&path),
                    "-o",
                    s(&dir.path().join("o")),
                    "--output-format",
                    format,
                    "--report",
                    s(&report),
                    "-q",
                    "--memory-limit",
                    "64",
                    "--threads",
                    threads,
                ])
                .spawn()
                .unwrap();
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
            let status = loop {
                if let Some(st) = child.try_wait().unwrap() {
                    break st;
                }
                if std::time::Instant::now() > deadline {
                    child.kill().unwrap();
                    panic!("{name} --threads {threads}: still running after 120 s");
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            };
            assert!(status.success(), "{name} --threads {threads}");
            assert_eq!(counts(&report), (4, 4, 0), "{name} --threads {threads}");
        }
    }
}
