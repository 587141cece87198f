"""The area and population a project covers: ``project_areas.csv`` and the entity's catchment.

Section 3 (地域力強化推進事業) prints for each sub-item ア/イ a small table
``(対象地域) … (対象地域の範囲) … (人口) …`` -- as tab cells, or as an HTML
table printed twice by the conversion. :func:`area_rows` reads one row per
project item: ``target_area`` (the printed 対象地域), ``target_area_range``
(対象地域の範囲), ``target_area_scope`` and ``target_area_population``.

Scope (rule :func:`area_scope`): ``whole`` for 全域 / 全体 / 全市 (町全域,
区内全域, 札幌市全域), a bare 市内/町内, or the municipality's own name;
``part`` for named districts, one ward, モデル地区, ``15圏域のうち9圏域`` and
any other named area; ``unclear`` (plus an issue) where both are printed
(``市内全域。その内…を選定``).

Population (rule :func:`read_area_population`): the printed number of persons
(``2,949人``, ``44,529``, ``190,454(人)``, ``約 64,000 人``), after dropping
dates (``(H31.4.1現在)``, ``※平成 30 年4月1日``, ``(R元.10.1現在)``); null
plus an issue for a per-unit figure or a range (``1地域あたり200人～600人``,
``150～1,700 人(自治会による)``) or several numbers.

The multi-agency project (section 4) has no such table: its catchment
(:func:`read_catchment`) is read from its own section -- the staffing item
(``1人 (1行政区においてモデル実施)``) or a sentence (``モデル3地区(…)において``)
-- and is ``whole`` by default (rule ``catchment_default_whole``). Its
population is the entity's for ``whole``; for ``part`` the printed population
of a section-3 area with the same names, else null plus an issue -- never the
whole municipality's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from study.clean.colspec import Col
from study.clean.ledger import Ledger, Problem, Recorder
from study.clean.rules import RULES
from study.clean.structure import PROJECT_SECTIONS, Block, Line
from study.clean.numbers import kanji_number, to_number
from study.clean.textnorm import compact, flat, fold_width, plain, split_cells, squeeze

SCOPES = ("whole", "part", "unclear")


#: Rules that give the form's own meaning where section 4 names no area: documented in rules.csv and the
#: codebook, not logged per entity in corrections.csv (nothing printed differs from them).
FORM_DEFAULT_RULES = frozenset((RULES.catchment_default_whole, RULES.catchment_population_whole))


PROJECT_AREA_TABLE: tuple[Col, ...] = (
    Col("entity_id", "string", "—", "Entity (see entities.csv)", required=True),
    Col(
        "project",
        "string",
        "3./4./5. …事業について",
        "Project section: chiikiryoku, takikan, prefectural",
        enum=PROJECT_SECTIONS,
        required=True,
    ),
    Col(
        "item",
        "string",
        "(対象地域)",
        "Item: 3ア / 3イ (section 3 sub-items, their (対象地域) table), 3 (sub-item unknown), 4 (section 4, "
        "read from its own text), 5",
        pattern=r"^(3ア|3イ|3|4|5)$",
        required=True,
    ),
    Col(
        "source_line",
        "integer",
        "—",
        "1-based raw line the area (or the section-4 phrase) is printed on",
        "line",
        1,
        None,
    ),
    Col(
        "target_area",
        "string",
        "(対象地域)",
        "The area as printed (section 4: the phrase naming it; empty where none is named)",
    ),
    Col("target_area_range", "string", "(対象地域の範囲)", "The unit of the area as printed (小学校区, 日常生活圏域…)"),
    Col(
        "target_area_scope",
        "string",
        "—",
        "whole (全域, 町全域, 区内全域, the municipality's name), part (named districts, one "
        "ward, モデル地区…), unclear (both printed; see issues); rule area_scope (section 4: catchment_*)",
        enum=SCOPES,
    ),
    Col(
        "target_area_population",
        "integer",
        "(人口)",
        "The printed population of the area (dates dropped; 約 kept as printed); null "
        "where not printed, per unit or a range (see issues); section 4: see catchment_population",
        "persons",
        1,
        20_000_000,
    ),
    Col("population_raw", "string", "(人口)", "The (人口) cell as printed"),
    Col("population_line", "integer", "—", "1-based raw line of the (人口) cell", "line", 1, None),
)
PROJECT_AREA_COLUMNS = [c.name for c in PROJECT_AREA_TABLE]

ENTITY_CATCHMENT_COLUMNS: tuple[Col, ...] = (
    Col(
        "catchment_scope",
        "string",
        "4. 多機関の協働による包括的支援体制構築事業 対象地域の範囲",
        "Area the multi-agency project covers: whole (default where section 4 names no area; rule "
        "catchment_default_whole), part (section 4 names part of the municipality: 1行政区においてモデル実施), unclear "
        "(joint with neighbouring municipalities…; see issues); null without section 4",
        enum=SCOPES,
    ),
    Col(
        "catchment_population",
        "integer",
        "4. 多機関の協働による包括的支援体制構築事業 対象地域の人口",
        "Population the multi-agency project covers: the 1-1 population for whole; for part the printed (人口) of the "
        "same named area, else null (never the whole municipality's)",
        "persons",
        1,
        20_000_000,
    ),
)

_LABEL_AREA = "(対象地域)"
_LABEL_RANGE = "(対象地域の範囲)"
_LABEL_POP = "(人口)"
_LABEL_RE = re.compile(r"\((対象地域の範囲|対象地域|人口)\)")
_SUB_ITEM_RE = re.compile(r"(?:^|[>\s])([アイ])\s*[「｢『]?\s*住民に身近な圏域")
_WHOLE_RE = re.compile(r"全域|全体|全市|全町|全村|全区|一円|^(?:市|町|村|区)内$|^(?:市|町|村|区)$")
_PART_RE = re.compile(r"うち|内の一部|一部|モデル|その内|選定|限定")
_DATE_RE = re.compile(
    r"[(（]?\s*※?\s*(?:(?:H|R|平成|令和)\s*(?:\d+|元)\s*[.年]\s*\d+\s*[.月]\s*\d+\s*日?|\d{4}\s*[.年/]\s*\d+\s*[.月/]\s*\d+\s*日?)"
    r"\s*(?:現在|時点)?\s*[)）]?"
)
_PER_UNIT_RE = re.compile(r"あたり|当たり|ごと|による|平均")
_RANGE_RE = re.compile(r"\d\s*(?:人)?\s*[~～〜\-ー－]\s*\d")
_POP_NUM_RE = re.compile(
    r"(約|およそ)?\s*(\d{1,3}(?:\s*,\s*\d{3})+|\d+(?:\.\d+)?)\s*(万\s*(?:\d+\s*千)?)?\s*(人|\(人\))?(?=\s|$|※|[(（、。])"
)


@dataclass
class Area:
    """One (対象地域) table of a project item."""

    project: str
    item: str
    line: int
    area: str = ""
    range: str = ""
    population_raw: str = ""
    population_line: int | None = None
    scope: str | None = None
    population: int | None = None
    rules: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def area_cells(line: Line) -> dict[str, str]:
    """{label: text} of the (対象地域)/(対象地域の範囲)/(人口) cells of a line (tab or HTML cells)."""
    out: dict[str, str] = {}
    for piece, _ in split_cells(line.text):
        if "対象地域" not in piece and "人口" not in piece:
            continue
        text = flat(piece)
        pos = [(m.start(), m.end(), m.group(1)) for m in _LABEL_RE.finditer(text)]
        for k, (_, b, label) in enumerate(pos):
            end = pos[k + 1][0] if k + 1 < len(pos) else len(text)
            if label not in out:
                out[label] = text[b:end].strip()
    return out


def area_scope(area: str, rng: str, names: tuple[str, ...]) -> tuple[str | None, Problem | None]:
    """Scope of a printed area (see module docstring); ``names``: the municipality's own names."""
    a = compact(area)
    r = compact(rng)
    text = a or r
    if not text:
        return None, None
    whole = bool(_WHOLE_RE.search(a)) or (a in names) or (not a and bool(_WHOLE_RE.search(r)))
    part = bool(_PART_RE.search(a))
    if whole and part:
        return "unclear", Problem(
            "two_readings", f"the area is printed as the whole municipality and as a part of it: {area!r}"
        )
    if whole:
        return "whole", None
    return "part", None


