"""Endpoints one node calls on the other: every request and every answer is signed.

Users never call these (their tokens are not accepted here); they are documented so that a
deployment can see what crosses the border.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, cast

import orjson
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from hito import audit
from hito.audit.checkpoints import held_for, store_peer_checkpoint
from hito.auth.scoping import unscoped
from hito.db import utcnow
from hito.exc import Unauthenticated, Unavailable
from hito.exchange.delivery import mark_acknowledged, peer_seen, sign_pending
from hito.exchange.inbox import Delivered, receive
from hito.exchange.keys import NodeKey
from hito.exchange.models import ExchangeLink
from hito.exchange.outbox import ensure_link
from hito.exchange.peers import PeerKey, peer_scope
from hito.exchange.transport import NODE, NONCE, NotAuthentic, sign_response, verify_request
from hito.settings import Settings
from hito.web.problems import documented

router = APIRouter(prefix="/exchange/v1", tags=["exchange between nodes"])
LINK = cast(Table, ExchangeLink.__table__)


class SignedEnvelope(BaseModel):
    model_config = ConfigDict(extra="forbid")

    envelope: str = Field(max_length=1_000_000, description="Canonical JSON, as signed")
    signature: str = Field(max_length=100, description="Ed25519, base64url")


class InboxBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    envelopes: list[SignedEnvelope] = Field(max_length=5000)
    head: int = Field(0, ge=0, description="The sender's last sequence number for this link")


class Acknowledgement(BaseModel):
    applied_seq: int = Field(description="Every envelope up to here is applied or rejected")
    applied: int
    rejected: list[dict[str, Any]]
    held: list[int] = Field(description="Received after a gap; applied once it is filled")
    replayed: int
    refused: list[dict[str, Any]] = Field(description="Not authentic: not applied, not counted")


class OutboxPage(BaseModel):
    envelopes: list[dict[str, Any]]
    head: int


class CheckpointIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(max_length=2000)
    signature: str = Field(max_length=100)


@dataclass
class PeerCall:
    """A request from a peer whose signature checked out."""

    peer: PeerKey
    nonce: str
    body: bytes
    settings: Settings
    key: NodeKey
    session: Session


def _key(request: Request) -> NodeKey:
    key: NodeKey | None = request.app.state.node_key
    if key is None:
        raise Unavailable("this node has no key yet: run `hito node init`")
    return key


def _authenticate(request: Request, body: bytes) -> PeerKey:
    settings: Settings = request.app.state.settings
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    with request.app.state.sessionmaker() as session, unscoped(session):
        try:
            peer = verify_request(
                session,
                method=request.method,
                target=target,
                body=body,
                headers=request.headers,
                window=settings.replay_window,
            )
        except NotAuthentic as error:
            session.rollback()
            caller = (request.headers.get(NODE) or "??")[:2].upper()
            audit.record(
                session,
                scope=peer_scope(caller, settings.node),
                action="exchange.auth.refuse",
                object_type="request",
                object_ids=[request.url.path],
                detail={
                    "reason": str(error),
                    "from": request.client.host if request.client else None,
                },
            )
            session.commit()
            raise Unauthenticated(f"not a signed request of a registered peer: {error}") from None
        session.commit()
        return peer


async def peer_call(request: Request) -> Any:
    key = _key(request)
    body = await request.body()
    peer = await run_in_threadpool(_authenticate, request, body)
    session: Session = request.app.state.sessionmaker()
    try:
        with unscoped(session):
            yield PeerCall(
                peer=peer,
                nonce=request.headers[NONCE],
                body=body,
                settings=request.app.state.settings,
                key=key,
                session=session,
            )
    finally:
        session.close()


PeerCallDep = Annotated[PeerCall, Depends(peer_call)]


def _signed(call: PeerCall, content: BaseModel, status: int = 200) -> Response:
    body = orjson.dumps(content.model_dump(mode="json"))
    headers = sign_response(call.key, call.settings.node, status, call.nonce, body)
    return Response(body, status_code=status, media_type="application/json", headers=headers)


@router.post(
    "/inbox",
    response_model=Acknowledgement,
    responses=documented(400, 401, 413, 422, 503),
    summary="Apply a batch of envelopes from the peer",
)
def inbox(call: PeerCallDep) -> Response:
    """Envelopes are applied in order, once, within this node's agreement; the answer says how
    far they are applied (everything up to `applied_seq`), and what was rejected or held."""
    batch = InboxBatch.model_validate_json(call.body)
    session = call.session
    outcome = receive(
        session,
        node=call.settings.node,
        peer=call.peer,
        delivered=[Delivered(e.envelope, e.signature) for e in batch.envelopes],
        peer_head=batch.head,
    )
    session.execute(
        update(LINK).where(LINK.c.peer_code == call.peer.code).values(last_pushed_at=utcnow())
    )
    session.commit()
    return _signed(call, Acknowledgement(**outcome.acknowledgement()))


@router.get(
    "/outbox",
    response_model=OutboxPage,
    responses=documented(400, 401, 422, 503),
    summary="Envelopes this node holds for the peer, after a sequence number",
)
def outbox(
    call: PeerCallDep,
    after: Annotated[int, Query(ge=0, le=2**53)] = 0,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> Response:
    """For catching up after an outage. Asking from `after` also acknowledges everything up to
    it: the peer holds those already."""
    session = call.session
    mark_acknowledged(
        session, node=call.settings.node, peer=call.peer.code, applied_seq=after, rejected=[]
    )
    envelopes = sign_pending(session, key=call.key, peer=call.peer.code, after=after, limit=limit)
    ensure_link(session, call.peer.code)
    head = session.execute(select(LINK.c.last_seq).where(LINK.c.peer_code == call.peer.code))
    page = OutboxPage(
        envelopes=[{"envelope": e["envelope"], "signature": e["signature"]} for e in envelopes],
        head=int(head.scalar_one()),
    )
    session.execute(
        update(LINK).where(LINK.c.peer_code == call.peer.code).values(failures=0, last_error=None)
    )
    session.commit()
    peer_seen(call.peer.code)  # it is up: a delivery loop waiting to retry goes now
    return _signed(call, page)


class Stored(BaseModel):
    stored: bool


class HeldCheckpoints(BaseModel):
    checkpoints: list[dict[str, str]]


@router.post(
    "/checkpoints",
    response_model=Stored,
    responses=documented(400, 401, 422, 503),
    summary="Keep a signed checkpoint of the peer's audit chain",
)
def receive_checkpoint(call: PeerCallDep) -> Response:
    data = CheckpointIn.model_validate_json(call.body)
    store_peer_checkpoint(call.session, peer=call.peer, body=data.body, signature=data.signature)
    call.session.commit()
    return _signed(call, Stored(stored=True))


@router.get(
    "/checkpoints",
    response_model=HeldCheckpoints,
    responses=documented(401, 503),
    summary="The checkpoints of the peer's chain this node keeps",
)
def held_checkpoints(call: PeerCallDep) -> Response:
    """What the caller can check its own log against (`hito audit verify --peer`)."""
    held = held_for(call.session, call.peer.code)
    return _signed(
        call,
        HeldCheckpoints(checkpoints=[{"body": c.body, "signature": c.signature} for c in held]),
    )
