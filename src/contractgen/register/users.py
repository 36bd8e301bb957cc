"""Local accounts (用户): names, roles, teams and Argon2 password hashes; signing in with rate limits.

Roles: ``drafter`` 起草人 (drafts and generates; sees their own contracts and their team's),
``reviewer`` 审核律师 (sees every contract, compares, approves or returns), ``admin`` 管理员 (users,
library layers, the audit trail). Passwords are hashed with Argon2id (argon2-cffi's defaults, RFC 9106)
and never stored or logged; a password must have at least ``MIN_PASSWORD`` characters, not be a
well-known one (``common_passwords.txt``), not be one character repeated, and not contain the name.

Signing in is refused without checking the password once an account has ``ACCOUNT_LIMIT`` failed
attempts within ``WINDOW`` (since its last success), or an address ``ADDRESS_LIMIT``: the failures are
the audit trail's own ``login-failed`` rows, so the limits hold across processes and restarts.
"""

from __future__ import annotations

import datetime as dt
import functools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files

from sqlalchemy import func, select

from ..errors import UsageError
from ..i18n import Message, msg
from . import Register, audit
from .models import User, _now

ROLES = ("drafter", "reviewer", "admin")
MIN_PASSWORD = 10
MAX_PASSWORD = 1024
"""Longer input is refused before hashing (a megabyte of password is a way to make the server work)."""
MAX_NAME = 64
WINDOW = dt.timedelta(minutes=15)
ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 20


def _hasher(register: Register):  # -> argon2.PasswordHasher
    return _hasher_for(tuple(sorted((register.password_hashing or {}).items())))


@functools.cache
def _hasher_for(arguments: tuple):  # -> argon2.PasswordHasher
    from argon2 import PasswordHasher

    return PasswordHasher(**dict(arguments))


@functools.cache
def _common() -> frozenset[str]:
    lines = files("contractgen.register").joinpath("common_passwords.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def _dummy_hash(register: Register) -> str:
    """A hash to check a password against when there is no such account (the answer takes as long)."""
    return _dummy_for(_hasher(register))


@functools.cache
def _dummy_for(hasher) -> str:
    return hasher.hash("no such account, no such password")


def password_problem(password: str, name: str = "") -> Message | None:
    """Why ``password`` may not be used (for account ``name``), or ``None``."""
    if len(password) < MIN_PASSWORD:
        return msg("users.password-short", minimum=MIN_PASSWORD, length=len(password))
    if len(password) > MAX_PASSWORD:
        return msg("users.password-long", maximum=MAX_PASSWORD)
    if password.lower() in _common():
        return msg("users.password-common")
    if len(set(password)) <= 2:
        return msg("users.password-repeated")
    if name and name.lower() in password.lower():
        return msg("users.password-has-name")
    return None


def name_problem(name: str) -> Message | None:
    """Why ``name`` cannot be an account name, or ``None``."""
    if not name or len(name) > MAX_NAME:
        return msg("users.name-length", maximum=MAX_NAME)
    if any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in name):
        return msg("users.name-characters", name=name)
    return None


def add_user(register: Register, name: str, role: str, password: str, *, team: str = "", actor: str = "",
             address: str = "") -> User:
    """Create an account; ``UsageError`` for a bad name, role or password, or a name already taken."""
    if problem := name_problem(name):
        raise UsageError(problem)
    if role not in ROLES:
        raise UsageError(msg("users.role-unknown", role=role, choices=ROLES))
    if problem := password_problem(password, name):
        raise UsageError(problem)
    team = team.strip()[:120]
    hashed = _hasher(register).hash(password)
    with register.sessions.begin() as session:
        if session.scalar(select(User.id).where(User.name == name)) is not None:
            raise UsageError(msg("users.name-taken", name=name))
        user = User(name=name, role=role, team=team, password_hash=hashed, active=True, epoch=0)
        session.add(user)
        audit.record(session, actor=actor or name, action="user-added", subject=name, address=address,
                     detail={"role": role, "team": team})
        session.flush()
        return user