def read_area_population(raw: str) -> tuple[int | None, list[str], Problem | None]:
    """The population printed in a (人口) cell (see module docstring): (value, rules, problem)."""
    t = _DATE_RE.sub(" ", fold_width(raw))
    t = squeeze(t).strip(" ※")
    if not t or not re.search(r"\d", t):
        return None, [], None
    if _PER_UNIT_RE.search(t) or _RANGE_RE.search(t):
        return (
            None,
            [],
            Problem("per_unit_or_range", f"the population is printed per unit or as a range: {raw.strip()!r}"),
        )
    found = list(_POP_NUM_RE.finditer(t))
    with_unit = [m for m in found if m.group(4)]
    pick = with_unit if with_unit else found
    if len(pick) != 1:
        return None, [], Problem("ambiguous", f"{len(pick)} candidate numbers in the population cell: {raw.strip()!r}")
    m = pick[0]
    number = compact(m.group(2)).replace(",", "")
    if m.group(3):  # 3万人, 1万2千人 (the kanji-numeral reader); 1.2万人 (a decimal count of 万)
        units = compact(m.group(3))
        whole = kanji_number(number + units) if "." not in number else None
        value = float(whole) if whole is not None else to_number(number) * 10_000 + (kanji_number(units[1:]) or 0)
    elif "." in number:
        return None, [], Problem("ambiguous", f"a decimal population: {raw.strip()!r}")
    else:
        value = to_number(number)
    value = round(value)
    return value, ([RULES.area_population_approx] if m.group(1) else []), None


