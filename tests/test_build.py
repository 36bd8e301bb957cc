"""`contractgen build` end to end: every industry's example, plain, bundled and draft, read back as a user would."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from contractgen.cli import cli
from contractgen.library import load_library
from contractgen.spec import starter_spec

LIBRARY = load_library()
INDUSTRIES = tuple(i.id for i in LIBRARY.industries)
VARIANTS = {"plain": [], "bundle-draft": ["--bundle", "--draft"]}


def build(tmp_path: Path, industry: str, extra: list[str], out: str = "out") -> Path:
    spec = tmp_path / f"{industry}.yaml"
    text = starter_spec(LIBRARY, industry, example=True)
    if "--draft" in extra:  # leave a required blank open, as a draft would
        text = text.replace("sign_date: 2026-12-01", 'sign_date: ""')
    spec.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(spec), "-o", str(tmp_path / out),
                                      "--format", "docx,pdf,html,md,json", *extra])
    assert result.exit_code == 0, result.output
    return tmp_path / out


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("industry", INDUSTRIES)
def test_build_every_industry(tmp_path, industry, variant):
    out = build(tmp_path, industry, VARIANTS[variant])
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["industry"] == industry and manifest["draft"] == ("--draft" in VARIANTS[variant])
    assert manifest["library"]["layers"] == ["builtin"]
    assert manifest["clauses"][0]["number"] == "第一条"
    for entry in manifest["files"]:
        assert hashlib.sha256((out / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]
    annexes = LIBRARY.industry[industry].annexes
    assert {e["annex"] for e in manifest["files"] if e["kind"] == "annex"} == set(annexes)

    docx_text = "\n".join(p.text for p in Document(str(out / "contract.docx")).paragraphs)
    title = LIBRARY.industry[industry].title
    assert title in docx_text and "第一条" in docx_text and "（以下无正文）" in docx_text
    pdf_text = subprocess.run(["pdftotext", "-layout", str(out / "contract.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout
    assert title in pdf_text.replace(" ", "")
    if "--bundle" in VARIANTS[variant]:
        assert "附件一" in pdf_text and "附件一" in docx_text
    fonts = subprocess.run(["pdffonts", str(out / "contract.pdf")], capture_output=True, text=True, check=True).stdout
    names = {line.split()[0].split("+", 1)[1]: line for line in fonts.splitlines()[2:]}
    # Every character of the shipped library and examples is in the compact faces: no full Noto face.
    assert {"contractgen-Serif-SC", "contractgen-Sans-SC-Bold"} <= set(names)
    assert not [n for n in names if "CJK" in n], names
    assert all(" yes yes yes " in line for line in names.values())


def test_same_inputs_give_identical_files(tmp_path):
    first = build(tmp_path, "hotel", ["--bundle"], "a")
    second = build(tmp_path, "hotel", ["--bundle"], "b")
    for path in sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file()):
        assert (first / path).read_bytes() == (second / path).read_bytes(), path


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_every_docx(tmp_path):
    docs = []
    for industry in INDUSTRIES:
        (tmp_path / industry).mkdir()
        out = build(tmp_path / industry, industry, ["--bundle", "--draft"])
        docs += [out / "contract.docx", *sorted((out / "annexes").glob("*.docx"))]
    pdfs = tmp_path / "pdf"
    profile = (tmp_path / "lo-profile").as_uri()
    for i, doc in enumerate(docs):  # unique names: annex files repeat across industries
        shutil.copy(doc, tmp_path / f"doc{i}.docx")
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(pdfs), *[str(tmp_path / f"doc{i}.docx") for i in range(len(docs))]],
                   capture_output=True, timeout=600, check=True)
    for i in range(len(docs)):
        text = subprocess.run(["pdftotext", str(pdfs / f"doc{i}.pdf"), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert len(text.strip()) > 50, docs[i]
