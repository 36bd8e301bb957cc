"""Messages in the user's language: message ids with parameters, rendered through gettext catalogs.

Owns the choice of language and the rendering of every user-facing message. Code never formats a
message into a sentence: it names a message id and its parameters (``msg("spec.industry-unknown",
industry=name)``), and the edge (CLI, web page) renders it, in Chinese or English, through the
catalogs ``locale/zh/LC_MESSAGES/contractgen.po`` and ``locale/en/LC_MESSAGES/contractgen.po``.

Choosing the language (first that says something wins)
    ``use_language()`` (the CLI's ``--lang zh|en``, a web request's language) → ``$CONTRACTGEN_LANG``
    → the locale: ``$LC_ALL``, ``$LC_MESSAGES``, ``$LANG``. A value starting with ``zh`` means
    Simplified Chinese, anything else English.

Adding a message (docs/messages.md says the same with examples)
    1. Pick an id ``area.what-is-wrong``: the area is the module or surface that reports it
       (``yaml``, ``spec``, ``library``, ``value``, ``cli``, ``build``, ``diff``, ``doctor``, ``lint``...),
       then lowercase words joined by ``-``; a third part only to group many messages of one area
       (``value.money.too-small``).
    2. Add it to both ``.po`` files, keeping them sorted by id: ``msgid "area.what"`` and the text as
       ``msgstr``. Parameters are written ``{name}`` (Python ``str.format``). ``{name!q}`` quotes a name
       (an id, a key) the language's way: ``'x'`` (Python repr, as English messages always showed it)
       or “x” in Chinese, where a number stays bare, ``True``/``False`` become 是/否 and nothing
       becomes 空; ``{name!v}`` quotes a value the user wrote: ``"x"`` in English, else the same.
       A list or tuple parameter is joined with ``、`` in Chinese and ``, `` in English; a ``Message``
       parameter is rendered in the same language (for reusable pieces like “did you mean”).
    3. Use it: ``Problem(path, line, field, msg("area.what", name=value))``, ``UsageError(msg(...))``
       or ``click.echo(text("area.what", name=value))``. Parameters are plain data (text, numbers,
       dates, tuples, messages), so problems pickle across processes and render later, at the edge.
    ``tests/test_i18n.py`` fails when an id used in the code is missing from either catalog, or when a
    Chinese text carries English jargon (``got``, ``regex``, ``None``, ``True``, repr quotes).

Catalogs are compiled with Babel: into the wheel by the build hook (``hatch_build.py``); in a source
checkout (editable install) on first use into the user's cache, keyed by the ``.po`` file's content,
so an edited catalog takes effect at once. At run time only the standard library's ``gettext`` reads
them.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import gettext
import hashlib
import io
import os
import string
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LANGUAGES = ("zh", "en")
"""Simplified Chinese first; English for those who ask for it."""
DOMAIN = "contractgen"
LOCALE_DIR = Path(__file__).with_name("locale")

_chosen: contextvars.ContextVar[str | None] = contextvars.ContextVar("contractgen_language", default=None)


def normalize(value: str | None) -> str | None:
    """``zh``/``zh_CN.UTF-8``/``zh-Hans`` → ``zh``; any other non-empty value → ``en``; empty → None."""
    value = (value or "").strip()
    if not value:
        return None
    return "zh" if value.lower().startswith("zh") else "en"


def language() -> str:
    """The language messages are rendered in now: ``zh`` or ``en``."""
    chosen = _chosen.get()
    if chosen:
        return chosen
    for variable in ("CONTRACTGEN_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        found = normalize(os.environ.get(variable))
        if found:
            return found
    return "en"


def set_language(lang: str | None) -> None:
    """Fix the language for the rest of this context (the CLI's ``--lang``); None: back to the environment."""
    _chosen.set(normalize(lang))


@contextlib.contextmanager
def use_language(lang: str | None) -> Iterator[None]:
    """Render in ``lang`` inside the block (a web request, a test); None leaves the choice as it is."""
    token = _chosen.set(normalize(lang) or _chosen.get())
    try:
        yield
    finally:
        _chosen.reset(token)


@dataclass(frozen=True, slots=True)
class Message:
    """A message id and its parameters, rendered only when shown (``str()`` renders in the current language)."""

    code: str
    """The message id, e.g. ``spec.industry-unknown``."""
    params: tuple[tuple[str, Any], ...] = ()
    """Name → value pairs, sorted by name (a tuple, so a message is hashable and pickles)."""

    @property
    def args(self) -> dict[str, Any]:
        """The parameters as a dict."""
        return dict(self.params)

    def render(self, lang: str | None = None) -> str:
        return render(self.code, self.args, lang)

    def __str__(self) -> str:
        return self.render()


def msg(code: str, /, **params: Any) -> Message:
    """``Message(code, params)`` with the parameters as keywords.

    A list or mapping the user wrote is kept as a hashable copy that still shows as one value.
    """
    return Message(code, tuple(sorted((k, _frozen(v)) for k, v in params.items())))


class _UserList(tuple):
    """A list from the user's file: one value (``['a', 'b']`` in English), not a list of names to join."""

    def __repr__(self) -> str:
        return repr(list(self))


class _UserMap(tuple):
    """A mapping from the user's file, as its items."""

    def __repr__(self) -> str:
        return repr(dict(self))


def _frozen(value: Any) -> Any:
    if isinstance(value, list):
        return _UserList(_frozen(v) for v in value)
    if isinstance(value, dict):
        return _UserMap((k, _frozen(v)) for k, v in value.items())
    return value


def text(code: str, /, lang: str | None = None, **params: Any) -> str:
    """The message ``code`` rendered now, e.g. for ``click.echo``."""
    return render(code, params, lang)


def render(code: str, params: Mapping[str, Any] | None = None, lang: str | None = None) -> str:
    """Message ``code`` with ``params``, in ``lang`` (default: ``language()``).

    An id missing from the catalog or a text asking for a parameter the code does not give (bugs
    the catalog tests catch) shows as the id with its parameters rather than failing: an error
    message must never become a traceback.
    """
    lang = normalize(lang) or language()
    template = translations(lang).gettext(code)
    if template != code:
        try:
            return _Formatter(lang).vformat(template, (), dict(params or {}))
        except (KeyError, IndexError, ValueError, AttributeError):  # the code and the catalog disagree
            pass
    return code + "".join(f" {k}={v!r}" for k, v in sorted((params or {}).items()))


def template(code: str, lang: str | None = None) -> str | None:
    """The catalog text of ``code`` unformatted (for a library that formats it itself), or None."""
    found = translations(normalize(lang) or language()).gettext(code)
    return None if found == code else found


def known(code: str, lang: str) -> bool:
    """Whether catalog ``lang`` has a text for ``code``."""
    return translations(lang).gettext(code) != code


class _Formatter(string.Formatter):
    """``str.format`` with the language's quotes (``!q``), list separator and nested messages."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        if conversion in ("q", "v"):
            if isinstance(value, (tuple, frozenset, set)) and not isinstance(value, (_UserList, _UserMap)):
                return _Joined(self._quoted(v, conversion) for v in value)
            return self._quoted(value, conversion)
        return super().convert_field(value, conversion)

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, Message):
            return format(value.render(self.lang), format_spec)
        if isinstance(value, _Joined):
            return format(("、" if self.lang == "zh" else ", ").join(value), format_spec)
        if isinstance(value, (_UserList, _UserMap)):
            return format(self._quoted(value, "v"), format_spec)
        if isinstance(value, (tuple, list)):
            return self.format_field(_Joined(self.format_field(v, "") for v in value), format_spec)
        return super().format_field(value, format_spec)

    def _quoted(self, value: Any, conversion: str) -> str:
        if isinstance(value, Message):
            value = value.render(self.lang)
        if self.lang != "zh":
            # English as it always read: a name in repr quotes, a value the user wrote in double quotes.
            return f'"{value}"' if conversion == "v" and isinstance(value, str) else repr(value)
        if value is None:
            return "空"
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, _UserMap):
            return "“" + "，".join(f"{k}: {v}" for k, v in value) + "”"
        if isinstance(value, _UserList):
            return "“" + "、".join(str(v) for v in value) + "”"
        if isinstance(value, (int, float)):
            return str(value)
        return f"“{value}”"


class _Joined(tuple):
    """Items already rendered, to be joined with the language's list separator."""


# --- catalogs ------------------------------------------------------------------------------------

@functools.cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalog of ``lang`` (cached per process)."""
    shipped = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    source = shipped.with_suffix(".po")
    if not source.is_file():  # an installed wheel: the build hook compiled it
        with shipped.open("rb") as fp:
            return gettext.GNUTranslations(fp)
    po = source.read_bytes()
    return gettext.GNUTranslations(io.BytesIO(_compiled(po, lang)))


def _compiled(po: bytes, lang: str) -> bytes:
    """The ``.mo`` bytes of a ``.po`` file: from the cache when made before, else compiled (and cached)."""
    from .cache import cache_dir

    target = cache_dir() / "locale" / f"{lang}-{hashlib.sha256(po).hexdigest()[:20]}.mo"
    with contextlib.suppress(OSError):
        return target.read_bytes()
    data = compile_po(po, lang)
    with contextlib.suppress(OSError):  # no writable cache: compiled again by the next process
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.chmod(tmp, 0o644)  # a cache shared via $CONTRACTGEN_CACHE_DIR is read by all
            os.replace(tmp, target)  # processes compiling at once never read half a file
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
    return data


def compile_po(po: bytes, lang: str) -> bytes:
    """Compile ``.po`` bytes to ``.mo`` bytes with Babel (imported only here: build time or a cache miss)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    catalog = read_po(io.BytesIO(po), locale=lang, domain=DOMAIN)
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()
