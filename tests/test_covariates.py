"""study.covariates: the one table of covariates, and everything derived from it."""

from __future__ import annotations

import typing

import pytest

from study import covariates
from study.analysis.plotting import text
from study.models.speccurve import COVARIATE_SETS
from study.models.typology import FEATURES
from study.models.typology_features import SIZE_FREE_FEATURES
from study.parameters import RobustnessParams, StaffingParams, TargetsParams, TypologyParams


def _choices(model: type, field: str) -> tuple[str, ...]:
    (item,) = typing.get_args(model.model_fields[field].annotation)  # list[Literal[...]]
    return typing.get_args(item)


def test_table_is_well_formed():
    names = [c.name for c in covariates.COVARIATES]
    assert len(names) == len(set(names)) and set(covariates.BY_NAME) == set(names)
    for c in covariates.COVARIATES:
        assert c.label_ja and c.label_en and c.unit and c.derivation, c.name
        assert c.roles and set(c.roles) <= set(covariates.ROLES), c.name
        assert set(c.spec_sets) <= set(covariates.SPEC_SET_NAMES), c.name


def test_parameter_literals_come_from_the_table():
    # the choices (and their order: parameter help and defaults follow it) of each parameter model
    assert _choices(StaffingParams, "covariates") == (
        "aging_rate_pct",
        "welfare_rate_permille",
        "log_density",
        "log_hokatsu_per_10k_older",
    )
    assert _choices(TargetsParams, "count_covariates") == (
        "aging_rate_pct",
        "welfare_rate_permille",
        "log_density",
        "log_hokatsu_per_10k_older",
        "staff_per_100k",
    )
    assert _choices(TargetsParams, "outcome_covariates") == covariates.names("targets")
    assert _choices(TypologyParams, "features") == covariates.names("typology") == FEATURES
    # the typology notebook clusters on the size-free features only (issue 11)
    assert TypologyParams().features == list(SIZE_FREE_FEATURES)
    assert set(SIZE_FREE_FEATURES) < set(FEATURES) and "log_pop" not in SIZE_FREE_FEATURES
    assert list(FEATURES) == [
        "log_pop",
        "aging_rate_pct",
        "welfare_rate_permille",
        "log_density",
        "log_hokatsu_per_10k_older",
        "hokatsu_outsourced_share",
    ]
    assert (
        _choices(RobustnessParams, "covariate_sets")
        == covariates.SPEC_SET_NAMES
        == tuple(RobustnessParams().covariate_sets)
    )
    with pytest.raises(ValueError):
        StaffingParams(covariates=["staff_per_100k"])  # a targets covariate only
    with pytest.raises(ValueError):
        covariates.names("nowhere")


def test_spec_curve_sets_come_from_the_table():
    assert COVARIATE_SETS == {
        "population": (),
        "need": ("aging_rate_pct", "welfare_rate_permille"),
        "need_density": ("aging_rate_pct", "welfare_rate_permille", "log_density"),
        "institutions": ("log_hokatsu_per_10k_older",),
    }


def test_figure_labels_come_from_the_table():
    for c in covariates.COVARIATES:
        assert text(c.name, "ja") == c.label_ja and text(c.name, "en") == c.label_en
    # these labels also appear in tables (the audit's reference comparison): they must not drift
    assert (
        text("aging_rate_pct", "ja") == "高齢化率(%)"
        and text("welfare_rate_permille", "en") == "public-assistance rate (‰)"
    )
    assert text("log_hokatsu_per_10k_older", "en") == "log centres per 10k older"


def test_every_covariate_is_a_column_of_the_analysis_frame(bundled):
    from study.models.frame import analysis_frame

    frame = analysis_frame(bundled.entities, bundled.corrections).data
    for c in covariates.COVARIATES:
        assert c.name in frame.columns, c.name
        assert frame[c.name].notna().sum() > 40, c.name  # derived for (nearly) every plan of the staffing sample
