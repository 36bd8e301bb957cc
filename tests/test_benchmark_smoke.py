"""The benchmark script (``make bench``) still runs: every measurement once, on one industry, small.

Not a timing test: it only proves ``benchmarks/run.py`` has not rotted (APIs it calls, the table it
writes), so ``make bench`` works when someone needs the figures.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

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
    assert measured["lo-per-call"].value == "skipped"
    assert "hotel" in "\n".join(report.details)
