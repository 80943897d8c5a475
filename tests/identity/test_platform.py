"""Linkage inside the platform: possible matches across both countries, the review queue,
and alert screening, each scoped by who asks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import httpx
import pyarrow as pa
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from hito import identity, people
from hito.agencies import agency_by_code
from hito.auth import Role, Scope, unrestricted
from hito.auth.scoping import bind, unscoped
from hito.exc import InvalidInput
from hito.identity.linkage import REVIEW_BAND
from hito.identity.models import AlertKind
from hito.identity.synthetic import Noise, Population, record
from hito.people import Person, PersonCreate
from hito.records import SharingLevel
from tests.nodes import TestNode

Login = Callable[[str], httpx.Client]


def agency_scope(session: Session, code: str) -> Scope:
    """An administrator of ``code``, on that agency's own node; the session reads as it would."""
    agency = agency_by_code(session, code=code)
    scope = Scope(
        user_id=None,
        username=f"test:{code}",
        agency_code=code,
        agency_kind=agency.kind,
        country=agency.country,
        roles=frozenset({Role.admin}),
        node=agency.country or "CL",
    )
    bind(session, scope)
    return scope


def _person(row: dict[str, str], level: str) -> PersonCreate:
    names = row["surnames"].split(" ", 1)
    documents = []
    if row["document_number"]:
        documents = [{"type": row["document_type"], "number": row["document_number"]}]
    return PersonCreate.model_validate(
        {
            "given_names": row["given_names"],
            "surname_1": names[0] or None,
            "surname_2": names[1] if len(names) > 1 else None,
            "birth_date": row["birth_date"] or None,
            "sex": {"F": "female", "M": "male"}.get(row["sex"], "unknown"),
            "nationality": row["nationality"],
            "encountered_at": "2025-11-20T10:00:00-03:00",
            "documents": documents,
            "sharing_level": level,
        }
    )


@pytest.fixture
def encounters(cl: TestNode, pe: TestNode, sync: Callable[[], int]) -> dict[str, Any]:
    """150 people met in Chile (binational) and 150 in Peru, 60 of them met in both; plus one
    person Peru met and kept national, whose Chilean encounter is the `secret` twin. Each node
    writes its own; the exchange brings the binational ones across; both nodes run linkage."""
    population = Population(21)
    rng = population.rng
    crowd = population.people(241)
    chile = [record(rng, p, Noise().scaled(0.5), f"cl{i}") for i, p in enumerate(crowd[:150])]
    peru = [record(rng, p, Noise().scaled(0.5), f"pe{i}") for i, p in enumerate(crowd[90:240])]
    secret = {
        "given_names": "Yusmary Andreína", "surnames": "Colmenares Añez",
        "birth_date": "1991-02-17", "sex": "F", "nationality": "VE",
        "document_type": "ve-cedula", "document_number": "V-19.876.543",
    }  # fmt: skip
    with cl.sessions() as session:
        scope = agency_scope(session, "CL-PDI")
        made_cl = people.create_persons(
            session, scope=scope, people=[_person(r, "binational") for r in chile]
        )
        (cl_twin,) = people.create_persons(
            session,
            scope=scope,
            people=[_person({**secret, "surnames": "Colmenares"}, "binational")],
        )
        session.commit()
        ids: dict[str, Any] = {"shared_cl": made_cl[100].id, "cl_twin": cl_twin.id}
        cl_twin_uid = cl_twin.uid
    with pe.sessions() as session:
        scope = agency_scope(session, "PE-MIGRACIONES")
        made_pe = people.create_persons(
            session, scope=scope, people=[_person(r, "binational") for r in peru]
        )
        (pe_twin,) = people.create_persons(
            session, scope=scope, people=[_person(secret, "national")]
        )
        session.commit()
        shared_pe_uid = made_pe[10].uid  # crowd[100] again, met in Peru as peru[10]
        ids |= {"pe_twin": pe_twin.id, "pe_twin_uid": pe_twin.uid}
    sync()
    summaries = {}
    for node in (cl, pe):
        with node.sessions() as session:
            summaries[node.code] = identity.link_persons(session, scope=unrestricted(node.code))
            session.commit()
    with cl.sessions() as session, unscoped(session):
        ids["shared_pe"] = session.scalar(select(Person.id).where(Person.uid == shared_pe_uid))
        assert session.scalar(select(Person.id).where(Person.uid == pe_twin.uid)) is None
    with pe.sessions() as session, unscoped(session):
        ids["cl_twin_on_pe"] = session.scalar(select(Person.id).where(Person.uid == cl_twin_uid))
    # Chile holds its 151 and Peru's 150 binational; Peru its 151 and Chile's 151
    assert summaries["CL"]["persons"] == 301 and summaries["PE"]["persons"] == 302
    assert 230 <= summaries["CL"]["identities"] <= 250  # 241 people, give or take
    return ids


