"""Forecasts: intervals that hold the backtest's truth about as often as they claim, refusals
when there is too little history, and the API over the events the user may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import httpx
import numpy as np
import pytest

from hito.exc import InvalidInput
from hito.monitoring.forecasts import forecast_values
from tests.factories import event_payload

Login = Callable[[str], httpx.Client]


def _days(n: int) -> list[dt.date]:
    return [dt.date(2025, 8, 1) + dt.timedelta(days=i) for i in range(n)]


def test_intervals_cover_the_backtest_near_their_stated_rate() -> None:
    rng = np.random.default_rng(20251124)
    # 30–50 departures a day, more at weekends: a weekly pattern with Poisson noise
    weekly = np.array([36, 34, 35, 38, 44, 52, 48])
    values = [float(rng.poisson(weekly[i % 7])) for i in range(119)]
    done = forecast_values(_days(119), values, horizon=7, series="departures")
    assert done.level == 80 and len(done.forecast) == 7
    assert done.backtest is not None and done.backtest.windows == 4
    # 28 backtest days: an 80% interval should hold most and miss some
    assert 0.6 <= done.backtest.coverage <= 1.0
    assert done.backtest.mae < 10  # the noise's own spread is about 6
    for day in done.forecast:
        assert day.low <= day.mean <= day.high
        assert 20 < day.mean < 70
    assert done.forecast[0].day == dt.date(2025, 11, 28)


def test_too_little_history_is_refused_not_guessed() -> None:
    with pytest.raises(InvalidInput, match="at least 21"):
        forecast_values(_days(10), [40.0] * 10, series="departures")


def test_forecast_over_the_api(login: Login) -> None:
    chile = login("cl.operator")
    start = dt.datetime(2025, 10, 1, 15, tzinfo=dt.UTC)
    events = [
        event_payload(type="irregular_crossing", headcount=30 + (d % 7) * 3,
                      occurred_at=(start + dt.timedelta(days=d)).isoformat())
        for d in range(50)
    ]  # fmt: skip
    assert chile.post("/api/v1/events/batch", json={"events": events}).status_code == 201
    reply = chile.get(
        "/api/v1/monitoring/forecasts",
        params={"series": "irregular_departures", "at": "2025-11-20T12:00:00-03:00"},
    )
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["history"][0] == {"day": "2025-10-01", "value": 30.0}
    assert len(body["history"]) == 50 and body["forecast"][0]["day"] == "2025-11-20"
    assert body["backtest"]["windows"] == 4
    unknown = chile.get("/api/v1/monitoring/forecasts", params={"series": "weather"})
    assert unknown.status_code == 422
