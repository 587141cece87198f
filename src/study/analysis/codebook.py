"""Column labels from the codebook: the Japanese term of the form, an English name and the unit.

Every label comes from :func:`study.clean.schema.codebook` (the definition that also validates the
cleaned tables), shortened for axes and glossaries.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from study import catalogue
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
    cb["label_en"] = [_english_name(c, d) for c, d in zip(cb["column"], cb["description_en"], strict=True)]
    cb["label_ja_short"] = [
        (_base_label(lj) if lj != "—" else c) for lj, c in zip(cb["label_ja"], cb["column"], strict=True)
    ]
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
    out["_block"] = catalogue.table("codebook", "fields")["_block"][lang]
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
        rows.append(
            {"term_ja": row["label_ja_short"], "english": row["label_en"], "column": c, "unit": row["unit"] or ""}
        )
    return pd.DataFrame(rows, columns=["term_ja", "english", "column", "unit"])


#: What tells apart columns that share one label of the form, by column-name prefix, then suffix (first match
#: wins; ``study/texts/codebook.toml``).
_PART_PREFIXES = catalogue.table("codebook", "part_prefixes")
_PART_SUFFIXES = catalogue.table("codebook", "part_suffixes")
#: Japanese names of columns whose form label is shared or absent (the qualifications of ⑤, the target counts).
_JA_NAMES = {
    "municipality_type": "団体の種類",
    "qual_social_worker": "推進員の資格: 社会福祉士",
    "qual_psych_social_worker": "推進員の資格: 精神保健福祉士",
    "qual_public_health_nurse": "推進員の資格: 保健師",
    "qual_care_manager": "推進員の資格: 介護支援専門員",
    "qual_nurse": "推進員の資格: 看護師",
    "n_quantified_targets": "成果目標: 数値目標の数",
    "has_quantified_target": "成果目標: 数値目標の有無",
    "n_outcome_targets": "成果目標: 成果目標の数",
    "n_activity_targets": "成果目標: 活動目標の数",
    "has_outcome_target": "成果目標: 成果目標の有無",
    "case_meeting_existing_name": "⑦イ 相談支援包括化推進会議(個別事例の検討): 既存の会議名",
    "network_meeting_existing_name": "⑦イ 相談支援包括化推進会議(ネットワーク構築): 既存の会議名",
}


def distinct_labels(columns: Sequence[str], lang: Lang) -> dict[str, str]:
    """Labels of entity columns for one chart, all different and all in the label language.

    :func:`field_labels` gives the form's label, which several columns share (the three columns read
    from one ①実施主体 cell, the bounds of a range…). Here the shared ones get the part they hold
    (``種別``, ``下限``…), so no column name has to stand in for a label.

    Parameters
    ----------
    columns : sequence of str
        Entity columns of the chart.
    lang : {"ja", "en"}
        Label language.

    Returns
    -------
    dict of str to str
        Column -> label (``label (column)`` only as a last resort, when two are still equal).
    """
    base = field_labels(lang)
    out = {}
    for c in columns:
        label = " ".join(str(base.get(c, c)).split("※")[0].split())
        if lang == "ja" and (c in _JA_NAMES):
            label = _JA_NAMES[c]
        if lang == "en" and c.startswith("implementer_outsourced_"):  # the codebook's name stops at "A contractor"
            label = str(base.get("implementer_type_" + c.removeprefix("implementer_outsourced_"), label)).replace(
                "Who runs the", "Contractor named for the"
            )
        out[c] = label
    counts: dict[str, int] = {}
    for v in out.values():
        counts[v] = counts.get(v, 0) + 1
    for c in columns:
        if counts[out[c]] < 2:
            continue
        part = next((t[lang] for pre, t in _PART_PREFIXES.items() if c.startswith(pre)), None)
        part = part or next((t[lang] for suf, t in _PART_SUFFIXES.items() if c.endswith(suf)), None)
        if part:
            out[c] = f"{out[c]}: {part}" if lang == "en" else f"{out[c]}({part})"
    seen: dict[str, int] = {}
    for v in out.values():
        seen[v] = seen.get(v, 0) + 1
    return {c: (f"{v} ({c})" if seen[v] > 1 else v) for c, v in out.items()}
