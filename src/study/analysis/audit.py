"""The data audit (notebook ``00_data_audit``): what the cleaning did, what is
missing, and how the sample compares with national reference values.

Pure functions of the cleaned tables returning DataFrames, figures and
headline numbers; the notebook only calls them. Every random draw is seeded,
every table sorted, every float rounded, so the same parameters give the same
bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from study.analysis.codebook import distinct_labels, entity_codebook, field_labels
from study.analysis.plotting import palette, text, wrap
from study.analysis.tables import read_csv
from study import catalogue
from study.clean.rules import RULE_BY_ID
from study.models.describe import wilson
from study.models.results import HeadlineResult, headline_result
from study.models.wald import wald
from study.parameters import AuditParams  # noqa: F401  (the notebook's parameters, re-exported)
from study.parameters import Lang, resolve_path
from study.paths import processed_dir


if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class Reference:
    """A national reference value.

    Attributes
    ----------
    column : str
        Entity column it is compared with.
    value : float
        The national value, in ``unit``.
    unit : str
        ``"%"`` or ``"‰"``.
    when, when_ja : str
        Reference date, in English and Japanese.
    source : str
        Where the value is published.
    """

    column: str
    value: float
    unit: str
    when: str
    when_ja: str
    source: str


#: National reference values for FY2019 / 2019.
NATIONAL: dict[str, Reference] = {
    "welfare_rate_permille": Reference(
        "welfare_rate_permille",
        16.4,
        "‰",
        "FY2019 monthly average",
        "2019年度の月平均",
        "厚生労働省「被保護者調査」令和元年度 (MHLW Survey of Public Assistance Recipients, FY2019): 保護率 1.64% = "
        "16.4‰",
    ),
    "aging_rate_pct": Reference(
        "aging_rate_pct",
        28.4,
        "%",
        "1 October 2019",
        "2019年10月1日",
        "総務省統計局「人口推計」2019年10月1日 (Statistics Bureau population estimates, 1 Oct 2019): 65歳以上 28.4%",
    ),
}


@dataclass(frozen=True)
class PublishedStaffing:
    """A published figure of 推進員 per municipality, and how its survey differs from our plans.

    Attributes
    ----------
    mean, sd : float
        Coordinators per municipality (persons): mean and standard deviation.
    n : int
        Municipalities surveyed.
    source : str
        The study (grant numbers).
    year, programme, sample : str
        When, under which programme and among whom it was surveyed (English).
    """

    mean: float
    sd: float
    n: int
    source: str
    year: str
    programme: str
    sample: str


#: KAKEN survey of 重層的支援体制整備事業 municipalities: 推進員 per municipality 3.39 ± 4.99.
KAKEN_STAFFING = PublishedStaffing(
    mean=3.39,
    sd=4.99,
    n=91,
    source="KAKEN 21H00793 / 23K20655",
    year="FY2021–22",
    programme="重層的支援体制整備事業 (multi-layered support system programme)",
    sample="survey of the municipalities implementing the 重層 programme",
)


def staffing_published_comparison(entities: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Our planned 推進員 per municipality against the published KAKEN figure (:data:`KAKEN_STAFFING`).

    Parameters
    ----------
    entities : pandas.DataFrame
        The audited entities (municipal rows with ``staff_planned``, persons, as printed).
    confidence : float
        Confidence level of the Welch interval of the difference.

    Returns
    -------
    pandas.DataFrame
        One row: ``n``, ``mean``, ``sd`` (ours, municipal plans with a staff figure; FY2019 plans of the
        包括的支援体制構築事業 model projects), the published ``published_mean``, ``published_sd``,
        ``published_n``, the difference of means (persons) with its Welch ``diff_low``/``diff_high`` and
        ``welch_p``, and what differs (``year``, ``programme``, ``sample``).
    """
    x = pd.to_numeric(entities.loc[entities["level"] == "municipality", "staff_planned"], errors="coerce").dropna()
    x = x.to_numpy(float)
    n, m, sd = len(x), float(np.mean(x)), float(np.std(x, ddof=1))
    k = KAKEN_STAFFING
    v1, v2 = sd**2 / n, k.sd**2 / k.n
    se = float(np.sqrt(v1 + v2))
    dof = (v1 + v2) ** 2 / (v1**2 / (n - 1) + v2**2 / (k.n - 1))
    diff = m - k.mean
    low, high, p = wald(diff, se, confidence, dof)
    return pd.DataFrame(
        [
            {
                "n": n,
                "mean": m,
                "sd": sd,
                "published_mean": k.mean,
                "published_sd": k.sd,
                "published_n": k.n,
                "difference": diff,
                "diff_low": low,
                "diff_high": high,
                "welch_p": float(p),
                "source": k.source,
                "year": f"ours FY2019 plans; published {k.year}",
                "programme": f"ours 包括的支援体制構築事業 model projects; published {k.programme}",
                "sample": f"ours {n} municipal plans with a staff figure; published {k.sample} (n = {k.n})",
            }
        ]
    )


