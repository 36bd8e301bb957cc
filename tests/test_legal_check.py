"""The legal check (``contractgen check``): every example clean, each wrong spec caught by its rule,
build, batch and the web refusing what the check refuses."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from contractgen.cli import cli
from contractgen.compose import compose
from contractgen.errors import SpecError
from contractgen.legal_check import RULES, check, compose_checked, reserved_host
from contractgen.library import load_library
from contractgen.spec import parse_spec, starter_spec
from tests.profile_helpers import as_profile

LIBRARY = load_library()
FIXTURES = Path(__file__).parent / "fixtures" / "legal"
CASES = sorted(p for p in FIXTURES.iterdir() if p.suffix == ".yaml" or p.is_dir())


def example(industry: str, profile: str = "", route: str = "litigation") -> dict:
    """``init INDUSTRY --example``, in a profile and with a dispute route."""
    data = yaml.safe_load(starter_spec(LIBRARY, industry, example=True))
    data["choose"] = {**(data.get("choose") or {}), "dispute": route}
    if profile:
        as_profile(data, profile, LIBRARY)
    if profile == "consumer" and data["parties"]["customer"].get("type") == "organization":
        data["parties"]["customer"] = {"type": "person", "name": "李明", "id_number": "110105199003071239",
                                       "phone": "13800138000", "address": "北京市朝阳区建国路88号"}
    return data


def merged(base: dict, change: dict) -> dict:
    """``change`` over ``base``, mapping by mapping; a key set to nothing is left out."""
    out = copy.deepcopy(base)
    for key, value in change.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = value
    return out


def spec_of(data: dict, name: str = "spec.yaml"):
    return parse_spec(yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode(), name)


def fixture(case: Path) -> tuple[dict, list[Path]]:
    """A fixture's full spec data and its library layers."""
    path, layers = (case / "spec.yaml", [case / "layer"]) if case.is_dir() else (case, [])
    change = yaml.safe_load(path.read_text(encoding="utf-8"))
    return merged(example(change["industry"]), change), layers


def write(tmp_path: Path, data: dict, name: str = "spec.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("route", ["litigation", "arbitration"])
@pytest.mark.parametrize("profile", ["consumer", "business"])
@pytest.mark.parametrize("industry", sorted(LIBRARY.industry))
def test_every_example_is_clean_in_both_profiles_and_both_routes(tmp_path, industry, profile, route):
    result = CliRunner().invoke(cli, ["check", str(write(tmp_path, example(industry, profile, route)))])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_each_wrong_spec_triggers_exactly_its_rule(case):
    data, layers = fixture(case)
    library = load_library(layers) if layers else LIBRARY
    findings = check(compose(spec_of(data), library), library)
    rule = case.stem.split("--")[0]
    assert {f.rule for f in findings} == {rule}
    assert rule in RULES


def test_every_rule_has_a_wrong_spec():
    assert {c.stem.split("--")[0] for c in CASES} == set(RULES)


def test_check_prints_file_line_field_and_rule_and_exits_2(tmp_path):
    data, _ = fixture(FIXTURES / "counterparts.yaml")
    path = write(tmp_path, data)
    result = CliRunner().invoke(cli, ["--lang", "zh", "check", str(path)])
    assert result.exit_code == 2
    line = next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if text.startswith("  counterparts_each:"))
    assert result.stdout.startswith(f"{path}:{line}：每方持有份数（values.counterparts_each）：第")
    assert "一式三份、双方各执两份，双方所执合计四份" in result.stdout and result.stdout.rstrip().endswith("[counterparts]")


def test_a_warning_is_printed_and_exits_0(tmp_path):
    data, _ = fixture(FIXTURES / "counterparts--unheld.yaml")
    result = CliRunner().invoke(cli, ["check", "--json", str(write(tmp_path, data))])
    assert result.exit_code == 0
    import json

    (row,) = json.loads(result.stdout)
    assert (row["rule"], row["severity"], row["field"]) == ("counterparts", "warning", "values.counterparts_each")


