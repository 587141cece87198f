"""Coverage and size simulations (≥ 500 replications), each tail checked on its own.

Marked ``slow``: ``make test`` leaves them out, ``make test-slow`` (run by CI) runs them
(``pytest -m slow``); about 6 minutes on 2 shared cores. Every test counts, over R seeded replications,
how often the interval lies wholly *above* the true value (lower-tail error) and wholly *below*
it (upper-tail error), and requires each count to lie in the central 99.9% binomial band of the
nominal rate (1 − level)/2. A two-sided coverage check alone would pass an interval that is
shifted (one tail too often, the other too rarely). The 99.9% band keeps a correct method's
small-sample departures (pairs bootstrap at n = 80–100 covers about 93–94%) from failing while
catching a shift of half a bootstrap SE, a mislabelled level or a wrong variance. Results are
deterministic given the seeds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from study.models import kernels
from study.models.resample import bootstrap_count, permutation_test
from study.models.robust import sandwich_cov

pytestmark = pytest.mark.slow


def tail_band(reps: int, level: float = 0.95, conf: float = 0.999) -> tuple[int, int]:
    """Central ``conf`` binomial band of the count of one tail's errors at the nominal rate."""
    p = (1 - level) / 2
    return int(stats.binom.ppf((1 - conf) / 2, reps, p)), int(stats.binom.isf((1 - conf) / 2, reps, p))


def assert_each_tail(above: int, below: int, reps: int, level: float = 0.95) -> None:
    lo, hi = tail_band(reps, level)
    print(f"tails: above {above}/{reps}, below {below}/{reps}, band [{lo}, {hi}]")  # shown with -s / on failure
    assert lo <= above <= hi, f"interval above the truth {above}/{reps} times, band [{lo}, {hi}]"
    assert lo <= below <= hi, f"interval below the truth {below}/{reps} times, band [{lo}, {hi}]"


def _nb_data(rng, n, b0, b1, alpha, x=None):
    x = rng.uniform(-1.5, 1.5, n) if x is None else x
    mu = np.exp(b0 + b1 * x)
    y = rng.poisson(rng.gamma(1 / alpha, alpha * mu)).astype(float)
    return x, y


@pytest.mark.parametrize("family,n,n_boot", [("poisson_ql", 100, 999), ("negbin", 60, 199)])
def test_bca_bootstrap_each_tail(family, n, n_boot):
    """Pairs-bootstrap BCa 95% interval of a count-model slope under NB2 data (α = 0.3)."""
    reps, beta = 500, 0.5
    rng = np.random.default_rng(20261129 if family == "poisson_ql" else 20261130)
    above = below = 0
    for _ in range(reps):
        x, y = _nb_data(rng, n, 1.0, beta, 0.3)
        df = pd.DataFrame({"entity_id": np.arange(n).astype(str), "y": y, "x": x})
        row = bootstrap_count(df, "y", ["x"], family=family, n_boot=n_boot, seed=rng).row("x")
        above += row["ci_low"] > beta
        below += row["ci_high"] < beta
    assert_each_tail(above, below, reps)


def test_ql_wald_t_interval_each_tail():
    """Poisson QL t interval (φ from Pearson X²) under Poisson data at a real-size design (n = 49)."""
    reps, n = 2000, 49
    rng = np.random.default_rng(7)
    x = rng.uniform(7, 14, n)
    X = np.column_stack([np.ones(n), x])
    beta = np.array([-1.6, 0.26])
    Y = rng.poisson(np.exp(X @ beta), size=(reps, n)).astype(float)
    fit = kernels.poisson_irls(X, Y)
    se = kernels.wald_se("poisson_ql", X, Y, fit)
    q = stats.t.ppf(0.975, n - 2)
    b, s = fit.beta[:, 1], se[:, 1]
    assert np.all(fit.converged)
    assert_each_tail(int(np.sum(b - q * s > beta[1])), int(np.sum(b + q * s < beta[1])), reps)


def test_hc3_wald_interval_each_tail_under_misspecified_variance():
    """Poisson point estimates with the HC3 sandwich (t, n − p df) stay calibrated when the variance is
    NB2 (α = 0.5), where the QL variance φμ is wrong; checked at n = 100."""
    reps, n = 1000, 100
    rng = np.random.default_rng(8)
    x = rng.uniform(-1.5, 1.5, n)
    X = np.column_stack([np.ones(n), x])
    beta = np.array([1.0, 0.5])
    lam = rng.gamma(2.0, 0.5 * np.exp(X @ beta), size=(reps, n))
    Y = rng.poisson(lam).astype(float)
    fit = kernels.poisson_irls(X, Y)
    q = stats.t.ppf(0.975, n - 2)
    above = below = 0
    for k in range(reps):
        mu = np.exp(X @ fit.beta[k])
        se = np.sqrt(sandwich_cov(X, Y[k], mu, 0.0, "HC3")[1, 1])
        above += fit.beta[k, 1] - q * se > beta[1]
        below += fit.beta[k, 1] + q * se < beta[1]
    assert_each_tail(above, below, reps)


def test_regressor_residual_permutation_size_each_tail():
    """H0: β_x2 = 0 with x2 correlated with x1 (r ≈ 0.7) and NB2 counts; one-sided permutation p-values
    from the same null distribution reject at 2.5% in each direction at the nominal rate."""
    reps, n, n_perm = 500, 60, 199
    rng = np.random.default_rng(9)
    upper = lower = 0
    for _ in range(reps):
        x1 = rng.normal(0, 1, n)
        x2 = 0.7 * x1 + rng.normal(0, 0.7, n)
        _, y = _nb_data(rng, n, 1.0, 0.5, 0.3, x=x1)
        df = pd.DataFrame({"entity_id": np.arange(n).astype(str), "y": y, "x1": x1, "x2": x2})
        r = permutation_test(df, "x2", ["x1"], y="y", family="poisson_ql", n_perm=n_perm, seed=rng)
        t, null = r.statistic, r.null_distribution
        upper += (1 + np.sum(null >= t)) / (1 + null.size) <= 0.025
        lower += (1 + np.sum(null <= t)) / (1 + null.size) <= 0.025
    assert_each_tail(upper, lower, reps)


def test_glmm_wald_interval_each_tail():
    """Poisson GLMM (Laplace) Wald z interval of a within-group slope, 12 groups of 10, group SD 0.5:
    each tail's error at the nominal rate; the SD estimate is roughly unbiased."""
    from study.models.glmm import poisson_glmm, simulate_poisson_glmm

    reps, G, m = 500, 12, 10
    rng = np.random.default_rng(10)
    g = np.repeat(np.arange(G), m)
    beta = np.array([0.5, 0.3])
    above = below = 0
    sds = []
    for _ in range(reps):
        X = np.column_stack([np.ones(G * m), rng.normal(0, 1, G * m)])
        y = simulate_poisson_glmm(X, beta, g, 0.5, seed=rng)
        f = poisson_glmm(X, y, g)
        z = stats.norm.ppf(0.975)
        above += f.beta[1] - z * f.se[1] > beta[1]
        below += f.beta[1] + z * f.se[1] < beta[1]
        sds.append(f.sd_group)
    assert_each_tail(above, below, reps)
    assert abs(np.mean(sds) - 0.5) < 0.06
