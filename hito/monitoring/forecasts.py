"""Daily forecasts with prediction intervals, and the backtest error beside them.

statsforecast's AutoETS (weekly season) chooses the model on the history; the same model is then
backtested by rolling origin over the last weeks (``cross_validation``), so the page can show how
far off its forecasts were and how often the intervals held the truth: a forecast is not a fact.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import warnings
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from pydantic import BaseModel, Field
from sqlalchemy import BigInteger, func, select, type_coerce
from sqlalchemy.orm import Session

from hito import audit
from hito.auth.scope import Scope
from hito.crossings.models import Category, CrossingCount
from hito.db import utcnow
from hito.events.models import Event, EventStatus, EventType
from hito.exc import InvalidInput

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
SERIES = ("irregular_departures", "stranded", *(f"crossings_{c.value}" for c in Category))
LEVEL = 80
MIN_HISTORY = 21  # three weeks: less, and no model of a weekly season is worth showing
HISTORY_DAYS = 120
BACKTEST_WINDOWS = 4


class DayValue(BaseModel):
    day: dt.date
    value: float


class DayForecast(BaseModel):
    day: dt.date
    mean: float
    low: float
    high: float


class Backtest(BaseModel):
    windows: int = Field(description="Weeks forecast from their own past and compared")
    mae: float = Field(description="Mean absolute error of those forecasts")
    coverage: float = Field(description="Share of the true values inside the intervals")


class ShortHistory(InvalidInput):
    """Too few days to forecast; pages and the briefing say so in the reader's language."""

    def __init__(self, series: str, days: int) -> None:
        super().__init__(
            f"{series}: {days} days of history; a forecast needs at least {MIN_HISTORY}"
        )
        self.days = days


class Forecast(BaseModel):
    series: str
    level: int = Field(description="Prediction interval, %")
    model: str
    history: list[DayValue]
    forecast: list[DayForecast]
    backtest: Backtest | None


