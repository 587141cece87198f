"""Question 6 (notebook ``40_robustness``): the specification curve of the staffing elasticity β with
its permutation null curve.

:func:`analyse_robustness` takes the notebook's parameters (:class:`study.parameters.RobustnessParams`)
and returns :class:`RobustnessResults`; every number comes from :mod:`study.models.speccurve`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from study.analysis.plotting import text
from study.analysis.tables import Tables, choice_summary_table
from study.models.results import HeadlineResult, headline_result
from study.models.speccurve import COVARIATE_SETS, SpecCurve
from study.parameters import Lang, RobustnessParams

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Choice columns of the specification grid, in the order of the indicator panel.
SPEC_CHOICES = ("family", "staffing", "welfare", "exclusion", "covariates")


@dataclass(frozen=True)
class RobustnessResults:
    """The specification curve of the robustness notebook.

    Attributes
    ----------
    curve : study.models.SpecCurve
        Specifications, null curve and summary (:func:`study.models.specification_curve`).
    """

    curve: SpecCurve

    @property
    def specs(self) -> pd.DataFrame:
        """One row per specification, ranked by β (unitless), with its interval and ``n`` (plans)."""
        return self.curve.specs

    @property
    def null_curve(self) -> pd.DataFrame:
        """Per rank, the quantiles of the ranked β under the permutation null."""
        return self.curve.null_curve

    @property
    def summary(self) -> pd.DataFrame:
        """One row: specifications, median β, shares, permutation p-values."""
        return self.curve.summary


def analyse_robustness(tables: Tables, params: RobustnessParams) -> RobustnessResults:
    """The specification curve of β (log population) over the parameters' choices.

    Parameters
    ----------
    tables : Tables
        The cleaned tables (:func:`study.analysis.tables.load_tables`).
    params : study.parameters.RobustnessParams
        The notebook's parameters (the choices crossed, permutations, seed, confidence).

    Returns
    -------
    RobustnessResults
        The curve with its permutation null curve (:func:`study.models.specification_curve`).
    """
    from study.models import specification_curve

    curve = specification_curve(
        tables.entities,
        tables.corrections,
        focal="log_pop",
        y="staff",
        null=0.0,
        staffing=tuple(params.staffing_measures),
        welfare=tuple(params.welfare_readings),
        exclusions=tuple(params.exclusions),
        covariate_sets={k: COVARIATE_SETS[k] for k in params.covariate_sets},
        families=tuple(params.families),
        level=params.confidence,
        n_perm=params.permutations,
        seed=params.seed,
    )
    return RobustnessResults(curve)


def choice_summary(results: RobustnessResults) -> pd.DataFrame:
    """Per choice and option: the specifications and their estimates.

    Parameters
    ----------
    results : RobustnessResults
        :func:`analyse_robustness`.

    Returns
    -------
    pandas.DataFrame
        ``choice, option, n_specs``, median / min / max β (unitless), share whose interval excludes
        zero (0 to 1), ``n_min`` and ``n_max`` (plans).
    """
    return choice_summary_table(results.specs, SPEC_CHOICES, {"share_excluding_zero": "significant"}, n_range=True)


def robustness_headline(results: RobustnessResults) -> list[HeadlineResult]:
    """The robustness notebook's headline numbers.

    Parameters
    ----------
    results : RobustnessResults
        :func:`analyse_robustness`.

    Returns
    -------
    list of HeadlineResult
        Median β (elasticity) with its range, specifications fitted, shares (0 to 1) with the
        median's sign and excluding zero, and (with a null curve) the permutation p-values.
    """
    result = headline_result
    row = results.summary.iloc[0]
    n = int(row["n"])
    out = [
        result(
            "spec_median_beta",
            row["estimate"],
            n=n,
            interval=(row["ci_low"], row["ci_high"]),
            unit="elasticity",
            label=f"median β over {int(row['n_specs'])} specifications (interval: smallest to largest estimate; "
            f"n {int(row['n_min'])}–{n})",
            method="specification curve",
            reference=0.0,
        ),
        result("spec_n_specs", int(row["n_specs"]), n=n, label="specifications fitted", unit="specifications"),
        result(
            "spec_share_same_sign",
            row["share_same_sign"],
            n=n,
            label="share of specifications with the median's sign",
            unit="share",
        ),
        result(
            "spec_share_excluding_zero",
            row["share_excluding_zero"],
            n=n,
            label="share of specifications whose interval excludes 0",
            unit="share",
        ),
    ]
    if "p_median" in row and np.isfinite(row.get("p_median", np.nan)):
        out.append(
            result(
                "spec_p_median",
                row["p_median"],
                n=n,
                label=f"permutation p of the median β ({int(row['n_perm'])} permutations)",
                unit="p",
                method="null curve",
            )
        )
        out.append(
            result(
                "spec_p_share_significant",
                row["p_share_significant"],
                n=n,
                label="permutation p of the share of significant same-sign specifications",
                unit="p",
                method="null curve",
            )
        )
    return out


def fig_spec_curve(results: RobustnessResults, lang: Lang = "ja") -> Figure:
    """Ranked estimates with their intervals over the permutation null band, and each specification's choices.

    Parameters
    ----------
    results : RobustnessResults
        :func:`analyse_robustness`.
    lang : {"ja", "en"}
        Label language.

    Returns
    -------
    matplotlib.figure.Figure
        Top: β (unitless) by rank; bottom: the choices of each specification.
    """
    import matplotlib.pyplot as plt

    sp, nc = results.specs, results.null_curve
    rows = [(c, o) for c in SPEC_CHOICES for o in sorted(sp[c].astype(str).unique())]
    fig, (a1, a2) = plt.subplots(
        2,
        1,
        sharex=True,
        figsize=(10, 4 + 0.22 * len(rows)),
        layout="constrained",
        gridspec_kw={"height_ratios": [3, max(1.5, 0.12 * len(rows))]},
    )
    x = sp["rank"].to_numpy()
    col = np.where(sp["significant"], "#4c72b0", "#8c8c8c")
    a1.vlines(x, sp["ci_low"], sp["ci_high"], colors=col, lw=0.8, alpha=0.6)
    a1.scatter(x, sp["estimate"], s=8, c=col, zorder=3, label=text("estimate_ci", lang))
    if "null_low" in nc:
        a1.fill_between(
            nc["rank"], nc["null_low"], nc["null_high"], color="#c44e52", alpha=0.18, label=text("null_band", lang)
        )
        a1.plot(nc["rank"], nc["null_median"], color="#c44e52", lw=1)
    a1.axhline(0, color="k", lw=0.8)
    a1.set_ylabel(text("elasticity_short", lang))
    s0 = results.summary.iloc[0]
    a1.set_title(f"{int(s0['n_specs'])} {text('specs', lang)}; n = {int(s0['n_min'])}–{int(s0['n'])}", fontsize=10)
    a1.legend(fontsize=8, loc="upper left")
    for i, (c, o) in enumerate(rows):
        m = sp[c].astype(str) == o
        a2.scatter(x[m], np.full(m.sum(), i), s=4, color="#333333")
    a2.set_yticks(
        range(len(rows)), [f"{text('choice_' + c, lang)}: {text('opt_' + o, lang)}" for c, o in rows], fontsize=7
    )
    a2.invert_yaxis()
    a2.set_xlabel(text("rank", lang))
    return fig
