"""How each indicator is measured: one function per indicator of ``data/indicators.yaml``.

Every function reads through the caller's session, which scopes each shared record (and each
row of one) to what the asking user may see: the same figure is smaller for a user who sees
less, never wrong. Each returns its value and the query of the records behind it (drill-down).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, exists, func, select
from sqlalchemy.orm import Session

from hito.auth.scope import Scope
from hito.crossings.models import Category, CrossingCount, CrossingHour, Direction
from hito.events.models import Event, EventStatus, EventType
from hito.exchange.peers import link_states
from hito.humanitarian.models import (
    AlertState,
    CaseStatus,
    HumanitarianCase,
    Referral,
    ReferralState,
    SeparationAlert,
)
from hito.rfi.models import InformationAnswer, InformationRequest
from hito.settings import NODE_TIMEZONES

WEEK = dt.timedelta(days=7)


Row = tuple[str, dt.datetime | None, Any]


@dataclass(frozen=True)
class Measure:
    value: float | None
    # uid, when, detail: the records behind the value, as a query, or as rows where the value
    # is worked out in Python from what the session read
    records: Select[str, dt.datetime, Any] | list[Row] | None = None


Measurer = Callable[[Session, Scope, dt.datetime], Measure]
MEASURES: dict[str, Measurer] = {}


def measure(name: str) -> Callable[[Measurer], Measurer]:
    def register(function: Measurer) -> Measurer:
        MEASURES[name] = function
        return function

    return register


def _events(kind: EventType, start: dt.datetime | None, at: dt.datetime) -> Select:
    query = select(Event.uid, Event.occurred_at, Event.headcount).where(
        Event.type == kind, Event.occurred_at <= at
    )
    return query if start is None else query.where(Event.occurred_at > start)


@measure("stranded_now")
def stranded_now(session: Session, scope: Scope, at: dt.datetime) -> Measure:
    where = and_(
        Event.type == EventType.stranded_group,
        Event.status != EventStatus.closed,
        Event.occurred_at <= at,
    )
    people = session.scalar(select(func.coalesce(func.sum(Event.headcount), 0)).where(where))
    drill = _events(EventType.stranded_group, None, at).where(Event.status != EventStatus.closed)
    return Measure(float(people or 0), drill)


@measure("irregular_departures_per_day")
def irregular_departures(session: Session, scope: Scope, at: dt.datetime) -> Measure:
    people = session.scalar(
        select(func.coalesce(func.sum(func.coalesce(Event.headcount, 1)), 0)).where(
            Event.type == EventType.irregular_crossing,
            Event.occurred_at > at - WEEK,
            Event.occurred_at <= at,
        )
    )
    return Measure(round(float(people or 0) / 7, 1),
                   _events(EventType.irregular_crossing, at - WEEK, at))  # fmt: skip


@measure("interceptions_7d")
def interceptions(session: Session, scope: Scope, at: dt.datetime) -> Measure:
    found = session.scalar(
        select(func.count()).where(
            Event.type == EventType.interception,
            Event.occurred_at > at - WEEK,
            Event.occurred_at <= at,
        )
    )
    return Measure(float(found or 0), _events(EventType.interception, at - WEEK, at))


def last_weekend(at: dt.datetime, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The last whole Saturday and Sunday before ``at``, in ``zone``, as UTC bounds."""
    local = at.astimezone(zone)
    monday = (local - dt.timedelta(days=local.weekday())).date()
    saturday = monday - dt.timedelta(days=2)
    start = dt.datetime.combine(saturday, dt.time(), zone)
    return start.astimezone(dt.UTC), (start + dt.timedelta(days=2)).astimezone(dt.UTC)


