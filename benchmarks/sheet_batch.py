"""Benchmark rows of the spreadsheet batch (issue 17, ``make bench``): ``contractgen batch`` on a sheet of
``rows`` hotel customers, DOCX + PDF, as a command line in its own process tree.

1. the batch on every core: time at a quarter, half and all of the rows (from its progress callback,
   so linear growth shows), and the peak memory of the whole process tree (the command and its pool
   workers, summed, polled from /proc);
2. ``contractgen build SPEC...`` of the same rows' specs (``OUT/规格/*.yaml``): what a batch cost before
   the annex cache (the rows share a provider, options and signing date, and have no contract number
   yet, so their annexes are the same);
3. the same batch on a local Dask cluster (a scheduler and one single-threaded worker per core, on
   127.0.0.1, started and stopped here) through ``--executor dask://``;
4. when Typst is installed, 1. and 2. again with ``--pdf-engine typst``: what the annex cache saves
   when every PDF is cheap (no target: the issue's 2× is the default engine's).

The commands take turns, in rounds (``measure_sheet_batch``).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

BIN = Path(sys.executable).parent
INDUSTRY = "hotel"


@dataclass(frozen=True)
class SheetRun:
    """One run of a batch command: seconds, the checkpoints (rows done, seconds) and the tree's peak memory."""

    seconds: float
    checkpoints: tuple[tuple[int, float], ...]
    peak_bytes: int


@dataclass(frozen=True)
class SheetBatch:
    rows: int
    jobs: int
    batch: SheetRun
    build: SheetRun
    dask: SheetRun | None
    typst: tuple[SheetRun, SheetRun] | None = None
    """The batch and the build with ``--pdf-engine typst``, when Typst is installed."""
    note: str = ""


def write_sheet(path: Path, rows: int) -> Path:
    """``rows`` customers of the example hotel contract, as XLSX (what a legal team hands in)."""
    from openpyxl import Workbook

    from contractgen.batch.columns import columns
    from contractgen.batch.template import _cell, _example, _get
    from contractgen.library import load_library

    library = load_library()
    fields = [f for f in columns(library, INDUSTRY) if f.key != "contract_no"]  # numbered later, by the register
    example = _example(library, INDUSTRY)
    row = [_cell(library, INDUSTRY, f, _get(example, f.key)) for f in fields]
    name, id_number = (next(i for i, f in enumerate(fields) if f.key == k)
                       for k in ("parties.customer.name", "parties.customer.id_number"))
    book = Workbook(write_only=True)
    sheet = book.create_sheet(library.industry[INDUSTRY].name)
    sheet.append([f.label for f in fields])
    for n in range(rows):
        cells = list(row)
        cells[name], cells[id_number] = f"客户{n + 1:05d}", _id_number(n)
        sheet.append(cells)
    book.save(path)
    return path


def _id_number(serial: int) -> str:
    body = f"11010519900307{serial % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def tree_rss(pid: int) -> int:
    """Resident memory of ``pid`` and every process below it, in bytes (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        parent = int(fields.get("PPid", "0").strip() or 0)
        children.setdefault(parent, []).append(int(entry))
        rss[int(entry)] = int(fields.get("VmRSS", "0 kB").split()[0]) * 1024
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += rss.get(current, 0)
        todo += children.get(current, [])
    return total


def run_measured(args: Sequence[str], env: dict[str, str] | None = None) -> SheetRun:
    """Run a command, polling its process tree's memory; its progress lines (``BENCH n seconds``) as checkpoints."""
    start = time.perf_counter()
    proc = subprocess.Popen(list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss(proc.pid))
        time.sleep(0.2)
    seconds = time.perf_counter() - start
    out, err = proc.communicate()
    if proc.returncode:
        raise RuntimeError(f"{' '.join(args[:3])} failed ({proc.returncode}):\n{err[-2000:]}")
    points = tuple((int(n), float(t)) for n, t in (line.split()[1:3] for line in out.splitlines()
                                                   if line.startswith("BENCH ")))
    return SheetRun(seconds, points, peak)


