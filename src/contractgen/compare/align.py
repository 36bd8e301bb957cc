"""Mapping their paragraphs back to the standard's clauses: the diff's document of their file.

Owns deciding which unit of the standard (article, clause, parties, signature block…) each of
their paragraphs belongs to, where its number, title and filled values are, and what each value's
raw value is, so ``diff.diff_docs`` compares the standard with theirs unit by unit. Both sides
are made the way the diff makes a composed contract (``diff.contract_doc``), with the signature
block added and the unprinted facts left out (their file has none).

Which unit a paragraph belongs to:

1. **Carried ids** — a paragraph holding one of our bookmarks (``render.docx_origin``) belongs to
   the unit the bookmark names (through the origin table, or the hashed id when the table is gone),
   wherever it now stands: a clause moved to another article is a move, not a deletion.
2. **Alignment** otherwise — by structure and text, as a reader would: an article heading
   (``第三条　服务评价``) starts an article, matched to the standard's by its title; a clause number
   (``3.2`` or ``（二）``) starts a clause, matched by its title, else by its place if the text is
   similar; anything else continues the unit before it. A unit matched to nothing gets a key of its
   own (``~article-2``), and the diff pairs it with a standard unit by text similarity or reports it
   as added.

A filled value is the span of our value bookmark; where that is gone, the standard paragraph's value
is found in theirs by aligning the two texts around it (``project_values``). Its raw value is read
back through the value's format (amounts, dates, counts in Chinese numerals), so ``15日 → 30日``
becomes ``evaluation_days: 15 → 30``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher

from .. import formats, values
from ..diff import Doc, Para, Piece, Unit, _align_paras, _annex_unit, contract_doc
from ..model import Contract
from ..render import docx_origin as origin
from ..render._common import acknowledgement_lines, signature_rows
from .reader import Returned, TheirParagraph

CLOSING = "（以下无正文）"
_CN = "零〇一二两三四五六七八九十百千"
_ARTICLE = re.compile(rf"^(第[{_CN}]+条)[\s　]*(.*)$", re.S)
ANNEX = re.compile(rf"^(附件[{_CN}]+)[：:]\s*(.*)$", re.S)
_CLAUSE = {"decimal": re.compile(r"^(\d+\.\d+)[\s　]*(.*)$", re.S),
           "chinese": re.compile(rf"^(（[{_CN}]+）)[\s　]*(.*)$", re.S)}
_ITEM = {"decimal": re.compile(r"^(（\d+）)[\s　]?(.*)$", re.S),
         "chinese": re.compile(r"^(\d+\.)[\s　]?(.*)$", re.S)}
_SECTION = re.compile(rf"^[{_CN}]+、")
_META = re.compile(r"(合同编号|签订地点|签订日期)[：:]")
META_VARS = {"合同编号": "contract_no", "签订地点": "sign_place", "签订日期": "sign_date"}
_PARTY = re.compile(r"^(甲方|乙方)")
_DETAIL = re.compile(r"^[^：:，。；]{1,12}[：:]")

STYLE_OF_ROLE = {"title": "Title", "meta": "Contract Meta", "party": "Party", "party_detail": "Party Detail",
                 "body": "Body Text", "heading": "Heading 1", "clause": "Clause", "item": "Item",
                 "signature": "Signature", "annex": "Annex Heading", "section": "Heading 2"}
"""The style the renderer gives each role: another style on a carried paragraph is a formatting change."""


# --- the standard --------------------------------------------------------------------------------------

def standard_doc(contract: Contract, label: str, *, annexes: bool = False) -> Doc:
    """The standard as the diff's document: printed units without their unprinted facts, the
    signature block after the articles, the annexes only when their file has them too."""
    doc = contract_doc(contract, label)
    # An annex's form is printed as tables of fixed labels and boxes, not as the diff's paragraphs
    # about it: the annex is compared without it (their form tables are passed over, ``run``).
    forms = {a.id: _annex_unit(replace(a, form=None), doc.numbering) for a in contract.annexes}
    units = [replace(forms.get(u.key, u) if u.type == "annex" else u, meta=(),
                     children=tuple(replace(c, meta=()) for c in u.children))
             for u in doc.units if annexes or u.type != "annex"]
    signature = _signature_unit(contract)
    if signature is not None:
        last = max((i for i, u in enumerate(units) if u.type != "annex"), default=len(units) - 1)
        units.insert(last + 1, signature)
    return replace(doc, units=tuple(units), facts=())


def _signature_unit(contract: Contract) -> Unit | None:
    # A consumer's acknowledgement of the bold terms is running text; its signature line and the
    # parties' are signature lines.
    paras = [Para("body", (Piece(p.text),)) for p in contract.acknowledgement]
    if contract.acknowledgement:
        paras.append(Para("signature", (Piece("　　　　　　".join(f"{x.label}：{x.value}"
                                                              for x in acknowledgement_lines(contract))),)))
    paras += [Para("signature", (Piece(f"{line.label}：{line.value}"),))
              for row in signature_rows(contract) for line in row if line is not None]
    return Unit("@signature", "signature", "签署栏", paras=tuple(paras)) if paras else None


# --- their file -----------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Placed:
    """One of their paragraphs, placed in a unit."""

    paragraph: TheirParagraph
    unit: str
    """The unit key it belongs to."""
    para: Para
    carried: bool
    """Placed by a carried id (not by alignment)."""


@dataclass(frozen=True, slots=True)
class Aligned:
    """Their file as the diff's document, and where each of their paragraphs went."""

    doc: Doc
    placed: tuple[Placed, ...]
    carried: int
    """How many paragraphs were placed by carried ids."""
    versions: tuple[tuple[str, str, str], ...]
    """(unit id, version carried, version in the standard) where the two differ."""


