"""Plan against actual: planned shifts patrolled, border covered, effort and findings.

Legs of a track (fix to fix within a segment) count where their middle lies; a leg counts in
the window when it starts inside it. The border a track covers is the boundary line within
`REACH_KM` of it: the line itself is known to about 1 km (see hito/places/data/SOURCES.md),
so a patrol 1 km from it is on it, as far as this data can tell.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import shapely
from shapely import prepare
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union
from sqlalchemy import select
from sqlalchemy.orm import Session

from hito.agencies import agency_codes
from hito.auth.scope import Scope
from hito.events.models import Event
from hito.patrols.models import (
    Patrol,
    PatrolAssignment,
    PatrolFinding,
    PatrolPlan,
    PatrolPoint,
    PatrolUnit,
    PlanStatus,
)
from hito.patrols.report_schemas import AgencyEffort, PatrolReport, SectorEffort, ShiftOutcome
from hito.patrols.tracks import Fix, Leg, legs
from hito.places.geography import border_line, polygon_from_json
from hito.places.models import Sector

REACH_KM = 1.0
KM_PER_DEGREE = 111.195  # of latitude, on the mean Earth radius
_LAT0 = -18.0  # the border's latitude: degrees of longitude are shorter by cos(18°)


_SCALE = np.array([KM_PER_DEGREE * math.cos(math.radians(_LAT0)), KM_PER_DEGREE])


def _km(geometry: BaseGeometry) -> BaseGeometry:
    """Lon/lat → km on a plane tangent at the border (equirectangular; under 1% off here)."""
    return shapely.transform(geometry, lambda coords: coords * _SCALE)


@dataclass
class _Patrol:
    row: Patrol
    fixes: list[Fix]
    unit: str | None


def plan_against_actual(
    session: Session, *, scope: Scope, start: dt.datetime, end: dt.datetime
) -> PatrolReport:
    """The report over what the user sees (the session scopes plans and patrols)."""
    names = agency_codes(session)
    sectors = {code: polygon_from_json(g) for code, g in session.execute(
        select(Sector.code, Sector.geometry).order_by(Sector.code))}  # fmt: skip
    for polygon in sectors.values():
        prepare(polygon)
    patrols = _patrols(session, start, end)
    where: dict[int, list[tuple[Leg, str | None]]] = {}
    for p in patrols:
        where[p.row.id] = [
            (leg, _sector_of(leg, sectors)) for leg in legs(p.fixes) if start <= leg.start.at < end
        ]
    shifts = _shifts(session, start, end, patrols, where, names)
    efforts = _efforts(session, sectors, patrols, where, names)
    all_legs = [leg for placed in where.values() for leg, _ in placed]
    outside = sum(leg.hours for placed in where.values() for leg, s in placed if s is None)
    done = sum(s.patrolled for s in shifts)
    return PatrolReport(
        start=start.astimezone(dt.UTC), end=end.astimezone(dt.UTC), reach_km=REACH_KM,
        planned=len(shifts), patrolled=done,
        patrolled_share=round(done / len(shifts), 4) if shifts else None,
        patrols=len(patrols), hours=round(sum(leg.hours for leg in all_legs), 3),
        km=round(sum(leg.km for leg in all_legs), 3), outside_sectors_hours=round(outside, 3),
        shifts=shifts, sectors=efforts,
    )  # fmt: skip


def _sector_of(leg: Leg, sectors: dict[str, BaseGeometry]) -> str | None:
    lat, lon = leg.middle
    point = Point(lon, lat)
    return next((code for code, polygon in sectors.items() if polygon.contains(point)), None)


def _patrols(session: Session, start: dt.datetime, end: dt.datetime) -> list[_Patrol]:
    rows = session.scalars(
        select(Patrol)
        .where(Patrol.started_at < end)
        .where(Patrol.ended_at.is_(None) | (Patrol.ended_at >= start))
        .order_by(Patrol.started_at, Patrol.id)
    ).all()
    fixes: dict[int, list[Fix]] = defaultdict(list)
    if rows:
        points = session.execute(
            select(PatrolPoint.patrol_id, PatrolPoint.at, PatrolPoint.lat, PatrolPoint.lon,
                   PatrolPoint.segment)
            .where(PatrolPoint.patrol_id.in_([r.id for r in rows]))
            .order_by(PatrolPoint.patrol_id, PatrolPoint.at, PatrolPoint.id)
        )  # fmt: skip
        for patrol_id, at, lat, lon, segment in points:
            fixes[patrol_id].append(Fix(at, lat, lon, segment))
    units = dict(session.execute(select(PatrolUnit.id, PatrolUnit.code)).all())
    return [_Patrol(r, fixes[r.id], units.get(r.unit_id) if r.unit_id else None) for r in rows]


def _shifts(
    session: Session,
    start: dt.datetime,
    end: dt.datetime,
    patrols: list[_Patrol],
    where: dict[int, list[tuple[Leg, str | None]]],
    names: dict[int, str],
) -> list[ShiftOutcome]:
    """Each shift of an approved plan in the window, matched with at most one patrol: its own
    (started on it), else one of the same unit — or, on the other side's plans, which name no
    unit, of the same agency and kind — tracked on the shift's sector during the shift."""
    rows = session.execute(
        select(PatrolAssignment, Sector.code, PatrolUnit.code)
        .join(PatrolPlan, PatrolPlan.id == PatrolAssignment.plan_id)
        .join(Sector, Sector.id == PatrolAssignment.sector_id)
        .outerjoin(PatrolUnit, PatrolUnit.id == PatrolAssignment.unit_id)
        .where(PatrolPlan.status == PlanStatus.approved)
        .where(PatrolAssignment.starts_at < end, PatrolAssignment.ends_at > start)
        .order_by(PatrolAssignment.starts_at, PatrolAssignment.country, Sector.code)
    ).all()
    used: set[tuple[int, dt.datetime]] = set()
    out = []
    for a, sector, unit in rows:
        best, hours = None, 0.0
        for p in patrols:
            if (p.row.id, a.starts_at) in used or not _may_serve(p, a, unit):
                continue
            on = sum(
                leg.hours for leg, s in where[p.row.id]
                if s == sector and a.starts_at <= leg.start.at < a.ends_at
            )  # fmt: skip
            if p.row.assignment_id == a.id:
                on = max(on, 1e-9)  # started on this very shift
            if on > hours:
                best, hours = p, on
        if best is not None:
            used.add((best.row.id, a.starts_at))
        out.append(
            ShiftOutcome(
                country=a.country,
                sector=sector,
                agency=names[a.agency_id],
                kind=a.kind,
                unit=unit,
                start=a.starts_at.astimezone(dt.UTC),
                end=a.ends_at.astimezone(dt.UTC),
                patrolled=best is not None,
                patrol=best.row.id if best else None,
                hours_on_sector=round(hours, 3),
            )  # fmt: skip
        )
    return out


