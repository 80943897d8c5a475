"""Flow monitoring over the API: points, their counts, the window's figures."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from hito import flows
from hito.flows import (
    FlowCountCreate,
    FlowCountStored,
    FlowPointCreate,
    FlowPointPublic,
    PointSummary,
    SummaryQuery,
)
from hito.web.deps import CurrentScope, PathId, SessionDep
from hito.web.problems import documented

router = APIRouter(tags=["flows"])


@router.get("/flows/points", response_model=list[FlowPointPublic], responses=documented(401))
def list_points(scope: CurrentScope, session: SessionDep) -> list[FlowPointPublic]:
    """Flow monitoring points of both sides."""
    return flows.list_points(session, scope=scope)


@router.post(
    "/flows/points",
    response_model=FlowPointPublic,
    status_code=201,
    responses=documented(401, 403, 409, 422),
)
def create_point(
    data: FlowPointCreate, scope: CurrentScope, session: SessionDep
) -> FlowPointPublic:
    """A point of this node's country where people will be counted (supervisors)."""
    return flows.create_point(session, scope=scope, data=data)


@router.post(
    "/flows/points/{point_id:int}/counts",
    response_model=FlowCountStored,
    status_code=201,
    responses=documented(401, 403, 404, 422),
)
def record_count(
    point_id: PathId, data: FlowCountCreate, scope: CurrentScope, session: SessionDep
) -> FlowCountStored:
    """A count at one of this node's points: total, breakdown by sex, age group and
    nationality, and the tallies of the short survey."""
    return flows.record_count(session, scope=scope, point_id=point_id, data=data)


@router.get("/flows/summary", response_model=list[PointSummary], responses=documented(401, 422))
def summary(
    query: Annotated[SummaryQuery, Query()], scope: CurrentScope, session: SessionDep
) -> list[PointSummary]:
    """Each point's figures over counts ending in the window; 1 to 4 people are shown as
    null, and one more cell where a lone hidden one could be worked out."""
    return flows.summary(session, scope=scope, start=query.start, end=query.end)
