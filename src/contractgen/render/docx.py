"""The DOCX renderer: one composed ``Contract`` (or one of its annexes) as a Word document.

Owns the shipped Word template (``assets/reference.docx``, written by ``make_reference_docx.py``)
and the mapping from the contract model to Word styles. Everything about looks lives in the
template's styles; the document itself carries no direct formatting, so a firm restyles a contract
by restyling its template.

How a document is made:

1. **The skeleton** — docxtpl renders the template once per (template, draft) and the result is
   cached: the cover block in the body (``{{ title }}``, ``{{ contract_no }}``, ``{{ sign_place }}``,
   ``{{ sign_date }}``, ``{{ industry_name }}``), the header and footer, ``{% if draft %}`` blocks.
   The Jinja variables are given opaque placeholders, never contract text: user text is never seen
   by Jinja (nor by docxtpl's treatment of ``\\n``, ``\\t``, ``\\f`` in rendered values, which would add
   paragraphs and page breaks).
2. **The contract** — per render the skeleton's XML parts are parsed, the placeholders replaced by
   the (cleaned) values, and the body appended as paragraphs and tables that refer to the template's
   styles by id. Text is set as element text, so ``&``, ``<``, ``{{ }}`` stay literal; line breaks in
   a value become line breaks inside its run, tabs become spaces, XML-illegal characters are dropped.
3. **The package** — written with a fixed member order and fixed timestamps, and core properties
   taken from the contract, so the same contract always gives the same bytes.

Using a firm's own template (``RenderOptions.reference_docx``, ``--reference-docx FILE``)
-----------------------------------------------------------------------------------------
Copy the shipped ``reference.docx`` and open it in Word (or WPS, LibreOffice). Change the styles —
fonts, sizes, spacing, indents, the header rule, table borders — through the style pane, never by
formatting the text; add a letterhead or logo to the header. Keep the style *names* listed in
``STYLE_NAMES`` (the renderer looks styles up by name; a missing one is reported). The body of the
template is the cover block: edit or move its tags (``{{ title }}``, ``{{ contract_no }}``,
``{{ sign_place }}``, ``{{ sign_date }}``, ``{{ industry_name }}``) and text freely; the contract is
appended after it (a document of one annex alone leaves the cover block out). The header and footer
may use the same tags and ``{% if draft %}…{% endif %}``. Save as ``.docx`` (not ``.dotx``). Page
size and margins come from the template's last section; tables are sized to its text width.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import os
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..errors import UsageError
from ..model import Annex, Contract, Form, Paragraph, Party, Run
from . import RenderOptions
from ._common import document_date, find_annex, signature_rows

REFERENCE_DOCX = Path(__file__).resolve().parent / "assets" / "reference.docx"
"""The shipped template."""

STYLE_NAMES: dict[str, tuple[str, str]] = {
    # key: (style type, style name as shown in Word)
    "title": ("paragraph", "Title"),
    "meta": ("paragraph", "Contract Meta"),
    "party": ("paragraph", "Party"),
    "party_detail": ("paragraph", "Party Detail"),
    "body": ("paragraph", "Body Text"),
    "heading": ("paragraph", "Heading 1"),
    "section": ("paragraph", "Heading 2"),
    "clause": ("paragraph", "Clause"),
    "item": ("paragraph", "Item"),
    "closing": ("paragraph", "Closing"),
    "signature": ("paragraph", "Signature"),
    "annex": ("paragraph", "Annex Heading"),
    "cell": ("paragraph", "Table Text"),
    "cell_center": ("paragraph", "Table Center"),
    "cell_header": ("paragraph", "Table Header"),
    "clause_title": ("character", "Clause Title"),
    "value": ("character", "Filled Value"),
    "blank": ("character", "Blank Field"),
    "signature_table": ("table", "Signature Table"),
    "form_table": ("table", "Form Table"),
}
"""Every style the renderer uses. A template must define each of them (by name)."""

END_OF_TEXT = "（以下无正文）"
CHECKBOX = "☐"
BLANK_LINE = "＿＿＿＿＿＿"
"""Printed for an empty contract number or signing place, to be filled in by hand."""
BLANK_SIGN_DATE = "＿＿＿＿年＿＿月＿＿日"

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_CORE_PROPS = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


_P, _PPR, _PSTYLE, _R, _RPR, _RSTYLE, _T, _BR = map(_w, ("p", "pPr", "pStyle", "r", "rPr", "rStyle", "t", "br"))
_TBL, _TBLPR, _TBLSTYLE, _TBLW, _TBLLAYOUT, _TBLLOOK, _TBLGRID, _GRIDCOL = map(
    _w, ("tbl", "tblPr", "tblStyle", "tblW", "tblLayout", "tblLook", "tblGrid", "gridCol"))
_TR, _TRPR, _CANTSPLIT, _TBLHEADER, _TRHEIGHT, _TC, _TCPR, _TCW, _GRIDSPAN, _VMERGE, _VALIGN = map(
    _w, ("tr", "trPr", "cantSplit", "tblHeader", "trHeight", "tc", "tcPr", "tcW", "gridSpan", "vMerge",
         "vAlign"))
_VAL, _TYPE, _WIDTH, _HRULE = _w("val"), _w("type"), _w("w"), _w("hRule")

# Placeholders docxtpl writes for the skeleton's variables: private-use characters that no Jinja
# filter, no XML escaping and no docxtpl post-processing touches.
_PH_OPEN, _PH_CLOSE = "\ue000", "\ue001"
_PH = re.compile(f"{_PH_OPEN}([a-z_]+){_PH_CLOSE}")
_PH_BYTES = _PH_OPEN.encode()
SKELETON_VARIABLES = ("title", "contract_no", "sign_place", "sign_date", "industry_name")

# XML 1.0 forbids most C0 controls, lone surrogates and U+FFFE/U+FFFF; lxml refuses them.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile("\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_TABS = re.compile("[\t\x1f]")


def _inline(text: str) -> str:
    """One line of printable text: breaks and tabs become spaces, illegal characters go."""
    if text.isprintable():
        return text
    return _ILLEGAL.sub("", _TABS.sub(" ", _LINE_BREAKS.sub(" ", text)))


def _lines(text: str) -> list[str]:
    """The text's lines (a value may span lines; they become line breaks, never paragraphs)."""
    if text.isprintable():
        return [text]
    return [_ILLEGAL.sub("", _TABS.sub(" ", line)) for line in _LINE_BREAKS.split(text)]


