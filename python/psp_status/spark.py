"""Spark helper: add ``state``, ``code``, ``operation``, ``matched`` and ``reject`` to a
DataFrame with ``mapInArrow`` (or a scalar Arrow UDF, ``method="udf"``); each executor runs the
Rust kernel over Arrow batches.

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

from collections.abc import Callable, Iterator, Mapping
from functools import partial
from typing import Any

import pyarrow as pa

from psp_status._spec import RESULT_COLUMNS, Spec


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
    method: str = "map",
) -> Any:
    """Return ``df`` (a ``pyspark.sql.DataFrame``) with the five result columns appended (all
    ``string``). Lazy, like any Spark transformation.

    ``method`` says how the rows reach the kernel: ``"map"`` (the default), ``mapInArrow``
    (Spark 3.3 and later): every column of ``df`` makes the round trip to the Python workers;
    ``"udf"``, a scalar Arrow UDF (Spark 4.1 and later): only the columns it reads go and only
    the five results come back (on the 7-column benchmark, BENCHMARKS.md "Spark route", the
    faster of the two). ``"join"``: the kernel classifies each distinct combination of the
    input columns once, and the answers are joined back to ``df`` with a broadcast join; no
    row goes to Python, but every combination (its values and five short strings) must fit in
    the driver's and every executor's memory: payment histories have thousands, a free-text
    column could have millions (use ``"map"`` or ``"udf"`` then). ``"jvm"``: Java UDFs from
    ``psp-status-spark.jar`` (``scripts/build-jvm``), which must be on the Spark classpath
    (``spark.jars``); they call the same engine, built into the jar, once per distinct input
    and keep the answers, so no row leaves the JVM (the fastest route; needs the classic,
    non-Connect PySpark API). All four give the same rows.

    Example (``"join"``)::

        out = with_classification(df, method="join")
    """
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
    if method == "map":
        return _with_map_in_arrow(df, spec, names)
    if method == "udf":
        if _arrow_udf() is None:
            raise ValueError("method='udf' needs pyspark 4.1 or later (arrow_udf)")
        return _with_arrow_udf(df, spec, names)
    if method == "join":
        return _with_distinct_join(df, spec, names)
    if method == "jvm":
        return _with_jvm_udf(df, spec, names)
    raise ValueError(f"method must be 'map', 'udf', 'join' or 'jvm', not {method!r}")


def _arrow_udf() -> Any:
    """pyspark's ``arrow_udf`` (Spark 4.1 and later), ``None`` before."""
    try:
        from pyspark.sql.pandas.functions import arrow_udf
    except ImportError:
        return None
    return arrow_udf


