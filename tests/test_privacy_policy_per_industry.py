"""The privacy policy (隐私保护政策) of each industry names only what that industry's service collects
(#13, 《个人信息保护法》第十七条): its own channels, identity data and their legal basis, service
records, sensitive personal information, indirect sources and legally kept records, and none of the
other industries'. "您" follows the customer's type: a company has no personal information of its
own, only its staff's and the other people's whose information it gives, and its business
information is left to the contract's confidentiality clauses. Asserted on the composed annex of
each industry's ``init --example`` spec, with a person and with an organization as the customer."""

from __future__ import annotations

import functools

import pytest
import yaml

from contractgen.compose import compose
from contractgen.library import load_library
from contractgen.model import Annex
from contractgen.spec import EXAMPLE_PARTIES, parse_spec, starter_spec
from tests.profile_helpers import as_profile

LIBRARY = load_library()
INDUSTRIES = ("education", "hotel", "telecom", "software", "car-rental", "catering", "fitness")
KINDS = ("person", "organization")
FRAMES = ("standalone", "supplement")
MAIN = {"title": "服务合同", "number": "HT-2026-007", "date": "2026-10-08"}

OWN: dict[str, tuple[str, ...]] = {
    "education": ("在线教育平台", "学习进度和成绩", "课堂音视频", "不满十四周岁的未成年学员的个人信息"),
    "hotel": ("住宿登记", "《旅馆业治安管理办法》第六条", "入住记录", "入住人员", "旅馆"),
    "telecom": ("营业厅", "《中华人民共和国反电信网络诈骗法》第九条", "电话用户真实身份信息", "通信业务使用记录",
                "我们不检查您的通信内容"),
    "software": ("在线工单系统", "账户和使用日志", "不需要处理敏感个人信息"),
    "car-rental": ("机动车", "《中华人民共和国道路交通安全法》第十九条", "车辆租赁和行驶记录", "卫星定位",
                   "驾驶人的行踪轨迹"),
    "catering": ("过敏", "就餐和消费记录", "网络订餐平台", "送餐地址", "核对年龄"),
    "fitness": ("健康状况", "健身和课程记录", "会员卡", "体能和健康状况评估"),
}
"""Words only that industry's policy may contain: present in its own, absent from every other's."""

SHARED: dict[str, frozenset[str]] = {
    "门店": frozenset({"car-rental", "catering", "fitness"}),  # no shop for a course, software or a phone line
    "前台": frozenset({"hotel", "fitness"}),
    "依法进行实名登记": frozenset({"hotel", "telecom", "car-rental"}),
    "《中华人民共和国反恐怖主义法》第二十一条": frozenset({"hotel", "telecom", "car-rental"}),
    "人脸信息": frozenset({"hotel", "telecom", "fitness"}),
    "其他合理的身份核验方式": frozenset({"hotel", "telecom", "fitness"}),
    "预订平台": frozenset({"hotel", "car-rental"}),
    "紧急联系人": frozenset({"hotel", "fitness"}),
    "视频监控录像": frozenset({"hotel", "fitness"}),
    "医疗健康信息": frozenset({"catering", "fitness"}),
}
"""Words a few industries share, and exactly which."""


def spec(industry: str, kind: str, frame: str = "standalone") -> dict:
    """The industry's example spec with a customer of ``kind``, the privacy policy attached."""
    data = yaml.safe_load(starter_spec(LIBRARY, industry, example=True))
    if LIBRARY.industry[industry].customer_type != kind:
        data["parties"]["customer"] = {"type": kind, **EXAMPLE_PARTIES[kind]}
        as_profile(data, "consumer" if kind == "person" else "business", LIBRARY)
    annexes = LIBRARY.industry[industry].annexes
    if "privacy-policy" not in annexes:  # software does not attach it by default; any industry may
        data["annexes"] = [*annexes, "privacy-policy"]
    if frame == "supplement":
        data.update(frame="supplement", main_contract=MAIN)
    return data


