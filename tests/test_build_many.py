"""`contractgen build A B C`: many contracts in one command, on several processes.

A batch must write exactly what single builds write (byte for byte, whatever ``--jobs``), report
every spec's problems before rendering anything, bring a worker's error back as itself, and leave
the output folder as it was when anything fails. Rendering is real; PDFs only where they matter
(each costs about half a second).
"""

from __future__ import annotations

import contextlib
import errno
import os
import pickle
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from click.testing import CliRunner, Result

from contractgen import build as build_module
from contractgen.build import default_jobs, render_many, render_outputs
from contractgen.cli import cli
from contractgen.compose import compose
from contractgen.errors import ContractgenError, InputError, LibraryError, Problem, SpecError, UsageError
from contractgen.library import load_library
from contractgen.model import Contract
from contractgen.render.pdf import FetchRefused
from contractgen.spec import parse_spec, starter_spec
from tests.bad_input_cases import PREVIOUS_BUILD, tree

LIBRARY = load_library()
INDUSTRIES = tuple(i.id for i in LIBRARY.industries)


def write_specs(folder: Path, industries: tuple[str, ...] = INDUSTRIES) -> list[Path]:
    """Each industry's example spec as ``folder/<industry>.yaml``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for industry in industries:
        path = folder / f"{industry}.yaml"
        path.write_text(starter_spec(LIBRARY, industry, example=True), encoding="utf-8")
        paths.append(path)
    return paths


def invoke(*args: object) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=True)


def built(*args: object) -> Result:
    result = invoke("build", *args)
    assert result.exit_code == 0, result.output
    return result


def single_builds(specs: list[Path], out: Path, formats: str) -> None:
    """Each spec built alone into ``out/<stem>``: what the batch must reproduce."""
    for spec in specs:
        built(spec, "-o", out / spec.stem, "--format", formats)


def contracts(industries: tuple[str, ...] = INDUSTRIES) -> list[Contract]:
    return [compose(parse_spec(starter_spec(LIBRARY, i, example=True).encode(), f"{i}.yaml"), LIBRARY)
            for i in industries]


# --- the same files as single builds, whatever --jobs -------------------------------------------------

def test_every_industry_in_one_batch_is_what_single_builds_write(tmp_path: Path) -> None:
    specs = write_specs(tmp_path / "specs")
    parallel = built(*specs, "-o", tmp_path / "jobs2", "--format", "docx", "--jobs", 2)
    built(*specs, "-o", tmp_path / "jobs1", "--format", "docx", "--jobs", 1)
    single_builds(specs, tmp_path / "single", "docx")

    assert tree(tmp_path / "jobs2") == tree(tmp_path / "jobs1") == tree(tmp_path / "single")
    assert sorted(p.name for p in (tmp_path / "jobs2").iterdir()) == sorted(INDUSTRIES)
    files = sum(1 for p in (tmp_path / "jobs2").rglob("*.docx"))
    assert parallel.stdout == f"{tmp_path / 'jobs2'}: {len(INDUSTRIES)} contracts, {files} files\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary folder left


def test_pdfs_from_the_workers_are_the_ones_a_single_build_makes(tmp_path: Path) -> None:
    specs = write_specs(tmp_path / "specs", ("hotel", "telecom"))
    built(*specs, "-o", tmp_path / "batch", "--format", "docx,pdf", "--jobs", 2)
    single_builds(specs, tmp_path / "single", "docx,pdf")
    assert tree(tmp_path / "batch") == tree(tmp_path / "single")
    assert (tmp_path / "batch" / "hotel" / "contract.pdf").read_bytes().startswith(b"%PDF-")


def test_one_spec_with_jobs_builds_as_before(tmp_path: Path) -> None:
    spec, = write_specs(tmp_path / "specs", ("hotel",))
    plain = built(spec, "-o", tmp_path / "plain", "--format", "docx")
    jobs = built(spec, "-o", tmp_path / "jobs", "--format", "docx", "--jobs", 4)
    assert tree(tmp_path / "plain") == tree(tmp_path / "jobs")
    assert (tmp_path / "jobs" / "contract.docx").is_file()  # no subfolder for a single spec
    assert jobs.stdout == plain.stdout.replace(str(tmp_path / "plain"), str(tmp_path / "jobs"))


@pytest.mark.parametrize(("cpus", "expected"), [(8, 3), (2, 2), (1, 1)])
def test_jobs_default_to_the_cpus_but_no_more_than_the_specs(cpus: int, expected: int, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    asked = []

    def recording(contracts: list[Contract], formats: tuple[str, ...], *, jobs: int, **kw: object) -> Iterator:
        asked.append(jobs)
        return render_many(contracts, formats, jobs=1, **kw)  # in this process: only the number matters

    monkeypatch.setattr(build_module, "default_jobs", lambda: cpus)
    monkeypatch.setattr(build_module, "render_many", recording)
    specs = write_specs(tmp_path / "specs", ("hotel", "telecom", "fitness"))
    built(*specs, "-o", tmp_path / "out", "--format", "json")
    assert asked == [expected]


def test_default_jobs_is_the_cpus_this_process_may_use() -> None:
    expected = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert default_jobs() == expected >= 1


# --- render_many -----------------------------------------------------------------------------------------

class Counted:
    """A sequence that counts how far it has been read (how many contracts were handed to the pool)."""

    def __init__(self, items: list[Contract]) -> None:
        self.items, self.read = items, 0

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> Contract:
        item = self.items[index]  # IndexError ends iteration
        self.read = max(self.read, index + 1)
        return item


def test_render_many_keeps_the_input_order_and_few_contracts_in_flight() -> None:
    many = contracts() * 2  # 14 contracts, 7 different
    source = Counted(many)
    jobs = 2
    results = render_many(source, ["json"], jobs=jobs)
    for index, outputs in enumerate(results):
        assert source.read <= index + 1 + 2 * jobs, "more contracts handed out than the bound"
        assert outputs == render_outputs(many[index], ["json"])
    assert source.read == len(many)


def test_closing_render_many_early_stops_the_workers(tmp_path: Path) -> None:
    results = render_many(contracts() * 3, ["docx"], jobs=2)
    next(results)
    start = time.perf_counter()
    results.close()
    assert time.perf_counter() - start < 30  # running renders finish, the queued ones are dropped


def test_contracts_travel_to_the_workers_whole() -> None:
    for contract in contracts():
        assert pickle.loads(pickle.dumps(contract)) == contract


def test_render_many_refuses_no_jobs() -> None:
    with pytest.raises(UsageError, match="at least 1"):
        render_many(contracts(("hotel",)), ["json"], jobs=0)


# --- errors: every spec's at once, a worker's as itself ------------------------------------------------------

def test_every_problem_of_every_spec_is_reported_before_any_work(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_specs(tmp_path, ("hotel", "telecom", "fitness"))
    text = Path("telecom.yaml").read_text(encoding="utf-8")
    Path("telecom.yaml").write_text(text.replace("industry: telecom", "industry: telcom"), encoding="utf-8")
    Path("broken.yaml").write_text("values: [\n", encoding="utf-8")
    result = invoke("build", "hotel.yaml", "telecom.yaml", "broken.yaml", "fitness.yaml", "-o", "out")
    assert result.exit_code == 2
    errors = result.stderr.splitlines()
    assert errors[0].startswith("error: broken.yaml:2:1: YAML syntax error")
    assert errors[1].startswith("error: telecom.yaml:3: industry: unknown industry 'telcom'")
    assert errors[2:] == ["2 problems found"]
    assert not Path("out").exists()


def test_the_output_folder_may_hold_none_of_the_specs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_specs(tmp_path, ("hotel",))
    write_specs(tmp_path / "out", ("telecom",))
    result = invoke("build", "hotel.yaml", "out/telecom.yaml", "-o", "out", "--force")
    assert result.exit_code == 2
    assert result.stderr == ("error: out: the output folder is replaced as a whole and holds out/telecom.yaml; "
                             "choose a folder of its own for the output\n")


def test_a_spec_name_that_is_no_folder_name_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    hotel, = write_specs(tmp_path, ("hotel",))
    Path("...yaml").write_bytes(hotel.read_bytes())  # its folder would be out/..
    result = invoke("build", "hotel.yaml", "...yaml", "-o", "out")
    assert result.exit_code == 2
    assert result.stderr == "error: ...yaml: a spec's file name must name its output folder; rename it\n"


def raise_it(error: BaseException) -> None:
    """Run in a worker process: the error has to travel back to the parent."""
    raise error


def every_error_class() -> list[type[ContractgenError]]:
    found, todo = [], [ContractgenError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo += cls.__subclasses__()
    return found


def an_error(cls: type[ContractgenError]) -> ContractgenError:
    if issubclass(cls, InputError):
        return cls([Problem("b.yaml", 3, "values.x", "is wrong"), Problem("a.yaml", None, "", "file is empty")])
    return cls(f"{cls.__name__}: something the user can fix")


def test_every_error_class_pickles_as_itself() -> None:
    classes = every_error_class()
    assert {InputError, LibraryError, SpecError, UsageError, FetchRefused} <= set(classes)
    for cls in classes:
        error = an_error(cls)
        error.hint = "an attribute set after raising"  # type: ignore[attr-defined]
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is cls and str(copy) == str(error) and copy.hint == error.hint
        assert getattr(copy, "problems", None) == getattr(error, "problems", None)


def test_an_error_raised_in_a_worker_arrives_as_itself() -> None:
    pool = build_module.process_pool(1)  # the pool render_many uses, with its start method
    try:
        for cls in every_error_class():
            error = an_error(cls)
            with pytest.raises(cls) as raised:
                pool.submit(raise_it, error).result(timeout=60)
            assert str(raised.value) == str(error)
            assert getattr(raised.value, "problems", None) == getattr(error, "problems", None)
    finally:
        pool.shutdown(cancel_futures=True)


def test_a_render_error_in_a_worker_is_the_usual_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_specs(tmp_path, ("hotel", "telecom"))
    Path("bad.docx").write_bytes(b"not a docx")
    for name, data in PREVIOUS_BUILD.items():
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        Path(name).write_bytes(data)
    before = tree(tmp_path)
    result = invoke("build", "hotel.yaml", "telecom.yaml", "-o", "out", "--format", "docx", "--jobs", 2,
                    "--reference-docx", "bad.docx", "--force")
    assert result.exit_code == 2
    assert result.stderr == "error: reference DOCX bad.docx is not a DOCX file (not a zip package)\n"
    assert tree(tmp_path) == before


# --- failures half way: the output folder as it was --------------------------------------------------------

def fail_on_write(n: int, error: BaseException) -> contextlib.AbstractContextManager:
    """``Path.write_bytes`` raises on its ``n``-th call: after some contracts were already written."""
    real, calls = Path.write_bytes, []

    def write_bytes(self: Path, data: bytes) -> int:
        calls.append(self)
        if len(calls) == n:
            raise error
        return real(self, data)

    return mock.patch.object(Path, "write_bytes", write_bytes)


@pytest.mark.parametrize(("error", "exit_code", "message"), [
    (OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), 2,
     "error: out: cannot write the output: No space left on device; the output folder was left as it was\n"),
    (KeyboardInterrupt(), 130, "interrupted; nothing was written\n"),
], ids=["disk-full", "interrupt"])
def test_a_failure_half_way_through_a_batch_leaves_the_output_folder(error: BaseException, exit_code: int,
                                                                     message: str, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    specs = [p.name for p in write_specs(tmp_path)]
    for name, data in PREVIOUS_BUILD.items():
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        Path(name).write_bytes(data)
    before = tree(tmp_path)
    with fail_on_write(10, error):  # the third contract or so
        result = invoke("build", *specs, "-o", "out", "--format", "docx", "--jobs", 2, "--force")
    assert (result.exit_code, result.stderr) == (exit_code, message)
    assert tree(tmp_path) == before


# --- imports ---------------------------------------------------------------------------------------------------

PDF_ONLY = ("weasyprint", "pydyf", "tinycss2", "cssselect2", "tinyhtml5", "fontTools")
"""What only the PDF needs (as ``benchmarks/run.py`` lists it): a DOCX-only build must not import it."""


def test_a_docx_batch_never_imports_the_pdf_engine(tmp_path: Path) -> None:
    specs = write_specs(tmp_path / "specs", ("hotel", "telecom", "fitness"))
    argv = ["contractgen", "build", *map(str, specs), "-o", str(tmp_path / "out"), "--format", "docx", "--jobs", "1"]
    code = (f"import sys\nsys.argv = {argv!r}\nfrom contractgen.cli import main\n"
            "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {PDF_ONLY!r}))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]", done.stdout
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["fitness", "hotel", "telecom"]
