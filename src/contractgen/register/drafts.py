"""Drafts (草稿): specs being filled in, several per user, each with its own title; one unit of work each."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select

from . import Register, audit
from .models import Draft


def save_draft(register: Register, *, title: str, industry: str, spec: Mapping[str, Any], owner: str = "",
               draft_id: int | None = None, revises: int | None = None, address: str = "") -> Draft:
    """Create a draft, or replace the title and spec of ``draft_id`` (one of ``owner``'s); audited.

    ``revises``: a new draft's returned contract, which generating it resubmits."""
    with register.sessions.begin() as session:
        draft = session.get(Draft, draft_id) if draft_id is not None else None
        if draft is None or draft.owner != owner:
            draft = Draft(owner=owner, industry=industry, revises_id=revises)
            session.add(draft)
        draft.title = title.strip()[:200] or "未命名草稿"
        draft.industry = industry
        draft.spec = dict(spec)
        session.flush()
        audit.record(session, actor=owner, action="draft-saved", subject=draft.title, address=address,
                     detail={"draft_id": draft.id})
        return draft


def get_draft(register: Register, draft_id: int, owner: str = "") -> Draft | None:
    """One of ``owner``'s drafts, or ``None``."""
    with register.sessions.begin() as session:
        draft = session.get(Draft, draft_id)
        return draft if draft is not None and draft.owner == owner else None


def list_drafts(register: Register, owner: str = "") -> Sequence[Draft]:
    """``owner``'s drafts, the last edited first."""
    with register.sessions.begin() as session:
        query = select(Draft).where(Draft.owner == owner).order_by(Draft.updated_at.desc(), Draft.id.desc())
        return session.scalars(query).all()


def delete_draft(register: Register, draft_id: int, owner: str = "", address: str = "") -> bool:
    """Delete one of ``owner``'s drafts; whether there was one."""
    with register.sessions.begin() as session:
        draft = session.get(Draft, draft_id)
        if draft is None or draft.owner != owner:
            return False
        session.delete(draft)
        audit.record(session, actor=owner, action="draft-deleted", subject=draft.title, address=address,
                     detail={"draft_id": draft_id})
        return True
