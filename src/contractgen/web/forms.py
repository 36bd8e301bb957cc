"""The contract form, built at run time from the library: one function maps a variable's type to a field.

``contract_form`` makes the Flask-WTF form of an industry (cached per library and industry): the
contract's own fields, the two parties, one field per variable grouped by the article that uses it,
optional clauses as checkboxes, alternatives as radio buttons, the annexes. The form checks nothing
itself: ``spec_data`` turns what was typed into spec data for the composer, which reports problems by
field; ``field_id`` says at which form field a problem's field is shown. What only some profiles
take (a consumer's objection period; the provider's seat as the court, void against a consumer)
carries those profiles, for the page to offer a consumer's or a business's contract only its own.
``form_data`` fills the form from a saved spec (a draft, a register entry, an uploaded file).
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, FormField, RadioField, SelectField, SelectMultipleField, StringField
from wtforms.form import Form
from wtforms.widgets import DateInput, NumberInput, TextInput

from ..library import PROFILES, AnnexDef, ArticleDef, ClauseDef, Library, Variable, default_profile
from ..spec import PARTY_KEYS, PARTY_ROLES

PARTY_FIELDS = PARTY_KEYS
ORGANIZATION_ONLY = ("credit_code", "representative", "contact")
PERSON_ONLY = ("id_number",)
_VARIABLE = re.compile(r"{{\s*([a-z_][a-z0-9_]*)\s*(?:\|[^}]*)?}}")
_EXPRESSION = re.compile(r"{{.*?}}", re.S)
_STATEMENT = re.compile(r"{%.*?%}", re.S)


def field_for(variable: Variable) -> Field:
    """The form field of one variable: its widget by type, its limits, label, help text and default."""
    common: dict[str, Any] = {"label": variable.label, "description": variable.description,
                              "default": _form_value(variable.default)}
    attrs: dict[str, Any] = {}
    if variable.type in ("int", "decimal", "money"):
        step = {"int": "1", "decimal": "any", "money": "0.01"}[variable.type]
        attrs = {"inputmode": "numeric" if variable.type == "int" else "decimal"}
        if variable.type == "money":
            attrs["data-money"] = "1"
        widget = NumberInput(step=step, min=_number(variable.min), max=_number(variable.max))
        return StringField(widget=widget, render_kw=attrs, **common)
    if variable.type == "date":
        return StringField(widget=DateInput(), **common)
    if variable.type == "enum":
        # A choice some profiles may not take (a consumer's court: not the provider's seat) says which may.
        choices = [(c, c, _profile_attrs(only(lambda p, c=c: c in variable.choices_for(p))))
                   for c in variable.choices]
        return SelectField(choices=[("", "—"), *choices], validate_choice=False, **common)
    if variable.type == "bool":
        return BooleanField(render_kw={"role": "switch"}, false_values=("", "false", "0"), **common)
    if variable.max_length:
        attrs["maxlength"] = variable.max_length
    return StringField(widget=TextInput(), render_kw=attrs, **common)


def only(takes: Callable[[str], bool]) -> tuple[str, ...]:
    """The profiles ``takes`` holds for, when not every one does (empty: every profile)."""
    found = tuple(p for p in PROFILES if takes(p))
    return () if len(found) == len(PROFILES) else found


def _profile_attrs(profiles: tuple[str, ...]) -> dict[str, str]:
    """The attribute app.js reads to hide and disable what the form's profile does not take."""
    return {"data-profiles": " ".join(profiles)} if profiles else {}


def _number(value: Any) -> str | None:
    return None if value is None else str(value)


