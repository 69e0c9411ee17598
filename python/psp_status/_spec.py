"""Which columns of a dataframe to classify: shared by the pandas, polars and Spark helpers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from psp_status import _native

#: The columns the helpers add, in order (``column_prefix`` is put in front of each).
RESULT_COLUMNS = ("state", "code", "operation", "matched", "reject")


@dataclass(frozen=True)
class Spec:
    """Where the provider, the surface and the raw values come from.

    Like ``psp-status reclassify``: by default the columns ``provider``, ``surface`` and
    ``raw``; a fixed ``provider`` or ``surface`` name replaces its column; ``signals``
    (``{surface: column}``) resolves several signal columns per row.
    """

    provider: str | None = None
    provider_column: str | None = None
    surface: str | None = None
    surface_column: str | None = None
    raw_column: str | None = None
    signals: Mapping[str, str] | None = None
    column_prefix: str = ""

    @staticmethod
    def of(
        *,
        provider: str | None = None,
        provider_column: str | None = None,
        surface: str | None = None,
        surface_column: str | None = None,
        raw_column: str | None = None,
        signals: Mapping[str, str] | None = None,
        column_prefix: str = "",
    ) -> Spec:
        if provider is not None and provider_column is not None:
            raise ValueError("give provider (one name) or provider_column, not both")
        if signals is not None:
            if surface is not None or surface_column is not None or raw_column is not None:
                raise ValueError("signals replaces surface, surface_column and raw_column")
            if not signals:
                raise ValueError("signals needs at least one {surface: column}")
        elif surface is not None and surface_column is not None:
            raise ValueError("give surface (one name) or surface_column, not both")
        if provider is None and provider_column is None:
            provider_column = "provider"
        if signals is None:
            if surface is None and surface_column is None:
                surface_column = "surface"
            if raw_column is None:
                raw_column = "raw"
        if provider is not None:
            _native.surfaces(provider)  # ValueError listing the providers if unknown
        return Spec(
            provider, provider_column, surface, surface_column, raw_column, signals, column_prefix
        )

    def input_columns(self) -> list[str]:
        """The dataframe columns this spec reads."""
        cols = [c for c in (self.provider_column, self.surface_column, self.raw_column) if c]
        return cols + list((self.signals or {}).values())

    def output_names(self, existing: list[str]) -> list[str]:
        """The names of the added columns; a clash with an existing column is an error."""
        names = [self.column_prefix + c for c in RESULT_COLUMNS]
        clash = [n for n in names if n in existing]
        if clash:
            raise ValueError(
                f"the dataframe already has column(s) {clash}: pass column_prefix='new_'"
            )
        missing = [c for c in self.input_columns() if c not in existing]
        if missing:
            raise ValueError(f"no column(s) {missing} in the dataframe (columns: {existing})")
        return names

    def run(self, column: Callable[[str], Any], *, dictionary: bool) -> Any:
        """Classify, reading each input column with ``column(name)`` (an Arrow array)."""
        provider: Any = (
            self.provider if self.provider is not None else column(str(self.provider_column))
        )
        if self.signals is not None:
            return _native.resolve_arrow(
                provider,
                {s: column(c) for s, c in self.signals.items()},
                dictionary=dictionary,
            )
        surface: Any = (
            self.surface if self.surface is not None else column(str(self.surface_column))
        )
        return _native.classify_arrow(
            provider, surface, column(str(self.raw_column)), dictionary=dictionary
        )
