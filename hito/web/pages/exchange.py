"""The state of the link with the other node, and the sharing agreement in force."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from hito import exchange
from hito.web.deps import SettingsDep
from hito.web.pages._render import PageScope, PageSession, render, to_login

router = APIRouter(include_in_schema=False)


@router.get("/node", response_class=HTMLResponse)
def link_page(
    request: Request, scope: PageScope, session: PageSession, settings: SettingsDep
) -> Response:
    if scope is None:
        return to_login(request)
    key = request.app.state.node_key
    status = exchange.node_status(
        session, node=settings.node, fingerprint=key.fingerprint if key else None
    )
    return render(request, "exchange/link.html", scope, settings, status=status)


@router.get("/agreement", response_class=HTMLResponse)
def agreement_page(
    request: Request, scope: PageScope, session: PageSession, settings: SettingsDep
) -> Response:
    if scope is None:
        return to_login(request)
    current = exchange.current_document(session)
    return render(
        request,
        "exchange/agreement.html",
        scope,
        settings,
        current=current[0] if current else None,
        versions=exchange.agreements_public(session),
    )
