"""Simulation tests: every estimator recovers known coefficients at n = 55, and its
bootstrap (or permutation) inference has near-nominal coverage (or size).

All seeded; sizes are kept small for CI (the whole file runs in about 35 s on
one core): 40-150 replications with 99-199 bootstrap draws. With R replications
the Monte-Carlo SE of a 95% coverage is sqrt(.95·.05/R) ≈ 0.018-0.034, and at
n = 55 pairs-bootstrap and Wald intervals are known to under-cover a little
(about 0.90-0.94), so 95% intervals must cover in [0.85, 0.99]: a real
miscalibration (a wrong variance, a broken BCa) falls outside. The numbers
are deterministic given the seeds, so the tests are not flaky.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from study.models.binary import cv_auc, firth_bootstrap, firth_logistic
from study.models.count import elasticity, negbin_ml, overdispersion, poisson_ql
from study.models.describe import summarise
from study.models.resample import bootstrap_count, bootstrap_elasticity, conditional_association, permutation_test
from study.models.speccurve import specification_curve
from study.models.typology import best_k, choose_k, compare_clusters, fit_typology, structure_matrix

N = 55
TRUE = {"const": -1.0, "log_pop": 0.3, "aging_rate_pct": -0.03}
ALPHA = 0.5


def staffing_data(
    rng: np.random.Generator,
    n: int = N,
    beta: float = TRUE["log_pop"],
    gamma: float = TRUE["aging_rate_pct"],
    alpha: float | None = ALPHA,
    const: float = TRUE["const"],
) -> pd.DataFrame:
    """Plans like the real ones: log population 6.5-14.5, aging rate falling with size;
    staff ~ NB2(μ, α) (Poisson if alpha is None)."""
    log_pop = rng.uniform(6.5, 14.5, n)
    aging = 45 - 1.8 * (log_pop - 10) + rng.normal(0, 4, n)
    welfare = rng.gamma(3, 4, n)
    mu = np.exp(const + beta * log_pop + gamma * (aging - 30))
    y = rng.poisson(mu) if alpha is None else rng.poisson(rng.gamma(1 / alpha, alpha * mu))
    return pd.DataFrame(
        {
            "entity_id": [f"{i:06d}" for i in range(n)],
            "staff": y.astype(float),
            "log_pop": log_pop,
            "aging_c": aging - 30,
            "aging_rate_pct": aging,
            "welfare_rate_permille": welfare,
        }
    )


def coverage(hits) -> float:
    return float(np.mean(hits))


# --- Q1: count models ---------------------------------------------------------------


def test_poisson_ql_estimate_and_bootstrap_coverage():
    rng = np.random.default_rng(101)
    est, wald_hit, boot_hit = [], [], []
    for r in range(120):
        df = staffing_data(rng)
        fit = poisson_ql(df, "staff", ["log_pop", "aging_c"])
        c = fit.coef("log_pop")
        est.append(c.estimate)
        wald_hit.append(c.ci_low <= TRUE["log_pop"] <= c.ci_high)
        b = bootstrap_count(df, "staff", ["log_pop", "aging_c"], "poisson_ql", n_boot=199, seed=r).row("log_pop")
        boot_hit.append(b["ci_low"] <= TRUE["log_pop"] <= b["ci_high"])
    assert abs(np.mean(est) - TRUE["log_pop"]) < 0.015
    assert 0.85 <= coverage(wald_hit) <= 0.99
    assert 0.85 <= coverage(boot_hit) <= 0.99


def test_negbin_ml_estimate_alpha_and_bootstrap_coverage():
    rng = np.random.default_rng(202)
    est, alphas, wald_hit, boot_hit = [], [], [], []
    for r in range(80):
        df = staffing_data(rng)
        fit = negbin_ml(df, "staff", ["log_pop", "aging_c"])
        c = fit.coef("log_pop")
        est.append(c.estimate)
        alphas.append(fit.alpha)
        wald_hit.append(c.ci_low <= TRUE["log_pop"] <= c.ci_high)
        b = bootstrap_count(df, "staff", ["log_pop", "aging_c"], "negbin", n_boot=99, seed=r, method="percentile").row(
            "log_pop"
        )
        boot_hit.append(b["ci_low"] <= TRUE["log_pop"] <= b["ci_high"])
    assert abs(np.mean(est) - TRUE["log_pop"]) < 0.015
    assert abs(np.median(alphas) - ALPHA) < 0.1  # ML α is biased down a little at n = 55
    assert 0.85 <= coverage(wald_hit) <= 0.99
    assert 0.85 <= coverage(boot_hit) <= 0.99


def test_elasticity_test_of_beta_below_one_has_nominal_size():
    """At β = 1 the one-sided tests of β < 1 reject about 5%: QL's t test when Var = φμ
    (its assumption), NB's z test and the bootstrap test under NB2 data."""
    rng = np.random.default_rng(303)
    rej_ql, rej_nb, rej_boot = [], [], []
    for r in range(80):
        df = staffing_data(rng, beta=1.0, gamma=0.0, const=-9.0, alpha=None)
        phi = 2.5
        df["staff"] = phi * rng.poisson(np.exp(-9.0 + df["log_pop"]) / phi)  # Var = φμ, values 0, 2.5, 5, …
        rej_ql.append(elasticity(poisson_ql(df, "staff", ["log_pop"])).p_value < 0.05)
        nbdf = staffing_data(rng, beta=1.0, gamma=0.0, const=-9.0)
        rej_nb.append(elasticity(negbin_ml(nbdf, "staff", ["log_pop"])).p_value < 0.05)
        boot = bootstrap_count(nbdf, "staff", ["log_pop"], "poisson_ql", n_boot=199, seed=r)
        rej_boot.append(bootstrap_elasticity(boot).p_value < 0.05)
    assert 0.01 <= np.mean(rej_ql) <= 0.10
    assert 0.01 <= np.mean(rej_nb) <= 0.11
    assert 0.01 <= np.mean(rej_boot) <= 0.11
    df = staffing_data(np.random.default_rng(1))  # β = 0.3 is detected as below 1
    assert elasticity(poisson_ql(df, "staff", ["log_pop"])).p_value < 0.01


