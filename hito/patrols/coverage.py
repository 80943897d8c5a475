"""Coverage of critical sectors: of the shifts approved plans gave to sectors at high or critical
impact, how many a patrol went out on.

It reads only the plans, their shifts and the patrols, by the ids and fields the exchange carries
(sector, side, agency, kind of unit, times), so that each node, and a binational briefing on
either, gets the same figure from the same shared records: a binational reader sees no unit
(national) and no sector row (reference data, which no agreement lists), so nothing here joins
them. A planned shift counts as patrolled when a patrol of its side, agency and kind of unit,
set out for its sector, was under way at some moment of the shift (a patrol never ended, for at
most `LEFT_OPEN` after it set out: one forgotten on a tablet does not cover the week); one
patrol serves at most one of the shifts planned at the same time (a sector whose level asks for
two agencies needs two patrols). Only the sides whose patrols the reader may read are judged.
Whether the track stayed inside the sector is the report's question (`hito.patrols.report`),
which needs the units and the sectors' outlines.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, TypeVarTuple

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from hito.auth.scope import Scope
from hito.exchange.agreements import active_agreement
from hito.patrols.models import (
    ImpactLevelName,
    Patrol,
    PatrolAssignment,
    PatrolPlan,
    PlanStatus,
)
from hito.records import SharingLevel
from hito.settings import NODE_TIMEZONES

CRITICAL = (ImpactLevelName.high, ImpactLevelName.critical)
LONGEST_SHIFT = dt.timedelta(hours=24)  # a plan's shifts divide the day
LEFT_OPEN = dt.timedelta(hours=12)  # a patrol never ended counts as under way this long at most
Columns = TypeVarTuple("Columns")


@dataclass(frozen=True)
class Coverage:
    planned: int  # shifts planned in high or critical sectors, ended in the window
    patrolled: int

    @classmethod
    def of(cls, shifts: list[JudgedShift]) -> Coverage:
        """The figure over the shifts `judged_shifts` judged."""
        return cls(len(shifts), sum(shift.patrolled for shift in shifts))

    @property
    def share(self) -> float | None:
        return self.patrolled / self.planned if self.planned else None


def _critical(
    session: Session, scope: Scope, query: Select[*Columns], start: dt.datetime, end: dt.datetime
) -> Select[*Columns]:
    """`query` of assignments narrowed to the shifts of approved plans of the sides whose
    patrols `scope` may read, planned at high or critical impact, that ended in (start, end]:
    shifts under way at the cut-off are not judged yet (the bound on the start lets the index on
    it serve)."""
    sides = [node for node in NODE_TIMEZONES if patrols_readable(session, scope, node)]
    return (
        query.join(PatrolPlan, PatrolPlan.id == PatrolAssignment.plan_id)
        .where(PatrolPlan.status == PlanStatus.approved, PatrolPlan.origin_node.in_(sides))
        .where(PatrolAssignment.impact.in_(CRITICAL))
        .where(PatrolAssignment.starts_at > start - LONGEST_SHIFT, PatrolAssignment.starts_at < end)
        .where(PatrolAssignment.ends_at > start, PatrolAssignment.ends_at <= end)
    )


def patrols_readable(session: Session, scope: Scope, node: str) -> bool:
    """May `scope` read the patrols `node` records? Plans and patrols are shared under separate
    rules: where a side's plans reach a reader and its patrols do not, every shift of that side
    would read as not patrolled. Own patrols are recorded at the binational level."""
    if scope.everything:
        return True
    if scope.shared_only:  # the binational view: what the agreement gives every agency
        return Patrol.__tablename__ in dict(scope.shared_levels)
    if node == scope.node:
        return SharingLevel.binational in scope.own_levels
    agreement = active_agreement(session)
    rules = agreement.document.record_types.get("patrol", []) if agreement else []
    return any(rule.audience in scope.audiences for rule in rules)


@dataclass(frozen=True)
class JudgedShift:
    """A shift the coverage counts: its plan, start, level, and whether it was patrolled."""

    plan_uid: str
    starts_at: dt.datetime
    impact: ImpactLevelName | None
    patrolled: bool


def judged_shifts(
    session: Session, *, scope: Scope, start: dt.datetime, end: dt.datetime
) -> list[JudgedShift]:
    """Every shift the coverage counts, each said patrolled or not, over what the session lets
    the user see (it scopes plans, their shifts and patrols), of the sides whose patrols
    `scope` may read; patrols started after `end` are not known at `end`. `Coverage.of` gives
    the figure from them, the drill-down lists them."""
    query = select(PatrolAssignment.sector_id, PatrolAssignment.country,
                   PatrolAssignment.agency_id, PatrolAssignment.kind,
                   PatrolAssignment.starts_at, PatrolAssignment.ends_at,
                   PatrolPlan.uid, PatrolAssignment.impact)  # fmt: skip
    shifts = session.execute(
        _critical(session, scope, query, start, end).order_by(
            PatrolAssignment.starts_at, PatrolAssignment.id
        )
    ).all()
    if not shifts:
        return []
    earliest = min(s.starts_at for s in shifts)
    patrols = session.execute(
        select(Patrol.id, Patrol.sector_id, Patrol.country, Patrol.agency_id, Patrol.kind,
               Patrol.started_at, Patrol.ended_at)
        .where(Patrol.sector_id.is_not(None), Patrol.started_at < end)
        .where(or_(Patrol.ended_at.is_(None), Patrol.ended_at > earliest))
        .order_by(Patrol.started_at, Patrol.id)
    ).all()  # fmt: skip
    by_post: dict[tuple[Any, ...], list[Any]] = defaultdict(list)
    for p in patrols:
        by_post[p.sector_id, p.country, p.agency_id, p.kind].append(p)
    used: set[tuple[int, dt.datetime]] = set()  # (patrol, shift start): one shift at a time
    judged = []
    for s in shifts:
        patrolled = False
        for p in by_post.get((s.sector_id, s.country, s.agency_id, s.kind), ()):
            ended = p.ended_at if p.ended_at is not None else p.started_at + LEFT_OPEN
            if p.started_at < s.ends_at and ended > s.starts_at and (p.id, s.starts_at) not in used:
                used.add((p.id, s.starts_at))
                patrolled = True
                break
        judged.append(JudgedShift(s.uid, s.starts_at, s.impact, patrolled))
    return judged
