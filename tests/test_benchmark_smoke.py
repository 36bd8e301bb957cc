"""The benchmark script (``make bench``) still runs: every measurement once, on one industry, small.

Not a timing test: it only proves ``benchmarks/run.py`` has not rotted (APIs it calls, the table it
writes), so ``make bench`` works when someone needs the figures.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _bench_module():
    spec = importlib.util.spec_from_file_location("contractgen_bench_run", ROOT / "benchmarks" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_benchmark_measures_everything_and_renders_the_table(tmp_path: Path) -> None:
    bench = _bench_module()
    inputs = bench.prepare_inputs(tmp_path, ["hotel"])
    report = bench.run_all(inputs, tmp_path, runs=1, batch=1, libreoffice=False, cold_formats=("docx",), sheet=4)

    keys = [row.key for row in report.rows]
    assert sorted(keys) == sorted(bench.ROW_KEYS)
    text = bench.markdown(bench.machine_info(), report, 1, "")
    for row in report.rows:
        assert f"| {row.label.replace('|', chr(92) + '|')} |" in text
    measured = {row.key: row for row in report.rows}
    # The measurements really ran: figures, not placeholders, where nothing was skipped on purpose.
    for key in ("compose+docx", "pdf", "cold-docx", "batch-memory", "sheet-batch-memory",
                "sheet-vs-build", "sheet-dask"):
        assert measured[key].value[0].isdigit(), measured[key]
        assert measured[key].ok is not None
    assert measured["sheet-vs-build-typst"].value[0].isdigit()
    assert measured["lo-per-call"].value == "skipped"
    assert "hotel" in "\n".join(report.details)


def test_growth_is_linear_unless_a_later_stretch_is_slower_than_the_first() -> None:
    bench = _bench_module()
    # Later stretches cheaper than the first (it pays the start-up): linear, whatever max/min says.
    assert bench.growth([0.450, 0.391, 0.340]) == 1.0
    assert bench.growth([0.400, 0.480]) == pytest.approx(1.2)
    assert bench.growth([0.400, 0.300, 0.600]) == pytest.approx(1.5)  # any later stretch counts, not only the last
    stretches = bench.segment_times([(25, 10.0), (50, 15.0), (100, 35.0)])
    assert [n for n, _ in stretches] == [25, 50, 100]
    assert [t for _, t in stretches] == pytest.approx([0.4, 0.2, 0.4])


def test_other_load_counts_only_processes_without_the_benchmarks_mark(monkeypatch) -> None:
    sys.path.insert(0, str(ROOT))
    from benchmarks import load

    monkeypatch.setenv(load.MARK, str(os.getpid()))  # what mark_tree does: children inherit it
    spin = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.8: pass"
    sampler = load.OtherLoad(interval=0.1).start()
    ours = subprocess.Popen([sys.executable, "-c", spin])
    theirs = subprocess.Popen([sys.executable, "-c", spin], env={k: v for k, v in os.environ.items() if k != load.MARK})
    time.sleep(0.3)
    running = {pid for pid, _ in load.other_cpu() or {}}
    assert theirs.pid in running and ours.pid not in running and os.getpid() not in running
    assert ours.wait(30) == 0 and theirs.wait(30) == 0
    share = sampler.stop()
    used = {pid: sampler.last[key] - sampler.first[key] for key in sampler.last for pid in [key[0]]}
    assert used[theirs.pid] >= 0.3  # its CPU time, counted from its start
    assert share is not None and share > 0
