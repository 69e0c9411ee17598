#!/usr/bin/env bash
# BENCHMARKS.md, "Line endings": a 64 MB CSV with LF line endings against its CR-only twin
# (the same bytes, every `\n` turned into `\r`), `reclassify` end to end, interleaved runs,
# medians of wall and CPU time (user + system, from wait4: steadier on a shared machine).
# Files in /dev/shm (BENCH_DIR to change), removed at the end.
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
import os, statistics, subprocess, sys, time
bin, d, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
wall, cpu = {}, {}
for _ in range(runs):
    for threads in ("1", "2"):
        for name in ("lf", "cr"):
            out = f"{d}/out-{name}.csv"
            t = time.perf_counter()
            p = subprocess.Popen([bin, "reclassify", f"{d}/{name}.csv", "-o", out, "-q",
                                  "--threads", threads])
            _, status, ru = os.wait4(p.pid, 0)
            assert status == 0
            wall.setdefault((threads, name), []).append(time.perf_counter() - t)
            cpu.setdefault((threads, name), []).append(ru.ru_utime + ru.ru_stime)
            os.remove(out)
            os.remove(out + ".rejects.csv")
for threads in ("1", "2"):
    m = lambda t, n: statistics.median(t[(threads, n)])
    print(f"--threads {threads}: wall LF {m(wall, 'lf'):.3f} s, CR-only {m(wall, 'cr'):.3f} s "
          f"(CR/LF {m(wall, 'cr') / m(wall, 'lf'):.2f}); CPU LF {m(cpu, 'lf'):.3f} s, "
          f"CR-only {m(cpu, 'cr'):.3f} s (CR/LF {m(cpu, 'cr') / m(cpu, 'lf'):.2f})")
PY
