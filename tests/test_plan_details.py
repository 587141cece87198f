"""Plan details (meetings, implementers, 推進員): values hand-read from the raw file, rule units, properties.

Expected values on the real file come from reading the printed text (line
numbers of data/raw/hokatsu_plans.txt in the comments), not from the code.
"""

from __future__ import annotations


import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from study.clean.ledger import Ledger
from study.clean.rules import RULE_BY_ID, RULE_ROWS
from study.clean.fields.plan_details import (
    DETAIL_COLUMNS,
    IMPLEMENTER_TYPES,
    read_background,
    read_details,
    read_frequency,
    read_implementer,
)
from study.clean.rawfile import read_raw
from study.clean.structure import split_blocks


# =============================================================================
# Real file
# =============================================================================


@pytest.fixture(scope="module")
def details():
    """name -> (row, provenance, corrections, issues) for every block of the bundled file."""
    blocks = split_blocks(read_raw().lines)
    out = {}
    for b in blocks:
        name = b.municipality_raw or b.prefecture_raw
        ledger = Ledger()
        row, prov = read_details(b, name, ledger)
        assert name not in out
        out[name] = (row, prov, ledger.corrections, ledger.issues)
    return out


def row(details, name):
    return details[name][0]


def rules_for(details, name, fld):
    return {c.rule for c in details[name][2] if c.field == fld}


def checks_for(details, name, fld):
    return {i.check for i in details[name][3] if i.field == fld}


def meetings(details, name, kind):
    r = row(details, name)
    p = f"{kind}_meetings_per_year"
    return r[p], r[f"{p}_low"], r[f"{p}_high"]


def test_all_blocks_have_all_columns(details):
    assert len(details) == 63
    names = [c.name for c in DETAIL_COLUMNS]
    assert len(names) == len(set(names))
    for name, (r, prov, _, _) in details.items():
        assert list(r) == names, name
        assert {p["field"] for p in prov} == set(names)
        for p in prov:
            assert set(p) == {"entity_id", "field", "value", "raw", "source_line"}
            assert isinstance(p["value"], str) and p["entity_id"] == name


def test_values_respect_column_specs(details):
    for project in ("chiikiryoku", "takikan", "prefectural"):
        col = next(c for c in DETAIL_COLUMNS if c.name == f"implementer_type_{project}")
        assert col.enum == IMPLEMENTER_TYPES == ("direct", "shakyo", "social_welfare_corp", "npo", "other")
    for name, (r, _, _, _) in details.items():
        for col in DETAIL_COLUMNS:
            v = r[col.name]
            if v is None:
                continue
            if col.type == "boolean":
                assert isinstance(v, bool), (name, col.name, v)
            elif col.type == "number":
                assert isinstance(v, float) and col.minimum <= v <= col.maximum, (name, col.name, v)
            elif col.type == "string":
                assert isinstance(v, str) and v, (name, col.name, v)
            if col.enum:
                assert v in col.enum, (name, col.name, v)


def test_low_high_consistent(details):
    for name in details:
        for kind in ("case", "network"):
            per, low, high = meetings(details, name, kind)
            assert (low is None) == (high is None)
            if low is not None:
                assert low <= high
                assert per == (low if low == high else None), name
            else:
                assert per is None


def test_rules_are_declared(details):
    detail_rules = {r.id for r in RULE_ROWS if r.reader == "plan_details"}
    assert len(detail_rules) == 11
    for rule_id in detail_rules:
        assert rule_id.startswith(("meeting_", "implementer_")), rule_id
        assert len(RULE_BY_ID[rule_id].description.split()) >= 4, rule_id
    used = {c.rule for _, (_, _, corrections, _) in details.items() for c in corrections}
    assert used <= detail_rules
    # every rule but the name-variant one decides a value somewhere in the bundled file
    assert detail_rules - used <= {"implementer_name_variant"}


# --- meetings ----------------------------------------------------------------


def test_kushiro_meetings(details):
    # line 80: 毎月開催。 / (既存の会議の名称) 全体会による支援調整会議
    assert meetings(details, "釧路市", "case") == (12, 12, 12)
    assert row(details, "釧路市")["case_meeting_existing_name"] == "全体会による支援調整会議"
    # line 81: 年に4～10回実施 / 美原部会、音別部会、就労支援部会、元町部会
    assert meetings(details, "釧路市", "network") == (None, 4, 10)
    assert row(details, "釧路市")["network_meeting_existing_name"] == "美原部会、音別部会、就労支援部会、元町部会"
    prov = {p["field"]: p for p in details["釧路市"][1]}
    assert prov["network_meetings_per_year_low"]["source_line"] == 81
    assert "年に4～10回" in prov["network_meetings_per_year_low"]["raw"]


