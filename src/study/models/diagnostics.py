"""Fit diagnostics a reader can judge for count models: randomized quantile residuals and rootograms.

* Predictive distributions (:class:`PoissonDist`, :class:`NB2Dist`,
  :class:`NB1Dist`, :class:`HurdleDist`) give each observation's pmf and cdf
  at any count; :func:`predictive` builds one from a fit of
  :mod:`study.models.hurdle` or :mod:`study.models.count`.
* :func:`quantile_residuals` -- randomized quantile residuals (Dunn & Smyth
  1996): rᵢ = Φ⁻¹(uᵢ), uᵢ ~ U(F(yᵢ − 1), F(yᵢ)). Under the right model they are
  exactly N(0, 1) (up to estimation error), whatever the count distribution;
  the uniform draws are seeded.
* :func:`rootogram` -- observed against expected frequencies per count
  (Kleiber & Zeileis 2016): expected = Σᵢ P(Yᵢ = k); on the square-root
  scale, hanging bars start at sqrt(expected) and end at sqrt(expected) −
  sqrt(observed). :func:`expected_zeros` is the k = 0 row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd
from scipy import stats


class CountDistribution(Protocol):
    """Per-observation predictive distribution of a count: vectorised ``pmf(k)`` and ``cdf(k)``."""

    def pmf(self, k: np.ndarray | float) -> np.ndarray: ...

    def cdf(self, k: np.ndarray | float) -> np.ndarray: ...


@dataclass(frozen=True)
class PoissonDist:
    """Poisson(μᵢ); ``mu`` in counts."""

    mu: np.ndarray

    def pmf(self, k):
        return stats.poisson.pmf(k, self.mu)

    def cdf(self, k):
        return stats.poisson.cdf(k, self.mu)


@dataclass(frozen=True)
class _NegBinDist:
    """A negative binomial with mean ``mu``ᵢ and dispersion ``alpha``; a subclass maps them to scipy's
    (size n, probability p) in ``_args``."""

    mu: np.ndarray
    alpha: float

    def _args(self) -> tuple[np.ndarray | float, np.ndarray | float]:
        raise NotImplementedError

    def pmf(self, k):
        return stats.nbinom.pmf(k, *self._args())

    def cdf(self, k):
        return stats.nbinom.cdf(k, *self._args())


@dataclass(frozen=True)
class NB2Dist(_NegBinDist):
    """NB2: mean μᵢ, variance μᵢ + αμᵢ² (α > 0, dimensionless)."""

    def _args(self):
        n = 1.0 / self.alpha
        return n, n / (n + np.asarray(self.mu, float))


@dataclass(frozen=True)
class NB1Dist(_NegBinDist):
    """NB1: mean μᵢ, variance μᵢ(1 + α) (α > 0)."""

    def _args(self):
        return np.asarray(self.mu, float) / self.alpha, 1.0 / (1.0 + self.alpha)


@dataclass(frozen=True)
class HurdleDist:
    """Hurdle: P(Y > 0) = ``p_pos``ᵢ; given Y > 0, the ``count`` distribution truncated at zero."""

    p_pos: np.ndarray
    count: Any

    def pmf(self, k):
        k = np.asarray(k, float)
        f0 = self.count.pmf(0)
        pos = self.p_pos * self.count.pmf(np.maximum(k, 1)) / (1 - f0)
        return np.where(k == 0, 1 - self.p_pos, np.where(k > 0, pos, 0.0))

    def cdf(self, k):
        k = np.asarray(k, float)
        f0 = self.count.pmf(0)
        pos = (1 - self.p_pos) + self.p_pos * (self.count.cdf(np.maximum(k, 0)) - f0) / (1 - f0)
        return np.where(k < 0, 0.0, np.where(k == 0, 1 - self.p_pos, pos))


def predictive(fit: Any) -> CountDistribution:
    """The fitted predictive distribution of each observation.

    Parameters
    ----------
    fit : object
        A :class:`study.models.hurdle.CountModelFit` / ``HurdleFit`` (anything
        with a ``distribution()`` method) or a :class:`study.models.count.CountFit`
        (``"poisson_ql"`` → Poisson at the fitted means, ``"negbin"`` → NB2).

    Returns
    -------
    CountDistribution
        Per-observation pmf/cdf.
    """
    if hasattr(fit, "distribution"):
        return fit.distribution()
    fam = getattr(fit, "family", None)
    if fam in ("poisson", "poisson_ql"):
        return PoissonDist(np.asarray(fit.fitted, float))
    if fam in ("negbin", "nb2"):
        return NB2Dist(np.asarray(fit.fitted, float), float(fit.alpha))
    raise ValueError(f"no predictive distribution for {type(fit).__name__} (family {fam!r})")


def quantile_residuals(
    y: np.ndarray, dist: CountDistribution, seed: int | np.random.Generator | None = 0
) -> np.ndarray:
    """Randomized quantile residuals (Dunn–Smyth) of integer counts.

    Parameters
    ----------
    y : numpy.ndarray
        Observed counts (n,), non-negative integers.
    dist : CountDistribution
        The fitted predictive distribution of each observation.
    seed : int or numpy.random.Generator
        Seed of the uniform draws (the residuals are random within each count's step).

    Returns
    -------
    numpy.ndarray
        Residuals (n,) on the standard normal scale (dimensionless).
    """
    y = np.asarray(y, float)
    if np.any(y < 0) or np.any(y != np.round(y)):
        raise ValueError("quantile residuals need non-negative integer counts")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    hi = np.asarray(dist.cdf(y), float)
    lo = np.where(y > 0, np.asarray(dist.cdf(y - 1), float), 0.0)
    u = lo + rng.uniform(size=y.shape) * (hi - lo)
    u = np.clip(u, 1e-300, 1 - 1e-16)
    return stats.norm.ppf(u)


def rootogram(y: np.ndarray, dist: CountDistribution, max_count: int | None = None) -> pd.DataFrame:
    """Observed and expected frequencies per count (rootogram data).

    Parameters
    ----------
    y : numpy.ndarray
        Observed counts (n,).
    dist : CountDistribution
        Fitted predictive distribution.
    max_count : int, optional
        Largest count tabulated (default max(y)); the last row does not
        collect the tail.

    Returns
    -------
    pandas.DataFrame
        ``count, observed, expected, sqrt_observed, sqrt_expected, hanging_low``
        (frequencies in plans; ``hanging_low`` = sqrt(expected) − sqrt(observed),
        where a hanging bar ends: below 0 means the model under-predicts that count).
    """
    y = np.asarray(y, float)
    top = int(np.max(y)) if max_count is None else int(max_count)
    ks = np.arange(top + 1)
    obs = np.array([np.sum(y == k) for k in ks], float)
    exp = np.array([float(np.sum(dist.pmf(k))) for k in ks])
    return pd.DataFrame(
        {
            "count": ks,
            "observed": obs,
            "expected": exp,
            "sqrt_observed": np.sqrt(obs),
            "sqrt_expected": np.sqrt(exp),
            "hanging_low": np.sqrt(exp) - np.sqrt(obs),
        }
    )


def expected_zeros(dist: CountDistribution) -> float:
    """Expected number of zero counts, Σᵢ P(Yᵢ = 0) (in plans)."""
    return float(np.sum(dist.pmf(0)))
