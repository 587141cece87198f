"""Questions 1–3 (notebook ``10_staffing``): how planned 推進員 scale with population (Q1), aging and
public assistance given population (Q2), and the institutions the plans build on (Q3).

Design declared before any model is fitted (also in ``params/README.md``):

* **Sample.** Every municipal plan with a printed staff figure and a population (札幌市's zero kept).
* **Exposure.** ``log_exposure`` = log of the population the multi-agency project covers (the clean's
  ``catchment_population``); a part-area or unclear catchment with no printed population is kept with the
  whole population and flagged (``exposure_imputed``). The whole population and dropping those plans are
  sensitivities (:mod:`study.models.frame`, step 6).
* **Deployment design.** The clean's ``staffing_design``, coded once: indicators of ``per_site`` and
  ``designated_existing`` against ``single_team``; a plan placing nobody enters as ``single_team``; an
  ``unclear`` plan as ``unclear_design`` (default ``single_team``; the other codings are sensitivities).
* **Headline model (Q1).** log E[staff] = a + β log_exposure + design indicators (+ ``covariates``),
  Poisson quasi-likelihood point estimates. **Primary interval**: HC3 sandwich with t(n − p) quantiles
  (robust to the variance function; Long & Ervin 2000). Model-based QL t and NB2 Wald intervals are
  secondary and labelled.
* **Primary tests.** Q1: the HC3 t test of proportional staffing, β = 1. Q2: the permutation test
  (regressor residuals) of the aging rate given population and design. Q3: the exact binomial test that
  the most frequent implementer of the 多機関協働事業 runs half of them (share = 0.5). Every other test is
  secondary, Holm-adjusted within its question (:func:`tests_table`).

Every number comes from :mod:`study.models`; this module arranges the tables (always with ``n``), the
figures (labels with units) and the headline numbers. :func:`analyse_staffing` takes the notebook's
parameters (:class:`study.parameters.StaffingParams`) and returns :class:`StaffingResults`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from study.analysis.figures import new_figure
from study.analysis.plotting import text, wrap
from study.analysis.prose import value_label
from study.analysis.tables import Tables
from study import catalogue
from study.models import fit_count, influence, influence_summary, summarise, tabulate
from study.models.count import poisson_ql
from study.models.design import design as make_design
from study.models.diagnostics import predictive, rootogram
from study.models.frame import DESIGN_COLUMNS, DESIGNS, AnalysisFrame, analysis_frame
from study.models.glmm import poisson_glmm
from study.models.wald import critical_value, wald
from study.models.hurdle import compare_models, fit_count_model, fit_hurdle
from study.models.montecarlo import (
    bca_bounds_mc_se,
    classify_interval,
    draws_needed,
    format_p,
    half_unit,
    pvalue_draws_needed,
    pvalue_mc_se,
)
from study.models.multiplicity import holm
from study.models.power import equivalence_bounds, minimum_detectable_effect
from study.models.resample import bootstrap_design, permutation_design
from study.models.results import HeadlineResult, headline_result
from study.models.robust import poisson_sandwich
from study.parameters import Family, Lang, StaffingParams

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: The focal term of Q1: log of the exposure population (residents).
TERM = "log_exposure"
#: Focal covariates of question 2 and the step of their rate ratios (percentage points; ‰).
Q2_FOCI = ("aging_rate_pct", "welfare_rate_permille")
Q2_PER = {"aging_rate_pct": 10.0, "welfare_rate_permille": 10.0}
#: Institution indicators of question 3.
Q3_COLUMNS = ("hokatsu_per_10k_older", "hokatsu_outsourced_share", "hokatsu_total", "konkyu_total", "konkyu_per_100k")
#: Decimals printed for β and rate ratios (the Monte Carlo rule: MC SE < half a unit of this digit).
PRINTED_DECIMALS = 2
#: The declared primary test of each question (``name`` in :func:`tests_table`).
PRIMARY_TESTS = {"Q1": "beta_eq_1_hc3", "Q2": "perm_aging_rate_pct", "Q3": "binom_top_implementer"}
#: Columns of the exported analysis frame that are not entity columns, with their meaning and unit.
FRAME_COLUMNS: dict[str, tuple[str, str, str]] = {
    "staff": ("推進員数(分析に用いた値)", "planned coordinators as modelled (staffing_measure)", "persons"),
    "staff_headcount": ("推進員数(人数に切り上げ)", "planned coordinators rounded up to a head count", "persons"),
    "exposure_population": (
        "事業の対象人口",
        "population of the model's exposure (catchment or whole municipality; see exposure)",
        "persons",
    ),
    "exposure_imputed": (
        "対象人口の代替",
        "1 = part-area or unclear catchment without printed population, whole population used",
        "0/1",
    ),
    "log_exposure": ("対象人口の対数", "natural log of exposure_population", "log persons"),
    "design": (
        "配置の型(分析上のコード)",
        "staffing_design as coded for the models (no 推進員 and unclear plans recoded, see params README)",
        "",
    ),
    "design_per_site": ("拠点ごと配置", "1 = design per_site", "0/1"),
    "design_designated_existing": ("既存職員の指定", "1 = design designated_existing", "0/1"),
}


#: Figure labels of this notebook that :data:`study.analysis.plotting.TEXTS` does not have
#: (``study/texts/figures.toml`` [staffing]).
_LABELS = catalogue.table("figures", "staffing")


def label(key: str, lang: Lang) -> str:
    """A figure label: this notebook's own (:data:`_LABELS`), else the shared one (:func:`plotting.text`)."""
    return _LABELS[key][lang] if key in _LABELS else text(key, lang)


# --- the frame ----------------------------------------------------------------------------------


def staffing_frame(
    tables: Tables,
    params: StaffingParams,
    require: Sequence[str] = ("staff", "population"),
    **overrides: Any,
) -> AnalysisFrame:
    """The analysis frame of the staffing models under the declared codings (module doc).

    Parameters
    ----------
    tables : Tables
        The cleaned tables.
    params : study.parameters.StaffingParams
        The notebook's parameters (exposure, missing catchment rule, design, unclear coding).
    require : sequence of str
        Columns that must be present.
    **overrides
        Replacements of the parameters (``exposure``, ``missing_catchment``, ``design``,
        ``unclear_design``, ``staffing_measure``) for sensitivities.

    Returns
    -------
    study.models.AnalysisFrame
        Plans (one row each) with ``staff``, ``staff_headcount``, ``log_exposure`` and the design
        indicators; under ``design="single_team_only"`` the other designs are logged as excluded.
    """
    p = params.model_copy(update=overrides) if overrides else params
    frame = analysis_frame(
        tables.entities,
        tables.corrections,
        include_prefectures=p.include_prefectures,
        staffing=p.staffing_measure,
        welfare="corrected",
        require=tuple(require),
        exposure=p.exposure,
        missing_catchment=p.missing_catchment,
        unclear_design=p.unclear_design,
    )
    data = frame.data.assign(staff_headcount=np.ceil(frame.data["staff_planned"] - 1e-9))
    excluded = frame.excluded
    if p.design == "single_team_only":
        other = data["design"] != "single_team"
        rows = data.loc[other, ["entity_id", "name", "level"]].assign(reason="design not single_team (design)")
        excluded = pd.concat([excluded, rows], ignore_index=True)
        data = data[~other].reset_index(drop=True)
    return AnalysisFrame(data=data, excluded=excluded, options={**frame.options, "design": p.design})