# No deadline: each example composes a whole contract, and the first in a process pays the cold compose.
@settings(deadline=None)
@given(total=st.integers(2, 10), each=st.integers(1, 5))
def test_counterparts_arithmetic(total, each):
    data = merged(example("hotel"), {"values": {"counterparts": total, "counterparts_each": each}})
    found = [f for f in check(compose(spec_of(data), LIBRARY), LIBRARY) if f.rule == "counterparts"]
    expected = [] if 2 * each == total else ["error" if 2 * each > total else "warning"]
    assert [f.severity for f in found] == expected


@pytest.mark.parametrize("route", ["litigation", "arbitration"])
def test_the_chosen_route_is_the_only_one_named(route):
    contract = compose(spec_of(example("education", route=route)), LIBRARY)
    other = "仲裁" if route == "litigation" else "诉讼"
    for annex in contract.annexes:
        for section in annex.sections:
            if "third-party-dispute" not in section.states:
                assert other not in "".join(p.text for p in section.paragraphs)
    for article in contract.articles:
        for clause in article.clauses:
            text = clause.text.replace("仲裁机构或者其他有权机关", "").replace("诉讼费", "")
            assert other not in text or dict(clause.attrs).get("group") == "dispute", clause.id


@pytest.mark.parametrize("industry", sorted(LIBRARY.industry))
def test_the_shipped_precedence_and_change_texts_are_what_the_rules_guard(industry):
    """The one precedence rule and the change-by-agreement clause carry their marks, so a company layer or a
    later edit that adds a second precedence sentence or lets one party change an annex is refused."""
    contract = compose(spec_of(example(industry)), LIBRARY)
    marked = {i: c.states for i, c in contract.clause_index.items() if c.states}
    assert marked["other.annex-precedence"] == ("precedence", "change-by-agreement")
    assert marked["effectiveness.change"] == ("change-by-agreement",)
    assert [i for i, states in marked.items() if "precedence" in states] == ["other.annex-precedence"]


def test_software_daily_penalty_has_its_cap_and_says_how_it_relates():
    contract = compose(spec_of(example("software")), LIBRARY)
    clause = contract.clause_index["software.customization"]
    assert "逾期违约金累计不超过人民币（大写）叁万捌仟元整" in clause.text
    assert "不再就同一逾期交付行为" in clause.text


@pytest.mark.parametrize("host", ["a@example.com", "x@mail.example.net", "http://example.org/x", "a@b.test",
                                  "a@shop.invalid", "http://localhost/", "a@x.example", "A@EXAMPLE.COM"])
def test_reserved_hosts(host):
    assert reserved_host(host) is not None


@pytest.mark.parametrize("host", ["service@provider.example.cn", "a@examples.com", "a@myexample.com", "李明",
                                  "400-820-0000", "a@testing.cn"])
def test_real_hosts(host):
    assert reserved_host(host) is None


def test_build_refuses_an_error_naming_the_article_and_writes_nothing(tmp_path):
    data, _ = fixture(FIXTURES / "money-deposit.yaml")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["--lang", "zh", "build", str(write(tmp_path, data)), "-o", str(out),
                                      "--format", "md"])
    assert result.exit_code == 2
    assert "押金金额（元）" in result.stderr and "[money-deposit]" in result.stderr and "第" in result.stderr
    assert not out.exists()


def test_a_draft_build_shows_the_errors_as_warnings(tmp_path):
    data, _ = fixture(FIXTURES / "money-deposit.yaml")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(write(tmp_path, data)), "-o", str(out), "--format", "md",
                                      "--draft"])
    assert result.exit_code == 0, result.output
    assert "warning: " in result.stderr and "[money-deposit]" in result.stderr
    assert (out / "manifest.json").exists()


def test_compose_checked_raises_the_errors_and_returns_the_warnings():
    data, _ = fixture(FIXTURES / "counterparts--unheld.yaml")
    _, warnings = compose_checked(spec_of(data), LIBRARY)
    assert [w.field for w in warnings] == ["values.counterparts_each"]
    data, _ = fixture(FIXTURES / "placeholder--default.yaml")
    with pytest.raises(SpecError) as info:
        compose_checked(spec_of(data), LIBRARY)
    assert "privacy@example.com" in str(info.value) and "[placeholder]" in str(info.value)


