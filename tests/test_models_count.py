"""Count models: statsmodels agreement, the R reference (1e-4), elasticity and overdispersion."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from study.models import kernels
from study.models.count import elasticity, fit_count, negbin_ml, overdispersion, poisson_ql
from study.models.frame import analysis_frame
from snapshot import FIXTURES, R_REFERENCE_DATA
from study.models.reference import REFERENCE_COLUMNS, reference_data

NEED = ["log_pop", "aging_rate_pct", "welfare_rate_permille"]


@pytest.fixture(scope="module")
def frame(bundled):
    return analysis_frame(bundled.entities, bundled.corrections)


@pytest.fixture(scope="module")
def rref():
    return json.loads((FIXTURES / "r_reference.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def rdata():
    return pd.read_csv(R_REFERENCE_DATA, dtype={"entity_id": str}, encoding="utf-8")


# --- the R reference -----------------------------------------------------------


def test_reference_extract_is_the_current_analysis_frame(frame, rdata):
    now = reference_data(frame).reset_index(drop=True)
    assert list(rdata.columns) == REFERENCE_COLUMNS
    assert len(rdata) == len(now) == 49
    assert (rdata["entity_id"] == now["entity_id"]).all()
    for c in ["staff", "population", "aging_rate_pct", "welfare_rate_permille"]:
        np.testing.assert_allclose(rdata[c].to_numpy(float), now[c].to_numpy(float), rtol=0, atol=1e-12)
    assert (rdata["staff"] % 1 != 0).sum() == 2  # the fractional FTE (3.5, 1.4) went to R as printed


@pytest.mark.parametrize("key,covs", [("headline", ["log_pop"]), ("need", NEED)])
def test_python_matches_r_glm_and_glm_nb(frame, rref, rdata, key, covs):
    m = rref["models"][key]
    assert m["n"] == 49
    for data in (frame.data, rdata.assign(log_pop=np.log(rdata["population"]))):
        qp = poisson_ql(data, "staff", covs)
        nb = negbin_ml(data, "staff", covs)
        assert qp.params["name"].tolist() == m["quasipoisson"]["names"]
        np.testing.assert_allclose(qp.params["estimate"], m["quasipoisson"]["estimate"], atol=1e-4, rtol=0)
        np.testing.assert_allclose(qp.params["se"], m["quasipoisson"]["se"], atol=1e-4, rtol=0)
        assert qp.dispersion == pytest.approx(m["quasipoisson"]["dispersion"], abs=1e-4)
        assert qp.llf == pytest.approx(m["poisson"]["loglik"], abs=1e-4)
        np.testing.assert_allclose(nb.params["estimate"], m["negbin"]["estimate"], atol=1e-4, rtol=0)
        np.testing.assert_allclose(nb.params["se"], m["negbin"]["se"], atol=1e-4, rtol=0)
        assert nb.theta == pytest.approx(m["negbin"]["theta"], abs=1e-4)
        assert nb.alpha == pytest.approx(m["negbin"]["alpha"], abs=1e-4)
        assert nb.theta_se == pytest.approx(m["negbin"]["se_theta"], abs=1e-4)
        assert nb.llf == pytest.approx(m["negbin"]["loglik"], abs=1e-4)


def test_reference_script_and_fixture_are_committed_together():
    script = (FIXTURES.parents[1] / "scripts" / "r_reference.R").read_text(encoding="utf-8")
    assert "glm.nb" in script and "quasipoisson" in script and "r_reference_data.csv" in script
    meta = json.loads((FIXTURES / "r_reference.json").read_text(encoding="utf-8"))
    assert meta["generated_by"] == "scripts/r_reference.R"


# --- statsmodels agreement and the GLM NB pitfall ----------------------------------


def test_kernels_equal_statsmodels(frame):
    d = frame.data
    X = sm.add_constant(d[NEED].to_numpy())
    y = d["staff"].to_numpy()
    glm = sm.GLM(y, X, family=sm.families.Poisson()).fit(scale="X2", tol=1e-12)
    k = kernels.poisson_irls(X, y)
    np.testing.assert_allclose(k.beta, glm.params, atol=1e-9)
    np.testing.assert_allclose(kernels.wald_se("poisson_ql", X, y, k), glm.bse, rtol=1e-7)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dnb = sm.NegativeBinomial(y, X, loglike_method="nb2").fit(method="bfgs", maxiter=5000, gtol=1e-10, disp=0)
    nb = kernels.nb2_ml(X, y)
    np.testing.assert_allclose(nb.beta, dnb.params[:-1], atol=1e-5)
    assert nb.alpha == pytest.approx(dnb.params[-1], abs=1e-5)
    assert nb.loglik == pytest.approx(dnb.llf, abs=1e-8)
    g = sm.GLM(y, X, family=sm.families.NegativeBinomial(alpha=float(nb.alpha))).fit(tol=1e-13)
    np.testing.assert_allclose(kernels.wald_se("nb2", X, y, nb), g.bse, rtol=1e-5)
    ols = sm.OLS(np.log(y + 0.5), X).fit()
    ko = kernels.ols(X, np.log(y + 0.5))
    np.testing.assert_allclose(ko.beta, ols.params, atol=1e-10)
    np.testing.assert_allclose(kernels.wald_se("ols", X, np.log(y + 0.5), ko), ols.bse, rtol=1e-8)


def test_negbin_estimates_alpha_unlike_the_glm_family_default(frame):
    nb = negbin_ml(frame.data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fixed = sm.GLM(
            frame.data["staff"], sm.add_constant(frame.data[["log_pop"]]), family=sm.families.NegativeBinomial()
        ).fit()
    assert fixed.model.family.alpha == 1.0  # statsmodels #8360: alpha silently 1
    assert nb.alpha == pytest.approx(0.4802, abs=1e-3)
    assert abs(nb.params["estimate"].iloc[1] - fixed.params.iloc[1]) > 1e-3


def test_batched_kernels_equal_one_at_a_time(frame):
    d = frame.data
    X = sm.add_constant(d[["log_pop"]].to_numpy())
    y = d["staff"].to_numpy()
    rng = np.random.default_rng(5)
    W = rng.multinomial(len(y), np.full(len(y), 1 / len(y)), size=6).astype(float)
    for fit in (kernels.poisson_irls, kernels.nb2_ml, kernels.ols):
        batch = fit(X, y, W)
        for b in range(len(W)):
            idx = np.repeat(np.arange(len(y)), W[b].astype(int))
            one = fit(X[idx], y[idx])
            np.testing.assert_allclose(batch.beta[b], one.beta, atol=1e-7)


def test_headline_elasticity_is_below_one(frame):
    for family in ("poisson_ql", "negbin"):
        fit = fit_count(frame.data, family)
        e = elasticity(fit)
        assert e.n == 49
        assert 0.1 < e.estimate < 0.4
        assert e.ci_low < e.estimate < e.ci_high < 1
        assert e.extra["ci_below_null"] and e.p_value < 1e-6
        assert e.extra["doubling_ratio"] == pytest.approx(2**e.estimate)
    qp = fit_count(frame.data, "poisson_ql")
    assert qp.coef("log_pop").method == "wald-t"
    with pytest.raises(ValueError):
        fit_count(frame.data, "poisson")


def test_overdispersion_on_the_real_data(frame):
    od = overdispersion(frame.data)
    assert list(od["name"]) == ["pearson_dispersion", "cameron_trivedi", "lr_alpha"]
    assert (od["n"] == 49).all()
    r = od.set_index("name")
    assert r.loc["pearson_dispersion", "estimate"] == pytest.approx(4.1223, abs=1e-3)
    assert (od["p_value"] < 0.01).all()
    assert r.loc["lr_alpha", "ci_low"] > 0


def test_fractional_responses_and_complete_cases():
    df = pd.DataFrame(
        {
            "entity_id": list("abcdefgh"),
            "y": [1.4, 3.5, 2, 0, 5, 7, 1, np.nan],
            "x": [0.1, 0.5, 0.2, -1, 1.0, 1.2, -0.3, 0.0],
        }
    )
    qp = poisson_ql(df, "y", ["x"])
    assert qp.n == 7 and qp.design.n_dropped == 1
    nb = negbin_ml(df, "y", ["x"])
    assert np.isfinite(nb.params["estimate"]).all()


def test_offset_gives_rate_model(frame):
    d = frame.data.assign(log_pop_offset=frame.data["log_pop"])
    a = poisson_ql(d, "staff", ["log_pop"])
    b = poisson_ql(d, "staff", ["log_pop"], offset="log_pop_offset")
    assert b.params["estimate"].iloc[1] == pytest.approx(a.params["estimate"].iloc[1] - 1, abs=1e-8)


def test_headline_table(frame):
    from study.models.headline import staffing_elasticity

    el, od = staffing_elasticity(frame.data, n_boot=200, seed=1)
    assert list(el["name"]) == ["poisson_ql:wald", "poisson_ql:bca", "negbin:wald", "negbin:bca"]
    assert (el["n"] == 49).all()
    assert (el["ci_high"] < 1).all() and (el["p_value"] < 0.01).all()
    wald = el.set_index("name")
    assert wald.loc["poisson_ql:wald", "estimate"] == pytest.approx(0.264912, abs=1e-5)
    assert wald.loc["negbin:wald", "estimate"] == pytest.approx(0.251096, abs=1e-5)
    assert wald.loc["negbin:bca", "alpha"] == pytest.approx(0.480232, abs=1e-5)
    assert list(od["name"]) == ["pearson_dispersion", "cameron_trivedi", "lr_alpha"]
