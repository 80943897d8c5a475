"""Person encounters, documents and family groups over HTTP."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tests.factories import event_payload, local_id, person_payload

Login = Callable[[str], httpx.Client]


def test_person_keeps_partial_birth_date_documents_and_family(login: Login) -> None:
    api = login("cl.oim")
    event = login("cl.operator").post("/api/v1/events", json=event_payload()).json()
    group = api.post(
        "/api/v1/groups",
        json={"kind": "family", "label": "Familia Pérez", "sharing_level": "humanitarian"},
    ).json()
    mother = api.post(
        "/api/v1/persons",
        json=person_payload(
            event_id=event["id"], group_id=group["id"], relationship_to_group="head"
        ),
    ).json()
    child = api.post(
        "/api/v1/persons",
        json=person_payload(
            given_names="José Antonio",
            birth_date="2019",
            sex="male",
            surname_2=None,
            documents=[],
            event_id=event["id"],
            group_id=group["id"],
            relationship_to_group="child",
            protection={"vulnerabilities": ["accompanied_minor"], "notes": ""},
        ),
    ).json()
    assert mother["birth_date"] == "1990-05" and mother["birth_date_precision"] == "month"
    assert child["birth_date"] == "2019" and child["birth_date_precision"] == "year"
    assert child["surname_2"] is None
    assert mother["documents"][0]["number"] == "V-18.345.678"
    assert mother["reporting_agency"] == "INT-OIM" and mother["origin_node"] == "CL"
    assert api.get(f"/api/v1/groups/{group['id']}").json()["member_ids"] == [
        mother["id"],
        child["id"],
    ]
    by_event = api.get("/api/v1/persons", params={"event_id": event["id"]}).json()["items"]
    assert {p["id"] for p in by_event} == {mother["id"], child["id"]}


def test_person_bad_birth_dates_and_countries(login: Login) -> None:
    api = login("cl.operator")
    for field, value in [
        ("birth_date", "1987-02-30"),
        ("birth_date", "19xx0230"),
        ("birth_date", "2999"),
        ("nationality", "XX"),
        ("nationality", "Venezuela"),
    ]:
        reply = api.post("/api/v1/persons", json=person_payload(**{field: value}))
        assert reply.status_code == 422, (field, value)
        assert reply.json()["errors"][0]["field"] == field
    reply = api.post("/api/v1/persons", json=person_payload(relationship_to_group="child"))
    assert reply.status_code == 422 and "group_id" in reply.json()["detail"]
    assert api.get("/api/v1/persons").json()["items"] == []


def test_protection_details_only_for_humanitarian_readers(
    login: Login, sync: Callable[[], int]
) -> None:
    created = login("cl.operator").post("/api/v1/persons", json=person_payload()).json()
    assert created["protection"] is None  # the police officer who wrote it cannot read it back
    seen = login("cl.acnur").get(f"/api/v1/persons/{created['id']}").json()
    assert seen["protection"] == {
        "vulnerabilities": ["pregnant"],
        "notes": "Embarazo de 30 semanas",
    }
    sync()  # binational: Peru's police receive it, without the health details it never gets
    on_peru = local_id(login("pe.operator"), "persons", created["uid"])
    assert login("pe.operator").get(f"/api/v1/persons/{on_peru}").json()["protection"] is None
    assert login("pe.military").get(f"/api/v1/persons/{on_peru}").status_code == 404
