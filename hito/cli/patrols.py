"""`hito patrols …`: units from a file, sector risk, a plan written as JSON."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from hito.cli._common import agency_scope, fail, say, sessions, settings

patrols_app = typer.Typer(help="Joint patrols: units, sector risk, plans.", no_args_is_help=True)
units_app = typer.Typer(help="Patrol units of this node's country.", no_args_is_help=True)
patrols_app.add_typer(units_app, name="units")

AgencyOption = Annotated[str | None, typer.Option(help="Act for this agency of the node")]


def read_units(path: Path) -> list[Any]:
    """The file's units, or every problem as `FILE:LINE: message` and an exit."""
    from hito.patrols.io import UnitFileError
    from hito.patrols.io import read_units as parse

    try:
        return parse(path.read_text(encoding="utf-8"), str(path))
    except UnicodeDecodeError:
        fail(f"{path}: not UTF-8 text", 2)
    except UnitFileError as failure:
        for message in failure.errors[:50]:
            typer.secho(message, fg=typer.colors.RED, err=True)
        more = len(failure.errors) - 50
        fail(("" if more <= 0 else f"and {more} more; ") + "nothing was loaded", 2)


@units_app.command("load")
def load_units(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    agency: AgencyOption = None,
) -> None:
    """Add the units of a YAML file (a list; see hito/patrols/data/demo_units_cl.yaml): all are
    written, or none."""
    from hito.db import session_scope
    from hito.exc import HitoError
    from hito.patrols import create_units

    node = settings()
    units = read_units(file)
    try:
        with session_scope(sessions(node)) as session:
            created = create_units(session, scope=agency_scope(session, node, agency), units=units)
    except HitoError as error:
        fail(f"{file}: {error.detail}; nothing was loaded")
    say(f"loaded {len(created)} units from {file}")


@patrols_app.command("risk")
def risk(
    at: Annotated[str | None, typer.Option(help="ISO 8601 moment (default: now)")] = None,
    agency: AgencyOption = None,
) -> None:
    """Each sector's risk by day and by night, with its impact level."""
    from pydantic import ValidationError

    from hito.db import session_scope
    from hito.patrols import RiskQuery, risk_by_sector

    node = settings()
    try:
        query = RiskQuery.model_validate({"at": at})
    except ValidationError as error:
        fail(f"--at: {error.errors()[0]['msg']}", 2)
    with session_scope(sessions(node)) as session:
        rows = risk_by_sector(session, scope=agency_scope(session, node, agency), at=query.at)
    for r in rows:
        typer.echo(f"{r.sector:<16} day {r.day:>8.2f} {r.day_level:<9} "
                   f"night {r.night:>8.2f} {r.night_level}")  # fmt: skip


@patrols_app.command("override")
def override(
    sector: Annotated[str, typer.Argument(help="Sector code, e.g. S2-CHACALLUTA")],
    level: Annotated[str, typer.Argument(help="low, medium, high or critical")],
    reason: Annotated[str, typer.Option(help="Why, in one line (3 to 500 characters)")],
    hours: Annotated[int, typer.Option(help="Hours until it lapses (at most 336: 14 days)")] = 24,
    agency: AgencyOption = None,
) -> None:
    """Set a sector's impact level over what its risk gives, until it lapses."""
    from pydantic import ValidationError

    from hito.db import session_scope, utcnow
    from hito.exc import HitoError, InvalidInput
    from hito.patrols.overrides import LONGEST_SPAN, set_override
    from hito.patrols.risk_schemas import OverrideCreate

    node = settings()
    longest = LONGEST_SPAN // dt.timedelta(hours=1)
    if not 1 <= hours <= longest:
        fail(f"--hours: from 1 to {longest} (14 days)", 2)
    expires_at = utcnow() + dt.timedelta(hours=hours)
    try:
        data = OverrideCreate(sector=sector, level=level, reason=reason, expires_at=expires_at)
    except ValidationError as error:
        first = error.errors()[0]
        fail(f"{first['loc'][0]}: {first['msg'].removeprefix('Value error, ')}", 2)
    try:
        with session_scope(sessions(node)) as session:
            done = set_override(session, scope=agency_scope(session, node, agency), data=data)
    except HitoError as error:
        fail(error.detail, 2 if isinstance(error, InvalidInput) else 1)
    say(f"override {done.id}: {done.sector} {done.level} until {done.expires_at.isoformat()}")


@patrols_app.command("plan")
def plan(
    first_day: Annotated[
        dt.datetime, typer.Option("--from", formats=["%Y-%m-%d"], help="First day, YYYY-MM-DD")
    ],
    days: Annotated[int, typer.Option(min=1, max=31)] = 7,
    seed: Annotated[int, typer.Option(min=0, max=2**31 - 1)] = 0,
    seconds: Annotated[float, typer.Option(min=0.5, max=120, help="Solver time")] = 10.0,
    out: Annotated[Path | None, typer.Option(help="JSON file to write (default: stdout)")] = None,
    agency: AgencyOption = None,
) -> None:
    """Draft a plan over the units, sectors and risk the agency may see; write it as JSON
    (assignments, objective, bound, coverage, uncovered)."""
    from pydantic import ValidationError

    from hito.db import session_scope
    from hito.exc import HitoError
    from hito.patrols import PlanRequest, make_plan

    node = settings()
    try:
        request = PlanRequest(first_day=first_day.date(), days=days, seed=seed, seconds=seconds)
    except ValidationError as error:
        fail(f"--from: {error.errors()[0]['msg'].removeprefix('Value error, ')}", 2)
    say(f"planning {days} days from {request.first_day} (up to {seconds:g} s)…")
    try:
        with session_scope(sessions(node)) as session:
            drafted = make_plan(session, scope=agency_scope(session, node, agency), request=request)
    except HitoError as error:
        fail(error.detail)
    text = json.dumps(drafted.model_dump(mode="json"), indent=2, ensure_ascii=False)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")
    say(f"plan {drafted.id}: {len(drafted.assignments)} assignments, objective "
        f"{drafted.objective:.2f}, bound {drafted.bound:.2f} (gap {drafted.gap:.2%}), "
        f"{len(drafted.uncovered)} high or critical posts uncovered")  # fmt: skip


import hito.cli.patrol_logs  # noqa: E402, F401  (its commands join `hito patrols`)
