"""The legal check: owns the rules a lawyer applies to a composed contract.

Each rule has a stable id (``RULES``), a severity and a message naming the article as numbered in the
contract, and for a rule about a value, the spec's field. The rules read the composed ``Contract``
(its articles, clauses, annexes and values) and what the library declares about its variables and
texts (``placeholder``, ``measures``, ``penalty``, ``capped_by``, ``at_most``, ``sum_of``,
``per_party_of``, ``statutory_min``/``statutory_max``, ``states``); they never re-read library prose
for a fact the library can state. The one exception is the dispute route: a text can mention a court
or arbitration anywhere, so that rule looks for the words that name a route (``ROUTE_WORDS``).

``compose_checked`` is the one place a contract is composed for output: ``build``, ``batch`` and the
web's generate call it, and refuse a contract with an error (a draft only shows them as warnings).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

from . import formats
from .errors import Problem, SpecError
from .i18n import Message, msg
from .library import Library, StatutoryBound, Variable
from .model import Contract, Paragraph
from .spec import Spec, field_label
from .yamlio import line_of

Severity = Literal["error", "warning"]

RULES: dict[str, Severity] = {
    "counterparts": "error",
    "dispute-route": "error",
    "precedence": "error",
    "annex-unilateral-change": "error",
    "one-value": "error",
    "penalty-cap": "error",
    "penalty-stacking": "error",
    "statutory-floor": "error",
    "placeholder": "error",
    "money-installments": "error",
    "money-deposit": "error",
    "limit": "error",
}
"""Every rule by id, with the severity of what it finds (``counterparts`` also warns: copies nobody holds)."""

DISPUTE_GROUP = "dispute"
"""The alternative group whose choice is the contract's dispute route."""
ROUTE_WORDS: dict[str, tuple[str, ...]] = {
    "litigation": ("提起诉讼", "通过诉讼", "诉讼解决", "向人民法院起诉", "诉讼或者仲裁", "仲裁或者诉讼"),
    "arbitration": ("申请仲裁", "提交仲裁", "通过仲裁", "仲裁解决", "诉讼或者仲裁", "仲裁或者诉讼"),
}
"""Wording that names a route for the contract's disputes (not 仲裁机构 asking for a disclosure, nor
诉讼费 in a list of costs): a contract whose route is one may not name the other."""
RESERVED_DOMAINS = ("example.com", "example.net", "example.org")
RESERVED_TLDS = ("example", "test", "invalid", "localhost")
"""RFC 2606 and RFC 6761: names that can never reach anyone (an address there is a stand-in)."""
_HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*")


@dataclass(frozen=True, slots=True)
class Finding:
    """What one rule found in one contract."""

    rule: str
    severity: Severity
    field: str
    """The spec field it is about (``values.counterparts_each``), or empty for the contract's wording."""
    message: Message


@dataclass(frozen=True, slots=True)
class _Text:
    """One text of the contract: an article's lead, a clause, an annex's introduction or section."""

    place: str
    """Where it is, as the contract numbers it: 第九条, 第9.3条, 附件一《隐私保护政策》."""
    states: tuple[str, ...]
    paragraphs: tuple[Paragraph, ...]
    in_annex: bool


def _texts(contract: Contract) -> Iterator[_Text]:
    chinese = contract.library.numbering == "chinese"
    for article in contract.articles:
        if article.paragraphs:
            yield _Text(article.number, article.states, article.paragraphs, False)
        for clause in article.clauses:
            place = f"{article.number}第{clause.number}款" if chinese else f"第{clause.number}条"
            yield _Text(place, clause.states, clause.paragraphs, False)
    for annex in contract.annexes:
        place = f"{annex.number}《{annex.title}》"
        if annex.intro:
            yield _Text(place, annex.states, annex.intro, True)
        for section in annex.sections:
            yield _Text(f"{place}“{section.heading}”", section.states, section.paragraphs, True)


