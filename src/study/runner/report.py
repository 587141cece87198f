"""``study report``: every parameter set, in parallel, skipping the unchanged ones.

Each ``params/*.yaml`` is validated first (an invalid one — whatever the
reason — is reported in one line and the others still run); the cleaned data
is read once, as one snapshot (:mod:`study.runner.processed`); then
the runs go to a pool of ``jobs`` worker threads (each run's notebooks execute
in their own kernel processes, so the threads mostly wait). A run whose input
hash (parameters, notebooks, library code, data, Python) equals the one in its
last successful manifest, whose output files still match the hashes in that
manifest, and which is not listed as unfinished, is skipped unless ``force``. Finally
``reports/index.html`` is rebuilt and a summary table printed.
"""

from __future__ import annotations

import contextlib

import os
import shlex
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from study.errors import StudyError
from study.errors import one_line as short
from study.paths import project_root
from study.runner import zygote
from study.runner.processed import DataState
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
    """The parameter-set files of a folder, sorted by name. Every entry named ``*.yaml``/``*.yml`` counts,
    even one that is not a regular file (a folder, a FIFO, a link to /dev/zero): it is then reported as invalid."""
    folder = folder or params_dir()
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml")) if folder.is_dir() else []


def reproduce_command(
    params_file: Path, out: Path | None = None, show_code: bool = False, overrides: dict[str, Any] | None = None
) -> str:
    """The one command that reproduces a report."""
    parts = ["study", "run", display_path(params_file)]
    if out is not None and Path(out).resolve() != default_out().resolve():
        parts += ["--out", display_path(out)]
    if show_code:
        parts.append("--show-code")
    for k, v in (overrides or {}).items():
        parts += ["--set", f"{k}={v}"]
    return shlex.join(parts)


def _output_problem(folder: Path, outputs: dict[str, str]) -> str | None:
    """Why the files of a report folder do not match the output hashes of its manifest (``None`` if they do)."""
    from study.atomic import file_sha256

    present = {
        p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_file() and p.name != "manifest.json"
    }
    for rel, digest in sorted(outputs.items()):
        p = present.get(rel)
        if p is None:
            return f"{rel} is missing"
        try:
            if file_sha256(p) != digest:
                return f"{rel} differs from the hash in its manifest"
        except OSError as exc:
            return f"{rel} cannot be read ({exc.strerror})"
    extra = sorted(set(present) - set(outputs))
    if extra:
        return f"{extra[0]} is not in its manifest"
    return None


def check_up_to_date(
    out_root: Path, name: str, hash_of_inputs: str, unfinished: set[str] | None = None
) -> tuple[bool, str]:
    """Whether ``out_root/name`` is a complete successful report made from the same inputs whose
    files still match the hashes in its manifest; else why not (empty when there is no report)."""
    if unfinished and name in unfinished:
        return False, "its last run did not finish (interrupted or killed)"
    folder = out_root / name
    m = read_json(folder / "manifest.json")
    if not m or m.get("status") != "ok":
        return False, ""
    if m.get("input_hash") != hash_of_inputs:
        return False, ""
    outputs = m.get("outputs")
    if not isinstance(outputs, dict) or "results.json" not in outputs:
        return False, "its manifest lists no outputs"
    problem = _output_problem(folder, outputs)
    return (False, problem) if problem else (True, "")


def is_up_to_date(out_root: Path, name: str, hash_of_inputs: str) -> bool:
    """Whether ``out_root/name`` is a complete, untouched successful report made from the same inputs."""
    return check_up_to_date(out_root, name, hash_of_inputs)[0]


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
        if o.status in ("failed", "invalid", "interrupted"):
            lines.append(f"{o.name}: {o.message}")
            if o.partial_notebook is not None:
                lines.append(f"{o.name}: partial executed notebook: {display_path(o.partial_notebook)}")
        elif o.status == "skipped" and o.message.startswith("heavy"):
            lines.append(f"{o.name}: {o.message}")
    return "\n".join(lines)


