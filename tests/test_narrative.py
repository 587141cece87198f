"""The notebooks' narrative lives in study.analysis.narrative, in both languages, each fully in its language."""

from __future__ import annotations

import re

import nbformat
import pytest

from conftest import ROOT
from study.analysis import narrative

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
JAPANESE = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef々〆ヶ]+")
#: Place names may stay in Japanese in English text (they are not romanised).
PLACES = {"世田谷区", "盛岡市", "豊島区", "江戸川区"}
#: Words that are the same in both languages (methods, abbreviations, symbols).
SHARED = {
    "Cameron",
    "Trivedi",
    "Cook",
    "DFBETA",
    "Wald",
    "BCa",
    "Firth",
    "Wilson",
    "Holm",
    "Kruskal",
    "Wallis",
    "AUC",
    "ARI",
    "NB2",
    "MOF",
    "log",
    "leave-one-out",
}


def _outside_code(text: str) -> str:
    return re.sub(r"`[^`]*`|\{\w+\}", " ", text)  # code and {fields} are not prose


def _shown_keys(path):
    nb = nbformat.read(path, as_version=4)
    calls = [
        m.groups()
        for c in nb.cells
        if c.cell_type == "code"
        for m in re.finditer(r'narrative\.show\("([^"]+)", "([^"]+)"', c.source)
    ]
    return nb, calls


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_text_comes_from_the_library(path):
    nb, calls = _shown_keys(path)
    # the title is the only Markdown cell: everything a reader reads is shown in the label language
    assert [c.cell_type for c in nb.cells].count("markdown") == 1 and nb.cells[0].source.startswith("# ")
    keys = [k for stem, k in calls]
    assert {stem for stem, _ in calls} == {path.stem}
    assert keys[:2] == ["intro", "sample"] and keys[-1] == "limits" and "glossary" in keys
    for key in keys:
        for lang in ("ja", "en"):
            assert narrative.markdown(path.stem, key, lang, **_dummy(path.stem, key))


def _dummy(stem: str, key: str) -> dict[str, object]:
    fields = re.findall(r"\{(\w+)\}", narrative.TEXTS[stem].get(key, {}).get("ja", ""))
    return dict.fromkeys(fields, 7)


def test_sample_sentences_are_filled():
    assert (
        narrative.markdown("10_staffing", "sample", "ja", n=46, n_inst=57)
        == "推進員のモデルの対象は 46 計画、基盤の集計の対象は 57 計画。"
    )
    assert (
        narrative.markdown("30_typology", "sample", "en", n=57, n_features=6, k=2)
        == "57 plans clustered on 6 features; k = 2."
    )
    with pytest.raises(KeyError):
        narrative.markdown("10_staffing", "nonexistent", "ja")


@pytest.mark.parametrize("stem", sorted(narrative.TEXTS))
def test_japanese_text_has_no_english_prose(stem):
    for key, text in narrative.TEXTS[stem].items():
        words = re.findall(r"[A-Za-z][A-Za-z-]{3,}", _outside_code(narrative.column_headers(text["ja"], "ja")))
        assert not [w for w in words if w not in SHARED and not w.startswith("Kruskal")], (stem, key, words)


@pytest.mark.parametrize("stem", sorted(narrative.TEXTS))
def test_english_text_has_japanese_only_as_a_gloss(stem):
    for key, text in narrative.TEXTS[stem].items():
        en = _outside_code(narrative.column_headers(text["en"], "en"))
        assert JAPANESE.search(text["ja"]), (stem, key)  # the Japanese variant is in Japanese
        for m in JAPANESE.finditer(en):
            before = en[: m.start()]
            inside = before.count("(") > before.count(")") or before.count('"') % 2 == 1
            assert inside or m.group() in PLACES, f"{stem}.{key}: unglossed {m.group()!r}"


def test_columns_named_in_the_text_are_the_headers_readers_see():
    sens = narrative.markdown("10_staffing", "sensitivity", "en")
    assert "“plans recoded” counts the plans" in sens and "n_changed" not in sens
    assert "「扱いが変わる計画」" in narrative.markdown("10_staffing", "sensitivity", "ja")
    for stem, sections in narrative.TEXTS.items():  # every reference resolves, in both languages
        for key in {*sections, *narrative.COMMON}:
            for lang in ("ja", "en"):
                text = narrative.column_headers((sections.get(key) or narrative.COMMON[key])[lang], lang)
                assert "⟦" not in text and "⟧" not in text, (stem, key, lang)
    with pytest.raises(KeyError, match="n_chagned"):
        narrative.column_headers("⟦n_chagned⟧ counts", "en")
