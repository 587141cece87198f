"""Specification-curve inference: weights, weighted median, two-sided tests, n per specification."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from study.models.speccurve import specification_grid
from study.models.speccurve_inference import (
    balanced_weights,
    curve_inference,
    median_test,
    nested_choices,
    same_sign_test,
    specification_sample_sizes,
    weighted_median,
)


def test_full_factorial_gets_uniform_weights():
    g = pd.DataFrame(list(itertools.product("ab", "xyz", "uv")), columns=["staffing", "covariates", "family"])
    assert nested_choices(g, ["staffing", "covariates", "family"]) == []
    np.testing.assert_allclose(balanced_weights(g, ["staffing", "covariates", "family"]), 1 / 12)


def test_nested_welfare_reading_no_longer_doubles_its_covariate_sets():
    g = specification_grid()
    assert len(g) == 144 and nested_choices(g) == ["welfare"]
    w = balanced_weights(g)
    assert w.sum() == pytest.approx(1.0)
    by = pd.Series(w).groupby(g["covariates"]).sum()
    np.testing.assert_allclose(by.to_numpy(), 0.25)  # equal cells, although 'need' sets hold 2x the specifications
    assert pd.Series(w).groupby(g["welfare"]).sum().to_dict() == pytest.approx(
        {"corrected": 0.25, "printed": 0.25, "n/a": 0.5}
    )
    for c in ("staffing", "exclusion", "family"):
        s = pd.Series(w).groupby(g[c]).sum()
        np.testing.assert_allclose(s.to_numpy(), 1 / s.size)
    # a specification with welfare weighs half one without
    assert w[g["covariates"].eq("need").to_numpy()].max() == pytest.approx(
        w[g["covariates"].eq("population").to_numpy()].min() / 2
    )


def test_raking_balances_an_unbalanced_crossed_design():
    # choice b has an extra level only under a == 'p': raking still gives each level of a and b equal totals
    g = pd.DataFrame({"a": ["p", "p", "p", "q", "q"], "b": ["x", "y", "z", "x", "y"]})
    w = balanced_weights(g, ["a", "b"], nested=[])
    s = pd.Series(w)
    np.testing.assert_allclose(s.groupby(g["a"]).sum(), [0.5, 0.5], atol=1e-9)
    np.testing.assert_allclose(s.groupby(g["b"]).sum(), [1 / 3] * 3, atol=1e-9)


def test_weighted_median():
    assert weighted_median(np.array([1.0, 2.0, 3.0])) == 2.0
    assert weighted_median(np.array([1.0, 2.0, 3.0]), np.array([0.6, 0.2, 0.2])) == 1.0
    assert weighted_median(np.array([3.0, np.nan, 1.0, 2.0])) == 2.0
    np.testing.assert_array_equal(weighted_median(np.array([[1.0, 5.0, 9.0], [np.nan] * 3]), axis=1)[0], 5.0)
    assert np.isnan(weighted_median(np.array([[np.nan] * 3]), axis=1)[0])


def test_median_test_two_sided_counts_both_tails():
    est = np.full(5, 0.3)
    # null medians: 0.4, -0.4, 0.2, -0.2, 0.35 and 15 at 0.0 -> |m*| >= 0.3 in 3 draws (0.4, -0.4, 0.35)
    draws = np.repeat(np.r_[0.4, -0.4, 0.2, -0.2, 0.35, np.zeros(15)][:, None], 5, axis=1)
    r = median_test(est, draws)
    assert r["median"] == 0.3
    assert r["p_two_sided"] == pytest.approx((1 + 3) / 21)
    assert r["p_one_sided"] == pytest.approx((1 + 2) / 21)
    assert r["p_floor"] == pytest.approx(1 / 21) and r["n_perm"] == 20
    neg = median_test(-est, draws)
    assert neg["p_two_sided"] == r["p_two_sided"] and neg["p_one_sided"] == pytest.approx(
        (1 + 1) / 21
    )  # only -0.4 is as low


def test_same_sign_share_and_its_null_probability():
    est = np.array([0.1, 0.2, 0.3, -0.1])  # 3 of 4 positive
    draws = np.array([[1, 1, 1, 1], [-1, -1, -1, 1], [1, -1, 1, -1], [-1, -1, -1, -1], [1, 1, -1, -1]], float)
    r = same_sign_test(est, draws)
    # null majority shares: 1, .75, .5, 1, .5 -> 3 of 5 reach .75
    assert r["share_same_sign"] == 0.75 and r["sign"] == 1.0
    assert r["p_value"] == pytest.approx(4 / 6)
    w = np.array([0.1, 0.1, 0.1, 0.7])
    rw = same_sign_test(est, draws, weights=w)
    assert rw["share_same_sign"] == pytest.approx(0.7) and rw["sign"] == -1.0


def test_curve_inference_calibrated_on_exchangeable_null():
    # an observed curve drawn from the same null as its null draws gives p with P(p <= 0.05) = 0.05:
    # 200 runs, and 95% of Binomial(200, 0.05) lies in [4, 17]
    rng = np.random.default_rng(0)
    g = specification_grid()
    w = balanced_weights(g)
    med, share, share_corr = [], [], []
    for _ in range(200):
        # a common shift per curve (strongly correlated specifications, as in a real curve) ...
        draws = rng.normal(size=(100, 1)) + 0.2 * rng.normal(size=(100, len(g)))
        obs = rng.normal(size=1) + 0.2 * rng.normal(size=len(g))
        t = curve_inference(g.assign(estimate=obs), draws, weights=w)
        med.append(t.loc[0, "p_value"])
        share_corr.append(t.loc[1, "p_value"])
        # ... and independent specifications, where the same-sign share is close to continuous
        draws = rng.normal(size=(100, len(g)))
        share.append(curve_inference(g.assign(estimate=rng.normal(size=len(g))), draws, weights=w).loc[1, "p_value"])
    assert 4 <= np.sum(np.array(med) <= 0.05) <= 17
    assert 4 <= np.sum(np.array(share) <= 0.05) <= 17
    # with a common shift the share is mostly 1 (ties): the test stays valid, only conservative
    assert np.sum(np.array(share_corr) <= 0.05) <= 17


def test_curve_inference_weights_and_errors():
    g = specification_grid(staffing=("as_printed",), exclusions=("none",), families=("negbin",))
    est = np.linspace(-0.1, 1.0, len(g))
    draws = np.random.default_rng(1).normal(scale=0.05, size=(99, len(g)))
    t = curve_inference(g.assign(estimate=est), draws)
    assert list(t["name"]) == ["median", "share_same_sign"] and (t["weighting"] == "balanced").all()
    assert t.loc[0, "p_value"] == pytest.approx(0.01) and t.loc[0, "n"] == len(g)
    e = curve_inference(g.assign(estimate=est), draws, weights="equal")
    assert e.loc[0, "estimate"] == pytest.approx(float(np.sort(est)[(len(g) - 1) // 2]))
    with pytest.raises(ValueError):
        curve_inference(g.assign(estimate=est), draws, weights=np.ones(3))


def test_sample_sizes_state_every_drop(bundled):
    s = specification_sample_sizes(
        bundled.entities, bundled.corrections, staffing=("as_printed",), families=("negbin",)
    )
    ps = s.per_spec.set_index(["exclusion", "covariates", "welfare"])
    assert ps.loc[("none", "population", "n/a"), "n"] == 49
    inst = ps.loc[("none", "institutions", "n/a")]
    assert inst["n"] == 48 and inst["n_missing"] == 1 and "藤沢市" in inst["note"]
    assert "log_hokatsu_per_10k_older missing" in inst["missing_names"]
    d = s.dropped
    assert set(d["stage"]) == {"frame", "missing"}
    assert (d.loc[d["stage"] == "missing", "plan"] == "藤沢市").all()
    # n + every drop = all municipal plans, for every specification
    n_muni = int((bundled.entities["level"] == "municipality").sum())
    counts = d.groupby("spec").size()
    for r in s.per_spec.itertuples():
        assert r.n + counts.get(r.name, 0) == n_muni
