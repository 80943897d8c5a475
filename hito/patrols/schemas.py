from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, Self

from pydantic import BaseModel, Field, model_validator

from hito.countries import CountryCode
from hito.events.sharing import WireLocation
from hito.fields import EARLIEST, INPUT, LATEST, Day, Timestamp
from hito.patrols.models import ImpactLevelName, PlanStatus, UnitKind
from hito.records import SharingLevel
from hito.text import Line


class RiskQuery(BaseModel):
    at: Timestamp | None = Field(None, description="The moment risk is computed for (now)")


SectorCode = Annotated[str, Field(min_length=2, max_length=32, pattern=r"^[A-Z0-9-]+$")]
UnitCode = Annotated[str, Field(min_length=2, max_length=32, pattern=r"^[A-Z0-9][A-Z0-9-]*$")]
AgencyCode = Annotated[
    str, Field(min_length=2, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9-]*$")
]


class Window(BaseModel):
    model_config = INPUT

    start: Timestamp
    end: Timestamp

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end <= self.start:
            raise ValueError("a window ends after it starts")
        return self


class UnitCreate(BaseModel):
    """A patrol unit of this node's country; `reach` gives the minutes from its base to each
    sector it can patrol, `available` the windows it can be given shifts in (none: always)."""

    model_config = INPUT

    code: UnitCode
    agency: AgencyCode = Field(description="Agency code, e.g. CL-PDI")
    kind: UnitKind
    crew: int = Field(ge=1, le=60, strict=True)
    base: WireLocation
    max_shift_hours: float = Field(12.0, gt=0, le=24, allow_inf_nan=False)
    min_rest_hours: float = Field(8.0, ge=8, le=72, allow_inf_nan=False)
    reach: dict[SectorCode, Annotated[int, Field(ge=0, le=720, strict=True)]] = Field(
        min_length=1, max_length=64
    )
    available: list[Window] = Field(default_factory=list, max_length=100)
    sharing_level: SharingLevel = SharingLevel.national


class UnitPublic(BaseModel):
    id: int
    uid: str
    code: str
    agency: str
    country: str
    kind: UnitKind
    crew: int
    base: WireLocation
    max_shift_hours: float
    min_rest_hours: float
    reach: dict[str, int]
    available: list[Window]
    origin_node: str
    version: int
    sharing_level: SharingLevel


MARGIN = dt.timedelta(days=60)  # a plan's 31 days and the 28 days of events before it


class PlanRequest(BaseModel):
    model_config = INPUT

    first_day: Day = Field(description="The plan starts at local midnight of this day")
    days: int = Field(7, ge=1, le=31, strict=True)
    shift_hours: Literal[4, 6, 8, 12, 24] = 8
    seed: int = Field(0, ge=0, le=2**31 - 1, strict=True)
    seconds: float = Field(10.0, ge=0.5, le=120, allow_inf_nan=False)

    @model_validator(mode="after")
    def _plausible(self) -> Self:
        # Every moment the plan reads stays where datetimes and databases work (`hito.fields`).
        first, last = EARLIEST.date() + MARGIN, LATEST.date() - MARGIN
        if not first <= self.first_day <= last:
            raise ValueError(f"first_day must be between {first} and {last}")
        return self


class AssignmentPublic(BaseModel):
    unit: str | None = Field(description="the unit; null on plans received from the other side")
    agency: str
    kind: UnitKind
    country: str
    sector: str
    start: dt.datetime
    end: dt.datetime
    impact: ImpactLevelName | None = Field(
        None,
        description="the sector's impact level in this shift when it was planned; null: "
        "planned before levels were kept",
    )


class CoveragePublic(BaseModel):
    sector: str
    country: str
    start: dt.datetime
    end: dt.datetime
    probability: float


class UncoveredPublic(BaseModel):
    sector: str
    country: str
    start: dt.datetime
    end: dt.datetime
    impact: str
    reason: str
    explanation: str


class PlanPublic(BaseModel):
    id: int
    uid: str
    country: str
    status: PlanStatus
    starts_at: dt.datetime
    days: int
    shift_hours: int
    seed: int
    solver_status: str
    objective: float
    bound: float
    gap: float
    assignments: list[AssignmentPublic]
    coverage: list[CoveragePublic]
    uncovered: list[UncoveredPublic]
    approved_at: dt.datetime | None


class PlanSummary(BaseModel):
    """A plan in a list: its window and status, not its assignments."""

    id: int
    uid: str
    country: str
    status: PlanStatus
    starts_at: dt.datetime
    days: int
    shift_hours: int
    objective: float
    assignments: int
    approved_at: dt.datetime | None


class PlanFilters(BaseModel):
    """Plans whose window holds `at` (any plan when empty), of one country or both."""

    model_config = INPUT

    at: Timestamp | None = None
    country: CountryCode | None = None
    status: PlanStatus | None = None
    limit: int = Field(50, ge=1, le=500)


class Withdrawal(BaseModel):
    model_config = INPUT

    reason: Line = Field(min_length=3, max_length=500, description="why the plan is withdrawn")


class ReplanRequest(BaseModel):
    """A high-impact event at `at` in `sector` (on this node's side unless `country` says
    otherwise): propose the smallest change to that shift that covers it; `apply` applies it
    (supervisors)."""

    model_config = INPUT

    sector: SectorCode
    country: CountryCode | None = None
    at: Timestamp
    seconds: float = Field(5.0, ge=0.5, le=60, allow_inf_nan=False)
    apply: bool = False


class ChangePublic(BaseModel):
    added: list[AssignmentPublic]
    removed: list[AssignmentPublic]
    covers: bool = Field(description="Whether the event's post is covered after the change")
    applied: bool
