"""Whole-procedure inference for cross-validated AUC: folds, batched fits, AUCs, p-values (fast checks).

The null calibration (uniform p, interval coverage) is in ``tests/test_calibration_slow.py``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from study.models.binary import FirthLogisticRegression
from study.models.cvinference import (
    CVProcedure,
    auc_rows,
    cv_auc_inference,
    lpo_auc,
    lpo_scores,
    optimism_corrected_auc,
    seed_streams,
    stratified_folds,
)
from study.models.frame import analysis_frame

COV = ["log_pop", "aging_rate_pct", "welfare_rate_permille"]


@pytest.fixture(scope="module")
def frame(bundled):
    return analysis_frame(bundled.entities, bundled.corrections, require=("population", "n_quantified_targets")).data


def _synthetic(n: int = 60, beta: float = 2.0, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x1, x2 = rng.normal(size=n), rng.normal(size=n)
    y = (rng.random(n) < 1 / (1 + np.exp(-beta * x1))).astype(float)
    return pd.DataFrame({"entity_id": [str(i) for i in range(n)], "y": y, "x1": x1, "x2": x2})


def test_stratified_folds_balance_each_class():
    y = np.array([1] * 31 + [0] * 25)
    f = stratified_folds(np.vstack([y, y[::-1]]), 5, 3, np.random.default_rng(0))
    assert f.shape == (2, 3, 56)
    for b in range(2):
        yb = y if b == 0 else y[::-1]
        for r in range(3):
            pos = np.bincount(f[b, r][yb == 1], minlength=5)
            neg = np.bincount(f[b, r][yb == 0], minlength=5)
            assert sorted(pos) == [6, 6, 6, 6, 7] and sorted(neg) == [5] * 5
            assert np.ptp(np.bincount(f[b, r], minlength=5)) <= 1
    # repeats differ
    assert not np.array_equal(f[0, 0], f[0, 1])


def test_stratified_folds_deal_only_present_plans():
    y = np.array([1] * 10 + [0] * 10)
    present = np.r_[np.ones(15, bool), np.zeros(5, bool)]
    f = stratified_folds(y[None], 5, 1, np.random.default_rng(1), present[None])[0, 0]
    assert np.ptp(np.bincount(f[present], minlength=5)) <= 1  # 15 present plans -> 3 per fold


def test_auc_rows_matches_sklearn_and_expands_counts():
    rng = np.random.default_rng(3)
    s = np.round(rng.normal(size=(4, 30)), 1)  # ties
    y = rng.random((4, 30)) < 0.5
    want = [roc_auc_score(y[i], s[i]) for i in range(4)]
    np.testing.assert_allclose(auc_rows(s, y), want, rtol=1e-12)
    c = rng.integers(0, 3, size=30)
    idx = np.repeat(np.arange(30), c)
    np.testing.assert_allclose(auc_rows(s[0], y[0], c)[0], roc_auc_score(y[0][idx], s[0][idx]), rtol=1e-12)
    assert np.isnan(auc_rows(np.r_[np.nan, s[0, 1:]], y[0])[0])


def test_held_out_predictions_equal_sklearn_fits_on_each_fold():
    df = _synthetic()
    X = np.column_stack([np.ones(len(df)), df[["x1", "x2"]].to_numpy()])
    y = df["y"].to_numpy().astype(int)
    proc = CVProcedure(n_splits=4, n_repeats=2)
    folds = stratified_folds(y[None], 4, 2, np.random.default_rng(5))
    eta = proc.held_out(X, y[None], folds)[0]
    for r in range(2):
        for k in range(4):
            te = folds[0, r] == k
            m = FirthLogisticRegression().fit(X[~te, 1:], y[~te])
            np.testing.assert_allclose(eta[r, te], m.decision_function(X[te, 1:]), atol=1e-6)
    aucs = proc.auc(X, y[None], folds)[0]
    np.testing.assert_allclose(aucs, [roc_auc_score(y, eta[r]) for r in range(2)], rtol=1e-12)


def test_seed_streams_are_deterministic_and_independent():
    a, b = seed_streams(7, 2)
    a2, _ = seed_streams(7, 2)
    assert a.random() == a2.random()
    assert seed_streams(7, 2)[0].random() != b.random()


def test_strong_signal_gives_small_p_and_high_auc():
    df = _synthetic(beta=3.0)
    r = cv_auc_inference(df, "y", ["x1", "x2"], ["x2"], n_splits=5, n_repeats=3, n_perm=99, n_boot=30, seed=1)
    t = r.table.set_index("name")
    assert t.loc["model", "estimate"] > 0.8
    assert t.loc["model", "p_value"] == t.loc["model", "p_floor"] == 0.01 and t.loc["model", "p_at_floor"]
    assert t.loc["difference", "p_value"] <= 0.02
    assert t.loc["model", "ci_low"] < t.loc["model", "estimate"] < t.loc["model", "ci_high"] <= 1.0
    assert abs(t.loc["model", "null_mean"] - 0.5) < 0.1
    assert len(r.null_draws) == 99 and len(r.boot_draws) == 30
    assert t.loc["difference", "estimate"] == pytest.approx(t.loc["model", "estimate"] - t.loc["baseline", "estimate"])


def test_no_signal_gives_large_p():
    df = _synthetic(beta=0.0, seed=4)
    t = cv_auc_inference(df, "y", ["x1", "x2"], ["x2"], n_repeats=3, n_perm=99, n_boot=0, seed=2).table.set_index(
        "name"
    )
    assert t.loc["model", "p_value"] > 0.05 and np.isnan(t.loc["model", "se"])


def test_real_data_is_deterministic_and_reports_n(frame):
    kw = dict(n_repeats=2, n_perm=19, n_boot=5, seed=3)
    a = cv_auc_inference(frame, "has_outcome_target", COV, **kw).table
    b = cv_auc_inference(frame, "has_outcome_target", COV, **kw).table
    pd.testing.assert_frame_equal(a, b)
    assert set(a["n"]) == {56} and set(a["n_events"]) == {31}
    assert list(a["name"]) == ["model", "baseline", "difference"]
    assert (a["p_floor"] == 1 / 20).all()


def test_lpo_auc_counts_pairs_and_orders_a_perfect_predictor():
    df = _synthetic(beta=50.0, seed=6)
    t = lpo_auc(df, "y", ["x1"], ["x2"]).set_index("name")
    m = int(df["y"].sum())
    assert t.loc["model", "n_pairs"] == m * (len(df) - m)
    assert t.loc["model", "estimate"] > 0.95
    # LPO by brute force on a small sample
    small = df.iloc[:16]
    X = np.column_stack([np.ones(16), small["x2"].to_numpy()])
    y = small["y"].to_numpy().astype(int)
    hits = []
    for i in np.flatnonzero(y == 1):
        for j in np.flatnonzero(y == 0):
            keep = np.ones(16, bool)
            keep[[i, j]] = False
            f = FirthLogisticRegression().fit(X[keep, 1:], y[keep])
            si, sj = f.decision_function(X[[i, j], 1:])
            hits.append((si > sj) + 0.5 * (si == sj))
    assert lpo_scores(X, y)[0] == pytest.approx(np.mean(hits), abs=1e-12)


def test_optimism_is_positive_for_noise_covariates():
    df = _synthetic(beta=0.0, seed=8)
    for c in range(5):
        df[f"z{c}"] = np.random.default_rng(c).normal(size=len(df))
    r = optimism_corrected_auc(df, "y", ["x1", "x2", *[f"z{c}" for c in range(5)]], n_boot=200, seed=0).iloc[0]
    assert r["optimism"] > 0.05 and r["estimate"] == pytest.approx(r["apparent"] - r["optimism"])
    assert abs(r["estimate"] - 0.5) < 0.12


def test_conditional_null_of_the_difference():
    # the baseline (x1) carries all the signal; x2 adds nothing
    df = _synthetic(beta=2.0, seed=9)
    t = cv_auc_inference(df, "y", ["x1", "x2"], ["x1"], n_repeats=2, n_perm=99, n_boot=0, seed=4).table.set_index(
        "name"
    )
    assert t.loc["difference", "p_conditional"] > 0.05
    assert np.isnan(t.loc["model", "p_conditional"])
    # and it detects a real addition
    df2 = _synthetic(beta=3.0, seed=10)
    t2 = cv_auc_inference(df2, "y", ["x1", "x2"], ["x2"], n_repeats=2, n_perm=99, n_boot=0, seed=4).table.set_index(
        "name"
    )
    assert t2.loc["difference", "p_conditional"] <= 0.02