def design_terms(frame: pd.DataFrame, covariates: Sequence[str] = ()) -> list[str]:
    """Terms of the staffing models: ``log_exposure``, the design indicators present, ``covariates``.

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame's data.
    covariates : sequence of str
        Further covariates.

    Returns
    -------
    list of str
        ``log_exposure`` first; a design indicator only when some plan has it (none in a stratified frame).
    """
    des = [c for c in DESIGN_COLUMNS if frame[c].fillna(0).sum() > 0]
    return [TERM, *des, *[c for c in covariates if c not in (TERM, "log_pop", *DESIGN_COLUMNS)]]


def frame_table(frame: pd.DataFrame, terms: Sequence[str]) -> pd.DataFrame:
    """The rows and columns the models used, for refitting them elsewhere.

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame's data.
    terms : sequence of str
        Model terms (:func:`design_terms`).

    Returns
    -------
    pandas.DataFrame
        ``entity_id, name, prefecture``, outcomes, populations, exposure and design columns, the Q2 rates
        and any further term, one row per plan (ids as strings).
    """
    cols = [
        "entity_id",
        "name",
        "prefecture",
        "staff",
        "staff_planned",
        "staff_headcount",
        "population",
        "catchment_scope",
        "catchment_population",
        "exposure_population",
        "exposure_imputed",
        "log_exposure",
        "staffing_design",
        "design",
        *DESIGN_COLUMNS,
        *Q2_FOCI,
    ]
    cols += [t for t in terms if t not in cols]
    return frame[[c for c in cols if c in frame.columns]].reset_index(drop=True)


def frame_glossary(columns: Sequence[str]) -> pd.DataFrame:
    """Term, English meaning and unit of each column of :func:`frame_table`.

    Parameters
    ----------
    columns : sequence of str
        The exported columns.

    Returns
    -------
    pandas.DataFrame
        ``term_ja, english, column, unit``: entity columns from the codebook, derived ones from
        :data:`FRAME_COLUMNS` and the covariate table.
    """
    from study.analysis.codebook import entity_codebook, glossary
    from study.covariates import COVARIATES

    cb = set(entity_codebook()["column"])
    cov = {c.name: c for c in COVARIATES}
    rows = []
    for c in columns:
        if c in FRAME_COLUMNS:
            ja, en, unit = FRAME_COLUMNS[c]
            rows.append({"term_ja": ja, "english": en, "column": c, "unit": unit})
        elif c in cb:
            rows.append(glossary([c]).iloc[0].to_dict())
        elif c in cov:
            rows.append({"term_ja": cov[c].label_ja, "english": cov[c].label_en, "column": c, "unit": cov[c].unit})
        elif c == "name":
            rows.append({"term_ja": "団体名", "english": "municipality name", "column": c, "unit": ""})
        else:
            raise KeyError(f"no description of column {c!r}")
    return pd.DataFrame(rows, columns=["term_ja", "english", "column", "unit"])


# --- Q1 -----------------------------------------------------------------------------------------


def q2_terms(terms: Sequence[str]) -> list[str]:
    """The terms of the Q2 models: the adjustment terms, then the two need rates (:data:`Q2_FOCI`) once each.

    Parameters
    ----------
    terms : sequence of str
        Adjustment terms (:func:`design_terms`).

    Returns
    -------
    list of str
        ``terms`` in their order, then the rates (aging %, public assistance ‰) not already among them.
    """
    return list(dict.fromkeys([*terms, *Q2_FOCI]))


def _xy(frame: pd.DataFrame, terms: Sequence[str], y: str = "staff") -> tuple[np.ndarray, np.ndarray, list[str]]:
    d = make_design(frame, y, list(terms))
    return d.X, d.y, list(d.names)


def q1_elasticity(frame: pd.DataFrame, terms: Sequence[str], level: float = 0.95, null: float = 1.0) -> pd.DataFrame:
    """Q1: β of planned staff on log exposure, with the primary (HC3) and secondary intervals.

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame's data (``staff`` in persons).
    terms : sequence of str
        Model terms, ``log_exposure`` first (:func:`design_terms`).
    level : float
        Confidence level.
    null : float
        β under proportional staffing.

    Returns
    -------
    pandas.DataFrame
        Rows ``hc3`` (primary: QL point estimate, HC3 sandwich SE, t(n − p)), ``ql`` (secondary:
        model-based QL t) and ``negbin`` (secondary: NB2 Wald z): ``name, estimate, ci_low, ci_high, n, se,
        statistic, p_value`` (two-sided test of β = ``null``), ``role, method, doubling_ratio, covariates``.
        β is unitless (% more staff per 1% more residents).
    """
    X, y, names = _xy(frame, terms)
    n, k = X.shape
    rob = poisson_sandwich(X, y, names, hc="HC3", level=level, df=n - k)
    j = names.index(TERM)
    rows = []
    b, se = float(rob.beta[j]), float(rob.se[j])
    lo, hi, _ = wald(b, se, level, n - k)
    rows.append(("hc3", b, lo, hi, se, (b - null) / se, n - k, "primary", "QL + HC3 sandwich, t(n−p)"))
    for fam, how in (("poisson_ql", "ql"), ("negbin", "negbin")):
        fit = fit_count(frame, fam, "staff", list(terms), level=level)
        r = fit.params.set_index("name").loc[TERM]
        label = "model-based QL t(n−p)" if fam == "poisson_ql" else "NB2 ML, Wald z"
        dfree = n - k if fam == "poisson_ql" else None
        rows.append(
            (how, float(r["estimate"]), float(r["ci_low"]), float(r["ci_high"]), float(r["se"]),
             (float(r["estimate"]) - null) / float(r["se"]), dfree, "secondary", label)
        )  # fmt: skip
    out = []
    for name, est, lo, hi, s, t, dfree, role, method in rows:
        p = wald(est - null, s, level, dfree)[2]  # two-sided test of β = null
        out.append(
            dict(
                name=name,
                estimate=est,
                ci_low=lo,
                ci_high=hi,
                n=n,
                se=s,
                statistic=t,
                p_value=float(p),
                role=role,
                method=method,
                doubling_ratio=2**est,
                covariates=" + ".join(terms),
            )
        )
    return pd.DataFrame(out)


