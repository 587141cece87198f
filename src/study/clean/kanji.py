"""Kanji numerals (一 to 九, 十, 百, 千, 万 and mixed forms such as ``1万2千``).

Plans print some counts in kanji (``全地区で一以上実施する``, ``年三回``,
``二か所``, ``十人``). A kanji numeral is read only where a counter or unit
follows it; never inside a word (``一体的``, ``一部``, ``統一``, ``一人暮らし``,
``一人ひとり``, ``唯一``, ``数十人``). :func:`kanji_to_number` converts the
numeral; :func:`find_kanji_numbers` finds the numerals in a text that a caller's
unit pattern follows.
"""

from __future__ import annotations

import re
from typing import NamedTuple

DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
LARGE_UNITS = {"万": 10_000, "億": 100_000_000}
KANJI_CHARS = "".join(DIGITS) + "".join(SMALL_UNITS) + "".join(LARGE_UNITS)
#: A numeral: kanji digits and units, with Arabic digits allowed inside (``1万2千``), starting with a kanji or digit.
KANJI_NUMBER_RE = re.compile(rf"[0-9{KANJI_CHARS}]*[{KANJI_CHARS}][0-9{KANJI_CHARS}]*")
#: Kanji that may stand right before a numeral without making it part of a word (年三回, 月二回, 各一名, 約三割…).
ALLOWED_BEFORE = frozenset("年月週日毎各計約延全最低少合総間内外第")
#: What may not follow the counter of ``一`` in the idioms 一人ひとり, 一人一人, 一人でも, 一つ一つ, 一つひとつ.
_IDIOM_AFTER_RE = re.compile(r"ひとり|一人|一つ|一件|ひとつ|でも|として|で|り")
#: A counter followed by these is part of a place name (八戸市, 一戸町, 九戸村, 三戸郡).
_PLACE_AFTER = frozenset("市町村区郡県")
#: Counters after 一 that make an idiom, not a count (一度に, 一日も早く, 一部の, 一点).
_IDIOM_ONE_UNITS = frozenset(("度", "日", "部", "点", "時間"))


class KanjiNumber(NamedTuple):
    """A kanji numeral in a text and the unit after it: positions, value, unit (as printed)."""

    start: int
    end: int
    value: int
    unit: str


def kanji_to_number(text: str) -> int | None:
    """``三`` -> 3, ``十二`` -> 12, ``二百五十`` -> 250, ``1万2千`` -> 12000, ``三千`` -> 3000.

    Returns ``None`` for a string that is not a well-formed numeral (``十十``,
    ``一二`` read as digits is allowed only for a positional run such as ``二〇``).
    """
    if not text or any(ch not in KANJI_CHARS and not ch.isdigit() for ch in text):
        return None
    total = 0
    section = 0  # value below 万
    pending: int | None = None  # digits not yet multiplied
    last_small = 10_000  # small units must decrease within a section
    last_large = 10 ** 13
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isdigit() and ch.isascii():
            j = i
            while j < len(text) and text[j].isdigit() and text[j].isascii():
                j += 1
            if pending is not None:
                return None
            pending = int(text[i:j])
            i = j
            continue
        if ch in DIGITS:
            if pending is not None:
                # positional kanji digits (二〇 = 20) only when every character is a digit
                if not all(c in DIGITS for c in text):
                    return None
                pending = pending * 10 + DIGITS[ch]
            else:
                pending = DIGITS[ch]
        elif ch in SMALL_UNITS:
            mult = SMALL_UNITS[ch]
            if mult >= last_small:
                return None
            section += (1 if pending is None else pending) * mult
            pending = None
            last_small = mult
        else:
            mult = LARGE_UNITS[ch]
            if mult >= last_large:
                return None
            value = section + (pending or 0)
            if value == 0:
                return None
            total += value * mult
            section, pending, last_small, last_large = 0, None, 10_000, mult
        i += 1
    return total + section + (pending or 0)


def is_word_internal(text: str, start: int) -> bool:
    """Whether a numeral starting at ``start`` continues a word: a kanji or katakana right before it
    (統一, 唯一, 数十, ワン…) other than the period and quantifier words of :data:`ALLOWED_BEFORE`."""
    if start == 0:
        return False
    prev = text[start - 1]
    if prev in ALLOWED_BEFORE:
        return False
    return "\u4e00" <= prev <= "\u9fff" or "\u30a0" <= prev <= "\u30ff" or prev in "々〆"


def find_kanji_numbers(text: str, unit_re: re.Pattern[str], extra_after: re.Pattern[str] | None = None) -> list[KanjiNumber]:
    """Kanji numerals of ``text`` that ``unit_re`` (anchored with ``match``) follows, not inside a word.

    ``extra_after`` optionally accepts a numeral with no unit after it (``一以上``): such a match
    gets the unit ``""`` and the caller decides how to read it.
    """
    out: list[KanjiNumber] = []
    if not any(ch in KANJI_CHARS for ch in text):
        return out
    for m in KANJI_NUMBER_RE.finditer(text):
        s, e = m.start(), m.end()
        if is_word_internal(text, s):
            continue
        value = kanji_to_number(m.group(0))
        if value is None:
            continue
        j = e
        while j < len(text) and text[j] == " ":
            j += 1
        um = unit_re.match(text, j)
        if um and um.group(0):
            unit = um.group(0)
            if value == 1 and m.group(0) == "一" and (unit in _IDIOM_ONE_UNITS or _IDIOM_AFTER_RE.match(text, um.end())):
                continue
            if um.end() < len(text) and text[um.end()] in _PLACE_AFTER:
                continue
            out.append(KanjiNumber(s, um.end(), value, unit))
        elif extra_after is not None and extra_after.match(text, j):
            out.append(KanjiNumber(s, e, value, ""))
    return out
