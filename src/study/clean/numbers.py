"""The one reader of numbers, ranges, counters, units and periods in printed cells.

Each reader returns the value together with the rules it had to apply
(constants of :data:`study.clean.rules.RULES`), so the caller can log a
correction with the raw text. Readers never guess: text with no number gives
``None``. The regex pieces below (:data:`NUMBER`, :data:`DECIMAL`,
:data:`PLACES`, :data:`MONTHS`, :data:`PER_YEAR`…) are the only definitions of
a number, a counter or a period; the field readers build their patterns from them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from study.clean.rules import RULES
from study.clean.textnorm import compact, fold_width, plain

# --- the pieces every number pattern is built from ------------------------------------------

#: A number with optional thousands commas and decimals: ``4,404``, ``12``, ``3.5`` (no sign, ASCII digits).
NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
#: A number with optional decimals and no thousands commas: ``1.4``, ``12``.
DECIMAL = r"\d+(?:\.\d+)?"
#: Counters of places and sites: か所 and its spellings.
PLACES = r"(?:か所|箇所|ヶ所|ケ所|カ所|ヵ所|個所)"
#: The small か/ケ of a month count (``3か月``, ``2ヶ月``), as a character class.
MONTH_KA = "[かカヶヵケ]"
#: A count of months: ``か月`` and its spellings.
MONTHS = rf"(?:{MONTH_KA}月)"
#: Periods per year: ``月`` (month) 12, ``週`` (week) 52, ``年`` (year) 1.
PER_YEAR: dict[str, float] = {"月": 12.0, "週": 52.0, "年": 1.0}
#: Kanji digits (counts such as ``月一回``, ``二か月``).
KANJI_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

_SPLIT_THOUSANDS_RE = re.compile(r"(?<![\d.,])\d{1,3}(?:\s*,\s*\d{3})+(?!\d)")
_APPROX_RE = re.compile(r"(約|およそ|概ね|おおよそ)\s*$")


def kanji_number(text: str) -> int:
    """A kanji numeral of digits and 十 as an integer: ``一`` 1, ``十二`` 12, ``二十`` 20."""
    total, cur = 0, 0
    for ch in text:
        if ch == "十":
            total += (cur or 1) * 10
            cur = 0
        else:
            cur = KANJI_DIGITS[ch]
    return total + cur


def to_number(text: str) -> float:
    """``4,404`` -> 4404.0, ``3.0`` -> 3.0 (text already width-folded)."""
    return float(text.replace(",", ""))


def join_split_thousands(text: str) -> tuple[str, list[tuple[int, int]]]:
    """``text`` with each number split by a space after its thousands comma (``2, 596``) joined (``2,596``),
    and the (start, end) of each joined number in the returned text (rule ``join_split_thousands``).

    The PDF conversion inserts a space after a comma; a comma followed by
    exactly three digits is a thousands separator.
    """
    if ", " not in text and " ," not in text:
        return text, []
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    last = pos = 0
    for m in _SPLIT_THOUSANDS_RE.finditer(text):
        fixed = compact(m.group(0))
        if fixed == m.group(0):
            continue
        out.append(text[last : m.start()])
        pos += m.start() - last
        spans.append((pos, pos + len(fixed)))
        out.append(fixed)
        pos += len(fixed)
        last = m.end()
    return ("".join(out) + text[last:], spans) if spans else (text, [])


@dataclass(frozen=True)
class Number:
    """A number read from text.

    ``span`` is the exact text the number came from (after width folding),
    ``start``/``end`` its position in the folded text, ``rules`` the
    corrections applied and ``approx`` whether it was qualified by 約/およそ.
    """

    value: float
    span: str
    start: int
    end: int
    rules: tuple[str, ...] = ()
    approx: bool = False

    @property
    def is_integer(self) -> bool:
        return float(self.value).is_integer()


_RAW_NUMBER_RE = re.compile(r"(?<![\d.])(\d{1,3}(?:\s*,\s*\d{3})+(?!\d)|\d+)(\.\d+)?(\.(?!\d))?")


def prepare(text: str) -> str:
    """Strip tags and fold width (full-width digits, commas and points to ASCII)."""
    return plain(text)


def read_numbers(text: str) -> list[Number]:
    """All numbers in ``text``, in order, each with the rules that were needed to read it.

    The rules are decided per number: ``2, 596`` needs ``join_split_thousands``,
    ``39.0.`` needs ``drop_stray_trailing_dot``, a preceding 約 needs
    ``drop_approximation_qualifier``.
    """
    return list(_read_numbers(text))


@lru_cache(maxsize=2048)
def _read_numbers(text: str) -> tuple[Number, ...]:
    """:func:`read_numbers`, remembered per text (a field is read for its number and checked for one)."""
    folded = prepare(text)
    out = []
    for m in _RAW_NUMBER_RE.finditer(folded):
        integer = compact(m.group(1))
        if "," in integer and not _is_thousands(integer):
            continue
        rules: list[str] = []
        if integer != m.group(1):
            rules.append(RULES.join_split_thousands)
        if m.group(2) and m.group(3):
            rules.append(RULES.drop_stray_trailing_dot)
        approx = bool(_APPROX_RE.search(folded[: m.start()]))
        if approx:
            rules.append(RULES.drop_approximation_qualifier)
        span = integer + (m.group(2) or "")
        end = m.end(2) if m.group(2) else m.end(1)
        value = float(integer.replace(",", "") + (m.group(2) or ""))
        out.append(Number(value, span, m.start(), end, tuple(rules), approx))
    return tuple(out)


def read_number(text: str) -> Number | None:
    """The first number in ``text`` (see :func:`read_numbers`), or ``None``."""
    numbers = _read_numbers(text)
    return numbers[0] if numbers else None


def _is_thousands(integer: str) -> bool:
    groups = integer.split(",")
    return 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])


# --- units ---------------------------------------------------------------

_UNIT_PATTERNS: tuple[tuple[str, str], ...] = (
    ("permille", r"‰|パーミル"),
    ("percent", r"%|パーセント"),
    ("km2", r"k\s*m\s*(?:²|2|\^2)?|㎢|㎡|平方キロ"),
    ("households", r"世帯"),
    ("persons", r"人|名"),
    ("schools", r"校"),
    ("places", PLACES),
)


#: All units in one regex: its leftmost match is the first unit printed (ties: the first in :data:`_UNIT_PATTERNS`).
_UNIT_RE = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in _UNIT_PATTERNS))


def find_unit(text: str) -> str | None:
    """The first unit mentioned in ``text`` (after width folding), as a canonical name."""
    m = _UNIT_RE.search(fold_width(text))
    return m.lastgroup if m else None


def unit_after(text: str, number: Number) -> str | None:
    """The unit printed right after ``number`` (before any further number), else anywhere in ``text``."""
    folded = prepare(text)
    tail = folded[number.end :]
    nxt = _RAW_NUMBER_RE.search(tail)
    near = find_unit(tail[: nxt.start()] if nxt else tail)
    return near or find_unit(folded)
