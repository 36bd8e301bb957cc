"""A throwaway PostgreSQL cluster for the test session: initdb, start on a Unix socket in a temporary folder, stop.

``initdb`` refuses to run as root, so as root the cluster is made and run by the ``postgres`` user.
The server listens on no TCP address at all (``listen_addresses=''``), only on a socket in its own
folder, on a port picked free so several test runs on one machine never meet. Durability is off
(fsync, synchronous commit): the cluster is thrown away at the end of the session.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), reverse=True)


@dataclass(frozen=True)
class Cluster:
    root: Path
    port: int
    bin_dir: Path

    @property
    def socket_dir(self) -> Path:
        return self.root / "sock"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={self.socket_dir}&port={self.port}"


def missing_reason() -> str | None:
    """Why no cluster can be started here, or ``None``."""
    if not any((d / "initdb").exists() for d in BIN_DIRS) and not shutil.which("initdb"):
        return "PostgreSQL is not installed (scripts/setup-system.sh test installs postgresql)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root without a postgres user to run the cluster as"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_owner(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def start() -> Cluster:
    bin_dir = next((d for d in BIN_DIRS if (d / "initdb").exists()), None) or Path(shutil.which("initdb")).parent
    root = Path(tempfile.mkdtemp(prefix="contractgen-pg-"))
    (root / "sock").mkdir()
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        for path in (root, root / "sock"):
            os.chown(path, owner.pw_uid, owner.pw_gid)
    cluster = Cluster(root, _free_port(), bin_dir)
    run = dict(check=True, capture_output=True, cwd=root)
    subprocess.run(_as_owner([str(bin_dir / "initdb"), "-D", str(root / "data"), "-U", "postgres", "-A", "trust",
                              "-E", "UTF8", "--no-locale", "--no-sync"]), **run)
    options = (f"-p {cluster.port} -k {root / 'sock'} -c listen_addresses='' -c fsync=off "
               "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60")
    subprocess.run(_as_owner([str(bin_dir / "pg_ctl"), "-D", str(root / "data"), "-l", str(root / "log"),
                              "-o", options, "-w", "-t", "60", "start"]), **run)
    return cluster


def stop(cluster: Cluster) -> None:
    subprocess.run(_as_owner([str(cluster.bin_dir / "pg_ctl"), "-D", str(cluster.root / "data"), "-m", "immediate",
                              "-w", "stop"]), capture_output=True, check=False, cwd=cluster.root)
    shutil.rmtree(cluster.root, ignore_errors=True)
