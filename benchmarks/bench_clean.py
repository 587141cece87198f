"""Benchmark: clean the bundled raw file in-process (goal: median <= 0.15 s per clean on a quiet machine).

Run: ``make bench`` or ``.venv/bin/python benchmarks/bench_clean.py [--repeat N]``.
Reports the median and best wall time of the parse+validate step (reading the
file included, writing outputs excluded) and the peak memory of one clean.
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc

from study.clean.pipeline import clean_file

GOAL_SECONDS = 0.15


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    clean_file()  # warm-up: imports, regex compilation, code table
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        clean_file()
        times.append(time.perf_counter() - t0)
    tracemalloc.start()
    clean_file()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    med = statistics.median(times)
    print(
        f"clean bundled file: median {med:.3f} s, best {min(times):.3f} s over {args.repeat} runs (goal <= "
        f"{GOAL_SECONDS} s: {'met' if med <= GOAL_SECONDS else 'NOT met'}); peak traced memory {peak / 1e6:.1f} MB"
    )


if __name__ == "__main__":
    main()