def test_tochigi_city_twelve_a_year(details):
    # line 2865: 毎月第1木曜日開催(年12回) ※個別会議は随時開催
    assert meetings(details, "栃木市", "case") == (12, 12, 12)
    assert "meeting_restated_frequency" not in rules_for(details, "栃木市", "case_meetings_per_year")
    # line 2866: ネットワーク構築 has no number (uses the same meeting)
    assert meetings(details, "栃木市", "network") == (None, None, None)
    assert checks_for(details, "栃木市", "network_meetings_per_year") == {"no_frequency"}


def test_chiba_city_meetings(details):
    # line 4141: 月1回開催する全6区CSW… / CSW会議
    assert meetings(details, "千葉市", "case") == (12, 12, 12)
    assert row(details, "千葉市")["case_meeting_existing_name"] == "CSW会議"
    # line 4142: ○各区において、年1回 — once per ward per year, counted per unit
    assert meetings(details, "千葉市", "network") == (1, 1, 1)
    assert "meeting_frequency_per_unit" in rules_for(details, "千葉市", "network_meetings_per_year")
    assert row(details, "千葉市")["network_meeting_existing_name"] == "区の支えあいづくりを考える会 (区協議体)"


@pytest.mark.parametrize(
    "name, kind, expected",
    [
        ("鷹栖町", "case", (None, 4, 12)),  # 274: 1回/1～3か月
        ("鷹栖町", "network", (1, 1, 1)),  # 275: 1回/年
        ("音威子府村", "case", (6, 6, 6)),  # 373: 2カ月に一度
        ("今別町", "case", (12, 12, 12)),  # 861: (月1回程度) inside <p>
        ("蓬田村", "network", (12, 12, 12)),  # 909: (月 1 回程度)
        ("遠野市", "case", (12, 12, 12)),  # 1070: 毎月1回開催
        ("遠野市", "network", (None, 2, 6)),  # 1072: 2月に1回～半年に1回
        ("矢巾町", "case", (12, 12, 12)),  # 1167: 定例:月 1 回
        ("涌谷町", "network", (2, 2, 2)),  # 1639: 年2回
        ("須賀川市", "case", (None, 12, 24)),  # 2105: 月1～2回 (その都度 ignored)
        ("郡山市", "case", (12, 12, 12)),  # 2196: 月1回以上
        ("郡山市", "network", (1, 1, 1)),  # 2197: 年1回以上
        ("湯沢市", "case", (12, 12, 12)),  # 1882: 毎月第三水曜日
        ("土浦市", "case", (12, 12, 12)),  # 2299: 中学校区ごとに月一回 (8地区×12月=96回)
        ("土浦市", "network", (6, 6, 6)),  # 2300: 隔月一回
        ("東海村", "case", (25, 25, 25)),  # 2723: 月1回 + 年3回 + 年10回程度
        ("東海村", "network", (6, 6, 6)),  # 2724: 概ね隔月
        ("那須烏山市", "case", (4, 4, 4)),  # 2952: 年4回
        ("市貝町", "network", (12, 12, 12)),  # 3060: 【開催】月1回
        ("狭山市", "case", (None, 12, 24)),  # 3591: (月 1 回～月 2 回)
        ("鳩山町", "network", (4, 4, 4)),  # 3808: 概ね3ヶ月に1回程度
        ("松戸市", "case", (24, 24, 24)),  # 3905-3906: two series of 1回/月
        ("松戸市", "network", (4, 4, 4)),  # 3908: 1回/3か月
        ("鴨川市", "case", (15, 15, 15)),  # 4001: 合計 15 回
        ("芝山町", "network", (2, 2, 2)),  # 4051: (年2回程度) = (1)年1回 + (2)年1回
        ("杉並区", "case", (140, 140, 140)),  # 4483: 実施予定回数 140回
        ("杉並区", "network", (4, 4, 4)),  # 4484: 実施予定回数 4回
        ("江戸川区", "network", (None, 3, 4)),  # 4621: 各なごみの家にて年間3回～4回
        ("国立市", "network", (None, 2, 4)),  # 4995: 各年2回～4回程度
        ("藤沢市", "network", (4, 4, 4)),  # 5265: 年 4 回
        ("小田原市", "case", (8, 8, 8)),  # 5365: 8回/年
        ("小田原市", "network", (3, 3, 3)),  # 5366: 3回/年
        ("井川町", "network", (3, 3, 3)),  # 1943: 代表者会議は年1回、実務者会議は年2回
        ("広尾町", "case", (12, 12, 12)),  # 515: 月1回毎月第2木曜日及び随時
        ("広尾町", "network", (3, 3, 3)),  # 516: three meetings, 年1回 each
        ("盛岡市", "case", (4, 4, 4)),  # 1439: H29:4回 H30:4回
    ],
)
def test_meeting_frequencies(details, name, kind, expected):
    assert meetings(details, name, kind) == expected


