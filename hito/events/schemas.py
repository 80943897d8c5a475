from __future__ import annotations

import base64
import datetime as dt
from typing import Self

from pydantic import BaseModel, Field, field_validator, model_validator

from hito.events.models import EventStatus, EventType
from hito.fields import INPUT, Count, GlobalId, RecordId, Timestamp
from hito.places.schemas import Location
from hito.records import SharingLevel
from hito.text import Line, Text


class Breakdown(BaseModel):
    model_config = INPUT

    headcount: Count | None = Field(None, description="People in total, where known")
    adults: Count | None = Field(None, description="Adults among them, where known")
    minors: Count | None = Field(None, description="Minors among them, where known")

    @model_validator(mode="after")
    def _breakdown_fits(self) -> Self:
        known = (self.adults or 0) + (self.minors or 0)
        if self.headcount is not None and known > self.headcount:
            raise ValueError(
                f"adults + minors ({known}) is more than the headcount ({self.headcount})"
            )
        return self


class EventCreate(Breakdown):
    type: EventType
    occurred_at: Timestamp = Field(description="When it happened, with its UTC offset")
    location: Location
    description: Text = Field("", max_length=4000)
    sharing_level: SharingLevel = Field(
        SharingLevel.national, description="Who besides the origin country may read it"
    )
    status: EventStatus = EventStatus.open


class EventBatch(BaseModel):
    model_config = INPUT

    events: list[EventCreate] = Field(min_length=1, max_length=10_000)


class EventUpdate(BaseModel):
    model_config = INPUT

    version: RecordId = Field(description="The version you read; a stale one is refused (409)")
    status: EventStatus | None = None
    sharing_level: SharingLevel | None = None
    description: Text | None = Field(None, max_length=4000)


class ObservationCreate(Breakdown):
    observed_at: Timestamp
    note: Text = Field("", max_length=4000)
    status: EventStatus | None = Field(None, description="New status of the event, if it changed")

    @model_validator(mode="after")
    def _says_something(self) -> Self:
        if self.headcount is None and not self.note.strip() and self.status is None:
            raise ValueError("an observation needs a headcount, a note or a status")
        return self


class ObservationPublic(BaseModel):
    id: int | None = Field(description="None for the event's own report, its first observation")
    uid: str | None = Field(None, description="Global id; None for the event's own report")
    origin_node: str | None = Field(None, description="Node of the observer")
    observed_at: dt.datetime
    headcount: int | None
    adults: int | None
    minors: int | None
    note: str
    status: EventStatus | None
    agency: str
    observed_by: str | None


class EventPublic(BaseModel):
    id: int
    uid: str = Field(description="Global id: the same on both nodes")
    type: EventType
    occurred_at: dt.datetime
    location: Location
    sector: str | None = Field(description="Code of the border sector the location falls in")
    headcount: int | None
    adults: int | None
    minors: int | None
    reporting_agency: str
    reported_by: str | None
    description: str
    sharing_level: SharingLevel
    status: EventStatus
    origin_node: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class EventDetail(EventPublic):
    observations: list[ObservationPublic]


class EventPage(BaseModel):
    items: list[EventPublic]
    next_cursor: str | None = Field(description="Pass as `cursor` to get the next page")


class BatchResult(BaseModel):
    count: int
    ids: list[int]


class BBox(BaseModel):
    min_lon: float = Field(ge=-180, le=180)
    min_lat: float = Field(ge=-90, le=90)
    max_lon: float = Field(ge=-180, le=180)
    max_lat: float = Field(ge=-90, le=90)

    @classmethod
    def parse(cls, text: str) -> BBox:
        parts = text.split(",")
        if len(parts) != 4:
            raise ValueError("bbox must be minLon,minLat,maxLon,maxLat")
        try:
            values = [float(p) for p in parts]
        except ValueError:
            raise ValueError("bbox must be four numbers: minLon,minLat,maxLon,maxLat") from None
        box = cls(min_lon=values[0], min_lat=values[1], max_lon=values[2], max_lat=values[3])
        if box.min_lon > box.max_lon or box.min_lat > box.max_lat:
            raise ValueError("bbox minimum is greater than its maximum")
        return box


class EventFilters(BaseModel):
    type: list[EventType] = Field(default_factory=list, description="One or more event types")
    status: EventStatus | None = None
    since: Timestamp | None = Field(None, description="Occurred at or after")
    until: Timestamp | None = Field(None, description="Occurred before")
    bbox: str | None = Field(
        None, description="minLon,minLat,maxLon,maxLat", examples=["-70.5,-18.5,-70.0,-18.0"]
    )
    sector: Line | None = Field(None, max_length=32, description="Sector code, e.g. S2-CHACALLUTA")
    agency: Line | None = Field(None, max_length=32, description="Agency code, e.g. CL-PDI")
    uid: GlobalId | None = None
    limit: int = Field(50, ge=1, le=500)
    cursor: str | None = Field(None, max_length=200)

    @field_validator("bbox")
    @classmethod
    def _valid_bbox(cls, value: str | None) -> str | None:
        if value is not None:
            BBox.parse(value)
        return value


def encode_cursor(occurred_at: dt.datetime, event_id: int) -> str:
    raw = f"{occurred_at.astimezone(dt.UTC).isoformat()}|{event_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, event_id = raw.split("|")
        parsed = dt.datetime.fromisoformat(at)
        if parsed.tzinfo is None:
            raise ValueError
        return parsed.astimezone(dt.UTC), int(event_id)
    except (ValueError, OverflowError):
        raise ValueError("cursor is not one this server gave out") from None
