"""Influence diagnostics of the headline model."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from study.models.count import fit_count
from study.models.frame import analysis_frame
from study.models.influence import influence, influence_summary


@pytest.fixture(scope="module")
def frame(bundled):
    return analysis_frame(bundled.entities, bundled.corrections).data


@pytest.mark.parametrize("family", ["poisson_ql", "negbin"])
def test_exact_leave_one_out_equals_refits(frame, family):
    fit = fit_count(frame, family)
    t = influence(fit, names=frame.set_index("entity_id")["name"])
    assert len(t) == 49 and t["name"].notna().all()
    for i in (0, 7, 39):  # 釧路市, 札幌市 (0 staff), 世田谷区 (28)
        rest = frame.drop(index=frame.index[i])
        refit = fit_count(rest, family)
        assert t["loo_estimate"].iloc[i] == pytest.approx(refit.params["estimate"].iloc[1], abs=1e-6)
    assert (t["cooks_d"] >= 0).all() and (t["hat"] > 0).all()
    s = influence_summary(fit, t)
    assert s.loc[0, "ci_low"] <= s.loc[0, "estimate"] <= s.loc[0, "ci_high"]
    assert s.loc[0, "most_influential"] == "世田谷区"
    assert s.loc[0, "n"] == 49


def test_cooks_distance_matches_statsmodels_glm(frame):
    fit = fit_count(frame, "poisson_ql")
    t = influence(fit)
    X = sm.add_constant(frame[["log_pop"]].to_numpy())
    g = sm.GLM(frame["staff"].to_numpy(), X, family=sm.families.Poisson()).fit(scale="X2")
    inf = g.get_influence()
    np.testing.assert_allclose(t["cooks_d"], inf.cooks_distance[0], rtol=1e-6)
    np.testing.assert_allclose(t["dfbetas"], inf.dfbetas[:, 1], rtol=1e-6)
    assert t["cooks_flag"].sum() == int((inf.cooks_distance[0] > 4 / 49).sum())
