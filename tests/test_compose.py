"""The composer: specs become numbered, filled contracts; every bad value is reported with its line."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contractgen.cli import cli
from contractgen.compose import blank_annexes, compose
from contractgen.errors import SpecError
from contractgen.formats import article_number
from contractgen.library import load_library
from contractgen.spec import parse_spec, starter_spec

LIBRARY = load_library()
INDUSTRIES = tuple(i.id for i in LIBRARY.industries)


def example_text(industry: str) -> str:
    return starter_spec(LIBRARY, industry, example=True)


def spec_from(data: dict | str, name: str = "spec.yaml"):
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return parse_spec(text.encode(), name)


def example_data(industry: str) -> dict:
    return yaml.safe_load(example_text(industry))


def all_text(contract) -> str:
    parts = [p.text for p in contract.preamble]
    for article in contract.articles:
        parts.append(article.heading)
        parts += [p.number + p.text for p in article.paragraphs]
        for clause in article.clauses:
            parts.append(clause.number + clause.title)
            parts += [p.number + p.text for p in clause.paragraphs]
    return "\n".join(parts)


def problems_of(data, draft: bool = False) -> list[str]:
    with pytest.raises(SpecError) as info:
        compose(spec_from(data), LIBRARY, draft=draft)
    return [str(p) for p in info.value.problems]


# --- examples and starters -------------------------------------------------------------------------

@pytest.mark.parametrize("industry", INDUSTRIES)
def test_every_example_spec_composes(industry):
    contract = compose(spec_from(example_text(industry)), LIBRARY)
    assert not contract.draft and not contract.blanks
    assert contract.industry == industry
    assert [a.number for a in contract.articles] == [article_number(i) for i in range(1, len(contract.articles) + 1)]
    assert any(a.kind == "industry" for a in contract.articles)
    text = all_text(contract)
    assert "{{" not in text and "}}" not in text and "\ue000" not in text
    assert contract.annexes and contract.annexes[0].number == "附件一"


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_starter_spec_lists_every_variable_and_option(industry):
    text = starter_spec(LIBRARY, industry, example=False)
    yaml.safe_load(text)  # it is valid YAML
    profile = "consumer" if LIBRARY.industry[industry].customer_type == "person" else "business"
    for variable in LIBRARY.variables_for(industry, profile):  # the contract the starter builds
        assert f"{variable.name}:" in text and variable.label in text
    for node in LIBRARY.includable(industry):
        assert f"- {node.id}" in text
    assert "dispute:" in text
    # The starter alone fails with the list of missing required values, which --draft accepts.
    contract = compose(spec_from(text), LIBRARY, draft=True)
    assert contract.draft


def test_init_command_prints_a_spec_that_builds():
    result = CliRunner().invoke(cli, ["init", "hotel", "--example"])
    assert result.exit_code == 0
    assert yaml.safe_load(result.output)["industry"] == "hotel"


@pytest.mark.parametrize("node_id", sorted(n.id for i in INDUSTRIES for n in LIBRARY.includable(i)))
def test_every_optional_clause_can_be_included(node_id):
    industry = next(i for i in INDUSTRIES if node_id in {n.id for n in LIBRARY.includable(i)})
    data = example_data(industry)
    data["include"] = [node_id]
    data["choose"] = {"dispute": "arbitration"}
    data.setdefault("values", {})["arbitration_commission"] = "上海仲裁委员会"
    contract = compose(spec_from(data), LIBRARY)
    assert node_id in contract.clause_index


@pytest.mark.parametrize("choice", ["litigation", "arbitration"])
def test_dispute_alternatives(choice):
    data = example_data("hotel")
    data["choose"] = {"dispute": choice}
    data["values"]["arbitration_commission"] = "深圳国际仲裁院"
    text = all_text(compose(spec_from(data), LIBRARY))
    if choice == "arbitration":
        assert "提交深圳国际仲裁院" in text and "人民法院提起诉讼" not in text
    else:
        assert "人民法院" in text and "深圳国际仲裁院" not in text


@pytest.mark.parametrize(("given", "printed"), [("深圳国际仲裁院", "深圳国际仲裁院"),
                                                ("华南国际经济贸易仲裁委员会", "深圳国际仲裁院"),
                                                ("上海国际经济贸易仲裁委员会", "上海国际仲裁中心"),
                                                ("北京仲裁委员会", "北京仲裁委员会")])
def test_an_arbitration_body_is_one_of_the_registry_and_prints_by_its_current_name(given, printed):
    data = example_data("hotel")
    data["choose"] = {"dispute": "arbitration"}
    data["values"]["arbitration_commission"] = given
    assert f"提交{printed}，" in all_text(compose(spec_from(data), LIBRARY))


@pytest.mark.parametrize("given", ["人民法院仲裁委员会", "深圳国际仲裁院仲裁委员会", "某某市仲裁委员会"])
def test_a_body_not_in_the_registry_is_refused_by_its_label(given):
    data = example_data("hotel")
    data["choose"] = {"dispute": "arbitration"}
    data["values"]["arbitration_commission"] = given
    shown = "\n".join(problems_of(data))
    assert "values.arbitration_commission" in shown and "arbitration registry" in shown


def test_conditional_clauses_follow_their_bool():
    data = example_data("hotel")
    data["values"]["hotel_pet_policy"] = False
    ids = compose(spec_from(data), LIBRARY).clause_index
    assert "hotel.pets" not in ids and "hotel.children" in ids


# --- values and formatting -------------------------------------------------------------------------

def test_values_stay_marked_in_the_model():
    data = example_data("hotel")
    data["values"]["term_years"] = 3
    contract = compose(spec_from(data), LIBRARY)
    runs = [r for a in contract.articles for c in a.clauses for p in c.paragraphs for r in p.runs]
    term = [r for r in runs if r.var == "term_years"]
    assert term and term[0].kind == "value" and term[0].raw == "3" and term[0].text == "3"
    money = [r for r in runs if r.kind == "value" and r.text.startswith("人民币")]
    assert money and re.fullmatch(r"人民币（大写）.+元.*（¥[\d,]+\.\d\d）", money[0].text)
    assert "一式四份" in all_text(contract) or "一式两份" in all_text(contract)
    assert contract.sign_date_text == "2026年12月1日"


def test_counterparts_are_written_in_chinese():
    data = example_data("hotel")
    data["values"]["counterparts"] = 2
    data["values"]["counterparts_each"] = 1
    assert "一式两份" in all_text(compose(spec_from(data), LIBRARY))


def test_references_follow_numbering():
    contract = compose(spec_from(example_data("hotel")), LIBRARY)
    refs = [r for a in contract.articles for c in a.clauses for p in c.paragraphs for r in p.runs if r.kind == "ref"]
    assert refs
    for ref in refs:
        target = contract.clause_index[ref.var]
        assert target.number in ref.text


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_numbering_and_references_under_random_options(data):
    industry = data.draw(st.sampled_from(INDUSTRIES))
    includable = sorted(n.id for n in LIBRARY.includable(industry))
    excludable = sorted(n.id for n in LIBRARY.node.values() if n.excludable and LIBRARY.offered(n, industry))
    spec = example_data(industry)
    spec["include"] = data.draw(st.lists(st.sampled_from(includable), unique=True)) if includable else []
    spec["exclude"] = data.draw(st.lists(st.sampled_from(excludable), unique=True)) if excludable else []
    try:
        contract = compose(spec_from(spec), LIBRARY)
    except SpecError as exc:  # only a reference to a left-out clause may stop it, and it says so
        assert all("leaves out" in p.message for p in exc.problems), exc
        return
    for i, article in enumerate(contract.articles, 1):
        assert article.number == article_number(i) and article.index == i
        for j, clause in enumerate(article.clauses, 1):
            assert clause.number == f"{i}.{j}"
    for excluded in spec["exclude"]:
        assert excluded not in contract.clause_index
    for included in spec["include"]:
        assert included in contract.clause_index
    for article in contract.articles:
        for para in (*article.paragraphs, *(p for c in article.clauses for p in c.paragraphs)):
            for run in para.runs:
                if run.kind == "ref":
                    assert contract.clause_index[run.var].number in run.text
    annex_article = next(a for a in contract.articles if a.id == "annexes")
    assert [p.text for p in annex_article.paragraphs[1:]] == [a.heading for a in contract.annexes]


# --- errors ---------------------------------------------------------------------------------------

def test_bad_values_are_all_reported_with_file_and_line():
    text = example_text("hotel").replace("term_years: 3", 'term_years: "three"')
    text = text.replace("hotel_pet_deposit: 800", "hotel_pet_deposit: -5")
    with pytest.raises(SpecError) as info:
        compose(spec_from(text, "hotel.yaml"), LIBRARY)
    lines = text.splitlines()
    term_line = next(i for i, line in enumerate(lines, 1) if line.strip().startswith("term_years:"))
    shown = [str(p) for p in info.value.problems]
    assert f'hotel.yaml:{term_line}: values.term_years: must be an integer from 1 to 30, got "three"' in shown
    assert any("values.hotel_pet_deposit: must be an amount of money" in s for s in shown)


@pytest.mark.parametrize(("patch", "expected"), [
    ({"industry": "hotle"}, "did you mean 'hotel'"),
    ({"colour": "red"}, "colour: unknown key"),
    ({"values": {"termyears": 3}}, "values.termyears: unknown variable (did you mean 'term_years'?)"),
    ({"include": ["anonymous-evaluaton"]}, "did you mean 'anonymous-evaluation'"),
    ({"exclude": ["introduction"]}, "cannot be left out"),
    ({"choose": {"dispute": "arbitrate"}}, "did you mean 'arbitration'"),
    ({"choose": {"disput": "arbitration"}}, "unknown alternative group (did you mean 'dispute'?)"),
    ({"annexes": ["course-evaluation-form"]}, "is not offered to industry 'hotel'"),
    ({"annexes": ["privacy-polcy"]}, "did you mean 'privacy-policy'"),
    ({"sign_date": "2026-02-30"}, "sign_date: must be a real date"),
    ({"sign_date": None}, "sign_date: is required"),
    ({"values": {"term_years": 31}}, "must be an integer from 1 to 30, got 31"),
    ({"values": {"term_years": 2.5}}, "must be an integer from 1 to 30, got 2.5"),
    ({"values": {"court": "火星"}}, "values.court: must be one of"),
    ({"values": {"hotel_pet_deposit": "12.345"}}, "must be an amount of money"),
    ({"values": {"hotel_pet_policy": "maybe"}}, "must be true or false"),
    ({"parties": {"customer": {"name": "李明"}}}, "a person needs an id_number or a phone"),
    ({"parties": {"provider": {"name": "某公司", "credit_code": "91310106MA1FL7TX0X", "address": "上海",
                               "representative": "王"}}}, "check character should be 'N', got 'X'"),
    ({"parties": {"provider": {"name": "某公司"}}}, "parties.provider.credit_code: is required for an organization"),
    ({"parties": {"customer": {"name": "李明", "phone": "abc"}}}, "is not a phone number"),
    ({"parties": {"customer": {"name": "李明", "phone": "13800138000", "email": "x@"}}}, "is not an email address"),
])
def test_each_bad_input_gets_its_message(patch, expected):
    data = example_data("hotel")
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    shown = "\n".join(problems_of(data))
    assert expected in shown


def test_missing_required_values_are_listed_together_and_draft_accepts_them():
    data = example_data("hotel")
    data["choose"] = {"dispute": "arbitration"}
    data["values"].pop("arbitration_commission", None)
    del data["parties"]["provider"]["credit_code"]
    shown = problems_of(data)
    assert any("values.arbitration_commission: missing required value" in s for s in shown)
    assert any("credit_code: is required" in s for s in shown)
    contract = compose(spec_from(data), LIBRARY, draft=True)
    assert contract.draft and "arbitration_commission" in contract.blanks
    blanks = [r for a in contract.articles for c in a.clauses for p in c.paragraphs for r in p.runs
              if r.kind == "blank"]
    assert blanks and "仲裁机构名称" in blanks[0].text and blanks[0].text.startswith("＿")


def test_values_are_data_never_template_code():
    data = example_data("hotel")
    data["parties"]["provider"]["name"] = "{{ 7*7 }}{% if true %}X{% endif %}公司"
    contract = compose(spec_from(data), LIBRARY)
    assert contract.parties[1].name.text == "{{ 7*7 }}{% if true %}X{% endif %}公司"
    data = example_data("catering")
    data["values"]["catering_allergens"] = "{{term_years}}{{ law('民法典', 1) }}花生"
    assert "{{term_years}}{{ law('民法典', 1) }}花生" in all_text(compose(spec_from(data), LIBRARY))


def test_multiline_and_control_characters_in_values_stay_one_line():
    data = example_data("hotel")
    data["parties"]["provider"]["name"] = "上海\n浦江\t酒店\x0c管理\x01有限公司"
    contract = compose(spec_from(data), LIBRARY)
    assert contract.parties[1].name.text == "上海 浦江 酒店 管理有限公司"


def test_compose_command_prints_json(tmp_path):
    path = tmp_path / "hotel.yaml"
    path.write_text(example_text("hotel"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["compose", str(path)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["industry"] == "hotel" and data["articles"][0]["number"] == "第一条"


def test_compose_command_error_exit_code(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("industry: hotel\nvalues: {term_years: three}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["compose", str(path)])
    assert result.exit_code == 2
    assert f"{path}:2: values.term_years: must be an integer" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_blank_annexes_for_an_industry(industry):
    contract = blank_annexes(LIBRARY, industry)
    assert [a.id for a in contract.annexes] == list(LIBRARY.industry[industry].annexes)
