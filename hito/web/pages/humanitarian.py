"""The humanitarian plan's pages: the caseworker's queue, a case, the screening form (a tablet
in the field: what was typed survives a dropped connection), the shelter board."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from hito import humanitarian
from hito.auth import Scope
from hito.exc import HitoError, NotFound
from hito.fields import MAX_ID
from hito.humanitarian import family, referrals, shelters
from hito.humanitarian.models import BedCategory, ChildStatus, Illness, Need, Priority, ServiceKind
from hito.humanitarian.schemas import (
    ConsentCreate,
    QueueFilters,
    ReferralCreate,
    ScreeningCreate,
)
from hito.places import list_facilities
from hito.settings import Settings
from hito.web.deps import SettingsDep
from hito.web.pages._render import (
    PageScope,
    PageSession,
    lang,
    not_found,
    problem_message,
    render,
    to_login,
)

router = APIRouter(include_in_schema=False)
FLAGS = (
    "pregnant", "pregnancy_high_risk", "treatment_interrupted", "disability",
    "elderly_without_support", "single_caregiver", "violence", "trafficking", "threats",
)  # fmt: skip


def _valid_id(value: int) -> bool:
    return 1 <= value <= MAX_ID


def _number(text: str) -> int | None:
    """A whole number typed in a form (ASCII digits only), or None."""
    text = text.strip()
    if not text or len(text) > 9 or not text.isascii() or not text.isdigit():
        return None
    return int(text)


@router.get("/humanitarian", response_class=HTMLResponse)
def queue_page(
    request: Request,
    scope: PageScope,
    session: PageSession,
    settings: SettingsDep,
    priority: str = "",
    need: str = "",
    sector: str = "",
    group: str = "",
    side: str = "",
) -> Response:
    if scope is None:
        return to_login(request)
    error = None
    try:
        filters = QueueFilters.model_validate(
            {
                "priority": priority or None,
                "need": need or None,
                "sector": sector or None,
                "group_id": _number(group),
                "side": side or None,
                "limit": 200,
            }  # fmt: skip
        )
        items = humanitarian.queue(session, scope=scope, filters=filters).items
    except (ValidationError, HitoError) as failure:
        items, error = [], problem_message(failure, lang(request))
    return render(
        request, "humanitarian/queue.html", scope, settings, items=items, error=error,
        priorities=list(Priority), needs=list(Need),
        chosen={"priority": priority, "need": need, "sector": sector, "group": group,
                "side": side},
    )  # fmt: skip


@router.get("/humanitarian/screen", response_class=HTMLResponse)
def screen_lookup(request: Request, person: int = 0) -> Response:
    """The queue's "screen encounter nº" box."""
    if not _valid_id(person):
        return RedirectResponse("/humanitarian", status_code=303)
    return RedirectResponse(f"/humanitarian/persons/{person}/screen", status_code=303)


@router.get("/humanitarian/persons/{person_id:int}/screen", response_class=HTMLResponse)
def screening_form(
    request: Request, person_id: int, scope: PageScope, session: PageSession, settings: SettingsDep
) -> Response:
    if scope is None:
        return to_login(request)
    if not _valid_id(person_id) or not scope.sees_protection:
        return not_found(request, scope, settings)  # the form is for those who read its answers
    try:
        person = humanitarian.person_of(session, person_id)
    except NotFound:
        return not_found(request, scope, settings)
    return render(
        request, "humanitarian/screen.html", scope, settings, person=person, error=None,
        form={}, flags=FLAGS, child_statuses=list(ChildStatus), illnesses=list(Illness),
    )  # fmt: skip


