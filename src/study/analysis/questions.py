"""Glue between the statistics library (:mod:`study.models`) and the analysis notebooks.

The notebooks ``10_staffing``, ``20_targets``… only call the functions here:
loading the analysis frame with the parameters' exclusions, the tables each
question reports (always with ``n``), the figures (labels with units, in
Japanese or English), and the headline numbers that go to ``results.json``.
Every number is computed by :mod:`study.models`; this module arranges it.

:func:`headline` recomputes a notebook's headline numbers from its parameters
without running the notebook (same functions, same arguments); the golden test
(``tests/test_golden.py``) compares it with ``tests/golden/results.json``.
Update that snapshot deliberately with ``python -m study.analysis.questions --update-golden``.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

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
from study.models.frame import AnalysisFrame, analysis_frame
from study.analysis.plotting import text as plotting_text

Lang = str

#: Labels (with units) of every figure live in one table, :data:`study.analysis.plotting.TEXTS`; this is the same lookup.
text = plotting_text


# ---------------------------------------------------------------------------
# data and glossary


@dataclass(frozen=True)
class Tables:
    """The cleaned tables the analysis notebooks read."""

    entities: pd.DataFrame
    corrections: pd.DataFrame
    targets: pd.DataFrame
    source: str


def load_tables(data_dir: Path | str | None = None) -> Tables:
    """The cleaned entities, corrections and targets from ``data_dir`` (default: the runner's data
    folder, else data/processed/)."""
    from study.analysis.audit import _read_csv, load_tables as _load

    t = _load(data_dir)
    return Tables(t.entities, t.corrections, _read_csv(Path(t.source) / "targets.csv"), t.source)


def load_frame(
    tables: Any, *, include_prefectures: bool = False, exclude_hub_plans: bool = False, exclude_zero_staff: bool = False,
    staffing: str = "as_printed", welfare: str = "corrected", require: Sequence[str] = ("staff", "population"),
) -> AnalysisFrame:
    """:func:`study.models.analysis_frame` of the cleaned tables with the notebook's exclusions."""
    return analysis_frame(tables.entities, tables.corrections, include_prefectures=include_prefectures,
                          exclude_hub_plans=exclude_hub_plans, exclude_zero_staff=exclude_zero_staff,
                          staffing=staffing, welfare=welfare, require=tuple(require))


def glossary(columns: Sequence[str]) -> pd.DataFrame:
    """Japanese term, English name and unit of ``columns`` from the codebook (:func:`study.clean.schema.codebook`)."""
    from study.analysis.audit import entity_codebook

    cb = entity_codebook().set_index("column")
    rows = []
    for c in columns:
        if c not in cb.index:
            raise KeyError(f"{c!r} is not an entity column of the codebook")
        r = cb.loc[c]
        rows.append({"term_ja": r["label_ja_short"], "english": r["label_en"], "column": c, "unit": r["unit"] or ""})
    return pd.DataFrame(rows, columns=["term_ja", "english", "column", "unit"])


def exclusions_table(af: AnalysisFrame) -> pd.DataFrame:
    """Rows left out of the analysis frame, counted by reason, with the n kept."""
    ex = af.excluded.groupby("reason").size().rename("n_excluded").reset_index()
    ex["names"] = [", ".join(af.excluded.loc[af.excluded["reason"] == r, "name"].astype(str)) for r in ex["reason"]]
    ex["n_analysed"] = af.n
    return ex.sort_values("reason").reset_index(drop=True)


def rounded(df: pd.DataFrame, digits: int = 6) -> pd.DataFrame:
    """Floats rounded to ``digits`` significant digits (stable CSV bytes)."""
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_float_dtype(out[c]):
            out[c] = [float(f"{v:.{digits}g}") if np.isfinite(v) else v for v in out[c].to_numpy()]
    return out


# ---------------------------------------------------------------------------
# 10_staffing: Q1 scale, Q2 aging & welfare, Q3 institutions

#: Focal covariates of question 2 and the step of their rate ratios.
Q2_FOCI = ("aging_rate_pct", "welfare_rate_permille")
Q2_PER = {"aging_rate_pct": 10.0, "welfare_rate_permille": 10.0}
#: Institution indicators of question 3.
Q3_COLUMNS = ("hokatsu_per_10k_older", "hokatsu_outsourced_share", "hokatsu_total", "konkyu_total", "konkyu_per_100k")


def staffing_covariates(covariates: Sequence[str], flag_hub_plans: bool) -> list[str]:
    """Covariates added to log population (``hub_plan`` appended when hub plans are flagged)."""
    cov = [c for c in covariates if c != "log_pop"]
    if flag_hub_plans and "hub_plan" not in cov:
        cov.append("hub_plan")
    return cov


def q1_scale(frame: pd.DataFrame, covariates: Sequence[str] = (), n_boot: int = 2000, seed: int = 0,
             level: float = 0.95) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Q1: the elasticity β of planned staff on population, both families, model-based and BCa
    intervals, one-sided p of β < 1 (:func:`study.models.staffing_elasticity`); and the overdispersion tests."""
    el, od = staffing_elasticity(frame, y="staff", term="log_pop", covariates=list(covariates), n_boot=n_boot, seed=seed,
                                 level=level, null=1.0)
    cols = ["name", "estimate", "ci_low", "ci_high", "n", "se", "p_value", "method", "doubling_ratio", "alpha", "dispersion",
            "n_boot", "covariates"]
    el = el[[c for c in cols if c in el.columns]].rename(columns={"p_value": "p_beta_lt_1"})
    return el, od


def q1_influence(frame: pd.DataFrame, family: str, covariates: Sequence[str] = (), level: float = 0.95
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Influence diagnostics of the ``family`` fit of β (Cook's distance, DFBETA(S), exact
    leave-one-out) and their summary; the table carries ``hub_plan`` and is sorted by Cook's distance."""
    fit = fit_count(frame, family, "staff", ["log_pop", *covariates], level=level)
    names = frame.assign(entity_id=frame["entity_id"].astype(str)).set_index("entity_id")
    table = influence(fit, "log_pop", names=names["name"])
    table["hub_plan"] = table["entity_id"].map(names["hub_plan"]).astype(bool)
    summary = influence_summary(fit, table, "log_pop")
    table = table.sort_values(["cooks_d", "entity_id"], ascending=[False, True]).reset_index(drop=True)
    return table, summary


def q1_hubs(frame: pd.DataFrame, family: str, covariates: Sequence[str] = ()) -> pd.DataFrame:
    """β with hub plans kept as they are, flagged by a covariate, or excluded (:func:`study.models.hub_sensitivity`)."""
    cov = ["log_pop", *[c for c in covariates if c != "hub_plan"]]
    return hub_sensitivity(frame, "staff", cov, "log_pop", family)


