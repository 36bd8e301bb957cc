"""PDF/A for 电子档案 archiving (``--pdf-standard a-2b|a-3b``), from both engines.

No PDF/A validator can be installed here (veraPDF is Java and in neither Debian's nor PyPI's lists;
Debian's PDFBox 1.8 preflight knows only PDF/A-1), so the file is checked, with pikepdf and poppler,
for what ISO 19005-2/3 level B requires and both engines' documentation says they write: the
identification in the XMP metadata, the metadata agreeing with the document information, an sRGB
output intent with its ICC profile, a file identifier, every font embedded, no encryption.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from contractgen.cli import cli
from contractgen.render import RenderOptions, render
from tests.sample_contract import sample_contract

pikepdf = pytest.importorskip("pikepdf")
pytestmark = pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")
ENGINES = ["weasyprint", pytest.param("typst", marks=pytest.mark.skipif(
    __import__("importlib").util.find_spec("typst") is None, reason="typst not installed"))]


@pytest.mark.parametrize("standard", ["a-2b", "a-3b"])
@pytest.mark.parametrize("engine", ENGINES)
def test_archive_file_meets_pdfa(tmp_path: Path, engine: str, standard: str) -> None:
    path = tmp_path / "contract.pdf"
    path.write_bytes(render(sample_contract(draft=True), "pdf",
                            RenderOptions(bundle=True, pdf_engine=engine, pdf_standard=standard)))
    with pikepdf.open(path) as pdf:
        assert not pdf.is_encrypted
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == standard[2] and meta["pdfaid:conformance"] == "B"
        assert meta["dc:title"] == str(pdf.docinfo["/Title"]) == "酒店住宿服务反馈和评价合同"
        assert str(meta.get("xmp:CreateDate", "")).startswith("2026-12-01")
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == "/GTS_PDFA1" and int(intent.DestOutputProfile.N) == 3  # an RGB ICC profile
        assert "sRGB" in str(intent.get("/OutputConditionIdentifier", "")) + str(intent.get("/Info", ""))
        assert len(pdf.trailer.ID) == 2
        assert "/JavaScript" not in pdf.Root.get("/Names", {})
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(re.search(r"\syes\s+yes\s+yes\s", row) for row in rows), fonts


@pytest.mark.parametrize("engine", ENGINES)
def test_archive_file_needs_a_date(engine: str) -> None:
    from contractgen.errors import UsageError

    undated = dataclasses.replace(sample_contract(), sign_date=None)
    with pytest.raises(UsageError, match="SOURCE_DATE_EPOCH"):
        render(undated, "pdf", RenderOptions(pdf_engine=engine, pdf_standard="a-2b"))


def test_build_writes_archive_files(tmp_path: Path) -> None:
    spec = tmp_path / "hotel.yaml"
    spec.write_text(CliRunner().invoke(cli, ["init", "hotel", "--example"]).output, encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(spec), "-o", str(tmp_path / "out"), "--format", "pdf",
                                      "--pdf-standard", "a-3b"])
    assert result.exit_code == 0, result.output
    for pdf_path in (tmp_path / "out").rglob("*.pdf"):  # the contract and every annex
        with pikepdf.open(pdf_path) as pdf:
            assert pdf.open_metadata()["pdfaid:part"] == "3"
