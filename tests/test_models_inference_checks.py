"""Quick checks of the existing inference machinery from its properties (R values, equivariance,
determinism) that the planted-error check (scripts/mutants.py) relies on, plus known gaps as strict xfails."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from study.models import kernels
from study.models.count import negbin_ml, poisson_ql
from study.models.resample import bca_interval, percentile_interval, permutation_test

FIX = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="module")
def real() -> pd.DataFrame:
    d = pd.read_csv(FIX / "r_reference_data.csv", dtype={"entity_id": str}, encoding="utf-8")
    d["log_pop"] = np.log(d["population"])
    return d


@pytest.fixture(scope="module")
def rref() -> dict:
    return json.loads((FIX / "r_reference.json").read_text(encoding="utf-8"))


NEED = ["log_pop", "aging_rate_pct", "welfare_rate_permille"]


@pytest.mark.parametrize("key,covs", [("headline", ["log_pop"]), ("need", NEED)])
def test_model_based_se_equal_r_to_1e6(key, rref, real, covs):
    """Kernel and count-module standard errors (QL: φ(X'WX)⁻¹; NB2: expected information at α̂) equal
    R's summary.glm / glm.nb to 1e-6 relative, so the bootstrap, permutation and power code that uses the
    kernels and the headline tables share one correct variance."""
    m = rref["models"][key]
    X = np.column_stack([np.ones(len(real))] + [real[c].to_numpy(float) for c in covs])
    y = real["staff"].to_numpy(float)
    fit = kernels.poisson_irls(X, y)
    np.testing.assert_allclose(kernels.wald_se("poisson_ql", X, y, fit), m["quasipoisson"]["se"], rtol=1e-6)
    np.testing.assert_allclose(kernels.wald_se("poisson", X, y, fit), m["poisson"]["se"], rtol=1e-6)
    np.testing.assert_allclose(poisson_ql(real, "staff", covs).params["se"], m["quasipoisson"]["se"], rtol=1e-6)
    nb = negbin_ml(real, "staff", covs)
    np.testing.assert_allclose(nb.params["se"], m["negbin"]["se"], rtol=1e-5)
    q = stats.t.ppf(0.975, m["quasipoisson"]["df_residual"])
    ci = poisson_ql(real, "staff", covs).params
    est, se = np.asarray(m["quasipoisson"]["estimate"]), np.asarray(m["quasipoisson"]["se"])
    np.testing.assert_allclose(ci["ci_low"], est - q * se, rtol=1e-6)
    np.testing.assert_allclose(ci["ci_high"], est + q * se, rtol=1e-6)


def _skewed_case(seed=0):
    rng = np.random.default_rng(seed)
    draws = rng.gamma(3.0, 0.4, 4000)
    jack = 1.2 + rng.normal(0, 0.1, 30) ** 3 * 5
    return 1.1, draws, jack


def test_bca_is_equivariant_under_shift_scale_and_sign():
    est, d, jk = _skewed_case()
    lo, hi, z0, a = bca_interval(est, d, jk)
    s = bca_interval(est + 3, d + 3, jk + 3)
    assert s[:2] == pytest.approx((lo + 3, hi + 3), abs=1e-10) and s[2:] == pytest.approx((z0, a), abs=1e-12)
    k = bca_interval(2 * est, 2 * d, 2 * jk)
    assert k[:2] == pytest.approx((2 * lo, 2 * hi), rel=1e-10)
    n = bca_interval(-est, -d, -jk)
    assert n[0] == pytest.approx(-hi, abs=1e-3) and n[1] == pytest.approx(-lo, abs=1e-3)
    assert n[2] == pytest.approx(-z0, abs=1e-3) and n[3] == pytest.approx(-a, abs=1e-12)


def test_bca_levels_nest_and_read_the_documented_quantiles():
    est, d, jk = _skewed_case(1)
    widths = []
    for level in (0.8, 0.9, 0.95, 0.99):
        lo, hi, z0, a = bca_interval(est, d, jk, level)
        zq = stats.norm.ppf([(1 - level) / 2, (1 + level) / 2])
        q = stats.norm.cdf(z0 + (z0 + zq) / (1 - a * (z0 + zq)))
        assert (lo, hi) == pytest.approx(tuple(np.quantile(d, q)), abs=1e-12)
        widths.append(hi - lo)
    assert widths == sorted(widths)
    # direction: the estimate above most draws -> z0 > 0 -> both bounds move up from the percentile ones
    lo, hi, z0, _ = bca_interval(float(np.quantile(d, 0.6)), d, np.zeros(10))
    plo, phi = percentile_interval(d)
    assert z0 > 0 and lo > plo and hi > phi


def test_percentile_interval_reads_the_level_it_is_given():
    d = np.arange(1, 1002, dtype=float)
    assert percentile_interval(d, 0.95) == pytest.approx((np.quantile(d, 0.025), np.quantile(d, 0.975)))
    assert percentile_interval(d, 0.80) == pytest.approx((101.0, 901.0))


def test_raw_permutation_with_covariates_is_refused(real):
    """Permuting the focal column itself breaks its correlation with the other covariates (wrong size):
    refused with a one-line error that names the valid method."""
    with pytest.raises(ValueError, match="regressor_residuals"):
        permutation_test(real, "aging_rate_pct", ["log_pop"], y="staff", method="raw", n_perm=19, seed=0)


def test_raw_permutation_without_covariates_is_allowed(real):
    r = permutation_test(real, "log_pop", [], y="staff", method="raw", n_perm=99, seed=0)
    assert 0 < r.p_value <= 1
