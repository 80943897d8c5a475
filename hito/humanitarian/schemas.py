from __future__ import annotations

import datetime as dt
from typing import Any, Literal, Self

from pydantic import BaseModel, Field, StrictBool, StrictInt, model_validator

from hito.fields import INPUT, MAX_ID, RecordId, Timestamp
from hito.humanitarian.models import (
    AlertState,
    BedCategory,
    CaseStatus,
    ChildStatus,
    ConsentedPart,
    Illness,
    MovementKind,
    MovementState,
    Need,
    NotScreenedReason,
    Priority,
    ReferralState,
    SeparationOutcome,
    ServiceKind,
    ShareWith,
)
from hito.text import Line, Text

AgeGroup = Literal["child", "adult", "elderly", "unknown"]
ADULT_FROM = 18
ELDERLY_FROM = 60


def age_on(born: dt.date, at: dt.date | dt.datetime) -> int:
    """Whole years from a birth date to a day."""
    return at.year - born.year - ((at.month, at.day) < (born.month, born.day))


def age_group(age: int | None) -> AgeGroup:
    if age is None:
        return "unknown"
    return "child" if age < ADULT_FROM else ("elderly" if age >= ELDERLY_FROM else "adult")


class ConsentCreate(BaseModel):
    """Recorded before any screening: what was explained and what the person agreed to."""

    model_config = INPUT

    given: StrictBool = Field(description="The person agreed to be screened")
    explained: Text = Field(
        min_length=10, max_length=2000, description="What was explained, in the person's words"
    )
    language: Line = Field(min_length=2, max_length=8, pattern=r"^[a-z]{2,3}(-[A-Za-z]{2})?$")
    share_with: list[ShareWith] = Field(default_factory=list, max_length=len(ShareWith))
    parts: list[ConsentedPart] = Field(default_factory=list, max_length=len(ConsentedPart))

    @model_validator(mode="after")
    def _refusal_shares_nothing(self) -> Self:
        if not self.given and (self.share_with or self.parts):
            raise ValueError("a refusal shares nothing: leave share_with and parts empty")
        return self


class ConsentPublic(BaseModel):
    id: int
    uid: str
    case_id: int
    person_id: int
    given: bool
    explained: str
    language: str
    share_with: list[ShareWith]
    parts: list[ConsentedPart]
    recorded_at: dt.datetime


class ScreeningDetails(BaseModel):
    """Health and protection details: caseworkers and humanitarian agencies only."""

    model_config = INPUT

    pregnant: StrictBool = False
    pregnancy_months: StrictInt | None = Field(None, ge=1, le=10)
    pregnancy_high_risk: StrictBool = False
    child_status: ChildStatus | None = None
    illness: Illness | None = None
    treatment_interrupted: StrictBool = False
    disability: StrictBool = False
    elderly_without_support: StrictBool = False
    single_caregiver: StrictBool = False
    violence: StrictBool = False
    trafficking: StrictBool = False
    threats: StrictBool = False
    notes: Text = Field("", max_length=4000)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if not self.pregnant and (self.pregnancy_months or self.pregnancy_high_risk):
            raise ValueError("pregnancy_months and pregnancy_high_risk need pregnant: true")
        if self.treatment_interrupted and self.illness is None:
            raise ValueError("treatment_interrupted needs the illness")
        return self


class ScreeningCreate(BaseModel):
    model_config = INPUT

    consent_id: RecordId = Field(description="The consent recorded for this screening")
    screened: StrictBool = True
    not_screened_reason: NotScreenedReason | None = None
    not_screened_note: Line = Field("", max_length=500)
    age_estimate: StrictInt | None = Field(
        None, ge=0, le=120, description="When the birth date is not known: an estimate in years"
    )
    age_uncertainty: StrictInt | None = Field(
        None, ge=0, le=30, description="± years of the estimate"
    )
    details: ScreeningDetails | None = None

    @model_validator(mode="after")
    def _screened_or_why_not(self) -> Self:
        if self.screened:
            if self.not_screened_reason is not None:
                raise ValueError("a screening done has no not_screened_reason")
            if self.details is None:
                raise ValueError("a screening done needs its details (all may be false)")
        else:
            if self.not_screened_reason is None:
                raise ValueError("not screened: say why (not_screened_reason)")
            if self.details is not None:
                raise ValueError("not screened: leave details out")
        if self.age_uncertainty is not None and self.age_estimate is None:
            raise ValueError("age_uncertainty belongs to an age_estimate")
        return self


class NotScreened(BaseModel):
    """Mark a person of a group as not screened, with the reason."""

    model_config = INPUT

    reason: NotScreenedReason
    note: Line = Field("", max_length=500)


class Reason(BaseModel):
    code: str
    priority: Priority
    es: str
    en: str


class ScreeningPublic(BaseModel):
    id: int
    uid: str
    case_id: int
    person_id: int
    consent_id: int | None
    screened: bool
    not_screened_reason: NotScreenedReason | None
    age_years: int | None
    age_uncertainty_years: int | None
    age_group: AgeGroup
    screened_at: dt.datetime
    details_hidden: bool = Field(description="True when your role may not read the details")
    details: ScreeningDetails | None


class CasePublic(BaseModel):
    id: int
    uid: str
    origin_node: str
    status: CaseStatus
    person_id: int | None = Field(description="None when this node does not hold the encounter")
    person_uid: str
    group_id: int | None
    sector: str | None
    priority: Priority
    needs: list[Need]
    vulnerable: bool
    rule_set_version: int | None
    opened_at: dt.datetime
    waiting_hours: float
    closed_at: dt.datetime | None
    closure_reason: str | None
    reasons_hidden: bool = Field(description="True when your role may not read the reasons")
    reasons: list[Reason]


