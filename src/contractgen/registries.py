"""The library's registries: the laws it cites and the arbitration bodies a contract may name.

Owns the data model of both registries, reading their YAML (``laws:`` and ``arbitration:`` in any
file of ``clauses/``; the shipped ones are ``clauses/laws.yaml`` and ``clauses/arbitration.yaml``),
merging a company layer's entries over the shipped ones, and the one way a citation is written:
``law('个人信息保护法', 13)`` → 《中华人民共和国个人信息保护法》第十三条. Library text cites only through
``law()``, so a law's name and the numbers of its articles are one truth; ``lint`` refuses a citation
written by hand and the loader refuses a ``law()`` the registry does not hold.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from jinja2 import nodes

from . import formats, templates
from .errors import Problem
from .i18n import Message, msg
from .yamlio import YamlMap, line_of

LAW = "law"
"""``{{ law('民法典', 496) }}``: the exact citation of a law, regulation or judicial interpretation."""
LAW_KINDS = ("法律", "行政法规", "司法解释", "部门规章")
LAW_KEYS = {"name", "short", "kind", "number", "effective", "articles", "chapters", "verified"}
BODY_KEYS = {"name", "city", "aliases"}
_RANGE = re.compile(r"^(\d+)-(\d+)$")
BY_HAND = re.compile(r"《[^《》]*(?:法|法典|条例|规定|解释|办法|决定)》")
"""A law's name written by hand in library text (``law()`` writes them; templates never contain 《》)."""


@dataclass(frozen=True, slots=True)
class Law:
    """A law, administrative regulation or judicial interpretation the library cites."""

    name: str
    """The exact official name without 《》: 中华人民共和国个人信息保护法."""
    short: str
    """What ``law()`` calls it: 个人信息保护法."""
    kind: str
    """法律 | 行政法规 | 司法解释 | 部门规章."""
    number: str
    """The document that enacted its current text: 中华人民共和国主席令第九十一号, 法释〔2022〕11号."""
    effective: dt.date
    """When its current text took effect."""
    articles: tuple[tuple[int, str], ...]
    """The articles the library cites: number → what the article says (for the reviewer)."""
    chapters: tuple[tuple[int, str], ...] = ()
    verified: str = ""
    """How the name, document, date and articles were checked against the text of the law, and against
    which source; empty when nobody recorded a check (docs/laws.md then says 未核对)."""
    path: str = ""
    line: int | None = None


@dataclass(frozen=True, slots=True)
class ArbitrationBody:
    """An arbitration institution a contract may name (仲裁法第十六条: a chosen commission)."""

    name: str
    """Its exact current name: 深圳国际仲裁院, 上海仲裁委员会."""
    city: str
    aliases: tuple[str, ...] = ()
    """Former and other names a spec may give; the contract prints ``name``."""


def cite(law: Law, articles: Iterable[int | str] = (), chapter: int | None = None) -> str:
    """《全称》, 《全称》第十三条, 《全称》第四百九十六条至第四百九十八条, 《全称》第三章."""
    parts = []
    for article in articles:
        found = _RANGE.match(str(article))
        if found:
            parts.append(f"{formats.article_number(int(found[1]))}至{formats.article_number(int(found[2]))}")
        else:
            parts.append(formats.article_number(int(article)))
    where = "、".join(parts)
    if chapter is not None:
        where = f"第{formats.chinese_number(int(chapter))}章" + where
    return f"《{law.name}》{where}"


def cited_articles(articles: Iterable[int | str]) -> list[int]:
    """Every article number a ``law()`` call names (a range ``'496-498'`` names each one)."""
    found: list[int] = []
    for article in articles:
        span = _RANGE.match(str(article))
        if span:
            found += range(int(span[1]), int(span[2]) + 1)
        else:
            found.append(int(article))
    return found


@dataclass(frozen=True, slots=True)
class Citation:
    """One ``law(...)`` call as written in a template (constant arguments only)."""

    law: str
    articles: tuple[int | str, ...]
    chapter: int | None
    bad: bool = False
    """An argument that is not a constant number or range: refused."""


