"""pyproject.toml, uv.lock and environment.yml (for conda users) agree.

The authoritative check that uv.lock is up to date is ``uv lock --check`` (``make
lock-check``, run by CI); these tests check offline what can be read from the files.
"""

from __future__ import annotations

import importlib.util
import re
import tomllib

import yaml
from conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LOCK = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
ENV = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _split(req: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", req)
    assert m, req
    return _norm(m.group(1)), m.group(2).replace(" ", "")


def _wanted() -> dict[str, str]:
    """Direct dependencies of pyproject.toml (runtime + test extra): name -> specifier."""
    project = PYPROJECT["project"]
    return dict(_split(r) for r in project["dependencies"] + project["optional-dependencies"]["test"])


def _script():
    spec = importlib.util.spec_from_file_location("sync_environment", ROOT / "scripts" / "sync_environment.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_lock_records_the_requirements_of_pyproject():
    """uv.lock stores the project's requirements it was resolved for: they must be pyproject's."""
    study = next(p for p in LOCK["package"] if p["name"] == "study")
    meta = study["metadata"]
    locked = {_norm(r["name"]): r.get("specifier", "") for r in meta["requires-dist"] if "marker" not in r}
    locked_test = {
        _norm(r["name"]): r.get("specifier", "") for r in meta["requires-dist"] if r.get("marker") == "extra == 'test'"
    }
    project = PYPROJECT["project"]
    assert locked == dict(_split(r) for r in project["dependencies"])
    assert locked_test == dict(_split(r) for r in project["optional-dependencies"]["test"])
    assert LOCK["requires-python"] == project["requires-python"] == ">=3.11"


def test_lock_pins_every_package_with_hashes():
    for pkg in LOCK["package"]:
        if pkg["name"] == "study":
            assert pkg["source"] == {"editable": "."}
            continue
        assert re.fullmatch(r"[0-9][0-9A-Za-z.+!]*", pkg["version"]), pkg["name"]
        files = pkg.get("wheels", []) + ([pkg["sdist"]] if "sdist" in pkg else [])
        assert files and all(f["hash"].startswith("sha256:") for f in files), pkg["name"]


def test_environment_pins_the_locked_versions():
    """Every direct dependency appears once in environment.yml, pinned (==) to a version of uv.lock."""
    locked: dict[str, set[str]] = {}
    for p in LOCK["package"]:
        locked.setdefault(_norm(p["name"]), set()).add(p["version"])
    conda = [d for d in ENV["dependencies"] if isinstance(d, str)]
    pip = [
        d
        for block in ENV["dependencies"]
        if isinstance(block, dict)
        for d in block.get("pip", [])
        if not d.startswith("-e")
    ]
    assert "python=3.11" in conda and "pip" in conda
    got = {}
    for d in conda + pip:
        if d in ("python=3.11", "pip"):
            continue
        name, spec = _split(d)
        assert spec.startswith("=="), d
        assert name not in got, f"{name} twice"
        got[name] = spec[2:]
    assert set(got) == set(_wanted())
    for name, version in got.items():
        assert version in locked[name], f"{name}=={version} is not in uv.lock ({locked[name]})"
    assert got["numpy"] == "2.4.6"  # the 3.11 pin, not the 3.12+ one of the forked lock
    assert ENV["channels"] == ["conda-forge"]
    assert pip == [f"matplotlib-fontja=={got['matplotlib-fontja']}"]  # the one direct dependency conda-forge lacks


def test_environment_file_is_generated_from_the_lock():
    """environment.yml is exactly what `make lock` writes (scripts/sync_environment.py)."""
    assert (ROOT / "environment.yml").read_text(encoding="utf-8") == _script().render(ROOT)


def test_render_follows_the_lock(tmp_path):
    """A changed pin in uv.lock changes environment.yml (the generator reads the lock, not a copy)."""
    lock = (ROOT / "uv.lock").read_text(encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "uv.lock").write_text(
        lock.replace('name = "tqdm"\nversion = "', 'name = "tqdm"\nversion = "0.0.1+'), encoding="utf-8"
    )
    text = _script().render(tmp_path)
    assert "  - tqdm==0.0.1+" in text
