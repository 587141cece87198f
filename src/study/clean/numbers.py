"""The one reader of numbers, ranges, counters, units, periods and frequencies in printed cells.

Each reader returns the value together with the rules it had to apply
(constants of :data:`study.clean.rules.RULES`), so the caller can log a
correction with the raw text. Readers never guess: text with no number gives
``None``. The regex pieces below (:data:`NUMBER`, :data:`DECIMAL`,
:data:`PLACES`, :data:`MONTHS`, :data:`PER_YEAR`…) are the only definitions of
a number, a counter or a period; the field readers build their patterns from them. Kanji numerals
(``三回``, ``1万2千人``) are read by :func:`kanji_number` and found in running text by
:func:`find_kanji_numbers`. Frequency expressions (``月1回``, ``3か月に1回``…) become times per year
with :func:`find_frequencies`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from study.clean.rules import RULES
from study.clean.textnorm import compact, fold_width, plain

# --- the pieces every number pattern is built from ------------------------------------------

#: A number with optional thousands commas and decimals: ``4,404``, ``12``, ``3.5`` (no sign, ASCII digits).
NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
#: A number with optional decimals and no thousands commas: ``1.4``, ``12``.
DECIMAL = r"\d+(?:\.\d+)?"
#: The spellings of か所, the counter of places and sites.
PLACE_COUNTERS = ("か所", "箇所", "ヶ所", "ケ所", "カ所", "ヵ所", "個所")
#: Any of :data:`PLACE_COUNTERS`, as a regex.
PLACES = "(?:" + "|".join(PLACE_COUNTERS) + ")"
#: The small か/ケ of a month count (``3か月``, ``2ヶ月``), as a character class.
MONTH_KA = "[かカヶヵケ]"
#: A count of months: ``か月`` and its spellings.
MONTHS = rf"(?:{MONTH_KA}月)"
#: Periods per year: ``月`` (month) 12, ``週`` (week) 52, ``年`` (year) 1.
PER_YEAR: dict[str, float] = {"月": 12.0, "週": 52.0, "年": 1.0}
#: Kanji digits (counts such as ``月一回``, ``二か月``).
KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
#: Kanji units below 万 (they multiply the digits before them, within a 万 section).
KANJI_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
#: Kanji units that close a section (``1万2千``: 1 × 万 + 2 × 千).
KANJI_LARGE_UNITS = {"万": 10_000, "億": 100_000_000}
KANJI_CHARS = "".join(KANJI_DIGITS) + "".join(KANJI_SMALL_UNITS) + "".join(KANJI_LARGE_UNITS)

_SPLIT_THOUSANDS_RE = re.compile(r"(?<![\d.,])\d{1,3}(?:\s*,\s*\d{3})+(?!\d)")
_APPROX_RE = re.compile(r"(約|およそ|概ね|おおよそ)\s*$")


def kanji_number(text: str) -> int | None:
    """A kanji numeral as an integer: ``三`` 3, ``十二`` 12, ``二百五十`` 250, ``1万2千`` 12000, ``三千`` 3000.

    Digits, 十, 百, 千, 万 (and 億) and their combinations, with Arabic digits allowed
    before a unit (``1万2千``). Returns ``None`` for a string that is not a well-formed
    numeral (``十十``, ``千百`` out of order); a run of kanji digits alone is positional (``二〇`` 20).
    """
    if not text or any(ch not in KANJI_CHARS and not ch.isdigit() for ch in text):
        return None
    total = 0
    section = 0  # value below 万
    pending: int | None = None  # digits not yet multiplied
    last_small = 10_000  # small units must decrease within a section
    last_large = 10**13
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
        if ch in KANJI_DIGITS:
            if pending is not None:
                # positional kanji digits (二〇 = 20) only when every character is a digit
                if not all(c in KANJI_DIGITS for c in text):
                    return None
                pending = pending * 10 + KANJI_DIGITS[ch]
            else:
                pending = KANJI_DIGITS[ch]
        elif ch in KANJI_SMALL_UNITS:
            mult = KANJI_SMALL_UNITS[ch]
            if mult >= last_small:
                return None
            section += (1 if pending is None else pending) * mult
            pending = None
            last_small = mult
        else:
            mult = KANJI_LARGE_UNITS[ch]
            if mult >= last_large:
                return None
            value = section + (pending or 0)
            if value == 0:
                return None
            total += value * mult
            section, pending, last_small, last_large = 0, None, 10_000, mult
        i += 1
    return total + section + (pending or 0)


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


# --- frequencies: how many times a year ----------------------------------------------------
# ``月1回``, ``年4~10回``, ``3か月に1回``, ``毎月``, ``隔週``, ``半年に1回``, ``H29:4回``, a labelled bare count
# (``開催回数 12回``); kanji counts (``月一回``) after :func:`normalise_counts`.

_KANJI_NUM_RE = re.compile(rf"[一二三四五六七八九十]+(?=\s*(?:回|度|{MONTHS}|箇月|週))")
_N = DECIMAL
_SEP = r"\s*[~\-‐−–—]\s*"
#: A count or a range of counts: ``4``, ``4~10``, ``3回~4`` (the 回 follows).
_RNG = rf"(?:{_N})(?:(?:\s*(?:回|度))?{_SEP}(?:{_N}))?"
#: The same, not preceded by a digit or dot; the check follows the first digit so that the
#: pattern starts with ``\d`` (the regex engine then skips quickly to digits).
_N0 = r"\d(?<![\d.]\d)\d*(?:\.\d+)?"
_RNG0 = rf"(?:{_N0})(?:(?:\s*(?:回|度))?{_SEP}(?:{_N}))?"
_MO = rf"(?:{MONTH_KA}|箇)\s*月(?:間)?"
_PATTERNS: tuple[tuple[str, str], ...] = (
    # 1回/月, 8回/年, 1回/3か月, 1回/1~3か月
    ("slash", rf"(?P<c>{_RNG0})\s*(?:回|度)\s*/\s*(?:(?P<m>{_RNG})\s*(?:{_MO}|(?P<u2>年|週))|(?P<u>月|年|週))"),
    # 毎月, 毎月1回, 毎週, 毎年
    ("every", rf"毎\s*(?P<u>月|週|年)(?:\s*(?P<c>{_RNG})\s*(?:回|度))?"),
    # 隔月, 隔週, 隔月一回
    ("alt", rf"隔\s*(?P<u>月|週|年)(?:\s*(?P<c>{_RNG})\s*(?:回|度))?"),
    # 3か月に1回, 2カ月に一度, 2ヶ月毎, 3~4か月ごと
    (
        "months",
        rf"(?P<m>{_RNG0})\s*{_MO}\s*(?:(?:毎|ごと|おき|置き)に?(?:\s*(?P<c1>{_RNG})\s*(?:回|度))?|(?:に|で)?\s*(?P<c2>{_RNG})\s*(?:回|度))",
    ),
    # 2月に1回 (bare 月 only for 2–6 months, so that 5月頃, 10月に… stay dates)
    ("bare_months", rf"(?P<m>[2-6](?<![\d.][2-6]))\s*月\s*(?:に\s*(?P<c>{_RNG})\s*(?:回|度)|毎|ごと)"),
    # 半年に1回, 四半期ごと
    (
        "half",
        rf"(?P<h>半\s*年|四\s*半\s*期)\s*(?:(?:毎|ごと|おき)に?(?:\s*(?P<c1>{_RNG})\s*(?:回|度))?|に\s*(?P<c2>{_RNG})\s*(?:回|度))",
    ),
    # 2年に1回, 2週に1回
    ("n_units", rf"(?P<m>{_N0})\s*(?P<u>年|週間?)\s*(?:に|毎に?|ごとに?)\s*(?P<c>{_RNG})\s*(?:回|度)"),
    # 月1回, 年4回, 年間6回, 年に4~10回, 週2回, 月 1 回~月 2 回 (two matches, merged later)
    (
        "per",
        rf"(?P<u>[月年週])(?<![\d.かカヶヵケ箇][月年週])\s*(?:間)?\s*(?:に|で|当たり|あたり)?\s*(?P<c>{_RNG})\s*(?:回|度)",
    ),
    # H29:4回, 令和元年度 is not a number (only digits after the era)
    ("fy", rf"(?:H|平成|R|令和)\s*(?P<y>\d+)\s*(?:年度?)?\s*[:]?\s*(?P<c>{_RNG})\s*回"),
    # bare counts: accepted only with a count label (回数, 合計, 件数, 年度) or 予定 after
    ("count", rf"(?P<c>{_RNG0})\s*(?P<k>回|件)"),
)
#: Characters one of which a text must contain for a pattern to be tried (a cheap pre-filter).
_NEEDS = {
    "slash": "/",
    "every": "毎",
    "alt": "隔",
    "months": "月",
    "bare_months": "月",
    "half": "半",
    "n_units": "年週",
    "per": "回度",
    "fy": "回",
    "count": "回件",
}
#: One regex per pattern (each starts with a character class the engine can scan for quickly).
_FREQ_RES = tuple((name, _NEEDS[name], re.compile(pat.replace("(?P<", f"(?P<{name}_"))) for name, pat in _PATTERNS)
_COUNT_LABEL_RE = re.compile(r"(?:回数|合計|件数|年度|総計)[^、。・○\n]{0,12}$")
_COUNT_AFTER_RE = re.compile(r"^\s*(?:を|の)?\s*(?:開催|実施)?\s*予定")


@dataclass
class FrequencyExpr:
    """One frequency expression: per-year bounds, its span in the text, its pattern and (``fy``) the fiscal year."""

    low: float
    high: float
    start: int
    end: int
    kind: str
    year: int | None = None


def normalise_counts(text: str) -> str:
    """Fold width, strip tags, unify wave dashes, kanji counts to digits, collapse spaces."""
    t = plain(text).replace("〜", "~").replace("∼", "~")
    t = _KANJI_NUM_RE.sub(_kanji_count_to_digits, t)
    return re.sub(r"[ \t\u00a0]+", " ", t)


def _kanji_count_to_digits(m: re.Match[str]) -> str:
    value = kanji_number(m.group(0))
    return m.group(0) if value is None else str(value)


def _rng(s: str | None) -> tuple[float, float] | None:
    if not s:
        return None
    nums = [float(x) for x in re.findall(_N, s)]
    return (min(nums), max(nums))


def _scale(count: tuple[float, float] | None, lo_mult: float, hi_mult: float | None = None) -> tuple[float, float]:
    c = count or (1.0, 1.0)
    hi_mult = lo_mult if hi_mult is None else hi_mult
    return (c[0] * lo_mult, c[1] * hi_mult)


def _expr_value(m: re.Match[str], name: str) -> tuple[float, float] | None:
    g = lambda k: m.group(f"{name}_{k}")  # noqa: E731
    if name == "slash":
        count = _rng(g("c"))
        if g("u"):
            return _scale(count, PER_YEAR[g("u")])
        months = _rng(g("m"))
        assert months
        if g("u2"):
            per = 1.0 if g("u2") == "年" else 52.0
            return _scale(count, per / months[1], per / months[0])
        return _scale(count, 12 / months[1], 12 / months[0])
    if name == "every":
        return _scale(_rng(g("c")), PER_YEAR[g("u")])
    if name == "alt":
        return _scale(_rng(g("c")), PER_YEAR[g("u")] / 2)
    if name in ("months", "bare_months"):
        months = _rng(g("m"))
        assert months
        count = _rng(g("c1") or g("c2")) if name == "months" else _rng(g("c"))
        return _scale(count, 12 / months[1], 12 / months[0])
    if name == "half":
        per = 2.0 if "半年" in compact(g("h")) else 4.0
        return _scale(_rng(g("c1") or g("c2")), per)
    if name == "n_units":
        n = float(g("m"))
        per = 1.0 if g("u") == "年" else 52.0
        return _scale(_rng(g("c")), per / n)
    if name == "per":
        return _scale(_rng(g("c")), PER_YEAR[g("u")])
    if name in ("fy", "count"):
        return _rng(g("c"))
    return None


def find_frequencies(t: str) -> list[FrequencyExpr]:
    """Frequency expressions in ``t`` (a :func:`normalise_counts` text), leftmost first; of overlapping
    ones the earliest (then longest) wins. ``low``/``high`` are times per year (``月1~2回`` -> 12, 24)."""
    found: list[tuple[int, int, str, re.Match[str]]] = []
    for name, needs, rx in _FREQ_RES:
        if not any(ch in t for ch in needs):
            continue
        for m in rx.finditer(t):
            if name == "count" and not _count_accepted(t, m):
                continue
            found.append((m.start(), -m.end(), name, m))
    found.sort(key=lambda x: (x[0], x[1]))
    out: list[FrequencyExpr] = []
    end = -1
    for start, neg_end, name, m in found:
        if start < end:
            continue
        value = _expr_value(m, name)
        if value is None:
            continue
        year = int(m.group("fy_y")) if name == "fy" else None
        out.append(FrequencyExpr(value[0], value[1], start, -neg_end, name, year))
        end = -neg_end
    return out


def _count_accepted(t: str, m: re.Match[str]) -> bool:
    before = t[max(0, m.start() - 20) : m.start()]
    after = t[m.end() : m.end() + 10]
    if m.group("count_k") == "件":
        return bool(re.search(r"件数[^、。・\n]{0,6}$", before))
    return bool(_COUNT_LABEL_RE.search(before) or _COUNT_AFTER_RE.match(after))


# --- kanji numerals in running text ----------------------------------------------------------
# Plans print some counts in kanji (``全地区で一以上実施する``, ``年三回``, ``二か所``, ``十人``). A kanji
# numeral is read only where a counter or unit follows it; never inside a word (``一体的``, ``一部``,
# ``統一``, ``一人暮らし``, ``一人ひとり``, ``唯一``, ``数十人``). :func:`find_kanji_numbers` finds them;
# :func:`kanji_number` is the one reader of their value.

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


def is_word_internal(text: str, start: int) -> bool:
    """Whether a numeral starting at ``start`` continues a word: a kanji or katakana right before it
    (統一, 唯一, 数十, ワン…) other than the period and quantifier words of :data:`ALLOWED_BEFORE`."""
    if start == 0:
        return False
    prev = text[start - 1]
    if prev in ALLOWED_BEFORE:
        return False
    return "\u4e00" <= prev <= "\u9fff" or "\u30a0" <= prev <= "\u30ff" or prev in "々〆"


def find_kanji_numbers(
    text: str, unit_re: re.Pattern[str], extra_after: re.Pattern[str] | None = None
) -> list[KanjiNumber]:
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
        value = kanji_number(m.group(0))
        if value is None:
            continue
        j = e
        while j < len(text) and text[j] == " ":
            j += 1
        um = unit_re.match(text, j)
        if um and um.group(0):
            unit = um.group(0)
            if (
                value == 1
                and m.group(0) == "一"
                and (unit in _IDIOM_ONE_UNITS or _IDIOM_AFTER_RE.match(text, um.end()))
            ):
                continue
            if um.end() < len(text) and text[um.end()] in _PLACE_AFTER:
                continue
            out.append(KanjiNumber(s, um.end(), value, unit))
        elif extra_after is not None and extra_after.match(text, j):
            out.append(KanjiNumber(s, e, value, ""))
    return out
