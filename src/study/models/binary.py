"""Binary outcomes at small n: Firth logistic regression and cross-validated discrimination.

* :func:`firth_logistic` -- logistic regression with Firth's bias-reducing
  penalty (Jeffreys prior, ½ log|I(β)|; Firth 1993, Heinze & Schemper 2002),
  which gives finite estimates under (quasi-)separation, common with ~50
  plans and a rare outcome. Intervals are profile penalised-likelihood
  intervals (as R's logistf), with Wald intervals kept as ``wald_low/high``;
  p-values are penalised likelihood-ratio tests.
* :class:`FirthLogisticRegression` -- the same fit as a scikit-learn
  classifier, so scikit-learn's cross-validation drives it.
* :func:`cv_auc` -- out-of-sample discrimination (AUC) of a model next to a
  baseline (default: population only), by leave-one-out or repeated
  stratified k-fold CV. LOO pools the n held-out predictions into one AUC;
  repeated CV pools each repeat's held-out predictions and averages the
  repeats. The interval is DeLong's, on the pooled predictions of the first
  pass (it treats the CV predictions as fixed, so it is approximate); the
  difference to the baseline gets the paired DeLong interval. LOO AUC is
  pessimistic for models with little signal (each held-out plan shifts its
  own training prevalence, so an uninformative model's pooled LOO AUC sits
  below 0.5); report repeated CV next to it.
* :func:`firth_bootstrap` -- pairs bootstrap (BCa) of the Firth coefficients.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, stats
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import LeaveOneOut, RepeatedStratifiedKFold

from study.models import kernels
from study.models.design import design
from study.models.resample import BootstrapResult, bootstrap_design
from study.models.results import RESULT_COLUMNS, as_rng
from study.models.wald import critical_value, wald


@dataclass(frozen=True)
class FirthFit:
    """A Firth logistic fit: ``params`` (``name, estimate, ci_low, ci_high, n, se, p_value,
    wald_low, wald_high, odds_ratio, or_low, or_high``), penalised log-likelihood, events."""

    y: str
    covariates: tuple[str, ...]
    n: int
    n_events: int
    params: pd.DataFrame
    penalised_loglik: float
    level: float
    beta: np.ndarray = field(repr=False, metadata={"json": False})


def _fit_core(X, y, fixed=None, start=None, offset=None):
    r = kernels.firth_logistic(X, y, offset=offset, fixed=fixed, start=start)
    if not r.converged:
        raise RuntimeError("Firth logistic regression did not converge")
    return r.beta, float(r.loglik)


def _profile_bound(X, y, j, beta, pl_max, crit, direction, se) -> float:
    """Where 2 (ℓ*max − ℓ*(β_j = b)) = crit on one side of β̂_j (NaN if not bracketed)."""

    def f(b):
        _, pl = _fit_core(X, y, fixed={j: b}, start=beta)
        return 2 * (pl_max - pl) - crit

    step = max(se, 0.1)
    lo = beta[j]
    for _ in range(60):
        hi = lo + direction * step
        try:
            if f(hi) > 0:
                a, b = sorted((beta[j] if lo == beta[j] else lo, hi))
                return float(optimize.brentq(f, a, b, xtol=1e-8))
        except RuntimeError:
            return np.nan
        lo, step = hi, step * 1.6
    return np.nan


def firth_logistic(
    frame: pd.DataFrame,
    y: str,
    covariates: Sequence[str] = ("log_pop",),
    level: float = 0.95,
    profile: bool = True,
) -> FirthFit:
    """Firth logistic regression of the 0/1 column ``y`` (complete cases; see module doc).

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame's data.
    y : str
        A 0/1 outcome (e.g. ``has_outcome_target``).
    covariates : sequence of str
        Terms (a constant is added).
    level : float
        Confidence level.
    profile : bool
        Profile penalised-likelihood intervals (else Wald).

    Returns
    -------
    FirthFit
        ``params``: ``name, estimate, ci_low, ci_high, n, p_value, odds_ratio, or_low, or_high``
        (coefficients in log-odds per unit of the covariate, odds ratios ×), and ``n_events``.
    """
    d = design(frame, y, covariates)
    if not set(np.unique(d.y)) <= {0.0, 1.0}:
        raise ValueError(f"{y!r} must be 0/1")
    X, yy = d.X, d.y
    beta, pl_max = _fit_core(X, yy)
    pr = expit(X @ beta)
    cov = np.linalg.inv((X.T * (pr * (1 - pr))) @ X)
    se = np.sqrt(np.diag(cov))
    crit = stats.chi2.ppf(level, 1)
    rows = []
    for j, name in enumerate(d.names):
        w_low, w_high, w_p = wald(beta[j], se[j], level)
        if profile:
            lo = _profile_bound(X, yy, j, beta, pl_max, crit, -1, se[j])
            hi = _profile_bound(X, yy, j, beta, pl_max, crit, +1, se[j])
            _, pl0 = _fit_core(X, yy, fixed={j: 0.0}, start=beta)
            p = float(stats.chi2.sf(max(2 * (pl_max - pl0), 0.0), 1))
        else:
            lo, hi, p = w_low, w_high, float(w_p)
        rows.append(
            dict(
                name=name,
                estimate=float(beta[j]),
                ci_low=lo,
                ci_high=hi,
                n=d.n,
                se=float(se[j]),
                p_value=p,
                wald_low=float(w_low),
                wald_high=float(w_high),
                odds_ratio=float(np.exp(beta[j])),
                or_low=float(np.exp(lo)),
                or_high=float(np.exp(hi)),
                method="profile" if profile else "wald",
            )
        )
    return FirthFit(
        y=y,
        covariates=tuple(covariates),
        n=d.n,
        n_events=int(yy.sum()),
        params=pd.DataFrame(rows),
        penalised_loglik=pl_max,
        level=level,
        beta=beta,
    )


class FirthLogisticRegression(ClassifierMixin, BaseEstimator):
    """scikit-learn classifier wrapping the Firth fit (an intercept is added)."""

    def __init__(self, fit_intercept: bool = True):
        self.fit_intercept = fit_intercept

    def _X(self, X):
        X = np.asarray(X, float)
        return np.column_stack([np.ones(len(X)), X]) if self.fit_intercept else X

    def fit(self, X, y):
        y = np.asarray(y)
        self.classes_ = np.unique(y)
        if len(self.classes_) != 2:
            raise ValueError("FirthLogisticRegression needs two classes")
        yy = (y == self.classes_[1]).astype(float)
        self.coef_full_, _ = _fit_core(self._X(X), yy)
        return self

    def decision_function(self, X):
        return self._X(X) @ self.coef_full_

    def predict_proba(self, X):
        p = expit(self.decision_function(X))
        return np.column_stack([1 - p, p])

    def predict(self, X):
        return self.classes_[(self.decision_function(X) > 0).astype(int)]


# --- AUC ------------------------------------------------------------------------


def _midrank(x: np.ndarray) -> np.ndarray:
    return stats.rankdata(x, method="average")


def delong(y: np.ndarray, scores: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """AUCs of several score vectors on the same 0/1 ``y`` and their DeLong covariance matrix.

    DeLong, DeLong & Clarke-Pearson 1988; midrank form of Sun & Xu 2014.

    Parameters
    ----------
    y : numpy.ndarray
        0/1 outcome.
    scores : sequence of numpy.ndarray
        Scores (higher = more likely 1), each of the length of ``y``.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        The AUCs (0 to 1), and their covariance matrix (k × k).
    """
    y = np.asarray(y).astype(bool)
    pos, neg = np.flatnonzero(y), np.flatnonzero(~y)
    m, n = len(pos), len(neg)
    k = len(scores)
    aucs = np.zeros(k)
    v10 = np.zeros((k, m))
    v01 = np.zeros((k, n))
    for r, s in enumerate(scores):
        s = np.asarray(s, float)
        tx, ty, tz = _midrank(s[pos]), _midrank(s[neg]), _midrank(np.r_[s[pos], s[neg]])
        aucs[r] = (tz[:m].sum() - m * (m + 1) / 2) / (m * n)
        v10[r] = (tz[:m] - tx) / n
        v01[r] = 1 - (tz[m:] - ty) / m
    cov = np.atleast_2d(np.cov(v10)) / m + np.atleast_2d(np.cov(v01)) / n
    return aucs, cov


def _cv_predictions(X: np.ndarray, y: np.ndarray, make_model, splitter, n_repeats: int) -> list[np.ndarray]:
    """Held-out predicted probabilities, one vector per repeat."""
    n = len(y)
    preds = [np.full(n, np.nan) for _ in range(n_repeats)]
    for k, (tr, te) in enumerate(splitter.split(X, y)):
        r = 0 if n_repeats == 1 else k // (splitter.get_n_splits() // n_repeats)
        if len(np.unique(y[tr])) < 2:
            continue
        m = make_model().fit(X[tr], y[tr])
        preds[r][te] = m.predict_proba(X[te])[:, 1]
    return preds


def cv_auc(
    frame: pd.DataFrame,
    y: str,
    covariates: Sequence[str],
    baseline: Sequence[str] = ("log_pop",),
    method: str = "loo",
    n_splits: int = 5,
    n_repeats: int = 20,
    seed: int | None = 0,
    level: float = 0.95,
    model: str = "firth",
) -> pd.DataFrame:
    """Cross-validated AUC of ``y ~ covariates`` and of ``y ~ baseline``, and their difference.

    Both models are fitted on the same complete cases.

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame's data.
    y : str
        A 0/1 outcome.
    covariates : sequence of str
        Terms of the model.
    baseline : sequence of str
        Terms of the baseline model.
    method : {"loo", "repeated"}
        Leave-one-out, or ``n_repeats`` × stratified ``n_splits``-fold (seeded).
    n_splits, n_repeats : int
        Folds and repeats of repeated CV.
    seed : int or None
        Seed of the splits.
    level : float
        Confidence level of the DeLong intervals.
    model : {"firth", "logistic"}
        Firth (default) or scikit-learn's unpenalised LogisticRegression.

    Returns
    -------
    pandas.DataFrame
        Rows ``model``, ``baseline``, ``difference``: ``name, estimate, ci_low, ci_high, n, n_events,
        method, repeats_low, repeats_high`` (AUC 0 to 1; repeats: 2.5/97.5% of the per-repeat AUCs,
        for repeated CV).
    """
    cols = list(dict.fromkeys([*covariates, *baseline]))
    d = design(frame, y, cols)
    yy = d.y.astype(int)
    if set(np.unique(yy)) != {0, 1}:
        raise ValueError(f"{y!r} needs both classes")
    Xm = d.X[:, [d.col(c) for c in covariates]]
    Xb = d.X[:, [d.col(c) for c in baseline]]
    if model == "firth":
        make = FirthLogisticRegression
    elif model == "logistic":
        from sklearn.linear_model import LogisticRegression

        def make():
            return LogisticRegression(C=np.inf, max_iter=1000)  # unpenalised
    else:
        raise ValueError("model must be 'firth' or 'logistic'")
    if method == "loo":
        splitter, reps = LeaveOneOut(), 1
    elif method == "repeated":
        rs = seed if seed is None or isinstance(seed, int) else int(as_rng(seed).integers(2**31))
        splitter, reps = RepeatedStratifiedKFold(n_splits=n_splits, n_repeats=n_repeats, random_state=rs), n_repeats
    else:
        raise ValueError("method must be 'loo' or 'repeated'")
    pm = _cv_predictions(Xm, yy, make, splitter, reps)
    pb = _cv_predictions(Xb, yy, make, splitter, reps)
    auc_m = np.array([roc_auc_score(yy, p) for p in pm])
    auc_b = np.array([roc_auc_score(yy, p) for p in pb])
    aucs, cov = delong(yy, [pm[0], pb[0]])
    z = critical_value(level)
    se_m, se_b = np.sqrt(cov[0, 0]), np.sqrt(cov[1, 1])
    se_d = np.sqrt(max(cov[0, 0] + cov[1, 1] - 2 * cov[0, 1], 0.0))
    a = (1 - level) / 2

    def row(name, est, se, per):
        return dict(
            name=name,
            estimate=float(est),
            ci_low=float(max(est - z * se, -1)),
            ci_high=float(min(est + z * se, 1)),
            n=d.n,
            n_events=int(yy.sum()),
            se=float(se),
            method=method,
            model=model,
            repeats_low=float(np.quantile(per, a)),
            repeats_high=float(np.quantile(per, 1 - a)),
            terms=" + ".join(covariates) if name != "baseline" else " + ".join(baseline),
        )

    diff = auc_m - auc_b
    out = pd.DataFrame(
        [
            row("model", auc_m.mean(), se_m, auc_m),
            row("baseline", auc_b.mean(), se_b, auc_b),
            row("difference", diff.mean(), se_d, diff),
        ]
    )
    out.loc[out["name"] == "difference", "p_value"] = (
        float(2 * stats.norm.sf(abs(aucs[0] - aucs[1]) / se_d)) if se_d > 0 else np.nan
    )
    return out[RESULT_COLUMNS + [c for c in out.columns if c not in RESULT_COLUMNS]]


def firth_bootstrap(
    frame: pd.DataFrame,
    y: str,
    covariates: Sequence[str] = ("log_pop",),
    n_boot: int = 2000,
    seed: int | np.random.Generator | None = 0,
    level: float = 0.95,
    method: str = "bca",
    executor=None,
) -> BootstrapResult:
    """Pairs bootstrap (BCa) of the Firth coefficients.

    Parameters
    ----------
    frame, y, covariates
        As in :func:`firth_logistic`.
    n_boot, seed, level, method, executor
        As in :func:`study.models.resample.bootstrap_design`.

    Returns
    -------
    study.models.resample.BootstrapResult
        One row per coefficient (log-odds per unit of the covariate), with the draws.
    """
    return bootstrap_design(design(frame, y, covariates), "firth", n_boot, seed, level, method, executor=executor)
