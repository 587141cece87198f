"""The municipal analysis frame: one row per plan, with documented exclusions and transforms.

:func:`analysis_frame` turns the cleaned entity table (``entities.csv`` /
``clean_file().entities``) into the frame every model reads. What it does,
in order:

1. **Level.** Municipal plans only (``level == "municipality"``) unless
   ``include_prefectures=True``; prefecture rows (都道府県事業) run a different
   project and have no 推進員 count, so they are left out by default.
2. **Types.** Nullable integer / float / boolean columns become ``float64``
   with ``NaN`` for missing (booleans: 1.0 / 0.0 / NaN); strings stay strings.
   All entity columns are kept, so columns added upstream later (target
   counts, ``implementer_type_takikan``…) pass through unchanged.
3. **Welfare reading** (``welfare=``): ``"corrected"`` keeps the cleaned
   ``welfare_rate_permille``; ``"printed"`` undoes the two unit corrections that
   change a printed number's meaning (rules ``percent_sign_on_permille_value``
   and ``fraction_to_permille``) and reads the printed % value ×10 instead,
   recovered from the ``raw`` text of the corrections rows of field
   ``welfare_rate_permille`` (needs ``corrections=``). Rows converted by plain
   ``percent_to_permille`` read the same either way.
4. **Staffing measure** (``staffing=``) in column ``staff``:
   ``"as_printed"`` is ``staff_planned`` (fractional FTE such as 3.5 and 1.4
   kept); ``"headcount"`` is ``ceil(staff_planned)`` -- a fractional FTE means
   at least one more person works part of the time, so the ceiling is the
   smallest head count consistent with the printed figure (3.5 -> 4, 1.4 -> 2);
   ``"exclude_fractional"`` keeps ``staff_planned`` but drops plans whose figure
   is not a whole number.
5. **Derived columns** (NaN where an input is missing): ``name`` (municipality,
   or prefecture for prefecture rows), ``log_pop = log(population)``,
   ``older_pop = population × aging_rate_pct / 100``, ``log_older``,
   ``density = population / area_km2``, ``log_density``,
   ``hokatsu_per_10k_older = hokatsu_total / older_pop × 10,000`` (and its log),
   ``hokatsu_outsourced_share = hokatsu_outsourced / hokatsu_total`` (when the
   split is known and the total > 0), ``konkyu_per_100k``, ``staff_per_100k``,
   ``staff_fractional`` (1.0 when staff_planned is not whole),
   ``zero_staff`` (1.0 when staff_planned == 0).
6. **Exposure and deployment design** (fixed by the clean before any model is fitted):
   ``exposure_population`` (residents) is the population the multi-agency
   project covers under ``exposure="catchment"``: the clean's
   ``catchment_population`` (the 1-1 population for a whole-municipality
   project, the printed population of the named area for a part-area one);
   under ``exposure="whole"`` it is ``population``. A plan whose catchment is
   part of the municipality or unclear and prints no population
   (``exposure_imputed`` = 1.0) is, by the rule declared here before fitting,
   **kept with the whole population and flagged**
   (``missing_catchment="whole"``); ``missing_catchment="drop"`` drops it
   instead (the sensitivity). ``log_exposure = log(exposure_population)``.
   ``design`` is the clean's ``staffing_design`` with two fixed codings: a plan
   placing no 推進員 (the clean leaves its design null) enters as
   ``single_team`` (the reference: it deploys nobody over several sites), and
   ``unclear`` is read as ``unclear_design`` (``single_team`` by default; the
   other readings are sensitivities). ``design_per_site`` and
   ``design_designated_existing`` are its indicators (reference
   ``single_team``).
7. **Exclusions**, each logged in ``AnalysisFrame.excluded`` with a reason:
   ``exclude_zero_staff`` (plans placing no 推進員), ``exclude_designs``
   (plans whose coded ``design`` is one of those named), fractional figures under
   ``"exclude_fractional"``, plans without a printed catchment population under
   ``missing_catchment="drop"``, and rows missing a ``require``\\ d column.

Deployment designs. A few plans designate existing staff at each centre or
partner agency as 推進員, or place one per site, instead of one team, so their
count tracks the number of sites rather than staffing effort. Which plans do
so is the clean's rule-based ``staffing_design`` (never a hand list of plans
picked for their counts): the models adjust for it (the design indicators) or,
as a sensitivity, drop designs with ``exclude_designs``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

STAFFING_MEASURES = ("as_printed", "headcount", "exclude_fractional")
WELFARE_READINGS = ("corrected", "printed")
EXPOSURES = ("catchment", "whole")
MISSING_CATCHMENT = ("whole", "drop")
#: Deployment designs of the clean (``staffing_design``) a model distinguishes; ``single_team`` is the reference.
DESIGNS = ("single_team", "per_site", "designated_existing")
#: Indicator columns of the non-reference designs.
DESIGN_COLUMNS = ("design_per_site", "design_designated_existing")
#: Correction rules whose printed number is *not* the % reading the 'printed' variant uses.
WELFARE_UNIT_RULES = ("percent_sign_on_permille_value", "fraction_to_permille")


@dataclass(frozen=True)
class AnalysisFrame:
    """The analysis frame (``data``), the rows left out with their reasons, and the options used."""

    data: pd.DataFrame
    excluded: pd.DataFrame
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def n(self) -> int:
        """Rows in the analysis frame."""
        return len(self.data)


def _to_plain(df: pd.DataFrame) -> pd.DataFrame:
    out = {}
    for c in df.columns:
        s = df[c]
        if pd.api.types.is_bool_dtype(s.dtype) or str(s.dtype) == "boolean":
            out[c] = s.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        elif pd.api.types.is_numeric_dtype(s.dtype):
            out[c] = pd.to_numeric(s).astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        else:
            out[c] = s.astype(object).where(s.notna(), None).to_numpy()
    return pd.DataFrame(out, index=df.index)


_NUM = re.compile(r"\d+(?:\.\d+)?")


def printed_welfare_permille(corrections: pd.DataFrame) -> dict[str, float]:
    """Welfare rate per entity as the 'printed' reading.

    Parameters
    ----------
    corrections : pandas.DataFrame
        The corrections log.

    Returns
    -------
    dict of str to float
        entity_id -> the printed number × 10 (read as %, in ‰), for the rows whose correction of
        ``welfare_rate_permille`` was a unit-meaning change (:data:`WELFARE_UNIT_RULES`).

    Raises
    ------
    ValueError
        If a printed value holds no number.
    """
    rows = corrections[(corrections["field"] == "welfare_rate_permille") & corrections["rule"].isin(WELFARE_UNIT_RULES)]
    out: dict[str, float] = {}
    for eid, raw in zip(rows["entity_id"], rows["raw"], strict=True):
        m = _NUM.search(unicodedata.normalize("NFKC", str(raw)))
        if m is None:
            raise ValueError(f"no number in the printed welfare rate {raw!r} of {eid}")
        out[str(eid)] = float(m.group()) * 10.0
    return out


def _safe_log(x: pd.Series) -> pd.Series:
    return np.log(x.where(x > 0))


def analysis_frame(
    entities: pd.DataFrame,
    corrections: pd.DataFrame | None = None,
    *,
    include_prefectures: bool = False,
    staffing: str = "as_printed",
    welfare: str = "corrected",
    exclude_zero_staff: bool = False,
    exclude_designs: Iterable[str] = (),
    require: Sequence[str] = ("staff", "population"),
    exposure: str = "whole",
    missing_catchment: str = "whole",
    unclear_design: str = "single_team",
) -> AnalysisFrame:
    """Build the analysis frame from the entity table (see the module doc for every step).

    Parameters
    ----------
    entities : pandas.DataFrame
        The cleaned entity table.
    corrections : pandas.DataFrame, optional
        The corrections log (needed by ``welfare="printed"``; sets ``welfare_unit_corrected``).
    include_prefectures : bool
        Keep the prefecture plans.
    staffing : {"as_printed", "headcount", "exclude_fractional"}
        Staffing measure of column ``staff`` (persons).
    welfare : {"corrected", "printed"}
        Reading of ``welfare_rate_permille`` (‰).
    exclude_zero_staff : bool
        Drop plans placing no 推進員.
    exclude_designs : iterable of str
        Drop the plans whose coded ``design`` (step 6) is one of these (:data:`DESIGNS`).
    require : sequence of str
        Columns that must be non-missing (default: the staffing measure and population, i.e. the
        staffing models' sample; pass ``("population",)`` for all plans).
    exposure : {"whole", "catchment"}
        Population in ``exposure_population`` / ``log_exposure`` (residents): the municipality's, or the
        project's catchment (see the module doc, step 6).
    missing_catchment : {"whole", "drop"}
        A part-area or unclear catchment with no printed population: kept with the whole population and
        flagged (``exposure_imputed``), or dropped (only under ``exposure="catchment"``).
    unclear_design : {"single_team", "per_site", "designated_existing"}
        Design an ``unclear`` plan is coded as.

    Returns
    -------
    AnalysisFrame
        ``data`` (one row per plan, in the order of ``entities``, with the derived columns of the
        covariate table :mod:`study.covariates`), ``excluded`` (with reasons) and ``options``.
    """
    if staffing not in STAFFING_MEASURES:
        raise ValueError(f"staffing must be one of {STAFFING_MEASURES}, not {staffing!r}")
    if welfare not in WELFARE_READINGS:
        raise ValueError(f"welfare must be one of {WELFARE_READINGS}, not {welfare!r}")
    if exposure not in EXPOSURES:
        raise ValueError(f"exposure must be one of {EXPOSURES}, not {exposure!r}")
    if missing_catchment not in MISSING_CATCHMENT:
        raise ValueError(f"missing_catchment must be one of {MISSING_CATCHMENT}, not {missing_catchment!r}")
    if unclear_design not in DESIGNS:
        raise ValueError(f"unclear_design must be one of {DESIGNS}, not {unclear_design!r}")
    dropped_designs = sorted({str(d) for d in exclude_designs})
    if unknown := [d for d in dropped_designs if d not in DESIGNS]:
        raise ValueError(f"exclude_designs must name designs of {DESIGNS}, not {unknown}")
    df = _to_plain(entities.reset_index(drop=True))
    df["entity_id"] = df["entity_id"].astype(str)

    if welfare == "printed":
        if corrections is None:
            raise ValueError("welfare='printed' needs the corrections table (corrections=)")
        printed = printed_welfare_permille(corrections)
        df["welfare_rate_permille"] = [
            printed.get(e, v) for e, v in zip(df["entity_id"], df["welfare_rate_permille"], strict=True)
        ]
    df["welfare_unit_corrected"] = (
        df["entity_id"].isin(printed_welfare_permille(corrections)).astype(float) if corrections is not None else np.nan
    )

    has_muni = df["municipality"].notna() & (df["municipality"].astype(str).str.strip() != "")
    muni = df["municipality"].where(has_muni, df["prefecture"])
    df.insert(df.columns.get_loc("municipality") + 1, "name", muni)
    pop = df["population"]
    df["log_pop"] = _safe_log(pop)
    df["older_pop"] = pop * df["aging_rate_pct"] / 100.0
    df["log_older"] = _safe_log(df["older_pop"])
    df["density"] = pop / df["area_km2"].where(df["area_km2"] > 0)
    df["log_density"] = _safe_log(df["density"])
    df["hokatsu_per_10k_older"] = df["hokatsu_total"] / df["older_pop"] * 1e4
    df["log_hokatsu_per_10k_older"] = _safe_log(df["hokatsu_per_10k_older"])
    split = df["hokatsu_direct"].notna() & df["hokatsu_outsourced"].notna() & (df["hokatsu_total"] > 0)
    df["hokatsu_outsourced_share"] = (df["hokatsu_outsourced"] / df["hokatsu_total"]).where(split)
    df["konkyu_per_100k"] = df["konkyu_total"] / pop * 1e5

    sp = df["staff_planned"]
    frac = sp.notna() & (np.abs(sp - np.round(sp)) > 1e-9)
    df["staff_fractional"] = frac.astype(float).where(sp.notna())
    df["staff"] = np.ceil(sp - 1e-9) if staffing == "headcount" else sp
    df["staff_per_100k"] = df["staff"] / pop * 1e5
    df["zero_staff"] = (sp == 0).astype(float).where(sp.notna())
    _exposure_and_design(df, exposure, unclear_design)

    reasons: list[tuple[int, str]] = []
    keep = pd.Series(True, index=df.index)

    def drop(mask: pd.Series, reason: str) -> None:
        nonlocal keep
        hit = mask & keep
        reasons.extend((i, reason) for i in df.index[hit])
        keep &= ~mask

    if not include_prefectures:
        drop(df["level"] != "municipality", "prefecture plan (include_prefectures=False)")
    if exclude_zero_staff:
        drop(df["zero_staff"] == 1.0, "places no 推進員 (exclude_zero_staff)")
    for d in dropped_designs:
        drop(df["design"] == d, f"staffing design {d} (exclude_designs)")
    if staffing == "exclude_fractional":
        drop(frac, "fractional FTE (staffing='exclude_fractional')")
    if exposure == "catchment" and missing_catchment == "drop":
        drop(df["exposure_imputed"] == 1.0, "catchment population not printed (missing_catchment='drop')")
    for col in require:
        if col not in df.columns:
            raise KeyError(f"required column {col!r} not in the frame")
        drop(df[col].isna(), f"{col} missing")

    excluded = pd.DataFrame(
        [(df.loc[i, "entity_id"], df.loc[i, "name"], df.loc[i, "level"], r) for i, r in reasons],
        columns=["entity_id", "name", "level", "reason"],
    )
    data = df[keep].reset_index(drop=True)
    options = dict(
        include_prefectures=include_prefectures,
        staffing=staffing,
        welfare=welfare,
        exclude_zero_staff=exclude_zero_staff,
        exclude_designs=dropped_designs,
        require=list(require),
        exposure=exposure,
        missing_catchment=missing_catchment,
        unclear_design=unclear_design,
    )
    return AnalysisFrame(data=data, excluded=excluded, options=options)


def _exposure_and_design(df: pd.DataFrame, exposure: str, unclear_design: str) -> None:
    """Add ``exposure_population``, ``exposure_imputed``, ``log_exposure``, ``design`` and its indicators
    (module doc, step 6) to ``df`` in place."""
    pop = df["population"]
    catch = df["catchment_population"] if "catchment_population" in df else pd.Series(np.nan, index=df.index)
    scope = df["catchment_scope"] if "catchment_scope" in df else pd.Series(None, index=df.index, dtype=object)
    unknown = scope.isin(["part", "unclear"]) & catch.isna() & pop.notna()
    if exposure == "catchment":
        df["exposure_population"] = catch.where(catch.notna(), pop)
        df["exposure_imputed"] = unknown.astype(float)
    else:
        df["exposure_population"] = pop
        df["exposure_imputed"] = 0.0
    df["log_exposure"] = _safe_log(df["exposure_population"])
    raw = df["staffing_design"] if "staffing_design" in df else pd.Series(None, index=df.index, dtype=object)
    design = raw.where(raw != "unclear", unclear_design)
    design = design.where(design.notna() | (df["staff_planned"] != 0), "single_team")
    df["design"] = design
    for col, level in zip(DESIGN_COLUMNS, DESIGNS[1:], strict=True):
        df[col] = (design == level).astype(float).where(design.notna())


def from_clean(result: Any = None, **kwargs: Any) -> AnalysisFrame:
    """:func:`analysis_frame` of a clean result.

    Parameters
    ----------
    result : study.clean.pipeline.CleanResult, optional
        A clean (default: clean the bundled file).
    **kwargs
        Options of :func:`analysis_frame`.

    Returns
    -------
    AnalysisFrame
    """
    if result is None:
        from study.clean.pipeline import clean_file

        result = clean_file()
    return analysis_frame(result.entities, result.corrections, **kwargs)


def headcount(fte: float) -> float:
    """The head count implied by a printed FTE figure.

    Parameters
    ----------
    fte : float
        Planned staff as printed (full-time equivalents).

    Returns
    -------
    float
        Its ceiling (persons; NaN stays NaN).
    """
    return fte if math.isnan(fte) else float(math.ceil(fte - 1e-9))
