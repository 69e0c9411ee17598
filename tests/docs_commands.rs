//! Every command shown in README.md, docs/support.md and docs/tables.md runs as shown, so the docs cannot go
//! stale: the lines of their `sh` blocks, and the `$ ` lines of their `console` blocks, whose
//! shown output lines (`...` elides) must appear in the real output, in order. Table versions
//! shown in the docs may lag behind the tables; they are compared as `<version>`.
//!
//! Commands run in a scratch directory holding copies of `mappings/`, `docs/` and the bundled
//! sample, so that nothing in the checkout is written; `/tmp/` in a command is that directory.

use std::path::Path;
use std::process::Command;

const DOCS: [&str; 3] = ["README.md", "docs/support.md", "docs/tables.md"];

/// Shell commands the docs use to prepare an edit (docs/tables.md copies and edits mappings/):
/// run as they are, and also before the console sessions that follow them.
const SETUP: [&str; 2] = ["cp", "sed"];

/// Commands the docs show that this test does not run, with why.
const NOT_RUN: [(&str, &str); 2] = [
    (
        "cargo install --path .",
        "installs into ~/.cargo/bin; the binary it builds is the one run here",
    ),
    ("scripts/test", "runs this test suite itself"),
];

/// One fenced block: its language and its lines.
fn blocks(text: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let mut current: Option<(String, Vec<String>)> = None;
    for line in text.lines() {
        if let Some(rest) = line.trim_start().strip_prefix("```") {
            match current.take() {
                Some(b) => out.push(b),
                None => current = Some((rest.trim().to_string(), Vec::new())),
            }
        } else if let Some((_, lines)) = current.as_mut() {
            lines.push(line.to_string());
        }
    }
    out
}

/// Splits a command line like a shell would for these docs: spaces, double and single quotes.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    let mut any = false;
    for ch in line.chars() {
        match (quote, ch) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => {
                quote = Some(ch);
                any = true;
            }
            (None, c) if c.is_whitespace() => {
                if any || !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
                any = false;
            }
            (None, c) => word.push(c),
        }
    }
    if any || !word.is_empty() {
        out.push(word);
    }
    out
}

/// A shell line without its trailing `# comment`.
fn strip_comment(line: &str) -> &str {
    match line.find(" #") {
        Some(i) => line[..i].trim(),
        None => line.trim(),
    }
}

