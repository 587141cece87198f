"""Resampling in fixed blocks of draws, run in-process, in a local process pool or on Dask.

Every resampling routine (bootstrap, permutation, specification-curve null, multiverse) draws
through :func:`map_blocks`. The draws are cut into fixed **blocks** of :data:`BLOCK` (256):
block ``b`` always takes its random numbers from child ``b`` of
``numpy.random.SeedSequence(seed)`` (the child ``SeedSequence(entropy, spawn_key=(b,))``,
exactly what ``SeedSequence(seed).spawn(b + 1)[b]`` gives), and the routine's work function is
always called on one whole block. Blocks are only *grouped* into tasks (``blocks_per_task``), and
the results are put back in draw order. So the numbers cannot depend on the number of workers,
the grouping of blocks into tasks, or on where a task runs (this process, a local pool, a Dask
worker). BLAS and OpenMP are pinned to one thread while a block runs (threadpoolctl), so that
they cannot depend on the threading either.

Executors (:func:`get_executor`):

* :class:`InProcess` -- the default: blocks run one after the other here;
* :class:`LocalPool` -- a ``concurrent.futures`` process pool of ``n`` workers;
* :class:`DaskExecutor` -- a ``distributed.Client``: tasks are Dask futures (retried twice if a
  worker dies), the shared inputs are scattered once.

``executor=None`` means the scheduler in the environment variable ``STUDY_DASK_SCHEDULER`` when it
is set (e.g. ``tcp://127.0.0.1:8786``), else in-process.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

#: Draws per block (a block's random stream is fixed by its index).
BLOCK = 256
#: Environment variable naming a Dask scheduler address used when no executor is given.
SCHEDULER_ENV = "STUDY_DASK_SCHEDULER"


# --- random streams ---------------------------------------------------------------


def root_entropy(seed: int | np.random.Generator | np.random.SeedSequence | None) -> int:
    """The entropy of the root ``SeedSequence`` of a resampling run.

    Parameters
    ----------
    seed : int or numpy.random.Generator or numpy.random.SeedSequence or None
        An integer seed (its own entropy); a Generator (one 63-bit integer is drawn from it, so a
        caller's generator still yields distinct, reproducible streams for successive calls); a
        SeedSequence (its entropy; it must be a root, not spawned); None (fresh OS entropy: not
        reproducible).

    Returns
    -------
    int
        Entropy of ``SeedSequence(entropy)``.
    """
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(0, 2**63))
    if isinstance(seed, np.random.SeedSequence):
        if seed.spawn_key:
            raise ValueError("a spawned SeedSequence cannot root a block stream; pass an integer seed")
        return int(seed.entropy)  # type: ignore[arg-type]
    if seed is None:
        return int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool) and seed >= 0:
        return int(seed)
    raise ValueError(f"seed must be a non-negative integer, a Generator or a SeedSequence, not {seed!r}")


def block_rng(entropy: int, block: int) -> np.random.Generator:
    """The generator of block ``block``: child ``block`` of ``SeedSequence(entropy)``.

    Parameters
    ----------
    entropy : int
        Root entropy (:func:`root_entropy`).
    block : int
        Block index (draws ``block*BLOCK`` to ``(block+1)*BLOCK - 1``).

    Returns
    -------
    numpy.random.Generator
        PCG64 seeded by ``SeedSequence(entropy, spawn_key=(block,))``.
    """
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy, spawn_key=(block,))))


def block_bounds(n_draws: int, block: int) -> tuple[int, int]:
    """First and one-past-last draw of a block (the last block may be short)."""
    start = block * BLOCK
    return start, min(start + BLOCK, n_draws)


def n_blocks(n_draws: int) -> int:
    """Number of blocks covering ``n_draws`` draws."""
    return math.ceil(n_draws / BLOCK) if n_draws > 0 else 0


# --- executors --------------------------------------------------------------------


class Executor(Protocol):
    """Runs ``fn(shared, item)`` for each item and returns the results in the items' order."""

    workers: int

    def map(self, fn: Callable[[Any, Any], Any], shared: Any, items: Sequence[Any]) -> list[Any]: ...


def _pin_threads() -> None:
    """Pin BLAS/OpenMP pools of this process to one thread (worker initialiser)."""
    from threadpoolctl import threadpool_limits

    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    threadpool_limits(1)


_IN_TASK = [0]


def _call_pinned(fn: Callable[[Any, Any], Any], shared: Any, item: Any) -> Any:
    """``fn(shared, item)`` with BLAS/OpenMP limited to one thread for the call; resampling nested in
    the call (``executor=None``) runs in-process, never on a second level of tasks."""
    from threadpoolctl import threadpool_limits

    _IN_TASK[0] += 1
    try:
        with threadpool_limits(1):
            return fn(shared, item)
    finally:
        _IN_TASK[0] -= 1


@dataclass
class InProcess:
    """Run every task here, one after the other (BLAS pinned to one thread per call)."""

    workers: int = 1

    def map(self, fn, shared, items):
        return [_call_pinned(fn, shared, it) for it in items]


_POOL_SHARED: dict[str, Any] = {}


def _pool_init(shared: Any) -> None:
    _pin_threads()
    _POOL_SHARED["shared"] = shared


def _pool_call(fn, item):
    return _call_pinned(fn, _POOL_SHARED["shared"], item)


@dataclass
class LocalPool:
    """A local pool of ``workers`` processes (a fresh pool per :meth:`map`; the shared input is sent
    once per worker)."""

    workers: int = 2

    def map(self, fn, shared, items):
        if not items:
            return []
        import multiprocessing as mp

        ctx = mp.get_context("forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn")
        with ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=_pool_init, initargs=(shared,)) as pool:
            return list(pool.map(_pool_call, [fn] * len(items), items))


