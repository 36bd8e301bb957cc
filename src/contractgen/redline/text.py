"""The text output: the change list with ``[-deleted-]{+inserted+}`` redlines and a summary line.

Coloured for a terminal (deletions red, insertions blue, through ``click.style``), plain otherwise;
the markers are there either way, so the plain text reads the same.
"""

from __future__ import annotations

import click

from ..diff import Block, Change, ChangeSet, Segment, Summary
from ..i18n import msg, text

KINDS = ("added", "removed", "modified", "moved", "metadata")
_KIND_COLORS = {"added": "blue", "removed": "red", "modified": "yellow", "moved": "magenta", "metadata": "cyan"}


def render(changes: ChangeSet, *, color: bool = False) -> str:
    """The whole text output."""
    def style(text: str, **kw: object) -> str:
        return click.style(text, **kw) if color else text  # type: ignore[arg-type]

    lines = [style(f"--- {changes.old_label}", fg="red"), style(f"+++ {changes.new_label}", fg="blue")]
    by_change: dict[int, list[Block]] = {}
    for block in changes.blocks:
        if block.change >= 0 and block.status != "equal":
            by_change.setdefault(block.change, []).append(block)
    for change in changes.changes:
        lines.append("")
        lines.append(style(f"{text(f'diff.kind.{change.kind}'):<9}", fg=_KIND_COLORS[change.kind], bold=True)
                     + " " + _heading(change))
        lines += _body(change, by_change.get(change.index, []), style)
    if changes.values:
        lines.append("")
        lines.append(style(text("diff.values-heading"), bold=True))
        for value in changes.values:
            lines.append(f"  {value.name}: {value.old or '（无）'} → {value.new or '（无）'}")
    lines.append("")
    lines.append(summary_line(changes.summary))
    return "\n".join(lines) + "\n"


def _heading(change: Change) -> str:
    numbers = change.new_number or change.old_number
    if change.old_number and change.new_number and change.old_number != change.new_number:
        numbers = f"{change.old_number} → {change.new_number}"
    ident = change.id if change.old_id in ("", change.id) else f"{change.old_id} → {change.id}"
    return " ".join(p for p in (change.unit, ident, numbers, change.title if change.title != change.id else "") if p)


def _body(change: Change, blocks: list[Block], style) -> list[str]:  # type: ignore[no-untyped-def]
    out: list[str] = []
    if change.kind in ("added", "removed") or (change.kind == "modified" and not change.moved):
        out += ["  " + (b.number + " " if b.number else "") + redline(b.segments, style) for b in blocks]
    elif change.kind == "modified":
        out += ["  " + redline((Segment("delete", e.deleted), Segment("insert", e.inserted)), style)
                for e in change.edits]
    if change.moved:
        out.append(text("diff.moved-line", old=change.old_number or change.old_id, new=change.new_number or change.id))
    for value in change.values:
        out.append(text("diff.value-line", name=value.name, old=value.old or "（无）", new=value.new or "（无）"))
    for meta in change.meta:
        out.append(f"  {meta.field}: {meta.old or '（无）'} → {meta.new or '（无）'}")
    return out


def redline(segments: tuple[Segment, ...] | list[Segment], style=None) -> str:  # type: ignore[no-untyped-def]
    """Segments as ``text[-deleted-]{+inserted+}``."""
    parts = []
    for seg in segments:
        if not seg.text:
            continue
        if seg.op == "delete":
            text = f"[-{seg.text}-]"
            parts.append(style(text, fg="red", strikethrough=True) if style else text)
        elif seg.op == "insert":
            text = f"{{+{seg.text}+}}"
            parts.append(style(text, fg="blue", underline=True) if style else text)
        else:
            parts.append(seg.text)
    return "".join(parts)


def summary_line(summary: Summary) -> str:
    """``2 modified, 1 added, …; 5 revisions`` or ``no differences``, in the user's language."""
    parts = [msg("diff.summary.part", count=getattr(summary, k), kind=msg(f"diff.kind.{k}")) for k in KINDS
             if getattr(summary, k)]
    if summary.renumbered:
        parts.append(msg("diff.summary.renumbered", count=summary.renumbered))
    if summary.values:
        parts.append(msg("diff.summary.values", count=summary.values))
    if not parts and not summary.revisions:
        return text("diff.summary.none")
    return text("diff.summary.revisions", parts=tuple(parts) or msg("diff.summary.numbers-only"),
                revisions=summary.revisions, inserted=summary.inserted_revisions, deleted=summary.deleted_revisions)
