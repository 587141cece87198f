"""Plan details: meetings, who runs each project, and who the 推進員 are.

Three groups of entity-level columns (:data:`DETAIL_COLUMNS`), all found by
the form's printed labels, never by line numbers or entity names:

* **Meetings** (section 4, ⑦ イ 相談支援包括化推進会議の開催方法): for the
  ``(個別事例の検討)`` and ``(ネットワーク構築)`` rows, meetings per year read
  from the free text after ``※会議の開催回数や参加者等を記載``, and the
  ``(既存の会議の名称)`` cell (same line after a tab, in ``<p>`` wrappers, or
  on the following lines in the name's column).
* **Implementer** (①実施主体(委託先) of sections 3, 4 and 5; the label may be
  garbled, e.g. ``①施主体``): who runs the project and whether a contractor
  is named.
* **推進員** (section 4, ⑤相談支援包括化推進員の経歴等): qualifications named
  and whether the 推進員 are the municipality's own staff.

Meeting frequencies (:func:`read_frequency`)
--------------------------------------------
* Expressions read: ``毎月``/``毎週``/``毎年`` (optionally with N回), ``隔月``/``隔週``,
  ``月N回``/``年N回``/``週N回`` (``年間``, ``年に``), ``N回/月``, ``N回/Nか月``,
  ``Nか月に1回``/``Nヶ月毎``/``Nカ月に一度``, ``2月に1回`` (bare 月 only for 2–6
  months), ``半年に1回``, ``四半期ごと``, ``N年に1回``. Full-width digits, kanji
  counts (``月一回``) and ``～``/``〜``/``-`` ranges are accepted; 程度/以上/約
  qualifiers are ignored (the raw text is kept). Dates (``5月頃``, ``10月15日``)
  are not frequencies.
* One expression gives a point value: ``low`` = ``high`` = ``per_year``.
* A range (``年に4～10回``, ``1回/1～3か月`` = 4–12, ``月1～2回``,
  ``2月に1回～半年に1回``) gives ``low``/``high``; ``per_year`` stays **null**:
  no midpoint is invented.
* Several distinct meeting series (separated by 、。・○, numbered items or
  lines) are **summed** (rule ``meeting_series_summed``); low/high are the sums
  of the lows/highs. Of three or more series, one that equals the sum of the
  others is a total followed by its breakdown and is taken alone
  (``meeting_total_with_breakdown``).
* Two expressions for the same series (``毎月第1木曜日開催(年12回)``,
  ``月1回毎月第2木曜日``, ``年3回(本年度4回)``) are one series; if they differ
  the series becomes a range (``meeting_restated_frequency``).
* A series held separately in each ward/district/site (``各区において、年1回``,
  ``中学校区ごとに月一回``, ``1箇所につき月1回``) is read **per unit**: the
  frequency of one unit's meeting, not multiplied by the number of units,
  which the row rarely states (``meeting_frequency_per_unit``; arithmetic such
  as ``(8地区×12月=96回)`` is ignored).
* A bare count with a count label (``実施予定回数 140回``, ``合計 15 回``,
  ``開催件数 20件``, ``令和元年度は…5回開催予定``) is the plan year's number of
  meetings (``meeting_plan_count_per_year``); counts per fiscal year
  (``H29:4回 H30:4回``) give the latest year's (``meeting_latest_fiscal_year_count``).
* ``随時``/``必要に応じて``/``その都度``/``適宜`` are not frequencies: alongside a
  number they are ignored; alone they give null and an issue ``not_a_frequency``.
  Other texts without a frequency give ``no_frequency`` (``see_attachment`` for
  ``別紙…参照``, ``not_stated`` for an empty row).
* A network row that only says ``同上``/``上記と同様`` takes the case row's
  value and name (``meeting_same_as_above``); without the row labels, two
  content lines are read in form order (``meeting_rows_in_form_order``).

Implementer (:func:`read_implementer`)
--------------------------------------
The cell is split into parties at 、・/()「」 and 及び. A party naming 社会福祉協議会
or 社協 is ``shakyo``; NPO/特定非営利活動法人 ``npo``; another 社会福祉法人
``social_welfare_corp``; 株式会社, 一般/公益社団・財団法人, 医療法人, 医師会, 事業団…
``other``, as is a named body of no listed kind (…協議会, …組織, コミュニティ;
``implementer_unlisted_party_is_other``). The entity itself is recognised by
its name (with or without prefecture/郡 prefix; a one-character misprint is
tolerated: ``implementer_name_variant``), a bare 市/町/村/県 or 直営. With any
contractor the type is the first one named (``implementer_first_named_type``
when kinds differ) and ``outsourced`` is true; with only the entity it is
``direct``; otherwise null with an issue.

推進員 (:func:`read_background`)
-----------------------------
A qualification is true when ⑤ names it (held or required), unless negated
(不要, なし) or only named in a bracketed aside about partners (``(…保健師…と連携…)``);
社会福祉主事 is not 社会福祉士, 介護福祉士 not 介護支援専門員, 保健師 not 看護師.
``staff_municipal`` is true for 市職員/町職員/役場職員/行政職員/直営, false for
社協職員/法人職員/委託先/…に入局/で雇用, and null (with an issue) when ⑤ says
neither, or both (``mixed_employers``, also when only N名 of them are 市職員).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from study.clean.colspec import Col
from study.clean.ledger import Ledger, Problem, Recorder, format_value
from study.clean.numbers import PLACES, FrequencyExpr, find_frequencies, normalise_counts
from study.clean.rules import RULES
from study.clean.structure import Block, Line, strip_item_number
from study.clean.textnorm import clean_cell, compact, fuzzy_label, plain, squeeze

# =============================================================================
# Columns
# =============================================================================

_MEETING_LABEL = "⑦イ 相談支援包括化推進会議の開催方法"
_KINDS = {
    "case": ("個別事例の検討", "case-review meetings"),
    "network": ("ネットワーク構築", "network-building meetings"),
}
IMPLEMENTER_TYPES = ("direct", "shakyo", "social_welfare_corp", "npo", "other")
_PROJECT_JA = {
    "chiikiryoku": ("3", "地域力強化推進事業", "community-capacity project (section 3)"),
    "takikan": ("4", "多機関の協働による包括的支援体制構築事業", "multi-agency project (section 4)"),
    "prefectural": ("5", "都道府県事業", "prefectural project (section 5)"),
}


def _meeting_cols() -> list[Col]:
    cols = []
    for kind, (ja, en) in _KINDS.items():
        label = f"{_MEETING_LABEL} ({ja}) ※会議の開催回数や参加者等を記載"
        cols += [
            Col(
                f"{kind}_meetings_per_year",
                "number",
                label,
                f"{en.capitalize()} per year, where the text gives one value (several distinct series summed; "
                "a series held in each ward/site counted per unit); null for a range or no frequency",
                "meetings/year",
                0,
                1000,
            ),
            Col(
                f"{kind}_meetings_per_year_low",
                "number",
                label,
                f"{en.capitalize()} per year, lower bound (= per_year for a single value)",
                "meetings/year",
                0,
                1000,
            ),
            Col(
                f"{kind}_meetings_per_year_high",
                "number",
                label,
                f"{en.capitalize()} per year, upper bound (= per_year for a single value)",
                "meetings/year",
                0,
                1000,
            ),
            Col(
                f"{kind}_meeting_existing_name",
                "string",
                f"{_MEETING_LABEL} ({ja}) (既存の会議の名称)",
                f"Name(s) of the existing meeting used for the {en}, as printed (bullets dropped); "
                f"``同上`` resolved to the case-review name",
            ),
        ]
    return cols


def _implementer_cols() -> list[Col]:
    cols = []
    for p, (num, ja, en) in _PROJECT_JA.items():
        label = f"{num}. {ja} ①実施主体(委託先)"
        cols += [
            Col(
                f"implementer_type_{p}",
                "string",
                label,
                f"Who runs the {en}: direct (the entity itself only), shakyo (社会福祉協議会), social_welfare_corp "
                "(other 社会福祉法人), npo (NPO法人), other (株式会社, 一般社団法人, 公益財団法人, 医師会, …); the "
                "first named contractor decides when several are named; null when the section is absent or unclear",
                enum=IMPLEMENTER_TYPES,
            ),
            Col(
                f"implementer_outsourced_{p}",
                "boolean",
                label,
                f"A contractor (委託先) other than the entity itself is named for the {en}",
            ),
            Col(
                f"implementer_raw_{p}",
                "string",
                label,
                f"The ①実施主体(委託先) cell of the {en}, as printed (tags stripped)",
            ),
        ]
    return cols


#: Qualification column -> (the words that name it in ⑤, English description).
_QUALS: dict[str, tuple[re.Pattern[str], str]] = {
    "qual_social_worker": (re.compile(r"社会福祉士"), "social worker (社会福祉士)"),
    "qual_psych_social_worker": (re.compile(r"精神保健福祉士"), "psychiatric social worker (精神保健福祉士)"),
    "qual_public_health_nurse": (re.compile(r"保健師"), "public-health nurse (保健師)"),
    "qual_care_manager": (
        re.compile(r"介護支援専門員|ケアマネ"),
        "care manager (介護支援専門員, 主任介護支援専門員, ケアマネ)",
    ),
    "qual_nurse": (re.compile(r"看護師"), "nurse (看護師; 保健師 not included)"),
}


def _background_cols() -> list[Col]:
    label = "4. ⑤相談支援包括化推進員の経歴等"
    cols = [
        Col(
            name,
            "boolean",
            label,
            f"⑤ names the {en} qualification (held or required) for the 推進員; null when ⑤ is absent or empty",
        )
        for name, (_, en) in _QUALS.items()
    ]
    cols.append(
        Col(
            "staff_municipal",
            "boolean",
            label,
            "The 推進員 are the municipality's own staff (市職員, 役場職員, 直営…): true; staff of a 社協, 法人 or "
            "contractor: false; null when ⑤ is empty, does not say, or describes both",
        )
    )
    return cols


DETAIL_COLUMNS: tuple[Col, ...] = tuple(_meeting_cols() + _implementer_cols() + _background_cols())

# =============================================================================
# Frequency reader
# =============================================================================

_ARITH_RE = re.compile(r"[(][^()×*]*[×*][^()=]*=[^()]*[)]|\d+[^\s、。()×*]{0,6}[×*][^\s、。()=]{0,12}=\s*\d+\s*回")
_DELIM_RE = re.compile(r"[、,。・○●■◆◎◇□\n|]|[(]\d+[)]|(?<!\d)\d+\s*\.\s|[①-⑳]|【")
_NOT_FREQ_RE = re.compile(r"随時|必要に応じ|その都度|都度|適宜|必要時|事案発生時|ケースに応じ|必要な時")
_ATTACHMENT_RE = re.compile(r"別紙|別添|添付")
_SAME_RE = re.compile(r"同上|上記(?:と)?(?:同様|同じ)|上記[^。]{0,15}同様|上に同じ|個別事例の検討と同(?:様|じ)")
_PER_UNIT_RE = re.compile(
    r"各[^、。()・\s]{0,10}?(?:にて|において|で|ごとに|毎に)|各\s*(?=年)"
    rf"|(?:区|地区|校区|圏域|拠点|{PLACES}|センター|施設|支所)\s*(?:ごと|毎)に"
    rf"|(?:1|一)\s*(?:{PLACES}|拠点|地区|区|圏域|センター)\s*(?:につき|当たり|あたり)"
)


@dataclass(frozen=True)
class Frequency:
    """Meetings per year read from a text: point value, bounds, rules applied, or the problem."""

    per_year: float | None = None
    low: float | None = None
    high: float | None = None
    rules: tuple[str, ...] = ()
    problem: Problem | None = None

    def formatted(self) -> str:
        """The value as written to the ledger: ``12``, a range ``4-12``, or empty."""
        if self.per_year is not None:
            return format_value(self.per_year)
        if self.low is None:
            return ""
        return f"{format_value(self.low)}-{format_value(self.high)}"


def _linked(gap: str, same_value: bool) -> bool:
    """Whether two expressions with ``gap`` between them describe the same series.

    The second restates the first when it is in a bracket or ※ note opened after
    the first (``年3回(本年度4回)``), or when the two are (nearly) adjacent and
    agree (``月1回毎月第2木曜日``); never across a delimiter (、。・, a line, (1)…).
    """
    if _DELIM_RE.search(gap):
        return False
    if gap.count("(") > gap.count(")") or "※" in gap:
        return True
    return same_value and len(gap.strip()) <= 4


def read_frequency(text: str) -> Frequency:
    """Meetings per year from a free-text cell (see the module docstring for the rules)."""
    t = normalise_counts(text)
    if "×" in t or "*" in t:
        t = _ARITH_RE.sub(" ", t)
    exprs = find_frequencies(t)
    rules: list[str] = []
    if not exprs:
        return Frequency(problem=_no_frequency(t))
    fy = [e for e in exprs if e.kind == "fy"]
    if len(fy) > 1:
        latest = max(fy, key=lambda e: e.year or 0)
        exprs = [e for e in exprs if e.kind != "fy" or e is latest]
        rules.append(RULES.meeting_latest_fiscal_year_count)
    elif fy:
        rules.append(RULES.meeting_latest_fiscal_year_count)
    if any(e.kind == "count" for e in exprs):
        rules.append(RULES.meeting_plan_count_per_year)
    # ranges written as two expressions: 月1回~月2回, 2月に1回~半年に1回
    merged: list[FrequencyExpr] = []
    for e in exprs:
        if merged and re.fullmatch(r"\s*(?:[~\-‐−–—]|から)\s*", t[merged[-1].end : e.start]):
            p = merged[-1]
            merged[-1] = FrequencyExpr(min(p.low, e.low), max(p.high, e.high), p.start, e.end, p.kind)
        else:
            merged.append(e)
    # restatements of one series
    series: list[FrequencyExpr] = []
    for e in merged:
        if series and _linked(t[series[-1].end : e.start], (series[-1].low, series[-1].high) == (e.low, e.high)):
            p = series[-1]
            if (p.low, p.high) != (e.low, e.high):
                rules.append(RULES.meeting_restated_frequency)
            series[-1] = FrequencyExpr(min(p.low, e.low), max(p.high, e.high), p.start, e.end, p.kind)
        else:
            series.append(e)
    if len(series) >= 3:
        points = [s.low for s in series if s.low == s.high]
        if len(points) == len(series):
            for s in series:
                if s.low > 0 and s.low == sum(points) - s.low:
                    series = [s]
                    rules.append(RULES.meeting_total_with_breakdown)
                    break
    if len(series) > 1:
        rules.append(RULES.meeting_series_summed)
    low = round(sum(s.low for s in series), 4)
    high = round(sum(s.high for s in series), 4)
    if _PER_UNIT_RE.search(t):
        rules.append(RULES.meeting_frequency_per_unit)
    per_year = low if low == high else None
    return Frequency(per_year, low, high, tuple(dict.fromkeys(rules)))


def _no_frequency(t: str) -> Problem:
    if not t.strip():
        return Problem("not_stated", "no text in the row")
    if _NOT_FREQ_RE.search(t):
        return Problem(
            "not_a_frequency", f"held as needed (随時/必要に応じて), no number of meetings: {t.strip()[:80]!r}"
        )
    if _ATTACHMENT_RE.search(t):
        return Problem("see_attachment", f"the row refers to an attachment: {t.strip()[:80]!r}")
    return Problem("no_frequency", f"no number of meetings in the text: {t.strip()[:80]!r}")


# =============================================================================
# ⑦イ: the meeting rows
# =============================================================================

_MEETING_ITEM_RE = re.compile(r"^\s*(?:イ\s*)?" + fuzzy_label("相談支援包括化推進会議の開催方法"))
_MEETING_END_RE = re.compile(r"^(?:[ウエオ](?:\s+|\s*(?:自主財源|新たな|その他))|[⑧⑨⑩⑪⑫㊦㊧]|\d+\s*\.\s*\S)")
_SUB_RE = re.compile(
    r"[(【]\s*(?:(?P<case>個\s*別\s*事\s*例\s*の\s*検\s*討)|(?P<network>ネ\s*ッ\s*ト\s*ワ\s*ー\s*ク\s*構\s*築)|(?P<name>既\s*存\s*の\s*会\s*議\s*の\s*名\s*称))\s*[)】]"
    r"(?:\s*※\s*会\s*議\s*の\s*開\s*催\s*回\s*数\s*や\s*参\s*加\s*者\s*等\s*を\s*記\s*載)?"
)
_INSTR_RE = re.compile(r"※\s*会\s*議\s*の\s*開\s*催\s*回\s*数\s*や\s*参\s*加\s*者\s*等\s*を\s*記\s*載")
_BULLET_RE = re.compile(r"(?:^|\s+)[・○●◎◇■◆]\s*")


@dataclass
class _Row:
    desc: list[str]
    name: list[str]
    lines: list[Line]


def _meeting_region(block: Block) -> list[Line] | None:
    """Lines of ⑦イ after its label, up to the next item (ウ 自主財源…, ⑧…); None if the label is absent.

    Text printed after the label on the label's own line is kept as the first line.
    """
    region = _region_in(block.section("takikan"))
    return region if region is not None else _region_in(block.continuation)


def _region_in(lines: list[Line]) -> list[Line] | None:
    for k, line in enumerate(lines):
        if "開催方法" not in line.text:
            continue
        m = _MEETING_ITEM_RE.match(line.clean)
        if not m:
            continue
        region: list[Line] = []
        rest = line.text[line.text.find("開催方法") + len("開催方法") :]
        if clean_cell(rest):
            region.append(Line(line.no, rest))
        for nxt in lines[k + 1 : k + 41]:
            if _MEETING_END_RE.match(nxt.clean.strip()):
                break
            region.append(nxt)
        return region
    return None


def _split_rows(region: list[Line]) -> tuple[dict[str, _Row], bool]:
    """Assign the region's text to the case/network rows: (rows, labels_found).

    On a labelled line, text after ``(個別事例の検討)``/``(ネットワーク構築)`` is the
    row's description and text after ``(既存の会議の名称)`` its meeting name. An
    unlabelled line continues the current row: a cell in (or right of) the
    column where the row's name label stood is name, the rest description; if
    the name label's column is unknown, the last of two or more cells is the name.
    Without any row labels, exactly two content lines are read in the form's
    order (case review, then network); otherwise nothing is assigned.
    """
    rows = {k: _Row([], [], []) for k in _KINDS}
    name_col: dict[str, int] = {}
    content = [(line, cells) for line in region if any(cells := line.columns)]
    labelled = any(m.group("case") or m.group("network") for line, _ in content for m in _SUB_RE.finditer(line.clean))
    if not labelled:
        if len(content) == 2:
            for kind, (line, cells) in zip(_KINDS, content, strict=True):
                _read_line(rows, kind, line, cells, name_col)
        return rows, False
    kind: str | None = None
    for line, cells in content:
        kind = _read_line(rows, kind, line, cells, name_col)
    return rows, True


def _read_line(
    rows: dict[str, _Row], kind: str | None, line: Line, raw_cells: list[str], name_col: dict[str, int]
) -> str | None:
    """Add one line's text to the rows; return the row kind current after it."""
    if not any(_SUB_RE.search(c) for c in raw_cells if c):
        if kind is not None:
            _add_line(rows[kind], line)
            _assign_unlabelled(rows[kind], raw_cells, name_col.get(kind))
        return kind
    if kind is not None:
        _add_line(rows[kind], line)
    target = "desc"
    for col, cell in enumerate(raw_cells):
        pos = 0
        for m in _SUB_RE.finditer(cell):
            _put(rows, kind, target, cell[pos : m.start()])
            if m.group("case") or m.group("network"):
                kind = "case" if m.group("case") else "network"
                target = "desc"
                _add_line(rows[kind], line)
            else:
                target = "name"
                if kind is not None:
                    name_col[kind] = col
            pos = m.end()
        _put(rows, kind, target, cell[pos:])
    return kind


