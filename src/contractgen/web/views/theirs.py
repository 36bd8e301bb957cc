"""比较 › 对方修改稿: the Word file the other side sent back, against the register entry it came from.

The page face of ``contractgen compare``: their DOCX is read by ``compare.reader`` (within its caps,
never followed or run), the standard is the register entry's contract composed from its spec, and the
result is the deviation report, the DOCX redline and the JSON that the CLI writes, from the same
``compare`` package. Their file is kept in the register's content-addressed store under the hash of
its bytes, so the result page and its downloads are named by the URL alone
(``?standard=contract:3&theirs=<sha256>&changes=show``) and can be reloaded.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for

from ...compare.outputs import HIGH, render
from ...compare.reader import MAX_FILE_BYTES, THEIR_CHANGES, read_returned
from ...compare.report import compare_returned
from ...errors import InputError
from ...i18n import text
from ...register.contracts import search
from ..documents import contract_of, keep_upload, log_download, register, uploaded, visible_contract
from ..security import current_user, document_policy, scope

bp = Blueprint("theirs", __name__, url_prefix="/compare/theirs")
UNPROCESSABLE = 422
POLICIES = ("show", *(p for p in THEIR_CHANGES if p != "show"))  # the default first
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _form(standard: str = "", changes: str = "show", status: int = 200) -> tuple[str, int]:
    return render_template("theirs.html", contracts=search(register(), scope=scope()), standard=standard,
                           changes=changes if changes in THEIR_CHANGES else "show", policies=POLICIES), status


@bp.get("")
def index() -> tuple[str, int]:
    return _form(request.args.get("standard", ""), request.args.get("changes", "show"))


@bp.post("")
def start():
    standard, changes = request.form.get("standard", ""), request.form.get("changes", "show")
    upload = request.files.get("theirs")
    if not standard or upload is None or not upload.filename:
        flash(text("web.theirs.pick"), "error")
        return _form(standard, changes, 400)
    _entry(standard)  # an unknown entry is a 404 before their file is read or kept
    data = upload.read(MAX_FILE_BYTES + 1)
    try:
        read_returned(data, upload.filename, "show")  # not a Word file: said now, and nothing is kept
    except InputError as exc:
        for problem in exc.problems:
            flash(str(problem), "error")
        return _form(standard, changes, UNPROCESSABLE)
    sha256 = keep_upload(data)
    return redirect(url_for(".result", standard=standard, theirs=sha256, changes=changes))


def _entry(standard: str):  # type: ignore[no-untyped-def]
    kind, _, key = standard.partition(":")
    if kind == "contract" and (entry := visible_contract(key)):
        return entry
    abort(404)


def _comparison():  # type: ignore[no-untyped-def]
    """The register entry and the comparison the query names (404 for an unknown entry or file)."""
    entry = _entry(request.args.get("standard", ""))
    sha256, policy = request.args.get("theirs", ""), request.args.get("changes", "show")
    if policy not in THEIR_CHANGES or not uploaded(sha256):
        abort(404)
    try:
        data = register().store.get(sha256)
    except (ValueError, FileNotFoundError):
        abort(404)
    label = text("web.theirs.label", sha=sha256[:8])
    try:
        returned = read_returned(data, label, policy)  # type: ignore[arg-type]
        contract = contract_of(entry.spec, draft=False, display=f"{entry.contract_no}.yaml")
    except InputError:
        abort(UNPROCESSABLE)
    return entry, compare_returned(contract, returned, standard_label=entry.contract_no, their_label=label,
                                   policy=policy)  # type: ignore[arg-type]


def _logged(entry, what: str) -> None:  # type: ignore[no-untyped-def]
    log_download(entry.contract_no, what, contract_id=entry.id, theirs=request.args.get("theirs", "")[:16])


def _query() -> dict[str, str]:
    return {k: request.args.get(k, "") for k in ("standard", "theirs", "changes")}


@bp.get("/result")
def result() -> str:
    _, comparison = _comparison()
    return render_template("theirs_result.html", c=comparison, query=_query(),
                           high=sum(1 for d in comparison.deviations if d.category in HIGH))


@bp.get("/report.html")
def report_html() -> Response:
    return document_policy(Response(render(_comparison()[1], "html"), mimetype="text/html"))


@bp.get("/report.json")
def report_json() -> Response:
    entry, comparison = _comparison()
    response = Response(render(comparison, "json"), mimetype="application/json")
    _logged(entry, "deviations.json")
    response.headers["Content-Disposition"] = 'attachment; filename="deviations.json"'
    return response


@bp.get("/redline.docx")
def redline_docx() -> Response:
    entry, comparison = _comparison()
    data = render(comparison, "docx", author=current_user() or "contractgen")
    _logged(entry, "redline.docx")
    response = Response(data, mimetype=DOCX)
    response.headers["Content-Disposition"] = 'attachment; filename="redline.docx"'
    return response