@dataclass(slots=True)
class _Building:
    """A unit being collected from their paragraphs."""

    key: str
    type: str
    title: str = ""
    number: str = ""
    paras: list[Para] = field(default_factory=list)
    children: list[_Building] = field(default_factory=list)

    def unit(self) -> Unit:
        return Unit(self.key, self.type, self.title, self.number, tuple(self.paras),
                    children=tuple(c.unit() for c in self.children))


def their_doc(returned: Returned, standard: Doc, label: str, versions: dict[str, str]) -> Aligned:
    """Their paragraphs as the diff's document, units keyed like the standard's where they match;
    ``versions`` are the standard's article, clause and annex versions by id."""
    return _Aligner(returned, standard, versions).run(label)


def versions_of(contract: Contract) -> dict[str, str]:
    """Every article's, clause's and annex's version by id."""
    out = {key: unit.version for key, unit in contract.clause_index.items()}
    out.update({annex.id: annex.version for annex in contract.annexes})
    return out


class _Aligner:
    def __init__(self, returned: Returned, standard: Doc, versions: dict[str, str]) -> None:
        self.returned = returned
        self.standard = standard
        self.std_versions = versions
        self.scheme = standard.numbering if standard.numbering in _CLAUSE else "decimal"
        self.std_units = {u.key: u for u in standard.units}
        self.std_all = {**self.std_units, **{c.key: c for u in standard.units for c in u.children}}
        self.parent_of = {c.key: u.key for u in standard.units for c in u.children}
        self.by_hash = {origin.short_hash(k): k for k in self.std_all}
        self.std_values: dict[str, Piece] = {}
        for unit in self.std_all.values():
            for para in unit.paras:
                for piece in para.pieces:
                    if piece.kind in ("value", "blank"):
                        self.std_values.setdefault(piece.var, piece)
        self.var_of_hash = {origin.short_hash(var): var for var in self.std_values}
        self.used: set[str] = set()
        self.by_key: dict[str, _Building] = {}
        self.units: list[_Building] = []
        self.article: _Building | None = None
        self.current: _Building | None = None
        self.placed: list[Placed] = []
        self.fresh: dict[str, int] = {}
        self.carried = 0
        self.versions: dict[str, tuple[str, str, str]] = {}

    # -- the walk
    def run(self, label: str) -> Aligned:
        closed = False
        for p in self.returned.paragraphs:
            text = p.text.strip()
            if not text:
                continue
            carried = self.carried_unit(p)
            if carried is None and p.in_table and self.current is not None and self.current.type == "annex":
                continue  # a cell of the annex's form
            if carried is not None:
                key, index = carried
                self.carried += 1
                self.place_carried(p, key, index)
                continue
            if text == CLOSING:
                closed = True
                self.current = self.article = None
                continue
            closed = self.place_aligned(p, text, closed)
        units = [b.unit() for b in self.units]
        units = [replace(u, paras=tuple(self.with_values(u.key, u.paras)),
                         children=tuple(replace(c, paras=tuple(self.with_values(c.key, c.paras))) for c in u.children))
                 for u in units]
        values = dict(self.standard.values)
        for unit in units:
            for piece in (pc for u in (unit, *unit.children) for para in u.paras for pc in para.pieces):
                if piece.kind == "value" and piece.var in values and piece.raw != values[piece.var]:
                    values[piece.var] = piece.raw
        doc = Doc(label, "contract", _title(units, self.standard.title), self.standard.numbering, tuple(units),
                  (), tuple(sorted(values.items())))
        return Aligned(doc, tuple(self.placed), self.carried, tuple(self.versions.values()))

    def carried_unit(self, p: TheirParagraph) -> tuple[str, int] | None:
        for name in p.bookmarks:
            known = self.returned.paragraph_origins.get(name)
            if known is not None:
                std_version = self.std_versions.get(known.id, "")
                if known.version and std_version and std_version != known.version:
                    self.versions[known.id] = (known.id, known.version, std_version)
                return known.id, known.index
            parsed = origin.parse_name(name)
            if parsed is not None and parsed[1] in self.by_hash:
                return self.by_hash[parsed[1]], parsed[2]
        return None

    # -- placing a paragraph
    def building(self, key: str, utype: str, *, child: bool) -> _Building:
        """The unit ``key`` (continued if it is the current one, else started)."""
        if self.current is not None and self.current.key == key:
            return self.current
        if key in self.by_key:
            # A unit seen before, further away: its paragraphs stay one unit (the diff needs unique keys).
            self.current = self.by_key[key]
            if utype == "article":
                self.article = self.current
            return self.current
        std = self.std_all.get(key)
        unit = _Building(key, utype, std.title if std is not None else "")
        self.used.add(key)
        self.by_key[key] = unit
        if child and self.article is not None:
            self.article.children.append(unit)
        else:
            self.units.append(unit)
            self.article = unit if utype == "article" else None
        self.current = unit
        return unit

    def place_carried(self, p: TheirParagraph, key: str, index: int) -> None:
        std = self.std_all.get(key)
        utype = std.type if std is not None else _type_of_key(key)
        unit = self.building(key, utype, child=utype == "clause")
        role = std.paras[index].role if std is not None and index < len(std.paras) else ""
        para = self.parse(p, unit, role or self.role_for(unit, p.text.strip()))
        self.add(p, unit, para, carried=True)

    def place_aligned(self, p: TheirParagraph, text: str, closed: bool) -> bool:
        """Place a paragraph without a carried id; whether the signature block goes on."""
        annex = ANNEX.match(text)
        in_annexes = self.current is not None and self.current.type == "annex"
        if annex and len(text) <= 40 and (closed or in_annexes):
            key = self.match_unit("annex", annex.group(2).strip())
            unit = self.building(key, "annex", child=False)
            self.add(p, unit, self.parse(p, unit, "annex"), carried=False)
            return False
        if in_annexes:
            assert self.current is not None
            self.add(p, self.current, self.parse(p, self.current, self.role_for(self.current, text)), carried=False)
            return False
        if closed:
            unit = self.building("@signature", "signature", child=False)
            role = "body" if "。" in text else "signature"  # the acknowledgement is sentences, 甲方（盖章）：… is not
            self.add(p, unit, Para(role, _pieces(p, text)), carried=False)
            return True
        heading = _ARTICLE.match(text)
        if heading and len(heading.group(2)) <= 40:
            key = self.match_unit("article", heading.group(2).strip())
            unit = self.building(key, "article", child=False)
            self.add(p, unit, self.parse(p, unit, "heading"), carried=False)
            return False
        clause = _CLAUSE[self.scheme].match(text)
        if clause and self.article is not None:
            key = self.match_clause(clause.group(1), clause.group(2))
            unit = self.building(key, "clause", child=True)
            self.add(p, unit, self.parse(p, unit, "clause"), carried=False)
            return False
        if self.article is None:
            self.place_front(p, text)
            return False
        unit = self.current if self.current is not None else self.article
        self.add(p, unit, self.parse(p, unit, self.role_for(unit, text)), carried=False)
        return False

    def place_front(self, p: TheirParagraph, text: str) -> None:
        """Before the first article: the title, the cover block, the parties, the preamble."""
        current = self.current.type if self.current is not None else ""
        if not self.units:
            self.add(p, self.building("@title", "title", child=False), Para("title", _pieces(p, text)),
                     carried=False)
        elif _META.match(text) and current in ("title", "meta"):
            unit = self.building("@meta", "meta", child=False)
            for para in _meta_paras(text):
                self.add(p, unit, para, carried=False)
        elif _PARTY.match(text) and current in ("title", "meta", "parties"):
            self.add(p, self.building("@parties", "parties", child=False), Para("party", _pieces(p, text)),
                     carried=False)
        elif current == "parties" and (_DETAIL.match(text) or p.style == "Party Detail"):
            self.add(p, self.building("@parties", "parties", child=False), Para("party_detail", _pieces(p, text)),
                     carried=False)
        else:
            self.add(p, self.building("@preamble", "preamble", child=False), Para("body", _pieces(p, text)),
                     carried=False)

    def units_of(self, utype: str) -> bool:
        return any(u.type == utype for u in self.units)

    def add(self, p: TheirParagraph, unit: _Building, para: Para, *, carried: bool) -> None:
        if para.numbering in ("article", "annex") and para.number:
            unit.number = para.number
            unit.title = para.text
        elif para.numbering == "clause" and para.number:
            unit.number = para.number
        unit.paras.append(para)
        self.placed.append(Placed(p, unit.key, para, carried))

    def role_for(self, unit: _Building, text: str) -> str:
        if _ITEM[self.scheme].match(text):
            return "item"
        if unit.type == "annex" and _SECTION.match(text) and len(text) <= 40:
            return "section"
        return {"clause": "clause", "article": "body", "parties": "party_detail", "annex": "body",
                "signature": "signature", "title": "title", "meta": "meta"}.get(unit.type, "body")

    # -- matching units without carried ids
    def fresh_key(self, utype: str) -> str:
        self.fresh[utype] = self.fresh.get(utype, 0) + 1
        return f"~{utype}-{self.fresh[utype]}"

    def match_unit(self, utype: str, title: str) -> str:
        for unit in self.standard.units:
            if unit.type == utype and unit.key not in self.used and unit.title == title:
                return unit.key
        return self.fresh_key(utype)

    def match_clause(self, number: str, rest: str) -> str:
        article = self.article
        siblings = list(self.std_units[article.key].children) if article and article.key in self.std_units else []
        others = [c for u in self.standard.units for c in u.children]
        for pool in (siblings, others):
            for clause in pool:
                if clause.key not in self.used and clause.title and rest.startswith(clause.title):
                    return clause.key
        # By its place in the article, if the text is close enough to be the same clause reworded.
        place = number.split(".")[-1] if "." in number else number
        for clause in siblings:
            mine = clause.number.split(".")[-1] if "." in clause.number else clause.number
            first = clause.paras[0].text if clause.paras else ""
            if clause.key not in self.used and mine == place and _similar(first, rest, 0.5):
                return clause.key
        return self.fresh_key("clause")

    # -- a paragraph's number, title and pieces
    def parse(self, p: TheirParagraph, unit: _Building, role: str) -> Para:
        text = p.text.strip()
        if role == "heading":
            m = _ARTICLE.match(text)
            number, title = (m.group(1), m.group(2).strip()) if m else ("", text)
            return Para("heading", (Piece(title),), number, "article")
        if role == "annex":
            m = ANNEX.match(text)
            number, title = (m.group(1), m.group(2).strip()) if m else ("", text)
            return Para("annex", (Piece(title),), number, "annex")
        if role == "clause" and unit.type == "clause" and not unit.paras:
            m = _CLAUSE[self.scheme].match(text)
            number = m.group(1) if m else ""
            pieces = _pieces(p, m.group(2) if m else text)
            std = self.std_all.get(unit.key)
            return Para("clause", _with_title(pieces, p, std.title if std is not None else ""), number, "clause")
        if role == "item":
            m = _ITEM[self.scheme].match(text)
            if m:
                return Para("item", _pieces(p, m.group(2)), m.group(1), "item")
        if role == "meta":
            return Para("meta", _pieces(p, text))
        return Para(role or "body", _pieces(p, text))

    # -- values
    def with_values(self, key: str, paras: Sequence[Para]) -> list[Para]:
        """Their paragraphs with every value named: bookmarked spans, else found by alignment."""
        std = self.std_all.get(key)
        named = [self.named(para) for para in paras]
        if std is None:
            return named
        out = list(named)
        position = {id(p): i for i, p in enumerate(named)}
        for std_para, their_para in _align_paras(std.paras, named):
            if std_para is not None and their_para is not None:
                out[position[id(their_para)]] = project_values(std_para, their_para)
        return out

    def named(self, para: Para) -> Para:
        """Value pieces named by the origin table (variable, raw value read back)."""
        pieces = []
        for piece in para.pieces:
            if piece.kind == "value" and not piece.var:
                known = self.returned.value_origins.get(piece.raw)
                parsed = origin.parse_name(piece.raw)
                var = known.var if known is not None else self.var_of_hash.get(parsed[1] if parsed else "", "")
                if var:
                    pieces.append(Piece(piece.text, "value", var, self.raw(var, piece.text)))
                    continue
                piece = Piece(piece.text)
            pieces.append(piece)
        return replace(para, pieces=_merge_text(pieces))

    def raw(self, var: str, text: str) -> str:
        std = self.std_values.get(var)
        return raw_value(std.text, std.raw, text) if std is not None and std.kind == "value" else text


