"""The parameters several notebooks share have one default and one range (study.parameters' field
factories), crossed choices default to every choice, and the warm-import lists keep their order."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from study.parameters import (
    AuditParams,
    MultiverseParams,
    RobustnessParams,
    StaffingParams,
    TargetsParams,
    TypologyParams,
    _warm_modules,
)
from study.runner.params import describe_type, help_text

MODELS = (AuditParams, StaffingParams, TargetsParams, TypologyParams, RobustnessParams, MultiverseParams)
IDS = [m.__name__ for m in MODELS]


def _with(model, name):
    return [m for m in model if name in m.model_fields]


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_seed_is_the_fy2019_start_and_a_numpy_seed(model):
    # 20190401: the first day of FY2019 (the plans' year), as written in params/staffing.yaml
    assert model().seed == 20190401
    assert describe_type(model.model_fields["seed"]) == "integer, 0 ≤ x ≤ 4294967295"
    assert model(seed=0).seed == 0 and model(seed=2**32 - 1).seed == 4294967295
    for bad in (-1, 2**32):
        with pytest.raises(ValidationError):
            model(seed=bad)


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_labels_are_japanese_by_default(model):
    assert model().label_language == "ja" and model(label_language="en").label_language == "en"
    with pytest.raises(ValidationError):
        model(label_language="fr")


@pytest.mark.parametrize("model", _with(MODELS, "confidence"), ids=lambda m: m.__name__)
def test_confidence_is_95_percent_between_half_and_0999(model):
    assert model().confidence == 0.95
    assert model(confidence=0.5).confidence == 0.5 and model(confidence=0.999).confidence == 0.999
    for bad in (0.49, 1.0):
        with pytest.raises(ValidationError):
            model(confidence=bad)


def test_confidence_and_prefectures_are_where_the_notebooks_use_them():
    assert [m.__name__ for m in _with(MODELS, "confidence")] == [
        "AuditParams",
        "StaffingParams",
        "TargetsParams",
        "RobustnessParams",
        "MultiverseParams",
    ]
    assert [m.__name__ for m in _with(MODELS, "include_prefectures")] == [
        "AuditParams",
        "StaffingParams",
        "TargetsParams",
        "TypologyParams",
    ]
    for model in _with(MODELS, "include_prefectures"):
        assert model().include_prefectures is False


def test_bootstrap_draws_2000_except_the_multiverse_256_same_range():
    for model in (AuditParams, StaffingParams, TargetsParams, TypologyParams):
        assert model().bootstrap_draws == 2000
    assert MultiverseParams().bootstrap_draws == 256
    for model in _with(MODELS, "bootstrap_draws"):
        assert describe_type(model.model_fields["bootstrap_draws"]) == "integer, 100 ≤ x ≤ 100000"
        with pytest.raises(ValidationError):
            model(bootstrap_draws=99)
        with pytest.raises(ValidationError):
            model(bootstrap_draws=100_001)


def test_permutation_tests_4999_and_the_null_curve_its_own_range():
    for model in (StaffingParams, TypologyParams):
        assert model().permutations == 4999
        assert describe_type(model.model_fields["permutations"]) == "integer, 99 ≤ x ≤ 100000"
    # the null curve of Q6 is a different parameter: 1000 by default, 0 turns it off
    assert RobustnessParams().permutations == 1000
    assert describe_type(RobustnessParams.model_fields["permutations"]) == "integer, 0 ≤ x ≤ 20000"


def test_crossed_choices_default_to_every_choice():
    r, m = RobustnessParams(), MultiverseParams()
    assert r.staffing_measures == m.staffing_measures == ["as_printed", "headcount", "exclude_fractional"]
    assert r.welfare_readings == m.welfare_readings == ["corrected", "printed"]
    assert (
        r.covariate_sets == m.covariate_sets == ["population", "need", "need_density", "institutions"]
    )  # docs/covariates.md
    assert r.exclusions == ["none", "zero_staff"]
    assert m.exclusions == ["none", "zero_staff", "hub_plans", "zero_and_hub"]
    assert r.designs == ["all", "all_unclear_out", "single_team_unclear_in", "single_team_unclear_out"]
    assert r.exposures == ["population", "catchment"]
    assert m.exposures == ["population", "older_population", "catchment_population"]
    assert m.ambiguous_readings == ["null", "one_in_total", "one_each"]
    assert m.hub_codings == ["designated_existing", "multi_site"]
    # the multiverse crosses both count models; the specification curve only Poisson QL by default
    assert m.families == ["poisson_ql", "negbin"] and r.families == ["poisson_ql"]
    assert describe_type(MultiverseParams.model_fields["hub_codings"]) == (
        "list of one of 'designated_existing', 'multi_site'"
    )


@pytest.mark.parametrize("name", ["staffing_measures", "welfare_readings", "covariate_sets", "families"])
def test_a_crossed_choice_needs_one_choice_and_a_known_one(name):
    for model in (RobustnessParams, MultiverseParams):
        with pytest.raises(ValidationError):
            model(**{name: []})
        with pytest.raises(ValidationError):
            model(**{name: ["no_such_choice"]})


def test_a_crossed_default_is_not_shared_between_instances():
    a = MultiverseParams()
    a.exposures.append("population")  # the model is frozen, the list is not: a copy per instance
    assert MultiverseParams().exposures == ["population", "older_population", "catchment_population"]


def test_shared_descriptions_stay_each_notebooks_own():
    assert StaffingParams.model_fields["seed"].description == (
        "Seed of every random draw. Fixed, so the same parameters give the same numbers."
    )
    assert RobustnessParams.model_fields["seed"].description == "Seed of the permutations."
    assert AuditParams.model_fields["label_language"].description.startswith(
        "Language of figure labels and table headers"
    )
    assert TypologyParams.model_fields["label_language"].description == (
        "Language of figure labels: 'ja' (Japanese) or 'en' (English)."
    )
    text = help_text("40_robustness", RobustnessParams)
    assert "confidence" in text and "Confidence level of each specification's interval." in text


def test_warm_modules_order():
    assert _warm_modules(("statsmodels.api",), ("study.models",)) == (
        "scipy.stats",
        "statsmodels.api",
        "seaborn",
        "pyarrow.parquet",
        "study.models",
        "study.analysis.plotting",
    )
    assert AuditParams.warm_imports == (
        "scipy.stats",
        "seaborn",
        "pyarrow.parquet",
        "study.clean.schema",
        "study.analysis.audit",
        "study.analysis.plotting",
    )


@pytest.mark.parametrize(
    "model, module",
    [
        (AuditParams, "study.analysis.audit"),
        (StaffingParams, "study.analysis.staffing"),
        (TargetsParams, "study.analysis.targets"),
        (TypologyParams, "study.analysis.typology"),
        (RobustnessParams, "study.analysis.robustness"),
        (MultiverseParams, "study.analysis.multiverse"),
    ],
    ids=IDS,
)
def test_each_notebook_warms_its_question_and_the_plotting_stack(model, module):
    warm = model.warm_imports
    assert module in warm and len(set(warm)) == len(warm)
    assert warm[0] == "scipy.stats" and warm[-1] == "study.analysis.plotting"
    assert {"seaborn", "pyarrow.parquet"} <= set(warm)
