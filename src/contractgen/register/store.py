"""Files kept content-addressed on disk: ``<data dir>/files/sha256/ab/cdef…``.

The hash is computed here from the bytes, never taken from a client. Writing is atomic (a temporary
file in the same folder, then a rename), and writing the same bytes twice stores them once. A build
that fails after writing removes what it added (``discard``), unless a recorded contract uses it.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

_HASH = re.compile(r"^[0-9a-f]{64}$")


class FileStore:
    """The content-addressed folder of one register."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        """Where the file of a hash lives; a malformed hash is refused (it could name any path)."""
        if not _HASH.match(sha256):
            raise ValueError(f"not a sha256 hash: {sha256!r}")
        return self.root / "sha256" / sha256[:2] / sha256[2:]

    def put(self, data: bytes) -> tuple[str, bool]:
        """Store ``data``; its hash, and whether this call added the file (it was not there before)."""
        sha256 = hashlib.sha256(data).hexdigest()
        target = self.path(sha256)
        if target.exists():
            return sha256, False
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return sha256, True

    def get(self, sha256: str) -> bytes:
        """The bytes of a stored file."""
        return self.path(sha256).read_bytes()

    def discard(self, sha256: str) -> None:
        """Remove a file this process added for a build that was not recorded."""
        self.path(sha256).unlink(missing_ok=True)
