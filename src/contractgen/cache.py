"""Where contractgen keeps what it makes once per machine (compact fonts, compiled message catalogs)."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """``$CONTRACTGEN_CACHE_DIR``, else ``$XDG_CACHE_HOME/contractgen``, else ``~/.cache/contractgen``."""
    if explicit := os.environ.get("CONTRACTGEN_CACHE_DIR"):
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "contractgen"
