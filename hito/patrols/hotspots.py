"""Hotspots of the risk map: the recent events the user may see, gathered in H3 cells and
weighed as sector risk weighs them (`hito.patrols.risk`)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import h3
from sqlalchemy import select
from sqlalchemy.orm import Session

from hito.auth.scope import Scope
from hito.db import utcnow
from hito.events.models import Event
from hito.exc import InvalidInput
from hito.patrols.risk import SeenEvent, default_rules, sector_risk
from hito.patrols.risk_schemas import MAX_RESOLUTION, MIN_RESOLUTION, Hotspot


def hotspots(
    session: Session, *, scope: Scope, at: dt.datetime | None = None, resolution: int = 8
) -> list[Hotspot]:
    """The cells holding events of the rules' lookback window before `at` (now), heaviest
    first; a cell whose events weigh nothing (patrol reports, official measures) is left out."""
    if not MIN_RESOLUTION <= resolution <= MAX_RESOLUTION:
        raise InvalidInput(
            f"resolution must be from {MIN_RESOLUTION} to {MAX_RESOLUTION}",
            errors=[{"field": "resolution", "message": f"{MIN_RESOLUTION} to {MAX_RESOLUTION}"}],
        )
    rules = default_rules()
    now = at or utcnow()
    since = now - dt.timedelta(days=rules.lookback_days)
    rows = session.execute(
        select(Event.lat, Event.lon, Event.type, Event.occurred_at, Event.headcount).where(
            Event.occurred_at >= since, Event.occurred_at <= now
        )
    )
    seen = [
        SeenEvent(h3.latlng_to_cell(lat, lon, resolution), kind, when, headcount)
        for lat, lon, kind, when, headcount in rows
    ]
    # sector_risk sums by whatever key the events carry: here, their cell, by day and by night
    weight: dict[str, float] = defaultdict(float)
    for (cell, _), risk in sector_risk(seen, now=now, zone=scope.time_zone, rules=rules).items():
        weight[cell] += risk
    events = Counter(event.sector for event in seen)
    result = []
    for cell, total in weight.items():
        if total <= 0:
            continue
        lat, lon = h3.cell_to_latlng(cell)
        result.append(
            Hotspot(
                cell=cell,
                lat=round(lat, 6),
                lon=round(lon, 6),
                boundary=[(round(a, 6), round(b, 6)) for a, b in h3.cell_to_boundary(cell)],
                weight=round(total, 3),
                events=events[cell],
            )
        )
    return sorted(result, key=lambda spot: (-spot.weight, spot.cell))
