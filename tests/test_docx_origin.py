"""Clause identity inside a generated DOCX (``render.docx_origin``): every contract paragraph says which
clause it came from and every filled value which variable, invisibly, and that survives what the
other side does to the file: python-docx edits and a LibreOffice round trip. Content controls were
the other candidate; the last test is the evidence why they are not used."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from contractgen.compare.reader import read_returned
from contractgen.compose import compose
from contractgen.library import load_library
from contractgen.model import Contract
from contractgen.render import RenderOptions
from contractgen.render import docx_origin as origin
from contractgen.render.docx import render_docx
from contractgen.spec import parse_spec, starter_spec

LIBRARY = load_library()
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@pytest.fixture(scope="module")
def contract() -> Contract:
    return compose(parse_spec(starter_spec(LIBRARY, "hotel", example=True).encode(), "hotel.yaml"), LIBRARY)


@pytest.fixture(scope="module")
def generated(contract: Contract) -> bytes:
    return render_docx(contract, RenderOptions())


def carried(data: bytes) -> dict[str, list[str]]:
    """Unit id → the texts of the paragraphs that name it, by the table, in order."""
    returned = read_returned(data, "contract.docx")
    out: dict[str, list[str]] = {}
    for p in returned.paragraphs:
        for name in p.bookmarks:
            out.setdefault(returned.paragraph_origins[name].id, []).append(p.text)
    return out


def carried_values(data: bytes) -> list[tuple[str, str, str]]:
    """(variable, raw value as generated, text now) of every value bookmark, in order."""
    returned = read_returned(data, "contract.docx")
    return [(returned.value_origins[s.value].var, returned.value_origins[s.value].raw, s.text)
            for p in returned.paragraphs for s in p.spans if s.value]


def test_every_contract_paragraph_names_its_clause_and_version(contract: Contract, generated: bytes) -> None:
    returned = read_returned(generated, "contract.docx")
    units = carried(generated)
    for article in contract.articles:
        assert units[article.id][0] == article.heading
        for clause in article.clauses:
            assert units[clause.id][0].startswith(clause.number)
            assert len(units[clause.id]) == len(clause.paragraphs) + (0 if not clause.paragraphs or
                                                                      clause.paragraphs[0].number else -1) + 1
    versions = {o.id: o.version for o in returned.paragraph_origins.values()}
    assert {a.id: versions[a.id] for a in contract.articles} == {a.id: a.version for a in contract.articles}
    assert units["@parties"][0] == f"甲方（{contract.parties[0].label}）：{contract.parties[0].name.text}"
    # A consumer contract's signature block opens with the acknowledgement of the bold terms and its
    # signature line, then the parties' signatures.
    ack = [p.text for p in contract.acknowledgement]
    assert units["@signature"][:len(ack)] == ack
    assert units["@signature"][len(ack) + (1 if ack else 0)].startswith("甲方（")
    assert not ack or units["@signature"][len(ack)].startswith("甲方（签字确认）：")
    # The preamble's fingerprint is its text as generated.
    preamble = [o for o in returned.paragraph_origins.values() if o.id == "@preamble"]
    assert [o.hash for o in preamble] == [origin.text_hash(p.text) for p in contract.preamble]
    # Paragraphs outside the units (title, cover block, end of text) carry nothing.
    unmarked = [p.text for p in returned.paragraphs if not p.bookmarks]
    assert unmarked[0] == contract.title and "（以下无正文）" in unmarked


def test_every_filled_value_names_its_variable(contract: Contract, generated: bytes) -> None:
    values = carried_values(generated)
    assert ("evaluation_days", "15", "15") in values
    # The raw value as given, and the printed text as formatted (amounts, counts in Chinese numerals).
    assert ("penalty_amount", "10000", "人民币（大写）壹万元整（¥10,000.00）") in values
    assert ("counterparts", "4", "四") in values
    assert {var for var, _, _ in values} >= {"customer.name", "provider.name", "evaluation_days"}


def test_the_carrier_is_deterministic_and_names_are_valid_word_bookmarks(contract: Contract, generated: bytes) -> None:
    assert render_docx(contract, RenderOptions()) == generated
    with zipfile.ZipFile(io.BytesIO(generated)) as package:
        document = package.read("word/document.xml").decode()
        names = re.findall(r'w:bookmarkStart w:id="\d+" w:name="([^"]+)"', document)
        assert len(names) == len(set(names)) > 100
        assert all(re.fullmatch(r"_[A-Za-z0-9_]{1,39}", n) for n in names)  # hidden, at most 40 characters
        assert "customXml/item1.xml" in package.namelist()


def test_python_docx_edits_keep_the_carrier(contract: Contract, generated: bytes) -> None:
    number = {i: contract.clause_index[i].number for i in ("feedback.reply", "evaluation.timing", "breach.feedback")}
    document = docx.Document(io.BytesIO(generated))
    paragraphs = document.paragraphs
    reply = next(p for p in paragraphs if p.text.startswith(number["feedback.reply"]))
    reply.runs[-1].text = reply.runs[-1].text.replace("作出答复", "作出书面答复")  # a run edited
    timing = next(p for p in paragraphs if p.text.startswith(number["evaluation.timing"]))
    value = next(r for r in timing.runs if r.text == "15")
    value.text = "30"
    reply.insert_paragraph_before("双方另行约定的除外。")  # a paragraph added
    doomed = next(p for p in paragraphs if p.text.startswith(number["breach.feedback"]))
    doomed._element.getparent().remove(doomed._element)  # a paragraph deleted
    out = io.BytesIO()
    document.save(out)
    edited = carried(out.getvalue())
    before = carried(generated)
    assert edited["feedback.reply"][0] == before["feedback.reply"][0].replace("作出答复", "作出书面答复")
    assert ("evaluation_days", "15", "30") in carried_values(out.getvalue())
    assert sum(map(len, edited.values())) == sum(map(len, before.values())) - 1
    assert "双方另行约定的除外。" not in [t for texts in edited.values() for t in texts]


def _without_carrier(data: bytes) -> bytes:
    """The same file with no bookmarks and no origin part: what the renderer wrote before."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            blob = src.read(name)
            if name.startswith("customXml/"):
                continue
            if name == "word/document.xml":
                blob = re.sub(rb'<w:bookmark(Start|End) w:id="\d+"( w:name="_cg[pv]_[0-9a-f_]+")?/>', b"", blob)
            elif name == "word/_rels/document.xml.rels":
                blob = re.sub(rb'<Relationship [^>]*customXml"[^>]*/>', b"", blob)
            elif name == "[Content_Types].xml":
                blob = re.sub(rb'<Override PartName="/customXml/[^>]*/>', b"", blob)
            dst.writestr(name, blob)
    return out.getvalue()


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftoppm") is None,
                    reason="LibreOffice (soffice) or poppler's pdftoppm is not installed")
