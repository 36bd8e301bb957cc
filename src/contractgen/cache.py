"""Where contractgen keeps what it makes once per machine (compact fonts, compiled message catalogs)."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path


def cache_dir() -> Path:
    """``$CONTRACTGEN_CACHE_DIR``, else ``$XDG_CACHE_HOME/contractgen``, else ``~/.cache/contractgen``."""
    if explicit := os.environ.get("CONTRACTGEN_CACHE_DIR"):
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "contractgen"


def distribution_version(name: str) -> str:
    """The installed version of distribution ``name`` (``python-docx``), for cache keys.

    Read from its ``NAME-VERSION.dist-info`` folder's name on ``sys.path``, the first one found, as
    ``importlib.metadata`` finds it, without importing ``importlib.metadata``: that import (``email``,
    ``zipfile``, ``csv`` …) costs a cold command 30–40 ms. Anything else (an ``.egg-info``) is asked of it.
    """
    prefix = re.sub(r"[-_.]+", "_", name).lower() + "-"
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for found in names:
            if found.endswith(".dist-info") and found.lower().startswith(prefix):
                return found[len(prefix):-len(".dist-info")]
    import importlib.metadata

    return importlib.metadata.version(name)
