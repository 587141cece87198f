"""environment.yml (for conda users) lists the same dependencies as pyproject.toml."""

from __future__ import annotations

import re
import tomllib

import yaml

from conftest import ROOT


def _split(req: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", req)
    assert m, req
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def test_environment_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = dict(_split(r) for r in project["dependencies"] + project["optional-dependencies"]["test"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = [d for block in env["dependencies"] if isinstance(block, dict) for d in block.get("pip", []) if not d.startswith("-e")]
    got = dict(_split(d.replace("=", "==", 1) if re.match(r"^[\w\-]+=[^=]", d) else d) for d in conda + pip)
    assert got.pop("python") == "==3.11"
    got.pop("pip")
    assert got == wanted
    assert "conda-forge" in env["channels"]
    assert project["requires-python"] == ">=3.11"