# --------------------------------------------------------------------------------------------------
# The template and its rendered skeleton (cached)


@dataclass(frozen=True, slots=True)
class _Skeleton:
    """A template rendered by docxtpl, with the contract's text still to fill in."""

    members: tuple[tuple[str, bytes], ...]
    """Every zip member in the order written, the main document's and core properties' included."""
    document: str
    """Member name of the main document part."""
    core: str | None
    """Member name of the core properties part, if the package has one."""
    styles: dict[str, str]
    """``STYLE_NAMES`` key → style id in this template."""
    text_width: int
    """Width between the margins, in twips."""


@functools.cache
def _shipped_template() -> bytes:
    return REFERENCE_DOCX.read_bytes()


def _template_bytes(path: Path | None) -> tuple[bytes, str]:
    if path is None:
        return _shipped_template(), "the shipped reference.docx"
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise UsageError(f"reference DOCX {path} does not exist") from None
    except OSError as exc:
        raise UsageError(f"cannot read reference DOCX {path}: {exc.strerror or exc}") from None
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise UsageError(f"reference DOCX {path} is not a DOCX file (not a zip package)")
    return data, str(path)


@functools.lru_cache(maxsize=8)
def _skeleton(data: bytes, draft: bool, source: str) -> _Skeleton:
    """Render the template's fixed parts with docxtpl (once per template and draft flag)."""
    from docx.opc.exceptions import PackageNotFoundError
    from docxtpl import DocxTemplate
    from jinja2 import Environment, TemplateError

    template = DocxTemplate(io.BytesIO(data))
    try:
        document = template.get_docx()
    except (PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError) as exc:
        raise UsageError(f"reference DOCX {source} is not a Word document: {exc}") from None
    styles = _resolve_styles(document.styles.element, source)
    text_width = _text_width(document.element.body)

    context: dict[str, object] = {name: f"{_PH_OPEN}{name}{_PH_CLOSE}" for name in SKELETON_VARIABLES}
    context["draft"] = draft
    try:
        template.render(context, jinja_env=Environment(autoescape=True))
    except TemplateError as exc:
        raise UsageError(f"reference DOCX {source}: template error: {exc}") from None
    out = io.BytesIO()
    template.save(out)

    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as package:
        members = tuple((name, package.read(name)) for name in package.namelist())
    by_name = dict(members)
    rels = etree.fromstring(by_name["_rels/.rels"])
    targets = {rel.get("Type"): rel.get("Target", "").lstrip("/") for rel in rels}
    return _Skeleton(members, targets[_OFFICE_DOC], targets.get(_CORE_PROPS), styles, text_width)


