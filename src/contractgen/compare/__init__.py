"""Reading back the other side's Word file and comparing it with the standard contract.

The diff step's second face: ``contractgen diff`` compares two specs or libraries, this package
compares a standard contract with a DOCX the other side sent back. ``reader`` reads their file
safely (tracked changes, comments, our clause carriers); ``align`` maps their paragraphs to the
standard's clauses and makes the diff's document of them; ``report`` turns the diff's change set
into the ranked deviation list a lawyer reads; ``standard`` resolves what the user named as the
standard; ``outputs`` prints the report (text, HTML, JSON) or the DOCX redline.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .reader import TheirChanges
    from .report import Comparison

__all__ = ["compare_files"]


def compare_files(standard: str, theirs: Path, *, policy: TheirChanges = "show",
                  layers: Sequence[Path] = ()) -> Comparison:
    """Compare their DOCX with the standard (a spec, a build folder or its manifest)."""
    from .reader import read_returned_file
    from .report import compare_returned
    from .standard import load_standard

    returned = read_returned_file(theirs, policy)  # their file first: a bad upload fails fast
    contract = load_standard(standard, layers)
    return compare_returned(contract, returned, standard_label=standard, their_label=str(theirs), policy=policy)
