"""The DuckDB export, run in DuckDB, agrees with `psp-status reclassify` on every row."""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa
import pytest

from conftest import assert_coverage, compare, compare_resolved, one, run


@pytest.fixture(scope="module")
def con(history: dict[str, Any]) -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    c.execute(run("export", "--format", "sql", "--dialect", "duckdb"))
    rows = history["rows"]
    t = pa.table(
        {
            "id": [r[0] for r in rows],
            "provider": [r[1] for r in rows],
            "surface": [r[2] for r in rows],
            "raw": [r[3] for r in rows],
        }
    )
    c.register("history_arrow", t)
    c.execute("CREATE TABLE history AS SELECT * FROM history_arrow")
    return c


def test_every_row_agrees_with_the_engine(
    con: duckdb.DuckDBPyConnection, history: dict[str, Any]
) -> None:
    res = con.execute(
        "SELECT id, psp_classify(provider, surface, raw) AS c FROM history"
    ).fetchall()
    got = {
        rid: None if c is None else (c["state"], c["code"], c["operation"], c["matched"])
        for rid, c in res
    }
    compare(history, got)
    anchors = {c["anchor"] for _, c in res if c is not None and c["anchor"]}
    rule_anchors = {
        a
        for (a,) in con.execute(
            "SELECT anchor FROM psp_rules UNION ALL SELECT anchor FROM psp_defaults"
        ).fetchall()
    }
    assert_coverage(anchors, rule_anchors)


def test_header_and_meta_name_the_tables(con: duckdb.DuckDBPyConnection) -> None:
    script = run("export", "--format", "sql", "--dialect", "duckdb")
    first = script.splitlines()[:3]
    version, digest, made_by = one(con.execute("SELECT * FROM psp_meta").fetchone())
    assert version in first[1] and digest in first[1]
    assert made_by == "psp-status export --format sql --dialect duckdb"
    assert script.isascii()


def test_columns_named_like_the_tables_do_not_capture(con: duckdb.DuckDBPyConnection) -> None:
    # A history whose columns share the export's internal names (match_key, operation, ...).
    con.execute(
        "CREATE OR REPLACE TABLE h2 AS SELECT 'stripe' AS match_key, 'decline_code' AS operation,"
        " 'insufficient_funds' AS surface, 'x' AS provider"
    )
    c = one(con.execute("SELECT psp_classify(match_key, operation, surface) FROM h2").fetchone())[0]
    assert (c["state"], c["code"], c["matched"]) == ("ERROR", "INSUFFICIENT_FUNDS", "exact")


def test_table_aliases_like_the_macros_do_not_capture(con: duckdb.DuckDBPyConnection) -> None:
    # The macros are expanded into the caller's query: a caller's table alias that is also an
    # alias inside a macro (s, e, r, d, v, n, t, x) must still mean the caller's table.
    want = con.execute(
        "SELECT id, psp_classify(provider, surface, raw) FROM history ORDER BY id LIMIT 2000"
    ).fetchall()
    for alias in ["s", "e", "r", "d", "v", "n", "t", "x"]:
        got = con.execute(
            f"SELECT {alias}.id, psp_classify({alias}.provider, {alias}.surface, {alias}.raw)"
            f" FROM history {alias} ORDER BY {alias}.id LIMIT 2000"
        ).fetchall()
        assert got == want, alias
    r = one(
        con.execute(
            "SELECT psp_resolve(s.p, ['payment_intent.status', 'decline_code'], [s.a, s.b])"
            " FROM (VALUES ('Stripe', 'requires_payment_method', 'do_not_honor')) s(p, a, b)"
        ).fetchone()
    )[0]
    assert (r["state"], r["code"], r["matched"]) == ("ERROR", "REJECTED_BANK", "exact")


def test_the_tables_hold_every_entry(con: duckdb.DuckDBPyConnection) -> None:
    n = one(
        con.execute(
            "SELECT (SELECT count(*) FROM psp_entries) + (SELECT count(*) FROM psp_rules)"
            " + (SELECT count(*) FROM psp_defaults)"
        ).fetchone()
    )[0]
    csv_rows = run("export", "--format", "csv").count("\n") - 1
    assert n == csv_rows


