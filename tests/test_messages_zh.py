"""What a Chinese user reads: YAML mistakes explained in words, spec problems naming the field's label."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from contractgen.cli import cli
from contractgen.errors import InputError
from contractgen.i18n import use_language
from contractgen.yamlio import parse_yaml

YAML_MISTAKES = [
    ("a: 1\nb:\n\tc: 2\n", "yaml.tab", "s.yaml:3:1：这一行用了制表符（Tab）缩进"),
    ("industry:hotel\nsign_date: 2026-12-01\n", "yaml.colon-space", "第 1 行的冒号后缺少空格：应写作“industry: hotel”"),
    ("industry: hotel\ntitle:酒店合同\nsign_place: x\n", "yaml.colon-space", "第 2 行的冒号后缺少空格：应写作“title: 酒店合同”"),
    ("parties:\n  customer:\n    name:李明\n    phone: 1\n", "yaml.colon-space", "第 3 行的冒号后缺少空格"),
    ('a: "abc\nb: 2\n', "yaml.unclosed-quote", "第 1 行开始的引号没有结束"),
    ("a: 'abc\nb: 2\n", "yaml.unclosed-quote", "第 1 行开始的引号没有结束"),
    ("name: 李明: 客人\n", "yaml.colon-in-value", "这一行多了一个冒号"),
    ("a:\n  b: 1\n   c: 2\n", "yaml.indent", "缩进不一致"),
    ("a:\n    b: 1\n  c: 2\n", "yaml.indent", "缩进不一致"),
    ("a: 1\n- b\n", "yaml.indent", "缩进不一致"),
    ("a: [1, 2\nb: 3\n", "yaml.unclosed-bracket", "第 1 行开始的方括号“[”或花括号“{”没有对应的“]”或“}”"),
    ("a: {b: 1\n", "yaml.unclosed-bracket", "第 1 行开始的方括号"),
    ('a: "x" y\n', "yaml.text-after-quote", "引号结束后同一行还有文字"),
    ("a: @x\n", "yaml.reserved-character", "值不能以“@”开头"),
    ("a: *x\n", "yaml.undefined-alias", "引用（*）的锚点不存在"),
    ("a: !!python/object/apply:os.system [ls]\n", "yaml.tag", "不允许使用以“!”开头的标签写法"),
    ("a: 1\na: 2\n", "yaml.duplicate-key", "s.yaml:2：a：键重复（第 1 行已经写过）"),
    ("a: \x0b\n", "yaml.control-character", "看不见的控制字符（U+000B）"),
]


@pytest.mark.parametrize(("text", "code", "expected"), YAML_MISTAKES, ids=[c for _, c, _ in YAML_MISTAKES])
def test_yaml_mistakes_are_explained_in_chinese(text, code, expected):
    with pytest.raises(InputError) as info:
        parse_yaml(text, "s.yaml")
    (problem,) = info.value.problems
    assert problem.code == code
    with use_language("zh"):
        shown = str(problem)
    assert expected in shown, shown
    assert not any(word in shown for word in ("found", "expected", "token", "scalar", "mapping"))
    assert str(problem).startswith("s.yaml:")  # and English is PyYAML's own words, as before


def test_a_spec_with_errors_reads_chinese_only_under_a_chinese_locale(tmp_path):
    spec = tmp_path / "h.yaml"
    spec.write_text("industry: hotel\nfoo: 1\nsign_date: 2026-13-01\nvalues:\n  term_years: 99\n  publication_cycle: 年\n"
                    "parties:\n  customer:\n    name: 李明\n    phone: abc\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(spec), "-o", str(tmp_path / "out")],
                                env={"LANG": "zh_CN.UTF-8", "CONTRACTGEN_LANG": None})
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert f"错误：{spec}:3：签订日期（sign_date）：应为真实日期，例如 2026-12-01，实际为“2026-13-01”" in lines
    assert f"错误：{spec}:5：合同有效期（年）（values.term_years）：应为整数，范围为 1 至 30，实际为99" in lines
    assert f"错误：{spec}:10：甲方联系电话（parties.customer.phone）：联系电话“abc”有误：不是电话号码" in lines
    assert lines[-1].startswith("共发现 ") and lines[-1].endswith(" 处问题")
    english = {"error", "must", "got", "unknown", "required", "problems"}
    assert not [line for line in lines if english & set(line.replace(":", " ").split())], result.output