def _assign_unlabelled(row: _Row, raw_cells: list[str], name_col: int | None) -> None:
    filled = [(i, c) for i, c in enumerate(raw_cells) if c]
    if name_col is not None:
        row.desc.extend(c for i, c in filled if i < name_col)
        row.name.extend(c for i, c in filled if i >= name_col)
    elif len(filled) >= 2:
        row.desc.extend(c for _, c in filled[:-1])
        row.name.append(filled[-1][1])
    else:
        row.desc.extend(c for _, c in filled)


def _add_line(row: _Row, line: Line) -> None:
    if not row.lines or row.lines[-1] is not line:
        row.lines.append(line)


def _put(rows: dict[str, _Row], kind: str | None, target: str, text: str) -> None:
    text = _INSTR_RE.sub(" ", text).strip()
    if kind is None or not text:
        return
    (rows[kind].desc if target == "desc" else rows[kind].name).append(text)


def _clean_name(parts: list[str]) -> str | None:
    text = " ".join(parts)
    text = _BULLET_RE.sub(" ", plain(text))
    text = squeeze(text).strip(" 、,")
    return text or None


# =============================================================================
# ①実施主体(委託先)
# =============================================================================

_IMPL_LABEL_RE = re.compile(r"^(?:実\s*)?(?:施\s*)?主\s*体\s*(?:\(\s*委\s*託\s*先\s*\))?")
#: Kinds of contractor, in the order they are tried, and the words that name one.
_PARTY_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("shakyo", re.compile(r"社会福祉協議会|社協")),
    ("npo", re.compile(r"NPO|特定非営利活動法人|特定非営利法人")),
    ("social_welfare_corp", re.compile(r"社会福祉法人")),
    (
        "other",
        re.compile(
            r"株式会社|有限会社|合同会社|合資会社|一般社団法人|公益社団法人|一般財団法人|公益財団法人|社団法人|財団法人"
            r"|医療法人|学校法人|宗教法人|協同組合|医師会|事業団|企業組合|㈱|㈲"
        ),
    ),
)
_ORG_SUFFIX_RE = re.compile(r"(?:組織|団体|協議会|協会|法人|財団|機構|連合会?|組合|クラブ|コミュニティ|事業所|会)$")
_PART_SPLIT_RE = re.compile(r"[、,・/()「」【】\[\]]|及び|および|並びに|ならびに")
_NOISE_RE = re.compile(
    r"委託先|一部委託|再委託|委託|直営|補助事業|への|実施主体|[:;]|\d+\s*(?:" + PLACES + r"|法人)|等|一部|なし|無し|\s+"
)
_LEVEL_WORD_RE = re.compile(r"(?:本|当|同)?(?P<level>[市町村区都道府県])")
_COUNTY_RE = re.compile(r"^.{1,4}?郡")
_PREF_PREFIX_RE = re.compile(r"^(?:北海道|東京都|(?:京都|大阪)府|.{2,3}?県)")


