"""Referrals and shelter beds: only what the person consented to travels; deadlines by
priority, overdue referrals escalated on a clock the test controls (no sleeps); a held bed is
released when the referral is declined or its hold runs out; the shelter board counts them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from hito.auth.scope import unrestricted
from hito.auth.scoping import unscoped
from hito.humanitarian.referrals import PARTS, escalate_overdue
from tests.humanitarian.test_cases_api import CONSENT, Login, _person

DETAILS = {"pregnant": True, "pregnancy_months": 8, "pregnancy_high_risk": True,
           "violence": True, "notes": "no debe salir en ninguna derivación"}  # fmt: skip
HEALTH_ONLY = {**CONSENT, "share_with": ["service_providers"], "parts": ["health"]}


def _case(api: Any, consent: dict[str, Any], **person: Any) -> int:
    person_id = _person(api, protection=None, **person)
    given = api.post(f"/api/v1/humanitarian/persons/{person_id}/consent", json=consent).json()
    screened = api.post(
        f"/api/v1/humanitarian/persons/{person_id}/screenings",
        json={"consent_id": given["id"], "details": DETAILS},
    )
    assert screened.status_code == 201, screened.text
    return int(screened.json()["case_id"])


def _facilities(api: Any) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in api.get("/api/v1/facilities").json()}


def test_a_referral_carries_only_what_the_person_consented_to(login: Login) -> None:
    oim = login("cl.oim")
    case_id = _case(oim, HEALTH_ONLY)
    point = _facilities(oim)["Punto de atención humanitaria Chacalluta"]
    made = oim.post(
        f"/api/v1/humanitarian/cases/{case_id}/referrals",
        json={"facility_id": point["id"], "service": "health", "note": "control prenatal"},
    )
    assert made.status_code == 201, made.text
    shared = made.json()["shared"]
    assert shared["pregnancy_months"] == 8 and shared["pregnancy_high_risk"] is True
    assert shared["priority"] == "critical" and "maternal" in shared["needs"]
    not_consented = set(PARTS["identity"]) | set(PARTS["protection"]) | set(PARTS["family"])
    assert not (set(shared) & not_consented), set(shared) & not_consented
    assert "María" not in made.text and "no debe salir" not in made.text and "notes" not in shared
    # Police see that a referral exists, not what it carries.
    seen = login("cl.operator").get("/api/v1/humanitarian/referrals").json()
    assert seen[0]["shared"] is None and seen[0]["shared_hidden"] is True


def test_no_consent_no_referral_and_across_the_border_needs_its_own(login: Login) -> None:
    oim = login("cl.oim")
    services = {s["name"]: s for s in oim.get("/api/v1/humanitarian/services").json()}
    chacalluta = services["Punto de atención humanitaria Chacalluta"]
    assert "health" in chacalluta["offers"] and chacalluta["languages"] == ["es", "en"]
    assert chacalluta["hours"] and services["Albergue temporal Tacna"]["country"] == "PE"
    facilities = _facilities(oim)
    point = facilities["Punto de atención humanitaria Chacalluta"]
    own_only = _case(oim, {**CONSENT, "share_with": ["humanitarian_partners"]})
    refused = oim.post(
        f"/api/v1/humanitarian/cases/{own_only}/referrals",
        json={"facility_id": point["id"], "service": "health"},
    )
    assert refused.status_code == 409 and "service providers" in refused.json()["detail"]
    tacna = facilities["Albergue temporal Tacna"]  # Peru's, received under the agreement
    case_id = _case(oim, HEALTH_ONLY)
    across = oim.post(
        f"/api/v1/humanitarian/cases/{case_id}/referrals",
        json={"facility_id": tacna["id"], "service": "shelter"},
    )
    assert across.status_code == 409 and "across the border" in across.json()["detail"]
    both_sides = _case(oim, {**HEALTH_ONLY, "share_with": ["service_providers", "other_side"]})
    sent = oim.post(
        f"/api/v1/humanitarian/cases/{both_sides}/referrals",
        json={"facility_id": tacna["id"], "service": "shelter"},
    )
    assert sent.status_code == 201, sent.text
    wrong = oim.post(
        f"/api/v1/humanitarian/cases/{own_only}/referrals",
        json={"facility_id": point["id"], "service": "consular"},
    )
    assert wrong.status_code == 422 and "does not offer" in wrong.json()["detail"]
    assert (
        login("cl.operator")
        .post(
            f"/api/v1/humanitarian/cases/{own_only}/referrals",
            json={"facility_id": point["id"], "service": "health"},
        )
        .status_code
        == 403
    )


def test_beds_are_held_released_and_counted_on_the_board(
    login: Login, sessions: sessionmaker[Session]
) -> None:
    oim = login("cl.oim")
    arica = _facilities(oim)["Albergue transitorio Arica"]
    beds = f"/api/v1/humanitarian/shelters/{arica['id']}/beds"
    counted = oim.post(beds, json={"category": "women", "capacity": 2, "occupied": 1})
    assert counted.status_code == 201, counted.text
    assert (
        oim.post(beds, json={"category": "women", "capacity": 2, "occupied": 3}).status_code == 422
    )
    assert (
        login("cl.operator")
        .post(beds, json={"category": "women", "capacity": 2, "occupied": 0})
        .status_code
        == 403
    )

    def free() -> int:
        board = {s["facility_id"]: s for s in oim.get("/api/v1/humanitarian/shelters").json()}
        (women,) = [b for b in board[arica["id"]]["beds"] if b["category"] == "women"]
        return int(women["free"])

    assert free() == 1
    first = _case(oim, HEALTH_ONLY)
    second = _case(oim, HEALTH_ONLY)
    held = oim.post(
        f"/api/v1/humanitarian/cases/{first}/referrals",
        json={"facility_id": arica["id"], "service": "shelter", "bed_category": "women"},
    )
    assert held.status_code == 201 and held.json()["bed_held_until"] == held.json()["deadline"]
    assert free() == 0
    full = oim.post(
        f"/api/v1/humanitarian/cases/{second}/referrals",
        json={"facility_id": arica["id"], "service": "shelter", "bed_category": "women"},
    )
    assert full.status_code == 409 and "no free bed" in full.json()["detail"]
    declined = oim.post(
        f"/api/v1/humanitarian/referrals/{held.json()['id']}/decline", json={"reason": "sin cupo"}
    )
    assert declined.status_code == 200 and declined.json()["bed_released_at"] is not None
    assert free() == 1
    # The hold runs out at the deadline (critical: 24 h) if nobody answers.
    again = oim.post(
        f"/api/v1/humanitarian/cases/{second}/referrals",
        json={"facility_id": arica["id"], "service": "shelter", "bed_category": "women"},
    ).json()
    assert free() == 0
    later = dt.datetime.fromisoformat(again["deadline"]) + dt.timedelta(minutes=1)
    with sessions() as session, unscoped(session):
        escalated = escalate_overdue(session, scope=unrestricted("CL"), now=later)
        session.commit()
    assert escalated == [again["id"]]
    assert free() == 1
    (late,) = oim.get("/api/v1/humanitarian/referrals", params={"case_id": second}).json()
    assert late["escalated_at"] is not None and late["state"] == "pending"
    # Today it is not overdue yet (the test's clock ran a day ahead, the server's did not).
    assert oim.get("/api/v1/humanitarian/referrals", params={"overdue": True}).json() == []
    history = oim.get(beds).json()
    assert [h["occupied"] for h in history] == [1] and history[0]["counted_by"] == "cl.oim"


def test_deadlines_follow_priority_and_the_lifecycle_is_enforced(
    login: Login, sessions: sessionmaker[Session]
) -> None:
    oim = login("cl.oim")
    point = _facilities(oim)["Punto de atención humanitaria Chacalluta"]
    case_id = _case(oim, HEALTH_ONLY)
    made = oim.post(
        f"/api/v1/humanitarian/cases/{case_id}/referrals",
        json={"facility_id": point["id"], "service": "health"},
    ).json()
    waited = dt.datetime.fromisoformat(made["deadline"]) - dt.datetime.fromisoformat(
        made["referred_at"]
    )
    assert waited == dt.timedelta(hours=24)  # critical
    url = f"/api/v1/humanitarian/referrals/{made['id']}"
    assert oim.post(f"{url}/complete", json={}).status_code == 409  # not accepted yet
    assert oim.post(f"{url}/decline", json={"reason": ""}).status_code == 422
    assert oim.post(f"{url}/accept", json={}).json()["state"] == "accepted"
    assert oim.post(f"{url}/accept", json={}).status_code == 409
    assert oim.post(f"{url}/complete", json={}).json()["state"] == "completed"
    assert oim.post(f"{url}/frobnicate", json={}).status_code == 422
    # An answered referral is never escalated, however late.
    with sessions() as session, unscoped(session):
        far = dt.datetime.now(dt.UTC) + dt.timedelta(days=60)
        assert escalate_overdue(session, scope=unrestricted("CL"), now=far) == []


def test_a_referral_across_the_border_is_answered_there(
    login: Login, sync: Any, nodes: Any
) -> None:
    oim = login("cl.oim")
    tacna = _facilities(oim)["Albergue temporal Tacna"]
    point = _facilities(oim)["Punto de atención humanitaria Chacalluta"]
    consent = {**CONSENT, "share_with": ["service_providers", "other_side"], "parts": ["health"]}
    case_id = _case(oim, consent)
    across = oim.post(
        f"/api/v1/humanitarian/cases/{case_id}/referrals",
        json={"facility_id": tacna["id"], "service": "shelter", "bed_category": "women",
              "note": "llega con su hija"},
    )  # fmt: skip
    assert across.status_code == 201, across.text
    here = oim.post(
        f"/api/v1/humanitarian/cases/{case_id}/referrals",
        json={"facility_id": point["id"], "service": "health"},
    ).json()
    # The referring side does not answer for the service across the border.
    assert oim.post(f"/api/v1/humanitarian/referrals/{across.json()['id']}/accept",
                    json={}).status_code == 403  # fmt: skip
    sync()
    peru_oim = login("pe.oim")
    (received,) = peru_oim.get("/api/v1/humanitarian/referrals").json()  # not the local one
    assert received["uid"] == across.json()["uid"] and received["origin_node"] == "CL"
    assert received["case_id"] is None and received["case_uid"] == across.json()["case_uid"]
    assert received["shared"]["pregnancy_months"] == 8 and received["note"] == "llega con su hija"
    assert "given_names" not in received["shared"]  # identity was not consented
    assert here["uid"] != received["uid"]
    police = login("pe.supervisor").get("/api/v1/humanitarian/referrals").json()
    assert police == []  # the agreement gives it to humanitarian audiences only
    # Tacna's board counts the bed Chile holds.
    pe_arica = {s["name"]: s for s in peru_oim.get("/api/v1/humanitarian/shelters").json()}
    tacna_here = pe_arica["Albergue temporal Tacna"]
    peru_oim.post(f"/api/v1/humanitarian/shelters/{tacna_here['facility_id']}/beds",
                  json={"category": "women", "capacity": 10, "occupied": 4})  # fmt: skip
    board = {s["name"]: s for s in peru_oim.get("/api/v1/humanitarian/shelters").json()}
    (women,) = [b for b in board["Albergue temporal Tacna"]["beds"] if b["category"] == "women"]
    assert (women["held"], women["free"]) == (1, 5)

    accepted = peru_oim.post(f"/api/v1/humanitarian/referrals/{received['id']}/accept", json={})
    assert accepted.status_code == 200 and accepted.json()["state"] == "pending"  # until Chile
    sync()
    (mine,) = oim.get("/api/v1/humanitarian/referrals", params={"state": "accepted"}).json()
    assert mine["uid"] == across.json()["uid"]
    (theirs,) = peru_oim.get("/api/v1/humanitarian/referrals").json()
    assert theirs["state"] == "accepted"  # Chile's new version came back
