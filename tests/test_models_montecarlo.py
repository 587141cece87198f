"""Monte Carlo error (study.models.montecarlo): the MC SEs against the spread over seeds, draws needed,
p-value floors, and the borderline classification."""

from __future__ import annotations

import math

import numpy as np
import pytest

from study.models.montecarlo import (
    IntervalClaim,
    batch_means_se,
    bca_adjusted_levels,
    classify_interval,
    draws_needed,
    format_p,
    half_unit,
    percentile_bounds_mc_se,
    permutation_p,
    pvalue_draws_needed,
    pvalue_mc_se,
    quantile_mc_se,
)
from study.models.resample import bca_interval


def test_pvalue_mc_se_and_draws():
    assert pvalue_mc_se(0.05, 4999) == pytest.approx(math.sqrt(0.05 * 0.95 / 4999))
    assert pvalue_mc_se(0.0, 100) == 0.0
    b = pvalue_draws_needed(0.05, 2)  # ± half a unit of 0.01
    assert math.sqrt(0.05 * 0.95 / b) < 0.005 <= math.sqrt(0.05 * 0.95 / (b - 1))
    with pytest.raises(ValueError):
        pvalue_mc_se(0.5, 0)


def test_permutation_p_floor_mc_error_and_failed_draws():
    # 99 draws all below the observed: p = 1/100, the floor; MC SE √(0.01·0.99/99)
    p, mc, floor, b = permutation_p(10.0, np.zeros(99))
    assert p == floor == 0.01 and b == 99 and mc == pytest.approx(math.sqrt(0.01 * 0.99 / 99))
    assert permutation_p(0.0, np.zeros(99))[0] == 1.0  # ties count against the observed value
    # draws 0.0 … 0.9 and one failed (NaN): 5 draws ≥ 0.5, B = 10 → p = 6/11
    p, mc, floor, b = permutation_p(0.5, np.r_[np.arange(10) / 10, np.nan])
    assert (p, floor, b) == (pytest.approx(6 / 11), pytest.approx(1 / 11), 10)
    assert mc == pytest.approx(math.sqrt(6 / 11 * 5 / 11 / 10))
    p, mc, floor, b = permutation_p(np.nan, np.zeros(4))
    assert np.isnan(p) and np.isnan(mc) and floor == 0.2 and b == 4


def test_percentile_bounds_mc_se_is_the_rank_sd_times_the_spacing():
    # draws 0, 0.5, 1, …: evenly spaced by 0.5; the 5% and 95% quantiles of B = 1000 draws move by one
    # binomial SD of their rank, √(1000·0.05·0.95) = 6.8920 ranks, i.e. 3.4460 in the draws' unit
    draws = np.random.default_rng(0).permutation(np.arange(1000) * 0.5)
    lo, hi = percentile_bounds_mc_se(draws, 0.90)
    assert lo == pytest.approx(0.5 * math.sqrt(1000 * 0.05 * 0.95), rel=1e-12)
    assert hi == pytest.approx(0.5 * math.sqrt(1000 * 0.05 * 0.95), rel=1e-12)
    assert lo == pytest.approx(3.4460, abs=1e-4)


def test_draws_needed_meets_the_target():
    assert half_unit(2) == pytest.approx(0.005) and half_unit(0) == 0.5
    b = draws_needed(0.01, 1000, 2)  # SE 0.01 at B = 1000; target 0.005 -> more than 4000
    assert b == 4001
    assert 0.01 * math.sqrt(1000 / b) < 0.005
    assert draws_needed(0.001, 2000, 2) == 81  # already precise enough: fewer draws would do


def test_format_p_floor():
    assert format_p(1 / 5000, 4999) == "< 0.0002"
    assert format_p(1 / 1000, 999) == "< 0.001"
    assert format_p(0.0342, 4999) == "0.0342"
    assert format_p(3 / 5000, 4999) == "0.0006"


