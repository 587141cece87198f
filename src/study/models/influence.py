"""Influence diagnostics for a count model: Cook's distance, DFBETA(S) and exact leave-one-out.

:func:`influence` reports, per plan: leverage (hat value), Pearson residual,
Cook's distance and DFBETA / DFBETAS of the focal term from statsmodels'
``GLMInfluence`` (one-step approximations; for NB2 the GLM with α fixed at
its ML value, as R's ``influence.measures`` on a ``glm.nb`` fit), and the
*exact* leave-one-out estimate of the focal term (refit without the plan,
α re-estimated for NB2). :func:`influence_summary` condenses it: the range
of the leave-one-out estimates, the most influential plan, and how many
plans pass the usual Cook's cut-off 4/n.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm

from study.models import kernels
from study.models.count import CountFit
from study.models.resample import jackknife_weights
from study.models.results import RESULT_COLUMNS


def influence(fit: CountFit, term: str = "log_pop", names: pd.Series | None = None) -> pd.DataFrame:
    """Per-observation diagnostics of ``fit`` for ``term`` (see module doc).

    Parameters
    ----------
    fit : CountFit
        A count fit.
    term : str
        The coefficient whose influence is measured.
    names : pandas.Series, optional
        entity_id -> display name.

    Returns
    -------
    pandas.DataFrame
        ``entity_id, name, y, fitted, hat, pearson_resid, cooks_d, dfbeta, dfbetas, loo_estimate,
        loo_delta, cooks_flag`` (cooks_d > 4/n), in the fit's row order; ``dfbeta``, ``loo_estimate``
        and ``loo_delta`` are in ``term``'s units, Cook's distance and DFBETAS are unitless.
    """
    d = fit.design
    j = d.col(term)
    if fit.family == "poisson_ql":
        res = fit.result
        loo = kernels.poisson_irls(d.X, d.y, jackknife_weights(d.n), d.offset).beta[:, j]
    elif fit.family == "negbin":
        res = sm.GLM(d.y, d.X, family=sm.families.NegativeBinomial(alpha=fit.alpha), offset=d.offset).fit(
            start_params=fit.beta, tol=1e-12
        )
        loo = kernels.nb2_ml(d.X, d.y, jackknife_weights(d.n), d.offset).beta[:, j]
    else:
        raise ValueError(f"unknown family {fit.family!r}")
    inf = res.get_influence()
    mu = np.asarray(res.fittedvalues)
    var = mu if fit.family == "poisson_ql" else mu + fit.alpha * mu**2
    out = pd.DataFrame(
        {
            "entity_id": d.entity_id,
            "y": d.y,
            "fitted": mu,
            "hat": np.asarray(inf.hat_matrix_diag),
            "pearson_resid": (d.y - mu) / np.sqrt(var),
            "cooks_d": np.asarray(inf.cooks_distance[0]),
            "dfbeta": np.asarray(inf.d_params)[:, j],
            "dfbetas": np.asarray(inf.dfbetas)[:, j],
            "loo_estimate": loo,
        }
    )
    out["loo_delta"] = out["loo_estimate"] - fit.params.set_index("name").loc[term, "estimate"]
    out["cooks_flag"] = out["cooks_d"] > 4 / d.n
    if names is not None:
        out.insert(1, "name", out["entity_id"].map(names))
    return out


def influence_summary(fit: CountFit, table: pd.DataFrame, term: str = "log_pop") -> pd.DataFrame:
    """One row summarising the influence on ``term``.

    Parameters
    ----------
    fit : CountFit
        The fit.
    table : pandas.DataFrame
        :func:`influence` of the fit.
    term : str
        The coefficient.

    Returns
    -------
    pandas.DataFrame
        The full-sample estimate of ``term`` with the leave-one-out range as ``ci_low``/``ci_high``
        (not a confidence interval), the plan whose removal moves it most (``most_influential``), the
        largest Cook's distance and the number of plans over 4/n (``n_cooks_over_4_n``).
    """
    full = float(fit.params.set_index("name").loc[term, "estimate"])
    k = int(np.nanargmax(np.abs(table["loo_delta"].to_numpy())))
    c = int(np.nanargmax(table["cooks_d"].to_numpy()))
    label = "name" if "name" in table.columns else "entity_id"
    row = dict(
        name=f"loo_range:{fit.family}:{term}",
        estimate=full,
        ci_low=float(np.nanmin(table["loo_estimate"])),
        ci_high=float(np.nanmax(table["loo_estimate"])),
        n=fit.n,
        most_influential=str(table[label].iloc[k]),
        max_abs_loo_delta=float(abs(table["loo_delta"].iloc[k])),
        max_cooks_d=float(table["cooks_d"].iloc[c]),
        max_cooks_entity=str(table[label].iloc[c]),
        n_cooks_over_4_n=int(table["cooks_flag"].sum()),
        family=fit.family,
    )
    out = pd.DataFrame([row])
    return out[RESULT_COLUMNS + [k for k in row if k not in RESULT_COLUMNS]]
