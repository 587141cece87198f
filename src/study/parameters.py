"""The parameter models of the notebooks, one class per notebook.

Kept in one light module (pydantic only, no pandas or matplotlib) so that
validating a parameter set and ``study params`` take no time, and so that the
runner can validate before it imports anything heavy or starts any kernel.
Each model is registered by notebook name in :mod:`study.runner.registry`.
Field descriptions are the parameters' meanings (shown by ``study params``);
``Field(ge=…, le=…)`` gives allowed ranges; :data:`ExistingFile` a path that must exist.
A parameter several notebooks share (``seed``, ``confidence``, ``bootstrap_draws``…) has its type's
default and range defined once, in a small field factory (``_seed`` …) that takes the notebook's own
description; a choice crossed by the specification curve or the multiverse is a :func:`_crossed` list.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from study.covariates import SPEC_SET_NAMES
from study.covariates import names as covariate_names
from study.paths import project_root


class NotebookParams(BaseModel):
    """Base of every notebook's parameter model: strict types, no unknown keys, immutable."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, validate_default=True)

    #: Modules the kernel fork server pre-imports for this notebook (no import-time side effects
    #: on global settings allowed: see :mod:`study.runner.zygote`). Not a parameter.
    warm_imports: ClassVar[tuple[str, ...]] = ()
    #: Removed parameters and what replaced each (named in the one-line unknown-key error). Not a parameter.
    replaced_parameters: ClassVar[dict[str, str]] = {}


def _warm_modules(libraries: tuple[str, ...], study: tuple[str, ...]) -> tuple[str, ...]:
    """A notebook's :attr:`NotebookParams.warm_imports`: what every notebook uses (scipy.stats, seaborn,
    pyarrow.parquet, :mod:`study.analysis.plotting`) and its own modules, in a fixed order.

    Parameters
    ----------
    libraries : tuple of str
        Third-party modules of this notebook (imported after scipy.stats).
    study : tuple of str
        Modules of this package the notebook calls (imported before :mod:`study.analysis.plotting`).

    Returns
    -------
    tuple of str
        ``scipy.stats``, ``libraries``, ``seaborn``, ``pyarrow.parquet``, ``study``,
        ``study.analysis.plotting``.
    """
    return ("scipy.stats", *libraries, "seaborn", "pyarrow.parquet", *study, "study.analysis.plotting")


def resolve_path(value: str | Path) -> Path:
    """A path from a parameter: absolute, or relative to the project root."""
    p = Path(value).expanduser()
    return p if p.is_absolute() else project_root() / p


#: Largest file a path parameter may name, in bytes (the bundled raw file has about 1 MB).
MAX_FILE_BYTES = 256 * 1024 * 1024


def _must_exist(value: str | None) -> str | None:
    """A path parameter must name a regular, readable file (not a folder, a device such as
    /dev/zero, a FIFO or a path under /proc that cannot be read), checked before any process starts."""
    import os
    import stat

    if value is None:
        return None
    if len(value) > 4096 or "\0" in value:
        raise PydanticCustomError("file_not_found", "not a usable path (too long or with a NUL character)")
    path = resolve_path(value)
    try:
        st = os.stat(path)
    except OSError as exc:
        if isinstance(exc, FileNotFoundError) or exc.errno == 20:  # ENOENT, ENOTDIR
            raise PydanticCustomError(
                "file_not_found",
                "file not found: {path} (relative paths are read from the project root {root})",
                {"path": value, "root": str(project_root())},
            ) from None
        raise PydanticCustomError(
            "file_not_found", "{path}: {cause}", {"path": value, "cause": exc.strerror or str(exc)}
        ) from None
    if not stat.S_ISREG(st.st_mode):
        kind = "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file (a device, FIFO or socket)"
        raise PydanticCustomError(
            "file_not_found", "{path} is {kind}; expected a regular file", {"path": value, "kind": kind}
        )
    if st.st_size > MAX_FILE_BYTES:
        raise PydanticCustomError(
            "file_not_found",
            "{path} has {size} bytes, more than the {limit} a path parameter may name",
            {"path": value, "size": f"{st.st_size:,}", "limit": f"{MAX_FILE_BYTES:,}"},
        )
    try:
        with open(path, "rb") as f:
            f.read(1)
    except OSError as exc:
        raise PydanticCustomError(
            "file_not_found", "{path}: cannot be read: {cause}", {"path": value, "cause": exc.strerror or str(exc)}
        ) from None
    return value


