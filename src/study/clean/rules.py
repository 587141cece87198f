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

    ``example`` is ``printed text → value written`` (for the column named in ``field``).
    """

    id: str
    reader: str
    field: str
    description: str
    example: str


RULE_ROWS: tuple[Rule, ...] = (
    # --- place names (study.clean.municipalities) ---------------------------------------------
    Rule("add_missing_suffix", "municipalities", "prefecture, municipality",
         "A name printed without its 市/町/村/区 suffix takes the suffix of the only official name that fits.",
         "京極 → 京極町"),
    Rule("normalise_small_ke", "municipalities", "prefecture, municipality",
         "A name printed with ヶ where the official name has ケ (or the reverse) takes the official spelling.",
         "鰺ケ沢町 → 鰺ヶ沢町"),
    Rule("fix_place_name_typo", "municipalities", "prefecture, municipality",
         "A misprinted place name (``鱒ヶ沢町``) is corrected to the only official name of the prefecture that differs in one character and has the same length (``鰺ヶ沢町``).",
         "鱒ヶ沢町 → 鰺ヶ沢町"),
    # --- numbers (study.clean.numbers) ------------------------------------------------------------
    Rule("join_split_thousands", "numbers", "population, households, …; targets.value",
         "Digits split by a space after the thousands comma (``2, 596``) are one number (2,596).",
         "2, 596 (人) → 2596"),
    Rule("drop_stray_trailing_dot", "numbers", "aging_rate_pct, …",
         "A decimal number followed by a second dot (``39.0.``) is read without the stray dot.",
         "39.0. (%) → 39"),
    Rule("drop_approximation_qualifier", "numbers", "community_org_rate_pct, …",
         "A number printed with 約/およそ (about) is read as the number; the qualifier is kept in the raw text.",
         "約 70 (%) → 70"),
    # --- public-assistance rate (study.clean.fields.quantities) -----------------------------------
    Rule("percent_to_permille", "quantities", "welfare_rate_permille",
         "A public-assistance rate printed in % is converted to ‰ (×10).",
         "4.92 (%) → 49.2"),
    Rule("percent_sign_on_permille_value", "quantities", "welfare_rate_permille",
         "A public-assistance rate printed as % whose size only makes sense in ‰ is read as ‰.",
         "12.3 (%) → 12.3"),
    Rule("fraction_to_permille", "quantities", "welfare_rate_permille",
         "A public-assistance rate printed as % that is really a fraction (``0.00831``) is read as ×1000 ‰.",
         "0.00831 (%) → 8.31"),
    # --- institutions (study.clean.fields.institutions) -------------------------------------------
    Rule("unstated_mode_is_zero", "institutions", "hokatsu_direct, hokatsu_outsourced, konkyu_direct, konkyu_outsourced",
         "When only one mode is printed (``委託：5か所``), the other mode (直営) is 0 sites.",
         "委託：11 箇所 → hokatsu_direct 0"),
    Rule("sum_institution_series", "institutions", "hokatsu_total, konkyu_total",
         "Several series of the same mode (``市 (直営: 4) 町村部 (直営: 4)``) are summed.",
         "市 (直営: 4 カ所、委託: 9 カ所) 町村部 (直営: 4 カ所) → 17"),
    # --- planned staff (study.clean.fields.staffing) ----------------------------------------------
    Rule("staff_sum_parts", "staffing", "staff_planned",
         "A staff cell that only lists parts (``常勤1人、非常勤1人``, ``直営:3人 委託:2人``) is their sum.",
         "常勤1人、非常勤1人 → 2"),
    Rule("staff_multiply_each", "staffing", "staff_planned",
         "``2か所各2人`` (N sites, M each) counts N×M staff.",
         "委託先:2か所各2人 直営:3人 → 7"),
    Rule("staff_exclude_non_promoter", "staffing", "staff_planned",
         "Staff the plan itself says are not 推進員 (``※ただし臨時職員は…推進員ではない``) are subtracted.",
         "2人(正規職員1人、臨時職員1人)※ただし臨時職員は…推進員ではない → 1"),
    # --- quantified targets (study.clean.fields.targets) ------------------------------------------
    Rule("annualise_per_month", "targets", "targets.annual_value",
         "A target printed per month (月4回, 月平均10件, 1月当たり5件) is annualised ×12 in annual_value.",
         "月4回 → 48"),
    Rule("annualise_per_week", "targets", "targets.annual_value",
         "A target printed per week (週1回, 毎週2回) is annualised ×52 in annual_value.",
         "週1回 → 52"),
    Rule("multiply_factors", "targets", "targets.value",
         "A target printed only as a product (1か所×30人×12回, 10人×3地区) is the product of its factors.",
         "1か所×30人×12回 → 360"),
    Rule("multiply_each", "targets", "targets.value",
         "``3地区に1箇所ずつ`` / ``2地区各5回`` (N areas, M each) is a target of N×M.",
         "3地区に1箇所ずつ → 3"),
    Rule("count_unit_after_period", "targets", "targets.unit",
         "A number right after 月/週 with no unit (``月1程度の訪問``, ``週2で開催``) counts times: its unit is read as 回.",
         "月1程度の訪問 → 回"),
    # --- meetings (study.clean.fields.plan_details) -----------------------------------------------
    Rule("meeting_series_summed", "plan_details", "case_meetings_per_year, network_meetings_per_year",
         "Several distinct meeting series listed for one row (per meeting, bullet, sentence or line) are summed into meetings per year.",
         "推進会議(年1回)、ケース会議(年2回) → 3"),
    Rule("meeting_total_with_breakdown", "plan_details", "case_meetings_per_year, network_meetings_per_year",
         "Of three or more meeting series, one that equals the sum of the others is a total followed by its breakdown and is taken alone.",
         "年2回 (1)…年1回 (2)…年1回 → 2"),
    Rule("meeting_restated_frequency", "plan_details", "case_meetings_per_year, network_meetings_per_year",
         "Two frequencies for the same meeting series (one in brackets or a ※ note right after the other) that differ are read as a range.",
         "年3回(本年度4回) → 3-4"),
    Rule("meeting_frequency_per_unit", "plan_details", "case_meetings_per_year, network_meetings_per_year",
         "A meeting held separately in each ward, district or site (各区において年1回, 校区ごとに月1回) is counted per unit, not multiplied by the number of units.",
         "各区において、年1回 → 1"),
    Rule("meeting_plan_count_per_year", "plan_details", "case_meetings_per_year, network_meetings_per_year",
         "A bare count of meetings in the plan (実施予定回数 140回, 合計15回, 開催件数20件) is read as meetings in the plan year.",
         "実施予定回数 140回 → 140"),
    Rule("meeting_latest_fiscal_year_count", "plan_details", "case_meetings_per_year, network_meetings_per_year",
         "Counts printed per fiscal year (H29:4回 H30:4回) are read as meetings per year, using the latest year printed.",
         "H29:4回 H30:6回 → 6"),
    Rule("meeting_same_as_above", "plan_details", "network_meetings_per_year, network_meeting_existing_name",
         "A network-building row that only says it is the same as the row above (同上, 上記と同様) takes the case-review row's value.",
         "(ネットワーク構築) 同上 → the case-review value"),
    Rule("meeting_rows_in_form_order", "plan_details", "case_meetings_per_year, network_meetings_per_year",
         "Without the (個別事例の検討)/(ネットワーク構築) labels, the two rows of ⑦イ are read in the form's order: case review, then network.",
         "two unlabelled lines 月1回 / 年2回 → case 12, network 2"),
    # --- implementers (study.clean.fields.plan_details) -------------------------------------------
    Rule("implementer_first_named_type", "plan_details", "implementer_type_*",
         "When contractors of different kinds are named, the implementer type is the kind of the first one named.",
         "村 (NPO法人、食生活改善協議会、社会福祉協議会) → npo"),
    Rule("implementer_unlisted_party_is_other", "plan_details", "implementer_type_*",
         "A named organisation of no listed kind (…協議会, …組織, コミュニティ) is typed 'other'.",
         "市，コミュニティ組織 → other"),
    Rule("implementer_name_variant", "plan_details", "implementer_type_*",
         "A local-government name that differs from the entity's printed name by a misprinted character (鯉ヶ沢町 for 鰺ヶ沢町) is the entity itself.",
         "鯉ヶ沢町 (entity 鰺ヶ沢町) → direct"),
)

#: The rule ids as constants: ``RULES.join_split_thousands == "join_split_thousands"`` (a ``str``).
RULES = StrEnum("RULES", [(r.id, r.id) for r in RULE_ROWS])  # type: ignore[misc]
#: Rule id -> its row.
RULE_BY_ID: dict[str, Rule] = {r.id: r for r in RULE_ROWS}
assert len(RULE_BY_ID) == len(RULE_ROWS), "duplicate rule id"

#: Columns of ``rules.csv`` and of the table in ``docs/rules.md``, in order.
RULE_FIELDS = ("rule", "description", "reader", "field", "example")


def rule_rows() -> list[dict[str, str]]:
    """One dict per rule (keys :data:`RULE_FIELDS`), sorted by id: the rows of ``rules.csv``."""
    return [{"rule": r.id, "description": r.description, "reader": r.reader, "field": r.field, "example": r.example}
            for r in sorted(RULE_ROWS, key=lambda r: r.id)]


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
        out += [f"## {reader}", "", "| rule | corrects | what it does | example (printed → value) |", "| --- | --- | --- | --- |"]
        out += [f"| `{r.id}` | {_cell(r.field)} | {_cell(r.description)} | {_cell(r.example)} |"
                for r in RULE_ROWS if r.reader == reader]
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
