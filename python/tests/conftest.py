"""Shared fixtures: the psp-status command line (built by cargo if needed)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def cli() -> Path:
    """The debug psp-status binary of this checkout (cargo builds it when missing or stale)."""
    subprocess.run(["cargo", "build", "--quiet", "--bin", "psp-status"], cwd=ROOT, check=True)
    path = ROOT / "target" / "debug" / "psp-status"
    assert path.exists()
    return path
