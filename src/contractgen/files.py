"""Reading the files a user hands in: regular files only, and never more than a fixed number of bytes.

Every input path (a spec, a library file, a reference DOCX) is opened here. A path that resolves to
a device (``/dev/zero``, a symlink to ``/dev/urandom``), a pipe or a socket would never end or
never answer, and a file larger than its limit is a mistake or an attack: each is refused with one
reason (a message id), which the caller puts into its own message (file, then reason).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .i18n import Message, msg


class UnreadableFile(Exception):
    """Why a file cannot be used as input: ``reason`` is the message, without the file name."""

    def __init__(self, reason: Message) -> None:
        super().__init__(reason)
        self.reason = reason


def read_bounded(path: Path | str, limit: int) -> bytes:
    """The bytes of the regular file at ``path`` (links resolved), at most ``limit`` of them.

    Opened without blocking, so a pipe without a writer cannot hang the open; then refused unless
    it is a regular file; then read up to one byte past the limit, so a file that grows while it is
    read (or lies about its size, like files in /proc) is still stopped.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise UnreadableFile(msg("file.not-found")) from None
    except IsADirectoryError:
        raise UnreadableFile(msg("file.is-folder")) from None
    except OSError as exc:
        raise UnreadableFile(msg("file.unreadable", reason=exc.strerror or str(exc))) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise UnreadableFile(msg("file.is-folder"))
        if not stat.S_ISREG(mode):
            raise UnreadableFile(msg("file.not-regular"))
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise UnreadableFile(msg("file.too-large", size=max(size, os.fstat(fd).st_size), limit=limit))
        return b"".join(chunks)
    except OSError as exc:
        raise UnreadableFile(msg("file.unreadable", reason=exc.strerror or str(exc))) from None
    finally:
        os.close(fd)
