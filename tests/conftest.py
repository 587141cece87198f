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


#: Parameter names that only set how many random draws a result rests on: the quick suite runs them at
#: their smallest allowed value (the figures, tables and prose have the same shape; the golden test and
#: the report runs use the real defaults).
_DRAW_COUNT_SUFFIXES = ("_draws", "permutations", "_simulations", "_repeats", "_replications")
#: At least this many draws, so that a resampling p-value exists (its floor is 1/20).
_FEWEST_DRAWS = 19


def heavy_notebooks() -> set[str]:
    """Notebooks of the parameter sets marked ``heavy: true`` (minutes at their defaults)."""
    from study.runner.params import load_param_set

    sets = [load_param_set(p) for p in sorted((ROOT / "params").glob("*.yaml"))]
    return {run.notebook for ps in sets if ps.heavy for run in ps.runs}


def cheap_parameters(notebook: str) -> dict[str, object]:
    """Every draw-count parameter of ``notebook`` at the lowest value its model allows; for a heavy
    notebook also every list of crossed choices cut to its first default (a grid of one)."""
    from study.analysis import registry

    model = type(registry.parameters(notebook))
    heavy = notebook in heavy_notebooks()
    cheap: dict[str, object] = {}
    for name, field in model.model_fields.items():
        if field.annotation is int and name.endswith(_DRAW_COUNT_SUFFIXES):
            floors = [m.ge for m in field.metadata if getattr(m, "ge", None) is not None]
            cheap[name] = max(int(max(floors)) if floors else int(field.default), _FEWEST_DRAWS)
        elif heavy and isinstance(field.default, list) and field.default:
            cheap[name] = field.default[:1]
    return cheap


@pytest.fixture(scope="session")
def quick_analyses():
    """Each question notebook's analysis of the bundled tables with :func:`cheap_parameters`, computed once."""
    from study.analysis import registry
    from study.analysis.tables import load_tables

    tables = load_tables()
    return {
        nb: registry.question(nb).analyse(tables, registry.parameters(nb, cheap_parameters(nb)))
        for nb in registry.QUESTIONS
    }


@pytest.fixture(scope="session")
def quick_headlines(quick_analyses):
    """The headline records of :func:`quick_analyses`."""
    from study.analysis import registry

    return {nb: registry.question(nb).headline(res) for nb, res in quick_analyses.items()}
