"""PySpark local[2]: the helper's four routes (mapInArrow, scalar Arrow UDF, distinct + join,
the Java UDFs of psp-status-spark.jar) on generated rows agree row by row with
`psp-status reclassify` on the same rows."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from psp_status.spark import with_classification

ROWS = 120_000
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def jar() -> Path:
    """psp-status-spark.jar, built by scripts/build-jvm (the release engine; seconds once
    scripts/setup-python has built the package, which compiled the same library)."""
    out = subprocess.run(
        [ROOT / "scripts" / "build-jvm"],
        env={**os.environ, "PYTHON": sys.executable},
        check=True,
        capture_output=True,
        text=True,
    )
    return ROOT / out.stdout.strip()


@pytest.fixture(scope="module")
def spark(jar: Path) -> Iterator[Any]:
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("psp-status-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.memory", "2g")
        .config("spark.jars", str(jar))
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_spark_routes_agree_with_reclassify(spark: Any, cli: Path, tmp_path: Path) -> None:
    data = tmp_path / "in.csv"
    subprocess.run([cli, "generate", "--rows", str(ROWS), "--seed", "11", "-o", data], check=True)
    out = tmp_path / "out.csv"
    subprocess.run([cli, "reclassify", data, "-o", out, "--quiet"], check=True)

    # What reclassify says, by input row number (1 = first data row).
    with open(data, newline="", encoding="utf-8", errors="surrogateescape") as f:
        records = list(csv.reader(f))
    header, body = records[0], records[1:]
    rejected: dict[int, str] = {}
    with open(f"{out}.rejects.csv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            rejected[int(r["row"])] = r["reason"]
    with open(out, newline="", encoding="utf-8", errors="surrogateescape") as f:
        classified = list(csv.DictReader(f))
    want: dict[int, tuple[Any, ...]] = {}
    it = iter(classified)
    for n in range(1, len(body) + 1):
        if n in rejected:
            continue
        r = next(it)
        want[n] = (r["state"], r["code"], r["operation"] or None, r["matched"], None)
    assert next(it, None) is None

    # Spark gets every well-formed row (a record with the wrong number of fields is a CSV
    # reader's reject, before any classification).
    wellformed = [(n, rec) for n, rec in enumerate(body, 1) if len(rec) == len(header)]
    assert len(body) - len(wellformed) == sum(1 for r in rejected.values() if "fields" in r)
    table = pa.table(
        {"row": [n for n, _ in wellformed]}
        | {h: [rec[i] for _, rec in wellformed] for i, h in enumerate(header)}
    )
    df = spark.createDataFrame(table).repartition(4)
    # Every route: mapInArrow (the default), the scalar Arrow UDF, the kernel over the
    # distinct combinations joined back, and the Java UDFs.
    for method in ("map", "udf", "join", "jvm"):
        result = with_classification(df, method=method).orderBy("row").toArrow()
        assert result.num_rows == len(wellformed) >= 100_000
        assert result.column_names == [
            "row",
            *header,
            "state",
            "code",
            "operation",
            "matched",
            "reject",
        ]
        # Every input column comes back unchanged.
        assert result.select(["row", *header]).to_pydict() == table.to_pydict()

        cols = [
            result.column(c).to_pylist()
            for c in ("row", "state", "code", "operation", "matched", "reject")
        ]
        disagreements: list[tuple[Any, ...]] = []
        for n, *got in zip(*cols, strict=True):
            if n in rejected:
                if got[4] != rejected[n] or any(v is not None for v in got[:4]):
                    disagreements.append((n, got, rejected[n]))
            elif tuple(got) != want[n]:
                disagreements.append((n, got, want[n]))
        assert disagreements == [], (method, disagreements[:10])
    assert sum(1 for n, _ in wellformed if n in rejected) > 0  # unknown providers/surfaces


def test_the_python_examples_of_docs_spark_md_run(spark: Any) -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "spark.md").read_text()
    # Blocks may be indented (inside a list item): dedent them.
    blocks = [
        textwrap.dedent(m.group(2))
        for m in re.finditer(r"^( *)```python\n(.*?)^\1```", text, re.M | re.S)
    ]
    assert len(blocks) >= 2
    for code in blocks:
        exec(compile(code, "docs/spark.md", "exec"), {})


def test_routes_agree_on_nulls_odd_column_names_and_signals(spark: Any) -> None:
    # Null inputs, duplicated combinations, case variants, column names a naive reference
    # would misread (a dot, a backtick), a fixed provider and several signals.
    rows = [
        (1, "stripe", "decline_code", "do_not_honor"),
        (2, "stripe", "decline_code", "do_not_honor"),
        (3, "Stripe", "decline_code", "DO_NOT_HONOR"),
        (4, None, "decline_code", "do_not_honor"),
        (5, "stripe", None, "do_not_honor"),
        (6, "stripe", "decline_code", None),
        (7, None, None, None),
        (8, "checkout", "response_code", "20051"),
        (9, "checkout", "response_code", "020051"),
        (10, "alma", "payment.state", "scored_maybe"),
        (11, "acme", "payment.state", "paid"),
        (12, "stripe", "no.such.surface", "x"),
        (13, None, None, None),
    ]
    df = spark.createDataFrame(rows, ["row", "p.v", "s`x", "raw"]).repartition(3)
    args: dict[str, Any] = {"provider_column": "p.v", "surface_column": "s`x"}
    want = [
        tuple(r) for r in with_classification(df, method="map", **args).orderBy("row").collect()
    ]
    assert [r[:4] for r in want] == rows  # the input columns, unchanged
    for method in ("udf", "join", "jvm"):
        got = with_classification(df, method=method, **args).orderBy("row").collect()
        assert [tuple(r) for r in got] == want, method
    assert len(got) == len(rows)
    assert got[0]["code"] == got[1]["code"] is not None
    assert got[3]["reject"] is not None  # a null provider is a reject, not a lost row

    signals = spark.createDataFrame(
        [
            (1, "requires_payment_method", "insufficient_funds"),
            (2, "requires_payment_method", None),
            (3, None, None),
            (4, "succeeded", "do_not_honor"),
        ],
        ["row", "status", "decline"],
    )
    args = {
        "provider": "stripe",
        "signals": {"payment_intent.status": "status", "decline_code": "decline"},
    }
    want = [
        tuple(r)
        for r in with_classification(signals, method="map", **args).orderBy("row").collect()
    ]
    for method in ("udf", "join", "jvm"):
        got = with_classification(signals, method=method, **args).orderBy("row").collect()
        assert [tuple(r) for r in got] == want, method
    assert len({r["code"] for r in got}) > 1


def test_join_and_jvm_routes_compare_bytes_under_a_case_insensitive_collation(spark: Any) -> None:
    from pyspark.sql import functions as F

    # Stripe's decline codes are case-sensitive: DO_NOT_HONOR is not do_not_honor. A
    # UTF8_LCASE column says the two are equal; the join and JVM routes must not merge them
    # (the JVM route keeps its answers by the exact value).
    df = spark.createDataFrame(
        [(1, "do_not_honor"), (2, "DO_NOT_HONOR"), (3, "do_not_honor")], ["row", "raw"]
    ).withColumn("raw", F.collate("raw", "UTF8_LCASE"))
    args: dict[str, Any] = {"provider": "stripe", "surface": "decline_code"}
    want = [tuple(r) for r in with_classification(df, **args).orderBy("row").collect()]
    for method in ("join", "jvm"):
        got = [
            tuple(r)
            for r in with_classification(df, method=method, **args).orderBy("row").collect()
        ]
        assert got == want, method
        assert got[0][2:] == got[2][2:] != got[1][2:]


def test_jvm_route_refuses_what_it_cannot_read_as_the_other_routes_do(spark: Any) -> None:
    df = spark.createDataFrame([(1, "alma", "payment.state", 402)], ["row", "p", "s", "http"])
    with pytest.raises(ValueError, match="'http' is bigint"):
        with_classification(
            df, provider_column="p", surface_column="s", raw_column="http", method="jvm"
        )
    df = spark.createDataFrame([(1, "paid")], ["row", "raw"])
    for method in ("map", "jvm"):
        with pytest.raises(ValueError, match="acme"):
            with_classification(df, provider="acme", surface="payment.state", method=method)


def test_jvm_route_without_the_jar_says_how_to_get_it() -> None:
    from psp_status.spark import _jvm_names

    class NoJar:
        class _jvm:  # noqa: N801 - py4j's name
            class dev:  # noqa: N801
                class pspstatus:  # noqa: N801
                    class spark:  # noqa: N801
                        Native = None  # py4j hands a JavaPackage, which is not callable

    with pytest.raises(RuntimeError, match="psp-status-spark.jar"):
        _jvm_names(NoJar())


def test_the_jar_was_built_from_this_packages_tables(spark: Any) -> None:
    import psp_status

    native = spark._jvm.dev.pspstatus.spark.Native
    assert list(native.tableVersionAndDigest()) == [
        psp_status.TABLE_VERSION,
        psp_status.TABLE_DIGEST,
    ]
