"""填写合同, 草稿, 预览, 生成, and the spec YAML in and out: the form is saved as a draft on every action."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from ... import formats
from ...errors import InputError, SpecError, UsageError
from ...i18n import text
from ...register.contracts import get_contract
from ...register.drafts import delete_draft, get_draft, list_drafts, save_draft
from ...register.generate import generate
from ...spec import parse_spec
from ...specdata import from_spec, to_yaml
from ..documents import (
    FieldProblems,
    contract_of,
    field_problems,
    library,
    log_download,
    pdf_settings,
    preview_contract,
    preview_html,
    register,
)
from ..forms import contract_form, form_data, labelled_text, layout, spec_data
from ..security import account, address, current_user, document_policy

bp = Blueprint("contracts", __name__)
UNPROCESSABLE = 422


def _form_page(industry: str, form, draft=None, problems: FieldProblems | None = None, status: int = 200):
    lib = library()
    revises = get_contract(register(), draft.revises_id) if draft is not None and draft.revises_id else None
    page = render_template("form.html", form=form, industry=lib.industry[industry], plan=layout(lib, industry),
                           variables=lib.variable, draft=draft, problems=problems or FieldProblems(),
                           clause_text=lambda t: labelled_text(t, lib), revises=revises)
    return page, status


def _shown_fields(form) -> dict[str, str]:
    """Every field on the form page: id → the label the page shows for it."""
    lib = library()
    ids: dict[str, str] = {}
    for item in form:
        if hasattr(item, "form"):
            for sub in item.form:
                party = item.id in ("customer", "provider")
                key = sub.id.split("-", 1)[1]
                ids[sub.id] = (text(f"web.register.{item.id}") + text(f"web.party.{key.replace('_', '-')}") if party
                               else lib.variable[key].label if key in lib.variable else "")
        else:
            ids[item.id] = _top_labels().get(item.id, "")
    return ids


def _top_labels() -> dict[str, str]:
    return {"sign_date": text("web.form.sign-date"), "title": text("web.form.title"),
            "sign_place": text("web.form.sign-place"), "include": text("web.form.include"),
            "exclude": text("web.form.exclude"), "annexes": text("web.form.annexes")}


@bp.get("/industries/<industry>/new")
def new(industry: str):
    if industry not in library().industry:
        abort(404)
    return _form_page(industry, contract_form(library(), industry))


@bp.post("/industries/<industry>/new")
def create(industry: str):
    if industry not in library().industry:
        abort(404)
    return _submit(industry, None)


@bp.get("/drafts")
def drafts() -> str:
    return render_template("drafts.html", drafts=list_drafts(register(), current_user()))


@bp.get("/drafts/<int:draft_id>")
def edit(draft_id: int):
    draft = _draft(draft_id)
    form = contract_form(library(), draft.industry, data=form_data(draft.spec, library(), draft.title))
    return _form_page(draft.industry, form, draft)


@bp.post("/drafts/<int:draft_id>")
def update(draft_id: int):
    draft = _draft(draft_id)
    return _submit(draft.industry, draft)


def _submit(industry: str, draft):
    """Save what the form holds as a draft, then do what the pressed button asks: save, preview or generate."""
    lib = library()
    form = contract_form(lib, industry)
    if not form.validate_on_submit():  # only the CSRF token is checked here: the composer checks the rest
        return _form_page(industry, form, draft, _csrf_problem(), 400)
    data = spec_data(form, lib, industry)
    draft = save_draft(register(), title=form.draft_title.data or "", industry=industry, spec=data,
                       owner=current_user(), draft_id=draft.id if draft else None, address=address())
    action = request.form.get("action", "save")
    if action == "save":
        flash(text("web.draft-saved", title=draft.title), "ok")
        return redirect(url_for(".edit", draft_id=draft.id))
    try:
        if action == "generate":
            return _generated(_generate(data, draft))
        contract_of(data, draft=True)
    except SpecError as exc:
        return _form_page(industry, form, draft, field_problems(exc, _shown_fields(form)), UNPROCESSABLE)
    return redirect(url_for(".preview", draft_id=draft.id))


def _csrf_problem() -> FieldProblems:
    return FieldProblems(general=[text("web.form-expired")], count=1)


def _formats() -> tuple[str, ...]:
    from flask import current_app

    return tuple(current_app.config["FORMATS"])


def _generate(data, draft):
    """Generate into the register: a new entry, or the returned contract the draft corrects (resubmitted)."""
    signed_in = account()
    try:
        return generate(register(), data, library(), formats=_formats(), user=current_user(),
                        team=signed_in.team if signed_in else "", address=address(), revises=draft.revises_id,
                        **pdf_settings())
    except UsageError as exc:
        flash(str(exc), "error")
        return None


def _generated(entry) -> WerkzeugResponse:
    if entry is None:
        return redirect(url_for("contracts.drafts"))
    flash(text("web.generated-revision" if entry.revision > 1 else "web.generated", number=entry.contract_no,
               revision=entry.revision), "ok")
    return redirect(url_for("register.entry", contract_id=entry.id))


def _draft(draft_id: int):
    draft = get_draft(register(), draft_id, current_user())
    if draft is None or draft.industry not in library().industry:
        abort(404)
    return draft


@bp.post("/drafts/<int:draft_id>/delete")
def delete(draft_id: int) -> WerkzeugResponse:
    draft = _draft(draft_id)
    delete_draft(register(), draft.id, current_user(), address=address())
    flash(text("web.draft-deleted", title=draft.title), "ok")
    return redirect(url_for(".drafts"))


@bp.get("/drafts/<int:draft_id>/preview")
def preview(draft_id: int):
    draft = _draft(draft_id)
    try:
        contract = preview_contract(draft.spec)
    except SpecError as exc:
        form = contract_form(library(), draft.industry, data=form_data(draft.spec, library(), draft.title))
        return _form_page(draft.industry, form, draft, field_problems(exc, _shown_fields(form)), UNPROCESSABLE)
    blanks = [library().variable[name].label for name in contract.blanks if name in library().variable]
    return render_template("preview.html", draft=draft, contract=contract, blanks=blanks)


@bp.get("/drafts/<int:draft_id>/document")
def document(draft_id: int) -> Response:
    draft = _draft(draft_id)
    try:
        html = preview_html(preview_contract(draft.spec))
    except SpecError:
        abort(UNPROCESSABLE)
    return document_policy(Response(html, mimetype="text/html"))


@bp.post("/drafts/<int:draft_id>/generate")
def generate_draft(draft_id: int):
    draft = _draft(draft_id)
    try:
        return _generated(_generate(draft.spec, draft))
    except SpecError as exc:
        form = contract_form(library(), draft.industry, data=form_data(draft.spec, library(), draft.title))
        return _form_page(draft.industry, form, draft, field_problems(exc, _shown_fields(form)), UNPROCESSABLE)


@bp.get("/drafts/<int:draft_id>/spec.yaml")
def draft_spec(draft_id: int) -> Response:
    draft = _draft(draft_id)
    log_download(draft.title, f"draft-{draft.id}.yaml", draft_id=draft.id)
    return yaml_download(to_yaml(draft.spec, library()), f"draft-{draft.id}.yaml")


def yaml_download(text_: str, filename: str) -> Response:
    response = Response(text_.encode("utf-8"), mimetype="application/yaml")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.post("/drafts/upload")
def upload():
    upload_ = request.files.get("spec")  # the CSRF token was checked before the view (CSRFProtect)
    if upload_ is None or not upload_.filename:
        flash(text("web.upload-missing"), "error")
        return render_template("drafts.html", drafts=list_drafts(register(), current_user())), 400
    name = upload_.filename.rsplit("/", 1)[-1]
    try:
        spec = parse_spec(upload_.read(1_000_001), name)
        data = from_spec(spec)
        contract_of(data, draft=True, display=name)
    except InputError as exc:
        for problem in exc.problems:
            flash(str(problem), "error")
        return render_template("drafts.html", drafts=list_drafts(register(), current_user())), UNPROCESSABLE
    data.pop("contract_no", None)  # the register numbers every contract it generates
    draft = save_draft(register(), title=name.rsplit(".", 1)[0], industry=data["industry"], spec=data,
                       owner=current_user(), address=address())
    flash(text("web.uploaded", name=name), "ok")
    return redirect(url_for(".edit", draft_id=draft.id))


@bp.get("/api/money-words")
def money_words() -> Response:
    """The 大写 of an amount as it is typed (the form's live preview), by the same function the contract uses."""
    raw = request.args.get("amount", "").replace(",", "").strip()
    try:
        amount = Decimal(raw)
        return jsonify(ok=True, text=formats.format_money(amount))
    except (InvalidOperation, ValueError, TypeError):
        return jsonify(ok=False, text=text("web.money-invalid") if raw else "")


@bp.get("/api/check")
def check() -> Response:
    """Whether a 统一社会信用代码 or 身份证号码 is valid, checked as it is typed (the server checks again)."""
    kind, value = request.args.get("kind", ""), request.args.get("value", "").strip()
    checks = {"credit_code": formats.credit_code_problem, "id_number": formats.id_number_problem}
    if kind not in checks:
        abort(404)
    if not value:
        return jsonify(ok=True, message="")
    problem = checks[kind](value)
    return jsonify(ok=problem is None, message=str(problem) if problem else text(f"web.check-ok-{kind.replace('_', '-')}"))