def _resolve_styles(styles_el: etree._Element, source: str) -> dict[str, str]:
    """Map every style the renderer needs to its id, by (case-insensitive) name and type."""
    by_name: dict[tuple[str, str], str] = {}
    for style in styles_el.iterchildren(_w("style")):
        name = style.find(_w("name"))
        if name is not None:
            key = (style.get(_TYPE, ""), name.get(_VAL, "").casefold())
            by_name.setdefault(key, style.get(_w("styleId"), ""))
    found: dict[str, str] = {}
    missing: list[str] = []
    for key, (kind, name) in STYLE_NAMES.items():
        style_id = by_name.get((kind, name.casefold()))
        if style_id:
            found[key] = style_id
        else:
            missing.append(f"{name} ({kind})")
    if missing:
        raise UsageError(f"reference DOCX {source} lacks the styles: {', '.join(missing)}; "
                         "copy the shipped reference.docx and restyle it, keeping the style names")
    return found


def _text_width(body: etree._Element) -> int:
    """Page width minus margins (and gutter) of the template's last section, in twips."""
    sect = body.find(_w("sectPr"))
    default = 11906 - 2 * 1797
    if sect is None:
        return default
    size, margins = sect.find(_w("pgSz")), sect.find(_w("pgMar"))
    try:
        width = int(size.get(_WIDTH)) if size is not None else 11906
        if margins is None:
            return width - 2 * 1797
        used = sum(int(margins.get(_w(k)) or 0) for k in ("left", "right", "gutter"))
        return max(width - used, 2000)
    except (TypeError, ValueError):
        return default


# --------------------------------------------------------------------------------------------------
# Building blocks: paragraphs, runs, tables


def _paragraph(parent: etree._Element, style_id: str) -> etree._Element:
    p = etree.SubElement(parent, _P)
    etree.SubElement(etree.SubElement(p, _PPR), _PSTYLE, {_VAL: style_id})
    return p


def _run(p: etree._Element, text: str, style_id: str | None = None) -> None:
    r = etree.SubElement(p, _R)
    if style_id:
        etree.SubElement(etree.SubElement(r, _RPR), _RSTYLE, {_VAL: style_id})
    for i, line in enumerate(_lines(text)):
        if i:
            etree.SubElement(r, _BR)
        if line:
            t = etree.SubElement(r, _T, {_XML_SPACE: "preserve"})
            t.text = line


