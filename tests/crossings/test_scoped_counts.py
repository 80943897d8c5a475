"""A crossing's counts are rows of their hour, scoped by the session like any shared record:
a query of the counts alone, a sum, a join, cannot read what the user may not."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, sessionmaker

from hito.agencies.models import AgencyKind
from hito.auth.models import Role
from hito.auth.scope import unrestricted
from hito.auth.scoping import bind, unscoped
from hito.crossings.models import CrossingCount, CrossingHour
from hito.places.models import CrossingPoint
from hito.records import new_uid

HOUR = dt.datetime(2025, 11, 22, 17, tzinfo=dt.UTC)


def _scope(agency_kind: AgencyKind, country: str | None):  # type: ignore[no-untyped-def]
    return dataclasses.replace(
        unrestricted("CL"), username="someone", agency_kind=agency_kind, country=country,
        roles=frozenset({Role.viewer}), everything=False,
    )  # fmt: skip


def _hour(session: Session, crossing: int, origin: str, level: str, audience: str | None,
          count: int) -> None:  # fmt: skip
    scoping = {"origin_node": origin, "sharing_level": level, "audience": audience}
    hour_id = session.execute(
        insert(CrossingHour).values(crossing_point_id=crossing, hour=HOUR, source="", uid=new_uid(),
                                    version=1, **scoping).returning(CrossingHour.id)
    ).scalar_one()  # fmt: skip
    session.execute(
        insert(CrossingCount).values(hour_id=hour_id, crossing_point_id=crossing, hour=HOUR,
                                     direction="exit", category="visitor", nationality="VE",
                                     count=count, **scoping)
    )  # fmt: skip


def test_counts_are_read_only_where_their_hour_may_be(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, unscoped(session):
        ids = dict(session.execute(select(CrossingPoint.code, CrossingPoint.id)).all())
        # Chile's own counts kept national; Peru's received for security agencies only
        _hour(session, ids["CHACALLUTA"], "CL", "national", None, 7)
        _hour(session, ids["SANTA-ROSA"], "PE", "binational", "security", 11)
        session.commit()
    total = select(func.coalesce(func.sum(CrossingCount.count), 0))
    joined = select(func.count()).select_from(CrossingCount).join(CrossingPoint)
    expected = [
        (_scope(AgencyKind.investigations, "CL"), 18, 2),  # Chile's police: both
        (_scope(AgencyKind.humanitarian, None), 0, 0),  # IOM: neither
        (_scope(AgencyKind.police, "PE"), 11, 1),  # a Peruvian liaison on Chile's node
    ]
    for scope, people, rows in expected:
        with sessions() as session:
            bind(session, scope)
            assert session.scalar(total) == people, scope
            assert session.scalar(joined) == rows, scope
            assert len(session.scalars(select(CrossingCount)).all()) == rows
    with sessions() as session:  # bound to nobody: nothing at all
        assert session.scalar(total) == 0
