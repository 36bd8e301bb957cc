"""Company library layers (公司条款库层) uploaded through the web: unpacked, linted, diffed against the
layer in force, and in force only once a reviewer approves that diff.

An upload is a ZIP of a layer's folders (``clauses/``, ``industries/``, ``attachments/``, YAML files
directly inside them, optionally under one top folder). It is checked member by member (names,
count, sizes: a ZIP is data from a user, never a path to write anywhere else) and unpacked into
``<data dir>/layers/company-<hash>/``, named by the hash of its files, so the same layer is the same
folder. It is linted over the shipped library and the server's own ``--library`` layers exactly as
``contractgen lint`` would; with any problem it is refused, every problem named by file and line, and
nothing is kept. A layer that passes is recorded 待审核 together with the layer in force when it was
uploaded (its base). A reviewer reads the clause redline between the two (``diff.diff_libraries``)
and approves it — in force from then on, the one before superseded — or rejects it. Approving a
layer whose base is no longer in force is refused: the diff the reviewer read is not the change it
would make. Every contract generated records the layers it was built from by name and hash
(``generate.layer_hashes``), so each register entry names the exact layer version.
"""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path, PurePosixPath

from sqlalchemy import select

from ..errors import InputError, Problem, UsageError
from ..i18n import msg
from ..library import FOLDERS, Library, load_library
from . import Register, audit
from .generate import folder_hash
from .models import LibraryLayer, _now

MAX_MEMBERS = 400
MAX_MEMBER_BYTES = 1024 * 1024
MAX_TOTAL_BYTES = 16 * 1024 * 1024
PREFIX = "company-"


def layers_root(register: Register) -> Path:
    """Where uploaded layers are kept: beside the register's files."""
    return register.store.root.parent / "layers"


