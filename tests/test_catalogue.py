"""The text catalogues (study/texts/*.toml) and their one loader (study.catalogue)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from study import catalogue
from study.analysis import audit, codebook, narrative, plotting, prose, staffing
from study.errors import StudyError
from study.paths import texts_dir
from study.runner import studydoc

CATALOGUES = sorted(p.stem for p in texts_dir().glob("*.toml"))
PACKAGE = Path(__file__).resolve().parents[1] / "src" / "study"


def test_the_catalogues_are_there() -> None:
    assert {"figures", "findings", "tables", "audit", "codebook", "narrative", "studydoc", "report_header"} <= set(
        CATALOGUES
    )


@pytest.mark.parametrize("name", CATALOGUES)
def test_every_entry_has_both_languages(name: str) -> None:
    found = catalogue.tables(name)
    assert found, name
    for table_name, table in found.items():
        assert table, f"{name} [{table_name}] is empty"
        for key, entry in table.items():
            assert list(entry) == ["ja", "en"], (name, table_name, key)
            assert all(isinstance(v, str) and v.strip() for v in entry.values()), (name, table_name, key)


def test_real_labels_read_back() -> None:
    # an axis label with its unit, in the form's term for the coordinators (相談支援包括化推進員)
    assert plotting.text("staff", "ja") == "相談支援包括化推進員の配置予定人数(人)"
    assert plotting.text("population", "en") == "population (residents, log scale)"
    # the same quantity as a table header and as a noun in a sentence: two contexts, two tables
    assert prose.column_label("staff_per_100k", "ja") == "人口10万人あたり推進員"
    assert prose.NOUNS["staff_per_100k"]["ja"] == "人口10万人あたりの推進員"
    assert audit.check_label("see_attachment", "ja") == "「別紙参照」"
    assert staffing.label("sqrt_frequency", "en") == "√ plans"
    assert prose.question_title("Q1", "en") == "Q1 — Scale: do coordinators grow in proportion to population?"
    # narrative: Markdown with its line breaks and {fields}
    text = narrative.markdown("00_data_audit", "sample", "ja", n_all=60, n=50, scope="市区町村のみ")
    assert text == "整備した表の団体数は 60、この監査の対象は 50(市区町村のみ)。"
    assert narrative.markdown("10_staffing", "headline", "en").startswith("## Headline numbers\n\nWritten to ")
    assert studydoc.TEXT["title"]["ja"].startswith("包括的支援体制構築事業(2019年度)の計画")
    assert "data/raw/hokatsu_plans.txt" in studydoc.METHODS["en"]


def test_unknown_keys_keep_their_behaviour() -> None:
    assert plotting.text("no_such_label", "ja") == "no_such_label"
    assert staffing.label("no_such_label", "en") == "no_such_label"
    assert audit.check_label("no_such_check", "ja") == "no_such_check"
    assert prose.value_label("no_such_value", "ja") == "no_such_value"
    assert prose.column_label("no_such_column", "en") is None
    assert prose.headline_label("no_such_record", "ja") == "no_such_record"
    with pytest.raises(ValueError, match="label language"):
        plotting.text("staff", "de")


def test_distinct_labels_name_the_part_from_the_catalogue() -> None:
    labels = codebook.distinct_labels(["implementer_type_takikan", "implementer_outsourced_takikan"], "ja")
    assert labels["implementer_type_takikan"].endswith("(種別)")


@pytest.fixture
def texts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(catalogue, "texts_dir", lambda: tmp_path)
    catalogue.tables.cache_clear()
    yield tmp_path
    catalogue.tables.cache_clear()


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "cannot be read"),
        ('[labels]\nx = { ja = "a", en = "b"\n', "not a valid TOML catalogue"),
        ('[labels]\nx = { ja = "a" }\n', "must have exactly the texts ja, en"),
        ('[labels]\nx = { ja = "a", en = 1 }\n', "must have exactly the texts ja, en"),
        ('x = "a"\n', "must be a table of entries"),
    ],
)
def test_a_bad_catalogue_is_one_line_naming_the_file(texts: Path, content: str | None, problem: str) -> None:
    path = texts / "figures.toml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(StudyError) as err:
        catalogue.table("figures", "labels")
    message = str(err.value)
    assert str(path) in message and problem in message and "\n" not in message


def test_a_missing_table_names_the_file(texts: Path) -> None:
    (texts / "figures.toml").write_text('[labels]\nx = { ja = "a", en = "b" }\n', encoding="utf-8")
    assert catalogue.table("figures", "labels") == {"x": {"ja": "a", "en": "b"}}
    with pytest.raises(StudyError, match=r"figures\.toml: no table \[axes\]"):
        catalogue.table("figures", "axes")


def _bilingual_literals(path: Path) -> list[int]:
    """Lines of dict literals ``{"ja": "日本語…", "en": "…"}`` (texts written in code instead of a catalogue;
    a Japanese ``ja`` value tells a text from a mapping of language codes or file names)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Dict)
            and {k.value for k in node.keys if isinstance(k, ast.Constant)} == {"ja", "en"}
            and all(isinstance(v, ast.Constant) and isinstance(v.value, str) for v in node.values)
            and not next(v.value for k, v in zip(node.keys, node.values, strict=True) if k.value == "ja").isascii()
        ):
            found.append(node.lineno)
    return found


def test_bilingual_texts_live_in_the_catalogues_only() -> None:
    """One kind of place for a label: no module writes a ja/en table as code (the covariate table,
    which builds its labels from its rows, is the one documented exception)."""
    offenders = {
        str(p.relative_to(PACKAGE)): lines for p in sorted(PACKAGE.rglob("*.py")) if (lines := _bilingual_literals(p))
    }
    assert not offenders, offenders


def test_no_ascii_tilde_for_about() -> None:
    """'~20%' draws as an overline in the Japanese fonts the reports use (JIS X 0201): write 'about' or 約."""
    for name in CATALOGUES:
        for table in catalogue.tables(name).values():
            for key, entry in table.items():
                for lang, text in entry.items():
                    assert "~" not in text, (name, key, lang, text)


def test_findings_and_study_document_have_no_code_markup() -> None:
    """The findings also go into the study document's paragraphs, where Markdown is not rendered: a
    backtick would show as a backtick (it did: "`unclear` の計画")."""
    for name in ("findings", "studydoc"):
        for table in catalogue.tables(name).values():
            for key, entry in table.items():
                assert not any("`" in text for text in entry.values()), (name, key)
