"""Column labels from the codebook: the Japanese term of the form, an English name and the unit.

Every label comes from :func:`study.clean.schema.codebook` (the definition that also validates the
cleaned tables), shortened for axes and glossaries.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from study.parameters import Lang


def _base_label(label_ja: str) -> str:
    label = re.sub(r"^(実施事業※\s*|④|\d+\.\s*)", "", label_ja)
    label = re.sub(r"\(.*?\)$", "", label)
    label = re.sub(r"について$", "", label)
    return label.strip()


def _english_name(column: str, description: str) -> str:
    m = re.search(r"running the (.+?) on the", description)
    if m:
        return m.group(1)
    if column.startswith("has_section_"):
        return "plan section " + description.split("section ")[1].split(" ")[0]
    name = re.split(r",|;|:| \(| as printed| converted", description, maxsplit=1)[0].strip()
    return name


def entity_codebook() -> pd.DataFrame:
    """The entity columns of the codebook with a short label per language.

    Returns
    -------
    pandas.DataFrame
        The rows of :func:`study.clean.schema.codebook` for table ``entities``, plus ``label_en``
        (an English name) and ``label_ja_short`` (the form's Japanese term without numbering,
        notes and parentheses).
    """
    from study.clean.schema import codebook

    cb = codebook()
    cb = cb[cb["table"] == "entities"].reset_index(drop=True)
    cb["label_en"] = [_english_name(c, d) for c, d in zip(cb["column"], cb["description_en"])]
    cb["label_ja_short"] = [(_base_label(lj) if lj != "—" else c) for lj, c in zip(cb["label_ja"], cb["column"])]
    return cb


def field_labels(lang: Lang) -> dict[str, str]:
    """Figure labels of the entity columns.

    Parameters
    ----------
    lang : {"ja", "en"}
        Label language: the form's Japanese label or an English name.

    Returns
    -------
    dict of str to str
        Column -> label (the breakdowns of a total name their part); key ``_block`` labels the
        whole entity block.
    """
    cb = entity_codebook()
    out = {}
    for _, r in cb.iterrows():
        label = r["label_ja_short"] if lang == "ja" else r["label_en"]
        if lang == "ja" and r["column"].endswith(("_direct", "_outsourced", "_branches")):
            label = r["label_ja"].replace("(ブランチ・サブセンター・出張所)", "(ブランチ等)")
        if lang == "en" and r["column"].endswith(("_direct", "_outsourced", "_total", "_branches", "_prefecture_run")):
            label = f"{label}: {r['column'].rsplit('_', 1)[-1]}"
        if lang == "ja" and r["column"].startswith("staff_") and r["column"] != "staff_planned":
            label = r["label_ja"].replace("④配置予定人数", "推進員")
        if lang == "en" and r["column"].startswith("staff_") and r["column"] != "staff_planned":
            label = "planned staff: " + r["column"].removeprefix("staff_")
        if lang == "ja" and r["column"].endswith("_prefecture_run"):
            label = f"{r['label_ja']}(県が実施)"
        if lang == "ja" and r["column"].startswith("has_section_"):
            label = f"{r['label_ja_short']}(計画の節)"
        out[r["column"]] = label
    out["_block"] = "団体ブロック全体" if lang == "ja" else "whole entity block"
    return out


def glossary(columns: Sequence[str]) -> pd.DataFrame:
    """Japanese term, English name and unit of entity columns, from the codebook.

    Parameters
    ----------
    columns : sequence of str
        Entity columns, in the order wanted.

    Returns
    -------
    pandas.DataFrame
        ``term_ja, english, column, unit``, one row per column.

    Raises
    ------
    KeyError
        If a column is not an entity column of the codebook.
    """
    cb = entity_codebook().set_index("column")
    rows = []
    for c in columns:
        if c not in cb.index:
            raise KeyError(f"{c!r} is not an entity column of the codebook")
        row = cb.loc[c]
        rows.append({"term_ja": row["label_ja_short"], "english": row["label_en"], "column": c, "unit": row["unit"] or ""})
    return pd.DataFrame(rows, columns=["term_ja", "english", "column", "unit"])