@functools.cache
def annex(industry: str, kind: str, frame: str = "standalone") -> Annex:
    text = yaml.safe_dump(spec(industry, kind, frame), allow_unicode=True)
    contract = compose(parse_spec(text.encode(), "spec.yaml"), LIBRARY)
    assert contract.parties[0].kind == kind
    return next(a for a in contract.annexes if a.id == "privacy-policy")


def texts(a: Annex) -> list[str]:
    return ["".join(r.text for r in p.runs) for p in (*a.intro, *(p for s in a.sections for p in s.paragraphs))]


def policy(industry: str, kind: str, frame: str = "standalone") -> str:
    return "\n".join(texts(annex(industry, kind, frame)))


def item(industry: str, kind: str, start: str) -> str:
    found = [t for t in texts(annex(industry, kind)) if t.startswith(start)]
    assert len(found) == 1, (industry, kind, start)
    return found[0]


CASES = [(i, k) for i in INDUSTRIES for k in KINDS]


def test_every_industry_has_its_words_and_is_tested() -> None:
    assert set(OWN) == set(INDUSTRIES) == set(LIBRARY.industry)
    for industry in INDUSTRIES:  # the policy the industry attaches, or may attach (software)
        assert LIBRARY.offered(LIBRARY.annex["privacy-policy"], industry)


@pytest.mark.parametrize(("industry", "kind"), CASES)
@pytest.mark.parametrize("frame", FRAMES)
def test_the_policy_names_its_own_industry_and_no_other(industry: str, kind: str, frame: str) -> None:
    text = policy(industry, kind, frame)
    missing = [w for w in OWN[industry] if w not in text]
    assert not missing, f"{industry} ({kind}, {frame}) lacks its own {missing}"
    foreign = [(other, w) for other, words in OWN.items() if other != industry for w in words if w in text]
    assert not foreign, f"{industry} ({kind}, {frame}) names other industries' {foreign}"
    for word, industries in SHARED.items():
        assert (word in text) == (industry in industries), f"{industry} ({kind}, {frame}): {word}"


@pytest.mark.parametrize(("industry", "kind"), CASES)
def test_the_policy_leaves_no_template_or_half_sentence(industry: str, kind: str) -> None:
    for paragraph in texts(annex(industry, kind)):
        assert not any(mark in paragraph for mark in ("{", "}", "%", "，。", "。。", "；；", "，；", "：，", "、，"))
        assert not paragraph.startswith(("，", "；", "、")), paragraph
    collected = next(s for s in annex(industry, kind).sections if s.heading == "三、我们收集的个人信息")
    numbers = [p.number for p in collected.paragraphs if p.number]
    assert len(numbers) == len(set(numbers)) == 8  # every item of section 三 says something, none twice


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_an_organization_customer_is_its_staff_and_people_it_names(industry: str) -> None:
    text = policy(industry, "organization")
    assert "本政策所称“您”，是指甲方的工作人员" in text
    assert "甲方本人" not in text
    assert "甲方是单位，本身不享有个人信息权益" in text
    assert "商业信息不属于本政策所称的个人信息，其保密依照本合同第" in text  # ref('confidentiality'), numbered
    assert "间接获取的信息：我们从甲方" in item(industry, "organization", "间接获取的信息")


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_a_person_customer_is_the_customer_and_the_people_who_use_the_service(industry: str) -> None:
    text = policy(industry, "person")
    role = LIBRARY.industry[industry].customer_role
    assert f"本政策所称“您”，是指其个人信息由我们处理的自然人，包括作为{role}的甲方本人" in text
    assert "甲方的工作人员" not in text and "不享有个人信息权益" not in text
    assert "从甲方" not in text


@pytest.mark.parametrize(("industry", "kind"), CASES)
def test_indirect_sources_are_the_industry_platforms_and_an_organization_customer(industry: str, kind: str) -> None:
    text = item(industry, kind, "间接获取的信息")
    platform = {"hotel": "预订平台", "car-rental": "预订平台", "catering": "网络订餐平台"}.get(industry)
    assert ("平台" in text) == (platform is not None)
    if platform:
        assert platform in text
    if platform is None and kind == "person":
        assert text.startswith("间接获取的信息：我们原则上直接向您收集个人信息")


