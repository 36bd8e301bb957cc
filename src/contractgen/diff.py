"""Clause diffs for lawyers: the change model (``ChangeSet``) and the algorithm that makes it.

Owns what counts as a change between two versions of the clause library or of a contract, and the
redline document every output (``contractgen.redline``: text, HTML, DOCX tracked changes, JSON) is
printed from. The outputs read only the ``ChangeSet``; nothing here prints or writes files.

How two versions are compared:

1. Each side becomes a ``Doc``: units (title, parties, preamble, articles with their clauses,
   annexes) made of paragraphs of pieces, plus *facts* that are not printed (variables, industries,
   library and contract metadata) and the contract's values. A library is every clause of every
   industry, its templates compared as text with ``{{ var }}`` as one token; a contract is the
   composed ``Contract``, where a filled value stays one piece that knows its variable.
2. Units are aligned by id; then units whose id changed are paired by text similarity (difflib
   ratio ≥ ``SIMILAR``). A paired unit is *moved* when its parent changed or it is not on the longest
   common subsequence of ids among its siblings; a unit whose only change is its number is
   *unchanged* and counted as *renumbered*.
3. Inside a paired unit, paragraphs are aligned, and changed paragraphs are diffed token by token
   (``diff_tokens.tokenize``: amounts, day counts, dates, law names, names are whole tokens, other
   Chinese by words); an equal stretch of one Chinese character (or white space) between two
   changes is absorbed, so a redline shows whole phrases. A replaced value is a value change of its
   variable; a cross-reference whose only change is the number it prints is renumbering.
4. The redline document (``ChangeSet.blocks``) is NEW in order with what OLD had and NEW lacks put
   back where it was: one ``Block`` per paragraph, whole paragraphs inserted or deleted, or changed
   inside. A moved unit is deleted where it was and inserted where it is, as Word shows a move.

What a *revision* is (``Summary.revisions``, the number every output agrees on): read the redline
document in order as a stream of inserted, deleted and unchanged text, each paragraph followed by
its paragraph mark (see ``paragraph_marks``); a revision is a maximal stretch of the stream that is
all inserted, all deleted, all moved away or all moved here (a moved unit is a tracked move, not a
deletion and an insertion), where an unchanged paragraph mark between two insertions that touch it
(one ends a paragraph, the next starts the following one) does not split the stretch. That is how
LibreOffice groups tracked changes of one author and date (each is one ``text:changed-region``;
moves count as insertions and deletions), so the count is what a lawyer accepts or rejects one by
one (see ``revisions``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from . import formats
from .diff_tokens import is_cjk, is_word, tokens
from .library import AnnexDef, ArticleDef, ClauseDef, Library
from .model import Annex, Contract, Paragraph, Run

Op = Literal["equal", "delete", "insert"]
Status = Literal["equal", "changed", "inserted", "deleted"]
Kind = Literal["added", "removed", "modified", "moved", "metadata"]

SIMILAR = 0.6
"""Two units with different ids are the same unit renamed when their texts are this similar."""
PARAGRAPH_SIMILAR = 0.5
"""Two paragraphs are one paragraph changed (not one deleted, one inserted) from this similarity."""
KINDS: tuple[str, ...] = ("added", "removed", "modified", "moved", "metadata")
DOCUMENT_UNITS = frozenset({"title", "meta", "parties", "preamble", "article", "clause", "annex"})


# --- the change model ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of one paragraph of the redline: unchanged, deleted or inserted text."""

    op: Op
    text: str
    style: str = ""
    """What the text is: ``""`` wording, ``title`` a clause title, ``value`` a filled value,
    ``blank`` an unfilled one, ``ref`` a cross-reference."""


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph of the redline document."""

    role: str
    """title | meta | party | party_detail | body | heading | clause | item | annex | section."""
    status: Status
    """``inserted``/``deleted``: the whole paragraph (its mark too); ``changed``: inside only."""
    segments: tuple[Segment, ...]
    old_number: str = ""
    """The number OLD printed before it (``第三条``, ``3.2``, ``（1）``, ``附件一``); empty if none."""
    new_number: str = ""
    numbering: str = ""
    """Automatic numbering level of the paragraph: article | clause | item | annex, or empty."""
    list_key: str = ""
    """Items with the same key are one numbered list."""
    change: int = -1
    """Index in ``ChangeSet.changes`` of the change this paragraph belongs to, or -1."""
    moved: Literal["", "from", "to"] = ""
    """``from``: where a moved unit was (deleted here); ``to``: where it went (inserted here)."""

    @property
    def old_text(self) -> str:
        """The paragraph as OLD has it (empty for an inserted paragraph)."""
        return "".join(s.text for s in self.segments if s.op != "insert")

    @property
    def new_text(self) -> str:
        """The paragraph as NEW has it (empty for a deleted paragraph)."""
        return "".join(s.text for s in self.segments if s.op != "delete")

    @property
    def number(self) -> str:
        """The number to print with the paragraph: NEW's, or OLD's for a deleted paragraph."""
        return self.old_number if self.status == "deleted" else self.new_number


@dataclass(frozen=True, slots=True)
class Edit:
    """One change inside a paragraph: what was deleted and what was inserted in its place."""

    deleted: str
    inserted: str


@dataclass(frozen=True, slots=True)
class ValueChange:
    """A blank filled differently: the variable and its raw values (empty when absent)."""

    name: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class MetaChange:
    """A changed fact that is not printed (version, kind, condition, a variable's constraint…)."""

    field: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class Change:
    """One changed unit: a clause, article, annex, printed block, variable, industry or metadata."""

    index: int
    kind: Kind
    unit: str
    """article | clause | annex | title | meta | parties | preamble | variable | industry | library | contract."""
    id: str
    """NEW's id (OLD's for a removed unit)."""
    old_id: str
    """OLD's id (differs from ``id`` for a unit matched by similarity; empty for an added unit)."""
    title: str
    old_number: str
    new_number: str
    moved: bool
    old_text: str
    new_text: str
    edits: tuple[Edit, ...] = ()
    values: tuple[ValueChange, ...] = ()
    meta: tuple[MetaChange, ...] = ()

    @property
    def anchor(self) -> str:
        """The HTML anchor of the change."""
        return f"change-{self.index + 1}"


@dataclass(frozen=True, slots=True)
class Renumbered:
    """A unit whose only change is its number."""

    id: str
    old_number: str
    new_number: str


@dataclass(frozen=True, slots=True)
class Summary:
    """Counts of the change list and of the redline's revisions."""

    added: int = 0
    removed: int = 0
    modified: int = 0
    moved: int = 0
    metadata: int = 0
    unchanged: int = 0
    """Printed units (articles, clauses, annexes…) without any change, the renumbered included."""
    renumbered: int = 0
    values: int = 0
    revisions: int = 0
    """Tracked changes in the redline (see the module docstring); equals the DOCX's."""
    inserted_revisions: int = 0
    deleted_revisions: int = 0


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """Everything the outputs print: the change list, the value changes and the redline document."""

    old_label: str
    new_label: str
    mode: Literal["library", "contract"]
    title: str
    numbering: str
    """NEW's numbering scheme (decimal | chinese), for the DOCX's automatic numbers."""
    changes: tuple[Change, ...]
    values: tuple[ValueChange, ...]
    renumbered: tuple[Renumbered, ...]
    blocks: tuple[Block, ...]
    summary: Summary

    @property
    def same(self) -> bool:
        """Nothing differs (the exit code is 0)."""
        return not self.changes and not self.values and not any(b.status != "equal" for b in self.blocks)


# --- the documents compared ------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Piece:
    """A stretch of a paragraph with one origin (wording, a title, a value, a reference)."""

    text: str
    kind: str = "text"
    """text | title | value | blank | ref."""
    var: str = ""
    raw: str = ""


@dataclass(frozen=True, slots=True)
class Para:
    """One printed paragraph of a unit."""

    role: str
    pieces: tuple[Piece, ...]
    number: str = ""
    numbering: str = ""

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.pieces)


