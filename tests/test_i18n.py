"""Messages: the language a user gets, both catalogs complete, Chinese without parser jargon."""

from __future__ import annotations

import ast
import io
import pickle
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner

from contractgen import i18n
from contractgen.cli import cli
from contractgen.errors import Problem, SpecError, UsageError
from contractgen.i18n import language, msg, render, use_language

SRC = Path(i18n.__file__).parent
JARGON = re.compile(r"\b(got|regex|pattern|None|True|False|null)\b|!r|['\"]")


def catalog(lang: str) -> dict[str, str]:
    path = SRC / "locale" / lang / "LC_MESSAGES" / "contractgen.po"
    return {m.id: m.string for m in read_po(io.BytesIO(path.read_bytes())) if m.id}


def used_ids() -> tuple[set[str], set[str]]:
    """Every message id written in the code (the first argument of ``msg``, ``text``, ``render``,
    ``Message``), and the patterns of ids made with an f-string (``msg(f"value.{vtype}")``)."""
    ids, patterns = set(), set()

    def collect(node: ast.expr) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            ids.add(node.value)
        elif isinstance(node, ast.IfExp):
            collect(node.body)
            collect(node.orelse)
        elif isinstance(node, ast.JoinedStr):
            patterns.add("".join(re.escape(part.value) if isinstance(part, ast.Constant) else "[a-z0-9-]+"
                                 for part in node.values))
        else:
            raise AssertionError(f"a message id that the catalog test cannot read: {ast.unparse(node)}")

    for path in SRC.rglob("*.py"):
        if path.name == "i18n.py":  # the renderer itself, passing ids through
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {alias.asname or alias.name for node in ast.walk(tree)
                    if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("i18n")
                    for alias in node.names if alias.name in ("msg", "text", "render", "Message")}
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            func = node.func
            if (isinstance(func, ast.Name) and func.id in imported) or (
                    isinstance(func, ast.Attribute) and getattr(func.value, "id", "") == "i18n"
                    and func.attr in ("msg", "text", "render", "Message")):
                collect(node.args[0])
    return ids, patterns


@pytest.fixture
def environ(monkeypatch):
    for name in ("CONTRACTGEN_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


# --- the language ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("env", "expected"), [
    ({}, "en"),
    ({"LANG": "C"}, "en"),
    ({"LANG": "zh_CN.UTF-8"}, "zh"),
    ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_TW.UTF-8"}, "zh"),
    ({"LANG": "zh_CN.UTF-8", "LC_ALL": "C"}, "en"),
    ({"LC_ALL": "C", "CONTRACTGEN_LANG": "zh"}, "zh"),
    ({"LANG": "zh_CN.UTF-8", "CONTRACTGEN_LANG": "en"}, "en"),
    ({"CONTRACTGEN_LANG": "", "LANG": "zh_SG"}, "zh"),
])
def test_language_follows_the_environment(environ, env, expected):
    for name, value in env.items():
        environ.setenv(name, value)
    assert language() == expected


def test_an_explicit_choice_wins_and_ends_with_its_block(environ):
    environ.setenv("LANG", "zh_CN.UTF-8")
    with use_language("en"):
        assert language() == "en"
        with use_language(None):
            assert language() == "en"
    assert language() == "zh"


def test_cli_lang_option_and_locale(environ):
    runner = CliRunner()
    zh = runner.invoke(cli, ["--lang", "zh", "vars", "no-such-industry"])
    assert zh.exit_code == 2 and zh.output.startswith("错误：")
    assert language() == "en", "--lang must not outlive its command"
    by_locale = runner.invoke(cli, ["vars", "no-such-industry"], env={"LANG": "zh_CN.UTF-8"})
    assert by_locale.output.startswith("错误：")
    english = runner.invoke(cli, ["vars", "no-such-industry"], env={"LANG": "C"})
    assert english.output.startswith("error: ")


# --- rendering ---------------------------------------------------------------------------------------

def test_problems_render_in_the_language_shown_not_the_one_made_in():
    problem = Problem("h.yaml", 25, "sign_date", msg("cli.error", message="x"), label="签订日期")
    shipped = pickle.loads(pickle.dumps(SpecError([problem])))  # as from a build's worker process
    assert shipped.problems == (problem,)
    assert problem.code == "cli.error" and problem.params == {"message": "x"}
    with use_language("zh"):
        assert str(shipped) == "h.yaml:25：签订日期（sign_date）：错误：x"
    with use_language("en"):
        assert str(shipped) == "h.yaml:25: sign_date: error: x"
    assert str(Problem("h.yaml", 3, "", "plain", column=7)) == "h.yaml:3:7: plain"


def test_usage_errors_render_late_and_pickle():
    error = pickle.loads(pickle.dumps(UsageError(msg("cli.problem-count", count=3))))
    with use_language("zh"):
        assert str(error) == "共发现 3 处问题"
    assert str(error) == "3 problems found"


def test_quotes_lists_and_nested_messages_follow_the_language(catalogs):
    po = {"zh": 'msgid "t.x"\nmsgstr "未知行业{name!q}，可选：{names!q}；{inner}；{n!q}、{flag!q}、{nothing!q}"\n',
          "en": 'msgid "t.x"\nmsgstr "unknown industry {name!q}; one of: {names}; {inner}; {n!q}, {flag!q}, {nothing!q}"\n'}
    catalogs(po)
    params = {"name": "hotl", "names": ("hotel", "telecom"), "inner": msg("cli.error", message="y"), "n": 5,
              "flag": True, "nothing": None}
    assert render("t.x", params, "zh") == "未知行业“hotl”，可选：“hotel”、“telecom”；错误：y；5、是、空"
    assert render("t.x", params, "en") == "unknown industry 'hotl'; one of: hotel, telecom; error: y; 5, True, None"


