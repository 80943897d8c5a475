"""Two real nodes over HTTP: what leaves, in which form, to whom; updates and retractions."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
from sqlalchemy import select

from hito.auth.scoping import unscoped
from hito.exchange.models import EnvelopeStatus, InboxEnvelope, OutboxEnvelope
from tests.exchange.invariants import count_rows, exactly_what_is_allowed
from tests.factories import event_payload, local_id, person_payload
from tests.nodes import TestNode

Login = Callable[[str], httpx.Client]


def test_a_binational_event_reaches_the_peer_with_its_global_id(
    login: Login, sync: Callable[[], int], nodes: dict[str, TestNode]
) -> None:
    created = login("cl.operator").post("/api/v1/events", json=event_payload()).json()
    assert sync() > 0
    pnp = login("pe.operator")
    (copy,) = pnp.get("/api/v1/events", params={"uid": created["uid"]}).json()["items"]
    assert copy["origin_node"] == "CL" and copy["version"] == 1
    for field in ("type", "occurred_at", "location", "sector", "headcount", "description"):
        assert copy[field] == created[field], field
    assert copy["reporting_agency"] == "CL-CARABINEROS"
    assert copy["reported_by"] is None  # who wrote it stays on the origin node
    exactly_what_is_allowed(nodes)


def test_national_records_never_leave(
    login: Login, sync: Callable[[], int], nodes: dict[str, TestNode]
) -> None:
    login("cl.operator").post("/api/v1/events", json=event_payload(sharing_level="national"))
    login("cl.operator").post("/api/v1/persons", json=person_payload(sharing_level="national"))
    sync()
    with nodes["CL"].sessions() as session, unscoped(session):
        sent = session.scalars(select(OutboxEnvelope.record_type)).all()
    assert "event" not in sent and "person" not in sent  # not even written for the peer
    assert login("pe.operator").get("/api/v1/events").json()["items"] == []


def test_a_person_carries_only_the_agreed_fields_to_its_audience(
    login: Login, sync: Callable[[], int], nodes: dict[str, TestNode]
) -> None:
    """Binational: identity and documents for police, investigation and immigration, no health
    notes. Humanitarian: health and protection notes for caseworkers, no documents."""
    api = login("cl.oim")
    group = api.post(
        "/api/v1/groups", json={"kind": "family", "sharing_level": "humanitarian"}
    ).json()
    identity = api.post("/api/v1/persons", json=person_payload()).json()
    cared = api.post(
        "/api/v1/persons",
        json=person_payload(
            sharing_level="humanitarian", group_id=group["id"], relationship_to_group="head"
        ),
    ).json()
    sync()
    pnp, oim = login("pe.operator"), login("pe.oim")
    seen = pnp.get(f"/api/v1/persons/{local_id(pnp, 'persons', identity['uid'])}").json()
    assert seen["documents"][0]["number"] == "V-18.345.678"
    assert seen["documents"][0]["check_status"] == "valid"  # checked again on receipt
    assert seen["protection"] is None and seen["group_id"] is None
    assert oim.get("/api/v1/persons", params={"uid": identity["uid"]}).json()["items"] == []
    helped = oim.get(f"/api/v1/persons/{local_id(oim, 'persons', cared['uid'])}").json()
    assert helped["documents"] == []
    assert helped["protection"] == {
        "vulnerabilities": ["pregnant"],
        "notes": "Embarazo de 30 semanas",
    }
    assert helped["group_id"] is not None  # the family travels as a global id and links again
    assert oim.get(f"/api/v1/groups/{helped['group_id']}").json()["member_ids"] == [helped["id"]]
    assert pnp.get("/api/v1/persons", params={"uid": cared["uid"]}).json()["items"] == []
    with nodes["CL"].sessions() as session, unscoped(session):
        bodies = session.scalars(
            select(OutboxEnvelope.body).where(OutboxEnvelope.record_uid == identity["uid"])
        ).all()
    (body,) = bodies
    assert "protection" not in json.loads(body)["record"]  # it never left Chile's node
    exactly_what_is_allowed(nodes)


def test_updates_and_retractions_follow_the_origin(
    login: Login, sync: Callable[[], int], nodes: dict[str, TestNode]
) -> None:
    carabineros, pnp = login("cl.operator"), login("pe.operator")
    event = carabineros.post("/api/v1/events", json=event_payload()).json()
    carabineros.post(
        f"/api/v1/events/{event['id']}/observations",
        json={"observed_at": "2025-11-25T12:00:00-03:00", "headcount": 70, "note": "recuento"},
    )
    sync()
    copy_id = local_id(pnp, "events", event["uid"])
    assert pnp.get(f"/api/v1/events/{copy_id}").json()["headcount"] == 70
    closed = carabineros.patch(
        f"/api/v1/events/{event['id']}", json={"version": 2, "status": "closed"}
    )
    assert closed.status_code == 200, closed.text
    sync()
    copy = pnp.get(f"/api/v1/events/{copy_id}").json()
    assert (copy["status"], copy["version"]) == ("closed", 3)
    lowered = carabineros.patch(
        f"/api/v1/events/{event['id']}", json={"version": 3, "sharing_level": "national"}
    )
    assert lowered.status_code == 200
    sync()
    assert pnp.get(f"/api/v1/events/{copy_id}").status_code == 404
    assert count_rows(nodes["PE"], InboxEnvelope) > 0
    with nodes["PE"].sessions() as session, unscoped(session):
        from hito.models import Event, Observation

        assert session.scalar(select(Event.id).where(Event.uid == event["uid"])) is None
        assert session.scalars(select(Observation.note)).all() == []  # withdrawn with it
    raised = carabineros.patch(
        f"/api/v1/events/{event['id']}", json={"version": 4, "sharing_level": "binational"}
    )
    assert raised.status_code == 200
    sync()
    back = pnp.get("/api/v1/events", params={"uid": event["uid"]}).json()["items"]
    assert [(e["version"], e["headcount"]) for e in back] == [(5, 70)]
    exactly_what_is_allowed(nodes)


def test_a_peruvian_observation_of_a_withdrawn_event_is_kept_and_relinked(
    login: Login, sync: Callable[[], int], nodes: dict[str, TestNode]
) -> None:
    """Chile withdraws its event; Peru's own observation of it is not lost: it waits, and links
    again when the event comes back."""
    carabineros, pnp = login("cl.operator"), login("pe.operator")
    event = carabineros.post("/api/v1/events", json=event_payload()).json()
    sync()
    pnp.post(
        f"/api/v1/events/{local_id(pnp, 'events', event['uid'])}/observations",
        json={"observed_at": "2025-11-25T12:00:00-05:00", "headcount": 70, "note": "PNP"},
    )
    sync()
    carabineros.patch(
        f"/api/v1/events/{event['id']}", json={"version": 2, "sharing_level": "national"}
    )
    sync()
    from hito.models import Observation

    with nodes["PE"].sessions() as session, unscoped(session):
        kept = session.execute(select(Observation.note, Observation.event_id)).all()
    assert kept == [("PNP", None)]
    carabineros.patch(
        f"/api/v1/events/{event['id']}", json={"version": 3, "sharing_level": "binational"}
    )
    sync()
    again = pnp.get(f"/api/v1/events/{local_id(pnp, 'events', event['uid'])}").json()
    assert [o["note"] for o in again["observations"][1:]] == ["PNP"]


def test_link_state_counts_both_ways(
    login: Login, sync: Callable[[], int], nodes: dict[str, TestNode]
) -> None:
    for _ in range(3):
        login("cl.operator").post("/api/v1/events", json=event_payload())
    login("pe.operator").post("/api/v1/events", json=event_payload())
    before = login("cl.viewer").get("/api/v1/node").json()["links"][0]
    assert before["pending"] == 3 and before["lag_seconds"] is not None
    sync()
    cl = login("cl.viewer").get("/api/v1/node").json()
    pe = login("pe.viewer").get("/api/v1/node").json()
    (cl_link,), (pe_link,) = cl["links"], pe["links"]
    assert cl_link["peer"] == "PE" and pe_link["peer"] == "CL"
    assert cl_link["last_seq"] == cl_link["acked_seq"] == pe_link["applied_seq"] == 3
    assert pe_link["last_seq"] == pe_link["acked_seq"] == cl_link["applied_seq"] == 1
    assert cl_link["pending"] == 0 and cl_link["held"] == 0 and cl_link["first_gap"] is None
    assert cl["fingerprint"] == pe_link["fingerprint"]  # each knows the other by its key
    health = httpx.get(f"{nodes['CL'].url}/healthz").json()
    assert health["links"][0]["pending"] == 0


def test_the_outbox_is_written_with_the_change_or_not_at_all(
    login: Login, nodes: dict[str, TestNode]
) -> None:
    """A write refused halfway (one bad event in a batch) leaves no envelope behind."""
    api = login("cl.operator")
    refused = api.post(
        "/api/v1/events/batch",
        json={"events": [event_payload(), event_payload(headcount=-1)]},
    )
    assert refused.status_code == 422
    assert count_rows(nodes["CL"], OutboxEnvelope) == 0
    accepted = api.post("/api/v1/events/batch", json={"events": [event_payload()] * 3})
    assert accepted.status_code == 201
    with nodes["CL"].sessions() as session, unscoped(session):
        rows = session.execute(select(OutboxEnvelope.seq, OutboxEnvelope.status)).all()
    assert sorted(rows) == [(1, EnvelopeStatus.pending), (2, EnvelopeStatus.pending),
                            (3, EnvelopeStatus.pending)]  # fmt: skip
