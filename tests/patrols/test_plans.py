"""Units and plans over real HTTP and the command line, on SQLite and PostgreSQL: who may add and
approve, every hard rule checked again on the stored plan, bad input refused."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from hito.auth import unrestricted
from hito.auth.scoping import bind, unscoped
from hito.patrols import PlanRequest, build_problem
from hito.patrols.check import violations
from hito.patrols.io import demo_units
from hito.patrols.models import PatrolPlan, PatrolUnit
from hito.patrols.problem import Assignment, Plan
from tests.factories import event_payload
from tests.nodes import SECRET, TestNode

Login = Callable[[str], httpx.Client]
CHILE = dt.timezone(dt.timedelta(hours=-3))


def _units() -> list[dict[str, Any]]:
    return [u.model_dump(mode="json") for u in demo_units("CL")]


def _stranded_group(api: httpx.Client) -> None:
    """Chacalluta critical by day and night: a stranded group of 100 and night crossings."""
    assert api.post("/api/v1/events", json=event_payload()).status_code == 201
    for hour in ("02:00", "03:30", "23:00"):
        crossing = event_payload(
            type="irregular_crossing", occurred_at=f"2025-11-23T{hour}:00-03:00", headcount=30
        )
        assert api.post("/api/v1/events", json=crossing).status_code == 201


def test_supervisors_add_units_all_or_nothing(login: Login) -> None:
    supervisor, operator, peru = login("cl.pdi"), login("cl.operator"), login("pe.supervisor")
    assert operator.post("/api/v1/patrols/units", json=_units()).status_code == 403
    added = supervisor.post("/api/v1/patrols/units", json=_units())
    assert added.status_code == 201, added.text
    assert len(added.json()) == 10 and {u["country"] for u in added.json()} == {"CL"}
    assert {u["agency"] for u in added.json()} == {"CL-CARABINEROS", "CL-PDI", "CL-EJERCITO"}
    again = supervisor.post("/api/v1/patrols/units", json=[{**_units()[0], "code": "CL-NEW"},
                                                          _units()[1]])  # fmt: skip
    assert again.status_code == 409 and "unit 2 (CL-CAR-ARICA-2)" in again.json()["detail"]
    assert len(operator.get("/api/v1/patrols/units").json()) == 10  # CL-NEW was not kept
    assert peru.get("/api/v1/patrols/units").json() == []  # national: Chile's own
    for bad, status, words in [
        ({**_units()[0], "code": "CL-X", "agency": "PE-PNP"}, 422, "not an agency of CL"),
        ({**_units()[0], "code": "CL-X", "reach": {"S9-NOWHERE": 10}}, 422, "unknown sectors"),
        ({**_units()[0], "code": "CL-X", "reach": {}}, 422, "at least 1"),
        ({**_units()[0], "code": "CL-X", "crew": "4"}, 422, "valid integer"),
        ({**_units()[0], "code": "cl-x'; drop table patrol_unit;--"}, 422, "pattern"),
        ({**_units()[0], "code": "CL-X", "min_rest_hours": 4}, 422, "greater than or equal to 8"),
        (
            {
                **_units()[0],
                "code": "CL-X",
                "available": [{"start": "2025-11-25T00:00:00Z", "end": "2025-11-24T00:00:00Z"}],
            },
            422,
            "ends after it starts",
        ),  # fmt: skip
    ]:
        reply = supervisor.post("/api/v1/patrols/units", json=[bad])
        assert reply.status_code == status, (bad, reply.text)
        assert words in reply.text and reply.headers["content-type"] == "application/problem+json"
    assert len(operator.get("/api/v1/patrols/units").json()) == 10


def test_a_plan_keeps_every_rule_and_a_supervisor_approves_it(
    login: Login, sessions: sessionmaker[Session]
) -> None:
    supervisor, operator = login("cl.pdi"), login("cl.operator")
    assert supervisor.post("/api/v1/patrols/units", json=_units()).status_code == 201
    _stranded_group(operator)
    # From the day after the group was met: its risk counts from the plan's start.
    request = {"first_day": "2025-11-25", "days": 2, "seed": 3, "seconds": 3}
    reply = operator.post("/api/v1/patrols/plans", json=request)
    assert reply.status_code == 201, reply.text
    plan = reply.json()
    assert plan["status"] == "draft" and plan["country"] == "CL"
    assert plan["starts_at"] == "2025-11-25T03:00:00Z"  # local midnight in Chile
    assert plan["assignments"] and plan["objective"] <= plan["bound"] + 1e-6
    starts = {dt.datetime.fromisoformat(a["start"]).astimezone(CHILE).hour
              for a in plan["assignments"]}  # fmt: skip
    assert starts <= {0, 8, 16}
    # Checked again from the database, not from the solver: the same problem, every rule.
    with sessions() as session:
        problem = build_problem(
            bind(session, unrestricted("CL")), scope=unrestricted("CL"),
            request=PlanRequest.model_validate(request),
        )  # fmt: skip
    index = {shift.start: shift.index for shift in problem.shifts}
    stored = Plan(
        [Assignment(a["unit"], a["sector"], a["country"],
                    index[dt.datetime.fromisoformat(a["start"])]) for a in plan["assignments"]],
        plan["objective"], plan["bound"], plan["solver_status"], 0.0,
    )  # fmt: skip
    assert violations(problem, stored) == []
    assert problem.impact(("S2-CHACALLUTA", "CL", 1)).name == "critical"
    chacalluta = [a for a in plan["assignments"] if a["sector"] == "S2-CHACALLUTA"]
    assert chacalluta, "the critical sector is covered"
    assert {a["impact"] for a in chacalluta} == {"critical"}  # its level, kept with each shift
    for a, kept in zip(plan["assignments"], stored.assignments, strict=True):
        assert a["impact"] == problem.impact((kept.sector, kept.country, kept.shift)).name
    for start in {a["start"] for a in chacalluta}:
        assert len({a["agency"] for a in chacalluta if a["start"] == start}) == 2
    assert all(0 <= c["probability"] <= 1 for c in plan["coverage"])
    for u in plan["uncovered"]:
        assert u["impact"] in ("high", "critical") and u["explanation"]

    path = f"/api/v1/patrols/plans/{plan['id']}"
    assert operator.post(f"{path}/approve").status_code == 403
    approved = supervisor.post(f"{path}/approve")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert supervisor.post(f"{path}/approve").status_code == 409
    assert operator.get(path).json()["assignments"] == plan["assignments"]
    assert operator.get("/api/v1/patrols/plans/999999").status_code == 404
    _replan(operator, supervisor, path, plan)


def test_one_approved_plan_at_a_time(login: Login, sessions: sessionmaker[Session]) -> None:
    """Two approved plans over the same days gave units two shifts at once and counted each
    critical shift twice in the coverage indicator: the second is refused; the days after the
    first are planned freely."""
    supervisor = login("cl.pdi")
    assert supervisor.post("/api/v1/patrols/units", json=_units()).status_code == 201

    def draft(first_day: str, days: int) -> int:
        request = {"first_day": first_day, "days": days, "seed": 1, "seconds": 1}
        reply = supervisor.post("/api/v1/patrols/plans", json=request)
        assert reply.status_code == 201, reply.text
        return int(reply.json()["id"])

    first, overlapping, after = (
        draft("2025-11-24", 3),
        draft("2025-11-26", 2),
        draft("2025-11-27", 2),
    )
    assert supervisor.post(f"/api/v1/patrols/plans/{first}/approve").status_code == 200
    refused = supervisor.post(f"/api/v1/patrols/plans/{overlapping}/approve")
    assert refused.status_code == 409, refused.text
    assert f"plan {first} is approved" in refused.json()["detail"]
    assert supervisor.get(f"/api/v1/patrols/plans/{overlapping}").json()["status"] == "draft"
    assert supervisor.post(f"/api/v1/patrols/plans/{after}/approve").status_code == 200
    with sessions() as session, unscoped(session):
        approved = session.scalars(
            select(PatrolPlan.id).where(PatrolPlan.status == "approved").order_by(PatrolPlan.id)
        ).all()
    assert approved == [first, after]


def test_a_plans_days_follow_the_clock_across_summer_time() -> None:
    """Chile moves its clocks forward on 6 September 2026: the week from local midnight of
    1 September ends at local midnight of the 8th, an hour short of 7 × 24 h, so the next
    week's plan does not overlap it."""
    from hito.patrols.plans import plan_period

    week = PatrolPlan(origin_node="CL", starts_at=dt.datetime(2026, 9, 1, 4, tzinfo=dt.UTC), days=7)
    start, end = plan_period(week)
    assert start == dt.datetime(2026, 9, 1, 4, tzinfo=dt.UTC)
    assert end == dt.datetime(2026, 9, 8, 3, tzinfo=dt.UTC)  # midnight at UTC-3 now
    assert end - start == dt.timedelta(days=7, hours=-1)