def test_resolve_agrees_with_reclassify_signals(
    con: duckdb.DuckDBPyConnection, signals: list[dict[str, Any]]
) -> None:
    matched: set[str] = set()
    cur = con.cursor()
    for case in signals:
        n = len(case["surfaces"])
        t = pa.table(
            {
                "id": [r[0] for r in case["rows"]],
                "provider": [r[1] for r in case["rows"]],
                **{f"sig_{i}": [r[2 + i] or None for r in case["rows"]] for i in range(n)},
            }
        )
        cur.register("signals_arrow", t)
        surfaces = "[" + ", ".join(f"'{s}'" for s in case["surfaces"]) + "]"
        raws = "[" + ", ".join(f"sig_{i}" for i in range(n)) + "]"
        res = cur.execute(
            f"SELECT id, psp_resolve(provider, {surfaces}, {raws}) FROM signals_arrow"
        ).fetchall()
        got = {
            rid: None if c is None else (c["state"], c["code"], c["operation"], c["matched"])
            for rid, c in res
        }
        compare_resolved(case, got)
        matched |= {c["matched"] for _, c in res if c is not None}
    assert {"exact", "default", "unmapped"} <= matched


def test_resolve_null_for_unknown_provider_or_surface(con: duckdb.DuckDBPyConnection) -> None:
    assert (
        one(con.execute("SELECT psp_resolve('acme', ['decline_code'], ['x'])").fetchone())[0]
        is None
    )
    assert (
        one(
            con.execute(
                "SELECT psp_resolve('stripe', ['decline_code', 'nope'], ['x', 'y'])"
            ).fetchone()
        )[0]
        is None
    )


def test_classify_table_agrees_with_the_engine_and_psp_classify(
    con: duckdb.DuckDBPyConnection, history: dict[str, Any]
) -> None:
    # psp_classify_table (lookup join + psp_classify on the rest) gives every row the engine's
    # verdict, the same struct as psp_classify, and loses or duplicates no row.
    res = con.execute("SELECT id, classification FROM psp_classify_table('history')").fetchall()
    assert len(res) == len(history["rows"])
    got = {
        rid: None if c is None else (c["state"], c["code"], c["operation"], c["matched"])
        for rid, c in res
    }
    compare(history, got)
    (differ,) = one(
        con.execute(
            "SELECT count(*) FROM psp_classify_table('history') t"
            " WHERE t.classification IS DISTINCT FROM psp_classify(t.provider, t.surface, t.raw)"
        ).fetchone()
    )
    assert differ == 0
    lookup_hits = one(
        con.execute(
            "SELECT count(*) FROM history h SEMI JOIN psp_lookup f"
            " ON f.provider = h.provider AND f.surface = h.surface AND f.raw = h.raw"
        ).fetchone()
    )
    assert 0 < lookup_hits[0] < len(history["rows"])


def test_classify_table_keeps_duplicates_and_values_a_group_by_would_merge() -> None:
    # The rows the lookup misses are grouped by (provider, surface, raw) and expanded again:
    # whole duplicate rows must come back twice, and other columns whose values compare equal
    # without being the same (INTERVAL '1 month' = '30 days'; a NOCASE column) must keep each
    # row's own value. The answers must be psp_classify's on the same row.
    c = duckdb.connect()
    c.execute(run("export", "--format", "sql", "--dialect", "duckdb"))
    c.execute(
        "CREATE TABLE odd (id INTEGER, provider VARCHAR, surface VARCHAR, raw VARCHAR,"
        " period INTERVAL, note VARCHAR COLLATE NOCASE)"
    )
    rows = [
        (1, "stripe", "decline_code", "do_not_honor", "1 month", "a"),
        (1, "stripe", "decline_code", "do_not_honor", "1 month", "a"),
        (2, "stripe", "decline_code", "zz_not_a_code", "1 month", "Same"),
        (2, "stripe", "decline_code", "zz_not_a_code", "30 days", "SAME"),
        (2, "stripe", "decline_code", "zz_not_a_code", "30 days", "SAME"),
        (3, "checkout", "response_code", "20999", "1 day", "x"),
        (3, "checkout", "response_code", "20999", "24 hours", "X"),
        (4, "acme", "payment.state", "paid", "1 day", "y"),
        (4, "acme", "payment.state", "paid", "1 day", "y"),
    ]
    c.executemany("INSERT INTO odd VALUES (?, ?, ?, ?, ?::INTERVAL, ?)", rows)
    got = c.execute(
        "SELECT id, provider, surface, raw, period::VARCHAR, note::VARCHAR,"
        " classification IS NOT DISTINCT FROM psp_classify(provider, surface, raw)"
        " FROM psp_classify_table('odd')"
    ).fetchall()
    want = c.execute(
        "SELECT id, provider, surface, raw, period::VARCHAR, note::VARCHAR, true FROM odd"
    ).fetchall()
    assert sorted(got) == sorted(want)
    assert len(got) == len(rows)
