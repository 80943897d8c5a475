from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import TypeAdapter
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from hito import events
from hito.auth import Scope
from hito.events import (
    BatchResult,
    EventBatch,
    EventCreate,
    EventDetail,
    EventFilters,
    EventPage,
    EventUpdate,
    ObservationCreate,
)
from hito.exc import InvalidInput
from hito.web.deps import CurrentScope, PathId, SessionDep, SettingsDep
from hito.web.problems import documented

router = APIRouter(prefix="/events", tags=["events"])


@router.post(
    "", response_model=EventDetail, status_code=201, responses=documented(400, 401, 403, 413, 422)
)
def create_event(data: EventCreate, scope: CurrentScope, session: SessionDep) -> EventDetail:
    """Report an event; its figures become its first observation."""
    return events.create_event(session, scope=scope, data=data)


_batch_adapter = TypeAdapter(EventBatch)
COMPONENTS = "#/components/schemas/"
# Bodies read as raw bytes: their schemas are added to the OpenAPI components by web/app.py.
RAW_BODIES = [EventBatch]


@router.post(
    "/batch",
    response_model=BatchResult,
    status_code=201,
    responses=documented(400, 401, 403, 413, 422),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": COMPONENTS + EventBatch.__name__}}},
        }
    },
)
async def create_batch(
    request: Request,
    response: Response,
    scope: CurrentScope,
    session: SessionDep,
    settings: SettingsDep,
) -> BatchResult:
    """Store up to 10,000 events at once: all of them, or none when any is invalid."""
    # Parsed and validated from the raw bytes in one pass (pydantic-core): for 10,000 events
    # this costs a fraction of json.loads followed by validation of Python objects.
    started = time.perf_counter()
    body = await request.body()
    received = time.perf_counter()
    batch = _batch_adapter.validate_json(body)
    if len(batch.events) > settings.max_batch_events:
        raise InvalidInput(f"a batch holds at most {settings.max_batch_events} events")
    validated = time.perf_counter()
    ids = await run_in_threadpool(_store_batch, session, scope, batch)
    stored = time.perf_counter()
    response.headers["Server-Timing"] = ", ".join(
        f"{name};dur={seconds * 1000:.1f}"
        for name, seconds in [
            ("receive", received - started),
            ("validate", validated - received),
            ("store", stored - validated),
        ]
    )
    return BatchResult(count=len(ids), ids=ids)


def _store_batch(session: Session, scope: Scope, batch: EventBatch) -> list[int]:
    return events.create_events(session, scope=scope, events=batch.events)


@router.get("", response_model=EventPage, responses=documented(401, 422))
def list_events(
    filters: Annotated[EventFilters, Query()], scope: CurrentScope, session: SessionDep
) -> EventPage:
    """Visible events, newest first; follow `next_cursor` for more."""
    return events.list_events(session, scope=scope, filters=filters)


@router.get("/{event_id:int}", response_model=EventDetail, responses=documented(401, 404, 422))
def get_event(event_id: PathId, scope: CurrentScope, session: SessionDep) -> EventDetail:
    return events.get_event(session, scope=scope, event_id=event_id)


@router.patch(
    "/{event_id:int}",
    response_model=EventDetail,
    responses=documented(400, 401, 403, 404, 409, 413, 422),
)
def update_event(
    event_id: PathId, data: EventUpdate, scope: CurrentScope, session: SessionDep
) -> EventDetail:
    return events.update_event(session, scope=scope, event_id=event_id, data=data)


@router.post(
    "/{event_id:int}/observations",
    response_model=EventDetail,
    status_code=201,
    responses=documented(400, 401, 403, 404, 413, 422),
)
def add_observation(
    event_id: PathId, data: ObservationCreate, scope: CurrentScope, session: SessionDep
) -> EventDetail:
    """Record how the event stands now (the stranded group: 100 → 70 → 20)."""
    return events.add_observation(session, scope=scope, event_id=event_id, data=data)
