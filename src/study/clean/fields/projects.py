"""Which projects an entity runs: the 実施事業 line, cross-checked with the sections.

On the 実施事業 line a ○ (or an ``<input type="radio"/>`` from the PDF
conversion) *follows* the label of each project the entity runs, e.g.
``地域力強化推進事業 ○ 多機関の協働による 包括的支援体制構築事業 ○ 都道府県事業``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from study.clean.structure import PROJECT_SECTIONS, Block, Line, find_item
from study.clean.textnorm import MARKS, compact, strip_html

#: Project key -> label regex on the compacted 実施事業 line.
PROJECT_LABELS: dict[str, str] = {
    "chiikiryoku": r"地域力強化(?:推進)?事業",
    "takikan": r"多機関の協働による包括的支援体制構築事業",
    "prefectural": r"都道府県事業",
}
_PROJECT_RE = re.compile("|".join(f"(?P<{k}>{v})" for k, v in PROJECT_LABELS.items()))
#: The first items of each project section; content in any of them means the section is filled in.
SECTION_ITEMS = ("実施主体", "事業名", "事業実施の必要性")


@dataclass(frozen=True)
class ProjectMarks:
    """Booleans from the 実施事業 line, and its line number and raw text."""

    chiikiryoku: bool
    takikan: bool
    prefectural: bool
    line: int | None
    raw: str


def find_marks_line(block: Block) -> Line | None:
    """The 実施事業 line of a block (it precedes section 1).

    A line wrapped by the PDF conversion is joined with its continuation lines
    (up to a blank line or section 1); the result keeps the first line's number.
    """
    lines = block.lines[:16]
    for k, line in enumerate(lines):
        if compact(strip_html(line.text)).startswith("実施事業"):
            text = line.text
            for nxt in lines[k + 1 : k + 4]:
                head = compact(strip_html(nxt.text))
                if not head or head.startswith("1") or "都道府県名" in head:
                    break
                text += "\t" + nxt.text
            return Line(line.no, text)
    return None


def read_marks(block: Block) -> ProjectMarks | None:
    """Read which projects are marked; ``None`` if the block has no 実施事業 line."""
    line = find_marks_line(block)
    if line is None:
        return None
    text = compact(strip_html(line.text, radio_as_mark=True))
    labels = list(_PROJECT_RE.finditer(text))
    marked = {k: False for k in PROJECT_LABELS}
    for k, m in enumerate(labels):
        end = labels[k + 1].start() if k + 1 < len(labels) else len(text)
        if any(ch in MARKS for ch in text[m.end() : end]):
            marked[m.lastgroup or ""] = True
    return ProjectMarks(marked["chiikiryoku"], marked["takikan"], marked["prefectural"], line.no, line.text)


def section_has_content(block: Block, name: str) -> bool:
    """Whether a project section exists and any of its first items (実施主体, 事業名, 必要性) is filled in."""
    lines = block.section(name)
    if not lines:
        return False
    for label in SECTION_ITEMS:
        item = find_item(lines, label)
        if item and re.sub(r"[\s(（)）委託先:：]", "", item.value):
            return True
    return False


def section_content(block: Block) -> dict[str, bool]:
    """Content flag for each project section of a block."""
    return {name: section_has_content(block, name) for name in PROJECT_SECTIONS}
