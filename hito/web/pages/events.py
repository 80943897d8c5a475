"""The event list and an event's page."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from hito import events, places
from hito.agencies import list_agencies
from hito.annotations import AnnotationCreate, annotate, annotations_of
from hito.events import EventFilters
from hito.exc import HitoError, NotFound
from hito.fields import MAX_ID
from hito.web.deps import SettingsDep
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


@router.get("/events", response_class=HTMLResponse)
def events_page(
    request: Request,
    scope: PageScope,
    session: PageSession,
    settings: SettingsDep,
    type: Annotated[list[str], Query()] = [],  # noqa: B006 - FastAPI copies defaults
    status: str = "",
    sector: str = "",
    agency: str = "",
    since: str = "",
    until: str = "",
    cursor: str = "",
) -> Response:
    if scope is None:
        return to_login(request)
    form = {
        "type": [t for t in type if t],
        "status": status,
        "sector": sector,
        "agency": agency,
        "since": since,
        "until": until,
    }
    error = None
    try:
        days = _day_bounds(since, until, user_zone(scope, settings.node))
        filters = EventFilters.model_validate(
            {k: v for k, v in {**form, **days, "cursor": cursor}.items() if v}
        )
        page = events.list_events(session, scope=scope, filters=filters)
    except (ValidationError, HitoError, ValueError) as exc:
        if isinstance(exc, ValidationError):
            error = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
        else:
            error = problem_message(exc, lang(request))
        page = events.EventPage(items=[], next_cursor=None)
    next_query = (
        urlencode({**{k: v for k, v in form.items() if v}, "cursor": page.next_cursor}, doseq=True)
        if page.next_cursor
        else None
    )
    return render(
        request,
        "events/list.html",
        scope,
        settings,
        page=page,
        form=form,
        error=error,
        next_query=next_query,
        sectors=places.list_sectors(session, scope=scope),
        agencies=list_agencies(session),
    )


def _day_bounds(since: str, until: str, zone: ZoneInfo) -> dict[str, str]:
    """Dates picked in the form are whole days in the user's time zone, both ends included."""
    bounds = {}
    for key, text, shift in (("since", since, 0), ("until", until, 1)):
        if text:
            try:
                day = dt.date.fromisoformat(text) + dt.timedelta(days=shift)
            except ValueError:
                raise ValueError(f"{text!r} is not a date (YYYY-MM-DD)") from None
            bounds[key] = dt.datetime.combine(day, dt.time(), tzinfo=zone).isoformat()
    return bounds


@router.get("/events/{event_id:int}", response_class=HTMLResponse)
def event_page(
    request: Request, event_id: int, scope: PageScope, session: PageSession, settings: SettingsDep
) -> Response:
    if scope is None:
        return to_login(request)
    try:
        if not 1 <= event_id <= MAX_ID:  # no such id can exist; the database would overflow
            raise NotFound(f"event {event_id} not found")
        event = events.get_event(session, scope=scope, event_id=event_id)
    except NotFound:
        return not_found(request, scope, settings)
    notes = annotations_of(session, scope=scope, record_type="event", record_uid=event.uid)
    return render(
        request,
        "events/detail.html",
        scope,
        settings,
        event=event,
        annotations=notes,
        can_write=scope.may("write"),
    )


@router.post("/events/{event_id:int}/annotations")
def annotate_event(
    request: Request,
    event_id: int,
    scope: PageScope,
    session: PageSession,
    settings: SettingsDep,
    text: Annotated[str, Form(min_length=1, max_length=4000)],
) -> Response:
    """A local note on an event (a received one included); it never leaves this node."""
    if scope is None:
        return to_login(request)
    try:
        if not 1 <= event_id <= MAX_ID:
            raise NotFound(f"event {event_id} not found")
        event = events.get_event(session, scope=scope, event_id=event_id)
        annotate(
            session,
            scope=scope,
            data=AnnotationCreate(record_type="event", record_uid=event.uid, text=text),
        )
    except NotFound:
        return not_found(request, scope, settings)
    return RedirectResponse(f"/events/{event_id}", status_code=303)
