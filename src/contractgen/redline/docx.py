"""The DOCX output: the NEW document with native Word tracked changes.

Every paragraph of the change set's redline becomes one Word paragraph: unchanged text as plain
runs, deleted text in ``w:del`` (``w:delText``), inserted text in ``w:ins``; a wholly inserted or
deleted paragraph also has its paragraph mark marked (``w:pPr/w:rPr/w:ins`` or ``w:del``, placed as
``diff.paragraph_marks`` says). A moved unit is a native tracked move: ``w:moveFrom`` where it was
and ``w:moveTo`` where it went, inside named move ranges, so Word shows it as moved and LibreOffice
never takes it for a deletion and an unrelated insertion. Every revision carries a unique ``w:id``, the author and one fixed
date (``SOURCE_DATE_EPOCH``, else ``FIXED_DATE``), so Word, WPS and LibreOffice list revisions a
lawyer accepts or rejects one by one: accepting all gives NEW's text, rejecting all OLD's.

Article, clause, item and annex numbers are Word automatic numbering (第%1条, %1.%2 or （%2）,
（%3）…, 附件%1), not text: they follow whichever version is shown, so renumbering is never a
tracked change. Styles come from the shipped reference template (the one the DOCX renderer uses)
when it is there, else python-docx's default template; headers and footers of the template are left
out (they are the contract's, with its tags). The package is written with a fixed member order and
timestamps, so the same change set gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from pathlib import Path

from lxml import etree

from ..diff import Block, ChangeSet, paragraph_marks, tracked

FIXED_DATE = "2000-01-01T00:00:00Z"
"""The revisions' date when ``SOURCE_DATE_EPOCH`` is not set (never the clock: same input, same bytes)."""

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)

# Paragraph role → style names to try (the reference template's, then python-docx's default ones).
STYLES: dict[str, tuple[str, ...]] = {
    "title": ("Title",),
    "meta": ("Contract Meta", "Subtitle"),
    "party": ("Party", "Body Text"),
    "party_detail": ("Party Detail", "Body Text"),
    "body": ("Body Text",),
    "heading": ("Heading 1",),
    "clause": ("Clause", "Body Text"),
    "item": ("Item", "Body Text"),
    "annex": ("Annex Heading", "Heading 1"),
    "section": ("Heading 2",),
}
CHAR_STYLES: dict[str, tuple[str, ...]] = {
    "value": ("Filled Value",), "blank": ("Blank Field",), "title": ("Clause Title", "Strong"),
}


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


