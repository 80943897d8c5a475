"""Requests for information between the two countries, and their answers."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hito.db import Base, UTCDateTime
from hito.records import SharedRecord, str_enum


class SubjectKind(enum.StrEnum):
    person = "person"
    document = "document"
    vehicle = "vehicle"


class AnswerKind(enum.StrEnum):
    answered = "answered"
    declined = "declined"


class InformationRequest(SharedRecord, Base):
    """An officer's question to the other country, owned by the asking node."""

    __tablename__ = "information_request"
    __table_args__ = (Index("ix_information_request_target", "target_node", "deadline"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_node: Mapped[str] = mapped_column(String(2))
    subject_kind: Mapped[SubjectKind] = mapped_column(str_enum(SubjectKind, "subject_kind"))
    subject: Mapped[str] = mapped_column(Text)  # JSON: only what the question needs
    reason: Mapped[str] = mapped_column(Text)
    deadline: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    requesting_agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class InformationAnswer(SharedRecord, Base):
    """The other side's answer (with the records it lets go) or its refusal, owned by the
    answering node; at most one per request."""

    __tablename__ = "information_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_uid: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[AnswerKind] = mapped_column(str_enum(AnswerKind, "answer_kind"))
    text: Mapped[str] = mapped_column(Text)
    records: Mapped[str] = mapped_column(Text, default="[]")  # JSON [{"type", "uid"}]
    answering_agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
