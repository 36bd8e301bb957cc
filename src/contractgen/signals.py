"""Termination signals handled like Ctrl-C, and the temporary folders a killed process leaves behind.

``SIGTERM`` (``kill``, a service manager, ``timeout``) and ``SIGHUP`` (a closed terminal or SSH
session) end the process without running any ``finally`` or ``atexit`` by default, so a batch killed
that way left its hidden ``.OUT.tmp-…`` folder and multiprocessing's ``pymp-…`` folder behind.
``handled()`` turns them into ``Terminated``, a ``KeyboardInterrupt``, so the same clean-up runs as
for Ctrl-C and the exit code is the shell's 128 + signal number.

A process killed with ``SIGKILL`` (or a power cut) still leaves folders; every temporary folder we
make carries our process id in its name (``…-pid123-…``), and ``remove_stale`` deletes those older
than an hour whose process is gone.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

HANDLED = tuple(s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s is not None)
STALE_AFTER = 3600
"""Seconds after which a temporary folder of a process that is gone is removed."""
_PID = re.compile(r"-pid(\d+)-")


class Terminated(KeyboardInterrupt):
    """The process was asked to stop by ``signum``: cleaned up like Ctrl-C, exits 128 + ``signum``."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name


def _raise(signum: int, frame: object) -> None:
    raise Terminated(signum)


@contextlib.contextmanager
def handled() -> Iterator[None]:
    """Inside the block, ``SIGTERM`` and ``SIGHUP`` raise ``Terminated`` (main thread only; restored after)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, _raise) for s in HANDLED}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Ctrl-C, SIGTERM and SIGHUP wait until the block is done (then arrive as usual): for steps that
    must not stop half way, like making a temporary folder and noting it for removal, or swapping
    the output folder into place."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, *HANDLED})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def tag() -> str:
    """The part of a temporary folder's name that says whose it is: ``pid123-``."""
    return f"pid{os.getpid()}-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def remove_stale(folder: Path, prefix: str, *, now: float | None = None) -> list[Path]:
    """Remove the folders ``folder/prefix*-pidN-*`` older than ``STALE_AFTER`` whose process N is gone."""
    removed: list[Path] = []
    now = time.time() if now is None else now
    try:
        candidates = [p for p in folder.iterdir() if p.name.startswith(prefix)]
    except OSError:
        return removed
    for path in candidates:
        found = _PID.search(path.name[len(prefix) - 1:])
        try:
            old = now - path.lstat().st_mtime > STALE_AFTER
        except OSError:
            continue
        if found and old and path.is_dir() and not path.is_symlink() and not _alive(int(found.group(1))):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def remove_at_exit(folder: Callable[[], str | os.PathLike | None]) -> None:
    """Remove the temporary folder ``folder()`` names (if any) when this process ends.

    Unlike ``atexit``, this also runs when the process is a batch's worker: multiprocessing ends its
    children with ``os._exit`` after running its own finalizers, and skips ``atexit``.
    """
    from multiprocessing import util

    def remove() -> None:
        path = folder()
        if path:
            shutil.rmtree(path, ignore_errors=True)

    util.Finalize(None, remove, exitpriority=0)
