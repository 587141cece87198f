"""Typology of municipalities on standardised structure (question 5), with scikit-learn.

* :func:`structure_matrix` -- the features (default :data:`FEATURES`: log
  population, aging rate, welfare rate, log density, log 地域包括支援センター
  per 10,000 older residents, outsourced share), missing values imputed by
  the column median (flagged), standardised (z-scores).
* :func:`choose_k` -- for each k: mean silhouette and stability under
  resampling: the clustering is refitted on bootstrap resamples, every plan
  is assigned to the nearest resample centroid, and the adjusted Rand index
  with the full-data clustering is averaged (Hennig 2007's idea with ARI).
  :func:`best_k` picks the k with the highest silhouette among those whose
  mean ARI reaches ``min_stability`` (default 0.6), else the most stable.
* :func:`fit_typology` -- labels (ordered by cluster mean log population, so
  cluster 1 is the smallest places), PCA map coordinates (PC1, PC2 of the
  standardised features), loadings, explained variance and a profile table
  (cluster sizes and feature means on the original scale).
* :func:`compare_clusters` -- an outcome (staffing per capita, target-setting…)
  by cluster: per-cluster mean with a percentile bootstrap interval, and a
  permutation test of no difference (cluster labels permuted; statistic F or
  Kruskal–Wallis H).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.cluster import AgglomerativeClustering, KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.preprocessing import StandardScaler

from study.models.design import numeric
from study.covariates import names as covariate_names
from study.models.montecarlo import percentile_bounds_mc_se
from study.models.resample import percentile_interval
from study.models.results import RESULT_COLUMNS, as_rng

#: Default structural features: the covariates with the role ``typology`` in :mod:`study.covariates`.
FEATURES = covariate_names("typology")
METHODS = ("kmeans", "ward")


@dataclass(frozen=True)
class StructureMatrix:
    """Standardised features ``Z`` (n × f), the raw values, which cells were imputed, and row ids."""

    Z: np.ndarray
    raw: pd.DataFrame
    imputed: pd.DataFrame
    features: tuple[str, ...]
    entity_id: list[str]
    names: list[str]


def structure_matrix(
    frame: pd.DataFrame, features: Sequence[str] = FEATURES, impute: str = "median"
) -> StructureMatrix:
    """Standardise the structural features.

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame's data.
    features : sequence of str
        Feature columns (default :data:`FEATURES`, from :mod:`study.covariates`).
    impute : {"median", "drop"}
        ``"median"`` fills missing cells with the column median, ``"drop"`` drops rows with any missing feature.

    Returns
    -------
    StructureMatrix
        ``Z`` (n × f z-scores), the raw values (original units), which cells were imputed, and row ids.
    """
    raw = pd.DataFrame({c: numeric(frame, c) for c in features}, index=frame.index)
    miss = raw.isna()
    keep = np.ones(len(raw), bool)
    if impute == "median":
        raw = raw.fillna(raw.median())
    elif impute == "drop":
        keep = ~miss.any(axis=1).to_numpy()
    else:
        raise ValueError("impute must be 'median' or 'drop'")
    raw, miss = raw[keep], miss[keep]
    Z = StandardScaler().fit_transform(raw.to_numpy())
    sub = frame[keep]
    return StructureMatrix(
        Z=Z,
        raw=raw.reset_index(drop=True),
        imputed=miss.reset_index(drop=True),
        features=tuple(features),
        entity_id=sub["entity_id"].astype(str).tolist(),
        names=(sub["name"] if "name" in sub.columns else sub["entity_id"]).astype(str).tolist(),
    )


try:  # a dependency of scikit-learn
    from threadpoolctl import threadpool_limits
except ImportError:  # pragma: no cover
    import contextlib

    def threadpool_limits(*args, **kwargs):
        return contextlib.nullcontext()


def _one_thread(func):
    """Run scikit-learn's k-means on one OpenMP thread: with ~60 rows, thread start-up costs
    far more than it saves (about 8x slower on two busy cores)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with threadpool_limits(limits=1, user_api="openmp"):
            return func(*args, **kwargs)

    return wrapper


