"""Count families by maximum likelihood, with likelihoods comparable across models.

Families (log link, ``y`` non-negative integer counts, optional log-scale offset):

* ``"poisson"`` -- Poisson.
* ``"nb2"`` -- negative binomial, Var = μ + αμ² (MASS::glm.nb's model, θ = 1/α).
* ``"nb1"`` -- negative binomial, Var = μ(1 + α): NB with size μ/α and
  probability 1/(1 + α) (Cameron & Trivedi 2013, §3.3).
* ``"ztp"`` / ``"ztnb2"`` -- zero-truncated Poisson / NB2 for y ≥ 1:
  log f(y) − log(1 − f(0)).
* :func:`fit_hurdle` -- hurdle model (Mullahy 1986; R's ``pscl::hurdle`` with
  ``zero.dist = "binomial"``): a logit for P(y > 0) and a zero-truncated
  Poisson or NB2 for the positive counts. The two parts have separate
  parameters, so their likelihoods add. It gives plans that place nobody
  (y = 0) a place without the count part having to predict zeros.

All log-likelihoods include every constant (−lgamma(y + 1)), so AIC/BIC
compare across these families on the same y (:func:`compare_models`); nested
pairs get a likelihood-ratio test (:func:`lr_test`; α = 0 lies on the
boundary, so the NB-vs-Poisson p is halved, a ½χ²₀ + ½χ²₁ mixture).

Fitting: BFGS with exact gradients by complex-step differentiation, then
Newton polish on the Hessian from central differences of the exact gradient.
Standard errors come from the inverse observed information (as pscl's
``vcov``; MASS::glm.nb reports expected-information SEs for β instead, see
:mod:`study.models.count`). Dispersion parameters are estimated on the log
scale; their SEs are for log α.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, stats
from scipy.special import loggamma

from study.models.diagnostics import (
    HurdleDist,
    NB1Dist,
    NB2Dist,
    PoissonDist,
    expected_zeros,
)
from study.models.results import information_criteria

FAMILIES = ("poisson", "nb2", "nb1", "ztp", "ztnb2")
#: Below this α the NB fit is at the Poisson limit (flagged ``boundary``).
ALPHA_BOUNDARY = 1e-7


# --- log-likelihoods (complex-step safe: loggamma, log, exp, log1p, expm1 only) ----------------


def _lgam(x):
    return loggamma(x) if np.iscomplexobj(x) else loggamma(np.asarray(x, float)).real


def _ll_obs(family: str, y: np.ndarray, eta, log_alpha=None):
    """Per-observation log-likelihood for log-mean ``eta``."""
    if family in ("poisson", "ztp"):
        mu = np.exp(eta)
        ll = y * eta - mu - _lgam(y + 1.0)
        if family == "ztp":
            ll = ll - np.log(-np.expm1(-mu))
        return ll
    alpha = np.exp(log_alpha)
    mu = np.exp(eta)
    if family in ("nb2", "ztnb2"):
        th = 1.0 / alpha
        ll = (
            _lgam(y + th)
            - _lgam(th)
            - _lgam(y + 1.0)
            - th * np.log1p(alpha * mu)
            + y * (eta - np.log1p(alpha * mu) + log_alpha)
        )
        if family == "ztnb2":
            log_f0 = -th * np.log1p(alpha * mu)
            ll = ll - np.log(-np.expm1(log_f0))
        return ll
    if family == "nb1":
        r = mu / alpha
        return _lgam(y + r) - _lgam(r) - _lgam(y + 1.0) - r * np.log1p(alpha) + y * (log_alpha - np.log1p(alpha))
    raise ValueError(f"family must be one of {FAMILIES}, not {family!r}")


def _logit_ll(z: np.ndarray, eta):
    """Bernoulli log-likelihood with logit link (z in {0, 1})."""
    return z * eta - np.log1p(np.exp(eta))


# --- generic ML ---------------------------------------------------------------------------------


def _cs_grad(f: Callable, x: np.ndarray) -> np.ndarray:
    h = 1e-20
    g = np.empty(len(x))
    for i in range(len(x)):
        xc = x.astype(complex)
        xc[i] += 1j * h
        g[i] = f(xc).imag / h
    return g


def _hess(grad: Callable, x: np.ndarray) -> np.ndarray:
    k = len(x)
    H = np.empty((k, k))
    for i in range(k):
        h = 1e-5 * max(1.0, abs(x[i]))
        e = np.zeros(k)
        e[i] = h
        H[:, i] = (grad(x + e) - grad(x - e)) / (2 * h)
    return (H + H.T) / 2


def _maximise(ll: Callable, x0: np.ndarray) -> tuple[np.ndarray, np.ndarray, float, bool, str]:
    """Maximise ``ll`` (complex-step safe); returns (x, covariance, ll, converged, message)."""

    def nll(x):
        v = -np.sum(ll(x))
        return v.real if np.iscomplexobj(v) else float(v)

    def nll_c(x):
        return -np.sum(ll(x))

    def grad(x):
        return _cs_grad(nll_c, np.asarray(x, float))

    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        res = optimize.minimize(nll, x0, jac=grad, method="BFGS", options={"gtol": 1e-9, "maxiter": 5000})
        x, fx = res.x, nll(res.x)
        for _ in range(50):
            g = grad(x)
            if np.max(np.abs(g)) < 1e-11:
                break
            H = _hess(grad, x)
            try:
                d = np.linalg.solve(H, g)
            except np.linalg.LinAlgError:
                break
            for lam in (1.0, 0.5, 0.25, 0.1, 0.01):
                xn = x - lam * d
                fn = nll(xn)
                if np.isfinite(fn) and fn <= fx + 1e-12 * abs(fx):
                    x, fx = xn, fn
                    break
            else:
                break
        H = _hess(grad, x)
        g = grad(x)
    try:
        cov = np.linalg.inv(H)
        ok = bool(np.all(np.linalg.eigvalsh(H) > 0))
    except np.linalg.LinAlgError:
        cov, ok = np.full(H.shape, np.nan), False
    conv = ok and bool(np.all(np.isfinite(x))) and float(np.max(np.abs(g))) < 1e-5 * max(1.0, abs(fx))
    return x, cov, -fx, conv, str(res.message)


# --- results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CountModelFit:
    """A count model fitted by ML.

    ``names``/``beta``/``se``: mean-model coefficients (log-rate per unit);
    ``alpha``/``log_alpha_se``: dispersion α (NaN for Poisson families) and
    the SE of log α; ``loglik``: full log-likelihood; ``n_params`` counts α;
    ``aic``, ``bic``; ``mu``: fitted untruncated means; ``boundary``: α at the
    Poisson limit; ``cov``: covariance of (β, log α).
    """

    family: str
    names: list[str]
    beta: np.ndarray
    se: np.ndarray
    alpha: float
    log_alpha_se: float
    loglik: float
    n: int
    n_params: int
    aic: float
    bic: float
    converged: bool
    boundary: bool
    mu: np.ndarray = field(repr=False)
    y: np.ndarray = field(repr=False)
    cov: np.ndarray = field(repr=False)

    @property
    def theta(self) -> float:
        """θ = 1/α (MASS's parametrisation of NB2)."""
        return 1.0 / self.alpha

    def distribution(self):
        """Per-observation predictive distribution (untruncated families only; y ≥ 1 for ZT)."""
        if self.family == "poisson":
            return PoissonDist(self.mu)
        if self.family == "nb2":
            return NB2Dist(self.mu, self.alpha)
        if self.family == "nb1":
            return NB1Dist(self.mu, self.alpha)
        if self.family == "ztp":
            return HurdleDist(np.ones_like(self.mu), PoissonDist(self.mu))
        return HurdleDist(np.ones_like(self.mu), NB2Dist(self.mu, self.alpha))


def _check(X, y, offset):
    X = np.asarray(X, float)
    y = np.asarray(y, float)
    if X.ndim != 2 or X.shape[0] != y.shape[0]:
        raise ValueError("X must be (n, p) with one y per row")
    if np.any(y < 0) or np.any(y != np.round(y)):
        raise ValueError("y must be non-negative integer counts")
    off = np.zeros(len(y)) if offset is None else np.asarray(offset, float)
    return X, y, off


def _poisson_start(X, y, off):
    import statsmodels.api as sm

    return np.asarray(sm.GLM(y, X, family=sm.families.Poisson(), offset=off).fit().params)


def fit_count_model(
    X: np.ndarray,
    y: np.ndarray,
    family: str = "poisson",
    offset: np.ndarray | None = None,
    names: list[str] | None = None,
) -> CountModelFit:
    """Fit one count family by maximum likelihood.

    Parameters
    ----------
    X : numpy.ndarray
        Design (n, p) with intercept.
    y : numpy.ndarray
        Counts (n,); for ``"ztp"``/``"ztnb2"`` all must be ≥ 1.
    family : {"poisson", "nb2", "nb1", "ztp", "ztnb2"}
        The count distribution (see module doc).
    offset : numpy.ndarray, optional
        Log-scale offset (n,), e.g. log population.
    names : list of str, optional
        Coefficient names.

    Returns
    -------
    CountModelFit
        Estimates, SEs (observed information), log-likelihood, AIC/BIC.
    """
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {FAMILIES}, not {family!r}")
    X, y, off = _check(X, y, offset)
    if family.startswith("zt") and np.any(y < 1):
        raise ValueError("zero-truncated families need y >= 1")
    n, p = X.shape
    has_alpha = family in ("nb2", "nb1", "ztnb2")
    start = _poisson_start(X, y, off)
    if has_alpha:
        start = np.r_[start, np.log(0.5)]

    def ll(par):
        eta = X @ par[:p] + off
        return _ll_obs(family, y, eta, par[p] if has_alpha else None)

    x, cov, llf, conv, _ = _maximise(ll, start)
    k = len(x)
    se = np.sqrt(np.clip(np.diag(cov), 0, None))
    alpha = float(np.exp(x[p])) if has_alpha else float("nan")
    aic, bic = information_criteria(llf, k, n)
    return CountModelFit(
        family=family,
        names=names or [f"x{i}" for i in range(p)],
        beta=x[:p].copy(),
        se=se[:p],
        alpha=alpha,
        log_alpha_se=float(se[p]) if has_alpha else float("nan"),
        loglik=float(llf),
        n=n,
        n_params=k,
        aic=aic,
        bic=bic,
        converged=conv,
        boundary=bool(has_alpha and alpha < ALPHA_BOUNDARY),
        mu=np.exp(X @ x[:p] + off),
        y=y,
        cov=cov,
    )


@dataclass(frozen=True)
class HurdleFit:
    """A hurdle model: ``zero`` part (logit of y > 0: ``zero_names``, ``zero_beta``, ``zero_se``) and
    ``count`` part (zero-truncated ``dist``: ``count_names``, ``count_beta``, ``count_se``, ``alpha``).

    ``loglik`` is the sum of the two parts' log-likelihoods; ``n_params`` all
    parameters; ``p_pos``: fitted P(y > 0); ``mu``: untruncated count means.
    """

    dist: str
    count_names: list[str]
    count_beta: np.ndarray
    count_se: np.ndarray
    zero_names: list[str]
    zero_beta: np.ndarray
    zero_se: np.ndarray
    alpha: float
    log_alpha_se: float
    loglik: float
    loglik_zero: float
    loglik_count: float
    n: int
    n_zero: int
    n_params: int
    aic: float
    bic: float
    converged: bool
    p_pos: np.ndarray = field(repr=False)
    mu: np.ndarray = field(repr=False)
    y: np.ndarray = field(repr=False)

    @property
    def theta(self) -> float:
        return 1.0 / self.alpha

    def distribution(self) -> HurdleDist:
        """Per-observation predictive distribution (zeros from the logit part)."""
        count = PoissonDist(self.mu) if self.dist == "poisson" else NB2Dist(self.mu, self.alpha)
        return HurdleDist(self.p_pos, count)


def fit_hurdle(
    X_count: np.ndarray,
    y: np.ndarray,
    X_zero: np.ndarray | None = None,
    dist: str = "poisson",
    offset: np.ndarray | None = None,
    count_names: list[str] | None = None,
    zero_names: list[str] | None = None,
) -> HurdleFit:
    """Hurdle model: logit for any count, zero-truncated Poisson/NB2 for how many.

    Parameters
    ----------
    X_count : numpy.ndarray
        Design of the count part (n, p), intercept included.
    y : numpy.ndarray
        Counts (n,), at least one zero and one positive.
    X_zero : numpy.ndarray, optional
        Design of the binary part (n, q); default the count design. Use an
        intercept-only column when a covariate separates the zeros.
    dist : {"poisson", "negbin"}
        Count distribution of the positive part (truncated at zero).
    offset : numpy.ndarray, optional
        Log-scale offset of the count part (n,).
    count_names, zero_names : list of str, optional
        Coefficient names.

    Returns
    -------
    HurdleFit
        Both parts' coefficients with observed-information SEs, the joint log-likelihood, AIC/BIC.
    """
    X, y, off = _check(X_count, y, offset)
    Z = X if X_zero is None else np.asarray(X_zero, float)
    if dist not in ("poisson", "negbin"):
        raise ValueError("dist must be 'poisson' or 'negbin'")
    pos = y > 0
    if pos.all() or (~pos).all():
        raise ValueError("the hurdle needs both zero and positive counts (the binary part is not identified)")
    fam = "ztp" if dist == "poisson" else "ztnb2"
    cf = fit_count_model(X[pos], y[pos], fam, off[pos], count_names)
    zq = Z.shape[1]
    zb = pos.astype(float)

    def llz(par):
        return _logit_ll(zb, Z @ par)

    import statsmodels.api as sm

    z0 = np.asarray(sm.GLM(zb, Z, family=sm.families.Binomial()).fit().params)
    xz, covz, llz_val, convz, _ = _maximise(llz, z0)
    p_pos = 1 / (1 + np.exp(-(Z @ xz)))
    k = cf.n_params + zq
    llf = cf.loglik + llz_val
    n = len(y)
    mu = np.exp(X @ cf.beta + off)
    aic, bic = information_criteria(llf, k, n)
    return HurdleFit(
        dist=dist,
        count_names=cf.names,
        count_beta=cf.beta,
        count_se=cf.se,
        zero_names=zero_names or [f"z{i}" for i in range(zq)],
        zero_beta=xz,
        zero_se=np.sqrt(np.diag(covz)),
        alpha=cf.alpha,
        log_alpha_se=cf.log_alpha_se,
        loglik=float(llf),
        loglik_zero=float(llz_val),
        loglik_count=cf.loglik,
        n=n,
        n_zero=int((~pos).sum()),
        n_params=k,
        aic=aic,
        bic=bic,
        converged=cf.converged and convz,
        p_pos=p_pos,
        mu=mu,
        y=y,
    )


def lr_test(restricted: float, full: float, df: int, boundary: bool = False) -> tuple[float, float]:
    """Likelihood-ratio test of nested models.

    Parameters
    ----------
    restricted, full : float
        Maximised log-likelihoods of the restricted and the full model.
    df : int
        Number of restrictions.
    boundary : bool
        One restricted parameter on the boundary of its space (e.g. α = 0):
        p from the ½χ²₀ + ½χ²₁ mixture (df must be 1).

    Returns
    -------
    tuple of float
        (statistic 2(ℓ_full − ℓ_restricted), p-value).
    """
    stat = max(2.0 * (full - restricted), 0.0)
    if boundary:
        if df != 1:
            raise ValueError("the boundary mixture is implemented for one parameter")
        return stat, float(0.5 * stats.chi2.sf(stat, 1)) if stat > 0 else 1.0
    return stat, float(stats.chi2.sf(stat, df))


def compare_models(fits: Mapping[str, CountModelFit | HurdleFit]) -> pd.DataFrame:
    """Likelihood comparison of count models fitted to the same counts.

    Parameters
    ----------
    fits : mapping of str to fit
        Named fits (all on the same y; checked).

    Returns
    -------
    pandas.DataFrame
        ``name, family, n, loglik, n_params, aic, bic, delta_aic, observed_zeros, expected_zeros``
        (zeros in plans; ``delta_aic`` against the smallest AIC).
    """
    rows = []
    y0 = None
    for name, f in fits.items():
        if y0 is None:
            y0 = f.y
        elif f.y.shape != y0.shape or not np.array_equal(f.y, y0):
            raise ValueError(f"{name}: fitted to other counts; likelihoods are not comparable")
        fam = f"hurdle-{f.dist}" if isinstance(f, HurdleFit) else f.family
        rows.append(
            {
                "name": name,
                "family": fam,
                "n": f.n,
                "loglik": f.loglik,
                "n_params": f.n_params,
                "aic": f.aic,
                "bic": f.bic,
                "observed_zeros": int(np.sum(f.y == 0)),
                "expected_zeros": expected_zeros(f.distribution()),
            }
        )
    out = pd.DataFrame(rows)
    out.insert(7, "delta_aic", out["aic"] - out["aic"].min())
    return out
