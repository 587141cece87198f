"""Parameter sets: validation before any kernel starts, clear one-line errors, help from the model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from study.cli import main
from study.parameters import AuditParams
from study.runner.params import ParamsError, describe, help_text, load_param_set, parameters_cell
from study.runner.registry import NOTEBOOKS, get_model, notebook_names, notebook_path

PARAMS = sorted((ROOT / "params").glob("*.yaml"))


def write(tmp_path: Path, text: str, name: str = "p.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize("path", PARAMS, ids=[p.stem for p in PARAMS])
def test_every_params_file_validates(path):
    ps = load_param_set(path)
    assert ps.name == path.stem and ps.runs and ps.title
    for r in ps.runs:
        assert notebook_path(r.notebook).is_file()


def test_defaults_and_hash():
    ps = load_param_set(ROOT / "params" / "data_audit.yaml")
    (run,) = ps.runs
    assert run.values() == AuditParams().model_dump(mode="json")
    assert (
        len(ps.params_hash()) == 64
        and ps.params_hash() == load_param_set(ROOT / "params" / "data_audit.yaml").params_hash()
    )
    assert ps.params_hash() != load_param_set(ROOT / "params" / "data_audit_en.yaml").params_hash()


def test_typo_lists_valid_keys(tmp_path):
    p = write(tmp_path, "notebook: 00_data_audit\nparameters:\n  bootstrap_draw: 200\n")
    with pytest.raises(ParamsError) as e:
        load_param_set(p)
    msg = str(e.value)
    assert "unknown parameter 'bootstrap_draw'" in msg and "did you mean 'bootstrap_draws'?" in msg
    assert "valid parameters: label_language, include_prefectures, raw_path, bootstrap_draws, seed, confidence" in msg
    assert "\n" not in msg


@pytest.mark.parametrize(
    "line, expected",
    [
        (
            "bootstrap_draws: many",
            "parameter 'bootstrap_draws': input should be a valid integer, got 'many' "
            "(str); expected integer, 100 ≤ x ≤ 100000",
        ),
        ("bootstrap_draws: '200'", "input should be a valid integer, got '200' (str)"),
        (
            "bootstrap_draws: 5",
            "input should be greater than or equal to 100, got 5 (int); expected integer, 100 ≤ x ≤ 100000",
        ),
        ("confidence: 1.5", "parameter 'confidence': input should be less than or equal to 0.999"),
        ("include_prefectures: 'yes'", "parameter 'include_prefectures': input should be a valid boolean"),
        ("label_language: fr", "parameter 'label_language': input should be 'ja' or 'en', got 'fr'"),
        ("raw_path: data/raw/nope.txt", "parameter 'raw_path': file not found: data/raw/nope.txt"),
    ],
)
def test_wrong_type_range_or_missing_file(tmp_path, line, expected):
    p = write(tmp_path, f"notebook: 00_data_audit\nparameters:\n  {line}\n")
    with pytest.raises(ParamsError) as e:
        load_param_set(p)
    assert expected in str(e.value)


def test_existing_raw_path_is_accepted(tmp_path):
    p = write(tmp_path, "notebook: 00_data_audit\nparameters:\n  raw_path: data/raw/hokatsu_plans.txt\n")
    ps = load_param_set(p)
    assert ps.input_files() == [ROOT / "data" / "raw" / "hokatsu_plans.txt"]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "notebook: 00_data_audt\n",
            "unknown notebook '00_data_audt' (did you mean '00_data_audit'?); available notebooks: 00_data_audit",
        ),
        ("notebok: 00_data_audit\n", "unknown key 'notebok' (did you mean 'notebook'?)"),
        ("title: x\n", "no 'notebook' key"),
        ("notebook: 00_data_audit\nparameters: [1, 2]\n", "'parameters' of notebook 00_data_audit must be a mapping"),
        ("notebook: [unclosed\n", "invalid YAML at line"),
        ("- a\n- b\n", "expected a mapping"),
        ("notebooks: []\n", "'notebooks' must be a non-empty list"),
    ],
)
def test_malformed_files(tmp_path, text, expected):
    with pytest.raises(ParamsError) as e:
        load_param_set(write(tmp_path, text))
    assert expected in str(e.value)


def test_missing_file_and_bad_name(tmp_path):
    with pytest.raises(ParamsError, match="file not found"):
        load_param_set(tmp_path / "nope.yaml")
    with pytest.raises(ParamsError, match="cannot name a report folder"):
        load_param_set(write(tmp_path, "notebook: 00_data_audit\n", name="bad name.yaml"))


def test_several_notebooks_and_overrides(tmp_path):
    p = write(tmp_path, "notebooks:\n  - notebook: 00_data_audit\n    parameters: {label_language: en}\n")
    ps = load_param_set(p, overrides={"bootstrap_draws": 300})
    assert ps.runs[0].values()["bootstrap_draws"] == 300 and ps.runs[0].values()["label_language"] == "en"
    with pytest.raises(ParamsError, match="--set 'bootstrap'"):
        load_param_set(p, overrides={"bootstrap": 300})
    with pytest.raises(ParamsError, match="greater than or equal to 100"):
        load_param_set(p, overrides={"bootstrap_draws": 3})


def test_help_from_the_model():
    text = help_text("00_data_audit", AuditParams)
    for d in describe(AuditParams):
        line = next(x for x in text.splitlines() if x.startswith(d.name + " "))
        assert d.type in line and json.dumps(d.default, ensure_ascii=False) in line and d.meaning in line
    assert (
        "integer, 100 ≤ x ≤ 100000" in text
        and "path to an existing file or null" in text
        and "one of 'ja', 'en'" in text
    )


def test_registry_matches_notebooks_folder():
    on_disk = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert on_disk == sorted(NOTEBOOKS) == notebook_names()
    for name in NOTEBOOKS:
        assert notebook_path(name).is_file()


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_parameters_cell_holds_the_model_defaults(name):
    import nbformat

    nb = nbformat.read(notebook_path(name), as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, "exactly one cell tagged 'parameters'"
    assert cells[0].source == parameters_cell(get_model(name)), (
        f"paste `study params {name} --cell` into the parameters cell"
    )


def test_cli_params(capsys):
    assert main(["params"]) == 0
    assert "00_data_audit" in capsys.readouterr().out
    assert main(["params", "00_data_audit"]) == 0
    assert "bootstrap_draws" in capsys.readouterr().out
    assert main(["params", "00_data_audit", "--cell"]) == 0
    assert capsys.readouterr().out.strip() == parameters_cell(AuditParams)
    assert main(["params", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.strip().startswith("study params: error: unknown notebook 'nope'; available notebooks: 00_data_audit")
    assert "\n" not in err.strip()


def test_cli_run_rejects_bad_params_before_any_kernel(tmp_path, capsys):
    p = write(tmp_path, "notebook: 00_data_audit\nparameters:\n  seeed: 1\n", name="typo.yaml")
    assert main(["run", str(p), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "unknown parameter 'seeed'" in err and "did you mean 'seed'?" in err
    assert not (tmp_path / "out").exists()
    assert main(["run", str(tmp_path / "missing.yaml")]) == 2
    assert "file not found" in capsys.readouterr().err
    assert main(["run", str(ROOT / "params" / "data_audit.yaml"), "--set", "nonsense"]) == 2


def test_real_command_line_typo_exit_code(tmp_path):
    """The installed `study` command: exit 2, one line on stderr, no traceback."""
    p = write(tmp_path, "notebook: 00_data_audit\nparameters:\n  label_languages: en\n", name="typo.yaml")
    study = Path(sys.executable).parent / "study"
    r = subprocess.run(
        [str(study), "run", str(p), "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 2
    assert r.stdout == "" and "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert "unknown parameter 'label_languages'" in r.stderr and "did you mean 'label_language'?" in r.stderr


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_papermill_reads_every_parameter(name, caplog):
    """papermill's own parser (the one behind its 'Passed unknown parameter' warning) finds every field.

    It gives up on a line with more than one '=', so a parameter's meaning must not contain one.
    """
    from papermill.translators import PythonTranslator

    with caplog.at_level("WARNING", logger="papermill"):
        found = [p.name for p in PythonTranslator.inspect(_parameters_cell_of(name))]
    assert found == list(get_model(name).model_fields), caplog.text
    assert "Unable to parse" not in caplog.text


def _parameters_cell_of(name: str):
    import nbformat

    nb = nbformat.read(notebook_path(name), as_version=4)
    return next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
