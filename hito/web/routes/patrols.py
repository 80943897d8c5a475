from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query

from hito import patrols
from hito.patrols import (
    ChangePublic,
    PlanFilters,
    PlanPublic,
    PlanRequest,
    PlanSummary,
    ReplanRequest,
    RiskQuery,
    SectorRisk,
    UnitCreate,
    UnitPublic,
)
from hito.patrols.schemas import Withdrawal
from hito.web.deps import CurrentScope, PathId, SessionDep
from hito.web.problems import documented

router = APIRouter(tags=["patrols"])


@router.get("/patrols/risk", response_model=list[SectorRisk], responses=documented(401, 422))
def sector_risk(
    query: Annotated[RiskQuery, Query()], scope: CurrentScope, session: SessionDep
) -> list[SectorRisk]:
    """Each sector's risk by day and by night from the recent events (of both sides) the user
    may see, with its impact level; weights, decay and thresholds are data
    (`hito/patrols/data/risk.yaml`)."""
    return patrols.risk_by_sector(session, scope=scope, at=query.at)


@router.get("/patrols/units", response_model=list[UnitPublic], responses=documented(401))
def list_units(scope: CurrentScope, session: SessionDep) -> list[UnitPublic]:
    return patrols.list_units(session, scope=scope)


@router.post(
    "/patrols/units",
    response_model=list[UnitPublic],
    status_code=201,
    responses=documented(400, 401, 403, 409, 413, 422),
)
def create_units(
    units: Annotated[list[UnitCreate], Body(min_length=1, max_length=1000)],
    scope: CurrentScope,
    session: SessionDep,
) -> list[UnitPublic]:
    """Add units of this node's country (supervisors): all are written, or none."""
    return patrols.create_units(session, scope=scope, units=units)


@router.get("/patrols/plans", response_model=list[PlanSummary], responses=documented(401, 422))
def list_plans(
    filters: Annotated[PlanFilters, Query()], scope: CurrentScope, session: SessionDep
) -> list[PlanSummary]:
    """Plans the user sees, this node's and the other side's approved ones, newest first."""
    return patrols.list_plans(session, scope=scope, filters=filters)


@router.post(
    "/patrols/plans",
    response_model=PlanPublic,
    status_code=201,
    responses=documented(400, 401, 403, 413, 422),
)
def make_plan(data: PlanRequest, scope: CurrentScope, session: SessionDep) -> PlanPublic:
    """Draft a plan over the units, sectors and risk the user may see."""
    return patrols.make_plan(session, scope=scope, request=data)


@router.get(
    "/patrols/plans/{plan_id}", response_model=PlanPublic, responses=documented(401, 404, 422)
)
def get_plan(plan_id: PathId, scope: CurrentScope, session: SessionDep) -> PlanPublic:
    return patrols.get_plan(session, scope=scope, plan_id=plan_id)


@router.post(
    "/patrols/plans/{plan_id}/approve",
    response_model=PlanPublic,
    responses=documented(401, 403, 404, 409, 422),
)
def approve_plan(plan_id: PathId, scope: CurrentScope, session: SessionDep) -> PlanPublic:
    """A supervisor approves a draft plan."""
    return patrols.approve_plan(session, scope=scope, plan_id=plan_id)


@router.post(
    "/patrols/plans/{plan_id}/withdraw",
    response_model=PlanPublic,
    responses=documented(401, 403, 404, 409, 422),
)
def withdraw_plan(
    plan_id: PathId, data: Withdrawal, scope: CurrentScope, session: SessionDep
) -> PlanPublic:
    """A supervisor returns an approved plan to draft, saying why; its days are free again."""
    return patrols.withdraw_plan(session, scope=scope, plan_id=plan_id, reason=data.reason)


@router.post(
    "/patrols/plans/{plan_id}/replan",
    response_model=ChangePublic,
    responses=documented(401, 403, 404, 409, 422),
)
def replan(
    plan_id: PathId, data: ReplanRequest, scope: CurrentScope, session: SessionDep
) -> ChangePublic:
    """The smallest change to the shift holding `at` that covers a high-impact event in
    `sector`; shown, and applied only with `apply` (supervisors)."""
    return patrols.propose_change(session, scope=scope, plan_id=plan_id, data=data)
