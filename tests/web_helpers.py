"""Shared by the web tests: an app on a temporary data folder, accounts signed in, and a spec as the
form would post it."""

from __future__ import annotations

from contractgen.library import load_library
from contractgen.spec import parse_spec, starter_spec
from contractgen.specdata import from_spec
from contractgen.web import create_app

LIBRARY = load_library()


FAST_HASHING = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}
"""Argon2 made cheap for tests (the real defaults take a third of a second per sign-in here)."""
PASSWORD = "Pujiang-2026-hotel"


def make_app(data_dir, **config):
    settings = {"DATA_DIR": data_dir, "TESTING": True, "WTF_CSRF_ENABLED": False, "FORMATS": ("md",),
                "SECRET_KEY": "test", "PASSWORD_HASHING": FAST_HASHING}
    settings.update(config)
    return create_app(settings)


def add_account(app, name: str, role: str, team: str = "") -> None:
    from contractgen.register.users import add_user

    add_user(app.extensions["contractgen.register"], name, role, PASSWORD, team=team)


def sign_in(client, name: str, password: str = PASSWORD, csrf: str | None = None):
    data = {"name": name, "password": password}
    if csrf:
        data["csrf_token"] = csrf
    return client.post("/login", data=data)


def signed_in(app, name: str = "li", role: str = "drafter", team: str = ""):
    """A test client signed in as a new account ``name`` with ``role``."""
    add_account(app, name, role, team)
    client = app.test_client()
    response = sign_in(client, name)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def example(industry: str = "hotel") -> dict:
    return from_spec(parse_spec(starter_spec(LIBRARY, industry, example=True).encode(), "example.yaml"))


def form_post(spec: dict, action: str = "save", title: str = "测试草稿") -> dict:
    """The form fields a browser posts for ``spec`` (checkboxes only when ticked)."""
    data: dict = {"action": action, "draft_title": title}
    for key in ("title", "sign_date", "sign_place"):
        if spec.get(key):
            data[key] = str(spec[key])
    for role, party in spec.get("parties", {}).items():
        for key, value in party.items():
            data[f"{role}-{key}"] = str(value)
    for name, value in spec.get("values", {}).items():
        if value is True:
            data[f"values-{name}"] = "y"
        elif value is not False:
            data[f"values-{name}"] = str(value)
    for key in ("include", "exclude", "annexes"):
        if spec.get(key):
            data[key] = list(spec[key])
    for group, choice in spec.get("choose", {}).items():
        data[f"choose-{group}"] = choice
    return data
