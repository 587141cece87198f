"""A size-free typology (question 5): cluster on shares and rates, name clusters, test what they add.

Clustering on log population makes "staffing differs by cluster" a restatement
of the staffing-vs-population result (Q1). Here:

* :data:`SIZE_FREE_FEATURES` -- shares and rates only: aging rate (%),
  public-assistance rate (‰), outsourced share of 地域包括支援センター (0–1),
  centres per 10,000 older residents (log). :func:`check_size_free` refuses
  counts and population (``population``, ``log_pop``, ``households``,
  ``older_pop``, ``area_km2``, ``staff*``, any ``*_total``, ``*_direct``,
  ``*_outsourced``, ``*_branches``). :func:`size_leakage` reports how strongly
  each feature still tracks size (Spearman ρ with log population): a rate can
  encode size (a town has at least one centre, so centres per older resident
  fall with size).
* :func:`fit_size_free_typology` -- :func:`study.models.typology.choose_k` /
  :func:`~study.models.typology.best_k` (silhouette and bootstrap-ARI
  stability, unchanged) and :func:`~study.models.typology.fit_typology` on
  those features; then :func:`name_clusters` and :func:`cluster_population`.
* :func:`name_clusters` -- descriptive names from the standardised cluster
  means (z-scores over all plans): the features with the largest |z| (at
  least ``threshold``, at most ``max_terms``) give the name in Japanese and
  English, e.g. 「高齢化が進んだ・生活保護率が低い地域」 / "older, low public
  assistance"; no cluster is named by a number. A cluster with no feature
  beyond the threshold is 「平均的な地域」 / "average profile"; names are made
  unique by adding the next feature.
* :func:`cluster_population` -- each cluster's n and median log population
  (and population), so a reader sees whether size comes back in.
* :func:`clusters_beyond_population` -- what clusters add beyond
  population: NB2 count model of ``y`` (default planned staff) on log
  population, with and without cluster indicators; likelihood-ratio
  statistic with its χ²(k−1) p and a parametric-bootstrap p (``y`` drawn
  from the population-only NB2 fit, both models refitted; batched through
  :func:`study.models.kernels.nb2_ml`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from study.models import kernels
from study.models.design import numeric
from study.models.typology import StructureMatrix, Typology, best_k, choose_k, fit_typology, structure_matrix

#: Default clustering features: shares and rates, no counts, no population.
SIZE_FREE_FEATURES = (
    "aging_rate_pct",
    "welfare_rate_permille",
    "hokatsu_outsourced_share",
    "log_hokatsu_per_10k_older",
)

#: Columns that are counts or size and may not enter a size-free typology.
SIZE_COLUMNS = frozenset(
    {
        "population",
        "log_pop",
        "households",
        "older_pop",
        "log_older",
        "area_km2",
        "staff",
        "staff_planned",
        "elementary_schools",
        "junior_high_schools",
    }
)
_SIZE_PATTERN = re.compile(r"(_total|_direct|_outsourced|_branches|_prefecture_run)$|^staff_")

#: Descriptors per feature: (high ja, low ja, high en, low en).
DESCRIPTORS: dict[str, tuple[str, str, str, str]] = {
    "aging_rate_pct": ("高齢化が進んだ", "比較的若い", "older", "younger"),
    "welfare_rate_permille": (
        "生活保護率が高い",
        "生活保護率が低い",
        "high public assistance",
        "low public assistance",
    ),
    "hokatsu_outsourced_share": (
        "包括センター委託型",
        "包括センター直営型",
        "outsourced centres",
        "directly run centres",
    ),
    "log_hokatsu_per_10k_older": (
        "包括センターが多い",
        "包括センターが少ない",
        "many centres per older resident",
        "few centres per older resident",
    ),
    "hokatsu_per_10k_older": (
        "包括センターが多い",
        "包括センターが少ない",
        "many centres per older resident",
        "few centres per older resident",
    ),
    "community_org_rate_pct": (
        "地域組織の加入率が高い",
        "地域組織の加入率が低い",
        "high community-group membership",
        "low community-group membership",
    ),
    "log_density": ("人口密度が高い", "人口密度が低い", "dense", "sparse"),
    "konkyu_per_100k": (
        "困窮相談窓口が多い",
        "困窮相談窓口が少ない",
        "many needy-support sites per resident",
        "few needy-support sites per resident",
    ),
}


def check_size_free(features: Sequence[str]) -> None:
    """Raise ``ValueError`` if a feature is a count or a size measure (see :data:`SIZE_COLUMNS`)."""
    bad = [f for f in features if f in SIZE_COLUMNS or (_SIZE_PATTERN.search(f) and not f.endswith("_share"))]
    if bad:
        raise ValueError(f"not size-free (counts or population): {', '.join(bad)}")


def size_free_matrix(
    frame: pd.DataFrame, features: Sequence[str] = SIZE_FREE_FEATURES, impute: str = "median"
) -> StructureMatrix:
    """:func:`study.models.typology.structure_matrix` of size-free ``features`` (checked)."""
    check_size_free(features)
    return structure_matrix(frame, features, impute)


def size_leakage(
    frame: pd.DataFrame, features: Sequence[str] = SIZE_FREE_FEATURES, size: str = "log_pop"
) -> pd.DataFrame:
    """Spearman ρ of each feature with ``size`` (complete pairs): ``name, estimate`` (ρ), ``ci_low, ci_high``
    (Fisher-z interval with SE 1.06/√(n−3), Fieller et al. 1957), ``n, p_value``."""
    s = numeric(frame, size)
    rows = []
    for f in features:
        v = numeric(frame, f)
        ok = np.isfinite(v) & np.isfinite(s)
        rho, p = stats.spearmanr(v[ok], s[ok])
        n = int(ok.sum())
        h = 1.96 * 1.06 / np.sqrt(max(n - 3, 1))
        rows.append(
            dict(
                name=f,
                estimate=float(rho),
                ci_low=float(np.tanh(np.arctanh(rho) - h)),
                ci_high=float(np.tanh(np.arctanh(rho) + h)),
                n=n,
                p_value=float(p),
                size=size,
            )
        )
    return pd.DataFrame(rows)


# --- names -------------------------------------------------------------------------------------


def _descriptor(feature: str, z: float) -> tuple[str, str]:
    hi_ja, lo_ja, hi_en, lo_en = DESCRIPTORS.get(
        feature, (f"{feature}が高い", f"{feature}が低い", f"high {feature}", f"low {feature}")
    )
    return (hi_ja, hi_en) if z > 0 else (lo_ja, lo_en)


def name_clusters(
    Z: np.ndarray, labels: np.ndarray, features: Sequence[str], threshold: float = 0.5, max_terms: int = 2
) -> pd.DataFrame:
    """Descriptive Japanese and English names of clusters from their standardised profiles (module doc).

    Parameters
    ----------
    Z : array (n, f)
        Standardised features (z-scores over all plans).
    labels : array (n,)
        Cluster of each plan.
    features : sequence of str
        Feature names (columns of ``Z``).
    threshold : float
        Smallest |mean z| (in SDs) that names a cluster.
    max_terms : int
        Most features in a name (more are added only to make names unique).

    Returns
    -------
    DataFrame
        ``cluster, n, name_ja, name_en, terms`` (features used, with their mean z) and ``z_<feature>``.
    """
    labels = np.asarray(labels)
    levels = sorted(np.unique(labels))
    means = np.vstack([Z[labels == g].mean(axis=0) for g in levels])
    order = [np.argsort(-np.abs(m), kind="stable") for m in means]
    n_terms = [int(min(max_terms, np.sum(np.abs(m) >= threshold))) for m in means]

    def make(i: int) -> tuple[str, str, str]:
        idx = order[i][: n_terms[i]]
        if len(idx) == 0:
            return "平均的な地域", "average profile", ""
        ja, en = zip(*[_descriptor(features[j], means[i, j]) for j in idx], strict=True)
        terms = "; ".join(f"{features[j]} z={means[i, j]:+.2f}" for j in idx)
        return "・".join(ja) + "地域", ", ".join(en), terms

    names = [make(i) for i in range(len(levels))]
    for _ in range(len(features)):
        ja = [n[0] for n in names]
        dup = [i for i in range(len(levels)) if ja.count(ja[i]) > 1]
        if not dup:
            break
        for i in dup:
            n_terms[i] = min(n_terms[i] + 1, len(features))
        names = [make(i) for i in range(len(levels))]
    out = pd.DataFrame(
        {
            "cluster": levels,
            "n": [int(np.sum(labels == g)) for g in levels],
            "name_ja": [n[0] for n in names],
            "name_en": [n[1] for n in names],
            "terms": [n[2] for n in names],
        }
    )
    for j, f in enumerate(features):
        out[f"z_{f}"] = means[:, j]
    return out


def cluster_population(frame: pd.DataFrame, assignments: pd.DataFrame) -> pd.DataFrame:
    """Per cluster: ``cluster, n, median_log_pop`` (log persons), ``median_population`` (persons),
    ``q25_log_pop, q75_log_pop``."""
    m = frame[["entity_id"]].astype(str).assign(log_pop=numeric(frame, "log_pop"))
    m = m.merge(assignments[["entity_id", "cluster"]].astype({"entity_id": str}), on="entity_id")
    g = m.groupby("cluster")["log_pop"]
    out = pd.DataFrame(
        {"n": g.size(), "median_log_pop": g.median(), "q25_log_pop": g.quantile(0.25), "q75_log_pop": g.quantile(0.75)}
    ).reset_index()
    out["median_population"] = np.exp(out["median_log_pop"])
    return out


# --- beyond population ---------------------------------------------------------------------------


def clusters_beyond_population(
    frame: pd.DataFrame, assignments: pd.DataFrame, y: str = "staff", n_boot: int = 999, seed: int = 0
) -> dict[str, float]:
    """Likelihood-ratio test of cluster indicators in an NB2 model of ``y`` given log population.

    Model 0: log μ = a + b log_pop; model 1 adds indicators of clusters 2..k
    (complete cases of ``y`` and ``log_pop``). Returns ``{"name", "statistic"
    (LR, 2Δℓ), "df", "p_chi2", "p_boot"`` (parametric bootstrap under model 0
    with its ML α; ``n_boot`` draws, floor 1/(B+1)), ``"p_boot_mc_se", "n",
    "n_boot", "alpha0"}``.
    """
    m = frame[["entity_id"]].astype(str).assign(_y=numeric(frame, y), _lp=numeric(frame, "log_pop"))
    m = m.merge(assignments[["entity_id", "cluster"]].astype({"entity_id": str}), on="entity_id")
    m = m[np.isfinite(m["_y"]) & np.isfinite(m["_lp"])].reset_index(drop=True)
    levels = sorted(m["cluster"].unique())
    if len(levels) < 2:
        raise ValueError("clusters_beyond_population needs at least two clusters with data")
    yy = m["_y"].to_numpy(float)
    X0 = np.column_stack([np.ones(len(m)), m["_lp"].to_numpy()])
    D = np.column_stack([(m["cluster"] == g).to_numpy(float) for g in levels[1:]])
    X1 = np.column_stack([X0, D])
    f0, f1 = kernels.nb2_ml(X0, yy), kernels.nb2_ml(X1, yy)
    lr = float(max(2 * (f1.loglik - f0.loglik), 0.0))
    df = len(levels) - 1
    out = dict(
        name=f"clusters beyond population: {y}",
        statistic=lr,
        df=df,
        p_chi2=float(stats.chi2.sf(lr, df)),
        n=len(m),
        alpha0=float(f0.alpha),
        n_boot=int(n_boot),
    )
    if n_boot:
        rng = np.random.default_rng(np.random.SeedSequence(seed))
        mu0 = np.exp(X0 @ f0.beta)
        a = max(float(f0.alpha), 1e-8)
        lam = rng.gamma(1 / a, a * mu0, size=(n_boot, len(yy)))  # NB2 as a gamma-Poisson mixture
        Yb = rng.poisson(lam).astype(float)
        b0, b1 = kernels.nb2_ml(X0, Yb), kernels.nb2_ml(X1, Yb)
        lrb = 2 * (b1.loglik - b0.loglik)
        lrb = lrb[np.isfinite(lrb)]
        p = float((1 + np.sum(lrb >= lr - 1e-9)) / (lrb.size + 1))
        out.update(p_boot=p, p_boot_mc_se=float(np.sqrt(p * (1 - p) / max(lrb.size, 1))), n_boot=int(lrb.size))
    return out


@dataclass(frozen=True)
class SizeFreeTypology:
    """A size-free typology: the :class:`~study.models.typology.Typology`, the k table, the names,
    each cluster's population, and the size leakage of the features."""

    typology: Typology
    k_table: pd.DataFrame
    names: pd.DataFrame
    population: pd.DataFrame
    leakage: pd.DataFrame
    matrix: StructureMatrix = field(repr=False, metadata={"json": False})


