"""The contract spec: one small YAML file per contract, read as data, and the starter specs.

A spec names the industry, the parties, the values of the blanks and the options (included
optional clauses, excluded clauses, chosen alternatives, annexes). This module reads it (keeping
line numbers for messages) and writes the commented starter spec of ``contractgen init``; checking
it against the library is the composer's job, so every problem is reported in one pass.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import Problem, SpecError
from .files import UnreadableFile, read_bounded
from .i18n import msg
from .library import ArticleDef, ClauseDef, Library, Variable
from .yamlio import MAX_FILE_BYTES, YamlMap, decode, parse_yaml

SPEC_KEYS = ("industry", "contract_no", "title", "sign_date", "sign_place", "parties", "values", "include",
             "exclude", "choose", "annexes")
PARTY_KEYS = ("type", "name", "credit_code", "id_number", "address", "representative", "contact", "phone", "email")
PARTY_ROLES = ("customer", "provider")
EMPTY = '""'
FIELD_LABELS = {
    "industry": "行业", "contract_no": "合同编号", "title": "合同标题", "sign_date": "签订日期", "sign_place": "签订地点",
    "parties": "当事人", "values": "合同取值", "include": "加入的可选条款", "exclude": "删除的条款", "choose": "备选条款",
    "annexes": "附件",
}
"""The Chinese label of each top-level spec key, named beside the key in Chinese messages."""
PARTY_FIELD_LABELS = {
    "type": "类型", "name": "名称/姓名", "credit_code": "统一社会信用代码", "id_number": "身份证号码", "address": "住所",
    "representative": "法定代表人", "contact": "联系人", "phone": "联系电话", "email": "电子邮箱",
}
ROLE_LABELS = {"customer": "甲方", "provider": "乙方"}


@dataclass(frozen=True)
class Spec:
    """A parsed spec: its data with line numbers, and where it came from."""

    path: str
    """The file as the user named it (used in every message)."""
    data: YamlMap
    sha256: str
    """Of the file's bytes, recorded in the build manifest."""


def load_spec(path: Path, display: str | None = None) -> Spec:
    """Read a spec file; YAML errors and a non-mapping top level are ``SpecError``."""
    display = display or str(path)
    try:
        raw = read_bounded(path, MAX_FILE_BYTES)
    except UnreadableFile as exc:
        reason = msg("spec.is-folder") if exc.reason.code == "file.is-folder" else exc.reason
        raise SpecError([Problem(display, None, "", reason)]) from None
    return parse_spec(raw, display)


def parse_spec(raw: bytes, display: str) -> Spec:
    """A spec from the bytes of its file."""
    try:
        data = parse_yaml(decode(raw, display), display)
    except SpecError:
        raise
    except Exception as exc:  # InputError from yamlio: re-raise as a spec error with the same problems
        problems = getattr(exc, "problems", None)
        if problems is None:
            raise
        raise SpecError(problems) from None
    if not isinstance(data, dict):
        raise SpecError([Problem(display, 1, "", msg("spec.must-be-mapping"))])
    return Spec(display, data, hashlib.sha256(raw).hexdigest())


def field_label(field: str, library: Library) -> str:
    """The Chinese label of a spec field (``values.term_years`` → the variable's label), or empty."""
    parts = re.sub(r"\[\d+\]", "", field).split(".")
    top = parts[0]
    if len(parts) == 1:
        return FIELD_LABELS.get(top, "")
    rest = ".".join(parts[1:])
    if top == "values":
        variable = library.variable.get(rest)
        return variable.label if variable else ""
    if top == "parties" and parts[1] in ROLE_LABELS:
        return ROLE_LABELS[parts[1]] + (PARTY_FIELD_LABELS.get(parts[2], "") if len(parts) > 2 else "")
    if top == "choose":
        group = library.alternatives().get(rest)
        return _group_title(library, group) if group else ""
    return ""


def _group_title(library: Library, alternatives: tuple[ArticleDef | ClauseDef, ...]) -> str:
    """An alternative group's name for people: the title of the article it chooses in (or of the articles)."""
    first = alternatives[0]
    article = library.node.get(first.article) if isinstance(first, ClauseDef) else first
    return article.title if article is not None else first.title


# --- starter specs -------------------------------------------------------------------------------

EXAMPLE_PARTIES: dict[str, dict[str, str]] = {
    "organization": {"name": "上海申江企业管理有限公司", "credit_code": "91310115MA1K4BCD16",
                     "address": "上海市浦东新区张江路100号", "representative": "张伟",
                     "phone": "021-50801234", "email": "legal@shenjiang.example.cn"},
    "person": {"name": "李明", "id_number": "110105199003071239", "address": "北京市朝阳区建国路88号",
               "phone": "13800138000"},
    "provider": {"name": "", "credit_code": "91310106MA1FL7TX0N", "address": "上海市静安区南京西路1266号",
                 "representative": "王建国", "phone": "021-62881234", "email": "service@provider.example.cn"},
}
PROVIDER_NAMES = {
    "education": "上海启明在线教育科技有限公司", "hotel": "上海浦江酒店管理有限公司",
    "telecom": "华东信联通信服务有限公司", "software": "上海云帆软件技术有限公司",
    "car-rental": "上海畅行汽车租赁有限公司", "catering": "上海味道餐饮管理有限公司",
    "fitness": "上海动力健身服务有限公司",
}


