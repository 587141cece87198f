"""AIC/BIC of a likelihood fit against statsmodels' own, and by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
import statsmodels.api as sm

from study.models.results import information_criteria


def test_matches_statsmodels_poisson_glm():
    rng = np.random.default_rng(3)
    X = sm.add_constant(rng.normal(size=(50, 2)))
    y = rng.poisson(np.exp(X @ [0.3, 0.5, -0.2]))
    res = sm.GLM(y, X, family=sm.families.Poisson()).fit()
    aic, bic = information_criteria(res.llf, 3, 50)
    assert aic == pytest.approx(res.aic, rel=1e-12)
    assert bic == pytest.approx(res.bic_llf, rel=1e-12)


def test_by_hand():
    # loglik −100, k = 4, n = 20: AIC = 200 + 8, BIC = 200 + 4·log 20 = 211.9829
    aic, bic = information_criteria(-100.0, 4, 20)
    assert aic == 208.0
    assert bic == pytest.approx(200 + 4 * math.log(20), rel=1e-15)
    assert bic == pytest.approx(211.98293, abs=1e-5)
