"""The role of each number read from a 事業の成果目標 item (``targets.role``), and ``value_pct``.

Not every number with a unit in a target text is a commitment. Rules on the
words around the number give its role:

* ``capacity``: the size of a course or place, not a number to reach
  (``福祉カレッジの開催回数 13 回(定員 15 名)``, ``講座の定員は25名``);
* ``increment``: an increase printed beside an absolute target
  (``協会員を40名(10名増)にする``: 40 is the target, 10 the increment;
  ``30件(前年度比約50%増)``). A target stated *only* as an increase
  (``相談件数を20%増``, ``協力員増員(30人増)``, ``1つ増える``) stays a target and
  gets ``kind = increase``;
* ``scope``: the area an activity covers, not its size: an area count
  (地区, 圏域, 中学校区…) after 全 (``全28地区``), followed by the activity's own
  count (``サロンの開催 66 地区部会 4,404 回``), or alone in a bracket after the
  activity (``防災に関する学習(4地区)``);
* ``current``: a value labelled as today's (``現状``, ``現在``) that the target
  reader kept (normally such values are left out altogether);
* ``breakdown``: a per-unit or ``うち`` part that the target reader kept;
* ``target``: everything else. Only ``target`` rows have ``is_target`` true.

Rules: ``RULES.role_*`` (rows of :data:`study.clean.rules.RULE_ROWS`), applied by :func:`assign_roles`.
"""

from __future__ import annotations

import re
from typing import NamedTuple, Protocol

from study.clean.colspec import Col
from study.clean.rules import RULES

ROLES = ("target", "increment", "scope", "capacity", "current", "breakdown")


class _Span(Protocol):
    start: int
    end: int
    unit: str


class Role(NamedTuple):
    """Role of one reading, whether it is a target stated only as an increase, and the rule that decided."""

    role: str
    increase: bool
    rule: str


#: Units that count areas (地区, 圏域, 校区…): such a count is the scope of an activity, not its size.
AREA_UNITS = frozenset(
    (
        "地区",
        "圏域",
        "区域",
        "地域",
        "行政区",
        "自治会",
        "自治区",
        "町内会",
        "中学校区",
        "小学校区",
        "校区",
        "市町村",
        "区市町村",
        "市区町村",
        "市町",
    )
)
_CAPACITY_BEFORE_RE = re.compile(r"定員\s*(?:は|を|:|：)?\s*(?:各回|毎回|各|約|最大|1回)*\s*$")
_INCREASE_AFTER_RE = re.compile(r"\s*(?:以上|程度|ほど)?\s*(?:の|を)?\s*(?:増(?![設員築進強])|アップ|UP|up)")
_OPEN, _CLOSE = "(（", ")）"
_SCOPE_FOLLOW_RE = re.compile(
    r"[^\d\s、。,()（）\n:：]{0,4}\s*(?:で|に|にて|において|ごとに|毎に)?\s*各?\s*(?:約|年間?|月)?\s*\d"
)
#: ``10名増の50名``: the increase right before the absolute target it leads to.
_INCREMENT_BEFORE_TARGET_RE = re.compile(r"\s*(?:以上|程度)?\s*(?:の|を)?\s*増(?:加)?\s*(?:の|で|し|、)?\s*(?:約)?\s*$")
_BRACKET_SCOPE_TAIL_RE = re.compile(r"\s*(?:で|にて|において|程度|以上)?\s*$")
_NOT_SCOPE_WORDS_RE = re.compile(r"新規|新た|拡大|増|設置|立ち上げ|開設|目標|実施地区数|地区数")
#: The quantity is the whole clause (``…取り組む。98自治会。``, ``定期開催化する。5圏域。``).
_ALONE_BEFORE_RE = re.compile(r"(?:^|[。\n・⇒→])\s*$")
_ALONE_AFTER_RE = re.compile(r"\s*(?:程度|以上)?\s*(?:[。\n]|$)")
#: ``15圏域の地域ケア推進会議において``: the meetings of the areas, where something happens.
_AREA_MEETING_AFTER_RE = re.compile(r"\s*の[^。、\n\d]{1,15}?(?:において|における|で(?!き|す))")
#: ``約100名の該当者``: the population an activity is aimed at.
_POPULATION_AFTER_RE = re.compile(r"\s*の\s*(?:該当者|対象者|対象世帯|対象の方)")
_CURRENT_BRACKET_RE = re.compile(r"^\s*(?:現状|現在|実績)")
_PART_BRACKET_RE = re.compile(r"^\s*(?:うち|内訳)")


