"""Typology: standardisation, cluster choice, ordering, PCA map, cluster comparisons."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from study.models.frame import analysis_frame
from study.models.typology import FEATURES, best_k, choose_k, compare_clusters, fit_typology, structure_matrix


@pytest.fixture(scope="module")
def allm(bundled):
    return analysis_frame(bundled.entities, bundled.corrections, require=("population",)).data


def test_structure_matrix(allm):
    s = structure_matrix(allm)
    assert s.Z.shape == (57, len(FEATURES))
    np.testing.assert_allclose(s.Z.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(s.Z.std(axis=0), 1, atol=1e-12)
    assert s.imputed.sum().sum() == 4  # 外ヶ浜町 welfare, 藤沢市 centres (2 features), 音威子府村 split
    assert structure_matrix(allm, impute="drop").Z.shape[0] == 54


def test_typology_on_real_data_is_deterministic(allm):
    s = structure_matrix(allm)
    tab = choose_k(s.Z, ks=(2, 3), n_boot=10, seed=0)
    assert list(tab["k"]) == [2, 3] and tab["silhouette"].between(-1, 1).all()
    assert tab.equals(choose_k(s.Z, ks=(2, 3), n_boot=10, seed=0))
    ty = fit_typology(allm, 2)
    assert len(ty.assignments) == 57 and set(ty.assignments["cluster"]) == {1, 2}
    assert ty.profile["log_pop"].is_monotonic_increasing  # cluster 1 = smaller places
    assert ty.profile["n"].sum() == 57
    assert sum(ty.explained) <= 1 and ty.loadings.loc["log_pop", "PC1"] > 0
    out, test = compare_clusters(allm, ty.assignments, "staff_per_100k", n_perm=199, n_boot=200, seed=0)
    assert out["n"].sum() == 49 and 0 < test["p_value"] <= 1


def test_best_k_rule():
    t = pd.DataFrame({"k": [2, 3, 4], "estimate": [0.9, 0.5, 0.8], "silhouette": [0.3, 0.6, 0.4]})
    assert best_k(t) == 4
    assert best_k(t, min_stability=0.95) == 2
