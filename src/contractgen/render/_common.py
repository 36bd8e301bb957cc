"""What the document renderers share: choosing the part to render, the signature block's lines (and
the consumer's acknowledgement line), the
draft's blank labels and notice, the document's title and keywords and its fixed date.

Kept free of any heavy import so the Markdown and JSON renderers stay light.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..errors import UsageError
from ..i18n import msg
from ..model import Annex, Contract, Paragraph, Party, Run

_ASCII_END = re.compile(r"[0-9A-Za-z.]$")

BLANK_DATE = "　　　　年　　月　　日"
"""What a signature block's date line shows when the contract has no signing date."""
BLANK_LINE = "＿" * 12
"""The contract number's and the signing place's space to write in, in a blank model text."""


@dataclass(frozen=True, slots=True)
class SignatureLine:
    """One line of a party's signature block: ``甲方（盖章）`` and what follows the colon."""

    label: str
    value: str = ""


def number_separator(number: str) -> str:
    """The gap after a clause or item number: a space after ``3.1``/``1.``, none after ``（一）``."""
    return " " if _ASCII_END.search(number) else ""


def find_annex(contract: Contract, part: str) -> Annex:
    """The annex whose id is ``part``; an unknown id names the annexes there are."""
    for annex in contract.annexes:
        if annex.id == part:
            return annex
    available = tuple(a.id for a in contract.annexes) or msg("render.no-annexes")
    raise UsageError(msg("render.unknown-annex", part=part, available=available))


def signature_lines(party: Party, date_text: str) -> tuple[SignatureLine, ...]:
    """A party's signature lines: seal or signature, representative, guardian, agent, and the date.

    A person signs once and has no representative line; the 监护人 of a minor signs below them; a
    委托代理人 signs below the party. The date line comes last. A name not given (a blank model
    text's) leaves the seal line empty, to write in.
    """
    d = party.designation
    if party.kind == "person":
        lines = [SignatureLine(f"{d}（签字）")]
        if party.guardian is not None:
            lines.append(SignatureLine(f"{d}监护人（签字）"))
    else:
        representative = "法定代表人（签字）" if party.agent is not None else "法定代表人或授权代表（签字）"
        name = party.name.text if party.name.kind == "value" else ""
        lines = [SignatureLine(f"{d}（盖章）", name), SignatureLine(representative)]
    if party.agent is not None:
        lines.append(SignatureLine("委托代理人（签字）"))
    return (*lines, SignatureLine("日期", date_text))


def signature_rows(contract: Contract) -> tuple[tuple[SignatureLine | None, ...], ...]:
    """The signature block as rows of cells, one column per party (甲方 left, 乙方 right).

    A shorter column gets empty cells (``None``) before its date line, so the two parties' date lines
    stay level when set side by side.
    """
    date_text = contract.sign_date_text or BLANK_DATE
    columns = [signature_lines(p, date_text) for p in contract.parties]
    if not columns:
        return ()
    height = max(len(c) for c in columns)
    padded = [(*c[:-1], *([None] * (height - len(c))), c[-1]) for c in columns]
    return tuple(zip(*padded, strict=True))


def acknowledgement_lines(contract: Contract) -> tuple[SignatureLine, ...]:
    """The customer's signature and date under the acknowledgement of the bold terms (none without one)."""
    if not contract.acknowledgement or not contract.parties:
        return ()
    customer = contract.parties[0]
    return (SignatureLine(f"{customer.designation}（签字确认）"),
            SignatureLine("日期", contract.sign_date_text or BLANK_DATE))


def document_date(contract: Contract) -> str | None:
    """The date stamped into file metadata: the signing date, else ``SOURCE_DATE_EPOCH``, else none.

    Never the wall clock, so rendering the same contract twice gives the same bytes.
    """
    if contract.sign_date is not None:
        return contract.sign_date.isoformat()
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        stamp = dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
        return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    return None


def _paragraph_runs(paragraphs: tuple[Paragraph, ...]) -> Iterator[Run]:
    for p in paragraphs:
        yield from p.runs


def all_runs(contract: Contract) -> Iterator[Run]:
    """Every run of the contract and its annexes, in reading order."""
    for party in contract.parties:
        yield party.name
        yield from (run for _, run in party.details)
    yield from _paragraph_runs(contract.preamble)
    for article in contract.articles:
        yield from _paragraph_runs(article.paragraphs)
        for clause in article.clauses:
            yield from _paragraph_runs(clause.paragraphs)
    for annex in contract.annexes:
        yield from _paragraph_runs(annex.intro)
        for section in annex.sections:
            yield from _paragraph_runs(section.paragraphs)


def blank_labels(contract: Contract) -> tuple[str, ...]:
    """The labels of the blanks left in a draft, in reading order, each once."""
    labels = (r.raw or r.var or r.text for r in all_runs(contract) if r.kind == "blank")
    return tuple(dict.fromkeys(labels))


def contract_number(contract: Contract) -> str:
    """``合同编号：…`` — with a space to write in for a blank model text; empty without a number."""
    number = contract.contract_no or (BLANK_LINE if contract.blank else "")
    return f"合同编号：{number}" if number else ""


def sign_place(contract: Contract) -> str:
    """``签订地点：…`` — with a space to write in for a blank model text; empty without a place."""
    place = contract.sign_place or (BLANK_LINE if contract.blank else "")
    return f"签订地点：{place}" if place else ""


def document_title(contract: Contract, annex: Annex | None) -> str:
    """The title in the file's metadata: the contract's, or ``合同标题　附件一：…`` for an annex alone."""
    return f"{contract.title}　{annex.heading}" if annex is not None else contract.title


def document_keywords(contract: Contract) -> tuple[str, ...]:
    """The keywords in the file's metadata: the industry, 合同, the contract number, 草稿 for a draft."""
    keywords = [contract.industry_name, "合同"]
    if contract.contract_no:
        keywords.append(contract.contract_no)
    if contract.draft:
        keywords.append("草稿")
    return tuple(keywords)


def draft_notice(contract: Contract) -> str:
    """The notice at the top of a draft's first page: not for signing, and which blanks are left."""
    labels = blank_labels(contract)
    notice = "草稿：本文本尚未定稿，不得作为正式合同签署。"
    if labels:
        notice += f"尚有 {len(labels)} 处待填写：{'、'.join(labels)}。"
    return notice
