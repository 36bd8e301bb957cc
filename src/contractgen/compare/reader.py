"""Reading the other side's Word file, safely: paragraphs, tracked changes, comments, our carriers.

Owns turning a DOCX someone sent back into plain facts (``Returned``): every paragraph in reading
order (tables' cells included) with its style, its text in spans (which character style, which of
our value bookmarks, which tracked change, which direct formatting), the paragraph bookmarks that
say which clause it came from (``render.docx_origin``), and the comments with the text they are
anchored to. Nothing here knows the standard contract; ``align`` maps these paragraphs to it.

Safety: the file is data, never code. The package is read from memory within caps (file size,
number of zip entries, each entry's and all entries' unpacked size, compression ratio); XML is
parsed without DTDs, entities or network; relationships to external targets (linked templates,
images, hyperlinks) are counted, never followed; macros (``vbaProject.bin``) are never read, only
noticed. A file that is not a Word document is an ``InputError`` naming it.

Tracked changes are resolved as the caller asks (``TheirChanges``): ``accept`` keeps inserted and
moved-here text and drops deleted and moved-away text, ``reject`` the opposite; ``show`` reads the
document as accepted (their proposal) but keeps on each span which tracked change made it, so the
report can say which deviations were tracked and which were made silently. A paragraph mark that is
deleted (accept) or inserted (reject) joins its paragraph with the next, as Word does.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from lxml import etree

from ..errors import InputError, Problem
from ..files import UnreadableFile, read_bounded
from ..i18n import Message, msg
from ..render import docx_origin as origin

TheirChanges = Literal["accept", "reject", "show"]
THEIR_CHANGES: tuple[str, ...] = ("accept", "reject", "show")

MAX_FILE_BYTES = 25 * 1024 * 1024
MAX_ENTRIES = 2000
MAX_ENTRY_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 160 * 1024 * 1024
MAX_RATIO = 200
"""Unpacked size over packed size beyond which an entry is taken for a zip bomb."""

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE_DOC = f"{_R}/officeDocument"
_STYLES_REL = f"{_R}/styles"
_COMMENTS_REL = f"{_R}/comments"
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                              remove_comments=True, remove_pis=True)

# Direct run formatting a reader would see: element name → the key the report names it by
# (``compare.format.<key>`` in the catalogs).
RUN_FORMATTING: dict[str, str] = {
    "b": "bold", "bCs": "bold", "i": "italic", "iCs": "italic", "u": "underline", "strike": "strike",
    "dstrike": "double-strike", "color": "color", "highlight": "highlight", "shd": "shading", "sz": "size",
    "szCs": "size", "rFonts": "font", "caps": "caps", "smallCaps": "small-caps", "vertAlign": "vertical-align",
    "vanish": "hidden", "em": "emphasis", "spacing": "char-spacing", "w": "char-scale", "position": "char-position",
}
PARAGRAPH_FORMATTING: dict[str, str] = {
    "jc": "align", "ind": "indent", "spacing": "para-spacing", "shd": "para-shading", "pBdr": "para-border",
    "keepNext": "keep-next", "pageBreakBefore": "page-break-before", "numPr": "auto-numbering",
}


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


Change = Literal["", "ins", "del", "move-from", "move-to"]
_CHANGE_TAGS: dict[str, Change] = {_w("ins"): "ins", _w("del"): "del", _w("moveFrom"): "move-from",
                                   _w("moveTo"): "move-to"}


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of one paragraph's text with one origin and one look."""

    text: str
    style: str = ""
    """The character style's name (``Filled Value``, ``Clause Title``) or empty."""
    value: str = ""
    """The name of our value bookmark around it (``_cgv_…``), or empty."""
    change: Change = ""
    """The tracked change that made it (with ``show``), or empty."""
    author: str = ""
    """The tracked change's author."""
    formatting: tuple[str, ...] = ()
    """Direct formatting on it (``RUN_FORMATTING`` keys), sorted."""


@dataclass(frozen=True, slots=True)
class TheirParagraph:
    """One paragraph as their file has it (after resolving tracked changes)."""

    index: int
    style: str
    """The paragraph style's name (``Heading 1``, ``Clause``…); empty for the default."""
    spans: tuple[Span, ...]
    bookmarks: tuple[str, ...]
    """Our paragraph bookmarks (``_cgp_…``) covering it, in order."""
    in_table: bool
    formatting: tuple[str, ...] = ()
    """Direct paragraph formatting (``PARAGRAPH_FORMATTING`` keys), sorted."""
    tracked: tuple[str, ...] = ()
    """Authors of tracked changes in it (insertions, deletions, moves, formatting), sorted."""

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


