"""Crossing operations over the API: hourly counts in, both sides compared, the queue."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from hito.crossings import counts, wait
from hito.crossings.schemas import (
    CountsFeed,
    CountsStored,
    SideCount,
    WaitQuery,
    WaitReport,
    WindowQuery,
)
from hito.web.deps import CurrentScope, PathId, SessionDep
from hito.web.problems import documented

router = APIRouter(tags=["crossings"])


@router.post(
    "/crossing-points/{crossing_id:int}/counts",
    response_model=CountsStored,
    responses=documented(401, 403, 404, 422),
)
def record_counts(
    crossing_id: PathId, feed: CountsFeed, scope: CurrentScope, session: SessionDep
) -> CountsStored:
    """Hourly counts of this node's crossing point by direction, category and nationality, and
    the booths open: all hours or none; an hour already held is replaced as a whole."""
    return counts.record_counts(session, scope=scope, crossing_id=crossing_id, feed=feed)


@router.get(
    "/crossing-points/{crossing_id:int}/wait",
    response_model=WaitReport,
    responses=documented(401, 404, 422),
)
def crossing_wait(
    crossing_id: PathId,
    query: Annotated[WaitQuery, Query()],
    scope: CurrentScope,
    session: SessionDep,
) -> WaitReport:
    """Per hour and direction: people at the booths, booths open, the estimated mean wait
    (M/M/c, Erlang C) and the fewest booths that keep it under the target."""
    return wait.wait_report(
        session, scope=scope, crossing_id=crossing_id, start=query.start, end=query.end,
        target_minutes=query.target_minutes,
    )  # fmt: skip


@router.get("/crossings/compare", response_model=list[SideCount], responses=documented(401, 422))
def compare_sides(
    query: Annotated[WindowQuery, Query()], scope: CurrentScope, session: SessionDep
) -> list[SideCount]:
    """Both sides' counts of the same flow hour by hour (what leaves one country against what
    the other records arriving) and the difference, from what each node shares."""
    return counts.side_by_side(session, scope=scope, start=query.start, end=query.end)
