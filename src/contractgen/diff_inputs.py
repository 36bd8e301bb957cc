"""What ``contractgen diff`` compares: two library folders, two specs, or two git revisions.

Owns reading the two sides the user named into the diff's documents: a folder is a library (a
complete one, with its own ``clauses/library.yaml``, read on its own; a company layer, read on top
of the shipped library), a file is a spec (composed with the library), and with ``--git`` two
revisions of the library are read straight from git (``git archive`` into a temporary folder), the
working tree untouched. Bad input is an ``InputError`` or ``UsageError`` (exit 2).
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .diff import ChangeSet, diff_contracts, diff_libraries
from .errors import InputError, Problem, SpecError, UsageError
from .i18n import msg
from .library import FOLDERS, Library, load_library

__all__ = ["compare", "load_library_folder"]


def compare(old: str, new: str, *, git: bool = False, layers: Sequence[Path] = (),
            repo: Path | None = None) -> ChangeSet:
    """The change set between the two things named on the command line."""
    if git:
        root = _git_root(repo or Path.cwd())
        return diff_libraries(_git_library(root, old), _git_library(root, new), old, new)
    old_path, new_path = Path(old), Path(new)
    for path in (old_path, new_path):
        if not path.exists():
            raise InputError([Problem(str(path), None, "", msg("diff.no-such-path"))])
        if not path.is_dir() and not path.is_file():  # /dev/null, a pipe: neither a library nor a spec
            raise InputError([Problem(str(path), None, "", msg("file.not-regular"))])
    if old_path.is_dir() and new_path.is_dir():
        return diff_libraries(load_library_folder(old_path), load_library_folder(new_path), old, new)
    if old_path.is_file() and new_path.is_file():
        from .compose import compose
        from .spec import load_spec

        library = load_library(layers)
        # Drafts compare as they are (missing values as blanks; diff has no --draft), and the
        # problems of both sides are reported at once.
        contracts, problems = [], []
        for path, name in ((old_path, old), (new_path, new)):
            try:
                contracts.append(compose(load_spec(path, name), library, draft=True))
            except SpecError as exc:
                problems += exc.problems
        if problems:
            raise SpecError(problems)
        return diff_contracts(*contracts, old, new)
    raise UsageError(msg("diff.mixed-inputs", old=msg("noun.folder" if old_path.is_dir() else "noun.file"),
                         new=msg("noun.folder" if new_path.is_dir() else "noun.file")))


def load_library_folder(root: Path) -> Library:
    """A library folder: complete (has ``clauses/library.yaml``) on its own, else a layer."""
    if not any((root / f).is_dir() for f in FOLDERS):
        raise InputError([Problem(str(root), None, "", msg("diff.not-a-library"))])
    if not (root / "clauses" / "library.yaml").is_file():
        return load_library([root])
    # A complete library stands alone: read over the shipped one, it would keep the clauses it deleted.
    return load_library([root], builtin=False)


# --- git ---------------------------------------------------------------------------------------------

def _git(root: Path, *args: str) -> bytes:
    try:
        result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)
    except FileNotFoundError:
        raise UsageError(msg("diff.no-git")) from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(msg("diff.git-failed", command=" ".join(args[:2]), detail=message[-1] if message else "failed"))
    return result.stdout


def _git_root(start: Path) -> Path:
    try:
        return Path(_git(start, "rev-parse", "--show-toplevel").decode().strip())
    except UsageError:
        raise UsageError(msg("diff.not-in-git", path=str(start))) from None


def _git_library(root: Path, rev: str) -> Library:
    """The library as committed at a revision, read from git into a temporary folder."""
    if rev.startswith("-"):
        raise UsageError(msg("diff.not-a-revision", rev=rev))
    try:
        commit = _git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").decode().strip()
    except UsageError:
        raise UsageError(msg("diff.unknown-revision", rev=rev)) from None
    present = _git(root, "ls-tree", "--name-only", commit, "--", *FOLDERS).decode().split()
    if not present:
        raise InputError([Problem(f"{rev}:", None, "", msg("diff.no-library-at-revision", folders=FOLDERS))])
    archive = _git(root, "archive", "--format=tar", commit, "--", *present)
    with tempfile.TemporaryDirectory(prefix="contractgen-diff-") as tmp:
        folder = Path(tmp) / rev.replace("/", "_")
        folder.mkdir()
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")
        return load_library_folder(folder)

