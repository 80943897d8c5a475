"""Requests for information: the inbox and outbox, one request, asking, answering."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from hito import rfi
from hito.exc import Forbidden, HitoError, NotFound
from hito.fields import MAX_ID
from hito.rfi import AnswerCreate, Decline, RequestCreate, RequestFilters
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


@router.get("/requests", response_class=HTMLResponse)
def requests_page(
    request: Request,
    scope: PageScope,
    session: PageSession,
    settings: SettingsDep,
    box: str = "inbox",
    state: str = "",
) -> Response:
    if scope is None:
        return to_login(request)
    try:
        filters = RequestFilters.model_validate({"box": box, "state": state or None, "limit": 200})
        page = rfi.list_requests(session, scope=scope, filters=filters)
    except Forbidden:
        return not_found(request, scope, settings)
    except (ValidationError, HitoError) as error:
        return render(
            request,
            "requests/list.html",
            scope,
            settings,
            items=[],
            box=box,
            state=state,
            error=problem_message(error, lang(request)),
        )
    return render(
        request,
        "requests/list.html",
        scope,
        settings,
        items=page.items,
        box=box,
        state=state,
        error=None,
    )


@router.get("/requests/new", response_class=HTMLResponse)
def new_request_page(request: Request, scope: PageScope, settings: SettingsDep) -> Response:
    if scope is None:
        return to_login(request)
    return render(request, "requests/new.html", scope, settings, error=None, form={})


@router.post("/requests/new")
def ask(
    request: Request,
    scope: PageScope,
    session: PageSession,
    settings: SettingsDep,
    subject_kind: Annotated[str, Form(max_length=20)],
    reason: Annotated[str, Form(max_length=2000)],
    deadline: Annotated[str, Form(max_length=40)],
    given_names: Annotated[str, Form(max_length=200)] = "",
    surnames: Annotated[str, Form(max_length=200)] = "",
    birth_date: Annotated[str, Form(max_length=10)] = "",
    nationality: Annotated[str, Form(max_length=2)] = "",
    document_number: Annotated[str, Form(max_length=100)] = "",
    plate: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    if scope is None:
        return to_login(request)
    form = {
        "subject_kind": subject_kind,
        "reason": reason,
        "deadline": deadline,
        "given_names": given_names,
        "surnames": surnames,
        "birth_date": birth_date,
        "nationality": nationality,
        "document_number": document_number,
        "plate": plate,
    }
    subject = {
        k: v
        for k, v in form.items()
        if k in ("given_names", "surnames", "birth_date", "nationality", "document_number", "plate")
        and v.strip()
    }
    try:
        local = dt.datetime.fromisoformat(deadline) if deadline else None
        if local is not None and local.tzinfo is None:
            local = local.replace(tzinfo=user_zone(scope, settings.node))
        data = RequestCreate.model_validate(
            {
                "subject_kind": subject_kind,
                "subject": subject,
                "reason": reason,
                "deadline": local.isoformat() if local else None,
            }
        )
        created = rfi.ask(session, scope=scope, data=data)
    except (ValidationError, HitoError, ValueError) as error:
        response = render(
            request,
            "requests/new.html",
            scope,
            settings,
            error=problem_message(error, lang(request)),
            form=form,
        )
        response.status_code = 422
        return response
    return RedirectResponse(f"/requests/{created.id}", status_code=303)


@router.get("/requests/{request_id:int}", response_class=HTMLResponse)
def request_page(
    request: Request,
    request_id: int,
    scope: PageScope,
    session: PageSession,
    settings: SettingsDep,
) -> Response:
    if scope is None:
        return to_login(request)
    try:
        if not 1 <= request_id <= MAX_ID:
            raise NotFound(f"request {request_id} not found")
        found = rfi.get_request(session, scope=scope, request_id=request_id)
    except (NotFound, Forbidden):
        return not_found(request, scope, settings)
    return render(
        request,
        "requests/detail.html",
        scope,
        settings,
        item=found,
        error=None,
        can_answer=scope.may("supervise"),
    )


def _respond(
    request: Request,
    request_id: int,
    scope: PageScope,
    session: PageSession,
    settings: SettingsDep,
    action: str,
    text: str,
    records: str,
) -> Response:
    if scope is None:
        return to_login(request)
    try:
        if action == "answer":
            refs = []
            for line in records.splitlines():
                kind, _, uid = line.strip().partition(":")
                if kind:
                    refs.append({"type": kind, "uid": uid})
            rfi.answer(
                session,
                scope=scope,
                request_id=request_id,
                data=AnswerCreate.model_validate({"text": text, "records": refs}),
            )
        else:
            rfi.decline(
                session,
                scope=scope,
                request_id=request_id,
                data=Decline.model_validate({"reason": text}),
            )
    except NotFound:
        return not_found(request, scope, settings)
    except (ValidationError, HitoError) as error:
        session.rollback()
        found = rfi.get_request(session, scope=scope, request_id=request_id)
        response = render(
            request,
            "requests/detail.html",
            scope,
            settings,
            item=found,
            error=problem_message(error, lang(request)),
            can_answer=scope.may("supervise"),
        )
        response.status_code = 422
        return response
    return RedirectResponse(f"/requests/{request_id}", status_code=303)


@router.post("/requests/{request_id:int}/answer")
def answer(
    request: Request,
    request_id: int,
    scope: PageScope,
    session: PageSession,
    settings: SettingsDep,
    text: Annotated[str, Form(max_length=4000)],
    records: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    return _respond(request, request_id, scope, session, settings, "answer", text, records)


@router.post("/requests/{request_id:int}/decline")
def decline(
    request: Request,
    request_id: int,
    scope: PageScope,
    session: PageSession,
    settings: SettingsDep,
    reason: Annotated[str, Form(max_length=2000)],
) -> Response:
    return _respond(request, request_id, scope, session, settings, "decline", reason, "")
