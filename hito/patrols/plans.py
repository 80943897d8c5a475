"""Plans: drafted from the units, sectors and risk the user may see; approved by a supervisor."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from hito import audit
from hito.agencies import agency_codes
from hito.auth.scope import Scope
from hito.db import utcnow
from hito.exc import Conflict, InvalidInput, NotFound
from hito.patrols import game
from hito.patrols.models import (
    ImpactLevelName,
    PatrolAssignment,
    PatrolPlan,
    PatrolUnit,
    PlanStatus,
)
from hito.patrols.planner import solve
from hito.patrols.problem import (
    REASONS,
    Assignment,
    Plan,
    Problem,
    SectorShift,
    ShiftKind,
    make_shifts,
    shift_kind,
)
from hito.patrols.risk import default_rules
from hito.patrols.schemas import (
    AssignmentPublic,
    CoveragePublic,
    PlanFilters,
    PlanPublic,
    PlanRequest,
    PlanSummary,
    UncoveredPublic,
)
from hito.patrols.service import risk_by_sector
from hito.patrols.units import planner_unit
from hito.places.models import Sector
from hito.records import SharingLevel
from hito.settings import NODE_TIMEZONES


def build_problem(
    session: Session, *, scope: Scope, request: PlanRequest, risk_at: dt.datetime | None = None
) -> Problem:
    """The units and sectors the user may see, shifts from local midnight of the first day in
    the node's time zone, and each sector's risk and level as of the plan's start (or
    `risk_at`); a supervisor's override in force at a shift's start sets its level."""
    zone = scope.time_zone  # the node's: its users are of its country or international
    try:
        shifts = make_shifts(request.first_day, request.days, request.shift_hours, zone)
    except ValueError as problem:
        raise InvalidInput(str(problem)) from None
    names = agency_codes(session)
    rows = session.scalars(select(PatrolUnit).order_by(PatrolUnit.code))
    units = [planner_unit(r, names) for r in rows]
    rules = default_rules()
    figures = risk_by_sector(session, scope=scope, at=risk_at or shifts[0].start, rules=rules)
    risk = {r.sector: r for r in figures}
    from hito.patrols.overrides import in_force, overrides_between

    overrides = overrides_between(session, start=shifts[0].start, end=shifts[-1].start)
    table = {}
    for shift in shifts:
        forced = in_force(overrides, shift.start)  # a supervisor's level, at the shift's start
        for code, at in risk.items():
            value = at.night if shift_kind(shift, zone) is ShiftKind.night else at.day
            level = forced.get(code, rules.level(value))
            # an overridden level is worth at least what reaches it: a sector a supervisor
            # raised to critical on word of mouth, with no event yet, is chased, not ignored
            value = max(value, rules.impact.get(level, 0.0))
            table[code, shift.index] = SectorShift(value, level)
    countries = sorted({scope.node, *(u.country for u in units)})
    return Problem(shifts, units, sorted(risk), countries, table)


def make_plan(session: Session, *, scope: Scope, request: PlanRequest) -> PlanPublic:
    """Draft a plan: the best the planner finds within the time given, the coverage
    probabilities of the security game, and why high or critical posts stay uncovered."""
    scope.require("write")
    problem = build_problem(session, scope=scope, request=request)
    if not problem.units:
        raise InvalidInput(
            "no patrol units to plan: add units first (hito patrols units load)",
            key="pt_err_no_units",
        )
    plan = solve(problem, seconds=request.seconds, seed=request.seed)
    cover = game.coverage(problem, game.staffing(plan), problem.reachable())
    row = PatrolPlan(
        country=scope.node,
        starts_at=problem.shifts[0].start,
        days=request.days,
        shift_hours=request.shift_hours,
        seed=request.seed,
        status=PlanStatus.draft,
        solver_status=plan.status,
        objective=round(plan.objective, 3),
        bound=round(plan.bound, 3),
        coverage=json.dumps(
            sorted([s, c, k, round(p, 4)] for (s, c, k), p in cover.probability.items())
        ),
        uncovered=json.dumps(
            [[u.sector, u.country, u.shift, u.impact.name, u.reason] for u in plan.uncovered]
        ),
        drafted_by_id=scope.user_id,
        origin_node=scope.node,
        sharing_level="national",
    )
    session.add(row)
    session.flush()
    add_assignments(session, row, problem, plan.assignments)
    audit.record(
        session, scope=scope, action="patrols.plan.create", object_type="patrol_plan",
        object_ids=[row.uid], detail=request.model_dump(mode="json"),
    )  # fmt: skip
    return plan_public(session, row)


def add_assignments(
    session: Session, row: PatrolPlan, problem: Problem, assignments: Iterable[Assignment]
) -> None:
    """Store assignments of the plan `row`, each with its sector's level in its shift as
    `problem` has it, and scoped like the plan."""
    units = {
        code: (unit_id, agency_id, kind)
        for code, unit_id, agency_id, kind in session.execute(
            select(PatrolUnit.code, PatrolUnit.id, PatrolUnit.agency_id, PatrolUnit.kind)
        )
    }
    sectors = dict(session.execute(select(Sector.code, Sector.id)).all())
    for a in assignments:
        shift = problem.shifts[a.shift]
        unit_id, agency_id, kind = units[a.unit]
        session.add(
            PatrolAssignment(
                plan_id=row.id,
                unit_id=unit_id,
                agency_id=agency_id,
                kind=kind,
                sector_id=sectors[a.sector],
                country=a.country,
                starts_at=shift.start,
                ends_at=shift.end,
                impact=ImpactLevelName(problem.impact((a.sector, a.country, a.shift)).name),
                origin_node=row.origin_node,
                sharing_level=row.sharing_level,
                audience=row.audience,
            )  # fmt: skip
        )
    session.flush()


def find_plan(session: Session, *, scope: Scope, plan_id: int, to: str | None = None) -> PatrolPlan:
    """The plan, if the user sees it; `to` names what the user means to do to it, which only
    the plan's own node may."""
    row = session.scalar(select(PatrolPlan).where(PatrolPlan.id == plan_id))
    if row is None:
        raise NotFound(f"plan {plan_id} not found")
    if to is not None and row.origin_node != scope.node:
        raise Conflict(
            f"plan {plan_id} is the other side's: only its node {to} it",
            key="pt_err_other_side",
            params={"plan": plan_id},
        )
    return row


