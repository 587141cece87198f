"""Count families and the hurdle model (study.models.hurdle) plus the diagnostics
(study.models.diagnostics): recovery of known parameters, likelihood identities, refusals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from study.models.diagnostics import (
    HurdleDist,
    NB1Dist,
    NB2Dist,
    PoissonDist,
    expected_zeros,
    predictive,
    quantile_residuals,
    rootogram,
)
from study.models.hurdle import compare_models, fit_count_model, fit_hurdle, lr_test


def _xy(n, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 1, n)
    return rng, np.column_stack([np.ones(n), x])


def test_nb2_and_nb1_recover_known_dispersion():
    rng, X = _xy(1500, 1)
    mu = np.exp(X @ [1.0, 0.4])
    y2 = rng.poisson(rng.gamma(1 / 0.5, 0.5 * mu)).astype(float)
    y1 = rng.poisson(rng.gamma(mu / 1.5, 1.5)).astype(float)
    f2 = fit_count_model(X, y2, "nb2")
    f1 = fit_count_model(X, y1, "nb1")
    assert abs(f2.alpha - 0.5) < 3 * f2.alpha * f2.log_alpha_se
    assert abs(f1.alpha - 1.5) < 3 * f1.alpha * f1.log_alpha_se
    assert np.all(np.abs(f2.beta - [1.0, 0.4]) < 3 * f2.se)
    assert np.all(np.abs(f1.beta - [1.0, 0.4]) < 3 * f1.se)
    # each family wins on its own data
    assert f2.aic < fit_count_model(X, y2, "nb1").aic
    assert f1.aic < fit_count_model(X, y1, "nb2").aic


def test_poisson_loglik_equals_statsmodels():
    rng, X = _xy(200, 2)
    y = rng.poisson(np.exp(X @ [0.3, 0.5])).astype(float)
    f = fit_count_model(X, y, "poisson")
    g = sm.GLM(y, X, family=sm.families.Poisson()).fit()
    np.testing.assert_allclose(f.beta, g.params, atol=1e-8)
    np.testing.assert_allclose(f.se, g.bse, rtol=1e-6)
    assert f.loglik == pytest.approx(g.llf, abs=1e-8)


def test_hurdle_recovers_both_parts():
    rng, X = _xy(4000, 3)
    p = 1 / (1 + np.exp(-(0.5 + 0.8 * X[:, 1])))
    mu = np.exp(0.6 + 0.3 * X[:, 1])
    u = rng.uniform(size=len(mu))
    p0 = np.exp(-mu)
    yzt = np.maximum(stats.poisson.ppf(p0 + u * (1 - p0), mu), 1)
    y = np.where(rng.uniform(size=len(mu)) < p, yzt, 0.0)
    h = fit_hurdle(X, y, dist="poisson")
    assert h.converged
    assert np.all(np.abs(h.zero_beta - [0.5, 0.8]) < 3 * h.zero_se)
    assert np.all(np.abs(h.count_beta - [0.6, 0.3]) < 3 * h.count_se)
    # the joint likelihood is the sum of the logit and the zero-truncated parts
    logit = sm.Logit((y > 0).astype(float), X).fit(disp=0)
    assert h.loglik_zero == pytest.approx(logit.llf, abs=1e-6)
    assert h.loglik == pytest.approx(h.loglik_zero + h.loglik_count, abs=1e-9)
    zt = fit_count_model(X[y > 0], y[y > 0], "ztp")
    assert h.loglik_count == pytest.approx(zt.loglik, abs=1e-9)
    # the predicted zeros equal the logit's fitted zeros (a hurdle reproduces the zero count in-sample)
    assert expected_zeros(h.distribution()) == pytest.approx(np.sum(y == 0), abs=1e-5)


def test_distributions_are_proper():
    mu = np.array([0.3, 2.0, 7.5])
    ks = np.arange(0, 600)
    for dist in (
        PoissonDist(mu),
        NB2Dist(mu, 0.7),
        NB1Dist(mu, 1.3),
        HurdleDist(np.array([0.2, 0.5, 0.9]), NB2Dist(mu, 0.7)),
    ):
        pm = np.array([dist.pmf(k) for k in ks])
        np.testing.assert_allclose(pm.sum(axis=0), 1, atol=1e-9)
        np.testing.assert_allclose(np.cumsum(pm, axis=0)[10], dist.cdf(10), atol=1e-12)
    for dist in (NB2Dist(mu, 0.7), NB1Dist(mu, 1.3)):
        pm = np.array([dist.pmf(k) for k in ks])
        np.testing.assert_allclose((ks[:, None] * pm).sum(axis=0), mu, rtol=1e-8)
    var2 = (ks[:, None] ** 2 * np.array([NB2Dist(mu, 0.7).pmf(k) for k in ks])).sum(axis=0) - mu**2
    var1 = (ks[:, None] ** 2 * np.array([NB1Dist(mu, 1.3).pmf(k) for k in ks])).sum(axis=0) - mu**2
    np.testing.assert_allclose(var2, mu + 0.7 * mu**2, rtol=1e-6)
    np.testing.assert_allclose(var1, mu * 2.3, rtol=1e-6)
    h = HurdleDist(np.array([0.2, 0.5, 0.9]), PoissonDist(mu))
    np.testing.assert_allclose(h.pmf(0), [0.8, 0.5, 0.1])


def test_quantile_residuals_are_normal_under_the_true_model_only():
    rng, X = _xy(3000, 4)
    mu = np.exp(X @ [0.8, 0.4])
    y = rng.poisson(rng.gamma(2.0, mu / 2.0)).astype(float)  # NB2 α = 0.5
    r_true = quantile_residuals(y, NB2Dist(mu, 0.5), seed=1)
    assert stats.kstest(r_true, "norm").pvalue > 0.01
    r_pois = quantile_residuals(y, PoissonDist(mu), seed=1)
    assert np.var(r_pois) > 1.3  # Poisson misses the overdispersion
    np.testing.assert_array_equal(r_true, quantile_residuals(y, NB2Dist(mu, 0.5), seed=1))
    assert not np.array_equal(r_true, quantile_residuals(y, NB2Dist(mu, 0.5), seed=2))
    with pytest.raises(ValueError):
        quantile_residuals(y + 0.5, PoissonDist(mu))


def test_rootogram_and_expected_zeros():
    mu = np.array([0.5, 1.0, 3.0, 0.2])
    y = np.array([0.0, 1.0, 4.0, 0.0])
    t = rootogram(y, PoissonDist(mu), max_count=40)
    assert t["observed"].sum() == 4 and t["expected"].sum() == pytest.approx(4, abs=1e-9)
    assert t.loc[0, "expected"] == pytest.approx(np.exp(-mu).sum())
    assert expected_zeros(PoissonDist(mu)) == pytest.approx(np.exp(-mu).sum())
    np.testing.assert_allclose(t["hanging_low"], np.sqrt(t["expected"]) - np.sqrt(t["observed"]))
    assert list(rootogram(y, PoissonDist(mu)).columns)[:3] == ["count", "observed", "expected"]


def test_predictive_from_existing_count_fit():
    from study.models.count import negbin_ml

    rng, X = _xy(100, 5)
    df = pd.DataFrame(
        {
            "entity_id": [str(i) for i in range(100)],
            "x": X[:, 1],
            "y": rng.poisson(rng.gamma(2.0, np.exp(1 + 0.3 * X[:, 1]) / 2.0)).astype(float),
        }
    )
    nb = negbin_ml(df, "y", ["x"])
    dist = predictive(nb)
    assert isinstance(dist, NB2Dist) and dist.alpha == nb.alpha


def test_model_comparison_and_lr():
    rng, X = _xy(400, 6)
    mu = np.exp(X @ [1.0, 0.3])
    y = rng.poisson(rng.gamma(2.0, mu / 2.0)).astype(float)
    fits = {
        "poisson": fit_count_model(X, y, "poisson"),
        "nb2": fit_count_model(X, y, "nb2"),
        "nb1": fit_count_model(X, y, "nb1"),
        "hurdle_nb": fit_hurdle(X, y, dist="negbin"),
    }
    t = compare_models(fits)
    assert t.loc[t["delta_aic"] == 0, "name"].item() in ("nb2", "hurdle_nb")
    assert (t["observed_zeros"] == int(np.sum(y == 0))).all()
    stat, p = lr_test(fits["poisson"].loglik, fits["nb2"].loglik, 1, boundary=True)
    assert stat > 20 and p < 1e-6
    assert lr_test(-10.0, -9.0, 1, boundary=True)[1] == pytest.approx(0.5 * stats.chi2.sf(2.0, 1))
    assert lr_test(-10.0, -9.0, 2)[1] == pytest.approx(stats.chi2.sf(2.0, 2))
    with pytest.raises(ValueError, match="comparable"):
        compare_models({"a": fits["poisson"], "b": fit_count_model(X[:-1], y[:-1], "poisson")})


def test_refusals():
    X = np.column_stack([np.ones(5), np.arange(5.0)])
    with pytest.raises(ValueError, match="both zero and positive"):
        fit_hurdle(X, np.array([1.0, 2, 1, 3, 1]))
    with pytest.raises(ValueError, match="zero-truncated"):
        fit_count_model(X, np.array([0.0, 2, 1, 3, 1]), "ztp")
    with pytest.raises(ValueError, match="integer"):
        fit_count_model(X, np.array([0.5, 2, 1, 3, 1]), "poisson")
    with pytest.raises(ValueError, match="family"):
        fit_count_model(X, np.array([0.0, 2, 1, 3, 1]), "zip")
