//! End-to-end `psp-status reclassify` over a generated CSV (id, created_at, amount, currency,
//! provider, surface, raw): input file to output file, one and two classifying threads, against
//! a baseline in the same run: the csv crate alone reading the same file's byte records.
//!
//! `cargo bench --bench reclassify` (10 million rows, about 800 MB; set PSP_BENCH_ROWS for a
//! smaller file). Not part of `cargo test`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_psp-status");

fn input(dir: &Path) -> PathBuf {
    let rows: u64 = std::env::var("PSP_BENCH_ROWS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(10_000_000);
    let path = dir.join("transactions.csv");
    let status = Command::new(BIN)
        .args(["generate", "--rows", &rows.to_string(), "--seed", "1", "-o"])
        .arg(&path)
        .status()
        .expect("psp-status generate runs");
    assert!(status.success());
    path
}

fn reclassify(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let input = input(dir.path());
    let output = dir.path().join("out.csv");
    let size = std::fs::metadata(&input).expect("the input exists").len();
    let mut group = c.benchmark_group("reclassify");
    group.throughput(Throughput::Bytes(size));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(30));
    group.bench_function("csv crate read only (baseline)", |b| {
        b.iter(|| {
            let mut r = csv::ReaderBuilder::new()
                .flexible(true)
                .from_path(&input)
                .expect("opens");
            let mut rec = csv::ByteRecord::new();
            let mut n = 0u64;
            while r.read_byte_record(&mut rec).expect("reads") {
                n += rec.len() as u64;
            }
            n
        })
    });
    for threads in ["1", "2"] {
        group.bench_function(format!("reclassify --threads {threads}"), |b| {
            b.iter(|| {
                let status = Command::new(BIN)
                    .arg("reclassify")
                    .arg(&input)
                    .arg("-o")
                    .arg(&output)
                    .args(["--threads", threads, "-q"])
                    .status()
                    .expect("psp-status reclassify runs");
                assert!(status.success());
            })
        });
    }
    group.finish();
}

criterion_group!(benches, reclassify);
criterion_main!(benches);
