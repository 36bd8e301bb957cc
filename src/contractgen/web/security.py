"""Who is asking, may they, in which language, and the headers every response carries.

Sign-in sessions are Flask-Login's, in Flask's signed cookie: HttpOnly, SameSite=Lax, Secure when
the request came over HTTPS (or ``SESSION_COOKIE_SECURE``), ending after ``PERMANENT_SESSION_LIFETIME`` (two hours) without a
request and ``SESSION_MAX`` after signing in whatever happens; the session names the account's
``epoch``, so logging out, a new password or a deactivated account ends every session of it.
Before every view the endpoint's rule (``access``) is checked: not signed in → the sign-in page,
a role the rule does not name → 403. ``current_user()`` is the signed-in name recorded with every
draft, contract and audit row; ``scope()`` whose contracts they see. The headers: a strict Content-Security-Policy (only our own
scripts, styles and images; no inline script, no plugins, no framing by other sites), nosniff, a
same-origin Referrer-Policy and X-Frame-Options. A rendered contract preview is the renderer's own
self-contained document with its stylesheet inline, so its response alone allows inline styles and
nothing else (``document_policy``).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from flask import Flask, Response, abort, current_app, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface

from .. import i18n
from ..batch.sheet import MAX_UPLOAD_BYTES
from ..compare.reader import MAX_FILE_BYTES
from ..register.review import MAX_SCAN, Scope
from . import access

POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
          "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'")
DOCUMENT_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; frame-ancestors 'self'"


SESSION_MAX = dt.timedelta(hours=12)
UPLOAD_LIMITS = {"register.sign": MAX_SCAN + 64 * 1024, "theirs.start": MAX_FILE_BYTES + 64 * 1024,
                 "batch.upload": MAX_UPLOAD_BYTES + 64 * 1024}
"""The pages that take more than the app's ``MAX_CONTENT_LENGTH`` (2 MB): the signed scan, their DOCX and a
batch's sheet (each with the form around it); every other request stays small."""


@dataclass(frozen=True, slots=True)
class Account:
    """The signed-in account as Flask-Login sees it (a copy of the row, read once per request)."""

    id: int
    name: str
    role: str
    team: str
    epoch: int
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return f"{self.id}.{self.epoch}"


def account() -> Account | None:
    """The signed-in account, or ``None``."""
    from flask_login import current_user as user

    return user if isinstance(user, Account) else None


def current_user() -> str:
    """The name of the person making the request ("" when nobody is signed in)."""
    found = account()
    return found.name if found else ""


def address() -> str:
    """The address the request came from (the proxy's, unless waitress was told to trust it)."""
    return request.remote_addr or ""


def scope() -> Scope:
    """Whose contracts the signed-in user sees: a reviewer every one, a drafter their own and their team's."""
    found = account()
    if found is None:
        return Scope(user="\0nobody")
    return Scope(user=found.name, team=found.team, everything=found.role == access.REVIEWER)


def _load(session_id: str) -> Account | None:
    from ..register.users import get_user
    from .documents import register

    user_id, _, epoch = session_id.partition(".")
    if not user_id.isdigit() or not epoch.isdigit():
        return None
    user = get_user(register(), int(user_id))
    if user is None or not user.active or user.epoch != int(epoch):
        return None
    return Account(user.id, user.name, user.role, user.team, user.epoch)


def _guard():
    """The endpoint's access rule; an expired session counts as none."""
    endpoint = request.endpoint
    if endpoint is None:
        return None  # no such page: the 404 follows
    since = session.get("since")
    if account() is not None and (not isinstance(since, (int, float)) or time.time() - since > SESSION_MAX.total_seconds()):
        from flask_login import logout_user

        logout_user()
        session.clear()
    if endpoint in UPLOAD_LIMITS:  # before CSRFProtect reads the form
        request.max_content_length = UPLOAD_LIMITS[endpoint]
    verdict = access.allowed(endpoint, account().role if account() else None)
    if verdict is None:
        wanted = request.full_path if request.method == "GET" else ""
        return redirect(url_for("auth.login", next=wanted.rstrip("?") or None))
    if not verdict:
        abort(403)
    return None


class _SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, Secure whenever the request itself came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or (bool(request) and request.is_secure)


def document_policy(response: Response) -> Response:
    """Mark a response as a rendered contract document (its inline stylesheet allowed, nothing else)."""
    response.headers["Content-Security-Policy"] = DOCUMENT_POLICY
    return response


def _headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", POLICY)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def _language() -> None:
    """The page's language: ``?lang=`` (kept in a cookie), else the cookie, else the app's default."""
    wanted = request.args.get("lang") or request.cookies.get("lang") or current_app.config["LANGUAGE"]
    g.lang = "en" if wanted == "en" else "zh"
    g.language = i18n.use_language(g.lang)  # messages (problems too) render in it until the request ends
    g.language.__enter__()


def _end_language(_exc: BaseException | None) -> None:
    if "language" in g:
        g.pop("language").__exit__(None, None, None)


def _remember_language(response: Response) -> Response:
    if request.args.get("lang") in ("zh", "en"):
        response.set_cookie("lang", request.args["lang"], samesite="Lax", httponly=True, max_age=365 * 86400)
    return response


def init_app(app: Flask) -> None:
    from flask_login import LoginManager

    app.session_interface = _SessionInterface()
    manager = LoginManager()
    manager.user_loader(_load)
    manager.session_protection = "basic"
    manager.init_app(app)
    app.before_request(_language)
    app.before_request(_guard)
    app.teardown_request(_end_language)
    app.after_request(_remember_language)
    app.after_request(_headers)
