from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hito.db import Base, UTCDateTime
from hito.identity.documents.types import DocumentType
from hito.records import SharedRecord, str_enum


class Sex(enum.StrEnum):
    female = "female"
    male = "male"
    other = "other"
    unknown = "unknown"


class DatePrecision(enum.StrEnum):
    exact = "exact"
    month = "month"  # year and month known
    year = "year"
    estimated = "estimated"  # an officer's estimate of the year


class GroupKind(enum.StrEnum):
    family = "family"
    travel_group = "travel_group"


class Relationship(enum.StrEnum):
    head = "head"
    spouse = "spouse"
    child = "child"
    parent = "parent"
    sibling = "sibling"
    grandparent = "grandparent"
    other_relative = "other_relative"
    companion = "companion"


class Vulnerability(enum.StrEnum):
    elderly = "elderly"
    pregnant = "pregnant"
    unaccompanied_minor = "unaccompanied_minor"
    accompanied_minor = "accompanied_minor"
    serious_illness = "serious_illness"
    disability = "disability"


class DocumentCheckStatus(enum.StrEnum):
    valid = "valid"
    invalid = "invalid"  # stored as given and flagged, never silently "fixed"
    unchecked = "unchecked"  # a type with nothing to check


class PersonGroup(SharedRecord, Base):
    """A family or travel group; members are kept together in every plan."""

    __tablename__ = "person_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[GroupKind] = mapped_column(str_enum(GroupKind, "group_kind"))
    label: Mapped[str] = mapped_column(String(200), default="")
    reporting_agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))


class Person(SharedRecord, Base):
    """One encounter with a person, as recorded by one agency (linkage comes later)."""

    __tablename__ = "person"
    __table_args__ = (Index("ix_person_event", "event_id"), Index("ix_person_group", "group_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    given_names: Mapped[str] = mapped_column(String(200))
    surname_1: Mapped[str | None] = mapped_column(String(100))
    surname_2: Mapped[str | None] = mapped_column(String(100))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    birth_date_precision: Mapped[DatePrecision | None] = mapped_column(
        str_enum(DatePrecision, "date_precision")
    )
    sex: Mapped[Sex] = mapped_column(str_enum(Sex, "sex"))
    nationality: Mapped[str | None] = mapped_column(String(2))
    encountered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="SET NULL"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("person_group.id", ondelete="SET NULL"))
    relationship_to_group: Mapped[Relationship | None] = mapped_column(
        str_enum(Relationship, "relationship")
    )
    reporting_agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Health and protection: shown only to caseworkers and humanitarian agencies.
    vulnerabilities: Mapped[str] = mapped_column(String(200), default="")
    protection_notes: Mapped[str] = mapped_column(Text, default="")

    documents: Mapped[list[IdentityDocument]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="IdentityDocument.id"
    )
    keys: Mapped[list[PersonKey]] = relationship(cascade="all, delete-orphan", lazy="select")


class PersonKey(Base):
    """Normalised keys of a person (phonetic surnames, first name with birth year, document
    numbers) through which possible matches are found without scanning every encounter."""

    __tablename__ = "person_key"
    __table_args__ = (Index("ix_person_key_key", "key"),)

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(80), primary_key=True)


class IdentityDocument(Base):
    __tablename__ = "identity_document"
    __table_args__ = (
        Index("ix_identity_document_number", "number"),
        Index("ix_identity_document_normalized", "normalized"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    type: Mapped[DocumentType] = mapped_column(str_enum(DocumentType, "document_type"))
    number: Mapped[str] = mapped_column(String(100))  # as given; an MRZ is up to 90 characters
    issuing_country: Mapped[str | None] = mapped_column(String(2))
    normalized: Mapped[str | None] = mapped_column(String(64))
    check_status: Mapped[DocumentCheckStatus] = mapped_column(
        str_enum(DocumentCheckStatus, "document_check_status"),
        default=DocumentCheckStatus.unchecked,
        server_default=DocumentCheckStatus.unchecked.value,
    )
    check_reason: Mapped[str | None] = mapped_column(String(300))
