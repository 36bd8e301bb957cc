"""Reading the register: search generated contracts, fetch one with its files, pack its files as a ZIP."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from . import Register
from .models import Contract, ContractFile
from .review import Scope

ZIP_TIME = (2020, 1, 1, 0, 0, 0)
"""Every ZIP member's timestamp, so the same contract always packs to the same bytes."""


@dataclass(frozen=True, slots=True)
class Search:
    """What the register page filters by; empty fields match everything."""

    number: str = ""
    party: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    industry: str = ""
    status: str = ""


def search(register: Register, query: Search = Search(), *, limit: int = 200, scope: Scope | None = None) -> Sequence[Contract]:
    """Contracts matching ``query`` that ``scope`` may see (``None``: all), the newest first."""
    statement = select(Contract).options(selectinload(Contract.files))
    if scope is not None:
        statement = statement.where(scope.where())
    if query.status:
        statement = statement.where(Contract.status == query.status)
    if query.number.strip():
        statement = statement.where(Contract.contract_no.ilike(f"%{_like(query.number.strip())}%", escape="\\"))
    if query.party.strip():
        pattern = f"%{_like(query.party.strip())}%"
        statement = statement.where(or_(Contract.customer_name.ilike(pattern, escape="\\"),
                                        Contract.provider_name.ilike(pattern, escape="\\")))
    if query.date_from:
        statement = statement.where(Contract.sign_date >= query.date_from)
    if query.date_to:
        statement = statement.where(Contract.sign_date <= query.date_to)
    if query.industry:
        statement = statement.where(Contract.industry == query.industry)
    statement = statement.order_by(Contract.created_at.desc(), Contract.id.desc()).limit(limit)
    with register.sessions.begin() as session:
        return session.scalars(statement).unique().all()


def _like(text: str) -> str:
    """``text`` matched literally inside LIKE (a typed % or _ is no wildcard)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def get_contract(register: Register, contract_id: int) -> Contract | None:
    """One contract with its files and library version, or ``None``."""
    with register.sessions.begin() as session:
        statement = select(Contract).where(Contract.id == contract_id).options(selectinload(Contract.files))
        return session.scalars(statement).unique().one_or_none()


def find_file(contract: Contract, path: str) -> ContractFile | None:
    """The contract's file at ``path`` (as listed in its manifest), or ``None``."""
    return next((f for f in contract.files if f.path == path), None)


def file_bytes(register: Register, item: ContractFile) -> bytes:
    """A stored file's bytes."""
    return register.store.get(item.sha256)


def handed_out(register: Register, contract: Contract, item: ContractFile) -> bytes:
    """A file as the register hands it out: a PDF of a contract not yet approved carries the 未经审核 mark
    (a marked copy; the stored file, what an approved contract gives, is exactly what the build wrote)."""
    data = file_bytes(register, item)
    if item.format == "pdf" and contract.status not in ("approved", "signed"):
        from ..render.marks import mark_unreviewed

        return mark_unreviewed(data)
    return data


def contract_zip(register: Register, contract: Contract) -> bytes:
    """Every file of the contract (as ``handed_out``) and its ``manifest.json`` in one ZIP, the same bytes every time."""
    return contracts_zip(register, [contract])


def contracts_zip(register: Register, contracts: Sequence[Contract], extra: Sequence[tuple[str, bytes]] = ()) -> bytes:
    """Several contracts (files as ``handed_out``), each in its folder named by its number, and ``extra``
    files at the top (a batch's report)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in extra:
            _add(archive, name, data)
        for contract in contracts:
            for item in contract.files:
                _add(archive, f"{contract.contract_no}/{item.path}", handed_out(register, contract, item))
            manifest = json.dumps(contract.manifest, ensure_ascii=False, indent=2) + "\n"
            _add(archive, f"{contract.contract_no}/manifest.json", manifest.encode("utf-8"))
    return buffer.getvalue()


def get_contracts(register: Register, ids: Sequence[int]) -> list[Contract]:
    """The contracts of ``ids`` with their files, in the order of ``ids``."""
    with register.sessions.begin() as session:
        statement = select(Contract).where(Contract.id.in_(list(ids))).options(selectinload(Contract.files))
        found = {c.id: c for c in session.scalars(statement).unique()}
    return [found[i] for i in ids if i in found]


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)
