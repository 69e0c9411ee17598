"""Every command and query of docs/sql.md runs as shown."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import duckdb
import psycopg

from conftest import HISTORY, PAYMENTS, RESOLVED, ROOT, binary, one
from test_postgres import PORT, SOCKET

DOC = (ROOT / "docs" / "sql.md").read_text()


def blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", DOC, flags=re.S)


def test_shell_commands_run(tmp_path: Path) -> None:
    env = dict(
        os.environ,
        PGHOST=SOCKET,
        PGPORT=str(PORT),
        PGUSER="postgres",
        PGDATABASE="postgres",
        PGOPTIONS="-c search_path=psp_docs",
    )
    with psycopg.connect(
        host=SOCKET, port=PORT, user="postgres", dbname="postgres", autocommit=True
    ) as c:
        c.execute("DROP SCHEMA IF EXISTS psp_docs CASCADE; CREATE SCHEMA psp_docs")
    ran = 0
    for block in blocks("sh"):
        for line in block.splitlines():
            if line.startswith("psp-status "):
                subprocess.run([str(binary()), *line.split()[1:]], cwd=tmp_path, check=True)
            elif line.startswith("psql "):
                subprocess.run(line.split(), cwd=tmp_path, check=True, env=env, capture_output=True)
            elif line.startswith("duckdb "):
                # The DuckDB CLI is not installed here: the same script through the Python package.
                m = re.match(r"duckdb (\S+) < (\S+)", line)
                assert m is not None, line
                db, script = m.groups()
                duckdb.connect(str(tmp_path / db)).execute((tmp_path / script).read_text())
            else:
                continue
            ran += 1
    assert ran >= 6
    assert (tmp_path / "psp_status.csv").read_text().startswith("provider,surface,raw,")
    with psycopg.connect(
        host=SOCKET, port=PORT, user="postgres", dbname="postgres", autocommit=True
    ) as c:
        assert one(c.execute("SELECT count(*) FROM psp_docs.psp_meta").fetchone())[0] == 1
        c.execute("DROP SCHEMA psp_docs CASCADE")


def test_duckdb_queries_run() -> None:
    c = duckdb.connect()
    c.execute(
        subprocess.run(
            [str(binary()), "export", "--format", "sql", "--dialect", "duckdb"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    c.execute("CREATE TABLE history (id VARCHAR, provider VARCHAR, surface VARCHAR, raw VARCHAR)")
    c.executemany("INSERT INTO history VALUES (?, ?, ?, ?)", HISTORY)
    sql = [b for b in blocks("sql") if not re.search(r"\(\w\)\.state", b)]
    assert sql
    for block in sql:
        for st in [s for s in block.split(";\n") if s.strip() and not s.strip().startswith("--")]:
            c.execute(st)
    rows = c.execute("SELECT id, state, matched FROM classified ORDER BY id").fetchall()
    assert rows == [
        ("1", "ERROR", "exact"),
        ("2", "ERROR", "rule"),
        ("3", "ERROR", "rule"),
        ("4", "UNCERTAIN", "unmapped"),
    ]
    assert c.execute("SELECT * FROM resolved ORDER BY id").fetchall() == RESOLVED


def test_postgres_query_runs() -> None:
    (query,) = [b for b in blocks("sql") if "(c).state" in b]
    with psycopg.connect(
        host=SOCKET, port=PORT, user="postgres", dbname="postgres", autocommit=True
    ) as c:
        c.execute(
            "DROP SCHEMA IF EXISTS psp_docq CASCADE; CREATE SCHEMA psp_docq;"
            " SET search_path TO psp_docq"
        )
        c.execute(
            subprocess.run(
                [str(binary()), "export", "--format", "sql", "--dialect", "postgres"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
        c.execute("CREATE TABLE history (id text, provider text, surface text, raw text)")
        with c.cursor() as cur:
            cur.executemany("INSERT INTO history VALUES (%s, %s, %s, %s)", HISTORY)
        rows = c.execute(query).fetchall()
        assert [r[:2] + (r[4],) for r in sorted(rows)] == [
            ("1", "ERROR", "exact"),
            ("2", "ERROR", "rule"),
            ("3", "ERROR", "rule"),
            ("4", "UNCERTAIN", "unmapped"),
        ]
        c.execute("DROP SCHEMA psp_docq CASCADE")


def test_postgres_resolve_query_runs() -> None:
    (query,) = [b for b in blocks("sql") if "(r).state" in b]
    with psycopg.connect(
        host=SOCKET, port=PORT, user="postgres", dbname="postgres", autocommit=True
    ) as c:
        c.execute(
            "DROP SCHEMA IF EXISTS psp_docr CASCADE; CREATE SCHEMA psp_docr;"
            " SET search_path TO psp_docr"
        )
        c.execute(
            subprocess.run(
                [str(binary()), "export", "--format", "sql", "--dialect", "postgres"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
        c.execute(
            "CREATE TABLE payments (id text, provider text, intent_status text, decline_code text)"
        )
        with c.cursor() as cur:
            cur.executemany("INSERT INTO payments VALUES (%s, %s, %s, %s)", PAYMENTS)
        rows = sorted(c.execute(query).fetchall())
        assert [(r[0], r[1], r[2], r[4]) for r in rows] == RESOLVED
        c.execute("DROP SCHEMA psp_docr CASCADE")
