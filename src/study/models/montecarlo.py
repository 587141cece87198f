"""Monte Carlo error of resampling quantities, and how many draws a printed digit needs.

Bootstrap intervals and permutation p-values are random: another seed gives
another number. This module measures that error and words claims near a
reference value as *borderline* when the difference is within it.

Methods
-------
* **Permutation / Monte Carlo p-value** (:func:`permutation_p`, :func:`pvalue_mc_se`): the count of
  permuted statistics at least as extreme is Binomial(B, p), so the MC SE of
  p̂ is sqrt(p̂(1 − p̂)/B).
* **Bootstrap quantile or interval bound** (:func:`quantile_mc_se`): the
  order-statistic (binomial) argument. The empirical q-quantile of B draws
  lies between the order statistics of ranks Bq ± z·sqrt(Bq(1 − q)) with
  probability ≈ 2Φ(z) − 1 (the count of draws below the true quantile is
  Binomial(B, q)); the SE is that distance / (2z), with z = 1 (ranks ± one
  binomial SD). For a BCa bound the relevant q is the BCa-adjusted level
  (returned by :func:`bca_adjusted_levels`); the small extra variation of z₀
  between seeds is not included there, so :func:`batch_means_se` (split the
  draws into K batches, SE = SD of the batch statistics / sqrt(K)) is offered
  as a check that includes it.
* **Draws needed** (:func:`draws_needed`): the MC SE falls as 1/sqrt(B), so
  B_needed = the smallest integer above B (SE / target)², with target = half a unit of the last printed
  digit, 0.5·10^(−decimals) (:func:`half_unit`).
* **Share of intervals on one side of a reference** (:func:`side_probabilities`, :func:`share_mc_se`):
  each interval's indicator (e.g. upper bound < 1) is Bernoulli with probability
  q = Φ((reference − bound)/SE) (the bound's Monte Carlo distribution taken as normal, centred at the
  bound found); the share of N intervals has variance Σᵢ Σⱼ Cov(Iᵢ, Iⱼ)/N². Independent
  intervals give Σ qᵢ(1 − qᵢ)/N²; intervals whose bootstraps share their random streams (the
  multiverse) have positively correlated errors, so that value under-states the error. The
  ``"comonotone"`` rule bounds every covariance by the Fréchet–Hoeffding bound min(qᵢ, qⱼ) − qᵢqⱼ,
  the largest any dependence allows (attained when one common shock moves every bound): an upper
  bound on the MC SE.
* **p-value floor** (:func:`format_p`): a permutation p can be no smaller than
  1/(B + 1); it prints as ``"< 1/(B+1)"`` with the number, e.g. ``"< 0.0002"``
  for B = 4999.
* **Borderline claims** (:func:`classify_interval`): an interval excludes a
  reference value (1 for a ratio, 0 for a difference) only if the nearer
  bound lies beyond it by more than ``k`` MC SEs; within that band the claim
  is ``"borderline"``. The result is a structured value; wording comes later.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import stats


def pvalue_mc_se(p: float, n_draws: int) -> float:
    """Monte Carlo SE of a permutation (or Monte Carlo) p-value.

    Parameters
    ----------
    p : float
        The estimated p-value (0–1).
    n_draws : int
        Number of permutations B (≥ 1).

    Returns
    -------
    float
        sqrt(p(1 − p)/B), in p-value units.
    """
    if n_draws < 1:
        raise ValueError("n_draws must be >= 1")
    if not 0 <= p <= 1:
        raise ValueError("p must lie in [0, 1]")
    return math.sqrt(p * (1 - p) / n_draws)


def permutation_p(observed: float, null: np.ndarray) -> tuple[float, float, float, int]:
    """One-sided permutation p with its Monte Carlo SE and floor.

    p = (1 + #{null ≥ observed}) / (B + 1), ties within 1e-12 counted as extreme; draws that are not
    finite (failed refits) are dropped from B.

    Parameters
    ----------
    observed : float
        The observed statistic (large values are extreme; pass −T or |T| for the other tail or two sides).
    null : numpy.ndarray
        The statistic's permutation (or Monte Carlo) draws, same unit as ``observed``.

    Returns
    -------
    p_value : float
        The permutation p (0–1); NaN when ``observed`` is not finite.
    mc_se : float
        Its Monte Carlo SE √(p(1 − p)/B) (:func:`pvalue_mc_se`, B at least 1), in p-value units; NaN with p.
    floor : float
        The smallest p the B draws can give, 1/(B + 1).
    n_draws : int
        B, the finite draws used.
    """
    null = np.asarray(null, float)
    null = null[np.isfinite(null)]
    B = null.size
    if not np.isfinite(observed):
        return np.nan, np.nan, 1.0 / (B + 1), B
    p = float((1 + np.sum(null >= observed - 1e-12)) / (B + 1))
    return p, pvalue_mc_se(p, max(B, 1)), 1.0 / (B + 1), B


def quantile_mc_se(draws: np.ndarray, q: float, z: float = 1.0) -> float:
    """Monte Carlo SE of the empirical ``q``-quantile of bootstrap draws (order-statistic method).

    Parameters
    ----------
    draws : numpy.ndarray
        Bootstrap replicates (B,), in the units of the statistic; NaN ignored.
    q : float
        Quantile level in (0, 1), e.g. 0.025 or a BCa-adjusted level.
    z : float
        Half-width of the rank band in binomial SDs (default 1).

    Returns
    -------
    float
        SE in the units of the statistic: (d₍ⱼ₊₎ − d₍ⱼ₋₎)/(2z) with
        j± = Bq ± z·sqrt(Bq(1 − q)) (clipped to the sample); NaN for fewer than 2 draws.
    """
    d = np.sort(np.asarray(draws, float)[np.isfinite(draws)])
    B = d.size
    if B < 2 or not 0 < q < 1:
        return float("nan")
    half = z * math.sqrt(B * q * (1 - q))
    lo = min(max(math.floor(B * q - half), 0), B - 1)
    hi = min(max(math.ceil(B * q + half), 0), B - 1)
    width = (hi - lo) / (2 * half) if half > 0 else 1.0  # correct for integer rounding of the ranks
    return float((d[hi] - d[lo]) / (2 * z * width)) if hi > lo else 0.0


def bca_adjusted_levels(z0: float, acceleration: float, level: float = 0.95) -> tuple[float, float]:
    """The quantile levels a BCa interval reads from the bootstrap distribution.

    Parameters
    ----------
    z0 : float
        Bias correction Φ⁻¹(share of draws below the estimate).
    acceleration : float
        Jackknife acceleration a.
    level : float
        Nominal coverage (0–1).

    Returns
    -------
    tuple of float
        (α₁, α₂) = Φ(z₀ + (z₀ + z_q)/(1 − a(z₀ + z_q))) for q = (1 − level)/2 and 1 − q.
    """
    a = (1 - level) / 2
    out = []
    for q in (a, 1 - a):
        zq = stats.norm.ppf(q)
        out.append(float(stats.norm.cdf(z0 + (z0 + zq) / (1 - acceleration * (z0 + zq)))))
    return out[0], out[1]


def percentile_bounds_mc_se(draws: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """Monte Carlo SEs of the two bounds of a percentile interval (:func:`quantile_mc_se` at each level).

    Parameters
    ----------
    draws : numpy.ndarray
        Bootstrap replicates (B,), in the statistic's unit.
    level : float
        Confidence level of the interval (0–1): the bounds are the (1 − level)/2 and (1 + level)/2 quantiles.

    Returns
    -------
    tuple of float
        (SE of the lower bound, SE of the upper bound), in the units of the statistic.
    """
    return quantile_mc_se(draws, (1 - level) / 2), quantile_mc_se(draws, (1 + level) / 2)


def bca_bounds_mc_se(
    estimate: float,
    draws: np.ndarray,
    jackknife: np.ndarray,
    level: float = 0.95,
    method: str = "order_statistic",
    n_batches: int = 10,
) -> tuple[float, float]:
    """Monte Carlo SEs of the two bounds of a BCa interval.

    Parameters
    ----------
    estimate : float
        The full-sample estimate (units of the statistic).
    draws : numpy.ndarray
        Bootstrap replicates (B,), in the order drawn (NaN = failed refit, ignored).
    jackknife : numpy.ndarray
        Leave-one-out estimates (n,).
    level : float
        Confidence level of the interval.
    method : {"order_statistic", "batch_means"}
        ``"order_statistic"``: :func:`quantile_mc_se` at the BCa-adjusted
        levels (z₀ and a held at their values); ``"batch_means"``: the BCa
        bound recomputed on ``n_batches`` batches of the draws (includes the
        variation of z₀; slightly conservative).

    Returns
    -------
    tuple of float
        (SE of the lower bound, SE of the upper bound), in the units of the statistic.
    """
    from study.models.resample import bca_interval

    d = np.asarray(draws, float)
    d = d[np.isfinite(d)]
    if method == "order_statistic":
        _, _, z0, acc = bca_interval(estimate, d, jackknife, level)
        if not np.isfinite(z0):
            return float("nan"), float("nan")
        q1, q2 = bca_adjusted_levels(z0, acc, level)
        return quantile_mc_se(d, q1), quantile_mc_se(d, q2)
    if method == "batch_means":
        lo = batch_means_se(d, lambda x: bca_interval(estimate, x, jackknife, level)[0], n_batches)
        hi = batch_means_se(d, lambda x: bca_interval(estimate, x, jackknife, level)[1], n_batches)
        return lo, hi
    raise ValueError("method must be 'order_statistic' or 'batch_means'")


def batch_means_se(draws: np.ndarray, statistic: Callable[[np.ndarray], float], n_batches: int = 10) -> float:
    """Monte Carlo SE of ``statistic(draws)`` by batch means.

    The draws (in their order, which is random) are split into ``n_batches``
    equal batches; the SE of the statistic on all B draws is estimated as
    SD(batch statistics)/sqrt(K). Slightly conservative for quantiles (a
    quantile of B/K draws is a bit more variable than K times less).

    Parameters
    ----------
    draws : numpy.ndarray
        Replicates (B,) or (B, m).
    statistic : callable
        Maps an array of draws to a number (e.g. an interval bound).
    n_batches : int
        Number of batches K (≥ 2).

    Returns
    -------
    float
        SE in the units of the statistic.
    """
    d = np.asarray(draws)
    if n_batches < 2 or d.shape[0] < 2 * n_batches:
        raise ValueError("need n_batches >= 2 and at least 2 draws per batch")
    size = d.shape[0] // n_batches
    vals = np.array([statistic(d[i * size : (i + 1) * size]) for i in range(n_batches)], float)
    vals = vals[np.isfinite(vals)]
    if vals.size < 2:
        return float("nan")
    return float(np.std(vals, ddof=1) / math.sqrt(vals.size))


def side_probabilities(
    bounds: np.ndarray, mc_se: np.ndarray, reference: float, side: Literal["below", "above"]
) -> np.ndarray:
    """Probability that each interval bound, drawn again with fresh random streams, lies on one side of a reference.

    The bound's Monte Carlo distribution is approximated as normal with mean the bound found and SD its
    MC SE (the order-statistic SE of :func:`quantile_mc_se`), so for ``side="below"``
    q = Φ((reference − bound)/SE), and for ``"above"`` q = Φ((bound − reference)/SE).

    Parameters
    ----------
    bounds : numpy.ndarray
        Interval bounds (N,), in the statistic's unit; a bound that is not finite is on neither side (q = 0),
        as in the share itself.
    mc_se : numpy.ndarray
        Their Monte Carlo SEs (N,), same unit. 0: a deterministic bound, q is the indicator (strict
        inequality); not finite (fewer than two finite draws) for a finite bound: the MC error is unknown,
        and q = 1/2, the most uncertain indicator.
    reference : float
        The reference value (0 for a coefficient, 1 for an elasticity against proportional growth).
    side : {"below", "above"}
        ``"below"``: the indicator is bound < reference; ``"above"``: bound > reference.

    Returns
    -------
    numpy.ndarray
        q (N,), probabilities (0 to 1).
    """
    b = np.asarray(bounds, float)
    se = np.broadcast_to(np.asarray(mc_se, float), b.shape)
    if side not in ("below", "above"):
        raise ValueError("side must be 'below' or 'above'")
    dist = reference - b if side == "below" else b - reference  # > 0: on the side
    q = np.where(dist > 0, 1.0, 0.0)
    random = np.isfinite(se) & (se > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.where(random, stats.norm.cdf(dist / np.where(random, se, 1.0)), q)
    q = np.where(np.isfinite(b) & ~np.isfinite(se), 0.5, q)
    return np.where(np.isfinite(b), q, 0.0)


def share_mc_se(probabilities: np.ndarray, rule: Literal["comonotone", "independent"] = "comonotone") -> float:
    """Monte Carlo SE of a share of intervals on one side of a reference (a mean of Bernoulli indicators).

    Each interval's indicator Iᵢ is Bernoulli(qᵢ), qᵢ from :func:`side_probabilities`; the share
    (1/N) Σ Iᵢ has variance (1/N²) Σᵢ Σⱼ Cov(Iᵢ, Iⱼ).

    * ``"independent"``: Cov = 0 off the diagonal, SE = sqrt(Σ qᵢ(1 − qᵢ))/N. Exact when each interval
      has its own random streams; it **under-states** the error when the intervals' bootstraps share
      their streams (as the multiverse's specifications do: the same resamples of mostly the same plans,
      so their bounds err together) — for normal errors with non-negative correlation every covariance
      is ≥ 0 (Slepian's inequality).
    * ``"comonotone"`` (default): Cov(Iᵢ, Iⱼ) ≤ min(qᵢ, qⱼ) − qᵢqⱼ, the Fréchet–Hoeffding bound, the
      largest any dependence allows; attained when one common shock moves every bound (then Iᵢ = 1{V < qᵢ}
      for one uniform V). SE = sqrt(Σᵢ Σⱼ min(qᵢ, qⱼ) − (Σ qᵢ)²)/N: an **upper bound** on the MC SE
      whatever the dependence, and never below the independent value. It is sharper than the
      Cauchy–Schwarz bound Σ sqrt(qᵢ(1 − qᵢ))/N.

    Both rest on the normal approximation of each bound's Monte Carlo distribution and on the plug-in
    of the bound found for its expectation (:func:`side_probabilities`).

    Parameters
    ----------
    probabilities : numpy.ndarray
        qᵢ (N,), each in [0, 1].
    rule : {"comonotone", "independent"}
        How the intervals' errors are taken to depend on each other.

    Returns
    -------
    float
        The MC SE of the share, in share units (0 to 1); NaN for no intervals.
    """
    q = np.sort(np.asarray(probabilities, float).ravel())
    n = q.size
    if n == 0:
        return float("nan")
    if not np.all((q >= 0) & (q <= 1)):
        raise ValueError("probabilities must lie in [0, 1]")
    if rule == "independent":
        var = float(np.sum(q * (1 - q)))
    elif rule == "comonotone":
        # Σᵢ Σⱼ min(qᵢ, qⱼ) with q sorted ascending: the k-th smallest (k = 1..N) is the minimum of 2(N − k) + 1 pairs
        k = np.arange(1, n + 1)
        var = float(np.sum(q * (2 * (n - k) + 1)) - np.sum(q) ** 2)
    else:
        raise ValueError("rule must be 'comonotone' or 'independent'")
    return math.sqrt(max(var, 0.0)) / n


def half_unit(decimals: int) -> float:
    """Half a unit of the last printed digit: 0.5·10^(−decimals) (e.g. 0.005 for 2 decimals)."""
    return 0.5 * 10.0 ** (-decimals)


def _strictly_above(x: float) -> int:
    """Smallest integer B > x (x rounded to 9 decimals first, against floating-point noise), at least 1."""
    return max(1, math.floor(round(x, 9)) + 1)


def draws_needed(mc_se: float, n_draws: int, decimals: int) -> int:
    """Number of draws that brings the MC SE below half a unit of the last printed digit.

    Parameters
    ----------
    mc_se : float
        MC SE measured with ``n_draws`` draws (units of the statistic).
    n_draws : int
        Draws used for ``mc_se``.
    decimals : int
        Digits printed after the decimal point.

    Returns
    -------
    int
        The smallest B' > B·(SE/target)², so that SE·sqrt(B/B') < target = :func:`half_unit`.
    """
    if not np.isfinite(mc_se):
        raise ValueError("mc_se must be finite")
    target = half_unit(decimals)
    return _strictly_above(n_draws * (mc_se / target) ** 2)


def pvalue_draws_needed(p: float, decimals: int) -> int:
    """Permutations needed so that sqrt(p(1 − p)/B) < half a unit of the last printed digit of p."""
    target = half_unit(decimals)
    return _strictly_above(p * (1 - p) / target**2)


def format_p(p: float, n_draws: int, decimals: int = 4) -> str:
    """Print a permutation p-value, with the floor as ``"< 1/(B+1)"``.

    Parameters
    ----------
    p : float
        p-value (1 + #extreme)/(1 + B).
    n_draws : int
        Number of permutations B.
    decimals : int
        Digits after the decimal point for ordinary values.

    Returns
    -------
    str
        ``"< 0.0002"`` (for B = 4999) when p is at the floor 1/(B + 1), else p rounded.
    """
    floor = 1.0 / (n_draws + 1)
    if p <= floor * (1 + 1e-9):
        sig = max(decimals, -math.floor(math.log10(floor)) + 1)
        txt = f"{floor:.{sig}f}".rstrip("0").rstrip(".")
        return f"< {txt}"
    return f"{p:.{decimals}f}"


@dataclass(frozen=True)
class IntervalClaim:
    """How an interval stands against a reference value, allowing for Monte Carlo error.

    ``status``: ``"excludes"`` (the nearer bound is beyond the reference by
    more than ``k`` MC SEs), ``"includes"`` (the reference lies inside by more
    than that), or ``"borderline"`` (within ``k`` MC SEs). ``side``: where the
    interval lies relative to the reference when it excludes or nearly
    excludes it (``"above"``, ``"below"``; ``None`` when it straddles the
    reference clearly). ``bound``: the nearer bound; ``distance_se``: its
    signed distance from the reference in MC SEs (positive = on the excluding side).
    """

    status: str
    side: str | None
    reference: float
    bound: float
    bound_mc_se: float
    distance_se: float
    k: float


def classify_interval(
    ci_low: float, ci_high: float, reference: float, low_mc_se: float, high_mc_se: float, k: float = 2.0
) -> IntervalClaim:
    """Classify an interval as excluding, including, or borderline for a reference value.

    Parameters
    ----------
    ci_low, ci_high : float
        Interval bounds (units of the statistic; use the ratio scale with
        reference 1 or the log scale with reference 0 consistently).
    reference : float
        The value of no effect (1 for a rate ratio, 0 for a coefficient).
    low_mc_se, high_mc_se : float
        Monte Carlo SEs of the bounds (0 for non-random intervals).
    k : float
        Band half-width in MC SEs (default 2, about a 95% band).

    Returns
    -------
    IntervalClaim
        The structured classification.
    """
    if not (ci_low <= ci_high):
        raise ValueError("ci_low must be <= ci_high")
    d_low = ci_low - reference  # > 0: interval above the reference
    d_high = reference - ci_high  # > 0: interval below the reference
    if d_low >= d_high:  # the low bound is the nearer one to crossing (interval sits high)
        bound, se, dist, side = ci_low, low_mc_se, d_low, "above"
    else:
        bound, se, dist, side = ci_high, high_mc_se, d_high, "below"
    dse = dist / se if se > 0 else (math.inf if dist > 0 else (-math.inf if dist < 0 else 0.0))
    if abs(dist) <= k * se:
        status = "borderline"
    elif dist > 0:
        status = "excludes"
    else:
        status = "includes"
        side = None
    return IntervalClaim(
        status=status,
        side=side,
        reference=reference,
        bound=float(bound),
        bound_mc_se=float(se),
        distance_se=float(dse),
        k=k,
    )
