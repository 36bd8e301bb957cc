"""Complete contracts (#14): the two framings, 不可抗力, 通知与送达, the 监护人 of a minor customer and the
委托代理人, asserted on the composed model and on what the renderers print."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

import pytest
import yaml

from contractgen.compose import compose
from contractgen.errors import SpecError
from contractgen.i18n import use_language
from contractgen.library import load_library
from contractgen.model import Contract
from contractgen.render import RenderOptions, render
from contractgen.render._common import signature_rows
from contractgen.spec import parse_spec, starter_spec
from tests.test_bad_input import docx_text

LIBRARY = load_library()
INDUSTRIES = tuple(i.id for i in LIBRARY.industries)
MAIN = {"title": "《在线教育培训服务合同》", "number": "QM-2026-118", "date": "2026-09-01"}
GUARDIAN = {"name": "李建华", "relation": "父亲", "id_number": "110105198001011238", "phone": "13900139000"}
CHILD_ID = "110105201503071235"
"""A 居民身份证号码 of a child born on 7 March 2015: eleven on the examples' signing date, 1 December 2026."""


def example(industry: str, **changes: object) -> dict:
    data = yaml.safe_load(starter_spec(LIBRARY, industry, example=True))
    data.update(changes)
    return data


def composed(data: dict, draft: bool = False) -> Contract:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return compose(parse_spec(text.encode(), "spec.yaml"), LIBRARY, draft=draft)


def problems(data: dict, draft: bool = False) -> list[str]:
    with pytest.raises(SpecError) as info:
        composed(data, draft)
    return [str(p) for p in info.value.problems]


def wording(contract: Contract) -> str:
    """The library's wording of the contract (values left out), one paragraph a line."""
    paragraphs = [*contract.preamble]
    for article in contract.articles:
        paragraphs += [*article.paragraphs, *(p for c in article.clauses for p in c.paragraphs)]
    return "\n".join("".join(r.text for r in p.runs if r.kind == "text") for p in paragraphs)


def article(contract: Contract, ident: str):
    return next(a for a in contract.articles if a.id == ident)


def with_guardian(industry: str = "education", customer: dict | None = None, **changes: object) -> dict:
    data = example(industry, **changes)
    data["parties"]["customer"].update({"name": "李小明", "id_number": CHILD_ID, **(customer or {})})
    data["parties"]["guardian"] = dict(GUARDIAN)
    return data


# --- modules in every contract ---------------------------------------------------------------------

@pytest.mark.parametrize("frame", ["standalone", "supplement"])
@pytest.mark.parametrize("industry", INDUSTRIES)
def test_every_industry_has_force_majeure_and_notices_in_both_frames(industry: str, frame: str) -> None:
    data = example(industry, frame=frame, **({"main_contract": MAIN} if frame == "supplement" else {}))
    contract = composed(data)
    ids = [a.id for a in contract.articles]
    assert ids.index("breach") < ids.index("force-majeure") < ids.index("notices") < ids.index("dispute")
    force_majeure = article(contract, "force-majeure")
    text = "\n".join(c.text for c in force_majeure.clauses)
    assert "不能预见、不能避免且不能克服的客观情况（《中华人民共和国民法典》第一百八十条）" in text
    assert "《中华人民共和国民法典》第五百九十条" in text and "不免除其违约责任" in text
    example_days = LIBRARY.variable["force_majeure_proof_days"].example
    assert f"{example_days}日内向对方提供不可抗力发生及其影响的证明" in text
    notices = "\n".join(c.text for c in article(contract, "notices").clauses)
    assert "以交邮之日起第" in notices and "视为已经送达" in notices and "第四百六十九条" in notices
    assert "guardian" not in ids  # no guardian signs: no 监护人 article