#: Entity columns that identify a row rather than measure something (left out of missingness).
ID_COLUMNS = ("entity_id", "source_line", "level", "prefecture", "municipality", "municipality_raw")


# ---------------------------------------------------------------------------
# loading


@dataclass(frozen=True)
class AuditTables:
    """The cleaned tables the audit reads.

    Attributes
    ----------
    entities : pandas.DataFrame
        One row per entity (plan).
    corrections, issues, provenance : pandas.DataFrame
        The cleaning's logs: corrected values, values it could not read or that fail a check, and
        where each value was read.
    source : str
        The folder read, or the raw file cleaned.
    """

    entities: pd.DataFrame
    corrections: pd.DataFrame
    issues: pd.DataFrame
    provenance: pd.DataFrame
    source: str


def load_tables(data_dir: Path | str | None = None, raw_path: str | Path | None = None) -> AuditTables:
    """The cleaned tables the audit reads.

    Parameters
    ----------
    data_dir : pathlib.Path or str, optional
        Folder of the cleaned tables (under the runner: the folder it prepared, cleaned from
        ``raw_path`` when one is set).
    raw_path : pathlib.Path or str, optional
        A raw plans text, relative to the project root or absolute; when no ``data_dir`` is given,
        it is cleaned now (:func:`study.clean.pipeline.clean_file`).

    Returns
    -------
    AuditTables
        Entities, corrections, issues and provenance, and where they came from. With neither
        argument: the tables of :func:`study.paths.processed_dir`.
    """
    if raw_path is not None and data_dir is None:
        from study.clean.pipeline import clean_file

        r = clean_file(resolve_path(raw_path))
        return AuditTables(r.entities, r.corrections, r.issues, r.provenance, str(raw_path))
    folder = Path(data_dir) if data_dir is not None else processed_dir()
    return AuditTables(
        entities=pd.read_parquet(folder / "entities.parquet"),
        corrections=read_csv(folder / "corrections.csv"),
        issues=read_csv(folder / "issues.csv"),
        provenance=read_csv(folder / "provenance.csv"),
        source=str(folder),
    )


def select_entities(entities: pd.DataFrame, include_prefectures: bool) -> pd.DataFrame:
    """The entities audited.

    Parameters
    ----------
    entities : pandas.DataFrame
        The entity table.
    include_prefectures : bool
        Keep the prefecture plans too.

    Returns
    -------
    pandas.DataFrame
        Municipality rows (plus prefecture rows when asked), in the original order.
    """
    if include_prefectures:
        return entities.reset_index(drop=True)
    return entities[entities["level"] == "municipality"].reset_index(drop=True)


# ---------------------------------------------------------------------------
# labels and glossary


#: Columns whose Japanese terms make the glossary: the form's basic information and the terms used below.
GLOSSARY_COLUMNS = (
    "prefecture",
    "municipality",
    "lg_code",
    "implements_chiikiryoku",
    "implements_takikan",
    "implements_prefectural",
    "population",
    "households",
    "aging_rate_pct",
    "welfare_rate_permille",
    "area_km2",
    "community_org_rate_pct",
    "elementary_schools",
    "junior_high_schools",
    "hokatsu_total",
    "konkyu_total",
    "staff_planned",
)


def glossary() -> pd.DataFrame:
    """The Japanese terms of the form with their English names, from the codebook.

    Returns
    -------
    pandas.DataFrame
        ``term_ja, english, column, unit``: one row per term, for the columns of
        :data:`GLOSSARY_COLUMNS` present in the schema, in codebook order.
    """
    cb = entity_codebook()
    cb = cb[cb["column"].isin(GLOSSARY_COLUMNS) & (cb["label_ja"] != "—")]
    rows, seen = [], set()
    for _, r in cb.iterrows():
        term = r["label_ja_short"]
        if term in seen:
            continue
        seen.add(term)
        rows.append({"term_ja": term, "english": r["label_en"], "column": r["column"], "unit": r["unit"] or ""})
    return pd.DataFrame(rows, columns=["term_ja", "english", "column", "unit"])


