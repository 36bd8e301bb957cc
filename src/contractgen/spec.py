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
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import formats, names, values
from .errors import Problem, SpecError
from .files import UnreadableFile, read_bounded
from .i18n import msg
from .library import ArticleDef, ClauseDef, Library, Variable, default_profile, type_name
from .yamlio import YamlMap, decode, parse_yaml

SPEC_KEYS = ("industry", "profile", "frame", "main_contract", "contract_no", "title", "sign_date", "sign_place",
             "parties", "values", "include", "exclude", "choose", "annexes")
PARTY_KEYS = ("type", "name", "credit_code", "id_number", "address", "representative", "contact", "phone", "email",
              "agent")
PARTY_ROLES = ("customer", "provider")
GUARDIAN_KEYS = ("name", "relation", "id_number", "address", "phone", "email")
"""``parties.guardian``: the 监护人 who signs for a minor customer (a natural person, so no credit code)."""
FRAMES = ("standalone", "supplement")
"""``frame``: a complete service contract, or a 补充协议 to an existing one (``main_contract``)."""
MAIN_CONTRACT_KEYS = ("title", "number", "date")
MAX_LENGTHS = {
    "title": 100, "contract_no": 64, "sign_place": 200,
    "name": 200, "credit_code": 18, "id_number": 18, "address": 500, "representative": 100, "contact": 100,
    "phone": 30, "email": 254, "agent": 100, "relation": 20, "number": 64,
}
"""The longest text each spec field takes (characters): a company's registered name is well under 200,
an address under 500, an email address at most 254. String variables say theirs in the library
(``max_length``, else ``library.DEFAULT_MAX_LENGTH``)."""
MAX_SPEC_BYTES = 200_000
"""A whole spec: its text fields at their longest fit in a few kilobytes; 200 KB is a mistake."""
EMPTY = '""'
FIELD_LABELS = {
    "industry": "行业", "profile": "合同类型", "frame": "文本形式", "main_contract": "主合同", "contract_no": "合同编号",
    "title": "合同标题", "sign_date": "签订日期", "sign_place": "签订地点",
    "parties": "当事人", "values": "合同取值", "include": "加入的可选条款", "exclude": "删除的条款", "choose": "备选条款",
    "annexes": "附件",
}
"""The Chinese label of each top-level spec key, named beside the key in Chinese messages."""
PARTY_FIELD_LABELS = {
    "type": "类型", "name": "名称/姓名", "credit_code": "统一社会信用代码", "id_number": "身份证号码", "address": "住所",
    "representative": "法定代表人", "contact": "联系人", "phone": "联系电话", "email": "电子邮箱",
    "agent": "委托代理人", "relation": "与甲方关系",
}
ROLE_LABELS = {"customer": "甲方", "provider": "乙方", "guardian": "监护人"}
FRAME_NAMES = {"独立合同": "standalone", "合同": "standalone", "补充协议": "supplement"}
MAIN_CONTRACT_LABELS = {"title": "名称", "number": "合同编号", "date": "签订日期"}

# The Chinese names a spec may use for its keys (``签订日期: 2026-12-01``): each label, and the
# other words a legal team writes for it. ``canonical`` rewrites them to the keys.
KEY_NAMES = {**{label: key for key, label in FIELD_LABELS.items()},
             "标题": "title", "取值": "values", "可选条款": "include", "删除条款": "exclude"}
PARTY_ROLE_NAMES = {label: role for role, label in ROLE_LABELS.items()}
PARTY_KEY_NAMES = {**{label: key for key, label in PARTY_FIELD_LABELS.items()},
                   "名称": "name", "姓名": "name", "身份证号": "id_number", "住址": "address", "地址": "address",
                   "电话": "phone", "邮箱": "email", "代理人": "agent", "关系": "relation"}
PROFILE_NAMES = {"消费者合同": "consumer", "消费者": "consumer", "经营者之间的合同": "business", "经营者": "business",
                 "企业间合同": "business", "商事合同": "business"}
"""The Chinese a spec may write for ``profile``; ``canonical`` rewrites them."""
PROFILE_LABELS = {"consumer": "消费者合同", "business": "经营者之间的合同"}
MAIN_CONTRACT_KEY_NAMES = {**{label: key for key, label in MAIN_CONTRACT_LABELS.items()},
                           "标题": "title", "合同名称": "title", "编号": "number", "日期": "date"}
PARTY_TYPE_NAMES = {"自然人": "person", "个人": "person", "单位": "organization", "组织": "organization",
                    "法人": "organization", "公司": "organization", "企业": "organization"}


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
        raw = read_bounded(path, MAX_SPEC_BYTES)
    except UnreadableFile as exc:
        reason = msg("spec.is-folder") if exc.reason.code == "file.is-folder" else exc.reason
        raise SpecError([Problem(display, None, "", reason)]) from None
    return parse_spec(raw, display)


