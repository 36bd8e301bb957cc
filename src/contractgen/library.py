"""The clause library: YAML folders read, validated and merged into one immutable ``Library``.

Owns the library's data model (articles, clauses, variables, industries, annexes), the schema check
of every file, the merge of company layers over the shipped library (a later layer overrides an
earlier one by id), and the cross-checks that need the whole library (undeclared variables, missing
references). Every problem names its file and line, and all are reported at once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from functools import cached_property
from importlib.resources import files
from pathlib import Path
from typing import Any

from jinja2 import TemplateSyntaxError

from . import formats, templates, values
from .errors import InputError, LibraryError, Problem
from .i18n import Message, msg
from .model import Form, RatingGroup
from .registries import LAW, ArbitrationBody, Citation, Law, LawIndex, RegistryReader, citation_problems
from .yamlio import YamlMap, line_of, load_yaml

KINDS = ("base", "industry", "optional", "alternative")
VAR_TYPES = ("int", "decimal", "money", "date", "string", "enum", "bool")
ANNEX_KINDS = ("policy", "handbook", "statement", "form")
NUMBERINGS = ("decimal", "chinese")
PROFILES = ("consumer", "business")
"""消费者合同 (the customer is a natural person buying for personal use) and 经营者之间的合同."""
PARTY_TYPES = ("person", "organization")
"""A party's ``type``: a natural person or an organisation (company, institution, ...)."""


def default_profile(customer_type: str) -> str:
    """The profile a contract takes when its spec names none: a natural person is a consumer, an
    organisation a business (the composer, ``init`` and the web form all decide so)."""
    return "consumer" if customer_type == "person" else "business"


CHOICE_SOURCES = ("arbitration",)
"""Registries an enum variable may take its choices from (``choices_from: arbitration``)."""
FOLDERS = ("clauses", "industries", "attachments")
ID_RE = re.compile(r"^[a-z0-9]+(?:[.-][a-z0-9]+)*$")
VAR_RE = re.compile(r"^[a-z][a-z0-9_]*$")
SCALE_LEVELS = 5
_INVISIBLE = re.compile(r"[\s\x00-\x1f\x7f\ufffe\uffff]")

STATES = ("precedence", "change-by-agreement", "unilateral-change", "penalty-relation", "third-party-dispute")
"""What a text says, for the legal check (``states:``): ``precedence``, which of the contract and an
annex prevails; ``change-by-agreement``, the contract changes only by both parties' agreement;
``unilateral-change``, one party may change an annex alone; ``penalty-relation``, how a per-day and a
lump-sum penalty relate; ``third-party-dispute``, a dispute with a third party (its court or
arbitration is not this contract's dispute route)."""
PENALTIES = ("per-day", "lump-sum")
"""A money variable that is a 违约金 (``penalty:``): by the day of delay, or once."""

STANDARD_TERMS = ("notice", "none")
"""``standard_term: notice``: a 格式条款 to be made prominent (bold, and acknowledged in a consumer
contract); ``none``: reviewed, wording like 不承担 there does not limit the customer's rights."""
LIABILITY_WORDS = re.compile(r"不承担|免除|自行承担|不负责|概不|不予退还|不予赔偿")
"""Wording that usually excludes or limits a party's liability: lint wants such a clause marked."""
DEFAULT_ACKNOWLEDGEMENT = (
    "乙方已就本合同中以加粗字体标示的条款，包括免除或者减轻乙方责任、加重甲方责任、限制甲方权利以及约定争议解决方式等"
    "与甲方有重大利害关系的条款，依照{{ law('民法典', 496) }}的规定以显著方式提请甲方注意，并已按照甲方的要求予以说明。"
    "甲方已仔细阅读上述条款，理解其含义及法律后果。"
)
"""What the customer of a consumer contract signs above the signature block."""

DEFAULT_RECITAL = (
    "根据{{ law('民法典') }}及相关法律、法规的规定，甲乙双方在平等、自愿、公平、诚实信用的基础上，"
    "就{{ industry_name }}的服务反馈和评价事宜，经友好协商一致，订立本合同，以资共同遵守。"
)
DEFAULT_SUPPLEMENT_RECITAL = (
    "甲乙双方已于{{ main_contract_date }}签订{{ main_contract }}。为明确主合同项下"
    "{{ industry_name }}的服务反馈和评价事宜，根据《中华人民共和国民法典》及相关法律、法规的规定，"
    "甲乙双方在平等、自愿、公平、诚实信用的基础上，经友好协商一致，订立本协议，作为主合同的补充，以资共同遵守。"
)


@dataclass(frozen=True, slots=True)
class Loc:
    """Where a definition was written."""

    path: str
    line: int | None


@dataclass(frozen=True, slots=True)
class StatutoryBound:
    """A floor or ceiling the law sets for a variable's value, with where the law says so."""

    value: Decimal
    law: str
    """The law's name or short name in the registry (``laws.yaml``)."""
    article: int
    profiles: tuple[str, ...] = ()
    """The profiles whose contracts it binds (empty: every profile)."""


@dataclass(frozen=True, slots=True)
class Variable:
    """A blank a contract can fill, declared once."""

    name: str
    type: str
    label: str
    description: str
    loc: Loc
    default: Any = None
    min: Decimal | None = None
    max: Decimal | None = None
    pattern: str | None = None
    pattern_label: str | None = None
    """What ``pattern`` accepts, in words, for people (电子邮箱地址): shown where the pattern would be."""
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    format: str | None = None
    example: Any = None
    aliases: tuple[str, ...] = ()
    """Other names a spec may use for it (its ``label`` is one already)."""
    profiles: tuple[str, ...] = ()
    """The profiles whose contracts take it (empty: every profile)."""
    profile_choices: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """An enum's choices in one profile, where fewer are lawful (a consumer's court: not the provider's seat)."""
    choices_from: str | None = None
    """The registry its choices come from (``arbitration``)."""
    choice_aliases: tuple[tuple[str, str], ...] = ()
    """Other names of a choice → the choice (a body's former name → its name)."""
    placeholder: bool = False
    """Its default is a stand-in to be replaced (``privacy@example.com``): a contract that is not a
    draft may not print it (rule ``placeholder``)."""
    measures: str | None = None
    """The obligation this period or service level measures: two variables measuring one obligation
    must hold one value in a contract (rule ``one-value``); both in the same unit."""
    penalty: str | None = None
    """``per-day`` or ``lump-sum``: this money is a 违约金 (rules ``penalty-cap``, ``penalty-stacking``)."""
    capped_by: str | None = None
    """For a per-day penalty: the variable stating its cap, printed in the same clause."""
    at_most: str | None = None
    """Another variable this value may not exceed (a deposit, the price: rule ``money-deposit``)."""
    sum_of: tuple[str, ...] = ()
    """Variables that, when the contract prints them, add up to this value (rule ``money-installments``)."""
    per_party_of: str | None = None
    """The total this is each party's share of (copies each, of the counterparts: rule ``counterparts``)."""
    statutory_min: StatutoryBound | None = None
    """The lowest value the law allows (rule ``statutory-floor``)."""
    statutory_max: StatutoryBound | None = None
    """The highest value the law allows (rule ``statutory-floor``)."""
    replaces: tuple[str, ...] = ()
    """Variables this one took the place of (two variables for one period, merged into it): a spec
    still giving one is told to give this one instead, never read as it (units may differ)."""

    def choices_for(self, profile: str | None) -> tuple[str, ...]:
        """The choices a contract of ``profile`` may take."""
        return dict(self.profile_choices).get(profile or "", self.choices)
    examples: tuple[tuple[str, Any], ...] = ()
    """Industry id → the example ``init --example`` writes for that industry (a hotel's 服务项目 is not a
    course's), instead of ``example``."""

    def example_for(self, industry: str) -> Any:
        """The example value of this variable in one industry's starter spec."""
        return dict(self.examples).get(industry, self.example)

    @property
    def required(self) -> bool:
        """A variable without a default must be given by the spec."""
        return self.default is None


