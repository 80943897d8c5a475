"""What every command shares: failing with a clear message, settings, sessions, the agency scope."""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeVar

import typer
from pydantic import ValidationError

from hito.settings import Settings

if TYPE_CHECKING:  # the CLI imports its heavy parts only in the command that needs them
    from sqlalchemy.orm import Session, sessionmaker

    from hito.auth import Scope

Document = TypeVar("Document")
DEFAULT_AGENCY = {"CL": "CL-SERMIG", "PE": "PE-MIGRACIONES"}


def fail(message: str, code: int = 1) -> NoReturn:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


def say(message: str) -> None:
    """Progress and summaries, on stderr so that stdout stays the command's output."""
    typer.secho(message, err=True, fg=typer.colors.BRIGHT_BLACK)


def read_document(file: Path, parse: Callable[[str], Document], *, refused: str) -> Document:
    """A document kept as data (an agreement, priority rules) read from ``file`` and validated:
    exit 2 when the file cannot be read, 1 after naming every problem with its line."""
    from hito.datafile import DataFileError

    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        fail(f"{file}: no such file", 2)
    except UnicodeDecodeError as error:
        fail(f"{file}: not UTF-8 text (byte {error.start})", 2)
    try:
        return parse(text)
    except DataFileError as error:
        for line in error.lines(str(file)):
            typer.secho(line, fg=typer.colors.RED, err=True)
        fail(refused)


def moment(option: str, text: str, zone: dt.tzinfo) -> dt.datetime:
    """An ISO 8601 date (its midnight) or date-time; without an offset, in ``zone`` (the
    node's); otherwise exit 2 naming the option."""
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        fail(f"{option}: {text!r} is not an ISO 8601 date or date-time (2025-11-24T08:00-03:00)", 2)
    return value.replace(tzinfo=zone) if value.tzinfo is None else value


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
