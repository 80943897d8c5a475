"""Plans and patrols between the two nodes, over real HTTP: a draft stays home, an approved plan
and a patrol reach the other side with sectors, times, agencies and kinds of unit — never a
unit's code — and the other side reads them but cannot change them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import httpx

from hito.patrols.io import demo_units
from hito.patrols.walks import along_border
from tests.factories import event_payload

Login = Callable[[str], httpx.Client]


def _draft(supervisor: httpx.Client) -> dict[str, Any]:
    units = [u.model_dump(mode="json") for u in demo_units("CL")]
    assert supervisor.post("/api/v1/patrols/units", json=units).status_code == 201
    assert supervisor.post("/api/v1/events", json=event_payload()).status_code == 201
    reply = supervisor.post(
        "/api/v1/patrols/plans", json={"first_day": "2025-11-25", "days": 1, "seconds": 2}
    )
    assert reply.status_code == 201, reply.text
    plan: dict[str, Any] = reply.json()
    assert plan["assignments"]
    return plan


def test_an_approved_plan_reaches_the_other_side_without_unit_codes(
    login: Login, sync: Callable[[], int]
) -> None:
    chile, peru, army = login("cl.pdi"), login("pe.operator"), login("pe.military")
    plan = _draft(chile)
    sync()
    assert peru.get("/api/v1/patrols/plans").json() == []  # a draft stays home
    path = f"/api/v1/patrols/plans/{plan['id']}"
    assert chile.post(f"{path}/approve").status_code == 200
    sync()
    (received,) = peru.get("/api/v1/patrols/plans", params={"country": "CL"}).json()
    assert received["uid"] == plan["uid"] and received["status"] == "approved"
    assert received["assignments"] == len(plan["assignments"])
    whole = peru.get(f"/api/v1/patrols/plans/{received['id']}")
    assert whole.status_code == 200
    body = whole.json()
    key = ("sector", "agency", "kind", "country", "start", "end", "impact")
    assert sorted(tuple(a[k] for k in key) for a in body["assignments"]) == sorted(
        tuple(a[k] for k in key) for a in plan["assignments"]
    )
    assert {a["unit"] for a in body["assignments"]} == {None}
    assert {a["impact"] for a in body["assignments"]} <= {"low", "medium", "high", "critical"}
    assert "CL-CAR-" not in whole.text and "CL-PDI-" not in whole.text  # no unit code at all
    assert body["objective"] == 0 and body["coverage"] == []  # the solver's figures stay home
    # the Peruvian army reads where and when Chile patrols (audience: all)
    assert [p["uid"] for p in army.get("/api/v1/patrols/plans").json()] == [plan["uid"]]
    # the other side cannot approve or change Chile's plan
    supervisor_pe = login("pe.supervisor")
    refused = supervisor_pe.post(f"/api/v1/patrols/plans/{received['id']}/replan",
                                 json={"sector": "S1-LITORAL", "at": "2025-11-25T10:00:00Z",
                                       "apply": True})  # fmt: skip
    assert refused.status_code == 409 and "the other side's" in refused.json()["detail"]

    # a change applied to the approved plan travels as a new version
    change = chile.post(
        f"{path}/replan",
        json={"sector": "S1-LITORAL", "at": "2025-11-25T15:00:00-03:00", "seconds": 2,
              "apply": True},
    )  # fmt: skip
    assert change.status_code == 200, change.text
    sync()
    after = peru.get(f"/api/v1/patrols/plans/{received['id']}").json()
    mine = chile.get(path).json()
    assert sorted(tuple(a[k] for k in key) for a in after["assignments"]) == sorted(
        tuple(a[k] for k in key) for a in mine["assignments"]
    )
    if change.json()["applied"]:
        assert after["assignments"] != body["assignments"]


def test_a_patrol_reaches_the_other_side_at_its_start_and_its_track_at_its_end(
    login: Login, sync: Callable[[], int]
) -> None:
    supervisor, operator, peru = login("cl.pdi"), login("cl.operator"), login("pe.operator")
    units = [u.model_dump(mode="json") for u in demo_units("CL")]
    assert supervisor.post("/api/v1/patrols/units", json=units).status_code == 201
    begin = dt.datetime(2025, 11, 24, 9, tzinfo=dt.UTC)
    start = {"unit": "CL-CAR-CHACALLUTA", "started_at": begin.isoformat(),
             "sector": "S2-CHACALLUTA"}  # fmt: skip
    started = operator.post("/api/v1/patrols/logs", json=start)
    assert started.status_code == 201
    path = f"/api/v1/patrols/logs/{started.json()['id']}"
    walk = along_border("CL", first_vertex=24, last_vertex=28, start=begin, minutes=60)
    points = [{"at": f.at.isoformat(), "lat": f.lat, "lon": f.lon} for f in walk]
    assert operator.post(f"{path}/points", json=points).status_code == 200
    sync()
    window = {"start": "2025-11-24T00:00:00Z", "end": "2025-11-25T00:00:00Z"}
    (seen,) = peru.get("/api/v1/patrols/logs", params=window).json()
    assert seen["unit"] is None and seen["agency"] == "CL-CARABINEROS"
    assert seen["kind"] == "foot" and seen["sector"] == "S2-CHACALLUTA"
    assert seen["ended_at"] is None and seen["points"] == 0  # the track travels at the end
    assert (
        operator.post(f"{path}/end", json={"ended_at": walk[-1].at.isoformat()}).status_code == 200
    )
    sync()
    (seen,) = peru.get("/api/v1/patrols/logs", params=window).json()
    assert seen["ended_at"] == walk[-1].at.isoformat().replace("+00:00", "Z")
    track = peru.get(f"/api/v1/patrols/logs/{seen['id']}").json()
    assert track["points"] == len(walk) and track["km"] == operator.get(path).json()["km"]
    # Peru reads it but does not write Chile's log
    refused = peru.post(f"/api/v1/patrols/logs/{seen['id']}/points", json=points[:1])
    assert refused.status_code == 409


def test_a_withdrawn_plan_frees_its_days_and_the_other_side_learns_it(
    login: Login, sync: Callable[[], int]
) -> None:
    chile, operator, peru = login("cl.pdi"), login("cl.operator"), login("pe.operator")
    plan = _draft(chile)
    path = f"/api/v1/patrols/plans/{plan['id']}"
    assert chile.post(f"{path}/approve").status_code == 200
    sync()
    (received,) = peru.get("/api/v1/patrols/plans", params={"country": "CL"}).json()
    assert received["status"] == "approved"
    reason = {"reason": "Plan aprobado por error: falta la unidad montada"}
    assert operator.post(f"{path}/withdraw", json=reason).status_code == 403
    assert peru.post(
        f"/api/v1/patrols/plans/{received['id']}/withdraw", json=reason
    ).status_code in (403, 409)
    for bad in ({}, {"reason": ""}, {"reason": "a\x00b"}, {"reason": 5}):
        assert chile.post(f"{path}/withdraw", json=bad).status_code == 422, bad
    withdrawn = chile.post(f"{path}/withdraw", json=reason)
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "draft"
    assert chile.post(f"{path}/withdraw", json=reason).status_code == 409  # not approved now
    sync()
    (received,) = peru.get("/api/v1/patrols/plans", params={"country": "CL"}).json()
    assert received["status"] == "draft"  # no longer counted there either
    assert chile.post(f"{path}/approve").status_code == 200  # its days were free: again
