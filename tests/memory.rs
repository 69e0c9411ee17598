//! Peak memory of `reclassify` on huge records, from the child's own rusage (wait4): under the
//! documented bound (`--memory-limit`, 256 MiB by default) whatever the thread count. Its own
//! test binary, so no other test's children run beside the measured one.

#![cfg(unix)]

use std::io::Write;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_psp-status");

/// Runs the command and returns (exit code, peak resident memory in bytes).
// wait4 reaps the child (Child::wait would find nothing left to wait for).
#[allow(clippy::zombie_processes)]
fn peak_rss(cmd: &mut Command) -> (i32, u64) {
    let child = cmd.spawn().unwrap();
    let mut status = 0;
    // SAFETY: a zeroed rusage is valid; wait4 on our own child's pid.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as i32);
    assert!(libc::WIFEXITED(status));
    // ru_maxrss is in KiB on Linux.
    (libc::WEXITSTATUS(status), usage.ru_maxrss as u64 * 1024)
}

#[test]
fn sixty_megabyte_records_stay_under_the_memory_bound_at_2_and_4_threads() {
    // In memory (tmpfs) when the machine has one: the test measures the program, not the disk.
    let shm = std::path::Path::new("/dev/shm");
    let dir = if shm.is_dir() {
        tempfile::tempdir_in(shm).unwrap()
    } else {
        tempfile::tempdir().unwrap()
    };
    let input = dir.path().join("big.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&input).unwrap());
    f.write_all(b"provider,surface,raw,notes\n").unwrap();
    // 8 records, each with a quoted cell of 60 MB (line breaks and escaped quotes inside).
    let mut line = "x".repeat(97);
    line.push_str("\"\"\n");
    const RECORD: usize = 60_000_000;
    for i in 0..8 {
        f.write_all(format!("alma,payment.state,paid,\"{i}").as_bytes())
            .unwrap();
        let mut written = 0;
        while written < RECORD {
            f.write_all(line.as_bytes()).unwrap();
            written += line.len();
        }
        f.write_all(b"\"\n").unwrap();
    }
    f.flush().unwrap();
    drop(f);
    let bound: u64 = 256 << 20;
    for threads in ["2", "4"] {
        let out = dir.path().join(format!("out{threads}.csv"));
        let report = dir.path().join(format!("r{threads}.json"));
        let (code, peak) = peak_rss(
            Command::new(BIN)
                .arg("reclassify")
                .arg(&input)
                .arg("-o")
                .arg(&out)
                .arg("--report")
                .arg(&report)
                .args(["-q", "--threads", threads]),
        );
        assert_eq!(code, 0);
        let r: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
        assert_eq!(r["rows_in"], 8);
        assert_eq!(r["rows_out"], 8);
        eprintln!("--threads {threads}: peak RSS {} MiB", peak >> 20);
        assert!(
            peak < bound,
            "--threads {threads}: peak RSS {} MiB over the {} MiB bound",
            peak >> 20,
            bound >> 20
        );
        std::fs::remove_file(&out).unwrap();
    }
}
