"""The blank model text (``build --blank``): what a person filling it in by hand finds on paper.

For every industry: the 使用说明 first, every alternative as □ options with its text under each box,
no value filled in, blank lines for 补充条款, lines for the agents and (where the customer may be a
minor) the guardian; built in every format, the DOCX and PDF text read back as a reader would.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from contractgen.cli import cli
from contractgen.compose import compose, industry_spec
from contractgen.library import load_library
from contractgen.model import BOX, Contract, Run
from contractgen.render import RenderOptions, render
from contractgen.render._common import signature_rows
from contractgen.spec import parse_spec, starter_spec

LIBRARY = load_library()
INDUSTRIES = tuple(i.id for i in LIBRARY.industries)


def blank(industry: str) -> Contract:
    return compose(industry_spec(industry), LIBRARY, blank=True)


def every_run(contract: Contract) -> list[Run]:
    runs = [r for p in contract.parties for r in (p.name, *(run for _, run in p.details))]
    paragraphs = [*contract.preamble, *contract.acknowledgement, *contract.instructions.paragraphs]
    for article in contract.articles:
        paragraphs += [*article.paragraphs, *(p for c in article.clauses for p in c.paragraphs)]
    for annex in contract.annexes:
        paragraphs += [*annex.intro, *(p for s in annex.sections for p in s.paragraphs)]
    return runs + [r for p in paragraphs for r in p.runs]


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_the_model_text_fills_in_nothing_and_offers_every_alternative(industry: str) -> None:
    contract = blank(industry)
    runs = every_run(contract)

    assert contract.blank and not contract.draft
    assert contract.instructions is not None and contract.instructions.heading == "使用说明"
    assert not [r for r in runs if r.kind == "value"]
    assert contract.values and all(raw == "" for _, raw in contract.values)
    for group, alternatives in LIBRARY.alternatives(industry, contract.profile).items():
        holding = [c for a in contract.articles for c in a.clauses if any(
            r.kind == "option" and r.var == group for p in c.paragraphs for r in p.runs)]
        assert len(holding) == 1, group  # one clause, one number, every alternative under its box
        boxes = [r for p in holding[0].paragraphs for r in p.runs if r.kind == "option" and r.var == group]
        assert [r.raw for r in boxes] == [n.choice for n in alternatives]
        assert all(r.text.startswith(BOX) and r.text.endswith("：") for r in boxes)
    lines = [r for r in runs if r.kind == "line"]
    assert len(lines) >= 5 and all(r.var == "supplementary-terms" for r in lines)
    assert all(r.width >= 4 for r in runs if r.kind == "blank")


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_the_signature_block_has_lines_for_agents_and_a_minors_guardian(industry: str) -> None:
    contract = blank(industry)
    cells = [cell.label for row in signature_rows(contract) for cell in row if cell is not None]
    customer, provider = contract.parties

    assert cells.count("委托代理人（签字）") == 2
    assert ("甲方监护人（签字）" in cells) == (contract.profile == "consumer")
    assert [d for d, run in provider.details if d == "委托代理人" and run.kind == "blank"]
    assert all(cell.value == "" for row in signature_rows(contract) for cell in row if cell and "盖章" in cell.label)
    if contract.profile == "consumer":  # the guardian article is there, with a box: only for a minor
        guardian = contract.clause_index["guardian"]
        assert guardian.paragraphs[0].runs[0].text == f"{BOX}适用本条"
        assert "监护人" in dict(customer.details)


def test_a_value_the_deal_may_lack_is_printed_with_a_box_and_an_enum_as_its_choices() -> None:
    software = blank("software")
    owners = [software.clause_index[i] for i in ("software.source-code", "software.source-code-license")]
    court = [r for r in every_run(blank("hotel")) if r.kind == "option" and r.var == "court"]

    assert all(c.paragraphs[0].runs[0] == Run(BOX, "option", c.id, "适用") for c in owners)
    assert [r.text for r in court] == ["□甲方住所地", "□合同履行地"]  # a consumer's lawful courts only


def test_a_spec_gives_the_shape_never_its_values_or_names() -> None:
    text = starter_spec(LIBRARY, "software", example=True)
    spec = parse_spec(text.encode(), "software.yaml")
    contract = compose(spec, LIBRARY, blank=True)
    filled = compose(spec, LIBRARY)

    assert contract.profile == filled.profile
    assert not [r for r in every_run(contract) if r.kind == "value"]
    assert filled.parties[1].name.text not in json.dumps([r.text for r in every_run(contract)], ensure_ascii=False)
    assert not contract.contract_no and contract.sign_date is None


def pdf_text(data: bytes, tmp_path: Path, name: str) -> list[str]:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    return out.split("\f")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("industry", INDUSTRIES)
def test_every_format_prints_the_model_text(industry: str, tmp_path: Path) -> None:
    contract = blank(industry)
    options = RenderOptions()
    document = docx.Document(io.BytesIO(render(contract, "docx", options)))
    paragraphs = [p.text for p in document.paragraphs if p.text.strip()]
    header = " ".join(p.text for s in document.sections for p in s.header.paragraphs)
    markdown = render(contract, "md", options).decode()
    html = render(contract, "html", options).decode()

    assert paragraphs[0] == "使用说明" and paragraphs.index(contract.title) > 5
    assert any("□诉讼：因本合同" in p for p in paragraphs) and any(p.startswith("□仲裁：因本合同") for p in paragraphs)
    assert "草稿" not in header and not any("草稿" in p for p in paragraphs)
    assert markdown.startswith("## 使用说明") and "□诉讼：" in markdown and "草稿" not in markdown
    assert '<section class="instructions">' in html and "watermark" not in html.split("</style>")[1]
    assert json.loads(render(contract, "json", options))["blank"] is True
    for engine in ("weasyprint", "typst"):
        pages = pdf_text(render(contract, "pdf", RenderOptions(pdf_engine=engine)), tmp_path, engine)
        whole = "".join(pages)
        assert pages[0].lstrip().startswith("使用说明") and contract.title not in pages[0], engine
        assert "□诉讼：" in whole and "□仲裁：" in whole and "委托代理人（签字）" in whole, engine
        assert ("甲方监护人（签字）" in whole) == (contract.profile == "consumer"), engine
        assert "草稿" not in whole and "第十" in whole, engine


def test_build_blank_writes_the_same_files_twice(tmp_path: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(cli, ["build", "--blank", "hotel", "-o", str(tmp_path / "a"), "--format", "docx,md,json"])
    second = runner.invoke(cli, ["build", "--blank", "hotel", "-o", str(tmp_path / "b"), "--format", "docx,md,json"])

    assert first.exit_code == 0 and second.exit_code == 0, first.output
    for path in sorted((tmp_path / "a").rglob("*")):
        if path.is_file():
            assert path.read_bytes() == (tmp_path / "b" / path.relative_to(tmp_path / "a")).read_bytes(), path
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert manifest["blank"] is True and manifest["draft"] is False


def test_build_blank_refuses_a_draft_and_an_unknown_industry(tmp_path: Path) -> None:
    runner = CliRunner()
    both = runner.invoke(cli, ["build", "--blank", "--draft", "hotel", "-o", str(tmp_path / "a")])
    unknown = runner.invoke(cli, ["build", "--blank", "Hotel", "-o", str(tmp_path / "b")])

    assert both.exit_code == 2 and "--draft" in both.output and "Traceback" not in both.output
    assert unknown.exit_code == 2 and "hotel" in unknown.output and "Traceback" not in unknown.output
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_a_supplements_model_text_leaves_the_main_contract_to_fill_in() -> None:
    contract = compose(parse_spec(b"industry: hotel\nframe: supplement\n", "supplement.yaml"), LIBRARY, blank=True)
    recital = [r for p in contract.preamble for r in p.runs]

    assert contract.title.endswith("补充协议") and contract.frame == "supplement"
    assert {r.var for r in recital if r.kind == "blank"} >= {"main_contract.title", "main_contract.date"}
    assert not [r for r in every_run(contract) if r.kind == "value"]
