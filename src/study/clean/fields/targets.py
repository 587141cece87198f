"""Quantified targets from the plans' 事業の成果目標 items (``targets.csv``).

Each project section of the form has a 事業の成果目標 (expected results) item:
section 3 (地域力強化推進事業) has one under ア and one under イ, section 4
(多機関協働事業) item ⑧, and the prefectural section 5 item ⑤. The heading
comes in many shapes: ``⑧事業の成果目標``, misnumbered ``⑨ 事業の成果目標`` or
``㊦事業の成果目標``, ``<p>事業の成果目標</p> <p>text</p>``, an HTML table cell
``<td colspan="3">事業の成果目標</td>`` whose text is the next ``<td>``, or a
tab cell in the middle of a line. So every line is first cut into *cells*
(tabs and HTML block tags), and the target text of a heading is the rest of
its cell plus the following cells up to the next printed form label
(``イ 「住民に身近な圏域」…``, ``ウ その他``, ``⑨地域力強化推進事業実施計画``, a
section heading…).

In that text every *quantity* -- a number followed by a counter unit (件, 人,
名, か所, 回, %, 地区, 団体, トン, 世帯…) -- is a candidate target. Candidates
are dropped when the text says they are not targets:

* results and current values: in a sentence with 実績, 現状, 現在, 時点, 参考値,
  前年度… (a paragraph headed ``平成30年度実績…`` or ``【現状】``: the whole
  paragraph), labelled with a past fiscal year (``H30:120件``), or followed by a
  verb of existence or a past tense (``…30名おり``, ``20ヶ所ある``,
  ``46件の相談があった``, ``…取り組んでいる``), or ``現54か所``;
* breakdowns: a bracket right after a target that splits it per unit or per
  period (``年間450件(1地区あたり150件)``, ``(うち新規3件)``, ``年4回(3か月に1回)``),
  a per-unit denominator (``1拠点あたり``, ``1地区10人``), the factors of a product
  whose total is printed (``54地区×1人×12か月のべ648人``), a bracket that repeats
  the target before it, the parts of a fraction (``12件/38件``) and the baseline
  of an increase (``5か所から10か所に``);
* scope, not target: an area count followed by において / を単位 (``モデル3地区において``),
  a bracket starting with 対象 (``(対象:約510法人)``), the population (``(人口) 2,949人``),
  a scale maximum (``最高評価5.0点``), ordinals (``第1回``, ``2回目``), dates
  (``4月1日``), ``24時間体制`` and the idiom ``2、3人`` (a couple of people).

Years, dates, ``3年目``, ``H30`` and list numbering have no counter unit and
are never read. Period (``月4回``, ``年間450件``, ``1 回/年``, ``令和2年度末``,
``延べ``), qualifier (以上, 程度, 約, 以内) and the kind of quantity are read
from the words around the number (the category word printed nearest before
it wins: ``相談件数`` -> consultations, ``解決につながった件数`` -> cases_plans).

A range (``2～3名``) gives ``value`` = its lower end, the least the plan
commits to. Every reading that is not the printed figure is a named rule
logged in the ledger: ``annualise_per_month``, ``annualise_per_week``,
``multiply_factors``, ``multiply_each``, ``count_unit_after_period`` and
``join_split_thousands`` (see :data:`study.clean.rules.RULE_ROWS`).

Public API: :data:`TARGET_TABLE`, :func:`extract_targets`, :func:`summarize`,
:data:`SUMMARY_COLUMNS`; and the readers :func:`target_texts`,
:func:`read_targets`, :func:`find_quantities`.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from study.clean import numbers
from study.clean.colspec import Col
from study.clean.ledger import Ledger
from study.clean.numbers import MONTHS, NUMBER, PLACE_COUNTERS, find_kanji_numbers, join_split_thousands, to_number
from study.clean.rules import RULES
from study.clean.structure import PROJECT_SECTIONS, Block, Line, find_sections
from study.clean.textnorm import clean_cell, compact, split_cells, squeeze
from study.clean.fields.target_roles import AREA_UNITS, ROLE_COLUMNS, assign_roles, value_pct

# --- table specs -------------------------------------------------------------

PROJECTS = PROJECT_SECTIONS
KINDS = (
    "consultations",
    "cases_plans",
    "participants",
    "volunteers_supporters",
    "places_hubs",
    "meetings",
    "rate_percent",
    "other",
    "increase",
)
TARGET_GROUPS = ("outcome", "activity", "other")
PERIODS = ("per_month", "per_year", "per_week", "total", "by_year", "none")
QUALIFIERS = ("以上", "程度", "約", "以内", "")
#: Months / weeks per year, for ``annual_value``.
PER_YEAR = {"per_month": numbers.PER_YEAR["月"], "per_week": numbers.PER_YEAR["週"], "per_year": numbers.PER_YEAR["年"]}

TARGET_TABLE: tuple[Col, ...] = (
    Col("entity_id", "string", "—", "Entity the target belongs to (see entities.csv)", required=True),
    Col(
        "project",
        "string",
        "3./4./5. …事業について",
        "Project section the target is printed in: chiikiryoku (3. 地域力強化推進事業), "
        "takikan (4. 多機関の協働による包括的支援体制構築事業), prefectural (5. 都道府県事業)",
        enum=PROJECTS,
        required=True,
    ),
    Col(
        "item",
        "string",
        "事業の成果目標",
        "Form item of the target: 3ア or 3イ (section 3, sub-items ア/イ), 4⑧ (section 4), 5⑤ (section 5); "
        "fixed by the form, whatever number the plan printed (⑨, ㊦…)",
        pattern=r"^(3ア|3イ|3|4⑧|5⑤)$",
        required=True,
    ),
    Col(
        "source_line",
        "integer",
        "—",
        "1-based line of the raw file the number is printed on",
        "line",
        1,
        None,
        required=True,
    ),
    Col(
        "raw",
        "string",
        "事業の成果目標",
        "The clause the number was read from (tags stripped, full-width folded)",
        required=True,
    ),
    Col(
        "value",
        "number",
        "事業の成果目標",
        "The target figure; for a printed range (2～3名) its lower end (the least the plan commits to); "
        "for a product without a printed total (1か所×30人×12回) the product (see corrections, rule multiply_factors)",
        "as in unit",
        0,
        None,
        required=True,
    ),
    Col(
        "value_low",
        "number",
        "事業の成果目標",
        "Lower end of a printed range; equals value when no range is printed",
        "as in unit",
        0,
        None,
        required=True,
    ),
    Col(
        "value_high",
        "number",
        "事業の成果目標",
        "Upper end of a printed range; equals value when no range is printed",
        "as in unit",
        0,
        None,
        required=True,
    ),
    Col(
        "unit",
        "string",
        "事業の成果目標",
        "Counter unit as printed (件, 人, 名, か所, 回, %, 地区, 団体, トン, 世帯…)",
        required=True,
    ),
    Col(
        "kind",
        "string",
        "—",
        "What is counted: consultations (相談件数), cases_plans (cases, support plans, resolved / referred cases), "
        "participants, volunteers_supporters (volunteers, supporters, trained helpers), places_hubs (places, hubs, "
        "areas covered), meetings (meetings / sessions held), rate_percent (% or 割), other",
        enum=KINDS,
        required=True,
    ),
    Col(
        "target_group",
        "string",
        "—",
        "outcome (consultations received or resolved, cases, support plans, resolution rates) vs activity "
        "(meetings held, participants, volunteers trained, places opened) vs other",
        enum=TARGET_GROUPS,
        required=True,
    ),
    Col(
        "period",
        "string",
        "—",
        "Period the figure refers to: per_month (月4回, 1月当たり5件), per_year (年間450件, 1回/年), per_week, total "
        "(延べ, 合計, 3年間で), by_year (a level to reach by a date: 令和2年度末, 本年度中に), none (no period "
        "printed; also a per-day rate such as 14人/日, which is not annualised)",
        enum=PERIODS,
        required=True,
    ),
    Col(
        "annual_value",
        "number",
        "—",
        "Yearly figure when a per-month/-week/-year period is printed (月4回 -> 48, 1月当たり5件 -> 60, "
        "年間450件 -> 450); null otherwise and for % (see corrections, rules annualise_*)",
        "as in unit per year",
        0,
        None,
    ),
    Col(
        "qualifier",
        "string",
        "—",
        "Qualifier printed with the number: 以上 (also 最低, 超), 程度 (also 程, ほど, 前後), 約 (also およそ, 概ね), "
        "以内 (also 以下, 未満); empty if none",
        enum=QUALIFIERS,
    ),
    Col(
        "is_target",
        "boolean",
        "—",
        "True only for role = target (results and current values such as 実績, 現状, H30実績 are left out "
        "of the table altogether)",
        required=True,
    ),
    *ROLE_COLUMNS,
)
TARGET_COLUMNS = [c.name for c in TARGET_TABLE]

SUMMARY_COLUMNS: tuple[Col, ...] = (
    Col(
        "n_quantified_targets",
        "integer",
        "事業の成果目標",
        "Quantified targets (a number with a unit) in all 事業の成果目標 items",
        "targets",
        0,
        None,
    ),
    Col("has_quantified_target", "boolean", "事業の成果目標", "At least one quantified target"),
    Col(
        "n_outcome_targets",
        "integer",
        "事業の成果目標",
        "Quantified outcome targets (consultations, cases, plans, resolution rates)",
        "targets",
        0,
        None,
    ),
    Col(
        "n_activity_targets",
        "integer",
        "事業の成果目標",
        "Quantified activity targets (meetings, participants, volunteers, places)",
        "targets",
        0,
        None,
    ),
    Col("has_outcome_target", "boolean", "事業の成果目標", "At least one quantified outcome target"),
)

# --- cells and the target text ------------------------------------------------

_LABEL = r"事\s*業\s*の\s*成\s*果\s*目\s*標"
#: Item numbering or a bullet printed before a label: ⑧, ㊦, (8), 8., 8, (ク), ク, ・, ○, 【
_NUMBERING = r"(?:[①-⑳㊀-㊰]|\(\s*(?:\d+|[ア-ン])\s*\)|\d+\s*[.)．]?|[ア-ン](?=\s*事)|[・○●◎■□◆◇▼])"
_HEADING_RE = re.compile(rf"^\s*【?\s*{_NUMBERING}?\s*{_LABEL}\s*(?:\([^()\d]{{0,20}}\))?\s*】?\s*[:：]?\s*")
#: Printed form labels that end a target text (matched on the whitespace-free cell text).
_STOP_RE = re.compile(
    r"^(?:[①-⑳㊀-㊰]|\(\d+\)|\d+\.)?(?:"
    r"多機関の協働による.{0,24}?(?:実施計画|について)|地域力強化推進事業(?:実施計画|について)|都道府県事業について"
    r"|実施主体|事業名|事業実施の必要性|事業内容|相談支援包括化推進員の(?:配置|経歴)"
    r"|自治体の基本情報|地域の特徴|事業を実施する上でのビジョン)"
    r"|^[アイウエオ]その他|^[①-⑳㊀-㊰](?:その他|備考|添付|参考資料|事業費|予算|実施スケジュール|スケジュール)"
    r"|^[アイウエオ](?:包括的な相談支援体制の構築|相談支援包括化推進会議の開催方法|自主財源の確保|新たな社会資源の創出)"
    r"|^\([アイウエ]\)地域住民|^\(エ\)その他"
    r"|^\((?:対象地域|対象地域の範囲|人口|支援する対象|拠点の場所|研修の対象|場所・機関等の名称|周知方法|把握の方法|バックアップの内容)\)"
    r"|^事業実施にあたり連携する|^地域の課題を地域で解決していくための財源"
    r"|^都道府県名|^(?:地域力強化|多機関協働)事業実施団体名"
)
_HINT_RE = re.compile(r"成\s*果\s*目\s*標")
#: ``ア 「住民に身近な圏域」において…`` / ``イ 「住民に身近な圏域」…``: the sub-items of section 3.
_SUB_ITEM_RE = re.compile(r"^([アイ])[「｢『]?住民に身近な圏域")
#: First characters of the stop labels (a cheap test before the regex).
_STOP_FIRST = frozenset("①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳(0123456789多地都実事相自アイウエオ") | frozenset(
    chr(c) for c in range(0x3280, 0x32B1)
)


class Cell(NamedTuple):
    """A tab cell or HTML block of a line, cleaned.

    ``html``: its line carries an HTML table (printed twice by the conversion);
    ``block``: it was cut from the previous cell at an HTML block tag (a new
    paragraph), not at a tab.
    """

    line: int
    text: str
    html: bool
    block: bool = False


def line_cells(line: Line) -> list[Cell]:
    """Cut a line into cells at tabs and HTML block tags (``<p>``, ``<td>``, ``<tr>``…), cleaned."""
    html = "<td" in line.text or "<table" in line.text
    return [Cell(line.no, c, html, cut) for part, cut in split_cells(line.text) if (c := clean_cell(part))]


@dataclass
class TargetText:
    """The text of one 事業の成果目標 item, with the line of each of its cells."""

    project: str
    item: str
    heading_line: int
    cells: list[Cell] = field(default_factory=list)
    from_html: bool = False

    @cached_property
    def key(self) -> str:
        """Whitespace-free text, for spotting the duplicates of an HTML table (read once the text is complete)."""
        return compact("".join(c.text for c in self.cells)).replace("\ufffd", "")


def _hint_lines(lines: list[Line]) -> list[int]:
    """Indices of the lines with a 成果目標 heading or a ``住民に身近な圏域`` sub-item label."""
    return [k for k, ln in enumerate(lines) if "身近" in ln.text or ("目標" in ln.text and _HINT_RE.search(ln.text))]


def _regions(block: Block) -> list[tuple[str | None, list[Line], list[int]]]:
    """(project, lines, hint line indices) of every project section; then the lines outside them
    from the first 成果目標 heading (project unknown: a section heading is missing or garbled)."""
    out: list[tuple[str | None, list[Line], list[int]]] = []
    parts = [(block.lines, block.sections)]
    if block.continuation:
        parts.append((block.continuation, find_sections(block.continuation)))
    for lines, sections in parts:
        hints = _hint_lines(lines)
        spans = [(name, *sections[name]) for name in PROJECT_SECTIONS if name in sections]
        for name, a, b in spans:
            out.append((name, lines[a + 1 : b], [k - a - 1 for k in hints if a < k < b]))
        outside = [k for k in hints if not any(a <= k < b for _, a, b in spans) and _HINT_RE.search(lines[k].text)]
        if outside:
            keep = [k for k in range(outside[0], len(lines)) if not any(a <= k < b for _, a, b in spans)]
            hint_set = set(hints)
            out.append((None, [lines[k] for k in keep], [i for i, k in enumerate(keep) if k in hint_set]))
    return out


_CIRCLED_NUMBERS = {ch: k + 1 for k, ch in enumerate("①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳")}
_PRINTED_NUMBER_RE = re.compile(r"^\s*【?\s*\(?\s*(\d+)")


def _guess_project(cell_text: str, block: Block) -> str:
    """Project of a heading found outside any section (its section heading is missing or garbled):
    a prefecture's is section 5; a numbered one (⑧, ⑨, ㊦, (8), 8.) is section 4's item ⑧;
    an unnumbered one is section 3's (ア/イ)."""
    if not block.municipality_raw:
        return "prefectural"
    head = cell_text.lstrip(" 【")[:1]
    m = _PRINTED_NUMBER_RE.match(cell_text)
    number = _CIRCLED_NUMBERS.get(head) or (int(m.group(1)) if m else None)
    return "takikan" if number is not None or "\u3280" <= head <= "\u32b0" else "chiikiryoku"


