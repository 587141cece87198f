"""The notebooks' narrative in Japanese and English: introductions, section explanations, glossary notes
and limits, shown in the run's label language.

A notebook shows its text with a one-line code cell, ``narrative.show("10_staffing", "intro", lang)``
(code is hidden in the HTML reports, so readers see only the text). Texts may have ``{name}`` fields
filled from keyword arguments (counts of the sample), and name a table column as ``⟦column⟧``, shown as
the header readers see on that table (:func:`study.analysis.prose.column_label`), never the CSV name.
The findings themselves are generated from the results by :mod:`study.analysis.prose`; the fixed text
around them is the catalogue ``study/texts/narrative.toml`` (one table per notebook, read by :mod:`study.catalogue`).

The Japanese text uses the terms of the plan form (相談支援包括化推進員, 地域包括支援センター,
生活困窮者自立相談支援事業, 成果目標…). The English text keeps Japanese only beside a term it glosses;
municipality names stay in Japanese in both.
"""

from __future__ import annotations

import re
from typing import Any

from study import catalogue
from study.parameters import Lang

#: Sections every notebook shares (``study/texts/narrative.toml`` [common]): section -> language -> Markdown.
COMMON = catalogue.table("narrative", "common")

#: Notebook -> section -> language -> Markdown (``study/texts/narrative.toml``, one table per notebook).
TEXTS = {notebook: sections for notebook, sections in catalogue.tables("narrative").items() if notebook != "common"}


def markdown(notebook: str, key: str, lang: Lang, **values: Any) -> str:
    """One piece of a notebook's narrative as Markdown in ``lang``.

    Parameters
    ----------
    notebook : str
        Notebook stem, e.g. ``"10_staffing"``.
    key : str
        Section: ``"intro"``, ``"glossary"``, ``"limits"``, … (:data:`TEXTS`), or a shared one (:data:`COMMON`).
    lang : {"ja", "en"}
        Language of the text.
    **values
        Fields of the text (``{n}``…), e.g. the number of plans analysed.

    Returns
    -------
    str
        The text with its fields filled.

    Raises
    ------
    KeyError
        For an unknown notebook or section.
    """
    texts = TEXTS[notebook].get(key) or COMMON[key]
    text = column_headers(texts[lang], lang)
    return text.format(**values) if values else text


#: A table column named in a text: ``⟦n_changed⟧``.
COLUMN_REFERENCE = re.compile(r"⟦(\w+)⟧")


def column_headers(text: str, lang: Lang) -> str:
    """``text`` with each ``⟦column⟧`` replaced by the column's header in quotes (「…」 or “…”).

    Parameters
    ----------
    text : str
        Markdown of the narrative catalogue.
    lang : {"ja", "en"}
        Language of the headers.

    Returns
    -------
    str
        The text as readers see it.

    Raises
    ------
    KeyError
        For a column without a reader's header (a typo in the catalogue).
    """
    from study.analysis.prose import column_label

    def header(m: re.Match[str]) -> str:
        label = column_label(m[1], lang)
        if label is None:
            raise KeyError(f"narrative: column {m[1]!r} has no reader's header")
        return f"「{label}」" if lang == "ja" else f"“{label}”"

    return COLUMN_REFERENCE.sub(header, text)


def show(notebook: str, key: str, lang: Lang, **values: Any) -> None:
    """Display :func:`markdown` in the running notebook (IPython's Markdown display; printed outside IPython)."""
    from IPython.display import Markdown, display

    display(Markdown(markdown(notebook, key, lang, **values)))
