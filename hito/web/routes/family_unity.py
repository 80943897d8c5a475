"""Family unity: planned movements and the separation alerts they raise."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from hito.humanitarian import family
from hito.humanitarian.models import AlertState
from hito.humanitarian.schemas import (
    AlertResolution,
    MovementCreate,
    MovementPublic,
    SeparationAlertPublic,
)
from hito.web.deps import CurrentScope, PathId, SessionDep
from hito.web.problems import documented

router = APIRouter(prefix="/humanitarian", tags=["humanitarian plan"])


@router.post(
    "/movements",
    response_model=MovementPublic,
    status_code=201,
    responses=documented(400, 401, 403, 404, 413, 422),
)
def plan_movement(data: MovementCreate, scope: CurrentScope, session: SessionDep) -> MovementPublic:
    """Plan a transfer, referral, detention, removal or relocation. If it would split a family
    or travel group, a separation alert is raised now, before anything happens, and the
    movement cannot be carried out until the alert is resolved with a reason."""
    movement = family.plan_movement(session, scope=scope, data=data)
    return family.movement_public(session, movement)


@router.post(
    "/movements/{movement_id:int}/carry-out",
    response_model=MovementPublic,
    responses=documented(401, 403, 404, 409, 422),
)
def carry_out(movement_id: PathId, scope: CurrentScope, session: SessionDep) -> MovementPublic:
    """Record that the movement was carried out: refused while a separation alert is open."""
    movement = family.carry_out(session, scope=scope, movement_id=movement_id)
    return family.movement_public(session, movement)


@router.post(
    "/movements/{movement_id:int}/cancel",
    response_model=MovementPublic,
    responses=documented(401, 403, 404, 409, 422),
)
def cancel(movement_id: PathId, scope: CurrentScope, session: SessionDep) -> MovementPublic:
    movement = family.cancel_movement(session, scope=scope, movement_id=movement_id)
    return family.movement_public(session, movement)


@router.get(
    "/separation-alerts",
    response_model=list[SeparationAlertPublic],
    responses=documented(401, 403, 422),
)
def separation_alerts(
    scope: CurrentScope,
    session: SessionDep,
    state: Annotated[AlertState | None, Query(description="open or resolved")] = None,
) -> list[SeparationAlertPublic]:
    """Separation alerts, newest first: supervisors, caseworkers and humanitarian staff."""
    return family.list_alerts(session, scope=scope, state=state)


@router.post(
    "/separation-alerts/{alert_id:int}/resolve",
    response_model=SeparationAlertPublic,
    responses=documented(400, 401, 403, 404, 409, 413, 422),
)
def resolve_alert(
    alert_id: PathId, data: AlertResolution, scope: CurrentScope, session: SessionDep
) -> SeparationAlertPublic:
    """Resolve a separation alert with its outcome and the reason."""
    alert = family.resolve_alert(session, scope=scope, alert_id=alert_id, data=data)
    return family.alert_public(alert)
