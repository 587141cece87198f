"""Counts of existing institutions: 地域包括支援センター and 生活困窮者自立相談支援事業 sites.

The form asks for ``直営：○か所，委託：○か所``. Printed variants include
か所/箇所/ヶ所/カ所, ``直営・委託なし``, ``直営:なし``, totals with no split
(``283か所``), branches in brackets (``(ブランチ 3 か所)``), several series
(``市 (直営: 4 カ所…) 町村部 (直営: 4 カ所…)``) and services run by the
prefecture (``北海道委託``, ``県の直営``, ``県で実施``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from study.clean.ledger import Problem
from study.clean.numbers import PLACES as COUNTER
from study.clean.rules import RULES
from study.clean.textnorm import TEMPLATE_RE, drop_brackets, plain

_NUM = r"(\d+)"
_DIRECT_RE = re.compile(rf"(?<!一部)直営(?:のみ)?\s*[:：]?\s*{_NUM}\s*{COUNTER}")
_OUTSOURCED_RE = re.compile(rf"(?<!一部)委託(?:のみ|先)?\s*[:：]?\s*(?:本センター|本所)?\s*{_NUM}\s*{COUNTER}")
_DIRECT_NONE_RE = re.compile(r"直営\s*[:：]?\s*(?:なし|無し|0\s*" + COUNTER + ")")
_OUTSOURCED_NONE_RE = re.compile(r"委託\s*[:：]?\s*(?:なし|無し|0\s*" + COUNTER + ")")
_BOTH_NONE_RE = re.compile(r"直営\s*[・、及びと]*\s*委託\s*(?:とも)?\s*(?:に)?\s*(?:なし|無し)")
_NONE_RE = re.compile(r"^\s*(?:なし|無し|未実施|実施していない|該当なし|0\s*" + COUNTER + r")\s*$")
_BRANCH_RE = re.compile(rf"(?:ブランチ|サブセンター|出張所|支所|サテライト)\s*[:：]?\s*{_NUM}\s*{COUNTER}")
_BARE_RE = re.compile(rf"(?<![\d.])(\d+)\s*{COUNTER}")
_MODE_WORD_RE = re.compile(r"(?<!一部)(直営|委託)")
#: The prefecture (or its council) named as the one running the service.
_PREFECTURE_RUN_RE = re.compile(r"(?:北海道|[都府県])(?:社協|社会福祉協議会)?(?:の直営|の臨時|委託|が|で|により|\))")


@dataclass
class Institutions:
    """Direct/outsourced counts; ``None`` where the print does not say."""

    direct: int | None = None
    outsourced: int | None = None
    total: int | None = None
    branches: int = 0
    prefecture_run: bool = False
    inferred_zero: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read_institutions(text: str) -> Institutions:
    """Parse a 地域包括支援センター / 生活困窮者自立相談支援事業 cell into counts.

    Only one mode printed: the other is 0 and named in ``inferred_zero`` (rule
    ``unstated_mode_is_zero``, logged by the caller); several series of a mode
    are summed (rule ``sum_institution_series``).
    """
    t = plain(text).strip()
    out = Institutions(prefecture_run=bool(_PREFECTURE_RUN_RE.search(t)))
    if TEMPLATE_RE.search(t):
        out.problems.append(Problem("template_text", "form template text left in the field instead of counts"))
        return out
    if not t:
        out.problems.append(Problem("not_stated", "no value printed"))
        return out
    if _BOTH_NONE_RE.search(t) or _NONE_RE.match(t):
        out.direct, out.outsourced, out.total = 0, 0, 0
        return out
    out.branches = sum(int(m.group(1)) for m in _BRANCH_RE.finditer(t))
    direct = [int(m.group(1)) for m in _DIRECT_RE.finditer(t)]
    outsourced = [int(m.group(1)) for m in _OUTSOURCED_RE.finditer(t)]
    out.direct = _combine(direct, bool(_DIRECT_NONE_RE.search(t)), out)
    out.outsourced = _combine(outsourced, bool(_OUTSOURCED_NONE_RE.search(t)), out)
    if out.direct is None and out.outsourced is None:
        if _one_mode_without_count(t, out):
            return out
        return _no_split(t, out)
    mentioned = {m.group(1) for m in _MODE_WORD_RE.finditer(t)}
    for mode in ("direct", "outsourced"):
        word = "直営" if mode == "direct" else "委託"
        if getattr(out, mode) is None:
            if word in mentioned:
                out.problems.append(Problem("count_missing", f"{word} is printed without a number of sites"))
            else:
                setattr(out, mode, 0)
                out.inferred_zero.append(mode)
    if out.direct is not None and out.outsourced is not None:
        out.total = out.direct + out.outsourced
    return out


def _combine(counts: list[int], explicit_none: bool, out: Institutions) -> int | None:
    if len(counts) > 1 and RULES.sum_institution_series not in out.rules:
        out.rules.append(RULES.sum_institution_series)
    if counts:
        return sum(counts)
    return 0 if explicit_none else None


def _no_split(t: str, out: Institutions) -> Institutions:
    bare = [int(m.group(1)) for m in _BARE_RE.finditer(drop_brackets(t))]
    if bare:
        out.total = bare[0]
        out.problems.append(Problem("no_split", f"{bare[0]} site(s) printed without the 直営/委託 split"))
    elif _MODE_WORD_RE.search(t):
        out.problems.append(Problem("count_missing", f"直営/委託 printed without a number of sites: {t!r}"))
    elif out.prefecture_run:
        out.problems.append(Problem("run_by_prefecture", "run by the prefecture; no municipal count printed"))
    else:
        out.problems.append(Problem("non_numeric", f"no number of sites in {t!r}"))
    return out


def _one_mode_without_count(t: str, out: Institutions) -> bool:
    """Only one mode is named and it has no count (``委託:(社協)``): the other mode is 0
    (rule ``unstated_mode_is_zero``), the named one stays null with a ``count_missing`` issue.

    Applies when no site count at all is printed outside brackets (else :func:`_no_split` reads a total)
    and the prefecture is not named as the one running the service (``北海道委託``).
    """
    outside = drop_brackets(t)
    named = {m.group(1) for m in _MODE_WORD_RE.finditer(outside)}
    if len(named) != 1 or _BARE_RE.search(outside) or out.prefecture_run:
        return False
    word = named.pop()
    other = "outsourced" if word == "直営" else "direct"
    setattr(out, other, 0)
    out.inferred_zero.append(other)
    out.problems.append(Problem("count_missing", f"only {word} is named, without a number of sites: {t!r}"))
    return True
