"""Patrol logs: a unit sets out, its track comes in (a tablet's fixes or a GPX file), what it
finds becomes events linked to it, and it comes back.

A patrol is shared with the other side when it starts (where, when, which agency and kind of
unit) and again when it ends, with its track; fixes posted while it is under way stay here
until then, so that a tablet posting every minute does not send its whole track each time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from hito import audit
from hito.agencies import agency_codes
from hito.auth.scope import Scope
from hito.db import utcnow
from hito.events.schemas import EventCreate
from hito.events.service import create_event
from hito.exc import Conflict, Forbidden, InvalidInput, NotFound
from hito.patrols.gpx import GpxError, parse_gpx
from hito.patrols.log_schemas import (
    MAX_POINTS,
    PatrolEnd,
    PatrolFilters,
    PatrolPublic,
    PatrolStart,
    PatrolTrack,
    PointsAdded,
    TrackPoint,
)
from hito.patrols.models import (
    Patrol,
    PatrolAssignment,
    PatrolFinding,
    PatrolPlan,
    PatrolPoint,
    PatrolUnit,
    PlanStatus,
)
from hito.patrols.tracks import Fix, legs, length_km, resegment
from hito.places.models import Sector
from hito.records import SharingLevel

SLACK = dt.timedelta(minutes=5)  # clocks of tablets and GPS devices differ this much
EARLY = dt.timedelta(hours=1)  # a unit may set out this long before its shift


def start_patrol(session: Session, *, scope: Scope, data: PatrolStart) -> PatrolTrack:
    """A unit of this node sets out: its officers start their own agency's units (supervisors
    any); on a shift of an approved plan, the patrol takes the plan's sector."""
    scope.require("write")
    unit = session.scalar(select(PatrolUnit).where(PatrolUnit.code == data.unit))
    if unit is None or unit.origin_node != scope.node:
        raise NotFound(f"unit {data.unit} is not one of this node's units")
    names = agency_codes(session)
    if names[unit.agency_id] != scope.agency_code and not scope.may("supervise"):
        raise Forbidden(f"unit {data.unit} is {names[unit.agency_id]}'s: its officers start it")
    started = data.started_at or utcnow()
    if started > utcnow() + SLACK:
        raise InvalidInput(f"started_at {started.isoformat()} is in the future")
    busy = session.scalar(
        select(Patrol).where(Patrol.unit_id == unit.id, Patrol.ended_at.is_(None))
    )
    if busy is not None:
        raise Conflict(f"unit {data.unit} is on patrol {busy.id} since {busy.started_at}")
    shift = _planned_shift(session, unit, started)
    sector_id = shift.sector_id if shift is not None else None
    if data.sector is not None:
        sector_id = session.scalar(select(Sector.id).where(Sector.code == data.sector))
        if sector_id is None:
            raise InvalidInput(f"unknown sector {data.sector}")
    row = Patrol(
        unit_id=unit.id, agency_id=unit.agency_id, kind=unit.kind, country=unit.country,
        sector_id=sector_id, assignment_id=shift.id if shift is not None else None,
        started_at=started, origin_node=scope.node, sharing_level=SharingLevel.binational,
    )  # fmt: skip
    session.add(row)
    session.flush()
    audit.record(
        session, scope=scope, action="patrols.patrol.start", object_type="patrol",
        object_ids=[row.uid], detail=data.model_dump(mode="json"),
    )  # fmt: skip
    return patrol_track(session, row)


def _planned_shift(session: Session, unit: PatrolUnit, at: dt.datetime) -> PatrolAssignment | None:
    """The unit's shift of an approved plan under way at `at` (or starting within the hour)."""
    return session.scalar(
        select(PatrolAssignment)
        .join(PatrolPlan, PatrolPlan.id == PatrolAssignment.plan_id)
        .where(
            PatrolAssignment.unit_id == unit.id,
            PatrolPlan.status == PlanStatus.approved,
            PatrolAssignment.starts_at <= at + EARLY,
            PatrolAssignment.ends_at > at,
        )
        .order_by(PatrolAssignment.starts_at)
        .limit(1)
    )


