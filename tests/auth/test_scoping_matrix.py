"""Every endpoint × role × country: nobody reads what its origin country has not shared.

The expectations are written out by hand from the sharing rules (not computed by Hito's code):
- national: the origin country's users only;
- binational: everyone (both countries and the international organisations);
- humanitarian: the origin country's users, plus humanitarian agencies and caseworkers.
Health and protection details of persons: caseworkers and humanitarian agencies only.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tests.conftest import USERS
from tests.factories import event_payload, person_payload

Login = Callable[[str], httpx.Client]
LEVELS = ("national", "binational", "humanitarian")
CL_SEES = {("CL", "national"), ("CL", "binational"), ("CL", "humanitarian"), ("PE", "binational")}
PE_SEES = {("PE", "national"), ("PE", "binational"), ("PE", "humanitarian"), ("CL", "binational")}
HUMANITARIAN_SEES = {
    ("CL", "binational"),
    ("CL", "humanitarian"),
    ("PE", "binational"),
    ("PE", "humanitarian"),
}
EXPECTED: dict[str, set[tuple[str, str]]] = {
    "cl.operator": CL_SEES,
    "cl.pdi": CL_SEES,
    "cl.viewer": CL_SEES,
    "cl.admin": CL_SEES,
    "cl.caseworker": CL_SEES | {("PE", "humanitarian")},
    "pe.operator": PE_SEES,
    "pe.military": PE_SEES,
    "pe.viewer": PE_SEES,
    "pe.supervisor": PE_SEES,
    "int.oim": HUMANITARIAN_SEES,
    "int.acnur": HUMANITARIAN_SEES,
}
SEES_PROTECTION = {"cl.caseworker", "int.oim", "int.acnur"}
WRITERS = {u for u, (_, roles) in USERS.items() if roles != "viewer"}
AUTHORS = {"CL": "cl.operator", "PE": "pe.operator"}


@pytest.fixture
def world(login: Login) -> dict[str, dict[tuple[str, str], int]]:
    """One event, group and person per origin country and sharing level."""
    records: dict[str, dict[tuple[str, str], int]] = {"event": {}, "group": {}, "person": {}}
    for country, author in AUTHORS.items():
        api = login(author)
        for level in LEVELS:
            key = (country, level)
            event = api.post("/api/v1/events", json=event_payload(sharing_level=level))
            group = api.post("/api/v1/groups", json={"kind": "family", "sharing_level": level})
            assert event.status_code == group.status_code == 201
            records["event"][key] = event.json()["id"]
            records["group"][key] = group.json()["id"]
            person = api.post(
                "/api/v1/persons",
                json=person_payload(
                    sharing_level=level,
                    event_id=records["event"][key],
                    group_id=records["group"][key],
                    relationship_to_group="head",
                ),
            )
            assert person.status_code == 201, person.text
            records["person"][key] = person.json()["id"]
    return records


def _not_found_shape(reply: httpx.Response) -> tuple[int, str, str]:
    body = reply.json()
    return reply.status_code, body["title"], body["detail"].split(" ")[0]


@pytest.mark.parametrize("username", sorted(USERS))
def test_reads_are_scoped(username: str, login: Login, world: dict) -> None:
    api = login(username)
    expected = EXPECTED[username]
    listed = {e["id"] for e in api.get("/api/v1/events", params={"limit": 500}).json()["items"]}
    assert listed == {world["event"][k] for k in expected}
    persons = api.get("/api/v1/persons", params={"limit": 500}).json()["items"]
    assert {p["id"] for p in persons} == {world["person"][k] for k in expected}
    for person in persons:
        assert (person["protection"] is not None) == (username in SEES_PROTECTION)
        if username in SEES_PROTECTION:
            assert person["protection"]["vulnerabilities"] == ["pregnant"]
    for kind, path in [("event", "events"), ("person", "persons"), ("group", "groups")]:
        missing = api.get(f"/api/v1/{path}/999999999")
        for key, record_id in world[kind].items():
            reply = api.get(f"/api/v1/{path}/{record_id}")
            if key in expected:
                assert reply.status_code == 200, (kind, key)
            else:
                # exactly the answer for a record that does not exist
                assert _not_found_shape(reply) == _not_found_shape(missing), (kind, key)
                assert str(record_id) in reply.json()["detail"]
    for key, group_id in world["group"].items():
        if key in expected:
            members = api.get(f"/api/v1/groups/{group_id}").json()["member_ids"]
            assert members == [world["person"][key]]


@pytest.mark.parametrize("username", sorted(USERS))
def test_writes_are_scoped(username: str, login: Login, world: dict) -> None:
    api = login(username)
    expected = EXPECTED[username]
    for key, event_id in world["event"].items():
        observed = api.post(
            f"/api/v1/events/{event_id}/observations",
            json={"observed_at": "2025-11-25T10:00:00-03:00", "headcount": 50},
        )
        linked = api.post("/api/v1/persons", json=person_payload(event_id=event_id))
        if username not in WRITERS:
            assert observed.status_code == 403 and linked.status_code == 403
        elif key in expected:
            assert observed.status_code == 201 and linked.status_code == 201
        else:
            assert observed.status_code == 404, observed.text
            assert linked.status_code == 422 and "not found" in linked.text
    # the refused writes changed nothing: unseen events still hold only their first observation
    for (country, level), event_id in world["event"].items():
        if (country, level) not in expected or username not in WRITERS:
            detail = login(AUTHORS[country]).get(f"/api/v1/events/{event_id}").json()
            assert len(detail["observations"]) == 1, (country, level)
            assert detail["version"] == 1


def test_only_origin_country_changes_sharing_level(login: Login, world: dict) -> None:
    event_id = world["event"][("CL", "binational")]
    refused = login("pe.supervisor").patch(
        f"/api/v1/events/{event_id}", json={"version": 1, "sharing_level": "national"}
    )
    assert refused.status_code == 403
    allowed = login("cl.pdi").patch(
        f"/api/v1/events/{event_id}", json={"version": 1, "sharing_level": "national"}
    )
    assert allowed.status_code == 200
    assert login("pe.operator").get(f"/api/v1/events/{event_id}").status_code == 404


@pytest.mark.parametrize(
    "method,path",
    [
        ("GET", "/api/v1/events"),
        ("POST", "/api/v1/events"),
        ("POST", "/api/v1/events/batch"),
        ("GET", "/api/v1/events/1"),
        ("PATCH", "/api/v1/events/1"),
        ("POST", "/api/v1/events/1/observations"),
        ("GET", "/api/v1/persons"),
        ("POST", "/api/v1/persons"),
        ("GET", "/api/v1/persons/1"),
        ("POST", "/api/v1/groups"),
        ("GET", "/api/v1/groups/1"),
        ("GET", "/api/v1/sectors"),
        ("GET", "/api/v1/crossing-points"),
        ("POST", "/api/v1/crossing-points"),
        ("GET", "/api/v1/facilities"),
        ("GET", "/api/v1/agencies"),
        ("GET", "/api/v1/auth/me"),
        ("POST", "/api/v1/identity/documents/validate"),
        ("POST", "/api/v1/identity/screen"),
        ("POST", "/api/v1/identity/screen/decisions"),
        ("GET", "/api/v1/identity/reviews"),
        ("POST", "/api/v1/identity/reviews"),
        ("GET", "/api/v1/persons/1/matches"),
    ],
)
def test_every_endpoint_needs_a_valid_token(client: httpx.Client, method: str, path: str) -> None:
    for headers in [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic x"}]:
        reply = client.request(method, path, headers=headers, json={})
        assert reply.status_code == 401, (path, headers)
        assert reply.headers["content-type"] == "application/problem+json"
        assert reply.headers["www-authenticate"] == "Bearer"


def test_facilities_follow_the_humanitarian_level(login: Login) -> None:
    by_user = {
        u: {f["country"] for f in login(u).get("/api/v1/facilities").json()}
        for u in ("cl.operator", "pe.military", "int.oim")
    }
    assert by_user == {"cl.operator": {"CL"}, "pe.military": {"PE"}, "int.oim": {"CL", "PE"}}


def test_person_reads_are_audited(login: Login, world: dict, session) -> None:  # type: ignore[no-untyped-def]
    from hito.audit import entries, verify_chain

    person_id = world["person"][("CL", "binational")]
    login("pe.viewer").get(f"/api/v1/persons/{person_id}")
    login("int.oim").get("/api/v1/persons")
    reads = entries(session, action="person.read")
    assert [(e.actor, e.actor_agency) for e in reads[:2]] == [
        ("int.oim", "INT-OIM"),
        ("pe.viewer", "PE-RREE"),
    ]
    assert reads[1].object_ids == str(person_id)
    assert str(person_id) in reads[0].object_ids.split(",")
    assert verify_chain(session) is None
