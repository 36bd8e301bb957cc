"""The one error hierarchy: every expected failure is a ``ContractgenError``.

Library code raises these and never prints or exits; only ``cli`` turns them into messages and exit
codes. Input errors carry every ``Problem`` found, so a user sees all of them at once. Every error
pickles to the same class and message, so one raised in a build's worker process reaches the CLI
unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

from .i18n import Message, msg


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input, located as precisely as we know; ``str()`` renders it in the
    current language (``i18n.language()``), so a problem made in a worker process is shown in the
    language of the process that shows it."""

    path: str
    """The file as the user named it (or a library-relative path)."""
    line: int | None
    """1-based line, when known."""
    field: str
    """Dotted field name, e.g. ``values.term_years``; empty when the whole file is meant."""
    msg: Message | str
    """What is wrong: a message id with parameters (plain text only until a message is converted)."""
    column: int | None = None
    """1-based column, for YAML syntax errors."""
    label: str = ""
    """The field's Chinese label (``签订日期``, a variable's ``label``), set by whoever knows the field;
    Chinese messages name the field as ``签订日期（sign_date）``."""

    @property
    def code(self) -> str:
        """The message id (empty for a message not yet converted to one)."""
        return self.msg.code if isinstance(self.msg, Message) else ""

    @property
    def params(self) -> dict:
        """The message's parameters."""
        return self.msg.args if isinstance(self.msg, Message) else {}

    @property
    def message(self) -> str:
        """What is wrong, rendered in the current language, without the location."""
        return str(self.msg)

    @property
    def where(self) -> str:
        """``path:line:column``, as far as known (editors jump to it)."""
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def __str__(self) -> str:
        if not self.field:
            return str(msg("problem.at", where=self.where, message=self.msg))
        return str(msg("problem.at-labelled-field" if self.label else "problem.at-field",
                       where=self.where, field=self.field, label=self.label, message=self.msg))


class ContractgenError(Exception):
    """Root of every error a user can cause; the CLI exits with ``exit_code``.

    Built from a ``Message`` (plain text only until a message is converted), rendered when shown.
    """

    exit_code = 2

    def __str__(self) -> str:
        return " ".join(str(arg) for arg in self.args)


class InputError(ContractgenError):
    """One or more problems in files the user gave us (spec, library layer)."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(sorted(problems, key=_problem_order))
        super().__init__()

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)

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
    # By the English text whatever the language shown: the order must not depend on the language.
    text = p.msg.render("en") if isinstance(p.msg, Message) else p.msg
    return (p.path, p.line or 0, p.column or 0, p.field, text)
