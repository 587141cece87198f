"""The covariates of the analyses: one table, one row per covariate.

Base layer (imports nothing of the package). Each row says what the covariate
is (its derivation from the entity columns, done by
:func:`study.models.frame.analysis_frame`), its Japanese and English figure
label (with the unit) and its unit, and where it may be used:

* ``roles`` -- the notebooks whose parameter models accept it:
  ``"staffing"`` (:class:`study.parameters.StaffingParams` ``covariates``),
  ``"targets"`` (:class:`study.parameters.TargetsParams` ``count_covariates`` /
  ``outcome_covariates``), ``"typology"`` (:class:`study.parameters.TypologyParams`
  ``features``, and the default feature list :data:`study.models.typology.FEATURES`);
* ``spec_sets`` -- the named covariate sets of the specification curve
  (:data:`study.models.speccurve.COVARIATE_SETS`) that contain it.

From this table come the ``Literal`` types of the parameter models, the labels
of every figure (:data:`study.analysis.plotting.TEXTS`), the typology features
and the specification-curve sets. The order of :data:`COVARIATES` is the order
of the choices in each of those (do not reorder rows: parameter help and the
default feature list follow it). Adding a covariate is one row here (plus its
derivation in :mod:`study.models.frame` if it is new) and a test; see
``docs/covariates.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Notebook roles a covariate can have.
ROLES = ("staffing", "targets", "typology")
#: Names of the specification curve's covariate sets, in their order (``population``: log population only).
SPEC_SET_NAMES = ("population", "need", "need_density", "institutions")


@dataclass(frozen=True)
class Covariate:
    """One covariate of the analyses.

    Attributes
    ----------
    name : str
        Column of the analysis frame (and the parameter value naming it).
    derivation : str
        How :func:`study.models.frame.analysis_frame` computes it from the entity columns.
    label_ja, label_en : str
        Figure labels with the unit, in Japanese and English.
    unit : str
        Unit of one step of the covariate (what a coefficient is "per").
    roles : tuple of str
        Notebooks whose parameters accept it (subset of :data:`ROLES`).
    spec_sets : tuple of str
        Specification-curve covariate sets containing it (subset of :data:`SPEC_SET_NAMES`).
    """

    name: str
    derivation: str
    label_ja: str
    label_en: str
    unit: str
    roles: tuple[str, ...] = ()
    spec_sets: tuple[str, ...] = ()


#: Every covariate, in the order of the choices of the parameter models.
COVARIATES: tuple[Covariate, ...] = (
    Covariate("log_pop", "log(population)", "人口(対数)", "log population", "log residents", roles=("typology",)),
    Covariate(
        "aging_rate_pct",
        "aging_rate_pct as cleaned (share of residents aged 65+)",
        "高齢化率(%)",
        "aging rate, share aged 65+ (%)",
        "percentage points",
        roles=("staffing", "targets", "typology"),
        spec_sets=("need", "need_density"),
    ),
    Covariate(
        "welfare_rate_permille",
        "welfare_rate_permille as cleaned, or the printed reading (welfare='printed')",
        "生活保護受給率(‰)",
        "public-assistance rate (‰)",
        "per mille",
        roles=("staffing", "targets", "typology"),
        spec_sets=("need", "need_density"),
    ),
    Covariate(
        "log_density",
        "log(population / area_km2)",
        "人口密度(対数)",
        "log density",
        "log residents per km²",
        roles=("staffing", "targets", "typology"),
        spec_sets=("need_density",),
    ),
    Covariate(
        "log_hokatsu_per_10k_older",
        "log(hokatsu_total / (population × aging_rate_pct / 100) × 10,000)",
        "包括センター/高齢者1万人(対数)",
        "log centres per 10k older",
        "log centres per 10,000 residents aged 65+",
        roles=("staffing", "targets", "typology"),
        spec_sets=("institutions",),
    ),
    Covariate(
        "hokatsu_outsourced_share",
        "hokatsu_outsourced / hokatsu_total (when the split is known and the total > 0)",
        "包括センター委託割合",
        "outsourced share of centres",
        "share (0 to 1)",
        roles=("typology",),
    ),
    Covariate(
        "staff_per_100k",
        "staff / population × 100,000 (staff: the staffing measure)",
        "推進員(人口10万人あたり, 人)",
        "coordinators per 100,000 residents (persons)",
        "persons per 100,000 residents",
        roles=("targets",),
    ),
)

#: Covariates by name.
BY_NAME: dict[str, Covariate] = {c.name: c for c in COVARIATES}


def names(role: str) -> tuple[str, ...]:
    """Names of the covariates with a role, in table order.

    Parameters
    ----------
    role : {"staffing", "targets", "typology"}
        Notebook role (see :data:`ROLES`).

    Returns
    -------
    tuple of str
        Covariate names (columns of the analysis frame).
    """
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}, not {role!r}")
    return tuple(c.name for c in COVARIATES if role in c.roles)


def spec_sets() -> dict[str, tuple[str, ...]]:
    """The specification curve's named covariate sets (the focal term is added by the curve).

    Returns
    -------
    dict of str to tuple of str
        Set name (:data:`SPEC_SET_NAMES` order) -> covariate names in table order.
    """
    return {s: tuple(c.name for c in COVARIATES if s in c.spec_sets) for s in SPEC_SET_NAMES}


def labels() -> dict[str, dict[str, str]]:
    """Figure labels of every covariate, by language.

    Returns
    -------
    dict of str to dict
        Covariate name -> ``{"ja": label, "en": label}`` (labels carry the unit).
    """
    return {c.name: {"ja": c.label_ja, "en": c.label_en} for c in COVARIATES}
