"""The form's structure: entity blocks, their sections, and labelled items.

Everything here is driven by the printed labels of the form (都道府県名,
実施事業, ``1-1.``, ``4. 多機関の協働による…について``, ``④相談支援包括化推進員の配置予定人数``…),
never by line numbers or entity names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, cached_property

from study.clean.textnorm import cells, clean_cell, compact, fuzzy_label, squeeze

_HEADER_RE = re.compile(
    fuzzy_label("都道府県名") + r"\s*(?P<pref>.*?)\s*" + fuzzy_label("市区町村名") + r"\s*(?P<muni>.*)$"
)
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫㊦㊧"

#: Section headings: name -> regex on the cleaned, whole line.
SECTION_PATTERNS: dict[str, re.Pattern[str]] = {
    "basic": re.compile(r"^1\s*-\s*1\s*\.?\s*自治体の基本情報"),
    "features": re.compile(r"^1\s*-\s*2\s*\.?\s*(地域の特徴|$)"),
    "vision": re.compile(r"^(?:2\s*\.\s*)?事業を実施する上でのビジョンについて\s*$"),
    "chiikiryoku": re.compile(r"^(?:3\s*\.\s*)?地域力強化推進事業について\s*$"),
    "takikan": re.compile(r"^(?:4\s*\.\s*)?多機関の協働による\s*包括的支援体制構築事業について\s*$"),
    "prefectural": re.compile(r"^(?:5\s*\.\s*)?都道府県事業について\s*$"),
}
PROJECT_SECTIONS = ("chiikiryoku", "takikan", "prefectural")
#: Every section heading contains one of these (a cheap filter before the regexes).
_HEADING_HINTS = ("について", "基本情報", "地域の特徴", "1-2", "１－２", "1-1", "１－１")
_HEADING_HINTS_RE = re.compile("|".join(map(re.escape, _HEADING_HINTS)))


@dataclass(frozen=True)
class Line:
    """One source line: 1-based number and raw text."""

    no: int
    text: str

    @cached_property
    def clean(self) -> str:
        """Tags stripped, width folded, cells joined by a tab."""
        return "\t".join(cells(self.text))

    @property
    def columns(self) -> list[str]:
        """The line's tab columns, cleaned, empty ones kept so that column positions are preserved.

        Reuses :attr:`clean` (which drops empty cells) when the blank raw cells
        are exactly the empty ones; cleans column by column otherwise.
        """
        parts = self.text.rstrip("\t").split("\t")
        clean = [c for c in self.clean.split("\t") if c]
        filled = [i for i, p in enumerate(parts) if p.strip()]
        if len(filled) != len(clean):
            return [clean_cell(c) for c in parts]
        out = [""] * len(parts)
        for i, c in zip(filled, clean, strict=True):
            out[i] = c
        return out


@dataclass
class Block:
    """Lines from one ``都道府県名`` header up to the next entity's title line."""

    header: Line
    prefecture_raw: str
    municipality_raw: str
    lines: list[Line]
    continuation: list[Line] = field(default_factory=list)
    sections: dict[str, tuple[int, int]] = field(default_factory=dict)

    def section(self, name: str) -> list[Line]:
        """Lines of a section (heading excluded); empty if the section is absent."""
        if name not in self.sections:
            return []
        start, end = self.sections[name]
        return self.lines[start + 1 : end]

    def has_form_body(self) -> bool:
        """Whether the block has the 実施事業 line or the 1-1 basic information."""
        return "basic" in self.sections or any(compact(line.clean).startswith("実施事業") for line in self.lines[:8])


def parse_header(text: str) -> tuple[str, str] | None:
    """(prefecture, municipality) from a header line, or None if it is not one."""
    if "名" not in text:
        return None
    cleaned = " ".join(clean_cell(c) for c in text.split("\t"))
    m = _HEADER_RE.search(cleaned)
    if not m or not compact(cleaned).startswith("都道府県名"):
        return None
    muni = compact(m.group("muni"))
    return compact(m.group("pref")), ("" if re.fullmatch(r"[-—–―ー‐・/／]*|なし|該当なし", muni) else muni)


