"""The named cleaning rules, declared once as data.

Every value that is not exactly what was printed gets a correction in
``corrections.csv`` naming one of these rules. :data:`RULE_ROWS` is the only
place a rule is declared: ``rules.csv`` (:func:`study.clean.schema.rules_frame`)
and ``docs/rules.md`` (:func:`rules_markdown`, written by
``python -m study.clean.rules``) are generated from it. The readers name a rule
by its constant, ``RULES.join_split_thousands``, never by a string literal; the
ledger refuses an id that is not in the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class Rule:
    """One cleaning rule: id, the reader that applies it, the column(s) it corrects, what it does, an example.

    ``example`` is ``printed text → value written`` (for the column named in ``field``);
    ``label_ja`` / ``label_en`` name the rule for readers of the reports (chart legends, audit tables).
    """

    id: str
    reader: str
    field: str
    description: str
    example: str
    label_ja: str  #: short Japanese label for readers (legends, tables)
    label_en: str  #: short English label for readers (legends, tables)


RULE_ROWS: tuple[Rule, ...] = (
    # --- place names (study.clean.municipalities) ---------------------------------------------
    Rule(
        "add_missing_suffix",
        "municipalities",
        "prefecture, municipality",
        "A name printed without its 市/町/村/区 suffix takes the suffix of the only official name that fits.",
        "京極 → 京極町",
        label_ja="市町村名の接尾辞を補う",
        label_en="place name: suffix added",
    ),
    Rule(
        "normalise_small_ke",
        "municipalities",
        "prefecture, municipality",
        "A name printed with ヶ where the official name has ケ (or the reverse) takes the official spelling.",
        "鰺ケ沢町 → 鰺ヶ沢町",
        label_ja="ヶ/ケを公式表記に",
        label_en="place name: ヶ/ケ spelling",
    ),
    Rule(
        "fix_place_name_typo",
        "municipalities",
        "prefecture, municipality",
        "A misprinted place name (``鱒ヶ沢町``) is corrected to the only official name of the prefecture that differs "
        "in one character and has the same length (``鰺ヶ沢町``).",
        "鱒ヶ沢町 → 鰺ヶ沢町",
        label_ja="地名の誤字を訂正",
        label_en="place name: typo fixed",
    ),
    # --- numbers (study.clean.numbers) ------------------------------------------------------------
    Rule(
        "join_split_thousands",
        "numbers",
        "population, households, …; targets.value",
        "Digits split by a space after the thousands comma (``2, 596``) are one number (2,596).",
        "2, 596 (人) → 2596",
        label_ja="桁区切りで分かれた数字を結合",
        label_en="number: split thousands joined",
    ),
    Rule(
        "drop_stray_trailing_dot",
        "numbers",
        "aging_rate_pct, …",
        "A decimal number followed by a second dot (``39.0.``) is read without the stray dot.",
        "39.0. (%) → 39",
        label_ja="末尾の余分な点を除去",
        label_en="number: stray dot dropped",
    ),
    Rule(
        "drop_approximation_qualifier",
        "numbers",
        "community_org_rate_pct, …",
        "A number printed with 約/およそ (about) is read as the number; the qualifier is kept in the raw text.",
        "約 70 (%) → 70",
        label_ja="「約」を外して数値化",
        label_en="number: 'about' dropped",
    ),
    # --- public-assistance rate (study.clean.fields.quantities) -----------------------------------
    Rule(
        "percent_to_permille",
        "quantities",
        "welfare_rate_permille",
        "A public-assistance rate printed in % is converted to ‰ (×10).",
        "4.92 (%) → 49.2",
        label_ja="保護率: %を‰に換算",
        label_en="welfare rate: % → ‰",
    ),
    Rule(
        "percent_sign_on_permille_value",
        "quantities",
        "welfare_rate_permille",
        "A public-assistance rate printed as % whose size only makes sense in ‰ is read as ‰.",
        "12.3 (%) → 12.3",
        label_ja="保護率: %表記の‰値",
        label_en="welfare rate: ‰ value marked %",
    ),
    Rule(
        "fraction_to_permille",
        "quantities",
        "welfare_rate_permille",
        "A public-assistance rate printed as % that is really a fraction (``0.00831``) is read as ×1000 ‰.",
        "0.00831 (%) → 8.31",
        label_ja="保護率: 小数を‰に換算",
        label_en="welfare rate: fraction → ‰",
    ),
    # --- institutions (study.clean.fields.institutions) -------------------------------------------
    Rule(
        "unstated_mode_is_zero",
        "institutions",
        "hokatsu_direct, hokatsu_outsourced, konkyu_direct, konkyu_outsourced",
        "When only one mode is printed (``委託：5か所``), the other mode (直営) is 0 sites.",
        "委託：11 箇所 → hokatsu_direct 0",
        label_ja="記載のない運営形態は0か所",
        label_en="centres: unstated mode = 0",
    ),
    Rule(
        "sum_institution_series",
        "institutions",
        "hokatsu_total, konkyu_total",
        "Several series of the same mode (``市 (直営: 4) 町村部 (直営: 4)``) are summed.",
        "市 (直営: 4 カ所、委託: 9 カ所) 町村部 (直営: 4 カ所) → 17",
        label_ja="複数の内訳を合算",
        label_en="centres: series summed",
    ),
    # --- planned staff (study.clean.fields.staffing) ----------------------------------------------
    Rule(
        "staff_sum_parts",
        "staffing",
        "staff_planned",
        "A staff cell that only lists parts (``常勤1人、非常勤1人``, ``直営:3人 委託:2人``) is their sum.",
        "常勤1人、非常勤1人 → 2",
        label_ja="推進員: 内訳を合計",
        label_en="staff: parts summed",
    ),
    Rule(
        "staff_multiply_each",
        "staffing",
        "staff_planned",
        "``2か所各2人`` (N sites, M each) counts N×M staff.",
        "委託先:2か所各2人 直営:3人 → 7",
        label_ja="推進員: 「各」を掛け算",
        label_en="staff: sites × each",
    ),
    Rule(
        "staff_exclude_non_promoter",
        "staffing",
        "staff_planned",
        "Staff the plan itself says are not 推進員 (``※ただし臨時職員は…推進員ではない``) are subtracted.",
        "2人(正規職員1人、臨時職員1人)※ただし臨時職員は…推進員ではない → 1",
        label_ja="推進員でない職員を除外",
        label_en="staff: non-coordinators removed",
    ),
    # --- quantified targets (study.clean.fields.targets) ------------------------------------------
    Rule(
        "annualise_per_month",
        "targets",
        "targets.annual_value",
        "A target printed per month (月4回, 月平均10件, 1月当たり5件) is annualised ×12 in annual_value.",
        "月4回 → 48",
        label_ja="目標: 月あたりを年換算",
        label_en="target: per month × 12",
    ),
    Rule(
        "annualise_per_week",
        "targets",
        "targets.annual_value",
        "A target printed per week (週1回, 毎週2回) is annualised ×52 in annual_value.",
        "週1回 → 52",
        label_ja="目標: 週あたりを年換算",
        label_en="target: per week × 52",
    ),
    Rule(
        "multiply_factors",
        "targets",
        "targets.value",
        "A target printed only as a product (1か所×30人×12回, 10人×3地区) is the product of its factors.",
        "1か所×30人×12回 → 360",
        label_ja="目標: 掛け算の式を計算",
        label_en="target: product of factors",
    ),
    Rule(
        "multiply_each",
        "targets",
        "targets.value",
        "``3地区に1箇所ずつ`` / ``2地区各5回`` (N areas, M each) is a target of N×M.",
        "3地区に1箇所ずつ → 3",
        label_ja="目標: 「各」「ずつ」を掛け算",
        label_en="target: areas × each",
    ),
    Rule(
        "count_unit_after_period",
        "targets",
        "targets.unit",
        "A number right after 月/週 with no unit (``月1程度の訪問``, ``週2で開催``) counts times: its unit is read as "
        "回.",
        "月1程度の訪問 → 回",
        label_ja="目標: 単位のない回数を「回」に",
        label_en="target: unit read as 回 (times)",
    ),
    Rule(
        "kanji_numeral",
        "targets",
        "targets.value",
        "A kanji numeral (一…九, 十, 百, 千, 万 and mixed 1万2千) followed by a counter or unit is read as that "
        "number (三回 → 3 回); never inside a word (一体的, 一部, 統一, 一人暮らし).",
        "研修会を年三回開催する → 3",
        label_ja="目標: 漢数字を数値に",
        label_en="target: kanji numeral",
    ),
    Rule(
        "kanji_generic_counter",
        "targets",
        "targets.value, targets.unit",
        "A kanji numeral followed by 以上 without a counter (全地区で一以上実施) is read with the generic counter つ "
        "(一以上 = 一つ以上).",
        "居場所や生活支援サービスを全地区で一以上実施する → 1",
        label_ja="目標: 「一以上」を1に",
        label_en="target: 一以上 read as 1",
    ),
    # --- target roles (study.clean.fields.target_roles) -------------------------------------------
    Rule(
        "role_capacity",
        "target_roles",
        "targets.role, targets.is_target",
        "A number after 定員 (the size of a course or place) is a capacity, not a target (role = capacity).",
        "福祉カレッジの開催回数 13 回(定員 15 名) → capacity",
        label_ja="定員は目標でない",
        label_en="number is a capacity",
    ),
    Rule(
        "role_increment",
        "target_roles",
        "targets.role, targets.kind, targets.is_target",
        "An increase (…増, 前年度比…増) printed in a bracket right after an absolute target is its increment (role = "
        "increment); a target stated only as an increase stays a target with kind = increase.",
        "協会員を40名(10名増)にする → increment",
        label_ja="増加分は目標の内訳",
        label_en="number is an increment",
    ),
    Rule(
        "role_scope",
        "target_roles",
        "targets.role, targets.is_target",
        "An area count (地区, 圏域, 中学校区…) after 全, directly followed by the activity's own count, alone in a "
        "bracket after the activity or as a clause of its own (…取り組む。98自治会。), or naming where something "
        "happens (15圏域の会議において), and a count of the people an activity is aimed at (約100名の該当者) give the "
        "scope of the activity, not a target (role = scope).",
        "防災に関する学習(4地区) → scope",
        label_ja="対象範囲は目標でない",
        label_en="number is a scope",
    ),
    Rule(
        "role_current_or_breakdown",
        "target_roles",
        "targets.role, targets.is_target",
        "A number labelled as today's value (現状/現在 in its bracket) or a part (うち/内訳 in its bracket) is a "
        "current value or a breakdown (role = current / breakdown).",
        "相談件数 50件(うち新規 20件) → breakdown (20件)",
        label_ja="現状値・内訳は目標でない",
        label_en="number is current or a part",
    ),
    Rule(
        "pct_from_wari",
        "target_roles",
        "targets.value_pct",
        "A rate printed in 割 is converted to percent in value_pct (7割 → 70); 分 is left alone (it is also minutes "
        "and part of 3分の1).",
        "まず7割程度の解決を目指す → 70",
        label_ja="割を%に換算",
        label_en="target: 割 → %",
    ),
    # --- staffing design (study.clean.fields.staffing_design) -------------------------------------
    Rule(
        "design_single_team",
        "staffing_design",
        "staffing_design",
        "staffing_design = single_team: ⑥ names one body or desk and no item speaks of several sites or of "
        "designating staff of several bodies.",
        "⑥ 町社会福祉協議会 → single_team",
        label_ja="配置: 一つの組織",
        label_en="design: single team",
    ),
    Rule(
        "design_per_site",
        "staffing_design",
        "staffing_design",
        "staffing_design = per_site: the 推進員 are placed at each of several sites, centres or districts "
        "(各センターに1名, 2か所各2人, 1拠点1名, 中学校区ごとに1人, a site count or a list of several bodies in ⑥, an "
        "area unit in ⑥).",
        "④ 3人(各センターに1名) → per_site",
        label_ja="配置: 拠点ごと",
        label_en="design: per site",
    ),
    Rule(
        "design_designated_existing",
        "staffing_design",
        "staffing_design",
        "staffing_design = designated_existing: staff of existing bodies hold the role concurrently (兼任/兼務, "
        "既存業務に追加, 職員を充てる) at several bodies or sites.",
        "④ 20人(専任1名、兼任19人) ⑥ 市社会福祉協議会、地域包括支援センター → designated_existing",
        label_ja="配置: 既存職員の兼任",
        label_en="design: existing staff designated",
    ),
    Rule(
        "design_unclear",
        "staffing_design",
        "staffing_design",
        "staffing_design = unclear: the text supports two readings (2拠点に1名: one in total or one each?) or does "
        "not say where the 推進員 sit; an issue is logged.",
        "④ 2拠点に1名配置 → unclear",
        label_ja="配置: 不明確",
        label_en="design: unclear",
    ),
    Rule(
        "staff_sites_count_listed",
        "staffing_design",
        "staff_sites",
        "staff_sites counts the bodies listed in ⑥ when the list is unambiguous (separated by 、, 及び, ア/イ, ・ "
        "bullets, 直営/委託 labels; a bracket of names after a type counts its names; no 等/など).",
        "⑥ 福祉相談課及び社会福祉協議会 → 2",
        label_ja="配置先: 列挙された数",
        label_en="sites: bodies listed",
    ),
    Rule(
        "staff_sites_from_each",
        "staffing_design",
        "staff_sites",
        "staff_sites = planned ÷ the number per site when only 各<site> N名 is printed (9人(各なごみの家1名) → 9).",
        "④ 9人(各なごみの家1名) → 9",
        label_ja="配置先: 人数÷各拠点の人数",
        label_en="sites: staff ÷ each",
    ),
    Rule(
        "staff_sites_from_centre_count",
        "staffing_design",
        "staff_sites",
        "staff_sites = the entity's 地域包括支援センター count (1-1) when the 推進員 are placed at "
        "各地域包括支援センター.",
        "④ 5人(各地域包括支援センターに1名) 1-1 直営：0 か所，委託：5 か所 → 5",
        label_ja="配置先: 包括センター数",
        label_en="sites: centre count",
    ),
    Rule(
        "designation_fills_concurrent",
        "staffing_design",
        "staff_concurrent, staff_dedicated",
        "When the plan says the 推進員 are existing staff holding the role concurrently and prints no 専任/兼任 "
        "split, staff_concurrent = staff_planned and staff_dedicated = 0.",
        "③ 相談支援包括化推進員(各センターの相談員が兼務)を配置する。 ④ 5人 ⑥ A センター、B センター → 5",
        label_ja="兼任の記載から兼任数を補う",
        label_en="staff: all concurrent",
    ),
    # --- catchment (study.clean.fields.catchment) -------------------------------------------------
    Rule(
        "area_scope",
        "catchment",
        "project_areas.target_area_scope",
        "target_area_scope from the printed (対象地域)/(対象地域の範囲): whole for 全域/全体/全市…, a bare 市内/町内 "
        "or the municipality's name; part for named districts, one ward, モデル地区, …のうち…; unclear (with an "
        "issue) where both are printed.",
        "(対象地域) 東地区 → part",
        label_ja="対象地域: 全域か一部か",
        label_en="area: whole or part",
    ),
    Rule(
        "area_population_approx",
        "catchment",
        "project_areas.target_area_population",
        "A population printed with 約 (約 64,000 人) is used as printed; it is approximate.",
        "約 64,000 人 → 64000",
        label_ja="対象人口: 約の値",
        label_en="area: approximate population",
    ),
    Rule(
        "catchment_default_whole",
        "catchment",
        "catchment_scope",
        "A multi-agency project (section 4) whose section names no area covers the whole municipality "
        "(catchment_scope = whole).",
        "section 4 names no area → whole",
        label_ja="事業範囲: 記載なしは全域",
        label_en="catchment: whole by default",
    ),
    Rule(
        "catchment_part_named",
        "catchment",
        "catchment_scope",
        "catchment_scope = part where section 4 says the project runs in part of the municipality "
        "(1行政区においてモデル実施, モデル3地区(…)において, 1地区で試行).",
        "④ 1人 (1行政区においてモデル実施) → part",
        label_ja="事業範囲: 一部地域",
        label_en="catchment: part named",
    ),
    Rule(
        "catchment_joint",
        "catchment",
        "catchment_scope",
        "catchment_scope = unclear (with an issue) where section 4 says the project is run jointly with neighbouring "
        "municipalities (近隣3町村…共同).",
        "③ 近隣3町村と共同で実施する → unclear",
        label_ja="事業範囲: 近隣と共同",
        label_en="catchment: joint project",
    ),
    Rule(
        "catchment_population_whole",
        "catchment",
        "catchment_population",
        "catchment_population = the 1-1 population where catchment_scope = whole.",
        "section 4 names no area, 1-1 人口 3,004 (人) → 3004",
        label_ja="事業範囲の人口 = 総人口",
        label_en="catchment: whole population",
    ),
    Rule(
        "catchment_population_from_area_item",
        "catchment",
        "catchment_population",
        "catchment_population = the printed (人口) of a section-3 area whose names are the ones section 4 names (the "
        "same model districts).",
        "モデル地区(東地区)において実施; 3. (対象地域) 東地区 (人口) 800 人 → 800",
        label_ja="事業範囲の人口を対象地域から",
        label_en="catchment: area population",
    ),
    # --- meetings (study.clean.fields.plan_details) -----------------------------------------------
    Rule(
        "meeting_series_summed",
        "plan_details",
        "case_meetings_per_year, network_meetings_per_year",
        "Several distinct meeting series listed for one row (per meeting, bullet, sentence or line) are summed into "
        "meetings per year.",
        "推進会議(年1回)、ケース会議(年2回) → 3",
        label_ja="会議: 複数の会議を合算",
        label_en="meetings: series summed",
    ),
    Rule(
        "meeting_total_with_breakdown",
        "plan_details",
        "case_meetings_per_year, network_meetings_per_year",
        "Of three or more meeting series, one that equals the sum of the others is a total followed by its breakdown "
        "and is taken alone.",
        "年2回 (1)…年1回 (2)…年1回 → 2",
        label_ja="会議: 合計と内訳は合計のみ",
        label_en="meetings: total, not breakdown",
    ),
    Rule(
        "meeting_restated_frequency",
        "plan_details",
        "case_meetings_per_year, network_meetings_per_year",
        "Two frequencies for the same meeting series (one in brackets or a ※ note right after the other) that differ "
        "are read as a range.",
        "年3回(本年度4回) → 3-4",
        label_ja="会議: 二つの頻度を範囲に",
        label_en="meetings: restated → range",
    ),
    Rule(
        "meeting_frequency_per_unit",
        "plan_details",
        "case_meetings_per_year, network_meetings_per_year",
        "A meeting held separately in each ward, district or site (各区において年1回, 校区ごとに月1回) is counted per "
        "unit, not multiplied by the number of units.",
        "各区において、年1回 → 1",
        label_ja="会議: 地区ごとの頻度",
        label_en="meetings: per ward or district",
    ),
    Rule(
        "meeting_plan_count_per_year",
        "plan_details",
        "case_meetings_per_year, network_meetings_per_year",
        "A bare count of meetings in the plan (実施予定回数 140回, 合計15回, 開催件数20件) is read as meetings in the "
        "plan year.",
        "実施予定回数 140回 → 140",
        label_ja="会議: 予定回数を年あたりに",
        label_en="meetings: planned count",
    ),
    Rule(
        "meeting_latest_fiscal_year_count",
        "plan_details",
        "case_meetings_per_year, network_meetings_per_year",
        "Counts printed per fiscal year (H29:4回 H30:4回) are read as meetings per year, using the latest year "
        "printed.",
        "H29:4回 H30:6回 → 6",
        label_ja="会議: 最新年度の回数",
        label_en="meetings: latest fiscal year",
    ),
    Rule(
        "meeting_same_as_above",
        "plan_details",
        "network_meetings_per_year, network_meeting_existing_name",
        "A network-building row that only says it is the same as the row above (同上, 上記と同様) takes the "
        "case-review row's value.",
        "(ネットワーク構築) 同上 → the case-review value",
        label_ja="会議: 「同上」を上の行から",
        label_en="meetings: same as above",
    ),
    Rule(
        "meeting_rows_in_form_order",
        "plan_details",
        "case_meetings_per_year, network_meetings_per_year",
        "Without the (個別事例の検討)/(ネットワーク構築) labels, the two rows of ⑦イ are read in the form's order: "
        "case review, then network.",
        "two unlabelled lines 月1回 / 年2回 → case 12, network 2",
        label_ja="会議: 様式の順に読む",
        label_en="meetings: rows in form order",
    ),
    # --- implementers (study.clean.fields.plan_details) -------------------------------------------
    Rule(
        "implementer_first_named_type",
        "plan_details",
        "implementer_type_*",
        "When contractors of different kinds are named, the implementer type is the kind of the first one named.",
        "村 (NPO法人、食生活改善協議会、社会福祉協議会) → npo",
        label_ja="実施主体: 最初の種別",
        label_en="implementer: first named type",
    ),
    Rule(
        "implementer_unlisted_party_is_other",
        "plan_details",
        "implementer_type_*",
        "A named organisation of no listed kind (…協議会, …組織, コミュニティ) is typed 'other'.",
        "市，コミュニティ組織 → other",
        label_ja="実施主体: その他",
        label_en="implementer: other",
    ),
    Rule(
        "implementer_name_variant",
        "plan_details",
        "implementer_type_*",
        "A local-government name that differs from the entity's printed name by a misprinted character (鯉ヶ沢町 for "
        "鰺ヶ沢町) is the entity itself.",
        "鯉ヶ沢町 (entity 鰺ヶ沢町) → direct",
        label_ja="実施主体: 自治体名の誤字",
        label_en="implementer: name misprinted",
    ),
)

#: The rule ids as constants: ``RULES.join_split_thousands == "join_split_thousands"`` (a ``str``).
RULES = StrEnum("RULES", [(r.id, r.id) for r in RULE_ROWS])  # type: ignore[misc]
#: Rule id -> its row.
RULE_BY_ID: dict[str, Rule] = {r.id: r for r in RULE_ROWS}
assert len(RULE_BY_ID) == len(RULE_ROWS), "duplicate rule id"

#: Columns of ``rules.csv`` and of the table in ``docs/rules.md``, in order.
RULE_FIELDS = ("rule", "description", "reader", "field", "example", "label_ja", "label_en")


def rule_rows() -> list[dict[str, str]]:
    """One dict per rule (keys :data:`RULE_FIELDS`), sorted by id: the rows of ``rules.csv``."""
    return [
        {
            "rule": r.id,
            "description": r.description,
            "reader": r.reader,
            "field": r.field,
            "example": r.example,
            "label_ja": r.label_ja,
            "label_en": r.label_en,
        }
        for r in sorted(RULE_ROWS, key=lambda r: r.id)
    ]


def rules_markdown() -> str:
    """``docs/rules.md``: the rule table as Markdown, grouped by reader in table order."""
    out = [
        "# Cleaning rules",
        "",
        "<!-- Generated from study.clean.rules.RULE_ROWS by `python -m study.clean.rules`; do not edit. -->",
        "",
        "Every value written to `data/processed/` that is not exactly what the plan printed has a row in",
        "`corrections.csv` naming one of these rules (the same table is `rules.csv`). A value that cannot be",
        "read without guessing is left null with a row in `issues.csv` instead.",
        "",
    ]
    readers = list(dict.fromkeys(r.reader for r in RULE_ROWS))
    for reader in readers:
        out += [
            f"## {reader}",
            "",
            "| rule | label | corrects | what it does | example (printed → value) |",
            "| --- | --- | --- | --- | --- |",
        ]
        out += [
            f"| `{r.id}` | {_cell(r.label_en)}<br>{_cell(r.label_ja)} | {_cell(r.field)} | {_cell(r.description)} | "
            f"{_cell(r.example)} |"
            for r in RULE_ROWS
            if r.reader == reader
        ]
        out.append("")
    return "\n".join(out)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("``", "`")


if __name__ == "__main__":  # pragma: no cover - the generator of docs/rules.md
    import sys

    from study.paths import project_root

    path = project_root() / "docs" / "rules.md"
    path.write_text(rules_markdown(), encoding="utf-8")
    sys.stdout.write(f"wrote {path}\n")
