"""Family and group unity: a planned removal of one member raises a separation alert before
it happens; the removal cannot be carried out until the alert is resolved with a reason; a
child is never recorded unaccompanied beside an adult of their group at the same place."""

from __future__ import annotations

from typing import Any

from tests.factories import event_payload
from tests.humanitarian.test_cases_api import CONSENT, Login, _person

PLAN = {"destination": "Frontera Chacalluta, devolución a Perú",
        "planned_for": "2025-11-27T09:00:00-03:00"}  # fmt: skip


def _family(api: Any, at_event: int | None = None) -> tuple[int, dict[str, int]]:
    group = api.post(
        "/api/v1/groups",
        json={"kind": "family", "label": "Familia G.", "sharing_level": "humanitarian"},
    ).json()["id"]
    members = {
        name: _person(
            api,
            given_names=name,
            birth_date=born,
            group_id=group,
            event_id=at_event,
            relationship_to_group=relation,
            protection=None,
        )  # fmt: skip
        for name, born, relation in [
            ("padre", "1985-02-01", "head"),
            ("madre", "1988-06-01", "spouse"),
            ("hija", "2016-09-01", "child"),
        ]
    }
    return group, members


def test_removing_the_father_alone_raises_an_alert_before_it_happens(login: Login) -> None:
    police = login("cl.pdi")  # a supervisor of the investigations police plans the removal
    group, members = _family(police)
    planned = police.post(
        "/api/v1/humanitarian/movements",
        json={**PLAN, "kind": "removal", "person_ids": [members["padre"]]},
    )
    assert planned.status_code == 201, planned.text
    movement = planned.json()
    (alert,) = movement["separation_alerts"]
    assert alert["state"] == "open" and alert["group_id"] == group
    assert alert["moving"] == [members["padre"]]
    assert sorted(alert["staying"]) == sorted([members["madre"], members["hija"]])
    assert alert["children_separated"] is False  # the daughter stays with her mother

    # Caseworkers and supervisors see it; it blocks the removal until resolved with a reason.
    listed = login("cl.oim").get("/api/v1/humanitarian/separation-alerts", params={"state": "open"})
    assert [a["id"] for a in listed.json()] == [alert["id"]]
    assert login("cl.operator").get("/api/v1/humanitarian/separation-alerts").status_code == 403
    blocked = police.post(f"/api/v1/humanitarian/movements/{movement['id']}/carry-out")
    assert blocked.status_code == 409 and str(alert["id"]) in blocked.json()["detail"]
    resolved = login("cl.oim").post(
        f"/api/v1/humanitarian/separation-alerts/{alert['id']}/resolve",
        json={"outcome": "separation_justified",
              "reason": "orden judicial; la familia fue informada y acompañada"},
    )  # fmt: skip
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["resolved_by"] == "cl.oim"
    done = police.post(f"/api/v1/humanitarian/movements/{movement['id']}/carry-out")
    assert done.status_code == 200 and done.json()["state"] == "carried_out"
    # Where each member is: the father's removal shows on the family's cases.
    oim = login("cl.oim")
    consent = oim.post(
        f"/api/v1/humanitarian/persons/{members['madre']}/consent",
        json={"given": True, "explained": "Se explicó la evaluación.", "language": "es"},
    ).json()
    mother = oim.get(f"/api/v1/humanitarian/cases/{consent['case_id']}").json()
    father = next(m for m in mother["group_members"] if m["person_id"] == members["padre"])
    assert father["movement"].startswith("removal · carried_out")
    again = login("cl.oim").post(
        f"/api/v1/humanitarian/separation-alerts/{alert['id']}/resolve",
        json={"outcome": "kept_together", "reason": "otra vez"},
    )
    assert again.status_code == 409


def test_moving_the_whole_family_raises_nothing_and_a_lone_child_is_flagged(
    login: Login,
) -> None:
    police = login("cl.pdi")
    _, members = _family(police)
    together = police.post(
        "/api/v1/humanitarian/movements",
        json={**PLAN, "kind": "transfer", "person_ids": list(members.values())},
    ).json()
    assert together["separation_alerts"] == []
    _, others = _family(police)
    child_alone = police.post(
        "/api/v1/humanitarian/movements",
        json={**PLAN, "kind": "referral", "destination": "Hospital de Arica",
              "person_ids": [others["hija"]]},
    ).json()  # fmt: skip
    (alert,) = child_alone["separation_alerts"]
    assert alert["children_separated"] is True
    cancelled = police.post(f"/api/v1/humanitarian/movements/{child_alone['id']}/cancel").json()
    assert cancelled["state"] == "cancelled"
    assert cancelled["separation_alerts"][0]["outcome"] == "movement_cancelled"


