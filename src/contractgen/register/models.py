"""The register's tables as typed SQLAlchemy 2 models; ``migrations/`` creates them (one revision per change).

Specs and manifests are JSON columns (written with ``ensure_ascii=False``, so Chinese keys and values
stay readable to SQLite's JSON functions and to anyone reading the database). File contents live on
disk, content-addressed (``store``); a ``ContractFile`` row holds only the hash and what the file is.
``created_by`` / ``owner`` hold the current user's name: empty until users and roles arrive.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
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
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, index=True)

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


__all__ = ["Base", "Contract", "ContractFile", "Draft", "LibraryVersion", "NumberSequence"]