def _members(data: bytes, filename: str) -> dict[str, bytes]:
    """``folder/name.yaml`` → bytes of every layer file in the ZIP; ``InputError`` naming what is wrong."""
    def bad(message, member: str = "") -> InputError:
        return InputError([Problem(f"{filename}:{member}" if member else filename, None, "", message)])

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError):
        raise bad(msg("layers.not-zip")) from None
    if len(infos) > MAX_MEMBERS:
        raise bad(msg("layers.too-many-files", limit=MAX_MEMBERS))
    names = [PurePosixPath(i.filename) for i in infos]
    tops = {n.parts[0] for n in names if len(n.parts) > 1}
    strip = len(tops) == 1 and not tops & set(FOLDERS) and all(len(n.parts) > 1 for n in names)
    found: dict[str, bytes] = {}
    total = 0
    for info, name in zip(infos, names, strict=True):
        parts = name.parts[1:] if strip else name.parts
        if (len(parts) != 2 or parts[0] not in FOLDERS or PurePosixPath(parts[1]).suffix not in (".yaml", ".yml")
                or "\\" in info.filename or name.is_absolute() or ".." in name.parts or parts[1].startswith(".")):
            raise bad(msg("layers.not-a-layer-file", folders=FOLDERS), info.filename)
        if info.file_size > MAX_MEMBER_BYTES:
            raise bad(msg("layers.file-too-large", limit=MAX_MEMBER_BYTES // 1024), info.filename)
        with archive.open(info) as member:
            content = member.read(MAX_MEMBER_BYTES + 1)  # the size in the ZIP's directory may lie
        total += len(content)
        if len(content) > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
            raise bad(msg("layers.file-too-large", limit=MAX_MEMBER_BYTES // 1024), info.filename)
        found["/".join(parts)] = content
    if not found:
        raise bad(msg("layers.empty", folders=FOLDERS))
    return found


def _unpack(register: Register, files: dict[str, bytes]) -> Path:
    """The layer's folder, written once (atomically: a temporary folder renamed into place)."""
    root = layers_root(register)
    root.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root))
    try:
        for name, content in files.items():
            (scratch / name).parent.mkdir(exist_ok=True)
            (scratch / name).write_bytes(content)
        target = root / f"{PREFIX}{folder_hash(scratch)[:16]}"
        if target.exists():
            shutil.rmtree(scratch)
        else:
            scratch.rename(target)
        return target
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise


def _lint(folder: Path, server_layers: Sequence[Path], filename: str) -> list[Problem]:
    from ..lint import lint

    shown = f"{str(folder).rstrip('/')}/"
    return [replace(p, path=p.path.replace(shown, f"{filename}/", 1)) for p in lint([*server_layers, folder])]


def current(register: Register) -> LibraryLayer | None:
    """The company layer in force, or ``None`` (the shipped library and the server's layers alone)."""
    with register.sessions.begin() as session:
        return session.scalar(select(LibraryLayer).where(LibraryLayer.status == "approved"))


def get_layer(register: Register, layer_id: int) -> LibraryLayer | None:
    with register.sessions.begin() as session:
        return session.get(LibraryLayer, layer_id)


def list_layers(register: Register) -> Sequence[LibraryLayer]:
    with register.sessions.begin() as session:
        return session.scalars(select(LibraryLayer).order_by(LibraryLayer.id.desc())).all()


def folder_of(register: Register, layer: LibraryLayer | None) -> list[Path]:
    """The layer's folder as a list of layers (empty for none)."""
    return [layers_root(register) / layer.name] if layer is not None else []


def library_with(register: Register, server_layers: Sequence[Path], layer: LibraryLayer | None) -> Library:
    """The library with ``layer`` as the company layer, over the server's own layers."""
    return load_library([*server_layers, *folder_of(register, layer)])


def submit(register: Register, data: bytes, filename: str, *, server_layers: Sequence[Path], actor: str,
           address: str = "") -> LibraryLayer:
    """Unpack, lint and record an uploaded layer as 待审核; ``InputError`` with every problem, nothing kept."""
    filename = PurePosixPath(filename.replace("\\", "/")).name or "layer.zip"
    files = _members(data, filename)
    root = layers_root(register)
    existed = {p.name for p in root.iterdir()} if root.is_dir() else set()
    folder = _unpack(register, files)
    problems = _lint(folder, server_layers, filename)
    if problems:
        if folder.name not in existed:
            shutil.rmtree(folder, ignore_errors=True)
        raise InputError(problems)
    base = current(register)
    with register.sessions.begin() as session:
        row = LibraryLayer(name=folder.name, sha256=folder_hash(folder), filename=filename, status="pending",
                           base_id=base.id if base else None, uploaded_by=actor, uploaded_at=_now())
        session.add(row)
        session.flush()
        audit.record(session, actor=actor, action="layer-uploaded", subject=folder.name, address=address,
                     detail={"layer_id": row.id, "sha256": row.sha256, "file": filename,
                             "base": base.name if base else ""})
        return row


def decide(register: Register, layer_id: int, *, approve: bool, reviewer: str, comment: str = "",
           address: str = "") -> LibraryLayer:
    """A reviewer's decision on a 待审核 layer: approved (in force, the one before superseded) or rejected."""
    with register.sessions.begin() as session:
        row = session.scalars(select(LibraryLayer).where(LibraryLayer.id == layer_id).with_for_update()).one_or_none()
        if row is None or row.status != "pending":
            raise UsageError(msg("layers.not-pending"))
        in_force = session.scalars(select(LibraryLayer).where(LibraryLayer.status == "approved")
                                   .with_for_update()).one_or_none()
        if approve and (in_force.id if in_force else None) != row.base_id:
            raise UsageError(msg("layers.base-changed"))
        if approve and in_force is not None:
            in_force.status = "superseded"
            session.flush()  # one approved layer at a time (a unique index says so)
        row.status = "approved" if approve else "rejected"
        row.reviewed_by, row.reviewed_at, row.comment = reviewer, _now(), comment.strip()[:4000]
        audit.record(session, actor=reviewer, action="layer-approved" if approve else "layer-rejected",
                     subject=row.name, address=address, detail={"layer_id": row.id, "sha256": row.sha256,
                                                                "comment": row.comment})
        return row
