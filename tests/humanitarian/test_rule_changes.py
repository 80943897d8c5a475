"""A new version of the rules re-decides every open case (a dry run only says what would
change); the history keeps which version decided what; cases follow the person across
encounters the identity linkage joins, and survive a linkage run that renumbers identities."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import yaml
from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from hito.auth.scope import unrestricted
from hito.auth.scoping import unscoped
from hito.humanitarian import follow_identities
from hito.humanitarian.rules import default_rules_text
from hito.identity.models import PersonIdentity
from tests.humanitarian.test_cases_api import CONSENT, NOTHING, _person, _screen

Login = Callable[[str], httpx.Client]


def _rules(version: int, pregnancy: str) -> dict:
    document = yaml.safe_load(default_rules_text())
    document["version"] = version
    for rule in document["rules"]:
        if rule["code"] == "pregnancy":
            rule["priority"] = pregnancy
    return document


def test_new_rules_re_decide_open_cases_and_the_history_keeps_the_version(
    login: Login,
) -> None:
    oim = login("cl.oim")
    pregnant = _person(oim, protection=None)
    other = _person(oim, protection=None)
    case_id = _screen(oim, pregnant, {"pregnant": True, "pregnancy_months": 4})["case_id"]
    _screen(oim, other, NOTHING)
    assert oim.get(f"/api/v1/humanitarian/cases/{case_id}").json()["priority"] == "medium"

    admin = login("cl.admin")
    dry = admin.post("/api/v1/humanitarian/rules", params={"dry_run": True}, json=_rules(2, "high"))
    assert dry.status_code == 200, dry.text
    report = dry.json()
    assert report["loaded"] is False and report["open_cases"] == 2 and report["changed"] == 1
    # Which cases would change says something of their details: an administrator of a
    # migration service gets the count, not the cases.
    assert report["changes"] == []
    assert oim.get(f"/api/v1/humanitarian/cases/{case_id}").json()["priority"] == "medium"
    assert admin.get("/api/v1/humanitarian/rules").json()["stored_versions"] == []

    loaded = admin.post("/api/v1/humanitarian/rules", json=_rules(2, "high")).json()
    assert loaded["loaded"] is True and loaded["changed"] == 1
    case = oim.get(f"/api/v1/humanitarian/cases/{case_id}").json()
    assert case["priority"] == "high" and case["rule_set_version"] == 2
    assert case["reasons"][0]["es"] == "embarazo → alta"
    history = [(h["priority"], h["rule_set_version"], h["cause"]) for h in case["history"]]
    assert history == [("medium", 1, "screening"), ("high", 2, "rules")]
    queue = oim.get("/api/v1/humanitarian/queue").json()["items"]
    assert all(c["rule_set_version"] == 2 for c in queue)
    assert queue[0]["id"] == case_id

    # The same version again is a no-op; other rules under that version, or an older one, are not.
    again = admin.post("/api/v1/humanitarian/rules", json=_rules(2, "high")).json()
    assert again["loaded"] is False and again["changed"] == 0
    assert admin.post("/api/v1/humanitarian/rules", json=_rules(2, "low")).status_code == 409
    assert admin.post("/api/v1/humanitarian/rules", json=_rules(1, "low")).status_code == 409
    # Only admins load rules; anybody may read those in force.
    assert oim.post("/api/v1/humanitarian/rules", json=_rules(3, "low")).status_code == 403
    assert login("cl.operator").get("/api/v1/humanitarian/rules").json()["version"] == 2


def test_a_case_follows_the_person_across_encounters_and_linkage_runs(
    login: Login, sessions: sessionmaker[Session]
) -> None:
    oim = login("cl.oim")
    first = _person(oim, given_names="Yusmary", protection=None)
    second = _person(
        oim, given_names="Yusmary", encountered_at="2025-11-26T10:00:00-03:00", protection=None
    )
    third = _person(
        oim, given_names="Yusmary", encountered_at="2025-11-28T10:00:00-03:00", protection=None
    )
    case_a = _screen(oim, first, {"pregnant": True, "pregnancy_months": 8})["case_id"]
    case_b = _screen(oim, second, {"illness": "cancer", "treatment_interrupted": True})["case_id"]
    assert case_a != case_b

    def linkage_run(identity: int) -> None:  # what a run of `hito identity link-persons` writes
        with sessions() as session, unscoped(session):
            session.execute(delete(PersonIdentity))
            session.add_all(
                PersonIdentity(person_id=p, identity_id=identity) for p in (first, second, third)
            )
            session.commit()

    linkage_run(identity=first)
    with sessions() as session, unscoped(session):
        merges = follow_identities(session, scope=unrestricted("CL"))
        session.commit()
    assert [(m.into, m.merged, m.encounters_added) for m in merges] == [
        (case_a, (case_b,), (third,))
    ]
    merged = oim.get(f"/api/v1/humanitarian/cases/{case_b}").json()
    assert merged["status"] == "closed" and f"case {case_a}" in merged["closure_reason"]
    case = oim.get(f"/api/v1/humanitarian/cases/{case_a}").json()
    assert case["encounters"] == [first, second, third]
    assert {s["person_id"] for s in case["screenings"]} == {first, second}
    assert len(case["consents"]) == 2
    # The latest screening (the second encounter's) decides the merged case.
    assert case["priority"] == "high" and case["reasons"][0]["code"] == "cancer_interrupted"
    assert case["history"][-1]["cause"] == "merge"

    # A later run numbers identities differently: the case stays as it is.
    linkage_run(identity=third)
    with sessions() as session, unscoped(session):
        assert follow_identities(session, scope=unrestricted("CL")) == []
        session.commit()
    assert oim.get(f"/api/v1/humanitarian/cases/{case_a}").json()["encounters"] == [
        first,
        second,
        third,
    ]

    # A run that no longer sees the first and third as one person keeps the case whole and
    # records the disagreement for a caseworker.
    from hito.humanitarian import linkage_disagreements

    with sessions() as session, unscoped(session):
        session.execute(delete(PersonIdentity).where(PersonIdentity.person_id == first))
        session.commit()
        (disagreement,) = linkage_disagreements(session, scope=unrestricted("CL"))
        session.commit()
    assert disagreement.case_id == case_a
    assert sorted(disagreement.identities) == [(first,), (second, third)]
    with sessions() as session, unscoped(session):
        session.add(PersonIdentity(person_id=first, identity_id=third))
        session.commit()

    # A fourth encounter the linkage joins to them is screened into the same case.
    fourth = _person(oim, given_names="Yusmary", protection=None)
    with sessions() as session, unscoped(session):
        session.add(PersonIdentity(person_id=fourth, identity_id=third))
        session.commit()
    consent = oim.post(f"/api/v1/humanitarian/persons/{fourth}/consent", json=CONSENT).json()
    assert consent["case_id"] == case_a