# ---------------------------------------------------------------------------
# what the cleaning did

#: Readers' labels of the issue checks (the ``check`` codes of ``issues.csv``; ``study/texts/audit.toml``
#: [checks]). The rules' labels live with the rules (:data:`study.clean.rules.RULE_ROWS`, ``rules.csv``).
CHECK_LABELS = catalogue.table("audit", "checks")
#: Readers' labels of the log fields that are not entity columns (the targets and project-area tables;
#: ``study/texts/audit.toml`` [table_fields]).
TABLE_FIELD_LABELS = catalogue.table("audit", "table_fields")


def rule_label(rule: str, lang: Lang = "ja") -> str:
    """A cleaning rule's short label for readers (``label_ja`` / ``label_en`` of ``rules.csv``); the id if unknown."""
    r = RULE_BY_ID.get(rule)
    return rule if r is None else (r.label_ja if lang == "ja" else r.label_en)


def check_label(check: str, lang: Lang = "ja") -> str:
    """An issue check's short label for readers (:data:`CHECK_LABELS`); the code itself if it has none."""
    return CHECK_LABELS.get(check, {}).get(lang, check)


def counts_by_field(table: pd.DataFrame, by: Literal["rule", "check"], lang: Lang = "ja") -> pd.DataFrame:
    """Number of rows of a cleaning log per (``by``, field), most frequent first.

    Parameters
    ----------
    table : pandas.DataFrame
        A log with columns ``by`` and ``field`` (the corrections or the issues).
    by : {"rule", "check"}
        The grouping column: ``"rule"`` for the corrections log, ``"check"`` for the issues log.
    lang : {"ja", "en"}
        Language of the field labels.

    Returns
    -------
    pandas.DataFrame
        ``<by>, <by>_label, field, field_label, n`` (rows of the log), by n descending, then ``by`` and
        field; ``<by>_label`` is the rule's or check's label in ``lang`` (:func:`rule_label`, :func:`check_label`).
    """
    labels = field_labels(lang)
    counts = table.groupby([by, "field"], dropna=False).size().reset_index(name="n")
    extra = {k: v[lang] for k, v in TABLE_FIELD_LABELS.items()}
    counts["field_label"] = counts["field"].map(labels).fillna(counts["field"].map(extra)).fillna(counts["field"])
    name = rule_label if by == "rule" else check_label
    counts[f"{by}_label"] = [name(str(x), lang) for x in counts[by]]
    counts = counts.sort_values(["n", by, "field"], ascending=[False, True, True], kind="mergesort").reset_index(
        drop=True
    )
    return counts[[by, f"{by}_label", "field", "field_label", "n"]]


def share_corrected(corrections: pd.DataFrame, provenance: pd.DataFrame) -> tuple[int, int]:
    """How many of the values read were corrected.

    Parameters
    ----------
    corrections : pandas.DataFrame
        The corrections log.
    provenance : pandas.DataFrame
        The provenance log (one row per value read).

    Returns
    -------
    (int, int)
        Values corrected and values read: distinct (entity, field) pairs of the provenance table,
        and those of them with at least one correction.
    """
    read = provenance[["entity_id", "field"]].drop_duplicates()
    fixed = corrections[["entity_id", "field"]].dropna().drop_duplicates()
    k = len(read.merge(fixed, on=["entity_id", "field"], how="inner"))
    return k, len(read)


def cleaning_summary(tables: AuditTables, entities: pd.DataFrame) -> pd.DataFrame:
    """Counts that describe the clean, one row per quantity.

    Parameters
    ----------
    tables : AuditTables
        The cleaned tables.
    entities : pandas.DataFrame
        The audited entities (:func:`select_entities`).

    Returns
    -------
    pandas.DataFrame
        ``quantity, label_ja, value``: entities, municipalities, prefecture plans, values read and
        corrected, corrections and issues logged, entities with a correction, rules used (counts).
    """
    k, n = share_corrected(tables.corrections, tables.provenance)
    ids = set(entities["entity_id"])
    rows = [
        ("entities", "団体数", len(entities)),
        ("municipalities", "市区町村", int((entities["level"] == "municipality").sum())),
        ("prefecture_plans", "都道府県", int((entities["level"] == "prefecture").sum())),
        ("values_read", "読み取った値", n),
        ("values_corrected", "修正した値", k),
        ("corrections", "修正の記録", len(tables.corrections)),
        ("issues", "問題の記録", len(tables.issues)),
        (
            "entities_with_correction",
            "修正のある団体",
            int(tables.corrections.loc[tables.corrections["entity_id"].isin(ids), "entity_id"].nunique()),
        ),
        ("rules_used", "使われた修正ルール", int(tables.corrections["rule"].nunique())),
    ]
    return pd.DataFrame(rows, columns=["quantity", "label_ja", "value"])


