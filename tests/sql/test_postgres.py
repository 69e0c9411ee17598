"""The PostgreSQL export, run in a real PostgreSQL server (scripts/setup-postgres starts it),
agrees with `psp-status reclassify` on every row."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from conftest import ROOT, assert_coverage, compare, compare_resolved, one, run

SOCKET = os.environ.get("PSP_PG_DIR", str(ROOT / "target" / "postgres"))
PORT = int(os.environ.get("PSP_PG_PORT", "54329"))


@pytest.fixture(scope="module")
def con(history: dict[str, Any]) -> Iterator[psycopg.Connection[Any]]:
    if not Path(SOCKET, f".s.PGSQL.{PORT}").exists():
        pytest.fail(f"no PostgreSQL on {SOCKET}:{PORT}: run scripts/setup-postgres first")
    c = psycopg.connect(host=SOCKET, port=PORT, user="postgres", dbname="postgres", autocommit=True)
    c.execute("DROP SCHEMA IF EXISTS psp_test CASCADE")
    c.execute("CREATE SCHEMA psp_test")
    c.execute("SET search_path TO psp_test")
    c.execute(run("export", "--format", "sql", "--dialect", "postgres"))
    c.execute("CREATE TABLE history (id text, provider text, surface text, raw text)")
    with c.cursor().copy("COPY history FROM STDIN") as cp:
        for row in history["rows"]:
            cp.write_row(row)
    c.execute("ANALYZE history")
    yield c
    c.execute("DROP SCHEMA psp_test CASCADE")
    c.close()


def test_every_row_agrees_with_the_engine(con: psycopg.Connection, history: dict[str, Any]) -> None:
    res = con.execute(
        "SELECT id, (c).state, (c).code, (c).operation, (c).matched, (c).anchor, c IS NULL"
        " FROM (SELECT id, psp_classify(provider, surface, raw) AS c FROM history) t"
    ).fetchall()
    got = {r[0]: None if r[6] else (r[1], r[2], r[3], r[4]) for r in res}
    compare(history, got)
    anchors = {r[5] for r in res if r[5]}
    rule_anchors = {
        a
        for (a,) in con.execute(
            "SELECT anchor FROM psp_rules UNION ALL SELECT anchor FROM psp_defaults"
        )
    }
    assert_coverage(anchors, rule_anchors)


def test_rerunning_the_script_replaces_it(con: psycopg.Connection) -> None:
    con.execute(run("export", "--format", "sql", "--dialect", "postgres"))
    version, digest, made_by = one(con.execute("SELECT * FROM psp_meta").fetchone())
    assert made_by == "psp-status export --format sql --dialect postgres"
    assert len(digest) == 64 and version
    assert one(con.execute("SELECT count(*) FROM psp_meta").fetchone())[0] == 1


def test_resolve_agrees_with_reclassify_signals(
    con: psycopg.Connection, signals: list[dict[str, Any]]
) -> None:
    matched: set[str] = set()
    for case in signals:
        n = len(case["surfaces"])
        cols = [f"sig_{i}" for i in range(n)]
        con.execute("DROP TABLE IF EXISTS signals")
        con.execute(
            f"CREATE TABLE signals (id text, provider text, {', '.join(c + ' text' for c in cols)})"
        )
        with con.cursor().copy("COPY signals FROM STDIN") as cp:
            for row in case["rows"]:
                cp.write_row([v or None if i >= 2 else v for i, v in enumerate(row)])
        surfaces = ", ".join(f"'{s}'" for s in case["surfaces"])
        res = con.execute(
            "SELECT id, (c).state, (c).code, (c).operation, (c).matched, c IS NULL FROM"
            f" (SELECT id, psp_resolve(provider, ARRAY[{surfaces}], ARRAY[{', '.join(cols)}]) AS c"
            " FROM signals) t"
        ).fetchall()
        got = {r[0]: None if r[5] else (r[1], r[2], r[3], r[4]) for r in res}
        compare_resolved(case, got)
        matched |= {r[4] for r in res}
    assert {"exact", "default", "unmapped"} <= matched


def test_resolve_null_for_unknown_provider_or_surface(con: psycopg.Connection) -> None:
    assert one(
        con.execute(
            "SELECT psp_resolve('acme', ARRAY['decline_code'], ARRAY['x']) IS NULL"
        ).fetchone()
    )[0]
    assert one(
        con.execute(
            "SELECT psp_resolve('stripe', ARRAY['decline_code', 'nope'], ARRAY['x', 'y']) IS NULL"
        ).fetchone()
    )[0]