class _Body:
    """Appends the contract's paragraphs and tables to one body, in the template's styles."""

    def __init__(self, body: etree._Element, styles: dict[str, str], text_width: int) -> None:
        self.body = body
        self.s = styles
        self.width = text_width

    # Paragraphs ------------------------------------------------------------------------------
    def para(self, style: str, parent: etree._Element | None = None) -> etree._Element:
        return _paragraph(self.body if parent is None else parent, self.s[style])

    def runs(self, p: etree._Element, runs: Iterable[Run]) -> None:
        for run in runs:
            if run.kind == "value":
                _run(p, run.text, self.s["value"])
            elif run.kind == "blank":
                _run(p, run.text or f"＿＿＿＿（{run.raw or run.var or ''}）", self.s["blank"])
            else:
                _run(p, run.text)

    def text_paragraph(self, paragraph: Paragraph, style: str = "body",
                       parent: etree._Element | None = None) -> None:
        if paragraph.number:
            p = self.para("item", parent)
            _run(p, paragraph.number + _number_gap(paragraph.number))
        else:
            p = self.para(style, parent)
        self.runs(p, paragraph.runs)

    # Tables ----------------------------------------------------------------------------------
    def table(self, style: str, widths: list[int]) -> etree._Element:
        tbl = etree.SubElement(self.body, _TBL)
        pr = etree.SubElement(tbl, _TBLPR)
        etree.SubElement(pr, _TBLSTYLE, {_VAL: self.s[style]})
        etree.SubElement(pr, _TBLW, {_WIDTH: str(sum(widths)), _TYPE: "dxa"})
        etree.SubElement(pr, _TBLLAYOUT, {_TYPE: "fixed"})
        etree.SubElement(pr, _TBLLOOK, {_VAL: "0000", _w("firstRow"): "0", _w("lastRow"): "0",
                                        _w("firstColumn"): "0", _w("lastColumn"): "0",
                                        _w("noHBand"): "1", _w("noVBand"): "1"})
        grid = etree.SubElement(tbl, _TBLGRID)
        for width in widths:
            etree.SubElement(grid, _GRIDCOL, {_WIDTH: str(width)})
        return tbl

    @staticmethod
    def row(tbl: etree._Element, *, header: bool = False, min_height: int = 0) -> etree._Element:
        tr = etree.SubElement(tbl, _TR)
        pr = etree.SubElement(tr, _TRPR)
        # A row never breaks across pages; a header row repeats on every page the table spans.
        etree.SubElement(pr, _CANTSPLIT)
        if min_height:
            etree.SubElement(pr, _TRHEIGHT, {_VAL: str(min_height), _HRULE: "atLeast"})
        if header:
            etree.SubElement(pr, _TBLHEADER)
        return tr

    @staticmethod
    def cell(tr: etree._Element, width: int, *, span: int = 1, merge: str | None = None,
             center: bool = False) -> etree._Element:
        tc = etree.SubElement(tr, _TC)
        pr = etree.SubElement(tc, _TCPR)
        etree.SubElement(pr, _TCW, {_WIDTH: str(width), _TYPE: "dxa"})
        if span > 1:
            etree.SubElement(pr, _GRIDSPAN, {_VAL: str(span)})
        if merge is not None:
            etree.SubElement(pr, _VMERGE, {_VAL: merge} if merge else {})
        if center:
            etree.SubElement(pr, _VALIGN, {_VAL: "center"})
        return tc

    def text_cell(self, tr: etree._Element, width: int, text: str, style: str = "cell", *, span: int = 1,
                  merge: str | None = None, center: bool = False) -> None:
        p = self.para(style, self.cell(tr, width, span=span, merge=merge, center=center))
        if text:
            _run(p, text)

    def spacer(self) -> None:
        """An empty paragraph: Word joins two tables that touch into one."""
        self.para("cell")


def _number_gap(number: str) -> str:
    """The space after a number: an ideographic one after ``2.1``, a plain one after ``1.``, none
    after full-width punctuation (``（1）``, ``一、``)."""
    last = number[-1:]
    if last.isascii() and last.isalnum():
        return "　"
    return " " if last == "." else ""


# --------------------------------------------------------------------------------------------------
# The contract


def _parties(b: _Body, parties: tuple[Party, ...]) -> None:
    for party in parties:
        p = b.para("party")
        label = f"{party.designation}（{party.label}）：" if party.label else f"{party.designation}："
        _run(p, label)
        b.runs(p, (party.name,))
        for name, run in party.details:
            p = b.para("party_detail")
            _run(p, f"{name}：")
            b.runs(p, (run,))


def _articles(b: _Body, contract: Contract) -> None:
    for article in contract.articles:
        _run(b.para("heading"), _inline(article.heading))
        for paragraph in article.paragraphs:
            b.text_paragraph(paragraph)
        for clause in article.clauses:
            paragraphs = clause.paragraphs
            p = b.para("clause")
            head = clause.number + _number_gap(clause.number) if clause.number else ""
            if clause.title:
                _run(p, head)
                _run(p, clause.title, b.s["clause_title"])
                head = "　"
            if paragraphs and not paragraphs[0].number:
                # The clause's first paragraph follows its number and title on the same line.
                _run(p, head)
                b.runs(p, paragraphs[0].runs)
                paragraphs = paragraphs[1:]
            elif not clause.title:
                _run(p, clause.number)
            for paragraph in paragraphs:
                b.text_paragraph(paragraph, "clause")