def test_a_batch_row_the_check_refuses_is_a_row_problem_in_the_report(tmp_path, monkeypatch):
    from python_calamine import CalamineWorkbook

    monkeypatch.chdir(tmp_path)
    header = ("签订日期,甲方姓名,甲方联系电话,甲方电子邮箱,乙方名称,乙方统一社会信用代码,乙方住所,乙方法定代表人,服务项目,"
              "服务价款（元）,个人信息保护联系邮箱\n")
    row = ("2026-12-01,{name},13800138000,{email},上海浦江酒店管理有限公司,91310106MA1FL7TX0N,上海市静安区南京西路1266号,"
           "王建国,标准双床房住宿服务（1间）,880,privacy@pujiang-hotel.cn\n")
    Path("rows.csv").write_text(header + row.format(name="李明", email="li@pujiang-mail.cn")
                                + row.format(name="王芳", email="wang@example.com"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["batch", "rows.csv", "--industry", "hotel", "-o", "out", "--format", "md",
                                      "--keep-going"])
    assert result.exit_code == 1, result.output
    assert "row 3" in result.stderr and "[placeholder]" in result.stderr
    report = CalamineWorkbook.from_path("out/报告.xlsx").get_sheet_by_index(0).to_python()
    status = {int(r[0]): (r[1], r[5]) for r in report[1:]}
    assert status[2][0] == "已生成"
    assert status[3][0] == "有误" and "wang@example.com" in status[3][1] and "[placeholder]" in status[3][1]


def test_the_web_generate_refuses_and_shows_the_finding(tmp_path):
    from tests.web_helpers import example as web_example
    from tests.web_helpers import form_post, make_app, signed_in

    app = make_app(tmp_path / "data")
    client = signed_in(app)
    spec = web_example()
    spec["values"]["deposit_amount"] = 2000
    response = client.post("/industries/hotel/new", data=form_post(spec, "generate"))
    text = response.get_data(as_text=True)
    assert response.status_code != 302
    assert "超过“服务价款（元）”" in text and "[money-deposit]" in text
    assert "没有符合条件的合同" in client.get("/register").get_data(as_text=True)
    app.extensions["contractgen.register"].engine.dispose()


# --- the compliance packs' limits (#14) -------------------------------------------------------------

def test_a_k12_prepayment_beyond_its_limit_names_both_clauses():
    data = merged(example("education"), {"values": {"prepaid_valid_months": 6, "education_prepaid_lessons": 61}})
    contract = compose(spec_of(data), LIBRARY)
    found = {f.field: f for f in check(contract, LIBRARY)}
    assert {f.rule for f in found.values()} == {"limit"}
    assert set(found) == {"values.prepaid_valid_months", "values.education_prepaid_lessons"}
    limit = contract.clause_index["education.prepaid-limit"].number
    text = str(found["values.prepaid_valid_months"].message)
    assert f"第{limit}条" in text and "6" in text and "3" in text


def test_an_adult_course_may_prepay_for_longer():
    """The 3 months / 60 class hours bind 校外培训 for pupils only: without education_k12 the limit is not
    in the contract, and neither is the check."""
    data = merged(example("education"), {"values": {"education_k12": False, "prepaid_valid_months": 12,
                                                    "education_custody_bank": None,
                                                    "education_custody_account": None,
                                                    "education_prepaid_lessons": None}})
    assert check(compose(spec_of(data), LIBRARY), LIBRARY) == ()


@pytest.mark.parametrize(("industry", "name", "limit", "highest"), [
    ("telecom", "telecom_early_termination_fee", "telecom_benefit_total", 720),
    ("fitness", "fitness_transfer_fee", "price", 3600),
    ("education", "prepaid_valid_months", "education_prepaid_months", 3),
    ("education", "education_prepaid_lessons", "education_prepaid_hours", 60),
])
def test_a_pack_limit_holds_up_to_its_bound_and_not_beyond(industry, name, limit, highest):
    assert LIBRARY.variable[name].at_most == limit
    for value, rules in ((highest, set()), (highest + 1, {"money-deposit" if LIBRARY.variable[name].type == "money"
                                                          else "limit"})):
        data = merged(example(industry), {"values": {name: value}})
        assert {f.rule for f in check(compose(spec_of(data), LIBRARY), LIBRARY)} == rules, value
