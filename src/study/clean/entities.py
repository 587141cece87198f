"""One entity row from one form block, with every value's provenance.

This module ties the field readers together; each value goes through a
:class:`study.clean.ledger.Recorder`, which keeps (field, value, raw text,
source line) for the provenance table and logs corrections and issues in the ledger.
"""

from __future__ import annotations

import hashlib

from study.clean.fields.basic_info import basic_lines, raw_fields
from study.clean.fields.institutions import read_institutions
from study.clean.ledger import Ledger, Problem, Recorder
from study.clean.municipalities import match_municipality, match_prefecture, municipality_type
from study.clean.fields.plan_details import find_background, read_details
from study.clean.fields.projects import read_marks, section_content
from study.clean.fields.quantities import SPECS, check_households, read_quantity, read_welfare_rate
from study.clean.fields.staffing import read_staff
from study.clean.fields.staffing_design import record_design
from study.clean.fields.catchment import record_catchment
from study.clean.rules import RULES
from study.clean.structure import PROJECT_SECTIONS, Block, find_item
from study.clean.fields.targets import extract_targets, summarize

STAFF_LABEL = "相談支援包括化推進員の配置予定人数"
#: Fallback for forms that shorten the label (``推進員の配置予定人数``, ``配置予定人数``).
STAFF_LABEL_SHORT = "配置予定人数"


def entity_id_for(code: str | None, prefecture: str, municipality: str) -> str:
    """The 6-digit local-government code, else a stable hash of the printed names."""
    if code:
        return code
    return "x" + hashlib.sha1(f"{prefecture}/{municipality}".encode()).hexdigest()[:8]


def build_entity(block: Block, ledger: Ledger) -> tuple[dict, list[dict], list[dict], list[dict]]:
    """Read one block into an entity row, its provenance rows, its quantified-target rows and its project-area rows."""
    pref_match = match_prefecture(block.prefecture_raw)
    prefecture = pref_match.place.prefecture if pref_match.place else block.prefecture_raw
    level = "municipality" if block.municipality_raw else "prefecture"
    muni_match = match_municipality(prefecture, block.municipality_raw) if level == "municipality" else pref_match
    place = muni_match.place
    rec = Recorder(entity_id_for(place.code if place else None, prefecture, block.municipality_raw), ledger)
    line = block.header.no
    rec.row.update(entity_id=rec.entity_id, source_line=line, level=level)
    rec.set("prefecture", prefecture, block.prefecture_raw, line, [pref_match.rule] if pref_match.rule else [])
    official = (place.name if place else block.municipality_raw) if level == "municipality" else ""
    rules = [muni_match.rule] if (muni_match.rule and level == "municipality") else []
    rec.set("municipality", official, block.municipality_raw, line, rules)
    rec.row["municipality_raw"] = block.municipality_raw
    if place is None:
        rec.problem(
            "lg_code",
            f"{block.prefecture_raw} {block.municipality_raw}",
            line,
            Problem("unknown_place", muni_match.reason or pref_match.reason),
        )
    rec.set("lg_code", place.code if place else None, f"{block.prefecture_raw} {block.municipality_raw}".strip(), line)
    rec.row["municipality_type"] = municipality_type(place) if place else None
    _projects(block, rec)
    _basic(block, rec, level)
    _staff(block, rec, level)
    takikan = block.section("takikan")
    record_design(block, rec, find_background(takikan) if takikan else None)
    areas = record_catchment(block, rec)
    details, provenance = read_details(block, rec.entity_id, ledger)
    rec.row.update(details)
    rec.provenance.extend(provenance)
    targets = extract_targets(block, rec.entity_id, ledger)
    rec.row.update(summarize(targets))
    return rec.row, rec.provenance, targets, areas


