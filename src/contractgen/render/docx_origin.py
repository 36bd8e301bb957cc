"""Clause identity inside a generated DOCX: which clause each paragraph came from, which spans are values.

Owns the carrier every generated Word file holds, invisibly, so ``contractgen compare`` can map the
other side's edited file back to the standard contract. Both the DOCX renderer (which writes it)
and the read-back (which reads it) use only what is defined here.

The carrier (chosen by test, see ``docs/docx-origin.md``):

- **Hidden bookmarks** (names starting with ``_``; Word lists them only with “Hidden bookmarks”
  ticked, and never prints them). Each contract paragraph of a unit (parties, preamble, article,
  clause, signature block, annex) is one bookmark from after its paragraph properties to its end,
  named ``_cgp_<unit>_<i>``; each filled value (or draft blank) is a bookmark around its run, named
  ``_cgv_<var>_<n>``. ``<unit>`` and ``<var>`` are the first 8 hex digits of the SHA-256 of the
  unit's id (the diff's unit key: ``@parties``, ``@preamble``, ``@signature``, an article, clause or
  annex id) and of the variable name, so a name is short (Word allows 40 characters), valid (letters,
  digits, ``_``) and still resolvable against the standard when the table below is lost; ``<i>`` is
  the paragraph's index in its unit, ``<n>`` a running number (names are unique).
- **A custom XML part** (``customXml/itemN.xml``, namespace ``ORIGIN_NS``) with the table: for each
  paragraph bookmark the unit's kind, id, version and the SHA-256 (16 hex digits) of the paragraph's
  text as generated (without its number); for each value bookmark the variable and its raw value.

Content controls (``w:sdt`` with tags) were tried and rejected: LibreOffice 7.4 drops their tags
and duplicates text of block-level ones on a round trip, and python-docx reads neither the
paragraphs of a block-level control nor the runs of an inline one.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass

ORIGIN_NS = "urn:contractgen:origin:1"
"""The root namespace of the table part; the reader finds the part by it, whatever its name."""

PARAGRAPH_PREFIX = "_cgp_"
VALUE_PREFIX = "_cgv_"
_NAME = re.compile(r"^_cg([pv])_([0-9a-f]{8})_([0-9]+)$")

CUSTOM_XML_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml"
CUSTOM_XML_PROPS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXmlProps"
CUSTOM_XML_PROPS_TYPE = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"


def short_hash(key: str) -> str:
    """The 8 hex digits standing for a unit id or variable name in a bookmark name."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]


def text_hash(text: str) -> str:
    """The fingerprint of a paragraph's text as generated (16 hex digits of its SHA-256)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def paragraph_name(unit: str, index: int) -> str:
    return f"{PARAGRAPH_PREFIX}{short_hash(unit)}_{index}"


def value_name(var: str, n: int) -> str:
    return f"{VALUE_PREFIX}{short_hash(var)}_{n}"


def parse_name(name: str) -> tuple[str, str, int] | None:
    """``("p" | "v", hash, number)`` of one of our bookmark names, else ``None``."""
    m = _NAME.match(name)
    return (m.group(1), m.group(2), int(m.group(3))) if m else None


@dataclass(frozen=True, slots=True)
class ParagraphOrigin:
    """Where one generated paragraph came from."""

    name: str
    """Its bookmark's name."""
    unit: str
    """parties | preamble | article | clause | signature | annex."""
    id: str
    """The unit's id (the diff's unit key)."""
    version: str
    index: int
    """Its index among the unit's paragraphs."""
    hash: str
    """``text_hash`` of its text as generated."""


@dataclass(frozen=True, slots=True)
class ValueOrigin:
    """One filled value (or draft blank) as generated."""

    name: str
    var: str
    raw: str


def table_xml(paragraphs: list[ParagraphOrigin], values: list[ValueOrigin], *, industry: str,
              library_version: str) -> bytes:
    """The custom XML part holding the table (deterministic: same input, same bytes)."""
    lines = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<origin xmlns="{ORIGIN_NS}" '
             f'industry={quoteattr(industry)} library={quoteattr(library_version)}>']
    lines += [f"<p name={quoteattr(p.name)} unit={quoteattr(p.unit)} id={quoteattr(p.id)} "
              f"version={quoteattr(p.version)} index=\"{p.index}\" hash=\"{p.hash}\"/>" for p in paragraphs]
    lines += [f"<v name={quoteattr(v.name)} var={quoteattr(v.var)} raw={quoteattr(v.raw)}/>" for v in values]
    lines.append("</origin>")
    return "\n".join(lines).encode("utf-8")


def props_xml(table: bytes) -> bytes:
    """The part's properties, with an item id derived from the table (never random)."""
    item = uuid.uuid5(uuid.NAMESPACE_URL, ORIGIN_NS + hashlib.sha256(table).hexdigest())
    return ('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
            f'<ds:datastoreItem ds:itemID="{{{str(item).upper()}}}" '
            'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml">'
            f'<ds:schemaRefs><ds:schemaRef ds:uri="{ORIGIN_NS}"/></ds:schemaRefs></ds:datastoreItem>').encode()


def item_rels_xml(props_target: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{CUSTOM_XML_PROPS_REL}" Target="{props_target}"/>'
            "</Relationships>").encode()


def quoteattr(data: str) -> str:
    """``xml.sax.saxutils.quoteattr``, the same text: that module imports ``urllib.request`` (~15 ms a
    cold build pays for three replacements)."""
    data = data.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
    data = data.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in data:
        return f'"{data}"'
    if "'" not in data:
        return f"'{data}'"
    return '"{}"'.format(data.replace('"', "&quot;"))
