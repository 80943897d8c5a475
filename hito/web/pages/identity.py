"""The immigration analysts' pages: the review queue, a pair with its match weights, a person's
encounters and documents, and screening against the alert lists."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from hito import identity
from hito.exc import Forbidden, HitoError, NotFound
from hito.fields import MAX_ID
from hito.identity.schemas import (
    MatchField,
    ReviewDecision,
    ReviewFilters,
    ScreeningDecisionIn,
    ScreeningRequest,
)
from hito.people import get_person
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
FILTERS = (
    "nationality", "sector", "encountered_from", "encountered_to", "min_probability",
    "max_probability",
)  # fmt: skip


@router.get("/identity/reviews", response_class=HTMLResponse)
def reviews_page(
    request: Request, scope: PageScope, session: PageSession, settings: SettingsDep
) -> Response:
    if scope is None:
        return to_login(request)
    chosen = {k: request.query_params.get(k, "").strip() for k in (*FILTERS, "cursor")}
    try:
        filters = ReviewFilters.model_validate({k: v for k, v in chosen.items() if v})
        page = identity.list_reviews(session, scope=scope, filters=filters)
        items, next_cursor, error = page.items, page.next_cursor, None
    except (ValidationError, HitoError) as problem:
        items, next_cursor, error = [], None, problem_message(problem, lang(request))
    more = {k: v for k, v in chosen.items() if v and k != "cursor"}
    return render(
        request,
        "identity/reviews.html",
        scope,
        settings,
        items=items,
        chosen=chosen,
        error=error,
        decided=request.query_params.get("decided"),
        next_url=f"?{urlencode({**more, 'cursor': next_cursor})}" if next_cursor else None,
    )


def waterfall(match_weight: float, fields: list[MatchField]) -> dict[str, Any]:
    """The steps from the prior to the pair's weight, each field's bar placed on one scale
    (percentages of the width), as Splink's waterfall chart draws them."""
    prior = match_weight - sum(f.weight for f in fields)
    ends, running = [], prior
    for f in fields:
        ends.append((running, running + f.weight))
        running += f.weight
    points = [0.0, prior, *(end for _, end in ends)]
    low, high = min(points), max(points)
    span = (high - low) or 1.0

    def at(value: float) -> float:
        return round((value - low) / span * 100, 2)

    steps = []
    for f, (start, end) in zip(fields, ends, strict=True):
        left, right = min(start, end), max(start, end)
        steps.append({"field": f.field, "level": f.level, "weight": f.weight,
                      "left": at(left), "width": max(at(right) - at(left), 0.5)})  # fmt: skip
    return {
        "prior": round(prior, 2),
        "prior_left": at(min(0.0, prior)),
        "prior_width": max(at(max(0.0, prior)) - at(min(0.0, prior)), 0.5),
        "zero": at(0.0),
        "total": round(match_weight, 2),
        "steps": steps,
    }


@router.get("/identity/reviews/{review_id:int}", response_class=HTMLResponse)
def review_page(
    request: Request,
    scope: PageScope,
    session: PageSession,
    settings: SettingsDep,
    review_id: int,
    error: str | None = None,
) -> Response:
    if scope is None:
        return to_login(request)
    if not 1 <= review_id <= MAX_ID:
        return not_found(request, scope, settings)
    try:
        review = identity.get_review(session, scope=scope, review_id=review_id)
        persons = [
            get_person(session, scope=scope, person_id=person_id) for person_id in review.person_ids
        ]
    except (NotFound, Forbidden):
        return not_found(request, scope, settings)
    return render(
        request,
        "identity/review.html",
        scope,
        settings,
        review=review,
        persons=persons,
        chart=waterfall(review.match_weight, review.fields),
        error=error,
    )


