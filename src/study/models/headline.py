"""Question 1 in one table: the staffing elasticity β in log E[staff] = α + β log(population).

:func:`staffing_elasticity` fits Poisson QL and NB2 (α by ML) on the analysis
frame and reports, for each family, β with its model-based interval
(QL: t; NB: Wald z) and with the pairs-bootstrap BCa interval, the one-sided
p-values of β < 1 (model-based and bootstrap), plus the overdispersion tests.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from study.models.count import elasticity, fit_count, overdispersion
from study.models.resample import bootstrap_count, bootstrap_elasticity
from study.models.results import estimates_frame


def staffing_elasticity(
    frame: pd.DataFrame,
    y: str = "staff",
    term: str = "log_pop",
    covariates: Sequence[str] = (),
    n_boot: int = 2000,
    seed: int = 0,
    level: float = 0.95,
    null: float = 1.0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Question 1 in one table: the elasticity of ``y`` on ``term`` under both count families.

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame's data.
    y : str
        Count outcome (planned staff, persons).
    term : str
        The log covariate (log population).
    covariates : sequence of str
        Covariates added to ``term`` (none for the headline).
    n_boot : int
        Pairs-bootstrap resamples behind the BCa intervals.
    seed : int
        Seed of the bootstrap.
    level : float
        Confidence level.
    null : float
        The value of the one-sided test β < null.

    Returns
    -------
    elasticities : pandas.DataFrame
        Rows ``{family}:{wald|bca}`` with ``name, estimate, ci_low, ci_high, n, se, p_value``
        (one-sided, β < ``null``), ``method``, ``alpha`` (NB2) and ``dispersion`` (QL); β is unitless.
    overdispersion : pandas.DataFrame
        :func:`study.models.count.overdispersion`.
    """
    covs = [term, *[c for c in covariates if c != term]]
    rows = []
    for k, family in enumerate(("poisson_ql", "negbin")):
        fit = fit_count(frame, family, y, covs, level=level)
        wald = elasticity(fit, term, null)
        boot = bootstrap_elasticity(
            bootstrap_count(frame, y, covs, family, n_boot=n_boot, seed=seed + k, level=level), term, null
        )
        for e, how in ((wald, "wald"), (boot, "bca")):
            rows.append((e, how, fit))
    out = estimates_frame([e for e, _, _ in rows])
    out["name"] = [f"{fit.family}:{how}" for _, how, fit in rows]
    out["alpha"] = [fit.alpha for _, _, fit in rows]
    out["dispersion"] = [fit.dispersion for _, _, fit in rows]
    out["covariates"] = " + ".join(covs)
    return out, overdispersion(frame, y, covs, level=level)
