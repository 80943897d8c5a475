from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from hito.fields import Timestamp
from hito.patrols.problem import Impact


class RiskQuery(BaseModel):
    at: Timestamp | None = Field(None, description="The moment risk is computed for (now)")


class SectorRisk(BaseModel):
    """A sector's risk by day and by night, and the impact level each gives."""

    sector: str
    day: float
    night: float
    day_level: str = Field(description=", ".join(level.name for level in Impact))
    night_level: str
    at: dt.datetime
