"""The DOCX renderer: what a lawyer sees when opening the file in Word (read back with python-docx),
how it survives hostile values, that it is reproducible, and what LibreOffice prints from it."""

from __future__ import annotations

import dataclasses
import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from docx.document import Document as DocxDocument
from docx.table import Table
from docx.text.paragraph import Paragraph as DocxParagraph
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from contractgen.errors import UsageError
from contractgen.model import Contract, Run
from contractgen.render import RenderOptions, render
from contractgen.render import docx as docx_renderer
from contractgen.render.docx import REFERENCE_DOCX, STYLE_NAMES, render_docx
from tests.sample_contract import sample_contract

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def open_docx(data: bytes) -> DocxDocument:
    return docx.Document(io.BytesIO(data))


def body_blocks(document: DocxDocument) -> list[DocxParagraph | Table]:
    """Paragraphs and tables in reading order."""
    return list(document.iter_inner_content())


def member(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read(name))


@pytest.fixture(scope="module")
def contract() -> Contract:
    return sample_contract()


@pytest.fixture(scope="module")
def rendered(contract: Contract) -> bytes:
    return render_docx(contract, RenderOptions())


@pytest.fixture(scope="module")
def document(rendered: bytes) -> DocxDocument:
    return open_docx(rendered)


# --- the contract as Word shows it -----------------------------------------------------------------


def test_registered_as_the_docx_format(contract: Contract, rendered: bytes) -> None:
    assert render(contract, "docx") == rendered


def test_title_number_and_signing_line(document: DocxDocument) -> None:
    paragraphs = document.paragraphs
    assert (paragraphs[0].style.name, paragraphs[0].text) == ("Title", "酒店住宿服务反馈和评价合同")
    meta = [p.text for p in paragraphs if p.style.name == "Contract Meta"]
    assert meta == ["合同编号：HT-2026-001", "签订地点：上海市浦东新区　签订日期：2026年12月1日"]


def test_parties_block(contract: Contract, document: DocxDocument) -> None:
    lines = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Party")]
    customer, provider = contract.parties
    assert lines == [
        ("Party", "甲方（客人）：李明"),
        *[("Party Detail", f"{label}：{run.text}") for label, run in customer.details],
        ("Party", "乙方（酒店）：上海浦江酒店管理有限公司"),
        *[("Party Detail", f"{label}：{run.text}") for label, run in provider.details],
    ]
    assert [label for label, _ in provider.details] == ["统一社会信用代码", "住所", "法定代表人", "联系电话"]


def test_every_article_heading_is_heading_1(contract: Contract, document: DocxDocument) -> None:
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [a.heading for a in contract.articles] == ["第一条　总则", "第二条　服务评价",
                                                                  "第三条　违约责任"]
    style = document.styles["Heading 1"]
    assert style.paragraph_format.keep_with_next is True
    # Word's navigation pane lists outline level 0 paragraphs.
    assert style.element.find("w:pPr/w:outlineLvl", NS).get(w("val")) == "0"


def test_clauses_items_and_values(document: DocxDocument) -> None:
    by_text = {p.text: p for p in document.paragraphs}
    clause = by_text["2.1　评价方式　乙方应根据实际情况选择适当的评价方式，包括但不限于："]
    assert clause.style.name == "Clause"
    title_run = next(r for r in clause.runs if r.text == "评价方式")
    assert title_run.style.name == "Clause Title" and title_run.style.font.bold
    assert by_text["（1）在线评价；"].style.name == "Item"
    assert by_text["（2）电话评价。"].style.name == "Item"
    untitled = by_text["3.1　乙方未按照约定提供服务的，应向甲方支付违约金人民币 12,800.00 元（大写：壹万贰仟捌佰元整）。"]
    value = next(r for r in untitled.runs if r.text.startswith("人民币"))
    assert value.style.name == "Filled Value"
    preamble = by_text["根据《中华人民共和国民法典》等法律法规，甲乙双方经友好协商，订立本合同。"]
    assert preamble.style.name == "Preamble" and preamble.style.base_style.name == "Body Text"


