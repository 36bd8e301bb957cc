"""The one Jinja2 environment for library text, and what a template uses.

Library text (clauses, annex prose) is a Jinja2 template rendered in a sandbox with undefined names
as errors. Values never pass through Jinja as template code: the composer hands the template
placeholders and splices the values in afterwards.
"""

from __future__ import annotations

from functools import lru_cache

from jinja2 import StrictUndefined, nodes
from jinja2.sandbox import SandboxedEnvironment

BUILTINS: frozenset[str] = frozenset(
    {"customer_role", "provider_role", "industry_name", "customer_name", "provider_name"}
)
"""Names every template may use without declaring them."""
REF = "ref"
"""``{{ ref('id') }}``: the current number of an article or clause."""


@lru_cache(maxsize=1)
def environment() -> SandboxedEnvironment:
    """The sandboxed environment shared by the library checks and the composer."""
    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)


@lru_cache(maxsize=4096)
def parse(source: str) -> nodes.Template:
    """The parsed template (cached: the same clause text is parsed once per process)."""
    return environment().parse(source)


@lru_cache(maxsize=4096)
def names_used(source: str) -> frozenset[str]:
    """Every plain name a template reads (variables, built-ins, ``ref``); cached like ``parse``."""
    return frozenset(n.name for n in parse(source).find_all(nodes.Name) if n.ctx == "load")


def refs_used(source: str) -> tuple[str, ...]:
    """The ids passed to ``ref(...)``, in order; a non-constant argument is returned as ``''``."""
    found = []
    for call in parse(source).find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name == REF:
            arg = call.args[0] if len(call.args) == 1 and not call.kwargs else None
            found.append(arg.value if isinstance(arg, nodes.Const) and isinstance(arg.value, str) else "")
    return tuple(found)


class _Plain:
    """Text without any Jinja syntax: it renders to itself, as Jinja would render it."""

    def __init__(self, source: str) -> None:
        # Jinja normalises line breaks and drops one trailing newline (keep_trailing_newline=False).
        text = source.replace("\r\n", "\n").replace("\r", "\n")
        self.text = text[:-1] if text.endswith("\n") else text

    def render(self, *args: object, **kwargs: object) -> str:
        return self.text


@lru_cache(maxsize=4096)
def compiled(source: str):  # -> jinja2.Template
    """The compiled template (cached per process; compiling dominates composing otherwise).

    Most library text has no ``{`` at all and is not compiled: that halves the first compose in a
    process, which every ``contractgen build`` pays (make bench, docs/benchmarks.md).
    """
    if "{" not in source:
        return _Plain(source)
    return environment().from_string(source)
