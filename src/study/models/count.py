"""Count models for staffing (and target counts): Poisson quasi-likelihood and NB2 with ML α.

* :func:`poisson_ql` -- ``sm.GLM(family=Poisson()).fit(scale="X2")``: the
  Poisson log-linear mean with variance φμ, φ = Pearson X²/(n−p). It only
  needs E[y] = exp(Xβ), so fractional FTE responses (3.5, 1.4) are fine.
  Intervals and tests use the t distribution with n−p degrees of freedom, as
  R's ``summary.glm`` does for quasi families.
* :func:`negbin_ml` -- NB2 (Var = μ + αμ²) with α estimated by maximum
  likelihood through ``statsmodels.discrete.NegativeBinomial(loglike_method=
  "nb2")`` (started at :func:`study.models.kernels.nb2_ml`). Not the GLM
  ``NegativeBinomial()`` family, whose α is silently fixed at 1 (statsmodels
  #8360). Standard errors of β are those of MASS::glm.nb (expected
  information at the ML α; the statsmodels joint observed-information errors
  are kept as ``se_joint``); intervals are Wald z. When α̂ falls to the
  Poisson limit (< 1e-6) the fit is the kernel's, ``alpha_ci`` is (0, NaN).
* :func:`elasticity` -- the coefficient of ``log_pop`` (or any term) as an
  elasticity with the one-sided test of β < 1.
* :func:`overdispersion` -- Pearson dispersion, Cameron–Trivedi (1990)
  auxiliary-regression test and the likelihood-ratio test of α = 0 (boundary:
  half χ²₁).

Results are :class:`CountFit` (``params`` is a DataFrame with ``name,
estimate, ci_low, ci_high, n, se, p_value``) and :class:`~study.models.results.Estimate`.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from study.models import kernels
from study.models.design import Design, design
from study.models.results import RESULT_COLUMNS, Estimate
from study.models.wald import critical_value, wald

FAMILIES = ("poisson_ql", "negbin")
#: Below this ML α the NB2 fit is at the Poisson limit (reported as such, no statsmodels polish).
ALPHA_BOUNDARY = 1e-6


@dataclass(frozen=True)
class CountFit:
    """A fitted count model.

    ``params``: one row per term (``name, estimate, ci_low, ci_high, n, se,
    p_value`` and, for NB, ``se_joint``). ``dispersion``: the QL scale φ (NaN
    for NB). ``alpha``/``theta``: NB2 α̂ and θ̂ = 1/α̂ with ``theta_se`` as MASS
    reports it and a Wald-on-log interval for α (NaN for Poisson QL).
    ``llf``: log-likelihood (Poisson's for QL, continuous in y).
    ``result`` is the statsmodels result (left out of ``to_records``).
    """

    family: str
    y: str
    covariates: tuple[str, ...]
    offset: str | None
    n: int
    params: pd.DataFrame
    dispersion: float
    alpha: float
    alpha_ci: tuple[float, float]
    theta: float
    theta_se: float
    llf: float
    df_resid: int
    level: float
    entity_id: list[str]
    fitted: np.ndarray
    y_obs: np.ndarray
    result: Any = field(default=None, repr=False, metadata={"json": False})
    design: Design | None = field(default=None, repr=False, metadata={"json": False})

    def coef(self, name: str) -> Estimate:
        """One coefficient as an :class:`Estimate` (p-value: two-sided test of 0)."""
        r = self.params.set_index("name").loc[name]
        return Estimate(
            name=f"{self.family}:{name}",
            estimate=float(r["estimate"]),
            ci_low=float(r["ci_low"]),
            ci_high=float(r["ci_high"]),
            n=self.n,
            se=float(r["se"]),
            p_value=float(r["p_value"]),
            method="wald-t" if self.family == "poisson_ql" else "wald-z",
            level=self.level,
        )

    @property
    def beta(self) -> np.ndarray:
        return self.params["estimate"].to_numpy()


def _table(names, est, se, n, level, df=None, extra=None) -> pd.DataFrame:
    lo, hi, p = wald(est, se, level, df)
    out = pd.DataFrame(
        {
            "name": names,
            "estimate": est,
            "ci_low": lo,
            "ci_high": hi,
            "n": n,
            "se": se,
            "p_value": p,
        }
    )
    for k, v in (extra or {}).items():
        out[k] = v
    return out


#: The numbers of :class:`CountFit` that belong to one family: NaN in the other's fit (Poisson QL:
#: ``dispersion``; NB2: ``alpha``, its interval ``alpha_ci``, ``theta``, ``theta_se``).
FAMILY_NUMBERS: dict[str, Any] = {
    "dispersion": np.nan,
    "alpha": np.nan,
    "alpha_ci": (np.nan, np.nan),
    "theta": np.nan,
    "theta_se": np.nan,
}


def _count_fit(
    family: str,
    d: Design,
    y: str,
    covariates: Sequence[str],
    offset: str | None,
    level: float,
    params: pd.DataFrame,
    mu: np.ndarray,
    llf: float,
    df_resid: int,
    result: Any,
    **numbers: Any,
) -> CountFit:
    """The :class:`CountFit` of a model fitted on design ``d``: the call's inputs, the design's rows
    (n, entity ids, observed y), the fit and the family's own ``numbers`` (keys of
    :data:`FAMILY_NUMBERS`; the others stay NaN)."""
    return CountFit(
        family=family,
        y=y,
        covariates=tuple(covariates),
        offset=offset,
        n=d.n,
        params=params,
        llf=llf,
        df_resid=df_resid,
        level=level,
        entity_id=d.entity_id,
        fitted=mu,
        y_obs=d.y,
        result=result,
        design=d,
        **(FAMILY_NUMBERS | numbers),
    )


def poisson_ql(
    frame: pd.DataFrame,
    y: str = "staff",
    covariates: Sequence[str] = ("log_pop",),
    offset: str | None = None,
    level: float = 0.95,
) -> CountFit:
    """Poisson quasi-likelihood fit of ``y`` on ``covariates`` (complete cases; see module doc).

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame's data (rows with a missing ``y``, covariate or offset are dropped).
    y : str
        Count outcome (e.g. ``staff``, persons).
    covariates : sequence of str
        Terms of the model (a constant is added).
    offset : str, optional
        Column added to the linear predictor with coefficient 1 (log scale).
    level : float
        Confidence level of the model-based intervals.

    Returns
    -------
    CountFit
        Coefficients (``params``: ``name, estimate, ci_low, ci_high, n, se, p_value``, log-rate units),
        fitted means, α (NB2) or dispersion φ (QL), and the data used.
    """
    d = design(frame, y, covariates, offset)
    res = sm.GLM(d.y, d.X, family=sm.families.Poisson(), offset=d.offset).fit(scale="X2", tol=1e-12)
    df = int(res.df_resid)
    params = _table(d.names, np.asarray(res.params), np.asarray(res.bse), d.n, level, df=df)
    mu = np.asarray(res.fittedvalues)
    llf = float(kernels.poisson_loglik(d.y, mu, np.ones(d.n)))
    return _count_fit(
        "poisson_ql", d, y, covariates, offset, level, params, mu, llf, df, res, dispersion=float(res.scale)
    )


def _theta_se(y: np.ndarray, mu: np.ndarray, theta: float) -> float:
    _, h = kernels._theta_score_hess(y[None, :], mu[None, :], np.array([theta]), np.ones((1, len(y))))
    return float(1 / np.sqrt(-h[0])) if h[0] < 0 else np.nan


def negbin_ml(
    frame: pd.DataFrame,
    y: str = "staff",
    covariates: Sequence[str] = ("log_pop",),
    offset: str | None = None,
    level: float = 0.95,
) -> CountFit:
    """NB2 fit with α by maximum likelihood (complete cases; see module doc).

    Parameters
    ----------
    frame, y, covariates, offset, level
        As in :func:`poisson_ql`.

    Returns
    -------
    CountFit
        As :func:`poisson_ql`, with the ML α (NB2 variance μ + αμ², unitless) and its interval.
    """
    d = design(frame, y, covariates, offset)
    k = kernels.nb2_ml(d.X, d.y, offset=d.offset)
    if not k.converged:
        raise RuntimeError("NB2 maximum likelihood did not converge")
    boundary = float(k.alpha) < ALPHA_BOUNDARY
    res = None
    beta, alpha = k.beta, float(k.alpha)
    if not boundary:  # polish with statsmodels (and take its joint observed-information errors)
        model = sm.NegativeBinomial(d.y, d.X, loglike_method="nb2", offset=d.offset)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = model.fit(start_params=np.r_[k.beta, k.alpha], method="newton", maxiter=50, disp=0, tol=1e-12)
        sm_params = np.asarray(res.params)
        if np.all(np.isfinite(sm_params)) and res.llf >= k.loglik - 1e-8 and sm_params[-1] > 0:
            beta, alpha = sm_params[:-1], float(sm_params[-1])
    fit = kernels.BatchFit(
        beta=beta, converged=np.array(True), loglik=np.array(k.loglik), iterations=0, alpha=np.array(alpha)
    )
    se = kernels.wald_se("nb2", d.X, d.y, fit, offset=d.offset)
    bse = np.asarray(res.bse) if res is not None else np.array([])
    se_joint = bse[:-1] if bse.shape[0] == len(beta) + 1 else np.full(len(beta), np.nan)
    params = _table(d.names, beta, se, d.n, level, extra={"se_joint": se_joint})
    eta = d.X @ beta + (d.offset if d.offset is not None else 0)
    mu = np.exp(eta)
    theta = 1 / alpha
    z = critical_value(level)
    if boundary:  # α̂ ≈ 0: the Poisson limit; no Wald interval on the log scale
        theta_se, alpha_ci = np.nan, (0.0, np.nan)
    else:
        theta_se = _theta_se(d.y, mu, theta)
        lse = theta_se / theta  # SE of log θ = SE of log α
        alpha_ci = (float(alpha * np.exp(-z * lse)), float(alpha * np.exp(z * lse)))
    llf = float(kernels.nb2_loglik(d.y[None, :], mu[None, :], np.array([theta]), np.ones((1, d.n)))[0])
    return _count_fit(
        "negbin",
        d,
        y,
        covariates,
        offset,
        level,
        params,
        mu,
        llf,
        d.n - len(beta),
        res,
        alpha=alpha,
        alpha_ci=alpha_ci,
        theta=theta,
        theta_se=theta_se,
    )


def fit_count(
    frame: pd.DataFrame,
    family: str,
    y: str = "staff",
    covariates: Sequence[str] = ("log_pop",),
    offset: str | None = None,
    level: float = 0.95,
) -> CountFit:
    """Dispatch to :func:`poisson_ql` (``"poisson_ql"``) or :func:`negbin_ml` (``"negbin"``).

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame's data.
    family : {"poisson_ql", "negbin"}
        Count model.
    y, covariates, offset, level
        As in :func:`poisson_ql`.

    Returns
    -------
    CountFit
        The fit.
    """
    if family == "poisson_ql":
        return poisson_ql(frame, y, covariates, offset, level)
    if family == "negbin":
        return negbin_ml(frame, y, covariates, offset, level)
    raise ValueError(f"family must be one of {FAMILIES}, not {family!r}")


def elasticity(fit: CountFit, term: str = "log_pop", null: float = 1.0) -> Estimate:
    """The coefficient of ``term`` as an elasticity, with the test of β < ``null``.

    Parameters
    ----------
    fit : CountFit
        A count fit whose ``term`` is a log (e.g. log population).
    term : str
        The log covariate.
    null : float
        The value tested (1: proportional scaling).

    Returns
    -------
    Estimate
        β (unitless: % change of the outcome per 1% change of the covariate) with the fit's interval.
        ``p_value`` is one-sided for H1: β < null (t with n−p df for Poisson QL, z for NB); ``extra`` has
        the two-sided p against ``null``, whether the interval lies wholly below ``null`` and the
        multiplicative effect of doubling the population, 2^β.
    """
    c = fit.coef(term)
    t = (c.estimate - null) / c.se
    if fit.family == "poisson_ql":
        p_lt, p2 = stats.t.cdf(t, fit.df_resid), 2 * stats.t.sf(abs(t), fit.df_resid)
    else:
        p_lt, p2 = stats.norm.cdf(t), 2 * stats.norm.sf(abs(t))
    return Estimate(
        name=f"elasticity:{fit.family}:{term}",
        estimate=c.estimate,
        ci_low=c.ci_low,
        ci_high=c.ci_high,
        n=fit.n,
        se=c.se,
        p_value=float(p_lt),
        method=c.method,
        level=c.level,
        extra={
            "null": null,
            "p_two_sided_vs_null": float(p2),
            "ci_below_null": bool(c.ci_high < null),
            "doubling_ratio": float(2**c.estimate),
            "p_zero": c.p_value,
        },
    )


def overdispersion(
    frame: pd.DataFrame,
    y: str = "staff",
    covariates: Sequence[str] = ("log_pop",),
    offset: str | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Tests of Poisson overdispersion for ``y ~ covariates``; one row per test.

    * ``pearson_dispersion``: φ = X²/(n−p); interval from χ²ₙ₋ₚ; p = P(χ²ₙ₋ₚ ≥ X²).
    * ``cameron_trivedi``: OLS without intercept of ((y−μ)² − y)/μ on μ (NB2
      form, Cameron & Trivedi 1990); estimate is α, t interval, one-sided p of α > 0.
    * ``lr_alpha``: NB2 vs Poisson likelihood ratio; estimate is the ML α with
      its Wald-on-log interval; p = ½ P(χ²₁ ≥ LR) (α = 0 is on the boundary).

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame's data.
    y, covariates, offset, level
        As in :func:`poisson_ql`.

    Returns
    -------
    pandas.DataFrame
        ``name, estimate, ci_low, ci_high, n, statistic, df, p_value`` (φ is a ratio, 1 under
        Poisson; α is the NB2 variance parameter, unitless).
    """
    pq = poisson_ql(frame, y, covariates, offset, level)
    nb = negbin_ml(frame, y, covariates, offset, level)
    d = pq.design
    mu, yy, n, p = pq.fitted, d.y, d.n, d.X.shape[1]
    dof = n - p
    x2 = float(np.sum((yy - mu) ** 2 / mu))
    phi = x2 / dof
    a = 1 - level
    rows = [
        dict(
            name="pearson_dispersion",
            estimate=phi,
            ci_low=x2 / stats.chi2.ppf(1 - a / 2, dof),
            ci_high=x2 / stats.chi2.ppf(a / 2, dof),
            n=n,
            statistic=x2,
            df=dof,
            p_value=float(stats.chi2.sf(x2, dof)),
        )
    ]
    z = ((yy - mu) ** 2 - yy) / mu
    ct = sm.OLS(z, mu[:, None]).fit()
    a_ct, se_ct = float(ct.params[0]), float(ct.bse[0])
    q = stats.t.ppf(1 - a / 2, n - 1)
    rows.append(
        dict(
            name="cameron_trivedi",
            estimate=a_ct,
            ci_low=a_ct - q * se_ct,
            ci_high=a_ct + q * se_ct,
            n=n,
            statistic=a_ct / se_ct,
            df=n - 1,
            p_value=float(stats.t.sf(a_ct / se_ct, n - 1)),
        )
    )
    lr = max(2 * (nb.llf - pq.llf), 0.0)
    rows.append(
        dict(
            name="lr_alpha",
            estimate=nb.alpha,
            ci_low=nb.alpha_ci[0],
            ci_high=nb.alpha_ci[1],
            n=n,
            statistic=lr,
            df=1,
            p_value=float(0.5 * stats.chi2.sf(lr, 1)) if lr > 0 else 0.5,
        )
    )
    out = pd.DataFrame(rows)
    return out[[*RESULT_COLUMNS, "statistic", "df", "p_value"]]
