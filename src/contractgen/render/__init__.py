"""Renderers: each turns one composed ``Contract`` into bytes of one format, and nothing else.

Renderers read only the model (never the library or the spec) and never write files; ``build``
writes their output. They are registered in ``RENDERERS``; heavy libraries (python-docx, WeasyPrint)
are imported only inside the renderer that needs them, so a DOCX-only build never loads WeasyPrint.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError
from ..i18n import msg
from ..model import Contract


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """What to render and how."""

    part: str | None = None
    """``None`` for the contract itself, or an annex id to render that annex alone."""
    bundle: bool = False
    """Append every annex to the contract (each on a new page, headed 附件一 …)."""
    reference_docx: Path | None = None
    """A company's own DOCX template (styles, letterhead) instead of the shipped one."""


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


def extension(fmt: str) -> str:
    """The file extension of a format."""
    return _REGISTRY[fmt][2]


def renderer(fmt: str) -> Renderer:
    """The render function of a format; an unknown format names the available ones."""
    try:
        module, func, _ = _REGISTRY[fmt]
    except KeyError:
        raise UsageError(msg("build.unknown-format", format=fmt, choices=FORMATS)) from None
    return getattr(importlib.import_module(f"{__name__}.{module}"), func)


def render(contract: Contract, fmt: str, options: RenderOptions | None = None) -> bytes:
    """Render the contract (or one annex, see ``RenderOptions.part``) in one format."""
    return renderer(fmt)(contract, options or RenderOptions())