def split_blocks(lines: tuple[str, ...]) -> list[Block]:
    """Split the file into header blocks; a repeated header of the same entity
    with no form body (実施事業, 1-1) is folded into the previous block as a continuation."""
    headers = [(i, h) for i, text in enumerate(lines) if (h := parse_header(text))]
    blocks: list[Block] = []
    for k, (i, (pref, muni)) in enumerate(headers):
        end = headers[k + 1][0] if k + 1 < len(headers) else len(lines)
        body = [Line(j + 1, lines[j]) for j in range(i, end)]
        if k + 1 < len(headers):
            body = _drop_next_title(body, *headers[k + 1][1])
        block = Block(Line(i + 1, lines[i]), pref, muni, body)
        block.sections = find_sections(body)
        if (
            blocks
            and not block.has_form_body()
            and (pref, muni) == (blocks[-1].prefecture_raw, blocks[-1].municipality_raw)
        ):
            blocks[-1].continuation.extend(body)
            continue
        blocks.append(block)
    return blocks


def _drop_next_title(body: list[Line], pref: str, muni: str) -> list[Line]:
    """Remove the next entity's title line (``北海道 京極町``) and blank lines from the end."""
    while body and not body[-1].text.strip():
        body = body[:-1]
    if body and len(body) > 1:
        title = compact(body[-1].clean)
        if title and title.startswith(pref) and len(title) <= len(pref + muni) + 4:
            body = body[:-1]
    return body


def find_sections(body: list[Line]) -> dict[str, tuple[int, int]]:
    """Index ranges ``(heading, next heading)`` of the form's sections within a block."""
    found: list[tuple[int, str]] = []
    for idx, line in enumerate(body):
        if line.text.startswith("\t") or len(line.text) > 200 or not _HEADING_HINTS_RE.search(line.text):
            continue  # headings start at the margin and are short; the rest is content
        text = line.clean.replace("\t", " ").strip()
        for name, pattern in SECTION_PATTERNS.items():
            if pattern.match(text) and name not in {n for _, n in found}:
                found.append((idx, name))
                break
    found.sort()
    return {name: (idx, found[k + 1][0] if k + 1 < len(found) else len(body)) for k, (idx, name) in enumerate(found)}


# --- labelled items ----------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """A labelled item: the line its label is on and the value text after the label."""

    line: int
    value: str
    raw: str


_ITEM_NUMBER_RE = re.compile(rf"^\s*(?:[{_CIRCLED}]|\(\d+\)|\d+\s*\.)\s*")


def strip_item_number(text: str) -> str:
    """Drop a leading circled item number (④) or ``(4)`` and stray tags."""
    return _ITEM_NUMBER_RE.sub("", text)


def find_item(lines: list[Line], label: str, within_first_cell: bool = False) -> Item | None:
    """Find the item whose label is ``label`` (spacing-insensitive) at the start of a line.

    The value is the rest of the line after the label. A label wrapped over two
    lines (``④相談支援包括化推`` / ``進員の配置予定人数``) is joined, and the
    values from both lines are kept. With ``within_first_cell`` the label may
    stand anywhere in the first cell (a shortened or prefixed label).
    """
    target = compact(label)
    pattern = _label_re(label)
    for k, line in enumerate(lines):
        text = strip_item_number(line.clean)
        m = pattern.match(text)
        if m is None and within_first_cell:
            m = pattern.search(text.partition("\t")[0])
        if m:
            return Item(line.no, _value(text[m.end() :]), line.text)
        first, _, rest = text.partition("\t")
        if first.lstrip()[:1] != target[:1]:
            continue  # (cheap test) the label does not start this line
        head = compact(first)
        if len(head) < 4 or not target.startswith(head):
            continue
        nxt_line = next((x for x in lines[k + 1 : k + 3] if x.text.strip()), None)
        if nxt_line is not None:
            nxt = nxt_line.clean
            n_first, _, n_rest = nxt.partition("\t")
            if (head + compact(n_first)).startswith(target):
                extra = compact(n_first)[len(target) - len(head) :]
                value = " ".join(v for v in (_value(rest), extra, _value(n_rest)) if v)
                return Item(line.no, value, line.text + "\n" + nxt_line.text)
    return None


@cache
def _label_re(label: str) -> re.Pattern[str]:
    return re.compile(fuzzy_label(label))


def _value(text: str) -> str:
    return squeeze(text)