def test_overdispersion_tests_size_and_power():
    rng = np.random.default_rng(404)
    size, power = [], []
    for _ in range(40):
        p = overdispersion(staffing_data(rng, alpha=None), "staff", ["log_pop", "aging_c"]).set_index("name")["p_value"]
        size.append(p < 0.05)
        q = overdispersion(staffing_data(rng), "staff", ["log_pop", "aging_c"]).set_index("name")["p_value"]
        power.append(q < 0.05)
    size, power = pd.DataFrame(size), pd.DataFrame(power)
    assert (size.mean() <= 0.15).all()
    assert (power.mean() >= 0.8).all()


# --- Q2: permutation and the conditional-association table ------------------------------


def test_permutation_test_size_and_power():
    rng = np.random.default_rng(505)
    null_rej, alt_rej = [], []
    for r in range(100):
        df = staffing_data(rng, gamma=0.0)  # aging unrelated given population, but correlated with it
        null_rej.append(permutation_test(df, "aging_c", ["log_pop"], n_perm=99, seed=r).p_value <= 0.05)
        df = staffing_data(rng, gamma=-0.12)
        alt_rej.append(permutation_test(df, "aging_c", ["log_pop"], n_perm=99, seed=r).p_value <= 0.05)
    assert 0.01 <= np.mean(null_rej) <= 0.10
    assert np.mean(alt_rej) >= 0.6


def test_conditional_association_recovers_the_aging_effect():
    rng = np.random.default_rng(606)
    est, hit = [], []
    for r in range(40):
        df = staffing_data(rng, gamma=-0.05)
        t = conditional_association(df, foci=("aging_c",), adjust=("log_pop",), n_boot=99, n_perm=19, seed=r).iloc[0]
        est.append(t["estimate"])
        hit.append(t["ci_low"] <= -0.05 <= t["ci_high"])
    assert abs(np.mean(est) + 0.05) < 0.01
    assert 0.83 <= coverage(hit) <= 1.0


# --- Q3: descriptive medians ----------------------------------------------------------------


def test_median_bootstrap_coverage():
    rng = np.random.default_rng(707)
    hit, est = [], []
    for r in range(150):
        v = rng.lognormal(0.5, 0.8, N)  # true median e^0.5
        s = summarise(pd.DataFrame({"v": v}), ["v"], n_boot=199, seed=r).iloc[0]
        est.append(s["estimate"])
        hit.append(s["ci_low"] <= np.exp(0.5) <= s["ci_high"])
    assert abs(np.median(est) - np.exp(0.5)) < 0.1
    assert 0.85 <= coverage(hit) <= 0.99


# --- Q4: Firth logistic and cross-validated AUC ---------------------------------------------


def _binary(rng, n=N, b0=-0.8, b1=1.0):
    x = rng.normal(size=n)
    z = rng.normal(size=n)
    y = (rng.random(n) < 1 / (1 + np.exp(-(b0 + b1 * x)))).astype(float)
    return pd.DataFrame({"entity_id": [str(i) for i in range(n)], "y": y, "x": x, "z": z})


def test_firth_estimate_and_bootstrap_coverage():
    rng = np.random.default_rng(808)
    est, hit, wald = [], [], []
    for r in range(80):
        df = _binary(rng)
        f = firth_logistic(df, "y", ["x"], profile=False).params.set_index("name").loc["x"]
        est.append(f["estimate"])
        wald.append(f["ci_low"] <= 1.0 <= f["ci_high"])
        b = firth_bootstrap(df, "y", ["x"], n_boot=99, seed=r).row("x")
        hit.append(b["ci_low"] <= 1.0 <= b["ci_high"])
    assert abs(np.mean(est) - 1.0) < 0.08  # Firth removes the O(1/n) bias
    assert 0.85 <= coverage(wald) <= 0.99
    assert 0.85 <= coverage(hit) <= 0.99