@dataclass(frozen=True)
class _Seen:
    """The contract as the rules read it."""

    contract: Contract
    library: Library
    texts: tuple[_Text, ...]
    printed: dict[str, tuple[str, ...]]
    """Variable → the places printing it, in reading order."""
    shown: dict[str, str]
    """Variable → its value as printed (四, 人民币（大写）……)."""

    def value(self, name: str) -> Decimal | None:
        """A variable's value as a number, when the contract has one."""
        raw = dict(self.contract.values).get(name, "")
        try:
            return Decimal(raw.replace(",", "")) if raw else None
        except InvalidOperation:
            return None

    def label(self, name: str) -> str:
        variable = self.library.variable.get(name)
        return variable.label if variable else name


def _seen(contract: Contract, library: Library) -> _Seen:
    texts = tuple(_texts(contract))
    printed: dict[str, list[str]] = {}
    shown: dict[str, str] = {}
    for text in texts:
        for paragraph in text.paragraphs:
            for run in paragraph.runs:
                if run.kind == "value" and run.var:
                    places = printed.setdefault(run.var, [])
                    if text.place not in places:
                        places.append(text.place)
                    shown.setdefault(run.var, run.text)
    return _Seen(contract, library, texts, {k: tuple(v) for k, v in printed.items()}, shown)


def check(contract: Contract, library: Library) -> tuple[Finding, ...]:
    """Every finding of every rule on a composed contract, rule by rule; in a draft each is a warning
    (a draft may be incomplete, and is not for signing)."""
    seen = _seen(contract, library)
    findings: list[Finding] = []
    for rule in (_counterparts, _dispute_route, _precedence, _annex_change, _one_value, _penalties,
                 _statutory, _placeholders, _money):
        findings += rule(seen)
    if contract.draft:
        return tuple(Finding(f.rule, "warning", f.field, f.message) for f in findings)
    return tuple(findings)


def _finding(rule: str, fld: str, message: Message, severity: Severity | None = None) -> Finding:
    return Finding(rule, severity or RULES[rule], fld, message)


def _variables(seen: _Seen) -> Iterator[Variable]:
    """The declarations of the variables the contract prints."""
    for name in seen.printed:
        variable = seen.library.variable.get(name)
        if variable is not None:
            yield variable


# --- the rules -------------------------------------------------------------------------------------

def _counterparts(seen: _Seen) -> list[Finding]:
    """一式N份，双方各执M份: the parties cannot hold more copies than there are, and copies nobody holds
    need saying what they are for."""
    found = []
    parties = len(seen.contract.parties)
    for variable in _variables(seen):
        total_name = variable.per_party_of
        each, total = seen.value(variable.name), seen.value(total_name) if total_name else None
        if total_name is None or each is None or total is None or parties * each == total:
            continue
        place = seen.printed[variable.name][0]
        params = dict(place=place, total=seen.shown.get(total_name, str(total)), each=seen.shown[variable.name],
                      held=formats.chinese_count(int(parties * each)))
        if parties * each > total:
            found.append(_finding("counterparts", f"values.{variable.name}", msg("check.counterparts-too-few", **params)))
        else:
            found.append(_finding("counterparts", f"values.{variable.name}",
                                  msg("check.counterparts-unheld", **params,
                                      left=formats.chinese_count(int(total - parties * each))),
                                  "warning"))
    return found


def dispute_route(contract: Contract) -> str | None:
    """The contract's dispute route: the choice of its ``dispute`` alternative."""
    for article in contract.articles:
        for clause in article.clauses:
            attrs = dict(clause.attrs)
            if attrs.get("group") == DISPUTE_GROUP:
                return attrs.get("choice")
    return None


def _dispute_route(seen: _Seen) -> list[Finding]:
    chosen = dispute_route(seen.contract)
    if chosen not in ROUTE_WORDS:
        return []
    other = set().union(*(words for route, words in ROUTE_WORDS.items() if route != chosen))
    found = []
    for text in seen.texts:
        if "third-party-dispute" in text.states:
            continue
        wording = "".join(run.text for p in text.paragraphs for run in p.runs if run.kind != "value")
        words = sorted({w for w in other if w in wording}, key=wording.index)
        if words:
            found.append(_finding("dispute-route", f"choose.{DISPUTE_GROUP}",
                                  msg("check.dispute-route", place=text.place, words=tuple(words),
                                      route=msg(f"check.route.{chosen}"))))
    return found


