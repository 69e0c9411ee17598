#!/usr/bin/env python3
"""Parquet → Parquet on a generated history: `psp-status reclassify` (default, and
`--keep-rejected`, which keeps every row as the join does and copies the input's column chunks)
against DuckDB doing the naive mapping-table join (exact entries only), same run, same file,
interleaved.

    scripts/setup-python && .venv/bin/python scripts/bench-parquet.py [--rows 2000000] [--reps 5]

The history (`psp-status generate`, shuffled, mixed providers) is written as Parquet by DuckDB
(every column a string, snappy: what a warehouse export looks like). Both sides read that file
and write a Parquet file with every input column plus the classification; the best of N
interleaved runs is compared (the median is printed too), wall time and CPU time (user + system of every thread: on a
loaded machine the wall time measures the scheduler as much as the work). Prints the CPU model,
the load average, both times, the ratios, and the row counts of both outputs."""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import tempfile
import time
from statistics import median
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]

JOIN = """
COPY (
  SELECT h.*, e.state, e.code, e.operation
  FROM read_parquet('{src}') h LEFT JOIN psp_entries e
    ON e.provider = h.provider AND e.surface = h.surface AND e.raw = h.raw
) TO '{dst}' (FORMAT parquet)
"""


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=2_000_000)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    a = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "psp-status"], cwd=ROOT, check=True)
    exe = ROOT / "target" / "release" / "psp-status"
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as d:
        hist_csv = Path(d) / "history.csv"
        hist = Path(d) / "history.parquet"
        subprocess.run([exe, "generate", "--rows", str(a.rows), "--seed", "42", "-o", hist_csv], check=True)
        script = subprocess.run([exe, "export", "--format", "sql", "--dialect", "duckdb"], check=True,
                                capture_output=True, text=True).stdout
        con = duckdb.connect()
        con.execute(f"SET threads = {a.threads}")
        con.execute(script)
        con.execute(f"COPY (FROM read_csv('{hist_csv}', all_varchar = true, ignore_errors = true)) "
                    f"TO '{hist}' (FORMAT parquet)")
        hist_csv.unlink()
        n = con.execute(f"SELECT count(*) FROM read_parquet('{hist}')").fetchone()[0]
        size = hist.stat().st_size
        ours, kept, theirs = Path(d) / "ours.parquet", Path(d) / "kept.parquet", Path(d) / "duckdb.parquet"
        names = ["psp-status", "psp-status --keep-rejected", "duckdb join"]
        times: dict[str, list[float]] = {n: [] for n in names}
        # CPU seconds (user + system, every thread): what a run costs whatever the load.
        cpu: dict[str, list[float]] = {n: [] for n in names}

        def used(who: int) -> float:
            r = resource.getrusage(who)
            return r.ru_utime + r.ru_stime

        for _ in range(a.reps):
            c, t = used(resource.RUSAGE_CHILDREN), time.perf_counter()
            subprocess.run([exe, "reclassify", hist, "-o", ours, "-q", "--threads", str(a.threads)], check=True)
            times["psp-status"].append(time.perf_counter() - t)
            cpu["psp-status"].append(used(resource.RUSAGE_CHILDREN) - c)
            c, t = used(resource.RUSAGE_CHILDREN), time.perf_counter()
            subprocess.run([exe, "reclassify", hist, "-o", kept, "-q", "--keep-rejected",
                            "--threads", str(a.threads)], check=True)
            times["psp-status --keep-rejected"].append(time.perf_counter() - t)
            cpu["psp-status --keep-rejected"].append(used(resource.RUSAGE_CHILDREN) - c)
            c, t = used(resource.RUSAGE_SELF), time.perf_counter()
            con.execute(JOIN.format(src=hist, dst=theirs))
            times["duckdb join"].append(time.perf_counter() - t)
            cpu["duckdb join"].append(used(resource.RUSAGE_SELF) - c)
        rows_ours = con.execute(f"SELECT count(*) FROM read_parquet('{ours}')").fetchone()[0]
        rows_kept, kept_rejected = con.execute(
            f"SELECT count(*), count(reject) FROM read_parquet('{kept}')").fetchone()
        rows_theirs = con.execute(f"SELECT count(*) FROM read_parquet('{theirs}')").fetchone()[0]
    print(f"DuckDB {duckdb.__version__}, {n} rows ({size / 1e6:.1f} MB Parquet), {a.threads} threads, "
          f"best of {a.reps}, interleaved")
    print(f"CPU: {cpu_model()}; load average before: {load_before}, after: {os.getloadavg()}")
    for name, ts in times.items():
        print(f"  {name:<27} best {min(ts):.3f} s wall, {min(cpu[name]):.3f} s CPU; "
              f"median {median(ts):.3f} s wall, {median(cpu[name]):.3f} s CPU  "
              f"(wall: {' '.join(f'{t:.3f}' for t in ts)})")
    for name in names[:2]:
        print(f"  ratio duckdb join / {name}: best wall "
              f"{min(times['duckdb join']) / min(times[name]):.2f}x, CPU "
              f"{min(cpu['duckdb join']) / min(cpu[name]):.2f}x; median wall "
              f"{median(times['duckdb join']) / median(times[name]):.2f}x, CPU "
              f"{median(cpu['duckdb join']) / median(cpu[name]):.2f}x")
    print(f"  rows written: psp-status {rows_ours} (the rest in its rejects file), "
          f"--keep-rejected {rows_kept} ({kept_rejected} with a reject reason), duckdb join {rows_theirs}")


if __name__ == "__main__":
    main()
