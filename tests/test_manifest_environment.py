"""Every manifest records the lock file's SHA-256 and the installed versions (study.runner.manifest)."""

from __future__ import annotations

import hashlib
from importlib import metadata

from conftest import ROOT

from study.runner.manifest import LOCK_FILE, environment_state, versions

NUMPY = metadata.version("numpy")


def _lock(tmp_path, *packages: tuple[str, str], project: bool = True) -> bytes:
    """Write a small uv.lock with the given (name, version) registry packages (plus the editable project)."""
    text = 'version = 1\nrevision = 3\nrequires-python = ">=3.11"\n'
    for name, version in packages:
        text += (
            f'\n[[package]]\nname = "{name}"\nversion = "{version}"\n'
            f'source = {{ registry = "https://pypi.org/simple" }}\n'
        )
    if project:
        text += '\n[[package]]\nname = "study"\nversion = "0.0.0"\nsource = { editable = "." }\n'
    (tmp_path / LOCK_FILE).write_text(text, encoding="utf-8")
    return text.encode("utf-8")


def test_real_lock_hash_and_installed_versions():
    state = environment_state(ROOT)
    assert state["lock"]["file"] == "uv.lock"
    assert state["lock"]["sha256"] == hashlib.sha256((ROOT / "uv.lock").read_bytes()).hexdigest()
    assert state["installed"]["numpy"] == NUMPY
    assert state["installed"]["scikit-learn"] == metadata.version("scikit-learn")
    assert list(state["installed"]) == sorted(state["installed"])


def test_manifest_versions_carry_the_lock_and_installed():
    v = versions()
    assert v["lock"]["sha256"] == hashlib.sha256((ROOT / "uv.lock").read_bytes()).hexdigest()
    assert v["installed"]["pandas"] == metadata.version("pandas")
    assert v["packages"]["pandas"] == metadata.version("pandas")


def test_matching_lock(tmp_path):
    raw = _lock(tmp_path, ("numpy", NUMPY), ("not-installed-anywhere", "1.0"))
    lock = environment_state(tmp_path)["lock"]
    assert lock == {"file": "uv.lock", "sha256": hashlib.sha256(raw).hexdigest(), "matches": True, "mismatches": []}


def test_installed_version_outside_the_lock_is_a_mismatch(tmp_path):
    # names are compared PEP 503-normalised; the editable project is never compared
    _lock(tmp_path, ("NumPy", "0.0.1"), ("Scikit_Learn", metadata.version("scikit-learn")))
    lock = environment_state(tmp_path)["lock"]
    assert lock["matches"] is False
    assert lock["mismatches"] == [{"name": "numpy", "installed": NUMPY, "locked": ["0.0.1"]}]


def test_forked_lock_accepts_any_locked_version(tmp_path):
    # uv.lock pins one version per Python range (numpy for 3.11 and for 3.12+): either is the lock's
    _lock(tmp_path, ("numpy", "0.0.1"), ("numpy", NUMPY))
    assert environment_state(tmp_path)["lock"]["matches"] is True


def test_no_lock_file(tmp_path):
    state = environment_state(tmp_path)
    assert state["lock"] == {"file": "uv.lock", "sha256": None, "matches": None, "mismatches": []}
    assert state["installed"]["numpy"] == NUMPY


def test_the_installed_versions_are_an_input_of_every_run(monkeypatch):
    """A changed environment (e.g. after `make lock` and a sync) makes `study report` run a set again."""
    from study.runner import execute
    from study.runner.params import load_param_set
    from study.runner.processed import DataState

    ps = load_param_set(ROOT / "params" / "staffing.yaml")
    data = DataState(folder=ROOT, raw_path=ROOT, raw_sha256="raw", files_sha256={}, regenerated=False)
    before = execute.input_hash(ps, data, show_code=False)
    monkeypatch.setattr(execute, "installed_versions", lambda: {"numpy": "0.0.1"})
    assert execute.input_hash(ps, data, show_code=False) != before