def _with_arrow_udf(df: Any, spec: Spec, names: list[str]) -> Any:
    """A scalar Arrow UDF over the input columns, returning a struct of the five columns."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType, StructField, StructType

    inputs = spec.input_columns()
    result = StructType([StructField(c, StringType(), True) for c in RESULT_COLUMNS])

    def classify(*arrays: pa.Array) -> pa.Array:
        by_name = dict(zip(inputs, arrays, strict=True))
        out = spec.run(by_name.__getitem__, dictionary=False)
        return pa.StructArray.from_arrays(out.columns, names=list(RESULT_COLUMNS))

    # Non-deterministic so that Spark calls it once per row, not once per extracted field.
    udf = _arrow_udf()(classify, result).asNondeterministic()
    tmp = _free_name("__psp_status_result", df.columns)
    with_result = df.withColumn(tmp, udf(*[F.col(_quoted(c)) for c in inputs]))
    return with_result.select(
        *[F.col(_quoted(c)) for c in df.columns],
        *[F.col(tmp).getField(c).alias(n) for c, n in zip(RESULT_COLUMNS, names, strict=True)],
    )


def _with_map_in_arrow(df: Any, spec: Spec, names: list[str]) -> Any:
    """``mapInArrow``: every batch of ``df`` with the five columns appended.

    Spark parses the names of a ``mapInArrow`` schema (a backtick in a column name is a syntax
    error there), so the columns travel under plain positional names and get theirs back after.
    """
    from pyspark.sql.types import StringType, StructField, StructType

    original = list(df.columns)
    plain = [f"_{i}" for i in range(len(original))]
    position = {name: i for i, name in enumerate(original)}
    df = df.toDF(*plain)
    schema = StructType(
        list(df.schema.fields)
        + [StructField(f"_{len(plain) + i}", StringType(), True) for i in range(len(names))]
    )

    classify_batches = _appending(spec, position, schema.fieldNames())
    return df.mapInArrow(classify_batches, schema).toDF(*original, *names)


def _appending(
    spec: Spec, where: Mapping[str, Any], names: list[str]
) -> Callable[[Iterator[Any]], Iterator[Any]]:
    """A ``mapInArrow`` function: each batch with the five result columns appended, the
    columns named ``names``; ``where`` says which batch column holds each input column."""

    def classify_batches(batches: Iterator[Any]) -> Iterator[Any]:
        for batch in batches:
            out = spec.run(partial(_column, batch, where), dictionary=False)
            # Spark may hand strings over as large_string: answer in the same type.
            want = (
                pa.large_string()
                if any(pa.types.is_large_string(c.type) for c in batch.columns)
                else pa.string()
            )
            cols = list(batch.columns)
            cols += [c if c.type == want else c.cast(want) for c in out.columns]
            yield pa.RecordBatch.from_arrays(cols, names=names)

    return classify_batches


def _column(batch: Any, where: Mapping[str, Any], name: str) -> Any:
    """The column of ``batch`` that travels for the DataFrame column ``name``."""
    return batch.column(where[name])


def _free_name(base: str, taken: Any) -> str:
    """``base``, with underscores appended until no name in ``taken`` is the same."""
    while base in taken:
        base += "_"
    return base


def _quoted(name: str) -> str:
    """``name`` as a Spark column reference, whatever characters it holds."""
    return "`" + name.replace("`", "``") + "`"


def _with_distinct_join(df: Any, spec: Spec, names: list[str]) -> Any:
    """The kernel over the distinct input combinations, broadcast-joined back to ``df``.

    The answer depends on the bytes of the input columns and nothing else, so every row of a
    combination gets the answer the kernel gives that combination. Distinct and the join
    compare bytes only if the columns do: a column with a non-binary collation (Spark 4's
    ``UTF8_LCASE``, say) would merge ``Paid`` and ``paid``, so such columns are compared as
    ``binary``. Null inputs match null inputs (``<=>``), so no row is dropped.
    """
    from pyspark.sql import functions as F
    from pyspark.sql.types import BinaryType, StringType, StructField, StructType

    inputs = spec.input_columns()
    # Plain names for the keys and results while they travel (see _with_map_in_arrow).
    taken = set(df.columns)
    keys: list[str] = []
    for i in range(len(inputs) + len(names)):
        keys.append(_free_name(f"__psp_status_{i}", taken))
        taken.add(keys[-1])
    keys, results = keys[: len(inputs)], keys[len(inputs) :]

    def key_of(name: str) -> Any:
        col = F.col(_quoted(name))
        dtype = df.schema[name].dataType
        collation = getattr(dtype, "collation", "UTF8_BINARY")
        if isinstance(dtype, StringType) and collation != "UTF8_BINARY":
            return col.cast(BinaryType()).cast(StringType())
        return col

    distinct = df.select(*[key_of(c).alias(k) for c, k in zip(inputs, keys, strict=True)])
    distinct = distinct.distinct()
    column_of = dict(zip(inputs, keys, strict=True))
    schema = StructType(
        list(distinct.schema.fields) + [StructField(n, StringType(), True) for n in results]
    )

    classify_batches = _appending(spec, column_of, schema.fieldNames())
    answers = F.broadcast(distinct.mapInArrow(classify_batches, schema))
    on = [key_of(c).eqNullSafe(answers[k]) for c, k in zip(inputs, keys, strict=True)]
    joined = df.join(answers, on, "left")
    return joined.select(
        *[F.col(_quoted(c)) for c in df.columns],
        *[F.col(r).alias(n) for r, n in zip(results, names, strict=True)],
    )


#: The Java UDF classes of psp-status-spark.jar, by (several signals, what they return).
_JVM_UDFS = {
    (False, "packed"): "dev.pspstatus.spark.Classify",
    (False, "reject"): "dev.pspstatus.spark.ClassifyReject",
    (True, "packed"): "dev.pspstatus.spark.Resolve",
    (True, "reject"): "dev.pspstatus.spark.ResolveReject",
}


def _jvm_names(spark: Any) -> list[list[str]]:
    """The names the jar's packed answers index (states, codes, operations, matched), after
    checking that its engine was built from the same tables as this package."""
    from psp_status import TABLE_DIGEST, TABLE_VERSION

    try:
        native = spark._jvm.dev.pspstatus.spark.Native
        version, digest = list(native.tableVersionAndDigest())
    except Exception as e:  # py4j: a JavaPackage (class not found) is not callable
        raise RuntimeError(
            "method='jvm' needs psp-status-spark.jar on the Spark classpath (spark.jars or"
            " --jars; scripts/build-jvm builds it) and the classic (non-Connect) PySpark API"
        ) from e
    if digest != TABLE_DIGEST:
        raise RuntimeError(
            f"psp-status-spark.jar was built from tables {version} ({digest[:12]}), this"
            f" package from {TABLE_VERSION} ({TABLE_DIGEST[:12]}): rebuild the jar"
        )
    return [list(names) for names in native.names()]


def _with_jvm_udf(df: Any, spec: Spec, names: list[str]) -> Any:
    """Java UDFs: a packed answer per row (indices into the taxonomy, -1 when rejected) turned
    into the four columns with array lookups, and the reject reason only where it is -1."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import LongType, StringType

    for c in spec.input_columns():
        dtype = df.schema[c].dataType
        if not isinstance(dtype, StringType):
            raise ValueError(f"method='jvm' reads string columns; {c!r} is {dtype.simpleString()}")
    # Unknown fixed provider or surface names: the same ValueError as the other routes.
    spec.run(lambda _name: pa.array([None], pa.string()), dictionary=False)
    spark = df.sparkSession
    states, codes, operations, matched = _jvm_names(spark)

    def col(name: str | None) -> Any:
        return F.col(_quoted(str(name)))

    provider = F.lit(spec.provider) if spec.provider is not None else col(spec.provider_column)
    several = spec.signals is not None
    if spec.signals is not None:
        args = [
            provider,
            F.array(*[F.lit(s) for s in spec.signals]),
            F.array(*[col(c) for c in spec.signals.values()]),
        ]
    else:
        surface = F.lit(spec.surface) if spec.surface is not None else col(spec.surface_column)
        args = [provider, surface, col(spec.raw_column)]
    udfs = {}
    for what, returns in (("packed", LongType()), ("reject", StringType())):
        udfs[what] = f"psp_status_jvm_{'resolve' if several else 'classify'}_{what}"
        spark.udf.registerJavaFunction(udfs[what], _JVM_UDFS[(several, what)], returns)

    tmp = _free_name("__psp_status_packed", df.columns)
    with_packed = df.withColumn(tmp, F.call_udf(udfs["packed"], *args))
    packed = F.col(tmp)

    def field(shift: int, mask: int) -> Any:
        return F.shiftright(packed, shift).bitwiseAND(mask)

    def pick(values: list[str], index: Any) -> Any:
        return F.element_at(F.array(*[F.lit(v) for v in values]), (index + 1).cast("int"))

    classified = packed >= 0
    operation = field(24, 0xFF)
    results = [
        F.when(classified, pick(states, field(0, 0xFF))),
        F.when(classified, pick(codes, field(8, 0xFFFF))),
        F.when(classified & (operation != 0xFF), pick(operations, operation)),
        F.when(classified, pick(matched, field(32, 0xFF))),
        F.when(~classified, F.call_udf(udfs["reject"], *args)),
    ]
    return with_packed.select(
        *[F.col(_quoted(c)) for c in df.columns],
        *[r.alias(n) for r, n in zip(results, names, strict=True)],
    )