class ExistingFileMarker:
    """Marks a parameter as the path of a file that must exist (shown in help)."""


#: A path (text) to a file that must exist; relative paths are read from the project root.
ExistingFile = Annotated[str, Field(strict=True), AfterValidator(_must_exist), ExistingFileMarker()]

Lang = Literal["ja", "en"]
#: The reading of the staffing outcome: as printed, rounded up to a head count, or fractional figures dropped.
StaffingMeasure = Literal["as_printed", "headcount", "exclude_fractional"]
#: The reading of the public-assistance rate's unit: the cleaning's corrections kept, or the printed number.
WelfareReading = Literal["corrected", "printed"]

# ---------------------------------------------------------------------------
# Parameters that several notebooks share: each one's type, default and bounds are defined once here;
# each notebook gives its own description (what the parameter drives there).

#: Seed of every notebook's random draws, unless a parameter set sets another.
DEFAULT_SEED = 20190401
_FIGURE_LABELS = "Language of figure labels: 'ja' (Japanese) or 'en' (English)."
_INTERVALS = "Confidence level of the intervals."


def _label_language(description: str = _FIGURE_LABELS) -> Any:
    """The ``label_language`` parameter (:data:`Lang`): ``'ja'`` by default."""
    return Field("ja", description=description)


def _include_prefectures(description: str) -> Any:
    """The ``include_prefectures`` parameter (true/false): municipalities only (false) by default."""
    return Field(False, description=description)


def _bootstrap_draws(description: str, default: int = 2000) -> Any:
    """The ``bootstrap_draws`` parameter: bootstrap resamples, from 100 to 100,000 (2,000 by default)."""
    return Field(default, ge=100, le=100_000, description=description)


def _permutations(description: str) -> Any:
    """The ``permutations`` parameter of the permutation tests: 4,999 by default, from 99 to 100,000."""
    return Field(4999, ge=99, le=100_000, description=description)


def _seed(description: str) -> Any:
    """The ``seed`` parameter: :data:`DEFAULT_SEED` by default, from 0 to 2**32 - 1 (a NumPy seed)."""
    return Field(DEFAULT_SEED, ge=0, le=2**32 - 1, description=description)


def _confidence(description: str = _INTERVALS) -> Any:
    """The ``confidence`` parameter: the level of the intervals, 0.95 by default, from 0.5 to 0.999."""
    return Field(0.95, ge=0.5, le=0.999, description=description)


def _crossed(choices: Any, description: str) -> Any:
    """A list of the analysis choices ``choices`` (a ``Literal``) crossed in a specification curve or the
    multiverse: at least one; by default every choice, in the ``Literal``'s order."""
    return Field(list(get_args(choices)), min_length=1, description=description)


class AuditParams(NotebookParams):
    """Data audit: what the cleaning corrected and flagged, missingness per column, and the sample against
    national reference values."""

    label_language: Lang = _label_language(
        "Language of figure labels and table headers: 'ja' (the form's Japanese labels) or 'en' (English names)."
    )
    include_prefectures: bool = _include_prefectures(
        "Also count the 6 prefecture plans (prefecture-wide figures) in missingness and "
        "the national comparison. Municipalities only when false."
    )
    raw_path: ExistingFile | None = Field(
        None,
        description=(
            "Raw plans text to clean and audit instead of the bundled "
            "data/raw/hokatsu_plans.txt. Relative to the project root; must exist."
        ),
    )
    bootstrap_draws: int = _bootstrap_draws(
        "Bootstrap resamples behind each interval of a sample median or weighted mean."
    )
    seed: int = _seed("Seed of the bootstrap. Fixed, so the same parameters give the same intervals.")
    confidence: float = _confidence()

    warm_imports = _warm_modules((), ("study.clean.schema", "study.analysis.audit"))


