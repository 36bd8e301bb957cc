"""A spec written with Chinese keys and names → the same spec written with ids, before composing.

People may write ``签订日期:`` for ``sign_date:``, ``甲方:`` for ``customer:``, ``industry: 酒店``,
``include: [匿名评价]``, ``choose: {争议解决: 仲裁}``, ``values: {合同有效期: 3}``: every key and name
the library or the spec format gives (``names``, ``spec.KEY_NAMES``). ``canonical`` rewrites the
spec's data to ids, keeping every line number, so the composer checks one form only and the
contract comes out byte for byte the same whichever form was written. A name that means two things
is a problem listing the candidates; a name that means nothing is left as it is, for the composer
to report as unknown (with its “did you mean”).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from . import names
from .errors import Problem
from .i18n import msg
from .library import Library
from .spec import (
    FRAME_NAMES,
    KEY_NAMES,
    MAIN_CONTRACT_KEY_NAMES,
    PARTY_KEY_NAMES,
    PARTY_ROLE_NAMES,
    PARTY_TYPE_NAMES,
    PROFILE_NAMES,
    Spec,
    field_label,
)
from .yamlio import YamlList, YamlMap, line_of


def canonical(spec: Spec, library: Library, problems: list[Problem]) -> Spec:
    """``spec`` with ids for names and keys; ambiguities and keys given twice go into ``problems``."""
    rewriter = _Rewriter(spec, library, problems)
    data = rewriter.keys(spec.data, KEY_NAMES, "")
    parties = data.get("parties")
    if isinstance(parties, dict):
        parties = rewriter.keys(parties, PARTY_ROLE_NAMES, "parties")
        for role in ("customer", "provider", "guardian"):
            if isinstance(parties.get(role), dict):
                party = rewriter.keys(parties[role], PARTY_KEY_NAMES, f"parties.{role}")
                if isinstance(party.get("type"), str):
                    party = _with(party, "type", PARTY_TYPE_NAMES.get(party["type"].strip(), party["type"]))
                parties = _with(parties, role, party)
        data = _with(data, "parties", parties)
    if isinstance(data.get("profile"), str):
        data = _with(data, "profile", PROFILE_NAMES.get(data["profile"].strip(), data["profile"].strip()))
    if isinstance(data.get("frame"), str):
        data = _with(data, "frame", FRAME_NAMES.get(data["frame"].strip(), data["frame"]))
    if isinstance(data.get("main_contract"), dict):
        data = _with(data, "main_contract", rewriter.keys(data["main_contract"], MAIN_CONTRACT_KEY_NAMES, "main_contract"))
    industry = data.get("industry")
    if isinstance(industry, str):
        industry = rewriter.name(names.industries(library), industry, line_of(data, "industry"), "industry")
        if industry is None:  # reported: nothing else can be named without the industry
            return replace(spec, data=data)
        data = _with(data, "industry", industry)
    if not (isinstance(industry, str) and industry in library.industry):
        return replace(spec, data=data)  # nothing else can be named without the industry
    data = rewriter.each(data, "include", names.nodes(library.includable(industry)), names.nodes(library.node.values()))
    offered = [n for n in library.node.values() if library.offered(n, industry)]
    data = rewriter.each(data, "exclude", names.nodes(offered))
    data = rewriter.each(data, "annexes", names.annexes(library.annexes))
    groups = library.alternatives(industry)
    choose = data.get("choose")
    if isinstance(choose, dict):
        choose = rewriter.keys(choose, names.groups(library, industry).resolve, "choose")
        for group, choice in list(choose.items()):
            if group in groups and isinstance(choice, str):
                choice = rewriter.name(names.choices(groups[group]), choice, line_of(choose, group), f"choose.{group}")
                choose = _with(choose, group, choice) if choice is not None else _without(choose, group)
        data = _with(data, "choose", choose)
    values = data.get("values")
    if isinstance(values, dict):
        data = _with(data, "values", rewriter.keys(values, names.variables(library.variables_for(industry)).resolve,
                                                    "values"))
    return replace(spec, data=data)


class _Rewriter:
    """Rewrites names to ids, reporting into ``problems``."""

    def __init__(self, spec: Spec, library: Library, problems: list[Problem]) -> None:
        self.spec, self.library, self.problems = spec, library, problems

    def report(self, line: int | None, fld: str, message: Any) -> None:
        self.problems.append(Problem(self.spec.path, line, fld, message, label=field_label(fld, self.library)))

    def name(self, space: names.Names, word: str, line: int | None, fld: str,
             wider: names.Names | None = None) -> str | None:
        """The id ``word`` names; ``word`` itself when it names nothing; None when it is ambiguous (reported)."""
        ids = space.resolve(word) or (wider.resolve(word) if wider else ())
        if len(ids) == 1:
            return ids[0]
        if len(ids) > 1:
            shown = (space if space.resolve(word) else wider or space).candidates(ids)
            self.report(line, fld, msg("spec.name-ambiguous", name=word, candidates=shown))
            return None
        return word

    def each(self, data: YamlMap, key: str, space: names.Names, wider: names.Names | None = None) -> YamlMap:
        """The list ``data[key]`` with each name replaced by its id."""
        items = data.get(key)
        if not isinstance(items, list):
            return data
        kept = [(self.name(space, item, line_of(items, i), key, wider) if isinstance(item, str) else item,
                 line_of(items, i) or 0) for i, item in enumerate(items)]
        kept = [(item, line) for item, line in kept if item is not None]  # an ambiguous name is reported once
        out = YamlList(item for item, _ in kept)
        out.line, out.item_lines = getattr(items, "line", 0), [line for _, line in kept]
        return _with(data, key, out)

    def keys(self, data: Any, known: dict[str, str] | Callable[[str], tuple[str, ...]], prefix: str) -> YamlMap:
        """``data`` with its keys' names replaced by the keys they name; a key given twice is a problem."""
        out = YamlMap()
        out.line, out.key_lines = getattr(data, "line", 0), {}
        for key, value in data.items():
            line = line_of(data, key)
            target = key
            if isinstance(key, str):
                ids = (known(key) if callable(known) else (known[key.strip()],) if key.strip() in known else ())
                if len(ids) > 1:
                    self.report(line, _join(prefix, key), msg("spec.name-ambiguous", name=key, candidates=tuple(ids)))
                    continue
                if ids:
                    target = ids[0]
            if target in out:
                first = next(k for k in data if (k == target or _same(known, k, target)))
                self.report(line, _join(prefix, target), msg("spec.key-twice", key=key, first=first))
                continue
            out[target] = value
            out.key_lines[target] = line or 0
        return out


def _same(known: dict[str, str] | Callable[[str], tuple[str, ...]], key: Any, target: str) -> bool:
    if not isinstance(key, str):
        return False
    ids = known(key) if callable(known) else ((known[key.strip()],) if key.strip() in known else ())
    return ids == (target,)


def _with(data: YamlMap, key: str, value: Any) -> YamlMap:
    """A copy of ``data`` with ``data[key] = value``, lines kept."""
    out = YamlMap(data)
    out.line, out.key_lines = getattr(data, "line", 0), dict(getattr(data, "key_lines", {}))
    out[key] = value
    return out


def _without(data: YamlMap, key: str) -> YamlMap:
    out = _with(data, key, None)
    del out[key]
    return out


def _join(prefix: str, key: Any) -> str:
    return f"{prefix}.{key}" if prefix else str(key)
