"""比较: two register entries, two drafts or two uploaded spec files → the HTML redline and the Word
tracked-changes DOCX, made by the diff and redline modules ``contractgen diff`` uses.

The two sides are named in the URL (``contract:3``, ``draft:5``, ``upload:<sha256>``), so a result
page can be reloaded and its downloads made again; an uploaded file is kept in the register's
content-addressed store under the hash of its bytes.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for

from ...diff import ChangeSet, diff_contracts
from ...errors import InputError
from ...i18n import text
from ...model import Contract
from ...redline import render as render_redline
from ...register.contracts import search
from ...register.drafts import get_draft, list_drafts
from ...spec import parse_spec
from ...specdata import from_spec
from ..documents import contract_of, keep_upload, log_download, register, uploaded, visible_contract
from ..security import current_user, document_policy, scope

bp = Blueprint("compare", __name__, url_prefix="/compare")
UNPROCESSABLE = 422


def _choices() -> dict:
    return {"contracts": search(register(), scope=scope()), "drafts": list_drafts(register(), current_user())}


@bp.get("")
def index() -> str:
    return render_template("compare.html", **_choices(), old=request.args.get("old", ""), new=request.args.get("new", ""))


@bp.post("")
def start():
    old, new = request.form.get("old", ""), request.form.get("new", "")
    files = [request.files.get("old_file"), request.files.get("new_file")]
    if all(f is not None and f.filename for f in files):
        old, new = (f"upload:{keep_upload(f.read(1_000_001))}" for f in files)
    if not old or not new:
        flash(text("web.compare-pick-two"), "error")
        return render_template("compare.html", **_choices(), old=old, new=new), 400
    try:
        _contract(old), _contract(new)
    except InputError as exc:
        for problem in exc.problems:
            flash(str(problem), "error")
        return render_template("compare.html", **_choices(), old=old, new=new), UNPROCESSABLE
    return redirect(url_for(".result", old=old, new=new))


def _label(ref: str) -> str:
    kind, _, key = ref.partition(":")
    if kind == "contract" and (entry := visible_contract(key)):
        return entry.contract_no
    if kind == "draft" and key.isdigit() and (draft := get_draft(register(), int(key), current_user())):
        return text("web.draft-label", title=draft.title)
    if kind == "upload" and uploaded(key):
        return text("web.upload-label", sha=key[:8])
    abort(404)


def _contract(ref: str) -> Contract:
    """The composed contract a reference names (drafts and uploads may still have blanks)."""
    kind, _, key = ref.partition(":")
    if kind == "contract" and (entry := visible_contract(key)):
        return contract_of(entry.spec, draft=False, display=f"{entry.contract_no}.yaml")
    if kind == "draft" and key.isdigit() and (draft := get_draft(register(), int(key), current_user())):
        return contract_of(draft.spec, draft=True, display=draft.title)
    if kind == "upload" and uploaded(key):
        try:
            data = register().store.get(key)
        except (ValueError, FileNotFoundError):
            abort(404)
        name = _label(ref)
        return contract_of(from_spec(parse_spec(data, name)), draft=True, display=name)
    abort(404)


def _changes(old: str, new: str) -> ChangeSet:
    try:
        return diff_contracts(_contract(old), _contract(new), _label(old), _label(new))
    except InputError:
        abort(UNPROCESSABLE)


@bp.get("/result")
def result() -> str:
    old, new = request.args.get("old", ""), request.args.get("new", "")
    changes = _changes(old, new)
    return render_template("compare_result.html", old=old, new=new, old_label=_label(old), new_label=_label(new),
                           changes=changes)


@bp.get("/redline.html")
def redline_html() -> Response:
    changes = _changes(request.args.get("old", ""), request.args.get("new", ""))
    return document_policy(Response(render_redline(changes, "html"), mimetype="text/html"))


@bp.get("/redline.docx")
def redline_docx() -> Response:
    old, new = request.args.get("old", ""), request.args.get("new", "")
    changes = _changes(old, new)
    data = render_redline(changes, "docx", author=current_user() or "contractgen")
    log_download(f"{_label(old)} → {_label(new)}", "redline.docx", old=old, new=new)
    response = Response(data, mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response.headers["Content-Disposition"] = 'attachment; filename="redline.docx"'
    return response
