"""The composer: spec + library → one numbered, filled, immutable ``Contract``.

Owns every decision about what a contract contains: which articles and clauses are selected
(base, the industry's, included optional ones, chosen alternatives, conditions that hold, minus
exclusions), their numbers, cross-references, the values checked against their declarations and
formatted the Chinese way, the parties, and the annexes. Every problem of a spec is collected and
reported at once, each naming the spec's file, line and field.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from jinja2 import TemplateError

from . import formats, templates, values
from .canonical import canonical
from .errors import LibraryError, Problem, SpecError
from .i18n import Message, msg
from .library import (
    PARTY_TYPES,
    PROFILES,
    AnnexDef,
    ArticleDef,
    ClauseDef,
    Library,
    Variable,
    as_number,
    default_profile,
    did_you_mean,
    normalized,
    text_problem,
    unknown_industry,
    value_problem,
)
from .model import BOX, Annex, Article, Clause, Contract, LibraryInfo, MainContract, Paragraph, Party, Run, Section
from .registries import LAW
from .spec import (
    FRAMES,
    GUARDIAN_KEYS,
    MAIN_CONTRACT_KEYS,
    MAIN_CONTRACT_LABELS,
    MAX_LENGTHS,
    PARTY_KEYS,
    PARTY_ROLES,
    SPEC_KEYS,
    Spec,
    field_label,
)
from .yamlio import YamlMap, line_of

MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"
"""Private-use characters that stand for a value inside rendered template text (never in library text)."""
_MARK_RE = re.compile(f"{MARK_OPEN}(\\d+){MARK_CLOSE}")
# Characters that XML 1.0 cannot hold; a pasted value may carry them.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
BLANK = "＿＿＿＿"
BLANK_WIDTHS = {"int": 4, "decimal": 4, "date": 9, "money": 10, "string": 12, "enum": 10, "bool": 3}
"""How many characters wide a blank of each type is in a blank model text: room to write by hand."""
PARTY_WIDTHS = {"name": 12, "credit_code": 12, "id_number": 12, "address": 16, "representative": 8, "contact": 8,
                "phone": 10, "email": 12, "agent": 8, "relation": 6}
MAX_OPTIONS = 6
"""An enum of at most this many choices prints as □ options in a blank model text; a longer list (the
arbitration bodies) as a blank to write the choice in."""
WRITING_LINES = 6
"""The empty lines a ``generate: lines`` article (补充条款) leaves to write on."""
INSTRUCTIONS_HEADING = "使用说明"
BLANK_SPEC_KEYS = ("industry", "profile", "frame", "title", "include", "exclude", "annexes")
"""What a spec gives a blank model text: its shape, never a value, a name or a choice."""

PARTY_LABELS = {
    "credit_code": "统一社会信用代码", "id_number": "身份证号码", "address": "住所", "representative": "法定代表人",
    "contact": "联系人", "phone": "联系电话", "email": "电子邮箱", "agent": "委托代理人", "relation": "与甲方关系",
}
ADULT_AGE = 18
"""《民法典》第十七条: a natural person of eighteen or more is an adult; a minor's contract is made by the
guardian as legal representative (第二十三条、第二十七条)."""
SUPPLEMENT_WORDS = ("本合同", "本协议")
"""A 补充协议 calls itself 本协议 and the contract it supplements 主合同: library text says 本合同, and in
a supplement every 本合同 of the library's wording (never of a value) reads 本协议."""
CLAUSE_SELF = ("本款", "本条")
"""A clause calls itself 本款 in the library. The composer prints its number as 第9.2条 in decimal
numbering and as 第九条第（二）款 in Chinese numbering, so in decimal numbering it reads 本条: the word a
clause calls itself is the word its number uses. (A clause naming its article cites it with ref().)"""


