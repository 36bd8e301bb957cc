"""Compiled library templates kept across processes (``templates._kept``): the same text, the same limits."""

from __future__ import annotations

import os

import pytest

from contractgen import templates


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    """An empty machine cache and no template compiled in this process yet."""
    monkeypatch.setenv("CONTRACTGEN_CACHE_DIR", str(tmp_path / "cache"))

    def forget() -> None:
        for cached in (templates.compiled, templates.names_used, templates._kept):
            cached.cache_clear()

    forget()
    yield forget
    forget()


SOURCE = "甲方应当于{{ days }}日内付款{% for n in items %}，第{{ n }}项{% endfor %}。"


def test_a_kept_template_renders_as_a_compiled_one_and_is_not_compiled_again(fresh, tmp_path, monkeypatch):
    context = {"days": 7, "items": [1, 2]}
    first = templates.render(SOURCE, context)
    assert first == "甲方应当于7日内付款，第1项，第2项。"
    (kept,) = (tmp_path / "cache" / "templates").iterdir()
    assert kept.stat().st_mode & 0o022 == 0
    fresh()  # a new process, as far as the caches go
    env = templates.environment()
    monkeypatch.setattr(type(env), "compile", lambda *a, **k: pytest.fail("compiled again"))
    monkeypatch.setattr(type(env), "parse", lambda *a, **k: pytest.fail("parsed again"))
    assert templates.render(SOURCE, context) == first
    assert templates.names_used(SOURCE) == {"days", "items", "n"}


def test_a_kept_template_keeps_the_loop_limit(fresh):
    source = "{% for i in range(20000) %}x{% endfor %}"
    for _ in range(2):  # compiled, then from the kept file
        with pytest.raises(templates.TemplateLimit):
            templates.render(source, {})
        fresh()


def test_a_damaged_or_foreign_kept_file_is_compiled_again(fresh, tmp_path):
    templates.render(SOURCE, {"days": 1, "items": []})
    (kept,) = (tmp_path / "cache" / "templates").iterdir()
    kept.write_bytes(b"\x00 not marshal")
    fresh()
    assert templates.render(SOURCE, {"days": 2, "items": []}) == "甲方应当于2日内付款。"
    templates.render(SOURCE, {"days": 1, "items": []})
    os.chmod(kept, 0o666)  # others could have written it: its code is never loaded
    fresh()
    assert templates._kept(SOURCE) is None
    assert templates.render(SOURCE, {"days": 3, "items": []}) == "甲方应当于3日内付款。"


def test_an_unwritable_cache_only_costs_the_time(fresh, tmp_path, monkeypatch):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the cache folder would be")
    monkeypatch.setenv("CONTRACTGEN_CACHE_DIR", str(blocker))
    assert templates.render(SOURCE, {"days": 5, "items": [9]}) == "甲方应当于5日内付款，第9项。"
