"""Reading YAML the way a user's mistake deserves: every problem with its file, line and column.

Mappings and lists come back as ``YamlMap`` / ``YamlList``, which remember the line of each key and
item, so later checks can name the line of a field. Duplicate keys, non-UTF-8 bytes, oversized files,
alias bombs, control characters YAML forbids, half surrogate pairs and code-running tags are input
errors with a file and line, never silent surprises or tracebacks. A UTF-8 BOM and Windows line
endings are simply accepted (line numbers stay those the user's editor shows).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import ReaderError

from . import yamlsyntax
from .errors import InputError, Problem
from .files import UnreadableFile, read_bounded
from .i18n import msg

MAX_FILE_BYTES = 1_000_000
"""A spec or library file is hand-written text; anything larger is a mistake (or an attack)."""
MAX_NODES = 200_000
"""Upper bound on the expanded node count, so anchors and aliases cannot expand without bound."""
_SURROGATE = re.compile("[\ud800-\udfff]")


class YamlMap(dict):
    """A mapping that knows its own line and the line of each key."""

    line: int = 0
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        """The line of ``key``, or of the mapping itself when the key is absent."""
        return self.key_lines.get(key, self.line)


class YamlList(list):
    """A list that knows its own line and the line of each item."""

    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


def line_of(container: Any, key: Any) -> int | None:
    """The line of ``container[key]`` when ``container`` came from ``load_yaml``."""
    if isinstance(container, (YamlMap, YamlList)):
        # 0 is the line of a container made in code (a stand-in for a missing part): no line to name.
        return container.line_of(key) or None
    return None


class _Located:
    """Loader mix-in: builds located containers and reports duplicate keys into ``problems``."""

    def __init__(self, stream: str, display: str, problems: list[Problem]) -> None:
        super().__init__(stream)
        self.display = display
        self.problems = problems


def _construct_mapping(loader: _Loader, node: MappingNode) -> YamlMap:
    loader.flatten_mapping(node)
    result = YamlMap()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        try:
            hash(key)
        except TypeError:
            loader.problems.append(Problem(loader.display, line, "", msg("yaml.key-not-plain")))
            continue
        if key in result:
            loader.problems.append(
                Problem(loader.display, line, str(key), msg("yaml.duplicate-key", first=result.key_lines[key]))
            )
            continue
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


def _construct_sequence(loader: _Loader, node: SequenceNode) -> YamlList:
    result = YamlList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_text(loader: _Loader, node: ScalarNode) -> str:
    text = loader.construct_scalar(node)
    # A double-quoted "\\ud800" escape yields half a surrogate pair: not a character, and no file
    # format (UTF-8, XML, PDF) can hold it. Say where it is rather than fail later.
    bad = _SURROGATE.search(text)
    if bad:
        loader.problems.append(Problem(loader.display, node.start_mark.line + 1, "",
                                       msg("yaml.half-surrogate", code=f"{ord(bad.group()):04x}")))
        return _SURROGATE.sub("", text)
    return text


# --- YAML 1.2 core-schema scalars ------------------------------------------------------------------
# PyYAML implements YAML 1.1, where 010 is octal 8, 12:30 is 750 (base 60), 0x10 is 16 and yes/no/on/off
# are booleans: nobody writing a contract means any of that. Plain scalars here resolve as in YAML 1.2's
# core schema, minus its octal and hex forms: null, true/false, decimal integers (leading zeros kept
# decimal), decimal floats; everything else, dates included, is text (the composer reads dates).

_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
MAX_DIGITS = 30
"""An integer longer than this is kept as text: no field holds one, and a range message names it."""
_CORE_RESOLVERS: dict[str | None, list[tuple[str, re.Pattern[str]]]] = {}
for _tag, _regex, _first in (
    ("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")),
    ("tag:yaml.org,2002:int", _INT, list("-+0123456789")),
    ("tag:yaml.org,2002:float", _FLOAT, list("-+.0123456789")),
    ("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"]),
):
    for _char in _first:
        _CORE_RESOLVERS.setdefault(_char or None, []).append((_tag, _regex))
del _tag, _regex, _first, _char


class YamlInt(int):
    """An integer as the user wrote it: ``str()`` and ``repr()`` give the typed characters (``00123``,
    ``+5``), so a text field (a contract number, a phone) keeps them while a number field reads 123."""

    source: str

    def __new__(cls, source: str) -> YamlInt:
        number = super().__new__(cls, int(source, 10))
        number.source = source
        return number

    def __str__(self) -> str:
        return self.source

    __repr__ = __str__

    def __reduce__(self) -> tuple:
        return YamlInt, (self.source,)


class YamlFloat(float):
    """A decimal number as the user wrote it (``1.10`` stays ``1.10`` as text, ``1e400`` stays exact)."""

    source: str

    def __new__(cls, source: str) -> YamlFloat:
        number = super().__new__(cls, float(source))
        number.source = source
        return number

    def __str__(self) -> str:
        return self.source

    __repr__ = __str__

    def __reduce__(self) -> tuple:
        return YamlFloat, (self.source,)


def _construct_int(loader: _Loader, node: ScalarNode) -> Any:
    text = loader.construct_scalar(node)
    # An explicit !!int 0x10, or an integer of thousands of digits, stays text: number fields refuse it.
    if not _INT.match(text) or len(text.lstrip("+-")) > MAX_DIGITS:
        return text
    return YamlInt(text)


def _construct_float(loader: _Loader, node: ScalarNode) -> Any:
    text = loader.construct_scalar(node)
    return YamlFloat(text) if _FLOAT.match(text) and len(text) <= 4 * MAX_DIGITS else text


def _construct_bool(loader: _Loader, node: ScalarNode) -> Any:
    text = loader.construct_scalar(node)
    return {"true": True, "false": False}.get(text.lower(), text)  # !!bool maybe: text, not a crash


def _construct_as_text(loader: _Loader, node: ScalarNode) -> Any:
    # !!timestamp 2026-12-01: text like any date; the composer reads it (formats.parse_date).
    return loader.construct_scalar(node)


def _refuse_tag(loader: _Loader, node: Node) -> Any:
    # !!binary would give bytes and !!set a set: no field takes either, and their reprs would show.
    raise ConstructorError(None, None, f"could not determine a constructor for the tag {node.tag!r}",
                           node.start_mark)


class _Loader(_Located, yaml.SafeLoader):
    """The pure-Python loader, whose error messages users see."""


class _FastLoader(_Located, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same loader on libyaml, about three times faster; used first, for input that is valid."""