def find_patrol(session: Session, *, patrol_id: int, own: Scope | None = None) -> Patrol:
    """The patrol, if the user sees it; with `own`, only one of that user's node."""
    row = session.scalar(select(Patrol).where(Patrol.id == patrol_id))
    if row is None:
        raise NotFound(f"patrol {patrol_id} not found")
    if own is not None and row.origin_node != own.node:
        raise Conflict(f"patrol {patrol_id} is the other side's: only its node writes its log")
    return row


def _fixes(session: Session, patrol: Patrol) -> list[Fix]:
    rows = session.execute(
        select(PatrolPoint.at, PatrolPoint.lat, PatrolPoint.lon, PatrolPoint.segment)
        .where(PatrolPoint.patrol_id == patrol.id)
        .order_by(PatrolPoint.at, PatrolPoint.id)
    ).all()
    return [Fix(at, lat, lon, segment) for at, lat, lon, segment in rows]


def add_fixes(
    session: Session, *, scope: Scope, patrol_id: int, fixes: Sequence[Fix], source: str
) -> PointsAdded:
    """Add fixes to a patrol of this node: all of them, or none if one is outside the patrol's
    time (or in the future); fixes at a time already held are left out."""
    scope.require("write")
    patrol = find_patrol(session, patrol_id=patrol_id, own=scope)
    now = utcnow()
    until = min(patrol.ended_at + SLACK, now + SLACK) if patrol.ended_at else now + SLACK
    for number, fix in enumerate(fixes, 1):
        if not patrol.started_at - SLACK <= fix.at <= until:
            raise InvalidInput(
                f"point {number} at {fix.at.isoformat()} is outside patrol {patrol_id}, "
                f"from {patrol.started_at.isoformat()} to "
                f"{patrol.ended_at.isoformat() if patrol.ended_at else 'now'}"
            )
    held = _fixes(session, patrol)
    times = {f.at for f in held}
    new = sorted({f.at: f for f in fixes if f.at not in times}.values(), key=lambda f: f.at)
    if len(held) + len(new) > MAX_POINTS:
        raise InvalidInput(
            f"patrol {patrol_id} would hold {len(held) + len(new)} points; a track holds at "
            f"most {MAX_POINTS}"
        )
    if new and held and new[0].at < held[-1].at:
        # late fixes (a tablet that was offline): the whole track is split again by its gaps
        merged = resegment(sorted([*held, *(Fix(f.at, f.lat, f.lon, 0) for f in new)],
                                  key=lambda f: f.at))  # fmt: skip
        session.execute(delete(PatrolPoint).where(PatrolPoint.patrol_id == patrol.id))
        stored = merged
    else:
        last = held[-1] if held else None
        stored = resegment(new, first=last.segment if last else 0, after=last)
    if stored:
        session.execute(
            insert(PatrolPoint),
            [{"patrol_id": patrol.id, "at": f.at, "lat": f.lat, "lon": f.lon,
              "segment": f.segment, "origin_node": patrol.origin_node,
              "sharing_level": patrol.sharing_level, "audience": patrol.audience}
             for f in stored],
        )  # fmt: skip
    if new and patrol.ended_at is not None:
        patrol.updated_at = now  # an ended patrol's track travels again, whole
    session.flush()
    audit.record(
        session, scope=scope, action=f"patrols.patrol.{source}", object_type="patrol",
        object_ids=[patrol.uid], detail={"points": len(fixes), "added": len(new)},
    )  # fmt: skip
    track = _fixes(session, patrol)
    return PointsAdded(
        added=len(new),
        duplicates=len(fixes) - len(new),
        segments=len({f.segment for f in track}),
        points=len(track),
    )


def add_points(
    session: Session, *, scope: Scope, patrol_id: int, points: Sequence[TrackPoint]
) -> PointsAdded:
    fixes = [Fix(p.at.astimezone(dt.UTC), float(p.lat), float(p.lon)) for p in points]
    return add_fixes(session, scope=scope, patrol_id=patrol_id, fixes=fixes, source="points")


def import_gpx(session: Session, *, scope: Scope, patrol_id: int, data: bytes) -> PointsAdded:
    """A GPX file's track points added to a patrol of this node: the whole file, or nothing."""
    try:
        fixes = parse_gpx(data)
    except GpxError as error:
        raise InvalidInput(f"GPX {error}") from None
    return add_fixes(session, scope=scope, patrol_id=patrol_id, fixes=fixes, source="gpx")


