"""Question 4 (notebook ``20_targets``): do the plans set measurable targets, which are outcomes, and
what predicts them.

:func:`analyse_targets` takes the notebook's parameters (:class:`study.parameters.TargetsParams`) and
returns :class:`TargetsResults`; every number comes from :mod:`study.models`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from study.analysis.figures import fig_forest, new_figure
from study.analysis.plotting import text
from study.analysis.tables import Tables, load_frame
from study.models import fit_count, summarise
from study.models.frame import AnalysisFrame
from study.models.results import HeadlineResult, headline_result, round_number
from study.models.wald import critical_value
from study.parameters import Family, Lang, TargetsParams

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: The national comparison: in the MOF 2024 survey of the later 多機関協働事業 (重層的支援体制整備事業),
#: about 80% of municipalities set no quantitative target, i.e. about 20% set one.
NATIONAL_SHARE_WITH_TARGET = 0.20
NATIONAL_SOURCE = "MOF 2024 survey: about 80% of municipalities set no quantitative target for the 多機関協働事業"
#: What differs between the national figure and these plans (shown with the comparison).
NATIONAL_DIFFERENCES = (
    "FY2019 model-project plans, not the later 重層的支援体制整備事業 programmes of the survey",
    "the FY2019 plan form had a 事業の成果目標 field that prompted targets",
)
#: The primary test of Q4 (params/README.md): the cross-validated AUC difference, model − population only.
PRIMARY_TEST = "outcome_target_auc_difference"


def commitments(targets: pd.DataFrame) -> pd.DataFrame:
    """The rows of the targets table that are targets: ``role == "target"`` (``is_target`` true).

    The cleaned table also keeps the numbers printed beside a target that are not commitments
    (scope, capacity, increment, current value, breakdown); the analysis counts targets only.

    Parameters
    ----------
    targets : pandas.DataFrame
        The cleaned targets table (``role`` from :mod:`study.clean.fields.target_roles`; a table without
        it is read by ``is_target``, as booleans or the ``True``/``False`` text of ``targets.csv``).

    Returns
    -------
    pandas.DataFrame
        The rows with role ``target``, in their order.
    """
    if "role" in targets.columns:
        keep = targets["role"].astype("string").eq("target").fillna(False).to_numpy(dtype=bool)
    else:
        keep = targets["is_target"].astype("string").str.lower().eq("true").fillna(False).to_numpy(dtype=bool)
    return targets[keep]


def plan_commitments(frame: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """The targets (:func:`commitments`) of the plans in ``frame``, with ``entity_id`` as text.

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame's data (``entity_id``).
    targets : pandas.DataFrame
        The cleaned targets table.

    Returns
    -------
    pandas.DataFrame
        The rows with role ``target`` whose plan is in ``frame``, in their order; ``entity_id`` as str.
    """
    tg = commitments(targets)
    tg = tg.assign(entity_id=tg["entity_id"].astype(str))
    return tg[tg["entity_id"].isin(set(frame["entity_id"].astype(str)))]


def log_pop_first(covariates: Sequence[str]) -> list[str]:
    """The model terms of a target model: log population first, then the other covariates in their order.

    Parameters
    ----------
    covariates : sequence of str
        Covariate names (``log_pop``, log persons, may be among them).

    Returns
    -------
    list of str
        ``log_pop`` and the covariates other than ``log_pop``.
    """
    return ["log_pop", *[c for c in covariates if c != "log_pop"]]


def target_shares(frame: pd.DataFrame, targets: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Shares of plans that state targets, with Wilson intervals.

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame's data (``n_quantified_targets``, ``has_outcome_target``, ``implements_takikan``).
    targets : pandas.DataFrame
        The cleaned targets table (one row per number read; only the target rows of plans in ``frame`` count,
        :func:`plan_commitments`).
    level : float
        Confidence level of the Wilson intervals (:func:`study.models.describe.wilson`).

    Returns
    -------
    pandas.DataFrame
        Rows ``any_quantified_target``, ``outcome_target``, ``takikan_any_target`` (among plans running
        the 多機関協働事業: the national figure's counterpart), ``takikan_outcome_target``,
        ``consultation_target``: share (0 to 1) with its interval, ``n`` (plans), ``count`` (plans
        with the target) and ``reference`` (the national share where one exists, else NaN).
    """
    from study.models.describe import wilson

    ids = frame["entity_id"].astype(str)
    tg = plan_commitments(frame, targets)
    tak = tg[tg["project"] == "takikan"]
    runs_tak = frame["implements_takikan"].to_numpy(float) == 1.0
    rows = []

    def add(name: str, hit: np.ndarray, base: np.ndarray, ref: float = np.nan) -> None:
        k, n = int((hit & base).sum()), int(base.sum())
        lo, hi = wilson(k, n, level)
        rows.append(
            dict(name=name, estimate=k / n if n else np.nan, ci_low=lo, ci_high=hi, n=n, count=k, reference=ref)
        )

    allp = np.ones(len(frame), bool)
    add("any_quantified_target", frame["n_quantified_targets"].to_numpy(float) > 0, allp)
    add("outcome_target", frame["has_outcome_target"].to_numpy(float) == 1.0, allp)
    add("takikan_any_target", ids.isin(set(tak["entity_id"])).to_numpy(), runs_tak, NATIONAL_SHARE_WITH_TARGET)
    add(
        "takikan_outcome_target",
        ids.isin(set(tak.loc[tak["target_group"] == "outcome", "entity_id"])).to_numpy(),
        runs_tak,
    )
    add("consultation_target", ids.isin(set(tg.loc[tg["kind"] == "consultations", "entity_id"])).to_numpy(), allp)
    return pd.DataFrame(rows)


