"""Signing in and out of this node's pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hito.auth import authenticate, issue_token, revoke_token
from hito.auth.service import record_failed_login
from hito.exc import HitoError
from hito.web.deps import SettingsDep
from hito.web.pages._render import PageSession, render, session_cookie

router = APIRouter(include_in_schema=False)


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/events", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, settings: SettingsDep) -> Response:
    return render(
        request,
        "auth/login.html",
        None,
        settings,
        error=None,
        next=request.query_params.get("next", "/events"),
    )


@router.post("/login")
def login(
    request: Request,
    session: PageSession,
    settings: SettingsDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    next: Annotated[str, Form(max_length=200)] = "/events",
) -> Response:
    try:
        user = authenticate(
            session,
            node=settings.node,
            username=username.strip().lower(),
            password=password,
            demo=settings.demo,
        )
    except HitoError:
        session.rollback()  # SQLite: the refused login's transaction holds the write lock
        with request.app.state.sessionmaker() as apart:
            record_failed_login(apart, node=settings.node, username=username.strip().lower())
            apart.commit()
        response = render(request, "auth/login.html", None, settings, error="bad_login", next=next)
        response.status_code = 401
        return response
    token = issue_token(
        session, user=user, secret_key=settings.secret_key, ttl_minutes=settings.token_ttl_minutes
    )
    target = next if next.startswith("/") and not next.startswith("//") else "/events"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        session_cookie(settings),
        token,
        httponly=True,
        samesite="lax",
        max_age=settings.token_ttl_minutes * 60,
    )
    return response


@router.post("/logout")
def logout(request: Request, session: PageSession, settings: SettingsDep) -> Response:
    token = request.cookies.get(session_cookie(settings))
    if token:
        revoke_token(session, token=token, secret_key=settings.secret_key)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(session_cookie(settings))
    return response
