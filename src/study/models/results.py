"""Plain result containers shared by the model modules.

Every estimator returns either an :class:`Estimate` (one number with its
interval) or a :class:`pandas.DataFrame` whose rows carry at least the columns
``name, estimate, ci_low, ci_high, n`` (see :data:`RESULT_COLUMNS`), so a
notebook can write any result to ``results.json`` with :func:`to_records`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from typing import Any, NotRequired, TypedDict

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

    Parameters
    ----------
    obj : object
        An :class:`Estimate`, a dataclass, a DataFrame or Series, a dict, a list or a number.

    Returns
    -------
    object
        Dicts, lists and plain numbers: dataclass fields marked ``metadata={"json": False}``
        (statsmodels results, raw draws) are left out; NaN becomes None.
    """
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
    """Rows of estimates as a DataFrame.

    Parameters
    ----------
    estimates : list of Estimate
        The estimates.

    Returns
    -------
    pandas.DataFrame
        :data:`RESULT_COLUMNS` first, then the other fields and the ``extra`` numbers.
    """
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
    """A numpy Generator from a seed (or the Generator itself).

    Parameters
    ----------
    seed : int or numpy.random.Generator or None
        A seed, or a generator (returned as it is).

    Returns
    -------
    numpy.random.Generator
    """
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed)


def information_criteria(loglik: float, n_params: int, n: int) -> tuple[float, float]:
    """AIC and BIC of a model fitted by maximum likelihood.

    Parameters
    ----------
    loglik : float
        The maximised log-likelihood (nats).
    n_params : int
        Estimated parameters k (dispersion and variance parameters included).
    n : int
        Observations the likelihood sums over.

    Returns
    -------
    aic, bic : float
        −2·loglik + 2k and −2·loglik + log(n)·k (deviance units; smaller is better).
    """
    return float(-2 * loglik + 2 * n_params), float(-2 * loglik + np.log(n) * n_params)


# ---------------------------------------------------------------------------
# headline numbers (results.json)

#: Significant digits kept for numbers in a headline result (results.json).
DIGITS = 6


class HeadlineResult(TypedDict):
    """One headline number as written to ``results.json`` (keys in this order).

    ``estimate``, ``interval`` and ``reference`` are rounded to :data:`DIGITS` significant digits
    (NaN -> None); ``notebook`` is added by the runner's context when the result is recorded.
    """

    name: str
    label: str
    estimate: float | int | None
    interval: list[float | int | None] | None
    n: int | None
    unit: str
    method: str
    reference: float | int | None
    mc_se: NotRequired[float | None]
    notebook: NotRequired[str]


def round_number(x: object) -> object:
    """A number rounded for ``results.json``.

    Parameters
    ----------
    x : object
        A number (Python or numpy), ``None``, or anything else.

    Returns
    -------
    object
        ``None`` for ``None`` and NaN; bools and Python ints unchanged; whole non-float numbers
        (e.g. numpy integers) as ``int``; other numbers as ``float`` with :data:`DIGITS` significant
        digits; values that are not numbers unchanged.
    """
    if x is None:
        return None
    if isinstance(x, bool):
        return x
    if isinstance(x, int):
        return x
    try:
        f = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return x
    if math.isnan(f):
        return None
    if f == int(f) and abs(f) < 1e15 and not isinstance(x, float):
        return int(f)
    return float(f"{f:.{DIGITS}g}")


def headline_result(
    name: str,
    estimate: object,
    *,
    n: int | None,
    interval: tuple[object, object] | None = None,
    label: str = "",
    unit: str = "",
    method: str = "",
    reference: object = None,
    mc_se: object = None,
) -> HeadlineResult:
    """One headline number: its name, estimate, interval (or null), n, and how to read it.

    Parameters
    ----------
    name : str
        Unique name of the result within a parameter set (e.g. ``"beta_poisson_ql_bca"``).
    estimate : number or None
        The estimate, in ``unit``.
    n : int or None
        Number of units (plans, entities…) behind the estimate.
    interval : (low, high), optional
        Interval of the estimate, in ``unit``; ``None`` when there is none.
    label : str
        Plain-language description.
    unit : str
        Unit of the estimate (``"elasticity"``, ``"share"``, ``"p"``, ``"%"``…).
    method : str
        How the estimate or its interval was made.
    reference : number, optional
        A value to read the estimate against (e.g. 1.0 for β, a national value).
    mc_se : number, optional
        Monte Carlo SE of a random estimate (bootstrap, permutation, simulation), in ``unit`` (the largest
        of the interval bounds' for an interval); the key is left out when not given.

    Returns
    -------
    HeadlineResult
        The record, numbers rounded by :func:`round_number` (without the ``notebook`` key).
    """
    rounded = None if interval is None else [round_number(interval[0]), round_number(interval[1])]
    out: HeadlineResult = {
        "name": name,
        "label": label,
        "estimate": round_number(estimate),  # type: ignore[typeddict-item]
        "interval": rounded,  # type: ignore[typeddict-item]
        "n": None if n is None else int(n),
        "unit": unit,
        "method": method,
        "reference": round_number(reference),  # type: ignore[typeddict-item]
    }
    if mc_se is not None:
        out["mc_se"] = round_number(mc_se)  # type: ignore[typeddict-item]
    return out
