"""The web app's PDFs: the engine the server was started with (``serve --pdf-engine``), for generated
contracts and sheet batches alike, and each industry's blank model text (空白示范文本) to download."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import urllib.parse
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from contractgen.cli import cli
from contractgen.errors import UsageError
from tests.web_helpers import LIBRARY, example, form_post, make_app, signed_in

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def pdf_text(data: bytes, tmp_path: Path) -> str:
    (tmp_path / "f.pdf").write_bytes(data)
    out = subprocess.run(["pdftotext", str(tmp_path / "f.pdf"), "-"], capture_output=True, text=True, check=True)
    return re.sub(r"\s+", "", out.stdout)


def producer(data: bytes, tmp_path: Path) -> str:
    """What made the PDF: its Creator and Producer (WeasyPrint names itself as the producer, Typst as the creator)."""
    (tmp_path / "p.pdf").write_bytes(data)
    info = subprocess.run(["pdfinfo", str(tmp_path / "p.pdf")], capture_output=True, text=True, check=True).stdout
    return " ".join(re.findall(r"^(?:Creator|Producer):\s*(.*)$", info, re.M))


def generated_pdf(client) -> bytes:
    response = client.post("/industries/hotel/new", data=form_post(example(), "save", "引擎测试"))
    draft = re.search(r"/drafts/(\d+)$", response.headers["Location"]).group(1)
    response = client.post(f"/drafts/{draft}/generate")
    assert response.status_code == 302, response.get_data(as_text=True)
    entry = re.search(r"/register/(\d+)$", response.headers["Location"]).group(1)
    return client.get(f"/register/{entry}/files/contract.pdf").data


@pytest.mark.parametrize("engine", ["weasyprint", "typst"])
def test_generated_contracts_are_made_by_the_servers_pdf_engine(tmp_path, engine):
    pytest.importorskip("typst")
    app = make_app(tmp_path / "data", FORMATS=("pdf",), PDF_ENGINE=engine)
    data = generated_pdf(signed_in(app))
    assert engine.lower() in producer(data, tmp_path).lower()
    assert "上海浦江酒店管理有限公司" in pdf_text(data, tmp_path)


def test_an_unknown_engine_or_standard_stops_the_server_before_it_serves(tmp_path):
    with pytest.raises(UsageError, match="nope"):
        make_app(tmp_path / "a", FORMATS=("pdf",), PDF_ENGINE="nope")
    with pytest.raises(UsageError, match="a-9z"):
        make_app(tmp_path / "b", FORMATS=("pdf",), PDF_STANDARD="a-9z")
    result = CliRunner().invoke(cli, ["--lang", "zh", "serve", "--pdf-engine", "nope", "--data-dir", str(tmp_path / "c")])
    assert result.exit_code == 2 and "nope" in result.output and "Traceback" not in result.output


def test_every_industry_offers_its_blank_model_text(tmp_path):
    client = signed_in(make_app(tmp_path / "data"))
    shown = client.get("/").get_data(as_text=True)
    assert "空白示范文本" in shown
    for industry in LIBRARY.industries:
        for fmt in ("pdf", "docx"):
            assert f'href="/industries/{industry.id}/blank.{fmt}"' in shown


def test_the_blank_model_text_downloads_as_pdf_and_word(tmp_path):
    client = signed_in(make_app(tmp_path / "data"), role="reviewer")
    pdf = client.get("/industries/fitness/blank.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    title = LIBRARY.industry["fitness"].title
    assert urllib.parse.quote(f"{title}（空白示范文本）.pdf") in pdf.headers["Content-Disposition"]
    text = pdf_text(pdf.data, tmp_path)
    assert "使用说明" in text and "□" in text and "补充条款" in text  # the model text: instructions, options, lines
    assert "附件一" in text  # its annexes in the same file
    assert client.get("/industries/fitness/blank.pdf").data == pdf.data  # rendered once, the same bytes
    docx = client.get("/industries/fitness/blank.docx")
    assert docx.status_code == 200
    body = "\n".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs)
    assert "使用说明" in body and "□" in body


@pytest.mark.parametrize("url", ["/industries/nope/blank.pdf", "/industries/hotel/blank.exe"])
def test_an_unknown_industry_or_format_is_not_found(tmp_path, url):
    client = signed_in(make_app(tmp_path / "data"))
    response = client.get(url)
    assert response.status_code == 404 and "找不到" in response.get_data(as_text=True)


def test_the_blank_model_text_needs_a_sign_in(tmp_path):
    response = make_app(tmp_path / "data").test_client().get("/industries/hotel/blank.pdf")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