def list_plans(session: Session, *, scope: Scope, filters: PlanFilters) -> list[PlanSummary]:
    """Plans the user sees (this node's and those the other side shared), newest first."""
    count = (
        select(func.count())
        .where(PatrolAssignment.plan_id == PatrolPlan.id)
        .correlate(PatrolPlan)
        .scalar_subquery()
    )
    query = select(PatrolPlan, count).order_by(PatrolPlan.starts_at.desc(), PatrolPlan.id.desc())
    if filters.country:
        query = query.where(PatrolPlan.country == filters.country)
    if filters.status:
        query = query.where(PatrolPlan.status == filters.status)
    rows = session.execute(query).all()
    out = []
    for row, assignments in rows:
        if filters.at is not None:
            start, end = plan_period(row)
            if not start <= filters.at < end:
                continue
        out.append(
            PlanSummary(
                id=row.id,
                uid=row.uid,
                country=row.country,
                status=row.status,
                starts_at=row.starts_at.astimezone(dt.UTC),
                days=row.days,
                shift_hours=row.shift_hours,
                objective=row.objective,
                assignments=assignments,
                approved_at=row.approved_at,
            )  # fmt: skip
        )
        if len(out) == filters.limit:
            break
    return out


def get_plan(session: Session, *, scope: Scope, plan_id: int) -> PlanPublic:
    return plan_public(session, find_plan(session, scope=scope, plan_id=plan_id))


_APPROVAL_LOCK = 0x48_50_4C_4E  # "HPLN": approvals one at a time (SQLite writes one at a time)


def approve_plan(session: Session, *, scope: Scope, plan_id: int) -> PlanPublic:
    """A supervisor approves a draft; an approved plan is not approved again. Approval shares
    it with the other side (binational): the agreement says which of its fields go (sectors,
    times, agencies and kinds of unit, never a unit's crew)."""
    scope.require("supervise")
    row = find_plan(session, scope=scope, plan_id=plan_id, to="approves")
    if row.status is PlanStatus.approved:
        raise Conflict(
            f"plan {plan_id} is already approved",
            key="pt_err_already_approved",
            params={"plan": plan_id},
        )
    if session.get_bind().dialect.name == "postgresql":  # two approvals at once: one waits
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _APPROVAL_LOCK})
    start, end = plan_period(row)
    candidates = session.scalars(
        select(PatrolPlan).where(
            PatrolPlan.origin_node == row.origin_node, PatrolPlan.status == PlanStatus.approved,
            PatrolPlan.starts_at < end, PatrolPlan.id != row.id,
        )
    ).all()  # fmt: skip
    for other in candidates:  # one approved plan at a time: a unit had two shifts at once
        other_start, other_end = plan_period(other)
        if other_end > start:
            zone = ZoneInfo(NODE_TIMEZONES[other.origin_node])
            raise Conflict(
                f"plan {other.id} is approved from {other_start.isoformat()} to "
                f"{other_end.isoformat()}, which overlaps this plan's days; withdraw it first "
                f"(POST /api/v1/patrols/plans/{other.id}/withdraw) or plan the days after it",
                key="pt_err_overlaps",
                params={
                    "other": other.id,
                    "first": other_start.astimezone(zone).date().isoformat(),
                    "last": (other_end.astimezone(zone) - dt.timedelta(days=1)).date().isoformat(),
                },
            )
    row.status = PlanStatus.approved
    row.sharing_level = SharingLevel.binational
    row.approved_by_id = scope.user_id
    row.approved_at = utcnow()
    session.execute(  # its shifts are read where the plan is
        update(PatrolAssignment)
        .where(PatrolAssignment.plan_id == row.id)
        .values(sharing_level=row.sharing_level)
    )
    session.flush()
    audit.record(
        session, scope=scope, action="patrols.plan.approve", object_type="patrol_plan",
        object_ids=[row.uid],
    )  # fmt: skip
    return plan_public(session, row)