def _projects(block: Block, rec: Recorder) -> None:
    marks = read_marks(block)
    content = section_content(block)
    for name in PROJECT_SECTIONS:
        rec.row[f"has_section_{name}"] = content[name]
    if marks is None:
        for name in PROJECT_SECTIONS:
            rec.set(
                f"implements_{name}", None, "", None, problems=[Problem("not_stated", "no 実施事業 line in the block")]
            )
        return
    for name in PROJECT_SECTIONS:
        marked = getattr(marks, name)
        problems = []
        if marked != content[name]:
            what = (
                "marked ○ but its section is missing or empty" if marked else "not marked ○ but its section has content"
            )
            problems.append(Problem("marks_vs_sections", f"{name}: {what}"))
        rec.set(f"implements_{name}", marked, marks.raw, marks.line, problems=problems)


def _basic(block: Block, rec: Recorder, level: str) -> None:
    fields = raw_fields(basic_lines(block))
    for fld in SPECS:
        raw = fields.get(fld)
        if raw is None:
            rec.set(fld, None, "", None, problems=[Problem("label_missing", "label not found in section 1-1")])
            continue
        reading = read_quantity(fld, raw.text, level)
        value = int(reading.value) if reading.value is not None and SPECS[fld].integer else reading.value
        rec.set(fld, value, raw.text, raw.line, reading.rules, reading.problems)
    raw = fields.get("welfare_rate_permille")
    if raw is None:
        rec.set(
            "welfare_rate_permille",
            None,
            "",
            None,
            problems=[Problem("label_missing", "label not found in section 1-1")],
        )
    else:
        reading = read_welfare_rate(raw.text, raw.label)
        rec.set("welfare_rate_permille", reading.value, raw.text, raw.line, reading.rules, reading.problems)
    hh = check_households(rec.row.get("population"), rec.row.get("households"))
    if hh and "households" in fields:
        rec.problem("households", fields["households"].text, fields["households"].line, hh)
    for fld, prefix in (("hokatsu", "hokatsu"), ("konkyu", "konkyu")):
        _institutions(fields.get(fld), prefix, rec)


def _institutions(raw, prefix: str, rec: Recorder) -> None:
    if raw is None:
        for suffix in ("direct", "outsourced", "total"):
            rec.set(f"{prefix}_{suffix}", None, "", None)
        rec.problem(f"{prefix}_total", "", None, Problem("label_missing", "label not found in section 1-1"))
        rec.row[f"{prefix}_branches"] = None
        rec.row[f"{prefix}_prefecture_run"] = None
        return
    r = read_institutions(raw.text)
    for mode in ("direct", "outsourced"):
        rules = [RULES.unstated_mode_is_zero] if mode in r.inferred_zero else []
        rec.set(f"{prefix}_{mode}", getattr(r, mode), raw.text, raw.line, rules)
    rec.set(f"{prefix}_total", r.total, raw.text, raw.line, r.rules, r.problems)
    rec.set(f"{prefix}_branches", r.branches, raw.text, raw.line)
    rec.set(f"{prefix}_prefecture_run", r.prefecture_run, raw.text, raw.line)


def _staff(block: Block, rec: Recorder, level: str) -> None:
    lines = block.section("takikan") or (block.lines + block.continuation)
    item = find_item(lines, STAFF_LABEL) or find_item(lines, STAFF_LABEL_SHORT, within_first_cell=True)
    cols = ("staff_planned", "staff_fulltime", "staff_parttime", "staff_dedicated", "staff_concurrent")
    if item is None:
        expected = level == "municipality" and rec.row.get("implements_takikan")
        problems = (
            [Problem("label_missing", "runs 多機関協働事業 but no ④ 配置予定人数 item found")] if expected else []
        )
        rec.set("staff_planned", None, "", None, problems=problems)
        for c in cols[1:]:
            rec.row[c] = None
        rec.row["staff_notes"] = ""
        return
    s = read_staff(item.value)
    rec.set("staff_planned", s.planned, item.value, item.line, s.rules, s.problems)
    for c, v in zip(cols[1:], (s.fulltime, s.parttime, s.dedicated, s.concurrent), strict=True):
        rec.set(c, v, item.value, item.line)
    rec.set("staff_notes", s.notes, item.value, item.line)
