"""管理: accounts (add, change role or team, deactivate, set a new password) and the audit trail
(审计日志: filter, and export as CSV). An admin's pages only: the rules are in ``access``."""

from __future__ import annotations

import csv
import datetime as dt
import io

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for

from ...errors import UsageError
from ...i18n import text
from ...register import audit
from ...register.users import ROLES, add_user, change_user, list_users
from ..documents import register
from ..security import account, address, current_user

bp = Blueprint("admin", __name__, url_prefix="/admin")
UNPROCESSABLE = 422


def _users_page(status: int = 200, form: dict | None = None):
    return render_template("users.html", users=list_users(register()), roles=ROLES, form=form or {}), status


@bp.get("/users")
def users():
    return _users_page()


@bp.post("/users", endpoint="add_user")
def add_user_view():
    form = {k: request.form.get(k, "") for k in ("name", "role", "team")}
    password, again = request.form.get("password", ""), request.form.get("password_again", "")
    if password != again:
        flash(text("web.users.passwords-differ"), "error")
        return _users_page(UNPROCESSABLE, form)
    try:
        user = add_user(register(), form["name"].strip(), form["role"], password, team=form["team"],
                        actor=current_user(), address=address())
    except UsageError as exc:
        flash(str(exc), "error")
        return _users_page(UNPROCESSABLE, form)
    flash(text("web.users.added", name=user.name, role=text(f"web.role.{user.role}")), "ok")
    return redirect(url_for(".users"))


@bp.post("/users/<int:user_id>", endpoint="change_user")
def change_user_view(user_id: int):
    me = account()
    password = request.form.get("password") or None
    active = request.form.get("active") == "y"
    role = request.form.get("role") or None
    if me is not None and me.id == user_id and (not active or (role and role != "admin")):
        flash(text("web.users.not-yourself"), "error")  # the last admin cannot lock everyone out
        return _users_page(UNPROCESSABLE)
    try:
        user = change_user(register(), user_id, actor=current_user(), address=address(), role=role,
                           team=request.form.get("team"), active=active, password=password)
    except UsageError as exc:
        flash(str(exc), "error")
        return _users_page(UNPROCESSABLE)
    if user is None:
        abort(404)
    flash(text("web.users.changed", name=user.name), "ok")
    return redirect(url_for(".users"))


def _filter() -> audit.Filter:
    def day(name: str) -> dt.date | None:
        try:
            return dt.date.fromisoformat(request.args.get(name, "").strip())
        except ValueError:
            return None

    action = request.args.get("action", "")
    return audit.Filter(actor=request.args.get("actor", ""), action=action if action in audit.ACTIONS else "",
                        subject=request.args.get("subject", ""), date_from=day("date_from"), date_to=day("date_to"))


@bp.get("/audit", endpoint="audit")
def audit_page() -> str:
    query = _filter()
    return render_template("audit.html", rows=audit.rows(register(), query), query=query, actions=audit.ACTIONS,
                           args=request.args, detail_items=detail_items)


@bp.get("/audit.csv")
def audit_csv() -> Response:
    """The filtered rows as CSV (UTF-8 with BOM, so Excel opens the Chinese right), the oldest first."""
    query = _filter()
    found = list(reversed(audit.rows(register(), query, limit=None)))
    audit.append(register(), actor=current_user(), action="audit-exported", subject="audit.csv", address=address(),
                 detail={"rows": len(found)})
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([text(f"web.audit.{c}") for c in ("seq", "at", "actor", "action", "subject", "address", "detail",
                                                       "hash")])
    for row in found:
        writer.writerow([row.seq, row.at.isoformat(timespec="seconds") + "Z", _cell(row.actor),
                         text(f"web.audit.action.{row.action}"), _cell(row.subject), row.address,
                         _cell(_detail(row.detail)), row.hash])
    response = Response("\ufeff" + out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="audit.csv"'
    return response


DETAIL_KEYS = ("active", "base", "comment", "contract_id", "draft_id", "file", "layer_id", "layers", "new", "old",
               "password", "revision", "role", "rows", "scan_sha256", "sha256", "size", "spec_sha256", "status", "team",
               "theirs")
"""The keys an audit row's detail may hold; each has a name in the catalogs (``web.audit.detail.<key>``)."""


def detail_items(detail: dict, *, short: bool = True) -> list[tuple[str, str]]:
    """An audit row's detail as (name, value) in the reader's language; hashes shortened unless ``short=False``."""
    items = []
    for key, value in sorted(detail.items()):
        if value in ("", None, {}):
            continue
        if key == "layers":
            if short:
                continue  # the layer hashes are on the register entry; the CSV keeps them
            value = "、".join(f"{name} {sha}" for name, sha in sorted(value.items()))
        elif key == "status":
            value = text(f"review.status.{value}")
        elif key == "role":
            value = text(f"web.role.{value}")
        elif key == "active":
            value = text("web.users.active-yes" if value else "web.users.active-no")
        elif key == "password":
            value = text("web.audit.password-changed")
        elif short and key.endswith("sha256") and isinstance(value, str):
            value = value[:16] + "…"
        name = text(f"web.audit.detail.{key}") if key in DETAIL_KEYS else key
        items.append((name, str(value)))
    return items


def _detail(detail: dict) -> str:
    return "；".join(f"{name}：{value}" for name, value in detail_items(detail, short=False))


def _cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (=, +, -, @ first: CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
