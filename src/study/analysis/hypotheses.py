"""Declared tests of a question notebook: one primary test, the secondary tests Holm-adjusted.

A headline record (:func:`study.models.results.headline_result`) that carries a test gets these keys
in ``results.json`` (:func:`with_test`):

* ``p_value`` -- the test's p (two-sided unless ``test`` says otherwise);
* ``test_role`` -- ``"primary"`` (the one test declared per question in ``params/README.md`` and in the
  notebook) or ``"secondary"``;
* ``p_holm`` -- secondary tests only: the Holm-adjusted p over the notebook's secondary tests
  (:func:`adjust_secondary`, :func:`study.models.multiplicity.holm`); the primary test is not adjusted;
* ``test`` -- what was with_test, in words;
* ``p_floor``, ``n_draws`` and ``p_mc_se`` -- resampling tests only: the smallest p the test can
  give, 1/(B+1), B, and the Monte Carlo SE of p, √(p(1−p)/B); a p at its floor is printed
  ``< 1/(B+1)`` (:func:`study.models.montecarlo.format_p`);
* ``mc_se`` -- the Monte Carlo SE of the record's random estimate (a resampling p:
  √(p(1−p)/B), :func:`study.models.montecarlo.pvalue_mc_se`), where the record's estimate is random.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Literal

from study.models.multiplicity import holm
from study.models.results import HeadlineResult, round_number

Role = Literal["primary", "secondary"]


def with_test(
    record: HeadlineResult,
    p: float,
    *,
    role: Role,
    test: str,
    n_draws: int | None = None,
    mc_se: float | None = None,
) -> HeadlineResult:
    """The record with its test: ``p_value``, ``test_role``, ``test`` and, for resampling, the floor.

    Parameters
    ----------
    record : HeadlineResult
        A headline record.
    p : float
        The test's p-value (0 to 1).
    role : {"primary", "secondary"}
        Whether this is the question's declared primary test.
    test : str
        What was with_test (null hypothesis, statistic, sidedness, how p was found).
    n_draws : int, optional
        Resamples B behind a resampling p; adds ``p_floor`` = 1/(B+1), ``n_draws``, ``p_mc_se`` =
        √(p(1−p)/B) and, when the record's estimate is that p (unit ``p``), ``mc_se`` = ``p_mc_se``.
    mc_se : float, optional
        Monte Carlo SE of the record's estimate.

    Returns
    -------
    HeadlineResult
        A new record (the input is not changed).
    """
    out: dict[str, Any] = {**record, "p_value": round_number(p), "test_role": role, "test": test}
    if n_draws is not None:
        p_mc = math.sqrt(float(p) * (1 - float(p)) / max(n_draws, 1)) if math.isfinite(float(p)) else math.nan
        out["p_floor"] = round_number(1.0 / (n_draws + 1))
        out["n_draws"] = int(n_draws)
        out["p_mc_se"] = round_number(p_mc)
        if mc_se is None and record.get("unit") == "p":
            mc_se = p_mc
    if mc_se is not None:
        out["mc_se"] = round_number(mc_se)
    return out  # type: ignore[return-value]


def with_mc_se(record: HeadlineResult, mc_se: float | None, n_draws: int | None = None) -> HeadlineResult:
    """The record with the Monte Carlo SE of its random estimate (``mc_se``) and, optionally, ``n_draws``.

    Parameters
    ----------
    record : HeadlineResult
        A headline record whose estimate depends on random draws.
    mc_se : float or None
        Monte Carlo SE, in the record's unit.
    n_draws : int, optional
        Draws behind it.

    Returns
    -------
    HeadlineResult
        A new record.
    """
    out: dict[str, Any] = {**record, "mc_se": round_number(mc_se)}
    if n_draws is not None:
        out["n_draws"] = int(n_draws)
    return out  # type: ignore[return-value]


def adjust_secondary(records: Sequence[HeadlineResult]) -> list[HeadlineResult]:
    """Holm-adjust the secondary tests of one notebook (``p_holm``); exactly one primary test is allowed.

    Parameters
    ----------
    records : sequence of HeadlineResult
        The notebook's headline records, some made by :func:`with_test`.

    Returns
    -------
    list of HeadlineResult
        The records in their order; secondary tests get ``p_holm`` (over all secondary tests with a p).

    Raises
    ------
    ValueError
        If more than one record is a primary test.
    """
    primary = [r["name"] for r in records if r.get("test_role") == "primary"]
    if len(primary) > 1:
        raise ValueError(f"one primary test per question, not {primary}")
    idx = [
        i
        for i, r in enumerate(records)
        if r.get("test_role") == "secondary" and r.get("p_value") is not None and math.isfinite(r["p_value"])  # type: ignore[typeddict-item]
    ]
    adj = holm([records[i]["p_value"] for i in idx])  # type: ignore[typeddict-item]
    out = [dict(r) for r in records]
    for i, a in zip(idx, adj, strict=True):
        out[i]["p_holm"] = round_number(a)
    return out  # type: ignore[return-value]


def p_result(
    name: str,
    p: float,
    *,
    n: int | None,
    label: str,
    method: str,
    role: Role,
    test: str,
    n_draws: int | None = None,
    **extra: Any,
) -> HeadlineResult:
    """A headline record whose estimate is a test's p-value (unit ``p``), with its test (:func:`with_test`).

    Parameters
    ----------
    name, label, method : str
        As in :func:`study.models.results.headline_result`.
    p : float
        The p-value (0 to 1).
    n : int or None
        Units behind the test.
    role : {"primary", "secondary"}
        Whether this is the question's declared primary test.
    test : str
        What was tested.
    n_draws : int, optional
        Resamples B behind a resampling p (floor 1/(B+1) and Monte Carlo SE added).
    **extra
        Further keys of the record (numbers rounded as in results.json).

    Returns
    -------
    HeadlineResult
        The record.
    """
    from study.models.results import headline_result

    rec = headline_result(name, p, n=n, label=label, unit="p", method=method)
    out = with_test(rec, p, role=role, test=test, n_draws=n_draws)
    return {**out, **{k: round_number(v) for k, v in extra.items()}}  # type: ignore[return-value]