def change_user(register: Register, user_id: int, *, actor: str, address: str = "", role: str | None = None,
                team: str | None = None, active: bool | None = None, password: str | None = None) -> User | None:
    """Change an account's role, team, active flag or password (ending its sessions); ``None``: no such account."""
    if role is not None and role not in ROLES:
        raise UsageError(msg("users.role-unknown", role=role, choices=ROLES))
    with register.sessions.begin() as session:
        user = session.get(User, user_id)
        if user is None:
            return None
        if password is not None and (problem := password_problem(password, user.name)):
            raise UsageError(problem)
        changed: dict[str, object] = {}
        if role is not None and role != user.role:
            changed["role"] = user.role = role
        if team is not None and team.strip()[:120] != user.team:
            changed["team"] = user.team = team.strip()[:120]
        if active is not None and active != user.active:
            changed["active"] = user.active = active
        if password is not None:
            user.password_hash = _hasher(register).hash(password)
            changed["password"] = "changed"  # never the password itself
        if changed:
            user.epoch += 1
            audit.record(session, actor=actor, action="user-changed", subject=user.name, address=address,
                         detail=changed)
        return user


def end_sessions(register: Register, user_id: int) -> None:
    """Raise the account's epoch: every session signed in before this ends (logout)."""
    with register.sessions.begin() as session:
        user = session.get(User, user_id)
        if user is not None:
            user.epoch += 1


def get_user(register: Register, user_id: int) -> User | None:
    with register.sessions.begin() as session:
        return session.get(User, user_id)


def list_users(register: Register) -> Sequence[User]:
    with register.sessions.begin() as session:
        return session.scalars(select(User).order_by(User.name)).all()


def has_admin(register: Register) -> bool:
    """Whether an active admin account exists (``serve`` beyond loopback needs one)."""
    with register.sessions.begin() as session:
        found = session.scalar(select(func.count()).select_from(User).where(User.role == "admin", User.active.is_(True)))
        return bool(found)


@dataclass(frozen=True, slots=True)
class SignIn:
    """The outcome of a sign-in attempt: the account, or why not (``wrong`` or ``limited``)."""

    user: User | None
    refused: str = ""


def sign_in(register: Register, name: str, password: str, *, address: str, now: dt.datetime | None = None) -> SignIn:
    """Check a name and password, within the rate limits; every attempt is in the audit trail."""
    now = now or _now()
    name = name.strip()[:MAX_NAME]
    if _limited(register, name, address, now):
        audit.append(register, actor=name, action="login-limited", subject=name, address=address, at=now)
        return SignIn(None, "limited")
    with register.sessions.begin() as session:
        user = session.scalar(select(User).where(User.name == name))
    from argon2.exceptions import InvalidHashError, VerificationError

    good = False
    try:
        good = len(password) <= MAX_PASSWORD and _hasher(register).verify(user.password_hash if user else _dummy_hash(register),
                                                                  password)
    except (VerificationError, InvalidHashError):
        good = False
    if not good or user is None or not user.active:
        audit.append(register, actor=name, action="login-failed", subject=name, address=address, at=now)
        return SignIn(None, "wrong")
    if _hasher(register).check_needs_rehash(user.password_hash):
        change_user(register, user.id, actor=name, address=address, password=password)
    audit.append(register, actor=name, action="login", subject=name, address=address, at=now)
    return SignIn(get_user(register, user.id))


def _limited(register: Register, name: str, address: str, now: dt.datetime) -> bool:
    since = now - WINDOW
    last_good = audit.last_at(register, "login", name)
    account_since = max(since, last_good) if last_good else since
    return (audit.count_since(register, "login-failed", account_since, subject=name) >= ACCOUNT_LIMIT
            or audit.count_since(register, "login-failed", since, address=address) >= ADDRESS_LIMIT)
