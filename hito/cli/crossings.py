"""`hito crossings …`: hourly counts from CSV feeds, the queue at the booths, both sides."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from hito.cli._common import agency_scope, fail, moment, say, sessions, settings
from hito.settings import NODE_TIMEZONES

crossings_app = typer.Typer(
    help="Crossing operations: hourly counts, the queue at the booths.", no_args_is_help=True
)
AgencyOption = Annotated[str | None, typer.Option(help="Act for this agency of the node")]
CrossingOption = Annotated[
    str | None, typer.Option("--crossing", help="Crossing point code (default: the node's own)")
]


@crossings_app.command("import")
def import_counts(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    crossing: CrossingOption = None,
    source: Annotated[str, typer.Option(help="Where the figures come from")] = "",
    agency: AgencyOption = None,
) -> None:
    """Hourly counts from a CSV feed (hour, direction, category, nationality, count[, booths]):
    the whole file or nothing; an hour already held is replaced. Hours without an offset are
    the node's local time."""
    from rich.progress import Progress

    from hito.crossings.counts import crossing_id_by_code, record_counts
    from hito.crossings.feed import FeedError, read_feed
    from hito.db import session_scope
    from hito.exc import HitoError

    node = settings()
    try:
        feeds = read_feed(file.read_bytes(), zone=ZoneInfo(NODE_TIMEZONES[node.node]),
                          source=source or file.name[:100])  # fmt: skip
    except FeedError as failure:
        for line in failure.lines(str(file))[:50]:
            typer.secho(line, fg=typer.colors.RED, err=True)
        fail("nothing was imported", 2)
    added = replaced = counts = 0
    try:
        with session_scope(sessions(node)) as session, Progress(transient=True) as progress:
            scope = agency_scope(session, node, agency)
            crossing_id = crossing_id_by_code(session, scope=scope, code=crossing)
            task = progress.add_task("importing", total=sum(len(f.hours) for f in feeds))
            for feed in feeds:
                done = record_counts(session, scope=scope, crossing_id=crossing_id, feed=feed)
                added, replaced = added + done.hours_added, replaced + done.hours_replaced
                counts += done.counts
                progress.advance(task, len(feed.hours))
    except HitoError as error:
        fail(f"{error.detail}; nothing was imported", 2)
    typer.echo(
        f"{done.crossing}: {added} hours added, {replaced} replaced, {counts} counts from {file}"
    )


@crossings_app.command("wait")
def wait(
    start: Annotated[str, typer.Option("--from", help="ISO 8601 date or date-time")],
    end: Annotated[str, typer.Option("--to", help="ISO 8601 date or date-time (excluded)")],
    crossing: CrossingOption = None,
    target: Annotated[
        float | None, typer.Option(min=1, max=1440, help="Target wait, minutes")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Write the report as JSON")] = False,
    agency: AgencyOption = None,
) -> None:
    """Estimated wait at the immigration booths and the booths needed, hour by hour (M/M/c)."""
    from hito.crossings.counts import crossing_id_by_code
    from hito.crossings.wait import wait_report
    from hito.db import session_scope
    from hito.exc import HitoError

    node = settings()
    zone = ZoneInfo(NODE_TIMEZONES[node.node])
    try:
        with session_scope(sessions(node)) as session:
            scope = agency_scope(session, node, agency)
            report = wait_report(
                session, scope=scope, crossing_id=crossing_id_by_code(session, scope=scope,
                code=crossing), start=moment("--from", start, zone),
                end=moment("--to", end, zone), target_minutes=target,
            )  # fmt: skip
    except HitoError as error:
        fail(error.detail, 2)
    if as_json:
        typer.echo(json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=False))
        return
    say(f"{report.crossing}: target wait {report.target_wait_minutes:g} min")
    typer.echo("hour (local)      dir    people  booths  util   wait min  booths needed")
    for h in report.hours:
        wait_text = f"{h.mean_wait_minutes:8.1f}" if h.mean_wait_minutes is not None else "       —"
        util = f"{h.utilisation:5.0%}" if h.utilisation is not None else "    —"
        booths = str(h.booths_open) if h.booths_open is not None else "—"
        typer.echo(
            f"{h.hour.astimezone(zone):%Y-%m-%d %H:%M}  {h.direction.value:5}  {h.arrivals:6}"
            f"  {booths:>6}  {util}  {wait_text}  {h.booths_needed:13}"
        )
