"""Notebooks are committed without outputs, with one parameters cell, and keep their logic in src/study/."""

from __future__ import annotations

import json

import nbformat
import pytest

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_committed_without_outputs(path):
    raw = json.loads(path.read_text(encoding="utf-8"))
    nb = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
    nbformat.validate(nb)
    for cell in raw["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{path.name}: a code cell has outputs (clear them before committing)"
            assert cell["execution_count"] is None, f"{path.name}: a code cell has an execution count"
        assert "papermill" not in cell.get("metadata", {}), f"{path.name}: papermill metadata in a cell"
        assert "execution" not in cell.get("metadata", {})
    assert "papermill" not in raw["metadata"], f"{path.name}: this is an executed notebook (papermill metadata)"
    assert raw["metadata"]["kernelspec"]["name"] == "python3"  # opens with the default kernel in JupyterLab


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_logic_lives_in_the_library(path):
    nb = nbformat.read(path, as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert not any(line.lstrip().startswith(("def ", "class ")) for src in code for line in src.splitlines()), (
        "define functions in src/study/, not in the notebook"
    )
    logic = [c.source for c in nb.cells if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])]
    assert all(len(src.splitlines()) <= 12 for src in logic), "keep code cells short: call the library"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
