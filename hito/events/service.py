from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from types import SimpleNamespace
from typing import cast

from sqlalchemy import Select, Table, false, func, literal, select, tuple_
from sqlalchemy.orm import Session

from hito import audit
from hito.agencies import Agency, agency_codes, writing_agency_id
from hito.auth.models import UserAccount
from hito.auth.scope import Scope
from hito.auth.scoping import unscoped
from hito.db import allocate_ids, bulk_insert, utcnow
from hito.events.models import Event, EventStatus, Observation
from hito.events.schemas import (
    BBox,
    EventCreate,
    EventDetail,
    EventFilters,
    EventPage,
    EventPublic,
    EventUpdate,
    ObservationCreate,
    ObservationPublic,
    decode_cursor,
    encode_cursor,
)
from hito.events.sharing import EVENT
from hito.exc import Conflict, Forbidden, InvalidInput, NotFound
from hito.exchange.outbox import publish
from hito.places.models import Sector
from hito.places.schemas import Location
from hito.places.service import locate_sectors
from hito.records import new_uid

EVENT_TABLE = cast(Table, Event.__table__)


def _codes(session: Session) -> tuple[dict[int, str], dict[int, str]]:
    sectors = {key: value for key, value in session.execute(select(Sector.id, Sector.code))}
    return agency_codes(session), sectors


