"""Approved patrol plans and patrols as the exchange carries them.

What travels says where and when each side patrols, by which agency and kind of unit: never a
unit's code or crew. A plan leaves its node when a supervisor approves it; a patrol when it
starts, and again when it ends with its track.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import delete, insert, select

from hito.exchange.registry import ApplyContext, RecordType, WireField, register
from hito.exchange.wire import AgencyCode, WireTime, codes, iso
from hito.patrols.models import (
    ImpactLevelName,
    Patrol,
    PatrolAssignment,
    PatrolPlan,
    PatrolPoint,
    PlanStatus,
    UnitKind,
)

MAX_ASSIGNMENTS = 20_000  # 200 units × 21 shifts × a few weeks
MAX_TRACK = 20_000  # a day of fixes every 5 s

SectorCode = Annotated[str, Field(min_length=1, max_length=32)]
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]


class AssignmentWire(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sector: SectorCode
    country: Country
    agency: AgencyCode
    kind: UnitKind
    start: WireTime
    end: WireTime
    impact: ImpactLevelName | None = None  # the sector's level in the shift when planned


class PatrolPlanWire(BaseModel):
    model_config = ConfigDict(extra="forbid")

    country: Country | None = None
    starts_at: WireTime | None = None
    days: int | None = Field(None, ge=1, le=31)
    shift_hours: int | None = Field(None, ge=1, le=24)
    status: PlanStatus | None = None
    approved_at: WireTime | None = None
    assignments: list[AssignmentWire] = Field(default_factory=list, max_length=MAX_ASSIGNMENTS)


def _sector_ids(context: ApplyContext, wanted: set[str]) -> dict[str, int]:
    """Local ids of these sector codes (reference data); a code this node lacks refuses."""
    lookup = codes(context.session)
    found = {code: lookup.sector_id(code) for code in sorted(wanted)}
    missing = [code for code, sector_id in found.items() if sector_id is None]
    if missing:
        raise ValueError(f"sector {missing[0]!r} is not one of this node's sectors")
    return {code: sector_id for code, sector_id in found.items() if sector_id is not None}


class PatrolPlanRecords(RecordType):
    name = "patrol_plan"
    model = PatrolPlan
    fields = {
        "country": WireField(),
        "starts_at": WireField(),
        "days": WireField(),
        "shift_hours": WireField(),
        "status": WireField(),
        "approved_at": WireField(),
        "assignments": WireField(blank=[]),
    }
    structural = frozenset({"country", "starts_at", "days", "shift_hours", "status"})
    wire = PatrolPlanWire

    def to_wire(self, session: Any, records: Sequence[Any]) -> list[dict[str, Any]]:
        lookup = codes(session)
        table = PatrolAssignment.__table__
        rows = session.connection().execute(
            select(table).where(table.c.plan_id.in_([p.id for p in records]))
            .order_by(table.c.starts_at, table.c.sector_id, table.c.agency_id)
        )  # fmt: skip
        by_plan: dict[int, list[dict[str, Any]]] = {}
        for a in rows:
            by_plan.setdefault(a.plan_id, []).append(
                {
                    "sector": lookup.sector(a.sector_id),
                    "country": a.country,
                    "agency": lookup.agency(a.agency_id),
                    "kind": a.kind,
                    "start": iso(a.starts_at),
                    "end": iso(a.ends_at),
                    "impact": a.impact,
                }
            )
        return [
            {
                "country": p.country,
                "starts_at": iso(p.starts_at),
                "days": p.days,
                "shift_hours": p.shift_hours,
                "status": p.status.value,
                "approved_at": iso(p.approved_at),
                "assignments": by_plan.get(p.id, []),
            }
            for p in records
        ]

    def columns(self, record: dict[str, Any], context: ApplyContext, uid: str) -> dict[str, Any]:
        assignments = record.get("assignments") or []
        _sector_ids(context, {a["sector"] for a in assignments})  # refuse what cannot be stored
        lookup = codes(context.session)
        for a in assignments:
            lookup.agency_id(a["agency"])
        return {
            "country": record["country"],
            "starts_at": record["starts_at"],
            "days": record["days"],
            "shift_hours": record["shift_hours"],
            "seed": 0,
            "status": record["status"],
            "solver_status": "",  # the other side's solver figures stay there
            "objective": 0.0,
            "bound": 0.0,
            "coverage": "[]",
            "uncovered": "[]",
            "drafted_by_id": None,
            "approved_by_id": None,
            "approved_at": record.get("approved_at"),
        }

    def after_store(self, context: ApplyContext, uids: set[str]) -> None:
        """The plan's assignments, replaced as a whole with each version received, scoped like
        their plan."""
        ids = context.local_ids(self.name, uids)
        if not ids:
            return
        session = context.session
        session.execute(delete(PatrolAssignment).where(PatrolAssignment.plan_id.in_(ids.values())))
        received = context.records(self.name, uids)
        sectors = _sector_ids(
            context, {a["sector"] for _, r in received for a in r.get("assignments") or []}
        )
        lookup = codes(session)
        scoping = context.scoping(self.name, ids.values())
        rows = [
            {
                "plan_id": ids[uid],
                "unit_id": None,
                "agency_id": lookup.agency_id(a["agency"]),
                "kind": a["kind"],
                "sector_id": sectors[a["sector"]],
                "country": a["country"],
                "starts_at": a["start"],
                "ends_at": a["end"],
                "impact": a.get("impact"),
                **scoping[ids[uid]],
            }
            for uid, record in received
            if uid in ids
            for a in record.get("assignments") or []
        ]
        if rows:
            session.execute(insert(PatrolAssignment), rows)


class PatrolWire(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agency: AgencyCode | None = None
    kind: UnitKind | None = None
    country: Country | None = None
    sector: SectorCode | None = None
    started_at: WireTime | None = None
    ended_at: WireTime | None = None
    # [time, lat, lon, segment] per fix, in time order
    track: list[tuple[WireTime, float, float, int]] = Field(
        default_factory=list, max_length=MAX_TRACK
    )


class PatrolRecords(RecordType):
    name = "patrol"
    model = Patrol
    fields = {
        "agency": WireField(),
        "kind": WireField(),
        "country": WireField(),
        "sector": WireField(),
        "started_at": WireField(),
        "ended_at": WireField(),
        "track": WireField(blank=[]),
    }
    structural = frozenset({"agency", "kind", "country", "started_at"})
    wire = PatrolWire

    def to_wire(self, session: Any, records: Sequence[Any]) -> list[dict[str, Any]]:
        lookup = codes(session)
        table = PatrolPoint.__table__
        points = session.connection().execute(
            select(table).where(table.c.patrol_id.in_([p.id for p in records]))
            .order_by(table.c.patrol_id, table.c.at, table.c.id)
        )  # fmt: skip
        tracks: dict[int, list[list[Any]]] = {}
        for p in points:
            tracks.setdefault(p.patrol_id, []).append([iso(p.at), p.lat, p.lon, p.segment])
        return [
            {
                "agency": lookup.agency(p.agency_id),
                "kind": p.kind.value,
                "country": p.country,
                "sector": lookup.sector(p.sector_id),
                "started_at": iso(p.started_at),
                "ended_at": iso(p.ended_at),
                "track": tracks.get(p.id, []),
            }
            for p in records
        ]

    def columns(self, record: dict[str, Any], context: ApplyContext, uid: str) -> dict[str, Any]:
        for _, lat, lon, _ in record.get("track") or []:
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise ValueError(f"track: ({lat}, {lon}) is not a position")
        sector = record.get("sector")
        return {
            "unit_id": None,
            "agency_id": codes(context.session).agency_id(record["agency"]),
            "kind": record["kind"],
            "country": record["country"],
            "sector_id": _sector_ids(context, {sector})[sector] if sector else None,
            "assignment_id": None,
            "started_at": record["started_at"],
            "ended_at": record.get("ended_at"),
        }

    def after_store(self, context: ApplyContext, uids: set[str]) -> None:
        """The patrol's track, replaced as a whole with each version received."""
        ids = context.local_ids(self.name, uids)
        if not ids:
            return
        context.session.execute(delete(PatrolPoint).where(PatrolPoint.patrol_id.in_(ids.values())))
        scoping = context.scoping(self.name, ids.values())
        rows = [
            {
                "patrol_id": ids[uid],
                "at": at,
                "lat": lat,
                "lon": lon,
                "segment": segment,
                **scoping[ids[uid]],
            }
            for uid, record in context.records(self.name, uids)
            if uid in ids
            for at, lat, lon, segment in record.get("track") or []
        ]
        if rows:
            context.session.execute(insert(PatrolPoint), rows)


PATROL_PLAN = register(PatrolPlanRecords())
PATROL = register(PatrolRecords())
