"""Run one parameter set into ``reports/<name>/``, all or nothing.

The run writes into a hidden temporary folder ``reports/.tmp-<name>-<pid>-…``
(with an owner lock beside it) and, only when every notebook ran and every
output was written, swaps it with ``reports/<name>/`` in one atomic rename
(:func:`study.atomic.swap_folders`). A failed run is moved to
``reports/_failed/<name>/`` with its partial executed notebook and a manifest
whose status is ``failed``. An interrupted run (SIGINT/SIGTERM, see
:mod:`study.runner.stop`) is not a failure: its temporary folder is removed
and its outcome is ``interrupted``. A killed run leaves only the hidden
temporary folder, removed by the next run once its creator is gone. So a
folder ``reports/<name>/`` always holds a complete report whose
``manifest.json`` says ``"status": "ok"``.
"""

from __future__ import annotations

import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from study.atomic import UMASK, OwnedTemp, pid_alive, remove_stale, swap_folders  # noqa: F401 (pid_alive: re-exported)
from study.errors import StudyError
from study.paths import project_root
from study.runner import context
from study.runner.processed import DataState, clean_into, code_hash, file_sha256
from study.runner.stop import STOP
from study.runner.manifest import git_state, installed_versions, now, read_json, versions, write_json
from study.runner.params import ParamSet, describe, resolve_path, sha256_json
from study.runner.registry import get_model, notebook_path

FAILED_DIR = "_failed"
TMP_PREFIX = ".tmp-"
OLD_PREFIX = ".old-"
#: Prefix of the data snapshot of a report (see :mod:`study.runner.processed`).
DATA_PREFIX = ".data-"
#: Folder of the runner's own state inside the reports folder.
STATE_DIR = ".state"
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass
class RunOutcome:
    """What happened to one parameter set."""

    name: str
    status: str  # ok | failed | invalid | skipped | interrupted
    seconds: float = 0.0
    folder: Path | None = None
    message: str = ""
    partial_notebook: Path | None = None
    results: list[dict[str, Any]] = field(default_factory=list)


class NotebookFailed(Exception):
    """A notebook raised in one of its cells (or its kernel died)."""

    def __init__(self, notebook: str, message: str, details: dict[str, Any]) -> None:
        self.notebook = notebook
        self.details = details
        super().__init__(message)


def preload() -> None:
    """Import what execution needs, in the calling thread (worker threads must not import
    papermill or jupyter_client concurrently: partially initialised modules)."""
    import jupyter_client.kernelspec
    import jupyter_client.manager
    import jupyter_client.provisioning.local_provisioner  # noqa: F401
    import nbclient  # noqa: F401
    import papermill
    import papermill.exceptions  # noqa: F401


def display_path(path: Path) -> str:
    """A path relative to the current folder when below it, else absolute."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def input_hash(ps: ParamSet, data: DataState, show_code: bool) -> str:
    """Hash of everything a report depends on: the parameters, the notebooks, the
    library code, the data (raw + processed), files named by parameters, the
    Python version, the installed package versions (so a changed lock re-runs the
    reports) and the HTML option. Equal hashes -> the report need not run again."""
    parts = {
        "params": ps.canonical(),
        "notebooks": {r.notebook: file_sha256(notebook_path(r.notebook)) for r in ps.runs},
        "code": code_hash(),
        "data": data.digest(),
        "files": {str(p): file_sha256(p) for p in ps.input_files()},
        "python": sys.version,
        "packages": installed_versions(),
        "show_code": show_code,
    }
    return sha256_json(parts)


def cleanup_stale(out_root: Path) -> list[Path]:
    """Remove temporary folders left by killed runs and reports (only those whose creator is gone)."""
    return remove_stale(Path(out_root), (TMP_PREFIX, OLD_PREFIX, DATA_PREFIX))


def _install(tmp: Path, final: Path) -> None:
    """Put the finished run folder in place (an older report ends up in ``tmp``, removed by the caller)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    swap_folders(tmp, final)


