"""The HTML renderer, and the one HTML document the PDF is printed from.

Owns the Jinja2 environment and the shipped template and stylesheet (``assets/``). The HTML file is
self-contained (the stylesheet inlined); the PDF renderer asks for the same document without the
inline stylesheet and applies the same CSS compiled once. Every value is autoescaped text.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .. import __version__
from ..model import Annex, Contract
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

ASSETS_DIR = Path(__file__).resolve().parent / "assets"
"""The template and stylesheet shipped inside the package; the only files the PDF may read."""

TEMPLATE = "contract.html.j2"
STYLESHEET = "contract.css"
WATERMARK = "draft-watermark.svg"

@functools.cache
def environment() -> jinja2.Environment:
    """The process's one Jinja2 environment (created on first use, templates compiled once)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(ASSETS_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters["numsep"] = number_separator
    return env


@functools.cache
def watermark_svg() -> str:
    """The draft watermark: 草稿 as outlines, drawn inline (no text layer, nothing to fetch)."""
    return (ASSETS_DIR / WATERMARK).read_text(encoding="utf-8")


@functools.cache
def stylesheet_text() -> str:
    """The shipped print stylesheet, shared by the HTML file and the PDF."""
    return (ASSETS_DIR / STYLESHEET).read_text(encoding="utf-8")


def _metadata(contract: Contract, annex: Annex | None) -> dict[str, str | None]:
    return {
        "title": document_title(contract, annex),
        "subject": contract.industry_name,
        # WeasyPrint splits keywords on commas; keep them free of commas.
        "keywords": ", ".join(k.replace(",", " ") for k in document_keywords(contract)),
        "generator": f"contractgen {__version__}",
        "date": document_date(contract),
    }


def document_html(contract: Contract, options: RenderOptions, *, for_print: bool = False) -> str:
    """The document as one HTML string.

    The HTML file embeds the stylesheet, marks every value (``<span class="v" data-var=…>``) and gives
    articles, clauses and annexes ids; ``for_print`` leaves all three out, for the PDF renderer,
    which applies the compiled stylesheet.
    """
    annex = find_annex(contract, options.part) if options.part is not None else None
    context: dict[str, Any] = {
        "contract": contract,
        "annex": annex,
        "bundle_annexes": contract.annexes if options.bundle and annex is None else (),
        "signature_rows": signature_rows(contract),
        "acknowledgement_lines": acknowledgement_lines(contract),
        "draft_notice": draft_notice(contract) if contract.draft else "",
        "contract_number": contract_number(contract),
        "sign_place": sign_place(contract),
        "meta": _metadata(contract, annex),
        # The stylesheet and the watermark are our own shipped files, not user text: they may go
        # in unescaped.
        "css": None if for_print else Markup(stylesheet_text()),
        "watermark": Markup(watermark_svg()) if contract.draft else "",
        "screen": not for_print,
    }
    return environment().get_template(TEMPLATE).render(context)


def render_html(contract: Contract, options: RenderOptions) -> str:
    """The contract as one self-contained HTML page that looks like the PDF."""
    return document_html(contract, options)


def render_html_bytes(contract: Contract, options: RenderOptions) -> bytes:
    """``render_html`` as UTF-8 bytes (the registry's HTML renderer)."""
    return render_html(contract, options).encode("utf-8")
