"""The JSON output: the change list for tools, with the same counts as every other output.

``summary.revisions`` is the number of tracked changes in the DOCX redline (each a maximal stretch
of inserted or deleted text, see ``contractgen.diff``), split into insertions and deletions.
"""

from __future__ import annotations

import json
from dataclasses import asdict

from ..diff import ChangeSet

SCHEMA = "contractgen/diff@1"


def to_data(changes: ChangeSet) -> dict[str, object]:
    """The change set as JSON-ready data (the redline's paragraphs left out)."""
    return {
        "schema": SCHEMA,
        "old": changes.old_label,
        "new": changes.new_label,
        "mode": changes.mode,
        "same": changes.same,
        "summary": asdict(changes.summary),
        "changes": [
            {"index": c.index + 1, "kind": c.kind, "unit": c.unit, "id": c.id, "old_id": c.old_id,
             "title": c.title, "old_number": c.old_number, "new_number": c.new_number, "moved": c.moved,
             "old_text": c.old_text, "new_text": c.new_text,
             "edits": [asdict(e) for e in c.edits], "values": [asdict(v) for v in c.values],
             "meta": [asdict(m) for m in c.meta]}
            for c in changes.changes
        ],
        "values": [asdict(v) for v in changes.values],
        "renumbered": [asdict(r) for r in changes.renumbered],
    }


def render(changes: ChangeSet) -> str:
    """Stable, pretty JSON."""
    return json.dumps(to_data(changes), ensure_ascii=False, indent=2) + "\n"