def q1_proportional(frame: pd.DataFrame, terms: Sequence[str]) -> pd.DataFrame:
    """The quasi-likelihood F test of proportional staffing: offset log exposure (β = 1) against free β.

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame's data.
    terms : sequence of str
        Terms of the full model, ``log_exposure`` among them.

    Returns
    -------
    pandas.DataFrame
        One row ``proportional_f``: ``estimate`` = F = (D₀ − D₁)/φ̂₁ on (1, n − p) df, ``p_value``, the
        two deviances, φ̂₁ (Pearson) and ``n``.
    """
    full = poisson_ql(frame, "staff", list(terms))
    rest = [t for t in terms if t != TERM]
    restricted = poisson_ql(frame, "staff", rest, offset=TERM)
    d1, d0 = float(full.result.deviance), float(restricted.result.deviance)
    f = (d0 - d1) / full.dispersion
    dfr = full.df_resid
    return pd.DataFrame(
        [
            dict(
                name="proportional_f",
                estimate=f,
                ci_low=np.nan,
                ci_high=np.nan,
                n=full.n,
                p_value=float(stats.f.sf(f, 1, dfr)),
                df_num=1,
                df_den=dfr,
                deviance_offset=d0,
                deviance_free=d1,
                dispersion=full.dispersion,
                method="quasi-likelihood F, offset log exposure vs free β",
            )
        ]
    )


