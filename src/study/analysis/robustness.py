"""Question 6 (notebook ``40_robustness``): the specification curve of the staffing elasticity β with
its permutation null curve, with_test two-sided under balanced weights, and n per specification.

:func:`analyse_robustness` takes the notebook's parameters (:class:`study.parameters.RobustnessParams`)
and returns :class:`RobustnessResults`; every number comes from :mod:`study.models.speccurve` and
:mod:`study.models.speccurve_inference`.

The choices crossed: staffing measure, welfare reading (only where it is a covariate), exclusion of
the plan placing no 推進員, the staffing-design coding (the clean's ``staffing_design``; ``unclear``
plans in or out), the exposure (whole population or the multi-agency project's catchment), the
covariate set and the count model. Declared tests (``params/README.md``): the **primary** test of Q6
is the two-sided permutation p of the weighted median β against the null curve; the share of
specifications with the majority sign (its null probability) and the share of significant same-sign
specifications are secondary and Holm-adjusted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from study.analysis.plotting import text
from study.analysis.prose import choice_label
from study.analysis.tables import Tables, choice_summary_table
from study.models.results import HeadlineResult, headline_result
from study.models.speccurve import COVARIATE_SETS, SpecCurve
from study.models.speccurve_inference import SampleSizes
from study.parameters import Lang, RobustnessParams

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Choice columns of the specification grid, in the order of the indicator panel.
SPEC_CHOICES = ("family", "exposure", "design", "staffing", "welfare", "exclusion", "covariates")


def choice_text(choice: str, option: str | None, lang: Lang) -> str:
    """The label of a choice (``option`` None) or of one of its options, in the label language.

    Parameters
    ----------
    choice : str
        Choice column (:data:`SPEC_CHOICES`).
    option : str or None
        The option; None for the choice itself.
    lang : {"ja", "en"}
        Language.

    Returns
    -------
    str
        :func:`study.analysis.prose.choice_label`, else the figure label of ``choice_<choice>`` / ``opt_<option>``
        (:func:`study.analysis.plotting.text`, which gives the key itself when it has none).
    """
    return choice_label(choice, option, lang) or text(f"choice_{choice}" if option is None else f"opt_{option}", lang)


@dataclass(frozen=True)
class RobustnessResults:
    """The specification curve of the robustness notebook.

    Attributes
    ----------
    curve : study.models.SpecCurve
        Specifications, null curve and summary (:func:`study.models.specification_curve`).
    inference : pandas.DataFrame
        Rows ``median`` (weighted median β with its two-sided permutation p) and ``share_same_sign``
        (weighted share with the majority sign and its null probability)
        (:func:`study.models.speccurve_inference.curve_inference`).
    weights : numpy.ndarray
        Weight of each specification (in the order of ``specs``; sums to 1).
    sizes : study.models.speccurve_inference.SampleSizes
        n per specification and every plan left out with its reason.
    weighting : str
        ``balanced`` or ``equal``.
    """

    curve: SpecCurve
    inference: pd.DataFrame
    weights: np.ndarray
    sizes: SampleSizes
    weighting: str = "balanced"

    @property
    def specs(self) -> pd.DataFrame:
        """One row per specification, ranked by β (unitless), with its interval, ``n`` (plans) and weight."""
        return self.curve.specs.assign(weight=self.weights)

    @property
    def null_curve(self) -> pd.DataFrame:
        """Per rank, the quantiles of the ranked β under the permutation null."""
        return self.curve.null_curve

    @property
    def summary(self) -> pd.DataFrame:
        """One row: specifications, median β, shares, permutation p-values (unweighted, one-sided)."""
        return self.curve.summary


def analyse_robustness(tables: Tables, params: RobustnessParams) -> RobustnessResults:
    """The specification curve of β over the parameters' choices, its tests and its sample sizes.

    Parameters
    ----------
    tables : Tables
        The cleaned tables (:func:`study.analysis.tables.load_tables`).
    params : study.parameters.RobustnessParams
        The notebook's parameters (the choices crossed, weighting, permutations, seed, confidence).

    Returns
    -------
    RobustnessResults
        The curve with its permutation null curve, the two-sided tests and n per specification.
    """
    from study.models import specification_curve
    from study.models.speccurve_inference import balanced_weights, curve_inference, specification_sample_sizes

    choices = dict(
        staffing=tuple(params.staffing_measures),
        welfare=tuple(params.welfare_readings),
        exclusions=tuple(params.exclusions),
        covariate_sets={k: COVARIATE_SETS[k] for k in params.covariate_sets},
        families=tuple(params.families),
        designs=tuple(params.designs),
        exposures=tuple(params.exposures),
    )
    curve = specification_curve(
        tables.entities,
        tables.corrections,
        focal="log_pop",
        y="staff",
        null=0.0,
        level=params.confidence,
        n_perm=params.permutations,
        seed=params.seed,
        **choices,
    )
    specs = curve.specs
    w = balanced_weights(specs) if params.weighting == "balanced" else np.full(len(specs), 1.0 / len(specs))
    inference = (
        curve_inference(specs, curve.null_draws, 0.0, weights=w).assign(weighting=params.weighting)
        if params.permutations
        else pd.DataFrame()
    )
    sizes = specification_sample_sizes(tables.entities, tables.corrections, focal="log_pop", y="staff", **choices)
    return RobustnessResults(curve, inference, w, sizes, params.weighting)


def choice_summary(results: RobustnessResults) -> pd.DataFrame:
    """Per choice and option: the specifications, their estimates and their total weight.

    Parameters
    ----------
    results : RobustnessResults
        :func:`analyse_robustness`.

    Returns
    -------
    pandas.DataFrame
        ``choice, option, n_specs``, median / min / max β (unitless), share whose interval excludes
        zero (0 to 1), ``n_min`` and ``n_max`` (plans), and ``weight`` (the option's total weight, 0 to 1).
    """
    specs = results.specs
    table = choice_summary_table(specs, SPEC_CHOICES, {"share_excluding_zero": "significant"}, n_range=True)
    weight = [
        float(specs.loc[specs[c].astype(str) == o, "weight"].sum())
        for c, o in zip(table["choice"], table["option"], strict=True)
    ]
    return table.assign(weight=weight)


def size_tables(results: RobustnessResults) -> tuple[pd.DataFrame, pd.DataFrame]:
    """n per specification, and every plan left out of some specification with why, as readers' tables.

    Parameters
    ----------
    results : RobustnessResults
        :func:`analyse_robustness`.

    Returns
    -------
    per_spec : pandas.DataFrame
        One row per specification: ``name, n`` (plans), ``n_frame`` (plans in its frame),
        ``n_missing`` (plans dropped for a missing value), ``note`` (who and why), and the choices;
        smallest n first.
    reasons : pandas.DataFrame
        ``plan, entity_id, stage`` (``frame``: the frame's rules; ``missing``: a value missing),
        ``reason``, ``n_specs`` (specifications it is left out of) and ``share_specs`` (0 to 1).
    """
    ps = results.sizes.per_spec
    cols = ["name", "n", "n_frame", "n_missing", "note", *[c for c in SPEC_CHOICES if c in ps]]
    per_spec = ps[cols].sort_values(["n", "name"]).reset_index(drop=True)
    g = results.sizes.dropped.groupby(["plan", "entity_id", "stage", "reason"]).size().rename("n_specs").reset_index()
    g["share_specs"] = g["n_specs"] / len(ps)
    reasons = g.sort_values(["n_specs", "entity_id", "reason"], ascending=[False, True, True]).reset_index(drop=True)
    return per_spec, reasons


def robustness_headline(results: RobustnessResults) -> list[HeadlineResult]:
    """The robustness notebook's headline numbers, with the declared tests.

    Parameters
    ----------
    results : RobustnessResults
        :func:`analyse_robustness`.

    Returns
    -------
    list of HeadlineResult
        The weighted median β (elasticity) with its range, specifications fitted, the weighted shares
        (0 to 1) with the majority sign and excluding zero, and (with a null curve) the primary
        two-sided p of the median and the secondary p-values (Holm-adjusted).
    """
    from study.analysis.hypotheses import adjust_secondary, p_result

    result = headline_result
    row = results.summary.iloc[0]
    specs = results.specs
    n = int(row["n"])
    w = specs["weight"].to_numpy(float)
    wlabel = (
        "balanced weights: each option of each choice weighs the same, nested options share their cell"
        if results.weighting == "balanced"
        else "equal weights per specification"
    )
    inf = results.inference.set_index("name") if len(results.inference) else None
    med = float(inf.loc["median", "estimate"]) if inf is not None else float(np.median(specs["estimate"]))
    sign = float(inf.loc["share_same_sign", "sign"]) if inf is not None else float(np.sign(med) or 1.0)
    same = float(np.sum(w * (np.sign(specs["estimate"].to_numpy()) == sign)))
    extra = {"weighting": results.weighting, "n_min": int(row["n_min"])}
    out = [
        {
            **result(
                "spec_median_beta",
                med,
                n=n,
                interval=(row["ci_low"], row["ci_high"]),
                unit="elasticity",
                label=f"weighted median β over {int(row['n_specs'])} specifications (interval: smallest to largest "
                f"estimate; n {int(row['n_min'])}–{n})",
                method=f"specification curve; {wlabel}",
                reference=0.0,
            ),
            **extra,
        },
        result("spec_n_specs", int(row["n_specs"]), n=n, label="specifications fitted", unit="specifications"),
        {
            **result(
                "spec_share_same_sign",
                same,
                n=n,
                label="weighted share of specifications with the majority sign",
                unit="share",
                method=wlabel,
            ),
            "sign": int(sign),
            **extra,
        },
        {
            **result(
                "spec_share_excluding_zero",
                float(np.sum(w * specs["significant"].to_numpy(bool))),
                n=n,
                label="weighted share of specifications whose interval excludes 0",
                unit="share",
                method=wlabel,
            ),
            **extra,
        },
    ]
    if inf is not None:
        m, ss = inf.loc["median"], inf.loc["share_same_sign"]
        B = int(m["n_perm"])
        out.append(
            p_result(
                "spec_p_median",
                m["p_value"],
                n=n,
                label=f"two-sided permutation p of the weighted median β ({B} permutations)",
                method=f"null curve (β = 0 in every specification at once); {wlabel}",
                role="primary",
                test="weighted median β = 0 against the permutation null curve (two-sided)",
                n_draws=B,
                p_one_sided=m["p_one_sided"],
                null_mean=m["null_mean"],
            )
        )
        out.append(
            p_result(
                "spec_p_same_sign",
                ss["p_value"],
                n=n,
                label="null probability of the weighted share with the majority sign",
                method=f"null curve; {wlabel}",
                role="secondary",
                test="share with the majority sign no larger than under the null curve (majority sign "
                "chosen after seeing the data, so two-sided)",
                n_draws=int(ss["n_perm"]),
                null_mean=ss["null_mean"],
            )
        )
        out.append(
            p_result(
                "spec_p_share_significant",
                row["p_share_significant"],
                n=n,
                label="permutation p of the share of significant same-sign specifications (unweighted)",
                method="null curve",
                role="secondary",
                test="share of specifications significant with the median's sign no larger than under the null "
                "curve (one-sided)",
                n_draws=int(row["n_perm"]),
            )
        )
    return adjust_secondary(out)


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
    from study.analysis.figures import fig_specification_curve

    return fig_specification_curve(
        results.specs,
        results.summary.iloc[0],
        SPEC_CHOICES,
        "significant",
        lang,
        null_curve=results.null_curve,
        choice_label=choice_text,
    )
