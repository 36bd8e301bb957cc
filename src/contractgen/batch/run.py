"""Rendering a checked batch: every good row's contract into its subfolder, the row specs and the report.

Owns the order of a batch run: refuse before any work when a row is wrong (unless ``keep_going``),
render the rows through a ``concurrent.futures.Executor`` (a process pool by default, or the one
the caller gives, such as a Dask cluster's), write each contract as it arrives, then the spec of
every row (``OUT/规格/``) and ``OUT/报告.xlsx``, all put in place at once by ``build.write_builds``
(nothing half-written). Workers get the library once (the pool's initializer; ``library`` for an
executor whose tasks carry it) and compose each row from its spec text, so the parent never holds
more than a few contracts' bytes. Progress is reported through a callback, after each contract.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import pickle
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..build import Build, Output, file_entries, in_order, manifest, process_pool, render_outputs, write_builds
from ..compose import compose
from ..library import Library
from ..render import DEFAULT_PDF_ENGINE
from .report import REPORT_NAME, RowResult, report_xlsx
from .rows import SPEC_FOLDER, BatchError, Checked, Plan

Progress = Callable[[int, int], None]
"""Called with (contracts written, contracts to write) once before the first and after each one."""


@dataclass(frozen=True, slots=True)
class RenderSettings:
    """What to render for every row: the formats and the options ``build`` has."""

    formats: tuple[str, ...]
    bundle: bool = False
    reference_docx: Path | None = None
    pdf_engine: str = DEFAULT_PDF_ENGINE
    pdf_standard: str | None = None


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What a batch wrote."""

    contracts: int
    files: int
    failed: int
    """Rows left out (``keep_going``), each named in the report."""


def run_batch(plan: Plan, library: Library, out_dir: Path, settings: RenderSettings, *, jobs: int = 1,
              executor: Executor | None = None, library_ref: Any = None, pool: Executor | None = None,
              keep_going: bool = False, force: bool = False, keep: Sequence[Path] = (),
              progress: Progress | None = None) -> BatchResult:
    """Render the plan's good rows into ``out_dir`` with their specs and the report; ``BatchError`` when rows are wrong.

    Without ``keep_going`` one wrong row stops the batch before anything is written. ``executor``
    renders instead of a pool of ``jobs`` processes; its tasks get ``library_ref`` as the library
    (what the executor resolves to the library on its workers, e.g. a Dask future), or the library.
    ``pool`` is a ``batch_pool`` already started (the one that checked the rows), used as it is.
    """
    if plan.problems and not keep_going:
        raise BatchError(plan.problems)
    good = plan.good
    if not good:
        raise BatchError(plan.problems)
    progress = progress or (lambda done, total: None)
    progress(0, len(good))
    rendered = render_rows(good, library, settings, jobs=jobs, executor=executor, library_ref=library_ref, pool=pool)
    results: dict[int, RowResult] = {}
    with contextlib.closing(rendered):  # a failed write stops the workers too
        files = write_builds(out_dir, _builds(plan, good, rendered, results, progress), force=force, keep=keep)
    return BatchResult(len(good), files, len(plan.rows) - len(good))


def _builds(plan: Plan, good: Sequence[Checked], rendered: Iterator[tuple[list[Output], dict]],
            results: dict[int, RowResult], progress: Progress) -> Iterator[Build]:
    specs = [row.spec for row in good if row.spec is not None]
    for done, (spec, (outputs, manifest_data)) in enumerate(zip(specs, rendered, strict=True), 1):
        yield spec.folder, outputs, manifest_data
        results[spec.row] = RowResult(spec.folder, tuple((f["path"], f["sha256"]) for f in manifest_data["files"]))
        progress(done, len(good))
    yield SPEC_FOLDER, [Output(s.spec_name, "spec", "yaml", s.text.encode("utf-8")) for s in specs], None
    yield "", [Output(REPORT_NAME, "report", "xlsx", report_xlsx(plan, results))], None


def render_rows(rows: Sequence[Checked], library: Library, settings: RenderSettings, *, jobs: int = 1,
                executor: Executor | None = None, library_ref: Any = None,
                pool: Executor | None = None) -> Iterator[tuple[list[Output], dict]]:
    """Each row's files and manifest, in order: here (one job), on ``jobs`` processes, or on ``executor``.

    An annex file that an earlier row of the batch has rendered already (same ``annex_key``, same
    format) is not rendered again: the worker leaves it out and it is filled in here from the cache.
    """
    cache = AnnexCache()
    skipped: dict[int, frozenset[tuple[str, str]]] = {}

    def calls(with_library: Any) -> Iterator[tuple]:
        for row in rows:  # planned as the call is handed out, so earlier rows' annexes are known
            skipped[row.row] = cache.plan(row, settings.formats)
            assert row.spec is not None
            yield (row.spec.text, row.spec.spec_name, settings, skipped[row.row], *with_library)

    if pool is not None:
        raw = in_order(pool, render_row, calls(()), window=2 * max(1, jobs))
    elif executor is not None:
        ref = library if library_ref is None else library_ref
        raw = in_order(executor, render_row, calls((ref,)), window=2 * _workers(executor, jobs))
    elif jobs <= 1 or len(rows) <= 1:
        raw = (render_row(*call) for call in calls((library,)))
    else:
        raw = _in_pool(calls(()), library, min(jobs, len(rows)))
    return _settled(rows, raw, cache, skipped)


