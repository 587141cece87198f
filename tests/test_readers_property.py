"""Property tests of the number, rate and staff readers.

Texts are generated from a known value the way the plans print it (commas,
full-width digits, a space after a comma, units in brackets); the reader must
give back the value, the unit and the rule that was needed.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from study.clean.numbers import find_unit, read_number, read_numbers, unit_after
from study.clean.fields.quantities import read_quantity, read_welfare_rate
from study.clean.fields.staffing import read_staff

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

FULLWIDTH = str.maketrans({**{str(d): chr(0xFF10 + d) for d in range(10)}, ",": "，", ".": "．"})
FULLWIDTH_DIGITS_ONLY = str.maketrans({str(d): chr(0xFF10 + d) for d in range(10)})

UNITS = {
    "persons": ["(人)", " (人)", "人", "（人）"],
    "households": ["(世帯)", " (世帯)"],
    "percent": ["(%)", " (%)", "%", " (％)"],
    "permille": ["(‰)", " (‰)", "‰"],
    "km2": ["(k m ²)", " (k m ²)", "(km2)", " ㎢", "(k m)"],
    "schools": ["(校)", " (校)"],
    "places": ["か所", " 箇所", "ヶ所"],
}


@st.composite
def printed_numbers(draw):
    """(text of the number alone, its value, whether a space follows a thousands comma)."""
    integer = draw(st.integers(min_value=0, max_value=10**10))
    decimals = draw(st.integers(min_value=0, max_value=4))
    frac = draw(st.integers(min_value=0, max_value=10**decimals - 1)) if decimals else 0
    digits = f"{integer}" + (f".{frac:0{decimals}d}" if decimals else "")
    value = float(Decimal(digits))
    commas = draw(st.booleans())
    text = f"{integer:,}" if commas else f"{integer}"
    spaced = False
    if commas and "," in text:
        groups = text.split(",")
        out = groups[0]
        for g in groups[1:]:
            sep = draw(st.sampled_from([",", ",", ", ", ",  ", ",\u3000", " , "]))
            spaced = spaced or sep != ","
            out += sep + g
        text = out
    if decimals:
        text += f".{frac:0{decimals}d}"
    width = draw(st.sampled_from(["half", "full", "digits"]))
    if width == "full":
        text = text.translate(FULLWIDTH)
    elif width == "digits":
        text = text.translate(FULLWIDTH_DIGITS_ONLY)
    return text, value, spaced


@SETTINGS
@given(printed_numbers(), st.sampled_from(sorted(UNITS)), st.data())
def test_read_number_and_unit(printed, unit, data):
    text, value, spaced = printed
    suffix = data.draw(st.sampled_from(UNITS[unit]))
    cell = text + suffix
    number = read_number(cell)
    assert number is not None
    assert number.value == value
    assert find_unit(cell) == unit
    assert unit_after(cell, number) == unit
    assert ("join_split_thousands" in number.rules) == spaced
    assert not number.approx
    # the unit text (², ㎢, k m) must not read as a further number ("km2" has a real digit)
    if not any(ch.isascii() and ch.isdigit() for ch in suffix):
        assert len(read_numbers(cell)) == 1


@SETTINGS
@given(printed_numbers(), st.sampled_from(["約", "約 ", "およそ", "概ね"]))
def test_approximate_numbers(printed, qualifier):
    text, value, _ = printed
    number = read_number(qualifier + text + "人")
    assert number is not None and number.value == value
    assert number.approx
    assert "drop_approximation_qualifier" in number.rules


@SETTINGS
@given(printed_numbers(), st.sampled_from(sorted(UNITS)), st.sampled_from(sorted(UNITS)))
def test_unit_after_prefers_the_unit_next_to_the_number(printed, label_unit, unit):
    # a unit word earlier in the text (the label) does not override the one after the number
    text, value, _ = printed
    label = {
        "persons": "人口",
        "households": "世帯数",
        "percent": "率(%)",
        "permille": "率(‰)",
        "km2": "面積(k m ²)",
        "schools": "学校数(校)",
        "places": "センター(か所)",
    }[label_unit]
    cell = f"{label} {text}{UNITS[unit][0]}"
    number = read_number(cell)
    assert number is not None and number.value == value
    assert unit_after(cell, number) == unit


@SETTINGS
@given(st.integers(min_value=50, max_value=4_000_000), st.booleans(), st.booleans())
def test_population_round_trip(n, full_width, spaced):
    text = f"{n:,}".replace(",", ", " if spaced else ",")
    if full_width:
        text = text.translate(FULLWIDTH_DIGITS_ONLY)
    reading = read_quantity("population", text + " (人)", "municipality")
    assert reading.value == n
    assert reading.problems == []
    assert ("join_split_thousands" in reading.rules) == (spaced and n >= 1000)


# --- public-assistance rate ------------------------------------------------------------


LABEL = "生活保護受給率"


@SETTINGS
@given(st.integers(min_value=10, max_value=6000), st.sampled_from(["(%)", " (%)", "%", " (％)"]))
def test_welfare_rate_printed_in_percent(k, unit):
    # k/1000 % = k/100 ‰, within the plausible 0.1–60‰
    printed = f"{k / 1000:.3f}"
    reading = read_welfare_rate(printed + unit, LABEL)
    assert reading.value == pytest.approx(k / 100, abs=1e-9)
    assert reading.rules == ["percent_to_permille"]
    assert reading.problems == []


@SETTINGS
@given(st.integers(min_value=10, max_value=6000), st.sampled_from(["(‰)", " (‰)", "‰", "パーミル"]))
def test_welfare_rate_printed_in_permille(k, unit):
    printed = f"{k / 100:.2f}"
    reading = read_welfare_rate(printed + unit, LABEL)
    assert reading.value == pytest.approx(k / 100, abs=1e-9)
    assert reading.rules == []
    assert reading.problems == []


@SETTINGS
@given(st.integers(min_value=10, max_value=6000), st.sampled_from(["(%)", "(‰)"]))
def test_welfare_rate_unit_from_label(k, label_unit):
    # no unit after the number: the label's unit decides
    printed = f"{k / 100:.2f}"
    reading = read_welfare_rate(printed, f"{LABEL} {label_unit}")
    if label_unit == "(‰)":
        assert reading.value == pytest.approx(k / 100, abs=1e-9)
        assert reading.rules == []
    elif k <= 600:
        assert reading.value == pytest.approx(k / 10, abs=1e-9)
        assert reading.rules == ["percent_to_permille"]
    else:
        assert reading.value == pytest.approx(k / 100, abs=1e-9)
        assert reading.rules == ["percent_sign_on_permille_value"]


@SETTINGS
@given(st.integers(min_value=601, max_value=6000))
def test_welfare_rate_percent_sign_on_permille_size(k):
    # k/100 printed with %, > 6 %: the % reading (> 60‰) is implausible, the ‰ one is not
    reading = read_welfare_rate(f"{k / 100:.2f} (%)", LABEL)
    assert reading.value == pytest.approx(k / 100, abs=1e-9)
    assert reading.rules == ["percent_sign_on_permille_value"]


@SETTINGS
@given(st.integers(min_value=101, max_value=9999))
def test_welfare_rate_fraction(k):
    # a fraction 0.000101–0.009999 printed with %: only ×1000 gives a plausible ‰
    reading = read_welfare_rate(f"{k / 1_000_000:.6f} (%)", LABEL)
    assert reading.value == pytest.approx(k / 1000, abs=1e-9)
    assert reading.rules == ["fraction_to_permille"]


@SETTINGS
@given(st.integers(min_value=6001, max_value=99_999), st.sampled_from(["(%)", "(‰)"]))
def test_welfare_rate_implausible_is_null(k, unit):
    # 60.01–999.99: no reading in % or ‰ (or as a fraction) is plausible
    reading = read_welfare_rate(f"{k / 100:.2f} {unit}", LABEL)
    assert reading.value is None
    assert [p.check for p in reading.problems] == ["out_of_range"]


# --- planned staff ----------------------------------------------------------------------


staff_counts = st.one_of(
    st.integers(min_value=0, max_value=500).map(float),
    st.integers(min_value=1, max_value=200).map(lambda n: n / 10),
)


def _fmt(x: float) -> str:
    return f"{x:g}"


@SETTINGS
@given(staff_counts, st.sampled_from(["人", "名", " 人", " 名"]), st.booleans())
def test_staff_single_count(n, suffix, full_width):
    text = _fmt(n) + suffix
    if full_width:
        text = text.translate(FULLWIDTH)
    s = read_staff(text)
    assert s.planned == n
    assert s.problems == []
    assert s.rules == []


@SETTINGS
@given(
    st.integers(min_value=0, max_value=50),
    st.integers(min_value=0, max_value=50),
    st.sampled_from(["、", ",", " ", "，", "・"]),
    st.sampled_from(["人", "名"]),
)
def test_staff_fulltime_parttime(a, b, sep, person):
    s = read_staff(f"常勤{a}{person}{sep}非常勤{b}{person}")
    assert s.planned == a + b
    assert s.fulltime == a
    assert s.parttime == b
    assert s.problems == []
    if a + b > 0:
        assert s.rules == ["staff_sum_parts"]


@SETTINGS
@given(
    st.integers(min_value=1, max_value=20),
    st.integers(min_value=1, max_value=5),
    st.integers(min_value=0, max_value=10),
)
def test_staff_sites_each(sites, each, extra):
    text = f"委託先:{sites}か所各{each}人" + (f" 直営:{extra}人" if extra else "")
    s = read_staff(text)
    assert s.planned == sites * each + extra
    assert "staff_multiply_each" in s.rules
