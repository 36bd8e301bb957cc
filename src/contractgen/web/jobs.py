"""Background jobs of the web app: a batch from a sheet runs in a thread while its page shows the progress.

Owns the jobs' state (rows done of total, the contracts recorded, the rows refused, an internal
error) in the server process's memory, under a lock, each job named by a random token. A job only
calls ``batch.record.record_batch`` (the register does the rest, one transaction per contract), so
a server stopped half way leaves whole contracts in the register and nothing half-written; the job
itself, its progress page and its downloads, are gone with the process.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..batch.record import Recorded, record_batch
from ..batch.rows import Plan
from ..library import Library
from ..register import Register
from ..render import DEFAULT_PDF_ENGINE

KEEP = 200
"""Finished jobs kept (the oldest are forgotten first): their pages and downloads stay reachable."""


@dataclass
class Job:
    """One batch being generated into the register."""

    id: str
    plan: Plan
    user: str
    sheet_name: str
    total: int
    done: int = 0
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    recorded: Recorded | None = None
    failed: bool = False
    """An internal error stopped it (logged); the contracts recorded before it stay in the register."""

    @property
    def running(self) -> bool:
        return self.finished is None

    @property
    def percent(self) -> int:
        return 100 * self.done // self.total if self.total else 100


class Jobs:
    """The app's jobs, by id."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.jobs: dict[str, Job] = {}

    def start(self, plan: Plan, register: Register, library: Library, *, formats: Sequence[str], user: str,
              team: str = "", address: str = "", sheet_name: str, log,  # noqa: ANN001 - the app's logger
              pdf_engine: str = DEFAULT_PDF_ENGINE, pdf_standard: str | None = None) -> Job:
        job = Job(secrets.token_urlsafe(16), plan, user, sheet_name, len(plan.good))

        def progress(done: int, total: int) -> None:
            with self.lock:
                job.done = done

        def run() -> None:
            try:
                recorded = record_batch(plan, register, library, formats=formats, user=user, team=team,
                                        address=address, progress=progress, pdf_engine=pdf_engine,
                                        pdf_standard=pdf_standard)
            except Exception:  # a bug: logged with its traceback, the page says it stopped
                log.exception("batch job %s stopped", job.id)
                recorded, job.failed = None, True
            with self.lock:
                job.recorded, job.finished = recorded, time.monotonic()

        with self.lock:
            self.jobs[job.id] = job
            finished = [j for j in self.jobs.values() if not j.running]
            for old in sorted(finished, key=lambda j: j.started)[:max(0, len(finished) - KEEP)]:
                del self.jobs[old.id]
        threading.Thread(target=run, name=f"batch-{job.id[:6]}", daemon=True).start()
        return job

    def get(self, job_id: str) -> Job | None:
        with self.lock:
            return self.jobs.get(job_id)