Family = Literal["poisson_ql", "negbin"]
#: Covariates of each notebook, from the covariate table (:mod:`study.covariates`, column ``roles``).
StaffingCovariate = Literal[covariate_names("staffing")]  # type: ignore[valid-type]


class StaffingParams(NotebookParams):
    """Staffing: how planned 推進員 scale with population (Q1), aging and welfare given population (Q2),
    institutions (Q3)."""

    replaced_parameters: ClassVar[dict[str, str]] = {
        "exclude_hub_plans": (
            "replaced by the clean's staffing_design, adjusted for in every model (parameters 'design' and "
            "'unclear_design'); the hand list of hub plans is gone"
        ),
    }

    label_language: Lang = _label_language()
    family: Family = Field(
        "poisson_ql",
        description=(
            "Count model of the influence diagnostics and Q2: 'poisson_ql' (Poisson quasi-likelihood) or "
            "'negbin' (NB2, alpha by ML). Q1 reports both; its primary interval is the HC3 sandwich."
        ),
    )
    covariates: list[StaffingCovariate] = Field(
        [],
        description=(
            "Covariates added to log population and the design indicators in Q1 (none for the headline). "
            "Q2 always adds the aging and public-assistance rates."
        ),
    )
    staffing_measure: StaffingMeasure = Field(
        "as_printed",
        description=(
            "Outcome: planned 推進員 as printed (fractional FTE kept), rounded up to a head "
            "count, or plans with fractional figures dropped (the likelihood models and the GLMM always "
            "use the head count)."
        ),
    )
    exposure: Literal["catchment", "whole"] = Field(
        "catchment",
        description=(
            "Population of the models: the multi-agency project's catchment where the clean has it "
            "(catchment_population), or the whole municipality's (reported as a sensitivity either way)."
        ),
    )
    missing_catchment: Literal["whole", "drop"] = Field(
        "whole",
        description=(
            "A part-area or unclear catchment with no printed population: kept with the whole population "
            "and flagged (the declared rule), or dropped (the other choice is reported as a sensitivity)."
        ),
    )
    design: Literal["adjusted", "single_team_only"] = Field(
        "adjusted",
        description=(
            "How the clean's staffing_design enters: indicators of per_site and designated_existing "
            "(reference single_team) on all plans, or a model stratified to single-team plans."
        ),
    )
    unclear_design: Literal["single_team", "per_site", "designated_existing"] = Field(
        "single_team",
        description="Design an 'unclear' plan is coded as (the other codings are reported as sensitivities).",
    )
    include_prefectures: bool = _include_prefectures(
        "Also use the 6 prefecture plans where they have the numbers (they have no 推進員 "
        "count, so Q1 and Q2 are unchanged)."
    )
    bootstrap_draws: int = _bootstrap_draws(
        "Pairs-bootstrap resamples behind the BCa and percentile intervals (the first pass of Q2: more are "
        "drawn when the Monte Carlo SE of a printed bound is not below half a unit of its last digit)."
    )
    permutations: int = _permutations(
        "Permutations behind the Q2 permutation p-values (first pass; more by the same rule)."
    )
    power_simulations: int = Field(
        500,
        ge=50,
        le=20_000,
        description="Simulated data sets per point of the power curves behind the minimum detectable effects.",
    )
    max_draws: int = Field(
        200_000,
        ge=100,
        le=1_000_000,
        description=(
            "Most bootstrap resamples or permutations the Monte Carlo rule may ask for in Q2 (Q3 medians: at "
            "most 20,000); a number still noisier at the cap is printed with fewer digits."
        ),
    )
    seed: int = _seed("Seed of every random draw. Fixed, so the same parameters give the same numbers.")
    confidence: float = _confidence()

    warm_imports = _warm_modules(("statsmodels.api",), ("study.models", "study.analysis.staffing"))


