"""The kanji-numeral reader (study.clean.numbers.kanji_number, find_kanji_numbers): values, mixed forms,
and never inside a word."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from study.clean.fields.targets import read_targets
from study.clean.numbers import find_kanji_numbers, kanji_number

_DIGIT = "〇一二三四五六七八九"
UNIT_RE = re.compile(r"回|人(?!暮)|名|件|か所|箇所|地区")


def to_kanji(n: int) -> str:
    """Reference renderer: 12 -> 十二, 250 -> 二百五十, 12000 -> 一万二千 (no 一 before 十/百/千)."""
    assert 0 < n < 100_000_000

    def below_man(k: int) -> str:
        out = ""
        for value, ch in ((1000, "千"), (100, "百"), (10, "十")):
            d, k = divmod(k, value)
            if d:
                out += ("" if d == 1 else _DIGIT[d]) + ch
        return out + (_DIGIT[k] if k else "")

    man, rest = divmod(n, 10_000)
    return (below_man(man) + "万" if man else "") + below_man(rest)


@pytest.mark.parametrize(
    "text, value",
    [
        ("一", 1),
        ("三", 3),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("百", 100),
        ("二百五十", 250),
        ("千", 1000),
        ("三千", 3000),
        ("一万", 10_000),
        ("一万二千", 12_000),
        ("1万2千", 12_000),
        ("2万", 20_000),
        ("3千", 3000),
        ("十万", 100_000),
        ("二〇", 20),
    ],
)
def test_kanji_number(text, value):
    assert kanji_number(text) == value


@pytest.mark.parametrize("text", ["", "十十", "百千", "万", "万一", "一万万", "abc", "1 2"])
def test_malformed_numerals_are_none(text):
    assert kanji_number(text) is None


@given(st.integers(min_value=1, max_value=99_999_999))
@settings(max_examples=300, deadline=None)
def test_round_trip(n):
    assert kanji_number(to_kanji(n)) == n


@given(st.integers(min_value=1, max_value=9999), st.integers(min_value=0, max_value=9999))
@settings(max_examples=200, deadline=None)
def test_mixed_arabic_and_kanji(man, rest):
    """``1万2千``-style numerals: Arabic digits before 万, kanji units after."""
    text = f"{man}万" + (to_kanji(rest) if rest else "")
    assert kanji_number(text) == man * 10_000 + rest


@given(
    st.integers(min_value=1, max_value=9999),
    st.sampled_from(["回", "人", "名", "件", "か所", "地区"]),
    st.sampled_from(["年", "月", "各", "計", "を", "、", " ", ""]),
)
@settings(max_examples=200, deadline=None)
def test_read_where_a_counter_follows(n, unit, before):
    text = f"研修会{before}{to_kanji(n)}{unit}開催する"
    found = find_kanji_numbers(text, UNIT_RE)
    if before == "" and text[len("研修会") - 1] == "会":
        # right after a kanji word (研修会十回): inside a word, not read
        assert found == []
    else:
        assert [(k.value, k.unit) for k in found] == [(n, unit)]


@given(st.integers(min_value=1, max_value=9999), st.sampled_from(["体的", "部", "般", "緒", "層", "定", "方", "環"]))
@settings(max_examples=100, deadline=None)
def test_not_read_without_a_counter(n, word):
    assert find_kanji_numbers(f"を{to_kanji(n)}{word}に進める", UNIT_RE) == []


@given(
    st.sampled_from(["統", "唯", "同", "数", "均", "画", "ワ"]),
    st.sampled_from(["一", "十", "三"]),
    st.sampled_from(["回", "人", "件"]),
)
def test_not_read_inside_a_word(prefix, numeral, unit):
    """統一, 唯一, 数十人…: a kanji or katakana before the numeral makes it part of a word."""
    assert find_kanji_numbers(f"{prefix}{numeral}{unit}", UNIT_RE) == []


@pytest.mark.parametrize(
    "text",
    [
        "一体的に支援する",
        "一部の住民",
        "様式を統一する",
        "一人暮らし高齢者",
        "住民一人ひとりが",
        "一人でも多くの住民",
        "一人一人に寄り添う",
        "一度に相談できる",
        "一日も早く",
        "八戸市と連携する",
        "一戸町の住民",
        "一回り大きな",
        "相談を一件一件受け止める",
    ],
)
def test_idioms_are_not_counts(text):
    readings, _ = read_targets(text)
    assert readings == []


@pytest.mark.parametrize(
    "text, value, unit",
    [
        (
            "居場所や生活支援サービスを全地区で一以上実施する",
            1,
            "つ",
        ),  # no counter: the generic つ (rule kanji_generic_counter)
        ("研修会を年三回開催する", 3, "回"),
        ("居場所を二か所設置する", 2, "か所"),
        ("サポーターを十人養成する", 10, "人"),
        ("延べ1万2千人の参加", 12_000, "人"),
        ("相談件数 二百五十件", 250, "件"),
    ],
)
def test_targets_read_kanji_numerals(text, value, unit):
    readings, _ = read_targets(text)
    assert [(r.value, r.unit) for r in readings] == [(value, unit)]
    assert "kanji_numeral" in readings[0].rules
