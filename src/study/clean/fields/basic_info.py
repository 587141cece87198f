"""Section 1-1 (自治体の基本情報): find each labelled field's raw text.

The table arrives as 2- or 3-column rows in varying order, sometimes with the
unit in the label (``高齢化率 (%)``) or cells shifted into the label cell
(``公立小学校数 5 (校)``). So the section is read as one stream of cells and
each field's value is the text between its label and the next label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from study.clean.structure import Block, Line
from study.clean.textnorm import squeeze

_START = r"(?:^|(?<=\t))[ ]*"

#: field -> label regex, in the order of the printed form.
BASIC_LABELS: dict[str, str] = {
    "population": r"人\s*口",
    "households": r"世\s*帯\s*数",
    "aging_rate_pct": r"高\s*齢\s*化\s*率",
    "welfare_rate_permille": r"生\s*活\s*保\s*護\s*(?:受\s*給\s*)?率",
    "area_km2": r"面\s*積",
    "community_org_rate_pct": r"(?:[^\s\t\d]{1,3}\s*組\s*織|自\s*治\s*会|町\s*内?\s*会)[^\t\n]{0,25}?加\s*入\s*率",
    "elementary_schools": r"(?:公\s*立\s*)?小\s*学\s*校\s*数",
    "junior_high_schools": r"(?:公\s*立\s*)?中\s*学\s*校\s*数",
    "hokatsu": r"地\s*域\s*包\s*括\s*支\s*援\s*セ\s*ン\s*タ\s*ー",
    "konkyu": r"生\s*活\s*困\s*窮\s*者\s*自\s*立\s*相\s*談\s*支\s*援\s*(?:事\s*業)?",
}
_LABEL_RE = re.compile(_START + "(?:" + "|".join(f"(?P<{name}>{rx})" for name, rx in BASIC_LABELS.items()) + ")", re.M)


@dataclass(frozen=True)
class RawField:
    """The printed text of one basic-information field and where it stands."""

    field: str
    label: str
    text: str
    line: int


def basic_lines(block: Block) -> list[Line]:
    """Lines of section 1-1; if its heading is missing, the lines before 1-2 / section 2."""
    if "basic" in block.sections:
        return block.section("basic")
    stop = min((s for n, (s, _) in block.sections.items() if n != "basic"), default=len(block.lines))
    return block.lines[1:stop]


def raw_fields(lines: list[Line]) -> dict[str, RawField]:
    """The raw text of every basic-information field found in ``lines``.

    A field's value is the text after its label up to the next label on the
    same line; if that is empty, the next line is used when it holds a value
    and no label. The first occurrence of a label wins.
    """
    stream, offsets = _stream(lines)
    matches = list(_LABEL_RE.finditer(stream))
    out: dict[str, RawField] = {}
    for k, m in enumerate(matches):
        name = m.lastgroup
        if name is None or name in out:
            continue
        end = matches[k + 1].start() if k + 1 < len(matches) else len(stream)
        text, pos = _value_span(stream, m.end(), end)
        out[name] = RawField(name, m.group(0).strip(), text, _line_at(offsets, pos))
    return out


def _stream(lines: list[Line]) -> tuple[str, list[tuple[int, int]]]:
    parts, offsets, pos = [], [], 0
    for line in lines:
        text = line.clean
        offsets.append((pos, line.no))
        parts.append(text)
        pos += len(text) + 1
    return "\n".join(parts), offsets


def _value_span(stream: str, start: int, end: int) -> tuple[str, int]:
    segment = stream[start:end]
    first, nl, rest = segment.partition("\n")
    if first.strip() or not nl:
        return squeeze(first), start
    for piece in rest.split("\n"):
        offset = stream.index(piece, start) if piece else start
        if piece.strip():
            return (squeeze(piece), offset) if re.search(r"\d", piece) else ("", start)
    return "", start


def _line_at(offsets: list[tuple[int, int]], pos: int) -> int:
    line = offsets[0][1] if offsets else 0
    for off, no in offsets:
        if off <= pos:
            line = no
        else:
            break
    return line
