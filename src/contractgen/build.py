"""Writing a build: render every requested file in memory, then put the folder in place atomically.

Nothing half-written is ever left behind: outputs are written into a temporary folder beside the
target, and only then renamed into place. A failure at any point leaves the previous contents of
the output folder exactly as they were. A batch (``render_many``) renders many contracts on several
processes and writes each one's files into its own subfolder of the one temporary folder as they
arrive, so only a few contracts' bytes are held in memory at a time.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import functools
import hashlib
import itertools
import json
import os
import shutil
import signal
import tempfile
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from . import signals
from .errors import UsageError
from .i18n import msg
from .model import Contract
from .render import DEFAULT_PDF_ENGINE, FORMATS, RenderOptions, extension, render

if TYPE_CHECKING:
    from concurrent.futures import Executor, Future, ProcessPoolExecutor

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
        raise UsageError(msg("build.unknown-format", format=", ".join(unknown) or text, choices=FORMATS))
    return formats


def render_outputs(contract: Contract, formats: Sequence[str], *, bundle: bool = False,
                   reference_docx: Path | None = None, contract_file: bool = True,
                   pdf_engine: str = DEFAULT_PDF_ENGINE, pdf_standard: str | None = None,
                   skip: Container[tuple[str, str]] = ()) -> list[Output]:
    """Every file of a build: the contract and each annex in each format (PDFs by ``pdf_engine``).

    Each annex is rendered from its ``annex_view``, so two contracts whose views are equal get the
    same annex bytes (a batch renders those once). An annex in ``skip`` (``(annex id, format)``) is
    left out as an ``Output`` without ``data``, for the caller to fill from an earlier one.
    """
    outputs = []
    base = RenderOptions(reference_docx=reference_docx, pdf_engine=pdf_engine, pdf_standard=pdf_standard)
    for fmt in formats:
        ext = extension(fmt)
        if contract_file:
            options = dataclasses.replace(base, bundle=bundle)
            outputs.append(Output(f"contract.{ext}", "contract", fmt, render(contract, fmt, options)))
        for annex in contract.annexes:
            path = f"annexes/{annex.id}.{ext}"
            if (annex.id, fmt) in skip:
                outputs.append(Output(path, "annex", fmt, b"", annex.id))
                continue
            options = dataclasses.replace(base, part=annex.id)
            outputs.append(Output(path, "annex", fmt, render(annex_view(contract, annex.id), fmt, options), annex.id))
    return outputs


def annex_view(contract: Contract, annex_id: str) -> Contract:
    """The contract as an annex rendered alone sees it: that annex, and the contract's title, number,
    date, place, industry and library; no parties, articles or other annexes.

    An annex's file names its contract (《title》附件, 合同编号) and carries its date and keywords,
    nothing else of it; a draft's annexes list the whole contract's blanks, so a draft is kept whole.
    Equal views render to equal bytes: ``annex_key`` is a batch's cache key.
    """
    if contract.draft:
        return contract
    return dataclasses.replace(contract, parties=(), preamble=(), articles=(), values=(), blanks=(),
                               annexes=tuple(a for a in contract.annexes if a.id == annex_id))


def annex_key(contract: Contract, annex_id: str) -> str:
    """A hash of the composed annex model (``annex_view``): equal hashes, equal annex files (per format and options)."""
    from .model import to_dict

    # The model as compact JSON, not ``to_json``'s indented text: the same digest of the same model,
    # but written by the json module's C encoder (indenting falls back to Python), 5× faster: a batch
    # computes it for each annex of every row.
    text = json.dumps(to_dict(annex_view(contract, annex_id)), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def batch_folders(spec_paths: Sequence[Path], out_dir: Path) -> list[str]:
    """The subfolder of each spec's contract in a batch (its file name's stem); clashes are usage errors."""
    if len(spec_paths) == 1:
        return [""]
    seen_files: dict[Path, Path] = {}
    seen_stems: dict[str, Path] = {}
    for path in spec_paths:
        if path.resolve() in seen_files:
            first = seen_files[path.resolve()]
            raise UsageError(msg("build.spec-twice", path=str(path)) if first == path
                             else msg("build.same-spec-file", path=str(path), first=str(first)))
        if path.stem in ("", ".", ".."):
            raise UsageError(msg("build.spec-name-no-folder", path=str(path)))
        # Case-folded: OUT/Hotel and OUT/hotel are one folder on macOS and Windows.
        if path.stem.casefold() in seen_stems:
            first = seen_stems[path.stem.casefold()]
            raise UsageError(msg("build.same-subfolder", first=str(first), path=str(path), folder=str(out_dir / path.stem)))
        seen_files[path.resolve()] = seen_stems[path.stem.casefold()] = path
    return [path.stem for path in spec_paths]


def default_jobs() -> int:
    """How many processes a batch uses by default: the CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):  # honours taskset and container CPU sets; not on macOS
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def render_many(contracts: Sequence[Contract], formats: Sequence[str], *, jobs: int, bundle: bool = False,
                reference_docx: Path | None = None, pdf_engine: str = DEFAULT_PDF_ENGINE,
                pdf_standard: str | None = None) -> Iterator[list[Output]]:
    """Each contract's files (what ``render_outputs`` gives), in input order, rendered on ``jobs`` processes.

    With one job or one contract everything is rendered here. Otherwise worker processes render
    the contracts, at most two per worker in flight, so memory stays bounded however many there
    are. An error raised while rendering arrives here as itself (same class, same message); an
    error or interrupt here, or closing the generator early (``close()``), cancels what has not
    started. Workers start by forkserver or spawn, so a script calling this with ``jobs > 1`` needs
    the usual ``if __name__ == "__main__":`` guard around its own work.
    """
    if jobs < 1:
        raise UsageError(msg("build.jobs-too-few", option="jobs", jobs=jobs))
    render_one = functools.partial(render_outputs, formats=tuple(formats), bundle=bundle,
                                   reference_docx=reference_docx, pdf_engine=pdf_engine, pdf_standard=pdf_standard)
    if jobs == 1 or len(contracts) <= 1:
        return (render_one(contract) for contract in contracts)
    return _render_in_pool(render_one, contracts, min(jobs, len(contracts)))


