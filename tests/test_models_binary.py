"""Firth logistic regression and cross-validated AUC."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import optimize
from sklearn.metrics import roc_auc_score

from study.models import kernels
from study.models.binary import FirthLogisticRegression, cv_auc, delong, firth_bootstrap, firth_logistic


def _frame(n=55, seed=0, b=1.0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    z = rng.normal(size=n)
    y = (rng.random(n) < 1 / (1 + np.exp(-(-0.5 + b * x)))).astype(float)
    return pd.DataFrame({"entity_id": [str(i) for i in range(n)], "y": y, "x": x, "z": z})


def test_firth_equals_half_added_to_each_cell():
    # one binary covariate: Firth's estimate is the log odds ratio with 0.5 added to every cell
    x = np.array([0] * 12 + [1] * 9, float)
    y = np.array([1] * 3 + [0] * 9 + [1] * 9, float)  # quasi-separated: no failures when x = 1
    df = pd.DataFrame({"entity_id": [str(i) for i in range(21)], "y": y, "x": x})
    f = firth_logistic(df, "y", ["x"])
    a, b, c, d = 9 + 0.5, 0 + 0.5, 3 + 0.5, 9 + 0.5
    assert f.params.loc[0, "estimate"] == pytest.approx(np.log(c / d), abs=1e-7)
    assert f.params.loc[1, "estimate"] == pytest.approx(np.log(a * d / (b * c)), abs=1e-7)
    assert np.isfinite(f.params["ci_high"]).all()


def test_firth_maximises_the_penalised_likelihood():
    df = _frame()
    X = np.column_stack([np.ones(len(df)), df[["x", "z"]].to_numpy()])
    y = df["y"].to_numpy()
    f = firth_logistic(df, "y", ["x", "z"], profile=False)
    res = optimize.minimize(
        lambda b: -kernels.firth_penalised_loglik(X, y, b, np.ones(len(y)), np.zeros(len(y))),
        np.zeros(3),
        method="BFGS",
        options={"gtol": 1e-10},
    )
    np.testing.assert_allclose(f.beta, res.x, atol=1e-5)


def test_profile_interval_is_where_the_penalised_lr_crosses():
    df = _frame(seed=1)
    f = firth_logistic(df, "y", ["x"])
    r = f.params.set_index("name").loc["x"]
    assert r["ci_low"] < r["estimate"] < r["ci_high"]
    X = np.column_stack([np.ones(len(df)), df["x"].to_numpy()])
    for bound in (r["ci_low"], r["ci_high"]):
        pl = kernels.firth_logistic(X, df["y"].to_numpy(), fixed={1: bound}, start=f.beta).loglik
        assert 2 * (f.penalised_loglik - pl) == pytest.approx(3.841459, abs=1e-4)
    assert r["odds_ratio"] == pytest.approx(np.exp(r["estimate"]))
    assert f.n == 55 and f.n_events == int(df["y"].sum())


def test_firth_is_finite_under_complete_separation():
    df = _frame()
    df["y"] = (df["x"] > 0).astype(float)
    f = firth_logistic(df, "y", ["x"])
    assert np.isfinite(f.params["estimate"]).all()


def test_sklearn_wrapper_and_delong():
    df = _frame(seed=2)
    X, y = df[["x"]].to_numpy(), df["y"].to_numpy()
    m = FirthLogisticRegression().fit(X, y)
    np.testing.assert_allclose(m.coef_full_, firth_logistic(df, "y", ["x"], profile=False).beta)
    p = m.predict_proba(X)[:, 1]
    aucs, cov = delong(y, [p, -p])
    assert aucs[0] == pytest.approx(roc_auc_score(y, p))
    assert aucs[1] == pytest.approx(1 - aucs[0])
    assert cov[0, 0] > 0 and cov[0, 1] == pytest.approx(-cov[0, 0])


def test_cv_auc_table():
    df = _frame(seed=3, b=2.0)
    loo = cv_auc(df, "y", ["x", "z"], baseline=["z"])
    assert list(loo["name"]) == ["model", "baseline", "difference"]
    assert (loo["n"] == 55).all()
    m, b, d = loo["estimate"]
    assert m > 0.75 and d == pytest.approx(m - b)
    rep = cv_auc(df, "y", ["x", "z"], baseline=["z"], method="repeated", n_repeats=5, seed=1)
    rep2 = cv_auc(df, "y", ["x", "z"], baseline=["z"], method="repeated", n_repeats=5, seed=1)
    pd.testing.assert_frame_equal(rep, rep2)
    assert rep.loc[0, "repeats_low"] <= rep.loc[0, "estimate"] <= rep.loc[0, "repeats_high"]
    lr = cv_auc(df, "y", ["x"], baseline=["z"], model="logistic")
    assert lr.loc[0, "estimate"] > 0.75


def test_firth_bootstrap():
    df = _frame(seed=4)
    b = firth_bootstrap(df, "y", ["x"], n_boot=200, seed=0)
    r = b.row("x")
    assert r["ci_low"] < r["estimate"] < r["ci_high"] and r["n_failed"] == 0


def test_target_models_run_on_the_clean_data(bundled):
    from study.models.count import poisson_ql
    from study.models.frame import analysis_frame

    f = analysis_frame(bundled.entities, bundled.corrections, require=("population", "has_outcome_target")).data
    assert len(f) == 57 and set(f["has_outcome_target"].unique()) == {0.0, 1.0}
    fit = firth_logistic(f, "has_outcome_target", ["log_pop"])
    assert fit.n == 57 and np.isfinite(fit.params["ci_low"]).all()
    auc = cv_auc(
        f,
        "has_outcome_target",
        ["log_pop", "aging_rate_pct"],
        baseline=["log_pop"],
        method="repeated",
        n_repeats=3,
        seed=0,
    )
    assert auc["estimate"].between(-1, 1).all()
    counts = poisson_ql(f, "n_quantified_targets", ["log_pop"])
    assert counts.n == 57
