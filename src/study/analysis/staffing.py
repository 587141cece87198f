"""Questions 1–3 (notebook ``10_staffing``): how planned 推進員 scale with population (Q1), aging and
public assistance given population (Q2), and the institutions the plans build on (Q3).

Every number comes from :mod:`study.models`; this module arranges the tables (always with ``n``), the
figures (labels with units) and the headline numbers. :func:`analyse_staffing` takes the notebook's
parameters (:class:`study.parameters.StaffingParams`) and returns :class:`StaffingResults`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from study.analysis.figures import new_figure
from study.analysis.plotting import text, wrap
from study.analysis.tables import Tables, load_frame
from study.models import (
    conditional_association,
    fit_count,
    hub_sensitivity,
    influence,
    influence_summary,
    staffing_elasticity,
    summarise,
    tabulate,
)
from study.models.frame import AnalysisFrame
from study.models.results import HeadlineResult, headline_result
from study.parameters import Family, Lang, StaffingParams

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Focal covariates of question 2 and the step of their rate ratios (percentage points; ‰).
Q2_FOCI = ("aging_rate_pct", "welfare_rate_permille")
Q2_PER = {"aging_rate_pct": 10.0, "welfare_rate_permille": 10.0}
#: Institution indicators of question 3.
Q3_COLUMNS = ("hokatsu_per_10k_older", "hokatsu_outsourced_share", "hokatsu_total", "konkyu_total", "konkyu_per_100k")


def staffing_covariates(covariates: Sequence[str], flag_hub_plans: bool) -> list[str]:
    """Covariates added to log population.

    Parameters
    ----------
    covariates : sequence of str
        Covariate names (``log_pop`` is dropped: it is always in).
    flag_hub_plans : bool
        Append ``hub_plan`` (if not already there).

    Returns
    -------
    list of str
        The covariates, in the order given.
    """
    cov = [c for c in covariates if c != "log_pop"]
    if flag_hub_plans and "hub_plan" not in cov:
        cov.append("hub_plan")
    return cov


def q1_scale(
    frame: pd.DataFrame, covariates: Sequence[str] = (), n_boot: int = 2000, seed: int = 0, level: float = 0.95
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Q1: the elasticity β of planned staff on population, and the overdispersion tests.

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame's data (``staff`` in persons, ``log_pop`` = log residents).
    covariates : sequence of str
        Covariates added to log population.
    n_boot : int
        Pairs-bootstrap resamples behind the BCa intervals.
    seed : int
        Seed of the bootstrap.
    level : float
        Confidence level of the intervals.

    Returns
    -------
    elasticity : pandas.DataFrame
        One row per family and interval type (``poisson_ql:wald``…): β (unitless: % more staff per 1%
        more residents) with its interval, ``n`` (plans), ``p_beta_lt_1`` (one-sided p of β < 1) and
        ``doubling_ratio`` (2^β) (:func:`study.models.staffing_elasticity`).
    overdispersion : pandas.DataFrame
        Pearson dispersion (ratio), Cameron–Trivedi and likelihood-ratio tests (α).
    """
    el, od = staffing_elasticity(
        frame, y="staff", term="log_pop", covariates=list(covariates), n_boot=n_boot, seed=seed, level=level, null=1.0
    )
    cols = [
        "name",
        "estimate",
        "ci_low",
        "ci_high",
        "n",
        "se",
        "p_value",
        "method",
        "doubling_ratio",
        "alpha",
        "dispersion",
        "n_boot",
        "covariates",
    ]
    el = el[[c for c in cols if c in el.columns]].rename(columns={"p_value": "p_beta_lt_1"})
    return el, od


