"""The humanitarian plan: consent, screening, the caseworker's queue, cases, priority rules."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from hito import humanitarian
from hito.db import utcnow
from hito.humanitarian import family
from hito.humanitarian.rulebook import stored_versions
from hito.humanitarian.rules import RuleSetDocument
from hito.humanitarian.schemas import (
    CaseDetail,
    CasePage,
    CasePublic,
    ConsentCreate,
    ConsentPublic,
    NotScreened,
    QueueFilters,
    RuleChange,
    RuleSetReport,
    ScreeningCreate,
    ScreeningPublic,
    TraceCandidate,
)
from hito.humanitarian.views import case_public, sector_codes
from hito.text import Text
from hito.web.deps import CurrentScope, PathId, SessionDep
from hito.web.problems import documented

router = APIRouter(prefix="/humanitarian", tags=["humanitarian plan"])


@router.post(
    "/persons/{person_id:int}/consent",
    response_model=ConsentPublic,
    status_code=201,
    responses=documented(400, 401, 403, 404, 409, 413, 422),
)
def record_consent(
    person_id: PathId, data: ConsentCreate, scope: CurrentScope, session: SessionDep
) -> ConsentPublic:
    """Record, before any screening, what was explained to the person and what they agreed
    to share and with whom. A refusal is recorded too, and no screening may follow it."""
    consent = humanitarian.record_consent(session, scope=scope, person_id=person_id, data=data)
    return humanitarian.consent_public(consent)


@router.post(
    "/persons/{person_id:int}/screenings",
    response_model=ScreeningPublic,
    status_code=201,
    responses=documented(400, 401, 403, 404, 409, 413, 422),
)
def record_screening(
    person_id: PathId, data: ScreeningCreate, scope: CurrentScope, session: SessionDep
) -> ScreeningPublic:
    """Screen an encounter under its consent; the person's case takes the priority the rules
    give, with every reason."""
    screening = humanitarian.record_screening(session, scope=scope, person_id=person_id, data=data)
    return humanitarian.screening_public(screening, scope)


@router.post(
    "/persons/{person_id:int}/not-screened",
    response_model=ScreeningPublic,
    status_code=201,
    responses=documented(400, 401, 403, 404, 409, 413, 422),
)
def mark_not_screened(
    person_id: PathId, data: NotScreened, scope: CurrentScope, session: SessionDep
) -> ScreeningPublic:
    """Record that a person met (in a stranded group, say) was not screened, and why."""
    screening = humanitarian.mark_not_screened(session, scope=scope, person_id=person_id, data=data)
    return humanitarian.screening_public(screening, scope)


@router.get("/queue", response_model=CasePage, responses=documented(401, 422))
def queue(
    filters: Annotated[QueueFilters, Query()], scope: CurrentScope, session: SessionDep
) -> CasePage:
    """Open cases, most urgent first (priority, then the longest waiting), filtered by
    priority, need, sector, group or side of the border. Reasons are shown to caseworkers and
    humanitarian agencies only."""
    return humanitarian.queue(session, scope=scope, filters=filters)


@router.get("/cases/{case_id:int}", response_model=CaseDetail, responses=documented(401, 404, 422))
def get_case(case_id: PathId, scope: CurrentScope, session: SessionDep) -> CaseDetail:
    """A case: its encounters, consents, screenings and the history of its priority."""
    return humanitarian.get_case(session, scope=scope, case_id=case_id)


class Closure(BaseModel):
    reason: Text = Field(min_length=3, max_length=500)


@router.post(
    "/cases/{case_id:int}/close",
    response_model=CasePublic,
    responses=documented(400, 401, 403, 404, 409, 413, 422),
)
def close_case(
    case_id: PathId, data: Closure, scope: CurrentScope, session: SessionDep
) -> CasePublic:
    case = humanitarian.close_case(session, scope=scope, case_id=case_id, reason=data.reason)
    return case_public(case, scope, sector_codes(session), utcnow())


@router.post(
    "/cases/{case_id:int}/reopen",
    response_model=CasePublic,
    responses=documented(400, 401, 403, 404, 409, 413, 422),
)
def reopen_case(
    case_id: PathId, data: Closure, scope: CurrentScope, session: SessionDep
) -> CasePublic:
    """Reopen a closed case (the person came back, say), with the reason."""
    case = humanitarian.reopen_case(session, scope=scope, case_id=case_id, reason=data.reason)
    return case_public(case, scope, sector_codes(session), utcnow())


class GroupScreening(BaseModel):
    group_id: int
    unscreened: list[int] = Field(
        description="Members with neither a screening nor a recorded reason for not screening"
    )


@router.get(
    "/groups/{group_id:int}/unscreened",
    response_model=GroupScreening,
    responses=documented(401, 404, 422),
)
def group_unscreened(group_id: PathId, scope: CurrentScope, session: SessionDep) -> GroupScreening:
    """Who in a group is still to be screened or marked as not screened."""
    return GroupScreening(
        group_id=group_id,
        unscreened=humanitarian.group_unscreened(session, scope=scope, group_id=group_id),
    )


@router.get(
    "/groups/{group_id:int}/tracing",
    response_model=list[TraceCandidate],
    responses=documented(401, 403, 404, 409, 422),
)
def trace_group(group_id: PathId, scope: CurrentScope, session: SessionDep) -> list[TraceCandidate]:
    """Family tracing: encounters on either side (that you may see) that may be the group's
    members met elsewhere, by the identity linkage, most likely first."""
    return family.trace_group(session, scope=scope, group_id=group_id)


class RuleSetPublic(BaseModel):
    version: int
    sha256: str | None = Field(description="None: the rules Hito ships with, not yet loaded")
    stored_versions: list[int]
    document: RuleSetDocument


@router.get("/rules", response_model=RuleSetPublic, responses=documented(401))
def rules(scope: CurrentScope, session: SessionDep) -> RuleSetPublic:
    """The priority rules in force."""
    current = humanitarian.current_rules(session)
    versions = stored_versions(session)
    return RuleSetPublic(
        version=current.version,
        sha256=versions[-1].sha256 if versions else None,
        stored_versions=[v.version for v in versions],
        document=current.document,
    )


@router.post(
    "/rules",
    response_model=RuleSetReport,
    responses=documented(400, 401, 403, 409, 413, 422),
)
def load_rules(
    document: RuleSetDocument,
    scope: CurrentScope,
    session: SessionDep,
    dry_run: Annotated[bool, Query(description="Only say which open cases would change")] = False,
) -> RuleSetReport:
    """Load a new version of the priority rules (admins): every open case is decided again,
    and its history keeps which version decided what."""
    report = humanitarian.load_rules(session, scope=scope, document=document, dry_run=dry_run)
    return RuleSetReport(
        version=report.version,
        sha256=report.sha256,
        loaded=report.loaded,
        open_cases=report.open_cases,
        # Which cases change says something of their details: only to those who may read them.
        changes=[
            RuleChange(case_id=c.case_id, previous=c.previous, priority=c.priority)
            for c in report.changes[:1000]
        ]
        if scope.sees_protection
        else [],
        changed=len(report.changes),
        seconds=round(report.seconds, 3),
    )