def batch_command(sheet: Path, out: Path, checkpoints: Sequence[int], *extra: str) -> list[str]:
    """``contractgen batch`` in a process that prints ``BENCH rows seconds`` at each checkpoint."""
    code = ("import sys, time\n"
            "from contractgen.batch import run\n"
            "points, start, real = set(map(int, sys.argv[1].split(','))), time.perf_counter(), run.run_batch\n"
            "def timed(*a, progress=None, **k):\n"
            "    def tick(done, total):\n"
            "        if done in points: print('BENCH', done, time.perf_counter() - start, flush=True)\n"
            "        if progress: progress(done, total)\n"
            "    return real(*a, progress=tick, **k)\n"
            "run.run_batch = timed\n"
            "from contractgen.cli import main\n"
            "sys.argv = ['contractgen', *sys.argv[2:]]\n"
            "main()\n")
    return [sys.executable, "-c", code, ",".join(map(str, checkpoints)), "batch", str(sheet), "--industry", INDUSTRY,
            "-o", str(out), "--format", "docx,pdf", "--force", *extra]


def measure_sheet_batch(workdir: Path, rows: int, jobs: int, dask: bool = True, typst: bool = False,
                        rounds: int = 2) -> SheetBatch:
    """The runs of the module's docstring, on a sheet of ``rows`` customers, in ``rounds`` rounds that
    take the commands in turn: the reference machine's speed drifts within a run, by up to 2×, and a
    ratio of two commands measured twenty minutes apart measures the drift as much as the code. Each
    command's time is its median over the rounds (its growth and memory: the first round's)."""
    sheet = write_sheet(workdir / "sheet-rows.xlsx", rows)
    points = sorted({max(1, rows * k // 4) for k in (1, 2, 3, 4)})
    runs: dict[str, list[SheetRun]] = {}

    def timed(name: str, args: list[str]) -> None:
        runs.setdefault(name, []).append(run_measured(args))

    def batch_and_build(name: str, *engine: str) -> None:
        out = workdir / f"{name}-out"
        timed(f"{name}-batch", batch_command(sheet, out, points, "-j", str(jobs), *engine))
        specs = sorted((out / "规格").glob("*.yaml"))
        timed(f"{name}-build", [str(BIN / "contractgen"), "build", *map(str, specs), "-o", str(workdir / f"{name}-build"),
                                "--format", "docx,pdf", "--force", "-j", str(jobs), *engine])

    note = ""
    with contextlib.ExitStack() as stack:
        url = None
        if dask:
            try:
                url = stack.enter_context(local_cluster(workdir, jobs))
            except ModuleNotFoundError:
                note = "Dask rows skipped: distributed is not installed (pip install 'contractgen[dask]')."
        for _ in range(rounds):
            batch_and_build("sheet")
            if url:
                timed("dask", batch_command(sheet, workdir / "dask-out", points, "--executor", url))
            if typst:
                batch_and_build("typst", "--pdf-engine", "typst")
    median = {name: _median(found) for name, found in runs.items()}
    with_typst = (median["typst-batch"], median["typst-build"]) if typst else None
    return SheetBatch(rows, jobs, median["sheet-batch"], median["sheet-build"], median.get("dask"), with_typst, note)


def _median(found: list[SheetRun]) -> SheetRun:
    """The median time of a command's rounds, with the first round's checkpoints and memory."""
    return replace(found[0], seconds=statistics.median(r.seconds for r in found))


class local_cluster:
    """A Dask scheduler and ``workers`` single-threaded workers on 127.0.0.1, stopped on exit; gives its ``dask://`` URL."""

    def __init__(self, workdir: Path, workers: int) -> None:
        self.workdir, self.workers, self.started = workdir, workers, []

    def __enter__(self) -> str:
        import distributed  # noqa: F401 - ModuleNotFoundError when it is not installed

        info = Path(tempfile.mkdtemp(dir=self.workdir)) / "scheduler.json"
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "start_new_session": True}
        self.started.append(subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0",
                                              "--no-dashboard", "--scheduler-file", str(info)], **quiet))
        deadline = time.monotonic() + 60
        while not info.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        address = json.loads(info.read_text())["address"]
        self.started.append(subprocess.Popen([str(BIN / "dask"), "worker", address, "--nworkers", str(self.workers),
                                              "--nthreads", "1", "--no-dashboard", "--host", "127.0.0.1"], **quiet))
        from distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(self.workers, timeout=120)
        return "dask://" + address.removeprefix("tcp://")

    def __exit__(self, *exc: object) -> None:
        for process in reversed(self.started):
            os.killpg(process.pid, signal.SIGTERM)
        for process in reversed(self.started):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
