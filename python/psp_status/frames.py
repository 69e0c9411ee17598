"""pandas and polars helpers: add ``state``, ``code``, ``operation``, ``matched`` and
``reject`` to a dataframe, through Arrow (the kernel reads the columns in place when they are
Arrow-backed: polars always, pandas with ``string[pyarrow]`` or ``ArrowDtype`` columns).

Column arguments work as in ``psp-status reclassify``: ``provider``, ``surface`` and ``raw``
columns by default; ``provider="stripe"`` or ``surface="decline_code"`` for one name for every
row; ``signals={"payment_intent.status": "status", "decline_code": "decline"}`` to resolve
several signal columns per row.

>>> import pandas as pd
>>> df = pd.DataFrame({"provider": ["alma", "stripe"], "surface": ["payment.state", "decline_code"],
...                    "raw": ["paid", "do_not_honor"]})
>>> with_classification_pandas(df)[["state", "code"]].values.tolist()
[['SUCCESS', 'SUCCEEDED'], ['ERROR', 'REJECTED_BANK']]

>>> import polars as pl
>>> df = pl.DataFrame({"code": ["20051", "10000"]})
>>> out = with_classification_polars(df, provider="checkout", surface="response_code",
...                                  raw_column="code", column_prefix="psp_")
>>> out["psp_code"].to_list()
['INSUFFICIENT_FUNDS', 'SUCCEEDED']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from psp_status._spec import Spec


def with_classification_pandas(
    df: Any,
    *,
    provider: str | None = None,
    provider_column: str | None = None,
    surface: str | None = None,
    surface_column: str | None = None,
    raw_column: str | None = None,
    signals: Mapping[str, str] | None = None,
    column_prefix: str = "",
    categorical: bool = True,
) -> Any:
    """Return a copy of the pandas DataFrame ``df`` with the result columns added (categorical
    unless ``categorical=False``), index kept."""
    import pandas as pd
    import pyarrow as pa

    spec = Spec.of(
        provider=provider,
        provider_column=provider_column,
        surface=surface,
        surface_column=surface_column,
        raw_column=raw_column,
        signals=signals,
        column_prefix=column_prefix,
    )
    names = spec.output_names([str(c) for c in df.columns])

    def column(name: str) -> Any:
        return pa.array(df[name], from_pandas=True)

    out = spec.run(column, dictionary=categorical)
    added = out.to_pandas()
    added.columns = names
    added.index = df.index
    return pd.concat([df, added], axis=1)


def with_classification_polars(
    df: Any,
    *,
    provider: str | None = None,
    provider_column: str | None = None,
    surface: str | None = None,
    surface_column: str | None = None,
    raw_column: str | None = None,
    signals: Mapping[str, str] | None = None,
    column_prefix: str = "",
    categorical: bool = False,
) -> Any:
    """Return the polars DataFrame ``df`` with the result columns added (``pl.String``, or
    ``pl.Categorical`` with ``categorical=True``)."""
    import polars as pl

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

    def column(name: str) -> Any:
        return df.get_column(name).to_arrow()

    out = spec.run(column, dictionary=categorical)
    added = pl.from_arrow(out)
    assert isinstance(added, pl.DataFrame)
    return df.hstack(added.rename(dict(zip(added.columns, names, strict=True))))