# ---------------------------------------------------------------------------
# missingness


def missingness(entities: pd.DataFrame, lang: Lang = "ja") -> pd.DataFrame:
    """Missing values per measured column.

    Parameters
    ----------
    entities : pandas.DataFrame
        The audited entities (identifier columns, :data:`ID_COLUMNS`, are left out).
    lang : {"ja", "en"}
        Language of the labels.

    Returns
    -------
    pandas.DataFrame
        ``column, label, n`` (entities), ``n_missing`` and ``share_missing_pct`` (%, 2 decimals),
        in schema order.
    """
    labels = field_labels(lang)
    n = len(entities)
    rows = []
    for col in entities.columns:
        if col in ID_COLUMNS:
            continue
        miss = int(entities[col].isna().sum())
        rows.append(
            {
                "column": col,
                "label": labels.get(col, col),
                "n": n,
                "n_missing": miss,
                "share_missing_pct": round(100 * miss / n, 2) if n else float("nan"),
            }
        )
    out = pd.DataFrame(rows, columns=["column", "label", "n", "n_missing", "share_missing_pct"])
    dup = out["label"].duplicated(keep=False)
    out.loc[dup, "label"] = out.loc[dup, "column"]  # two columns with one label: show the column names
    return out


def missing_for_readers(miss: pd.DataFrame, lang: Lang = "ja") -> pd.DataFrame:
    """The columns with missing values, each named by a distinct label in the label language.

    :func:`missingness` keeps the column name where two columns share a form label (its CSV is for
    machines); here every column gets its own label (:func:`study.analysis.codebook.distinct_labels`).

    Parameters
    ----------
    miss : pandas.DataFrame
        :func:`missingness`.
    lang : {"ja", "en"}
        Label language.

    Returns
    -------
    pandas.DataFrame
        ``label, n, n_missing, share_missing_pct`` of the columns with at least one missing value,
        most missing first.
    """
    m = miss[miss["n_missing"] > 0].sort_values(
        ["share_missing_pct", "column"], ascending=[False, True], kind="mergesort"
    )
    labels = distinct_labels(list(m["column"]), lang)
    return m.assign(label=[labels[c] for c in m["column"]])[
        ["label", "n", "n_missing", "share_missing_pct"]
    ].reset_index(drop=True)


# ---------------------------------------------------------------------------
# sample vs national values


def bootstrap(
    values: np.ndarray,
    stat: Callable[..., Any] | None,
    draws: int,
    seed: int | list[int],
    confidence: float,
    weights: np.ndarray | None = None,
) -> tuple[float, float, float]:
    """Percentile bootstrap interval of a statistic over resamples of the rows.

    Parameters
    ----------
    values : numpy.ndarray
        The values (one per entity), in their unit.
    stat : callable or None
        ``stat(array, axis=...)`` (e.g. :func:`numpy.median`); ``None`` with ``weights`` for the
        weighted mean.
    draws : int
        Resamples.
    seed : int or list of int
        Seed of the generator (:func:`numpy.random.default_rng`).
    confidence : float
        Confidence level of the interval.
    weights : numpy.ndarray, optional
        Weights of a weighted mean (e.g. population, residents).

    Returns
    -------
    (float, float, float)
        Estimate, low and high, in the unit of ``values`` (NaN for no values).
    """
    values = np.asarray(values, dtype=float)
    n = len(values)
    if n == 0:
        return (float("nan"),) * 3
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(draws, n))
    if weights is None:
        est = float(stat(values))
        boot = stat(values[idx], axis=1)
    else:
        w = np.asarray(weights, dtype=float)
        est = float(np.sum(values * w) / np.sum(w))
        boot = np.sum(values[idx] * w[idx], axis=1) / np.sum(w[idx], axis=1)
    alpha = 1 - confidence
    lo, hi = np.quantile(boot, [alpha / 2, 1 - alpha / 2])
    return est, float(lo), float(hi)


