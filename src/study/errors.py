"""Exceptions for expected bad input, reported as one line without a traceback."""

from __future__ import annotations


def one_line(text: object, limit: int = 400) -> str:
    """``text`` on one line (whitespace runs collapsed), cut to at most ``limit`` characters."""
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: max(1, limit - 1)] + "…"


class StudyError(Exception):
    """Base class for errors the CLI reports as a one-line message (exit code 2)."""


class InputError(StudyError):
    """The raw input cannot be read as the plans form.

    The message always names the file and says what was expected.
    """

    def __init__(self, path: object, problem: str, expected: str | None = None) -> None:
        self.path = str(path)
        self.problem = problem
        self.expected = expected or (
            "the text extraction of the MHLW 包括的支援体制 plans "
            "(UTF-8 or Shift_JIS, blocks starting with a '都道府県名' header)"
        )
        super().__init__(f"{self.path}: {problem}; expected {self.expected}")


class ValidationError(Exception):
    """A cleaned table breaks its schema (a bug in the cleaning rules, not bad input): exit code 1."""


class OutputError(StudyError):
    """An output cannot be written (or read back): an OS-level failure, or a target that is
    not a folder. The message names the path and the cause, in one line (exit code 2)."""

    def __init__(self, path: object | None, problem: str) -> None:
        self.path = None if path is None else str(path)
        self.problem = problem
        super().__init__(problem if path is None else f"{path}: {problem}")


class Interrupted(StudyError):
    """The command was interrupted (SIGINT/SIGTERM) before it finished (exit code 130)."""
