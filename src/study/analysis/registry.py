"""The question registry: notebook name → parameter model, analysis, headline numbers, summary text.

:func:`headline` recomputes a notebook's headline numbers from its parameters without running the
notebook (the same functions with the same arguments); the golden test (``tests/test_golden.py``)
compares them with a snapshot. To add a question notebook: write its module here (``analyse_…``,
``…_headline``, ``…_text``) and add one :class:`Question` to :data:`QUESTIONS` (the runner registers
the notebook itself in :mod:`study.runner.registry`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from study.analysis import multiverse, prose, robustness, staffing, targets, typology
from study.analysis.tables import Tables, load_tables
from study.models.results import HeadlineResult
from study.parameters import (
    MultiverseParams,
    NotebookParams,
    RobustnessParams,
    StaffingParams,
    TargetsParams,
    TypologyParams,
)


@dataclass(frozen=True)
class Question:
    """One question notebook and the functions that compute it.

    Attributes
    ----------
    notebook : str
        Notebook name (file stem in ``notebooks/``).
    params : type of study.parameters.NotebookParams
        Its parameter model.
    analyse : callable
        ``analyse(tables, params) -> results`` (the notebook's tables).
    headline : callable
        ``headline(results) -> list[HeadlineResult]`` (what the notebook records in results.json).
    text : callable
        ``text(results) -> str``: the findings in words (English Markdown, :mod:`study.analysis.prose`
        applied to the headline numbers).
    """

    notebook: str
    params: type[NotebookParams]
    analyse: Callable[[Tables, NotebookParams], object]
    headline: Callable[[object], list[HeadlineResult]]
    text: Callable[[object], str]


def _findings(notebook: str, head: Callable[[object], list[HeadlineResult]]) -> Callable[[object], str]:
    """``text(results)``: the notebook's findings in English words, from its headline numbers."""
    return lambda results: prose.findings_markdown(notebook, head(results), "en", heading=False)


def _question(
    notebook: str,
    params: type[NotebookParams],
    analyse: Callable[..., object],
    head: Callable[..., list[HeadlineResult]],
    text: Callable[..., str] | None = None,
) -> Question:
    """A :class:`Question` whose text is, unless ``text`` is given, its headline numbers in words."""
    return Question(notebook, params, analyse, head, text or _findings(notebook, head))


#: The question notebooks, by name.
QUESTIONS: dict[str, Question] = {
    q.notebook: q
    for q in (
        _question("10_staffing", StaffingParams, staffing.analyse_staffing, staffing.staffing_headline),
        _question("20_targets", TargetsParams, targets.analyse_targets, targets.targets_headline),
        _question("30_typology", TypologyParams, typology.analyse_typology, typology.typology_headline),
        _question("40_robustness", RobustnessParams, robustness.analyse_robustness, robustness.robustness_headline),
        _question(
            "50_multiverse",
            MultiverseParams,
            multiverse.analyse_multiverse,
            multiverse.multiverse_headline,
            multiverse.multiverse_text,
        ),
    )
}

#: Notebooks :func:`headline` can recompute.
HEADLINE_NOTEBOOKS = tuple(QUESTIONS)


def question(notebook: str) -> Question:
    """The registered question of a notebook.

    Parameters
    ----------
    notebook : str
        Notebook name, e.g. ``"10_staffing"``.

    Returns
    -------
    Question

    Raises
    ------
    KeyError
        If the notebook is not a question notebook.
    """
    if notebook not in QUESTIONS:
        raise KeyError(f"no question registered for notebook {notebook!r} (known: {', '.join(QUESTIONS)})")
    return QUESTIONS[notebook]


def parameters(notebook: str, values: Mapping[str, object] | None = None) -> NotebookParams:
    """The notebook's parameters: the model's defaults updated with ``values``, validated.

    Parameters
    ----------
    notebook : str
        Question notebook name.
    values : mapping, optional
        Parameter values (names of the model's fields).

    Returns
    -------
    study.parameters.NotebookParams
        The validated (immutable) parameter model.
    """
    return question(notebook).params(**dict(values or {}))


def notebook_params(notebook: str, namespace: Mapping[str, object]) -> NotebookParams:
    """The notebook's parameters read from its namespace (the variables of the ``parameters`` cell).

    Parameters
    ----------
    notebook : str
        Question notebook name.
    namespace : mapping
        The notebook's variables (a notebook passes ``globals()``); other names are ignored.

    Returns
    -------
    study.parameters.NotebookParams
        The validated parameter model.
    """
    fields = question(notebook).params.model_fields
    return parameters(notebook, {k: namespace[k] for k in fields if k in namespace})


def headline(
    notebook: str, values: Mapping[str, object] | None = None, data_dir: Path | str | None = None
) -> list[HeadlineResult]:
    """The headline numbers the notebook records, computed by the same functions with the same arguments.

    Parameters
    ----------
    notebook : str
        Question notebook name.
    values : mapping, optional
        Parameter values (defaults for the rest).
    data_dir : pathlib.Path or str, optional
        Folder of the cleaned tables (default ``data/processed/``).

    Returns
    -------
    list of HeadlineResult
        The records, without the ``notebook`` key (the runner adds it).
    """
    q = question(notebook)
    results = q.analyse(load_tables(data_dir), parameters(notebook, values))
    return q.headline(results)
