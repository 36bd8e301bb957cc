"""The one Jinja2 environment for library text, and what a template uses.

Library text (clauses, annex prose) is a Jinja2 template rendered in a sandbox with undefined names
as errors. Values never pass through Jinja as template code: the composer hands the template
placeholders and splices the values in afterwards.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import math
import time
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, TemplateError, nodes, visitor
from jinja2.sandbox import SandboxedEnvironment

from .i18n import msg

BUILTINS: frozenset[str] = frozenset(
    {"customer_role", "provider_role", "industry", "industry_name", "customer_name", "provider_name", "profile",
     "main_contract", "main_contract_date", "customer_type"}
)
"""Names every template may use without declaring them (``profile`` is ``consumer`` or ``business``, the
real word, not a placeholder: ``{% if profile == 'consumer' %}`` works; ``industry`` is the industry's id,
so a base clause can name each industry's own channels; ``customer_type`` is the customer's type,
``person`` or ``organization``: a business contract may be with a person, and only a person has
personal information of its own, a company has its staff's and its business information). Conditions
may read ``profile`` and ``customer_type`` too."""
CONDITION_NAMES: frozenset[str] = frozenset({"frame", "guardian", "blank"})
"""Facts of the contract a ``condition`` may read besides the variables: ``frame`` (``standalone`` or
``supplement``), ``guardian`` (true when a guardian signs for a minor customer) and ``blank`` (true in
a blank model text to fill in by hand, ``build --blank``). Not text: a
template cannot print them."""
REF = "ref"
"""``{{ ref('id') }}``: the current number of an article or clause."""


MAX_OUTPUT = 20_000
"""Characters one template may produce (the longest clause of the shipped library has under 1,000)."""
MAX_ITERATIONS = 10_000
"""Loop iterations one template may run, all its loops together."""
MAX_SECONDS = 2.0
"""CPU time one template may take (the shipped clauses take well under a millisecond). CPU, not the
clock: on a busy machine a process may wait seconds for its turn, which is no fault of the template."""
MAX_SIZE = MAX_OUTPUT
"""The largest size an operation may ask for: ``'x' * n``, ``s|center(n)``, ``10 ** n``'s digits."""
RENDER_ERRORS = (TemplateError, TypeError, ValueError, ArithmeticError, LookupError, RecursionError)
"""What a library template's own mistakes raise while it renders (not bugs of ours)."""


class TemplateLimit(TemplateError):
    """A library template went past one of the limits above; ``args[0]`` is the message."""

    def __str__(self) -> str:
        return str(self.args[0])


class _Budget:
    """What one render has used; ``LimitedEnvironment`` checks it as the template runs."""

    def __init__(self) -> None:
        self.iterations = 0
        self.deadline = time.process_time() + MAX_SECONDS

    def tick(self) -> None:
        self.iterations += 1
        if self.iterations > MAX_ITERATIONS:
            raise TemplateLimit(msg("template.limit.loops", max=MAX_ITERATIONS))
        if self.iterations % 256 == 0:
            self.check_time()

    def check_time(self) -> None:
        if time.process_time() > self.deadline:
            raise TemplateLimit(msg("template.limit.time", max=MAX_SECONDS))


_budget: contextvars.ContextVar[_Budget] = contextvars.ContextVar("template_budget")


def _check_size(value: Any) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_SIZE:
        raise TemplateLimit(msg("template.limit.size", size=value, max=MAX_SIZE))


def _bounded_loop(iterable: Any) -> Iterator[Any]:
    budget = _budget.get(None) or _Budget()
    for item in iterable:
        budget.tick()
        yield item


class _BoundLoops(visitor.NodeTransformer):
    """Every ``{% for %}`` iterates through ``_bounded_loop`` (compiled in, never visible to the text)."""

    def visit_For(self, node: nodes.For) -> nodes.For:  # noqa: N802 - jinja's visitor naming
        self.generic_visit(node)
        node.iter = nodes.Call(nodes.Name(LOOP_GUARD, "load"), [node.iter], [], None, None)
        return node


LOOP_GUARD = "_contractgen_loop"


class LimitedEnvironment(SandboxedEnvironment):
    """The sandbox, plus limits: sizes asked of ``*``, ``**``, calls and filters, loop iterations, time."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            _check_size(right)
            if isinstance(left, (int, float)) and isinstance(right, (int, float)) and abs(left) > 1 and \
                    right * math.log10(abs(left)) > 100:
                raise TemplateLimit(msg("template.limit.power", left=left, right=right))
        elif operator == "*":
            for size, other in ((left, right), (right, left)):
                if isinstance(other, (str, list, tuple)):
                    _check_size(size * len(other) if isinstance(size, int) and not isinstance(size, bool) else 0)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - jinja's
        for value in (*args, *kwargs.values()):
            _check_size(value)
        return super().call(__context, __obj, *args, **kwargs)


def _limited_filter(function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def limited(*args: Any, **kwargs: Any) -> Any:
        for value in (*args[1:], *kwargs.values()):  # the first is the value filtered, a size itself
            _check_size(value)
        return function(*args, **kwargs)
    return limited


@lru_cache(maxsize=1)
def environment() -> LimitedEnvironment:
    """The sandboxed environment shared by the library checks and the composer."""
    env = LimitedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)
    env.filters = {name: _limited_filter(f) for name, f in env.filters.items()}
    env.globals[LOOP_GUARD] = _bounded_loop
    return env


def render(source: str, context: dict[str, Any]) -> str:
    """A library template rendered within the limits; ``TemplateLimit`` past one of them, and
    ``RENDER_ERRORS`` for the template's own mistakes."""
    template = compiled(source)
    if isinstance(template, _Plain):
        return template.text
    budget = _Budget()
    token = _budget.set(budget)
    try:
        parts, size = [], 0
        for part in template.generate(context):  # piece by piece, so a runaway is stopped early
            size += len(part)
            if size > MAX_OUTPUT:
                raise TemplateLimit(msg("template.limit.output", max=MAX_OUTPUT))
            budget.check_time()
            parts.append(part)
        return "".join(parts)
    finally:
        _budget.reset(token)


@lru_cache(maxsize=4096)
def parse(source: str) -> nodes.Template:
    """The parsed template (cached: the same clause text is parsed once per process)."""
    return environment().parse(source)


@lru_cache(maxsize=4096)
def names_used(source: str) -> frozenset[str]:
    """Every plain name a template reads (variables, built-ins, ``ref``); cached like ``parse``."""
    if "{" not in source:  # no Jinja syntax at all (most of the library's texts): nothing to parse
        return frozenset()
    kept = _kept(source)
    if kept is not None:
        return kept[1]
    return frozenset(n.name for n in parse(source).find_all(nodes.Name) if n.ctx == "load")


def refs_used(source: str) -> tuple[str, ...]:
    """The ids passed to ``ref(...)``, in order; a non-constant argument is returned as ``''``."""
    found: list[str] = []
    if "{" not in source:
        return ()
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
def expression(source: str):  # -> jinja2.environment.TemplateExpression
    """A condition compiled to a callable (cached like ``compiled``): Jinja compiles an expression
    each time it is asked, and a contract's conditions were most of its compose (a batch checks
    and composes every row with the same few hundred conditions)."""
    return environment().compile_expression(source, undefined_to_none=False)


@lru_cache(maxsize=4096)
def compiled(source: str):  # -> jinja2.Template
    """The compiled template (cached per process; compiling dominates composing otherwise).

    Most library text has no ``{`` at all and is not compiled: that halves the first compose in a
    process, which every ``contractgen build`` pays (make bench, docs/benchmarks.md).
    """
    if "{" not in source:
        return _Plain(source)
    env = environment()
    kept = _kept(source)
    if kept is not None:
        code = kept[0]
    else:
        code = env.compile(_BoundLoops().visit(env.parse(source)))
        _keep(source, code, names_used(source))
    return env.template_class.from_code(env, code, env.make_globals(None))  # what from_string does


# --- compiled templates kept across processes --------------------------------------------------------
# The first compose in a process compiled every template it rendered (about 100 of a contract's texts
# have Jinja syntax): most of a cold build's compose (~0.1 s of CPU). A template's compiled code and the
# names it reads are kept in the machine's cache, one file per text (marshal, the format of .pyc files).

TEMPLATE_CACHE_FORMAT = "1"
"""Part of every kept template's key: bump it when what is kept changes."""


@functools.cache
def _key_prefix() -> bytes:
    """What every kept template depends on besides its text: this Python (bytecode), Jinja (its code
    generator) and this module (the environment, ``_BoundLoops``), byte for byte."""
    import hashlib
    import sys
    from pathlib import Path

    import jinja2

    digest = hashlib.sha256("\0".join((TEMPLATE_CACHE_FORMAT, sys.version, jinja2.__version__)).encode())
    digest.update(Path(__file__).read_bytes())
    return digest.digest()


def _kept_path(source: str):  # -> Path
    import hashlib

    from .cache import cache_dir

    return cache_dir() / "templates" / f"{hashlib.sha256(_key_prefix() + source.encode()).hexdigest()[:40]}.bin"


@lru_cache(maxsize=4096)
def _kept(source: str) -> tuple[Any, frozenset[str]] | None:
    """The kept (code, names read) of a template, or None: not kept, damaged, or a file others could write."""
    import marshal
    import os

    try:
        with open(_kept_path(source), "rb") as kept:
            stat = os.fstat(kept.fileno())
            if stat.st_uid != os.getuid() or stat.st_mode & 0o022:  # loading code runs it: only our own file
                return None
            code, names = marshal.loads(kept.read())
    except Exception:  # noqa: BLE001 - missing or damaged: compiled again
        return None
    return code, frozenset(names)


def _keep(source: str, code: Any, names: frozenset[str]) -> None:
    """Keep a compiled template (a temporary file renamed: readers never see half of one)."""
    import marshal
    import os
    import tempfile

    path = _kept_path(source)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError:
        return  # no writable cache: compiled again by the next process
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(marshal.dumps((code, tuple(sorted(names)))))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
