"""Parameter sets marked ``heavy: true`` (the multiverse) are left out of `study report` unless asked,
and the index says so and how to run them."""

from __future__ import annotations

import io

import pytest

from study.paths import project_root
from study.runner.params import ParamsError, load_param_set
from study.runner.report import run_report


def test_the_multiverse_set_is_heavy_and_the_others_are_not():
    params = project_root() / "params"
    assert load_param_set(params / "multiverse.yaml").heavy
    assert not any(load_param_set(p).heavy for p in params.glob("*.yaml") if p.stem != "multiverse")


def test_heavy_must_be_a_boolean(tmp_path):
    f = tmp_path / "x.yaml"
    f.write_text("notebook: 50_multiverse\nheavy: yes please\n", encoding="utf-8")
    with pytest.raises(ParamsError, match="'heavy' must be true or false"):
        load_param_set(f)


def test_report_skips_a_heavy_set_and_the_index_says_how_to_run_it(tmp_path):
    out = io.StringIO()
    r = run_report(
        tmp_path / "reports", files=[project_root() / "params" / "multiverse.yaml"], progress=False, stream=out
    )
    (o,) = r.outcomes
    assert r.exit_code == 0 and o.status == "skipped" and "study report --heavy" in o.message
    assert "make multiverse" in out.getvalue()
    index = (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")
    assert "not run" in index and "study report --heavy" in index
    assert not (tmp_path / "reports" / "multiverse").exists()
