"""A checked batch into the register: each good row numbered, generated and recorded, as the web app runs it.

Owns the register side of a batch: every good row's spec goes through ``register.generate`` (its
own transaction: a contract number from the industry's sequence, the files stored, the row written,
or nothing at all), so a contract of a batch is recorded exactly as one generated from the form.
The sheet's own contract number gives way to the register's. Progress is reported through the same
callback as a command-line batch; a row the register refuses (what the rows' check cannot know) is
reported as that row's problem and the batch goes on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..errors import InputError
from ..library import Library
from ..register import Register
from ..register.generate import generate
from ..render import DEFAULT_PDF_ENGINE
from ..specdata import from_spec
from .report import RowResult
from .rows import Plan, RowProblem
from .run import Progress


@dataclass
class Recorded:
    """What a batch put into the register: by sheet row, the report's result and the contract's id."""

    results: dict[int, RowResult] = field(default_factory=dict)
    contract_ids: dict[int, int] = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)
    """Rows the register refused (beyond those the check found)."""


def record_batch(plan: Plan, register: Register, library: Library, *, formats: Sequence[str], user: str = "",
                 team: str = "", address: str = "", progress: Progress | None = None,
                 today: dt.date | None = None, pdf_engine: str = DEFAULT_PDF_ENGINE,
                 pdf_standard: str | None = None) -> Recorded:
    """Generate every good row of ``plan`` into ``register``, one transaction each, in sheet order (each
    recorded for ``user`` of ``team``, audited with the request's ``address``, as the form's are), its
    PDFs made by ``pdf_engine`` to ``pdf_standard``."""
    progress = progress or (lambda done, total: None)
    good = plan.good
    recorded = Recorded()
    progress(0, len(good))
    for done, row in enumerate(good, 1):
        assert row.spec is not None
        try:
            entry = generate(register, from_spec(row.spec.spec()), library, formats=formats, user=user, team=team,
                             address=address, today=today, pdf_engine=pdf_engine, pdf_standard=pdf_standard)
        except InputError as exc:
            recorded.problems += [RowProblem(plan.sheet.path, row.row, p.field, p.msg, header=p.label or p.field)
                                  for p in exc.problems]
        else:
            files = tuple((f.path, f.sha256) for f in entry.files)
            recorded.results[row.row] = RowResult(entry.contract_no, files, contract_no=entry.contract_no)
            recorded.contract_ids[row.row] = entry.id
        progress(done, len(good))
    return recorded
