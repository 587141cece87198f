"""Inference on a specification curve (question 6): two-sided tests, balanced weights, who drops out.

:mod:`study.models.speccurve` fits the crossed specifications and the
permutation null curves (``SpecCurve.null_draws``: one row per null draw, one
column per specification, in the order of ``SpecCurve.specs``). This module
summarises them:

* :func:`balanced_weights` -- weights so that each analysis choice counts
  equally. A choice that only varies inside some cells of the other choices
  (the welfare reading, varied only in covariate sets that contain the
  welfare rate) is *nested*: within a cell its levels share the cell's weight
  (so the 12 + 12 specifications of the two welfare readings weigh as much as
  the 12 of a covariate set without welfare, instead of twice as much). The
  cells of the other (crossed) choices are then raked (iterative
  proportional fitting) so that every level of every crossed choice carries
  the same total weight; on a full factorial that is uniform. Weights sum to 1.
* :func:`weighted_median` -- the lower weighted median (the smallest value
  whose cumulative weight reaches ½).
* :func:`median_test` -- the two-sided permutation p of the (weighted)
  median estimate: p = (1 + #{|m* − null| ≥ |m − null|}) / (B + 1), plus the
  one-sided p in the observed direction for reference; floor 1/(B+1) and
  Monte Carlo SE √(p(1−p)/B).
* :func:`same_sign_test` -- the (weighted) share of specifications whose
  estimate has the majority sign (relative to ``null``) and its null
  probability, P(max(share +, share −) under the null ≥ observed): a
  two-sided statistic, because the majority sign is chosen after seeing the data.
* :func:`specification_sample_sizes` -- n per specification and, for every
  plan left out, why: the analysis-frame exclusions (prefecture plans, the
  hub designs, zero staff, fractional FTE, missing staff/population) and, per
  covariate, the plans whose value is missing (e.g. 藤沢市, whose
  地域包括支援センター count is not given, drops from the ``institutions``
  specifications). Nothing drops silently: ``note`` says it in words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from study.models.design import numeric
from study.models.frame import STAFFING_MEASURES, WELFARE_READINGS
from study.models.montecarlo import permutation_p
from study.models.speccurve import (
    COVARIATE_SETS,
    EXCLUSIONS,
    FAMILIES,
    HUB_DESIGNS,
    specification_frame,
    specification_grid,
    specification_name,
)

#: The choice columns of :func:`study.models.speccurve.specification_grid`.
CHOICES = ("staffing", "welfare", "exclusion", "covariates", "family", "design", "exposure")


# --- weights ----------------------------------------------------------------------------------


def nested_choices(specs: pd.DataFrame, choices: Sequence[str] = CHOICES) -> list[str]:
    """Choices whose number of levels differs between cells of the other choices (nested choices)."""
    out = []
    for c in choices:
        others = [o for o in choices if o != c]
        counts = specs.groupby(others, dropna=False)[c].nunique() if others else pd.Series([specs[c].nunique()])
        if counts.nunique() > 1:  # noqa: PD101 - a handful of cells (may be none): "several distinct counts" reads plainest
            out.append(c)
    return out


def balanced_weights(
    specs: pd.DataFrame,
    choices: Sequence[str] = CHOICES,
    nested: Sequence[str] | None = None,
    tol: float = 1e-12,
    maxiter: int = 1000,
) -> np.ndarray:
    """Weights (n_specs,), summing to 1, under which each analysis choice is equally weighted (module doc).

    Parameters
    ----------
    specs : DataFrame
        One row per specification with the ``choices`` columns.
    choices : sequence of str
        The analysis choices (columns of ``specs``).
    nested : sequence of str, optional
        Nested choices; default: detected by :func:`nested_choices`.
    tol, maxiter : float, int
        Convergence of the raking (largest change of a level's total weight).
    """
    choices = [c for c in choices if c in specs.columns]
    nested = nested_choices(specs, choices) if nested is None else [c for c in nested if c in choices]
    crossed = [c for c in choices if c not in nested]
    if not crossed:
        return np.full(len(specs), 1.0 / len(specs))
    cell = specs.groupby(crossed, dropna=False).ngroup().to_numpy()
    cell_size = np.bincount(cell)
    cw = np.full(cell_size.size, 1.0 / cell_size.size)  # weight per cell
    keys = specs.groupby(crossed, dropna=False).first().reset_index()[crossed] if len(crossed) else None
    for _ in range(maxiter):
        change = 0.0
        for c in crossed:
            lev = keys[c].astype(str).to_numpy()
            levels = np.unique(lev)
            target = 1.0 / levels.size
            tot = {v: cw[lev == v].sum() for v in levels}
            for v in levels:
                change = max(change, abs(tot[v] - target))
                cw[lev == v] *= target / tot[v]
        if change < tol:
            break
    w = cw[cell] / cell_size[cell]
    return w / w.sum()


def weighted_median(values: np.ndarray, weights: np.ndarray | None = None, axis: int = -1) -> np.ndarray:
    """Lower weighted median along ``axis`` (NaN values get no weight; all-NaN gives NaN)."""
    v = np.moveaxis(np.asarray(values, float), axis, -1)
    w = np.broadcast_to(np.ones(v.shape[-1]) if weights is None else np.asarray(weights, float), v.shape)
    w = np.where(np.isfinite(v), w, 0.0)
    order = np.argsort(np.where(np.isfinite(v), v, np.inf), axis=-1)
    vs = np.take_along_axis(v, order, axis=-1)
    cw = np.cumsum(np.take_along_axis(w, order, axis=-1), axis=-1)
    tot = cw[..., -1:]
    with np.errstate(invalid="ignore", divide="ignore"):
        idx = np.argmax(cw / tot >= 0.5 - 1e-12, axis=-1)
    out = np.take_along_axis(vs, idx[..., None], axis=-1)[..., 0]
    return np.where(tot[..., 0] > 0, out, np.nan)


# --- tests ------------------------------------------------------------------------------------


def median_test(
    estimates: np.ndarray, null_draws: np.ndarray, null: float = 0.0, weights: np.ndarray | None = None
) -> dict[str, float]:
    """Two-sided permutation p of the (weighted) median estimate of a specification curve.

    Parameters
    ----------
    estimates : array (n_specs,)
        The specifications' estimates (the model's units, e.g. an elasticity).
    null_draws : array (B, n_specs)
        Null-curve estimates, columns in the order of ``estimates``.
    null : float
        The null value of the estimate.
    weights : array (n_specs,), optional
        Specification weights (e.g. :func:`balanced_weights`); default equal.

    Returns
    -------
    dict
        ``median, p_two_sided, p_one_sided`` (in the observed direction),
        ``p_mc_se`` (of the two-sided p), ``p_floor``, ``n_perm``, ``null_median_mean``.
    """
    est = np.asarray(estimates, float)
    E = np.atleast_2d(np.asarray(null_draws, float))
    med = float(weighted_median(est, weights))
    mstar = weighted_median(E, weights, axis=1)
    dev = med - null
    p2, mc, floor, B = permutation_p(abs(dev), np.abs(mstar - null))
    sign = 1.0 if dev >= 0 else -1.0
    p1 = permutation_p(dev * sign, (mstar - null) * sign)[0]
    return dict(
        median=med,
        p_two_sided=p2,
        p_one_sided=p1,
        p_mc_se=mc,
        p_floor=floor,
        n_perm=B,
        null_median_mean=float(np.nanmean(mstar)),
    )


def _majority_share(E: np.ndarray, null: float, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    d = np.atleast_2d(E) - null
    ok = np.isfinite(d)
    ww = np.where(ok, w, 0.0)
    tot = ww.sum(axis=1)
    pos = np.sum(ww * (d > 0), axis=1) / tot
    neg = np.sum(ww * (d < 0), axis=1) / tot
    return np.maximum(pos, neg), np.where(pos >= neg, 1.0, -1.0)


def same_sign_test(
    estimates: np.ndarray, null_draws: np.ndarray, null: float = 0.0, weights: np.ndarray | None = None
) -> dict[str, float]:
    """Share of specifications with the majority sign and its null probability (module doc).

    Returns
    -------
    dict
        ``share_same_sign`` (0–1, weighted), ``sign`` (+1/−1), ``p_value``
        (P(null share ≥ observed)), ``p_mc_se``, ``p_floor``, ``n_perm``, ``null_share_mean``.
    """
    est = np.asarray(estimates, float)
    w = np.ones(est.size) if weights is None else np.asarray(weights, float)
    share, sign = _majority_share(est[None], null, w)
    nshare, _ = _majority_share(np.asarray(null_draws, float), null, w)
    p, mc, floor, B = permutation_p(float(share[0]), nshare)
    return dict(
        share_same_sign=float(share[0]),
        sign=float(sign[0]),
        p_value=p,
        p_mc_se=mc,
        p_floor=floor,
        n_perm=B,
        null_share_mean=float(np.nanmean(nshare)),
    )


def curve_inference(
    specs: pd.DataFrame,
    null_draws: np.ndarray,
    null: float = 0.0,
    *,
    weights: str | np.ndarray = "balanced",
    choices: Sequence[str] = CHOICES,
) -> pd.DataFrame:
    """Both tests of a :class:`~study.models.speccurve.SpecCurve` (``specs``, ``null_draws``), one row each.

    ``weights``: ``"balanced"`` (:func:`balanced_weights`), ``"equal"``, or an
    explicit array aligned with ``specs``. Rows ``median`` and
    ``share_same_sign``: ``name, estimate, ci_low, ci_high`` (NaN), ``n``
    (specifications), ``p_value`` (two-sided), ``p_one_sided`` (median only),
    ``p_mc_se, p_floor, n_perm, weighting``.
    """
    if isinstance(weights, str):
        if weights == "balanced":
            w = balanced_weights(specs, choices)
        elif weights == "equal":
            w = np.full(len(specs), 1.0 / len(specs))
        else:
            raise ValueError("weights must be 'balanced', 'equal' or an array")
        label = weights
    else:
        w = np.asarray(weights, float)
        if w.shape != (len(specs),) or np.any(w < 0) or w.sum() <= 0:
            raise ValueError("explicit weights need one non-negative value per specification")
        w, label = w / w.sum(), "explicit"
    est = specs["estimate"].to_numpy(float)
    m = median_test(est, null_draws, null, w)
    s = same_sign_test(est, null_draws, null, w)
    n = len(specs)
    return pd.DataFrame(
        [
            _test_row("median", m["median"], n, m["p_two_sided"], m["p_one_sided"], m, m["null_median_mean"], label),
            _test_row(
                "share_same_sign",
                s["share_same_sign"],
                n,
                s["p_value"],
                np.nan,
                s,
                s["null_share_mean"],
                label,
                sign=s["sign"],
            ),
        ]
    )


def _test_row(name, estimate, n, p_value, p_one_sided, test, null_mean, weighting, **extra) -> dict:
    """One row of :func:`curve_inference`: a curve statistic (no interval), its permutation p's, and the
    Monte Carlo SE, floor and number of draws of ``test`` (:func:`median_test` or :func:`same_sign_test`)."""
    return dict(
        name=name,
        estimate=estimate,
        ci_low=np.nan,
        ci_high=np.nan,
        n=n,
        p_value=p_value,
        p_one_sided=p_one_sided,
        p_mc_se=test["p_mc_se"],
        p_floor=test["p_floor"],
        n_perm=test["n_perm"],
        null_mean=null_mean,
        weighting=weighting,
        **extra,
    )


# --- sample sizes and drops ---------------------------------------------------------------------


@dataclass(frozen=True)
class SampleSizes:
    """``per_spec``: one row per specification (``name, n, n_frame, n_missing, missing_names, note``
    and the choice columns); ``dropped``: one row per (specification, plan left out) with ``stage``
    (``frame`` or ``missing``) and ``reason``."""

    per_spec: pd.DataFrame
    dropped: pd.DataFrame


def specification_sample_sizes(
    entities: pd.DataFrame,
    corrections: pd.DataFrame,
    *,
    focal: str = "log_pop",
    y: str = "staff",
    staffing: Sequence[str] = STAFFING_MEASURES,
    welfare: Sequence[str] = WELFARE_READINGS,
    exclusions: Sequence[str] = tuple(EXCLUSIONS),
    covariate_sets: Mapping[str, Sequence[str]] | None = None,
    families: Sequence[str] = FAMILIES,
    hub_designs: Sequence[str] = HUB_DESIGNS,
    designs: Sequence[str] = ("all",),
    exposures: Sequence[str] = ("population",),
) -> SampleSizes:
    """n per specification of :func:`study.models.speccurve.specification_grid` and why each plan drops.

    The frames are built as :func:`study.models.speccurve.specification_curve`
    builds them; a plan drops at the ``frame`` stage with the analysis
    frame's logged reason, or at the ``missing`` stage when ``y``, ``focal``
    or a covariate of the specification is missing (reason: ``"<column> missing"``,
    every missing column listed).
    """
    sets = dict(COVARIATE_SETS if covariate_sets is None else covariate_sets)
    grid = specification_grid(staffing, welfare, exclusions, sets, families, focal, designs, exposures)
    frames: dict[tuple, object] = {}
    rows, drops = [], []
    for spec in grid.to_dict("records"):
        wf = spec["welfare"] if spec["welfare"] != "n/a" else "corrected"
        fkey = (spec["staffing"], wf, spec["exclusion"], spec["design"])
        if fkey not in frames:
            frames[fkey] = specification_frame(entities, corrections, *fkey, hub_designs=hub_designs)
        fx = spec.pop("focal")
        af = frames[fkey]
        name = specification_name(spec)
        for r in af.excluded.itertuples(index=False):
            if r.level != "municipality":
                continue  # prefecture plans are outside every specification's population
            drops.append(dict(spec=name, entity_id=r.entity_id, plan=r.name, stage="frame", reason=r.reason))
        cols = list(dict.fromkeys([y, fx, *[c for c in sets[spec["covariates"]] if c not in (focal, fx)]]))
        data = af.data
        miss = pd.DataFrame({c: ~np.isfinite(numeric(data, c)) for c in cols})
        anym = miss.any(axis=1).to_numpy()
        names = []
        for i in np.flatnonzero(anym):
            why = ", ".join(f"{c} missing" for c in cols if miss.iloc[i][c])
            drops.append(
                dict(
                    spec=name,
                    entity_id=str(data["entity_id"].iloc[i]),
                    plan=data["name"].iloc[i],
                    stage="missing",
                    reason=why,
                )
            )
            names.append(f"{data['name'].iloc[i]} ({why})")
        n = int(af.n - anym.sum())
        note = (
            (f"n = {n}: " + "; ".join(names) + " dropped") if names else f"n = {n}: no plan dropped for missing values"
        )
        rows.append(
            dict(
                name=name,
                n=n,
                n_frame=af.n,
                n_missing=int(anym.sum()),
                missing_names="; ".join(names),
                note=note,
                **spec,
            )
        )
    return SampleSizes(
        per_spec=pd.DataFrame(rows),
        dropped=pd.DataFrame(drops, columns=["spec", "entity_id", "plan", "stage", "reason"]),
    )