def test_sums_and_breakdowns_are_logged(details):
    assert "meeting_series_summed" in rules_for(details, "松戸市", "case_meetings_per_year")
    assert "meeting_series_summed" in rules_for(details, "広尾町", "network_meetings_per_year")
    assert "meeting_total_with_breakdown" in rules_for(details, "芝山町", "network_meetings_per_year")
    assert "meeting_plan_count_per_year" in rules_for(details, "杉並区", "case_meetings_per_year")
    assert "meeting_latest_fiscal_year_count" in rules_for(details, "盛岡市", "case_meetings_per_year")
    assert "meeting_frequency_per_unit" in rules_for(details, "土浦市", "case_meetings_per_year")


def test_existing_names(details):
    # line 373-374: names in <p> wrappers
    assert row(details, "音威子府村")["case_meeting_existing_name"] == "おといねっぶ安心生活構築研究会"
    # line 861: name on the same cell after <p>(既存の会議の名称)</p>
    assert row(details, "今別町")["case_meeting_existing_name"] == "支援調整会議(生活困窮者自立支援制度)"
    # lines 3904-3908: names on the following lines, in the name column, bullet dropped
    assert row(details, "松戸市")["case_meeting_existing_name"] == "個別事例検討会"
    assert row(details, "松戸市")["network_meeting_existing_name"] == "福祉相談機関連絡会"
    # line 515-516: label printed, no name
    assert row(details, "広尾町")["case_meeting_existing_name"] is None


def test_rows_without_labels_in_form_order(details):
    # lines 422-423: no (個別事例の検討)/(ネットワーク構築) labels; 月1回 / 年間6回(2ヶ月毎)
    assert meetings(details, "津別町", "case") == (12, 12, 12)
    assert meetings(details, "津別町", "network") == (6, 6, 6)
    assert row(details, "津別町")["case_meeting_existing_name"] == "ひきこもり支援ケース検討会議"
    assert row(details, "津別町")["network_meeting_existing_name"] == "相談支援包括化ネットワーク会議"
    assert "meeting_rows_in_form_order" in rules_for(details, "津別町", "case_meetings_per_year")


def test_same_as_above(details):
    # line 4394-4395: network 上記と同様 / 同上; case 1箇所につき月1回程度
    assert meetings(details, "世田谷区", "case") == (12, 12, 12)
    assert meetings(details, "世田谷区", "network") == (12, 12, 12)
    r = row(details, "世田谷区")
    assert r["network_meeting_existing_name"] == r["case_meeting_existing_name"]
    assert "meeting_same_as_above" in rules_for(details, "世田谷区", "network_meetings_per_year")
    assert "meeting_same_as_above" in rules_for(details, "世田谷区", "network_meeting_existing_name")
    # line 374: 上記メンバー及び開催日程同様 (2カ月に一度 above)
    assert meetings(details, "音威子府村", "network") == (6, 6, 6)


def test_not_a_frequency_issues(details):
    # line 1263-1264: 必要に応じて / 適宜 — no number
    for kind in ("case", "network"):
        assert meetings(details, "岩泉町", kind) == (None, None, None)
        assert checks_for(details, "岩泉町", f"{kind}_meetings_per_year") == {"not_a_frequency"}
    # line 1638: 開催頻度→随時
    assert checks_for(details, "涌谷町", "case_meetings_per_year") == {"not_a_frequency"}
    # line 1168: empty network row
    assert checks_for(details, "矢巾町", "network_meetings_per_year") == {"not_stated"}
    # line 4826: 別紙2(…)参照
    assert checks_for(details, "調布市", "case_meetings_per_year") == {"see_attachment"}
    # 随時 alongside a number: no issue (line 515)
    assert checks_for(details, "広尾町", "case_meetings_per_year") == set()


