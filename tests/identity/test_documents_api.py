"""Document checks over HTTP, and documents checked as persons are recorded."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tests.factories import person_payload
from tests.identity.test_documents import TD3

Login = Callable[[str], httpx.Client]


def test_validate_returns_normalised_value_or_reason(login: Login) -> None:
    api = login("pe.operator")
    ok = api.post(
        "/api/v1/identity/documents/validate", json={"type": "cl-run", "value": "123456785"}
    )
    assert ok.status_code == 200
    assert ok.json()["valid"] is True and ok.json()["normalized"] == "12345678-5"
    bad = api.post(
        "/api/v1/identity/documents/validate", json={"type": "pe-dni", "value": "10117410-3"}
    )
    assert bad.status_code == 200
    body = bad.json()
    assert body["valid"] is False and body["field"] == "check_digit"
    assert body["reason"] == "check character is 3, expected 2 or G"


def test_validate_mrz_returns_the_reading(login: Login) -> None:
    body = (
        login("cl.viewer")
        .post("/api/v1/identity/documents/validate", json={"type": "mrz", "value": TD3})
        .json()
    )
    assert body["valid"] is True and body["normalized"] == "L898902C3"
    assert body["mrz"]["format"] == "TD3" and body["mrz"]["birth_date"] == "1974-08-12"
    assert all(check["ok"] for check in body["mrz"]["checks"])


def test_validate_refuses_unknown_type_and_anonymous_callers(
    login: Login, client: httpx.Client
) -> None:
    api = login("cl.operator")
    wrong = api.post("/api/v1/identity/documents/validate", json={"type": "xx", "value": "1"})
    assert wrong.status_code == 422
    assert wrong.headers["content-type"].startswith("application/problem+json")
    empty = api.post("/api/v1/identity/documents/validate", json={"type": "cl-run", "value": ""})
    assert empty.status_code == 422
    anonymous = client.post(
        "/api/v1/identity/documents/validate", json={"type": "cl-run", "value": "123456785"}
    )
    assert anonymous.status_code == 401


def test_person_documents_are_checked_on_entry_and_flagged_not_fixed(login: Login) -> None:
    api = login("cl.operator")
    documents = [
        {"type": "cl-run", "number": "12.345.678-4"},
        {"type": "ve-cedula", "number": "v-18.345.678"},
        {"type": "mrz", "number": TD3},
        {"type": "other", "number": "Salvoconducto 12"},
    ]
    created = api.post("/api/v1/persons", json=person_payload(documents=documents))
    assert created.status_code == 201, created.text
    stored = api.get(f"/api/v1/persons/{created.json()['id']}").json()["documents"]
    run, cedula, zone, other = stored
    assert run["number"] == "12.345.678-4"  # as given
    assert (run["check_status"], run["normalized"]) == ("invalid", None)
    assert run["check_reason"] == "check digit is 4, expected 5 for 12.345.678"
    assert (cedula["check_status"], cedula["normalized"]) == ("valid", "V18345678")
    assert (zone["check_status"], zone["normalized"]) == ("valid", "L898902C3")
    assert zone["number"] == TD3
    assert other["check_status"] == "unchecked"


def test_only_an_mrz_number_may_span_lines(login: Login) -> None:
    api = login("cl.operator")
    response = api.post(
        "/api/v1/persons",
        json=person_payload(documents=[{"type": "cl-run", "number": "12345678\n-5"}]),
    )
    assert response.status_code == 422
    assert "single line" in response.text
