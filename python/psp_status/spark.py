"""Spark helper: add ``state``, ``code``, ``operation``, ``matched`` and ``reject`` to a
DataFrame with ``mapInArrow``; each executor runs the Rust kernel over Arrow batches.

The package must be installed where the Python workers run, and ``PYSPARK_PYTHON`` must point
at that interpreter (see docs/spark.md for clusters). Column arguments work as in
``psp-status reclassify`` and :mod:`psp_status.frames`::

    from psp_status.spark import with_classification
    out = with_classification(df)                                  # provider, surface, raw
    out = with_classification(df, provider="stripe", signals={
        "payment_intent.status": "status", "decline_code": "decline_code"})

Rows are never dropped: a row whose provider or surface is unknown gets null ``state``/``code``
and says why in ``reject``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from psp_status._spec import Spec


def with_classification(
    df: Any,
    *,
    provider: str | None = None,
    provider_column: str | None = None,
    surface: str | None = None,
    surface_column: str | None = None,
    raw_column: str | None = None,
    signals: Mapping[str, str] | None = None,
    column_prefix: str = "",
) -> Any:
    """Return ``df`` (a ``pyspark.sql.DataFrame``) with the five result columns appended (all
    ``string``). Lazy, like any Spark transformation."""
    from pyspark.sql.types import StringType, StructField, StructType

    spec = Spec.of(
        provider=provider,
        provider_column=provider_column,
        surface=surface,
        surface_column=surface_column,
        raw_column=raw_column,
        signals=signals,
        column_prefix=column_prefix,
    )
    names = spec.output_names(list(df.columns))
    schema = StructType(
        list(df.schema.fields) + [StructField(n, StringType(), True) for n in names]
    )

    def classify_batches(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        for batch in batches:
            out = spec.run(batch.column, dictionary=False)
            cols = list(batch.columns)
            for i in range(out.num_columns):
                col = out.column(i)
                # Spark may hand strings over as large_string: answer in the same type.
                want = (
                    pa.large_string()
                    if any(pa.types.is_large_string(c.type) for c in batch.columns)
                    else pa.string()
                )
                cols.append(col if col.type == want else col.cast(want))
            yield pa.RecordBatch.from_arrays(cols, names=list(batch.schema.names) + names)

    return df.mapInArrow(classify_batches, schema)
