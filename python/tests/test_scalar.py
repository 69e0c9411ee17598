"""The scalar API: classify, resolve, explain, constants, errors; against the CLI's answers."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

import psp_status


def test_classify_returns_every_field() -> None:
    c = psp_status.classify("stripe", "decline_code", "insufficient_funds")
    assert (c.provider, c.surface, c.raw) == ("stripe", "decline_code", "insufficient_funds")
    assert (c.state, c.code, c.matched) == ("ERROR", "INSUFFICIENT_FUNDS", "exact")
    assert c.operation == "PAYMENT"
    assert c.retry == "after_customer_action"
    assert c.anchor == "stripe/decline_code/insufficient_funds"
    assert c.source is not None and c.source.startswith("https://")
    assert c.description and c.shopper_message and c.agent_action
    assert c.lang == "en"
    fr = psp_status.classify("stripe", "decline_code", "insufficient_funds", lang="fr")
    assert fr.shopper_message != c.shopper_message
    assert "INSUFFICIENT_FUNDS" in repr(c)


def test_unknown_values_are_unmapped_not_errors() -> None:
    c = psp_status.classify("alma", "payment.state", "brand_new_state")
    assert (c.state, c.code, c.matched, c.anchor, c.source) == (
        "UNCERTAIN",
        "UNMAPPED",
        "unmapped",
        None,
        None,
    )
    b = psp_status.classify("alma", "payment.state", b"\xff\xfe")
    assert b.raw == b"\xff\xfe" and b.code == "UNMAPPED"
    assert psp_status.classify("alma", "payment.state", b"paid").state == "SUCCESS"


def test_unknown_provider_surface_or_language_is_a_value_error_listing_valid_names() -> None:
    with pytest.raises(ValueError, match="alma, checkout, purse, stripe"):
        psp_status.classify("acme", "payment.state", "paid")
    with pytest.raises(
        ValueError,
        match=r"unknown surface \"decline_code\" for provider alma.*"
        r"payment\.state",
    ):
        psp_status.classify("alma", "decline_code", "paid")
    with pytest.raises(ValueError, match="decline_code"):
        psp_status.resolve("stripe", {"no.such": "x"})
    with pytest.raises(ValueError, match="en, fr"):
        psp_status.classify("alma", "payment.state", "paid", lang="de")
    with pytest.raises(TypeError):
        psp_status.classify("alma", "payment.state", 3)  # type: ignore[arg-type]


def test_resolve_follows_precedence() -> None:
    both = {"payment_intent.status": "requires_payment_method", "decline_code": "do_not_honor"}
    c = psp_status.resolve("stripe", both)
    assert (c.surface, c.code, c.raw) == ("decline_code", "REJECTED_BANK", "do_not_honor")
    assert (
        psp_status.resolve("stripe", {"payment_intent.status": "requires_payment_method"}).state
        == "WAITING"
    )
    empty = psp_status.resolve("stripe", {})
    assert (empty.code, empty.raw) == ("UNMAPPED", "")


def test_explain_matches_the_cli(cli: Path) -> None:
    x = psp_status.explain("checkout", "response_code", "20051", lang="fr")
    out = subprocess.run(
        [cli, "explain", "checkout", "response_code", "20051", "--lang", "fr"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert x.text.strip() == out.strip()
    assert str(x) == x.text and x.in_tables
    assert x.classification.shopper_message in x.text


@pytest.mark.parametrize(
    "provider,surface,raw",
    [
        ("alma", "payment.state", "scored_maybe"),
        ("stripe", "payment_intent.status", "requires_payment_method"),
        ("checkout", "response_code", "20051"),
        ("checkout", "response_code", "20999"),
        ("alma", "error_code", "validation_error_missing_field"),
        ("purse", "state", "nobody_knows"),
        ("alma", "payment.state", ""),
    ],
)
def test_classify_agrees_with_the_cli_json(
    cli: Path, provider: str, surface: str, raw: str
) -> None:
    out = subprocess.run(
        [cli, "classify", provider, surface, raw, "--json"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    want = json.loads(out)
    c = psp_status.classify(provider, surface, raw)
    got = {
        "state": c.state,
        "code": c.code,
        "operation": c.operation,
        "matched": c.matched,
        "retry": c.retry,
        "description": c.description,
        "source": c.source,
        "anchor": c.anchor,
    }
    assert got == {k: want[k] for k in got}
    assert want["table_version"] == psp_status.TABLE_VERSION


def test_table_version_and_digest() -> None:
    assert psp_status.TABLE_VERSION[:4].isdigit()
    assert len(psp_status.TABLE_DIGEST) >= 12
    assert psp_status.providers() == ["alma", "checkout", "purse", "stripe"]
    assert psp_status.surfaces("stripe")[0] != ""