def reference_comparison(
    entities: pd.DataFrame, draws: int, seed: int, confidence: float, lang: Lang = "ja"
) -> pd.DataFrame:
    """The sample against the national reference values (:data:`NATIONAL`).

    Parameters
    ----------
    entities : pandas.DataFrame
        The audited entities.
    draws : int
        Bootstrap resamples behind each interval.
    seed : int
        Seed of the bootstrap.
    confidence : float
        Confidence level of the intervals.
    lang : {"ja", "en"}
        Language of the labels and reference dates.

    Returns
    -------
    pandas.DataFrame
        One row per quantity: ``n`` (entities), the sample median and the population-weighted mean
        with percentile bootstrap intervals and the national value (in the quantity's unit, % or ‰),
        the share of entities above it (%) and the population covered (residents); rounded to 4 decimals.
    """
    rows = []
    for k, (col, ref) in enumerate(NATIONAL.items()):
        sub = entities[[col, "population"]].dropna()
        x = sub[col].to_numpy(dtype=float)
        w = sub["population"].to_numpy(dtype=float)
        med, mlo, mhi = bootstrap(x, np.median, draws, [seed, k, 0], confidence)
        wm, wlo, whi = bootstrap(x, None, draws, [seed, k, 1], confidence, weights=w)
        rows.append(
            {
                "quantity": col,
                "label": text(col, lang),
                "unit": ref.unit,
                "n": len(x),
                "median": med,
                "median_low": mlo,
                "median_high": mhi,
                "pop_weighted_mean": wm,
                "pop_weighted_low": wlo,
                "pop_weighted_high": whi,
                "national": ref.value,
                "national_when": ref.when_ja if lang == "ja" else ref.when,
                "share_above_national_pct": 100 * float(np.mean(x > ref.value)) if len(x) else float("nan"),
                "population_covered": int(w.sum()),
            }
        )
    out = pd.DataFrame(rows)
    num = out.select_dtypes("number").columns.difference(["n", "population_covered"])
    out[num] = out[num].round(4)
    return out


# ---------------------------------------------------------------------------
# figures


def short_label(label: str, width: int = 30) -> str:
    """A field label for an axis: without the notes after ※, wrapped (never cut).

    Parameters
    ----------
    label : str
        A field label.
    width : int
        Characters per line (:func:`study.analysis.plotting.wrap`).

    Returns
    -------
    str
        The label without the notes after ※, with collapsed spaces, on as many lines as it needs.
    """
    return wrap(" ".join(str(label).split("※")[0].split()), width)


def _stacked_barh(ax: Axes, table: pd.DataFrame, by: str, lang: Lang, title: str, legend_title: str, top: int) -> None:

    t = table.assign(label=[short_label(x, 36) for x in table["field_label"]])
    pivot = t.pivot_table(index="field", columns=by, values="n", aggfunc="sum", fill_value=0)
    totals = pivot.sum(axis=1).sort_values(ascending=False, kind="mergesort")
    pivot = pivot.loc[totals.index[:top][::-1]]  # the `top` most frequent fields, largest at the top
    pivot = pivot.loc[:, pivot.sum(axis=0) > 0]
    labels = t.drop_duplicates("field").set_index("field")["label"]
    names = t.drop_duplicates(by).set_index(by)[f"{by}_label"]  # readers' labels of the rules / checks
    colors = palette(max(len(pivot.columns), 1))
    y = np.arange(len(pivot))
    left = np.zeros(len(pivot))
    # strict=False: palette() returns one colour even when there are no columns
    for color, col in zip(colors, pivot.columns, strict=False):
        ax.barh(y, pivot[col].to_numpy(), left=left, label=wrap(str(names.get(col, col)), 34), color=color)
        left += pivot[col].to_numpy()
    for yy, total in zip(y, left, strict=True):
        ax.text(total + 0.3, yy, f"{int(total)}", va="center", fontsize=8)
    ax.set_yticks(y, [labels.get(f, f) for f in pivot.index])
    ax.set_xlabel(text("count", lang))
    ax.set_ylabel(text("field", lang))
    hidden = len(totals) - len(pivot)
    ax.set_title(
        title
        + (
            f"(上位 {top} 項目、他 {hidden} 項目)"
            if lang == "ja" and hidden > 0
            else f" (top {top} fields; {hidden} more)"
            if hidden > 0
            else ""
        )
    )
    ax.legend(
        title=legend_title,
        fontsize=7,
        title_fontsize=8,
        loc="center left",
        bbox_to_anchor=(1.01, 0.5),
        ncol=1 if len(pivot.columns) <= 16 else 2,
    )