def _dask_pin(dask_worker=None) -> None:
    _pin_threads()


class DaskExecutor:
    """Tasks as futures of a ``distributed.Client`` (each task retried twice when its worker dies).

    Parameters
    ----------
    client : distributed.Client
        A connected client.
    retries : int
        Retries of a task whose worker failed.
    """

    def __init__(self, client, retries: int = 2):
        self.client = client
        self.retries = retries
        client.run(_dask_pin)  # workers' BLAS pools to one thread (new workers pin per call anyway)

    @property
    def workers(self) -> int:
        return max(1, len(self.client.scheduler_info(n_workers=-1).get("workers", {})))

    def map(self, fn, shared, items):
        if not items:
            return []
        fut_shared = self.client.scatter([shared], broadcast=True, hash=False)[0]
        futures = [
            self.client.submit(_call_pinned, fn, fut_shared, it, pure=False, retries=self.retries) for it in items
        ]
        try:
            return self.client.gather(futures)
        except BaseException:  # Ctrl-C or a failed task: nothing left running on the cluster
            self.client.cancel(futures)
            raise


_CLIENTS: dict[str, Any] = {}


def dask_client(address: str):
    """A client connected to the Dask scheduler at ``address`` (one per address and process).

    Parameters
    ----------
    address : str
        Scheduler address, e.g. ``tcp://127.0.0.1:8786``.
    """
    if address not in _CLIENTS:
        from distributed import Client

        _CLIENTS[address] = Client(address, timeout="30s")
    return _CLIENTS[address]


def close_clients() -> None:
    """Close the clients :func:`dask_client` opened (e.g. before the scheduler goes away)."""
    while _CLIENTS:
        _, client = _CLIENTS.popitem()
        client.close()


def get_executor(executor: Any = None) -> Executor:
    """The executor of a resampling call.

    Parameters
    ----------
    executor : None, int, str, distributed.Client or Executor
        ``None``: Dask at ``$STUDY_DASK_SCHEDULER`` if set, else :class:`InProcess`; an int ``n``: a
        :class:`LocalPool` of ``n`` processes (1: in-process); a string: a Dask scheduler address
        (``"local"``/``"inprocess"``: in-process); a ``distributed.Client``; or an executor.

    Returns
    -------
    Executor
    """
    if executor is None and _IN_TASK[0]:
        return InProcess()
    if executor is None:
        address = os.environ.get(SCHEDULER_ENV, "").strip()
        return DaskExecutor(dask_client(address)) if address else InProcess()
    if isinstance(executor, bool):
        raise ValueError(f"not an executor: {executor!r}")
    if isinstance(executor, int):
        if executor < 1:
            raise ValueError(f"a local pool needs at least one worker, not {executor}")
        return InProcess() if executor == 1 else LocalPool(executor)
    if isinstance(executor, str):
        if executor in ("local", "inprocess", ""):
            return InProcess()
        return DaskExecutor(dask_client(executor))
    if hasattr(executor, "map") and hasattr(executor, "workers"):
        return executor
    if type(executor).__name__ == "Client":
        return DaskExecutor(executor)
    raise ValueError(f"not an executor: {executor!r}")