def _type_of_key(key: str) -> str:
    return {"@parties": "parties", "@preamble": "preamble", "@signature": "signature", "@title": "title",
            "@meta": "meta"}.get(key, "clause" if "." in key else "article")


def _title(units: Sequence[Unit], default: str) -> str:
    for unit in units:
        if unit.type == "title" and unit.paras:
            return unit.paras[0].text
    return default


def _similar(a: str, b: str, threshold: float) -> bool:
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return matcher.quick_ratio() >= threshold and matcher.ratio() >= threshold


# --- pieces ------------------------------------------------------------------------------------------

def _pieces(p: TheirParagraph, text: str) -> tuple[Piece, ...]:
    """The paragraph's last ``len(text)`` characters as pieces: value-bookmarked spans as value pieces
    (named later, ``raw`` holding the bookmark's name), the rest as text. Leading and trailing white
    space of the paragraph is dropped, as ``text`` was stripped."""
    full = p.text
    end = len(full.rstrip())
    start = end - len(text.strip()) if text.strip() else end
    pieces: list[Piece] = []
    pos = 0
    for span in p.spans:
        a, b = max(pos, start), min(pos + len(span.text), end)
        if a < b:
            chunk = full[a:b]
            pieces.append(Piece(chunk, "value", "", span.value) if span.value else Piece(chunk))
        pos += len(span.text)
    return _merge_text(pieces)


