"""DTM-style flow monitoring as stored: the points where people are counted, and each count
with its breakdown and its survey tallies (aggregates only: no person is in them)."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hito.db import Base, UTCDateTime
from hito.records import Scoped, SharedRecord, str_enum


class PointKind(enum.StrEnum):
    stranded_area = "stranded_area"
    bus_terminal = "bus_terminal"
    shelter = "shelter"
    crossing = "crossing"


class CountKind(enum.StrEnum):
    present = "present"  # people at the point when counted
    arrived = "arrived"  # people who arrived during the period
    departed = "departed"


class Question(enum.StrEnum):
    origin = "origin"  # country of departure (ISO alpha-2)
    destination = "destination"  # country they intend to reach
    need = "need"  # the most pressing need, one of the humanitarian plan's


class FlowPoint(SharedRecord, Base):
    __tablename__ = "flow_point"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[PointKind] = mapped_column(str_enum(PointKind, "flow_point_kind"))
    country: Mapped[str] = mapped_column(String(2))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)


class FlowCount(SharedRecord, Base):
    """One count at a point: who was there (or came, or left) in a period, and the answers of
    those surveyed, as tallies."""

    __tablename__ = "flow_count"
    __table_args__ = (Index("ix_flow_count_point_period", "point_id", "period_end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("flow_point.id", ondelete="CASCADE"))
    kind: Mapped[CountKind] = mapped_column(str_enum(CountKind, "flow_count_kind"))
    period_start: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    period_end: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    total: Mapped[int] = mapped_column(Integer)
    surveyed: Mapped[int] = mapped_column(Integer, default=0)


class FlowCell(Scoped, Base):
    """People of one sex, age group and nationality in a count (scoped like their count)."""

    __tablename__ = "flow_cell"
    shared_as = "flow_count"
    __table_args__ = (UniqueConstraint("count_id", "sex", "age_group", "nationality"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    count_id: Mapped[int] = mapped_column(ForeignKey("flow_count.id", ondelete="CASCADE"))
    sex: Mapped[str] = mapped_column(String(1))  # f, m, x (not recorded)
    age_group: Mapped[str] = mapped_column(String(16))  # children, adults, elderly
    nationality: Mapped[str] = mapped_column(String(2))
    people: Mapped[int] = mapped_column(Integer)


class FlowAnswer(Scoped, Base):
    """How many of those surveyed gave one answer to one question."""

    __tablename__ = "flow_answer"
    shared_as = "flow_count"
    __table_args__ = (UniqueConstraint("count_id", "question", "answer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    count_id: Mapped[int] = mapped_column(ForeignKey("flow_count.id", ondelete="CASCADE"))
    question: Mapped[Question] = mapped_column(str_enum(Question, "flow_question"))
    answer: Mapped[str] = mapped_column(String(32))
    people: Mapped[int] = mapped_column(Integer)
