#!/usr/bin/env bash
# BENCHMARKS.md, "Line endings": a 64 MB CSV with LF line endings against its CR-only twin
# (the same bytes, every `\n` turned into `\r`), `reclassify` end to end, interleaved runs,
# medians. Files in /dev/shm (BENCH_DIR to change), removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
runs="${RUNS:-5}"
dir="$(mktemp -d "${BENCH_DIR:-/dev/shm}/psp-line-endings.XXXXXX")"
trap 'rm -rf "$dir"' EXIT
bin=target/release/psp-status
# 766,000 rows of about 83.5 bytes: 64 MB.
"$bin" generate --rows 766000 --seed 1 -o "$dir/lf.csv"
tr '\n' '\r' < "$dir/lf.csv" > "$dir/cr.csv"
ls -l "$dir/lf.csv" "$dir/cr.csv" | awk '{print $5, $9}'
python3 - "$bin" "$dir" "$runs" <<'PY'
import statistics, subprocess, sys, time
bin, d, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
times = {}
for _ in range(runs):
    for threads in ("1", "2"):
        for name in ("lf", "cr"):
            out = f"{d}/out-{name}.csv"
            t = time.perf_counter()
            subprocess.run([bin, "reclassify", f"{d}/{name}.csv", "-o", out, "-q",
                            "--threads", threads], check=True)
            times.setdefault((threads, name), []).append(time.perf_counter() - t)
            subprocess.run(["rm", "-f", out, out + ".rejects.csv"], check=True)
for threads in ("1", "2"):
    lf = statistics.median(times[(threads, "lf")])
    cr = statistics.median(times[(threads, "cr")])
    print(f"--threads {threads}: LF {lf:.3f} s, CR-only {cr:.3f} s, CR/LF {cr / lf:.2f}")
PY
