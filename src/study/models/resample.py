"""Resampling inference: pairs bootstrap with BCa intervals, and permutation tests.

Bootstrap (:func:`bootstrap_count`, :func:`pairs_bootstrap`): cases (rows)
are resampled with replacement -- the *pairs* bootstrap, which keeps each
plan's response with its covariates and so needs no model for the variance.
The interval is BCa (Efron 1987) by default: bias correction z₀ from the
share of draws below the estimate, acceleration from the jackknife
(:func:`bca_interval`); ``method="percentile"`` is the plain percentile
interval. Draws come from a seeded ``numpy.random.Generator``, so results are
deterministic given ``seed``; the draws run in fixed blocks of 256 on an
optional ``executor`` (:mod:`study.models.parallel`: in-process, a local
process pool or Dask) and do not depend on it. Count models are refitted by the batched
kernels of :mod:`study.models.kernels` (a resample is a multinomial weight
vector), which makes 2,000+ draws cheap. Failed refits (non-convergence, a
resample with a constant covariate) are dropped and counted in ``n_failed``.

Permutation (:func:`permutation_test`): tests H0: β_focal = ``null`` in a
model with other covariates.

* ``"regressor_residuals"`` (default; Potter 2005, R's glmperm): regress the
  focal covariate on the others by OLS, permute its residuals, put them back
  on the fitted part, refit the full model. Valid for GLMs / count models
  because the response is never altered.
* ``"freedman_lane"`` (Freedman & Lane 1983): permute the residuals of the
  reduced model (without the focal covariate) and add them back to its
  fitted values, refit. Only for ``family="ols"`` (a linear model, e.g. of
  log staff per capita): for count families the permuted responses would be
  negative or non-integer, so it is refused.
* ``"raw"``: permute the focal column itself (exact only if the focal
  covariate is independent of the others; for comparison).

The test statistic is the Wald t/z of the focal coefficient (a pivotal
statistic, as Anderson & Robinson 2001 recommend), not the raw coefficient;
p = (1 + #{|t*| ≥ |t|}) / (1 + B). A non-zero ``null`` is tested by moving
``null × focal`` into the offset. No robust ("HC3") covariance is used:
statsmodels' ``cov_type="HC3"`` for GLM and discrete models is not HC3
(statsmodels #7798), and the permutation and bootstrap need none.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from study.models import kernels
from study.models.design import Design, design
from study.models.parallel import map_blocks
from study.models.results import RESULT_COLUMNS, Estimate, as_rng
from study.models.wald import wald

KERNEL_FAMILIES = {"poisson_ql": "poisson_ql", "poisson": "poisson", "negbin": "nb2", "ols": "ols"}
PERM_METHODS = ("regressor_residuals", "freedman_lane", "raw")


# --- intervals --------------------------------------------------------------------


def percentile_interval(draws: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """Percentile interval of bootstrap draws (NaN draws ignored).

    Parameters
    ----------
    draws : numpy.ndarray
        Bootstrap estimates, in the statistic's unit.
    level : float
        Confidence level.

    Returns
    -------
    (float, float)
        The (1−level)/2 and (1+level)/2 quantiles of the finite draws (NaN when there are none).
    """
    d = np.asarray(draws, float)
    d = d[np.isfinite(d)]
    if d.size == 0:
        return (np.nan, np.nan)
    a = (1 - level) / 2
    lo, hi = np.quantile(d, [a, 1 - a])
    return float(lo), float(hi)


def bca_interval(
    estimate: float, draws: np.ndarray, jackknife: np.ndarray, level: float = 0.95, centre: str = "mean"
) -> tuple[float, float, float, float]:
    """BCa interval from bootstrap draws and jackknife values.

    z₀ = Φ⁻¹(share of draws < estimate, ties counted half); acceleration
    a = Σ(c−θᵢ)³ / (6 [Σ(c−θᵢ)²]^{3/2}) over the leave-one-out values θᵢ, centred at
    c = θ̄ (their mean; Efron & Tibshirani 1993, eq. 14.15; the default, used for every reported
    interval) or at c = θ̂ (``centre="estimate"``: R ``boot::empinf(type = "jack")``'s default,
    L = (n−1)(θ̂ − θᵢ); Davison & Hinkley 1997). The two differ in the third digit of a at n ≈ 50
    (first-order equivalent); both are checked against ``boot.ci``.

    Parameters
    ----------
    estimate : float
        Full-sample estimate.
    draws : numpy.ndarray
        Bootstrap estimates (same unit).
    jackknife : numpy.ndarray
        Leave-one-out estimates (same unit).
    level : float
        Confidence level.
    centre : {"mean", "estimate"}
        Centre of the jackknife deviations (see above).

    Returns
    -------
    (float, float, float, float)
        ``(low, high, z0, acceleration)``; NaN bounds when z₀ is infinite (all draws on one side).
    """
    if centre not in ("mean", "estimate"):
        raise ValueError(f"centre must be 'mean' or 'estimate', not {centre!r}")
    d = np.asarray(draws, float)
    d = d[np.isfinite(d)]
    jk = np.asarray(jackknife, float)
    jk = jk[np.isfinite(jk)]
    if d.size == 0 or not np.isfinite(estimate):
        return (np.nan, np.nan, np.nan, np.nan)
    prop = (np.sum(d < estimate) + 0.5 * np.sum(d == estimate)) / d.size
    if prop <= 0 or prop >= 1:
        return (np.nan, np.nan, np.nan, np.nan)
    z0 = stats.norm.ppf(prop)
    dev = (jk.mean() if centre == "mean" else estimate) - jk if jk.size else np.zeros(1)
    den = 6 * np.sum(dev**2) ** 1.5
    acc = float(np.sum(dev**3) / den) if den > 0 else 0.0
    a = (1 - level) / 2
    out = []
    for q in (a, 1 - a):
        zq = stats.norm.ppf(q)
        adj = stats.norm.cdf(z0 + (z0 + zq) / (1 - acc * (z0 + zq)))
        out.append(float(np.quantile(d, adj)))
    return out[0], out[1], float(z0), acc


def bootstrap_weights(n: int, n_boot: int, rng: np.random.Generator, strata: np.ndarray | None = None) -> np.ndarray:
    """Multinomial frequency weights of a pairs bootstrap.

    Parameters
    ----------
    n : int
        Observations.
    n_boot : int
        Resamples.
    rng : numpy.random.Generator
        The generator.
    strata : numpy.ndarray, optional
        Stratum of each observation (length n): resample within strata.

    Returns
    -------
    numpy.ndarray
        (n_boot, n) counts; each row sums to n (and to each stratum's size within it).
    """
    if strata is None:
        return rng.multinomial(n, np.full(n, 1.0 / n), size=n_boot).astype(float)
    w = np.zeros((n_boot, n))
    strata = np.asarray(strata)
    for s in pd.unique(strata):
        idx = np.flatnonzero(strata == s)
        w[:, idx] = rng.multinomial(idx.size, np.full(idx.size, 1.0 / idx.size), size=n_boot)
    return w


def jackknife_weights(n: int) -> np.ndarray:
    """Leave-one-out frequency weights.

    Parameters
    ----------
    n : int
        Observations.

    Returns
    -------
    numpy.ndarray
        (n, n): row i has 0 at i and 1 elsewhere.
    """
    return 1.0 - np.eye(n)


# --- bootstrap --------------------------------------------------------------------


@dataclass(frozen=True)
class BootstrapResult:
    """``table``: one row per statistic with ``name, estimate, ci_low, ci_high, n, se_boot, bias,
    n_boot, n_failed, method, level``; ``draws`` (n_boot × statistics, failed draws NaN);
    ``jackknife`` (n × statistics)."""

    table: pd.DataFrame
    draws: pd.DataFrame = field(repr=False, metadata={"json": False})
    jackknife: pd.DataFrame = field(repr=False, metadata={"json": False})
    seed: int | None = None

    def row(self, name: str) -> pd.Series:
        return self.table.set_index("name").loc[name]


def summarise_draws(names, estimate, draws, jack, n, level, method, extra=None) -> pd.DataFrame:
    """One row per coefficient: the estimate with its bootstrap interval and the draws' spread.

    Parameters
    ----------
    names : sequence of str
        Coefficient names, one per column of ``draws``.
    estimate : numpy.ndarray
        Full-sample estimates (length p), in the coefficients' units.
    draws : numpy.ndarray
        Bootstrap estimates (B × p); non-finite entries are failed refits.
    jack : numpy.ndarray or None
        Leave-one-out estimates (n × p), needed by ``method="bca"`` (acceleration).
    n : int
        Number of observations (plans) behind the estimates.
    level : float
        Confidence level of the intervals (e.g. 0.95).
    method : {"bca", "percentile"}
        Interval type.
    extra : dict, optional
        Constant columns added to every row (e.g. ``{"family": "negbin"}``).

    Returns
    -------
    pandas.DataFrame
        ``name, estimate, ci_low, ci_high, n`` then ``se_boot, bias, n_boot, n_failed, method, level,
        z0, acceleration`` and the ``extra`` columns.
    """
    rows = []
    for j, name in enumerate(names):
        d = draws[:, j]
        ok = np.isfinite(d)
        if method == "bca":
            lo, hi, z0, acc = bca_interval(estimate[j], d, jack[:, j], level)
        elif method == "percentile":
            (lo, hi), z0, acc = percentile_interval(d, level), np.nan, np.nan
        else:
            raise ValueError(f"method must be 'bca' or 'percentile', not {method!r}")
        rows.append(
            dict(
                name=name,
                estimate=float(estimate[j]),
                ci_low=lo,
                ci_high=hi,
                n=n,
                se_boot=float(np.std(d[ok], ddof=1)) if ok.sum() > 1 else np.nan,
                bias=float(np.mean(d[ok]) - estimate[j]) if ok.any() else np.nan,
                n_boot=len(d),
                n_failed=int((~ok).sum()),
                method=method,
                level=level,
                z0=z0,
                acceleration=acc,
                **(extra or {}),
            )
        )
    out = pd.DataFrame(rows)
    return out[RESULT_COLUMNS + [c for c in out.columns if c not in RESULT_COLUMNS]]


def kernel_fit(family: str, X, y, w=None, offset=None) -> kernels.BatchFit:
    """Fit one model per weight row with the batched kernels of :mod:`study.models.kernels`.

    Parameters
    ----------
    family : {"poisson_ql", "poisson", "negbin", "ols", "firth"}
        Model family (Poisson IRLS for ``poisson_ql``/``poisson``, NB2 with α by ML, least squares,
        Firth-penalised logistic regression of a 0/1 outcome).
    X : numpy.ndarray
        Design matrix (n × p).
    y : numpy.ndarray
        Outcome (length n; counts for the count families).
    w : numpy.ndarray, optional
        Case weights (B × n; bootstrap counts or jackknife 0/1); ``None`` fits once with unit weights.
    offset : numpy.ndarray, optional
        Offset on the linear-predictor scale (length n).

    Returns
    -------
    study.models.kernels.BatchFit
        Coefficients (B × p) and the fit's by-products.
    """
    if family in ("poisson_ql", "poisson"):
        return kernels.poisson_irls(X, y, w, offset)
    if family == "negbin":
        return kernels.nb2_ml(X, y, w, offset)
    if family == "ols":
        return kernels.ols(X, y, w, offset)
    if family == "firth":
        return kernels.firth_logistic(X, y, w, offset)
    raise ValueError(f"family must be one of {(*KERNEL_FAMILIES, 'firth')}, not {family!r}")


def _boot_block(data, rng: np.random.Generator, start: int, stop: int) -> np.ndarray:
    """One block of pairs-bootstrap refits: (stop−start) × (p [+ α]) coefficients (NaN: failed)."""
    family, X, y, offset, strata, with_alpha = data
    W = bootstrap_weights(len(y), stop - start, rng, strata)
    fit = kernel_fit(family, X, y, W, offset)
    beta = np.asarray(fit.beta, float).reshape(stop - start, X.shape[1])
    return np.column_stack([beta, np.asarray(fit.alpha, float)]) if with_alpha else beta


def bootstrap_draws(
    family: str,
    X: np.ndarray,
    y: np.ndarray,
    offset: np.ndarray | None,
    n_boot: int,
    seed: int | np.random.Generator | None,
    strata: np.ndarray | None = None,
    with_alpha: bool = False,
    executor=None,
) -> np.ndarray:
    """Pairs-bootstrap refits in blocks of draws (:func:`study.models.parallel.map_blocks`).

    Parameters
    ----------
    family : {"poisson_ql", "poisson", "negbin", "ols", "firth"}
        Model refitted on each resample (``firth``: Firth logistic).
    X, y, offset : numpy.ndarray
        Design (n × p), outcome (n) and offset (n, log scale, or None).
    n_boot : int
        Resamples.
    seed : int or numpy.random.Generator or None
        Root of the block streams.
    strata : numpy.ndarray, optional
        Stratum of each row.
    with_alpha : bool
        Append the NB2 α as a last column.
    executor : optional
        Where the blocks run (:func:`study.models.parallel.get_executor`).

    Returns
    -------
    numpy.ndarray
        (n_boot × p [+1]) coefficients in draw order; NaN where a refit failed.
    """
    return map_blocks(_boot_block, (family, X, y, offset, strata, with_alpha), n_boot, seed, executor=executor)


def bootstrap_design(
    d: Design,
    family: str,
    n_boot: int = 2000,
    seed: int | np.random.Generator | None = 0,
    level: float = 0.95,
    method: str = "bca",
    strata: np.ndarray | None = None,
    return_alpha: bool = False,
    executor=None,
) -> BootstrapResult:
    """Pairs bootstrap of a count / linear model on a prepared :class:`Design` (see :func:`bootstrap_count`).

    Parameters
    ----------
    d : Design
        Outcome, design matrix and offset (:func:`study.models.design.design`).
    family : {"poisson_ql", "negbin", "ols", "firth"}
        Model (``firth``: Firth logistic regression of a 0/1 outcome, :func:`study.models.binary.firth_bootstrap`).
    n_boot : int
        Resamples.
    seed : int or numpy.random.Generator or None
        Seed (or generator) of the draws.
    level : float
        Confidence level.
    method : {"bca", "percentile"}
        Interval.
    strata : numpy.ndarray, optional
        Stratum of each row (resample within strata).
    return_alpha : bool
        Add a row for the NB2 α.
    executor : optional
        Where the blocks of draws run (:func:`study.models.parallel.get_executor`; results do not depend on it).

    Returns
    -------
    BootstrapResult
        ``table`` (one row per coefficient, :func:`summarise_draws`), the draws and the jackknife.
    """
    full = kernel_fit(family, d.X, d.y, offset=d.offset)
    est = np.atleast_1d(full.beta)
    names = list(d.names)
    with_alpha = return_alpha and family == "negbin"
    allb = bootstrap_draws(family, d.X, d.y, d.offset, n_boot, seed, strata, with_alpha, executor)
    draws = allb[:, : len(names)]
    if method == "bca":
        jack = kernel_fit(family, d.X, d.y, jackknife_weights(d.n), d.offset)
        jk, jk_alpha = jack.beta, jack.alpha
    else:  # the jackknife only feeds the BCa acceleration
        jk, jk_alpha = np.full((d.n, len(names)), np.nan), np.full(d.n, np.nan)
    if return_alpha and family == "negbin":
        names.append("alpha")
        est = np.r_[est, full.alpha]
        draws = allb
        jk = np.column_stack([jk, jk_alpha])
    table = summarise_draws(names, est, draws, jk, d.n, level, method, extra={"family": family})
    return BootstrapResult(
        table=table,
        draws=pd.DataFrame(draws, columns=names),
        jackknife=pd.DataFrame(jk, columns=names),
        seed=seed if isinstance(seed, int) else None,
    )


def bootstrap_count(
    frame: pd.DataFrame,
    y: str = "staff",
    covariates: Sequence[str] = ("log_pop",),
    family: str = "poisson_ql",
    offset: str | None = None,
    n_boot: int = 2000,
    seed: int | np.random.Generator | None = 0,
    level: float = 0.95,
    method: str = "bca",
    strata: str | None = None,
    executor=None,
) -> BootstrapResult:
    """Pairs bootstrap (BCa by default) of every coefficient of a count model.

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame's data (complete cases used).
    y : str
        Outcome (a count, persons or targets).
    covariates : sequence of str
        Terms of the model.
    family : {"poisson_ql", "negbin", "ols"}
        ``"poisson_ql"`` (= Poisson point estimates), ``"negbin"`` (NB2, α re-estimated by ML in
        every resample; α gets a row too) or ``"ols"``.
    offset : str, optional
        Offset column (log scale).
    strata : str, optional
        A column to resample within (e.g. a flag).
    n_boot, seed, level, method, executor
        As in :func:`bootstrap_design`.

    Returns
    -------
    BootstrapResult
        ``table``: ``name, estimate, ci_low, ci_high, n, se_boot, bias, n_boot, n_failed, method,
        level, z0, acceleration, family`` (coefficients in log-rate units), with the draws.
    """
    d = design(frame, y, covariates, offset)
    st = None
    if strata is not None:
        st = frame.loc[d.rows, strata].to_numpy()
    return bootstrap_design(d, family, n_boot, seed, level, method, st, return_alpha=True, executor=executor)


def _collect_statistic(statistic, frame: pd.DataFrame, k: int, idx_iter) -> np.ndarray:
    """The statistic on each row subset (NaN row where it fails or has the wrong length)."""
    out = np.full((len(idx_iter), k), np.nan)
    for b, idx in enumerate(idx_iter):
        try:
            v = np.atleast_1d(np.asarray(statistic(frame.iloc[idx].reset_index(drop=True)), float))
        except (ValueError, ZeroDivisionError, np.linalg.LinAlgError, FloatingPointError):
            continue
        if v.size == k:
            out[b] = v
    return out


def _statistic_block(data, rng: np.random.Generator, start: int, stop: int) -> np.ndarray:
    """One block of a generic pairs bootstrap: the statistic on (stop−start) resamples."""
    statistic, frame, k = data
    n = len(frame)
    return _collect_statistic(statistic, frame, k, [rng.integers(0, n, n) for _ in range(stop - start)])


def pairs_bootstrap(
    frame: pd.DataFrame,
    statistic: Callable[[pd.DataFrame], float | Sequence[float] | pd.Series],
    n_boot: int = 2000,
    seed: int | np.random.Generator | None = 0,
    level: float = 0.95,
    method: str = "bca",
    names: Sequence[str] | None = None,
    executor=None,
) -> BootstrapResult:
    """Generic pairs bootstrap of any statistic of the frame's rows (BCa by default).

    Slower than :func:`bootstrap_count` (one call per draw); use it for summaries (medians, shares,
    cluster contrasts…).

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows resampled.
    statistic : callable
        ``statistic(frame)`` returns a number, a sequence or a Series (its index names the rows of
        the table). Resamples on which it raises or returns NaN count as failed.
    n_boot, seed, level, method
        As in :func:`bootstrap_design`.
    names : sequence of str, optional
        Names of the statistic's values (default: the Series index, ``statistic`` or ``statistic_0``…).
    executor : optional
        Where the blocks of draws run (:mod:`study.models.parallel`; other than in-process, ``statistic``
        must be picklable, i.e. a module-level function).

    Returns
    -------
    BootstrapResult
        One table row per value of the statistic (its unit), with the draws.
    """
    frame = frame.reset_index(drop=True)
    first = statistic(frame)
    if names is None:
        names = (
            [str(i) for i in first.index]
            if isinstance(first, pd.Series)
            else (["statistic"] if np.ndim(first) == 0 else [f"statistic_{i}" for i in range(len(first))])
        )
    est = np.atleast_1d(np.asarray(first, float))
    k = est.size
    n = len(frame)

    draws = map_blocks(_statistic_block, (statistic, frame, k), n_boot, seed, executor=executor)
    jk = (
        _collect_statistic(statistic, frame, k, [np.delete(np.arange(n), i) for i in range(n)])
        if method == "bca"
        else np.full((n, k), np.nan)
    )
    table = summarise_draws(list(names), est, draws, jk, n, level, method)
    return BootstrapResult(
        table=table,
        draws=pd.DataFrame(draws, columns=list(names)),
        jackknife=pd.DataFrame(jk, columns=list(names)),
        seed=seed if isinstance(seed, int) else None,
    )


# --- permutation ------------------------------------------------------------------


@dataclass(frozen=True)
class PermutationResult:
    """A permutation test of one coefficient: ``estimate`` (β̂), ``statistic`` (its Wald t/z),
    two-sided ``p_value``; ``null_distribution`` of the statistic (failed refits dropped)."""

    name: str
    estimate: float
    statistic: float
    p_value: float
    n: int
    n_perm: int
    n_failed: int
    method: str
    family: str
    null: float
    null_distribution: np.ndarray = field(repr=False, metadata={"json": False})


def _wald_t(family: str, X, y, w, offset, col: int):
    fit = kernel_fit(family, X, y, w, offset)
    se = kernels.wald_se(KERNEL_FAMILIES[family], X, y, fit, w, offset)
    beta = np.atleast_2d(fit.beta)
    se = np.atleast_2d(se)
    return beta[:, col], beta[:, col] / se[:, col]


def _perm_block(data, rng: np.random.Generator, start: int, stop: int) -> np.ndarray:
    """One block of permutation refits: the focal Wald statistic of (stop−start) permutations."""
    family, method, X, y, off, j, fitted, resid = data
    b, n = stop - start, len(y)
    perms = np.argsort(rng.random((b, n)), axis=1)
    if method == "freedman_lane":
        Yb = fitted[None, :] + resid[perms]  # the offset is part of the fitted values and is removed in the fit
        return _wald_t(family, X, Yb, None, off, j)[1]
    Xb = np.repeat(X[None, :, :], b, axis=0)
    Xb[:, :, j] = fitted[None, :] + resid[perms]
    return _wald_t(family, Xb, y, None, off, j)[1]


def permutation_design(
    d: Design,
    focal: str,
    family: str = "poisson_ql",
    method: str = "regressor_residuals",
    n_perm: int = 4999,
    seed: int | np.random.Generator | None = 0,
    null: float = 0.0,
    batch: int | None = None,
    executor=None,
) -> PermutationResult:
    """Permutation test of ``focal`` on a prepared :class:`Design` (see :func:`permutation_test`).

    Parameters
    ----------
    d : Design
        Outcome, design matrix and offset.
    focal : str
        The tested term.
    family : {"poisson_ql", "negbin", "ols"}
        Model.
    method : {"regressor_residuals", "freedman_lane", "raw"}
        What is permuted.
    n_perm : int
        Permutations.
    seed : int or numpy.random.Generator or None
        Seed (or generator) of the draws.
    null : float
        The value of β_focal under H0 (its units).
    batch : int, optional
        Ignored (kept for old callers): permutations are fitted in blocks of 256
        (:data:`study.models.parallel.BLOCK`).
    executor : optional
        Where the blocks of permutations run (:mod:`study.models.parallel`; results do not depend on it).

    Returns
    -------
    PermutationResult
        Observed statistic, the permutation p-value (two-sided, (1 + #extreme) / (1 + n_perm)) and the draws.
    """
    if method not in PERM_METHODS:
        raise ValueError(f"method must be one of {PERM_METHODS}, not {method!r}")
    if family not in KERNEL_FAMILIES:
        raise ValueError(f"family must be one of {tuple(KERNEL_FAMILIES)}, not {family!r}")
    if method == "freedman_lane" and family != "ols":
        raise ValueError(
            "freedman_lane permutes response residuals: only for family='ols' "
            "(use method='regressor_residuals' for count models)"
        )
    j = d.col(focal)
    X, y, n = d.X, d.y, d.n
    if method == "raw" and any(k != j and np.ptp(X[:, k]) > 0 for k in range(X.shape[1])):
        raise ValueError(
            f"method='raw' permutes {focal!r} itself, which breaks its correlation with the other covariates "
            "(an invalid test); use method='regressor_residuals' when the model has covariates"
        )
    off = (d.offset if d.offset is not None else np.zeros(n)) + null * X[:, j]
    est, t_obs = _wald_t(family, X, y, None, off, j)
    est, t_obs = float(est[0]) + null, float(t_obs[0])
    others = [k for k in range(X.shape[1]) if k != j]
    Z = X[:, others]
    fitted, resid = np.zeros(n), X[:, j]  # "raw": the focal column itself is permuted
    if method == "regressor_residuals":
        g, *_ = np.linalg.lstsq(Z, X[:, j], rcond=None)
        fitted, resid = Z @ g, X[:, j] - Z @ g
    elif method == "freedman_lane":
        red = kernels.ols(Z, y, offset=off)
        fitted = Z @ red.beta + off
        resid = y - fitted
    tn = map_blocks(_perm_block, (family, method, X, y, off, j, fitted, resid), n_perm, seed, executor=executor)
    ok = np.isfinite(tn)
    tv = tn[ok]
    p = (1 + np.sum(np.abs(tv) >= np.abs(t_obs) * (1 - 1e-10))) / (1 + tv.size)
    return PermutationResult(
        name=focal,
        estimate=est,
        statistic=t_obs,
        p_value=float(p),
        n=n,
        n_perm=n_perm,
        n_failed=int((~ok).sum()),
        method=method,
        family=family,
        null=null,
        null_distribution=tv,
    )


def permutation_test(
    frame: pd.DataFrame,
    focal: str,
    covariates: Sequence[str] = ("log_pop",),
    y: str = "staff",
    family: str = "poisson_ql",
    method: str = "regressor_residuals",
    n_perm: int = 4999,
    seed: int | np.random.Generator | None = 0,
    null: float = 0.0,
    offset: str | None = None,
    executor=None,
) -> PermutationResult:
    """Permutation p-value for β_focal = ``null`` in ``y ~ focal + covariates`` (see module doc).

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame's data.
    focal : str
        The tested covariate.
    covariates : sequence of str
        The other terms.
    y : str
        Outcome.
    offset : str, optional
        Offset column (log scale).
    family, method, n_perm, seed, null, executor
        As in :func:`permutation_design` (``null`` in ``focal``'s units).

    Returns
    -------
    PermutationResult
        Observed statistic, p-value and the permutation draws.
    """
    cov = [c for c in covariates if c != focal]
    d = design(frame, y, [focal, *cov], offset)
    return permutation_design(d, focal, family, method, n_perm, seed, null, executor=executor)


def conditional_association(
    frame: pd.DataFrame,
    foci: Sequence[str] = ("aging_rate_pct", "welfare_rate_permille"),
    adjust: Sequence[str] = ("log_pop",),
    y: str = "staff",
    family: str = "poisson_ql",
    n_boot: int = 2000,
    n_perm: int = 4999,
    seed: int = 0,
    level: float = 0.95,
    perm_method: str = "regressor_residuals",
    per: dict[str, float] | None = None,
    executor=None,
) -> pd.DataFrame:
    """Question 2: each focal covariate's association with ``y`` given ``adjust`` and the other foci.

    One model ``y ~ adjust + foci``; per focal covariate: the coefficient, its pairs-bootstrap BCa
    interval, the permutation p and the model-based Wald p, plus the rate ratio per ``per[focal]``
    units with its interval.

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame's data.
    foci : sequence of str
        Focal covariates (e.g. the aging rate, %, and the public-assistance rate, ‰).
    adjust : sequence of str
        Adjustment terms (log population).
    y : str
        Count outcome.
    family : {"poisson_ql", "negbin"}
        Model.
    n_boot : int
        Bootstrap resamples.
    n_perm : int
        Permutations.
    seed : int
        Seed of the bootstrap and the permutations.
    level : float
        Confidence level.
    perm_method : {"regressor_residuals", "freedman_lane", "raw"}
        What is permuted.
    per : dict of str to float, optional
        Step of each focal covariate's rate ratio, in its unit (default 1).
    executor : optional
        Where the blocks of draws run (:mod:`study.models.parallel`; results do not depend on it).

    Returns
    -------
    pandas.DataFrame
        ``name, estimate, ci_low, ci_high, n, p_perm, p_wald, rate_ratio, rr_low, rr_high, per, family,
        n_boot, n_perm, n_failed_boot``: coefficients per unit of the focal covariate (log-rate), rate
        ratios (×) per ``per`` units.
    """
    per = per or {}
    covs = list(dict.fromkeys([*adjust, *foci]))
    d = design(frame, y, covs)
    rng = as_rng(seed)
    boot = bootstrap_design(d, family, n_boot, rng, level, "bca", executor=executor)
    fit = kernel_fit(family, d.X, d.y, offset=d.offset)
    se = np.atleast_1d(kernels.wald_se(KERNEL_FAMILIES[family], d.X, d.y, fit, offset=d.offset))
    rows = []
    for f in foci:
        j = d.col(f)
        perm = permutation_design(d, f, family, perm_method, n_perm, rng, executor=executor)
        b = boot.row(f)
        *_, p_wald = wald(fit.beta[j], se[j], level, d.n - d.X.shape[1] if family in ("poisson_ql", "ols") else None)
        u = per.get(f, 1.0)
        rows.append(
            dict(
                name=f,
                estimate=float(fit.beta[j]),
                ci_low=b["ci_low"],
                ci_high=b["ci_high"],
                n=d.n,
                p_perm=perm.p_value,
                p_wald=float(p_wald),
                se=float(se[j]),
                rate_ratio=float(np.exp(u * fit.beta[j])),
                rr_low=float(np.exp(u * b["ci_low"])),
                rr_high=float(np.exp(u * b["ci_high"])),
                per=u,
                family=family,
                n_boot=n_boot,
                n_perm=n_perm,
                n_failed_boot=int(b["n_failed"]),
                covariates=" + ".join(covs),
            )
        )
    return pd.DataFrame(rows)


def bootstrap_elasticity(boot: BootstrapResult, term: str = "log_pop", null: float = 1.0) -> Estimate:
    """The elasticity with its bootstrap interval and a bootstrap one-sided test of β < ``null``.

    Use it next to :func:`study.models.count.elasticity` when the variance function of the model is
    in doubt (the QL t interval assumes Var ∝ μ).

    Parameters
    ----------
    boot : BootstrapResult
        A bootstrap of the count model (:func:`bootstrap_count`).
    term : str
        The log covariate.
    null : float
        The value tested.

    Returns
    -------
    Estimate
        β (unitless) with the bootstrap interval; ``p_value`` = (1 + #{draws ≥ null}) / (1 + valid
        draws): small when the resampled elasticities stay below ``null``.
    """
    r = boot.row(term)
    d = boot.draws[term].to_numpy()
    d = d[np.isfinite(d)]
    p = (1 + np.sum(d >= null)) / (1 + d.size)
    return Estimate(
        name=f"elasticity:{r['family']}:{term}:bootstrap",
        estimate=float(r["estimate"]),
        ci_low=float(r["ci_low"]),
        ci_high=float(r["ci_high"]),
        n=int(r["n"]),
        se=float(r["se_boot"]),
        p_value=float(p),
        method=str(r["method"]),
        level=float(r["level"]),
        extra={
            "null": null,
            "ci_below_null": bool(r["ci_high"] < null),
            "n_boot": int(r["n_boot"]),
            "doubling_ratio": float(2 ** r["estimate"]),
        },
    )
