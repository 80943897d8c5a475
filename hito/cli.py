"""The ``hito`` command: each command is a few lines that call a service."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from pydantic import ValidationError
from rich.progress import Progress

from hito.identity.cli import identity_app
from hito.settings import DEMO_PASSWORD, Settings

if TYPE_CHECKING:  # the CLI imports its heavy parts only in the command that needs them
    from sqlalchemy.orm import Session, sessionmaker

    from hito.auth import Scope

app = typer.Typer(
    help="Hito: binational border cooperation, Chile–Peru.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
db_app = typer.Typer(help="Database schema and integrity.", no_args_is_help=True)
demo_app = typer.Typer(help="The demo scenario (demo mode only).", no_args_is_help=True)
user_app = typer.Typer(help="User accounts.", no_args_is_help=True)
import_app = typer.Typer(help="Import records from files.", no_args_is_help=True)
export_app = typer.Typer(help="Export records to files.", no_args_is_help=True)
for sub, name in [
    (db_app, "db"),
    (demo_app, "demo"),
    (user_app, "user"),
    (import_app, "import"),
    (export_app, "export"),
    (identity_app, "identity"),
]:
    app.add_typer(sub, name=name)

DEFAULT_AGENCY = {"CL": "CL-SERMIG", "PE": "PE-MIGRACIONES"}


def _fail(message: str, code: int = 1) -> NoReturn:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        _fail("; ".join(str(e["msg"]).removeprefix("Value error, ") for e in error.errors()))


def _sessions(settings: Settings) -> sessionmaker[Session]:
    from hito.db import make_engine, make_sessionmaker

    return make_sessionmaker(make_engine(settings.database_url))


def _agency_scope(session: Session, settings: Settings, agency: str | None) -> Scope:
    """The CLI acts for an agency of this node; its queries are scoped like that agency's users."""
    from hito.agencies import agency_by_code
    from hito.auth import Role, Scope

    record = agency_by_code(session, code=agency or DEFAULT_AGENCY[settings.node])
    return Scope(
        user_id=None,
        username=f"cli:{getpass.getuser()}",
        agency_code=record.code,
        agency_kind=record.kind,
        country=record.country,
        roles=frozenset({Role.admin}),
        node=settings.node,
    )


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply migrations and seed reference data (agencies, sectors, the crossing)."""
    from hito.bootstrap import prepare_database

    settings = _settings()
    prepare_database(settings)
    typer.echo(f"database ready: {settings.database_url}")


@db_app.command("verify-audit")
def db_verify_audit() -> None:
    """Check the audit log's hash chain; exit 1 at the first broken entry."""
    from hito.audit import verify_chain
    from hito.db import session_scope

    with session_scope(_sessions(_settings())) as session:
        broken = verify_chain(session)
    if broken is not None:
        _fail(f"audit chain broken at entry {broken}")
    typer.echo("audit chain intact")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
) -> None:
    """Serve the web app and the API."""
    import uvicorn

    from hito.web.app import create_app

    settings = _settings()
    typer.echo(f"Hito node {settings.node} on http://{host}:{port}  (API docs: /api/v1/docs)")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


@demo_app.command("load")
def demo_load() -> None:
    """Load the Arica–Tacna scenario into an empty database and create the demo users."""
    from hito.bootstrap import prepare_database
    from hito.db import session_scope
    from hito.demo import DEMO_USERS, load_demo
    from hito.exc import HitoError

    settings = _settings()
    prepare_database(settings)
    try:
        with session_scope(_sessions(settings)) as session:
            stats = load_demo(session, settings=settings)
    except HitoError as error:
        _fail(error.detail)
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


@user_app.command("add")
def user_add(
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

    settings = _settings()
    if sys.stdin.isatty():
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        with session_scope(_sessions(settings)) as session:
            user = create_user(
                session, username=username, password=password, agency_code=agency, roles=role
            )
            typer.echo(f"user {user.username} created at {user.agency.code} ({user.roles})")
    except HitoError as error:
        _fail(error.detail)


@import_app.command("events")
def import_events(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    agency: Annotated[
        str | None, typer.Option(help="Reporting agency (default: the node's migration service)")
    ] = None,
) -> None:
    """Import events from CSV or GeoJSON: every row is checked; all are written, or none."""
    from hito.db import session_scope
    from hito.events import create_events
    from hito.events.io import ImportFailed, read_events
    from hito.exc import HitoError

    settings = _settings()
    try:
        events = read_events(file)
    except ImportFailed as failure:
        for error in failure.errors[:50]:
            typer.secho(f"{file}:{error}", fg=typer.colors.RED, err=True)
        more = len(failure.errors) - 50
        _fail(("" if more <= 0 else f"and {more} more; ") + "nothing was imported")
    chunk = 2000
    try:
        with session_scope(_sessions(settings)) as session, Progress(transient=True) as progress:
            scope = _agency_scope(session, settings, agency)
            task = progress.add_task("importing", total=len(events))
            for start in range(0, len(events), chunk):
                create_events(session, scope=scope, events=events[start : start + chunk])
                progress.advance(task, len(events[start : start + chunk]))
    except HitoError as error:
        _fail(f"{error.detail}; nothing was imported")
    typer.echo(f"imported {len(events)} events from {file}")


@export_app.command("events")
def export_events(
    fmt: Annotated[str, typer.Option("--format", help="csv, geojson or hxl")] = "csv",
    out: Annotated[Path | None, typer.Option(help="File to write (default: stdout)")] = None,
    agency: Annotated[str | None, typer.Option(help="Export what this agency may see")] = None,
) -> None:
    """Export the events the agency may see, oldest first."""
    from hito.db import session_scope
    from hito.events import EventFilters, iter_events
    from hito.events.io import write_events
    from hito.exc import HitoError

    if fmt not in ("csv", "geojson", "hxl"):
        _fail(f"unknown format {fmt!r}: csv, geojson or hxl", code=2)
    settings = _settings()
    try:
        with session_scope(_sessions(settings)) as session:
            scope = _agency_scope(session, settings, agency)
            events = iter_events(session, scope=scope, filters=EventFilters())
            if out is None:
                count = write_events(events, sys.stdout, fmt=fmt)
            else:
                with out.open("w", encoding="utf-8", newline="") as stream:
                    count = write_events(events, stream, fmt=fmt)
    except HitoError as error:
        _fail(error.detail)
    typer.secho(f"exported {count} events", err=True)


if __name__ == "__main__":
    app()
