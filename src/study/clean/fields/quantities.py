"""Reading the numeric basic-information fields, with unit checks and plausibility.

Each reader returns a :class:`Reading`: the value (or ``None``), the rules
that changed it from the print, and the problems that made it unreadable or
implausible. The pipeline turns these into corrections and issues.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from study.clean.ledger import Problem
from study.clean.numbers import find_unit, read_number, unit_after
from study.clean.rules import RULES
from study.clean.textnorm import TEMPLATE_RE, fold_width

#: Words that say a value is unknown or not compiled.
UNKNOWN_RE = re.compile(r"不明|未集計|未把握|把握していない|集計なし|データなし|不詳")
DASH_RE = re.compile(r"^[\s\-—–―ー‐/・]*$")
#: A bracketed unit with nothing in it, as the form prints it next to an empty cell: ``(%)``, ``(校)``, ``(k m ²)``.
EMPTY_UNIT_RE = re.compile(r"[(（]\s*(?:%|‰|人|世帯|校|k\s*m\s*²?|km2|㎢|㎡|か所|箇所)?\s*[)）]")

#: Plausible public-assistance rate of a municipality or prefecture, in ‰
#: (Japan ≈ 16‰ in 2019; municipalities roughly 1–60‰; 0.1‰ allows the smallest villages).
WELFARE_PERMILLE_RANGE = (0.1, 60.0)


@dataclass
class Reading:
    """A field's value with what was done to it and what is wrong with it."""

    value: float | None
    rules: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    span: str = ""


@dataclass(frozen=True)
class Spec:
    """Type and plausible range of a numeric field, per level (municipality, prefecture)."""

    integer: bool
    unit: str | None
    municipality: tuple[float, float]
    prefecture: tuple[float, float]


SPECS: dict[str, Spec] = {
    "population": Spec(True, "persons", (50, 4_000_000), (300_000, 15_000_000)),
    "households": Spec(True, "households", (20, 2_500_000), (100_000, 8_000_000)),
    "aging_rate_pct": Spec(False, "percent", (5, 70), (15, 45)),
    "area_km2": Spec(False, "km2", (0.5, 2_500), (1_500, 85_000)),
    "community_org_rate_pct": Spec(False, "percent", (0, 100), (0, 100)),
    "elementary_schools": Spec(True, "schools", (0, 600), (50, 2_000)),
    "junior_high_schools": Spec(True, "schools", (0, 300), (20, 1_000)),
}


def unreadable(text: str) -> Problem | None:
    """Classify a field text that holds no usable number (template, unknown, dash, empty)."""
    t = fold_width(text).strip()
    if TEMPLATE_RE.search(t):
        return Problem("template_text", "form template text left in the field instead of a value")
    if UNKNOWN_RE.search(t):
        return Problem("stated_unknown", f"stated as unknown or not compiled: {t!r}")
    if not t or DASH_RE.match(EMPTY_UNIT_RE.sub("", t)):
        return Problem("not_stated", "no value printed (empty, unit only, or a dash)")
    if read_number(t) is None:
        return Problem("non_numeric", f"free text where a number belongs: {t!r}")
    return None


def read_quantity(fld: str, text: str, level: str) -> Reading:
    """Read one numeric field (not the welfare rate) and check type, unit and range."""
    spec = SPECS[fld]
    problem = unreadable(text)
    if problem:
        return Reading(None, problems=[problem])
    number = read_number(text)
    assert number is not None
    reading = Reading(number.value, list(number.rules), span=number.span)
    unit = unit_after(text, number)
    if spec.unit and unit and unit != spec.unit and not (spec.unit == "persons" and unit == "households"):
        reading.problems.append(Problem("unit_mismatch", f"printed unit {unit!r} is not the form's {spec.unit!r}"))
        reading.value = None
        return reading
    if spec.integer and not number.is_integer:
        reading.problems.append(Problem("not_integer", f"a count printed with decimals: {number.span}"))
        reading.value = None
        return reading
    low, high = spec.prefecture if level == "prefecture" else spec.municipality
    if not low <= number.value <= high:
        reading.problems.append(
            Problem("out_of_range", f"{number.value:g} is outside the plausible range {low:g}–{high:g}")
        )
    return reading


# --- public-assistance rate --------------------------------------------------


def read_welfare_rate(text: str, label: str) -> Reading:
    """Read the public-assistance rate (生活保護受給率) in ‰ from its printed text.

    The printed unit (in the value, else in the label) is tried first; a
    reading outside 0.1–60‰ is corrected only when exactly one other reading
    (‰, or a fraction) is plausible, else the value is null with an issue.
    Rules: ``percent_to_permille`` (×10), ``percent_sign_on_permille_value``
    (% read as ‰), ``fraction_to_permille`` (×1000).
    """
    problem = unreadable(text)
    if problem:
        return Reading(None, problems=[problem])
    number = read_number(text)
    assert number is not None
    unit = unit_after(text, number) or find_unit(label) or "percent"
    reading = Reading(None, list(number.rules), span=number.span)
    low, high = WELFARE_PERMILLE_RANGE
    ok = lambda v: low <= v <= high  # noqa: E731
    v = number.value
    if unit == "permille":
        candidates = [(v, None), (v * 1000, RULES.fraction_to_permille)]
    elif unit == "percent":
        candidates = [
            (v * 10, RULES.percent_to_permille),
            (v, RULES.percent_sign_on_permille_value),
            (v * 1000, RULES.fraction_to_permille),
        ]
    else:
        reading.problems.append(Problem("unit_mismatch", f"rate printed with unit {unit!r}, expected % or ‰"))
        return reading
    first_value, first_rule = candidates[0]
    if ok(first_value):
        reading.value = round(first_value, 6)
        reading.rules += [first_rule] if first_rule else []
        return reading
    plausible = [(val, r) for val, r in candidates[1:] if ok(val)]
    if len(plausible) == 1:
        reading.value = round(plausible[0][0], 6)
        reading.rules.append(plausible[0][1])
        return reading
    reading.problems.append(
        Problem("out_of_range", f"{number.span} {unit}: no single reading falls in the plausible {low:g}–{high:g}‰")
    )
    return reading


def check_households(population: float | None, households: float | None) -> Problem | None:
    """Households must not exceed population."""
    if population is not None and households is not None and households > population:
        return Problem("households_gt_population", f"households {households:g} > population {population:g}")
    return None