def test_force_majeure_and_notice_periods_are_typed_values() -> None:
    data = example("hotel")
    data["values"].update(force_majeure_proof_days=20, force_majeure_termination_days=90, notice_mail_days=4,
                          notice_change_days=6, refund_days=10)
    contract = composed(data)
    runs = {r.var: r.text for a in contract.articles for c in a.clauses for p in c.paragraphs for r in p.runs
            if r.kind == "value"}
    assert runs["force_majeure_proof_days"] == "20" and runs["force_majeure_termination_days"] == "90"
    assert runs["notice_mail_days"] == "4" and runs["notice_change_days"] == "6" and runs["refund_days"] == "10"
    data["values"]["notice_mail_days"] = 0
    assert any("notice_mail_days" in p and "from 1 to 15" in p for p in problems(data))


def test_the_written_notice_other_articles_rely_on_is_defined_once() -> None:
    contract = composed(example("software"))
    text = wording(contract)
    assert text.count("书面形式包括纸质文件") == 1
    assert "书面通知" in "\n".join(c.text for c in article(contract, "effectiveness").clauses)


# --- the two framings -----------------------------------------------------------------------------

def test_a_supplement_names_its_main_contract_and_calls_itself_this_agreement() -> None:
    contract = composed(example("education", frame="supplement", main_contract=MAIN, title=None))
    assert contract.frame == "supplement" and contract.title == "在线教育服务反馈和评价补充协议"
    recital = contract.preamble[0].text
    assert recital.startswith("甲乙双方已于2026年9月1日签订《在线教育培训服务合同》（合同编号：QM-2026-118，以下简称“主合同”）。")
    assert "订立本协议，作为主合同的补充" in recital
    assert "本合同" not in wording(contract), "a supplement is 本协议 throughout"
    final = article(contract, "final")
    assert [c.id for c in final.clauses][:3] == ["final.main-contract", "final.main-contract-precedence",
                                                "final.main-contract-term"]
    assert "final.term" not in contract.clause_index and "final.expiry" not in contract.clause_index
    text = "\n".join(c.text for c in final.clauses)
    assert "本协议与主合同的约定不一致的，以本协议为准" in text and "是指主合同约定的价款、服务期限" in text
    main = contract.main_contract
    assert (main.title.text, main.number.text, main.date.raw) == ("在线教育培训服务合同", "QM-2026-118", "2026-09-01")


def test_a_standalone_contract_keeps_its_own_term_and_says_so() -> None:
    contract = composed(example("education"))
    assert contract.frame == "standalone" and contract.main_contract is None
    assert contract.title == "在线教育服务反馈和评价合同"
    assert "final.term" in contract.clause_index and "final.main-contract" not in contract.clause_index
    assert "主合同" not in wording(contract)


def test_a_supplement_without_a_number_still_defines_the_main_contract() -> None:
    contract = composed(example("hotel", frame="supplement", main_contract={"title": "客房服务合同", "date": "2026-10-08"}))
    assert "签订《客房服务合同》（以下简称“主合同”）。" in contract.preamble[0].text


@pytest.mark.parametrize(("changes", "expected"), [
    ({"frame": "supplement"}, "main_contract: a supplement needs main_contract"),
    ({"frame": "supplement", "main_contract": {"title": "客房服务合同"}}, "main_contract.date: is required for a supplement"),
    ({"frame": "supplement", "main_contract": {"date": "2026-10-08"}}, "main_contract.title: is required for a supplement"),
    ({"frame": "supplement", "main_contract": {"title": "客房服务合同", "date": "2027-01-08"}},
     "cannot be signed after its supplement (2026年12月1日)"),
    ({"frame": "supplement", "main_contract": {"title": "客房服务合同", "date": "2026-10-08", "amount": 1}},
     "main_contract.amount: unknown key"),
    ({"main_contract": MAIN}, "main_contract: is only for a supplement"),
    ({"frame": "annex"}, "frame: must be standalone (a complete contract) or supplement"),
])
def test_frame_mistakes_are_one_clear_message_each(changes: dict, expected: str) -> None:
    found = problems(example("hotel", **changes))
    assert any(expected in p for p in found), found
    assert all(p.startswith("spec.yaml:") for p in found)