def _settled(rows: Sequence[Checked], raw: Iterator[tuple[list[Output], dict]], cache: AnnexCache,
             skipped: dict[int, frozenset[tuple[str, str]]]) -> Iterator[tuple[list[Output], dict]]:
    with contextlib.closing(raw):  # type: ignore[type-var]
        for row, (outputs, manifest_data) in zip(rows, raw, strict=True):
            outputs = cache.settle(row, skipped.pop(row.row), outputs)
            yield outputs, dict(manifest_data, files=file_entries(outputs))


def _in_pool(calls: Iterator[tuple], library: Library, workers: int) -> Iterator[tuple[list[Output], dict]]:
    with batch_pool(library, workers) as pool:
        yield from in_order(pool, render_row, calls, window=2 * workers)


@contextlib.contextmanager
def batch_pool(library: Library, workers: int) -> Iterator[Executor]:
    """A process pool whose ``workers`` hold ``library`` (it crosses once per worker), shut down on exit:
    the rows are checked (``plan_batch(pool=...)``) and rendered (``run_batch(pool=...)``) on it."""
    pool = process_pool(workers, _install_library, (pickle.dumps(library),))
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _workers(executor: Executor, jobs: int) -> int:
    """How many workers the executor has, to keep each busy (a Dask executor says; else ``jobs``)."""
    client = getattr(executor, "_client", None)
    if client is not None:
        with contextlib.suppress(Exception):
            return max(1, sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()))
    return max(1, jobs)


class AnnexCache:
    """Annex files a batch has rendered, by ``(annex_key, format)``, for the later rows that share them.

    ``plan`` decides, as a row is handed to a worker, which of its annexes an earlier row renders
    (or has rendered) already; ``settle`` fills them into the row's outputs when it comes back, in
    order, so the earlier row's files are always here by then. Files no row waits for are dropped
    oldest first past ``budget`` bytes, and rendered again if a later row needs them.
    """

    def __init__(self, budget: int = 64 * 1024 * 1024) -> None:
        self.budget = budget
        self.files: collections.OrderedDict[tuple[str, str], bytes | None] = collections.OrderedDict()
        """None: being rendered by a row still in flight."""
        self.waiting: collections.Counter[tuple[str, str]] = collections.Counter()
        self.size = 0
        self.hits = 0

    def plan(self, row: Checked, formats: Sequence[str]) -> frozenset[tuple[str, str]]:
        """The ``(annex id, format)`` pairs the row's worker leaves out."""
        skip = set()
        for annex, key in row.annexes:
            for fmt in formats:
                if (key, fmt) in self.files:
                    skip.add((annex, fmt))
                    self.waiting[(key, fmt)] += 1
                else:
                    self.files[(key, fmt)] = None
        return frozenset(skip)

    def settle(self, row: Checked, skip: frozenset[tuple[str, str]], outputs: list[Output]) -> list[Output]:
        """The row's outputs with the left-out annexes filled in; what it rendered kept for later rows."""
        keys = dict(row.annexes)
        filled = []
        for out in outputs:
            if out.annex is not None and out.annex in keys:
                key = (keys[out.annex], out.format)
                if (out.annex, out.format) in skip:
                    data = self.files[key]
                    assert data is not None, "an annex was filled in before the row rendering it came back"
                    out = dataclasses.replace(out, data=data)
                    self.waiting[key] -= 1
                    self.hits += 1
                elif self.files.get(key) is None:
                    self.files[key] = out.data
                    self.size += len(out.data)
                self.files.move_to_end(key)
            filled.append(out)
        self._trim()
        return filled

    def _trim(self) -> None:
        for key in list(self.files):
            if self.size <= self.budget:
                return
            data = self.files[key]
            if data is not None and self.waiting[key] <= 0:
                del self.files[key]
                self.size -= len(data)


_library: Library | None = None
"""The library of a pool worker, installed once by ``_install_library``."""


def _install_library(data: bytes) -> None:
    global _library
    _library = pickle.loads(data)


def worker_library() -> Library:
    """The library of this pool worker (``batch_pool``)."""
    assert _library is not None, "the worker was started without its library"
    return _library


def render_row(text: str, spec_name: str, settings: RenderSettings, skip: frozenset[tuple[str, str]] = frozenset(),
               library: Library | None = None) -> tuple[list[Output], dict]:
    """One row's contract composed from its spec text and rendered: its files and manifest, as ``build`` makes them.

    The annexes in ``skip`` are left out (``Output`` without data) for ``AnnexCache.settle`` to fill in.
    """
    from ..spec import parse_spec

    library = library if library is not None else _library
    assert library is not None, "the worker was started without its library"
    spec = parse_spec(text.encode("utf-8"), spec_name)
    contract = compose(spec, library)
    outputs = render_outputs(contract, settings.formats, bundle=settings.bundle, reference_docx=settings.reference_docx,
                             pdf_engine=settings.pdf_engine, pdf_standard=settings.pdf_standard, skip=skip)
    return outputs, manifest(contract, outputs, spec_name=spec_name, spec_sha256=spec.sha256)