def _load_all(
    files: list[Path], overrides: dict[str, Any] | None
) -> tuple[list[str], list[ParamSet], dict[str, RunOutcome]]:
    """Load every parameter-set file; any failure is a one-line, per-file ``invalid`` outcome."""
    order: list[str] = []
    sets: list[ParamSet] = []
    outcomes: dict[str, RunOutcome] = {}
    for f in files:
        name = Path(f).name.rsplit(".", 1)[0]
        key = name if name not in order else f"{name} ({display_path(f)})"
        order.append(key)
        if key != name:
            outcomes[key] = RunOutcome(
                key, "invalid", message=short(f"{display_path(f)}: another parameter-set file has the name {name!r}")
            )
            continue
        try:
            sets.append(load_param_set(f, overrides))
        except StudyError as exc:
            outcomes[key] = RunOutcome(key, "invalid", message=short(str(exc)))
        except (Exception, RecursionError) as exc:
            outcomes[key] = RunOutcome(
                key, "invalid", message=short(f"{f}: cannot be loaded: {type(exc).__name__}: {exc}")
            )
    return order, sets, outcomes


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
    timeout: int | None = 1800,
    heavy: bool = False,
    scheduler: str | None = None,
) -> ReportResult:
    """Run every parameter set (see module docstring); never raises for a failing run.

    Parameter sets are validated before any process starts. On an interrupt
    (:data:`study.runner.stop.STOP`) no queued run starts, running ones end as
    ``interrupted``, the index is still written and the exit code is 130. Sets marked ``heavy: true``
    are left out (status ``skipped``, the index says how to run them) unless ``heavy``. With
    ``scheduler`` (a Dask address) the sets run as Dask futures (:mod:`study.runner.dask_runs`).
    """
    from study.atomic import OwnedTemp
    from study.runner.execute import DATA_PREFIX, read_unfinished, update_unfinished
    from study.runner.processed import snapshot
    from study.runner.stop import STOP

    stream = stream or sys.stdout
    out_root = Path(out_root) if out_root is not None else default_out()
    jobs = max(1, jobs or os.cpu_count() or 1)
    files = discover() if files is None else files
    t_start = time.perf_counter()
    order, sets, outcomes = _load_all(files, overrides)
    if not heavy:
        for ps in [p for p in sets if p.heavy]:
            outcomes[ps.name] = RunOutcome(
                ps.name,
                "skipped",
                0.0,
                None,
                message=(
                    f"heavy: not run by default; run it with `make multiverse`, `study report --heavy` or "
                    f"`study run {display_path(ps.path)}`"
                ),
            )
        sets = [p for p in sets if not p.heavy]
    from study.clean.outputs import check_target

    check_target(out_root)  # a file, /dev/null, …: one line before anything starts
    out_root.mkdir(parents=True, exist_ok=True)
    cleanup_stale(out_root)
    own_server = server is None and bool(sets) and zygote.enabled() and not STOP.is_set() and not scheduler
    if own_server:
        server = zygote.ForkServer()  # pre-imports the scientific stack while the data is read and checked
    snap: OwnedTemp | None = None
    try:
        pending: list[tuple[ParamSet, str]] = []
        if sets and not STOP.is_set():
            snap = OwnedTemp(out_root, DATA_PREFIX)
            data: DataState = snapshot(snap.path)
            git = git_state()
            unfinished = read_unfinished(out_root)
            for ps in sets:
                h = input_hash(ps, data, show_code)
                fresh, why = (False, "") if force else check_up_to_date(out_root, ps.name, h, unfinished)
                if fresh:
                    outcomes[ps.name] = RunOutcome(
                        ps.name, "skipped", 0.0, out_root / ps.name, message="unchanged since its last successful run"
                    )
                else:
                    if why:
                        print(f"study report: {ps.name}: running again: {why}", file=stream)
                    pending.append((ps, h))
            if pending:
                update_unfinished(out_root, add={ps.name for ps, _ in pending})
            if server is not None:
                server.preload([m for ps, _ in pending for m in ps.warm_imports()])
            if scheduler:
                from study.runner.dask_runs import execute_on_dask

                execute_on_dask(
                    pending,
                    out_root,
                    data,
                    outcomes,
                    scheduler=scheduler,
                    show_code=show_code,
                    git=git,
                    timeout=timeout,
                    command=lambda ps: reproduce_command(ps.path, out_root, show_code, overrides),
                )
            else:
                _execute_all(
                    pending,
                    out_root,
                    data,
                    outcomes,
                    jobs=jobs,
                    show_code=show_code,
                    overrides=overrides,
                    git=git,
                    progress=progress,
                    server=server,
                    timeout=timeout,
                )
            done = {n for n, o in outcomes.items() if o.status in ("ok", "failed", "invalid")}
            if pending:
                update_unfinished(out_root, remove=done)
    finally:
        if own_server and server is not None:
            server.close()
        if snap is not None:
            snap.close()
    for ps in sets:  # never started (an interrupt before the pool)
        outcomes.setdefault(ps.name, RunOutcome(ps.name, "interrupted", message="not started: interrupted"))
    ordered = [outcomes[n] for n in order if n in outcomes]
    from study.runner.site import build_index

    index = build_index(out_root, ordered)
    print(summary_table(ordered), file=stream)
    n_ok = sum(o.status in ("ok", "skipped") for o in ordered)
    print(
        f"study report: {n_ok}/{len(ordered)} runs ok in {time.perf_counter() - t_start:.1f} s"
        f" -> {display_path(index)}",
        file=stream,
    )
    if STOP.is_set():
        n_int = sum(o.status == "interrupted" for o in ordered)
        print(
            f"study report: interrupted; {n_int} run(s) did not finish and run again at the next `study report`",
            file=stream,
        )
        code = STOP.exit_code()
    elif any(o.status == "failed" for o in ordered):
        code = 1
    elif any(o.status == "invalid" for o in ordered):
        code = 2
    else:
        code = 0
    return ReportResult(ordered, index, code)


