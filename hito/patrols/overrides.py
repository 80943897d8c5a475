"""Impact overrides: a supervisor's judgement of a sector's level over what the thresholds say.

One override at a time per sector, from when it is set until it expires or is lifted; the
sector risk and the planner both read the one in force at the moment they look at.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from hito import audit
from hito.auth.models import UserAccount
from hito.auth.scope import Scope
from hito.db import utcnow
from hito.exc import Conflict, InvalidInput, NotFound
from hito.patrols.models import ImpactOverride
from hito.patrols.problem import Impact
from hito.patrols.risk_schemas import OverrideCreate, OverridePublic
from hito.places.models import Sector

DEFAULT_SPAN = dt.timedelta(hours=24)
LONGEST_SPAN = dt.timedelta(days=14)


def _query() -> Any:
    return (
        select(ImpactOverride, Sector.code, UserAccount.username)
        .join(Sector, Sector.id == ImpactOverride.sector_id)
        .outerjoin(UserAccount, UserAccount.id == ImpactOverride.set_by_id)
        .order_by(ImpactOverride.set_at, ImpactOverride.id)
    )


def _public(row: ImpactOverride, sector: str, set_by: str | None) -> OverridePublic:
    return OverridePublic(
        id=row.id,
        sector=sector,
        level=row.level,
        reason=row.reason,
        set_by=set_by,
        set_at=row.set_at.astimezone(dt.UTC),
        expires_at=row.expires_at.astimezone(dt.UTC),
        lifted_at=row.lifted_at.astimezone(dt.UTC) if row.lifted_at else None,
    )


def overrides_between(
    session: Session, *, start: dt.datetime, end: dt.datetime
) -> list[OverridePublic]:
    """Overrides in force at some moment from `start` to `end`, oldest first."""
    query = _query().where(
        ImpactOverride.set_at <= end,
        ImpactOverride.expires_at > start,
        or_(ImpactOverride.lifted_at.is_(None), ImpactOverride.lifted_at > start),
    )
    return [_public(*row) for row in session.execute(query)]


def active_overrides(session: Session, at: dt.datetime | None = None) -> dict[str, OverridePublic]:
    """The override in force on each sector at `at` (now), by sector code."""
    at = at or utcnow()
    return {o.sector: o for o in overrides_between(session, start=at, end=at)}


def in_force(overrides: Iterable[OverridePublic], at: dt.datetime) -> dict[str, Impact]:
    """The overridden level of each sector at `at`, of `overrides` (`overrides_between`)."""
    return {
        o.sector: Impact[o.level]
        for o in overrides
        if o.set_at <= at < o.expires_at and (o.lifted_at is None or at < o.lifted_at)
    }


def set_override(session: Session, *, scope: Scope, data: OverrideCreate) -> OverridePublic:
    """A supervisor sets a sector's level until `expires_at`; a sector with an override in
    force is refused (lift that one first)."""
    scope.require("supervise")
    now = utcnow()
    expires_at = data.expires_at or now + DEFAULT_SPAN
    if not now < expires_at <= now + LONGEST_SPAN:
        raise InvalidInput(
            "expires_at must be in the future and at most 14 days ahead",
            errors=[{"field": "expires_at", "message": "in the future, at most 14 days ahead"}],
        )
    sector = session.scalar(select(Sector).where(Sector.code == data.sector))
    if sector is None:
        raise InvalidInput(
            f"unknown sector {data.sector}",
            errors=[{"field": "sector", "message": f"unknown sector {data.sector}"}],
        )
    current = active_overrides(session, now).get(sector.code)
    if current is not None:
        raise Conflict(
            f"sector {sector.code} is already overridden ({current.level}) until "
            f"{current.expires_at.isoformat()}: lift override {current.id} first"
        )
    row = ImpactOverride(
        sector_id=sector.id,
        level=data.level,
        reason=data.reason,
        set_by_id=scope.user_id,
        set_at=now,
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    audit.record(
        session, scope=scope, action="patrols.override.set", object_type="sector",
        object_ids=[sector.uid],
        detail={"override": row.id, "sector": sector.code, "level": data.level.value,
                "reason": data.reason, "expires_at": expires_at.isoformat()},
    )  # fmt: skip
    return _public(row, sector.code, _username(session, scope.user_id))


def lift_override(session: Session, *, scope: Scope, override_id: int) -> OverridePublic:
    """A supervisor lifts an override in force before it expires."""
    scope.require("supervise")
    found = session.execute(
        select(ImpactOverride, Sector)
        .join(Sector, Sector.id == ImpactOverride.sector_id)
        .where(ImpactOverride.id == override_id)
    ).first()
    if found is None:
        raise NotFound(f"override {override_id} not found")
    row, sector = found
    now = utcnow()
    if row.lifted_at is not None or row.expires_at <= now:
        raise Conflict(f"override {override_id} is no longer in force")
    row.lifted_at = now
    session.flush()
    audit.record(
        session, scope=scope, action="patrols.override.lift", object_type="sector",
        object_ids=[sector.uid], detail={"override": row.id, "sector": sector.code},
    )  # fmt: skip
    return _public(row, sector.code, _username(session, row.set_by_id))


def _username(session: Session, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    return session.scalar(select(UserAccount.username).where(UserAccount.id == user_id))
