"""The Markdown renderer: a contract a reviewer can read in git, where a value can never become markup."""

from __future__ import annotations

import dataclasses
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contractgen.errors import UsageError
from contractgen.model import Contract, Paragraph, Run
from contractgen.render import RenderOptions, render
from contractgen.render.markdown import escape_inline, escape_line_start, render_markdown
from tests.sample_contract import sample_contract


def with_provider_name(contract: Contract, name: str) -> Contract:
    provider = contract.parties[1]
    run = dataclasses.replace(provider.name, text=name, raw=name)
    return dataclasses.replace(contract, parties=(contract.parties[0], dataclasses.replace(provider, name=run)))


def with_preamble(contract: Contract, text: str) -> Contract:
    """A preamble that starts with a value (so the value opens a Markdown line)."""
    run = Run(text, kind="value", var="x", raw=text)
    return dataclasses.replace(contract, preamble=(Paragraph((run, Run("。"))),))


_CELL_BAR = re.compile(r"(?<!\\)\|")


def block_kinds(markdown: str) -> list[str]:
    """What CommonMark would make of each line start: the structure a value must not change."""
    kinds = []
    for line in markdown.split("\n"):
        if not line.strip():
            kinds.append("blank")
        elif re.match(r" {4}|\t", line):
            kinds.append("code")
        elif m := re.match(r"(#{1,6})( |$)", line):
            kinds.append(f"h{len(m.group(1))}")
        elif re.match(r" {0,3}([-*_])( *\1){2,} *$", line):
            kinds.append("hr")
        elif re.match(r" {0,3}[-+*]( |$)", line):
            kinds.append("bullet")
        elif re.match(r" {0,3}\d{1,9}[.)]( |$)", line):
            kinds.append("ordered")
        elif re.match(r" {0,3}>", line):
            kinds.append("quote")
        elif re.match(r" {0,3}(```|~~~)", line):
            kinds.append("fence")
        elif re.match(r" {0,3}<", line):
            kinds.append("html")
        elif re.match(r" {0,3}=+ *$", line):
            kinds.append("setext")
        elif line.startswith("|"):
            kinds.append(f"row{len(_CELL_BAR.findall(line))}")
        else:
            kinds.append("text")
    return kinds


def unescaped(markdown: str, chars: str) -> list[str]:
    """Occurrences of any of ``chars`` not preceded by a backslash."""
    return re.findall(r"(?<!\\)[" + re.escape(chars) + "]", markdown)


# --------------------------------------------------------------------------- layout

def test_markdown_reads_like_the_contract() -> None:
    md = render_markdown(sample_contract(), RenderOptions())
    lines = md.split("\n")
    assert lines[0] == "# 酒店住宿服务反馈和评价合同"
    for block in (
        "合同编号：HT-2026-001",
        "**甲方（客人）**：李明\n- 身份证号码：",
        "\n- 联系电话：13800138000\n\n**乙方（酒店）**：上海浦江酒店管理有限公司\n- 统一社会信用代码：",
        "根据《中华人民共和国民法典》等法律法规，甲乙双方经友好协商，订立本合同。",
        "## 第一条　总则\n\n为明确服务反馈和评价机制",
        "## 第二条　服务评价\n\n**2.1 评价方式** 乙方应根据实际情况选择适当的评价方式，包括但不限于：\n\n"
        "（1）在线评价；\n\n（2）电话评价。",
        "**2.2 评价时间** 甲方应在服务完成后7日内进行评价，详见第三条。",
        "## 第三条　违约责任\n\n3.1 乙方未按照约定提供服务的，应向甲方支付违约金人民币 12,800.00 元（大写：壹万贰仟捌佰元整）。",
        "（以下无正文）\n\n| 甲方 | 乙方 |\n| --- | --- |\n| 甲方（签字）： | 乙方（盖章）：上海浦江酒店管理有限公司 |\n"
        "|   | 法定代表人或授权代表（签字）： |\n| 日期：2026年12月1日 | 日期：2026年12月1日 |",
        "签订地点：上海市浦东新区",
    ):
        assert block in md, block
    headings = [line for line in lines if line.startswith("#")]
    assert headings == ["# 酒店住宿服务反馈和评价合同", "## 第一条　总则", "## 第二条　服务评价", "## 第三条　违约责任"]
    assert md.endswith("签订地点：上海市浦东新区\n") and not md.endswith("\n\n")
    assert "附件" not in md


def test_markdown_is_deterministic_utf8() -> None:
    contract = sample_contract()
    first = render(contract, "md", RenderOptions(bundle=True))
    assert first == render(contract, "md", RenderOptions(bundle=True))
    assert first.decode("utf-8") == render_markdown(contract, RenderOptions(bundle=True))


