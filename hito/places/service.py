from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session

from hito import audit
from hito.auth.scope import Scope
from hito.auth.scoping import unscoped
from hito.db import utcnow
from hito.exc import Conflict, Forbidden, InvalidInput, NotFound
from hito.places.geography import geometry_json, polygon_from_json, sector_polygons, town
from hito.places.models import (
    CrossingPoint,
    CrossingStatus,
    CrossingStatusChange,
    Facility,
    FacilityKind,
    Sector,
)
from hito.places.schemas import (
    CrossingPointCreate,
    CrossingPointPublic,
    CrossingPointUpdate,
    CrossingStatusChangePublic,
    FacilityPublic,
    Location,
    SectorPublic,
)
from hito.records import SharingLevel


@dataclass(frozen=True)
class _SectorIndex:
    key: tuple[tuple[int, int], ...]
    ids: list[int]
    polygons: list[shapely.Geometry]


_index_cache: dict[str, _SectorIndex] = {}
BACKDATING = dt.timedelta(days=7)
FORWARD_DATING = dt.timedelta(days=30)


def _sector_index(session: Session) -> _SectorIndex:
    """Prepared sector polygons, rebuilt only when a sector is added or changes version."""
    with unscoped(session):  # reference data: every event is placed, whoever reports it
        rows = session.execute(select(Sector.id, Sector.version).order_by(Sector.id)).all()
    key = tuple((r.id, r.version) for r in rows)
    cache_key = str(session.get_bind().engine.url)
    cached = _index_cache.get(cache_key)
    if cached is None or cached.key != key:
        with unscoped(session):
            sectors = session.scalars(select(Sector).order_by(Sector.id)).all()
        polygons = [polygon_from_json(s.geometry) for s in sectors]
        for polygon in polygons:
            shapely.prepare(polygon)
        cached = _SectorIndex(key, [s.id for s in sectors], polygons)
        _index_cache[cache_key] = cached
    return cached


def locate_sectors(session: Session, *, points: Sequence[tuple[float, float]]) -> list[int | None]:
    """Sector id of each (lat, lon) point by point-in-polygon, None outside every sector."""
    index = _sector_index(session)
    found: list[int | None] = [None] * len(points)
    if not points:
        return found
    coords = np.asarray(points, dtype=float)
    for sector_id, polygon in zip(index.ids, index.polygons, strict=True):
        inside = shapely.contains_xy(polygon, coords[:, 1], coords[:, 0])
        for i in np.flatnonzero(inside):
            if found[i] is None:
                found[i] = sector_id
    return found


# Each country runs its side of the Chacalluta–Santa Rosa crossing; each node holds its own.
CROSSINGS = {
    "CL": ("CHACALLUTA", "Complejo Fronterizo Chacalluta (Chile), paso Chacalluta–Santa Rosa"),
    "PE": ("SANTA-ROSA", "Complejo Fronterizo Santa Rosa (Perú), paso Chacalluta–Santa Rosa"),
}


def _facilities() -> list[tuple[FacilityKind, str, tuple[float, float], str, int | None, str]]:
    arica, tacna = town("Arica"), town("Tacna")
    return [
        (
            FacilityKind.shelter,
            "Albergue transitorio Arica",
            arica,
            "CL",
            120,
            "alojamiento, alimentación, orientación",
        ),
        (
            FacilityKind.service_point,
            "Punto de atención humanitaria Chacalluta",
            (-18.35, -70.33),
            "CL",
            None,
            "salud primaria, agua, orientación legal",
        ),
        (
            FacilityKind.shelter,
            "Albergue temporal Tacna",
            tacna,
            "PE",
            80,
            "alojamiento, alimentación",
        ),
        (
            FacilityKind.service_point,
            "Punto de atención Santa Rosa",
            (-18.30, -70.31),
            "PE",
            None,
            "registro, salud primaria",
        ),
    ]


def seed_places(session: Session, *, node: str) -> None:
    """Sectors along the real boundary line, this node's side of the crossing, its shelters."""
    if session.scalar(select(Sector.id).limit(1)) is None:
        for spec, polygon in sector_polygons():
            session.add(
                Sector(
                    code=spec.code,
                    name=spec.name,
                    geometry=geometry_json(polygon),
                    origin_node=node,
                    sharing_level=SharingLevel.binational,
                )
            )
    if session.scalar(select(CrossingPoint.id).where(CrossingPoint.origin_node == node)) is None:
        code, name = CROSSINGS[node]
        lat, lon = town("Chacalluta")
        session.add(
            CrossingPoint(
                code=code,
                name=name,
                lat=lat,
                lon=lon,
                opening_hours="Todos los días 08:00–24:00; viernes y sábado 24 h",
                status=CrossingStatus.open,
                origin_node=node,
                sharing_level=SharingLevel.binational,
            )
        )
    if session.scalar(select(Facility.id).where(Facility.origin_node == node)) is None:
        for kind, name, (lat, lon), country, capacity, services in _facilities():
            if country != node:
                continue  # the other country's shelters are its own records
            session.add(
                Facility(
                    kind=kind,
                    name=name,
                    lat=lat,
                    lon=lon,
                    country=country,
                    capacity=capacity,
                    services=services,
                    origin_node=country,
                    sharing_level=SharingLevel.humanitarian,
                )
            )
    session.flush()


def sector_public(sector: Sector) -> SectorPublic:
    return SectorPublic(
        id=sector.id,
        uid=sector.uid,
        code=sector.code,
        name=sector.name,
        geometry=json.loads(sector.geometry),
        origin_node=sector.origin_node,
        version=sector.version,
        sharing_level=sector.sharing_level,
    )