def starter_spec(library: Library, industry: str, *, example: bool) -> str:
    """The commented starter spec of ``contractgen init`` (with ``example``: filled so it builds)."""
    ind = library.industry[industry]
    variables = library.variables_for(industry)
    lines = [
        f"# {ind.title}：合同规格（contractgen spec）",
        f"# 由 contractgen init {industry}{' --example' if example else ''} 生成。构建：contractgen build 本文件 -o 输出目录",
        f"industry: {industry}",
        f"contract_no: {_q(_example_no(industry)) if example else EMPTY}   # 合同编号（可选）",
        f"title: {_q(ind.title)}   # 合同标题（可选，默认为行业标题）",
        f"sign_date: {'2026-12-01' if example else EMPTY}   # 签订日期（YYYY-MM-DD；草稿可不填）",
        f"sign_place: {_q('上海市浦东新区') if example else EMPTY}   # 签订地点（可选）",
        "parties:",
        f"  customer:   # 甲方（{ind.customer_role}）",
    ]
    customer = EXAMPLE_PARTIES[ind.customer_type]
    lines += _party_lines(customer if example else {k: "" for k in customer}, ind.customer_type)
    lines.append(f"  provider:   # 乙方（{ind.provider_role}）")
    provider = dict(EXAMPLE_PARTIES["provider"], name=PROVIDER_NAMES.get(industry, "上海某某服务有限公司"))
    lines += _party_lines(provider if example else {k: "" for k in provider}, "organization")
    lines.append("values:   # 合同空白处的取值")
    for variable in variables:
        lines += _variable_lines(variable, example)
    optional = library.includable(industry)
    lines.append("include:   # 可选条款，按需加入（删除行首 # 即启用）：" if optional else "include: []")
    for node in optional:
        lines.append(f"  # - {node.id}   # {_describe(node)}")
    excludable = [n for n in library.node.values() if n.excludable and library.offered(n, industry)]
    lines.append("exclude: []   # 可删除的条款：" + "、".join(f"{n.id}（{_describe(n)}）" for n in excludable))
    groups = library.alternatives(industry)
    lines.append("choose:   # 备选条款（每组选一项）" if groups else "choose: {}")
    for group, alternatives in groups.items():
        default = next((n.choice for n in alternatives if n.default), alternatives[0].choice)
        options = "、".join(n.choice for n in alternatives)
        lines.append(f"  {group}: {default}   # 可选：{options}")
    lines.append(f"annexes: [{', '.join(ind.annexes)}]   # 附件（默认为行业附件）")
    return "\n".join(lines) + "\n"


def _describe(node: ArticleDef | ClauseDef) -> str:
    """A clause's title, or the start of its text when it has none."""
    if node.title:
        return node.title
    text = re.sub(r"{[{%].*?[%}]}", "……", node.text or "".join(getattr(node, "items", ())))
    return text[:24] + ("……" if len(text) > 24 else "")


def _party_lines(values: dict[str, str], kind: str) -> list[str]:
    lines = [f"    type: {kind}"]
    for key, value in values.items():
        lines.append(f"    {key}: {_q(value) if value else EMPTY}   # {PARTY_FIELD_LABELS.get(key, key)}")
    return lines


def _variable_lines(variable: Variable, example: bool) -> list[str]:
    facts = [variable.type]
    if variable.min is not None:
        facts.append(f"最小 {variable.min}")
    if variable.max is not None:
        facts.append(f"最大 {variable.max}")
    if variable.choices:
        facts.append("可选：" + "、".join(variable.choices))
    if variable.pattern:
        facts.append(f"格式 {variable.pattern}")
    facts.append("必填" if variable.required else f"默认 {_plain(variable.default)}")
    comment = f"  # {variable.label}：{variable.description}（{'；'.join(facts)}）"
    value = variable.example if variable.example is not None else variable.default
    if example:
        if value is None:
            value = _fallback_example(variable)
        return [comment, f"  {variable.name}: {_yaml_value(value)}"]
    if variable.required:
        return [comment, f"  {variable.name}:    # 必填"]
    return [comment, f"  # {variable.name}: {_yaml_value(variable.default)}"]


def _fallback_example(variable: Variable) -> Any:
    if variable.type == "enum":
        return variable.choices[0]
    if variable.type == "bool":
        return True
    if variable.type == "date":
        return dt.date(2026, 12, 1)
    if variable.type in ("int", "decimal", "money"):
        return int(variable.min) if variable.min is not None else 1
    return variable.label


def _yaml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return _q(str(value))


def _plain(value: Any) -> str:
    return _yaml_value(value).strip('"')


def _q(text: str) -> str:
    """A YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _example_no(industry: str) -> str:
    return f"{industry.upper().replace('-', '')[:4]}-2026-001"