def _bracket(text: str, pos: int) -> tuple[int, int] | None:
    """(open, close) of the innermost round bracket around ``pos`` (close = len(text) if unclosed)."""
    depth, k = 0, pos - 1
    while k >= 0:
        ch = text[k]
        if ch in _CLOSE:
            depth += 1
        elif ch in _OPEN:
            if depth == 0:
                break
            depth -= 1
        elif ch == "\n":
            return None
        k -= 1
    if k < 0:
        return None
    depth, j = 0, pos
    while j < len(text):
        ch = text[j]
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            if depth == 0:
                return k, j
            depth -= 1
        elif ch == "\n":
            break
        j += 1
    return k, len(text)


def role_of(text: str, q: _Span, prev: _Span | None, nxt: _Span | None) -> Role:
    """The role of the quantity ``q`` of a target text (see module docstring).

    ``prev``/``nxt`` are the readings kept before and after it (or ``None``).
    """
    before = text[max(0, q.start - 10) : q.start]
    after = text[q.end : q.end + 12]
    b = _bracket(text, q.start)
    after_prev = (
        b is not None and prev is not None and prev.end <= b[0] and not text[prev.end : b[0]].strip(" 以上程度")
    )
    if _CAPACITY_BEFORE_RE.search(before):
        return Role("capacity", False, RULES.role_capacity)
    if _INCREASE_AFTER_RE.match(after):
        if after_prev or (nxt is not None and _INCREMENT_BEFORE_TARGET_RE.fullmatch(text, q.end, nxt.start)):
            return Role("increment", False, RULES.role_increment)
        return Role("target", True, RULES.role_increment)
    if b is not None and after_prev:
        inner = text[b[0] + 1 : q.start]
        if _CURRENT_BRACKET_RE.match(inner):
            return Role("current", False, RULES.role_current_or_breakdown)
        if _PART_BRACKET_RE.match(inner):
            return Role("breakdown", False, RULES.role_current_or_breakdown)
    if _POPULATION_AFTER_RE.match(text, q.end):
        return Role("scope", False, RULES.role_scope)
    if q.unit in AREA_UNITS:
        if before.rstrip().endswith("全"):
            return Role("scope", False, RULES.role_scope)
        if _ALONE_BEFORE_RE.search(text, max(0, q.start - 4), q.start) and _ALONE_AFTER_RE.match(text, q.end):
            return Role("scope", False, RULES.role_scope)
        if _AREA_MEETING_AFTER_RE.match(text, q.end):
            return Role("scope", False, RULES.role_scope)
        if (
            nxt is not None
            and nxt.unit not in AREA_UNITS
            and _SCOPE_FOLLOW_RE.match(text, q.end)
            and nxt.start <= q.end + 16
            and not _NOT_SCOPE_WORDS_RE.search(text[max(0, q.start - 6) : q.start])
        ):
            return Role("scope", False, RULES.role_scope)
        if b is not None and not after_prev:
            inner_before = text[b[0] + 1 : q.start]
            inner_after = text[q.end : b[1]]
            outside = text[max(0, b[0] - 12) : b[0]]
            if (
                not inner_before.strip(" 約")
                and _BRACKET_SCOPE_TAIL_RE.match(inner_after)
                and not _NOT_SCOPE_WORDS_RE.search(outside + inner_after)
            ):
                return Role("scope", False, RULES.role_scope)
    return Role("target", False, "")


def assign_roles(text: str, readings: list[_Span]) -> list[Role]:
    """Roles of the readings of one target text, in order."""
    out = []
    for k, r in enumerate(readings):
        prev = readings[k - 1] if k else None
        nxt = readings[k + 1] if k + 1 < len(readings) else None
        out.append(role_of(text, r, prev, nxt))
    return out


def value_pct(value: float, unit: str) -> float | None:
    """The value in percent for a rate: ``%``/``パーセント`` as printed, ``割`` ×10 (7割 -> 70); else ``None``."""
    if unit in ("%", "パーセント"):
        return value
    if unit == "割":
        return value * 10
    return None


ROLE_COLUMNS: tuple = (
    Col(
        "role",
        "string",
        "事業の成果目標",
        "What the number is: target (a commitment), increment (an increase printed beside an absolute target: "
        "40名(10名増) -> 10), scope (the area an activity covers: 防災学習(4地区), 全28地区), capacity (定員), current "
        "(a present value kept in the text), breakdown (a part: うち…); see rules role_*",
        enum=ROLES,
        required=True,
    ),
    Col(
        "value_pct",
        "number",
        "事業の成果目標",
        "The value in percent for a rate: % as printed, 割 ×10 (7割 -> 70; rule "
        "pct_from_wari); null for other units (分 is not converted)",
        "%",
        0,
        None,
    ),
)
