#!/usr/bin/env python3
"""BENCHMARKS.md, "Messy history": `reclassify` against DuckDB and Polars doing the join.

Generates a messy history (`psp-status generate --rows N --seed 1 --unknown-surface-rate 0.17
--unknown-value-rate 0.02`: 17% of rows name a surface their provider does not have, 2% carry
a value no table knows, 0.5% are malformed), then times, in interleaved rounds, each reading
that CSV and writing a CSV with the input's columns plus state, code, operation, matched and
table_version:

- `psp-status reclassify IN -o OUT --threads 1` and `--threads 2` (whole process, wall time);
- DuckDB: `COPY (SELECT h.*, m.* … FROM read_csv(IN) h LEFT JOIN map m ON provider, surface,
  raw) TO OUT` with every column read as text and malformed rows skipped;
- Polars: `scan_csv(IN).join(map, how="left", maintain_order="left").sink_csv(OUT)`, the
  same.

The mapping table is every exact entry of the tables (`psp-status export --format csv`). The
join knows no rules, defaults, case folding or rejects, so it does less than reclassify. The
peers are timed inside their Python process (the query only: imports and start-up excluded,
which favours them); reclassify as a whole process. Medians of the rounds; the ratios are what
to read on a shared machine.

DuckDB and Polars are installed (pinned) into their own virtual environment,
target/bench-venv, on the first run. Files go to a scratch folder in /dev/shm (--dir), removed
at the end.

    scripts/bench-messy.py                    # 2,000,000 rows, 5 rounds
    scripts/bench-messy.py --rows 200000 --rounds 3
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / "target" / "bench-venv"
PINS = ["duckdb==2.0.1", "polars==2.1.0"]
COLUMNS = ["state", "code", "operation", "matched", "table_version"]

DUCKDB = """
import resource, sys, time, duckdb
src, mapping, out = sys.argv[1:4]
cpu = lambda: (lambda r: r.ru_utime + r.ru_stime)(resource.getrusage(resource.RUSAGE_SELF))
t, c = time.perf_counter(), cpu()
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
con.execute(f\"\"\"
COPY (
  SELECT h.*, m.state, m.code, m.operation, m.matched, m.table_version
  FROM read_csv('{src}', all_varchar = true, ignore_errors = true, header = true) h
  LEFT JOIN read_csv('{mapping}', all_varchar = true, header = true) m
    ON h.provider = m.provider AND h.surface = m.surface AND h.raw = m.raw
) TO '{out}' (HEADER, DELIMITER ',')
\"\"\")
print(time.perf_counter() - t, cpu() - c)
"""

POLARS = """
import resource, sys, time, polars as pl
src, mapping, out = sys.argv[1:4]
cpu = lambda: (lambda r: r.ru_utime + r.ru_stime)(resource.getrusage(resource.RUSAGE_SELF))
t, c = time.perf_counter(), cpu()
m = pl.scan_csv(mapping, infer_schema=False)
h = pl.scan_csv(src, infer_schema=False, truncate_ragged_lines=True)
h.join(m, on=["provider", "surface", "raw"], how="left", maintain_order="left").sink_csv(out)
print(time.perf_counter() - t, cpu() - c)
"""


def venv_python() -> Path:
    """The bench venv's python, with DuckDB and Polars at the pinned versions."""
    py = VENV / "bin" / "python"
    check = "import duckdb, polars; print(duckdb.__version__, polars.__version__)"
    want = " ".join(p.split("==")[1] for p in PINS)
    if py.exists():
        got = subprocess.run(
            [py, "-c", check], check=False, capture_output=True, text=True
        )
        if got.returncode == 0 and got.stdout.strip() == want:
            return py
    subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    subprocess.run([py, "-m", "pip", "install", "-q", *PINS], check=True)
    return py


def mapping_table(cli: Path, path: Path) -> int:
    """Every exact entry, with the columns the join adds."""
    import csv

    text = subprocess.run(
        [cli, "export", "--format", "csv"], check=True, capture_output=True, text=True
    ).stdout
    rows = [r for r in csv.DictReader(text.splitlines()) if r["match"] == "exact"]
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["provider", "surface", "raw", *COLUMNS])
        for r in rows:
            w.writerow(
                [
                    r["provider"],
                    r["surface"],
                    r["raw"],
                    r["state"],
                    r["code"],
                    r["operation"],
                    "exact",
                    r["table_version"],
                ]
            )
    return len(rows)


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=2_000_000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--dir", default="/dev/shm")
    a = ap.parse_args()

    subprocess.run(
        ["cargo", "build", "--release", "--quiet", "--bin", "psp-status"],
        cwd=ROOT,
        check=True,
    )
    cli = ROOT / "target" / "release" / "psp-status"
    py = venv_python()
    tmp = Path(tempfile.mkdtemp(prefix="psp-messy.", dir=a.dir))
    try:
        src = tmp / "messy.csv"
        generate = [
            "generate",
            "--rows",
            str(a.rows),
            "--seed",
            "1",
            "--unknown-surface-rate",
            "0.17",
            "--unknown-value-rate",
            "0.02",
        ]
        subprocess.run([cli, *generate, "-o", src], check=True)
        mapping = tmp / "map.csv"
        entries = mapping_table(cli, mapping)
        print(
            f"psp-status {' '.join(generate)}: {src.stat().st_size:,} bytes; "
            f"mapping table: {entries:,} exact entries"
        )
        print(
            f"CPU: {cpu_model()}, {os.cpu_count()} cores; load at start: "
            f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}"
        )

        out = tmp / "out.csv"
        wall: dict[str, list[float]] = {}
        cpu: dict[str, list[float]] = {}

        def reclassify(threads: str) -> None:
            t = time.perf_counter()
            p = subprocess.Popen(
                [cli, "reclassify", src, "-o", out, "-q", "--threads", threads]
            )
            _, status, ru = os.wait4(p.pid, 0)
            assert status == 0, status
            name = f"reclassify --threads {threads}"
            wall.setdefault(name, []).append(time.perf_counter() - t)
            cpu.setdefault(name, []).append(ru.ru_utime + ru.ru_stime)

        def peer(name: str, code: str) -> None:
            p = subprocess.run(
                [py, "-c", code, src, mapping, out],
                check=True,
                capture_output=True,
                text=True,
            )
            w, c = p.stdout.split()[-2:]
            wall.setdefault(name, []).append(float(w))
            cpu.setdefault(name, []).append(float(c))

        runs = [
            lambda: reclassify("1"),
            lambda: reclassify("2"),
            lambda: peer("duckdb join", DUCKDB),
            lambda: peer("polars join", POLARS),
        ]
        names = ["reclassify --threads 1", "reclassify --threads 2", "duckdb", "polars"]
        for r in range(a.rounds):
            # Rotate the order each round, so no engine always follows the same one.
            order = list(range(r % len(runs), len(runs))) + list(range(r % len(runs)))
            for i in order:
                runs[i]()
                if r == 0:
                    # What each wrote: data rows (and rejects), to check they did the work.
                    counted = {
                        f.name: f.read_bytes().count(b"\n") - 1
                        for f in sorted(tmp.glob("out.csv*"))
                    }
                    print(f"  {names[i]} wrote {counted}")
                for f in tmp.glob("out.csv*"):
                    f.unlink()
        load = os.getloadavg()

        med = {k: statistics.median(v) for k, v in wall.items()}
        print(f"\nmedians of {a.rounds} interleaved rounds ({a.rows:,} rows)")
        for k, v in med.items():
            c = statistics.median(cpu[k])
            print(f"  {k:26} wall {v:7.3f} s (min {min(wall[k]):.3f}), CPU {c:.3f} s")
        mcpu = {k: statistics.median(v) for k, v in cpu.items()}
        fastest = min(med["duckdb join"], med["polars join"])
        one, two = med["reclassify --threads 1"], med["reclassify --threads 2"]
        print(
            f"\nwall: faster peer / reclassify --threads 2: {fastest / two:.2f}x (target >= 3)"
        )
        print(f"wall: faster peer / reclassify --threads 1: {fastest / one:.2f}x")
        print(f"wall: --threads 1 / --threads 2: {one / two:.2f}x (target >= 1.6)")
        least = min(mcpu["duckdb join"], mcpu["polars join"])
        print(
            f"CPU: least peer / reclassify --threads 2: "
            f"{least / mcpu['reclassify --threads 2']:.2f}x, --threads 1: "
            f"{least / mcpu['reclassify --threads 1']:.2f}x"
        )
        print(f"load at end: {' '.join(f'{x:.2f}' for x in load)}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
