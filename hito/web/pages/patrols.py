"""The plan board of the duty supervisors: plans of both sides; a plan's units × shifts with the
other side's approved plan beside it (joint shifts marked), the posts left uncovered and why,
the coverage probabilities; drafting a plan, and approving one (supervisors)."""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from hito import patrols
from hito.auth import Scope
from hito.exc import Conflict, Forbidden, HitoError, NotFound
from hito.fields import MAX_ID
from hito.patrols import (
    PlanFilters,
    PlanPublic,
    PlanRequest,
    PlanStatus,
    PlanSummary,
    ShiftKind,
)
from hito.patrols.problem import Shift, shift_kind
from hito.patrols.schemas import AssignmentPublic, UnitPublic, Withdrawal
from hito.settings import NODE_TIMEZONES, Settings
from hito.web.deps import SettingsDep
from hito.web.pages._render import (
    PageScope,
    PageSession,
    lang,
    not_found,
    problem_message,
    render,
    to_login,
    user_zone,
)

router = APIRouter(include_in_schema=False)
SHIFT_HOURS = (4, 6, 8, 12, 24)


@dataclass(frozen=True)
class Column:
    """One shift of the plan shown, from `start` to `end` (aware)."""

    start: dt.datetime
    end: dt.datetime
    night: bool


@dataclass(frozen=True)
class Post:
    sector: str
    joint: bool  # the other side covers the same sector in this shift too
    impact: str | None = None  # the sector's level in this shift when planned (None: not kept)


@dataclass
class BoardRow:
    """A unit's shifts; on a plan received from the other side (no unit), an agency and kind's."""

    unit: str | None
    agency: str
    kind: str
    cells: list[list[Post]] = field(default_factory=list)


@dataclass
class Side:
    plan: PlanPublic
    own: bool
    rows: list[BoardRow]