def test_bundle_appends_annexes_with_forms_as_tables() -> None:
    md = render_markdown(sample_contract(), RenderOptions(bundle=True))
    tail = md[md.index("签订地点"):]
    assert tail.index("# 附件一：酒店服务评价表") < tail.index("# 附件二：隐私保护政策")
    assert ("| 评价维度 | 评价项目 | 非常满意 | 满意 | 一般 | 不满意 | 非常不满意 |\n"
            "| --- | --- | :-: | :-: | :-: | :-: | :-: |\n"
            "| 清洁度 | 客房整洁 | ☐ | ☐ | ☐ | ☐ | ☐ |\n"
            "|   | 卫生间清洁 | ☐ | ☐ | ☐ | ☐ | ☐ |\n"
            "| 服务质量 | 前台服务热情 | ☐ | ☐ | ☐ | ☐ | ☐ |") in md
    assert "| 入住日期 |   |" in md and "**意见和建议**：" in md
    assert "评价人（签字）：＿＿＿＿＿＿　　日期：＿＿＿＿＿＿" in md
    assert "## 一、总则\n\n乙方上海浦江酒店管理有限公司重视个人信息保护。" in md


def test_part_is_the_annex_alone() -> None:
    md = render_markdown(sample_contract(), RenderOptions(part="privacy-policy"))
    assert md.startswith("# 附件二：隐私保护政策\n\n《酒店住宿服务反馈和评价合同》附件（合同编号：HT-2026-001）\n\n")
    assert "第一条" not in md and "附件一" not in md
    with pytest.raises(UsageError, match="privacy-policy"):
        render_markdown(sample_contract(), RenderOptions(part="missing"))


def test_draft_lists_its_blanks() -> None:
    md = render_markdown(sample_contract(draft=True), RenderOptions())
    assert md.startswith("> **草稿**：本文本尚未定稿，不得作为正式合同签署。尚有 1 处待填写：评价期限。\n\n# ")
    assert "甲方应在服务完成后＿＿＿＿（评价期限）日内进行评价" in md


# --------------------------------------------------------------------------- escaping

@pytest.mark.parametrize("value", [
    "<script>alert(1)</script>", "# 标题", "## 第九条　伪造条款", "- 列表", "1. 列表", "> 引用",
    "**加粗**", "| 表 | 格 |", "[链接](http://example.com)", "![图](file:///etc/passwd)", "`代码`",
    "~~删除~~", "---", "===", "    缩进代码", "a\n# 换行标题", "a\n\n段落\n| x |", "&lt;b&gt;", "_斜体_",
    "<http://example.com>", "2) 项",
])
def test_a_value_cannot_add_structure(value: str) -> None:
    plain = sample_contract()
    for make in (with_provider_name, with_preamble):
        benign = render_markdown(make(plain, "甲"), RenderOptions(bundle=True))
        hostile = render_markdown(make(plain, value), RenderOptions(bundle=True))
        assert block_kinds(hostile) == block_kinds(benign), value
        assert unescaped(hostile, "<*_`[]|~&") == unescaped(benign, "<*_`[]|~&"), value


@settings(max_examples=150, deadline=None)
@given(st.text(min_size=1, max_size=30))
def test_any_value_keeps_the_structure(value: str) -> None:
    plain = sample_contract()
    benign = render_markdown(with_preamble(plain, "甲"), RenderOptions())
    hostile = render_markdown(with_preamble(plain, value), RenderOptions())
    assert block_kinds(hostile) == block_kinds(benign)
    assert unescaped(hostile, "<*_`[]|~&") == unescaped(benign, "<*_`[]|~&")


@given(st.text(min_size=1, max_size=30))
def test_escaping_keeps_every_character(value: str) -> None:
    escaped = escape_line_start(escape_inline(value))
    # dropping the escapes and leading blanks, and folding line breaks, gives the value back
    unescape = re.sub(r"\\(.)", r"\1", escaped)
    folded = re.sub(r"[ \t]*[\r\n\v\f\x85\u2028\u2029]+[ \t]*", " ", value).lstrip(" \t")
    assert unescape == folded


def test_full_width_space_is_kept() -> None:
    assert escape_inline("第三条　服务评价") == "第三条　服务评价"
    assert escape_line_start(escape_inline("3.1 乙方")) == "3.1 乙方"  # not a list marker
    assert escape_line_start(escape_inline("1. 乙方")) == "1\\. 乙方"
