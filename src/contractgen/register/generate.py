"""Generating a contract into the register: number it, compose, render, store its files, record it.

All in one transaction: the number is taken first (so it is printed in the contract), the contract is
composed and rendered by the same functions ``contractgen build`` uses, its files are stored, and the
row is written. Any failure — a problem in the spec, a renderer, a full disk, the commit itself —
rolls the transaction back (the number is given back) and removes the files this build added.

A contract starts as 待审核 (``pending``). A returned one (退回) corrected in its draft is generated
again into the same entry (``revises``): same number, new files, one more revision, 待审核 again.
Either way the audit row is written in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ..build import DEFAULT_FORMATS, manifest, render_outputs
from ..errors import UsageError
from ..i18n import msg
from ..legal_check import compose_checked
from ..library import FOLDERS, Library
from ..render import DEFAULT_PDF_ENGINE
from ..specdata import to_spec
from . import Register, audit
from .db import upsert_ignoring
from .models import Contract, ContractFile, LibraryVersion, _now
from .numbers import format_number, next_seq
from .review import locked


def generate(register: Register, data: Mapping[str, Any], library: Library, *,
             formats: Sequence[str] = DEFAULT_FORMATS, user: str = "", team: str = "", address: str = "",
             revises: int | None = None, today: dt.date | None = None, pdf_engine: str = DEFAULT_PDF_ENGINE,
             pdf_standard: str | None = None) -> Contract:
    """Build the contract ``data`` describes and record it; raises ``SpecError`` for a spec's problems.

    ``revises``: the id of a returned contract this corrects (``UsageError`` unless it is returned).
    ``pdf_engine`` and ``pdf_standard`` make its PDFs, as ``build --pdf-engine --pdf-standard`` does.
    """
    today = today or dt.date.today()
    industry = str(data.get("industry", ""))
    layers = layer_hashes(register, library)
    library_version_id = _library_version(register, library, layers)
    added: list[str] = []
    try:
        with register.sessions.begin() as session:
            previous = _returned(session, revises) if revises is not None else None
            if previous is not None:
                contract_no, seq = previous.contract_no, previous.seq
            else:
                seq = next_seq(session, industry, today.year)  # first: SQLite takes its write lock here
                contract_no = format_number(register.number_pattern, industry, today.year, seq)
            spec_data = {**data, "contract_no": contract_no}
            spec = to_spec(spec_data, library, display=f"{contract_no}.yaml")
            contract, _warnings = compose_checked(spec, library)
            outputs = render_outputs(contract, formats, pdf_engine=pdf_engine, pdf_standard=pdf_standard)
            build_manifest = manifest(contract, outputs, spec_name=f"{contract_no}.yaml", spec_sha256=spec.sha256)
            build_manifest["library"]["layer_sha256"] = {item["name"]: item["sha256"] for item in layers}
            files = []
            for out in outputs:
                sha256, new = register.store.put(out.data)
                if new:
                    added.append(sha256)
                files.append(ContractFile(path=out.path, kind=out.kind, format=out.format, annex=out.annex,
                                          sha256=sha256, size=len(out.data)))
            facts = dict(title=contract.title, customer_name=contract.parties[0].name.text,
                         provider_name=contract.parties[1].name.text, sign_date=contract.sign_date, spec=spec_data,
                         spec_sha256=spec.sha256, manifest=build_manifest, library_version_id=library_version_id)
            if previous is not None:
                row = previous
                row.files.clear()
                session.flush()  # the old file rows go first: the new ones reuse their paths
                for name, value in facts.items():
                    setattr(row, name, value)
                row.files.extend(files)
                row.revision += 1
                row.status = "pending"
                action = "contract-resubmitted"
            else:
                row = Contract(contract_no=contract_no, industry=industry, year=today.year, seq=seq, created_by=user,
                               team=team, status="pending", revision=1, files=files, **facts)
                session.add(row)
                action = "contract-generated"
            session.flush()
            audit.record(session, actor=user, action=action, subject=contract_no, address=address,
                         detail={"contract_id": row.id, "revision": row.revision, "spec_sha256": spec.sha256,
                                 "layers": {item["name"]: item["sha256"] for item in layers}})
        return row
    except BaseException:
        _discard_unrecorded(register, added)
        raise


def _returned(session, contract_id: int) -> Contract:
    row = locked(session, contract_id)
    if row is None or row.status != "returned":
        raise UsageError(msg("review.not-returned"))
    return row


def layer_hashes(register: Register, library: Library) -> list[dict[str, str]]:
    """Each layer's name and the sha256 of its files (relative paths and bytes), bottom layer first."""
    key = tuple(library.paths)
    if key not in register.fingerprints:
        register.fingerprints[key] = [{"name": name, "sha256": folder_hash(Path(root))}
                                      for name, root in zip(library.layers, library.paths, strict=False)]
    return register.fingerprints[key]


def folder_hash(root: Path) -> str:
    """The sha256 of a layer: its YAML files' relative paths and bytes, in name order."""
    digest = hashlib.sha256()
    for folder in FOLDERS:
        for path in sorted((root / folder).rglob("*.yaml")) if (root / folder).is_dir() else ():
            digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _library_version(register: Register, library: Library, layers: list[dict[str, str]]) -> int:
    """The id of this library's row, added in a transaction of its own (two builds may add it at once)."""
    fingerprint = hashlib.sha256("\n".join(f"{i['name']} {i['sha256']}" for i in layers).encode()).hexdigest()
    with register.sessions.begin() as session:
        session.execute(upsert_ignoring(session, LibraryVersion, fingerprint=fingerprint, version=library.version,
                                        layers=layers, created_at=_now()))
        return session.scalars(select(LibraryVersion.id).where(LibraryVersion.fingerprint == fingerprint)).one()


def _discard_unrecorded(register: Register, added: list[str]) -> None:
    """Remove the files a failed build added, unless a recorded contract has the same bytes meanwhile."""
    if not added:
        return
    with register.sessions.begin() as session:
        used = set(session.scalars(select(ContractFile.sha256).where(ContractFile.sha256.in_(added))))
    for sha256 in added:
        if sha256 not in used:
            register.store.discard(sha256)