def _render_in_pool(render_one: Callable[[Contract], list[Output]], contracts: Sequence[Contract],
                    workers: int) -> Iterator[list[Output]]:
    """``render_many`` on a pool of ``workers`` processes, each keeping its own PDF engine warm."""
    pool = process_pool(workers)
    try:
        yield from in_order(pool, render_one, ((contract,) for contract in contracts), window=2 * workers)
    finally:
        # Queued contracts are dropped; the ones being rendered (one per worker, and one more the
        # pool has already handed out) finish first, then the workers exit.
        pool.shutdown(wait=True, cancel_futures=True)


T = TypeVar("T")


def in_order(executor: Executor, func: Callable[..., T], calls: Iterable[tuple], *, window: int) -> Iterator[T]:
    """``func(*args)`` for each of ``calls`` on ``executor``, results in input order, at most ``window`` in flight.

    Any ``concurrent.futures.Executor`` will do (a process pool, a Dask cluster's executor): memory
    stays bounded however many calls there are, and an error raised by a call arrives here as
    itself. Closing the generator early cancels the calls not yet started (the executor's owner
    shuts it down).
    """
    waiting = iter(calls)
    in_flight: collections.deque[Future[T]] = collections.deque(
        executor.submit(func, *args) for args in itertools.islice(waiting, window))
    try:
        while in_flight:
            result = in_flight.popleft().result()
            for args in itertools.islice(waiting, 1):  # keep the workers busy while this one is written
                in_flight.append(executor.submit(func, *args))
            yield result
    finally:
        for future in in_flight:
            future.cancel()