def list_sectors(session: Session, *, scope: Scope) -> list[SectorPublic]:
    rows = session.scalars(select(Sector).order_by(Sector.code))
    return [sector_public(s) for s in rows]


def sector_ids_by_code(session: Session) -> dict[str, int]:
    return {code: id_ for id_, code in session.execute(select(Sector.id, Sector.code))}


def _crossing_public(cp: CrossingPoint) -> CrossingPointPublic:
    return CrossingPointPublic(
        id=cp.id,
        uid=cp.uid,
        code=cp.code,
        name=cp.name,
        location=Location(lat=cp.lat, lon=cp.lon),
        opening_hours=cp.opening_hours,
        status=cp.status,
        origin_node=cp.origin_node,
        version=cp.version,
        sharing_level=cp.sharing_level,
    )


def list_crossing_points(session: Session, *, scope: Scope) -> list[CrossingPointPublic]:
    query = select(CrossingPoint).order_by(CrossingPoint.code)
    return [_crossing_public(cp) for cp in session.scalars(query)]


def visible_crossing(session: Session, *, crossing_id: int) -> CrossingPoint:
    """A crossing point the session's user may see (the session scopes it), or NotFound."""
    cp = session.scalar(select(CrossingPoint).where(CrossingPoint.id == crossing_id))
    if cp is None:
        raise NotFound(f"crossing point {crossing_id} not found")
    return cp


def get_crossing_point(session: Session, *, scope: Scope, crossing_id: int) -> CrossingPointPublic:
    return _crossing_public(visible_crossing(session, crossing_id=crossing_id))


def create_crossing_point(
    session: Session, *, scope: Scope, data: CrossingPointCreate
) -> CrossingPointPublic:
    scope.require("admin")
    if session.scalar(select(CrossingPoint.id).where(CrossingPoint.code == data.code)):
        raise Conflict(f"a crossing point with code {data.code!r} already exists")
    cp = CrossingPoint(
        code=data.code,
        name=data.name,
        lat=data.location.lat,
        lon=data.location.lon,
        opening_hours=data.opening_hours,
        status=data.status,
        origin_node=scope.node,
        sharing_level=data.sharing_level,
    )
    session.add(cp)
    session.flush()
    audit.record(
        session,
        scope=scope,
        action="crossing.create",
        object_type="crossing_point",
        object_ids=[cp.uid],
        detail=data.model_dump(mode="json", exclude={"location"}),
    )
    return _crossing_public(cp)


def update_crossing_point(
    session: Session, *, scope: Scope, crossing_id: int, data: CrossingPointUpdate
) -> CrossingPointPublic:
    scope.require("supervise")
    cp = visible_crossing(session, crossing_id=crossing_id)
    if cp.origin_node != scope.node:
        raise Forbidden(
            f"crossing point {cp.code} is {cp.origin_node}'s side: only {cp.origin_node} "
            "changes its status"
        )
    now = utcnow()
    effective = (data.effective_from or now).astimezone(dt.UTC)
    if not now - BACKDATING <= effective <= now + FORWARD_DATING:
        raise InvalidInput(
            "effective_from must lie between a week ago and 30 days ahead: older changes "
            "would rewrite the history others have read"
        )
    status_changes = data.status is not None and data.status != cp.status
    if status_changes and not data.reason.strip():
        raise InvalidInput("say why the status changes (reason)")
    before = {"status": cp.status.value, "opening_hours": cp.opening_hours}
    if effective <= now:  # a change announced ahead of time is only history until it comes
        if data.status is not None:
            cp.status = data.status
        if data.opening_hours is not None:
            cp.opening_hours = data.opening_hours
    change = CrossingStatusChange(
        crossing_point_id=cp.id,
        status=data.status or cp.status,
        opening_hours=data.opening_hours or cp.opening_hours,
        reason=data.reason.strip(),
        effective_from=effective,
        origin_node=scope.node,
        sharing_level=cp.sharing_level,
    )
    session.add(change)
    session.flush()
    audit.record(
        session,
        scope=scope,
        action="crossing.update",
        object_type="crossing_point",
        object_ids=[cp.uid, change.uid],
        detail={"before": before, **data.model_dump(mode="json", exclude_none=True)},
    )
    return _crossing_public(cp)


def status_history(
    session: Session, *, scope: Scope, crossing_id: int
) -> list[CrossingStatusChangePublic]:
    """A crossing point's changes of status and hours, newest first (what the user may see)."""
    cp = visible_crossing(session, crossing_id=crossing_id)
    changes = session.scalars(
        select(CrossingStatusChange)
        .where(CrossingStatusChange.crossing_point_id == cp.id)
        .order_by(CrossingStatusChange.effective_from.desc(), CrossingStatusChange.id.desc())
    )
    return [
        CrossingStatusChangePublic(
            id=c.id,
            uid=c.uid,
            crossing_point_id=c.crossing_point_id,
            status=c.status,
            opening_hours=c.opening_hours,
            reason=c.reason,
            effective_from=c.effective_from,
            origin_node=c.origin_node,
            version=c.version,
        )
        for c in changes
    ]


def list_facilities(session: Session, *, scope: Scope) -> list[FacilityPublic]:
    query = select(Facility).order_by(Facility.name)
    return [
        FacilityPublic(
            id=f.id,
            uid=f.uid,
            kind=f.kind,
            name=f.name,
            location=Location(lat=f.lat, lon=f.lon),
            country=f.country,
            capacity=f.capacity,
            services=f.services,
            origin_node=f.origin_node,
            version=f.version,
            sharing_level=f.sharing_level,
        )
        for f in session.scalars(query)
    ]