def _item(project: str, sub: str | None, n: int) -> str:
    if project == "takikan":
        return "4⑧"
    if project == "prefectural":
        return "5⑤"
    if sub:
        return "3" + sub
    return {1: "3ア", 2: "3イ"}.get(n, "3")


def _after_label(text: str) -> str:
    """Text of a cell after the 事業の成果目標 label."""
    m = _HEADING_RE.match(text)
    return text[m.end() :].strip() if m else text


def target_texts(block: Block) -> list[TargetText]:
    """Every 事業の成果目標 item of a block with its text (see module docstring).

    In section 3 the sub-item is the last ``ア/イ 「住民に身近な圏域」`` label
    before the heading (else the order of the headings). A second label inside
    a target text (another text pasted before it) restarts the text for the
    same item. A text that repeats one read from an HTML-table line of the same
    section (the conversion prints such tables twice) is dropped.
    """
    out: list[TargetText] = []
    for project, lines, hints in _regions(block):
        # only lines with a heading or a sub-item label, and the lines of a target text, are read
        if not hints:
            continue
        sub: str | None = None
        n_headings = 0
        current: TargetText | None = None
        found: list[TargetText] = []
        k, h, n = hints[0], 0, len(lines)
        while k < n:
            if current is None:
                while h < len(hints) and hints[h] < k:
                    h += 1
                if h == len(hints):
                    break
                k = hints[h]
            ln = lines[k]
            k += 1
            raw = ln.text
            html = "<td" in raw or "<table" in raw
            for part, cut in split_cells(raw):
                if current is None and "身近" not in part and "目標" not in part:
                    continue
                text = clean_cell(part)
                if not text:
                    continue
                cell = Cell(ln.no, text, html, cut)
                c = text[:80]  # labels are at the start of a cell
                if " " in c:
                    c = c.replace(" ", "")
                if "成果目標" in c and _HEADING_RE.match(c):
                    proj = project or _guess_project(cell.text, block)
                    if current is not None and current.project == proj:
                        found.remove(current)
                        item = current.item
                    else:
                        n_headings += 1
                        item = _item(proj, sub, n_headings)
                    current = TargetText(proj, item, cell.line)
                    found.append(current)
                    rest = _after_label(cell.text)
                    if rest:
                        current.cells.append(Cell(cell.line, rest, cell.html, True))
                        current.from_html = cell.html
                    continue
                sm = _SUB_ITEM_RE.match(c) if c[:1] in "アイ" else None
                if sm:
                    sub = sm.group(1)
                if current is not None:
                    if sm or (c[:1] in _STOP_FIRST and _STOP_RE.match(c)):
                        current = None
                    else:
                        current.cells.append(cell)
                        current.from_html = current.from_html or cell.html
        out.extend(_dedupe(found))
    return out