def _may_serve(p: _Patrol, a: PatrolAssignment, unit: str | None) -> bool:
    if p.row.country != a.country or p.row.agency_id != a.agency_id or p.row.kind != a.kind:
        return False
    if unit is not None and p.unit is not None and unit != p.unit:
        return False
    return p.row.started_at < a.ends_at and (p.row.ended_at is None or p.row.ended_at > a.starts_at)


def _efforts(
    session: Session,
    sectors: dict[str, BaseGeometry],
    patrols: list[_Patrol],
    where: dict[int, list[tuple[Leg, str | None]]],
    names: dict[int, str],
) -> list[SectorEffort]:
    hours: dict[tuple[str, str, str], float] = defaultdict(float)
    km: dict[tuple[str, str, str], float] = defaultdict(float)
    for p in patrols:
        for leg, sector in where[p.row.id]:
            if sector is not None:
                key = (sector, names[p.row.agency_id], p.row.country)
                hours[key] += leg.hours
                km[key] += leg.km
    found = _findings(session, [p.row.id for p in patrols])
    reach = _reach([[leg for leg, _ in placed] for placed in where.values()])
    line = _km(border_line())
    out = []
    for code, polygon in sectors.items():
        border = line.intersection(_km(polygon))
        covered = border.intersection(reach).length if reach is not None else 0.0
        keys = sorted(k for k in hours if k[0] == code)
        total = sum(hours[k] for k in keys)
        out.append(
            SectorEffort(
                sector=code,
                border_km=round(border.length, 3),
                border_covered_km=round(covered, 3),
                border_share=round(covered / border.length, 4) if border.length else 0.0,
                hours=round(total, 3),
                km=round(sum(km[k] for k in keys), 3),
                findings=found.get(code, 0),
                findings_per_hour=round(found.get(code, 0) / total, 4) if total else None,
                agencies=[
                    AgencyEffort(
                        agency=a,
                        country=c,
                        hours=round(hours[s, a, c], 3),
                        km=round(km[s, a, c], 3),
                    )
                    for s, a, c in keys
                ],
            )  # fmt: skip
        )
    return out


def _reach(tracks: Iterable[list[Leg]]) -> BaseGeometry | None:
    """Where the tracks came within `REACH_KM`: their legs, in km, buffered."""
    lines = [
        LineString([(leg.start.lon, leg.start.lat), (leg.end.lon, leg.end.lat)])
        for track in tracks for leg in track
    ]  # fmt: skip
    return _km(unary_union(lines)).buffer(REACH_KM) if lines else None


def _findings(session: Session, patrol_ids: list[int]) -> dict[str, int]:
    if not patrol_ids:
        return {}
    rows = session.execute(
        select(Sector.code, Event.id)
        .join(Event, Event.sector_id == Sector.id)
        .join(PatrolFinding, PatrolFinding.event_id == Event.id)
        .where(PatrolFinding.patrol_id.in_(patrol_ids))
        .distinct()
    ).all()
    counts: dict[str, int] = defaultdict(int)
    for code, _ in rows:
        counts[code] += 1
    return dict(counts)
