"""The resampling routines give the same numbers in-process, in a local process pool, on a Dask
LocalCluster of 1 or 2 worker processes, and on a real ``dask scheduler`` with two ``dask worker``
processes (all on 127.0.0.1, stopped at the end). Marked slow: `make test-slow` runs them."""

from __future__ import annotations

import gc
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from study.analysis.multiverse import analyse_multiverse, multiverse_headline
from study.analysis.tables import load_tables
from study.models.frame import analysis_frame
from study.models.parallel import SCHEDULER_ENV, DaskExecutor, LocalPool, close_clients, get_executor
from study.models.resample import bootstrap_count, permutation_test
from study.models.speccurve import specification_curve
from study.parameters import MultiverseParams

# Dask clients and the kernels' zmq sockets leave event loops and sockets to the garbage collector;
# they are collected (gc.collect) inside these tests, where these filters apply.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]
distributed = pytest.importorskip("distributed")

SMALL = dict(
    exposures=["population", "older_population"],
    families=["poisson_ql", "negbin"],
    covariate_sets=["population", "need"],
    staffing_measures=["as_printed"],
    ambiguous_readings=["null", "one_each"],
    exclusions=["none", "hub_plans"],
    bootstrap_draws=300,
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        if p.poll() is None:
            p.terminate()
    deadline = time.monotonic() + 20
    for p in procs:
        try:
            p.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(5)


@pytest.fixture(scope="module")
def tables():
    return load_tables()


def _compute(tables, executor) -> dict:
    """Every resampling routine through ``executor``, as comparable plain values."""
    frame = analysis_frame(tables.entities, tables.corrections).data
    boot = bootstrap_count(frame, n_boot=700, seed=5, family="negbin", executor=executor)
    perm = permutation_test(frame, "aging_rate_pct", ["log_pop"], n_perm=600, seed=4, executor=executor)
    curve = specification_curve(
        tables.entities,
        tables.corrections,
        families=("poisson_ql",),
        exclusions=("none", "hub_plans"),
        n_perm=300,
        seed=9,
        executor=executor,
    )
    mv = analyse_multiverse(tables, MultiverseParams(**SMALL), executor=executor)
    return dict(
        boot=boot.table,
        boot_draws=boot.draws.to_numpy(),
        perm=perm.null_distribution,
        p=perm.p_value,
        specs=curve.specs,
        null=curve.null_draws,
        mv=mv.specs,
        headline=json.dumps(multiverse_headline(mv)),
    )


def _assert_identical(a: dict, b: dict) -> None:
    for k in a:
        if isinstance(a[k], pd.DataFrame):
            pd.testing.assert_frame_equal(a[k], b[k], check_exact=True)
        elif isinstance(a[k], np.ndarray):
            assert np.array_equal(a[k], b[k], equal_nan=True), k
        else:
            assert a[k] == b[k], k


@pytest.fixture(scope="module")
def reference(tables):
    return _compute(tables, "local")


def test_local_pool_of_two_processes(tables, reference):
    _assert_identical(reference, _compute(tables, LocalPool(2)))


@pytest.mark.parametrize("workers", [1, 2])
def test_dask_local_cluster(tables, reference, workers):
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        ex = DaskExecutor(client)
        assert ex.workers == workers
        _assert_identical(reference, _compute(tables, ex))
    gc.collect()


@pytest.fixture(scope="module")
def dask_processes():
    """A real `dask scheduler` and two `dask worker` processes on 127.0.0.1 (stopped at teardown)."""
    dask = Path(sys.executable).with_name("dask")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    procs: list[subprocess.Popen] = []
    try:
        procs.append(
            subprocess.Popen(
                [str(dask), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        for i in (1, 2):
            procs.append(
                subprocess.Popen(
                    [
                        str(dask),
                        "worker",
                        address,
                        "--host",
                        "127.0.0.1",
                        "--nthreads",
                        "1",
                        "--nworkers",
                        "1",
                        "--no-dashboard",
                        "--name",
                        f"w{i}",
                    ],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        from distributed import Client

        with Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        _stop(procs)


def test_real_scheduler_and_two_worker_processes(tables, reference, dask_processes, monkeypatch):
    from distributed import Client

    with Client(dask_processes, timeout="60s") as client:
        _assert_identical(reference, _compute(tables, DaskExecutor(client)))
    # the same through the environment variable (what `--scheduler` sets for the notebooks)
    monkeypatch.setenv(SCHEDULER_ENV, dask_processes)
    try:
        ex = get_executor(None)
        assert isinstance(ex, DaskExecutor) and ex.workers == 2
        _assert_identical(reference, _compute(tables, None))
    finally:
        close_clients()
        gc.collect()


def _results(folder: Path) -> list:
    return json.loads((folder / "results.json").read_text(encoding="utf-8"))


def test_report_through_real_dask_workers(tmp_path, dask_processes):
    """`study report --scheduler`: the parameter sets run on the Dask workers, install atomically with their
    manifests, and give the results.json of a local run; the heavy multiverse is left out unless asked."""
    import io

    from study.runner.report import run_report

    params = tmp_path / "params"
    params.mkdir()
    (params / "robustness.yaml").write_text(
        "notebook: 40_robustness\nparameters: {permutations: 200}\n", encoding="utf-8"
    )
    (params / "multiverse.yaml").write_text(
        "notebook: 50_multiverse\nheavy: true\nparameters: {exposures: [population], families: [poisson_ql], "
        "covariate_sets: [population], staffing_measures: [as_printed], ambiguous_readings: ['null', one_each], "
        "bootstrap_draws: 300}\n",
        encoding="utf-8",
    )
    files = [params / "robustness.yaml", params / "multiverse.yaml"]
    small = None
    local = run_report(
        tmp_path / "local", files=files, overrides=small, progress=False, stream=io.StringIO(), heavy=True
    )
    assert local.exit_code == 0, [(o.name, o.status, o.message) for o in local.outcomes]
    remote = run_report(
        tmp_path / "dask",
        files=files,
        overrides=small,
        progress=False,
        stream=io.StringIO(),
        heavy=True,
        scheduler=dask_processes,
    )
    assert remote.exit_code == 0, [(o.name, o.status, o.message) for o in remote.outcomes]
    for name in ("robustness", "multiverse"):
        assert _results(tmp_path / "dask" / name) == _results(tmp_path / "local" / name)
        assert (tmp_path / "dask" / name / "manifest.json").is_file()
    light = run_report(
        tmp_path / "light", files=files[1:], progress=False, stream=io.StringIO(), scheduler=dask_processes
    )
    (o,) = light.outcomes
    assert o.status == "skipped" and "study report --heavy" in o.message
    gc.collect()
