"""`hito import events` and `hito export events`: files in, files out."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from hito.cli._common import agency_scope, fail, sessions, settings

import_app = typer.Typer(help="Import records from files.", no_args_is_help=True)
export_app = typer.Typer(help="Export records to files.", no_args_is_help=True)


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

    node = settings()
    try:
        events = read_events(file)
    except ImportFailed as failure:
        for error in failure.errors[:50]:
            typer.secho(f"{file}:{error}", fg=typer.colors.RED, err=True)
        more = len(failure.errors) - 50
        fail(("" if more <= 0 else f"and {more} more; ") + "nothing was imported")
    chunk = 2000
    try:
        with session_scope(sessions(node)) as session, Progress(transient=True) as progress:
            scope = agency_scope(session, node, agency)
            task = progress.add_task("importing", total=len(events))
            for start in range(0, len(events), chunk):
                create_events(session, scope=scope, events=events[start : start + chunk])
                progress.advance(task, len(events[start : start + chunk]))
    except HitoError as error:
        fail(f"{error.detail}; nothing was imported")
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
        fail(f"unknown format {fmt!r}: csv, geojson or hxl", code=2)
    node = settings()
    try:
        with session_scope(sessions(node)) as session:
            scope = agency_scope(session, node, agency)
            events = iter_events(session, scope=scope, filters=EventFilters())
            if out is None:
                count = write_events(events, sys.stdout, fmt=fmt)
            else:
                with out.open("w", encoding="utf-8", newline="") as stream:
                    count = write_events(events, stream, fmt=fmt)
    except HitoError as error:
        fail(error.detail)
    typer.secho(f"exported {count} events", err=True)
