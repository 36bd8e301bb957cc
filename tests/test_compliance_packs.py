"""Industry compliance packs (#14): the clauses each industry's own rules require, in both profiles and
both framings, each citing its source through the law registry, asserted on the composed model."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import yaml
from click.testing import CliRunner

from contractgen.cli import cli
from contractgen.compose import compose
from contractgen.errors import SpecError
from contractgen.library import load_library
from contractgen.model import Contract
from contractgen.spec import EXAMPLE_PARTIES, parse_spec, starter_spec
from tests.profile_helpers import as_profile

LIBRARY = load_library()
PROFILES = ("consumer", "business")
FRAMES = ("standalone", "supplement")
MAIN = {"title": "服务合同", "number": "HT-2026-007", "date": "2026-10-08"}


@dataclass(frozen=True)
class Expect:
    """A compliance clause and what a reader must find in it."""

    clause: str
    says: tuple[str, ...]
    """Wording and citations (as printed, through the registry) the clause must contain."""
    frames: tuple[str, ...] = FRAMES
    profiles: tuple[str, ...] = PROFILES


PACKS: dict[str, tuple[Expect, ...]] = {
    "education": (
        Expect("education.prepaid-limit", ("时间跨度超过3个月或者超过60课时的培训费用", "不得以培训贷方式收取培训费用")),
        Expect("education.prepaid-lessons", ("预付的培训费用用于购买48课时的培训，使用期限为3个月",), frames=("standalone",)),
        Expect("education.custody", ("全部进入乙方在中国工商银行股份有限公司上海市徐汇支行开立的培训收费专用账户",
                                     "不得挪用尚未消课的培训费用")),
        Expect("education.unused-refund", ("尚未消课的培训费用全部退还甲方", "中按照比例部分退款的约定，不适用")),
        Expect("education.minors-online", ("插入网络游戏链接，不得推送广告等与教学无关的信息",
                                           "《中华人民共和国未成年人保护法》第七十四条")),
    ),
    "hotel": (
        Expect("hotel.registration", ("《旅馆业治安管理办法》第六条", "《中华人民共和国反恐怖主义法》第二十一条",
                                       "对身份不明或者拒绝身份查验的人员，乙方不得为其提供住宿服务")),
        Expect("hotel.room-rate", ("按照乙方在预订确认单中载明的每间每晚房价乘以入住晚数计算",), frames=("standalone",)),
        Expect("hotel.price-display", ("不得收取任何未予标明的费用（《中华人民共和国价格法》第十三条）",)),
        Expect("hotel.deposit-release", ("预授权的金额不得超过约定的押金数额", "24小时内完成预授权结算或者撤销预授权")),
        Expect("hotel.check-times", ("自入住日14:00起为甲方办理入住", "在离店日12:00前办理退房",
                                      "乙方未事先告知的，不得收取费用")),
        Expect("hotel.cancellation", ("14:00的24小时前取消预订", "不超过首晚房费", "3日内退还应退的房费")),
        Expect("hotel.valuables", ("《旅馆业治安管理办法》第七条", "建立登记、领取和交接制度", "可以免费交乙方寄存")),
    ),
    "catering": (
        Expect("catering.no-minimum", ("不得设置最低消费", "《中华人民共和国价格法》第十三条")),
        Expect("catering.food-waste", ("依照《中华人民共和国反食品浪费法》第七条的规定，主动提示甲方防止食品浪费",
                                       "不得诱导、误导甲方超量点餐")),
        Expect("catering.leftover-fee", ("每桌人民币（大写）伍拾元整（¥50.00）", "《中华人民共和国反食品浪费法》第七条",
                                         "未事先明示的，乙方不得收取该费用")),
        Expect("catering.punitive-damages", ("《中华人民共和国食品安全法》第一百四十八条", "价款十倍或者损失三倍的赔偿金",
                                             "不排除或者限制甲方依法享有的该项权利"), profiles=("consumer",)),
        Expect("catering.punitive-damages-business", ("《中华人民共和国食品安全法》第一百四十八条", "就餐人员除要求赔偿损失外",
                                                      "不排除或者限制甲方和就餐人员依法享有的该项权利"),
               profiles=("business",)),
        Expect("catering.allergy-data", ("《中华人民共和国个人信息保护法》第二十八条",
                                         "《中华人民共和国个人信息保护法》第二十九条", "单独同意",
                                         "隐私保护政策（本合同附件）")),
    ),
    "telecom": (
        Expect("telecom.real-name", ("《中华人民共和国反电信网络诈骗法》第九条", "《中华人民共和国反恐怖主义法》第二十一条",
                                      "出示本人的有效身份证件"), profiles=("consumer",)),
        Expect("telecom.real-name-business", ("如实登记每一张电话卡的实际使用人", "《中华人民共和国反电信网络诈骗法》第九条"),
               profiles=("business",)),
        Expect("telecom.number-portability", ("甲方有权依照国家有关规定申请携号转网", "不得无正当理由拒绝、阻止、拖延")),
        Expect("telecom.suspension", ("每日千分之三加收违约金", "超过约定的交费期限30日仍未交纳",
                                      "至少提前72小时以短信或者电话通知", "24小时内恢复服务", "《中华人民共和国电信条例》")),
        Expect("telecom.contract-period", ("合约期为24个月",
                                           "每月套餐费减免人民币30元，共24个月，优惠总额为人民币（大写）柒佰贰拾元整（¥720.00）",
                                           "人民币（大写）柒佰贰拾元整（¥720.00）乘以未履行的合约月数", "不得将合约期自动延续")),
    ),
    "software": (
        Expect("software.deliverables", ("《中华人民共和国民法典》第八百五十三条",
                                         "自本合同生效之日起15日内向甲方提交需求规格说明书",
                                         "自需求规格说明书经双方确认之日起90日内", "不少于16小时的操作培训")),
        Expect("software.customer-duties", ("《中华人民共和国民法典》第八百五十二条", "乙方的交付期限相应顺延")),
        Expect("software.acceptance-plan", ("至迟在交付软件10日前向甲方提交验收测试方案", "通过率不低于百分之九十五",
                                            "遗留的一般缺陷不超过5个")),
        Expect("software.escrow", ("上海云存软件托管服务有限公司（以下简称“托管机构”）", "之日起10个工作日内",
                                   "托管费用由双方各半承担", "自甲方书面催告之日起15日内仍未纠正")),
        Expect("software.change-pricing", ("每人日（一名开发人员工作八小时）的价格为人民币（大写）贰仟元整（¥2,000.00）",
                                           "不得另行收取费用", "15日内支付变更费用")),
    ),
    "car-rental": (
        Expect("car-rental.identity", ("《中华人民共和国反恐怖主义法》第二十一条", "《中华人民共和国道路交通安全法》第十九条",
                                       "有效的机动车驾驶证")),
        Expect("car-rental.no-sublet", ("不得将车辆用于网络预约出租汽车", "《中华人民共和国民法典》第七百一十六条")),
        Expect("car-rental.violations", ("在3日内通知甲方", "乙方不得代为接受记分")),
        Expect("car-rental.tracking", ("是甲方的行踪轨迹，属于敏感个人信息（《中华人民共和国个人信息保护法》第二十八条）",
                                       "单独同意（《中华人民共和国个人信息保护法》第二十九条）", "甲方单独同意（签字）"),
               profiles=("consumer",)),
        Expect("car-rental.tracking-business", ("是驾驶人的行踪轨迹", "取得驾驶人的单独同意"), profiles=("business",)),
    ),
    "fitness": (
        Expect("fitness.cooling-off", ("签订本合同之日起7日内", "无理由解除本合同", "不得收取手续费")),
        Expect("fitness.card-suspension", ("累计停卡不超过90日", "有效期相应顺延")),
        Expect("fitness.card-transfer", ("转让手续费不得超过人民币（大写）壹佰元整（¥100.00）",)),
        Expect("fitness.card-refund", ("剩余有效天数占有效期总天数的比例", "7日内退还")),
        Expect("fitness.high-risk", ("依法取得经营许可", "至少3名救生员在池边值守")),
    ),
}


def example(industry: str, profile: str | None = None, frame: str = "standalone") -> dict:
    """The industry's ``init --example`` spec; for the other profile, a customer of that profile's kind."""
    data = yaml.safe_load(starter_spec(LIBRARY, industry, example=True))
    if profile is not None:
        kind = "person" if profile == "consumer" else "organization"
        data["parties"]["customer"] = {"type": kind, **EXAMPLE_PARTIES[kind]}
        as_profile(data, profile, LIBRARY)
    if frame == "supplement":
        data.update(frame="supplement", main_contract=MAIN)
    return data


def composed(data: dict) -> Contract:
    return compose(parse_spec(yaml.safe_dump(data, allow_unicode=True).encode(), "spec.yaml"), LIBRARY)


def problems(data: dict) -> list[str]:
    with pytest.raises(SpecError) as info:
        composed(data)
    return [str(p) for p in info.value.problems]


def clause_text(contract: Contract, ident: str) -> str:
    return contract.clause_index[ident].text


CASES = [(i, p, f) for i in PACKS for p in PROFILES for f in FRAMES]


@pytest.mark.parametrize(("industry", "profile", "frame"), CASES, ids=["-".join(c) for c in CASES])
def test_every_compliance_clause_is_in_the_contract_with_its_sources(industry: str, profile: str, frame: str) -> None:
    contract = composed(example(industry, profile, frame))
    assert contract.profile == profile and contract.frame == frame
    for expect in PACKS[industry]:
        present = expect.clause in contract.clause_index
        assert present == (frame in expect.frames and profile in expect.profiles), expect.clause
        if present:
            text = clause_text(contract, expect.clause)
            for phrase in expect.says:
                if frame == "supplement":
                    phrase = phrase.replace("本合同", "本协议")
                assert phrase in text, f"{expect.clause}: {phrase}"
            if frame == "supplement":
                assert "本合同" not in text, "a supplement is 本协议 throughout"


@pytest.mark.parametrize("industry", PACKS)
def test_the_example_spec_builds_with_its_pack(industry: str, tmp_path) -> None:
    spec = tmp_path / f"{industry}.yaml"
    result = CliRunner().invoke(cli, ["init", industry, "--example"])
    assert result.exit_code == 0, result.output
    spec.write_text(result.output, encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(spec), "-o", str(tmp_path / "out"), "--format", "md"])
    assert result.exit_code == 0, result.output
    text = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "out").glob("*.md"))
    article = LIBRARY.node[PACKS[industry][0].clause].article
    assert LIBRARY.node[article].title in text


def test_the_packs_sit_with_the_deal_before_feedback_and_evaluation() -> None:
    for industry in PACKS:
        ids = [a.id for a in composed(example(industry)).articles]
        pack = LIBRARY.node[PACKS[industry][0].clause].article
        assert ids.index("refund") < ids.index(pack) < ids.index("feedback"), industry


# --- education -------------------------------------------------------------------------------------

def test_education_adult_courses_keep_only_the_minor_rules() -> None:
    data = example("education")
    data["values"]["education_k12"] = False
    contract = composed(data)
    for ident in ("education.prepaid-limit", "education.custody", "education.unused-refund"):
        assert ident not in contract.clause_index
    assert "education.minors-online" in contract.clause_index
    for name in ("education_custody_bank", "education_custody_account"):
        del data["values"][name]
    composed(data)  # the custody account is asked for only where the clause is


@pytest.mark.parametrize(("industry", "name", "value", "expected"), [
    ("education", "education_prepaid_months", 4, "from 1 to 3"),
    ("education", "education_prepaid_hours", 61, "from 1 to 60"),
    ("telecom", "telecom_late_fee_permille", 4, "from 0 to 3"),
    ("telecom", "telecom_suspension_days", 29, "from 30 to 90"),
    ("telecom", "telecom_termination_days", 59, "from 60 to 180"),
    ("telecom", "telecom_restore_hours", 49, "from 1 to 48"),
])
def test_a_limit_the_rules_set_cannot_be_exceeded(industry: str, name: str, value: int, expected: str) -> None:
    """Education's 3 months / 60 class hours; telecom's 3‰ a day, 30 days before suspension and 60 before
    termination (电信条例), service back within 48 hours of payment."""
    data = example(industry)
    data["values"][name] = value
    assert any(name in p and expected in p for p in problems(data))


def test_education_k12_refund_overrides_the_percentage_and_keeps_one_deadline() -> None:
    data = example("education")
    data["values"]["education_refund_process_days"] = 9
    contract = composed(data)
    text = clause_text(contract, "education.unused-refund")
    number = contract.clause_index["education.refund"].number
    assert f"本合同第{number}条中按照比例部分退款的约定，不适用于本合同约定的培训" in text
    assert "之日起9日内" in text and "9日内完成审核" in clause_text(contract, "education.refund")


# --- hotel -----------------------------------------------------------------------------------------

def test_hotel_supplement_leaves_the_room_rate_to_the_main_contract() -> None:
    contract = composed(example("hotel", frame="supplement"))
    assert "hotel.room-rate" not in contract.clause_index and "hotel.price-display" in contract.clause_index


def test_hotel_without_a_deposit_has_no_preauthorization_clause() -> None:
    data = example("hotel")
    data["values"]["deposit_taken"] = False
    for name in ("deposit_amount", "deposit_deductions", "deposit_refund_days"):
        data["values"].pop(name, None)
    assert "hotel.deposit-release" not in composed(data).clause_index


@pytest.mark.parametrize("value", ["2点", "24:00", "14：00", "9:00"])
def test_hotel_times_are_refused_unless_written_like_14_00(value: str) -> None:
    data = example("hotel")
    data["values"]["hotel_checkin_time"] = value
    assert any("hotel_checkin_time" in p for p in problems(data))


def test_hotel_cancellation_is_a_standard_term_in_bold() -> None:
    contract = composed(example("hotel"))
    assert "hotel.cancellation" in {c.id for c in contract.prominent_clauses}


# --- catering --------------------------------------------------------------------------------------

@pytest.mark.parametrize("frame", FRAMES)
def test_catering_attaches_the_privacy_policy_for_allergy_data(frame: str) -> None:
    contract = composed(example("catering", frame=frame))
    assert "隐私保护政策" in [a.title for a in contract.annexes]


def test_catering_leftover_fee_only_when_charged_and_in_bold() -> None:
    data = example("catering")
    contract = composed(data)
    assert "catering.leftover-fee" in {c.id for c in contract.prominent_clauses}
    data["values"]["catering_leftover_fee_charged"] = False
    del data["values"]["catering_leftover_fee"]
    assert "catering.leftover-fee" not in composed(data).clause_index


# --- software --------------------------------------------------------------------------------------

def test_software_schedule_leads_to_the_acceptance_and_delay_clauses_it_relies_on() -> None:
    contract = composed(example("software"))
    number = {i: contract.clause_index[i].number for i in ("software.function-evaluation", "software.customization")}
    assert f"依照本合同第{number['software.function-evaluation']}条的约定进行验收测试" in clause_text(
        contract, "software.deliverables")
    assert f"依照本合同第{number['software.customization']}条的约定承担违约责任" in clause_text(
        contract, "software.customer-duties")
    assert f"依照本合同第{number['software.customization']}条的约定答复变更的影响" in clause_text(
        contract, "software.change-pricing")
    # the service term points at the schedule instead of giving a second set of dates
    assert "按照本合同约定的交付进度" in clause_text(contract, "service.term")


def test_software_change_requests_need_their_person_day_price() -> None:
    data = example("software")
    del data["values"]["software_person_day_rate"]
    assert any("software_person_day_rate" in p for p in problems(data))


# --- the other four --------------------------------------------------------------------------------

@pytest.mark.parametrize(("industry", "switch", "clause", "values_of_clause"), [
    ("software", "software_escrow", "software.escrow", ("software_escrow_agent",)),
    ("car-rental", "car_rental_tracking", "car-rental.tracking", ()),
    ("fitness", "fitness_pool", "fitness.high-risk", ()),
])
def test_an_optional_pack_clause_goes_with_its_switch(industry: str, switch: str, clause: str,
                                                      values_of_clause: tuple[str, ...]) -> None:
    data = example(industry)
    assert clause in composed(data).clause_index
    data["values"][switch] = False
    for name in values_of_clause:
        del data["values"][name]
    assert clause not in composed(data).clause_index


@pytest.mark.parametrize(("industry", "clauses"), [
    ("telecom", ("telecom.suspension", "telecom.contract-period")),
    ("software", ("software.escrow", "software.change-pricing")),
    ("car-rental", ("car-rental.no-sublet",)),
    ("fitness", ("fitness.card-transfer",)),
])
def test_terms_that_add_to_the_customer_s_burden_are_in_bold(industry: str, clauses: tuple[str, ...]) -> None:
    prominent = {c.id for c in composed(example(industry)).prominent_clauses}
    assert set(clauses) <= prominent


def test_the_tracking_consent_is_signed_by_whoever_drives() -> None:
    consumer = composed(example("car-rental"))
    assert "甲方单独同意（签字）" in clause_text(consumer, "car-rental.tracking")
    business = composed(example("car-rental", "business"))
    assert "驾驶人签字的同意书" in clause_text(business, "car-rental.tracking-business")

