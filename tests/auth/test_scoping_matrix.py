"""Every route of the OpenAPI document × every role of both nodes: no record leaks.

Each node writes, at every sharing level, an event (with an observation), a family group, a
person (with health and protection notes), an alert list, an annotation and a request for
information to the other side; the exchange runs; then every user of both nodes walks every route.
Each record carries a marker (``MARK-<origin>-<level>-<kind>``) in a text field, so a leak shows
in any field of any answer, lists, filters, details, errors and exports alike.

The expectations are written out by hand from the sharing rules and the demo agreement (not
computed by Hito's code):
- a node's own records: ``national`` → its country's agencies; ``binational`` and
  ``humanitarian`` → every user of the node (its agencies and the international organisations);
- received records, by the agreement's audience: events and observations binational → everyone,
  humanitarian → humanitarian agencies and caseworkers; persons binational → police,
  investigation and immigration, humanitarian → humanitarian; groups → humanitarian;
  alert lists binational → police, investigation and immigration; national never crosses;
- health and protection notes: caseworkers and humanitarian agencies only, and they cross only
  with humanitarian persons;
- annotations never leave their node; requests for information: police, investigation and
  immigration of both sides;
- screenings (planted at binational and humanitarian): their details only to the node's
  caseworkers and humanitarian agencies; cases and screenings do not cross (yet).
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable

import httpx
import pyarrow as pa
import pytest

from hito.auth import unrestricted
from hito.auth.scoping import unscoped
from hito.identity import load_alerts
from hito.identity.models import AlertKind
from hito.records import SharingLevel
from tests.factories import event_payload, person_payload
from tests.nodes import USERS, TestNode

Login = Callable[[str], httpx.Client]
LEVELS = ("national", "binational", "humanitarian")
MARK = re.compile(r"MARK-(CL|PE)-(national|binational|humanitarian)-([a-z]+)")

CL_COUNTRY = {"cl.operator", "cl.pdi", "cl.viewer", "cl.admin", "cl.caseworker"}
CL_ALL = CL_COUNTRY | {"cl.oim", "cl.acnur"}
CL_SECURITY = {"cl.operator", "cl.pdi", "cl.admin", "cl.caseworker"}
CL_HUMANITARIAN = {"cl.caseworker", "cl.oim", "cl.acnur"}
PE_COUNTRY = {"pe.operator", "pe.military", "pe.viewer", "pe.supervisor", "pe.admin"}
PE_ALL = PE_COUNTRY | {"pe.oim", "pe.acnur"}
PE_SECURITY = {"pe.operator", "pe.supervisor", "pe.admin"}
PE_HUMANITARIAN = {"pe.oim", "pe.acnur"}
COUNTRY = {"CL": CL_COUNTRY, "PE": PE_COUNTRY}
ALL = {"CL": CL_ALL, "PE": PE_ALL}
SECURITY = {"CL": CL_SECURITY, "PE": PE_SECURITY}
HUMANITARIAN = {"CL": CL_HUMANITARIAN, "PE": PE_HUMANITARIAN}
OTHER = {"CL": "PE", "PE": "CL"}
# who screens against alert lists (write roles, not humanitarian)
SCREENERS = {
    "cl.operator", "cl.pdi", "cl.admin", "pe.operator", "pe.military", "pe.supervisor", "pe.admin",
}  # fmt: skip


def _sees(kind: str, origin: str, level: str) -> set[str]:
    """Who, on either node, reads a record of ``kind`` written on ``origin`` at ``level``."""
    other = OTHER[origin]
    here = COUNTRY[origin] if level == "national" else ALL[origin]
    if kind in ("event", "observation"):
        across = {"national": set(), "binational": ALL[other], "humanitarian": HUMANITARIAN[other]}
    elif kind == "person":
        across = {
            "national": set(),
            "binational": SECURITY[other],
            "humanitarian": HUMANITARIAN[other],
        }
    elif kind == "group":
        across = {
            "national": set(),
            "binational": HUMANITARIAN[other],
            "humanitarian": HUMANITARIAN[other],
        }
    elif kind == "protection":
        here = (
            (HUMANITARIAN[origin] & COUNTRY[origin])
            if level == "national"
            else (HUMANITARIAN[origin])
        )
        across = {"national": set(), "binational": set(), "humanitarian": HUMANITARIAN[other]}
    elif kind == "alert":
        here = (COUNTRY[origin] if level == "national" else ALL[origin]) & SCREENERS
        across = {"national": set(), "binational": SECURITY[other] & SCREENERS,
                  "humanitarian": set()}  # fmt: skip
    elif kind == "annotation":  # planted at national and binational only
        if level == "humanitarian":
            return set()
        across = {"national": set(), "binational": set()}
    elif kind == "request":
        return SECURITY["CL"] | SECURITY["PE"] if level == "binational" else set()
    elif kind == "screening":
        return set() if level == "national" else HUMANITARIAN[origin]
    else:
        raise AssertionError(kind)
    return here | across[level]


def expected_marks(username: str) -> set[str]:
    kinds = (
        "event", "observation", "person", "group", "protection", "alert", "annotation", "screening"
    )  # fmt: skip
    marks = {
        f"MARK-{origin}-{level}-{kind}"
        for kind in kinds
        for origin in ("CL", "PE")
        for level in LEVELS
        if username in _sees(kind, origin, level)
    }
    marks |= {
        f"MARK-{origin}-binational-request"
        for origin in ("CL", "PE")
        if username in _sees("request", origin, "binational")
    }
    return marks


AUTHORS = {"CL": "cl.operator", "PE": "pe.operator"}
CASEWORKERS = {"CL": "cl.caseworker", "PE": "pe.oim"}
ADMINS = {"CL": "cl.admin", "PE": "pe.admin"}
LISTERS = {"CL": "CL-PDI", "PE": "PE-MIGRACIONES"}


@dataclasses.dataclass
class World:
    """Local ids, per node, of every planted record (own and received)."""

    ids: dict[str, dict[str, list[int]]]  # node → kind → ids held there
    uids: dict[str, list[str]]  # kind → every global id
    requests: dict[str, int]  # node → id of the request it received


def _plant(node: TestNode, login: Login) -> None:
    code = node.code
    author = login(AUTHORS[code])
    for level in LEVELS:
        mark = f"MARK-{code}-{level}"
        event = author.post(
            "/api/v1/events", json=event_payload(sharing_level=level, description=f"{mark}-event")
        )
        assert event.status_code == 201, event.text
        observed = author.post(
            f"/api/v1/events/{event.json()['id']}/observations",
            json={"observed_at": "2025-11-25T10:00:00-03:00", "note": f"{mark}-observation"},
        )
        assert observed.status_code == 201, observed.text
        group = author.post(
            "/api/v1/groups",
            json={"kind": "family", "label": f"{mark}-group", "sharing_level": level},
        )
        assert group.status_code == 201, group.text
        person = author.post(
            "/api/v1/persons",
            json=person_payload(
                given_names=f"{mark}-person",
                sharing_level=level,
                event_id=event.json()["id"],
                group_id=group.json()["id"],
                relationship_to_group="head",
                protection={"vulnerabilities": ["pregnant"], "notes": f"{mark}-protection"},
            ),
        )
        assert person.status_code == 201, person.text
        if level != "national":
            _screen(login(CASEWORKERS[code]), person.json()["id"], f"{mark}-screening")
        with node.sessions() as session, unscoped(session):
            load_alerts(
                session,
                scope=dataclasses.replace(unrestricted(code), agency_code=LISTERS[code]),
                table=pa.Table.from_pylist(
                    [
                        {
                            "id": "1",
                            "given_names": "Yorman",
                            "surnames": "Briceño",
                            "document_type": "passport",
                            "document_number": f"P{code}{level[:3]}1",
                        }
                    ]
                ),  # fmt: skip
                list_name=f"{mark}-alert",
                kind=AlertKind.stolen_document,
                sharing_level=SharingLevel(level),
            )
            session.commit()
        if level != "humanitarian":
            noted = author.post(
                "/api/v1/annotations",
                json={"record_type": "event", "record_uid": event.json()["uid"],
                      "text": f"{mark}-annotation", "sharing_level": level},
            )  # fmt: skip
            assert noted.status_code == 201, noted.text
    asked = author.post(
        "/api/v1/requests",
        json={"subject_kind": "person", "subject": {"given_names": "Ana"},
              "reason": f"MARK-{code}-binational-request", "deadline": "2030-01-01T00:00:00Z"},
    )  # fmt: skip
    assert asked.status_code == 201, asked.text


def _screen(caseworker: httpx.Client, person_id: int, notes: str) -> None:
    consent = caseworker.post(
        f"/api/v1/humanitarian/persons/{person_id}/consent",
        json={"given": True, "explained": "Se explicó la evaluación.", "language": "es",
              "share_with": ["service_providers"], "parts": ["health"]},
    )  # fmt: skip
    assert consent.status_code == 201, consent.text
    screened = caseworker.post(
        f"/api/v1/humanitarian/persons/{person_id}/screenings",
        json={"consent_id": consent.json()["id"], "details": {"pregnant": True, "notes": notes}},
    )
    assert screened.status_code == 201, screened.text
    point = next(
        f
        for f in caseworker.get("/api/v1/facilities").json()
        if f["kind"] == "service_point" and f["origin_node"] == notes.split("-")[1]
    )
    referred = caseworker.post(  # the note is the referrer's: a detail like the screening's
        f"/api/v1/humanitarian/cases/{screened.json()['case_id']}/referrals",
        json={"facility_id": point["id"], "service": "health", "note": notes},
    )
    assert referred.status_code == 201, referred.text


def _ids(node: TestNode, kind: str) -> list[int]:
    from sqlalchemy import select

    from hito.models import (
        AlertEntry,
        Event,
        HumanitarianCase,
        InformationRequest,
        Person,
        PersonGroup,
    )

    model = {"event": Event, "person": Person, "group": PersonGroup, "alert": AlertEntry,
             "request": InformationRequest, "case": HumanitarianCase}[kind]  # fmt: skip
    with node.sessions() as session, unscoped(session):
        return list(session.scalars(select(model.id)))


@pytest.fixture
def world(nodes: dict[str, TestNode], login: Login, sync: Callable[[], int]) -> World:
    for node in nodes.values():
        _plant(node, login)
    sync()
    ids = {
        code: {
            kind: _ids(node, kind)
            for kind in ("event", "person", "group", "alert", "request", "case")
        }
        for code, node in nodes.items()
    }
    uids: dict[str, list[str]] = {"event": []}
    for code in nodes:
        for event in login(AUTHORS[code]).get("/api/v1/events").json()["items"]:
            uids["event"].append(event["uid"])
    requests = {}
    for code in nodes:
        inbox = login(ADMINS[code]).get("/api/v1/requests", params={"box": "inbox"}).json()
        (received,) = inbox["items"]
        requests[code] = received["id"]
    return World(ids=ids, uids=uids, requests=requests)


def marks_in(reply: httpx.Response) -> set[str]:
    return {m.group(0) for m in MARK.finditer(reply.text)}


def _openapi_operations(api: httpx.Client) -> set[tuple[str, str]]:
    document = api.get("/api/v1/openapi.json").json()
    return {(method.upper(), path) for path, ops in document["paths"].items() for method in ops}


# Every operation of the API, and how this test exercises it. A new route fails the test until
# it is added here, with what it must and must not show.
LISTINGS = [
    ("/api/v1/events", {"limit": 500}),
    ("/api/v1/events", {"limit": 500, "type": "stranded_group", "status": "open"}),
    ("/api/v1/events", {"limit": 500, "sector": "S2-CHACALLUTA", "since": "2025-01-01T00:00:00Z"}),
    ("/api/v1/persons", {"limit": 500}),
    ("/api/v1/persons", {"limit": 500, "nationality": "VE"}),
    ("/api/v1/identity/reviews", {}),
    ("/api/v1/requests", {"box": "all"}),
    ("/api/v1/requests", {"box": "inbox", "state": "open"}),
    ("/api/v1/crossing-points", {}),
    ("/api/v1/facilities", {}),
    ("/api/v1/sectors", {}),
    ("/api/v1/agencies", {}),
    ("/api/v1/auth/me", {}),
    ("/api/v1/node", {}),
    ("/api/v1/agreements", {}),
    ("/api/v1/agreements/current", {}),
    ("/api/v1/humanitarian/queue", {}),
    ("/api/v1/humanitarian/queue", {"need": "maternal", "priority": "medium"}),
    ("/api/v1/humanitarian/rules", {}),
    ("/api/v1/humanitarian/separation-alerts", {}),
    ("/api/v1/humanitarian/shelters", {}),
    ("/api/v1/humanitarian/services", {}),
    ("/api/v1/humanitarian/referrals", {}),
    ("/healthz", {}),
]
BY_ID = {
    ("GET", "/api/v1/events/{event_id}"): "event",
    ("GET", "/api/v1/persons/{person_id}"): "person",
    ("GET", "/api/v1/groups/{group_id}"): "group",
    ("GET", "/api/v1/persons/{person_id}/matches"): "person",
    ("GET", "/api/v1/requests/{request_id}"): "request",
    ("GET", "/api/v1/humanitarian/cases/{case_id}"): "case",
    ("GET", "/api/v1/humanitarian/groups/{group_id}/unscreened"): "group",
    ("GET", "/api/v1/humanitarian/groups/{group_id}/tracing"): "group",
}
WRITES_BY_ID = {
    ("POST", "/api/v1/events/{event_id}/observations"): "event",
    ("PATCH", "/api/v1/events/{event_id}"): "event",
    ("POST", "/api/v1/requests/{request_id}/answer"): "request",
    ("POST", "/api/v1/requests/{request_id}/decline"): "request",
}
OTHERS = {
    ("POST", "/api/v1/auth/token"),  # no record: logging in
    ("POST", "/api/v1/events"),  # writes: checked by test_writes_to_unseen_records_are_refused
    ("POST", "/api/v1/events/batch"),
    ("POST", "/api/v1/persons"),
    ("POST", "/api/v1/groups"),
    ("POST", "/api/v1/crossing-points"),
    ("GET", "/api/v1/crossing-points/{crossing_id}"),  # reference data, binational
    ("PATCH", "/api/v1/crossing-points/{crossing_id}"),  # test_places: only its own side
    ("POST", "/api/v1/identity/documents/validate"),  # no record
    ("POST", "/api/v1/identity/screen"),  # alert markers, below
    ("POST", "/api/v1/identity/screen/decisions"),  # entry ids, below
    ("POST", "/api/v1/identity/reviews"),  # person ids, below
    ("GET", "/api/v1/annotations"),  # by record uid, below
    ("POST", "/api/v1/annotations"),
    ("POST", "/api/v1/requests"),
    ("POST", "/api/v1/agreements"),  # administrators; test_agreements
    ("POST", "/api/v1/humanitarian/persons/{person_id}/consent"),  # unseen persons: below
    ("POST", "/api/v1/humanitarian/persons/{person_id}/screenings"),
    ("POST", "/api/v1/humanitarian/persons/{person_id}/not-screened"),
    ("POST", "/api/v1/humanitarian/cases/{case_id}/close"),  # tests/humanitarian
    ("POST", "/api/v1/humanitarian/cases/{case_id}/reopen"),
    ("POST", "/api/v1/humanitarian/rules"),  # administrators; tests/humanitarian
    ("POST", "/api/v1/humanitarian/movements"),  # test_family_unity
    ("POST", "/api/v1/humanitarian/movements/{movement_id}/carry-out"),
    ("POST", "/api/v1/humanitarian/movements/{movement_id}/cancel"),
    ("POST", "/api/v1/humanitarian/separation-alerts/{alert_id}/resolve"),
    ("POST", "/api/v1/humanitarian/cases/{case_id}/referrals"),  # test_referrals
    ("POST", "/api/v1/humanitarian/referrals/{referral_id}/{action}"),
    ("POST", "/api/v1/humanitarian/shelters/{facility_id}/beds"),
    ("GET", "/api/v1/humanitarian/shelters/{facility_id}/beds"),  # counts only: no record
    ("GET", "/api/v1/patrols/risk"),  # figures only: tests/patrols/test_risk (unseen events)
    ("GET", "/api/v1/patrols/units"),  # tests/patrols/test_plans: Peru sees none of Chile's
    ("POST", "/api/v1/patrols/units"),  # supervisors; tests/patrols/test_plans
    ("POST", "/api/v1/patrols/plans"),
    ("GET", "/api/v1/patrols/plans/{plan_id}"),
    ("POST", "/api/v1/patrols/plans/{plan_id}/approve"),
    ("POST", "/api/v1/patrols/plans/{plan_id}/withdraw"),  # test_sharing: own node, supervisors
    ("POST", "/api/v1/patrols/plans/{plan_id}/replan"),
    ("GET", "/api/v1/patrols/overrides"),  # this node's own, no record: test_overrides
    ("POST", "/api/v1/patrols/overrides"),  # supervisors; tests/patrols/test_overrides
    ("POST", "/api/v1/patrols/overrides/{override_id}/lift"),
    ("GET", "/api/v1/patrols/hotspots"),  # figures only: test_hotspots (unseen events)
    ("GET", "/api/v1/patrols/plans"),  # tests/patrols/test_sharing: a draft stays home
    ("GET", "/api/v1/patrols/logs"),  # test_sharing: the other side's name no unit
    ("POST", "/api/v1/patrols/logs"),  # tests/patrols/test_logs: who may start which unit
    ("GET", "/api/v1/patrols/logs/{patrol_id}"),
    ("POST", "/api/v1/patrols/logs/{patrol_id}/points"),  # test_sharing: only its own node
    ("POST", "/api/v1/patrols/logs/{patrol_id}/gpx"),
    ("POST", "/api/v1/patrols/logs/{patrol_id}/end"),
    ("POST", "/api/v1/patrols/logs/{patrol_id}/findings"),
    ("GET", "/api/v1/patrols/report"),  # figures of plans and patrols the user sees
    # counts are aggregates scoped by the session: tests/crossings/test_scoped_counts
    ("POST", "/api/v1/crossing-points/{crossing_id}/counts"),  # tests/crossings: own side only
    ("GET", "/api/v1/crossing-points/{crossing_id}/wait"),
    ("GET", "/api/v1/crossing-points/{crossing_id}/history"),  # test_counts: the peer's, shared
    ("GET", "/api/v1/crossings/compare"),
    # figures over what the user sees: tests/monitoring (Peru's figures leave Chile's national
    # records out; the records behind a figure likewise)
    ("GET", "/api/v1/monitoring/indicators"),
    ("GET", "/api/v1/monitoring/alerts"),
    ("GET", "/api/v1/monitoring/indicators/{indicator}/records"),
    ("GET", "/api/v1/monitoring/export"),
    ("GET", "/api/v1/monitoring/forecasts"),
    # aggregates, scoped by the session: tests/flows
    ("GET", "/api/v1/flows/points"),
    ("POST", "/api/v1/flows/points"),
    ("POST", "/api/v1/flows/points/{point_id}/counts"),
    ("GET", "/api/v1/flows/summary"),
    ("GET", "/exchange/v1/outbox"),  # nodes only: users get 401 (below)
    ("POST", "/exchange/v1/inbox"),
    ("GET", "/exchange/v1/checkpoints"),
    ("POST", "/exchange/v1/checkpoints"),
}


def test_every_operation_of_the_api_is_walked(login: Login) -> None:
    routes = _openapi_operations(login("cl.viewer"))
    listed = {("GET", path) for path, _ in LISTINGS}
    walked = listed | set(BY_ID) | set(WRITES_BY_ID) | OTHERS
    assert routes - walked == set(), "add the new routes to this test"
    assert walked - routes == set(), "this test names routes that no longer exist"


def test_no_record_leaks_through_any_route(login: Login, world: World) -> None:
    """One world, every user of both nodes (planting it once per user would take minutes)."""
    for username in sorted(USERS):
        _walk(username, login, world)


def _walk(username: str, login: Login, world: World) -> None:
    api = login(username)
    node = USERS[username][0]
    expected = expected_marks(username)
    seen: set[str] = set()
    for path, params in LISTINGS:
        reply = api.get(path, params=params)
        assert reply.status_code in (200, 403, 404), (path, reply.status_code, reply.text)
        seen |= marks_in(reply)
        assert marks_in(reply) <= expected, (path, marks_in(reply) - expected)
    missing = api.get("/api/v1/events/999999999").json()
    for (method, template), kind in BY_ID.items():
        for record_id in world.ids[node][kind]:
            path = re.sub(r"\{[a-z_]+\}", str(record_id), template)
            reply = api.request(method, path)
            seen |= marks_in(reply)
            assert marks_in(reply) <= expected, (path, marks_in(reply) - expected)
            if reply.status_code == 404:  # exactly the answer for a record that does not exist
                body = reply.json()
                assert (body["title"], body["status"]) == (missing["title"], missing["status"])
                assert str(record_id) in body["detail"] and "MARK" not in body["detail"]
    for uid in world.uids["event"]:
        reply = api.get("/api/v1/annotations", params={"record_type": "event", "record_uid": uid})
        seen |= marks_in(reply)
        assert marks_in(reply) <= expected
    for country in ("CL", "PE"):  # each listed document, screened by number
        screened = api.post(
            "/api/v1/identity/screen",
            json={
                "given_names": "Yorman",
                "surnames": "Briceño",
                "documents": [
                    {"type": "passport", "number": f"P{country}{level[:3]}1"} for level in LEVELS
                ],
            },
        )
        assert screened.status_code in (200, 403), screened.text
        if screened.status_code == 200:
            for candidate in screened.json()["candidates"]:
                seen.add(candidate["entry"]["list_name"])
    # the pages of records the API scopes too (the browser's session cookie holds the token)
    cookies = {f"hito_session_{node.lower()}": api.headers["Authorization"].split()[1]}
    pages = ["/events", "/humanitarian", "/humanitarian/shelters", "/humanitarian/alerts"]
    pages += [f"/humanitarian/cases/{case_id}" for case_id in world.ids[node]["case"]]
    pages += ["/identity/reviews", "/identity/screen"]
    pages += ["/patrols/risk", "/patrols/plans", "/patrols/logs", "/patrols/report"]
    # the dashboard and the briefing hold aggregates only, no record's id (their figures'
    # scoping is tested in tests/monitoring); the records behind a figure are walked here
    pages += ["/monitoring/indicators/stranded_now"]
    pages += [f"/persons/{person_id}" for person_id in world.ids[node]["person"]]
    for page in pages:
        reply = httpx.get(f"{api.base_url}{page}", cookies=cookies, timeout=30)
        assert reply.status_code in (200, 404), (page, reply.status_code)
        seen |= marks_in(reply)
        assert marks_in(reply) <= expected, (page, marks_in(reply) - expected)
    # what a user sees is exactly what the rules give them: nothing more, nothing less
    assert seen == expected, (username, sorted(seen ^ expected))


def test_writes_to_unseen_records_are_refused(login: Login, world: World) -> None:
    """A write that names a record the user cannot see answers as for a record that does not
    exist, leaks nothing, and changes nothing."""
    for username in sorted(USERS):
        _refused(username, login, world)


def _refused(username: str, login: Login, world: World) -> None:
    api = login(username)
    node = USERS[username][0]
    visible_events = {e["id"] for e in api.get("/api/v1/events", params={"limit": 500}).json()[
        "items"]}  # fmt: skip
    for event_id in world.ids[node]["event"]:
        if event_id in visible_events:
            continue
        observed = api.post(
            f"/api/v1/events/{event_id}/observations",
            json={"observed_at": "2025-11-25T10:00:00-03:00", "headcount": 50},
        )
        linked = api.post("/api/v1/persons", json=person_payload(event_id=event_id))
        patched = api.patch(f"/api/v1/events/{event_id}", json={"version": 1, "status": "closed"})
        assert observed.status_code in (403, 404) and "MARK" not in observed.text
        assert linked.status_code in (403, 422) and "MARK" not in linked.text
        assert patched.status_code in (403, 404) and "MARK" not in patched.text
    for request_id in world.ids[node]["request"]:
        reply = api.post(f"/api/v1/requests/{request_id}/decline", json={"reason": "no procede"})
        if username not in SECURITY[node] or username.endswith((".operator", ".caseworker")):
            assert reply.status_code in (403, 404), (username, reply.text)
    visible_persons = {p["id"] for p in api.get("/api/v1/persons", params={"limit": 500}).json()[
        "items"]}  # fmt: skip
    for person_id in set(world.ids[node]["person"]) - visible_persons:
        consent = api.post(
            f"/api/v1/humanitarian/persons/{person_id}/consent",
            json={"given": True, "explained": "Se explicó la evaluación.", "language": "es"},
        )
        marked = api.post(
            f"/api/v1/humanitarian/persons/{person_id}/not-screened", json={"reason": "other"}
        )
        assert consent.status_code in (403, 404) and "MARK" not in consent.text
        assert marked.status_code in (403, 404) and "MARK" not in marked.text
    pair = api.post(
        "/api/v1/identity/reviews",
        json={"person_ids": world.ids[node]["person"][:2], "decision": "match"},
    )
    assert "MARK" not in pair.text


def test_received_records_cannot_be_edited_only_annotated(login: Login, world: World) -> None:
    pe = login("pe.supervisor")
    events = pe.get("/api/v1/events", params={"limit": 500}).json()["items"]
    received = next(e for e in events if e["origin_node"] == "CL")
    refused = pe.patch(
        f"/api/v1/events/{received['id']}",
        json={"version": received["version"], "sharing_level": "national"},
    )
    assert refused.status_code == 403 and "received from CL" in refused.json()["detail"]
    noted = pe.post(
        "/api/v1/annotations",
        json={"record_type": "event", "record_uid": received["uid"], "text": "visto en Tacna"},
    )
    assert noted.status_code == 201
    on_chile = login("cl.pdi").get(
        "/api/v1/annotations", params={"record_type": "event", "record_uid": received["uid"]}
    )
    assert on_chile.status_code == 200
    assert "visto en Tacna" not in on_chile.text  # it stays on Peru's node


def test_users_of_the_other_node_do_not_exist_here(nodes: dict[str, TestNode]) -> None:
    for node in nodes.values():
        for username, (home, _, _) in USERS.items():
            reply = httpx.post(
                f"{node.url}/api/v1/auth/token",
                data={"username": username, "password": "correct horse battery"},
            )
            assert reply.status_code == (200 if home == node.code else 401), (node.code, username)


@pytest.mark.parametrize(
    "method,path",
    [
        ("GET", "/api/v1/events"),
        ("POST", "/api/v1/events"),
        ("GET", "/api/v1/events/1"),
        ("GET", "/api/v1/persons/1/matches"),
        ("GET", "/api/v1/annotations"),
        ("POST", "/api/v1/requests"),
        ("GET", "/api/v1/node"),
        ("GET", "/api/v1/agreements/current"),
        ("POST", "/exchange/v1/inbox"),
        ("GET", "/exchange/v1/outbox"),
    ],
)
def test_every_endpoint_needs_a_valid_credential(
    client: httpx.Client, login: Login, method: str, path: str
) -> None:
    token = login("cl.admin").headers["Authorization"]
    for headers in [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic x"}]:
        reply = client.request(method, path, headers=headers, json={})
        assert reply.status_code == 401, (path, headers)
        assert reply.headers["content-type"] == "application/problem+json"
    if path.startswith("/exchange/"):  # a user's token is not a node's signature
        reply = client.request(method, path, headers={"Authorization": token}, json={})
        assert reply.status_code == 401 and "signed request" in reply.json()["detail"]


def test_person_reads_are_audited_with_global_ids(login: Login, world: World, session) -> None:  # type: ignore[no-untyped-def]
    from hito.audit import entries, verify_chain

    person = login("cl.viewer").get("/api/v1/persons", params={"limit": 1}).json()["items"][0]
    login("cl.viewer").get(f"/api/v1/persons/{person['id']}")
    (read,) = entries(session, action="person.read", limit=1)
    assert (read.actor, read.actor_agency) == ("cl.viewer", "CL-MINREL")
    assert read.object_ids == person["uid"]
    assert json.loads(read.detail) == {"protection": False}
    assert verify_chain(session) is None
