"""`hito audit …`: the hash-chained audit log."""

from __future__ import annotations

import typer

from hito.cli._common import fail, sessions, settings

audit_app = typer.Typer(
    help="The audit log: verify it, export and check extracts.", no_args_is_help=True
)


@audit_app.command("verify")
def verify() -> None:
    """Check the audit log's hash chain; exit 1 at the first broken entry."""
    from hito.audit import verify_chain
    from hito.db import session_scope

    with session_scope(sessions(settings())) as session:
        broken = verify_chain(session)
    if broken is not None:
        fail(f"audit chain broken at entry {broken}")
    typer.echo("audit chain intact")