def parse_spec(raw: bytes, display: str) -> Spec:
    """A spec from the bytes of its file."""
    if len(raw) > MAX_SPEC_BYTES:
        raise SpecError([Problem(display, None, "", msg("file.too-large", size=len(raw), limit=MAX_SPEC_BYTES))])
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
    if top == "main_contract":
        return FIELD_LABELS[top] + MAIN_CONTRACT_LABELS.get(parts[1], "")
    if top == "choose":
        group = library.alternatives().get(rest)
        return names.group_title(library, group) if group else ""
    return ""


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


def starter_spec(library: Library, industry: str, *, example: bool, zh: bool = False) -> str:
    """The commented starter spec of ``contractgen init`` (with ``example``: filled so it builds).

    Ids are written with their Chinese names in comments beside them; with ``zh`` the spec uses the
    Chinese names themselves as keys and names (``签订日期:``, ``行业: 酒店服务``, ``备选条款: {争议解决: 诉讼}``),
    which ``canonical`` reads back to the same ids, so both build the same contract.
    """
    ind = library.industry[industry]
    # The variables of the contract the starter builds: its profile follows the customer's type.
    variables = library.variables_for(industry, default_profile(ind.customer_type))

    def key(name: str) -> str:
        return FIELD_LABELS[name] if zh else name

    def named(space: names.Names, ident: str, name: str) -> str:
        """``name`` in a Chinese spec when it names ``ident`` alone, else the id."""
        return name if zh and name and space.resolve(name) == (ident,) else ident

    flags = (" --example" if example else "") + (" --zh" if zh else "")
    lines = [
        f"# {ind.title}：合同规格（contractgen spec）",
        f"# 由 contractgen init {industry}{flags} 生成。构建：contractgen build 本文件 -o 输出目录",
        f"{key('industry')}: {named(names.industries(library), industry, ind.name)}   # {industry if zh else ind.name}",
        _profile_line(ind.customer_type, zh),
        f"{key('frame')}: {'独立合同' if zh else 'standalone'}"
        f"   # 文本形式：{'独立合同或补充协议' if zh else 'standalone（独立合同）或 supplement（补充协议）'}",
        f"# {key('main_contract')}: "
        + ("{名称: \"\", 合同编号: \"\", 签订日期: \"\"}" if zh else '{title: "", number: "", date: ""}')
        + "   # 主合同（仅补充协议填写）：名称、合同编号、签订日期",
        f"{key('contract_no')}: {_q(_example_no(industry)) if example else EMPTY}   # 合同编号（可选）",
        f"{key('title')}: {_q(ind.title)}   # 合同标题（可选，默认为行业标题；补充协议删去此行即以“补充协议”结尾）",
        f"{key('sign_date')}: {('2026年12月1日' if zh else '2026-12-01') if example else EMPTY}"
        f"   # 签订日期（{'' if zh else 'YYYY-MM-DD；'}草稿可不填）",
        f"{key('sign_place')}: {_q('上海市浦东新区') if example else EMPTY}   # 签订地点（可选）",
        f"{key('parties')}:",
        f"  {ROLE_LABELS['customer'] if zh else 'customer'}:   # 甲方（{ind.customer_role}）",
    ]
    customer = EXAMPLE_PARTIES[ind.customer_type]
    lines += _party_lines(customer if example else {k: "" for k in customer}, ind.customer_type, zh)
    if ind.customer_type == "person":
        guardian = "监护人" if zh else "guardian"
        lines.append(f"  # {guardian}:   # 甲方为未成年人时由监护人代为签订：姓名、与甲方关系、身份证号码、联系电话"
                     + ("" if zh else "（name、relation、id_number、phone）"))
    lines.append(f"  {ROLE_LABELS['provider'] if zh else 'provider'}:   # 乙方（{ind.provider_role}）")
    provider = dict(EXAMPLE_PARTIES["provider"], name=PROVIDER_NAMES.get(industry, "上海某某服务有限公司"))
    lines += _party_lines(provider if example else {k: "" for k in provider}, "organization", zh)
    lines.append(f"{key('values')}:   # 合同空白处的取值")
    variable_names = names.variables(variables)
    for variable in variables:
        lines += _variable_lines(variable, example, _key(named(variable_names, variable.name, variable.label)), zh,
                                 industry)
    optional = library.includable(industry)
    optional_names = names.nodes(optional)
    lines.append(f"{key('include')}:   # 可选条款，按需加入（删除行首 # 即启用）：" if optional else f"{key('include')}: []")
    for node in optional:
        lines.append(f"  # - {named(optional_names, node.id, node.title)}   # {_describe(node) if not zh else node.id}")
    excludable = [n for n in library.node.values() if n.excludable and library.offered(n, industry)]
    lines.append(f"{key('exclude')}: []   # 可删除的条款：" + "、".join(f"{n.id}（{_describe(n)}）" for n in excludable))
    groups = library.alternatives(industry)
    group_names = names.groups(library, industry)
    lines.append(f"{key('choose')}:   # 备选条款（每组选一项）" if groups else f"{key('choose')}: {{}}")
    for group, alternatives in groups.items():
        choice_names = names.choices(alternatives)
        shown = {n.choice: named(choice_names, n.choice or "", _choice_name(n)) for n in alternatives}
        default = next((n.choice for n in alternatives if n.default), alternatives[0].choice)
        options = "、".join(shown[n.choice] if zh else f"{n.choice}（{_choice_name(n)}）" if _choice_name(n) else n.choice
                           for n in alternatives)
        title = names.group_title(library, alternatives)
        lines.append(f"  {named(group_names, group, title)}: {shown[default]}   # {title}；可选：{options}")
    annex_names = names.annexes(library.annexes)
    annexes = [named(annex_names, a, library.annex[a].title) for a in ind.annexes if a in library.annex]
    titles = "、".join(library.annex[a].title for a in ind.annexes if a in library.annex)
    lines.append(f"{key('annexes')}: [{', '.join(annexes)}]   # 附件（默认为行业附件）：{titles}")
    return "\n".join(lines) + "\n"


