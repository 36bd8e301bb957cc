"""The PDF renderer: the HTML document printed by WeasyPrint with the shipped stylesheet.

Owns the process's WeasyPrint engine (one ``FontConfiguration``, the stylesheet compiled once with
the compact fonts of ``fonts.py``, one URL fetcher), made on first use and reused for every
document: that is what keeps a warm render fast. WeasyPrint may read nothing but the package's own
assets and those font files: the fetcher refuses every other URL and a refusal stops the render.
Output is deterministic: the dates come from the contract (``_common.document_date``), never the
clock, and the file carries no ``/ID``: the identifier is optional in PDF 1.7, and pydyf computes it
by compressing every stream a second time (about 30 ms, 8% of a contract's PDF). PDF/A
(``RenderOptions.pdf_standard``) is WeasyPrint's own ``pdf_variant``: XMP metadata, an sRGB output
intent and the ``/ID`` the standard requires.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import mimetypes
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from .. import signals
from ..errors import ContractgenError
from ..model import Contract
from . import RenderOptions
from .fonts import compact_faces, font_face_rules
from .html import ASSETS_DIR, document_html, stylesheet_text


class FetchRefused(ContractgenError):
    """The document asked for a resource outside the package's assets (a file, a web address)."""


class AssetsOnlyFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves files under one folder and a few named files, nothing else.

    ``fail_on_errors`` makes WeasyPrint stop on a refusal instead of printing without the resource:
    a contract that silently lost part of itself is worse than no contract.
    """

    def __init__(self, root: Path, files: Iterable[Path] = ()) -> None:
        super().__init__(fail_on_errors=True, allowed_protocols=("file",))
        self.root = root.resolve()
        self.files = frozenset(f.resolve() for f in files)

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        path = asset_path(url, self.root, self.files)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})


def asset_path(url: str, root: Path, files: frozenset[Path] = frozenset()) -> Path:
    """The file a ``file:`` URL names when it lies inside ``root`` or is one of ``files``; ``FetchRefused`` otherwise."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        raise FetchRefused(f"refused to fetch {url!r}: only the package's own assets may be read")
    # resolve() follows symlinks and '..', so nothing can point outside the folder.
    path = Path(unquote(parts.path)).resolve()
    if not (path.is_relative_to(root) or path in files) or not path.is_file():
        raise FetchRefused(f"refused to fetch {url!r}: not a file in {root}")
    return path


@dataclass(frozen=True)
class Engine:
    """What every PDF render reuses."""

    font_config: FontConfiguration
    css: CSS
    fetcher: AssetsOnlyFetcher
    base_url: str


@functools.cache
def engine() -> Engine:
    """The process's WeasyPrint engine, made on the first PDF render."""
    faces = compact_faces()
    fetcher = AssetsOnlyFetcher(ASSETS_DIR, files=(face.path for face in faces))
    base_url = ASSETS_DIR.as_uri() + "/"
    font_config = FontConfiguration()
    # WeasyPrint's folder of @font-face files is removed by its __del__, which a batch's worker never
    # runs (it ends with os._exit): remove it at exit either way.
    signals.remove_at_exit(lambda: font_config._folder)
    css = CSS(string=font_face_rules(faces) + stylesheet_text(), base_url=base_url, url_fetcher=fetcher,
              font_config=font_config)
    return Engine(font_config, css, fetcher, base_url)


@contextlib.contextmanager
def fewer_collections(threshold: int = 50_000) -> Iterator[None]:
    """Run the cyclic garbage collector less often while WeasyPrint works.

    WeasyPrint allocates over a million short-lived objects per contract; at CPython's default
    generation-0 threshold (700) the collector runs thousands of times per document, each time also
    walking the surviving objects. Raising the threshold for the render saves ~7 % of a PDF's time;
    the garbage is still collected, in fewer, larger passes.
    """
    old = gc.get_threshold()
    gc.set_threshold(max(old[0], threshold), *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


def render_pdf(contract: Contract, options: RenderOptions) -> bytes:
    """The contract (or one annex, or the contract with its annexes) as PDF bytes."""
    eng = engine()
    document = document_html(contract, options, for_print=True)
    html = HTML(string=document, base_url=eng.base_url, url_fetcher=eng.fetcher)
    try:
        with fewer_collections():
            pdf = html.write_pdf(stylesheets=[eng.css], font_config=eng.font_config,
                                 pdf_variant=f"pdf/{options.pdf_standard}" if options.pdf_standard else None)
    except FatalURLFetchingError as exc:
        cause = exc.__cause__
        raise FetchRefused(str(cause) if cause is not None else str(exc)) from exc
    assert isinstance(pdf, bytes)
    return pdf