@router.post("/identity/reviews/{review_id:int}")
def decide(
    request: Request,
    scope: PageScope,
    session: PageSession,
    settings: SettingsDep,
    review_id: int,
    decision: Annotated[str, Form(max_length=20)],
    note: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    if scope is None:
        return to_login(request)
    try:
        data = ReviewDecision.model_validate(
            {"review_id": review_id, "decision": decision, "note": note}
        )
        identity.decide_review(session, scope=scope, data=data)
    except NotFound:
        return not_found(request, scope, settings)
    except (ValidationError, HitoError) as problem:
        session.rollback()
        page = review_page(
            request,
            scope,
            session,
            settings,
            review_id,
            error=problem_message(problem, lang(request)),
        )
        page.status_code = 403 if isinstance(problem, Forbidden) else 422
        return page
    return RedirectResponse(f"/identity/reviews?decided={review_id}", status_code=303)


@router.get("/persons/{person_id:int}", response_class=HTMLResponse)
def person_page(
    request: Request, scope: PageScope, session: PageSession, settings: SettingsDep, person_id: int
) -> Response:
    if scope is None:
        return to_login(request)
    if not 1 <= person_id <= MAX_ID:
        return not_found(request, scope, settings)
    try:
        person = get_person(session, scope=scope, person_id=person_id)
        members = identity.identity_members(session, person_id=person_id)
        encounters = [get_person(session, scope=scope, person_id=m) for m in members]
    except NotFound:
        return not_found(request, scope, settings)
    documents = [(p, d) for p in encounters for d in p.documents]
    return render(
        request, "identity/person.html", scope, settings,
        person=person, encounters=encounters, documents=documents,
    )  # fmt: skip


SCREEN_FIELDS = ("given_names", "surnames", "birth_date", "document_type", "document_number")


def _screening(form: dict[str, str]) -> ScreeningRequest:
    document = (
        [{"type": form["document_type"] or None, "number": form["document_number"]}]
        if form["document_number"]
        else []
    )
    return ScreeningRequest.model_validate(
        {
            "given_names": form["given_names"] or None,
            "surnames": form["surnames"] or None,
            "birth_date": form["birth_date"] or None,
            "documents": document,
        }
    )


@router.get("/identity/screen", response_class=HTMLResponse)
def screen_page(request: Request, scope: PageScope, settings: SettingsDep) -> Response:
    if scope is None:
        return to_login(request)
    form = dict.fromkeys(SCREEN_FIELDS, "")
    return render(
        request, "identity/screen.html", scope, settings, form=form, result=None, error=None
    )


@router.post("/identity/screen", response_class=HTMLResponse)
def screen(
    request: Request,
    scope: PageScope,
    session: PageSession,
    settings: SettingsDep,
    given_names: Annotated[str, Form(max_length=200)] = "",
    surnames: Annotated[str, Form(max_length=200)] = "",
    birth_date: Annotated[str, Form(max_length=10)] = "",
    document_type: Annotated[str, Form(max_length=20)] = "",
    document_number: Annotated[str, Form(max_length=100)] = "",
    verdict_entry: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
    verdict: Annotated[str, Form(max_length=20)] = "",
    subject_key: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Screens the person typed; with a verdict, first records it on that candidate."""
    if scope is None:
        return to_login(request)
    form = {
        "given_names": given_names.strip(), "surnames": surnames.strip(),
        "birth_date": birth_date.strip(), "document_type": document_type.strip(),
        "document_number": document_number.strip(),
    }  # fmt: skip
    saved, status = False, 200
    try:
        if verdict_entry is not None:
            identity.decide_screening(
                session,
                scope=scope,
                data=ScreeningDecisionIn.model_validate(
                    {
                        "subject_key": subject_key,
                        "alert_entry_id": verdict_entry,
                        "verdict": verdict,
                    }
                ),  # fmt: skip
            )
            saved = True
        result = identity.screen_person(session, scope=scope, request=_screening(form))
        error = None
    except Forbidden as problem:
        result, error, status = None, problem_message(problem, lang(request)), 403
    except (ValidationError, HitoError) as problem:
        session.rollback()  # a verdict recorded before the failure is undone: say so
        result, error, status, saved = None, problem_message(problem, lang(request)), 422, False
    response = render(
        request, "identity/screen.html", scope, settings,
        form=form, result=result, error=error, saved=saved,
    )  # fmt: skip
    response.status_code = status
    return response
