"""Provenance of a run: versions, git state, input hash, and ``manifest.json``."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import re
import subprocess
import sys
import tomllib
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from study.paths import project_root

#: Packages whose versions go into every manifest (distribution names).
KEY_PACKAGES = (
    "study",
    "numpy",
    "pandas",
    "scipy",
    "statsmodels",
    "scikit-learn",
    "matplotlib",
    "matplotlib-fontja",
    "seaborn",
    "pyarrow",
    "pandera",
    "pydantic",
    "papermill",
    "nbclient",
    "nbformat",
    "nbconvert",
    "ipykernel",
    "jupyter_client",
)

#: The lock file that pins the environment (written by ``make lock``; ``make report``/``make test`` install from it).
LOCK_FILE = "uv.lock"


def now() -> str:
    """Current UTC time, ISO 8601 with seconds."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


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
        **environment_state(),
    }


def _norm(name: str) -> str:
    """PEP 503 normalised distribution name (``Great_Tables`` → ``great-tables``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def installed_versions() -> dict[str, str]:
    """Every installed distribution's version, by normalised name, sorted (the first of duplicates)."""
    installed: dict[str, str] = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            installed.setdefault(_norm(name), dist.version)
    return dict(sorted(installed.items()))


def environment_state(root: Path | None = None) -> dict[str, Any]:
    """The lock file's SHA-256 and every installed distribution's version, and whether they agree.

    Returns ``{"lock": {"file", "sha256", "matches", "mismatches"}, "installed": {name: version}}``.
    ``mismatches`` lists each package of the lock that is installed at a version the lock does not pin
    (``{"name", "installed", "locked"}``); the project itself (installed from the tree) is not compared.
    Packages the lock has but the environment lacks (another platform's, or an extra not installed) and
    packages installed outside the lock are not mismatches. ``sha256``/``matches`` are ``null`` without a
    lock file (e.g. an installed wheel with no project tree).
    """
    root = root or project_root()
    installed = installed_versions()
    lock_path = root / LOCK_FILE
    try:
        raw = lock_path.read_bytes()
        lock = tomllib.loads(raw.decode("utf-8"))
    except (OSError, ValueError):
        return {"lock": {"file": LOCK_FILE, "sha256": None, "matches": None, "mismatches": []}, "installed": installed}
    locked: dict[str, list[str]] = {}
    for pkg in lock.get("package", []):
        if "editable" in pkg.get("source", {}) or "virtual" in pkg.get("source", {}):
            continue  # the project itself: its version is the tree's, recorded with the git state
        locked.setdefault(_norm(pkg["name"]), []).append(str(pkg.get("version")))
    mismatches = [
        {"name": n, "installed": installed[n], "locked": v}
        for n, v in sorted(locked.items())
        if n in installed and installed[n] not in v
    ]
    return {
        "lock": {
            "file": LOCK_FILE,
            "sha256": hashlib.sha256(raw).hexdigest(),
            "matches": not mismatches,
            "mismatches": mismatches,
        },
        "installed": installed,
    }


def git_state(root: Path | None = None) -> dict[str, Any]:
    """The git commit of the project tree and whether it has uncommitted changes
    (untracked files count; ``reports/`` is ignored). ``null``s outside a git checkout."""
    root = root or project_root()
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=20, env=env
        )
        status = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain"], capture_output=True, text=True, timeout=20, env=env
        )
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    if commit.returncode != 0:
        return {"commit": None, "dirty": None}
    dirty = bool(status.stdout.strip()) if status.returncode == 0 else None
    return {
        "commit": commit.stdout.strip(),
        "dirty": dirty,
        "changed_files": len(status.stdout.splitlines()) if dirty else 0,
    }


def write_json(path: Path, obj: Any) -> None:
    """Write JSON as UTF-8 with a final newline (keys in the given order)."""
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def read_json(path: Path) -> Any:
    """Read a JSON file; ``None`` if missing or unreadable."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