def target_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """How many plans state 0, 1, 2… quantified targets.

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame's data.

    Returns
    -------
    pandas.DataFrame
        ``n_quantified_targets`` (targets), ``plans`` (plans stating that many) and ``n`` (plans).
    """
    v = frame["n_quantified_targets"].dropna().astype(int)
    c = v.value_counts().sort_index()
    return pd.DataFrame({"n_quantified_targets": c.index, "plans": c.to_numpy(), "n": int(v.size)})


def target_kinds(frame: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Targets by kind and group (outcome / activity) over the plans in ``frame``.

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame's data.
    targets : pandas.DataFrame
        The cleaned targets table (only the target rows of plans in ``frame`` count, :func:`plan_commitments`).

    Returns
    -------
    pandas.DataFrame
        ``kind, target_group, targets`` (count), ``plans`` (plans stating one) and ``n`` (plans), most
        frequent first.
    """
    tg = plan_commitments(frame, targets)
    g = (
        tg.groupby(["kind", "target_group"])
        .agg(targets=("entity_id", "size"), plans=("entity_id", "nunique"))
        .reset_index()
    )
    g["n"] = len(frame)
    return g.sort_values(["targets", "kind", "target_group"], ascending=[False, True, True]).reset_index(drop=True)


def q4_count_model(frame: pd.DataFrame, family: Family, covariates: Sequence[str], level: float = 0.95) -> pd.DataFrame:
    """Number of quantified targets ~ log population + ``covariates`` (:func:`study.models.fit_count`).

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame's data.
    family : {"poisson_ql", "negbin"}
        Count model.
    covariates : sequence of str
        Covariates added to log population.
    level : float
        Confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        One row per term (no constant): coefficient with interval, ``n`` (plans), and the rate ratio
        (×) with its interval per unit of the covariate (``log_pop``: per doubling of the population).
    """
    fit = fit_count(frame, family, "n_quantified_targets", log_pop_first(covariates), level=level)
    table = fit.params[["name", "estimate", "ci_low", "ci_high", "n", "se", "p_value"]].copy()
    table = table[table["name"] != "const"].reset_index(drop=True)
    step = np.where(table["name"] == "log_pop", np.log(2.0), 1.0)
    table["per"] = np.where(table["name"] == "log_pop", "doubling", "unit")
    table["rate_ratio"], table["rr_low"], table["rr_high"] = (
        np.exp(step * table[c]) for c in ("estimate", "ci_low", "ci_high")
    )
    table["family"], table["alpha"], table["dispersion"] = family, fit.alpha, fit.dispersion
    return table


def q4_outcome_model(
    frame: pd.DataFrame,
    covariates: Sequence[str],
    level: float = 0.95,
    cv: Literal["repeated", "loo"] = "repeated",
    seed: int = 0,
    *,
    n_repeats: int = 20,
    n_perm: int = 499,
    n_boot: int = 200,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``has_outcome_target`` ~ ``covariates`` by Firth logistic regression, and its cross-validated AUC
    with whole-procedure inference.

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame's data.
    covariates : sequence of str
        Terms of the model (log population included by the caller).
    level : float
        Confidence level of the profile intervals and the AUC intervals.
    cv : {"repeated", "loo"}
        Cross-validation: ``n_repeats`` × stratified 5-fold, or leave-one-out.
    seed : int
        Seed of the CV splits, permutations and bootstrap.
    n_repeats : int
        Repeats of the 5-fold CV (ignored for leave-one-out).
    n_perm : int
        Outcome permutations through the whole CV procedure behind the p-values.
    n_boot : int
        Whole-procedure bootstrap resamples behind the intervals.

    Returns
    -------
    odds : pandas.DataFrame
        One row per term: coefficient with profile interval, ``n`` (plans), odds ratio per unit (×)
        with interval, ``n_events`` (plans with an outcome target) (:func:`study.models.firth_logistic`).
    auc : pandas.DataFrame
        Rows ``model``, ``baseline`` (population only) and ``difference`` (model − baseline, AUC
        points): the expected AUC of the CV procedure (0 to 1) with the whole-procedure bootstrap
        interval, the one-sided outcome-permutation p through the whole procedure (``p_value``), its
        Monte Carlo SE and floor, the conditional p of the difference (outcomes drawn from the
        population-only fit, ``p_conditional``), the null mean and the split Monte Carlo SE
        (:func:`study.models.cvinference.cv_auc_inference`).
    """
    from study.models import firth_logistic
    from study.models.cvinference import cv_auc_inference

    cov = list(covariates)
    fit = firth_logistic(frame, "has_outcome_target", cov, level)
    table = fit.params[fit.params["name"] != "const"].reset_index(drop=True)
    table = table[["name", "estimate", "ci_low", "ci_high", "n", "p_value", "odds_ratio", "or_low", "or_high"]].assign(
        n_events=fit.n_events
    )
    auc = cv_auc_inference(
        frame,
        "has_outcome_target",
        cov,
        ("log_pop",),
        n_splits=0 if cv == "loo" else 5,
        n_repeats=n_repeats,
        n_perm=n_perm,
        n_boot=n_boot,
        seed=seed,
        level=level,
    ).table
    return table, auc


def rate_targets(frame: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Targets stated as a rate to reach (kind ``rate_percent``; %), normalised by the clean (``value_pct``: 7割 → 70).

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame's data.
    targets : pandas.DataFrame
        The cleaned targets table (only the target rows of plans in ``frame`` count, :func:`plan_commitments`).

    Returns
    -------
    pandas.DataFrame
        One row per rate target of a plan in ``frame``: ``entity_id, name, kind, target_group,
        value_pct`` (%) and ``raw``, largest first; ``n`` (plans in ``frame``).
    """
    tg = plan_commitments(frame, targets)
    tg = tg.assign(value_pct=pd.to_numeric(tg["value_pct"], errors="coerce"))
    names = dict(zip(frame["entity_id"].astype(str), frame["name"], strict=True))
    tg = tg[tg["value_pct"].notna() & (tg["kind"] == "rate_percent")]
    out = tg.assign(name=tg["entity_id"].map(names))[["entity_id", "name", "kind", "target_group", "value_pct", "raw"]]
    out = out.sort_values(["value_pct", "entity_id"], ascending=[False, True]).reset_index(drop=True)
    return out.assign(n=len(frame))


def q4_consultations(
    frame: pd.DataFrame, targets: pd.DataFrame, n_boot: int = 2000, seed: int = 0, level: float = 0.95
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Annual consultation target per 1,000 residents where a plan gives one, and its median.

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame's data.
    targets : pandas.DataFrame
        The cleaned targets table (only ``is_target`` rows count, :func:`commitments`).
    n_boot : int
        Bootstrap resamples behind the interval of the median.
    seed : int
        Seed of the bootstrap.
    level : float
        Confidence level.

    Returns
    -------
    per_plan : pandas.DataFrame
        One row per plan giving an annualisable consultation target: ``rate`` (consultations per year
        per 1,000 residents), smallest first (:func:`study.models.consultation_rate`).
    median : pandas.DataFrame
        The median rate with a percentile bootstrap interval (:func:`study.models.summarise`);
        empty when fewer than 3 plans give one.
    """
    from study.models import consultation_rate

    per_plan = consultation_rate(frame, commitments(targets), per=1000.0)
    per_plan = per_plan.sort_values(["rate", "entity_id"]).reset_index(drop=True)
    med = summarise(per_plan, ["rate"], "median", n_boot, seed, level) if len(per_plan) >= 3 else pd.DataFrame()
    return per_plan, med


@dataclass(frozen=True)
class TargetsResults:
    """Every table of the targets notebook.

    Attributes
    ----------
    frame : study.models.AnalysisFrame
        Plans with a population and a target count.
    family : {"poisson_ql", "negbin"}
        Count model of the number of targets.
    shares : pandas.DataFrame
        :func:`target_shares`.
    counts, kinds : pandas.DataFrame
        :func:`target_counts`, :func:`target_kinds`.
    count_model : pandas.DataFrame
        :func:`q4_count_model`.
    outcome_model, auc : pandas.DataFrame
        :func:`q4_outcome_model`.
    consultations, consultation_median : pandas.DataFrame
        :func:`q4_consultations`.
    rates : pandas.DataFrame
        :func:`rate_targets`.
    level : float
        Confidence level of the intervals.
    """

    frame: AnalysisFrame
    family: Family
    shares: pd.DataFrame
    counts: pd.DataFrame
    kinds: pd.DataFrame
    count_model: pd.DataFrame
    outcome_model: pd.DataFrame
    auc: pd.DataFrame
    consultations: pd.DataFrame
    consultation_median: pd.DataFrame
    rates: pd.DataFrame
    level: float = 0.95


def analyse_targets(tables: Tables, params: TargetsParams) -> TargetsResults:
    """All of the targets notebook's tables.

    Parameters
    ----------
    tables : Tables
        The cleaned tables (:func:`study.analysis.tables.load_tables`).
    params : study.parameters.TargetsParams
        The notebook's parameters.

    Returns
    -------
    TargetsResults
        Q4 tables, each with ``n``.
    """
    frame = load_frame(
        tables,
        include_prefectures=params.include_prefectures,
        require=("population", "n_quantified_targets"),
    )
    level, seed = params.confidence, params.seed
    tg = tables.targets
    count_model = q4_count_model(frame.data, params.family, params.count_covariates, level)
    odds, auc = q4_outcome_model(
        frame.data,
        log_pop_first(params.outcome_covariates),
        level,
        params.cv_method,
        seed,
        n_repeats=params.cv_repeats,
        n_perm=params.auc_permutations,
        n_boot=params.auc_bootstrap,
    )
    per_plan, med = q4_consultations(frame.data, tg, params.bootstrap_draws, seed, level)
    return TargetsResults(
        frame,
        params.family,
        target_shares(frame.data, tg, level),
        target_counts(frame.data),
        target_kinds(frame.data, tg),
        count_model,
        odds,
        auc,
        per_plan,
        med,
        rate_targets(frame.data, tg),
        level,
    )


def targets_headline(results: TargetsResults) -> list[HeadlineResult]:
    """The targets notebook's headline numbers, with the declared tests.

    The primary test of Q4 (:data:`PRIMARY_TEST`) is the cross-validated AUC difference, model −
    population only, against the outcome permuted through the whole CV procedure (one-sided); every
    other p is a secondary test, Holm-adjusted over the notebook (:mod:`study.analysis.hypotheses`).

    Parameters
    ----------
    results : TargetsResults
        :func:`analyse_targets`.

    Returns
    -------
    list of HeadlineResult
        Shares of plans (share), median number of targets, rate ratio per doubling of population (×),
        Firth odds ratios (×), the expected cross-validated AUCs (model, baseline, difference in AUC
        points) with permutation p-values and Monte Carlo SEs, the conditional p of the difference,
        the median rate target (%) and the median consultation target (per 1,000 residents per year).
    """
    from study.analysis.hypotheses import adjust_secondary, p_result, with_mc_se, with_test

    result = headline_result
    out = []
    for _, row in results.shares.iterrows():
        ref = None if not np.isfinite(row["reference"]) else row["reference"]
        rec = result(
            f"share_{row['name']}",
            row["estimate"],
            n=row["n"],
            interval=(row["ci_low"], row["ci_high"]),
            unit="share",
            label=f"share of plans: {row['name']}",
            method="wilson",
            reference=ref,
        )
        if ref is not None:
            rec = {**rec, "reference_source": NATIONAL_SOURCE, "reference_differs": list(NATIONAL_DIFFERENCES)}  # type: ignore[assignment]
        out.append(rec)
    out.append(
        result(
            "median_quantified_targets",
            float(results.frame.data["n_quantified_targets"].median()),
            n=results.frame.n,
            label="median number of quantified targets per plan",
            unit="targets",
        )
    )
    lp = results.count_model.set_index("name").loc["log_pop"]
    out.append(
        with_test(
            result(
                "targets_rate_ratio_per_doubling",
                lp["rate_ratio"],
                n=lp["n"],
                interval=(lp["rr_low"], lp["rr_high"]),
                label=f"rate ratio of the number of targets per doubling of population ({results.family})",
                unit="ratio",
                method=f"{results.family}, Wald",
                reference=1.0,
            ),
            lp["p_value"],
            role="secondary",
            test="rate ratio per doubling = 1 (Wald, two-sided)",
        )
    )
    for _, row in results.outcome_model.iterrows():
        out.append(
            with_test(
                result(
                    f"outcome_target_or_{row['name']}",
                    row["odds_ratio"],
                    n=row["n"],
                    interval=(row["or_low"], row["or_high"]),
                    label=f"Firth odds ratio of an outcome target per unit of {row['name']}",
                    unit="odds ratio",
                    method="profile penalised likelihood",
                    reference=1.0,
                ),
                row["p_value"],
                role="secondary",
                test="odds ratio = 1 (penalised likelihood ratio, two-sided)",
            )
        )
    auc = results.auc.set_index("name")
    z = float(np.sqrt(2.0))  # bootstrap SD's relative MC SE is 1/sqrt(2(B-1))
    for nm in ("model", "baseline", "difference"):
        row = auc.loc[nm]
        rec = result(
            f"outcome_target_auc_{nm}",
            row["estimate"],
            n=row["n"],
            interval=(row["ci_low"], row["ci_high"]),
            unit="AUC" if nm != "difference" else "AUC points",
            label=f"expected cross-validated AUC of the procedure ({nm}: {row['terms']})",
            method=str(row["method"]),
            reference=0.0 if nm == "difference" else None,
        )
        nb = int(row["n_boot"])
        extra = {
            "null_mean": round_number(row["null_mean"]),
            "n_events": int(row["n_events"]),
            "n_boot": nb,
            "interval_mc_se": round_number(
                critical_value(results.level) * row["se"] / (z * np.sqrt(max(nb - 1, 1))) if nb > 1 else np.nan
            ),
        }
        if nm == "baseline":
            rec = with_mc_se(rec, row["split_mc_se"])
        else:
            rec = with_test(
                rec,
                row["p_value"],
                role="primary" if f"outcome_target_auc_{nm}" == PRIMARY_TEST else "secondary",
                test=(
                    "model AUC − population-only AUC: the outcome permuted through the whole CV procedure "
                    "(one-sided, above the null)"
                    if nm == "difference"
                    else "model AUC: the outcome permuted through the whole CV procedure (one-sided, above the null)"
                ),
                n_draws=int(row["n_perm"]),
                mc_se=row["split_mc_se"],
            )
        out.append({**rec, **extra})  # type: ignore[arg-type]
    diff = auc.loc["difference"]
    if np.isfinite(diff["p_conditional"]):
        out.append(
            p_result(
                "p_auc_difference_conditional",
                float(diff["p_conditional"]),
                n=diff["n"],
                label="p of the AUC difference given population (outcomes drawn from the population-only fit)",
                method=f"parametric bootstrap through the whole CV procedure ({int(diff['n_perm'])} draws)",
                role="secondary",
                test="the added covariates add nothing beyond population (one-sided)",
                n_draws=int(diff["n_perm"]),
            )
        )
    if len(results.rates):
        v = results.rates["value_pct"]
        out.append(
            result(
                "median_rate_target_pct",
                float(v.median()),
                n=int(results.rates["entity_id"].nunique()),
                interval=(float(v.min()), float(v.max())),
                label=f"median rate target (%; interval: smallest to largest; {len(v)} targets)",
                unit="%",
                method="value_pct of the clean (role target)",
            )
        )
    if len(results.consultation_median):
        med = results.consultation_median.iloc[0]
        out.append(
            result(
                "consultations_per_1000_median",
                med["estimate"],
                n=med["n"],
                interval=(med["ci_low"], med["ci_high"]),
                label="median annual consultation target per 1,000 residents (plans giving one)",
                unit="per 1,000 residents per year",
                method=f"percentile bootstrap ({int(med['n_boot'])} resamples)",
                mc_se=max(float(med["mc_se_low"]), float(med["mc_se_high"])),  # of the interval's bounds
            )
        )
    return adjust_secondary(out)


def fig_target_counts(counts: pd.DataFrame, lang: Lang = "ja") -> Figure:
    """Bar chart: plans by number of quantified targets.

    Parameters
    ----------
    counts : pandas.DataFrame
        :func:`target_counts`.
    lang : {"ja", "en"}
        Label language.

    Returns
    -------
    matplotlib.figure.Figure
        Plans (count) per number of targets.
    """
    fig, ax = new_figure(7, 4)
    ax.bar(counts["n_quantified_targets"], counts["plans"], color="#4c72b0")
    ax.set_xlabel(text("n_targets", lang))
    ax.set_ylabel(text("plans", lang))
    ax.set_title(f"n = {int(counts['n'].iloc[0])}")
    return fig


def fig_target_shares(shares: pd.DataFrame, lang: Lang = "ja") -> Figure:
    """Shares of plans with each kind of target, with the national ~20% reference.

    Parameters
    ----------
    shares : pandas.DataFrame
        :func:`target_shares` (shares 0 to 1; drawn in %).
    lang : {"ja", "en"}
        Label language.

    Returns
    -------
    matplotlib.figure.Figure
        A forest plot of the shares (%) with Wilson intervals.
    """
    pct = shares.assign(
        estimate=100 * shares["estimate"], ci_low=100 * shares["ci_low"], ci_high=100 * shares["ci_high"]
    )
    fig = fig_forest(
        pct,
        lang,
        text("share_plans", lang),
        100 * NATIONAL_SHARE_WITH_TARGET,
        text("national_takikan", lang),
        [text(n, lang) for n in pct["name"]],
    )
    fig.axes[0].set_xlim(0, 100)
    return fig


def fig_consultations(per_plan: pd.DataFrame, lang: Lang = "ja") -> Figure:
    """Annual consultation target per 1,000 residents, one dot per plan giving one (log scale).

    Parameters
    ----------
    per_plan : pandas.DataFrame
        :func:`q4_consultations` per-plan table.
    lang : {"ja", "en"}
        Label language.

    Returns
    -------
    matplotlib.figure.Figure
        One row per plan.
    """
    fig, ax = new_figure(7, 0.28 * len(per_plan) + 1.5)
    ypos = np.arange(len(per_plan))
    ax.scatter(per_plan["rate"], ypos, color="#4c72b0")
    ax.set_yticks(ypos, per_plan["name"].astype(str))
    ax.set_xscale("log")
    ax.set_xlabel(text("consult_rate", lang))
    ax.set_title(f"n = {len(per_plan)}")
    return fig
