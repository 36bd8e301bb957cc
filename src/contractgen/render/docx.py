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
2. **The contract** — per render the skeleton's header and document are parsed and the placeholders
   replaced by the values (as element text); the body — paragraphs and tables that refer to the
   template's styles by id, no direct formatting — is written as WordprocessingML with every text
   escaped, and goes in before the final section properties. ``&``, ``<``, ``{{ }}`` stay literal;
   line breaks in a value become line breaks inside its run (never paragraphs or page breaks), tabs
   become spaces, XML-illegal characters are dropped.
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
A template made before standard terms were printed in bold lacks ``Standard Term`` and ``Standard Term
Value`` (character styles, bold): copy them from the shipped template (Word: 管理样式 → 导入/导出).
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

from ..cache import cache_dir, distribution_version
from ..errors import UsageError
from ..files import UnreadableFile, read_bounded
from ..i18n import Message, msg
from ..model import Annex, Clause, Contract, Form, Paragraph, Party, Run
from . import RenderOptions
from . import docx_origin as origin
from ._common import acknowledgement_lines, document_date, find_annex, signature_rows

REFERENCE_DOCX = Path(__file__).resolve().parent / "assets" / "reference.docx"
"""The shipped template."""
MAX_TEMPLATE_BYTES = 20_000_000
"""A firm's template is styles and a letterhead logo: a few hundred kilobytes; 20 MB is plenty."""
MAX_TEMPLATE_MEMBERS = 1_000
MAX_TEMPLATE_UNPACKED = 100_000_000