#: Covariates of the targets models.
TargetCovariate = Literal[covariate_names("targets")]  # type: ignore[valid-type]


class TargetsParams(NotebookParams):
    """Measurable targets (Q4): how many quantified targets the plans set, which are outcomes, and what
    predicts them."""

    replaced_parameters: ClassVar[dict[str, str]] = {
        "exclude_hub_plans": "the hand list of hub plans is gone; deployment design is the clean's staffing_design",
    }

    label_language: Lang = _label_language()
    family: Family = Field(
        "negbin",
        description="Count model of the number of quantified targets: 'negbin' (NB2, alpha by ML) or 'poisson_ql'.",
    )
    count_covariates: list[TargetCovariate] = Field(
        [], description="Covariates added to log population in the count model of the number of targets."
    )
    outcome_covariates: list[TargetCovariate] = Field(
        ["aging_rate_pct", "welfare_rate_permille"],
        description=(
            "Covariates added to log population in the Firth logistic model of having an "
            "outcome target (the baseline is population only)."
        ),
    )
    cv_method: Literal["repeated", "loo"] = Field(
        "repeated",
        description=(
            "Cross-validation of the AUC: repeated stratified 5-fold (cv_repeats repeats) or "
            "leave-one-out (pessimistic when there is little signal; the permutation null allows for it)."
        ),
    )
    cv_repeats: int = Field(
        20, ge=1, le=200, description="Repeats of the stratified 5-fold CV (the AUC is the mean over repeats)."
    )
    auc_permutations: int = Field(
        499,
        ge=0,
        le=20_000,
        description=(
            "Outcome permutations through the whole CV procedure behind the AUC p-values (the primary "
            "test of Q4: model minus population-only AUC); the p floor is 1/(B+1)."
        ),
    )
    auc_bootstrap: int = Field(
        200,
        ge=0,
        le=5_000,
        description="Whole-procedure bootstrap resamples behind the AUC intervals (0: no interval).",
    )
    include_prefectures: bool = _include_prefectures(
        "Also use the 6 prefecture plans (their targets are prefecture-wide)."
    )
    bootstrap_draws: int = _bootstrap_draws("Bootstrap resamples behind the interval of the median consultation rate.")
    seed: int = _seed("Seed of every random draw (bootstrap, CV splits, permutations).")
    confidence: float = _confidence()

    warm_imports = _warm_modules(
        ("statsmodels.api", "sklearn.model_selection"), ("study.models", "study.analysis.targets")
    )


Feature = Literal[covariate_names("typology")]  # type: ignore[valid-type]


