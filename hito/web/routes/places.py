from __future__ import annotations

from fastapi import APIRouter

from hito import places
from hito.places import (
    CrossingPointCreate,
    CrossingPointPublic,
    CrossingPointUpdate,
    CrossingStatusChangePublic,
    FacilityPublic,
    SectorPublic,
)
from hito.web.deps import CurrentScope, PathId, SessionDep
from hito.web.problems import documented

router = APIRouter(tags=["places"])


@router.get("/sectors", response_model=list[SectorPublic], responses=documented(401))
def list_sectors(scope: CurrentScope, session: SessionDep) -> list[SectorPublic]:
    """Border sectors as GeoJSON polygons, from the coast to the tripoint."""
    return places.list_sectors(session, scope=scope)


@router.get("/crossing-points", response_model=list[CrossingPointPublic], responses=documented(401))
def list_crossing_points(scope: CurrentScope, session: SessionDep) -> list[CrossingPointPublic]:
    return places.list_crossing_points(session, scope=scope)


@router.post(
    "/crossing-points",
    response_model=CrossingPointPublic,
    status_code=201,
    responses=documented(400, 401, 403, 409, 413, 422),
)
def create_crossing_point(
    data: CrossingPointCreate, scope: CurrentScope, session: SessionDep
) -> CrossingPointPublic:
    return places.create_crossing_point(session, scope=scope, data=data)


@router.get(
    "/crossing-points/{crossing_id:int}",
    response_model=CrossingPointPublic,
    responses=documented(401, 404, 422),
)
def get_crossing_point(
    crossing_id: PathId, scope: CurrentScope, session: SessionDep
) -> CrossingPointPublic:
    return places.get_crossing_point(session, scope=scope, crossing_id=crossing_id)


@router.patch(
    "/crossing-points/{crossing_id:int}",
    response_model=CrossingPointPublic,
    responses=documented(400, 401, 403, 404, 413, 422),
)
def update_crossing_point(
    crossing_id: PathId, data: CrossingPointUpdate, scope: CurrentScope, session: SessionDep
) -> CrossingPointPublic:
    crossing = places.update_crossing_point(
        session, scope=scope, crossing_id=crossing_id, data=data
    )
    return crossing


@router.get(
    "/crossing-points/{crossing_id:int}/history",
    response_model=list[CrossingStatusChangePublic],
    responses=documented(401, 404, 422),
)
def crossing_status_history(
    crossing_id: PathId, scope: CurrentScope, session: SessionDep
) -> list[CrossingStatusChangePublic]:
    """Changes of status and hours, newest first, each with its reason and when it took effect."""
    return places.status_history(session, scope=scope, crossing_id=crossing_id)


@router.get("/facilities", response_model=list[FacilityPublic], responses=documented(401))
def list_facilities(scope: CurrentScope, session: SessionDep) -> list[FacilityPublic]:
    """Shelters and service points."""
    return places.list_facilities(session, scope=scope)