def test_end_of_text_then_unsplittable_signature_table(document: DocxDocument) -> None:
    blocks = body_blocks(document)
    last_heading = max(i for i, b in enumerate(blocks)
                       if isinstance(b, DocxParagraph) and b.style.name == "Heading 1")
    end = next(i for i, b in enumerate(blocks) if isinstance(b, DocxParagraph) and b.text == "（以下无正文）")
    assert end > last_heading
    table = blocks[end + 1]
    assert isinstance(table, Table) and table.style.name == "Signature Table"
    assert blocks[end].style.paragraph_format.keep_with_next  # 以下无正文 stays with the signatures
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["甲方（签字）：", "乙方（盖章）：\n上海浦江酒店管理有限公司"],
        ["", "法定代表人或授权代表（签字）："],
        ["日期：2026年12月1日", "日期：2026年12月1日"],
    ]
    for row in table.rows:
        assert row._tr.find("w:trPr/w:cantSplit", NS) is not None
        for cell in row.cells:
            for p in cell.paragraphs:
                assert p.style.name == "Signature" and p.style.paragraph_format.keep_with_next


def test_person_party_signs_organization_seals() -> None:
    contract = sample_contract()
    customer, provider = contract.parties
    swapped = dataclasses.replace(contract, parties=(
        dataclasses.replace(customer, kind="organization", name=Run("北京某某科技有限公司", "value")),
        dataclasses.replace(provider, kind="person", name=Run("张三", "value"))))
    table = [b for b in body_blocks(open_docx(render_docx(swapped, RenderOptions()))) if isinstance(b, Table)][-1]
    assert table.rows[0].cells[0].text.startswith("甲方（盖章）：")
    assert table.rows[0].cells[1].text == "乙方（签字）："


