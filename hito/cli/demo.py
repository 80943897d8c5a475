"""`hito demo …`: the Arica–Tacna scenario (demo mode only)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hito.cli._common import fail, say, sessions, settings

demo_app = typer.Typer(help="The demo scenario (demo mode only).", no_args_is_help=True)


@demo_app.command("up")
def up(
    host: Annotated[str, typer.Option(help="Address both nodes listen on")] = "127.0.0.1",
    cl_port: Annotated[int, typer.Option(help="Chile's node")] = 8000,
    pe_port: Annotated[int, typer.Option(help="Peru's node")] = 8001,
    folder: Annotated[Path, typer.Option("--dir", help="Databases and keys")] = Path("var"),
) -> None:
    """Both nodes on this machine, each with its database and key, peers of each other under the
    demo agreement, loaded with the scenario and served; Ctrl-C stops both."""
    from hito.demo.up import up as run_both

    code = run_both(host=host, ports={"CL": cl_port, "PE": pe_port}, folder=folder, say=say)
    if code:
        raise typer.Exit(code)


@demo_app.command("load")
def load() -> None:
    """Load this node's part of the scenario into an empty database, with its demo users."""
    from hito.bootstrap import prepare_database
    from hito.db import session_scope
    from hito.demo import load_demo, users_of
    from hito.exc import HitoError
    from hito.settings import DEMO_PASSWORD

    node = settings()
    prepare_database(node)
    try:
        with session_scope(sessions(node)) as session:
            stats = load_demo(session, settings=node)
    except HitoError as error:
        fail(error.detail)
    if stats is None:
        typer.echo("the database already holds events: demo not loaded again")
    else:
        typer.echo(
            f"demo loaded on {node.node}: {stats.events} events, {stats.observations} "
            f"observations, {stats.persons} persons in {stats.groups} family groups"
        )
    typer.echo(
        f"demo logins (password '{DEMO_PASSWORD}'): "
        + ", ".join(f"{u} ({a}, {r})" for u, a, r in users_of(node.node))
    )


@demo_app.command("finish")
def finish() -> None:
    """Once the exchange has run: Peru observes the stranded group; linkage on this node."""
    from hito.db import session_scope
    from hito.demo import finish_demo
    from hito.exc import HitoError

    node = settings()
    try:
        with session_scope(sessions(node)) as session:
            summary = finish_demo(session, settings=node)
    except HitoError as error:
        fail(error.detail)
    typer.echo(
        f"{summary['persons']} encounters → {summary['identities']} identities, "
        f"{summary['queued_for_review']} pairs to review"
    )
