"""The humanitarian pages over real HTTP with a signed-in browser session: the screening
form (consent first), the case page, the queue, the shelter board; details and reasons on
every page only for caseworkers and humanitarian agencies."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tests.humanitarian.test_cases_api import Login, _person

SignedIn = Callable[[str], httpx.Client]

FORM = {
    "explained": "Se explicó la evaluación, sus fines y con quién se comparte.",
    "language": "es",
    "given": "yes",
    "share_with": ["service_providers"],
    "parts": ["health"],
    "flags": ["pregnant", "pregnancy_high_risk"],
    "pregnancy_months": "7",
    "notes": "derivar a control prenatal urgente",
}


def test_a_caseworker_screens_and_refers_through_the_pages(
    login: Login, signed_in: SignedIn
) -> None:
    person = _person(login("cl.oim"), protection=None)
    oim = signed_in("cl.oim")
    form = oim.get(f"/humanitarian/persons/{person}/screen")
    assert form.status_code == 200 and "Consentimiento" in form.text and "data-draft" in form.text
    saved = oim.post(f"/humanitarian/persons/{person}/screen", data=FORM)
    assert saved.status_code == 303, saved.text
    case_url = saved.headers["location"].split("?")[0]
    case = oim.get(saved.headers["location"])
    assert "embarazo de alto riesgo, 7 meses → crítica" in case.text
    assert "derivar a control prenatal urgente" in case.text
    assert "data-clear-draft" in case.text
    facilities = login("cl.oim").get("/api/v1/facilities").json()
    point = next(f for f in facilities if f["name"] == "Punto de atención humanitaria Chacalluta")
    referred = oim.post(
        f"{case_url}/refer", data={"facility_id": str(point["id"]), "service": "health"}
    )
    assert referred.status_code == 303
    assert "pendiente" in oim.get(case_url).text
    queue = oim.get("/humanitarian")
    assert "crítica" in queue.text and case_url in queue.text

    police = signed_in("cl.operator")
    seen = police.get(case_url)
    assert seen.status_code == 200 and "crítica" in seen.text
    assert "alto riesgo" not in seen.text and "prenatal" not in seen.text
    assert "reservado a equipos humanitarios" in seen.text
    assert "alto riesgo" not in police.get("/humanitarian").text
    assert "/refer" not in seen.text  # only caseworkers refer
    assert police.get(f"/humanitarian/persons/{person}/screen").status_code == 404
    assert police.get("/humanitarian/alerts").status_code == 404
    board = police.get("/humanitarian/shelters")
    assert board.status_code == 200 and "Albergue transitorio Arica" in board.text


def test_a_bad_or_refused_screening_form(login: Login, signed_in: SignedIn) -> None:
    person = _person(login("cl.oim"), birth_date="1970-01-01", protection=None)
    oim = signed_in("cl.oim")
    url = f"/humanitarian/persons/{person}/screen"
    bad = oim.post(url, data={**FORM, "child_status": "unaccompanied"})
    assert bad.status_code == 422 and "es solo para menores" in bad.text  # in Spanish
    assert "derivar a control prenatal urgente" in bad.text  # what was typed comes back
    odd = oim.post(url, data={**FORM, "pregnancy_months": "²", "age_estimate": "9" * 5000})
    assert odd.status_code in (303, 422), odd.text  # ignored or refused, never a 500
    refused = oim.post(url, data={**FORM, "given": "no"})
    assert refused.status_code == 303
    case = oim.get(refused.headers["location"])
    assert "no evaluada" in case.text and "consent_refused" in case.text
    assert oim.get("/humanitarian/persons/999999/screen").status_code == 404
    assert oim.get("/humanitarian/cases/99999999999").status_code == 404
    assert oim.get("/humanitarian", params={"priority": "urgent"}).status_code == 200
    anonymous = httpx.get(f"{oim.base_url}/humanitarian", follow_redirects=False)
    assert anonymous.status_code == 303 and "/login" in anonymous.headers["location"]
