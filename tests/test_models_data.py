"""The municipal analysis frame: sample, exclusions, staffing measures, welfare readings, derived columns."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from study.models.frame import analysis_frame, from_clean, headcount, printed_welfare_permille


@pytest.fixture(scope="module")
def clean(bundled):
    return bundled


def _row(frame, name):
    r = frame.data[frame.data["name"] == name]
    assert len(r) == 1, name
    return r.iloc[0]


def test_default_sample_is_municipal_plans_with_a_staff_figure(clean):
    f = analysis_frame(clean.entities, clean.corrections)
    assert f.n == 49
    assert (f.data["level"] == "municipality").all()
    assert f.data["staff"].notna().all() and f.data["population"].notna().all()
    reasons = f.excluded["reason"].value_counts()
    assert reasons["prefecture plan (include_prefectures=False)"] == 6
    assert reasons["staff missing"] == 8
    assert len(f.excluded) + f.n == len(clean.entities)
    assert f.options["staffing"] == "as_printed"


def test_all_municipal_plans_when_only_population_required(clean):
    f = analysis_frame(clean.entities, clean.corrections, require=("population",))
    assert f.n == 57
    g = analysis_frame(clean.entities, clean.corrections, include_prefectures=True, require=("population",))
    assert g.n == 63
    assert set(g.data.loc[g.data["level"] == "prefecture", "name"]) >= {"東京都", "埼玉県"}


def test_design_exclusions_follow_the_clean_coding(clean):
    # the plans the data issue's hand reading codes designated_existing (盛岡 ④ 専任1名・兼任19人,
    # ひたちなか, 世田谷 28 = one per centre, 調布); all four print staff and population
    f = analysis_frame(clean.entities, clean.corrections, exclude_designs=["designated_existing"])
    ex = f.excluded
    hit = ex["reason"] == "staffing design designated_existing (exclude_designs)"
    assert set(ex.loc[hit, "name"]) == {"盛岡市", "ひたちなか市", "世田谷区", "調布市"}
    assert f.n == 49 - 4 and "hub_plan" not in f.data.columns
    assert f.options["exclude_designs"] == ["designated_existing"]
    with pytest.raises(ValueError, match="exclude_designs"):
        analysis_frame(clean.entities, clean.corrections, exclude_designs=["hub"])


def test_exclusions_are_logged(clean):
    f = analysis_frame(
        clean.entities, clean.corrections, exclude_zero_staff=True, exclude_designs=("designated_existing", "per_site")
    )
    ex = f.excluded
    # 12 plans of the staffing sample staff by site or designate existing staff (千葉市 is per_site but prints no
    # staff figure: it drops for its design, the first rule it meets)
    by_design = ex.loc[ex["reason"].str.contains("exclude_designs"), "name"]
    assert len(by_design) == 13 and {"江戸川区", "豊島区", "千葉市", "世田谷区"} <= set(by_design)
    assert f.n == 49 - 1 - 12
    assert list(ex.loc[ex["reason"].str.contains("no 推進員"), "name"]) == ["札幌市"]


def test_staffing_measures(clean):
    printed = analysis_frame(clean.entities, clean.corrections)
    head = analysis_frame(clean.entities, clean.corrections, staffing="headcount")
    whole = analysis_frame(clean.entities, clean.corrections, staffing="exclude_fractional")
    assert _row(printed, "松戸市")["staff"] == 3.5 and _row(head, "松戸市")["staff"] == 4
    assert _row(printed, "芝山町")["staff"] == 1.4 and _row(head, "芝山町")["staff"] == 2
    assert _row(head, "世田谷区")["staff"] == 28  # whole numbers unchanged
    assert whole.n == 47
    assert set(whole.excluded.loc[whole.excluded["reason"].str.contains("fractional"), "name"]) == {"松戸市", "芝山町"}
    assert printed.data["staff_fractional"].sum() == 2
    assert headcount(3.5) == 4 and headcount(2.0) == 2 and math.isnan(headcount(float("nan")))


def test_welfare_printed_reading_undoes_only_unit_meaning_corrections(clean):
    cor = analysis_frame(clean.entities, clean.corrections)
    pr = analysis_frame(clean.entities, clean.corrections, welfare="printed")
    # 12.3 (%) read as ‰ by percent_sign_on_permille_value; printed reading is 12.3 % = 123 ‰
    assert _row(cor, "津別町")["welfare_rate_permille"] == pytest.approx(12.3)
    assert _row(pr, "津別町")["welfare_rate_permille"] == pytest.approx(123.0)
    # 0.00831 (%) read as a fraction; printed reading 0.00831 % = 0.0831 ‰
    assert _row(cor, "鴨川市")["welfare_rate_permille"] == pytest.approx(8.31)
    assert _row(pr, "鴨川市")["welfare_rate_permille"] == pytest.approx(0.0831)
    # plain percent_to_permille: the same either way
    assert _row(pr, "釧路市")["welfare_rate_permille"] == pytest.approx(49.2)
    changed = cor.data["welfare_rate_permille"] != pr.data["welfare_rate_permille"]
    assert changed.sum() == cor.data["welfare_unit_corrected"].sum() == 10  # of 13 such corrections, 10 in the sample
    with pytest.raises(ValueError, match="corrections"):
        analysis_frame(clean.entities, welfare="printed")


def test_printed_welfare_parses_bracketed_notes():
    c = pd.DataFrame(
        {
            "entity_id": ["a", "b", "c"],
            "field": ["welfare_rate_permille"] * 3,
            "raw": ["11.1(%) (R1/7 現在)", "０．５ (%)", "1.2 (%)"],
            "rule": ["percent_sign_on_permille_value", "fraction_to_permille", "percent_to_permille"],
        }
    )
    assert printed_welfare_permille(c) == {"a": pytest.approx(111.0), "b": pytest.approx(5.0)}


def test_derived_columns(clean):
    f = analysis_frame(clean.entities, clean.corrections, require=("population",))
    r = _row(f, "釧路市")
    older = 168730 * 33.2 / 100
    assert r["older_pop"] == pytest.approx(older)
    assert r["hokatsu_per_10k_older"] == pytest.approx(7 / older * 1e4)
    assert r["hokatsu_outsourced_share"] == pytest.approx(5 / 7)
    assert r["log_pop"] == pytest.approx(np.log(168730))
    assert r["density"] == pytest.approx(168730 / 1362.9)
    assert r["staff_per_100k"] == pytest.approx(2 / 168730 * 1e5)
    # the split of 音威子府村 is unknown: no outsourced share
    assert np.isnan(_row(f, "音威子府村")["hokatsu_outsourced_share"])
    assert _row(f, "札幌市")["zero_staff"] == 1.0


def test_types_are_plain_and_new_columns_pass_through(clean):
    e = clean.entities.copy()
    e["n_quantified_targets"] = pd.array(range(len(e)), dtype="Int64")
    e["has_outcome_target"] = pd.array([True, False, None] * 21, dtype="boolean")
    e["implementer_type_takikan"] = pd.array(["shakyo", None, "direct"] * 21, dtype="string")
    f = analysis_frame(e, clean.corrections)
    assert f.data["n_quantified_targets"].dtype == np.float64
    assert set(f.data["has_outcome_target"].dropna().unique()) <= {0.0, 1.0}
    assert f.data["population"].dtype == np.float64 and f.data["implements_takikan"].dtype == np.float64
    assert not pd.api.types.is_numeric_dtype(f.data["implementer_type_takikan"])
    assert f.data["implementer_type_takikan"].iloc[0] == "shakyo"


def test_bad_options(clean):
    with pytest.raises(ValueError):
        analysis_frame(clean.entities, staffing="fte")
    with pytest.raises(ValueError):
        analysis_frame(clean.entities, welfare="raw")
    with pytest.raises(KeyError):
        analysis_frame(clean.entities, require=("no_such_column",))


def test_from_clean_runs_the_pipeline():
    assert from_clean().n == 49
