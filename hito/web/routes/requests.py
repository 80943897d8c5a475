"""Requests for information to and from the other country."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from hito import rfi
from hito.rfi import (
    AnswerCreate,
    Decline,
    RequestCreate,
    RequestFilters,
    RequestPage,
    RequestPublic,
)
from hito.web.deps import CurrentScope, PathId, SessionDep
from hito.web.problems import documented

router = APIRouter(prefix="/requests", tags=["requests for information"])


@router.post(
    "",
    response_model=RequestPublic,
    status_code=201,
    responses=documented(400, 401, 403, 409, 413, 422),
)
def ask(data: RequestCreate, scope: CurrentScope, session: SessionDep) -> RequestPublic:
    """Ask the other country about a person, a document or a vehicle, with a reason and a
    deadline. Police, investigation and immigration officers."""
    return rfi.ask(session, scope=scope, data=data)


@router.get("", response_model=RequestPage, responses=documented(401, 403, 422))
def list_requests(
    filters: Annotated[RequestFilters, Query()], scope: CurrentScope, session: SessionDep
) -> RequestPage:
    """Requests sent (`box=outbox`) and received (`box=inbox`), newest first, with their state:
    open, overdue (past the deadline, unanswered), answered or declined."""
    return rfi.list_requests(session, scope=scope, filters=filters)


@router.get(
    "/{request_id:int}", response_model=RequestPublic, responses=documented(401, 403, 404, 422)
)
def get_request(request_id: PathId, scope: CurrentScope, session: SessionDep) -> RequestPublic:
    return rfi.get_request(session, scope=scope, request_id=request_id)


@router.post(
    "/{request_id:int}/answer",
    response_model=RequestPublic,
    responses=documented(400, 401, 403, 404, 409, 413, 422),
)
def answer(
    request_id: PathId, data: AnswerCreate, scope: CurrentScope, session: SessionDep
) -> RequestPublic:
    """Answer a received request (supervisors), with records of this node that the agreement
    lets go."""
    return rfi.answer(session, scope=scope, request_id=request_id, data=data)


@router.post(
    "/{request_id:int}/decline",
    response_model=RequestPublic,
    responses=documented(400, 401, 403, 404, 409, 413, 422),
)
def decline(
    request_id: PathId, data: Decline, scope: CurrentScope, session: SessionDep
) -> RequestPublic:
    """Decline a received request, with the reason (supervisors)."""
    return rfi.decline(session, scope=scope, request_id=request_id, data=data)
