"""What the user named as the standard contract: a spec, a build folder, or a build's manifest.

Owns turning the STANDARD argument of ``contractgen compare`` into the composed ``Contract``. A spec
is composed with the library. A build folder (or its ``manifest.json``) names the spec it was built
from and that spec's SHA-256; the spec is looked for beside the folder, in it and in the current
folder, and only a file with that very hash is taken (a spec edited since the build is not the
standard that was sent out). Bad input is an ``InputError`` (exit 2).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from ..errors import InputError, Problem
from ..i18n import msg
from ..model import Contract

MANIFEST = "manifest.json"


def load_standard(name: str, layers: Sequence[Path] = ()) -> Contract:
    """The standard contract the argument names."""
    from ..compose import compose
    from ..library import load_library
    from ..spec import load_spec

    path = Path(name)
    if not path.exists():
        raise InputError([Problem(name, None, "", msg("compare.standard-missing"))])
    spec_path = _spec_of_build(path) if path.is_dir() or path.name == MANIFEST else path
    spec = load_spec(spec_path)
    return compose(spec, load_library(layers))


def _spec_of_build(path: Path) -> Path:
    manifest = path / MANIFEST if path.is_dir() else path
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        spec_name, sha = str(data["spec"]), str(data["spec_sha256"])
    except FileNotFoundError:
        raise InputError([Problem(str(path), None, "", msg("compare.standard-not-build"))]) from None
    except (OSError, ValueError, KeyError, TypeError):
        raise InputError([Problem(str(manifest), None, "", msg("compare.manifest-invalid"))]) from None
    folder = manifest.parent
    candidates = [folder.parent / spec_name, folder / spec_name, Path.cwd() / spec_name]
    for candidate in dict.fromkeys(c.resolve() for c in candidates):
        if candidate.is_file() and hashlib.sha256(candidate.read_bytes()).hexdigest() == sha:
            return candidate
    places = tuple(str(c.parent) for c in dict.fromkeys(candidates))
    raise InputError([Problem(str(manifest), None, "spec", msg("compare.spec-not-found", spec=spec_name,
                                                               places=places))])
