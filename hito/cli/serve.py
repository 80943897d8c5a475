"""`hito serve`: the web app, the API and (with peers) the exchange, in one process."""

from __future__ import annotations

from typing import Annotated

import typer

from hito.cli._common import settings


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
) -> None:
    """Serve the web app and the API."""
    import uvicorn

    from hito.web.app import create_app

    node = settings()
    typer.echo(f"Hito node {node.node} on http://{host}:{port}  (API docs: /api/v1/docs)")
    uvicorn.run(create_app(node), host=host, port=port, log_level="info")
