"""Accounts from the command line, the password rules, the audit trail's hash chain (``contractgen audit
verify`` after a row is edited or deleted by hand) and ``serve`` beyond loopback, on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from contractgen.register import open_register
from contractgen.register.audit import append, verify
from contractgen.register.users import list_users, password_problem, sign_in
from contractgen.web.serve import is_loopback

CLI = str(Path(sys.executable).parent / "contractgen")


def run(*args: str, stdin: str = "", lang: str = "en") -> subprocess.CompletedProcess:
    return subprocess.run([CLI, *args], input=stdin, capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "CONTRACTGEN_LANG": lang, "HOME": "/nonexistent"})


@pytest.fixture
def where(tmp_path, database_url):
    return ["--data-dir", str(tmp_path / "data"), "--database", database_url]


def test_users_add_reads_the_password_from_stdin_and_refuses_weak_ones(where, tmp_path, database_url):
    done = run("users", "add", "admin", "--role", "admin", *where, stdin="Zhang-San-Law-2026\n", lang="zh")
    assert done.returncode == 0 and "已创建用户“admin”（管理员）" in done.stdout, done.stderr
    for weak, why in (("short1!", "至少 10 个字符"), ("password123", "常见密码"), ("aaaaaaaaaaaa", "重复"),
                      ("wang-secret-2026", "不得包含用户名")):
        refused = run("users", "add", "wang", "--role", "reviewer", *where, stdin=weak + "\n", lang="zh")
        assert refused.returncode == 2 and why in refused.stderr, (weak, refused.stderr)
    taken = run("users", "add", "admin", "--role", "drafter", *where, stdin="Another-Good-One-77\n")
    assert taken.returncode == 2 and "taken" in taken.stderr
    assert run("users", "add", "li", "--role", "boss", *where, stdin="Another-Good-One-77\n").returncode == 2
    register = open_register(tmp_path / "data", database_url)
    try:
        assert [(u.name, u.role) for u in list_users(register)] == [("admin", "admin")]
        assert sign_in(register, "admin", "Zhang-San-Law-2026", address="127.0.0.1").user is not None
        assert list_users(register)[0].password_hash.startswith("$argon2id$")
    finally:
        register.engine.dispose()
    listed = run("users", "list", *where, lang="zh")
    assert listed.returncode == 0 and listed.stdout.strip().split("\t")[:2] == ["admin", "管理员"]


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=0, max_size=40))
def test_a_password_is_refused_or_strong_enough(password):
    problem = password_problem(password, "li")
    if problem is None:
        assert len(password) >= 10 and len(set(password)) > 2 and "li" not in password.lower()


def test_audit_verify_names_the_first_row_edited_or_deleted_by_hand(tmp_path, database_url):
    register = open_register(tmp_path / "data", database_url)
    try:
        for i in range(6):
            append(register, actor="li", action="downloaded", subject=f"HT-HOTEL-2026-000{i}", address="127.0.0.1",
                   detail={"file": "contract.pdf"})
        assert verify(register).broken is None
        ok = run("audit", "verify", "--data-dir", str(tmp_path / "data"), "--database", database_url)
        assert ok.returncode == 0 and "6 rows" in ok.stdout
        with register.engine.begin() as connection, pytest.raises(Exception, match="append-only"):
            connection.execute(text("UPDATE audit_rows SET actor = 'wang' WHERE seq = 3"))
        _by_hand(register, "UPDATE audit_rows SET actor = 'wang' WHERE seq = 3")
        bad = run("audit", "verify", "--data-dir", str(tmp_path / "data"), "--database", database_url, lang="zh")
        assert bad.returncode == 1 and "第 3 行已被改动" in bad.stderr
        _by_hand(register, "UPDATE audit_rows SET actor = 'li' WHERE seq = 3")
        assert verify(register).broken is None
        _by_hand(register, "DELETE FROM audit_rows WHERE seq = 4")
        assert (verify(register).broken.seq, verify(register).broken.reason) == (4, "missing")
        _by_hand(register, "DELETE FROM audit_rows WHERE seq >= 4")
        assert (verify(register).broken.seq, verify(register).broken.reason) == (4, "missing")  # the head remembers 6
    finally:
        register.engine.dispose()


def _by_hand(register, statement: str) -> None:
    """What someone with the database owner's rights can do: drop the guard, change rows, put it back."""
    with register.engine.begin() as connection:
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            connection.execute(text("ALTER TABLE audit_rows DISABLE TRIGGER audit_rows_append_only"))
        else:
            connection.execute(text("DROP TRIGGER audit_rows_no_update"))
            connection.execute(text("DROP TRIGGER audit_rows_no_delete"))
        connection.execute(text(statement))
        if postgres:
            connection.execute(text("ALTER TABLE audit_rows ENABLE TRIGGER audit_rows_append_only"))
        else:
            for event in ("UPDATE", "DELETE"):
                connection.execute(text(f"CREATE TRIGGER audit_rows_no_{event.lower()} BEFORE {event} ON audit_rows "
                                        "BEGIN SELECT RAISE(ABORT, 'audit_rows is append-only'); END"))


def test_serve_beyond_loopback_needs_an_admin_first(tmp_path):
    refused = run("serve", "--host", "0.0.0.0", "--port", "0", "--data-dir", str(tmp_path / "d"), lang="zh")
    assert refused.returncode == 2
    assert f"contractgen users add admin --role admin --data-dir {tmp_path / 'd'}" in refused.stderr
    assert "还没有管理员账户" in refused.stderr
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost") and is_loopback("127.8.0.1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5") and not is_loopback("::")


def test_users_add_asks_twice_on_a_terminal_without_echo(tmp_path):
    import os
    import pty
    import select
    import time

    master, slave = pty.openpty()
    process = subprocess.Popen([CLI, "users", "add", "li", "--role", "drafter", "--data-dir", str(tmp_path / "d")],
                               stdin=slave, stdout=slave, stderr=slave, close_fds=True,
                               env={"PATH": "/usr/bin:/bin", "CONTRACTGEN_LANG": "en", "HOME": str(tmp_path)})
    os.close(slave)
    seen = b""

    def until(token: bytes) -> None:
        nonlocal seen
        deadline = time.monotonic() + 60
        while token not in seen and time.monotonic() < deadline:
            if select.select([master], [], [], 1)[0]:
                try:
                    seen += os.read(master, 4096)
                except OSError:
                    return

    try:
        until(b"Password")
        os.write(master, b"Pujiang-Hotel-2026\n")
        until(b"Repeat")
        os.write(master, b"Pujiang-Hotel-2026\n")
        until(b"created account")
        assert process.wait(timeout=60) == 0, seen
    finally:
        os.close(master)
    assert b"created account 'li' (drafter)" in seen and b"Pujiang-Hotel" not in seen  # asked twice, never echoed