def q1_influence(
    frame: pd.DataFrame, family: Family, terms: Sequence[str], level: float = 0.95
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Influence of each plan on β; plans above the declared rule Cook's D > 4/n with β without each.

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame's data.
    family : {"poisson_ql", "negbin"}
        Count model.
    terms : sequence of str
        Model terms.
    level : float
        Confidence level of the model-based interval.

    Returns
    -------
    table : pandas.DataFrame
        Per plan: Cook's distance, DFBETA(S), exact leave-one-out β, ``design`` and ``over_cutoff``
        (Cook's D > 4/n), sorted by Cook's distance (largest first).
    summary : pandas.DataFrame
        One row: β, the range of its leave-one-out estimates, the most influential plan and the number
        of plans over 4/n.
    """
    fit = fit_count(frame, family, "staff", list(terms), level=level)
    names = frame.assign(entity_id=frame["entity_id"].astype(str)).set_index("entity_id")
    table = influence(fit, TERM, names=names["name"])
    table["design"] = table["entity_id"].map(names["design"])
    table["over_cutoff"] = table["cooks_d"] > 4 / len(table)
    summary = influence_summary(fit, table, TERM)
    table = table.sort_values(["cooks_d", "entity_id"], ascending=[False, True]).reset_index(drop=True)
    return table, summary


def q1_sensitivity(tables: Tables, params: StaffingParams, level: float = 0.95) -> pd.DataFrame:
    """β (primary HC3 interval) under the other exposure, catchment rule, design handling and codings.

    Parameters
    ----------
    tables : Tables
        The cleaned tables.
    params : study.parameters.StaffingParams
        The declared choices (the first row).
    level : float
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        One row per variant (``headline``, ``exposure_<other>``, ``missing_catchment_<other>``,
        ``unclear_as_<coding>``, ``design_<other>``, ``no_design_terms``): ``name, estimate, ci_low,
        ci_high, n, se, n_changed`` (plans whose coding or exposure differs from the headline's), ``method``.
    """
    other = {"catchment": "whole", "whole": "catchment"}[params.exposure]
    other_rule = {"whole": "drop", "drop": "whole"}[params.missing_catchment]
    other_design = {"adjusted": "single_team_only", "single_team_only": "adjusted"}[params.design]
    variants: list[tuple[str, dict[str, Any], bool]] = [
        ("headline", {}, True),
        (f"exposure_{other}", {"exposure": other}, True),
        (f"missing_catchment_{other_rule}", {"exposure": "catchment", "missing_catchment": other_rule}, True),
        *[(f"unclear_as_{c}", {"unclear_design": c}, True) for c in DESIGNS if c != params.unclear_design],
        (f"design_{other_design}", {"design": other_design}, True),
        ("no_design_terms", {}, False),
    ]
    base = staffing_frame(tables, params).data.set_index("entity_id")
    rows = []
    for name, over, adjust in variants:
        df = staffing_frame(tables, params, **over).data
        terms = design_terms(df, params.covariates) if adjust else [TERM, *params.covariates]
        head = q1_elasticity(df, terms, level).iloc[0]
        cur = df.set_index("entity_id")
        common = cur.index.intersection(base.index)
        changed = int(
            (cur.loc[common, "design"] != base.loc[common, "design"]).sum()
            + (~np.isclose(cur.loc[common, TERM], base.loc[common, TERM])).sum()
            + len(cur.index.symmetric_difference(base.index))
        )
        rows.append(
            dict(
                name=name,
                estimate=head["estimate"],
                ci_low=head["ci_low"],
                ci_high=head["ci_high"],
                n=int(head["n"]),
                se=head["se"],
                n_changed=changed,
                method=head["method"],
                covariates=" + ".join(terms),
            )
        )
    return pd.DataFrame(rows)


def separates(x: np.ndarray, positive: np.ndarray) -> bool:
    """Whether ``x`` separates the zero counts from the positive ones (no overlap of their ranges).

    Parameters
    ----------
    x : numpy.ndarray
        A covariate (n,).
    positive : numpy.ndarray
        Boolean (n,), true for a positive count.

    Returns
    -------
    bool
        True when every zero lies above (or below) every positive count on ``x``: a logit on ``x`` then
        has no finite maximum-likelihood estimate.
    """
    x0, x1 = x[~positive], x[positive]
    if x0.size == 0 or x1.size == 0:
        return True
    return bool(x0.min() > x1.max() or x0.max() < x1.min())


@dataclass(frozen=True)
class ModelComparison:
    """Likelihood comparison of the count models on head counts (``table``), the rootogram data of each
    (``rootograms``: ``model, count, observed, expected…``) and whether log exposure separates the zeros
    (``separated``: the hurdle's binary part is then intercept-only)."""

    table: pd.DataFrame
    rootograms: pd.DataFrame
    separated: bool
    n_zero: int


def q1_models(frame: pd.DataFrame, terms: Sequence[str]) -> ModelComparison:
    """Poisson, NB2, NB1 and hurdle (Poisson, NB2) models of the head counts by likelihood and AIC.

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame's data (``staff_headcount`` in persons).
    terms : sequence of str
        Model terms (``log_exposure`` first).

    Returns
    -------
    ModelComparison
        ``table``: ``name, family, n, loglik, n_params, aic, bic, delta_aic, observed_zeros,
        expected_zeros, beta, beta_se`` (β of log exposure; the count part's for a hurdle). The Poisson
        likelihood stands for the QL fit (same mean model). Plans placing nobody stay in: the hurdle gives
        them its binary part.
    """
    X, y, names = _xy(frame, terms, "staff_headcount")
    j = names.index(TERM)
    fits: dict[str, Any] = {fam: fit_count_model(X, y, fam, names=names) for fam in ("poisson", "nb2", "nb1")}
    pos = y > 0
    sep = separates(X[:, j], pos)
    if (~pos).any():
        Z = X[:, [0]] if sep else X[:, [0, j]]
        znames = ["const"] if sep else ["const", TERM]
        for dist in ("poisson", "negbin"):
            fits[f"hurdle_{dist}"] = fit_hurdle(X, y, Z, dist, count_names=names, zero_names=znames)
    table = compare_models(fits)
    table["beta"] = [float(getattr(f, "count_beta", getattr(f, "beta", None))[j]) for f in fits.values()]
    table["beta_se"] = [float(getattr(f, "count_se", getattr(f, "se", None))[j]) for f in fits.values()]
    table["alpha"] = [float(f.alpha) for f in fits.values()]
    roots = pd.concat([rootogram(y, predictive(f)).assign(model=name) for name, f in fits.items()], ignore_index=True)
    return ModelComparison(table=table, rootograms=roots, separated=sep, n_zero=int((~pos).sum()))


def q1_glmm(frame: pd.DataFrame, terms: Sequence[str], level: float = 0.95) -> pd.DataFrame:
    """Poisson GLMMs of head counts with a prefecture random intercept, without and with an observation-level
    random effect (Laplace ML, :func:`study.models.glmm.poisson_glmm`).

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame's data (``prefecture``, ``staff_headcount``).
    terms : sequence of str
        Fixed-effect terms.
    level : float
        Confidence level of the Wald z interval of β.

    Returns
    -------
    pandas.DataFrame
        Rows ``glmm_prefecture`` and ``glmm_prefecture_olre``: β of log exposure with SE and Wald interval,
        ``sd_prefecture`` and ``sd_observation`` (log-rate scale), ``loglik``, ``aic``, ``n``,
        ``n_groups``, ``converged``, ``singular``.
    """
    X, y, names = _xy(frame, terms, "staff_headcount")
    groups = frame["prefecture"].astype(str).to_numpy()
    j = names.index(TERM)
    z = critical_value(level)
    rows = []
    for name, olre in (("glmm_prefecture", False), ("glmm_prefecture_olre", True)):
        g = poisson_glmm(X, y, groups, names=names, nAGQ=1, olre=olre)
        b, s = float(g.beta[j]), float(g.se[j])
        rows.append(
            dict(
                name=name,
                estimate=b,
                ci_low=b - z * s,
                ci_high=b + z * s,
                n=g.n,
                se=s,
                sd_prefecture=g.sd_group,
                sd_observation=g.sd_obs,
                loglik=g.loglik,
                aic=g.aic,
                n_groups=g.n_groups,
                converged=g.converged,
                singular=g.singular,
                method="Poisson GLMM, Laplace ML" + (" + observation-level effect" if olre else ""),
            )
        )
    return pd.DataFrame(rows)


# --- Q2 -----------------------------------------------------------------------------------------


#: Monte Carlo SE of a deterministic quantity (no draws behind it).
NA = float("nan")
#: Most draws the Monte Carlo rule may ask for by default (bootstrap resamples or permutations; the
#: parameter ``max_draws``).
MAX_DRAWS = 200_000
#: Factor on the draws the pilot asks for.
DRAWS_MARGIN = 1.3
#: Most bootstrap medians of Q3 the Monte Carlo rule may ask for (bounds still noisier print fewer digits).
MAX_MEDIAN_DRAWS = 20_000
#: Most passes of the Monte Carlo rule.
MAX_PASSES = 4


def q2_need(
    frame: pd.DataFrame,
    terms: Sequence[str],
    family: Family = "poisson_ql",
    n_boot: int = 2000,
    n_perm: int = 4999,
    seed: int = 0,
    level: float = 0.95,
    max_draws: int = MAX_DRAWS,
) -> pd.DataFrame:
    """Q2 with the number of draws chosen by the Monte Carlo rule.

    A first pass uses ``n_boot`` resamples and ``n_perm`` permutations; when the Monte Carlo SE of a
    printed number (rate-ratio bounds at :data:`PRINTED_DECIMALS` decimals, permutation p at the decimals
    :func:`study.analysis.prose.pvalue` prints) is not below half a unit of its last digit, the whole
    question is redrawn (up to :data:`MAX_PASSES` passes in all) with 1.3 × the draws
    :func:`study.models.montecarlo.draws_needed` asks for (at most ``max_draws``). Parameters and
    returns as :func:`q2_pass`, plus ``rule_met`` (bool).
    """
    nb, npm = n_boot, n_perm
    for _ in range(MAX_PASSES):
        out = q2_pass(frame, terms, family, nb, npm, seed, level)
        dec_p = [2 if p >= 0.01 else 3 for p in out["p_perm"]]
        out["rule_met"] = (
            (out[["rr_mc_se_low", "rr_mc_se_high"]].max(axis=1) < half_unit(PRINTED_DECIMALS))
            & (out["p_perm_mc_se"] < [half_unit(d) for d in dec_p])
        ).to_numpy()
        need_boot = int(out["draws_needed"].max())
        need_perm = max(pvalue_draws_needed(p, d) for p, d in zip(out["p_perm"], dec_p, strict=True))
        if out["rule_met"].all() or (nb >= max_draws and npm >= max_draws):
            break
        # 30% margin: the SE measured on the previous pass is itself noisy
        nb = min(max(math.ceil(DRAWS_MARGIN * need_boot), nb), max_draws)
        npm = min(max(math.ceil(DRAWS_MARGIN * need_perm), npm), max_draws)
    return out


def q2_pass(
    frame: pd.DataFrame, terms: Sequence[str], family: Family, n_boot: int, n_perm: int, seed: int, level: float
) -> pd.DataFrame:
    """Q2: aging and public-assistance rates given log exposure and design, with Monte Carlo errors.

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame's data.
    terms : sequence of str
        Adjustment terms (:func:`design_terms`); the two rates are added.
    family : {"poisson_ql", "negbin"}
        Count model.
    n_boot : int
        Pairs-bootstrap resamples (stratified by design, so every design is in every resample).
    n_perm : int
        Permutations (regressor residuals).
    seed : int
        Seed of the bootstrap and the permutations.
    level : float
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        One row per rate: coefficient (log-rate per percentage point / ‰) with BCa interval and the
        Monte Carlo SEs of its bounds (``mc_se_low``, ``mc_se_high``, rate-ratio scale ``rr_mc_se_*``),
        ``claim`` (excludes / includes / borderline for rate ratio 1 allowing for MC error),
        ``draws_needed`` for the printed decimals, ``p_perm`` with ``p_perm_mc_se`` and ``p_perm_text``
        (floor as ``< 1/(B+1)``), ``p_wald``, the rate ratio per 10 points and its interval, ``n``.
    """
    covs = q2_terms(terms)
    d = make_design(frame, "staff", covs)
    rng = np.random.default_rng(seed)
    strata = frame["design"].astype(str).to_numpy() if "design" in frame else None
    boot = bootstrap_design(d, family, n_boot, rng, level, "bca", strata=strata)
    rows = []
    for f in Q2_FOCI:
        perm = permutation_design(d, f, family, "regressor_residuals", n_perm, rng)
        b = boot.row(f)
        draws = boot.draws[f].to_numpy()
        jack = boot.jackknife[f].to_numpy()
        u = Q2_PER[f]
        est = float(b["estimate"])
        se_lo, se_hi = bca_bounds_mc_se(est, draws, jack, level)
        rr_lo, rr_hi = math.exp(u * b["ci_low"]), math.exp(u * b["ci_high"])
        rr_se_lo, rr_se_hi = rr_lo * u * se_lo, rr_hi * u * se_hi  # delta method
        claim = classify_interval(rr_lo, rr_hi, 1.0, rr_se_lo, rr_se_hi)
        need = max(
            draws_needed(rr_se_lo, int(np.isfinite(draws).sum()), PRINTED_DECIMALS),
            draws_needed(rr_se_hi, int(np.isfinite(draws).sum()), PRINTED_DECIMALS),
        )
        se_wald = _wald_se(d, family, f)
        p_wald = wald(est, se_wald, level, d.n - d.X.shape[1] if family == "poisson_ql" else None)[2]
        rows.append(
            dict(
                name=f,
                estimate=est,
                ci_low=float(b["ci_low"]),
                ci_high=float(b["ci_high"]),
                n=d.n,
                mc_se_low=se_lo,
                mc_se_high=se_hi,
                rate_ratio=math.exp(u * est),
                rr_low=rr_lo,
                rr_high=rr_hi,
                rr_mc_se_low=rr_se_lo,
                rr_mc_se_high=rr_se_hi,
                claim=claim.status,
                draws_needed=need,
                p_perm=perm.p_value,
                p_perm_mc_se=pvalue_mc_se(perm.p_value, n_perm),
                p_perm_text=format_p(perm.p_value, n_perm, 3),
                p_wald=float(p_wald),
                se=se_wald,
                per=u,
                family=family,
                n_boot=n_boot,
                n_failed_boot=int(b["n_failed"]),
                n_perm=n_perm,
                covariates=" + ".join(covs),
            )
        )
    return pd.DataFrame(rows)


def _wald_se(d: Any, family: str, term: str) -> float:
    from study.models import kernels
    from study.models.resample import KERNEL_FAMILIES, kernel_fit

    fit = kernel_fit(family, d.X, d.y, offset=d.offset)
    se = np.atleast_1d(kernels.wald_se(KERNEL_FAMILIES[family], d.X, d.y, fit, offset=d.offset))
    return float(se[d.col(term)])


def power_table(
    frame: pd.DataFrame,
    terms: Sequence[str],
    n_sim: int = 200,
    seed: int = 0,
    level: float = 0.05,
    target: float = 0.8,
) -> pd.DataFrame:
    """Simulated minimum detectable effects (80% power) of β (against 1) and of the two need rates, and
    equivalence bounds of the need rates (HC3 90% intervals).

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame's data (head counts simulated at its design).
    terms : sequence of str
        Adjustment terms (:func:`design_terms`).
    n_sim : int
        Simulated data sets per point of each power curve.
    seed : int
        Seed (common random numbers across effects).
    level : float
        Two-sided size of the simulated QL Wald test (and one-sided level of the TOST bounds).
    target : float
        Power wanted.

    Returns
    -------
    pandas.DataFrame
        One row per term and direction: ``name`` (``mde_<term>_<up|down>``), ``estimate`` (the MDE as β − 1
        for log exposure, as a rate ratio per 10 points for the rates), ``mc_se`` (same scale),
        ``effect_log`` (log-rate per unit), ``n``, ``n_sim``; plus ``equivalence_<rate>`` rows: the HC3 90%
        interval as rate ratios per 10 points and ``delta`` (effects beyond exp(±10Δ) excluded).
    """
    covs = q2_terms(terms)
    d = make_design(frame, "staff_headcount", covs)
    nb = fit_count_model(d.X, d.y, "nb2", names=list(d.names))
    alpha = float(nb.alpha)
    rows = []
    for k, term in enumerate([TERM, *Q2_FOCI]):
        j = d.col(term)
        null = 1.0 if term == TERM else 0.0
        u = Q2_PER.get(term, 1.0)
        for direction in (1, -1):
            r = minimum_detectable_effect(
                d.X, nb.beta, j, direction, null, target, "nb2", alpha, "ql", None, level, n_sim, seed + k
            )
            est = r.effect + null if term == TERM else math.exp(u * r.effect)
            mc = r.mc_se if term == TERM else est * u * r.mc_se
            rows.append(
                dict(
                    name=f"mde_{term}_{'up' if direction == 1 else 'down'}",
                    estimate=est,
                    ci_low=np.nan,
                    ci_high=np.nan,
                    n=d.n,
                    mc_se=mc,
                    effect_log=r.effect,
                    power_at=r.power_at,
                    n_sim=n_sim,
                    alpha_nb2=alpha,
                    method=f"simulated {int(target * 100)}% power, NB2 generator, QL Wald t, two-sided {level}",
                )
            )
    X, y, names = _xy(frame, covs)
    n, p = X.shape
    rob = poisson_sandwich(X, y, names, hc="HC3", df=n - p)
    for term in Q2_FOCI:
        j = names.index(term)
        u = Q2_PER[term]
        lo, hi, delta = equivalence_bounds(float(rob.beta[j]), float(rob.se[j]), 0.0, level, n - p)
        rows.append(
            dict(
                name=f"equivalence_{term}",
                estimate=math.exp(u * rob.beta[j]),
                ci_low=math.exp(u * lo),
                ci_high=math.exp(u * hi),
                n=n,
                mc_se=NA,
                effect_log=delta,
                delta_rr_low=math.exp(-u * delta),
                delta_rr_high=math.exp(u * delta),
                n_sim=0,
                method=f"TOST bounds: HC3 {int(100 * (1 - 2 * level))}% interval, t(n−p)",
            )
        )
    return pd.DataFrame(rows)


# --- Q3 -----------------------------------------------------------------------------------------


def q3_institutions(
    frame: pd.DataFrame, n_boot: int = 2000, seed: int = 0, level: float = 0.95, max_draws: int = MAX_MEDIAN_DRAWS
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
    max_draws : int
        Most bootstrap medians the Monte Carlo rule may ask for.

    Returns
    -------
    medians : pandas.DataFrame
        Medians of :data:`Q3_COLUMNS` (centres per 10,000 residents aged 65+, outsourced share,
        centres, sites, sites per 100,000 residents) with percentile bootstrap intervals and the Monte Carlo
        SEs of their bounds (:func:`study.models.summarise`); redrawn with more resamples (at most
        ``max_draws``, by default :data:`MAX_MEDIAN_DRAWS`) when a bound's SE is not below half a unit of its
        second decimal.
    implementers : pandas.DataFrame
        Shares (0 to 1) of implementer types of the 多機関協働事業 with Wilson intervals
        (:func:`study.models.tabulate`), largest first.
    """
    med = summarise(frame, Q3_COLUMNS, "median", n_boot, seed, level)
    mc = med[["mc_se_low", "mc_se_high"]].to_numpy().max()
    if mc >= half_unit(PRINTED_DECIMALS):  # the Monte Carlo rule, once, within an affordable number of medians
        need = min(math.ceil(DRAWS_MARGIN * draws_needed(mc, n_boot, PRINTED_DECIMALS)), max_draws)
        if need > n_boot:
            med = summarise(frame, Q3_COLUMNS, "median", need, seed, level)
    imp = tabulate(frame, "implementer_type_takikan", level).sort_values(["estimate", "name"], ascending=[False, True])
    return med, imp.reset_index(drop=True)


# --- tests and multiplicity ---------------------------------------------------------------------


def tests_table(
    scale: pd.DataFrame,
    proportional: pd.DataFrame,
    design_tests: pd.DataFrame,
    need: pd.DataFrame,
    implementers: pd.DataFrame,
    inst_frame: pd.DataFrame,
) -> pd.DataFrame:
    """Every test of the notebook: the declared primary test of each question and the Holm-adjusted
    secondaries (adjusted within their question).

    Parameters
    ----------
    scale : pandas.DataFrame
        :func:`q1_elasticity`.
    proportional : pandas.DataFrame
        :func:`q1_proportional`.
    design_tests : pandas.DataFrame
        HC3 tests of the design indicators (``name, estimate, p_value, n``).
    need : pandas.DataFrame
        :func:`q2_need`.
    implementers : pandas.DataFrame
        :func:`q3_institutions` implementer shares (largest first).
    inst_frame : pandas.DataFrame
        The institutions frame (for the sign test of the outsourced share).

    Returns
    -------
    pandas.DataFrame
        ``question, name, role, statistic, p_value, p_holm`` (secondaries; the primary's own p),
        ``mc_se`` (permutation p), ``n, method``.
    """
    rows = []
    head = scale.iloc[0]
    rows.append(("Q1", "beta_eq_1_hc3", head["statistic"], head["p_value"], NA, head["n"], "HC3 t test of β = 1"))
    pr = proportional.iloc[0]
    rows.append(("Q1", "proportional_f", pr["estimate"], pr["p_value"], NA, pr["n"], pr["method"]))
    for _, r in design_tests.iterrows():
        rows.append(("Q1", f"design_{r['name']}", r["statistic"], r["p_value"], NA, r["n"], "HC3 t test of 0"))
    for _, r in need.iterrows():
        rows.append(
            ("Q2", f"perm_{r['name']}", r["estimate"], r["p_perm"], r["p_perm_mc_se"], r["n"],
             f"permutation (regressor residuals), B = {int(r['n_perm'])}")
        )  # fmt: skip
    if len(implementers):
        top = implementers.iloc[0]
        k, n = int(top["count"]), int(top["n"])
        rows.append(
            ("Q3", "binom_top_implementer", top["estimate"], stats.binomtest(k, n, 0.5).pvalue, NA, n,
             f"exact binomial test of share = 0.5 ({top['name']})")
        )  # fmt: skip
    share = inst_frame["hokatsu_outsourced_share"].dropna().to_numpy()
    above, below = int((share > 0.5).sum()), int((share < 0.5).sum())
    if above + below:
        rows.append(
            ("Q3", "sign_outsourced_share", float(np.median(share)), stats.binomtest(above, above + below).pvalue,
             NA, len(share), "sign test of median outsourced share = 0.5")
        )  # fmt: skip
    out = pd.DataFrame(rows, columns=["question", "name", "statistic", "p_value", "mc_se", "n", "method"])
    out.insert(
        2,
        "role",
        [
            "primary" if PRIMARY_TESTS.get(q) == nm else "secondary"
            for q, nm in zip(out["question"], out["name"], strict=True)
        ],
    )
    out["p_holm"] = out["p_value"]
    for q in out["question"].unique():
        sec = (out["question"] == q) & (out["role"] == "secondary")
        if sec.any():
            out.loc[sec, "p_holm"] = holm(out.loc[sec, "p_value"].to_numpy(float))
    return out


def design_tests(frame: pd.DataFrame, terms: Sequence[str]) -> pd.DataFrame:
    """HC3 t tests that each design indicator is 0 (log rate ratio against single-team plans).

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame's data.
    terms : sequence of str
        Model terms.

    Returns
    -------
    pandas.DataFrame
        One row per design indicator in ``terms``: ``name, estimate`` (log rate ratio), ``statistic``,
        ``p_value``, ``n``.
    """
    X, y, names = _xy(frame, terms)
    n, k = X.shape
    rob = poisson_sandwich(X, y, names, hc="HC3", df=n - k)
    rows = []
    for c in DESIGN_COLUMNS:
        if c in names:
            j = names.index(c)
            rows.append(
                dict(
                    name=c,
                    estimate=float(rob.beta[j]),
                    statistic=float(rob.beta[j] / rob.se[j]),
                    p_value=float(rob.p_value[j]),
                    n=n,
                )
            )
    return pd.DataFrame(rows, columns=["name", "estimate", "statistic", "p_value", "n"])


# --- everything ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffingResults:
    """Every table of the staffing notebook.

    Attributes
    ----------
    frame : study.models.AnalysisFrame
        Plans with a staff figure and a population (Q1, Q2), with exposure and design columns.
    institutions_frame : study.models.AnalysisFrame
        Plans with a population (Q3).
    terms : list of str
        Terms of the Q1 model (log exposure, design indicators, covariates).
    family : {"poisson_ql", "negbin"}
        Count model of the influence diagnostics and Q2.
    scale : pandas.DataFrame
        :func:`q1_elasticity` (primary HC3 row first).
    proportional : pandas.DataFrame
        :func:`q1_proportional`.
    influence, influence_summary : pandas.DataFrame
        :func:`q1_influence`.
    sensitivity : pandas.DataFrame
        :func:`q1_sensitivity`.
    models : ModelComparison
        :func:`q1_models`.
    glmm : pandas.DataFrame
        :func:`q1_glmm`.
    need : pandas.DataFrame
        :func:`q2_need`.
    power : pandas.DataFrame
        :func:`power_table`.
    medians, implementers : pandas.DataFrame
        :func:`q3_institutions`.
    tests : pandas.DataFrame
        :func:`tests_table`.
    analysis_table : pandas.DataFrame
        :func:`frame_table` (the exported analysis frame).
    level : float
        Confidence level of the intervals.
    """

    frame: AnalysisFrame
    institutions_frame: AnalysisFrame
    terms: list[str]
    family: Family
    scale: pd.DataFrame
    proportional: pd.DataFrame
    influence: pd.DataFrame
    influence_summary: pd.DataFrame
    sensitivity: pd.DataFrame
    models: ModelComparison
    glmm: pd.DataFrame
    need: pd.DataFrame
    power: pd.DataFrame
    medians: pd.DataFrame
    implementers: pd.DataFrame
    tests: pd.DataFrame
    analysis_table: pd.DataFrame
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
    frame = staffing_frame(tables, params)
    inst = staffing_frame(tables, replace_design(params), require=("population",))
    df = frame.data
    terms = design_terms(df, params.covariates)
    level, seed = params.confidence, params.seed
    scale = q1_elasticity(df, terms, level)
    prop = q1_proportional(df, terms)
    inf, inf_sum = q1_influence(df, params.family, terms, level)
    sens = q1_sensitivity(tables, params, level)
    models = q1_models(df, terms)
    glmm = q1_glmm(df, terms, level)
    need = q2_need(df, terms, params.family, params.bootstrap_draws, params.permutations, seed, level, params.max_draws)
    power = power_table(df, terms, params.power_simulations, seed)
    med, imp = q3_institutions(inst.data, params.bootstrap_draws, seed, level, min(params.max_draws, MAX_MEDIAN_DRAWS))
    tests = tests_table(scale, prop, design_tests(df, terms), need, imp, inst.data)
    return StaffingResults(
        frame, inst, terms, params.family, scale, prop, inf, inf_sum, sens, models, glmm, need, power, med, imp,
        tests, frame_table(df, terms), level,
    )  # fmt: skip


def replace_design(params: StaffingParams) -> StaffingParams:
    """The parameters with every design kept (Q3 describes all plans, whatever the Q1 stratification)."""
    return params.model_copy(update={"design": "adjusted"})


# --- headline -----------------------------------------------------------------------------------


def printed_decimals(mc_se: float, most: int = 3) -> int:
    """Decimals a random number may be printed with: the most (up to ``most``) whose half unit exceeds its
    Monte Carlo SE (:func:`study.models.montecarlo.half_unit`); 0 when even that fails."""
    for d in range(most, -1, -1):
        if not np.isfinite(mc_se) or mc_se < half_unit(d):
            return d
    return 0


def _records(
    table: pd.DataFrame,
    name: str,
    label: str,
    method: str,
    *,
    estimate: str = "estimate",
    n: str = "n",
    interval: tuple[str, str] | None = ("ci_low", "ci_high"),
    unit: str = "",
    reference: float | None = None,
    mc_se: str | None = None,
    keep: Mapping[str, str] | None = None,
) -> list[HeadlineResult]:
    """One headline record per row of ``table``: ``name``, ``label`` and ``method`` are format strings over
    the row's columns (e.g. ``"beta_{name}"``); the other arguments name columns (``mc_se`` a column whose
    finite values are the record's Monte Carlo SE; NaN for a deterministic row; ``keep`` maps extra record
    keys to the columns they copy, as strings)."""
    out: list[HeadlineResult] = []
    for _, r in table.iterrows():
        row = r.to_dict()
        mc = row[mc_se] if mc_se is not None and np.isfinite(row[mc_se]) else None
        out.append(
            headline_result(
                name.format(**row),
                row[estimate],
                n=row[n],
                interval=None if interval is None else (row[interval[0]], row[interval[1]]),
                label=label.format(**row),
                unit=unit,
                method=method.format(**row),
                reference=reference,
                mc_se=mc,
            )
        )
        out[-1].update({k: str(row[c]) for k, c in (keep or {}).items()})  # type: ignore[typeddict-item]
    return out


def staffing_headline(results: StaffingResults) -> list[HeadlineResult]:
    """The staffing notebook's headline numbers (for ``context.record_results``).

    Parameters
    ----------
    results : StaffingResults
        :func:`analyse_staffing`.

    Returns
    -------
    list of HeadlineResult
        β (primary HC3 and secondary intervals), the F test of proportional staffing, influence,
        sensitivities, model comparison, GLMMs, Q2 rate ratios with Monte Carlo errors and permutation p,
        minimum detectable effects and equivalence bounds, Q3 medians and shares, and the tests with their
        role (primary / Holm-adjusted secondary). Random quantities carry ``mc_se``.
    """
    el = "elasticity"
    inf = results.influence
    over = inf[inf["over_cutoff"]].assign(n=len(inf) - 1)
    need = results.need.assign(
        rr_mc_se=results.need[["rr_mc_se_low", "rr_mc_se_high"]].max(axis=1),
        n_boot=results.need["n_boot"].astype(int),
        n_perm=results.need["n_perm"].astype(int),
    )
    power = results.power
    eq = power["name"].str.startswith("equivalence_")
    glmm = results.glmm.assign(
        extra=np.where(results.glmm["name"].str.endswith("olre"), " and an observation-level effect", "")
    )
    tests = results.tests.assign(
        reported=np.where(results.tests["role"] == "primary", results.tests["p_value"], results.tests["p_holm"]),
        adjusted=[
            "" if r == "primary" else f" (Holm-adjusted; unadjusted p = {p:.3g})"
            for r, p in zip(results.tests["role"], results.tests["p_value"], strict=True)
        ],
    )
    design_label = "elasticity of planned staff on catchment population given design ({role} interval)"
    out = [
        *_records(results.scale, "beta_{name}", design_label, "{role}: {method}", unit=el, reference=1.0),
        *_records(
            results.proportional,
            "proportional_f",
            "F test of proportional staffing (F(1, {df_den}), p = {p_value:.2g})",
            "{method}",
            interval=None,
            unit="F",
        ),
        *_records(
            results.influence_summary,
            "beta_leave_one_out_range",
            "β and the range of its leave-one-out estimates (most influential: {most_influential})",
            results.family,
            unit=el,
        ),
        headline_result("n_cooks_over_4_n", len(over), n=len(inf), label="plans with Cook's D > 4/n", unit="plans"),
        *_records(
            over,
            "beta_without_{entity_id}",
            "β without {name} (Cook's D = {cooks_d:.2g})",
            f"{results.family}, exact leave-one-out",
            estimate="loo_estimate",
            interval=None,
            unit=el,
            keep={"entity_id": "entity_id", "entity_name": "name"},  # readers see the plan's name
        ),
        *_records(
            results.sensitivity,
            "beta_sensitivity_{name}",
            "β, sensitivity {name} ({n_changed} plans coded or weighted differently)",
            "{method}",
            unit=el,
            reference=1.0,
        ),
        *_records(
            results.models.table.assign(
                binary=[
                    (
                        "; binary part intercept-only: log exposure separates the zeros"
                        if f.startswith("hurdle") and results.models.separated
                        else ""
                    )
                    for f in results.models.table["family"]
                ]
            ),
            "model_{name}_aic",
            "AIC of {family} (head counts; β = {beta:.3f}, zeros expected {expected_zeros:.2f} vs "
            "{observed_zeros} observed{binary})",
            "maximum likelihood",
            estimate="aic",
            interval=None,
            unit="AIC",
        ),
        *_records(
            glmm,
            "beta_{name}",
            "β in a Poisson GLMM with a prefecture random intercept{extra}",
            "{method}, Wald z",
            unit=el,
            reference=1.0,
        ),
        *_records(
            glmm,
            "sd_prefecture_{name}",
            "SD of the prefecture random intercept (log-rate scale)",
            "{method}",
            estimate="sd_prefecture",
            n="n_groups",
            interval=None,
            unit="SD",
        ),
        *_records(
            glmm[np.isfinite(glmm["sd_observation"])],
            "sd_observation_{name}",
            "SD of the observation-level random effect (log-rate scale)",
            "{method}",
            estimate="sd_observation",
            interval=None,
            unit="SD",
        ),
        *_records(
            need,
            "rate_ratio_{name}_per10",
            "rate ratio of planned staff per 10 points of {name} given population and design (BCa; claim vs 1: "
            "{claim}; permutation p {p_perm_text})",
            "bca, B = {n_boot}",
            estimate="rate_ratio",
            interval=("rr_low", "rr_high"),
            unit="ratio",
            reference=1.0,
            mc_se="rr_mc_se",
        ),
        *_records(
            need,
            "p_perm_{name}",
            "permutation p of {name} given population and design ({p_perm_text})",
            "regressor-residual permutation, B = {n_perm}",
            estimate="p_perm",
            interval=None,
            unit="p",
            mc_se="p_perm_mc_se",
        ),
        *_records(
            power[~eq & power["name"].str.contains("log_exposure")],
            "{name}",
            "minimum detectable β at 80% power",
            "{method}",
            interval=None,
            unit=el,
            reference=1.0,
            mc_se="mc_se",
        ),
        *_records(
            power[~eq & ~power["name"].str.contains("log_exposure")],
            "{name}",
            "minimum detectable rate ratio per 10 points at 80% power",
            "{method}",
            interval=None,
            unit="ratio",
            reference=1.0,
            mc_se="mc_se",
        ),
        *_records(
            power[eq],
            "{name}",
            "equivalence: effects beyond rate ratio {delta_rr_low:.2f}–{delta_rr_high:.2f} per 10 points excluded",
            "{method}",
            unit="ratio",
            reference=1.0,
        ),
        *_records(
            results.medians.assign(mc_se=results.medians[["mc_se_low", "mc_se_high"]].max(axis=1)),
            "median_{name}",
            "median {name}",
            "percentile bootstrap, B = {n_boot}",
            mc_se="mc_se",
        ),
        *_records(
            results.implementers.head(1),
            "share_implementer_{name}",
            "share of 多機関協働事業 run by {name}",
            "wilson",
            unit="share",
        ),
        *_records(
            tests,
            "test_{name}",
            "{question} {role} test: {method}{adjusted}",
            "{role} ({question})",
            estimate="reported",
            interval=None,
            unit="p",
            mc_se="mc_se",
        ),
    ]
    return out


# --- figures ---------------------------------------------------------------


_DESIGN_STYLE = {
    "single_team": ("o", "#4c72b0", 28),
    "per_site": ("s", "#55a868", 40),
    "designated_existing": ("D", "#c44e52", 50),
}


def fig_scale(frame: pd.DataFrame, scale: pd.DataFrame, lang: Lang = "ja", level: float = 0.95) -> Figure:
    """Planned staff against exposure population by deployment design, with the headline fit per design.

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame's data (``exposure_population`` in residents, ``staff`` in persons, ``design``).
    scale : pandas.DataFrame
        :func:`q1_elasticity` (its β is drawn, with each design's intercept).
    lang : {"ja", "en"}
        Label language.
    level : float
        Confidence level (unused by the lines; kept for the notebook's call).

    Returns
    -------
    matplotlib.figure.Figure
        Log-log scatter (zero drawn at the bottom), one marker per design, plans placing nobody named.
    """
    fig, ax = new_figure()
    pop, y = frame["exposure_population"].to_numpy(float), frame["staff"].to_numpy(float)
    terms = [t for t in scale["covariates"].iloc[0].split(" + ")]
    fit = fit_count(frame, "poisson_ql", "staff", terms, level=level)
    coef = fit.params.set_index("name")["estimate"]
    grid = np.exp(np.linspace(np.log(pop.min()), np.log(pop.max()), 100))
    b = float(coef[TERM])
    for level_name, (marker, colour, size) in _DESIGN_STYLE.items():
        m = (frame["design"] == level_name).to_numpy()
        if not m.any():
            continue
        ax.scatter(pop[m], y[m], s=size, marker=marker, color=colour, alpha=0.85,
                   label=f"{label('design_' + level_name, lang)} (n = {int(m.sum())})")  # fmt: skip
        shift = float(coef.get(f"design_{level_name}", 0.0))
        ax.plot(grid, np.exp(coef["const"] + shift + b * np.log(grid)), color=colour, lw=1.5)
    for xx, yy, nm in zip(pop[y == 0], y[y == 0], frame["name"][y == 0], strict=True):
        ax.annotate(str(nm), (xx, yy), xytext=(-40, 6), textcoords="offset points", fontsize=8)
    ax.set_xscale("log")
    ax.set_yscale("symlog", linthresh=1)
    top = 10 ** np.ceil(np.log10(max(float(np.nanmax(y)), 1.0)) + 0.3)
    ax.set_ylim(-0.3, top)
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    ax.yaxis.set_major_locator(FixedLocator([0] + [10.0**e for e in range(int(np.log10(top)) + 1)]))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.set_xlabel(label("exposure_population", lang))
    ax.set_ylabel(wrap(text("staff", lang) + text("symlog", lang), 44))
    ax.set_title(f"n = {len(frame)}; β = {b:.2f}")
    ax.legend(fontsize=8, loc="upper left")
    return fig


def scale_labels(scale: pd.DataFrame, lang: Lang) -> list[str]:
    """Row labels of the Q1 forest plot: the interval type and its role.

    Parameters
    ----------
    scale : pandas.DataFrame
        :func:`q1_elasticity`.
    lang : {"ja", "en"}
        Label language.

    Returns
    -------
    list of str
        One label per row.
    """
    return [f"{label('iv_' + n, lang)} ({label(r, lang)})" for n, r in zip(scale["name"], scale["role"], strict=True)]


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
        Two panels sharing the plan axis; plans over the cut-off in red.
    """
    import matplotlib.pyplot as plt

    shown = table.head(top).iloc[::-1]
    n = len(table)
    fig, (a1, a2) = plt.subplots(1, 2, sharey=True, figsize=(9, 0.3 * len(shown) + 1.8), layout="constrained")
    colours = ["#c44e52" if h else "#4c72b0" for h in shown["over_cutoff"]]
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
    fig.suptitle(f"n = {n}; Cook's D > 4/n: {'赤' if lang == 'ja' else 'red'}", fontsize=10)
    return fig


def fig_rootogram(models: ModelComparison, lang: Lang = "ja") -> Figure:
    """Hanging rootograms of the compared count models (head counts).

    Parameters
    ----------
    models : ModelComparison
        :func:`q1_models`.
    lang : {"ja", "en"}
        Label language.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per model: bars of √observed hanging from the √expected curve (a bar ending below 0
        means the model predicts too few plans with that count), counts 0–10 (larger counts are not drawn).
    """
    import matplotlib.pyplot as plt

    names = list(dict.fromkeys(models.rootograms["model"]))
    fig, axes = plt.subplots(1, len(names), sharey=True, figsize=(2.6 * len(names), 3.2), layout="constrained")
    for ax, name in zip(np.atleast_1d(axes), names, strict=True):
        r = models.rootograms[models.rootograms["model"] == name]
        r = r[r["count"] <= 10]
        top = np.sqrt(r["expected"].to_numpy())
        ax.bar(r["count"], np.sqrt(r["observed"]), bottom=top - np.sqrt(r["observed"]), color="#999999", width=0.8)
        ax.plot(r["count"], top, color="#c44e52", marker=".", lw=1.5)
        ax.axhline(0, color="k", lw=0.8)
        ax.set_title(value_label(name, lang), fontsize=9)
        ax.set_xticks(range(0, 11, 2))
        ax.set_xlabel(label("staff_headcount", lang))
    np.atleast_1d(axes)[0].set_ylabel(label("sqrt_frequency", lang))
    fig.suptitle(f"n = {int(models.table['n'].iloc[0])}", fontsize=10)
    return fig