def revision_date() -> str:
    """``SOURCE_DATE_EPOCH`` as an ISO date-time, else ``FIXED_DATE``."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return FIXED_DATE


def _template() -> Path | None:
    try:
        from ..render.docx import REFERENCE_DOCX  # the renderer's template, when it has one
    except ImportError:  # pragma: no cover - the renderer is optional for the diff
        REFERENCE_DOCX = Path(__file__).resolve().parents[1] / "render" / "assets" / "reference.docx"
    return REFERENCE_DOCX if Path(REFERENCE_DOCX).is_file() else None


def _numbering_xml(scheme: str, first_abstract: int, first_num: int, lists: int) -> tuple[list[str], list[str]]:
    """abstractNum and num elements: articles+clauses, annexes, and one restarting list per item list."""
    ns = f'xmlns:w="{_W}"'
    chinese = scheme == "chinese"

    def lvl(ilvl: int, fmt: str, text: str, *, legal: bool = False) -> str:
        return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                + ("<w:isLgl/>" if legal else "")
                + f'<w:suff w:val="nothing"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/></w:lvl>')

    articles, annexes, items = first_abstract, first_abstract + 1, first_abstract + 2
    clause_lvl = lvl(1, "chineseCounting", "（%2）") if chinese else lvl(1, "decimal", "%1.%2\u3000", legal=True)
    abstract = [
        f'<w:abstractNum {ns} w:abstractNumId="{articles}"><w:multiLevelType w:val="multilevel"/>'
        + lvl(0, "chineseCounting", "第%1条\u3000") + clause_lvl + "</w:abstractNum>",
        f'<w:abstractNum {ns} w:abstractNumId="{annexes}"><w:multiLevelType w:val="singleLevel"/>'
        + lvl(0, "chineseCounting", "附件%1：") + "</w:abstractNum>",
        f'<w:abstractNum {ns} w:abstractNumId="{items}"><w:multiLevelType w:val="singleLevel"/>'
        + (lvl(0, "decimal", "%1. ") if chinese else lvl(0, "decimal", "（%1）")) + "</w:abstractNum>",
    ]
    nums = [f'<w:num {ns} w:numId="{first_num}"><w:abstractNumId w:val="{articles}"/></w:num>',
            f'<w:num {ns} w:numId="{first_num + 1}"><w:abstractNumId w:val="{annexes}"/></w:num>']
    for i in range(lists):
        # Each item list restarts at 1 (a second num of one abstractNum would continue the count).
        nums.append(f'<w:num {ns} w:numId="{first_num + 2 + i}"><w:abstractNumId w:val="{items}"/>'
                    '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>')
    return abstract, nums


def render_docx(changes: ChangeSet, *, author: str = "contractgen") -> bytes:
    """The redline as a Word document with tracked changes."""
    from docx import Document
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.oxml import parse_xml
    from docx.parts.numbering import NumberingPart

    template = _template()
    document = Document(str(template)) if template else Document()
    part = document.part
    body = document.element.body
    sect = body.find(_w("sectPr"))
    for child in list(body):
        if child is not sect:
            body.remove(child)
    if sect is not None:
        for ref in sect.findall(_w("headerReference")) + sect.findall(_w("footerReference")):
            sect.remove(ref)
    for rel_id, rel in list(part.rels.items()):
        if rel.reltype in (RT.HEADER, RT.FOOTER):
            part.drop_rel(rel_id)

    names = {s.name: s.style_id for s in document.styles}
    styles = {role: next((names[n] for n in options if n in names), "") for role, options in STYLES.items()}
    char_styles = {k: next((names[n] for n in options if n in names), "") for k, options in CHAR_STYLES.items()}

    # Numbering: appended to the template's numbering part, or a new one.
    try:
        numbering = part.part_related_by(RT.NUMBERING).element
    except KeyError:
        numbering = parse_xml(f'<w:numbering xmlns:w="{_W}"/>')
        part.relate_to(NumberingPart(PackURI("/word/numbering.xml"), CT.WML_NUMBERING, numbering, part.package),
                       RT.NUMBERING)
    list_keys = list(dict.fromkeys(b.list_key for b in changes.blocks if b.numbering == "item"))
    first_abstract = 1 + max((int(a.get(_w("abstractNumId"))) for a in numbering.findall(_w("abstractNum"))),
                             default=0)
    first_num = 1 + max((int(n.get(_w("numId"))) for n in numbering.findall(_w("num"))), default=0)
    abstract, nums = _numbering_xml(changes.numbering, first_abstract, first_num, len(list_keys))
    existing = numbering.findall(_w("abstractNum"))
    anchor = existing[-1] if existing else None
    for xml in abstract:
        element = parse_xml(xml)
        if anchor is not None:
            anchor.addnext(element)
        else:
            numbering.insert(0, element)
        anchor = element
    for xml in nums:
        numbering.append(parse_xml(xml))
    num_ids = {"article": (first_num, 0), "clause": (first_num, 1), "annex": (first_num + 1, 0)}
    item_ids = {key: first_num + 2 + i for i, key in enumerate(list_keys)}

    writer = _Writer(author, revision_date(), styles, char_styles)
    elements: list[etree._Element] = []
    open_range: tuple[str, str] | None = None  # (moveFrom|moveTo, range id) of the move being written
    for block, mark in zip(changes.blocks, paragraph_marks(changes.blocks), strict=True):
        kind = _move_kind(block)
        if open_range is not None and open_range[0] != kind:
            elements.append(writer.range_end(*open_range))
            open_range = None
        if kind and open_range is None:
            start = writer.range_start(kind, f"move{block.change + 1}")
            elements.append(start)
            open_range = (kind, start.get(_w("id")))
        numbered = (item_ids[block.list_key], 0) if block.numbering == "item" else num_ids.get(block.numbering)
        elements.append(writer.paragraph(block, mark, numbered))
    if open_range is not None:
        elements.append(writer.range_end(*open_range))
    for element in elements:
        if sect is not None:
            sect.addprevious(element)
        else:
            body.append(element)

    props = document.core_properties
    props.title = f"修订稿：{changes.title}"
    props.subject = f"{changes.old_label} → {changes.new_label}"
    props.author = author
    props.last_modified_by = author
    props.comments = "contractgen diff"
    props.revision = 1
    stamp = dt.datetime.strptime(revision_date(), "%Y-%m-%dT%H:%M:%SZ")
    props.created = stamp
    props.modified = stamp
    props.last_printed = stamp

    out = io.BytesIO()
    document.save(out)
    return _deterministic(out.getvalue())


def _move_kind(block: Block) -> str:
    """``moveFrom``/``moveTo`` for a paragraph of a moved unit, else empty."""
    if not block.moved or block.status not in ("inserted", "deleted"):
        return ""
    return "moveFrom" if block.status == "deleted" else "moveTo"


_TAGS = {"insert": "ins", "delete": "del", "move-to": "moveTo", "move-from": "moveFrom"}


class _Writer:
    """Makes the ``w:p`` elements, numbering the revisions."""

    def __init__(self, author: str, date: str, styles: dict[str, str], char_styles: dict[str, str]) -> None:
        self.attrs = {_w("author"): author, _w("date"): date}
        self.styles = styles
        self.char_styles = char_styles
        self.next_id = 1

    def revision(self, parent: etree._Element, tag: str) -> etree._Element:
        element = etree.SubElement(parent, _w(tag), {_w("id"): str(self.next_id), **self.attrs})
        self.next_id += 1
        return element

    def range_start(self, kind: str, name: str) -> etree._Element:
        element = etree.Element(_w(f"{kind}RangeStart"), {_w("id"): str(self.next_id), **self.attrs,
                                                           _w("name"): name}, nsmap={"w": _W})
        self.next_id += 1
        return element

    @staticmethod
    def range_end(kind: str, ident: str) -> etree._Element:
        return etree.Element(_w(f"{kind}RangeEnd"), {_w("id"): ident}, nsmap={"w": _W})

    def paragraph(self, block: Block, mark: str, numbered: tuple[int, int] | None) -> etree._Element:
        p = etree.Element(_w("p"), nsmap={"w": _W})
        ppr = etree.SubElement(p, _w("pPr"))
        style = self.styles.get(block.role, "")
        if style:
            etree.SubElement(ppr, _w("pStyle"), {_w("val"): style})
        if numbered is not None:
            num_pr = etree.SubElement(ppr, _w("numPr"))
            etree.SubElement(num_pr, _w("ilvl"), {_w("val"): str(numbered[1])})
            etree.SubElement(num_pr, _w("numId"), {_w("val"): str(numbered[0])})
        if mark != "equal":
            self.revision(etree.SubElement(ppr, _w("rPr")), _TAGS[mark])
        if len(ppr) == 0:
            p.remove(ppr)
        for segment in block.segments:
            if not segment.text:
                continue
            parent = p
            change = tracked(block, segment.op)
            if change != "equal":
                parent = self.revision(p, _TAGS[change])
            run = etree.SubElement(parent, _w("r"))
            char_style = self.char_styles.get(segment.style, "")
            if char_style:
                rpr = etree.SubElement(run, _w("rPr"))
                etree.SubElement(rpr, _w("rStyle"), {_w("val"): char_style})
            # Deleted text is w:delText; text moved away stays w:t inside w:moveFrom (as Word writes it).
            text = etree.SubElement(run, _w("delText" if change == "delete" else "t"))
            text.set(_XML_SPACE, "preserve")
            text.text = segment.text
        return p


def _deterministic(data: bytes) -> bytes:
    """The package again with fixed timestamps and a fixed member order."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        names = src.namelist()
        first = [n for n in ("[Content_Types].xml", "_rels/.rels") if n in names]
        for name in first + sorted(n for n in names if n not in first):
            info = zipfile.ZipInfo(name, _ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, src.read(name))
    return out.getvalue()