def fit_size_free_typology(
    frame: pd.DataFrame,
    k: int | None = None,
    features: Sequence[str] = SIZE_FREE_FEATURES,
    method: str = "kmeans",
    ks: Sequence[int] = (2, 3, 4, 5, 6),
    n_boot: int = 100,
    seed: int = 0,
    min_stability: float = 0.6,
    threshold: float = 0.5,
) -> SizeFreeTypology:
    """Choose k (unless given), cluster on size-free ``features``, name the clusters and report their size.

    See the module doc; silhouette and bootstrap-ARI stability come from
    :func:`study.models.typology.choose_k` (``n_boot`` resamples).
    """
    sm_ = size_free_matrix(frame, features)
    table = choose_k(sm_.Z, ks=ks, n_boot=n_boot, seed=seed, method=method)
    kk = best_k(table, min_stability) if k is None else int(k)
    typ = fit_typology(frame, kk, features, method, seed)
    lab = typ.assignments["cluster"].to_numpy()
    names = name_clusters(sm_.Z, lab, features, threshold)
    pop = cluster_population(frame, typ.assignments).merge(names[["cluster", "name_ja", "name_en"]], on="cluster")
    return SizeFreeTypology(
        typology=typ, k_table=table, names=names, population=pop, leakage=size_leakage(frame, features), matrix=sm_
    )
