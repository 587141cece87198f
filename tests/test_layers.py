"""The layer contract of the package, checked on the import statements of every module.

base (paths, errors, atomic writing, parameter models, covariates, the text catalogue)
  → clean → models → analysis → runner / cli

A module may import study modules of its own layer or a lower one, never a
higher one. Imports inside functions count too: a lazy import is still a
dependency. See docs/architecture.md.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "study"

#: Layer rank by module prefix (longest prefix wins); a higher rank may import a lower one.
LAYERS: dict[str, int] = {
    "study": 0,  # the package's __init__ and base modules (paths, errors, atomic, parameters, covariates, catalogue)
    "study.clean": 1,
    "study.models": 2,
    "study.analysis": 3,
    "study.runner": 4,
    "study.cli": 4,
    "study.__main__": 4,
}
BASE_MODULES = {
    "study",
    "study.paths",
    "study.errors",
    "study.atomic",
    "study.parameters",
    "study.covariates",
    "study.catalogue",
}


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def rank(module: str) -> int:
    if module in BASE_MODULES:
        return 0
    best = ""
    for prefix in LAYERS:
        if prefix != "study" and (module == prefix or module.startswith(prefix + ".")) and len(prefix) > len(best):
            best = prefix
    if not best:
        raise AssertionError(f"{module} belongs to no layer: add it to LAYERS/BASE_MODULES and docs/architecture.md")
    return LAYERS[best]


def imported_study_modules(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "study"]
        elif (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and node.module
            and node.module.split(".")[0] == "study"
        ):
            if node.module == "study":  # from study import x: x is a module or a name of study/__init__
                found += [
                    (node.lineno, f"study.{a.name}")
                    if (PACKAGE / a.name).exists() or (PACKAGE / f"{a.name}.py").exists()
                    else (node.lineno, "study")
                    for a in node.names
                ]
            else:
                found.append((node.lineno, node.module))
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_no_module_imports_a_higher_layer(path: Path) -> None:
    me = module_name(path)
    mine = rank(me)
    bad = [f"line {line}: {mod} (layer {rank(mod)})" for line, mod in imported_study_modules(path) if rank(mod) > mine]
    assert not bad, f"{me} (layer {mine}) imports a higher layer: " + "; ".join(bad)


def test_relative_imports_are_not_used() -> None:
    """Relative imports would hide layer crossings from the check above."""
    offenders = [
        module_name(p)
        for p in MODULES
        for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
        if isinstance(n, ast.ImportFrom) and n.level > 0
    ]
    assert not offenders


def test_library_code_has_no_paths_into_tests() -> None:
    """Golden and fixture paths belong to the test helpers, not to the package."""
    offenders = [
        module_name(p)
        for p in MODULES
        if '"tests"' in p.read_text(encoding="utf-8") or "'tests'" in p.read_text(encoding="utf-8")
    ]
    assert not offenders, offenders


def test_the_layer_check_catches_a_crossing(tmp_path: Path) -> None:
    """The checker itself: an analysis module importing the runner is found (lazy import included)."""
    src = tmp_path / "x.py"
    src.write_text("def f():\n    from study.runner.context import result\n    return result\n", encoding="utf-8")
    assert [m for _, m in imported_study_modules(src)] == ["study.runner.context"]
    assert (
        rank("study.runner.context")
        > rank("study.analysis.staffing")
        > rank("study.models.count")
        > rank("study.clean.entities")
        > rank("study.paths")
    )
