"""Writing a build: render every requested file in memory, then put the folder in place atomically.

Nothing half-written is ever left behind: all outputs are rendered first, written into a temporary
folder beside the target, and only then renamed into place. A failure at any point leaves the
previous contents of the output folder exactly as they were.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError
from .model import Contract
from .render import FORMATS, RenderOptions, extension, render

DEFAULT_FORMATS = ("docx", "pdf")


@dataclass(frozen=True, slots=True)
class Output:
    """One file of a build, rendered but not yet written."""

    path: str
    """Relative to the output folder, always inside it (``contract.pdf``, ``annexes/privacy-policy.pdf``)."""
    kind: str
    """contract | annex."""
    format: str
    data: bytes
    annex: str | None = None


def parse_formats(text: str) -> tuple[str, ...]:
    """``docx,pdf`` → ``("docx", "pdf")``; an unknown format names the available ones."""
    formats = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise UsageError(f"unknown format {', '.join(unknown) or text!r}; available: {', '.join(FORMATS)}")
    return formats


def render_outputs(contract: Contract, formats: Sequence[str], *, bundle: bool = False,
                   reference_docx: Path | None = None, contract_file: bool = True) -> list[Output]:
    """Every file of a build: the contract and each annex in each format."""
    outputs = []
    for fmt in formats:
        ext = extension(fmt)
        if contract_file:
            options = RenderOptions(bundle=bundle, reference_docx=reference_docx)
            outputs.append(Output(f"contract.{ext}", "contract", fmt, render(contract, fmt, options)))
        for annex in contract.annexes:
            options = RenderOptions(part=annex.id, reference_docx=reference_docx)
            outputs.append(Output(f"annexes/{annex.id}.{ext}", "annex", fmt, render(contract, fmt, options), annex.id))
    return outputs


def manifest(contract: Contract, outputs: Sequence[Output], *, spec_name: str, spec_sha256: str) -> dict:
    """What was built from what: the spec, the library, the clauses and every file's hash."""
    files = []
    for out in outputs:
        entry = {"path": out.path, "kind": out.kind}
        if out.annex:
            entry["annex"] = out.annex
        entry.update(format=out.format, sha256=hashlib.sha256(out.data).hexdigest())
        files.append(entry)
    clauses = []
    for article in contract.articles:
        clauses.append({"id": article.id, "number": article.number, "version": article.version})
        clauses += [{"id": c.id, "number": c.number, "version": c.version} for c in article.clauses]
    return {
        "spec": spec_name, "spec_sha256": spec_sha256, "industry": contract.industry, "draft": contract.draft,
        "library": {"layers": list(contract.library.layers), "version": contract.library.version},
        "clauses": clauses, "files": files,
    }


def check_output_folder(out_dir: Path, *, force: bool, keep: Sequence[Path] = ()) -> None:
    """Refuse an output folder the build may not replace, before any work is done.

    A build replaces the whole folder, so the folder must not hold the current folder or any of
    ``keep`` (the spec, the library layers, the reference DOCX): ``-o . --force`` must not delete
    the spec it was built from. A non-empty folder is replaced only with ``force``.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"{out_dir}: exists and is not a folder")
    target = out_dir.resolve()
    for path in (Path.cwd(), *keep):
        inside = Path(path).resolve()
        if inside == target or target in inside.parents:
            what = "the current folder" if path == Path.cwd() else str(path)
            raise UsageError(f"{out_dir}: the output folder is replaced as a whole and holds {what}; "
                             "choose a folder of its own for the output")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not force:
        raise UsageError(f"{out_dir}: output folder exists and is not empty; use --force to replace it")


def write_outputs(out_dir: Path, outputs: Sequence[Output], manifest_data: dict | None, *, force: bool,
                  keep: Sequence[Path] = ()) -> None:
    """Put the build in ``out_dir`` atomically; an existing non-empty folder needs ``force``.

    Everything is written into a temporary folder beside ``out_dir`` and renamed into place; any
    failure (disk full, permission denied, an interrupt) removes the temporary folder and leaves
    ``out_dir`` exactly as it was.
    """
    out_dir = Path(out_dir)
    check_output_folder(out_dir, force=force, keep=keep)
    parent = out_dir.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=parent))
    except OSError as exc:
        raise UsageError(f"{out_dir}: cannot create the output folder: {exc.strerror or exc}") from None
    try:
        for out in outputs:
            target = (tmp / out.path).resolve()
            if tmp.resolve() not in target.parents:  # defence in depth: ids are validated already
                raise UsageError(f"refusing to write {out.path!r} outside the output folder")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(out.data)
        if manifest_data is not None:
            text = json.dumps(manifest_data, ensure_ascii=False, indent=2) + "\n"
            (tmp / "manifest.json").write_text(text, encoding="utf-8")
        os.chmod(tmp, 0o755)
        _swap_into_place(tmp, out_dir.resolve())
    except BaseException as exc:  # interrupts too: never leave a half-written folder
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, OSError):
            raise UsageError(f"{out_dir}: cannot write the output: {exc.strerror or exc}; "
                             "the output folder was left as it was") from None
        raise


def _swap_into_place(tmp: Path, target: Path) -> None:
    """Replace ``target`` by ``tmp`` with renames only, so no reader sees a partial folder."""
    if not target.exists():
        tmp.rename(target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    old.rmdir()
    target.rename(old)
    try:
        tmp.rename(target)
    except BaseException:
        old.rename(target)
        raise
    shutil.rmtree(old, ignore_errors=True)