def read_areas(block: Block, project: str, names: tuple[str, ...]) -> list[Area]:
    """The (対象地域) tables of one project section, one per sub-item (duplicates of an HTML table dropped)."""
    lines = block.section(project)
    out: dict[str, Area] = {}
    sub: str | None = None
    last: tuple[int, bool, str | None] | None = None  # (line, from an HTML table, sub-item) of the previous table
    for ln in lines:
        if "住民に身近" in ln.text:
            m = _SUB_ITEM_RE.search(plain(ln.text))
            if m:
                sub = m.group(1)
        if "対象地域" not in ln.text:
            continue
        cells = area_cells(ln)
        if "対象地域" not in cells and "対象地域の範囲" not in cells:
            continue
        html = "<td" in ln.text
        copy = last is not None and last[1] and ln.no - last[0] <= 3
        if project == "chiikiryoku":
            if sub is None:
                sub = "ア"  # the first table of section 3 is sub-item ア's
            elif not copy and last is not None and last[2] == sub == "ア":
                sub = "イ"  # a second table under ア: イ's label was not found
        item = {"chiikiryoku": "3" + (sub or ""), "takikan": "4", "prefectural": "5"}[project]
        last = (ln.no, html, sub)
        area = Area(
            project,
            item,
            ln.no,
            cells.get("対象地域", ""),
            cells.get("対象地域の範囲", ""),
            cells.get("人口", ""),
            ln.no,
        )
        if not (area.area or area.range or area.population_raw):
            continue
        prev = out.get(item)
        if prev is not None and (copy or prev.population_raw or not area.population_raw):
            continue  # the tab copy of an HTML table, or a later copy with less in it
        out[item] = area
    for area in out.values():
        area.scope, problem = area_scope(area.area, area.range, names)
        area.rules.append(RULES.area_scope)
        if problem:
            area.problems.append(problem)
        area.population, rules, problem = read_area_population(area.population_raw)
        area.rules.extend(rules)
        if problem:
            area.problems.append(problem)
    return list(out.values())


