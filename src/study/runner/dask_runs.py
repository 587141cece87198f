"""``study report --scheduler ADDRESS``: parameter sets as Dask futures.

Each pending parameter set becomes one task; the worker runs
:func:`study.runner.execute.execute_param_set` (the notebooks with the project's kernel, the manifest,
the atomic install into ``out_root``) exactly as a local run does, without the fork server. The
workers must see the same file system (``out_root`` and the processed-data snapshot) and the same
locked environment: a worker on this machine, or a cluster with a shared file system (docs/scale_out.md).

* A task whose worker dies is retried once by the scheduler (``retries=1``); a task that still
  fails ends as ``failed`` with the worker's error -- never lost.
* On an interrupt (:data:`study.runner.stop.STOP`, Ctrl-C) the outstanding futures are cancelled and
  their sets recorded as ``interrupted``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from study.errors import one_line as short
from study.runner.execute import RunOutcome, execute_param_set
from study.runner.params import ParamSet


def _run_on_worker(ps: ParamSet, out_root: Path, data: Any, kwargs: dict[str, Any]) -> RunOutcome:
    """The task: one parameter set, executed in the worker's process with a plain kernel."""
    return execute_param_set(ps, out_root, data, server=None, **kwargs)


def execute_on_dask(
    pending: list[tuple[ParamSet, str]],
    out_root: Path,
    data: Any,
    outcomes: dict[str, RunOutcome],
    *,
    scheduler: str,
    command: Callable[[ParamSet], str],
    show_code: bool,
    git: dict[str, Any],
    timeout: int | None,
    on_done: Callable[[RunOutcome], None] | None = None,
) -> None:
    """Run ``pending`` (parameter set, input hash) on the Dask scheduler at ``scheduler``; fill ``outcomes``.

    Parameters
    ----------
    pending : list of (ParamSet, str)
        The sets to run and their input hashes.
    out_root : pathlib.Path
        Reports folder (shared with the workers).
    data : study.runner.processed.DataState
        The processed-data snapshot (its folder shared with the workers).
    outcomes : dict
        Filled with one outcome per set.
    scheduler : str
        Scheduler address.
    command : callable
        The reproduce command of a set (recorded in its manifest).
    show_code, git, timeout
        As :func:`study.runner.execute.execute_param_set`.
    on_done : callable, optional
        Called with each outcome (progress).
    """
    from distributed import Client

    from study.runner.stop import STOP

    with Client(scheduler, timeout="30s") as client:
        futures = {}
        for ps, h in pending:
            kwargs = dict(command=command(ps), show_code=show_code, hash_of_inputs=h, git=git, timeout=timeout)
            futures[
                client.submit(
                    _run_on_worker,
                    ps,
                    out_root,
                    data,
                    kwargs,
                    pure=False,
                    retries=1,
                    key=f"study-run-{ps.name}-{h[:12]}",
                )
            ] = ps
        left = set(futures)
        try:
            while left and not STOP.is_set():
                done = {f for f in left if f.done()}
                if not done:
                    time.sleep(0.2)
                    continue
                left -= done
                for fut in done:
                    ps = futures[fut]
                    try:
                        o = fut.result()
                    except Exception as exc:
                        o = RunOutcome(
                            ps.name, "failed", message=short(f"on the Dask worker: {type(exc).__name__}: {exc}")
                        )
                    outcomes[ps.name] = o
                    if on_done is not None:
                        on_done(o)
        finally:
            if left:
                client.cancel(list(left))
                for fut in left:
                    ps = futures[fut]
                    outcomes[ps.name] = RunOutcome(ps.name, "interrupted", message="interrupted: Dask future cancelled")
