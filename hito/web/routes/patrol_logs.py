"""Patrol logs over the API: a unit sets out, posts its fixes or a GPX file, reports what it
finds, and comes back; the plan-against-actual report."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query, Request
from starlette.concurrency import run_in_threadpool

from hito.events.schemas import EventCreate
from hito.patrols import logs, report
from hito.patrols.log_schemas import (
    MAX_POINTS_PER_POST,
    PatrolEnd,
    PatrolFilters,
    PatrolPublic,
    PatrolStart,
    PatrolTrack,
    PointsAdded,
    TrackPoint,
)
from hito.patrols.report_schemas import PatrolReport, ReportQuery
from hito.web.deps import CurrentScope, PathId, SessionDep
from hito.web.problems import documented

router = APIRouter(tags=["patrols"])


@router.get("/patrols/logs", response_model=list[PatrolPublic], responses=documented(401, 422))
def list_patrols(
    filters: Annotated[PatrolFilters, Query()], scope: CurrentScope, session: SessionDep
) -> list[PatrolPublic]:
    """Patrols of both sides under way at some time of the window (the last week), newest
    first; the other side's name no unit."""
    return logs.list_patrols(session, scope=scope, filters=filters)


@router.post(
    "/patrols/logs",
    response_model=PatrolTrack,
    status_code=201,
    responses=documented(400, 401, 403, 404, 409, 422),
)
def start_patrol(data: PatrolStart, scope: CurrentScope, session: SessionDep) -> PatrolTrack:
    """A unit of this node sets out (its agency's officers, or a supervisor); on a shift of an
    approved plan it takes the plan's sector. The other side sees it start."""
    return logs.start_patrol(session, scope=scope, data=data)


@router.get(
    "/patrols/logs/{patrol_id}", response_model=PatrolTrack, responses=documented(401, 404, 422)
)
def get_patrol(patrol_id: PathId, scope: CurrentScope, session: SessionDep) -> PatrolTrack:
    """The patrol and its track, one line per segment."""
    return logs.get_patrol(session, scope=scope, patrol_id=patrol_id)


@router.post(
    "/patrols/logs/{patrol_id}/points",
    response_model=PointsAdded,
    responses=documented(400, 401, 403, 404, 409, 413, 422),
)
def add_points(
    patrol_id: PathId,
    points: Annotated[list[TrackPoint], Body(min_length=1, max_length=MAX_POINTS_PER_POST)],
    scope: CurrentScope,
    session: SessionDep,
) -> PointsAdded:
    """Fixes from a tablet: all stored, or none when one is outside the patrol's time; a fix
    at a time already held is left out (a tablet may post again what it is unsure went)."""
    return logs.add_points(session, scope=scope, patrol_id=patrol_id, points=points)


@router.post(
    "/patrols/logs/{patrol_id}/gpx",
    response_model=PointsAdded,
    responses=documented(400, 401, 403, 404, 409, 413, 422),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/gpx+xml": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
async def import_gpx(
    patrol_id: PathId, request: Request, scope: CurrentScope, session: SessionDep
) -> PointsAdded:
    """A GPX file's tracks added to the patrol: the whole file, or nothing, with the line of
    the first problem."""
    data = await request.body()
    return await run_in_threadpool(
        logs.import_gpx, session, scope=scope, patrol_id=patrol_id, data=data
    )


@router.post(
    "/patrols/logs/{patrol_id}/end",
    response_model=PatrolTrack,
    responses=documented(400, 401, 403, 404, 409, 422),
)
def end_patrol(
    patrol_id: PathId, data: PatrolEnd, scope: CurrentScope, session: SessionDep
) -> PatrolTrack:
    """The unit is back: the patrol, with its track, goes to the other side."""
    return logs.end_patrol(session, scope=scope, patrol_id=patrol_id, data=data)


@router.post(
    "/patrols/logs/{patrol_id}/findings",
    response_model=PatrolTrack,
    status_code=201,
    responses=documented(400, 401, 403, 404, 409, 422),
)
def add_finding(
    patrol_id: PathId, data: EventCreate, scope: CurrentScope, session: SessionDep
) -> PatrolTrack:
    """Something seen on patrol: an event like any other, linked to the patrol."""
    return logs.add_finding(session, scope=scope, patrol_id=patrol_id, data=data)


@router.get("/patrols/report", response_model=PatrolReport, responses=documented(400, 401, 422))
def patrol_report(
    query: Annotated[ReportQuery, Query()], scope: CurrentScope, session: SessionDep
) -> PatrolReport:
    """Plan against actual between two times: which planned shifts were patrolled, how much
    of each sector's border the tracks came near, effort (hours, km) per sector and agency,
    and the events found per hour of patrol."""
    return report.plan_against_actual(session, scope=scope, start=query.start, end=query.end)
