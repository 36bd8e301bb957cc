"""Review (审核) and who sees what: a contract's way from 待审核 to 已批准 or 退回, then to 已签署.

``approve`` and ``return_contract`` are a reviewer's (退回 needs a comment the drafter sees); ``sign``
records the uploaded scan of the signed contract, allowed only once approved. Each step changes the
row and writes its audit row in one transaction, and only from the status it expects (two reviewers
pressing at once: the second is told the contract has moved on).

``Scope`` says whose contracts a user sees: a drafter their own and their team's; a reviewer all.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from sqlalchemy import ColumnElement, or_, select, true

from ..errors import UsageError
from ..i18n import msg
from . import Register, audit
from .models import Contract, _now

STATUSES = ("pending", "approved", "returned", "signed")
"""待审核, 已批准, 退回, 已签署 (``review.status.<status>`` in the catalogs)."""
MAX_COMMENT = 4000


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose contracts one user may see: ``everything`` (a reviewer), else their own and their team's."""

    user: str
    team: str = ""
    everything: bool = False

    def allows(self, contract: Contract) -> bool:
        return self.everything or contract.created_by == self.user or bool(self.team and contract.team == self.team)

    def where(self) -> ColumnElement[bool]:
        """The same rule as a SQL condition on ``contracts``."""
        if self.everything:
            return true()
        mine = Contract.created_by == self.user
        return or_(mine, Contract.team == self.team) if self.team else mine


def locked(session, contract_id: int) -> Contract | None:
    """The contract row, locked until the transaction ends (PostgreSQL; SQLite locks the whole database)."""
    statement = select(Contract).where(Contract.id == contract_id).with_for_update(of=Contract)
    return session.scalars(statement).unique().one_or_none()


def _move(register: Register, contract_id: int, *, expect: tuple[str, ...], to: str, actor: str, address: str,
          action: str, detail: dict, **changes) -> Contract:
    with register.sessions.begin() as session:
        row = locked(session, contract_id)
        if row is None:
            raise UsageError(msg("review.no-contract", contract_id=contract_id))
        if row.status not in expect:
            raise UsageError(msg("review.wrong-status", number=row.contract_no, status=msg(f"review.status.{row.status}")))
        row.status = to
        for name, value in changes.items():
            setattr(row, name, value)
        audit.record(session, actor=actor, action=action, subject=row.contract_no, address=address,
                     detail={"contract_id": row.id, "revision": row.revision, **detail})
        return row


def approve(register: Register, contract_id: int, *, reviewer: str, address: str = "", comment: str = "") -> Contract:
    """待审核 → 已批准."""
    comment = comment.strip()[:MAX_COMMENT]
    return _move(register, contract_id, expect=("pending",), to="approved", actor=reviewer, address=address,
                 action="approved", detail={"comment": comment}, review_comment=comment, reviewed_by=reviewer,
                 reviewed_at=_now())


def return_contract(register: Register, contract_id: int, *, reviewer: str, comment: str, address: str = "") -> Contract:
    """待审核 → 退回, with the comment the drafter sees (required)."""
    comment = comment.strip()[:MAX_COMMENT]
    if not comment:
        raise UsageError(msg("review.comment-required"))
    return _move(register, contract_id, expect=("pending",), to="returned", actor=reviewer, address=address,
                 action="returned", detail={"comment": comment}, review_comment=comment, reviewed_by=reviewer,
                 reviewed_at=_now())


def sign(register: Register, contract_id: int, *, scan: bytes, user: str, address: str = "") -> Contract:
    """已批准 → 已签署, keeping the scan of the signed contract (checked by the caller: ``scan_problem``)."""
    sha256, _new = register.store.put(scan)
    return _move(register, contract_id, expect=("approved",), to="signed", actor=user, address=address,
                 action="signed", detail={"scan_sha256": sha256, "size": len(scan)}, signed_sha256=sha256,
                 signed_by=user, signed_at=_now())


MAX_SCAN = 20 * 1024 * 1024
"""The largest signed scan accepted: a 30-page scan at 300 dpi fits."""


def scan_problem(data: bytes) -> str:
    """Why ``data`` is not a signed scan we keep (a message id), or ``""``: a PDF by its content, one that
    opens and has pages, at most ``MAX_SCAN`` bytes. The file's name and type as sent are not trusted."""
    if len(data) > MAX_SCAN:
        return "review.scan-too-large"
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-2048:]:
        return "review.scan-not-pdf"
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            return "" if len(pdf.pages) > 0 else "review.scan-not-pdf"
    except pikepdf.PdfError:
        return "review.scan-not-pdf"
