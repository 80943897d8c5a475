"""`hito report briefing`: the committee's briefing as a PDF."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from hito.cli._common import agency_scope, fail, moment, say, sessions, settings
from hito.settings import NODE_TIMEZONES

report_app = typer.Typer(help="Reports for the committee.", no_args_is_help=True)


def _has_offset(value: str) -> bool:
    try:
        return dt.datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return True  # the date's own message comes next


@report_app.command("briefing")
def briefing(
    start: Annotated[str, typer.Option("--from", help="ISO 8601 date or date-time")],
    end: Annotated[str, typer.Option("--to", help="ISO 8601 date or date-time (excluded)")],
    out: Annotated[Path, typer.Option(help="The PDF (or .html) to write")],
    lang: Annotated[str, typer.Option(help="es or en")] = "es",
    binational: Annotated[
        bool, typer.Option(help="Only what both nodes share: both delegations' same figures")
    ] = False,
    agency: Annotated[str | None, typer.Option(help="Act for this agency of the node")] = None,
) -> None:
    """The committee's briefing of a period: indicators and how they moved, alerts, the
    humanitarian situation in aggregates, charts and a map. Dates without an offset are the
    node's."""
    from hito.db import session_scope
    from hito.exc import HitoError
    from hito.monitoring.briefing import build_briefing, render_html, render_pdf

    if lang not in ("es", "en"):
        fail(f"--lang: {lang!r} is not es or en", 2)
    if out.suffix.lower() not in (".pdf", ".html"):
        fail(f"--out: {out} must end in .pdf or .html", 2)
    node = settings()
    zone = ZoneInfo(NODE_TIMEZONES[node.node])
    if binational and not all(_has_offset(v) for v in (start, end)):
        fail(
            "--binational: give --from and --to with their UTC offset (e.g. "
            "2025-11-01T00:00-03:00), so that both delegations count the same hours",
            2,
        )
    began = dt.datetime.now()
    try:
        with session_scope(sessions(node)) as session:
            scope = agency_scope(session, node, agency)
            say("computing the indicators, forecasts and charts…")
            done = build_briefing(session, scope=scope, start=moment("--from", start, zone),
                                  end=moment("--to", end, zone), lang=lang,
                                  binational=binational)  # fmt: skip
    except HitoError as error:
        fail(error.detail, 2)
    say("writing…")
    data = (
        render_pdf(done, zone=zone)
        if out.suffix.lower() == ".pdf"
        else render_html(done, zone=zone).encode("utf-8")
    )
    out.write_bytes(data)
    seconds = (dt.datetime.now() - began).total_seconds()
    typer.echo(f"{out}: {len(data) // 1024} KiB, {len(done.alerts)} alerts, in {seconds:.1f} s")