# --- section 4 ------------------------------------------------------------------------------

_UNIT = r"(?:行政区|区|地区|圏域|中学校区|小学校区|校区|エリア|地域|町|自治会)"
#: ``東地区において先行実施``: a named district where the project starts.
_NAMED_PART_RE = re.compile(
    r"[^\s、。,()（）「」]{1,12}?(?:地区|圏域|中学校区|小学校区|行政区|エリア)\s*(?:に(?:おいて|限定して)|で)\s*"
    r"(?:先行|モデル|試行)(?:的に)?\s*(?:実施|展開|開始)"
)
_PART_PHRASE_RE = re.compile(
    r"(?:(?:[1-9]\d*|一)\s*" + _UNIT + r"|モデル\s*(?:[1-9]\d*\s*)?" + _UNIT + r"(?:\s*[(（][^()（）]{1,40}[)）])?)"
    r"\s*(?:に(?:おいて|限定して|て)|で|を対象(?:に|として))\s*(?:、)?\s*(?:モデル(?:的)?に?)?\S{0,30}?(?:実施|展開|試行|相談|対応|開始|行う)"
)
_JOINT_RE = re.compile(
    r"近隣\s*\d*\s*(?:市町村|町村|市町|市|町|村)\S{0,30}?(?:共同|合同|連携して実施)|(?:\d+)\s*(?:市町村|町村|市町)\s*(?:[(（][^()（）]*[)）])?\s*(?:で|が|による)?\s*共同"
)
_WHOLE_PHRASE_RE = re.compile(r"(?:(?:市|町|村|区)内全域|全域(?:で(?!は)|に|を対象))(?!では|でな)")
_OTHER_PROJECT_RE = re.compile(r"地域力強化")
#: Cheap tests on the raw line, and on a sentence, before the sentence rules run.
_SECTION4_HINT_RE = re.compile(r"共同|全域|先行|試行|モデル|[1-9１-９一]\s*" + _UNIT)
_PART_HINT_RE = re.compile(
    r"モデル\s*[1-9]?\s*" + _UNIT + r"|[1-9一]\s*" + _UNIT + r"|先行|試行|モデル(?:的に)?\s*実施"
)


@dataclass
class Catchment:
    """The multi-agency project's catchment."""

    scope: str | None = None
    population: int | None = None
    raw: str = ""
    line: int | None = None
    scope_rule: str = ""
    population_rule: str = ""
    problems: list[Problem] = field(default_factory=list)


def read_catchment(block: Block, population: int | None, areas: list[Area]) -> Catchment:
    """Scope and population of the section-4 project (see module docstring); null without section 4."""
    lines = block.section("takikan")
    out = Catchment()
    if not lines:
        return out
    part = joint = whole = None
    for ln in lines:
        if not _SECTION4_HINT_RE.search(ln.text):
            continue
        for s in flat(ln.text).split("。"):
            if _OTHER_PROJECT_RE.search(s):
                continue
            if part is None and _PART_HINT_RE.search(s):
                part = (m.group(0), ln.no) if (m := _PART_PHRASE_RE.search(s) or _NAMED_PART_RE.search(s)) else None
            if joint is None and "共同" in s:
                joint = (m.group(0), ln.no) if (m := _JOINT_RE.search(s)) else None
            if whole is None and "全域" in s:
                whole = (m.group(0), ln.no) if (m := _WHOLE_PHRASE_RE.search(s)) else None
    if joint:
        out.scope, out.raw, out.line, out.scope_rule = "unclear", joint[0], joint[1], RULES.catchment_joint
        out.problems.append(Problem("joint_project", f"run jointly with neighbouring municipalities: {joint[0]!r}"))
        return out
    if part:
        out.scope, out.raw, out.line, out.scope_rule = "part", part[0], part[1], RULES.catchment_part_named
        named = compact(part[0])
        match = next(
            (
                a
                for a in areas
                if a.scope == "part"
                and a.population
                and a.area
                and all(n in named for n in re.split(r"[、,・]", compact(a.area)) if n)
            ),
            None,
        )
        if match:
            out.population, out.population_rule = match.population, RULES.catchment_population_from_area_item
        else:
            out.problems.append(
                Problem(
                    "part_population_missing",
                    f"the project covers part of the municipality ({part[0]!r}) but its population is not printed",
                )
            )
        return out
    out.scope = "whole"
    if whole:
        out.raw, out.line = whole
    else:  # nothing named: the section heading is the printed text the default refers to
        a = block.sections["takikan"][0] if "takikan" in block.sections else None
        head = block.lines[a] if a is not None else lines[0]
        out.raw, out.line = flat(head.text), head.no
    out.scope_rule = "" if whole else RULES.catchment_default_whole
    if population is not None:
        out.population, out.population_rule = population, RULES.catchment_population_whole
    return out


