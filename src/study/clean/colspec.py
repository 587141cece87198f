"""Column specifications shared by every table definition (see :mod:`study.clean.schema`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Col:
    """A column: name, type (Frictionless: string/integer/number/boolean), labels, unit and constraints."""

    name: str
    type: str
    label_ja: str
    description: str
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    enum: tuple[str, ...] | None = None
    pattern: str | None = None
    required: bool = False

    @property
    def allowed(self) -> str:
        """Human-readable allowed range for the codebook."""
        if self.enum:
            return " | ".join(self.enum)
        if self.pattern:
            return f"matches {self.pattern}"
        if self.minimum is not None or self.maximum is not None:
            lo = "" if self.minimum is None else f"{self.minimum:g}"
            hi = "" if self.maximum is None else f"{self.maximum:g}"
            return f"{lo}–{hi}"
        return "true | false" if self.type == "boolean" else ""
