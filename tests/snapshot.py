"""Test helpers of the golden snapshot: its path, the headline numbers of every parameter set, and the
tolerant comparison. Library code has no paths into tests/; the snapshot belongs here.

Update the snapshot deliberately (after a change meant to move a number) with
``python scripts/update_golden.py``, and review the diff of ``tests/golden/results.json``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path

from study.analysis.registry import HEADLINE_NOTEBOOKS, headline
from study.models.results import HeadlineResult
from study.paths import project_root

TESTS = Path(__file__).resolve().parent
#: The golden snapshot of every parameter set's headline numbers.
GOLDEN = TESTS / "golden" / "results.json"
#: Small fixture files of the tests.
FIXTURES = TESTS / "fixtures"
#: The analysis extract R fits (``python -m study.models.reference`` writes it; ``scripts/r_reference.R`` reads it).
R_REFERENCE_DATA = FIXTURES / "r_reference_data.csv"

Compact = dict[str, object]


def compact(records: list[HeadlineResult]) -> list[Compact]:
    """The parts of each headline record the snapshot keeps: name, estimate, interval, n."""
    return [{k: r[k] for k in ("name", "estimate", "interval", "n")} for r in records]  # type: ignore[literal-required]


def params_headlines(params_dir: Path | str | None = None) -> dict[str, dict[str, list[Compact]]]:
    """Headline numbers of every parameter set (``params/*.yaml``) whose notebooks are questions, except
    the sets marked ``heavy: true`` (the multiverse: minutes of fits; its equivalence is tested by
    tests/test_parallel.py and tests/test_dask_slow.py).

    Returns parameter-set name -> notebook -> compact records.
    """
    from study.runner.params import load_param_set

    folder = Path(params_dir) if params_dir else project_root() / "params"
    out: dict[str, dict[str, list[Compact]]] = {}
    for path in sorted(folder.glob("*.yaml")):
        runs = {}
        ps = load_param_set(path)
        if ps.heavy:
            continue
        for run in ps.runs:
            if run.notebook in HEADLINE_NOTEBOOKS:
                runs[run.notebook] = compact(headline(run.notebook, run.params.model_dump()))
        if runs:
            out[path.stem] = runs
    return out


def close(a: object, b: object, tol: float = 1e-6) -> bool:
    """Numbers equal to ``tol`` (relative or absolute), recursively through lists and dicts; None == None."""
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(close(a[k], b[k], tol) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close(x, y, tol) for x, y in zip(a, b, strict=True))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return math.isclose(float(a), float(b), rel_tol=tol, abs_tol=tol)
    return a == b


def update_golden(path: Path | str = GOLDEN) -> Path:
    """Recompute every headline and write the golden snapshot (a deliberate act: review the diff)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(params_headlines(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path