def clean_value(text: str) -> str:
    """A typed value as it may appear in a contract: one line, no characters XML cannot hold."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\n\t\f\v\u2028\u2029\x85]+", " ", text)
    return _ILLEGAL_XML.sub("", text).strip()


@dataclass
class _Ctx:
    """Mutable working state of one composition (never leaves this module)."""

    spec: Spec
    library: Library
    draft: bool
    problems: list[Problem]
    values: dict[str, Any]
    runs: list[Run | tuple[Run, ...]]
    """What each mark in rendered template text stands for: a run, or several (a blank's □ options)."""
    numbers: dict[str, str]
    profile: str = "business"
    """consumer | business: which clauses, variables and choices the contract takes."""
    facts: dict[str, Any] = field(default_factory=dict)
    """What a condition may read besides the values (``templates.CONDITION_NAMES``)."""
    blank: bool = False
    """A blank model text: every value blank, every alternative offered, conditions left to tick."""
    optional: set[str] = field(default_factory=set)
    """In a blank model text, the articles and clauses whose condition depends on the values: printed
    with a □ to tick when they apply."""
    defaulted: set[str] = field(default_factory=set)
    """Variables the spec left out that took the library's default."""

    def problem(self, container: Any, key: Any, fld: str, message: Message) -> None:
        """A problem at ``container[key]``'s line."""
        self.at(line_of(container, key), fld, message)

    def at(self, line: int | None, fld: str, message: Message) -> None:
        """A problem at ``line``, naming the field by its label too."""
        self.problems.append(Problem(self.spec.path, line, fld, message, label=field_label(fld, self.library)))


def compose(spec: Spec, library: Library, *, draft: bool = False, blank: bool = False) -> Contract:
    """Compose the contract a spec describes; raises ``SpecError`` listing every problem.

    ``blank``: the blank model text (示范文本) of the spec's contract, to fill in by hand: only the spec's
    shape counts (``BLANK_SPEC_KEYS``, the customer's type); every value and name is a blank, every
    alternative a □ option, and a clause that applies only in some deals is printed with a □ to tick.
    """
    problems: list[Problem] = []
    spec = canonical(spec, library, problems)  # Chinese keys and names → ids
    if blank:
        spec = _blank_spec(spec)
    data = spec.data
    if problems and not (isinstance(data.get("industry"), str) and data["industry"] in library.industry):
        raise SpecError(problems)  # an ambiguous industry: nothing else can be checked
    # A blank model text is composed as leniently as a draft (nothing is required), but is no draft.
    ctx = _Ctx(spec, library, draft or blank, problems, {}, [], {}, blank=blank)
    for key in data:
        if key not in SPEC_KEYS:
            ctx.problem(data, key, str(key), msg("spec.unknown-key", hint=did_you_mean(key, SPEC_KEYS)))
    industry_id = data.get("industry")
    if industry_id is None:
        ctx.at(1, "industry", msg("spec.industry-required", choices=tuple(library.industry)))
    elif not isinstance(industry_id, str) or industry_id not in library.industry:
        ctx.problem(data, "industry", "industry", unknown_industry(library, industry_id))
    if ctx.problems and (not isinstance(industry_id, str) or industry_id not in library.industry):
        raise SpecError(ctx.problems)
    industry = library.industry[industry_id]
    ctx.profile = _profile(ctx, industry)

    options = _read_options(ctx, industry_id)
    articles = _select(ctx, industry_id, options)
    annex_defs = _select_annexes(ctx, industry_id)
    used = set().union(*(a.uses for a in articles), *(c.uses for a in articles for c in a.clauses),
                       *(a.uses for a in annex_defs))
    missing = _read_values(ctx, industry_id, used)
    at = len(ctx.problems)
    parties = _parties(ctx, industry)
    meta = _meta(ctx)
    frame, main_contract = _frame(ctx, meta["sign_date"])
    _check_minor(ctx, parties[0], meta["sign_date"])
    ctx.facts.update(frame=frame, guardian=parties[0].guardian is not None, blank=blank,
                     customer_type=parties[0].kind)

    # Conditions could only be judged once values were read; drop what does not hold, then number.
    # A value is needed only where the contract still uses it (a supplement has no price to fill in),
    # and a condition's own variables count as used: their values decided what the contract holds.
    consulted = set().union(*(templates.names_used("{{ " + n.condition + " }}") for a in articles
                              for n in (a, *a.clauses) if n.condition))
    articles = [a for a in _apply_conditions(ctx, articles) if a.clauses or a.text or a.generate]
    articles = [a for a in articles if a.generate != "annexes" or annex_defs]
    used = consulted.union(*(a.uses for a in articles), *(c.uses for a in articles for c in a.clauses),
                           *(a.uses for a in annex_defs))
    ctx.problems[at:at] = [problem for name, problem in missing if name in used]
    if ctx.problems:
        raise SpecError(ctx.problems)
    _number_all(ctx, articles)
    builtins = {
        "customer_role": industry.customer_role, "provider_role": industry.provider_role,
        "industry": industry.id, "industry_name": industry.name,
        "customer_name": _party_name_mark(ctx, parties[0]), "provider_name": _party_name_mark(ctx, parties[1]),
        "profile": ctx.profile, "customer_type": parties[0].kind,
        **_main_contract_marks(ctx, main_contract),
    }
    annex_numbers = [(formats.annex_number(i), a) for i, a in enumerate(annex_defs, 1)]
    composed_articles = tuple(_article(ctx, a, i, builtins, annex_numbers) for i, a in enumerate(articles, 1))
    annexes = tuple(_annex(ctx, a, number, builtins) for number, a in annex_numbers)
    recital = library.supplement_recital if frame == "supplement" else library.recital
    preamble = _paragraphs(ctx, recital, builtins, where=None)
    acknowledgement: tuple[Paragraph, ...] = ()
    if ctx.profile == "consumer" and any(a.prominent or any(c.prominent for c in a.clauses) for a in composed_articles):
        acknowledgement = _paragraphs(ctx, library.acknowledgement, builtins, where=None)
    instructions = None
    if blank and library.blank_instructions:
        instructions = Section(INSTRUCTIONS_HEADING, _paragraphs(ctx, library.blank_instructions, builtins, where=None))
    return Contract(
        title=meta["title"] or default_title(industry.title, frame), industry=industry.id, industry_name=industry.name,
        contract_no=meta["contract_no"], sign_date=meta["sign_date"], sign_place=meta["sign_place"],
        parties=parties, preamble=preamble, articles=composed_articles, annexes=annexes, draft=draft,
        library=LibraryInfo(library.layers, library.version, library.numbering),
        values=tuple(sorted((k, _raw(v)) for k, v in ctx.values.items() if k in used)),
        blanks=tuple(sorted(k for k, v in ctx.values.items() if v is None and k in used)),
        defaulted=tuple(sorted(ctx.defaulted & used)),
        profile=ctx.profile, frame=frame, main_contract=main_contract,  # type: ignore[arg-type]
        acknowledgement=acknowledgement, blank=blank, instructions=instructions,
    )


def _blank_spec(spec: Spec) -> Spec:
    """The spec with only what shapes a blank model text: ``BLANK_SPEC_KEYS`` and the customer's type."""
    def kept(source: Any, keys: Iterable[str]) -> YamlMap:
        out = YamlMap((k, v) for k, v in source.items() if k in keys)
        out.line, out.key_lines = getattr(source, "line", 0), {k: line_of(source, k) or 0 for k in out}
        return out

    data = kept(spec.data, BLANK_SPEC_KEYS)
    parties = spec.data.get("parties")
    customer = parties.get("customer") if isinstance(parties, dict) else None
    if isinstance(customer, dict) and customer.get("type") is not None:
        data["parties"] = kept(parties, ("customer",))
        data["parties"]["customer"] = kept(customer, ("type",))
    return replace(spec, data=data)


def _profile(ctx: _Ctx, industry: Any) -> str:
    """The spec's ``profile``, else the customer's type: a natural person → consumer, else business."""
    data = ctx.spec.data
    parties = data.get("parties")
    customer = parties.get("customer") if isinstance(parties, dict) else None
    kind = _party_kind(customer if isinstance(customer, dict) else {}, industry.customer_type)
    given = data.get("profile")
    if given is None or given == "":
        return default_profile(kind)
    if given not in PROFILES:
        ctx.problem(data, "profile", "profile", msg("spec.profile-unknown", value=given, choices=PROFILES))
        return default_profile(kind)
    if given == "consumer" and kind == "organization":
        ctx.problem(data, "profile", "profile", msg("spec.profile-consumer-needs-person"))
    return str(given)


def _party_kind(data: Any, default_kind: str) -> str:
    """A party's type as given, else organization when it gives a credit code, else the industry's."""
    return data.get("type") or ("organization" if data.get("credit_code") else default_kind)


def default_title(title: str, frame: str) -> str:
    """The industry's title, or for a supplement the same ending in 补充协议 (…合同 → …补充协议)."""
    if frame != "supplement":
        return title
    return title.removesuffix("合同") + "补充协议"


# --- options and selection -----------------------------------------------------------------------

@dataclass(frozen=True)
class _Options:
    include: frozenset[str]
    exclude: frozenset[str]
    choose: dict[str, str]


def _id_list(ctx: _Ctx, key: str) -> list[tuple[str, int | None]]:
    raw = ctx.spec.data.get(key)
    if raw is None:
        return []
    if not isinstance(raw, list):
        ctx.problem(ctx.spec.data, key, key, msg("spec.must-be-id-list"))
        return []
    out = []
    for i, item in enumerate(raw):
        if not isinstance(item, str):
            ctx.problem(raw, i, f"{key}[{i}]", msg("spec.must-be-id", value=item))
        else:
            out.append((item, line_of(raw, i)))
    return out


def _read_options(ctx: _Ctx, industry: str) -> _Options:
    library = ctx.library
    offered = {i: n for i, n in library.node.items() if library.offered(n, industry, ctx.profile)}
    optional = {n.id for n in library.includable(industry, ctx.profile)}
    include, exclude = set(), set()
    for ident, line in _id_list(ctx, "include"):
        if ident not in optional and ident in library.node and library.offered(library.node[ident], industry):
            ctx.at(line, "include", msg("spec.not-in-profile", id=ident, profile=msg(f"profile.{ctx.profile}")))
        elif ident not in optional:
            ctx.at(line, "include", msg("spec.include-not-optional" if ident in library.node else "spec.include-unknown",
                                        id=ident, hint=did_you_mean(ident, optional)))
        else:
            include.add(ident)
    for ident, line in _id_list(ctx, "exclude"):
        node = offered.get(ident)
        if node is None:
            ctx.at(line, "exclude", msg("spec.exclude-unknown", id=ident, hint=did_you_mean(ident, offered)))
        elif not node.excludable:
            ctx.at(line, "exclude", msg("spec.exclude-not-allowed", id=ident))
        else:
            exclude.add(ident)
    groups = library.alternatives(industry, ctx.profile)
    choose = {g: next(n.choice for n in alts if n.default) for g, alts in groups.items()}
    raw = ctx.spec.data.get("choose")
    if raw is not None and not isinstance(raw, dict):
        ctx.problem(ctx.spec.data, "choose", "choose", msg("spec.choose-must-be-mapping"))
    elif raw:
        for group, choice in raw.items():
            if group not in groups:
                ctx.problem(raw, group, f"choose.{group}", msg("spec.choose-unknown-group", hint=did_you_mean(group, groups)))
                continue
            names = [n.choice for n in groups[group]]
            if choice not in names:
                ctx.problem(raw, group, f"choose.{group}",
                            msg("spec.choose-unknown-choice", choice=choice, hint=did_you_mean(str(choice), names),
                                choices=tuple(names)))
            else:
                choose[group] = choice
    return _Options(frozenset(include), frozenset(exclude), choose)


def _wanted(node: ArticleDef | ClauseDef, options: _Options, parent: ArticleDef | None = None,
            every_alternative: bool = False) -> bool:
    if node.id in options.exclude:
        return False
    # The clauses of an optional article come with it; only the article itself needs including.
    if node.kind == "optional" and node.id not in options.include and not (parent and parent.kind == "optional"):
        return False
    return every_alternative or not (node.group and options.choose.get(node.group) != node.choice)


def _select(ctx: _Ctx, industry: str, options: _Options) -> list[ArticleDef]:
    """The articles and clauses the spec asks for; in a blank model text every alternative, as □ options."""
    selected = []
    for article in ctx.library.articles_for(industry, ctx.profile):
        if not _wanted(article, options, every_alternative=ctx.blank):
            continue
        clauses = tuple(c for c in article.clauses if _wanted(c, options, article, ctx.blank))
        selected.append(_with_clauses(article, clauses))
    return selected


def _with_clauses(article: ArticleDef, clauses: tuple[ClauseDef, ...]) -> ArticleDef:
    return replace(article, clauses=clauses)


def _apply_conditions(ctx: _Ctx, articles: list[ArticleDef]) -> list[ArticleDef]:
    kept = []
    for article in articles:
        if _kept(ctx, article):
            kept.append(_with_clauses(article, tuple(c for c in article.clauses if _kept(ctx, c))))
    return kept


def _kept(ctx: _Ctx, node: ArticleDef | ClauseDef) -> bool:
    """Whether the node's condition holds; in a blank model text, whether it can hold (and when it
    need not, the node goes into ``ctx.optional``)."""
    if not ctx.blank:
        return _holds(ctx, node.condition)
    outcomes = set(_outcomes(ctx, node.condition))
    if outcomes == {True, False}:
        ctx.optional.add(node.id)
    return True in outcomes


def _holds(ctx: _Ctx, condition: str | None, assignment: dict[str, Any] | None = None) -> bool:
    """Whether the condition holds for the contract's values and facts (or those ``assignment`` gives)."""
    if not condition:
        return True
    values = {k: (v if v is not None else False) for k, v in ctx.values.items()} | {"profile": ctx.profile} | ctx.facts
    values |= assignment or {}
    try:
        return bool(templates.expression(condition)(**values))
    except templates.RENDER_ERRORS as exc:
        raise _template_failure(None, msg("compose.what-condition", condition=condition), exc) from None


def _outcomes(ctx: _Ctx, condition: str | None) -> list[bool]:
    """The condition's truth for every value the deals a blank model text serves may give what it reads:
    yes and no, each choice of an enum, a number's zero and example, a text's example and none; a
    guardian may sign for a consumer, whose customer may be a minor."""
    if not condition:
        return [True]
    names = [n for n in sorted(templates.names_used("{{ " + condition + " }}"))
             if n in ctx.library.variable or n == "guardian"]
    candidates: list[tuple[Any, ...]] = []
    for name in names:
        variable = ctx.library.variable.get(name)
        if variable is None:  # guardian
            candidates.append((True, False) if ctx.profile == "consumer" else (False,))
        elif variable.type == "bool":
            candidates.append((True, False))
        elif variable.type == "enum":
            candidates.append(variable.choices_for(ctx.profile))
        elif variable.type in ("int", "decimal", "money"):
            candidates.append((0, _example_value(variable)))
        else:
            candidates.append(("", _example_value(variable)))
    return [_holds(ctx, condition, dict(zip(names, combination, strict=True)))
            for combination in itertools.product(*candidates)]


def _select_annexes(ctx: _Ctx, industry: str) -> list[AnnexDef]:
    library = ctx.library
    ids = library.industry[industry].annexes
    raw = ctx.spec.data.get("annexes")
    if raw is not None:
        chosen = []
        for ident, line in _id_list(ctx, "annexes"):
            annex = library.annex.get(ident)
            if annex is None:
                ctx.at(line, "annexes", msg("spec.annex-unknown", id=ident, hint=did_you_mean(ident, library.annex)))
            elif not library.offered(annex, industry):
                ctx.at(line, "annexes", msg("library.annex-not-offered", annex=ident, industry=industry))
            elif not library.offered(annex, industry, ctx.profile):
                ctx.at(line, "annexes", msg("spec.not-in-profile", id=ident, profile=msg(f"profile.{ctx.profile}")))
            elif ident in chosen:
                ctx.at(line, "annexes", msg("spec.annex-twice", id=ident))
            else:
                chosen.append(ident)
        ids = tuple(chosen)
    return [library.annex[i] for i in ids if i in library.annex and library.offered(library.annex[i], industry, ctx.profile)]


# --- values, parties, meta -----------------------------------------------------------------------

def _read_values(ctx: _Ctx, industry: str, used: set[str]) -> list[tuple[str, Problem]]:
    """Every value the selected clauses may use, read and checked into ``ctx.values``; the problems of
    required values left out, by variable (reported once conditions tell which are needed)."""
    raw = ctx.spec.data.get("values")
    if raw is None:
        raw = YamlMap()
        raw.key_lines = {}
    if not isinstance(raw, dict):
        ctx.problem(ctx.spec.data, "values", "values", msg("spec.values-must-be-mapping"))
        raw = YamlMap()
        raw.key_lines = {}
    known = {v.name: v for v in ctx.library.variables_for(industry, ctx.profile)}
    anywhere = {v.name for v in ctx.library.variables_for(industry)}
    replaced = {old: v for v in known.values() for old in v.replaces}
    for name in raw:
        if name in anywhere and name not in known:
            ctx.problem(raw, name, f"values.{name}", msg("spec.not-in-profile", id=name,
                                                          profile=msg(f"profile.{ctx.profile}")))
        elif name in replaced and name not in known:
            ctx.problem(raw, name, f"values.{name}", msg("spec.variable-replaced", new=replaced[name].name,
                                                          label=replaced[name].label))
        elif name not in known:
            ctx.problem(raw, name, f"values.{name}", msg("spec.unknown-variable", hint=did_you_mean(str(name), known)))
    missing = []
    for name in sorted(used - templates.BUILTINS - {templates.REF}):
        variable = ctx.library.variable.get(name)
        if variable is None:
            continue
        given = raw.get(name)
        if given is None or (isinstance(given, str) and not given.strip() and variable.type != "string"):
            if variable.default is not None and not ctx.blank:  # a model text fills in nothing
                ctx.values[name] = variable.default
                ctx.defaulted.add(name)
            else:
                ctx.values[name] = None
                missing.append(variable)
            continue
        problem = value_problem(variable, given)
        if problem is None and variable.profile_choices and \
                normalized(variable, given) not in variable.choices_for(ctx.profile):
            problem = msg("value.not-in-profile", value=str(given), profile=msg(f"profile.{ctx.profile}"),
                          choices="、".join(variable.choices_for(ctx.profile)))
        if problem is not None:
            ctx.problem(raw, name, f"values.{name}", problem)
            ctx.values[name] = None
        else:
            ctx.values[name] = normalized(variable, given)
    if ctx.draft:
        return []
    line = raw.line if isinstance(raw, YamlMap) and raw.line else line_of(ctx.spec.data, "values")
    fld = "values.{}".format
    return [(v.name, Problem(ctx.spec.path, line, fld(v.name),
                             msg("spec.value-missing", label=v.label, description=v.description),
                             label=field_label(fld(v.name), ctx.library))) for v in missing]


def _parties(ctx: _Ctx, industry: Any) -> tuple[Party, Party]:
    raw = ctx.spec.data.get("parties")
    if raw is None or not isinstance(raw, dict):
        if raw is not None or not ctx.draft:
            ctx.problem(ctx.spec.data, "parties", "parties", msg("spec.parties-needed"))
        raw = {}
    roles = (*PARTY_ROLES, "guardian")
    for role in raw:
        if role not in roles:
            ctx.problem(raw, role, f"parties.{role}", msg("spec.unknown-party", hint=did_you_mean(str(role), roles)))
    customer = _party(ctx, raw, "customer", "甲方", industry.customer_role, industry.customer_type)
    provider = _party(ctx, raw, "provider", "乙方", industry.provider_role, "organization")
    # A blank consumer contract's customer may be a minor: it has the guardian's lines, to strike out.
    if raw.get("guardian") is not None or (ctx.blank and ctx.profile == "consumer" and customer.kind == "person"):
        customer = _with_guardian(ctx, raw, customer)
    return customer, provider


def _with_guardian(ctx: _Ctx, parties: Any, customer: Party) -> Party:
    """The customer with the 监护人 who signs for them: named in the parties block and the signature block."""
    data = parties.get("guardian")
    if ctx.blank:  # the guardian's lines, all blank
        data = YamlMap()
        data.key_lines = {}
    where = "parties.guardian"
    if not isinstance(data, dict):
        ctx.problem(parties, "guardian", where, msg("spec.party-must-be-mapping"))
        return customer
    if customer.kind != "person":
        ctx.problem(parties, "guardian", where, msg("spec.guardian-needs-person"))
        return customer
    for key in data:
        if key not in GUARDIAN_KEYS:
            ctx.problem(data, key, f"{where}.{key}", msg("spec.unknown-key", hint=did_you_mean(str(key), GUARDIAN_KEYS)))
    fields, wrong = _text_fields(ctx, data, where, GUARDIAN_KEYS)
    for key in ("name", "relation"):
        if key not in fields and key not in wrong and not ctx.draft:
            ctx.problem(data, key, f"{where}.{key}", msg("spec.required-for-guardian"))
    if not ({"id_number", "phone"} & fields.keys()) and not ctx.draft:
        ctx.problem(data, "name", where, msg("spec.person-needs-id-or-phone"))

    def run(key: str) -> Run:
        label = "监护人姓名" if key == "name" else PARTY_LABELS[key]
        if key in fields:
            return Run(fields[key], kind="value", var=f"guardian.{key}", raw=fields[key])
        return _blank(ctx, f"guardian.{key}", label, PARTY_WIDTHS[key])

    shown = [k for k in GUARDIAN_KEYS[1:] if k in fields or (ctx.draft and k == "relation") or ctx.blank]
    lines = (("监护人", run("name")),
             *((f"监护人{PARTY_LABELS[k]}" if k != "relation" else PARTY_LABELS[k], run(k)) for k in shown))
    return replace(customer, details=customer.details + lines, guardian=run("name"))


def _check_minor(ctx: _Ctx, customer: Party, sign_date: dt.date | None) -> None:
    """A customer whose ID number says they are a minor on the signing date needs a guardian who signs."""
    id_run = dict(customer.details).get("身份证号码")
    if customer.guardian is not None or sign_date is None or id_run is None or id_run.kind != "value":
        return
    birth = formats.birth_date(id_run.text)
    if birth is None:
        return
    age = sign_date.year - birth.year - ((sign_date.month, sign_date.day) < (birth.month, birth.day))
    if age < ADULT_AGE:
        parties = ctx.spec.data.get("parties")
        ctx.problem(parties.get("customer"), "id_number", "parties.customer.id_number",
                    msg("spec.minor-needs-guardian", age=age))


def _text_fields(ctx: _Ctx, data: Any, where: str, keys: Iterable[str]) -> tuple[dict[str, str], set[str]]:
    """The text fields of a party (or guardian) as given, cleaned and checked; and the keys that are wrong."""
    fields: dict[str, str] = {}
    wrong: set[str] = set()
    for key in keys:
        value = data.get(key)
        if value is None or value == "":
            continue
        if isinstance(value, (bool, dict, list)) or not isinstance(value, (str, int, float)):
            ctx.problem(data, key, f"{where}.{key}", msg("spec.must-be-text", value=value))
            wrong.add(key)  # reported once, as the wrong type, not again as missing
            continue
        problem = text_problem(str(value), MAX_LENGTHS[key])
        if problem is not None:
            ctx.problem(data, key, f"{where}.{key}", problem)
            wrong.add(key)
        elif clean_value(str(value)):  # only control characters or spaces: as good as not given
            fields[key] = clean_value(str(value))
    checks = {"credit_code": formats.credit_code_problem, "id_number": formats.id_number_problem,
              "phone": lambda s: None if values.phone(s) else msg("spec.not-a-phone"),
              "email": lambda s: None if _EMAIL_RE.match(s) else msg("spec.not-an-email")}
    for key, check in checks.items():
        if key in fields:
            problem = check(fields[key])
            if problem:
                ctx.problem(data, key, f"{where}.{key}",
                            msg("spec.party-field-invalid", label=PARTY_LABELS[key], value=fields[key], why=problem))
    if values.phone(fields.get("phone", "")):
        fields["phone"] = values.phone(fields["phone"])  # ０２１ as 021
    return fields, wrong


def _party(ctx: _Ctx, parties: Any, role: str, designation: str, label: str, default_kind: str) -> Party:
    data = parties.get(role) if isinstance(parties, dict) else None
    where = f"parties.{role}"
    absent = data is None  # "is missing" says it all; no problem per field on top
    if data is None:
        data = YamlMap()
        data.key_lines = {}
        if not ctx.draft:
            ctx.problem(parties, role, where, msg("spec.party-missing"))
    elif not isinstance(data, dict):
        ctx.problem(parties, role, where, msg("spec.party-must-be-mapping"))
        data = YamlMap()
        data.key_lines = {}
    for key in data:
        if key not in PARTY_KEYS:
            ctx.problem(data, key, f"{where}.{key}", msg("spec.unknown-key", hint=did_you_mean(str(key), PARTY_KEYS)))
    kind = _party_kind(data, default_kind)
    if kind not in PARTY_TYPES:
        ctx.problem(data, "type", f"{where}.type", msg("spec.party-type", value=kind))
        kind = default_kind
        absent = True  # which fields are required depends on the type: no guess on top of the real error
    fields, wrong = _text_fields(ctx, data, where, PARTY_KEYS[1:])
    required = ["name", "credit_code", "address", "representative"] if kind == "organization" else ["name"]
    for key in required:
        if key not in fields and key not in wrong and not ctx.draft and not absent:
            ctx.problem(data, key, f"{where}.{key}", msg(f"spec.required-for-{kind}"))
    if kind == "person" and not ({"id_number", "phone"} & fields.keys()) and not ctx.draft and not absent:
        ctx.problem(data, "name", where, msg("spec.person-needs-id-or-phone"))
    if kind == "person" and "representative" in fields:
        ctx.problem(data, "representative", f"{where}.representative", msg("spec.person-no-representative"))

    def run(key: str) -> Run:
        if key in fields:
            return Run(fields[key], kind="value", var=f"{role}.{key}", raw=fields[key])
        label = "名称" if key == "name" and kind == "organization" else ("姓名" if key == "name" else PARTY_LABELS[key])
        return _blank(ctx, f"{role}.{key}", label, PARTY_WIDTHS[key])

    order = (["credit_code", "address", "representative", "contact", "phone", "email", "agent"]
             if kind == "organization" else ["id_number", "address", "phone", "email", "agent"])
    # A blank model text has every line, a 委托代理人's too: whoever fills it in strikes out what does not apply.
    shown = [k for k in order if k in fields or ctx.blank or (ctx.draft and k in ("credit_code", "address", "representative")
                                                              and kind == "organization")]
    details = tuple((PARTY_LABELS[k] if not (k == "address" and kind == "person") else "住址", run(k)) for k in shown)
    return Party(role=role, designation=designation, label=label, kind=kind, name=run("name"),  # type: ignore[arg-type]
                 details=details, agent=run("agent") if "agent" in fields or ctx.blank else None)


def _meta(ctx: _Ctx) -> dict[str, Any]:
    data = ctx.spec.data
    meta: dict[str, Any] = {}
    for key in ("contract_no", "title", "sign_place"):
        value = data.get(key)
        if value is not None and (isinstance(value, (bool, dict, list)) or not isinstance(value, (str, int, float))):
            ctx.problem(data, key, key, msg("spec.must-be-text", value=value))
            value = None
        problem = text_problem(str(value), MAX_LENGTHS[key]) if value is not None else None
        if problem is not None:
            ctx.problem(data, key, key, problem)
            value = None
        meta[key] = clean_value(str(value)) if value is not None else ""
    sign_date = data.get("sign_date")
    if sign_date in (None, ""):
        meta["sign_date"] = None
        if not ctx.draft:
            ctx.problem(data, "sign_date", "sign_date", msg("spec.sign-date-required"))
    else:
        meta["sign_date"] = None
        try:
            meta["sign_date"] = formats.parse_date(sign_date)
        except formats.DateHasTime:
            ctx.problem(data, "sign_date", "sign_date", msg("value.date-has-time", value=str(sign_date)))
        except ValueError:
            ctx.problem(data, "sign_date", "sign_date", msg("spec.sign-date-invalid", value=sign_date))
    return meta


def _frame(ctx: _Ctx, sign_date: dt.date | None) -> tuple[str, MainContract | None]:
    """The spec's ``frame`` and, for a supplement, the ``main_contract`` it supplements."""
    data = ctx.spec.data
    frame = data.get("frame")
    if frame in (None, ""):
        frame = "standalone"
    elif frame not in FRAMES:
        ctx.problem(data, "frame", "frame", msg("spec.frame-unknown", value=frame, choices=FRAMES))
        frame = "standalone"
    raw = data.get("main_contract")
    if frame == "standalone":
        if raw is not None:
            ctx.problem(data, "main_contract", "main_contract", msg("spec.main-contract-not-supplement"))
        return frame, None
    if raw is None or not isinstance(raw, dict):
        if raw is not None or not ctx.draft:
            ctx.problem(data, "frame" if raw is None else "main_contract", "main_contract",
                        msg("spec.main-contract-needed"))
        raw = YamlMap()
        raw.key_lines = {}
    for key in raw:
        if key not in MAIN_CONTRACT_KEYS:
            ctx.problem(raw, key, f"main_contract.{key}",
                        msg("spec.unknown-key", hint=did_you_mean(str(key), MAIN_CONTRACT_KEYS)))

    def blank(key: str) -> Run:
        label = "主合同" + MAIN_CONTRACT_LABELS[key]
        if not ctx.draft and key != "number":
            ctx.problem(raw, key, f"main_contract.{key}", msg("spec.main-contract-field-needed"))
        return _blank(ctx, f"main_contract.{key}", label, BLANK_WIDTHS["date" if key == "date" else "string"])

    texts: dict[str, Run | None] = {}
    for key, limit in (("title", MAX_LENGTHS["title"]), ("number", MAX_LENGTHS["number"])):
        value = raw.get(key)
        if value in (None, ""):
            texts[key] = blank(key) if key == "title" or ctx.draft else None
            continue
        problem = (msg("spec.must-be-text", value=value) if isinstance(value, (bool, dict, list))
                   else text_problem(str(value), limit))
        text = clean_value(str(value)).strip("《》")  # the title is written without its 《》, which we add
        if problem is None and not text:
            problem = msg("value.empty")
        if problem is not None:
            ctx.problem(raw, key, f"main_contract.{key}", problem)
        texts[key] = Run(text, kind="value", var=f"main_contract.{key}", raw=text)
    value = raw.get("date")
    if value in (None, ""):
        date_run = blank("date")
    else:
        date_run = Run(str(value), kind="value", var="main_contract.date", raw=str(value))
        try:
            signed = formats.parse_date(value)
        except ValueError:
            ctx.problem(raw, "date", "main_contract.date", msg("value.date", value=value))
        else:
            date_run = Run(formats.format_date(signed), kind="value", var="main_contract.date", raw=signed.isoformat())
            if sign_date is not None and signed > sign_date:
                ctx.problem(raw, "date", "main_contract.date",
                            msg("spec.main-contract-after", date=formats.format_date(sign_date)))
    return frame, MainContract(title=texts["title"], number=texts["number"], date=date_run)  # type: ignore[arg-type]


def _main_contract_marks(ctx: _Ctx, main: MainContract | None) -> dict[str, str]:
    """The built-ins ``main_contract`` and ``main_contract_date``, each value marked.

    ``main_contract`` is the first mention, which defines the word: ``《title》（合同编号：…，以下简称“主合同”）``;
    outside a supplement it is the word alone.
    """
    if main is None:
        return {"main_contract": "主合同", "main_contract_date": ""}
    number = f"合同编号：{_mark(ctx.runs, main.number)}，" if main.number is not None else ""
    text = f"《{_mark(ctx.runs, main.title)}》（{number}以下简称“主合同”）"
    return {"main_contract": text, "main_contract_date": _mark(ctx.runs, main.date)}


# --- numbering and text ----------------------------------------------------------------------------

def _number_all(ctx: _Ctx, articles: list[ArticleDef]) -> None:
    chinese = ctx.library.numbering == "chinese"
    for a_i, article in enumerate(articles, 1):
        ctx.numbers[article.id] = formats.article_number(a_i)
        groups: dict[str, str] = {}  # a blank model text's alternatives share one number, as one clause
        c_i = 0
        for clause in article.clauses:
            if ctx.blank and clause.group in groups:
                ctx.numbers[clause.id] = groups[clause.group]
                continue
            c_i += 1
            ctx.numbers[clause.id] = (formats.chinese_ordinal_paren(c_i) if chinese else f"{a_i}.{c_i}")
            if ctx.blank and clause.group:
                groups[clause.group] = ctx.numbers[clause.id]


def _ref_text(ctx: _Ctx, ident: str) -> str:
    number = ctx.numbers.get(ident)
    if number is None:
        # The target is not in this contract (excluded, not included, condition false).
        raise _MissingRef(ident)
    if number.startswith("第"):
        return number
    if ctx.library.numbering == "chinese":
        article = ctx.library.node[ident].article  # type: ignore[union-attr]
        return f"{ctx.numbers[article]}第{number}款"
    return f"第{number}条"


class _MissingRef(Exception):
    pass


def _article(ctx: _Ctx, article: ArticleDef, index: int, builtins: dict[str, str],
             annexes: list[tuple[str, AnnexDef]]) -> Article:
    paragraphs = _paragraphs(ctx, article.text, builtins, where=article)
    if article.generate == "annexes":
        paragraphs += tuple(Paragraph((Run(f"{number}：{a.title}"),)) for number, a in annexes)
    if article.generate == "lines":
        paragraphs += (Paragraph((Run("", kind="line", var=article.id),)),) * WRITING_LINES
    # An article that applies only in some deals (or one of alternative articles) gets a box to tick.
    if article.id in ctx.optional or (ctx.blank and article.group):
        paragraphs = (Paragraph((Run(f"{BOX}适用本条", kind="option", var=article.id, raw="适用"),
                                 Run("（不适用的，划去本条）"))), *paragraphs)
    clauses = []
    for c in article.clauses:
        prominent = "notice" in (c.standard_term, article.standard_term)
        body = _paragraphs(ctx, c.text, builtins, where=c) + _items(ctx, c.items, builtins, c)
        if c.id in ctx.optional:
            body = _boxed(body, Run(BOX, kind="option", var=c.id, raw="适用"))
        if ctx.blank and c.group:  # every alternative under its box, in one clause: □诉讼：…… □仲裁：……
            body = _boxed(body, Run(f"{BOX}{_choice_label(c)}：", kind="option", var=c.group, raw=c.choice))
            if clauses and clauses[-1].attrs == (("group", c.group),):
                first = clauses.pop()
                clauses.append(replace(first, paragraphs=first.paragraphs + body, prominent=first.prominent or prominent))
                continue
            clauses.append(Clause(id=c.id, number=ctx.numbers[c.id], title="", version=c.version, kind=c.kind,
                                  paragraphs=body, attrs=(("group", c.group),), prominent=prominent, states=c.states))
            continue
        clauses.append(Clause(id=c.id, number=ctx.numbers[c.id], title=c.title, version=c.version, kind=c.kind,
                              paragraphs=body, attrs=_attrs(c), prominent=prominent, states=c.states))
    return Article(id=article.id, number=ctx.numbers[article.id], index=index, title=article.title,
                   version=article.version, kind=article.kind, paragraphs=paragraphs, clauses=tuple(clauses),
                   attrs=_attrs(article), prominent=article.standard_term == "notice", states=article.states)


def _boxed(paragraphs: tuple[Paragraph, ...], box: Run) -> tuple[Paragraph, ...]:
    """The paragraphs with a box to tick before the first (on a line of its own before an item)."""
    if not paragraphs or paragraphs[0].number:
        return (Paragraph((box,)), *paragraphs)
    return (replace(paragraphs[0], runs=(box, *paragraphs[0].runs)), *paragraphs[1:])


def _choice_label(node: ClauseDef) -> str:
    """An alternative's name for its box: its first Chinese alias (诉讼), else its title or choice."""
    return node.aliases[0] if node.aliases else node.title or node.choice or node.id


def _attrs(node: ArticleDef | ClauseDef) -> tuple[tuple[str, str], ...]:
    attrs = {"group": node.group, "choice": node.choice, "condition": node.condition}
    return tuple(sorted((k, v) for k, v in attrs.items() if v))


def _item_number(ctx: _Ctx, i: int) -> str:
    return f"{i}." if ctx.library.numbering == "chinese" else f"（{i}）"


def _items(ctx: _Ctx, items: Iterable[str], builtins: dict[str, str], where: Any) -> tuple[Paragraph, ...]:
    out = []
    for i, item in enumerate(items, 1):
        for j, para in enumerate(_paragraphs(ctx, item, builtins, where=where)):
            out.append(Paragraph(para.runs, number=_item_number(ctx, i) if j == 0 else ""))
    return tuple(out)


def _paragraphs(ctx: _Ctx, source: str, builtins: dict[str, str], where: Any) -> tuple[Paragraph, ...]:
    if not source:
        return ()
    marks = ctx.runs
    context = dict(builtins)
    # Only the values this template reads: formatting every value for every paragraph made
    # composing several times slower (make bench, docs/benchmarks.md).
    try:
        used = templates.names_used(source)
    except TemplateError as exc:  # a syntax error: the library's fault, reported like a render failure
        raise _template_failure(where, msg("compose.what-template"), exc) from None
    for name in sorted(used & ctx.values.keys()):
        context[name] = _mark(marks, _value_run(ctx, ctx.library.variable[name], ctx.values[name]))

    def ref(ident: str) -> str:
        return _mark(marks, Run(_ref_text(ctx, ident), kind="ref", var=ident))

    context[templates.REF] = ref
    context[LAW] = ctx.library.law_index.function()
    try:
        text = templates.render(source, context)
    except _MissingRef as exc:
        who = (msg("compose.who-node", id=where.id, at=f"{where.loc.path}:{where.loc.line}") if where
               else msg("compose.who-recital"))
        raise SpecError([Problem(ctx.spec.path, None, "", msg("compose.ref-left-out", who=who, ref=exc.args[0]))]) from None
    except templates.RENDER_ERRORS as exc:  # the sandbox or a limit refused, or the template misuses a value
        raise _template_failure(where, msg("compose.what-template"), exc) from None
    if ctx.facts.get("frame") == "supplement":
        text = text.replace(*SUPPLEMENT_WORDS)  # values are marks here: only the library's wording changes
    if isinstance(where, ClauseDef) and ctx.library.numbering == "decimal":
        text = text.replace(*CLAUSE_SELF)
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        block = re.sub(r"\s*\n\s*", "", block.strip())
        if block:
            paragraphs.append(Paragraph(_runs(block, marks)))
    return tuple(paragraphs)


def _template_failure(where: Any, what: Message, exc: Exception) -> LibraryError:
    """A library template that cannot be rendered is the library's fault: say which one and why."""
    loc = getattr(where, "loc", None)
    kind = type(where).__name__.removesuffix("Def").lower()  # clause, article, annex
    who = (msg("compose.who-kind", kind=msg(f"noun.{kind}"), id=getattr(where, "id", "?")) if where is not None
           else msg("compose.who-library"))
    return LibraryError([Problem(loc.path if loc else "library", loc.line if loc else None, "",
                                 msg("compose.cannot-render", who=who, what=what, detail=_detail(exc)))])


def _detail(exc: Exception) -> Message | str:
    return exc.args[0] if isinstance(exc, templates.TemplateLimit) else str(exc) or type(exc).__name__


def check_templates(library: Library) -> list[Problem]:
    """Render every template of the library with example values, as ``compose`` would: what a build
    would refuse (the sandbox, a limit, a type error, an unknown filter), ``lint`` reports first."""
    example = f"{MARK_OPEN}0{MARK_CLOSE}"  # templates see every value as a marked string, as in compose
    context = {name: example for name in (*templates.BUILTINS, *library.variable)}
    context[templates.REF] = lambda ident: "第一条"
    context[LAW] = library.law_index.function()
    values = {v.name: _example_value(v) for v in library.variables} | {"profile": PROFILES[0]}
    values |= {"frame": "standalone", "guardian": False, "blank": False,  # templates.CONDITION_NAMES
               "customer_type": PARTY_TYPES[0]}
    problems: list[Problem] = []
    nodes: list[Any] = [*library.articles, *(c for a in library.articles for c in a.clauses), *library.annexes]
    for node in nodes:
        sources = [getattr(node, "text", ""), getattr(node, "intro", ""), *getattr(node, "items", ())]
        for section in getattr(node, "sections", ()):
            sources += ["\n\n".join(section.paragraphs), *section.items]
        try:
            for source in filter(None, sources):
                names = templates.names_used(source)
                for profile, customer_type in itertools.product(
                        PROFILES if "profile" in names else PROFILES[:1],
                        PARTY_TYPES if "customer_type" in names else PARTY_TYPES[:1]):
                    templates.render(source, context | {"profile": profile, "customer_type": customer_type})
        except templates.RENDER_ERRORS as exc:
            problems += _template_failure(node, msg("compose.what-template"), exc).problems
        condition = getattr(node, "condition", None)
        try:
            if condition:
                templates.expression(condition)(**values)
        except templates.RENDER_ERRORS as exc:
            problems += _template_failure(node, msg("compose.what-condition", condition=condition), exc).problems
    return problems


def _example_value(variable: Variable) -> Any:
    """A value of the variable's type for trying a condition: its example, default, or a stand-in."""
    for value in (variable.example, variable.default):
        if value is not None:
            return normalized(variable, value)
    return {"bool": True, "int": 1, "decimal": 1, "money": 1, "date": dt.date(2026, 12, 1)}.get(variable.type, "")


def _mark(marks: list[Run | tuple[Run, ...]], run: Run | tuple[Run, ...]) -> str:
    marks.append(run)
    return f"{MARK_OPEN}{len(marks) - 1}{MARK_CLOSE}"


def _runs(text: str, marks: list[Run | tuple[Run, ...]]) -> tuple[Run, ...]:
    runs: list[Run] = []
    pos = 0
    for match in _MARK_RE.finditer(text):
        if match.start() > pos:
            runs.append(Run(text[pos:match.start()]))
        marked = marks[int(match.group(1))]
        runs.extend(marked if isinstance(marked, tuple) else (marked,))
        pos = match.end()
    if pos < len(text):
        runs.append(Run(text[pos:]))
    # Adjacent plain runs are one run (templates split them at every {% %} tag).
    merged: list[Run] = []
    for run in runs:
        if merged and run.kind == "text" and merged[-1].kind == "text":
            merged[-1] = Run(merged[-1].text + run.text)
        else:
            merged.append(run)
    return tuple(merged)


def _party_name_mark(ctx: _Ctx, party: Party) -> str:
    return _mark(ctx.runs, party.name)


def _value_run(ctx: _Ctx, variable: Variable, value: Any) -> Run | tuple[Run, ...]:
    if value is not None:
        return Run(format_value(variable, value), kind="value", var=variable.name, raw=_raw(value))
    if not ctx.blank:
        return _blank(ctx, variable.name, variable.label)
    choices = ("是", "否") if variable.type == "bool" else variable.choices_for(ctx.profile)
    if variable.type in ("bool", "enum") and len(choices) <= MAX_OPTIONS:
        return _options(variable.name, choices)
    if variable.type == "money":  # 人民币（大写）……元（¥……）, as a filled amount prints
        label = variable.label.removesuffix("（元）")  # 人民币……元 says it already
        return (Run("人民币（大写）"), _blank(ctx, variable.name, label, BLANK_WIDTHS["money"]), Run("元（¥"),
                _blank(ctx, variable.name, "小写", BLANK_WIDTHS["int"] * 2), Run("）"))
    return _blank(ctx, variable.name, variable.label, BLANK_WIDTHS.get(variable.type, BLANK_WIDTHS["string"]))


def _blank(ctx: _Ctx, var: str, label: str, width: int = len(BLANK)) -> Run:
    """A value left blank: an underlined gap with its label, ``width`` characters wide in a blank model text.

    The gap is at least as wide as its label (set in 8 pt: two thirds of a 12 pt character each) and
    one character more, so its width is the text's, never the label's as one engine measures it."""
    gap = "＿" * max(width, -(-len(label) * 2 // 3) + 1) if ctx.blank else BLANK
    return Run(f"{gap}（{label}）", kind="blank", var=var, raw=label)


def _options(var: str, choices: Iterable[str]) -> tuple[Run, ...]:
    """``□甲方住所地　□合同履行地``: each choice a box to tick, set apart by an ideographic space."""
    runs: list[Run] = []
    for choice in choices:
        if runs:
            runs.append(Run("　"))
        runs.append(Run(f"{BOX}{choice}", kind="option", var=var, raw=choice))
    return tuple(runs)


def format_value(variable: Variable, value: Any) -> str:
    """A value written the way a Chinese contract writes it."""
    vtype = variable.type
    if vtype == "int":
        number = int(as_number(value, integer=True))  # type: ignore[arg-type]
        return formats.chinese_count(number) if variable.format == "chinese" else str(number)
    if vtype == "money":
        return formats.format_money(Decimal(_raw(value).replace(",", "")))
    if vtype == "decimal":
        return format(Decimal(_raw(value).replace(",", "")).normalize(), "f")
    if vtype == "date":
        return formats.format_date(value)
    if vtype == "bool":
        return "是" if value else "否"
    return clean_value(str(value))


def _raw(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


# --- annexes ---------------------------------------------------------------------------------------

def _annex(ctx: _Ctx, annex: AnnexDef, number: str, builtins: dict[str, str]) -> Annex:
    sections = tuple(
        Section(s.heading, _paragraphs(ctx, "\n\n".join(s.paragraphs), builtins, where=annex)
                + _items(ctx, s.items, builtins, annex), states=s.states)
        for s in annex.sections if not s.profiles or ctx.profile in s.profiles
    )
    return Annex(id=annex.id, number=number, title=annex.title, version=annex.version, kind=annex.kind,
                 intro=_paragraphs(ctx, annex.intro, builtins, where=annex), sections=sections, form=annex.form,
                 states=annex.states)


def industry_spec(industry: str) -> Spec:
    """The spec of an industry's contract with nothing but the industry (named ``<industry>``)."""
    data = YamlMap(industry=industry)
    data.line, data.key_lines = 1, {"industry": 1}
    return Spec(f"<{industry}>", data, "")


def blank_annexes(library: Library, industry: str) -> Contract:
    """A contract of an industry with no spec, composed as a draft (every value blank) so that its
    annexes come out as blank forms, to be filled in by hand; not marked 草稿: a blank form is not an
    unfinished contract, and the mark says it must not be signed."""
    return replace(compose(industry_spec(industry), library, draft=True), draft=False)
