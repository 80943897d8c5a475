"""Patrol units and plans as stored: a node's own units and the plans drafted for them."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hito.db import Base, UTCDateTime
from hito.records import Scoped, SharedRecord, str_enum


class UnitKind(enum.StrEnum):
    foot = "foot"
    vehicle = "vehicle"
    mounted = "mounted"
    drone = "drone"
    boat = "boat"  # the coastal sector


class PlanStatus(enum.StrEnum):
    draft = "draft"
    approved = "approved"


class ImpactLevelName(enum.StrEnum):
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


class PatrolUnit(SharedRecord, Base):
    __tablename__ = "patrol_unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    country: Mapped[str] = mapped_column(String(2))
    kind: Mapped[UnitKind] = mapped_column(str_enum(UnitKind, "unit_kind"))
    crew: Mapped[int] = mapped_column(Integer)
    base_lat: Mapped[float] = mapped_column(Float)
    base_lon: Mapped[float] = mapped_column(Float)
    max_shift_hours: Mapped[float] = mapped_column(Float)
    min_rest_hours: Mapped[float] = mapped_column(Float)
    reach: Mapped[str] = mapped_column(Text)  # JSON {sector code: minutes from base}
    available: Mapped[str] = mapped_column(Text, default="[]")  # JSON [[start, end], ...], UTC


class PatrolPlan(SharedRecord, Base):
    __tablename__ = "patrol_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    country: Mapped[str] = mapped_column(String(2))
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    days: Mapped[int] = mapped_column(Integer)
    shift_hours: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(Integer)
    status: Mapped[PlanStatus] = mapped_column(str_enum(PlanStatus, "plan_status"))
    solver_status: Mapped[str] = mapped_column(String(16))
    objective: Mapped[float] = mapped_column(Float)
    bound: Mapped[float] = mapped_column(Float)
    coverage: Mapped[str] = mapped_column(Text)  # JSON, the security game's probabilities
    uncovered: Mapped[str] = mapped_column(Text)  # JSON, high and critical posts and why
    drafted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class PatrolAssignment(Scoped, Base):
    """One unit on one side of a sector for one shift; part of its plan, travels with it and is
    scoped like it. `impact`: the sector's level in that shift when it was planned (None: planned
    before levels were kept, migration 0010)."""

    __tablename__ = "patrol_assignment"
    shared_as = "patrol_plan"
    __table_args__ = (
        Index("ix_patrol_assignment_plan", "plan_id", "starts_at"),
        Index("ix_patrol_assignment_starts_at", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("patrol_plan.id", ondelete="CASCADE"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("patrol_unit.id"))  # None: received
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    kind: Mapped[UnitKind] = mapped_column(str_enum(UnitKind, "unit_kind"))
    sector_id: Mapped[int] = mapped_column(ForeignKey("sector.id"))
    country: Mapped[str] = mapped_column(String(2))
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    impact: Mapped[ImpactLevelName | None] = mapped_column(
        str_enum(ImpactLevelName, "impact_level")
    )


class ImpactOverride(Base):
    """A supervisor's judgement of a sector's impact level over what the thresholds say, with
    its reason; it lapses at `expires_at` or when lifted. This node's own, not shared."""

    __tablename__ = "impact_override"
    __table_args__ = (Index("ix_impact_override_sector", "sector_id", "expires_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sector_id: Mapped[int] = mapped_column(ForeignKey("sector.id"))
    level: Mapped[ImpactLevelName] = mapped_column(str_enum(ImpactLevelName, "impact_level"))
    reason: Mapped[str] = mapped_column(Text)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    set_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    lifted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Patrol(SharedRecord, Base):
    """A patrol as it went: which unit, from when to when, on which planned shift, and its track
    (``PatrolPoint``). No crew names: the unit is enough, and it is all the other side gets."""

    __tablename__ = "patrol"
    __table_args__ = (Index("ix_patrol_started_at", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("patrol_unit.id"))  # None: received
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    kind: Mapped[UnitKind] = mapped_column(str_enum(UnitKind, "unit_kind"))
    country: Mapped[str] = mapped_column(String(2))
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("sector.id"))  # the planned sector
    assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("patrol_assignment.id", ondelete="SET NULL")
    )
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class PatrolPoint(Scoped, Base):
    """One fix of a patrol's track; `segment` starts again after a gap (a GPX track segment,
    or a tablet that lost signal), so that no line is drawn across the gap. Scoped like its
    patrol."""

    __tablename__ = "patrol_point"
    shared_as = "patrol"
    __table_args__ = (Index("ix_patrol_point_patrol", "patrol_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patrol_id: Mapped[int] = mapped_column(ForeignKey("patrol.id", ondelete="CASCADE"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    segment: Mapped[int] = mapped_column(Integer, default=0)


class PatrolFinding(Base):
    """An event reported on patrol: what the patrol found (events per hour of patrol)."""

    __tablename__ = "patrol_finding"

    patrol_id: Mapped[int] = mapped_column(
        ForeignKey("patrol.id", ondelete="CASCADE"), primary_key=True
    )
    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
