"""Type stubs of the native module (Rust, pyo3). Import from ``psp_status``, not from here."""

from collections.abc import Mapping
from typing import Any, final

TABLE_VERSION: str
TABLE_DIGEST: str

@final
class Classification:
    provider: str
    surface: str
    raw: str | bytes
    state: str
    code: str
    operation: str | None
    matched: str
    retry: str
    shopper_message: str
    agent_action: str
    description: str
    source: str | None
    anchor: str | None
    lang: str

@final
class Explanation:
    classification: Classification
    in_tables: bool
    text: str

def classify(
    provider: str, surface: str, raw: str | bytes, *, lang: str = "en"
) -> Classification: ...
def resolve(
    provider: str, signals: Mapping[str, str | bytes], *, lang: str = "en"
) -> Classification: ...
def explain(provider: str, surface: str, raw: str | bytes, *, lang: str = "en") -> Explanation: ...
def classify_arrow(provider: Any, surface: Any, raw: Any, *, dictionary: bool = True) -> Any: ...
def resolve_arrow(provider: Any, signals: Mapping[str, Any], *, dictionary: bool = True) -> Any: ...
def providers() -> list[str]: ...
def surfaces(provider: str) -> list[str]: ...