def _completed(futures: dict[Any, Any]) -> Any:
    """Like ``as_completed``, but the main thread wakes up a few times a second: a signal caught by a
    worker thread runs its Python handler only when the main thread runs (so an interrupt is seen at once)."""
    left = set(futures)
    while left:
        done, left = wait(left, timeout=0.2, return_when=FIRST_COMPLETED)
        yield from done


def _preimport_html() -> None:
    """Import nbconvert while the kernels run (the HTML export needs it afterwards)."""
    from study.runner.htmlexport import preload

    with contextlib.suppress(Exception):  # a failure shows later, where the export needs it
        preload()


def _execute_all(
    pending: list[tuple[ParamSet, str]],
    out_root: Path,
    data: DataState,
    outcomes: dict[str, RunOutcome],
    *,
    jobs: int,
    show_code: bool,
    overrides: dict[str, Any] | None,
    git: dict[str, Any],
    progress: bool,
    server: object | None,
    timeout: int | None = 1800,
) -> None:
    from tqdm import tqdm

    from study.runner.stop import STOP

    if pending and not STOP.is_set():
        from study.runner.execute import preload as preload_execution

        preload_execution()  # papermill & co. imported here, not concurrently in the worker threads
        threading.Thread(target=_preimport_html, daemon=True).start()
        with (
            ThreadPoolExecutor(max_workers=min(jobs, len(pending)), thread_name_prefix="study-run") as pool,
            tqdm(
                total=len(pending),
                desc="study report",
                unit="run",
                file=sys.stderr,
                disable=not progress,
                dynamic_ncols=True,
            ) as bar,
        ):
            futures = {
                pool.submit(
                    execute_param_set,
                    ps,
                    out_root,
                    data,
                    command=reproduce_command(ps.path, out_root, show_code, overrides),
                    show_code=show_code,
                    hash_of_inputs=h,
                    git=git,
                    server=server,
                    timeout=timeout,
                ): ps
                for ps, h in pending
            }
            for fut in _completed(futures):
                ps = futures[fut]
                try:
                    o = fut.result()
                except StudyError as exc:
                    o = RunOutcome(ps.name, "invalid", message=short(str(exc)))
                except Exception as exc:  # a bug in the runner: report it, keep going
                    o = RunOutcome(ps.name, "failed", message=short(f"{type(exc).__name__}: {exc}"))
                outcomes[ps.name] = o
                bar.set_postfix_str(f"{o.name}: {o.status}")
                bar.update(1)