def citations(source: str) -> tuple[Citation, ...]:
    """The ``law(...)`` calls of a template, in order."""
    found = []
    for call in templates.parse(source).find_all(nodes.Call):
        if not (isinstance(call.node, nodes.Name) and call.node.name == LAW):
            continue
        args = [a.value if isinstance(a, nodes.Const) else None for a in call.args]
        kwargs = {k.key: (k.value.value if isinstance(k.value, nodes.Const) else None) for k in call.kwargs}
        name, rest = (args[0], args[1:]) if args else (None, [])
        chapter = kwargs.pop("chapter", None)
        bad = (not isinstance(name, str) or bool(kwargs) or call.dyn_args is not None or call.dyn_kwargs is not None
               or any(not _article_arg(a) for a in rest) or ("chapter" in {k.key for k in call.kwargs}
                                                              and not isinstance(chapter, int)))
        found.append(Citation(name if isinstance(name, str) else "", tuple(a for a in rest if _article_arg(a)),
                              chapter if isinstance(chapter, int) else None, bad))
    return tuple(found)


def _article_arg(value: Any) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool) and value > 0) or \
        (isinstance(value, str) and bool(_RANGE.match(value)))


class LawIndex:
    """The registry by short and full name, and the ``law()`` function templates call."""

    def __init__(self, laws: Iterable[Law]) -> None:
        self.by_name: dict[str, Law] = {}
        for law in laws:
            self.by_name[law.short] = law
            self.by_name[law.name] = law

    def problem(self, citation: Citation) -> Message | None:
        """Why a citation cannot be printed from the registry, or None."""
        if citation.bad:
            return msg("library.law-call-invalid")
        law = self.by_name.get(citation.law)
        if law is None:
            return msg("library.law-unknown", law=citation.law, hint=_hint(citation.law, self.by_name))
        listed = dict(law.articles)
        missing = [n for n in cited_articles(citation.articles) if n not in listed]
        if missing:
            return msg("library.law-article-unknown", law=law.name, articles=tuple(formats.article_number(n)
                                                                                 for n in missing))
        if citation.chapter is not None and citation.chapter not in dict(law.chapters):
            return msg("library.law-chapter-unknown", law=law.name,
                       chapter=f"第{formats.chinese_number(citation.chapter)}章")
        return None

    def function(self) -> Callable[..., str]:
        """``law(name, *articles, chapter=None)`` for templates; an unknown citation raises ``ValueError``
        (the loader has refused it already, so only a template that bypassed the loader meets it)."""

        def law(name: str, *articles: int | str, chapter: int | None = None) -> str:
            problem = self.problem(Citation(name, tuple(articles), chapter,
                                            bad=not isinstance(name, str) or not all(map(_article_arg, articles))))
            if problem is not None:
                raise ValueError(problem)
            return cite(self.by_name[name], articles, chapter)

        return law


# --- reading -------------------------------------------------------------------------------------

