"""What a YAML syntax error means, in words a non-programmer understands.

PyYAML says where it stopped and what token it expected (``mapping values are not allowed here``,
``expected <block end>, but found '-'``). People make a handful of mistakes that produce these: a tab
used for indentation, a missing space after a colon, a colon inside an unquoted value, an unclosed
quote or bracket, lines not aligned. ``explain`` names which one it is, looking at the text around
the spot, as a message whose English text stays PyYAML's own (``YAML syntax error: …``) and whose
Chinese text says what to change. The location stays where PyYAML stopped; the Chinese text names
the line where the cause sits when that is another one.
"""

from __future__ import annotations

import re

import yaml

from .i18n import Message, msg

_KEY_WITHOUT_SPACE = re.compile(r"^\s*(?:-\s+)?([^\s#:'\"\[\]{},&*!|>%@`-][^:#'\"]*?):([^\s:/\\])")
_STARTS_NO_TOKEN = re.compile(r"found character '(.+)' that cannot start any token")


def explain(exc: yaml.MarkedYAMLError, text: str) -> Message:
    """The message for a syntax error PyYAML raised while reading ``text``."""
    reason = exc.problem or exc.context or "invalid YAML"
    mark = exc.problem_mark or exc.context_mark
    lines = text.split("\n")
    line = mark.line if mark else 0  # 0-based
    opened = exc.context_mark.line + 1 if exc.context_mark else None
    problem = exc.problem or ""
    if "'\\t'" in problem:
        return msg("yaml.tab", reason=reason)
    found = _STARTS_NO_TOKEN.search(problem)
    if found:
        return msg("yaml.reserved-character", reason=reason, char=found.group(1))
    if "quoted scalar" in (exc.context or ""):
        return msg("yaml.unclosed-quote", reason=reason, opened=opened)
    if "flow sequence" in (exc.context or "") or "flow mapping" in (exc.context or ""):
        return msg("yaml.unclosed-bracket", reason=reason, opened=opened)
    culprit = _missing_space(lines, line, opened)
    if culprit is not None:
        key, rest = culprit[1]
        return msg("yaml.colon-space", reason=reason, culprit=culprit[0] + 1, key=key, rest=rest)
    if "mapping values are not allowed" in problem:
        if _indented_deeper(lines, line):
            return msg("yaml.indent", reason=reason)
        return msg("yaml.colon-in-value", reason=reason)
    if "found undefined alias" in problem:
        return msg("yaml.undefined-alias", reason=reason)
    if "but found '<scalar>'" in problem and line < len(lines) and ('"' in lines[line] or "'" in lines[line]):
        return msg("yaml.text-after-quote", reason=reason)
    if "expected <block end>" in problem or "could not find expected ':'" in problem:
        return msg("yaml.indent", reason=reason)
    return msg("yaml.syntax", reason=reason)


def _missing_space(lines: list[str], line: int, opened: int | None) -> tuple[int, tuple[str, str]] | None:
    """The line (0-based) and key/value of a ``key:value`` written without the space, near ``line``."""
    first = max(0, (opened - 1) if opened else line - 3)
    for index in range(min(line, len(lines) - 1), first - 1, -1):
        found = _KEY_WITHOUT_SPACE.match(lines[index])
        if found:
            return index, (found.group(1).strip(), lines[index][found.end(1) + 1:].strip())
    return None


def _indented_deeper(lines: list[str], line: int) -> bool:
    """Whether ``line`` is indented further than the line before it, which opens no block."""
    if not 0 < line < len(lines):
        return False
    previous = next((p for p in reversed(lines[:line]) if p.strip() and not p.lstrip().startswith("#")), "")
    indent = len(lines[line]) - len(lines[line].lstrip(" "))
    return indent > len(previous) - len(previous.lstrip(" ")) and not previous.rstrip().endswith(":")
