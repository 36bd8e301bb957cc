"""The register's tables as typed SQLAlchemy 2 models; ``migrations/`` creates them (one revision per change).

Specs and manifests are JSON columns (written with ``ensure_ascii=False``, so Chinese keys and values
stay readable to SQLite's JSON functions and to anyone reading the database). File contents live on
disk, content-addressed (``store``); a ``ContractFile`` row holds only the hash and what the file is.
``created_by`` / ``owner`` hold the user's name (``users.name``), ``team`` the team they were in.
A contract's ``status`` moves 待审核 → 已批准 → 已签署, or 待审核 → 退回 → (resubmitted) 待审核 (``review``).
The audit trail (``AuditRow``) is append-only and hash-chained; ``AuditHead`` holds its last row.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    """Every register table."""


class Draft(Base):
    """A contract being filled in (草稿): the spec as the form left it, under a title of its user's choosing."""

    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    industry: Mapped[str] = mapped_column(String(64))
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    owner: Mapped[str] = mapped_column(String(120), default="", index=True)
    revises_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id", ondelete="SET NULL"))
    """The returned contract this draft corrects: generating it resubmits that contract (same number)."""
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, onupdate=_now)


class LibraryVersion(Base):
    """One state of the library a contract was composed from: every layer and the hash of its files."""

    __tablename__ = "library_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    """sha256 over the layers' names and hashes."""
    version: Mapped[str] = mapped_column(String(64))
    layers: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    """``[{"name": "builtin", "sha256": …}, …]`` bottom layer first."""
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class NumberSequence(Base):
    """The last contract number issued per industry and year."""

    __tablename__ = "number_sequences"

    industry: Mapped[str] = mapped_column(String(64), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Contract(Base):
    """A generated contract (合同台账 entry): recorded only once its files are stored."""

    __tablename__ = "contracts"
    __table_args__ = (UniqueConstraint("industry", "year", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_no: Mapped[str] = mapped_column(String(64), unique=True)
    industry: Mapped[str] = mapped_column(String(64), index=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    customer_name: Mapped[str] = mapped_column(String(200), index=True)
    provider_name: Mapped[str] = mapped_column(String(200), index=True)
    sign_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    spec_sha256: Mapped[str] = mapped_column(String(64))
    manifest: Mapped[dict[str, Any]] = mapped_column(JSON)
    library_version_id: Mapped[int] = mapped_column(ForeignKey("library_versions.id"))
    created_by: Mapped[str] = mapped_column(String(120), default="")
    team: Mapped[str] = mapped_column(String(120), default="", server_default="", index=True)
    """The team of its drafter when generated: everyone in it may see the contract."""
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending", server_default="pending", index=True)
    """``pending`` 待审核, ``approved`` 已批准, ``returned`` 退回, ``signed`` 已签署."""
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    """1, then one more each time a returned contract is corrected and resubmitted."""
    review_comment: Mapped[str] = mapped_column(Text, default="", server_default="")
    reviewed_by: Mapped[str] = mapped_column(String(120), default="", server_default="")
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    signed_sha256: Mapped[str | None] = mapped_column(String(64))
    """The uploaded scan of the signed contract (a PDF in the file store)."""
    signed_by: Mapped[str] = mapped_column(String(120), default="", server_default="")
    signed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    library_version: Mapped[LibraryVersion] = relationship(lazy="joined")
    files: Mapped[list[ContractFile]] = relationship(back_populates="contract", order_by="ContractFile.id",
                                                     cascade="all, delete-orphan")


class ContractFile(Base):
    """One file of a generated contract; its bytes are in the file store under ``sha256``."""

    __tablename__ = "contract_files"
    __table_args__ = (UniqueConstraint("contract_id", "path"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(String(255))
    """As in the build folder: ``contract.pdf``, ``annexes/privacy-policy.docx``."""
    kind: Mapped[str] = mapped_column(String(16))
    format: Mapped[str] = mapped_column(String(16))
    annex: Mapped[str | None] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)

    contract: Mapped[Contract] = relationship(back_populates="files")


class User(Base):
    """A local account: its role (``drafter``, ``reviewer``, ``admin``), team and Argon2 password hash."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    team: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    epoch: Mapped[int] = mapped_column(Integer, default=0)
    """Part of every session's id: raised on logout, a new password or deactivation, ending old sessions."""
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class AuditRow(Base):
    """One thing someone did: who, when, what, to what, from where; chained to the row before by hash."""

    __tablename__ = "audit_rows"
    __table_args__ = (Index("ix_audit_rows_action_subject_at", "action", "subject", "at"),
                      Index("ix_audit_rows_action_address_at", "action", "address", "at"))

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    """1, 2, 3 … without gaps: a gap is a deleted row."""
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    actor: Mapped[str] = mapped_column(String(120), index=True)
    action: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The audit trail's one-row head: the last row's number and hash (a deleted last row shows here).

    Appending updates it first, which serializes appends (PostgreSQL's row lock, SQLite's write lock).
    """

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class LibraryLayer(Base):
    """A company library layer uploaded through the web: 待审核, then in force (one at a time), rejected or superseded."""

    __tablename__ = "library_layers"
    __table_args__ = (Index("uq_library_layers_in_force", "status", unique=True,
                            sqlite_where=text("status = 'approved'"), postgresql_where=text("status = 'approved'")),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    """Its folder under ``<data dir>/layers/``: ``company-`` and the start of its hash."""
    sha256: Mapped[str] = mapped_column(String(64))
    """The hash of its files, as every contract built from it records (``generate.folder_hash``)."""
    filename: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), index=True)
    """``pending`` 待审核, ``approved`` in force, ``rejected``, ``superseded``."""
    base_id: Mapped[int | None] = mapped_column(ForeignKey("library_layers.id"))
    """The layer in force when it was uploaded: its diff is against that one."""
    uploaded_by: Mapped[str] = mapped_column(String(120))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime)
    reviewed_by: Mapped[str] = mapped_column(String(120), default="")
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    comment: Mapped[str] = mapped_column(Text, default="")


__all__ = ["AuditHead", "AuditRow", "Base", "Contract", "ContractFile", "Draft", "LibraryLayer", "LibraryVersion",
           "NumberSequence", "User"]
