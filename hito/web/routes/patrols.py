from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from hito import patrols
from hito.patrols import RiskQuery, SectorRisk
from hito.web.deps import CurrentScope, SessionDep
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
