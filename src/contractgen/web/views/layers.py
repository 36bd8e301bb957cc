"""条款库层: a company's own layer of the library, uploaded by an admin as a ZIP, linted, shown as the
clause redline against the layer in force, and in force once a reviewer approves it (``register.layers``).

The redline is the diff module's, between the library as it is (shipped + the server's layers + the
company layer in force) and as it would be with the uploaded layer instead; it is rendered as its
own document (``document_policy``), and escapes every text of the layer like any other redline.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from ...diff import ChangeSet, diff_libraries
from ...errors import InputError, UsageError
from ...i18n import text
from ...redline import render as render_redline
from ...register.layers import decide, get_layer, library_with, list_layers, submit
from ..documents import register, server_layers
from ..security import address, current_user, document_policy

bp = Blueprint("layers", __name__, url_prefix="/layers")
UNPROCESSABLE = 422


def _index(status: int = 200, problems: list[str] | None = None):
    return render_template("layers.html", layers=list_layers(register()), problems=problems or []), status


@bp.get("")
def index():
    return _index()


@bp.post("")
def upload():
    upload_ = request.files.get("layer")
    if upload_ is None or not upload_.filename:
        flash(text("web.layers.missing"), "error")
        return _index(400)
    try:
        layer = submit(register(), upload_.read(), upload_.filename, server_layers=server_layers(),
                       actor=current_user(), address=address())
    except InputError as exc:
        return _index(UNPROCESSABLE, [str(p) for p in exc.problems])
    flash(text("web.layers.uploaded", name=layer.name), "ok")
    return redirect(url_for(".show", layer_id=layer.id))


def _layer(layer_id: int):
    layer = get_layer(register(), layer_id)
    if layer is None:
        abort(404)
    return layer


def _changes(layer) -> ChangeSet:
    base = get_layer(register(), layer.base_id) if layer.base_id else None
    old = library_with(register(), server_layers(), base)
    new = library_with(register(), server_layers(), layer)
    return diff_libraries(old, new, base.name if base else text("web.layers.none-in-force"), layer.name)


@bp.get("/<int:layer_id>")
def show(layer_id: int) -> str:
    layer = _layer(layer_id)
    base = get_layer(register(), layer.base_id) if layer.base_id else None
    return render_template("layer.html", layer=layer, base=base, changes=_changes(layer))


@bp.get("/<int:layer_id>/redline.html")
def redline(layer_id: int) -> Response:
    return document_policy(Response(render_redline(_changes(_layer(layer_id)), "html"), mimetype="text/html"))


def _decide(layer_id: int, approve: bool) -> WerkzeugResponse:
    layer = _layer(layer_id)
    try:
        done = decide(register(), layer.id, approve=approve, reviewer=current_user(),
                      comment=request.form.get("comment", ""), address=address())
    except UsageError as exc:
        flash(str(exc), "error")
        return redirect(url_for(".show", layer_id=layer.id))
    current_app.logger.info("library layer %s %s by %s", done.name, done.status, done.reviewed_by)
    flash(text(f"web.layers.done-{done.status}", name=done.name), "ok")
    return redirect(url_for(".show", layer_id=layer.id))


@bp.post("/<int:layer_id>/approve")
def approve(layer_id: int) -> WerkzeugResponse:
    return _decide(layer_id, True)


@bp.post("/<int:layer_id>/reject")
def reject(layer_id: int) -> WerkzeugResponse:
    return _decide(layer_id, False)