STYLE_NAMES: dict[str, tuple[str, str]] = {
    # key: (style type, style name as shown in Word)
    "title": ("paragraph", "Title"),
    "meta": ("paragraph", "Contract Meta"),
    "party": ("paragraph", "Party"),
    "party_detail": ("paragraph", "Party Detail"),
    "body": ("paragraph", "Body Text"),
    "preamble": ("paragraph", "Preamble"),
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
    "cell_group": ("paragraph", "Table Group"),
    "clause_title": ("character", "Clause Title"),
    "value": ("character", "Filled Value"),
    "term": ("character", "Standard Term"),
    "term_value": ("character", "Standard Term Value"),
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
_OFFICE_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_CORE_PROPS = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
_CORE_PROPS_LIBREOFFICE = "http://schemas.openxmlformats.org/officedocument/2006/relationships/metadata/core-properties"
"""The relationship type LibreOffice writes for the same part (python-docx does not know it)."""


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


_T, _VAL, _TYPE, _WIDTH = _w("t"), _w("val"), _w("type"), _w("w")

# Placeholders docxtpl writes for the skeleton's variables: private-use characters that no Jinja
# filter, no XML escaping and no docxtpl post-processing touches.
_PH_OPEN, _PH_CLOSE = "\ue000", "\ue001"
_PH = re.compile(f"{_PH_OPEN}([a-z_]+){_PH_CLOSE}")
_PH_BYTES = _PH_OPEN.encode()
SKELETON_VARIABLES = ("title", "contract_no", "sign_place", "sign_date", "industry_name")

# XML 1.0 forbids most C0 controls, lone surrogates and U+FFFE/U+FFFF; lxml refuses them.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Form feeds and vertical tabs are XML-illegal too, but a user meant them as breaks.
_LINE_BREAKS = re.compile("\r\n|[\n\r\x0b\x0c\x85\u2028\u2029]")


def _inline(text: str) -> str:
    """One line of text: line breaks and tabs become spaces, XML-illegal characters are dropped."""
    if text.isprintable():
        return text
    return _ILLEGAL.sub("", _LINE_BREAKS.sub(" ", text).replace("\t", " "))


def _lines(text: str) -> list[str]:
    """The text's lines: a value may span lines, which become line breaks inside its run (never
    paragraphs or page breaks); tabs become spaces, XML-illegal characters are dropped."""
    if text.isprintable():
        return [text]
    return [_ILLEGAL.sub("", line.replace("\t", " ")) for line in _LINE_BREAKS.split(text)]


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


def _template_bytes(path: Path | None) -> tuple[bytes, Message | str]:
    if path is None:
        return _shipped_template(), msg("docx.shipped-template")
    try:
        data = read_bounded(path, MAX_TEMPLATE_BYTES)
    except UnreadableFile as exc:
        raise UsageError(msg("render.reference-docx-unreadable", path=str(path), reason=exc.reason)) from None
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise UsageError(msg("docx.template-not-zip", path=str(path)))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        members = package.infolist()
    unpacked = sum(m.file_size for m in members)
    if len(members) > MAX_TEMPLATE_MEMBERS or unpacked > MAX_TEMPLATE_UNPACKED:
        # A zip bomb: a few kilobytes that unpack to gigabytes (the sizes are checked while unpacking).
        raise UsageError(msg("render.reference-docx-too-big", path=str(path), files=len(members), size=unpacked,
                             max_files=MAX_TEMPLATE_MEMBERS, max_size=MAX_TEMPLATE_UNPACKED))
    return data, str(path)


@functools.lru_cache(maxsize=8)
def _skeleton(data: bytes, draft: bool, source: Message | str) -> _Skeleton:
    """The template's fixed parts rendered (once per template and draft flag, kept across processes).

    A skeleton is plain data (the package's members, a few names and numbers), so it is kept in the
    machine's cache under a key of everything that makes it: the template's bytes, the draft flag,
    docxtpl's and python-docx's versions and ``SKELETON_FORMAT``. A cold build then neither imports
    docxtpl and python-docx nor renders the template (about 0.1 s of a 0.7 s build). A cache that
    cannot be read or written changes nothing but the time.
    """
    import hashlib

    versions = [distribution_version(name) for name in ("docxtpl", "python-docx")]
    key = hashlib.sha256("\0".join((SKELETON_FORMAT, *versions, str(draft))).encode() + b"\0" + data).hexdigest()
    path = cache_dir() / "docx" / f"skeleton-{key[:32]}.zip"
    try:
        return _read_skeleton(path)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        pass
    skeleton = _render_skeleton(data, draft, source)
    _write_skeleton(path, skeleton)
    return skeleton


SKELETON_FORMAT = "1"
"""Bumped when ``_Skeleton`` or ``_render_skeleton`` changes what a kept skeleton holds."""
_SKELETON_META = "skeleton.json"


def _read_skeleton(path: Path) -> _Skeleton:
    import json

    with zipfile.ZipFile(path) as package:
        meta = json.loads(package.read(_SKELETON_META))
        members = tuple((name, package.read(f"parts/{i}")) for i, name in enumerate(meta["members"]))
    return _Skeleton(members, meta["document"], meta["core"], dict(meta["styles"]), int(meta["text_width"]))


def _write_skeleton(path: Path, skeleton: _Skeleton) -> None:
    """Keep the skeleton (written under a temporary name and renamed: readers never see half a file)."""
    import json
    import tempfile

    meta = {"members": [name for name, _ in skeleton.members], "document": skeleton.document,
            "core": skeleton.core, "styles": skeleton.styles, "text_width": skeleton.text_width}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as out, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as package:
            for i, (_, blob) in enumerate(skeleton.members):
                package.writestr(f"parts/{i}", blob)
            package.writestr(_SKELETON_META, json.dumps(meta, ensure_ascii=False))
        os.chmod(tmp, 0o644)  # as the compact fonts: a cache shared via $CONTRACTGEN_CACHE_DIR is read by all
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)


def _render_skeleton(data: bytes, draft: bool, source: Message | str) -> _Skeleton:
    """Render the template's fixed parts with docxtpl."""
    from docx.opc.exceptions import PackageNotFoundError
    from jinja2 import TemplateError

    template = _template_class()(io.BytesIO(data))
    try:
        document = template.get_docx()
    except (PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError):
        raise UsageError(msg("docx.template-not-word", source=source, why=_why_not_docx(data))) from None
    styles = _resolve_styles(document.styles.element, source)
    text_width = _text_width(document.element.body)

    context: dict[str, object] = {name: f"{_PH_OPEN}{name}{_PH_CLOSE}" for name in SKELETON_VARIABLES}
    context["draft"] = draft
    try:
        template.render(context, jinja_env=_fixed_tags_environment(source))
    except TemplateError as exc:
        part = getattr(template, "current_rendering_part", None)
        raise UsageError(msg("render.reference-docx-template-error", path=source, reason=str(exc),
                             part=str(part.partname).lstrip("/") if part is not None else "")) from None
    except (KeyError, ValueError, etree.XMLSyntaxError) as exc:
        # docxtpl works on the XML text and expects the usual ``w:`` prefix Word writes.
        raise UsageError(msg("docx.template-unusable", source=source, detail=repr(exc))) from None
    out = io.BytesIO()
    template.save(out)

    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as package:
        members = tuple((name, package.read(name)) for name in package.namelist())
    by_name = dict(members)
    rels = etree.fromstring(by_name["_rels/.rels"])
    targets = {rel.get("Type"): rel.get("Target", "").lstrip("/") for rel in rels}
    core = targets.get(_CORE_PROPS) or targets.get(_CORE_PROPS_LIBREOFFICE)  # replaced by the contract's
    return _Skeleton(members, targets[_OFFICE_DOC], core, styles, text_width)


