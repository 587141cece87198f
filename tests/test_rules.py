"""One test per named cleaning rule (study.clean.rules.RULE_ROWS), through the public readers,
plus the same rule seen end-to-end in corrections.csv via a minimal plan text.

Expected values are worked out by hand from the literal inputs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from study.clean.fields.institutions import read_institutions
from study.clean.rules import RULE_BY_ID, RULE_ROWS, RULES, rule_rows, rules_markdown
from study.clean.municipalities import match_municipality, match_prefecture
from study.clean.numbers import read_number
from study.clean.pipeline import clean_file
from study.clean.fields.quantities import read_quantity, read_welfare_rate
from study.clean.fields.staffing import read_staff

from plans import mini_plan

LABEL = "生活保護受給率"


# --- the registry ----------------------------------------------------------------------


def test_every_rule_has_a_description_field_and_example():
    assert len(RULE_ROWS) == 52
    for r in RULE_ROWS:
        assert r.id.isidentifier()
        assert len(r.description.split()) >= 4, r
        assert r.field and r.example and "→" in r.example, r
        assert r.reader in (
            "municipalities",
            "numbers",
            "quantities",
            "institutions",
            "staffing",
            "targets",
            "target_roles",
            "staffing_design",
            "catchment",
            "plan_details",
        )


def test_rule_constants_are_the_ids():
    assert RULES.join_split_thousands == "join_split_thousands"
    assert [str(r) for r in RULES] == [r.id for r in RULE_ROWS]
    with pytest.raises(AttributeError):
        RULES.no_such_rule  # noqa: B018


def test_unknown_rule_is_refused():
    from study.clean.ledger import Ledger

    with pytest.raises(KeyError, match="no_such_rule"):
        Ledger().correct("x", "population", 1, "1", 1, "no_such_rule")


def test_rules_csv_is_the_table():
    frame = __import__("study.clean.schema", fromlist=["rules_frame"]).rules_frame()
    assert list(frame["rule"]) == sorted(RULE_BY_ID)
    assert frame.to_dict("records") == rule_rows()
    assert list(frame.columns) == ["rule", "description", "reader", "field", "example", "label_ja", "label_en"]


def test_docs_rules_md_is_generated():
    """docs/rules.md is what ``python -m study.clean.rules`` writes (regenerate it after changing a rule)."""
    docs = Path(__file__).resolve().parents[1] / "docs" / "rules.md"
    assert docs.read_text(encoding="utf-8") == rules_markdown()
    for r in RULE_ROWS:
        assert f"`{r.id}`" in rules_markdown()


def test_readers_name_rules_by_constant():
    """No module of the clean spells a rule id as a string literal: readers use ``RULES.<id>``."""
    import ast

    import study.clean

    root = Path(study.clean.__file__).parent
    found = []
    for path in sorted(root.rglob("*.py")):
        if path.name == "rules.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in RULE_BY_ID:
                found.append((path.name, node.lineno, node.value))
    assert found == []


def test_every_rule_is_tested_here():
    """Each rule of the entity readers has a pipeline case here; the plan-detail rules
    and target rules are tested per rule in tests/test_plan_details.py and tests/test_targets.py."""
    # staffing-design, catchment and target-role rules: per rule in tests/test_staffing_design.py,
    # tests/test_catchment.py and tests/test_target_roles.py (and their examples below)
    others = {
        r.id
        for r in RULE_ROWS
        if r.reader in ("plan_details", "targets", "target_roles", "staffing_design", "catchment")
    }
    assert set(PIPELINE_CASES) == set(RULE_BY_ID) - others


# --- place names --------------------------------------------------------------------------


def test_add_missing_suffix():
    m = match_municipality("北海道", "京極")
    assert m.place is not None and m.place.name == "京極町" and m.place.code == "013994"
    assert m.rule == "add_missing_suffix"
    p = match_prefecture("大阪")
    assert p.place is not None and p.place.prefecture == "大阪府" and p.place.name == ""
    assert p.rule == "add_missing_suffix"


def test_add_missing_suffix_needs_a_single_candidate():
    # 釧路市 and 釧路町 both fit "釧路": no guess
    m = match_municipality("北海道", "釧路")
    assert m.place is None and m.rule is None
    assert "釧路" in m.reason


def test_exact_name_needs_no_rule():
    m = match_municipality("北海道", "釧路町")
    assert m.place is not None and m.place.code == "016616" and m.rule is None


def test_normalise_small_ke():
    m = match_municipality("青森県", "鰺ケ沢町")
    assert m.place is not None and m.place.name == "鰺ヶ沢町" and m.place.code == "023213"
    assert m.rule == "normalise_small_ke"


def test_fix_place_name_typo():
    m = match_municipality("青森県", "鱒ヶ沢町")
    assert m.place is not None and m.place.name == "鰺ヶ沢町"
    assert m.rule == "fix_place_name_typo"


def test_unknown_place_is_not_matched():
    m = match_municipality("青森県", "架空町")
    assert m.place is None and m.rule is None and m.reason


# --- numbers ------------------------------------------------------------------------------


def test_join_split_thousands():
    n = read_number("2, 596 (人)")
    assert n is not None and n.value == 2596 and n.rules == ("join_split_thousands",)
    r = read_quantity("population", "2, 596 (人)", "municipality")
    assert r.value == 2596 and r.rules == ["join_split_thousands"] and r.problems == []
    # an unsplit number needs no rule; a comma before four digits is no thousands separator
    assert read_number("2,596 (人)").rules == ()
    assert read_number("12, 3456").value == 12


def test_drop_stray_trailing_dot():
    n = read_number("39.0. (%)")
    assert n is not None and n.value == 39.0 and n.rules == ("drop_stray_trailing_dot",)
    r = read_quantity("aging_rate_pct", "39.0. (%)", "municipality")
    assert r.value == 39.0 and r.rules == ["drop_stray_trailing_dot"] and r.problems == []


def test_drop_approximation_qualifier():
    n = read_number("約 70 (%)")
    assert n is not None and n.value == 70 and n.approx
    assert n.rules == ("drop_approximation_qualifier",)
    r = read_quantity("community_org_rate_pct", "約 70 (%)", "municipality")
    assert r.value == 70 and r.rules == ["drop_approximation_qualifier"]
    assert not read_number("70 (%)").approx


def test_percent_to_permille():
    r = read_welfare_rate("4.92 (%)", LABEL)
    assert r.value == pytest.approx(49.2) and r.rules == ["percent_to_permille"] and r.problems == []


def test_permille_is_kept():
    r = read_welfare_rate("13.8 (‰)", LABEL)
    assert r.value == pytest.approx(13.8) and r.rules == [] and r.problems == []


def test_percent_sign_on_permille_value():
    # 12.3 % would be 123 ‰ (implausible); 12.3 ‰ is plausible
    r = read_welfare_rate("12.3 (%)", LABEL)
    assert r.value == pytest.approx(12.3) and r.rules == ["percent_sign_on_permille_value"]


def test_fraction_to_permille():
    # 0.00831 % = 0.0831 ‰ and 0.00831 ‰ are implausible; the fraction 0.00831 = 8.31 ‰ is not
    r = read_welfare_rate("0.00831 (%)", LABEL)
    assert r.value == pytest.approx(8.31) and r.rules == ["fraction_to_permille"]


def test_welfare_rate_with_no_plausible_reading():
    r = read_welfare_rate("250 (%)", LABEL)
    assert r.value is None and [p.check for p in r.problems] == ["out_of_range"]


def test_welfare_rate_unit_in_label():
    r = read_welfare_rate("13.8", "生活保護受給率 (‰)")
    assert r.value == pytest.approx(13.8) and r.rules == []


# --- institutions ----------------------------------------------------------------------------


def test_unstated_mode_is_zero():
    r = read_institutions("委託：11 箇所 (うち社協 2 箇所)")
    assert (r.direct, r.outsourced, r.total) == (0, 11, 11)
    assert r.inferred_zero == ["direct"]
    assert r.problems == []
    r = read_institutions("直営：1 か所")
    assert (r.direct, r.outsourced, r.total) == (1, 0, 1)
    assert r.inferred_zero == ["outsourced"]


def test_both_modes_printed():
    r = read_institutions("直営：2 か所，委託：5 か所 (社会福祉法人 釧路市社会福祉協議会 等)")
    assert (r.direct, r.outsourced, r.total) == (2, 5, 7)
    assert r.inferred_zero == [] and r.rules == [] and r.problems == []


def test_explicit_none_is_not_inferred():
    r = read_institutions("直営:なし 委託:12か所(社会福祉法人9、株式会社3)")
    assert (r.direct, r.outsourced, r.total) == (0, 12, 12)
    assert r.inferred_zero == []


def test_neither_mode():
    r = read_institutions("直営・委託なし")
    assert (r.direct, r.outsourced, r.total) == (0, 0, 0)
    assert r.problems == []


def test_total_without_split():
    r = read_institutions("283か所")
    assert r.total == 283
    assert r.direct is None and r.outsourced is None
    assert [p.check for p in r.problems] == ["no_split"]


def test_branches_are_not_added():
    r = read_institutions("直営：2 か所，委託：5 か所 (ブランチ 3 か所)")
    assert (r.direct, r.outsourced, r.total, r.branches) == (2, 5, 7, 3)


def test_mode_without_count():
    r = read_institutions("直営")
    assert r.total is None and [p.check for p in r.problems] == ["count_missing"]


def test_sum_institution_series():
    r = read_institutions("市 (直営: 4 カ所、委託: 9 カ所 (社協)) 町村部 (直営: 4 カ所 (県福祉事務所))")
    assert (r.direct, r.outsourced, r.total) == (8, 9, 17)
    assert "sum_institution_series" in r.rules


# --- staff ---------------------------------------------------------------------------------------


def test_staff_sum_parts():
    s = read_staff("常勤1人、非常勤1人")
    assert (s.planned, s.fulltime, s.parttime) == (2, 1, 1)
    assert s.rules == ["staff_sum_parts"]


def test_staff_multiply_each():
    s = read_staff("委託先:2か所各2人 直営:3人")
    assert s.planned == 7  # 2 sites × 2 + 3
    assert s.rules == ["staff_multiply_each"]
    assert s.problems == []


def test_staff_exclude_non_promoter():
    s = read_staff("2人(正規職員1人、臨時職員1人)※ただし臨時職員は事務補助としてであり相談支援包括化推進員ではない。")
    assert s.planned == 1
    assert s.fulltime == 1
    assert s.rules == ["staff_exclude_non_promoter"]
    assert "推進員ではない" in s.notes


def test_staff_explicitly_none():
    s = read_staff("平成 31 年度は相談支援包括化推進員の配置は行わない。")
    assert s.planned == 0
    assert s.problems == [] and s.rules == []


def test_staff_per_hub_without_each_is_ambiguous():
    s = read_staff("2拠点に1名配置")
    assert s.planned is None
    assert [p.check for p in s.problems] == ["ambiguous"]


@pytest.mark.parametrize("text, planned", [("20人", 20), ("10名", 10), ("0人", 0), ("1.4人", 1.4), ("3.5名", 3.5)])
def test_staff_plain_count(text, planned):
    s = read_staff(text)
    assert s.planned == planned
    assert s.problems == []


def test_staff_not_stated():
    assert [p.check for p in read_staff("").problems] == ["not_stated"]
    s = read_staff("未定")
    assert s.planned is None and [p.check for p in s.problems] == ["non_numeric"]


# --- end to end: every rule is written to corrections ----------------------------------------------

# rule -> (plan arguments, entity column, expected value of that column)
PIPELINE_CASES: dict[str, tuple[dict, str, object]] = {
    "add_missing_suffix": ({"muni": "京極"}, "municipality", "京極町"),
    "normalise_small_ke": ({"pref": "青森県", "muni": "鰺ケ沢町"}, "municipality", "鰺ヶ沢町"),
    "fix_place_name_typo": ({"pref": "青森県", "muni": "鱒ヶ沢町"}, "municipality", "鰺ヶ沢町"),
    "join_split_thousands": ({"population": "2, 596 (人)"}, "population", 2596),
    "drop_stray_trailing_dot": ({"aging": "39.0. (%)"}, "aging_rate_pct", 39.0),
    "drop_approximation_qualifier": ({"org": "約 70 (%)"}, "community_org_rate_pct", 70.0),
    "percent_to_permille": ({"welfare": "1.38 (%)"}, "welfare_rate_permille", 13.8),
    "percent_sign_on_permille_value": ({"welfare": "13.8 (%)"}, "welfare_rate_permille", 13.8),
    "fraction_to_permille": ({"welfare": "0.00831 (%)"}, "welfare_rate_permille", 8.31),
    "unstated_mode_is_zero": ({"hokatsu": "委託：11 箇所 (うち社協 2 箇所)"}, "hokatsu_direct", 0),
    "sum_institution_series": (
        {"konkyu": "市 (直営: 4 カ所、委託: 9 カ所 (社協)) 町村部 (直営: 4 カ所 (県福祉事務所))"},
        "konkyu_total",
        17,
    ),
    "staff_sum_parts": ({"staff": "常勤1人、非常勤1人"}, "staff_planned", 2.0),
    "staff_multiply_each": ({"staff": "委託先:2か所各2人 直営:3人"}, "staff_planned", 7.0),
    "staff_exclude_non_promoter": (
        {"staff": "2人(正規職員1人、臨時職員1人)※ただし臨時職員は事務補助としてであり相談支援包括化推進員ではない。"},
        "staff_planned",
        1.0,
    ),
}


def _clean(tmp_path: Path, text: str):
    p = tmp_path / "plan.txt"
    p.write_text(text, encoding="utf-8")
    return clean_file(p)


def test_mini_plan_needs_no_rule(tmp_path):
    result = _clean(tmp_path, mini_plan())
    assert len(result.entities) == 1
    row = result.entities.iloc[0]
    assert row["entity_id"] == "013994"
    assert (row["population"], row["households"], row["welfare_rate_permille"]) == (3004, 1492, 13.8)
    assert (row["hokatsu_direct"], row["hokatsu_outsourced"], row["konkyu_total"], row["staff_planned"]) == (
        1,
        0,
        2,
        1.0,
    )
    # only the coded staffing design (no ⑥ in the mini plan: unclear) carries a rule
    coded = {RULES.design_unclear}
    assert set(result.corrections["rule"]) <= coded, result.corrections
    # the mini plan has no ⑤/⑥/⑦ items: only the plan-detail readers and the staffing design may report them
    # as not stated
    from study.clean.fields.plan_details import DETAIL_COLUMNS

    detail = {c.name for c in DETAIL_COLUMNS} | {"staffing_design"}
    assert set(result.issues["field"]) <= detail, result.issues


@pytest.mark.parametrize("rule_id", sorted(PIPELINE_CASES))
def test_rule_is_written_to_corrections(tmp_path, rule_id):
    args, column, expected = PIPELINE_CASES[rule_id]
    result = _clean(tmp_path, mini_plan(**args))
    assert len(result.entities) == 1
    row = result.entities.iloc[0]
    value = row[column]
    if isinstance(expected, float):
        assert value == pytest.approx(expected)
    else:
        assert value == expected
    corr = result.corrections
    hits = corr[(corr["rule"] == rule_id) & (corr["field"] == column)]
    assert len(hits) >= 1, corr
    hit = hits.iloc[0]
    assert hit["entity_id"] == row["entity_id"]
    assert hit["source_line"] >= 1 and hit["raw"]
    # the ledger names declared rules only
    assert set(corr["rule"]) <= set(RULE_BY_ID)


def test_number_rules_are_decided_per_number():
    """Only the number that needed a rule reports it."""
    from study.clean.numbers import read_numbers

    first, second = read_numbers("39.0 / 39.0.")
    assert (first.rules, second.rules) == ((), ("drop_stray_trailing_dot",))
    first, second = read_numbers("2,596 / 2, 596")
    assert (first.value, second.value) == (2596, 2596)
    assert (first.rules, second.rules) == ((), ("join_split_thousands",))


# --- the documented examples (docs/rules.md, rules.csv) hold ---------------------------------------


def _example_value(rule_id: str, printed: str) -> str:
    """What the reader of ``rule_id`` writes for the printed text of its example (as the ledger writes it)."""
    from study.clean.fields.plan_details import read_frequency, read_implementer
    from study.clean.fields.targets import read_targets
    from study.clean.ledger import format_value

    reader = RULE_BY_ID[rule_id].reader
    if reader == "numbers":
        return format_value(read_number(printed).value)
    if reader == "quantities":
        return format_value(read_welfare_rate(printed, LABEL).value)
    if reader == "staffing":
        return format_value(read_staff(printed).planned)
    if reader == "institutions":
        r = read_institutions(printed)
        return f"hokatsu_direct {r.direct}" if rule_id == "unstated_mode_is_zero" else format_value(r.total)
    if reader == "municipalities":
        return match_municipality("北海道" if printed == "京極" else "青森県", printed).place.name
    if reader == "targets":
        (r,), _ = read_targets(printed)
        return {"targets.annual_value": format_value(r.annual_value), "targets.unit": r.unit}.get(
            RULE_BY_ID[rule_id].field, format_value(r.value)
        )
    if reader == "target_roles":
        from study.clean.fields.target_roles import assign_roles, value_pct

        readings, _ = read_targets(printed)
        if rule_id == RULES.pct_from_wari:
            (r,) = readings
            return format_value(value_pct(r.value, r.unit))
        return next(role.role for role in assign_roles(printed, readings) if role.rule == rule_id)
    if reader == "catchment" and rule_id == RULES.area_scope:
        from study.clean.fields.catchment import area_scope

        return area_scope(printed.removeprefix("(対象地域) "), "", ("京極町",))[0]
    if reader == "catchment" and rule_id == RULES.area_population_approx:
        from study.clean.fields.catchment import read_area_population

        return format_value(read_area_population(printed)[0])
    if reader in ("staffing_design", "catchment"):
        return format_value(_section4_example(rule_id, printed))
    if rule_id.startswith("meeting_"):
        return read_frequency(printed).formatted()
    printed, _, entity = printed.partition(" (entity ")
    return read_implementer(printed, entity.rstrip(")") or printed.split(" ")[0]).type


#: Item markers of a section-4 example (``④ 3人(各センターに1名) ⑥ …``) -> the mini-plan cell they fill.
_EXAMPLE_ITEMS = {"③": "sentence", "④": "staff", "⑥": "body", "1-1": "hokatsu"}


def _section4_example(rule_id: str, printed: str) -> object:
    """The entity column of ``rule_id`` after cleaning a mini plan whose section-4 items (and 1-1
    地域包括支援センター cell) are the ones of the example."""
    import re
    import tempfile

    parts = re.split(r"(?:^|\s)(③|④|⑥|1-1)\s", " " + printed)
    cells = {_EXAMPLE_ITEMS[k]: v.strip() for k, v in zip(parts[1::2], parts[2::2], strict=True)}
    with tempfile.TemporaryDirectory() as folder:
        p = Path(folder) / "plan.txt"
        p.write_text(mini_plan(**cells), encoding="utf-8")
        result = clean_file(p)
    assert (result.corrections["rule"] == rule_id).any(), result.corrections
    column = RULE_BY_ID[rule_id].field.split(",")[0].strip()
    return result.entities.iloc[0][column]


#: Examples that describe a layout rather than a cell text a reader can be given.
DESCRIPTIVE_EXAMPLES = {
    "meeting_same_as_above",
    "meeting_rows_in_form_order",
    # the form's default reading and a borrowed section-3 population: tested in tests/test_catchment.py
    RULES.catchment_default_whole,
    RULES.catchment_population_whole,
    RULES.catchment_population_from_area_item,
    # the target reader drops such numbers itself; role_of on them: tests/test_target_roles.py
    RULES.role_current_or_breakdown,
}


@pytest.mark.parametrize("rule_id", sorted(set(RULE_BY_ID) - DESCRIPTIVE_EXAMPLES))
def test_rule_example_holds(rule_id):
    printed, _, value = RULE_BY_ID[rule_id].example.partition(" → ")
    assert _example_value(rule_id, printed) == value