class Interrupted(Exception):
    """The run stopped because a stop was requested."""


def _check_stop() -> None:
    if STOP.is_set():
        raise Interrupted


def _failure_details(exc: BaseException, nb_out: Path | None = None) -> tuple[str, dict[str, Any]]:
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        tb = [_ANSI.sub("", line) for line in (exc.traceback or [])]
        where = ""
        for line in "\n".join(tb).splitlines():
            if line.strip().startswith("---->") or line.strip().startswith("->"):
                where = line.strip()
        details = {
            "cell_index": exc.cell_index,
            "execution_count": exc.exec_count,
            "ename": exc.ename,
            "evalue": exc.evalue,
            "line": where,
            "traceback": tb,
        }
        msg = f"cell In [{exc.exec_count}] raised {exc.ename}: {exc.evalue}"
        if where:
            msg += f" (at {where})"
        return msg, details
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"{type(exc).__name__}: {text}", {"ename": type(exc).__name__, "evalue": text}


def _gather_results(tmp: Path, ps: ParamSet) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    for r in ps.runs:
        got = read_json(tmp / context.RESULTS_SCRATCH / f"{r.notebook}.json")
        if got:
            results.extend(got)
    names = [x["name"] for x in results]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError(f"two notebooks of the set record the same result names: {', '.join(dupes)}")
    return results


def _output_hashes(folder: Path) -> dict[str, str]:
    out = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file() and p.name != "manifest.json":
            out[p.relative_to(folder).as_posix()] = file_sha256(p)
    return out


