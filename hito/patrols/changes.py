"""Changes to a stored plan: re-planning one shift around a high-impact event."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from hito import audit
from hito.auth.scope import Scope
from hito.exc import Conflict, InvalidInput, NotFound
from hito.patrols.models import PatrolAssignment, PatrolPlan, PatrolUnit
from hito.patrols.plans import build_problem, plan_public
from hito.patrols.problem import Assignment, Plan, Problem
from hito.patrols.replan import replan
from hito.patrols.schemas import AssignmentPublic, ChangePublic, PlanRequest, ReplanRequest
from hito.places.models import Sector
from hito.settings import NODE_TIMEZONES


def propose_change(
    session: Session, *, scope: Scope, plan_id: int, data: ReplanRequest
) -> ChangePublic:
    """The smallest change to the shift holding `data.at` that covers the event's post, with
    the risk as of that moment; applied only when asked, by a supervisor."""
    scope.require("supervise" if data.apply else "write")
    row = session.scalar(select(PatrolPlan).where(PatrolPlan.id == plan_id))
    if row is None:
        raise NotFound(f"plan {plan_id} not found")
    if row.origin_node != scope.node:
        raise Conflict(f"plan {plan_id} is the other side's: only its node changes it")
    zone = ZoneInfo(NODE_TIMEZONES[scope.node])
    request = PlanRequest(
        first_day=row.starts_at.astimezone(zone).date(), days=row.days,
        shift_hours=row.shift_hours, seed=row.seed,
    )  # fmt: skip
    problem = build_problem(session, scope=scope, request=request, risk_at=data.at)
    shift = next((k for k in problem.shifts if k.start <= data.at < k.end), None)
    if shift is None:
        raise InvalidInput(f"{data.at.isoformat()} is outside plan {plan_id}")
    if data.sector not in problem.sectors:
        raise InvalidInput(f"unknown sector {data.sector}")
    country = data.country or scope.node
    if country not in problem.countries:
        raise InvalidInput(f"no units of {country} in this plan's view")
    current = _current(session, row, problem)
    change = replan(
        problem, current, post=(data.sector, country, shift.index), seconds=data.seconds,
        seed=row.seed,
    )  # fmt: skip
    applied = data.apply and bool(change.added or change.removed)
    if applied:
        _apply(session, row, problem, change.added, change.removed)
        audit.record(
            session, scope=scope, action="patrols.plan.replan", object_type="patrol_plan",
            object_ids=[row.uid], detail=data.model_dump(mode="json"),
        )  # fmt: skip
    units = {u.code: u.agency for u in problem.units}

    def public(a: Assignment) -> AssignmentPublic:
        k = problem.shifts[a.shift]
        return AssignmentPublic(unit=a.unit, agency=units[a.unit], country=a.country,
                                sector=a.sector, start=k.start.astimezone(dt.UTC),
                                end=k.end.astimezone(dt.UTC))  # fmt: skip

    return ChangePublic(
        added=[public(a) for a in change.added],
        removed=[public(a) for a in change.removed],
        covers=change.covers,
        applied=applied,
    )


def _current(session: Session, row: PatrolPlan, problem: Problem) -> Plan:
    index = {k.start: k.index for k in problem.shifts}
    stored = plan_public(session, row)
    assignments = [
        Assignment(a.unit, a.sector, a.country, index[a.start.astimezone(dt.UTC)])
        for a in stored.assignments
    ]
    return Plan(assignments, stored.objective, stored.bound, stored.solver_status, 0.0)


def _apply(
    session: Session,
    row: PatrolPlan,
    problem: Problem,
    added: list[Assignment],
    removed: list[Assignment],
) -> None:
    units = dict(session.execute(select(PatrolUnit.code, PatrolUnit.id)).all())
    sectors = dict(session.execute(select(Sector.code, Sector.id)).all())
    for a in removed:
        session.execute(
            delete(PatrolAssignment).where(
                PatrolAssignment.plan_id == row.id,
                PatrolAssignment.unit_id == units[a.unit],
                PatrolAssignment.sector_id == sectors[a.sector],
                PatrolAssignment.starts_at == problem.shifts[a.shift].start,
            )
        )
    for a in added:
        k = problem.shifts[a.shift]
        session.add(PatrolAssignment(plan_id=row.id, unit_id=units[a.unit],
                                     sector_id=sectors[a.sector], country=a.country,
                                     starts_at=k.start, ends_at=k.end))  # fmt: skip
    session.flush()