def q2_need(frame: pd.DataFrame, covariates: Sequence[str] = (), family: str = "poisson_ql", n_boot: int = 2000,
            n_perm: int = 4999, seed: int = 0, level: float = 0.95) -> pd.DataFrame:
    """Q2: aging and public-assistance rates given log population (and ``covariates``): coefficient with
    BCa interval, permutation p, rate ratio per 10 points (:func:`study.models.conditional_association`)."""
    adjust = ["log_pop", *[c for c in covariates if c not in Q2_FOCI]]
    out = conditional_association(frame, foci=Q2_FOCI, adjust=adjust, y="staff", family=family, n_boot=n_boot,
                                  n_perm=n_perm, seed=seed, level=level, per=Q2_PER)
    return out[["name", "estimate", "ci_low", "ci_high", "n", "p_perm", "p_wald", "rate_ratio", "rr_low", "rr_high", "per",
                "family", "n_boot", "n_perm", "covariates"]]


def q3_institutions(frame: pd.DataFrame, n_boot: int = 2000, seed: int = 0, level: float = 0.95
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Q3: medians of the institution indicators with percentile bootstrap intervals
    (:func:`study.models.summarise`) and the shares of implementer types of the 多機関協働事業
    with Wilson intervals (:func:`study.models.tabulate`)."""
    med = summarise(frame, Q3_COLUMNS, "median", n_boot, seed, level)
    imp = tabulate(frame, "implementer_type_takikan", level).sort_values(["estimate", "name"], ascending=[False, True])
    return med, imp.reset_index(drop=True)


@dataclass(frozen=True)
class Staffing:
    """Every table of the staffing notebook."""

    frame: AnalysisFrame
    institutions_frame: AnalysisFrame
    covariates: list[str]
    family: str
    scale: pd.DataFrame
    overdispersion: pd.DataFrame
    influence: pd.DataFrame
    influence_summary: pd.DataFrame
    hubs: pd.DataFrame
    need: pd.DataFrame
    medians: pd.DataFrame
    implementers: pd.DataFrame
    level: float = 0.95


def staffing(tables: Any, p: Mapping[str, Any]) -> Staffing:
    """All of the staffing notebook's tables from its parameters ``p`` (a dict of the model's fields)."""
    af = load_frame(tables, include_prefectures=p["include_prefectures"], exclude_hub_plans=p["exclude_hub_plans"],
                    staffing=p["staffing_measure"], welfare=p.get("welfare_reading", "corrected"))
    inst = load_frame(tables, include_prefectures=p["include_prefectures"], exclude_hub_plans=p["exclude_hub_plans"],
                      staffing=p["staffing_measure"], welfare=p.get("welfare_reading", "corrected"), require=("population",))
    cov = staffing_covariates([c for c in p["covariates"] if not (p["exclude_hub_plans"] and c == "hub_plan")], False)
    lvl, seed = p["confidence"], p["seed"]
    scale, od = q1_scale(af.data, cov, p["bootstrap_draws"], seed, lvl)
    inf, inf_sum = q1_influence(af.data, p["family"], cov, lvl)
    hubs = q1_hubs(af.data, p["family"], cov) if not p["exclude_hub_plans"] else pd.DataFrame()
    need = q2_need(af.data, cov, p["family"], p["bootstrap_draws"], p["permutations"], seed, lvl)
    med, imp = q3_institutions(inst.data, p["bootstrap_draws"], seed, lvl)
    return Staffing(af, inst, cov, p["family"], scale, od, inf, inf_sum, hubs, need, med, imp, lvl)


def staffing_results(s: Staffing) -> list[dict[str, Any]]:
    """The staffing notebook's headline numbers (for ``context.record_results``)."""
    from study.runner.context import result

    out = []
    for _, r in s.scale.iterrows():
        fam, how = r["name"].split(":")
        out.append(result(f"beta_{fam}_{how}", r["estimate"], n=r["n"], interval=(r["ci_low"], r["ci_high"]),
                          label=f"elasticity of planned staff on population ({fam}, {how} interval)", unit="elasticity",
                          method=r["method"], reference=1.0))
    head = s.scale[s.scale["name"] == f"{s.family}:bca"].iloc[0]
    out.append(result("p_beta_lt_1", head["p_beta_lt_1"], n=head["n"], label=f"bootstrap one-sided p of β < 1 ({s.family})",
                      unit="p", method="pairs bootstrap"))
    for _, r in s.overdispersion.iterrows():
        out.append(result(f"overdispersion_{r['name']}", r["estimate"], n=r["n"], interval=(r["ci_low"], r["ci_high"]),
                          label=f"overdispersion: {r['name']} (p = {r['p_value']:.2g})", unit="ratio" if r["name"] == "pearson_dispersion" else "alpha"))
    isum = s.influence_summary.iloc[0]
    out.append(result("beta_leave_one_out_range", isum["estimate"], n=isum["n"], interval=(isum["ci_low"], isum["ci_high"]),
                      label=f"β and the range of its leave-one-out estimates (most influential: {isum['most_influential']})",
                      unit="elasticity", method=s.family))
    out.append(result("n_cooks_over_4_n", int(isum["n_cooks_over_4_n"]), n=isum["n"], label="plans with Cook's distance > 4/n",
                      unit="plans"))
    for _, r in s.hubs.iterrows():
        out.append(result(f"beta_hubs_{r['handling']}", r["estimate"], n=r["n"], interval=(r["ci_low"], r["ci_high"]),
                          label=f"β with hub plans {r['handling']} ({s.family}, model-based interval)", unit="elasticity"))
    for _, r in s.need.iterrows():
        out.append(result(f"rate_ratio_{r['name']}_per10", r["rate_ratio"], n=r["n"], interval=(r["rr_low"], r["rr_high"]),
                          label=f"rate ratio of planned staff per 10 points of {r['name']} given population "
                                f"(BCa; permutation p = {r['p_perm']:.3g})", unit="ratio", method="bca", reference=1.0))
        out.append(result(f"p_perm_{r['name']}", r["p_perm"], n=r["n"], label=f"permutation p of {r['name']} given population",
                          unit="p", method="regressor-residual permutation"))
    for _, r in s.medians.iterrows():
        out.append(result(f"median_{r['name']}", r["estimate"], n=r["n"], interval=(r["ci_low"], r["ci_high"]),
                          label=f"median {r['name']}", method="percentile bootstrap"))
    if len(s.implementers):
        top = s.implementers.iloc[0]
        out.append(result(f"share_implementer_{top['name']}", top["estimate"], n=top["n"], interval=(top["ci_low"], top["ci_high"]),
                          label=f"share of 多機関協働事業 run by {top['name']}", unit="share", method="wilson"))
    return out


# --- figures ---------------------------------------------------------------


