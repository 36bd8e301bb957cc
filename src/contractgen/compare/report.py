"""The deviation report: what the other side changed against the standard, ranked for the lawyer.

Owns the ``Comparison`` model every output of ``contractgen compare`` prints, and making it: the
standard and their file become the diff's documents (``align``), ``diff.diff_docs`` compares them,
and each change becomes a ``Deviation`` of one unit — a clause changed (its CJK-granular edits),
added, deleted or moved, a filled value changed (``evaluation_days: 15 → 30``, not wording), the
parties or the signature block changed. Renumbering alone is no deviation (it is listed apart);
formatting-only changes and their comments, each with the text it is anchored to, are listed apart.

Deviations are ranked: standard terms (格式条款, a clause the library marks ``standard_term``),
then liability, penalties, dispute resolution and personal information, then the parties and the
signature block, then the rest, each group in document order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..diff import ChangeSet, Doc, Edit, Renumbered, Unit, ValueChange, diff_docs
from ..i18n import Message, msg
from ..model import Contract
from .align import ANNEX, CLOSING, STYLE_OF_ROLE, Aligned, Placed, standard_doc, their_doc, versions_of
from .reader import Returned, TheirChanges

CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    # (id — named by ``compare.category.<id>`` —, words in the unit's title or text, its article's title or id)
    ("standard-terms", ("格式条款",)),
    ("liability", ("违约责任", "责任", "赔偿", "免责", "breach", "liability")),
    ("penalty", ("违约金", "罚款", "滞纳金", "罚金", "penalty")),
    ("dispute", ("争议", "仲裁", "诉讼", "管辖", "法院", "dispute")),
    ("personal-information", ("个人信息", "隐私", "敏感信息", "数据安全", "privacy", "personal")),
    ("parties", ()),
    ("signature", ()),
    ("other", ()),
)
_RANK = {key: i for i, (key, _) in enumerate(CATEGORIES)}
# Penalties are liability too: the more specific word decides.
_DETECT_ORDER = ("standard-terms", "penalty", "liability", "dispute", "personal-information")
_WORDS = dict(CATEGORIES)


@dataclass(frozen=True, slots=True)
class Deviation:
    """One unit of theirs that differs from the standard."""

    rank: int
    """1-based position in the ranked list."""
    category: str
    """A ``CATEGORIES`` id."""
    kind: str
    """changed | value | added | deleted | moved."""
    unit: str
    """article | clause | parties | signature | title | meta | preamble | annex."""
    id: str
    """The standard's id of the unit (theirs for an added one: ``~clause-3``)."""
    number: str
    """Its number in their file (the standard's for a deleted unit)."""
    standard_number: str
    title: str
    standard_text: str
    their_text: str
    moved: bool
    edits: tuple[Edit, ...] = ()
    values: tuple[ValueChange, ...] = ()
    tracked_by: tuple[str, ...] = ()
    """Authors of the tracked changes that made it; empty when it was made without tracking."""
    change: int = -1
    """Index of the diff's change (``Comparison.changes.changes``)."""


@dataclass(frozen=True, slots=True)
class Formatting:
    """A paragraph of theirs whose look differs from the standard's (direct formatting, another style)."""

    unit: str
    number: str
    text: str
    """The paragraph's text (its beginning)."""
    what: tuple[str, ...]
    """Direct formatting found (``reader.RUN_FORMATTING``/``PARAGRAPH_FORMATTING`` keys: ``bold``, ``indent``)."""
    style: str = ""
    """Their paragraph style, when it is not the standard's."""
    expected_style: str = ""


@dataclass(frozen=True, slots=True)
class Remark:
    """One of their comments, with the text it is anchored to and where."""

    author: str
    date: str
    text: str
    anchored: str
    unit: str
    """The unit of the paragraph it is anchored in (empty if unknown)."""
    number: str
    title: str


