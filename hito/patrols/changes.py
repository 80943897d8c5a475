"""Changes to a stored plan: re-planning one shift around a high-impact event."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from hito import audit
from hito.auth.scope import Scope
from hito.db import utcnow
from hito.exc import InvalidInput
from hito.patrols.models import ImpactLevelName, PatrolAssignment, PatrolPlan, PatrolUnit
from hito.patrols.plans import add_assignments, build_problem, find_plan, stored_plan
from hito.patrols.problem import Assignment, Problem
from hito.patrols.replan import replan
from hito.patrols.schemas import AssignmentPublic, ChangePublic, PlanRequest, ReplanRequest
from hito.places.models import Sector


def propose_change(
    session: Session, *, scope: Scope, plan_id: int, data: ReplanRequest
) -> ChangePublic:
    """The smallest change to the shift holding `data.at` that covers the event's post, with
    the risk as of that moment; applied only when asked, by a supervisor."""
    scope.require("supervise" if data.apply else "write")
    row = find_plan(session, scope=scope, plan_id=plan_id, to="changes")
    request = PlanRequest(
        first_day=row.starts_at.astimezone(scope.time_zone).date(), days=row.days,
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
    current = stored_plan(session, row, problem)
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
    units = {u.code: u for u in problem.units}

    def public(a: Assignment) -> AssignmentPublic:
        k = problem.shifts[a.shift]
        level = problem.impact((a.sector, a.country, a.shift)).name
        return AssignmentPublic(unit=a.unit, agency=units[a.unit].agency,
                                kind=units[a.unit].kind, country=a.country,
                                sector=a.sector, start=k.start.astimezone(dt.UTC),
                                end=k.end.astimezone(dt.UTC),
                                impact=ImpactLevelName(level))  # fmt: skip

    return ChangePublic(
        added=[public(a) for a in change.added],
        removed=[public(a) for a in change.removed],
        covers=change.covers,
        applied=applied,
    )


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
    add_assignments(session, row, problem, added)
    row.updated_at = utcnow()  # a new version: an approved plan travels again, whole
    session.flush()