def test_no_section_4_means_null_without_issues(details):
    for name in ("妹背牛町", "青森県", "中野区"):
        r, _, _, issues = details[name]
        assert all(
            r[c.name] is None for c in DETAIL_COLUMNS if c.name.startswith(("case_", "network_", "qual_", "staff_"))
        )
        assert not [i for i in issues if i.field.startswith(("case_", "network_", "qual_", "staff_"))]


# --- implementer ---------------------------------------------------------------


@pytest.mark.parametrize(
    "name, project, type_, outsourced",
    [
        ("京極町", "takikan", "shakyo", True),  # 166: 京極町(京極町社会福祉協議会)
        ("千葉市", "takikan", "direct", False),  # 4131: 千葉市
        ("千葉市", "chiikiryoku", "shakyo", True),  # 4091: 千葉市(社会福祉法人 千葉市社会福祉協議会)
        ("釧路市", "takikan", "other", True),  # 70: (委託先:一般社団法人 …)
        ("矢巾町", "takikan", "direct", False),  # 1157: 矢巾町(直営)
        ("矢巾町", "chiikiryoku", "shakyo", True),  # 1117: 社会福祉法人 矢巾町社会福祉協議会(一部委託) 矢巾町
        ("音威子府村", "takikan", "npo", True),  # 363: 村 (NPO法人、食生活改善協議会、社会福祉協議会)
        ("音威子府村", "chiikiryoku", "direct", False),  # 315: 音威子府村
        ("那須烏山市", "takikan", "social_welfare_corp", True),  # 2942: (社会福祉法人 大和久福祉会)
        ("石巻市", "takikan", "other", True),  # 1528: 公益財団法人共生地域創造財団
        ("石巻市", "chiikiryoku", "social_welfare_corp", True),  # 1482: 社会福祉法人旭壽会、NPO法人… (first named)
        ("郡山市", "takikan", "other", True),  # 2181: 委託:2か所(公益財団法人、社会医療法人) 直営:1か所
        ("鴨川市", "chiikiryoku", "direct", False),  # 3946: ①施主体(委託先) 鴨川市 (garbled label)
        ("鱒ヶ沢町", "takikan", "shakyo", True),  # 800: 鯉ヶ沢町(委託先:社会福祉法人鯉ヶ沢町社会福祉協議会)
        ("鱒ヶ沢町", "chiikiryoku", "direct", False),  # 753: 鱒ヶ沢町
        ("涌谷町", "takikan", "direct", False),  # 1628: 宮城県涌谷町
        ("東海村", "takikan", "shakyo", True),  # 2711: 茨城県那珂郡東海村 (社会福祉法人 東海村社会福祉協議会)
        ("玉村町", "chiikiryoku", "direct", False),  # 3432: 直営
        ("墨田区", "takikan", "shakyo", True),  # 4256: 墨田区社会福祉協議会
        ("世田谷区", "takikan", "social_welfare_corp", True),  # 4383: 委託先である社会福祉法人等 12 法人
        ("那珂川町", "takikan", "npo", True),  # 3344: (NPO 法人…・…社会福祉協議会・社会福祉法人同愛会)
        ("松戸市", "takikan", "other", True),  # 3894: ア松戸市 (イ松戸市医師会)
        ("ひたちなか市", "takikan", "other", True),  # 2415: コミュニティ
        ("狛江市", "chiikiryoku", "shakyo", True),  # 5032: 粕江市(社会福祉法人 粕江市社会福祉協議会)
        ("群馬県", "prefectural", "direct", False),  # 3391: 群馬県
        ("栃木県", "prefectural", "shakyo", True),  # 2762: 栃木県(一部 栃木県社会福祉協議会へ委託)
        ("青森県", "prefectural", "shakyo", True),  # 712: 青森県 (青森県社会福祉協議会)
    ],
)
def test_implementer(details, name, project, type_, outsourced):
    r = row(details, name)
    assert (r[f"implementer_type_{project}"], r[f"implementer_outsourced_{project}"]) == (type_, outsourced)


def test_implementer_raw_and_absent_sections(details):
    assert row(details, "京極町")["implementer_raw_takikan"] == "京極町(京極町社会福祉協議会)"
    assert row(details, "鴨川市")["implementer_raw_chiikiryoku"] == "鴨川市"
    for project in ("takikan", "prefectural"):  # 妹背牛町 has section 3 only
        r = row(details, "妹背牛町")
        assert r[f"implementer_type_{project}"] is None and r[f"implementer_outsourced_{project}"] is None
        assert r[f"implementer_raw_{project}"] is None
    assert row(details, "千葉市")["implementer_type_prefectural"] is None