@dataclass(frozen=True, slots=True)
class ClauseDef:
    """A sub-clause (款) as written in the library."""

    id: str
    kind: str
    title: str
    version: str
    text: str
    items: tuple[str, ...]
    article: str
    """The id of the article it belongs to."""
    order: int
    loc: Loc
    condition: str | None = None
    group: str | None = None
    choice: str | None = None
    default: bool = False
    excludable: bool = False
    industries: tuple[str, ...] = ()
    uses: frozenset[str] = frozenset()
    """Every name its templates and condition read (variables, built-ins, ``ref``)."""
    refs: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    """Other names a spec may use for it (its ``title`` is one already); for an alternative, for its choice."""
    group_aliases: tuple[str, ...] = ()
    """For an alternative: other names of its group (the article's title is one already)."""
    profiles: tuple[str, ...] = ()
    """The profiles whose contracts it goes into (empty: every profile), like a condition."""
    standard_term: str | None = None
    """``notice``: a standard term printed in bold; ``none``: reviewed, no notice needed."""
    states: tuple[str, ...] = ()
    """What it says, for the legal check (``STATES``)."""


@dataclass(frozen=True, slots=True)
class ArticleDef:
    """An article (条) as written in the library, with its clauses in order."""

    id: str
    kind: str
    title: str
    version: str
    order: int
    text: str
    clauses: tuple[ClauseDef, ...]
    loc: Loc
    condition: str | None = None
    group: str | None = None
    choice: str | None = None
    default: bool = False
    excludable: bool = False
    industries: tuple[str, ...] = ()
    generate: str | None = None
    uses: frozenset[str] = frozenset()
    refs: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    group_aliases: tuple[str, ...] = ()
    profiles: tuple[str, ...] = ()
    standard_term: str | None = None
    states: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Industry:
    """An industry: its roles, default title and default annex set."""

    id: str
    name: str
    title: str
    customer_role: str
    provider_role: str
    customer_type: str
    annexes: tuple[str, ...]
    loc: Loc
    aliases: tuple[str, ...] = ()
    """Other names a spec may use for it (its ``name`` and ``title`` are two already)."""


@dataclass(frozen=True, slots=True)
class SectionDef:
    """A headed section of a prose annex."""

    heading: str
    paragraphs: tuple[str, ...]
    items: tuple[str, ...] = ()
    profiles: tuple[str, ...] = ()
    """The profiles whose contracts print it (empty: every profile)."""
    states: tuple[str, ...] = ()
    """What it says, for the legal check (``STATES``)."""


@dataclass(frozen=True, slots=True)
class AnnexDef:
    """An annex as written in the library: prose sections or a structured form."""

    id: str
    title: str
    version: str
    kind: str
    intro: str
    sections: tuple[SectionDef, ...]
    form: Form | None
    loc: Loc
    industries: tuple[str, ...] = ()
    uses: frozenset[str] = frozenset()
    refs: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    """Other names a spec may use for it (its ``title`` is one already)."""
    profiles: tuple[str, ...] = ()
    states: tuple[str, ...] = ()
    """What its introduction says, for the legal check (``STATES``)."""


@dataclass(frozen=True)
class Library:
    """The merged, validated library (no slots: lookups are cached on the instance)."""

    name: str
    version: str
    numbering: str
    recital: str
    layers: tuple[str, ...]
    variables: tuple[Variable, ...]
    articles: tuple[ArticleDef, ...]
    """Sorted by ``order``; attached clauses already merged into their article."""
    industries: tuple[Industry, ...]
    annexes: tuple[AnnexDef, ...]
    paths: tuple[Path, ...] = field(default=(), compare=False)
    laws: tuple[Law, ...] = ()
    """Every law, regulation and judicial interpretation the library cites (``law()``)."""
    acknowledgement: str = DEFAULT_ACKNOWLEDGEMENT
    """The template of a consumer's acknowledgement of the prominent terms (``library.acknowledgement``)."""
    arbitration: tuple[ArbitrationBody, ...] = ()
    """The arbitration bodies a contract may name."""

    @cached_property
    def law_index(self) -> LawIndex:
        """The law registry by name, and the ``law()`` of templates."""
        return LawIndex(self.laws)
    supplement_recital: str = DEFAULT_SUPPLEMENT_RECITAL
    """The recital of a 补充协议 (``frame: supplement``): names the main contract and its date."""
    blank_instructions: str = ""
    """The 使用说明 of a blank model text (``build --blank``): how to fill it in by hand
    (``library.blank_instructions``; without it a blank model text has no such page)."""

    @cached_property
    def variable(self) -> dict[str, Variable]:
        """Variables by name."""
        return {v.name: v for v in self.variables}

    @cached_property
    def industry(self) -> dict[str, Industry]:
        """Industries by id."""
        return {i.id: i for i in self.industries}

    @cached_property
    def annex(self) -> dict[str, AnnexDef]:
        """Annexes by id."""
        return {a.id: a for a in self.annexes}

    @cached_property
    def node(self) -> dict[str, ArticleDef | ClauseDef]:
        """Every article and clause by id."""
        found: dict[str, ArticleDef | ClauseDef] = {}
        for article in self.articles:
            found[article.id] = article
            for clause in article.clauses:
                found[clause.id] = clause
        return found

    def offered(self, node: ArticleDef | ClauseDef | AnnexDef, industry: str, profile: str | None = None) -> bool:
        """Whether an article, clause or annex may appear in this industry's contracts (of ``profile``;
        None: of any profile)."""
        if node.industries and industry not in node.industries:
            return False
        if profile is not None and node.profiles and profile not in node.profiles:
            return False
        # An industry's own articles (kind industry) belong to that industry alone.
        owner = getattr(node, "id", "").split(".", 1)[0]
        return not (getattr(node, "kind", "") == "industry" and owner in self.industry and owner != industry)

    @cached_property
    def _found(self) -> dict[tuple[str, str, str | None], tuple]:
        """What ``articles_for``, ``variables_for`` and ``includable`` gave, by their arguments: the
        library never changes, and composing one contract asks each of them several times (a batch,
        for every row)."""
        return {}

    def _memo(self, what: str, industry: str, profile: str | None, make: Callable[[], tuple]) -> tuple:
        key = (what, industry, profile)
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = make()
        return found

    def articles_for(self, industry: str, profile: str | None = None) -> tuple[ArticleDef, ...]:
        """The articles (with only the clauses) this industry's contracts (of ``profile``) may contain."""
        return self._memo("articles", industry, profile, lambda: self._articles_for(industry, profile))

    def _articles_for(self, industry: str, profile: str | None) -> tuple[ArticleDef, ...]:
        result = []
        for article in self.articles:
            if not self.offered(article, industry, profile):
                continue
            clauses = tuple(c for c in article.clauses if self.offered(c, industry, profile))
            result.append(replace(article, clauses=clauses))
        return tuple(result)

    def variables_for(self, industry: str, profile: str | None = None) -> tuple[Variable, ...]:
        """Every variable this industry's contract (of ``profile``) can take, in declaration order."""
        return self._memo("variables", industry, profile, lambda: self._variables_for(industry, profile))

    def _variables_for(self, industry: str, profile: str | None) -> tuple[Variable, ...]:
        used: set[str] = set()
        for article in self.articles_for(industry, profile):
            used |= article.uses
            for clause in article.clauses:
                used |= clause.uses
        for annex in self.annexes:
            if self.offered(annex, industry, profile):
                used |= annex.uses
        return tuple(v for v in self.variables if v.name in used
                     and (profile is None or not v.profiles or profile in v.profiles))

    def includable(self, industry: str, profile: str | None = None) -> tuple[ArticleDef | ClauseDef, ...]:
        """What a spec may ``include``: optional articles, and optional clauses of other articles
        (the clauses of an optional article come with it)."""
        return self._memo("includable", industry, profile, lambda: self._includable(industry, profile))

    def _includable(self, industry: str, profile: str | None) -> tuple[ArticleDef | ClauseDef, ...]:
        found: list[ArticleDef | ClauseDef] = []
        for article in self.articles_for(industry, profile):
            if article.kind == "optional":
                found.append(article)
            else:
                found += [c for c in article.clauses if c.kind == "optional"]
        return tuple(found)

    def alternatives(self, industry: str | None = None,
                     profile: str | None = None) -> dict[str, tuple[ArticleDef | ClauseDef, ...]]:
        """Alternative groups: group name → its alternatives, in library order."""
        groups: dict[str, list[ArticleDef | ClauseDef]] = {}
        nodes: Iterable[ArticleDef | ClauseDef] = self.node.values()
        for node in nodes:
            if not node.group or (profile is not None and node.profiles and profile not in node.profiles):
                continue
            if industry is None or self.offered(node, industry):
                groups.setdefault(node.group, []).append(node)
        return {g: tuple(n) for g, n in groups.items()}


