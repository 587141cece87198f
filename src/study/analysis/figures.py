"""Figure helpers shared by the questions: a new figure, and the forest plot (estimates with intervals).

Labels come from :func:`study.analysis.plotting.text` (one table, with units, in Japanese or English).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from study.analysis.plotting import wrap
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
