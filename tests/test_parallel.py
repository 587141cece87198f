"""Resampling in fixed blocks (study.models.parallel): the numbers do not depend on the grouping of
blocks into tasks. Other processes, local pools and Dask: tests/test_dask_slow.py."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from study.analysis.multiverse import ambiguous_staff_readings, analyse_multiverse, multiverse_grid, multiverse_headline
from study.analysis.tables import load_tables
from study.models.frame import analysis_frame
from study.models.parallel import (
    BLOCK,
    InProcess,
    LocalPool,
    block_rng,
    get_executor,
    map_blocks,
    root_entropy,
    task_groups,
)
from study.models.resample import bootstrap_count, permutation_test
from study.models.speccurve import specification_curve
from study.parameters import MultiverseParams


@pytest.fixture(scope="module")
def tables():
    return load_tables()


@pytest.fixture(scope="module")
def frame(tables):
    return analysis_frame(tables.entities, tables.corrections).data


def _uniform_block(data, rng, start, stop):
    return np.column_stack([np.arange(start, stop), rng.random(stop - start)])


def test_block_b_uses_child_b_of_the_seed_sequence():
    for b in (0, 1, 7):
        child = np.random.SeedSequence(42).spawn(b + 1)[b]
        assert np.array_equal(block_rng(42, b).random(5), np.random.default_rng(child).random(5))


def test_blocks_are_in_draw_order_whatever_the_grouping():
    n = 5 * BLOCK + 17  # a short last block
    ref = map_blocks(_uniform_block, None, n, 3, executor=InProcess(), blocks_per_task=1)
    assert ref.shape == (n, 2) and np.array_equal(ref[:, 0], np.arange(n))
    for per in (2, 4, 6, None):
        assert np.array_equal(map_blocks(_uniform_block, None, n, 3, executor=InProcess(), blocks_per_task=per), ref)
    # block 1 is the same stream whether 300 or 3000 draws are asked for
    short = map_blocks(_uniform_block, None, 300, 3, executor=InProcess())
    assert np.array_equal(short, ref[:300])
    assert not np.array_equal(map_blocks(_uniform_block, None, n, 4, executor=InProcess()), ref)


def test_task_groups_cover_every_item_once_in_order():
    for n, per, w in ((10, 3, 1), (1, None, 4), (33, None, 2), (8, 8, 1)):
        groups = task_groups(n, per, w)
        assert [i for g in groups for i in g] == list(range(n))


def test_seeds_and_executors_are_checked():
    assert root_entropy(7) == 7
    g1, g2 = np.random.default_rng(1), np.random.default_rng(1)
    assert root_entropy(g1) == root_entropy(g2)  # a generator gives a reproducible root
    with pytest.raises(ValueError, match="seed"):
        root_entropy(-1)
    with pytest.raises(ValueError, match="spawned"):
        root_entropy(np.random.SeedSequence(1).spawn(1)[0])
    with pytest.raises(ValueError, match="at least one worker"):
        get_executor(0)
    assert isinstance(get_executor(1), InProcess) and isinstance(get_executor(2), LocalPool)


def test_no_dask_unless_asked(monkeypatch):
    monkeypatch.delenv("STUDY_DASK_SCHEDULER", raising=False)
    assert isinstance(get_executor(None), InProcess)


@pytest.mark.parametrize("family", ["poisson_ql", "negbin"])
def test_bootstrap_identical_for_any_workers_and_chunking(frame, family):
    ref = bootstrap_count(frame, n_boot=600, seed=5, family=family)
    assert ref.table.loc[ref.table["name"] == "log_pop", "n"].item() == 49
    for ex in (InProcess(workers=1), InProcess(workers=3)):  # 3 blocks in one task, or one per task
        other = bootstrap_count(frame, n_boot=600, seed=5, family=family, executor=ex)
        pd.testing.assert_frame_equal(other.table, ref.table, check_exact=True)
        assert np.array_equal(other.draws.to_numpy(), ref.draws.to_numpy(), equal_nan=True)


def test_permutation_identical_for_any_workers_and_chunking(frame):
    ref = permutation_test(frame, "aging_rate_pct", ["log_pop"], n_perm=700, seed=4)
    for ex in (InProcess(workers=1), InProcess(workers=3)):
        other = permutation_test(frame, "aging_rate_pct", ["log_pop"], n_perm=700, seed=4, executor=ex)
        assert other.p_value == ref.p_value
        assert np.array_equal(other.null_distribution, ref.null_distribution)


def test_speccurve_identical_for_any_grouping(tables):
    kw = dict(families=("poisson_ql",), exclusions=("none", "hub_plans"), n_perm=300, seed=9)
    ref = specification_curve(tables.entities, tables.corrections, **kw)
    other = specification_curve(tables.entities, tables.corrections, executor=InProcess(workers=5), **kw)
    pd.testing.assert_frame_equal(other.specs, ref.specs, check_exact=True)
    pd.testing.assert_frame_equal(other.summary, ref.summary, check_exact=True)
    assert np.array_equal(other.null_draws, ref.null_draws)


SMALL = dict(
    exposures=["population"],
    families=["poisson_ql"],
    covariate_sets=["population", "need"],
    staffing_measures=["as_printed"],
    exclusions=["none", "hub_plans"],
    bootstrap_draws=300,
)


def test_multiverse_grid_is_the_full_factorial_without_copies():
    p = MultiverseParams()
    g = multiverse_grid(p)
    # welfare crossed only in the two sets holding the public-assistance rate: 2 + 2×2 = 6 covariate/welfare cells;
    # the hub coding only with the two hub exclusions: 2 + 2×2 = 6 exclusion/coding cells
    assert len(g) == 3 * 2 * 6 * 3 * 3 * 6 == 1944
    assert not g.drop(columns="spec").duplicated().any()
    assert set(g.loc[g["covariates"].isin(["population", "institutions"]), "welfare"]) == {"n/a"}
    assert set(g.loc[g["exclusion"].isin(["none", "zero_staff"]), "hub_coding"]) == {"n/a"}


def test_hub_codings_are_designs_of_the_clean():
    from study.analysis.multiverse import HUB_CODINGS
    from study.models.frame import DESIGNS

    assert HUB_CODINGS == {
        "designated_existing": ("designated_existing",),
        "multi_site": ("designated_existing", "per_site"),
    }
    assert {d for codes in HUB_CODINGS.values() for d in codes} <= set(DESIGNS)


def test_ambiguous_cell_readings_from_the_issues_log(tables):
    from study.analysis.multiverse import load_issues

    r = ambiguous_staff_readings(load_issues(tables))
    row = r.set_index("entity_id").loc["131075"]  # 墨田区: 2拠点に1名配置
    assert (row["one_in_total"], row["one_each"]) == (1.0, 2.0)


def test_multiverse_identical_for_any_grouping(tables):
    p = MultiverseParams(**SMALL)
    ref = analyse_multiverse(tables, p)
    # exclusions none and hub_plans, the latter under the 2 hub codings: 1 + 2
    assert len(ref.specs) == 1 * 1 * 3 * 1 * 3 * (1 + 2) == 27
    n = ref.specs.set_index(["ambiguous", "exclusion", "covariates", "welfare"])["n"]
    # 墨田区's ambiguous cell is out under "null" and in under either reading
    assert n.loc[("one_each", "none", "population", "n/a")] == n.loc[("null", "none", "population", "n/a")] + 1
    other = analyse_multiverse(tables, p, executor=InProcess(workers=9))
    pd.testing.assert_frame_equal(other.specs, ref.specs, check_exact=True)
    assert json.dumps(multiverse_headline(other)) == json.dumps(multiverse_headline(ref))