def _fig(width: float = 7.5, height: float = 4.8) -> tuple[Any, Any]:
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(width, height), layout="constrained")


def fig_scale(frame: pd.DataFrame, scale: pd.DataFrame, lang: Lang = "ja", level: float = 0.95) -> Any:
    """Planned staff against population (log-log; zero plotted at the bottom), hub plans marked and named,
    with the population-only fits of both families."""
    fig, ax = _fig()
    pop, y = frame["population"].to_numpy(float), frame["staff"].to_numpy(float)
    hub = frame["hub_plan"].to_numpy(float) == 1.0
    ax.scatter(pop[~hub], y[~hub], s=28, color="#4c72b0", alpha=0.8, label=f"{text('other_plans', lang)} (n = {int((~hub).sum())})")
    if hub.any():
        ax.scatter(pop[hub], y[hub], s=60, marker="D", color="#c44e52", label=f"{text('hub', lang)} (n = {int(hub.sum())})")
        for i, (xx, yy, nm) in enumerate(zip(pop[hub], y[hub], frame["name"][hub])):
            ax.annotate(str(nm), (xx, yy), xytext=(6, 4 - 12 * (i % 2)), textcoords="offset points", fontsize=8)
    grid = np.exp(np.linspace(np.log(pop.min()), np.log(pop.max()), 100))
    for fam, colour in (("poisson_ql", "#55a868"), ("negbin", "#8172b3")):
        fit = fit_count(frame, fam, "staff", ["log_pop"], level=level)
        a, b = fit.params.set_index("name").loc[["const", "log_pop"], "estimate"]
        ax.plot(grid, np.exp(a + b * np.log(grid)), color=colour, lw=2, label=f"{text(fam, lang)}: β = {b:.2f}")
    ax.set_xscale("log")
    ax.set_yscale("symlog", linthresh=1)
    ax.set_ylim(bottom=-0.3)
    ax.set_xlabel(text("population", lang))
    ax.set_ylabel(text("staff", lang) + (" (symlog)" if lang == "en" else "(対数目盛)"))
    ax.set_title(f"n = {len(frame)}")
    ax.legend(fontsize=8, loc="upper left")
    return fig


def fig_forest(table: pd.DataFrame, lang: Lang, xlabel: str, reference: float | None = None, ref_label: str = "",
               labels: Sequence[str] | None = None, log: bool = False, est: str = "estimate", lo: str = "ci_low",
               hi: str = "ci_high") -> Any:
    """Estimates with their intervals, one row each (``n`` shown per row), and a reference line."""
    fig, ax = _fig(7.5, 0.5 * len(table) + 1.6)
    ypos = np.arange(len(table))[::-1]
    e, l, h = (table[c].to_numpy(float) for c in (est, lo, hi))
    ax.errorbar(e, ypos, xerr=[e - l, h - e], fmt="o", color="#4c72b0", capsize=4)
    names = list(labels) if labels is not None else list(table["name"].astype(str))
    ax.set_yticks(ypos, [f"{nm} (n = {int(n)})" for nm, n in zip(names, table["n"])])
    if reference is not None:
        ax.axvline(reference, color="#c44e52", ls="--", lw=1, label=ref_label or None)
        if ref_label:
            ax.legend(fontsize=8, loc="best")
    if log:
        from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

        ax.set_xscale("log")
        ax.xaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel(xlabel)
    return fig


def scale_labels(scale: pd.DataFrame, lang: Lang) -> list[str]:
    """Row labels of the Q1 forest plot: family and interval type."""
    return [f"{text(n.split(':')[0], lang)}, {text(n.split(':')[1], lang)}" for n in scale["name"]]


def need_labels(need: pd.DataFrame, lang: Lang) -> list[str]:
    """Row labels of the Q2 forest plot (the rate and the step of its rate ratio)."""
    return [text(f"rr_{n}", lang) for n in need["name"]]


def fig_influence(table: pd.DataFrame, full_estimate: float, lang: Lang = "ja", top: int = 15) -> Any:
    """Cook's distance of the most influential plans (cut-off 4/n) and β with each left out."""
    t = table.head(top).iloc[::-1]
    n = len(table)
    import matplotlib.pyplot as plt

    fig, (a1, a2) = plt.subplots(1, 2, sharey=True, figsize=(9, 0.3 * len(t) + 1.8), layout="constrained")
    colours = ["#c44e52" if h else "#4c72b0" for h in t["hub_plan"]]
    ypos = np.arange(len(t))
    a1.barh(ypos, t["cooks_d"], color=colours)
    a1.axvline(4 / n, color="k", ls="--", lw=1, label=text("cutoff", lang))
    a1.set_yticks(ypos, t["name"].astype(str))
    a1.set_xlabel(text("cooks_d", lang))
    a1.legend(fontsize=8, loc="lower right")
    a2.scatter(t["loo_estimate"], ypos, color=colours)
    a2.axvline(full_estimate, color="k", lw=1, label=text("full", lang))
    a2.set_xlabel(text("loo", lang))
    a2.legend(fontsize=8, loc="lower right")
    fig.suptitle(f"n = {n}; {text('hub', lang)}: {'赤' if lang == 'ja' else 'red'}", fontsize=10)
    return fig