def _merge_text(pieces: Sequence[Piece]) -> tuple[Piece, ...]:
    out: list[Piece] = []
    for piece in pieces:
        if not piece.text:
            continue
        if out and piece.kind == "text" and out[-1].kind == "text":
            out[-1] = Piece(out[-1].text + piece.text)
        else:
            out.append(piece)
    return tuple(out)


def _with_title(pieces: tuple[Piece, ...], p: TheirParagraph, title: str) -> tuple[Piece, ...]:
    """A clause's first line with its title as a title piece (their ``Clause Title`` span, else the
    standard's title where their text starts with it)."""
    styled = next((s.text for s in p.spans if s.style == "Clause Title" and s.text.strip()), "")
    head = styled.strip() or title
    if not head or not pieces or pieces[0].kind != "text" or not pieces[0].text.startswith(head):
        return pieces
    rest = pieces[0].text[len(head):]
    out = [Piece(head, "title")]
    if rest.startswith(("　", " ")):
        out.append(Piece("　"))
        rest = rest[1:]
    return _merge_text([*out, Piece(rest), *pieces[1:]])


def _meta_paras(text: str) -> list[Para]:
    """``签订地点：X　签订日期：Y`` as the diff's meta paragraphs, one per label."""
    out = []
    marks = list(_META.finditer(text))
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        value = text[m.end():end].strip("　 \t")
        label = m.group(1)
        raw = value
        if label == "签订日期":
            raw = _iso_date(value) or value
        out.append(Para("meta", (Piece(f"{label}："), Piece(value, "value", META_VARS[label], raw))))
    return out


