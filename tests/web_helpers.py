"""Shared by the web tests: an app on a temporary data folder, and a spec as the form would post it."""

from __future__ import annotations

from contractgen.library import load_library
from contractgen.spec import parse_spec, starter_spec
from contractgen.specdata import from_spec
from contractgen.web import create_app

LIBRARY = load_library()


def make_app(data_dir, **config):
    settings = {"DATA_DIR": data_dir, "TESTING": True, "WTF_CSRF_ENABLED": False, "FORMATS": ("md",),
                "SECRET_KEY": "test"}
    settings.update(config)
    return create_app(settings)


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
