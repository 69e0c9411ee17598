#!/usr/bin/env python3
"""The Spark route against a broadcast join, in one Spark session (local[N]).

    .venv/bin/python scripts/bench-spark.py --rows 2000000

Generates rows with `psp-status generate`, then times, each writing to Spark's `noop` sink:
  1. psp_status.spark.with_classification(method="udf"): a scalar Arrow UDF, the Rust kernel;
  2. the same with method="map": mapInArrow (every column makes the round trip);
  3. the same with method="join": the kernel over the distinct (provider, surface, raw), joined
     back with a broadcast join;
  4. the same with method="jvm": the Java UDFs of psp-status-spark.jar (built here with
     scripts/build-jvm), the engine called over JNI once per distinct input;
  5. a broadcast left join with a mapping table of every exact entry of the tables (from
     `psp-status reference --format json`), what a data team would write without the package.
Routes run interleaved, best of --repeat. Then counts the rows where each disagrees with the
engine (psp_status.classify_arrow on the same rows, in-process). Prints a JSON line.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=2_000_000)
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument(
        "--batch",
        type=int,
        default=10_000,
        help="spark.sql.execution.arrow.maxRecordsPerBatch (Spark's default: 10000)",
    )
    args = ap.parse_args()

    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    import psp_status
    import pyarrow as pa
    from psp_status.spark import with_classification
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    # Only generates the data and the mapping table: the debug build is enough.
    subprocess.run(["cargo", "build", "--quiet", "--bin", "psp-status"], cwd=ROOT, check=True)
    cli = ROOT / "target" / "debug" / "psp-status"
    jar = subprocess.run(
        [ROOT / "scripts" / "build-jvm"],
        env={**os.environ, "PYTHON": sys.executable},
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    tmp = Path(tempfile.mkdtemp())
    data = tmp / "in.csv"
    subprocess.run(
        [cli, "generate", "--rows", str(args.rows), "--seed", "5", "-o", data],
        check=True,
    )
    with open(data, newline="", encoding="utf-8", errors="replace") as f:
        records = list(csv.reader(f))
    shutil.rmtree(tmp)  # 160 MB at 2M rows: the rows are in memory now
    header = records[0]
    body = [r for r in records[1:] if len(r) == len(header)]
    table = pa.table({h: [r[i] for r in body] for i, h in enumerate(header)})
    table = table.append_column("row", pa.array(range(len(body)), pa.int64()))

    ref = json.loads(
        subprocess.run(
            [cli, "reference", "--format", "json"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    mapping = [
        (e["provider"], e["surface"], e["raw"], e["state"], e["code"], e["operation"])
        for p in ref["providers"]
        for s in p["surfaces"]
        for e in s["entries"]
        if e["kind"] == "exact"
    ]

    spark = (
        SparkSession.builder.master(f"local[{args.cores}]")
        .appName("psp-status-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "4g")
        .config("spark.jars", str(ROOT / jar))
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(args.batch))
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    df = spark.createDataFrame(table).repartition(args.cores * 2).cache()
    df.count()
    m = spark.createDataFrame(
        mapping, ["provider", "surface", "raw", "j_state", "j_code", "j_operation"]
    )

    def udf() -> object:
        return with_classification(df, method="udf")

    def mapped() -> object:
        return with_classification(df, method="map")

    def distinct() -> object:
        return with_classification(df, method="join")

    def jvm() -> object:
        return with_classification(df, method="jvm")

    def join() -> object:
        return df.join(F.broadcast(m), ["provider", "surface", "raw"], "left")

    routes = {"udf": udf, "map": mapped, "distinct": distinct, "jvm": jvm, "join": join}
    best = dict.fromkeys(routes, float("inf"))
    for _ in range(args.repeat):
        for name, make in routes.items():
            start = time.perf_counter()
            make().write.format("noop").mode("overwrite").save()  # type: ignore[attr-defined]
            best[name] = min(best[name], time.perf_counter() - start)

    engine = psp_status.classify_arrow(
        table.column("provider"),
        table.column("surface"),
        table.column("raw"),
        dictionary=False,
    )
    want = engine.column("code").to_pylist()
    got_udf = udf().orderBy("row").select("code").toArrow().column(0).to_pylist()  # type: ignore[attr-defined]
    got_map = mapped().orderBy("row").select("code").toArrow().column(0).to_pylist()  # type: ignore[attr-defined]
    got_distinct = distinct().orderBy("row").select("code").toArrow().column(0).to_pylist()  # type: ignore[attr-defined]
    got_jvm = jvm().orderBy("row").select("code").toArrow().column(0).to_pylist()  # type: ignore[attr-defined]
    got_join = join().orderBy("row").select("j_code").toArrow().column(0).to_pylist()  # type: ignore[attr-defined]
    # The join knows exact entries only: a row it cannot match is "UNMAPPED" to it.
    d_udf = sum(1 for a, b in zip(got_udf, want, strict=True) if a != b)
    d_map = sum(1 for a, b in zip(got_map, want, strict=True) if a != b)
    d_distinct = sum(1 for a, b in zip(got_distinct, want, strict=True) if a != b)
    d_jvm = sum(1 for a, b in zip(got_jvm, want, strict=True) if a != b)
    d_join = sum(
        1
        for a, b in zip(got_join, want, strict=True)
        if (a or ("UNMAPPED" if b is not None else None)) != b
    )
    spark.stop()
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    print(
        json.dumps(
            {
                "rows": len(body),
                "cores": args.cores,
                "cpu": cpu,
                "load": os.getloadavg()[0],
                "batch": args.batch,
                "udf_s": round(best["udf"], 2),
                "map_s": round(best["map"], 2),
                "distinct_join_s": round(best["distinct"], 2),
                "jvm_s": round(best["jvm"], 2),
                "broadcast_join_s": round(best["join"], 2),
                "udf_ratio": round(best["udf"] / best["join"], 2),
                "map_ratio": round(best["map"] / best["join"], 2),
                "distinct_join_ratio": round(best["distinct"] / best["join"], 2),
                "jvm_ratio": round(best["jvm"] / best["join"], 2),
                "udf_disagreements": d_udf,
                "map_disagreements": d_map,
                "distinct_join_disagreements": d_distinct,
                "jvm_disagreements": d_jvm,
                "join_disagreements": d_join,
                "join_disagreement_pct": round(100 * d_join / len(body), 2),
                "udf_ns_per_row_per_core": round(best["udf"] * args.cores * 1e9 / len(body), 1),
            }
        )
    )


if __name__ == "__main__":
    main()
