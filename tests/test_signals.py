"""A real batch stopped by SIGTERM or SIGHUP, a closed pipe, and the folders a killed build leaves.

These run the installed ``contractgen`` as a separate process (signals and pipes cannot be faked in
process), with a private temporary folder, so whatever a run leaves behind is seen.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from contractgen import signals
from contractgen.build import POOL_FOLDER_PREFIX
from contractgen.library import load_library
from contractgen.spec import starter_spec
from tests.bad_input_cases import PREVIOUS_BUILD, tree

CONTRACTGEN = Path(sys.executable).with_name("contractgen")


def _specs(folder: Path, count: int) -> list[str]:
    text = starter_spec(load_library(), "hotel", example=True)
    for i in range(count):
        (folder / f"s{i}.yaml").write_text(text, encoding="utf-8")
    return [f"s{i}.yaml" for i in range(count)]


@pytest.mark.parametrize(("signum", "group"), [(signal.SIGTERM, False), (signal.SIGHUP, True)],
                         ids=["SIGTERM-to-contractgen", "SIGHUP-to-the-process-group"])
def test_a_signalled_batch_leaves_the_output_and_the_temporary_folder_as_they_were(
        signum: int, group: bool, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """Sent to contractgen alone (``kill PID``) or to its whole group, workers included (a closed terminal)."""
    work = tmp_path / "work"
    work.mkdir()
    # A short TMPDIR of its own: the forkserver's socket lives in it, and socket paths have at most 107 bytes.
    tmp = Path(tempfile.mkdtemp(prefix="cg-", dir="/tmp"))
    request.addfinalizer(lambda: shutil.rmtree(tmp, ignore_errors=True))
    names = _specs(work, 4)
    for name, data in PREVIOUS_BUILD.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_bytes(data)
    before = tree(work)
    process = subprocess.Popen([CONTRACTGEN, "build", *names, "-o", "out", "--force", "--jobs", "2", "--format", "pdf"],
                               cwd=work, env={**os.environ, "TMPDIR": str(tmp)}, start_new_session=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not list(work.glob(".out.tmp-*/s0")):  # under way: the workers are up, the first contract written
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.02)
    (os.killpg if group else os.kill)(process.pid, signum)
    stdout, stderr = process.communicate(timeout=60)
    name = signal.Signals(signum).name
    assert (process.returncode, stderr) == (128 + signum, f"stopped by {name}; nothing was written\n"), stdout
    assert tree(work) == before  # the previous build untouched, no hidden .out.tmp-… folder
    assert sorted(p.name for p in tmp.iterdir()) == []  # no pymp-…, weasyprint-… or pool folder


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """``contractgen clauses | head -c 0``: no "internal error", no "Exception ignored", exit 141.

    ``head -c 0`` exits at once, long before contractgen has started, so the pipe is closed when it writes.
    """
    result = subprocess.run(f"set -o pipefail; '{CONTRACTGEN}' clauses | head -c 0", shell=True,
                            executable="/bin/bash", capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout, result.stderr) == (141, "", ""), result


def test_stale_folders_of_dead_processes_are_removed_and_no_others(tmp_path: Path) -> None:
    hour_ago = time.time() - signals.STALE_AFTER - 60
    dead = _dead_pid()
    folders = {
        "stale": f".out.tmp-pid{dead}-x1", "stale-old": f".out.old-pid{dead}-x2",
        "alive": f".out.tmp-pid{os.getpid()}-x3", "recent": f".out.tmp-pid{dead}-x4",
        "other-output": f".other.tmp-pid{dead}-x5", "not-ours": ".out.tmp-x6",
    }
    for key, name in folders.items():
        (tmp_path / name).mkdir()
        if key != "recent":
            os.utime(tmp_path / name, (hour_ago, hour_ago))
    for kind in ("tmp", "old"):
        signals.remove_stale(tmp_path, f".out.{kind}-")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        folders[k] for k in ("alive", "recent", "other-output", "not-ours"))


def test_a_build_removes_the_stale_folders_beside_its_output(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from contractgen.cli import cli

    hour_ago = time.time() - signals.STALE_AFTER - 60
    stale = tmp_path / f".out.tmp-pid{_dead_pid()}-abcd"
    (stale / "annexes").mkdir(parents=True)
    os.utime(stale, (hour_ago, hour_ago))
    (tmp_path / "s.yaml").write_text(starter_spec(load_library(), "hotel", example=True), encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(tmp_path / "s.yaml"), "-o", str(tmp_path / "out"), "--format",
                                      "md"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "s.yaml"]
    assert POOL_FOLDER_PREFIX.startswith("contractgen-")  # a batch's own folder in TMPDIR is told apart by name


def _dead_pid() -> int:
    """The id of a process that has exited (and been reaped)."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid
