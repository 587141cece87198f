"""Shared fixtures: the clean of the bundled raw file, computed once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from study.clean.pipeline import CleanResult, clean_file

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw" / "hokatsu_plans.txt"


@pytest.fixture(scope="session")
def bundled() -> CleanResult:
    """The bundled file, cleaned once."""
    return clean_file()


@pytest.fixture(scope="session")
def entity(bundled):
    """Look up one entity row by official municipality name (or prefecture name for prefecture rows)."""
    e = bundled.entities

    def get(name: str):
        rows = e[(e["municipality"] == name) | ((e["level"] == "prefecture") & (e["prefecture"] == name))]
        assert len(rows) == 1, f"{name}: {len(rows)} rows"
        return rows.iloc[0]

    return get
