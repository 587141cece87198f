"""Bootstrap (BCa) and permutation machinery: exact properties and determinism."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from study.models.frame import analysis_frame
from study.models.parallel import block_rng
from study.models.resample import (
    bca_interval,
    bootstrap_count,
    bootstrap_weights,
    conditional_association,
    jackknife_weights,
    pairs_bootstrap,
    percentile_interval,
    permutation_test,
)


@pytest.fixture(scope="module")
def frame(bundled):
    return analysis_frame(bundled.entities, bundled.corrections).data


def test_bca_reduces_to_percentile_without_bias_or_skew():
    draws = stats.norm.ppf((np.arange(1, 10000) - 0.5) / 9999)  # symmetric around 0
    jk = np.array([-1.0, 1.0] * 10)  # zero skew -> acceleration 0
    lo, hi, z0, acc = bca_interval(0.0, draws, jk)
    assert z0 == pytest.approx(0, abs=1e-3) and acc == 0
    plo, phi = percentile_interval(draws)
    assert lo == pytest.approx(plo, abs=1e-3) and hi == pytest.approx(phi, abs=1e-3)


def test_bca_shifts_with_bias():
    draws = np.linspace(-1, 1, 2001) + 0.3  # estimate below most draws -> z0 < 0
    lo, hi, z0, _ = bca_interval(0.0, draws, np.zeros(5))
    plo, phi = percentile_interval(draws)
    assert z0 < 0 and lo < plo and hi < phi
    assert np.isnan(bca_interval(5.0, draws, np.zeros(5))[0])  # all draws below: undefined


def test_weights():
    rng = np.random.default_rng(0)
    w = bootstrap_weights(10, 50, rng)
    assert w.shape == (50, 10) and (w.sum(axis=1) == 10).all()
    s = np.array([0] * 4 + [1] * 6)
    ws = bootstrap_weights(10, 50, rng, strata=s)
    assert (ws[:, :4].sum(axis=1) == 4).all() and (ws[:, 4:].sum(axis=1) == 6).all()
    assert (jackknife_weights(4).sum(axis=1) == 3).all()


def test_bootstrap_count_is_seeded_and_sane(frame):
    a = bootstrap_count(frame, n_boot=300, seed=11)
    b = bootstrap_count(frame, n_boot=300, seed=11)
    c = bootstrap_count(frame, n_boot=300, seed=12)
    pd.testing.assert_frame_equal(a.table, b.table)
    assert not a.table.equals(c.table)
    r = a.row("log_pop")
    assert r["n"] == 49 and r["n_failed"] == 0 and r["method"] == "bca"
    assert r["ci_low"] < r["estimate"] < r["ci_high"]
    nb = bootstrap_count(frame, family="negbin", n_boot=200, seed=1)
    assert set(nb.table["name"]) == {"const", "log_pop", "alpha"}
    assert nb.row("alpha")["ci_low"] > 0


def test_generic_pairs_bootstrap_equals_by_hand():
    df = pd.DataFrame({"v": np.arange(20.0)})
    res = pairs_bootstrap(df, lambda d: d["v"].mean(), n_boot=200, seed=3, method="percentile")
    rng = block_rng(3, 0)  # the first block of draws: child 0 of SeedSequence(3)
    draws = np.array([df["v"].to_numpy()[rng.integers(0, 20, 20)].mean() for _ in range(200)])
    np.testing.assert_allclose(res.draws["statistic"], draws)
    lo, hi = percentile_interval(draws)
    assert res.table.loc[0, "ci_low"] == pytest.approx(lo) and res.table.loc[0, "ci_high"] == pytest.approx(hi)
    multi = pairs_bootstrap(df, lambda d: pd.Series({"mean": d["v"].mean(), "max": d["v"].max()}), n_boot=50, seed=1)
    assert list(multi.table["name"]) == ["mean", "max"]


def test_permutation_test_is_seeded_and_refuses_freedman_lane_for_counts(frame):
    a = permutation_test(frame, "aging_rate_pct", ["log_pop"], n_perm=199, seed=4)
    b = permutation_test(frame, "aging_rate_pct", ["log_pop"], n_perm=199, seed=4)
    assert a.p_value == b.p_value and 0 < a.p_value <= 1
    assert a.n == 49 and a.null_distribution.size == 199
    with pytest.raises(ValueError, match="freedman_lane"):
        permutation_test(frame, "aging_rate_pct", ["log_pop"], method="freedman_lane")
    fl = permutation_test(
        frame.assign(ly=np.log(frame["staff"] + 0.5)),
        "aging_rate_pct",
        ["log_pop"],
        y="ly",
        family="ols",
        method="freedman_lane",
        n_perm=199,
    )
    assert 0 < fl.p_value <= 1


def test_permutation_p_value_is_exact_for_a_strong_effect():
    rng = np.random.default_rng(0)
    n = 40
    x = rng.normal(size=n)
    z = rng.normal(size=n)
    y = rng.poisson(np.exp(1 + 1.0 * x + 0.2 * z))
    df = pd.DataFrame({"entity_id": [str(i) for i in range(n)], "y": y, "x": x, "z": z})
    r = permutation_test(df, "x", ["z"], y="y", n_perm=499, seed=1)
    assert r.p_value == pytest.approx(1 / 500)
    raw = permutation_test(df, "x", [], y="y", n_perm=99, seed=1, method="raw")  # raw: only without covariates
    assert raw.p_value == pytest.approx(1 / 100)


def test_null_value_moves_to_the_offset():
    rng = np.random.default_rng(2)
    n = 60
    x = rng.normal(size=n)
    y = rng.poisson(np.exp(0.5 + 1.0 * x))
    df = pd.DataFrame({"entity_id": [str(i) for i in range(n)], "y": y, "x": x, "c": rng.normal(size=n)})
    r1 = permutation_test(df, "x", ["c"], y="y", null=1.0, n_perm=199, seed=0)
    r0 = permutation_test(df, "x", ["c"], y="y", null=0.0, n_perm=199, seed=0)
    assert r1.estimate == pytest.approx(r0.estimate)
    assert r1.p_value > 0.05 and r0.p_value < 0.01


def test_conditional_association_table(frame):
    t = conditional_association(frame, n_boot=200, n_perm=99, seed=0, per={"aging_rate_pct": 10})
    assert list(t["name"]) == ["aging_rate_pct", "welfare_rate_permille"]
    assert (t["n"] == 49).all()
    assert {"estimate", "ci_low", "ci_high", "p_perm", "p_wald", "rate_ratio"} <= set(t.columns)
    a = t.set_index("name").loc["aging_rate_pct"]
    assert a["rate_ratio"] == pytest.approx(np.exp(10 * a["estimate"]))
    assert a["covariates"] == "log_pop + aging_rate_pct + welfare_rate_permille"


def test_freedman_lane_matches_a_by_hand_permutation():
    rng = np.random.default_rng(8)
    n = 30
    z = rng.normal(size=n)
    x = 0.5 * z + rng.normal(size=n)
    y = 1 + 0.3 * z + 0.4 * x + rng.normal(size=n)
    df = pd.DataFrame({"entity_id": [str(i) for i in range(n)], "y": y, "x": x, "z": z})
    res = permutation_test(df, "x", ["z"], y="y", family="ols", method="freedman_lane", n_perm=99, seed=5)
    # by hand: residuals of y ~ z permuted onto its fit, t of x recomputed each time
    import statsmodels.api as sm

    Z = sm.add_constant(z)
    red = sm.OLS(y, Z).fit()
    X = np.column_stack([np.ones(n), x, z])
    t_obs = sm.OLS(y, X).fit().tvalues[1]
    g = block_rng(5, 0)
    perms = np.argsort(g.random((99, n)), axis=1)
    tn = np.array([sm.OLS(red.fittedvalues + red.resid[p], X).fit().tvalues[1] for p in perms])
    assert res.statistic == pytest.approx(t_obs)
    np.testing.assert_allclose(np.sort(res.null_distribution), np.sort(tn), rtol=1e-8)
    assert res.p_value == pytest.approx((1 + np.sum(np.abs(tn) >= abs(t_obs))) / 100)


def test_regressor_residual_permutation_matches_by_hand():
    import statsmodels.api as sm

    rng = np.random.default_rng(9)
    n = 30
    z = rng.normal(size=n)
    x = 0.5 * z + rng.normal(size=n)
    y = rng.poisson(np.exp(0.5 + 0.3 * z + 0.2 * x)).astype(float)
    df = pd.DataFrame({"entity_id": [str(i) for i in range(n)], "y": y, "x": x, "z": z})
    res = permutation_test(df, "x", ["z"], y="y", n_perm=49, seed=2)
    Z = sm.add_constant(z)
    ex = sm.OLS(x, Z).fit()
    g = block_rng(2, 0)
    perms = np.argsort(g.random((49, n)), axis=1)

    def t_of(xcol):
        r = sm.GLM(y, np.column_stack([np.ones(n), xcol, z]), family=sm.families.Poisson()).fit(scale="X2", tol=1e-12)
        return r.tvalues[1]

    tn = np.array([t_of(ex.fittedvalues + ex.resid[p]) for p in perms])
    assert res.statistic == pytest.approx(t_of(x), rel=1e-7)
    np.testing.assert_allclose(res.null_distribution, tn, rtol=1e-6)
