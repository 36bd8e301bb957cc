"""Renderers: each turns one composed ``Contract`` into bytes of one format, and nothing else.

Renderers read only the model (never the library or the spec) and never write files; ``build``
writes their output. They are registered in ``_REGISTRY``; heavy libraries (python-docx, WeasyPrint,
Typst) are imported only inside the renderer that needs them, so a DOCX-only build never loads WeasyPrint.
A PDF has two engines behind the one format, as pandoc has several: WeasyPrint prints the HTML
document, Typst lays out the model itself (``RenderOptions.pdf_engine``, ``PDF_ENGINES``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..i18n import msg
from ..model import Contract
from ._common import document_date


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """What to render and how."""

    part: str | None = None
    """``None`` for the contract itself, or an annex id to render that annex alone."""
    bundle: bool = False
    """Append every annex to the contract (each on a new page, headed 附件一 …)."""
    reference_docx: Path | None = None
    """A company's own DOCX template (styles, letterhead) instead of the shipped one."""
    pdf_engine: str = "weasyprint"
    """Which engine makes a PDF: one of ``PDF_ENGINES``."""
    pdf_standard: str | None = None
    """A PDF/A profile for archiving (``a-2b``, ``a-3b``; see ``PDF_STANDARDS``), or ``None`` for plain PDF."""


Renderer = Callable[[Contract, RenderOptions], bytes]

# format -> (module, function, file extension); modules are imported on first use.
_REGISTRY: dict[str, tuple[str, str, str]] = {
    "docx": ("docx", "render_docx", "docx"),
    "pdf": ("pdf", "render_pdf", "pdf"),
    "html": ("html", "render_html_bytes", "html"),
    "md": ("markdown", "render_markdown_bytes", "md"),
    "json": ("json", "render_json_bytes", "json"),
}

FORMATS: tuple[str, ...] = tuple(_REGISTRY)

# PDF engine -> (module, function, the extra that installs it); the "pdf" entry above is the default.
_PDF_ENGINES: dict[str, tuple[str, str, str | None]] = {
    "weasyprint": ("pdf", "render_pdf", None),
    "typst": ("typst_pdf", "render_pdf", "typst"),
}

PDF_ENGINES: tuple[str, ...] = tuple(_PDF_ENGINES)
DEFAULT_PDF_ENGINE = "weasyprint"

PDF_STANDARDS: dict[str, tuple[str, ...]] = {"a-2b": ("weasyprint", "typst"), "a-3b": ("weasyprint", "typst")}
"""Each PDF/A profile ``--pdf-standard`` offers, and the engines that write it."""


def extension(fmt: str) -> str:
    """The file extension of a format."""
    return _REGISTRY[fmt][2]


def check_pdf_options(engine: str, standard: str | None = None) -> None:
    """Refuse an unknown PDF engine or PDF/A profile, or one the engine cannot write, naming the choices."""
    if engine not in _PDF_ENGINES:
        raise UsageError(msg("render.pdf-engine-unknown", engine=engine, choices=PDF_ENGINES))
    if standard is not None and standard not in PDF_STANDARDS:
        raise UsageError(msg("render.pdf-standard-unknown", standard=standard, choices=tuple(PDF_STANDARDS)))
    if standard is not None and engine not in PDF_STANDARDS[standard]:
        raise UsageError(msg("render.pdf-standard-unsupported", engine=engine, standard=standard.upper(),
                             choices=PDF_STANDARDS[standard]))


def check_pdf_engine_installed(engine: str) -> None:
    """Refuse a PDF engine whose optional package is missing, saying how to install it, without
    loading the engine: a batch's parent only hands rows to its workers (WeasyPrint's import alone
    is about 0.7 s of CPU and 40 MB there)."""
    import importlib.util

    check_pdf_options(engine)
    extra = _PDF_ENGINES[engine][2]
    if extra is not None and importlib.util.find_spec(extra) is None:
        raise UsageError(msg("render.pdf-engine-missing", engine=engine, command=f"pip install 'contractgen[{extra}]'"))


def pdf_settings(formats: Sequence[str], engine: str | None, standard: str | None, *,
                 load: bool = True) -> dict[str, Any]:
    """The PDF engine (``None``: the default) and standard as render options, checked before any work,
    for ``build``, ``batch`` and ``serve`` alike: when PDFs are wanted, a missing engine says how to install
    it now, not after composing. ``load`` also loads the engine; a process that only hands work to others
    (a batch's parent, a server before its first request) checks that it is installed."""
    engine = engine or DEFAULT_PDF_ENGINE
    check_pdf_options(engine, standard)
    if "pdf" in formats:
        renderer("pdf", engine) if load else check_pdf_engine_installed(engine)
    return {"pdf_engine": engine, "pdf_standard": standard}


def renderer(fmt: str, pdf_engine: str = DEFAULT_PDF_ENGINE) -> Renderer:
    """The render function of a format (of a PDF engine for ``pdf``); an unknown one names the available ones.

    An engine whose optional package is missing says how to install it.
    """
    try:
        module, func, _ = _REGISTRY[fmt]
    except KeyError:
        raise UsageError(msg("build.unknown-format", format=fmt, choices=FORMATS)) from None
    extra = None
    if fmt == "pdf":
        check_pdf_options(pdf_engine)
        module, func, extra = _PDF_ENGINES[pdf_engine]
    try:
        loaded = importlib.import_module(f"{__name__}.{module}")
    except ModuleNotFoundError as exc:
        if extra is None or exc.name != extra:
            raise
        raise UsageError(msg("render.pdf-engine-missing", engine=pdf_engine,
                             command=f"pip install 'contractgen[{extra}]'")) from None
    return getattr(loaded, func)


def render(contract: Contract, fmt: str, options: RenderOptions | None = None) -> bytes:
    """Render the contract (or one annex, see ``RenderOptions.part``) in one format."""
    options = options or RenderOptions()
    if fmt == "pdf":
        check_pdf_options(options.pdf_engine, options.pdf_standard)
        if options.pdf_standard is not None and document_date(contract) is None:
            # An archived file must say when it was made; the clock would make every build differ.
            raise UsageError(msg("render.pdf-archive-needs-date"))
    return renderer(fmt, options.pdf_engine)(contract, options)
