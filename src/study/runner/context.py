"""What a notebook calls to write its outputs: figures, tables, headline results.

Under the runner, the kernel's environment names the run's (temporary) output
folder (``STUDY_RUN_DIR``), the cleaned-data folder (``STUDY_DATA_DIR``) and the
notebook (``STUDY_NOTEBOOK``). Opened by hand in JupyterLab, none is set: the
notebook runs the same, reads ``data/processed/`` and writes no files.

Outputs are byte-stable for the same inputs: CSV in UTF-8 with LF and a fixed
row order, ``results.json`` with rounded numbers and no timestamps.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

from study.paths import processed_dir

ENV_RUN_DIR = "STUDY_RUN_DIR"
ENV_DATA_DIR = "STUDY_DATA_DIR"
ENV_NOTEBOOK = "STUDY_NOTEBOOK"
#: Significant digits kept for numbers in results.json.
DIGITS = 6
#: Scratch folder (inside the run folder) where each notebook's results are collected.
RESULTS_SCRATCH = ".results"


def run_dir() -> Path | None:
    """The run's output folder, or ``None`` outside the runner."""
    value = os.environ.get(ENV_RUN_DIR)
    return Path(value) if value else None


def data_dir() -> Path:
    """Folder of the cleaned tables the notebook reads (verified fresh by the runner)."""
    value = os.environ.get(ENV_DATA_DIR)
    return Path(value) if value else processed_dir()


def notebook_name() -> str:
    """Name of the running notebook (``interactive`` outside the runner)."""
    return os.environ.get(ENV_NOTEBOOK, "interactive")


def _folder(sub: str) -> Path | None:
    root = run_dir()
    if root is None:
        return None
    folder = root / sub
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save_figure(fig: Any, name: str) -> list[Path]:
    """Save a figure as ``figures/<name>.png`` and ``.svg`` (nothing outside the runner)."""
    from study.analysis.plotting import save_figure as _save

    folder = _folder("figures")
    return [] if folder is None else _save(fig, folder / name)


def save_table(df: Any, name: str) -> Path | None:
    """Save a table as ``tables/<name>.csv``: UTF-8, LF, no index, nulls empty (nothing outside the runner)."""
    folder = _folder("tables")
    if folder is None:
        return None
    path = folder / f"{name}.csv"
    df.to_csv(path, index=False, encoding="utf-8", lineterminator="\n", na_rep="")
    return path


def _round(x: Any) -> Any:
    if x is None:
        return None
    if isinstance(x, bool):
        return x
    if isinstance(x, int):
        return x
    try:
        f = float(x)
    except (TypeError, ValueError):
        return x
    if math.isnan(f):
        return None
    if f == int(f) and abs(f) < 1e15 and not isinstance(x, float):
        return int(f)
    return float(f"{f:.{DIGITS}g}")


def result(
    name: str,
    estimate: Any,
    *,
    n: int | None,
    interval: tuple[Any, Any] | None = None,
    label: str = "",
    unit: str = "",
    method: str = "",
    reference: Any = None,
) -> dict[str, Any]:
    """One headline number: its name, estimate, interval (or null), n, and how to read it."""
    if interval is not None:
        lo, hi = interval
        interval = [_round(lo), _round(hi)]
    return {
        "name": name,
        "label": label,
        "estimate": _round(estimate),
        "interval": interval,
        "n": None if n is None else int(n),
        "unit": unit,
        "method": method,
        "reference": _round(reference),
        "notebook": notebook_name(),
    }


def record_results(results: list[dict[str, Any]]) -> Path | None:
    """Record the notebook's headline numbers (see :func:`result`); the runner gathers them
    into ``results.json``. Returns the scratch file, or ``None`` outside the runner."""
    names = [r["name"] for r in results]
    if len(set(names)) != len(names):
        raise ValueError(f"duplicate result names: {names}")
    folder = _folder(RESULTS_SCRATCH)
    if folder is None:
        return None
    path = folder / f"{notebook_name()}.json"
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