def _usernames(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    query = select(UserAccount.id, UserAccount.username).where(UserAccount.id.in_(ids))
    return {key: value for key, value in session.execute(query)}


def _public(
    event: Event, agencies: dict[int, str], sectors: dict[int, str], users: dict[int, str]
) -> EventPublic:
    return EventPublic(
        id=event.id,
        uid=event.uid,
        type=event.type,
        occurred_at=event.occurred_at,
        location=Location(lat=event.lat, lon=event.lon),
        sector=sectors.get(event.sector_id) if event.sector_id else None,
        headcount=event.headcount,
        adults=event.adults,
        minors=event.minors,
        reporting_agency=agencies[event.reporting_agency_id],
        reported_by=users.get(event.reported_by_id) if event.reported_by_id else None,
        description=event.description,
        sharing_level=event.sharing_level,
        status=event.status,
        origin_node=event.origin_node,
        version=event.version,
        created_at=event.created_at,
        updated_at=event.updated_at,
    )


def create_events(session: Session, *, scope: Scope, events: Sequence[EventCreate]) -> list[int]:
    """Store all of ``events`` in the caller's transaction, or none.

    Each event's own figures are its first observation (see ``Event.reported_headcount``).
    """
    scope.require("write")
    if not events:
        return []
    agency_id = writing_agency_id(session, code=scope.agency_code)
    sector_ids = locate_sectors(session, points=[(e.location.lat, e.location.lon) for e in events])
    now = utcnow()
    ids = allocate_ids(session, EVENT_TABLE, len(events))
    rows = [
        {
            "id": event_id,
            "type": e.type,
            "occurred_at": e.occurred_at,
            "lat": e.location.lat,
            "lon": e.location.lon,
            "sector_id": sector_id,
            "headcount": e.headcount,
            "adults": e.adults,
            "minors": e.minors,
            "reported_headcount": e.headcount,
            "reported_adults": e.adults,
            "reported_minors": e.minors,
            "reporting_agency_id": agency_id,
            "reported_by_id": scope.user_id,
            "description": e.description,
            "status": e.status,
            "uid": new_uid(),
            "origin_node": scope.node,
            "sharing_level": e.sharing_level,
            "audience": None,
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        for event_id, sector_id, e in zip(ids, sector_ids, events, strict=True)
    ]
    bulk_insert(session, EVENT_TABLE, rows)
    # bulk_insert bypasses the ORM, so the outbox is written here rather than at flush
    publish(session, EVENT, [SimpleNamespace(**row) for row in rows], node=scope.node, created=True)
    audit.record(
        session,
        scope=scope,
        action="event.create",
        object_type="event",
        object_ids=[str(row["uid"]) for row in rows]
        if len(rows) <= 50
        else [f"{rows[0]['uid']}..{rows[-1]['uid']}"],
        detail={"count": len(ids)},
    )
    return ids


def _visible_event(session: Session, event_id: int) -> Event:
    event = session.scalar(select(Event).where(Event.id == event_id))
    if event is None:
        raise NotFound(f"event {event_id} not found")
    return event


def get_event(session: Session, *, scope: Scope, event_id: int) -> EventDetail:
    event = _visible_event(session, event_id)
    agencies, sectors = _codes(session)
    observations = list(
        session.scalars(
            select(Observation)
            .where(Observation.event_id == event.id)
            .order_by(Observation.observed_at, Observation.id)
        )
    )
    users = _usernames(
        session,
        {i for i in [event.reported_by_id, *(o.observed_by_id for o in observations)] if i},
    )
    public = _public(event, agencies, sectors, users)
    report = ObservationPublic(
        id=None,
        observed_at=event.occurred_at,
        headcount=event.reported_headcount,
        adults=event.reported_adults,
        minors=event.reported_minors,
        note="",
        status=None,
        agency=agencies[event.reporting_agency_id],
        observed_by=public.reported_by,
    )
    return EventDetail(
        **public.model_dump(),
        observations=[report]
        + [
            ObservationPublic(
                id=o.id,
                uid=o.uid,
                origin_node=o.origin_node,
                observed_at=o.observed_at,
                headcount=o.headcount,
                adults=o.adults,
                minors=o.minors,
                note=o.note,
                status=EventStatus(o.status) if o.status else None,
                agency=agencies[o.agency_id],
                observed_by=users.get(o.observed_by_id) if o.observed_by_id else None,
            )
            for o in observations
        ],
    )


def create_event(session: Session, *, scope: Scope, data: EventCreate) -> EventDetail:
    (event_id,) = create_events(session, scope=scope, events=[data])
    return get_event(session, scope=scope, event_id=event_id)


def _latest_before(session: Session, event: Event, observation_id: int | None) -> dt.datetime:
    with unscoped(session):  # every observation counts, whoever may read it
        latest = session.scalar(
            select(func.max(Observation.observed_at)).where(
                Observation.event_id == event.id, Observation.id != (observation_id or 0)
            )
        )
    return max(latest, event.occurred_at) if latest else event.occurred_at


def _follow(event: Event, observation: Observation, latest: dt.datetime) -> bool:
    """An event of this node takes the figures and status of its newest observation."""
    if observation.observed_at < latest:
        return False
    if observation.headcount is not None:
        event.headcount = observation.headcount
        event.adults, event.minors = observation.adults, observation.minors
    if observation.status is not None:
        event.status = EventStatus(observation.status)
    event.updated_at = utcnow()
    return True


def refresh_figures(session: Session, *, observation_uids: set[str], node: str) -> None:
    """Received observations of this node's own events update those events here, at their
    origin; the new version then travels back like any change."""
    with unscoped(session):
        observations = session.scalars(
            select(Observation).where(Observation.uid.in_(observation_uids))
        ).all()
        for observation in sorted(observations, key=lambda o: o.observed_at):
            event = session.get(Event, observation.event_id) if observation.event_id else None
            if event is not None and event.origin_node == node and event.audience is None:
                _follow(event, observation, _latest_before(session, event, observation.id))
        session.flush()


def add_observation(
    session: Session, *, scope: Scope, event_id: int, data: ObservationCreate
) -> EventDetail:
    """Record how the event stands now. An event of this node takes the latest observation's
    figures; a received event keeps its origin's until the observation has travelled there."""
    scope.require("write")
    event = _visible_event(session, event_id)
    observation = Observation(
        event_id=event.id,
        observed_at=data.observed_at,
        headcount=data.headcount,
        adults=data.adults,
        minors=data.minors,
        note=data.note,
        status=data.status.value if data.status else None,
        agency_id=writing_agency_id(session, code=scope.agency_code),
        observed_by_id=scope.user_id,
        origin_node=scope.node,
        sharing_level=event.sharing_level,
    )
    session.add(observation)
    session.flush()
    if event.origin_node == scope.node and event.audience is None:
        _follow(event, observation, _latest_before(session, event, observation.id))
        session.flush()
    audit.record(
        session,
        scope=scope,
        action="event.observe",
        object_type="event",
        object_ids=[event.uid, observation.uid],
        detail={"headcount": data.headcount, "status": data.status},
    )
    return get_event(session, scope=scope, event_id=event.id)


def update_event(
    session: Session, *, scope: Scope, event_id: int, data: EventUpdate
) -> EventDetail:
    scope.require("write")
    event = _visible_event(session, event_id)
    if event.origin_node != scope.node:
        raise Forbidden(
            f"event {event_id} was received from {event.origin_node}: only its origin changes "
            "it (annotate it instead)"
        )
    if event.version != data.version:
        raise Conflict(
            f"event {event_id} is at version {event.version}, not {data.version}: "
            "someone changed it since you read it; reload and try again"
        )
    if data.sharing_level is not None and data.sharing_level != event.sharing_level:
        # this node's observations of the event are shared as the event is
        own_observations = session.scalars(
            select(Observation).where(
                Observation.event_id == event.id, Observation.origin_node == scope.node
            )
        ).all()
        audit.record(
            session,
            scope=scope,
            action="record.sharing_level",
            object_type="event",
            object_ids=[event.uid],
            detail={"from": event.sharing_level.value, "to": data.sharing_level.value},
        )
        event.sharing_level = data.sharing_level
        for observation in own_observations:
            observation.sharing_level = data.sharing_level
    if data.status is not None:
        event.status = data.status
    if data.description is not None:
        event.description = data.description
    event.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        scope=scope,
        action="event.update",
        object_type="event",
        object_ids=[event.uid],
        detail=data.model_dump(exclude_none=True, mode="json"),
    )
    return get_event(session, scope=scope, event_id=event.id)


def _filtered(session: Session, filters: EventFilters) -> Select[Event]:
    query = select(Event)
    if filters.type:
        query = query.where(Event.type.in_(filters.type))
    if filters.status:
        query = query.where(Event.status == filters.status)
    if filters.since:
        query = query.where(Event.occurred_at >= filters.since)
    if filters.until:
        query = query.where(Event.occurred_at < filters.until)
    if filters.bbox:
        box = BBox.parse(filters.bbox)
        query = query.where(
            Event.lat.between(box.min_lat, box.max_lat),
            Event.lon.between(box.min_lon, box.max_lon),
        )
    if filters.sector:
        # an unknown code matches no event, as a known code without events does
        sector_id = session.scalar(select(Sector.id).where(Sector.code == filters.sector.upper()))
        query = query.where(Event.sector_id == sector_id if sector_id else false())
    if filters.uid:
        query = query.where(Event.uid == filters.uid)
    if filters.agency:
        agency_id = session.scalar(select(Agency.id).where(Agency.code == filters.agency.upper()))
        query = query.where(Event.reporting_agency_id == agency_id if agency_id else false())
    return query


def list_events(session: Session, *, scope: Scope, filters: EventFilters) -> EventPage:
    """A page of visible events, newest first, with a cursor to the next page."""
    query = _filtered(session, filters)
    if filters.cursor:
        try:
            at, last_id = decode_cursor(filters.cursor)
        except ValueError as error:
            raise InvalidInput(str(error)) from None
        # the literal must carry the column's type: SQLite stores times as integers
        position = tuple_(literal(at, Event.occurred_at.type), literal(last_id))
        query = query.where(tuple_(Event.occurred_at, Event.id) < position)
    query = query.order_by(Event.occurred_at.desc(), Event.id.desc()).limit(filters.limit + 1)
    rows = list(session.scalars(query))
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    agencies, sectors = _codes(session)
    users = _usernames(session, {e.reported_by_id for e in rows if e.reported_by_id})
    items = [_public(e, agencies, sectors, users) for e in rows]
    cursor = encode_cursor(rows[-1].occurred_at, rows[-1].id) if more and rows else None
    return EventPage(items=items, next_cursor=cursor)


def iter_events(session: Session, *, scope: Scope, filters: EventFilters) -> Iterator[EventPublic]:
    """Every visible event matching ``filters``, oldest first, streamed (for exports)."""
    agencies, sectors = _codes(session)
    users: dict[int, str] = {}
    query = _filtered(session, filters).order_by(Event.occurred_at, Event.id)
    for event in session.scalars(query).yield_per(1000):
        if event.reported_by_id and event.reported_by_id not in users:
            users.update(_usernames(session, {event.reported_by_id}))
        yield _public(event, agencies, sectors, users)


def count_events(session: Session) -> int:
    return session.scalar(select(func.count(Event.id))) or 0