class Grid:
    """The shifts of the plan shown, as columns; any stretch of time falls in some of them."""

    def __init__(self, plan: PlanPublic, zone: ZoneInfo) -> None:
        hours = dt.timedelta(hours=plan.shift_hours)
        self.columns: list[Column] = []
        for k in range(plan.days * 24 // plan.shift_hours):
            start = plan.starts_at + k * hours
            night = shift_kind(Shift(k, start, start + hours), zone) is ShiftKind.night
            self.columns.append(Column(start, start + hours, night))
        self._starts = [c.start for c in self.columns]
        self._ends = [c.end for c in self.columns]

    def spanned(self, start: dt.datetime, end: dt.datetime) -> range:
        """The columns a stretch of time overlaps (the other side's shifts start at its own
        midnight, so one of its shifts may overlap two of ours)."""
        return range(bisect.bisect_right(self._ends, start), bisect.bisect_left(self._starts, end))

    def days(self, zone: ZoneInfo) -> list[tuple[str, int]]:
        """Each local day and how many of the columns start in it."""
        days: dict[str, int] = {}
        for c in self.columns:
            day = c.start.astimezone(zone).strftime("%Y-%m-%d")
            days[day] = days.get(day, 0) + 1
        return list(days.items())


def joint_posts(grid: Grid, assignments: Iterable[AssignmentPublic]) -> set[tuple[str, int]]:
    """(sector, column) pairs that both countries cover."""
    sides: dict[tuple[str, int], set[str]] = defaultdict(set)
    for a in assignments:
        for i in grid.spanned(a.start, a.end):
            sides[a.sector, i].add(a.country)
    return {post for post, countries in sides.items() if len(countries) > 1}


def board_rows(
    plan: PlanPublic, grid: Grid, joint: set[tuple[str, int]], units: Iterable[UnitPublic] = ()
) -> list[BoardRow]:
    """A row per unit (those given no shift too, so the supervisor sees who is free), or per
    agency and kind on a plan received from the other side."""
    rows: dict[tuple[str, str, str], BoardRow] = {}
    for u in units:
        rows[u.agency, u.code, u.kind.value] = BoardRow(
            u.code, u.agency, u.kind.value, [[] for _ in grid.columns]
        )
    for a in sorted(plan.assignments, key=lambda a: a.sector):
        key = (a.agency, a.unit or "", a.kind.value)
        if key not in rows:
            rows[key] = BoardRow(a.unit, a.agency, a.kind.value, [[] for _ in grid.columns])
        for i in grid.spanned(a.start, a.end):
            level = a.impact.value if a.impact is not None else None
            rows[key].cells[i].append(Post(a.sector, (a.sector, i) in joint, level))
    return [rows[key] for key in sorted(rows)]


def heat_rows(plan: PlanPublic, grid: Grid) -> list[tuple[str, list[float | None]]]:
    """The security game's coverage probability of each sector (and side) in each shift."""
    index = {c.start: i for i, c in enumerate(grid.columns)}
    countries = {c.country for c in plan.coverage}
    table: dict[str, list[float | None]] = {}
    for c in sorted(plan.coverage, key=lambda c: (c.sector, c.country)):
        label = c.sector if len(countries) < 2 else f"{c.sector} ({c.country})"
        cells = table.setdefault(label, [None] * len(grid.columns))
        if c.start in index:
            cells[index[c.start]] = c.probability
    return list(table.items())


def counterpart(session: Session, scope: Scope, plan: PlanPublic) -> PlanPublic | None:
    """The other country's approved plan that overlaps this one's window the most."""
    other = next(c for c in NODE_TIMEZONES if c != plan.country)
    end = plan.starts_at + dt.timedelta(days=plan.days)
    candidates = patrols.list_plans(
        session,
        scope=scope,
        filters=PlanFilters(country=other, status=PlanStatus.approved, limit=500),
    )

    def overlap(p: PlanSummary) -> dt.timedelta:
        return min(end, p.starts_at + dt.timedelta(days=p.days)) - max(plan.starts_at, p.starts_at)

    best = max(candidates, key=overlap, default=None)
    if best is None or overlap(best) <= dt.timedelta(0):
        return None
    return patrols.get_plan(session, scope=scope, plan_id=best.id)


def _plans_view(
    request: Request,
    scope: Scope,
    session: Session,
    settings: Settings,
    *,
    chosen: dict[str, str],
    draft: dict[str, str] | None = None,
    error: str | None = None,
) -> Response:
    zone = user_zone(scope, settings.node)
    try:
        noon = (
            dt.datetime.combine(dt.date.fromisoformat(chosen["on"]), dt.time(12), tzinfo=zone)
            if chosen["on"]
            else None
        )
        filters = PlanFilters.model_validate(
            {"country": chosen["country"] or None, "status": chosen["status"] or None,
             "at": noon.isoformat() if noon else None}
        )  # fmt: skip
        plans = patrols.list_plans(session, scope=scope, filters=filters)
    except (ValidationError, HitoError, ValueError) as problem:
        plans, error = [], error or problem_message(problem, lang(request))
    tomorrow = (dt.datetime.now(zone) + dt.timedelta(days=1)).date().isoformat()
    return render(
        request,
        "patrols/plans.html",
        scope,
        settings,
        plans=plans,
        chosen=chosen,
        countries=list(NODE_TIMEZONES),
        statuses=[s.value for s in PlanStatus],
        draft=draft or {"first_day": tomorrow, "days": "7", "shift_hours": "8"},
        shift_hours=SHIFT_HOURS,
        error=error,
    )


@router.get("/patrols/plans", response_class=HTMLResponse)
def plans_page(
    request: Request,
    scope: PageScope,
    session: PageSession,
    settings: SettingsDep,
    country: str = "",
    status: str = "",
    on: str = "",
) -> Response:
    if scope is None:
        return to_login(request)
    chosen = {"country": country.strip(), "status": status.strip(), "on": on.strip()[:10]}
    return _plans_view(request, scope, session, settings, chosen=chosen)


@router.post("/patrols/plans")
def draft_plan(
    request: Request,
    scope: PageScope,
    session: PageSession,
    settings: SettingsDep,
    first_day: Annotated[str, Form(max_length=10)],
    days: Annotated[str, Form(max_length=3)] = "7",
    shift_hours: Annotated[str, Form(max_length=3)] = "8",
) -> Response:
    """Drafts a plan (operators and supervisors) and opens its board."""
    if scope is None:
        return to_login(request)
    typed = {"first_day": first_day.strip(), "days": days.strip(), "shift_hours": shift_hours}
    try:
        plan = patrols.make_plan(
            session,
            scope=scope,
            request=PlanRequest.model_validate(
                {**typed, "days": int(typed["days"]), "shift_hours": int(typed["shift_hours"])}
            ),
        )
    except (ValidationError, HitoError, ValueError) as problem:
        session.rollback()
        page = _plans_view(
            request, scope, session, settings,
            chosen=dict.fromkeys(("country", "status", "on"), ""), draft=typed,
            error=problem_message(problem, lang(request)),
        )  # fmt: skip
        page.status_code = 403 if isinstance(problem, Forbidden) else 422
        return page
    return RedirectResponse(f"/patrols/plans/{plan.id}?drafted=1", status_code=303)


def _plan_view(
    request: Request,
    scope: Scope,
    session: Session,
    settings: Settings,
    plan_id: int,
    error: str | None = None,
) -> Response:
    try:
        plan = patrols.get_plan(session, scope=scope, plan_id=plan_id)
    except (NotFound, Forbidden):
        return not_found(request, scope, settings)
    zone = user_zone(scope, settings.node)
    other = counterpart(session, scope, plan)
    grid = Grid(plan, zone)
    joint = joint_posts(grid, [*plan.assignments, *(other.assignments if other else [])])
    units = [u for u in patrols.list_units(session, scope=scope) if u.country == settings.node]
    sides = [
        Side(p, p.country == settings.node,
             board_rows(p, grid, joint, units if p.country == settings.node else ()))
        for p in (plan, other) if p is not None
    ]  # fmt: skip
    return render(
        request,
        "patrols/plan.html",
        scope,
        settings,
        plan=plan,
        own=plan.country == settings.node,
        sides=sides,
        other_country=next(c for c in NODE_TIMEZONES if c != plan.country),
        columns=grid.columns,
        days=grid.days(zone),
        heat=heat_rows(plan, grid),
        uncovered=sorted(plan.uncovered, key=lambda u: (u.start, u.sector, u.country)),
        can_approve=(
            plan.status is PlanStatus.draft
            and plan.country == settings.node
            and scope.may("supervise")
        ),
        can_withdraw=(
            plan.status is PlanStatus.approved
            and plan.country == settings.node
            and scope.may("supervise")
        ),
        approved=request.query_params.get("approved"),
        withdrawn=request.query_params.get("withdrawn"),
        drafted=request.query_params.get("drafted"),
        error=error,
    )


@router.get("/patrols/plans/{plan_id:int}", response_class=HTMLResponse)
def plan_page(
    request: Request, scope: PageScope, session: PageSession, settings: SettingsDep, plan_id: int
) -> Response:
    if scope is None:
        return to_login(request)
    if not 1 <= plan_id <= MAX_ID:
        return not_found(request, scope, settings)
    return _plan_view(request, scope, session, settings, plan_id)


@router.post("/patrols/plans/{plan_id:int}/approve")
def approve(
    request: Request, scope: PageScope, session: PageSession, settings: SettingsDep, plan_id: int
) -> Response:
    """A supervisor approves a draft of this node; the board again, with a notice."""
    if scope is None:
        return to_login(request)
    if not 1 <= plan_id <= MAX_ID:
        return not_found(request, scope, settings)
    try:
        patrols.approve_plan(session, scope=scope, plan_id=plan_id)
    except NotFound:
        return not_found(request, scope, settings)
    except HitoError as problem:
        return _refused(request, scope, session, settings, plan_id, problem)
    return RedirectResponse(f"/patrols/plans/{plan_id}?approved=1", status_code=303)


@router.post("/patrols/plans/{plan_id:int}/withdraw")
def withdraw(
    request: Request, scope: PageScope, session: PageSession, settings: SettingsDep, plan_id: int,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:  # fmt: skip
    """A supervisor returns an approved plan of this node to draft, with the reason typed."""
    if scope is None:
        return to_login(request)
    if not 1 <= plan_id <= MAX_ID:
        return not_found(request, scope, settings)
    try:
        typed = Withdrawal.model_validate({"reason": reason.strip()})
        patrols.withdraw_plan(session, scope=scope, plan_id=plan_id, reason=typed.reason)
    except NotFound:
        return not_found(request, scope, settings)
    except (ValidationError, HitoError) as problem:
        return _refused(request, scope, session, settings, plan_id, problem)
    return RedirectResponse(f"/patrols/plans/{plan_id}?withdrawn=1", status_code=303)


def _refused(
    request: Request, scope: Scope, session: Session, settings: Settings, plan_id: int,
    problem: ValidationError | HitoError,
) -> Response:  # fmt: skip
    """The board again, nothing changed, with why the action was refused."""
    session.rollback()
    page = _plan_view(
        request, scope, session, settings, plan_id, problem_message(problem, lang(request))
    )
    page.status_code = (
        403 if isinstance(problem, Forbidden) else 409 if isinstance(problem, Conflict) else 422
    )
    return page
