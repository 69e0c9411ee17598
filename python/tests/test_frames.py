"""pandas and polars helpers agree with the Arrow API."""

from __future__ import annotations

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import psp_status
from psp_status.frames import with_classification_pandas, with_classification_polars

PROVIDERS = ["alma", "stripe", "checkout", "acme", "purse"]
SURFACES = ["payment.state", "decline_code", "response_code", "payment.state", "payment.state"]
RAWS = ["paid", "do_not_honor", "20051", "x", None]


def reference(dictionary: bool) -> pa.RecordBatch:
    return psp_status.classify_arrow(
        pa.array(PROVIDERS), pa.array(SURFACES), pa.array(RAWS), dictionary=dictionary
    )


def test_pandas_helper_keeps_the_index_and_adds_categoricals() -> None:
    df = pd.DataFrame(
        {"id": [1, 2, 3, 4, 5], "provider": PROVIDERS, "surface": SURFACES, "raw": RAWS},
        index=[10, 20, 30, 40, 50],
    )
    out = with_classification_pandas(df)
    assert list(out.columns) == [
        "id",
        "provider",
        "surface",
        "raw",
        "state",
        "code",
        "operation",
        "matched",
        "reject",
    ]
    assert list(out.index) == [10, 20, 30, 40, 50]
    assert isinstance(out["state"].dtype, pd.CategoricalDtype)
    want = reference(False)
    for name in ("state", "code", "operation", "matched", "reject"):
        got = [None if pd.isna(v) else v for v in out[name]]
        assert got == want.column(name).to_pylist(), name
    # Arrow-backed string columns are read in place.
    arrow_df = df.astype(
        {"provider": "string[pyarrow]", "surface": "string[pyarrow]", "raw": "string[pyarrow]"}
    )
    out2 = with_classification_pandas(arrow_df, categorical=False)
    assert [None if pd.isna(v) else v for v in out2["code"]] == want.column("code").to_pylist()


def test_polars_helper_with_fixed_names_and_signals() -> None:
    df = pl.DataFrame(
        {
            "status": ["requires_payment_method", "succeeded"],
            "decline": ["insufficient_funds", None],
        }
    )
    out = with_classification_polars(
        df,
        provider="stripe",
        signals={"payment_intent.status": "status", "decline_code": "decline"},
        column_prefix="psp_",
    )
    assert out.columns == [
        "status",
        "decline",
        "psp_state",
        "psp_code",
        "psp_operation",
        "psp_matched",
        "psp_reject",
    ]
    assert out["psp_code"].to_list() == ["INSUFFICIENT_FUNDS", "SUCCEEDED"]
    cat = with_classification_polars(
        pl.DataFrame({"provider": PROVIDERS, "surface": SURFACES, "raw": RAWS}), categorical=True
    )
    assert cat["state"].dtype == pl.Categorical
    assert cat["state"].cast(pl.String).to_list() == reference(False).column("state").to_pylist()


def test_helpers_refuse_to_overwrite_columns_and_name_missing_ones() -> None:
    df = pd.DataFrame(
        {"provider": ["alma"], "surface": ["payment.state"], "raw": ["paid"], "state": ["mine"]}
    )
    with pytest.raises(ValueError, match="column_prefix"):
        with_classification_pandas(df)
    with pytest.raises(ValueError, match=r"no column\(s\) \['nope'\]"):
        with_classification_polars(
            pl.DataFrame({"raw": ["x"]}),
            provider="alma",
            surface="payment.state",
            raw_column="nope",
        )
    with pytest.raises(ValueError, match="valid providers"):
        with_classification_polars(
            pl.DataFrame({"raw": ["x"]}), provider="acme", surface="payment.state"
        )