class TypologyParams(NotebookParams):
    """Typology (Q5): clusters of municipalities on standardised structure, and staffing and targets across them."""

    replaced_parameters: ClassVar[dict[str, str]] = {
        "exclude_hub_plans": "the hand list of hub plans is gone; deployment design is the clean's staffing_design",
    }

    label_language: Lang = _label_language()
    features: list[Feature] = Field(
        ["aging_rate_pct", "welfare_rate_permille", "hokatsu_outsourced_share", "log_hokatsu_per_10k_older"],
        min_length=2,
        description=(
            "Structural features clustered: shares and rates only, never population or counts "
            "(standardised; missing values imputed by the median)."
        ),
    )
    method: Literal["kmeans", "ward"] = Field(
        "kmeans", description="Clustering: k-means (50 starts) or Ward hierarchical clustering."
    )
    k: int | None = Field(
        None,
        ge=2,
        le=8,
        description=(
            "Number of clusters; left empty (null), it is chosen (from 2 to 6) by silhouette among those "
            "whose bootstrap stability (mean adjusted Rand index) reaches 0.6."
        ),
    )
    stability_draws: int = Field(100, ge=20, le=2000, description="Bootstrap resamples behind the stability of each k.")
    include_prefectures: bool = _include_prefectures("Also cluster the 6 prefecture plans (prefecture-wide figures).")
    bootstrap_draws: int = _bootstrap_draws("Bootstrap resamples behind the interval of each cluster mean.")
    permutations: int = _permutations(
        "Permutations behind the (secondary) tests of no difference between clusters, per outcome."
    )
    beyond_draws: int = Field(
        999,
        ge=99,
        le=20_000,
        description=(
            "Parametric-bootstrap draws behind the primary test of Q5: do the clusters add to log population "
            "in an NB2 model of planned staff?"
        ),
    )

    @field_validator("features")
    @classmethod
    def _size_free(cls, v: list[str]) -> list[str]:
        size = [f for f in v if f in ("log_pop", "population")]
        if size:
            raise ValueError(f"typology features must be size-free (shares and rates), not {', '.join(size)}")
        return v

    seed: int = _seed("Seed of every random draw (clustering starts, bootstrap, permutations).")

    warm_imports = _warm_modules(
        ("sklearn.cluster", "sklearn.decomposition"), ("study.models", "study.analysis.typology")
    )


#: Named covariate sets of the specification curve (:func:`study.covariates.spec_sets`).
CovariateSet = Literal[SPEC_SET_NAMES]  # type: ignore[valid-type]
#: Choices of the specification curve (Q6): exclusions, staffing-design codings, exposures.
SpecExclusion = Literal["none", "zero_staff"]
SpecDesign = Literal["all", "all_unclear_out", "single_team_unclear_in", "single_team_unclear_out"]
SpecExposure = Literal["population", "catchment"]


class RobustnessParams(NotebookParams):
    """Robustness (Q6): the specification curve of the staffing elasticity with a permutation null curve."""

    label_language: Lang = _label_language()
    families: list[Family] = Field(
        ["poisson_ql"],
        min_length=1,
        description=(
            "Count models crossed. Poisson QL by default (NB2 estimates are close, see "
            "10_staffing, and its permutation refits are slow)."
        ),
    )
    staffing_measures: list[StaffingMeasure] = _crossed(
        StaffingMeasure,
        "Staffing measures crossed: as printed, rounded up to a head count, fractional figures dropped.",
    )
    welfare_readings: list[WelfareReading] = _crossed(
        WelfareReading, "Readings of the public-assistance rate crossed (only where it is a covariate)."
    )
    exclusions: list[SpecExclusion] = _crossed(SpecExclusion, "Exclusions crossed: none, the plan placing no 推進員.")
    designs: list[SpecDesign] = _crossed(
        SpecDesign,
        "Staffing-design codings crossed (the clean's staffing_design): all plans, or single-team plans only "
        "(plans that designate existing staff or place one per site left out), each with the unclear "
        "plans in or out.",
    )
    exposures: list[SpecExposure] = _crossed(
        SpecExposure,
        "Exposures crossed: whole population, or the population of the multi-agency project's catchment "
        "(plans without one left out).",
    )
    weighting: Literal["balanced", "equal"] = Field(
        "balanced",
        description=(
            "Weights of the specifications in the median and the same-sign share: balanced (each choice "
            "equally weighted) or equal (each specification)."
        ),
    )
    covariate_sets: list[CovariateSet] = _crossed(
        CovariateSet,
        "Covariate sets crossed (log population always in): none, aging + public "
        "assistance, plus log density, log centres per 10,000 older residents.",
    )
    permutations: int = Field(
        1000, ge=0, le=20_000, description="Permutations behind the null curve (0: no null curve)."
    )
    seed: int = _seed("Seed of the permutations.")
    confidence: float = _confidence("Confidence level of each specification's interval.")

    warm_imports = _warm_modules(("statsmodels.api",), ("study.models", "study.analysis.robustness"))


