"""The staffing analysis (notebook 10) on the declared design, on the real data, checked by independent computations
(statsmodels fitted directly here, HC3 by the textbook formula, Holm by statsmodels, values read off the
processed entities by hand)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.multitest import multipletests

from study.analysis import registry
from study.analysis import staffing as q
from study.analysis.tables import load_tables
from study.runner.params import ParamsError, load_param_set


@pytest.fixture(scope="module")
def tables():
    return load_tables()


@pytest.fixture(scope="module")
def params():
    cheap = {"bootstrap_draws": 200, "permutations": 199, "power_simulations": 50, "max_draws": 2000}
    return registry.parameters("10_staffing", cheap)


@pytest.fixture(scope="module")
def frame(tables, params):
    return q.staffing_frame(tables, params).data


def _X(df: pd.DataFrame) -> np.ndarray:
    return sm.add_constant(df[["log_exposure", "design_per_site", "design_designated_existing"]].to_numpy(float))


def test_frame_exposure_and_design_codings(frame, tables, params):
    by = frame.set_index("name")
    assert len(frame) == 49
    assert by.loc["遠野市", "exposure_population"] == 6198 and by.loc["遠野市", "population"] == 26899  # part, printed
    assert by.loc["仙台市", "exposure_imputed"] == 1.0 and by.loc["仙台市", "exposure_population"] == 1090263
    assert set(frame.loc[frame["exposure_imputed"] == 1, "name"]) == {"仙台市", "今別町", "蓬田村"}
    assert by.loc["札幌市", "design"] == "single_team" and by.loc["札幌市", "staff"] == 0  # nobody placed: reference
    assert frame["design"].value_counts().to_dict() == {"single_team": 37, "per_site": 8, "designated_existing": 4}
    assert by.loc["松戸市", "staff_headcount"] == 4 and by.loc["芝山町", "staff_headcount"] == 2
    dropped = q.staffing_frame(tables, params, missing_catchment="drop")
    assert dropped.n == 46 and "catchment population not printed" in " ".join(dropped.excluded["reason"])


def test_primary_interval_is_hc3_by_the_textbook_formula(frame):
    X, y = _X(frame), frame["staff"].to_numpy(float)
    res = sm.GLM(y, X, family=sm.families.Poisson()).fit()
    mu = res.fittedvalues
    bread = np.linalg.inv(X.T @ (X * mu[:, None]))
    h = np.einsum("ij,jk,ik->i", X * np.sqrt(mu)[:, None], bread, X * np.sqrt(mu)[:, None])
    meat = X.T @ (X * (((y - mu) / (1 - h)) ** 2)[:, None])
    se = np.sqrt(np.diag(bread @ meat @ bread))[1]
    t = stats.t.ppf(0.975, 49 - 4)
    row = q.q1_elasticity(frame, q.design_terms(frame)).iloc[0]
    assert row["name"] == "hc3" and row["role"] == "primary"
    assert row["estimate"] == pytest.approx(res.params[1], abs=1e-8)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((res.params[1] - t * se, res.params[1] + t * se), abs=1e-8)
    assert row["estimate"] == pytest.approx(0.0641282, abs=1e-6)
    ql = sm.GLM(y, X, family=sm.families.Poisson()).fit(scale="X2")
    assert q.q1_elasticity(frame, q.design_terms(frame)).iloc[1]["se"] == pytest.approx(ql.bse[1], rel=1e-6)


def test_proportional_f_by_statsmodels(frame):
    X, y = _X(frame), frame["staff"].to_numpy(float)
    full = sm.GLM(y, X, family=sm.families.Poisson()).fit()
    phi = full.pearson_chi2 / full.df_resid
    rest = sm.GLM(y, X[:, [0, 2, 3]], family=sm.families.Poisson(), offset=X[:, 1]).fit()
    f = (rest.deviance - full.deviance) / phi
    row = q.q1_proportional(frame, q.design_terms(frame)).iloc[0]
    assert row["estimate"] == pytest.approx(f, rel=1e-8) and row["df_den"] == 45
    assert row["p_value"] == pytest.approx(stats.f.sf(f, 1, 45), rel=1e-6)
    assert row["estimate"] == pytest.approx(209.26, abs=0.01)


def test_influence_rule_and_leave_one_out_by_refitting(frame, params):
    table, _ = q.q1_influence(frame, "poisson_ql", q.design_terms(frame))
    over = table[table["over_cutoff"]]
    assert (over["cooks_d"] > 4 / 49).all() and (table.loc[~table["over_cutoff"], "cooks_d"] <= 4 / 49).all()
    assert set(over["name"]) == {"豊島区", "世田谷区", "調布市", "ひたちなか市", "藤沢市"}
    keep = frame["name"] != "世田谷区"
    refit = sm.GLM(frame.loc[keep, "staff"].to_numpy(float), _X(frame[keep]), family=sm.families.Poisson()).fit()
    assert over.set_index("name").loc["世田谷区", "loo_estimate"] == pytest.approx(refit.params[1], abs=1e-6)


def test_model_comparison_nb2_by_statsmodels_and_the_hurdle_zero(frame):
    mc = q.q1_models(frame, q.design_terms(frame))
    assert mc.separated and mc.n_zero == 1  # 札幌市, the largest population, is the only zero
    X, y = _X(frame), frame["staff_headcount"].to_numpy(float)
    nb = sm.NegativeBinomial(y, X, loglike_method="nb2").fit(disp=0, maxiter=500)
    pois = sm.GLM(y, X, family=sm.families.Poisson()).fit()
    t = mc.table.set_index("name")
    assert t.loc["nb2", "loglik"] == pytest.approx(nb.llf, abs=1e-4)
    assert t.loc["poisson", "loglik"] == pytest.approx(pois.llf, abs=1e-6)
    assert t.loc["hurdle_negbin", "observed_zeros"] == 1 and t.loc["hurdle_negbin", "expected_zeros"] == pytest.approx(
        1
    )
    assert t["n"].eq(49).all() and t["delta_aic"].min() == 0
    assert q.separates(np.array([1.0, 2.0, 9.0]), np.array([True, True, False]))
    assert not q.separates(np.array([1.0, 5.0, 3.0]), np.array([True, True, False]))


def test_glmm_likelihood_is_at_least_the_poisson_glms(frame):
    g = q.q1_glmm(frame, q.design_terms(frame))
    pois = sm.GLM(frame["staff_headcount"].to_numpy(float), _X(frame), family=sm.families.Poisson()).fit()
    assert list(g["name"]) == ["glmm_prefecture", "glmm_prefecture_olre"] and g["converged"].all()
    assert (g["loglik"] >= pois.llf - 1e-6).all()  # σ = 0 is inside the GLMM's parameter space
    assert (g["n_groups"] == 12).all() and g["sd_prefecture"].iloc[0] > 0


def test_q2_monte_carlo_rule_and_p_floor(frame):
    need = q.q2_need(frame, q.design_terms(frame), n_boot=500, n_perm=199, seed=1)
    assert need["rule_met"].all()
    assert (need[["rr_mc_se_low", "rr_mc_se_high"]].max(axis=1) < 0.005).all()
    assert (need["n_boot"] > 500).all() and (need["n_perm"] > 199).all()  # the rule asked for more draws
    from study.models.montecarlo import format_p

    assert format_p(1 / 5000, 4999) == "< 0.0002"


def test_tests_table_holm_by_statsmodels(frame, params, tables):
    s = q.analyse_staffing(tables, params)
    t = s.tests
    assert (t.groupby("question")["role"].apply(lambda r: (r == "primary").sum()) == 1).all()
    sec = t[(t["question"] == "Q1") & (t["role"] == "secondary")]
    assert sec["p_holm"].to_numpy() == pytest.approx(multipletests(sec["p_value"], method="holm")[1])
    top = s.implementers.iloc[0]
    p = stats.binomtest(int(top["count"]), int(top["n"]), 0.5).pvalue
    assert t.set_index("name").loc["binom_top_implementer", "p_value"] == pytest.approx(p)


def test_q2_terms_add_the_two_rates_once():
    rates = ["aging_rate_pct", "welfare_rate_permille"]
    assert q.q2_terms(["log_exposure", "design_per_site"]) == ["log_exposure", "design_per_site", *rates]
    assert q.q2_terms(["log_exposure", "welfare_rate_permille"]) == ["log_exposure", *rates[::-1]]


def test_power_rows(frame):
    pw = q.power_table(frame, q.design_terms(frame), n_sim=60, seed=3).set_index("name")
    assert pw.loc["mde_log_exposure_up", "estimate"] > 1 > pw.loc["mde_log_exposure_down", "estimate"]
    assert pw.loc["mde_aging_rate_pct_up", "estimate"] > 1 > pw.loc["mde_aging_rate_pct_down", "estimate"]
    eq = pw.loc["equivalence_aging_rate_pct"]
    assert eq["ci_low"] < eq["estimate"] < eq["ci_high"] and eq["delta_rr_low"] <= eq["ci_low"]


def test_frame_export_and_its_glossary(frame):
    tab = q.frame_table(frame, q.design_terms(frame))
    g = q.frame_glossary(tab.columns)
    assert list(g["column"]) == list(tab.columns) and g["english"].str.len().gt(0).all()
    assert {"entity_id", "name", "exposure_population", "log_exposure", "design_per_site"} <= set(tab.columns)


def test_removed_parameter_names_its_replacement(tmp_path):
    f = tmp_path / "old.yaml"
    f.write_text("notebook: 10_staffing\nparameters:\n  exclude_hub_plans: true\n", encoding="utf-8")
    with pytest.raises(ParamsError) as e:
        load_param_set(f)
    msg = str(e.value)
    assert "\n" not in msg and "exclude_hub_plans" in msg and "replaced by" in msg and "staffing_design" in msg


def test_kaken_comparison_by_hand_and_scipy():
    from study.analysis import audit, prose

    t = audit.load_tables()
    e = audit.select_entities(t.entities, False)
    row = audit.staffing_published_comparison(e).iloc[0]
    x = pd.to_numeric(e.loc[e["level"] == "municipality", "staff_planned"]).dropna().to_numpy(float)
    assert row["n"] == 49 == len(x)
    assert row["mean"] == pytest.approx(x.sum() / 49) and row["mean"] == pytest.approx(3.9367, abs=1e-4)
    assert row["sd"] == pytest.approx(5.2970, abs=1e-4)
    welch = stats.ttest_ind_from_stats(row["mean"], row["sd"], 49, 3.39, 4.99, 91, equal_var=False)
    assert row["welch_p"] == pytest.approx(welch.pvalue, rel=1e-9)
    res = audit.headline_results(t, e, audit.reference_comparison(e, 200, 1, 0.95), 0.95)
    for lang, words in (("en", ("FY2021–22", "programme", "3.39")), ("ja", ("2021–22年度", "重層的支援体制整備事業"))):
        txt = " ".join(prose.findings("00_data_audit", res, lang)["audit"])
        assert all(w in txt for w in words) and "3.94" in txt


def test_random_numbers_print_only_the_digits_their_monte_carlo_error_allows():
    from study.analysis.prose import headline_frame, mc_num

    assert mc_num(0.53006, 0.00765, 2) == "0.5"  # 0.00765 ≥ half a unit of the 2nd decimal (0.005)
    assert mc_num(0.53006, 0.004, 2) == "0.53" and mc_num(1.79667, 0.0209, 2) == "1.8"
    assert mc_num(0.53006, None, 2) == "0.53"
    rec = {"name": "mde_aging_rate_pct_down", "estimate": 0.53006, "interval": None, "n": 49, "unit": "ratio"}
    assert headline_frame([{**rec, "mc_se": 0.00765}], "en").iloc[0, 1] == "0.5"


def _q2_records(lo: float, hi: float, mc: float, p: float, b: int) -> list[dict]:
    return [
        {"name": "rate_ratio_aging_rate_pct_per10", "estimate": (lo + hi) / 2, "interval": [lo, hi], "n": 49,
         "unit": "ratio", "method": "bca, B = 50000", "reference": 1.0, "mc_se": mc},
        {"name": "p_perm_aging_rate_pct", "estimate": p, "interval": None, "n": 49, "unit": "p",
         "method": f"regressor-residual permutation, B = {b}", "reference": None, "mc_se": 0.001},
        {"name": "test_perm_aging_rate_pct", "estimate": p, "interval": None, "n": 49, "unit": "p",
         "method": "primary (Q2)", "reference": None},
    ]  # fmt: skip


def test_q2_wording_is_generated_from_the_interval_and_its_monte_carlo_error():
    from study.analysis import prose

    def q2(recs, lang="en"):
        return prose.findings("10_staffing", recs, lang)["Q2"][0]

    near = q2(_q2_records(1.004, 1.9, 0.003, 0.04, 4999))  # low bound 1.3 MC SEs above 1
    assert "borderline" in near and "primary test" in near
    assert "境界的" in q2(_q2_records(1.004, 1.9, 0.003, 0.04, 4999), "ja")
    clear = q2(_q2_records(1.2, 1.9, 0.003, 0.01, 4999))
    assert ": an association." in clear
    floor = q2(_q2_records(1.2, 1.9, 0.003, 1 / 5000, 4999))
    assert "p < 1/(B+1) = 0.0002" in floor
    assert "no clear association" in q2(_q2_records(0.6, 1.9, 0.003, 0.5, 4999))
