"""Plain result containers shared by the model modules.

Every estimator returns either an :class:`Estimate` (one number with its
interval) or a :class:`pandas.DataFrame` whose rows carry at least the columns
``name, estimate, ci_low, ci_high, n`` (see :data:`RESULT_COLUMNS`), so a
notebook can write any result to ``results.json`` with :func:`to_records`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from typing import Any

import numpy as np
import pandas as pd

#: Columns every tabular result carries.
RESULT_COLUMNS = ["name", "estimate", "ci_low", "ci_high", "n"]


@dataclass(frozen=True)
class Estimate:
    """One estimate with its interval.

    ``method`` says how the interval was made (``"wald-t"``, ``"bca"``,
    ``"profile"``…); ``level`` is its confidence level; ``p_value`` is the
    test the function documents (``None`` if none); ``extra`` holds any other
    named numbers (e.g. the one-sided p of β < 1).
    """

    name: str
    estimate: float
    ci_low: float
    ci_high: float
    n: int
    se: float | None = None
    p_value: float | None = None
    method: str = ""
    level: float = 0.95
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (NaN -> None, numpy scalars -> Python)."""
        return _clean(asdict(self))

    def excludes(self, value: float = 0.0) -> bool:
        """Whether the interval excludes ``value``."""
        return bool(self.ci_low > value or self.ci_high < value)


def _clean(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.floating, float)):
        v = float(obj)
        return None if math.isnan(v) or math.isinf(v) else v
    if isinstance(obj, np.bool_):
        return bool(obj)
    if obj is pd.NA:
        return None
    return obj


def to_records(obj: Any) -> Any:
    """Turn an Estimate, a dataclass, a DataFrame or a list of them into JSON-ready data.

    Dataclass fields marked ``metadata={"json": False}`` (statsmodels results,
    raw draws) are left out; NaN becomes None."""
    if isinstance(obj, pd.DataFrame):
        return _clean(obj.to_dict(orient="records"))
    if isinstance(obj, pd.Series):
        return _clean(obj.to_dict())
    if isinstance(obj, Estimate):
        return obj.to_dict()
    if is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_records(getattr(obj, f.name)) for f in fields(obj) if f.metadata.get("json", True)}
    if isinstance(obj, dict):
        return {str(k): to_records(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_records(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _clean(obj.tolist())
    return _clean(obj)


def estimates_frame(estimates: list[Estimate]) -> pd.DataFrame:
    """Rows of estimates as a DataFrame (``RESULT_COLUMNS`` first)."""
    rows = []
    for e in estimates:
        d = asdict(e)
        extra = d.pop("extra")
        d.update(extra)
        rows.append(d)
    df = pd.DataFrame(rows)
    rest = [c for c in df.columns if c not in RESULT_COLUMNS]
    return df[RESULT_COLUMNS + rest]


def as_rng(seed: int | np.random.Generator | None) -> np.random.Generator:
    """A numpy Generator from a seed (or the Generator itself)."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed)
