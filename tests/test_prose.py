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
        assert not re.search(r"\b[a-z]+(_[a-z0-9]+)+\b", md), md  # no identifier (e.g. a model key) in the prose
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
    glossary = pd.DataFrame({"english": ["aging rate"], "column": ["aging_rate_pct"], "family": ["negbin"]})
    frame = prose.reader_frame(glossary, "ja")
    # the glossary's column names stay
    assert frame.iloc[0].tolist() == ["aging rate", "aging_rate_pct", "負の二項(αは最尤)"]
    # elsewhere a column named as a value (the column a table counts) is shown by its codebook label
    counted = prose.reader_frame(pd.DataFrame({"count": [25], "column": ["implementer_type_takikan"]}), "ja")
    assert counted.iloc[0].tolist() == ["25", "多機関の協働による包括的支援体制構築事業 ①実施主体"]


def test_exclusion_reasons_in_the_chosen_language():
    assert prose.value_label("staff_planned missing", "ja") == "相談支援包括化推進員の配置予定人数の記載なし"
    en = prose.value_label("staff_planned missing", "en")
    assert en == "planned comprehensive-consultation coordinators not stated"
    assert prose.value_label("staff missing", "ja") == "相談支援包括化推進員の配置予定人数の記載なし"  # no "(人)"
    assert prose.value_label("staff missing", "en") == "planned coordinators not stated"  # not "(persons)"
    assert prose.value_label("staffing design per_site (exclude_designs)", "en").startswith("one coordinator per site")
    assert prose.value_label("staffing design designated_existing (exclude_designs)", "ja").startswith("既存職員")


def test_reader_frame_names_columns_and_values_for_readers():
    """Headers from the covariate table and the codebook (z_<covariate> from its covariate), identifier
    values by their names, booleans as yes/no, machine-only columns left out, in both languages."""
    df = pd.DataFrame(
        {
            "name_ja": ["若い地域"],
            "name_en": ["younger"],
            "terms": ["aging_rate_pct z=-0.62; welfare_rate_permille z=+0.59"],
            "z_aging_rate_pct": [-0.62],
            "design": ["single_team_unclear_in"],
            "exposure": ["catchment"],
            "size": ["log_pop"],
            "p_floor": [0.05],
            "p_at_floor": [True],
            "excludes_zero": [True],
        }
    )
    expected = {
        "ja": {
            "名前": "若い地域",
            "説明変数": "高齢化率(%) z = −0.62; 生活保護受給率(‰) z = +0.59",
            "高齢化率(%)(z)": "−0.620",
            "推進員の配置の型": "単一チームのみ(不明を含む)",
            "人口の範囲": "事業の対象人口",
            "規模の指標": "人口(対数)",
            "ゼロを含まない": "はい",
        },
        "en": {
            "name": "younger",
            "terms": "aging rate, share aged 65+ (%) z = −0.62; public-assistance rate (‰) z = +0.59",
            "aging rate (%) (z)": "−0.620",
            "staffing design": "single-team plans, unclear kept",
            "exposure": "catchment population",
            "size measure": "log population",
            "excludes zero": "yes",
        },
    }
    for lang, row in expected.items():  # the headers in order (p_floor, p_at_floor and name_<other> left out)
        out = prose.reader_frame(df, lang)
        assert list(out.columns) == list(row) and out.iloc[0].tolist() == list(row.values())
    # a difference of two models' terms (the AUC table)
    assert (
        prose.value_label("(log_pop + aging_rate_pct + welfare_rate_permille) - (log_pop)", "ja")
        == "(人口(対数) + 高齢化率(%) + 生活保護受給率(‰)) − (人口(対数))"
    )
    # the statistic and the test's name no longer share a header; p_floor etc. stay in the CSV only
    tests = pd.DataFrame({"statistic": [28.1], "p_value": [0.01], "stat": ["kruskal"]})
    assert list(prose.reader_frame(tests, "en").columns) == ["statistic", "p", "test"]
    assert prose.reader_frame(tests, "ja").iloc[0].tolist() == ["28.1", "0.01", "Kruskal–Wallis 検定"]


