"""Wald inference from an estimate and its standard error: the interval and the two-sided p.

One copy of ``estimate ∓ q·se`` with ``q`` the t quantile on ``df`` degrees of freedom (quasi
families, sandwich fits with a t reference) or the normal quantile (``df`` None or 0: ML fits,
glmer's summary), and ``p = 2·P(T ≥ |estimate/se|)`` from the same distribution.
"""

from __future__ import annotations

import numpy as np
from scipy import stats


def critical_value(level: float = 0.95, df: float | None = None) -> float:
    """The two-sided Wald quantile: the ``(1 + level)/2`` quantile of t(``df``), or of N(0, 1).

    Parameters
    ----------
    level : float
        Confidence level (0–1).
    df : float, optional
        Degrees of freedom of the t reference; None (or 0) uses the standard normal.

    Returns
    -------
    float
        The quantile q (unitless): the interval is estimate ± q·se, and |estimate/se| > q rejects at 1 − level.
    """
    return stats.t.ppf(0.5 + level / 2, df) if df else stats.norm.ppf(0.5 + level / 2)


def wald(estimate, se, level: float = 0.95, df: float | None = None):
    """Wald interval and two-sided p-value of H0: parameter = 0.

    Parameters
    ----------
    estimate : float or numpy.ndarray
        Point estimate(s), in the parameter's unit (e.g. log-rate per unit of the covariate).
    se : float or numpy.ndarray
        Standard error(s), same unit and shape as ``estimate``.
    level, df
        As in :func:`critical_value`.

    Returns
    -------
    ci_low, ci_high : float or numpy.ndarray
        ``estimate − q·se`` and ``estimate + q·se`` (the parameter's unit), q the ``(1 + level)/2`` quantile.
    p_value : float or numpy.ndarray
        Two-sided p of ``estimate/se`` (probability, 0–1).
    """
    q = critical_value(level, df)
    z = estimate / se
    p = 2 * (stats.t.sf(np.abs(z), df) if df else stats.norm.sf(np.abs(z)))
    return estimate - q * se, estimate + q * se, p