def execute_param_set(
    ps: ParamSet,
    out_root: Path,
    data: DataState,
    *,
    command: str,
    show_code: bool = False,
    hash_of_inputs: str | None = None,
    git: dict[str, Any] | None = None,
    timeout: int | None = 1800,
    progress_bar: bool = False,
    server: object | None = None,
) -> RunOutcome:
    """Execute every notebook of ``ps`` with the pinned kernel and write the report.

    Returns an outcome with status ``ok`` or ``failed`` (never raises for a
    failing notebook; raises :class:`study.errors.StudyError` for bad input found
    before any kernel starts, e.g. a raw file named by a parameter that cannot be read).
    """
    import papermill

    from study.runner.htmlexport import export_html, header_html
    from study.runner.kernel import KERNEL_NAME, pinned_kernel

    out_root = Path(out_root)
    if STOP.is_set():  # a queued run never starts after an interrupt
        return RunOutcome(ps.name, "interrupted", message="not started: interrupted")
    out_root.mkdir(parents=True, exist_ok=True)
    started, t0 = now(), time.perf_counter()
    owned = OwnedTemp(out_root, f"{TMP_PREFIX}{ps.name}-", mode=0o777 & ~UMASK)  # as readable as any other folder
    tmp = owned.path
    git = git if git is not None else git_state()
    root = project_root()

    def rel(p: Path) -> str:
        try:
            return Path(p).resolve().relative_to(root).as_posix()
        except ValueError:
            return str(p)

    manifest: dict[str, Any] = {
        "run": ps.name,
        "title": ps.title,
        "status": "running",
        "params_file": rel(ps.path),
        "command": command,
        "parameters": {r.notebook: r.values() for r in ps.runs},
        "params_hash": ps.params_hash(),
        "overrides": dict(ps.overrides),
        "override_of": ps.base_name,
        "input_hash": hash_of_inputs,
        "notebooks": [
            {
                "notebook": r.notebook,
                "file": rel(notebook_path(r.notebook)),
                "sha256": file_sha256(notebook_path(r.notebook)),
            }
            for r in ps.runs
        ],
        "data": {
            "raw_file": rel(data.raw_path),
            "raw_sha256": data.raw_sha256,
            "folder": rel(data.source or data.folder),
            "processed_sha256": data.files_sha256,
            "cleaned_for_this_run": data.regenerated,
        },
        "versions": versions(),
        "git": git,
        "kernel": {"name": KERNEL_NAME, "executable": sys.executable},
        "show_code": show_code,
        "started": started,
        "ended": None,
        "seconds": None,
    }
    current = ""
    try:
        try:
            # a parameter set that names its own raw file is cleaned into the run folder
            for r in ps.runs:
                raw = getattr(r.params, "raw_path", None)
                if raw:
                    data = clean_into(resolve_path(raw), tmp / "data")
                    manifest["data"] = {
                        "raw_file": rel(data.raw_path),
                        "raw_sha256": data.raw_sha256,
                        "folder": "data",
                        "processed_sha256": data.files_sha256,
                        "cleaned_for_this_run": True,
                    }
                    break
            executed = {}
            for r in ps.runs:
                _check_stop()
                current = r.notebook
                nb_out = tmp / f"{r.notebook}.ipynb"
                env = {
                    context.ENV_RUN_DIR: str(tmp),
                    context.ENV_DATA_DIR: str(data.folder),
                    context.ENV_NOTEBOOK: r.notebook,
                    "STUDY_ROOT": str(root),
                    "STUDY_KERNEL_STDERR": str(tmp / f".{r.notebook}.kernel.log"),
                }
                with pinned_kernel(env, server) as km_class:
                    try:
                        executed[r.notebook] = papermill.execute_notebook(
                            str(notebook_path(r.notebook)),
                            str(nb_out),
                            parameters=r.values(),
                            kernel_name=KERNEL_NAME,
                            language="python",
                            kernel_manager_class=km_class,
                            progress_bar=progress_bar,
                            log_output=False,
                            request_save_on_cell_execute=False,
                            start_timeout=180,
                            execution_timeout=timeout,
                        )
                    except Exception as exc:  # a failing cell, a dead kernel, a timeout
                        _check_stop()  # a kernel killed by an interrupt is not a failure of the notebook
                        msg, details = _failure_details(exc, nb_out)
                        log = Path(env["STUDY_KERNEL_STDERR"])
                        if "traceback" not in details and log.is_file():  # not a cell error: the kernel's own words
                            details["kernel_log"] = log.read_text(encoding="utf-8", errors="replace").splitlines()[-20:]
                        raise NotebookFailed(r.notebook, msg, details) from exc
            current = ""
            for log in tmp.glob(".*.kernel.log"):
                log.unlink()
            results = _gather_results(tmp, ps)
            shutil.rmtree(tmp / context.RESULTS_SCRATCH, ignore_errors=True)
            write_json(tmp / "results.json", {"run": ps.name, "params_hash": ps.params_hash(), "results": results})
            manifest["status"] = "ok"
            for r in ps.runs:
                model = get_model(r.notebook)
                docs = {d.name: d.meaning for d in describe(model)}
                lang = "ja" if r.values().get("label_language", "ja") == "ja" else "en"
                header = header_html(
                    title=ps.title,
                    description=ps.description,
                    run=ps.name,
                    notebook=r.notebook,
                    parameters=r.values(),
                    command=command,
                    manifest=manifest,
                    param_docs=docs,
                    lang=lang,
                )
                export_html(
                    executed[r.notebook], tmp / f"{r.notebook}.html", header=header, show_code=show_code, lang=lang
                )
            manifest["ended"] = now()
            manifest["seconds"] = round(time.perf_counter() - t0, 2)
            manifest["outputs"] = _output_hashes(tmp)
            write_json(tmp / "manifest.json", manifest)
            final = out_root / ps.name
            _install(tmp, final)  # tmp now holds the previous report, if any (removed below)
            shutil.rmtree(out_root / FAILED_DIR / ps.name, ignore_errors=True)
            return RunOutcome(ps.name, "ok", time.perf_counter() - t0, final, results=results)
        except Exception as exc:
            if isinstance(exc, Interrupted) or STOP.is_set():
                return RunOutcome(
                    ps.name,
                    "interrupted",
                    time.perf_counter() - t0,
                    message=f"interrupted{f' in {current}.ipynb' if current else ''}; nothing installed",
                )
            if not isinstance(exc, NotebookFailed):
                if isinstance(exc, StudyError):
                    raise
                msg, details = _failure_details(exc, tmp)
                exc = NotebookFailed(current, msg, details)
            manifest.update(
                status="failed",
                ended=now(),
                seconds=round(time.perf_counter() - t0, 2),
                error={
                    "notebook": exc.notebook,
                    "message": str(exc),
                    **{k: v for k, v in exc.details.items() if k != "traceback"},
                },
                traceback=exc.details.get("traceback", []),
            )
            write_json(tmp / "manifest.json", manifest)
            failed = out_root / FAILED_DIR / ps.name
            _install(tmp, failed)
            partial = failed / f"{exc.notebook}.ipynb" if exc.notebook else None
            if partial is not None and not partial.is_file():
                partial = None
            where = f"{exc.notebook}.ipynb: " if exc.notebook else ""
            return RunOutcome(
                ps.name, "failed", time.perf_counter() - t0, failed, message=f"{where}{exc}", partial_notebook=partial
            )
    finally:
        owned.close()  # bad input, an interrupt, an older report swapped out: no folder that could look complete