@dataclass(frozen=True, slots=True)
class Comment:
    """A comment of theirs and the text it is anchored to."""

    author: str
    date: str
    text: str
    anchored: str
    paragraph: int
    """Index of the paragraph its anchor starts in (-1 if it has no anchor)."""


@dataclass(frozen=True, slots=True)
class Returned:
    """Everything read from their file."""

    paragraphs: tuple[TheirParagraph, ...]
    comments: tuple[Comment, ...]
    paragraph_origins: dict[str, origin.ParagraphOrigin]
    """Our table of paragraph bookmarks, when the file still holds it (by bookmark name)."""
    value_origins: dict[str, origin.ValueOrigin]
    macros: bool
    """The file holds macros (never read or run)."""
    external: int
    """Relationships to external targets (never followed)."""


def read_returned(data: bytes, label: str, policy: TheirChanges = "show") -> Returned:
    """Read their DOCX (bytes as uploaded or read from ``label``)."""
    members = _members(data, label)
    rels = _rels(members, "_rels/.rels", label)
    main = next((_resolve("", t) for typ, t, mode in rels if typ == _OFFICE_DOC and mode != "External"), None)
    if main is None or main not in members:
        raise _bad(label, msg("compare.no-main-part"))
    doc_rels = _rels(members, _rels_name(main), label)
    base = main.rsplit("/", 1)[0] if "/" in main else ""
    styles = _style_names(_part(members, doc_rels, _STYLES_REL, base, label))
    comments_root = _part(members, doc_rels, _COMMENTS_REL, base, label)
    document = _parse(members[main], main, label)
    body = document.find(_w("body"))
    if body is None:
        raise _bad(label, msg("compare.empty-body"))
    walker = _Walker(styles, policy)
    walker.block(body, in_table=False)
    paragraphs = _join_marks(walker.paragraphs)
    paragraph_origins, value_origins = _origin_table(members, label)
    external = sum(1 for name in members if name.endswith(".rels")
                   for _, _, mode in _rels(members, name, label) if mode == "External")
    macros = any(name.lower().endswith("vbaproject.bin") for name in members)
    return Returned(tuple(paragraphs), tuple(walker.comments(comments_root, paragraphs)),
                    paragraph_origins, value_origins, macros, external)


def read_returned_file(path: Path, policy: TheirChanges = "show") -> Returned:
    """Read their DOCX from a file: a regular file, size-capped before it is read (``files``)."""
    try:
        data = read_bounded(path, MAX_FILE_BYTES)
    except UnreadableFile as exc:
        raise _bad(str(path), exc.reason) from None
    return read_returned(data, str(path), policy)


# --- the package, within caps ------------------------------------------------------------------------

def _bad(label: str, message: Message) -> InputError:
    return InputError([Problem(label, None, "", message)])


