"""Requests for information across the border: asked on one node, answered on the other, the
state seen by both, overdue ones flagged; police, investigation and immigration only."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable

import httpx

from tests.factories import person_payload
from tests.nodes import SECRET, TestNode

Login = Callable[[str], httpx.Client]
HITO = [sys.executable, "-m", "hito.cli"]


def _ask(api: httpx.Client, **overrides: object) -> httpx.Response:
    body = {
        "subject_kind": "person",
        "subject": {"given_names": "Yusmary", "surnames": "Colmenares", "birth_date": "1991-02"},
        "reason": "Detenida en Santa Rosa sin documentos; dice haber estado en Arica.",
        "deadline": "2030-01-01T12:00:00-05:00",
    }
    return api.post("/api/v1/requests", json={**body, **overrides})


def test_asked_in_peru_answered_in_chile_with_a_shared_record(
    login: Login, sync: Callable[[], int]
) -> None:
    asked = _ask(login("pe.operator"))
    assert asked.status_code == 201, asked.text
    assert asked.json()["state"] == "open" and asked.json()["direction"] == "outbox"
    sync()
    pdi = login("cl.pdi")
    (received,) = pdi.get("/api/v1/requests", params={"box": "inbox"}).json()["items"]
    assert received["uid"] == asked.json()["uid"] and received["direction"] == "inbox"
    assert received["subject"]["surnames"] == "Colmenares"
    national = (
        login("cl.operator")
        .post("/api/v1/persons", json=person_payload(sharing_level="national"))
        .json()
    )
    refused = pdi.post(
        f"/api/v1/requests/{received['id']}/answer",
        json={"text": "Registro adjunto", "records": [{"type": "person", "uid": national["uid"]}]},
    )
    assert refused.status_code == 422 and "does not let it go" in refused.json()["detail"]
    shared = login("cl.operator").post("/api/v1/persons", json=person_payload()).json()
    answered = pdi.post(
        f"/api/v1/requests/{received['id']}/answer",
        json={"text": "Atendida en Arica el 20/11.",
              "records": [{"type": "person", "uid": shared["uid"]}]},
    )  # fmt: skip
    assert answered.status_code == 200, answered.text
    assert answered.json()["state"] == "answered"
    again = pdi.post(f"/api/v1/requests/{received['id']}/decline", json={"reason": "tarde"})
    assert again.status_code == 409
    sync()
    (mine,) = login("pe.supervisor").get("/api/v1/requests").json()["items"]
    assert mine["state"] == "answered" and mine["answer"]["agency"] == "CL-PDI"
    assert mine["answer"]["records"] == [{"type": "person", "uid": shared["uid"]}]
    found = login("pe.operator").get("/api/v1/persons", params={"uid": shared["uid"]})
    assert len(found.json()["items"]) == 1  # the record itself came through the exchange


def test_declined_and_overdue_requests(login: Login, sync: Callable[[], int]) -> None:
    late = _ask(login("cl.operator"), deadline="2025-11-20T12:00:00-03:00")
    open_one = _ask(login("cl.operator"))
    assert late.json()["state"] == "overdue" and open_one.json()["state"] == "open"
    sync()
    migraciones = login("pe.supervisor")
    inbox = migraciones.get("/api/v1/requests", params={"box": "inbox"}).json()["items"]
    by_uid = {r["uid"]: r for r in inbox}
    assert by_uid[late.json()["uid"]]["state"] == "overdue"
    overdue = migraciones.get("/api/v1/requests", params={"state": "overdue"}).json()["items"]
    assert [r["uid"] for r in overdue] == [late.json()["uid"]]
    declined = migraciones.post(
        f"/api/v1/requests/{by_uid[open_one.json()['uid']]['id']}/decline",
        json={"reason": "Fuera del objeto del acuerdo."},
    )
    assert declined.json()["state"] == "declined"
    assert (
        login("pe.operator")
        .post(f"/api/v1/requests/{by_uid[late.json()['uid']]['id']}/answer", json={"text": "x"})
        .status_code
        == 403
    )  # answering is for supervisors
    sync()
    states = {r["uid"]: r["state"] for r in login("cl.pdi").get("/api/v1/requests").json()["items"]}
    assert states == {late.json()["uid"]: "overdue", open_one.json()["uid"]: "declined"}


def test_only_police_investigation_and_immigration_ask_and_see(
    login: Login, sync: Callable[[], int]
) -> None:
    for username in ("cl.oim", "cl.viewer", "pe.military", "pe.acnur"):
        reply = _ask(login(username))
        assert reply.status_code == 403, username
    assert _ask(login("cl.pdi")).status_code == 201
    sync()
    for username in ("pe.oim", "pe.military", "pe.viewer", "cl.oim"):
        assert login(username).get("/api/v1/requests").status_code == 403, username
    assert len(login("pe.admin").get("/api/v1/requests").json()["items"]) == 1
    own_answer = login("cl.pdi").get("/api/v1/requests").json()["items"][0]
    refused = login("cl.pdi").post(
        f"/api/v1/requests/{own_answer['id']}/answer", json={"text": "yo mismo"}
    )
    assert refused.status_code == 403 and "other country answers" in refused.json()["detail"]


def test_the_cli_lists_and_answers(
    login: Login, sync: Callable[[], int], nodes: dict[str, TestNode]
) -> None:
    _ask(login("pe.operator"), subject_kind="vehicle", subject={"plate": "ABC-123"})
    sync()
    node = nodes["CL"]
    env = {
        **os.environ,
        "HITO_NODE": "CL",
        "HITO_DATABASE_URL": node.settings.database_url,
        "HITO_SECRET_KEY": SECRET,
        "HITO_DEMO": "0",
    }
    run = lambda *args: subprocess.run(  # noqa: E731
        [*HITO, "request", *args], env=env, capture_output=True, text=True, check=False
    )
    listed = run("list", "--box", "inbox")
    assert listed.returncode == 0 and "plate=ABC-123" in listed.stdout and "open" in listed.stdout
    request_id = listed.stdout.split()[0].lstrip("#")
    answered = run("answer", request_id, "--text", "Patente sin encargo en Chile.")
    assert answered.returncode == 0 and "answered" in answered.stdout
    assert run("decline", request_id, "--reason", "ya respondida").returncode == 1
    assert run("list", "--state", "nonsense").returncode == 2
