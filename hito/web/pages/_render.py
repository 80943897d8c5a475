"""What every page shares: templates, language, the signed-in user and the page's unit of work.

The session cookie is named after the node (``hito_session_cl``, ``hito_session_pe``): browsers
share cookies between ports of one host, so both nodes can be open side by side.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from sqlalchemy.orm import Session

from hito.auth import Scope, scope_for_token
from hito.events import EventStatus, EventType
from hito.exc import HitoError, Term
from hito.settings import NODE_TIMEZONES, Settings
from hito.web.deps import SettingsDep, unit_of_work
from hito.web.i18n import LANGUAGES, translator

templates = Jinja2Templates(directory=Path(__file__).parent.parent / "templates")
LANG_COOKIE = "hito_lang"


def session_cookie(settings: Settings) -> str:
    return f"hito_session_{settings.node.lower()}"


def lang(request: Request) -> str:
    chosen = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE, "es")
    return chosen if chosen in LANGUAGES else "es"


def page_scope(request: Request, settings: SettingsDep) -> Scope | None:
    """The signed-in user of this node, or None (looked up in a short session of its own)."""
    token = request.cookies.get(session_cookie(settings))
    if not token:
        return None
    with request.app.state.sessionmaker() as session:
        try:
            return scope_for_token(
                session, token=token, secret_key=settings.secret_key, node=settings.node
            )
        except HitoError:
            return None


PageScope = Annotated[Scope | None, Depends(page_scope)]


def _page_session(request: Request, scope: PageScope) -> Iterator[Session]:
    yield from unit_of_work(request, scope)


PageSession = Annotated[Session, Depends(_page_session, scope="function")]


def user_zone(scope: Scope | None, node: str) -> ZoneInfo:
    """The user's country's time zone; the node's for international users and before login."""
    return scope.time_zone if scope else ZoneInfo(NODE_TIMEZONES[node])


def render(
    request: Request, name: str, scope: Scope | None, settings: Settings, **context: Any
) -> Response:
    chosen = lang(request)
    tz = user_zone(scope, settings.node)
    response = templates.TemplateResponse(
        request,
        name,
        {
            "t": translator(chosen),
            "lang": chosen,
            "scope": scope,
            "node": settings.node,
            "tz": tz,
            "tzname": str(tz),
            "event_types": list(EventType),
            "statuses": list(EventStatus),
            **context,
        },
    )
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(LANG_COOKIE, chosen, max_age=365 * 86400, samesite="lax")
    return response


def problem_message(error: Exception, language: str | None = None) -> str:
    """One line for a form's error: the first invalid field and why, or a service's refusal.
    A page showing a refusal passes the reader's language (`lang(request)`): a refusal that
    names a key of the catalog is said in it; without a language, or a key, it is the English
    detail the API answers."""
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return f"{where}: {str(first['msg']).removeprefix('Value error, ')}".lstrip(": ")
    if isinstance(error, HitoError):
        return refusal(error, language) if language else str(error.detail)
    return str(error)


def refusal(error: HitoError, language: str) -> str:
    """A service's refusal in the reader's language: its key's text with its parameters, or
    the English detail when it has no key (or the catalog's text does not fit the params)."""
    t = translator(language)
    text = t.get(error.key) if error.key else None
    if text is None:
        return str(error.detail)
    params = {
        name: t.get(value, value) if isinstance(value, Term) else value
        for name, value in error.params.items()
    }
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return str(error.detail)


def not_found(request: Request, scope: Scope | None, settings: Settings) -> Response:
    response = render(request, "not_found.html", scope, settings)
    response.status_code = 404
    return response


def to_login(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/login?{urlencode({'next': request.url.path})}", status_code=303)
