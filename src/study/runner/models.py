"""The parameter models of the notebooks, one class per notebook.

Kept in one light module (pydantic only, no pandas or matplotlib) so that
validating a parameter set and ``study params`` take no time, and so that the
runner can validate before it imports anything heavy or starts any kernel.
Each model is registered by notebook name in :mod:`study.runner.registry`.
Field descriptions are the parameters' meanings (shown by ``study params``);
``Field(ge=…, le=…)`` gives allowed ranges; :data:`ExistingFile` a path that must exist.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from study.runner.params import ExistingFile, NotebookParams

Lang = Literal["ja", "en"]


class AuditParams(NotebookParams):
    """Data audit: what the cleaning corrected and flagged, missingness per column, and the sample against national reference values."""

    label_language: Lang = Field("ja", description="Language of figure labels and table headers: 'ja' (the form's Japanese labels) or 'en' (English names).")
    include_prefectures: bool = Field(False, description="Also count the 6 prefecture plans (prefecture-wide figures) in missingness and the national comparison. Municipalities only when false.")
    raw_path: ExistingFile | None = Field(None, description="Raw plans text to clean and audit instead of the bundled data/raw/hokatsu_plans.txt. Relative to the project root; must exist.")
    bootstrap_draws: int = Field(2000, ge=100, le=100_000, description="Bootstrap resamples behind each interval of a sample median or weighted mean.")
    seed: int = Field(20190401, ge=0, le=2**32 - 1, description="Seed of the bootstrap. Fixed, so the same parameters give the same intervals.")
    confidence: float = Field(0.95, ge=0.5, le=0.999, description="Confidence level of the intervals.")

    warm_imports = ("scipy.stats", "seaborn", "pyarrow.parquet", "study.schema", "study.audit", "study.plotting")
