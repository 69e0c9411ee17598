//! End-to-end `psp-status reclassify` over a generated CSV (id, created_at, amount, currency,
//! provider, surface, raw): input file to output file, one and two classifying threads.
//!
//! Baselines in the same run:
//! - the csv crate alone reading the same file's byte records (the parser's ceiling);
//! - writing as many bytes as reclassify writes, to the same folder (the output device's
//!   ceiling: on this machine's virtual disk it is lower than the classifier's speed).
//!
//! Each output folder is measured: `/dev/shm` (tmpfs, memory: the program's own speed) when it
//! exists, and the system temporary folder (the disk).
//!
//! `cargo bench --bench reclassify` (10 million rows, about 800 MB; set PSP_BENCH_ROWS for a
//! smaller file). Not part of `cargo test`.

use criterion::{
    criterion_group, criterion_main, BatchSize, BenchmarkGroup, Criterion, Throughput,
};
use std::io::Write;
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

fn run_reclassify(input: &Path, output: &Path, threads: &str) {
    let status = Command::new(BIN)
        .arg("reclassify")
        .arg(input)
        .arg("-o")
        .arg(output)
        .args(["--threads", threads, "-q"])
        .status()
        .expect("psp-status reclassify runs");
    assert!(status.success());
}

/// Writes `len` bytes to `path` in 1 MiB blocks, as a plain buffered writer would.
fn write_bytes(path: &Path, len: u64) {
    let block = vec![b'x'; 1 << 20];
    let mut f = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path).unwrap());
    let mut left = len;
    while left > 0 {
        let n = left.min(block.len() as u64) as usize;
        f.write_all(&block[..n]).unwrap();
        left -= n as u64;
    }
    f.flush().unwrap();
}

fn bench_folder(
    group: &mut BenchmarkGroup<'_, criterion::measurement::WallTime>,
    input: &Path,
    label: &str,
    dir: &Path,
) {
    let output = dir.join("psp-status-bench-out.csv");
    run_reclassify(input, &output, "2");
    let out_len = std::fs::metadata(&output).expect("the output exists").len();
    let copy = dir.join("psp-status-bench-bytes.bin");
    // The previous iteration's file is deleted outside the timed part: freeing 1.3 GB of pages
    // is the file system's cost, not the program's.
    let clear = |path: &Path| {
        let _ = std::fs::remove_file(path);
    };
    group.bench_function(
        format!("{label}: write the output's bytes (baseline)"),
        |b| {
            b.iter_batched(
                || clear(&copy),
                |()| write_bytes(&copy, out_len),
                BatchSize::PerIteration,
            )
        },
    );
    let _ = std::fs::remove_file(&copy);
    for threads in ["1", "2"] {
        group.bench_function(format!("{label}: reclassify --threads {threads}"), |b| {
            b.iter_batched(
                || clear(&output),
                |()| run_reclassify(input, &output, threads),
                BatchSize::PerIteration,
            )
        });
    }
    let _ = std::fs::remove_file(&output);
}

fn reclassify(c: &mut Criterion) {
    let shm = Path::new("/dev/shm");
    let data = if shm.is_dir() {
        tempfile::tempdir_in(shm)
    } else {
        tempfile::tempdir()
    }
    .expect("a temporary directory");
    let input = input(data.path());
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
    if shm.is_dir() {
        bench_folder(&mut group, &input, "tmpfs", data.path());
    }
    let disk = tempfile::tempdir().expect("a temporary directory on disk");
    bench_folder(&mut group, &input, "disk", disk.path());
    group.finish();
}

criterion_group!(benches, reclassify);
criterion_main!(benches);
