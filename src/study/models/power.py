"""Simulation-based power, minimum detectable effects and equivalence bounds for count-model coefficients.

Power is simulated at the real design matrix: counts are drawn from the
fitted model with one coefficient changed, the model is refitted to each
draw, and the share of rejections of H0: β_j = ``null`` is the power. Its
Monte Carlo SE is sqrt(π(1 − π)/R) for R simulated data sets.

* Data-generating model: ``"poisson"`` or ``"nb2"`` (Var = μ + αμ², α from the
  fit, so overdispersion is honoured).
* Test: ``"ql"`` -- Poisson quasi-likelihood Wald t with n − p df (the
  headline model); ``"nb2"`` -- NB2 ML Wald z with expected-information SE;
  ``"poisson"`` -- Poisson Wald z.
* :func:`minimum_detectable_effect` -- the smallest departure |β_j − null|
  (in one direction) with the target power, by bisection on a power curve
  that uses the same seed at every effect (common random numbers make the
  curve smooth in the effect). Its Monte Carlo SE is the power's MC SE divided
  by the slope of the power curve there (delta method).
* :func:`tost` / :func:`equivalence_bounds` -- two one-sided tests (Schuirmann
  1987) against a margin, and the smallest symmetric margin the data would
  declare equivalent at level α (the bounds of the 1 − 2α interval), to
  replace "no effect" by "effects larger than ±Δ are excluded".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from study.models import kernels

TESTS = ("ql", "nb2", "poisson")


@dataclass(frozen=True)
class PowerResult:
    """Simulated power of a Wald test.

    ``effect``: β_j − ``null`` under the alternative (log-rate per unit of the
    covariate); ``power`` and its Monte Carlo SE ``mc_se``; ``n_sim`` data
    sets (``n_failed`` refits dropped); ``level``: two-sided test size.
    """

    term: int
    effect: float
    null: float
    power: float
    mc_se: float
    n_sim: int
    n_failed: int
    level: float
    generator: str
    test: str


def _simulate(mu: np.ndarray, generator: str, alpha: float | None, n_sim: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if generator == "poisson":
        return rng.poisson(np.broadcast_to(mu, (n_sim, len(mu)))).astype(float)
    if generator == "nb2":
        if alpha is None or not alpha > 0:
            raise ValueError("generator 'nb2' needs alpha > 0")
        lam = rng.gamma(1.0 / alpha, alpha * np.broadcast_to(mu, (n_sim, len(mu))))
        return rng.poisson(lam).astype(float)
    raise ValueError("generator must be 'poisson' or 'nb2'")


def wald_statistics(
    X: np.ndarray, Y: np.ndarray, j: int, null: float = 0.0, test: str = "ql", offset: np.ndarray | None = None
) -> tuple[np.ndarray, float | None]:
    """Wald statistics (β̂_j − null)/SE for each row of ``Y`` (batched refits).

    Parameters
    ----------
    X : numpy.ndarray
        Design (n, p).
    Y : numpy.ndarray
        Responses (R, n).
    j : int
        Column of the tested coefficient.
    null : float
        Value of β_j under H0.
    test : {"ql", "nb2", "poisson"}
        Model and SE (see module doc).
    offset : numpy.ndarray, optional
        Log-scale offset (n,).

    Returns
    -------
    tuple
        (statistics (R,), NaN for failed refits; df of the t reference or None for z).
    """
    if test not in TESTS:
        raise ValueError(f"test must be one of {TESTS}")
    if test == "nb2":
        fit = kernels.nb2_ml(X, Y, offset=offset)
        se = kernels.wald_se("nb2", X, Y, fit, offset=offset)
        df = None
    else:
        fit = kernels.poisson_irls(X, Y, offset=offset)
        se = kernels.wald_se("poisson_ql" if test == "ql" else "poisson", X, Y, fit, offset=offset)
        df = X.shape[0] - X.shape[1] if test == "ql" else None
    b = np.atleast_2d(fit.beta)[:, j]
    s = np.atleast_2d(se)[:, j]
    with np.errstate(invalid="ignore", divide="ignore"):
        t = (b - null) / s
    return np.where(np.atleast_1d(fit.converged), t, np.nan), df


def simulate_power(
    X: np.ndarray,
    beta: np.ndarray,
    j: int,
    effect: float,
    null: float = 0.0,
    generator: str = "nb2",
    alpha: float | None = None,
    test: str = "ql",
    offset: np.ndarray | None = None,
    level: float = 0.05,
    n_sim: int = 1000,
    seed: int = 0,
    keep_mean: bool = True,
) -> PowerResult:
    """Power of the two-sided Wald test of β_j = ``null`` when β_j = null + ``effect``.

    Parameters
    ----------
    X : numpy.ndarray
        The real design (n, p), intercept included.
    beta : numpy.ndarray
        Coefficients of the data-generating model (p,); entry j is replaced by null + effect.
    j : int
        Column of the tested coefficient.
    effect : float
        Departure from the null (log-rate per unit of the covariate; e.g. per
        1 percentage point of aging rate).
    null : float
        H0 value (0 for "no association", 1 for proportional staffing in log population).
    generator : {"nb2", "poisson"}
        Distribution of the simulated counts.
    alpha : float, optional
        NB2 dispersion of the generator.
    test : {"ql", "nb2", "poisson"}
        The test whose power is simulated.
    offset : numpy.ndarray, optional
        Log-scale offset (n,).
    level : float
        Two-sided size of the test.
    n_sim : int
        Number of simulated data sets R.
    seed : int
        Seed (the same seed at every effect gives common random numbers).
    keep_mean : bool
        Shift the intercept (column 0, if constant) so that the linear
        predictor at the covariate's mean is unchanged: the effect tilts the
        staffing around the average plan instead of scaling all counts.

    Returns
    -------
    PowerResult
        Power with its Monte Carlo SE.
    """
    X = np.asarray(X, float)
    b = np.asarray(beta, float).copy()
    if keep_mean and np.allclose(X[:, 0], 1.0) and j != 0:
        b[0] -= (null + effect - b[j]) * float(np.mean(X[:, j]))  # the covariate acts around its mean
    b[j] = null + effect
    mu = np.exp(X @ b + (0.0 if offset is None else offset))
    Y = _simulate(mu, generator, alpha, n_sim, seed)
    t, df = wald_statistics(X, Y, j, null, test, offset)
    ok = np.isfinite(t)
    crit = stats.t.ppf(1 - level / 2, df) if df else stats.norm.ppf(1 - level / 2)
    k = int(np.sum(np.abs(t[ok]) > crit))
    m = int(ok.sum())
    p = k / m if m else float("nan")
    return PowerResult(
        term=j,
        effect=float(effect),
        null=float(null),
        power=float(p),
        mc_se=float(np.sqrt(p * (1 - p) / m)) if m else float("nan"),
        n_sim=n_sim,
        n_failed=int((~ok).sum()),
        level=level,
        generator=generator,
        test=test,
    )


@dataclass(frozen=True)
class MDEResult:
    """Minimum detectable effect in one direction.

    ``effect``: β_j − null with power ``target`` (log-rate per covariate
    unit; signed by ``direction``); ``mc_se``: its Monte Carlo SE (delta
    method); ``power_at``: the simulated power at ``effect``; ``curve``:
    (effect, power) pairs evaluated.
    """

    term: int
    direction: int
    effect: float
    mc_se: float
    target: float
    power_at: float
    null: float
    n_sim: int
    curve: list[tuple[float, float]]


def minimum_detectable_effect(
    X: np.ndarray,
    beta: np.ndarray,
    j: int,
    direction: int = 1,
    null: float = 0.0,
    target: float = 0.8,
    generator: str = "nb2",
    alpha: float | None = None,
    test: str = "ql",
    offset: np.ndarray | None = None,
    level: float = 0.05,
    n_sim: int = 1000,
    seed: int = 0,
    max_effect: float = 5.0,
    tol: float = 1e-3,
) -> MDEResult:
    """Smallest effect (β_j − null, in ``direction``) whose simulated power reaches ``target``.

    Parameters
    ----------
    X, beta, j, null, generator, alpha, test, offset, level, n_sim, seed
        As :func:`simulate_power`.
    direction : {1, -1}
        Look for increases (+1) or decreases (−1) of β_j.
    target : float
        Power wanted (e.g. 0.8).
    max_effect : float
        Largest |effect| searched (log-rate per unit).
    tol : float
        Bisection tolerance on |effect|.

    Returns
    -------
    MDEResult
        The effect, its Monte Carlo SE and the evaluated power curve.

    Raises
    ------
    ValueError
        If even ``max_effect`` does not reach the target.
    """
    if direction not in (1, -1):
        raise ValueError("direction must be 1 or -1")
    curve: list[tuple[float, float]] = []

    def pw(e: float) -> PowerResult:
        r = simulate_power(X, beta, j, direction * e, null, generator, alpha, test, offset, level, n_sim, seed)
        curve.append((direction * e, r.power))
        return r

    lo, hi = 0.0, max_effect / 1024
    while pw(hi).power < target:
        lo, hi = hi, hi * 2
        if hi > max_effect:
            raise ValueError(f"power stays below {target} up to |effect| = {max_effect}")
    while hi - lo > tol:
        mid = (lo + hi) / 2
        if pw(mid).power >= target:
            hi = mid
        else:
            lo = mid
    at = pw(hi)
    d = max(hi * 0.1, 10 * tol)
    p_hi = pw(hi + d).power
    p_lo = pw(max(hi - d, 0.0)).power
    slope = (p_hi - p_lo) / (hi + d - max(hi - d, 0.0))
    se = at.mc_se / slope if slope > 0 else float("nan")
    return MDEResult(
        term=j,
        direction=direction,
        effect=float(direction * hi),
        mc_se=float(se),
        target=target,
        power_at=at.power,
        null=null,
        n_sim=n_sim,
        curve=sorted(curve),
    )


@dataclass(frozen=True)
class EquivalenceResult:
    """TOST result: ``p_value`` = max of the two one-sided p's; ``equivalent`` if below ``alpha``;
    ``margin_low``/``margin_high``: the equivalence margins tested (same units as the estimate)."""

    estimate: float
    se: float
    margin_low: float
    margin_high: float
    p_lower: float
    p_upper: float
    p_value: float
    equivalent: bool
    alpha: float


def tost(
    estimate: float, se: float, margin_low: float, margin_high: float, alpha: float = 0.05, df: int | None = None
) -> EquivalenceResult:
    """Two one-sided tests that the parameter lies inside (``margin_low``, ``margin_high``).

    Parameters
    ----------
    estimate, se : float
        Estimate and its standard error (e.g. a log rate ratio per 10 points).
    margin_low, margin_high : float
        Equivalence margins (same units), margin_low < margin_high.
    alpha : float
        Level of each one-sided test.
    df : int, optional
        t degrees of freedom; None for z.

    Returns
    -------
    EquivalenceResult
        The two one-sided p-values, their maximum and the decision.
    """
    if not margin_low < margin_high:
        raise ValueError("margin_low must be < margin_high")
    dist = stats.t(df) if df else stats.norm()
    p_lower = float(dist.sf((estimate - margin_low) / se))  # H0: θ ≤ low
    p_upper = float(dist.cdf((estimate - margin_high) / se))  # H0: θ ≥ high
    p = max(p_lower, p_upper)
    return EquivalenceResult(
        estimate=float(estimate),
        se=float(se),
        margin_low=float(margin_low),
        margin_high=float(margin_high),
        p_lower=p_lower,
        p_upper=p_upper,
        p_value=p,
        equivalent=bool(p < alpha),
        alpha=alpha,
    )


def equivalence_bounds(
    estimate: float, se: float, null: float = 0.0, alpha: float = 0.05, df: int | None = None
) -> tuple[float, float, float]:
    """The (1 − 2α) interval and the smallest symmetric margin Δ around ``null`` that TOST would accept.

    Parameters
    ----------
    estimate, se : float
        Estimate and standard error.
    null : float
        Centre of the equivalence region.
    alpha : float
        One-sided level (0.05 gives the 90% interval).
    df : int, optional
        t degrees of freedom; None for z.

    Returns
    -------
    tuple of float
        (low, high, delta): the interval and Δ = max(|low − null|, |high − null|);
        effects beyond null ± Δ are excluded at level α.
    """
    q = stats.t.ppf(1 - alpha, df) if df else stats.norm.ppf(1 - alpha)
    lo, hi = estimate - q * se, estimate + q * se
    return float(lo), float(hi), float(max(abs(lo - null), abs(hi - null)))
