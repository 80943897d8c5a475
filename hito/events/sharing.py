"""Events and observations as the exchange carries them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from hito.events.models import Event, EventStatus, EventType, Observation
from hito.events.schemas import Breakdown
from hito.exchange.registry import ApplyContext, RecordType, WireField, register
from hito.exchange.wire import AgencyCode, WireTime, codes, iso, uids_of
from hito.fields import GlobalId
from hito.text import Text


class WireLocation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lat: float = Field(ge=-90, le=90, allow_inf_nan=False)
    lon: float = Field(ge=-180, le=180, allow_inf_nan=False)


class EventWire(Breakdown):
    model_config = ConfigDict(extra="forbid")

    type: EventType | None = None
    occurred_at: WireTime | None = None
    location: WireLocation | None = None
    sector: str | None = Field(None, max_length=32)
    reported: Breakdown | None = None
    status: EventStatus | None = None
    description: Text = Field("", max_length=4000)
    reporting_agency: AgencyCode | None = None


class ObservationWire(Breakdown):
    model_config = ConfigDict(extra="forbid")

    event: GlobalId | None = None
    observed_at: WireTime | None = None
    note: Text = Field("", max_length=4000)
    status: EventStatus | None = None
    agency: AgencyCode | None = None


class EventRecords(RecordType):
    name = "event"
    model = Event
    fields = {
        "type": WireField(),
        "occurred_at": WireField(),
        "location": WireField(),
        "sector": WireField(),
        "headcount": WireField(),
        "adults": WireField(),
        "minors": WireField(),
        "reported": WireField(),
        "status": WireField(),
        "description": WireField(blank=""),
        "reporting_agency": WireField(),
    }
    structural = frozenset({"type", "occurred_at", "location", "status", "reporting_agency"})
    wire = EventWire

    def to_wire(self, session: Any, records: Sequence[Any]) -> list[dict[str, Any]]:
        lookup = codes(session)
        return [
            {
                "type": e.type.value if hasattr(e.type, "value") else e.type,
                "occurred_at": iso(e.occurred_at),
                "location": {"lat": e.lat, "lon": e.lon},
                "sector": lookup.sector(e.sector_id),
                "headcount": e.headcount,
                "adults": e.adults,
                "minors": e.minors,
                "reported": {
                    "headcount": e.reported_headcount,
                    "adults": e.reported_adults,
                    "minors": e.reported_minors,
                },
                "status": e.status.value if hasattr(e.status, "value") else e.status,
                "description": e.description,
                "reporting_agency": lookup.agency(e.reporting_agency_id),
            }
            for e in records
        ]

    def columns(self, record: dict[str, Any], context: ApplyContext, uid: str) -> dict[str, Any]:
        lookup = codes(context.session)
        reported = record.get("reported") or {}
        return {
            "type": record["type"],
            "occurred_at": record["occurred_at"],
            "lat": record["location"]["lat"],
            "lon": record["location"]["lon"],
            "sector_id": lookup.sector_id(record.get("sector")),
            "headcount": record.get("headcount"),
            "adults": record.get("adults"),
            "minors": record.get("minors"),
            "reported_headcount": reported.get("headcount"),
            "reported_adults": reported.get("adults"),
            "reported_minors": reported.get("minors"),
            "status": record["status"],
            "description": record.get("description", ""),
            "reporting_agency_id": lookup.agency_id(record["reporting_agency"]),
            "reported_by_id": None,
        }


class ObservationRecords(RecordType):
    name = "observation"
    model = Observation
    fields = {
        "event": WireField(link="event", column="event_id"),
        "observed_at": WireField(),
        "headcount": WireField(),
        "adults": WireField(),
        "minors": WireField(),
        "note": WireField(blank=""),
        "status": WireField(),
        "agency": WireField(),
    }
    structural = frozenset({"event", "observed_at", "agency"})
    wire = ObservationWire

    def to_wire(self, session: Any, records: Sequence[Any]) -> list[dict[str, Any]]:
        lookup = codes(session)
        uids = uids_of(session, Event, (o.event_id for o in records))
        return [
            {
                "event": uids.get(o.event_id),
                "observed_at": iso(o.observed_at),
                "headcount": o.headcount,
                "adults": o.adults,
                "minors": o.minors,
                "note": o.note,
                "status": o.status,
                "agency": lookup.agency(o.agency_id),
            }
            for o in records
        ]

    def columns(self, record: dict[str, Any], context: ApplyContext, uid: str) -> dict[str, Any]:
        event_id = context.local_ids("event", [record["event"]]).get(record["event"])
        if event_id is None:
            raise ValueError(
                f"observation of event {record['event']}, which this node does not hold"
            )
        return {
            "event_id": event_id,
            "observed_at": record["observed_at"],
            "headcount": record.get("headcount"),
            "adults": record.get("adults"),
            "minors": record.get("minors"),
            "note": record.get("note", ""),
            "status": record.get("status"),
            "agency_id": codes(context.session).agency_id(record["agency"]),
            "observed_by_id": None,
        }

    def after_store(self, context: ApplyContext, uids: set[str]) -> None:
        # An observation of one of this node's events changes the event's current figures here,
        # at its origin, and that change travels on like any other.
        from hito.events.service import refresh_figures

        refresh_figures(context.session, observation_uids=uids, node=context.node)


EVENT = register(EventRecords())
OBSERVATION = register(ObservationRecords())
