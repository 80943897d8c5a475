"""Every write endpoint refuses bad input with a clear problem+json, and writes nothing."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pyarrow as pa
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from hito.auth import unrestricted
from hito.auth.scoping import unscoped
from hito.exchange.agreements import example_agreement
from hito.models import (
    AlertEntry,
    Annotation,
    AuditEntry,
    CrossingCount,
    CrossingHour,
    CrossingPoint,
    CrossingStatusChange,
    Event,
    FlowCount,
    FlowPoint,
    InformationAnswer,
    InformationRequest,
    LinkReview,
    Observation,
    OutboxEnvelope,
    Person,
    PersonGroup,
    ScreeningDecision,
    SharingAgreement,
)
from tests.factories import event_payload, person_payload

Login = Callable[[str], httpx.Client]
INJECTIONS = [
    "'; DROP TABLE event; --",
    "<script>alert(1)</script>",
    "1 OR 1=1",
    "${jndi:ldap://x}",
    "../../etc/passwd",
]


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    valid: Callable[[], dict[str, Any]]
    required: tuple[str, ...]
    enums: tuple[str, ...]


def crossing_payload() -> dict[str, Any]:
    return {
        "code": "VISVIRI",
        "name": "Visviri – Charaña",
        "location": {"lat": -17.6, "lon": -69.48},
        "opening_hours": "08:00–20:00",
        "status": "open",
    }


ENDPOINTS = [
    Endpoint(
        "POST",
        "/api/v1/events",
        event_payload,
        ("type", "occurred_at", "location"),
        ("type", "sharing_level", "status"),
    ),
    Endpoint(
        "POST", "/api/v1/events/batch", lambda: {"events": [event_payload()]}, ("events",), ()
    ),
    Endpoint(
        "PATCH",
        "/api/v1/events/{event}",
        lambda: {"version": 1, "status": "closed"},
        ("version",),
        ("status", "sharing_level"),
    ),
    Endpoint(
        "POST",
        "/api/v1/events/{event}/observations",
        lambda: {"observed_at": "2025-11-25T12:00:00-03:00", "headcount": 70},
        ("observed_at",),
        ("status",),
    ),
    Endpoint(
        "POST",
        "/api/v1/persons",
        person_payload,
        ("given_names", "encountered_at"),
        ("sex", "nationality", "sharing_level", "relationship_to_group"),
    ),
    Endpoint(
        "POST",
        "/api/v1/groups",
        lambda: {"kind": "family", "label": "Familia"},
        ("kind",),
        ("kind", "sharing_level"),
    ),
    Endpoint(
        "POST",
        "/api/v1/crossing-points",
        crossing_payload,
        ("code", "name", "location", "opening_hours"),
        ("status", "sharing_level"),
    ),
    Endpoint(
        "PATCH",
        "/api/v1/crossing-points/{crossing}",
        lambda: {"status": "restricted", "reason": "Estado de emergencia"},
        (),
        ("status",),
    ),
    Endpoint(
        "POST",
        "/api/v1/identity/documents/validate",
        lambda: {"type": "cl-run", "value": "12.345.678-5"},
        ("type", "value"),
        ("type",),
    ),
    Endpoint(
        "POST",
        "/api/v1/identity/screen",
        lambda: {"given_names": "Ana", "surnames": "Paz", "birth_date": "1990", "sex": "female"},
        (),
        ("sex", "nationality"),
    ),
    Endpoint(
        "POST",
        "/api/v1/identity/screen/decisions",
        lambda: {"subject_key": "a" * 64, "alert_entry_id": 1, "verdict": "false_positive"},
        ("subject_key", "alert_entry_id", "verdict"),
        ("verdict",),
    ),
    Endpoint(
        "POST",
        "/api/v1/identity/reviews",
        lambda: {"person_ids": [1, 2], "decision": "match", "note": "x"},
        ("decision",),
        ("decision",),
    ),
    Endpoint(
        "POST",
        "/api/v1/annotations",
        lambda: {"record_type": "event", "record_uid": "?", "text": "nota"},
        ("record_type", "record_uid", "text"),
        ("sharing_level",),
    ),
    Endpoint(
        "POST",
        "/api/v1/requests",
        lambda: {
            "subject_kind": "person",
            "subject": {"given_names": "Ana", "surnames": "Paz"},
            "reason": "Verificación de identidad en Chacalluta",
            "deadline": "2026-12-24T12:00:00-03:00",
        },
        ("subject_kind", "subject", "reason", "deadline"),
        ("subject_kind",),
    ),
    Endpoint(
        "POST",
        "/api/v1/requests/{request}/answer",
        lambda: {"text": "Sin antecedentes en Chile.", "records": []},
        ("text",),
        (),
    ),
    Endpoint(
        "POST",
        "/api/v1/requests/{request}/decline",
        lambda: {"reason": "Fuera del acuerdo vigente."},
        ("reason",),
        (),
    ),
    Endpoint(
        "POST",
        "/api/v1/agreements",
        lambda: {"document": example_agreement()},
        ("document",),
        (),
    ),
]


def _snapshot(session: Session) -> tuple[Any, ...]:
    session.expire_all()
    counts = tuple(
        session.scalar(select(func.count()).select_from(t))
        for t in (
            Event,
            Observation,
            Person,
            PersonGroup,
            CrossingPoint,
            AuditEntry,
            LinkReview,
            ScreeningDecision,
            Annotation,
            InformationRequest,
            InformationAnswer,
            SharingAgreement,
            OutboxEnvelope,
            CrossingHour,
            CrossingCount,
            CrossingStatusChange,
            FlowPoint,
            FlowCount,
        )
    )
    versions = tuple(session.execute(select(Event.id, Event.version, Event.status)).all())
    crossings = tuple(
        session.execute(select(CrossingPoint.id, CrossingPoint.version, CrossingPoint.status)).all()
    )
    session.rollback()
    return counts, versions, crossings


Case = tuple[str, str | None, bytes | None, Any]


def _bad_requests(endpoint: Endpoint) -> list[Case]:
    """(label, field the error must name, raw body or None, json body) per bad request."""
    valid = endpoint.valid()
    cases: list[Case] = [
        ("empty body", None, b"", None),
        ("not json", None, b"{not json", None),
        ("invalid utf-8", None, b'{"type": "\xff\xfe\xfa"}', None),
        ("json array", None, b"[1, 2]", None),
        ("json null", None, b"null", None),
    ]
    for field in endpoint.enums[:1]:
        cases.append(("lone surrogate", field, None, {**valid, field: "\ud800"}))
    for field in endpoint.required:
        cases.append(
            (f"missing {field}", field, None, {k: v for k, v in valid.items() if k != field})
        )
    for field in valid:
        cases.append((f"wrong type {field}", field, None, {**valid, field: [[1], {"a": None}]}))
    for field in endpoint.enums:
        for injection in INJECTIONS[:2] + ["UNKNOWN"]:
            cases.append((f"{field}={injection}", field, None, {**valid, field: injection}))
    if "location" in valid:
        for location in [
            {"lat": 91, "lon": 0},
            {"lat": 0, "lon": -181},
            {"lat": "NaN", "lon": 0},
            {"lat": None, "lon": 0},
            {"lat": 1e308 * 10, "lon": 0},
        ]:
            cases.append(
                (f"location {location}", "location", None, {**valid, "location": location})
            )
    for field in ("description", "note", "given_names", "label", "name", "text", "reason"):
        if field in valid:
            cases.append((f"NUL in {field}", field, None, {**valid, field: "a\x00b"}))
            cases.append((f"huge {field}", field, None, {**valid, field: "x" * 100_000}))
    return cases


@pytest.fixture
def targets(
    login: Login, sessions: sessionmaker[Session], sync: Callable[[], int]
) -> dict[str, Any]:
    from hito.identity import load_alerts
    from hito.identity.models import AlertKind
    from hito.records import SharingLevel

    api = login("cl.admin")
    event = api.post("/api/v1/events", json=event_payload()).json()
    crossing = next(
        c for c in api.get("/api/v1/crossing-points").json() if c["origin_node"] == "CL"
    )
    asked = login("pe.operator").post(
        "/api/v1/requests",
        json={
            "subject_kind": "document",
            "subject": {"document_number": "V-18.345.678"},
            "reason": "Documento presentado en Santa Rosa",
            "deadline": "2026-12-24T12:00:00-05:00",
        },
    )
    assert asked.status_code == 201, asked.text
    sync()
    (received,) = api.get("/api/v1/requests", params={"box": "inbox"}).json()["items"]
    first = api.post("/api/v1/persons", json=person_payload()).json()
    second = api.post("/api/v1/persons", json=person_payload(given_names="María")).json()
    with sessions() as session, unscoped(session):
        load_alerts(
            session,
            scope=dataclasses.replace(unrestricted("CL"), agency_code="CL-PDI"),
            table=pa.Table.from_pylist([{"id": "1", "given_names": "Ana", "surnames": "Paz"}]),
            list_name="test",
            kind=AlertKind.wanted_person,
            sharing_level=SharingLevel.national,
        )
        session.commit()
        alert = session.scalar(select(func.max(AlertEntry.id)))
    return {
        "event": event["id"],
        "event_uid": event["uid"],
        "request": received["id"],
        "crossing": crossing["id"],
        "person_a": first["id"],
        "person_b": second["id"],
        "alert": alert,
    }


def _resolved(body: dict[str, Any], targets: dict[str, Any]) -> dict[str, Any]:
    """The valid body with the ids of records that exist."""
    if body.get("record_uid") == "?":
        body = {**body, "record_uid": targets["event_uid"]}
    if "person_ids" in body:
        body = {**body, "person_ids": [targets["person_a"], targets["person_b"]]}
    if "alert_entry_id" in body:
        body = {**body, "alert_entry_id": targets["alert"]}
    return body


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
def test_bad_input_is_refused_and_changes_nothing(
    endpoint: Endpoint, login: Login, targets: dict[str, Any], session: Session
) -> None:
    api = login("cl.admin")
    path = endpoint.path.format(**targets)
    before = _snapshot(session)
    for label, field, raw, body in _bad_requests(endpoint):
        if raw is not None:
            reply = api.request(
                endpoint.method, path, content=raw, headers={"content-type": "application/json"}
            )
        else:
            text = json.dumps(body, allow_nan=True)
            reply = api.request(
                endpoint.method,
                path,
                content=text.encode("utf-8", "surrogatepass"),
                headers={"content-type": "application/json"},
            )
        assert 400 <= reply.status_code < 500, (label, reply.status_code, reply.text[:300])
        assert reply.headers["content-type"] == "application/problem+json", label
        problem = reply.json()
        assert problem["status"] == reply.status_code and problem["detail"], label
        if field is not None:
            assert reply.status_code == 422, (label, reply.text)
            assert any(e["field"].split(".")[0] == field for e in problem["errors"]), (
                label,
                problem,
            )
    assert _snapshot(session) == before
    # the valid request goes through, so what failed above was the bad input
    valid = _resolved(endpoint.valid(), targets)
    assert api.request(endpoint.method, path, json=valid).status_code in (200, 201)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
def test_ten_megabyte_body_is_refused(
    endpoint: Endpoint, login: Login, targets: dict[str, Any], session: Session
) -> None:
    api = login("cl.admin")
    before = _snapshot(session)
    body = json.dumps({**endpoint.valid(), "padding": "x" * (10 * 1024 * 1024)}).encode()
    reply = api.request(
        endpoint.method,
        endpoint.path.format(**targets),
        content=body,
        headers={"content-type": "application/json"},
    )
    assert reply.status_code == 413
    assert "limit" in reply.json()["detail"]
    assert _snapshot(session) == before


def test_injection_strings_in_free_text_are_stored_verbatim(login: Login) -> None:
    api = login("cl.operator")
    for text in INJECTIONS:
        created = api.post("/api/v1/events", json=event_payload(description=text)).json()
        assert api.get(f"/api/v1/events/{created['id']}").json()["description"] == text
    assert len(api.get("/api/v1/events").json()["items"]) == len(INJECTIONS)


def test_token_endpoint_refuses_bad_input(client: httpx.Client) -> None:
    assert client.post("/api/v1/auth/token", data={"username": "cl.admin"}).status_code == 422
    wrong = client.post("/api/v1/auth/token", data={"username": "cl.admin", "password": "nope"})
    unknown = client.post("/api/v1/auth/token", data={"username": "nobody", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"]  # no hint that a user exists
    nul = client.post("/api/v1/auth/token", data={"username": "\n\x00cl.admin", "password": "x"})
    assert nul.status_code == 401 and nul.json()["detail"] == wrong.json()["detail"]
    bad_utf8 = client.post(
        "/api/v1/auth/token",
        content=b"username=\xff&password=\xfe",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert 400 <= bad_utf8.status_code < 500