@dataclass(frozen=True)
class Implementer:
    """Reading of a ①実施主体(委託先) cell."""

    type: str | None
    outsourced: bool | None
    rules: tuple[str, ...] = ()
    problem: Problem | None = None


def _party_type(part: str) -> str | None:
    """The kind of the first :data:`_PARTY_KINDS` entry whose words ``part`` contains, else None."""
    return next((kind for kind, words in _PARTY_KINDS if words.search(part)), None)


def _strip_place_prefix(name: str, county: bool = True) -> str:
    """Drop a leading prefecture (and, with ``county``, a ``…郡``) from a printed place name."""
    rest = _PREF_PREFIX_RE.sub("", name) if not _PREF_PREFIX_RE.fullmatch(name) else name
    return _COUNTY_RE.sub("", rest) if county and "郡" in rest[1:] else rest


def _self_match(part: str, entity_name: str) -> str | None:
    """'exact' if ``part`` names the entity, 'variant' for a misprinted variant of its name, else None."""
    if not part:
        return None
    level = _LEVEL_WORD_RE.fullmatch(part)
    if level:  # a bare 市/町/村/県: the entity itself when it is the entity's own level
        return "exact" if not entity_name or entity_name.endswith(level.group("level")) else None
    if entity_name and (entity_name in part or _strip_place_prefix(entity_name, county=False) in part):
        return "exact"
    if not entity_name or not re.search(r"[市町村区都道府県]$", part):
        return None
    a, b = _strip_place_prefix(part), _strip_place_prefix(entity_name, county=False)
    if a[-1] == b[-1] and abs(len(a) - len(b)) <= 1 and len(a) <= 8 and set(a[:-1]) & set(b[:-1]):
        return "variant"
    return None


