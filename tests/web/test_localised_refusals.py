"""A service's refusal, met through a page's form, is said in the reader's language (the key
the service gives it, looked up in the catalog); the API answers the same refusal with its
English detail, unchanged, and no key."""

from __future__ import annotations

import html
from collections.abc import Callable

import httpx
import pytest
from pydantic import BaseModel

from hito.exc import Conflict, HitoError, InvalidInput, Term
from hito.web.pages._render import problem_message, refusal
from tests.humanitarian.test_cases_api import _person
from tests.humanitarian.test_pages import FORM
from tests.patrols.test_pages import _plan, _units

Login = Callable[[str], httpx.Client]
SignedIn = Callable[[str], httpx.Client]
sqlite = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
PROBLEM_FIELDS = {"type", "title", "status", "detail", "errors"}


def _text(reply: httpx.Response) -> str:
    return html.unescape(reply.text)


@sqlite
def test_an_overlapping_approval_refused_on_the_board_in_the_readers_language(
    login: Login, signed_in: SignedIn
) -> None:
    _units(login, "CL")
    first = _plan(login, "cl.operator")
    second = _plan(login, "cl.operator")  # the same day
    api = login("cl.pdi")
    assert api.post(f"/api/v1/patrols/plans/{first['id']}/approve").is_success
    board = f"/patrols/plans/{second['id']}"
    supervisor = signed_in("cl.pdi")

    spanish = supervisor.post(f"{board}/approve?lang=es")
    assert spanish.status_code == 409
    said = (
        f"El plan {first['id']} está aprobado del 2025-11-25 al 2025-11-25, días que se "
        "superponen con los de este plan"
    )
    assert said in _text(spanish)
    assert "which overlaps" not in _text(spanish)
    english = supervisor.post(f"{board}/approve?lang=en")
    assert english.status_code == 409
    assert (
        f"Plan {first['id']} is approved from 2025-11-25 to 2025-11-25, days which overlap "
        "this plan's days: withdraw it first or plan the days after it."
    ) in _text(english)

    # the API: the same refusal, its English detail as it always was, and no key
    reply = api.post(f"/api/v1/patrols/plans/{second['id']}/approve")
    assert reply.status_code == 409
    body = reply.json()
    assert set(body) == PROBLEM_FIELDS and body["title"] == "Conflict"
    assert body["detail"].startswith(f"plan {first['id']} is approved from 2025-11-2")
    assert body["detail"].endswith(
        f"which overlaps this plan's days; withdraw it first "
        f"(POST /api/v1/patrols/plans/{first['id']}/withdraw) or plan the days after it"
    )
    assert "pt_err" not in reply.text

    # withdrawing a draft: nothing to withdraw, in either language
    refused = supervisor.post(f"{board}/withdraw?lang=es", data={"reason": "por error"})
    assert refused.status_code == 409
    assert f"El plan {second['id']} no está aprobado" in _text(refused)
    refused = supervisor.post(f"{board}/withdraw?lang=en", data={"reason": "by mistake"})
    assert f"Plan {second['id']} is not approved: there is nothing to withdraw." in _text(refused)
    detail = api.post(
        f"/api/v1/patrols/plans/{second['id']}/withdraw", json={"reason": "by mistake"}
    ).json()["detail"]
    assert detail == f"plan {second['id']} is not approved"


@sqlite
def test_a_referral_without_consent_refused_on_the_case_page_in_the_readers_language(
    login: Login, signed_in: SignedIn
) -> None:
    person = _person(login("cl.oim"), protection=None)
    oim = signed_in("cl.oim")
    saved = oim.post(f"/humanitarian/persons/{person}/screen", data={**FORM, "share_with": []})
    assert saved.status_code == 303, saved.text
    case_url = saved.headers["location"].split("?")[0]
    facilities = login("cl.oim").get("/api/v1/facilities").json()
    point = next(f for f in facilities if f["name"] == "Punto de atención humanitaria Chacalluta")
    form = {"facility_id": str(point["id"]), "service": "health"}

    spanish = oim.post(f"{case_url}/refer", data=form)  # no language chosen yet: Spanish
    assert spanish.status_code == 409  # the case page itself, with why
    page = _text(spanish)
    assert "La persona no ha aceptado compartir su caso con los servicios" in page
    assert "has not agreed" not in page
    assert oim.get("/humanitarian?lang=en").status_code == 200  # the cookie: English now
    english = oim.post(f"{case_url}/refer", data=form)
    assert english.status_code == 409
    page = _text(english)
    assert (
        "The person has not agreed to share their case with service providers: record their "
        "consent first."
    ) in page

    case_id = int(case_url.rsplit("/", 1)[1])
    reply = login("cl.oim").post(
        f"/api/v1/humanitarian/cases/{case_id}/referrals",
        json={"facility_id": point["id"], "service": "health"},
    )
    assert reply.status_code == 409, reply.text
    assert set(reply.json()) == PROBLEM_FIELDS
    assert reply.json()["detail"] == (
        "the person has not agreed to share their case with service providers: "
        "record their consent first"
    )


