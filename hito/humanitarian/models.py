"""The humanitarian plan's tables: cases, consent, screenings and their protected details,
priority rule sets and the history of every priority decided.

A case gathers the encounters of one person (the identity linkage may add encounters to it;
a case is never tied to an identity id that a later linkage run could renumber). Health and
protection details live in ``screening_detail``, a :class:`~hito.records.ProtectedDetail`: the
session returns its rows only to caseworkers and humanitarian agencies and audits every read.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Boolean, ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hito.db import Base, UTCDateTime, utcnow
from hito.records import ProtectedDetail, SharedRecord, str_enum


class Priority(enum.StrEnum):
    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"

    @property
    def rank(self) -> int:
        """0 for critical … 3 for low: the queue sorts on it."""
        return list(Priority).index(self)


class Need(enum.StrEnum):
    """The kind of need, which every role may see (never the diagnosis)."""

    medical = "medical"
    maternal = "maternal"
    child_protection = "child_protection"
    protection = "protection"
    disability = "disability"
    elderly_care = "elderly_care"
    family_support = "family_support"


class CaseStatus(enum.StrEnum):
    open = "open"
    closed = "closed"


class ChildStatus(enum.StrEnum):
    accompanied = "accompanied"
    separated = "separated"  # from the usual caregiver, with another adult
    unaccompanied = "unaccompanied"


class Illness(enum.StrEnum):
    cancer = "cancer"
    chronic = "chronic"
    other_serious = "other_serious"


class ShareWith(enum.StrEnum):
    """Whom the person agreed their screening may be shared with, beyond the screening team."""

    humanitarian_partners = "humanitarian_partners"  # IOM, UNHCR, Red Cross on this side
    service_providers = "service_providers"  # the service a referral sends them to
    other_side = "other_side"  # caseworkers and services across the border


class ConsentedPart(enum.StrEnum):
    """Parts of the case a referral may carry, if the person agreed."""

    identity = "identity"  # names, birth date, nationality, documents
    health = "health"  # pregnancy, illness, disability
    protection = "protection"  # child status, violence, trafficking, threats
    family = "family"  # group and relatives


class NotScreenedReason(enum.StrEnum):
    consent_refused = "consent_refused"
    left_before_screening = "left_before_screening"
    no_interpreter = "no_interpreter"
    medical_emergency = "medical_emergency"
    other = "other"


class HumanitarianCase(SharedRecord, Base):
    """One person's case: priority with its reasons, needs, where they are, since when."""

    __tablename__ = "humanitarian_case"
    __table_args__ = (
        # The queue's order, alone or after the filters that narrow it to few cases.
        Index("ix_case_queue", "status", "priority_rank", "opened_at", "id"),
        Index("ix_case_group_queue", "group_id", "status", "priority_rank", "opened_at", "id"),
        Index("ix_case_sector_queue", "sector_id", "status", "priority_rank", "opened_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[CaseStatus] = mapped_column(
        str_enum(CaseStatus, "case_status"), default=CaseStatus.open
    )
    # The latest encounter: its local id where it is held here, its global id always (a case
    # received from the other side may be about an encounter this node does not hold).
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    person_uid: Mapped[str] = mapped_column(String(36), default="")
    group_id: Mapped[int | None] = mapped_column(ForeignKey("person_group.id", ondelete="SET NULL"))
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("sector.id"))
    priority: Mapped[Priority] = mapped_column(str_enum(Priority, "priority"))
    priority_rank: Mapped[int] = mapped_column(SmallInteger)
    rule_set_version: Mapped[int | None] = mapped_column(Integer)
    vulnerable: Mapped[bool] = mapped_column(Boolean, default=False)
    latest_screening_id: Mapped[int | None] = mapped_column(Integer)
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closure_reason: Mapped[str | None] = mapped_column(String(500))
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    needs: Mapped[list[CaseNeed]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="CaseNeed.need"
    )
    explanation: Mapped[CaseReasons | None] = relationship(
        cascade="all, delete-orphan", lazy="selectin", uselist=False
    )


