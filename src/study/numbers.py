"""Reading numbers and units from printed cells.

Each reader returns the value together with the rule ids it had to apply, so
the caller can log a correction with the raw text. Readers never guess: text
with no number gives ``None``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from study.ledger import rule
from study.textnorm import fold_width, strip_html

_SPLIT_THOUSANDS_RE = re.compile(r"(?<![\d.,])(\d{1,3})((?:\s*,\s*\d{3})+)(?![\d])")
_STRAY_DOT_RE = re.compile(r"(\d+\.\d+)\.(?!\d)")
_NUMBER_RE = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?")
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


def prepare(text: str) -> tuple[str, tuple[str, ...]]:
    """Fold width, strip tags, and apply the text-level number rules; return text and the rules applied."""
    folded = fold_width(strip_html(text)).replace("，", ",").replace("、", "、")
    applied: list[str] = []
    for fix in (join_split_thousands, drop_stray_trailing_dot):
        fixed = fix(folded)
        if fixed != folded:
            applied.append(fix.__name__)
            folded = fixed
    return folded, tuple(applied)


def read_numbers(text: str) -> list[Number]:
    """All numbers in ``text``, in order, each with the rules applied to read it."""
    folded, applied_any = prepare(text)
    before = fold_width(strip_html(text))
    out = []
    for m in _NUMBER_RE.finditer(folded):
        integer = m.group(1)
        if "," in integer and not _is_thousands(integer):
            continue
        value = float(integer.replace(",", "") + (m.group(2) or ""))
        approx = bool(_APPROX_RE.search(folded[: m.start()]))
        applied = _rules_for_span(m.group(0), before, applied_any)
        rules = applied + (("drop_approximation_qualifier",) if approx else ())
        out.append(Number(value, m.group(0), m.start(), m.end(), rules, approx))
    return out


def read_number(text: str) -> Number | None:
    """The first number in ``text`` (see :func:`read_numbers`), or ``None``."""
    numbers = read_numbers(text)
    return numbers[0] if numbers else None


def _rules_for_span(span: str, before: str, applied_any: tuple[str, ...]) -> tuple[str, ...]:
    """Which of the text-level rules changed the reading of this particular number."""
    out = []
    if "join_split_thousands" in applied_any and "," in span and span not in before:
        out.append("join_split_thousands")
    if "drop_stray_trailing_dot" in applied_any and re.search(re.escape(span) + r"\.(?!\d)", before):
        out.append("drop_stray_trailing_dot")
    return tuple(out)


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
    folded, _ = prepare(text)
    tail = folded[number.end :]
    nxt = _NUMBER_RE.search(tail)
    near = find_unit(tail[: nxt.start()] if nxt else tail)
    return near or find_unit(folded)