@dataclass(frozen=True, slots=True)
class Comparison:
    """Everything ``contractgen compare`` reports."""

    standard_label: str
    their_label: str
    title: str
    policy: str
    """How their tracked changes were read: accept | reject | show."""
    deviations: tuple[Deviation, ...]
    values: tuple[ValueChange, ...]
    """Every filled value that differs."""
    renumbered: tuple[Renumbered, ...]
    formatting: tuple[Formatting, ...]
    comments: tuple[Remark, ...]
    notes: tuple[Message, ...]
    """Facts about their file worth knowing (catalog messages): ids lost, other versions, macros, links."""
    changes: ChangeSet
    """The diff's change set, standard → theirs (the DOCX redline is printed from it)."""
    carried: int
    """Their paragraphs placed by carried ids."""
    paragraphs: int
    standard: Doc
    """The standard as the diff's document (what rejecting every revision of the redline gives)."""
    theirs: Doc
    """Their file as the diff's document (what accepting every revision gives)."""

    @property
    def same(self) -> bool:
        """No deviation (exit code 0)."""
        return not self.deviations and not self.values


def compare_returned(contract: Contract, returned: Returned, *, standard_label: str, their_label: str,
                     policy: TheirChanges = "show") -> Comparison:
    """Compare their file (read by ``reader``) with the standard contract."""
    has_annexes = _has_annexes(returned)
    standard = standard_doc(contract, standard_label, annexes=has_annexes)
    aligned = their_doc(returned, standard, their_label, versions_of(contract))
    changes = diff_docs(standard, aligned.doc)
    std_all = {u.key: u for u in standard.units} | {c.key: c for u in standard.units for c in u.children}
    parent = {c.key: u for u in standard.units for c in u.children}
    attrs = {key: dict(node.attrs) for key, node in contract.clause_index.items()}
    tracked = _tracked_by_unit(aligned.placed)
    order = {}
    for i, block in enumerate(changes.blocks):
        order.setdefault(block.change, i)
    found = []
    for change in changes.changes:
        if change.kind == "metadata":
            continue  # only the id differs (a unit matched by its text): nothing printed changed
        std_key = change.old_id or change.id
        std_unit = std_all.get(std_key)
        kind = _kind(change, changes)
        category = _category(change.unit, std_unit or aligned_unit(aligned, change.id), parent.get(std_key),
                             attrs.get(std_key, {}))
        found.append((_RANK[category], order.get(change.index, 1 << 30), Deviation(
            0, category, kind, change.unit, std_key, change.new_number or change.old_number, change.old_number,
            change.title, change.old_text, change.new_text, change.moved, change.edits, change.values,
            tracked.get(change.id, ()), change.index)))
    found.sort(key=lambda item: (item[0], item[1]))
    deviations = tuple(_ranked(d, i + 1) for i, (_, _, d) in enumerate(found))
    notes = _notes(returned, aligned)
    return Comparison(standard_label, their_label, changes.title, policy, deviations, changes.values,
                      changes.renumbered, tuple(_formatting(aligned, std_all)),
                      tuple(_remarks(returned, aligned, std_all)), notes, changes, aligned.carried,
                      sum(1 for p in returned.paragraphs if p.text.strip()), standard, aligned.doc)


def _has_annexes(returned: Returned) -> bool:
    """Their file holds annexes (the contract was built with ``--bundle``): an annex heading after
    the end of the contract's text, by its carried id, its style or its words."""
    if any(o.unit == "annex" for o in returned.paragraph_origins.values()):
        return True
    texts = [p.text.strip() for p in returned.paragraphs]
    after = texts[texts.index(CLOSING) + 1:] if CLOSING in texts else []
    return any(p.style == "Annex Heading" for p in returned.paragraphs) or any(ANNEX.match(t) for t in after)


def aligned_unit(aligned: Aligned, key: str) -> Unit | None:
    for unit in aligned.doc.units:
        if unit.key == key:
            return unit
        for child in unit.children:
            if child.key == key:
                return child
    return None


