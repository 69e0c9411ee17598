"""Shared fixtures of the SQL export tests: the CLI binary, a generated history with
adversarial rows, and what `psp-status reclassify` says about every row of it."""

from __future__ import annotations

import csv
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
ROWS = int(os.environ.get("PSP_SQL_TEST_ROWS", "101000"))

# The small tables of docs/sql.md's examples (tests/sql/test_docs.py, test_spark.py).
HISTORY = [
    ("1", "stripe", "decline_code", "do_not_honor"),
    ("2", "checkout", "response_code", "020051"),
    ("3", "Alma", "error_code", "validation_error_zip"),
    ("4", "purse", "http_status", "teapot"),
]


PAYMENTS = [
    ("p1", "stripe", "requires_payment_method", "do_not_honor"),
    ("p2", "Stripe", "succeeded", None),
    ("p3", "stripe", None, None),
]
# The decline code outranks the status; a lone status answers; no signal at all is NULL (reclassify
# rejects such a row).
RESOLVED = [
    ("p1", "ERROR", "REJECTED_BANK", "exact"),
    ("p2", "SUCCESS", "SUCCEEDED", "exact"),
    ("p3", None, None, None),
]


def binary() -> Path:
    """The debug CLI, built when missing (scripts/test builds it with `cargo test` first)."""
    exe = ROOT / "target" / "debug" / "psp-status"
    subprocess.run(["cargo", "build", "--quiet", "--bin", "psp-status"], cwd=ROOT, check=True)
    return exe


def run(*args: str) -> str:
    return subprocess.run(
        [str(binary()), *args], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout


# Rows no generator writes: provider spellings the engine accepts, case variants on
# case-insensitive and exact surfaces, leading zeros of any length, quotes, backslashes,
# non-ASCII, line breaks, empty values, and values around every kind of rule.
EXTRA = [
    ("STRIPE", "decline_code", "insufficient_funds"),
    ("Stripe", "decline_code", "brand_new_decline"),
    ("sTrIpE", "decline_code", ""),
    ("stripe", "decline_code", "Insufficient_Funds"),
    ("checkout", "payment.status", "PENDING"),
    # Display names, as the engine reads them (any ASCII case), and near misses it rejects.
    ("Checkout.com", "response_code", "20051"),
    ("CHECKOUT.COM", "payment.status", "pEnDiNg"),
    ("checkout.com", "response_code", "0000020999"),
    ("Checkout.com", "error_codes", "brand_new_code"),
    ("Checkout .com", "response_code", "20051"),
    ("Checkout.com ", "response_code", "20051"),
    ("checkout.co", "response_code", "20051"),
    ("Alma", "payment.state", "paid"),
    ("Stripe", "Decline_Code", "do_not_honor"),
    ("checkout", "payment.status", "pEnDiNg"),
    ("checkout", "payment.status", "card verified"),
    ("CheckOut", "payment.status", "CARD VERIFIED"),
    ("checkout", "response_code", "020051"),
    ("checkout", "response_code", "0000000000000000000000020051"),
    ("checkout", "response_code", "00000000000000000000000000000000000000000019999"),
    ("checkout", "response_code", "99999999999999999999999"),
    ("checkout", "response_code", "18446744073709551616"),
    ("checkout", "response_code", "2005l"),
    ("checkout", "response_code", "+20051"),
    ("checkout", "response_code", " 20051"),
    ("checkout", "response_code", "20051 "),
    ("checkout", "response_code", "0"),
    ("checkout", "response_code", ""),
    ("alma", "error_code", "validation_error_"),
    ("alma", "error_code", "validation_error_x'y"),
    ("alma", "error_code", "VALIDATION_ERROR_missing"),
    ("alma", "error_code", 'quote"d'),
    ("alma", "error_code", "back\\slash"),
    ("alma", "error_code", "it's"),
    ("alma", "error_code", "caf\u00e9 \u2603 \U0001f600"),
    ("alma", "error_code", "line\nbreak"),
    ("alma", "error_code", "tab\there"),
    ("alma", "http_status", "404"),
    ("alma", "http_status", "0404"),
    ("alma", "http_status", "499"),
    ("alma", "http_status", "600"),
    ("purse", "http_status", "00500"),
    ("stripe", "http_status", "450"),
    ("ALMA", "payment.state", "paid"),
    ("alma", "payment.state", "PAID"),
    ("\u212aalma", "payment.state", "paid"),
    # Non-ASCII letters whose Unicode lower case is ASCII (Kelvin sign, dotted capital I): the
    # engine folds ASCII only, so these are unknown providers, never checkout or stripe.
    ("chec\u212aout", "payment.status", "Pending"),
    ("STR\u0130PE", "decline_code", "insufficient_funds"),
    ("checKout", "payment.status", "Pending"),
    ("alma", "Payment.State", "paid"),
    ("alma", "no_such.surface", "paid"),
    ("acme_pay", "decline_code", "x"),
]


# Display names the engine also reads as a provider (tables' `name`), in several ASCII cases.
DISPLAY = {"checkout": ["Checkout.com", "CHECKOUT.COM", "checkout.com"]}


@pytest.fixture(scope="session")
def history(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A generated history (ROWS rows plus EXTRA), the rows the SQL engines load, and the
    engine's verdict on each row (None when `reclassify` rejects it)."""
    d = tmp_path_factory.mktemp("sql")
    gen = d / "generated.csv"
    run("generate", "--rows", str(ROWS), "--seed", "2026", "-o", str(gen))
    rows: list[tuple[str, str, str, str]] = []
    with gen.open(newline="", encoding="utf-8") as f:
        r = csv.reader(f)
        next(r)
        for line in r:
            if len(line) == 7:
                rows.append((line[0], line[4], line[5], line[6]))
    for i, (p, s, raw) in enumerate(EXTRA):
        rows.append((f"extra_{i}", p, s, raw))
    src = d / "history.csv"
    with src.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "provider", "surface", "raw"])
        w.writerows(rows)
    out = d / "out.csv"
    run("reclassify", str(src), "-o", str(out), "--quiet")
    verdict: dict[str, tuple[str, str, str | None, str] | None] = {r[0]: None for r in rows}
    with out.open(newline="", encoding="utf-8") as f:
        for rec in csv.DictReader(f):
            verdict[rec["id"]] = (
                rec["state"],
                rec["code"],
                rec["operation"] or None,
                rec["matched"],
            )
    assert len(rows) >= 100_000 or ROWS < 101_000
    return {"rows": rows, "verdict": verdict, "csv": src, "dir": d}


