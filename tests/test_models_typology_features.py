"""Size-free typology: feature checks, descriptive names, cluster size, what clusters add beyond population."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from study.models.frame import analysis_frame
from study.models.typology_features import (
    SIZE_FREE_FEATURES,
    check_size_free,
    cluster_population,
    clusters_beyond_population,
    fit_size_free_typology,
    name_clusters,
    size_free_matrix,
    size_leakage,
)


@pytest.fixture(scope="module")
def allm(bundled):
    return analysis_frame(bundled.entities, bundled.corrections, require=("population",)).data


def test_counts_and_population_are_refused():
    check_size_free(SIZE_FREE_FEATURES)
    check_size_free(["hokatsu_outsourced_share", "community_org_rate_pct", "konkyu_per_100k"])
    for bad in (
        "log_pop",
        "population",
        "hokatsu_total",
        "hokatsu_outsourced",
        "staff_planned",
        "older_pop",
        "households",
    ):
        with pytest.raises(ValueError, match=bad):
            check_size_free(["aging_rate_pct", bad])


def test_names_come_from_profiles_in_both_languages():
    # three clusters of 10 plans with known standardised means
    feats = ("aging_rate_pct", "welfare_rate_permille", "hokatsu_outsourced_share")
    centres = np.array([[1.5, 0.1, 0.0], [-1.0, 0.0, 0.8], [0.1, -0.2, 0.3]])
    Z = np.repeat(centres, 10, axis=0)
    lab = np.repeat([1, 2, 3], 10)
    t = name_clusters(Z, lab, feats, threshold=0.5).set_index("cluster")
    assert t.loc[1, "name_ja"] == "高齢化が進んだ地域" and t.loc[1, "name_en"] == "older"
    assert t.loc[2, "name_ja"] == "比較的若い・包括センター委託型地域"
    assert t.loc[2, "name_en"] == "younger, outsourced centres"
    assert t.loc[3, "name_ja"] == "平均的な地域" and t.loc[3, "name_en"] == "average profile"
    assert t.loc[1, "z_aging_rate_pct"] == pytest.approx(1.5) and list(t["n"]) == [10, 10, 10]


def test_duplicate_names_get_the_next_feature():
    feats = ("aging_rate_pct", "welfare_rate_permille")
    Z = np.repeat(np.array([[1.0, 0.3], [1.0, -0.3]]), 5, axis=0)
    t = name_clusters(Z, np.repeat([1, 2], 5), feats, threshold=0.5, max_terms=1)
    assert t["name_ja"].nunique() == 2
    assert set(t["name_en"]) == {"older, high public assistance", "older, low public assistance"}


def test_cluster_population_medians():
    fr = pd.DataFrame({"entity_id": list("abcde"), "log_pop": [1.0, 2.0, 3.0, 10.0, 12.0]})
    asg = pd.DataFrame({"entity_id": list("abcde"), "cluster": [1, 1, 1, 2, 2]})
    t = cluster_population(fr, asg).set_index("cluster")
    assert t.loc[1, "median_log_pop"] == 2.0 and t.loc[2, "median_log_pop"] == 11.0
    assert t.loc[2, "median_population"] == pytest.approx(np.exp(11.0)) and list(t["n"]) == [3, 2]


def _staff_data(effect: float, seed: int, n: int = 90) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    lp = rng.normal(10, 1.5, n)
    cl = np.repeat([1, 2, 3], n // 3)
    mu = np.exp(-6 + 0.7 * lp + effect * (cl == 3))
    y = rng.poisson(rng.gamma(1 / 0.3, 0.3 * mu))
    ids = [str(i) for i in range(n)]
    return (
        pd.DataFrame({"entity_id": ids, "staff": y.astype(float), "log_pop": lp}),
        pd.DataFrame({"entity_id": ids, "cluster": cl}),
    )


def test_clusters_beyond_population_detects_an_effect_and_not_a_null():
    fr, asg = _staff_data(1.5, 0)
    r = clusters_beyond_population(fr, asg, n_boot=199, seed=1)
    assert r["df"] == 2 and r["n"] == 90
    assert r["p_chi2"] < 0.001 and r["p_boot"] == pytest.approx(1 / 200)
    pvals = [clusters_beyond_population(*_staff_data(0.0, s), n_boot=0)["p_chi2"] for s in range(40)]
    # 40 null data sets: Binomial(40, 0.05) <= 6 with probability 0.99
    assert np.sum(np.array(pvals) <= 0.05) <= 6


def test_size_free_typology_on_real_data(allm):
    s = fit_size_free_typology(allm, n_boot=20, seed=0)
    k = s.typology.k
    assert s.k_table["silhouette"].between(-1, 1).all() and s.k_table["estimate"].between(-1, 1).all()
    assert len(s.names) == k and s.names["name_ja"].nunique() == k and s.names["name_en"].nunique() == k
    for nm in [*s.names["name_ja"], *s.names["name_en"]]:
        assert not re.search(r"\d", nm)  # no numbers as names
    assert s.population["n"].sum() == 57 and s.population["median_log_pop"].notna().all()
    assert "log_pop" not in s.typology.features
    assert s.matrix.Z.shape == (57, len(SIZE_FREE_FEATURES))
    again = fit_size_free_typology(allm, n_boot=20, seed=0)
    pd.testing.assert_frame_equal(s.names, again.names)
    # the aging rate still tracks size strongly: reported, not hidden
    lk = size_leakage(allm).set_index("name")
    assert lk.loc["aging_rate_pct", "estimate"] < -0.5 and lk.loc["aging_rate_pct", "n"] == 57
    assert size_free_matrix(allm).imputed.sum().sum() == 4  # 外ヶ浜町 welfare, 藤沢市 centres (2), 音威子府村 split
