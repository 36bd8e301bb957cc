"""The names people call library items by: ids, Chinese names and titles, declared aliases.

A spec may name an industry ``hotel``, ``酒店服务`` or ``酒店``; a clause by its id, title or alias; an
alternative group by its article's title (``争议解决``) and a choice by its alternative's title or
alias (``仲裁``); an annex by its title; a variable by its label, its label without the unit in
brackets (``合同有效期`` for ``合同有效期（年）``) or an alias. Every name comes from the library (the
``aliases:`` lists), so ``lint`` can check that no name means two things.

``Names`` is one namespace; ``resolve`` gives every id a name may mean (none, one, or several: the
composer refuses an ambiguous name listing the candidates).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .library import AnnexDef, ArticleDef, ClauseDef, Industry, Library, Variable

_UNIT = re.compile(r"（[^（）]*）$")


@dataclass(frozen=True)
class Names:
    """One namespace: the ids, and every other name → the ids it names, with a title for each id."""

    ids: frozenset[str]
    by_name: dict[str, tuple[str, ...]]
    titles: dict[str, str]
    """id → how people know it (shown beside the id when a name is ambiguous)."""

    def resolve(self, word: object) -> tuple[str, ...]:
        """The ids ``word`` may mean: itself when it is an id, else those its name is given to."""
        text = str(word).strip()
        if text in self.ids:
            return (text,)
        return self.by_name.get(text, ())

    def candidates(self, ids: Iterable[str]) -> tuple[str, ...]:
        """``id（title）`` for each id, for a message listing what an ambiguous name may mean."""
        return tuple(f"{i}（{self.titles[i]}）" if self.titles.get(i) else i for i in sorted(ids))


def names_of(entries: Iterable[tuple[str, str, Iterable[str]]]) -> Names:
    """A namespace from (id, title, other names) triples; the title is a name too."""
    ids: set[str] = set()
    by_name: dict[str, list[str]] = {}
    titles: dict[str, str] = {}
    for ident, title, others in entries:
        ids.add(ident)
        titles.setdefault(ident, title)
        for name in (title, *others):
            name = name.strip()
            if name and name != ident and ident not in by_name.setdefault(name, []):
                by_name[name].append(ident)
    return Names(frozenset(ids), {k: tuple(v) for k, v in by_name.items()}, titles)


def industries(library: Library) -> Names:
    return names_of((i.id, i.name, (i.title, *i.aliases)) for i in library.industries)


def nodes(found: Iterable[ArticleDef | ClauseDef]) -> Names:
    """Articles and clauses (for include and exclude)."""
    return names_of((n.id, n.title, n.aliases) for n in found if n.kind != "alternative")


def groups(library: Library, industry: str | None = None) -> Names:
    """Alternative groups: by the title of the article they choose in, and their declared aliases."""
    entries = []
    for group, alternatives in library.alternatives(industry).items():
        aliases = [a for node in alternatives for a in node.group_aliases]
        entries.append((group, group_title(library, alternatives), aliases))
    return names_of(entries)


def choices(alternatives: Iterable[ArticleDef | ClauseDef]) -> Names:
    """The choices of one group: by their alternative's title and aliases."""
    return names_of((n.choice or "", n.title, n.aliases) for n in alternatives)


def annexes(found: Iterable[AnnexDef]) -> Names:
    return names_of((a.id, a.title, a.aliases) for a in found)


def variables(found: Iterable[Variable]) -> Names:
    """Variables: by label, by label without its unit in brackets, and by alias."""
    return names_of((v.name, v.label, (_UNIT.sub("", v.label), *v.aliases)) for v in found)


def group_title(library: Library, alternatives: tuple[ArticleDef | ClauseDef, ...]) -> str:
    """An alternative group's name for people: the title of the article it chooses in."""
    first = alternatives[0]
    article = library.node.get(first.article) if isinstance(first, ClauseDef) else first
    return article.title if article is not None else first.title


Item = Industry | ArticleDef | ClauseDef | AnnexDef | Variable


def clashes(library: Library) -> list[tuple[Item, str, tuple[str, ...]]]:
    """Declared aliases that mean more than one thing in their namespace: (the item declaring it,
    the alias, every id it may mean). Two clauses that share a title are no clash: a spec naming
    them by that title is refused with both as candidates."""
    found = []
    alternatives = library.alternatives()
    spaces: list[tuple[Names, list[tuple[Item, tuple[str, ...]]]]] = [
        (industries(library), [(i, i.aliases) for i in library.industries]),
        (nodes(library.node.values()), [(n, n.aliases) for n in library.node.values() if n.kind != "alternative"]),
        (annexes(library.annexes), [(a, a.aliases) for a in library.annexes]),
        (variables(library.variables), [(v, v.aliases) for v in library.variables]),
        (groups(library), [(n, n.group_aliases) for alts in alternatives.values() for n in alts]),
    ]
    spaces += [(choices(alts), [(n, n.aliases) for n in alts]) for alts in alternatives.values()]
    for names, declared in spaces:
        for item, aliases in declared:
            for alias in aliases:
                meant = set(names.by_name.get(alias, ())) | ({alias} if alias in names.ids else set())
                if len(meant) > 1:
                    found.append((item, alias, tuple(sorted(meant))))
    return found
