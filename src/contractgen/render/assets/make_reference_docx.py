"""Writes ``reference.docx``, the shipped Word template of the DOCX renderer.

Run it after changing a style: ``.venv/bin/python src/contractgen/render/assets/make_reference_docx.py``,
then commit the script and the ``reference.docx`` it writes together. The output is deterministic
(fixed zip order, timestamps and properties), so an unchanged script rewrites identical bytes.

The template holds everything about *how* a contract looks and nothing about a particular contract:

- page setup: A4, the margins Chinese contracts use (top/bottom 2.54 cm, left/right 3.17 cm);
- the styles the renderer refers to by name (see ``contractgen.render.docx.STYLE_NAMES``), every one
  with an East Asian font (宋体/SimSun for text, 黑体/SimHei for headings) and zh-CN as East Asian
  language, so Word, WPS and LibreOffice all pick a Chinese face without direct formatting;
- the header (draft marker and contract number) and the footer (``第 X 页 共 Y 页`` as PAGE and
  NUMPAGES fields);
- the cover skeleton in the body: the title and the number/place/date lines as docxtpl tags
  (``{{ title }}``, ``{{ contract_no }}``, ``{{ sign_place }}``, ``{{ sign_date }}``,
  ``{% if draft %}``). The renderer appends the contract after it.

Font choice: the styles name ``SimSun``/``SimHei`` (the names Windows and WPS install 宋体/黑体
under; the font table gives 宋体/黑体 as alternative names). On Linux, fontconfig resolves
``SimSun`` with zh-CN to Noto Serif CJK SC and ``SimHei`` to Noto Sans CJK SC, which is what
LibreOffice then uses; the Chinese names 宋体/黑体 would resolve to a sans face there.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.shared import Twips

OUT = Path(__file__).with_name("reference.docx")
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NSDECL = f'xmlns:w="{W_NS}"'

# Page geometry in twips (1/20 pt). A4 is 210 × 297 mm.
PAGE_W, PAGE_H = 11906, 16838
MARGIN_TB, MARGIN_LR = 1440, 1797  # 2.54 cm, 3.17 cm
HEADER_DIST, FOOTER_DIST = 851, 992  # 1.5 cm, 1.75 cm
TEXT_W = PAGE_W - 2 * MARGIN_LR

SERIF = ("Times New Roman", "SimSun")  # (Latin, East Asian): 宋体
SANS = ("Arial", "SimHei")  # 黑体

# Chinese type sizes in half-points: 小二 18 pt, 三号 16 pt, 小四 12 pt, 五号 10.5 pt, 小五 9 pt.
XIAO_ER, SAN_HAO, XIAO_SI, WU_HAO, XIAO_WU = 36, 32, 24, 21, 18

# First-line indent of two characters: Word reads firstLineChars; LibreOffice and older readers use
# the twips value (two 12 pt characters).
INDENT_2 = '<w:ind w:firstLineChars="200" w:firstLine="480"/>'
NO_INDENT = '<w:ind w:firstLineChars="0" w:firstLine="0" w:leftChars="0" w:left="0"/>'


def fonts(face: tuple[str, str]) -> str:
    latin, east = face
    return f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{east}" w:cs="{latin}"/>'


def size(half_points: int) -> str:
    return f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'


def spacing(before: int = 0, after: int = 0, line: int = 360) -> str:
    """Space in twips; ``line`` in 240ths of a line (360 = 1.5 lines)."""
    return f'<w:spacing w:before="{before}" w:after="{after}" w:line="{line}" w:lineRule="auto"/>'


def style(kind: str, style_id: str, name: str, *, based_on: str = "", next_: str = "", ppr: str = "",
          rpr: str = "", tblpr: str = "", builtin: bool = False, default: bool = False,
          aliases: str = "", ui_priority: int = 0) -> str:
    """One ``w:style`` element. Children follow the schema order of CT_Style."""
    attrs = f'w:type="{kind}" w:styleId="{style_id}"'
    if default:
        attrs += ' w:default="1"'
    if not builtin:
        attrs += ' w:customStyle="1"'
    parts = [f'<w:name w:val="{name}"/>']
    if aliases:
        parts.append(f'<w:aliases w:val="{aliases}"/>')
    if based_on:
        parts.append(f'<w:basedOn w:val="{based_on}"/>')
    if next_:
        parts.append(f'<w:next w:val="{next_}"/>')
    if ui_priority:
        parts.append(f'<w:uiPriority w:val="{ui_priority}"/>')
    if kind in ("paragraph", "character"):
        parts.append("<w:qFormat/>")  # listed in Word's style gallery
    if ppr:
        parts.append(f"<w:pPr>{ppr}</w:pPr>")
    if rpr:
        parts.append(f"<w:rPr>{rpr}</w:rPr>")
    if tblpr:
        parts.append(f"<w:tblPr>{tblpr}</w:tblPr>")
    return f"<w:style {attrs}>{''.join(parts)}</w:style>"


def borders(sides: tuple[str, ...] = ("top", "left", "bottom", "right", "insideH", "insideV")) -> str:
    """Thin (½ pt) single lines on the given sides of a table."""
    lines = "".join(f'<w:{s} w:val="single" w:sz="4" w:space="0" w:color="auto"/>' for s in sides)
    return f"<w:tblBorders>{lines}</w:tblBorders>"


def cell_margins(top_bottom: int, left_right: int) -> str:
    return (f'<w:tblCellMar><w:top w:w="{top_bottom}" w:type="dxa"/><w:left w:w="{left_right}" w:type="dxa"/>'
            f'<w:bottom w:w="{top_bottom}" w:type="dxa"/><w:right w:w="{left_right}" w:type="dxa"/>'
            '</w:tblCellMar>')


STYLES = [
    # Defaults Word expects in every document.
    style("paragraph", "Normal", "Normal", builtin=True, default=True,
          ppr='<w:widowControl/><w:adjustRightInd/>' + spacing() + '<w:jc w:val="both"/>',
          rpr=fonts(SERIF) + size(XIAO_SI)),
    style("character", "DefaultParagraphFont", "Default Paragraph Font", builtin=True, default=True,
          ui_priority=1),
    style("table", "TableNormal", "Normal Table", builtin=True, default=True, ui_priority=99,
          tblpr='<w:tblInd w:w="0" w:type="dxa"/>' + cell_margins(0, 108)),
    style("numbering", "NoList", "No List", builtin=True, default=True, ui_priority=99),
    # The cover block.
    style("paragraph", "Title", "Title", builtin=True, based_on="Normal", next_="ContractMeta",
          ppr='<w:keepNext/>' + spacing(after=360, line=240) + NO_INDENT + '<w:jc w:val="center"/>',
          rpr=fonts(SANS) + '<w:b/><w:bCs/>' + size(XIAO_ER)),
    style("paragraph", "ContractMeta", "Contract Meta", based_on="Normal", aliases="合同信息",
          ppr=NO_INDENT + '<w:jc w:val="right"/>'),
    style("paragraph", "Party", "Party", based_on="Normal", next_="PartyDetail", aliases="当事人",
          ppr='<w:keepNext/>' + spacing(before=240) + NO_INDENT + '<w:jc w:val="left"/>',
          rpr='<w:b/><w:bCs/>'),
    style("paragraph", "PartyDetail", "Party Detail", based_on="Normal", aliases="当事人信息",
          ppr=NO_INDENT + '<w:jc w:val="left"/>'),
    # The body.
    style("paragraph", "BodyText", "Body Text", builtin=True, based_on="Normal", ppr=INDENT_2),
    style("paragraph", "Preamble", "Preamble", based_on="BodyText", next_="Heading1", aliases="序言",
          ppr=spacing(before=240)),
    style("paragraph", "Heading1", "heading 1", builtin=True, based_on="Normal", next_="Clause",
          ppr='<w:keepNext/><w:keepLines/>' + spacing(before=240) + NO_INDENT
          + '<w:jc w:val="left"/><w:outlineLvl w:val="0"/>',
          rpr=fonts(SANS) + size(XIAO_SI)),
    style("paragraph", "Heading2", "heading 2", builtin=True, based_on="Normal", next_="BodyText",
          ppr='<w:keepNext/><w:keepLines/>' + spacing(before=120) + NO_INDENT
          + '<w:jc w:val="left"/><w:outlineLvl w:val="1"/>',
          rpr=fonts(SANS) + size(XIAO_SI)),
    style("paragraph", "Clause", "Clause", based_on="Normal", aliases="条款", ppr=INDENT_2),
    style("paragraph", "Item", "Item", based_on="Normal", aliases="项", ppr=INDENT_2),
    style("paragraph", "Closing", "Closing", based_on="BodyText", aliases="结束语",
          ppr='<w:keepNext/>' + spacing(before=120, after=480)),
    style("paragraph", "Signature", "Signature", based_on="Normal", aliases="签署",
          ppr='<w:keepNext/><w:keepLines/>' + spacing(after=720) + NO_INDENT + '<w:jc w:val="left"/>'),
    # Annexes.
    style("paragraph", "AnnexHeading", "Annex Heading", based_on="Normal", next_="BodyText",
          aliases="附件标题",
          ppr='<w:keepNext/><w:keepLines/><w:pageBreakBefore/>' + spacing(after=360, line=240)
          + NO_INDENT + '<w:jc w:val="center"/><w:outlineLvl w:val="0"/>',
          rpr=fonts(SANS) + size(SAN_HAO)),
    style("paragraph", "TableText", "Table Text", based_on="Normal", aliases="表格文字",
          ppr=spacing(before=40, after=40, line=240) + NO_INDENT + '<w:jc w:val="left"/>',
          rpr=size(WU_HAO)),
    style("paragraph", "TableCenter", "Table Center", based_on="TableText", aliases="表格文字居中",
          ppr='<w:jc w:val="center"/>'),
    style("paragraph", "TableGroup", "Table Group", based_on="TableText", aliases="表格分组",
          ppr='<w:keepNext/>', rpr='<w:b/><w:bCs/>'),
    style("paragraph", "TableHeader", "Table Header", based_on="TableCenter", aliases="表头",
          ppr='<w:keepNext/>', rpr=fonts(SANS) + size(XIAO_WU)),
    # Header and footer.
    style("paragraph", "Header", "header", builtin=True, based_on="Normal",
          ppr='<w:pBdr><w:bottom w:val="single" w:sz="4" w:space="1" w:color="auto"/></w:pBdr>'
          f'<w:tabs><w:tab w:val="right" w:pos="{TEXT_W}"/></w:tabs>'
          + spacing(line=240) + NO_INDENT + '<w:jc w:val="left"/>',
          rpr=size(XIAO_WU)),
    style("paragraph", "Footer", "footer", builtin=True, based_on="Normal",
          ppr=spacing(line=240) + NO_INDENT + '<w:jc w:val="center"/>', rpr=size(XIAO_WU)),
    # Character styles: what a run is, not how it looks; a firm restyles them at will.
    style("character", "ClauseTitle", "Clause Title", based_on="DefaultParagraphFont", aliases="款标题",
          rpr='<w:b/><w:bCs/>'),
    style("character", "FilledValue", "Filled Value", based_on="DefaultParagraphFont", aliases="填写内容"),
    # A standard term (格式条款) the customer's attention is drawn to: bold, in the heading face, as
    # the PDF prints it; its filled values in a style of their own, so they stay known as values.
    style("character", "StandardTerm", "Standard Term", based_on="DefaultParagraphFont", aliases="格式条款",
          rpr=fonts(SANS) + '<w:b/><w:bCs/>'),
    style("character", "StandardTermValue", "Standard Term Value", based_on="StandardTerm", aliases="格式条款填写内容"),
    style("character", "BlankField", "Blank Field", based_on="DefaultParagraphFont", aliases="待填空白",
          rpr='<w:color w:val="C00000"/><w:shd w:val="clear" w:color="auto" w:fill="FFF2CC"/>'),
    style("character", "DraftMark", "Draft Mark", based_on="DefaultParagraphFont", aliases="草稿标记",
          rpr=fonts(SANS) + '<w:b/><w:bCs/><w:color w:val="C00000"/>'),
    # Tables.
    style("table", "SignatureTable", "Signature Table", based_on="TableNormal", aliases="签署表",
          tblpr='<w:tblInd w:w="0" w:type="dxa"/>' + cell_margins(0, 108)),
    style("table", "FormTable", "Form Table", based_on="TableNormal", aliases="表单",
          tblpr='<w:tblInd w:w="0" w:type="dxa"/>'
          + borders() + cell_margins(28, 57)),
]

DOC_DEFAULTS = (
    "<w:docDefaults><w:rPrDefault><w:rPr>" + fonts(SERIF)
    + '<w:kern w:val="2"/>' + size(XIAO_SI)
    + '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
    + "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>" + spacing(line=240)
    + "</w:pPr></w:pPrDefault></w:docDefaults>"
)

FONT_TABLE = f"""<w:fonts {NSDECL}>
<w:font w:name="Times New Roman"><w:panose1 w:val="02020603050405020304"/><w:charset w:val="00"/>
<w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>
<w:font w:name="SimSun"><w:altName w:val="宋体"/><w:panose1 w:val="02010600030101010101"/>
<w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>
<w:font w:name="Arial"><w:panose1 w:val="020B0604020202020204"/><w:charset w:val="00"/>
<w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font>
<w:font w:name="SimHei"><w:altName w:val="黑体"/><w:panose1 w:val="02010609060101010101"/>
<w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>
</w:fonts>""".replace("\n", "")

APP_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Template>Normal.dotm</Template><Application>contractgen</Application>"
    b"<DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate>"
    b"<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged></Properties>"
)


def field(instr: str, cached: str) -> str:
    """A complex field (PAGE, NUMPAGES) with a cached result Word and LibreOffice recompute."""
    return ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve"> {instr} </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            f'<w:r><w:t>{cached}</w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>')


def text_run(text: str, char_style: str = "") -> str:
    rpr = f'<w:rPr><w:rStyle w:val="{char_style}"/></w:rPr>' if char_style else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{text}</w:t></w:r>'


def paragraph(style_id: str, runs: str) -> str:
    return f'<w:p {NSDECL}><w:pPr><w:pStyle w:val="{style_id}"/></w:pPr>{runs}</w:p>'


def build() -> bytes:
    doc = Document()
    package = doc.part.package

    # Drop what python-docx's default template carries but a contract template should not: a
    # thumbnail of an empty page, custom XML, Word 2010 duplicate styles, an unused numbering part.
    for rels, unwanted in (
        (package.rels, {RT.THUMBNAIL}),
        (doc.part.rels, {RT.CUSTOM_XML, STYLES_WITH_EFFECTS, RT.WEB_SETTINGS, RT.NUMBERING}),
    ):
        for r_id in [r for r, rel in rels.items() if rel.reltype in unwanted]:
            del rels[r_id]
    # python-docx has no API for the app properties and the font table; both are plain blobs.
    package.part_related_by(RT.EXTENDED_PROPERTIES)._blob = APP_XML
    doc.part.part_related_by(RT.FONT_TABLE)._blob = FONT_TABLE.encode()

    # Styles: replace python-docx's Calibri/theme-font styles by ours.
    styles_el = doc.styles.element
    for child in list(styles_el):
        styles_el.remove(child)
    styles_el.append(parse_xml(DOC_DEFAULTS.replace("<w:docDefaults>", f"<w:docDefaults {NSDECL}>", 1)))
    for xml in STYLES:
        styles_el.append(parse_xml(xml.replace("<w:style ", f"<w:style {NSDECL} ", 1)))

    settings = doc.settings.element
    for el in settings.findall(f"{{{W_NS}}}themeFontLang"):
        el.set(f"{{{W_NS}}}eastAsia", "zh-CN")
    for el in settings.findall(f"{{{W_NS}}}defaultTabStop"):
        el.set(f"{{{W_NS}}}val", "420")  # two 10.5 pt characters, Chinese Word's default

    section = doc.sections[0]
    section.page_width, section.page_height = Twips(PAGE_W), Twips(PAGE_H)
    section.top_margin = section.bottom_margin = Twips(MARGIN_TB)
    section.left_margin = section.right_margin = Twips(MARGIN_LR)
    section.header_distance, section.footer_distance = Twips(HEADER_DIST), Twips(FOOTER_DIST)

    header = section.header
    header.is_linked_to_previous = False
    hdr = header._element
    for p in list(hdr):
        hdr.remove(p)
    hdr.append(parse_xml(paragraph("Header", (
        text_run("{% if draft %}") + text_run("草稿：本文本尚未定稿，不得作为正式合同签署", "DraftMark") + text_run("{% endif %}")
        + '<w:r><w:tab/></w:r>' + text_run("合同编号：") + text_run("{{ contract_no }}", "FilledValue")))))

    footer = section.footer
    footer.is_linked_to_previous = False
    ftr = footer._element
    for p in list(ftr):
        ftr.remove(p)
    ftr.append(parse_xml(paragraph("Footer", (
        text_run("第 ") + field("PAGE", "1") + text_run(" 页 共 ") + field("NUMPAGES", "1")
        + text_run(" 页")))))

    body = doc.element.body
    for p in list(body.iterchildren(f"{{{W_NS}}}p")):
        body.remove(p)
    sect = body.sectPr
    for xml in (
        paragraph("Title", text_run("{{ title }}")),
        paragraph("ContractMeta", text_run("合同编号：") + text_run("{{ contract_no }}", "FilledValue")),
        paragraph("ContractMeta", text_run("签订地点：") + text_run("{{ sign_place }}", "FilledValue")
                  + text_run("　签订日期：") + text_run("{{ sign_date }}", "FilledValue")),
    ):
        sect.addprevious(parse_xml(xml))

    props = doc.core_properties
    props.title, props.subject, props.keywords = "合同模板", "contractgen reference template", ""
    props.author = props.last_modified_by = "contractgen"
    props.comments, props.category = "", ""
    props.revision = 1
    props.created = props.modified = dt.datetime(2026, 1, 1)

    buf = io.BytesIO()
    doc.save(buf)
    return deterministic_zip(buf.getvalue())


def deterministic_zip(data: bytes) -> bytes:
    """The same package with fixed entry timestamps and attributes (python-docx stamps the time)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.create_system = 0
            fixed.external_attr = 0
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def main() -> None:
    OUT.write_bytes(build())
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
