"""Benchmark: ``study report`` against the same notebooks run one after another
with the ``papermill`` command line (goal: ratio <= 0.6 on a 2-core machine).

Run: ``make bench-report`` or ``.venv/bin/python benchmarks/bench_report.py [--repeat N] [--jobs N]``.

Both sides do the same notebook work, measured in one run of this script:

- baseline: for each ``params/*.yaml``, ``papermill NOTEBOOK OUT -f PARAMS`` with the
  set's full parameters, one after another, each with ``STUDY_RUN_DIR`` set so the
  notebook writes its figures, tables and results as it does under the runner;
- runner: ``study report --force --out TMP`` (every set re-run, none skipped; the
  cleaned data already verified fresh, as after any earlier ``study report``),
  which also writes the HTML exports, manifests and the index.

Wall times are the medians over ``--repeat`` rounds (default 1); the ratio is
runner / baseline. A second ``study report`` without ``--force`` (nothing changed:
every set skipped) is timed too. The machine should be otherwise idle: the
runner's gain is parallelism over 2 cores, which another busy process takes away.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
GOAL = 0.6


def bin_of(name: str) -> str:
    """An executable next to this interpreter (the project venv), else on PATH."""
    cand = Path(sys.executable).parent / name
    return str(cand) if cand.exists() else (shutil.which(name) or name)


def baseline(tmp: Path) -> float:
    from study.runner.params import load_param_set
    from study.runner.registry import notebook_path
    from study.runner.report import discover

    jobs = []
    for f in discover():
        ps = load_param_set(f)
        for r in ps.runs:
            pfile = tmp / f"{ps.name}-{r.notebook}.params.yaml"
            pfile.write_text(yaml.safe_dump(r.values(), allow_unicode=True), encoding="utf-8")
            jobs.append((ps.name, notebook_path(r.notebook), pfile))
    t0 = time.perf_counter()
    for name, nb, pfile in jobs:
        run_dir = tmp / "papermill" / name
        run_dir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "STUDY_RUN_DIR": str(run_dir), "PYTHONHASHSEED": "0"}
        subprocess.run(
            [bin_of("papermill"), "--no-progress-bar", str(nb), str(run_dir / nb.name), "-f", str(pfile)],
            check=True,
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    return time.perf_counter() - t0


def runner(tmp: Path, jobs: int | None, force: bool = True) -> float:
    cmd = [bin_of("study"), "report", "--no-progress", "--out", str(tmp / "reports")] + (["--force"] if force else [])
    if jobs:
        cmd += ["--jobs", str(jobs)]
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=None, help="passed to study report (default: its own, = cores)")
    args = parser.parse_args()
    from study.runner.processed import ensure_processed
    from study.runner.report import discover

    ensure_processed()  # both sides read fresh data/processed/
    n = len(discover())
    base, ours, warm = [], [], []
    with tempfile.TemporaryDirectory(prefix="bench-report-") as t:
        tmp = Path(t)
        for i in range(args.repeat):
            ours.append(runner(tmp, args.jobs))
            warm.append(runner(tmp, args.jobs, force=False))
            base.append(baseline(tmp))
            print(
                f"round {i + 1}: papermill CLI, one after another {base[-1]:.1f} s; study report --force "
                f"{ours[-1]:.1f} s; study report (unchanged, all skipped) {warm[-1]:.1f} s",
                flush=True,
            )
    b, o, w = statistics.median(base), statistics.median(ours), statistics.median(warm)
    ratio = o / b
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"{n} parameter sets on {os.cpu_count()} cores (load average {load:.2f} at the end): papermill CLI sequential "
        f"{b:.1f} s, study report --force {o:.1f} s, ratio {ratio:.2f} (goal <= {GOAL}: "
        f"{'met' if ratio <= GOAL else 'NOT met'}); unchanged inputs (default, skipped) {w:.1f} s, ratio {w / b:.2f}"
    )


if __name__ == "__main__":
    main()
