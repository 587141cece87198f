"""The corrections and issues ledger, and the recorder of values with provenance.

Every value that is not exactly what was printed gets a :class:`Correction`
naming a rule of :data:`study.clean.rules.RULE_ROWS`. Every value that cannot
be read, or fails a plausibility check, gets an :class:`Issue`. Both carry the
entity, field, 1-based source line and raw text. A :class:`Recorder` keeps an
entity's values with their printed text and line (the provenance table) and
writes its corrections and issues here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from study.clean.rules import RULE_BY_ID


@dataclass(frozen=True)
class Problem:
    """Why a value is null or suspect: a short code and a sentence."""

    check: str
    reason: str


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

    def correct(
        self, entity_id: str, fld: str, line: int | None, raw: str, value: object, rule_id: str, note: str = ""
    ) -> None:
        """Log a correction; ``rule_id`` must be a rule of :data:`study.clean.rules.RULE_ROWS`."""
        if rule_id not in RULE_BY_ID:
            raise KeyError(f"unregistered rule {rule_id!r}")
        self.corrections.append(Correction(entity_id, fld, line, raw, format_value(value), str(rule_id), note))

    def issue(self, entity_id: str, fld: str, line: int | None, raw: str, reason: str, check: str) -> None:
        """Log an issue; ``check`` is a short machine-readable code for the reason."""
        self.issues.append(Issue(entity_id, fld, line, raw, reason, check))

    def correction_rows(self) -> list[dict]:
        return [c.__dict__.copy() for c in self.corrections]

    def issue_rows(self) -> list[dict]:
        return [i.__dict__.copy() for i in self.issues]


@dataclass
class Recorder:
    """Collects one entity's values with provenance, and logs its corrections and issues in the ledger."""

    entity_id: str
    ledger: Ledger
    row: dict = field(default_factory=dict)
    provenance: list[dict] = field(default_factory=list)

    def set(
        self,
        fld: str,
        value: object,
        raw: str,
        line: int | None,
        rules: Iterable[str] = (),
        problems: Iterable[Problem | None] = (),
    ) -> None:
        """Record a value with its printed text and line; log a correction per rule and an issue per problem."""
        self.row[fld] = value
        self.provenance.append(
            {"entity_id": self.entity_id, "field": fld, "value": format_value(value), "raw": raw, "source_line": line}
        )
        self.correct(fld, line, raw, value, rules)
        for p in problems:
            self.problem(fld, raw, line, p)

    def correct(self, fld: str, line: int | None, raw: str, value: object, rules: Iterable[str]) -> None:
        """Log a correction of ``fld`` (written as ``value``) per rule."""
        for r in rules:
            self.ledger.correct(self.entity_id, fld, line, raw, value, r)

    def problem(self, fld: str, raw: str, line: int | None, problem: Problem | None) -> None:
        """Log an issue for ``fld`` (nothing when ``problem`` is ``None``)."""
        if problem is not None:
            self.ledger.issue(self.entity_id, fld, line, raw, problem.reason, problem.check)


def format_value(value: object) -> str:
    """A value as text for the ledger and the provenance table.

    ``None`` is empty; a whole float has no decimals (``12.0`` -> ``12``); other
    floats are rounded to 6 decimals (removing float noise such as ``2.6000000000000001``).
    """
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(round(value, 6))
    return str(value)