def _dedupe(found: list[TargetText]) -> list[TargetText]:
    """Drop a text that repeats (or is part of) one of the same section read from an HTML-table line."""
    kept: list[TargetText] = []
    for t in found:
        k = t.key
        dup = next(
            (o for o in kept if k and o.key and (o.from_html or t.from_html) and (k in o.key or o.key in k)), None
        )
        if dup is None:
            kept.append(t)
        elif len(k) > len(dup.key):
            # the first copy fixes the item; the fuller copy gives the text
            kept[kept.index(dup)] = TargetText(dup.project, dup.item, t.heading_line, t.cells, t.from_html)
    return kept


# --- quantities ----------------------------------------------------------------

_NUM = NUMBER
#: Counter units (regex alternatives, longest first); the lookaheads keep 人口, 名称, 回覧, 組織, 社会… out.
_UNIT_ALTS = (
    "区市町村",
    "市区町村",
    "市町村",
    "市町(?!村)",
    "行政区",
    "自治会",
    "自治区",
    "町内会",
    "中学校区",
    "小学校区",
    "校区",
    "協議体",
    "事業所",
    "ケース",
    "チーム",
    "グループ",
    "サロン",
    "コース",
    "講座",
    "教室",
    "会場",
    "団体",
    "法人",
    "店舗",
    "施設",
    "拠点",
    "機関",
    "事例",
    "プラン",
    "パーセント",
    "部(?![会署門局分屋長])",
    "枚",
    "戸(?![籍別])",
    "軒",
    "地区",
    "圏域",
    "区域",
    "地域(?![包福住共])",
    "世帯",
    "時間",
    "トン",
    *PLACE_COUNTERS,
    "%",
    "件(?!目)",
    "人(?![口材権格生間工暮称])",
    "名(?![称簿前義])",
    "組(?![織合み])",
    "回(?![覧答復収目数])",
    "社(?![会協福団])",
    "校(?![区長舎])",
    "点(?![検在数目])",
    "つ(?![なくいまど])",
    "割(?![合引当り])",
    "度(?![目合数])",
    "倍",
    "日(?![間目本曜時])",
)
_UNIT = "(?:" + "|".join(_UNIT_ALTS) + ")"
_UNIT_FIRST = frozenset(u[0] for u in _UNIT_ALTS)
_MONTHS = MONTHS
_SEP_CHARS = "~-‐–—ー"
_SEP = r"[~\-‐–—ー]"
#: Anchored at a number token: a range (2~3名, 2名~3名) or a single quantity (4,404 回).
_QTY_AT = re.compile(
    rf"(?P<n1>{_NUM})\s*(?:(?P<u1>{_UNIT})\s*)?{_SEP}\s*(?P<n2>{_NUM})\s*(?P<u2>{_UNIT})|(?P<n>{_NUM})\s*(?P<u>{_UNIT})"
)
_SINGLE_AT = re.compile(rf"(?P<n>{_NUM})\s*(?P<u>{_UNIT})")
_TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)*")
_HAS_TIMES_RE = re.compile(r"\d[^\n×✕＊]{0,6}[×✕＊][ \t]*\d|\d\S{0,5}[xX]\d")
_FACTOR = rf"{_NUM}[ \t]*(?:{_UNIT}|{_MONTHS})?"
_TIMES = r"(?:[ \t]*[×✕＊][ \t]*|[xX](?=\d))"
_CHAIN_RE = re.compile(rf"(?<![\d.,]){_FACTOR}(?:{_TIMES}{_FACTOR})+")
_FACTOR_RE = re.compile(rf"(?P<n>{_NUM})\s*(?P<u>{_UNIT}|{_MONTHS})?")
_EACH_RE = re.compile(
    rf"(?<![\d.,])(?P<n>{_NUM})\s*(?P<u>{_UNIT})\s*"
    rf"(?:に\s*(?:各\s*)?(?P<m1>{_NUM})\s*(?P<v1>{_UNIT})\s*ずつ|各\s*(?P<m2>{_NUM})\s*(?P<v2>{_UNIT}))"
)
#: A period word right before a number that has no unit (``月1程度の訪問``), and what may follow it.
_BARE_PERIOD_BEFORE_RE = re.compile(r"(?<![\d元かヶカヵケ年])(?:毎月|月に|月|毎週|週に|週)\s*$")
_BARE_PERIOD_AFTER_RE = re.compile(r"\s*(?:程度|以上|ほど|程|の|を|、|。|\)|$)")


