"""Text normalisation for the PDF-to-text extraction.

We never apply NFKC to whole lines: it would turn ①–⑨ into digits and ``²``
into ``2`` (so ``k m ²`` would read as a number). Instead lines are split into
cells first and only the narrow foldings below are applied to the text a
number is read from. The raw text is always kept next to the value.
"""

from __future__ import annotations

import html
import re
from functools import cache

# Full-width ASCII (U+FF01–U+FF5E) to ASCII, ideographic space to space.
_WIDTH_TABLE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_WIDTH_TABLE[0x3000] = 0x20
# Dash-like characters used as minus/range signs, and the wave dash.
_WIDTH_TABLE.update({ord("－"): ord("-"), ord("〜"): ord("~"), ord("～"): ord("~")})

_TAG_RE = re.compile(r"<[^>]*>")
#: Tags that delimit a table cell or a paragraph: they separate cells like a tab does.
_CELL_TAG_RE = re.compile(r"</?(?:td|th|tr|table|tbody|thead|p|br|li|ul|ol|div)\b[^>]*>", re.IGNORECASE)
_RADIO_RE = re.compile(r"<input\b[^>]*type\s*=\s*[\"']?radio[^>]*>", re.IGNORECASE)
_SPACE_RE = re.compile(r"[ \t\u00a0]+")
_ALL_SPACE_RE = re.compile(r"\s+")

#: Form instructions left in a cell instead of a value.
TEMPLATE_RE = re.compile(r"下記例を参考|記入してください|記入のうえ|本記入を削除|例\)|例:")

#: Characters that mark a chosen option on the form (○ and its look-alikes).
MARKS = "○〇◯●◎✓✔☑"


_WIDE_RE = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_WIDTH_TABLE)) + "]")


def fold_width(text: str) -> str:
    """Fold full-width ASCII and the ideographic space to half width; keep ①, ², ㎡."""
    return text.translate(_WIDTH_TABLE) if _WIDE_RE.search(text) else text


def strip_html(text: str, radio_as_mark: bool = False) -> str:
    """Remove HTML tags and unescape entities.

    With ``radio_as_mark`` an ``<input type="radio"/>`` becomes ``○`` first: the
    PDF conversion renders a ticked option of the 実施事業 line that way.
    """
    if radio_as_mark:
        text = _RADIO_RE.sub("○", text)
    if "<" in text:
        text = _TAG_RE.sub(" ", text)
    return html.unescape(text) if "&" in text else text


def plain(text: str) -> str:
    """Tags stripped, entities unescaped, width folded (:func:`strip_html` then :func:`fold_width`)."""
    return fold_width(strip_html(text))


def clean_cell(text: str) -> str:
    """Strip tags, fold width and collapse runs of spaces (each step only where it would change the text)."""
    text = plain(text)
    if "  " in text or "\t" in text or "\u00a0" in text:
        text = _SPACE_RE.sub(" ", text)
    return text.strip()


def compact(text: str) -> str:
    """Remove all whitespace (labels wrap and get spaces inserted by the PDF conversion)."""
    return _ALL_SPACE_RE.sub("", text)


def squeeze(text: str) -> str:
    """Every run of whitespace (tabs and newlines too) as one space, ends stripped."""
    return _ALL_SPACE_RE.sub(" ", text).strip()


def flat(text: str) -> str:
    """Tags stripped, width folded, every whitespace run one space (:func:`squeeze` of :func:`plain`)."""
    return squeeze(plain(text))


@cache
def fuzzy_label(label: str) -> str:
    """A regex matching ``label`` with optional whitespace between its characters."""
    return r"\s*".join(re.escape(ch) for ch in label)


def split_cells(line: str) -> list[tuple[str, bool]]:
    """The raw, non-blank cells of a line: split at tabs and at HTML cell/paragraph tags.

    Each cell comes with ``True`` when it was cut from the text before it at an
    HTML tag (a new paragraph or table cell) rather than at a tab.
    """
    out: list[tuple[str, bool]] = []
    for piece in line.split("\t"):
        if not piece or piece.isspace():
            continue
        if "<" in piece:
            out.extend((part, k > 0) for k, part in enumerate(_CELL_TAG_RE.split(piece)) if part and not part.isspace())
        else:
            out.append((piece, False))
    return out


def cells(line: str) -> list[str]:
    """Cells of a line (see :func:`split_cells`), cleaned (:func:`clean_cell`), empty cells dropped."""
    if "<" in line or "&" in line or _WIDE_RE.search(line):
        return [c for piece, _ in split_cells(line) if (c := clean_cell(piece))]
    # plain text (most lines): only the spaces need cleaning
    if "  " in line or "\u00a0" in line:
        return [c for piece in line.split("\t") if (c := _SPACE_RE.sub(" ", piece).strip())]
    return [c for piece in line.split("\t") if (c := piece.strip())]


_BRACKETED_RE = re.compile(r"[(（【][^()（）【】]*[)）】]")


def drop_brackets(text: str) -> str:
    """``text`` with every bracketed aside (…), （…）, 【…】 replaced by a space, nested ones too."""
    prev = None
    while prev != text:
        prev, text = text, _BRACKETED_RE.sub(" ", text)
    return text