class CaseReasons(ProtectedDetail, Base):
    """Why the case has its priority: the reasons name the condition, so they are details."""

    __tablename__ = "case_reasons"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("humanitarian_case.id", ondelete="CASCADE"), primary_key=True
    )
    reasons: Mapped[str] = mapped_column(Text, default="[]")  # JSON: code, priority, es, en


class CaseNeed(Base):
    __tablename__ = "case_need"
    __table_args__ = (Index("ix_case_need_need", "need", "case_id"),)

    case_id: Mapped[int] = mapped_column(
        ForeignKey("humanitarian_case.id", ondelete="CASCADE"), primary_key=True
    )
    need: Mapped[Need] = mapped_column(str_enum(Need, "need"), primary_key=True)


class CaseEncounter(Base):
    """Encounters of the person the case is about: one case per encounter, at most."""

    __tablename__ = "case_encounter"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    case_id: Mapped[int] = mapped_column(
        ForeignKey("humanitarian_case.id", ondelete="CASCADE"), index=True
    )
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    added_because: Mapped[str] = mapped_column(String(200))  # "screening", "linkage model 3"


class Consent(SharedRecord, Base):
    """What was explained to the person and what they agreed to; recorded before screening."""

    __tablename__ = "consent"
    __table_args__ = (Index("ix_consent_case", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("humanitarian_case.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    given: Mapped[bool] = mapped_column(Boolean)
    explained: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))
    share_with: Mapped[str] = mapped_column(String(200), default="")  # ShareWith values
    parts: Mapped[str] = mapped_column(String(200), default="")  # ConsentedPart values
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Screening(SharedRecord, Base):
    """A vulnerability screening of one encounter, or the reason it was not done."""

    __tablename__ = "screening"
    __table_args__ = (
        Index("ix_screening_case", "case_id"),
        Index("ix_screening_person", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("humanitarian_case.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("consent.id"))
    screened: Mapped[bool] = mapped_column(Boolean)
    not_screened_reason: Mapped[NotScreenedReason | None] = mapped_column(
        str_enum(NotScreenedReason, "not_screened_reason")
    )
    # Age is not a detail: every role sees the age group.
    age_years: Mapped[int | None] = mapped_column(SmallInteger)
    age_uncertainty_years: Mapped[int | None] = mapped_column(SmallInteger)  # 0: from birth date
    screened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # "screening", or "encounter_record": words an officer noted on the encounter before
    # screenings existed (migration 0004), without a recorded consent.
    source: Mapped[str] = mapped_column(String(40), default="screening")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    detail: Mapped[ScreeningDetail | None] = relationship(
        cascade="all, delete-orphan", lazy="selectin", uselist=False
    )


class ScreeningDetail(ProtectedDetail, Base):
    """Health and protection details of a screening: caseworkers and humanitarian agencies only."""

    __tablename__ = "screening_detail"

    screening_id: Mapped[int] = mapped_column(
        ForeignKey("screening.id", ondelete="CASCADE"), primary_key=True
    )
    pregnant: Mapped[bool] = mapped_column(Boolean, default=False)
    pregnancy_months: Mapped[int | None] = mapped_column(SmallInteger)
    pregnancy_high_risk: Mapped[bool] = mapped_column(Boolean, default=False)
    child_status: Mapped[ChildStatus | None] = mapped_column(str_enum(ChildStatus, "child_status"))
    illness: Mapped[Illness | None] = mapped_column(str_enum(Illness, "illness"))
    treatment_interrupted: Mapped[bool] = mapped_column(Boolean, default=False)
    disability: Mapped[bool] = mapped_column(Boolean, default=False)
    elderly_without_support: Mapped[bool] = mapped_column(Boolean, default=False)
    single_caregiver: Mapped[bool] = mapped_column(Boolean, default=False)
    violence: Mapped[bool] = mapped_column(Boolean, default=False)
    trafficking: Mapped[bool] = mapped_column(Boolean, default=False)
    threats: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")


class PriorityRuleSet(Base):
    """One version of the priority rules, as loaded (canonical JSON) and who loaded it."""

    __tablename__ = "priority_rule_set"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(String(300))
    document: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    loaded_by: Mapped[str] = mapped_column(String(100))
    loaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class PriorityChange(ProtectedDetail, Base):
    """Every priority a case was given, why, and by which rule version: the case's history."""

    __tablename__ = "priority_change"
    __table_args__ = (Index("ix_priority_change_case", "case_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("humanitarian_case.id", ondelete="CASCADE"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    priority: Mapped[Priority] = mapped_column(str_enum(Priority, "priority"))
    previous: Mapped[Priority | None] = mapped_column(str_enum(Priority, "previous_priority"))
    reasons: Mapped[str] = mapped_column(Text)
    rule_set_version: Mapped[int | None] = mapped_column(Integer)
    cause: Mapped[str] = mapped_column(String(40))  # screening, rules, migration


class MovementKind(enum.StrEnum):
    transfer = "transfer"
    referral = "referral"
    detention = "detention"
    removal = "removal"
    relocation = "relocation"


class MovementState(enum.StrEnum):
    planned = "planned"
    carried_out = "carried_out"
    cancelled = "cancelled"


class PlannedMovement(SharedRecord, Base):
    """A transfer, referral, detention, removal or relocation of people, before it happens."""

    __tablename__ = "planned_movement"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MovementKind] = mapped_column(str_enum(MovementKind, "movement_kind"))
    state: Mapped[MovementState] = mapped_column(
        str_enum(MovementState, "movement_state"), default=MovementState.planned
    )
    destination: Mapped[str] = mapped_column(String(300))
    planned_for: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    person_ids: Mapped[str] = mapped_column(Text)  # the encounters who move, space-separated
    planned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class AlertState(enum.StrEnum):
    open = "open"
    resolved = "resolved"


class SeparationOutcome(enum.StrEnum):
    kept_together = "kept_together"  # the plan was changed to move the whole group
    separation_justified = "separation_justified"  # e.g. a medical evacuation, family informed
    movement_cancelled = "movement_cancelled"


class SeparationAlert(SharedRecord, Base):
    """A planned movement that would split a family or travel group: raised before it happens,
    visible until resolved with a reason; the movement cannot be carried out while it is open."""

    __tablename__ = "separation_alert"
    __table_args__ = (Index("ix_separation_alert_state", "state", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Local ids where the records are held here; global ids always (an alert received from the
    # other side may name a group or encounters this node does not hold).
    group_id: Mapped[int | None] = mapped_column(ForeignKey("person_group.id", ondelete="SET NULL"))
    group_uid: Mapped[str] = mapped_column(String(36))
    movement_id: Mapped[int | None] = mapped_column(
        ForeignKey("planned_movement.id", ondelete="CASCADE")
    )
    state: Mapped[AlertState] = mapped_column(
        str_enum(AlertState, "separation_alert_state"), default=AlertState.open
    )
    moving: Mapped[str] = mapped_column(Text)  # encounter ids, space-separated
    staying: Mapped[str] = mapped_column(Text)
    moving_uids: Mapped[str] = mapped_column(Text, default="")  # their global ids, likewise
    staying_uids: Mapped[str] = mapped_column(Text, default="")
    children_separated: Mapped[bool] = mapped_column(Boolean, default=False)
    raised_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    outcome: Mapped[SeparationOutcome | None] = mapped_column(
        str_enum(SeparationOutcome, "separation_outcome")
    )
    resolution: Mapped[str | None] = mapped_column(String(1000))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[str | None] = mapped_column(String(100))


class ServiceKind(enum.StrEnum):
    shelter = "shelter"
    health = "health"
    child_protection = "child_protection"
    legal_aid = "legal_aid"
    consular = "consular"
    psychosocial = "psychosocial"


class BedCategory(enum.StrEnum):
    men = "men"
    women = "women"
    families = "families"
    unaccompanied_children = "unaccompanied_children"


class ServiceProfile(Base):
    """What a shelter or service point offers, when, in which languages (one per facility)."""

    __tablename__ = "service_profile"

    facility_id: Mapped[int] = mapped_column(
        ForeignKey("facility.id", ondelete="CASCADE"), primary_key=True
    )
    offers: Mapped[str] = mapped_column(String(300))  # ServiceKind values, space-separated
    hours: Mapped[str] = mapped_column(String(200), default="")
    languages: Mapped[str] = mapped_column(String(100), default="es")


class BedCount(Base):
    """A shelter's beds of one category as counted at a moment: the board shows the latest,
    the history keeps them all."""

    __tablename__ = "bed_count"
    __table_args__ = (Index("ix_bed_count_latest", "facility_id", "category", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facility.id", ondelete="CASCADE"))
    category: Mapped[BedCategory] = mapped_column(str_enum(BedCategory, "bed_category"))
    capacity: Mapped[int] = mapped_column(Integer)
    occupied: Mapped[int] = mapped_column(Integer)
    counted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    counted_by: Mapped[str] = mapped_column(String(100))


class ReferralState(enum.StrEnum):
    pending = "pending"
    accepted = "accepted"
    declined = "declined"
    completed = "completed"
    expired = "expired"


class Referral(SharedRecord, Base):
    """A case referred to a service, on either side of the border. ``shared`` holds what the
    receiving organisation sees: only the parts of the case the person consented to."""

    __tablename__ = "referral"
    __table_args__ = (Index("ix_referral_state_deadline", "state", "deadline"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The referring case: its local id on the referring node; its global id everywhere (a
    # referral received from the other side has no case here).
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("humanitarian_case.id", ondelete="CASCADE")
    )
    case_uid: Mapped[str] = mapped_column(String(36))
    facility_id: Mapped[int] = mapped_column(ForeignKey("facility.id"))
    across: Mapped[bool] = mapped_column(Boolean, default=False)  # to the other side's service
    service: Mapped[ServiceKind] = mapped_column(str_enum(ServiceKind, "service_kind"))
    state: Mapped[ReferralState] = mapped_column(
        str_enum(ReferralState, "referral_state"), default=ReferralState.pending
    )
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("consent.id"))
    deadline: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    referred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    referred_by: Mapped[str] = mapped_column(String(100))
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    escalated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    bed_category: Mapped[BedCategory | None] = mapped_column(str_enum(BedCategory, "bed_category"))
    bed_held_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    bed_released_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    content: Mapped[ReferralContent | None] = relationship(
        cascade="all, delete-orphan", lazy="selectin", uselist=False
    )


class ReferralContent(ProtectedDetail, Base):
    """What the receiving organisation sees of the case: the parts the person consented to."""

    __tablename__ = "referral_content"

    referral_id: Mapped[int] = mapped_column(
        ForeignKey("referral.id", ondelete="CASCADE"), primary_key=True
    )
    shared: Mapped[str] = mapped_column(Text)  # JSON
    note: Mapped[str] = mapped_column(String(1000), default="")  # the referrer's, may be sensitive
    answer_reason: Mapped[str | None] = mapped_column(String(1000))  # the service's, likewise


class ReferralAnswer(SharedRecord, Base):
    """The receiving side's answer to a referral from across the border: the referral is its
    origin's record, so the answer travels back and the origin applies it."""

    __tablename__ = "referral_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_uid: Mapped[str] = mapped_column(String(36), index=True)
    action: Mapped[str] = mapped_column(String(16))  # accept, decline, complete
    reason: Mapped[str] = mapped_column(String(1000), default="")
    answered_by: Mapped[str] = mapped_column(String(100))
    answered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
