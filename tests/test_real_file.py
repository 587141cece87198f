"""Values of the bundled raw file, checked by hand against the printed text (line numbers in comments)."""

from __future__ import annotations

import math

import pandas as pd
import pytest


def _na(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def test_entity_counts(bundled):
    e = bundled.entities
    assert len(e) == 63
    assert (e["level"] == "municipality").sum() == 57
    assert sorted(e.loc[e["level"] == "prefecture", "prefecture"]) == sorted(
        ["青森県", "秋田県", "栃木県", "群馬県", "埼玉県", "東京都"]
    )
    assert e["entity_id"].is_unique
    assert e["source_line"].is_monotonic_increasing


def test_second_tono_header_is_a_continuation(bundled):
    e = bundled.entities
    tono = e[e["municipality"] == "遠野市"]
    assert len(tono) == 1
    assert int(tono.iloc[0]["source_line"]) == 992  # the second header (line 1084) is not an entity


def test_kushiro_full_row(entity):
    # lines 5-18 and 73 of the raw file
    r = entity("釧路市")
    assert r["source_line"] == 5 and r["lg_code"] == "012068" and r["prefecture"] == "北海道"
    assert (r["implements_chiikiryoku"], r["implements_takikan"], r["implements_prefectural"]) == (True, True, False)
    assert r["population"] == 168730 and r["households"] == 94068
    assert r["aging_rate_pct"] == pytest.approx(33.2)
    assert r["welfare_rate_permille"] == pytest.approx(49.2)  # 4.92 (%)
    assert r["area_km2"] == pytest.approx(1362.90)
    assert r["community_org_rate_pct"] == pytest.approx(43.90)
    assert (r["elementary_schools"], r["junior_high_schools"]) == (26, 15)
    assert (r["hokatsu_direct"], r["hokatsu_outsourced"], r["hokatsu_total"]) == (2, 5, 7)
    assert (r["konkyu_direct"], r["konkyu_outsourced"]) == (0, 1)
    assert (r["staff_planned"], r["staff_fulltime"], r["staff_parttime"]) == (2, 1, 1)  # 常勤1人、非常勤1人


@pytest.mark.parametrize(
    "name, population, households, aging, welfare",
    [
        ("京極町", 3004, 1492, 35.2, 13.8),  # 13.8 (‰)
        ("今別町", 2596, 1419, 53.7, 35.0),  # "2, 596", 3.5 (%)
        ("津別町", 4621, 2321, 44.8, 12.3),  # 12.3 (%) is ‰
        ("遠野市", 26899, 10749, 39.0, 9.17),  # "39.0." stray dot
        ("井川町", 4698, 1747, 41.06, 6.6),  # 6.6 (%) is ‰
        ("大潟村", 3174, 1128, 31.85, 0.63),  # 0.063 (%)
        ("玉村町", 36340, 15424, 24.7, 5.2),  # unit in the label: 高齢化率 (%) 24.7
        ("那珂市", 54772, 22709, 30.54, 5.6),  # "54, 772"
        ("鴨川市", 32897, 16145, 37.8, 8.31),  # 0.00831 (%) is a fraction
        ("高根沢町", 29710, 12361, 24.1, 5.8),  # no thousands separator
        ("世田谷区", 916592, 486858, 20.08, 11.1),
        ("小田原市", 190454, 81444, 29.65, 16.89),
        ("東京都", 13953744, 7123971, 23.3, 20.5),
    ],
)
def test_basic_figures(entity, name, population, households, aging, welfare):
    r = entity(name)
    assert r["population"] == population
    assert r["households"] == households
    assert r["aging_rate_pct"] == pytest.approx(aging)
    assert r["welfare_rate_permille"] == pytest.approx(welfare)


def test_shifted_cells_nasukarasuyama(entity):
    # line 2887: 面積 | 174.35 | 地縁組織…加入率 (%) | 公立小学校数 5 (校)
    r = entity("那須烏山市")
    assert _na(r["community_org_rate_pct"])
    assert (r["elementary_schools"], r["junior_high_schools"]) == (5, 2)
    assert (r["hokatsu_direct"], r["hokatsu_outsourced"]) == (0, 2)
    assert r["welfare_rate_permille"] == pytest.approx(6.5)


@pytest.mark.parametrize(
    "name, planned",
    [
        ("札幌市", 0.0),  # 平成 31 年度は…配置は行わない
        ("今別町", 3.0),  # label wrapped over two lines
        ("盛岡市", 20.0),  # 20 人(専任1名, 兼任 19 人)
        ("郡山市", 7.0),  # 委託先:2か所各2人 直営:3人
        ("松戸市", 3.5),
        ("芝山町", 1.4),
        ("東海村", 1.0),  # 臨時職員 is not a 推進員
        ("狛江市", 4.0),  # 4名(現在2名)
        ("世田谷区", 28.0),
        ("豊島区", 20.0),
        ("江戸川区", 9.0),
    ],
)
def test_staff_planned(entity, name, planned):
    assert entity(name)["staff_planned"] == pytest.approx(planned)


def test_staff_splits(entity):
    morioka = entity("盛岡市")
    assert (morioka["staff_dedicated"], morioka["staff_concurrent"]) == (1, 19)
    assert "現在2名" in entity("狛江市")["staff_notes"]


@pytest.mark.parametrize("name, check", [("千葉市", "not_stated"), ("墨田区", "ambiguous")])
def test_unreadable_staff_is_null_with_issue(bundled, entity, name, check):
    r = entity(name)
    assert _na(r["staff_planned"])
    i = bundled.issues
    assert ((i["entity_id"] == r["entity_id"]) & (i["field"] == "staff_planned") & (i["check"] == check)).any()


def test_no_takikan_means_no_staff_and_no_issue(bundled, entity):
    r = entity("古河市")  # 地域力強化推進事業 only
    assert not r["implements_takikan"] and _na(r["staff_planned"])
    i = bundled.issues
    assert not ((i["entity_id"] == r["entity_id"]) & (i["field"] == "staff_planned")).any()


def test_misprinted_name_corrected(bundled, entity):
    r = entity("鰺ヶ沢町")
    assert r["municipality_raw"] == "鱒ヶ沢町" and r["lg_code"] == "023213"
    c = bundled.corrections
    row = c[(c["entity_id"] == "023213") & (c["field"] == "municipality")]
    assert list(row["rule"]) == ["fix_place_name_typo"] and list(row["raw"]) == ["鱒ヶ沢町"]


def test_types_and_codes(entity):
    assert entity("札幌市")["municipality_type"] == "指定都市"
    assert entity("墨田区")["municipality_type"] == "特別区"
    assert entity("音威子府村")["municipality_type"] == "村"
    assert entity("青森県")["municipality_type"] == "都道府県" and entity("青森県")["lg_code"] == "020001"


def test_radio_marks(entity):
    r = entity("矢巾町")  # <input type="radio"/> after 地域力強化推進事業 and 多機関…
    assert (r["implements_chiikiryoku"], r["implements_takikan"], r["implements_prefectural"]) == (True, True, False)
    assert not entity("湯沢市")["implements_chiikiryoku"]  # ○ only after 多機関…
    assert entity("埼玉県")["implements_prefectural"]


def test_marks_contradicting_sections_raise_issues(bundled, entity):
    i = bundled.issues
    for name in ("京極町", "湯沢市", "大潟村"):
        eid = entity(name)["entity_id"]
        assert ((i["entity_id"] == eid) & (i["check"] == "marks_vs_sections")).any(), name


def test_institution_variants(entity):
    akita = entity("秋田県")  # 市 (直営: 4, 委託: 9) 町村部 (直営: 4)
    assert (akita["konkyu_direct"], akita["konkyu_outsourced"]) == (8, 9)
    saitama = entity("埼玉県")  # 283か所 with no split
    assert saitama["hokatsu_total"] == 283 and _na(saitama["hokatsu_direct"])
    assert (entity("東京都")["hokatsu_direct"], entity("東京都")["hokatsu_outsourced"]) == (0, 0)  # 直営・委託なし
    assert entity("国立市")["hokatsu_branches"] == 3
    assert entity("盛岡市")["hokatsu_outsourced"] == 11  # not 13: (うち社協 2 箇所)
    assert _na(entity("藤沢市")["hokatsu_total"])  # template text
    assert entity("京極町")["konkyu_prefecture_run"]


def test_values_are_traceable(bundled):
    """Every non-null entity value has a provenance row with its raw text and source line."""
    e, p = bundled.entities, bundled.provenance
    keyed = p.set_index(["entity_id", "field"])
    for col in ("population", "households", "aging_rate_pct", "welfare_rate_permille", "staff_planned"):
        for _, row in e[e[col].notna()].iterrows():
            prov = keyed.loc[(row["entity_id"], col)]
            assert prov["raw"] and prov["source_line"] >= row["source_line"]


def test_every_correction_names_a_registered_rule(bundled):
    from study.clean.rules import RULE_BY_ID

    assert set(bundled.corrections["rule"]) <= set(RULE_BY_ID)
    assert bundled.corrections["raw"].str.len().gt(0).all()


def test_plausibility(bundled):
    e = bundled.entities
    both = e.dropna(subset=["population", "households"])
    assert (both["households"] <= both["population"]).all()
    m = e[e["level"] == "municipality"]
    assert m["welfare_rate_permille"].dropna().between(0.1, 60).all()
    assert m["aging_rate_pct"].dropna().between(15, 60).all()


# --- a mode named without a count (issue 9, part 4) ------------------------------------------------------


def test_sayama_konkyu_outsourced_without_count(entity, bundled):
    """狭山市 prints 生活困窮者自立相談支援事業 「委託:(社協)」: only 委託 is named, with no count."""
    row = entity("狭山市")
    assert row["konkyu_direct"] == 0
    assert pd.isna(row["konkyu_outsourced"]) and pd.isna(row["konkyu_total"])
    c, i = bundled.corrections, bundled.issues
    mine = (c["entity_id"] == row["entity_id"]) & (c["field"] == "konkyu_direct")
    assert c.loc[mine, "rule"].tolist() == ["unstated_mode_is_zero"]
    assert ((i["entity_id"] == row["entity_id"]) & (i["check"] == "count_missing") & (i["raw"] == "委託:(社協)")).any()


@pytest.mark.parametrize(
    "text, direct, outsourced",
    [
        ("委託:(社協)", 0, None),
        ("委託(社会福祉協議会)", 0, None),
        ("直営", None, 0),
        ("直営(福祉課)", None, 0),
        ("委託:1か所(社協)", 0, 1),  # a count: the ordinary rule
        ("北海道委託", None, None),  # run by the prefecture: nothing inferred
    ],
)
def test_mode_named_without_count(text, direct, outsourced):
    from study.clean.fields.institutions import read_institutions

    r = read_institutions(text)
    assert (r.direct, r.outsourced) == (direct, outsourced)
    if (outsourced is None) != (direct is None):
        assert [p.check for p in r.problems] == ["count_missing"] and r.total is None