def fig_cleaning(corr: pd.DataFrame, iss: pd.DataFrame, n_entities: int, lang: Lang = "ja", top: int = 15) -> Figure:
    """Bar charts of what the cleaning did.

    Parameters
    ----------
    corr : pandas.DataFrame
        :func:`counts_by_field` of the corrections (``by="rule"``).
    iss : pandas.DataFrame
        :func:`counts_by_field` of the issues (``by="check"``).
    n_entities : int
        Entities cleaned (shown in the title).
    lang : {"ja", "en"}
        Label language.
    top : int
        Fields shown per panel (the most frequent).

    Returns
    -------
    matplotlib.figure.Figure
        Corrected values per field stacked by rule, and issues per field stacked by check (counts).
    """
    import matplotlib.pyplot as plt

    n1 = min(top, corr["field"].nunique())
    n2 = min(top, iss["field"].nunique())
    fig, axes = plt.subplots(
        2,
        1,
        figsize=(12, 0.5 * (n1 + n2) + 3.2),
        constrained_layout=True,
        gridspec_kw={"height_ratios": [max(n1, 1), max(n2, 1)]},
    )
    if lang == "ja":
        t1, t2 = "修正した値: 項目×ルール", "読み取りの問題: 項目×チェック"
        sup = f"クリーニングの記録(n = {n_entities} 団体)"
    else:
        t1, t2 = "Corrected values by field and rule", "Issues by field and check"
        sup = f"What the cleaning did (n = {n_entities} entities)"
    _stacked_barh(axes[0], corr, "rule", lang, t1, text("rule", lang), top)
    _stacked_barh(axes[1], iss, "check", lang, t2, text("check", lang), top)
    fig.suptitle(sup)
    return fig


def fig_missingness(miss: pd.DataFrame, lang: Lang = "ja") -> Figure:
    """Share missing of each column that has missing values.

    Parameters
    ----------
    miss : pandas.DataFrame
        :func:`missingness`.
    lang : {"ja", "en"}
        Label language.

    Returns
    -------
    matplotlib.figure.Figure
        Horizontal bars (%), each with its count of missing / n.
    """
    import matplotlib.pyplot as plt

    # the readers' table (most missing first, ties by column) drawn bottom-up: least missing at the bottom
    m = missing_for_readers(miss, lang).sort_values("share_missing_pct", kind="mergesort")
    n = int(miss["n"].iloc[0]) if len(miss) else 0
    fig, ax = plt.subplots(figsize=(10, 0.3 * max(len(m), 3) + 1.5), constrained_layout=True)
    y = np.arange(len(m))
    ax.barh(y, m["share_missing_pct"], color="#4c72b0")
    for yy, (pct, k) in zip(y, zip(m["share_missing_pct"], m["n_missing"], strict=True), strict=True):
        ax.text(pct + 1, yy, f"{k}/{n}", va="center", fontsize=8)
    ax.set_yticks(y, [short_label(lab, 44) for lab in m["label"]])
    ax.set_ylim(-0.7, len(m) - 0.3)
    ax.set_xlim(0, 112)
    ax.set_xlabel(text("share_missing_pct", lang))
    ax.set_ylabel(text("field", lang))
    ax.set_title(f"項目別の欠損率(n = {n} 団体)" if lang == "ja" else f"Missing values by column (n = {n} entities)")
    return fig


