"""Sandwich covariance (study.models.robust): closed forms, identities, invariances."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from study.models.robust import hat_values, poisson_sandwich, sandwich_cov


def _data(n=80, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 1, n)
    X = np.column_stack([np.ones(n), x])
    y = rng.poisson(rng.gamma(2.0, np.exp(0.5 + 0.4 * x) / 2.0)).astype(float)
    mu = np.asarray(sm.GLM(y, X, family=sm.families.Poisson()).fit().fittedvalues)
    return X, y, mu


def test_intercept_only_closed_form():
    """With an intercept only, μ = ȳ and HC0 var(log ȳ) = Σ(y−ȳ)²/(nȳ)²; HC3 divides each term by (1−1/n)²."""
    y = np.array([0.0, 1, 3, 2, 7, 1, 0, 4])
    X = np.ones((8, 1))
    mu = np.full(8, y.mean())
    v0 = np.sum((y - y.mean()) ** 2) / (8 * y.mean()) ** 2
    assert sandwich_cov(X, y, mu, hc="HC0")[0, 0] == pytest.approx(v0)
    assert sandwich_cov(X, y, mu, hc="HC3")[0, 0] == pytest.approx(v0 / (1 - 1 / 8) ** 2)
    assert sandwich_cov(X, y, mu, hc="HC1")[0, 0] == pytest.approx(v0 * 8 / 7)


def test_identities():
    X, y, mu = _data()
    h = hat_values(X, mu)
    assert h.sum() == pytest.approx(2.0) and np.all((h > 0) & (h < 1))
    c0, c1, c3 = (sandwich_cov(X, y, mu, hc=t) for t in ("HC0", "HC1", "HC3"))
    np.testing.assert_allclose(c1, c0 * 80 / 78)
    assert np.all(np.diag(c3) > np.diag(c0))
    np.testing.assert_allclose(c3, c3.T)
    assert np.all(np.linalg.eigvalsh(c3) > 0)
    # HC0 equals statsmodels' robust covariance for a Poisson GLM (which it also returns for "HC3": #7798)
    sm_fit = sm.GLM(y, X, family=sm.families.Poisson()).fit(cov_type="HC0")
    np.testing.assert_allclose(c0, sm_fit.cov_params(), rtol=1e-6)


def test_reparametrisation_and_row_order():
    X, y, mu = _data(seed=1)
    c = sandwich_cov(X, y, mu, hc="HC3")
    Xs = X * np.array([1.0, 10.0])
    np.testing.assert_allclose(sandwich_cov(Xs, y, mu, hc="HC3")[1, 1], c[1, 1] / 100, rtol=1e-10)
    p = np.random.default_rng(3).permutation(len(y))
    np.testing.assert_allclose(sandwich_cov(X[p], y[p], mu[p], hc="HC3"), c, rtol=1e-10)


def test_poisson_sandwich_fit_and_offset():
    X, y, _ = _data(seed=2)
    off = np.full(len(y), 1.5)
    a = poisson_sandwich(X, y, ["const", "x"], hc="HC3")
    b = poisson_sandwich(X, y, ["const", "x"], offset=off, hc="HC3")
    assert b.beta[0] == pytest.approx(a.beta[0] - 1.5, abs=1e-8)
    assert b.se[1] == pytest.approx(a.se[1], rel=1e-8)
    assert a.ci_low[1] < a.beta[1] < a.ci_high[1]
    t = poisson_sandwich(X, y, hc="HC3", df=len(y) - 2)
    assert (t.ci_high - t.ci_low)[1] > (a.ci_high - a.ci_low)[1]
    with pytest.raises(ValueError, match="hc"):
        sandwich_cov(X, y, np.ones(len(y)), hc="HC2")