@dataclass(frozen=True, slots=True)
class Unit:
    """What is aligned and reported: a printed unit with its paragraphs, or an unprinted fact."""

    key: str
    type: str
    title: str = ""
    number: str = ""
    paras: tuple[Para, ...] = ()
    meta: tuple[tuple[str, str], ...] = ()
    children: tuple[Unit, ...] = ()

    @property
    def text(self) -> str:
        """The unit's own paragraphs (not its children's), one a line, numbers excluded."""
        return "\n".join(p.text for p in self.paras)


@dataclass(frozen=True, slots=True)
class Doc:
    """One side of a diff."""

    label: str
    mode: Literal["library", "contract"]
    title: str
    numbering: str
    units: tuple[Unit, ...]
    """Printed units in document order; articles carry their clauses as children."""
    facts: tuple[Unit, ...] = ()
    values: tuple[tuple[str, str], ...] = ()

    def lines(self) -> list[str]:
        """Every printed paragraph's text in order (what accepting or rejecting a redline gives)."""
        out: list[str] = []
        for unit in self.units:
            out += [p.text for p in unit.paras]
            for child in unit.children:
                out += [p.text for p in child.paras]
        return out


_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BREAKS = re.compile("[\t\n\r\f\v\x85\u2028\u2029]+")


def _clean(text: str) -> str:
    # One line of XML-safe text, so the DOCX holds exactly what the comparison saw.
    if text.isprintable():
        return text
    return _ILLEGAL.sub("", _BREAKS.sub(" ", text))


def _piece(run: Run) -> Piece:
    if run.kind == "text":
        return Piece(_clean(run.text))
    return Piece(_clean(run.text), run.kind, run.var or "", run.raw or "")


def _para(role: str, paragraph: Paragraph, *, numbering: str = "") -> Para:
    pieces = tuple(_piece(r) for r in paragraph.runs if r.text)
    if paragraph.number:
        return Para("item", pieces, paragraph.number, "item")
    return Para(role, pieces, "", numbering)


def _clause_paras(title: str, number: str, paragraphs: Sequence[Para]) -> tuple[Para, ...]:
    """The clause's first line is its number, title and first paragraph (as the renderers print)."""
    head: list[Piece] = [Piece(_clean(title), "title"), Piece("　")] if title else []
    rest = list(paragraphs)
    if rest and rest[0].role != "item":
        head += rest.pop(0).pieces
    elif head:
        head.pop()  # no text follows the title on its line
    return (Para("clause", tuple(head), number, "clause"), *rest)


def _meta(pairs: Iterable[tuple[str, object]]) -> tuple[tuple[str, str], ...]:
    out = []
    for key, value in pairs:
        if value is None or value == "" or value == () or value is False:
            continue
        if isinstance(value, (tuple, list, frozenset, set)):
            value = ", ".join(str(v) for v in value)
        elif value is True:
            value = "true"
        out.append((key, str(value)))
    return tuple(out)


# -- a library

_BLOCK_SPLIT = re.compile(r"\n\s*\n")
_LINE_JOIN = re.compile(r"\s*\n\s*")


def _template_paras(source: str, role: str = "body") -> list[Para]:
    """A template's paragraphs as the composer makes them: blank lines split, line breaks vanish."""
    out = []
    for block in _BLOCK_SPLIT.split(source.strip()):
        block = _LINE_JOIN.sub("", block.strip())
        if block:
            out.append(Para(role, (Piece(_clean(block)),)))
    return out


def _template_items(items: Iterable[str], numbering: str, role: str = "clause") -> list[Para]:
    out = []
    for i, item in enumerate(items, 1):
        number = f"{i}." if numbering == "chinese" else f"（{i}）"
        for j, para in enumerate(_template_paras(item, role)):
            out.append(Para("item", para.pieces, number, "item") if j == 0 else para)
    return out


