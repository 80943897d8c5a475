"""Patrol logs and the plan-against-actual report of the duty supervisors: the patrols of both
sides in a window, a patrol's track over the map with what it found, and which planned shifts
were patrolled, with the effort per sector and agency.

Windows are whole days of the user's time zone, both the first and the last included.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from hito import events, places
from hito.auth import Scope
from hito.exc import Forbidden, NotFound
from hito.fields import MAX_ID
from hito.patrols import logs, report
from hito.patrols.log_schemas import PatrolFilters, PatrolTrack
from hito.patrols.report_schemas import MAX_DAYS
from hito.settings import NODE_TIMEZONES
from hito.web.deps import SettingsDep
from hito.web.i18n import translator
from hito.web.pages._render import (
    PageScope,
    PageSession,
    lang,
    not_found,
    problem_message,
    render,
    to_login,
    user_zone,
)

router = APIRouter(include_in_schema=False)
DEFAULT_DAYS = 7
MAX_LISTED = 500
TIME = "%Y-%m-%d %H:%M"
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
TRACK_WORDS = ("track_start", "track_end", "last_fix", "findings", "sectors", "track")


@dataclass(frozen=True)
class Window:
    """Days `first` to `last` (both included) of the user's zone, and the times they span."""

    first: dt.date
    last: dt.date
    start: dt.datetime
    end: dt.datetime


def _window(first: dt.date, last: dt.date, zone: ZoneInfo) -> Window:
    start = dt.datetime.combine(first, dt.time(), tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    # Timestamp's checks: a time every backend stores and converts to UTC
    PatrolFilters.model_validate({"start": start.isoformat(), "end": end.isoformat()})
    return Window(first, last, start, end)


def last_days(zone: ZoneInfo) -> Window:
    """The last seven days, today's included."""
    today = dt.datetime.now(zone).date()
    return _window(today - dt.timedelta(days=DEFAULT_DAYS - 1), today, zone)


def _typed_day(name: str, text: str) -> dt.date | None:
    if not text:
        return None
    if _DAY.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError(f"{name}: {text[:40]!r} is not a date (YYYY-MM-DD)")


def typed_window(
    typed_from: str, typed_to: str, zone: ZoneInfo, *, max_days: int | None = None
) -> tuple[Window, str | None]:
    """The days typed in the form (a week from or to either when only one is typed); on a bad
    one, the last seven days and the reason, to show."""
    try:
        first = _typed_day("from", typed_from.strip())
        last = _typed_day("to", typed_to.strip())
        week = dt.timedelta(days=DEFAULT_DAYS - 1)
        if first is None:
            if last is None:
                return last_days(zone), None
            first = last - week
        if last is None:
            last = first + week
        if last < first:
            raise ValueError("'to' must not be before 'from'")
        # counted in days, not hours: 31 days across the end of Chile's summer time are 31×24+1 h
        if max_days is not None and (last - first).days + 1 > max_days:
            raise ValueError(f"a report covers at most {max_days} days")
        return _window(first, last, zone), None
    except (ValidationError, ValueError, OverflowError) as problem:
        return last_days(zone), problem_message(problem)


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


@router.get("/patrols/logs", response_class=HTMLResponse)
def logs_page(
    request: Request,
    scope: PageScope,
    session: PageSession,
    settings: SettingsDep,
    typed_from: Annotated[str, Query(alias="from")] = "",
    typed_to: Annotated[str, Query(alias="to")] = "",
    country: str = "",
) -> Response:
    if scope is None:
        return to_login(request)
    zone = user_zone(scope, settings.node)
    window, error = typed_window(typed_from, typed_to, zone)
    side = country.strip() if country.strip() in NODE_TIMEZONES else ""
    filters = PatrolFilters(start=window.start, end=window.end, country=side or None,
                            limit=MAX_LISTED)  # fmt: skip
    return render(
        request,
        "patrols/logs.html",
        scope,
        settings,
        patrols=logs.list_patrols(session, scope=scope, filters=filters),
        window=window,
        country=side,
        countries=list(NODE_TIMEZONES),
        max_listed=MAX_LISTED,
        error=error,
    )


def _findings(session: Session, scope: Scope, patrol: PatrolTrack) -> list[events.EventDetail]:
    """The events found on the patrol that the user sees."""
    found = []
    for event_id in patrol.findings:
        try:
            found.append(events.get_event(session, scope=scope, event_id=event_id))
        except (NotFound, Forbidden):
            continue
    return found


@router.get("/patrols/logs/{patrol_id:int}", response_class=HTMLResponse)
def track_page(
    request: Request, scope: PageScope, session: PageSession, settings: SettingsDep, patrol_id: int
) -> Response:
    if scope is None:
        return to_login(request)
    if not 1 <= patrol_id <= MAX_ID:
        return not_found(request, scope, settings)
    try:
        patrol = logs.get_patrol(session, scope=scope, patrol_id=patrol_id)
    except (NotFound, Forbidden):
        return not_found(request, scope, settings)
    zone = user_zone(scope, settings.node)
    t = translator(lang(request))
    found = _findings(session, scope, patrol)
    fixes = [fix for segment in patrol.segments for fix in segment]
    ends = [
        {"lat": lat, "lon": lon, "at": at.astimezone(zone).strftime(TIME)}
        for lat, lon, at in ((fixes[0], fixes[-1]) if fixes else ())
    ]
    layers = {
        "border": places.border_feature(),
        "sectors": [
            {"code": s.code, "name": s.name, "geometry": s.geometry}
            for s in places.list_sectors(session, scope=scope)
        ],
        "segments": [[[lat, lon] for lat, lon, _ in segment] for segment in patrol.segments],
        "ends": ends,
        "ended": patrol.ended_at is not None,
        "findings": [
            {
                "id": e.id,
                "type": t[e.type.value],
                "lat": e.location.lat,
                "lon": e.location.lon,
                "at": e.occurred_at.astimezone(zone).strftime(TIME),
                "headcount": e.headcount,
            }
            for e in found
        ],  # fmt: skip
        "labels": {
            "border_line": t["border_line"],
            "headcount": t["headcount"],
            **{word: t[f"pt_{word}"] for word in TRACK_WORDS},
        },
    }
    return render(
        request,
        "patrols/track.html",
        scope,
        settings,
        patrol=patrol,
        findings=found,
        hidden_findings=len(patrol.findings) - len(found),
        layers_json=_json(layers),
    )


@router.get("/patrols/report", response_class=HTMLResponse)
def report_page(
    request: Request,
    scope: PageScope,
    session: PageSession,
    settings: SettingsDep,
    typed_from: Annotated[str, Query(alias="from")] = "",
    typed_to: Annotated[str, Query(alias="to")] = "",
) -> Response:
    if scope is None:
        return to_login(request)
    zone = user_zone(scope, settings.node)
    window, error = typed_window(typed_from, typed_to, zone, max_days=MAX_DAYS)
    done = report.plan_against_actual(session, scope=scope, start=window.start, end=window.end)
    return render(
        request,
        "patrols/report.html",
        scope,
        settings,
        report=done,
        shifts=sorted(done.shifts, key=lambda s: (s.start, s.country, s.sector, s.agency)),
        window=window,
        max_days=MAX_DAYS,
        error=error,
    )