def read_implementer(text: str, entity_name: str) -> Implementer:
    """Classify the value of a ①実施主体(委託先) cell (label already removed)."""
    t = plain(text).replace("(株)", "株式会社").replace("(有)", "有限会社")
    t = re.sub(r"^\s*\(\s*委\s*託\s*先\s*\)\s*", "", t).strip()
    if not re.sub(r"[\s()()・:]", "", t):
        return Implementer(None, None, problem=Problem("not_stated", "no implementer printed"))
    parties: list[tuple[str, bool]] = []  # (type, typed by the unlisted-party rule)
    rules: list[str] = []
    self_named = "直営" in t and not _party_type(t)
    unclear: list[str] = []
    for raw_part in _PART_SPLIT_RE.split(t):
        kind = _party_type(raw_part)
        if kind:
            parties.append((kind, False))
            continue
        if "直営" in raw_part:
            self_named = True
        part = _NOISE_RE.sub("", raw_part)
        if not part:
            continue
        match = _self_match(part, entity_name)
        if match:
            self_named = True
            if match == "variant":
                rules.append(RULES.implementer_name_variant)
        elif _ORG_SUFFIX_RE.search(part):
            parties.append(("other", True))
        else:
            unclear.append(part)
    if parties:
        first, unlisted = parties[0]
        party_rules = ([RULES.implementer_unlisted_party_is_other] if unlisted else []) + (
            [RULES.implementer_first_named_type] if len({p for p, _ in parties}) > 1 else []
        )
        return Implementer(first, True, tuple(party_rules))
    if re.search(r"委託(?!先)", t):
        return Implementer(
            None, True, (), Problem("contractor_not_named", f"outsourced (委託) but no contractor named: {t!r}")
        )
    if self_named and not unclear:
        return Implementer("direct", False, tuple(dict.fromkeys(rules)))
    return Implementer(
        None, None, (), Problem("implementer_unclear", f"neither the entity nor a contractor is recognisable: {t!r}")
    )


