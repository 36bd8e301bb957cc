"""A batch on a Dask distributed cluster: ``--executor dask://HOST:PORT``, as a ``concurrent.futures.Executor``.

Owns connecting to the scheduler (``dask scheduler``; ``dask worker`` on each machine, with
contractgen installed there), handing the library to every worker once (``Client.scatter`` with
``broadcast``: each task then names it instead of carrying it), and closing the connection
whatever happens. The rows are checked here before any task is sent; the workers only compose
and render. distributed is imported only here (``pip install 'contractgen[dask]'``).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from concurrent.futures import Executor
from typing import Any

from ..errors import UsageError
from ..i18n import msg
from ..library import Library

SCHEME = "dask://"
CONNECT_SECONDS = 10
"""How long to wait for the scheduler to answer, and for a first worker to join it."""
_ADDRESS = re.compile(r"dask://(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(?P<port>\d{1,5})/?")


def scheduler_address(url: str) -> str:
    """``dask://HOST:PORT`` → ``tcp://HOST:PORT``; anything else is a usage error naming the form."""
    found = _ADDRESS.fullmatch(url.strip())
    if found is None or not 0 < int(found["port"]) < 65536:
        raise UsageError(msg("batch.executor-url", url=url))
    return f"tcp://{found['host']}:{found['port']}"


@contextlib.contextmanager
def dask_executor(url: str, library: Library) -> Iterator[tuple[Executor, Any]]:
    """The cluster's executor and the library as its workers hold it (a future each task resolves)."""
    address = scheduler_address(url)
    try:
        from distributed import Client
    except ModuleNotFoundError:
        raise UsageError(msg("batch.dask-missing", command="pip install 'contractgen[dask]'")) from None
    try:
        client = Client(address, timeout=f"{CONNECT_SECONDS}s", set_as_default=False)
    except (OSError, TimeoutError):
        raise UsageError(msg("batch.dask-unreachable", address=url)) from None
    try:
        try:
            client.wait_for_workers(1, timeout=CONNECT_SECONDS)
        except TimeoutError:
            raise UsageError(msg("batch.dask-no-workers", address=url)) from None
        library_ref = client.scatter(library, broadcast=True, hash=False)
        yield client.get_executor(pure=False), library_ref
    finally:
        client.close()
