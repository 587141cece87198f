"""Heteroskedasticity-consistent (sandwich) covariance for GLMs: HC0, HC1, HC3.

For a GLM with working weights wᵢ and working residuals rᵢ the estimating
function of observation i is ψᵢ = xᵢ wᵢ rᵢ (for Poisson log link: xᵢ (yᵢ − μᵢ);
for NB2 with θ held at its estimate: xᵢ (yᵢ − μᵢ)/(1 + αμᵢ)). With the bread
B = (X'WX)⁻¹ (unscaled: the dispersion cancels, as in R's ``sandwich``):

* HC0 = B (Σ ψᵢψᵢ') B (White 1980);
* HC1 = n/(n − k) · HC0;
* HC3 = B (Σ ψᵢψᵢ' / (1 − hᵢ)²) B, hᵢ the GLM hat values, the diagonal of
  W^{1/2} X (X'WX)⁻¹ X' W^{1/2} (MacKinnon & White 1985; Long & Ervin 2000).

These equal R's ``sandwich::vcovHC(fit, type = ...)`` for ``glm`` and
``MASS::glm.nb`` fits. statsmodels' ``cov_type="HC3"`` on a GLM returns HC0
(statsmodels #7798), hence this module.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import statsmodels.api as sm

from study.models.wald import wald

HC_TYPES = ("HC0", "HC1", "HC3")


def _prep(X: np.ndarray, y: np.ndarray, mu: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    X = np.asarray(X, float)
    y = np.asarray(y, float)
    mu = np.asarray(mu, float)
    if X.ndim != 2 or X.shape[0] != y.shape[0] or y.shape != mu.shape:
        raise ValueError("X must be (n, k) with y and mu of length n")
    if not (alpha >= 0):
        raise ValueError("alpha must be >= 0")
    w = mu / (1.0 + alpha * mu)  # working weights of a log-link Poisson (α = 0) or NB2 GLM
    psi = (y - mu) / (1.0 + alpha * mu)  # working residual × working weight
    return X, w, psi


def hat_values(X: np.ndarray, mu: np.ndarray, alpha: float = 0.0) -> np.ndarray:
    """GLM leverages hᵢ of a log-link Poisson (``alpha = 0``) or NB2 model.

    Parameters
    ----------
    X : numpy.ndarray
        Design matrix (n, k), intercept included.
    mu : numpy.ndarray
        Fitted means (n,), in units of the response (counts).
    alpha : float
        NB2 dispersion α (Var = μ + αμ²); 0 for Poisson / quasi-Poisson.

    Returns
    -------
    numpy.ndarray
        Leverages (n,), each in [0, 1], summing to k.
    """
    X = np.asarray(X, float)
    w = np.asarray(mu, float) / (1.0 + alpha * np.asarray(mu, float))
    Xw = X * np.sqrt(w)[:, None]
    q, _ = np.linalg.qr(Xw)
    return np.sum(q**2, axis=1)


def sandwich_cov(X: np.ndarray, y: np.ndarray, mu: np.ndarray, alpha: float = 0.0, hc: str = "HC3") -> np.ndarray:
    """Sandwich covariance of the coefficients of a log-link count GLM.

    Parameters
    ----------
    X : numpy.ndarray
        Design matrix (n, k), intercept included.
    y : numpy.ndarray
        Response (n,), counts (fractional values allowed for quasi-Poisson).
    mu : numpy.ndarray
        Fitted means (n,) at the estimate.
    alpha : float
        NB2 dispersion α (held fixed, as ``sandwich`` does for ``glm.nb``); 0 for Poisson.
    hc : {"HC0", "HC1", "HC3"}
        Small-sample correction.

    Returns
    -------
    numpy.ndarray
        Covariance matrix (k, k) in squared coefficient units (log-rate per covariate unit)².
    """
    if hc not in HC_TYPES:
        raise ValueError(f"hc must be one of {HC_TYPES}, not {hc!r}")
    X, w, psi = _prep(X, y, mu, alpha)
    n, k = X.shape
    bread = np.linalg.inv((X * w[:, None]).T @ X)
    u = psi.copy()
    if hc == "HC3":
        h = hat_values(X, mu, alpha)
        u = u / (1.0 - h)
    meat = (X * (u**2)[:, None]).T @ X
    cov = bread @ meat @ bread
    if hc == "HC1":
        cov = cov * n / (n - k)
    return (cov + cov.T) / 2


@dataclass(frozen=True)
class RobustFit:
    """A Poisson (quasi-likelihood point estimates) fit with sandwich errors.

    ``beta``: coefficients (log-rate per unit of each covariate); ``se``:
    sandwich standard errors of the requested type; ``ci_low``/``ci_high``:
    Wald intervals with z (``df=None``) or t quantiles; ``cov``: the covariance;
    ``mu``: fitted means; ``hc``: the type; ``n``: rows used.
    """

    names: list[str]
    beta: np.ndarray
    se: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    p_value: np.ndarray
    cov: np.ndarray
    mu: np.ndarray
    hc: str
    n: int
    level: float


def poisson_sandwich(
    X: np.ndarray,
    y: np.ndarray,
    names: list[str] | None = None,
    offset: np.ndarray | None = None,
    hc: str = "HC3",
    level: float = 0.95,
    df: int | None = None,
) -> RobustFit:
    """Poisson log-linear fit (ML = quasi-likelihood point estimates) with a sandwich covariance.

    Parameters
    ----------
    X : numpy.ndarray
        Design matrix (n, k) with the intercept column.
    y : numpy.ndarray
        Response (n,), counts or FTE (non-negative).
    names : list of str, optional
        Coefficient names (default ``x0..``).
    offset : numpy.ndarray, optional
        Offset on the log scale (n,), e.g. log population.
    hc : {"HC0", "HC1", "HC3"}
        Sandwich type.
    level : float
        Confidence level of the Wald interval (0–1).
    df : int, optional
        Degrees of freedom for t quantiles and p-values; None uses the normal.

    Returns
    -------
    RobustFit
        Coefficients with sandwich SEs, intervals and two-sided p-values.
    """
    X = np.asarray(X, float)
    y = np.asarray(y, float)
    res = sm.GLM(y, X, family=sm.families.Poisson(), offset=offset).fit(tol=1e-13)
    beta = np.asarray(res.params)
    mu = np.asarray(res.fittedvalues)
    cov = sandwich_cov(X, y, mu, 0.0, hc)
    se = np.sqrt(np.diag(cov))
    lo, hi, p = wald(beta, se, level, df)
    return RobustFit(
        names=names or [f"x{i}" for i in range(X.shape[1])],
        beta=beta,
        se=se,
        ci_low=lo,
        ci_high=hi,
        p_value=p,
        cov=cov,
        mu=mu,
        hc=hc,
        n=len(y),
        level=level,
    )
