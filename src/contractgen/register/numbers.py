"""Contract numbers: one sequence per industry and year, formatted by a configurable pattern.

The next number is taken inside the caller's transaction (insert the sequence row if it is new,
then increment it), so it is unique however many requests ask at once: PostgreSQL locks the row
until the transaction ends, SQLite the whole database; a rolled-back build gives its number back.
"""

from __future__ import annotations

import string

from sqlalchemy import update
from sqlalchemy.orm import Session

from ..errors import UsageError
from ..i18n import msg
from .db import upsert_ignoring
from .models import NumberSequence

DEFAULT_PATTERN = "HT-{code}-{year}-{seq:04d}"
"""``HT-HOTEL-2026-0001``; ``{industry}`` is the industry id, ``{code}`` the id in capitals without hyphens."""
FIELDS = {"industry", "code", "year", "seq"}


def check_pattern(pattern: str) -> None:
    """A pattern must name only known fields, include the sequence, and tell industries apart."""
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None}
        format_number(pattern, "car-rental", 2026, 1)
    except (ValueError, KeyError, IndexError) as exc:
        raise UsageError(msg("register.pattern-invalid", pattern=pattern, reason=str(exc))) from None
    if unknown := names - FIELDS:
        raise UsageError(msg("register.pattern-unknown-field", pattern=pattern, fields=tuple(sorted(unknown))))
    if "seq" not in names or not names & {"industry", "code"}:
        raise UsageError(msg("register.pattern-repeats", pattern=pattern))


def format_number(pattern: str, industry: str, year: int, seq: int) -> str:
    """The contract number of ``seq`` in an industry's ``year``."""
    return pattern.format(industry=industry, code=industry.upper().replace("-", ""), year=year, seq=seq)


def next_seq(session: Session, industry: str, year: int) -> int:
    """Take the next sequence number of ``industry`` in ``year`` (inside the caller's transaction)."""
    session.execute(upsert_ignoring(session, NumberSequence, industry=industry, year=year, last=0))
    result = session.execute(update(NumberSequence)
                             .where(NumberSequence.industry == industry, NumberSequence.year == year)
                             .values(last=NumberSequence.last + 1).returning(NumberSequence.last))
    return int(result.scalar_one())