@dataclass
class Quantity:
    """A number with its unit in a target text: position, value range, rules applied to read it."""

    start: int
    end: int
    low: float
    high: float
    unit: str
    rules: list[str] = field(default_factory=list)
    chain: bool = False


def find_quantities(text: str) -> list[Quantity]:
    """Every number-with-unit in ``text`` (width-folded), in order.

    A range (``2~3名``, ``4-10回``) is one quantity; so is a product
    (``1か所×30人×12回``, rule ``multiply_factors``) and ``N地区に1箇所ずつ``
    (rule ``multiply_each``). A number right after 月/週 with no unit
    (``月1程度``) counts times (rule ``count_unit_after_period``). No
    context filtering here: see :func:`read_targets`.
    """
    return _scan(text)[0]


def _scan(text: str) -> tuple[list[Quantity], list[re.Match[str]]]:
    """(quantities, number tokens that have no unit but a qualifier after them)."""
    out: list[Quantity] = []
    bare: list[re.Match[str]] = []
    taken: list[tuple[int, int]] = []
    if _HAS_TIMES_RE.search(text):
        for m in _CHAIN_RE.finditer(text):
            factors = list(_FACTOR_RE.finditer(m.group(0)))
            units = [f.group("u") for f in factors if f.group("u")]
            if len(factors) < 2 or not units:
                continue
            product = float(math.prod(to_number(f.group("n")) for f in factors))
            unit = next((u for pref in ("人", "名", "件", "回") for u in units if u == pref), units[-1])
            taken.append((m.start(), m.end()))
            out.append(Quantity(m.start(), m.end(), product, product, unit, [RULES.multiply_factors], chain=True))
    each = "ずつ" in text or "各" in text
    n = len(text)
    taken_until = -1
    for tok in _TOKEN_RE.finditer(text):
        s, e = tok.start(), tok.end()
        if s < taken_until or (s and text[s - 1] in ".,") or (taken and any(a <= s < b for a, b in taken)):
            continue
        j = e
        while j < n and text[j] == " ":
            j += 1
        ch = text[j] if j < n else ""
        if ch in _UNIT_FIRST or ch in _SEP_CHARS:
            m = _EACH_RE.match(text, s) if each else None
            if m:
                v = to_number(m.group("n")) * to_number(m.group("m1") or m.group("m2"))
                out.append(Quantity(s, m.end(), v, v, m.group("v1") or m.group("v2"), [RULES.multiply_each]))
                taken_until = m.end()
                continue
            m = _SINGLE_AT.match(text, s) if ch in _UNIT_FIRST else None
            after = m.end() if m else j
            while after < n and text[after] == " ":
                after += 1
            if after < n and text[after] in _SEP_CHARS:
                m = _QTY_AT.match(text, s) or m
            if m and m.re is _QTY_AT and m.group("n2") is not None:
                lo, hi = to_number(m.group("n1")), to_number(m.group("n2"))
                u1, u2 = m.group("u1"), m.group("u2")
                if u1 and u1 != u2:  # "10人-3回": two quantities, not a range
                    out.append(Quantity(s, m.end("u1"), lo, lo, u1))
                    out.append(Quantity(m.start("n2"), m.end(), hi, hi, u2))
                else:
                    out.append(Quantity(s, m.end(), lo, hi, u2))
                taken_until = m.end()
                continue
            if m:
                v = to_number(m.group("n"))
                out.append(Quantity(s, m.end(), v, v, m.group("u")))
                taken_until = m.end()
                continue
        if (
            tok.group(0).isdigit()
            and s
            and _BARE_PERIOD_BEFORE_RE.search(text, max(0, s - 4), s)
            and _BARE_PERIOD_AFTER_RE.match(text, e)
        ):
            v = to_number(tok.group(0))
            out.append(Quantity(s, e, v, v, "回", [RULES.count_unit_after_period]))
        elif ch in "以程ほ" and (not s or text[s - 1] not in "年月第") and _BARE_QUAL_RE.match(text, e):
            bare.append(tok)
    kanji = _kanji_quantities(text, out)
    if taken or kanji:
        out.sort(key=lambda q: q.start)
    return out, bare


_KANJI_UNIT_RE = re.compile(_UNIT)
_KANJI_HINT_RE = re.compile("[一二三四五六七八九十百千]")
_KANJI_BARE_RE = re.compile(r"\s*以上")


def _kanji_quantities(text: str, out: list[Quantity]) -> bool:
    """Add the kanji-numeral quantities of ``text`` (``三回``, ``一以上``) to ``out``
    (see :func:`study.clean.numbers.find_kanji_numbers`)."""
    added = False
    for k in find_kanji_numbers(text, _KANJI_UNIT_RE, _KANJI_BARE_RE):
        if any(q.start <= k.start < q.end for q in out):
            continue
        rules = [RULES.kanji_numeral] if k.unit else [RULES.kanji_numeral, RULES.kanji_generic_counter]
        out.append(Quantity(k.start, k.end, float(k.value), float(k.value), k.unit or "つ", rules))
        added = True
    return added


# --- context --------------------------------------------------------------------

