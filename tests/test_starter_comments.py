"""What `init` and `vars` show a person about a blank: its type and form in words, never a pattern.

A starter spec's comment says of each variable what kind of value it takes (文本, 整数, 金额…) and, for a
text that must have a form, which form (电子邮箱地址); a value of the wrong form is refused naming that
form, in Chinese and English. The pattern itself stays in the library, for the program.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from contractgen.cli import cli
from contractgen.compose import compose
from contractgen.errors import LibraryError, SpecError
from contractgen.i18n import use_language
from contractgen.library import VAR_TYPES, load_library, type_name
from contractgen.lint import lint
from contractgen.spec import parse_spec, starter_spec

LIBRARY = load_library()
INDUSTRIES = tuple(i.id for i in LIBRARY.industries)
ZH_TYPES = {type_name(t).render("zh") for t in VAR_TYPES}
REGEX = re.compile(r"[\^$\\|\[\]]|\(\?|\.\*|\{\d")
"""What a regular expression looks like to someone who does not write them."""
def comments(spec: str) -> list[str]:
    """The comment text of every line of a starter spec."""
    found = []
    for line in spec.splitlines():
        if line.lstrip().startswith("#"):
            found.append(line.lstrip()[1:])
        elif "   # " in line:
            found.append(line.split("   # ", 1)[1])
    return found


@pytest.mark.parametrize("industry", INDUSTRIES)
@pytest.mark.parametrize(("example", "zh"), [(False, False), (True, False), (False, True), (True, True)])
def test_starter_comments_show_no_pattern(industry, example, zh):
    spec = starter_spec(LIBRARY, industry, example=example, zh=zh)
    assert [c for c in comments(spec) if REGEX.search(c)] == []
    for variable in LIBRARY.variables:
        if variable.pattern:
            assert variable.pattern not in spec


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_every_variable_comment_names_its_type_in_chinese(industry):
    lines = starter_spec(LIBRARY, industry, example=False).splitlines()
    profile = "consumer" if LIBRARY.industry[industry].customer_type == "person" else "business"
    for variable in LIBRARY.variables_for(industry, profile):
        head = f"  # {variable.label}：{variable.description}（"  # then 类型；最小 ……；默认 ……）
        comment = next(line for line in lines if line.startswith(head))
        facts = comment[len(head):-1].split("；")
        assert facts[0] in ZH_TYPES, comment
        assert not re.search(r"\b(string|int|decimal|money|date|enum|bool)\b", comment), comment


def test_a_patterned_text_says_which_form_it_takes():
    spec = starter_spec(LIBRARY, "education", example=False)
    email = next(line for line in spec.splitlines() if line.lstrip().startswith("# 个人信息保护联系邮箱："))
    assert "（文本；应为电子邮箱地址；默认 privacy@example.com）" in email
    phone = next(line for line in spec.splitlines() if line.lstrip().startswith("# 技术支持服务热线："))
    assert "；应为400或者800热线、固定电话、手机号码或者短号码；" in phone


def test_vars_names_types_and_forms_in_words_and_json_keeps_them_for_tools():
    zh = CliRunner().invoke(cli, ["--lang", "zh", "vars", "education"])
    en = CliRunner().invoke(cli, ["--lang", "en", "vars", "education"])
    assert zh.exit_code == en.exit_code == 0
    row = next(line for line in zh.output.splitlines() if line.startswith("privacy_contact_email "))
    assert "文本（电子邮箱地址）" in row
    assert re.search(r"^term_years\s+整数\s", zh.output, re.M)
    assert re.search(r"^privacy_contact_email\s+text \(电子邮箱地址\)\s", en.output, re.M)
    assert not REGEX.search(zh.output) and not REGEX.search(en.output)
    rows = {r["name"]: r for r in json.loads(CliRunner().invoke(cli, ["vars", "education", "--json"]).output)}
    assert rows["privacy_contact_email"]["type"] == "string"
    assert rows["privacy_contact_email"]["pattern_label"] == "电子邮箱地址" and rows["privacy_contact_email"]["pattern"]


@pytest.mark.parametrize(("lang", "shown"), [("zh", "应为电子邮箱地址，例如“privacy@service-demo.cn”"),
                                             ("en", 'must be 电子邮箱地址, for example "privacy@service-demo.cn"')])
def test_a_value_of_the_wrong_form_is_refused_naming_the_form(lang, shown):
    data = yaml.safe_load(starter_spec(LIBRARY, "education", example=True))
    data["values"]["privacy_contact_email"] = "隐私邮箱"
    spec = parse_spec(yaml.safe_dump(data, allow_unicode=True).encode(), "s.yaml")
    with pytest.raises(SpecError) as info:
        compose(spec, LIBRARY)
    (problem,) = [p for p in info.value.problems if p.field == "values.privacy_contact_email"]
    with use_language(lang):
        message = str(problem.msg)
    assert shown in message and not REGEX.search(message)


def layer(tmp_path: Path, keys: str) -> Path:
    """A company layer with one text variable (``keys`` added to its declaration) used by one clause."""
    (tmp_path / "clauses").mkdir(parents=True)
    declared = "".join(f"    {key}\n" for key in keys.splitlines())
    (tmp_path / "clauses" / "900-v.yaml").write_text(
        "variables:\n  company_code:\n    type: string\n    label: 公司代码\n    description: 公司内部代码。\n"
        f"{declared}    default: AB12\n"
        "clauses:\n  - id: evaluation.code\n    article: evaluation\n    order: 99\n    kind: base\n"
        "    version: 1.0.0\n    text: 公司代码：{{ company_code }}。\n", encoding="utf-8")
    return tmp_path


def test_lint_wants_a_pattern_named_in_words(tmp_path):
    found = [p for p in lint([layer(tmp_path / "a", "pattern: '^[A-Z]{2}[0-9]{2}$'")]) if p.code == "lint.pattern-unlabelled"]
    assert [(p.field, p.label) for p in found] == [("variables.company_code.pattern_label", "公司代码")]
    labelled = layer(tmp_path / "b", "pattern: '^[A-Z]{2}[0-9]{2}$'\npattern_label: 两个大写字母加两位数字")
    assert [p for p in lint([labelled]) if p.code == "lint.pattern-unlabelled"] == []
    assert next(v for v in load_library([labelled]).variables if v.name == "company_code").pattern_label == (
        "两个大写字母加两位数字")


def test_a_pattern_label_without_a_pattern_is_refused(tmp_path):
    with pytest.raises(LibraryError) as info:
        load_library([layer(tmp_path, "pattern_label: 两个大写字母加两位数字")])
    assert [p.field for p in info.value.problems] == ["variables.company_code.pattern_label"]