def q1_influence(
    frame: pd.DataFrame, family: Family, covariates: Sequence[str] = (), level: float = 0.95
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Influence diagnostics of the ``family`` fit of β.

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame's data.
    family : {"poisson_ql", "negbin"}
        Count model.
    covariates : sequence of str
        Covariates added to log population.
    level : float
        Confidence level of the model-based interval.

    Returns
    -------
    table : pandas.DataFrame
        Per plan: Cook's distance, DFBETA(S), exact leave-one-out β and ``hub_plan`` (bool), sorted by
        Cook's distance (largest first).
    summary : pandas.DataFrame
        One row: β, the range of its leave-one-out estimates, the most influential plan and the number
        of plans with Cook's distance > 4/n.
    """
    fit = fit_count(frame, family, "staff", ["log_pop", *covariates], level=level)
    names = frame.assign(entity_id=frame["entity_id"].astype(str)).set_index("entity_id")
    table = influence(fit, "log_pop", names=names["name"])
    table["hub_plan"] = table["entity_id"].map(names["hub_plan"]).astype(bool)
    summary = influence_summary(fit, table, "log_pop")
    table = table.sort_values(["cooks_d", "entity_id"], ascending=[False, True]).reset_index(drop=True)
    return table, summary


def q1_hubs(frame: pd.DataFrame, family: Family, covariates: Sequence[str] = ()) -> pd.DataFrame:
    """β with hub plans kept as they are, flagged by a covariate, or excluded.

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame's data (hub plans included).
    family : {"poisson_ql", "negbin"}
        Count model.
    covariates : sequence of str
        Covariates added to log population (``hub_plan`` is handled here).

    Returns
    -------
    pandas.DataFrame
        One row per ``handling`` (``as_is``, ``flagged``, ``excluded``): β (unitless) with its
        model-based interval and ``n`` (plans) (:func:`study.models.hub_sensitivity`).
    """
    cov = ["log_pop", *[c for c in covariates if c != "hub_plan"]]
    return hub_sensitivity(frame, "staff", cov, "log_pop", family)


def q2_need(
    frame: pd.DataFrame,
    covariates: Sequence[str] = (),
    family: Family = "poisson_ql",
    n_boot: int = 2000,
    n_perm: int = 4999,
    seed: int = 0,
    level: float = 0.95,
) -> pd.DataFrame:
    """Q2: aging and public-assistance rates given log population (and ``covariates``).

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame's data.
    covariates : sequence of str
        Further covariates (the two rates are always in).
    family : {"poisson_ql", "negbin"}
        Count model.
    n_boot : int
        Pairs-bootstrap resamples behind the BCa intervals.
    n_perm : int
        Permutations behind the permutation p-values.
    seed : int
        Seed of the bootstrap and the permutations.
    level : float
        Confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        One row per rate: coefficient (per percentage point / per ‰) with BCa interval, ``n``
        (plans), ``p_perm`` and ``p_wald``, the rate ratio per 10 points (×) with its interval
        (:func:`study.models.conditional_association`).
    """
    adjust = ["log_pop", *[c for c in covariates if c not in Q2_FOCI]]
    out = conditional_association(
        frame,
        foci=Q2_FOCI,
        adjust=adjust,
        y="staff",
        family=family,
        n_boot=n_boot,
        n_perm=n_perm,
        seed=seed,
        level=level,
        per=Q2_PER,
    )
    return out[
        [
            "name",
            "estimate",
            "ci_low",
            "ci_high",
            "n",
            "p_perm",
            "p_wald",
            "rate_ratio",
            "rr_low",
            "rr_high",
            "per",
            "family",
            "n_boot",
            "n_perm",
            "covariates",
        ]
    ]


def q3_institutions(
    frame: pd.DataFrame, n_boot: int = 2000, seed: int = 0, level: float = 0.95
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Q3: the institutions the plans build on.

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame's data (plans with a population).
    n_boot : int
        Bootstrap resamples behind the percentile intervals.
    seed : int
        Seed of the bootstrap.
    level : float
        Confidence level of the intervals.

    Returns
    -------
    medians : pandas.DataFrame
        Medians of :data:`Q3_COLUMNS` (centres per 10,000 residents aged 65+, outsourced share,
        centres, sites, sites per 100,000 residents) with percentile bootstrap intervals
        (:func:`study.models.summarise`).
    implementers : pandas.DataFrame
        Shares (0 to 1) of implementer types of the 多機関協働事業 with Wilson intervals
        (:func:`study.models.tabulate`), largest first.
    """
    med = summarise(frame, Q3_COLUMNS, "median", n_boot, seed, level)
    imp = tabulate(frame, "implementer_type_takikan", level).sort_values(["estimate", "name"], ascending=[False, True])
    return med, imp.reset_index(drop=True)


@dataclass(frozen=True)
class StaffingResults:
    """Every table of the staffing notebook.

    Attributes
    ----------
    frame : study.models.AnalysisFrame
        Plans with a staff figure and a population (Q1, Q2).
    institutions_frame : study.models.AnalysisFrame
        Plans with a population (Q3).
    covariates : list of str
        Covariates added to log population in Q1.
    family : {"poisson_ql", "negbin"}
        Count model of the influence diagnostics, hub handling and Q2.
    scale, overdispersion : pandas.DataFrame
        :func:`q1_scale`.
    influence, influence_summary : pandas.DataFrame
        :func:`q1_influence`.
    hubs : pandas.DataFrame
        :func:`q1_hubs` (empty when hub plans are excluded).
    need : pandas.DataFrame
        :func:`q2_need`.
    medians, implementers : pandas.DataFrame
        :func:`q3_institutions`.
    level : float
        Confidence level of the intervals.
    """

    frame: AnalysisFrame
    institutions_frame: AnalysisFrame
    covariates: list[str]
    family: Family
    scale: pd.DataFrame
    overdispersion: pd.DataFrame
    influence: pd.DataFrame
    influence_summary: pd.DataFrame
    hubs: pd.DataFrame
    need: pd.DataFrame
    medians: pd.DataFrame
    implementers: pd.DataFrame
    level: float = 0.95


def analyse_staffing(tables: Tables, params: StaffingParams) -> StaffingResults:
    """All of the staffing notebook's tables.

    Parameters
    ----------
    tables : Tables
        The cleaned tables (:func:`study.analysis.tables.load_tables`).
    params : study.parameters.StaffingParams
        The notebook's parameters.

    Returns
    -------
    StaffingResults
        Q1–Q3 tables, each with ``n``.
    """
    welfare = "corrected"
    frame = load_frame(
        tables,
        include_prefectures=params.include_prefectures,
        exclude_hub_plans=params.exclude_hub_plans,
        staffing=params.staffing_measure,
        welfare=welfare,
    )
    inst = load_frame(
        tables,
        include_prefectures=params.include_prefectures,
        exclude_hub_plans=params.exclude_hub_plans,
        staffing=params.staffing_measure,
        welfare=welfare,
        require=("population",),
    )
    cov = staffing_covariates(
        [c for c in params.covariates if not (params.exclude_hub_plans and c == "hub_plan")], False
    )
    level, seed = params.confidence, params.seed
    scale, od = q1_scale(frame.data, cov, params.bootstrap_draws, seed, level)
    inf, inf_sum = q1_influence(frame.data, params.family, cov, level)
    hubs = q1_hubs(frame.data, params.family, cov) if not params.exclude_hub_plans else pd.DataFrame()
    need = q2_need(frame.data, cov, params.family, params.bootstrap_draws, params.permutations, seed, level)
    med, imp = q3_institutions(inst.data, params.bootstrap_draws, seed, level)
    return StaffingResults(frame, inst, cov, params.family, scale, od, inf, inf_sum, hubs, need, med, imp, level)


def staffing_headline(results: StaffingResults) -> list[HeadlineResult]:
    """The staffing notebook's headline numbers (for ``context.record_results``).

    Parameters
    ----------
    results : StaffingResults
        :func:`analyse_staffing`.

    Returns
    -------
    list of HeadlineResult
        β per family and interval (elasticity), p of β < 1, overdispersion, influence, hub handling,
        Q2 rate ratios (per 10 points) and permutation p, Q3 medians and the top implementer share.
    """
    result = headline_result
    out = []
    for _, row in results.scale.iterrows():
        fam, how = row["name"].split(":")
        out.append(
            result(
                f"beta_{fam}_{how}",
                row["estimate"],
                n=row["n"],
                interval=(row["ci_low"], row["ci_high"]),
                label=f"elasticity of planned staff on population ({fam}, {how} interval)",
                unit="elasticity",
                method=row["method"],
                reference=1.0,
            )
        )
    head = results.scale[results.scale["name"] == f"{results.family}:bca"].iloc[0]
    out.append(
        result(
            "p_beta_lt_1",
            head["p_beta_lt_1"],
            n=head["n"],
            label=f"bootstrap one-sided p of β < 1 ({results.family})",
            unit="p",
            method="pairs bootstrap",
        )
    )
    for _, row in results.overdispersion.iterrows():
        out.append(
            result(
                f"overdispersion_{row['name']}",
                row["estimate"],
                n=row["n"],
                interval=(row["ci_low"], row["ci_high"]),
                label=f"overdispersion: {row['name']} (p = {row['p_value']:.2g})",
                unit="ratio" if row["name"] == "pearson_dispersion" else "alpha",
            )
        )
    isum = results.influence_summary.iloc[0]
    out.append(
        result(
            "beta_leave_one_out_range",
            isum["estimate"],
            n=isum["n"],
            interval=(isum["ci_low"], isum["ci_high"]),
            label=f"β and the range of its leave-one-out estimates (most influential: {isum['most_influential']})",
            unit="elasticity",
            method=results.family,
        )
    )
    out.append(
        result(
            "n_cooks_over_4_n",
            int(isum["n_cooks_over_4_n"]),
            n=isum["n"],
            label="plans with Cook's distance > 4/n",
            unit="plans",
        )
    )
    for _, row in results.hubs.iterrows():
        out.append(
            result(
                f"beta_hubs_{row['handling']}",
                row["estimate"],
                n=row["n"],
                interval=(row["ci_low"], row["ci_high"]),
                label=f"β with hub plans {row['handling']} ({results.family}, model-based interval)",
                unit="elasticity",
            )
        )
    for _, row in results.need.iterrows():
        out.append(
            result(
                f"rate_ratio_{row['name']}_per10",
                row["rate_ratio"],
                n=row["n"],
                interval=(row["rr_low"], row["rr_high"]),
                label=f"rate ratio of planned staff per 10 points of {row['name']} given population "
                f"(BCa; permutation p = {row['p_perm']:.3g})",
                unit="ratio",
                method="bca",
                reference=1.0,
            )
        )
        out.append(
            result(
                f"p_perm_{row['name']}",
                row["p_perm"],
                n=row["n"],
                label=f"permutation p of {row['name']} given population",
                unit="p",
                method="regressor-residual permutation",
            )
        )
    for _, row in results.medians.iterrows():
        out.append(
            result(
                f"median_{row['name']}",
                row["estimate"],
                n=row["n"],
                interval=(row["ci_low"], row["ci_high"]),
                label=f"median {row['name']}",
                method="percentile bootstrap",
            )
        )
    if len(results.implementers):
        top = results.implementers.iloc[0]
        out.append(
            result(
                f"share_implementer_{top['name']}",
                top["estimate"],
                n=top["n"],
                interval=(top["ci_low"], top["ci_high"]),
                label=f"share of 多機関協働事業 run by {top['name']}",
                unit="share",
                method="wilson",
            )
        )
    return out


# --- figures ---------------------------------------------------------------


def fig_scale(frame: pd.DataFrame, scale: pd.DataFrame, lang: Lang = "ja", level: float = 0.95) -> Figure:
    """Planned staff against population, with the population-only fits of both families.

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame's data (``population`` in residents, ``staff`` in persons, ``hub_plan``).
    scale : pandas.DataFrame
        :func:`q1_scale` (not drawn; the fits are redone on population only).
    lang : {"ja", "en"}
        Label language.
    level : float
        Confidence level of the fits.

    Returns
    -------
    matplotlib.figure.Figure
        Log-log scatter (zero drawn at the bottom), hub plans marked and named.
    """
    fig, ax = new_figure()
    pop, y = frame["population"].to_numpy(float), frame["staff"].to_numpy(float)
    hub = frame["hub_plan"].to_numpy(float) == 1.0
    ax.scatter(
        pop[~hub],
        y[~hub],
        s=28,
        color="#4c72b0",
        alpha=0.8,
        label=f"{text('other_plans', lang)} (n = {int((~hub).sum())})",
    )
    if hub.any():
        ax.scatter(
            pop[hub], y[hub], s=60, marker="D", color="#c44e52", label=f"{text('hub', lang)} (n = {int(hub.sum())})"
        )
        for i, (xx, yy, nm) in enumerate(zip(pop[hub], y[hub], frame["name"][hub], strict=True)):
            ax.annotate(str(nm), (xx, yy), xytext=(6, 4 - 12 * (i % 2)), textcoords="offset points", fontsize=8)
    grid = np.exp(np.linspace(np.log(pop.min()), np.log(pop.max()), 100))
    for fam, colour in (("poisson_ql", "#55a868"), ("negbin", "#8172b3")):
        fit = fit_count(frame, fam, "staff", ["log_pop"], level=level)
        a, b = fit.params.set_index("name").loc[["const", "log_pop"], "estimate"]
        ax.plot(grid, np.exp(a + b * np.log(grid)), color=colour, lw=2, label=f"{text(fam, lang)}: β = {b:.2f}")
    ax.set_xscale("log")
    ax.set_yscale("symlog", linthresh=1)
    top = 10 ** np.ceil(np.log10(max(float(np.nanmax(y)), 1.0)) + 0.3)  # room above the largest plan and its name
    ax.set_ylim(-0.3, top)
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    ax.yaxis.set_major_locator(FixedLocator([0] + [10.0**e for e in range(int(np.log10(top)) + 1)]))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.set_xlabel(text("population", lang))
    ax.set_ylabel(wrap(text("staff", lang) + text("symlog", lang), 44))
    ax.set_title(f"n = {len(frame)}")
    ax.legend(fontsize=8, loc="upper left")
    return fig


def scale_labels(scale: pd.DataFrame, lang: Lang) -> list[str]:
    """Row labels of the Q1 forest plot: family and interval type.

    Parameters
    ----------
    scale : pandas.DataFrame
        :func:`q1_scale` (``name`` = ``family:interval``).
    lang : {"ja", "en"}
        Label language.

    Returns
    -------
    list of str
        One label per row.
    """
    return [f"{text(n.split(':')[0], lang)}, {text(n.split(':')[1], lang)}" for n in scale["name"]]


def need_labels(need: pd.DataFrame, lang: Lang) -> list[str]:
    """Row labels of the Q2 forest plot (the rate and the step of its rate ratio).

    Parameters
    ----------
    need : pandas.DataFrame
        :func:`q2_need`.
    lang : {"ja", "en"}
        Label language.

    Returns
    -------
    list of str
        One label per row.
    """
    return [text(f"rr_{n}", lang) for n in need["name"]]


def fig_influence(table: pd.DataFrame, full_estimate: float, lang: Lang = "ja", top: int = 15) -> Figure:
    """Cook's distance of the most influential plans (cut-off 4/n) and β with each left out.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`q1_influence` table (sorted by Cook's distance).
    full_estimate : float
        β on all plans (unitless).
    lang : {"ja", "en"}
        Label language.
    top : int
        Plans shown.

    Returns
    -------
    matplotlib.figure.Figure
        Two panels sharing the plan axis; hub plans in red.
    """
    import matplotlib.pyplot as plt

    shown = table.head(top).iloc[::-1]
    n = len(table)
    fig, (a1, a2) = plt.subplots(1, 2, sharey=True, figsize=(9, 0.3 * len(shown) + 1.8), layout="constrained")
    colours = ["#c44e52" if h else "#4c72b0" for h in shown["hub_plan"]]
    ypos = np.arange(len(shown))
    a1.barh(ypos, shown["cooks_d"], color=colours)
    a1.axvline(4 / n, color="k", ls="--", lw=1, label=text("cutoff", lang))
    a1.set_yticks(ypos, shown["name"].astype(str))
    a1.set_xlabel(text("cooks_d", lang))
    a1.legend(fontsize=8, loc="lower right")
    a2.scatter(shown["loo_estimate"], ypos, color=colours)
    a2.axvline(full_estimate, color="k", lw=1, label=text("full", lang))
    a2.set_xlabel(text("loo", lang))
    a2.legend(fontsize=8, loc="lower right")
    fig.suptitle(f"n = {n}; {text('hub', lang)}: {'赤' if lang == 'ja' else 'red'}", fontsize=10)
    return fig
