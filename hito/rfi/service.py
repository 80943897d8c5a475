"""Requests for information: an officer asks the other country about a person, a document or a
vehicle, with a reason and a deadline; the other side's supervisor answers with records the
agreement lets go, or declines with a reason. Both sides see the state; overdue ones are flagged.

Requests and answers are police matters: only police, investigation and immigration users see
them, on either side (the agreement gives them the ``security`` audience on the other side).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from hito import audit
from hito.agencies import agency_codes, writing_agency_id
from hito.auth.scope import Scope
from hito.db import utcnow
from hito.exc import Conflict, Forbidden, InvalidInput, NotFound
from hito.exchange.agreements import active_agreement
from hito.exchange.outbox import peer_codes
from hito.exchange.registry import registry
from hito.records import SharingLevel
from hito.rfi.models import AnswerKind, InformationAnswer, InformationRequest
from hito.rfi.schemas import (
    AnswerCreate,
    AnswerPublic,
    Decline,
    RecordRef,
    RequestCreate,
    RequestFilters,
    RequestPage,
    RequestPublic,
    Subject,
)


def _require_security(scope: Scope) -> None:
    if not (scope.everything or scope.security):
        raise Forbidden(
            "requests for information are for police, investigation and immigration users"
        )


def _answer_of(session: Session, request: InformationRequest) -> InformationAnswer | None:
    return session.scalar(
        select(InformationAnswer).where(InformationAnswer.request_uid == request.uid)
    )


def _state(request: InformationRequest, answer: InformationAnswer | None) -> str:
    if answer is not None:
        return answer.kind.value
    return "overdue" if request.deadline < utcnow() else "open"


def _public(
    session: Session, scope: Scope, request: InformationRequest, answer: InformationAnswer | None
) -> RequestPublic:
    codes = agency_codes(session)
    return RequestPublic(
        id=request.id,
        uid=request.uid,
        origin_node=request.origin_node,
        target_node=request.target_node,
        direction="outbox" if request.origin_node == scope.node else "inbox",
        subject_kind=request.subject_kind,
        subject=Subject.model_validate(json.loads(request.subject)),
        reason=request.reason,
        deadline=request.deadline,
        requesting_agency=codes[request.requesting_agency_id],
        state=_state(request, answer),
        created_at=request.created_at,
        answer=None
        if answer is None
        else AnswerPublic(
            kind=answer.kind,
            text=answer.text,
            records=[RecordRef.model_validate(r) for r in json.loads(answer.records)],
            agency=codes[answer.answering_agency_id],
            origin_node=answer.origin_node,
            answered_at=answer.updated_at,
        ),
    )


def ask(session: Session, *, scope: Scope, data: RequestCreate) -> RequestPublic:
    """Send a question to the other country (it leaves with the next exchange round)."""
    scope.require("write")
    _require_security(scope)
    peers = [code for code in peer_codes(session) if code != scope.node]
    if not peers:
        raise Conflict("no other node is registered: a request would reach nobody")
    agreement = active_agreement(session)
    if agreement is None or agreement.rule("information_request", SharingLevel.binational) is None:
        raise Conflict(
            "the agreement in force does not carry requests for information: it would not leave"
        )
    request = InformationRequest(
        target_node=peers[0],
        subject_kind=data.subject_kind,
        subject=json.dumps(
            data.subject.model_dump(exclude_none=True), ensure_ascii=False, sort_keys=True
        ),
        reason=data.reason,
        deadline=data.deadline,
        requesting_agency_id=writing_agency_id(session, code=scope.agency_code),
        requested_by_id=scope.user_id,
        origin_node=scope.node,
        sharing_level=SharingLevel.binational,
    )
    session.add(request)
    session.flush()
    audit.record(
        session,
        scope=scope,
        action="rfi.ask",
        object_type="information_request",
        object_ids=[request.uid],
        detail={"subject_kind": data.subject_kind.value, "target": request.target_node},
    )
    return _public(session, scope, request, None)


def _received(session: Session, scope: Scope, request_id: int) -> InformationRequest:
    request = session.scalar(select(InformationRequest).where(InformationRequest.id == request_id))
    if request is None:
        raise NotFound(f"request {request_id} not found")
    if request.origin_node == scope.node:
        raise Forbidden("this node asked that question: the other country answers it")
    if _answer_of(session, request) is not None:
        raise Conflict(f"request {request_id} is answered already")
    return request


def _check_records(session: Session, scope: Scope, refs: list[RecordRef]) -> None:
    """Each record given in an answer is this node's own and goes under the agreement."""
    agreement = active_agreement(session)
    types = registry()
    for ref in refs:
        kind = types.get(ref.type)
        if kind is None:
            raise InvalidInput(f"unknown record type {ref.type!r}")
        record = session.scalar(select(kind.model).where(kind.model.uid == ref.uid))
        if record is None:
            raise InvalidInput(f"{ref.type} {ref.uid} not found")
        if record.origin_node != scope.node:
            raise InvalidInput(f"{ref.type} {ref.uid} belongs to {record.origin_node}")
        if agreement is None or agreement.rule(ref.type, record.sharing_level) is None:
            raise InvalidInput(
                f"{ref.type} {ref.uid} is {record.sharing_level.value}: the agreement does not "
                "let it go; raise its sharing level first, if that is your decision"
            )


