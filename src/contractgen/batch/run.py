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

import contextlib
import pickle
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..build import Build, Output, in_order, manifest, process_pool, render_outputs, write_builds
from ..compose import compose
from ..library import Library
from ..render import DEFAULT_PDF_ENGINE
from .report import REPORT_NAME, RowResult, report_xlsx
from .rows import SPEC_FOLDER, BatchError, Plan, RowSpec

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
              executor: Executor | None = None, library_ref: Any = None, keep_going: bool = False,
              force: bool = False, keep: Sequence[Path] = (), progress: Progress | None = None) -> BatchResult:
    """Render the plan's good rows into ``out_dir`` with their specs and the report; ``BatchError`` when rows are wrong.

    Without ``keep_going`` one wrong row stops the batch before anything is written. ``executor``
    renders instead of a pool of ``jobs`` processes; its tasks get ``library_ref`` as the library
    (what the executor resolves to the library on its workers, e.g. a Dask future), or the library.
    """
    if plan.problems and not keep_going:
        raise BatchError(plan.problems)
    good = [row.spec for row in plan.good if row.spec is not None]
    if not good:
        raise BatchError(plan.problems)
    progress = progress or (lambda done, total: None)
    progress(0, len(good))
    rendered = render_rows(good, library, settings, jobs=jobs, executor=executor, library_ref=library_ref)
    results: dict[int, RowResult] = {}
    with contextlib.closing(rendered):  # a failed write stops the workers too
        files = write_builds(out_dir, _builds(plan, good, rendered, results, progress), force=force, keep=keep)
    return BatchResult(len(good), files, len(plan.rows) - len(good))


def _builds(plan: Plan, good: Sequence[RowSpec], rendered: Iterator[tuple[list[Output], dict]],
            results: dict[int, RowResult], progress: Progress) -> Iterator[Build]:
    for done, (spec, (outputs, manifest_data)) in enumerate(zip(good, rendered, strict=True), 1):
        yield spec.folder, outputs, manifest_data
        results[spec.row] = RowResult(spec.folder, tuple((f["path"], f["sha256"]) for f in manifest_data["files"]))
        progress(done, len(good))
    yield SPEC_FOLDER, [Output(s.spec_name, "spec", "yaml", s.text.encode("utf-8")) for s in good], None
    yield "", [Output(REPORT_NAME, "report", "xlsx", report_xlsx(plan, results))], None


def render_rows(specs: Sequence[RowSpec], library: Library, settings: RenderSettings, *, jobs: int = 1,
                executor: Executor | None = None, library_ref: Any = None) -> Iterator[tuple[list[Output], dict]]:
    """Each row's files and manifest, in order: here (one job), on ``jobs`` processes, or on ``executor``."""
    if executor is not None:
        ref = library if library_ref is None else library_ref
        return in_order(executor, render_row, ((s.text, s.spec_name, settings, ref) for s in specs),
                        window=2 * _workers(executor, jobs))
    if jobs <= 1 or len(specs) <= 1:
        return (render_row(s.text, s.spec_name, settings, library) for s in specs)
    return _in_pool(specs, library, settings, min(jobs, len(specs)))


def _in_pool(specs: Sequence[RowSpec], library: Library, settings: RenderSettings,
             workers: int) -> Iterator[tuple[list[Output], dict]]:
    pool = process_pool(workers, _install_library, (pickle.dumps(library),))  # the library crosses once per worker
    try:
        yield from in_order(pool, render_row, ((s.text, s.spec_name, settings) for s in specs), window=2 * workers)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _workers(executor: Executor, jobs: int) -> int:
    """How many workers the executor has, to keep each busy (a Dask executor says; else ``jobs``)."""
    client = getattr(executor, "_client", None)
    if client is not None:
        with contextlib.suppress(Exception):
            return max(1, sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()))
    return max(1, jobs)


_library: Library | None = None
"""The library of a pool worker, installed once by ``_install_library``."""


def _install_library(data: bytes) -> None:
    global _library
    _library = pickle.loads(data)


def render_row(text: str, spec_name: str, settings: RenderSettings,
               library: Library | None = None) -> tuple[list[Output], dict]:
    """One row's contract composed from its spec text and rendered: its files and manifest, as ``build`` makes them."""
    from ..spec import parse_spec

    library = library if library is not None else _library
    assert library is not None, "the worker was started without its library"
    spec = parse_spec(text.encode("utf-8"), spec_name)
    contract = compose(spec, library)
    outputs = render_outputs(contract, settings.formats, bundle=settings.bundle, reference_docx=settings.reference_docx,
                             pdf_engine=settings.pdf_engine, pdf_standard=settings.pdf_standard)
    return outputs, manifest(contract, outputs, spec_name=spec_name, spec_sha256=spec.sha256)
