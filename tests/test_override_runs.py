"""`study run … --set` and `study report --set` never replace a default run (issue 12, item 6).

An override run has its own name ``<name>--<8 hex of its params hash>``; two dashes never occur in a
parameter-set file's name, so the folder can never be a default run's. Its title, manifest and index
row say which parameters changed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from study.runner.params import check_name, load_param_set
from study.runner.site import build_index

ROOT = Path(__file__).resolve().parents[1]
STAFFING = ROOT / "params" / "staffing.yaml"


def test_an_override_gets_its_own_name_title_and_record():
    default = load_param_set(STAFFING)
    changed = load_param_set(STAFFING, {"bootstrap_draws": 200})
    assert default.name == "staffing" and default.overrides == () and default.base_name is None
    assert changed.name == f"staffing--{changed.params_hash()[:8]}"
    assert changed.params_hash() != default.params_hash()
    assert changed.base_name == "staffing" and changed.overrides == (("bootstrap_draws", 200),)
    assert "override: bootstrap_draws=200" in changed.title


def test_override_names_are_deterministic_and_distinct():
    a = load_param_set(STAFFING, {"bootstrap_draws": 200})
    b = load_param_set(STAFFING, {"bootstrap_draws": 200})
    c = load_param_set(STAFFING, {"bootstrap_draws": 300})
    assert a.name == b.name != c.name


def test_an_override_name_can_never_be_a_parameter_set_name():
    name = load_param_set(STAFFING, {"seed": 1}).name
    assert check_name(name) is not None  # so no params/<file>.yaml can ever write that folder
    assert check_name("staffing") is None


@pytest.mark.parametrize("override", [{"no_such_parameter": 1}, {"bootstrap_draws": "many"}])
def test_a_bad_override_is_still_rejected(override):
    with pytest.raises(Exception, match=r"staffing\.yaml"):
        load_param_set(STAFFING, override)


def _fake_run(root: Path, name: str, manifest: dict) -> None:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({"run": name, "status": "ok", "notebooks": [], **manifest}))
    (folder / "results.json").write_text(json.dumps({"run": name, "results": []}))


def test_the_index_marks_an_override_run_and_lists_what_changed(tmp_path):
    params = {"10_staffing": {"label_language": "ja", "seed": 20190401}}
    _fake_run(tmp_path, "staffing", {"title": "Staffing", "parameters": params})
    _fake_run(
        tmp_path,
        "staffing--0123abcd",
        {
            "title": "Staffing — override: seed=7",
            "parameters": params,
            "override_of": "staffing",
            "overrides": {"seed": 7},
        },
    )
    page = build_index(tmp_path).read_text(encoding="utf-8")
    row = page[page.index("<strong>staffing--0123abcd</strong>") :]
    row = row[: row.index("</tr>")]
    assert "override run of" in row and "seed = 7" in row
    default_row = page[page.index("<strong>staffing</strong>") :]
    assert "override run of" not in default_row[: default_row.index("</tr>")]