def record_catchment(block: Block, rec: Recorder) -> list[dict]:
    """Record ``catchment_scope``/``catchment_population`` on the entity and return its ``project_areas`` rows."""
    row = rec.row
    names = tuple(
        n for n in {row.get("municipality") or "", row.get("municipality_raw") or "", row.get("prefecture") or ""} if n
    )
    names = names + tuple(n[:-1] for n in names if len(n) > 2)
    areas: list[Area] = []
    for project in ("chiikiryoku", "prefectural"):
        if project in block.sections:
            areas.extend(read_areas(block, project, names))
    c = read_catchment(block, row.get("population"), areas)
    # the form's own reading (section 4 names no area: the whole municipality, with its 1-1 population) is
    # not a correction; the rules that read a named part or a joint project, or borrow a printed population, are
    logged = lambda r: [r] if r and r not in FORM_DEFAULT_RULES else []  # noqa: E731
    rec.set("catchment_scope", c.scope, c.raw, c.line, logged(c.scope_rule), c.problems)
    rec.set(
        "catchment_population",
        c.population,
        c.raw if c.scope != "whole" else str(row.get("population") or ""),
        c.line,
        logged(c.population_rule),
    )
    ledger: Ledger = rec.ledger
    rows = []
    for a in areas:
        for p in a.problems:
            fld = (
                "project_areas.target_area_population"
                if p.check in ("per_unit_or_range", "ambiguous")
                else "project_areas.target_area_scope"
            )
            ledger.issue(
                rec.entity_id, fld, a.line, a.population_raw if "population" in fld else a.area, p.reason, p.check
            )
        if RULES.area_population_approx in a.rules:
            ledger.correct(
                rec.entity_id,
                "project_areas.target_area_population",
                a.population_line,
                a.population_raw,
                a.population,
                RULES.area_population_approx,
                a.item,
            )
        if a.scope == "part" and a.population is None and not a.problems:
            ledger.issue(
                rec.entity_id,
                "project_areas.target_area_population",
                a.line,
                a.area,
                "part of the municipality named but its population is not printed",
                "part_population_missing",
            )
        rows.append(
            {
                "entity_id": rec.entity_id,
                "project": a.project,
                "item": a.item,
                "source_line": a.line,
                "target_area": a.area,
                "target_area_range": a.range,
                "target_area_scope": a.scope,
                "target_area_population": a.population,
                "population_raw": a.population_raw,
                "population_line": a.population_line,
            }
        )
    if c.scope is not None:
        named = c.scope_rule != RULES.catchment_default_whole
        rows.append(
            {
                "entity_id": rec.entity_id,
                "project": "takikan",
                "item": "4",
                "source_line": c.line if named else None,
                "target_area": c.raw if named else "",
                "target_area_range": "",
                "target_area_scope": c.scope,
                "target_area_population": c.population if c.scope == "part" else None,
                "population_raw": "",
                "population_line": None,
            }
        )
    return rows
