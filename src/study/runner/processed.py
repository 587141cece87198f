"""The cleaned data the notebooks read: one snapshot per ``study report`` / ``study run``.

``study clean`` is the only command that writes ``data/processed/``. The
runner never writes there. Before any kernel starts it reads every file of
the set under the lock shared with ``study clean``
(:func:`study.clean.outputs.read_set`), checks the bytes against the set's
record, and writes them into a private snapshot folder inside the reports
folder. Every run of the report reads that snapshot, and its manifest records
the SHA-256 of exactly those bytes, so a clean running meanwhile changes
nothing for the report.

- A set cleaned from another raw file than the bundled one is used as it is,
  and one line says which raw file it came from.
- A set that cannot be used as it is (missing, no record, incomplete or
  altered, or made by older cleaning code) is replaced *in the snapshot* by a
  fresh clean of the raw file it came from, when that file is still there with
  the same SHA-256 (else the command stops with one line); one line says so.

A parameter set that names its own raw file (a parameter of type
:data:`~study.parameters.ExistingFile` called ``raw_path``) is cleaned into
the run's own folder instead.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from study.atomic import file_sha256, sha256_bytes
from study.errors import InputError, OutputError
from study.paths import BUNDLED_RAW_SHA256, bundled_raw, processed_dir

__all__ = ["DataState", "clean_into", "code_hash", "ensure_processed", "file_sha256", "snapshot"]


def code_hash(exclude: tuple[str, ...] = ()) -> str:
    """SHA-256 over the package's source and reference files (see :func:`study.clean.outputs.code_hash`)."""
    from study.clean.outputs import code_hash as _code_hash

    return _code_hash(exclude)


@dataclass(frozen=True)
class DataState:
    """The cleaned data a run reads."""

    folder: Path
    raw_path: Path
    raw_sha256: str
    files_sha256: dict[str, str]
    regenerated: bool
    source: Path | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def digest(self) -> str:
        """One hash of the raw file and every processed file."""
        text = json.dumps({"raw": self.raw_sha256, "files": self.files_sha256}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()


def _shown(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve())) + ("/" if Path(path).is_dir() else "")
    except ValueError:
        return str(path)


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _datapackage_raw(data: bytes | None) -> tuple[str | None, str | None]:
    """(raw file name, sha256) named by a datapackage.json, if any."""
    try:
        src = json.loads(data or b"")["sources"][0]
        return str(src.get("path") or ""), str(src.get("hash", "")).removeprefix("sha256:")
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return None, None


def snapshot(
    dest: Path, folder: Path | None = None, say: Callable[[str], None] = _stderr, command: str = "study report"
) -> DataState:
    """Copy the cleaned set of ``folder`` (default ``data/processed/``) into the new folder ``dest``
    (see the module docstring) and describe it. Raises :class:`~study.errors.StudyError` (one line)
    when no usable set can be made."""
    from study.clean.outputs import cleaning_code_hash, read_set

    folder = Path(folder or processed_dir()).absolute()
    dest = Path(dest)
    got = read_set(folder)
    problem = got.problem()
    rec = got.record or {}
    raw_path: Path | None = Path(rec["raw_file"]) if rec.get("raw_file") else None
    raw_sha = str(rec.get("raw_sha256") or "")
    bundled = bundled_raw()
    if problem is None and rec.get("code") != cleaning_code_hash():
        problem = "it was made by another version of the cleaning code"
    if problem is not None and got.record is None:
        if not got.files:
            problem = "it is missing or empty"
        else:
            name, sha = _datapackage_raw(got.files.get("datapackage.json"))
            if sha and sha != BUNDLED_RAW_SHA256:  # a clean of another raw file, by an older version: use it
                say(
                    f"{command}: {_shown(folder)} was cleaned from {name} (sha256 {sha[:12]}…), not from the bundled "
                    "raw file; using it as it is (it has no record of its clean: "
                    "run `study clean --raw FILE` to add one)"
                )
                return _write_snapshot(dest, got.files, Path(name or "unknown"), sha, folder, regenerated=False)
        raw_path, raw_sha = bundled, BUNDLED_RAW_SHA256
    if problem is None:
        assert raw_path is not None
        if raw_sha != BUNDLED_RAW_SHA256:
            say(
                f"{command}: using {_shown(folder)} cleaned from {raw_path} (sha256 "
                f"{raw_sha[:12]}…), not from the bundled raw file"
            )
        return _write_snapshot(dest, got.files, raw_path, raw_sha, folder, regenerated=False)
    # not usable as it is: clean its raw file again, into the snapshot only
    if raw_path is None or not raw_path.is_file() or file_sha256(raw_path) != raw_sha:
        raise OutputError(
            folder,
            f"cannot be used: {problem}, and its raw file {raw_path} is gone or changed; run `study clean --raw FILE`",
        )
    say(
        f"{command}: {_shown(folder)} cannot be used as it is ({problem}); this run uses a fresh clean of "
        f"{_shown(raw_path)} (run `study clean` to update {_shown(folder)})"
    )
    return clean_into(raw_path, dest, source=folder, check_bundled=raw_path == bundled)


def _write_snapshot(
    dest: Path, files: dict[str, bytes], raw_path: Path, raw_sha: str, source: Path, regenerated: bool
) -> DataState:
    try:
        dest.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            p = dest / name
            p.write_bytes(data)
            os.chmod(p, 0o444)  # a notebook reads the snapshot, never writes it
    except OSError as exc:
        from study.atomic import os_error_line

        raise OutputError(None, os_error_line(exc)) from None
    hashes = {name: sha256_bytes(data) for name, data in sorted(files.items())}
    return DataState(dest, raw_path, raw_sha, hashes, regenerated=regenerated, source=source)


def clean_into(raw_path: Path, folder: Path, *, source: Path | None = None, check_bundled: bool = False) -> DataState:
    """Clean a raw file into ``folder`` (a run's own data, or a snapshot). Raises ``InputError`` on bad input."""
    from study.clean.outputs import RECORD, read_set, write_outputs
    from study.clean.pipeline import clean_file

    result = clean_file(None if check_bundled else raw_path)
    write_outputs(result, folder, lock=False)
    got = read_set(folder, lock=False)  # the hashes of exactly the bytes the notebooks will read
    hashes = {n: h for n, h in got.hashes().items() if n != RECORD}
    return DataState(Path(folder), Path(raw_path), result.raw.sha256, hashes, regenerated=True, source=source)


def ensure_processed(folder: Path | None = None) -> DataState:
    """Describe ``data/processed/`` as it is (read under the shared lock; never written).
    Raises :class:`~study.errors.InputError` when the bundled raw file is missing."""
    folder = Path(folder or processed_dir())
    raw = bundled_raw()
    if not raw.is_file():
        raise InputError(raw, "the bundled raw file is missing", "data/raw/hokatsu_plans.txt from the repository")
    from study.clean.outputs import read_set

    got = read_set(folder)
    rec = got.record or {}
    raw_path = Path(rec["raw_file"]) if rec.get("raw_file") else raw
    return DataState(
        folder,
        raw_path,
        str(rec.get("raw_sha256") or BUNDLED_RAW_SHA256),
        got.hashes(),
        regenerated=False,
        source=folder,
    )
