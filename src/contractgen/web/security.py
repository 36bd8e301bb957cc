"""Who is asking, in which language, and the headers every response carries.

``current_user()`` is the one hook users and roles will fill in (the name recorded with every draft
and contract; empty until then). The headers: a strict Content-Security-Policy (only our own
scripts, styles and images; no inline script, no plugins, no framing by other sites), nosniff, a
same-origin Referrer-Policy and X-Frame-Options. A rendered contract preview is the renderer's own
self-contained document with its stylesheet inline, so its response alone allows inline styles and
nothing else (``document_policy``).
"""

from __future__ import annotations

from flask import Flask, Response, current_app, g, request

from .. import i18n

POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
          "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'")
DOCUMENT_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; frame-ancestors 'self'"


def current_user() -> str:
    """The name of the person making the request ("" until users and roles exist)."""
    return getattr(g, "user", "")


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
    g.user = ""
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
    app.before_request(_language)
    app.teardown_request(_end_language)
    app.after_request(_remember_language)
    app.after_request(_headers)