def _ranked(d: Deviation, rank: int) -> Deviation:
    return replace(d, rank=rank)


def _kind(change, changes: ChangeSet) -> str:  # type: ignore[no-untyped-def]
    if change.kind == "added":
        return "added"
    if change.kind == "removed":
        return "deleted"
    if change.kind == "moved":
        return "moved"
    if change.values and _values_only(change.index, changes):
        return "value"
    return "changed"


def _values_only(index: int, changes: ChangeSet) -> bool:
    """Every inserted or deleted stretch of the unit's paragraphs is a filled value."""
    segments = [s for b in changes.blocks if b.change == index and b.status == "changed" for s in b.segments]
    whole = any(b.change == index and b.status in ("inserted", "deleted") for b in changes.blocks)
    return not whole and all(s.op == "equal" or s.style in ("value", "blank") for s in segments)


def _category(unit_type: str, unit: Unit | None, article: Unit | None, attrs: dict[str, str]) -> str:
    if unit_type == "parties":
        return "parties"
    if unit_type == "signature":
        return "signature"
    if attrs.get("standard_term") in ("true", "yes", "1"):
        return "standard-terms"
    # What the unit is called decides first (a privacy policy mentions 责任 too); then its text.
    names = " ".join(x for x in (unit.key if unit else "", unit.title if unit else "",
                                 article.key if article else "", article.title if article else "") if x)
    for haystack in (names, unit.text if unit else ""):
        for key in _DETECT_ORDER:
            if any(word in haystack for word in _WORDS[key]):
                return key
    return "other"


def _tracked_by_unit(placed: Sequence[Placed]) -> dict[str, tuple[str, ...]]:
    out: dict[str, set[str]] = {}
    for p in placed:
        if p.paragraph.tracked:
            out.setdefault(p.unit, set()).update(a or "（未署名）" for a in p.paragraph.tracked)
    return {k: tuple(sorted(v)) for k, v in out.items()}


def _formatting(aligned: Aligned, std_all: dict[str, Unit]) -> list[Formatting]:
    out = []
    for p in aligned.placed:
        # LibreOffice writes a table style's spacing into every cell's paragraphs on saving: in tables
        # only the text's own formatting tells.
        what = [] if p.paragraph.in_table else list(p.paragraph.formatting)
        what += sorted({f for s in p.paragraph.spans for f in s.formatting} - set(what))
        expected = STYLE_OF_ROLE.get(p.para.role, "")
        style = p.paragraph.style.casefold()
        other_style = bool(p.carried and expected and style and style != expected.casefold()
                           and not (p.para.role == "body" and style == "preamble"))
        if what or other_style:
            std = std_all.get(p.unit)
            out.append(Formatting(p.unit, p.para.number or (std.number if std else ""), p.paragraph.text[:40],
                                  tuple(what), p.paragraph.style if other_style else "",
                                  expected if other_style else ""))
    return out


def _remarks(returned: Returned, aligned: Aligned, std_all: dict[str, Unit]) -> list[Remark]:
    unit_of = {p.paragraph.index: p.unit for p in aligned.placed}
    out = []
    for comment in returned.comments:
        index = returned.paragraphs[comment.paragraph].index if 0 <= comment.paragraph < len(returned.paragraphs) \
            else -1
        key = unit_of.get(index, "")
        std = std_all.get(key)
        out.append(Remark(comment.author, comment.date, comment.text, comment.anchored, key,
                          std.number if std else "", std.title if std else ""))
    return out


def _notes(returned: Returned, aligned: Aligned) -> tuple[Message, ...]:
    notes: list[Message] = []
    if not aligned.carried:
        notes.append(msg("compare.note-no-ids"))
    notes += [msg("compare.note-version", id=unit_id, carried=carried, standard=standard)
              for unit_id, carried, standard in aligned.versions]
    if returned.macros:
        notes.append(msg("compare.note-macros"))
    if returned.external:
        notes.append(msg("compare.note-external", count=returned.external))
    return tuple(notes)