# --------------------------------------------------------------------------------------------------
# A firm's template is data: only the fixed tags of the shipped template are filled.

FIXED_TAGS: frozenset[tuple[str, ...]] = frozenset(
    {("{{", name) for name in SKELETON_VARIABLES}
    | {("{%", "if", "draft"), ("{%", "if", "not", "draft"), ("{%", "else"), ("{%", "endif")}
)
"""Every Jinja tag a reference DOCX may contain, as (opening, words…); anything else is refused."""
_TAG_WORDS = frozenset({"name", "operator", "string", "integer", "float"})


def check_fixed_tags(xml: str, source: Message | str, part: str) -> None:
    """Refuse any Jinja in a template part other than ``FIXED_TAGS`` (no expression of a user's is run)."""
    from jinja2 import TemplateSyntaxError
    from jinja2.sandbox import SandboxedEnvironment

    tag: list[tuple[str, str]] = []
    try:
        for _, kind, value in SandboxedEnvironment().lexer.tokeniter(xml, None):
            if kind in ("variable_begin", "block_begin"):
                tag = [(kind, value)]
            elif tag:
                tag.append((kind, value))
                if kind in ("variable_end", "block_end"):
                    words = (tag[0][1][:2], *(v for k, v in tag[1:-1] if k in _TAG_WORDS))
                    if words not in FIXED_TAGS:
                        raise UsageError(msg("render.reference-docx-tag", path=source, part=part,
                                             tag=_shorten("".join(v for _, v in tag))))
                    tag = []
    except TemplateSyntaxError as exc:
        # docxtpl puts each paragraph on a line of its own: show the paragraph's text.
        lines = xml.splitlines()
        text = _shorten(lines[exc.lineno - 1] if 0 < exc.lineno <= len(lines) else "")
        raise UsageError(msg("render.reference-docx-syntax", path=source, part=part, text=text)) from None


def _shorten(text: str, limit: int = 60) -> str:
    text = re.sub(r"<[^>]*>", "", text)  # a tag split across runs carries the runs' markup
    return text if len(text) <= limit else text[:limit] + "…"


def _fixed_tags_environment(source: Message | str):  # -> jinja2.sandbox.SandboxedEnvironment
    """A sandbox that checks every part before compiling it; the part is set by ``_FixedTagsTemplate``."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    class FixedTags(SandboxedEnvironment):
        part = "word/document.xml"

        def from_string(self, xml, *args, **kwargs):  # type: ignore[no-untyped-def]
            check_fixed_tags(xml, source, self.part)
            return super().from_string(xml, *args, **kwargs)

    return FixedTags(autoescape=True, undefined=StrictUndefined)


@functools.cache
def _template_class():  # -> type[docxtpl.DocxTemplate]; docxtpl is imported only when a DOCX is made
    from docxtpl import DocxTemplate

    class FixedTagsTemplate(DocxTemplate):
        """docxtpl, telling the environment which part it renders, and leaving core properties
        alone (the renderer writes ``docProps/core.xml`` from the contract)."""

        def render_xml_part(self, src_xml, part, context, jinja_env=None):  # type: ignore[no-untyped-def]
            jinja_env.part = str(part.partname).lstrip("/")
            return super().render_xml_part(src_xml, part, context, jinja_env)

        def render_properties(self, context, jinja_env=None) -> None:  # type: ignore[no-untyped-def]
            return None

    return FixedTagsTemplate


def _why_not_docx(data: bytes) -> Message:
    """A hint for a zip that python-docx refuses: a Word template (.dotx) is the likely mistake."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            types = package.read("[Content_Types].xml")
    except (KeyError, zipfile.BadZipFile):
        return msg("docx.why.no-content-types")
    if b"wordprocessingml.template.main+xml" in types:
        return msg("docx.why.dotx")
    if b"wordprocessingml.document.main+xml" not in types:
        return msg("docx.why.no-main-document")
    return msg("docx.why.unreadable-main-document")


