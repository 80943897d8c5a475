from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from hito.fields import INPUT, Latitude, Longitude, Timestamp
from hito.places.models import CrossingStatus, FacilityKind
from hito.records import SharingLevel
from hito.text import Line


class Location(BaseModel):
    """A WGS84 position."""

    model_config = INPUT

    lat: Latitude = Field(description="Latitude, WGS84 degrees")
    lon: Longitude = Field(description="Longitude, WGS84 degrees")


class SectorPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    uid: str
    code: str
    name: str
    geometry: dict[str, Any]
    origin_node: str
    version: int
    sharing_level: SharingLevel


class CrossingPointBase(BaseModel):
    model_config = INPUT

    code: str = Field(min_length=2, max_length=32, pattern=r"^[A-Z0-9-]+$")
    name: Line = Field(min_length=1, max_length=200)
    location: Location
    opening_hours: Line = Field(min_length=1, max_length=200)
    status: CrossingStatus = CrossingStatus.open


class CrossingPointCreate(CrossingPointBase):
    sharing_level: SharingLevel = SharingLevel.binational


class CrossingPointUpdate(BaseModel):
    """A change of status or hours; it goes into the crossing's history with its reason."""

    model_config = INPUT

    status: CrossingStatus | None = None
    opening_hours: Line | None = Field(None, min_length=1, max_length=200)
    reason: Line = Field("", max_length=500, description="Why (required when the status changes)")
    effective_from: Timestamp | None = Field(
        None, description="When the change takes effect (default: now); not before a week ago"
    )


class CrossingStatusChangePublic(BaseModel):
    id: int
    uid: str
    crossing_point_id: int
    status: CrossingStatus
    opening_hours: str
    reason: str
    effective_from: dt.datetime
    origin_node: str
    version: int


class CrossingPointPublic(CrossingPointBase):
    id: int
    uid: str = Field(description="Global id: the same on both nodes")
    origin_node: str
    version: int
    sharing_level: SharingLevel


class FacilityPublic(BaseModel):
    id: int
    uid: str = Field(description="Global id: the same on both nodes")
    kind: FacilityKind
    name: str
    location: Location
    country: str
    capacity: int | None
    services: str
    origin_node: str
    version: int
    sharing_level: SharingLevel
