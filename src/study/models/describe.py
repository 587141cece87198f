"""Descriptive estimates with intervals: institutions, shares, rates (questions 3 and 4).

* :func:`summarise` -- median (or mean) of columns with a pairs-bootstrap
  interval (BCa by default), plus quartiles and n.
* :func:`tabulate` -- shares of a categorical column (e.g.
  ``implementer_type_takikan``) with Wilson score intervals.
* :func:`consultation_rate` -- a per-plan annual consultation target per
  1,000 residents from a targets table (``targets.csv``: ``entity_id, kind,
  annual_value``), summed over a plan's consultation targets.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from study.models.design import numeric
from study.models.montecarlo import bca_bounds_mc_se, percentile_bounds_mc_se
from study.models.resample import bca_interval, percentile_interval
from study.models.results import RESULT_COLUMNS, as_rng
from study.models.wald import critical_value

#: Institution indicators of question 3 (columns of the analysis frame).
INSTITUTION_COLUMNS = (
    "hokatsu_per_10k_older",
    "hokatsu_outsourced_share",
    "hokatsu_total",
    "konkyu_total",
    "konkyu_per_100k",
)


def summarise(
    frame: pd.DataFrame,
    columns: Sequence[str] = INSTITUTION_COLUMNS,
    stat: str = "median",
    n_boot: int = 2000,
    seed: int = 0,
    level: float = 0.95,
    method: str = "percentile",
) -> pd.DataFrame:
    """Per column: ``stat`` (median or mean) over non-missing rows with a bootstrap interval.

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame's data.
    columns : sequence of str
        Columns summarised (each in its own unit).
    stat : {"median", "mean"}
        The statistic.
    n_boot : int
        Bootstrap resamples.
    seed : int
        Seed of the bootstrap.
    level : float
        Confidence level.
    method : {"percentile", "bca"}
        Interval: percentile (default; the jackknife behind BCa is unreliable for a median) or BCa.

    Returns
    -------
    pandas.DataFrame
        ``name, estimate, ci_low, ci_high, n, q1, q3, min, max, mean, stat, method, n_boot`` and the Monte
        Carlo SEs of the bounds ``mc_se_low``, ``mc_se_high`` (:mod:`study.models.montecarlo`), one row per
        column, in the column's unit (``n``: rows with a value).
    """
    if stat not in ("median", "mean"):
        raise ValueError("stat must be 'median' or 'mean'")
    f = np.median if stat == "median" else np.mean
    rng = as_rng(seed)
    rows = []
    for col in columns:
        v = numeric(frame, col)
        v = v[np.isfinite(v)]
        est = float(f(v))
        draws = f(v[rng.integers(0, v.size, (n_boot, v.size))], axis=1)
        if method == "bca":
            jk = np.array([f(np.delete(v, i)) for i in range(v.size)])
            lo, hi, *_ = bca_interval(est, draws, jk, level)
            se_lo, se_hi = bca_bounds_mc_se(est, draws, jk, level)
        elif method == "percentile":
            lo, hi = percentile_interval(draws, level)
            se_lo, se_hi = percentile_bounds_mc_se(draws, level)
        else:
            raise ValueError("method must be 'percentile' or 'bca'")
        rows.append(
            dict(
                name=col,
                estimate=est,
                ci_low=lo,
                ci_high=hi,
                n=int(v.size),
                q1=float(np.quantile(v, 0.25)),
                q3=float(np.quantile(v, 0.75)),
                min=float(v.min()),
                max=float(v.max()),
                mean=float(v.mean()),
                stat=stat,
                method=method,
                n_boot=n_boot,
                mc_se_low=se_lo,
                mc_se_high=se_hi,
            )
        )
    cols = [*RESULT_COLUMNS, "q1", "q3", "min", "max", "mean", "stat", "method", "n_boot", "mc_se_low", "mc_se_high"]
    return pd.DataFrame(rows, columns=cols)


def wilson(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a proportion k/n.

    Parameters
    ----------
    k : int
        Successes.
    n : int
        Trials.
    level : float
        Confidence level.

    Returns
    -------
    (float, float)
        Low and high (shares, 0 to 1); NaN for n = 0.
    """
    if n == 0:
        return (np.nan, np.nan)
    z = critical_value(level)
    p = k / n
    c = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    h = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return float(max(c - h, 0.0)), float(min(c + h, 1.0))


def tabulate(frame: pd.DataFrame, column: str, level: float = 0.95, dropna: bool = True) -> pd.DataFrame:
    """Shares of each level of ``column`` with Wilson intervals.

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame's data.
    column : str
        A categorical column.
    level : float
        Confidence level of the Wilson intervals (:func:`wilson`).
    dropna : bool
        Leave out missing values (else they count as level ``(missing)``).

    Returns
    -------
    pandas.DataFrame
        ``name, estimate, ci_low, ci_high, n, count, column``: one row per level, share (0 to 1)
        with its interval, ``n`` = rows with a value, ``count`` = rows at that level.
    """
    s = frame[column]
    s = s.astype(object).where(s.notna(), None)
    if not dropna:
        s = s.fillna("(missing)")
    counts = s.dropna().astype(str).value_counts()
    n = int(counts.sum())
    rows = []
    for lev, k in counts.items():
        lo, hi = wilson(int(k), n, level)
        rows.append(dict(name=str(lev), estimate=k / n, ci_low=lo, ci_high=hi, n=n, count=int(k), column=column))
    return pd.DataFrame(rows, columns=[*RESULT_COLUMNS, "count", "column"])


def consultation_rate(
    frame: pd.DataFrame,
    targets: pd.DataFrame,
    kind: str = "consultations",
    value: str = "annual_value",
    per: float = 1000.0,
    projects: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Annual consultation target per ``per`` residents, one row per plan that states one.

    Sums ``value`` over the plan's rows of ``targets`` with ``kind == kind``, a non-missing value
    and, if given, ``project`` in ``projects``; plans without such a target are left out.

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame's data (``entity_id``, ``name``, ``population`` in residents).
    targets : pandas.DataFrame
        The cleaned targets table (``CleanResult.targets``).
    kind : str
        Target kind counted.
    value : str
        Column of the annualised value (consultations per year).
    per : float
        Residents the rate is expressed per (e.g. 1,000).
    projects : sequence of str, optional
        Projects counted (default: all).

    Returns
    -------
    pandas.DataFrame
        ``entity_id, name, population, annual_target, n_targets, rate`` (consultations per year per
        ``per`` residents).
    """
    t = targets.assign(_v=pd.to_numeric(targets[value]).astype("Float64").to_numpy(dtype=float, na_value=np.nan))
    keep = (t["kind"] == kind) & t["_v"].notna()
    if projects is not None:
        keep &= t["project"].isin(list(projects))
    t = t[keep]
    g = t.groupby(t["entity_id"].astype(str))["_v"]
    tot = pd.concat([g.sum().rename("annual_target"), g.size().rename("n_targets")], axis=1)
    f = frame[["entity_id", "name", "population"]].copy()
    f["entity_id"] = f["entity_id"].astype(str)
    out = f.merge(tot, left_on="entity_id", right_index=True, how="inner")
    out["rate"] = out["annual_target"] / out["population"] * per
    return out.reset_index(drop=True)
