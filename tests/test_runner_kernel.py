"""The kernel is pinned to the interpreter running `study`: no kernelspec elsewhere can hijack it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest
from pydantic import Field

from study.runner import registry, zygote
from study.runner.processed import snapshot
from study.runner.execute import execute_param_set
from study.runner.params import NotebookParams, load_param_set


class ProbeParams(NotebookParams):
    """A probe notebook for tests: records its kernel's interpreter."""

    tag: str = Field("probe", description="A label.")


PROBE_CELLS = [
    ("code", 'tag = "probe"', ["parameters"]),
    (
        "code",
        "import os, sys\nfrom study.runner import context\ncontext.record_results([context.result('kernel', 1, "
        "n=1, label=sys.executable, unit=os.environ.get('PYTHONHASHSEED', ''), "
        "method=os.environ.get('STUDY_NOTEBOOK', ''))])\nprint(sys.executable)",
        [],
    ),
]


def make_notebook(path: Path, cells) -> Path:
    nb = nbformat.v4.new_notebook()
    for kind, src, tags in cells:
        c = nbformat.v4.new_code_cell(src) if kind == "code" else nbformat.v4.new_markdown_cell(src)
        c.metadata["tags"] = tags
        nb.cells.append(c)
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    nbformat.write(nb, path)
    return path


@pytest.fixture
def probe(tmp_path):
    nb = make_notebook(tmp_path / "zz_probe.ipynb", PROBE_CELLS)
    registry.register("zz_probe", ProbeParams, nb)
    yaml = tmp_path / "probe.yaml"
    yaml.write_text("notebook: zz_probe\nparameters:\n  tag: x\n", encoding="utf-8")
    yield load_param_set(yaml)
    registry.unregister("zz_probe")


@pytest.fixture
def hijack(tmp_path, monkeypatch):
    """A python3 (and a study-pinned) kernelspec on JUPYTER_PATH that would run something else."""
    jp = tmp_path / "jupyter"
    for name in ("python3", "study-pinned"):
        d = jp / "kernels" / name
        d.mkdir(parents=True)
        (d / "kernel.json").write_text(
            json.dumps(
                {
                    "argv": ["/usr/bin/python3", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                    "display_name": "hijack",
                    "language": "python",
                }
            ),
            encoding="utf-8",
        )
    monkeypatch.setenv("JUPYTER_PATH", str(jp))
    monkeypatch.setenv("JUPYTER_PREFER_ENV_PATH", "0")
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(jp))
    from jupyter_client.kernelspec import KernelSpecManager

    assert KernelSpecManager().get_kernel_spec("python3").argv[0] == "/usr/bin/python3"  # the hijack is real
    return jp


@pytest.mark.slow  # starts real kernels through the fork server and as subprocesses
@pytest.mark.parametrize("fork", [True, False], ids=["fork-server", "subprocess"])
def test_kernel_runs_this_interpreter(probe, hijack, tmp_path, monkeypatch, fork):
    monkeypatch.setenv("STUDY_KERNEL_FORK", "1" if fork else "0")
    server = zygote.start()
    assert (server is not None) == fork
    try:
        data = snapshot(tmp_path / "snapshot")
        out = execute_param_set(probe, tmp_path / "reports", data, command="study run probe.yaml", server=server)
    finally:
        if server is not None:
            server.close()
    assert out.status == "ok", out.message
    (res,) = json.loads((tmp_path / "reports" / probe.name / "results.json").read_text())["results"]
    assert res["label"] == sys.executable  # the kernel's sys.executable
    assert res["unit"] == "0" and res["method"] == "zz_probe"  # PYTHONHASHSEED and the run's environment
    manifest = json.loads((tmp_path / "reports" / probe.name / "manifest.json").read_text())
    assert manifest["kernel"] == {"name": "study-pinned", "executable": sys.executable}
