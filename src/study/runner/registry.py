"""Which notebooks exist, and the parameter model of each.

To add a notebook: write its parameter model (a subclass of
:class:`study.parameters.NotebookParams`) in :mod:`study.parameters`, add one line to :data:`NOTEBOOKS`,
put the notebook in
``notebooks/<name>.ipynb`` (its ``parameters`` cell = ``study params NAME --cell``)
and a parameter set in ``params/``. A question notebook also gets its analysis functions in
:data:`study.analysis.registry.QUESTIONS` (headline numbers, golden snapshot). See docs/adding_a_parameter_set.md.

Models are named by import path and imported only when needed, so that
``study params`` and validation stay quick.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from study.paths import project_root

#: notebook name (file stem in notebooks/) -> "module:Model" of its parameters.
NOTEBOOKS: dict[str, str] = {
    "00_data_audit": "study.parameters:AuditParams",
    "10_staffing": "study.parameters:StaffingParams",
    "20_targets": "study.parameters:TargetsParams",
    "30_typology": "study.parameters:TypologyParams",
    "40_robustness": "study.parameters:RobustnessParams",
    "50_multiverse": "study.parameters:MultiverseParams",
}

#: Extra notebooks registered at run time (tests; other packages): name -> (model, notebook file).
_EXTRA: dict[str, tuple[type, Path]] = {}


def notebook_names() -> list[str]:
    """All registered notebook names, sorted."""
    return sorted({*NOTEBOOKS, *_EXTRA})


def get_model(name: str) -> type:
    """The parameter model of a notebook; ``KeyError`` if the notebook is not registered."""
    if name in _EXTRA:
        return _EXTRA[name][0]
    target = NOTEBOOKS[name]
    module, _, attr = target.partition(":")
    return getattr(importlib.import_module(module), attr)


def notebooks_dir() -> Path:
    """Folder of the committed notebooks."""
    return project_root() / "notebooks"


def notebook_path(name: str) -> Path:
    """The notebook file of a registered notebook."""
    if name in _EXTRA:
        return _EXTRA[name][1]
    if name not in NOTEBOOKS:
        raise KeyError(name)
    return notebooks_dir() / f"{name}.ipynb"


def register(name: str, model: type, path: Path) -> None:
    """Register a notebook outside :data:`NOTEBOOKS` (used by tests)."""
    _EXTRA[name] = (model, Path(path))


def unregister(name: str) -> None:
    """Undo :func:`register`."""
    _EXTRA.pop(name, None)