def _resolve_styles(styles_el: etree._Element, source: Message | str) -> dict[str, str]:
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
        raise UsageError(msg("docx.template-lacks-styles", source=source, styles=tuple(missing)))
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
# Building blocks. The body is written as WordprocessingML text, escaped here once per run, and
# spliced into the skeleton's serialized document: lxml builds elements about twenty times slower
# than joining strings, and the body is nearly all of a render's work.


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(text: str) -> str:
    return _esc(text).replace('"', "&quot;")


def _run(text: str, style_id: str = "") -> str:
    """One run; ``style_id`` is a character style id, already attribute-escaped."""
    rpr = f'<w:rPr><w:rStyle w:val="{style_id}"/></w:rPr>' if style_id else ""
    texts = "<w:br/>".join(f'<w:t xml:space="preserve">{_esc(line)}</w:t>' if line else ""
                           for line in _lines(text))
    return f"<w:r>{rpr}{texts}</w:r>"


class _Writer:
    """Appends the contract's paragraphs and tables, in the template's styles, to ``out``, and
    marks where each came from (``docx_origin``): a hidden bookmark per paragraph of a unit and per
    filled value, listed in ``paragraphs`` and ``values``."""

    def __init__(self, styles: dict[str, str], text_width: int) -> None:
        self.s = {key: _attr(style_id) for key, style_id in styles.items()}
        self.width = text_width
        self.out: list[str] = []
        self.paragraphs: list[origin.ParagraphOrigin] = []
        self.values: list[origin.ValueOrigin] = []
        self._unit: tuple[str, str, str] = ("", "", "")
        self._index = 0
        self._bookmarks = 0

    # Where the paragraphs come from -------------------------------------------------------------
    def unit(self, kind: str, key: str, version: str = "") -> None:
        """The paragraphs marked from now on belong to this unit (``docx_origin.ParagraphOrigin``)."""
        self._unit = (kind, key, version)
        self._index = 0

    def _bookmark(self, name: str) -> tuple[str, str]:
        self._bookmarks += 1
        n = self._bookmarks
        return (f'<w:bookmarkStart w:id="{n}" w:name="{name}"/>', f'<w:bookmarkEnd w:id="{n}"/>')

    def mark(self, paragraph: str, text: str) -> str:
        """The paragraph (as ``para`` made it) with a bookmark naming its unit and index at its start.

        The bookmark is a point, not a range: LibreOffice lays out a line ending in a bookmark's end
        differently (no hanging full-width punctuation), and the paragraph holding the point is
        identified just as well."""
        kind, key, version = self._unit
        name = origin.paragraph_name(key, self._index)
        self.paragraphs.append(origin.ParagraphOrigin(name, kind, key, version, self._index, origin.text_hash(text)))
        self._index += 1
        start, end = self._bookmark(name)
        head = paragraph.index("</w:pPr>") + len("</w:pPr>")
        return paragraph[:head] + start + end + paragraph[head:]

    # Paragraphs ------------------------------------------------------------------------------
    def para(self, style: str, content: str = "") -> str:
        return f'<w:p><w:pPr><w:pStyle w:val="{self.s[style]}"/></w:pPr>{content}</w:p>'

    def add(self, style: str, content: str = "") -> None:
        self.out.append(self.para(style, content))

    def add_marked(self, style: str, content: str, text: str) -> None:
        self.out.append(self.mark(self.para(style, content), text))

    def runs(self, runs: Iterable[Run], prominent: bool = False) -> str:
        """Runs in their character styles; in a standard term (``prominent``) every run in a bold one."""
        parts = []
        for run in runs:
            if run.kind == "value":
                parts.append(self._value(run, _run(run.text, self.s["term_value" if prominent else "value"])))
            elif run.kind == "blank":
                text = run.text or f"＿＿＿＿（{run.raw or run.var or ''}）"
                parts.append(self._value(run, _run(text, self.s["blank"])))
            else:
                parts.append(_run(run.text, self.s["term"] if prominent else ""))
        return "".join(parts)

    def _value(self, run: Run, xml: str) -> str:
        var = run.var or ""
        name = origin.value_name(var, len(self.values))
        self.values.append(origin.ValueOrigin(name, var, run.raw or "" if run.kind == "value" else ""))
        start, end = self._bookmark(name)
        return start + xml + end

    def text_paragraph(self, paragraph: Paragraph, style: str = "body", prominent: bool = False) -> str:
        """A paragraph of the current unit (marked); a standard term's in bold (``prominent``)."""
        if paragraph.runs and paragraph.runs[0].kind == "line":
            # An empty line to write on: an underlined tab to the right margin, the one way Word draws a
            # rule of the text's width in a paragraph's own style (a border would join adjacent lines).
            tabs = f'<w:tabs><w:tab w:val="right" w:pos="{self.width}"/></w:tabs>'
            line = self.para(style, '<w:r><w:rPr><w:u w:val="single"/></w:rPr><w:tab/></w:r>')
            return self.mark(line.replace("</w:pPr>", tabs + "</w:pPr>", 1), "")
        term = self.s["term"] if prominent else ""
        if paragraph.number:
            number = _run(paragraph.number + _number_gap(paragraph.number), term)
            return self.mark(self.para("item", number + self.runs(paragraph.runs, prominent)), paragraph.text)
        return self.mark(self.para(style, self.runs(paragraph.runs, prominent)), paragraph.text)

    # Tables ----------------------------------------------------------------------------------
    def table(self, style: str, widths: list[int], rows: Iterable[str]) -> None:
        grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
        self.out.append(
            f'<w:tbl><w:tblPr><w:tblStyle w:val="{self.s[style]}"/><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
            '<w:tblLayout w:type="fixed"/><w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" '
            'w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr>'
            f'<w:tblGrid>{grid}</w:tblGrid>{"".join(rows)}</w:tbl>')

    @staticmethod
    def row(cells: Iterable[str], *, header: bool = False, min_height: int = 0) -> str:
        # A row never breaks across pages; a header row repeats on every page the table spans.
        height = f'<w:trHeight w:val="{min_height}" w:hRule="atLeast"/>' if min_height else ""
        repeat = "<w:tblHeader/>" if header else ""
        return f'<w:tr><w:trPr><w:cantSplit/>{height}{repeat}</w:trPr>{"".join(cells)}</w:tr>'

    @staticmethod
    def cell(width: int, paragraphs: str, *, span: int = 1, merge: str | None = None,
             center: bool = False) -> str:
        pr = f'<w:tcW w:w="{width}" w:type="dxa"/>'
        if span > 1:
            pr += f'<w:gridSpan w:val="{span}"/>'
        if merge is not None:
            pr += f'<w:vMerge w:val="{merge}"/>' if merge else "<w:vMerge/>"
        if center:
            pr += '<w:vAlign w:val="center"/>'
        return f"<w:tc><w:tcPr>{pr}</w:tcPr>{paragraphs}</w:tc>"

    def text_cell(self, width: int, text: str, style: str = "cell", *, span: int = 1,
                  merge: str | None = None, center: bool = False) -> str:
        content = self.para(style, _run(text) if text else "")
        return self.cell(width, content, span=span, merge=merge, center=center)

    def spacer(self) -> None:
        """An empty paragraph: Word joins two tables that touch into one."""
        self.add("cell")


