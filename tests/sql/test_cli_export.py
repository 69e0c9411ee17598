"""`psp-status export` writes safely: it never replaces a file that is not an earlier export."""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import binary


def export(*args: str, cwd: Path | str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(binary()), "export", *args], cwd=cwd, capture_output=True, text=True)


def test_does_not_replace_a_file_it_did_not_write(tmp_path: Path) -> None:
    mine = tmp_path / "notes.sql"
    mine.write_text("my own work\n")
    r = export("--format", "sql", "--dialect", "duckdb", "-o", str(mine), cwd=tmp_path)
    assert r.returncode == 1 and "not a psp-status export" in r.stderr
    assert mine.read_text() == "my own work\n"
    assert [p.name for p in tmp_path.iterdir()] == ["notes.sql"]


def test_replaces_an_earlier_export(tmp_path: Path) -> None:
    out = tmp_path / "t.sql"
    for _ in range(2):
        r = export("--format", "sql", "--dialect", "spark", "-o", str(out), cwd=tmp_path)
        assert r.returncode == 0, r.stderr
    assert out.read_text().startswith("-- psp-status SQL export for spark.")
    csv = tmp_path / "t.csv"
    assert export("--format", "csv", "-o", str(csv), cwd=tmp_path).returncode == 0
    # A CSV export is not a SQL export: no replacing one with the other.
    assert (
        export("--format", "sql", "--dialect", "duckdb", "-o", str(csv), cwd=tmp_path).returncode
        == 1
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv", "t.sql"]


def test_usage_errors() -> None:
    assert export("--format", "sql", cwd=".").returncode == 2
    assert export("--format", "csv", "--dialect", "duckdb", cwd=".").returncode == 2
    assert export("--format", "sql", "--dialect", "oracle", cwd=".").returncode == 2
