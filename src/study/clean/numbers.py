"""Reading numbers and units from printed cells.

Each reader returns the value together with the rule ids it had to apply, so
the caller can log a correction with the raw text. Readers never guess: text
with no number gives ``None``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from study.clean.ledger import rule
from study.clean.textnorm import fold_width, strip_html

_SPLIT_THOUSANDS_RE = re.compile(r"(?<![\d.,])(\d{1,3})((?:\s*,\s*\d{3})+)(?![\d])")
_STRAY_DOT_RE = re.compile(r"(\d+\.\d+)\.(?!\d)")
_APPROX_RE = re.compile(r"(約|およそ|概ね|おおよそ)\s*$")


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


@rule
def join_split_thousands(text: str) -> str:
    """Digits split by a space after the thousands comma (``2, 596``) are one number (2,596).

    The PDF conversion inserts a space after a comma; a comma followed by
    exactly three digits is a thousands separator.
    """
    return _SPLIT_THOUSANDS_RE.sub(lambda m: m.group(1) + re.sub(r"\s+", "", m.group(2)), text)


@rule
def drop_stray_trailing_dot(text: str) -> str:
    """A decimal number followed by a second dot (``39.0.``) is read without the stray dot."""
    return _STRAY_DOT_RE.sub(r"\1", text)


@rule
def drop_approximation_qualifier(text: str) -> str:
    """A number printed with 約/およそ (about) is read as the number; the qualifier is kept in the raw text."""
    return text


_RAW_NUMBER_RE = re.compile(r"(?<![\d.])(\d{1,3}(?:\s*,\s*\d{3})+(?!\d)|\d+)(\.\d+)?(\.(?!\d))?")


def prepare(text: str) -> str:
    """Strip tags and fold width (full-width digits, commas and points to ASCII)."""
    return fold_width(strip_html(text)).replace("，", ",")


def read_numbers(text: str) -> list[Number]:
    """All numbers in ``text``, in order, each with the rules that were needed to read it.

    The rules are decided per number: ``2, 596`` needs :func:`join_split_thousands`,
    ``39.0.`` needs :func:`drop_stray_trailing_dot`, a preceding 約 needs
    :func:`drop_approximation_qualifier`.
    """
    folded = prepare(text)
    out = []
    for m in _RAW_NUMBER_RE.finditer(folded):
        integer = re.sub(r"\s+", "", m.group(1))
        if "," in integer and not _is_thousands(integer):
            continue
        rules: list[str] = []
        if integer != m.group(1):
            rules.append("join_split_thousands")
        if m.group(2) and m.group(3):
            rules.append("drop_stray_trailing_dot")
        approx = bool(_APPROX_RE.search(folded[: m.start()]))
        if approx:
            rules.append("drop_approximation_qualifier")
        span = integer + (m.group(2) or "")
        end = m.end(2) if m.group(2) else m.end(1)
        value = float(integer.replace(",", "") + (m.group(2) or ""))
        out.append(Number(value, span, m.start(), end, tuple(rules), approx))
    return out


def read_number(text: str) -> Number | None:
    """The first number in ``text`` (see :func:`read_numbers`), or ``None``."""
    numbers = read_numbers(text)
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
    ("places", r"か所|箇所|ヶ所|ケ所|カ所|ヵ所|個所"),
)


def find_unit(text: str) -> str | None:
    """The first unit mentioned in ``text`` (after width folding), as a canonical name."""
    folded = fold_width(text)
    best: tuple[int, str] | None = None
    for name, pattern in _UNIT_PATTERNS:
        m = re.search(pattern, folded)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), name)
    return best[1] if best else None


def unit_after(text: str, number: Number) -> str | None:
    """The unit printed right after ``number`` (before any further number), else anywhere in ``text``."""
    folded = prepare(text)
    tail = folded[number.end :]
    nxt = _RAW_NUMBER_RE.search(tail)
    near = find_unit(tail[: nxt.start()] if nxt else tail)
    return near or find_unit(folded)