def project_values(std: Para, theirs: Para) -> Para:
    """Their paragraph with the standard's values found in it where no bookmark named them.

    The two texts are aligned character by character; a value of the standard whose neighbours
    (the character before it, the one after it, or the paragraph's ends) are unchanged in theirs
    is the text between those neighbours there, and becomes a value piece of the same variable.
    """
    known = {p.var for p in theirs.pieces if p.kind == "value"}
    wanted = []
    pos = 0
    for piece in std.pieces:
        if piece.kind == "value" and piece.var not in known:
            wanted.append((pos, pos + len(piece.text), piece))
        pos += len(piece.text)
    if not wanted:
        return theirs
    a, b = std.text, theirs.text
    blocks = SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
    taken = [False] * len(b)
    cursor = 0
    for piece in theirs.pieces:
        if piece.kind != "text":
            for k in range(cursor, cursor + len(piece.text)):
                taken[k] = True
        cursor += len(piece.text)
    cuts: list[tuple[int, int, Piece]] = []
    for start, end, piece in wanted:
        their_start = 0 if start == 0 else _map_after(blocks, start - 1)
        their_end = len(b) if end == len(a) else _map_at(blocks, end)
        if their_start is None or their_end is None or their_start > their_end:
            continue
        if any(taken[their_start:their_end]) or any(c[0] < their_end and their_start < c[1] for c in cuts):
            continue
        text = b[their_start:their_end]
        if text:
            cuts.append((their_start, their_end, Piece(text, "value", piece.var, raw_value(piece.text, piece.raw, text))))
    if not cuts:
        return theirs
    return replace(theirs, pieces=_cut(theirs.pieces, sorted(cuts, key=lambda c: c[0])))


