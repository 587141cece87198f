"""The report header speaks the run's label language (issue 12: each variant fully in its language)."""

from __future__ import annotations

import re

import pytest

from study.runner.htmlexport import HEADER_WORDS, header_html

ARGS = {
    "title": "推進員の配置",
    "description": "d",
    "run": "staffing",
    "notebook": "10_staffing",
    "parameters": {"bootstrap_draws": 2000},
    "command": "study run params/staffing.yaml",
    "manifest": {"git": {"commit": "abc", "dirty": True}, "params_hash": "0" * 64},
    "param_docs": {"bootstrap_draws": "Pairs-bootstrap resamples."},
}


def _text(html: str) -> str:
    return re.sub(r"<code>.*?</code>|<[^>]+>", " ", html)


def test_japanese_header_has_no_english_words_of_its_own():
    text = _text(header_html(**ARGS, lang="ja"))
    ja_words = [w["ja"] for w in HEADER_WORDS.values()]
    for word in (w["en"] for w in HEADER_WORDS.values()):
        if word.strip(" ()←") and word not in ja_words:
            assert word.strip() not in text, word
    assert "パラメータ" in text and "このレポートを再現するコマンド" in text and "未コミット" in text


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_both_languages_have_every_word(lang):
    assert all(word[lang] for word in HEADER_WORDS.values())
    assert "<code>study run params/staffing.yaml</code>" in header_html(**ARGS, lang=lang)
