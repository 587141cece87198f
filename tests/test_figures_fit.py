"""Every figure of the default parameter sets fits: no text off the canvas, no data point off its axes.

The figures are built as the notebooks build them (same functions, default parameters, both label
languages) and drawn with their layout engine; then each visible text artist's extent must lie inside
the figure, and each plotted point (scatter offsets, line vertices in data coordinates) inside its axes'
limits. This is what a reader of the PNG sees cut, before ``bbox_inches="tight"`` could hide it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.lines import Line2D
from matplotlib.text import Text

from study.analysis import (
    audit,
    multiverse,
    plotting,
    robustness,
    staffing,
    targets,
    typology,
)
from study.analysis.figures import fig_forest
from study.analysis.tables import load_tables

LANGS = ("ja", "en")


@pytest.fixture(scope="module")
def tables():
    plotting.setup()
    return load_tables()


@pytest.fixture(scope="module")
def analyses(tables, quick_analyses):
    return quick_analyses


def _audit_figures(lang: str) -> dict[str, Callable[[], object]]:
    t = audit.load_tables()
    ent = audit.select_entities(t.entities, False)
    corr, iss = audit.counts_by_field(t.corrections, "rule", lang), audit.counts_by_field(t.issues, "check", lang)
    comp = audit.reference_comparison(ent, 200, 20190401, 0.95, lang)
    return {
        "cleaning_by_field": lambda: audit.fig_cleaning(corr, iss, len(t.entities), lang),
        "missingness": lambda: audit.fig_missingness(audit.missingness(ent, lang), lang),
        "sample_vs_national": lambda: audit.fig_reference(ent, comp, 20190401, lang),
    }


def _question_figures(analyses: dict, lang: str) -> dict[str, Callable[[], object]]:
    s, t = analyses["10_staffing"], analyses["20_targets"]
    y, r = analyses["30_typology"], analyses["40_robustness"]
    return {
        "q1_elasticity": lambda: fig_forest(
            s.scale,
            lang,
            plotting.text("elasticity", lang),
            1.0,
            plotting.text("proportional", lang),
            staffing.scale_labels(s.scale, lang),
        ),
        "q1_staff_vs_population": lambda: staffing.fig_scale(s.frame.data, s.scale, lang, s.level),
        "q1_rootogram": lambda: staffing.fig_rootogram(s.models, lang),
        "q1_influence": lambda: staffing.fig_influence(
            s.influence, float(s.influence_summary["estimate"].iloc[0]), lang
        ),
        "q2_need": lambda: fig_forest(
            s.need,
            lang,
            plotting.text("rate_ratio", lang),
            1.0,
            plotting.text("no_effect", lang),
            staffing.need_labels(s.need, lang),
            log=True,
            est="rate_ratio",
            lo="rr_low",
            hi="rr_high",
        ),
        "target_counts": lambda: targets.fig_target_counts(t.counts, lang),
        "target_shares": lambda: targets.fig_target_shares(t.shares, lang),
        "outcome_target_odds_ratios": lambda: fig_forest(
            t.outcome_model,
            lang,
            plotting.text("odds_ratio", lang),
            1.0,
            "",
            [plotting.text(n, lang) for n in t.outcome_model["name"]],
            log=True,
            est="odds_ratio",
            lo="or_low",
            hi="or_high",
        ),
        "consultations_per_1000": lambda: targets.fig_consultations(t.consultations, lang),
        "choose_k": lambda: typology.fig_choose_k(y.choice, y.k, lang),
        "pca_map": lambda: typology.fig_pca_map(y, lang),
        "cluster_outcomes": lambda: typology.fig_cluster_outcomes(y, lang),
        "specification_curve": lambda: robustness.fig_spec_curve(r, lang),
        "multiverse": lambda: multiverse.fig_multiverse(analyses["50_multiverse"], lang),
    }


def problems(fig) -> list[str]:
    """What does not fit in a drawn figure: texts off the canvas, points off their axes."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    W, H = fig.bbox.width, fig.bbox.height
    out = []
    undrawn = set()  # tick labels of ticks outside the view (matplotlib keeps them but does not draw them)
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                loc = tick.get_loc()
                if loc is None or not (
                    lo - 1e-9 * max(abs(lo), abs(hi), 1) <= loc <= hi + 1e-9 * max(abs(lo), abs(hi), 1)
                ):
                    undrawn.update({id(tick.label1), id(tick.label2)})
    for t in fig.findobj(Text):
        if id(t) in undrawn or not t.get_visible() or not t.get_text().strip():
            continue
        bb = t.get_window_extent(renderer)
        if bb.width == 0 and bb.height == 0:
            continue
        if bb.x0 < -1 or bb.y0 < -1 or bb.x1 > W + 1 or bb.y1 > H + 1:
            out.append(
                f"text {t.get_text()[:40]!r} at {bb.x0:.0f}..{bb.x1:.0f} x {bb.y0:.0f}..{bb.y1:.0f} outside {W:.0f} x "
                f"{H:.0f}"
            )
    for ax in fig.axes:
        (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
        pts = []
        for c in ax.collections:
            if (
                isinstance(c, PathCollection)
                and c.get_transform() is not None
                and c.get_offset_transform() == ax.transData
            ):
                pts.append(np.asarray(c.get_offsets(), float))
        for ln in ax.lines:
            if isinstance(ln, Line2D) and ln.get_transform() == ax.transData and ln.get_visible():
                xy = np.column_stack([np.asarray(ln.get_xdata(), float), np.asarray(ln.get_ydata(), float)])
                pts.append(xy)
        for xy in pts:
            xy = xy[np.isfinite(xy).all(axis=1)] if len(xy) else xy
            tol_x, tol_y = 1e-9 * max(abs(x0), abs(x1), 1), 1e-9 * max(abs(y0), abs(y1), 1)
            bad = (
                (xy[:, 0] < x0 - tol_x) | (xy[:, 0] > x1 + tol_x) | (xy[:, 1] < y0 - tol_y) | (xy[:, 1] > y1 + tol_y)
                if len(xy)
                else []
            )
            if np.any(bad):
                out.append(
                    f"{int(np.sum(bad))} point(s) of axes {ax.get_title()[:30]!r} outside x {x0:g}..{x1:g}, y "
                    f"{y0:g}..{y1:g}"
                )
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_audit_figures_fit(lang, tables):
    for name, make in _audit_figures(lang).items():
        fig = make()
        try:
            assert problems(fig) == [], name
        finally:
            plt.close(fig)


@pytest.mark.parametrize("lang", LANGS)
def test_question_figures_fit(lang, analyses):
    for name, make in _question_figures(analyses, lang).items():
        fig = make()
        try:
            assert problems(fig) == [], name
        finally:
            plt.close(fig)


#: A programme identifier in a figure (``hurdle_poisson``, ``aging_rate_pct``): readers see labels, never names.
IDENTIFIER = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")


def identifiers(fig) -> list[str]:
    """Visible texts of a drawn figure (titles, axis and tick labels, legends) that hold an identifier."""
    fig.canvas.draw()
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and IDENTIFIER.search(t.get_text())]


@pytest.mark.parametrize("lang", LANGS)
def test_figures_show_labels_not_identifiers(lang, analyses):
    makers = {**_audit_figures(lang), **_question_figures(analyses, lang)}
    for name, make in makers.items():
        fig = make()
        try:
            assert identifiers(fig) == [], name
        finally:
            plt.close(fig)


def test_the_identifier_check_sees_a_name():
    fig, ax = plt.subplots()
    ax.set_title("hurdle_poisson")
    ax.set_xlabel("planned coordinators (persons)")
    found = identifiers(fig)
    plt.close(fig)
    assert found == ["hurdle_poisson"]


def test_the_check_sees_a_cut_label():
    """The check is not vacuous: a label longer than its figure is reported."""
    fig, ax = plt.subplots(figsize=(2, 2), layout="constrained")
    ax.set_xlabel("a very long axis label that cannot fit in a figure two inches wide " * 2)
    ax.scatter([0, 5], [0, 1])
    ax.set_xlim(0, 1)
    found = problems(fig)
    plt.close(fig)
    assert any(p.startswith("text 'a very long") for p in found)
    assert any("point(s)" in p for p in found)