def forecast_values(
    days: Sequence[dt.date], values: Sequence[float], *, horizon: int = 7, level: int = LEVEL,
    series: str = "series",
) -> Forecast:  # fmt: skip
    """Forecast a daily series ``horizon`` days on, with its backtest."""
    import pandas as pd
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS

    history = [DayValue(day=d, value=v) for d, v in zip(days, values, strict=True)]
    if len(history) < MIN_HISTORY:
        raise ShortHistory(series, len(history))
    frame = pd.DataFrame(
        {"unique_id": series, "ds": pd.to_datetime(list(days)), "y": np.asarray(values, float)}
    )
    model = StatsForecast(models=[AutoETS(season_length=7)], freq="D")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # statsforecast's numerical warnings on flat series
        ahead = model.forecast(df=frame, h=horizon, level=[level])
        windows = min(BACKTEST_WINDOWS, (len(frame) - MIN_HISTORY) // horizon)
        past = (
            model.cross_validation(
                df=frame, h=horizon, n_windows=windows, step_size=horizon, level=[level]
            )  # fmt: skip
            if windows > 0
            else None
        )
    low, high = f"AutoETS-lo-{level}", f"AutoETS-hi-{level}"
    out = [
        DayForecast(  # counts of people: never below zero
            day=pd.Timestamp(ds).date(),
            mean=round(max(0.0, float(mean)), 2),
            low=round(max(0.0, float(lo)), 2),
            high=round(max(0.0, float(hi)), 2),
        )
        for ds, mean, lo, hi in zip(
            ahead["ds"], ahead["AutoETS"], ahead[low], ahead[high], strict=True
        )
    ]
    backtest = None
    if past is not None and len(past):
        error = (past["y"] - past["AutoETS"]).abs()
        inside = (past["y"] >= past[low]) & (past["y"] <= past[high])
        backtest = Backtest(
            windows=windows,
            mae=round(float(error.mean()), 2),
            coverage=round(float(inside.mean()), 3),
        )
    return Forecast(series=series, level=level, model="AutoETS (season 7)", history=history,
                    forecast=out, backtest=backtest)  # fmt: skip


def _daily(
    rows: Sequence[tuple[dt.datetime, float]], days: list[dt.date], zone: ZoneInfo
) -> list[float]:
    totals = dict.fromkeys(days, 0.0)
    for when, value in rows:
        day = when.astimezone(zone).date()
        if day in totals:
            totals[day] += float(value)
    return [totals[d] for d in days]


def _hour_of(session: Session, column: Any) -> Any:
    """Hours since the Unix epoch of a stored time: days are summed in SQL by the hour (a few
    thousand rows), then into the user's local days here, whatever the zone's offset."""
    if session.get_bind().dialect.name == "sqlite":  # stored as microseconds since the epoch
        return type_coerce(column, BigInteger) // 3_600_000_000  # whole hours: integer division
    return func.floor(func.extract("epoch", column) / 3600)


def _hourly(rows: Sequence[Any]) -> list[tuple[dt.datetime, float]]:
    """Rows of (`_hour_of`, value) as (the hour's start, value)."""
    return [(EPOCH + dt.timedelta(hours=int(hour)), value) for hour, value in rows]


def daily_series(
    session: Session, *, scope: Scope, series: str, days: list[dt.date]
) -> list[float]:
    """One value per local day (the user's zone) of a series, over what the user may see."""
    zone = scope.time_zone
    start = dt.datetime.combine(days[0], dt.time(), zone).astimezone(dt.UTC)
    end = dt.datetime.combine(days[-1] + dt.timedelta(days=1), dt.time(), zone).astimezone(dt.UTC)
    if series == "irregular_departures":
        hour = _hour_of(session, Event.occurred_at)
        rows = session.execute(
            select(hour, func.sum(func.coalesce(Event.headcount, 1)))
            .where(Event.type == EventType.irregular_crossing, Event.occurred_at >= start,
                   Event.occurred_at < end)
            .group_by(hour)
        ).all()  # fmt: skip
        return _daily(_hourly(rows), days, zone)
    if series == "stranded":  # as the indicator counts: open groups reported by each day's end
        people = func.sum(func.coalesce(Event.headcount, 0))
        still = (Event.type == EventType.stranded_group, Event.status != EventStatus.closed)
        before = session.scalar(select(people).where(*still, Event.occurred_at < start)) or 0
        hour = _hour_of(session, Event.occurred_at)
        rows = session.execute(
            select(hour, people)
            .where(*still, Event.occurred_at >= start, Event.occurred_at < end)
            .group_by(hour)
        ).all()  # fmt: skip
        daily = _daily(_hourly(rows), days, zone)
        return list(itertools.accumulate(daily, initial=float(before)))[1:]
    category = Category(series.removeprefix("crossings_"))
    rows = session.execute(
        select(CrossingCount.hour, func.sum(CrossingCount.count))
        .where(CrossingCount.category == category, CrossingCount.origin_node == scope.node,
               CrossingCount.hour >= start, CrossingCount.hour < end)
        .group_by(CrossingCount.hour)
    ).all()  # fmt: skip
    return _daily([(r[0], r[1]) for r in rows], days, zone)


def forecast(
    session: Session, *, scope: Scope, series: str, at: dt.datetime | None = None,
    horizon: int = 7,
) -> Forecast:  # fmt: skip
    """The series' last ``HISTORY_DAYS`` days before ``at`` and its forecast."""
    if series not in SERIES:
        raise InvalidInput(f"unknown series {series!r}: one of {', '.join(SERIES)}")
    if not 1 <= horizon <= 28:
        raise InvalidInput("horizon: 1 to 28 days")
    last = (at or utcnow()).astimezone(scope.time_zone).date() - dt.timedelta(days=1)
    days = [last - dt.timedelta(days=n) for n in range(HISTORY_DAYS - 1, -1, -1)]
    values = daily_series(session, scope=scope, series=series, days=days)
    first = next((i for i, v in enumerate(values) if v), len(values))
    days, values = days[first:], values[first:]  # from the first day anything was recorded
    if any(math.isnan(v) for v in values):
        raise InvalidInput(f"{series}: the history holds gaps")
    result = forecast_values(days, values, horizon=horizon, series=series)
    audit.record(session, scope=scope, action="monitoring.forecast", object_type="indicator",
                 object_ids=[series], detail={"last_day": last.isoformat()})  # fmt: skip
    return result