/// Replaces every table version (`2026.11.21` or `2026.11.21.2`) by `<version>`.
fn normalize(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    let digits = |from: usize, n: usize| {
        from + n <= b.len() && b[from..from + n].iter().all(u8::is_ascii_digit)
    };
    while i < b.len() {
        if digits(i, 4)
            && b.get(i + 4) == Some(&b'.')
            && digits(i + 5, 2)
            && b.get(i + 7) == Some(&b'.')
            && digits(i + 8, 2)
        {
            let mut j = i + 10;
            if b.get(j) == Some(&b'.') && digits(j + 1, 1) {
                j += 1;
                while j < b.len() && b[j].is_ascii_digit() {
                    j += 1;
                }
            }
            out.push_str("<version>");
            i = j;
        } else {
            let c = text[i..].chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// Runs one documented command in `dir`; returns its stdout.
fn run(dir: &Path, line: &str, doc: &str) -> String {
    let line = line.replace("/tmp/", &format!("{}/", dir.display()));
    let w = words(&line);
    if SETUP.contains(&w[0].as_str()) {
        let out = Command::new(&w[0])
            .args(&w[1..])
            .current_dir(dir)
            .output()
            .expect("the command runs");
        assert!(out.status.success(), "{doc}: `{line}` failed: {out:?}");
        return String::from_utf8(out.stdout).expect("UTF-8 output");
    }
    let args: Vec<String> = match w.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["psp-status", ..] => w[1..].to_vec(),
        ["cargo", "run", "--release", "--", ..] => w[4..].to_vec(),
        ["cargo", "run", "--", ..] => w[3..].to_vec(),
        _ => panic!("{doc}: `{line}` is a command this test does not know how to run"),
    };
    let out = Command::new(env!("CARGO_BIN_EXE_psp-status"))
        .args(&args)
        .current_dir(dir)
        .output()
        .expect("the binary runs");
    assert!(
        out.status.success(),
        "{doc}: `{line}` exited with {:?}:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// The scratch directory: copies of mappings/, docs/ and the bundled sample.
fn scratch() -> tempfile::TempDir {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    for sub in ["mappings", "docs", "examples"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        for e in std::fs::read_dir(root.join(sub)).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_file() {
                std::fs::copy(e.path(), dir.path().join(sub).join(e.file_name())).unwrap();
            }
        }
    }
    dir
}

#[test]
fn every_documented_command_runs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = scratch();
    let mut ran = 0;
    for doc in DOCS {
        let text = std::fs::read_to_string(root.join(doc)).unwrap();
        for (lang, lines) in blocks(&text) {
            if lang != "sh" {
                continue;
            }
            for line in &lines {
                let cmd = strip_comment(line);
                if cmd.is_empty() || NOT_RUN.iter().any(|(c, _)| *c == cmd) {
                    continue;
                }
                run(dir.path(), cmd, doc);
                ran += 1;
            }
        }
    }
    assert!(ran >= 8, "only {ran} commands found in {DOCS:?}");
    // What `reference -o docs/...` wrote equals the committed files (the docs' own claim).
    for f in ["docs/reference.md", "docs/reference.html"] {
        assert_eq!(
            std::fs::read_to_string(dir.path().join(f)).unwrap(),
            std::fs::read_to_string(root.join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn every_documented_console_session_shows_real_output() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = scratch();
    let mut sessions = 0;
    for doc in DOCS {
        let text = std::fs::read_to_string(root.join(doc)).unwrap();
        for (lang, lines) in blocks(&text) {
            if lang == "sh" {
                for line in &lines {
                    let cmd = strip_comment(line);
                    if SETUP.iter().any(|s| cmd.starts_with(&format!("{s} "))) {
                        run(dir.path(), cmd, doc);
                    }
                }
            }
            if lang != "console" {
                continue;
            }
            let mut i = 0;
            while i < lines.len() {
                let Some(cmd) = lines[i].strip_prefix("$ ") else {
                    i += 1;
                    continue;
                };
                let mut shown = Vec::new();
                i += 1;
                while i < lines.len() && !lines[i].starts_with("$ ") {
                    shown.push(lines[i].clone());
                    i += 1;
                }
                let actual = normalize(&run(dir.path(), cmd, doc));
                let actual: Vec<&str> = actual.lines().collect();
                // Each shown line, in order; `...` inside a line elides part of it.
                let mut at = 0;
                for want in shown.iter().map(|l| normalize(l)) {
                    if want.trim() == "..." || want.trim().is_empty() {
                        continue;
                    }
                    let parts: Vec<&str> = want.split("...").collect();
                    let hit = actual[at..].iter().position(|got| {
                        let mut from = 0;
                        parts.iter().all(|p| match got[from..].find(p) {
                            Some(k) => {
                                from += k + p.len();
                                true
                            }
                            None => false,
                        })
                    });
                    match hit {
                        Some(k) => at += k + 1,
                        None => panic!(
                            "{doc}: `{cmd}` does not print {want:?} (in order); it prints:\n{}",
                            actual.join("\n")
                        ),
                    }
                }
                sessions += 1;
            }
        }
    }
    assert!(sessions >= 2, "{sessions}");
}

#[test]
fn the_test_reads_what_the_docs_show() {
    assert_eq!(
        words(r#"psp-status explain "do_not_honor " --json"#),
        ["psp-status", "explain", "do_not_honor ", "--json"]
    );
    assert_eq!(
        strip_comment("psp-status validate mappings   # exit 1"),
        "psp-status validate mappings"
    );
    assert_eq!(
        normalize("(tables 2026.11.21.2) x 2026.01.02"),
        "(tables <version>) x <version>"
    );
    let b = blocks("a\n```sh\nx\ny\n```\n```console\n$ z\n```\n");
    assert_eq!(b.len(), 2);
    assert_eq!(
        b[0],
        ("sh".to_string(), vec!["x".to_string(), "y".to_string()])
    );
}
