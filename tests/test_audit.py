"""The audit's pure functions: tables, intervals, figures (fonts), headline numbers."""

from __future__ import annotations

import io
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from study.analysis import audit, plotting, prose
from study.analysis.audit import AuditTables
from study.models.describe import wilson


@pytest.fixture(scope="module")
def tables(bundled) -> AuditTables:
    return AuditTables(bundled.entities, bundled.corrections, bundled.issues, bundled.provenance, "bundled")


@pytest.fixture(scope="module")
def munis(tables):
    return audit.select_entities(tables.entities, include_prefectures=False)


def test_load_tables_from_processed_equals_clean(tables):
    from study.runner.processed import ensure_processed

    ensure_processed()  # what the runner does before any notebook reads data/processed
    loaded = audit.load_tables()
    assert len(loaded.entities) == len(tables.entities)
    assert loaded.corrections["rule"].tolist() == tables.corrections["rule"].astype(str).tolist()
    assert loaded.issues["source_line"].dtype == "Int64"


def test_select_entities(tables):
    assert len(audit.select_entities(tables.entities, True)) == len(tables.entities) == 63
    m = audit.select_entities(tables.entities, False)
    assert len(m) == 57 and set(m["level"]) == {"municipality"}


def test_glossary_from_codebook():
    g = audit.glossary()
    assert list(g.columns) == ["term_ja", "english", "column", "unit"]
    assert g["term_ja"].is_unique
    terms = dict(zip(g["term_ja"], g["english"], strict=True))
    assert terms["生活保護受給率"] == "Public-assistance rate"
    assert terms["高齢化率"].startswith("Share of residents aged 65")
    assert "地域包括支援センター" in terms and "相談支援包括化推進員の配置予定人数" in terms
    assert (g["english"].str.len() > 2).all()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_corrections_and_issues_by_field(tables, lang):
    c = audit.counts_by_field(tables.corrections, "rule", lang)
    i = audit.counts_by_field(tables.issues, "check", lang)
    assert c["n"].sum() == len(tables.corrections) and i["n"].sum() == len(tables.issues)
    assert c["n"].is_monotonic_decreasing and i["n"].is_monotonic_decreasing
    top = c.iloc[0]
    assert (top["rule"], top["field"]) == ("percent_to_permille", "welfare_rate_permille")
    assert top["field_label"] == ("生活保護受給率" if lang == "ja" else "Public-assistance rate")
    assert top["rule_label"] == ("保護率: %を‰に換算" if lang == "ja" else "welfare rate: % → ‰")
    # every rule and check of the real file has a reader's label, not its identifier
    assert not (c["rule_label"] == c["rule"]).any() and not (i["check_label"] == i["check"]).any()
    assert i.set_index("check")["check_label"].get("employer_not_stated") == (
        "推進員の所属の記載なし" if lang == "ja" else "employer not stated"
    )
    shown = prose.reader_frame(c, lang)  # readers see the labels, not the ids (the CSV keeps both)
    assert "percent_to_permille" not in shown.to_string() and top["rule_label"] in set(shown.iloc[:, 0])


def test_every_rule_has_labels_in_both_languages():
    from study.clean.rules import RULE_ROWS

    for r in RULE_ROWS:
        assert r.label_ja and r.label_en and r.label_ja != r.label_en, r.id
        assert not any("a" <= ch <= "z" for ch in r.label_ja), r.id
    assert len({r.label_en for r in RULE_ROWS}) == len(RULE_ROWS)  # two rules never look alike in a legend
    assert len({r.label_ja for r in RULE_ROWS}) == len(RULE_ROWS)


def test_share_corrected_and_wilson(tables):
    k, n = audit.share_corrected(tables.corrections, tables.provenance)
    assert 0 < k < n and n == len(tables.provenance[["entity_id", "field"]].drop_duplicates())
    lo, hi = wilson(k, n, 0.95)
    assert 0 <= lo < k / n < hi <= 1
    lo90, hi90 = wilson(k, n, 0.90)
    assert lo < lo90 < hi90 < hi
    assert wilson(0, 10)[0] == 0.0


def test_missingness(munis):
    m = audit.missingness(munis, "en")
    assert not set(m["column"]) & set(audit.ID_COLUMNS)
    assert (m["n"] == 57).all() and m["share_missing_pct"].between(0, 100).all()
    row = m.set_index("column").loc["welfare_rate_permille"]
    assert row["n_missing"] == munis["welfare_rate_permille"].isna().sum() == 1


def test_missingness_figure_draws_the_readers_rows_least_missing_at_the_bottom(munis):
    from study.analysis.audit import short_label
    from study.analysis.codebook import distinct_labels

    n = len(munis)
    counts = {c: int(munis[c].isna().sum()) for c in munis.columns if c not in audit.ID_COLUMNS}
    # bottom-up: smallest share first, ties by column name
    cols = sorted((c for c, k in counts.items() if k), key=lambda c: (round(100 * counts[c] / n, 2), c))
    labels = distinct_labels(cols, "en")
    fig = audit.fig_missingness(audit.missingness(munis, "en"), "en")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == [short_label(labels[c], 44) for c in cols]
    assert [p.get_width() for p in ax.patches] == [round(100 * counts[c] / n, 2) for c in cols]
    assert [t.get_text() for t in ax.texts] == [f"{counts[c]}/{n}" for c in cols]
    readers = audit.missing_for_readers(audit.missingness(munis, "en"), "en")  # most missing first, ties by column
    top_down = sorted(cols, key=lambda c: (-counts[c], c))
    assert list(readers["label"]) == [labels[c] for c in top_down]
    plt.close(fig)


