"""`hito db …`: the schema and its reference data."""

from __future__ import annotations

import typer

from hito.cli._common import settings

db_app = typer.Typer(help="Database schema and reference data.", no_args_is_help=True)


@db_app.command("upgrade")
def upgrade() -> None:
    """Apply migrations and seed reference data (agencies, sectors, this node's crossing)."""
    from hito.bootstrap import prepare_database

    node = settings()
    prepare_database(node)
    typer.echo(f"database ready: {node.database_url}")
