"""The second PDF engine: the contract laid out by Typst, compiled in this process.

Owns the data the Typst template (``assets/contract.typ``) reads, and the process's Typst compilers.
The template is fixed; the contract reaches it only as JSON in ``sys.inputs`` (written here from the
model, never from HTML), and the template shows every string as text: a value holding ``#``, ``$``,
``*``, ``]``, ``\\`` or ``#import`` prints as it is, nothing from a spec is ever evaluated. Typst may
read only the assets folder (its project root); it has no packages and no network.

A compiler is made on first use and reused for every render (its fonts loaded and the template
parsed once; Typst caches layout between compilations). Fonts: the compact GB 2312 faces under the
stylesheet's names (``fonts.typst_font_folder``), so Typst needs no system font scan; a document
holding a character outside them (a rare 汉字 in a name) is compiled by a second compiler that also
sees the system's fonts, whose full Noto faces print it. Output is deterministic: the dates come
from the contract (``_common.document_date``), never the clock.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typst

from ..model import Annex, Clause, Contract, Paragraph, Run
from . import RenderOptions
from ._common import (
    acknowledgement_lines,
    contract_number,
    document_date,
    document_keywords,
    document_title,
    draft_notice,
    find_annex,
    number_separator,
    sign_place,
    signature_rows,
)
from .fonts import typst_font_coverage, typst_font_folder

ASSETS_DIR = Path(__file__).resolve().parent / "assets"
"""The package's own assets: the only folder Typst may read (not imported from ``html``: no Jinja2 here)."""
TEMPLATE = ASSETS_DIR / "contract.typ"

# --- the document as data ----------------------------------------------------------------------

def _runs(runs: Iterable[Run], prefix: str = "") -> list[Any]:
    """Runs as the template's items: strings (merged), ``{"blank": label, "w": em}`` gaps and
    ``{"keep": text}`` that no line break may split (``{"b": …}`` is bold)."""
    items: list[Any] = [prefix] if prefix else []
    for run in runs:
        if run.kind == "blank":
            items.append({"blank": run.raw or run.text, "w": max(run.width, 5)})
        elif run.kind == "option":  # the box never ends a line without the option it ticks
            items += [{"keep": run.text[:2]}, run.text[2:]]
        elif items and isinstance(items[-1], str):
            items[-1] += run.text
        else:
            items.append(run.text)
    return items


# Two differences between Typst's lines and WeasyPrint's (Pango's), which would drift the engines'
# lines and pages apart. Typst sets a full-width bracket at a line's start or end at half its width
# (GB/T 15834; the template's CNS style keeps ，。 whole, but not brackets), fitting half a character
# more on the line; and it breaks before “ and after ” next to a 汉字, which Pango's line breaking (older
# Unicode rules) never does. So a closing bracket is followed by a hair space, and an opening bracket
# with what may not be parted from it, or a quote with its neighbours, is kept in a box between hair
# spaces: for Typst none of them is then a line's edge, and quotes break where Pango breaks them.
_QUOTES = "“‘”’"
_CLOSING = "》）』」】〗〕〉］｝"
_OPENING = "《（『「【〖〔〈［｛"
_EDGE = re.compile(f"([^{_QUOTES}]?(?:[{_QUOTES}]+[^{_QUOTES}]?)+"
                   f"|[{_OPENING}]+(?:[0-9A-Za-z]+|[^{_OPENING}{_CLOSING}{_QUOTES}])?)|([{_CLOSING}]+)")


def _edges(text: str) -> list[Any]:
    """``text`` as strings, ``{"keep": …}`` (an opening bracket and the character or word it leads, or a
    quote and its neighbours) and ``{"close": …}`` (closing brackets) items."""
    items: list[Any] = []
    end = 0
    for m in _EDGE.finditer(text):
        keep, closing = m.groups()
        items += [text[end:m.start()]] if m.start() > end else []
        items.append({"keep": keep} if keep else {"close": closing})
        end = m.end()
    return items + ([text[end:]] if end < len(text) else [])


def _set(items: list[Any]) -> list[Any]:
    """Runs ready for Typst: their strings, bold ones too, split at full-width brackets and quotes."""
    out: list[Any] = []
    for item in items:
        if isinstance(item, str):
            out += _edges(item)
        elif "b" in item:
            out.append({"b": _edges(item["b"])})
        else:
            out.append(item)
    return out