def _number_gap(number: str) -> str:
    """The space after a number: an ideographic one after ``2.1``, a plain one after ``1.``, none
    after full-width punctuation (``（1）``, ``一、``)."""
    last = number[-1:]
    if last.isascii() and last.isalnum():
        return "　"
    return " " if last == "." else ""


# --------------------------------------------------------------------------------------------------
# The contract


def _parties(b: _Writer, parties: tuple[Party, ...]) -> None:
    b.unit("parties", "@parties")
    for party in parties:
        label = f"{party.designation}（{party.label}）：" if party.label else f"{party.designation}："
        b.add_marked("party", _run(label) + b.runs((party.name,)), label + party.name.text)
        for name, run in party.details:
            b.add_marked("party_detail", _run(f"{name}：") + b.runs((run,)), f"{name}：{run.text}")


def _articles(b: _Writer, contract: Contract) -> None:
    for article in contract.articles:
        b.unit("article", article.id, article.version)
        b.add_marked("heading", _run(_inline(article.heading)), article.title)
        for paragraph in article.paragraphs:
            b.out.append(b.text_paragraph(paragraph, prominent=article.prominent))
        for clause in article.clauses:
            b.unit("clause", clause.id, clause.version)
            b.out.append(_clause_head(b, clause))
            rest = clause.paragraphs[1:] if _runs_on(clause) else clause.paragraphs
            for paragraph in rest:
                b.out.append(b.text_paragraph(paragraph, "clause", clause.prominent))