def process_pool(workers: int, initializer: Callable[..., None] | None = None,
                 initargs: tuple = ()) -> ProcessPoolExecutor:
    """Worker processes started by forkserver where there is one, else spawn; never fork; each runs
    ``initializer(*initargs)`` first (a batch hands its library over once per worker this way).

    Forking a process that has loaded Pango and fontconfig (a parent that rendered a PDF, or a test
    process) copies their locks and threads in whatever state they are: workers could deadlock.
    Imported here, not at the top: a single build does not pay ~40 ms for the process machinery.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    _own_multiprocessing_folder()
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    with signals.deferred():
        # multiprocessing's helper processes leave SIGTERM and SIGHUP sent to the whole group (by
        # ``timeout``, a closed terminal) to us, as they do SIGINT: started now, they inherit the
        # blocked signals (and the workers they fork ignore them). Else they die mid-batch and print
        # tracebacks. Deferred, not ignored, here: a signal arriving meanwhile still stops us after.
        from multiprocessing import resource_tracker

        resource_tracker.ensure_running()
        if method == "forkserver":
            from multiprocessing import forkserver

            forkserver.ensure_running()
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(method),
                               initializer=_start_worker, initargs=(initializer, initargs))


POOL_FOLDER_PREFIX = "contractgen-mp-"


def _own_multiprocessing_folder() -> None:
    """Give multiprocessing a temporary folder named as ours (``contractgen-mp-pid123-…``), not ``pymp-…``.

    It holds the forkserver's socket for the life of the process and is removed at exit, as
    multiprocessing removes its own; a process killed outright leaves it, and the next batch
    removes it (``signals.remove_stale``): a ``pymp-`` folder could be anybody's.
    """
    from multiprocessing import process, util

    config = process.current_process()._config  # where multiprocessing.util.get_temp_dir() looks first
    # The forkserver's socket goes in it, and a socket's path has at most 107 bytes: with a long
    # TMPDIR, leave multiprocessing its own shorter name.
    if config.get("tempdir") is not None or len(tempfile.gettempdir()) + len(POOL_FOLDER_PREFIX) + 50 > 107:
        return
    signals.remove_stale(Path(tempfile.gettempdir()), POOL_FOLDER_PREFIX)
    folder = tempfile.mkdtemp(prefix=POOL_FOLDER_PREFIX + signals.tag())
    util.Finalize(None, shutil.rmtree, args=(folder, True), exitpriority=-100)
    config["tempdir"] = folder


def _start_worker(initializer: Callable[..., None] | None, initargs: tuple) -> None:
    _ignore_interrupts()
    if initializer is not None:
        initializer(*initargs)


def _ignore_interrupts() -> None:
    """Workers leave Ctrl-C, SIGTERM and SIGHUP (sent to the whole process group) to the parent,
    which cancels the batch and shuts them down, so they end normally and remove their own
    temporary folders; else each would print a traceback, or die leaving its folders behind."""
    for signum in (signal.SIGINT, *signals.HANDLED):
        signal.signal(signum, signal.SIG_IGN)


def manifest(contract: Contract, outputs: Sequence[Output], *, spec_name: str, spec_sha256: str) -> dict:
    """What was built from what: the spec, the library, the clauses and every file's hash."""
    clauses = []
    for article in contract.articles:
        clauses.append({"id": article.id, "number": article.number, "version": article.version})
        clauses += [{"id": c.id, "number": c.number, "version": c.version} for c in article.clauses]
    return {
        "spec": spec_name, "spec_sha256": spec_sha256, "industry": contract.industry, "draft": contract.draft,
        **({"blank": True} if contract.blank else {}),
        "library": {"layers": list(contract.library.layers), "version": contract.library.version},
        "clauses": clauses, "files": file_entries(outputs),
    }


def file_entries(outputs: Sequence[Output]) -> list[dict]:
    """The manifest's ``files``: each output's path, kind, annex, format and SHA-256."""
    files = []
    for out in outputs:
        entry = {"path": out.path, "kind": out.kind}
        if out.annex:
            entry["annex"] = out.annex
        entry.update(format=out.format, sha256=hashlib.sha256(out.data).hexdigest())
        files.append(entry)
    return files


def check_output_folder(out_dir: Path, *, force: bool, keep: Sequence[Path] = ()) -> None:
    """Refuse an output folder the build may not replace, before any work is done.

    A build replaces the whole folder, so the folder must not hold the current folder or any of
    ``keep`` (the spec, the library layers, the reference DOCX): ``-o . --force`` must not delete
    the spec it was built from. A non-empty folder is replaced only with ``force``.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(msg("build.output-not-folder", folder=str(out_dir)))
    target = out_dir.resolve()
    for path in (Path.cwd(), *keep):
        inside = Path(path).resolve()
        if inside == target or target in inside.parents:
            what = msg("build.current-folder") if path == Path.cwd() else str(path)
            raise UsageError(msg("build.output-holds-input", folder=str(out_dir), what=what))
    if out_dir.is_dir() and any(out_dir.iterdir()) and not force:
        raise UsageError(msg("build.output-not-empty", folder=str(out_dir)))


def write_outputs(out_dir: Path, outputs: Sequence[Output], manifest_data: dict | None, *, force: bool,
                  keep: Sequence[Path] = ()) -> None:
    """Put the build in ``out_dir`` atomically; an existing non-empty folder needs ``force``.

    Everything is written into a temporary folder beside ``out_dir`` and renamed into place; any
    failure (disk full, permission denied, an interrupt) removes the temporary folder and leaves
    ``out_dir`` exactly as it was.
    """
    write_builds(out_dir, [("", outputs, manifest_data)], force=force, keep=keep)


Build = tuple[str, Sequence[Output], dict | None]
"""One contract's part of a build: its subfolder (``""`` for the output folder itself), files, manifest."""


