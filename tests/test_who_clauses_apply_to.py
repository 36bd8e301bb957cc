"""Whom each clause applies to (issue #13): a consumer is never liable for what they report or review,
in every industry, on the composed model and in the DOCX a user opens; a business contract keeps
the two-sided wording."""

from __future__ import annotations

import io
import re

import docx
import pytest
import yaml

from contractgen.compose import compose
from contractgen.library import load_library
from contractgen.render import RenderOptions
from contractgen.render.docx import render_docx
from contractgen.spec import EXAMPLE_PARTIES, parse_spec, starter_spec
from tests.profile_helpers import as_profile
from tests.web_helpers import example as web_example
from tests.web_helpers import form_post, make_app, signed_in

LIBRARY = load_library()
INDUSTRIES = sorted(LIBRARY.industry)


def contract_of(industry: str, profile: str, kind: str | None = None, include: tuple[str, ...] = (), **values):
    """The industry's example contract in ``profile``, with a customer of ``kind`` (by default the
    profile's: a person for a consumer, a company for a business), and the optional ``include``."""
    data = yaml.safe_load(starter_spec(LIBRARY, industry, example=True))
    kind = kind or ("person" if profile == "consumer" else "organization")
    data["parties"]["customer"] = {"type": kind, **EXAMPLE_PARTIES[kind]}
    as_profile(data, profile, LIBRARY)
    data["values"].update(values)
    data["include"] = [*(data.get("include") or ()), *include]
    return compose(parse_spec(yaml.safe_dump(data, allow_unicode=True).encode(), f"{industry}.yaml"), LIBRARY)


def text(contract, clause_id: str) -> str:
    clause = contract.clause_index[clause_id]
    return "\n".join(p.text for p in clause.paragraphs)


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_a_consumer_is_never_liable_for_feedback_or_a_review(industry):
    contract = contract_of(industry, "consumer", removal_objection_days=5, removal_review_days=12)
    assert "breach.customer" not in contract.clause_index
    feedback = text(contract, "breach.feedback")
    assert "《中华人民共和国消费者权益保护法》第十五条" in feedback
    assert "不构成违约" in feedback and "乙方不得据此要求甲方支付违约金、赔偿损失或者解除本合同" in feedback
    assert "《中华人民共和国民法典》第四百九十七条" in feedback and "第二十六条" in feedback
    penalty = text(contract, "breach.penalty")  # same id: exclude and compare keep working
    assert "乙方未在" in penalty and "应当向甲方支付违约金" in penalty and "守约方" not in penalty
    termination = text(contract, "effectiveness.termination")
    assert "甲方可以书面通知乙方解除本合同" in termination and "守约方可以" not in termination
    assert "不得因甲方提出反馈、投诉或者作出评价而解除本合同" in termination
    removal = contract.clause_index["evaluation.removal"]
    shown = "\n".join(p.text for p in removal.paragraphs)
    assert "自收到通知之日起5日内提出异议" in shown and "自收到异议之日起12日内作出复核决定" in shown
    assert dict(contract.values)["removal_objection_days"] == "5"


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_a_business_contract_keeps_both_sides_liable(industry):
    contract = contract_of(industry, "business")
    assert "breach.feedback" not in contract.clause_index and "evaluation.removal" not in contract.clause_index
    assert "甲方未如实提供反馈信息" in text(contract, "breach.customer")
    assert "违约方未在" in text(contract, "breach.penalty") and "应当向守约方支付违约金" in text(contract, "breach.penalty")
    assert "守约方可以书面通知违约方解除本合同" in text(contract, "effectiveness.termination")
    assert "removal_objection_days" not in dict(contract.values)


def test_educations_review_rule_points_to_the_removal_procedure_for_a_consumer():
    consumer = contract_of("education", "consumer")
    rule = text(consumer, "education.evaluation")
    assert f"乙方仅可以依照本合同第{consumer.clause_index['evaluation.removal'].number}条约定的程序处理" in rule
    assert "依照公示的评价规则处理" not in rule
    business = contract_of("education", "business")
    assert "依照公示的评价规则处理，并告知甲方处理理由" in text(business, "education.evaluation")


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_a_consumer_court_defaults_to_the_customers_domicile(industry):
    data = yaml.safe_load(starter_spec(LIBRARY, industry, example=True))
    data["parties"]["customer"] = {"type": "person", **EXAMPLE_PARTIES["person"]}
    as_profile(data, "consumer", LIBRARY)
    data["values"].pop("court", None)
    contract = compose(parse_spec(yaml.safe_dump(data, allow_unicode=True).encode(), "s.yaml"), LIBRARY)
    assert "向甲方住所地有管辖权的人民法院" in text(contract, "dispute.litigation")


