"""Write the Python side of the estimator reference fixtures (inputs that R then fits).

Run from the repository root, then the R script (see docs/r_reference.md):

    .venv/bin/python scripts/write_estimator_fixtures.py
    Rscript scripts/r_reference_estimators.R

Files written under tests/fixtures/ (deterministic: fixed seeds):

* ``estimators_synthetic.csv`` -- 150 rows in 12 groups with known parameters:
  ``x1`` (log-population-like, centred), ``x2`` (a need covariate), ``offset``,
  ``y_glmm`` (Poisson GLMM, group SD 0.5), ``y_olre`` (plus observation SD 0.4),
  ``y_hurdle`` (logit hurdle + zero-truncated NB2, α = 0.7), ``y_nb`` (NB2, α = 0.5),
  ``y_nb1`` (NB1, α = 1.5).
* ``estimators_binary.csv`` -- 60 rows: a rare 0/1 outcome ``y`` with ``x1``, ``x2``
  (for Firth) and two scores ``s1``, ``s2`` (for DeLong).
* ``estimators_skew.csv`` -- 30 skewed values (exponential) for a BCa with a
  clearly non-zero acceleration.
* ``estimators_bootstrap.csv`` -- bootstrap replicates made in Python with
  :func:`study.models.resample.bootstrap_count` on the real extract
  (``r_reference_data.csv``: QL and NB2 coefficient of log population, 1999
  draws, seed 20261129) and of log(mean) of the skewed values; R's
  ``boot::boot.ci`` is given these same draws.

The real extract's staff column is FTE as printed (3.5 and 1.4 occur);
count models that need integers (GLMM, hurdle, NB1) use ``staff_count =
ceil(staff)`` -- a fixture convention only (head count needed to fill the FTE).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures"
SEED = 20261129
N_BOOT = 1999


def real_extract() -> pd.DataFrame:
    """The committed real extract with the derived columns the fixtures use."""
    d = pd.read_csv(FIX / "r_reference_data.csv", dtype={"entity_id": str})
    d["log_pop"] = np.log(d["population"])
    d["staff_count"] = np.ceil(d["staff"])
    d["prefecture"] = d["entity_id"].str[:2]
    return d


def synthetic(seed: int = SEED) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n, G = 150, 12
    g = np.repeat(np.arange(G), [10, 14, 8, 16, 12, 11, 15, 9, 13, 17, 12, 13])
    x1 = rng.normal(0, 1, n)
    x2 = rng.normal(0, 1, n) + 0.4 * x1
    off = rng.uniform(-0.5, 0.5, n)
    b = rng.normal(0, 0.5, G)
    eta = 0.6 + 0.4 * x1 - 0.25 * x2 + b[g] + off
    y_glmm = rng.poisson(np.exp(eta))
    y_olre = rng.poisson(np.exp(eta + rng.normal(0, 0.4, n)))
    p_pos = 1 / (1 + np.exp(-(0.8 + 1.0 * x1)))
    mu_c = np.exp(0.5 + 0.3 * x1 - 0.2 * x2)
    # zero-truncated NB2 (α = 0.7) by inversion on the truncated cdf
    from scipy import stats

    u = rng.uniform(size=n)
    size = 1 / 0.7
    prob = size / (size + mu_c)
    p0 = stats.nbinom.pmf(0, size, prob)
    yzt = stats.nbinom.ppf(p0 + u * (1 - p0), size, prob)
    yzt = np.maximum(yzt, 1)
    y_hurdle = np.where(rng.uniform(size=n) < p_pos, yzt, 0)
    mu = np.exp(0.8 + 0.35 * x1 - 0.2 * x2)
    y_nb = rng.poisson(rng.gamma(2.0, mu / 2.0))
    y_nb1 = rng.poisson(rng.gamma(mu / 1.5, 1.5))
    return pd.DataFrame(
        {
            "group": [f"g{k:02d}" for k in g],
            "x1": x1,
            "x2": x2,
            "offset": off,
            "y_glmm": y_glmm,
            "y_olre": y_olre,
            "y_hurdle": y_hurdle.astype(int),
            "y_nb": y_nb,
            "y_nb1": y_nb1,
        }
    )


def binary(seed: int = SEED + 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = 60
    x1 = rng.normal(0, 1, n)
    x2 = rng.binomial(1, 0.3, n).astype(float)
    p = 1 / (1 + np.exp(-(-1.6 + 1.1 * x1 + 0.9 * x2)))
    y = rng.binomial(1, p)
    s1 = x1 + rng.normal(0, 0.8, n)
    s2 = np.round(x1 + x2 + rng.normal(0, 1.2, n), 1)  # rounded: ties, for the midrank form
    return pd.DataFrame({"y": y, "x1": x1, "x2": x2, "s1": s1, "s2": s2})


def skew(seed: int = SEED + 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"x": rng.exponential(2.0, 30)})


def bootstrap_draws() -> pd.DataFrame:
    sys.path.insert(0, str(ROOT / "src"))
    from study.models.resample import bootstrap_count

    d = real_extract()
    ql = bootstrap_count(d, "staff", ["log_pop"], family="poisson_ql", n_boot=N_BOOT, seed=SEED)
    nb = bootstrap_count(d, "staff", ["log_pop"], family="negbin", n_boot=N_BOOT, seed=SEED + 3)
    x = skew()["x"].to_numpy()
    rng = np.random.default_rng(SEED + 4)
    idx = rng.integers(0, len(x), (N_BOOT, len(x)))
    sk = np.log(x[idx].mean(axis=1))
    out = pd.DataFrame(
        {"ql_log_pop": ql.draws["log_pop"].to_numpy(), "nb_log_pop": nb.draws["log_pop"].to_numpy(), "skew_logmean": sk}
    )
    if out.isna().any().any():
        raise SystemExit("a bootstrap refit failed; choose another seed")
    return out


def main() -> None:
    FIX.mkdir(parents=True, exist_ok=True)
    synthetic().to_csv(FIX / "estimators_synthetic.csv", index=False, float_format="%.17g")
    binary().to_csv(FIX / "estimators_binary.csv", index=False, float_format="%.17g")
    skew().to_csv(FIX / "estimators_skew.csv", index=False, float_format="%.17g")
    bootstrap_draws().to_csv(FIX / "estimators_bootstrap.csv", index=False, float_format="%.17g")
    print("wrote estimators_{synthetic,binary,skew,bootstrap}.csv in", FIX)


if __name__ == "__main__":
    main()
