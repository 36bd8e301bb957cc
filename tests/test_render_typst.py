"""The Typst PDF engine on its own, checked as a reader of the PDF would: values print as they were typed
(never as Typst markup), the text reads back in order, the fonts are the compact faces, a rebuild gives
the same bytes, page breaks keep headings and the signature block with what follows them, and a machine
without Typst says how to get it.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contractgen.cli import cli
from contractgen.render import RenderOptions, render
from contractgen.render.fonts import typst_font_coverage
from tests.sample_contract import sample_contract
from tests.test_render_html_pdf import (
    HEADINGS,
    TITLE,
    _padded,
    info,
    pages_text,
    poppler,
    squash,
    with_provider_name,
)

pytest.importorskip("typst")
ROOT = Path(__file__).resolve().parents[1]
TYPST = RenderOptions(pdf_engine="typst")
MARKUP = ('#import "@preview/x:0.1.0": *', "#read(\"/etc/passwd\")", "$x^2$", "*粗体*", "_斜体_", "]", "[", "\\",
          "#set page(width: 1cm)", "#pagebreak()", "<label>", "@ref", "// 注释", "/* 注释 */", "`raw`", "= 标题")
"""Typst markup a spec's value might hold; each must print as these very characters."""


def typst_pdf(contract, **options) -> bytes:
    return render(contract, "pdf", dataclasses.replace(TYPST, **options))


@pytest.fixture(scope="module")
def pdfs() -> dict[str, bytes]:
    return {
        "final": typst_pdf(sample_contract()),
        "again": typst_pdf(sample_contract()),
        "bundle": typst_pdf(sample_contract(), bundle=True),
        "part": typst_pdf(sample_contract(), part="hotel-evaluation-form"),
        "draft": typst_pdf(sample_contract(draft=True), bundle=True),
    }


def test_text_reads_back_in_order(pdfs: dict[str, bytes], tmp_path: Path) -> None:
    pages = pages_text(pdfs["final"], tmp_path)
    text = squash("".join(pages))
    expected = [TITLE, "合同编号：HT-2026-001", "甲方（客人）：李明", *HEADINGS[:2],
                "2.1评价方式乙方应根据实际情况选择适当的评价方式", "（1）在线评价；", "（2）电话评价。",
                "甲方应在服务完成后7日内进行评价，详见第三条。", HEADINGS[2], "（以下无正文）",
                "乙方（盖章）：上海浦江酒店管理有限公司", "签订地点：上海市浦东新区"]
    positions = [text.index(squash(s)) for s in expected]
    assert positions == sorted(positions)
    assert text.count(squash(f"第1页共{len(pages)}页")) == 1  # the footer, once per page


def test_fonts_are_the_compact_faces_embedded_and_subset(pdfs: dict[str, bytes], tmp_path: Path) -> None:
    rows = [line.split() for line in poppler("pdffonts", pdfs["bundle"], tmp_path).splitlines()[2:]]
    names = {row[0].split("+", 1)[1] for row in rows}
    assert any(n.startswith("contractgenSerifSC") for n in names), names
    assert any(n.startswith("contractgenSansSC-Bold") for n in names), names
    assert not [n for n in names if "CJK" in n], names  # no full Noto face for the shipped wording
    for row in rows:
        assert row[-5:-2] == ["yes", "yes", "yes"], row


def test_metadata_and_language(pdfs: dict[str, bytes], tmp_path: Path) -> None:
    import pikepdf

    meta = info(pdfs["final"], tmp_path)
    assert meta["Title"] == TITLE and meta["Subject"] == "酒店服务" and "HT-2026-001" in meta["Keywords"]
    assert meta["CreationDate"].startswith("2026-12-01")
    assert meta["Page size"].startswith("595.276 x 841.89")  # A4
    assert info(pdfs["part"], tmp_path)["Title"] == f"{TITLE}　附件一：酒店服务评价表"
    path = tmp_path / "final.pdf"
    path.write_bytes(pdfs["final"])
    with pikepdf.open(path) as pdf:
        assert str(pdf.Root.Lang) == "zh-CN"  # Simplified Chinese, whatever the template sets for layout
        assert "zh-TW" not in str(pdf.open_metadata())


