"""行业: the industries with their titles, roles and annexes; the way into a new contract."""

from __future__ import annotations

from flask import Blueprint, render_template

from ..documents import library

bp = Blueprint("industries", __name__)


@bp.get("/")
def index() -> str:
    lib = library()
    rows = [(ind, [lib.annex[a].title for a in ind.annexes if a in lib.annex]) for ind in lib.industries]
    return render_template("industries.html", rows=rows)
