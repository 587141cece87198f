"""Poisson GLMM with one grouping factor, by maximum likelihood (Laplace / adaptive Gauss–Hermite).

Model: yᵢ ~ Poisson(μᵢ), log μᵢ = xᵢ'β + offsetᵢ + b₍g(i)₎ (+ eᵢ), with a random
intercept b_g ~ N(0, σ²) per group g (e.g. prefecture) and, optionally, an
observation-level random effect eᵢ ~ N(0, τ²) that absorbs overdispersion
(OLRE; the Poisson–lognormal model).

The marginal likelihood integrates the random effects out. As in R's
``lme4::glmer`` the random effects are written as spherical u ~ N(0, I)
(b = σu), the conditional modes û are found by Newton's method for given
(β, σ, τ) — the objective is concave — and the integral is approximated
around them:

* ``nAGQ = 1`` (Laplace): −2 log L ≈ −2 Σ log p(yᵢ | û) + ‖û‖² + log det H,
  H = I + Λ'Z'WZΛ, W = diag(μ) at the mode (Bates et al. 2015, eq. 3.x).
* ``nAGQ = k > 1`` (adaptive Gauss–Hermite, one scalar random effect only):
  per group, ∫ p(y_g | u) φ(u) du ≈ h_g^{−½} Σ_q w_q p(y_g | û_g + t_q h_g^{−½})
  φ(û_g + t_q h_g^{−½}) / φ(t_q), with (t_q, w_q) the k-point rule for the
  standard normal and h_g the curvature at the mode. ``nAGQ = 1`` reduces to
  the Laplace approximation.
* With the OLRE there are two random-effect terms, so only the Laplace
  approximation is available (as in lme4). H is then block structured: each
  eᵢ belongs to one group, so log det H = Σᵢ log(1 + τ²μᵢ) + Σ_g log S_g with
  the Schur complement S_g = 1 + σ²Σμᵢ − Σ (στμᵢ)²/(1 + τ²μᵢ).

The deviance is minimised over (β, σ, τ ≥ 0) by L-BFGS-B and polished by
Newton steps on a finite-difference Hessian. Standard errors of β come from
the inverse of the finite-difference Hessian of the deviance in (σ, τ, β), as
lme4's ``vcov`` does by default (``use.hessian = TRUE``). The log-likelihood
includes all constants (−Σ lgamma(y + 1)), so it equals glmer's ``logLik``
for the Laplace fit and is comparable across nAGQ and with other count
models. For nAGQ > 1 glmer reports a log-likelihood on another scale (it
sums deviance residuals, dropping the saturated-model term Σ log p(yᵢ | μ = yᵢ);
lme4 issues #161, #567): ``loglik_lme4`` gives that number for comparison.
statsmodels' ``PoissonBayesMixedGLM`` is a variational Bayes fit and is not
used.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.polynomial.hermite_e import hermegauss
from scipy import optimize
from scipy.special import gammaln

from study.models.results import information_criteria
from study.models.wald import wald

#: Boundary below which an SD is reported as 0 (singular fit).
SD_BOUNDARY = 1e-6


@dataclass(frozen=True)
class GLMMFit:
    """A fitted Poisson GLMM.

    ``beta``/``se``: fixed effects (log-rate per unit of each covariate) and
    their standard errors; ``sd_group``: SD σ of the group random intercept
    (log-rate scale); ``sd_obs``: SD τ of the observation-level effect (NaN
    without OLRE); ``loglik``: maximised (approximate) log-likelihood;
    ``deviance`` = −2 loglik; ``loglik_lme4``: what glmer's ``logLik`` prints (equal to
    ``loglik`` for nAGQ = 1; for nAGQ > 1 without the saturated-model term); ``n_params`` counts β, σ
    and τ; ``aic``/``bic``;
    ``group_effects``: conditional modes b̂_g = σ̂û_g (log-rate scale) by
    group label; ``converged``/``message``: optimiser status; ``singular``:
    an SD at the boundary 0.
    """

    names: list[str]
    beta: np.ndarray
    se: np.ndarray
    sd_group: float
    sd_obs: float
    loglik: float
    deviance: float
    loglik_lme4: float
    nAGQ: int
    olre: bool
    n: int
    n_groups: int
    n_params: int
    aic: float
    bic: float
    converged: bool
    singular: bool
    message: str
    group_effects: dict[str, float] = field(repr=False)
    cov: np.ndarray = field(repr=False)

    def coef_table(self, level: float = 0.95) -> list[dict[str, float | str]]:
        """Rows ``name, estimate, se, ci_low, ci_high, p_value`` (Wald z, as glmer's summary)."""
        rows = []
        # names are the caller's, not checked against len(beta) by fit_glmm: zip as before
        for nm, b, s in zip(self.names, self.beta, self.se, strict=False):
            lo, hi, p = wald(b, s, level)
            rows.append(
                {
                    "name": nm,
                    "estimate": float(b),
                    "se": float(s),
                    "ci_low": float(lo),
                    "ci_high": float(hi),
                    "p_value": float(p),
                    "n": self.n,
                }
            )
        return rows


class _Problem:
    """Data and the deviance function of one GLMM."""

    def __init__(self, X, y, codes, G, offset, nAGQ, olre):
        self.X, self.y, self.codes, self.G = X, y, codes, G
        self.off = offset
        self.nAGQ, self.olre = nAGQ, olre
        self.p = X.shape[1]
        self.const = float(np.sum(gammaln(y + 1)))
        self.nodes, w = hermegauss(nAGQ)
        self.logw = np.log(w / np.sqrt(2 * np.pi))
        self.u = np.zeros(G)
        self.v = np.zeros(len(y))

    def gsum(self, a):
        return np.bincount(self.codes, weights=a, minlength=self.G)

    def modes(self, eta0, s, t):
        """Conditional modes (u, v) maximising log p(y|u,v) − ‖u‖²/2 − ‖v‖²/2 (Newton, warm start)."""
        u, v = self.u.copy(), (self.v.copy() if self.olre else np.zeros_like(self.y))
        y, c = self.y, self.codes

        def obj(u, v):
            e = eta0 + s * u[c] + t * v
            return float(np.sum(y * e - np.exp(e)) - 0.5 * (u @ u) - 0.5 * (v @ v))

        f = obj(u, v)
        for _ in range(200):
            mu = np.exp(eta0 + s * u[c] + t * v)
            r = y - mu
            gu = s * self.gsum(r) - u
            gv = t * r - v
            huu = 1 + s * s * self.gsum(mu)
            hvv = 1 + t * t * mu
            huv = s * t * mu
            S = huu - self.gsum(huv**2 / hvv)
            du = (gu - self.gsum(huv * gv / hvv)) / S
            dv = (gv - huv * du[c]) / hvv
            step = 1.0
            for _ in range(60):
                un, vn = u + step * du, v + step * dv
                fn = obj(un, vn)
                if fn >= f - 1e-12 * abs(f):
                    break
                step /= 2
            u, v, f = un, vn, fn
            if max(np.max(np.abs(step * du)), np.max(np.abs(step * dv)) if t > 0 else 0.0) < 1e-11:
                break
        return u, v

    def deviance(self, theta):
        beta = theta[: self.p]
        s = abs(theta[self.p])
        t = abs(theta[self.p + 1]) if self.olre else 0.0
        eta0 = self.X @ beta + self.off
        if not np.all(np.isfinite(eta0)) or np.max(eta0) > 700:
            return np.inf
        u, v = self.modes(eta0, s, t)
        self.u, self.v = u, v
        y, c = self.y, self.codes
        mu = np.exp(eta0 + s * u[c] + t * v)
        if self.olre or self.nAGQ == 1:
            hvv = 1 + t * t * mu
            S = 1 + s * s * self.gsum(mu) - self.gsum((s * t * mu) ** 2 / hvv)
            ll = np.sum(y * np.log(mu) - mu) - self.const - 0.5 * (u @ u) - 0.5 * (v @ v)
            return float(-2 * ll + np.sum(np.log(hvv)) + np.sum(np.log(S)))
        h = 1 + s * s * self.gsum(mu)
        sd = 1 / np.sqrt(h)
        total = -self.const - 0.5 * np.sum(np.log(h))
        terms = []
        for tq, lw in zip(self.nodes, self.logw, strict=True):
            uq = u + tq * sd
            e = eta0 + s * uq[c]
            lg = self.gsum(y * e - np.exp(e))
            terms.append(lw + lg - 0.5 * uq**2 + 0.5 * tq**2)
        T = np.array(terms)
        mx = T.max(axis=0)
        total += float(np.sum(mx + np.log(np.sum(np.exp(T - mx), axis=0))))
        return float(-2 * total)


def _fd_hessian(f, x, h):
    k = len(x)
    H = np.zeros((k, k))
    f0 = f(x)
    for i in range(k):
        ei = np.zeros(k)
        ei[i] = h[i]
        H[i, i] = (f(x + ei) - 2 * f0 + f(x - ei)) / h[i] ** 2
        for j in range(i):
            ej = np.zeros(k)
            ej[j] = h[j]
            H[i, j] = H[j, i] = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)) / (4 * h[i] * h[j])
    return H


