"""Consent, screening and the caseworker's queue through the API of a real node: priorities
with their reasons, details only for caseworkers and humanitarian agencies (and every read of
them audited), refusals respected, groups accounted for, rule changes re-deciding open cases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from hito.audit.models import AuditEntry
from hito.auth.scoping import unscoped
from tests.factories import person_payload

Login = Callable[[str], httpx.Client]

CONSENT = {
    "given": True,
    "explained": "Se explicó la evaluación y con quién se comparte; acepta.",
    "language": "es",
    "share_with": ["humanitarian_partners", "service_providers"],
    "parts": ["identity", "health"],
}
NOTHING = {
    "pregnant": False,
    "disability": False,
}


def _person(api: httpx.Client, **overrides: Any) -> int:
    reply = api.post("/api/v1/persons", json=person_payload(**overrides))
    assert reply.status_code == 201, reply.text
    return int(reply.json()["id"])


def _screen(api: httpx.Client, person_id: int, details: dict[str, Any], **extra: Any) -> dict:
    consent = api.post(f"/api/v1/humanitarian/persons/{person_id}/consent", json=CONSENT)
    assert consent.status_code == 201, consent.text
    body = {"consent_id": consent.json()["id"], "details": details, **extra}
    reply = api.post(f"/api/v1/humanitarian/persons/{person_id}/screenings", json=body)
    assert reply.status_code == 201, reply.text
    return reply.json()


def test_screened_people_queue_by_priority_with_reasons(login: Login) -> None:
    oim = login("cl.oim")
    cancer = _person(oim, given_names="Rosa", protection=None)
    teen = _person(oim, given_names="Luis", birth_date="2010-03", sex="male", protection=None)
    healthy = _person(oim, given_names="Ana", protection=None)
    _screen(oim, cancer, {"illness": "cancer", "treatment_interrupted": True, "notes": "quimio"})
    screening = _screen(oim, teen, {"child_status": "unaccompanied"})
    _screen(oim, healthy, NOTHING)
    today = dt.date.today()
    assert screening["age_years"] == today.year - 2010 - (today.month < 3)  # month precision
    assert screening["age_group"] == ("child" if screening["age_years"] < 18 else "adult")
    assert screening["details"]["child_status"] == "unaccompanied"

    page = oim.get("/api/v1/humanitarian/queue").json()
    order = [(c["person_id"], c["priority"]) for c in page["items"]]
    assert order == [(teen, "critical"), (cancer, "high"), (healthy, "low")]
    first = page["items"][0]
    assert first["reasons"][0]["es"] == "menor no acompañado → crítica"
    assert first["needs"] == ["child_protection"] and first["vulnerable"] is True
    assert first["reasons_hidden"] is False

    only_medical = oim.get("/api/v1/humanitarian/queue", params={"need": "medical"}).json()
    assert [c["person_id"] for c in only_medical["items"]] == [cancer]
    high = oim.get("/api/v1/humanitarian/queue", params={"priority": "high"}).json()
    assert [c["person_id"] for c in high["items"]] == [cancer]
    # Pages continue where the last ended, in the same order.
    one = oim.get("/api/v1/humanitarian/queue", params={"limit": 1}).json()
    two = oim.get(
        "/api/v1/humanitarian/queue", params={"limit": 1, "cursor": one["next_cursor"]}
    ).json()
    assert [one["items"][0]["person_id"], two["items"][0]["person_id"]] == [teen, cancer]


def test_police_see_the_priority_and_the_need_never_the_diagnosis(
    login: Login, sessions: sessionmaker[Session]
) -> None:
    oim = login("cl.oim")
    person = _person(oim, protection=None)
    screening = _screen(
        oim,
        person,
        {"illness": "cancer", "treatment_interrupted": True, "notes": "quimioterapia interrumpida"},
    )
    case_id = screening["case_id"]
    police = login("cl.operator")
    seen = police.get(f"/api/v1/humanitarian/cases/{case_id}")
    assert seen.status_code == 200, seen.text
    case = seen.json()
    assert case["priority"] == "high" and case["needs"] == ["medical"]
    assert case["reasons"] == [] and case["reasons_hidden"] is True and case["history"] == []
    (hidden,) = case["screenings"]
    assert hidden["details"] is None and hidden["details_hidden"] is True
    assert "cáncer" not in seen.text and "quimio" not in seen.text and "cancer" not in seen.text
    queue = police.get("/api/v1/humanitarian/queue").text
    assert "cáncer" not in queue and "cancer" not in queue

    full = oim.get(f"/api/v1/humanitarian/cases/{case_id}").json()
    assert full["screenings"][0]["details"]["notes"] == "quimioterapia interrumpida"
    assert full["reasons"][0]["es"] == "cáncer, tratamiento interrumpido → alta"
    assert [h["cause"] for h in full["history"]] == ["screening"]

    with sessions() as session, unscoped(session):
        reads = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "protection.read")
        ).all()
    readers = {entry.actor for entry in reads}
    assert "cl.oim" in readers and "cl.operator" not in readers
    detail_reads = [e for e in reads if e.object_type == "screening_detail" and e.actor == "cl.oim"]
    assert any(str(screening["id"]) in e.object_ids.split(",") for e in detail_reads)


def test_a_refusal_is_recorded_and_respected(login: Login) -> None:
    oim = login("cl.oim")
    person = _person(oim, protection=None)
    refused = oim.post(
        f"/api/v1/humanitarian/persons/{person}/consent",
        json={
            "given": False,
            "explained": "Se explicó la evaluación; no acepta.",
            "language": "es",
        },
    )
    assert refused.status_code == 201, refused.text
    screening = oim.post(
        f"/api/v1/humanitarian/persons/{person}/screenings",
        json={"consent_id": refused.json()["id"], "details": NOTHING},
    )
    assert screening.status_code == 409
    assert "refused consent" in screening.json()["detail"]
    recorded = oim.post(
        f"/api/v1/humanitarian/persons/{person}/screenings",
        json={
            "consent_id": refused.json()["id"],
            "screened": False,
            "not_screened_reason": "consent_refused",
        },
    )
    assert recorded.status_code == 201, recorded.text
    case = oim.get(f"/api/v1/humanitarian/cases/{recorded.json()['case_id']}").json()
    assert [c["given"] for c in case["consents"]] == [False]
    assert [s["screened"] for s in case["screenings"]] == [False]
    assert case["priority"] == "low" and case["history"] == []
    # A refusal shares nothing.
    bad = oim.post(
        f"/api/v1/humanitarian/persons/{person}/consent",
        json={**CONSENT, "given": False},
    )
    assert bad.status_code == 422


def test_everybody_in_a_group_is_screened_or_marked_not_screened(login: Login) -> None:
    oim = login("cl.oim")
    group = oim.post(
        "/api/v1/groups",
        json={"kind": "family", "label": "Familia R.", "sharing_level": "humanitarian"},
    )
    assert group.status_code == 201, group.text
    gid = group.json()["id"]
    members = [_person(oim, given_names=n, group_id=gid, protection=None) for n in ("A", "B", "C")]
    members_ids = list(members)
    unscreened = oim.get(f"/api/v1/humanitarian/groups/{gid}/unscreened").json()["unscreened"]
    assert unscreened == members
    _screen(oim, members[0], NOTHING)
    marked = oim.post(
        f"/api/v1/humanitarian/persons/{members[1]}/not-screened",
        json={"reason": "left_before_screening", "note": "se fue al terminal"},
    )
    assert marked.status_code == 201, marked.text
    unscreened = oim.get(f"/api/v1/humanitarian/groups/{gid}/unscreened").json()["unscreened"]
    assert unscreened == [members[2]]
    # Why somebody was not screened may say something of them: a detail, hidden as such.
    case_url = f"/api/v1/humanitarian/cases/{marked.json()['case_id']}"
    assert "se fue al terminal" in oim.get(case_url).text
    assert "se fue al terminal" not in login("cl.operator").get(case_url).text
    # The case page shows the whole group, and where each member is.
    whereabouts = oim.get(case_url).json()["group_members"]
    assert [m["person_id"] for m in whereabouts] == members_ids
    assert [m["case_id"] is not None for m in whereabouts] == [True, True, False]
    grouped = oim.get("/api/v1/humanitarian/queue", params={"group_id": gid}).json()["items"]
    assert {c["person_id"] for c in grouped} == {members[0], members[1]}


def test_bad_screenings_are_refused_and_change_nothing(login: Login) -> None:
    oim = login("cl.oim")
    adult = _person(oim, birth_date="1980-01-01", protection=None)
    other = _person(oim, protection=None)
    consent = oim.post(f"/api/v1/humanitarian/persons/{adult}/consent", json=CONSENT).json()
    url = f"/api/v1/humanitarian/persons/{adult}/screenings"
    cases = [
        (
            {"consent_id": consent["id"], "details": {"child_status": "unaccompanied"}},
            422,
            "children",
        ),
        ({"consent_id": consent["id"], "details": {"pregnancy_months": 5}}, 422, "pregnant"),
        ({"consent_id": consent["id"], "details": {"pregnant": "sí"}}, 422, "boolean"),
        ({"consent_id": consent["id"]}, 422, "details"),
        ({"consent_id": consent["id"], "screened": False}, 422, "say why"),
        ({"consent_id": consent["id"], "details": {"notes": "x\x00y"}}, 422, "control character"),
        ({"consent_id": consent["id"], "details": {"notes": "x" * 5000}}, 422, "4000"),
        ({"consent_id": consent["id"], "details": NOTHING, "extra": 1}, 422, "extra"),
        ({"consent_id": 10**9, "details": NOTHING}, 422, "consent"),
    ]
    for body, status, words in cases:
        reply = oim.post(url, json=body)
        assert reply.status_code == status, (body, reply.text)
        assert reply.headers["content-type"].startswith("application/problem+json")
        assert words in reply.text, (words, reply.text)
    # The consent of another person's case does not cover this one.
    theirs = oim.post(
        f"/api/v1/humanitarian/persons/{other}/screenings",
        json={"consent_id": consent["id"], "details": NOTHING},
    )
    assert theirs.status_code == 422
    assert oim.post("/api/v1/humanitarian/persons/999999/consent", json=CONSENT).status_code == 404
    case = oim.get(f"/api/v1/humanitarian/cases/{consent['case_id']}").json()
    assert case["screenings"] == [] and case["history"] == []
    # Only those who may read the details record them; a field officer records the consent
    # or that the person was not screened.
    police = login("cl.operator")
    theirs = police.post(f"/api/v1/humanitarian/persons/{other}/consent", json=CONSENT)
    assert theirs.status_code == 201, theirs.text
    refused = police.post(
        f"/api/v1/humanitarian/persons/{other}/screenings",
        json={"consent_id": theirs.json()["id"], "details": NOTHING},
    )
    assert refused.status_code == 403 and "caseworkers" in refused.json()["detail"]
    # Viewers read; they do not screen.
    viewer = login("cl.viewer")
    assert (
        viewer.post(f"/api/v1/humanitarian/persons/{adult}/consent", json=CONSENT).status_code
        == 403
    )


def test_a_closed_case_leaves_the_queue_and_can_be_reopened(login: Login) -> None:
    oim = login("cl.oim")
    person = _person(oim, protection=None)
    case_id = _screen(oim, person, {"violence": True})["case_id"]
    closed = oim.post(
        f"/api/v1/humanitarian/cases/{case_id}/close", json={"reason": "trasladada a albergue"}
    )
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert oim.get("/api/v1/humanitarian/queue").json()["items"] == []
    closed_list = oim.get("/api/v1/humanitarian/queue", params={"status": "closed"}).json()
    assert [c["id"] for c in closed_list["items"]] == [case_id]
    again = oim.post(f"/api/v1/humanitarian/cases/{case_id}/close", json={"reason": "otra vez"})
    assert again.status_code == 409
    # A closed case takes no new consent until it is reopened.
    consent = oim.post(f"/api/v1/humanitarian/persons/{person}/consent", json=CONSENT)
    assert consent.status_code == 409 and "reopen" in consent.json()["detail"]
    reopened = oim.post(
        f"/api/v1/humanitarian/cases/{case_id}/reopen", json={"reason": "volvió al paso"}
    )
    assert reopened.status_code == 200 and reopened.json()["priority"] == "high"
    assert [c["id"] for c in oim.get("/api/v1/humanitarian/queue").json()["items"]] == [case_id]


def test_a_case_follows_the_person_across_the_line(login: Login, sync: Callable[[], int]) -> None:
    oim = login("cl.oim")
    person = _person(oim, sharing_level="humanitarian", protection=None)
    case_id = _screen(oim, person, {"illness": "cancer", "treatment_interrupted": True})["case_id"]
    sync()
    peru = login("pe.oim")
    received = peru.get("/api/v1/humanitarian/queue", params={"side": "CL"}).json()["items"]
    (case,) = received
    assert case["origin_node"] == "CL" and case["priority"] == "high"
    assert case["needs"] == ["medical"] and case["person_id"] is not None  # the encounter too
    assert case["reasons"][0]["es"] == "cáncer, tratamiento interrumpido → alta"
    assert login("pe.supervisor").get("/api/v1/humanitarian/queue").json()["items"] == []
    closed = peru.post(f"/api/v1/humanitarian/cases/{case['id']}/close", json={"reason": "x" * 5})
    assert closed.status_code == 403 and "followed there" in closed.json()["detail"]
    # A new version of the rules in Chile re-decides the case; Peru sees the new priority.
    import yaml

    from hito.humanitarian.rules import default_rules_text

    document = yaml.safe_load(default_rules_text())
    document["version"] = 2
    next(r for r in document["rules"] if r["code"] == "cancer_interrupted")["priority"] = "critical"
    loaded = login("cl.admin").post("/api/v1/humanitarian/rules", json=document)
    assert loaded.status_code == 200 and loaded.json()["changed"] == 1
    sync()
    (again,) = peru.get("/api/v1/humanitarian/queue", params={"side": "CL"}).json()["items"]
    assert again["priority"] == "critical" and again["rule_set_version"] == 2
    assert oim.get(f"/api/v1/humanitarian/cases/{case_id}").json()["priority"] == "critical"
