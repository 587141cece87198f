"""The cleaning pipeline: raw text -> entity table, corrections, issues, provenance."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from study.clean.fields.basic_info import basic_lines, raw_fields
from study.clean.entities import build_entity
from study.errors import InputError
from study.clean.ledger import Ledger
from study.clean.rawfile import RawText, read_raw
from study.clean.schema import validate_all
from study.clean.structure import PROJECT_SECTIONS, Block, split_blocks
from study.clean.textnorm import compact


@dataclass(frozen=True)
class CleanResult:
    """The cleaned tables of one raw file."""

    raw: RawText
    entities: pd.DataFrame
    corrections: pd.DataFrame
    issues: pd.DataFrame
    provenance: pd.DataFrame
    targets: pd.DataFrame
    project_areas: pd.DataFrame


def block_is_complete(block: Block) -> tuple[bool, str]:
    """Whether a block holds the whole form: 実施事業, the 1-1 table, and a project
    section that reaches its 事業の成果目標 item. Used to detect a cut last block."""
    fields = raw_fields(basic_lines(block))
    if "population" not in fields or "konkyu" not in fields:
        return False, "the 1-1 basic-information table is cut"
    present = [n for n in PROJECT_SECTIONS if n in block.sections]
    if not present:
        return False, "no project section (3., 4. or 5.)"
    last = max(present, key=lambda n: block.sections[n][0])
    if not any("事業の成果目標" in compact(line.clean) for line in block.section(last)):
        return False, f"section {last!r} ends before its 事業の成果目標 item"
    return True, ""


def clean(raw: RawText) -> CleanResult:
    """Clean a decoded raw file into validated tables (see :mod:`study.clean.schema`)."""
    blocks = split_blocks(raw.lines)
    if not blocks:
        raise InputError(raw.path, "no entity block starts with a '都道府県名 … 市区町村名' header")
    ledger = Ledger()
    rows, prov, targets, areas = [], [], [], []
    seen: dict[str, int] = {}
    for k, block in enumerate(blocks):
        if not block.has_form_body() and k == len(blocks) - 1:
            ledger.issue(
                "",
                "_block",
                block.header.no,
                block.header.text,
                "the file ends in this entity's header; not included",
                "truncated",
            )
            continue
        if not block.has_form_body():
            ledger.issue(
                "",
                "_block",
                block.header.no,
                block.header.text,
                "header without the form's 実施事業 line or 1-1 table; skipped",
                "orphan_header",
            )
            continue
        if k == len(blocks) - 1:
            complete, why = block_is_complete(block)
            if not complete:
                name = f"{block.prefecture_raw} {block.municipality_raw}".strip()
                ledger.issue(
                    "", "_block", block.header.no, name, f"truncated entity block ({why}); not included", "truncated"
                )
                continue
        row, p, t, a = build_entity(block, ledger)
        if row["entity_id"] in seen:
            ledger.issue(
                row["entity_id"],
                "_block",
                block.header.no,
                block.header.text,
                f"second form for the entity of line {seen[row['entity_id']]}; skipped",
                "duplicate_entity",
            )
            continue
        seen[row["entity_id"]] = block.header.no
        rows.append(row)
        prov.extend(p)
        targets.extend(t)
        areas.extend(a)
    if not rows:
        raise InputError(raw.path, "no complete entity block could be read")
    tables = validate_all(
        entities=rows,
        corrections=ledger.correction_rows(),
        issues=ledger.issue_rows(),
        provenance=prov,
        targets=targets,
        project_areas=areas,
    )
    return CleanResult(raw, **tables)


def clean_file(path: Path | str | None = None) -> CleanResult:
    """Read (``None``: the bundled file, hash-checked) and clean a raw file."""
    return clean(read_raw(path))