def _fd_grad(f, x, h):
    g = np.zeros(len(x))
    for i in range(len(x)):
        e = np.zeros(len(x))
        e[i] = h[i]
        g[i] = (f(x + e) - f(x - e)) / (2 * h[i])
    return g


def poisson_glmm(
    X: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray,
    offset: np.ndarray | None = None,
    names: list[str] | None = None,
    nAGQ: int = 1,
    olre: bool = False,
    start: np.ndarray | None = None,
) -> GLMMFit:
    """Fit a Poisson GLMM with a random intercept per group by (approximate) maximum likelihood.

    Parameters
    ----------
    X : numpy.ndarray
        Fixed-effects design (n, p), intercept column included.
    y : numpy.ndarray
        Counts (n,), non-negative integers (head counts, not FTE).
    groups : numpy.ndarray
        Group label of each row (n,), e.g. the prefecture code.
    offset : numpy.ndarray, optional
        Offset on the log scale (n,), e.g. log population for a per-capita rate.
    names : list of str, optional
        Names of the fixed effects.
    nAGQ : int
        Quadrature points per group: 1 = Laplace, > 1 adaptive Gauss–Hermite
        (only without ``olre``, as lme4).
    olre : bool
        Add an observation-level random intercept for overdispersion.
    start : numpy.ndarray, optional
        Start (β, σ[, τ]); default the Poisson GLM β with σ = τ = 0.5.

    Returns
    -------
    GLMMFit
        Fixed effects with SEs, random-effect SDs, log-likelihood, convergence info.
    """
    X = np.asarray(X, float)
    y = np.asarray(y, float)
    n, p = X.shape
    if y.shape != (n,):
        raise ValueError("y must have one value per row of X")
    if np.any(y < 0) or np.any(y != np.round(y)):
        raise ValueError("y must be non-negative integer counts")
    if nAGQ < 1:
        raise ValueError("nAGQ must be >= 1")
    if olre and nAGQ > 1:
        raise ValueError("with an observation-level effect there are two random-effect terms: only nAGQ = 1 (Laplace)")
    labels, codes = np.unique(np.asarray(groups).astype(str), return_inverse=True)
    off = np.zeros(n) if offset is None else np.asarray(offset, float)
    prob = _Problem(X, y, codes, len(labels), off, nAGQ, olre)
    if start is None:
        import statsmodels.api as sm

        b0 = np.asarray(sm.GLM(y, X, family=sm.families.Poisson(), offset=off).fit().params)
        start = np.r_[b0, 0.5, 0.5] if olre else np.r_[b0, 0.5]
    start = np.asarray(start, float)
    k = len(start)
    bounds = [(None, None)] * p + [(0.0, None)] * (k - p)
    res = optimize.minimize(
        prob.deviance,
        start,
        method="L-BFGS-B",
        bounds=bounds,
        options={"ftol": 1e-15, "gtol": 1e-9, "maxiter": 2000, "maxfun": 20000},
    )
    x = res.x.copy()
    fx = prob.deviance(x)
    # Newton polish on a finite-difference Hessian (free parameters only; SDs at 0 stay there)
    steps = np.full(k, 1e-4)
    for _ in range(20):
        free = np.array([i < p or x[i] > SD_BOUNDARY for i in range(k)])

        def fsub(z, x=x, free=free):
            xx = x.copy()
            xx[free] = z
            return prob.deviance(xx)

        g = _fd_grad(fsub, x[free], steps[free])
        H = _fd_hessian(fsub, x[free], steps[free])
        try:
            d = np.linalg.solve(H, g)
        except np.linalg.LinAlgError:
            break
        moved = False
        for lam in (1.0, 0.5, 0.25, 0.125):
            xn = x.copy()
            xn[free] = x[free] - lam * d
            xn[p:] = np.maximum(xn[p:], 0.0)
            fn = prob.deviance(xn)
            if fn <= fx:
                moved = fn < fx - 1e-13
                x, fx = xn, fn
                break
        if not moved or np.max(np.abs(d)) < 1e-9:
            break
    prob.deviance(x)  # leave the modes at the optimum
    sds = x[p:]
    singular = bool(np.any(sds <= SD_BOUNDARY))
    free = np.array([i < p or x[i] > SD_BOUNDARY for i in range(k)])

    def fsub(z):
        xx = x.copy()
        xx[free] = z
        return prob.deviance(xx)

    H = _fd_hessian(fsub, x[free], steps[free])
    cov_free = np.linalg.inv(H / 2.0)
    # reorder as lme4 does ((θ, β)); the β block is the same either way
    cov_beta = cov_free[:p, :p]
    se = np.sqrt(np.diag(cov_beta))
    grad = _fd_grad(fsub, x[free], steps[free])
    converged = bool(np.all(np.isfinite(x)) and np.max(np.abs(grad)) < 1e-3 and np.all(np.linalg.eigvalsh(H) > 0))
    ll = -fx / 2
    sat = float(np.sum(np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0)), 0.0) - y - gammaln(y + 1)))
    ll_lme4 = ll if nAGQ == 1 else ll - sat
    n_par = k
    aic, bic = information_criteria(ll, n_par, n)  # −2·ll is the deviance fx
    eff = {str(lab): float(sds[0] * uu) for lab, uu in zip(labels, prob.u, strict=True)}
    return GLMMFit(
        names=names or [f"x{i}" for i in range(p)],
        beta=x[:p].copy(),
        se=se,
        sd_group=float(sds[0]),
        sd_obs=float(sds[1]) if olre else float("nan"),
        loglik=float(ll),
        deviance=float(fx),
        loglik_lme4=float(ll_lme4),
        nAGQ=nAGQ,
        olre=olre,
        n=n,
        n_groups=len(labels),
        n_params=n_par,
        aic=aic,
        bic=bic,
        converged=converged,
        singular=singular,
        message=str(res.message),
        group_effects=eff,
        cov=cov_beta,
    )