def test_a_draft_supplement_may_leave_the_main_contract_blank() -> None:
    contract = composed(example("hotel", frame="supplement"), draft=True)
    assert "＿＿＿＿（主合同名称）" in contract.preamble[0].text and "＿＿＿＿（主合同签订日期）" in contract.preamble[0].text


def test_chinese_keys_build_the_same_supplement() -> None:
    english = with_guardian(frame="supplement", main_contract=MAIN)
    chinese = with_guardian(文本形式="补充协议", 主合同={"名称": MAIN["title"], "合同编号": MAIN["number"],
                                                       "签订日期": MAIN["date"]})
    del chinese["frame"]  # the starter spec's own line, now given by its Chinese name
    chinese["parties"]["监护人"] = {"姓名": GUARDIAN["name"], "与甲方关系": GUARDIAN["relation"],
                                 "身份证号码": GUARDIAN["id_number"], "联系电话": GUARDIAN["phone"]}
    del chinese["parties"]["guardian"]
    assert composed(english) == composed(chinese)


# --- guardian and agent --------------------------------------------------------------------------

def test_a_minor_customer_has_a_guardian_article_details_and_signature_line() -> None:
    contract = composed(with_guardian())
    customer = contract.parties[0]
    assert customer.guardian is not None and customer.guardian.text == "李建华"
    details = dict((label, run.text) for label, run in customer.details)
    assert details["监护人"] == "李建华" and details["与甲方关系"] == "父亲"
    assert details["监护人身份证号码"] == GUARDIAN["id_number"] and details["监护人联系电话"] == GUARDIAN["phone"]
    guardian = article(contract, "guardian")
    assert contract.articles.index(guardian) == 1, "right after 总则, before anything the guardian agrees to"
    text = "\n".join(c.text for c in guardian.clauses)
    assert "作为甲方的法定代理人代理甲方订立" in text
    assert "《中华人民共和国个人信息保护法》第二十八条、第二十九条、第三十一条" in text
    assert "监护人（签字）：" in text and "可以随时撤回本同意" in text
    rows = signature_rows(contract)
    left = [row[0].label for row in rows if row[0] is not None]
    assert left == ["甲方（签字）", "甲方监护人（签字）", "日期"]
    assert rows[-1][0].label == rows[-1][1].label == "日期", "the date lines stay level"


def test_a_customer_under_eighteen_by_the_id_number_needs_a_guardian() -> None:
    data = with_guardian()
    del data["parties"]["guardian"]
    found = problems(data)
    assert any("parties.customer.id_number" in p and "is 11 on the signing date" in p for p in found), found
    with use_language("zh"):
        assert any("甲方在签订日只有11周岁" in p for p in problems(data))


@pytest.mark.parametrize(("change", "expected"), [
    ({"relation": None}, "parties.guardian.relation: is required for the guardian"),
    ({"id_number": None, "phone": None}, "a person needs an id_number or a phone"),
    ({"phone": "12"}, "parties.guardian.phone"),
    ({"credit_code": "91310106MA1FL7TX0N"}, "parties.guardian.credit_code: unknown key"),
])
def test_guardian_mistakes_name_the_field(change: dict, expected: str) -> None:
    data = with_guardian()
    for key, value in change.items():
        if value is None:
            data["parties"]["guardian"].pop(key)
        else:
            data["parties"]["guardian"][key] = value
    found = problems(data)
    assert any(expected in p for p in found), found


def test_a_company_customer_has_no_guardian() -> None:
    data = example("software")
    data["parties"]["guardian"] = dict(GUARDIAN)
    assert any("parties.guardian: a guardian signs only for a customer who is a natural person" in p
               for p in problems(data))


def test_agents_sign_below_their_party_and_the_rows_stay_level() -> None:
    data = example("software")
    data["parties"]["provider"]["agent"] = "赵六"
    contract = composed(data)
    provider = contract.parties[1]
    assert provider.agent is not None and ("委托代理人", provider.agent) in provider.details
    rows = signature_rows(contract)
    right = [row[1].label for row in rows]
    assert right == ["乙方（盖章）", "法定代表人（签字）", "委托代理人（签字）", "日期"]
    assert rows[2][0] is None and rows[-1][0].label == "日期"
    customer_rows = [row[0].label for row in rows if row[0] is not None]
    assert customer_rows == ["甲方（盖章）", "法定代表人或授权代表（签字）", "日期"]


