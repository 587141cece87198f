"""Monte Carlo error (study.models.montecarlo): the MC SEs against the spread over seeds, draws needed,
p-value floors, the borderline classification, and the MC SE of a share of intervals on one side of a
reference against the spread of the share over simulated reruns."""

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
    share_mc_se,
    side_probabilities,
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


def test_side_probabilities_normal_indicator_and_unknown_error():
    b = np.array([0.9, 1.1, 1.0, 0.8, np.nan, 0.95])
    se = np.array([0.1, 0.1, 0.2, 0.0, 0.1, np.nan])
    q = side_probabilities(b, se, 1.0, "below")
    # Φ(1) = 0.8413, Φ(−1) = 0.1587, Φ(0) = 1/2; SE 0: the indicator; no bound: 0; unknown SE: 1/2
    assert q == pytest.approx([0.841345, 0.158655, 0.5, 1.0, 0.0, 0.5], abs=1e-6)
    assert side_probabilities(np.array([0.2, -0.1]), 0.1, 0.0, "above") == pytest.approx([0.97725, 0.158655], abs=1e-5)
    assert side_probabilities(np.array([0.0]), 0.0, 0.0, "above")[0] == 0.0  # strict, as the share's indicator
    with pytest.raises(ValueError):
        side_probabilities(b, se, 1.0, "left")  # type: ignore[arg-type]


def test_share_mc_se_independent_and_comonotone_by_hand():
    # five intervals at q = 1/2: independent sqrt(5/4)/5; comonotone (one shared shock) the SE of one Bernoulli, 1/2
    q = np.full(5, 0.5)
    assert share_mc_se(q, "independent") == pytest.approx(math.sqrt(5 * 0.25) / 5)
    assert share_mc_se(q, "comonotone") == pytest.approx(0.5)
    # comonotone = Var(#{q_i > V}) for one uniform V, by brute force over the pairs
    q = np.array([0.9, 0.1, 0.5, 0.0, 1.0, 0.3])
    pairs = np.minimum.outer(q, q).sum() - q.sum() ** 2
    assert share_mc_se(q) == pytest.approx(math.sqrt(pairs) / q.size)
    ind, cs = share_mc_se(q, "independent"), np.sqrt(q * (1 - q)).sum() / q.size  # Cauchy–Schwarz bound
    assert ind < share_mc_se(q) < cs
    assert share_mc_se(np.array([0.0, 1.0, 1.0])) == 0.0  # every indicator certain
    assert math.isnan(share_mc_se(np.array([])))
    with pytest.raises(ValueError):
        share_mc_se(np.array([1.2]))


@pytest.mark.parametrize("rho", [0.0, 0.5, 1.0])
def test_share_mc_se_against_the_spread_over_simulated_reruns(rho):
    """Known truth: 30 percentile intervals whose bootstrap distributions are N(μ_i, 1), μ_i placing the true
    upper bounds μ_i + 1.96 evenly from 0.7 to 1.3 around the reference 1. Each rerun draws 200 bootstrap
    values per interval; the shared part (weight √ρ) of every rerun is one stream for all intervals, as in the
    multiverse. The share of upper bounds below 1 is recomputed over 800 reruns. Independent streams (ρ = 0):
    the independent rule matches the spread. Shared streams move the bounds together and widen the spread: at
    ρ = 1 the comonotone rule matches it and the independent rule under-states it about fourfold; in between
    the spread lies between the two rules."""
    n_int, n_boot, reruns = 30, 200, 800
    mu = 1 + np.linspace(-0.3, 0.3, n_int) - 1.959964
    rng = np.random.default_rng(20190401)
    shares, ind, com = [], [], []
    for _ in range(reruns):
        shared = rng.standard_normal(n_boot)
        d = mu[:, None] + math.sqrt(rho) * shared + math.sqrt(1 - rho) * rng.standard_normal((n_int, n_boot))
        hi = np.quantile(d, 0.975, axis=1)
        q = side_probabilities(hi, np.array([percentile_bounds_mc_se(x)[1] for x in d]), 1.0, "below")
        shares.append(np.mean(hi < 1))
        ind.append(share_mc_se(q, "independent"))
        com.append(share_mc_se(q, "comonotone"))
    spread, ind_se, com_se = float(np.std(shares, ddof=1)), float(np.mean(ind)), float(np.mean(com))
    assert ind_se < com_se
    if rho == 0.0:
        assert ind_se == pytest.approx(spread, rel=0.15)
    elif rho == 1.0:
        assert com_se == pytest.approx(spread, rel=0.15) and ind_se < spread / 3
    else:
        assert 1.3 * ind_se < spread < com_se / 1.3