def withdraw_plan(session: Session, *, scope: Scope, plan_id: int, reason: str) -> PlanPublic:
    """A supervisor returns an approved plan to draft, with the reason (audited): its days are
    free for another plan, its shifts no longer count, and the other side, which has it, gets
    the new status with the next exchange (it stays shared so that it does)."""
    scope.require("supervise")
    row = find_plan(session, scope=scope, plan_id=plan_id, to="withdraws")
    if row.status is not PlanStatus.approved:
        raise Conflict(
            f"plan {plan_id} is not approved",
            key="pt_err_not_approved",
            params={"plan": plan_id},
        )
    row.status = PlanStatus.draft
    row.approved_by_id = None
    row.approved_at = None
    session.flush()
    audit.record(
        session, scope=scope, action="patrols.plan.withdraw", object_type="patrol_plan",
        object_ids=[row.uid], detail={"reason": reason},
    )  # fmt: skip
    return plan_public(session, row)


def plan_period(row: PatrolPlan) -> tuple[dt.datetime, dt.datetime]:
    """From the local midnight a plan starts at to the local midnight `days` later: its
    shifts follow the clock on the wall, so across a change of summer time the period is an
    hour shorter or longer than `days` × 24 h."""
    zone = ZoneInfo(NODE_TIMEZONES[row.origin_node])
    first = row.starts_at.astimezone(zone)
    last = dt.datetime.combine(first.date() + dt.timedelta(days=row.days), first.time(), zone)
    return row.starts_at, last.astimezone(dt.UTC)


def _assignments_query(row: PatrolPlan) -> Any:
    return (
        select(PatrolAssignment, PatrolUnit.code, PatrolAssignment.agency_id, Sector.code)
        .outerjoin(PatrolUnit, PatrolUnit.id == PatrolAssignment.unit_id)
        .join(Sector, Sector.id == PatrolAssignment.sector_id)
        .where(PatrolAssignment.plan_id == row.id)
        .order_by(PatrolAssignment.starts_at, PatrolAssignment.country, Sector.code)
        .order_by(PatrolUnit.code)
    )


def stored_plan(session: Session, row: PatrolPlan, problem: Problem) -> Plan:
    """The stored plan as the planner sees it (shifts by their index in `problem`)."""
    index = {k.start: k.index for k in problem.shifts}
    assignments = [
        Assignment(unit, sector, a.country, index[a.starts_at])
        for a, unit, _, sector in session.execute(_assignments_query(row))
    ]
    return Plan(assignments, row.objective, row.bound, row.solver_status, 0.0)


def plan_public(session: Session, row: PatrolPlan) -> PlanPublic:
    names = agency_codes(session)
    assignments = [
        AssignmentPublic(
            unit=unit,
            agency=names[agency],
            kind=a.kind,
            country=a.country,
            sector=sector,
            start=a.starts_at.astimezone(dt.UTC),
            end=a.ends_at.astimezone(dt.UTC),
            impact=a.impact,
        )  # fmt: skip
        for a, unit, agency, sector in session.execute(_assignments_query(row))
    ]
    hours = dt.timedelta(hours=row.shift_hours)

    def start(k: int) -> dt.datetime:
        return (row.starts_at + k * hours).astimezone(dt.UTC)

    return PlanPublic(
        id=row.id,
        uid=row.uid,
        country=row.country,
        status=row.status,
        starts_at=row.starts_at.astimezone(dt.UTC),
        days=row.days,
        shift_hours=row.shift_hours,
        seed=row.seed,
        solver_status=row.solver_status,
        objective=row.objective,
        bound=row.bound,
        gap=round((row.bound - row.objective) / row.bound, 6) if row.bound > 0 else 0.0,
        assignments=assignments,
        coverage=[
            CoveragePublic(sector=s, country=c, start=start(k), end=start(k + 1), probability=p)
            for s, c, k, p in json.loads(row.coverage)
        ],
        uncovered=[
            UncoveredPublic(
                sector=s,
                country=c,
                start=start(k),
                end=start(k + 1),
                impact=i,
                reason=r,
                explanation=REASONS[r],
            )  # fmt: skip
            for s, c, k, i, r in json.loads(row.uncovered)
        ],
        approved_at=row.approved_at,
    )
