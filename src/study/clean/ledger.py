"""The corrections and issues ledger, and the registry of named cleaning rules.

Every value that is not exactly what was printed gets a :class:`Correction`
naming the rule (a documented function registered with :func:`rule`). Every
value that cannot be read, or fails a plausibility check, gets an
:class:`Issue`. Both carry the entity, field, 1-based source line and raw text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, TypeVar

F = TypeVar("F", bound=Callable)

#: rule id -> first paragraph of the rule function's docstring.
RULES: dict[str, str] = {}


def rule(func: F) -> F:
    """Register a cleaning rule; its name is the ``rule`` id written to corrections.csv."""
    doc = (func.__doc__ or "").strip().split("\n\n")[0]
    RULES[func.__name__] = " ".join(doc.split())
    return func


def register_rule(rule_id: str, description: str) -> str:
    """Register a rule that is applied inline (not as a separate function); return its id."""
    RULES[rule_id] = description
    return rule_id


@dataclass(frozen=True)
class Correction:
    """A value that differs from the printed text, and the rule that made it."""

    entity_id: str
    field: str
    source_line: int | None
    raw: str
    value: str
    rule: str
    note: str = ""


@dataclass(frozen=True)
class Issue:
    """A value that could not be read or fails a plausibility rule."""

    entity_id: str
    field: str
    source_line: int | None
    raw: str
    reason: str
    check: str


@dataclass
class Ledger:
    """Collects corrections and issues for one run, in the order they are found."""

    corrections: list[Correction] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    def correct(self, entity_id: str, fld: str, line: int | None, raw: str, value: object, rule_id: str, note: str = "") -> None:
        """Log a correction; ``rule_id`` must be a registered rule."""
        if rule_id not in RULES:
            raise KeyError(f"unregistered rule {rule_id!r}")
        self.corrections.append(Correction(entity_id, fld, line, raw, _fmt(value), rule_id, note))

    def issue(self, entity_id: str, fld: str, line: int | None, raw: str, reason: str, check: str) -> None:
        """Log an issue; ``check`` is a short machine-readable code for the reason."""
        self.issues.append(Issue(entity_id, fld, line, raw, reason, check))

    def correction_rows(self) -> list[dict]:
        return [c.__dict__.copy() for c in self.corrections]

    def issue_rows(self) -> list[dict]:
        return [i.__dict__.copy() for i in self.issues]


def _fmt(value: object) -> str:
    """Format a corrected value for the ledger (floats without spurious decimals)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return repr(round(value, 6))
    return "" if value is None else str(value)
