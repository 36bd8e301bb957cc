"""The contract register (#13): 应当 in the contracts as in the annexes, no 仅得, no 条款与条件, no
包括但不限于……等, and a clause calling itself by the word its printed number uses (本条 beside 第9.2条,
本款 beside 第九条第（二）款) — asserted on every industry's built text, and lint refusing the words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from contractgen.compose import compose
from contractgen.library import load_library
from contractgen.lint import REGISTER, lint
from contractgen.render import RenderOptions, render
from contractgen.spec import parse_spec, starter_spec

LIBRARY = load_library()
INDUSTRIES = tuple(i.id for i in LIBRARY.industries)
CUSTOMERS = {
    "consumer": {"type": "person", "name": "李明", "id_number": "110105199003071239", "address": "北京市朝阳区建国路88号",
                 "phone": "13800138000"},
    "business": {"type": "organization", "name": "北京某某科技有限公司", "credit_code": "91110000802100433B",
                 "address": "北京市海淀区中关村大街1号", "representative": "张三"},
}


def built(industry: str, profile: str, library=LIBRARY, frame: str = "standalone", optional: bool = True) -> str:
    """The contract and its annexes as one Markdown text, every optional clause included (or none)."""
    data = yaml.safe_load(starter_spec(library, industry, example=True))
    data.update(profile=profile, frame=frame)
    data["parties"]["customer"] = CUSTOMERS[profile]
    taken = {v.name for v in library.variables_for(industry, profile)}
    data["values"] = {k: v for k, v in data["values"].items() if k in taken}
    if frame == "supplement":
        data["main_contract"] = {"title": "《服务合同》", "date": "2026-09-01"}
    data["include"] = [n.id for n in library.includable(industry, profile) if optional and "." not in n.id]
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return render(compose(parse_spec(text.encode(), "spec.yaml"), library), "md", RenderOptions(bundle=True)).decode()


@pytest.mark.parametrize("frame", ["standalone", "supplement"])
@pytest.mark.parametrize("profile", ["consumer", "business"])
@pytest.mark.parametrize("industry", INDUSTRIES)
def test_no_word_out_of_the_register_in_any_built_text(industry: str, profile: str, frame: str) -> None:
    text = built(industry, profile, frame=frame)
    for code, pattern in REGISTER.items():
        assert not pattern.search(text), (code, pattern.search(text) and text[pattern.search(text).start() - 20:][:40])
    assert "应当" in text and "本款" not in text  # decimal numbering: a clause is 第9.2条 and calls itself 本条


def test_a_clause_calls_itself_as_its_number_reads(tmp_path: Path) -> None:
    decimal = built("education", "consumer", optional=False)
    assert re.search(r"\*\*\d+\.\d+ 隐私保护\*\* 乙方应当依照", decimal)
    assert re.search("本条未约定的事项，适用本合同第[一二三四五六七八九十]+条的约定", decimal)
    (tmp_path / "clauses").mkdir()
    (tmp_path / "clauses" / "library.yaml").write_text("library:\n  numbering: chinese\n", encoding="utf-8")
    chinese = built("education", "consumer", load_library([tmp_path]), optional=False)
    assert re.search("本款未约定的事项，适用本合同第[一二三四五六七八九十]+条的约定", chinese) and "本条未约定" not in chinese
    assert re.search("依照本合同第[一二三四五六七八九十]+条第（[一二三四五六七八九十]+）款的约定处理", chinese)


def test_a_clause_names_its_article_by_number() -> None:
    text = built("education", "consumer", optional=False)
    assert re.search("第[一二三四五六七八九十]+条未约定的事项，依照", text)  # 预付款 4.5: the article, not the clause
    assert re.search("第[一二三四五六七八九十]+条约定的送达地址和送达方式", text)


@pytest.mark.parametrize(("wording", "code"), [
    ("乙方应在五日内答复。", "lint.register-ying"),
    ("乙方仅得为此目的处理。", "lint.register-jinde"),
    ("确立双方之间的条款与条件。", "lint.register-terms-and-conditions"),
    ("包括但不限于电话、邮件等。", "lint.register-not-limited-etc"),
])
def test_lint_refuses_each_word(tmp_path: Path, wording: str, code: str) -> None:
    (tmp_path / "clauses").mkdir()
    (tmp_path / "clauses" / "extra.yaml").write_text(
        "clauses:\n  - id: extra.words\n    kind: optional\n    version: 1.0.0\n    article: other\n    order: 90\n"
        f"    text: |\n      {wording}\n", encoding="utf-8")
    found = [p for p in lint([tmp_path]) if p.code.startswith("lint.register")]
    assert [(p.code, p.line) for p in found] == [(code, 8)]


def test_lint_keeps_the_words_that_only_look_like_a_bare_ying() -> None:
    ying = REGISTER["lint.register-ying"]
    for fine in ("相应的", "响应时间", "对应的价款", "供应酒精饮料", "适应运行环境", "过敏反应", "应急预案",
                 "应用程序", "为应对突发事件", "紧急情况应对", "乙方应当", "乙方应当当场", "退还应退的房费"):
        assert not ying.search(fine), fine
    assert ying.search("乙方应对评价结果进行整理") and ying.search("乙方应立即") and ying.search("并应退还")


def test_lint_refuses_a_clause_saying_benti(tmp_path: Path) -> None:
    (tmp_path / "clauses").mkdir()
    (tmp_path / "clauses" / "extra.yaml").write_text(
        "clauses:\n  - id: extra.self\n    kind: optional\n    version: 1.0.0\n    article: other\n    order: 90\n"
        "    text: |\n      本条未约定的事项，适用法律的规定。\n", encoding="utf-8")
    assert [p.code for p in lint([tmp_path]) if p.code == "lint.clause-says-article"] == ["lint.clause-says-article"]