def _signatures(b: _Body, contract: Contract) -> None:
    rows = signature_rows(contract)
    if not rows:
        return
    columns = len(rows[0])
    widths = _split(b.width, [1] * columns)
    tbl = b.table("signature_table", widths)
    for row in rows:
        tr = b.row(tbl)
        for width, line in zip(widths, row, strict=True):
            p = b.para("signature", b.cell(tr, width))
            if line is not None:
                _run(p, f"{line.label}：")
                if line.value:
                    _run(p, line.value, b.s["value"] if line.label.endswith("章）") else None)


def _annex(b: _Body, annex: Annex) -> None:
    _run(b.para("annex"), _inline(annex.heading))
    for paragraph in annex.intro:
        b.text_paragraph(paragraph)
    for section in annex.sections:
        _run(b.para("section"), _inline(section.heading))
        for paragraph in section.paragraphs:
            b.text_paragraph(paragraph)
    if annex.form is not None:
        _form(b, annex.form)


def _form(b: _Body, form: Form) -> None:
    """An evaluation form as tables: header fields, ratings with a ☐ per level, comments, signatures."""
    if form.fields:
        widths = _split(b.width, [2, 3, 2, 3])
        tbl = b.table("form_table", widths)
        for i in range(0, len(form.fields), 2):
            pair = form.fields[i:i + 2]
            tr = b.row(tbl, min_height=480)
            b.text_cell(tr, widths[0], pair[0], "cell_header", center=True)
            if len(pair) == 2:
                b.text_cell(tr, widths[1], "", center=True)
                b.text_cell(tr, widths[2], pair[1], "cell_header", center=True)
                b.text_cell(tr, widths[3], "", center=True)
            else:
                b.text_cell(tr, sum(widths[1:]), "", span=3, center=True)
        b.spacer()
    if form.groups:
        levels = len(form.scale)
        widths = _split(b.width, [5, 8] + [4] * levels)
        tbl = b.table("form_table", widths)
        tr = b.row(tbl, header=True)
        b.text_cell(tr, widths[0] + widths[1], "评价项目", "cell_header", span=2, center=True)
        for width, level in zip(widths[2:], form.scale, strict=True):
            b.text_cell(tr, width, level, "cell_header", center=True)
        for group in form.groups:
            items = group.items or ("",)
            for i, item in enumerate(items):
                tr = b.row(tbl, min_height=400)
                merge = None if len(items) == 1 else ("restart" if i == 0 else "")
                b.text_cell(tr, widths[0], group.title if i == 0 else "", "cell_center", merge=merge,
                            center=True)
                b.text_cell(tr, widths[1], item, center=True)
                for width in widths[2:]:
                    b.text_cell(tr, width, CHECKBOX, "cell_center", center=True)
        b.spacer()
    if form.comments:
        widths = _split(b.width, [2, 8])
        tbl = b.table("form_table", widths)
        for comment in form.comments:
            tr = b.row(tbl, min_height=1800)
            b.text_cell(tr, widths[0], comment, "cell_header", center=True)
            b.text_cell(tr, widths[1], "")
        b.spacer()
    if form.signatures:
        widths = _split(b.width, [1] * len(form.signatures))
        tbl = b.table("signature_table", widths)
        tr = b.row(tbl)
        for width, label in zip(widths, form.signatures, strict=True):
            date = "　　　　年　　月　　日" if label.endswith("日期") else ""
            b.text_cell(tr, width, f"{label}：{date}", "signature")


