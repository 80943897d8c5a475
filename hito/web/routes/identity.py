from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from hito import identity
from hito.identity.schemas import (
    DocumentCheckPublic,
    DocumentValidation,
    PossibleMatches,
    ReviewDecision,
    ReviewFilters,
    ReviewPage,
    ReviewPublic,
    ScreeningDecisionIn,
    ScreeningDecisionPublic,
    ScreeningRequest,
    ScreeningResult,
)
from hito.web.deps import CurrentScope, PathId, SessionDep
from hito.web.problems import documented

router = APIRouter(tags=["identity"])


@router.post(
    "/identity/documents/validate",
    response_model=DocumentCheckPublic,
    responses=documented(400, 401, 413, 422),
)
def validate_document(data: DocumentValidation, scope: CurrentScope) -> DocumentCheckPublic:
    """Is this document number valid? The normalised value, or which digit or field is wrong.
    An invalid number is a normal answer (200, `valid: false`), not an error."""
    return identity.validate_document(scope=scope, data=data)


@router.post(
    "/identity/screen",
    response_model=ScreeningResult,
    responses=documented(400, 401, 403, 413, 422),
)
def screen(data: ScreeningRequest, scope: CurrentScope, session: SessionDep) -> ScreeningResult:
    """Screen a person against the alert lists you may read: scored, explained candidates.
    Candidates a screener judged false positives for this person are left out (and counted)."""
    return identity.screen_person(session, scope=scope, request=data)


@router.post(
    "/identity/screen/decisions",
    response_model=ScreeningDecisionPublic,
    status_code=201,
    responses=documented(400, 401, 403, 404, 413, 422),
)
def decide_screening(
    data: ScreeningDecisionIn, scope: CurrentScope, session: SessionDep
) -> ScreeningDecisionPublic:
    """Remember a verdict (true hit / false positive) on one candidate for this person."""
    return identity.decide_screening(session, scope=scope, data=data)


@router.get(
    "/persons/{person_id:int}/matches",
    response_model=PossibleMatches,
    responses=documented(401, 404, 409, 422),
)
def possible_matches(
    person_id: PathId,
    scope: CurrentScope,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> PossibleMatches:
    """Encounters, of either country, that may be this same person: each with its probability
    and which fields agreed and how much each weighed."""
    return identity.possible_matches(session, scope=scope, person_id=person_id, limit=limit)


@router.get("/identity/reviews", response_model=ReviewPage, responses=documented(401, 422))
def list_reviews(
    filters: Annotated[ReviewFilters, Query()], scope: CurrentScope, session: SessionDep
) -> ReviewPage:
    """Pairs in the uncertain band waiting for (or given) a reviewer's decision."""
    return identity.list_reviews(session, scope=scope, filters=filters)


@router.post(
    "/identity/reviews",
    response_model=ReviewPublic,
    responses=documented(400, 401, 403, 404, 413, 422),
)
def decide_review(data: ReviewDecision, scope: CurrentScope, session: SessionDep) -> ReviewPublic:
    """Decide match or non-match on a queued pair, or on any two persons you may see."""
    return identity.decide_review(session, scope=scope, data=data)
