"""The audit trail (审计日志): an append-only table of who did what, when, to what, from which address.

Every row carries the hash of the row before it (``prev_hash``) and its own hash over its fields and
that link, so editing or deleting any row breaks the chain from there on; the one-row head holds the
last row's number and hash, so deleting the newest rows shows too. ``verify`` walks the chain and
names the first bad row. The database refuses UPDATE and DELETE on the rows (triggers, migration
0002); the chain catches what someone with the database's owner rights does anyway.

A row is appended inside the caller's transaction (``record``), so an action and its row are
committed together or not at all. Appending updates the head first: that takes PostgreSQL's row lock
and SQLite's write lock, so concurrent appends queue up and the chain never forks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from . import Register
from .models import AuditHead, AuditRow, _now

GENESIS = "0" * 64
ACTIONS = ("login", "login-failed", "login-limited", "logout", "user-added", "user-changed", "draft-saved",
           "draft-deleted", "contract-generated", "contract-resubmitted", "approved", "returned", "signed",
           "downloaded", "layer-uploaded", "layer-approved", "layer-rejected", "audit-exported")
"""Every action a row can name; each has a Chinese name (``audit.action.<action>`` in the catalogs)."""


def row_hash(seq: int, at: dt.datetime, actor: str, action: str, subject: str, address: str,
             detail: Mapping[str, Any], prev_hash: str) -> str:
    """The hash of a row: sha256 over its fields as canonical JSON, the previous row's hash included."""
    fields = [seq, at.isoformat(timespec="microseconds"), actor, action, subject, address, dict(detail), prev_hash]
    canonical = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def record(session: Session, *, actor: str, action: str, subject: str = "", address: str = "",
           detail: Mapping[str, Any] | None = None, at: dt.datetime | None = None) -> AuditRow:
    """Append one row inside ``session``'s transaction (committed with the action it records)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    head = session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + 1)
                           .returning(AuditHead.seq, AuditHead.hash)).one()
    seq, prev_hash = int(head.seq), str(head.hash)
    at = (at or _now()).replace(tzinfo=None)
    values = {"seq": seq, "at": at, "actor": actor[:120], "action": action, "subject": subject[:200],
              "address": address[:64], "detail": dict(detail or {}), "prev_hash": prev_hash}
    row = AuditRow(**values, hash=row_hash(**values))
    session.add(row)
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(hash=row.hash))
    session.flush()
    return row


def append(register: Register, **fields: Any) -> AuditRow:
    """``record`` in a transaction of its own (an event that changes nothing else: a login, a download)."""
    with register.sessions.begin() as session:
        return record(session, **fields)


@dataclass(frozen=True, slots=True)
class Filter:
    """What the audit page filters by; empty fields match everything."""

    actor: str = ""
    action: str = ""
    subject: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def rows(register: Register, query: Filter = Filter(), *, limit: int | None = 500) -> Sequence[AuditRow]:
    """Rows matching ``query``, the newest first (``limit=None``: all of them, for the CSV export)."""
    statement = select(AuditRow)
    if query.actor.strip():
        statement = statement.where(AuditRow.actor == query.actor.strip())
    if query.action:
        statement = statement.where(AuditRow.action == query.action)
    if query.subject.strip():
        like = query.subject.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        statement = statement.where(AuditRow.subject.ilike(f"%{like}%", escape="\\"))
    if query.date_from:
        statement = statement.where(AuditRow.at >= dt.datetime.combine(query.date_from, dt.time()))
    if query.date_to:
        statement = statement.where(AuditRow.at < dt.datetime.combine(query.date_to + dt.timedelta(days=1), dt.time()))
    statement = statement.order_by(AuditRow.seq.desc())
    if limit is not None:
        statement = statement.limit(limit)
    with register.sessions.begin() as session:
        return session.scalars(statement).all()


def count_since(register: Register, action: str, since: dt.datetime, *, subject: str | None = None,
                address: str | None = None) -> int:
    """How many ``action`` rows there are since ``since`` for one subject or one address (rate limits)."""
    statement = select(func.count()).select_from(AuditRow).where(AuditRow.action == action, AuditRow.at >= since)
    if subject is not None:
        statement = statement.where(AuditRow.subject == subject)
    if address is not None:
        statement = statement.where(AuditRow.address == address)
    with register.sessions.begin() as session:
        return int(session.scalar(statement) or 0)


def last_at(register: Register, action: str, subject: str) -> dt.datetime | None:
    """When ``action`` last happened to ``subject`` (the last successful login of an account)."""
    with register.sessions.begin() as session:
        return session.scalar(select(func.max(AuditRow.at)).where(AuditRow.action == action,
                                                                  AuditRow.subject == subject))


@dataclass(frozen=True, slots=True)
class Broken:
    """The first row where the chain breaks, and how."""

    seq: int
    reason: str
    """``edited`` (its hash does not match its fields), ``unlinked`` (its link does not match the row
    before: that row was replaced), ``missing`` (rows were deleted before it, or at the end)."""


@dataclass(frozen=True, slots=True)
class Verified:
    """The outcome of ``verify``: how many rows, the head hash, and the first break if any."""

    count: int
    head: str
    broken: Broken | None


def _walk(register: Register, batch: int = 2000) -> Iterator[AuditRow]:
    last = 0
    while True:
        with register.sessions.begin() as session:
            chunk = session.scalars(select(AuditRow).where(AuditRow.seq > last).order_by(AuditRow.seq).limit(batch)).all()
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].seq


def verify(register: Register) -> Verified:
    """Check every row's hash and link and the head; the first bad row, when there is one."""
    with register.sessions.begin() as session:
        head = session.get(AuditHead, 1)
        head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    expected_seq, prev, count = 1, GENESIS, 0
    for row in _walk(register):
        count += 1
        if row.seq != expected_seq:
            return Verified(count, head_hash, Broken(expected_seq, "missing"))
        if row.prev_hash != prev:
            return Verified(count, head_hash, Broken(row.seq, "unlinked"))
        fields = {k: getattr(row, k) for k in ("seq", "at", "actor", "action", "subject", "address", "detail",
                                               "prev_hash")}
        if row_hash(**fields) != row.hash:
            return Verified(count, head_hash, Broken(row.seq, "edited"))
        prev, expected_seq = row.hash, row.seq + 1
    if head_seq != expected_seq - 1 or head_hash != prev:
        return Verified(count, head_hash, Broken(expected_seq, "missing"))
    return Verified(count, head_hash, None)