def test_rebuilds_are_byte_identical(pdfs: dict[str, bytes], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert pdfs["final"] == pdfs["again"] and pdfs["final"] != pdfs["bundle"]
    undated = dataclasses.replace(sample_contract(), sign_date=None)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    first = typst_pdf(undated)
    assert first == typst_pdf(undated)
    assert info(first, tmp_path)["CreationDate"].startswith("2026-01-01T00:00:00")
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert "CreationDate" not in info(typst_pdf(undated), tmp_path)  # never the clock


def test_a_fresh_process_writes_the_same_bytes(pdfs: dict[str, bytes], tmp_path: Path) -> None:
    out = tmp_path / "fresh.pdf"
    code = ("import sys; from pathlib import Path; from tests.sample_contract import sample_contract; "
            "from contractgen.render import RenderOptions, render; "
            "Path(sys.argv[1]).write_bytes(render(sample_contract(), 'pdf', RenderOptions(pdf_engine='typst')))")
    subprocess.run([sys.executable, "-c", code, str(out)], cwd=ROOT, check=True)
    assert out.read_bytes() == pdfs["final"]


def test_bundle_part_and_draft(pdfs: dict[str, bytes], tmp_path: Path) -> None:
    pages = [squash(p) for p in pages_text(pdfs["bundle"], tmp_path)]
    end = next(i for i, p in enumerate(pages) if "（以下无正文）" in p)
    form = next(i for i, p in enumerate(pages) if "附件一：酒店服务评价表" in p)
    policy = next(i for i, p in enumerate(pages) if "附件二：隐私保护政策" in p)
    assert end < form < policy
    assert pages[policy].index("附件二：隐私保护政策") < 40  # opens its page, under the running header

    part = squash("".join(pages_text(pdfs["part"], tmp_path)))
    assert part.startswith(squash("附件一：酒店服务评价表《酒店住宿服务反馈和评价合同》附件"))
    assert "第一条" not in part and part.count("☐") == 15  # 3 items × the five-level scale
    for text in ("入住日期", "房间号", "非常满意", "非常不满意", "前台服务热情", "意见和建议", "评价人（签字）："):
        assert text in part

    draft = pages_text(pdfs["draft"], tmp_path)
    for page in poppler("pdftotext", pdfs["draft"], tmp_path, "-layout").split("\f")[:-1]:
        assert "草稿" in next(line for line in page.splitlines() if line.strip())  # the running header
    text = squash("".join(draft))
    assert squash("尚有1处待填写：评价期限") in text
    assert squash("甲方应在服务完成后评价期限日内进行评价") in text  # the watermark adds no text


@pytest.mark.parametrize("value", MARKUP)
def test_markup_in_a_value_prints_as_typed(value: str, tmp_path: Path) -> None:
    pdf = typst_pdf(with_provider_name(sample_contract(), f"甲{value}乙"))
    pages = pages_text(pdf, tmp_path)
    assert squash(f"乙方（酒店）：甲{value}乙") in squash("".join(pages))
    assert len(pages) == len(pages_text(typst_pdf(sample_contract()), tmp_path))  # no page break, no new page size


# Characters a value may hold: whatever the compact faces print (GB 2312, punctuation, symbols), rarer
# 汉字 left to the full fonts, and everything Typst's markup gives a meaning to. Not what pdftotext
# reads back differently whoever laid it out: combining marks, right-to-left script, non-NFC forms.
def _reads_back(c: str) -> bool:
    return (c.isprintable() and not c.isspace() and unicodedata.bidirectional(c) not in ("R", "AL", "AN", "NSM")
            and not unicodedata.combining(c) and unicodedata.normalize("NFC", c) == c)


VALUE_CHARS = st.sampled_from(sorted({c for c in typst_font_coverage() if _reads_back(c)}
                                     | set("玥喆堃#$*]\\[_`<>@=/-+~'\"{}")))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(VALUE_CHARS, min_size=1, max_size=24).map("".join))
def test_any_value_prints_literally(tmp_path: Path, value: str) -> None:
    pdf = typst_pdf(with_provider_name(sample_contract(), value))
    assert squash(f"乙方（酒店）：{value}统一社会信用代码") in squash("".join(pages_text(pdf, tmp_path)))


def test_signature_block_and_headings_stay_with_what_follows(tmp_path: Path) -> None:
    """The sweep of test_render_html_pdf, laid out by Typst: the block moves whole, no heading ends a page."""
    pushed = opened = 0
    for extra in range(6, 24):
        pages = [squash(p) for p in pages_text(typst_pdf(_padded(extra)), tmp_path)]
        signing = [i for i, p in enumerate(pages) for label in ("甲方（签字）", "乙方（盖章）", "签订地点") if label in p]
        assert len(set(signing)) == 1, signing
        end = next(i for i, p in enumerate(pages) if "（以下无正文）" in p)
        pushed += signing[0] > end
        for page in pages[:-1]:
            body = page.rsplit("第", 1)[0]
            assert not body.endswith(("第三条服务要求", "第四条违约责任")), page[-60:]
        opened += any(p.startswith(squash(TITLE + "合同编号：HT-2026-001第四条违约责任")) for p in pages)
    assert pushed >= 1 and opened >= 1  # the sweep really crossed page ends


def test_cli_builds_with_typst_and_refuses_unknown_choices(tmp_path: Path) -> None:
    spec = tmp_path / "hotel.yaml"
    spec.write_text(CliRunner().invoke(cli, ["init", "hotel", "--example"]).output, encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(spec), "-o", str(tmp_path / "out"), "--pdf-engine", "typst"])
    assert result.exit_code == 0, result.output
    assert info((tmp_path / "out" / "contract.pdf").read_bytes(), tmp_path)["Creator"].startswith("Typst")
    for args, message in ((["--pdf-engine", "latex"], "unknown PDF engine 'latex'; available: 'weasyprint', 'typst'"),
                          (["--pdf-standard", "a-1a"], "unknown PDF standard 'a-1a'; available: 'a-2b', 'a-3b'")):
        result = CliRunner().invoke(cli, ["build", str(spec), "-o", str(tmp_path / "bad"), *args])
        assert result.exit_code == 2 and message in result.output, result.output
        assert not (tmp_path / "bad").exists()


def test_without_typst_the_engine_says_how_to_install_it(tmp_path: Path) -> None:
    stub = tmp_path / "stub"
    stub.mkdir()
    (stub / "typst.py").write_text("raise ModuleNotFoundError(\"No module named 'typst'\", name='typst')\n")
    spec = tmp_path / "hotel.yaml"
    spec.write_text(CliRunner().invoke(cli, ["init", "hotel", "--example"]).output, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(stub), os.environ.get("PYTHONPATH"))))}
    done = subprocess.run([str(Path(sys.executable).parent / "contractgen"), "build", str(spec), "-o", str(tmp_path / "out"),
                           "--pdf-engine", "typst"], capture_output=True, text=True, env=env, cwd=ROOT)
    assert done.returncode == 2, done.stderr
    assert "pip install 'contractgen[typst]'" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()