def test_implementer_unclear_is_null_with_issue(details):
    # line 1830: (委託先) (市全体の体制整備の中で実施)
    r = row(details, "湯沢市")
    assert r["implementer_type_chiikiryoku"] is None and r["implementer_outsourced_chiikiryoku"] is None
    assert checks_for(details, "湯沢市", "implementer_type_chiikiryoku") == {"implementer_unclear"}
    assert r["implementer_type_takikan"] == "social_welfare_corp"  # 1872: 社会福祉法人 雄勝なごみ会


def test_implementer_rules_logged(details):
    assert "implementer_first_named_type" in rules_for(details, "音威子府村", "implementer_type_takikan")
    # the misprinted own name (鯉ヶ沢町, line 800) does not decide the type when a contractor is named
    assert "implementer_name_variant" not in rules_for(details, "鱒ヶ沢町", "implementer_type_takikan")
    assert "implementer_unlisted_party_is_other" in rules_for(details, "ひたちなか市", "implementer_type_takikan")


# --- 推進員 -------------------------------------------------------------------

QUALS = (
    "qual_social_worker",
    "qual_psych_social_worker",
    "qual_public_health_nurse",
    "qual_care_manager",
    "qual_nurse",
)


def quals(details, name):
    r = row(details, name)
    return tuple(r[q] for q in QUALS)


@pytest.mark.parametrize(
    "name, expected",
    [
        # (social worker, psych SW, public-health nurse, care manager, nurse)
        ("墨田区", (True, True, False, False, False)),  # 4260: 社会福祉士または精神保健福祉士
        ("鷹栖町", (True, False, False, False, False)),  # 268: 町職員(社会福祉士)
        ("矢巾町", (True, False, False, True, True)),  # 1161: 社会福祉士、介護支援専門員 … 主任介護支援専門員、看護師
        ("郡山市", (True, False, True, True, True)),  # 2185: 保健師, 主任介護支援専門員, 看護師, 社会福祉士
        ("井川町", (True, False, False, True, False)),  # 1936: 社会福祉士・社会福祉主事・…・主任ケアマネ・介護福祉士
        ("那須烏山市", (False, False, False, False, False)),  # 2946: 社会福祉主事 only
        ("石巻市", (False, False, False, False, False)),  # 1532: 社会福祉主事, 相談支援専門員 … no listed qualification
        ("鳩山町", (True, True, False, False, False)),  # 3800: 保健師 only in "(…保健師、…と連携を図る。)"
        ("世田谷区", (True, False, True, True, False)),  # 4387: 保健師、社会福祉士、主任介護支援専門員
        ("野木町", (True, False, True, False, False)),  # 3158: 保健師: … 社会福祉士: …
        (
            "那珂川町",
            (True, True, True, False, True),
        ),  # 3348: いずれかの資格: 社会福祉士、精神保健福祉士、保健師、看護師、介護福祉士
        ("高根沢町", (False, False, False, False, False)),  # 3252: 役場職員(一般事務)
    ],
)
def test_qualifications(details, name, expected):
    assert quals(details, name) == expected


@pytest.mark.parametrize(
    "name, expected",
    [
        ("鷹栖町", True),  # 268: 町職員
        ("高根沢町", True),  # 3252: 役場職員
        ("仙台市", False),  # 1728: 仙台市社会福祉協議会職員
        ("京極町", False),  # 170: 社会福祉協議会の権利擁護担当部署において…
        ("東海村", False),  # 2717: 東海村社会福祉協議会に入局
        ("江戸川区", False),  # 4615: 社会福祉協議会固有職員3名、業務委託社会福祉法人等職員6名
        ("小田原市", False),  # 5347: (小田原市社協職員9年目)
        ("千葉市", False),  # 4135: 千葉市社会福祉協議会が6区に配置しているCSW
        ("郡山市", None),  # 2185: 委託先(…) … 直営:一般事務 — both
        ("藤沢市", None),  # 5259: 直営: … 委託: …
        ("狛江市", None),  # 5076: 市福祉相談課職員及び社会福祉協議会コミュニティソーシャルワーカー
        ("国立市", None),  # 4988: 1名が人事交流中の市職員 (others not said)
        ("墨田区", None),  # 4260: qualifications only
    ],
)
def test_staff_municipal(details, name, expected):
    assert row(details, name)["staff_municipal"] is expected


