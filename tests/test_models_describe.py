"""Descriptive estimates: summaries, Wilson shares, consultation rates, hub-plan handling."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from study.models.frame import analysis_frame
from study.models.describe import consultation_rate, summarise, tabulate, wilson


@pytest.fixture(scope="module")
def frames(bundled):
    return (
        analysis_frame(bundled.entities, bundled.corrections).data,
        analysis_frame(bundled.entities, bundled.corrections, require=("population",)).data,
    )


def test_wilson_known_value():
    lo, hi = wilson(8, 20)
    assert lo == pytest.approx(0.2188, abs=1e-4) and hi == pytest.approx(0.6134, abs=1e-4)
    assert wilson(0, 10)[0] == 0.0


def test_summarise_institutions(frames):
    _, allm = frames
    s = summarise(allm, n_boot=500, seed=1).set_index("name")
    r = s.loc["hokatsu_per_10k_older"]
    assert r["n"] == 56  # 藤沢市 prints no centre count
    assert r["estimate"] == pytest.approx(np.nanmedian(allm["hokatsu_per_10k_older"]))
    assert r["ci_low"] <= r["estimate"] <= r["ci_high"]
    assert 0 <= s.loc["hokatsu_outsourced_share", "estimate"] <= 1
    again = summarise(allm, n_boot=500, seed=1)
    pd.testing.assert_frame_equal(s.reset_index(), again)
    m = summarise(allm, ["population"], stat="mean", n_boot=200, method="bca")
    assert m.loc[0, "estimate"] == pytest.approx(allm["population"].mean())


def test_tabulate_shares(frames):
    _, allm = frames
    t = tabulate(allm, "municipality_type")
    assert t["count"].sum() == 57 and t["estimate"].sum() == pytest.approx(1)
    assert (t["ci_low"] <= t["estimate"]).all() and (t["estimate"] <= t["ci_high"]).all()
    fake = allm.assign(implementer_type_takikan=["shakyo", "direct", None] * 19)
    t2 = tabulate(fake, "implementer_type_takikan")
    assert set(t2["name"]) == {"shakyo", "direct"} and (t2["n"] == 38).all()


def test_consultation_rate(frames):
    f, _ = frames
    targets = pd.DataFrame(
        {
            "entity_id": ["012068", "012068", "012068", "032018"],
            "kind": ["consultations", "consultations", "meetings", "consultations"],
            "annual_value": [100.0, 68.73, 12.0, np.nan],
        }
    )
    r = consultation_rate(f, targets)
    assert list(r["entity_id"]) == ["012068"]
    assert r.loc[0, "rate"] == pytest.approx(168.73 / 168730 * 1000)


def test_consultation_rate_on_the_clean_targets(bundled, frames):
    assert hasattr(bundled, "targets")  # the targets table of the cleaning pipeline
    _, allm = frames
    r = consultation_rate(allm, bundled.targets)
    assert r["rate"].dtype == np.float64 and (r["rate"] > 0).all()
    assert (r["n_targets"] >= 1).all() and r["entity_id"].is_unique