def staffing_text(s: Staffing) -> str:
    """Plain-language summary of the staffing results (numbers from the tables)."""
    h = s.scale.set_index("name")
    fam = s.family
    w, b = h.loc[f"{fam}:wald"], h.loc[f"{fam}:bca"]
    lines = [
        f"Q1. With n = {int(b['n'])} plans, planned coordinators grow with population with elasticity β = {b['estimate']:.2f} "
        f"({text(fam, 'en')}; model-based {s_level(s)} interval {w['ci_low']:.2f} to {w['ci_high']:.2f}, "
        f"BCa bootstrap {b['ci_low']:.2f} to {b['ci_high']:.2f}): doubling the population goes with about "
        f"{100 * (2 ** b['estimate'] - 1):.0f}% more coordinators, against 100% under proportional scaling (β = 1; bootstrap one-sided "
        f"p = {b['p_beta_lt_1']:.2g}).",
    ]
    pd_ = s.overdispersion.set_index("name").loc["pearson_dispersion"]
    verdict = ("the counts are overdispersed, so plain Poisson standard errors would be too small" if pd_["ci_low"] > 1
               else "no clear overdispersion at this n")
    lines.append(f"    Pearson dispersion {pd_['estimate']:.1f} (interval {pd_['ci_low']:.1f} to {pd_['ci_high']:.1f}; 1 under "
                 f"Poisson): {verdict}.")
    if len(s.hubs):
        hb = s.hubs.set_index("handling")
        lines.append(f"    Hub plans matter: β is {hb.loc['as_is', 'estimate']:.2f} with them as printed, "
                     f"{hb.loc['flagged', 'estimate']:.2f} ({hb.loc['flagged', 'ci_low']:.2f} to {hb.loc['flagged', 'ci_high']:.2f}) "
                     f"when flagged and {hb.loc['excluded', 'estimate']:.2f} ({hb.loc['excluded', 'ci_low']:.2f} to "
                     f"{hb.loc['excluded', 'ci_high']:.2f}, n = {int(hb.loc['excluded', 'n'])}) without them.")
    for _, r in s.need.iterrows():
        lines.append(f"Q2. {r['name']}: rate ratio per {r['per']:g} points {r['rate_ratio']:.2f} (BCa {r['rr_low']:.2f} to "
                     f"{r['rr_high']:.2f}), permutation p = {r['p_perm']:.2f}, n = {int(r['n'])}.")
    m = s.medians.set_index("name")
    lines.append(f"Q3. Median 地域包括支援センター per 10,000 older residents: {m.loc['hokatsu_per_10k_older', 'estimate']:.2f} "
                 f"(n = {int(m.loc['hokatsu_per_10k_older', 'n'])}); median outsourced share "
                 f"{m.loc['hokatsu_outsourced_share', 'estimate']:.2f}; median 自立相談支援 sites "
                 f"{m.loc['konkyu_total', 'estimate']:.0f}.")
    if len(s.implementers):
        t = s.implementers.iloc[0]
        lines.append(f"    The 多機関協働事業 is most often run by: {t['name']} ({100 * t['estimate']:.0f}%, "
                     f"{100 * t['ci_low']:.0f}–{100 * t['ci_high']:.0f}%, n = {int(t['n'])}).")
    return "\n".join(lines)


def s_level(s: Staffing) -> str:
    """The confidence level as text (e.g. '95%')."""
    return f"{100 * s.level:.0f}%"


# ---------------------------------------------------------------------------
# 20_targets: Q4 measurable targets

#: The national comparison: in the MOF 2024 survey of the later 多機関協働事業 (重層的支援体制整備事業),
#: about 80% of municipalities set no quantitative target, i.e. about 20% set one.
NATIONAL_SHARE_WITH_TARGET = 0.20
NATIONAL_SOURCE = "MOF 2024 survey: about 80% of municipalities set no quantitative target for the 多機関協働事業"