def simulate_poisson_glmm(
    X: np.ndarray,
    beta: np.ndarray,
    groups: np.ndarray,
    sd_group: float,
    sd_obs: float = 0.0,
    offset: np.ndarray | None = None,
    seed: int | np.random.Generator | None = 0,
) -> np.ndarray:
    """Draw counts from the Poisson GLMM (for recovery tests and power).

    Parameters
    ----------
    X : numpy.ndarray
        Design (n, p).
    beta : numpy.ndarray
        Fixed effects (p,), log-rate scale.
    groups : numpy.ndarray
        Group labels (n,).
    sd_group, sd_obs : float
        SDs of the group and observation-level effects (log-rate scale).
    offset : numpy.ndarray, optional
        Log-scale offset (n,).
    seed : int or numpy.random.Generator
        Seed of the draws.

    Returns
    -------
    numpy.ndarray
        Simulated counts (n,).
    """
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    _, codes = np.unique(np.asarray(groups).astype(str), return_inverse=True)
    b = rng.normal(0, sd_group, codes.max() + 1)
    e = rng.normal(0, sd_obs, len(codes)) if sd_obs > 0 else 0.0
    eta = np.asarray(X, float) @ np.asarray(beta, float) + b[codes] + e + (0 if offset is None else offset)
    return rng.poisson(np.exp(eta)).astype(float)