def _node_meta(node: ArticleDef | ClauseDef) -> tuple[tuple[str, str], ...]:
    pairs: list[tuple[str, object]] = [
        ("version", node.version), ("kind", node.kind), ("condition", node.condition), ("group", node.group),
        ("choice", node.choice), ("default", node.default), ("excludable", node.excludable),
        ("industries", node.industries),
    ]
    if isinstance(node, ArticleDef):
        pairs.append(("generate", node.generate))
    return _meta(pairs)


def library_doc(library: Library, label: str) -> Doc:
    """The whole library as one document: every article and clause of every industry, the annexes."""
    numbering = library.numbering
    units: list[Unit] = [
        Unit("@title", "title", "标题", paras=(Para("title", (Piece(f"合同条款库：{library.name}"),)),)),
        Unit("@preamble", "preamble", "鉴于条款", paras=tuple(_template_paras(library.recital))),
    ]
    for a_i, article in enumerate(library.articles, 1):
        clauses = []
        for c_i, clause in enumerate(article.clauses, 1):
            number = formats.chinese_ordinal_paren(c_i) if numbering == "chinese" else f"{a_i}.{c_i}"
            paras = _template_paras(clause.text, "clause") + _template_items(clause.items, numbering)
            clauses.append(Unit(clause.id, "clause", clause.title, number,
                                _clause_paras(clause.title, number, paras), _node_meta(clause)))
        number = formats.article_number(a_i)
        paras = [Para("heading", (Piece(_clean(article.title)),), number, "article")]
        paras += _template_paras(article.text)
        units.append(Unit(article.id, "article", article.title, number, tuple(paras), _node_meta(article),
                          tuple(clauses)))
    for n_i, annex in enumerate(library.annexes, 1):
        units.append(_annex_unit_def(annex, formats.annex_number(n_i), numbering))
    facts = [Unit("@library", "library", "条款库", meta=_meta(
        [("name", library.name), ("version", library.version), ("numbering", library.numbering)]))]
    for v in library.variables:
        facts.append(Unit(f"variable:{v.name}", "variable", v.label, meta=_meta([
            ("type", v.type), ("label", v.label), ("description", v.description), ("default", _raw(v.default)),
            ("min", v.min), ("max", v.max), ("pattern", v.pattern), ("pattern_label", v.pattern_label),
            ("max_length", v.max_length),
            ("choices", v.choices), ("format", v.format), ("example", _raw(v.example))])))
    for ind in library.industries:
        facts.append(Unit(f"industry:{ind.id}", "industry", ind.name, meta=_meta([
            ("name", ind.name), ("title", ind.title), ("customer_role", ind.customer_role),
            ("provider_role", ind.provider_role), ("customer_type", ind.customer_type), ("annexes", ind.annexes)])))
    return Doc(label, "library", f"合同条款库：{library.name}", numbering, tuple(units), tuple(facts))


