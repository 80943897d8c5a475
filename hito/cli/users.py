"""`hito user …`: accounts of this node's agencies and of the international organisations."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from hito.cli._common import fail, sessions, settings, system_scope

user_app = typer.Typer(help="User accounts.", no_args_is_help=True)


@user_app.command("add")
def add(
    username: str,
    agency: Annotated[str, typer.Option(help="Agency code, e.g. CL-PDI")],
    role: Annotated[
        list[str], typer.Option(help="viewer, operator, supervisor, admin, caseworker")
    ],
) -> None:
    """Create a user; the password is read from standard input."""
    from hito.auth import create_user
    from hito.db import session_scope
    from hito.exc import HitoError

    node = settings()
    if sys.stdin.isatty():
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        with session_scope(sessions(node)) as session:
            user = create_user(
                session,
                node=node.node,
                username=username,
                password=password,
                agency_code=agency,
                roles=role,
                scope=system_scope(session, node),
            )
            typer.echo(f"user {user.username} created at {user.agency.code} ({user.roles})")
    except HitoError as error:
        fail(error.detail)
