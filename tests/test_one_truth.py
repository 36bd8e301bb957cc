"""One value, one truth (#13): a period or service level the contract and an annex both state comes
from one variable, so the two texts cannot print two numbers for one obligation; a spec giving a
variable that was merged away is told which one to give instead."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from contractgen.compose import compose
from contractgen.errors import SpecError
from contractgen.library import load_library
from contractgen.lint import lint
from contractgen.render import RenderOptions, render
from contractgen.spec import parse_spec, starter_spec

LIBRARY = load_library()
INDUSTRIES = tuple(i.id for i in LIBRARY.industries)
OPTIONAL = tuple(a.id for a in LIBRARY.articles if a.kind == "optional")

# Values no default or example has, so each one found in the text can only have come from its variable.
DISTINCT = {"support_response_hours": 7, "support_resolution_hours": 31, "support_hours": "每日7时至23时",
            "evaluation_days": 17, "support_resolution_rate": 93, "support_review_cycle": "半年",
            "incident_notice_hours": 11, "privacy_deletion_days": 23, "feedback_reply_days": 4,
            "support_maintenance_notice_hours": 37, "support_p1_resolve_hours": 3}


def built_text(industry: str, **values: object) -> str:
    """The contract and its annexes as one Markdown text, with every optional clause included."""
    data = yaml.safe_load(starter_spec(LIBRARY, industry, example=True))
    known = {v.name for v in LIBRARY.variables_for(industry)}
    data["values"] = {k: v for k, v in {**data["values"], **values}.items() if k in known}
    data["include"] = [i for i in OPTIONAL if any(n.id == i for n in LIBRARY.includable(industry))]
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    contract = compose(parse_spec(text.encode(), "spec.yaml"), LIBRARY)
    return render(contract, "md", RenderOptions(bundle=True)).decode()


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_no_two_variables_of_one_contract_share_a_label(industry: str) -> None:
    labels = [v.label for v in LIBRARY.variables_for(industry)]
    assert len(labels) == len(set(labels)), sorted(label for label in labels if labels.count(label) > 1)


def test_lint_refuses_a_second_variable_for_one_obligation(tmp_path: Path) -> None:
    (tmp_path / "industries").mkdir()
    (tmp_path / "clauses").mkdir()
    (tmp_path / "clauses" / "hotel-notice.yaml").write_text(
        "variables:\n  hotel_leak_hours:\n    type: int\n    label: 个人信息安全事件通知时限（小时）\n"
        "    description: 酒店通知甲方的时限。\n    default: 48\n"
        "clauses:\n  - id: hotel.leak\n    kind: industry\n    version: 1.0.0\n    article: hotel.special\n"
        "    order: 90\n    industries: [hotel]\n    text: |\n      乙方应在{{ hotel_leak_hours }}小时内通知甲方。\n",
        encoding="utf-8")
    found = [p for p in lint([tmp_path]) if p.code == "lint.label-shared"]
    assert [str(p.msg) for p in found] == [
        "variables 'incident_notice_hours', 'hotel_leak_hours' share the label “个人信息安全事件通知时限（小时）” "
        "and both fill the contract of 'hotel': one obligation, one variable"]


@pytest.mark.parametrize("industry", ["education", "software", "telecom"])
def test_the_handbook_states_the_contracts_response_and_resolution_times(industry: str) -> None:
    text = built_text(industry, **DISTINCT)
    assert "乙方应当在7小时内响应，31小时内解决；" in text  # 三级故障
    assert "乙方应当在7小时内响应，31小时内答复。" in text  # 四级事项
    assert "人工服务时间为每日7时至23时" in text and "服务时间为每日7时至23时" in text.split("# 附件")[0]
    assert "甲方可以自工单关闭之日起17日内评价" in text and "评价应当在服务完成之日起17日内进行" in text
    # A consumer (the example customer of education and telecom) gets published statistics, a business its report.
    consumer = LIBRARY.industry[industry].customer_type == "person"
    assert ("应当不低于93%。乙方应当每半年" + ("统计一次各级问题的响应和解决时间达标情况和问题解决率" if consumer
                                             else "向甲方提供技术支持服务报告")) in text
    assert "7小时内作出响应" in text.split("# 附件")[0]


def test_education_states_each_period_once() -> None:
    text = built_text("education", **DISTINCT)
    contract = text.split("# 附件")[0]
    assert "乙方应当在收到甲方技术支持请求后7小时内作出响应" in contract
    assert "对于一般技术问题，乙方应当在收到请求后31小时内解决" in contract
    assert "应当至少提前37小时通过平台公告" in contract and "至少提前37小时通知甲方维护时间" in text
    assert "乙方应当在23日内删除甲方的个人信息" in contract and "我们将在23日内删除您的个人信息" in text
    assert "在知悉后11小时内通知甲方" in contract and "自发现之时起11小时内书面通知甲方" in contract


def test_education_allows_the_downloads_its_ip_statement_allows() -> None:
    text = built_text("education")
    contract, statement = text.split("# 附件")[0], text.split("知识产权声明")[-1]
    assert "在乙方提供下载功能的范围内下载讲义、课件等资料供本人学习使用" in statement
    assert "在乙方提供下载功能的范围内下载讲义、课件等资料供本人学习使用" in contract
    assert "拍摄、下载、破解" not in contract and "保存至平台以外" not in contract


def test_software_counts_its_fault_times_as_the_handbook_does() -> None:
    contract = built_text("software", **DISTINCT).split("# 附件")[0]
    assert "乙方应当在收到故障报告后3小时内恢复软件的正常运行" in contract
    assert "对于不影响核心业务的一般故障，乙方应当在收到故障报告后31小时内修复" in contract
    assert "个工作日内修复" not in contract


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_one_deletion_period_and_one_incident_notice_period(industry: str) -> None:
    text = built_text(industry, **DISTINCT)
    assert "个月内删除" not in text
    assert set(re.findall(r"(\d+)日内删除(?:甲方的|您的)个人信息", text)) <= {"23"}
    assert set(re.findall(r"(\d+)小时内(?:书面)?通知甲方", text)) <= {"11"}


@pytest.mark.parametrize("industry", ["catering", "hotel"])
def test_complaints_and_written_opinions_are_answered_within_the_feedback_period(industry: str) -> None:
    contract = built_text(industry, **DISTINCT).split("# 附件")[0]
    assert "4个工作日内向甲方作出答复" in contract  # 6.2
    assert ("4个工作日内调查核实" if industry == "catering" else "4个工作日内作出回复") in contract


def test_a_merged_variable_names_the_one_to_give_instead() -> None:
    data = yaml.safe_load(starter_spec(LIBRARY, "education", example=True))
    data["values"]["education_support_response_hours"] = 2
    data["values"]["privacy_retention_months"] = 6
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    with pytest.raises(SpecError) as info:
        compose(parse_spec(text.encode(), "spec.yaml"), LIBRARY)
    found = sorted(str(p.msg) for p in info.value.problems)
    assert found == [
        f"this value was merged into '{new}' ({label}): one period has one value in the contract and its annexes; "
        "give that one instead (its unit may differ: check the value)"
        for new, label in (("privacy_deletion_days", "个人信息删除期限（日）"),
                           ("support_response_hours", "技术支持响应时限（小时）"))]


# --- one precedence rule, no unilateral change of an annex -----------------------------------------

CUSTOMERS = {
    "consumer": {"type": "person", "name": "李明", "id_number": "110105199003071239", "address": "北京市朝阳区建国路88号",
                 "phone": "13800138000"},
    "business": {"type": "organization", "name": "北京某某科技有限公司", "credit_code": "91110000802100433B",
                 "address": "北京市海淀区中关村大街1号", "representative": "张三"},
}

@pytest.mark.parametrize("profile", ["consumer", "business"])
@pytest.mark.parametrize("industry", INDUSTRIES)
def test_one_precedence_rule_stated_once_and_every_prose_annex_refers_to_it(industry: str, profile: str) -> None:
    data = yaml.safe_load(starter_spec(LIBRARY, industry, example=True))
    data["profile"] = profile
    data["parties"]["customer"] = CUSTOMERS[profile]
    taken = {v.name for v in LIBRARY.variables_for(industry, profile)}
    data["values"] = {k: v for k, v in data["values"].items() if k in taken}
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    contract = compose(parse_spec(text.encode(), "spec.yaml"), LIBRARY)
    rule = next(c for a in contract.articles for c in a.clauses if c.id == "other.annex-precedence")
    whole = render(contract, "md", RenderOptions(bundle=True)).decode()
    body, annexes = whole.split("# 附件", 1)[0], "# 附件" + whole.split("# 附件", 1)[1]
    assert body.count("约定不一致的，以本合同正文为准") == 1
    assert ("甲方或者个人信息主体" in body) == (profile == "consumer")
    assert "为准" not in annexes  # no annex claims to prevail
    for annex in contract.annexes:
        if annex.kind != "form":
            intro = "".join(r.text for p in annex.intro for r in p.runs)
            assert f"依照本合同第{rule.number}条的约定" in intro, annex.id
    assert "乙方修改本声明" not in annexes and "更新后的政策将在生效前" not in annexes


def test_the_privacy_policy_changes_by_agreement_and_new_processing_by_notice_and_consent() -> None:
    text = built_text("hotel")
    policy = text.split("隐私保护政策")[-1]
    assert "本政策内容的变更应当经甲乙双方协商一致并以书面形式确认，我们不会单方变更本政策" in policy
    assert "《中华人民共和国个人信息保护法》第十七条的规定" in policy
    assert "《中华人民共和国个人信息保护法》第十四条的规定重新取得您的同意" in policy
