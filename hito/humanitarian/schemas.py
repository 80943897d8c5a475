from __future__ import annotations

import datetime as dt
from typing import Literal, Self

from pydantic import BaseModel, Field, StrictBool, StrictInt, model_validator

from hito.fields import INPUT, MAX_ID, RecordId
from hito.humanitarian.models import (
    CaseStatus,
    ChildStatus,
    ConsentedPart,
    Illness,
    Need,
    NotScreenedReason,
    Priority,
    ShareWith,
)
from hito.text import Line, Text

AgeGroup = Literal["child", "adult", "elderly", "unknown"]
ELDERLY_FROM = 60


def age_group(age: int | None) -> AgeGroup:
    if age is None:
        return "unknown"
    return "child" if age < 18 else ("elderly" if age >= ELDERLY_FROM else "adult")


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
    not_screened_note: str
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
    person_id: int
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


class CaseDetail(CasePublic):
    encounters: list[int]
    consents: list[ConsentPublic]
    screenings: list[ScreeningPublic]
    history: list[PriorityChangePublic]


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
