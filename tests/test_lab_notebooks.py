"""Each notebook runs top to bottom with its defaults, as a user pressing "Run all" in JupyterLab would.

nbclient executes the notebook file as it is (no papermill parameters, no runner environment) in a
kernel pinned to this interpreter (:func:`study.runner.kernel.pinned_kernel`). Outside the runner a
notebook reads ``data/processed/`` and writes no files; the test checks that no cell fails, that the
findings are shown as Markdown in the notebook's label language, and that tables are shown without
NaN, None or scientific notation.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from study.analysis.prose import FINDINGS_HEADING
from study.runner.kernel import KERNEL_NAME, pinned_kernel

ROOT = Path(__file__).resolve().parents[1]
#: Heavy notebooks (minutes at their defaults) are left out here; tests/test_dask_slow.py runs 50_multiverse
#: through `study report` with a small grid.
HEAVY = {"50_multiverse"}
NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").glob("*.ipynb") if p.stem not in HEAVY)
#: Real kernels (one process per notebook, 5–15 s each): `make test-slow`.
pytestmark = pytest.mark.slow


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_run_all_with_defaults(path, tmp_path, monkeypatch):
    from nbclient import NotebookClient

    for var in ("STUDY_RUN_DIR", "STUDY_DATA_DIR", "STUDY_NOTEBOOK"):
        monkeypatch.delenv(var, raising=False)
    nb = nbformat.read(path, as_version=4)
    with pinned_kernel() as manager:
        client = NotebookClient(
            nb,
            timeout=600,
            kernel_name=KERNEL_NAME,
            kernel_manager_class=manager,
            resources={"metadata": {"path": str(tmp_path)}},
        )
        client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    markdown = [o["data"]["text/markdown"] for o in outputs if "text/markdown" in o.get("data", {})]
    assert any(m.startswith("## " + FINDINGS_HEADING["ja"]) for m in markdown), (
        "findings shown as Markdown (default: ja)"
    )
    tables = [o["data"]["text/html"] for o in outputs if "<table" in o.get("data", {}).get("text/html", "")]
    assert tables
    for t in tables:
        cells = re.findall(r"<t[dh]\b[^>]*>(.*?)</t[dh]>", t, re.S)
        assert not [c for c in cells if re.search(r"\bNaN\b|\bNone\b|\b\d+(\.\d+)?[eE][-+]?\d+\b", c)]
    assert not list(tmp_path.iterdir()), "a notebook run by hand writes no files"
