"""登录 and 退出: the sign-in form, its rate limits (``register.users.sign_in``) and the way back.

After signing in, the user goes back to the page they asked for (``next``), but only to a path of
this site: anything with a scheme, a host, ``//`` or a backslash goes to the role's home page
instead (no open redirect). The session is started afresh at sign-in (nothing carried over from
before), and logging out ends every session of the account.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from ...i18n import text
from ...register import audit
from ...register.users import end_sessions, list_users, sign_in
from ..documents import register
from ..security import Account, account, address

bp = Blueprint("auth", __name__)
TOO_MANY = 429
UNAUTHORIZED = 401


def safe_next(target: str | None) -> str | None:
    """``target`` when it is a path on this site, else ``None``."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def home(role: str) -> str:
    """Where a role starts: a drafter choosing an industry, a reviewer the contracts waiting, an admin the accounts."""
    if role == "reviewer":
        return url_for("register.index", status="pending")
    if role == "admin":
        return url_for("admin.users")
    return url_for("industries.index")


def _page(status: int = 200, name: str = ""):
    first_start = not list_users(register())
    return render_template("login.html", next=safe_next(request.values.get("next")) or "", name=name,
                           first_start=first_start), status


@bp.get("/login")
def login():
    if (signed_in := account()) is not None:
        return redirect(home(signed_in.role))
    return _page()


@bp.post("/login")
def login_post():
    from flask_login import login_user

    name, password = request.form.get("name", ""), request.form.get("password", "")
    outcome = sign_in(register(), name, password, address=address())
    if outcome.user is None:
        if outcome.refused == "limited":
            flash(text("web.login.limited", minutes=15), "error")
            return _page(TOO_MANY, name)
        flash(text("web.login.wrong"), "error")
        return _page(UNAUTHORIZED, name)
    user = outcome.user
    session.clear()  # nothing of the anonymous session survives signing in
    login_user(Account(user.id, user.name, user.role, user.team, user.epoch))
    session.permanent = True
    session["since"] = time.time()
    return redirect(safe_next(request.form.get("next")) or home(user.role))


@bp.post("/logout")
def logout() -> WerkzeugResponse:
    from flask_login import logout_user

    signed_in = account()
    if signed_in is not None:
        end_sessions(register(), signed_in.id)
        audit.append(register(), actor=signed_in.name, action="logout", subject=signed_in.name, address=address())
    logout_user()
    session.clear()
    flash(text("web.login.logged-out"), "ok")
    return redirect(url_for(".login"))