class RegistryReader:
    """Reads the ``laws:`` and ``arbitration:`` lists of the library files; later layers add and replace."""

    def __init__(self, problem: Callable[[str, int | None, str, Message], None]) -> None:
        self.problem = problem
        self.laws: dict[str, Law] = {}
        self.bodies: dict[str, ArbitrationBody] = {}

    def read_laws(self, raw: Any, path: str, line: int | None) -> None:
        for i, item in enumerate(self._items(raw, path, line, "laws")):
            where = f"laws[{i}]"
            if not isinstance(item, dict):
                self.problem(path, line_of(raw, i), where, msg("library.must-be-mapping", kind=msg("kind.text")))
                continue
            law = self._law(item, path, where)
            if law is None:
                continue
            old = self.laws.get(law.name)
            if old is not None:  # a company layer adds the articles it cites to a shipped law
                law = replace(law, articles=_union(old.articles, law.articles),
                              chapters=_union(old.chapters, law.chapters))
            self.laws[law.name] = law

    def _law(self, item: YamlMap, path: str, where: str) -> Law | None:
        for key in item:
            if key not in LAW_KEYS:
                self.problem(path, line_of(item, key), f"{where}.{key}", msg("library.unknown-key", hint=_hint(key, LAW_KEYS)))
        texts = {}
        for key in ("name", "short", "kind", "number"):
            value = item.get(key)
            if not isinstance(value, str) or not value.strip():
                self.problem(path, line_of(item, key), f"{where}.{key}", msg("library.required"))
                return None
            texts[key] = value.strip()
        if texts["kind"] not in LAW_KINDS:
            self.problem(path, line_of(item, "kind"), f"{where}.kind",
                         msg("library.must-be-one-of", choices=LAW_KINDS, value=texts["kind"]))
        if "《" in texts["name"] or "》" in texts["name"]:
            self.problem(path, line_of(item, "name"), f"{where}.name", msg("library.law-name-brackets"))
        try:
            effective = formats.parse_date(item.get("effective"))
        except (ValueError, TypeError):
            self.problem(path, line_of(item, "effective"), f"{where}.effective",
                         msg("value.date", value=item.get("effective")))
            return None
        articles = self._numbered(item, "articles", path, where)
        chapters = self._numbered(item, "chapters", path, where)
        verified = item.get("verified")
        if verified is not None and not isinstance(verified, str):
            from .library import _kind_of  # library imports this module

            self.problem(path, line_of(item, "verified"), f"{where}.verified",
                         msg("library.must-be-text", kind=_kind_of(verified)))
            verified = None
        return Law(texts["name"], texts["short"], texts["kind"], texts["number"], effective, articles, chapters,
                   (verified or "").strip(), path, item.line or None)

    def _numbered(self, item: YamlMap, key: str, path: str, where: str) -> tuple[tuple[int, str], ...]:
        raw = item.get(key)
        if raw is None:
            return ()
        if not isinstance(raw, dict):
            self.problem(path, line_of(item, key), f"{where}.{key}", msg("library.law-articles-mapping"))
            return ()
        out = []
        for number, subject in raw.items():
            if isinstance(number, bool) or not isinstance(number, int) or number < 1 or number > 9999:
                self.problem(path, line_of(raw, number), f"{where}.{key}", msg("library.must-be-integer", value=number))
            elif not isinstance(subject, str) or not subject.strip():
                self.problem(path, line_of(raw, number), f"{where}.{key}.{number}", msg("library.law-article-subject"))
            else:
                out.append((number, subject.strip()))
        return tuple(sorted(out))

    def read_bodies(self, raw: Any, path: str, line: int | None) -> None:
        for i, item in enumerate(self._items(raw, path, line, "arbitration")):
            where = f"arbitration[{i}]"
            if not isinstance(item, dict):
                self.problem(path, line_of(raw, i), where, msg("library.must-be-mapping", kind=msg("kind.text")))
                continue
            for key in item:
                if key not in BODY_KEYS:
                    self.problem(path, line_of(item, key), f"{where}.{key}",
                                 msg("library.unknown-key", hint=_hint(key, BODY_KEYS)))
            name, city = item.get("name"), item.get("city")
            if not isinstance(name, str) or not name.strip() or not isinstance(city, str) or not city.strip():
                self.problem(path, item.line or line, where, msg("library.body-needs-name-city"))
                continue
            aliases = item.get("aliases") or []
            if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
                self.problem(path, line_of(item, "aliases"), f"{where}.aliases", msg("library.must-be-a-list"))
                aliases = []
            self.bodies[name.strip()] = ArbitrationBody(name.strip(), city.strip(), tuple(a.strip() for a in aliases))

    def _items(self, raw: Any, path: str, line: int | None, key: str) -> list[Any]:
        if not isinstance(raw, list):
            self.problem(path, line, key, msg("library.must-be-a-list"))
            return []
        return raw


def _hint(word: Any, options: Iterable[str]) -> Message | str:
    from .library import did_you_mean  # library imports this module

    return did_you_mean(str(word), options)


def _union(old: tuple[tuple[int, str], ...], new: tuple[tuple[int, str], ...]) -> tuple[tuple[int, str], ...]:
    return tuple(sorted({**dict(old), **dict(new)}.items()))


def citation_problems(index: LawIndex, path: str, line: int | None, sources: Iterable[str]) -> list[Problem]:
    """The ``law()`` calls of one library item (written at ``path``, ``line``) the registry cannot print."""
    found = []
    for source in sources:
        for citation in citations(source):
            problem = index.problem(citation)
            if problem is not None:
                found.append(Problem(path, line, "", problem))
    return found