def test_the_docx_a_consumer_signs_says_it():
    contract = contract_of("hotel", "consumer")
    body = "\n".join(p.text for p in docx.Document(io.BytesIO(render_docx(contract, RenderOptions()))).paragraphs)
    assert "甲方提出反馈、投诉或者作出评价（包括否定性评价）的，不构成违约" in body
    assert "评价的删除和隐藏" in body and "甲方未如实提供反馈信息" not in body
    assert not re.search(r"违约方未在.{0,40}应当向守约方支付违约金", body)


def test_a_company_customers_hotel_form_posts_only_business_values(tmp_path):
    """The form still holds the consumer-only deadlines (with their defaults); a company customer's
    contract is a business one, which refuses them: the posted spec leaves them out."""
    client = signed_in(make_app(tmp_path / "data"))
    spec = web_example("hotel")
    spec["parties"]["customer"] = {"type": "organization", **EXAMPLE_PARTIES["organization"]}
    assert "removal_objection_days" in spec["values"]
    response = client.post("/industries/hotel/new", data=form_post(spec, "preview"))
    assert response.status_code == 302, response.get_data(as_text=True)
    draft = re.search(r"/drafts/(\d+)", response.headers["Location"]).group(1)
    document = client.get(f"/drafts/{draft}/document").get_data(as_text=True)
    assert "甲方未如实提供反馈信息" in document and "评价的删除和隐藏" not in document


@pytest.mark.parametrize("profile", ["consumer", "business"])
def test_telecom_waives_the_monthly_fee_unless_the_customers_terminal_caused_the_fault(profile):
    """电信条例第三十三条 excepts only the terminal equipment; force majeure excludes the compensation alone."""
    fault = text(contract_of("telecom", profile), "telecom.fault-response")
    assert "《中华人民共和国电信条例》第三十三条" in fault
    assert "因甲方自备的电信终端设备的原因造成服务障碍的，乙方应当提供必要的协助，但不承担前两项约定的免收费用和补偿责任" \
        in fault
    assert "因不可抗力或者甲方的其他原因造成服务障碍的，乙方不承担前项约定的补偿责任，" \
           "但不能按期修复或者调通的，仍应当免收障碍期间的月租费用" in fault
    assert "因不可抗力、甲方自备" not in fault


MAIN = {"title": "服务合同", "number": "HT-2026-007", "date": "2026-10-08"}


@pytest.mark.parametrize("frame", ["standalone", "supplement"])
@pytest.mark.parametrize("profile", ["consumer", "business"])
@pytest.mark.parametrize("industry", INDUSTRIES)
def test_mandatory_national_standards_prevail_in_every_contract(industry, profile, frame):
    data = yaml.safe_load(starter_spec(LIBRARY, industry, example=True))
    kind = "person" if profile == "consumer" else "organization"
    data["parties"]["customer"] = {"type": kind, **EXAMPLE_PARTIES[kind]}
    as_profile(data, profile, LIBRARY)
    if frame == "supplement":
        data.update(frame="supplement", main_contract=MAIN)
    contract = compose(parse_spec(yaml.safe_dump(data, allow_unicode=True).encode(), "s.yaml"), LIBRARY)
    shown = text(contract, "introduction.mandatory-standards")
    assert "依照《中华人民共和国标准化法》第二条的规定，强制性标准必须执行" in shown
    assert "约定的服务标准低于强制性国家标准的，以强制性国家标准为准" in shown


CHANNELS = {"telecom": "营业厅、网上营业厅、客服热线、移动应用程序", "education": "在线服务、移动应用程序、电话客服",
            "software": "在线服务、移动应用程序、电话客服、远程或者现场技术支持",
            "hotel": "在线预订、酒店前台和客房、电话客服", "car-rental": "在线服务、门店和取还车网点、电话客服",
            "catering": "在线点餐和预订、餐厅门店、电话客服", "fitness": "在线服务、健身场馆、电话客服"}
PLACES = {"telecom": "营业厅内张贴", "education": "服务平台或者移动应用程序内显示",
          "software": "服务平台或者移动应用程序内显示", "hotel": "酒店大堂内张贴", "car-rental": "门店和取还车网点内张贴",
          "catering": "餐厅门店内张贴", "fitness": "健身场馆内张贴"}


@pytest.mark.parametrize("profile", ["consumer", "business"])
@pytest.mark.parametrize("industry", INDUSTRIES)
def test_the_scope_names_the_industrys_own_channels(industry, profile):
    contract = contract_of(industry, profile)
    scope, publication = text(contract, "introduction.scope"), text(contract, "evaluation.publication")
    assert f"包括但不限于{CHANNELS[industry]}。" in scope
    assert "实体店铺" not in scope + publication  # the source's generic shop, which no industry of ours has
    assert f"在乙方的{PLACES[industry]}评价结果；" in publication


