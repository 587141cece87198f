"""Numbers and findings in words (study.analysis.prose): formats, wording that follows the numbers,
and the findings of the real headline numbers in both languages."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from study.analysis import prose


def test_numbers():
    assert prose.num(0.264912) == "0.265" and prose.num(3279) == "3,279" and prose.num(-0.0676947, 2) == "−0.068"
    assert prose.num(6.306070e-28) == "0.000000" or "e" not in prose.num(6.306070e-28)
    assert prose.num(None) == "–" and prose.num(float("nan")) == "–" and prose.num(0.0) == "0"
    assert prose.pvalue(1e-19) == "< 0.001" and prose.pvalue(0.00049975) == "< 0.001"
    assert (
        prose.pvalue(0.043956) == "0.04"
        and prose.pvalue(0.0066) == "0.007"
        and prose.pvalue(0.2228) == "0.22"
        and prose.pvalue(0.03) == "0.03"
    )
    assert prose.p_text(0.0002) == "p < 0.001" and prose.p_text(0.94) == "p = 0.94"
    assert prose.interval(0.264912, 0.093142, 0.519376) == "0.26 [0.09, 0.52]"
    assert prose.interval(1.01858, 0.644565, 1.6808) == "1.02 [0.64, 1.68]"
    assert prose.interval(0.490196, 0.358575, 0.623191, 1, 100.0, "%") == "49% [36%, 62%]"
    assert prose.percent(0.166667) == "17%"


def _rr(lo: float, hi: float, p: float) -> list[dict]:
    return [
        {"name": "rate_ratio_aging_rate_pct_per10", "estimate": (lo + hi) / 2, "interval": [lo, hi], "n": 49},
        {"name": "p_perm_aging_rate_pct", "estimate": p, "interval": None, "n": 49},
    ]


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_an_interval_including_1_is_never_an_effect(lang):
    txt = " ".join(prose.findings("10_staffing", _rr(0.8, 1.3, 0.4), lang)["Q2"])
    assert ("no clear association" in txt) if lang == "en" else ("明確な関連はない" in txt)
    txt = " ".join(prose.findings("10_staffing", _rr(1.2, 1.9, 0.01), lang)["Q2"])
    assert ("an association" in txt and "no clear" not in txt) if lang == "en" else ("関連が認められる" in txt)
    # the interval excludes 1 but the permutation test does not back it: still no clear evidence
    txt = " ".join(prose.findings("10_staffing", _rr(0.21, 0.98, 0.22), lang)["Q2"])
    assert ("no clear evidence" in txt) if lang == "en" else ("明確な根拠はない" in txt)


@pytest.fixture(scope="module")
def headlines(quick_headlines):
    return quick_headlines


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_findings_of_the_real_numbers(headlines, lang):
    keys = set()
    for nb, recs in headlines.items():
        md = prose.findings_markdown(nb, recs, lang)
        keys |= set(prose.findings(nb, recs, lang))
        assert md.startswith("## " + prose.FINDINGS_HEADING[lang])
        assert not re.search(r"\d[eE][-+]?\d", md), md  # no scientific notation
        assert not re.search(r"\b(aging_rate_pct|welfare_rate_permille|shakyo|kruskal|poisson_ql|negbin)\b", md), md
        assert "NaN" not in md and "None" not in md
    assert keys == {"Q1", "Q2", "Q3", "Q4", "Q5", "Q6"}


def test_reader_frame():
    df = pd.DataFrame(
        {
            "name": ["a", "b"],
            "estimate": [0.264912, float("nan")],
            "ci_low": [0.093142, None],
            "ci_high": [0.519376, None],
            "n": [49, 45],
            "p_value": [6.3e-28, 0.2228],
        }
    )
    out = prose.reader_frame(df, "en")
    assert list(out.columns) == ["quantity", "estimate [95% interval]", "n (plans)", "p"]
    assert out.iloc[0].tolist() == ["a", "0.26 [0.09, 0.52]", "49", "< 0.001"]
    assert out.iloc[1, 1].startswith("–") and out.iloc[1, 3] == "0.22"
    html = prose.reader_table(df, "ja").to_html()
    assert "NaN" not in html and "None" not in html and "推定値 [95%区間]" in html


def test_headline_labels_cover_every_record(headlines):
    for recs in headlines.values():
        for r in recs:
            for lang in ("ja", "en"):
                assert prose.headline_label(r["name"], lang) != r["name"], r["name"]


def test_reader_table_with_columns_sharing_a_header():
    df = pd.DataFrame({"name": ["a"], "label": ["A"], "n": [3]})
    out = prose.reader_frame(df, "ja")
    assert out.columns.is_unique and len(out.columns) == 3
    assert "<table" in prose.reader_table(df, "ja").to_html()


def test_identifiers_in_table_cells_get_readers_names():
    import pandas as pd

    assert prose.value_label("poisson_ql:wald", "ja") == "ポアソン準尤度 · モデルに基づく区間"
    assert prose.value_label("log_pop + aging_rate_pct", "ja") == "人口(対数) + 高齢化率(%)"
    assert prose.value_label("k=3", "en") == "k = 3"
    assert prose.value_label("世田谷区", "en") == "世田谷区"  # names are not identifiers: kept as they are
    assert prose.value_label("no_such_thing:wald", "ja") == "no_such_thing:wald"  # one part unknown: unchanged
    frame = prose.reader_frame(pd.DataFrame({"column": ["aging_rate_pct"], "family": ["negbin"]}), "ja")
    assert frame.iloc[0].tolist() == ["aging_rate_pct", "負の二項(αは最尤)"]  # the glossary's column names stay


def test_exclusion_reasons_in_the_chosen_language():
    assert prose.value_label("staff_planned missing", "ja") == "相談支援包括化推進員の配置予定人数の記載なし"
    assert prose.value_label("staff_planned missing", "en") == "no planned comprehensive-consultation coordinators"
    assert prose.value_label("staffing design per_site (exclude_designs)", "en").startswith("one coordinator per site")
    assert prose.value_label("staffing design designated_existing (exclude_designs)", "ja").startswith("既存職員")
