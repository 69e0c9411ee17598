#!/usr/bin/env python3
"""DuckDB on a generated history: classification through the export (psp_classify) against
the naive mapping-table join (exact entries only), same run, same data, interleaved.

    .venv/bin/python scripts/bench-sql.py [--rows 2000000] [--reps 5]

Both queries read the same in-memory table and aggregate state/code/operation (so neither
pays for writing output). The queries run in rounds, each round in a rotated order so that no
query always runs first; each round gives a ratio to the naive join of the same round. Prints
the CPU model, the load average before and after, each query's best and median time, the
median and range of the per-round ratios, and how many rows the naive join leaves unmapped
that psp_classify maps (what the join gets wrong)."""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]

NAIVE = """
SELECT count(*), count(e.state), sum(hash(e.state, e.code, e.operation))
FROM history h LEFT JOIN psp_entries e
  ON e.provider = h.provider AND e.surface = h.surface AND e.raw = h.raw
"""
EXPORT = """
SELECT count(*), count(c.state), sum(hash(c.state, c.code, c.operation))
FROM (SELECT psp_classify(provider, surface, raw) AS c FROM history)
"""

# The table macro reads every column of the table it is given: the same three columns the
# naive join reads (a view), so both read the same input.
TABLE_MACRO = """
SELECT count(*), count(classification.state),
       sum(hash(classification.state, classification.code, classification.operation))
FROM psp_classify_table('history3')
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
    load_before = os.getloadavg()
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "psp-status"], cwd=ROOT, check=True)
    exe = ROOT / "target" / "release" / "psp-status"
    with tempfile.TemporaryDirectory() as d:
        hist = Path(d) / "history.csv"
        subprocess.run([exe, "generate", "--rows", str(a.rows), "--seed", "42", "-o", hist], check=True)
        script = subprocess.run([exe, "export", "--format", "sql", "--dialect", "duckdb"], check=True,
                                capture_output=True, text=True).stdout
        con = duckdb.connect()
        con.execute(f"SET threads = {a.threads}")
        con.execute(script)
        con.execute(f"CREATE TABLE history AS FROM read_csv('{hist}', all_varchar = true, ignore_errors = true)")
        con.execute("CREATE VIEW history3 AS SELECT provider, surface, raw FROM history")
        n = con.execute("SELECT count(*) FROM history").fetchone()[0]
    # Shuffled input (the generator's rows are already in random order).
    queries = [("naive join", NAIVE), ("psp_classify", EXPORT), ("table macro", TABLE_MACRO)]
    times: dict[str, list[float]] = {name: [] for name, _ in queries}
    results = {}
    for rep in range(a.reps):
        k = rep % len(queries)
        for name, q in queries[k:] + queries[:k]:
            t = time.perf_counter()
            results[name] = con.execute(q).fetchone()
            times[name].append(time.perf_counter() - t)
    naive = min(times["naive join"])
    wrong = con.execute(
        "SELECT count(*) FROM (SELECT psp_classify(h.provider, h.surface, h.raw) AS c, e.state AS s, e.code AS k"
        " FROM history h LEFT JOIN psp_entries e ON e.provider = h.provider AND e.surface = h.surface AND e.raw = h.raw)"
        " WHERE c IS NOT NULL AND (s IS NULL AND c.matched <> 'unmapped' OR s IS DISTINCT FROM c.state AND s IS NOT NULL)"
    ).fetchone()[0]
    print(f"DuckDB {duckdb.__version__}, {n} rows, {a.threads} threads, {a.reps} rounds")
    print(f"CPU: {cpu_model()}; load average before: {load_before}, after: {os.getloadavg()}")
    for name, ts in times.items():
        print(
            f"  {name:<14} best {min(ts):.3f} s  median {statistics.median(ts):.3f} s"
            f"  (all: {' '.join(f'{t:.3f}' for t in ts)})"
        )
    for name, label in (("psp_classify", "psp_classify"), ("table macro", "psp_classify_table")):
        per_round = [t / j for t, j in zip(times[name], times["naive join"], strict=True)]
        print(
            f"  ratio {label} / naive join: best {min(times[name]) / naive:.2f}x,"
            f" per round median {statistics.median(per_round):.2f}x"
            f" (range {min(per_round):.2f}-{max(per_round):.2f}x)"
        )
    assert results["table macro"] == results["psp_classify"], "table macro and psp_classify differ"
    print(f"  rows the naive join leaves unmapped or gets wrong that psp_classify maps: {wrong} ({100 * wrong / n:.2f}%)")


if __name__ == "__main__":
    main()