def end_patrol(session: Session, *, scope: Scope, patrol_id: int, data: PatrolEnd) -> PatrolTrack:
    scope.require("write")
    patrol = find_patrol(session, patrol_id=patrol_id, own=scope)
    if patrol.ended_at is not None:
        raise Conflict(f"patrol {patrol_id} ended at {patrol.ended_at.isoformat()}")
    ended = data.ended_at or utcnow()
    last = session.scalar(
        select(func.max(PatrolPoint.at)).where(PatrolPoint.patrol_id == patrol.id)
    )
    if ended < patrol.started_at or (last is not None and ended < last - SLACK):
        raise InvalidInput(
            f"ended_at {ended.isoformat()} is before the patrol's start or its last point"
        )
    if ended > utcnow() + SLACK:
        raise InvalidInput(f"ended_at {ended.isoformat()} is in the future")
    patrol.ended_at = ended
    session.flush()
    audit.record(
        session, scope=scope, action="patrols.patrol.end", object_type="patrol",
        object_ids=[patrol.uid],
    )  # fmt: skip
    return patrol_track(session, patrol)


def add_finding(
    session: Session, *, scope: Scope, patrol_id: int, data: EventCreate
) -> PatrolTrack:
    """An event seen on patrol: reported as any event, and linked to the patrol."""
    patrol = find_patrol(session, patrol_id=patrol_id, own=scope)
    until = (patrol.ended_at or utcnow()) + SLACK
    if not patrol.started_at - SLACK <= data.occurred_at <= until:
        raise InvalidInput(f"occurred_at is outside patrol {patrol_id}'s time")
    event = create_event(session, scope=scope, data=data)
    session.add(PatrolFinding(patrol_id=patrol.id, event_id=event.id))
    session.flush()
    return patrol_track(session, patrol)


def get_patrol(session: Session, *, scope: Scope, patrol_id: int) -> PatrolTrack:
    return patrol_track(session, find_patrol(session, patrol_id=patrol_id))


def list_patrols(session: Session, *, scope: Scope, filters: PatrolFilters) -> list[PatrolPublic]:
    """Patrols the user sees (both sides'), under way at some time of the window, newest first."""
    end = filters.end or utcnow()
    start = filters.start or end - dt.timedelta(days=7)
    query = (
        select(Patrol)
        .where(Patrol.started_at <= end)
        .where((Patrol.ended_at.is_(None)) | (Patrol.ended_at >= start))
        .order_by(Patrol.started_at.desc(), Patrol.id.desc())
        .limit(filters.limit)
    )
    if filters.country:
        query = query.where(Patrol.country == filters.country)
    return [patrol_public(session, row) for row in session.scalars(query)]


def patrol_public(session: Session, row: Patrol, fixes: list[Fix] | None = None) -> PatrolPublic:
    fixes = _fixes(session, row) if fixes is None else fixes
    unit = session.scalar(select(PatrolUnit.code).where(PatrolUnit.id == row.unit_id))
    sector = session.scalar(select(Sector.code).where(Sector.id == row.sector_id))
    findings = session.scalars(
        select(PatrolFinding.event_id).where(PatrolFinding.patrol_id == row.id)
        .order_by(PatrolFinding.event_id)
    ).all()  # fmt: skip
    return PatrolPublic(
        id=row.id, uid=row.uid, unit=unit, agency=agency_codes(session)[row.agency_id],
        kind=row.kind, country=row.country, sector=sector,
        planned=row.assignment_id is not None,
        started_at=row.started_at.astimezone(dt.UTC),
        ended_at=row.ended_at.astimezone(dt.UTC) if row.ended_at else None,
        points=len(fixes), km=round(length_km(fixes), 3),
        hours=round(sum(leg.hours for leg in legs(fixes)), 3), findings=list(findings),
    )  # fmt: skip


def patrol_track(session: Session, row: Patrol) -> PatrolTrack:
    fixes = _fixes(session, row)
    segments: dict[int, list[tuple[float, float, dt.datetime]]] = {}
    for f in fixes:
        segments.setdefault(f.segment, []).append((f.lat, f.lon, f.at.astimezone(dt.UTC)))
    public = patrol_public(session, row, fixes)
    return PatrolTrack(**public.model_dump(), segments=list(segments.values()))
