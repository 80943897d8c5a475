from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hito.db import Base, UTCDateTime, utcnow
from hito.records import SharedRecord, str_enum


class ReviewStatus(enum.StrEnum):
    pending = "pending"
    match = "match"
    non_match = "non_match"


class LinkageModel(Base):
    """A trained linkage model, kept with a fingerprint of the records it was trained on."""

    __tablename__ = "linkage_model"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    node: Mapped[str] = mapped_column(String(2))
    record_count: Mapped[int] = mapped_column(Integer)
    # sha256 over the (id, version) of every person the model was trained on, and the ids
    training_fingerprint: Mapped[str] = mapped_column(String(64))
    training_ids: Mapped[str] = mapped_column(Text)
    model_json: Mapped[str] = mapped_column(Text)


class LinkReview(Base):
    """A pair of person encounters in the uncertain band, and a reviewer's decision on it."""

    __tablename__ = "link_review"
    __table_args__ = (
        UniqueConstraint("person_low_id", "person_high_id"),
        Index("ix_link_review_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_low_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    person_high_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    match_probability: Mapped[float] = mapped_column(Float)
    match_weight: Mapped[float] = mapped_column(Float)
    explanation: Mapped[str] = mapped_column(Text, default="[]")
    status: Mapped[ReviewStatus] = mapped_column(
        str_enum(ReviewStatus, "review_status"), default=ReviewStatus.pending
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str] = mapped_column(String(1000), default="")


class PersonIdentity(Base):
    """Which person identity (cluster of encounters) an encounter belongs to, by the last run."""

    __tablename__ = "person_identity"
    __table_args__ = (Index("ix_person_identity_identity", "identity_id"),)

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    identity_id: Mapped[int] = mapped_column(Integer)
    model_id: Mapped[int | None] = mapped_column(ForeignKey("linkage_model.id"))


class AlertKind(enum.StrEnum):
    wanted_person = "wanted_person"
    stolen_document = "stolen_document"
    lost_document = "lost_document"


class AlertEntry(SharedRecord, Base):
    """One entry of an alert list a country loaded or shared."""

    __tablename__ = "alert_entry"
    __table_args__ = (
        Index("ix_alert_entry_document", "document_number"),
        Index("ix_alert_entry_list", "list_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    list_name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[AlertKind] = mapped_column(str_enum(AlertKind, "alert_kind"))
    reference: Mapped[str] = mapped_column(String(100), default="")
    given_names: Mapped[str | None] = mapped_column(String(200))
    surnames: Mapped[str | None] = mapped_column(String(200))
    birth_date: Mapped[str | None] = mapped_column(String(10))  # YYYY-MM-DD, YYYY-MM or YYYY
    sex: Mapped[str | None] = mapped_column(String(1))
    nationality: Mapped[str | None] = mapped_column(String(2))
    document_type: Mapped[str | None] = mapped_column(String(32))
    document_number: Mapped[str | None] = mapped_column(String(64))  # normalised
    reporting_agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))


class ScreeningVerdict(enum.StrEnum):
    true_hit = "true_hit"
    false_positive = "false_positive"


class ScreeningDecision(Base):
    """A screener's verdict on one candidate, remembered for the same subject and entry."""

    __tablename__ = "screening_decision"
    __table_args__ = (UniqueConstraint("subject_key", "alert_entry_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # sha256 of the subject's normalised names, birth date and documents: not the data itself
    subject_key: Mapped[str] = mapped_column(String(64))
    alert_entry_id: Mapped[int] = mapped_column(ForeignKey("alert_entry.id", ondelete="CASCADE"))
    verdict: Mapped[ScreeningVerdict] = mapped_column(str_enum(ScreeningVerdict, "verdict"))
    decided_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str] = mapped_column(String(1000), default="")


class IdentityChange(Base):
    """A merge or split of identities made by a linkage run, with its evidence: identity ids
    stay stable across runs, and what changes them is on record."""

    __tablename__ = "identity_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int | None] = mapped_column(ForeignKey("linkage_model.id"))
    kind: Mapped[str] = mapped_column(String(8))  # merge, split
    identity_id: Mapped[int] = mapped_column(Integer, index=True)  # the id kept
    others: Mapped[str] = mapped_column(Text)  # merge: ids absorbed; split: ids of the other parts
    members: Mapped[str] = mapped_column(Text)  # the encounters concerned, space-separated
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