# --- locating the data -------------------------------------------------------------------------

def builtin_library_dir() -> Path:
    """The shipped library: inside the installed package, or the repository top in a source checkout."""
    packaged = Path(str(files("contractgen"))) / "_library"
    if (packaged / "clauses").is_dir():
        return packaged
    return Path(__file__).resolve().parents[2]


# --- reading one layer -------------------------------------------------------------------------

_COMMON_NODE_KEYS = {"id", "kind", "title", "version", "text", "condition", "group", "choice", "default",
                     "excludable", "industries", "aliases", "group_aliases", "profiles", "standard_term", "states"}
ARTICLE_KEYS = _COMMON_NODE_KEYS | {"order", "clauses", "generate"}
NESTED_CLAUSE_KEYS = _COMMON_NODE_KEYS | {"items"}
ATTACHED_CLAUSE_KEYS = NESTED_CLAUSE_KEYS | {"article", "order"}
VARIABLE_KEYS = {"type", "label", "description", "default", "min", "max", "pattern", "pattern_label", "max_length", "choices",
                 "format", "example", "examples", "aliases", "profiles", "profile_choices", "choices_from",
                 "placeholder", "measures", "penalty", "capped_by", "at_most", "sum_of", "per_party_of",
                 "statutory_min", "statutory_max",
                 "replaces"}
INDUSTRY_KEYS = {"id", "name", "title", "roles", "customer_type", "annexes", "aliases"}
ANNEX_KEYS = {"id", "title", "version", "kind", "industries", "intro", "sections", "form", "aliases", "profiles",
              "states"}
BOUND_KEYS = {"value", "law", "article", "profiles"}
FORM_KEYS = {"intro", "fields", "scale", "groups", "comments", "signatures"}
LIBRARY_KEYS = {"name", "version", "numbering", "recital", "supplement_recital", "acknowledgement",
                "blank_instructions"}


def did_you_mean(word: str, options: Iterable[str]) -> Message | str:
    """`` (did you mean 'x'?)`` or empty (a message parameter, rendered in the user's language)."""
    close = difflib.get_close_matches(str(word), sorted(options), n=1, cutoff=0.6)
    return msg("hint.did-you-mean", word=close[0]) if close else ""


def unknown_industry(library: Library, name: Any) -> Message:
    """“unknown industry 'x' (did you mean …); one of: …”, for a spec or a command's argument."""
    return msg("spec.industry-unknown", industry=name, hint=did_you_mean(str(name), library.industry),
               choices=tuple(library.industry))


