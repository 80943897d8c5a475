"""A node's patrol units: added by its supervisors, read by its users."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from hito import audit
from hito.agencies import agency_by_code, agency_codes
from hito.auth.scope import Scope
from hito.auth.scoping import unscoped
from hito.events.sharing import WireLocation
from hito.exc import Conflict, InvalidInput
from hito.patrols.models import PatrolUnit
from hito.patrols.problem import Unit
from hito.patrols.schemas import UnitCreate, UnitPublic, Window
from hito.places.models import Sector


def create_units(
    session: Session, *, scope: Scope, units: Sequence[UnitCreate]
) -> list[UnitPublic]:
    """Add units of this node's country; all are written, or none (the first problem says
    which unit, by its position)."""
    scope.require("supervise")
    sectors = set(session.scalars(select(Sector.code)))
    codes = [u.code for u in units]
    with unscoped(session):
        taken = set(session.scalars(select(PatrolUnit.code).where(PatrolUnit.code.in_(codes))))
    seen: set[str] = set()
    rows = []
    for position, data in enumerate(units, start=1):
        where = f"unit {position} ({data.code})"
        if data.code in taken or data.code in seen:
            raise Conflict(f"{where}: a unit with this code already exists")
        seen.add(data.code)
        agency = agency_by_code(session, code=data.agency)
        if agency.country != scope.node:
            raise InvalidInput(
                f"{where}: {agency.code} is not an agency of {scope.node}; a node plans its own "
                "country's units"
            )
        unknown = sorted(set(data.reach) - sectors)
        if unknown:
            raise InvalidInput(f"{where}: unknown sectors {', '.join(unknown)}")
        rows.append(
            PatrolUnit(
                code=data.code,
                agency_id=agency.id,
                country=scope.node,
                kind=data.kind,
                crew=data.crew,
                base_lat=data.base.lat,
                base_lon=data.base.lon,
                max_shift_hours=data.max_shift_hours,
                min_rest_hours=data.min_rest_hours,
                reach=json.dumps(data.reach, sort_keys=True),
                available=json.dumps(
                    [
                        [
                            w.start.astimezone(dt.UTC).isoformat(),
                            w.end.astimezone(dt.UTC).isoformat(),
                        ]
                        for w in data.available
                    ]
                ),  # fmt: skip
                origin_node=scope.node,
                sharing_level=data.sharing_level,
            )
        )
    session.add_all(rows)
    session.flush()
    audit.record(
        session,
        scope=scope,
        action="patrols.unit.create",
        object_type="patrol_unit",
        object_ids=[r.uid for r in rows],
    )
    names = agency_codes(session)
    return [unit_public(r, names) for r in rows]


def list_units(session: Session, *, scope: Scope) -> list[UnitPublic]:
    """The units the user may see (the session scopes the query), by code."""
    names = agency_codes(session)
    rows = session.scalars(select(PatrolUnit).order_by(PatrolUnit.code))
    return [unit_public(r, names) for r in rows]


def _windows(text: str) -> list[tuple[dt.datetime, dt.datetime]]:
    pairs = json.loads(text)
    return [(dt.datetime.fromisoformat(a), dt.datetime.fromisoformat(b)) for a, b in pairs]


def unit_public(row: PatrolUnit, agencies: dict[int, str]) -> UnitPublic:
    return UnitPublic(
        id=row.id,
        uid=row.uid,
        code=row.code,
        agency=agencies[row.agency_id],
        country=row.country,
        kind=row.kind,
        crew=row.crew,
        base=WireLocation(lat=row.base_lat, lon=row.base_lon),
        max_shift_hours=row.max_shift_hours,
        min_rest_hours=row.min_rest_hours,
        reach=json.loads(row.reach),
        available=[Window(start=a, end=b) for a, b in _windows(row.available)],
        origin_node=row.origin_node,
        version=row.version,
        sharing_level=row.sharing_level,
    )


def planner_unit(row: PatrolUnit, agencies: dict[int, str]) -> Unit:
    """The unit as the planner sees it."""
    return Unit(
        code=row.code,
        agency=agencies[row.agency_id],
        country=row.country,
        kind=row.kind.value,
        crew=row.crew,
        travel=json.loads(row.reach),
        max_shift_hours=row.max_shift_hours,
        min_rest_hours=row.min_rest_hours,
        available=tuple(_windows(row.available)),
    )
