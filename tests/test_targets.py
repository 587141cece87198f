"""Quantified targets (事業の成果目標) of the bundled raw file, checked by hand against the printed text.

Expected values are read from data/raw/hokatsu_plans.txt (line numbers in comments), not from the code.

The speed goal (all blocks in well under the 0.3 s clean budget) is measured by
benchmarks/bench_clean.py, not asserted here.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from study.clean.ledger import Ledger
from study.clean.rawfile import read_raw
from study.clean.rules import RULE_BY_ID, RULE_ROWS
from study.clean.structure import split_blocks
from study.clean.textnorm import fold_width


def T():
    """The module under test (imported on first use, see the module docstring)."""
    import study.clean.fields.targets

    return study.clean.fields.targets


@pytest.fixture(scope="module")
def blocks():
    return split_blocks(read_raw().lines)


def _key(block) -> str:
    return block.prefecture_raw + block.municipality_raw


@pytest.fixture(scope="module")
def extracted(blocks):
    """key (prefecture + municipality as printed) -> (rows, ledger)."""
    out = {}
    for b in blocks:
        ledger = Ledger()
        out[_key(b)] = (T().extract_targets(b, _key(b), ledger), ledger)
    return out


def rows(extracted, key: str, item: str | None = None) -> list[dict]:
    return [r for r in extracted[key][0] if item is None or r["item"] == item]


def values(extracted, key: str, item: str | None = None) -> list[float]:
    return [r["value"] for r in rows(extracted, key, item)]


def one(extracted, key: str, value: float, item: str | None = None) -> dict:
    found = [r for r in rows(extracted, key, item) if r["value"] == value]
    assert len(found) == 1, (key, item, value, found)
    return found[0]


# --- the table ------------------------------------------------------------------


def test_columns_in_order():
    assert [c.name for c in T().TARGET_TABLE] == [
        "entity_id",
        "project",
        "item",
        "source_line",
        "raw",
        "value",
        "value_low",
        "value_high",
        "unit",
        "kind",
        "target_group",
        "period",
        "annual_value",
        "qualifier",
        "is_target",
        "role",
        "value_pct",
    ]
    spec = {c.name: c for c in T().TARGET_TABLE}
    assert spec["project"].enum == ("chiikiryoku", "takikan", "prefectural")
    assert set(spec["kind"].enum) == {
        "consultations",
        "cases_plans",
        "participants",
        "volunteers_supporters",
        "places_hubs",
        "meetings",
        "rate_percent",
        "other",
        "increase",
    }
    assert set(spec["target_group"].enum) == {"outcome", "activity", "other"}
    assert set(spec["period"].enum) == {"per_month", "per_year", "per_week", "total", "by_year", "none"}
    assert set(spec["qualifier"].enum) == {"以上", "程度", "約", "以内", ""}
    assert all(c.label_ja and c.description for c in T().TARGET_TABLE + T().SUMMARY_COLUMNS)
    assert [c.name for c in T().SUMMARY_COLUMNS] == [
        "n_quantified_targets",
        "has_quantified_target",
        "n_outcome_targets",
        "n_activity_targets",
        "has_outcome_target",
    ]


def test_every_row_fits_the_column_specs(extracted):
    types = {"string": str, "integer": int, "number": float, "boolean": bool}
    n = 0
    for all_rows, _ in extracted.values():
        for r in all_rows:
            n += 1
            assert list(r) == [c.name for c in T().TARGET_TABLE]
            for c in T().TARGET_TABLE:
                v = r[c.name]
                if v is None:
                    assert not c.required, (c.name, r)
                    continue
                assert isinstance(v, types[c.type]), (c.name, v)
                if c.enum:
                    assert v in c.enum, (c.name, v)
                if c.pattern:
                    assert re.match(c.pattern, v), (c.name, v)
                if c.minimum is not None:
                    assert v >= c.minimum, (c.name, v)
            assert r["value_low"] <= r["value_high"] and r["value"] == r["value_low"]
            assert r["is_target"] is (r["role"] == "target")
            assert (r["annual_value"] is None) == (
                r["period"] not in ("per_month", "per_year", "per_week") or r["unit"] in ("%", "割")
            )
            assert r["target_group"] == {
                "consultations": "outcome",
                "cases_plans": "outcome",
                "participants": "activity",
                "volunteers_supporters": "activity",
                "places_hubs": "activity",
                "meetings": "activity",
                "other": "other",
            }.get(r["kind"], r["target_group"])
    assert n > 200


def test_ledger_rules_are_registered(extracted):
    used = set()
    for _, ledger in extracted.values():
        for c in ledger.corrections:
            assert c.rule in RULE_BY_ID
            assert c.field.startswith("targets.")
            used.add(c.rule)
    # the target reader's rules and those of its roles, kanji numerals and 割 (study.clean.fields.target_roles)
    target_rules = {r.id for r in RULE_ROWS if r.reader in ("targets", "target_roles")}
    assert len(target_rules) == 12
    assert used - {"join_split_thousands"} <= target_rules


# --- headings ---------------------------------------------------------------------


def test_all_headings_found(blocks):
    # 161 raw lines mention 成果目標: 7 are prose (lines 88, 483, 498, 2113, 4795, 4809, 4835) and 3 are the
    # text copies of an HTML table (569, 2266, 3557), leaving 151 items: 47 entities with section 3 × (ア, イ),
    # 51 section-4 headings (printed ⑧, ⑨ or ㊦) and the six prefectures' ⑤
    texts = [t for b in blocks for t in T().target_texts(b)]
    assert len(texts) == 151
    items = Counter(t.item for t in texts)
    assert items == {"3ア": 47, "3イ": 47, "4⑧": 51, "5⑤": 6}


def test_misnumbered_and_html_headings(blocks):
    by = {_key(b): b for b in blocks}
    sumida = {t.item: t for t in T().target_texts(by["東京都墨田区"])}
    assert sumida["4⑧"].heading_line == 4275  # ㊦事業の成果目標
    assert sumida["3ア"].heading_line == 4232  # <p>事業の成果目標</p> inside the HTML line
    fujisawa = {t.item: t for t in T().target_texts(by["神奈川県藤沢市"])}
    assert fujisawa["4⑧"].heading_line == 5269  # ⑨ 事業の成果目標
    koriyama = {t.item: t for t in T().target_texts(by["福島県郡山市"])}
    assert {koriyama["3ア"].heading_line, koriyama["3イ"].heading_line} == {
        2161,
        2173,
    }  # <p>事業の成果目標</p> <p>…</p>
    assert koriyama["3ア"].cells[0].text.startswith("協力員の委嘱")


# --- values read by hand -------------------------------------------------------------


def test_moseushi_html_table_not_counted_twice(extracted):
    # line 555 (HTML <td>) and line 570 (text copy): 研修会の参加者数:200人 ;
    # line 587: 相談件数:120件 解決数:100件 …20件
    assert values(extracted, "北海道妹背牛町", "3ア") == [200]
    r = one(extracted, "北海道妹背牛町", 200)
    assert (r["unit"], r["kind"], r["target_group"]) == ("人", "participants", "activity")
    assert r["source_line"] in (555, 570)
    assert values(extracted, "北海道妹背牛町", "3イ") == [120, 100, 20]
    assert one(extracted, "北海道妹背牛町", 120)["kind"] == "consultations"
    assert one(extracted, "北海道妹背牛町", 100)["kind"] == "cases_plans"


def test_tono_breakdown_is_not_a_target(extracted):
    # lines 1053, 1080: 年間450件(1地区あり150件) … 支援プランを年間20件(1地区あたり約7件); 3年目, モデル3地区
    for item in ("3イ", "4⑧"):
        assert values(extracted, "岩手県遠野市", item) == [450, 20]
        r450 = one(extracted, "岩手県遠野市", 450, item)
        assert (r450["unit"], r450["period"], r450["annual_value"], r450["kind"]) == (
            "件",
            "per_year",
            450,
            "consultations",
        )
        r20 = one(extracted, "岩手県遠野市", 20, item)
        assert (r20["kind"], r20["target_group"]) == ("cases_plans", "outcome")
    assert sorted(values(extracted, "岩手県遠野市")) == [20, 20, 450, 450]


def test_tsuchiura(extracted):
    # line 2267: 地域の集いの場の把握数(80 か所)・研修会等の開催(8 地区)・参加者数(延べ 300 人)
    assert values(extracted, "茨城県土浦市", "3ア") == [80, 8, 300]
    assert one(extracted, "茨城県土浦市", 80, "3ア")["unit"] == "か所"
    assert one(extracted, "茨城県土浦市", 8)["unit"] == "地区"
    r = one(extracted, "茨城県土浦市", 300)
    assert (r["unit"], r["period"]) == ("人", "total")
    # line 2282: 相談件数延べ(3000件)・ケース検討会議開催数48回・検討ケース数80件・終結に至ったケース数10件
    assert values(extracted, "茨城県土浦市", "3イ") == [3000, 48, 80, 10]
    assert one(extracted, "茨城県土浦市", 48)["kind"] == "meetings"
    assert one(extracted, "茨城県土浦市", 80, "3イ")["kind"] == "cases_plans"


def test_kyogoku(extracted):
    # line 184: 複合課題を抱えるケース5件程度の相談支援と終結を目指す
    assert values(extracted, "北海道京極町") == [5]
    r = one(extracted, "北海道京極町", 5)
    assert (r["item"], r["unit"], r["qualifier"], r["project"]) == ("4⑧", "件", "程度", "takikan")


def test_kushiro(extracted):
    # line 49: 最終的に 50 トンの収穫 ; line 63: 年 2～3 名のケース検討
    r = one(extracted, "北海道釧路市", 50)
    assert (r["item"], r["unit"], r["kind"]) == ("3ア", "トン", "other")
    r = one(extracted, "北海道釧路市", 2)
    assert (r["item"], r["value_low"], r["value_high"], r["unit"]) == ("3イ", 2, 3, "名")
    assert (r["period"], r["annual_value"], r["kind"]) == ("per_year", 2, "cases_plans")
    assert values(extracted, "北海道釧路市", "4⑧") == []


def test_sumida_results_are_not_targets(extracted):
    # line 4248: 相談件数実績(平成31年4月～令和元年9月):175件 ; line 4276: 相談件数実績(…) 148件
    vals = values(extracted, "東京都墨田区")
    assert 175 not in vals and 148 not in vals
    # line 4232 (HTML): 拠点の参加者数(①キラキラ茶家 1,200名、②ガランドール 1,500名)、研修参加者数 150名、
    # ボランティア参加者数(①50名②70名)
    assert values(extracted, "東京都墨田区", "3ア") == [1200, 1500, 150, 50, 70]
    assert one(extracted, "東京都墨田区", 70)["kind"] == "volunteers_supporters"


def test_per_month_annualised_with_ledger(extracted):
    # line 868: プラン作成件数 1月当たり5件 ; line 915: プラン作成件数 1 月当たり 5 件
    for key in ("青森県今別町", "青森県蓬田村"):
        r = one(extracted, key, 5)
        assert (r["period"], r["annual_value"], r["kind"]) == ("per_month", 60, "cases_plans")
        corr = [c for c in extracted[key][1].corrections if c.rule == "annualise_per_month"]
        assert len(corr) == 1 and corr[0].field == "targets.annual_value" and corr[0].value == "60"


def test_iwaizumi(extracted):
    # line 1227: 勉強会参加者数 120 人 10 人×6回×2地区 ; line 1246: 月4回開催 … 月平均10件 … 20件
    assert values(extracted, "岩手県岩泉町", "3ア") == [120]
    r = one(extracted, "岩手県岩泉町", 4, "3イ")
    assert (r["period"], r["annual_value"], r["kind"]) == ("per_month", 48, "meetings")
    r = one(extracted, "岩手県岩泉町", 10, "3イ")
    assert (r["period"], r["annual_value"], r["kind"]) == ("per_month", 120, "consultations")
    # line 1271: … 勉強会の開催回数 年4回
    r = [x for x in rows(extracted, "岩手県岩泉町", "4⑧") if x["value"] == 4 and x["period"] == "per_year"]
    assert len(r) == 1 and r[0]["annual_value"] == 4


def test_tamamura_total_and_factors(extracted):
    # line 3451: 担い手研修×4回(年)、参加 200 人 … 54 地区×1人×12か月のべ 648 人
    vals = values(extracted, "群馬県玉村町")
    assert sorted(vals) == [1, 4, 200, 200, 648]
    assert one(extracted, "群馬県玉村町", 648)["period"] == "total"
    assert one(extracted, "群馬県玉村町", 4)["period"] == "per_year"


def test_results_and_current_values(extracted):
    # line 1136: 【実績(10月15日現在)】17 団体 / 【現状】2 コース … 計 25 名 / 講演会 1 回実施済
    assert values(extracted, "岩手県矢巾町", "3ア") == [10, 30, 5, 100]
    # line 1176: 新規相談受理件数 60 件 … 終結率 70%以上 →【実績】 17 件 … 31.6%(12 件/38 件)
    assert values(extracted, "岩手県矢巾町", "4⑧") == [60, 70]
    assert one(extracted, "岩手県矢巾町", 70)["qualifier"] == "以上"
    # lines 4588, 4603: 平成30年度実績(4月-3月・8か所) 来所者70,007人 …
    assert values(extracted, "東京都江戸川区") == []
    # line 2048: 46件の相談があった … 49件の相談があり、その内29件が … 30名おり … 17世帯ある … 年間30件の支援終結を目標
    assert values(extracted, "秋田県大潟村", "4⑧") == [30]
    # lines 5160, 5185: 現状 7 か所 本年度中に 9 か所
    for item in ("3イ", "4⑧"):
        r = one(extracted, "東京都八王子市", 9, item)
        assert (r["unit"], r["period"]) == ("か所", "by_year")
    assert 7 not in values(extracted, "東京都八王子市")
    # line 2173: 参考値として民生委員約 550 名による 2016 年度相談件数: 16,960 件
    assert values(extracted, "福島県郡山市", "3イ") == []
    # line 4200: (平成 30 年 4 月時点 53 区市町村策定済み)
    assert values(extracted, "東京都") == []


def test_prefecture_targets(extracted):
    # line 3509: 令和2年度末 32市町村(第5期…目標値) ②情報交換会の開催 2回、…養成人数 40人
    assert values(extracted, "埼玉県") == [32, 2, 40]
    r = one(extracted, "埼玉県", 32)
    assert (r["unit"], r["period"], r["project"], r["item"]) == ("市町村", "by_year", "prefectural", "5⑤")
    # lines 2780-2782: 30 名(3 年間で 90 名…) / 5 つ選定(対象:約 510 法人) / 5 圏域× 3 回(延べ 15 回実施)
    assert values(extracted, "栃木県") == [30, 90, 5, 15]
    assert one(extracted, "栃木県", 15)["period"] == "total"
    assert one(extracted, "栃木県", 90)["period"] == "total"


def test_other_readings(extracted):
    # line 4110: ふれあいいいききサロンの開催 66 地区部会 4,404 回
    assert one(extracted, "千葉県千葉市", 4404)["unit"] == "回"
    # line 1602: 常設型集いの場 3地区に1箇所ずつ
    r = one(extracted, "宮城県涌谷町", 3)
    assert r["unit"] == "箇所"
    assert any(c.rule == "multiply_each" for c in extracted["宮城県涌谷町"][1].corrections)
    # line 5269 (⑨ printed): 相談支援包括化推進会議: 4 回/年 ○相談件数: 60 件
    assert values(extracted, "神奈川県藤沢市", "4⑧") == [4, 60]
    assert one(extracted, "神奈川県藤沢市", 4, "4⑧")["period"] == "per_year"
    # line 5234: 平均利用者数:14 人/日 (a per-day rate is not annualised)
    r = one(extracted, "神奈川県藤沢市", 14, "3ア")
    assert (r["period"], r["annual_value"]) == ("none", None)
    # line 237: 応援サポーター登録20名 (…人数は20名と仮に想定する): one target
    assert values(extracted, "北海道鷹栖町") == [20]
    # line 498: 仲の良い2、3人の集まり ; 20ヶ所ある ; (10回)
    assert 3 not in values(extracted, "北海道広尾町", "3イ") and 20 not in values(extracted, "北海道広尾町")
    # line 431: (月1程度の訪問を実施したい。) -> 1 回 per month
    r = one(extracted, "北海道津別町", 1)
    assert (r["unit"], r["period"], r["annual_value"], r["qualifier"]) == ("回", "per_month", 12, "程度")
    # line 5337: 月10件程度の新規相談 … 7割程度の解決
    assert one(extracted, "神奈川県小田原市", 7)["kind"] == "rate_percent"
    # line 2213: 新規相談件数 1拠点あたり月平均15件 (1拠点 is a denominator)
    r = one(extracted, "福島県郡山市", 15)
    assert (r["period"], r["annual_value"]) == ("per_month", 180)
    assert 1 not in values(extracted, "福島県郡山市")


def test_summary(extracted):
    s = T().summarize(rows(extracted, "北海道妹背牛町"))
    assert s == {
        "n_quantified_targets": 4,
        "has_quantified_target": True,
        "n_outcome_targets": 3,
        "n_activity_targets": 1,
        "has_outcome_target": True,
    }
    s = T().summarize(rows(extracted, "東京都江戸川区"))
    assert s == {
        "n_quantified_targets": 0,
        "has_quantified_target": False,
        "n_outcome_targets": 0,
        "n_activity_targets": 0,
        "has_outcome_target": False,
    }
    assert T().summarize([{"is_target": False, "target_group": "outcome"}])["n_quantified_targets"] == 0


# --- a small plan text with other heading forms ----------------------------------------

PLAN = """都道府県名\t北海道\t市区町村名\tテスト町
実施事業※\t地域力強化推進事業\t○ 多機関の協働による 包括的支援体制構築事業\t○ 都道府県事業
1-1. 自治体の基本情報
人口\t3,004 (人)\t\t世帯数\t1,492 (世帯)
3. 地域力強化推進事業について
④事業内容\tア 「住民に身近な圏域」において、地域住民等が主体的に地域生活課題を把握し解決することができる環境の整備
\t(対象地域) 町全域\t(対象地域の範囲) 町全域\t(人口) 3,004 人
\t事業の成果目標（数値目標）
\tサロン参加者数 延べ１，２００人（Ｈ３０実績：９８０人）
\tイ 「住民に身近な圏域」において、地域生活課題に関する相談を包括的に受け止める体制の整備
\t(対象地域) 町全域\t(対象地域の範囲) 町全域\t(人口) 3,004 人
\t【事業の成果目標】：相談件数 月５件程度、うち解決 3件
\tウ その他
4. 多機関の協働による包括的支援体制構築事業について
⑦事業内容
(8)事業の成果目標
・相談支援包括化推進会議 年６回
・支援プラン作成 ２０件以上（令和元年度末）
・既に３か所で実施済み
⑨地域力強化推進事業実施計画
都道府県名\t北海道\t市区町村名\tヨソ村
実施事業※\t地域力強化推進事業\t多機関の協働による 包括的支援体制構築事業\t○\t都道府県事業
1-1. 自治体の基本情報
人口\t1,000 (人)
多機関の協働による包括的支援体制構築事業
８．事業の成果目標
相談件数　１００件（前年度 80件）、ケース会議 毎月1回、(人口) 1,000人
⑨地域力強化推進事業実施計画"""


def test_other_heading_forms_and_a_missing_section_heading():
    blocks = split_blocks(tuple(PLAN.split("\n")))
    got = {}
    for b in blocks:
        ledger = Ledger()
        got[b.municipality_raw] = [
            (r["item"], r["value"], r["unit"], r["period"], r["annual_value"], r["qualifier"])
            for r in T().extract_targets(b, b.municipality_raw, ledger)
        ]
    assert got["テスト町"] == [
        ("3ア", 1200, "人", "total", None, ""),  # 延べ１，２００人 ; (Ｈ３０実績：９８０人) is a result
        ("3イ", 5, "件", "per_month", 60, "程度"),  # 月５件程度
        ("3イ", 3, "件", "none", None, ""),  # うち解決 3件
        ("4⑧", 6, "回", "per_year", 6, ""),  # 年６回
        ("4⑧", 20, "件", "by_year", None, "以上"),  # ２０件以上（令和元年度末） ; 既に３か所で実施済み is done
    ]
    # "多機関の協働による…事業" without "について" is not a section heading: the numbered ８．heading is item ⑧;
    # 前年度 80件 and (人口) 1,000人 are not targets
    assert got["ヨソ村"] == [("4⑧", 100, "件", "none", None, ""), ("4⑧", 1, "回", "per_month", 12, "")]


# --- hand-checked list: precision and recall -------------------------------------------

#: Quantified targets read by hand from the 事業の成果目標 items (ranges: lower end; 1か所×30人×12回: the product).
HAND = {
    "北海道釧路市": [50, 2],
    "北海道京極町": [5],
    "北海道鷹栖町": [20],
    "北海道津別町": [1],
    "北海道広尾町": [10, 1, 10, 10, 10, 3, 2],
    "北海道妹背牛町": [200, 120, 100, 20],
    "北海道札幌市": [50, 500, 2, 1],
    "青森県": [],
    "青森県今別町": [5],
    "岩手県遠野市": [450, 20, 450, 20],
    "岩手県矢巾町": [10, 30, 5, 100, 60, 70],
    "岩手県岩泉町": [120, 4, 10, 20, 4, 10, 20, 4],
    "岩手県盛岡市": [100, 30, 30, 5, 3, 100, 80],
    "宮城県石巻市": [30, 50, 100, 70],
    "宮城県仙台市": [12, 3.0],
    "秋田県": [],
    "秋田県大潟村": [50, 5, 50, 30],
    "福島県郡山市": [15, 50],
    "茨城県土浦市": [80, 8, 300, 3000, 48, 80, 10],
    "茨城県古河市": [1, 3, 5, 3, 2, 30, 2, 2, 3, 100],
    "茨城県東海村": [5, 30, 10, 2, 100, 10],
    "栃木県": [30, 90, 5, 15],
    "栃木県栃木市": [360, 90, 40, 10, 30, 24, 12, 12, 6, 50, 15, 35],
    "栃木県市貝町": [4, 80, 500, 25, 20, 350, 5, 50, 5, 100, 90, 20],
    "栃木県野木町": [10, 2, 60, 2, 60, 1, 24, 14, 1, 10, 40, 10, 30, 6],
    "群馬県玉村町": [4, 200, 1, 200, 648],
    "埼玉県": [32, 2, 40],
    "埼玉県鳩山町": [17000, 24, 1500, 100, 60, 80, 30, 20, 15, 5, 10],
    "千葉県松戸市": [],
    "千葉県千葉市": [66, 4404, 33, 12, 550, 6, 4],
    "東京都": [],
    "東京都墨田区": [1200, 1500, 150, 50, 70],
    "東京都江戸川区": [],
    "東京都調布市": [2, 100, 15000],
    "東京都八王子市": [37, 9, 9],
    "神奈川県藤沢市": [3, 1, 14, 3, 1, 14, 4, 60],
    "神奈川県小田原市": [1, 10, 7, 2, 10, 2],
}


def test_precision_recall_against_hand_list(extracted):
    tp = fp = fn = 0
    for key, expected in HAND.items():
        e, g = Counter(map(float, expected)), Counter(values(extracted, key))
        hit = sum((e & g).values())
        tp, fp, fn = tp + hit, fp + sum(g.values()) - hit, fn + sum(e.values()) - hit
    assert tp / (tp + fp) >= 0.95
    assert tp / (tp + fn) >= 0.95


# --- property tests of the number and period readers -----------------------------------

UNITS = ["件", "人", "名", "回", "か所", "箇所", "地区", "団体", "世帯", "トン", "%"]
FULL = str.maketrans("0123456789,", "０１２３４５６７８９，")


def _print(n: int, commas: bool, full: bool) -> str:
    s = f"{n:,}" if commas else str(n)
    return s.translate(FULL) if full else s


def _targets(text: str):
    return T().read_targets(fold_width(text))[0]


@settings(max_examples=150, deadline=None)
@given(
    st.integers(0, 99_999),
    st.integers(1, 99_999),
    st.sampled_from(["～", "〜", "-", "~", "－"]),
    st.sampled_from(UNITS),
    st.booleans(),
    st.booleans(),
)
def test_ranges(a, d, sep, unit, commas, full):
    b = a + d
    text = f"研修参加者数 {_print(a, commas, full)}{sep}{_print(b, commas, full)}{unit}"
    (r,) = _targets(text)
    assert (r.value, r.value_low, r.value_high, r.unit) == (a, a, b, unit)


@settings(max_examples=150, deadline=None)
@given(
    st.integers(0, 9_999_999), st.sampled_from(UNITS), st.booleans(), st.booleans(), st.sampled_from(["", " ", "　"])
)
def test_single_numbers(n, unit, commas, full, space):
    (r,) = _targets(f"相談件数:{_print(n, commas, full)}{space}{unit}")
    assert (r.value, r.unit, r.period, r.annual_value) == (n, unit, "none", None)


@settings(max_examples=100, deadline=None)
@given(st.integers(1000, 9_999_999), st.booleans())
def test_thousands(n, full):
    q = T().find_quantities(fold_width(f"サロンの開催 {_print(n, True, full)}回"))
    assert [(x.low, x.unit) for x in q] == [(n, "回")]


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 999),
    st.booleans(),
    st.sampled_from(
        [
            ("月{n}回", "per_month", 12, "回"),
            ("月平均{n}件", "per_month", 12, "件"),
            ("1月当たり{n}件", "per_month", 12, "件"),
            ("毎月{n}回開催", "per_month", 12, "回"),
            ("年間{n}件", "per_year", 1, "件"),
            ("年{n}回", "per_year", 1, "回"),
            ("{n} 回/年", "per_year", 1, "回"),
            ("週{n}回", "per_week", 52, "回"),
            ("延べ{n}人", "total", None, "人"),
            ("令和2年度末 {n}市町村", "by_year", None, "市町村"),
            ("{n}人", "none", None, "人"),
        ]
    ),
)
def test_periods(n, full, case):
    template, period, factor, unit = case
    (r,) = _targets("目標:" + template.format(n=_print(n, False, full)))
    assert (r.value, r.unit, r.period) == (n, unit, period)
    assert r.annual_value == (n * factor if factor else None)


@settings(max_examples=100, deadline=None)
@given(st.integers(2, 999), st.integers(1, 9))
def test_breakdown_and_totals(total, k):
    # 年間450件(1地区あたり150件): the bracketed per-area number is not a second target
    assert [r.value for r in _targets(f"相談対応を年間{total}件(1地区あたり{k}件)行う")] == [total]
    # 54 地区×1人×12か月のべ 648 人: the printed total is the target, the factors are a breakdown
    assert [r.value for r in _targets(f"同行 {total} 地区×{k}人×12か月のべ {total * k * 12} 人")] == [total * k * 12]


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 9_999), st.integers(1, 30), st.integers(2000, 2030), st.sampled_from(UNITS[:5]))
def test_years_dates_and_results_are_not_targets(n, k, year, unit):
    assert _targets(f"{year}年度に{k}年目を迎える。令和{k}年{k}月{k}日、H{k}年度") == []
    assert _targets(f"相談件数実績(平成31年4月～令和元年9月):{n}{unit}") == []
    assert _targets(f"【現状】{n}{unit}") == []
    assert [r.value for r in _targets(f"①研修会の開催 {n}{unit} ②{k}. 相談")] == [n]