#: Paragraph boundaries: a result/current-value marker holds until the next one.
_PARA_CHARS = "\n【→⇒○●◎■□◆◇▼※①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
#: Sentence boundaries (labels, sentence-final verbs): paragraph ones but the arrows, plus 。
_SENT_CHARS = "。\n【○●◎■□◆◇▼※①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
#: Clause boundaries (period words, qualifiers, clause-final verbs).
_SOFT_CHARS = _SENT_CHARS + "→⇒、,:：\t"
_OPEN, _CLOSE = "(（[「『", ")）]」』"
_SPECIAL_RE = re.compile("[" + re.escape(_SOFT_CHARS + _OPEN + _CLOSE + "・") + "]")

#: Words that make the rest of a paragraph a result or current value, not a target.
_NONTARGET_RE = re.compile(r"実績|現状|現在|時点|参考値|参考|昨年度|前年度(?!比)|前年同|既に|すでに|これまで")
#: A result/current-value marker this close to the start of its paragraph heads the whole paragraph.
_HEADER_SPAN = 12
_HEADER_MARKER_RE = re.compile(r"実績|現状|参考")
#: Words that make what follows a target again.
_RETARGET_RE = re.compile(r"目標|目指|本年度|今年度|年度末|年度中|までに|予定|とする|見込")
#: Clause-final verbs after a number that make it a past or current value (…があった, 30名おり, …ある).
_PAST_CLAUSE_RE = re.compile(
    r"(?:あった|ありました|あり|おり|おります|(?<!で)ある|あります|いる|います|いた|した|しました|済み|済|経過\S*)\s*$"
)
_PAST_SENTENCE_RE = re.compile(r"(?:ている|ていた|あった|(?<!で)ある|いる)\s*[。)]?\s*$")
#: Words that keep a clause with such a verb a target (…を目標としている, …見込んでいる).
_TARGET_WORDS_RE = re.compile(r"目標|目指|めざ|予定|見込|計画")
#: A fiscal year before FY2019 labelling the number after it: a past value (H30: 120件, 平成29年度は…).
_PAST_YEAR_RE = re.compile(
    r"(?:H|平成)\s*(?:[1-2]?\d|30)\s*(?:年度?)?\s*(?:実績|の実績|は|:|：|末)|20(?:0\d|1[0-8])\s*年度?\s*(?:実績|の実績|は|:|：|末)"
)
_TOTAL_BETWEEN_RE = re.compile(r"[\s(（]*(?:延べ|のべ|延|計|合計|=|＝)?\s*")
_FRACTION_AFTER_RE = re.compile(r"\s*[/／]\s*\d")
_FRACTION_BEFORE_RE = re.compile(r"\d\s*\S{0,4}\s*[/／]\s*$")
_DIGIT_AFTER_RE = re.compile(r"\s*\d")
_IDIOM_BEFORE_RE = re.compile(r"(\d+)\s*、\s*$")
_DIGIT_RE = re.compile(r"\d")
_BARE_QUAL_RE = re.compile(r"\s*(?:以上|程度|以内|ほど)(?!\d)")
#: ``5か所から``: the quantity after it is the new level, a target even after 現在.
_BASELINE_BEFORE_RE = re.compile(rf"{_NUM}\s*{_UNIT}\s*(?:以上|程度)?\s*から")
_BASELINE_AFTER_RE = re.compile(r"\s*(?:以上|程度)?\s*から\s*(?:約)?\s*\d[\d,.]*\s*\S{0,5}?\s*(?:に|へ|まで)")
_PER_UNIT_AFTER_RE = re.compile(r"\s*(?:あたり|当たり|につき|ごと|毎)")
_SCOPE_AFTER_RE = re.compile(r"\s*[)）]?\s*(?:\([^()]*\))?\s*(?:において|における|を単位|単位)")
#: A bracket right after a target that splits it: per unit (1地区あたり), うち, 各, or per period (月10件, 3か月に1回).
_BREAKDOWN_BRACKET_RE = re.compile(
    r"\s*(?:1\s*\S{1,6}?(?:あたり|当たり|あり|につき|ごと)|うち|内訳|各|\d+\s*(?:か|ヶ|カ|ヵ|ケ)?月に"
    r"|(?:月|週|1日|日)(?:平均|あたり|当たり)?\s*(?:約)?\s*\d)"
)
_SCOPE_BRACKET_RE = re.compile(r"\s*対象")
_POPULATION_BEFORE_RE = re.compile(r"人口\s*[)）]?\s*[:：]?\s*(?:約)?\s*$")
_SCALE_BEFORE_RE = re.compile(r"(?:最高|満点|最大値|上限値)\s*(?:評価)?\s*$")
_ORDINAL_BEFORE_RE = re.compile(r"(?:第|No\.?|NO\.?|№|資料|別紙|様式)\s*$")
_DATE_BEFORE_RE = re.compile(r"(?:月|年|/|\.)\s*$")
_DESCRIPTIVE_AFTER_RE = re.compile(r"\s*(?:体制|対応|365|営業|受付|稼働)")

_PERIOD_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "per_month",
        re.compile(
            r"毎月|月平均|ひと月|1(?:か|ヶ|カ|ケ|ヵ)月(?:当たり|あたり|につき|に|で|平均)?|1月(?:当たり|あたり|につき|平均)"
            r"|(?<![\d元かヶカヵケ])月"
        ),
    ),
    ("per_week", re.compile(r"毎週|1週間?(?:当たり|あたり|につき|に)|(?<!\d)週")),
    (
        "per_year",
        re.compile(
            r"毎年度?|各年度|年度ごと|1年(?![目度生])間?(?:当たり|あたり|につき|で|に)?|(?<![\d元年前昨翌来今本])年(?![度目生比後前齢代金次])"
        ),
    ),
    (
        "by_year",
        re.compile(
            r"(?:令和|平成|R|H)?(?:\d+|元)年度?(?:末|中|内|まで)|(?:本|今|次|来)?年度(?:末|中|内)|(?:本|今|次|来)年度|までに"
        ),
    ),
    ("total", re.compile(r"延べ|のべ|延|合計|累計|通算|総計|計(?![画測])|(?:[2-9]|\d{2})(?:か|ヶ|カ|ヵ)?年間?で")),
)
_PERIOD_HINT_RE = re.compile(r"[年月週延のべ計通総まで度]")
_PERIOD_RE = re.compile("|".join(f"(?P<{name}>{rx.pattern})" for name, rx in _PERIOD_PATTERNS))
_SUFFIX_RE = re.compile(
    r"\s*(?:以上|程度|程|以内|ほど)?\s*(?:[/／]\s*(?P<s>年|月|週|日)|\(\s*(?P<b>年間|年|月間|月|週)\s*\)|\(\s*(?P<t>のべ|延べ)\s*\)"
    r"|\(\s*(?P<y>(?:令和|平成|R|H)?\s*(?:\d+|元)\s*年度?\s*(?:末|中|内|まで)[^()]{0,12})\))"
)
_LEADING_SUFFIX_RE = re.compile(r"^\s*(?:以上|程度|程|以内|ほど)?\s*(?:[/／]\s*[年月週日]|\([^()]*\))")
_QUAL_AFTER_RE = re.compile(r"\s*(程度|程|ほど|前後)?\s*(以上|超|以内|以下|未満)?")
_QUAL_BEFORE_RE = re.compile(r"(約|およそ|おおよそ|概ね|おおむね|最低|少なくとも)\s*(?:月|年|週)?\s*(?:平均)?\s*$")
_QUAL_MAP = {
    "以上": "以上",
    "超": "以上",
    "最低": "以上",
    "少なくとも": "以上",
    "程度": "程度",
    "程": "程度",
    "ほど": "程度",
    "前後": "程度",
    "以内": "以内",
    "以下": "以内",
    "未満": "以内",
    "約": "約",
    "およそ": "約",
    "おおよそ": "約",
    "概ね": "約",
    "おおむね": "約",
}

