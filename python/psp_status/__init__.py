"""psp_status: what payment service providers say, translated into one taxonomy.

The same Rust engine as the ``psp-status`` crate and command line: Alma ``scored_maybe``,
Stripe ``requires_payment_method`` or ``do_not_honor``, Checkout.com ``20051`` become a
**state** (what to do next), a **code** (why) and an **operation**, with retry advice, a
message safe to show the shopper, the support agent's next step and the public source.

>>> import psp_status
>>> c = psp_status.classify("alma", "payment.state", "scored_maybe")
>>> (c.state, c.code, c.matched)
('WAITING', 'WAITING_PARTNER_RESPONSE', 'exact')
>>> c = psp_status.resolve("stripe", {"payment_intent.status": "requires_payment_method",
...                                   "decline_code": "insufficient_funds"})
>>> (c.state, c.code, c.surface)
('ERROR', 'INSUFFICIENT_FUNDS', 'decline_code')

Columns of millions of rows go through the Arrow kernel (zero-copy, GIL released):
:func:`classify_arrow`, :func:`resolve_arrow`; for dataframes, :mod:`psp_status.frames`
(pandas, polars) and :mod:`psp_status.spark`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from psp_status import _native
from psp_status._native import TABLE_DIGEST, TABLE_VERSION, Classification, Explanation

__all__ = [
    "TABLE_DIGEST",
    "TABLE_VERSION",
    "Classification",
    "Explanation",
    "classify",
    "classify_arrow",
    "explain",
    "providers",
    "resolve",
    "resolve_arrow",
    "surfaces",
]


def classify(provider: str, surface: str, raw: str | bytes, *, lang: str = "en") -> Classification:
    """Classify one value ``raw`` received in ``provider``'s field ``surface``.

    ``raw`` may be ``bytes`` (any bytes, not necessarily UTF-8). A value the tables do not know
    is ``UNCERTAIN`` / ``UNMAPPED`` (verify before retrying), never an error. ``lang`` (``en``,
    ``fr``) chooses the language of ``shopper_message``. An unknown provider or surface raises
    ``ValueError`` listing the valid names.

    >>> c = classify("stripe", "decline_code", "do_not_honor")
    >>> (c.state, c.code, c.retry)
    ('ERROR', 'REJECTED_BANK', 'after_customer_action')
    >>> c.anchor
    'stripe/decline_code/do_not_honor'
    >>> classify("alma", "payment.state", "brand_new").code
    'UNMAPPED'
    >>> classify("acme", "payment.state", "paid")
    Traceback (most recent call last):
    ...
    ValueError: unknown provider "acme"; valid providers: alma, checkout, purse, stripe
    """
    return _native.classify(provider, surface, raw, lang=lang)


def resolve(
    provider: str, signals: Mapping[str, str | bytes], *, lang: str = "en"
) -> Classification:
    """Resolve several signals of one response (``{surface: raw}``) into one answer.

    The provider's precedence picks the most specific signal that matched an entry or a rule,
    then one that fell to a surface default, then the most specific unmapped one.

    >>> resolve("stripe", {"payment_intent.status": "requires_payment_method"}).state
    'WAITING'
    >>> resolve("stripe", {"payment_intent.status": "requires_payment_method",
    ...                    "decline_code": "insufficient_funds"}).code
    'INSUFFICIENT_FUNDS'
    """
    return _native.resolve(provider, signals, lang=lang)


def explain(provider: str, surface: str, raw: str | bytes, *, lang: str = "en") -> Explanation:
    """Explain one value for a support agent: the classification, whether the tables know the
    value, and the text ``psp-status explain`` prints (``str(explanation)``).

    >>> x = explain("checkout", "response_code", "20051", lang="fr")
    >>> x.in_tables, x.classification.code
    (True, 'INSUFFICIENT_FUNDS')
    >>> "20051" in x.text
    True
    """
    return _native.explain(provider, surface, raw, lang=lang)


def classify_arrow(provider: Any, surface: Any, raw: Any, *, dictionary: bool = True) -> Any:
    """Classify a column of raw values with the Arrow kernel.

    ``provider`` and ``surface`` are each a fixed name (``str``) or a column; ``raw`` is a
    column. A column is a pyarrow ``Array`` or ``ChunkedArray`` (or any object exposing the
    Arrow PyCapsule interface) of type string, large_string, string_view, binary,
    large_binary, binary_view, or a dictionary of those; it is read in place (zero-copy) with
    the GIL released. Returns a ``pyarrow.RecordBatch`` (a ``pyarrow.Table`` when an input is
    chunked) with columns ``state``, ``code``, ``operation``, ``matched`` (dictionary-encoded
    unless ``dictionary=False``) and ``reject``: why a row could not be classified (unknown or
    missing provider or surface, no signal), null otherwise; the four other columns are null on
    those rows. As in ``psp-status reclassify``, a null or empty raw value is no signal: the row
    is rejected, not classified as the empty value.

    >>> import pyarrow as pa
    >>> out = classify_arrow("alma", "payment.state", pa.array(["paid", "scored_no", None]))
    >>> out.column("state").to_pylist()
    ['SUCCESS', 'ERROR', None]
    >>> out.column("reject").to_pylist()[2]
    'no signal: every signal cell of the row is empty'
    >>> out = classify_arrow(pa.array(["stripe", "acme"]), "decline_code",
    ...                      pa.array(["do_not_honor", "x"]), dictionary=False)
    >>> out.column("code").to_pylist(), out.column("reject").to_pylist()
    (['REJECTED_BANK', None], [None, 'unknown provider `acme`'])
    """
    return _native.classify_arrow(provider, surface, raw, dictionary=dictionary)


def resolve_arrow(provider: Any, signals: Mapping[str, Any], *, dictionary: bool = True) -> Any:
    """Resolve several signal columns (``{surface: column}``) row by row, as :func:`resolve`.

    A null or empty value is an absent signal on that row; a row with none left is rejected
    ("no signal"), and a signal whose surface the row's provider lacks does not apply to it, as
    in ``psp-status reclassify --signal``. Same inputs and output as :func:`classify_arrow`.

    >>> import pyarrow as pa
    >>> out = resolve_arrow("stripe", {
    ...     "payment_intent.status": pa.array(["requires_payment_method", "succeeded"]),
    ...     "decline_code": pa.array(["insufficient_funds", None]),
    ... })
    >>> out.column("code").to_pylist()
    ['INSUFFICIENT_FUNDS', 'SUCCEEDED']
    """
    return _native.resolve_arrow(provider, signals, dictionary=dictionary)


def providers() -> list[str]:
    """The providers of the tables.

    >>> providers()
    ['alma', 'checkout', 'purse', 'stripe']
    """
    return _native.providers()


def surfaces(provider: str) -> list[str]:
    """A provider's surfaces, most specific first (the order :func:`resolve` uses).

    >>> "decline_code" in surfaces("stripe")
    True
    """
    return _native.surfaces(provider)
