"""``study report``: every parameter set, in parallel, skipping the unchanged ones.

Each ``params/*.yaml`` is validated first (an invalid one is reported and the
others still run); the cleaned data is produced or verified fresh once; then
the runs go to a pool of ``jobs`` worker threads (each run's notebooks execute
in their own kernel processes, so the threads mostly wait). A run whose input
hash (parameters, notebooks, library code, data, Python) equals the one in its
last successful manifest is skipped unless ``force``. Finally
``reports/index.html`` is rebuilt and a summary table printed.
"""

from __future__ import annotations

import os
import shlex
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from study.errors import StudyError
from study.paths import project_root
from study.runner import zygote
from study.runner.processed import DataState, ensure_processed
from study.runner.execute import RunOutcome, cleanup_stale, display_path, execute_param_set, input_hash
from study.runner.manifest import git_state, read_json
from study.runner.params import ParamSet, load_param_set


def default_out() -> Path:
    """The default reports folder."""
    return project_root() / "reports"


def params_dir() -> Path:
    """Folder of the parameter-set files."""
    return project_root() / "params"


def discover(folder: Path | None = None) -> list[Path]:
    """The parameter-set files of a folder, sorted by name."""
    folder = folder or params_dir()
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in (".yaml", ".yml")) if folder.is_dir() else []


def reproduce_command(params_file: Path, out: Path | None = None, show_code: bool = False,
                      overrides: dict[str, Any] | None = None) -> str:
    """The one command that reproduces a report."""
    parts = ["study", "run", display_path(params_file)]
    if out is not None and Path(out).resolve() != default_out().resolve():
        parts += ["--out", display_path(out)]
    if show_code:
        parts.append("--show-code")
    for k, v in (overrides or {}).items():
        parts += ["--set", f"{k}={v}"]
    return shlex.join(parts)


def is_up_to_date(out_root: Path, name: str, hash_of_inputs: str) -> bool:
    """Whether ``out_root/name`` is a complete successful report made from the same inputs."""
    folder = out_root / name
    m = read_json(folder / "manifest.json")
    if not m or m.get("status") != "ok" or m.get("input_hash") != hash_of_inputs:
        return False
    return all((folder / f).is_file() for f in (m.get("outputs") or {})) and (folder / "results.json").is_file()


@dataclass
class ReportResult:
    """Outcomes of a ``study report`` and its exit code."""

    outcomes: list[RunOutcome]
    index: Path
    exit_code: int


def summary_table(outcomes: list[RunOutcome]) -> str:
    """run / status / seconds, then details of failures."""
    rows = [("run", "status", "seconds")] + [(o.name, o.status, f"{o.seconds:.1f}") for o in outcomes]
    w = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = [f"{r[0].ljust(w[0])}  {r[1].ljust(w[1])}  {r[2].rjust(w[2])}" for r in rows]
    lines.insert(1, "  ".join("-" * x for x in w))
    for o in outcomes:
        if o.status in ("failed", "invalid"):
            lines.append(f"{o.name}: {o.message}")
            if o.partial_notebook is not None:
                lines.append(f"{o.name}: partial executed notebook: {display_path(o.partial_notebook)}")
    return "\n".join(lines)


def run_report(
    out_root: Path | None = None,
    *,
    jobs: int | None = None,
    force: bool = False,
    show_code: bool = False,
    files: list[Path] | None = None,
    overrides: dict[str, Any] | None = None,
    stream: TextIO | None = None,
    progress: bool = True,
    server: zygote.ForkServer | None = None,
) -> ReportResult:
    """Run every parameter set (see module docstring); never raises for a failing run."""
    stream = stream or sys.stdout
    out_root = Path(out_root) if out_root is not None else default_out()
    jobs = max(1, jobs or os.cpu_count() or 1)
    files = discover() if files is None else files
    t_start = time.perf_counter()
    outcomes: dict[str, RunOutcome] = {}
    order: list[str] = []
    sets: list[ParamSet] = []
    for f in files:
        name = f.name.rsplit(".", 1)[0]
        order.append(name)
        try:
            sets.append(load_param_set(f, overrides))
        except StudyError as exc:
            outcomes[name] = RunOutcome(name, "invalid", message=str(exc))
    data: DataState = ensure_processed()
    git = git_state()
    out_root.mkdir(parents=True, exist_ok=True)
    cleanup_stale(out_root)
    pending: list[tuple[ParamSet, str]] = []
    for ps in sets:
        h = input_hash(ps, data, show_code)
        if not force and is_up_to_date(out_root, ps.name, h):
            outcomes[ps.name] = RunOutcome(ps.name, "skipped", 0.0, out_root / ps.name, message="unchanged since its last successful run")
        else:
            pending.append((ps, h))
    own_server = server is None and bool(pending) and zygote.enabled()
    if own_server:
        server = zygote.ForkServer()
    try:
        if server is not None:
            server.preload([m for ps, _ in pending for m in ps.warm_imports()])
        _execute_all(pending, out_root, data, outcomes, jobs=jobs, show_code=show_code, overrides=overrides,
                     git=git, progress=progress, server=server)
    finally:
        if own_server and server is not None:
            server.close()
    ordered = [outcomes[n] for n in order if n in outcomes]
    from study.runner.site import build_index

    index = build_index(out_root, ordered)
    print(summary_table(ordered), file=stream)
    n_ok = sum(o.status in ("ok", "skipped") for o in ordered)
    print(f"study report: {n_ok}/{len(ordered)} runs ok in {time.perf_counter() - t_start:.1f} s -> {display_path(index)}", file=stream)
    if any(o.status == "failed" for o in ordered):
        code = 1
    elif any(o.status == "invalid" for o in ordered):
        code = 2
    else:
        code = 0
    return ReportResult(ordered, index, code)


def _preimport_html() -> None:
    """Import nbconvert while the kernels run (the HTML export needs it afterwards)."""
    from study.runner.htmlexport import preload

    try:
        preload()
    except Exception:
        pass


def _execute_all(pending: list[tuple[ParamSet, str]], out_root: Path, data: DataState, outcomes: dict[str, RunOutcome], *,
                 jobs: int, show_code: bool, overrides: dict[str, Any] | None, git: dict[str, Any], progress: bool,
                 server: object | None) -> None:
    from tqdm import tqdm

    if pending:
        from study.runner.execute import preload as preload_execution

        preload_execution()  # papermill & co. imported here, not concurrently in the worker threads
        threading.Thread(target=_preimport_html, daemon=True).start()
        with ThreadPoolExecutor(max_workers=min(jobs, len(pending)), thread_name_prefix="study-run") as pool, \
                tqdm(total=len(pending), desc="study report", unit="run", file=sys.stderr, disable=not progress,
                     dynamic_ncols=True) as bar:
            futures = {
                pool.submit(execute_param_set, ps, out_root, data, command=reproduce_command(ps.path, out_root, show_code, overrides),
                            show_code=show_code, hash_of_inputs=h, git=git, server=server): ps
                for ps, h in pending
            }
            for fut in as_completed(futures):
                ps = futures[fut]
                try:
                    o = fut.result()
                except StudyError as exc:
                    o = RunOutcome(ps.name, "invalid", message=str(exc))
                except Exception as exc:  # a bug in the runner: report it, keep going
                    o = RunOutcome(ps.name, "failed", message=f"{type(exc).__name__}: {exc}")
                outcomes[ps.name] = o
                bar.set_postfix_str(f"{o.name}: {o.status}")
                bar.update(1)