def _map_after(blocks: Sequence, i: int) -> int | None:
    """Where the character just after ``a[i]`` is in ``b``, if ``a[i]`` is matched."""
    for block in blocks:
        if block.a <= i < block.a + block.size:
            return block.b + (i - block.a) + 1
    return None


def _map_at(blocks: Sequence, i: int) -> int | None:
    """Where ``a[i]`` is in ``b``, if it is matched."""
    for block in blocks:
        if block.a <= i < block.a + block.size:
            return block.b + (i - block.a)
    return None


def _cut(pieces: Sequence[Piece], cuts: Sequence[tuple[int, int, Piece]]) -> tuple[Piece, ...]:
    out: list[Piece] = []
    pos = 0
    for piece in pieces:
        end = pos + len(piece.text)
        if piece.kind != "text":
            out.append(piece)
            pos = end
            continue
        cursor = pos
        for a, b, value in cuts:
            if a >= pos and b <= end:
                out.append(Piece(piece.text[cursor - pos:a - pos]))
                out.append(value)
                cursor = b
        out.append(Piece(piece.text[cursor - pos:]))
        pos = end
    return _merge_text(out)


# --- raw values ---------------------------------------------------------------------------------------

_MONEY = re.compile(r"([0-9][0-9,，]*(?:\.[0-9]+)?)\s*(万元|元)")
_YUAN_SIGN = re.compile(r"[¥￥]\s*([0-9][0-9,，]*(?:\.[0-9]+)?)")
_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_COUNTS = {formats.chinese_count(n): n for n in range(1, 1000)} | {formats.chinese_number(n): n for n in range(1, 1000)}


def _their_amount(text: str) -> Decimal | None:
    """The amount their text states: words and figures as the contract prints them, else the figures
    alone (a lawyer who changed only ``¥10,000.00`` meant the figure), else ``12,000元`` / ``1.2万元``."""
    try:
        amount = values.to_money(text)
    except values.WordsDisagree as exc:
        return exc.figure
    if amount is not None:
        return amount
    m = _YUAN_SIGN.search(text) or _MONEY.search(text)
    if m is None:
        return None
    amount = Decimal(m.group(1).replace(",", "").replace("，", ""))
    return amount * 10000 if m.lastindex == 2 and m.group(2) == "万元" else amount


def raw_value(std_text: str, std_raw: str, text: str) -> str:
    """Their raw value, read back through the format the standard's value was printed in."""
    if text == std_text:
        return std_raw
    if std_text == std_raw:
        return text
    try:
        if std_text == formats.format_money(Decimal(std_raw.replace(",", ""))):
            amount = _their_amount(text)
            if amount is not None:
                return _plain_decimal(amount)
    except (InvalidOperation, ValueError, ArithmeticError):
        pass
    if std_raw.isdigit() and std_text in _COUNTS and _COUNTS[std_text] == int(std_raw) and text in _COUNTS:
        return str(_COUNTS[text])
    iso = _iso_date(text)
    if iso and _iso_date(std_text) == std_raw:
        return iso
    if std_raw and std_raw in std_text:
        head, tail = std_text.split(std_raw, 1)
        if text.startswith(head) and text.endswith(tail) and len(text) > len(head) + len(tail):
            return text[len(head):len(text) - len(tail)]
    return text


def _plain_decimal(amount: Decimal) -> str:
    if amount == amount.to_integral_value():
        return str(int(amount))
    return format(amount.normalize(), "f")


def _iso_date(text: str) -> str:
    m = _DATE.match(text.strip())
    if not m:
        return ""
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return ""