def _find_implementer_item(lines: list[Line]) -> tuple[Line, str, str] | None:
    """(line, value, raw) of the ① item: the first lines of a section, label possibly garbled (①施主体)."""
    content = [ln for ln in lines if ln.text.strip()][:10]
    for k, line in enumerate(content):
        head = line.text[:60]
        if "主" not in head or "体" not in head:  # the label starts the line
            continue
        text = strip_item_number(line.clean).replace("\t", " ").strip()
        m = _IMPL_LABEL_RE.match(text)
        if not m or "主体" not in compact(text)[:8]:
            continue
        value = text[m.end() :].strip()
        raw = line.text
        if not re.sub(r"[\s()]|委託先", "", value) and k + 1 < len(content):
            nxt = content[k + 1]
            nxt_text = strip_item_number(nxt.clean).replace("\t", " ").strip()
            if not re.match(r"^(?:②|事\s*業\s*名)", nxt.clean):
                value = (value + " " + nxt_text).strip()
                raw = raw + "\n" + nxt.text
        return line, value, raw
    return None


# =============================================================================
# ⑤相談支援包括化推進員の経歴等
# =============================================================================

_BACKGROUND_RE = re.compile(r"(?:相\s*談\s*支\s*援\s*包\s*括\s*化\s*)?推\s*進\s*員\s*の\s*経\s*歴\s*等?")
#: What ends the ⑤ cell: the next item (⑥ and later) or its label; ①–⑤ inside ⑤ number the 推進員.
_NEXT_ITEM_RE = re.compile(r"^(?:[⑥-⑳㊦㊧]|相談支援包括化推進員を配置|推進員を配置|事業内容)")
#: Matched right after a qualification's name (``re.match`` at that position).
_NEGATION_RE = re.compile(r"[^、。]{0,4}?(?:不要|なし|無し|を?有しない|を?持たない|は問わない)")
_COLLAB_ASIDE_RE = re.compile(r"[(][^()]*と連携[^()]*[)]")
_MUNICIPAL_RE = re.compile(
    r"直営"
    r"|(?<![社協会])(?:[市町村区都道府県])(?:役所|役場|庁)?(?:[^\s、,。・()社協会]{0,8}?[課室部局係])?(?:の)?(?:正規)?職員"
    r"|(?:役場|役所|行政|庁内)(?:の)?職員"
)
_NON_MUNICIPAL_RE = re.compile(
    r"(?:社会福祉協議会|社協)(?:の)?[^\s、。・()]{0,12}?(?:職員|ワーカー|CSW|相談員|コーディネーター)"
    r"|(?:社会福祉協議会|社協|法人|財団|委託先)[^。、]{0,6}?(?:入局|入職|雇用|新採用)"
    r"|(?:社会福祉協議会|社協)\s*\d+\s*年目"
    r"|(?:社会福祉協議会|社協)の[^。、]{0,10}(?:部署|部門|係)"
    r"|(?:社会福祉協議会|社協)が[^。]{0,15}配置"
    r"|法人(?:等)?(?:の)?職員"
    r"|委託先|委託[:]|業務委託|委託事業を受け|委託法人|受託"
)
_PARTIAL_RE = re.compile(r"(?:うち|\d+\s*(?:名|人)\s*(?:が|は))[^。]{0,12}$")