def test_empty_background_is_null(details):
    # line 667: ⑤ printed with no text
    assert quals(details, "札幌市") == (None,) * 5
    assert row(details, "札幌市")["staff_municipal"] is None
    assert checks_for(details, "札幌市", "qual_social_worker") == {"not_stated"}
    assert checks_for(details, "郡山市", "staff_municipal") == {"mixed_employers"}


# =============================================================================
# Rules, unit by unit
# =============================================================================


def freq(text):
    f = read_frequency(text)
    return f.per_year, f.low, f.high


@pytest.mark.parametrize(
    "text, expected",
    [
        ("毎月開催。", (12, 12, 12)),
        ("月1回", (12, 12, 12)),
        ("月1回程度", (12, 12, 12)),
        ("毎月1回", (12, 12, 12)),
        ("毎月2回", (24, 24, 24)),
        ("毎月第1木曜日開催(年12回)", (12, 12, 12)),
        ("2カ月に一度の定期開催", (6, 6, 6)),
        ("2ヶ月毎", (6, 6, 6)),
        ("3ヶ月に1回程度", (4, 4, 4)),
        ("3か月1回", (4, 4, 4)),
        ("隔月", (6, 6, 6)),
        ("隔週", (26, 26, 26)),
        ("毎週", (52, 52, 52)),
        ("週2回", (104, 104, 104)),
        ("年4回", (4, 4, 4)),
        ("年間6回", (6, 6, 6)),
        ("年二回", (2, 2, 2)),
        ("年に4～10回", (None, 4, 10)),
        ("年間3回～4回", (None, 3, 4)),
        ("1回/1～3か月", (None, 4, 12)),
        ("1回/3か月", (4, 4, 4)),
        ("4 回/年", (4, 4, 4)),
        ("1回/月", (12, 12, 12)),
        ("定期的(3~4か月ごと)", (None, 3, 4)),
        ("半年に1回", (2, 2, 2)),
        ("四半期ごと", (4, 4, 4)),
        ("2年に1回", (0.5, 0.5, 0.5)),
        ("2月に1回～半年に1回", (None, 2, 6)),
        ("月 1 回～月 2 回", (None, 12, 24)),
        ("5月頃から月1回程度開催", (12, 12, 12)),
        ("月１回", (12, 12, 12)),
        ("年１２回", (12, 12, 12)),
    ],
)
def test_read_frequency(text, expected):
    assert freq(text) == expected


@pytest.mark.parametrize("text", ["随時開催", "必要に応じて開催する。", "その都度、関係機関を招集", "適宜開催"])
def test_as_needed_is_not_a_frequency(text):
    f = read_frequency(text)
    assert (f.per_year, f.low, f.high) == (None, None, None)
    assert f.problem is not None and f.problem.check == "not_a_frequency"


def test_as_needed_with_a_number_is_read_without_issue():
    f = read_frequency("月1回定例会と緊急案件発生による随時開催")
    assert f.per_year == 12 and f.problem is None


@pytest.mark.parametrize(
    "text, check",
    [
        ("", "not_stated"),
        ("別紙2参照", "see_attachment"),
        ("参加者は15名で構成", "no_frequency"),
        ("10 月 15 日現在の実績", "no_frequency"),
        ("8050問題に対応する", "no_frequency"),
    ],
)
def test_no_frequency_problems(text, check):
    f = read_frequency(text)
    assert f.low is None and f.problem.check == check


def test_rule_series_summed():
    f = read_frequency("代表者会議は年1回、実務者会議は年2回、個別会議は随時。")
    assert (f.per_year, "meeting_series_summed" in f.rules) == (3, True)
    f = read_frequency("・相談窓口定例会 1回/月 ・虐待個別事例検討会 1回/月")
    assert f.per_year == 24


def test_adjacent_different_frequencies_are_two_series():
    f = read_frequency("ケース会議月1回 全体会年4回")
    assert f.per_year == 16 and "meeting_restated_frequency" not in f.rules
    assert read_frequency("月1回毎月第2木曜日").per_year == 12


def test_rule_sum_of_ranges_keeps_bounds():
    f = read_frequency("・全体会:年4回 ・分科会:年1～2回")
    assert (f.per_year, f.low, f.high) == (None, 5, 6)


def test_rule_total_with_breakdown():
    f = read_frequency("「ネットワーク構築会議」(年2回程度) (1)事例検討会(年1回程度) (2)研修会(年1回程度)")
    assert f.per_year == 2 and "meeting_total_with_breakdown" in f.rules
    # with only two series an equal pair is two meetings, not a total
    assert read_frequency("・定例会 1回/月 ・検討会 1回/月").per_year == 24