class _Reader:
    """Collects definitions and problems from the files of one or more layers."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.meta: dict[str, Any] = {}
        self.variables: dict[str, Variable] = {}
        self.articles: dict[str, ArticleDef] = {}
        self.attached: dict[str, ClauseDef] = {}
        self.industries: dict[str, Industry] = {}
        self.annexes: dict[str, AnnexDef] = {}
        self.layer_ids: dict[str, Loc] = {}  # ids seen in the current layer, for duplicate checks
        self.layer_vars: dict[str, Loc] = {}
        self.registries = RegistryReader(self.problem)
        self.pending: dict[str, tuple[YamlMap, str]] = {}
        """Variables whose choices come from a registry: their default and example are checked once
        every layer's registry is read."""

    # -- helpers
    def problem(self, path: str, line: int | None, fld: str, message: Message) -> None:
        self.problems.append(Problem(path, line, fld, message))

    def mapping(self, value: Any, path: str, line: int | None, fld: str) -> YamlMap | None:
        if isinstance(value, dict):
            return value  # type: ignore[return-value]
        self.problem(path, line, fld, msg("library.must-be-mapping", kind=_kind_of(value)))
        return None

    def check_keys(self, data: YamlMap, allowed: set[str], path: str, prefix: str) -> None:
        for key in data:
            if key not in allowed:
                self.problem(path, line_of(data, key), _join(prefix, str(key)),
                             msg("library.unknown-key", hint=did_you_mean(key, allowed)))

    def text(self, data: YamlMap, key: str, path: str, prefix: str, *, required: bool = False) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(path, data.line, _join(prefix, key), msg("library.required"))
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.problem(path, line_of(data, key), _join(prefix, key), msg("library.must-be-text", kind=_kind_of(value)))
            return ""
        return str(value).strip()

    def texts(self, data: YamlMap, key: str, path: str, prefix: str) -> tuple[str, ...]:
        value = data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.problem(path, line_of(data, key), _join(prefix, key), msg("library.must-be-list", kind=_kind_of(value)))
            return ()
        out = []
        for i, item in enumerate(value):
            if isinstance(item, bool) or not isinstance(item, (str, int, float)):
                self.problem(path, line_of(value, i), f"{_join(prefix, key)}[{i}]",
                             msg("library.must-be-text", kind=_kind_of(item)))
            else:
                out.append(str(item).strip())
        return tuple(out)

    def profiles(self, data: YamlMap, path: str, prefix: str) -> tuple[str, ...]:
        return self.words(data, "profiles", PROFILES, path, prefix)

    def states(self, data: YamlMap, path: str, prefix: str) -> tuple[str, ...]:
        return self.words(data, "states", STATES, path, prefix)

    def words(self, data: YamlMap, key: str, allowed: tuple[str, ...], path: str, prefix: str) -> tuple[str, ...]:
        """A list of words from a closed vocabulary; each word outside it is a problem and left out."""
        found = self.texts(data, key, path, prefix)
        for word in found:
            if word not in allowed:
                self.problem(path, line_of(data, key), _join(prefix, key),
                             msg("library.must-be-one-of", choices=allowed, value=word))
        return tuple(w for w in found if w in allowed)

    def flag(self, data: YamlMap, key: str, path: str, prefix: str) -> bool:
        value = data.get(key, False)
        if not isinstance(value, bool):
            self.problem(path, line_of(data, key), _join(prefix, key), msg("library.must-be-flag", value=value))
            return False
        return value

    def integer(self, data: YamlMap, key: str, path: str, prefix: str, *, required: bool) -> int:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(path, data.line, _join(prefix, key), msg("library.required"))
            return 0
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(path, line_of(data, key), _join(prefix, key), msg("library.must-be-integer", value=value))
            return 0
        return value

    def ident(self, data: YamlMap, path: str, prefix: str) -> str:
        value = self.text(data, "id", path, prefix, required=True)
        if value and not ID_RE.match(value):
            self.problem(path, line_of(data, "id"), _join(prefix, "id"), msg("library.invalid-id", id=value))
        return value

    def claim(self, ident: str, loc: Loc) -> None:
        if not ident:
            return
        if ident in self.layer_ids:
            first = self.layer_ids[ident]
            self.problem(loc.path, loc.line, "id", msg("library.duplicate-id", id=ident, first=f"{first.path}:{first.line}"))
        else:
            self.layer_ids[ident] = loc

    # -- files
    def read_layer(self, root: Path, display_root: str) -> None:
        self.layer_ids = {}
        self.layer_vars = {}
        for folder in FOLDERS:
            directory = root / folder
            if not directory.is_dir():
                continue
            for path in sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml")):
                display = f"{display_root}{folder}/{path.name}"
                try:
                    data = load_yaml(path, display)
                except InputError as exc:
                    self.problems.extend(exc.problems)
                    continue
                self.read_file(folder, path, display, data)

    def read_file(self, folder: str, path: Path, display: str, data: Any) -> None:
        top = self.mapping(data, display, 1, "")
        if top is None:
            return
        allowed = {"variables", "articles", "clauses"}
        if folder == "industries":
            allowed.add("industry")
        if folder == "attachments":
            allowed = {"annex", "variables"}
        if folder == "clauses" and path.stem == "library":
            allowed.add("library")
        if folder == "clauses":
            allowed |= {"laws", "arbitration"}
        self.check_keys(top, allowed, display, "")
        if "laws" in top and folder == "clauses":
            self.registries.read_laws(top["laws"], display, line_of(top, "laws"))
        if "arbitration" in top and folder == "clauses":
            self.registries.read_bodies(top["arbitration"], display, line_of(top, "arbitration"))
        if "library" in top:
            self.read_meta(top["library"], display, line_of(top, "library"))
        if "variables" in top:
            self.read_variables(top["variables"], display, line_of(top, "variables"))
        for i, raw in enumerate(self.list_of(top, "articles", display)):
            self.read_article(raw, display, line_of(top["articles"], i), f"articles[{i}]")
        for i, raw in enumerate(self.list_of(top, "clauses", display)):
            self.read_attached(raw, display, line_of(top["clauses"], i), f"clauses[{i}]")
        if folder == "industries":
            if "industry" not in top:
                self.problem(display, 1, "industry", msg("library.industry-file-needs-industry"))
            else:
                self.read_industry(top["industry"], display, line_of(top, "industry"), path.stem)
        if folder == "attachments":
            if "annex" not in top:
                self.problem(display, 1, "annex", msg("library.attachment-file-needs-annex"))
            else:
                self.read_annex(top["annex"], display, line_of(top, "annex"), path.stem)

    def list_of(self, top: YamlMap, key: str, path: str) -> list[Any]:
        value = top.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(path, line_of(top, key), key, msg("library.must-be-list", kind=_kind_of(value)))
            return []
        return value

    def read_meta(self, raw: Any, path: str, line: int | None) -> None:
        data = self.mapping(raw, path, line, "library")
        if data is None:
            return
        self.check_keys(data, LIBRARY_KEYS, path, "library")
        for key in ("name", "version", "recital", "supplement_recital", "acknowledgement", "blank_instructions"):
            if key in data:
                self.meta[key] = self.text(data, key, path, "library")
        if "numbering" in data:
            numbering = self.text(data, "numbering", path, "library")
            if numbering not in NUMBERINGS:
                self.problem(path, line_of(data, "numbering"), "library.numbering",
                             msg("library.must-be-one-of", choices=NUMBERINGS, value=numbering))
            else:
                self.meta["numbering"] = numbering

    def read_variables(self, raw: Any, path: str, line: int | None) -> None:
        data = self.mapping(raw, path, line, "variables")
        if data is None:
            return
        for name, decl in data.items():
            vline = line_of(data, name)
            prefix = f"variables.{name}"
            if not isinstance(name, str) or not VAR_RE.match(name):
                self.problem(path, vline, prefix, msg("library.invalid-variable-name"))
                continue
            if name in self.layer_vars:
                first = self.layer_vars[name]
                self.problem(path, vline, prefix, msg("library.variable-twice", first=f"{first.path}:{first.line}"))
                continue
            self.layer_vars[name] = Loc(path, vline)
            spec = self.mapping(decl, path, vline, prefix)
            if spec is None:
                continue
            variable = self.read_variable(name, spec, path, vline, prefix)
            if variable is not None:
                self.variables[name] = variable

    def read_variable(self, name: str, spec: YamlMap, path: str, line: int | None, prefix: str) -> Variable | None:
        self.check_keys(spec, VARIABLE_KEYS, path, prefix)
        vtype = self.text(spec, "type", path, prefix, required=True)
        if vtype and vtype not in VAR_TYPES:
            self.problem(path, line_of(spec, "type"), f"{prefix}.type",
                         msg("library.unknown-type", type=vtype, hint=did_you_mean(vtype, VAR_TYPES), choices=VAR_TYPES))
            return None
        label = self.text(spec, "label", path, prefix, required=True)
        description = self.text(spec, "description", path, prefix, required=True)
        bounds = {}
        for key in ("min", "max"):
            if key in spec:
                if vtype not in ("int", "decimal", "money"):
                    self.problem(path, line_of(spec, key), f"{prefix}.{key}", msg("library.bound-needs-number", key=key))
                    continue
                bounds[key] = _decimal(spec[key])
                if bounds[key] is None:
                    self.problem(path, line_of(spec, key), f"{prefix}.{key}", msg("library.must-be-number", value=spec[key]))
        pattern = None
        if "pattern" in spec:
            pattern = self.text(spec, "pattern", path, prefix)
            try:
                re.compile(pattern)
            except re.error as exc:
                self.problem(path, line_of(spec, "pattern"), f"{prefix}.pattern",
                             msg("library.invalid-pattern", detail=str(exc), position=(exc.pos or 0) + 1))
                pattern = None
        pattern_label = self.text(spec, "pattern_label", path, prefix) or None
        if pattern_label is not None and "pattern" not in spec:
            self.problem(path, line_of(spec, "pattern_label"), f"{prefix}.pattern_label",
                         msg("library.pattern-label-needs-pattern"))
        choices = self.texts(spec, "choices", path, prefix)
        if vtype == "enum" and not choices and "choices_from" not in spec:
            self.problem(path, line, f"{prefix}.choices", msg("library.enum-needs-choices"))
        if choices and vtype != "enum":
            self.problem(path, line_of(spec, "choices"), f"{prefix}.choices", msg("library.choices-need-enum"))
        fmt = self.text(spec, "format", path, prefix) or None
        if fmt is not None and not (vtype == "int" and fmt in ("chinese", "arabic")):
            self.problem(path, line_of(spec, "format"), f"{prefix}.format", msg("library.format-needs-int"))
        max_length = self.integer(spec, "max_length", path, prefix, required=False) or None
        choices_from = self.text(spec, "choices_from", path, prefix) or None
        if choices_from is not None:
            if choices_from not in CHOICE_SOURCES:
                self.problem(path, line_of(spec, "choices_from"), f"{prefix}.choices_from",
                             msg("library.must-be-one-of", choices=CHOICE_SOURCES, value=choices_from))
                choices_from = None
            elif vtype != "enum" or choices:
                self.problem(path, line_of(spec, "choices_from"), f"{prefix}.choices_from",
                             msg("library.choices-from-needs-enum"))
        variable = Variable(
            name=name, type=vtype, label=label, description=description, loc=Loc(path, line),
            min=bounds.get("min"), max=bounds.get("max"), pattern=pattern, pattern_label=pattern_label,
            max_length=max_length,
            choices=choices, format=fmt, aliases=self.texts(spec, "aliases", path, prefix),
            profiles=self.profiles(spec, path, prefix), profile_choices=self.profile_choices(spec, choices, path, prefix),
            choices_from=choices_from, replaces=self.texts(spec, "replaces", path, prefix),
            **self.legal_keys(spec, vtype, path, prefix),
        )
        if choices_from is not None:  # its choices are known once every layer is read
            self.pending[name] = (spec, path)
            return variable
        return self.checked_values(variable, spec, path, prefix)

    def legal_keys(self, spec: YamlMap, vtype: str, path: str, prefix: str) -> dict[str, Any]:
        """What the legal check reads of a variable: placeholder, measures, penalty and its cap, the
        relations to other variables (checked once every layer is read) and the statutory bounds."""
        out: dict[str, Any] = {"placeholder": self.flag(spec, "placeholder", path, prefix)}
        for key in ("measures", "capped_by", "at_most", "per_party_of"):
            out[key] = self.text(spec, key, path, prefix) or None
        out["sum_of"] = self.texts(spec, "sum_of", path, prefix)
        penalty = self.text(spec, "penalty", path, prefix) or None
        if penalty is not None and (penalty not in PENALTIES or vtype != "money"):
            self.problem(path, line_of(spec, "penalty"), f"{prefix}.penalty",
                         msg("library.must-be-one-of", choices=PENALTIES, value=penalty))
            penalty = None
        out["penalty"] = penalty
        for key in ("statutory_min", "statutory_max"):
            out[key] = self.bound(spec, key, path, f"{prefix}.{key}") if key in spec else None
        return out

    def bound(self, spec: YamlMap, key: str, path: str, where: str) -> StatutoryBound | None:
        data = self.mapping(spec[key], path, line_of(spec, key), where)
        if data is None:
            return None
        self.check_keys(data, BOUND_KEYS, path, where)
        value = _decimal(data.get("value"))
        if value is None:
            self.problem(path, line_of(data, "value") or data.line, f"{where}.value",
                         msg("library.must-be-number", value=data.get("value")))
            return None
        return StatutoryBound(value, self.text(data, "law", path, where, required=True),
                              self.integer(data, "article", path, where, required=True), self.profiles(data, path, where))

    def profile_choices(self, spec: YamlMap, choices: tuple[str, ...], path: str,
                        prefix: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
        raw = spec.get("profile_choices")
        if raw is None:
            return ()
        where = f"{prefix}.profile_choices"
        table = self.mapping(raw, path, line_of(spec, "profile_choices"), where)
        if table is None:
            return ()
        out = []
        for profile in table:
            if profile not in PROFILES:
                self.problem(path, line_of(table, profile), f"{where}.{profile}",
                             msg("library.must-be-one-of", choices=PROFILES, value=profile))
                continue
            subset = self.texts(table, profile, path, where)
            for choice in subset:
                if choice not in choices:
                    self.problem(path, line_of(table, profile), f"{where}.{profile}",
                                 msg("library.profile-choice-unknown", choice=choice, choices=choices))
            out.append((str(profile), tuple(c for c in subset if c in choices)))
        return tuple(sorted(out))

    def checked_values(self, variable: Variable, spec: YamlMap, path: str, prefix: str) -> Variable:
        """The variable with its default and example, each checked against its declaration."""
        for key in ("default", "example"):
            if key in spec and spec[key] is not None:
                problem = value_problem(variable, spec[key])
                if problem:
                    self.problem(path, line_of(spec, key), f"{prefix}.{key}", problem)
                else:
                    variable = replace(variable, **{key: normalized(variable, spec[key])})
        if variable.default is not None and variable.type == "enum":
            for profile, subset in variable.profile_choices:
                if normalized(variable, variable.default) not in subset:
                    self.problem(path, line_of(spec, "default"), f"{prefix}.default",
                                 msg("library.default-not-in-profile", profile=profile))
        examples = self.mapping(spec["examples"], path, line_of(spec, "examples"), f"{prefix}.examples") \
            if "examples" in spec else None
        found = []
        for industry, value in (examples or {}).items():
            problem = value_problem(variable, value)
            if problem:
                self.problem(path, line_of(examples, industry), f"{prefix}.examples.{industry}", problem)
            else:
                found.append((str(industry), normalized(variable, value)))
        return replace(variable, examples=tuple(found))

    def fill_choices(self) -> None:
        """Registry choices into the variables that take them, then their default and example checked."""
        bodies = self.registries.bodies.values()
        for name, (spec, path) in self.pending.items():
            variable = self.variables.get(name)
            if variable is None or variable.choices_from != "arbitration":
                continue
            variable = replace(variable, choices=tuple(b.name for b in bodies),
                               choice_aliases=tuple(sorted((a, b.name) for b in bodies for a in b.aliases)))
            self.variables[name] = self.checked_values(variable, spec, path, f"variables.{name}")

    def read_node_common(self, data: YamlMap, path: str, prefix: str, kind: str | None) -> dict[str, Any]:
        """Fields shared by articles and clauses."""
        out: dict[str, Any] = {}
        raw_kind = self.text(data, "kind", path, prefix, required=kind is None)
        if raw_kind and raw_kind not in KINDS:
            self.problem(path, line_of(data, "kind"), _join(prefix, "kind"),
                         msg("library.unknown-kind", kind=raw_kind, hint=did_you_mean(raw_kind, KINDS), choices=KINDS))
        out["kind"] = raw_kind or kind or "base"
        out["condition"] = self.text(data, "condition", path, prefix) or None
        out["group"] = self.text(data, "group", path, prefix) or None
        out["choice"] = self.text(data, "choice", path, prefix) or None
        out["default"] = self.flag(data, "default", path, prefix)
        out["excludable"] = self.flag(data, "excludable", path, prefix)
        out["industries"] = self.texts(data, "industries", path, prefix)
        out["aliases"] = self.texts(data, "aliases", path, prefix)
        out["group_aliases"] = self.texts(data, "group_aliases", path, prefix)
        out["profiles"] = self.profiles(data, path, prefix)
        out["standard_term"] = self.text(data, "standard_term", path, prefix) or None
        out["states"] = self.states(data, path, prefix)
        if out["standard_term"] is not None and out["standard_term"] not in STANDARD_TERMS:
            self.problem(path, line_of(data, "standard_term"), _join(prefix, "standard_term"),
                         msg("library.must-be-one-of", choices=STANDARD_TERMS, value=out["standard_term"]))
            out["standard_term"] = None
        if out["group_aliases"] and out["kind"] != "alternative":
            self.problem(path, line_of(data, "group_aliases"), _join(prefix, "group_aliases"),
                         msg("library.group-needs-alternative"))
        if (out["group"] is None) != (out["choice"] is None):
            self.problem(path, data.line, prefix, msg("library.alternative-needs-both"))
        if out["kind"] == "alternative" and out["group"] is None:
            self.problem(path, data.line, prefix, msg("library.alternative-kind-needs-group"))
        if out["group"] is not None and out["kind"] != "alternative":
            self.problem(path, line_of(data, "group"), _join(prefix, "group"), msg("library.group-needs-alternative"))
        return out

    def version(self, data: YamlMap, path: str, prefix: str, *, required: bool, fallback: str = "") -> str:
        value = self.text(data, "version", path, prefix, required=required)
        return value or fallback

    def read_clause(self, raw: Any, path: str, line: int | None, prefix: str, article: str, order: int,
                    inherited: dict[str, Any] | None) -> ClauseDef | None:
        data = self.mapping(raw, path, line, prefix)
        if data is None:
            return None
        attached = inherited is None
        self.check_keys(data, ATTACHED_CLAUSE_KEYS if attached else NESTED_CLAUSE_KEYS, path, prefix)
        ident = self.ident(data, path, prefix)
        common = self.read_node_common(data, path, prefix, None if attached else inherited["kind"])
        version = self.version(data, path, prefix, required=attached,
                               fallback="" if attached else inherited["version"])
        if attached:
            article = self.text(data, "article", path, prefix, required=True)
            order = self.integer(data, "order", path, prefix, required=True)
        text = self.text(data, "text", path, prefix)
        items = self.texts(data, "items", path, prefix)
        if not text and not items:
            self.problem(path, data.line, prefix, msg("library.clause-needs-text"))
        loc = Loc(path, data.line)
        self.claim(ident, loc)
        clause = ClauseDef(id=ident, title=self.text(data, "title", path, prefix), version=version, text=text,
                           items=items, article=article, order=order, loc=loc, **common)
        return self.analysed(clause, data, path, prefix)

    def analysed(self, node: Any, data: YamlMap, path: str, prefix: str) -> Any:
        """The node with ``uses``/``refs`` filled in from its templates; syntax errors reported."""
        uses: set[str] = set()
        refs: list[str] = []
        for key, source in template_sources(node):
            try:
                uses |= templates.names_used(source)
                refs += templates.refs_used(source)
            except TemplateSyntaxError as exc:
                base = line_of(data, key.split("[")[0].split(".")[0]) or data.line
                self.problem(path, base + max(exc.lineno - 1, 0), _join(prefix, key),
                             msg("library.template-syntax", detail=exc.message or ""))
        condition = getattr(node, "condition", None)
        if condition:
            try:
                uses |= templates.names_used("{{ " + condition + " }}")
            except TemplateSyntaxError as exc:
                self.problem(path, line_of(data, "condition"), _join(prefix, "condition"),
                             msg("library.condition-syntax", detail=exc.message or ""))
        return replace(node, uses=frozenset(uses), refs=tuple(refs))

    def read_article(self, raw: Any, path: str, line: int | None, prefix: str) -> None:
        data = self.mapping(raw, path, line, prefix)
        if data is None:
            return
        self.check_keys(data, ARTICLE_KEYS, path, prefix)
        ident = self.ident(data, path, prefix)
        common = self.read_node_common(data, path, prefix, None)
        version = self.version(data, path, prefix, required=True)
        title = self.text(data, "title", path, prefix, required=True)
        order = self.integer(data, "order", path, prefix, required=True)
        generate = self.text(data, "generate", path, prefix) or None
        if generate not in (None, "annexes", "lines"):
            self.problem(path, line_of(data, "generate"), _join(prefix, "generate"),
                         msg("library.unknown-generator", generate=generate))
        loc = Loc(path, data.line)
        self.claim(ident, loc)
        clauses = []
        raw_clauses = data.get("clauses") or []
        if not isinstance(raw_clauses, list):
            self.problem(path, line_of(data, "clauses"), _join(prefix, "clauses"), msg("library.must-be-a-list"))
            raw_clauses = []
        inherited = {"kind": common["kind"] if common["kind"] != "alternative" else "base", "version": version}
        for i, raw_clause in enumerate(raw_clauses):
            clause = self.read_clause(raw_clause, path, line_of(raw_clauses, i), f"{prefix}.clauses[{i}]",
                                      ident, (i + 1) * 10, inherited)
            if clause is not None:
                clauses.append(clause)
        text = self.text(data, "text", path, prefix)
        if not text and not clauses and generate is None:
            self.problem(path, data.line, prefix, msg("library.article-needs-text"))
        article = ArticleDef(id=ident, title=title, version=version, order=order, text=text,
                             clauses=tuple(clauses), loc=loc, generate=generate, **common)
        self.articles[ident] = self.analysed(article, data, path, prefix)
        for clause in clauses:  # a layer may redefine a nested clause as its own; drop stale attachments
            self.attached.pop(clause.id, None)

    def read_attached(self, raw: Any, path: str, line: int | None, prefix: str) -> None:
        clause = self.read_clause(raw, path, line, prefix, "", 0, None)
        if clause is not None:
            self.attached[clause.id] = clause

    def read_industry(self, raw: Any, path: str, line: int | None, stem: str) -> None:
        data = self.mapping(raw, path, line, "industry")
        if data is None:
            return
        self.check_keys(data, INDUSTRY_KEYS, path, "industry")
        ident = self.ident(data, path, "industry")
        if ident and ident != stem:
            self.problem(path, line_of(data, "id"), "industry.id", msg("library.id-must-match-file", stem=stem))
        roles = data.get("roles")
        customer = provider = ""
        if isinstance(roles, dict):
            self.check_keys(roles, {"customer", "provider"}, path, "industry.roles")
            customer = self.text(roles, "customer", path, "industry.roles", required=True)
            provider = self.text(roles, "provider", path, "industry.roles", required=True)
        else:
            self.problem(path, line_of(data, "roles"), "industry.roles", msg("library.roles-needed"))
        customer_type = self.text(data, "customer_type", path, "industry") or "person"
        if customer_type not in PARTY_TYPES:
            self.problem(path, line_of(data, "customer_type"), "industry.customer_type", msg("library.customer-type"))
        self.industries[ident] = Industry(
            id=ident, name=self.text(data, "name", path, "industry", required=True),
            title=self.text(data, "title", path, "industry", required=True),
            customer_role=customer, provider_role=provider, customer_type=customer_type,
            annexes=self.texts(data, "annexes", path, "industry"), loc=Loc(path, data.line),
            aliases=self.texts(data, "aliases", path, "industry"),
        )

    def read_annex(self, raw: Any, path: str, line: int | None, stem: str) -> None:
        data = self.mapping(raw, path, line, "annex")
        if data is None:
            return
        self.check_keys(data, ANNEX_KEYS, path, "annex")
        ident = self.ident(data, path, "annex")
        if ident and ident != stem:
            self.problem(path, line_of(data, "id"), "annex.id", msg("library.id-must-match-file", stem=stem))
        kind = self.text(data, "kind", path, "annex", required=True)
        if kind and kind not in ANNEX_KINDS:
            self.problem(path, line_of(data, "kind"), "annex.kind",
                         msg("library.unknown-kind", kind=kind, hint=did_you_mean(kind, ANNEX_KINDS), choices=ANNEX_KINDS))
        sections = []
        raw_sections = data.get("sections") or []
        if not isinstance(raw_sections, list):
            self.problem(path, line_of(data, "sections"), "annex.sections", msg("library.must-be-a-list"))
            raw_sections = []
        for i, raw_section in enumerate(raw_sections):
            prefix = f"annex.sections[{i}]"
            section = self.mapping(raw_section, path, line_of(raw_sections, i), prefix)
            if section is None:
                continue
            self.check_keys(section, {"heading", "paragraphs", "items", "profiles", "states"}, path, prefix)
            sections.append(SectionDef(self.text(section, "heading", path, prefix, required=True),
                                       self.texts(section, "paragraphs", path, prefix),
                                       self.texts(section, "items", path, prefix),
                                       self.profiles(section, path, prefix), self.states(section, path, prefix)))
        form = None
        intro = self.text(data, "intro", path, "annex")
        if "form" in data:
            form_data = self.mapping(data["form"], path, line_of(data, "form"), "annex.form")
            if form_data is not None:
                form, form_intro = self.read_form(form_data, path)
                intro = intro or form_intro
        if kind == "form" and form is None:
            self.problem(path, data.line, "annex.form", msg("library.form-annex-needs-form"))
        if kind and kind != "form" and not sections:
            self.problem(path, data.line, "annex.sections", msg("library.annex-needs-sections", kind=kind))
        loc = Loc(path, data.line)
        self.claim(ident, loc)
        annex = AnnexDef(id=ident, title=self.text(data, "title", path, "annex", required=True),
                         version=self.version(data, path, "annex", required=True), kind=kind, intro=intro,
                         sections=tuple(sections), form=form, loc=loc,
                         industries=self.texts(data, "industries", path, "annex"),
                         aliases=self.texts(data, "aliases", path, "annex"),
                         profiles=self.profiles(data, path, "annex"), states=self.states(data, path, "annex"))
        self.annexes[ident] = self.analysed(annex, data, path, "annex")

    def read_form(self, data: YamlMap, path: str) -> tuple[Form, str]:
        prefix = "annex.form"
        self.check_keys(data, FORM_KEYS, path, prefix)
        scale = self.texts(data, "scale", path, prefix)
        if len(scale) != SCALE_LEVELS:
            self.problem(path, line_of(data, "scale"), f"{prefix}.scale",
                         msg("library.scale-levels", levels=SCALE_LEVELS, count=len(scale)))
        groups = []
        raw_groups = data.get("groups") or []
        for i, raw_group in enumerate(raw_groups if isinstance(raw_groups, list) else []):
            group = self.mapping(raw_group, path, line_of(raw_groups, i), f"{prefix}.groups[{i}]")
            if group is not None:
                self.check_keys(group, {"title", "items"}, path, f"{prefix}.groups[{i}]")
                groups.append(RatingGroup(self.text(group, "title", path, f"{prefix}.groups[{i}]", required=True),
                                          self.texts(group, "items", path, f"{prefix}.groups[{i}]")))
        if not groups:
            self.problem(path, data.line, f"{prefix}.groups", msg("library.form-needs-groups"))
        form = Form(fields=self.texts(data, "fields", path, prefix), scale=scale, groups=tuple(groups),
                    comments=self.texts(data, "comments", path, prefix),
                    signatures=self.texts(data, "signatures", path, prefix))
        return form, self.text(data, "intro", path, prefix)


def template_sources(node: Any) -> list[tuple[str, str]]:
    """Every template of an article, clause or annex, with the field it is written in."""
    sources: list[tuple[str, str]] = []
    for key in ("text", "intro"):
        if getattr(node, key, ""):
            sources.append((key, getattr(node, key)))
    sources += [(f"items[{i}]", t) for i, t in enumerate(getattr(node, "items", ()))]
    for s_i, section in enumerate(getattr(node, "sections", ())):
        sources += [(f"sections[{s_i}].paragraphs[{i}]", t) for i, t in enumerate(section.paragraphs)]
        sources += [(f"sections[{s_i}].items[{i}]", t) for i, t in enumerate(section.items)]
    return sources


# --- merging and cross-checks ------------------------------------------------------------------

def _merge(reader: _Reader) -> list[ArticleDef]:
    articles = dict(reader.articles)
    for clause in reader.attached.values():
        target = articles.get(clause.article)
        if target is None:
            if clause.article:
                reader.problem(clause.loc.path, clause.loc.line, "article",
                               msg("library.unknown-article", clause=clause.id, article=clause.article,
                                   hint=did_you_mean(clause.article, articles)))
            continue
        kept = tuple(c for c in target.clauses if c.id != clause.id)
        articles[target.id] = replace(target, clauses=tuple(sorted(kept + (clause,), key=lambda c: c.order)))
    return sorted(articles.values(), key=lambda a: (a.order, a.id))


def _cross_check(library: Library, problems: list[Problem]) -> None:
    declared = set(library.variable) | templates.BUILTINS | templates.CONDITION_NAMES | {templates.REF, LAW}
    ids = set(library.node)
    bools = {v.name for v in library.variables if v.type == "bool"}

    def check_uses(node: Any, what: Message) -> None:
        for name in sorted(node.uses - declared):
            problems.append(Problem(node.loc.path, node.loc.line, "",
                                    msg("library.undeclared-variable", what=what, id=node.id, name=name,
                                        hint=did_you_mean(name, library.variable))))
        for ref in node.refs:
            if ref not in ids:
                problems.append(Problem(node.loc.path, node.loc.line, "",
                                        msg("library.missing-ref", what=what, id=node.id, ref=ref,
                                            hint=did_you_mean(ref, ids))))
        condition = getattr(node, "condition", None)
        if condition and condition.strip() in library.variable and condition.strip() not in bools:
            problems.append(Problem(node.loc.path, node.loc.line, "condition",
                                    msg("library.condition-not-bool", what=what, id=node.id, condition=condition)))
        with contextlib.suppress(TemplateSyntaxError):  # reported by the reader
            problems.extend(citation_problems(library.law_index, node.loc.path, node.loc.line,
                                              (s for _, s in template_sources(node))))
        for industry in getattr(node, "industries", ()):
            if industry not in library.industry:
                problems.append(Problem(node.loc.path, node.loc.line, "industries",
                                        msg("library.unknown-industry", industry=industry,
                                            hint=did_you_mean(industry, library.industry))))

    for variable in library.variables:
        problems.extend(_legal_key_problems(library, variable))
        for industry, _ in variable.examples:
            if industry not in library.industry:
                problems.append(Problem(variable.loc.path, variable.loc.line, f"variables.{variable.name}.examples",
                                        msg("library.unknown-industry", industry=industry,
                                            hint=did_you_mean(industry, library.industry))))
    for article in library.articles:
        check_uses(article, msg("noun.article"))
        for clause in article.clauses:
            check_uses(clause, msg("noun.clause"))
    for annex in library.annexes:
        check_uses(annex, msg("noun.annex"))
    for industry in library.industries:
        for annex in industry.annexes:
            if annex not in library.annex:
                problems.append(Problem(industry.loc.path, industry.loc.line, "industry.annexes",
                                        msg("library.missing-annex", industry=industry.id, annex=annex,
                                            hint=did_you_mean(annex, library.annex))))
            elif not library.offered(library.annex[annex], industry.id):
                problems.append(Problem(industry.loc.path, industry.loc.line, "industry.annexes",
                                        msg("library.annex-not-offered", annex=annex, industry=industry.id)))
    # A group may hold one alternative per profile for a choice (litigation for consumers, another
    # for businesses): each profile's contracts see exactly one default and each choice once.
    seen: set[Problem] = set()
    for profile in PROFILES:
        for group, alternatives in library.alternatives(profile=profile).items():
            defaults = [n for n in alternatives if n.default]
            first = alternatives[0]
            if len(defaults) != 1:
                seen.add(Problem(first.loc.path, first.loc.line, "default",
                                 msg("library.group-defaults", group=group, count=len(defaults))))
            choices = [n.choice for n in alternatives]
            for choice in sorted({c for c in choices if choices.count(c) > 1}):
                seen.add(Problem(first.loc.path, first.loc.line, "choice",
                                 msg("library.group-choice-twice", group=group, choice=choice)))
    problems.extend(sorted(seen, key=lambda p: (p.path, p.line or 0, p.field)))
    if not library.industries:
        problems.append(Problem("industries", None, "", msg("library.no-industry")))
    problems.extend(citation_problems(library.law_index, "clauses/library.yaml", None,
                                      [library.recital, library.supplement_recital, library.acknowledgement,
                                       library.blank_instructions]))


def _legal_key_problems(library: Library, variable: Variable) -> list[Problem]:
    """A variable's relations name declared variables, and its statutory bounds cite the registry."""
    where = variable.loc.path, variable.loc.line
    problems = []
    related = [("capped_by", variable.capped_by), ("at_most", variable.at_most),
               ("per_party_of", variable.per_party_of), *(("sum_of", name) for name in variable.sum_of)]
    for key, name in related:
        if name is not None and name not in library.variable:
            problems.append(Problem(*where, f"variables.{variable.name}.{key}",
                                    msg("library.unknown-variable", name=name, hint=did_you_mean(name, library.variable))))
    for key in ("statutory_min", "statutory_max"):
        bound = getattr(variable, key)
        if bound is not None:
            problem = library.law_index.problem(Citation(bound.law, (bound.article,), None))
            if problem is not None:
                problems.append(Problem(*where, f"variables.{variable.name}.{key}", problem))
    return problems


def read_library(layers: Sequence[Path] = (), *, builtin: bool = True) -> tuple[Library, list[Problem]]:
    """The best-effort library and every problem found; ``layers`` go on top of the shipped one
    (or, with ``builtin=False``, stand alone: a complete library that may have deleted clauses)."""
    reader = _Reader()
    shipped = builtin_library_dir() if builtin else None
    roots = [shipped, *layers] if shipped else list(layers)
    names = []
    for root in roots:
        if root is not shipped and not root.is_dir():
            reader.problem(str(root), None, "", msg("library.folder-not-found"))
            continue
        reader.read_layer(root, "" if root is shipped else f"{str(root).rstrip('/')}/")
        names.append("builtin" if root is shipped else root.name)
    meta = reader.meta
    reader.fill_choices()
    articles = _merge(reader)
    library = Library(
        name=meta.get("name", names[0] if names else "builtin"), version=meta.get("version", "0"),
        numbering=meta.get("numbering", "decimal"), recital=meta.get("recital") or DEFAULT_RECITAL,
        acknowledgement=meta.get("acknowledgement") or DEFAULT_ACKNOWLEDGEMENT,
        layers=tuple(names), variables=tuple(reader.variables.values()), articles=tuple(articles),
        industries=tuple(sorted(reader.industries.values(), key=lambda i: i.id)),
        annexes=tuple(reader.annexes.values()), paths=tuple(roots),
        laws=tuple(sorted(reader.registries.laws.values(), key=lambda law: law.name)),
        arbitration=tuple(reader.registries.bodies.values()),
        supplement_recital=meta.get("supplement_recital") or DEFAULT_SUPPLEMENT_RECITAL,
        blank_instructions=meta.get("blank_instructions") or "",
    )
    problems = list(reader.problems)
    _cross_check(library, problems)
    return library, problems


def load_library(layers: Sequence[Path] = (), *, builtin: bool = True) -> Library:
    """The validated library; raises ``LibraryError`` listing every problem.

    A library without problems is kept in the machine's cache (``cache_dir()/library``) and read
    from there by the next process with the same files and the same code: every command pays the
    load first (about 0.15–0.2 s of a 0.6–0.9 s cold ``build``), unpickling takes about 10 ms.
    """
    key = _cache_key(layers, builtin)
    if key is not None and (kept := _kept_library(key)) is not None:
        return kept
    library, problems = read_library(layers, builtin=builtin)
    if problems:
        raise LibraryError(problems)
    if key is not None:
        _keep_library(key, library)
    return library


LIBRARY_CACHE_FORMAT = "1"
"""Part of the kept library's key: bump it when what is kept changes in a way the code's files do not show."""
LIBRARY_CACHE_ENTRIES = 16
"""How many kept libraries stay (every edit of a layer or of the code makes a new one)."""


def _cache_key(layers: Sequence[Path], builtin: bool) -> str | None:
    """A digest of everything a loaded library comes from; None when a layer is no folder (its problem is said).

    The library's files, byte for byte, with their folders (problems name them); this package's code
    files (path, size, modification time: a changed reader reads again); the Python, Jinja and
    PyYAML versions (a template's names come from Jinja's parser, values from PyYAML's).
    """
    import hashlib
    import sys

    import jinja2
    import yaml

    from .files import UnreadableFile, read_bounded
    from .yamlio import MAX_FILE_BYTES

    digest = hashlib.sha256("\0".join((LIBRARY_CACHE_FORMAT, sys.version, jinja2.__version__, yaml.__version__,
                                        str(builtin))).encode())
    package = Path(__file__).resolve().parent
    try:
        for path in sorted(package.rglob("*.py")):
            stat = path.stat()
            digest.update(f"\0{path.relative_to(package)}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
        for root in ([builtin_library_dir()] if builtin else []) + list(layers):
            if not Path(root).is_dir():
                return None
            digest.update(f"\0root\0{root}".encode())
            for folder in FOLDERS:
                directory = Path(root) / folder
                if not directory.is_dir():
                    continue
                for path in sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml")):
                    # As the reader reads it: a regular file, bounded (a link to /dev/urandom is a
                    # problem read_library reports, not something to hash until memory runs out).
                    data = read_bounded(path, MAX_FILE_BYTES)
                    if len(data) > MAX_FILE_BYTES:
                        return None
                    digest.update(f"\0{folder}/{path.name}\0{len(data)}\0".encode() + data)
    except (OSError, UnreadableFile):
        return None  # unreadable: read_library says what
    return digest.hexdigest()


def _library_cache() -> Path:
    from .cache import cache_dir

    return cache_dir() / "library"


def _kept_library(key: str) -> Library | None:
    """The kept library of ``key``, or None (not kept, damaged, or in a file another user could have written)."""
    import os
    import pickle

    try:
        with open(_library_cache() / f"{key[:40]}.pickle", "rb") as kept:
            stat = os.fstat(kept.fileno())
            if stat.st_uid != os.getuid() or stat.st_mode & 0o022:  # unpickling runs code: only our own file
                return None
            library = pickle.loads(kept.read())
    except Exception:  # noqa: BLE001 - missing, damaged or from other code: read the files instead
        return None
    return library if isinstance(library, Library) else None


def _keep_library(key: str, library: Library) -> None:
    """Keep the library for the next process (a temporary file renamed: readers never see half of one)."""
    import os
    import pickle
    import tempfile

    folder = _library_cache()
    with contextlib.suppress(OSError):  # no writable cache: the next process reads the files again
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{key[:40]}.", dir=folder)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(pickle.dumps(library, protocol=pickle.HIGHEST_PROTOCOL))
            os.chmod(tmp, 0o644)
            os.replace(tmp, folder / f"{key[:40]}.pickle")
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        kept = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in kept[LIBRARY_CACHE_ENTRIES:]:
            old.unlink(missing_ok=True)


# --- values --------------------------------------------------------------------------------------

def type_name(vtype: str) -> Message:
    """A variable type in words (文本, 整数, 金额…): what people read instead of ``string`` or ``int``."""
    return msg(f"library.type.{vtype}")


def variable_form(variable: Variable) -> Message | str:
    """The form a patterned text must have, in words (电子邮箱地址): its ``pattern_label``, never the pattern."""
    return variable.pattern_label or msg("value.expected-form")


def value_problem(variable: Variable, value: Any) -> Message | None:
    """Why ``value`` does not fit ``variable`` (type and constraints), or ``None``."""
    if isinstance(value, (str, int, float)) and len(str(value)) > MAX_SHOWN:
        return _value_problem(variable, value, shown=f"{str(value)[:MAX_SHOWN // 2]}…")
    return _value_problem(variable, value, shown=value)


DEFAULT_MAX_LENGTH = 2000
"""The longest text a string variable takes when its declaration gives no ``max_length``."""


def text_problem(text: str, max_length: int) -> Message | None:
    """Why a typed text cannot go into a contract: an invisible format character, or too long.

    Format characters (Unicode category Cf: zero-width spaces and joiners, soft hyphens, BOMs, and
    the bidirectional controls U+202A–U+202E, U+2066–U+2069) print as nothing or reorder what
    follows them, so a name of U+200B alone reads as no name and U+202E makes a PDF show another
    name than the one stored. No field needs one today.
    """
    for position, char in enumerate(text, 1):
        if unicodedata.category(char) == "Cf":
            return msg("value.format-character", position=position, code=f"{ord(char):04X}",
                       name=unicodedata.name(char, "FORMAT CHARACTER"))
    if len(text) > max_length:
        return msg("value.too-long", max=max_length, count=len(text))
    return None


MAX_SHOWN = 60
"""A value quoted in a message is cut to this many characters (a pasted page would flood the terminal)."""


def _value_problem(variable: Variable, value: Any, shown: Any) -> Message | None:
    vtype = variable.type
    if vtype == "bool":
        return None if values.to_bool(value) is not None else msg("value.bool", value=shown)
    if vtype == "int" and values.to_int(value, values.unit_of(variable.label)) is None:
        unit = values.unit_of(variable.label)
        other = values.other_unit(value, unit) if unit else None
        if other:
            return msg("value.int-unit", unit=unit, other=other, value=shown)
    if vtype == "money":
        try:
            values.to_money(value)
        except values.WordsDisagree as exc:
            return msg("value.money-words-disagree", figure=str(exc.figure), words=exc.words, amount=str(exc.amount))
    if vtype in ("int", "decimal", "money"):
        number = _number(variable, value)
        wrong = msg(f"value.{vtype}", range=_range_text(variable), value=shown)
        if number is None or (vtype == "money" and number.as_tuple().exponent < -2):  # type: ignore[operator]
            return wrong
        if (variable.min is not None and number < variable.min) or (variable.max is not None and number > variable.max):
            return wrong
        return None
    if vtype == "date":
        try:
            formats.parse_date(value)
        except formats.DateHasTime:
            return msg("value.date-has-time", value=str(shown))
        except ValueError:
            return msg("value.date", value=shown)
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return msg("value.text", kind=_kind_of(value))
    text = str(value)
    if vtype == "enum" and variable.choices_from == "arbitration":
        if text not in variable.choices and text.strip() not in dict(variable.choice_aliases):
            return msg("value.arbitration-unknown", value=shown, hint=did_you_mean(text, variable.choices))
        return None
    if vtype == "enum":
        if text not in variable.choices:
            return msg("value.enum", choices="、".join(variable.choices), value=shown,
                       hint=did_you_mean(text, variable.choices))
        return None
    if not _INVISIBLE.sub("", text):  # spaces and control characters alone print as nothing
        return msg("value.empty")
    problem = text_problem(text, variable.max_length or DEFAULT_MAX_LENGTH)
    if problem is not None:
        return problem
    if variable.pattern and not re.search(variable.pattern, text):
        example = msg("value.for-example", example=variable.example) if variable.example is not None else ""
        return msg("value.pattern", form=variable_form(variable), value=shown, example=example)
    return None


def normalized(variable: Variable, value: Any) -> Any:
    """A value that fits ``variable`` (``value_problem`` is ``None``) in its type's own form: a date as
    a ``date``, a yes/no word as a ``bool``; other values as given (the composer formats them)."""
    if variable.type == "date":
        return formats.parse_date(value)
    if variable.type == "bool":
        return values.to_bool(value)
    if variable.type in ("int", "decimal", "money"):
        number = _number(variable, value)
        return int(number) if variable.type == "int" else number  # type: ignore[arg-type]
    if variable.type == "enum" and variable.choice_aliases:
        return dict(variable.choice_aliases).get(str(value).strip(), value)
    return value


def _number(variable: Variable, value: Any) -> Decimal | None:
    """A number value as written the many ways ``values`` reads (None when it is none)."""
    if variable.type == "int":
        found = values.to_int(value, values.unit_of(variable.label))
        return None if found is None else Decimal(found)
    if variable.type == "money":
        try:
            return values.to_money(value)
        except values.WordsDisagree:
            return None
    return values.to_decimal(value)


def as_number(value: Any, *, integer: bool) -> Decimal | None:
    """``value`` as a number (an integer when ``integer``), or ``None`` when it is not one."""
    if isinstance(value, bool):
        return None
    if integer:
        found = values.to_int(value)
        return None if found is None else Decimal(found)
    return _decimal(value)


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, (int, str)):
        try:
            number = Decimal(str(value).replace(",", "").strip())
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def _range_text(variable: Variable) -> Message | str:
    lo, hi = variable.min, variable.max
    if lo is not None and hi is not None:
        return msg("value.range.between", min=lo, max=hi)
    if lo is not None:
        return msg("value.range.at-least", min=lo)
    if hi is not None:
        return msg("value.range.at-most", max=hi)
    return ""


def _kind_of(value: Any) -> Message:
    """What a value is, in words (for “must be a list, got …”)."""
    if value is None:
        return msg("kind.nothing")
    if isinstance(value, dict):
        return msg("kind.mapping")
    if isinstance(value, list):
        return msg("kind.list")
    if isinstance(value, bool):
        return msg("kind.bool")
    if isinstance(value, (int, float)):
        return msg("kind.number")
    if isinstance(value, dt.datetime):
        return msg("kind.datetime")
    if isinstance(value, dt.date):
        return msg("kind.date")
    return msg("kind.text")


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key
