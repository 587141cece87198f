"""Holm adjustment (study.models.multiplicity): properties; exact R values are in test_r_reference_estimators."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from study.models.multiplicity import holm


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=12))
def test_holm_properties(ps):
    p = np.array(ps)
    a = holm(p)
    assert np.all(a >= p - 1e-15) and np.all(a <= 1)
    order = np.argsort(p, kind="stable")
    assert np.all(np.diff(a[order]) >= -1e-15)  # monotone in p
    assert a[order[0]] == pytest.approx(min(1.0, len(p) * p[order[0]]))  # smallest: Bonferroni
    assert a[order[-1]] == pytest.approx(max(a))  # largest: the running maximum


def test_holm_by_hand_and_missing():
    np.testing.assert_allclose(holm([0.01, 0.02, 0.03]), [0.03, 0.04, 0.04])
    out = holm([0.01, np.nan, 0.04])
    assert np.isnan(out[1]) and out[0] == pytest.approx(0.02) and out[2] == pytest.approx(0.04)
    assert np.isnan(holm([np.nan])).all()
    with pytest.raises(ValueError):
        holm([0.2, 1.5])