def _profile_line(customer_type: str, zh: bool) -> str:
    """``profile:`` as its default would be, commented out: the customer's type decides unless it is given."""
    profile = default_profile(customer_type)
    shown = PROFILE_LABELS[profile] if zh else profile
    return (f"# {FIELD_LABELS['profile'] if zh else 'profile'}: {shown}   # 合同类型：consumer（消费者合同）或 "
            "business（经营者之间的合同）；不填时甲方为自然人即为消费者合同")


def _choice_name(node: ArticleDef | ClauseDef) -> str:
    """What people call an alternative: its title, else its first alias."""
    return node.title or (node.aliases[0] if node.aliases else "")


def _key(text: str) -> str:
    """A mapping key, quoted when YAML would read it as something else."""
    return text if re.fullmatch(r"[\w\u3000-\u303f\uff00-\uffef\u4e00-\u9fff（）]+", text) and not text[0].isdigit() else _q(text)


def _describe(node: ArticleDef | ClauseDef) -> str:
    """A clause's title, or the start of its text when it has none."""
    if node.title:
        return node.title
    text = re.sub(r"{[{%].*?[%}]}", "……", node.text or "".join(getattr(node, "items", ())))
    return text[:24] + ("……" if len(text) > 24 else "")


def _party_lines(values: dict[str, str], kind: str, zh: bool) -> list[str]:
    if not zh:
        lines = [f"    type: {kind}"]
        for key, value in values.items():
            lines.append(f"    {key}: {_q(value) if value else EMPTY}   # {PARTY_FIELD_LABELS.get(key, key)}")
        return lines
    lines = [f"    类型: {'自然人' if kind == 'person' else '单位'}"]
    for key, value in values.items():
        label = ("姓名" if kind == "person" else "名称") if key == "name" else PARTY_FIELD_LABELS[key]
        lines.append(f"    {label}: {_q(value) if value else EMPTY}")
    return lines


def _variable_lines(variable: Variable, example: bool, key: str, zh: bool = False, industry: str = "") -> list[str]:
    facts = [type_name(variable.type).render("zh")]
    if variable.min is not None:
        facts.append(f"最小 {variable.min}")
    if variable.max is not None:
        facts.append(f"最大 {variable.max}")
    if variable.choices:
        facts.append("可选：" + "、".join(variable.choices))
    if variable.pattern_label:
        facts.append(f"应为{variable.pattern_label}")
    facts.append("必填" if variable.required else f"默认 {_plain(variable.default)}")
    comment = f"  # {variable.label}：{variable.description}（{'；'.join(facts)}）"
    value = variable.example_for(industry)
    value = value if value is not None else variable.default
    if example:
        if value is None:
            value = _fallback_example(variable)
        return [comment, f"  {key}: {_zh_value(variable, value) if zh else _yaml_value(value)}"]
    if variable.required:
        return [comment, f"  {key}:    # 必填"]
    return [comment, f"  # {key}: {_zh_value(variable, variable.default) if zh else _yaml_value(variable.default)}"]


def _zh_value(variable: Variable, value: Any) -> str:
    """A value the way a Chinese spec writes it (是, 10000元, 3年, 2026年12月1日), read back as the same value."""
    if variable.type == "bool":
        return "是" if value else "否"
    if variable.type == "money":
        return f"{value}元"
    unit = values.unit_of(variable.label)
    if variable.type == "int" and unit in values.UNIT_WORDS and unit != "%":
        return f"{value}{unit}"
    if variable.type == "date":
        return formats.format_date(value)
    return _yaml_value(value)


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
    if isinstance(value, (int, float, Decimal)):
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