def write_builds(out_dir: Path, builds: Iterable[Build], *, force: bool, keep: Sequence[Path] = ()) -> int:
    """``write_outputs`` for several contracts, each into its subfolder as ``builds`` yields it; the number of files.

    ``builds`` may be rendering as it goes (``render_many``): only the contract being written is
    held in memory, and everything is put in place together at the end, or not at all.
    """
    out_dir = Path(out_dir)
    check_output_folder(out_dir, force=force, keep=keep)
    tmp, files = None, 0
    try:
        with signals.deferred():  # a signal between making the folder and noting it would leave it behind
            tmp = _temporary_folder(out_dir)
        for subfolder, outputs, manifest_data in builds:
            with _writing(out_dir):
                _write_files(tmp, subfolder, outputs, manifest_data)
            files += len(outputs)
        with _writing(out_dir), signals.deferred():  # the old folder moved aside must come back
            os.chmod(tmp, 0o755)
            _swap_into_place(tmp, out_dir.resolve())
    except BaseException:  # interrupts too: never leave a half-written folder
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        raise
    return files


def write_file(path: Path, data: bytes) -> None:
    """One file put in place atomically (a temporary file beside it, renamed): never half a file."""
    path = Path(path)
    tmp = None
    with _writing(path):
        try:
            with signals.deferred():
                fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.tmp-{signals.tag()}", dir=path.resolve().parent)
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            if tmp is not None:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)
            raise


def _temporary_folder(out_dir: Path) -> Path:
    """An empty folder beside ``out_dir``, on the same file system so it can be renamed into place."""
    parent = out_dir.resolve().parent
    for kind in ("tmp", "old"):  # left by a build that was killed outright (SIGKILL, power cut)
        signals.remove_stale(parent, f".{out_dir.name}.{kind}-")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-{signals.tag()}", dir=parent))
    except OSError as exc:
        raise UsageError(msg("build.cannot-create-output", folder=str(out_dir), reason=str(exc.strerror or exc))) from None


@contextlib.contextmanager
def _writing(out_dir: Path) -> Iterator[None]:
    """A failed write (disk full, permission denied) is the user's to fix: a message, not a traceback.

    Only around writing: an ``OSError`` while rendering stays an internal error.
    """
    try:
        yield
    except OSError as exc:
        raise UsageError(msg("build.cannot-write-output", folder=str(out_dir), reason=str(exc.strerror or exc))) from None


def _write_files(root: Path, subfolder: str, outputs: Sequence[Output], manifest_data: dict | None) -> None:
    """One contract's files and manifest into ``root/subfolder``, refusing any path that leads outside it."""
    folder = (root / subfolder).resolve()
    if folder != root.resolve() and root.resolve() not in folder.parents:
        raise UsageError(msg("build.outside-output", path=subfolder))
    for out in outputs:
        target = (folder / out.path).resolve()
        if folder not in target.parents:  # defence in depth: ids are validated already
            raise UsageError(msg("build.file-outside-output", path=out.path))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(out.data)
    if manifest_data is not None:
        folder.mkdir(parents=True, exist_ok=True)
        text = json.dumps(manifest_data, ensure_ascii=False, indent=2) + "\n"
        (folder / "manifest.json").write_text(text, encoding="utf-8")


def _swap_into_place(tmp: Path, target: Path) -> None:
    """Replace ``target`` by ``tmp`` with renames only, so no reader sees a partial folder."""
    if not target.exists():
        tmp.rename(target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-{signals.tag()}", dir=target.parent))
    old.rmdir()
    target.rename(old)
    try:
        tmp.rename(target)
    except BaseException:
        old.rename(target)
        raise
    shutil.rmtree(old, ignore_errors=True)
