"""Inference for a cross-validated AUC at small n (question 4): the whole procedure, resampled.

:func:`study.models.binary.cv_auc` reports the mean AUC of repeated
stratified K-fold CV with a DeLong interval and p-value taken from the first
repeat; at n ≈ 56 with 31 events those are badly calibrated (a null
simulation gives 13 % false positives for the model-vs-baseline p at 5 %,
and the pooled CV AUC of an uninformative model sits near 0.48, not 0.5).
This module treats the *whole CV procedure* as the estimator and resamples
it:

* **The procedure** (:class:`CVProcedure`): ``n_repeats`` × stratified
  ``n_splits``-fold CV; in each repeat the held-out linear predictors of the
  ``n_splits`` training fits (Firth logistic regression, the fit of
  :class:`study.models.binary.FirthLogisticRegression`, batched through
  :func:`study.models.kernels.firth_logistic` with a training fold being a
  0/1 weight vector) are pooled into one AUC; the estimate is the mean over
  repeats. The folds are drawn by :func:`stratified_folds`: the plans are
  sorted by (class, uniform key) and dealt round-robin to the folds, so each
  class is spread as evenly as scikit-learn's ``StratifiedKFold`` spreads it
  (per-fold class counts differ by at most one).
* **Permutation test** (:func:`cv_auc_inference`): the outcome is permuted
  and the *whole* procedure re-run (new stratified folds for every permuted
  outcome, the same number of repeats, the same model and baseline), which
  gives the exact null distribution of the model AUC and of the
  model-minus-baseline difference under "the outcome is exchangeable
  (independent of all covariates)". p = (1 + #{T* ≥ T}) / (B + 1), one-sided
  (discrimination above the null), floor 1/(B+1); its Monte Carlo SE is
  √(p(1−p)/B). The null mean is reported too (e.g. 0.478 instead of 0.5):
  it is the pooling bias of CV AUC, not a property of the data.
* **Conditional test of the difference** (``p_conditional``): the outcome
  permutation tests "independent of every covariate"; the question "do the
  added covariates improve on the baseline?" has the null "the outcome
  depends on the baseline covariates only". Under that null the outcome is
  not exchangeable, so the difference is also tested against outcomes drawn
  from the baseline's Firth fit (a parametric bootstrap through the whole
  procedure). In simulation with the real covariates and a population-only
  truth, its size at 5 % is about 4–5 %, while the permutation test of the
  difference rejects almost never (valid but conservative).
* **Interval** of the *expected AUC of the whole procedure* (the mean of the
  CV estimate over data sets of this size from the same population; it
  does not depend on the number of repeats): the estimate ± z × the SD of
  the estimate over a bootstrap of the whole procedure. Each bootstrap
  resample draws plans with replacement (multinomial counts used as
  frequency weights), deals the *distinct plans* to folds (so a plan and its
  copies are never on both sides of a split, which would leak), fits with
  the counts as weights and computes a count-weighted AUC. The bootstrap is
  used only for the spread, never for the centre, because a resample has
  only ~63 % distinct plans and its CV AUC is biased down. Coverage of this
  interval is checked against the expected AUC found by simulation
  (``tests/test_calibration_slow.py``).
* :func:`lpo_auc` -- leave-pair-out AUC (Airola et al. 2011): for every
  (event, non-event) pair, fit on the other n − 2 plans and score the pair;
  the share of pairs ranked correctly. Nearly unbiased under the null (no
  pooling across fits), with an optional permutation p.
* :func:`optimism_corrected_auc` -- Harrell's bootstrap optimism correction
  (Harrell, Lee & Mark 1996): apparent AUC minus the mean over bootstrap
  resamples of (AUC on the resample − AUC of the resample's fit on the
  original data). Its estimand is the AUC of the full-data model on new
  plans, not the expected CV AUC.

Everything random is drawn from a :class:`numpy.random.SeedSequence` of
``seed`` with one child stream per task (observed folds, permutations,
bootstrap), so results do not depend on the order of the calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from study.models import kernels
from study.models.design import design
from study.models.montecarlo import permutation_p
from study.models.resample import bootstrap_weights
from study.models.results import RESULT_COLUMNS
from study.models.wald import critical_value

#: Fits per batched kernel call (memory: chunk × n × p floats several times over).
CHUNK = 20_000
#: Convergence tolerance of the batched Firth fits (the predictions' ranks are stable far above it).
FIT_TOL = 1e-8


def seed_streams(seed: int | np.random.SeedSequence, n: int) -> list[np.random.Generator]:
    """``n`` independent Generators spawned from ``SeedSequence(seed)``."""
    ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    return [np.random.default_rng(s) for s in ss.spawn(n)]


# --- folds and AUCs ------------------------------------------------------------------------


def stratified_folds(
    Y: np.ndarray, n_splits: int, n_repeats: int, rng: np.random.Generator, present: np.ndarray | None = None
) -> np.ndarray:
    """Fold labels (B, R, n) in ``0..n_splits-1`` for each 0/1 outcome row of ``Y`` (B, n).

    Per outcome row and repeat, the plans are sorted by (class, uniform key)
    and dealt round-robin, so every fold gets ⌊m/K⌋ or ⌈m/K⌉ of each class
    and fold sizes differ by at most one. ``present`` (B, n) bool restricts
    the dealing to those plans (bootstrap: distinct plans drawn); the others
    are dealt after them and carry zero weight wherever they are used.
    """
    Y = np.atleast_2d(np.asarray(Y))
    B, n = Y.shape
    u = rng.random((B, n_repeats, n))
    key = Y[:, None, :].astype(float) * 2.0 + u
    if present is not None:
        key = key + np.where(np.asarray(present, bool), 0.0, 10.0)[:, None, :]
    order = np.argsort(key, axis=-1)
    folds = np.empty((B, n_repeats, n), dtype=np.int64)
    np.put_along_axis(folds, order, np.broadcast_to(np.arange(n) % n_splits, (B, n_repeats, n)), axis=-1)
    return folds


def auc_rows(scores: np.ndarray, Y: np.ndarray, counts: np.ndarray | None = None) -> np.ndarray:
    """AUC of each row of ``scores`` (M, n) for the 0/1 outcome rows ``Y`` (M, n) (ties count ½).

    ``counts`` (M, n): frequency weights (a bootstrap resample's counts); the
    AUC is then that of the expanded sample. NaN scores give a NaN AUC.
    """
    scores = np.atleast_2d(np.asarray(scores, float))
    Y = np.broadcast_to(np.atleast_2d(np.asarray(Y)).astype(bool), scores.shape)
    c = (
        np.ones(scores.shape)
        if counts is None
        else np.broadcast_to(np.atleast_2d(np.asarray(counts, float)), scores.shape)
    )
    out = np.empty(scores.shape[0])
    step = max(1, 4_000_000 // max(1, scores.shape[1] ** 2))
    for a in range(0, scores.shape[0], step):
        s, y, w = scores[a : a + step], Y[a : a + step], c[a : a + step]
        wp, wn = w * y, w * ~y
        d = s[:, :, None] - s[:, None, :]  # (m, i, j): score_i − score_j
        win = (d > 0) + 0.5 * (d == 0)
        num = np.einsum("mi,mij,mj->m", wp, win, wn)
        den = wp.sum(axis=1) * wn.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            r = num / den
        r[~np.all(np.isfinite(s), axis=1)] = np.nan
        out[a : a + step] = r
    return out


def _row_mean(a: np.ndarray) -> np.ndarray:
    """Mean of the finite values of each row (NaN when none is finite; no warning)."""
    ok = np.isfinite(a)
    cnt = ok.sum(axis=1)
    return np.where(cnt > 0, np.where(ok, a, 0.0).sum(axis=1) / np.maximum(cnt, 1), np.nan)


def _firth_fit(X: np.ndarray, Y: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Batched Firth coefficients (M, p).

    The few fits a large batch reports as not converged (about 1 in 5,000
    bootstrap fold fits, near quasi-separation with heavy counts) are refitted
    one at a time, then with tolerance 1e-6 and 1,000 iterations; the rest
    (about 1 in 10,000) stay NaN, which makes that repeat's AUC NaN: it is
    left out of the mean over repeats and, if no repeat is left, the
    resample is left out of the bootstrap SD or of the permutation count.
    """
    fit = kernels.firth_logistic(X, Y, W, tol=FIT_TOL)
    beta = np.array(np.atleast_2d(fit.beta), dtype=float)
    for i in np.flatnonzero(~np.atleast_1d(fit.converged)):
        one = kernels.firth_logistic(X, Y[i], W[i], tol=FIT_TOL)
        if not one.converged:
            one = kernels.firth_logistic(X, Y[i], W[i], tol=1e-6, maxiter=1000)
        beta[i] = one.beta if one.converged else np.nan
    return beta


# --- the procedure ------------------------------------------------------------------------


@dataclass(frozen=True)
class CVProcedure:
    """Repeated stratified K-fold CV of a Firth logistic model, scored by pooled AUC (module doc).

    Parameters
    ----------
    n_splits : int
        Folds per repeat (K).
    n_repeats : int
        Repeats (R); the estimate is the mean of the R pooled AUCs.
    """

    n_splits: int = 5
    n_repeats: int = 20

    def held_out(self, X: np.ndarray, Y: np.ndarray, folds: np.ndarray, counts: np.ndarray | None = None) -> np.ndarray:
        """Held-out linear predictors (B, R, n) of the Firth fits of ``Y`` (B, n) on ``X`` (n, p, with intercept).

        ``folds`` (B, R, n) from :func:`stratified_folds`; ``counts`` (B, n)
        frequency weights of the training fits (bootstrap). Failed fits give NaN.
        """
        B, R, n = folds.shape
        K, p = self.n_splits, X.shape[1]
        F = folds.reshape(B * R, n)
        Yr = np.repeat(np.asarray(Y, float), R, axis=0)
        Cr = None if counts is None else np.repeat(np.asarray(counts, float), R, axis=0)
        out = np.empty((B * R, n))
        step = max(1, CHUNK // K)
        ks = np.arange(K)[None, :, None]
        for a in range(0, B * R, step):
            f = F[a : a + step]
            m = len(f)
            W = (f[:, None, :] != ks).astype(float)  # (m, K, n): training weights
            if Cr is not None:
                W = W * Cr[a : a + step, None, :]
            Yk = np.broadcast_to(Yr[a : a + step, None, :], (m, K, n)).reshape(m * K, n)
            beta = _firth_fit(X, Yk, W.reshape(m * K, n))
            eta = beta.reshape(m, K, p) @ X.T  # (m, K, n)
            out[a : a + step] = np.take_along_axis(eta, f[:, None, :], axis=1)[:, 0, :]
        return out.reshape(B, R, n)

    def auc(self, X: np.ndarray, Y: np.ndarray, folds: np.ndarray, counts: np.ndarray | None = None) -> np.ndarray:
        """Pooled AUC per outcome row and repeat, (B, R)."""
        B, R, n = folds.shape
        eta = self.held_out(X, Y, folds, counts)
        Yr = np.repeat(np.asarray(Y), R, axis=0)
        Cr = None if counts is None else np.repeat(np.asarray(counts, float), R, axis=0)
        return auc_rows(eta.reshape(B * R, n), Yr, Cr).reshape(B, R)

    def run(
        self, Xs: Sequence[np.ndarray], Y: np.ndarray, rng: np.random.Generator, counts: np.ndarray | None = None
    ) -> tuple[np.ndarray, ...]:
        """The procedure's AUC (mean over repeats), (B,), for each design in ``Xs`` on the same folds.

        ``Y`` (B, n) or (n,); ``counts`` (B, n) bootstrap counts (folds are then
        dealt over the distinct plans drawn). Returns one (B,) array per design,
        then one (B, R) array of per-repeat AUCs per design.
        """
        Y = np.atleast_2d(np.asarray(Y)).astype(int)
        present = None if counts is None else np.asarray(counts) > 0
        folds = stratified_folds(Y, self.n_splits, self.n_repeats, rng, present)
        per = [self.auc(X, Y, folds, counts) for X in Xs]
        return (*[_row_mean(a) for a in per], *per)


def baseline_null_outcomes(
    Xb: np.ndarray, y: np.ndarray, n_draws: int, rng: np.random.Generator, min_class: int
) -> np.ndarray:
    """Outcomes (n_draws, n) drawn from the Firth fit of ``y`` on the baseline design ``Xb``.

    The null of "the added covariates add nothing beyond the baseline": each
    plan's outcome is Bernoulli(p̂_baseline). Draws with fewer than
    ``min_class`` plans in a class are redrawn (CV needs each class in every fold).
    """
    fit = kernels.firth_logistic(Xb, np.asarray(y, float), tol=FIT_TOL)
    pr = 1.0 / (1.0 + np.exp(-(Xb @ fit.beta)))
    out = (rng.random((n_draws, len(pr))) < pr).astype(int)
    for _ in range(1000):
        s = out.sum(axis=1)
        bad = (s < min_class) | (len(pr) - s < min_class)
        if not bad.any():
            break
        out[bad] = (rng.random((int(bad.sum()), len(pr))) < pr).astype(int)
    return out


# --- inference ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CVAUCInference:
    """Result of :func:`cv_auc_inference`.

    ``table``: rows ``model``, ``baseline``, ``difference`` with ``name,
    estimate, ci_low, ci_high, n`` and ``n_events, se`` (bootstrap SD of the
    procedure), ``p_value`` (permutation, one-sided), ``p_conditional``
    (difference only: parametric null from the baseline fit), ``p_mc_se``, ``p_floor``,
    ``p_at_floor``, ``null_mean``, ``null_sd``, ``split_mc_se`` (Monte Carlo
    SE of the estimate from the random splits: SD over repeats / √R),
    ``n_perm``, ``n_boot``, ``n_splits``, ``n_repeats``, ``method``, ``terms``.
    Draws are kept for plots and checks (not written to JSON).
    """

    table: pd.DataFrame
    null_draws: pd.DataFrame = field(repr=False, metadata={"json": False})
    boot_draws: pd.DataFrame = field(repr=False, metadata={"json": False})


def _designs(frame: pd.DataFrame, y: str, covariates: Sequence[str], baseline: Sequence[str]):
    cols = list(dict.fromkeys([*covariates, *baseline]))
    d = design(frame, y, cols)
    yy = d.y.astype(int)
    if set(np.unique(yy)) != {0, 1}:
        raise ValueError(f"{y!r} needs both classes")
    Xm = d.X[:, [0] + [d.col(c) for c in covariates]]
    Xb = d.X[:, [0] + [d.col(c) for c in baseline]]
    return d, yy, Xm, Xb


def cv_auc_inference(
    frame: pd.DataFrame,
    y: str,
    covariates: Sequence[str],
    baseline: Sequence[str] = ("log_pop",),
    *,
    n_splits: int = 5,
    n_repeats: int = 20,
    n_perm: int = 999,
    n_boot: int = 200,
    seed: int = 0,
    level: float = 0.95,
    conditional_null: bool = True,
) -> CVAUCInference:
    """Cross-validated AUC of ``y ~ covariates`` and ``y ~ baseline`` with whole-procedure inference.

    Parameters
    ----------
    frame : DataFrame
        The analysis frame; complete cases of ``y``, ``covariates`` and ``baseline`` are used.
    y : str
        0/1 outcome column.
    covariates, baseline : sequence of str
        Terms of the model and of the baseline (an intercept is added to both).
    n_splits, n_repeats : int
        K and R of the repeated stratified K-fold CV; ``n_splits=0`` is leave-one-out
        (K = n, one repeat: the held-out predictions of the n fits pooled into one AUC).
    n_perm : int
        Outcome permutations through the whole procedure (0: no test).
    n_boot : int
        Whole-procedure bootstrap resamples for the interval (0: no interval).
    seed : int
        Seed of the :class:`numpy.random.SeedSequence`.
    level : float
        Confidence level of the interval.
    conditional_null : bool
        Also test the difference against "the added covariates add nothing
        beyond the baseline" (``p_conditional`` of the ``difference`` row):
        ``n_perm`` outcomes drawn from the baseline's Firth fit
        (:func:`baseline_null_outcomes`) are run through the whole procedure
        (a parametric bootstrap test). The outcome permutation tests the
        stronger null "the outcome is independent of every covariate",
        which the difference can reject merely because the baseline is
        informative (or, as with an unusually poor baseline, the reverse).

    Returns
    -------
    CVAUCInference
        AUCs (unitless, 0–1; the difference in AUC points, −1–1) with
        permutation p-values and whole-procedure intervals (module doc).
    """
    d, yy, Xm, Xb = _designs(frame, y, covariates, baseline)
    loo = n_splits == 0
    if loo:
        n_splits, n_repeats = d.n, 1
    elif min(yy.sum(), (1 - yy).sum()) < n_splits:
        raise ValueError(f"{y!r}: each class needs at least n_splits={n_splits} plans")
    proc = CVProcedure(n_splits, n_repeats)
    r_obs, r_perm, r_boot, r_pfold, r_cond = seed_streams(seed, 5)
    am, ab, pm, pb = proc.run([Xm, Xb], yy, r_obs)
    est = {"model": am[0], "baseline": ab[0], "difference": am[0] - ab[0]}
    per = {"model": pm[0], "baseline": pb[0], "difference": pm[0] - pb[0]}

    null = pd.DataFrame(columns=list(est))
    if n_perm:
        Yp = np.array([yy[r_perm.permutation(d.n)] for _ in range(n_perm)])
        nm, nb, *_ = proc.run([Xm, Xb], Yp, r_pfold)
        null = pd.DataFrame({"model": nm, "baseline": nb, "difference": nm - nb})
        if conditional_null:
            Yc = baseline_null_outcomes(Xb, yy, n_perm, r_cond, 2 if loo else n_splits)
            cm, cb, *_ = proc.run([Xm, Xb], Yc, r_cond)
            null["difference_conditional"] = cm - cb
    boot = pd.DataFrame(columns=list(est))
    if n_boot:
        C = bootstrap_weights(d.n, n_boot, r_boot, strata=yy)
        bm, bb, *_ = proc.run([Xm, Xb], np.broadcast_to(yy, (n_boot, d.n)), r_boot, counts=C)
        boot = pd.DataFrame({"model": bm, "baseline": bb, "difference": bm - bb})

    z = critical_value(level)
    rows = []
    for name, e in est.items():
        lo_b, hi_b = (-1.0, 1.0) if name == "difference" else (0.0, 1.0)
        se = float(np.nanstd(boot[name].to_numpy(float), ddof=1)) if n_boot > 1 else np.nan
        row = dict(
            name=name,
            estimate=float(e),
            ci_low=float(max(e - z * se, lo_b)),
            ci_high=float(min(e + z * se, hi_b)),
            n=d.n,
            n_events=int(yy.sum()),
            se=se,
        )
        if n_perm:
            p, mc, floor, _ = permutation_p(float(e), null[name].to_numpy(float))
            row.update(
                p_value=p,
                p_mc_se=mc,
                p_floor=floor,
                p_at_floor=bool(p <= floor + 1e-15),
                null_mean=float(null[name].mean()),
                null_sd=float(null[name].std(ddof=1)),
            )
            pc = (
                permutation_p(float(e), null["difference_conditional"].to_numpy(float))[0]
                if name == "difference" and "difference_conditional" in null
                else np.nan
            )
            row.update(p_conditional=pc)
        else:
            row.update(
                p_value=np.nan,
                p_mc_se=np.nan,
                p_floor=np.nan,
                p_at_floor=False,
                null_mean=np.nan,
                null_sd=np.nan,
                p_conditional=np.nan,
            )
        row.update(
            split_mc_se=0.0  # leave-one-out folds are not random
            if loo
            else float(np.std(per[name], ddof=1) / np.sqrt(n_repeats))
            if n_repeats > 1
            else np.nan,
            n_perm=int(n_perm),
            n_boot=int(n_boot),
            n_splits=n_splits,
            n_repeats=n_repeats,
            level=level,
            method=f"{'leave-one-out' if loo else f'{n_repeats}x stratified {n_splits}-fold'} CV (Firth), "
            "outcome-permutation p through the whole procedure, whole-procedure bootstrap SD interval",
            terms=" + ".join(baseline)
            if name == "baseline"
            else " + ".join(covariates)
            if name == "model"
            else f"({' + '.join(covariates)}) - ({' + '.join(baseline)})",
        )
        rows.append(row)
    table = pd.DataFrame(rows)
    return CVAUCInference(
        table=table[RESULT_COLUMNS + [c for c in table.columns if c not in RESULT_COLUMNS]],
        null_draws=null,
        boot_draws=boot,
    )


# --- leave-pair-out -------------------------------------------------------------------------


def lpo_scores(X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Leave-pair-out AUC of each outcome row of ``Y`` (B, n) for the design ``X`` (n, p, with intercept).

    For every (event i, non-event j) pair the model is fitted without i and
    j and scores both; the AUC is the share of pairs with score_i > score_j
    (ties ½). Each outcome row needs the same number of events (all pairs
    are enumerated per row). Returns (B,).
    """
    Y = np.atleast_2d(np.asarray(Y)).astype(int)
    B, n = Y.shape
    out = np.empty(B)
    for b in range(B):
        pos, neg = np.flatnonzero(Y[b] == 1), np.flatnonzero(Y[b] == 0)
        ii, jj = np.meshgrid(pos, neg, indexing="ij")
        ii, jj = ii.ravel(), jj.ravel()
        W = np.ones((ii.size, n))
        W[np.arange(ii.size), ii] = 0.0
        W[np.arange(ii.size), jj] = 0.0
        beta = _firth_fit(X, np.broadcast_to(Y[b].astype(float), W.shape), W)
        si = np.einsum("mp,mp->m", beta, X[ii])
        sj = np.einsum("mp,mp->m", beta, X[jj])
        out[b] = float(np.mean((si > sj) + 0.5 * (si == sj))) if np.all(np.isfinite(si - sj)) else np.nan
    return out


def lpo_auc(
    frame: pd.DataFrame,
    y: str,
    covariates: Sequence[str],
    baseline: Sequence[str] = ("log_pop",),
    *,
    n_perm: int = 0,
    seed: int = 0,
) -> pd.DataFrame:
    """Leave-pair-out AUC of the model and the baseline and their difference (see :func:`lpo_scores`).

    ``n_perm`` outcome permutations give one-sided permutation p-values
    (each permutation refits every pair: m × (n − m) fits). Rows ``model``,
    ``baseline``, ``difference``: ``name, estimate, ci_low, ci_high`` (NaN:
    no interval), ``n, n_events, n_pairs, p_value, p_mc_se, p_floor, null_mean, method``.
    """
    d, yy, Xm, Xb = _designs(frame, y, covariates, baseline)
    est_m, est_b = lpo_scores(Xm, yy)[0], lpo_scores(Xb, yy)[0]
    est = {"model": est_m, "baseline": est_b, "difference": est_m - est_b}
    null = None
    if n_perm:
        (rng,) = seed_streams(seed, 1)
        Yp = np.array([yy[rng.permutation(d.n)] for _ in range(n_perm)])
        nm, nb = lpo_scores(Xm, Yp), lpo_scores(Xb, Yp)
        null = {"model": nm, "baseline": nb, "difference": nm - nb}
    rows = []
    for name, e in est.items():
        row = dict(
            name=name,
            estimate=float(e),
            ci_low=np.nan,
            ci_high=np.nan,
            n=d.n,
            n_events=int(yy.sum()),
            n_pairs=int(yy.sum() * (d.n - yy.sum())),
            method="leave-pair-out (Firth)",
        )
        if null is not None:
            p, mc, floor, _ = permutation_p(float(e), null[name])
            row.update(p_value=p, p_mc_se=mc, p_floor=floor, null_mean=float(np.mean(null[name])), n_perm=int(n_perm))
        rows.append(row)
    return pd.DataFrame(rows)


# --- Harrell's optimism correction ---------------------------------------------------------------


def optimism_corrected_auc(
    frame: pd.DataFrame,
    y: str,
    covariates: Sequence[str],
    *,
    n_boot: int = 500,
    seed: int = 0,
) -> pd.DataFrame:
    """Harrell's optimism-corrected AUC of ``y ~ covariates`` (Firth; see module doc).

    One row: ``name`` (``optimism_corrected``), ``estimate`` (apparent −
    mean optimism, AUC units), ``ci_low/ci_high`` NaN (the bootstrap gives
    the bias, not an interval), ``n, n_events, apparent, optimism,
    optimism_mc_se`` (SD of the optimism draws / √B), ``n_boot``, ``method``.
    """
    d = design(frame, y, list(covariates))
    yy = d.y.astype(int)
    X = d.X
    full = kernels.firth_logistic(X, yy.astype(float), tol=FIT_TOL)
    apparent = float(auc_rows(X @ full.beta, yy)[0])
    (rng,) = seed_streams(seed, 1)
    C = bootstrap_weights(d.n, n_boot, rng)
    fit = kernels.firth_logistic(X, yy.astype(float), C, tol=FIT_TOL)
    eta = fit.beta @ X.T  # (B, n)
    a_boot = auc_rows(eta, yy, C)
    a_orig = auc_rows(eta, yy)
    opt = a_boot - a_orig
    opt = opt[np.isfinite(opt)]
    mean_opt = float(np.mean(opt))
    return pd.DataFrame(
        [
            dict(
                name="optimism_corrected",
                estimate=apparent - mean_opt,
                ci_low=np.nan,
                ci_high=np.nan,
                n=d.n,
                n_events=int(yy.sum()),
                apparent=apparent,
                optimism=mean_opt,
                optimism_mc_se=float(np.std(opt, ddof=1) / np.sqrt(opt.size)),
                n_boot=int(opt.size),
                method="Harrell bootstrap optimism correction (Firth)",
                terms=" + ".join(covariates),
            )
        ]
    )


# --- null calibration ----------------------------------------------------------------------------


def null_calibration(
    frame: pd.DataFrame,
    y: str,
    covariates: Sequence[str],
    baseline: Sequence[str] = ("log_pop",),
    *,
    n_sim: int = 200,
    n_perm: int = 99,
    n_boot: int = 0,
    n_splits: int = 5,
    n_repeats: int = 2,
    seed: int = 0,
    level: float = 0.95,
    outcomes: np.ndarray | None = None,
    conditional: bool = False,
) -> pd.DataFrame:
    """Run :func:`cv_auc_inference`'s procedure on ``n_sim`` null outcomes with the real covariates.

    Each simulated outcome is a random permutation of the observed one (the
    real number of events, independent of every covariate). For each, the
    procedure (``n_repeats`` × ``n_splits``-fold) gives the AUCs, their
    permutation p-values from ``n_perm`` further permutations of the
    simulated outcome, and (``n_boot`` > 0) the whole-procedure bootstrap SD
    and interval. All simulations are batched through the same kernels.
    ``n_splits=0`` runs leave-one-out (as :func:`cv_auc_inference`).
    ``outcomes`` (n_sim, n) replaces the permuted outcomes by given 0/1
    outcomes (rows of the complete-case design, e.g. simulated from a
    non-null model, to check the interval's coverage away from the null).
    ``conditional`` adds ``p_difference_conditional``: each simulated data
    set's difference tested against ``n_perm`` outcomes drawn from its own
    baseline fit (see ``conditional_null`` of :func:`cv_auc_inference`).

    Parameters
    ----------
    frame, y, covariates, baseline, n_perm, n_boot, n_splits, n_repeats, seed, level
        As in :func:`cv_auc_inference` (``n_perm`` and ``n_boot`` per simulated outcome).
    n_sim : int
        Simulated outcomes.
    outcomes : numpy.ndarray, optional
        Given 0/1 outcomes (n_sim × n, rows of the complete-case design) instead of permutations.
    conditional : bool
        Also the conditional p of the difference (parametric null from each simulated baseline fit).

    Returns
    -------
    DataFrame
        One row per simulation: ``auc_model, auc_baseline, auc_difference``
        (AUC units), ``p_model, p_difference`` and, with ``n_boot``,
        ``se_model, se_difference``, ``lo_model, hi_model, lo_difference, hi_difference``.
    """
    d, yy, Xm, Xb = _designs(frame, y, covariates, baseline)
    loo = n_splits == 0
    if loo:  # leave-one-out, as in cv_auc_inference
        n_splits, n_repeats = d.n, 1
    proc = CVProcedure(n_splits, n_repeats)
    r_sim, r_perm, r_folds, r_boot, r_cond = seed_streams(seed, 5)
    if outcomes is None:
        Ys = np.array([yy[r_sim.permutation(d.n)] for _ in range(n_sim)])
    else:
        Ys = np.asarray(outcomes).astype(int)
        if Ys.shape[1] != d.n:
            raise ValueError(f"outcomes need {d.n} columns (the complete-case rows), not {Ys.shape[1]}")
        n_sim = len(Ys)
    # rows: sim s observed, then its n_perm permutations
    Yall = np.empty((n_sim, n_perm + 1, d.n), dtype=int)
    Yall[:, 0] = Ys
    for s in range(n_sim):
        for b in range(n_perm):
            Yall[s, b + 1] = Ys[s, r_perm.permutation(d.n)]
    am, ab, *_ = proc.run([Xm, Xb], Yall.reshape(-1, d.n), r_folds)
    am, ab = am.reshape(n_sim, n_perm + 1), ab.reshape(n_sim, n_perm + 1)
    dm = am - ab
    out = pd.DataFrame({"auc_model": am[:, 0], "auc_baseline": ab[:, 0], "auc_difference": dm[:, 0]})
    out["p_model"] = [permutation_p(am[s, 0], am[s, 1:])[0] for s in range(n_sim)]
    out["p_difference"] = [permutation_p(dm[s, 0], dm[s, 1:])[0] for s in range(n_sim)]
    if conditional and n_perm:
        Yc = np.vstack(
            [baseline_null_outcomes(Xb, Ys[s], n_perm, r_cond, 2 if loo else n_splits) for s in range(n_sim)]
        )
        cm, cb, *_ = proc.run([Xm, Xb], Yc, r_cond)
        dc = (cm - cb).reshape(n_sim, n_perm)
        out["p_difference_conditional"] = [permutation_p(dm[s, 0], dc[s])[0] for s in range(n_sim)]
    if n_boot:
        z = critical_value(level)
        C = np.vstack([bootstrap_weights(d.n, n_boot, r_boot, strata=Ys[s]) for s in range(n_sim)])
        Yb = np.repeat(Ys, n_boot, axis=0)
        bm, bb, *_ = proc.run([Xm, Xb], Yb, r_boot, counts=C)
        bm, bb = bm.reshape(n_sim, n_boot), bb.reshape(n_sim, n_boot)
        for name, draws in (("model", bm), ("difference", bm - bb)):
            se = np.nanstd(draws, axis=1, ddof=1)
            out[f"se_{name}"] = se
            out[f"lo_{name}"] = out[f"auc_{name}"] - z * se
            out[f"hi_{name}"] = out[f"auc_{name}"] + z * se
    return out