def test_a_turned_table_is_labelled_like_the_table():
    """``summary.T`` (a one-row table shown on its side): its rows are named like the columns were."""
    turned = pd.DataFrame({"name": ["speccurve:log_pop"], "n_specs": [288], "p_median": [0.0004]}).T
    out = prose.reader_frame(turned, "ja")
    assert list(out.index) == ["項目", "仕様の数", "中央値の並べ替えp値"] and list(out.columns) == ["値"]
    assert out["値"].tolist() == ["仕様曲線 · 人口(対数)", "288", "< 0.001"]


#: A variable name in a reader's table.
_SNAKE = re.compile(r"\b[a-z]+(_[a-z0-9]+)+\b")
#: Columns whose values are meant for machines (the glossary's column names, entity ids).
_IDENTIFIER_COLUMNS = {"column", "entity_id"}
#: A parameter quoted in an exclusion reason ("(include_prefectures=False)", "(exclude_zero_staff)"): the
#: reader sets it under that name in params/*.yaml.
_SETTING = re.compile(r"\((?:[^()]*=[^()]*|[a-z]+(?:_[a-z]+)+)\)")


def _shown_tables(obj, path=""):
    """The DataFrames of an analysis result (nested results too), but not the entity-level analysis
    frames (``frame``, ``institutions_frame``, ``analysis_table``: published as CSV, not shown)."""
    import dataclasses

    if isinstance(obj, pd.DataFrame):
        yield path, obj
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            if f.name in ("frame", "institutions_frame", "analysis_table", "data"):
                continue
            yield from _shown_tables(getattr(obj, f.name), f"{path}.{f.name}")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_no_variable_names_in_the_reader_tables_of_the_analyses(quick_analyses, lang):
    seen, bad = 0, []
    for nb, res in quick_analyses.items():
        for path, df in _shown_tables(res, nb):
            out = prose.reader_frame(df, lang)
            seen += 1
            keep = {prose._header(c, lang) for c in _IDENTIFIER_COLUMNS}
            shown = set(map(str, out.columns))
            for c in map(str, df.columns):  # a column shown under its name with the underscores replaced
                if "_" in c and c.replace("_", " ") in shown and prose.column_label(c, lang) is None:
                    bad.append(f"{path}: header of {c!r}")
            for h in out.columns:
                if _SNAKE.search(str(h)):
                    bad.append(f"{path}: header {h!r}")
                if h in keep:
                    continue
                for v in set(map(str, out[h])):
                    v = _SETTING.sub("", v)
                    if _SNAKE.search(v) or v in ("True", "False"):
                        bad.append(f"{path} [{h}]: {v!r}")
    assert seen > 20
    assert not bad, "\n".join(bad)


def test_an_estimate_without_interval_is_shown_alone():
    assert prose.interval(209.26, float("nan"), float("nan")) == "209"  # an F statistic: no "[–, –]"
    assert prose.interval(0.26, 0.09, None) == "0.26 [0.09, –]"  # one bound missing stays visible


def test_a_wide_table_of_few_rows_is_shown_turned(quick_analyses):
    """Q2's two rate ratios carry ~20 columns: shown as rows (one column per rate), never off the page."""
    need = quick_analyses["10_staffing"].need
    shown = prose.reader_frame(need, "en")
    assert list(shown.columns) == ["aging rate, share aged 65+ (%)", "public-assistance rate (‰)"]
    assert shown.loc["n (plans)"].tolist() == ["49", "49"]
    assert len(shown) >= prose.WIDE_COLUMNS and shown.loc["model family"].tolist() == ["Poisson QL"] * 2
    html = prose.reader_table(need, "ja").to_html()
    assert "高齢化率" in html and "<th" in html  # row labels shown (not hidden like row numbers)
    narrow = pd.DataFrame({"name": ["a", "b"], "estimate": [0.5, 1.5], "n": [10, 12]})
    assert prose.reader_frame(narrow, "en").shape == (2, 3)  # a narrow table stays as it is
    tall = pd.DataFrame({f"c{i}": range(5) for i in range(prose.WIDE_COLUMNS)})
    assert prose.reader_frame(tall, "en").shape[0] == 5  # five rows: not turned


