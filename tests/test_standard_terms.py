"""Standard terms (格式条款) in bold in every format, and the consumer's acknowledgement (民法典第四百九十六条)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import textwrap
import zipfile
from pathlib import Path

import pytest
import yaml
from lxml import etree

from contractgen.compose import compose
from contractgen.library import load_library
from contractgen.lint import lint
from contractgen.render import RenderOptions, render
from contractgen.spec import EXAMPLE_PARTIES, parse_spec, starter_spec
from tests.profile_helpers import as_profile

LIBRARY = load_library()
INDUSTRIES = tuple(i.id for i in LIBRARY.industries)
PROFILES = ("consumer", "business")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def contract_of(industry: str, profile: str, **choose: str):
    """The industry's example contract with a customer of the profile's kind (a person for a consumer)."""
    data = yaml.safe_load(starter_spec(LIBRARY, industry, example=True))
    kind = "person" if profile == "consumer" else "organization"
    data["parties"]["customer"] = {"type": kind, **EXAMPLE_PARTIES[kind]}
    as_profile(data, profile, LIBRARY)
    if choose:
        data["choose"] = choose
        data["values"].setdefault("arbitration_commission", "上海仲裁委员会")
    return compose(parse_spec(yaml.safe_dump(data, allow_unicode=True).encode(), f"{industry}.yaml"), LIBRARY)


@pytest.fixture(scope="module", params=[(i, p) for i in INDUSTRIES for p in PROFILES], ids=lambda x: f"{x[0]}-{x[1]}")
def contract(request):
    return contract_of(*request.param)


def test_the_terms_that_limit_liability_or_choose_the_forum_are_prominent(contract):
    prominent = {c.id for c in contract.prominent_clauses}
    assert "dispute.litigation" in prominent and "breach.penalty" in prominent
    assert "dispute.governing-law" not in prominent and "breach.provider" not in prominent
    for clause in contract.prominent_clauses:
        node = LIBRARY.node[clause.id]
        assert "notice" in (node.standard_term, LIBRARY.node[node.article].standard_term)


def test_only_a_consumer_signs_the_acknowledgement(contract):
    text = "".join(p.text for p in contract.acknowledgement)
    if contract.profile == "consumer":
        assert "以加粗字体标示的条款" in text and "《中华人民共和国民法典》第四百九十六条" in text
    else:
        assert contract.acknowledgement == ()


def test_markdown_prints_each_standard_term_in_bold_and_the_acknowledgement_line(contract):
    md = render(contract, "md", RenderOptions()).decode()
    lines = md.split("\n\n")
    for clause in contract.prominent_clauses:
        head = next(b for b in lines if b.startswith(f"**{clause.number} "))
        assert head.endswith("**"), head
    plain = next(c for a in contract.articles for c in a.clauses if not c.prominent and not c.title)
    assert any(b.startswith(f"{plain.number} ") for b in lines)
    assert ("甲方（签字确认）：＿＿＿＿＿＿" in md) == (contract.profile == "consumer")


def test_html_marks_each_standard_term(contract):
    html = render(contract, "html", RenderOptions()).decode()
    found = set(re.findall(r'<div class="clause prominent" id="clause-([^"]+)"', html))
    assert found == {c.id for c in contract.prominent_clauses}
    assert ('class="acknowledgement"' in html) == (contract.profile == "consumer")


def docx_paragraphs(data: bytes) -> list[tuple[str, set[str]]]:
    """Each body paragraph's text and the character styles of its runs (style ids)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    out = []
    for p in root.iter(f"{W}p"):
        text = "".join(t.text or "" for t in p.iter(f"{W}t"))
        styles = {r.get(f"{W}val") for r in p.iter(f"{W}rStyle")}
        bare = any(r.find(f"{W}rPr") is None and r.find(f"{W}t") is not None for r in p.iter(f"{W}r"))
        out.append((text, styles | ({""} if bare else set())))
    return out


def test_docx_sets_every_run_of_a_standard_term_in_the_standard_term_styles(contract):
    paragraphs = docx_paragraphs(render(contract, "docx", RenderOptions()))
    for clause in contract.prominent_clauses:
        text, styles = next(p for p in paragraphs if p[0].startswith(clause.number))
        assert styles <= {"StandardTerm", "StandardTermValue", "ClauseTitle"} and "StandardTerm" in styles, text
    plain = next(c for a in contract.articles for c in a.clauses if not c.prominent)
    assert "StandardTerm" not in next(p for p in paragraphs if p[0].startswith(plain.number))[1]
    acknowledged = [t for t, s in paragraphs if t.startswith("乙方已就本合同中以加粗字体标示的条款")]
    assert len(acknowledged) == (1 if contract.profile == "consumer" else 0)


def pdf_lines(pdf: bytes, tmp_path: Path) -> list[tuple[str, bool]]:
    """Each printed line of text and whether poppler reads it as bold."""
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf)
    xml = subprocess.run(["pdftohtml", "-xml", "-i", "-stdout", str(path)], capture_output=True, check=True).stdout
    root = etree.fromstring(xml, etree.XMLParser(recover=True))
    return [("".join(t.itertext()), t.find("b") is not None and not (t.text or "").strip())
            for t in root.iter("text")]


@pytest.mark.skipif(shutil.which("pdftohtml") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("engine", ["weasyprint", "typst"])
@pytest.mark.parametrize(("industry", "profile"), [("hotel", "consumer"), ("software", "business")])
def test_pdf_prints_each_standard_term_in_bold(tmp_path, engine, industry, profile):
    if engine == "typst":
        pytest.importorskip("typst")
    contract = contract_of(industry, profile, dispute="arbitration")
    lines = pdf_lines(render(contract, "pdf", RenderOptions(pdf_engine=engine)), tmp_path)
    assert "dispute.arbitration" in {c.id for c in contract.prominent_clauses}
    for clause in contract.prominent_clauses:
        first = next((line for line in lines if line[0].startswith(f"{clause.number} ")), None)
        assert first is not None and first[1], (clause.number, first)
    plain = next(c for a in contract.articles for c in a.clauses if not c.prominent and not c.title)
    assert not next(line for line in lines if line[0].startswith(f"{plain.number} "))[1]
    text = "".join(t for t, _ in lines)
    assert ("甲方（签字确认）：" in text) == (profile == "consumer")
    assert "通过仲裁或者诉讼" not in text


def test_lint_wants_a_liability_limit_marked(tmp_path):
    clause = """\
        clauses:
          - id: evaluation.limit
            article: evaluation
            order: 99
            kind: base
            version: 1.0.0
            {mark}
            text: 因甲方自身原因造成的损失，乙方不承担责任。
    """
    root = tmp_path / "company"
    (root / "clauses").mkdir(parents=True)
    target = root / "clauses" / "900-limit.yaml"
    target.write_text(textwrap.dedent(clause.format(mark="")), encoding="utf-8")
    found = [(p.line, p.code, p.params["words"]) for p in lint([root]) if p.code == "lint.standard-term-unmarked"]
    assert found == [(2, "lint.standard-term-unmarked", "不承担")]
    for mark in ("standard_term: notice", "standard_term: none"):
        target.write_text(textwrap.dedent(clause.format(mark=mark)), encoding="utf-8")
        assert not [p for p in lint([root]) if p.code == "lint.standard-term-unmarked"]
    library = load_library([root])
    assert library.node["evaluation.limit"].standard_term == "none"
