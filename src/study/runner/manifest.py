"""Provenance of a run: versions, git state, input hash, and ``manifest.json``."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
import sys
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from study.paths import project_root

#: Packages whose versions go into every manifest (distribution names).
KEY_PACKAGES = (
    "study", "numpy", "pandas", "scipy", "statsmodels", "scikit-learn", "matplotlib", "matplotlib-fontja",
    "seaborn", "pyarrow", "pandera", "pydantic", "papermill", "nbclient", "nbformat", "nbconvert",
    "ipykernel", "jupyter_client",
)


def now() -> str:
    """Current UTC time, ISO 8601 with seconds."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


@lru_cache(maxsize=1)
def versions() -> dict[str, Any]:
    """Python and key package versions (``null`` for a package that is not installed)."""
    pkgs = {}
    for name in KEY_PACKAGES:
        try:
            pkgs[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pkgs[name] = None
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "executable": sys.executable,
        "packages": pkgs,
    }


def git_state(root: Path | None = None) -> dict[str, Any]:
    """The git commit of the project tree and whether it has uncommitted changes
    (untracked files count; ``reports/`` is ignored). ``null``s outside a git checkout."""
    root = root or project_root()
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}
    try:
        commit = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=20, env=env)
        status = subprocess.run(["git", "-C", str(root), "status", "--porcelain"], capture_output=True, text=True, timeout=20, env=env)
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    if commit.returncode != 0:
        return {"commit": None, "dirty": None}
    dirty = bool(status.stdout.strip()) if status.returncode == 0 else None
    return {"commit": commit.stdout.strip(), "dirty": dirty, "changed_files": len(status.stdout.splitlines()) if dirty else 0}


def write_json(path: Path, obj: Any) -> None:
    """Write JSON as UTF-8 with a final newline (keys in the given order)."""
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def read_json(path: Path) -> Any:
    """Read a JSON file; ``None`` if missing or unreadable."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