for _cls in (_Loader, _FastLoader):
    _cls.yaml_implicit_resolvers = _CORE_RESOLVERS
    _cls.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
    _cls.add_constructor("tag:yaml.org,2002:omap", _construct_mapping)
    _cls.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
    _cls.add_constructor("tag:yaml.org,2002:str", _construct_text)
    _cls.add_constructor("tag:yaml.org,2002:int", _construct_int)
    _cls.add_constructor("tag:yaml.org,2002:float", _construct_float)
    _cls.add_constructor("tag:yaml.org,2002:bool", _construct_bool)
    _cls.add_constructor("tag:yaml.org,2002:timestamp", _construct_as_text)
    for _tag in ("binary", "set", "pairs"):
        _cls.add_constructor(f"tag:yaml.org,2002:{_tag}", _refuse_tag)


def _expanded_size(node: Node, memo: dict[int, int], budget: int) -> int:
    """Node count with aliases expanded, memoised so the walk itself stays cheap."""
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = budget + 1  # a cycle counts as unbounded
    size = 1
    if isinstance(node, SequenceNode):
        for child in node.value:
            size += _expanded_size(child, memo, budget)
            if size > budget:
                break
    elif isinstance(node, MappingNode):
        for k, v in node.value:
            size += _expanded_size(k, memo, budget) + _expanded_size(v, memo, budget)
            if size > budget:
                break
    memo[key] = size
    return size


def decode(data: bytes, display: str) -> str:
    """UTF-8 text without a BOM and with Unix line ends, or an input error naming the bad line."""
    if len(data) > MAX_FILE_BYTES:
        raise InputError([Problem(display, None, "", msg("file.too-large", size=len(data), limit=MAX_FILE_BYTES))])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError([Problem(display, line, "", msg("file.not-utf8"))]) from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def parse_yaml(text: str, display: str, *, allow_empty: bool = False) -> Any:
    """Parse YAML text; raise ``InputError`` with every problem found."""
    try:
        return _parse(text, display, allow_empty, _FastLoader)
    except InputError:
        # libyaml words errors differently; the pure-Python parser gives the messages users see.
        return _parse(text, display, allow_empty, _Loader)


def _parse(text: str, display: str, allow_empty: bool, loader_class: type) -> Any:
    if not text.strip():
        if allow_empty:
            return None
        raise InputError([Problem(display, None, "", msg("file.empty"))])
    problems: list[Problem] = []
    try:
        loader = loader_class(text, display, problems)
    except ReaderError as exc:  # the reader checks the whole text for characters YAML forbids
        raise InputError([_forbidden_character(text, exc, display)]) from None
    try:
        node = loader.get_single_node()
        if node is None:
            if allow_empty:
                return None
            raise InputError([Problem(display, None, "", msg("file.empty"))])
        if _expanded_size(node, {}, MAX_NODES) > MAX_NODES:
            raise InputError([Problem(display, node.start_mark.line + 1, "", msg("yaml.too-large-expanded"))])
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # An unknown tag (!!python/object …) is not a typo in the layout: say what it is.
        what = (msg("yaml.tag", reason=exc.problem or exc.context or "") if isinstance(exc, ConstructorError)
                else yamlsyntax.explain(exc, text))
        raise InputError([Problem(display, mark.line + 1 if mark else None, "", what,
                                  column=mark.column + 1 if mark else None)]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(display, None, "", msg("yaml.error", detail=str(exc)))]) from None
    except RecursionError:
        raise InputError([Problem(display, None, "", msg("yaml.too-deep"))]) from None
    finally:
        loader.dispose()
    if problems:
        raise InputError(problems)
    return data


def _forbidden_character(text: str, exc: ReaderError, display: str) -> Problem:
    """Where the control character YAML refused sits, and what it is (pasted text often has one)."""
    pos = max(0, min(exc.position, len(text)))
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    char = exc.character if isinstance(exc.character, int) else ord(text[pos]) if pos < len(text) else 0
    return Problem(display, line, "", msg("yaml.control-character", code=f"{char:04X}"), column=column)


def load_yaml(path: Path, display: str | None = None, *, allow_empty: bool = False) -> Any:
    """Read and parse one YAML file; ``display`` is how the path appears in messages."""
    display = display or str(path)
    return parse_yaml(decode(read_yaml_bytes(path, display), display), display, allow_empty=allow_empty)


def read_yaml_bytes(path: Path, display: str) -> bytes:
    """The bytes of a YAML file the user gave (a regular file, at most ``MAX_FILE_BYTES``)."""
    try:
        return read_bounded(path, MAX_FILE_BYTES)
    except UnreadableFile as exc:
        raise InputError([Problem(display, None, "", exc.reason)]) from None