def test_a_child_beside_an_adult_of_their_group_is_not_unaccompanied(login: Login) -> None:
    oim = login("cl.oim")
    event = oim.post("/api/v1/events", json=event_payload(sharing_level="humanitarian")).json()
    _, members = _family(oim, at_event=event["id"])
    consent = oim.post(
        f"/api/v1/humanitarian/persons/{members['hija']}/consent", json=CONSENT
    ).json()
    url = f"/api/v1/humanitarian/persons/{members['hija']}/screenings"
    refused = oim.post(
        url, json={"consent_id": consent["id"], "details": {"child_status": "unaccompanied"}}
    )
    assert refused.status_code == 409 and "same place" in refused.json()["detail"]
    accepted = oim.post(
        url, json={"consent_id": consent["id"], "details": {"child_status": "accompanied"}}
    )
    assert accepted.status_code == 201


def test_bad_movements_are_refused(login: Login) -> None:
    police = login("cl.pdi")
    person = _person(police, protection=None)
    for body, words in [
        ({**PLAN, "kind": "deportation", "person_ids": [person]}, "kind"),
        ({**PLAN, "kind": "removal", "person_ids": []}, "person_ids"),
        ({**PLAN, "kind": "removal", "person_ids": [person, person]}, "twice"),
        ({**PLAN, "kind": "removal", "person_ids": ["1"]}, "integer"),
        (
            {**PLAN, "kind": "removal", "person_ids": [person], "planned_for": "mañana"},
            "planned_for",
        ),
    ]:
        reply = police.post("/api/v1/humanitarian/movements", json=body)
        assert reply.status_code == 422 and words in reply.text, (body, reply.text)
    unknown = police.post(
        "/api/v1/humanitarian/movements", json={**PLAN, "kind": "removal", "person_ids": [999999]}
    )
    assert unknown.status_code == 404
    assert (
        login("cl.viewer")
        .post(
            "/api/v1/humanitarian/movements",
            json={**PLAN, "kind": "removal", "person_ids": [person]},
        )
        .status_code
        == 403
    )


def test_a_kept_together_outcome_or_a_new_member_stops_the_old_plan(login: Login) -> None:
    police = login("cl.pdi")
    group, members = _family(police)
    first = police.post(
        "/api/v1/humanitarian/movements",
        json={**PLAN, "kind": "removal", "person_ids": [members["padre"]]},
    ).json()
    police.post(
        f"/api/v1/humanitarian/separation-alerts/{first['separation_alerts'][0]['id']}/resolve",
        json={"outcome": "kept_together", "reason": "se trasladará a la familia completa"},
    )
    kept = police.post(f"/api/v1/humanitarian/movements/{first['id']}/carry-out")
    assert kept.status_code == 409 and "whole group" in kept.json()["detail"]

    second = police.post(
        "/api/v1/humanitarian/movements",
        json={**PLAN, "kind": "transfer", "person_ids": list(members.values())},
    ).json()
    assert second["separation_alerts"] == []
    newborn = _person(police, given_names="bebé", birth_date="2025-11-01", group_id=group,
                      relationship_to_group="child", protection=None)  # fmt: skip
    late = police.post(f"/api/v1/humanitarian/movements/{second['id']}/carry-out")
    assert late.status_code == 409 and str(newborn) in late.json()["detail"]


def test_the_other_side_sees_the_alert_and_leaves_its_resolution_to_its_origin(
    login: Login, sync: Any
) -> None:
    oim = login("cl.oim")
    _, members = _family(oim)  # humanitarian: the family crosses to Peru's caseworkers
    planned = (
        login("cl.pdi")
        .post(
            "/api/v1/humanitarian/movements",
            json={**PLAN, "kind": "removal", "person_ids": [members["padre"]]},
        )
        .json()
    )
    (alert,) = planned["separation_alerts"]
    sync()
    peru = login("pe.supervisor")
    (received,) = peru.get("/api/v1/humanitarian/separation-alerts").json()
    assert received["uid"] == alert["uid"] and received["origin_node"] == "CL"
    assert received["state"] == "open" and received["resolution"] is None
    # Peru's caseworkers hold the family: the encounters are named by Peru's own ids.
    peru_oim = login("pe.oim")
    (theirs,) = peru_oim.get("/api/v1/humanitarian/separation-alerts").json()
    assert theirs["group_id"] is not None and len(theirs["moving"]) == 1
    assert len(theirs["staying"]) == 2
    refused = peru.post(
        f"/api/v1/humanitarian/separation-alerts/{received['id']}/resolve",
        json={"outcome": "kept_together", "reason": "no corresponde a Perú"},
    )
    assert refused.status_code == 403 and "resolved there" in refused.json()["detail"]
    oim.post(
        f"/api/v1/humanitarian/separation-alerts/{alert['id']}/resolve",
        json={"outcome": "movement_cancelled", "reason": "la familia viaja junta mañana"},
    )
    sync()
    (resolved,) = peru.get("/api/v1/humanitarian/separation-alerts").json()
    assert resolved["state"] == "resolved" and resolved["outcome"] == "movement_cancelled"
    assert resolved["resolution"] is None  # its text stays in Chile
