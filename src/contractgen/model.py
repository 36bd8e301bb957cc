"""The composed contract: one immutable document model that every renderer and the diff read.

``compose`` builds it; nothing downstream re-derives anything the composer knows. The tree is
``Contract`` → ``Article`` → ``Clause`` → ``Paragraph`` → ``Run``, plus the parties and the annexes.
Text that came from a value stays a ``Run`` of kind ``value`` with its variable name and raw value,
so renderers can style it and the diff can tell a changed value from changed wording.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

RunKind = Literal["text", "value", "blank", "ref", "option", "line"]
"""``text``: library wording; ``value``: a filled blank; ``blank``: a missing value (a draft's, or every
value of a blank model text), shown as an underlined blank with its label; ``ref``: a cross-reference,
already numbered; ``option``: a box to tick by hand (``□诉讼``) in a blank model text; ``line``: a whole
empty line to write on (补充条款), alone in its paragraph."""

BOX = "□"
"""The box an ``option`` run opens with: ticked by hand (√) in a blank model text."""


@dataclass(frozen=True, slots=True)
class Run:
    """A stretch of text with one origin."""

    text: str
    """What is printed."""
    kind: RunKind = "text"
    var: str | None = None
    """The variable name (``value``/``blank``) or the referenced id (``ref``)."""
    raw: str | None = None
    """The value as given in the spec, as a string (``value`` only); the label for ``blank``; the
    choice an ``option`` offers (an enum's choice, an alternative's id, ``适用`` for a clause that applies
    only in some deals)."""

    @property
    def width(self) -> int:
        """A blank's printed width in characters: the ＿ its text opens with (0 for other runs)."""
        return len(self.text) - len(self.text.lstrip("＿")) if self.kind == "blank" else 0


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph of a clause: plain text, or a numbered item."""

    runs: tuple[Run, ...]
    number: str = ""
    """The item number (``（1）``, ``1.``) for items; empty for running text."""

    @property
    def text(self) -> str:
        """The paragraph's text without its number."""
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True, slots=True)
class Clause:
    """A numbered sub-clause (款) of an article."""

    id: str
    number: str
    """``3.1`` or ``（一）``, by the library's numbering scheme."""
    title: str
    """Short heading shown before the text; may be empty."""
    version: str
    kind: str
    """base | industry | optional | alternative."""
    paragraphs: tuple[Paragraph, ...]
    attrs: tuple[tuple[str, str], ...] = ()
    """Extra facts (``group``, ``choice``, ``condition``), sorted by key."""
    prominent: bool = False
    """A standard term (格式条款) the customer's attention must be drawn to (《民法典》第四百九十六条: it
    excludes or limits the provider's liability, adds to the customer's, or chooses the court or
    arbitration): every renderer prints it in bold (the library marks it ``standard_term: notice``)."""
    states: tuple[str, ...] = ()
    """What it says, as the library marks it for the legal check (``precedence``, ``change-by-agreement``,
    ``penalty-relation`` …: ``library.STATES``)."""

    @property
    def text(self) -> str:
        """Title and paragraphs as plain text, one paragraph a line (numbers excluded)."""
        lines = [p.number + p.text for p in self.paragraphs]
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Article:
    """A numbered article (第X条)."""

    id: str
    number: str
    """``第三条``."""
    index: int
    """1-based position in the contract."""
    title: str
    version: str
    kind: str
    paragraphs: tuple[Paragraph, ...]
    """Lead text before the first clause (or the whole text of an article without clauses)."""
    clauses: tuple[Clause, ...]
    attrs: tuple[tuple[str, str], ...] = ()
    prominent: bool = False
    """Its lead paragraphs are a standard term printed in bold (its clauses say so each for itself)."""
    states: tuple[str, ...] = ()
    """What its lead paragraphs say, for the legal check (as ``Clause.states``)."""

    @property
    def heading(self) -> str:
        """``第三条 服务评价``."""
        return f"{self.number}　{self.title}"


@dataclass(frozen=True, slots=True)
class Party:
    """One party of the contract as it appears in the parties block and signature block."""

    role: Literal["customer", "provider"]
    designation: str
    """甲方 (customer) or 乙方 (provider)."""
    label: str
    """The industry's name for the role, e.g. 客人, 酒店."""
    kind: Literal["person", "organization"]
    name: Run
    details: tuple[tuple[str, Run], ...]
    """Labelled lines in order, e.g. (统一社会信用代码, …), (住所, …), (法定代表人, …), (联系电话, …); a
    委托代理人 and a minor customer's 监护人 are lines here too, so every renderer prints them."""
    agent: Run | None = None
    """The 委托代理人 who signs for the party, when there is one."""
    guardian: Run | None = None
    """The 监护人 (法定代理人) who signs for a minor customer, when there is one."""