@pytest.fixture(scope="module")
def guardian_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    contract = composed(with_guardian(customer={"agent": "王五"}, frame="supplement", main_contract=MAIN, title=None))
    return {fmt: render(contract, fmt, RenderOptions()) for fmt in ("docx", "pdf", "html", "md")}


def test_every_renderer_prints_the_guardian_agent_and_supplement(guardian_files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "c.pdf"
        pdf.write_bytes(guardian_files["pdf"])
        pdf_text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True,
                                  text=True).stdout
    texts = {"docx": docx_text(guardian_files["docx"]), "pdf": pdf_text,
             "html": re.sub(r"<[^>]+>", "", guardian_files["html"].decode()), "md": guardian_files["md"].decode()}
    for fmt, text in texts.items():
        flat = "".join(text.split())
        for expected in ("在线教育服务反馈和评价补充协议", "监护人：李建华", "与甲方关系：父亲", "委托代理人：王五",
                         "甲方监护人（签字）", "委托代理人（签字）", "以下简称“主合同”", "监护人单独同意"):
            assert expected in flat, f"{fmt}: {expected}"


# --- the library: an industry's own example --------------------------------------------------------

def test_a_variable_may_give_each_industry_its_own_example(tmp_path: Path) -> None:
    layer = tmp_path / "company"
    (layer / "clauses").mkdir(parents=True)
    (layer / "clauses" / "house.yaml").write_text(
        "variables:\n  house_items:\n    type: string\n    label: 服务项目\n    description: 乙方提供的服务项目。\n"
        "    example: 服务\n    examples: {hotel: 标准双床房住宿, education: 在线英语课程}\n"
        "clauses:\n  - id: final.house\n    article: final\n    order: 90\n    kind: base\n    version: 1.0.0\n"
        "    text: 服务项目为{{ house_items }}。\n", encoding="utf-8")
    library = load_library([layer])
    for industry, expected in (("hotel", "标准双床房住宿"), ("education", "在线英语课程"), ("software", "服务")):
        assert f'house_items: "{expected}"' in starter_spec(library, industry, example=True)
    (layer / "clauses" / "house.yaml").write_text(
        "variables:\n  house_items:\n    type: int\n    label: 份数\n    description: 份数。\n"
        "    examples: {hotel: many, hotle: 2}\n", encoding="utf-8")
    from contractgen.library import read_library
    _, found = read_library([layer])
    shown = [str(p) for p in found]
    assert any("house.yaml:6: variables.house_items.examples.hotel" in p for p in shown), shown
    assert any("variables.house_items.examples" in p and "hotle" in p and "hotel" in p for p in shown), shown


# --- the transaction modules (standalone) -------------------------------------------------------------

MODULES = ("service", "price", "refund")


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_a_standalone_contract_says_what_is_supplied_for_what_price(industry: str) -> None:
    contract = composed(example(industry))
    ids = [a.id for a in contract.articles]
    assert ids.index("introduction") < ids.index("service") < ids.index("price") < ids.index("refund") < \
        ids.index("feedback"), "the deal first, then how it is evaluated"
    service = "\n".join(c.text for c in article(contract, "service").clauses)
    items = LIBRARY.variable["service_items"].example_for(industry)
    assert f"乙方按照本合同的约定向甲方提供下列服务：{items}。" in service and "服务地点：" in service
    assert "《中华人民共和国民法典》第五百一十一条" in service
    price = article(contract, "price").clauses[0]
    amount = next(r for p in price.paragraphs for r in p.runs if r.var == "price")
    assert re.fullmatch(r"人民币（大写）[壹贰叁肆伍陆柒捌玖拾佰仟万亿零]+元整（¥[\d,]+\.\d\d）", amount.text), amount.text
    assert ("prepayment" in ids) == (industry in ("education", "fitness"))
    assert ("deposit" in ids) == (industry == "hotel")


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_a_supplement_refers_to_the_main_contract_instead_of_defining_the_deal(industry: str) -> None:
    data = example(industry, frame="supplement", main_contract=MAIN)
    del data["values"]["service_items"], data["values"]["price"]  # not asked for: the main contract has them
    contract = composed(data)
    ids = {a.id for a in contract.articles}
    assert not ids & {"service", "price", "prepayment", "deposit", "refund"}
    assert "price" not in dict(contract.values) and "service_items" not in dict(contract.values)


