"""Referrals to services on either side of the border, and the shelters' beds."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from hito.fields import MAX_ID
from hito.humanitarian import referrals, shelters
from hito.humanitarian.models import Priority, ReferralState
from hito.humanitarian.referrals import DEADLINE_HOURS
from hito.humanitarian.schemas import (
    BedCountPublic,
    BedUpdate,
    ReferralAnswer,
    ReferralCreate,
    ReferralPublic,
    ServicePointPublic,
    ShelterPublic,
)
from hito.web.deps import CurrentScope, PathId, SessionDep, SettingsDep
from hito.web.problems import documented

router = APIRouter(prefix="/humanitarian", tags=["humanitarian plan"])


@router.get("/services", response_model=list[ServicePointPublic], responses=documented(401))
def service_points(scope: CurrentScope, session: SessionDep) -> list[ServicePointPublic]:
    """Shelters and service points on both sides: what each offers, hours, languages."""
    return shelters.service_points(session, scope=scope)


@router.get("/shelters", response_model=list[ShelterPublic], responses=documented(401))
def shelter_board(scope: CurrentScope, session: SessionDep) -> list[ShelterPublic]:
    """Every shelter you may see, on both sides: beds by category, held for referrals, and
    free tonight ("camas libres esta noche")."""
    return shelters.board(session, scope=scope)


@router.post(
    "/shelters/{facility_id:int}/beds",
    response_model=BedCountPublic,
    status_code=201,
    responses=documented(400, 401, 403, 404, 413, 422),
)
def record_beds(
    facility_id: PathId, data: BedUpdate, scope: CurrentScope, session: SessionDep
) -> BedCountPublic:
    """A new count of one category of beds of a shelter of this node (kept in its history)."""
    count = shelters.record_beds(session, scope=scope, facility_id=facility_id, data=data)
    return BedCountPublic(
        category=count.category,
        capacity=count.capacity,
        occupied=count.occupied,
        counted_at=count.counted_at,
        counted_by=count.counted_by,
    )


@router.get(
    "/shelters/{facility_id:int}/beds",
    response_model=list[BedCountPublic],
    responses=documented(401, 404, 422),
)
def bed_history(
    facility_id: PathId, scope: CurrentScope, session: SessionDep
) -> list[BedCountPublic]:
    """The shelter's counts, newest first."""
    return shelters.bed_history(session, scope=scope, facility_id=facility_id)


@router.post(
    "/cases/{case_id:int}/referrals",
    response_model=ReferralPublic,
    status_code=201,
    responses=documented(400, 401, 403, 404, 409, 413, 422),
)
def refer(
    case_id: PathId,
    data: ReferralCreate,
    scope: CurrentScope,
    session: SessionDep,
    settings: SettingsDep,
) -> ReferralPublic:
    """Refer a case to a service, on either side of the border, under the person's consent:
    it carries only the parts of the case they agreed to share, and may hold a bed."""
    deadlines = {Priority(k): v for k, v in settings.referral_deadline_hours.items()}
    referral = referrals.refer(
        session, scope=scope, case_id=case_id, data=data, deadlines={**DEADLINE_HOURS, **deadlines}
    )
    return referrals.referral_public(referral, scope)


@router.get("/referrals", response_model=list[ReferralPublic], responses=documented(401, 422))
def list_referrals(
    scope: CurrentScope,
    session: SessionDep,
    state: Annotated[ReferralState | None, Query()] = None,
    case_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    overdue: Annotated[bool, Query(description="Only those past their deadline")] = False,
) -> list[ReferralPublic]:
    """Referrals by deadline, the most pressing first; overdue ones are flagged."""
    return referrals.list_referrals(
        session, scope=scope, state=state, case_id=case_id, overdue=overdue
    )


@router.post(
    "/referrals/{referral_id:int}/{action}",
    response_model=ReferralPublic,
    responses=documented(400, 401, 403, 404, 409, 413, 422),
)
def answer_referral(
    referral_id: PathId,
    action: Literal["accept", "decline", "complete"],
    data: ReferralAnswer,
    scope: CurrentScope,
    session: SessionDep,
) -> ReferralPublic:
    """Accept, decline (with the reason) or complete a referral; a held bed is released when
    it is declined or completed."""
    referral = referrals.answer(
        session, scope=scope, referral_id=referral_id, action=action, reason=data.reason
    )
    return referrals.referral_public(referral, scope)
