"""Writing the cleaned tables, codebook and data package: one clean's files appear together or not at all.

The files of a clean form one *set*, described by a record written with them,
``.study-clean.json`` (ignored by git): the raw file it came from, its SHA-256,
a hash of the cleaning code and the SHA-256 of every file of the set.

- Usually the set is written into a temporary folder beside the output folder
  (same file system) and swapped with it in one ``renameat2(RENAME_EXCHANGE)``
  (:func:`study.atomic.swap_folders`): readers see the old set or the new one.
- Where the folder cannot be swapped — it is a mount point (a Docker volume),
  on another file system than its parent, or its parent is not writable — the
  temporary folder is made *inside* the output folder (so on its file system),
  the record is first marked incomplete, the files are renamed into place one
  by one, and the complete record is written last. Readers
  (:func:`read_set`) refuse a set whose record is incomplete or does not match.

Writers hold an exclusive lock (:func:`lock_path`) while they replace the set;
readers (``study report``) hold it shared while they copy the set. Temporary
folders of killed cleans are removed by the next clean, only once the process
that made them is gone (:mod:`study.atomic`). Every OS-level failure becomes an
:class:`~study.errors.OutputError` (one line naming the path and the cause);
nothing partial is left.
"""

from __future__ import annotations

import json
import os
from contextlib import nullcontext, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from study.atomic import (
    LOCK_SUFFIX,
    UMASK,
    OwnedTemp,
    file_sha256,
    locked,
    os_error_line,
    remove_stale,
    sha256_bytes,
    swap_folders,
    write_atomic,
)
from study.errors import OutputError

if TYPE_CHECKING:
    import pandas as pd

    from study.clean.pipeline import CleanResult

#: Files written by ``study clean``, in order.
OUTPUT_FILES = (
    "entities.csv",
    "entities.parquet",
    "targets.csv",
    "project_areas.csv",
    "corrections.csv",
    "issues.csv",
    "provenance.csv",
    "rules.csv",
    "codebook.csv",
    "datapackage.json",
)
#: The record of the set (written with it; last where the set is written in place).
RECORD = ".study-clean.json"
#: Prefix of the temporary folder made inside the output folder (in-place mode).
INSIDE_TMP = ".study-tmp-"
#: Modules of the package that do not take part in the clean (a change to them does not make data stale).
NOT_CLEANING = ("runner/", "analysis/", "parameters.py", "cli.py", "__main__.py", "models/", "atomic.py")


def package_dir() -> Path:
    """The ``study`` package folder."""
    return Path(__file__).resolve().parents[1]