def test_rule_restated_frequency():
    f = read_frequency("支援調整会議 年3回(本年度4回)")
    assert (f.per_year, f.low, f.high) == (None, 3, 4) and "meeting_restated_frequency" in f.rules
    f = read_frequency("年間6回(2ヶ月毎の定期開催)")
    assert f.per_year == 6 and "meeting_restated_frequency" not in f.rules


def test_rule_per_unit():
    for text, value in [
        ("各区において、年1回(場合によっては、それ以上)の開催", 1),
        ("中学校区ごとに月一回開催(8地区×12月=96回)", 12),
        ("開催数: 1箇所につき月1回程度", 12),
    ]:
        f = read_frequency(text)
        assert f.per_year == value and "meeting_frequency_per_unit" in f.rules, text
    assert "meeting_frequency_per_unit" not in read_frequency("月1回開催する全6区CSWの会議").rules


def test_rule_plan_and_fiscal_year_counts():
    assert read_frequency("合計 15 回").per_year == 15
    assert read_frequency("開催件数 20件").per_year == 20
    assert read_frequency("参加者20件の相談").low is None  # 件 without a count label
    assert read_frequency("5回").low is None  # a bare count without a label
    f = read_frequency("H29:4回 H30:6回")
    assert f.per_year == 6 and "meeting_latest_fiscal_year_count" in f.rules


# --- implementer unit rules ---------------------------------------------------


@pytest.mark.parametrize(
    "text, entity, type_, outsourced",
    [
        ("京極町(京極町社会福祉協議会)", "京極町", "shakyo", True),
        ("京極町", "京極町", "direct", False),
        ("(委託先) 直営", "玉村町", "direct", False),
        ("市", "某市", "direct", False),
        ("株式会社ABC", "某市", "other", True),
        ("某市(一般社団法人 X)", "某市", "other", True),
        ("某市(公益財団法人X財団)", "某市", "other", True),
        ("某町(特定非営利活動法人ほげ)", "某町", "npo", True),
        ("某町(ＮＰＯ法人ほげ)", "某町", "npo", True),
        ("某町(社会福祉法人ほげ会)", "某町", "social_welfare_corp", True),
        ("社会福祉法人 某町社会福祉協議会", "某町", "shakyo", True),
        ("某町社協", "某町", "shakyo", True),
        ("東京都某区 (社会福祉法人 某区社会福祉協議会)", "某区", "shakyo", True),
        ("某市及び社会福祉法人某市社会福祉協議会", "某市", "shakyo", True),
        ("某市(NPO法人A、社会福祉法人B会)", "某市", "npo", True),
        ("某市(まちづくり協議会)", "某市", "other", True),
    ],
)
def test_read_implementer(text, entity, type_, outsourced):
    r = read_implementer(text, entity)
    assert (r.type, r.outsourced) == (type_, outsourced)
    assert r.problem is None


def test_implementer_first_named_and_variants():
    assert "implementer_first_named_type" in read_implementer("某市(NPO法人A、社会福祉法人B会)", "某市").rules
    r = read_implementer("鯉ヶ沢町", "鰺ヶ沢町")
    assert (r.type, r.rules) == ("direct", ("implementer_name_variant",))
    assert read_implementer("茨城県那珂郡東海村", "東海村").type == "direct"


@pytest.mark.parametrize(
    "text, check",
    [
        ("", "not_stated"),
        ("(委託先)", "not_stated"),
        ("(市全体の体制整備の中で実施)", "implementer_unclear"),
        ("某市(一部委託)", "contractor_not_named"),
    ],
)
def test_implementer_problems(text, check):
    r = read_implementer(text, "某市")
    assert r.type is None and r.problem.check == check
    if check == "contractor_not_named":
        assert r.outsourced is True


# --- 推進員 unit rules --------------------------------------------------------


def bg(text):
    b = read_background(text)
    return tuple(b.quals[q] for q in QUALS), b.staff_municipal


@pytest.mark.parametrize(
    "text, expected_quals",
    [
        ("社会福祉士", (True, False, False, False, False)),
        ("社会福祉主事", (False, False, False, False, False)),
        ("精神保健福祉士", (False, True, False, False, False)),
        ("保健師", (False, False, True, False, False)),
        ("看護師", (False, False, False, False, True)),
        ("介護福祉士", (False, False, False, False, False)),
        ("相談支援専門員", (False, False, False, False, False)),
        ("主任介護支援専門員", (False, False, False, True, False)),
        ("主任ケアマネ", (False, False, False, True, False)),
        ("社会福祉士の資格は不要", (False, False, False, False, False)),
        ("社会福祉士(必要に応じ保健師と連携を図る。)", (True, False, False, False, False)),
    ],
)
def test_read_background_quals(text, expected_quals):
    assert bg(text)[0] == expected_quals


