"""行业: the industries with their titles, roles and annexes; the way into a new contract, and each
industry's blank model text (空白示范文本) to print and fill in by hand."""

from __future__ import annotations

import io

from flask import Blueprint, abort, current_app, render_template, send_file
from flask.typing import ResponseReturnValue

from ..documents import library, pdf_settings

bp = Blueprint("industries", __name__)
BLANK_FORMATS = {"pdf": "application/pdf",
                 "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


@bp.get("/")
def index() -> str:
    lib = library()
    rows = [(ind, [lib.annex[a].title for a in ind.annexes if a in lib.annex]) for ind in lib.industries]
    return render_template("industries.html", rows=rows)


@bp.get("/industries/<industry>/blank.<fmt>")
def blank(industry: str, fmt: str) -> ResponseReturnValue:
    """The industry's model text with its annexes in one file, as ``build --blank INDUSTRY --bundle`` writes it."""
    lib = library()
    if industry not in lib.industry or fmt not in BLANK_FORMATS:
        abort(404)
    name = f"{lib.industry[industry].title}（空白示范文本）.{fmt}"
    return send_file(io.BytesIO(_blank_text(industry, fmt)), mimetype=BLANK_FORMATS[fmt], as_attachment=True,
                     download_name=name)


def _blank_text(industry: str, fmt: str) -> bytes:
    """Rendered once per library in force: a model text holds no one's data, and a PDF takes a second.
    A company layer coming into force is a new library object, so its texts are rendered anew."""
    from ...compose import compose, industry_spec
    from ...render import RenderOptions, render

    lib = library()
    cache = current_app.extensions.setdefault("contractgen.blank", {})
    key = (industry, fmt)
    held = cache.get(key)
    if held is None or held[0] is not lib:
        contract = compose(industry_spec(industry), lib, blank=True)
        held = cache[key] = (lib, render(contract, fmt, RenderOptions(bundle=True, pdf_engine=pdf_settings()["pdf_engine"])))
    return held[1]
