"""合同台账: search the generated contracts, open one, download its files (one by one or as a ZIP), its
manifest and spec, and start a new draft from it (以此为模板新建); review it (批准, 退回 with a comment),
correct a returned one (修改后重新提交), and record it signed with the scan uploaded (已签署).

A drafter reaches only their own and their team's contracts (``scope``): any other id is a 404, as if
there were no such contract. Every download is in the audit trail: these files hold the parties'
personal information (《个人信息保护法》第五十一条). A PDF of a contract not yet approved comes with
the 未经审核 mark (``register.contracts.handed_out``).
"""

from __future__ import annotations

import datetime as dt
import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from ...errors import UsageError
from ...i18n import text
from ...register.contracts import Search, contract_zip, find_file, handed_out, search
from ...register.drafts import save_draft
from ...register.review import MAX_SCAN, STATUSES, approve, return_contract, scan_problem, sign
from ...specdata import to_yaml
from ..documents import library, log_download, register, visible_contract
from ..security import address, current_user, scope
from .contracts import yaml_download

bp = Blueprint("register", __name__, url_prefix="/register")
MIMETYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "pdf": "application/pdf", "html": "text/html", "md": "text/markdown", "json": "application/json"}


def _date(name: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.args.get(name, "").strip())
    except ValueError:
        return None


@bp.get("")
def index() -> str:
    status = request.args.get("status", "")
    query = Search(number=request.args.get("number", ""), party=request.args.get("party", ""),
                   date_from=_date("date_from"), date_to=_date("date_to"), status=status if status in STATUSES else "")
    return render_template("register.html", entries=search(register(), query, scope=scope()), query=query,
                           industries=library().industry, statuses=STATUSES)


def _entry(contract_id: int):
    """The contract, if the user may see it (else 404: another team's contract does not exist for them)."""
    entry = visible_contract(contract_id)
    if entry is None:
        abort(404)
    return entry


def _logged(entry, what: str) -> None:
    log_download(entry.contract_no, what, contract_id=entry.id, status=entry.status)


@bp.get("/<int:contract_id>")
def entry(contract_id: int) -> str:
    item = _entry(contract_id)
    return render_template("entry.html", entry=item, industries=library().industry, annexes=library().annex)


@bp.get("/<int:contract_id>/files/<path:path>")
def download(contract_id: int, path: str) -> Response:
    item = _entry(contract_id)
    stored = find_file(item, path)
    if stored is None:
        abort(404)
    name = f"{item.contract_no}-{path.replace('/', '-')}"
    data = handed_out(register(), item, stored)
    _logged(item, path)
    return _attachment(data, name, MIMETYPES.get(stored.format, "application/octet-stream"))


@bp.get("/<int:contract_id>/files.zip")
def download_zip(contract_id: int) -> Response:
    item = _entry(contract_id)
    data = contract_zip(register(), item)
    _logged(item, "files.zip")
    return _attachment(data, f"{item.contract_no}.zip", "application/zip")


@bp.get("/<int:contract_id>/manifest.json")
def manifest(contract_id: int) -> Response:
    item = _entry(contract_id)
    _logged(item, "manifest.json")
    data = (json.dumps(item.manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return _attachment(data, f"{item.contract_no}-manifest.json", "application/json")


@bp.get("/<int:contract_id>/spec.yaml")
def spec(contract_id: int) -> Response:
    item = _entry(contract_id)
    _logged(item, "spec.yaml")
    return yaml_download(to_yaml(item.spec, library()), f"{item.contract_no}.yaml")


@bp.post("/<int:contract_id>/new-draft")
def new_draft(contract_id: int) -> WerkzeugResponse:
    item = _entry(contract_id)
    if item.industry not in library().industry:
        abort(404)
    data = {k: v for k, v in item.spec.items() if k != "contract_no"}
    draft = save_draft(register(), title=text("web.copy-title", number=item.contract_no), industry=item.industry,
                       spec=data, owner=current_user(), address=address())
    flash(text("web.copied", number=item.contract_no), "ok")
    return redirect(url_for("contracts.edit", draft_id=draft.id))


@bp.post("/<int:contract_id>/revise")
def revise(contract_id: int) -> WerkzeugResponse:
    """A returned contract into a draft that, generated, resubmits it under the same number."""
    item = _entry(contract_id)
    if item.status != "returned" or item.industry not in library().industry:
        flash(text("web.review.not-returned"), "error")
        return redirect(url_for(".entry", contract_id=item.id))
    data = {k: v for k, v in item.spec.items() if k != "contract_no"}
    draft = save_draft(register(), title=text("web.review.revise-title", number=item.contract_no), industry=item.industry,
                       spec=data, owner=current_user(), revises=item.id, address=address())
    flash(text("web.review.revising", number=item.contract_no), "ok")
    return redirect(url_for("contracts.edit", draft_id=draft.id))


def _review(contract_id: int, step) -> WerkzeugResponse:
    item = _entry(contract_id)
    try:
        done = step(item.id, request.form.get("comment", ""))
    except UsageError as exc:
        flash(str(exc), "error")
        return redirect(url_for(".entry", contract_id=item.id))
    flash(text(f"web.review.done-{done.status}", number=done.contract_no), "ok")
    return redirect(url_for(".entry", contract_id=item.id))


@bp.post("/<int:contract_id>/approve", endpoint="approve")
def approve_(contract_id: int) -> WerkzeugResponse:
    return _review(contract_id, lambda cid, comment: approve(register(), cid, reviewer=current_user(),
                                                             address=address(), comment=comment))


@bp.post("/<int:contract_id>/return", endpoint="return_")
def return_(contract_id: int) -> WerkzeugResponse:
    return _review(contract_id, lambda cid, comment: return_contract(register(), cid, reviewer=current_user(),
                                                                     comment=comment, address=address()))


@bp.post("/<int:contract_id>/sign", endpoint="sign")
def sign_(contract_id: int):
    """已批准 → 已签署 with the scan: a PDF by its content, at most ``MAX_SCAN`` bytes."""
    item = _entry(contract_id)
    upload = request.files.get("scan")
    data = upload.read(MAX_SCAN + 1) if upload is not None else b""
    problem = scan_problem(data) if data else "review.scan-missing"
    if problem:
        flash(text(f"web.{problem}", megabytes=MAX_SCAN // (1024 * 1024)), "error")
        return redirect(url_for(".entry", contract_id=item.id))
    try:
        sign(register(), item.id, scan=data, user=current_user(), address=address())
    except UsageError as exc:
        flash(str(exc), "error")
        return redirect(url_for(".entry", contract_id=item.id))
    flash(text("web.review.done-signed", number=item.contract_no), "ok")
    return redirect(url_for(".entry", contract_id=item.id))


@bp.get("/<int:contract_id>/signed.pdf")
def signed_scan(contract_id: int) -> Response:
    item = _entry(contract_id)
    if not item.signed_sha256:
        abort(404)
    _logged(item, "signed.pdf")
    return _attachment(register().store.get(item.signed_sha256), f"{item.contract_no}-signed.pdf", "application/pdf")


def _attachment(data: bytes, filename: str, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