def test_firth_profile_interval_coverage():
    rng = np.random.default_rng(909)
    hit = []
    for _ in range(30):
        f = firth_logistic(_binary(rng), "y", ["x"]).params.set_index("name").loc["x"]
        hit.append(f["ci_low"] <= 1.0 <= f["ci_high"])
    assert coverage(hit) >= 0.85


def test_cv_auc_is_close_to_the_true_auc_and_beats_the_baseline():
    rng = np.random.default_rng(1001)
    from sklearn.metrics import roc_auc_score

    big = _binary(np.random.default_rng(0), n=200_000, b1=1.5)
    true_auc = roc_auc_score(big["y"], big["x"])  # the model's population AUC (monotone in x)
    aucs, diffs = [], []
    for r in range(15):
        t = cv_auc(_binary(rng, b1=1.5), "y", ["x"], baseline=["z"], method="repeated", n_repeats=2, seed=r)
        aucs.append(t.loc[0, "estimate"])
        diffs.append(t.loc[2, "estimate"])
    assert abs(np.mean(aucs) - true_auc) < 0.04
    assert np.mean(np.array(diffs) > 0) >= 0.9


# --- Q5: typology -----------------------------------------------------------------------


def test_typology_recovers_planted_clusters():
    rng = np.random.default_rng(1111)
    for rep in range(2):
        centres = np.array([[8, 40, 8, 3, 1.5, 0.2], [11, 30, 12, 6, 0.6, 0.8], [13.5, 22, 20, 9, 0.3, 1.0]])
        spread = np.array([0.5, 2.5, 2.0, 0.6, 0.15, 0.1])
        truth = np.repeat([0, 1, 2], [18, 19, 18])
        raw = centres[truth] + rng.normal(size=(N, 6)) * spread
        cols = [
            "log_pop",
            "aging_rate_pct",
            "welfare_rate_permille",
            "log_density",
            "log_hokatsu_per_10k_older",
            "hokatsu_outsourced_share",
        ]
        df = pd.DataFrame(raw, columns=cols).assign(
            entity_id=[str(i) for i in range(N)],
            name="x",
            outcome=np.r_[rng.normal(0, 1, 18), rng.normal(0, 1, 19), rng.normal(3, 1, 18)],
        )
        tab = choose_k(structure_matrix(df).Z, ks=(2, 3, 4), n_boot=10, seed=rep)
        assert best_k(tab) == 3
        ty = fit_typology(df, 3, seed=rep)
        from sklearn.metrics import adjusted_rand_score

        assert adjusted_rand_score(truth, ty.assignments["cluster"]) > 0.9
        _, test = compare_clusters(df, ty.assignments, "outcome", n_perm=199, n_boot=99, seed=rep)
        assert test["p_value"] <= 0.01


def test_cluster_comparison_has_nominal_size():
    rng = np.random.default_rng(1212)
    rej = []
    labels = pd.DataFrame({"entity_id": [str(i) for i in range(N)], "cluster": np.repeat([1, 2, 3], [18, 19, 18])})
    for r in range(100):
        df = pd.DataFrame({"entity_id": labels["entity_id"], "v": rng.lognormal(size=N)})
        _, t = compare_clusters(df, labels, "v", n_perm=99, n_boot=10, seed=r)
        rej.append(t["p_value"] <= 0.05)
    assert 0.01 <= np.mean(rej) <= 0.11


# --- Q6: specification curve ----------------------------------------------------------------


def _entities(rng, beta: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    df = staffing_data(rng, beta=beta)
    n = len(df)
    pop = np.exp(df["log_pop"]).round()
    ent = pd.DataFrame(
        {
            "entity_id": df["entity_id"],
            "level": "municipality",
            "prefecture": "東京都",
            "municipality": [f"m{i}" for i in range(n)],
            "population": pop,
            "aging_rate_pct": df["aging_rate_pct"],
            "welfare_rate_permille": df["welfare_rate_permille"],
            "area_km2": rng.uniform(10, 500, n),
            "hokatsu_direct": 0.0,
            "hokatsu_outsourced": 2.0,
            "hokatsu_total": 2.0,
            "konkyu_total": 1.0,
            "staff_planned": df["staff"],
        }
    )
    ent.loc[0, "staff_planned"] = 1.5  # one fractional FTE
    cor = pd.DataFrame(columns=["entity_id", "field", "source_line", "raw", "value", "rule", "note"])
    return ent, cor


def test_specification_curve_recovers_the_focal_effect():
    rng = np.random.default_rng(1313)
    meds, shares = [], []
    for r in range(6):
        ent, cor = _entities(rng, beta=0.3)
        sc = specification_curve(
            ent,
            cor,
            staffing=("as_printed", "headcount", "exclude_fractional"),
            welfare=("corrected",),
            exclusions=("none",),
            covariate_sets={"population": (), "need": ("aging_rate_pct",)},
            n_perm=19,
            seed=r,
        )
        meds.append(sc.summary.loc[0, "estimate"])
        shares.append(sc.summary.loc[0, "share_same_sign"])
    assert abs(np.mean(meds) - 0.3) < 0.06
    assert np.mean(shares) > 0.95
