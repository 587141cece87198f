"""Specification curve on the real data: grid, ranking, shares, null curve."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from study.models.count import fit_count
from study.models.frame import analysis_frame
from study.models.speccurve import specification_curve, specification_grid


def test_grid_varies_welfare_only_where_used():
    g = specification_grid()
    assert len(g) == 3 * 4 * 2 * (1 + 2 + 2 + 1)
    assert (g.loc[g["covariates"] == "population", "welfare"] == "n/a").all()
    assert set(g.loc[g["covariates"] == "need", "welfare"]) == {"corrected", "printed"}
    assert not g.duplicated().any()


@pytest.fixture(scope="module")
def curve(bundled):
    return specification_curve(
        bundled.entities,
        bundled.corrections,
        staffing=("as_printed", "headcount"),
        exclusions=("none", "hub_plans"),
        covariate_sets={"population": (), "need": ("aging_rate_pct", "welfare_rate_permille")},
        n_perm=49,
        seed=3,
    )


def test_specs_are_ranked_with_intervals(curve, bundled):
    s = curve.specs
    assert len(s) == 2 * 2 * 2 * (1 + 2)
    assert (np.diff(s["estimate"]) >= 0).all() and list(s["rank"]) == list(range(1, len(s) + 1))
    assert (s["ci_low"] < s["estimate"]).all() and (s["estimate"] < s["ci_high"]).all()
    head = s[
        (s["family"] == "poisson_ql")
        & (s["staffing"] == "as_printed")
        & (s["exclusion"] == "none")
        & (s["covariates"] == "population")
    ].iloc[0]
    ref = fit_count(analysis_frame(bundled.entities, bundled.corrections).data, "poisson_ql").coef("log_pop")
    assert head["estimate"] == pytest.approx(ref.estimate, abs=1e-8)
    assert head["ci_low"] == pytest.approx(ref.ci_low, abs=1e-6) and head["n"] == 49
    nb = s[
        (s["family"] == "negbin")
        & (s["exclusion"] == "hub_plans")
        & (s["covariates"] == "population")
        & (s["staffing"] == "as_printed")
    ].iloc[0]
    # the hub exclusion drops the 4 designated_existing and 8 per_site plans of the 49 (the 37 single-team plans stay)
    assert nb["n"] == 37


def test_summary_and_null_curve(curve):
    sm = curve.summary.iloc[0]
    assert sm["n_specs"] == len(curve.specs)
    for k in ("share_same_sign", "share_excluding_zero", "share_excluding_null", "p_median", "p_share_significant"):
        assert 0 <= sm[k] <= 1
    assert sm["share_excluding_zero"] == pytest.approx(curve.specs["significant"].mean())
    nc = curve.null_curve
    assert len(nc) == len(curve.specs)
    assert (nc["null_low"] <= nc["null_median"]).all() and (nc["null_median"] <= nc["null_high"]).all()
    assert nc["null_median"].is_monotonic_increasing
    assert curve.null_draws.shape == (49, len(curve.specs))


def test_curve_is_deterministic(bundled, curve):
    again = specification_curve(
        bundled.entities,
        bundled.corrections,
        staffing=("as_printed", "headcount"),
        exclusions=("none", "hub_plans"),
        covariate_sets={"population": (), "need": ("aging_rate_pct", "welfare_rate_permille")},
        n_perm=49,
        seed=3,
    )
    pd.testing.assert_frame_equal(again.specs, curve.specs)
    pd.testing.assert_frame_equal(again.summary, curve.summary)
