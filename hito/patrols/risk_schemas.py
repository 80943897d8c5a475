"""Sector risk as the API shows it: the computed levels, a supervisor's override of them, and the
hotspots of the map."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from hito.fields import INPUT, Timestamp
from hito.patrols.models import ImpactLevelName
from hito.patrols.problem import Impact
from hito.patrols.schemas import SectorCode
from hito.text import Line

LEVELS = ", ".join(level.name for level in Impact)
MIN_RESOLUTION, MAX_RESOLUTION = 5, 10  # H3: about 250 km² to 0.015 km² a cell


class OverrideCreate(BaseModel):
    """A supervisor's impact level for a sector, with why, until `expires_at` (at most 14 days
    ahead; 24 hours when not given)."""

    model_config = INPUT

    sector: SectorCode = Field(examples=["S2-CHACALLUTA"])
    level: ImpactLevelName
    reason: Line = Field(min_length=3, max_length=500, examples=["Aviso de grupo numeroso"])
    expires_at: Timestamp | None = None


class SectorOverride(BaseModel):
    """The override in force on a sector."""

    id: int
    level: ImpactLevelName
    reason: str
    set_by: str | None = Field(description="Username; null when set from the node's console")
    set_at: dt.datetime
    expires_at: dt.datetime


class OverridePublic(SectorOverride):
    sector: str
    lifted_at: dt.datetime | None


class OverrideQuery(BaseModel):
    at: Timestamp | None = Field(None, description="The moment the overrides are in force (now)")


class SectorRisk(BaseModel):
    """A sector's risk by day and by night and the impact level each gives; a supervisor's
    override, while in force, sets both levels (the computed ones stay visible)."""

    sector: str
    day: float
    night: float
    day_level: str = Field(description=LEVELS)
    night_level: str = Field(description=LEVELS)
    computed_day_level: str = Field(description="What the thresholds give: " + LEVELS)
    computed_night_level: str = Field(description="What the thresholds give: " + LEVELS)
    override: SectorOverride | None
    at: dt.datetime


class HotspotQuery(BaseModel):
    at: Timestamp | None = Field(None, description="The moment risk is computed for (now)")
    resolution: int = Field(
        8, ge=MIN_RESOLUTION, le=MAX_RESOLUTION, description="H3 resolution of the cells"
    )


class Hotspot(BaseModel):
    """One H3 cell of the map: the events in it the user may see, weighed as sector risk is."""

    cell: str = Field(description="H3 index")
    lat: float = Field(description="The cell's centre")
    lon: float
    boundary: list[tuple[float, float]] = Field(description="The cell's corners, [lat, lon]")
    weight: float
    events: int