def test_a_value_with_its_own_label_is_not_split():
    """'clusters beyond population: staff' has a label: it is not read as choice ':' option."""
    assert prose.value_label("clusters beyond population: staff", "ja") == "人口を所与としたクラスターの効果(推進員数)"
    en = prose.value_label("clusters beyond population: staff", "en")
    assert en == "clusters given population (planned coordinators)"
    assert prose.value_label("family:negbin", "en") == "model family · negative binomial (ML α)"  # split


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_choice_and_option_of_the_grids_has_a_label(lang):
    """The per-choice tables name each choice and option as the figures do, for every option a grid can hold."""
    from study.analysis import multiverse, robustness
    from study.parameters import MultiverseParams, RobustnessParams
    from study.models.speccurve import COVARIATE_SETS, specification_grid

    r = RobustnessParams()  # every option of each choice is crossed by default
    grids = [
        pd.DataFrame(multiverse.multiverse_grid(MultiverseParams()))[list(multiverse.CHOICES)],
        specification_grid(
            staffing=r.staffing_measures,
            welfare=r.welfare_readings,
            exclusions=r.exclusions,
            covariate_sets={k: COVARIATE_SETS[k] for k in r.covariate_sets},
            families=r.families,
            designs=r.designs,
            exposures=r.exposures,
        )[list(robustness.SPEC_CHOICES)],
    ]
    for grid in grids:
        rows = grid.melt(var_name="choice", value_name="option").drop_duplicates()
        shown = prose.reader_frame(rows.reset_index(drop=True), lang)
        cells = shown.to_numpy().ravel().tolist()
        assert not [c for c in cells if re.search(r"\b[a-z]+(_[a-z0-9]+)+\b", c)], cells
        assert "–" not in cells
    assert prose.choice_label("ambiguous", "one_each", "en") == "read as per site"
    assert prose.choice_label("hub_coding", None, "ja") == "拠点型とみなす計画"
    assert prose.choice_label("nonexistent", None, "en") is None


def test_method_templates_are_consistent():
    for key, entry in prose.METHODS.items():
        holes = key.count("#")
        for lang, text in entry.items():
            assert sorted(set(re.findall(r"\{(\d+)\}", text))) == [str(i) for i in range(holes)], (key, lang)


def test_every_method_of_the_analyses_is_described_in_japanese(quick_analyses):
    """A Japanese report shows no English method description (numbers kept, in their order)."""
    import dataclasses

    seen = set()
    for res in quick_analyses.values():
        for field in dataclasses.fields(res):
            value = getattr(res, field.name)
            frames = (
                [value] + [getattr(value, f.name) for f in dataclasses.fields(value)]
                if dataclasses.is_dataclass(value)
                else [value]
            )
            for df in frames:
                if isinstance(df, pd.DataFrame) and "method" in df.columns:
                    seen.update(df["method"].dropna().astype(str))
    assert len(seen) >= 10
    untranslated = [
        m
        for m in seen
        if not re.search(r"[ぁ-んァ-ン一-龥]", prose.reader_frame(pd.DataFrame({"method": [m]}), "ja").iloc[0, 0])
    ]
    assert untranslated == []
    assert (
        prose.method_label("permutation (regressor residuals), B = 12932", "ja")
        == "並べ替え(回帰変数の残差)、B = 12932"
    )
    assert prose.method_label("an unknown method, B = 5", "ja") is None


def test_every_findings_template_has_both_languages_with_the_same_fields():
    """A sentence template that lacks a field in one language would drop a number from that language's findings."""
    import string

    assert {"audit", "common"} <= set(prose.SENTENCES)
    for question, table in prose.SENTENCES.items():
        for key, entry in table.items():
            assert set(entry) == {"ja", "en"}, (question, key)
            fields = {
                lang: {name for _, name, _, _ in string.Formatter().parse(entry[lang]) if name is not None}
                for lang in ("ja", "en")
            }
            assert fields["ja"] == fields["en"], (question, key, fields)
            assert all(f.isidentifier() for f in fields["ja"]), (question, key, fields)


def test_a_sentence_template_fills_its_fields():
    # the audit's national comparison, worded from a hand-made template key with made-up numbers
    assert prose._say("audit", "national_above", "en") == "above the national value"
    assert prose._say("common", "end", "ja") == "。"
    text = prose._say("audit", "issues", "ja", issues="12")
    assert "12 件" in text
