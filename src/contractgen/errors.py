"""The one error hierarchy: every expected failure is a ``ContractgenError``.

Library code raises these and never prints or exits; only ``cli`` turns them into messages and exit
codes. Input errors carry every ``Problem`` found, so a user sees all of them at once. Every error
pickles to the same class and message, so one raised in a build's worker process reaches the CLI
unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input, located as precisely as we know."""

    path: str
    """The file as the user named it (or a library-relative path)."""
    line: int | None
    """1-based line, when known."""
    field: str
    """Dotted field name, e.g. ``values.term_years``; empty when the whole file is meant."""
    message: str
    """What is wrong, in plain words."""
    column: int | None = None
    """1-based column, for YAML syntax errors."""

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class ContractgenError(Exception):
    """Root of every error a user can cause; the CLI exits with ``exit_code``."""

    exit_code = 2


class InputError(ContractgenError):
    """One or more problems in files the user gave us (spec, library layer)."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(sorted(problems, key=_problem_order))
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple:
        # Rebuilt from the problems, not from the message (the default would pass the joined text to
        # __init__): a build's worker processes send their errors to the parent by pickling them.
        return type(self), (self.problems,), self.__dict__ or None


class LibraryError(InputError):
    """The clause library (shipped or a company layer) is invalid."""


class SpecError(InputError):
    """A contract spec is invalid or does not fit the library."""


class UsageError(ContractgenError):
    """A command was used wrongly (bad option value, existing output folder without --force...)."""


def _problem_order(p: Problem) -> tuple[str, int, int, str, str]:
    return (p.path, p.line or 0, p.column or 0, p.field, p.message)
