"""What the API takes and gives for patrol logs: a patrol's start, its track, its end."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field, StrictFloat, StrictInt

from hito.fields import INPUT, Timestamp
from hito.patrols.models import UnitKind
from hito.patrols.schemas import SectorCode, UnitCode

MAX_POINTS_PER_POST = 5_000
MAX_POINTS = 20_000  # a patrol's whole track: a day of fixes every 5 s


class PatrolStart(BaseModel):
    """A unit of this node sets out; on its planned shift, the plan's sector is taken."""

    model_config = INPUT

    unit: UnitCode = Field(description="the unit's code")
    started_at: Timestamp | None = Field(None, description="when it set out (now)")
    sector: SectorCode | None = Field(
        None, description="the sector it patrols (the plan's, on a planned shift)"
    )


class PatrolEnd(BaseModel):
    model_config = INPUT

    ended_at: Timestamp | None = Field(None, description="when it came back (now)")


class TrackPoint(BaseModel):
    model_config = INPUT

    at: Timestamp
    lat: StrictFloat | StrictInt = Field(ge=-90, le=90, allow_inf_nan=False)
    lon: StrictFloat | StrictInt = Field(ge=-180, le=180, allow_inf_nan=False)


class PointsAdded(BaseModel):
    added: int = Field(description="fixes stored")
    duplicates: int = Field(description="fixes already held (same time), left out")
    segments: int = Field(description="segments of the whole track (a gap starts a new one)")
    points: int = Field(description="fixes of the whole track")


class PatrolFilters(BaseModel):
    """Patrols under way at some moment between `start` and `end` (the last week)."""

    model_config = INPUT

    start: Timestamp | None = None
    end: Timestamp | None = None
    country: str | None = Field(None, pattern=r"^[A-Z]{2}$")
    limit: int = Field(100, ge=1, le=1000)


class PatrolPublic(BaseModel):
    id: int
    uid: str
    unit: str | None = Field(description="the unit; null on the other side's patrols")
    agency: str
    kind: UnitKind
    country: str
    sector: str | None
    planned: bool = Field(description="on a shift of an approved plan")
    started_at: dt.datetime
    ended_at: dt.datetime | None
    points: int
    km: float
    hours: float
    findings: list[int] = Field(description="ids of the events reported on this patrol")


class PatrolTrack(PatrolPublic):
    """The patrol and its track: one line per segment, [lat, lon, time] per fix."""

    segments: list[list[tuple[float, float, dt.datetime]]]
