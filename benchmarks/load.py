"""How busy the machine was with other work while the benchmark ran (Linux ``/proc``).

The benchmark's whole process tree is marked with an environment variable (``mark_tree``): every
process it starts inherits it, and so does everything those start — the batch's pool workers and
the forkserver, the ``contractgen batch`` command's pool, the Dask scheduler and workers,
LibreOffice — whether or not anybody ever reaps them (``getrusage`` only counts reaped children,
so a machine-wide total minus ``getrusage`` called the benchmark's own orphans "other processes").
``OtherLoad`` samples ``/proc`` and adds up the CPU time of the processes *without* the mark:
other users' processes (whose environment cannot be read) and kernel threads included. A process
that starts and ends between two samples is missed, so the figure is a lower bound.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

MARK = "CONTRACTGEN_BENCHMARK"
"""The environment variable that marks the benchmark's processes; its value is the benchmark's pid."""
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def mark_tree() -> None:
    """Mark this process's environment, so every process started from now on is the benchmark's."""
    os.environ[MARK] = str(os.getpid())


def _marked(pid: str, token: bytes) -> bool:
    try:  # NUL-separated NAME=value; the first has no NUL before it
        return token in b"\0" + Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:  # another user's process, or gone
        return False


def other_cpu() -> dict[tuple[int, int], float] | None:
    """CPU seconds so far of each running process that is not the benchmark's, by (pid, start time);
    None without ``/proc``."""
    own = os.environ.get(MARK, str(os.getpid()))
    token = f"\0{MARK}={own}\0".encode()
    try:
        entries = os.listdir("/proc")
    except OSError:
        return None
    found = {}
    for pid in entries:
        if not pid.isdigit() or pid == own or int(pid) == os.getpid():
            continue
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # the command name may hold spaces and brackets
        if _marked(pid, token):
            continue
        utime, stime, start = int(fields[11]), int(fields[12]), int(fields[19])
        found[(int(pid), start)] = (utime + stime) / _TICKS
    return found


def _boot_ticks_now() -> float:
    """Clock ticks since boot (the unit of a process's start time in ``/proc/PID/stat``)."""
    return float(Path("/proc/uptime").read_text().split()[0]) * _TICKS


class OtherLoad:
    """Sample the CPU of other processes in a thread from ``start()`` to ``stop()``: their share of the machine."""

    def __init__(self, interval: float = 1.0) -> None:
        self.interval = interval
        self.first: dict[tuple[int, int], float] = {}
        self.last: dict[tuple[int, int], float] = {}
        self.began = 0.0
        self.began_ticks = 0.0
        self.wall = 0.0
        self.available = True
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _sample(self) -> None:
        found = other_cpu()
        if found is None:
            self.available = False
            return
        for key, cpu in found.items():
            if key not in self.first:
                # A process started meanwhile counts from zero; one running before, from now.
                self.first[key] = 0.0 if key[1] >= self.began_ticks else cpu
            self.last[key] = cpu

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def start(self) -> OtherLoad:
        self.began = time.perf_counter()
        try:
            self.began_ticks = _boot_ticks_now()
        except (OSError, ValueError, IndexError):
            self.available = False
            return self
        self._sample()
        self._thread = threading.Thread(target=self._run, name="other-load", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> float | None:
        """The share of the machine's CPU (0–1, all cores) other processes used; None without ``/proc``."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self.available:
            self._sample()
        self.wall = time.perf_counter() - self.began
        if not self.available or self.wall <= 0:
            return None
        used = sum(self.last[key] - self.first[key] for key in self.last)
        return max(0.0, used / (self.wall * (os.cpu_count() or 1)))


def other_share(seconds: float) -> float | None:
    """Other processes' share of the machine over the next ``seconds`` (the check before a run)."""
    load = OtherLoad(interval=min(1.0, seconds)).start()
    time.sleep(seconds)
    return load.stop()