#: Words that say what is counted; for each unit family the one printed nearest before the number wins.
_KIND_WORDS: dict[str, re.Pattern[str]] = {
    "volunteers_supporters": re.compile(
        r"ボランティア(?:の)?参加|養成\S{0,4}参加|ボランティア|サポーター|協力員|担い手|養成|修了|登録|推進員|コーディネーター|会員|ゲートキーパー"
        r"|ソーシャルワーカー|アドバイザー|人材|福祉委員|活動者|支援員|相談員"
    ),
    "participants": re.compile(r"参加|利用|来所|受講|出席|定員"),
    "consultations": re.compile(r"相談(?!会)"),
    "cases_plans": re.compile(
        r"プラン|計画|ケース|事例|終結|解決|つない|つなが|つなぐ|繋|調整|支援目標|方針|継続|検討|支援を行う"
    ),
    "meetings": re.compile(
        r"会議|開催|研修|講座|懇談|学習会|フォーラム|委員会|相談会|座談会|検討会|会合|定例|教室|説明会|発表会|勉強会|交流会|窓口"
    ),
    "places_hubs": re.compile(r"場|拠点|居場所|サロン|カフェ|スペース"),
    "other_times": re.compile(r"訪問|コーディネート|件数"),
}
_MEETING_COUNT_RE = re.compile(r"会議|開催")
_CASE_NOUN_RE = re.compile(r"ケース|プラン|事例|計画")
_WORDS_RE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]{2,}")
_OUTCOME_RATE_RE = re.compile(r"解決|終結|決定|相談|支援|満足|達成")
_GROUP = {
    "consultations": "outcome",
    "cases_plans": "outcome",
    "participants": "activity",
    "volunteers_supporters": "activity",
    "places_hubs": "activity",
    "meetings": "activity",
    "other": "other",
}
_PERSON_UNITS = frozenset(("人", "名", "組"))
_CASE_UNITS = frozenset(("件", "世帯", "ケース"))
#: Units of places an activity opens or covers: the role rules' area units (:data:`AREA_UNITS`) except the
#: community and school-district ones and 市町, plus the place counters (か所…), 拠点 and サロン.
_PLACE_UNITS = (AREA_UNITS - {"自治区", "町内会", "中学校区", "小学校区", "校区", "市町"}) | {
    *PLACE_COUNTERS,
    "拠点",
    "サロン",
}
_MEETING_UNITS = frozenset(("回", "度", "講座", "コース", "教室"))


def _nearest(text: str, kinds: tuple[str, ...]) -> str | None:
    """The kind whose word ends nearest to the end of ``text`` (ties: the first in ``kinds``)."""
    best, best_end = None, -1
    for k in kinds:
        for m in _KIND_WORDS[k].finditer(text):
            if m.end() > best_end:
                best, best_end = k, m.end()
    return best


def classify(unit: str, label: str, tail: str, wide: str = "") -> tuple[str, str]:
    """(kind, target_group) of a quantity from its unit and the words around it.

    ``label`` is the text since the previous quantity, ``wide`` the whole
    sentence before the number (used when ``label`` has no words), ``tail``
    the words after it. For each unit family the category word printed
    nearest before the number wins.
    """
    if not _WORDS_RE.search(label):
        label = wide
    if unit in ("%", "割"):
        return "rate_percent", "outcome" if _OUTCOME_RATE_RE.search(label + tail) else "other"
    if unit in _MEETING_UNITS:
        if _nearest(label + tail, ("meetings", "other_times")) == "other_times":
            return "other", "other"
        return "meetings", "activity"
    if unit in _PERSON_UNITS:
        kinds = ("volunteers_supporters", "cases_plans", "consultations", "participants")
        kind = _nearest(label, kinds) or _nearest(tail, kinds) or "participants"
        if kind == "cases_plans" and not _CASE_NOUN_RE.search(label + tail):
            kind = "participants"
        return kind, _GROUP[kind]
    if unit in _CASE_UNITS:
        kind = _nearest(label, ("cases_plans", "consultations", "meetings"))
        if kind == "meetings" and not _MEETING_COUNT_RE.search(label):
            kind = _nearest(label, ("cases_plans", "consultations"))
        kind = kind or _nearest(tail, ("cases_plans", "consultations")) or "other"
        return kind, _GROUP[kind]
    if unit in _PLACE_UNITS or (unit == "つ" and _KIND_WORDS["places_hubs"].search(label + tail)):
        return "places_hubs", "activity"
    return "other", "other"


@dataclass
class _Text:
    """A target text with its boundaries and brackets precomputed."""

    text: str
    para: list[int]
    sent: list[int]
    soft: list[int]
    brackets: list[tuple[int, int]]  # (open, close) positions
    markers: list[re.Match[str]]  # result / current-value words

    @classmethod
    def of(cls, text: str) -> _Text:
        para, sent, soft, brackets, stack = [], [], [], [], []
        for m in _SPECIAL_RE.finditer(text):
            i, ch = m.start(), m.group(0)
            if ch == "\n":
                brackets.extend((o, i) for o in stack)
                stack = []
            if ch in _OPEN:
                stack.append(i)
                continue
            if ch in _CLOSE:
                if stack:
                    brackets.append((stack.pop(), i))
                continue
            top = not stack
            if ch in _PARA_CHARS and (top or ch == "\n"):
                para.append(i)
            if (ch in _SENT_CHARS or ch == "・") and (top or ch == "\n"):
                sent.append(i)
            if ch in _SOFT_CHARS or ch == "・":
                soft.append(i)
        brackets.extend((o, len(text)) for o in stack)
        return cls(text, para, sent, soft, brackets, list(_NONTARGET_RE.finditer(text)))

    def prev(self, bounds: list[int], pos: int) -> int:
        """Start of the span (after the last boundary before ``pos``)."""
        k = bisect_right(bounds, pos - 1)
        return bounds[k - 1] + 1 if k else 0

    def next(self, bounds: list[int], pos: int) -> int:
        """First boundary at or after ``pos`` (or the end)."""
        k = bisect_right(bounds, pos - 1)
        return bounds[k] if k < len(bounds) else len(self.text)

    def bracket(self, pos: int) -> tuple[int, int] | None:
        """The innermost bracket enclosing ``pos``."""
        inside = [b for b in self.brackets if b[0] < pos <= b[1]]
        return max(inside) if inside else None


@dataclass
class Reading:
    """One quantified target read from a target text (positions in the folded text)."""

    start: int
    end: int
    raw: str
    value: float
    value_low: float
    value_high: float
    unit: str
    kind: str
    target_group: str
    period: str
    annual_value: float | None
    qualifier: str
    rules: list[str] = field(default_factory=list)


@dataclass
class Dropped:
    """A number left out: not a target (``check='not_target'``) or unreadable (``no_unit``, ``range_order``)."""

    start: int
    end: int
    reason: str
    check: str


def read_targets(text: str) -> tuple[list[Reading], list[Dropped]]:
    """Read the quantified targets of one target text (width-folded; paragraphs joined by ``\\n``)."""
    if not _DIGIT_RE.search(text) and not _KANJI_HINT_RE.search(text):
        return [], []
    t = _Text.of(text)
    quantities, bare = _scan(text)
    kept: list[Quantity] = []
    dropped: list[Dropped] = []
    for k, q in enumerate(quantities):
        why = _not_target(t, q, kept, quantities[k + 1] if k + 1 < len(quantities) else None)
        if why:
            dropped.append(Dropped(q.start, q.end, why, "not_target"))
        elif q.high < q.low:
            dropped.append(
                Dropped(q.start, q.end, f"range printed high to low: {text[q.start : q.end]!r}", "range_order")
            )
        else:
            kept.append(q)
    prev_any = {id(q): (quantities[k - 1].end if k else 0) for k, q in enumerate(quantities)}
    readings = [_reading(t, q, prev_any[id(q)], kept[k - 1].end if k else 0) for k, q in enumerate(kept)]
    for tok in bare:
        snippet = text[max(0, tok.start() - 10) : tok.end() + 4]
        dropped.append(
            Dropped(tok.start(), tok.end(), f"number with a qualifier but no counter unit: {snippet!r}", "no_unit")
        )
    return readings, dropped


def _not_target(t: _Text, q: Quantity, kept: list[Quantity], nxt: Quantity | None) -> str:
    """Why ``q`` is not a target (empty string if it is one)."""
    text = t.text
    before = text[max(0, q.start - 12) : q.start]
    after = text[q.end : q.end + 24]
    if q.chain:
        between = text[q.end : nxt.start] if nxt else ""
        if nxt and nxt.low == q.low and _TOTAL_BETWEEN_RE.fullmatch(between):
            return "factors of the total printed after them"
        if kept and kept[-1].low == q.low and not text[kept[-1].end : q.start].strip():
            return "factors of the total printed before them"
    # results and current values: a marker heading its paragraph (平成30年度実績 …, 【現状】) holds for
    # the paragraph, one inside a sentence for that sentence
    para_start = t.prev(t.para, q.start)
    sent_start = t.prev(t.sent, q.start)
    marker = None
    for m in t.markers:
        if m.start() < para_start or m.end() > q.start:
            continue
        b = t.bracket(m.start())
        if b and b[1] < q.start:
            continue  # a marker inside a bracket that closed before the number
        if m.start() < sent_start and (
            m.start() - para_start > _HEADER_SPAN or not _HEADER_MARKER_RE.match(m.group(0))
        ):
            continue  # in an earlier sentence, and not a paragraph header
        if m.group(0) in ("現在", "時点") and "末" in text[max(0, m.start() - 4) : m.start()]:
            continue  # 令和2年度末時点で…: a date to reach, not the present
        marker = m
    if (
        marker
        and not _RETARGET_RE.search(text, marker.end(), q.start)
        and not _BASELINE_BEFORE_RE.search(text, marker.end(), q.start)
    ):
        return f"result or current value ({marker.group(0)})"
    if before.rstrip().endswith("現"):
        return "current value (現)"
    py = _PAST_YEAR_RE.search(text, max(sent_start, q.start - 16), q.start)
    if py and not _RETARGET_RE.search(text, py.end(), q.start):
        return f"past value ({py.group(0).strip()})"
    if _FRACTION_AFTER_RE.match(after) or _FRACTION_BEFORE_RE.search(before):
        return "part of a fraction (12件/38件)"
    clause_tail = text[q.end : t.next(t.soft, q.end)]
    if _PAST_CLAUSE_RE.search(clause_tail) and not _TARGET_WORDS_RE.search(clause_tail):
        return "past or current value (verb after it)"
    sent_end = t.next(t.sent, q.end)
    if _PAST_SENTENCE_RE.search(text[q.end : sent_end]) and not _TARGET_WORDS_RE.search(text[sent_start:sent_end]):
        return "past or current value (sentence ends in a past / progressive verb)"
    # breakdowns, scope, restatements
    b = t.bracket(q.start)
    if b:
        inner = text[b[0] + 1 :]
        follows = bool(kept) and not text[kept[-1].end : b[0]].strip()
        if follows and _BREAKDOWN_BRACKET_RE.match(inner):
            return "breakdown in a bracket after the target"
        if _SCOPE_BRACKET_RE.match(inner):
            return "scope (対象…) in a bracket"
        if follows and kept[-1].low == q.low and kept[-1].unit == q.unit:
            return "repeats the quantity printed before the bracket"
    if _PER_UNIT_AFTER_RE.match(after):
        return "per-unit denominator (…あたり)"
    if _BASELINE_AFTER_RE.match(after):
        return "baseline of an increase (…から…に)"
    if q.low == 1 and q.unit in _PLACE_UNITS and _DIGIT_AFTER_RE.match(after):
        return "per-unit denominator (1地区10人)"
    if q.unit in _PLACE_UNITS and _SCOPE_AFTER_RE.match(after):
        return "scope of the activity (…において, …単位)"
    if _POPULATION_BEFORE_RE.search(before):
        return "population of the area (人口)"
    if _SCALE_BEFORE_RE.search(before):
        return "scale maximum (最高評価…)"
    if _ORDINAL_BEFORE_RE.search(before):
        return "ordinal (第…)"
    m2 = _IDIOM_BEFORE_RE.search(before)
    if m2 and to_number(m2.group(1)) + 1 == q.low and q.unit in _PERSON_UNITS:
        return "idiom N、N+1人 (a couple of)"
    if q.unit == "日" and _DATE_BEFORE_RE.search(before):
        return "a date (…月1日)"
    if q.unit == "時間" and _DESCRIPTIVE_AFTER_RE.match(after):
        return "descriptive (24時間体制)"
    return ""


def _period(t: _Text, q: Quantity, window: str) -> str:
    sfx = (
        _SUFFIX_RE.match(t.text, q.end)
        if t.text[q.end : q.end + 8].strip(" 以上程度内ほ")[:1] in ("/", "／", "(")
        else None
    )
    if sfx:
        if sfx.group("t"):
            return "total"
        if sfx.group("y"):
            return "by_year"
        s = sfx.group("s") or sfx.group("b")
        return {"年": "per_year", "年間": "per_year", "月": "per_month", "月間": "per_month", "週": "per_week"}.get(
            s, "none"
        )
    if not _PERIOD_HINT_RE.search(window):
        return "none"
    w = window
    if w.lstrip(" 以上程度内ほ")[:1] in ("/", "／", "("):
        w = _LEADING_SUFFIX_RE.sub("", w)
    if " " in w:
        w = w.replace(" ", "")
    found: dict[str, int] = {}
    for m in _PERIOD_RE.finditer(w):
        found[m.lastgroup] = m.end()
    periodic = [n for n in ("per_month", "per_week", "per_year") if n in found]
    if periodic:
        return max(periodic, key=lambda n: found[n])
    return "by_year" if "by_year" in found else "total" if "total" in found else "none"