def _respond(
    session: Session,
    scope: Scope,
    request_id: int,
    kind: AnswerKind,
    text: str,
    refs: list[RecordRef],
) -> RequestPublic:
    scope.require("supervise")
    _require_security(scope)
    request = _received(session, scope, request_id)
    _check_records(session, scope, refs)
    answer = InformationAnswer(
        request_uid=request.uid,
        kind=kind,
        text=text,
        records=json.dumps([r.model_dump() for r in refs]),
        answering_agency_id=writing_agency_id(session, code=scope.agency_code),
        answered_by_id=scope.user_id,
        origin_node=scope.node,
        sharing_level=SharingLevel.binational,
    )
    session.add(answer)
    session.flush()
    audit.record(
        session,
        scope=scope,
        action=f"rfi.{kind.value}",
        object_type="information_request",
        object_ids=[request.uid, *[r.uid for r in refs]],
    )
    return _public(session, scope, request, answer)


def answer(session: Session, *, scope: Scope, request_id: int, data: AnswerCreate) -> RequestPublic:
    return _respond(session, scope, request_id, AnswerKind.answered, data.text, data.records)


def decline(session: Session, *, scope: Scope, request_id: int, data: Decline) -> RequestPublic:
    return _respond(session, scope, request_id, AnswerKind.declined, data.reason, [])


def _filtered(scope: Scope, filters: RequestFilters) -> Select[Any]:
    answer = aliased(InformationAnswer)
    query = select(InformationRequest).outerjoin(
        answer, answer.request_uid == InformationRequest.uid
    )
    if filters.box == "outbox":
        query = query.where(InformationRequest.origin_node == scope.node)
    elif filters.box == "inbox":
        query = query.where(InformationRequest.origin_node != scope.node)
    now = utcnow()
    if filters.state in ("answered", "declined"):
        query = query.where(answer.kind == filters.state)
    elif filters.state == "open":
        query = query.where(answer.id.is_(None), InformationRequest.deadline >= now)
    elif filters.state == "overdue":
        query = query.where(answer.id.is_(None), InformationRequest.deadline < now)
    return query


def list_requests(session: Session, *, scope: Scope, filters: RequestFilters) -> RequestPage:
    _require_security(scope)
    query = _filtered(scope, filters)
    if filters.cursor:
        if not filters.cursor.isdigit():
            raise InvalidInput("cursor is not one this server gave out")
        query = query.where(InformationRequest.id < int(filters.cursor))
    rows = list(
        session.scalars(query.order_by(InformationRequest.id.desc()).limit(filters.limit + 1))
    )
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    if rows:
        audit.record(
            session,
            scope=scope,
            action="rfi.read",
            object_type="information_request",
            object_ids=[r.uid for r in rows],
        )
    return RequestPage(
        items=[_public(session, scope, r, _answer_of(session, r)) for r in rows],
        next_cursor=str(rows[-1].id) if more else None,
    )


def get_request(session: Session, *, scope: Scope, request_id: int) -> RequestPublic:
    _require_security(scope)
    request = session.scalar(select(InformationRequest).where(InformationRequest.id == request_id))
    if request is None:
        raise NotFound(f"request {request_id} not found")
    audit.record(
        session,
        scope=scope,
        action="rfi.read",
        object_type="information_request",
        object_ids=[request.uid],
    )
    return _public(session, scope, request, _answer_of(session, request))


def overdue_count(session: Session, *, scope: Scope) -> int:
    """Questions of either side past their deadline with no answer yet."""
    if not (scope.everything or scope.security):
        return 0
    answer = aliased(InformationAnswer)
    return int(
        session.scalar(
            select(func.count())
            .select_from(InformationRequest)
            .outerjoin(answer, answer.request_uid == InformationRequest.uid)
            .where(answer.id.is_(None), InformationRequest.deadline < utcnow())
        )
        or 0
    )
