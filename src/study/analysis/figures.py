"""Figure helpers shared by the questions: a new figure, the forest plot (estimates with intervals) and the
specification curve (ranked estimates over the choices behind them).

Labels come from :func:`study.analysis.plotting.text` (one table, with units, in Japanese or English).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd

from study.analysis.plotting import text, wrap
from study.parameters import Lang

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def new_figure(width: float = 7.5, height: float = 4.8) -> tuple[Figure, Axes]:
    """A figure with one axes and constrained layout.

    Parameters
    ----------
    width, height : float
        Size in inches.

    Returns
    -------
    (matplotlib.figure.Figure, matplotlib.axes.Axes)
        The figure and its axes.
    """
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(width, height), layout="constrained")


def _row_label(name: str, n: int, width: int = 36) -> str:
    """``name (n = …)`` on one line when it fits, else the name wrapped and ``(n = …)`` on its own line."""
    one = f"{name} (n = {n})"
    if wrap(one, width) == one:
        return one
    return f"{wrap(name, width)}\n(n = {n})"


def fig_forest(
    table: pd.DataFrame,
    lang: Lang,
    xlabel: str,
    reference: float | None = None,
    ref_label: str = "",
    labels: Sequence[str] | None = None,
    log: bool = False,
    est: str = "estimate",
    lo: str = "ci_low",
    hi: str = "ci_high",
) -> Figure:
    """Estimates with their intervals, one row each (``n`` shown per row), and a reference line.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per estimate, with columns ``est``, ``lo``, ``hi``, ``n`` and ``name``.
    lang : {"ja", "en"}
        Label language (of ``n`` and the given labels; the texts themselves are passed in).
    xlabel : str
        Label of the x axis, with the unit of the estimates.
    reference : float, optional
        Where to draw the reference line (in the estimates' unit), e.g. 1 for a ratio.
    ref_label : str
        Legend text of the reference line (no legend when empty).
    labels : sequence of str, optional
        Row labels (default: the ``name`` column).
    log : bool
        Log-scaled x axis (ratios).
    est, lo, hi : str
        Columns of the estimate and of the interval bounds.

    Returns
    -------
    matplotlib.figure.Figure
        The forest plot, first row at the top.
    """
    fig, ax = new_figure(7.5, 0.5 * len(table) + 1.6)
    ypos = np.arange(len(table))[::-1]
    e, low, high = (table[c].to_numpy(float) for c in (est, lo, hi))
    ax.errorbar(e, ypos, xerr=[e - low, high - e], fmt="o", color="#4c72b0", capsize=4)
    names = list(labels) if labels is not None else list(table["name"].astype(str))
    # strict=False: caller-supplied labels are not checked against the table length
    ax.set_yticks(ypos, [_row_label(nm, int(n)) for nm, n in zip(names, table["n"], strict=False)])
    if reference is not None:
        ax.axvline(reference, color="#c44e52", ls="--", lw=1, label=ref_label or None)
        if ref_label:  # above the axes, right: never over an interval
            ax.legend(fontsize=8, loc="lower right", bbox_to_anchor=(1.0, 1.0), frameon=False, borderaxespad=0.2)
    if log:
        from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

        ax.set_xscale("log")
        ax.xaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel(wrap(xlabel, 64))
    return fig


class CurveMarks(NamedTuple):
    """Size of a specification-curve figure and of its marks (:func:`fig_specification_curve`).

    Attributes
    ----------
    width, row_height : float
        Figure width, and height per row of the choices panel, in inches (the top panel adds 4 inches).
    line_width, line_alpha : float
        Width (points) and opacity (0 to 1) of the interval lines.
    point_size, choice_point_size : float
        Marker sizes (points²) of the estimates and of the choices panel's dots.
    """

    width: float
    row_height: float
    line_width: float
    line_alpha: float
    point_size: float
    choice_point_size: float


#: Marks for tens of specifications (the robustness notebook's curve).
FEW_SPECS = CurveMarks(10.0, 0.22, 0.8, 0.6, 8.0, 4.0)
#: Smaller marks for thousands of specifications (the multiverse).
MANY_SPECS = CurveMarks(11.0, 0.2, 0.4, 0.5, 3.0, 1.0)


def fig_specification_curve(
    specs: pd.DataFrame,
    summary: pd.Series,
    choices: Sequence[str],
    highlight: str,
    lang: Lang,
    *,
    null_curve: pd.DataFrame | None = None,
    reference: float | None = None,
    choice_label: Callable[[str, str | None, Lang], str] | None = None,
    marks: CurveMarks = FEW_SPECS,
) -> Figure:
    """Ranked estimates with their intervals (top) and the choices of each specification (bottom).

    Shared by the specification curve (:mod:`study.analysis.robustness`) and the multiverse
    (:mod:`study.analysis.multiverse`).

    Parameters
    ----------
    specs : pandas.DataFrame
        One row per specification: ``rank``, ``estimate``, ``ci_low``, ``ci_high`` (unitless elasticity),
        the 0/1 column ``highlight`` and one column per choice.
    summary : pandas.Series
        The summary row: ``n_specs`` (specifications), ``n_min`` and ``n`` (plans, smallest and largest).
    choices : sequence of str
        The choice columns, in the order of the bottom panel's rows (each option sorted within its choice).
    highlight : str
        Boolean column of ``specs`` whose specifications are drawn in blue (the others grey).
    lang : {"ja", "en"}
        Label language.
    null_curve : pandas.DataFrame, optional
        Per ``rank``, the permutation null band (``null_low``, ``null_median``, ``null_high``), drawn when it
        has ``null_low``.
    reference : float, optional
        A dashed reference line (e.g. 1: proportional scaling), drawn under the line at 0.
    choice_label : callable, optional
        ``choice_label(choice, option, lang)`` gives the reader's label of a choice (``option`` None) or of
        one of its options; without it the bottom rows show the raw ``choice: option``.
    marks : CurveMarks
        Figure size and marks: :data:`FEW_SPECS` (tens of specifications) or :data:`MANY_SPECS` (thousands).

    Returns
    -------
    matplotlib.figure.Figure
        Top: the elasticity (unitless) by rank; bottom: the choices of each specification.
    """
    import matplotlib.pyplot as plt

    rows = [(c, o) for c in choices for o in sorted(specs[c].astype(str).unique())]
    fig, (a1, a2) = plt.subplots(
        2,
        1,
        sharex=True,
        figsize=(marks.width, 4 + marks.row_height * len(rows)),
        layout="constrained",
        gridspec_kw={"height_ratios": [3, max(1.5, 0.12 * len(rows))]},
    )
    x = specs["rank"].to_numpy()
    col = np.where(specs[highlight], "#4c72b0", "#8c8c8c")
    a1.vlines(x, specs["ci_low"], specs["ci_high"], colors=col, lw=marks.line_width, alpha=marks.line_alpha)
    a1.scatter(x, specs["estimate"], s=marks.point_size, c=col, zorder=3, label=text("estimate_ci", lang))
    if null_curve is not None and "null_low" in null_curve:
        nc = null_curve
        a1.fill_between(
            nc["rank"], nc["null_low"], nc["null_high"], color="#c44e52", alpha=0.18, label=text("null_band", lang)
        )
        a1.plot(nc["rank"], nc["null_median"], color="#c44e52", lw=1)
    if reference is not None:
        a1.axhline(reference, color="k", lw=0.8, ls="--")
    a1.axhline(0, color="k", lw=0.8)
    a1.set_ylabel(text("elasticity_short", lang))
    n_specs, n_min, n = (int(summary[k]) for k in ("n_specs", "n_min", "n"))
    a1.set_title(f"{n_specs} {text('specs', lang)}; n = {n_min}–{n}", fontsize=10)
    a1.legend(fontsize=8, loc="upper left")
    for i, (c, o) in enumerate(rows):
        m = (specs[c].astype(str) == o).to_numpy()
        a2.scatter(x[m], np.full(m.sum(), i), s=marks.choice_point_size, color="#333333")
    if choice_label is not None:
        ticks = [f"{choice_label(c, None, lang)}: {choice_label(c, o, lang)}" for c, o in rows]
    else:
        ticks = [f"{c}: {o}" for c, o in rows]
    a2.set_yticks(range(len(rows)), ticks, fontsize=7)
    a2.invert_yaxis()
    a2.set_xlabel(text("rank", lang))
    return fig
