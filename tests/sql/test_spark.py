"""The Spark SQL export, run in Spark SQL (local, one session for the module), agrees with
`psp-status reclassify` on every row."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from conftest import assert_coverage, compare, run

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
