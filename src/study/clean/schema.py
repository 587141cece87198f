"""The one schema definition of every output table.

:data:`TABLES` lists each table's columns with their Japanese form label,
English description, unit, type and allowed range. From it come the pandera
schemas that validate the tables (:func:`validate_all`), the codebook
(:func:`codebook`) and the Frictionless ``datapackage.json``
(:func:`datapackage`), so the three cannot drift apart.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.engines import pandas_engine

from study.clean.colspec import Col
from study.errors import ValidationError
from study.clean.rules import RULE_BY_ID, rule_rows
from study.clean.fields.plan_details import DETAIL_COLUMNS
from study.clean.fields.targets import SUMMARY_COLUMNS, TARGET_TABLE
from study.clean.fields.staffing_design import DESIGN_COLUMNS
from study.clean.fields.catchment import ENTITY_CATCHMENT_COLUMNS, PROJECT_AREA_TABLE
from study.clean.structure import PROJECT_SECTIONS


class _String(pandas_engine.STRING):
    """pandera's nullable string dtype, checked once per column.

    pandera's own check returns one boolean per value, which pandera then turns
    into a (here always empty) table of failure cases: about 1 ms per string column.
    """

    def check(self, pandera_dtype, data_container=None) -> bool:  # type: ignore[override]
        result = super().check(pandera_dtype, data_container)
        return bool(result) if isinstance(result, bool) else bool(np.all(result))


_PANDAS_DTYPE = {"string": _String(), "integer": "Int64", "number": "Float64", "boolean": "boolean"}


def _inst(prefix: str, label: str, what: str) -> list[Col]:
    return [
        Col(
            f"{prefix}_direct",
            "integer",
            f"{label}(直営)",
            f"{what}: sites run directly (直営); 0 where only 委託 is printed",
            "sites",
            0,
            2000,
        ),
        Col(
            f"{prefix}_outsourced",
            "integer",
            f"{label}(委託)",
            f"{what}: outsourced sites (委託); 0 where only 直営 is printed",
            "sites",
            0,
            2000,
        ),
        Col(
            f"{prefix}_total",
            "integer",
            label,
            f"{what}: all sites (直営+委託, or the printed total where no split is given)",
            "sites",
            0,
            4000,
        ),
        Col(
            f"{prefix}_branches",
            "integer",
            f"{label}(ブランチ・サブセンター・出張所)",
            f"{what}: branch offices printed next to the count (not added to it)",
            "sites",
            0,
            500,
        ),
        Col(
            f"{prefix}_prefecture_run",
            "boolean",
            label,
            f"{what}: the text names the prefecture (or its council) as the one "
            f"running it (北海道委託, 県の直営, 県で実施…)",
        ),
    ]


ENTITY_COLUMNS: tuple[Col, ...] = (
    Col(
        "entity_id",
        "string",
        "—",
        "Stable id: the 6-digit local-government code, or 'x'+hash of the printed names when no code matches",
        required=True,
    ),
    Col(
        "source_line",
        "integer",
        "都道府県名",
        "1-based line of the entity's 都道府県名 header in the raw file",
        "line",
        1,
        None,
        required=True,
    ),
    Col(
        "level",
        "string",
        "—",
        "municipality, or prefecture for a 都道府県事業 plan (empty 市区町村名)",
        enum=("municipality", "prefecture"),
        required=True,
    ),
    Col("prefecture", "string", "都道府県名", "Prefecture, official name", required=True),
    Col(
        "municipality",
        "string",
        "市区町村名",
        "Municipality, official name (misprints corrected, see corrections); empty for prefecture rows",
    ),
    Col("municipality_raw", "string", "市区町村名", "Municipality as printed in the header"),
    Col(
        "lg_code",
        "string",
        "全国地方公共団体コード",
        "6-digit local-government code (JIS X 0402 + check digit) from the MIC code table",
        pattern=r"^\d{6}$",
    ),
    Col(
        "municipality_type",
        "string",
        "—",
        "Kind of local government",
        enum=("指定都市", "市", "町", "村", "特別区", "都道府県"),
    ),
    *(
        Col(
            f"implements_{n}",
            "boolean",
            f"実施事業※ {ja}",
            f"Marked (○ after the label) as running the {en} on the 実施事業 line",
        )
        for n, ja, en in (
            ("chiikiryoku", "地域力強化推進事業", "community capacity project"),
            ("takikan", "多機関の協働による包括的支援体制構築事業", "multi-agency collaboration project"),
            ("prefectural", "都道府県事業", "prefectural project"),
        )
    ),
    *(
        Col(
            f"has_section_{n}",
            "boolean",
            f"{num}. {ja}について",
            f"The plan's section {num} exists and its first items are filled in",
        )
        for n, num, ja in (
            ("chiikiryoku", 3, "地域力強化推進事業"),
            ("takikan", 4, "多機関の協働による包括的支援体制構築事業"),
            ("prefectural", 5, "都道府県事業"),
        )
    ),
    Col("population", "integer", "人口", "Resident population as printed in 1-1", "persons", 1, 20_000_000),
    Col("households", "integer", "世帯数", "Households", "households", 1, 10_000_000),
    Col("aging_rate_pct", "number", "高齢化率", "Share of residents aged 65+", "%", 0, 100),
    Col(
        "welfare_rate_permille",
        "number",
        "生活保護受給率",
        "Public-assistance rate, converted to ‰ (per 1,000 residents); unit misprints corrected, see corrections",
        "‰",
        0,
        100,
    ),
    Col("area_km2", "number", "面積", "Area", "km²", 0, 100_000),
    Col(
        "community_org_rate_pct",
        "number",
        "地縁組織(自治会、町内会等)加入率",
        "Membership rate of neighbourhood associations",
        "%",
        0,
        100,
    ),
    Col("elementary_schools", "integer", "公立小学校数", "Public elementary schools", "schools", 0, 5000),
    Col("junior_high_schools", "integer", "公立中学校数", "Public junior high schools", "schools", 0, 5000),
    *_inst("hokatsu", "地域包括支援センター", "Community general support centres"),
    *_inst("konkyu", "生活困窮者自立相談支援事業", "Self-reliance consultation sites for needy persons"),
    Col(
        "staff_planned",
        "number",
        "④相談支援包括化推進員の配置予定人数",
        "Planned comprehensive-consultation coordinators (head count or FTE; 0 where the plan says none will be "
        "placed; null where not stated or ambiguous)",
        "persons",
        0,
        500,
    ),
    Col(
        "staff_fulltime",
        "number",
        "④配置予定人数(常勤・正規)",
        "Of the planned staff: full-time / regular (常勤, 正規職員), where printed",
        "persons",
        0,
        500,
    ),
    Col(
        "staff_parttime",
        "number",
        "④配置予定人数(非常勤・臨時)",
        "Of the planned staff: part-time / temporary (非常勤, 臨時, 嘱託), where printed",
        "persons",
        0,
        500,
    ),
    Col(
        "staff_dedicated",
        "number",
        "④配置予定人数(専任)",
        "Of the planned staff: dedicated to the role (専任), where printed",
        "persons",
        0,
        500,
    ),
    Col(
        "staff_concurrent",
        "number",
        "④配置予定人数(兼任)",
        "Of the planned staff: holding the role concurrently (兼任/兼務), where printed",
        "persons",
        0,
        500,
    ),
    Col(
        "staff_notes",
        "string",
        "④配置予定人数",
        "Qualifying text printed with the planned number (brackets and ※ notes)",
    ),
    *DESIGN_COLUMNS,
    *ENTITY_CATCHMENT_COLUMNS,
    *DETAIL_COLUMNS,
    *SUMMARY_COLUMNS,
)

CORRECTION_TABLE: tuple[Col, ...] = (
    Col("entity_id", "string", "—", "Entity the value belongs to"),
    Col("field", "string", "—", "Column of entities.csv that was corrected", required=True),
    Col("source_line", "integer", "—", "1-based line of the raw text", "line", 1, None),
    Col("raw", "string", "—", "Printed text the value was read from", required=True),
    Col("value", "string", "—", "Value written to the table"),
    Col(
        "rule", "string", "—", "Id of the named rule that made the correction (see rules.csv)", enum=None, required=True
    ),
    Col("note", "string", "—", "Extra detail"),
)
ISSUE_TABLE: tuple[Col, ...] = (
    Col("entity_id", "string", "—", "Entity concerned (empty for a block that is not an entity)"),
    Col("field", "string", "—", "Column concerned, or _block for the whole block", required=True),
    Col("source_line", "integer", "—", "1-based line of the raw text", "line", 1, None),
    Col("raw", "string", "—", "Printed text"),
    Col("reason", "string", "—", "Why the value is null or suspect", required=True),
    Col("check", "string", "—", "Short code of the check that raised the issue", required=True),
)
PROVENANCE_TABLE: tuple[Col, ...] = (
    Col("entity_id", "string", "—", "Entity", required=True),
    Col("field", "string", "—", "Column of entities.csv", required=True),
    Col("value", "string", "—", "Value as written to entities.csv (text)"),
    Col("raw", "string", "—", "Printed text the value was read from"),
    Col("source_line", "integer", "—", "1-based line of the raw text", "line", 1, None),
)
RULE_TABLE: tuple[Col, ...] = (
    Col("rule", "string", "—", "Rule id (declared in study.clean.rules.RULE_ROWS; see docs/rules.md)", required=True),
    Col("description", "string", "—", "What the rule does and when it applies", required=True),
    Col(
        "reader",
        "string",
        "—",
        "The reader that applies the rule: a module of study.clean (numbers, municipalities) or "
        "study.clean.fields (targets, plan_details, …)",
        required=True,
    ),
    Col(
        "field", "string", "—", "Column(s) the rule corrects (the field of its rows in corrections.csv)", required=True
    ),
    Col("example", "string", "—", "A printed text and the value written for it (printed → value)", required=True),
    Col(
        "label_ja",
        "string",
        "—",
        "Short Japanese label of the rule for readers (chart legends, audit tables)",
        required=True,
    ),
    Col(
        "label_en",
        "string",
        "—",
        "Short English label of the rule for readers (chart legends, audit tables)",
        required=True,
    ),
)

TABLES: dict[str, tuple[Col, ...]] = {
    "entities": ENTITY_COLUMNS,
    "corrections": CORRECTION_TABLE,
    "issues": ISSUE_TABLE,
    "provenance": PROVENANCE_TABLE,
    "targets": TARGET_TABLE,
    "project_areas": PROJECT_AREA_TABLE,
    "rules": RULE_TABLE,
}
TABLE_TITLES = {
    "entities": "One row per entity (municipality or prefecture plan)",
    "corrections": "Values that differ from the print, with the rule that made them",
    "issues": "Values that could not be read or fail a plausibility check",
    "provenance": "Every entity value with its printed text and source line",
    "targets": "One row per quantified target (事業の成果目標) of each plan",
    "project_areas": (
        "One row per project item that states its area: (対象地域), its scope and printed population; "
        "section 4 from its own text"
    ),
    "rules": "The named cleaning rules",
}
assert set(PROJECT_SECTIONS) == {"chiikiryoku", "takikan", "prefectural"}


def pandera_schema(table: str) -> pa.DataFrameSchema:
    """The pandera schema of a table, built from :data:`TABLES`.

    Each column declares its dtype, nullability and labels; the value
    constraints of all columns (range, enum, pattern) are one vectorised
    table-level check (:func:`constraint_mask`); :func:`validate_all` names the
    failing column, row and value. This keeps validation of the ~70-column entity table fast
    (pandera's per-column checks on nullable dtypes cost ~1 ms each).
    """
    cols = TABLES[table]
    columns = {
        c.name: pa.Column(
            _PANDAS_DTYPE[c.type],
            nullable=not c.required,
            required=True,
            title=c.label_ja,
            description=c.description,
            metadata={"unit": c.unit, "allowed": c.allowed},
        )
        for c in cols
    }
    unique = ["entity_id"] if table == "entities" else ["rule"] if table == "rules" else None
    check = pa.Check(
        lambda df: bool(constraint_mask(df, table).to_numpy().all()),
        name="column_constraints",
        error="values outside the codebook's allowed range, enum or pattern",
    )
    return pa.DataFrameSchema(columns, checks=[check], strict=True, ordered=True, unique=unique, coerce=False)


def constraint_mask(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """True where a value satisfies its column's constraints (nulls pass; nullability is checked per column)."""
    out = {}
    for c in TABLES[table]:
        series = df[c.name]
        ok = np.ones(len(df), dtype=bool)
        if c.minimum is not None or c.maximum is not None:
            v = series.to_numpy(dtype="float64", na_value=np.nan)
            with np.errstate(invalid="ignore"):
                inside = np.ones(len(df), dtype=bool)
                if c.minimum is not None:
                    inside &= v >= c.minimum
                if c.maximum is not None:
                    inside &= v <= c.maximum
            ok = np.isnan(v) | inside
        allowed = c.enum or (tuple(sorted(RULE_BY_ID)) if (table, c.name) == ("rules", "rule") else None)
        if allowed:
            ok = ok & (series.isna() | series.isin([*allowed, ""])).to_numpy(dtype=bool)
        if c.pattern:
            ok = ok & (series.isna() | series.str.match(c.pattern)).to_numpy(dtype=bool, na_value=True)
        out[c.name] = ok
    return pd.DataFrame(out, index=df.index)


_SCHEMAS = {name: pandera_schema(name) for name in TABLES}


def typed(data: pd.DataFrame | list[dict], table: str) -> pd.DataFrame:
    """Reorder columns to the schema and cast to nullable dtypes (missing columns become null).

    ``data`` is a DataFrame or its rows as dicts (a key missing from a row is null).
    """
    n = len(data)
    out = {}
    for c in TABLES[table]:
        if isinstance(data, pd.DataFrame):
            values = data[c.name].tolist() if c.name in data else [None] * n
        else:
            values = [row.get(c.name) for row in data]
        na = pd.NA
        out[c.name] = _array([None if v is na or (v.__class__ is float and v != v) else v for v in values], c.type)
    return pd.DataFrame(out, index=pd.RangeIndex(n))


def _array(values: list, kind: str) -> pd.api.extensions.ExtensionArray:
    """Build a nullable pandas array directly from values and a mask (much faster than ``pd.array``)."""
    mask = np.fromiter((v is None for v in values), dtype=bool, count=len(values))
    if kind == "number":
        data = np.fromiter((0.0 if v is None else float(v) for v in values), dtype="float64", count=len(values))
        return pd.arrays.FloatingArray(data, mask)
    if kind == "integer":
        data = np.fromiter((0 if v is None else int(v) for v in values), dtype="int64", count=len(values))
        return pd.arrays.IntegerArray(data, mask)
    if kind == "boolean":
        data = np.fromiter((False if v is None else bool(v) for v in values), dtype=bool, count=len(values))
        return pd.arrays.BooleanArray(data, mask)
    return pd.array([None if v is None else str(v) for v in values], dtype="string")


def rules_frame() -> pd.DataFrame:
    """The rules of :data:`study.clean.rules.RULE_ROWS`, sorted by id (``rules.csv``)."""
    return typed(pd.DataFrame(rule_rows()), "rules")


def validate_all(**tables: pd.DataFrame | list[dict]) -> dict[str, pd.DataFrame]:
    """Cast (:func:`typed`) and validate each table, given as a DataFrame or as rows, with its pandera schema.

    Raises pandera's ``SchemaError`` for a dtype, nullability or uniqueness
    failure, and :class:`~study.errors.ValidationError` naming the column, row
    and value when a value breaks its column's constraints.
    """
    out = {}
    for name, df in tables.items():
        frame = typed(df, name)
        try:
            out[name] = _SCHEMAS[name].validate(frame, inplace=True)
        except pa.errors.SchemaError as exc:
            if "column_constraints" not in str(exc):
                raise
            raise ValidationError(_describe_violation(frame, name)) from None
    return out


def _describe_violation(frame: pd.DataFrame, table: str) -> str:
    mask = constraint_mask(frame, table)
    col = next(c for c in mask.columns if not mask[c].all())
    row = int(np.flatnonzero(~mask[col].to_numpy())[0])
    allowed = next(c.allowed for c in TABLES[table] if c.name == col)
    value = frame[col].iloc[row]
    value = value.item() if hasattr(value, "item") else value
    return f"{table}.{col} row {row}: value {value!r} is outside the allowed {allowed}"


def codebook() -> pd.DataFrame:
    """One row per column of every table: Japanese label, English description, unit, type, allowed range."""
    rows = [
        {
            "table": t,
            "column": c.name,
            "label_ja": c.label_ja,
            "description_en": c.description,
            "unit": c.unit,
            "type": c.type,
            "allowed": c.allowed,
            "required": c.required,
        }
        for t, cols in TABLES.items()
        for c in cols
    ]
    return pd.DataFrame(rows)


def datapackage(raw_sha256: str, raw_name: str) -> dict:
    """A Frictionless Data Package descriptor for the output tables."""
    resources = []
    for t, cols in TABLES.items():
        fields = []
        for c in cols:
            cons: dict = {}
            if c.required:
                cons["required"] = True
            if c.minimum is not None:
                cons["minimum"] = c.minimum
            if c.maximum is not None:
                cons["maximum"] = c.maximum
            if c.enum:
                cons["enum"] = list(c.enum)
            if c.pattern:
                cons["pattern"] = c.pattern
            f = {"name": c.name, "type": c.type, "title": c.label_ja, "description": c.description}
            if c.unit:
                f["unit"] = c.unit
            if cons:
                f["constraints"] = cons
            fields.append(f)
        schema: dict = {"fields": fields, "missingValues": [""]}
        if t == "entities":
            schema["primaryKey"] = ["entity_id"]
        resources.append(
            {
                "name": t,
                "path": f"{t}.csv",
                "profile": "tabular-data-resource",
                "title": TABLE_TITLES[t],
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": schema,
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": "hokatsu-plans-fy2019",
        "title": "MHLW FY2019 包括的支援体制構築 model-project plans, cleaned",
        "description": "Entity-level figures from the plans of municipalities and prefectures running the FY2019 "
        "地域力強化推進事業 / 多機関の協働による包括的支援体制構築事業 / 都道府県事業, cleaned by the study package.",
        "licenses": [{"name": "other-at", "title": "Derived from a public MHLW compilation; cite the source"}],
        "sources": [
            {
                "title": "厚生労働省 地域共生社会推進室: model-project plans (text extraction)",
                "path": f"data/raw/{raw_name}",
                "hash": f"sha256:{raw_sha256}",
            }
        ],
        "resources": resources,
    }
