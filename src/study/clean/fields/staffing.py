"""Planned 相談支援包括化推進員 (section 4 ④ 配置予定人数).

``staff_planned`` is a head count or FTE (3.5 and 1.4 occur), 0 where the plan
says explicitly that nobody will be placed, and ``None`` where it is not
stated or cannot be read without guessing. Full-time/part-time (常勤/非常勤)
and dedicated/concurrent (専任/兼任) splits are kept where printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from study.clean.ledger import Problem
from study.clean.numbers import DECIMAL, PLACES
from study.clean.rules import RULES
from study.clean.textnorm import TEMPLATE_RE, drop_brackets, plain, squeeze

_N = rf"({DECIMAL})"
_PERSON = r"\s*(?:人|名)"
_COUNT_RE = re.compile(_N + _PERSON)
_NONE_RE = re.compile(r"配置(?:は|を)?(?:行わ|し)ない|配置なし|配置予定なし|置かない|未配置|(?<![\d.])0\s*(?:人|名)")
_EACH_RE = re.compile(r"(\d+)\s*(?:" + PLACES + r"|拠点|圏域|地区)\s*(?:に)?\s*各\s*" + _N + _PERSON)
_PER_HUB_RE = re.compile(r"(\d+)\s*(?:" + PLACES + r"|拠点|圏域|地区)\s*に\s*" + _N + _PERSON)
_FULL_RE = re.compile(r"(?<!非)(?:常勤|正規(?:職員)?|専従)\s*(?:職員)?\s*[:：]?\s*" + _N + _PERSON)
_PART_RE = re.compile(
    r"(?:非常勤|臨時(?:職員)?|嘱託(?:職員)?|パート(?:タイム)?|会計年度任用職員)\s*[:：]?\s*" + _N + _PERSON
)
_DEDICATED_RE = re.compile(r"専任\s*[:：]?\s*" + _N + _PERSON)
_CONCURRENT_RE = re.compile(r"(?:兼任|兼務)\s*[:：]?\s*" + _N + _PERSON)
#: ``※ただし臨時職員は…推進員ではない``: a category printed in the count that is not a 推進員.
_EXCLUDED_RE = re.compile(
    r"(?:ただし|但し)?\s*(常勤|正規職員|非常勤|臨時職員|嘱託職員|事務職員|[^\s、,()（）※]{1,8}?)は[^。]*?推進員ではない"
)


@dataclass
class Staff:
    """Reading of the planned-staff cell."""

    planned: float | None = None
    fulltime: float | None = None
    parttime: float | None = None
    dedicated: float | None = None
    concurrent: float | None = None
    notes: str = ""
    rules: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def top_level(text: str) -> str:
    """Text with bracketed asides (…), （…）, 【…】 and ※notes removed."""
    return drop_brackets(text).split("※")[0]


def read_staff(text: str) -> Staff:
    """Read the planned number of 推進員 from the ④ cell (see module docstring).

    Rules: ``staff_sum_parts`` (only parts printed), ``staff_multiply_each``
    (``2か所各2人``), ``staff_exclude_non_promoter`` (staff said not to be 推進員).
    """
    t = squeeze(plain(text))
    out = Staff(notes=_notes(t))
    if not t:
        out.problems.append(Problem("not_stated", "no planned number printed"))
        return out
    if TEMPLATE_RE.search(t):
        out.problems.append(Problem("template_text", "form template text left in the field"))
        return out
    _splits(t, out)
    if _NONE_RE.search(top_level(t)) and not any(float(m.group(1)) > 0 for m in _COUNT_RE.finditer(top_level(t))):
        out.planned = 0.0
        return out
    head = top_level(t)
    each = list(_EACH_RE.finditer(head))
    if each:
        return _with_each(head, each, out)
    if _PER_HUB_RE.search(head):
        out.problems.append(
            Problem("ambiguous", f"staff per hub without 各 is ambiguous (one in total or one each?): {t!r}")
        )
        return out
    counts = [float(m.group(1)) for m in _COUNT_RE.finditer(head)]
    if not counts:
        out.problems.append(Problem("non_numeric", f"no number of persons in {t!r}"))
        return out
    if len(counts) == 1:
        out.planned = counts[0]
    else:
        out.planned = sum(counts)
        out.rules.append(RULES.staff_sum_parts)
    _exclusions(t, out)
    return out


def _with_each(head: str, each: list[re.Match[str]], out: Staff) -> Staff:
    total = sum(int(m.group(1)) * float(m.group(2)) for m in each)
    rest = head
    for m in each:
        rest = rest.replace(m.group(0), " ")
    total += sum(float(m.group(1)) for m in _COUNT_RE.finditer(rest))
    out.planned = total
    out.rules.append(RULES.staff_multiply_each)
    return out


def _splits(t: str, out: Staff) -> None:
    for attr, rx in (
        ("fulltime", _FULL_RE),
        ("parttime", _PART_RE),
        ("dedicated", _DEDICATED_RE),
        ("concurrent", _CONCURRENT_RE),
    ):
        found = [float(m.group(1)) for m in rx.finditer(t)]
        if found:
            setattr(out, attr, sum(found))


def _exclusions(t: str, out: Staff) -> None:
    m = _EXCLUDED_RE.search(t)
    if not m or out.planned is None:
        return
    category = m.group(1)
    counted = re.search(re.escape(category) + r"\s*[:：]?\s*" + _N + _PERSON, t)
    if not counted:
        out.problems.append(
            Problem("ambiguous", f"the plan says {category} are not 推進員 but gives no count for them")
        )
        out.planned = None
        return
    excluded = float(counted.group(1))
    out.planned -= excluded
    out.rules.append(RULES.staff_exclude_non_promoter)
    if _PART_RE.match(category + counted.group(0)[len(category) :]) or category in ("非常勤", "臨時職員", "嘱託職員"):
        out.parttime = None if out.parttime is None else out.parttime - excluded
    if out.parttime == 0:
        out.parttime = None


def _notes(t: str) -> str:
    """Qualifying text: bracketed asides and ※ notes."""
    asides = re.findall(r"[(（【]([^()（）【】]*(?:[(（][^()（）]*[)）][^()（）【】]*)*)[)）】]", t)
    star = t.split("※", 1)[1] if "※" in t else ""
    parts = [a.strip() for a in asides if a.strip()] + ([star.strip()] if star.strip() else [])
    return "; ".join(parts)
