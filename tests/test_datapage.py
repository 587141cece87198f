"""The data page shows each correction by its rule's labels, and the study documents take their figures
from a run in their own language."""

from __future__ import annotations

import re

from study.paths import bundled_raw, processed_dir
from study.runner.datapage import data_page_html
from study.runner.studydoc import _figure_run


def test_data_page_names_the_correcting_rule_for_readers():
    page = data_page_html(processed_dir(), bundled_raw())
    # 釧路市 (012068) printed its public-assistance rate in %: the provenance row names the rule by its labels
    row = re.search(r'<tr class="detail" id="p-012068-welfare_rate_permille">(.*?)</tr>', page, re.DOTALL)
    assert row is not None
    assert "4.92 (%)" in row.group(1) and "49.2" in row.group(1)
    assert "<strong>保護率: %を‰に換算</strong> · welfare rate: % → ‰" in row.group(1)
    assert "<code>percent_to_permille</code>" in row.group(1) and "``" not in page


def _run(nb: str, **params):
    return {"manifest": {"parameters": {nb: params}}, "results": []}


def test_study_figures_come_from_the_twin_in_the_documents_language():
    runs = {
        "staffing": _run("10_staffing", label_language="ja", family="poisson_ql"),
        "staffing_negbin_design_en": _run("10_staffing", label_language="en", family="negbin"),
        "staffing_en": _run("10_staffing", label_language="en", family="poisson_ql"),
    }
    assert _figure_run(runs, "10_staffing", "ja") == "staffing"
    assert _figure_run(runs, "10_staffing", "en") == "staffing_en"  # not the English run with other parameters
    del runs["staffing_en"]
    assert _figure_run(runs, "10_staffing", "en") == "staffing"  # no twin: the default run's figures
