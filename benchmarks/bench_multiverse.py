"""Specifications per second of the multiverse with 1 and 2 local worker processes, and peak memory
per worker (not a test: prints numbers; the machine may be shared, so read them as indicative).

    .venv/bin/python benchmarks/bench_multiverse.py [--specs-share 0.25]
"""

from __future__ import annotations

import argparse
import resource
import time

from study.analysis.multiverse import analyse_multiverse, multiverse_grid
from study.analysis.tables import load_tables
from study.models.parallel import InProcess, map_items
from study.parameters import MultiverseParams


def _peak_rss_mib(_shared=None, _item=None) -> float:
    """Peak resident memory of the calling process (MiB; Linux ru_maxrss is in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--families", nargs="+", default=["poisson_ql", "negbin"])
    ap.add_argument("--exposures", nargs="+", default=["population"])
    args = ap.parse_args()
    tables = load_tables()
    p = MultiverseParams(families=args.families, exposures=args.exposures)
    n = len(multiverse_grid(p))
    times = {}
    from study.models.parallel import LocalPool

    for workers in (1, 2):
        ex = InProcess() if workers == 1 else LocalPool(2)
        t0 = time.perf_counter()
        r = analyse_multiverse(tables, p, executor=ex)
        times[workers] = time.perf_counter() - t0
        print(
            f"workers={workers}: {n} specifications, {r.fits} fits in {times[workers]:.1f} s -> "
            f"{n / times[workers]:.2f} specs/s"
        )
    print(f"speed-up with 2 workers: {times[1] / times[2]:.2f}x")
    print(f"peak RSS of this (in-process) worker: {_peak_rss_mib():.0f} MiB")
    peaks = map_items(_peak_rss_mib, None, [0, 1], executor=LocalPool(2), items_per_task=1)
    print("peak RSS of fresh pool workers after one task (import + task): " + ", ".join(f"{m:.0f} MiB" for m in peaks))


if __name__ == "__main__":
    main()
