"""Multiplicity adjustment of secondary tests: Holm's step-down method.

:func:`holm` reproduces R's ``p.adjust(p, method = "holm")`` exactly:
missing p-values stay missing and do not count in the number of tests m;
the adjusted value of the i-th smallest p is max over j ≤ i of
min(1, (m − j + 1) p₍ⱼ₎); ties keep their input order (R's ``order`` is
stable), which does not change the adjusted values.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def holm(p_values: Sequence[float] | np.ndarray) -> np.ndarray:
    """Holm-adjusted p-values (family-wise error control), in the input order.

    Parameters
    ----------
    p_values : sequence of float
        Unadjusted p-values in [0, 1] (dimensionless); NaN marks a test that
        was not done.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values in [0, 1], NaN where the input was NaN.

    Raises
    ------
    ValueError
        If a p-value lies outside [0, 1].
    """
    p = np.asarray(p_values, dtype=float).ravel()
    out = np.full(p.shape, np.nan)
    ok = np.isfinite(p)
    q = p[ok]
    if q.size == 0:
        return out
    if np.any((q < 0) | (q > 1)):
        raise ValueError("p-values must lie in [0, 1]")
    m = q.size
    order = np.argsort(q, kind="stable")
    adj = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * q[order]))
    res = np.empty(m)
    res[order] = adj
    out[ok] = res
    return out
