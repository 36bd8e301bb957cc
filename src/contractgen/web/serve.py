"""``contractgen serve``: the app behind waitress, a production WSGI server (no debugger, no reloader).

Only on a loopback address until an admin account exists: beyond it, the first person to reach the
server must not find it open (``contractgen users add admin --role admin`` creates the first one).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from pathlib import Path

import click

from ..errors import UsageError
from ..i18n import msg, text


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address (127.0.0.0/8, ::1) or ``localhost``."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def first_admin_command(data_dir: Path | None, database: str | None) -> str:
    """The command that creates the first admin for this data folder and database."""
    command = "contractgen users add admin --role admin"
    if data_dir is not None:
        command += f" --data-dir {data_dir}"
    if database:
        from sqlalchemy.engine import make_url

        command += f" --database {make_url(database).render_as_string(hide_password=True)}"
    return command


def serve(*, host: str, port: int, database: str | None, data_dir: Path | None, threads: int = 4,
          layers: Sequence[Path] = (), pdf_engine: str | None = None, pdf_standard: str | None = None) -> None:
    """Open the register (creating or upgrading it), then serve until interrupted."""
    from waitress import create_server

    from ..register.users import has_admin
    from . import create_app

    app = create_app({"DATA_DIR": data_dir, "DATABASE_URL": database, "LIBRARY_LAYERS": tuple(layers),
                      "PDF_ENGINE": pdf_engine, "PDF_STANDARD": pdf_standard})
    if not is_loopback(host) and not has_admin(app.extensions["contractgen.register"]):
        raise UsageError(msg("web.serve-needs-admin", host=host, command=first_admin_command(data_dir, database)))
    server = create_server(app, host=host, port=port, threads=threads, ident="contractgen")
    where = f"http://{host if ':' not in host else f'[{host}]'}:{server.effective_port}/"
    click.echo(text("web.serving", url=where, data_dir=str(app.config["DATA_DIR"])), err=True)
    server.run()
