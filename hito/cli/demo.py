"""`hito demo …`: the Arica–Tacna scenario (demo mode only)."""

from __future__ import annotations

import typer

from hito.cli._common import fail, sessions, settings

demo_app = typer.Typer(help="The demo scenario (demo mode only).", no_args_is_help=True)


@demo_app.command("load")
def load() -> None:
    """Load the Arica–Tacna scenario into an empty database and create the demo users."""
    from hito.bootstrap import prepare_database
    from hito.db import session_scope
    from hito.demo import DEMO_USERS, load_demo
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
            f"demo loaded: {stats.events} events, {stats.observations} observations, "
            f"{stats.persons} persons in {stats.groups} family groups; "
            f"{stats.identities} identities after linkage, "
            f"{stats.queued_for_review} pairs to review"
        )
    typer.echo(
        f"demo logins (password '{DEMO_PASSWORD}'): "
        + ", ".join(f"{u} ({a}, {r})" for u, a, r in DEMO_USERS)
    )
