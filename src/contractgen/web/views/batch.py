"""批量生成: a sheet of customers uploaded, its problems row by row, then every good row into the register.

The page face of ``contractgen batch``: the sheet is read and checked by the same ``batch`` modules
(``sheet``, ``rows``), kept in the register's content-addressed store under the hash of its bytes, so
the check page is named by its URL alone (``/batch/check?sheet=<sha256>&industry=hotel``); starting
the batch runs ``batch.record`` in a background job (``web.jobs``) whose page shows a progress bar,
and, once done, offers every contract as one ZIP and the report (报告.xlsx). The template sheet of
each industry is ``contractgen batch-template``'s.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for

from ...batch.report import REPORT_NAME, report_xlsx
from ...batch.rows import Plan, plan_batch
from ...batch.sheet import MAX_UPLOAD_BYTES, read_sheet
from ...batch.template import template_xlsx
from ...errors import InputError
from ...i18n import text
from ...register.contracts import contracts_zip, get_contracts
from ..documents import library, pdf_settings, register
from ..jobs import Jobs
from ..security import account, address, current_user

bp = Blueprint("batch", __name__, url_prefix="/batch")
UNPROCESSABLE = 422
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def jobs() -> Jobs:
    return current_app.extensions.setdefault("contractgen.jobs", Jobs())


def _form(industry: str = "", status: int = 200) -> tuple[str, int]:
    return render_template("batch.html", industry=industry), status


@bp.get("")
def index() -> tuple[str, int]:
    return _form(request.args.get("industry", ""))


@bp.get("/template/<industry>.xlsx")
def template(industry: str) -> Response:
    lib = library()
    if industry not in lib.industry:
        abort(404)
    filename = f"{industry}-rows.xlsx"
    response = Response(template_xlsx(lib, industry), mimetype=XLSX)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.post("")
def upload():
    industry = request.form.get("industry", "")
    sheet = request.files.get("sheet")
    if industry not in library().industry or sheet is None or not sheet.filename:
        flash(text("web.batch.pick"), "error")
        return _form(industry, 400)
    data = sheet.read(MAX_UPLOAD_BYTES + 1)
    name = _name(sheet.filename)
    try:
        plan_batch(read_sheet(None, name, data), library(), industry)
    except InputError as exc:  # the sheet as a whole: said now, and nothing is kept
        for problem in exc.problems:
            flash(str(problem), "error")
        return _form(industry, UNPROCESSABLE)
    sha256, _ = register().store.put(data)
    return redirect(url_for(".check", sheet=sha256, industry=industry, name=name))


def _name(filename: str) -> str:
    """The uploaded file's own name (no folders), as messages name it."""
    return filename.replace("\\", "/").rsplit("/", 1)[-1].strip() or "rows.xlsx"


def _plan() -> tuple[Plan, str, str]:
    """The plan of the stored sheet the query names (404 for an unknown sheet or industry)."""
    sha256, industry = request.args.get("sheet", "") or request.form.get("sheet", ""), \
        request.args.get("industry", "") or request.form.get("industry", "")
    name = _name(request.args.get("name", "") or request.form.get("name", ""))
    if industry not in library().industry:
        abort(404)
    try:
        data = register().store.get(sha256)
    except (ValueError, FileNotFoundError):
        abort(404)
    try:
        return plan_batch(read_sheet(None, name, data), library(), industry), sha256, name  # type: ignore[arg-type]
    except InputError:
        abort(UNPROCESSABLE)


@bp.get("/check")
def check() -> str:
    plan, sha256, name = _plan()
    return render_template("batch_check.html", plan=plan, sheet=sha256, name=name,
                           industry=library().industry[plan.industry])


@bp.post("/start")
def start():
    plan, _, name = _plan()
    if not plan.good:
        abort(UNPROCESSABLE)
    signed_in = account()
    job = jobs().start(plan, register(), library(), formats=tuple(current_app.config["FORMATS"]),
                       user=current_user(), team=signed_in.team if signed_in else "", address=address(),
                       sheet_name=name, log=current_app.logger, **pdf_settings())
    return redirect(url_for(".job", job_id=job.id))


def _job(job_id: str):  # type: ignore[no-untyped-def]
    job = jobs().get(job_id)
    if job is None or job.user != current_user():  # a job is its starter's: another's is no job here
        abort(404)
    return job


@bp.get("/jobs/<job_id>")
def job(job_id: str) -> str:
    found = _job(job_id)
    problems = [*found.plan.problems, *(found.recorded.problems if found.recorded else ())]
    return render_template("batch_job.html", job=found, problems=problems,
                           recorded=len(found.recorded.results) if found.recorded else 0)


def _finished(job_id: str):  # type: ignore[no-untyped-def]
    found = _job(job_id)
    if found.running or found.recorded is None:
        abort(404)
    return found


def _report(found) -> bytes:  # noqa: ANN001 - a Job
    plan = found.plan
    refused = {p.line for p in found.recorded.problems}
    if refused:  # the register's refusals are the rows' problems in the report too
        from dataclasses import replace

        rows = tuple(replace(r, problems=(*r.problems, *(p for p in found.recorded.problems if p.line == r.row)))
                     if r.row in refused else r for r in plan.rows)
        plan = replace(plan, rows=rows)
    return report_xlsx(plan, found.recorded.results)


@bp.get("/jobs/<job_id>/report.xlsx")
def report(job_id: str) -> Response:
    response = Response(_report(_finished(job_id)), mimetype=XLSX)
    response.headers["Content-Disposition"] = "attachment; filename*=UTF-8''%E6%8A%A5%E5%91%8A.xlsx"
    return response


@bp.get("/jobs/<job_id>/contracts.zip")
def download_zip(job_id: str) -> Response:
    found = _finished(job_id)
    contracts = get_contracts(register(), list(found.recorded.contract_ids.values()))
    data = contracts_zip(register(), contracts, extra=[(REPORT_NAME, _report(found))])
    response = Response(data, mimetype="application/zip")
    response.headers["Content-Disposition"] = 'attachment; filename="contracts.zip"'
    return response
