"""Whatever file a user hands in, every command that reads one ends with 0 or 2: never a traceback,
never a hang past 10 s, never more than 1 GB.

Hypothesis feeds random bytes, random YAML, and the valid spec and layer with one value replaced by a
random one, to ``build``, ``compose``, ``annex``, ``diff`` and ``lint`` (as the spec, a layer file, or the
reference DOCX), through the real command line in this process.
"""

from __future__ import annotations

import contextlib
import io
import resource
import signal
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from contractgen.render.docx import REFERENCE_DOCX
from tests.bad_input_cases import LAYER, LAYER_FILE, SPEC, Case, run_case

HANG_SECONDS = 10
MEMORY_BYTES = 1 << 30

RAW = st.sampled_from([
    "010", "0x10", "0o17", "12:30", "1_000", "9" * 5000, "1e400", "-.inf", ".nan", "yes", "off", "~", "2026-12-01",
    "2026-02-30", "2026-12-01 10:00", "2026年12月1日", "{{ 7*7 }}", "\"{% for a in 'x'*99999 %}\"", '"\\u202e"',
    '"\\u200b"', "&a x", "*a", "!!python/object:os.system", "!!binary aGk=", "!!int 0x1", "'", '"', "- a", "a: b",
    "[", "{", "[" * 2000])
"""Values written as they are into a YAML line: the traps of YAML 1.1, tags, anchors, broken syntax."""
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**40, 10**40), st.floats(), st.text(max_size=40), RAW)
TREES = st.recursive(SCALARS, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=4)), max_leaves=12)


def _dump(data: object) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True).encode("utf-8", "surrogatepass")


def _replace_one(text: str) -> st.SearchStrategy[bytes]:
    """``text`` (a YAML file) with the value of one of its ``key: value`` lines replaced by a random one."""
    lines = text.splitlines()
    keyed = [i for i, line in enumerate(lines) if ": " in line]

    @st.composite
    def replaced(draw: st.DrawFn) -> bytes:
        i = draw(st.sampled_from(keyed))
        key = lines[i].split(": ", 1)[0]
        value = draw(st.one_of(RAW, SCALARS.map(lambda v: yaml.safe_dump(v, allow_unicode=True, width=10**9)
                                                .removesuffix("...\n").strip()), st.text(max_size=30)))
        return "\n".join([*lines[:i], f"{key}: {value}", *lines[i + 1:]]).encode("utf-8", "surrogatepass") + b"\n"

    return replaced()


def _broken_docx() -> st.SearchStrategy[bytes]:
    shipped = REFERENCE_DOCX.read_bytes()

    @st.composite
    def broken(draw: st.DrawFn) -> bytes:
        with zipfile.ZipFile(io.BytesIO(shipped)) as package:
            names = package.namelist()
            part = draw(st.sampled_from(names))
            data = bytearray(package.read(part))
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w") as edited:
                at = draw(st.integers(0, max(len(data) - 1, 0)))
                data[at:at + draw(st.integers(0, 8))] = draw(st.binary(max_size=8))
                for name in names:
                    edited.writestr(name, bytes(data) if name == part else package.read(name))
        return out.getvalue()

    return broken()


FILES = st.one_of(st.binary(max_size=300), TREES.map(_dump))
SPECS = st.one_of(FILES, _replace_one(SPEC))
LAYERS = st.one_of(FILES, _replace_one(LAYER))
OK_SPEC = SPEC.encode()


@st.composite
def runs(draw: st.DrawFn) -> Case:
    """One command with one random file among its inputs."""
    where = draw(st.sampled_from(["build", "compose", "annex", "diff", "layer", "lint", "reference-docx"]))
    files = {"spec.yaml": OK_SPEC}
    build = ("build", "spec.yaml", "-o", "out", "--format", "docx,md")
    if where in ("layer", "lint"):
        files[LAYER_FILE] = draw(LAYERS)
        args = ("lint", "company") if where == "lint" else (*build, "--library", "company")
    elif where == "reference-docx":
        files["firm.docx"] = draw(st.one_of(st.binary(max_size=300), _broken_docx()))
        args = (*build, "--reference-docx", "firm.docx")
    else:
        files["spec.yaml"] = draw(SPECS)
        files["ok.yaml"] = OK_SPEC
        args = {"build": build, "compose": ("compose", "spec.yaml"), "annex": ("annex", "spec.yaml", "-o", "out"),
                "diff": ("diff", "ok.yaml", "spec.yaml")}[where]
    event(where)
    return Case("random", where, files, args, 0, ())


@contextlib.contextmanager
def limits() -> Iterator[None]:
    """Fail (rather than hang the suite) past ``HANG_SECONDS`` of CPU time, or ten times that on the
    clock (a wait that burns no CPU); CPU time, because the machine running the suite may be busy."""
    def hang(signum: int, frame: object) -> None:
        raise AssertionError(f"still running after {HANG_SECONDS} s")

    timers = ((signal.ITIMER_PROF, signal.SIGPROF, HANG_SECONDS), (signal.ITIMER_REAL, signal.SIGALRM, 10 * HANG_SECONDS))
    previous = {signum: signal.signal(signum, hang) for _, signum, _ in timers}
    for timer, _, seconds in timers:
        signal.setitimer(timer, seconds)
    try:
        yield
    finally:
        for timer, signum, _ in timers:
            signal.setitimer(timer, 0)
            signal.signal(signum, previous[signum])


def _max_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(case=runs())
def test_every_command_that_reads_a_file_ends_with_0_or_2(case: Case) -> None:
    before = _max_rss()
    with tempfile.TemporaryDirectory() as tmp, limits():
        result = run_case(case, Path(tmp))
    output = result.stdout + result.stderr
    event(f"exit {result.exit_code}")
    assert result.exit_code in ((0, 1, 2) if case.args[0] == "diff" else (0, 2)), output  # diff: 1 = differ
    assert "Traceback" not in output and "internal error" not in output, output
    assert _max_rss() - before < MEMORY_BYTES
