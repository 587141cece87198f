"""Staffing design (single_team / per_site / designated_existing / unclear) and staff_sites: every plan of the
bundled file coded other than single_team and a spread of single_team plans, each with the phrase that decided
it; rephrased variants in a mini plan so the rules hold for plans not seen."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from study.clean.fields.staffing_design import count_bodies
from study.clean.rules import RULE_ROWS

from plans import mini_plan
from study.clean.pipeline import clean_file

# --- the real file: every plan coded other than single_team ------------------------------------------------

#: name -> (design, staff_sites, a phrase of the evidence, its line)
NOT_SINGLE = {
    "遠野市": ("per_site", 3, "地区センター(公民館) 3箇所", 1066),
    "郡山市": ("per_site", 3, "2か所各2人", 2184),
    "那珂川町": ("per_site", 3, "東部福祉相談センター・中央福祉相談センター・西部福祉相談センター", 3349),
    "松戸市": (
        "per_site",
        4,
        "ア地域包括支援センター(明第1、小金原、五香松飛台) イ在宅医療・介護連携支援センター",
        3899,
    ),
    "千葉市": ("per_site", 6, "各区1名", 4135),
    "江戸川区": ("per_site", 9, "各なごみの家1名", 4614),
    "豊島区": ("per_site", 10, "豊島区民社会福祉協議会(CSW)、高齢者対策支援室", 4735),
    "狛江市": ("per_site", 2, "狛江市福祉相談課及び狛江市社会福祉協議会", 5077),
    "藤沢市": (
        "per_site",
        2,
        "直営: 藤沢市福祉健康部地域包括ケアシステム推進室 委託: 社会福祉法人藤沢市社会福祉協議会",
        5260,
    ),
    "盛岡市": ("designated_existing", 19, "兼任 19 人", 1431),
    "ひたちなか市": ("designated_existing", None, "相談支援包括化推進員を第2層地域福祉コーディネーターが兼任", 2422),
    "世田谷区": ("designated_existing", 28, "各地域包括支援センターの既存業務に追加", 4386),
    "調布市": ("designated_existing", None, "(地域福祉コーディネーターが兼務)を8人配置", 4824),
    "墨田区": ("unclear", None, "2拠点に1名", 4259),
}

#: a spread of single_team plans: name -> the ⑥ body that decided it
SINGLE = {
    "釧路市": "釧路市生活相談支援センターくらしごと",
    "仙台市": "仙台市社会福祉協議会太白区事務所",
    "石巻市": "福祉まるごと相談窓口 (石巻市包括ケアセンター",
    "須賀川市": "相談窓口(地域包括支援センター、相談支援事業所と併設)",  # a bracket about the body, not a list
    "小田原市": "小田原市社会福祉協議会・「福祉まるごと相談」窓口",  # ・ joining a body and its desk
    "芝山町": "芝山町くらしの相談室",  # 兼任 in ⑤, but at one body
    "野木町": "名称:野木町総合サポートセンター",  # 種類: 健康・福祉・子育て等 is not a list of bodies
    "湯沢市": "障害者相談支援事業所:ばあとなあ",
    "那珂市": "等の業務を所管",  # a bracket listing tasks, not sites
    "鳩山町": "鳩山町総合福祉センター",
    "八王子市": "社会福祉法人八王子市社会福祉協議会",
    "栃木市": "名称:地域包括ケア推進課",
}


@pytest.mark.parametrize("name", sorted(NOT_SINGLE))
def test_plans_not_single_team(entity, name):
    design, sites, phrase, line = NOT_SINGLE[name]
    row = entity(name)
    assert row["staffing_design"] == design
    assert phrase in row["staffing_design_evidence"]
    assert row["staffing_design_line"] == line
    assert pd.isna(row["staff_sites"]) if sites is None else row["staff_sites"] == sites


@pytest.mark.parametrize("name", sorted(SINGLE))
def test_single_team_plans(entity, name):
    row = entity(name)
    assert row["staffing_design"] == "single_team"
    assert SINGLE[name] in row["staffing_design_evidence"]
    assert row["staff_sites"] == 1


def test_every_plan_with_staff_is_coded(bundled):
    e = bundled.entities
    has_staff = e["implements_takikan"].fillna(False) & (e["staff_planned"].fillna(1) > 0)
    coded = e.loc[has_staff, "staffing_design"]
    assert coded.notna().all(), e.loc[has_staff & e["staffing_design"].isna(), "municipality"].tolist()
    # the full list of non-single_team plans is the one above: a new one must get a test
    others = set(e.loc[e["staffing_design"].fillna("single_team") != "single_team", "municipality"])
    assert others == set(NOT_SINGLE)
    # no 推進員 (札幌市: 配置は行わない) or no section 4: no design
    assert e.loc[e["municipality"] == "札幌市", "staffing_design"].isna().all()


def test_designation_fills_concurrent(entity):
    row = entity("調布市")
    assert (row["staff_planned"], row["staff_concurrent"], row["staff_dedicated"]) == (8, 8, 0)
    row = entity("盛岡市")  # printed split kept
    assert (row["staff_planned"], row["staff_dedicated"], row["staff_concurrent"]) == (20, 1, 19)


def test_design_is_logged_with_provenance(bundled):
    c, p, i = bundled.corrections, bundled.provenance, bundled.issues
    assert set(c.loc[c["field"] == "staffing_design", "rule"]) <= {
        r.id for r in RULE_ROWS if r.reader == "staffing_design"
    }
    sumida = bundled.entities.loc[bundled.entities["municipality"] == "墨田区", "entity_id"].iloc[0]
    assert ((i["entity_id"] == sumida) & (i["field"] == "staffing_design") & (i["check"] == "two_readings")).any()
    assert {"staffing_design", "staffing_design_evidence", "staffing_design_line", "staff_sites"} <= set(p["field"])
    assert not p.duplicated(["entity_id", "field"]).any()
    assert ((c["field"] == "staff_sites") & (c["rule"] == "staff_sites_count_listed")).any()
    assert ((c["field"] == "staff_concurrent") & (c["rule"] == "designation_fills_concurrent")).any()


# --- the list counter -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, n, exhaustive",
    [
        ("A センター、B センター、C センター", 3, True),
        ("A課及びB協議会", 2, True),
        ("ア地域包括支援センター(北、南) イ在宅医療支援センター", 3, True),
        ("・障がい(法人A, 法人B) ・子ども(法人C)", 3, True),
        ("直営: 市福祉課 委託: 社会福祉協議会", 2, True),
        ("東部センター・中央センター・西部センター", 3, True),
        ("社会福祉協議会・「まるごと相談」窓口", 1, True),
        ("相談窓口(地域包括支援センター、相談支援事業所と併設)", 1, True),
        ("種類:健康・福祉・子育て等の総合窓口 名称:町総合サポートセンター", 1, True),
        ("市福祉課、社会福祉協議会、地域包括支援センター等", 3, False),
    ],
)
def test_count_bodies(text, n, exhaustive):
    assert count_bodies(text) == (n, exhaustive)


# --- rephrased plans ---------------------------------------------------------------------------------------


def plan(staff: str, body: str = "町社会福祉協議会", background: str = "社会福祉士", sentence: str = "") -> str:
    """A one-entity plan with section 1-1 (3 地域包括支援センター) and section 4 items ③④⑤⑥."""
    return mini_plan(
        staff=staff, body=body, background=background, sentence=sentence, hokatsu="直営：3 か所，委託：0 か所"
    )


def design(tmp_path: Path, **kw: str):
    p = tmp_path / "plan.txt"
    p.write_text(plan(**kw), encoding="utf-8")
    r = clean_file(p)
    return r.entities.iloc[0], r


@pytest.mark.parametrize(
    "kw, expected, sites",
    [
        ({"staff": "3人(各センターに1名)", "body": "地域包括支援センター"}, "per_site", 3),
        ({"staff": "4人(1拠点1名)", "body": "東拠点、西拠点、南拠点、北拠点"}, "per_site", 4),
        ({"staff": "5人(中学校区ごとに1人)", "body": "各中学校区"}, "per_site", None),
        ({"staff": "3か所各2人", "body": "福祉相談窓口"}, "per_site", 3),
        ({"staff": "6人", "body": "福祉まるごと相談窓口 3箇所"}, "per_site", 3),
        ({"staff": "6人", "body": "A地区センター、B地区センター"}, "per_site", 2),
        ({"staff": "4人", "body": "コミュニティ(小学校区)"}, "per_site", None),
        (
            {"staff": "2人", "body": "町福祉課", "sentence": "相談支援包括化推進員を各地区に配置する。"},
            "per_site",
            None,
        ),
        ({"staff": "4人(各2人)", "body": "東センター・西センター"}, "per_site", 2),
        ({"staff": "10人(兼任 10人)", "body": "A法人、B法人、C協議会"}, "designated_existing", 3),
        (
            {"staff": "6人", "body": "各地域包括支援センター", "background": "地域包括支援センターの職員が兼務する"},
            "designated_existing",
            3,
        ),
        ({"staff": "6人(既存業務に追加して対応)", "body": "A センター、B センター"}, "designated_existing", 2),
        ({"staff": "2人(兼務)", "body": "町社会福祉協議会"}, "single_team", 1),
        ({"staff": "2人", "body": "町社会福祉協議会 相談係"}, "single_team", 1),
        ({"staff": "3拠点に1名配置", "body": "地域福祉拠点"}, "unclear", None),
        ({"staff": "3箇所に1名ずつ", "body": "福祉相談窓口"}, "per_site", 3),
        ({"staff": "5人", "body": "市内3センター"}, "per_site", 3),
        ({"staff": "5人", "body": "地域包括支援センター(5か所)"}, "per_site", 5),
        ({"staff": "5人(うち兼務4人)", "body": "A法人、B法人"}, "designated_existing", 2),
        (
            {
                "staff": "4人",
                "body": "A課、Bセンター",
                "sentence": "各機関の相談員を相談支援包括化推進員として指定する。",
            },
            "designated_existing",
            2,
        ),
        ({"staff": "3人(併任)", "body": "A課、Bセンター、C協議会"}, "designated_existing", 3),
    ],
)
def test_rephrased_variants(tmp_path, kw, expected, sites):
    row, result = design(tmp_path, **kw)
    assert row["staffing_design"] == expected, row["staffing_design_evidence"]
    if sites is None:
        assert pd.isna(row["staff_sites"])
    else:
        assert row["staff_sites"] == sites
    if expected == "unclear":
        assert (result.issues["field"] == "staffing_design").any()


def test_variant_designation_fills_concurrent(tmp_path):
    row, _ = design(
        tmp_path,
        staff="5人",
        body="A センター、B センター",
        sentence="相談支援包括化推進員(各センターの相談員が兼務)を配置する。",
    )
    assert row["staffing_design"] == "designated_existing"
    assert (row["staff_concurrent"], row["staff_dedicated"]) == (5, 0)


def test_no_body_and_no_hint_is_unclear(tmp_path):
    row, result = design(tmp_path, staff="2人", body="")
    assert row["staffing_design"] == "unclear"
    assert result.issues.loc[result.issues["field"] == "staffing_design", "check"].tolist() == ["not_stated"]


def test_no_staff_no_design(tmp_path):
    row, _ = design(tmp_path, staff="配置は行わない", body="")
    assert row["staff_planned"] == 0
    assert pd.isna(row["staffing_design"])