def target_shares(frame: pd.DataFrame, targets: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Shares of plans that state targets, with Wilson intervals (:func:`study.models.describe.wilson`):
    any quantified target; an outcome target; any target for the 多機関協働事業 (project ``takikan``,
    among plans running it: the national figure's counterpart); an outcome target for it; a
    consultation-count target. ``reference`` is the national share where one exists."""
    from study.models.describe import wilson

    ids = frame["entity_id"].astype(str)
    t = targets.assign(entity_id=targets["entity_id"].astype(str))
    tak = t[t["project"] == "takikan"]
    runs_tak = frame["implements_takikan"].to_numpy(float) == 1.0
    rows = []

    def add(name: str, hit: np.ndarray, base: np.ndarray, ref: float = np.nan) -> None:
        k, n = int((hit & base).sum()), int(base.sum())
        lo, hi = wilson(k, n, level)
        rows.append(dict(name=name, estimate=k / n if n else np.nan, ci_low=lo, ci_high=hi, n=n, count=k, reference=ref))

    allp = np.ones(len(frame), bool)
    add("any_quantified_target", frame["n_quantified_targets"].to_numpy(float) > 0, allp)
    add("outcome_target", frame["has_outcome_target"].to_numpy(float) == 1.0, allp)
    add("takikan_any_target", ids.isin(set(tak["entity_id"])).to_numpy(), runs_tak, NATIONAL_SHARE_WITH_TARGET)
    add("takikan_outcome_target", ids.isin(set(tak.loc[tak["target_group"] == "outcome", "entity_id"])).to_numpy(), runs_tak)
    add("consultation_target", ids.isin(set(t.loc[t["kind"] == "consultations", "entity_id"])).to_numpy(), allp)
    return pd.DataFrame(rows)


def target_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """How many plans state 0, 1, 2… quantified targets (``n`` = plans)."""
    v = frame["n_quantified_targets"].dropna().astype(int)
    c = v.value_counts().sort_index()
    return pd.DataFrame({"n_quantified_targets": c.index, "plans": c.to_numpy(), "n": int(v.size)})


def target_kinds(frame: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Targets by kind and group (outcome / activity) over the plans in ``frame``; ``plans`` = plans stating one."""
    t = targets[targets["entity_id"].astype(str).isin(set(frame["entity_id"].astype(str)))]
    g = t.groupby(["kind", "target_group"]).agg(targets=("entity_id", "size"), plans=("entity_id", "nunique")).reset_index()
    g["n"] = len(frame)
    return g.sort_values(["targets", "kind", "target_group"], ascending=[False, True, True]).reset_index(drop=True)


def q4_count_model(frame: pd.DataFrame, family: str, covariates: Sequence[str], level: float = 0.95) -> pd.DataFrame:
    """Number of quantified targets ~ log population + ``covariates`` (:func:`study.models.fit_count`):
    coefficients with rate ratios (per unit; ``log_pop``: per doubling of the population)."""
    fit = fit_count(frame, family, "n_quantified_targets", ["log_pop", *[c for c in covariates if c != "log_pop"]], level=level)
    t = fit.params[["name", "estimate", "ci_low", "ci_high", "n", "se", "p_value"]].copy()
    t = t[t["name"] != "const"].reset_index(drop=True)
    step = np.where(t["name"] == "log_pop", np.log(2.0), 1.0)
    t["per"] = np.where(t["name"] == "log_pop", "doubling", "unit")
    t["rate_ratio"], t["rr_low"], t["rr_high"] = (np.exp(step * t[c]) for c in ("estimate", "ci_low", "ci_high"))
    t["family"], t["alpha"], t["dispersion"] = family, fit.alpha, fit.dispersion
    return t


def q4_outcome_model(frame: pd.DataFrame, covariates: Sequence[str], level: float = 0.95, cv: str = "repeated",
                     seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``has_outcome_target`` ~ ``covariates`` by Firth logistic regression (profile intervals, odds ratios;
    :func:`study.models.firth_logistic`) and its cross-validated AUC against population only
    (:func:`study.models.cv_auc`)."""
    from study.models import cv_auc, firth_logistic

    cov = list(covariates)
    fit = firth_logistic(frame, "has_outcome_target", cov, level)
    t = fit.params[fit.params["name"] != "const"].reset_index(drop=True)
    t = t[["name", "estimate", "ci_low", "ci_high", "n", "p_value", "odds_ratio", "or_low", "or_high"]].assign(n_events=fit.n_events)
    auc = cv_auc(frame, "has_outcome_target", cov, ("log_pop",), method=cv, seed=seed, level=level)
    return t, auc


def q4_consultations(frame: pd.DataFrame, targets: pd.DataFrame, n_boot: int = 2000, seed: int = 0, level: float = 0.95
                     ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Annual consultation target per 1,000 residents where a plan gives one
    (:func:`study.models.consultation_rate`), and its median with a bootstrap interval (:func:`study.models.summarise`)."""
    from study.models import consultation_rate

    per_plan = consultation_rate(frame, targets, per=1000.0)
    per_plan = per_plan.sort_values(["rate", "entity_id"]).reset_index(drop=True)
    med = summarise(per_plan, ["rate"], "median", n_boot, seed, level) if len(per_plan) >= 3 else pd.DataFrame()
    return per_plan, med


@dataclass(frozen=True)
class Targets:
    """Every table of the targets notebook."""

    frame: AnalysisFrame
    family: str
    shares: pd.DataFrame
    counts: pd.DataFrame
    kinds: pd.DataFrame
    count_model: pd.DataFrame
    outcome_model: pd.DataFrame
    auc: pd.DataFrame
    consultations: pd.DataFrame
    consultation_median: pd.DataFrame
    level: float = 0.95


def targets(tables: Any, p: Mapping[str, Any]) -> Targets:
    """All of the targets notebook's tables from its parameters ``p``."""
    af = load_frame(tables, include_prefectures=p["include_prefectures"], exclude_hub_plans=p["exclude_hub_plans"],
                    require=("population", "n_quantified_targets"))
    lvl, seed = p["confidence"], p["seed"]
    tg = tables.targets
    cm = q4_count_model(af.data, p["family"], p["count_covariates"], lvl)
    om, auc = q4_outcome_model(af.data, ["log_pop", *[c for c in p["outcome_covariates"] if c != "log_pop"]], lvl,
                               p["cv_method"], seed)
    per_plan, med = q4_consultations(af.data, tg, p["bootstrap_draws"], seed, lvl)
    return Targets(af, p["family"], target_shares(af.data, tg, lvl), target_counts(af.data), target_kinds(af.data, tg),
                   cm, om, auc, per_plan, med, lvl)


def targets_results(t: Targets) -> list[dict[str, Any]]:
    """The targets notebook's headline numbers."""
    from study.runner.context import result

    out = []
    for _, r in t.shares.iterrows():
        out.append(result(f"share_{r['name']}", r["estimate"], n=r["n"], interval=(r["ci_low"], r["ci_high"]), unit="share",
                          label=f"share of plans: {r['name']}", method="wilson",
                          reference=None if not np.isfinite(r["reference"]) else r["reference"]))
    out.append(result("median_quantified_targets", float(t.frame.data["n_quantified_targets"].median()), n=t.frame.n,
                      label="median number of quantified targets per plan", unit="targets"))
    lp = t.count_model.set_index("name").loc["log_pop"]
    out.append(result("targets_rate_ratio_per_doubling", lp["rate_ratio"], n=lp["n"], interval=(lp["rr_low"], lp["rr_high"]),
                      label=f"rate ratio of the number of targets per doubling of population ({t.family})", unit="ratio",
                      reference=1.0))
    for _, r in t.outcome_model.iterrows():
        out.append(result(f"outcome_target_or_{r['name']}", r["odds_ratio"], n=r["n"], interval=(r["or_low"], r["or_high"]),
                          label=f"Firth odds ratio of an outcome target per unit of {r['name']}", unit="odds ratio",
                          method="profile penalised likelihood", reference=1.0))
    a = t.auc.set_index("name")
    for nm in ("model", "baseline", "difference"):
        out.append(result(f"outcome_target_auc_{nm}", a.loc[nm, "estimate"], n=a.loc[nm, "n"],
                          interval=(a.loc[nm, "ci_low"], a.loc[nm, "ci_high"]), unit="AUC",
                          label=f"cross-validated AUC ({nm}: {a.loc[nm, 'terms']})", method=f"{a.loc[nm, 'method']} CV, DeLong"))
    if len(t.consultation_median):
        m = t.consultation_median.iloc[0]
        out.append(result("consultations_per_1000_median", m["estimate"], n=m["n"], interval=(m["ci_low"], m["ci_high"]),
                          label="median annual consultation target per 1,000 residents (plans giving one)",
                          unit="per 1,000 residents per year", method="percentile bootstrap"))
    return out


def fig_target_counts(counts: pd.DataFrame, lang: Lang = "ja") -> Any:
    """Bar chart: plans by number of quantified targets."""
    fig, ax = _fig(7, 4)
    ax.bar(counts["n_quantified_targets"], counts["plans"], color="#4c72b0")
    ax.set_xlabel(text("n_targets", lang))
    ax.set_ylabel(text("plans", lang))
    ax.set_title(f"n = {int(counts['n'].iloc[0])}")
    return fig


def fig_target_shares(shares: pd.DataFrame, lang: Lang = "ja") -> Any:
    """Shares of plans with each kind of target (Wilson intervals), with the national ~20% reference."""
    t = shares.assign(estimate=100 * shares["estimate"], ci_low=100 * shares["ci_low"], ci_high=100 * shares["ci_high"])
    fig = fig_forest(t, lang, text("share_plans", lang), 100 * NATIONAL_SHARE_WITH_TARGET, text("national_takikan", lang),
                     [text(n, lang) for n in t["name"]])
    fig.axes[0].set_xlim(0, 100)
    return fig


def fig_consultations(per_plan: pd.DataFrame, lang: Lang = "ja") -> Any:
    """Annual consultation target per 1,000 residents, one dot per plan giving one (log scale)."""
    fig, ax = _fig(7, 0.28 * len(per_plan) + 1.5)
    ypos = np.arange(len(per_plan))
    ax.scatter(per_plan["rate"], ypos, color="#4c72b0")
    ax.set_yticks(ypos, per_plan["name"].astype(str))
    ax.set_xscale("log")
    ax.set_xlabel(text("consult_rate", lang))
    ax.set_title(f"n = {len(per_plan)}")
    return fig


def targets_text(t: Targets) -> str:
    """Plain-language summary of the target results."""
    s = t.shares.set_index("name")
    a = t.auc.set_index("name")
    lp = t.count_model.set_index("name").loc["log_pop"]

    def pct(nm: str) -> str:
        r = s.loc[nm]
        return f"{100 * r['estimate']:.0f}% ({100 * r['ci_low']:.0f}–{100 * r['ci_high']:.0f}%, n = {int(r['n'])})"

    lines = [
        f"Q4. {pct('any_quantified_target')} of the plans state at least one quantified target; the median plan states "
        f"{t.frame.data['n_quantified_targets'].median():.0f}. For the 多機関協働事業 itself, {pct('takikan_any_target')} of the "
        f"plans running it state a number there, against about {100 * NATIONAL_SHARE_WITH_TARGET:.0f}% nationally for the later "
        f"事業 ({NATIONAL_SOURCE}).",
        f"    But a number is not an outcome: {pct('outcome_target')} state an outcome target (activity counts such as "
        f"meetings held are the rest), and {pct('takikan_outcome_target')} an outcome target for the 多機関協働事業.",
        f"    Larger places state more targets? Rate ratio per doubling of population {lp['rate_ratio']:.2f} "
        f"({lp['rr_low']:.2f} to {lp['rr_high']:.2f}).",
        f"    Predicting an outcome target: cross-validated AUC {a.loc['model', 'estimate']:.2f} "
        f"({a.loc['model', 'ci_low']:.2f} to {a.loc['model', 'ci_high']:.2f}) against {a.loc['baseline', 'estimate']:.2f} for "
        f"population alone (difference {a.loc['difference', 'estimate']:+.2f}, {a.loc['difference', 'ci_low']:.2f} to "
        f"{a.loc['difference', 'ci_high']:.2f}); 0.5 is a coin toss.",
    ]
    if len(t.consultation_median):
        m = t.consultation_median.iloc[0]
        lines.append(f"    Where a consultation target is given (n = {int(m['n'])}), the median is {m['estimate']:.1f} consultations "
                     f"a year per 1,000 residents ({m['ci_low']:.1f} to {m['ci_high']:.1f}), ranging from {m['min']:.2f} to "
                     f"{m['max']:.1f}.")
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# 30_typology: Q5 clusters

#: Outcomes compared across clusters: planned staff per 100,000 residents, target-setting.
Q5_OUTCOMES = ("staff_per_100k", "n_quantified_targets", "has_outcome_target")
#: k tried (2…MAX_K) and the stability a k must reach to be chosen (mean ARI).
MAX_K, MIN_STABILITY = 6, 0.6


@dataclass(frozen=True)
class TypologyResult:
    """Every table of the typology notebook."""

    frame: AnalysisFrame
    choice: pd.DataFrame
    k: int
    k_chosen: bool
    typology: Any
    profile: pd.DataFrame
    comparisons: pd.DataFrame
    tests: pd.DataFrame
    level: float = 0.95


def typology(tables: Any, p: Mapping[str, Any]) -> TypologyResult:
    """k by silhouette and stability (:func:`study.models.choose_k` / :func:`~study.models.best_k`), the clusters
    and PCA map (:func:`study.models.fit_typology`), and the outcomes compared across clusters with permutation
    tests (:func:`study.models.compare_clusters`)."""
    from study.models import best_k, choose_k, compare_clusters, fit_typology, structure_matrix

    af = load_frame(tables, include_prefectures=p["include_prefectures"], exclude_hub_plans=p["exclude_hub_plans"],
                    require=("population",))
    feats = tuple(p["features"])
    lvl, seed = p.get("confidence", 0.95), p["seed"]
    sm_ = structure_matrix(af.data, feats)
    choice = choose_k(sm_.Z, tuple(range(2, p.get("max_k", MAX_K) + 1)), p["stability_draws"], seed, p["method"], lvl)
    k = p["k"] if p["k"] is not None else best_k(choice, p.get("min_stability", MIN_STABILITY))
    ty = fit_typology(af.data, k, feats, p["method"], seed)
    prof = ty.profile.copy()
    prof.insert(1, "share", prof["n"] / prof["n"].sum())
    comps, tests = [], []
    for j, out in enumerate(Q5_OUTCOMES):
        tab, test = compare_clusters(af.data, ty.assignments, out, p["permutations"], p["bootstrap_draws"], seed + j,
                                     "kruskal", lvl)
        comps.append(tab)
        tests.append(test)
    return TypologyResult(af, choice, k, p["k"] is None, ty, prof, pd.concat(comps, ignore_index=True), pd.DataFrame(tests), lvl)


def typology_results(r: TypologyResult) -> list[dict[str, Any]]:
    """The typology notebook's headline numbers."""
    from study.runner.context import result

    ck = r.choice.set_index("k").loc[r.k]
    out = [
        result("k", r.k, n=r.frame.n, label="number of clusters" + (" (chosen by silhouette and stability)" if r.k_chosen else " (set)"),
               unit="clusters"),
        result("silhouette", r.typology.silhouette, n=r.frame.n, label=f"mean silhouette at k = {r.k}", unit="silhouette"),
        result("stability_ari", ck["estimate"], n=r.frame.n, interval=(ck["ci_low"], ck["ci_high"]),
               label=f"bootstrap stability at k = {r.k} (mean adjusted Rand index)", unit="ARI", method="bootstrap"),
        result("pca_explained_2", float(sum(r.typology.explained)), n=r.frame.n, label="variance explained by PC1 and PC2",
               unit="share"),
    ]
    for _, row in r.comparisons.iterrows():
        out.append(result(f"{row['outcome']}_cluster{int(row['cluster'])}", row["estimate"], n=row["n"],
                          interval=(row["ci_low"], row["ci_high"]), label=f"mean {row['outcome']} in cluster {int(row['cluster'])}",
                          method="percentile bootstrap"))
    for _, row in r.tests.iterrows():
        out.append(result(f"p_perm_{row['name'].split(':', 1)[1]}", row["p_value"], n=row["n"],
                          label=f"permutation p of no difference between clusters ({row['name']})", unit="p",
                          method=f"{int(row['n_perm'])} permutations"))
    return out


def fig_choose_k(choice: pd.DataFrame, k: int, lang: Lang = "ja") -> Any:
    """Silhouette and bootstrap stability (mean ARI with its range) by k; the chosen k marked."""
    import matplotlib.pyplot as plt

    fig, (a1, a2) = plt.subplots(1, 2, figsize=(9, 3.8), layout="constrained")
    a1.plot(choice["k"], choice["silhouette"], "o-", color="#4c72b0")
    a2.errorbar(choice["k"], choice["estimate"], yerr=[choice["estimate"] - choice["ci_low"], choice["ci_high"] - choice["estimate"]],
                fmt="o-", color="#55a868", capsize=4)
    for ax, lab in ((a1, "silhouette"), (a2, "stability")):
        ax.axvline(k, color="#c44e52", ls="--", lw=1)
        ax.set_xlabel(text("k", lang))
        ax.set_ylabel(text(lab, lang))
        ax.set_xticks(choice["k"])
    fig.suptitle(f"n = {int(choice['n'].iloc[0])}; k = {k}", fontsize=10)
    return fig


def fig_pca_map(r: TypologyResult, lang: Lang = "ja", label_top: int = 8) -> Any:
    """The plans on the first two principal components, coloured by cluster, with the feature loadings as arrows."""
    fig, ax = _fig(8, 6)
    a = r.typology.assignments
    for c in sorted(a["cluster"].unique()):
        m = a["cluster"] == c
        ax.scatter(a.loc[m, "PC1"], a.loc[m, "PC2"], s=30, label=f"{text('cluster', lang)} {c} (n = {int(m.sum())})")
    big = a.assign(d=a["PC1"] ** 2 + a["PC2"] ** 2).nlargest(label_top, "d")
    for _, row in big.iterrows():
        ax.annotate(str(row["name"]), (row["PC1"], row["PC2"]), xytext=(4, 3), textcoords="offset points", fontsize=7)
    scale = 0.9 * float(np.abs(a[["PC1", "PC2"]]).max().min())
    for feat, (l1, l2) in r.typology.loadings.iterrows():
        ax.annotate("", (scale * l1, scale * l2), (0, 0), arrowprops=dict(arrowstyle="->", color="gray"))
        ax.text(scale * l1 * 1.08, scale * l2 * 1.08, text(feat, lang), fontsize=7, color="dimgray", ha="center")
    ev = r.typology.explained
    for i, setter in enumerate((ax.set_xlabel, ax.set_ylabel)):
        setter(f"PC{i + 1}(分散の{100 * ev[i]:.0f}%, zスコア)" if lang == "ja" else f"PC{i + 1} ({100 * ev[i]:.0f}% of variance; z-scores)")
    ax.set_title(f"n = {len(a)}")
    ax.legend(fontsize=8)
    return fig


def fig_cluster_outcomes(r: TypologyResult, lang: Lang = "ja") -> Any:
    """Each outcome's mean by cluster with its bootstrap interval and the permutation p."""
    import matplotlib.pyplot as plt

    outs = list(dict.fromkeys(r.comparisons["outcome"]))
    fig, axes = plt.subplots(1, len(outs), figsize=(3.4 * len(outs), 3.6), layout="constrained")
    tests = r.tests.set_index("name")
    for ax, out in zip(np.atleast_1d(axes), outs):
        t = r.comparisons[r.comparisons["outcome"] == out]
        x = t["cluster"].to_numpy()
        e = t["estimate"].to_numpy()
        ax.errorbar(x, e, yerr=[e - t["ci_low"].to_numpy(), t["ci_high"].to_numpy() - e], fmt="o", capsize=4, color="#4c72b0")
        ax.set_xticks(x, [f"{c}\n(n = {int(n)})" for c, n in zip(x, t["n"])])
        ax.set_xlabel(text("cluster", lang))
        ax.set_ylabel(text(out, lang))
        ax.set_title(f"p = {tests.loc[f'kruskal:{out}', 'p_value']:.3g}", fontsize=9)
    return fig


def typology_text(r: TypologyResult) -> str:
    """Plain-language summary of the typology."""
    ck = r.choice.set_index("k").loc[r.k]
    prof = r.profile.set_index("cluster")
    sizes = ", ".join(f"cluster {c}: n = {int(prof.loc[c, 'n'])}, mean population {prof.loc[c, 'population']:,.0f}"
                      for c in prof.index)
    lines = [f"Q5. k = {r.k} clusters ({'chosen' if r.k_chosen else 'set'}; silhouette {r.typology.silhouette:.2f}, bootstrap "
             f"stability ARI {ck['estimate']:.2f}, range {ck['ci_low']:.2f}–{ck['ci_high']:.2f}; n = {r.frame.n}). {sizes}.",
             f"    PC1 and PC2 explain {100 * sum(r.typology.explained):.0f}% of the variance of the standardised features."]
    for _, t in r.tests.iterrows():
        c = r.comparisons[r.comparisons["outcome"] == t["name"].split(":", 1)[1]]
        means = "; ".join(f"cluster {int(x['cluster'])} {x['estimate']:.2f} ({x['ci_low']:.2f}–{x['ci_high']:.2f})"
                          for _, x in c.iterrows())
        lines.append(f"    {t['name'].split(':', 1)[1]}: {means}; permutation p = {t['p_value']:.3g} (n = {int(t['n'])}).")
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# 40_robustness: Q6 specification curve

#: Choice columns of the specification grid, in the order of the indicator panel.
SPEC_CHOICES = ("family", "staffing", "welfare", "exclusion", "covariates")


def robustness(tables: Any, p: Mapping[str, Any]) -> Any:
    """The specification curve of β (log population) over the parameters' choices, with its permutation
    null curve (:func:`study.models.specification_curve`)."""
    from study.models import specification_curve
    from study.models.speccurve import COVARIATE_SETS

    return specification_curve(
        tables.entities, tables.corrections, focal="log_pop", y="staff", null=0.0, staffing=tuple(p["staffing_measures"]),
        welfare=tuple(p["welfare_readings"]), exclusions=tuple(p["exclusions"]),
        covariate_sets={k: COVARIATE_SETS[k] for k in p["covariate_sets"]}, families=tuple(p["families"]),
        level=p["confidence"], n_perm=p["permutations"], seed=p["seed"])


def choice_summary(sc: Any) -> pd.DataFrame:
    """Per choice and option: number of specifications, median β and its range, share excluding zero."""
    rows = []
    for col in SPEC_CHOICES:
        for opt, g in sc.specs.groupby(col, sort=True):
            rows.append(dict(choice=col, option=str(opt), n_specs=len(g), median_estimate=float(g["estimate"].median()),
                             min_estimate=float(g["estimate"].min()), max_estimate=float(g["estimate"].max()),
                             share_excluding_zero=float(g["significant"].mean()), n_min=int(g["n"].min()), n_max=int(g["n"].max())))
    return pd.DataFrame(rows)


def robustness_results(sc: Any) -> list[dict[str, Any]]:
    """The robustness notebook's headline numbers."""
    from study.runner.context import result

    r = sc.summary.iloc[0]
    n = int(r["n"])
    out = [
        result("spec_median_beta", r["estimate"], n=n, interval=(r["ci_low"], r["ci_high"]), unit="elasticity",
               label=f"median β over {int(r['n_specs'])} specifications (interval: smallest to largest estimate; n {int(r['n_min'])}–{n})",
               method="specification curve", reference=0.0),
        result("spec_n_specs", int(r["n_specs"]), n=n, label="specifications fitted", unit="specifications"),
        result("spec_share_same_sign", r["share_same_sign"], n=n, label="share of specifications with the median's sign", unit="share"),
        result("spec_share_excluding_zero", r["share_excluding_zero"], n=n, label="share of specifications whose interval excludes 0",
               unit="share"),
    ]
    if "p_median" in r and np.isfinite(r.get("p_median", np.nan)):
        out.append(result("spec_p_median", r["p_median"], n=n, label=f"permutation p of the median β ({int(r['n_perm'])} permutations)",
                          unit="p", method="null curve"))
        out.append(result("spec_p_share_significant", r["p_share_significant"], n=n,
                          label="permutation p of the share of significant same-sign specifications", unit="p", method="null curve"))
    return out


def fig_spec_curve(sc: Any, lang: Lang = "ja") -> Any:
    """Ranked estimates with their intervals over the permutation null band (top) and the choices of each
    specification (bottom)."""
    import matplotlib.pyplot as plt

    sp, nc = sc.specs, sc.null_curve
    rows = [(c, o) for c in SPEC_CHOICES for o in sorted(sp[c].astype(str).unique())]
    fig, (a1, a2) = plt.subplots(2, 1, sharex=True, figsize=(10, 4 + 0.22 * len(rows)), layout="constrained",
                                 gridspec_kw={"height_ratios": [3, max(1.5, 0.12 * len(rows))]})
    x = sp["rank"].to_numpy()
    col = np.where(sp["significant"], "#4c72b0", "#8c8c8c")
    a1.vlines(x, sp["ci_low"], sp["ci_high"], colors=col, lw=0.8, alpha=0.6)
    a1.scatter(x, sp["estimate"], s=8, c=col, zorder=3, label=text("estimate_ci", lang))
    if "null_low" in nc:
        a1.fill_between(nc["rank"], nc["null_low"], nc["null_high"], color="#c44e52", alpha=0.18, label=text("null_band", lang))
        a1.plot(nc["rank"], nc["null_median"], color="#c44e52", lw=1)
    a1.axhline(0, color="k", lw=0.8)
    a1.set_ylabel(text("elasticity_short", lang))
    s0 = sc.summary.iloc[0]
    a1.set_title(f"{int(s0['n_specs'])} {text('specs', lang)}; n = {int(s0['n_min'])}–{int(s0['n'])}", fontsize=10)
    a1.legend(fontsize=8, loc="upper left")
    for i, (c, o) in enumerate(rows):
        m = sp[c].astype(str) == o
        a2.scatter(x[m], np.full(m.sum(), i), s=4, color="#333333")
    a2.set_yticks(range(len(rows)), [f"{c}: {o}" for c, o in rows], fontsize=7)
    a2.invert_yaxis()
    a2.set_xlabel(text("rank", lang))
    return fig


def robustness_text(sc: Any) -> str:
    """Plain-language summary of the specification curve."""
    r = sc.summary.iloc[0]
    line = (f"Q6. Over {int(r['n_specs'])} specifications (n = {int(r['n_min'])}–{int(r['n'])} plans), the median elasticity β is "
            f"{r['estimate']:.2f} (estimates from {r['ci_low']:.2f} to {r['ci_high']:.2f}); {100 * r['share_same_sign']:.0f}% have "
            f"the median's sign and {100 * r['share_excluding_zero']:.0f}% have an interval excluding zero.")
    if "p_median" in r and np.isfinite(r.get("p_median", np.nan)):
        line += (f"\n    Against the permutation null curve (β = 0 imposed in every specification at once, "
                 f"{int(r['n_perm'])} permutations): p = {r['p_median']:.3g} for the median and p = {r['p_share_significant']:.3g} "
                 f"for the share of significant same-sign specifications.")
    cs = choice_summary(sc)
    ex = cs[cs["choice"] == "exclusion"]
    if len(ex) > 1:
        line += "\n    By exclusion: " + "; ".join(f"{o}: median {m:.2f} ({100 * z:.0f}% excluding 0)" for o, m, z in
                                                  zip(ex["option"], ex["median_estimate"], ex["share_excluding_zero"])) + "."
    return line


# ---------------------------------------------------------------------------
# headline numbers without running the notebooks, and the golden snapshot

GOLDEN = Path(__file__).resolve().parents[3] / "tests" / "golden" / "results.json"


def defaults(notebook: str, parameters: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The notebook's parameters: the model's defaults updated with ``parameters`` (validated)."""
    from study.runner.registry import get_model

    return get_model(notebook)(**dict(parameters or {})).model_dump()


def notebook_params(notebook: str, namespace: Mapping[str, Any]) -> dict[str, Any]:
    """The notebook's parameters read from its namespace (the variables of the ``parameters`` cell),
    validated by the notebook's model; a notebook passes ``globals()``."""
    from study.runner.registry import get_model

    fields = get_model(notebook).model_fields
    return defaults(notebook, {k: namespace[k] for k in fields if k in namespace})


def headline(notebook: str, parameters: Mapping[str, Any] | None = None, data_dir: Path | str | None = None
             ) -> list[dict[str, Any]]:
    """The headline numbers the notebook records, computed by the same functions with the same arguments."""
    p = defaults(notebook, parameters)
    tables = load_tables(data_dir)
    if notebook == "10_staffing":
        return staffing_results(staffing(tables, p))
    if notebook == "20_targets":
        return targets_results(targets(tables, p))
    if notebook == "30_typology":
        return typology_results(typology(tables, p))
    if notebook == "40_robustness":
        return robustness_results(robustness(tables, p))
    raise KeyError(f"no headline function for notebook {notebook!r}")


def _compact(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: r[k] for k in ("name", "estimate", "interval", "n")} for r in records]


def params_headlines(params_dir: Path | str | None = None) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Headline numbers of every parameter set whose notebooks have a headline function here."""
    from study.paths import project_root
    from study.runner.params import load_param_set

    folder = Path(params_dir) if params_dir else project_root() / "params"
    out: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for path in sorted(folder.glob("*.yaml")):
        runs = {}
        for run in load_param_set(path).runs:
            if run.notebook in HEADLINE_NOTEBOOKS:
                runs[run.notebook] = _compact(headline(run.notebook, run.params.model_dump()))
        if runs:
            out[path.stem] = runs
    return out


#: Notebooks :func:`headline` can recompute.
HEADLINE_NOTEBOOKS = ("10_staffing", "20_targets", "30_typology", "40_robustness")


def close(a: Any, b: Any, tol: float = 1e-6) -> bool:
    """Numbers equal to ``tol`` (relative or absolute), recursively through lists and dicts; None == None."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k], tol) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close(x, y, tol) for x, y in zip(a, b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return math.isclose(float(a), float(b), rel_tol=tol, abs_tol=tol)
    return a == b


def update_golden(path: Path | str = GOLDEN) -> Path:
    """Recompute every headline and write the golden snapshot (a deliberate act: review the diff)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(params_headlines(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m study.analysis.questions", description=__doc__.split("\n\n")[0])
    parser.add_argument("--update-golden", action="store_true", help="rewrite tests/golden/results.json")
    args = parser.parse_args(argv)
    if args.update_golden:
        print(f"wrote {update_golden()}")
        return 0
    parser.print_help()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
