"""Server-rendered pages: login, event list, event detail, map. Spanish by default."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError

from hito import events, places
from hito.agencies import list_agencies
from hito.auth import Scope, authenticate, issue_token, revoke_token, scope_for_token
from hito.events import EventFilters, EventStatus, EventType
from hito.exc import HitoError, NotFound
from hito.fields import MAX_ID
from hito.settings import NODE_TIMEZONES
from hito.web.deps import SessionDep, SettingsDep
from hito.web.i18n import LANGUAGES, translator

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
COOKIE = "hito_session"
LANG_COOKIE = "hito_lang"


def _lang(request: Request) -> str:
    lang = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE, "es")
    return lang if lang in LANGUAGES else "es"


def _scope(request: Request, session: Any, settings: Any) -> Scope | None:
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    try:
        return scope_for_token(
            session, token=token, secret_key=settings.secret_key, node=settings.node
        )
    except HitoError:
        return None


def _render(
    request: Request, name: str, scope: Scope | None, node: str, **context: Any
) -> Response:
    lang = _lang(request)
    tz = _user_zone(scope, node)
    response = templates.TemplateResponse(
        request,
        name,
        {
            "t": translator(lang),
            "lang": lang,
            "scope": scope,
            "tz": tz,
            "tzname": str(tz),
            "event_types": list(EventType),
            "statuses": list(EventStatus),
            **context,
        },
    )
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response


def _to_login(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/login?{urlencode({'next': request.url.path})}", status_code=303)


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/events", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, settings: SettingsDep) -> Response:
    return _render(
        request,
        "login.html",
        None,
        settings.node,
        error=None,
        next=request.query_params.get("next", "/events"),
    )


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    next: Annotated[str, Form(max_length=200)] = "/events",
) -> Response:
    try:
        user = authenticate(
            session, username=username.strip().lower(), password=password, demo=settings.demo
        )
    except HitoError:
        response = _render(request, "login.html", None, settings.node, error="bad_login", next=next)
        response.status_code = 401
        return response
    token = issue_token(
        session, user=user, secret_key=settings.secret_key, ttl_minutes=settings.token_ttl_minutes
    )
    session.commit()
    target = next if next.startswith("/") and not next.startswith("//") else "/events"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        COOKIE, token, httponly=True, samesite="lax", max_age=settings.token_ttl_minutes * 60
    )
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    token = request.cookies.get(COOKIE)
    if token:
        revoke_token(session, token=token, secret_key=settings.secret_key)
        session.commit()
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.get("/events", response_class=HTMLResponse)
def events_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    type: Annotated[list[str], Query()] = [],  # noqa: B006 - FastAPI copies defaults
    status: str = "",
    sector: str = "",
    agency: str = "",
    since: str = "",
    until: str = "",
    cursor: str = "",
) -> Response:
    scope = _scope(request, session, settings)
    if scope is None:
        return _to_login(request)
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
        days = _day_bounds(since, until, _user_zone(scope, settings.node))
        filters = EventFilters.model_validate(
            {k: v for k, v in {**form, **days, "cursor": cursor}.items() if v}
        )
        page = events.list_events(session, scope=scope, filters=filters)
    except (ValidationError, HitoError, ValueError) as exc:
        if isinstance(exc, ValidationError):
            error = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
        else:
            error = str(exc.detail if isinstance(exc, HitoError) else exc)
        page = events.EventPage(items=[], next_cursor=None)
    next_query = (
        urlencode({**{k: v for k, v in form.items() if v}, "cursor": page.next_cursor}, doseq=True)
        if page.next_cursor
        else None
    )
    return _render(
        request,
        "events.html",
        scope,
        settings.node,
        page=page,
        form=form,
        error=error,
        next_query=next_query,
        sectors=places.list_sectors(session, scope=scope),
        agencies=list_agencies(session),
    )


def _user_zone(scope: Scope | None, node: str) -> ZoneInfo:
    """The user's country's time zone; the node's for international users and before login."""
    return ZoneInfo(NODE_TIMEZONES[(scope and scope.country) or node])


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
    request: Request, event_id: int, session: SessionDep, settings: SettingsDep
) -> Response:
    scope = _scope(request, session, settings)
    if scope is None:
        return _to_login(request)
    try:
        if not 1 <= event_id <= MAX_ID:  # no such id can exist; the database would overflow
            raise NotFound(f"event {event_id} not found")
        event = events.get_event(session, scope=scope, event_id=event_id)
    except NotFound:
        response = _render(request, "not_found.html", scope, settings.node)
        response.status_code = 404
        return response
    return _render(request, "event.html", scope, settings.node, event=event)


@router.get("/map", response_class=HTMLResponse)
def map_page(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    scope = _scope(request, session, settings)
    if scope is None:
        return _to_login(request)
    t = translator(_lang(request))
    recent = events.list_events(session, scope=scope, filters=EventFilters(limit=500))
    layers = {
        "border": places.border_feature(),
        "towns": places.towns(),
        "sectors": [s.model_dump(mode="json") for s in places.list_sectors(session, scope=scope)],
        "crossings": [
            c.model_dump(mode="json") for c in places.list_crossing_points(session, scope=scope)
        ],
        "facilities": [
            f.model_dump(mode="json") for f in places.list_facilities(session, scope=scope)
        ],
        "events": [
            {
                **e.model_dump(
                    mode="json", include={"id", "type", "location", "headcount", "status", "sector"}
                ),
                "label": t[e.type.value],
            }
            for e in recent.items
        ],
        "labels": {k: t[k] for k in ("border_line", "crossing_point", "facility", "headcount")},
    }
    return _render(
        request,
        "map.html",
        scope,
        settings.node,
        layers_json=json.dumps(layers, ensure_ascii=False).replace("</", "<\\/"),
    )
