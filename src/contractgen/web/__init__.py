"""The web face: pages for legal staff, as thin as the CLI (parse the request, call steps 1–6, render).

Owns the Flask app factory ``create_app(config)`` and one blueprint per area: ``auth`` (登录,
退出), ``industries`` (行业), ``contracts`` (填写合同, 草稿, 预览, 生成, spec upload and
download), ``register`` (合同台账, 审核, 签署), ``batch`` (批量生成: a sheet of customers into
the register, as a background job, ``jobs``), ``compare`` (比较), ``theirs`` (对方修改稿: their
Word file against a register entry), ``admin`` (用户, 审计日志) and ``layers`` (条款库层: upload,
lint, redline, approval). Forms are built at run time
from the library's variable declarations (``forms``); the composer validates, and each problem is
shown at its field. Pages are server-rendered Jinja2 with escaping on; every form carries a CSRF
token (Flask-WTF); every response carries strict security headers
(``security``). The little JavaScript there is (``static/app.js``) needs no build.

Every page but the sign-in page needs a signed-in account, and each endpoint names the roles that
may use it (``access``); ``security.current_user()`` is the name every draft, contract and audit
row records.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from flask_wtf import CSRFProtect

from ..i18n import text
from ..register import DEFAULT_PATTERN, default_data_dir, open_register

DEFAULTS: dict[str, Any] = {
    "DATA_DIR": None,  # database, stored files and secret key; None: default_data_dir()
    "DATABASE_URL": None,
    "LIBRARY_LAYERS": (),
    "CONTRACT_NO_PATTERN": DEFAULT_PATTERN,
    "FORMATS": ("docx", "pdf"),
    "PDF_ENGINE": None,  # which engine makes the PDFs (render.PDF_ENGINES); None: render.DEFAULT_PDF_ENGINE
    "PDF_STANDARD": None,  # a PDF/A profile for the register's archive copies (a-2b, a-3b), or None
    "LANGUAGE": "zh",
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,  # a spec upload; larger ones per page: security.UPLOAD_LIMITS
    "WTF_CSRF_TIME_LIMIT": None,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": dt.timedelta(hours=2),  # ends after two hours without a request
    "PASSWORD_HASHING": None,  # argon2-cffi's PasswordHasher arguments; None: its defaults (RFC 9106)
}

csrf = CSRFProtect()


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The web app for ``config`` (keys of ``DEFAULTS`` and Flask's own); opens the register and the library."""
    from ..library import load_library
    from . import documents, security
    from .views import admin, auth, batch, compare, contracts, industries, layers, register, theirs

    app = Flask(__name__)
    app.config.update(DEFAULTS)
    app.config.update(config or {})
    data_dir = Path(app.config["DATA_DIR"] or default_data_dir())
    app.config["DATA_DIR"] = data_dir
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(data_dir)
    app.extensions["contractgen.register"] = open_register(
        data_dir, app.config["DATABASE_URL"], number_pattern=app.config["CONTRACT_NO_PATTERN"],
        password_hashing=app.config["PASSWORD_HASHING"])
    app.extensions["contractgen.library"] = load_library([Path(p) for p in app.config["LIBRARY_LAYERS"]])
    _check_pdf_settings(app)
    with app.app_context():
        documents.refresh_library()  # the approved company layer, if any, from the first request on
    app.before_request(documents.refresh_library)
    security.init_app(app)  # first: the language is chosen before CSRFProtect may refuse a request
    csrf.init_app(app)
    app.jinja_env.globals["t"] = text
    app.jinja_env.globals["account"] = security.account
    app.jinja_env.globals["home"] = auth.home
    app.context_processor(lambda: {"industries": app.extensions["contractgen.library"].industry})
    for blueprint in (auth.bp, industries.bp, contracts.bp, batch.bp, register.bp, compare.bp, theirs.bp, admin.bp, layers.bp):
        app.register_blueprint(blueprint)
    _error_pages(app)
    return app


def _error_pages(app: Flask) -> None:
    """Every error a page can meet, as a page in the user's language (never a traceback)."""
    from flask import render_template
    from flask_wtf.csrf import CSRFError
    from werkzeug.exceptions import HTTPException

    def page(code: int, name: str) -> tuple[str, int]:
        return render_template("error.html", title=text(f"web.error.{name}-title"),
                               message=text(f"web.error.{name}")), code

    app.register_error_handler(CSRFError, lambda _e: page(400, "csrf"))
    known = {403: "forbidden", 404: "not-found", 405: "not-allowed", 413: "too-large", 422: "unprocessable",
             429: "too-many"}

    def http_error(error: HTTPException) -> tuple[str, int]:
        code = error.code or 500
        return page(code, known.get(code, "bad-request" if code < 500 else "internal"))

    app.register_error_handler(HTTPException, http_error)
    def internal(error: Exception) -> tuple[str, int]:
        app.logger.exception("internal error", exc_info=error)
        return page(500, "internal")

    app.register_error_handler(Exception, internal)


def _secret_key(data_dir: Path) -> str:
    """The data folder's own secret key (made on first start, readable by its owner only)."""
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(32), encoding="ascii")
    return path.read_text(encoding="ascii").strip()


def _check_pdf_settings(app: Flask) -> None:
    """The PDF engine and standard checked when the app starts: a missing Typst says how to install it
    before anyone fills in a form, not when the first contract is generated."""
    from ..render import pdf_settings

    settings = pdf_settings(app.config["FORMATS"], app.config["PDF_ENGINE"], app.config["PDF_STANDARD"], load=False)
    app.config["PDF_ENGINE"] = settings["pdf_engine"]
