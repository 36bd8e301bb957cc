"""The outputs of ``contractgen diff``: one ``ChangeSet`` printed as text, HTML, DOCX or JSON.

Each output reads only the change set (``contractgen.diff``), never the library, a spec or a
contract, and returns bytes (the text output can also be coloured for a terminal). The DOCX output
imports python-docx only when it is asked for.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from pathlib import Path

from ..diff import ChangeSet
from ..errors import UsageError
from ..i18n import msg

FORMATS: tuple[str, ...] = ("text", "html", "docx", "json")
DEFAULT_AUTHOR = "contractgen"


def render(changes: ChangeSet, fmt: str, *, author: str = DEFAULT_AUTHOR) -> bytes:
    """The change set in one format (text without colours)."""
    if fmt not in FORMATS:
        raise UsageError(msg("diff.unknown-format", format=fmt, choices=FORMATS))
    module = importlib.import_module(f"{__name__}.{fmt}")
    if fmt == "docx":
        return module.render_docx(changes, author=author)  # type: ignore[no-any-return]
    return module.render(changes).encode("utf-8")  # type: ignore[no-any-return]


def render_terminal(changes: ChangeSet) -> str:
    """The text output with colours (``click.echo`` drops them when the output is not a terminal)."""
    from .text import render as render_text

    return render_text(changes, color=True)


def deliver(changes: ChangeSet, fmt: str, output: Path | None, *, author: str = DEFAULT_AUTHOR,
            terminal: bool = False) -> str | None:
    """Write the output to ``output``, or return the text to print (``None`` once written).

    Text for a terminal keeps its colours; a DOCX goes to standard output only when that is not a
    terminal (``> file.docx``), else it needs ``-o``.
    """
    if output is None and fmt == "text":
        return render_terminal(changes) if terminal else render(changes, fmt).decode("utf-8")
    return deliver_bytes(lambda: render(changes, fmt, author=author), fmt, output, terminal=terminal)


def deliver_bytes(make: Callable[[], bytes], fmt: str, output: Path | None, *, terminal: bool = False) -> str | None:
    """One rendered output (``make()``) written to ``output``, or returned as text to print; a DOCX
    goes to standard output only when that is not a terminal. ``contractgen compare`` delivers its
    reports the same way."""
    if output is not None:
        try:
            output.write_bytes(make())
        except OSError as exc:
            raise UsageError(msg("diff.cannot-write", path=str(output), reason=str(exc.strerror or exc))) from None
        return None
    if fmt == "docx":
        if terminal:
            raise UsageError(msg("diff.docx-to-terminal"))
        sys.stdout.buffer.write(make())
        sys.stdout.buffer.flush()
        return None
    return make().decode("utf-8")
