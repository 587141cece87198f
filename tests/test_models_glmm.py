"""Poisson GLMM (study.models.glmm): recovery of known parameters, the quadrature against direct
numerical integration, invariances, and refusals. R agreement is in test_r_reference_estimators.py."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate, stats

from study.models.glmm import poisson_glmm, simulate_poisson_glmm


def _design(n: int, G: int, seed: int):
    rng = np.random.default_rng(seed)
    g = rng.integers(0, G, n)
    x = rng.normal(0, 1, n)
    return np.column_stack([np.ones(n), x]), np.array([f"p{k:02d}" for k in g])


def test_recovers_known_parameters():
    X, g = _design(800, 40, 1)
    beta, sd = np.array([0.5, 0.3]), 0.6
    y = simulate_poisson_glmm(X, beta, g, sd, seed=2)
    fit = poisson_glmm(X, y, g, nAGQ=5)
    assert fit.converged and not fit.singular
    assert np.all(np.abs(fit.beta - beta) < 3 * fit.se)
    assert abs(fit.sd_group - sd) < 0.2
    assert fit.n == 800 and fit.n_groups == 40 and fit.n_params == 3


def test_recovers_observation_level_sd():
    X, g = _design(1000, 30, 3)
    beta = np.array([1.0, -0.4])
    y = simulate_poisson_glmm(X, beta, g, 0.4, sd_obs=0.5, seed=4)
    fit = poisson_glmm(X, y, g, olre=True)
    assert fit.converged
    assert np.all(np.abs(fit.beta - beta) < 3 * fit.se)
    assert abs(fit.sd_obs - 0.5) < 0.1 and abs(fit.sd_group - 0.4) < 0.15
    plain = poisson_glmm(X, y, g)
    assert fit.loglik > plain.loglik + 10  # the overdispersion is real
    assert plain.se[1] < fit.se[1]  # ignoring it understates the uncertainty


def _marginal_loglik(X, y, g, beta, sd):
    """Direct numerical integration of the per-group marginal likelihood (independent of the quadrature)."""
    total = 0.0
    for lab in np.unique(g):
        m = g == lab
        eta = X[m] @ beta

        def f(u, eta=eta, yy=y[m]):
            return np.exp(np.sum(stats.poisson.logpmf(yy, np.exp(eta + sd * u)))) * stats.norm.pdf(u)

        val, _ = integrate.quad(f, -12, 12, epsabs=0, epsrel=1e-12, limit=200)
        total += np.log(val)
    return total


def test_adaptive_quadrature_equals_direct_integration():
    X, g = _design(60, 6, 5)
    y = simulate_poisson_glmm(X, np.array([0.2, 0.5]), g, 0.8, seed=6)
    fit = poisson_glmm(X, y, g, nAGQ=25)
    assert fit.loglik == pytest.approx(_marginal_loglik(X, y, g, fit.beta, fit.sd_group), abs=1e-8)
    lap = poisson_glmm(X, y, g, nAGQ=1)
    assert lap.loglik != pytest.approx(fit.loglik, abs=1e-6)  # Laplace is an approximation
    assert abs(lap.loglik - fit.loglik) < 0.5


def test_invariances():
    X, g = _design(200, 10, 7)
    y = simulate_poisson_glmm(X, np.array([0.3, 0.4]), g, 0.5, seed=8)
    base = poisson_glmm(X, y, g)
    perm = np.random.default_rng(0).permutation(len(y))
    p = poisson_glmm(X[perm], y[perm], g[perm])
    np.testing.assert_allclose(p.beta, base.beta, atol=1e-6)
    relab = poisson_glmm(X, y, np.char.add("z", g))
    assert relab.loglik == pytest.approx(base.loglik, abs=1e-8)
    shifted = poisson_glmm(X, y, g, offset=np.full(len(y), 0.7))
    assert shifted.beta[0] == pytest.approx(base.beta[0] - 0.7, abs=1e-5)
    assert shifted.beta[1] == pytest.approx(base.beta[1], abs=1e-5)
    Xs = X.copy()
    Xs[:, 1] *= 10
    sc = poisson_glmm(Xs, y, g)
    assert sc.beta[1] == pytest.approx(base.beta[1] / 10, abs=1e-6)
    assert sc.se[1] == pytest.approx(base.se[1] / 10, rel=1e-3)


def test_no_group_variation_goes_to_the_boundary():
    X, g = _design(300, 12, 9)
    y = np.random.default_rng(10).poisson(np.exp(X @ np.array([0.5, 0.3]))).astype(float)
    fit = poisson_glmm(X, y, g)
    import statsmodels.api as sm

    glm = sm.GLM(y, X, family=sm.families.Poisson()).fit()
    if fit.singular:
        np.testing.assert_allclose(fit.beta, glm.params, atol=1e-4)
    assert fit.sd_group < 0.15
    assert fit.loglik >= glm.llf - 1e-6


def test_refusals():
    X, g = _design(30, 3, 11)
    y = np.ones(30)
    with pytest.raises(ValueError, match="Laplace"):
        poisson_glmm(X, y, g, nAGQ=5, olre=True)
    with pytest.raises(ValueError, match="integer"):
        poisson_glmm(X, y + 0.5, g)
    with pytest.raises(ValueError, match="nAGQ"):
        poisson_glmm(X, y, g, nAGQ=0)
