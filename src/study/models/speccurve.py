"""Specification curve for count models (question 6), with a permutation null curve.

The PyPI specification-curve package only fits OLS; this module crosses the
choices the staffing models depend on and fits each count model:

* **staffing measure** -- ``as_printed`` / ``headcount`` (ceil of FTE) /
  ``exclude_fractional`` (see :mod:`study.models.frame`);
* **welfare reading** -- ``corrected`` / ``printed`` (unit corrections off);
  only varied in covariate sets that contain ``welfare_rate_permille``
  (elsewhere the column reads ``n/a``);
* **exclusions** -- ``none`` / ``zero_staff`` (the plan placing no 推進員) /
  ``hub_plans`` (the plans of :data:`HUB_DESIGNS`, from the clean's ``staffing_design``) / ``zero_and_hub``;
* **covariate set** -- named lists of covariates added to the focal term
  (:data:`COVARIATE_SETS`);
* **family** -- ``poisson_ql`` / ``negbin``;
* **staffing design** (:data:`DESIGN_CODINGS`, from the clean's ``staffing_design``) -- ``all`` plans
  or ``single_team`` plans only (plans that designate existing staff or place one per site left
  out), each with the ``unclear`` plans in or out (``all``, ``all_unclear_out``,
  ``single_team_unclear_in``, ``single_team_unclear_out``);
* **exposure** (:data:`EXPOSURES`) -- whole ``population`` (``log_pop``) or the population of the
  multi-agency project's ``catchment`` (``log_catchment`` = log ``catchment_population`` of the clean;
  plans without one left out).

Every plan a specification leaves out is logged with its reason (:func:`specification_frame`).

Each specification gives the focal estimate with its model-based interval
(QL: t with n−p df; NB2: Wald z at the ML α; the kernels of
:mod:`study.models.kernels`, equal to the statsmodels fits). The result is
ranked by estimate. The *null curve* (Simonsohn, Simmons & Nelson 2020)
imposes H0: β_focal = ``null`` in every specification at once: each draw
permutes the plans by one random key per entity_id (the same permutation
in every specification, restricted to its rows), moves the focal
covariate's residuals given the other covariates accordingly (the
regressor-residual permutation of :mod:`study.models.resample`) with
``null × focal`` in the offset, refits, and sorts the estimates; the
quantiles of the sorted curves per rank form the band. The permutation keys
come in fixed blocks of 256 draws (block b: child b of
``SeedSequence(seed)``, one key per entity in the entity table's order), and
the specifications can run on an ``executor`` (:mod:`study.models.parallel`)
without changing any number. Summary: number of
specifications, median estimate, share with the same sign as the median
(relative to ``null``), share whose interval excludes zero and share whose
interval excludes ``null``, and the permutation p-values of the median
estimate and of the share of significant same-sign specifications.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from study.covariates import spec_sets as covariate_spec_sets
from study.models import kernels
from study.models.frame import STAFFING_MEASURES, WELFARE_READINGS, AnalysisFrame, analysis_frame
from study.models.design import design
from study.models.parallel import block_bounds, block_rng, map_items, n_blocks, root_entropy
from study.models.resample import KERNEL_FAMILIES, kernel_fit
from study.models.wald import critical_value

#: Named covariate sets (the focal term is always added), from the covariate table (:mod:`study.covariates`,
#: column ``spec_sets``): population (), need (aging, public assistance), need_density (+ log density),
#: institutions (log centres per 10,000 older residents).
COVARIATE_SETS: dict[str, tuple[str, ...]] = covariate_spec_sets()
#: Exclusions: (drop the plans placing no 推進員, drop the plans of the ``hub_designs``).
EXCLUSIONS: dict[str, tuple[bool, bool]] = {
    "none": (False, False),
    "zero_staff": (True, False),
    "hub_plans": (False, True),
    "zero_and_hub": (True, True),
}
FAMILIES = ("poisson_ql", "negbin")
#: Staffing-design codings: the ``staffing_design`` codes each one leaves out (``all``: none).
DESIGN_CODINGS: dict[str, tuple[str, ...]] = {
    "all": (),
    "all_unclear_out": ("unclear",),
    "single_team_unclear_in": ("designated_existing", "per_site"),
    "single_team_unclear_out": ("designated_existing", "per_site", "unclear"),
}
#: Deployment designs whose plans the ``hub_plans`` exclusions drop by default (the clean's
#: ``staffing_design``: one 推進員 per site, or existing staff designated at each site).
HUB_DESIGNS = ("designated_existing", "per_site")
#: Exposures: the focal term of each (log persons); ``population`` uses the curve's ``focal``.
EXPOSURES: dict[str, str] = {"population": "log_pop", "catchment": "log_catchment"}


def specification_frame(
    entities: pd.DataFrame,
    corrections: pd.DataFrame,
    staffing: str,
    welfare: str,
    exclusion: str,
    design: str = "all",
    hub_designs: Sequence[str] = HUB_DESIGNS,
) -> AnalysisFrame:
    """The analysis frame of one cell of the grid, every plan left out logged with its reason.

    Parameters
    ----------
    entities, corrections : pandas.DataFrame
        The cleaned entity table and corrections log.
    staffing : str
        Staffing measure (:data:`study.models.frame.STAFFING_MEASURES`).
    welfare : str
        Welfare reading (``n/a`` reads as ``corrected``).
    exclusion : str
        Key of :data:`EXCLUSIONS`.
    design : str
        Key of :data:`DESIGN_CODINGS`: plans whose ``staffing_design`` is one of its codes are left out
        (reason ``staffing_design = <code> (design coding <design>)``).
    hub_designs : sequence of str
        The coded designs (:data:`study.models.frame.DESIGNS`) the ``hub_plans`` exclusions drop.

    Returns
    -------
    study.models.frame.AnalysisFrame
        ``data`` with ``log_catchment`` (log persons; NaN without a catchment population), ``excluded``.
    """
    if design not in DESIGN_CODINGS:
        raise ValueError(f"design must be one of {tuple(DESIGN_CODINGS)}, not {design!r}")
    z, h = EXCLUSIONS[exclusion]
    af = analysis_frame(
        entities,
        corrections,
        staffing=staffing,
        welfare=welfare if welfare != "n/a" else "corrected",
        exclude_zero_staff=z,
        exclude_designs=tuple(hub_designs) if h else (),
    )
    data = af.data
    cp = pd.to_numeric(data["catchment_population"], errors="coerce") if "catchment_population" in data else np.nan
    data = data.assign(log_catchment=np.log(pd.Series(cp, index=data.index).where(lambda v: v > 0)))
    codes = DESIGN_CODINGS[design]
    if not codes:
        return AnalysisFrame(data=data, excluded=af.excluded, options={**af.options, "design": design})
    code = data["staffing_design"].astype("string")
    drop = code.isin(codes).fillna(False).to_numpy(dtype=bool)
    extra = pd.DataFrame(
        {
            "entity_id": data.loc[drop, "entity_id"],
            "name": data.loc[drop, "name"],
            "level": data.loc[drop, "level"],
            "reason": [f"staffing_design = {c} (design coding {design})" for c in code[drop]],
        }
    )
    return AnalysisFrame(
        data=data[~drop].reset_index(drop=True),
        excluded=pd.concat([af.excluded, extra], ignore_index=True),
        options={**af.options, "design": design},
    )


@dataclass(frozen=True)
class SpecCurve:
    """``specs``: one row per specification, ranked (``name, estimate, ci_low, ci_high, n, rank,
    staffing, welfare, exclusion, covariates, family, se, significant``); ``null_curve``: per rank
    the null quantiles (``null_low, null_median, null_high``); ``summary``: one row."""

    specs: pd.DataFrame
    null_curve: pd.DataFrame
    summary: pd.DataFrame
    focal: str
    null: float
    null_draws: np.ndarray = field(repr=False, metadata={"json": False})


def _uses_welfare(cov: Sequence[str]) -> bool:
    return "welfare_rate_permille" in cov


def specification_grid(
    staffing: Sequence[str] = STAFFING_MEASURES,
    welfare: Sequence[str] = WELFARE_READINGS,
    exclusions: Sequence[str] = tuple(EXCLUSIONS),
    covariate_sets: Mapping[str, Sequence[str]] | None = None,
    families: Sequence[str] = FAMILIES,
    focal: str = "log_pop",
    designs: Sequence[str] = ("all",),
    exposures: Sequence[str] = ("population",),
) -> pd.DataFrame:
    """The crossed specifications (welfare reading only varied where welfare is a covariate).

    Parameters
    ----------
    staffing : sequence of str
        Staffing measures (:data:`study.models.frame.STAFFING_MEASURES`).
    welfare : sequence of str
        Readings of the public-assistance rate.
    exclusions : sequence of str
        Keys of :data:`EXCLUSIONS`.
    covariate_sets : mapping of str to sequence of str, optional
        Named covariate sets (default :data:`COVARIATE_SETS`, from :mod:`study.covariates`).
    families : sequence of str
        Count models.
    focal : str
        The focal term of the ``population`` exposure (added to every set).
    designs : sequence of str
        Staffing-design codings (:data:`DESIGN_CODINGS`).
    exposures : sequence of str
        Exposures (:data:`EXPOSURES`).

    Returns
    -------
    pandas.DataFrame
        One row per specification: ``staffing, welfare`` (``n/a`` where welfare is not a covariate),
        ``exclusion, covariates, terms, family, design, exposure`` and ``focal`` (the exposure's term).
    """
    sets = dict(COVARIATE_SETS if covariate_sets is None else covariate_sets)
    rows = []
    for st, ex, (cname, cov), fam, dz, xp in itertools.product(
        staffing, exclusions, sets.items(), families, designs, exposures
    ):
        fx = focal if xp == "population" else EXPOSURES[xp]
        cov = tuple(c for c in cov if c not in (focal, fx))
        for wf in welfare if _uses_welfare((fx, *cov)) else ("n/a",):
            rows.append(
                dict(
                    staffing=st,
                    welfare=wf,
                    exclusion=ex,
                    covariates=cname,
                    terms=" + ".join((fx, *cov)),
                    family=fam,
                    design=dz,
                    exposure=xp,
                    focal=fx,
                )
            )
    return pd.DataFrame(rows)


def specification_name(spec: Mapping[str, object]) -> str:
    """A specification's name: its choices joined by ``|`` (design and exposure only when not the default)."""
    parts = [spec["family"], spec["staffing"], spec["welfare"], spec["exclusion"], spec["covariates"]]
    if spec.get("design", "all") != "all" or spec.get("exposure", "population") != "population":
        parts += [spec.get("design", "all"), spec.get("exposure", "population")]
    return "|".join(str(p) for p in parts)


def _fit_specification(shared, item) -> tuple[dict, np.ndarray, np.ndarray]:
    """One specification: its row (estimate, model-based interval) and its permutation null draws.

    The null draws run block by block (:data:`study.models.parallel.BLOCK`): block b's keys are
    ``block_rng(entropy, b).random((draws, n_entities))`` (one column per entity of the entity table),
    restricted to the specification's rows, so every specification sees the same permutations.
    """
    entropy, n_perm, n_entities, null, level = shared
    spec, X, yv, j, cols = item
    fam = spec["family"]
    n = len(yv)
    off = np.zeros(n) + null * X[:, j]
    fit = kernel_fit(fam, X, yv, offset=off)
    se = np.atleast_1d(kernels.wald_se(KERNEL_FAMILIES[fam], X, yv, fit, offset=off))[j]
    est = float(np.atleast_1d(fit.beta)[j]) + null
    dfree = n - X.shape[1]
    q = critical_value(level, dfree if fam == "poisson_ql" else None)
    row = dict(
        name=specification_name(spec),
        estimate=est,
        ci_low=est - q * se,
        ci_high=est + q * se,
        n=n,
        se=float(se),
        **spec,
    )
    if not n_perm:
        return row, np.empty(0), np.empty(0, bool)
    Z = np.delete(X, j, axis=1)
    g, *_ = np.linalg.lstsq(Z, X[:, j], rcond=None)
    fx, rx = Z @ g, X[:, j] - Z @ g
    ests, sigs = [], []
    for b in range(n_blocks(n_perm)):
        start, stop = block_bounds(n_perm, b)
        keys = block_rng(entropy, b).random((stop - start, n_entities))[:, cols]
        perms = np.argsort(keys, axis=1)
        Xb = np.repeat(X[None], stop - start, axis=0)
        Xb[:, :, j] = fx[None, :] + rx[perms]
        pf = kernel_fit(fam, Xb, yv, offset=off)
        pse = kernels.wald_se(KERNEL_FAMILIES[fam], Xb, yv, pf, offset=off)[:, j]
        bj = pf.beta[:, j]
        ests.append(bj + null)
        sigs.append(np.abs(bj / pse) > q)
    return row, np.concatenate(ests), np.concatenate(sigs)


def specification_curve(
    entities: pd.DataFrame,
    corrections: pd.DataFrame,
    *,
    focal: str = "log_pop",
    y: str = "staff",
    null: float = 0.0,
    staffing: Sequence[str] = STAFFING_MEASURES,
    welfare: Sequence[str] = WELFARE_READINGS,
    exclusions: Sequence[str] = tuple(EXCLUSIONS),
    covariate_sets: Mapping[str, Sequence[str]] | None = None,
    families: Sequence[str] = FAMILIES,
    level: float = 0.95,
    n_perm: int = 500,
    seed: int = 0,
    null_level: float = 0.95,
    hub_designs: Sequence[str] = HUB_DESIGNS,
    executor=None,
    designs: Sequence[str] = ("all",),
    exposures: Sequence[str] = ("population",),
) -> SpecCurve:
    """Fit every specification of :func:`specification_grid` and the permutation null curve (module doc).

    Parameters
    ----------
    entities : pandas.DataFrame
        The cleaned entity table.
    corrections : pandas.DataFrame
        The corrections log (for the printed welfare reading).
    focal : str
        The focal term (log population).
    y : str
        Count outcome (planned staff, persons).
    null : float
        β imposed by the null curve (unitless).
    staffing, welfare, exclusions, covariate_sets, families
        The choices crossed (:func:`specification_grid`).
    level : float
        Confidence level of each specification's model-based interval.
    n_perm : int
        Permutations behind the null curve (0: none).
    seed : int
        Seed of the permutations.
    null_level : float
        Coverage of the null band.
    hub_designs : sequence of str
        The coded designs the ``hub_plans`` exclusions drop (:func:`specification_frame`).
    executor : optional
        Where the specifications run (:func:`study.models.parallel.get_executor`; results do not depend on it).
    designs, exposures : sequence of str
        Staffing-design codings and exposures crossed (:func:`specification_grid`); the estimate is the
        elasticity with respect to each specification's exposure.

    Returns
    -------
    SpecCurve
        ``specs`` (ranked β with intervals and ``n``, plans), ``null_curve`` and a one-row ``summary``.
    """
    sets = dict(COVARIATE_SETS if covariate_sets is None else covariate_sets)
    grid = specification_grid(staffing, welfare, exclusions, sets, families, focal, designs, exposures)
    entropy = root_entropy(seed)
    all_ids = entities["entity_id"].astype(str).to_numpy()
    position = {eid: k for k, eid in enumerate(all_ids)}
    frames: dict[tuple, pd.DataFrame] = {}
    items = []
    for spec in grid.to_dict("records"):
        wf = spec["welfare"] if spec["welfare"] != "n/a" else "corrected"
        fkey = (spec["staffing"], wf, spec["exclusion"], spec["design"])
        if fkey not in frames:
            frames[fkey] = specification_frame(entities, corrections, *fkey, hub_designs=hub_designs).data
        fx = spec.pop("focal")
        cov = [c for c in sets[spec["covariates"]] if c not in (focal, fx)]
        d = design(frames[fkey], y, [fx, *cov])
        cols = np.array([position[str(e)] for e in d.entity_id])
        items.append((spec, d.X, d.y, d.col(fx), cols))
    shared = (entropy, n_perm, len(all_ids), null, level)
    results = map_items(_fit_specification, shared, items, executor=executor)
    rows = [r[0] for r in results]
    null_est = [r[1] for r in results]
    null_sig = [r[2] for r in results]
    specs = pd.DataFrame(rows)
    specs["significant"] = (specs["ci_low"] > 0) | (specs["ci_high"] < 0)
    specs["excludes_null"] = (specs["ci_low"] > null) | (specs["ci_high"] < null)
    order = np.argsort(specs["estimate"].to_numpy(), kind="stable")
    specs = specs.iloc[order].reset_index(drop=True)
    specs.insert(5, "rank", np.arange(1, len(specs) + 1))
    est = specs["estimate"].to_numpy()
    med = float(np.median(est))
    sign = np.sign(med - null) if med != null else 1.0
    summary = dict(
        name=f"speccurve:{focal}",
        estimate=med,
        ci_low=float(est.min()),
        ci_high=float(est.max()),
        n=int(specs["n"].max()),
        n_specs=len(specs),
        n_min=int(specs["n"].min()),
        null=null,
        share_same_sign=float(np.mean(np.sign(est - null) == sign)),
        share_same_sign_zero=float(np.mean(np.sign(est) == np.sign(med))),
        share_excluding_zero=float(specs["significant"].mean()),
        share_excluding_null=float(specs["excludes_null"].mean()),
    )
    null_curve = pd.DataFrame({"rank": np.arange(1, len(specs) + 1)})
    draws = np.empty((0, len(specs)))
    if n_perm:
        E = np.column_stack(null_est)[:, order]  # (n_perm, specs)
        S = np.column_stack(null_sig)[:, order]
        Ed = E - null
        a = (1 - null_level) / 2
        sorted_E = np.sort(E, axis=1)
        null_curve["null_low"] = np.nanquantile(sorted_E, a, axis=0)
        null_curve["null_median"] = np.nanquantile(sorted_E, 0.5, axis=0)
        null_curve["null_high"] = np.nanquantile(sorted_E, 1 - a, axis=0)
        null_curve["estimate"] = est
        obs_sig_same = float(np.mean(specs["excludes_null"] & (np.sign(est - null) == sign)))
        perm_med = np.nanmedian(Ed, axis=1) * sign
        perm_share = np.mean(S & (np.sign(Ed) == sign), axis=1)
        summary["p_median"] = float((1 + np.sum(perm_med >= (med - null) * sign - 1e-12)) / (1 + n_perm))
        summary["p_share_significant"] = float((1 + np.sum(perm_share >= obs_sig_same - 1e-12)) / (1 + n_perm))
        summary["n_perm"] = n_perm
        draws = E
    return SpecCurve(
        specs=specs, null_curve=null_curve, summary=pd.DataFrame([summary]), focal=focal, null=null, null_draws=draws
    )