# --- blocks of draws --------------------------------------------------------------

#: ``fn(shared, rng, start, stop) -> array`` with one row (leading axis) per draw start..stop-1.
BlockFn = Callable[[Any, np.random.Generator, int, int], np.ndarray]


def _run_blocks(shared: tuple[BlockFn, Any, int, int], blocks: Sequence[int]) -> list[np.ndarray]:
    fn, data, entropy, n_draws = shared
    out = []
    for b in blocks:
        start, stop = block_bounds(n_draws, b)
        out.append(np.asarray(fn(data, block_rng(entropy, b), start, stop)))
    return out


def task_groups(n_items: int, per_task: int | None, workers: int) -> list[list[int]]:
    """Item indices grouped into consecutive tasks.

    Parameters
    ----------
    n_items : int
        Items (blocks or specifications).
    per_task : int, optional
        Items per task (default: about four tasks per worker).
    workers : int
        Workers of the executor.
    """
    if per_task is None:
        per_task = max(1, math.ceil(n_items / (4 * max(1, workers))))
    return [list(range(i, min(i + per_task, n_items))) for i in range(0, n_items, per_task)]


def map_blocks(
    fn: BlockFn,
    data: Any,
    n_draws: int,
    seed: int | np.random.Generator | np.random.SeedSequence | None,
    *,
    executor: Any = None,
    blocks_per_task: int | None = None,
) -> np.ndarray:
    """Run ``fn`` on every block of ``n_draws`` draws and stack the results in draw order.

    Parameters
    ----------
    fn : callable
        ``fn(data, rng, start, stop)``: the draws ``start..stop-1`` (one block) with the block's
        generator; returns an array whose leading axis has ``stop - start`` rows. Must be a
        module-level function (it is pickled to workers).
    data : object
        The shared inputs of ``fn`` (picklable; sent once per worker).
    n_draws : int
        Draws in all.
    seed : int or numpy.random.Generator or numpy.random.SeedSequence or None
        Root of the block streams (:func:`root_entropy`).
    executor : see :func:`get_executor`
        Where the tasks run.
    blocks_per_task : int, optional
        Blocks per task (results do not depend on it).

    Returns
    -------
    numpy.ndarray
        The blocks' results concatenated along the first axis (``n_draws`` rows).
    """
    entropy = root_entropy(seed)
    nb = n_blocks(n_draws)
    if nb == 0:
        return np.asarray(fn(data, block_rng(entropy, 0), 0, 0))
    ex = get_executor(executor)
    groups = task_groups(nb, blocks_per_task, ex.workers)
    parts = ex.map(_run_blocks, (fn, data, entropy, n_draws), groups)
    return np.concatenate([a for part in parts for a in part], axis=0)


def _run_items(shared: tuple[Callable[[Any, Any], Any], Any, Sequence[Any]], idx: Sequence[int]) -> list[Any]:
    fn, data, items = shared
    return [fn(data, items[i]) for i in idx]


def map_items(
    fn: Callable[[Any, Any], Any],
    data: Any,
    items: Sequence[Any],
    *,
    executor: Any = None,
    items_per_task: int | None = None,
) -> list[Any]:
    """``[fn(data, item) for item in items]``, with the items grouped into tasks on an executor.

    For work whose randomness is already tied to blocks inside ``fn`` (e.g. one specification of a
    multiverse with its own block-seeded bootstrap): the results do not depend on the grouping.

    Parameters
    ----------
    fn : callable
        Module-level function ``fn(data, item)``.
    data : object
        Shared inputs (sent once per worker).
    items : sequence
        Picklable items.
    executor : see :func:`get_executor`
        Where the tasks run.
    items_per_task : int, optional
        Items per task.

    Returns
    -------
    list
        The results in the items' order.
    """
    items = list(items)
    ex = get_executor(executor)
    groups = task_groups(len(items), items_per_task, ex.workers)
    parts = ex.map(_run_items, (fn, data, items), groups)
    return [r for part in parts for r in part]