def test_quantile_mc_se_matches_the_spread_over_seeds():
    """The order-statistic SE of a 2.5% quantile of B = 1000 draws equals the SD of that quantile over
    400 independent seeds (within 15%)."""
    rng = np.random.default_rng(1)
    draws = rng.gamma(3.0, 1.0, (400, 1000))
    q = np.quantile(draws, 0.025, axis=1)
    sd = np.std(q, ddof=1)
    ses = np.array([quantile_mc_se(d, 0.025) for d in draws[:50]])
    assert np.median(ses) == pytest.approx(sd, rel=0.15)
    bm = np.array([batch_means_se(d, lambda x: np.quantile(x, 0.025), 10) for d in draws[:50]])
    assert np.median(bm) == pytest.approx(sd, rel=0.35)
    assert quantile_mc_se(np.array([1.0]), 0.5) != quantile_mc_se(np.array([1.0]), 0.5)  # NaN for < 2 draws


def test_bca_adjusted_levels_are_the_quantiles_bca_reads():
    rng = np.random.default_rng(2)
    draws = rng.gamma(4.0, 0.5, 3000)
    jack = rng.normal(0, 1, 40) ** 3  # skewed: a clearly non-zero acceleration
    lo, hi, z0, a = bca_interval(1.9, draws, jack, 0.9)
    q1, q2 = bca_adjusted_levels(z0, a, 0.9)
    assert (lo, hi) == pytest.approx(tuple(np.quantile(draws, [q1, q2])))
    assert bca_adjusted_levels(0.0, 0.0, 0.95) == pytest.approx((0.025, 0.975))


def test_classify_interval():
    c = classify_interval(1.02, 1.5, 1.0, 0.005, 0.01)
    assert isinstance(c, IntervalClaim) and c.status == "excludes" and c.side == "above"
    assert c.distance_se == pytest.approx(4.0)
    c = classify_interval(1.005, 1.5, 1.0, 0.005, 0.01)  # 1 MC SE above 1: borderline
    assert c.status == "borderline" and c.side == "above"
    c = classify_interval(0.2, 0.995, 1.0, 0.01, 0.004)  # R's 0.223–1.001 and our 0.21–0.98 type of case
    assert c.status == "borderline" and c.side == "below" and c.bound == 0.995
    c = classify_interval(0.5, 1.4, 1.0, 0.01, 0.01)
    assert c.status == "includes" and c.side is None
    c = classify_interval(-0.3, -0.1, 0.0, 0.0, 0.0)  # non-random interval
    assert c.status == "excludes" and c.side == "below"
    with pytest.raises(ValueError):
        classify_interval(2.0, 1.0, 0.0, 0.1, 0.1)


def test_bca_bound_mc_se_matches_the_spread_over_bootstrap_seeds():
    """On the real extract, the order-statistic MC SE of each BCa bound of the QL log-population slope
    (999 draws) agrees with the SD of that bound over 60 bootstrap seeds (within 35%: the SD itself is
    estimated from 60 values, relative SE about 9%)."""
    from pathlib import Path

    import pandas as pd

    from study.models.montecarlo import bca_bounds_mc_se
    from study.models.resample import bootstrap_count

    d = pd.read_csv(Path(__file__).resolve().parent / "fixtures" / "r_reference_data.csv", dtype={"entity_id": str})
    d["log_pop"] = np.log(d["population"])
    rows, ses = [], []
    for seed in range(60):
        b = bootstrap_count(d, "staff", ["log_pop"], family="poisson_ql", n_boot=999, seed=seed)
        r = b.row("log_pop")
        rows.append((r["ci_low"], r["ci_high"]))
        if seed < 10:
            ses.append(
                bca_bounds_mc_se(r["estimate"], b.draws["log_pop"].to_numpy(), b.jackknife["log_pop"].to_numpy())
            )
    sd = np.std(np.array(rows), axis=0, ddof=1)
    est = np.median(np.array(ses), axis=0)
    np.testing.assert_allclose(est, sd, rtol=0.35)
    b = bootstrap_count(d, "staff", ["log_pop"], family="poisson_ql", n_boot=999, seed=0)
    bm = bca_bounds_mc_se(
        b.row("log_pop")["estimate"],
        b.draws["log_pop"].to_numpy(),
        b.jackknife["log_pop"].to_numpy(),
        method="batch_means",
    )
    assert np.all(np.array(bm) > 0.5 * sd) and np.all(np.array(bm) < 2.5 * sd)