@dataclass(frozen=True)
class Background:
    """Reading of the ⑤ cell."""

    quals: dict[str, bool | None]
    staff_municipal: bool | None
    problem: Problem | None = None


def read_background(text: str) -> Background:
    """Qualifications named and employer of the 推進員, from the ⑤ cell text."""
    t = squeeze(plain(text))
    if not re.sub(r"[\s\-—―ー()]", "", t):
        return Background({k: None for k in _QUALS}, None, Problem("not_stated", "⑤ is empty"))
    q = _COLLAB_ASIDE_RE.sub(" ", t)
    quals: dict[str, bool | None] = {}
    for name, (rx, _) in _QUALS.items():
        quals[name] = any(not _NEGATION_RE.match(q, m.end()) for m in rx.finditer(q))
    municipal = list(_MUNICIPAL_RE.finditer(t))
    non_municipal = list(_NON_MUNICIPAL_RE.finditer(t))
    partial = any(_PARTIAL_RE.search(t[: m.start()]) for m in municipal)
    if municipal and (non_municipal or partial):
        return Background(
            quals, None, Problem("mixed_employers", f"⑤ describes both municipal and other staff: {t[:80]!r}")
        )
    if municipal:
        return Background(quals, True)
    if non_municipal:
        return Background(quals, False)
    return Background(quals, None, Problem("employer_not_stated", f"⑤ does not say who employs the 推進員: {t[:80]!r}"))