@router.post("/humanitarian/persons/{person_id:int}/screen")
def screen(
    request: Request,
    person_id: int,
    scope: PageScope,
    session: PageSession,
    settings: SettingsDep,
    given: Annotated[str, Form()] = "",
    explained: Annotated[str, Form()] = "",
    language: Annotated[str, Form()] = "es",
    share_with: Annotated[list[str] | None, Form()] = None,
    parts: Annotated[list[str] | None, Form()] = None,
    flags: Annotated[list[str] | None, Form()] = None,
    age_estimate: Annotated[str, Form()] = "",
    pregnancy_months: Annotated[str, Form()] = "",
    child_status: Annotated[str, Form()] = "",
    illness: Annotated[str, Form()] = "",
    notes: Annotated[str, Form()] = "",
) -> Response:
    """Consent first; with it, the screening (refused: a record that it was not done)."""
    if scope is None:
        return to_login(request)
    if not _valid_id(person_id) or not scope.sees_protection:
        return not_found(request, scope, settings)
    form = {
        "given": given, "explained": explained, "language": language,
        "share_with": share_with or [], "parts": parts or [], "flags": flags or [],
        "age_estimate": age_estimate, "pregnancy_months": pregnancy_months,
        "child_status": child_status, "illness": illness, "notes": notes,
    }  # fmt: skip
    try:
        person = humanitarian.person_of(session, person_id)
        consent = humanitarian.record_consent(
            session,
            scope=scope,
            person_id=person_id,
            data=ConsentCreate(
                given=given == "yes",
                explained=explained,
                language=language,
                share_with=form["share_with"] if given == "yes" else [],
                parts=form["parts"] if given == "yes" else [],
            ),
        )
        if given == "yes":
            details: dict[str, Any] = {flag: flag in form["flags"] for flag in FLAGS}
            details |= {
                "pregnancy_months": _number(pregnancy_months),
                "child_status": child_status or None,
                "illness": illness or None,
                "notes": notes,
            }
            data = ScreeningCreate(
                consent_id=consent.id,
                age_estimate=_number(age_estimate),
                details=details,
            )
        else:
            data = ScreeningCreate(
                consent_id=consent.id, screened=False, not_screened_reason="consent_refused"
            )
        screening = humanitarian.record_screening(
            session, scope=scope, person_id=person_id, data=data
        )
    except NotFound:
        return not_found(request, scope, settings)
    except (ValidationError, HitoError) as failure:
        session.rollback()
        response = render(
            request, "humanitarian/screen.html", scope, settings,
            error=problem_message(failure, lang(request)),
            form=form, flags=FLAGS, child_statuses=list(ChildStatus), illnesses=list(Illness),
            person=humanitarian.person_of(session, person_id),
        )  # fmt: skip
        response.status_code = 422
        return response
    del person
    return RedirectResponse(
        f"/humanitarian/cases/{screening.case_id}?saved=person-{person_id}", status_code=303
    )


@router.post("/humanitarian/cases/{case_id:int}/refer")
def refer(
    request: Request,
    case_id: int,
    scope: PageScope,
    session: PageSession,
    settings: SettingsDep,
    facility_id: Annotated[str, Form()] = "",
    service: Annotated[str, Form()] = "",
    bed_category: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    if scope is None:
        return to_login(request)
    if not _valid_id(case_id):
        return not_found(request, scope, settings)
    try:
        data = ReferralCreate.model_validate(
            {
                "facility_id": _number(facility_id) or 0,
                "service": service,
                "bed_category": bed_category or None,
                "note": note,
            }  # fmt: skip
        )
        referrals.refer(session, scope=scope, case_id=case_id, data=data)
    except NotFound:
        return not_found(request, scope, settings)
    except (ValidationError, HitoError) as failure:
        # The case page itself says why, with nothing changed: the message is never carried
        # in a link (where anyone could write one).
        session.rollback()
        status = failure.status if isinstance(failure, HitoError) else 422
        return _case(request, scope, session, settings, case_id,
                     error=problem_message(failure, lang(request)), status=status)  # fmt: skip
    return RedirectResponse(f"/humanitarian/cases/{case_id}", status_code=303)


@router.get("/humanitarian/cases/{case_id:int}", response_class=HTMLResponse)
def case_page(
    request: Request, case_id: int, scope: PageScope, session: PageSession, settings: SettingsDep
) -> Response:
    if scope is None:
        return to_login(request)
    if not _valid_id(case_id):
        return not_found(request, scope, settings)
    return _case(request, scope, session, settings, case_id)


def _case(
    request: Request, scope: Scope, session: Session, settings: Settings, case_id: int,
    *, error: str | None = None, status: int = 200,
) -> Response:  # fmt: skip
    try:
        case = humanitarian.get_case(session, scope=scope, case_id=case_id)
    except NotFound:
        return not_found(request, scope, settings)
    sent = referrals.list_referrals(session, scope=scope, state=None, case_id=case_id)
    facilities = [f for f in list_facilities(session, scope=scope)]
    response = render(
        request, "humanitarian/case.html", scope, settings, case=case, referrals=sent,
        facilities=facilities, services=list(ServiceKind), bed_categories=list(BedCategory),
        error=error, facility_names={f.id: f.name for f in facilities},
    )  # fmt: skip
    response.status_code = status
    return response


@router.get("/humanitarian/shelters", response_class=HTMLResponse)
def shelters_page(
    request: Request, scope: PageScope, session: PageSession, settings: SettingsDep
) -> Response:
    if scope is None:
        return to_login(request)
    board = shelters.board(session, scope=scope)
    services = shelters.service_points(session, scope=scope)
    return render(
        request, "humanitarian/shelters.html", scope, settings, shelters=board, services=services
    )


@router.get("/humanitarian/alerts", response_class=HTMLResponse)
def alerts_page(
    request: Request, scope: PageScope, session: PageSession, settings: SettingsDep
) -> Response:
    if scope is None:
        return to_login(request)
    try:
        alerts = family.list_alerts(session, scope=scope, state=None)
    except HitoError:
        return not_found(request, scope, settings)
    return render(request, "humanitarian/alerts.html", scope, settings, alerts=alerts)