def _runs_on(clause: Clause) -> bool:
    """Whether the clause's first paragraph follows its number and title on the same line."""
    return bool(clause.paragraphs) and not clause.paragraphs[0].number


def _clause_head(b: _Writer, clause: Clause) -> str:
    """``2.1　评价方式　text…``: the number, the title (a character style), the first paragraph."""
    gap = _number_gap(clause.number) if clause.number else ""
    term = b.s["term"] if clause.prominent else ""
    parts = []
    if clause.title:
        parts += [_run(clause.number + gap, term), _run(clause.title, b.s["clause_title"])]
        gap = "　"
    if _runs_on(clause):
        parts += [_run(gap if clause.title else clause.number + gap, term),
                  b.runs(clause.paragraphs[0].runs, clause.prominent)]
    elif not clause.title:
        parts.append(_run(clause.number, term))
    head = [clause.title] if clause.title else []
    if _runs_on(clause):
        head.append(clause.paragraphs[0].text)
    return b.mark(b.para("clause", "".join(parts)), "　".join(head))


def _signatures(b: _Writer, contract: Contract) -> None:
    rows = signature_rows(contract)
    if not rows:
        return
    widths = _split(b.width, [1] * len(rows[0]))
    b.unit("signature", "@signature")
    if contract.acknowledgement:  # the consumer acknowledges the bold terms, and signs for it
        for paragraph in contract.acknowledgement:
            b.out.append(b.text_paragraph(paragraph, prominent=True))
        line = "　　　　　　".join(f"{x.label}：{x.value}" for x in acknowledgement_lines(contract))
        b.add_marked("signature", _run(line), line)
    table_rows = []
    for row in rows:
        cells = []
        for width, line in zip(widths, row, strict=True):
            content = ""
            if line is not None:
                content = _run(f"{line.label}：")
                if line.value:
                    # A party's name that would wrap after the label starts a line of its own.
                    if len(line.label) + 1 + len(line.value) > width // 240:
                        content += "<w:r><w:br/></w:r>"
                    content += _run(line.value)
            paragraph = b.para("signature", content)
            if line is not None:
                paragraph = b.mark(paragraph, f"{line.label}：{line.value}")
            cells.append(b.cell(width, paragraph))
        table_rows.append(b.row(cells))
    b.table("signature_table", widths, table_rows)


def _annex(b: _Writer, annex: Annex) -> None:
    b.unit("annex", annex.id, annex.version)
    b.add_marked("annex", _run(_inline(annex.heading)), annex.title)
    for paragraph in annex.intro:
        b.out.append(b.text_paragraph(paragraph))
    for section in annex.sections:
        b.add_marked("section", _run(_inline(section.heading)), section.heading)
        for paragraph in section.paragraphs:
            b.out.append(b.text_paragraph(paragraph))
    if annex.form is not None:
        _form(b, annex.form)