def _split(total: int, weights: list[int]) -> list[int]:
    """Column widths in proportion to ``weights`` that add up to exactly ``total``."""
    whole = sum(weights)
    widths = [total * w // whole for w in weights]
    widths[-1] += total - sum(widths)
    return widths


def _build_body(body: etree._Element, skeleton: _Skeleton, contract: Contract, options: RenderOptions,
                annex: Annex | None) -> None:
    sect = body.find(_w("sectPr"))
    if sect is not None:
        body.remove(sect)  # re-appended last: the final section properties close the body
    b = _Body(body, skeleton.styles, skeleton.text_width)
    if annex is not None:
        # A document of one annex alone: no cover block, just the annex.
        for child in list(body):
            body.remove(child)
        _annex(b, annex)
    else:
        _parties(b, contract.parties)
        for paragraph in contract.preamble:
            b.text_paragraph(paragraph)
        _articles(b, contract)
        _run(b.para("closing"), END_OF_TEXT)
        _signatures(b, contract)
        if options.bundle:
            for each in contract.annexes:
                _annex(b, each)
    if sect is not None:
        body.append(sect)


# --------------------------------------------------------------------------------------------------
# Filling the skeleton, properties, the package


def _skeleton_values(contract: Contract) -> dict[str, str]:
    return {
        "title": _inline(contract.title),
        "contract_no": _inline(contract.contract_no) or BLANK_LINE,
        "sign_place": _inline(contract.sign_place) or BLANK_LINE,
        "sign_date": contract.sign_date_text or BLANK_SIGN_DATE,
        "industry_name": _inline(contract.industry_name),
    }


def _fill(root: etree._Element, values: dict[str, str]) -> None:
    """Replace the placeholders in every text node (values are set as text: never markup)."""
    for t in root.iter(_T):
        if t.text and _PH_OPEN in t.text:
            t.text = _PH.sub(lambda m: values.get(m.group(1), ""), t.text)


def _core_xml(contract: Contract, annex: Annex | None) -> bytes:
    ns = {
        "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
        "dc": "http://purl.org/dc/elements/1.1/",
        "dcterms": "http://purl.org/dc/terms/",
        "dcmitype": "http://purl.org/dc/dcmitype/",
        "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    }
    root = etree.Element(f"{{{ns['cp']}}}coreProperties", nsmap=ns)

    def add(prefix: str, tag: str, text: str) -> etree._Element:
        el = etree.SubElement(root, f"{{{ns[prefix]}}}{tag}")
        el.text = _inline(text)
        return el

    title = f"{contract.title}　{annex.heading}" if annex is not None else contract.title
    keywords = [contract.industry_name, "合同", contract.contract_no, "草稿" if contract.draft else ""]
    add("dc", "title", title)
    add("dc", "subject", contract.industry_name)
    add("dc", "creator", "contractgen")
    add("cp", "keywords", "，".join(k for k in keywords if k))
    add("cp", "lastModifiedBy", "contractgen")
    add("cp", "revision", "1")
    stamp = document_date(contract)
    if stamp:
        w3cdtf = stamp if "T" in stamp else f"{stamp}T00:00:00Z"
        for tag in ("created", "modified"):
            add("dcterms", tag, w3cdtf).set(f"{{{ns['xsi']}}}type", "dcterms:W3CDTF")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _zip_time() -> tuple[int, int, int, int, int, int]:
    """Entry timestamps: ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else 1980-01-01."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        t = dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
        if t.year >= 1980:
            return (t.year, t.month, t.day, t.hour, t.minute, t.second)
    return (1980, 1, 1, 0, 0, 0)


def _package(members: Iterable[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    when = _zip_time()
    with zipfile.ZipFile(out, "w") as package:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0  # the same bytes on every platform
            info.external_attr = 0
            package.writestr(info, data)
    return out.getvalue()


def _serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def render_docx(contract: Contract, options: RenderOptions) -> bytes:
    """The contract — or with ``options.part`` one annex alone — as DOCX bytes.

    ``options.bundle`` appends every annex after the signature block, each on a new page;
    ``options.reference_docx`` uses a firm's own template (see the module docstring).
    """
    annex = find_annex(contract, options.part) if options.part is not None else None
    data, source = _template_bytes(options.reference_docx)
    skeleton = _skeleton(data, contract.draft, source)
    values = _skeleton_values(contract)

    members: list[tuple[str, bytes]] = []
    for name, blob in skeleton.members:
        if name == skeleton.document:
            root = etree.fromstring(blob)
            _fill(root, values)
            _build_body(root.find(_w("body")), skeleton, contract, options, annex)
            blob = _serialize(root)
        elif name == skeleton.core:
            blob = _core_xml(contract, annex)
        elif _PH_BYTES in blob:  # a header or footer with the contract number
            root = etree.fromstring(blob)
            _fill(root, values)
            blob = _serialize(root)
        members.append((name, blob))
    return _package(members)
