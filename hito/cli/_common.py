"""What every command shares: failing with a clear message, settings, sessions, the agency scope."""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING, NoReturn

import typer
from pydantic import ValidationError

from hito.settings import Settings

if TYPE_CHECKING:  # the CLI imports its heavy parts only in the command that needs them
    from sqlalchemy.orm import Session, sessionmaker

    from hito.auth import Scope

DEFAULT_AGENCY = {"CL": "CL-SERMIG", "PE": "PE-MIGRACIONES"}


def fail(message: str, code: int = 1) -> NoReturn:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


def say(message: str) -> None:
    """Progress and summaries, on stderr so that stdout stays the command's output."""
    typer.secho(message, err=True, fg=typer.colors.BRIGHT_BLACK)


def settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        fail("; ".join(str(e["msg"]).removeprefix("Value error, ") for e in error.errors()))


def sessions(node_settings: Settings) -> sessionmaker[Session]:
    from hito.db import make_engine, make_sessionmaker

    return make_sessionmaker(make_engine(node_settings.database_url))


def agency_scope(session: Session, node_settings: Settings, agency: str | None) -> Scope:
    """The CLI acts for an agency of this node; ``session`` is scoped like that agency's users."""
    from hito.agencies import agency_by_code
    from hito.auth import Role, Scope
    from hito.auth.scoping import bind
    from hito.exc import HitoError

    try:
        record = agency_by_code(session, code=agency or DEFAULT_AGENCY[node_settings.node])
    except HitoError as error:
        fail(error.detail, 2)
    if record.country not in (None, node_settings.node):
        fail(
            f"{record.code} is an agency of {record.country}; this node serves "
            f"{node_settings.node} (its agencies and the international organisations)",
            2,
        )
    scope = Scope(
        user_id=None,
        username=f"cli:{getpass.getuser()}",
        agency_code=record.code,
        agency_kind=record.kind,
        country=record.country,
        roles=frozenset({Role.admin}),
        node=node_settings.node,
    )
    bind(session, scope)
    return scope


def system_scope(session: Session, node_settings: Settings) -> Scope:
    """The node's own administration from its console: an admin of the node's migration
    service, named after the system user running the command (for the audit log)."""
    return agency_scope(session, node_settings, None)
