"""Golden snapshot: the headline numbers of every parameter set, recomputed by the library functions the
notebooks call (not by running the notebooks), equal to tests/golden/results.json to 1e-6.

When a change of data or method moves a headline number on purpose, update the snapshot deliberately:
``python scripts/update_golden.py``, and review the diff.

Marked ``slow``: it recomputes every parameter set at its defaults (the Monte Carlo rule draws up to
200,000 resamples), a few minutes of CPU; `make test-slow` and CI run it.
"""

from __future__ import annotations

import json

import pytest

from conftest import ROOT
from snapshot import GOLDEN, close, params_headlines


@pytest.fixture(scope="module")
def current():
    return params_headlines(ROOT / "params")


@pytest.fixture(scope="module")
def golden():
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


@pytest.mark.slow
def test_every_analysis_params_file_has_a_snapshot(current, golden):
    assert set(current) == set(golden), "params files changed: run `python scripts/update_golden.py`"
    assert current, "no analysis parameter sets found"


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(json.loads(GOLDEN.read_text(encoding="utf-8"))))
def test_headline_numbers_match_golden(current, golden, name):
    for notebook, expected in golden[name].items():
        got = current[name][notebook]
        assert [r["name"] for r in got] == [r["name"] for r in expected], f"{name}/{notebook}: result names changed"
        for g, e in zip(got, expected, strict=True):
            assert close(g, e, 1e-6), f"{name}/{notebook}/{e['name']}: {g} != golden {e}"


def test_close():
    assert close({"a": [1.0, None]}, {"a": [1.0 + 1e-9, None]})
    assert not close({"a": [1.0]}, {"a": [1.1]})
    assert not close([1], [1, 2])
    assert not close({"a": 1}, {"b": 1})