def test_libreoffice_round_trip_keeps_the_carrier_and_prints_the_same(generated: bytes, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "marked.docx").write_bytes(generated)
    (tmp_path / "in" / "plain.docx").write_bytes(_without_carrier(generated))
    profile = (tmp_path / "lo-profile").as_uri()
    for target, out in (("docx:MS Word 2007 XML", "saved"), ("pdf", "pdf")):
        subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", target,
                        "--outdir", str(tmp_path / out), str(tmp_path / "in" / "marked.docx"),
                        str(tmp_path / "in" / "plain.docx")], check=True, capture_output=True, timeout=240)
    saved = (tmp_path / "saved" / "marked.docx").read_bytes()
    assert carried(saved) == carried(generated)
    assert carried_values(saved) == carried_values(generated)
    pages = {}
    for name in ("marked", "plain"):
        subprocess.run(["pdftoppm", "-png", "-r", "50", str(tmp_path / "pdf" / f"{name}.pdf"),
                        str(tmp_path / name)], check=True, timeout=120)
        pages[name] = [p.read_bytes() for p in sorted(tmp_path.glob(f"{name}-*.png"))]
    assert len(pages["marked"]) > 3 and pages["marked"] == pages["plain"]  # pixel for pixel


def test_content_controls_would_hide_text_from_python_docx(generated: bytes) -> None:
    """The rejected carrier: text inside ``w:sdt`` is invisible to python-docx readers of the file."""
    with zipfile.ZipFile(io.BytesIO(generated)) as package:
        members = {n: package.read(n) for n in package.namelist()}
    root = etree.fromstring(members["word/document.xml"])
    timing = next(p for p in root.iter(f"{{{W}}}p") if "评价应当在服务完成之日起" in "".join(p.itertext()))
    run = next(r for r in timing.iter(f"{{{W}}}r") if "".join(r.itertext()) == "15")
    sdt = etree.Element(f"{{{W}}}sdt")
    etree.SubElement(etree.SubElement(sdt, f"{{{W}}}sdtPr"), f"{{{W}}}tag", {f"{{{W}}}val": "evaluation_days"})
    run.addprevious(sdt)
    etree.SubElement(sdt, f"{{{W}}}sdtContent").append(run)
    members["word/document.xml"] = etree.tostring(root)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name, blob in members.items():
            dst.writestr(name, blob)
    texts = [p.text for p in docx.Document(io.BytesIO(out.getvalue())).paragraphs]
    assert not any("15日内进行" in t for t in texts) and any("日内进行" in t for t in texts)