@pytest.mark.parametrize(("industry", "kind"), CASES)
def test_the_legal_basis_of_real_name_registration(industry: str, kind: str) -> None:
    identity = item(industry, kind, "身份信息")
    basis = {
        "hotel": ("《旅馆业治安管理办法》第六条", "《中华人民共和国反恐怖主义法》第二十一条", "不得为其提供住宿服务"),
        "telecom": ("《中华人民共和国反电信网络诈骗法》第九条", "《中华人民共和国反恐怖主义法》第二十一条",
                    "查验并如实登记电话用户真实身份信息"),
        "car-rental": ("《中华人民共和国反恐怖主义法》第二十一条", "《中华人民共和国道路交通安全法》第十九条",
                       "不得提供租赁服务"),
    }.get(industry)
    if basis:
        assert all(b in identity for b in basis), identity
        assert "证件类型和号码" in identity
    else:  # no law asks these industries to register IDs: the policy asks for none and cites nothing
        assert "《" not in identity and "证件类型和号码" not in identity, identity
        assert ("不要求" in identity) == (industry != "fitness"), identity


def test_each_industry_records_what_it_serves() -> None:
    records = {i: item(i, "person", "服务使用记录") for i in INDUSTRIES}
    assert "学习进度和成绩" in records["education"]
    assert "入住记录" in records["hotel"] and "房号" in records["hotel"]
    assert "通信业务使用记录" in records["telecom"] and "通话详单" in records["telecom"]
    assert "车辆租赁和行驶记录" in records["car-rental"] and "交通违法记录" in records["car-rental"]
    assert "就餐和消费记录" in records["catering"]
    assert "健身和课程记录" in records["fitness"] and "身体测量数据" in records["fitness"]
    assert "账户和使用日志" in records["software"] and "技术支持工单" in records["software"]
    assert len(set(records.values())) == len(INDUSTRIES)


def test_sensitive_information_is_only_the_industry_own() -> None:
    sensitive = {i: item(i, "person", "敏感个人信息") for i in INDUSTRIES}
    minors = {i for i, t in sensitive.items() if "不满十四周岁" in t}
    assert minors == {"education", "hotel"}
    assert "健康状况" in sensitive["fitness"] and "人脸信息" in sensitive["fitness"]
    assert "会员卡、二维码等其他合理的身份核验方式" in sensitive["fitness"]
    assert "过敏信息" in sensitive["catering"] and "依照本合同第" in sensitive["catering"]  # ref to catering.allergy-data
    assert "行踪轨迹" in sensitive["car-rental"] and "卫星定位装置" in sensitive["car-rental"]
    assert "人工查验身份证件等其他合理的身份核验方式" in sensitive["hotel"]
    assert "人工查验身份证件等其他合理的身份核验方式" in sensitive["telecom"]
    assert {i for i, t in sensitive.items() if "单独同意" in t} == set(INDUSTRIES)


def test_kept_records_are_the_industry_own_and_network_logs_six_months() -> None:
    for industry in INDUSTRIES:
        kept = next(t for t in texts(annex(industry, "person")) if t.startswith("法律、行政法规规定的保存期限尚未届满的"))
        assert "《中华人民共和国网络安全法》留存的网络日志不少于六个月" in kept
        assert ("住宿登记信息" in kept) == (industry == "hotel")
        assert ("电话用户真实身份信息" in kept) == (industry == "telecom")


def test_only_real_name_industries_give_registration_as_a_legal_duty() -> None:
    duty = {i: item(i, "person", "为履行法定职责或者法定义务所必需") for i in INDUSTRIES}
    assert {i for i, t in duty.items() if "实名登记" in t} == {"hotel", "telecom", "car-rental"}
    assert all("留存网络日志" in t for t in duty.values())
