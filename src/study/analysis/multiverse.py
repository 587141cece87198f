"""The multiverse (notebook ``50_multiverse``, heavy): the staffing elasticity in every combination of
the declared analysis choices, each with a pairs-bootstrap interval.

The choices crossed (:class:`study.parameters.MultiverseParams`), all declared elsewhere in the project:

* **exposure** -- elasticity with respect to total population (``log_pop``), the population aged
  65+ (``log_older``) or the population of the multi-agency project's catchment
  (``log_catchment`` = log ``catchment_population`` of the clean; plans without one left out);
* **family** -- Poisson quasi-likelihood or NB2;
* **covariate set** -- the named sets of the specification curve (:data:`study.models.speccurve.COVARIATE_SETS`);
* **welfare reading** -- the cleaning's unit corrections of the public-assistance rate kept, or the
  printed number read as % (:mod:`study.models.frame`); crossed only where the rate is a covariate
  (elsewhere ``n/a``), so no specification is a copy of another;
* **staffing measure** -- as printed, rounded up to a head count, or fractional figures dropped;
* **ambiguous staffing cells** -- cells the cleaning left null because they have two readings
  (``2拠点に1名配置``: one in total, or one at each site; found in ``issues.csv`` with check
  ``ambiguous``): left out, ``one_in_total`` (M) or ``one_each`` (N × M);
* **exclusions** -- none, the plan placing no 推進員, the hub plans, both;
* **hub coding** (staffing design) -- which plans are hub plans when an exclusion drops them: the
  plans the clean codes ``staffing_design = designated_existing``, or those and the ``per_site``
  plans; crossed only with the hub exclusions (elsewhere ``n/a``).

Every specification's bootstrap uses the same block streams (child b of
``SeedSequence(seed)`` for draws 256·b…; :mod:`study.models.parallel`), and the specifications run
on an executor (in-process, local processes, Dask) without changing any number.

Monte Carlo error: each bound carries its MC SE (:func:`study.models.montecarlo.percentile_bounds_mc_se`
or :func:`~study.models.montecarlo.bca_bounds_mc_se`), and each share of specifications its MC SE by
:func:`study.models.montecarlo.share_mc_se` with the ``"comonotone"`` rule: an upper bound, since the
shared streams make the specifications' errors move together (the independent value would under-state it).
Checked on the reduced multiverse (648 specifications, 100 draws) over 12 seeds: the share excluding 0 moved
with SD about 1.4 points, between the independent value (0.7) and the bound reported (5.8); the bound is
safe for the printed digits, not a measure of the likely error (``tests/test_multiverse_mc.py``).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from study.analysis.tables import Tables, choice_summary_table, read_csv
from study.models.montecarlo import share_mc_se, side_probabilities
from study.models.results import HeadlineResult, headline_result
from study.parameters import Lang, MultiverseParams

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: The exposure term of each exposure choice (log persons).
EXPOSURES = {"population": "log_pop", "older_population": "log_older", "catchment_population": "log_catchment"}
#: Coded deployment designs (:data:`study.models.frame.DESIGNS`) counted as hub plans by each hub coding.
HUB_CODINGS = {
    "designated_existing": ("designated_existing",),
    "multi_site": ("designated_existing", "per_site"),
}
#: Choice columns of the multiverse, in the order of the indicator panel.
CHOICES = ("exposure", "family", "covariates", "welfare", "staffing", "ambiguous", "exclusion", "hub_coding")
#: How to run it (shown in the index when it was not run).
HOW_TO_RUN = "make multiverse   (or: study report --heavy; study run params/multiverse.yaml [--scheduler ADDRESS])"

#: The shares of specifications: column of the share -> (indicator column, column of its probability on a rerun).
SHARES = {
    "share_excluding_zero": ("excludes_zero", "excludes_zero_prob"),
    "share_below_one": ("below_one", "below_one_prob"),
}
#: How the MC SE of a share treats the specifications' dependence (:func:`study.models.montecarlo.share_mc_se`).
SHARE_MC_SE_RULE = "comonotone"

_PER_SITE = re.compile(r"(\d+)\s*(?:拠点|か所|箇所|ヶ所|カ所|ケ所)\s*に?\s*(\d+(?:\.\d+)?)\s*(?:名|人)")


def ambiguous_staff_readings(issues: pd.DataFrame) -> pd.DataFrame:
    """The two readings of each staffing cell the cleaning left null as ambiguous.

    Parameters
    ----------
    issues : pandas.DataFrame
        The issues log (``issues.csv``: ``entity_id, field, raw, reason, check``).

    Returns
    -------
    pandas.DataFrame
        ``entity_id, raw, one_in_total, one_each`` (persons): for ``N拠点にM名``, M and N × M. Ambiguous
        cells of another form have no reading here and stay null in every specification.
    """
    rows = issues[(issues["field"] == "staff_planned") & (issues["check"] == "ambiguous")]
    out = []
    for eid, raw in zip(rows["entity_id"], rows["raw"], strict=True):
        m = _PER_SITE.search(unicodedata.normalize("NFKC", str(raw)))
        if m:
            sites, per = int(m.group(1)), float(m.group(2))
            out.append(dict(entity_id=str(eid), raw=str(raw), one_in_total=per, one_each=sites * per))
    return pd.DataFrame(out, columns=["entity_id", "raw", "one_in_total", "one_each"])


def load_issues(tables: Tables) -> pd.DataFrame:
    """The issues log next to the cleaned tables (``issues.csv`` of ``tables.source``)."""
    return read_csv(Path(tables.source) / "issues.csv")


def multiverse_grid(params: MultiverseParams) -> pd.DataFrame:
    """Every specification: the full factorial of the choices (welfare crossed only where it is a covariate).

    Parameters
    ----------
    params : study.parameters.MultiverseParams
        The choices.

    Returns
    -------
    pandas.DataFrame
        One row per specification: ``spec`` (its number), ``exposure, family, covariates, welfare,
        staffing, ambiguous, exclusion, hub_coding`` (``n/a`` where the exclusion keeps the hub plans).
    """
    from study.models.speccurve import COVARIATE_SETS, EXCLUSIONS

    rows = []
    for ex, fam, cs, st, amb, exc in itertools.product(
        params.exposures,
        params.families,
        params.covariate_sets,
        params.staffing_measures,
        params.ambiguous_readings,
        params.exclusions,
    ):
        welfare = params.welfare_readings if "welfare_rate_permille" in COVARIATE_SETS[cs] else ["n/a"]
        hubs = params.hub_codings if EXCLUSIONS[exc][1] else ["n/a"]
        # one value per choice, in the order of CHOICES
        rows.extend((ex, fam, cs, wf, st, amb, exc, hub) for wf, hub in itertools.product(welfare, hubs))
    grid = pd.DataFrame(rows, columns=list(CHOICES))
    grid.insert(0, "spec", np.arange(1, len(grid) + 1))
    return grid


def _entities_with_reading(entities: pd.DataFrame, readings: pd.DataFrame, reading: str) -> pd.DataFrame:
    if reading == "null" or readings.empty:
        return entities
    out = entities.copy()
    value = dict(zip(readings["entity_id"], readings[reading], strict=True))
    ids = out["entity_id"].astype(str)
    hit = ids.isin(value) & out["staff_planned"].isna()
    out.loc[hit, "staff_planned"] = ids[hit].map(value).astype(float)
    return out


def _fit_spec(shared: tuple, item: tuple) -> dict[str, Any]:
    """One specification: the exposure's coefficient, its model-based SE and its bootstrap interval with the
    Monte Carlo SEs of its bounds."""
    from study.models import kernels
    from study.models.montecarlo import bca_bounds_mc_se, percentile_bounds_mc_se
    from study.models.resample import KERNEL_FAMILIES, bootstrap_draws, jackknife_weights, kernel_fit, summarise_draws

    n_boot, seed, level, method = shared
    spec, X, y, j, names = item
    fam = spec["family"]
    fit = kernel_fit(fam, X, y)
    beta = np.atleast_1d(fit.beta)
    se = np.atleast_1d(kernels.wald_se(KERNEL_FAMILIES[fam], X, y, fit))
    draws = bootstrap_draws(fam, X, y, None, n_boot, seed)
    jk = (
        kernel_fit(fam, X, y, jackknife_weights(len(y))).beta
        if method == "bca"
        else np.full((len(y), X.shape[1]), np.nan)
    )
    row = summarise_draws([names[j]], beta[[j]], draws[:, [j]], jk[:, [j]], len(y), level, method).iloc[0]
    if method == "bca":
        mc_lo, mc_hi = bca_bounds_mc_se(float(beta[j]), draws[:, j], jk[:, j], level)
    else:
        mc_lo, mc_hi = percentile_bounds_mc_se(draws[:, j], level)
    return dict(
        spec,
        estimate=float(beta[j]),
        se=float(se[j]),
        ci_low=float(row["ci_low"]),
        ci_high=float(row["ci_high"]),
        mc_se_low=float(mc_lo),
        mc_se_high=float(mc_hi),
        n=len(y),
        se_boot=float(row["se_boot"]),
        n_boot=int(n_boot),
        n_failed=int(row["n_failed"]),
        term=names[j],
    )


@dataclass(frozen=True)
class MultiverseResults:
    """The multiverse: ``specs`` (one row per specification, ranked by the elasticity, with its bootstrap
    interval, the bounds' Monte Carlo SEs and the probability of each indicator on a rerun), ``summary``
    (one row, the shares with their MC SEs) and the ambiguous cells' ``readings``."""

    specs: pd.DataFrame
    summary: pd.DataFrame
    readings: pd.DataFrame
    fits: int


def analyse_multiverse(
    tables: Tables, params: MultiverseParams, executor: Any = None, issues: pd.DataFrame | None = None
) -> MultiverseResults:
    """Fit every specification of :func:`multiverse_grid` with its bootstrap interval.

    Parameters
    ----------
    tables : Tables
        The cleaned tables.
    params : study.parameters.MultiverseParams
        Choices, draws, seed, level; ``scheduler``/``workers`` say where it runs.
    executor : optional
        Overrides ``params.scheduler``/``params.workers`` (:func:`study.models.parallel.get_executor`).
    issues : pandas.DataFrame, optional
        The issues log (default: ``issues.csv`` next to the tables).

    Returns
    -------
    MultiverseResults
        Elasticities (unitless) with intervals, and the summary.
    """
    from study.models.design import design
    from study.models.frame import analysis_frame
    from study.models.parallel import map_items
    from study.models.speccurve import COVARIATE_SETS, EXCLUSIONS

    if executor is None:
        executor = params.scheduler if params.scheduler else (params.workers if params.workers > 1 else None)
    readings = ambiguous_staff_readings(load_issues(tables) if issues is None else issues)
    grid = multiverse_grid(params)
    frames: dict[tuple, pd.DataFrame] = {}
    items = []
    for spec in grid.to_dict("records"):
        wf = spec["welfare"] if spec["welfare"] != "n/a" else "corrected"
        key = (spec["staffing"], wf, spec["ambiguous"], spec["exclusion"], spec["hub_coding"])
        if key not in frames:
            z, h = EXCLUSIONS[spec["exclusion"]]
            ent = _entities_with_reading(tables.entities, readings, spec["ambiguous"])
            data = analysis_frame(
                ent,
                tables.corrections,
                staffing=spec["staffing"],
                welfare=wf,
                exclude_zero_staff=z,
                exclude_designs=HUB_CODINGS[spec["hub_coding"]] if h else (),
            ).data
            data["log_catchment"] = np.log(pd.to_numeric(data["catchment_population"]).where(lambda v: v > 0))
            frames[key] = data
        focal = EXPOSURES[spec["exposure"]]
        d = design(frames[key], "staff", [focal, *COVARIATE_SETS[spec["covariates"]]])
        items.append((spec, d.X, d.y, d.col(focal), list(d.names)))
    shared = (params.bootstrap_draws, params.seed, params.confidence, params.interval)
    rows = map_items(_fit_spec, shared, items, executor=executor)
    specs = pd.DataFrame(rows)
    specs["excludes_zero"] = (specs["ci_low"] > 0) | (specs["ci_high"] < 0)
    specs["below_one"] = specs["ci_high"] < 1
    # probability that each indicator holds with other random streams (for the shares' MC SE)
    specs["excludes_zero_prob"] = np.minimum(
        side_probabilities(specs["ci_low"], specs["mc_se_low"], 0.0, "above")
        + side_probabilities(specs["ci_high"], specs["mc_se_high"], 0.0, "below"),
        1.0,
    )
    specs["below_one_prob"] = side_probabilities(specs["ci_high"], specs["mc_se_high"], 1.0, "below")
    specs = specs.iloc[np.argsort(specs["estimate"].to_numpy(), kind="stable")].reset_index(drop=True)
    specs.insert(1, "rank", np.arange(1, len(specs) + 1))
    est = specs["estimate"].to_numpy()
    jack = params.interval == "bca"
    fits = int(sum(1 + params.bootstrap_draws + (len(it[2]) if jack else 0) for it in items))
    summary = pd.DataFrame(
        [
            dict(
                name="multiverse:elasticity",
                estimate=float(np.median(est)),
                ci_low=float(est.min()),
                ci_high=float(est.max()),
                n=int(specs["n"].max()),
                n_min=int(specs["n"].min()),
                n_specs=len(specs),
                fits=fits,
                **_shares(specs),
                median_ci_low=float(specs["ci_low"].median()),
                median_ci_high=float(specs["ci_high"].median()),
                bootstrap_draws=params.bootstrap_draws,
                interval=params.interval,
            )
        ]
    )
    return MultiverseResults(specs=specs, summary=summary, readings=readings, fits=fits)


def _shares(specs: pd.DataFrame) -> dict[str, float]:
    """Each share of :data:`SHARES` (0 to 1) followed by its Monte Carlo SE (``<share>_mc_se``, share units)."""
    out: dict[str, float] = {}
    for share, (flag, prob) in SHARES.items():
        out[share] = float(specs[flag].mean())
        out[f"{share}_mc_se"] = share_mc_se(specs[prob].to_numpy(), SHARE_MC_SE_RULE)
    return out


def choice_summary(results: MultiverseResults) -> pd.DataFrame:
    """Per choice and option: specifications, median / min / max elasticity and the shares whose interval
    lies below 1 and excludes 0, each with its Monte Carlo SE.

    Parameters
    ----------
    results : MultiverseResults
        :func:`analyse_multiverse`.

    Returns
    -------
    pandas.DataFrame
        ``choice, option, n_specs, median_estimate, min_estimate, max_estimate`` (unitless),
        ``share_below_one, share_below_one_mc_se, share_excluding_zero, share_excluding_zero_mc_se``
        (0 to 1; MC SE as in :func:`_shares`).
    """
    specs = results.specs
    table = choice_summary_table(
        specs, CHOICES, {"share_below_one": "below_one", "share_excluding_zero": "excludes_zero"}
    )
    mc = {(col, str(opt)): _shares(g) for col in CHOICES for opt, g in specs.groupby(col, sort=True)}
    for share in ("share_below_one", "share_excluding_zero"):
        se = [mc[key][f"{share}_mc_se"] for key in zip(table["choice"], table["option"], strict=True)]
        table.insert(table.columns.get_loc(share) + 1, f"{share}_mc_se", se)
    return table


def multiverse_headline(results: MultiverseResults) -> list[HeadlineResult]:
    """The multiverse notebook's headline numbers.

    Parameters
    ----------
    results : MultiverseResults
        :func:`analyse_multiverse`.

    Returns
    -------
    list of HeadlineResult
        Median elasticity (range over specifications), specifications and fits, shares (0 to 1) whose
        bootstrap interval excludes 0 and lies below 1, each with its Monte Carlo SE (``mc_se``: the
        comonotone upper bound of :func:`study.models.montecarlo.share_mc_se`, share units).
    """
    row = results.summary.iloc[0]
    n = int(row["n"])
    return [
        headline_result(
            "multiverse_median_beta",
            row["estimate"],
            n=n,
            interval=(row["ci_low"], row["ci_high"]),
            unit="elasticity",
            method="multiverse",
            reference=1.0,
            label=f"median elasticity over {int(row['n_specs'])} specifications (interval: smallest to largest; "
            f"n {int(row['n_min'])}–{n})",
        ),
        headline_result(
            "multiverse_n_specs",
            int(row["n_specs"]),
            n=n,
            unit="specifications",
            label=f"specifications fitted ({int(row['fits'])} fits with the bootstrap)",
        ),
        *(
            headline_result(
                f"multiverse_share_{share}",
                row[f"share_{share}"],
                n=n,
                unit="share",
                method=f"{row['interval']} bootstrap, {int(row['bootstrap_draws'])} draws; "
                f"MC SE: {SHARE_MC_SE_RULE} upper bound",
                label=f"share of specifications whose bootstrap interval {where}",
                mc_se=row[f"share_{share}_mc_se"],
            )
            for share, where in (
                ("excluding_zero", "excludes 0"),
                ("below_one", "lies below 1 (staff grow less than proportionally)"),
            )
        ),
    ]


def multiverse_text(results: MultiverseResults) -> str:
    """Plain-language summary of the multiverse (a few English lines)."""
    row = results.summary.iloc[0]
    line = (
        f"Multiverse. Over {int(row['n_specs'])} specifications ({int(row['fits'])} fits; n = {int(row['n_min'])}–"
        f"{int(row['n'])} plans) the median elasticity is {row['estimate']:.2f} (from {row['ci_low']:.2f} to "
        f"{row['ci_high']:.2f}); {100 * row['share_excluding_zero']:.0f}% of the bootstrap intervals exclude 0 and "
        f"{100 * row['share_below_one']:.0f}% lie below 1 (Monte Carlo SE at most "
        f"{100 * row['share_excluding_zero_mc_se']:.1f} and {100 * row['share_below_one_mc_se']:.1f} points)."
    )
    cs = choice_summary(results)
    for choice in ("exposure", "ambiguous", "exclusion", "hub_coding"):
        g = cs[cs["choice"] == choice]
        if len(g) > 1:
            line += (
                f"\n    By {choice}: "
                + "; ".join(f"{o}: median {m:.2f}" for o, m in zip(g["option"], g["median_estimate"], strict=True))
                + "."
            )
    return line


def fig_multiverse(results: MultiverseResults, lang: Lang = "ja") -> Figure:
    """Ranked elasticities with their bootstrap intervals, and each specification's choices.

    Parameters
    ----------
    results : MultiverseResults
        :func:`analyse_multiverse`.
    lang : {"ja", "en"}
        Label language.

    Returns
    -------
    matplotlib.figure.Figure
        Top: elasticity (unitless) by rank; bottom: the choices of each specification.
    """
    from study.analysis.figures import MANY_SPECS, fig_specification_curve
    from study.analysis.robustness import choice_text

    return fig_specification_curve(
        results.specs,
        results.summary.iloc[0],
        CHOICES,
        "below_one",
        lang,
        reference=1.0,
        choice_label=choice_text,
        marks=MANY_SPECS,
    )
