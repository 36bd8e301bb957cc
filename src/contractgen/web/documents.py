"""What the views ask of steps 1–6, in one place: the app's library and register, a spec's contract,
its preview, the contract a comparison names, and a spec's problems sorted by form field.

Each function is a call or two into the shared modules the CLI uses (``specdata``, ``compose``,
``render``, ``diff``, ``redline``, ``register``); nothing here decides what a contract contains.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app, session

from ..compose import compose
from ..errors import InputError, Problem, SpecError
from ..i18n import msg
from ..library import Library
from ..model import Contract
from ..register import Register
from ..specdata import to_spec
from .forms import field_id


def library() -> Library:
    """The library in force: the shipped one, the server's ``--library`` layers and the approved company layer."""
    return current_app.extensions["contractgen.library"]


def server_layers() -> list[Path]:
    """The layers the server was started with (``LIBRARY_LAYERS``), under any uploaded company layer."""
    return [Path(p) for p in current_app.config["LIBRARY_LAYERS"]]


def refresh_library() -> None:
    """Load the library again when another company layer came into force (here or on another server
    sharing the database): one small query per request, a reload only on a change."""
    from flask import request

    from ..register.layers import current, library_with

    if request and request.endpoint == "static":
        return
    layer = current(register())
    key = (layer.id, layer.sha256) if layer is not None else None
    if current_app.extensions.get("contractgen.layer") != key:
        current_app.extensions["contractgen.library"] = library_with(register(), server_layers(), layer)
        current_app.extensions["contractgen.layer"] = key


def pdf_settings() -> dict[str, str | None]:
    """How the app makes PDFs (``serve --pdf-engine --pdf-standard``), as ``generate``'s keyword arguments."""
    return {"pdf_engine": current_app.config["PDF_ENGINE"], "pdf_standard": current_app.config["PDF_STANDARD"]}


def register() -> Register:
    """The app's register."""
    return current_app.extensions["contractgen.register"]


def log_download(subject: str, what: str, **detail) -> None:
    """Record in the audit trail that the signed-in user downloaded ``what`` (it holds personal information)."""
    from ..register import audit
    from .security import address, current_user

    audit.append(register(), actor=current_user(), action="downloaded", subject=subject, address=address(),
                 detail={"file": what, **detail})


def visible_contract(contract_id: int | str):  # type: ignore[no-untyped-def]
    """The register entry an id names, if the signed-in user may see it (another team's does not exist for them)."""
    from ..register.contracts import get_contract
    from .security import scope

    if isinstance(contract_id, str):
        if not contract_id.isdigit():
            return None
        contract_id = int(contract_id)
    entry = get_contract(register(), contract_id)
    return entry if entry is not None and scope().allows(entry) else None


def keep_upload(data: bytes) -> str:
    """Store an uploaded file and remember it in this session; its hash."""
    sha256, _new = register().store.put(data)
    session["uploads"] = [*(k for k in session.get("uploads", []) if k != sha256), sha256][-20:]
    return sha256


def uploaded(sha256: str) -> bool:
    """Whether this session uploaded the file: a hash from elsewhere (another user's file) names nothing."""
    return sha256 in session.get("uploads", [])


def contract_of(data: Mapping[str, Any], *, draft: bool, display: str = "网页表单") -> Contract:
    """The contract spec data describes (``draft``: missing values become blanks); ``SpecError`` else."""
    lib = library()
    if data.get("industry") not in lib.industry:
        raise SpecError([Problem(display, None, "industry", msg("web.industry-unknown",
                                                                 industry=str(data.get("industry", ""))))])
    return compose(to_spec(data, lib, display), lib, draft=draft)


def preview_contract(data: Mapping[str, Any]) -> Contract:
    """The contract to preview: as it will be generated when nothing is missing, else as a draft with blanks."""
    try:
        return contract_of(data, draft=False)
    except SpecError:
        return contract_of(data, draft=True)


def preview_html(contract: Contract) -> str:
    """The contract as the HTML renderer writes it (values marked with their variable names)."""
    from ..render import RenderOptions
    from ..render.html import render_html

    return render_html(contract, RenderOptions())


@dataclass
class FieldProblems:
    """A spec's problems: by the form field that shows them, and those no field shows."""

    at: dict[str, list[str]] = field(default_factory=dict)
    listed: list[tuple[str, str, str]] = field(default_factory=list)
    """(field id, the field's label, message) of those shown at a field, for the list at the top."""
    general: list[str] = field(default_factory=list)
    count: int = 0


def field_problems(error: InputError, shown: dict[str, str]) -> FieldProblems:
    """Each problem at its form field (``shown``: id → label of the fields on the page), the rest in a list."""
    found = FieldProblems(count=len(error.problems))
    for problem in error.problems:
        target = field_id(problem.field) if problem.field else ""
        if target in shown:
            found.at.setdefault(target, []).append(problem.message)
            found.listed.append((target, shown[target] or problem.label or problem.field, problem.message))
        else:
            found.general.append(f"{problem.label or problem.field}：{problem.message}" if problem.field
                                 else problem.message)
    return found
