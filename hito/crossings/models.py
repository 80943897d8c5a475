"""A crossing's hourly counts as stored: one shared record per crossing point and hour, and its
counts by direction, category and nationality (rows of that record, scoped like it)."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hito.db import Base, UTCDateTime
from hito.records import Scoped, SharedRecord, str_enum


class Direction(enum.StrEnum):
    entry = "entry"  # into the country of the crossing point's node
    exit = "exit"


class Category(enum.StrEnum):
    visitor = "visitor"
    resident = "resident"
    regular_migrant = "regular_migrant"
    refused = "refused"  # an irregular attempt refused at the booth
    cargo_vehicle = "cargo_vehicle"
    bus = "bus"


class CrossingHour(SharedRecord, Base):
    """One hour at one crossing point: booths open per direction, and where the figures came
    from. A later feed of the same hour replaces its counts (a new version)."""

    __tablename__ = "crossing_hour"
    __table_args__ = (UniqueConstraint("crossing_point_id", "hour"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    crossing_point_id: Mapped[int] = mapped_column(
        ForeignKey("crossing_point.id", ondelete="CASCADE")
    )
    hour: Mapped[dt.datetime] = mapped_column(UTCDateTime)  # the hour's start, UTC
    booths_entry: Mapped[int | None] = mapped_column(Integer)
    booths_exit: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(100), default="")


class CrossingCount(Scoped, Base):
    """People (or vehicles) of one category and nationality through one direction in an hour.

    Carries its hour's crossing point, time and scoping columns, so that figures over millions
    of rows are one indexed GROUP BY that the session's scope still applies to."""

    __tablename__ = "crossing_count"
    shared_as = "crossing_hour"
    __table_args__ = (
        UniqueConstraint("hour_id", "direction", "category", "nationality"),
        Index("ix_crossing_count_hour", "hour", "crossing_point_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hour_id: Mapped[int] = mapped_column(ForeignKey("crossing_hour.id", ondelete="CASCADE"))
    crossing_point_id: Mapped[int] = mapped_column(
        ForeignKey("crossing_point.id", ondelete="CASCADE")
    )
    hour: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    direction: Mapped[Direction] = mapped_column(str_enum(Direction, "crossing_direction"))
    category: Mapped[Category] = mapped_column(str_enum(Category, "crossing_category"))
    nationality: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2; XX: not known
    count: Mapped[int] = mapped_column(Integer)