def test_a_second_linkage_run_on_the_same_data_changes_no_identity(
    cl: TestNode, encounters: dict[str, Any]
) -> None:
    from hito.identity.models import IdentityChange, PersonIdentity

    def ids() -> dict[int, int]:
        with cl.sessions() as session, unscoped(session):
            rows = session.execute(select(PersonIdentity.person_id, PersonIdentity.identity_id))
            return dict(rows.all())

    before = ids()
    with cl.sessions() as session:
        summary = identity.link_persons(session, scope=unrestricted("CL"))
        session.commit()
    assert ids() == before
    assert (summary["merged"], summary["split"]) == (0, 0)
    with cl.sessions() as session, unscoped(session):
        assert session.scalar(select(IdentityChange.id)) is None


def test_possible_matches_across_the_border_and_only_what_was_shared(
    login: Login, encounters: dict[str, Any]
) -> None:
    """Chile finds Peru's encounter of the same person; Peru's national one never reached
    Chile; Peru finds Chile's binational twin of its national encounter."""
    reply = login("cl.operator").get(f"/api/v1/persons/{encounters['shared_cl']}/matches")
    assert reply.status_code == 200, reply.text
    body = reply.json()
    best = body["items"][0]
    assert best["person_id"] == encounters["shared_pe"]
    assert best["origin_node"] == "PE" and best["match_probability"] > 0.9
    fields = {f["field"]: f for f in best["fields"]}
    assert {"given_names", "surnames", "birth_date", "document"} <= set(fields)
    assert fields["given_names"]["weight"] > 0, best
    cl_sees = login("cl.operator").get(f"/api/v1/persons/{encounters['cl_twin']}/matches")
    assert cl_sees.status_code == 200
    assert all(m["origin_node"] == "CL" or m["person_id"] != encounters["cl_twin"]
               for m in cl_sees.json()["items"])  # fmt: skip
    assert not any(
        login("cl.operator")
        .get("/api/v1/persons", params={"uid": encounters["pe_twin_uid"]})
        .json()["items"]
    )  # Peru's national encounter never reached Chile
    pe_sees = login("pe.supervisor").get(f"/api/v1/persons/{encounters['pe_twin']}/matches")
    assert encounters["cl_twin_on_pe"] in [m["person_id"] for m in pe_sees.json()["items"]]


def test_matches_need_a_trained_model(login: Login) -> None:
    created = login("cl.operator").post(
        "/api/v1/persons",
        json={"given_names": "Ana", "encountered_at": "2025-11-20T10:00:00-03:00"},
    )
    reply = login("cl.operator").get(f"/api/v1/persons/{created.json()['id']}/matches")
    assert reply.status_code == 409
    assert "hito identity link-persons" in reply.json()["detail"]