def one(row: tuple[Any, ...] | None) -> tuple[Any, ...]:
    """The row a query that always returns one returned (a clear failure if it returned none)."""
    assert row is not None, "the query returned no row"
    return row


def compare(history: dict[str, Any], got: dict[str, tuple[Any, ...] | None]) -> None:
    """Every row's (state, code, operation, matched) equals the engine's; a row the engine
    rejects (unknown provider or surface) is NULL in SQL."""
    bad = []
    for rid, want in history["verdict"].items():
        have = got.get(rid, "missing")
        if have != want:
            bad.append((rid, want, have))
    assert not bad, f"{len(bad)} disagreements, first: {bad[:10]}"


def assert_coverage(anchors_seen: set[str], rule_anchors: set[str]) -> None:
    """Every rule and default was exercised by some row."""
    missing = rule_anchors - anchors_seen
    assert not missing, f"rules and defaults no row exercised: {sorted(missing)}"


@pytest.fixture(scope="session")
def signals(history: dict[str, Any]) -> list[dict[str, Any]]:
    """Per provider, a history with several signal columns per row (values drawn from the
    generated rows of each surface, some absent, provider names in several spellings) and the
    engine's verdict from `psp-status reclassify --signal SURFACE=COLUMN ...`."""
    import random

    rnd = random.Random(13)
    by_surface: dict[str, dict[str, list[str]]] = {}
    for rid, p, s, raw in history["rows"][:ROWS]:
        if p not in ("alma", "purse", "stripe", "checkout") or history["verdict"][rid] is None:
            continue
        by_surface.setdefault(p, {}).setdefault(s, []).append(raw)
    out = []
    for provider, surfaces in sorted(by_surface.items()):
        # Up to four of the provider's surfaces, most used first (not precedence order).
        names = sorted(surfaces, key=lambda s: (-len(surfaces[s]), s))[:4]
        if len(names) < 2:
            continue
        cols = [f"sig_{i}" for i in range(len(names))]
        rows = []
        for i in range(4000):
            spelling = rnd.choice(
                [provider, provider.upper(), provider.capitalize(), *DISPLAY.get(provider, [])]
            )
            vals = ["" if rnd.random() < 0.3 else rnd.choice(surfaces[s]) for s in names]
            if i % 50 == 0:
                vals = [""] * len(names)  # every signal absent
            rows.append([f"{provider}_{i}", spelling, *vals])
        src = history["dir"] / f"signals_{provider}.csv"
        with src.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["id", "provider", *cols])
            w.writerows(rows)
        dst = history["dir"] / f"signals_{provider}.out.csv"
        args = [a for s, c in zip(names, cols, strict=True) for a in ("--signal", f"{s}={c}")]
        run("reclassify", str(src), "-o", str(dst), "--quiet", *args)
        verdict: dict[str, tuple[Any, ...] | None] = {r[0]: None for r in rows}
        with dst.open(newline="", encoding="utf-8") as f:
            for rec in csv.DictReader(f):
                verdict[rec["id"]] = (
                    rec["state"],
                    rec["code"],
                    rec["operation"] or None,
                    rec["matched"],
                )
        out.append({"provider": provider, "surfaces": names, "rows": rows, "verdict": verdict})
    assert len(out) >= 3
    return out


def compare_resolved(case: dict[str, Any], got: dict[str, tuple[Any, ...] | None]) -> None:
    """Every row of a multi-signal case (`signals`) resolved as `reclassify --signal` did."""
    bad = [
        (rid, want, got.get(rid)) for rid, want in case["verdict"].items() if got.get(rid) != want
    ]
    assert not bad, f"{case['provider']}: {len(bad)} disagreements, first: {bad[:5]}"
