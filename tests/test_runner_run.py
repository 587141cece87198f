"""The real runner on the real parameter sets: outputs, manifests, HTML, skipping, determinism, failures."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from pydantic import Field

from conftest import ROOT
from study.atomic import wait_for
from study.cli import main
from study.runner import registry
from study.runner.execute import cleanup_stale
from study.runner.params import NotebookParams, load_param_set
from study.runner.report import run_report

ALL_PARAMS = sorted((ROOT / "params").glob("*.yaml"))
#: heavy sets (``heavy: true``): `study report` leaves them out unless --heavy (see test_heavy_sets.py)
HEAVY = [p for p in ALL_PARAMS if load_param_set(p).heavy]
#: the sets a default `study report` runs
PARAMS = [p for p in ALL_PARAMS if p not in HEAVY]
#: notebooks run by each parameter set
RUNS = {p.stem: [r.notebook for r in load_param_set(p).runs] for p in PARAMS}
#: the parameter sets of the data audit (its outputs are checked in detail below)
AUDIT = [p for p in PARAMS if RUNS[p.stem] == ["00_data_audit"]]
FIGURES = ("cleaning_by_field", "missingness", "sample_vs_national")
TABLES = (
    "glossary",
    "cleaning_summary",
    "corrections_by_rule_field",
    "issues_by_check_field",
    "missingness",
    "reference_comparison",
)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """`study report --jobs 2` over every params/*.yaml, once for the module."""
    out = tmp_path_factory.mktemp("reports")
    buf = io.StringIO()
    result = run_report(out, jobs=2, force=True, stream=buf, progress=False)
    return out, result, buf.getvalue()


@pytest.mark.slow  # real kernels: `make test-slow`
def test_every_params_file_runs(report):
    _, result, text = report
    assert result.exit_code == 0, text
    assert [o.name for o in result.outcomes] == [p.stem for p in ALL_PARAMS]
    status = {o.name: (o.status, o.message) for o in result.outcomes}
    assert all(status[p.stem][0] == "ok" for p in PARAMS), text
    assert all(status[p.stem][0] == "skipped" and status[p.stem][1].startswith("heavy") for p in HEAVY), text
    assert re.search(r"run\s+status\s+seconds", text) and "data_audit" in text


@pytest.mark.slow  # real kernels: `make test-slow`
@pytest.mark.parametrize("name", [p.stem for p in PARAMS])
def test_every_report_folder(report, name):
    out, _, _ = report
    folder = out / name
    expected = sorted(
        [f"{nb}.{ext}" for nb in RUNS[name] for ext in ("html", "ipynb")]
        + ["figures", "manifest.json", "results.json", "tables"]
    )
    assert sorted(p.name for p in folder.iterdir()) == expected
    assert list((folder / "figures").glob("*.png")) and list((folder / "tables").glob("*.csv"))
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    assert results["run"] == name and results["results"]
    for r in results["results"]:
        assert {"name", "estimate", "interval", "n"} <= set(r) and r["n"] is not None
    m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert m["status"] == "ok" and m["run"] == name and set(m["parameters"]) == set(RUNS[name])


@pytest.mark.slow  # real kernels: `make test-slow`
@pytest.mark.parametrize("name", [p.stem for p in AUDIT])
def test_report_folder(report, name):
    out, _, _ = report
    folder = out / name
    for f in FIGURES:
        assert (folder / "figures" / f"{f}.png").read_bytes()[:4] == b"\x89PNG"
        assert b"<svg" in (folder / "figures" / f"{f}.svg").read_bytes()[:500]
    for t in TABLES:
        assert (folder / "tables" / f"{t}.csv").stat().st_size > 50
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    assert results["run"] == name
    by = {r["name"]: r for r in results["results"]}
    for r in results["results"]:
        assert {"name", "estimate", "interval", "n"} <= set(r)
    w = by["welfare_median"]
    assert w["reference"] == 16.4 and w["interval"][0] <= w["estimate"] <= w["interval"][1] and w["n"] >= 56
    assert by["n_entities"]["estimate"] == (63 if name == "data_audit_prefectures" else 57)
    m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert m["status"] == "ok" and m["run"] == name
    assert m["parameters"]["00_data_audit"]["bootstrap_draws"] == 2000 and len(m["params_hash"]) == 64
    assert m["data"]["raw_sha256"] == "c89f77013be060851c6ef710da0b0f5221e7a12df7717b5650e2e463b0b62783"
    assert m["versions"]["python"] == sys.version.split()[0]
    assert {"pandas", "matplotlib", "papermill", "statsmodels"} <= set(m["versions"]["packages"])
    assert set(m["git"]) >= {"commit", "dirty"}
    assert m["started"] <= m["ended"] and m["seconds"] > 0
    assert m["command"].startswith(f"study run params/{name}.yaml")
    for rel, digest in m["outputs"].items():
        assert (folder / rel).is_file() and len(digest) == 64


@pytest.mark.slow  # real kernels: `make test-slow`
def test_executed_notebook_has_no_glyph_warnings_or_errors(report):
    out, _, _ = report
    for p, nb_name in [(q, nb) for q in PARAMS for nb in RUNS[q.stem]]:
        nb = nbformat.read(out / p.stem / f"{nb_name}.ipynb", as_version=4)
        for cell in nb.cells:
            for o in cell.get("outputs", []):
                assert o.get("output_type") != "error"
                text = o.get("text", "") if o.get("output_type") == "stream" else ""
                assert "missing from font" not in text and "Glyph" not in text, text
        assert nb.metadata["papermill"]["parameters"]["label_language"] in ("ja", "en")


@pytest.mark.slow  # real kernels: `make test-slow`
def test_html_report(report):
    out, _, _ = report
    page = (out / "data_audit" / "00_data_audit.html").read_text(encoding="utf-8")
    header = page[page.index('<header class="study-header"') : page.index("</header>")]
    assert (
        "<h2>パラメータ</h2>" in header and "<code>bootstrap_draws</code>" in header and "<code>2000</code>" in header
    )  # the Japanese run's header is in Japanese
    assert "<h2>このレポートを再現するコマンド</h2>" in header and "<code>study run params/data_audit.yaml" in header
    assert "Parameters" not in header and "Reproduce" not in header
    assert "データ監査" in header
    assert not re.search(r'<div class="[^"]*jp-InputArea-editor', page)  # code hidden by default
    assert len(re.findall(r'<img [^>]*src="data:image/png;base64,', page)) >= 3
    assert not re.search(r"<(script|link)\b[^>]*(src|href)=\"?(https?:)?//", page), (
        "a script or stylesheet from the network"
    )
    assert 'lang="ja"' in page[:300]
    assert 'lang="en"' in (out / "data_audit_en" / "00_data_audit.html").read_text(encoding="utf-8")[:300]


@pytest.mark.slow  # real kernels: `make test-slow`
def test_index(report):
    out, _, _ = report
    index = (out / "index.html").read_text(encoding="utf-8")
    for p in PARAMS:
        for nb in RUNS[p.stem]:
            assert f'href="{p.stem}/{nb}.html"' in index
    assert index.count('<td class="ok">ok') == len(PARAMS)
    assert "median public-assistance rate (‰): 12.5 [" in index and "(n = 56)" in index  # in words, not column names
    words = " ".join(re.findall(r'<ul class="results">(.*?)</ul>', index, re.S))
    words += index[index.index('id="start-here"') : index.index("<h2>Runs</h2>")]
    assert "welfare_rate_permille" not in words and not re.search(r"\b\d+(\.\d+)?[eE][-+]?\d+\b", words)
    # the reader's order: data audit, then Q1–Q6; a start-here block; the study documents and the data page
    order = [index.index(f'href="{run}/') for run in ("data_audit", "staffing", "targets", "typology", "robustness")]
    assert order == sorted(order) and "Start here" in index
    for page in ("study.html", "study.en.html", "data.html"):
        assert f'href="{page}"' in index and (out / page).is_file()
    assert "<script" not in index


@pytest.mark.slow  # real kernels: `make test-slow`
def test_cli_report(report, capsys):
    out, _, _ = report
    assert main(["report", "--out", str(out), "--no-progress", "--jobs", "2"]) == 0
    text = capsys.readouterr().out
    assert re.search(r"^run\s+status\s+seconds$", text, re.M) and "runs ok" in text
    assert main(["report", "--jobs", "0"]) == 2


@pytest.mark.slow  # real kernels: `make test-slow`
def test_unchanged_runs_are_skipped_and_force_reruns(report, monkeypatch):
    out, _, _ = report
    buf = io.StringIO()
    from study.runner import report as report_module

    def no_kernel(*a, **k):  # a skipped run starts no kernel (checked by event, not by time)
        raise AssertionError("a kernel was started for an unchanged run")

    monkeypatch.setattr(report_module, "execute_param_set", no_kernel)
    again = run_report(out, jobs=2, stream=buf, progress=False)
    assert again.exit_code == 0 and {o.status for o in again.outcomes} == {"skipped"}
    assert "skipped" in buf.getvalue()


@pytest.mark.slow  # real kernels: `make test-slow`
def test_same_parameters_same_bytes_and_show_code(report, tmp_path, capsys):
    """A second run of data_audit (here through `study run --show-code`) gives byte-identical
    results.json and tables; the HTML keeps the code."""
    out, _, _ = report
    assert main(["run", str(ROOT / "params" / "data_audit.yaml"), "--out", str(tmp_path), "--show-code"]) == 0
    assert "study run: data_audit ok" in capsys.readouterr().out
    a, b = out / "data_audit", tmp_path / "data_audit"
    assert (a / "results.json").read_bytes() == (b / "results.json").read_bytes()
    for t in TABLES:
        assert (a / "tables" / f"{t}.csv").read_bytes() == (b / "tables" / f"{t}.csv").read_bytes(), t
    assert re.search(r'<div class="[^"]*jp-InputArea-editor', (b / "00_data_audit.html").read_text(encoding="utf-8"))
    m = json.loads((b / "manifest.json").read_text())
    assert m["show_code"] is True and m["command"].endswith("--show-code")


class FailParams(NotebookParams):
    """A notebook that raises (tests)."""

    divisor: int = Field(0, description="Divides 1.")


@pytest.fixture
def failing(tmp_path):
    nb = nbformat.v4.new_notebook()
    p = nbformat.v4.new_code_cell("divisor = 0")
    p.metadata["tags"] = ["parameters"]
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Fails"),
        p,
        nbformat.v4.new_code_cell("x = 1\nraise ValueError(f'boom {1 / (divisor + 1)}')"),
        nbformat.v4.new_code_cell("print('never')"),
    ]
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    path = tmp_path / "zz_fail.ipynb"
    nbformat.write(nb, path)
    registry.register("zz_fail", FailParams, path)
    yaml = tmp_path / "failing.yaml"
    yaml.write_text("notebook: zz_fail\nparameters:\n  divisor: 0\n", encoding="utf-8")
    yield yaml
    registry.unregister("zz_fail")


@pytest.mark.slow  # real kernels: `make test-slow`
def test_notebook_that_raises(failing, tmp_path, capsys):
    out = tmp_path / "reports"
    assert main(["run", str(failing), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" not in err
    assert "study run: failing failed: zz_fail.ipynb: cell In [3] raised ValueError: boom 1.0" in err
    partial = out / "_failed" / "failing" / "zz_fail.ipynb"
    assert f"partial executed notebook: {partial}" in err
    nb = nbformat.read(partial, as_version=4)
    assert any(o.get("ename") == "ValueError" for c in nb.cells for o in c.get("outputs", []))
    assert not (out / "failing").exists()  # nothing that looks like a complete report
    assert not [p for p in out.iterdir() if p.name.startswith(".tmp-")]
    m = json.loads((out / "_failed" / "failing" / "manifest.json").read_text())
    assert m["status"] == "failed" and m["error"]["ename"] == "ValueError"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "failed" in index and "_failed/failing/zz_fail.ipynb" in index


@pytest.mark.slow  # real kernels: `make test-slow`
def test_report_keeps_going_past_a_failure(report, failing, tmp_path):
    out, _, _ = report
    invalid = tmp_path / "typo.yaml"
    invalid.write_text("notebook: 00_data_audit\nparameters:\n  seed: -1\n", encoding="utf-8")
    buf = io.StringIO()
    res = run_report(out, jobs=2, files=[failing, invalid, *PARAMS], stream=buf, progress=False)
    status = {o.name: o.status for o in res.outcomes}
    assert status.pop("failing") == "failed" and status.pop("typo") == "invalid"
    assert set(status) == {p.stem for p in PARAMS} and set(status.values()) <= {
        "skipped",
        "ok",
    }  # (ok if inputs changed meanwhile)
    assert res.exit_code == 1
    text = buf.getvalue()
    assert "failing: zz_fail.ipynb: cell In [3] raised ValueError" in text and "partial executed notebook" in text
    assert "typo: " in text and "parameter 'seed': input should be greater than or equal to 0" in text
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<td class="invalid">invalid' in index and '<td class="failed">failed' in index
    import shutil

    shutil.rmtree(out / "_failed")


def test_bad_raw_inputs(tmp_path, capsys):
    missing = tmp_path / "missing.yaml"
    missing.write_text("notebook: 00_data_audit\nparameters:\n  raw_path: data/raw/not_there.txt\n", encoding="utf-8")
    assert main(["run", str(missing), "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "file not found: data/raw/not_there.txt" in err
    junk = tmp_path / "junk.txt"
    junk.write_text("hello\n", encoding="utf-8")
    bad = tmp_path / "badraw.yaml"
    bad.write_text(f"notebook: 00_data_audit\nparameters:\n  raw_path: {junk}\n", encoding="utf-8")
    assert main(["run", str(bad), "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    # one error line (a note on which data/processed is used may precede it)
    errors = [line for line in err.splitlines() if "error:" in line]
    assert len(errors) == 1 and "Traceback" not in err and str(junk) in errors[0]
    assert not (tmp_path / "r" / "badraw").exists()
    assert not [p for p in (tmp_path / "r").iterdir() if p.name.startswith(".tmp-")]


@pytest.mark.slow  # real kernels: `make test-slow`
def test_killed_run_leaves_nothing_that_looks_complete(tmp_path):
    out = tmp_path / "reports"
    study = Path(sys.executable).parent / "study"
    proc = subprocess.Popen(
        [str(study), "run", str(ROOT / "params" / "data_audit.yaml"), "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    # the event: the kernel of the run has started (its log file exists in the run's temporary folder)
    assert wait_for(
        lambda: proc.poll() is not None or any(out.glob(".tmp-data_audit-*/.00_data_audit.kernel.log")), 300
    )
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    left = sorted(p.name for p in out.iterdir())
    assert "data_audit" not in left and all(n.startswith((".tmp-data_audit-", ".data-")) for n in left), left
    assert not any((out / n / "manifest.json").exists() for n in left)
    assert cleanup_stale(out) and not any(out.iterdir())