@measure("weekend_visitors")
def weekend_visitors(session: Session, scope: Scope, at: dt.datetime) -> Measure:
    start, end = last_weekend(at, ZoneInfo(NODE_TIMEZONES["CL"]))
    base = select(func.sum(CrossingCount.count)).where(
        CrossingCount.category == Category.visitor,
        CrossingCount.hour >= start,
        CrossingCount.hour < end,
    )
    leaving = session.scalar(
        base.where(CrossingCount.origin_node == "CL", CrossingCount.direction == Direction.exit)
    )
    arriving = session.scalar(
        base.where(CrossingCount.origin_node == "PE", CrossingCount.direction == Direction.entry)
    )
    value = leaving if leaving is not None else arriving
    side = "CL" if leaving is not None else "PE"  # the hours of the side the figure counts
    drill = select(CrossingHour.uid, CrossingHour.hour, CrossingHour.origin_node).where(
        CrossingHour.hour >= start, CrossingHour.hour < end, CrossingHour.origin_node == side
    )
    return Measure(None if value is None else float(value), drill)


_HELPED = exists().where(
    Referral.case_id == HumanitarianCase.id,
    Referral.state.in_([ReferralState.accepted, ReferralState.completed]),
)


@measure("vulnerable_waiting")
def vulnerable_waiting(session: Session, scope: Scope, at: dt.datetime) -> Measure:
    where = and_(
        HumanitarianCase.status == CaseStatus.open,
        HumanitarianCase.vulnerable.is_(True),
        HumanitarianCase.opened_at <= at,
        ~_HELPED,
    )
    waiting = session.scalar(select(func.count()).select_from(HumanitarianCase).where(where))
    drill = select(
        HumanitarianCase.uid, HumanitarianCase.opened_at, HumanitarianCase.priority
    ).where(where)
    return Measure(float(waiting or 0), drill)


@measure("overdue_referrals")
def overdue_referrals(session: Session, scope: Scope, at: dt.datetime) -> Measure:
    where = and_(Referral.state == ReferralState.pending, Referral.deadline < at)
    overdue = session.scalar(select(func.count()).select_from(Referral).where(where))
    drill = select(Referral.uid, Referral.deadline, Referral.service).where(where)
    return Measure(float(overdue or 0), drill)


@measure("separation_alerts_open")
def separation_alerts(session: Session, scope: Scope, at: dt.datetime) -> Measure:
    where = SeparationAlert.state == AlertState.open
    found = session.scalar(select(func.count()).select_from(SeparationAlert).where(where))
    drill = select(
        SeparationAlert.uid, SeparationAlert.created_at, SeparationAlert.children_separated
    ).where(where)
    return Measure(float(found or 0), drill)


@measure("critical_sector_coverage")
def patrol_shifts(session: Session, scope: Scope, at: dt.datetime) -> Measure:
    from hito.patrols import Coverage, judged_shifts  # loads OR-Tools: when measured

    judged = judged_shifts(session, scope=scope, start=at - WEEK, end=at)
    share = Coverage.of(judged).share
    rows: list[Row] = [
        (shift.plan_uid, shift.starts_at,
         f"{shift.impact}; {'patrolled' if shift.patrolled else 'not patrolled'}")
        for shift in judged
    ]  # fmt: skip
    return Measure(None if share is None else round(100 * share, 1), rows)


_ANSWERED = exists().where(InformationAnswer.request_uid == InformationRequest.uid)


@measure("overdue_requests")
def overdue_requests(session: Session, scope: Scope, at: dt.datetime) -> Measure:
    where = and_(InformationRequest.deadline < at, ~_ANSWERED)
    overdue = session.scalar(select(func.count()).select_from(InformationRequest).where(where))
    drill = select(
        InformationRequest.uid, InformationRequest.deadline, InformationRequest.target_node
    ).where(where)
    return Measure(float(overdue or 0), drill)


@measure("exchange_lag")
def exchange_lag(session: Session, scope: Scope, at: dt.datetime) -> Measure:
    states = link_states(session)
    if not states:
        return Measure(None)
    oldest = [s.oldest_pending_at for s in states if s.oldest_pending_at is not None]
    if not oldest:
        return Measure(0.0)
    return Measure(round(max(0.0, (at - min(oldest)).total_seconds() / 60), 1))