def test_the_price_and_the_service_are_required_in_a_standalone_contract() -> None:
    data = example("hotel")
    del data["values"]["service_items"], data["values"]["price"]
    found = problems(data)
    assert any("values.price: missing required value (服务价款（元）" in p for p in found), found
    assert any("values.service_items: missing required value (服务项目" in p for p in found), found
    data["values"]["price"] = "一千二百块"
    assert any("values.price: must be an amount of money" in p for p in problems(data))


def test_installments_name_both_amounts_and_the_second_due_date() -> None:
    data = example("software", choose={"payment": "installments"})
    data["values"].update(price=380000, installment_first=180000, installment_rest=200000,
                          installment_rest_due="2027-03-31", payment_days=7)
    contract = composed(data)
    text = "\n".join(c.text for c in article(contract, "price").clauses)
    assert "首期价款人民币（大写）壹拾捌万元整（¥180,000.00），应当自本合同签订之日起7日内支付" in text
    assert "剩余价款人民币（大写）贰拾万元整（¥200,000.00），应当于2027年3月31日前支付" in text
    assert "一次性支付" not in text
    with use_language("zh"):
        chinese = composed(example("software", choose={"付款方式": "分期支付"}) | {"values": data["values"]})
    assert chinese.clause_index.get("price.installments") is not None


def test_invoices_and_prepayment_follow_the_profile() -> None:
    consumer = composed(example("fitness"))
    text = "\n".join(c.text for c in article(consumer, "price").clauses)
    assert "甲方索要发票的，乙方必须出具（《中华人民共和国消费者权益保护法》第二十二条）" in text
    prepayment = "\n".join(c.text for c in article(consumer, "prepayment").clauses)
    assert "《中华人民共和国消费者权益保护法实施条例》第二十二条" in prepayment
    assert "《最高人民法院关于审理预付式消费民事纠纷案件适用法律若干问题的解释》" in prepayment
    assert "乙方不得以使用期限届满为由不予退还余额" in prepayment
    data = example("software")
    data["values"].update(prepaid=True, prepaid_amount=100000, prepaid_covers="开发服务")
    business = composed(data)
    assert "甲方需要增值税专用发票的" in "\n".join(c.text for c in article(business, "price").clauses)
    prepayment = "\n".join(c.text for c in article(business, "prepayment").clauses)
    assert "实施条例" not in prepayment and "应当提前书面通知甲方" in prepayment
    assert "refund.no-deduction" not in business.clause_index and "refund.no-deduction" in composed(
        example("hotel")).clause_index


def test_the_deposit_says_what_may_be_deducted_and_when_it_comes_back() -> None:
    contract = composed(example("hotel"))
    text = "\n".join(c.text for c in article(contract, "deposit").clauses)
    assert "押金人民币（大写）伍佰元整（¥500.00）" in text and "不属于服务价款" in text
    assert "乙方仅可以在下列情形下从押金中扣除相应款项：甲方未结清房费及其他消费" in text
    assert "乙方应当在1日内将押金退还甲方" in text


def test_education_withdrawal_keeps_its_own_procedure_beside_the_refund_rule() -> None:
    contract = composed(example("education"))
    refund = article(contract, "refund")
    assert [c.id for c in refund.clauses] == ["refund.calculation"]
    assert "education.refund" in contract.clause_index
    assert "课时" in refund.clauses[0].text