def _replan(operator: httpx.Client, supervisor: httpx.Client, path: str, plan: Any) -> None:
    """A new event on the coast during a night shift: the change is shown, applied on asking."""
    event = {"sector": "S1-LITORAL", "at": "2025-11-26T02:30:00-03:00", "seconds": 3}
    shown = operator.post(f"{path}/replan", json=event)
    assert shown.status_code == 200, shown.text
    change = shown.json()
    assert change["applied"] is False and change["covers"] is True
    assert {a["start"] for a in change["added"] + change["removed"]} <= {"2025-11-26T03:00:00Z"}
    assert operator.get(path).json()["assignments"] == plan["assignments"]  # only shown
    assert operator.post(f"{path}/replan", json={**event, "apply": True}).status_code == 403
    done = supervisor.post(f"{path}/replan", json={**event, "apply": True})
    assert done.status_code == 200 and done.json()["covers"] is True
    after = supervisor.get(path).json()["assignments"]
    coast = [
        a for a in after if a["sector"] == "S1-LITORAL" and a["start"] == "2025-11-26T03:00:00Z"
    ]
    assert coast, "the coast is covered in that shift"
    if done.json()["applied"]:
        assert all(a not in after for a in done.json()["removed"])
        assert all(a in after for a in done.json()["added"])
    for bad in ({**event, "at": "2025-12-25T00:00:00Z"}, {**event, "sector": "S9-NOWHERE"},
                {**event, "at": "soon"}, {**event, "country": "XX"}):  # fmt: skip
        assert operator.post(f"{path}/replan", json=bad).status_code == 422, bad