def _form_value(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class Option:
    """An optional clause, an alternative or an excludable clause, as the form offers it."""

    id: str
    title: str
    text: str
    profiles: tuple[str, ...] = ()
    """The profiles whose contracts may have it (empty: every profile)."""


@dataclass(frozen=True)
class Layout:
    """What the form of an industry shows, in order (the template walks this)."""

    groups: tuple[tuple[str, tuple[str, ...]], ...]
    """Heading → variable names, one group per article that first uses them."""
    includable: tuple[Option, ...]
    excludable: tuple[Option, ...]
    alternatives: tuple[tuple[str, str, tuple[Option, ...]], ...]
    """Group name, the heading of the article it belongs to, the alternatives."""
    annexes: tuple[Option, ...]
    required: frozenset[str] = frozenset()
    """Variables every contract of the industry needs (no default, used by a clause that is always there)."""
    profiles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Variable name → the profiles whose contracts take it, for the variables only some profiles take
    (a consumer's objection period: its clause is for consumers alone)."""


def contract_form(library: Library, industry: str, **kwargs: Any) -> FlaskForm:
    """A new form of ``industry`` (``formdata=``/``data=`` as for any WTForms form)."""
    return _form_class(library, industry)(**kwargs)


def layout(library: Library, industry: str) -> Layout:
    """The industry's form layout (cached with its form class)."""
    return _layout(library, industry)


_CACHE: dict[tuple[str, int, str], tuple[Library, Any]] = {}


def _cached(make: Any) -> Any:
    """Memoize per library object and industry (a ``Library`` hashes all its clauses: too slow as a key)."""
    @functools.wraps(make)
    def wrapper(library: Library, industry: str) -> Any:
        key = (make.__name__, id(library), industry)
        hit = _CACHE.get(key)
        if hit is None or hit[0] is not library:
            hit = _CACHE[key] = (library, make(library, industry))
        return hit[1]

    return wrapper


@_cached
def _layout(library: Library, industry: str) -> Layout:
    variables = {v.name: v for v in library.variables_for(industry)}
    seen: set[str] = set()
    groups = []
    for article in library.articles_for(industry):
        uses = set(article.uses).union(*(c.uses for c in article.clauses))
        names = tuple(n for n in variables if n in uses and n not in seen)
        seen.update(names)
        if names:
            groups.append((article.title, names))
    if rest := tuple(n for n in variables if n not in seen):
        groups.append(("附件", rest))

    def option(node: ArticleDef | ClauseDef | AnnexDef) -> Option:
        return replace(_option(node), profiles=only(lambda p: library.offered(node, industry, p)))

    alternatives = tuple((group, _article_title(library, nodes[0]), _distinguished(library, nodes, option))
                         for group, nodes in library.alternatives(industry).items())
    excludable = tuple(option(n) for n in library.node.values() if n.excludable and library.offered(n, industry))
    annexes = tuple(option(a) for a in library.annexes if library.offered(a, industry))
    always: set[str] = set()
    for article in library.articles_for(industry):
        for node in (article, *article.clauses):
            if node.kind in ("base", "industry") and not node.condition and not node.group:
                always |= node.uses
    required = frozenset(n for n, v in variables.items() if v.required and n in always)
    taken = {p: {v.name for v in library.variables_for(industry, p)} for p in PROFILES}
    profiles = {n: found for n in variables if (found := only(lambda p, n=n: n in taken[p]))}
    return Layout(tuple(groups), tuple(option(n) for n in library.includable(industry)), excludable, alternatives,
                  annexes, required, profiles)


def _article_title(library: Library, node: ArticleDef | ClauseDef) -> str:
    article = library.node.get(getattr(node, "article", "")) if isinstance(node, ClauseDef) else node
    return article.title if article is not None else ""


def _distinguished(library: Library, nodes: tuple[ArticleDef | ClauseDef, ...],
                   option: Callable[[ArticleDef | ClauseDef], Option]) -> tuple[Option, ...]:
    """The alternatives of a group, each titled by what sets it apart when they have no titles of their own
    (two dispute clauses start with the same words; what follows differs)."""
    options = [option(n) for n in nodes]
    texts = [labelled_text(o.text, library) for o in options]
    prefix = len(os.path.commonprefix(texts)) if len(texts) > 1 else 0
    prefix = max(texts[0].rfind("，", 0, prefix) + 1, 0) if prefix else 0
    return tuple(o if n.title else replace(o, title=("……" if prefix else "") + _snippet(t[prefix:]))
                 for o, n, t in zip(options, nodes, texts, strict=True))


def _option(node: ArticleDef | ClauseDef | AnnexDef) -> Option:
    if isinstance(node, AnnexDef):
        return Option(node.id, node.title, node.intro)
    text = plain_text(node)
    return Option(node.id, node.title or _snippet(text), text)


def plain_text(node: ArticleDef | ClauseDef) -> str:
    """A clause's wording for reading in the form: each blank as 【its label】, conditions left out."""
    parts = [node.text, *getattr(node, "items", ())]
    for clause in getattr(node, "clauses", ()):
        parts += [clause.text, *clause.items]
    text = "\n".join(p.strip() for p in parts if p and p.strip())
    text = _STATEMENT.sub("", text)
    return _EXPRESSION.sub("……", _VARIABLE.sub(lambda m: f"【{m.group(1)}】", text))


def _snippet(text: str, length: int = 36) -> str:
    first = text.split("\n", 1)[0]
    return first[:length] + ("……" if len(first) > length else "")


def labelled_text(text: str, library: Library) -> str:
    """``plain_text`` with each 【name】 replaced by the variable's Chinese label."""
    def label(match: re.Match[str]) -> str:
        variable = library.variable.get(match.group(1))
        return f"【{variable.label if variable else '……'}】"

    return re.sub(r"【([a-z_][a-z0-9_]*)】", label, text)


def _party_form(default_kind: str) -> type[Form]:
    fields: dict[str, Any] = {"type": SelectField(choices=[("organization", "单位"), ("person", "个人")],
                                                  default=default_kind, validate_choice=False)}
    for key in PARTY_FIELDS[1:]:
        attrs: dict[str, Any] = {"maxlength": 200}
        if key in ("credit_code", "id_number"):
            attrs.update({"data-check": key, "maxlength": 18, "autocomplete": "off", "spellcheck": "false"})
        fields[key] = StringField(render_kw=attrs)
    return type(f"Party_{default_kind}", (Form,), fields)


@_cached
def _form_class(library: Library, industry: str) -> type[FlaskForm]:
    ind = library.industry[industry]
    plan = _layout(library, industry)
    values = type("Values", (Form,), {v.name: field_for(v) for v in library.variables_for(industry)})
    choose = type("Choose", (Form,), {
        group: RadioField(choices=[(_choice(library, o.id), o.title) for o in options],
                          default=_default_choice(library, group), validate_choice=False)
        for group, _heading, options in plan.alternatives})
    fields: dict[str, Any] = {
        "draft_title": StringField(default=f"{ind.name}合同草稿", render_kw={"maxlength": 200}),
        "title": StringField(default=ind.title, render_kw={"maxlength": 200}),
        "sign_date": StringField(widget=DateInput()),
        "sign_place": StringField(render_kw={"maxlength": 200}),
        "customer": FormField(_party_form(ind.customer_type)),
        "provider": FormField(_party_form("organization")),
        "values": FormField(values),
        "choose": FormField(choose),
        "include": SelectMultipleField(choices=[(o.id, o.title) for o in plan.includable], validate_choice=False),
        "exclude": SelectMultipleField(choices=[(o.id, o.title) for o in plan.excludable], validate_choice=False),
        "annexes": SelectMultipleField(choices=[(o.id, o.title) for o in plan.annexes], default=list(ind.annexes),
                                       validate_choice=False),
    }
    return type(f"ContractForm_{industry}", (FlaskForm,), fields)


def _choice(library: Library, node_id: str) -> str:
    return library.node[node_id].choice or ""


def _default_choice(library: Library, group: str) -> str:
    nodes = library.alternatives()[group]
    return next((n.choice for n in nodes if n.default), nodes[0].choice) or ""


# --- form ↔ spec data ------------------------------------------------------------------------------

def spec_data(form: FlaskForm, library: Library, industry: str) -> dict[str, Any]:
    """What the form holds, as spec data (empty fields left out; the composer judges the rest)."""
    data: dict[str, Any] = {"industry": industry}
    for key in ("title", "sign_date", "sign_place"):
        if (form[key].data or "").strip():
            data[key] = form[key].data.strip()
    data["parties"] = {}
    for role in PARTY_ROLES:
        sub = form[role]
        kind = sub["type"].data or "organization"
        skip = PERSON_ONLY if kind == "organization" else ORGANIZATION_ONLY
        party = {"type": kind}
        party.update({k: sub[k].data.strip() for k in PARTY_FIELDS[1:] if k not in skip and (sub[k].data or "").strip()})
        data["parties"][role] = party
    # The form has no profile field: the customer's type decides it, as in the composer (and app.js). A
    # company customer's hotel form must not post the consumer-only deadlines a page without JavaScript
    # still holds (refused), nor miss them when app.js disabled them.
    profile = default_profile(data["parties"]["customer"]["type"])
    values: dict[str, Any] = {}
    for variable in library.variables_for(industry, profile):
        value = form["values"][variable.name].data
        if variable.type == "bool":
            values[variable.name] = bool(value)
        elif isinstance(value, str) and value.strip():
            values[variable.name] = value.strip()
    data["values"] = values
    for key in ("include", "exclude"):
        if form[key].data:
            data[key] = list(form[key].data)
    data["choose"] = {group: form["choose"][group].data for group in form["choose"].form._fields if form["choose"][group].data}
    annexes = list(form["annexes"].data or [])
    if annexes != list(library.industry[industry].annexes):
        data["annexes"] = annexes
    return data


def form_data(spec: Mapping[str, Any], library: Library, title: str = "") -> dict[str, Any]:
    """The form's data for a saved spec (what the form left out takes the form's defaults)."""
    industry = library.industry[spec["industry"]]
    parties = spec.get("parties") if isinstance(spec.get("parties"), Mapping) else {}
    data: dict[str, Any] = {"draft_title": title or f"{industry.name}合同草稿"}
    for key in ("title", "sign_date", "sign_place"):
        if spec.get(key) not in (None, ""):
            data[key] = str(spec[key])
    for role in PARTY_ROLES:
        party = parties.get(role)
        if isinstance(party, Mapping):
            data[role] = {k: ("" if v is None else str(v)) for k, v in party.items() if k in PARTY_FIELDS}
    values = spec.get("values") if isinstance(spec.get("values"), Mapping) else {}
    data["values"] = {k: (v if isinstance(v, bool) else str(v)) for k, v in values.items()}
    for key in ("include", "exclude"):
        if isinstance(spec.get(key), list):
            data[key] = [str(x) for x in spec[key]]
    if isinstance(spec.get("choose"), Mapping):
        data["choose"] = {str(k): str(v) for k, v in spec["choose"].items()}
    data["annexes"] = [str(x) for x in spec["annexes"]] if isinstance(spec.get("annexes"), list) else list(industry.annexes)
    return data


def field_id(problem_field: str) -> str:
    """The form field a problem's field is shown at (``values.term_years`` → ``values-term_years``)."""
    parts = problem_field.split(".")
    if parts[0] == "parties":
        if len(parts) == 1:
            return "customer-name"
        return f"{parts[1]}-{parts[2]}" if len(parts) > 2 else f"{parts[1]}-name"
    if parts[0] == "values" and len(parts) > 1:
        return f"values-{parts[1]}"
    if parts[0] == "choose" and len(parts) > 1:
        return f"choose-{parts[1]}"
    return parts[0]