def cluster(
    Z: np.ndarray, k: int, method: str = "kmeans", seed: int = 0, n_init: int = 50
) -> tuple[np.ndarray, np.ndarray]:
    """Labels and centroids of a k-means or Ward clustering.

    Parameters
    ----------
    Z : numpy.ndarray
        Standardised features (n × f).
    k : int
        Clusters.
    method : {"kmeans", "ward"}
        Clustering.
    seed : int
        Seed of the k-means starts.
    n_init : int
        k-means starts.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Labels (0..k-1, length n) and centroids (k × f, z-scores).
    """
    if method == "kmeans":
        km = KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(Z)
        return km.labels_, km.cluster_centers_
    if method == "ward":
        lab = AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(Z)
        return lab, np.vstack([Z[lab == c].mean(axis=0) for c in range(k)])
    raise ValueError(f"method must be one of {METHODS}")


def _nearest(Z: np.ndarray, centres: np.ndarray) -> np.ndarray:
    return np.argmin(((Z[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2), axis=1)


@_one_thread
def choose_k(
    Z: np.ndarray,
    ks: Sequence[int] = (2, 3, 4, 5, 6),
    n_boot: int = 100,
    seed: int = 0,
    method: str = "kmeans",
    level: float = 0.95,
) -> pd.DataFrame:
    """Silhouette and bootstrap stability per k (see module doc).

    Resample refits use 10 k-means starts (the full-data fit 50).

    Parameters
    ----------
    Z : numpy.ndarray
        Standardised features (n × f).
    ks : sequence of int
        Numbers of clusters tried.
    n_boot : int
        Bootstrap resamples behind the stability.
    seed : int
        Seed.
    method : {"kmeans", "ward"}
        Clustering.
    level : float
        Coverage of the percentile range of the ARIs.

    Returns
    -------
    pandas.DataFrame
        One row per k: ``name`` (``k=…``), ``estimate`` (mean adjusted Rand index, 0 to 1),
        ``ci_low``/``ci_high`` (percentile range of the ARIs), ``n`` (plans), ``k``, ``silhouette``
        (−1 to 1), ``min_cluster_size`` (plans), ``n_boot`` (resamples used) and ``mc_se`` (Monte
        Carlo SE of the mean ARI: SD of the ARIs / √n_boot).
    """
    rng = as_rng(seed)
    n = len(Z)
    rows = []
    for k in ks:
        lab, _ = cluster(Z, k, method, seed)
        sil = float(silhouette_score(Z, lab)) if 1 < k < n else np.nan
        aris = []
        for _ in range(n_boot):
            idx = rng.integers(0, n, n)
            if len(np.unique(Z[idx], axis=0)) <= k:
                continue
            _, cen = cluster(Z[idx], k, method, int(rng.integers(2**31)), n_init=10)
            aris.append(adjusted_rand_score(lab, _nearest(Z, cen)))
        aris = np.array(aris)
        lo, hi = percentile_interval(aris, level)
        rows.append(
            dict(
                name=f"k={k}",
                estimate=float(aris.mean()),
                ci_low=lo,
                ci_high=hi,
                n=n,
                k=k,
                silhouette=sil,
                min_cluster_size=int(np.bincount(lab).min()),
                n_boot=int(aris.size),
                mc_se=float(aris.std(ddof=1) / np.sqrt(aris.size)) if aris.size > 1 else np.nan,
                method=method,
            )
        )
    return pd.DataFrame(rows)


def best_k(table: pd.DataFrame, min_stability: float = 0.6) -> int:
    """Highest silhouette among k with mean ARI ≥ ``min_stability``; else the most stable k.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`choose_k`.
    min_stability : float
        Mean adjusted Rand index a k must reach (0 to 1).

    Returns
    -------
    int
        The chosen number of clusters.
    """
    ok = table[table["estimate"] >= min_stability]
    if len(ok):
        return int(ok.sort_values(["silhouette", "k"], ascending=[False, True]).iloc[0]["k"])
    return int(table.sort_values(["estimate", "k"], ascending=[False, True]).iloc[0]["k"])


@dataclass(frozen=True)
class Typology:
    """``assignments``: ``entity_id, name, cluster, PC1, PC2``; ``profile``: one row per cluster
    with ``n`` and feature means (original scale); ``loadings`` (features × PC1, PC2);
    ``explained`` variance ratios; ``silhouette``."""

    k: int
    method: str
    assignments: pd.DataFrame
    profile: pd.DataFrame
    loadings: pd.DataFrame
    explained: list[float]
    silhouette: float
    features: tuple[str, ...]
    centres: np.ndarray = field(repr=False, metadata={"json": False})


@_one_thread
def fit_typology(
    frame: pd.DataFrame,
    k: int,
    features: Sequence[str] = FEATURES,
    method: str = "kmeans",
    seed: int = 0,
    impute: str = "median",
    profile_columns: Sequence[str] = ("population", "staff_per_100k"),
) -> Typology:
    """Cluster into ``k`` types, order the clusters by mean log population, and map them (see module doc).

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame's data.
    k : int
        Clusters.
    features : sequence of str
        Feature columns (standardised).
    method : {"kmeans", "ward"}
        Clustering.
    seed : int
        Seed.
    impute : {"median", "drop"}
        Missing feature values (:func:`structure_matrix`).
    profile_columns : sequence of str
        Columns averaged per cluster in the profile, besides the features (original units).

    Returns
    -------
    Typology
        Assignments (cluster, PC1, PC2 per plan), PCA loadings and explained variance (shares),
        silhouette, the profile (cluster sizes and means) and the centres.
    """
    sm_ = structure_matrix(frame, features, impute)
    lab, cen = cluster(sm_.Z, k, method, seed)
    order_key = sm_.raw[features[0]].groupby(lab).mean().sort_values()
    remap = {old: new + 1 for new, old in enumerate(order_key.index)}
    lab = np.array([remap[v] for v in lab])
    cen = cen[[old for old in order_key.index]]
    pca = PCA(n_components=2, random_state=seed).fit(sm_.Z)
    pc = pca.transform(sm_.Z)
    # sign convention: PC1 loads positively on the first feature
    sign = np.sign(pca.components_[:, 0])
    sign[sign == 0] = 1
    pc = pc * sign
    assignments = pd.DataFrame(
        {"entity_id": sm_.entity_id, "name": sm_.names, "cluster": lab, "PC1": pc[:, 0], "PC2": pc[:, 1]}
    )
    prof = sm_.raw.copy()
    keep_ids = set(sm_.entity_id)
    extra = frame[frame["entity_id"].astype(str).isin(keep_ids)]
    for c in profile_columns:
        if c in frame.columns and c not in prof.columns:
            prof[c] = numeric(extra, c)
    prof["cluster"] = lab
    profile = prof.groupby("cluster").mean()
    profile.insert(0, "n", prof.groupby("cluster").size())
    loadings = pd.DataFrame((pca.components_ * sign[:, None]).T, index=list(features), columns=["PC1", "PC2"])
    return Typology(
        k=k,
        method=method,
        assignments=assignments,
        profile=profile.reset_index(),
        loadings=loadings,
        explained=[float(v) for v in pca.explained_variance_ratio_],
        silhouette=float(silhouette_score(sm_.Z, lab)),
        features=tuple(features),
        centres=cen,
    )


def _group_stats(values: np.ndarray, labels: np.ndarray, stat: str) -> np.ndarray:
    """The between-cluster statistic for each row of ``labels`` (B, n), vectorised.

    ``"F"``: one-way ANOVA F; ``"kruskal"``: Kruskal–Wallis H on mid-ranks
    (the tie correction is the same for every permutation, so it is applied
    to all alike)."""
    labels = np.atleast_2d(labels)
    levels = np.unique(labels[0])
    n, k = values.size, levels.size
    v = stats.rankdata(values) if stat == "kruskal" else values.astype(float)
    onehot = (labels[:, :, None] == levels[None, None, :]).astype(float)  # (B, n, k)
    cnt = onehot.sum(axis=1)
    sums = np.einsum("bnk,n->bk", onehot, v)
    with np.errstate(divide="ignore", invalid="ignore"):
        if stat == "kruskal":
            _, tie_counts = np.unique(values, return_counts=True)
            tie = 1 - np.sum(tie_counts**3 - tie_counts) / (n**3 - n) if n > 1 else 1.0
            h = 12 / (n * (n + 1)) * np.sum(sums**2 / cnt, axis=1) - 3 * (n + 1)
            return h / tie if tie > 0 else np.full(labels.shape[0], np.nan)
        if stat == "F":
            ssb = np.sum(sums**2 / cnt, axis=1) - v.sum() ** 2 / n
            ssw = np.sum(v**2) - np.sum(sums**2 / cnt, axis=1)
            return (ssb / (k - 1)) / (ssw / (n - k))
    raise ValueError("stat must be 'F' or 'kruskal'")


def compare_clusters(
    frame: pd.DataFrame,
    assignments: pd.DataFrame,
    outcome: str,
    n_perm: int = 4999,
    n_boot: int = 2000,
    seed: int = 0,
    stat: str = "kruskal",
    level: float = 0.95,
) -> tuple[pd.DataFrame, dict]:
    """An outcome by cluster, and the permutation test of no difference between clusters.

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame's data.
    assignments : pandas.DataFrame
        ``entity_id, cluster`` (:attr:`Typology.assignments`).
    outcome : str
        Outcome column (its unit).
    n_perm : int
        Permutations of the cluster labels.
    n_boot : int
        Bootstrap resamples behind each cluster mean.
    seed : int
        Seed.
    stat : {"kruskal", "F"}
        Test statistic (Kruskal–Wallis H or one-way ANOVA F).
    level : float
        Confidence level.

    Returns
    -------
    table : pandas.DataFrame
        One row per cluster: ``name, estimate`` (mean, outcome's unit), ``ci_low, ci_high``
        (percentile bootstrap), ``n`` (plans with a value), ``median``, and ``mc_se_low, mc_se_high``
        (Monte Carlo SEs of the bounds, outcome's unit).
    test : dict
        ``{"name": "<stat>:<outcome>", "statistic", "p_value", "n", "n_perm", "stat"}``.
    """
    rng = as_rng(seed)
    m = frame[["entity_id"]].assign(_y=numeric(frame, outcome))
    m["entity_id"] = m["entity_id"].astype(str)
    m = m.merge(assignments[["entity_id", "cluster"]], on="entity_id").dropna(subset=["_y"])
    y, lab = m["_y"].to_numpy(), m["cluster"].to_numpy()
    rows = []
    for g in sorted(np.unique(lab)):
        v = y[lab == g]
        draws = v[rng.integers(0, v.size, (n_boot, v.size))].mean(axis=1)
        lo, hi = percentile_interval(draws, level)
        se_lo, se_hi = percentile_bounds_mc_se(draws, level)
        rows.append(
            dict(
                name=f"cluster {g}",
                estimate=float(v.mean()),
                ci_low=lo,
                ci_high=hi,
                n=int(v.size),
                median=float(np.median(v)),
                cluster=int(g),
                outcome=outcome,
                mc_se_low=se_lo,
                mc_se_high=se_hi,
            )
        )
    obs = float(_group_stats(y, lab, stat)[0])
    perms = np.argsort(rng.random((n_perm, lab.size)), axis=1)
    null = _group_stats(y, lab[perms], stat)
    null = null[np.isfinite(null)]
    p = float((1 + np.sum(null >= obs * (1 - 1e-12))) / (1 + null.size))
    test = dict(name=f"{stat}:{outcome}", statistic=obs, p_value=p, n=int(y.size), n_perm=int(null.size), stat=stat)
    columns = [*RESULT_COLUMNS, "median", "cluster", "outcome", "mc_se_low", "mc_se_high"]
    return pd.DataFrame(rows, columns=columns), test