@sqlite
def test_a_child_status_for_an_adult_refused_on_the_screening_form(
    login: Login, signed_in: SignedIn
) -> None:
    person = _person(login("cl.oim"), birth_date="1970-01-01", protection=None)
    oim = signed_in("cl.oim")
    url = f"/humanitarian/persons/{person}/screen"
    spanish = oim.post(f"{url}?lang=es", data={**FORM, "child_status": "unaccompanied"})
    assert spanish.status_code == 422
    assert "es solo para menores; esta persona tiene 5" in _text(spanish)
    english = oim.post(f"{url}?lang=en", data={**FORM, "child_status": "unaccompanied"})
    assert english.status_code == 422
    assert "is recorded for children only; this person is 5" in _text(english)


@sqlite
def test_a_role_that_may_not_screen_is_refused_on_the_identity_page(
    login: Login, signed_in: SignedIn
) -> None:
    oim = signed_in("cl.oim")  # humanitarian agencies never query the alert lists
    form = {"given_names": "Juan", "surnames": "Pérez"}
    spanish = oim.post("/identity/screen?lang=es", data=form)
    assert spanish.status_code == 403
    assert "Sus roles no permiten la acción «screen»." in _text(spanish)
    english = oim.post("/identity/screen?lang=en", data=form)
    assert english.status_code == 403
    assert "Your roles do not allow the action 'screen'." in _text(english)
    reply = login("cl.oim").post("/api/v1/identity/screen", json={"given_names": "Juan"})
    assert reply.status_code == 403
    assert reply.json()["detail"] == "your roles do not allow the action 'screen'"
    assert set(reply.json()) == PROBLEM_FIELDS


def test_a_refusal_without_a_key_or_a_language_is_its_english_detail() -> None:
    keyed = Conflict("plan 7 is already approved", key="pt_err_already_approved",
                     params={"plan": 7})  # fmt: skip
    assert problem_message(keyed, "es") == "El plan 7 ya está aprobado."
    assert problem_message(keyed, "en") == "Plan 7 is already approved."
    assert problem_message(keyed, "xx") == "El plan 7 ya está aprobado."  # as the pages: Spanish
    assert problem_message(keyed) == "plan 7 is already approved"  # no language: the detail
    assert problem_message(Conflict("plain"), "es") == "plain"
    assert refusal(HitoError("unknown", key="no_such_key"), "es") == "unknown"
    missing = InvalidInput("plan ? is already approved", key="pt_err_already_approved")
    assert refusal(missing, "es") == "plan ? is already approved"  # its params missing
    assert keyed.detail == str(keyed) == "plan 7 is already approved"
    assert HitoError("x").key is None and HitoError("x").params == {}

    class Typed(BaseModel):
        n: int

    try:
        Typed.model_validate({"n": "x"})
    except ValueError as error:
        assert problem_message(error, "en").startswith("n: ")


def test_a_refusals_terms_are_said_in_the_readers_words() -> None:
    """A service or bed category inside a refusal is a catalog term, not its English value."""
    no_bed = Conflict("Albergue X has no free bed for families", key="h_err_no_bed",
                      params={"facility": "Albergue X", "bed": Term("bed_families")})  # fmt: skip
    assert "familias" in refusal(no_bed, "es") and "families" not in refusal(no_bed, "es")
    assert "families" in refusal(no_bed, "en")
    offered = InvalidInput("X does not offer health", key="h_err_not_offered",
                           params={"facility": "X", "service": Term("svc_health")})  # fmt: skip
    assert "salud" in refusal(offered, "es") and "health" not in refusal(offered, "es")
    unknown = Conflict("d", key="h_err_no_bed", params={"facility": "X", "bed": Term("bed_zz")})
    assert "bed_zz" in refusal(unknown, "es")  # a term missing from the catalog: as it is


@sqlite
def test_a_case_page_shows_no_message_written_into_its_link(
    login: Login, signed_in: SignedIn
) -> None:
    """A refusal used to travel in the redirect's `?error=`: anyone could send a link that
    made the case page say what they wrote. The page now says only what it decided."""
    person = _person(login("cl.oim"), protection=None)
    oim = signed_in("cl.oim")
    saved = oim.post(f"/humanitarian/persons/{person}/screen", data={**FORM, "share_with": []})
    case_url = saved.headers["location"].split("?")[0]
    page = oim.get(f"{case_url}?error=Llame+al+%2B56+9+1234+5678+para+liberar+el+caso")
    assert page.status_code == 200
    assert "Llame al" not in page.text
