"""Patrol services over the database: what the planner and the pages read."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from hito.auth.scope import Scope
from hito.db import utcnow
from hito.events.models import Event
from hito.patrols.overrides import active_overrides
from hito.patrols.problem import ShiftKind
from hito.patrols.risk import RiskRules, SeenEvent, default_rules, sector_risk
from hito.patrols.risk_schemas import SectorOverride, SectorRisk
from hito.places.models import Sector


def risk_by_sector(
    session: Session, *, scope: Scope, at: dt.datetime | None = None, rules: RiskRules | None = None
) -> list[SectorRisk]:
    """Every sector's risk from the recent events of both sides that the user may see (the
    session scopes the query), by day and by night, with its impact level: a supervisor's
    override in force at `at` sets both levels."""
    rules = rules or default_rules()
    now = at or utcnow()
    since = now - dt.timedelta(days=rules.lookback_days)
    rows = session.execute(
        select(Sector.code, Event.type, Event.occurred_at, Event.headcount)
        .join(Sector, Sector.id == Event.sector_id)
        .where(Event.occurred_at >= since, Event.occurred_at <= now)
    )
    seen = (SeenEvent(code, kind, when, headcount) for code, kind, when, headcount in rows)
    risk = sector_risk(seen, now=now, zone=scope.time_zone, rules=rules)
    overrides = active_overrides(session, now)
    result = []
    for code in session.scalars(select(Sector.code).order_by(Sector.code)):
        day, night = risk.get((code, ShiftKind.day), 0.0), risk.get((code, ShiftKind.night), 0.0)
        computed_day, computed_night = rules.level(day).name, rules.level(night).name
        override = overrides.get(code)
        result.append(
            SectorRisk(
                sector=code,
                day=round(day, 3),
                night=round(night, 3),
                day_level=override.level.value if override else computed_day,
                night_level=override.level.value if override else computed_night,
                computed_day_level=computed_day,
                computed_night_level=computed_night,
                override=SectorOverride.model_validate(override.model_dump()) if override else None,
                at=now,
            )
        )
    return result
