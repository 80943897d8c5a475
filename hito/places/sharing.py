"""Each country's side of the crossing and its shelters, as the exchange carries them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from hito.events.sharing import WireLocation
from hito.exchange.registry import ApplyContext, RecordType, WireField, register
from hito.exchange.wire import WireTime, iso, uids_of
from hito.fields import GlobalId
from hito.places.models import (
    CrossingPoint,
    CrossingStatus,
    CrossingStatusChange,
    Facility,
    FacilityKind,
)
from hito.text import Line


class CrossingPointWire(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str | None = Field(None, min_length=2, max_length=32, pattern=r"^[A-Z0-9-]+$")
    name: Line | None = Field(None, min_length=1, max_length=200)
    location: WireLocation | None = None
    opening_hours: Line = Field("", max_length=200)
    status: CrossingStatus | None = None


class FacilityWire(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: FacilityKind | None = None
    name: Line | None = Field(None, min_length=1, max_length=200)
    location: WireLocation | None = None
    country: str | None = Field(None, pattern=r"^[A-Z]{2}$")
    capacity: int | None = Field(None, ge=0, le=1_000_000)
    services: Line = Field("", max_length=500)


class CrossingPointRecords(RecordType):
    name = "crossing_point"
    model = CrossingPoint
    fields = {
        "code": WireField(),
        "name": WireField(),
        "location": WireField(),
        "opening_hours": WireField(blank=""),
        "status": WireField(),
    }
    structural = frozenset({"code", "name", "location", "status"})
    wire = CrossingPointWire

    def to_wire(self, session: Any, records: Sequence[Any]) -> list[dict[str, Any]]:
        return [
            {
                "code": c.code,
                "name": c.name,
                "location": {"lat": c.lat, "lon": c.lon},
                "opening_hours": c.opening_hours,
                "status": c.status.value,
            }
            for c in records
        ]

    def columns(self, record: dict[str, Any], context: ApplyContext, uid: str) -> dict[str, Any]:
        table = CrossingPoint.__table__
        holder = context.session.execute(
            select(table.c.uid).where(table.c.code == record["code"])
        ).scalar()
        if holder is not None and holder != uid:
            raise ValueError(f"crossing point code {record['code']!r} is taken on this node")
        return {
            "code": record["code"],
            "name": record["name"],
            "lat": record["location"]["lat"],
            "lon": record["location"]["lon"],
            "opening_hours": record.get("opening_hours", ""),
            "status": record["status"],
        }


class FacilityRecords(RecordType):
    name = "facility"
    model = Facility
    fields = {
        "kind": WireField(),
        "name": WireField(),
        "location": WireField(),
        "country": WireField(),
        "capacity": WireField(),
        "services": WireField(blank=""),
    }
    structural = frozenset({"kind", "name", "location", "country"})
    wire = FacilityWire

    def to_wire(self, session: Any, records: Sequence[Any]) -> list[dict[str, Any]]:
        return [
            {
                "kind": f.kind.value,
                "name": f.name,
                "location": {"lat": f.lat, "lon": f.lon},
                "country": f.country,
                "capacity": f.capacity,
                "services": f.services,
            }
            for f in records
        ]

    def columns(self, record: dict[str, Any], context: ApplyContext, uid: str) -> dict[str, Any]:
        return {
            "kind": record["kind"],
            "name": record["name"],
            "lat": record["location"]["lat"],
            "lon": record["location"]["lon"],
            "country": record["country"],
            "capacity": record.get("capacity"),
            "services": record.get("services", ""),
        }


class CrossingStatusWire(BaseModel):
    model_config = ConfigDict(extra="forbid")

    crossing: GlobalId | None = None
    status: CrossingStatus | None = None
    opening_hours: Line = Field("", max_length=200)
    reason: Line = Field("", max_length=500)
    effective_from: WireTime | None = None


class CrossingStatusRecords(RecordType):
    name = "crossing_status"
    model = CrossingStatusChange
    fields = {
        "crossing": WireField(link="crossing_point"),
        "status": WireField(),
        "opening_hours": WireField(blank=""),
        "reason": WireField(blank=""),
        "effective_from": WireField(),
    }
    structural = frozenset({"crossing", "status", "effective_from"})
    wire = CrossingStatusWire

    def to_wire(self, session: Any, records: Sequence[Any]) -> list[dict[str, Any]]:
        crossings = uids_of(session, CrossingPoint, (r.crossing_point_id for r in records))
        return [
            {
                "crossing": crossings.get(r.crossing_point_id),
                "status": r.status.value,
                "opening_hours": r.opening_hours,
                "reason": r.reason,
                "effective_from": iso(r.effective_from),
            }
            for r in records
        ]

    def columns(self, record: dict[str, Any], context: ApplyContext, uid: str) -> dict[str, Any]:
        crossing = context.local_ids("crossing_point", [record["crossing"]]).get(record["crossing"])
        if crossing is None:
            raise ValueError(f"status of crossing point {record['crossing']}, unknown on this node")
        return {
            "crossing_point_id": crossing,
            "status": record["status"],
            "opening_hours": record.get("opening_hours") or "",
            "reason": record.get("reason") or "",
            "effective_from": record["effective_from"],
        }


CROSSING_POINT = register(CrossingPointRecords())
CROSSING_STATUS = register(CrossingStatusRecords())
FACILITY = register(FacilityRecords())
