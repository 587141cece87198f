"""Design matrices from the analysis frame: complete cases, an intercept, named columns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Design:
    """Response ``y``, design ``X`` (intercept ``const`` first), optional ``offset``, and which rows were used."""

    y: np.ndarray
    X: np.ndarray
    names: list[str]
    offset: np.ndarray | None
    rows: pd.Index
    entity_id: list[str]
    n_dropped: int

    @property
    def n(self) -> int:
        return len(self.y)

    def col(self, name: str) -> int:
        """Column index of a term."""
        return self.names.index(name)


def numeric(frame: pd.DataFrame, col: str) -> np.ndarray:
    """A column as float64 with NaN for missing.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any frame.
    col : str
        Column (numbers or booleans).

    Returns
    -------
    numpy.ndarray
        float64 values (booleans -> 1/0), NaN where missing.
    """
    s = frame[col]
    if str(s.dtype) in ("boolean", "bool"):
        s = s.astype("Float64")
    return pd.to_numeric(s, errors="raise").astype("Float64").to_numpy(dtype=float, na_value=np.nan)


def design(
    frame: pd.DataFrame,
    y: str,
    covariates: Sequence[str] = (),
    offset: str | None = None,
    intercept: bool = True,
) -> Design:
    """Complete-case design for ``y ~ covariates (+ offset)``; rows with any missing value are dropped.

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame's data.
    y : str
        Outcome.
    covariates : sequence of str
        Terms.
    offset : str, optional
        Offset column (log scale).
    intercept : bool
        Add a constant column ``const``.

    Returns
    -------
    Design
        ``y``, ``X`` (n × p), ``offset``, the term names and the ids of the rows kept.
    """
    covariates = list(covariates)
    for c in [y, *covariates, *([offset] if offset else [])]:
        if c not in frame.columns:
            raise KeyError(f"column {c!r} not in the frame")
    cols = {c: numeric(frame, c) for c in dict.fromkeys([y, *covariates, *([offset] if offset else [])])}
    mask = np.ones(len(frame), bool)
    for v in cols.values():
        mask &= np.isfinite(v)
    Xcols = ([np.ones(mask.sum())] if intercept else []) + [cols[c][mask] for c in covariates]
    X = np.column_stack(Xcols) if Xcols else np.empty((int(mask.sum()), 0))
    names = (["const"] if intercept else []) + covariates
    if np.linalg.matrix_rank(X) < X.shape[1]:
        raise ValueError(f"design for {names} is rank deficient on the {int(mask.sum())} complete rows")
    eid = (
        frame["entity_id"].astype(str).to_numpy()[mask].tolist()
        if "entity_id" in frame.columns
        else [str(i) for i in np.flatnonzero(mask)]
    )
    return Design(
        y=cols[y][mask],
        X=X,
        names=names,
        offset=cols[offset][mask] if offset else None,
        rows=frame.index[mask],
        entity_id=eid,
        n_dropped=int((~mask).sum()),
    )


def dummies(frame: pd.DataFrame, col: str, reference: str | None = None, prefix: str | None = None) -> pd.DataFrame:
    """0/1 indicator columns of a categorical column (missing stays missing).

    Parameters
    ----------
    frame : pandas.DataFrame
        Any frame.
    col : str
        A categorical column.
    reference : str, optional
        Level left out (default: the most frequent level).
    prefix : str, optional
        Prefix of the new columns (default ``col``).

    Returns
    -------
    pandas.DataFrame
        The frame with the new columns added.
    """
    s = frame[col].astype(object).where(frame[col].notna(), None)
    levels = s.dropna().value_counts()
    if levels.empty:
        raise ValueError(f"{col!r} has no non-missing value")
    ref = reference if reference is not None else str(levels.index[0])
    out = frame.copy()
    pre = prefix or col
    for lev in sorted(levels.index.astype(str)):
        if lev == ref:
            continue
        out[f"{pre}_{lev}"] = np.where(s.isna(), np.nan, (s.astype(str) == lev).astype(float))
    return out