def _precedence(seen: _Seen) -> list[Finding]:
    places = tuple(t.place for t in seen.texts if "precedence" in t.states)
    if len(places) < 2:
        return []
    return [_finding("precedence", "", msg("check.precedence", places=places))]


def _annex_change(seen: _Seen) -> list[Finding]:
    agreed = [t.place for t in seen.texts if not t.in_annex and "change-by-agreement" in t.states]
    if not agreed:
        return []
    return [_finding("annex-unilateral-change", "", msg("check.annex-unilateral-change", place=t.place, agreed=agreed[0]))
            for t in seen.texts if t.in_annex and "unilateral-change" in t.states]


def _one_value(seen: _Seen) -> list[Finding]:
    by_obligation: dict[str, list[Variable]] = {}
    for variable in _variables(seen):
        if variable.measures:
            by_obligation.setdefault(variable.measures, []).append(variable)
    found = []
    values = dict(seen.contract.values)
    for variables in by_obligation.values():
        first = variables[0]
        for other in variables[1:]:
            if values.get(other.name) != values.get(first.name):
                found.append(_finding("one-value", f"values.{other.name}", msg(
                    "check.one-value", place=seen.printed[other.name][0], label=other.label,
                    value=seen.shown[other.name], first_place=seen.printed[first.name][0], first_label=first.label,
                    first_value=seen.shown[first.name])))
    return found


def _penalties(seen: _Seen) -> list[Finding]:
    """A per-day 违约金 states its cap where it is agreed; with a lump-sum one in the contract too, the
    text agreeing the per-day one says how the two relate (``states: [penalty-relation]``), or a delay
    may be made to pay both."""
    found = []
    per_day = [v for v in _variables(seen) if v.penalty == "per-day"]
    lump_sum = [v for v in _variables(seen) if v.penalty == "lump-sum"]
    for variable in per_day:
        for place in seen.printed[variable.name]:
            if variable.capped_by is None or place not in seen.printed.get(variable.capped_by, ()):
                found.append(_finding("penalty-cap", f"values.{variable.name}",
                                      msg("check.penalty-cap", place=place, label=variable.label)))
    related = {t.place for t in seen.texts if "penalty-relation" in t.states}
    for daily in per_day if lump_sum else ():
        if not related & set(seen.printed[daily.name]):
            flat = lump_sum[0]
            found.append(_finding("penalty-stacking", f"values.{daily.name}", msg(
                "check.penalty-stacking", place=seen.printed[daily.name][0], label=daily.label,
                other_place=seen.printed[flat.name][0], other_label=flat.label)))
    return found


def _statutory(seen: _Seen) -> list[Finding]:
    found = []
    cite = seen.library.law_index.function()
    for variable in _variables(seen):
        value = seen.value(variable.name)
        bounds: tuple[tuple[str, StatutoryBound | None], ...] = (("min", variable.statutory_min),
                                                                 ("max", variable.statutory_max))
        for side, bound in bounds:
            if bound is None or value is None or (bound.profiles and seen.contract.profile not in bound.profiles):
                continue
            if (value < bound.value) if side == "min" else (value > bound.value):
                found.append(_finding("statutory-floor", f"values.{variable.name}", msg(
                    f"check.statutory-{side}", place=seen.printed[variable.name][0], label=variable.label,
                    value=seen.shown[variable.name], bound=_plain(bound.value), law=cite(bound.law, bound.article))))
    return found


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


def _placeholders(seen: _Seen) -> list[Finding]:
    """A library default that is a stand-in, or any value at a reserved example domain, is not
    something a signed contract may print."""
    found = []
    for name in seen.contract.defaulted:
        variable = seen.library.variable.get(name)
        if variable is not None and variable.placeholder and name in seen.printed:
            found.append(_finding("placeholder", f"values.{name}", msg(
                "check.placeholder-default", place=seen.printed[name][0], label=variable.label,
                value=seen.shown[name])))
    values = [(run, text.place) for text in seen.texts for p in text.paragraphs for run in p.runs if run.kind == "value"]
    values += [(run, msg("check.place-party", party=party.designation))
               for party in seen.contract.parties for _, run in party.details]
    reported = {f.field.removeprefix("values.") for f in found}  # a default's domain is said once
    for run, place in values:
        host = reserved_host(run.text)
        if host is None or run.var in reported:
            continue
        reported.add(run.var)
        name = str(run.var)
        fld = f"values.{name}" if name in seen.library.variable else f"parties.{name}"
        found.append(_finding("placeholder", fld, msg("check.placeholder-domain", place=place, value=run.text,
                                                       host=host)))
    return found


