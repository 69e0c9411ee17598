"""`reclassify --keep-rejected` on a Parquet file that DuckDB wrote: DuckDB and pyarrow read the
output, every input row is there with its columns unchanged, and the rows the default run
rejects carry its reasons."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from conftest import one, run


def test_keep_rejected_output_reads_in_duckdb_and_pyarrow(tmp_path: Path) -> None:
    history = tmp_path / "history.csv"
    run("generate", "--rows", "20000", "--seed", "11", "-o", str(history))
    src = tmp_path / "history.parquet"
    con = duckdb.connect()
    con.execute(
        f"COPY (SELECT row_number() OVER () AS n, * FROM read_csv('{history}', all_varchar = true,"
        f" ignore_errors = true)) TO '{src}' (FORMAT parquet, ROW_GROUP_SIZE 4096)"
    )
    default, kept = tmp_path / "default.parquet", tmp_path / "kept.parquet"
    run("reclassify", str(src), "-o", str(default), "-q")
    run("reclassify", str(src), "-o", str(kept), "-q", "--keep-rejected")

    rows_in = one(con.execute(f"SELECT count(*) FROM read_parquet('{src}')").fetchone())[0]
    assert one(con.execute(f"SELECT count(*) FROM read_parquet('{kept}')").fetchone())[0] == rows_in
    # Every input column as it was, row for row.
    changed = one(
        con.execute(
            f"SELECT count(*) FROM (SELECT * EXCLUDE (state, code, operation, matched, "
            f"table_version, reject) FROM read_parquet('{kept}') "
            f"EXCEPT ALL SELECT * FROM read_parquet('{src}'))"
        ).fetchone()
    )[0]
    assert changed == 0
    # The classified rows: the default run's answers.
    differ = one(
        con.execute(
            f"SELECT count(*) FROM (SELECT * EXCLUDE (reject) FROM read_parquet('{kept}') "
            f"WHERE reject IS NULL EXCEPT ALL SELECT * FROM read_parquet('{default}'))"
        ).fetchone()
    )[0]
    assert differ == 0
    # The others: the default run's rejects, by row number, with the same reasons.
    with open(str(default) + ".rejects.csv", newline="") as f:
        rejects = {int(r["row"]): r["reason"] for r in csv.DictReader(f)}
    assert rejects
    got = con.execute(
        f"SELECT n, reject, state FROM read_parquet('{kept}') WHERE reject IS NOT NULL ORDER BY n"
    ).fetchall()
    assert {int(n): why for n, why, _ in got} == rejects
    assert all(state is None for _, _, state in got)
    # pyarrow: one row group per input row group, the appended columns nullable strings.
    f_in, f_out = pq.ParquetFile(src), pq.ParquetFile(kept)
    assert f_out.metadata.num_row_groups == f_in.metadata.num_row_groups
    schema = f_out.schema_arrow
    for name in ["state", "code", "operation", "matched", "table_version", "reject"]:
        field = schema.field(name)
        assert str(field.type) == "string" and field.nullable, field
    assert pq.read_table(kept).num_rows == rows_in
