"""Sector risk beyond the figures: supervisors' impact overrides and the hotspots of the map."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from hito.patrols.hotspots import hotspots
from hito.patrols.overrides import active_overrides, lift_override, set_override
from hito.patrols.risk_schemas import (
    Hotspot,
    HotspotQuery,
    OverrideCreate,
    OverridePublic,
    OverrideQuery,
)
from hito.web.deps import CurrentScope, PathId, SessionDep
from hito.web.problems import documented

router = APIRouter(tags=["patrols"])


@router.get(
    "/patrols/overrides", response_model=list[OverridePublic], responses=documented(401, 422)
)
def list_overrides(
    query: Annotated[OverrideQuery, Query()], scope: CurrentScope, session: SessionDep
) -> list[OverridePublic]:
    """The impact overrides in force (now, or at `at`), by sector."""
    return list(active_overrides(session, query.at).values())


@router.post(
    "/patrols/overrides",
    response_model=OverridePublic,
    status_code=201,
    responses=documented(400, 401, 403, 409, 413, 422),
)
def create_override(
    data: OverrideCreate, scope: CurrentScope, session: SessionDep
) -> OverridePublic:
    """A supervisor sets a sector's impact level, with why, until `expires_at` (24 hours when
    not given, at most 14 days ahead); it applies to the sector risk and to the planner."""
    return set_override(session, scope=scope, data=data)


@router.post(
    "/patrols/overrides/{override_id}/lift",
    response_model=OverridePublic,
    responses=documented(401, 403, 404, 409, 422),
)
def lift(override_id: PathId, scope: CurrentScope, session: SessionDep) -> OverridePublic:
    """A supervisor lifts an override before it expires."""
    return lift_override(session, scope=scope, override_id=override_id)


@router.get("/patrols/hotspots", response_model=list[Hotspot], responses=documented(401, 422))
def list_hotspots(
    query: Annotated[HotspotQuery, Query()], scope: CurrentScope, session: SessionDep
) -> list[Hotspot]:
    """H3 cells of the recent events the user may see, weighed as sector risk is (weights,
    decay and lookback of `hito/patrols/data/risk.yaml`), heaviest first."""
    return hotspots(session, scope=scope, at=query.at, resolution=query.resolution)
