"""``contractgen serve``: the app behind waitress, a production WSGI server (no debugger, no reloader)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from ..i18n import text


def serve(*, host: str, port: int, database: str | None, data_dir: Path | None, threads: int = 4,
          layers: Sequence[Path] = ()) -> None:
    """Open the register (creating or upgrading it), then serve until interrupted."""
    from waitress import create_server

    from . import create_app

    app = create_app({"DATA_DIR": data_dir, "DATABASE_URL": database, "LIBRARY_LAYERS": tuple(layers)})
    server = create_server(app, host=host, port=port, threads=threads, ident="contractgen")
    where = f"http://{host if ':' not in host else f'[{host}]'}:{server.effective_port}/"
    click.echo(text("web.serving", url=where, data_dir=str(app.config["DATA_DIR"])), err=True)
    server.run()