def test_bootstrap_is_seeded_and_covers_estimate():
    x = np.arange(1.0, 60.0)
    a = audit.bootstrap(x, np.median, 500, [1, 0], 0.95)
    assert a == audit.bootstrap(x, np.median, 500, [1, 0], 0.95)
    assert a != audit.bootstrap(x, np.median, 500, [2, 0], 0.95)
    est, lo, hi = a
    assert est == 30.0 and lo <= est <= hi
    w = np.ones_like(x)
    est_w, lo_w, hi_w = audit.bootstrap(x, None, 500, 3, 0.95, weights=w)
    assert est_w == pytest.approx(x.mean()) and lo_w < est_w < hi_w


def test_reference_comparison(munis):
    comp = audit.reference_comparison(munis, 300, 7, 0.95, "en")
    assert list(comp["quantity"]) == ["welfare_rate_permille", "aging_rate_pct"]
    assert list(comp["national"]) == [16.4, 28.4]
    assert list(comp["n"]) == [56, 57]
    assert (comp["median_low"] <= comp["median"]).all() and (comp["median"] <= comp["median_high"]).all()
    assert comp.equals(audit.reference_comparison(munis, 300, 7, 0.95, "en"))


def test_tables_are_byte_stable(munis, tables):
    def csv(df):
        buf = io.StringIO()
        df.to_csv(buf, index=False, lineterminator="\n")
        return buf.getvalue()

    for _ in range(2):
        out = [
            csv(audit.reference_comparison(munis, 200, 1, 0.9, "ja")),
            csv(audit.missingness(munis, "ja")),
            csv(audit.counts_by_field(tables.corrections, "rule", "ja")),
            csv(audit.glossary()),
        ]
        if _ == 0:
            first = out
    assert out == first


def test_headline_results(tables, munis):
    comp = audit.reference_comparison(munis, 200, 1, 0.95, "ja")
    res = audit.headline_results(tables, munis, comp, 0.95)
    names = [r["name"] for r in res]
    assert names == [
        "n_entities",
        "share_values_corrected",
        "n_issues",
        "welfare_median",
        "welfare_pop_weighted",
        "aging_median",
        "aging_pop_weighted",
        "staff_per_municipality_vs_kaken",
    ]
    for r in res:
        assert {"name", "estimate", "interval", "n"} <= set(r)
        assert isinstance(r["n"], int)
    welfare = res[3]
    assert welfare["reference"] == 16.4 and welfare["interval"][0] <= welfare["estimate"] <= welfare["interval"][1]
    txt = prose.findings_markdown("00_data_audit", res, "en")
    assert "median 12.5" in txt and "national 16.4‰" in txt


def _render_all(tables, munis, lang, only_first=False):
    c = audit.counts_by_field(tables.corrections, "rule", lang)
    i = audit.counts_by_field(tables.issues, "check", lang)
    m = audit.missingness(munis, lang)
    comp = audit.reference_comparison(munis, 200, 1, 0.95, lang)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figs = [audit.fig_cleaning(c, i, len(munis), lang)]
        if not only_first:
            figs += [audit.fig_missingness(m, lang), audit.fig_reference(munis, comp, 1, lang)]
        for f in figs:
            f.savefig(io.BytesIO(), format="png", dpi=50)  # drawing the text is what raises the glyph warnings
            plt.close(f)
    return [str(w.message) for w in caught]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_figures_have_every_glyph(tables, munis, lang):
    import seaborn as sns

    sns.set_theme()  # resets fonts: setup() must come after it
    plotting.setup()
    from matplotlib import font_manager

    font = font_manager.findfont(font_manager.FontProperties(family=matplotlib.rcParams["font.family"]))
    assert font.endswith("ipaexg.ttf") and font == plotting.font_path()
    messages = _render_all(tables, munis, lang)
    glyphs = [m for m in messages if "missing from font" in m or "Glyph" in m]
    assert not glyphs, glyphs


def test_glyph_check_can_fail(tables, munis):
    """The same check sees the warnings when the Japanese font is not set (sns.set_theme() after setup)."""
    import seaborn as sns

    plotting.setup()
    sns.set_theme()  # the wrong order: back to DejaVu Sans, which has no kana or kanji
    try:
        messages = _render_all(tables, munis, "ja", only_first=True)
    finally:
        plotting.setup()
    assert any("missing from font" in m for m in messages)


def test_save_figure_png_and_svg(tmp_path):
    plotting.setup()
    fig, ax = plt.subplots()
    ax.set_xlabel(plotting.text("welfare_rate_permille", "ja"))
    paths = plotting.save_figure(fig, tmp_path / "f")
    assert [p.name for p in paths] == ["f.png", "f.svg"]
    svg1 = paths[1].read_bytes()
    plotting.save_figure(fig, tmp_path / "g")
    assert (tmp_path / "g.svg").read_bytes() == svg1  # no dates, stable ids
    assert b"<dc:date>" not in svg1
    plt.close(fig)
    with pytest.raises(ValueError):
        plotting.text("count", "fr")
    assert plotting.text("count", "en") == "count (values)"


def test_reader_headers_are_in_the_chosen_language(munis):
    comp = audit.reference_comparison(munis, 200, 1, 0.95, "ja")
    assert list(prose.reader_frame(comp, "ja").columns) == [
        "項目",
        "単位",
        "n(件)",
        "中央値 [95%]",
        "人口加重平均 [95%]",
        "全国値",
        "全国値の時点",
        "全国値を上回る団体(%)",
        "対象人口(人)",
    ]
    row = prose.reader_frame(comp, "ja").iloc[0]
    assert row["中央値 [95%]"].startswith("12.") and "[" in row["中央値 [95%]"]  # median with its interval, one cell
    for col, text in prose.COLUMN_LABELS.items():
        assert set(text) == {"ja", "en"}, col
        assert "_" not in text["ja"] and "_" not in text["en"], col
