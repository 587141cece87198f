"""Simulation-based power, MDE and equivalence (study.models.power)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from study.models.power import (
    equivalence_bounds,
    minimum_detectable_effect,
    simulate_power,
    tost,
    wald_statistics,
)


def _design(n=49, seed=0):
    rng = np.random.default_rng(seed)
    lp = rng.uniform(7, 14, n)
    aging = 30 - 1.5 * (lp - 10) + rng.normal(0, 3, n)
    return np.column_stack([np.ones(n), lp, aging])


BETA = np.array([-1.0, 0.25, -0.02])


def test_size_at_zero_effect_is_nominal():
    """Poisson data, QL t test of the aging coefficient at its true value: rejection rate within
    3 binomial SDs of 5%."""
    X = _design()
    r = simulate_power(X, BETA, 2, 0.0, null=0.0, generator="poisson", test="ql", n_sim=2000, seed=1)
    assert abs(r.power - 0.05) < 3 * np.sqrt(0.05 * 0.95 / 2000)
    assert r.mc_se == pytest.approx(np.sqrt(r.power * (1 - r.power) / 2000))


def test_power_grows_with_effect_and_is_seeded():
    X = _design()
    p = [
        simulate_power(X, BETA, 2, e, generator="nb2", alpha=0.3, n_sim=400, seed=2).power
        for e in (0.0, 0.03, 0.06, 0.12)
    ]
    assert p == sorted(p) and p[-1] > 0.8
    a = simulate_power(X, BETA, 2, 0.05, generator="nb2", alpha=0.3, n_sim=300, seed=5)
    b = simulate_power(X, BETA, 2, 0.05, generator="nb2", alpha=0.3, n_sim=300, seed=5)
    assert a == b


def test_mde_reaches_the_target_and_no_less():
    X = _design()
    m = minimum_detectable_effect(X, BETA, 2, direction=-1, generator="nb2", alpha=0.3, n_sim=400, seed=3)
    assert m.effect < 0 and m.power_at >= 0.8
    half = simulate_power(X, BETA, 2, m.effect / 2, generator="nb2", alpha=0.3, n_sim=400, seed=3)
    assert half.power < 0.8
    assert 0 < m.mc_se < abs(m.effect) / 4


def test_wald_statistics_equal_statsmodels_ql():
    import statsmodels.api as sm

    X = _design()
    rng = np.random.default_rng(4)
    Y = rng.poisson(np.exp(X @ BETA), size=(3, len(X))).astype(float)
    t, df = wald_statistics(X, Y, 1, null=0.2, test="ql")
    for k in range(3):
        f = sm.GLM(Y[k], X, family=sm.families.Poisson()).fit(scale="X2")
        assert t[k] == pytest.approx((f.params[1] - 0.2) / f.bse[1], rel=1e-6)
    assert df == len(X) - 3


def test_tost_and_equivalence_bounds():
    r = tost(0.01, 0.02, -0.05, 0.05)
    assert r.p_lower == pytest.approx(stats.norm.sf(3.0)) and r.p_upper == pytest.approx(stats.norm.cdf(-2.0))
    assert r.p_value == pytest.approx(stats.norm.cdf(-2.0)) and r.equivalent
    assert not tost(0.01, 0.05, -0.05, 0.05).equivalent
    lo, hi, delta = equivalence_bounds(0.01, 0.02, alpha=0.05)
    assert (lo, hi) == pytest.approx((0.01 - 1.6448536 * 0.02, 0.01 + 1.6448536 * 0.02), abs=1e-6)
    assert delta == pytest.approx(hi)
    # TOST at exactly that margin is on the edge of equivalence
    assert tost(0.01, 0.02, -delta, delta).p_value == pytest.approx(0.05, abs=1e-9)
    with pytest.raises(ValueError):
        tost(0.0, 1.0, 1.0, -1.0)