def fig_reference(entities: pd.DataFrame, comparison: pd.DataFrame, seed: int, lang: Lang = "ja") -> Figure:
    """Each entity's value, the sample median with its interval, and the national value.

    Parameters
    ----------
    entities : pandas.DataFrame
        The audited entities.
    comparison : pandas.DataFrame
        :func:`reference_comparison`.
    seed : int
        Seed of the vertical jitter.
    lang : {"ja", "en"}
        Label language.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per reference quantity (its unit, % or ‰, on the x axis).
    """
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(12, 4.2), constrained_layout=True)
    rng = np.random.default_rng([seed, 99])
    # strict=False: two panels; the comparison table is not checked to have exactly two rows here
    for ax, (_, row) in zip(axes, comparison.iterrows(), strict=False):
        x = entities[row["quantity"]].dropna().to_numpy(dtype=float)
        y = rng.uniform(-0.25, 0.25, size=len(x))
        ax.scatter(x, y, s=18, alpha=0.6, color="#4c72b0", label=text("entities", lang))
        ax.errorbar(
            [row["median"]],
            [0],
            xerr=[[row["median"] - row["median_low"]], [row["median_high"] - row["median"]]],
            fmt="D",
            color="black",
            capsize=6,
            markersize=7,
            label=f"{text('median', lang)} {row['median']:.1f} [{row['median_low']:.1f}, {row['median_high']:.1f}]",
        )
        ax.axvline(
            row["national"],
            color="#c44e52",
            linestyle="--",
            label=f"{text('national', lang)} {row['national']:g}{row['unit']} ({row['national_when']})",
        )
        ax.set_yticks([])
        ax.set_ylim(-0.6, 0.6)
        ax.set_xlabel(row["label"])
        ax.set_title(f"{row['label']}, n = {int(row['n'])}")
        ax.legend(fontsize=8, loc="upper right")
    fig.suptitle("標本と全国値の比較" if lang == "ja" else "The sample against national reference values")
    return fig


# ---------------------------------------------------------------------------
# headline numbers and the closing summary


def headline_results(
    tables: AuditTables, entities: pd.DataFrame, comparison: pd.DataFrame, confidence: float
) -> list[HeadlineResult]:
    """The audit's headline numbers, each with estimate, interval, n and a name.

    Parameters
    ----------
    tables : AuditTables
        The cleaned tables (issues are counted over all entities).
    entities : pandas.DataFrame
        The audited entities (:func:`select_entities`).
    comparison : pandas.DataFrame
        :func:`reference_comparison` of ``entities``.
    confidence : float
        Confidence level of the Wilson interval of the share corrected.

    Returns
    -------
    list of HeadlineResult
        Entities audited, share of values corrected (share), issues logged, and the sample median
        and population-weighted mean of each reference quantity (its unit: % or ‰).
    """
    result = headline_result

    k, n = share_corrected(tables.corrections, tables.provenance)
    lo, hi = wilson(k, n, confidence)
    pct = f"{confidence:.0%}"
    out = [
        result("n_entities", len(entities), n=len(entities), label="entities audited", unit="entities", method="count"),
        result(
            "share_values_corrected",
            k / n if n else None,
            n=n,
            interval=(lo, hi),
            unit="share",
            label="share of values read that were corrected",
            method=f"Wilson {pct} interval",
        ),
        result(
            "n_issues",
            len(tables.issues),
            n=len(tables.entities),
            label="issues logged (all entities)",
            unit="issues",
            method="count",
        ),
    ]
    # (name suffix and interval columns' prefix, estimate column, label) of the two summaries of the sample
    stats = (("median", "median", "sample median"), ("pop_weighted", "pop_weighted_mean", "population-weighted"))
    for _, r in comparison.iterrows():
        short = "welfare" if r["quantity"].startswith("welfare") else "aging"
        out.extend(
            result(
                f"{short}_{stat}",
                r[column],
                n=int(r["n"]),
                interval=(r[f"{stat}_low"], r[f"{stat}_high"]),
                unit=r["unit"],
                reference=r["national"],
                label=f"{label} {r['quantity']}",
                method=f"percentile bootstrap {pct} interval",
            )
            for stat, column, label in stats
        )
    if "staff_planned" in entities.columns:
        kk = staffing_published_comparison(entities, confidence).iloc[0]
        out.append(
            result(
                "staff_per_municipality_vs_kaken",
                kk["mean"],
                n=int(kk["n"]),
                interval=(
                    kk["mean"] + kk["diff_low"] - kk["difference"],
                    kk["mean"] + kk["diff_high"] - kk["difference"],
                ),
                unit="persons",
                reference=kk["published_mean"],
                label=f"planned 推進員 per municipality (SD {kk['sd']:.2f}) against {kk['source']} "
                f"{kk['published_mean']} ± {kk['published_sd']} (n = {kk['published_n']}, {KAKEN_STAFFING.year}); "
                f"Welch p = {kk['welch_p']:.2g}",
                method=f"mean; interval: our mean ± the half-width of the Welch {pct} interval of the difference",
            )
        )
    return out