def _form(b: _Writer, form: Form) -> None:
    """An evaluation form as tables: header fields, ratings with a ☐ per level, comments, signatures."""
    if form.fields:
        # Two label/blank pairs a row; the labels as wide as the longest needs, up to a quarter.
        label = min(max(len(f) for f in form.fields) * 210 + 200, b.width // 4)
        widths = [label, b.width // 2 - label, label, b.width - b.width // 2 - label]
        rows = []
        for i in range(0, len(form.fields), 2):
            pair = form.fields[i:i + 2]
            cells = [b.text_cell(widths[0], pair[0], "cell_center", center=True)]
            if len(pair) == 2:
                cells += [b.text_cell(widths[1], "", center=True),
                          b.text_cell(widths[2], pair[1], "cell_center", center=True),
                          b.text_cell(widths[3], "", center=True)]
            else:
                cells.append(b.text_cell(sum(widths[1:]), "", span=3, center=True))
            rows.append(b.row(cells, min_height=480))
        b.table("form_table", widths, rows)
        b.spacer()
    if form.groups:
        widths = _rating_widths(b.width, form)
        header = [b.text_cell(widths[0], "评价项目", "cell_header", center=True)]
        header += [b.text_cell(w, level, "cell_header", center=True)
                   for w, level in zip(widths[1:], form.scale, strict=True)]
        rows = [b.row(header, header=True)]
        boxes = [b.text_cell(w, CHECKBOX, "cell_center", center=True) for w in widths[1:]]
        for group in form.groups:
            # Each dimension heads its items in a full-width row (kept with the first item), which
            # leaves the item column wide enough for the library's item wording.
            if group.title:
                rows.append(b.row([b.text_cell(b.width, group.title, "cell_group", span=len(widths),
                                               center=True)], min_height=360))
            for item in group.items:
                rows.append(b.row([b.text_cell(widths[0], item, center=True), *boxes], min_height=400))
        b.table("form_table", widths, rows)
        b.spacer()
    if form.comments:
        widths = _split(b.width, [2, 8])
        rows = [b.row([b.text_cell(widths[0], comment, "cell_center", center=True),
                       b.text_cell(widths[1], "")], min_height=1800) for comment in form.comments]
        b.table("form_table", widths, rows)
        b.spacer()
    if form.signatures:
        widths = _split(b.width, [1] * len(form.signatures))
        cells = []
        for width, label in zip(widths, form.signatures, strict=True):
            date = "　　　　年　　月　　日" if label.endswith("日期") else ""
            cells.append(b.text_cell(width, f"{label}：{date}", "signature"))
        b.table("signature_table", widths, [b.row(cells)])


def _rating_widths(total: int, form: Form) -> list[int]:
    """Columns of the rating table: the item, then one per level. A level column is as wide as its
    longest label needs (``非常不满意`` on one line) while the item column keeps at least a third;
    in twips (a 9 pt header character is 180, plus the cell margins)."""
    levels = len(form.scale)
    if not levels:
        return [total]
    level = min(max(len(s) for s in form.scale) * 180 + 160, (total - total // 3) // levels)
    return [total - level * levels] + [level] * levels


def _split(total: int, weights: list[int]) -> list[int]:
    """Column widths in proportion to ``weights`` that add up to exactly ``total``."""
    whole = sum(weights)
    widths = [total * w // whole for w in weights]
    widths[-1] += total - sum(widths)
    return widths


def _body(skeleton: _Skeleton, contract: Contract, options: RenderOptions, annex: Annex | None) -> tuple[_Writer, str]:
    """Everything after the cover block, as WordprocessingML with the ``w`` prefix (``out``), and what
    goes before it: a blank model text's 使用说明, ending in a page break."""
    b = _Writer(skeleton.styles, skeleton.text_width)
    if annex is not None:
        _annex(b, annex)
        return b, ""
    front = ""
    if contract.instructions is not None:
        b.unit("instructions", "@instructions")
        b.add_marked("annex", _run(_inline(contract.instructions.heading)), contract.instructions.heading)
        for paragraph in contract.instructions.paragraphs:
            b.out.append(b.text_paragraph(paragraph))
        b.add("body", '<w:r><w:br w:type="page"/></w:r>')
        front, b.out = "".join(b.out), []
    _parties(b, contract.parties)
    b.unit("preamble", "@preamble")
    for paragraph in contract.preamble:
        b.out.append(b.text_paragraph(paragraph, "preamble"))
    _articles(b, contract)
    b.add("closing", _run(END_OF_TEXT))
    _signatures(b, contract)
    if options.bundle:
        for each in contract.annexes:
            _annex(b, each)
    return b, front


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
    add("dc", "language", "zh-CN")
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


# Where the body goes in the serialized skeleton document: a comment no template contains.
_SPLICE = "contractgen:body\ue002"
_SPLICE_BYTES = f"<!--{_SPLICE}-->".encode()
_FRONT_SPLICE = "contractgen:front\ue002"
_FRONT_SPLICE_BYTES = f"<!--{_FRONT_SPLICE}-->".encode()


def _document_xml(blob: bytes, values: dict[str, str], body_xml: str, annex_only: bool, front_xml: str = "") -> bytes:
    """The skeleton's main document with its placeholders filled, ``front_xml`` before the cover block
    and the body added before the final section properties (a document of one annex alone drops the
    cover block). Both are written with the ``w`` prefix, which docxtpl has already required of the
    template."""
    root = etree.fromstring(blob)
    body = root.find(_w("body"))
    sect = body.find(_w("sectPr"))
    if annex_only:
        for child in list(body):
            if child is not sect:
                body.remove(child)
    else:
        _fill(root, values)
    marker = etree.Comment(_SPLICE)
    if sect is not None:
        sect.addprevious(marker)
    else:
        body.append(marker)
    if front_xml:
        body.insert(0, etree.Comment(_FRONT_SPLICE))
    return (_serialize(root).replace(_SPLICE_BYTES, body_xml.encode(), 1)
            .replace(_FRONT_SPLICE_BYTES, front_xml.encode(), 1))


def render_docx(contract: Contract, options: RenderOptions) -> bytes:
    """The contract — or with ``options.part`` one annex alone — as DOCX bytes.

    ``options.bundle`` appends every annex after the signature block, each on a new page;
    ``options.reference_docx`` uses a firm's own template (see the module docstring).
    """
    annex = find_annex(contract, options.part) if options.part is not None else None
    data, source = _template_bytes(options.reference_docx)
    skeleton = _skeleton(data, contract.draft, source)
    values = _skeleton_values(contract)

    body, front = _body(skeleton, contract, options, annex)
    table = origin.table_xml(body.paragraphs, body.values, industry=contract.industry,
                             library_version=contract.library.version)
    members: list[tuple[str, bytes]] = []
    for name, blob in skeleton.members:
        if name == skeleton.document:
            blob = _document_xml(blob, values, "".join(body.out), annex is not None, front)
        elif name == skeleton.core:
            blob = _core_xml(contract, annex)
        elif _PH_BYTES in blob:  # a header or footer with the contract number
            root = etree.fromstring(blob)
            _fill(root, values)
            blob = _serialize(root)
        members.append((name, blob))
    return _package(_with_origin_part(members, skeleton.document, table))


def _with_origin_part(members: list[tuple[str, bytes]], document: str, table: bytes) -> list[tuple[str, bytes]]:
    """The package with the origin table as a custom XML part of the main document, under the first
    free ``customXml/itemN.xml`` name (a firm's template may hold custom XML parts of its own)."""
    names = {name for name, _ in members}
    n = 1
    while f"customXml/item{n}.xml" in names or f"customXml/itemProps{n}.xml" in names:
        n += 1
    item, props = f"customXml/item{n}.xml", f"customXml/itemProps{n}.xml"
    doc_dir = document.rsplit("/", 1)[0] if "/" in document else ""
    doc_rels = f"{doc_dir}/_rels/{document.rsplit('/', 1)[-1]}.rels" if doc_dir else f"_rels/{document}.rels"
    target = "../" * doc_dir.count("/") + ("../" if doc_dir else "") + item
    out: list[tuple[str, bytes]] = []
    for name, blob in members:
        if name == "[Content_Types].xml":
            blob = _with_content_types(blob, "/" + props)
        elif name == doc_rels:
            blob = _with_relationship(blob, origin.CUSTOM_XML_REL, target)
        out.append((name, blob))
    if doc_rels not in names:
        out.append((doc_rels, _with_relationship(_EMPTY_RELS, origin.CUSTOM_XML_REL, target)))
    out += [(item, table), (f"customXml/_rels/item{n}.xml.rels", origin.item_rels_xml(f"itemProps{n}.xml")),
            (props, origin.props_xml(table))]
    return out


_EMPTY_RELS = b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>'
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"


def _with_content_types(blob: bytes, props_part: str) -> bytes:
    root = etree.fromstring(blob)
    if not any(d.get("Extension", "").lower() == "xml" for d in root.iter(f"{{{_CT_NS}}}Default")):
        etree.SubElement(root, f"{{{_CT_NS}}}Default", Extension="xml", ContentType="application/xml")
    etree.SubElement(root, f"{{{_CT_NS}}}Override", PartName=props_part, ContentType=origin.CUSTOM_XML_PROPS_TYPE)
    return _serialize(root)


def _with_relationship(blob: bytes, rel_type: str, target: str) -> bytes:
    root = etree.fromstring(blob)
    ids = {rel.get("Id") for rel in root}
    n = 1
    while f"rIdCg{n}" in ids:
        n += 1
    etree.SubElement(root, f"{{{_RELS_NS}}}Relationship", Id=f"rIdCg{n}", Type=rel_type, Target=target)
    return _serialize(root)


_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
