"""The Wald helper against statsmodels' own intervals and p-values, and a hand computation."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from study.models.wald import critical_value, wald


def test_normal_by_hand():
    # z = 2: two-sided p = 2·(1 − Φ(2)) = 0.0455003, 95% quantile 1.959964
    lo, hi, p = wald(2.0, 1.0)
    assert lo == pytest.approx(2.0 - 1.959964, abs=1e-6)
    assert hi == pytest.approx(2.0 + 1.959964, abs=1e-6)
    assert p == pytest.approx(0.0455003, abs=1e-7)
    assert critical_value(0.90) == pytest.approx(1.644854, abs=1e-6)


def test_t_by_hand():
    # t(10): 97.5% quantile 2.228139; P(|T| > 2) = 0.0733880
    lo, hi, p = wald(2.0, 1.0, 0.95, 10)
    assert (lo, hi) == pytest.approx((2.0 - 2.228139, 2.0 + 2.228139), abs=1e-6)
    assert p == pytest.approx(0.0733880, abs=1e-6)


def test_matches_statsmodels_ols_t():
    rng = np.random.default_rng(1)
    X = sm.add_constant(rng.normal(size=(30, 2)))
    y = X @ [1.0, 0.3, -0.2] + rng.normal(size=30)
    res = sm.OLS(y, X).fit()
    lo, hi, p = wald(res.params, res.bse, 0.90, res.df_resid)
    ci = res.conf_int(alpha=0.10)
    np.testing.assert_allclose(lo, ci[:, 0], rtol=1e-12)
    np.testing.assert_allclose(hi, ci[:, 1], rtol=1e-12)
    np.testing.assert_allclose(p, res.pvalues, rtol=1e-10)


def test_matches_statsmodels_glm_z():
    rng = np.random.default_rng(2)
    X = sm.add_constant(rng.normal(size=(40, 1)))
    y = rng.poisson(np.exp(X @ [0.5, 0.4]))
    res = sm.GLM(y, X, family=sm.families.Poisson()).fit()
    lo, hi, p = wald(res.params, res.bse)
    ci = res.conf_int()
    np.testing.assert_allclose(lo, ci[:, 0], rtol=1e-12)
    np.testing.assert_allclose(hi, ci[:, 1], rtol=1e-12)
    np.testing.assert_allclose(p, res.pvalues, rtol=1e-10)
    assert (wald(res.params, res.bse, df=0)[2] == p).all()  # df 0 is the normal, as None