@pytest.mark.parametrize(
    "text, expected",
    [
        ("市職員(社会福祉士)", True),
        ("役場職員", True),
        ("区の職員", True),
        ("直営", True),
        ("社会福祉協議会職員", False),
        ("社協職員", False),
        ("社会福祉法人A会に入職", False),
        ("委託先の相談員", False),
        ("法人職員", False),
        ("直営:社会福祉士 委託:社会福祉士", None),
        ("社会福祉士", None),
        ("社会福祉協議会勤務経験あり", None),
        ("3名のうち1名が市職員", None),
    ],
)
def test_read_background_staff(text, expected):
    assert bg(text)[1] is expected


def test_empty_background():
    b = read_background("  ")
    assert all(v is None for v in b.quals.values()) and b.staff_municipal is None
    assert b.problem.check == "not_stated"


# =============================================================================
# Properties of the frequency reader
# =============================================================================

_FULL = str.maketrans("0123456789", "０１２３４５６７８９")
#: Filler text that holds no frequency words, digits or unit characters.
_FILLER = st.text(alphabet="会議開催参加者地域包括支援をのでにはが、。 ", max_size=12)


def _digits(n: int, full: bool) -> str:
    return str(n).translate(_FULL) if full else str(n)


@settings(max_examples=150, deadline=None)
@given(n=st.integers(1, 50), full=st.booleans(), sp=st.sampled_from(["", " ", "　"]), pre=_FILLER, post=_FILLER)
def test_property_month(n, full, sp, pre, post):
    assert freq(f"{pre}月{sp}{_digits(n, full)}{sp}回{post}") == (12 * n, 12 * n, 12 * n)


@settings(max_examples=150, deadline=None)
@given(
    n=st.integers(1, 400),
    full=st.booleans(),
    sp=st.sampled_from(["", " ", "　"]),
    pre=_FILLER,
    post=_FILLER,
    form=st.sampled_from(["年{sp}{n}{sp}回", "年間{sp}{n}{sp}回", "年に{sp}{n}{sp}回", "{n}{sp}回/年"]),
)
def test_property_year(n, full, sp, pre, post, form):
    assert freq(pre + form.format(n=_digits(n, full), sp=sp) + post) == (n, n, n)


@settings(max_examples=150, deadline=None)
@given(n=st.integers(1, 7), full=st.booleans(), pre=_FILLER, post=_FILLER)
def test_property_week(n, full, pre, post):
    assert freq(f"{pre}週{_digits(n, full)}回{post}") == (52 * n, 52 * n, 52 * n)


@settings(max_examples=200, deadline=None)
@given(
    a=st.integers(1, 30),
    d=st.integers(1, 30),
    full=st.booleans(),
    sep=st.sampled_from(["～", "〜", "-", "~", "－", " ～ "]),
    unit=st.sampled_from([("年", 1), ("月", 12), ("週", 52)]),
    pre=_FILLER,
    post=_FILLER,
)
def test_property_ranges(a, d, full, sep, unit, pre, post):
    b = a + d
    u, mult = unit
    text = f"{pre}{u}{_digits(a, full)}{sep}{_digits(b, full)}回{post}"
    assert freq(text) == (None, a * mult, b * mult)


@settings(max_examples=100, deadline=None)
@given(
    m=st.sampled_from([1, 2, 3, 4, 6, 12]),
    full=st.booleans(),
    form=st.sampled_from(["{m}か月に1回", "{m}ヶ月に一度", "1回/{m}か月", "{m}カ月毎"]),
)
def test_property_interval(m, full, form):
    v = 12 / m
    assert freq(form.format(m=_digits(m, full))) == (v, v, v)


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet="0123456789０１２３年月週回度毎隔半か月ヶ/～-、。・()随時各区ごとに程度以上合計件数H:", max_size=40
    )
)
def test_property_any_text_is_consistent(text):
    f = read_frequency(text)
    if f.low is None:
        assert f.high is None and f.per_year is None and f.problem is not None
    else:
        assert f.low <= f.high and f.problem is None
        assert f.per_year == (f.low if f.low == f.high else None)
        assert f.low >= 0
