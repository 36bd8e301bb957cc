"""The 未经审核 (not reviewed) mark on a finished PDF: stamped onto a copy of every page at download.

A contract's PDF is stored as ``build`` writes it, so an approved contract's file is byte-identical
to a normal build of the same spec. Until a reviewer approves it, the register hands out a copy with
a red stamp in every page's top margin (real text, so it prints, survives copying and is found by a
search): the stamp is one page drawn by WeasyPrint with the contract's own fonts, laid over each
page by pikepdf. The same PDF always gives the same marked bytes.
"""

from __future__ import annotations

import functools
import io

MARK = "未经审核"
NAME = "/CgUnreviewed"
NOTICE = "本文本尚未经审核律师批准，不得作为正式合同签署。"
_STAMP = f"""<!doctype html><html><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 0; }}
html, body {{ margin: 0; background: transparent; }}
.stamp {{ position: absolute; top: 0.55cm; right: 1.2cm; border: 1.5pt solid #b00000; color: #b00000;
  padding: 1pt 6pt; text-align: right; }}
.stamp b {{ font-family: "contractgen Sans SC", sans-serif; font-weight: bold; font-size: 13pt; letter-spacing: 2pt; }}
.stamp span {{ display: block; font-family: "contractgen Serif SC", serif; font-size: 7pt; }}
</style></head><body><div class="stamp"><b>{MARK}</b><span>{NOTICE}</span></div></body></html>"""


@functools.cache
def _stamp_pdf() -> bytes:
    from weasyprint import CSS, HTML

    from .fonts import compact_faces, font_face_rules
    from .pdf import engine

    eng = engine()  # its fetcher reads only the package's assets and the compact fonts
    fonts = CSS(string=font_face_rules(compact_faces()), base_url=eng.base_url, url_fetcher=eng.fetcher,
                font_config=eng.font_config)
    return HTML(string=_STAMP, base_url=eng.base_url, url_fetcher=eng.fetcher).write_pdf(
        stylesheets=[fonts], font_config=eng.font_config)


def mark_unreviewed(pdf: bytes) -> bytes:
    """A copy of ``pdf`` with the 未经审核 stamp on every page (top right, whatever the page's size)."""
    import pikepdf

    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(_stamp_pdf())) as stamp, pikepdf.open(io.BytesIO(pdf)) as document:
        source = stamp.pages[0]
        form = document.copy_foreign(source.as_form_xobject())
        _x0, _y0, width, height = (float(v) for v in source.mediabox)
        for page in document.pages:
            # A fixed resource name (pikepdf's own overlay picks a random one: the bytes would differ).
            page.obj.Resources = page.obj.get("/Resources", pikepdf.Dictionary())
            resources = page.obj.Resources
            resources.XObject = resources.get("/XObject", pikepdf.Dictionary())
            resources.XObject[NAME] = form
            _px0, _py0, right, top = (float(v) for v in page.mediabox)
            page.contents_add(pikepdf.Stream(document, b"q\n"), prepend=True)
            place = f"Q q 1 0 0 1 {right - width:.2f} {top - height:.2f} cm {NAME} Do Q\n".encode()
            page.contents_add(pikepdf.Stream(document, place))
        document.save(out, deterministic_id=True, compress_streams=True)
    return out.getvalue()