def test_an_unknown_id_shows_itself_instead_of_failing():
    assert render("no.such-message", {"n": 1}, "zh") == "no.such-message n=1"


# --- catalogs ----------------------------------------------------------------------------------------

def test_both_catalogs_hold_the_same_ids_and_every_id_the_code_uses():
    zh, en = catalog("zh"), catalog("en")
    assert sorted(zh) == sorted(en), "an id is in one catalog only"
    assert list(zh) == sorted(zh) and list(en) == sorted(en), "keep the catalogs sorted by id"
    assert not [k for k, v in {**zh, **en}.items() if not v.strip()], "an empty text"
    ids, patterns = used_ids()
    assert len(ids) > 100, "the scan finds the ids"
    missing = ids - zh.keys()
    assert not missing, f"ids used in the code but missing from the catalogs: {sorted(missing)}"
    unmatched = {p for p in patterns if not any(re.fullmatch(p, code) for code in zh)}
    assert not unmatched, f"ids made in the code that match no catalog entry: {sorted(unmatched)}"


def test_chinese_texts_carry_no_jargon_and_every_text_formats():
    zh, en = catalog("zh"), catalog("en")
    jargon = {k: v for k, v in zh.items() if JARGON.search(re.sub(r"{[^}]*}", "", v))}
    assert not jargon, jargon
    for code in zh:  # every text formats: braces paired, conversions known
        names = set(re.findall(r"(?<!{){(\w+)", zh[code] + en[code]))
        for lang in ("zh", "en"):
            render(code, {n: "x" for n in names}, lang)


def test_an_edited_catalog_takes_effect_and_an_unwritable_cache_is_no_failure(catalogs, tmp_path, monkeypatch):
    catalogs({"zh": 'msgid "t.x"\nmsgstr "第一版"\n', "en": 'msgid "t.x"\nmsgstr "one"\n'})
    assert render("t.x", {}, "zh") == "第一版"
    assert list((tmp_path / "cache" / "locale").glob("zh-*.mo"))
    catalogs({"zh": 'msgid "t.x"\nmsgstr "第二版"\n', "en": 'msgid "t.x"\nmsgstr "two"\n'})
    assert render("t.x", {}, "zh") == "第二版"
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("CONTRACTGEN_CACHE_DIR", str(blocker))
    i18n.translations.cache_clear()
    assert render("t.x", {}, "en") == "two"


@pytest.fixture
def catalogs(tmp_path, monkeypatch):
    """Point i18n at catalogs holding the shipped entries plus extra ones (one .po text per language)."""
    root = tmp_path / "locale"
    monkeypatch.setattr(i18n, "LOCALE_DIR", root)
    monkeypatch.setenv("CONTRACTGEN_CACHE_DIR", str(tmp_path / "cache"))

    def write(entries: dict[str, str]) -> None:
        shutil.rmtree(root, ignore_errors=True)
        for lang, extra in entries.items():
            target = root / lang / "LC_MESSAGES" / "contractgen.po"
            target.parent.mkdir(parents=True)
            shipped = (SRC / "locale" / lang / "LC_MESSAGES" / "contractgen.po").read_text(encoding="utf-8")
            target.write_text(shipped + "\n" + extra, encoding="utf-8")
        i18n.translations.cache_clear()

    yield write
    i18n.translations.cache_clear()


def test_click_speaks_chinese_too(environ):
    from contractgen import click_messages

    en = catalog("en")
    for english, code in click_messages.SINGULAR.items():
        assert en[code] == english, code  # English stays click's own text
    for english, (one, _many) in click_messages.PLURAL.items():
        assert en[one] == english, one
    runner = CliRunner()
    missing = runner.invoke(cli, ["build"], env={"LANG": "zh_CN.UTF-8"}, prog_name="contractgen")
    assert missing.exit_code == 2
    assert "用法： contractgen build [OPTIONS] SPEC..." in missing.output
    assert "错误：缺少参数 'SPEC...'." in missing.output and "查看帮助" in missing.output
    option = runner.invoke(cli, ["build", "x.yaml", "-o"], env={"LANG": "zh_CN.UTF-8"})
    assert "错误：选项“-o”后面需要写一个值。" in option.output
    english = runner.invoke(cli, ["build", "x.yaml", "--nope"], env={"LANG": "C"})
    assert "Error: No such option '--nope'. Did you mean '--force'?" in english.output


def test_no_message_is_written_as_plain_text_any_more():
    """Problems and our errors carry message ids: a sentence in the code would reach Chinese users in English.
    (``ValueError`` and the like are programmers' errors, shown only as internal errors.)"""
    plain = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            ours = name in ("UsageError", "ContractgenError") or name.endswith(("InputError", "SpecError", "LibraryError"))
            given = node.args[3:4] if name == "Problem" else node.args[:1] if ours else []
            given += [k.value for k in node.keywords if k.arg in ("msg", "message")] if name == "Problem" else []
            if any(isinstance(a, (ast.JoinedStr, ast.BinOp)) or (isinstance(a, ast.Constant) and isinstance(a.value, str))
                   for a in given):
                plain.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert not plain, f"write these as msg(\"area.what\", ...) with a catalog entry: {plain}"