def _paragraph(p: Paragraph) -> dict[str, Any]:
    if p.runs and p.runs[0].kind == "line":
        return {"k": "line"}
    prefix = p.number + number_separator(p.number) if p.number else ""
    return {"k": "p", "runs": _set(_runs(p.runs, prefix))}


def _paragraphs(paragraphs: Iterable[Paragraph]) -> Iterator[dict[str, Any]]:
    """The paragraphs as blocks; one followed by an empty line to write on is ``sticky``: the 补充条款's
    lead and lines stay on one page."""
    blocks = [_paragraph(p) for p in paragraphs]
    for i, block in enumerate(blocks):
        yield dict(block, sticky=True) if blocks[i + 1:i + 2] == [{"k": "line"}] else block


def _clause(clause: Clause) -> dict[str, Any]:
    """A clause: ``2.1 评价方式 text…`` on its first line when it starts with running text; a standard
    term all in bold."""
    return {"k": "clause", "body": list(_clause_paragraphs(clause)), "bold": clause.prominent}


def _clause_paragraphs(clause: Clause) -> Iterator[dict[str, Any]]:
    head: list[Any] = [clause.number]
    if clause.title:
        head += [number_separator(clause.number), {"b": clause.title}]
    paragraphs = clause.paragraphs
    if paragraphs and not paragraphs[0].number:
        head.append(" " if clause.title else number_separator(clause.number))
        yield {"k": "p", "runs": _set(_merge(head + _runs(paragraphs[0].runs)))}
        paragraphs = paragraphs[1:]
    else:
        yield {"k": "p", "runs": _set(_merge(head))}
    yield from _paragraphs(paragraphs)


def _merge(items: list[Any]) -> list[Any]:
    merged: list[Any] = []
    for item in items:
        if isinstance(item, str) and merged and isinstance(merged[-1], str):
            merged[-1] += item
        elif item != "":
            merged.append(item)
    return merged


def _contract_body(contract: Contract) -> list[dict[str, Any]]:
    blocks = list(_paragraphs(contract.preamble))
    for article in contract.articles:
        blocks.append({"k": "article", "text": f"{article.number} {article.title}"})
        blocks += (dict(p, bold=True) if article.prominent else p for p in _paragraphs(article.paragraphs))
        blocks += (_clause(clause) for clause in article.clauses)
    return blocks


def _annex(contract: Contract, annex: Annex, standalone: bool) -> dict[str, Any]:
    of = None
    if standalone:
        of = f"《{contract.title}》附件" + (f"　{contract_number(contract)}" if contract_number(contract) else "")
    body = list(_paragraphs(annex.intro))
    for section in annex.sections:
        body.append({"k": "section", "text": section.heading})
        body += _paragraphs(section.paragraphs)
    if annex.form is not None:
        f = annex.form
        body.append({"k": "form", "fields": list(f.fields), "scale": list(f.scale),
                     "groups": [{"title": g.title, "items": list(g.items)} for g in f.groups],
                     "comments": list(f.comments), "signatures": list(f.signatures)})
    return {"heading": annex.heading, "standalone": standalone, "of": of, "body": body}


def _signatures(contract: Contract) -> dict[str, Any]:
    rows = [[None if cell is None else f"{cell.label}：{cell.value}" for cell in row]
            for row in signature_rows(contract)]
    ack = None
    if contract.acknowledgement:
        ack = {"text": [_set(_runs(p.runs)) for p in contract.acknowledgement],
               "sign": [f"{line.label}：{line.value}" for line in acknowledgement_lines(contract)]}
    return {"rows": rows, "place": sign_place(contract) or None, "ack": ack}


def _date(contract: Contract) -> dict[str, int] | None:
    """The metadata date as ``datetime(..)`` arguments: the signing date or ``SOURCE_DATE_EPOCH``."""
    text = document_date(contract)
    if text is None:
        return None
    if "T" not in text:
        day = dt.date.fromisoformat(text)
        stamp = dt.datetime(day.year, day.month, day.day)
    else:
        stamp = dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")
    return {"year": stamp.year, "month": stamp.month, "day": stamp.day,
            "hour": stamp.hour, "minute": stamp.minute, "second": stamp.second}


