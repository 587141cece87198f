"""The cleaned data the notebooks read: produced, or verified fresh, before any kernel starts.

``data/processed/`` is the output of ``study clean`` on the bundled raw file.
It is fresh when it was written by the current cleaning code from the current
raw file. The runner keeps a stamp (``reports/.state/processed.json``: the
raw file's SHA-256, a hash of the cleaning code, and the SHA-256 of every
processed file); when any of the three differs, it cleans again (atomically,
through :func:`study.clean.outputs.write_outputs`) and writes a new stamp.

A parameter set that names its own raw file (a parameter of type
:data:`~study.runner.params.ExistingFile` called ``raw_path``) is cleaned into
the run's own folder instead.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from study.paths import bundled_raw, processed_dir, project_root

#: Modules of the package that do not take part in the clean (a change to them does not make data stale).
NOT_CLEANING = ("runner/", "analysis/", "parameters.py", "cli.py", "__main__.py", "models/")


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def package_dir() -> Path:
    """The ``study`` package folder."""
    return Path(__file__).resolve().parents[1]


def code_hash(exclude: tuple[str, ...] = ()) -> str:
    """SHA-256 over the package's source and reference files (relative path + bytes), sorted."""
    root = package_dir()
    h = hashlib.sha256()
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".py", ".csv") and "__pycache__" not in p.parts)
    for p in files:
        rel = p.relative_to(root).as_posix()
        if any(rel.startswith(e) for e in exclude):
            continue
        h.update(rel.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def cleaning_code_hash() -> str:
    """Hash of the modules that make the clean."""
    return code_hash(NOT_CLEANING)


@dataclass(frozen=True)
class DataState:
    """The cleaned data a run reads."""

    folder: Path
    raw_path: Path
    raw_sha256: str
    files_sha256: dict[str, str]
    regenerated: bool

    def digest(self) -> str:
        """One hash of the raw file and every processed file."""
        text = json.dumps({"raw": self.raw_sha256, "files": self.files_sha256}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()


def state_dir() -> Path:
    """Where the runner keeps its stamps."""
    return project_root() / "reports" / ".state"


def _processed_hashes(folder: Path) -> dict[str, str] | None:
    """SHA-256 of every file of the processed folder (``None`` when it is missing or empty).
    (Every file, so the check needs no import of the cleaning code.)"""
    if not folder.is_dir():
        return None
    out = {p.name: file_sha256(p) for p in sorted(folder.iterdir()) if p.is_file() and not p.name.startswith(".")}
    return out or None


def ensure_processed(folder: Path | None = None, stamp: Path | None = None) -> DataState:
    """Verify that ``data/processed/`` is the clean of the bundled raw file by the
    current code; clean again when it is not. Raises :class:`study.errors.InputError`
    when the bundled raw file is missing or altered."""
    from study.errors import InputError

    folder = folder or processed_dir()
    stamp = stamp or state_dir() / "processed.json"
    raw = bundled_raw()
    if not raw.is_file():
        raise InputError(raw, "the bundled raw file is missing", "data/raw/hokatsu_plans.txt from the repository")
    raw_sha = file_sha256(raw)
    key = {"raw_sha256": raw_sha, "code": cleaning_code_hash(), "folder": str(folder.resolve())}
    files = _processed_hashes(folder)
    if files is not None and stamp.is_file():
        try:
            old = json.loads(stamp.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            old = {}
        if old.get("key") == key and old.get("files") == files:
            return DataState(folder, raw, raw_sha, files, regenerated=False)
    from study.clean.outputs import write_outputs
    from study.clean.pipeline import clean_file

    result = clean_file(None)  # the bundled file, checked against its recorded SHA-256
    write_outputs(result, folder)
    files = _processed_hashes(folder) or {}
    stamp.parent.mkdir(parents=True, exist_ok=True)
    tmp = stamp.with_name(f".{stamp.name}.{os.getpid()}")
    tmp.write_text(json.dumps({"key": key, "files": files}, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, stamp)
    return DataState(folder, raw, raw_sha, files, regenerated=True)


def clean_into(raw_path: Path, folder: Path) -> DataState:
    """Clean a given raw file into ``folder`` (a run's own data). Raises ``InputError`` on bad input."""
    from study.clean.outputs import write_outputs
    from study.clean.pipeline import clean_file

    result = clean_file(raw_path)
    write_outputs(result, folder)
    return DataState(folder, raw_path, result.raw.sha256, _processed_hashes(folder) or {}, regenerated=True)
