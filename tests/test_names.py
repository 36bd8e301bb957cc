"""Naming things the way a Chinese legal team does: Chinese keys, names, titles and aliases."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from contractgen.cli import cli
from contractgen.compose import compose
from contractgen.errors import SpecError
from contractgen.i18n import use_language
from contractgen.library import load_library
from contractgen.lint import lint
from contractgen.spec import parse_spec, starter_spec

LIBRARY = load_library()
INDUSTRIES = tuple(i.id for i in LIBRARY.industries)


def with_includes(text: str) -> str:
    """A starter spec with every optional clause switched on (the ``# - `` lines uncommented)."""
    return re.sub(r"^  # - ", "  - ", text, flags=re.M).replace("include:   #", "include:\n  #").replace(
        "加入的可选条款:   #", "加入的可选条款:\n  #")


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_the_chinese_starter_spec_builds_the_same_contract_byte_for_byte(industry, tmp_path):
    runner = CliRunner()
    built = []
    for flags in ([], ["--zh"]):
        spec = tmp_path / f"{industry}{''.join(flags)}.yaml"
        text = runner.invoke(cli, ["init", industry, "--example", *flags]).output
        spec.write_text(with_includes(text), encoding="utf-8")
        out = tmp_path / f"out{''.join(flags)}"
        result = runner.invoke(cli, ["build", str(spec), "-o", str(out), "--format", "docx,md,json"])
        assert result.exit_code == 0, result.output
        built.append({p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != "manifest.json"})
    assert built[0] == built[1]
    zh = starter_spec(LIBRARY, industry, example=True, zh=True)
    assert not re.search(r"^\s*(industry|sign_date|parties|customer|values|choose|annexes):", zh, re.M)


def spec_of(text: str):
    return parse_spec(text.encode(), "s.yaml")


def composed(text: str):
    return compose(spec_of(text), LIBRARY, draft=True)


def test_industry_choice_include_annex_and_value_by_chinese_name():
    by_id = composed("industry: hotel\ninclude: [anonymous-evaluation]\nchoose: {dispute: arbitration}\n"
                     "annexes: [privacy-policy]\nvalues: {term_years: 3}\n")
    for industry in ("酒店", "酒店服务", "酒店住宿服务反馈和评价合同"):
        by_name = composed(f"industry: {industry}\ninclude: [匿名评价]\nchoose: {{争议解决: 仲裁}}\n"
                           "annexes: [隐私保护政策]\nvalues: {合同有效期: 3}\n")
        assert by_name == by_id
    assert composed("industry: hotel\nvalues: {合同有效期（年）: 3}\n") == composed("industry: hotel\nvalues: {term_years: 3}\n")


def test_an_ambiguous_name_is_refused_with_its_candidates(tmp_path: Path):
    (tmp_path / "clauses").mkdir()
    (tmp_path / "clauses" / "house.yaml").write_text(
        "articles:\n  - id: house-anonymous\n    kind: optional\n    title: 匿名评价\n    version: 1.0.0\n"
        "    order: 235\n    text: 甲方可以匿名评价。\n", encoding="utf-8")
    library = load_library([tmp_path])
    with pytest.raises(SpecError) as info:
        compose(spec_of("industry: hotel\ninclude:\n  - 匿名评价\n"), library, draft=True)
    (problem,) = info.value.problems
    assert problem.code == "spec.name-ambiguous" and problem.line == 3
    with use_language("zh"):
        assert "“匿名评价”可以指多项：anonymous-evaluation（匿名评价）、house-anonymous（匿名评价）；请写明编号" in str(problem)


def test_a_key_given_in_both_languages_is_reported():
    with pytest.raises(SpecError) as info:
        composed("industry: hotel\nsign_date: 2026-12-01\n签订日期: 2026-12-02\n")
    assert [p.code for p in info.value.problems] == ["spec.key-twice"]
    assert info.value.problems[0].line == 3


def test_unknown_chinese_names_keep_their_did_you_mean():
    with pytest.raises(SpecError) as info:
        composed("industry: 酒店\nchoose: {争议解决: 调解}\n")
    assert [p.code for p in info.value.problems] == ["spec.choose-unknown-choice"]


def test_lint_finds_an_alias_that_names_two_things(tmp_path: Path):
    (tmp_path / "industries").mkdir()
    hotel = (Path(__file__).parents[1] / "industries" / "hotel.yaml").read_text(encoding="utf-8")
    (tmp_path / "industries" / "inn.yaml").write_text(
        hotel.replace("id: hotel", "id: inn").replace("name: 酒店服务", "name: 民宿服务"), encoding="utf-8")
    clashes = [p for p in lint([tmp_path]) if p.code == "lint.alias-clash"]
    assert clashes and {p.params["alias"] for p in clashes} == {"酒店"}
    assert set(clashes[0].params["ids"]) == {"hotel", "inn"}
    assert not [p for p in lint() if p.code == "lint.alias-clash"]