def find_background(lines: list[Line]) -> tuple[Line, str, str] | None:
    """The ⑤ 経歴等 item among ``lines``: (its line, its value with continuation lines joined, the raw
    lines), or ``None``."""
    for k, line in enumerate(lines):
        if "経" not in line.text[:80] or "歴" not in line.text[:80]:  # the label starts the line
            continue
        text = strip_item_number(line.clean)
        m = _BACKGROUND_RE.match(text)
        if not m:
            continue
        parts = [text[m.end() :].replace("\t", " ").strip()]
        raw = [line.text]
        for nxt in lines[k + 1 : k + 16]:
            nclean = nxt.clean.strip()
            if _NEXT_ITEM_RE.match(nclean):
                break
            if nclean:
                parts.append(nclean.replace("\t", " "))
                raw.append(nxt.text)
        return line, " ".join(p for p in parts if p), "\n".join(raw)
    return None


# =============================================================================
# Entry point
# =============================================================================


def read_details(block: Block, entity_id: str, ledger: Ledger) -> tuple[dict, list[dict]]:
    """Read the detail columns (:data:`DETAIL_COLUMNS`) of one block: (row, provenance rows).

    Corrections (rules ``meeting_*`` and ``implementer_*`` of :data:`study.clean.rules.RULE_ROWS`)
    and issues go to ``ledger``.
    """
    rec = Recorder(entity_id, ledger)
    _meetings(block, rec)
    entity_name = block.municipality_raw or block.prefecture_raw
    for project in _PROJECT_JA:
        _implementer(block, project, entity_name, rec)
    _background(block, rec)
    return rec.row, rec.provenance