def test_bad_plan_requests_change_nothing(login: Login, sessions: sessionmaker[Session]) -> None:
    operator, viewer = login("cl.operator"), login("cl.viewer")
    empty = operator.post("/api/v1/patrols/plans", json={"first_day": "2025-11-24", "days": 1})
    assert empty.status_code == 422 and "no patrol units" in empty.json()["detail"]
    assert login("cl.pdi").post("/api/v1/patrols/units", json=_units()).status_code == 201
    day = {"first_day": "2025-11-24"}
    bad_requests: list[dict[str, Any]] = [
        {"first_day": "0"}, {**day, "days": 0}, {**day, "days": "7"}, {**day, "seconds": 1e9},
        {**day, "shift_hours": 7}, {**day, "x": 1}, {}, {"first_day": "0001-01-01"},
        {"first_day": "9999-12-31"},
    ]  # fmt: skip
    for bad in bad_requests:
        reply = operator.post("/api/v1/patrols/plans", json=bad)
        assert reply.status_code == 422, bad
    assert viewer.post("/api/v1/patrols/plans", json={"first_day": "2025-11-24"}).status_code == 403
    with sessions() as session, unscoped(session):
        assert session.scalar(select(func.count()).select_from(PatrolUnit)) == 10
        assert session.scalar(select(func.count()).select_from(PatrolPlan)) == 0


def _hito(node: TestNode, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HITO_NODE": node.code, "HITO_DATABASE_URL": node.settings.database_url,
           "HITO_SECRET_KEY": SECRET, "HITO_DEMO": "0"}  # fmt: skip
    return subprocess.run([sys.executable, "-m", "hito.cli", "patrols", *args], env=env,
                          capture_output=True, text=True, check=False)  # fmt: skip


def test_units_and_a_plan_from_the_command_line(
    login: Login, nodes: dict[str, TestNode], tmp_path: Path
) -> None:
    node = nodes["CL"]
    _stranded_group(login("cl.operator"))
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "- {code: CL-A, agency: CL-PDI, kind: foot, crew: 2, base: {lat: -18.3, lon: -70.3},\n"
        "   reach: {S2-CHACALLUTA: 10}}\n"
        "- {code: CL-B, agency: CL-CARABINEROS, kind: tank, crew: 2,\n"
        "   base: {lat: -18.3, lon: -70.3},\n"
        "   reach: {S2-CHACALLUTA: 10}}\n",
        encoding="utf-8",
    )
    refused = _hito(node, "units", "load", str(bad))
    assert refused.returncode == 2
    assert f"{bad}:3: kind:" in refused.stderr  # the second unit starts on line 3
    assert "nothing was loaded" in refused.stderr
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("- {code: CL-Ñ}".encode("latin-1"))
    assert "not UTF-8" in _hito(node, "units", "load", str(latin)).stderr
    units = tmp_path / "units.yaml"
    units.write_text(bad.read_text().replace("tank", "drone"), encoding="utf-8")
    assert _hito(node, "units", "load", str(units)).returncode == 0
    out = tmp_path / "plan.json"
    done = _hito(node, "plan", "--from", "2025-11-25", "--days", "1", "--seed", "5",
                 "--seconds", "2", "--out", str(out))  # fmt: skip
    assert done.returncode == 0, done.stderr
    plan = json.loads(out.read_text(encoding="utf-8"))
    assert {"assignments", "objective", "bound", "coverage", "uncovered"} <= set(plan)
    assert plan["assignments"], "two agencies, one critical sector: it is covered"
    assert set(plan["assignments"][0]) == {
        "unit", "agency", "kind", "country", "sector", "start", "end", "impact"
    }  # fmt: skip
    assert {a["unit"] for a in plan["assignments"]} <= {"CL-A", "CL-B"}
    wrong = _hito(node, "plan", "--from", "24/11/2025")
    assert wrong.returncode == 2 and "--from" in wrong.stderr
    ancient = _hito(node, "plan", "--from", "0001-01-01")
    assert ancient.returncode == 2 and "first_day must be between" in ancient.stderr
