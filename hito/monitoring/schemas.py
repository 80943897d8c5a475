"""What the monitoring API gives: indicators with their definition and level, alerts, the
records behind a figure."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from hito.fields import INPUT, Timestamp
from hito.monitoring.definitions import AlertWhen, Level

Lang = Literal["es", "en"]


class IndicatorQuery(BaseModel):
    model_config = INPUT

    at: Timestamp | None = Field(None, description="Cut-off time (default: now)")
    lang: Lang = "es"


class IndicatorValue(BaseModel):
    id: str
    label: str
    unit: str
    definition: str
    source: str = Field(description="The shared records the figure is counted from")
    value: float | None = Field(description="None: nothing reported that you may see")
    level: Level
    alert_when: AlertWhen
    warning: float
    critical: float
    reference: float | None
    as_of: dt.datetime


class DrillRecord(BaseModel):
    uid: str
    at: dt.datetime | None
    detail: str | None


class Drill(BaseModel):
    indicator: str
    source: str
    as_of: dt.datetime
    total: int
    records: list[DrillRecord] = Field(description="The newest first, at most `limit`")


class ExportQuery(IndicatorQuery):
    format: Literal["csv", "hxl", "xlsx"] = "csv"


class ForecastQuery(BaseModel):
    model_config = INPUT

    series: str = Field(
        description="irregular_departures, stranded, or crossings_<category> (e.g. "
        "crossings_visitor)",
        max_length=64,
    )
    at: Timestamp | None = Field(None, description="Forecast from the day of this time")
    horizon: int = Field(7, ge=1, le=28, description="Days ahead")