def document_data(contract: Contract, options: RenderOptions) -> dict[str, Any]:
    """What the template lays out: the contract (or one annex, or the contract and its annexes)."""
    annex = find_annex(contract, options.part) if options.part is not None else None
    number = contract_number(contract) or None
    data: dict[str, Any] = {
        "meta": {"title": document_title(contract, annex), "subject": contract.industry_name,
                 "keywords": list(document_keywords(contract)), "date": _date(contract)},
        "header": {"title": annex.heading if annex is not None else contract.title, "number": number or ""},
        "draft": contract.draft,
        "notice": draft_notice(contract) if contract.draft else None,
        "contract": None,
        "annexes": [],
    }
    if annex is not None:
        data["annexes"] = [_annex(contract, annex, standalone=True)]
        return data
    instructions = contract.instructions
    data["contract"] = {
        "instructions": None if instructions is None else {"heading": instructions.heading,
                                                           "body": list(_paragraphs(instructions.paragraphs))},
        "title": contract.title, "number": number,
        "parties": [{"name": _set(_runs([party.name], f"{party.designation}（{party.label}）：")),
                     "details": [_set(_runs([run], f"{label}：")) for label, run in party.details]}
                    for party in contract.parties],
        "body": _contract_body(contract),
        "signatures": _signatures(contract),
    }
    if options.bundle:
        data["annexes"] = [_annex(contract, a, standalone=False) for a in contract.annexes]
    return data


# --- compiling -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Engine:
    """A Typst compiler and the lock that keeps it to one compilation at a time (it is not reentrant)."""

    compiler: typst.Compiler
    lock: threading.Lock


@functools.cache
def engine(system_fonts: bool) -> Engine:
    """The process's compiler: the compact faces only, or (``system_fonts``) the system's fonts as well."""
    folder = typst_font_folder()
    folders = [str(folder)] if folder is not None else []
    fonts = typst.Fonts(include_system_fonts=system_fonts or folder is None, include_embedded_fonts=False,
                        font_paths=folders)
    return Engine(typst.Compiler(str(TEMPLATE), root=str(ASSETS_DIR), font_paths=fonts), threading.Lock())


@functools.cache
def _printable_with_compact_faces() -> frozenset[str]:
    # The template's own characters (☐ comes from DejaVu Sans, in the folder) and JSON's white space.
    return typst_font_coverage() | frozenset("\n\t\r")


def _needs_system_fonts(text: str) -> bool:
    """True when the document holds a character the compact faces lack (a rare 汉字 the full fonts have)."""
    return typst_font_folder() is None or not _printable_with_compact_faces().issuperset(text)


def render_pdf(contract: Contract, options: RenderOptions) -> bytes:
    """The contract (or one annex, or the contract with its annexes) as PDF bytes, laid out by Typst."""
    # Typst names the PDF/A profiles as --pdf-standard does (``a-2b``); render() has checked the name.
    standards = [options.pdf_standard] if options.pdf_standard else []
    data = json.dumps(document_data(contract, options), ensure_ascii=False, separators=(",", ":"))
    eng = engine(_needs_system_fonts(data))
    with eng.lock:
        # Untagged, like WeasyPrint's PDF (and ~40 % faster); warnings (a font family this
        # machine lacks further down the list) change nothing in the file.
        pdf, _warnings = eng.compiler.compile_with_warnings(
            format="pdf", sys_inputs={"contract": data}, pdf_standards=standards, pdf_tags=False)
    assert isinstance(pdf, bytes)
    return relabel_language(pdf)


# The template sets its text as zh-TW only for Typst's punctuation widths (see contract.typ); the
# file says what it is: zh-CN, in the catalogue and the XMP metadata. Same length, so no offset moves.
_LANGUAGE_LABELS = ((b"/Lang(zh-TW)", b"/Lang(zh-CN)"), (b"<rdf:li>zh-TW</rdf:li>", b"<rdf:li>zh-CN</rdf:li>"))


def relabel_language(pdf: bytes) -> bytes:
    """``pdf`` labelled Simplified Chinese (zh-CN) where Typst wrote the template's zh-TW."""
    for old, new in _LANGUAGE_LABELS:
        pdf = pdf.replace(old, new)
    return pdf

