"""A plan's shifts and a patrol's track points are rows of their parent, scoped by the session
like it: a query of the rows alone, a count, cannot read what the user may not."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, sessionmaker

from hito.agencies.models import Agency, AgencyKind
from hito.auth.models import Role
from hito.auth.scope import Scope, unrestricted
from hito.auth.scoping import bind, unscoped
from hito.patrols.models import Patrol, PatrolAssignment, PatrolPlan, PatrolPoint
from hito.places.models import Sector
from hito.records import new_uid

AT = dt.datetime(2025, 11, 22, 17, tzinfo=dt.UTC)


def _scope(agency_kind: AgencyKind, country: str | None) -> Scope:
    return dataclasses.replace(
        unrestricted("CL"), username="someone", agency_kind=agency_kind, country=country,
        roles=frozenset({Role.viewer}), everything=False,
    )  # fmt: skip


def _plan_and_patrol(session: Session, origin: str, level: str, audience: str | None) -> None:
    """A plan with one shift and a patrol with one fix, all scoped alike."""
    scoping: dict[str, Any] = {"origin_node": origin, "sharing_level": level, "audience": audience}
    sector = session.scalars(select(Sector.id).order_by(Sector.code)).first()
    agency = session.scalar(select(Agency.id).where(Agency.code == f"{origin}-EJERCITO"))
    plan = session.execute(
        insert(PatrolPlan).values(country=origin, starts_at=AT, days=1, shift_hours=8, seed=0,
                                  status="approved", solver_status="", objective=0, bound=0,
                                  coverage="[]", uncovered="[]", uid=new_uid(), version=1,
                                  **scoping).returning(PatrolPlan.id)
    ).scalar_one()  # fmt: skip
    session.execute(
        insert(PatrolAssignment).values(plan_id=plan, agency_id=agency, kind="foot",
                                        sector_id=sector, country=origin, starts_at=AT,
                                        ends_at=AT + dt.timedelta(hours=8), impact="critical",
                                        **scoping)
    )  # fmt: skip
    patrol = session.execute(
        insert(Patrol).values(agency_id=agency, kind="foot", country=origin, sector_id=sector,
                              started_at=AT, uid=new_uid(), version=1, **scoping)
        .returning(Patrol.id)
    ).scalar_one()  # fmt: skip
    session.execute(
        insert(PatrolPoint).values(patrol_id=patrol, at=AT, lat=-18.3, lon=-70.3, segment=0,
                                   **scoping)
    )  # fmt: skip


def test_shifts_and_track_points_are_read_only_where_their_parent_may_be(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session, unscoped(session):
        # Chile's own kept national; Peru's received for security agencies only
        _plan_and_patrol(session, "CL", "national", None)
        _plan_and_patrol(session, "PE", "binational", "security")
        session.commit()
    expected = [
        (_scope(AgencyKind.investigations, "CL"), 2),  # Chile's police: both
        (_scope(AgencyKind.humanitarian, None), 0),  # IOM: neither
        (_scope(AgencyKind.police, "PE"), 1),  # a Peruvian liaison on Chile's node
    ]
    for scope, rows in expected:
        with sessions() as session:
            bind(session, scope)
            for model in (PatrolAssignment, PatrolPoint):
                assert session.scalar(select(func.count()).select_from(model)) == rows, scope
    with sessions() as session:  # bound to nobody: nothing at all
        assert session.scalar(select(func.count()).select_from(PatrolAssignment)) == 0