@dataclass(frozen=True, slots=True)
class Section:
    """A headed section of a prose annex (policy, handbook, statement)."""

    heading: str
    paragraphs: tuple[Paragraph, ...]
    states: tuple[str, ...] = ()
    """What it says, for the legal check (as ``Clause.states``)."""


@dataclass(frozen=True, slots=True)
class RatingGroup:
    """One evaluation dimension of a form and its rating items."""

    title: str
    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Form:
    """A structured evaluation form: header blanks, ratings on a five-level scale, comments, signatures."""

    fields: tuple[str, ...]
    scale: tuple[str, ...]
    groups: tuple[RatingGroup, ...]
    comments: tuple[str, ...]
    signatures: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Annex:
    """An annex attached to the contract (附件一 …)."""

    id: str
    number: str
    """``附件一``."""
    title: str
    version: str
    kind: str
    """policy | handbook | statement | form."""
    intro: tuple[Paragraph, ...]
    sections: tuple[Section, ...]
    form: Form | None = None
    states: tuple[str, ...] = ()
    """What its introduction says, for the legal check (as ``Clause.states``)."""

    @property
    def heading(self) -> str:
        """``附件一：隐私保护政策``."""
        return f"{self.number}：{self.title}"


@dataclass(frozen=True, slots=True)
class MainContract:
    """The service contract a 补充协议 supplements (``frame: supplement``)."""

    title: Run
    """Its title, without 《》."""
    number: Run | None
    """Its contract number, when it has one."""
    date: Run
    """The day it was signed."""


@dataclass(frozen=True, slots=True)
class LibraryInfo:
    """Which library the contract was composed from."""

    layers: tuple[str, ...]
    """``builtin`` then each company layer's name."""
    version: str
    numbering: str


@dataclass(frozen=True)
class Contract:
    """The whole composed contract (no slots: ``clause_index`` is cached on the instance)."""

    title: str
    industry: str
    """The industry id."""
    industry_name: str
    contract_no: str
    sign_date: dt.date | None
    sign_place: str
    parties: tuple[Party, ...]
    """Customer (甲方) first, then provider (乙方)."""
    preamble: tuple[Paragraph, ...]
    """The recital before the first article."""
    articles: tuple[Article, ...]
    annexes: tuple[Annex, ...]
    draft: bool
    library: LibraryInfo
    values: tuple[tuple[str, str], ...] = ()
    """Every variable's raw value as used, sorted by name (blank string when missing in a draft)."""
    blanks: tuple[str, ...] = field(default=())
    """Variables left blank (draft mode only)."""
    defaulted: tuple[str, ...] = ()
    """Variables the spec did not give, printed with the library's default, sorted."""
    profile: str = "business"
    """``consumer`` (消费者合同: the customer is a natural person buying for personal use) or ``business``
    (经营者之间的合同)."""
    frame: Literal["standalone", "supplement"] = "standalone"
    """``standalone``: a complete service contract; ``supplement``: a 补充协议 to ``main_contract``."""
    main_contract: MainContract | None = None
    """The contract a supplement belongs to (``frame: supplement`` only)."""
    acknowledgement: tuple[Paragraph, ...] = ()
    """In a consumer contract with prominent terms: the customer's acknowledgement that they were
    pointed out and explained (《民法典》第四百九十六条), printed above the signatures with a line for
    the customer's signature; empty otherwise."""
    blank: bool = False
    """A blank model text (示范文本) to fill in by hand: every value an underlined blank with its label,
    every alternative a □ option, lines for agents and guardians; not a draft of one deal (no 草稿)."""
    instructions: Section | None = None
    """The 使用说明 printed on a page of its own before the contract (a blank model text only)."""

    @property
    def prominent_clauses(self) -> tuple[Clause, ...]:
        """Every clause printed in bold, in reading order."""
        return tuple(c for a in self.articles for c in a.clauses if c.prominent)

    @cached_property
    def clause_index(self) -> dict[str, Clause | Article]:
        """Every article and clause by id."""
        index: dict[str, Clause | Article] = {}
        for article in self.articles:
            index[article.id] = article
            for clause in article.clauses:
                index[clause.id] = clause
        return index

    @property
    def sign_date_text(self) -> str:
        """``2026年12月1日`` or empty."""
        d = self.sign_date
        return f"{d.year}年{d.month}月{d.day}日" if d else ""


def to_dict(obj: Any) -> Any:
    """A JSON-ready structure of any model object (dates as ISO strings, tuples as lists)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (tuple, list)):
        return [to_dict(x) for x in obj]
    if isinstance(obj, dt.date):
        return obj.isoformat()
    return obj


def to_json(contract: Contract) -> str:
    """The contract as stable, pretty JSON (what ``contractgen compose`` prints)."""
    data = {"schema": "contractgen/contract@1", **to_dict(contract)}
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
