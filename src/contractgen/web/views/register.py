"""合同台账: search the generated contracts, open one, download its files (one by one or as a ZIP), its
manifest and spec, and start a new draft from it (以此为模板新建)."""

from __future__ import annotations

import datetime as dt
import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from ...i18n import text
from ...register.contracts import Search, contract_zip, file_bytes, find_file, get_contract, search
from ...register.drafts import save_draft
from ...specdata import to_yaml
from ..documents import library, register
from ..security import current_user
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
    query = Search(number=request.args.get("number", ""), party=request.args.get("party", ""),
                   date_from=_date("date_from"), date_to=_date("date_to"))
    return render_template("register.html", entries=search(register(), query), query=query,
                           industries=library().industry)


def _entry(contract_id: int):
    entry = get_contract(register(), contract_id)
    if entry is None:
        abort(404)
    return entry


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
    return _attachment(file_bytes(register(), stored), name, MIMETYPES.get(stored.format, "application/octet-stream"))


@bp.get("/<int:contract_id>/files.zip")
def download_zip(contract_id: int) -> Response:
    item = _entry(contract_id)
    return _attachment(contract_zip(register(), item), f"{item.contract_no}.zip", "application/zip")


@bp.get("/<int:contract_id>/manifest.json")
def manifest(contract_id: int) -> Response:
    item = _entry(contract_id)
    data = (json.dumps(item.manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return _attachment(data, f"{item.contract_no}-manifest.json", "application/json")


@bp.get("/<int:contract_id>/spec.yaml")
def spec(contract_id: int) -> Response:
    item = _entry(contract_id)
    return yaml_download(to_yaml(item.spec, library()), f"{item.contract_no}.yaml")


@bp.post("/<int:contract_id>/new-draft")
def new_draft(contract_id: int) -> WerkzeugResponse:
    item = _entry(contract_id)
    if item.industry not in library().industry:
        abort(404)
    data = {k: v for k, v in item.spec.items() if k != "contract_no"}
    draft = save_draft(register(), title=text("web.copy-title", number=item.contract_no), industry=item.industry,
                       spec=data, owner=current_user())
    flash(text("web.copied", number=item.contract_no), "ok")
    return redirect(url_for("contracts.edit", draft_id=draft.id))


def _attachment(data: bytes, filename: str, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