# ---------------------------------------------------------------------------
# runs that did not finish (interrupted or killed): rerun by the next report


#: A run's folder and its manifest.
RunRecord = tuple[Path, dict[str, Any]]


def run_manifests(out_root: Path) -> tuple[dict[str, RunRecord], dict[str, RunRecord]]:
    """The runs of a reports folder with their manifests: the installed successful ones and the failed attempts.

    Parameters
    ----------
    out_root : pathlib.Path
        Reports folder (``study report --out``).

    Returns
    -------
    ok : dict
        By run name (sorted), the folders of ``out_root`` whose ``manifest.json`` says ``status: ok``; the
        runner's own folders (names starting with ``.`` or ``_``) are skipped.
    failed : dict
        By run name (sorted), the attempts kept in ``out_root/_failed/`` that have a manifest.
    """
    ok: dict[str, RunRecord] = {}
    failed: dict[str, RunRecord] = {}
    if not out_root.is_dir():
        return ok, failed
    for folder in sorted(out_root.iterdir()):
        if not folder.is_dir() or folder.name.startswith((".", "_")):
            continue
        m = read_json(folder / "manifest.json")
        if m and m.get("status") == "ok":
            ok[folder.name] = (folder, m)
    failed_root = out_root / FAILED_DIR
    if failed_root.is_dir():
        for folder in sorted(failed_root.iterdir()):
            m = read_json(folder / "manifest.json")
            if m:
                failed[folder.name] = (folder, m)
    return ok, failed


def _unfinished_path(out_root: Path) -> Path:
    return Path(out_root) / STATE_DIR / "unfinished.json"


def read_unfinished(out_root: Path) -> set[str]:
    """Names of the runs whose last attempt did not finish."""
    got = read_json(_unfinished_path(out_root))
    return {str(x) for x in got} if isinstance(got, list) else set()


def update_unfinished(out_root: Path, add: set[str] = frozenset(), remove: set[str] = frozenset()) -> None:  # type: ignore[assignment]
    """Add and remove names in ``reports/.state/unfinished.json`` (under a lock; written atomically)."""
    import json

    from study.atomic import locked, write_atomic

    path = _unfinished_path(out_root)
    path.parent.mkdir(parents=True, exist_ok=True)
    with locked(path.with_name("unfinished.lock")):
        names = (read_unfinished(out_root) | set(add)) - set(remove)
        write_atomic(path, json.dumps(sorted(names)) + "\n", fsync=False)
