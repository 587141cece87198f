"""The cleaned tables the analyses read, the analysis frame with a notebook's exclusions, and the
small table helpers every question shares (exclusions, rounding for stable CSV bytes).

The folder of the cleaned tables is a plain value: the notebook passes the one its context names
(:func:`study.runner.context.data_dir`); the default is :func:`study.paths.processed_dir`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from study.models.frame import AnalysisFrame, analysis_frame
from study.paths import processed_dir

#: Staffing measure of the analysis frame (see :mod:`study.models.frame`).
StaffingMeasure = Literal["as_printed", "headcount", "exclude_fractional"]
#: Reading of the public-assistance rate (see :mod:`study.models.frame`).
WelfareReading = Literal["corrected", "printed"]


def read_csv(path: Path | str) -> pd.DataFrame:
    """Read one of the cleaned CSV tables as the cleaning wrote it.

    Parameters
    ----------
    path : pathlib.Path or str
        A CSV file of the cleaned data (``corrections.csv``, ``issues.csv``, ``targets.csv``…).

    Returns
    -------
    pandas.DataFrame
        Every column as pandas ``string`` (empty cells missing), except ``source_line`` (``Int64``,
        a line number of the raw file) when present.
    """
    df = pd.read_csv(path, dtype="string", keep_default_na=False, na_values=[""], encoding="utf-8")
    if "source_line" in df:
        df["source_line"] = pd.to_numeric(df["source_line"]).astype("Int64")
    return df


@dataclass(frozen=True)
class Tables:
    """The cleaned tables the analysis notebooks read.

    Attributes
    ----------
    entities : pandas.DataFrame
        One row per plan (``entities.parquet``).
    corrections : pandas.DataFrame
        Every correction of a printed value (``corrections.csv``).
    targets : pandas.DataFrame
        One row per quantified target (``targets.csv``).
    source : str
        The folder they were read from.
    """

    entities: pd.DataFrame
    corrections: pd.DataFrame
    targets: pd.DataFrame
    source: str


def load_tables(data_dir: Path | str | None = None) -> Tables:
    """The cleaned entities, corrections and targets.

    Parameters
    ----------
    data_dir : pathlib.Path or str, optional
        Folder of the cleaned tables (the notebook passes its context's data folder);
        default :func:`study.paths.processed_dir` (``data/processed/``).

    Returns
    -------
    Tables
        The three tables and the folder they came from.
    """
    folder = Path(data_dir) if data_dir is not None else processed_dir()
    return Tables(
        entities=pd.read_parquet(folder / "entities.parquet"),
        corrections=read_csv(folder / "corrections.csv"),
        targets=read_csv(folder / "targets.csv"),
        source=str(folder),
    )


def load_frame(
    tables: Tables,
    *,
    include_prefectures: bool = False,
    exclude_zero_staff: bool = False,
    staffing: StaffingMeasure = "as_printed",
    welfare: WelfareReading = "corrected",
    require: Sequence[str] = ("staff", "population"),
) -> AnalysisFrame:
    """:func:`study.models.analysis_frame` of the cleaned tables with a notebook's exclusions.

    Parameters
    ----------
    tables : Tables
        The cleaned tables (:func:`load_tables`).
    include_prefectures : bool
        Keep the prefecture plans.
    exclude_zero_staff : bool
        Drop plans placing no 推進員.
    staffing : {"as_printed", "headcount", "exclude_fractional"}
        Staffing measure of column ``staff`` (persons; FTE as printed or rounded up).
    welfare : {"corrected", "printed"}
        Reading of the public-assistance rate (‰).
    require : sequence of str
        Columns that must be present (rows missing one are excluded, with the reason logged).

    Returns
    -------
    study.models.AnalysisFrame
        The frame (one row per plan), the excluded rows with reasons, and the options.
    """
    return analysis_frame(
        tables.entities,
        tables.corrections,
        include_prefectures=include_prefectures,
        exclude_zero_staff=exclude_zero_staff,
        staffing=staffing,
        welfare=welfare,
        require=tuple(require),
    )


def exclusions_table(frame: AnalysisFrame) -> pd.DataFrame:
    """Rows left out of the analysis frame, counted by reason, with the n kept.

    Parameters
    ----------
    frame : study.models.AnalysisFrame
        An analysis frame (:func:`load_frame`).

    Returns
    -------
    pandas.DataFrame
        ``reason, n_excluded`` (plans), ``names`` (comma-separated) and ``n_analysed`` (plans kept),
        sorted by reason.
    """
    ex = frame.excluded.groupby("reason").size().rename("n_excluded").reset_index()
    ex["names"] = [
        ", ".join(frame.excluded.loc[frame.excluded["reason"] == r, "name"].astype(str)) for r in ex["reason"]
    ]
    ex["n_analysed"] = frame.n
    return ex.sort_values("reason").reset_index(drop=True)


def rounded(df: pd.DataFrame, digits: int = 6) -> pd.DataFrame:
    """Floats rounded to significant digits, so that the CSV bytes are stable.

    Parameters
    ----------
    df : pandas.DataFrame
        Any table.
    digits : int
        Significant digits kept in float columns.

    Returns
    -------
    pandas.DataFrame
        A copy; float columns rounded (NaN and infinities kept), other columns unchanged.
    """
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_float_dtype(out[c]):
            out[c] = [float(f"{v:.{digits}g}") if np.isfinite(v) else v for v in out[c].to_numpy()]
    return out


def choice_summary_table(
    specs: pd.DataFrame, choices: Sequence[str], shares: Mapping[str, str], n_range: bool = False
) -> pd.DataFrame:
    """Per analysis choice and option: number of specifications and the median, smallest and largest estimate.

    Parameters
    ----------
    specs : pandas.DataFrame
        One row per specification with ``estimate`` and one column per choice.
    choices : sequence of str
        The choice columns, in the order of the table.
    shares : mapping of str to str
        Output column -> boolean column of ``specs`` whose mean (0 to 1) it reports.
    n_range : bool
        Also report ``n_min``/``n_max`` (plans, from the ``n`` column).

    Returns
    -------
    pandas.DataFrame
        ``choice, option, n_specs, median_estimate, min_estimate, max_estimate``, the shares, then the n range.
    """
    rows = []
    for col in choices:
        for opt, g in specs.groupby(col, sort=True):
            row = dict(
                choice=col,
                option=str(opt),
                n_specs=len(g),
                median_estimate=float(g["estimate"].median()),
                min_estimate=float(g["estimate"].min()),
                max_estimate=float(g["estimate"].max()),
            )
            row.update({out: float(g[src].mean()) for out, src in shares.items()})
            if n_range:
                row.update(n_min=int(g["n"].min()), n_max=int(g["n"].max()))
            rows.append(row)
    return pd.DataFrame(rows)
