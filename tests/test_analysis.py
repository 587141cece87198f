"""study.analysis: the question modules of the analysis notebooks (tables with n, figures, headline numbers),
the shared tables, glossary and figure helpers, and the question registry."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from study.analysis import multiverse, prose, registry
from study.analysis import robustness as q_robustness
from study.analysis import staffing as q_staffing
from study.analysis import targets as q_targets
from study.analysis import typology as q_typology
from study.analysis.codebook import glossary
from study.analysis.figures import fig_forest
from study.analysis.plotting import text
from study.analysis.tables import exclusions_table, load_frame, load_tables, rounded


@pytest.fixture(scope="module")
def tables():
    return load_tables()


@pytest.fixture(scope="module")
def staffing(tables):
    p = registry.parameters("10_staffing", {"bootstrap_draws": 200, "permutations": 199, "max_draws": 400})
    return q_staffing.analyse_staffing(tables, p)


def test_text_and_languages():
    assert text("population", "en").startswith("population (")
    assert "人" in text("population", "ja")
    assert text("rr_aging_rate_pct", "en") == "aging rate (per 10 percentage points)"
    assert text("aging_rate_pct", "en") == "aging rate, share aged 65+ (%)"  # from study.analysis.plotting
    assert text("count", "ja") == "件数(件)"  # falls back to study.analysis.plotting
    with pytest.raises(ValueError):
        text("population", "fr")


def test_glossary_from_codebook():
    g = glossary(["staff_planned", "aging_rate_pct"])
    assert list(g.columns) == ["term_ja", "english", "column", "unit"]
    assert g.loc[1, "term_ja"] == "高齢化率" and g.loc[1, "unit"] == "%"
    with pytest.raises(KeyError):
        glossary(["not_a_column"])


def test_load_frame_and_exclusions(tables):
    af = load_frame(tables)
    assert af.n == 49 and af.data["level"].eq("municipality").all()
    ex = exclusions_table(af)
    assert set(ex["n_analysed"]) == {49} and ex["n_excluded"].sum() == len(af.excluded)
    assert load_frame(tables, require=("population",)).n == 57


def test_rounded_keeps_nan_and_ints():
    df = rounded(pd.DataFrame({"a": [1.23456789, np.nan], "b": [1, 2]}))
    assert df["a"].iloc[0] == 1.23457 and np.isnan(df["a"].iloc[1]) and df["b"].tolist() == [1, 2]


def test_staffing_tables(staffing):
    s = staffing
    assert list(s.scale["name"]) == ["hc3", "ql", "negbin"] and s.scale["role"].iloc[0] == "primary"
    assert (s.scale["n"] == 49).all() and (s.scale["ci_low"] < s.scale["estimate"]).all()
    assert s.terms == ["log_exposure", "design_per_site", "design_designated_existing"]
    hc3, ql = s.scale.iloc[0], s.scale.iloc[1]
    assert hc3["estimate"] == pytest.approx(ql["estimate"])
    assert hc3["ci_high"] - hc3["ci_low"] > ql["ci_high"] - ql["ci_low"]  # the robust interval is the wider here
    assert s.influence["cooks_d"].is_monotonic_decreasing and s.influence["over_cutoff"].sum() == 5
    assert list(s.need["name"]) == ["aging_rate_pct", "welfare_rate_permille"] and (s.need["n"] == 49).all()
    assert (s.need["rr_low"] <= s.need["rate_ratio"]).all() and (s.need["per"] == 10).all()
    assert list(s.medians["name"]) == list(q_staffing.Q3_COLUMNS) and (s.medians["n"] > 40).all()
    assert s.implementers["estimate"].sum() == pytest.approx(1.0) and s.implementers["estimate"].is_monotonic_decreasing
    assert set(s.analysis_table["entity_id"]) == set(s.frame.data["entity_id"]) and len(s.analysis_table) == 49


def test_staffing_options(tables):
    p = registry.parameters(
        "10_staffing",
        {
            "bootstrap_draws": 100,
            "permutations": 99,
            "design": "single_team_only",
            "family": "negbin",
            "covariates": ["log_density"],
            "power_simulations": 50,
            "max_draws": 200,
        },
    )
    s = q_staffing.analyse_staffing(tables, p)
    assert s.frame.n == 37 and s.terms == ["log_exposure", "log_density"]
    assert (s.frame.data["design"] == "single_team").all()
    assert "log_density" in s.need["covariates"].iloc[0]
    assert s.institutions_frame.n == 57  # Q3 describes every plan whatever the stratification


def test_staffing_results_and_text(staffing):
    res = q_staffing.staffing_headline(staffing)
    names = [r["name"] for r in res]
    assert len(names) == len(set(names))
    by = {r["name"]: r for r in res}
    assert by["beta_hc3"]["n"] == 49 and by["beta_hc3"]["reference"] == 1.0
    assert by["beta_hc3"]["method"].startswith("primary") and by["beta_ql"]["method"].startswith("secondary")
    assert all(r["n"] is not None for r in res)
    assert by["rate_ratio_aging_rate_pct_per10"]["mc_se"] > 0 and by["p_perm_aging_rate_pct"]["mc_se"] > 0
    lo, hi = by["rate_ratio_aging_rate_pct_per10"]["interval"]
    assert lo <= by["rate_ratio_aging_rate_pct_per10"]["estimate"] <= hi
    primaries = [r["name"] for r in res if r["name"].startswith("test_") and r["method"].startswith("primary")]
    assert primaries == ["test_beta_eq_1_hc3", "test_perm_aging_rate_pct", "test_binom_top_implementer"]
    found = prose.findings("10_staffing", res, "en")
    txt = " ".join(s for v in found.values() for s in v)
    assert set(found) == {"Q1", "Q2", "Q3"} and "β is 0.064 [" in txt and "n = 49 plans" in txt
    assert "Without the design indicators β is 0.26 [" in txt
    ja = prose.findings_markdown("10_staffing", res, "ja")
    assert "分析結果からわかること" in ja and "aging_rate_pct" not in ja and "welfare_rate_permille" not in ja


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_staffing_figures(staffing, lang):
    import matplotlib.pyplot as plt

    s = staffing
    f1 = q_staffing.fig_scale(s.frame.data, s.scale, lang)
    ax = f1.axes[0]
    assert ax.get_xlabel() == q_staffing.label("exposure_population", lang) and "n = 49" in ax.get_title()
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert [x.rsplit("(n = ", 1)[1] for x in legend] == ["37)", "8)", "4)"]  # one entry per design
    f2 = fig_forest(s.scale, lang, text("elasticity", lang), 1.0, "ref", q_staffing.scale_labels(s.scale, lang))
    assert all("(n = 49)" in " ".join(t.get_text().split()) for t in f2.axes[0].get_yticklabels())  # labels wrap
    f3 = q_staffing.fig_influence(s.influence, float(s.influence_summary["estimate"].iloc[0]), lang)
    assert f3.axes[0].get_xlabel() == text("cooks_d", lang) and "n = 49" in f3._suptitle.get_text()
    f4 = q_staffing.fig_rootogram(s.models, lang)
    assert len(f4.axes) == 5 and "n = 49" in f4._suptitle.get_text()
    for f in (f1, f2, f3, f4):
        plt.close(f)


def test_notebook_params_validates():
    ns = {"family": "negbin", "seed": 3, "unrelated": 1}
    p = registry.notebook_params("10_staffing", ns)
    assert p.family == "negbin" and p.seed == 3 and p.bootstrap_draws == 2000 and not hasattr(p, "unrelated")
    with pytest.raises(ValueError):  # pydantic.ValidationError is a ValueError
        registry.notebook_params("10_staffing", {"family": "ols"})


def test_headline_matches_staffing_results(tables):
    p = {"bootstrap_draws": 200, "permutations": 199, "max_draws": 400, "power_simulations": 50}
    a = registry.headline("10_staffing", p)
    b = q_staffing.staffing_headline(q_staffing.analyse_staffing(tables, registry.parameters("10_staffing", p)))
    assert a == b
    with pytest.raises(KeyError):
        registry.headline("00_data_audit")


# --- 20_targets ----------------------------------------------------------------


@pytest.fixture(scope="module")
def targets(tables):
    fast = {"bootstrap_draws": 200, "cv_repeats": 5, "auc_permutations": 99, "auc_bootstrap": 20}
    return q_targets.analyse_targets(tables, registry.parameters("20_targets", fast))


def test_plan_commitments_keeps_the_targets_of_the_frame_plans():
    frame = pd.DataFrame({"entity_id": [12, 34]})  # ids as numbers: compared as text
    tg = pd.DataFrame(
        {
            "entity_id": ["12", "56", "34", "12", "34"],
            "role": ["target", "target", "target", "scope", None],
            "kind": ["a", "b", "c", "d", "e"],
        }
    )
    out = q_targets.plan_commitments(frame, tg)
    assert list(out["kind"]) == ["a", "c"]  # 56 is not in the frame; scope and unknown roles are not targets
    assert list(out["entity_id"]) == ["12", "34"] and all(isinstance(v, str) for v in out["entity_id"])
    assert q_targets.plan_commitments(frame.iloc[:0], tg).empty


def test_log_pop_first():
    assert q_targets.log_pop_first(["a", "log_pop", "b"]) == ["log_pop", "a", "b"]
    assert q_targets.log_pop_first(("a",)) == ["log_pop", "a"]
    assert q_targets.log_pop_first([]) == ["log_pop"]


def test_target_shares_by_hand(tables):
    frame = pd.DataFrame(
        {
            "entity_id": ["1", "2", "3", "4"],
            "n_quantified_targets": [0, 2, 1, 3],
            "has_outcome_target": [0.0, 1.0, 0.0, 1.0],
            "implements_takikan": [1.0, 1.0, 0.0, 1.0],
        }
    )
    # the last two rows are not targets (a scope and a capacity, as targets.csv prints is_target): they never count
    tg = pd.DataFrame(
        {
            "entity_id": ["2", "2", "4", "3", "1", "4"],
            "project": ["takikan", "chiikiryoku", "chiikiryoku", "takikan", "takikan", "takikan"],
            "target_group": ["outcome", "activity", "outcome", "outcome", "outcome", "outcome"],
            "kind": ["consultations", "meetings", "cases_plans", "consultations", "consultations", "consultations"],
            "is_target": ["True", "True", "True", "True", "False", "False"],
        }
    )
    s = q_targets.target_shares(frame, tg).set_index("name")
    assert s.loc["any_quantified_target", "count"] == 3 and s.loc["any_quantified_target", "n"] == 4
    assert s.loc["takikan_any_target", "n"] == 3 and s.loc["takikan_any_target", "count"] == 1  # plan 3 does not run it
    assert s.loc["takikan_any_target", "reference"] == q_targets.NATIONAL_SHARE_WITH_TARGET
    assert s.loc["consultation_target", "count"] == 2  # plans 2 and 3 (plans 1 and 4 only by their non-target rows)
    assert s.loc["takikan_outcome_target", "count"] == 1
    k = q_targets.target_kinds(frame, tg).set_index("kind")
    assert k.loc["consultations", "targets"] == 2 and k["targets"].sum() == 4
    assert (s["ci_low"] <= s["estimate"]).all() and (s["estimate"] <= s["ci_high"]).all()
    c = q_targets.target_counts(frame)
    assert c["plans"].sum() == 4 and set(c["n"]) == {4}


def test_targets_tables(targets):
    t = targets
    s = t.shares.set_index("name")
    assert s.loc["any_quantified_target", "n"] == 57 and s.loc["any_quantified_target", "estimate"] > 0.8
    assert (
        s.loc["takikan_any_target", "n"] == 51
        and s.loc["takikan_any_target", "ci_low"] > q_targets.NATIONAL_SHARE_WITH_TARGET
    )
    assert s.loc["outcome_target", "estimate"] < s.loc["any_quantified_target", "estimate"]
    assert t.counts["plans"].sum() == 57 and t.kinds["targets"].is_monotonic_decreasing
    assert list(t.count_model["name"]) == ["log_pop"] and t.count_model["per"].iloc[0] == "doubling"
    assert t.count_model["rate_ratio"].iloc[0] == pytest.approx(2 ** t.count_model["estimate"].iloc[0])
    assert list(t.outcome_model["name"]) == ["log_pop", "aging_rate_pct", "welfare_rate_permille"]
    assert (t.outcome_model["or_low"] < t.outcome_model["odds_ratio"]).all() and (
        t.outcome_model["n_events"] == 31
    ).all()
    assert list(t.auc["name"]) == ["model", "baseline", "difference"]
    a = t.auc.set_index("name")
    assert a.loc["difference", "estimate"] == pytest.approx(a.loc["model", "estimate"] - a.loc["baseline", "estimate"])
    assert (a["n_perm"] == 99).all() and (a["p_floor"] == 0.01).all() and (a["n"] == 56).all()
    assert (a["ci_low"] <= a["estimate"]).all() and (a["estimate"] <= a["ci_high"]).all()
    assert (t.consultations["rate"] > 0).all() and t.consultations["rate"].is_monotonic_increasing
    assert t.consultation_median["n"].iloc[0] == len(t.consultations)


def test_targets_results_and_text(targets):
    res = q_targets.targets_headline(targets)
    by = {r["name"]: r for r in res}
    assert len(by) == len(res) and all(r["n"] for r in res)
    assert by["share_takikan_any_target"]["reference"] == 0.2 and by["share_outcome_target"]["reference"] is None
    assert by["outcome_target_auc_model"]["n"] == 56
    d = by["outcome_target_auc_difference"]
    assert d["test_role"] == "primary" and d["n_draws"] == 99 and d["p_floor"] == 0.01 and d["mc_se"] >= 0
    assert [r["name"] for r in res if r.get("test_role") == "primary"] == ["outcome_target_auc_difference"]
    assert all(r.get("p_holm") is not None for r in res if r.get("test_role") == "secondary")
    txt = registry.question("20_targets").text(targets)
    assert txt.startswith("**Q4 —") and "about 20% set one" in txt and "outcome target" in txt
    assert "重層的支援体制整備事業" in txt and "事業の成果目標" in txt and "the primary test" in txt
    assert ("an improvement over population alone" in txt) == (d["p_value"] < 0.05)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_targets_figures(targets, lang):
    import matplotlib.pyplot as plt

    f1 = q_targets.fig_target_counts(targets.counts, lang)
    assert f1.axes[0].get_xlabel() == text("n_targets", lang) and "n = 57" in f1.axes[0].get_title()
    f2 = q_targets.fig_target_shares(targets.shares, lang)
    assert f2.axes[0].get_xlim() == (0, 100) and any(
        "(n = 51)" in " ".join(t.get_text().split()) for t in f2.axes[0].get_yticklabels()
    )
    f3 = q_targets.fig_consultations(targets.consultations, lang)
    assert f3.axes[0].get_xscale() == "log" and f"n = {len(targets.consultations)}" in f3.axes[0].get_title()
    for f in (f1, f2, f3):
        plt.close(f)


def test_targets_options(tables):
    p = registry.parameters(
        "20_targets",
        {
            "bootstrap_draws": 100,
            "family": "poisson_ql",
            "count_covariates": ["aging_rate_pct"],
            "cv_method": "loo",
            "auc_permutations": 19,
            "auc_bootstrap": 0,
        },
    )
    t = q_targets.analyse_targets(tables, p)
    assert t.frame.n == 57 and list(t.count_model["name"]) == ["log_pop", "aging_rate_pct"]
    assert t.count_model["per"].tolist() == ["doubling", "unit"]
    assert t.auc["method"].str.startswith("leave-one-out").all() and (t.auc["split_mc_se"] == 0).all()


# --- 30_typology ----------------------------------------------------------------


@pytest.fixture(scope="module")
def typ(tables):
    return q_typology.analyse_typology(
        tables, registry.parameters("30_typology", {"stability_draws": 20, "bootstrap_draws": 200, "permutations": 199})
    )


def test_typology_tables(typ):
    r = typ
    assert r.frame.n == 57 and r.k_chosen and r.k in r.choice["k"].tolist()
    assert r.choice["k"].tolist() == list(range(2, q_typology.MAX_K + 1)) and (r.choice["n"] == 57).all()
    assert r.profile["n"].sum() == 57 and r.profile["share"].sum() == pytest.approx(1.0)
    assert set(r.comparisons["outcome"]) == set(q_typology.Q5_OUTCOMES)
    assert (r.comparisons["ci_low"] <= r.comparisons["estimate"]).all()
    assert r.comparisons.loc[r.comparisons["outcome"] == "staff_per_100k", "n"].sum() == 49
    assert list(r.tests["n_perm"]) == [199] * 3 and (r.tests["p_value"] > 0).all()
    # size-free features; each cluster named in both languages (never a number) with its median log population
    assert "log_pop" not in r.typology.features and r.profile["median_log_pop"].notna().all()
    assert r.profile["name_ja"].is_unique and r.profile["name_en"].is_unique
    assert not r.profile["name_en"].str.contains(r"\d").any()
    assert r.beyond["n"].iloc[0] == 49 and r.beyond["df"].iloc[0] == r.k - 1


def test_typology_fixed_k_and_results(tables, typ):
    r = q_typology.analyse_typology(
        tables,
        registry.parameters(
            "30_typology", {"k": 3, "method": "ward", "stability_draws": 20, "bootstrap_draws": 100, "permutations": 99}
        ),
    )
    assert r.k == 3 and not r.k_chosen and len(r.profile) == 3
    res = q_typology.typology_headline(typ)
    by = {x["name"]: x for x in res}
    assert by["k"]["estimate"] == typ.k and by["stability_ari"]["interval"][0] <= by["stability_ari"]["estimate"]
    assert by["p_perm_staff_per_100k"]["n"] == 49 and len(by) == len(res)
    assert by["clusters_beyond_population_lr"]["test_role"] == "primary"
    assert (
        by["p_perm_staff_per_100k"]["test_role"] == "secondary"
        and by["p_perm_staff_per_100k"]["p_holm"] >= (by["p_perm_staff_per_100k"]["p_value"])
    )
    txt = registry.question("30_typology").text(typ)
    assert txt.startswith("**Q5 —") and f"fall into {typ.k} clusters" in txt and "permutation p" in txt
    assert "median population" in txt and "the primary test" in txt and "cluster 1" not in txt


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_typology_figures(typ, lang):
    import matplotlib.pyplot as plt

    f1 = q_typology.fig_choose_k(typ.choice, typ.k, lang)
    assert f1.axes[0].get_xlabel() == text("k", lang) and "n = 57" in f1._suptitle.get_text()
    f2 = q_typology.fig_pca_map(typ, lang)
    assert f2.axes[0].get_xlabel().startswith("PC1") and "n = 57" in f2.axes[0].get_title()
    f3 = q_typology.fig_cluster_outcomes(typ, lang)
    assert len(f3.axes) == 3 and all("(n = " in t.get_text() for t in f3.axes[0].get_xticklabels())
    assert "".join(f3.axes[0].get_ylabel().split()) == "".join(text("staff_per_100k", lang).split())  # wrapped, not cut
    for f in (f1, f2, f3):
        plt.close(f)


# --- 40_robustness ----------------------------------------------------------------


@pytest.fixture(scope="module")
def spec(tables):
    return q_robustness.analyse_robustness(
        tables,
        registry.parameters(
            "40_robustness",
            {
                "permutations": 50,
                "covariate_sets": ["population", "need"],
                "designs": ["all", "single_team_unclear_in"],
            },
        ),
    )


def test_robustness_curve(spec):
    sp = spec.specs
    # staffing × exclusions × designs × exposures × (population + need × 2 welfare readings)
    assert len(sp) == 3 * 2 * 2 * 2 * (1 + 2)
    assert sp["estimate"].is_monotonic_increasing and sp["rank"].tolist() == list(range(1, len(sp) + 1))
    assert set(sp["family"]) == {"poisson_ql"} and sp["n"].between(32, 49).all()
    assert sp["weight"].sum() == pytest.approx(1.0) and len(spec.sizes.per_spec) == len(sp)
    assert {"null_low", "null_median", "null_high"} <= set(spec.null_curve.columns)
    cs = q_robustness.choice_summary(spec)
    assert set(cs["choice"]) == set(q_robustness.SPEC_CHOICES)
    for choice, g in cs.groupby("choice"):
        assert g["n_specs"].sum() == len(sp), choice


def test_robustness_results_and_text(spec, tables):
    res = q_robustness.robustness_headline(spec)
    by = {r["name"]: r for r in res}
    s = spec.summary.iloc[0]
    assert by["spec_median_beta"]["estimate"] == pytest.approx(spec.inference["estimate"].iloc[0], rel=1e-5)
    assert by["spec_median_beta"]["interval"] == pytest.approx([s["ci_low"], s["ci_high"]], rel=1e-5)
    assert by["spec_n_specs"]["estimate"] == len(spec.specs) and 0 <= by["spec_share_excluding_zero"]["estimate"] <= 1
    assert by["spec_p_median"]["test_role"] == "primary" and by["spec_p_same_sign"]["test_role"] == "secondary"
    txt = registry.question("40_robustness").text(spec)
    assert txt.startswith("**Q6 —") and f"Over {len(spec.specs)} specifications" in txt and "null curve" in txt
    none = q_robustness.analyse_robustness(
        tables,
        registry.parameters(
            "40_robustness",
            {
                "permutations": 0,
                "staffing_measures": ["as_printed"],
                "exclusions": ["none"],
                "covariate_sets": ["population"],
                "designs": ["all"],
                "exposures": ["population"],
            },
        ),
    )
    assert len(none.specs) == 1 and "spec_p_median" not in {r["name"] for r in q_robustness.robustness_headline(none)}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_robustness_figure(spec, lang):
    import matplotlib.pyplot as plt

    fig = q_robustness.fig_spec_curve(spec, lang)
    top, bottom = fig.axes
    assert top.get_ylabel() == text("elasticity_short", lang) and bottom.get_xlabel() == text("rank", lang)
    assert "n = " in top.get_title() and len(bottom.get_yticklabels()) >= 10
    plt.close(fig)


def test_forest_log_axis_has_plain_tick_labels(targets):
    import matplotlib.pyplot as plt

    fig = fig_forest(
        targets.outcome_model, "en", "odds ratio", 1.0, "", log=True, est="odds_ratio", lo="or_low", hi="or_high"
    )
    fig.canvas.draw()
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels() if t.get_text()]
    assert "1" in labels and not any("times" in s or "^" in s for s in labels)
    plt.close(fig)


# --- registry, layers, the notebook helper -------------------------------------------


def test_registry_matches_the_runner():
    from study.runner.registry import get_model

    for name, q in registry.QUESTIONS.items():
        assert get_model(name) is q.params, name
        assert q.notebook == name
    with pytest.raises(KeyError):
        registry.parameters("00_data_audit")
    assert registry.question("50_multiverse").text is multiverse.multiverse_text  # its own summary lines


def test_a_question_without_its_own_text_says_its_headline_in_words(monkeypatch):
    calls = []
    monkeypatch.setattr(prose, "findings_markdown", lambda *a, **k: calls.append((a, k)) or "words")
    head = [{"name": "x", "estimate": 1.0}]
    q = registry._question("20_targets", registry.TargetsParams, lambda t, p: "results", lambda r: head)
    assert q.text("results") == "words"
    assert calls == [(("20_targets", head, "en"), {"heading": False})]  # English, no heading
    own = registry._question("20_targets", registry.TargetsParams, lambda t, p: 0, lambda r: head, lambda r: "own")
    assert own.text(0) == "own" and len(calls) == 1


def test_analysis_never_imports_the_runner():
    import ast
    from pathlib import Path

    import study.analysis

    for path in Path(study.analysis.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            assert not any(n.startswith(("study.runner", "study.cli")) for n in names), f"{path.name} imports {names}"
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("study."):
                assert not any(a.name.startswith("_") for a in node.names), f"{path.name}: private import {node.module}"


def test_publish_rounds_saves_and_shows(tmp_path, monkeypatch):
    import matplotlib.pyplot as plt

    from study.runner import context

    shown = []
    monkeypatch.setattr("study.analysis.plotting.show", lambda fig, saved=None: shown.append(saved))
    monkeypatch.setenv(context.ENV_RUN_DIR, str(tmp_path))
    df = pd.DataFrame({"name": ["a"], "estimate": [1.23456789]})
    fig, _ = plt.subplots()
    out = context.publish("t1", df, figure=fig, figure_name="f1")
    assert out["estimate"].iloc[0] == 1.23457 and df["estimate"].iloc[0] == 1.23456789  # the input is not changed
    assert (tmp_path / "tables" / "t1.csv").read_text(encoding="utf-8") == "name,estimate\na,1.23457\n"
    assert {p.name for p in (tmp_path / "figures").iterdir()} == {"f1.png", "f1.svg"}
    assert [p.name for p in shown[0]] == ["f1.png", "f1.svg"]
    assert context.publish("t2", df, round_table=False) is df
    assert (tmp_path / "tables" / "t2.csv").read_text(encoding="utf-8") == "name,estimate\na,1.23456789\n"
    assert context.publish("f2", figure=plt.figure()) is None and (tmp_path / "figures" / "f2.png").is_file()
    plt.close("all")


def test_recorded_results_name_their_notebook(tmp_path, monkeypatch):
    import json

    from study.runner import context

    monkeypatch.setenv(context.ENV_RUN_DIR, str(tmp_path))
    monkeypatch.setenv(context.ENV_NOTEBOOK, "10_staffing")
    rec = q_staffing.headline_result("x", 0.1234567891, n=3, interval=(0.1, 0.2), unit="share")
    assert list(rec) == ["name", "label", "estimate", "interval", "n", "unit", "method", "reference"]
    path = context.record_results([rec])
    (got,) = json.loads(path.read_text(encoding="utf-8"))
    assert list(got) == [*rec, "notebook"] and got["notebook"] == "10_staffing" and got["estimate"] == 0.123457
    assert context.result("x", 1, n=1) == {**q_staffing.headline_result("x", 1, n=1), "notebook": "10_staffing"}
