"""Mutation check: plant known estimator errors one at a time and see whether the tests catch them.

Each mutant is a (file, exact snippet, replacement) edit applied to a *temporary copy* of the
repository (src, tests, data, pyproject.toml); the tests named for it run against that copy
(PYTHONPATH points at the copy's src, ahead of the editable install), so the working tree is never
modified. A mutant is *caught* when at least one test fails. The run first checks that the unmutated
copy passes the same tests, and that every snippet still occurs exactly once (a stale snippet is
reported as an error, not as caught).

    .venv/bin/python scripts/mutants.py            # all mutants, quick tests only
    .venv/bin/python scripts/mutants.py --slow     # also the slow coverage simulations
    .venv/bin/python scripts/mutants.py --only bca_z0_sign,hc3_leverage_power
    .venv/bin/python scripts/mutants.py --only shift_half_boot_se \
        --tests "tests/test_coverage_slow.py::test_bca_bootstrap_each_tail[poisson_ql-100-999]"

Exit status: 0 when every mutant is caught, 1 when any is missed, 2 on an error.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

RESAMPLE = "src/study/models/resample.py"
KERNELS = "src/study/models/kernels.py"
COUNT = "src/study/models/count.py"

#: Tests that exercise the bootstrap / QL machinery (quick) and the slow coverage simulations.
T_BOOT = [
    "tests/test_r_reference_estimators.py",
    "tests/test_models_inference_checks.py",
    "tests/test_models_montecarlo.py",
    "tests/test_models_resample.py",
]
T_QL = ["tests/test_models_inference_checks.py", "tests/test_models_count.py", "tests/test_models_power.py"]
T_SLOW = ["tests/test_coverage_slow.py"]


@dataclass(frozen=True)
class Mutant:
    name: str
    what: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]


MUTANTS = [
    # --- the six errors of issue 10 ---------------------------------------------------------------
    Mutant(
        "bca_acceleration_sign",
        "BCa acceleration sign flipped",
        RESAMPLE,
        "acc = float(np.sum(dev**3) / den) if den > 0 else 0.0",
        "acc = -float(np.sum(dev**3) / den) if den > 0 else 0.0",
        tuple(T_BOOT),
    ),
    Mutant(
        "bca_z0_sign",
        "BCa bias correction z0 sign flipped",
        RESAMPLE,
        "z0 = stats.norm.ppf(prop)",
        "z0 = -stats.norm.ppf(prop)",
        tuple(T_BOOT),
    ),
    Mutant(
        "reverse_percentile_as_bca",
        "reverse-percentile (basic) interval returned as BCa",
        RESAMPLE,
        "return out[0], out[1], float(z0), acc",
        "pl, ph = np.quantile(d, [a, 1 - a])\n    return 2 * estimate - ph, 2 * estimate - pl, float(z0), acc",
        tuple(T_BOOT),
    ),
    Mutant(
        "ql_se_x1.3_kernels",
        "QL standard error inflated x1.3 (batched kernels)",
        KERNELS,
        "cov = cov * phi[:, None, None]",
        "cov = cov * phi[:, None, None] * 1.69",
        tuple(T_QL),
    ),
    Mutant(
        "ql_se_x1.3_count",
        "QL standard error inflated x1.3 (count.poisson_ql)",
        COUNT,
        "params = _table(d.names, np.asarray(res.params), np.asarray(res.bse), d.n, level, df=df)",
        "params = _table(d.names, np.asarray(res.params), 1.3 * np.asarray(res.bse), d.n, level, df=df)",
        tuple(T_QL),
    ),
    Mutant(
        "level_85_as_95",
        "an 85% interval labelled 95% (BCa)",
        RESAMPLE,
        "    a = (1 - level) / 2\n    out = []",
        "    a = (1 - (level - 0.10)) / 2\n    out = []",
        tuple(T_BOOT),
    ),
    Mutant(
        "level_85_as_95_percentile",
        "an 85% interval labelled 95% (percentile)",
        RESAMPLE,
        "    a = (1 - level) / 2\n    lo, hi = np.quantile(d, [a, 1 - a])",
        "    a = (1 - (level - 0.10)) / 2\n    lo, hi = np.quantile(d, [a, 1 - a])",
        tuple(T_BOOT),
    ),
    Mutant(
        "shift_half_boot_se",
        "BCa interval shifted by 0.5 bootstrap SE",
        RESAMPLE,
        "out.append(float(np.quantile(d, adj)))",
        "out.append(float(np.quantile(d, adj)) + 0.5 * float(np.std(d, ddof=1)))",
        tuple(T_BOOT),
    ),
    # --- other errors in the existing estimators ---------------------------------------------------
    Mutant(
        "ql_dispersion_df_n",
        "QL dispersion X²/n instead of X²/(n-p) (kernels)",
        KERNELS,
        "dof = np.maximum(wb.sum(axis=1) - p, 1)",
        "dof = np.maximum(wb.sum(axis=1), 1)",
        tuple(T_QL),
    ),
    Mutant(
        "bootstrap_resample_size",
        "bootstrap resamples n-1 rows",
        RESAMPLE,
        "return rng.multinomial(n, np.full(n, 1.0 / n), size=n_boot).astype(float)",
        "return rng.multinomial(n - 1, np.full(n, 1.0 / n), size=n_boot).astype(float)",
        tuple(T_BOOT),
    ),
    Mutant(
        "delong_variance_swapped",
        "DeLong variance divides the structural components by the wrong counts",
        "src/study/models/binary.py",
        "cov = np.atleast_2d(np.cov(v10)) / m + np.atleast_2d(np.cov(v01)) / n",
        "cov = np.atleast_2d(np.cov(v10)) / n + np.atleast_2d(np.cov(v01)) / m",
        ("tests/test_r_reference_estimators.py",),
    ),
    Mutant(
        "permutation_p_without_plus_one",
        "permutation p = #extreme / B (no +1)",
        RESAMPLE,
        "p = (1 + np.sum(np.abs(tv) >= np.abs(t_obs) * (1 - 1e-10))) / (1 + tv.size)",
        "p = np.sum(np.abs(tv) >= np.abs(t_obs) * (1 - 1e-10)) / tv.size",
        ("tests/test_models_resample.py",),
    ),
    # --- errors in the new modules -----------------------------------------------------------------
    Mutant(
        "hc3_leverage_power",
        "HC3 divides by (1-h) instead of (1-h)^2",
        "src/study/models/robust.py",
        "u = u / (1.0 - h)",
        "u = u / np.sqrt(1.0 - h)",
        ("tests/test_r_reference_estimators.py", "tests/test_models_robust.py"),
    ),
    Mutant(
        "hc1_df",
        "HC1 uses n/(n-k+1)",
        "src/study/models/robust.py",
        "cov = cov * n / (n - k)",
        "cov = cov * n / (n - k + 1)",
        ("tests/test_r_reference_estimators.py", "tests/test_models_robust.py"),
    ),
    Mutant(
        "holm_multiplier",
        "Holm multiplies by m - i instead of m - i + 1",
        "src/study/models/multiplicity.py",
        "(m - np.arange(m)) * q[order]",
        "(m - np.arange(m) - 1).clip(1) * q[order]",
        ("tests/test_r_reference_estimators.py", "tests/test_models_multiplicity.py"),
    ),
    Mutant(
        "glmm_logdet_dropped",
        "GLMM Laplace without the log-determinant",
        "src/study/models/glmm.py",
        "return float(-2 * ll + np.sum(np.log(hvv)) + np.sum(np.log(S)))",
        "return float(-2 * ll + np.sum(np.log(hvv)))",
        ("tests/test_r_reference_estimators.py", "tests/test_models_glmm.py"),
    ),
    Mutant(
        "glmm_agq_weights",
        "AGQ nodes not rescaled by the curvature",
        "src/study/models/glmm.py",
        "uq = u + tq * sd",
        "uq = u + tq",
        ("tests/test_r_reference_estimators.py", "tests/test_models_glmm.py"),
    ),
    Mutant(
        "zt_truncation_dropped",
        "zero-truncated Poisson without the truncation term",
        "src/study/models/hurdle.py",
        "ll = ll - np.log(-np.expm1(-mu))",
        "ll = ll - 0.0",
        ("tests/test_r_reference_estimators.py", "tests/test_models_hurdle.py"),
    ),
    Mutant(
        "nb1_variance",
        "NB1 size mu/alpha replaced by 1/alpha (NB2)",
        "src/study/models/hurdle.py",
        "        r = mu / alpha\n",
        "        r = 1.0 / alpha + 0 * mu\n",
        ("tests/test_r_reference_estimators.py", "tests/test_models_hurdle.py"),
    ),
    Mutant(
        "pvalue_mc_se_no_sqrt",
        "permutation p MC SE without the square root",
        "src/study/models/montecarlo.py",
        "return math.sqrt(p * (1 - p) / n_draws)",
        "return p * (1 - p) / n_draws",
        ("tests/test_models_montecarlo.py",),
    ),
    Mutant(
        "quantile_residual_no_randomisation",
        "quantile residuals at F(y) instead of U(F(y-1), F(y))",
        "src/study/models/diagnostics.py",
        "u = lo + rng.uniform(size=y.shape) * (hi - lo)",
        "u = hi + 0 * lo",
        ("tests/test_models_hurdle.py",),
    ),
    Mutant(
        "power_one_sided",
        "power counts only one tail",
        "src/study/models/power.py",
        "k = int(np.sum(np.abs(t[ok]) > crit))",
        "k = int(np.sum(t[ok] > crit))",
        ("tests/test_models_power.py",),
    ),
]


def _copy_tree(dst: Path) -> None:
    for name in ("src", "tests", "data", "scripts"):
        shutil.copytree(ROOT / name, dst / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy2(ROOT / "pyproject.toml", dst / "pyproject.toml")


def _run_tests(copy: Path, tests: list[str], slow: bool) -> tuple[int, str]:
    env = dict(os.environ, PYTHONPATH=str(copy / "src"), PYTHONDONTWRITEBYTECODE="1")
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-rfE", "-p", "no:cacheprovider", "-W", "ignore", *tests]
    if slow:
        cmd += ["-m", "slow or not slow"]
    p = subprocess.run(cmd, cwd=copy, env=env, capture_output=True, text=True, check=False)
    lines = [ln for ln in p.stdout.strip().splitlines() if ln.strip()]
    first_fail = next((ln.split(" - ")[0] for ln in lines if ln.startswith(("FAILED", "ERROR"))), "")
    summary = lines[-1] if lines else p.stderr.strip()[-300:]
    return p.returncode, f"{summary}{' -- ' + first_fail if first_fail else ''}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--slow", action="store_true", help="also run the slow coverage simulations")
    ap.add_argument("--only", default="", help="comma-separated mutant names")
    ap.add_argument(
        "--tests",
        default="",
        help="comma-separated test paths/node ids run instead of each mutant's own "
        "(slow tests included), e.g. to see what the coverage simulations alone catch",
    )
    args = ap.parse_args(argv)
    chosen = [m for m in MUTANTS if not args.only or m.name in args.only.split(",")]
    if not chosen:
        print("no mutant selected", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="study_mutants_") as tmp:
        copy = Path(tmp) / "repo"
        _copy_tree(copy)
        check = subprocess.run(
            [sys.executable, "-c", "import study, sys; print(study.__file__)"],
            cwd=copy,
            env=dict(os.environ, PYTHONPATH=str(copy / "src")),
            capture_output=True,
            text=True,
            check=False,
        )
        if not check.stdout.strip().startswith(str(copy)):
            print(f"the copy's package is not the one imported ({check.stdout.strip()})", file=sys.stderr)
            return 2
        override = [t for t in args.tests.split(",") if t]
        slow = args.slow or bool(override)
        all_tests = override or sorted({t for m in chosen for t in m.tests} | (set(T_SLOW) if args.slow else set()))
        rc, tail = _run_tests(copy, all_tests, slow)
        if rc != 0:
            print(f"baseline: the unmutated tests fail ({tail}); fix them first", file=sys.stderr)
            return 2
        print(f"baseline passes: {tail}")
        results = []
        for m in chosen:
            f = copy / m.path
            text = f.read_text(encoding="utf-8")
            if text.count(m.old) != 1:
                results.append((m, "ERROR", f"snippet occurs {text.count(m.old)} times in {m.path}"))
                continue
            f.write_text(text.replace(m.old, m.new), encoding="utf-8")
            t0 = time.time()
            try:
                tests = override or (list(m.tests) + (T_SLOW if args.slow else []))
                rc, tail = _run_tests(copy, tests, slow)
            finally:
                f.write_text(text, encoding="utf-8")
            status = "caught" if rc == 1 else ("MISSED" if rc == 0 else "ERROR")
            if status == "caught" and "ERROR tests/" in tail and "::" not in tail.split("ERROR tests/")[1].split()[0]:
                status = "ERROR"  # a collection error (the mutant broke the module), not a failing test
            results.append((m, status, f"{tail} ({time.time() - t0:.0f} s)"))
            print(f"{status:7s} {m.name:38s} {m.what}: {tail}", flush=True)
    missed = [m for m, s, _ in results if s == "MISSED"]
    errors = [(m, d) for m, s, d in results if s == "ERROR"]
    print(
        f"\n{len(results) - len(missed) - len(errors)}/{len(results)} caught, "
        f"{len(missed)} missed, {len(errors)} errors"
    )
    for m, d in errors:
        print(f"ERROR {m.name}: {d}")
    return 2 if errors else (1 if missed else 0)


if __name__ == "__main__":
    sys.exit(main())