#: Choices of the multiverse: exposures, readings of ambiguous staffing cells, exclusions, hub plans.
MultiverseExposure = Literal["population", "older_population", "catchment_population"]
AmbiguousReading = Literal["null", "one_in_total", "one_each"]
MultiverseExclusion = Literal["none", "zero_staff", "hub_plans", "zero_and_hub"]
HubCoding = Literal["designated_existing", "multi_site"]


class MultiverseParams(NotebookParams):
    """Multiverse (heavy): the staffing elasticity in every combination of the declared analysis choices,
    each with a bootstrap interval."""

    label_language: Lang = _label_language()
    exposures: list[MultiverseExposure] = _crossed(
        MultiverseExposure,
        "Exposure whose elasticity is estimated: log total population, log population "
        "aged 65+ (population × aging rate), or log population of the multi-agency "
        "project's catchment (catchment_population; plans without one are left out).",
    )
    families: list[Family] = _crossed(
        Family, "Count models crossed: Poisson quasi-likelihood and NB2 (alpha by ML in every resample)."
    )
    covariate_sets: list[CovariateSet] = _crossed(
        CovariateSet,
        "Covariate sets crossed (the exposure always in): none, aging + public "
        "assistance, plus log density, log centres per 10,000 older residents.",
    )
    welfare_readings: list[WelfareReading] = _crossed(
        WelfareReading,
        "Readings of the public-assistance rate's unit (the cleaning's unit corrections "
        "kept, or the printed number read as %); only crossed where the rate is a "
        "covariate.",
    )
    staffing_measures: list[StaffingMeasure] = _crossed(
        StaffingMeasure,
        "Staffing as printed (fractional FTE kept), rounded up to a head count, or plans "
        "with fractional figures dropped.",
    )
    ambiguous_readings: list[AmbiguousReading] = _crossed(
        AmbiguousReading,
        "Staffing cells the cleaning left null as ambiguous ('2拠点に1名配置'): left out, read "
        "as M persons in total, or M at each of the N sites.",
    )
    exclusions: list[MultiverseExclusion] = _crossed(
        MultiverseExclusion, "Exclusions crossed: none, the plan placing no 推進員, the hub plans, both."
    )
    hub_codings: list[HubCoding] = _crossed(
        HubCoding,
        "Which plans are hub plans (one 推進員 per site) where an exclusion drops them: the "
        "plans whose staffing_design the clean codes as designated_existing, or as designated_existing "
        "or per_site. Only crossed with the hub exclusions.",
    )
    bootstrap_draws: int = _bootstrap_draws(
        "Pairs-bootstrap resamples behind each specification's interval (in blocks of 256 draws).", default=256
    )
    interval: Literal["percentile", "bca"] = Field(
        "percentile",
        description=(
            "Bootstrap interval of each specification: percentile, or BCa (adds a jackknife: "
            "n more fits per specification)."
        ),
    )
    seed: int = _seed("Seed of the bootstrap (the same block streams in every specification).")
    confidence: float = _confidence()
    scheduler: str | None = Field(
        None,
        description=(
            "Dask scheduler address the specifications run on, such as "
            "'tcp://127.0.0.1:8786'; None: $STUDY_DASK_SCHEDULER if set, else local processes "
            "(see workers). Results do not depend on it."
        ),
    )
    workers: int = Field(
        1,
        ge=1,
        le=256,
        description=(
            "Local worker processes when no scheduler is used (1: in the notebook's process). "
            "Results do not depend on it."
        ),
    )

    warm_imports = _warm_modules((), ("study.models", "study.analysis.multiverse"))