def test_header_number_and_footer_page_fields(rendered: bytes, document: DocxDocument) -> None:
    section = document.sections[0]
    assert "合同编号：HT-2026-001" in section.header.paragraphs[0].text
    assert "草稿" not in section.header.paragraphs[0].text
    footer = section.footer._element
    instructions = [t.text.strip() for t in footer.iter(w("instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert [f.get(w("fldCharType")) for f in footer.iter(w("fldChar"))] == ["begin", "separate", "end"] * 2
    assert re.sub(r"\d", "N", section.footer.paragraphs[0].text) == "第 N 页 共 N 页"


def test_a4_with_chinese_contract_margins(document: DocxDocument) -> None:
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert round(section.top_margin.cm, 2) == round(section.bottom_margin.cm, 2) == 2.54
    assert round(section.left_margin.cm, 2) == round(section.right_margin.cm, 2) == 3.17


def test_styles_set_east_asian_fonts_and_chinese_language(rendered: bytes) -> None:
    styles = member(rendered, "word/styles.xml")
    defaults = styles.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
    assert defaults.find("w:lang", NS).get(w("eastAsia")) == "zh-CN"
    assert defaults.find("w:rFonts", NS).get(w("eastAsia")) == "SimSun"
    fonts = styles.findall(".//w:rFonts", NS)
    assert len(fonts) > 3
    for rfonts in fonts:
        assert rfonts.get(w("eastAsia")), etree.tostring(rfonts)
        # A theme font attribute would override the named font in Word.
        assert not [k for k in rfonts.attrib if etree.QName(k).localname.endswith("Theme")]
    # Every paragraph style sets its East Asian font or inherits one from Normal, which sets 宋体.
    normal = styles.find("w:style[@w:styleId='Normal']/w:rPr/w:rFonts", NS)
    assert normal.get(w("eastAsia")) == "SimSun"
    for style in styles.findall("w:style[@w:type='paragraph']", NS):
        chain, current = [], style
        while current is not None and current.find("w:rPr/w:rFonts", NS) is None:
            based = current.find("w:basedOn", NS)
            chain.append(current.get(w("styleId")))
            current = (styles.find(f"w:style[@w:styleId='{based.get(w('val'))}']", NS)
                       if based is not None else None)
        assert current is not None, f"no East Asian font for {chain}"
    for heading in ("Title", "Heading1", "Heading2", "AnnexHeading"):
        rfonts = styles.find(f"w:style[@w:styleId='{heading}']/w:rPr/w:rFonts", NS)
        assert rfonts.get(w("eastAsia")) == "SimHei"


def test_body_text_style_is_a_chinese_body(document: DocxDocument) -> None:
    body = document.styles["Body Text"]
    ind = body.element.find("w:pPr/w:ind", NS)
    assert ind.get(w("firstLineChars")) == "200"
    normal = document.styles["Normal"].paragraph_format
    assert normal.line_spacing == 1.5
    assert document.styles.element.find("w:docDefaults//w:sz", NS).get(w("val")) == "24"  # 小四


def test_no_direct_formatting(rendered: bytes) -> None:
    """Paragraphs and runs carry only a style reference: a firm restyles the template, not the text."""
    body = member(rendered, "word/document.xml").find("w:body", NS)
    paragraphs = list(body.iter(w("p")))
    assert paragraphs
    for p in paragraphs:
        ppr = p.find("w:pPr", NS)
        assert ppr is not None and [c.tag for c in ppr] == [w("pStyle")]
        for rpr in p.iter(w("rPr")):
            assert [c.tag for c in rpr] == [w("rStyle")]


def test_every_style_the_renderer_uses_is_in_the_template(rendered: bytes) -> None:
    styles = member(rendered, "word/styles.xml")
    names = {(s.get(w("type")), s.find("w:name", NS).get(w("val")).casefold())
             for s in styles.findall("w:style", NS)}
    for kind, name in STYLE_NAMES.values():
        assert (kind, name.casefold()) in names


# --- annexes ----------------------------------------------------------------------------------------


def test_form_annex_alone_is_real_tables(contract: Contract) -> None:
    document = open_docx(render_docx(contract, RenderOptions(part="hotel-evaluation-form")))
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[0] == "附件一：酒店服务评价表"
    assert document.paragraphs[0].style.name == "Annex Heading"
    assert "酒店住宿服务反馈和评价合同" not in texts and "（以下无正文）" not in texts
    assert "合同编号：HT-2026-001" in document.sections[0].header.paragraphs[0].text

    fields, ratings, comments, signatures = document.tables
    assert [c.text for c in fields.rows[0].cells] == ["入住日期", "", "房间号", ""]
    scale = ["非常满意", "满意", "一般", "不满意", "非常不满意"]
    assert [c.text for c in ratings.rows[0].cells][-5:] == scale
    assert ratings.rows[0]._tr.find("w:trPr/w:tblHeader", NS) is not None  # repeats on a new page
    rows = [[c.text for c in row.cells] for row in ratings.rows[1:]]
    # Each dimension heads its items in a full-width row; every item has one box per level.
    assert rows == [
        ["清洁度"] * 6,
        ["客房整洁", *["☐"] * 5],
        ["卫生间清洁", *["☐"] * 5],
        ["服务质量"] * 6,
        ["前台服务热情", *["☐"] * 5],
    ]
    for row in ratings.rows:
        assert row._tr.find("w:trPr/w:cantSplit", NS) is not None
    assert [c.text for c in comments.rows[0].cells] == ["意见和建议", ""]
    assert [c.text for c in signatures.rows[0].cells] == ["评价人（签字）：", "日期：　　　　年　　月　　日"]


def test_prose_annex_alone(contract: Contract) -> None:
    document = open_docx(render_docx(contract, RenderOptions(part="privacy-policy")))
    assert [(p.style.name, p.text) for p in document.paragraphs] == [
        ("Annex Heading", "附件二：隐私保护政策"),
        ("Body Text", "本政策依据《中华人民共和国个人信息保护法》制定。"),
        ("Heading 2", "一、总则"),
        ("Body Text", "乙方上海浦江酒店管理有限公司重视个人信息保护。"),
    ]
    assert document.core_properties.title == "酒店住宿服务反馈和评价合同　附件二：隐私保护政策"


def test_unknown_part_names_the_annexes(contract: Contract) -> None:
    with pytest.raises(UsageError, match="hotel-evaluation-form, privacy-policy"):
        render_docx(contract, RenderOptions(part="nope"))


def test_bundle_appends_each_annex_on_a_new_page(contract: Contract, document: DocxDocument) -> None:
    assert not [p for p in document.paragraphs if p.style.name == "Annex Heading"]
    bundled = open_docx(render_docx(contract, RenderOptions(bundle=True)))
    blocks = body_blocks(bundled)
    signature = next(i for i, b in enumerate(blocks) if isinstance(b, Table))
    headings = [(i, b) for i, b in enumerate(blocks)
                if isinstance(b, DocxParagraph) and b.style.name == "Annex Heading"]
    assert [h.text for _, h in headings] == ["附件一：酒店服务评价表", "附件二：隐私保护政策"]
    assert all(i > signature for i, _ in headings)
    for _, heading in headings:
        assert heading.style.paragraph_format.page_break_before is True
    assert len(bundled.tables) == 1 + 4


# --- drafts -----------------------------------------------------------------------------------------


def test_draft_shows_blanks_and_a_marker() -> None:
    document = open_docx(render_docx(sample_contract(draft=True), RenderOptions()))
    assert document.sections[0].header.paragraphs[0].text.startswith("草稿")
    marker = next(r for r in document.sections[0].header.paragraphs[0].runs if r.text.startswith("草稿"))
    assert marker.style.name == "Draft Mark"
    paragraph = next(p for p in document.paragraphs if p.text.startswith("2.2"))
    blank = next(r for r in paragraph.runs if "评价期限" in r.text)
    assert blank.text == "＿＿＿＿（评价期限）" and blank.style.name == "Blank Field"
    assert paragraph.text == "2.2　评价时间　甲方应在服务完成后＿＿＿＿（评价期限）日内进行评价，详见第三条。"


def test_missing_number_place_and_date_leave_lines_to_fill_in() -> None:
    contract = dataclasses.replace(sample_contract(draft=True), contract_no="", sign_place="", sign_date=None)
    document = open_docx(render_docx(contract, RenderOptions()))
    meta = [p.text for p in document.paragraphs if p.style.name == "Contract Meta"]
    assert meta == ["合同编号：＿＿＿＿＿＿", "签订地点：＿＿＿＿＿＿　签订日期：＿＿＿＿年＿＿月＿＿日"]


# --- values are data --------------------------------------------------------------------------------

XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
LINE_BREAK = re.compile("\r\n|[\n\r\x0b\x0c\x85\u2028\u2029]")

hostile = st.lists(
    st.one_of(
        st.text(max_size=8),
        st.sampled_from(["&", "<", ">", '"', "'", "&amp;", "<w:p>", "]]>", "{{x}}", "{{ contract.title }}",
                         "{% if true %}", "{%p if x %}", "{% endif %}", "{#", "#}", "\n", "\r\n", "\t",
                         "\f", "\a", "\v", "\u2028", "\ufffe", "\ue000title\ue001"]),
        st.characters(max_codepoint=0x1F),
    ),
    max_size=12,
).map("".join)


def expected_text(value: str) -> str:
    """What python-docx reads back for a value: line breaks as \\n, tabs as spaces, illegal gone."""
    return XML_ILLEGAL.sub("", LINE_BREAK.sub("\n", value).replace("\t", " "))


def with_provider_name(name: str) -> Contract:
    contract = sample_contract()
    customer, provider = contract.parties
    provider = dataclasses.replace(provider, name=Run(name, "value", "provider.name", name))
    return dataclasses.replace(contract, parties=(customer, provider))


@pytest.fixture(scope="module")
def plain_shape() -> tuple[int, int]:
    document = open_docx(render_docx(with_provider_name("某某公司"), RenderOptions(bundle=True)))
    return len(document.paragraphs), len(document.tables)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=hostile)
def test_hostile_party_name_is_printed_literally(name: str, plain_shape: tuple[int, int]) -> None:
    data = render_docx(with_provider_name(name), RenderOptions(bundle=True))
    document = open_docx(data)
    assert (len(document.paragraphs), len(document.tables)) == plain_shape
    party = next(p for p in document.paragraphs if p.text.startswith("乙方（酒店）："))
    assert party.text == "乙方（酒店）：" + expected_text(name)
    body = member(data, "word/document.xml")
    assert not body.findall(".//w:br[@w:type='page']", NS)


@settings(max_examples=40, deadline=None)
@given(title=hostile, number=hostile, place=hostile)
def test_hostile_title_number_and_place_stay_on_their_lines(title: str, number: str, place: str) -> None:
    contract = dataclasses.replace(sample_contract(), title=title, contract_no=number, sign_place=place)
    document = open_docx(render_docx(contract, RenderOptions()))
    plain = open_docx(render_docx(sample_contract(), RenderOptions()))
    assert len(document.paragraphs) == len(plain.paragraphs)

    def one_line(value: str, blank: str = "＿＿＿＿＿＿") -> str:
        return expected_text(value).replace("\n", " ") or blank

    meta = [p.text for p in document.paragraphs if p.style.name == "Contract Meta"]
    assert meta == [f"合同编号：{one_line(number)}", f"签订地点：{one_line(place)}　签订日期：2026年12月1日"]
    assert document.paragraphs[0].text == one_line(title, "")
    assert document.core_properties.title == one_line(title, "")
    assert document.sections[0].header.paragraphs[0].text.endswith(f"合同编号：{one_line(number)}")


# --- reproducible -----------------------------------------------------------------------------------


def test_same_contract_same_bytes(contract: Contract, rendered: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    docx_renderer._skeleton.cache_clear()
    assert render_docx(contract, RenderOptions()) == rendered
    assert render_docx(sample_contract(), RenderOptions()) == rendered
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    # Only the zip entry stamps follow SOURCE_DATE_EPOCH; the signing date dates the document.
    with zipfile.ZipFile(io.BytesIO(render_docx(contract, RenderOptions()))) as package:
        assert {i.date_time for i in package.infolist()} == {(2023, 11, 14, 22, 13, 20)}


def test_core_properties_from_the_contract(document: DocxDocument) -> None:
    props = document.core_properties
    assert props.title == "酒店住宿服务反馈和评价合同"
    assert props.subject == "酒店服务"
    assert props.author == props.last_modified_by == "contractgen"
    assert props.revision == 1
    assert props.created.date().isoformat() == props.modified.date().isoformat() == "2026-12-01"
    assert "HT-2026-001" in props.keywords


def test_without_signing_date_the_metadata_date_is_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    contract = dataclasses.replace(sample_contract(draft=True), sign_date=None)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert open_docx(render_docx(contract, RenderOptions())).core_properties.created is None
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert open_docx(render_docx(contract, RenderOptions())).core_properties.created.year == 2023


def test_reference_docx_is_what_the_script_writes() -> None:
    from contractgen.render.assets import make_reference_docx

    assert make_reference_docx.build() == REFERENCE_DOCX.read_bytes(), "rerun make_reference_docx.py"


# --- a firm's own template ----------------------------------------------------------------------------


def test_company_template_restyles_the_contract(contract: Contract, tmp_path: Path) -> None:
    template = docx.Document(str(REFERENCE_DOCX))
    template.styles["Title"].font.size = docx.shared.Pt(26)
    template.sections[0].header.paragraphs[0].insert_paragraph_before("某某律师事务所")
    path = tmp_path / "firm.docx"
    template.save(str(path))
    document = open_docx(render_docx(contract, RenderOptions(reference_docx=path)))
    assert document.styles["Title"].font.size == docx.shared.Pt(26)
    assert document.sections[0].header.paragraphs[0].text == "某某律师事务所"
    assert document.paragraphs[0].text == contract.title


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "file not found"),
        (b"just text", "not a DOCX"),
        ("zip", "not a Word document .no .Content_Types"),
        ("dotx", "a Word template .*save it as a .docx"),
        ("plain-docx", "lacks the styles: Contract Meta"),
    ],
)
def test_bad_reference_docx_is_a_usage_error(content: bytes | str | None, message: str, tmp_path: Path,
                                              contract: Contract) -> None:
    path = tmp_path / "template.docx"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content == "zip":
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("hello.txt", "hi")
    elif content == "dotx":
        with zipfile.ZipFile(REFERENCE_DOCX) as src, zipfile.ZipFile(path, "w") as dst:
            for info in src.infolist():
                data = src.read(info.filename)
                if info.filename == "[Content_Types].xml":
                    data = data.replace(b"document.main+xml", b"template.main+xml")
                dst.writestr(info, data)
    elif content == "plain-docx":
        docx.Document().save(str(path))
    with pytest.raises(UsageError, match=message):
        render_docx(contract, RenderOptions(reference_docx=path))