def test_review_decisions_are_kept_and_respected_by_later_runs(
    login: Login, encounters: dict[str, int], sessions: sessionmaker[Session]
) -> None:
    reviewer = login("cl.pdi")
    pending = reviewer.get("/api/v1/identity/reviews").json()["items"]
    low, high = REVIEW_BAND
    for item in pending:
        assert low <= item["match_probability"] < high
        assert item["fields"] and item["status"] == "pending"
    # a decision on any two persons one may see, here the shared pair: not the same person
    decided = reviewer.post(
        "/api/v1/identity/reviews",
        json={
            "person_ids": [encounters["shared_cl"], encounters["shared_pe"]],
            "decision": "non_match",
            "note": "Huellas distintas",
        },
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["status"] == "non_match"
    with sessions() as session:
        identity.link_persons(session, scope=unrestricted("CL"))
        session.commit()
        from hito.identity.models import PersonIdentity

        rows = session.execute(select(PersonIdentity.person_id, PersonIdentity.identity_id))
        clusters = {person_id: identity_id for person_id, identity_id in rows}
    assert clusters[encounters["shared_cl"]] != clusters[encounters["shared_pe"]]
    done = reviewer.get("/api/v1/identity/reviews", params={"status": "non_match"}).json()
    assert [r["note"] for r in done["items"]] == ["Huellas distintas"]
    # a pair one cannot see both sides of is not found, whatever it holds
    refused = login("cl.operator").post(
        "/api/v1/identity/reviews",
        json={"person_ids": [encounters["cl_twin"], 999_999], "decision": "match"},
    )
    assert refused.status_code == 404
    viewer = login("cl.viewer").post(
        "/api/v1/identity/reviews",
        json={
            "person_ids": [encounters["shared_cl"], encounters["shared_pe"]],
            "decision": "match",
        },
    )
    assert viewer.status_code == 403


def test_the_review_queue_filters_by_person_place_date_and_band(
    login: Login, encounters: dict[str, int], sessions: sessionmaker[Session]
) -> None:
    with sessions() as session:  # a wide band: most candidate pairs go to review
        summary = identity.link_persons(
            session, scope=unrestricted("CL"), review_band=(0.0001, 0.99999)
        )
        session.commit()
    with sessions() as session, pytest.raises(InvalidInput, match="review band"):
        identity.link_persons(session, scope=unrestricted("CL"), review_band=(0.9, 0.1))
    reviewer = login("cl.pdi")
    pending = reviewer.get("/api/v1/identity/reviews", params={"limit": 500}).json()["items"]
    assert len(pending) == summary["queued_for_review"] > 5
    # The API rounds probabilities to six places.
    assert all(0.0001 <= i["match_probability"] <= 0.99999 for i in pending)
    probabilities = sorted({item["match_probability"] for item in pending})
    k = len(probabilities) // 2  # a cut between two probabilities (shown rounded to 6 places)
    middle = (probabilities[k - 1] + probabilities[k]) / 2
    upper = reviewer.get(
        "/api/v1/identity/reviews", params={"min_probability": middle, "limit": 500}
    ).json()
    assert {i["id"] for i in upper["items"]} == {
        i["id"] for i in pending if i["match_probability"] >= middle
    }
    nationalities: dict[int, str | None] = {}
    for item in pending:
        for person_id in item["person_ids"]:
            person = reviewer.get(f"/api/v1/persons/{person_id}").json()
            nationalities[person_id] = person["nationality"]
    for code in {n for n in nationalities.values() if n}:
        listed = reviewer.get(
            "/api/v1/identity/reviews", params={"nationality": code, "limit": 500}
        ).json()
        expected = {i["id"] for i in pending if code in {nationalities[p] for p in i["person_ids"]}}
        assert {i["id"] for i in listed["items"]} == expected, code
    today = dt.date.today()
    assert len(reviewer.get("/api/v1/identity/reviews", params={
        "encountered_from": (today - dt.timedelta(days=400)).isoformat(),
        "encountered_to": (today + dt.timedelta(days=1)).isoformat(), "limit": 500,
    }).json()["items"]) == len(pending)  # fmt: skip
    later = reviewer.get("/api/v1/identity/reviews", params={
        "encountered_from": (today + dt.timedelta(days=2)).isoformat()
    })  # fmt: skip
    assert later.status_code == 200 and later.json()["items"] == []
    nowhere = reviewer.get("/api/v1/identity/reviews", params={"sector": "NO-SUCH-SECTOR"})
    assert nowhere.json()["items"] == []
    for bad in ({"min_probability": 0.9, "max_probability": 0.1}, {"nationality": "XX"},
                {"min_probability": "mucho"}, {"encountered_from": "2026-02-30"},
                {"encountered_to": "0"}):  # fmt: skip
        refused = reviewer.get("/api/v1/identity/reviews", params=bad)
        assert refused.status_code == 422, bad
        assert refused.headers["content-type"].startswith("application/problem+json")


@pytest.fixture
def alert_lists(sessions: sessionmaker[Session], sync: Callable[[], int]) -> None:
    wanted = pa.Table.from_pylist(
        [
            {"id": "1", "given_names": "Yorman José", "surnames": "Briceño Marcano",
             "birth_date": "02/06/1988", "sex": "masculino", "nationality": "venezolano",
             "document_type": "ve-cedula", "document_number": "V-17.222.333",
             "reference": "OA-2025-118"},
            {"id": "2", "given_names": "Luis", "surnames": "Quintero Rojas",
             "birth_date": "1979", "sex": "M", "nationality": "CO", "document_type": None,
             "document_number": None, "reference": "OA-2025-140"},
        ]
    )  # fmt: skip
    stolen = pa.Table.from_pylist(
        [{"id": "9", "document_type": "passport", "document_number": "VE1234567"}]
    )
    with sessions() as session:
        pdi = agency_scope(session, "CL-PDI")
        identity.load_alerts(
            session, scope=pdi, table=wanted, list_name="PDI órdenes de detención",
            kind=AlertKind.wanted_person, sharing_level=SharingLevel.national,
        )  # fmt: skip
        identity.load_alerts(
            session, scope=pdi, table=stolen, list_name="Documentos robados",
            kind=AlertKind.stolen_document, sharing_level=SharingLevel.binational,
        )  # fmt: skip
        session.commit()
    sync()  # the binational list reaches Peru's police, investigation and immigration


SUSPECT = {
    "given_names": "YORMAN",
    "surnames": "BRICENO MARCANO",
    "birth_date": "1988-02-06",
    "sex": "male",
    "nationality": "VE",
}


def test_screening_finds_and_explains_a_wanted_person(login: Login, alert_lists: None) -> None:
    reply = login("cl.operator").post("/api/v1/identity/screen", json=SUSPECT)
    assert reply.status_code == 200, reply.text
    body = reply.json()
    (hit,) = body["candidates"]
    assert hit["entry"]["reference"] == "OA-2025-118" and hit["reason"] == "person"
    levels = {f["field"]: f["level"] for f in hit["fields"]}
    assert levels["birth_date"] == "day and month swapped"
    assert levels["given_names"].startswith("first given name agrees")
    assert body["suppressed_false_positives"] == 0


def test_a_listed_document_is_a_hit_by_number(login: Login, alert_lists: None) -> None:
    person = {
        "given_names": "Ana",
        "surnames": "Paz",
        "documents": [{"type": "passport", "number": "ve 1234567"}],
    }
    for username in ("cl.operator", "pe.operator"):  # the stolen list is binational
        (hit,) = login(username).post("/api/v1/identity/screen", json=person).json()["candidates"]
        assert (hit["reason"], hit["entry"]["kind"]) == ("document", "stolen_document")


def test_screening_is_scoped_and_closed_to_humanitarian_agencies(
    login: Login, alert_lists: None
) -> None:
    assert (
        login("pe.operator").post("/api/v1/identity/screen", json=SUSPECT).json()["candidates"]
        == []
    )  # Chile's national list is not Peru's to read
    assert login("cl.oim").post("/api/v1/identity/screen", json=SUSPECT).status_code == 403
    assert login("pe.oim").post("/api/v1/identity/screen", json=SUSPECT).status_code == 403
    assert login("cl.caseworker").post("/api/v1/identity/screen", json=SUSPECT).status_code == 403
    empty = login("cl.operator").post("/api/v1/identity/screen", json={"sex": "male"})
    assert empty.status_code == 422


def test_a_false_positive_is_not_raised_again_for_the_same_person(
    login: Login, alert_lists: None, session: Session
) -> None:
    api = login("cl.pdi")
    first = api.post("/api/v1/identity/screen", json=SUSPECT).json()
    entry_id = first["candidates"][0]["entry"]["id"]
    decided = api.post(
        "/api/v1/identity/screen/decisions",
        json={"subject_key": first["subject_key"], "alert_entry_id": entry_id,
              "verdict": "false_positive", "note": "Otra persona, huella distinta"},
    )  # fmt: skip
    assert decided.status_code == 201, decided.text
    again = api.post("/api/v1/identity/screen", json=SUSPECT).json()
    assert again["candidates"] == [] and again["suppressed_false_positives"] == 1
    other = api.post("/api/v1/identity/screen", json={**SUSPECT, "birth_date": "1988-06-02"})
    assert other.json()["candidates"][0]["entry"]["id"] == entry_id  # a different subject
    from hito.audit import entries

    assert [e.action for e in entries(session, action="alert.decide")] == ["alert.decide"]


def test_family_tracing_finds_a_missing_member_met_on_the_other_side(
    login: Login, encounters: dict[str, Any]
) -> None:
    """A family registered in Chile misses a member: tracing finds Peru's encounter of her."""
    pdi = login("cl.pdi")
    known = pdi.get(f"/api/v1/persons/{encounters['shared_pe']}").json()
    group = pdi.post(
        "/api/v1/groups", json={"kind": "family", "label": "Familia", "sharing_level": "binational"}
    ).json()["id"]
    fields = ("given_names", "surname_1", "surname_2", "birth_date", "sex", "nationality")
    relative = pdi.post(
        "/api/v1/persons",
        json={**{k: known[k] for k in fields}, "group_id": group, "sharing_level": "binational",
              "encountered_at": "2025-11-26T10:00:00-03:00"},
    )  # fmt: skip
    assert relative.status_code == 201, relative.text
    traced = pdi.get(f"/api/v1/humanitarian/groups/{group}/tracing")
    assert traced.status_code == 200, traced.text
    found = {(c["person_id"], c["origin_node"]) for c in traced.json()}
    assert (encounters["shared_pe"], "PE") in found
    assert all(c["member_id"] == relative.json()["id"] for c in traced.json())
    assert (
        login("cl.operator").get(f"/api/v1/humanitarian/groups/{group}/tracing").status_code == 403
    )
