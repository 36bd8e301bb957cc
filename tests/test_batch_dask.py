"""`contractgen batch --executor dask://HOST:PORT` on a real Dask cluster: a scheduler and two workers
started here on 127.0.0.1 (and stopped by the test), the same folders as the local process pool.

Also the annex cache, which any executor goes through: rows sharing an annex's view render it once,
and every folder is still what a single build writes.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from contractgen.batch import run as run_module
from contractgen.batch.columns import columns
from contractgen.batch.rows import plan_batch
from contractgen.batch.run import RenderSettings, render_rows
from contractgen.batch.sheet import read_sheet
from contractgen.cli import cli
from contractgen.library import load_library
from tests.bad_input_cases import tree
from tests.batch_sheets import customer_rows, grid, write_xlsx

pytest.importorskip("distributed")

LIBRARY = load_library()
FIELDS = list(columns(LIBRARY, "hotel"))
DASK = Path(sys.executable).parent / "dask"


def invoke(*args: object) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=True, env={"CONTRACTGEN_LANG": "en"})


def sheet(tmp_path: Path, count: int, numbered: bool = False) -> Path:
    rows = customer_rows(LIBRARY, "hotel", count)
    if not numbered:  # no contract numbers yet (the register gives them): the annexes are the same for all
        for row in rows:
            row.pop("contract_no")
    return write_xlsx(tmp_path / "rows.xlsx", grid(FIELDS, rows))


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[str]:
    """A Dask scheduler and two single-threaded workers on 127.0.0.1; its ``dask://`` address."""
    info = tmp_path / "scheduler.json"
    common = {"cwd": tmp_path, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL,
              "start_new_session": True}
    started = [subprocess.Popen([str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                 "--scheduler-file", str(info)], **common)]
    try:
        deadline = time.monotonic() + 60
        while not info.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        address = json.loads(info.read_text())["address"]
        started.append(subprocess.Popen([str(DASK), "worker", address, "--nworkers", "2", "--nthreads", "1",
                                         "--no-dashboard", "--host", "127.0.0.1"], **common))
        from distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=120)
        yield "dask://" + address.removeprefix("tcp://")
    finally:
        for process in reversed(started):
            os.killpg(process.pid, signal.SIGTERM)
        for process in reversed(started):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def test_a_batch_on_a_dask_cluster_writes_what_the_process_pool_writes(tmp_path: Path, cluster: str,
                                                                       monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    sheet(tmp_path, 6, numbered=True)
    on_cluster = invoke("batch", "rows.xlsx", "--industry", "hotel", "-o", "dask-out", "--format", "docx,md",
                        "--executor", cluster)
    assert on_cluster.exit_code == 0, on_cluster.output
    assert on_cluster.stdout == "dask-out: 6 contracts, 43 files; the report is 报告.xlsx\n"
    local = invoke("batch", "rows.xlsx", "--industry", "hotel", "-o", "local-out", "--format", "docx,md", "-j", "2")
    assert local.exit_code == 0, local.output
    assert tree(Path("dask-out")) == tree(Path("local-out"))


def test_a_scheduler_that_is_not_there_is_a_usage_error(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    sheet(tmp_path, 1)
    result = invoke("batch", "rows.xlsx", "--industry", "hotel", "-o", "out", "--format", "md",
                    "--executor", "dask://127.0.0.1:9")
    assert result.exit_code == 2
    assert result.stderr == ("error: cannot reach the Dask scheduler at dask://127.0.0.1:9; check that dask scheduler "
                             "runs there and the address and port are right\n")
    assert not Path("out").exists()
    wrong = invoke("batch", "rows.xlsx", "--industry", "hotel", "-o", "out", "--executor", "127.0.0.1:8786")
    assert wrong.exit_code == 2
    assert wrong.stderr == ("error: --executor takes dask://HOST:PORT (the Dask scheduler's address), "
                            'got "127.0.0.1:8786"\n')


def test_annexes_shared_by_rows_are_rendered_once_and_the_folders_stay_those_of_single_builds(
        tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    plan = plan_batch(read_sheet(sheet(tmp_path, 5)), LIBRARY, "hotel")
    rendered: list[tuple[str, str]] = []
    real = run_module.render_outputs

    def counting(contract, formats, **kw):
        outputs = real(contract, formats, **kw)
        rendered.extend((o.path, o.format) for o in outputs if o.data)
        return outputs

    monkeypatch.setattr(run_module, "render_outputs", counting)
    results = list(render_rows(plan.good, LIBRARY, RenderSettings(("md", "docx")), jobs=1))
    annexes = [r for r in rendered if r[0].startswith("annexes/")]
    assert len(annexes) == 4  # two annexes in two formats, for the first row only
    assert len([r for r in rendered if r[0].startswith("contract.")]) == 10
    for outputs, manifest in results:  # filled in from the cache, and the manifest says so
        assert all(o.data for o in outputs) and len(outputs) == 6
        assert [f["sha256"] for f in manifest["files"]] == [hashlib.sha256(o.data).hexdigest() for o in outputs]
    monkeypatch.setattr(run_module, "render_outputs", real)
    result = invoke("batch", "rows.xlsx", "--industry", "hotel", "-o", "out", "--format", "md,docx", "-j", "2")
    assert result.exit_code == 0, result.output
    specs = sorted(Path("out/规格").iterdir())
    assert invoke("build", *specs, "-o", "single", "--format", "md,docx", "-j", "1").exit_code == 0
    for spec in specs:
        assert tree(Path("single") / spec.stem) == tree(Path("out") / spec.stem)


def test_the_cache_lets_go_of_files_no_row_waits_for_past_its_budget(tmp_path: Path) -> None:
    plan = plan_batch(read_sheet(sheet(tmp_path, 3, numbered=True)), LIBRARY, "hotel")
    cache = run_module.AnnexCache(budget=1)
    for row in plan.good:
        skip = cache.plan(row, ("md",))
        assert skip == frozenset()  # every row has its own contract number, so its own annexes
        outputs = run_module.render_row(row.spec.text, row.spec.spec_name, RenderSettings(("md",)), skip, LIBRARY)[0]
        cache.settle(row, skip, outputs)
        assert cache.size <= 1 or all(data is None for data in cache.files.values())
    assert cache.hits == 0