def _reading(t: _Text, q: Quantity, prev_end: int, prev_kept_end: int) -> Reading:
    """Period, qualifier, kind of a kept quantity. The period words are looked for after the
    previous number; the label words after the previous target."""
    text = t.text
    sent_start = t.prev(t.sent, q.start)
    window = text[max(t.prev(t.soft, q.start), prev_end, q.start - 20) : q.start]
    label = text[max(sent_start, prev_kept_end, q.start - 40) : q.start]
    wide = text[max(sent_start, q.start - 60) : q.start]
    tail = text[q.end : min(t.next(t.soft, q.end), q.end + 15)]
    period = _period(t, q, window)
    am = _QUAL_AFTER_RE.match(text, q.end)
    bm = _QUAL_BEFORE_RE.search(window)
    quals = {_QUAL_MAP[x] for x in (am.group(1), am.group(2), bm.group(1) if bm else None) if x}
    qualifier = next((x for x in ("以上", "以内", "程度", "約") if x in quals), "")
    kind, group = classify(q.unit, label, tail, wide)
    rules = list(q.rules)
    annual = None
    if period in PER_YEAR and q.unit not in ("%", "割"):
        annual = q.low * PER_YEAR[period]
        if period == "per_month":
            rules.append(RULES.annualise_per_month)
        elif period == "per_week":
            rules.append(RULES.annualise_per_week)
    return Reading(
        q.start, q.end, _raw_span(t, q), q.low, q.low, q.high, q.unit, kind, group, period, annual, qualifier, rules
    )


def _raw_span(t: _Text, q: Quantity) -> str:
    """The sentence around the quantity (at most ~120 characters)."""
    a, b = t.prev(t.sent, q.start), t.next(t.sent, q.end)
    if b - a > 120:
        a, b = max(a, q.start - 60), min(b, q.end + 50)
    span = t.text[a:b]
    return squeeze(span).strip(" ・、")


# --- per block --------------------------------------------------------------------


@dataclass(frozen=True)
class Joined:
    """The text of a target item (tab cells joined by a tab, paragraphs and lines by a newline),
    the start offset and source line of each cell, and the spans where split thousands were joined."""

    text: str
    starts: list[int]
    lines: list[int]
    joined_spans: list[tuple[int, int]]

    def line_at(self, pos: int) -> int:
        return self.lines[bisect_right(self.starts, pos) - 1]


def joined_text(tt: TargetText) -> Joined:
    """Join the cells of a target item; ``1, 200`` (a space after a thousands comma) is read as
    1,200 (rule ``join_split_thousands``, :func:`study.clean.numbers.join_split_thousands`)."""
    parts: list[str] = []
    starts: list[int] = []
    lines: list[int] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    prev: Cell | None = None
    for cell in tt.cells:
        if prev is not None:
            parts.append("\t" if cell.line == prev.line and not cell.block else "\n")
            pos += 1
        text, joined = join_split_thousands(cell.text)
        spans.extend((pos + a, pos + b) for a, b in joined)
        starts.append(pos)
        lines.append(cell.line)
        parts.append(text)
        pos += len(text)
        prev = cell
    return Joined("".join(parts), starts, lines, spans)


def extract_targets(block: Block, entity_id: str, ledger: Ledger) -> list[dict]:
    """Rows of ``targets.csv`` (columns :data:`TARGET_TABLE`) for one entity block.

    Logs a correction for each value that is not as printed (annualised
    values, products, an inferred unit) and an issue for an empty target item
    or a number that cannot be read as a target (no unit, range printed high
    to low).
    """
    rows: list[dict] = []
    for tt in target_texts(block):
        joined = joined_text(tt)
        text = joined.text
        if not text.strip():
            ledger.issue(
                entity_id,
                "targets",
                tt.heading_line,
                "事業の成果目標",
                f"{tt.item}: no target text printed",
                "not_stated",
            )
            continue
        readings, dropped = read_targets(text)
        roles = assign_roles(text, readings)
        for r, role in zip(readings, roles, strict=True):
            line = joined.line_at(r.start)
            if any(a < r.end and r.start < b for a, b in joined.joined_spans):
                r.rules.insert(0, RULES.join_split_thousands)
            rows.append(
                {
                    "entity_id": entity_id,
                    "project": tt.project,
                    "item": tt.item,
                    "source_line": line,
                    "raw": r.raw,
                    "value": r.value,
                    "value_low": r.value_low,
                    "value_high": r.value_high,
                    "unit": r.unit,
                    "kind": r.kind,
                    "target_group": r.target_group,
                    "period": r.period,
                    "annual_value": r.annual_value,
                    "qualifier": r.qualifier,
                    "is_target": role.role == "target",
                    "role": role.role,
                    "value_pct": value_pct(r.value, r.unit),
                }
            )
            if role.increase:
                rows[-1]["kind"] = "increase"
            if role.rule:
                ledger.correct(entity_id, "targets.role", line, r.raw, role.role, role.rule, tt.item)
            if r.unit == "割":
                ledger.correct(
                    entity_id, "targets.value_pct", line, r.raw, rows[-1]["value_pct"], RULES.pct_from_wari, tt.item
                )
            for rid in r.rules:
                if rid in (RULES.annualise_per_month, RULES.annualise_per_week):
                    ledger.correct(entity_id, "targets.annual_value", line, r.raw, r.annual_value, rid, tt.item)
                elif rid == RULES.count_unit_after_period:
                    ledger.correct(entity_id, "targets.unit", line, r.raw, r.unit, rid, tt.item)
                else:
                    ledger.correct(entity_id, "targets.value", line, r.raw, r.value, rid, tt.item)
        for d in dropped:
            if d.check != "not_target":
                line = joined.line_at(d.start)
                ledger.issue(
                    entity_id, "targets", line, text[max(0, d.start - 20) : d.end + 10].strip(), d.reason, d.check
                )
    return rows


def summarize(rows: list[dict]) -> dict:
    """Entity-level counts of quantified targets (``is_target`` rows only; columns :data:`SUMMARY_COLUMNS`)."""
    targets = [r for r in rows if r.get("is_target")]
    n_out = sum(1 for r in targets if r.get("target_group") == "outcome")
    n_act = sum(1 for r in targets if r.get("target_group") == "activity")
    return {
        "n_quantified_targets": len(targets),
        "has_quantified_target": bool(targets),
        "n_outcome_targets": n_out,
        "n_activity_targets": n_act,
        "has_outcome_target": n_out > 0,
    }