def reserved_host(text: str) -> str | None:
    """The first host name in ``text`` that is reserved for examples (RFC 2606, RFC 6761), or None."""
    for match in _HOST.finditer(text):
        host = match.group(0).lower().rstrip(".")
        labels = host.split(".")
        if labels[-1] in RESERVED_TLDS and (len(labels) > 1 or host == "localhost"):
            return host
        if any(host == d or host.endswith("." + d) for d in RESERVED_DOMAINS):
            return host
    return None


def _money(seen: _Seen) -> list[Finding]:
    found = []
    for variable in _variables(seen):
        value = seen.value(variable.name)
        parts = variable.sum_of
        numbers = [n for n in (seen.value(p) for p in parts if p in seen.printed) if n is not None]
        if parts and value is not None and len(numbers) == len(parts) and sum(numbers) != value:
            found.append(_finding("money-installments", f"values.{parts[0]}", msg(
                "check.money-installments", place=seen.printed[parts[0]][0], parts=tuple(seen.label(p) for p in parts),
                total_label=variable.label, total=seen.shown[variable.name], sum=_plain(sum(numbers, Decimal(0))))))
        limit = seen.value(variable.at_most) if variable.at_most else None
        if limit is None or value is None or value <= limit:
            continue
        if variable.type == "money":
            found.append(_finding("money-deposit", f"values.{variable.name}", msg(
                "check.money-at-most", place=seen.printed[variable.name][0], label=variable.label,
                value=seen.shown[variable.name], other_label=seen.label(str(variable.at_most)),
                other=seen.shown.get(str(variable.at_most), _plain(limit)))))
        else:
            # a period or a count above the limit another clause sets (a K-12 prepayment's validity above
            # the months a single charge may cover): both places, so the reader sees which one to change
            other = str(variable.at_most)
            found.append(_finding("limit", f"values.{variable.name}", msg(
                "check.limit", place=seen.printed[variable.name][0], label=variable.label,
                value=seen.shown[variable.name], other_place=seen.printed.get(other, ("",))[0],
                other_label=seen.label(other), other=seen.shown.get(other, _plain(limit)))))
    return found


# --- findings as problems, and the one checked compose -----------------------------------------------

def located(findings: tuple[Finding, ...] | list[Finding], spec: Spec, library: Library) -> list[Problem]:
    """Each finding as a ``Problem`` at the spec's line for its field (the ``values:`` line for a value
    the spec left to the library's default), its severity and rule id in the message."""
    from .canonical import canonical

    if not findings:  # the usual case: no need to read the spec's lines again
        return []
    data = canonical(spec, library, []).data
    problems = []
    for finding in findings:
        message = msg(f"check.finding-{finding.severity}", message=finding.message, rule=finding.rule)
        problems.append(Problem(spec.path, _line(data, finding.field), finding.field, message,
                                label=field_label(finding.field, library) if finding.field else ""))
    return problems


def _line(data: object, fld: str) -> int | None:
    """The line of the deepest key of a dotted field the spec has (None: the whole file)."""
    line = None
    container = data
    for key in fld.split(".") if fld else ():
        if not isinstance(container, dict) or key not in container:
            break
        line = line_of(container, key) or line
        container = container[key]
    return line


def compose_checked(spec: Spec, library: Library, *, draft: bool = False) -> tuple[Contract, list[Problem]]:
    """The contract a spec describes and the check's warnings, for output (``build``, ``batch``, the
    web's generate); raises ``SpecError`` with every error the check finds."""
    from .compose import compose

    contract = compose(spec, library, draft=draft)
    findings = check(contract, library)
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        raise SpecError(located(errors, spec, library))
    return contract, located(findings, spec, library)
