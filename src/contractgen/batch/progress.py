"""A batch's progress on a terminal: a bar with contracts done of total, the rate and the time left.

A ``run.Progress`` callback for the CLI; off a terminal (a log, a pipe) it draws nothing, and the
CLI's summary line is all that is printed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

from ..i18n import text

WIDTH = 24
"""Characters of the bar itself."""
REDRAW_SECONDS = 0.2
"""At most this often (and always at the end): a fast batch does not spend its time drawing."""


class ProgressBar:
    """Redraws one line of ``stream`` (``\\r``) as contracts are written; ``close()`` ends the line."""

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream, self.clock = stream, clock
        self.started: float | None = None
        self.drawn_at = float("-inf")
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        if self.started is None:
            self.started = now
        if done < total and now - self.drawn_at < REDRAW_SECONDS:
            return
        self.drawn_at, self.drawn = now, True
        self.stream.write("\r" + line(done, total, now - self.started))
        self.stream.flush()

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()


def line(done: int, total: int, elapsed: float) -> str:
    """``[██████░░░░░░] 120/195  12.3 份/秒  剩余 0:06`` (in the user's language)."""
    filled = WIDTH * done // total if total else WIDTH
    bar = "█" * filled + "░" * (WIDTH - filled)
    rate = done / elapsed if elapsed > 0 and done else 0.0
    left = (total - done) / rate if rate else None
    return text("batch.progress", bar=bar, done=done, total=total, rate=f"{rate:.1f}",
                left=clock_time(left) if left is not None else "–")


def clock_time(seconds: float) -> str:
    """``0:06``, ``12:30``, ``1:02:03``."""
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