def code_hash(exclude: tuple[str, ...] = ()) -> str:
    """SHA-256 over the package's source and reference files (relative path + bytes), sorted."""
    import hashlib

    root = package_dir()
    h = hashlib.sha256()
    files = sorted(
        p for p in root.rglob("*") if p.is_file() and p.suffix in (".py", ".csv") and "__pycache__" not in p.parts
    )
    for p in files:
        rel = p.relative_to(root).as_posix()
        if any(rel.startswith(e) for e in exclude):
            continue
        h.update(rel.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def cleaning_code_hash() -> str:
    """Hash of the modules that make the clean."""
    return code_hash(NOT_CLEANING)


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """UTF-8, LF, no index, nulls as empty cells: byte-stable for the same frame."""
    df.to_csv(path, index=False, encoding="utf-8", lineterminator="\n", na_rep="")


def render(result: CleanResult, folder: Path) -> None:
    """Write every output file of a clean into ``folder``."""
    from study.clean.schema import codebook, datapackage, rules_frame

    write_csv(result.entities, folder / "entities.csv")
    result.entities.to_parquet(folder / "entities.parquet", index=False)
    write_csv(result.targets, folder / "targets.csv")
    write_csv(result.project_areas, folder / "project_areas.csv")
    write_csv(result.corrections, folder / "corrections.csv")
    write_csv(result.issues, folder / "issues.csv")
    write_csv(result.provenance, folder / "provenance.csv")
    write_csv(rules_frame(), folder / "rules.csv")
    write_csv(codebook(), folder / "codebook.csv")
    package = datapackage(result.raw.sha256, result.raw.path.name)
    (folder / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _record(result: CleanResult, folder: Path, complete: bool) -> str:
    files = {name: file_sha256(folder / name) for name in OUTPUT_FILES}
    rec = {
        "raw_file": str(Path(result.raw.path).resolve()),
        "raw_sha256": result.raw.sha256,
        "code": cleaning_code_hash(),
        "files": files,
        "complete": complete,
    }
    return json.dumps(rec, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def in_place(out: Path) -> bool:
    """Whether ``out`` must be written in place (it cannot be swapped as a whole)."""
    if not out.is_dir():
        return False
    try:
        if os.path.ismount(out) or os.stat(out).st_dev != os.stat(out.parent).st_dev:
            return True
    except OSError:
        return True
    return not os.access(out.parent, os.W_OK | os.X_OK)


def lock_path(out: Path) -> Path:
    """The lock shared by the writers and readers of ``out`` (beside it; inside it when in place)."""
    out = Path(out)
    return out / f".study-clean{LOCK_SUFFIX}" if in_place(out) else out.parent / f".{out.name}{LOCK_SUFFIX}"


def cleanup_stale(out: Path) -> list[Path]:
    """Remove temporary folders of killed cleans of ``out`` (only those whose creator is gone)."""
    out = Path(out)
    removed = remove_stale(out.parent, (f".{out.name}.tmp-", f".{out.name}.old-"))
    if out.is_dir():
        removed += remove_stale(out, (INSIDE_TMP,))
    return removed


def check_target(out: Path) -> None:
    """Fail early (:class:`~study.errors.OutputError`) when ``out`` cannot be an output folder."""
    if out.exists() or out.is_symlink():
        if not out.is_dir():
            raise OutputError(out, "exists and is not a folder")
    elif not out.parent.exists():
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(out.parent, exc.strerror or str(exc)) from None
    elif not out.parent.is_dir():
        raise OutputError(out.parent, "is not a folder")


def write_outputs(result: CleanResult, out: Path, *, lock: bool = True) -> list[Path]:
    """Write all outputs of ``result`` to ``out`` as one set (see the module docstring); returns
    the written paths. Raises :class:`~study.errors.OutputError` on any OS-level failure."""
    out = Path(out).absolute()
    check_target(out)
    try:
        cleanup_stale(out)
        if in_place(out):
            _write_in_place(result, out, lock)
        else:
            _write_swap(result, out, lock)
    except OSError as exc:
        raise OutputError(out, f"cannot write the cleaned data there: {os_error_line(exc)}") from None
    return [out / name for name in OUTPUT_FILES]


def _write_swap(result: CleanResult, out: Path, lock: bool) -> None:
    tmp = OwnedTemp(out.parent, f".{out.name}.tmp-", mode=0o777 & ~UMASK)
    try:
        render(result, tmp.path)
        (tmp.path / RECORD).write_text(_record(result, tmp.path, True), encoding="utf-8")
        if lock:
            with locked(lock_path(out)):
                swap_folders(tmp.path, out)
        else:
            swap_folders(tmp.path, out)
        # tmp.path now holds the previous set (if any): removed by close()
    finally:
        tmp.close()


def _write_in_place(result: CleanResult, out: Path, lock: bool) -> None:
    tmp = OwnedTemp(out, INSIDE_TMP)
    try:
        render(result, tmp.path)
        final = _record(result, tmp.path, True)
        if lock:
            with locked(lock_path(out)):
                _move_in(tmp.path, out, final, result)
        else:
            _move_in(tmp.path, out, final, result)
    finally:
        tmp.close()


def _move_in(tmp: Path, out: Path, final_record: str, result: CleanResult) -> None:
    incomplete = json.loads(final_record)
    incomplete["complete"] = False
    write_atomic(out / RECORD, json.dumps(incomplete, indent=1, sort_keys=True) + "\n")
    for name in OUTPUT_FILES:
        os.replace(tmp / name, out / name)
    write_atomic(out / RECORD, final_record)


# ---------------------------------------------------------------------------
# reading a set


@dataclass(frozen=True)
class ProcessedSet:
    """The bytes of a set of cleaned files as read under the shared lock, and its record."""

    folder: Path
    files: dict[str, bytes]
    record: dict[str, Any] | None

    def hashes(self) -> dict[str, str]:
        """SHA-256 of each file's bytes."""
        return {name: sha256_bytes(b) for name, b in self.files.items()}

    def problem(self) -> str | None:
        """Why the set cannot be trusted as one clean (``None`` when its record matches its bytes)."""
        if self.record is None:
            return "it has no record of the clean that made it"
        if not self.record.get("complete"):
            return "a clean was interrupted while writing it in place"
        want = self.record.get("files") or {}
        got = self.hashes()
        for name in sorted(want):
            if got.get(name) != want[name]:
                return f"{name} does not match the record of its clean" if name in got else f"{name} is missing"
        return None


def read_set(folder: Path, *, lock: bool = True) -> ProcessedSet:
    """Read every file of ``folder`` (and its record) under the shared lock: a consistent snapshot.
    With a record, the files it names; else every non-hidden regular file. (``lock=False`` for a
    private folder nobody else writes.)"""
    folder = Path(folder).absolute()
    files: dict[str, bytes] = {}
    record: dict[str, Any] | None = None
    if not folder.is_dir():
        return ProcessedSet(folder, files, None)
    try:
        with locked(lock_path(folder), shared=True) if lock else nullcontext():
            record = _load_record(folder / RECORD)
            names = (
                sorted(record["files"])
                if record
                else sorted(p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
            )
            for name in names:
                with suppress(FileNotFoundError):
                    files[name] = (folder / name).read_bytes()
    except OSError as exc:
        raise OutputError(None, os_error_line(exc)) from None
    return ProcessedSet(folder, files, record)


def _load_record(path: Path) -> dict[str, Any] | None:
    try:
        rec = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(rec, dict) or not isinstance(rec.get("files"), dict):
        return None
    if any(not isinstance(k, str) or "/" in k or k.startswith(".") for k in rec["files"]):
        return None
    return rec