# --- what LibreOffice prints --------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice (soffice) or poppler's pdftotext is not installed")
def test_libreoffice_prints_the_contract(contract: Contract, tmp_path: Path) -> None:
    source = tmp_path / "contract.docx"
    source.write_bytes(render_docx(contract, RenderOptions(bundle=True)))
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=180)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "contract.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout
    assert "酒店住宿服务反馈和评价合同" in text
    assert "第三条" in text and "（以下无正文）" in text
    assert "附件一：酒店服务评价表" in text and "☐" in text
    pages = text.split("\f")
    assert re.sub(r"\s", "", pages[0]).endswith("第1页共4页")  # the fields were computed
    assert pages[2].lstrip().startswith("合同编号") and "附件一" in pages[2]



def _docx_in_fresh_process(cache: Path, out: Path, draft: bool = False) -> str:
    """Render the sample contract's DOCX in a new process; the packages it imported that matter here."""
    code = ("import sys; from pathlib import Path; from dataclasses import replace; "
            "from tests.sample_contract import sample_contract; "
            "from contractgen.render import RenderOptions, render; "
            f"Path(sys.argv[1]).write_bytes(render(replace(sample_contract(), draft={draft}), 'docx', RenderOptions())); "
            "print(' '.join(sorted(m for m in ('docx', 'docxtpl') if m in sys.modules)))")
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", code, str(out)], cwd=root, check=True, capture_output=True, text=True,
                          env={**os.environ, "CONTRACTGEN_CACHE_DIR": str(cache)})
    return done.stdout.strip()


def test_the_rendered_template_is_kept_across_processes_and_changes_nothing(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert _docx_in_fresh_process(cache, tmp_path / "first.docx") == "docx docxtpl"  # made once
    kept = list((cache / "docx").iterdir())
    assert len(kept) == 1
    assert _docx_in_fresh_process(cache, tmp_path / "second.docx") == ""  # then neither is imported
    assert (tmp_path / "second.docx").read_bytes() == (tmp_path / "first.docx").read_bytes()
    assert _docx_in_fresh_process(cache, tmp_path / "draft.docx", draft=True) == "docx docxtpl"  # its own key
    assert len(list((cache / "docx").iterdir())) == 2

    kept[0].write_bytes(b"PK\x03\x04 broken")  # a damaged cache file is made again, never trusted
    assert _docx_in_fresh_process(cache, tmp_path / "third.docx") == "docx docxtpl"
    assert (tmp_path / "third.docx").read_bytes() == (tmp_path / "first.docx").read_bytes()
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")  # a cache that cannot be written: the same file, made in the process
    assert _docx_in_fresh_process(blocker, tmp_path / "fourth.docx") == "docx docxtpl"
    assert (tmp_path / "fourth.docx").read_bytes() == (tmp_path / "first.docx").read_bytes()
