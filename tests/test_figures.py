"""study.analysis.figures: the specification-curve figure shared by the robustness and multiverse notebooks."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from study.analysis.figures import fig_specification_curve
from study.analysis.plotting import text

#: Four specifications over two choices (family: 2 options, exclusion: 3 options), ranked by estimate.
SPECS = pd.DataFrame(
    {
        "rank": [1, 2, 3, 4],
        "estimate": [-0.1, 0.2, 0.3, 0.6],
        "ci_low": [-0.5, -0.1, 0.05, 0.2],
        "ci_high": [0.3, 0.5, 0.55, 1.1],
        "significant": [False, False, True, True],
        "family": ["negbin", "poisson_ql", "negbin", "poisson_ql"],
        "exclusion": ["none", "hub_plans", "none", "zero_staff"],
    }
)
SUMMARY = pd.Series({"n_specs": 4, "n_min": 44, "n": 49})
NULL = pd.DataFrame({"rank": [1, 2, 3, 4], "null_low": -0.3, "null_median": 0.0, "null_high": 0.3})


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_rows_title_and_colours():
    fig = fig_specification_curve(SPECS, SUMMARY, ("family", "exclusion"), "significant", "en")
    top, bottom = fig.axes
    ticks = [t.get_text() for t in bottom.get_yticklabels()]
    # options sorted within each choice, choices in the given order
    assert ticks == [
        "family: negbin",
        "family: poisson_ql",
        "exclusion: hub_plans",
        "exclusion: none",
        "exclusion: zero_staff",
    ]
    assert top.get_title() == "4 specifications; n = 44–49"
    colours = [to_hex(c) for c in top.collections[1].get_facecolors()]
    assert colours == ["#8c8c8c", "#8c8c8c", "#4c72b0", "#4c72b0"]
    # the dots of "exclusion: none" (row 3) sit at ranks 1 and 3
    dots = bottom.collections[3].get_offsets()
    assert np.asarray(dots).tolist() == [[1.0, 3.0], [3.0, 3.0]]
    # no null band and only the line at 0 without the options
    assert len(top.collections) == 2 and [ln.get_ydata()[0] for ln in top.lines] == [0]


def _figure_texts(choice: str, option: str | None, lang: str) -> str:
    return text(f"choice_{choice}" if option is None else f"opt_{option}", lang)


def test_null_band_reference_and_labels():
    fig = fig_specification_curve(
        SPECS, SUMMARY, ("family",), "significant", "ja", null_curve=NULL, reference=1.0, choice_label=_figure_texts
    )
    top, bottom = fig.axes
    assert len(top.collections) == 3  # intervals, estimates, null band
    # the null median, the dashed reference at 1, then the line at 0
    assert [ln.get_linestyle() for ln in top.lines] == ["-", "--", "-"]
    assert [ln.get_ydata()[0] for ln in top.lines[1:]] == [1.0, 0]
    assert [t.get_text() for t in bottom.get_yticklabels()] == ["モデル: 負の二項", "モデル: ポアソン準尤度"]
    assert top.get_title() == "4 通りの仕様; n = 44–49"
