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
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from study.paths import processed_dir

if TYPE_CHECKING:  # the runner imports this module: keep pandas and the models out of its import time
    import pandas as pd

    from study.models.results import HeadlineResult

ENV_RUN_DIR = "STUDY_RUN_DIR"
ENV_DATA_DIR = "STUDY_DATA_DIR"
ENV_NOTEBOOK = "STUDY_NOTEBOOK"
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


def runner_data_dir() -> Path | None:
    """The cleaned-data folder the runner prepared, or ``None`` outside the runner (the data audit
    then cleans its ``raw_path`` itself when one is given)."""
    value = os.environ.get(ENV_DATA_DIR)
    return Path(value) if value else None


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


def result(name: str, estimate: object, **fields: Any) -> HeadlineResult:
    """One headline number of the running notebook: :func:`study.models.results.headline_result`
    (same parameters: ``n`` required, ``interval``, ``label``, ``unit``, ``method``, ``reference``)
    with the ``notebook`` key set."""
    from study.models.results import headline_result

    record = headline_result(name, estimate, **fields)
    record["notebook"] = notebook_name()
    return record


def record_results(results: Sequence[HeadlineResult]) -> Path | None:
    """Record the notebook's headline numbers; the runner gathers them into ``results.json``.

    Parameters
    ----------
    results : sequence of HeadlineResult
        Records made by :func:`study.models.results.headline_result` (or :func:`result`); the
        ``notebook`` key is set to the running notebook where it is missing.

    Returns
    -------
    pathlib.Path or None
        The scratch file, or ``None`` outside the runner.
    """
    results = [{**r, "notebook": r.get("notebook", notebook_name())} for r in results]  # type: ignore[misc]
    names = [r["name"] for r in results]
    if len(set(names)) != len(names):
        raise ValueError(f"duplicate result names: {names}")
    folder = _folder(RESULTS_SCRATCH)
    if folder is None:
        return None
    path = folder / f"{notebook_name()}.json"
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def publish(
    name: str,
    table: pd.DataFrame | None = None,
    *,
    figure: Any = None,
    figure_name: str | None = None,
    round_table: bool = True,
) -> pd.DataFrame | None:
    """Round a table, save it, save and show a figure: the block every notebook cell repeats.

    Parameters
    ----------
    name : str
        Name of the table (``tables/<name>.csv``) and, unless ``figure_name`` is given, of the figure
        (``figures/<name>.png`` and ``.svg``).
    table : pandas.DataFrame, optional
        The table; unless ``round_table`` is false, float columns are rounded to 6 significant
        digits (:func:`study.analysis.tables.rounded`) before it is saved.
    figure : matplotlib.figure.Figure, optional
        A figure to save (under the runner) and show once in the notebook (then closed).
    figure_name : str, optional
        File name of the figure when it differs from ``name``.
    round_table : bool
        Round the table's floats (true) or save it as it is (false: tables rounded by the analysis).

    Returns
    -------
    pandas.DataFrame or None
        The table as saved (rounded), for display; ``None`` when there is no table.
    """
    from study.analysis.plotting import show
    from study.analysis.tables import rounded

    out = None
    if table is not None:
        out = rounded(table) if round_table else table
        save_table(out, name)
    if figure is not None:
        show(figure, save_figure(figure, figure_name or name))
    return out