def _raw(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[no-any-return, attr-defined]
    return str(value)


def _form_paras(form: object, numbering: str) -> list[Para]:
    from .model import Form

    if not isinstance(form, Form):
        return []
    out: list[Para] = []
    if form.fields:
        out.append(Para("body", (Piece("填写项：" + "、".join(form.fields)),)))
    if form.scale:
        out.append(Para("body", (Piece("评价等级：" + "、".join(form.scale)),)))
    for group in form.groups:
        out.append(Para("section", (Piece(_clean(group.title)),)))
        for i, item in enumerate(group.items, 1):
            number = f"{i}." if numbering == "chinese" else f"（{i}）"
            out.append(Para("item", (Piece(_clean(item)),), number, "item"))
    for comment in form.comments:
        out.append(Para("body", (Piece(_clean(comment) + "："),)))
    if form.signatures:
        out.append(Para("body", (Piece("　".join(s + "：" for s in form.signatures)),)))
    return out


def _annex_unit_def(annex: AnnexDef, number: str, numbering: str) -> Unit:
    paras = [Para("annex", (Piece(_clean(annex.title)),), number, "annex")]
    paras += _template_paras(annex.intro)
    for section in annex.sections:
        paras.append(Para("section", (Piece(_clean(section.heading)),)))
        for text in section.paragraphs:
            paras += _template_paras(text)
        paras += _template_items(section.items, numbering, "body")
    paras += _form_paras(annex.form, numbering)
    meta = _meta([("version", annex.version), ("kind", annex.kind), ("industries", annex.industries)])
    return Unit(annex.id, "annex", annex.title, number, tuple(paras), meta)


# -- a contract

def contract_doc(contract: Contract, label: str) -> Doc:
    """The composed contract as printed (signature block aside: it repeats the parties)."""
    numbering = contract.library.numbering
    units = [Unit("@title", "title", "标题", paras=(Para("title", (Piece(_clean(contract.title)),)),))]
    meta_paras = []
    for label_text, var, text, raw in (
        ("合同编号：", "contract_no", contract.contract_no, contract.contract_no),
        ("签订地点：", "sign_place", contract.sign_place, contract.sign_place),
        ("签订日期：", "sign_date", contract.sign_date_text,
         contract.sign_date.isoformat() if contract.sign_date else ""),
    ):
        if text:
            meta_paras.append(Para("meta", (Piece(label_text), Piece(_clean(text), "value", var, raw))))
    if meta_paras:
        units.append(Unit("@meta", "meta", "合同信息", paras=tuple(meta_paras)))
    party_paras = []
    for party in contract.parties:
        head = f"{party.designation}（{party.label}）：" if party.label else f"{party.designation}："
        party_paras.append(Para("party", (Piece(head), _piece(party.name))))
        for name, run in party.details:
            party_paras.append(Para("party_detail", (Piece(f"{name}："), _piece(run))))
    if party_paras:
        units.append(Unit("@parties", "parties", "当事人", paras=tuple(party_paras)))
    if contract.preamble:
        units.append(Unit("@preamble", "preamble", "鉴于条款",
                          paras=tuple(_para("body", p) for p in contract.preamble)))
    for article in contract.articles:
        clauses = []
        for clause in article.clauses:
            paras = [_para("clause", p) for p in clause.paragraphs]
            clauses.append(Unit(clause.id, "clause", clause.title, clause.number,
                                _clause_paras(clause.title, clause.number, paras),
                                _meta([("version", clause.version), ("kind", clause.kind), *clause.attrs])))
        paras = [Para("heading", (Piece(_clean(article.title)),), article.number, "article")]
        paras += [_para("body", p) for p in article.paragraphs]
        units.append(Unit(article.id, "article", article.title, article.number, tuple(paras),
                          _meta([("version", article.version), ("kind", article.kind), *article.attrs]),
                          tuple(clauses)))
    for annex in contract.annexes:
        units.append(_annex_unit(annex, numbering))
    facts = (Unit("@contract", "contract", "合同", meta=_meta([
        ("industry", contract.industry), ("industry_name", contract.industry_name), ("draft", contract.draft),
        ("blanks", contract.blanks), ("library_version", contract.library.version),
        ("library_layers", contract.library.layers), ("numbering", numbering)])),)
    return Doc(label, "contract", contract.title, numbering, tuple(units), facts, contract.values)


def _annex_unit(annex: Annex, numbering: str) -> Unit:
    paras = [Para("annex", (Piece(_clean(annex.title)),), annex.number, "annex")]
    paras += [_para("body", p) for p in annex.intro]
    for section in annex.sections:
        paras.append(Para("section", (Piece(_clean(section.heading)),)))
        paras += [_para("body", p) for p in section.paragraphs]
    paras += _form_paras(annex.form, numbering)
    return Unit(annex.id, "annex", annex.title, annex.number, tuple(paras),
                _meta([("version", annex.version), ("kind", annex.kind)]))


# --- token diff inside a paragraph -----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Tok:
    key: str
    text: str
    style: str = ""
    var: str = ""
    raw: str = ""
    atomic: bool = True
    """Never split (a rule token, a value, a reference); words may be split where both sides agree."""


def _tokens(para: Para) -> list[_Tok]:
    out: list[_Tok] = []
    for piece in para.pieces:
        if piece.kind in ("text", "title"):
            style = "title" if piece.kind == "title" else ""
            out += [_Tok(t, t, style, atomic=atomic) for t, atomic in tokens(piece.text)]
        elif piece.kind == "ref":
            out.append(_Tok(piece.text, piece.text, "ref", piece.var))
        else:
            # A value is one token, never equal to the same wording typed as text.
            out.append(_Tok(f"\x00{piece.kind}\x00{piece.var}\x00{piece.text}", piece.text, piece.kind,
                            piece.var, piece.raw))
    return out


def _absorbable(run: list[_Tok]) -> bool:
    """An unchanged stretch too small to stand between two changes: one Chinese character, or spaces."""
    text = "".join(t.text for t in run)
    return (len(text) == 1 and is_cjk(text)) or (text != "" and text.isspace())


@dataclass(slots=True)
class _Region:
    equal: bool
    old: list[_Tok]
    new: list[_Tok]


def _regions(old: list[_Tok], new: list[_Tok]) -> list[_Region]:
    matcher = SequenceMatcher(None, [t.key for t in old], [t.key for t in new], autojunk=False)
    regions: list[_Region] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            regions.append(_Region(True, old[i1:i2], new[j1:j2]))
        elif regions and not regions[-1].equal:
            regions[-1].old += old[i1:i2]
            regions[-1].new += new[j1:j2]
        else:
            regions.append(_Region(False, old[i1:i2], new[j1:j2]))
    # Absorb a one-character equal between two changes: 「[-三-]十{+五+}」 reads as nonsense.
    merged: list[_Region] = []
    i = 0
    while i < len(regions):
        region = regions[i]
        if (region.equal and merged and not merged[-1].equal and i + 1 < len(regions)
                and not regions[i + 1].equal and _absorbable(region.old)):
            last, following = merged[-1], regions[i + 1]
            last.old += region.old + following.old
            last.new += region.new + following.new
            i += 2
            continue
        merged.append(region)
        i += 1
    out: list[_Region] = []
    for region in merged:
        out += [region] if region.equal else _trim(region)
    return out


def _cuts(toks: Sequence[_Tok]) -> tuple[set[int], set[int]]:
    """Token boundaries, and the positions strictly inside an atomic token (never cut there)."""
    bounds, inside = {0}, set()
    pos = 0
    for tok in toks:
        if tok.atomic:
            inside.update(range(pos + 1, pos + len(tok.text)))
        pos += len(tok.text)
        bounds.add(pos)
    return bounds, inside


def _split(toks: Sequence[_Tok], at: int) -> tuple[list[_Tok], list[_Tok]]:
    """The tokens before and after a character position (a word there is cut in two)."""
    head: list[_Tok] = []
    tail: list[_Tok] = []
    pos = 0
    for tok in toks:
        end = pos + len(tok.text)
        if end <= at:
            head.append(tok)
        elif pos >= at:
            tail.append(tok)
        else:
            a, b = tok.text[:at - pos], tok.text[at - pos:]
            head.append(_Tok(a, a, tok.style, tok.var, tok.raw, False))
            tail.append(_Tok(b, b, tok.style, tok.var, tok.raw, False))
        pos = end
    return head, tail


def _trim(region: _Region) -> list[_Region]:
    """A change without the words it starts or ends with on both sides (及时通知 → 三日内书面通知
    changes 及时 → 三日内书面, the 通知 stays): the longest common prefix and suffix, cut where no
    atomic token is split and either both sides have a token boundary, or what stays is at least
    two characters and one side has a boundary there or it is a word itself (通知 → 告知 stays
    whole: 知 alone is not worth a cut)."""
    old_text = "".join(t.text for t in region.old)
    new_text = "".join(t.text for t in region.new)
    if not old_text or not new_text or any(t.style not in ("", "title") for t in region.old + region.new):
        return [region]
    old_bounds, old_inside = _cuts(region.old)
    new_bounds, new_inside = _cuts(region.new)

    def ok(p_old: int, p_new: int, length: int, common: str) -> bool:
        if p_old in old_inside or p_new in new_inside:
            return False
        on_old, on_new = p_old in old_bounds, p_new in new_bounds
        return (on_old and on_new) or (length >= 2 and (on_old or on_new or is_word(common)))

    limit = min(len(old_text), len(new_text))
    prefix = 0
    while prefix < limit and old_text[prefix] == new_text[prefix]:
        prefix += 1
    while prefix and not ok(prefix, prefix, prefix, old_text[:prefix]):
        prefix -= 1
    suffix = 0
    while suffix < limit - prefix and old_text[-1 - suffix] == new_text[-1 - suffix]:
        suffix += 1
    while suffix and not ok(len(old_text) - suffix, len(new_text) - suffix, suffix, old_text[len(old_text) - suffix:]):
        suffix -= 1
    if not prefix and not suffix:
        return [region]
    old_head, old_rest = _split(region.old, prefix)
    new_head, new_rest = _split(region.new, prefix)
    old_mid, old_tail = _split(old_rest, len(old_text) - prefix - suffix)
    new_mid, new_tail = _split(new_rest, len(new_text) - prefix - suffix)
    out = []
    if prefix:
        out.append(_Region(True, old_head, new_head))
    out.append(_Region(False, old_mid, new_mid))
    if suffix:
        out.append(_Region(True, old_tail, new_tail))
    return out


def _segments_of(tokens: Iterable[_Tok], op: Op) -> list[Segment]:
    out: list[Segment] = []
    for tok in tokens:
        if out and out[-1].style == tok.style:
            out[-1] = Segment(op, out[-1].text + tok.text, tok.style)
        else:
            out.append(Segment(op, tok.text, tok.style))
    return out


def _join(segments: Iterable[Segment]) -> tuple[Segment, ...]:
    out: list[Segment] = []
    for seg in segments:
        if not seg.text:
            continue
        if out and out[-1].op == seg.op and out[-1].style == seg.style:
            out[-1] = Segment(seg.op, out[-1].text + seg.text, seg.style)
        else:
            out.append(seg)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class _ParaDiff:
    segments: tuple[Segment, ...]
    edits: tuple[Edit, ...]
    values: tuple[ValueChange, ...]
    refs_only: bool
    """Every change is a cross-reference printing another number for the same target."""


def diff_paragraph(old: Para, new: Para) -> _ParaDiff:
    """The token diff of two versions of one paragraph."""
    segments: list[Segment] = []
    edits: list[Edit] = []
    values: list[ValueChange] = []
    refs_only = True
    for region in _regions(_tokens(old), _tokens(new)):
        if region.equal:
            segments += _segments_of(region.new, "equal")
            continue
        segments += _segments_of(region.old, "delete") + _segments_of(region.new, "insert")
        edits.append(Edit("".join(t.text for t in region.old), "".join(t.text for t in region.new)))
        old_refs = sorted(t.var for t in region.old if t.style == "ref")
        new_refs = sorted(t.var for t in region.new if t.style == "ref")
        if not (old_refs == new_refs and len(old_refs) == len(region.old) == len(region.new)):
            refs_only = False
        old_vals = {t.var: t.raw for t in region.old if t.style in ("value", "blank") and t.var}
        for tok in region.new:
            if tok.style in ("value", "blank") and tok.var in old_vals and old_vals[tok.var] != tok.raw:
                values.append(ValueChange(tok.var, old_vals[tok.var], tok.raw))
    return _ParaDiff(_join(segments), tuple(edits), tuple(values), refs_only and bool(edits))


def _equal_segments(para: Para) -> tuple[Segment, ...]:
    return _join(Segment("equal", p.text, "" if p.kind == "text" else p.kind) for p in para.pieces)


def _whole(para: Para, op: Op) -> tuple[Segment, ...]:
    return _join(Segment(op, p.text, "" if p.kind == "text" else p.kind) for p in para.pieces)


def _ratio(a: str, b: str) -> float:
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
        return 0.0
    return matcher.ratio()


def _align_paras(old: Sequence[Para], new: Sequence[Para]) -> list[tuple[Para | None, Para | None]]:
    """Paragraph pairs in order: both (same or changed), old only (deleted), new only (inserted)."""
    keys_old = [(p.role, p.numbering, p.text) for p in old]
    keys_new = [(p.role, p.numbering, p.text) for p in new]
    out: list[tuple[Para | None, Para | None]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, keys_old, keys_new, autojunk=False).get_opcodes():
        if tag == "equal":
            out += list(zip(old[i1:i2], new[j1:j2], strict=True))
            continue
        # Pair a changed paragraph with the next new one of its kind that is similar enough.
        j = j1
        for i in range(i1, i2):
            match = None
            for k in range(j, j2):
                if (old[i].role, old[i].numbering) == (new[k].role, new[k].numbering) and (
                        i2 - i1 == j2 - j1 == 1 or _similar(old[i].text, new[k].text)):
                    match = k
                    break
            if match is None:
                out.append((old[i], None))
                continue
            out += [(None, new[k]) for k in range(j, match)]
            out.append((old[i], new[match]))
            j = match + 1
        out += [(None, new[k]) for k in range(j, j2)]
    return out


def _similar(a: str, b: str) -> bool:
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return matcher.quick_ratio() >= PARAGRAPH_SIMILAR and matcher.ratio() >= PARAGRAPH_SIMILAR


# --- aligning units ----------------------------------------------------------------------------------

def _lcs(a: Sequence[str], b: Sequence[str]) -> set[str]:
    """The items of a longest common subsequence of two sequences of distinct keys."""
    n, m = len(a), len(b)
    if a == b:
        return set(a)
    table = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        row, below = table[i], table[i + 1]
        for j in range(m - 1, -1, -1):
            row[j] = below[j + 1] + 1 if a[i] == b[j] else max(below[j], row[j + 1])
    out = set()
    i = j = 0
    while i < n and j < m:
        if a[i] == b[j]:
            out.add(a[i])
            i += 1
            j += 1
        elif table[i + 1][j] >= table[i][j + 1]:
            i += 1
        else:
            j += 1
    return out


def _pair_units(old: dict[str, Unit], new: dict[str, Unit]) -> dict[str, str]:
    """OLD key → NEW key: the same id, then the most similar texts among the rest (same type)."""
    pairs = {k: k for k in old if k in new and old[k].type == new[k].type}
    taken = set(pairs.values())
    for utype in ("article", "clause", "annex"):
        lonely_old = [u for k, u in old.items() if k not in pairs and u.type == utype]
        lonely_new = [u for k, u in new.items() if k not in taken and u.type == utype]
        candidates = []
        for o in lonely_old:
            for n in lonely_new:
                ratio = _ratio(_unit_text(o), _unit_text(n))
                if ratio >= SIMILAR:
                    candidates.append((-ratio, o.key, n.key))
        for _, o_key, n_key in sorted(candidates):
            if o_key not in pairs and n_key not in taken:
                pairs[o_key] = n_key
                taken.add(n_key)
    return pairs


def _unit_text(unit: Unit) -> str:
    return "\n".join([unit.text, *(c.text for c in unit.children)])


def _merge(old: Sequence[Unit], new: Sequence[Unit], anchors: dict[str, str]) -> list[tuple[Unit | None, Unit | None]]:
    """Both sequences in one: between two anchors, OLD's other units (deleted) before NEW's (inserted)."""
    anchored_new = set(anchors.values())
    out: list[tuple[Unit | None, Unit | None]] = []
    i = j = 0
    while i < len(old) or j < len(new):
        if i < len(old) and old[i].key not in anchors:
            out.append((old[i], None))
            i += 1
        elif j < len(new) and new[j].key not in anchored_new:
            out.append((None, new[j]))
            j += 1
        else:
            out.append((old[i], new[j]))
            i += 1
            j += 1
    return out


def _anchors(old: Sequence[Unit], new: Sequence[Unit], pairs: dict[str, str]) -> dict[str, str]:
    """The pairs among two sibling lists that keep their order (the rest moved)."""
    new_keys = {u.key for u in new}
    mapped = [pairs[u.key] for u in old if pairs.get(u.key) in new_keys]
    present = set(mapped)
    keep = _lcs(mapped, [u.key for u in new if u.key in present])
    return {u.key: pairs[u.key] for u in old if pairs.get(u.key) in keep}


# --- building the change set ---------------------------------------------------------------------

class _Builder:
    """Walks the two documents once, collecting changes and the redline's paragraphs."""

    def __init__(self, old: Doc, new: Doc) -> None:
        self.old, self.new = old, new
        self.old_all = {u.key: u for u in _flat(old.units)}
        self.new_all = {u.key: u for u in _flat(new.units)}
        self.old_parent = {c.key: u.key for u in old.units for c in u.children}
        self.new_parent = {c.key: u.key for u in new.units for c in u.children}
        self.pairs = _pair_units(self.old_all, self.new_all)
        self.back = {n: o for o, n in self.pairs.items()}
        self.changes: list[Change] = []
        self.change_of: dict[tuple[str, str], int] = {}
        self.blocks: list[Block] = []
        self.renumbered: list[Renumbered] = []
        self.unchanged = 0
        self.moved: set[str] = set()  # NEW keys of moved units
        top = _anchors(old.units, new.units, self.pairs)
        old_top, new_top = {u.key for u in old.units}, {u.key for u in new.units}
        self.moved |= {n for o, n in self.pairs.items() if o in old_top and n in new_top and o not in top}
        self.top_anchors = top
        for o_key, n_key in self.pairs.items():
            if o_key in self.old_parent and n_key in self.new_parent:
                if self.pairs.get(self.old_parent[o_key]) != self.new_parent[n_key]:
                    self.moved.add(n_key)
            elif (o_key in self.old_parent) != (n_key in self.new_parent):
                self.moved.add(n_key)
        self.child_anchors: dict[str, dict[str, str]] = {}
        for o_key, n_key in top.items():
            o_unit, n_unit = self.old_all[o_key], self.new_all[n_key]
            self.child_anchors[n_key] = self._children_anchors(o_unit, n_unit)
        for n_key, n_unit in self.new_all.items():
            if n_key in self.back and n_key not in self.child_anchors and n_unit.children:
                self.child_anchors[n_key] = self._children_anchors(self.old_all[self.back[n_key]], n_unit)

    def _children_anchors(self, o_unit: Unit, n_unit: Unit) -> dict[str, str]:
        anchors = _anchors(o_unit.children, n_unit.children, self.pairs)
        for child in n_unit.children:
            if child.key in self.back and self.back[child.key] not in anchors:
                self.moved.add(child.key)
        return anchors

    # -- walking
    def walk(self) -> None:
        for o_unit, n_unit in _merge(self.old.units, self.new.units, self.top_anchors):
            self.unit(o_unit, n_unit, parent_moved="")
            if o_unit is not None and n_unit is not None:
                anchors = self.child_anchors.get(n_unit.key, {})
                for o_child, n_child in _merge(o_unit.children, n_unit.children, anchors):
                    self.unit(o_child, n_child, parent_moved="")
            elif o_unit is not None:
                # A removed article takes its clauses with it; a moved one, to where it went.
                moved = "from" if o_unit.key in self.pairs else ""
                for child in o_unit.children:
                    self.unit(child, None, parent_moved=moved)
            elif n_unit is not None:
                moved = "to" if n_unit.key in self.back else ""
                for child in n_unit.children:
                    self.unit(None, child, parent_moved=moved)
        for o_fact, n_fact in _fact_pairs(self.old.facts, self.new.facts):
            self.fact(o_fact, n_fact)

    def unit(self, o_unit: Unit | None, n_unit: Unit | None, *, parent_moved: str) -> None:
        if o_unit is not None and n_unit is not None:
            self.paired(o_unit, n_unit)
        elif o_unit is not None:
            self.lone(o_unit, "from", parent_moved)
        elif n_unit is not None:
            self.lone(n_unit, "to", parent_moved)

    def lone(self, unit: Unit, side: Literal["from", "to"], parent_moved: str) -> None:
        """A unit on one side only at this place: added, removed, or one end of a move."""
        other_key = self.pairs.get(unit.key) if side == "from" else self.back.get(unit.key)
        status: Status = "deleted" if side == "from" else "inserted"
        op: Op = "delete" if side == "from" else "insert"
        if other_key is None:
            index = self.record_lone(unit, side)
            moved: Literal["", "from", "to"] = ""
        else:
            o_unit, n_unit = (unit, self.new_all[other_key]) if side == "from" else (self.old_all[other_key], unit)
            index = self.paired_change(o_unit, n_unit)
            moved = side if (n_unit.key in self.moved or parent_moved) else ""
        for para in unit.paras:
            number = para.number
            self.blocks.append(Block(para.role, status, _whole(para, op),
                                     old_number=number if side == "from" else "",
                                     new_number=number if side == "to" else "",
                                     numbering=para.numbering, list_key=f"{side}:{unit.key}", change=index,
                                     moved=moved))

    def record_lone(self, unit: Unit, side: str) -> int:
        key = (side, unit.key)
        if key not in self.change_of:
            kind: Kind = "removed" if side == "from" else "added"
            self.change_of[key] = self.add(Change(
                index=len(self.changes), kind=kind, unit=unit.type, id=unit.key,
                old_id=unit.key if side == "from" else "", title=unit.title or unit.key,
                old_number=unit.number if side == "from" else "", new_number=unit.number if side == "to" else "",
                moved=False, old_text=unit.text if side == "from" else "", new_text=unit.text if side == "to" else ""))
        return self.change_of[key]

    def add(self, change: Change) -> int:
        self.changes.append(change)
        return change.index

    def paired_change(self, o_unit: Unit, n_unit: Unit) -> int:
        """The change of a paired unit (computed once, even when it appears at two places)."""
        key = ("pair", n_unit.key)
        if key in self.change_of:
            return self.change_of[key]
        diffs = [(po, pn, diff_paragraph(po, pn) if po and pn and po.text != pn.text else None)
                 for po, pn in _align_paras(o_unit.paras, n_unit.paras)]
        text_changed = any(po is None or pn is None or (d is not None and not d.refs_only) for po, pn, d in diffs)
        refs_changed = any(d is not None and d.refs_only for _, _, d in diffs)
        meta = _meta_changes(o_unit, n_unit)
        moved = n_unit.key in self.moved
        edits = tuple(e for _, _, d in diffs if d is not None for e in d.edits)
        edits += tuple(Edit(po.text, "") for po, pn, _ in diffs if po is not None and pn is None)
        edits += tuple(Edit("", pn.text) for po, pn, _ in diffs if po is None and pn is not None)
        values = tuple(v for _, _, d in diffs if d is not None for v in d.values)
        kind: Kind | None = "modified" if text_changed else "moved" if moved else "metadata" if meta else None
        if kind is None:
            self.unchanged += 1
            if o_unit.number != n_unit.number or refs_changed:
                self.renumbered.append(Renumbered(n_unit.key, o_unit.number, n_unit.number))
            self.change_of[key] = -1
            return -1
        if o_unit.number != n_unit.number and not moved:
            self.renumbered.append(Renumbered(n_unit.key, o_unit.number, n_unit.number))
        self.change_of[key] = self.add(Change(
            index=len(self.changes), kind=kind, unit=n_unit.type, id=n_unit.key, old_id=o_unit.key,
            title=n_unit.title or n_unit.key, old_number=o_unit.number, new_number=n_unit.number, moved=moved,
            old_text=o_unit.text, new_text=n_unit.text, edits=edits if text_changed else (),
            values=values, meta=meta))
        return self.change_of[key]

    def paired(self, o_unit: Unit, n_unit: Unit) -> None:
        index = self.paired_change(o_unit, n_unit)
        for po, pn in _align_paras(o_unit.paras, n_unit.paras):
            if po is not None and pn is not None:
                if po.text == pn.text:
                    self.blocks.append(Block(pn.role, "equal", _equal_segments(pn), po.number, pn.number,
                                             pn.numbering, n_unit.key, index))
                else:
                    diff = diff_paragraph(po, pn)
                    self.blocks.append(Block(pn.role, "changed", diff.segments, po.number, pn.number,
                                             pn.numbering, n_unit.key, index))
            elif po is not None:
                self.blocks.append(Block(po.role, "deleted", _whole(po, "delete"), po.number, "", po.numbering,
                                         n_unit.key, index))
            elif pn is not None:
                self.blocks.append(Block(pn.role, "inserted", _whole(pn, "insert"), "", pn.number, pn.numbering,
                                         n_unit.key, index))

    def fact(self, o_fact: Unit | None, n_fact: Unit | None) -> None:
        if o_fact is not None and n_fact is not None:
            meta = _meta_changes(o_fact, n_fact)
            if meta:
                self.add(Change(index=len(self.changes), kind="metadata", unit=n_fact.type, id=n_fact.key,
                                old_id=o_fact.key, title=n_fact.title, old_number="", new_number="", moved=False,
                                old_text="", new_text="", meta=meta))
        elif o_fact is not None or n_fact is not None:
            unit = o_fact or n_fact
            assert unit is not None
            removed = o_fact is not None
            facts = tuple(MetaChange(k, v, "") if removed else MetaChange(k, "", v) for k, v in unit.meta)
            self.add(Change(index=len(self.changes), kind="removed" if removed else "added", unit=unit.type,
                            id=unit.key, old_id=unit.key if removed else "", title=unit.title, old_number="",
                            new_number="", moved=False, old_text="", new_text="", meta=facts))


def _flat(units: Iterable[Unit]) -> list[Unit]:
    out = []
    for unit in units:
        out.append(unit)
        out += unit.children
    return out


def _fact_pairs(old: Sequence[Unit], new: Sequence[Unit]) -> list[tuple[Unit | None, Unit | None]]:
    old_by = {u.key: u for u in old}
    new_by = {u.key: u for u in new}
    out: list[tuple[Unit | None, Unit | None]] = [(u, new_by.get(u.key)) for u in old]
    out += [(None, u) for u in new if u.key not in old_by]
    return out


def _meta_changes(o_unit: Unit, n_unit: Unit) -> tuple[MetaChange, ...]:
    out = []
    if o_unit.key != n_unit.key:
        out.append(MetaChange("id", o_unit.key, n_unit.key))
    old, new = dict(o_unit.meta), dict(n_unit.meta)
    for key in list(dict.fromkeys([*old, *new])):
        if old.get(key, "") != new.get(key, ""):
            out.append(MetaChange(key, old.get(key, ""), new.get(key, "")))
    return tuple(out)


def _value_changes(old: Doc, new: Doc) -> tuple[ValueChange, ...]:
    a, b = dict(old.values), dict(new.values)
    return tuple(ValueChange(k, a.get(k, ""), b.get(k, "")) for k in sorted(a.keys() | b.keys())
                 if a.get(k) != b.get(k))


# --- revisions ---------------------------------------------------------------------------------------

Mark = Literal["equal", "delete", "insert", "move-from", "move-to"]
"""A tracked change as the DOCX writes it: moved text is a move (``w:moveFrom``/``w:moveTo``)."""


def tracked(block: Block, op: Op) -> Mark:
    """How a stretch of a paragraph is tracked: moved units' text is a move, the rest as it is."""
    if op == "equal" or not block.moved:
        return op
    return "move-from" if op == "delete" else "move-to"


def paragraph_marks(blocks: Sequence[Block]) -> tuple[Mark, ...]:
    """How each paragraph's mark is tracked: inserted, deleted, moved, or unchanged.

    A wholly inserted or deleted paragraph has its own mark inserted or deleted (moved, for a moved
    unit), except at the very end: the document's last paragraph mark cannot be tracked, so a
    trailing run of such paragraphs marks the mark before each one instead (Word does the same).
    Accepting or rejecting gives the same text either way.
    """
    marks: list[Mark] = [_mark(b) for b in blocks]
    k = len(blocks)
    while k > 0 and blocks[k - 1].status in ("inserted", "deleted"):
        k -= 1
    if k < len(blocks):
        if k == 0:
            raise ValueError("a redline must start with a paragraph present in both versions")
        for i in range(k - 1, len(blocks) - 1):
            marks[i] = _mark(blocks[i + 1])
        marks[-1] = "equal"
    return tuple(marks)


def _mark(block: Block) -> Mark:
    op: Op = "insert" if block.status == "inserted" else "delete" if block.status == "deleted" else "equal"
    return tracked(block, op)


_INSERTS = ("insert", "move-to")


def revisions(blocks: Sequence[Block]) -> tuple[int, int]:
    """(inserted, deleted) revisions of the redline: maximal stretches of one kind of tracked change.

    The stream is each paragraph's text (unchanged, inserted, deleted, moved) then its mark; moved
    text is a kind of its own, never one revision with plain insertions or deletions next to it. An
    unchanged mark between text inserted at the end of one paragraph and text inserted at the
    start of the next does not split the insertion (LibreOffice, like a reader, sees one
    insertion); between deletions it does (the unchanged mark is a visible boundary in deleted text).
    Only a mark joins: unchanged text between two insertions splits them, as LibreOffice counts.
    """
    atoms: list[tuple[Mark, bool]] = []  # (kind, is a paragraph mark)
    for block, mark in zip(blocks, paragraph_marks(blocks), strict=True):
        atoms += [(tracked(block, s.op), False) for s in block.segments if s.text]
        atoms.append((mark, True))
    counts = {"insert": 0, "delete": 0}
    previous: Mark = "equal"
    for i, (atom, is_mark) in enumerate(atoms):
        if atom == "equal" and is_mark and previous in _INSERTS and i + 1 < len(atoms) \
                and atoms[i + 1][0] == previous:
            continue  # a paragraph mark inside one insertion
        if atom != "equal" and atom != previous:
            counts["insert" if atom in _INSERTS else "delete"] += 1
        previous = atom
    return counts["insert"], counts["delete"]


# --- the entry points ---------------------------------------------------------------------------------

def diff_docs(old: Doc, new: Doc) -> ChangeSet:
    """Compare two documents of the same mode."""
    builder = _Builder(old, new)
    builder.walk()
    changes = tuple(builder.changes)
    blocks = tuple(builder.blocks)
    values = _value_changes(old, new)
    # Blanks outside the declared variables (the parties, the contract number) count as values too.
    seen = {v.name for v in values}
    extra = {v.name: v for c in changes for v in c.values if v.name not in seen}
    values = tuple(sorted((*values, *extra.values()), key=lambda v: v.name))
    inserted, deleted = revisions(blocks)
    counts = {kind: sum(1 for c in changes if c.kind == kind) for kind in KINDS}
    summary = Summary(**counts, unchanged=builder.unchanged, renumbered=len(builder.renumbered),
                      values=len(values), revisions=inserted + deleted, inserted_revisions=inserted,
                      deleted_revisions=deleted)
    return ChangeSet(old.label, new.label, new.mode, new.title, new.numbering, changes, values,
                     tuple(builder.renumbered), blocks, summary)


def diff_libraries(old: Library, new: Library, old_label: str = "OLD", new_label: str = "NEW") -> ChangeSet:
    """Compare two clause libraries: every clause of every industry, the annexes, the declarations."""
    return diff_docs(library_doc(old, old_label), library_doc(new, new_label))


def diff_contracts(old: Contract, new: Contract, old_label: str = "OLD", new_label: str = "NEW") -> ChangeSet:
    """Compare two composed contracts."""
    return diff_docs(contract_doc(old, old_label), contract_doc(new, new_label))


__all__ = [
    "Block", "Change", "ChangeSet", "Doc", "Edit", "MetaChange", "Renumbered", "Segment", "Summary", "ValueChange",
    "contract_doc", "diff_contracts", "diff_docs", "diff_libraries", "diff_paragraph", "library_doc",
    "paragraph_marks", "revisions", "tracked",
]
