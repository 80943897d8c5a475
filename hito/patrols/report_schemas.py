"""The plan-against-actual report, as SMART reports patrol effort."""

from __future__ import annotations

import datetime as dt
from typing import Self

from pydantic import BaseModel, Field, model_validator

from hito.fields import INPUT, Timestamp
from hito.patrols.models import UnitKind

MAX_DAYS = 31


class ReportQuery(BaseModel):
    model_config = INPUT

    start: Timestamp = Field(alias="from", description="from this time")
    end: Timestamp = Field(alias="to", description="until this time (at most 31 days later)")

    @model_validator(mode="after")
    def _window(self) -> Self:
        if self.end <= self.start:
            raise ValueError("'to' must be after 'from'")
        if self.end - self.start > dt.timedelta(days=MAX_DAYS):
            raise ValueError(f"a report covers at most {MAX_DAYS} days")
        return self


class ShiftOutcome(BaseModel):
    """A planned shift and whether a patrol of its unit (or, on the other side's plans, of its
    agency and kind) was on its sector during it."""

    country: str
    sector: str
    agency: str
    kind: UnitKind
    unit: str | None
    start: dt.datetime
    end: dt.datetime
    patrolled: bool
    patrol: int | None
    hours_on_sector: float


class AgencyEffort(BaseModel):
    agency: str
    country: str
    hours: float
    km: float


class SectorEffort(BaseModel):
    sector: str
    border_km: float = Field(description="length of the boundary line in the sector")
    border_covered_km: float = Field(description="of it, what a track came within reach of")
    border_share: float
    hours: float = Field(description="hours of patrol tracked inside the sector")
    km: float
    findings: int = Field(description="events reported on patrol in the sector")
    findings_per_hour: float | None
    agencies: list[AgencyEffort]


class PatrolReport(BaseModel):
    start: dt.datetime
    end: dt.datetime
    reach_km: float = Field(description="a track this near the line covers it")
    planned: int
    patrolled: int
    patrolled_share: float | None
    patrols: int
    hours: float
    km: float
    outside_sectors_hours: float
    shifts: list[ShiftOutcome]
    sectors: list[SectorEffort]
