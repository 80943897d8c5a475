"""Impact overrides over real HTTP and the command line, on SQLite and PostgreSQL: a supervisor's
level is what the risk and the planner use until it lapses or is lifted; who may, bad input
refused, the audit log."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from hito.audit import entries, verify_chain
from hito.auth import unrestricted
from hito.auth.scoping import bind
from hito.patrols import PlanRequest, build_problem
from hito.patrols.models import ImpactOverride
from hito.patrols.problem import Impact
from tests.nodes import SECRET, TestNode

Login = Callable[[str], httpx.Client]
OVERRIDES = "/api/v1/patrols/overrides"
CHACALLUTA = {"sector": "S2-CHACALLUTA", "level": "critical", "reason": "Aviso de grupo grande"}


def _when(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _risk(api: httpx.Client, **params: str) -> dict[str, Any]:
    reply = api.get("/api/v1/patrols/risk", params=params)
    assert reply.status_code == 200, reply.text
    return {r["sector"]: r for r in reply.json()}


def test_an_override_sets_the_level_until_it_lapses(
    login: Login, sessions: sessionmaker[Session]
) -> None:
    supervisor, operator = login("cl.pdi"), login("cl.operator")
    before = dt.datetime.now(dt.UTC)
    reply = supervisor.post(OVERRIDES, json=CHACALLUTA)
    assert reply.status_code == 201, reply.text
    override = reply.json()
    assert (override["sector"], override["level"], override["set_by"]) == (
        "S2-CHACALLUTA", "critical", "cl.pdi"
    )  # fmt: skip
    expires = _when(override["expires_at"])
    assert dt.timedelta(hours=23.9) < expires - before < dt.timedelta(hours=24.1)
    assert override["lifted_at"] is None

    now = _risk(operator)
    chacalluta = now["S2-CHACALLUTA"]
    assert chacalluta["day_level"] == chacalluta["night_level"] == "critical"
    assert chacalluta["computed_day_level"] == chacalluta["computed_night_level"] == "low"
    assert chacalluta["override"]["level"] == "critical"
    assert chacalluta["override"]["reason"] == "Aviso de grupo grande"
    assert chacalluta["override"]["set_by"] == "cl.pdi"
    assert chacalluta["override"]["expires_at"] == override["expires_at"]
    assert all(r["override"] is None and r["day_level"] == "low"
               for code, r in now.items() if code != "S2-CHACALLUTA")  # fmt: skip
    assert [o["id"] for o in operator.get(OVERRIDES).json()] == [override["id"]]

    lapsed = (expires + dt.timedelta(minutes=1)).isoformat()
    after = _risk(operator, at=lapsed)["S2-CHACALLUTA"]
    assert after["override"] is None and after["day_level"] == after["night_level"] == "low"
    assert operator.get(OVERRIDES, params={"at": lapsed}).json() == []
    earlier = (before - dt.timedelta(hours=1)).isoformat()  # before it was set
    assert _risk(operator, at=earlier)["S2-CHACALLUTA"]["override"] is None
    # The node's own judgement: Peru's node does not hold it.
    assert _risk(login("pe.operator"))["S2-CHACALLUTA"]["override"] is None

    # The planner: the shifts that start while it is in force are critical, later ones not.
    tomorrow = (before.astimezone(ZoneInfo("America/Santiago")) + dt.timedelta(days=1)).date()
    request = PlanRequest(first_day=tomorrow, days=2)
    with sessions() as session:
        problem = build_problem(
            bind(session, unrestricted("CL")), scope=unrestricted("CL"), request=request
        )
    for shift in problem.shifts:
        level = problem.impact(("S2-CHACALLUTA", "CL", shift.index))
        assert level is (Impact.critical if shift.start < expires else Impact.low), shift
        assert problem.impact(("S1-LITORAL", "CL", shift.index)) is Impact.low
    assert problem.impact(("S2-CHACALLUTA", "CL", 0)) is Impact.critical
    # no event yet: the raised sector is worth what reaches critical, so the planner chases it
    assert problem.value(("S2-CHACALLUTA", "CL", 0)) > 0
    assert problem.value(("S1-LITORAL", "CL", 0)) == 0
    assert problem.impact(("S2-CHACALLUTA", "CL", problem.shifts[-1].index)) is Impact.low


def test_lifting_ends_it_and_both_are_audited(login: Login, session: Session) -> None:
    supervisor, operator = login("cl.pdi"), login("cl.operator")
    sectors = {s["code"]: s["uid"] for s in operator.get("/api/v1/sectors").json()}
    soon = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=6)).isoformat()
    first = supervisor.post(OVERRIDES, json={**CHACALLUTA, "level": "high", "expires_at": soon})
    assert first.status_code == 201, first.text
    assert _when(first.json()["expires_at"]) == _when(soon)
    again = supervisor.post(OVERRIDES, json=CHACALLUTA)
    assert again.status_code == 409 and f"lift override {first.json()['id']}" in again.text
    assert again.headers["content-type"] == "application/problem+json"
    assert _risk(operator)["S2-CHACALLUTA"]["day_level"] == "high"

    path = f"{OVERRIDES}/{first.json()['id']}/lift"
    lifted = supervisor.post(path)
    assert lifted.status_code == 200, lifted.text
    assert lifted.json()["lifted_at"] is not None
    assert _risk(operator)["S2-CHACALLUTA"]["override"] is None
    assert operator.get(OVERRIDES).json() == []
    assert supervisor.post(path).status_code == 409  # lifted already
    missing = supervisor.post(f"{OVERRIDES}/999999/lift")
    assert missing.status_code == 404 and missing.headers["content-type"].endswith("problem+json")
    assert supervisor.post(OVERRIDES, json=CHACALLUTA).status_code == 201  # free again

    set_entries = entries(session, action="patrols.override.set")
    (lift_entry,) = entries(session, action="patrols.override.lift")
    assert len(set_entries) == 2
    for entry in [*set_entries, lift_entry]:
        assert (entry.actor, entry.object_type) == ("cl.pdi", "sector")
        assert entry.object_ids == sectors["S2-CHACALLUTA"]
    detail = json.loads(set_entries[-1].detail)  # the oldest: newest first
    assert (detail["level"], detail["reason"]) == ("high", "Aviso de grupo grande")
    assert json.loads(lift_entry.detail) == {"override": first.json()["id"],
                                             "sector": "S2-CHACALLUTA"}  # fmt: skip
    assert verify_chain(session) is None


def test_only_supervisors_override(login: Login, session: Session) -> None:
    made = login("cl.pdi").post(OVERRIDES, json=CHACALLUTA)
    assert made.status_code == 201
    for username in ("cl.operator", "cl.viewer", "cl.caseworker", "cl.oim"):
        api = login(username)
        refused = api.post(OVERRIDES, json={**CHACALLUTA, "sector": "S1-LITORAL"})
        assert refused.status_code == 403, (username, refused.text)
        assert refused.headers["content-type"] == "application/problem+json"
        assert api.post(f"{OVERRIDES}/{made.json()['id']}/lift").status_code == 403
        assert api.get(OVERRIDES).status_code == 200  # everyone sees the levels in force
    assert login("cl.admin").post(f"{OVERRIDES}/{made.json()['id']}/lift").status_code == 200
    assert session.scalar(select(func.count()).select_from(ImpactOverride)) == 1
    assert len(entries(session, action="patrols.override.lift")) == 1


def test_bad_overrides_are_refused_and_change_nothing(login: Login, session: Session) -> None:
    supervisor = login("cl.pdi")
    now = dt.datetime.now(dt.UTC)
    bad: list[tuple[dict[str, Any], str]] = [
        ({**CHACALLUTA, "reason": ""}, "reason"),
        ({**CHACALLUTA, "reason": "no"}, "reason"),
        ({**CHACALLUTA, "reason": "x" * 501}, "reason"),
        ({**CHACALLUTA, "reason": "x" * 100_000}, "reason"),
        ({**CHACALLUTA, "reason": "dos\nlíneas"}, "single line"),
        ({**CHACALLUTA, "reason": "nul\x00aquí"}, "control character"),
        ({**CHACALLUTA, "level": "extreme"}, "level"),
        ({**CHACALLUTA, "level": 4}, "level"),
        ({**CHACALLUTA, "sector": "S9-NOWHERE"}, "unknown sector S9-NOWHERE"),
        ({**CHACALLUTA, "sector": "s2-chacalluta"}, "sector"),
        ({**CHACALLUTA, "expires_at": (now - dt.timedelta(hours=1)).isoformat()}, "future"),
        ({**CHACALLUTA, "expires_at": (now + dt.timedelta(days=15)).isoformat()}, "14 days"),
        ({**CHACALLUTA, "expires_at": "2030-01-01T00:00:00"}, "expires_at"),
        ({**CHACALLUTA, "expires_at": "mañana"}, "expires_at"),
        ({**CHACALLUTA, "until": "2030-01-01T00:00:00Z"}, "until"),
        ({"sector": "S2-CHACALLUTA", "level": "high"}, "reason"),
    ]
    for body, words in bad:
        reply = supervisor.post(OVERRIDES, json=body)
        assert reply.status_code == 422, (body, reply.text[:300])
        assert reply.headers["content-type"] == "application/problem+json"
        assert words in reply.text, (words, reply.text[:300])
    json_header = {"content-type": "application/json"}
    broken = supervisor.post(OVERRIDES, content=b"{not json", headers=json_header)
    assert broken.status_code in (400, 422) and broken.headers["content-type"].endswith("json")
    for path in (f"{OVERRIDES}/0/lift", f"{OVERRIDES}/x/lift"):
        assert supervisor.post(path).status_code == 422
    assert supervisor.get(OVERRIDES, params={"at": "soon"}).status_code == 422
    assert session.scalar(select(func.count()).select_from(ImpactOverride)) == 0
    assert entries(session, action="patrols.override.set") == []


def _hito(node: TestNode, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HITO_NODE": node.code, "HITO_DATABASE_URL": node.settings.database_url,
           "HITO_SECRET_KEY": SECRET, "HITO_DEMO": "0"}  # fmt: skip
    return subprocess.run([sys.executable, "-m", "hito.cli", "patrols", *args], env=env,
                          capture_output=True, text=True, check=False)  # fmt: skip


def test_an_override_from_the_command_line(
    login: Login, nodes: dict[str, TestNode], session: Session
) -> None:
    node = nodes["CL"]
    done = _hito(node, "override", "S1-LITORAL", "high", "--reason", "Marejadas", "--hours", "2")
    assert done.returncode == 0, done.stderr
    assert "S1-LITORAL high until" in done.stderr
    (shown,) = login("cl.viewer").get(OVERRIDES).json()
    assert (shown["sector"], shown["level"], shown["set_by"]) == ("S1-LITORAL", "high", None)
    expires = _when(shown["expires_at"]) - dt.datetime.now(dt.UTC)
    assert dt.timedelta(hours=1.9) < expires < dt.timedelta(hours=2)
    for args, words in [
        (("S1-LITORAL", "extreme", "--reason", "Marejadas"), "level: Input should be"),
        (("S9-NOWHERE", "high", "--reason", "Marejadas"), "unknown sector S9-NOWHERE"),
        (("S3-ESCRITOS", "high", "--reason", ""), "reason: String should have at least 3"),
        (("S3-ESCRITOS", "high", "--reason", "Marejadas", "--hours", "0"), "--hours: from 1"),
        (("S3-ESCRITOS", "high", "--reason", "Marejadas", "--hours", "400"), "to 336"),
    ]:
        refused = _hito(node, "override", *args)
        assert refused.returncode == 2, (args, refused.stderr)
        assert words in refused.stderr and len(refused.stderr.strip().splitlines()) == 1, (
            refused.stderr
        )
    busy = _hito(node, "override", "S1-LITORAL", "low", "--reason", "Calma")
    assert busy.returncode == 1 and "already overridden" in busy.stderr
    assert session.scalar(select(func.count()).select_from(ImpactOverride)) == 1
    (entry,) = entries(session, action="patrols.override.set")
    assert entry.actor.startswith("cli:") and entry.actor_agency == "CL-SERMIG"