_MEETING_FIELDS = tuple(c.name for c in _meeting_cols())


def _meetings(block: Block, rec: Recorder) -> None:
    fields = _MEETING_FIELDS
    region = _meeting_region(block) if "takikan" in block.sections else None
    if region is None:
        for f in fields:
            rec.set(f, None, "", None)
        if "takikan" in block.sections:
            rec.problem(
                "case_meetings_per_year",
                "",
                None,
                Problem("label_missing", "section 4 has no ⑦イ 相談支援包括化推進会議の開催方法"),
            )
        return
    rows, labelled = _split_rows(region)
    case_reading: tuple[Frequency, str | None] | None = None
    for kind in _KINDS:
        row = rows[kind]
        line = row.lines[0].no if row.lines else (region[0].no if region else None)
        raw = "\n".join(ln.text for ln in row.lines)
        desc = " \n".join(row.desc)
        freq = read_frequency(desc)
        name = _clean_name(row.name)
        pfx = f"{kind}_meetings_per_year"
        rules = list(freq.rules)
        if not labelled and row.lines:
            rules.insert(0, RULES.meeting_rows_in_form_order)
        if kind == "network" and case_reading is not None:
            if freq.low is None and _SAME_RE.search(normalise_counts(desc)) and case_reading[0].low is not None:
                c = case_reading[0]
                freq = Frequency(c.per_year, c.low, c.high, c.rules)
                rules = [RULES.meeting_same_as_above]
            if name and _SAME_RE.fullmatch(re.sub(r"[\s。]", "", name)) and case_reading[1]:
                rec.correct(f"{kind}_meeting_existing_name", line, raw, case_reading[1], [RULES.meeting_same_as_above])
                name = case_reading[1]
        if not row.lines and freq.problem:
            freq = Frequency(problem=Problem("label_missing", f"no ({_KINDS[kind][0]}) row found in ⑦イ"))
        rec.set(pfx, freq.per_year, raw, line)
        rec.set(f"{pfx}_low", freq.low, raw, line)
        rec.set(f"{pfx}_high", freq.high, raw, line)
        rec.set(f"{kind}_meeting_existing_name", name, raw, line)
        rec.correct(pfx, line, raw, freq.formatted(), rules)
        rec.problem(pfx, raw, line, freq.problem)
        if kind == "case":
            case_reading = (freq, name)


def _implementer(block: Block, project: str, entity_name: str, rec: Recorder) -> None:
    lines = block.section(project)
    if project == "takikan" and lines:
        lines = lines + block.continuation
    names = (f"implementer_type_{project}", f"implementer_outsourced_{project}", f"implementer_raw_{project}")
    if not lines:
        for f in names:
            rec.set(f, None, "", None)
        return
    found = _find_implementer_item(lines)
    if found is None:
        for f in names:
            rec.set(f, None, "", None)
        rec.problem(
            names[0],
            "",
            None,
            Problem("label_missing", f"section {_PROJECT_JA[project][0]} has no ①実施主体(委託先) item"),
        )
        return
    line, value, raw = found
    r = read_implementer(value, entity_name)
    rec.set(names[0], r.type, raw, line.no)
    rec.set(names[1], r.outsourced, raw, line.no)
    rec.set(names[2], re.sub(r"^\s*\(\s*委\s*託\s*先\s*\)\s*", "", value).strip() or None, raw, line.no)
    rec.correct(names[0], line.no, raw, r.type, r.rules)
    rec.problem(names[0], raw, line.no, r.problem)


def _background(block: Block, rec: Recorder) -> None:
    fields = [*_QUALS, "staff_municipal"]
    lines = block.section("takikan")
    found = (find_background(lines) or find_background(block.continuation)) if lines else None
    if found is None:
        for f in fields:
            rec.set(f, None, "", None)
        if lines:
            rec.problem(
                fields[0], "", None, Problem("label_missing", "section 4 has no ⑤相談支援包括化推進員の経歴等 item")
            )
        return
    line, value, raw = found
    b = read_background(value)
    for f in _QUALS:
        rec.set(f, b.quals[f], raw, line.no)
    rec.set("staff_municipal", b.staff_municipal, raw, line.no)
    target = fields[0] if b.problem and b.problem.check == "not_stated" else "staff_municipal"
    rec.problem(target, raw, line.no, b.problem)
