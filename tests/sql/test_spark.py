"""The Spark SQL export, run in Spark SQL (local, one session for the module), agrees with
`psp-status reclassify` on every row."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from conftest import (
    HISTORY,
    PAYMENTS,
    RESOLVED,
    ROOT,
    assert_coverage,
    compare,
    compare_resolved,
    run,
)

pyspark = pytest.importorskip("pyspark", reason="PySpark is not installed (requirements-test.txt)")


def statements(script: str) -> list[str]:
    """The script's statements: each ends with `;` at the end of a line."""
    body = "\n".join(ln for ln in script.splitlines() if not ln.startswith("--"))
    return [s.strip() for s in re.split(r";\n", body + "\n") if s.strip()]


@pytest.fixture(scope="module")
def spark(history: dict[str, Any]) -> Iterator[Any]:
    from pyspark.sql import SparkSession

    s = (
        SparkSession.builder.master("local[2]")
        .appName("psp-status-sql-export")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    s.sparkContext.setLogLevel("ERROR")
    for st in statements(run("export", "--format", "sql", "--dialect", "spark")):
        s.sql(st)
    s.createDataFrame(
        history["rows"], "id string, provider string, surface string, raw string"
    ).createOrReplaceTempView("history")
    yield s
    s.stop()


def test_every_row_agrees_with_the_engine(spark: Any, history: dict[str, Any]) -> None:
    res = spark.sql(
        "SELECT id, c.state, c.code, c.operation, c.matched, c.anchor, c IS NULL AS unknown"
        " FROM (SELECT id, psp_classify(provider, surface, raw) AS c FROM history)"
    ).collect()
    got = {r[0]: None if r[6] else (r[1], r[2], r[3], r[4]) for r in res}
    compare(history, got)
    anchors = {r[5] for r in res if r[5]}
    rule_anchors = {
        r[0]
        for r in spark.sql(
            "SELECT anchor FROM psp_rules UNION ALL SELECT anchor FROM psp_defaults"
        ).collect()
    }
    assert_coverage(anchors, rule_anchors)


def test_resolve_agrees_with_reclassify_signals(spark: Any, signals: list[dict[str, Any]]) -> None:
    matched: set[str] = set()
    for case in signals:
        n = len(case["surfaces"])
        cols = [f"sig_{i}" for i in range(n)]
        rows = [[v or None if i >= 2 else v for i, v in enumerate(r)] for r in case["rows"]]
        spark.createDataFrame(
            rows, ", ".join(["id string", "provider string", *(c + " string" for c in cols)])
        ).createOrReplaceTempView("signals")
        surfaces = ", ".join(f"'{s}'" for s in case["surfaces"])
        res = spark.sql(
            "SELECT id, c.state, c.code, c.operation, c.matched, c IS NULL FROM"
            f" (SELECT id, psp_resolve(provider, array({surfaces}), array({', '.join(cols)})) AS c"
            " FROM signals)"
        ).collect()
        got = {r[0]: None if r[5] else (r[1], r[2], r[3], r[4]) for r in res}
        compare_resolved(case, got)
        matched |= {r[4] for r in res if not r[5]}
    assert {"exact", "default", "unmapped"} <= matched


def test_resolve_null_for_unknown_provider_or_surface_or_no_signal(spark: Any) -> None:
    for call in [
        "psp_resolve('acme', array('decline_code'), array('x'))",
        "psp_resolve('stripe', array('decline_code', 'nope'), array('x', 'y'))",
        "psp_resolve('stripe', array('decline_code'), array(CAST(NULL AS STRING)))",
        "psp_resolve('stripe', array('decline_code', 'payment_intent.status'), array('', ''))",
    ]:
        assert spark.sql(f"SELECT {call} IS NULL").collect()[0][0], call
    # A missing raw (shorter array) is an absent signal, not an error.
    r = spark.sql(
        "SELECT psp_resolve('Stripe', array('payment_intent.status', 'decline_code'),"
        " array('succeeded'))"
    ).collect()[0][0]
    assert (r.state, r.code, r.matched) == ("SUCCESS", "SUCCEEDED", "exact")


DOC = (ROOT / "docs" / "sql.md").read_text()


def write_csv(path: Path, header: list[str], rows: Sequence[tuple[str | None, ...]]) -> None:
    with path.open("w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def test_docs_python_blocks_run(spark: Any, tmp_path: Path) -> None:
    """docs/sql.md's Spark blocks, run as shown (in this module's session, which the blocks'
    `getOrCreate()` returns), on the small history and payments tables of the docs' examples."""
    blocks = re.findall(r"```python\n(.*?)```", DOC, flags=re.S)
    assert len(blocks) == 2 and "psp_resolve" in blocks[1]
    (tmp_path / "psp_status.spark.sql").write_text(
        run("export", "--format", "sql", "--dialect", "spark")
    )
    write_csv(tmp_path / "history.csv", ["id", "provider", "surface", "raw"], HISTORY)
    write_csv(
        tmp_path / "payments.csv", ["id", "provider", "intent_status", "decline_code"], PAYMENTS
    )
    # The JVM resolves relative paths against its own working directory (where the session
    # started), not Python's: the blocks' file names are made absolute, nothing else changes.
    env: dict[str, Any] = {}
    for block in blocks:
        for name in [
            "psp_status.spark.sql",
            "history.csv",
            "payments.csv",
            "classified.parquet",
            "resolved.parquet",
        ]:
            block = block.replace(f'"{name}"', f'"{tmp_path / name}"')
        exec(block, env)
    classified = sorted(
        (r.id, r.state, r.matched)
        for r in spark.read.parquet(str(tmp_path / "classified.parquet")).collect()
    )
    assert classified == [
        ("1", "ERROR", "exact"),
        ("2", "ERROR", "rule"),
        ("3", "ERROR", "rule"),
        ("4", "UNCERTAIN", "unmapped"),
    ]
    resolved = sorted(
        tuple(r) for r in spark.read.parquet(str(tmp_path / "resolved.parquet")).collect()
    )
    assert resolved == RESOLVED
