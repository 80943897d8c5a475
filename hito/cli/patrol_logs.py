"""`hito patrols import-gpx` and `hito patrols report`: patrol logs from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from hito.cli._common import agency_scope, fail, moment, say, sessions, settings
from hito.cli.patrols import AgencyOption, patrols_app
from hito.settings import NODE_TIMEZONES


@patrols_app.command("import-gpx")
def import_gpx(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    patrol: Annotated[int, typer.Option(min=1, max=2**31 - 1, help="The patrol's id")],
    agency: AgencyOption = None,
) -> None:
    """Add a GPX file's tracks to a patrol of this node: the whole file, or nothing (the line
    of the first problem is named)."""
    from hito.db import session_scope
    from hito.exc import HitoError, InvalidInput
    from hito.patrols.logs import import_gpx as add

    node = settings()
    data = file.read_bytes()
    try:
        with session_scope(sessions(node)) as session:
            done = add(session, scope=agency_scope(session, node, agency), patrol_id=patrol,
                       data=data)  # fmt: skip
    except HitoError as error:
        detail = error.detail.removeprefix("GPX ")
        if detail.startswith("line "):  # FILE:LINE: message, as compilers say it
            line, _, message = detail.removeprefix("line ").partition(": ")
            fail(f"{file}:{line}: {message}; nothing was imported", 2)
        fail(f"{file}: {detail}; nothing was imported",
             2 if isinstance(error, InvalidInput) else 1)  # fmt: skip
    say(
        f"patrol {patrol}: {done.added} points added ({done.duplicates} already held); "
        f"{done.points} points in {done.segments} segments"
    )


@patrols_app.command("report")
def report(
    start: Annotated[str, typer.Option("--from", help="ISO 8601 date or date-time")],
    end: Annotated[str, typer.Option("--to", help="ISO 8601 date or date-time")],
    as_json: Annotated[bool, typer.Option("--json", help="Write the whole report as JSON")] = False,
    agency: AgencyOption = None,
) -> None:
    """Plan against actual: planned shifts patrolled, border covered, effort per sector and
    agency, events found per hour of patrol. Times without an offset are the node's."""
    from pydantic import ValidationError

    from hito.db import session_scope
    from hito.patrols.report import plan_against_actual
    from hito.patrols.report_schemas import ReportQuery

    node = settings()
    zone = ZoneInfo(NODE_TIMEZONES[node.node])
    try:
        query = ReportQuery.model_validate(
            {"from": moment("--from", start, zone), "to": moment("--to", end, zone)}
        )
    except ValidationError as error:
        fail(error.errors()[0]["msg"].removeprefix("Value error, "), 2)
    with session_scope(sessions(node)) as session:
        done = plan_against_actual(session, scope=agency_scope(session, node, agency),
                                   start=query.start, end=query.end)  # fmt: skip
    if as_json:
        typer.echo(json.dumps(done.model_dump(mode="json"), indent=2, ensure_ascii=False))
        return
    share = f"{done.patrolled_share:.0%}" if done.patrolled_share is not None else "—"
    typer.echo(f"{done.start:%Y-%m-%d %H:%M} – {done.end:%Y-%m-%d %H:%M} UTC")
    typer.echo(f"planned shifts patrolled: {done.patrolled} of {done.planned} ({share}); "
               f"{done.patrols} patrols, {done.hours:.1f} h, {done.km:.1f} km")  # fmt: skip
    typer.echo(f"{'sector':<16}{'border km':>10}{'covered':>9}{'hours':>8}{'km':>8}"
               f"{'found':>7}{'per h':>7}")  # fmt: skip
    for s in done.sectors:
        rate = f"{s.findings_per_hour:.2f}" if s.findings_per_hour is not None else "—"
        typer.echo(f"{s.sector:<16}{s.border_km:>10.1f}{s.border_share:>9.0%}{s.hours:>8.1f}"
                   f"{s.km:>8.1f}{s.findings:>7}{rate:>7}")  # fmt: skip
