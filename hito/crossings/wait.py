"""The wait at a crossing's immigration booths, hour by hour, from its counts and booths open.

Each hour and direction is an M/M/c queue (``hito.crossings.queueing``): the people counted at
the booths are its arrivals, the mean service time is weighted by their categories (kept as data
in ``data/service_times.yaml``), and the booths open are its servers. The counts are people
served; in an hour over capacity they understate who came, so the wait shown there is a floor.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from hito import audit
from hito.auth.scope import Scope
from hito.crossings.counts import check_range, hourly_totals
from hito.crossings.models import Category, CrossingHour, Direction
from hito.crossings.queueing import erlang_c, mean_wait, servers_needed, wait_exceeds
from hito.crossings.schemas import HourWait, WaitReport
from hito.places import visible_crossing

SERVICE_TIMES = Path(__file__).with_name("data") / "service_times.yaml"


class ServiceTime(BaseModel):
    seconds: float = Field(gt=0, le=7200)
    at_booths: bool


class ServiceTimes(BaseModel):
    target_wait_minutes: float = Field(gt=0, le=24 * 60)
    categories: dict[Category, ServiceTime]


@cache
def service_times() -> ServiceTimes:
    return ServiceTimes.model_validate(yaml.safe_load(SERVICE_TIMES.read_text(encoding="utf-8")))


def hour_wait(
    *, hour: dt.datetime, direction: Direction, arrivals: dict[Category, int],
    booths: int | None, target_minutes: float, times: ServiceTimes,
) -> HourWait:  # fmt: skip
    """One hour's queue in one direction."""
    at_booths = {c: n for c, n in arrivals.items() if times.categories[c].at_booths}
    people = sum(at_booths.values())
    work = sum(n * times.categories[c].seconds for c, n in at_booths.items())  # seconds
    load = work / 3600
    service = work / people if people else 0.0
    target = target_minutes * 60
    servers = booths or 0  # unknown or none open: no estimate of the wait, only the need
    wait = mean_wait(load, servers, service)
    return HourWait(
        hour=hour,
        direction=direction,
        arrivals=people,
        load_erlangs=round(load, 4),
        booths_open=booths,
        utilisation=round(load / servers, 4) if servers else None,
        wait_probability=round(erlang_c(load, servers), 4) if servers else None,
        mean_wait_minutes=round(wait / 60, 2) if servers and math.isfinite(wait) else None,
        over_target_probability=(
            round(wait_exceeds(load, servers, service, target), 4) if servers else None
        ),
        booths_needed=servers_needed(load, service, target) if people else 0,
    )


def wait_report(
    session: Session,
    *,
    scope: Scope,
    crossing_id: int,
    start: dt.datetime,
    end: dt.datetime,
    target_minutes: float | None = None,
) -> WaitReport:
    """Estimated wait and booths needed per hour and direction at one crossing point."""
    check_range(start, end)
    cp = visible_crossing(session, crossing_id=crossing_id)
    times = service_times()
    target = target_minutes or times.target_wait_minutes
    arrivals: dict[tuple[dt.datetime, Direction], dict[Category, int]] = defaultdict(dict)
    for row in hourly_totals(session, start=start, end=end, crossing_id=cp.id):
        arrivals[(row.hour, Direction(row.direction))][Category(row.category)] = int(row.total)
    booths = {
        h.hour: h
        for h in session.scalars(
            select(CrossingHour).where(
                CrossingHour.crossing_point_id == cp.id,
                CrossingHour.hour >= start,
                CrossingHour.hour < end,
            )
        )
    }
    hours = []
    for (hour, direction), by_category in sorted(arrivals.items()):
        held = booths.get(hour)
        open_booths = None
        if held is not None:
            open_booths = held.booths_entry if direction is Direction.entry else held.booths_exit
        hours.append(
            hour_wait(
                hour=hour,
                direction=direction,
                arrivals=by_category,
                booths=open_booths,
                target_minutes=target,
                times=times,
            )  # fmt: skip
        )
    audit.record(
        session,
        scope=scope,
        action="crossing.wait",
        object_type="crossing_point",
        object_ids=[cp.uid],
        detail={"from": start.isoformat(), "to": end.isoformat(), "hours": len(hours)},
    )
    return WaitReport(
        crossing=cp.code,
        target_wait_minutes=target,
        service_seconds={c.value: t.seconds for c, t in times.categories.items() if t.at_booths},
        hours=hours,
    )
