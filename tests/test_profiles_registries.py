"""Consumer and business profiles; the law registry behind law(); the arbitration registry."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from contractgen.cli import cli
from contractgen.compose import compose
from contractgen.errors import LibraryError, SpecError
from contractgen.library import PROFILES, builtin_library_dir, load_library
from contractgen.lint import lint
from contractgen.registries import BY_HAND, cite
from contractgen.spec import parse_spec, starter_spec
from tests.profile_helpers import as_profile

LIBRARY = load_library()
INDUSTRIES = tuple(i.id for i in LIBRARY.industries)


def data_of(industry: str) -> dict:
    return yaml.safe_load(starter_spec(LIBRARY, industry, example=True))


def spec_from(data: dict, name: str = "spec.yaml"):
    return parse_spec(yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode(), name)


def text_of(contract) -> str:
    parts = [p.text for p in contract.preamble]
    for article in contract.articles:
        parts += [p.text for p in article.paragraphs]
        parts += [p.text for c in article.clauses for p in c.paragraphs]
    for annex in contract.annexes:
        parts += [p.text for p in annex.intro] + [p.text for s in annex.sections for p in s.paragraphs]
    return "\n".join(parts)


def problems(data: dict, library=LIBRARY) -> str:
    with pytest.raises(SpecError) as info:
        compose(spec_from(data), library)
    return "\n".join(str(p) for p in info.value.problems)


def layer(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "company"
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return root


# --- profiles --------------------------------------------------------------------------------------

@pytest.mark.parametrize("industry", INDUSTRIES)
def test_the_profile_follows_the_customer_unless_the_spec_says(industry):
    data = data_of(industry)
    person = LIBRARY.industry[industry].customer_type == "person"
    assert compose(spec_from(data), LIBRARY).profile == ("consumer" if person else "business")
    if person:  # a sole trader buying for its business: a person in a business contract
        as_profile(data, "business", LIBRARY)
        assert compose(spec_from(data), LIBRARY).profile == "business"
    else:
        data["profile"] = "consumer"
        assert "profile: in a consumer contract the customer is a natural person" in problems(data)


def test_a_chinese_spec_names_the_profile_in_chinese():
    data = as_profile(data_of("hotel"), "business", LIBRARY)  # a business contract's values
    data.pop("profile")
    data["合同类型"] = "经营者之间的合同"
    assert compose(spec_from(data), LIBRARY).profile == "business"
    data["合同类型"] = "批发合同"
    assert "profile: unknown profile" in problems(data)


def test_the_starter_spec_names_the_profile_it_defaults_to():
    assert "# profile: consumer   # 合同类型" in starter_spec(LIBRARY, "hotel", example=True)
    assert "# 合同类型: 经营者之间的合同" in starter_spec(LIBRARY, "software", example=True, zh=True)


PROFILED_LAYER = {
    "clauses/900-profiled.yaml": """\
        variables:
          trade_discount:
            type: int
            label: 批发折扣（%）
            description: 经营者之间的批发折扣。
            default: 5
            profiles: [business]
        articles:
          - id: profiled
            kind: base
            title: 特别约定
            version: 1.0.0
            order: 95
            clauses:
              - id: profiled.consumer
                profiles: [consumer]
                text: 甲方作为消费者依法享有的权利不因本合同而减损。
              - id: profiled.business
                profiles: [business]
                text: 乙方给予甲方{{ trade_discount }}%的批发折扣。
              - id: profiled.both
                text: 本条适用于{% if profile == 'consumer' %}消费者{% else %}经营者{% endif %}。
    """,
}


def test_clauses_and_variables_follow_the_profile_like_conditions(tmp_path):
    library = load_library([layer(tmp_path, PROFILED_LAYER)])
    data = data_of("hotel")
    consumer = compose(spec_from(data), library)
    assert {"profiled.consumer", "profiled.both"} <= consumer.clause_index.keys()
    assert "profiled.business" not in consumer.clause_index
    assert "本条适用于消费者。" in text_of(consumer)
    as_profile(data, "business", library)
    business = compose(spec_from(data), library)
    assert "profiled.consumer" not in business.clause_index
    assert "乙方给予甲方5%的批发折扣。" in text_of(business) and "本条适用于经营者。" in text_of(business)
    assert dict(business.values)["trade_discount"] == "5"
    data.pop("profile")
    data["values"]["trade_discount"] = 8
    assert "values.trade_discount: 'trade_discount' does not apply to a consumer contract" in problems(data, library)


def test_a_group_may_hold_one_alternative_per_profile_but_not_two_in_one(tmp_path):
    alternatives = """\
        articles:
          - id: venue
            kind: base
            title: 履行地点
            version: 1.0.0
            order: 96
            clauses:
              - id: venue.home
                kind: alternative
                group: venue
                choice: home
                default: true
                profiles: [consumer]
                text: 乙方在甲方住所提供服务。
              - id: venue.office
                kind: alternative
                group: venue
                choice: home
                default: true
                profiles: [{profile}]
                text: 乙方在甲方营业场所提供服务。
    """
    library = load_library([layer(tmp_path / "a", {"clauses/900-venue.yaml": alternatives.format(profile="business")})])
    data = data_of("hotel")
    assert "乙方在甲方住所提供服务。" in text_of(compose(spec_from(data), library))
    as_profile(data, "business", library)
    assert "乙方在甲方营业场所提供服务。" in text_of(compose(spec_from(data), library))
    with pytest.raises(LibraryError) as info:
        load_library([layer(tmp_path / "b", {"clauses/900-venue.yaml": alternatives.format(profile="consumer")})])
    shown = "\n".join(map(str, info.value.problems))
    assert "alternative group 'venue' has choice 'home' twice" in shown
    assert "alternative group 'venue' needs exactly one default, has 2" in shown


def test_a_consumer_is_not_offered_the_providers_court():
    data = data_of("hotel")
    data["values"]["court"] = "乙方住所地"
    assert "values.court: \"乙方住所地\" is not offered in a consumer contract; one of: 甲方住所地、合同履行地" \
        in problems(data)
    as_profile(data, "business", LIBRARY)
    data["values"]["court"] = "乙方住所地"
    assert "向乙方住所地有管辖权的人民法院" in text_of(compose(spec_from(data), LIBRARY))
    data = data_of("hotel")
    data["values"].pop("court", None)
    assert "向甲方住所地有管辖权的人民法院" in text_of(compose(spec_from(data), LIBRARY))


def test_a_profile_restriction_names_a_known_profile(tmp_path):
    bad = {"clauses/900-bad.yaml": """\
        clauses:
          - id: evaluation.bad
            article: evaluation
            order: 99
            kind: base
            version: 1.0.0
            profiles: [retail]
            text: 无。
    """}
    with pytest.raises(LibraryError) as info:
        load_library([layer(tmp_path, bad)])
    assert "profiles: must be one of consumer, business, got 'retail'" in "\n".join(map(str, info.value.problems))
    assert PROFILES == ("consumer", "business")


# --- the law registry --------------------------------------------------------------------------------

def test_law_prints_the_registered_name_and_articles():
    law = LIBRARY.law_index.function()
    assert law("个人信息保护法", 13) == "《中华人民共和国个人信息保护法》第十三条"
    assert law("民法典", "496-498") == "《中华人民共和国民法典》第四百九十六条至第四百九十八条"
    assert law("中华人民共和国民法典", 1037, 1038) == "《中华人民共和国民法典》第一千零三十七条、第一千零三十八条"
    assert law("个人信息保护法", chapter=4) == "《中华人民共和国个人信息保护法》第四章"
    assert law("民事诉讼法解释", 31) == "《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第三十一条"
    assert cite(LIBRARY.law_index.by_name["电信条例"]) == "《中华人民共和国电信条例》"


def test_every_registered_law_is_complete_and_every_shipped_citation_comes_from_it():
    for law in LIBRARY.laws:
        assert law.name and law.short and law.number and law.effective, law
        assert all(subject for _, subject in law.articles), law.name
    root = builtin_library_dir()
    for folder in ("clauses", "industries", "attachments"):
        for path in (root / folder).glob("*.yaml"):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if not line.lstrip().startswith(("#", "number:", "verified:")):
                    assert not BY_HAND.search(line), f"{path.name}:{number}: {line.strip()}"
    cited = {m for c in INDUSTRIES for m in re.findall(r"《[^》]*》", text_of(compose(spec_from(data_of(c)), LIBRARY)))}
    names = {f"《{law.name}》" for law in LIBRARY.laws}
    assert cited and cited <= names


@pytest.mark.parametrize(("text", "expected"), [
    ("依照{{ law('民法典', 9999) }}处理。", "第九千九百九十九条 of 《中华人民共和国民法典》 is not in the law registry"),
    ("依照{{ law('合同法') }}处理。", "the law '合同法' is not in the law registry"),
    ("依照{{ law('个人信息保护法', chapter=9) }}处理。", "第九章 of 《中华人民共和国个人信息保护法》 is not in the law registry"),
    ("依照{{ law(term_years) }}处理。", "law() takes constants only"),
])
def test_a_citation_the_registry_cannot_print_is_a_library_error(tmp_path, text, expected):
    files = {"clauses/900-cite.yaml": f"""\
        clauses:
          - id: evaluation.cite
            article: evaluation
            order: 99
            kind: base
            version: 1.0.0
            text: "{text}"
    """}
    with pytest.raises(LibraryError) as info:
        load_library([layer(tmp_path, files)])
    shown = "\n".join(map(str, info.value.problems))
    assert "clauses/900-cite.yaml:2:" in shown and expected in shown


def test_lint_refuses_a_law_cited_by_hand_and_a_layer_may_register_one(tmp_path):
    root = layer(tmp_path, {
        "clauses/900-laws.yaml": """\
            laws:
              - name: 中华人民共和国旅游法
                short: 旅游法
                kind: 法律
                number: 中华人民共和国主席令第十六号
                effective: 2018-10-26
                articles:
                  70: 旅行社不履行包价旅游合同义务的违约责任
            clauses:
              - id: evaluation.travel
                article: evaluation
                order: 99
                kind: base
                version: 1.0.0
                text: 依照{{ law('旅游法', 70) }}和《中华人民共和国民法典》第五百条处理。
        """,
    })
    found = [p for p in lint([root]) if p.code == "lint.citation-by-hand"]
    assert [(p.line, p.params["text"]) for p in found] == [(15, "《中华人民共和国民法典》")]
    result = CliRunner().invoke(cli, ["--lang", "zh", "lint", str(root)])
    assert result.exit_code == 2 and "手写的法律引用" in result.output and "900-laws.yaml:15" in result.output
    library = load_library([root])
    assert "《中华人民共和国旅游法》第七十条" in text_of(compose(spec_from(data_of("hotel")), library))


# --- the arbitration registry -----------------------------------------------------------------------

def test_arbitration_bodies_are_real_ones_and_a_layer_may_add_one(tmp_path):
    names = {b.name for b in LIBRARY.arbitration}
    assert {"深圳国际仲裁院", "上海国际仲裁中心", "中国国际经济贸易仲裁委员会", "北京仲裁委员会", "上海仲裁委员会"} <= names
    assert LIBRARY.variable["arbitration_commission"].label == "仲裁机构名称"
    root = layer(tmp_path, {"clauses/900-bodies.yaml": """\
        arbitration:
          - name: 温州仲裁委员会
            city: 温州市
    """})
    data = data_of("hotel")
    data["choose"] = {"dispute": "arbitration"}
    data["values"]["arbitration_commission"] = "温州仲裁委员会"
    assert "values.arbitration_commission" in problems(data)
    assert "提交温州仲裁委员会，" in text_of(compose(spec_from(data), load_library([root])))


def test_the_arbitration_field_is_named_by_its_chinese_label():
    data = data_of("hotel")
    data["choose"] = {"dispute": "arbitration"}
    data["values"].pop("arbitration_commission", None)
    data["values"]["仲裁机构名称"] = "深圳国际仲裁院"
    assert "提交深圳国际仲裁院，" in text_of(compose(spec_from(data), LIBRARY))
