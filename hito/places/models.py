from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hito.db import Base, UTCDateTime
from hito.records import SharedRecord, str_enum


class CrossingStatus(enum.StrEnum):
    open = "open"
    restricted = "restricted"
    closed = "closed"


class FacilityKind(enum.StrEnum):
    shelter = "shelter"
    service_point = "service_point"


class Sector(SharedRecord, Base):
    __tablename__ = "sector"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    geometry: Mapped[str] = mapped_column(Text)  # GeoJSON Polygon, WGS84


class CrossingPoint(SharedRecord, Base):
    __tablename__ = "crossing_point"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    opening_hours: Mapped[str] = mapped_column(String(200))
    status: Mapped[CrossingStatus] = mapped_column(str_enum(CrossingStatus, "crossing_status"))


class CrossingStatusChange(SharedRecord, Base):
    """One change of a crossing point's status or hours, with its reason: the status history.

    Written by its own country's supervisors only, and shared with the crossing point."""

    __tablename__ = "crossing_status_change"
    __table_args__ = (
        Index("ix_crossing_status_change_point", "crossing_point_id", "effective_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    crossing_point_id: Mapped[int] = mapped_column(
        ForeignKey("crossing_point.id", ondelete="CASCADE")
    )
    status: Mapped[CrossingStatus] = mapped_column(str_enum(CrossingStatus, "crossing_status"))
    opening_hours: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(String(500), default="")
    effective_from: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Facility(SharedRecord, Base):
    """Shelters and service points (health, orientation, registration)."""

    __tablename__ = "facility"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[FacilityKind] = mapped_column(str_enum(FacilityKind, "facility_kind"))
    name: Mapped[str] = mapped_column(String(200))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    country: Mapped[str] = mapped_column(String(2))
    capacity: Mapped[int | None] = mapped_column(Integer)
    services: Mapped[str] = mapped_column(String(500), default="")