def _members(data: bytes, label: str) -> dict[str, bytes]:
    if len(data) > MAX_FILE_BYTES:
        raise _bad(label, msg("compare.file-too-large", limit=MAX_FILE_BYTES // (1024 * 1024)))
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise _bad(label, msg("compare.legacy-or-encrypted"))
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise _bad(label, msg("compare.not-zip")) from None
    with package:
        infos = package.infolist()
        if len(infos) > MAX_ENTRIES:
            raise _bad(label, msg("compare.too-many-entries", count=len(infos), limit=MAX_ENTRIES))
        total = 0
        members: dict[str, bytes] = {}
        for info in infos:
            if info.is_dir() or info.filename.lower().endswith("vbaproject.bin"):
                members.setdefault(info.filename, b"")  # macros are noticed, never read
                continue
            if info.file_size > MAX_ENTRY_BYTES or (
                    info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 1 << 20):
                raise _bad(label, msg("compare.entry-too-large", entry=info.filename))
            total += info.file_size
            if total > MAX_TOTAL_BYTES:
                raise _bad(label, msg("compare.total-too-large"))
            if not _wanted(info.filename):
                continue
            try:
                blob = package.read(info)
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError):
                raise _bad(label, msg("compare.entry-corrupt", entry=info.filename)) from None
            if len(blob) > MAX_ENTRY_BYTES:  # the header lied about the size
                raise _bad(label, msg("compare.entry-too-large", entry=info.filename))
            members[info.filename] = blob
    return members


def _wanted(name: str) -> bool:
    """Only XML and relationship parts are read (images, fonts, embeddings are never unpacked)."""
    lower = name.lower()
    return lower.endswith((".xml", ".rels"))


def _parse(blob: bytes, name: str, label: str) -> etree._Element:
    try:
        return etree.fromstring(blob, _XML_PARSER)
    except etree.XMLSyntaxError:
        raise _bad(label, msg("compare.xml-invalid", part=name)) from None


def _rels_name(part: str) -> str:
    folder, _, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"


def _rels(members: dict[str, bytes], name: str, label: str) -> list[tuple[str, str, str]]:
    if name not in members or not members[name]:
        return []
    root = _parse(members[name], name, label)
    return [(rel.get("Type", ""), rel.get("Target", ""), rel.get("TargetMode", ""))
            for rel in root.iter(f"{{{_PKG_RELS}}}Relationship")]


def _resolve(base: str, target: str) -> str:
    """A relationship's target as a member name (relative to the source part's folder)."""
    folder = [] if target.startswith("/") or not base else base.split("/")
    parts = folder + target.lstrip("/").split("/")
    out: list[str] = []
    for part in parts:
        if part == "..":
            if out:
                out.pop()
        elif part not in ("", "."):
            out.append(part)
    return "/".join(out)


def _part(members: dict[str, bytes], rels: list[tuple[str, str, str]], rel_type: str, base: str,
          label: str) -> etree._Element | None:
    for typ, target, mode in rels:
        if typ == rel_type and mode != "External":
            name = _resolve(base, target)
            if name in members and members[name]:
                return _parse(members[name], name, label)
    return None


def _style_names(styles: etree._Element | None) -> dict[str, str]:
    if styles is None:
        return {}
    out = {}
    for style in styles.iter(_w("style")):
        name = style.find(_w("name"))
        out[style.get(_w("styleId"), "")] = name.get(_w("val"), "") if name is not None else ""
    return out


def _origin_table(members: dict[str, bytes], label: str) -> tuple[dict[str, origin.ParagraphOrigin],
                                                                  dict[str, origin.ValueOrigin]]:
    """Our table, from whichever custom XML part holds it (Word renumbers the parts)."""
    for name, blob in sorted(members.items()):
        if not name.startswith("customXml/") or origin.ORIGIN_NS.encode() not in blob[:400]:
            continue
        try:
            root = etree.fromstring(blob, _XML_PARSER)
        except etree.XMLSyntaxError:
            continue
        if root.tag != f"{{{origin.ORIGIN_NS}}}origin":
            continue
        paragraphs, values = {}, {}
        for el in root:
            if el.tag == f"{{{origin.ORIGIN_NS}}}p":
                try:
                    index = int(el.get("index", "0"))
                except ValueError:
                    continue
                paragraphs[el.get("name", "")] = origin.ParagraphOrigin(
                    el.get("name", ""), el.get("unit", ""), el.get("id", ""), el.get("version", ""), index,
                    el.get("hash", ""))
            elif el.tag == f"{{{origin.ORIGIN_NS}}}v":
                values[el.get("name", "")] = origin.ValueOrigin(el.get("name", ""), el.get("var", ""),
                                                                el.get("raw", ""))
        return paragraphs, values
    return {}, {}


# --- the document, in reading order ---------------------------------------------------------------

@dataclass(slots=True)
class _Open:
    """A paragraph being read."""

    index: int
    style: str
    in_table: bool
    formatting: tuple[str, ...]
    spans: list[Span]
    bookmarks: list[str]
    tracked: set[str]
    mark_removed: bool


class _Walker:
    """Walks the body once: paragraphs, bookmarks open across them, comment anchors."""

    def __init__(self, styles: dict[str, str], policy: TheirChanges) -> None:
        self.styles = styles
        self.policy = policy
        self.paragraphs: list[_Open] = []
        self.open_bookmarks: dict[str, str] = {}  # id → name (ours only)
        self.open_comments: dict[str, list[str]] = {}  # id → text so far
        self.comment_start: dict[str, int] = {}
        self.anchored: dict[str, str] = {}
        self.current: _Open | None = None

    def block(self, parent: etree._Element, *, in_table: bool) -> None:
        for child in parent:
            tag = child.tag
            if tag == _w("p"):
                self.paragraph(child, in_table)
            elif tag == _w("tbl"):
                for row in child.iter(_w("tr")):
                    for cell in row.iter(_w("tc")):
                        self.block(cell, in_table=True)
            elif tag == _w("sdt"):
                content = child.find(_w("sdtContent"))
                if content is not None:
                    self.block(content, in_table=in_table)
            elif tag in _CHANGE_TAGS or tag == _w("customXml"):
                self.block(child, in_table=in_table)  # paragraphs inside a block-level change
            else:
                self.marker(child)

    def paragraph(self, p: etree._Element, in_table: bool) -> None:
        ppr = p.find(_w("pPr"))
        style, formatting, removed, tracked = "", [], False, set()
        if ppr is not None:
            style, formatting = self.looks(ppr, "pStyle", PARAGRAPH_FORMATTING)
            mark = ppr.find(_w("rPr"))
            if mark is not None:
                for tag, kind in _CHANGE_TAGS.items():
                    el = mark.find(tag)
                    if el is not None:
                        tracked.add(el.get(_w("author"), ""))
                        removed = self._dropped(kind)
            if ppr.find(_w("pPrChange")) is not None:
                tracked.add(ppr.find(_w("pPrChange")).get(_w("author"), ""))
            if self.policy != "show":
                tracked = set()  # resolved first: who made them no longer matters
        self.current = _Open(len(self.paragraphs), style, in_table, tuple(formatting), [],
                             [n for n in dict.fromkeys(self.open_bookmarks.values())
                              if n.startswith(origin.PARAGRAPH_PREFIX)], tracked, removed)
        self.paragraphs.append(self.current)
        self.inline(p, "", "")
        self.current = None

    def _dropped(self, change: Change) -> bool:
        if self.policy == "reject":
            return change in ("ins", "move-to")
        return change in ("del", "move-from")

    def inline(self, parent: etree._Element, change: Change, author: str) -> None:
        for child in parent:
            tag = child.tag
            if tag == _w("r"):
                self.run(child, change, author)
            elif tag in _CHANGE_TAGS:
                kind = _CHANGE_TAGS[tag]
                if self.current is not None and self.policy == "show":
                    self.current.tracked.add(child.get(_w("author"), ""))
                if not self._dropped(kind):
                    self.inline(child, kind, child.get(_w("author"), ""))
            elif tag in (_w("hyperlink"), _w("smartTag"), _w("fldSimple"), _w("customXml")):
                self.inline(child, change, author)
            elif tag == _w("sdt"):
                content = child.find(_w("sdtContent"))
                if content is not None:
                    self.inline(content, change, author)
            elif tag != _w("pPr"):
                self.marker(child)

    def marker(self, el: etree._Element) -> None:
        tag = el.tag
        if tag == _w("bookmarkStart"):
            name = el.get(_w("name"), "")
            if name.startswith(("_cgp_", "_cgv_")):
                self.open_bookmarks[el.get(_w("id"), "")] = name
                if self.current is not None and name.startswith(origin.PARAGRAPH_PREFIX) \
                        and name not in self.current.bookmarks:
                    self.current.bookmarks.append(name)
        elif tag == _w("bookmarkEnd"):
            self.open_bookmarks.pop(el.get(_w("id"), ""), None)
        elif tag == _w("commentRangeStart"):
            cid = el.get(_w("id"), "")
            self.open_comments[cid] = []
            self.comment_start[cid] = self.current.index if self.current is not None else len(self.paragraphs)
        elif tag == _w("commentRangeEnd"):
            cid = el.get(_w("id"), "")
            if cid in self.open_comments:
                self.anchored[cid] = "".join(self.open_comments.pop(cid))

    def looks(self, props: etree._Element, style_tag: str, known: dict[str, str]) -> tuple[str, list[str]]:
        """The style's name and the direct formatting (``known`` keys) of paragraph or run properties."""
        ref = props.find(_w(style_tag))
        sid = ref.get(_w("val"), "") if ref is not None else ""
        names = {c.tag.split("}")[1] for c in props if isinstance(c.tag, str) and c.tag.startswith(f"{{{W}}}")}
        return self.styles.get(sid, sid), sorted({known[n] for n in names if n in known})

    def run(self, r: etree._Element, change: Change, author: str) -> None:
        rpr = r.find(_w("rPr"))
        style, formatting = "", []
        if rpr is not None:
            style, formatting = self.looks(rpr, "rStyle", RUN_FORMATTING)
            if rpr.find(_w("rPrChange")) is not None and self.current is not None and self.policy == "show":
                self.current.tracked.add(rpr.find(_w("rPrChange")).get(_w("author"), ""))
        parts = []
        for child in r:
            tag = child.tag
            if tag in (_w("t"), _w("delText")):
                parts.append(child.text or "")
            elif tag in (_w("tab"), _w("ptab")):
                parts.append(" ")
            elif tag == _w("noBreakHyphen"):
                parts.append("-")
            # Field codes, comment and note references are not text a reader sees.
        text = "".join(parts)
        if not text or self.current is None:
            return
        for cid in self.open_comments:
            self.open_comments[cid].append(text)
        value = next((n for n in reversed(self.open_bookmarks.values()) if n.startswith(origin.VALUE_PREFIX)), "")
        shown = change if self.policy == "show" else ""
        span = Span(text, style, value, shown, author if shown else "", tuple(formatting))
        spans = self.current.spans
        if spans and replace(spans[-1], text="") == replace(span, text=""):
            spans[-1] = replace(spans[-1], text=spans[-1].text + text)
        else:
            spans.append(span)

    def comments(self, root: etree._Element | None, paragraphs: list[TheirParagraph]) -> list[Comment]:
        if root is None:
            return []
        where = {p.index: i for i, p in enumerate(paragraphs)}
        out = []
        for el in root.iter(_w("comment")):
            cid = el.get(_w("id"), "")
            text = "\n".join("".join(t.text or "" for t in p.iter(_w("t"))) for p in el.iter(_w("p")))
            start = self.comment_start.get(cid, -1)
            out.append(Comment(el.get(_w("author"), ""), el.get(_w("date"), ""), text.strip(),
                               self.anchored.get(cid, ""), where.get(start, -1)))
        return out


VALUE_STYLES = ("Filled Value", "Standard Term Value")
"""A filled value's character style: in running text, and in a standard term printed in bold."""


def _whole_values(spans: list[Span]) -> tuple[Span, ...]:
    """A value bookmark's span with the ``Filled Value`` text right beside it: LibreOffice can move a
    bookmark's end by a character (a comment anchor earlier in the paragraph shifts it)."""
    out = list(spans)
    for i in range(len(out)):
        if out[i].value or out[i].style not in VALUE_STYLES:
            continue
        for j in (i - 1, i + 1):
            if 0 <= j < len(out) and out[j].value and out[j].style in VALUE_STYLES:
                out[i] = replace(out[i], value=out[j].value)
                break
    merged: list[Span] = []
    for span in out:
        if merged and replace(merged[-1], text="") == replace(span, text=""):
            merged[-1] = replace(merged[-1], text=merged[-1].text + span.text)
        else:
            merged.append(span)
    return tuple(merged)


def _join_marks(opened: list[_Open]) -> list[TheirParagraph]:
    """Paragraphs whose mark is removed (by the policy) join the next one, as in Word."""
    out: list[TheirParagraph] = []
    pending: _Open | None = None
    for p in opened:
        if pending is not None:
            p = _Open(pending.index, pending.style, pending.in_table, pending.formatting, pending.spans + p.spans,
                      list(dict.fromkeys(pending.bookmarks + p.bookmarks)), pending.tracked | p.tracked,
                      p.mark_removed)
            pending = None
        if p.mark_removed:
            pending = p
            continue
        out.append(TheirParagraph(p.index, p.style, _whole_values(p.spans), tuple(p.bookmarks), p.in_table, p.formatting,
                                  tuple(sorted(p.tracked))))
    if pending is not None:
        out.append(TheirParagraph(pending.index, pending.style, _whole_values(pending.spans), tuple(pending.bookmarks),
                                  pending.in_table, pending.formatting, tuple(sorted(pending.tracked))))
    return out