def annex_text(contract, annex_id: str) -> str:
    annex = next(a for a in contract.annexes if a.id == annex_id)
    return "\n".join(p.text for p in (*annex.intro, *(p for s in annex.sections for p in s.paragraphs)))


@pytest.mark.parametrize("industry", ["education", "telecom", "software"])
def test_the_tech_support_handbook_speaks_to_a_consumer_as_a_consumer(industry):
    consumer = annex_text(contract_of(industry, "consumer"), "tech-support-handbook")
    assert "指定技术联系人" not in consumer and "派员到现场" not in consumer and "场地和操作条件" not in consumer
    assert "乙方应当与甲方约定上门时间，并按照约定的时间上门处理" in consumer
    assert "需要上门处理的，在约定的上门时间在场或者安排他人在场" in consumer
    assert "故障分析报告" not in consumer and "向甲方提供技术支持服务报告" not in consumer
    assert "甲方要求书面说明的，乙方应当自收到要求之日起五个工作日内提供" in consumer
    assert "统计一次各级问题的响应和解决时间达标情况和问题解决率，并在其官方网站、应用程序或者客户端内公布" in consumer
    business = annex_text(contract_of(industry, "business"), "tech-support-handbook")
    assert "乙方应当向甲方提交故障分析报告" in business and "向甲方提供技术支持服务报告" in business
    assert "指定技术联系人" in business and "乙方应当派员到现场处理" in business and "场地和操作条件" in business


PRIVACY_CLAUSES = ("confidentiality.obligation", "confidentiality.personal-information", "confidentiality.exceptions",
                   "confidentiality.survival", "evaluation.publication", "data-security.management",
                   "data-security.processing", "data-security.training", "data-security.incident",
                   "data-security.liability", "change-termination-procedure.consequences")


def privacy_texts(contract) -> dict[str, str]:
    return {c: text(contract, c) for c in PRIVACY_CLAUSES}


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_a_company_customer_has_staff_whose_information_is_protected_and_business_information(industry):
    """A company has no personal information of its own: the clauses speak of its staff's personal
    information and of its business information, and its name is not published without consent."""
    contract = contract_of(industry, "business", include=("data-security", "change-termination-procedure"))
    shown = privacy_texts(contract)
    for clause_id, wording in shown.items():
        assert "甲方的个人信息" not in wording and "甲方个人信息" not in wording, clause_id
    assert "甲方的经营信息、甲方工作人员的个人信息和甲方提交的评价信息" in shown["confidentiality.obligation"]
    assert "乙方处理甲方工作人员个人信息的" in shown["confidentiality.personal-information"]
    assert "以不披露甲方名称和甲方工作人员个人信息的方式公示评价结果的" in shown["confidentiality.exceptions"]
    assert "涉及甲方工作人员个人信息的，保密义务持续有效" in shown["confidentiality.survival"]
    assert ("未经甲方书面同意，不得披露甲方的名称或者可以识别甲方的其他信息，也不得披露甲方工作人员的姓名"
            in shown["evaluation.publication"])
    assert "未经该工作人员单独同意，乙方不得向第三方提供其个人信息" in shown["data-security.processing"]
    assert "返还甲方工作人员的个人信息" in shown["change-termination-procedure.consequences"]
    staff = text(contract, "confidentiality.organization-customer")
    assert "本合同所称甲方工作人员，是指甲方的员工" in staff and "应当事先告知该工作人员" in staff
    assert "本合同其他条款以及附件中关于甲方个人信息的约定，适用于甲方工作人员的个人信息" in staff
    assert contract.clause_index["confidentiality.organization-customer"].title == "甲方工作人员的个人信息"


@pytest.mark.parametrize(("profile", "industry"), [("consumer", i) for i in INDUSTRIES] + [("business", "software")])
def test_a_person_customer_keeps_their_own_personal_information(profile, industry):
    """A natural person, consumer or not (a business contract may be with a person), has personal
    information of their own; the staff definition is not printed."""
    contract = contract_of(industry, profile, kind="person", include=("data-security", "change-termination-procedure"))
    shown = privacy_texts(contract)
    assert "confidentiality.organization-customer" not in contract.clause_index
    assert all("甲方工作人员" not in wording for wording in shown.values())
    assert "甲方的个人信息和评价信息" in shown["confidentiality.obligation"]
    assert "不得披露甲方的姓名、联系方式等个人信息，但经甲方书面同意的除外" in shown["evaluation.publication"]
    assert "返还甲方的个人信息" in shown["change-termination-procedure.consequences"]


def test_the_company_customers_docx_names_its_staff():
    contract = contract_of("software", "business", include=("data-security",))
    body = "\n".join(p.text for p in docx.Document(io.BytesIO(render_docx(contract, RenderOptions()))).paragraphs)
    assert "甲方工作人员的个人信息" in body and "甲方的名称或者可以识别甲方的其他信息" in body