class PriorityChangePublic(BaseModel):
    at: dt.datetime
    priority: Priority
    previous: Priority | None
    reasons: list[Reason]
    rule_set_version: int | None
    cause: str


class GroupMember(BaseModel):
    """A member of the case's family or travel group, and where they are."""

    person_id: int
    relationship: str | None
    seen_at: dt.datetime
    sector: str | None = Field(description="Where they were last recorded")
    case_id: int | None
    priority: Priority | None
    movement: str | None = Field(description="Their latest planned movement: kind, state, where")


class CaseDetail(CasePublic):
    encounters: list[int]
    consents: list[ConsentPublic]
    screenings: list[ScreeningPublic]
    history: list[PriorityChangePublic]
    group_members: list[GroupMember] = Field(description="Those you may see")


class QueueFilters(BaseModel):
    model_config = INPUT

    priority: Priority | None = None
    need: Need | None = None
    sector: Line | None = Field(None, max_length=32, description="Sector code")
    group_id: int | None = Field(None, ge=1, le=MAX_ID)
    side: Literal["CL", "PE"] | None = Field(None, description="The node the case comes from")
    status: CaseStatus = CaseStatus.open
    limit: int = Field(50, ge=1, le=500)
    cursor: Line | None = Field(None, max_length=64)


class CasePage(BaseModel):
    items: list[CasePublic]
    next_cursor: str | None


class RuleChange(BaseModel):
    case_id: int
    previous: Priority
    priority: Priority


class RuleSetReport(BaseModel):
    version: int
    sha256: str
    loaded: bool = Field(description="False for a dry run or a version already loaded")
    open_cases: int
    changes: list[RuleChange]
    changed: int
    seconds: float


class MovementCreate(BaseModel):
    """A planned transfer, referral, detention, removal or relocation, before it is done."""

    model_config = INPUT

    kind: MovementKind
    destination: Line = Field(min_length=2, max_length=300)
    planned_for: Timestamp
    person_ids: list[RecordId] = Field(min_length=1, max_length=50)

    @model_validator(mode="after")
    def _distinct(self) -> Self:
        if len(set(self.person_ids)) != len(self.person_ids):
            raise ValueError("person_ids names someone twice")
        return self


class SeparationAlertPublic(BaseModel):
    id: int
    uid: str
    origin_node: str = Field(description="The node that raised it (the other side's, if received)")
    group_id: int | None = Field(description="None when this node does not hold the group")
    group_uid: str
    movement_id: int | None
    state: AlertState
    moving: list[int]
    staying: list[int]
    children_separated: bool
    raised_at: dt.datetime
    outcome: SeparationOutcome | None
    resolution: str | None
    resolved_at: dt.datetime | None
    resolved_by: str | None


class MovementPublic(BaseModel):
    id: int
    uid: str
    kind: MovementKind
    state: MovementState
    destination: str
    planned_for: dt.datetime
    person_ids: list[int]
    separation_alerts: list[SeparationAlertPublic]


class AlertResolution(BaseModel):
    model_config = INPUT

    outcome: SeparationOutcome
    reason: Text = Field(min_length=5, max_length=1000)


class ReferralCreate(BaseModel):
    model_config = INPUT

    facility_id: RecordId = Field(description="The shelter or service point, on either side")
    service: ServiceKind
    note: Text = Field("", max_length=1000, description="For the receiving organisation")
    bed_category: BedCategory | None = Field(None, description="Hold a bed of this category")


class ReferralAnswer(BaseModel):
    model_config = INPUT

    reason: Text = Field("", max_length=1000)


class ReferralPublic(BaseModel):
    id: int
    uid: str
    origin_node: str
    case_id: int | None = Field(description="None for a referral received from the other side")
    case_uid: str
    facility_id: int
    service: ServiceKind
    state: ReferralState
    note: str | None
    deadline: dt.datetime
    overdue: bool
    referred_at: dt.datetime
    referred_by: str
    answered_at: dt.datetime | None
    answer_reason: str | None
    escalated_at: dt.datetime | None
    bed_category: BedCategory | None
    bed_held_until: dt.datetime | None
    bed_released_at: dt.datetime | None
    shared_hidden: bool = Field(description="True when your role may not read what was shared")
    shared: dict[str, Any] | None = Field(description="Only the parts the person consented to")


class BedUpdate(BaseModel):
    model_config = INPUT

    category: BedCategory
    capacity: StrictInt = Field(ge=0, le=10_000)
    occupied: StrictInt = Field(ge=0, le=10_000)

    @model_validator(mode="after")
    def _fits(self) -> Self:
        if self.occupied > self.capacity:
            raise ValueError("occupied cannot exceed capacity")
        return self


class BedsPublic(BaseModel):
    category: BedCategory
    capacity: int
    occupied: int
    held: int = Field(description="Beds held for pending or accepted referrals")
    free: int = Field(description="Camas libres esta noche: capacity − occupied − held")
    counted_at: dt.datetime


class ShelterPublic(BaseModel):
    facility_id: int
    name: str
    country: str
    offers: list[ServiceKind]
    hours: str
    languages: list[str]
    beds: list[BedsPublic]
    free: int


class ServicePointPublic(BaseModel):
    facility_id: int
    name: str
    kind: str
    country: str
    offers: list[ServiceKind]
    hours: str
    languages: list[str]


class BedCountPublic(BaseModel):
    category: BedCategory
    capacity: int
    occupied: int
    counted_at: dt.datetime
    counted_by: str


class TraceCandidate(BaseModel):
    member_id: int = Field(description="The member of the group this may be")
    person_id: int = Field(description="An encounter outside the group, on either side")
    origin_node: str
    match_probability: float
